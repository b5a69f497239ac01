#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/ops/log-escape.sh - client strings cannot forge log lines. A TLS
# client sends, before it is authenticated, a server name (SNI) holding a
# newline and an ANSI escape; the gateway logs the mount refusal that
# names it. Pins: the daemon log shows the name escaped (\n, \x1b) and
# gains no line of the client's making; the audit line stays one JSON
# line with the bytes escaped by JSON.
. "$(dirname "$0")/../lib/harness.sh"

if [ "$HARNESS_DIRECT" = 1 ]; then
	harness_skip_all "the log lines are efsgw's; EFSGW_TEST_DIRECT=1 has none"
fi
command -v openssl >/dev/null || harness_skip_all "openssl CLI not installed"

FS=fs-0123456789abcdef0
harness_free_port; TLS_PORT=$HARNESS_PORT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/server.key" -out "$T/server.pem" -days 2 \
	-subj "/CN=$FS.efs.us-east-1.amazonaws.com" 2>/dev/null ||
	harness_bail "openssl req failed"
harness_efsgw_conf() {
	cat >"$T/efsgw.conf" <<-EOF
	log-level       info
	state-dir       $T/state
	audit-log       $T/audit.log
	admin-address   none
	filesystem $FS {
	backend         127.0.0.1:$BACKEND_PORT
	export          /export
	tls-cert        $T/server.pem
	tls-key         $T/server.key
	}
	listener test {
	address         127.0.0.1:$GW_PORT
	}
	listener secure {
	address         127.0.0.1:$TLS_PORT
	tls             yes
	}
	EOF
}
harness_start

# "fs-1" + newline + a forged line + ESC [31m: the refusal names it.
SNI=$'fs-1\nINJECTED line\e[31m.efs.us-east-1.amazonaws.com'
timeout 10 openssl s_client -connect "127.0.0.1:$TLS_PORT" -servername "$SNI" \
	</dev/null >"$T/s_client.out" 2>&1 || true

# Bounded wait for the refusal to be logged.
for ((i = 0; i < 100; i++)); do
	grep -q 'mount denied' "$T/efsgw.log" && break
	sleep 0.1
done
check "the refusal naming the server name is logged" grep -q 'mount denied: TLS name fs-1' "$T/efsgw.log"
check_fails "no log line starts with the client's text" grep -q '^INJECTED' "$T/efsgw.log"
check_fails "no raw ESC byte reaches the log" grep -q $'\e' "$T/efsgw.log"
check "the newline is written as \\n" grep -qF 'TLS name fs-1\nINJECTED line\x1b[31m is not' "$T/efsgw.log"
check_fails "no audit line starts with the client's text" grep -q '^INJECTED' "$T/audit.log"
check_fails "no raw ESC byte reaches the audit log" grep -q $'\e' "$T/audit.log"
check "the audit line has the name JSON-escaped" grep -qiF 'fs-1\nINJECTED line\u001b[31m is not' "$T/audit.log"
check "every audit line is one JSON object" bash -c "! grep -v '^{.*}\$' '$T/audit.log'"

harness_done
