#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/qos/qos.sh - throughput and IOPS budgets through the real gateway,
# small budgets so that each case takes seconds:
#  - provisioned 20 MiB/s holds one writer to 20 MiB/s +-10 %;
#  - two gateways sharing one redis-server hold two writers (one on each)
#    to the same combined 20 MiB/s +-10 %;
#  - a light client keeps its share next to a heavy one;
#  - an IOPS ceiling holds;
#  - redis-server killed mid-run: both gateways keep serving (degraded,
#    at their fair share), then recover when it is back; nothing is lost;
#  - bursting: a small file system bursts, then drops to its baseline
#    when the credits run out, and /metrics shows the balance falling.
. "$(dirname "$0")/../lib/harness.sh"

if [ "$HARNESS_DIRECT" = 1 ]; then
	harness_skip_all "QoS is efsgw's; EFSGW_TEST_DIRECT=1 has none"
fi
harness_require_nfsc
REDIS=$(command -v redis-server || true)
[ -n "$REDIS" ] || harness_skip_all "redis-server not installed"

harness_free_port; REDIS_PORT=$HARNESS_PORT
harness_free_port; GW2_PORT=$HARNESS_PORT
harness_free_port; ADMIN1=$HARNESS_PORT
harness_free_port; ADMIN2=$HARNESS_PORT
harness_free_port; BURST_PORT=$HARNESS_PORT
REDIS_PID=

start_redis() {
	"$REDIS" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
		--dir "$T" --logfile "$T/redis.log" </dev/null &
	REDIS_PID=$!
	harness_track "$REDIS_PID" "redis-server"
	harness_wait_port 127.0.0.1 "$REDIS_PORT" 10 || harness_bail "redis-server did not start"
}
stop_redis() {
	[ -n "$REDIS_PID" ] || return 0
	kill "$REDIS_PID" 2>/dev/null || true
	harness_wait_pid "$REDIS_PID" 10 || true
	REDIS_PID=
}

# Two file systems on the same export: fs0 provisioned (shared through
# Redis), fs1 bursting with a tiny credit balance (in process).
qos_conf() { # qos_conf LISTEN_PORT ADMIN_PORT GATEWAY_ID
	cat <<-EOF
	log-level       debug
	state-dir       $T/state
	audit-log       none
	admin-address   127.0.0.1:$2
	redis           redis://127.0.0.1:$REDIS_PORT
	gateway-id      $3
	filesystem fs-0123456789abcdef0 {
	backend         127.0.0.1:$BACKEND_PORT
	export          /export
	handle-keys     $T/keys
	throughput-mode provisioned
	provisioned-throughput 20
	qos-read-iops   400
	}
	filesystem fs-0123456789abcdef1 {
	backend         127.0.0.1:$BACKEND_PORT
	export          /export
	handle-keys     $T/keys1
	throughput-mode bursting
	storage-size    8
	qos-baseline-min 4096
	qos-burst-min   40
	qos-credit-cap-min 24
	}
	listener test {
	address         127.0.0.1:$1
	filesystem      fs-0123456789abcdef0
	}
	EOF
}
harness_efsgw_conf() {
	[ -f "$T/keys" ] || "$abs_top_builddir/ctl/efsgwctl" keys new "$T/keys" >/dev/null
	[ -f "$T/keys1" ] || "$abs_top_builddir/ctl/efsgwctl" keys new "$T/keys1" >/dev/null
	qos_conf "$GW_PORT" "$ADMIN1" gw1 >"$T/efsgw.conf"
	cat >>"$T/efsgw.conf" <<-EOF
	listener burst {
	address         127.0.0.1:$BURST_PORT
	filesystem      fs-0123456789abcdef1
	}
	EOF
}

