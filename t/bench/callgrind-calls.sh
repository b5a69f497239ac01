#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/bench/callgrind-calls.sh - user-space instructions efsgw spends per
# call, counted by valgrind's callgrind (repeatable whatever else the
# machine is doing, unlike times): the harness starts NFS-Ganesha and efsgw
# under callgrind on loopback, efsgw-bench runs one case against it for a
# few seconds, and the script prints the instructions per call of the
# whole process and of the functions named in FUNCS (inclusive).
#
#   bash ../t/bench/callgrind-calls.sh [EFSGW-BINARY]      (from a build dir)
#
# CASE (getattr-rate), SECONDS_RUN (10), FUNCS ("call_plan call_plan_check
# call_reply_check call_reply_rewrite") and OUT (a temp dir, kept) can be
# set in the environment; calls are the benchmark's own ops/s times its
# duration. Needs root (Ganesha's VFS backend), valgrind and
# callgrind_annotate.
abs_top_builddir=${abs_top_builddir:-$PWD}
abs_top_srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export abs_top_builddir abs_top_srcdir
CASE=${CASE:-getattr-rate}
SECS=${SECONDS_RUN:-10}	# SECONDS is bash's own
FUNCS=${FUNCS:-call_plan call_plan_check call_reply_check call_reply_rewrite}
[ -n "${1:-}" ] && export EFSGW=$1
command -v valgrind >/dev/null || { echo "callgrind-calls: valgrind is not installed"; exit 77; }
out=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/efsgw-callgrind.XXXXXX")}
cg=$out/efsgw.callgrind
# callgrind creates its output file at start and rewrites it at exit:
# the gateway stays root here so that it can.
export EFSGW_TEST_USER=root

. "$abs_top_srcdir/t/lib/harness.sh"
EFSGW_TEST_WRAPPER="valgrind --tool=callgrind --callgrind-out-file=$cg" harness_start
"$abs_top_builddir/t/bench/efsgw-bench" -r 1 -d "$SECS" -p "$NFS_ROOT" -c "$CASE" \
	"target=$GW_ADDR" >"$out/bench.txt" 2>&1
harness_stop
rate=$(awk -v c="$CASE" '$1 == "round" && $4 == c { print $5 }' "$out/bench.txt")
if [ -z "$rate" ] || [ ! -s "$cg" ]; then
	cat "$out/bench.txt"
	fail "callgrind run" "no rate or no profile (kept in $out)"
	harness_done
fi
calls=$(awk -v r="$rate" -v s="$SECS" 'BEGIN { printf "%d", r * s }')
total=$(callgrind_annotate "$cg" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
echo "# $CASE: $calls calls in ${SECS}s under callgrind (profile in $out)"
printf '%-24s %14s %12s\n' "what" "instructions" "per call"
printf '%-24s %14s %12d\n' "efsgw (whole process)" "$total" $((total / calls))
for f in $FUNCS; do
	n=$(callgrind_annotate --inclusive=yes "$cg" 2>/dev/null |
		awk -v f=":$f " 'index($0, f) && /efsgw\]/ { gsub(",", "", $1); print $1; exit }' || true)
	printf '%-24s %14s %12d\n' "$f" "${n:-0}" $(( ${n:-0} / calls ))
done
pass "callgrind profile of $CASE"
harness_done
