#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/pkg/installed.sh - the installed Debian packages work: efsgw -t on the
# shipped configuration (as root and as the efsgw user), a gateway started
# from /etc/efsgw/NAME.conf as the packaged unit runs it (under systemd
# when it runs, else in the foreground as the efsgw user) in front of the
# harness's Ganesha, I/O through it with efsgw-nfsc, its state and audit
# log owned by efsgw, efsgwctl status -c, a clean stop. Run by .ci/deb
# after `apt-get install ./*.deb`; not part of make check.
. "$(dirname "$0")/../lib/harness.sh"

[ -x /usr/sbin/efsgw ] || harness_skip_all "the efsgw package is not installed"
harness_require_nfsc
harness_require_cmd setpriv
export EFSGW_TEST_DIRECT=1
HARNESS_DIRECT=1
harness_start

NAME=pkgtest$$
CONF=/etc/efsgw/$NAME.conf
GWPID=
UNIT=
cleanup_pkgtest() {
	if [ -n "$UNIT" ]; then systemctl stop "$UNIT" >/dev/null 2>&1 || true; fi
	if [ -n "$GWPID" ]; then harness_kill "$GWPID" "$CONF" TERM 20 || true; fi
	rm -f "$CONF"
}
trap 'cleanup_pkgtest; harness_cleanup' EXIT

check_exit "efsgw -t accepts the shipped /etc/efsgw/efsgw.conf" 0 /usr/sbin/efsgw -t -c /etc/efsgw/efsgw.conf
check_exit "the efsgw user can read it (efsgw -t as efsgw)" 0 \
	setpriv --reuid=efsgw --regid=efsgw --init-groups /usr/sbin/efsgw -t -c /etc/efsgw/efsgw.conf
check_eq "/var/lib/efsgw belongs to efsgw, mode 700" "efsgw 700" "$(stat -c '%U %a' /var/lib/efsgw)"
check_exit "efsgwctl runs" 0 /usr/bin/efsgwctl --version
check_exit "mount.efsgw is in /sbin, where mount(8) looks" 0 /sbin/mount.efsgw --version

harness_free_port; PORT=$HARNESS_PORT
harness_free_port; ADMIN=$HARNESS_PORT
cat >"$CONF" <<CONF
log-level       info
audit-log       /var/log/efsgw/audit.log
admin-address   127.0.0.1:$ADMIN
filesystem fs-0123456789abcdef0 {
	backend         127.0.0.1:$BACKEND_PORT
	export          /export
}
listener main {
	address         127.0.0.1:$PORT
}
CONF
chgrp efsgw "$CONF" && chmod 0640 "$CONF"
check_exit "efsgw -t -c $CONF" 0 /usr/sbin/efsgw -t -c "$CONF"

if [ -d /run/systemd/system ]; then
	UNIT=efsgw@$NAME.service
	note "systemd runs: starting $UNIT"
	check_exit "systemctl start $UNIT" 0 systemctl start "$UNIT"
else
	note "no systemd: starting efsgw in the foreground as the efsgw user, as the unit does"
	setpriv --reuid=efsgw --regid=efsgw --init-groups \
		/usr/sbin/efsgw -f -c "$CONF" >"$T/gw.log" 2>&1 </dev/null &
	GWPID=$!
	harness_track "$GWPID" "$CONF"
fi
harness_wait_port 127.0.0.1 "$PORT" 15 || harness_bail "the gateway did not listen on $PORT: $(cat "$T/gw.log" 2>/dev/null)"
GW_PORT=$PORT GW_ADDR=127.0.0.1:$PORT NFS_ROOT=/
ready=1
for _ in $(seq 50); do
	/usr/bin/efsgwctl status -c "$CONF" --interval 0 >"$T/status.out" 2>&1 && { ready=0; break; }
	sleep 0.2
done
check_eq "efsgwctl status -c reports the gateway ready" 0 "$ready"

random_file "$T/in.dat" $((1024 * 1024 + 17))
check_exit "write through the installed gateway" 0 nfsc put "$T/in.dat" /pkg.dat
check_exit "read it back" 0 nfsc get /pkg.dat "$T/out.dat"
check_same "byte-exact through the installed gateway" "$T/in.dat" "$T/out.dat"
check_same "the export holds it" "$T/in.dat" "$EXPORT_DIR/pkg.dat"
check_eq "handle keys created in /var/lib/efsgw, owned by efsgw" efsgw \
	"$(stat -c %U /var/lib/efsgw/fs-0123456789abcdef0.keys 2>/dev/null || echo missing)"
check_eq "audit log written by efsgw" efsgw "$(stat -c %U /var/log/efsgw/audit.log 2>/dev/null || echo missing)"

if [ -n "$UNIT" ]; then
	check_exit "systemctl reload $UNIT" 0 systemctl reload "$UNIT"
	check_exit "systemctl stop $UNIT" 0 systemctl stop "$UNIT"
	UNIT=
else
	kill -HUP "$GWPID"
	harness_kill "$GWPID" "$CONF" TERM 20 && rc=0 || rc=$?
	wait "$GWPID" 2>/dev/null && rc=0 || rc=$?
	check_eq "the gateway drains and exits 0 on SIGTERM" 0 "$rc"
	GWPID=
fi
rm -f "$CONF"
harness_done
