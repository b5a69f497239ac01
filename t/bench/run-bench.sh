#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# efsgw - `make bench`: start a private NFS-Ganesha on a free loopback port
# in a temp dir and, in front of it, every path a client can take, then run
# efsgw-bench against all of them in one invocation (same rounds, same
# order rotation, ratios against the first) and stop everything this
# script started, by pid, from a trap (also on failure or ^C):
#
#   ganesha       efsgw-nfsc -> Ganesha                     (the baseline)
#   efsgw         -> efsgw (plain TCP) -> Ganesha
#   haproxy       -> haproxy (mode tcp, a pure forwarder) -> Ganesha
#   stunnel       -> stunnel client -TLS-> stunnel server -> Ganesha
#   tls-direct    efsgw-nfsc --tls (in-process) -> stunnel server -> Ganesha
#   tunnel        -> efsgw-mount -T -TLS-> stunnel server -> Ganesha
#   efsgw-tls     -> efsgw-mount -T -TLS-> efsgw (TLS listener) -> Ganesha,
#                 only when efsgw knows tls-cert (efsgw --help-config);
#                 otherwise skipped with a note
#
# A component that is not installed (haproxy, stunnel) is skipped with a
# note; the others still run. Throwaway certificates are made here with
# openssl req. Adding a target is one call after the server it names is
# up, e.g. `target efsgw 127.0.0.1:$EFSGW_PORT` (`:tls` at the end makes
# efsgw-bench itself speak TLS), and a foreground daemon is started with
# `start_bg NAME CMD..` (its pid is recorded and killed on exit).
# Arguments ("$@") go to efsgw-bench, e.g. -r 5 -d 10 -o bench.json.
# Prints the exact efsgw-bench command before running it.
set -u

BENCH=${BENCH:-./t/bench/efsgw-bench}
NFSC=${NFSC:-./t/nfsc/efsgw-nfsc}
EFSGW=${EFSGW:-./proxy/efsgw}
MOUNT=${MOUNT:-./client/efsgw-mount}
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
	"$@" > "$D/$name.log" 2>&1 < /dev/null &
	PIDS="$PIDS $!"
}

# note MSG: a line on stderr about a target that is skipped or degraded.
note() {
	echo "run-bench: $*" >&2
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

# ------------------------------------------------------------ certificates
# mkcerts: a throwaway CA and a server certificate for $TLS_NAME, signed by it.
FS=fs-0123456789abcdef0
TLS_NAME=$FS.efs.bench-1.example.net
mkcerts() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj /CN=efsgw-bench-ca -keyout "$D/ca.key" -out "$D/ca.pem" 2>/dev/null &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$TLS_NAME" \
		-keyout "$D/srv.key" -out "$D/srv.csr" 2>/dev/null &&
	printf 'subjectAltName=DNS:%s\n' "$TLS_NAME" > "$D/srv.ext" &&
	openssl x509 -req -in "$D/srv.csr" -CA "$D/ca.pem" -CAkey "$D/ca.key" -CAcreateserial \
		-days 2 -extfile "$D/srv.ext" -out "$D/srv.pem" 2>/dev/null
}

# ------------------------------------------------------------ targets
# start_efsgw NAME PORT [LISTENER LINES..]: efsgw in front of Ganesha.
start_efsgw() {
	name=$1 port=$2; shift 2
	{
		echo "log-level warn"
		echo "state-dir $D/efsgw-state"
		echo "filesystem $FS {"
		echo "backend 127.0.0.1:$GANESHA_PORT"
		echo "export /export"
		echo "reserved-port no"
		echo "}"
		echo "listener $name {"
		echo "address 127.0.0.1:$port"
		echo "filesystem $FS"
		for l in "$@"; do echo "$l"; done
		echo "}"
	} > "$D/$name.conf"
	"$EFSGW" -t -c "$D/$name.conf" > "$D/$name.check" 2>&1 || {
		note "$name: efsgw -t rejects $D/$name.conf: $(head -3 "$D/$name.check")"; return 1; }
	start_bg "$name" "$EFSGW" -f -c "$D/$name.conf"
	wait_port 127.0.0.1:$port
}

# start_tunnel NAME TLSPORT: efsgw-mount -T to 127.0.0.1:TLSPORT; sets TUNNEL_PORT.
start_tunnel() {
	start_bg "$1" "$MOUNT" -T -o "tls,mounttargetip=127.0.0.1,mounttargetport=$2,cafile=$D/ca.pem,verifyname=$TLS_NAME,statedir=$D/mount-state" "$FS"
	i=0 TUNNEL_PORT=
	while [ $i -lt 100 ]; do
		TUNNEL_PORT=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$D/$1.log" 2>/dev/null)
		[ -n "$TUNNEL_PORT" ] && break
		i=$((i + 1)); sleep 0.1
	done
	[ -n "$TUNNEL_PORT" ] || { note "$1: efsgw-mount printed no port: $(tail -3 "$D/$1.log")"; return 1; }
}

