#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/ops/conn-memory.sh - memory held by closed connections goes back to
# the system. The gateway used to keep the resident memory of its peak:
# about 100 MB after 9,900 idle connections had come and gone, because
# glibc returns only the top of the heap and what connections held is
# spread through it. Pins: after 1,000 connections (t/bench/efsgw-conns)
# close, VmRSS falls, within a bounded wait, well below the peak (the
# gateway trims its heap once a burst of closes is over;
# docs/configuration.md, "Memory", has the figures).
. "$(dirname "$0")/../lib/harness.sh"

if [ "$HARNESS_DIRECT" = 1 ]; then
	harness_skip_all "this measures efsgw; EFSGW_TEST_DIRECT=1 has none"
fi
CONNS=$abs_top_builddir/t/bench/efsgw-conns
[ -x "$CONNS" ] || harness_skip_all "not built: $CONNS"
# AddressSanitizer keeps freed memory in quarantine; valgrind has its own heap.
if grep -q __asan_init "$EFSGW" 2>/dev/null || [ -n "${EFSGW_TEST_WRAPPER:-}" ]; then
	harness_skip_all "efsgw runs on a sanitizer's or valgrind's heap, not glibc's"
fi
EFSGW_TEST_LOG_LEVEL=warn
harness_start

rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$HARNESS_EFSGW_PID/status"; }
idle=$(rss)
# 1,000 stays under Ganesha's default RPC_Max_Connections (1024).
timeout 120 "$CONNS" -n 1000 -s 5 -p "$HARNESS_EFSGW_PID" "$GW_ADDR" >"$T/conns.out" 2>&1 || true
sed 's/^/# /' "$T/conns.out" | grep -E 'held|VmRSS' || true
peak=$(sed -n 's/.*server VmRSS: .* \([0-9][0-9]*\) kB holding.*/\1/p' "$T/conns.out")
[ -n "$peak" ] && [ "$peak" -gt "$idle" ] || harness_bail "no VmRSS while holding from efsgw-conns"
# At most 60% of what the connections added may stay.
limit=$((idle + (peak - idle) * 6 / 10))
now=$(rss)
for ((i = 0; i < 150; i++)); do
	now=$(rss)
	[ "$now" -le "$limit" ] && break
	sleep 0.2
done
note "VmRSS idle $idle kB, holding 1,000 $peak kB, after they closed $now kB (limit $limit kB)"
check "closed connections' memory is given back" test "$now" -le "$limit"
harness_done
