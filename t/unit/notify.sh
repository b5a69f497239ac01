#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/unit/notify.sh - efsgw tells systemd how it is doing (sd_notify, for
# Type=notify units): READY=1 once its listeners are open, RELOADING=1 then
# READY=1 around a SIGHUP reload, STOPPING=1 when SIGTERM starts the drain.
# A python3 datagram socket plays systemd's NOTIFY_SOCKET. SKIPPED loudly
# when efsgw was built without libsystemd.
set -u
B=${abs_top_builddir:-$(pwd)}
EFSGW="$B/proxy/efsgw"
if ! ldd "$EFSGW" 2>/dev/null | grep -q libsystemd; then
	echo "SKIPPED: efsgw was built without libsystemd (configure --with-systemd): no sd_notify to test"
	exit 77
fi
T=$(mktemp -d)
pid= lpid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "$lpid" ] && kill "$lpid" 2>/dev/null && wait "$lpid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fail=0

# The listener: print each datagram on one line (newlines as '|').
/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(120)
print("listening", flush=True)
while True:
    try:
        d = s.recv(4096)
    except socket.timeout:
        break
    print(d.decode().replace("\n", "|"), flush=True)
' "$T/notify.sock" >"$T/notes" &
lpid=$!
for _ in $(seq 100); do grep -q listening "$T/notes" 2>/dev/null && break; sleep 0.1; done

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$T/state"
cat >"$T/efsgw.conf" <<CONF
# These tests run as root and check start-up, not privileges (t/ops/privdrop.sh).
user root
state-dir $T/state
audit-log none
admin-address none
filesystem fs-0123456789abcdef0 {
	backend 127.0.0.1:9
}
listener main {
	address 127.0.0.1:$port
}
CONF
NOTIFY_SOCKET=$T/notify.sock "$EFSGW" -f -c "$T/efsgw.conf" >"$T/efsgw.log" 2>&1 &
pid=$!

# wait_for PATTERN: until the listener printed it (bounded).
wait_for() {
	for _ in $(seq 100); do grep -q -- "$1" "$T/notes" && return 0; sleep 0.1; done
	return 1
}
expect() {
	if wait_for "$1"; then echo "ok: $2"; else echo "FAIL: $2"; cat "$T/notes" "$T/efsgw.log"; fail=1; fi
}
expect "^READY=1" "READY=1 once the listeners are open"
# The port answers by the time READY=1 was sent.
if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
	echo "ok: the listener accepts after READY=1"
else
	echo "FAIL: READY=1 before the listener accepts"; fail=1
fi
kill -HUP "$pid"
expect "^RELOADING=1|MONOTONIC_USEC=" "RELOADING=1 (with MONOTONIC_USEC) on SIGHUP"
if wait_for "^RELOADING" && [ "$(grep -c '^READY=1' "$T/notes")" -ge 2 ] ||
	{ sleep 1; [ "$(grep -c '^READY=1' "$T/notes")" -ge 2 ]; }; then
	echo "ok: READY=1 again after the reload"
else
	echo "FAIL: no READY=1 after the reload"; cat "$T/notes"; fail=1
fi
kill -TERM "$pid"
expect "^STOPPING=1" "STOPPING=1 when the drain starts"
wait "$pid"; st=$?; pid=
[ "$st" = 0 ] && echo "ok: exit 0 after the drain" || { echo "FAIL: exit $st"; fail=1; }

[ "$fail" = 0 ] && echo "all passed"
exit "$fail"
