#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# efsgw - `make bench`: start a private NFS-Ganesha on a free loopback port
# in a temp dir, register it (and any further targets) with `target`, run
# efsgw-bench against all of them in one invocation, and stop everything
# this script started, by pid, from a trap (also on failure or ^C).
#
# Adding a target is one call after the server it names is up, e.g.
#   target efsgw 127.0.0.1:$EFSGW_PORT
#   target efsgw-tls 127.0.0.1:$TLS_PORT:tls
# and a daemon it needs is started with `start_bg NAME CMD..` (its pid is
# recorded and killed on exit) or, for a self-daemonizing one, by adding
# its pid to PIDS. Arguments ("$@") go to efsgw-bench, e.g. -r 5 -d 10
# -o bench.json. Prints the exact efsgw-bench command before running it.
set -u

BENCH=${BENCH:-./t/bench/efsgw-bench}
NFSC=${NFSC:-./t/nfsc/efsgw-nfsc}
PY=/usr/bin/python3
GANESHA=$(command -v ganesha.nfsd || ls /usr/bin/ganesha.nfsd /usr/sbin/ganesha.nfsd 2>/dev/null | head -1)
[ -n "$GANESHA" ] || { echo "run-bench: ganesha.nfsd is not installed" >&2; exit 2; }
[ -x "$BENCH" ] || { echo "run-bench: $BENCH not built" >&2; exit 2; }

D=$(mktemp -d /tmp/efsgw-bench.XXXXXX)
PIDS=
TARGETS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	done
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# free_port: print a port nobody listens on now.
free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port HOST:PORT: until it accepts TCP (10 s at most).
wait_port() {
	i=0
	until $PY -c "import socket,sys; h,p=sys.argv[1].rsplit(':',1); socket.create_connection((h,int(p)),1).close()" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "run-bench: nothing listens on $1" >&2; return 1; }
		sleep 0.1
	done
}

# target NAME HOST:PORT[:tls]: benchmark this address too (first = baseline).
target() {
	TARGETS="$TARGETS $1=$2"
}

# start_bg NAME CMD..: run a foreground daemon in the background, kill it on exit.
start_bg() {
	name=$1; shift
	"$@" > "$D/$name.log" 2>&1 &
	PIDS="$PIDS $!"
}

# start_ganesha: a VFS export at $D/export as /export; sets GANESHA_PORT.
start_ganesha() {
	GANESHA_PORT=$(free_port)
	mkdir -p "$D/export" "$D/recov"
	cat > "$D/ganesha.conf" <<EOF2
NFS_CORE_PARAM { NFS_Port = $GANESHA_PORT; Protocols = 4; Enable_NLM = false; Enable_RQUOTA = false; Bind_addr = 127.0.0.1; }
NFSv4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = $D/recov; Only_Numeric_Owners = true; }
NFS_KRB5 { Active_krb5 = false; }
EXPORT { Export_Id = 1; Path = $D/export; Pseudo = /export; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }
LOG { Default_Log_Level = EVENT; }
EOF2
	"$GANESHA" -f "$D/ganesha.conf" -L "$D/ganesha.log" -p "$D/ganesha.pid" -N NIV_EVENT
	i=0
	while [ ! -s "$D/ganesha.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$D/ganesha.pid" ] || { echo "run-bench: ganesha did not start" >&2; return 1; }
	PIDS="$PIDS $(cat "$D/ganesha.pid")"
	wait_port 127.0.0.1:$GANESHA_PORT || return 1
	# Graceless, but make sure it answers NFS before timing it.
	i=0
	until "$NFSC" -s 127.0.0.1:$GANESHA_PORT -t 5 stat /export >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 50 ] || return 1; sleep 0.2
	done
}

start_ganesha || exit 2
target ganesha 127.0.0.1:$GANESHA_PORT
# More targets go here (the lead adds efsgw, stunnel, haproxy):
#   start_bg efsgw ./proxy/efsgw -d -f "$D/efsgw.conf"; wait_port 127.0.0.1:$EFSGW_PORT
#   target efsgw 127.0.0.1:$EFSGW_PORT

echo "+ $BENCH $* $TARGETS"
# shellcheck disable=SC2086 # TARGETS is a list of words by construction
"$BENCH" "$@" $TARGETS
