#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/tiering/recall-journal.sh - recall in a single gateway without Redis:
# t/tiering/recall.sh with the tier registry in a journal file, which
# efsgw (its recall thread, as the user it drops to) and efsgw-tier (run
# as the same user) use at the same time. Files moved by efsgw-tier read
# back byte for byte through the gateway and their records become hot.
export EFSGW_TEST_TIER_REGISTRY=journal
. "$(dirname "$0")/recall.sh"
