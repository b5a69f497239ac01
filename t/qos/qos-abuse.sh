#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/qos/qos-abuse.sh - QoS cannot be turned against other clients:
#  - a READ's count is the client's to choose (up to 4 GiB - 1), so QoS
#    must not charge it as declared: a client that sends READs of count
#    4294967295 (and one that sends them and hangs up before the replies)
#    once put the file system's bucket gigabytes into debt and starved every
#    other client of the file system for hours. The estimate is capped at
#    what one reply can carry (max-record-size), so the bucket's debt stays
#    within a few calls and another client's read completes;
#  - SIGTERM with a throttled call held in the QoS queue: the call is
#    forwarded and answered within drain-timeout, never dropped unanswered.
# No timing assertions: the checks are on bytes read, the bucket level in
# /metrics and replies received; every wait is bounded.
. "$(dirname "$0")/../lib/harness.sh"

if [ "$HARNESS_DIRECT" = 1 ]; then
	harness_skip_all "QoS is efsgw's; EFSGW_TEST_DIRECT=1 has none"
fi
harness_require_nfsc

harness_free_port; ADMIN=$HARNESS_PORT

harness_efsgw_conf() {
	cat >"$T/efsgw.conf" <<-EOF
	log-level       debug
	state-dir       $T/state
	audit-log       none
	admin-address   127.0.0.1:$ADMIN
	drain-timeout   60
	filesystem fs-0123456789abcdef0 {
	backend         127.0.0.1:$BACKEND_PORT
	export          /export
	reserved-port   no
	throughput-mode provisioned
	provisioned-throughput 2
	}
	listener test {
	address         127.0.0.1:$GW_PORT
	filesystem      fs-0123456789abcdef0
	}
	EOF
}

# metric NAME: the file system's sample from /metrics (empty if none).
metric() {
	exec 9<>"/dev/tcp/127.0.0.1/$ADMIN" || return 1
	printf 'GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n' >&9
	timeout 5 cat <&9 | grep "^efsgw_$1{fs=\"fs-0123456789abcdef0\"" | head -1 | awk '{print $2}'
	exec 9>&-
}

mkdir -p "$T"
harness_start
chmod 0777 "$EXPORT_DIR"
head -c 16384 /dev/urandom >"$EXPORT_DIR/small"
head -c $((2 * 1048576)) /dev/urandom >"$EXPORT_DIR/victim"
chmod 0644 "$EXPORT_DIR/small" "$EXPORT_DIR/victim"

# 1. READs of count 4 GiB - 1, pipelined (Ganesha answers them with
# NFS4ERR_REP_TOO_BIG, which refunds the estimate), then from clients that
# send one and hang up at once: the gateway sees the hang-up before the
# reply, so nothing refunds that call's estimate.
nfsc read-count /small 4294967295 16 >/dev/null 2>&1 || true
for i in 1 2 3 4 5 6 7 8; do
	nfsc read-count /small 4294967295 -1 >/dev/null 2>&1 || true
done
# Let the gateway see the hang-ups (bounded).
for i in $(seq 1 50); do
	[ "$(metric qos_clients || echo 9)" = 0 ] && break
	sleep 0.1
done
level=$(metric qos_throughput_bucket_bytes || true)
note "throughput bucket after the hostile READs: ${level:-?} bytes"
# Eight capped calls owe at most 8 x 1114112 / 3 bytes (about 3 MB);
# charged as declared they owe 8 x 1.43 GB.
if [ -n "$level" ] && echo "$level > -16 * 1048576" | bc -l | grep -q 1; then
	pass "the bucket's debt stays within the capped calls ($level)"
else
	fail "the bucket's debt stays within the capped calls" "${level:-no metric}"
fi

# Another client on the same file system still gets its data (the nfsc
# timeout bounds the wait; at 2 MiB/s the capped debt clears in seconds).
NFSC_TIMEOUT=90 nfsc get /victim "$T/victim.out" >/dev/null 2>&1 ||
	fail "the other client's read completes" "efsgw-nfsc get failed or timed out"
check_same "the other client reads every byte" "$EXPORT_DIR/victim" "$T/victim.out"

# 2. Drain: a writer keeps the file system throttled (1 MiB WRITEs, each
# owing half a second of budget); a reader with its session and file open
# sends one READ, which waits in the QoS queue behind the writer's call when
# SIGTERM comes. It must be answered.
mkfifo "$T/go"
NFSC_TIMEOUT=90 nfsc read-count /small 4096 +1 <"$T/go" >"$T/held.out" 2>"$T/held.err" &
HELD=$!
exec 8>"$T/go"
for i in $(seq 1 100); do
	grep -q ready "$T/held.out" 2>/dev/null && break
	sleep 0.1
done
head -c $((16 * 1048576)) /dev/urandom >"$T/hog"
NFSC_TIMEOUT=120 nfsc -n 16 put "$T/hog" /hog >/dev/null 2>&1 &
HOG=$!
for i in $(seq 1 100); do
	[ "$(metric qos_queue_depth || echo 0)" -ge 1 ] 2>/dev/null && break
	sleep 0.1
done
echo go >&8
for i in $(seq 1 100); do
	[ "$(metric qos_queue_depth || echo 0)" -ge 2 ] 2>/dev/null && break
	sleep 0.01
done
note "queued calls when SIGTERM is sent: $(metric qos_queue_depth || echo ?)"
kill -TERM "$HARNESS_EFSGW_PID"
wait "$HELD" || true	# its CLOSE finds the drained connection gone
note "held reader: $(cat "$T/held.out" "$T/held.err" 2>/dev/null | tr '\n' ' ')"
check_eq "the READ held in the QoS queue at SIGTERM is answered" \
	"ready bytes=4096" "$(tr '\n' ' ' <"$T/held.out" | sed 's/ $//')"
exec 8>&-
wait "$HOG" 2>/dev/null || true
rc=0; harness_wait_pid "$HARNESS_EFSGW_PID" 90 || rc=$?
check_eq "efsgw exits 0 after draining" 0 "$rc"
HARNESS_EFSGW_PID=
harness_stop
harness_done
