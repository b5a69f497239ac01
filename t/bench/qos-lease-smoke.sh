#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/bench/qos-lease-smoke.sh - keeps the Redis lease benchmark
# (t/bench/qos-lease-bench) building and correct: two simulated gateways on
# a real redis-server for a couple of seconds, checking that both lease and
# move data, that grants stay within the budget, that lease calls stay under
# the protocol's bound, that a flushed script cache is reloaded once and
# that idle gateways heartbeat about once a second (qos-lease-bench --smoke
# prints TAP). Speed is not checked here: the numbers come from
# `make bench-qos` (docs/benchmarks.md). Skips (exit 77)
# without redis-server.
set -u
if [ -z "${QOS_SMOKE_UNDER_TIMEOUT:-}" ]; then
	export QOS_SMOKE_UNDER_TIMEOUT=1
	exec timeout -k 10 120 bash "$0" "$@"
fi
: "${abs_top_builddir:=$PWD}"
REDIS=${REDIS_SERVER:-$(PATH=$PATH:/usr/bin:/usr/sbin command -v redis-server || true)}
if [ -z "$REDIS" ]; then
	echo "SKIP: redis-server not found (apt-get install redis-server)"
	exit 77
fi
BENCH=$abs_top_builddir/t/bench/qos-lease-bench
[ -x "$BENCH" ] || { echo "not ok - $BENCH not built"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/efsgw-qos-smoke.XXXXXX")
RPID=
cleanup() {
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
	if [ "${EFSGW_TEST_KEEP:-0}" = 1 ]; then echo "# kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

# A free loopback port (nothing answers a connect on it); other tests may
# take it between the check and the bind, so try a few.
start_redis() {
	local p i
	p=$((20000 + RANDOM % 12000))	# below the ephemeral range
	(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return 1
	"$REDIS" --port "$p" --bind 127.0.0.1 --save "" --appendonly no \
		--dir "$T" --logfile "$T/redis.log" </dev/null &
	RPID=$!
	for i in $(seq 1 100); do
		if ! kill -0 "$RPID" 2>/dev/null; then
			wait "$RPID" 2>/dev/null; RPID=; return 1
		fi
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && { port=$p; return 0; }
		sleep 0.1
	done
	return 1
}
port=
for _ in 1 2 3 4 5; do start_redis && break; done
[ -n "$port" ] || { echo "not ok - redis-server did not start"; exit 1; }
"$BENCH" -p "$port" --smoke