mkdir -p "$T"
start_redis
harness_start
chmod 0777 "$EXPORT_DIR"
qos_conf "$GW2_PORT" "$ADMIN2" gw2 >"$T/efsgw2.conf"
harness_prepare_conf "$T/efsgw2.conf"
"$EFSGW" -c "$T/efsgw2.conf" -d >>"$T/efsgw2.log" 2>&1 </dev/null &
GW2_PID=$!
harness_track "$GW2_PID" "$T/efsgw2.conf"
harness_wait_port 127.0.0.1 "$GW2_PORT" 20 || harness_bail "second efsgw did not start"

# Seconds (3 decimals) a command takes.
elapsed() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || return 1
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}
# rate MIB SECONDS -> MiB/s
rate() { echo "scale=2; $1 / $2" | bc -l; }
# within VALUE TARGET PERCENT
within() { echo "$1 >= $2 * (1 - $3 / 100) && $1 <= $2 * (1 + $3 / 100)" | bc -l | grep -q 1; }
# metric PORT NAME FS: the sample's value from /metrics
metric() {
	exec 9<>"/dev/tcp/127.0.0.1/$1" || return 1
	printf 'GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n' >&9
	timeout 5 cat <&9 | grep "^efsgw_$2{fs=\"$3\"" | head -1 | awk '{print $2}'
	exec 9>&-
}

head -c $((80 * 1048576)) /dev/urandom >"$T/data80"
head -c $((60 * 1048576)) /dev/urandom >"$T/data60"

# The first 100 ms of budget is there at once; the rest at 20 MiB/s.
s=$(elapsed nfsc -n 16 put "$T/data80" /w1) || fail "provisioned put"
r=$(rate 80 "$s")
note "one writer, provisioned 20 MiB/s: 80 MiB in $s s = $r MiB/s"
if within "$r" 20 10; then pass "one writer held to 20 MiB/s +-10% ($r)"; else fail "one writer held to 20 MiB/s +-10%" "$r MiB/s"; fi
check_same "the throttled write is intact" "$T/data80" "$EXPORT_DIR/w1"

# Two gateways, one budget.
t0=$(date +%s.%N)
nfsc -n 16 put "$T/data60" /w2 >/dev/null 2>&1 &
A=$!
timeout -k 5 120 "$EFSGW_NFSC" -s "127.0.0.1:$GW2_PORT" -n 16 put "$T/data60" /w3 >/dev/null 2>&1 &
B=$!
ra=0; rb=0
wait $A || ra=$?
wait $B || rb=$?
t1=$(date +%s.%N)
s=$(echo "$t1 - $t0" | bc -l)
r=$(rate 120 "$s")
note "two writers on two gateways: 120 MiB in $s s = $r MiB/s combined"
check_eq "both writers finished" "0 0" "$ra $rb"
if within "$r" 20 10; then pass "two gateways hold 20 MiB/s combined +-10% ($r)"; else fail "two gateways hold 20 MiB/s combined +-10%" "$r MiB/s"; fi

# A light client next to a heavy one: each light call waits at most about
# one heavy call's worth of budget (1 MiB at 20 MiB/s, 50 ms), never for the
# heavy client's whole queue.
light() { for i in $(seq 20); do "$EFSGW_NFSC" -s "$GW_ADDR" stat / >/dev/null || return 1; done; }
s0=$(elapsed light)
nfsc -n 16 put "$T/data80" /heavy >/dev/null 2>&1 &
H=$!
sleep 1
s=$(elapsed light)
note "20 stats (about 5 COMPOUNDs each): $s0 s alone, $s s next to a heavy writer"
if [ -n "$s" ] && echo "$s < $s0 + 20 * 5 * 0.06" | bc -l | grep -q 1; then
	pass "a light client keeps its share next to a heavy one"
else fail "a light client keeps its share next to a heavy one" "${s:-failed} s"; fi
wait $H || fail "heavy writer"

# IOPS: 400 read ops/s; 800 creates (OPEN + CLOSE are metadata reads).
nfsc mkdir /iops >/dev/null
s=$(elapsed nfsc -n 64 mkdirs /iops 800) || fail "mkdirs"
note "800 OPEN+CLOSE at a 400 ops/s read ceiling: $s s"
if echo "$s >= 1.6" | bc -l | grep -q 1; then pass "the IOPS ceiling holds ($s s >= 1.6 s)"; else fail "the IOPS ceiling holds" "$s s"; fi

