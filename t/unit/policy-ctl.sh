#!/bin/bash
# efsgw - efsgwctl policy from the outside: exit status 0/1/2 for valid,
# invalid and usage errors (check), allowed, denied and usage errors
# (simulate), and the deciding statement printed for the EFS console
# presets in etc/ (EFS-FACTS §4.3 "Console presets").
#
# SPDX-License-Identifier: Apache-2.0
set -u
B=${abs_top_builddir:-$(pwd)}
S=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
CTL="$B/ctl/efsgwctl"
E="$S/etc"
FSARGS="--fs fs-12345678 --region us-east-1 --account 111122223333"
ROLE=arn:aws:iam::111122223333:role/app
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0

# expect STATUS PATTERN ARGS...: run efsgwctl, check status and last line.
expect() {
	local want=$1 pat=$2 got
	shift 2
	"$CTL" "$@" >"$T/out" 2>&1
	got=$?
	if [ "$got" != "$want" ] || ! grep -q -- "$pat" "$T/out"; then
		echo "FAIL: efsgwctl $* -> $got (want $want, /$pat/)"
		cat "$T/out"
		fail=1
	else
		echo "ok: efsgwctl $* -> $got"
	fi
}

for f in "$E"/policy-*.json; do
	expect 0 "valid file-system policy" policy check "$f"
done
printf '{"Statement": [\n {"Effect": "Allow", "Principal": "*", "Action": "*",}\n]}\n' >"$T/bad.json"
expect 1 "line 2, column 54" policy check "$T/bad.json"
expect 1 "No such file" policy check "$T/missing.json"
expect 2 "usage:" policy check
expect 0 "usage:" policy --help
expect 0 "usage:" help policy
expect 0 "usage:" policy simulate --help

expect 1 '^DENY by statement 1 (Sid "efs-statement-enforce-tls")' \
	policy simulate "$E/policy-enforce-tls.json" --action ClientWrite $FSARGS
expect 0 '^ALLOW by statement 0 (Sid "efs-statement-allow-via-mount-target")' \
	policy simulate "$E/policy-enforce-tls.json" --action ClientWrite $FSARGS --secure-transport yes
expect 1 '^IMPLICIT DENY' \
	policy simulate "$E/policy-prevent-root.json" --action ClientRootAccess $FSARGS
expect 0 '^ALLOW by statement 0' \
	policy simulate "$E/policy-prevent-root.json" --action elasticfilesystem:ClientWrite $FSARGS
expect 1 '^IMPLICIT DENY' \
	policy simulate "$E/policy-read-only.json" --action ClientWrite --anonymous $FSARGS
expect 1 '^IMPLICIT DENY' \
	policy simulate "$E/policy-prevent-anonymous.json" --action ClientMount $FSARGS
expect 0 "^ALLOW by the caller's identity grants" \
	policy simulate "$E/policy-prevent-anonymous.json" --action ClientMount --principal $ROLE --identity-allows $FSARGS
expect 0 '^ALLOW by statement 0 (Sid "AppViaAccessPoint")' \
	policy simulate "$E/policy-access-point.json" --action ClientMount --principal $ROLE \
	--secure-transport yes --access-point fsap-0123456789abcdef0 $FSARGS
expect 1 '^DENY by statement 2' \
	policy simulate "$E/policy-access-point.json" --action ClientRootAccess --principal $ROLE \
	--identity-allows --secure-transport yes $FSARGS
expect 0 '^ALLOW by statement 1' \
	policy simulate "$E/policy-access-point.json" --action ClientRootAccess \
	--principal arn:aws:iam::111122223333:role/admin-ops --source-ip 2001:db8:1::9 \
	--secure-transport yes --resource arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-12345678
expect 2 "needs FILE and --action" policy simulate "$E/policy-read-only.json"
expect 2 "give --resource" policy simulate "$E/policy-read-only.json" --action ClientMount
expect 2 "takes yes or no" policy simulate "$E/policy-read-only.json" --action ClientMount \
	$FSARGS --secure-transport maybe
expect 1 "line 2, column 54" policy simulate "$T/bad.json" --action ClientMount $FSARGS
exit $fail
