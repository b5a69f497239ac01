#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/bench/tier-bench.sh - `make bench-tier`: what lifecycle tiering costs a
# reader. One Ganesha serves the primary export and the IA and Archive
# exports on loopback; efsgw serves the file system with a lifecycle and a
# Redis registry; a file of SIZE MiB (default 64, random data) is read
# with the project's client (1 MiB READs, 16 in flight):
#   direct     from Ganesha itself (the reference)
#   hot        through efsgw, the file in Standard
#   ia-served  through efsgw, the file in IA, served from the tier
#   ar-served  the same from Archive (zstd frames)
#   recall-ia  through efsgw with AFTER_1_ACCESS: the first read, which
#              brings the file back from IA (then it reads hot)
#   move-ia    efsgw-tier moving the file to IA (copy, read back, release)
# ROUNDS rounds (default 3); one RESULT line per case and round, then the
# median of each. Timings are wall-clock on a shared machine: compare the
# cases of one run, not runs on different days. docs/benchmarks.md has a
# table. The same setup as t/tiering/served.sh, through t/lib/harness.sh.
: "${abs_top_builddir:=$PWD}"
: "${abs_top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
export abs_top_builddir abs_top_srcdir
. "$abs_top_srcdir/t/lib/harness.sh"
. "$abs_top_srcdir/t/tiering/lib.sh"

SIZE=${SIZE:-64}
ROUNDS=${ROUNDS:-3}
harness_require_nfsc
tier_require
tier_redis_start
TIER_REGISTRY=redis://127.0.0.1:$REDIS_PORT
tier_exports
tier_lifecycle
TIER_LOG_LEVEL=info	# the timings are the point, not the log
harness_efsgw_conf() { tier_conf; }
harness_start
export EFSGW_TIER_DAY=1

declare -A times
# timed CASE CMD...: run CMD, print and keep its wall time.
timed() {
	local c=$1 t0 t1 s
	shift
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>>"$T/bench.err" || harness_bail "$c: $* failed (see $T/bench.err)"
	t1=$(date +%s.%N)
	s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	times[$c]+="$s "
	printf 'RESULT case=%s round=%s seconds=%s MiB/s=%s\n' "$c" "$r" "$s" \
		"$(awk -v s="$s" -v n="$SIZE" 'BEGIN { printf "%.1f", n / s }')"
}
gw_read() { "$EFSGW_NFSC" -s "$GW_ADDR" cat /f >/dev/null; }
direct_read() { "$EFSGW_NFSC" -s "127.0.0.1:$BACKEND_PORT" cat /export/f >/dev/null; }
move() { "$TIER" -c "$T/efsgw.conf" --once --now "+$1" 2>>"$T/tier.log"; }
state() { "$TIER" -c "$T/efsgw.conf" --list 2>/dev/null | awk '$1 != "usage" { print $2 }'; }

head -c $((SIZE * 1048576)) /dev/urandom >"$T/f"
"$EFSGW_NFSC" -s "$GW_ADDR" put "$T/f" /f >/dev/null
for ((r = 1; r <= ROUNDS; r++)); do
	timed direct direct_read
	timed hot gw_read
	timed move-ia move 3
	[ "$(state)" = cold-IA ] || harness_bail "not moved to IA: $(state)"
	timed ia-served gw_read
	move 10 >/dev/null
	[ "$(state)" = cold-archive ] || harness_bail "not moved to Archive: $(state)"
	timed ar-served gw_read
	"$TIER" -c "$T/efsgw.conf" --once --recall-all >/dev/null 2>>"$T/tier.log"
done
# With AFTER_1_ACCESS the first read brings the file back.
tier_lifecycle access
harness_restart_gateway >/dev/null
for ((r = 1; r <= ROUNDS; r++)); do
	move 3 >/dev/null
	[ "$(state)" = cold-IA ] || harness_bail "not moved to IA: $(state)"
	timed recall-ia gw_read
	[ "$(state)" = hot ] || harness_bail "not recalled: $(state)"
done
"$EFSGW_NFSC" -s "$GW_ADDR" get /f "$T/back" >/dev/null
cmp -s "$T/f" "$T/back" || harness_bail "the file did not come back whole"
for c in direct hot ia-served ar-served recall-ia move-ia; do
	m=$(printf '%s\n' ${times[$c]} | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	printf 'MEDIAN case=%-9s seconds=%s MiB/s=%s\n' "$c" "$m" \
		"$(awk -v s="$m" -v n="$SIZE" 'BEGIN { printf "%.1f", n / s }')"
done
harness_stop_gateway >/dev/null
tier_redis_stop
harness_done >/dev/null
