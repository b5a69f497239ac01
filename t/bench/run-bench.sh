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
# Around that main run, in the same invocation:
#   - efsgw-microbench (cost per call of seal, policy, QoS, walker) first,
#     on a quiet machine;
#   - the CPU of each path's processes (efsgw, haproxy, both stunnels,
#     efsgw-mount...) is charged to the bytes/calls it moved (--cpu);
#   - efsgw-conns last: $CONNS (default 10000; 0 skips) held connections
#     to efsgw plain, to the stunnel server (TLS reference) and to the
#     efsgw TLS listener when there is one: RSS and accept latency;
#   - with PERF=1, `perf record -g` of efsgw under seqwrite and
#     getattr-rate ($PERF_SECONDS each), reports in $OUT.
# Results go to $OUT (default ./bench-out): bench.json, bench.csv,
# microbench.json, conns-*.json, perf-*.txt, and the daemons' logs.
# A component that is not installed (haproxy, stunnel) is skipped with a
# note; the others still run. Throwaway certificates are made here with
# openssl req. Adding a target is one call after the server it names is
# up, e.g. `target efsgw 127.0.0.1:$EFSGW_PORT` (`:tls` at the end makes
# efsgw-bench itself speak TLS), and a foreground daemon is started with
# `start_bg NAME CMD..` (its pid is recorded and killed on exit).
# ONLY="ganesha stunnel efsgw-tls" benchmarks just the targets named (the
# first named is the baseline; every daemon is still started). BEFORE=DIR
# (an older build directory) adds its efsgw as before-efsgw and
# before-tls, so a change is measured against its parent in one run.
# Arguments ("$@") go to efsgw-bench, e.g. -r 5 -d 10 -o bench.json.
# Prints the exact efsgw-bench command before running it.
set -u

BENCH=${BENCH:-./t/bench/efsgw-bench}
NFSC=${NFSC:-./t/nfsc/efsgw-nfsc}
EFSGW=${EFSGW:-./proxy/efsgw}
MOUNT=${MOUNT:-./client/efsgw-mount}
MICRO=${MICRO:-./t/bench/efsgw-microbench}
CONNS_BIN=${CONNS_BIN:-./t/bench/efsgw-conns}
CONNS=${CONNS:-10000}
PERF=${PERF:-0}
PERF_SECONDS=${PERF_SECONDS:-10}
OUT=${OUT:-./bench-out}
PY=/usr/bin/python3
GANESHA=$(command -v ganesha.nfsd || ls /usr/bin/ganesha.nfsd /usr/sbin/ganesha.nfsd 2>/dev/null | head -1)
[ -n "$GANESHA" ] || { echo "run-bench: ganesha.nfsd is not installed" >&2; exit 2; }
[ -x "$BENCH" ] || { echo "run-bench: $BENCH not built" >&2; exit 2; }

mkdir -p "$OUT" || exit 2
# 10,000 held connections are 20,000 descriptors in a one-to-one proxy;
# every daemon started below inherits this (efsgw raises its own soft
# limit to the hard one). Raising the hard limit needs root: best effort.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -H -n)" 2>/dev/null

