#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/hostile/hostile.sh - clients that try to exhaust efsgw or the NFS
# server behind it, against a real gateway and NFS-Ganesha:
#
#   * a flood of calls the gateway answers itself (an unknown RPC program)
#     from a client that never reads, plain and over TLS: the gateway
#     stops reading that client once its output queue is full
#     (max-output-queue once a call was forwarded, 64 KiB before), so its
#     RSS stays within 16 MiB of where it started (8 MiB for 4
#     connections flooding before their first forwarded call);
#   * records and TLS handshakes trickled one byte at a time: closed by the
#     whole-record deadline (record-timeout 2) and the handshake deadline
#     (handshake-timeout 2), not kept alive by each byte;
#   * 1,100 idle sockets against a gateway that takes 1,000 connections
#     and a Ganesha that takes 1,024 (RPC_Max_Connections): an idle socket
#     holds no backend connection, and the oldest connection that has not
#     sent a call yet makes room for a new one, so a real client still
#     mounts and writes;
#   * descriptor exhaustion (the gateway under a low RLIMIT_NOFILE): the
#     gateway caps max-connections to its descriptor budget at start, and
#     when the limit is lowered under it the listener pauses instead of
#     spinning: CPU and log volume stay low, the existing client is
#     served, and new clients are served once descriptors free.
#
# Bounds, not timings: every check compares a count or a size with a
# generous bound; t/hostile/hostile.py bounds each of its loops.
# The descriptor storm lowers the gateway's RLIMIT_NOFILE with prlimit(2),
# which a process that changed its uid refuses here (it is not dumpable and
# this root may lack CAP_SYS_PTRACE): these tests keep it root. Privileges
# are t/ops/privdrop.sh's.
export EFSGW_TEST_USER=root
. "$(dirname "$0")/../lib/harness.sh"

if [ "$HARNESS_DIRECT" = 1 ]; then
	harness_skip_all "hostile-client tests exercise efsgw itself; EFSGW_TEST_DIRECT=1 has none"
fi
PY=/usr/bin/python3
[ -x "$PY" ] || harness_skip_all "no /usr/bin/python3"
HOSTILE=$abs_top_srcdir/t/hostile/hostile.py
command -v openssl >/dev/null || harness_skip_all "openssl CLI not installed"
command -v prlimit >/dev/null || harness_skip_all "prlimit (util-linux) not installed"
harness_require_nfsc

FS=fs-0123456789abcdef0
harness_free_port; TLS_PORT=$HARNESS_PORT

# Ganesha with its connection limit stated (1,024 is also its default).
harness_ganesha_conf() {
	cat >"$T/ganesha.conf" <<-EOF
	NFS_CORE_PARAM { NFS_Port = $BACKEND_PORT; Protocols = 4; Enable_NLM = false; Enable_RQUOTA = false; Bind_addr = 127.0.0.1; RPC_Max_Connections = 1024; }
	NFSv4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = $T/recov; Only_Numeric_Owners = true; }
	NFS_KRB5 { Active_krb5 = false; }
	EXPORT { Export_Id = 1; Path = $EXPORT_DIR; Pseudo = /export; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }
	LOG { Default_Log_Level = EVENT; }
	EOF
}

harness_efsgw_conf() {
	cat >"$T/efsgw.conf" <<-EOF
	log-level       debug
	state-dir       $T/state
	audit-log       $T/audit.log
	admin-address   none
	record-timeout  2
	handshake-timeout 2
	max-connections 1000
	filesystem $FS {
	backend         127.0.0.1:$BACKEND_PORT
	export          /export
	reserved-port   no
	tls-cert        $T/server.pem
	tls-key         $T/server.key
	}
	listener test {
	address         127.0.0.1:$GW_PORT
	filesystem      $FS
	}
	listener secure {
	address         127.0.0.1:$TLS_PORT
	filesystem      $FS
	tls             yes
	}
	EOF
}

# Run one hostile.py case; each "check" line it prints becomes a result.
hostile() {
	local out line name verdict detail
	out=$(timeout -k 5 200 "$PY" "$HOSTILE" "$@" 2>&1) || true
	while IFS= read -r line; do
		case $line in
		check\ *)
			read -r _ name verdict detail <<<"$line"
			if [ "$verdict" = ok ]; then pass "$name: $detail"
			else fail "$name" "$detail"; fi ;;
		note\ *) note "${line#note }" ;;
		*) note "$line" ;;
		esac
	done <<<"$out"
}

# An ASan build keeps freed memory in a quarantine (256 MiB by default),
# which RSS counts: without it the flood bound measures the gateway again.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0

mkdir -p "$T"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/server.key" -out "$T/server.pem" -days 2 -subj "/CN=efsgw" 2>/dev/null
harness_start
GW_PID=$HARNESS_EFSGW_PID
TLS_ADDR=127.0.0.1:$TLS_PORT

# 1. Replies the gateway builds itself, never read.
# First on a fresh heap: 4 connections before any call of theirs is
# forwarded (64 KiB each), then one after a NULL call (max-output-queue),
# plain and over TLS.
hostile flood "$GW_ADDR" "$GW_PID" 4
hostile flood "$GW_ADDR" "$GW_PID"
hostile flood "127.0.0.1:$TLS_PORT" "$GW_PID" tls

# 2. Slowloris: a record, then a TLS handshake, one byte at a time.
hostile trickle "$GW_ADDR"
hostile tls-trickle "$TLS_ADDR"
check "gateway logged the record deadline" grep -q "record deadline" "$T/efsgw.log"

# 3. 1,100 idle sockets, more than max-connections (1000) and than Ganesha
# takes: none holds a connection to Ganesha, and a client that comes
# with a call gets in, in place of the oldest silent one.
cat >"$T/during-idle.sh" <<-EOF
	set -e
	n=\$(ss -Htn state established "( sport = :$BACKEND_PORT )" | wc -l)
	echo "note Ganesha holds \$n established connections with 1,100 idle clients"
	[ "\$n" -le 8 ] || { echo "check idle_backend_conns fail \$n backend connections (bound 8)"; exit 1; }
	echo "check idle_backend_conns ok \$n backend connections (bound 8)"
	head -c 300000 /dev/urandom >"$T/idle.bin"
	timeout 60 "$EFSGW_NFSC" -s "$GW_ADDR" put "$T/idle.bin" /idle.bin
	timeout 60 "$EFSGW_NFSC" -s "$GW_ADDR" get /idle.bin "$T/idle.back"
	cmp "$T/idle.bin" "$T/idle.back"
EOF
hostile hold "$GW_ADDR" 1100 bash "$T/during-idle.sh"
check_same "a client wrote through the gateway with 1,100 idle sockets held" \
	"$T/idle.bin" "$EXPORT_DIR/idle.bin"
check "the oldest silent connections made room (max-connections 1000)" \
	grep -q "without a call yet: closing the oldest" "$T/efsgw.log"

# 4. Descriptors: start under a low limit, then lower it under the gateway.
harness_stop_gateway
: >"$T/efsgw.log"
EFSGW_TEST_WRAPPER="prlimit --nofile=160:160 --" harness_start_gateway
GW_PID=$HARNESS_EFSGW_PID
check "max-connections capped to the descriptor budget" \
	grep -q "max-connections 1000 needs" "$T/efsgw.log"
hostile fdstorm "$GW_ADDR" "$GW_PID" "$T/efsgw.log"
check "out-of-descriptor messages are counted, not repeated" \
	grep -q "accept: .*; listener paused" "$T/efsgw.log"
check "gateway still running" harness_gateway_alive

harness_stop
harness_done
