#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/ops/refusals.sh - refusals at max-connections are logged at most once
# a second, with a count of the ones left out. A client that opens
# connections in a loop against a full gateway used to get one warning
# line per connection. Pins: far fewer refusal lines than refusals, and
# the lines plus the counts they report add up to every refusal.
. "$(dirname "$0")/../lib/harness.sh"

if [ "$HARNESS_DIRECT" = 1 ]; then
	harness_skip_all "max-connections is efsgw's; EFSGW_TEST_DIRECT=1 has none"
fi
EFSGW_TEST_EXTRA_CONF="max-connections 1"
EFSGW_TEST_LOG_LEVEL=info
harness_start

# Hold the one connection allowed, and wait until the gateway has it.
before=$(grep -c 'conn_new: conn' "$T/efsgw.log" || true)
exec 3<>"/dev/tcp/127.0.0.1/$GW_PORT"
for ((i = 0; i < 100; i++)); do
	[ "$(grep -c 'conn_new: conn' "$T/efsgw.log" || true)" -gt "$before" ] && break
	sleep 0.1
done
# A NULL call on it (RFC 5531 §9, AUTH_NONE) and its reply: a connection
# that has had a call forwarded is not one the gateway may close to make
# room for a newcomer (max-preauth-connections), so new ones are refused.
/usr/bin/python3 -c '
import os, select
os.write(3, bytes.fromhex("80000028" "00000001" "00000000" "00000002"
    "000186a3" "00000004" "00000000" "00000000" "00000000" "00000000" "00000000"))
ok = select.select([3], [], [], 10)[0] and len(os.read(3, 64)) >= 28
raise SystemExit(0 if ok else 1)' || fail "the held connection's NULL call" "no reply"
N=300
t0=$(date +%s)
for ((i = 0; i < N; i++)); do
	exec 4<>"/dev/tcp/127.0.0.1/$GW_PORT" && exec 4>&- || true
done
# refused: lines naming a refusal plus the counts of suppressed ones.
refused() {
	local lines more
	lines=$(grep -c 'refusing .*max-connections' "$T/efsgw.log" || true)
	more=$(sed -n 's/.* \([0-9][0-9]*\) more connections refused .*/\1/p' "$T/efsgw.log" |
		awk '{ s += $1 } END { print s + 0 }')
	echo $((lines + more))
}
for ((i = 0; i < 100; i++)); do
	[ "$(refused)" -ge "$N" ] && break
	sleep 0.1
done
lines=$(grep -c 'refusing .*max-connections' "$T/efsgw.log" || true)
secs=$(($(date +%s) - t0 + 1))
note "$N refusals in about $secs s, $lines lines naming a peer"
check_eq "every refusal is counted (lines + suppressed counts)" "$N" "$(refused)"
check "at most one line naming a peer per second" test "$lines" -le $((secs + 1))
exec 3>&-
harness_done