start_ganesha || exit 2
# Through efsgw the export is "/", direct it is "/export": a directory
# "export" inside the export makes efsgw-bench's -p /export valid for both.
mkdir -p "$D/export/export"
target ganesha 127.0.0.1:$GANESHA_PORT

if [ -x "$EFSGW" ]; then
	EFSGW_PORT=$(free_port)
	start_efsgw efsgw "$EFSGW_PORT" && target efsgw 127.0.0.1:$EFSGW_PORT
else
	note "efsgw: $EFSGW not built; skipped"
fi

if command -v haproxy >/dev/null 2>&1; then
	HAPROXY_PORT=$(free_port)
	cat > "$D/haproxy.cfg" <<EOF2
global
	maxconn 1000
defaults
	mode tcp
	timeout connect 5s
	timeout client 1h
	timeout server 1h
frontend nfs
	bind 127.0.0.1:$HAPROXY_PORT
	default_backend ganesha
backend ganesha
	server g1 127.0.0.1:$GANESHA_PORT
EOF2
	start_bg haproxy haproxy -db -f "$D/haproxy.cfg"
	wait_port 127.0.0.1:$HAPROXY_PORT && target haproxy 127.0.0.1:$HAPROXY_PORT
else
	note "haproxy: not installed (apt-get install haproxy); skipped"
fi

TLS_OK=0
if command -v openssl >/dev/null 2>&1 && mkcerts; then TLS_OK=1
else note "openssl could not make certificates: TLS targets skipped"; fi

STUNNEL=$(command -v stunnel4 || command -v stunnel || true)
if [ $TLS_OK = 1 ] && [ -n "$STUNNEL" ]; then
	SSRV_PORT=$(free_port)
	SCLI_PORT=$(free_port)
	cat > "$D/stunnel-srv.conf" <<EOF2
foreground = yes
pid =
debug = warning
[nfs]
accept = 127.0.0.1:$SSRV_PORT
connect = 127.0.0.1:$GANESHA_PORT
cert = $D/srv.pem
key = $D/srv.key
EOF2
	cat > "$D/stunnel-cli.conf" <<EOF2
foreground = yes
pid =
debug = warning
[nfs]
client = yes
accept = 127.0.0.1:$SCLI_PORT
connect = 127.0.0.1:$SSRV_PORT
CAfile = $D/ca.pem
verifyChain = yes
checkHost = $TLS_NAME
sni = $TLS_NAME
EOF2
	start_bg stunnel-srv "$STUNNEL" "$D/stunnel-srv.conf"
	start_bg stunnel-cli "$STUNNEL" "$D/stunnel-cli.conf"
	if wait_port 127.0.0.1:$SSRV_PORT && wait_port 127.0.0.1:$SCLI_PORT; then
		target stunnel 127.0.0.1:$SCLI_PORT
		target tls-direct 127.0.0.1:$SSRV_PORT:tls
		if [ -x "$MOUNT" ]; then
			start_tunnel tunnel "$SSRV_PORT" && target tunnel 127.0.0.1:$TUNNEL_PORT
		else
			note "tunnel: $MOUNT not built; skipped"
		fi
	fi
elif [ $TLS_OK = 1 ]; then
	note "stunnel: not installed (apt-get install stunnel4); stunnel, tls-direct and tunnel skipped"
fi

if [ $TLS_OK = 1 ] && [ -x "$EFSGW" ] && [ -x "$MOUNT" ] &&
    "$EFSGW" --help-config 2>/dev/null | grep -q 'tls-cert'; then
	ETLS_PORT=$(free_port)
	if start_efsgw efsgw-tlsgw "$ETLS_PORT" "tls-cert $D/srv.pem" "tls-key $D/srv.key" &&
	    start_tunnel tunnel-efsgw "$ETLS_PORT"; then
		target efsgw-tls 127.0.0.1:$TUNNEL_PORT
	fi
else
	note "efsgw-tls: skipped (efsgw has no tls-cert listener option yet, or efsgw/efsgw-mount/openssl missing)"
fi

echo "+ $BENCH --cafile $D/ca.pem --servername $TLS_NAME $* $TARGETS"
# shellcheck disable=SC2086 # TARGETS is a list of words by construction
"$BENCH" --cafile "$D/ca.pem" --servername "$TLS_NAME" "$@" $TARGETS
