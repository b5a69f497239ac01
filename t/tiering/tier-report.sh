#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/tiering/tier-report.sh - `efsgwctl tier report` on a sample tree of
# sparse files with known ages: each class holds 10 GiB, so the table's
# costs are exact at EFS's default prices (Standard 0.30, IA 0.016,
# Archive 0.008 $/GB-month): 3.00 + 0.16 + 0.08 = 3.24 against 9.00 all in
# Standard, 5.76 saved (64.0 %). Also: prices are options, small files stay
# Standard, the metrics-file mode reads efsgw-tier's StorageBytes.
set -u
CTL=${abs_top_builddir:-$PWD}/ctl/efsgwctl
[ -x "$CTL" ] || { echo "1..0 # SKIP not built: $CTL"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/efsgw-tier-report.XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); if "$@"; then echo "ok $n"; else echo "not ok $n - $*"; failed=1; fi; }

NOW=2000000000
DAY=86400
mkdir -p "$T/tree/a/b"
truncate -s 10G "$T/tree/new"
truncate -s 10G "$T/tree/a/ia"
truncate -s 10G "$T/tree/a/b/archive"
truncate -s 1000 "$T/tree/a/small-old"
touch -d "@$((NOW - 1 * DAY))" "$T/tree/new"
touch -d "@$((NOW - 40 * DAY))" "$T/tree/a/ia"
touch -d "@$((NOW - 100 * DAY))" "$T/tree/a/b/archive"
touch -d "@$((NOW - 400 * DAY))" "$T/tree/a/small-old"

"$CTL" tier report --tree "$T/tree" --now "$NOW" >"$T/out" 2>&1
ok test $? = 0
cat "$T/out" | sed 's/^/# /'
ok grep -Eq '^Standard +2 +10737419240 +0.3000 +3.00$' "$T/out"
ok grep -Eq '^IA +1 +10737418240 +0.0160 +0.16$' "$T/out"
ok grep -Eq '^Archive +1 +10737418240 +0.0080 +0.08$' "$T/out"
ok grep -Eq '^all in Standard: +9.00 ' "$T/out"
ok grep -Eq '^with lifecycle: +3.24 ' "$T/out"
ok grep -Eq '^saved: +5.76 .*\(64.0 %\)' "$T/out"

# Min size 0: the 1000-byte file is tiered and billed as 128 KiB.
"$CTL" tier report --tree "$T/tree" --now "$NOW" --min-size 0 >"$T/out0"
ok grep -Eq '^Archive +2 +10737419240 ' "$T/out0"

# Prices are options; a lifecycle file changes the classes.
printf '{"LifecyclePolicies":[{"TransitionToIA":"AFTER_7_DAYS"}]}' >"$T/lc.json"
"$CTL" tier report --tree "$T/tree" --now "$NOW" --lifecycle "$T/lc.json" \
	--price-ia 0.025 >"$T/out2"
ok grep -Eq '^IA +2 +21474836480 +0.0250 +0.50$' "$T/out2"
ok grep -Eq '^Archive +0 ' "$T/out2"

# From efsgw-tier's metrics file.
cat >"$T/m.prom" <<EOM
efsgw_tier_storage_bytes{fs="fs-0123456789abcdef0",class="Standard"} 10737418240
efsgw_tier_storage_bytes{fs="fs-0123456789abcdef0",class="IA"} 10737418240
efsgw_tier_storage_bytes{fs="fs-0123456789abcdef0",class="Archive"} 0
EOM
"$CTL" tier report --metrics "$T/m.prom" >"$T/out3"
ok grep -Eq '^with lifecycle: +3.16 ' "$T/out3"

# Bad input is refused with usage, not a crash.
"$CTL" tier report --tree "$T/tree" --price-ia -1 >/dev/null 2>&1
ok test $? = 2
"$CTL" tier report >/dev/null 2>&1
ok test $? = 2
"$CTL" tier report --metrics "$T/nonexistent" >/dev/null 2>&1
ok test $? = 1
echo "1..$n"
exit $failed