# Redis killed mid-run: both keep serving at their fair share, then recover.
nfsc -n 16 put "$T/data60" /r1 >/dev/null 2>&1 &
A=$!
timeout -k 5 120 "$EFSGW_NFSC" -s "127.0.0.1:$GW2_PORT" -n 16 put "$T/data60" /r2 >/dev/null 2>&1 &
B=$!
sleep 1.5
stop_redis
sleep 2
d1=$(metric "$ADMIN1" qos_redis_degraded fs-0123456789abcdef0 || true)
start_redis
ra=0; rb=0
wait $A || ra=$?
wait $B || rb=$?
check_eq "both writers finished while Redis was away" "0 0" "$ra $rb"
check_same "nothing lost on gateway 1" "$T/data60" "$EXPORT_DIR/r1"
check_same "nothing lost on gateway 2" "$T/data60" "$EXPORT_DIR/r2"
check "gateway 1 logged the lost Redis" grep -qi 'redis.*\(lost\|degraded\|unreachable\)' "$T/efsgw.log"
note "qos_redis_degraded while Redis was down: ${d1:-?}"
sleep 3
check "gateway 1 is back on Redis" grep -qi 'redis.*\(recovered\|back\|reconnected\)' "$T/efsgw.log"

# Bursting: 24 MiB of credits at 40 MiB/s, then a 4 MiB/s baseline.
b0=$(metric "$ADMIN1" BurstCreditBalance_bytes fs-0123456789abcdef1 || true)
head -c $((40 * 1048576)) "$T/data60" >"$T/data40"
head -c $((12 * 1048576)) "$T/data60" >"$T/data12"
s1=$(elapsed timeout 60 "$EFSGW_NFSC" -s "127.0.0.1:$BURST_PORT" -n 16 put "$T/data40" /b1) || fail "burst put"
b1=$(metric "$ADMIN1" BurstCreditBalance_bytes fs-0123456789abcdef1 || true)
s2=$(elapsed timeout 60 "$EFSGW_NFSC" -s "127.0.0.1:$BURST_PORT" -n 16 put "$T/data12" /b2) || fail "baseline put"
r1=$(rate 40 "$s1"); r2=$(rate 12 "$s2")
note "bursting: 40 MiB at $r1 MiB/s, then 12 MiB at $r2 MiB/s; credits $b0 -> $b1"
if echo "$r1 > 6" | bc -l | grep -q 1; then pass "a small file system bursts ($r1 MiB/s)"; else fail "a small file system bursts" "$r1 MiB/s"; fi
if within "$r2" 4 25; then pass "it drops to its 4 MiB/s baseline when the credits run out ($r2)"; else fail "it drops to its 4 MiB/s baseline" "$r2 MiB/s"; fi
if [ -n "$b0" ] && [ -n "$b1" ] && echo "$b1 < $b0" | bc -l | grep -q 1; then pass "metrics show the credit balance falling"; else fail "metrics show the credit balance falling" "$b0 -> $b1"; fi

check "efsgwctl status summarizes the gateway" bash -c "\"$abs_top_builddir/ctl/efsgwctl\" status -a 127.0.0.1:$ADMIN1 >\"$T/status.out\" 2>&1 && grep -q fs-0123456789abcdef0 \"$T/status.out\""
check "metrics parse as Prometheus text" bash -c "exec 9<>/dev/tcp/127.0.0.1/$ADMIN1; printf 'GET /metrics HTTP/1.0\r\n\r\n' >&9; timeout 5 cat <&9 | sed '1,/^\r\$/d' | grep -vE '^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9.eE+-]+|)$' | grep -c . | grep -qx 0"

kill "$GW2_PID" 2>/dev/null || true
harness_wait_pid "$GW2_PID" 20 || true
stop_redis
harness_stop
harness_done
