#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/integration/qos-redis.sh - qos leases against a real redis-server: two
# gateways share one file system's budget through Redis (within 10%), keep
# their fair share while Redis is killed, and recover with nothing lost when
# it restarts on the same port (t/integration/qos-redis-run.c does the work
# and prints TAP). Skips (exit 77) without redis-server.
set -u
if [ -z "${QOS_REDIS_UNDER_TIMEOUT:-}" ]; then
	export QOS_REDIS_UNDER_TIMEOUT=1
	exec timeout -k 10 120 bash "$0" "$@"
fi
: "${abs_top_builddir:=$PWD}"
REDIS=${REDIS_SERVER:-$(PATH=$PATH:/usr/bin:/usr/sbin command -v redis-server || true)}
if [ -z "$REDIS" ]; then
	echo "SKIP: redis-server not found (apt-get install redis-server)"
	exit 77
fi
RUN=$abs_top_builddir/t/integration/qos-redis-run
[ -x "$RUN" ] || { echo "not ok - $RUN not built"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/efsgw-qos-redis.XXXXXX")
cleanup() {
	if [ -s "$T/redis.pid" ]; then
		pid=$(cat "$T/redis.pid")
		kill "$pid" 2>/dev/null || true
	fi
	if [ "${EFSGW_TEST_KEEP:-0}" = 1 ]; then echo "# kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

# A free loopback port: nothing answers a connect on it.
port=
for _ in $(seq 1 50); do
	p=$((20000 + RANDOM % 12000))	# below the ephemeral range
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "not ok - no free port"; exit 1; }

"$RUN" "$REDIS" "$port" "$T"
rc=$?
[ $rc = 0 ] || { echo "# redis log:"; tail -20 "$T/redis.log" 2>/dev/null | sed 's/^/# /'; }
exit $rc
