#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/bench/qos-lease-bench.sh - `make bench-qos`: the Redis lease protocol
# with N simulated gateways (t/bench/qos-lease-bench) against one
# redis-server on a free loopback port, throttled and idle, N = 2, 10, 50
# (GATEWAYS="2 10 50"), plus demand sharing (one gateway with SKEW clients
# next to one-client gateways) and moving demand (half of 10 gateways
# switching their load off and on every second). SECS per run (default 10). Prints one
# RESULT line per run; docs/benchmarks.md has the table.
set -u
BENCH=${BENCH:-./t/bench/qos-lease-bench}
REDIS=${REDIS_SERVER:-$(command -v redis-server || true)}
[ -n "$REDIS" ] || { echo "redis-server not found" >&2; exit 1; }
SECS=${SECS:-10}
T=$(mktemp -d "${TMPDIR:-/tmp}/efsgw-bench-qos.XXXXXX")
RPID=
cleanup() { [ -n "$RPID" ] && kill "$RPID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
port=
for _ in $(seq 1 50); do
	p=$((20000 + RANDOM % 12000))	# below the ephemeral range
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "no free port" >&2; exit 1; }
"$REDIS" --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
	--dir "$T" --logfile "$T/redis.log" </dev/null &
RPID=$!
for _ in $(seq 1 100); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done
for n in ${GATEWAYS:-2 10 50}; do
	"$BENCH" -p "$port" -n "$n" -d "$SECS" "$@"
	"$BENCH" -p "$port" -n "$n" -d "$SECS" -i "$@"
done
"$BENCH" -p "$port" -n 2 -d "$SECS" -k "${SKEW:-30}" "$@"
# Demand moving: every other gateway of 10 switches off and on every second.
"$BENCH" -p "$port" -n 10 -d "$SECS" -t 1 "$@"
