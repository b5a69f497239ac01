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

SIZE=${SIZE:-64}
ROUNDS=${ROUNDS:-3}
harness_require_nfsc
TIER=$abs_top_builddir/tiering/efsgw-tier
[ -x "$TIER" ] || harness_skip_all "not built: $TIER"
REDIS=$(command -v redis-server || true)
[ -n "$REDIS" ] || harness_skip_all "redis-server not installed"

harness_free_port; REDIS_PORT=$HARNESS_PORT
"$REDIS" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
	--dir "$T" --logfile "$T/redis.log" </dev/null &
REDIS_PID=$!
harness_track "$REDIS_PID" "redis-server"
harness_wait_port 127.0.0.1 "$REDIS_PORT" 10 || harness_bail "redis-server did not start"

mkdir -p "$T/ia" "$T/archive"
EFSGW_TEST_EXTRA_GANESHA="
EXPORT { Export_Id = 2; Path = $T/ia; Pseudo = /ia; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }
EXPORT { Export_Id = 3; Path = $T/archive; Pseudo = /archive; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }"
lifecycle() { # lifecycle [AFTER_1_ACCESS]
	printf '%s\n' '{ "LifecyclePolicies": [ { "TransitionToIA": "AFTER_1_DAY" },' \
		"  { \"TransitionToArchive\": \"AFTER_7_DAYS\" }${1:+,}" \
		${1:+'  { "TransitionToPrimaryStorageClass": "AFTER_1_ACCESS" }'} \
		'] }' >"$T/lifecycle.json"
}
lifecycle
harness_efsgw_conf() {
	printf '%s\n' \
		"log-level       info" \
		"state-dir       $T/state" \
		"audit-log       none" \
		"filesystem fs-0123456789abcdef0 {" \
		"backend         127.0.0.1:$BACKEND_PORT" \
		"export          /export" \
		"lifecycle       $T/lifecycle.json" \
		"tier-ia         127.0.0.1:$BACKEND_PORT:/ia" \
		"tier-archive    127.0.0.1:$BACKEND_PORT:/archive" \
		"tier-registry   redis://127.0.0.1:$REDIS_PORT" \
		"tier-min-size   0" \
		"}" \
		"listener test {" \
		"address         127.0.0.1:$GW_PORT" \
		"}" >"$T/efsgw.conf"
}
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
lifecycle AFTER_1_ACCESS
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
kill "$REDIS_PID"
harness_wait_pid "$REDIS_PID" 10 || true
harness_done >/dev/null
