#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/conform/conform.sh - the differential conformance test: the same
# NFSv4.0, 4.1 and 4.2 cases (t/conform/conform-cases.c) once against
# NFS-Ganesha directly (its port, the export at /export) and once through
# efsgw (its port, the export at /), then the two transcripts compared
# result by result. The server is the oracle: a difference that no row of
# t/conform/allowed.c explains fails the check of that minor version.
# docs/conformance.md lists the rows and how to read the output.
. "$(dirname "$0")/../lib/harness.sh"
EFSGW_CONFORM=${EFSGW_CONFORM:-$abs_top_builddir/t/conform/efsgw-conform}
[ -x "$EFSGW_CONFORM" ] || harness_skip_all "not built: $EFSGW_CONFORM"
[ "$HARNESS_DIRECT" = 0 ] || harness_skip_all "compares Ganesha with efsgw: EFSGW_TEST_DIRECT=1 has no efsgw"

# docs/conformance.md lists every row of the allowed table, word for word.
missing=$("$EFSGW_CONFORM" allowed --md | while IFS= read -r row; do
	grep -qxF -- "$row" "$abs_top_srcdir/docs/conformance.md" || printf '%s\n' "$row"; done)
if [ -z "$missing" ]; then pass "docs/conformance.md lists every allowed difference"
else fail "docs/conformance.md lists every allowed difference" "missing rows (efsgw-conform allowed --md):
$missing"; fi

harness_start

conform() { timeout -k 5 "${CONFORM_TIMEOUT:-120}" "$EFSGW_CONFORM" "$@"; }

for m in ${EFSGW_CONFORM_MINORS:-0 1 2}; do
	rc=0
	conform run -s "127.0.0.1:$BACKEND_PORT" -p export -m "$m" -o "direct-4.$m.txt" || rc=$?
	[ $rc = 0 ] || { fail "NFSv4.$m: run against Ganesha" "exit $rc"; continue; }
	# The oracle must be repeatable: a second direct run compares equal,
	# so every difference below comes from the gateway, not the test.
	rc=0
	conform run -s "127.0.0.1:$BACKEND_PORT" -p export -m "$m" -o "direct2-4.$m.txt" || rc=$?
	[ $rc = 0 ] || { fail "NFSv4.$m: second run against Ganesha" "exit $rc"; continue; }
	rc=0
	conform compare "direct-4.$m.txt" "direct2-4.$m.txt" >"compare-direct-4.$m.txt" || rc=$?
	if [ $rc = 0 ] && ! grep -q '^DIFF' "compare-direct-4.$m.txt"; then pass "NFSv4.$m: two runs against Ganesha compare equal"
	else fail "NFSv4.$m: two runs against Ganesha compare equal" "$(head -20 "compare-direct-4.$m.txt")"; fi
	rc=0
	conform run -s "$GW_ADDR" -m "$m" -o "gateway-4.$m.txt" || rc=$?
	[ $rc = 0 ] || { fail "NFSv4.$m: run through efsgw" "exit $rc"; continue; }
	check "efsgw still runs after the NFSv4.$m cases" harness_gateway_alive
	rc=0
	conform compare ${EFSGW_CONFORM_VERBOSE:+-v} "direct-4.$m.txt" "gateway-4.$m.txt" >"compare-4.$m.txt" || rc=$?
	sed 's/^DIFF/# DIFF/' "compare-4.$m.txt"
	if [ $rc = 0 ]; then pass "NFSv4.$m: efsgw answers as Ganesha does, but for allowed differences"
	else fail "NFSv4.$m: efsgw answers as Ganesha does, but for allowed differences" \
		"transcripts and comparison kept in $T (EFSGW_TEST_KEEP=1 keeps them on success)"; fi
done
# The comparison itself: an answer changed in a copy of a direct
# transcript is caught, one changed as an allowed row says is not.
if [ -s direct-4.1.txt ]; then
	sed '0,/^RES READDIR NFS4_OK/s/^RES READDIR NFS4_OK/RES READDIR NFS4ERR_TOOSMALL/' \
		direct-4.1.txt >mutated-4.1.txt
	check_fails "compare catches a changed READDIR status" quiet conform compare direct-4.1.txt mutated-4.1.txt
	sed 's/^\(RES GETATTR NFS4_OK.*attr.maxread=\)[0-9]*/\14096/' direct-4.1.txt >mutated-4.1.txt
	check "compare allows a smaller maxread (an allowed row)" quiet conform compare direct-4.1.txt mutated-4.1.txt
fi

# Optional (EFSGW_CONFORM_PROXY_V4=1, with nfs-ganesha-proxy-v4): the same
# comparison for NFS-Ganesha's own proxy, FSAL PROXY_V4, in front of the
# same Ganesha: a measurement for docs/conformance.md, never a failure.
proxy_v4() {
	local p pid i m rc
	[ -n "$(find /usr/lib /usr/lib64 -name 'libfsalproxy_v4.so*' -print -quit 2>/dev/null)" ] ||
		{ skip "PROXY_V4 comparison" "nfs-ganesha-proxy-v4 not installed"; return 0; }
	harness_free_port
	p=$HARNESS_PORT
	mkdir -p "$T/recov-proxy"
	cat >"$T/proxy.conf" <<-PEOF
	NFS_CORE_PARAM { NFS_Port = $p; Protocols = 4; Enable_NLM = false; Enable_RQUOTA = false; Bind_addr = 127.0.0.1; }
	NFSv4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = $T/recov-proxy; Only_Numeric_Owners = true; }
	NFS_KRB5 { Active_krb5 = false; }
	EXPORT { Export_Id = 1; Path = /export; Pseudo = /export; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4;
		FSAL { Name = PROXY_V4; Srv_Addr = 127.0.0.1; NFS_Port = $BACKEND_PORT; Use_Privileged_Client_Port = false; } }
	LOG { Default_Log_Level = EVENT; }
	PEOF
	timeout 30 "$GANESHA" -f "$T/proxy.conf" -L "$T/proxy.log" -p "$T/proxy.pid" -N NIV_EVENT >>"$T/proxy.out" 2>&1 ||
		{ skip "PROXY_V4 comparison" "the proxy Ganesha did not start"; return 0; }
	for ((i = 0; i < 100; i++)); do pid=$(cat "$T/proxy.pid" 2>/dev/null || true); [ -n "$pid" ] && break; sleep 0.1; done
	[ -n "$pid" ] || { skip "PROXY_V4 comparison" "no pid file"; return 0; }
	harness_track "$pid" "$T/proxy.conf"
	harness_wait_port 127.0.0.1 "$p" 10 || { skip "PROXY_V4 comparison" "proxy not listening"; return 0; }
	for m in ${EFSGW_CONFORM_MINORS:-0 1 2}; do
		rc=0
		conform run -s "127.0.0.1:$p" -p export -m "$m" -o "proxy-4.$m.txt" || rc=$?
		[ $rc = 0 ] || { note "PROXY_V4 NFSv4.$m: run failed (exit $rc)"; continue; }
		conform compare "direct-4.$m.txt" "proxy-4.$m.txt" >"compare-proxy-4.$m.txt" || true
		note "PROXY_V4 NFSv4.$m: $(tail -1 "compare-proxy-4.$m.txt" | sed 's/^# //')"
	done
	harness_kill "$pid" "$T/proxy.conf" TERM 10
	pass "PROXY_V4 comparison measured (see the notes above)"
}
[ "${EFSGW_CONFORM_PROXY_V4:-0}" = 0 ] || proxy_v4
harness_done
