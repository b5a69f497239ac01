#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/conform/conform.sh - the differential conformance test: the same
# NFSv4.0, 4.1 and 4.2 cases (t/conform/conform-cases.c) once against
# NFS-Ganesha directly (its port, the export at /export) and once through
# efsgw (its port, the export at /), then the two transcripts compared
# result by result. The server is the oracle: a difference that no row of
# t/conform/allowed.c explains fails the check of that minor version.
# docs/conformance.md lists the rows and how to read the output.
. "$(dirname "$0")/../lib/harness.sh"
EFSGW_CONFORM=${EFSGW_CONFORM:-$abs_top_builddir/t/conform/efsgw-conform}
[ -x "$EFSGW_CONFORM" ] || harness_skip_all "not built: $EFSGW_CONFORM"
[ "$HARNESS_DIRECT" = 0 ] || harness_skip_all "compares Ganesha with efsgw: EFSGW_TEST_DIRECT=1 has no efsgw"
harness_start

conform() { timeout -k 5 "${CONFORM_TIMEOUT:-120}" "$EFSGW_CONFORM" "$@"; }

for m in ${EFSGW_CONFORM_MINORS:-0 1 2}; do
	rc=0
	conform run -s "127.0.0.1:$BACKEND_PORT" -p export -m "$m" -o "direct-4.$m.txt" || rc=$?
	[ $rc = 0 ] || { fail "NFSv4.$m: run against Ganesha" "exit $rc"; continue; }
	rc=0
	conform run -s "$GW_ADDR" -m "$m" -o "gateway-4.$m.txt" || rc=$?
	[ $rc = 0 ] || { fail "NFSv4.$m: run through efsgw" "exit $rc"; continue; }
	check "efsgw still runs after the NFSv4.$m cases" harness_gateway_alive
	rc=0
	conform compare ${EFSGW_CONFORM_VERBOSE:+-v} "direct-4.$m.txt" "gateway-4.$m.txt" >"compare-4.$m.txt" || rc=$?
	sed 's/^DIFF/# DIFF/' "compare-4.$m.txt"
	if [ $rc = 0 ]; then pass "NFSv4.$m: efsgw answers as Ganesha does, but for allowed differences"
	else fail "NFSv4.$m: efsgw answers as Ganesha does, but for allowed differences" \
		"transcripts and comparison kept in $T (EFSGW_TEST_KEEP=1 keeps them on success)"; fi
done
harness_done
