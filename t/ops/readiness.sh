#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/ops/readiness.sh - /readyz follows the backend within moments, and a
# Redis outage is not "not ready". Readiness used to follow only the root
# probe (every probe-interval, 15 s by default): a dead backend stayed
# "ready" until the next probe. And with Redis down every gateway of a
# file system said 503 at once, although each keeps serving at its fair
# share: a load balancer would have dropped all of them. Here
# probe-interval is an hour, so only the new signals (the backend closing
# the gateway's connections, refused connects) can change readiness; the
# configured Redis has nothing listening. Every wait is a bounded poll.
. "$(dirname "$0")/../lib/harness.sh"

if [ "$HARNESS_DIRECT" = 1 ]; then
	harness_skip_all "the admin endpoint is efsgw's; EFSGW_TEST_DIRECT=1 has none"
fi
harness_require_nfsc
harness_require_cmd curl
harness_free_port; ADMIN_PORT=$HARNESS_PORT
harness_free_port; REDIS_PORT=$HARNESS_PORT	# reserved, nothing listens
EFSGW_TEST_ADMIN=127.0.0.1:$ADMIN_PORT
EFSGW_TEST_EXTRA_CONF="probe-interval 3600
redis redis://127.0.0.1:$REDIS_PORT"
harness_start

# get PATH: the status code, a space, the body on one line.
get() {
	local body code
	body=$(timeout 5 curl -s -o - -w '\n%{http_code}' "http://127.0.0.1:$ADMIN_PORT$1" 2>/dev/null) || true
	code=${body##*$'\n'}
	body=${body%$'\n'*}
	echo "$code $(printf '%s' "$body" | tr '\n' '|')"
}
# wait_for NAME PATH PATTERN: poll (up to 30 s) until "CODE BODY" matches PATTERN.
wait_for() {
	local name=$1 path=$2 pat=$3 out= i
	for ((i = 0; i < 150; i++)); do
		out=$(get "$path")
		if [[ $out =~ $pat ]]; then pass "$name"; return 0; fi
		sleep 0.2
	done
	fail "$name" "GET $path still answers [$out]"
}

wait_for "ready with the backend up, although Redis is down" /readyz '^200 '
wait_for "/healthz is 200 and tells that Redis is unreachable" /healthz '^200 ok\|.*redis.*unreachable'
check "/metrics has the Redis outage" bash -c "curl -s http://127.0.0.1:$ADMIN_PORT/metrics | grep -q '^efsgw_qos_redis_degraded{.*} 1'"

harness_kill_backend KILL
wait_for "not ready moments after the backend dies (probe-interval is an hour)" /readyz '^503 not ready: .*backend'
wait_for "/healthz stays 200 and tells the backend is down" /healthz '^200 ok\|.*backend.*down'
check_fails "a client is refused while the backend is down" nfsc ls /
harness_restart_backend
wait_for "ready again once the backend is back" /readyz '^200 '
check "a client works again" nfsc ls /

# A client's own backend connection reset: the backend dies under a
# connected client; readiness follows it as well.
nfsc open-hold / 20 >"$T/hold.out" 2>&1 &
HOLD=$!
harness_track "$HOLD"
sleep 1
harness_kill_backend KILL
wait_for "not ready after the backend dies under a connected client" /readyz '^503 '
harness_kill "$HOLD" "" TERM 5
harness_restart_backend
wait_for "ready again" /readyz '^200 '
harness_done
