#!/bin/bash
# efsgw - the command-line conventions of every program, from the outside:
# --help prints to standard output and exits 0, -V/--version exits 0,
# usage errors exit 2 (efsgw, efsgwctl and every efsgwctl subcommand;
# efsgw-mount keeps mount(8)'s helper codes, 1 for bad usage); a daemon
# start whose listener cannot bind exits non-zero with the reason on
# standard error and leaves no process; efsgwctl status -c takes the
# admin-address from the config.
#
# SPDX-License-Identifier: Apache-2.0
set -u
B=${abs_top_builddir:-$(pwd)}
EFSGW="$B/proxy/efsgw"
CTL="$B/ctl/efsgwctl"
MNT="$B/client/efsgw-mount"
T=$(mktemp -d)
holder=
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fail=0

# run WANT-STATUS STREAM(out|err|none) CMD...: status and which stream has text.
run() {
	local want=$1 stream=$2 got
	shift 2
	"$@" >"$T/out" 2>"$T/err" </dev/null
	got=$?
	local bad=
	[ "$got" = "$want" ] || bad="status $got, want $want"
	case $stream in
	out) { [ -s "$T/out" ] && [ ! -s "$T/err" ]; } || bad="$bad; want text on stdout only" ;;
	err) [ -s "$T/err" ] || bad="$bad; want a message on stderr" ;;
	esac
	if [ -n "$bad" ]; then
		echo "FAIL: ${*#"$B/"} -> $bad"
		sed 's/^/  out: /' "$T/out" | head -5
		sed 's/^/  err: /' "$T/err" | head -5
		fail=1
	else
		echo "ok: ${*#"$B/"} -> $got"
	fi
}

# efsgw
run 0 out "$EFSGW" --help
run 0 out "$EFSGW" -h
run 0 out "$EFSGW" -V
run 0 out "$EFSGW" --help-config
run 2 err "$EFSGW" --no-such-option
run 2 err "$EFSGW" -c /dev/null extra-argument

# efsgwctl and each command group
run 0 out "$CTL" --help
run 0 out "$CTL" -h
run 0 out "$CTL" --version
run 0 out "$CTL" -V
run 2 err "$CTL"
run 2 err "$CTL" no-such-command
run 2 err "$CTL" --no-such-option
for g in keys policy token cert status; do
	run 0 out "$CTL" help "$g"
	run 0 out "$CTL" "$g" --help
	run 0 out "$CTL" "$g" -h
	run 2 err "$CTL" "$g" --no-such-option
done
for sub in "keys new" "keys check" "keys add" "keys promote" \
	"policy check" "policy simulate" "token mint" "token inspect" \
	"cert inspect" "cert check" "cert mint-efs"; do
	# shellcheck disable=SC2086
	run 0 out "$CTL" $sub --help
	# shellcheck disable=SC2086
	run 2 err "$CTL" $sub --no-such-option
done
run 2 err "$CTL" cert mint-efs --fs fs-12345678

# efsgw-mount: --help and -V as everywhere; usage errors are mount(8)'s 1.
run 0 out "$MNT" --help
run 0 out "$MNT" -V
run 1 err "$MNT" --no-such-option

# A port held by another socket on loopback.
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
time.sleep(300)
' >"$T/port" &
holder=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
port=$(cat "$T/port")
[ -n "$port" ] || { echo "FAIL: no port held"; exit 1; }

mkdir -p "$T/state"
cat >"$T/busy.conf" <<CONF
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
# Daemon mode (no -f): the failure must come back to the caller.
run 1 err "$EFSGW" -c "$T/busy.conf"
grep -q "cannot listen on 127.0.0.1:$port" "$T/err" ||
	{ echo "FAIL: the reason is not on stderr"; cat "$T/err"; fail=1; }
run 1 err "$EFSGW" -f -c "$T/busy.conf"
# No efsgw with this config may be left (the daemon must not survive).
sleep 0.5
for p in /proc/[0-9]*; do
	if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -- "$T/busy.conf"; then
		echo "FAIL: a process ${p#/proc/} still runs with $T/busy.conf"
		fail=1
	fi
done

# efsgwctl status -c: the admin-address comes from the config.
sed "s|^admin-address none|admin-address 127.0.0.1:$port|" "$T/busy.conf" >"$T/admin.conf"
kill "$holder"; wait "$holder" 2>/dev/null; holder=
"$CTL" status -c "$T/admin.conf" --interval 0 --timeout 2 >"$T/out" 2>&1
st=$?
if [ "$st" = 1 ] && grep -q "gateway 127.0.0.1:$port: UNREACHABLE" "$T/out"; then
	echo "ok: efsgwctl status -c reads admin-address"
else
	echo "FAIL: efsgwctl status -c -> $st"; cat "$T/out"; fail=1
fi
run 2 err "$CTL" status -c "$T/admin.conf" --admin 127.0.0.1:1
run 1 err "$CTL" status -c "$T/no-such.conf"

[ "$fail" = 0 ] && echo "all passed"
exit "$fail"
