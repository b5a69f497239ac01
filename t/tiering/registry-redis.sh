#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/tiering/registry-redis.sh - the tier registry's store tests
# (t/unit/check_tier_registry) against a real redis-server: records,
# walks and per-file locks that two owners cannot both hold.
. "$(dirname "$0")/../lib/harness.sh"

REDIS=$(command -v redis-server || true)
[ -n "$REDIS" ] || harness_skip_all "redis-server not installed"
CHECK=${abs_top_builddir:-$PWD}/t/unit/check_tier_registry
[ -x "$CHECK" ] || harness_skip_all "not built: $CHECK"

harness_free_port; REDIS_PORT=$HARNESS_PORT
"$REDIS" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
	--dir "$T" --logfile "$T/redis.log" </dev/null &
REDIS_PID=$!
harness_track "$REDIS_PID" "redis-server"
harness_wait_port 127.0.0.1 "$REDIS_PORT" 10 || harness_bail "redis-server did not start"

check "registry tests pass against redis-server" \
	env EFSGW_TEST_REDIS="redis://127.0.0.1:$REDIS_PORT" "$CHECK"
check "the test left records in redis (it really used it)" \
	bash -c "redis-cli -p $REDIS_PORT --scan --pattern 'efsgw:tier:*' | grep -q rec"
kill "$REDIS_PID"
harness_wait_pid "$REDIS_PID" 10 || true
harness_done