D=$(mktemp -d /tmp/efsgw-bench.XXXXXX)
PIDS=
NAMED_PIDS=
TARGETS=
CPUS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	done
	for f in "$D"/*.log; do [ -f "$f" ] && cp "$f" "$OUT/" 2>/dev/null; done
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

# wanted NAME: true unless $ONLY (a list of target names) leaves NAME out.
wanted() {
	[ -z "${ONLY:-}" ] && return 0
	case " $ONLY " in *" $1 "*) return 0 ;; esac
	return 1
}

# target NAME HOST:PORT[:tls]: benchmark this address too (first = baseline).
target() {
	wanted "$1" || return 0
	TARGETS="$TARGETS $1=$2"
}

# start_bg NAME CMD..: run a foreground daemon in the background, kill it on exit.
start_bg() {
	name=$1; shift
	"$@" > "$D/$name.log" 2>&1 < /dev/null &
	PIDS="$PIDS $!"
	NAMED_PIDS="$NAMED_PIDS $name=$!"
}

# pid_of NAME: the pid start_bg recorded for NAME.
pid_of() {
	for np in $NAMED_PIDS; do
		[ "${np%%=*}" = "$1" ] && { echo "${np#*=}"; return 0; }
	done
	return 1
}

# cpu TARGET NAME..: charge the CPU of these daemons to TARGET.
cpu() {
	t=$1; shift
	wanted "$t" || return 0
	l=
	for n in "$@"; do
		p=$(pid_of "$n") || continue
		l="${l:+$l,}$p"
	done
	[ -n "$l" ] && CPUS="$CPUS --cpu $t=$l"
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
NFS_CORE_PARAM { NFS_Port = $GANESHA_PORT; Protocols = 4; Enable_NLM = false; Enable_RQUOTA = false; Bind_addr = 127.0.0.1; RPC_Max_Connections = 10000; }
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
# start_efsgw NAME PORT [LINES..]: efsgw in front of Ganesha. A line goes
# into the listener block, or with a "fs:" prefix into the filesystem
# block, or with "global:" at the top.
start_efsgw() {
	name=$1 port=$2; shift 2
	{
		echo "log-level warn"
		for l in "$@"; do
			case $l in global:*) echo "${l#global:}" ;; esac
		done
		# Two gateways (plain, TLS) run at once: no shared admin port.
		if "$EFSGW" --help-config 2>/dev/null | grep -q '^ *admin-address'; then
			echo "admin-address none"
		fi
		# The bench's files are root's: no privilege drop here.
		if "$EFSGW" --help-config 2>/dev/null | grep -q '^ *user'; then
			echo "user root"
		fi
		echo "state-dir $D/efsgw-state"
		echo "filesystem $FS {"
		echo "backend 127.0.0.1:$GANESHA_PORT"
		echo "export /export"
		echo "reserved-port no"
		for l in "$@"; do
			case $l in fs:*) echo "${l#fs:}" ;; esac
		done
		echo "}"
		echo "listener $name {"
		echo "address 127.0.0.1:$port"
		echo "filesystem $FS"
		for l in "$@"; do
			case $l in fs:*|global:*) ;; *) echo "$l" ;; esac
		done
		echo "}"
	} > "$D/$name.conf"
	"${GW_BIN:-$EFSGW}" -t -c "$D/$name.conf" > "$D/$name.check" 2>&1 || {
		note "$name: efsgw -t rejects $D/$name.conf: $(head -3 "$D/$name.check")"; return 1; }
	start_bg "$name" "${GW_BIN:-$EFSGW}" -f -c "$D/$name.conf"
	wait_port 127.0.0.1:$port
}

# start_tunnel NAME TLSPORT: efsgw-mount -T to 127.0.0.1:TLSPORT; sets TUNNEL_PORT.
start_tunnel() {
	start_bg "$1" "${MOUNT_BIN:-$MOUNT}" -T -o "tls,mounttargetip=127.0.0.1,mounttargetport=$2,cafile=$D/ca.pem,verifyname=$TLS_NAME,statedir=$D/mount-state" "$FS"
	i=0 TUNNEL_PORT=
	while [ $i -lt 100 ]; do
		TUNNEL_PORT=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$D/$1.log" 2>/dev/null)
		[ -n "$TUNNEL_PORT" ] && break
		i=$((i + 1)); sleep 0.1
	done
	[ -n "$TUNNEL_PORT" ] || { note "$1: efsgw-mount printed no port: $(tail -3 "$D/$1.log")"; return 1; }
}

# A one-to-one proxy holds two descriptors per client: cut CONNS to what
# the hard limit allows (Ganesha also caps RPC_Max_Connections at 10000).
HARD=$(ulimit -H -n)
if [ "$HARD" != unlimited ] && [ "$CONNS" -gt $(( (HARD - 200) / 2 )) ]; then
	note "conns: RLIMIT_NOFILE hard limit $HARD holds $(( (HARD - 200) / 2 )) proxied connections, not $CONNS"
	CONNS=$(( (HARD - 200) / 2 ))
fi

start_ganesha || exit 2
# Through efsgw the export is "/", direct it is "/export": a directory
# "export" inside the export makes efsgw-bench's -p /export valid for both.
mkdir -p "$D/export/export"
target ganesha 127.0.0.1:$GANESHA_PORT

if [ -x "$EFSGW" ]; then
	EFSGW_PORT=$(free_port)
	start_efsgw efsgw "$EFSGW_PORT" && target efsgw 127.0.0.1:$EFSGW_PORT &&
	    cpu efsgw efsgw
else
	note "efsgw: $EFSGW not built; skipped"
fi

# The cost of QoS: the same gateway with admission off, and with its
# buckets shared through Redis by two gateways (the second one idle but
# leasing, so that each holds half the budget).
if [ -x "$EFSGW" ] && [ "${QOS_TARGETS:-1}" = 1 ]; then
	NOQOS_PORT=$(free_port)
	start_efsgw efsgw-noqos "$NOQOS_PORT" "fs:qos no" &&
	    target efsgw-noqos 127.0.0.1:$NOQOS_PORT && cpu efsgw-noqos efsgw-noqos
	if command -v redis-server >/dev/null 2>&1; then
		REDIS_PORT=$(free_port)
		start_bg redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 \
		    --save "" --appendonly no --dir "$D"
		wait_port 127.0.0.1:$REDIS_PORT
		REDIS_A=$(free_port) REDIS_B=$(free_port)
		start_efsgw efsgw-redis "$REDIS_A" \
		    "global:redis redis://127.0.0.1:$REDIS_PORT" "global:gateway-id gw-a" &&
		    start_efsgw efsgw-redis2 "$REDIS_B" \
		    "global:redis redis://127.0.0.1:$REDIS_PORT" "global:gateway-id gw-b" &&
		    target efsgw-redis 127.0.0.1:$REDIS_A && cpu efsgw-redis efsgw-redis
	else
		note "efsgw-redis: redis-server not installed; skipped"
	fi
fi

if command -v haproxy >/dev/null 2>&1; then
	HAPROXY_PORT=$(free_port)
	cat > "$D/haproxy.cfg" <<EOF2
global
	maxconn 9000
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
	wait_port 127.0.0.1:$HAPROXY_PORT && target haproxy 127.0.0.1:$HAPROXY_PORT &&
	    cpu haproxy haproxy
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
		cpu stunnel stunnel-cli stunnel-srv
		target tls-direct 127.0.0.1:$SSRV_PORT:tls
		cpu tls-direct stunnel-srv
		if [ -x "$MOUNT" ]; then
			start_tunnel tunnel "$SSRV_PORT" && target tunnel 127.0.0.1:$TUNNEL_PORT &&
			    cpu tunnel tunnel stunnel-srv
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
	if start_efsgw efsgw-tlsgw "$ETLS_PORT" "tls yes" "tls-cert $D/srv.pem" "tls-key $D/srv.key" &&
	    start_tunnel tunnel-efsgw "$ETLS_PORT"; then
		target efsgw-tls 127.0.0.1:$TUNNEL_PORT
		cpu efsgw-tls tunnel-efsgw efsgw-tlsgw
	else
		ETLS_PORT=
	fi
else
	ETLS_PORT=
	note "efsgw-tls: skipped (efsgw has no tls-cert listener option yet, or efsgw/efsgw-mount/openssl missing)"
fi

# Before and after in one run: BEFORE=DIR (a build directory of an older
# efsgw) adds before-efsgw (plain) and before-tls (its efsgw-mount -> its
# TLS listener), measured in the same rounds as the current build.
if [ -n "${BEFORE:-}" ] && [ -x "$BEFORE/proxy/efsgw" ]; then
	GW_BIN=$BEFORE/proxy/efsgw MOUNT_BIN=$BEFORE/client/efsgw-mount
	BPORT=$(free_port)
	start_efsgw before-efsgw "$BPORT" && target before-efsgw 127.0.0.1:$BPORT &&
	    cpu before-efsgw before-efsgw
	if [ $TLS_OK = 1 ] && [ -x "$MOUNT_BIN" ]; then
		BTLS_PORT=$(free_port)
		start_efsgw before-tlsgw "$BTLS_PORT" "tls yes" "tls-cert $D/srv.pem" "tls-key $D/srv.key" &&
		    start_tunnel before-tunnel "$BTLS_PORT" &&
		    target before-tls 127.0.0.1:$TUNNEL_PORT &&
		    cpu before-tls before-tunnel before-tlsgw
	fi
	GW_BIN= MOUNT_BIN=
elif [ -n "${BEFORE:-}" ]; then
	note "before: $BEFORE/proxy/efsgw not built; skipped"
fi

# --------------------------------------------------------------- cost per call
if [ -x "$MICRO" ]; then
	echo "+ $MICRO -o $OUT/microbench.json"
	"$MICRO" -o "$OUT/microbench.json" || note "efsgw-microbench failed"
else
	note "microbench: $MICRO not built; skipped"
fi

# --------------------------------------------------------------- main run
# The CPU ratios are against the stunnel pair (the target: the TLS gateway
# should use less CPU per GiB than stunnel client + server).
CPU_REF=
case "$CPUS" in *"--cpu stunnel="*) CPU_REF="--cpu-ref stunnel" ;; esac
echo "+ $BENCH --cafile $D/ca.pem --servername $TLS_NAME -o $OUT/bench.json -o $OUT/bench.csv$CPUS $CPU_REF $* $TARGETS"
# shellcheck disable=SC2086 # TARGETS, CPUS are lists of words by construction
"$BENCH" --cafile "$D/ca.pem" --servername "$TLS_NAME" -o "$OUT/bench.json" \
    -o "$OUT/bench.csv" $CPUS $CPU_REF "$@" $TARGETS
status=$?

# --------------------------------------------------------------- profile
# perf record of efsgw alone under the 1 MiB write and GETATTR-rate loads.
if [ "$PERF" = 1 ] && command -v perf >/dev/null 2>&1 && EPID=$(pid_of efsgw); then
	for c in seqwrite getattr-rate; do
		echo "+ perf record -g -p $EPID -- sleep $PERF_SECONDS  (during $c)"
		perf record -q -g -p "$EPID" -o "$OUT/perf-$c.data" -- sleep "$PERF_SECONDS" \
		    > /dev/null 2>&1 &
		ppid=$!
		"$BENCH" -r 1 -d "$PERF_SECONDS" -c "$c" efsgw=127.0.0.1:$EFSGW_PORT > /dev/null 2>&1
		wait $ppid
		perf report -i "$OUT/perf-$c.data" --stdio --no-children --sort symbol \
		    --percent-limit 0.5 -g none > "$OUT/perf-$c.txt" 2>/dev/null
		perf report -i "$OUT/perf-$c.data" --stdio --no-children --sort dso \
		    -g none > "$OUT/perf-$c-dso.txt" 2>/dev/null
		echo "  $OUT/perf-$c.txt:"
		grep -v '^#' "$OUT/perf-$c.txt" | grep -v '^$' | head -15
	done
fi

# --------------------------------------------------------------- scale
# conns NAME HOST:PORT PIDNAME.. [-- efsgw-conns options]: hold $CONNS connections.
conns() {
	cn=$1 addr=$2; shift 2
	pargs=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		p=$(pid_of "$1") && pargs="$pargs -p $p"
		shift
	done
	[ $# -gt 0 ] && shift
	echo "+ $CONNS_BIN -n $CONNS$pargs -o $OUT/conns-$cn.json $* $addr"
	# shellcheck disable=SC2086
	"$CONNS_BIN" -n "$CONNS" -d 300 $pargs -o "$OUT/conns-$cn.json" "$@" "$addr" ||
	    note "conns $cn: not every connection held or answered (see above)"
}
if [ "$CONNS" -gt 0 ] && [ -x "$CONNS_BIN" ]; then
	[ -n "${EFSGW_PORT:-}" ] && conns efsgw 127.0.0.1:$EFSGW_PORT efsgw
	[ -n "${SSRV_PORT:-}" ] && conns stunnel-srv 127.0.0.1:$SSRV_PORT stunnel-srv -- \
	    --tls --cafile "$D/ca.pem" --servername "$TLS_NAME"
	[ -n "${ETLS_PORT:-}" ] && conns efsgw-tls 127.0.0.1:$ETLS_PORT efsgw-tlsgw -- \
	    --tls --cafile "$D/ca.pem" --servername "$TLS_NAME"
fi
echo "results in $OUT"
exit $status
