#!/bin/bash
# efsgw - efsgwctl policy from the outside: exit status 0/1/2 for valid,
# invalid and usage errors (check), allowed, denied and usage errors
# (simulate), and the deciding statement printed for the EFS console
# presets in etc/.
#
# SPDX-License-Identifier: Apache-2.0
set -u
B=${abs_top_builddir:-$(pwd)}
S=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
CTL="$B/ctl/efsgwctl"
E="$S/etc"
FSARGS="--fs fs-0123456789abcdef0 --region us-east-1 --account 111122223333"
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
# A policy whose Resource names another file system never applies.
for f in "$E"/policy-*.json; do
	expect 0 "every statement with a Resource names" policy check "$f" $FSARGS
	if grep -q '"Resource"' "$f" && ! grep -q '"Resource": "\*"' "$f"; then
		expect 0 "warning: statement 0.*never applies" policy check "$f" \
			--fs fs-99999999 --region us-east-1 --account 111122223333
	fi
done
expect 2 "needs --region" policy check "$E/policy-read-only.json" --fs fs-99999999
# efsgw -t says the same for the file systems it serves.
mkdir -p "$T/state"
printf 'state-dir %s\naccount 111122223333\nfilesystem fs-99999999 {\n\tbackend 127.0.0.1:2050\n\tpolicy %s\n}\nlistener main {\n\taddress 127.0.0.1:2049\n}\n' \
	"$T/state" "$E/policy-read-only.json" >"$T/other.conf"
if "$B/proxy/efsgw" -t -c "$T/other.conf" 2>&1 | grep -q "fs-99999999: policy .*never applies"; then
	echo "ok: efsgw -t warns about a policy for another file system"
else
	echo "FAIL: efsgw -t is silent about a policy for another file system"; fail=1
fi
sed 's/fs-99999999/fs-0123456789abcdef0/' "$T/other.conf" >"$T/same.conf"
if "$B/proxy/efsgw" -t -c "$T/same.conf" 2>&1 | grep -q "never applies"; then
	echo "FAIL: efsgw -t warns about the sample config's own policy"; fail=1
else
	echo "ok: the sample policies name the sample config's file system"
fi
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
	--secure-transport yes --resource arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-0123456789abcdef0
expect 2 "needs FILE and --action" policy simulate "$E/policy-read-only.json"
expect 2 "give --resource" policy simulate "$E/policy-read-only.json" --action ClientMount
expect 2 "takes yes or no" policy simulate "$E/policy-read-only.json" --action ClientMount \
	$FSARGS --secure-transport maybe
expect 1 "line 2, column 54" policy simulate "$T/bad.json" --action ClientMount $FSARGS
exit $fail
