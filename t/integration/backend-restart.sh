#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/integration/backend-restart.sh - the backend dies in the middle of a
# transfer. docs/testing.md (bad input): a backend killed mid-run gives the client
# an error or a closed connection (never a hang), the gateway keeps running,
# and once the backend is back a new client works through the same gateway.
. "$(dirname "$0")/../lib/harness.sh"
harness_require_nfsc
harness_start

random_file small 10000
check "put before the crash" nfsc put small "$(nfspath before)"

# A sparse 4 GiB source: reads fast, so the wire is the bottleneck.
truncate -s 4G big
nfsc -n 8 put big "$(nfspath big)" >put.out 2>&1 & pp=$!
harness_track $pp
started=0
for ((i = 0; i < 300; i++)); do # up to 30 s for the first 16 MiB to land
	sz=$(stat -c %s "$EXPORT_DIR/big" 2>/dev/null || echo 0)
	if [ "$sz" -ge 16777216 ]; then started=1; break; fi
	harness_gone $pp && break
	sleep 0.1
done
if [ $started = 1 ] && ! harness_gone $pp; then
	pass "big put is running ($sz B on disk)"
	harness_kill_backend KILL
	rc=0; harness_wait_pid $pp 60 || rc=$?
	note "client output: $(tail -3 put.out | tr '\n' ' ')"
	case $rc in
	0) fail "client sees an error when the backend dies" "put exited 0 although the backend was killed" ;;
	124) fail "client sees an error when the backend dies" "client still hanging 60 s after the backend died" ;;
	*) pass "client sees an error when the backend dies (exit $rc)" ;;
	esac
	if [ "$HARNESS_DIRECT" = 0 ]; then
		check "gateway keeps running while the backend is down" harness_gateway_alive
		check "gateway still accepts connections" harness_wait_port 127.0.0.1 "$GW_PORT" 5
		check_fails "a client gets an error while the backend is down" nfsc -t 10 ls "$(nfspath /)"
	fi
else
	fail "big put is running" "put ended (or never started) before 16 MiB arrived: $(tail -3 put.out | tr '\n' ' ')"
	harness_kill $pp
fi

harness_restart_backend KILL
check "backend restarted on port $BACKEND_PORT" harness_wait_port 127.0.0.1 "$BACKEND_PORT" 5
check "gateway survived the backend restart" harness_gateway_alive
# The first client after the restart may race the gateway noticing; give it a few tries.
ok=0
for ((i = 0; i < 10; i++)); do
	if nfsc -t 10 null >/dev/null 2>&1; then ok=1; break; fi
	sleep 1
done
check_eq "a new client works through the same gateway" 1 $ok
random_file after 2000000
check "put after the restart" nfsc put after "$(nfspath after)"
check_same "data after the restart reaches the export" after "$EXPORT_DIR/after"
check "get of a file written before the crash" nfsc get "$(nfspath before)" before.back
check_same "old data intact" small before.back

# And the gateway itself restarts cleanly (SIGTERM, start on the same port).
harness_restart_gateway
check "ls through a restarted gateway" quiet nfsc ls "$(nfspath /)"
harness_done
