#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/ops/privdrop.sh - the daemon runs without root once it has started.
# It used to keep uid 0 and every capability for its whole life. Started
# as root with `user` set, it binds its listeners, opens its keys and
# logs, then takes the user's uid, gid and groups and keeps no capability
# at all, or only CAP_NET_BIND_SERVICE when a file system connects from a
# reserved port. Pins (from /proc/PID/status): Uid, Gid, Groups, CapEff,
# CapPrm, CapAmb, NoNewPrivs; clients and SIGHUP reloads still work after
# the drop; a reserved source port still works; a user that does not
# exist, or a file the user cannot read, stops the start with a clear
# message; `user root` alone keeps root.
. "$(dirname "$0")/../lib/harness.sh"

if [ "$HARNESS_DIRECT" = 1 ]; then
	harness_skip_all "the privilege drop is efsgw's; EFSGW_TEST_DIRECT=1 has none"
fi
harness_require_nfsc
harness_require_cmd ss
U=${EFSGW_TEST_USER:-nobody}
[ "$U" != root ] || harness_skip_all "EFSGW_TEST_USER=root: no drop to test"
UID_=$(id -u "$U") || harness_skip_all "no user $U"
GID_=$(id -g "$U")
harness_start
chmod 0777 "$EXPORT_DIR"

# status FIELD: the field's value in /proc/PID/status of our efsgw, tabs as spaces.
status() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$HARNESS_EFSGW_PID/status" | tr '\t' ' ' | sed 's/ *$//'; }

check_eq "Uid: real, effective, saved, fs are $U's" "$UID_ $UID_ $UID_ $UID_" "$(status Uid)"
check_eq "Gid: real, effective, saved, fs are $U's group" "$GID_ $GID_ $GID_ $GID_" "$(status Gid)"
check_eq "Groups: only $U's own" "$(id -G "$U" | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')" \
	"$(status Groups | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')"
check_eq "no effective capability" 0000000000000000 "$(status CapEff)"
check_eq "no permitted capability" 0000000000000000 "$(status CapPrm)"
check_eq "no ambient capability" 0000000000000000 "$(status CapAmb)"
check_eq "no new privileges" 1 "$(status NoNewPrivs)"
# The bounding set can only shrink with CAP_SETPCAP (bit 8), which a
# container may withhold from root.
if (( 0x$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status) & 0x100 )); then
	check_eq "no capability left in the bounding set" 0000000000000000 "$(status CapBnd)"
else
	skip "no capability left in the bounding set" "this root lacks CAP_SETPCAP"
fi
check_eq "the state dir belongs to $U" "$U" "$(stat -c %U "$T/state")"
check_eq "the generated key file belongs to $U" "$U" "$(stat -c %U "$T/state/fs-0123456789abcdef0.keys")"
check_eq "the audit log belongs to $U" "$U" "$(stat -c %U "$T/audit.log")"

head -c 100000 /dev/urandom >"$T/data"
check "a client writes after the drop" nfsc put "$T/data" /f
check "and reads back" nfsc get /f "$T/back"
check_same "the bytes" "$T/data" "$T/back"
n=$(grep -c 'configuration reloaded' "$T/efsgw.log" || true)
kill -HUP "$HARNESS_EFSGW_PID"
for ((i = 0; i < 100; i++)); do
	[ "$(grep -c 'configuration reloaded' "$T/efsgw.log" || true)" -gt "$n" ] && break
	sleep 0.1
done
check "SIGHUP reloads every file as $U" test "$(grep -c 'configuration reloaded' "$T/efsgw.log" || true)" -gt "$n"
check_fails "and no reload failed" grep -q 'reload failed' "$T/efsgw.log"

# reserved-port yes: CAP_NET_BIND_SERVICE (bit 10) is all that is kept,
# and the backend connection does come from a port below 1024.
harness_stop_gateway
sed -i 's/^reserved-port .*/reserved-port   yes/' "$T/efsgw.conf"
harness_start_gateway
check_eq "with reserved-port: only CAP_NET_BIND_SERVICE effective" 0000000000000400 "$(status CapEff)"
check_eq "with reserved-port: only CAP_NET_BIND_SERVICE permitted" 0000000000000400 "$(status CapPrm)"
check_eq "with reserved-port: still $U" "$UID_ $UID_ $UID_ $UID_" "$(status Uid)"
if (( 0x$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status) & 0x100 )); then
	check_eq "with reserved-port: only CAP_NET_BIND_SERVICE bounded" 0000000000000400 "$(status CapBnd)"
fi
nfsc open-hold /f 10 >"$T/hold.out" 2>&1 &
HOLD=$!
harness_track "$HOLD"
lport=
for ((i = 0; i < 50; i++)); do
	lport=$(ss -Htn state established "dport = :$BACKEND_PORT" 2>/dev/null |
		awk '{ n = split($3, a, ":"); print a[n] }' | sort -n | head -1)
	[ -n "$lport" ] && [ "$lport" -lt 1024 ] && break
	sleep 0.2
done
check "the backend connection comes from a reserved port ($lport)" test -n "$lport" -a "${lport:-99999}" -lt 1024
harness_kill "$HOLD" "" TERM 5

# gw_fails NAME PATTERN: efsgw with "$T/bad.conf" exits 1 and says PATTERN.
gw_fails() {
	local rc=0
	timeout 20 "$EFSGW" -c "$T/bad.conf" -d >"$T/bad.log" 2>&1 </dev/null || rc=$?
	if [ "$rc" = 1 ] && grep -q "$2" "$T/bad.log"; then pass "$1"
	else fail "$1" "exit $rc: $(tail -3 "$T/bad.log")"; fi
}
harness_stop_gateway
harness_free_port; P2=$HARNESS_PORT
sed -e "s/^user .*/user efsgw-no-such-user/" -e "s/127.0.0.1:$GW_PORT/127.0.0.1:$P2/" \
	"$T/efsgw.conf" >"$T/bad.conf"
gw_fails "a user that does not exist stops the start" "user efsgw-no-such-user does not exist"
sed -e "/^state-dir/a identity-credentials $T/secret.json" -e "s/127.0.0.1:$GW_PORT/127.0.0.1:$P2/" \
	"$T/efsgw.conf" >"$T/bad.conf"
printf '{"credentials": []}\n' >"$T/secret.json"
chmod 0600 "$T/secret.json"
check "the credentials file itself is fine (efsgw -t as root)" "$EFSGW" -t -c "$T/bad.conf"
gw_fails "a file the user cannot read stops the start" "secret.json"
mkdir -m 0700 "$T/shared"
touch "$T/shared/precious"
sed -e "s|^state-dir .*|state-dir $T/shared|" -e "s/127.0.0.1:$GW_PORT/127.0.0.1:$P2/" \
	"$T/efsgw.conf" >"$T/bad.conf"
gw_fails "a state-dir holding other files is not given away (the start stops)" "cannot be loaded again"
check_eq "that state-dir still belongs to root" root "$(stat -c %U "$T/shared")"
sed -e "s/^user .*/user root/" "$T/efsgw.conf" >"$T/root.conf"
cp "$T/root.conf" "$T/efsgw.conf"
harness_start_gateway
check_eq "user root keeps root, as asked" "0 0 0 0" "$(status Uid)"
harness_done
