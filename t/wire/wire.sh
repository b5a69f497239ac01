#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/wire/wire.sh - hostile input against a running efsgw: starts NFS-Ganesha
# and efsgw through the harness (with a short record-timeout so the stall
# case is quick), runs t/wire/check_wire against it, and checks that the
# gateway is still alive and exits cleanly (no sanitizer report) afterwards.
. "$(dirname "$0")/../lib/harness.sh"

if [ "$HARNESS_DIRECT" = 1 ]; then
	harness_skip_all "wire tests exercise efsgw itself; EFSGW_TEST_DIRECT=1 has none"
fi
WIRE=$abs_top_builddir/t/wire/check_wire
[ -x "$WIRE" ] || harness_bail "not built: $WIRE"

# A second export that efsgw does not serve: the smuggling case must never
# reach it; and a directory to hold handles of.
mkdir -p "$T/other" "$EXPORT_DIR/sub"
echo "not for this file system's clients" >"$T/other/secret"
EFSGW_TEST_EXTRA_GANESHA="EXPORT { Export_Id = 2; Path = $T/other; Pseudo = /other; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }" \
EFSGW_TEST_EXTRA_CONF="record-timeout 3" harness_start
if EFSGW_TEST_ADDR=$GW_ADDR timeout -k 5 240 "$WIRE" >"$T/wire.out" 2>&1; then
	pass "hostile wire input: every case answered or closed ($(tail -1 "$T/wire.out"))"
else
	sed 's/^/#   /' "$T/wire.out"
	fail "hostile wire input" "see the Check output above"
fi
check "gateway still running after the hostile cases" harness_gateway_alive
check "gateway logged the refused input" grep -q "closing: record larger than max-record-size" "$T/efsgw.log"
harness_stop
harness_done
