#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/unit/man-lint.sh - the manual pages are clean for `mandoc -T lint`
# (warnings included), and every long option a program's --help prints is
# in its page. Without mandoc the lint is SKIPPED, loudly.
set -u
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${abs_top_builddir:-$PWD}
fail=0

# Every --long-option of "CMD --help" must appear in PAGE as "Fl \-long".
options_in_page() {
	local page=$1 opt; shift
	for opt in $("$@" 2>/dev/null | grep -v put-file-system-policy | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
		if ! grep -q -- "Fl \\\\${opt#-}" "$page"; then
			echo "FAIL: $(basename "$page") lacks $opt (from: ${*##*/} )"
			fail=1
		fi
	done
}
options_in_page "$src/man/efsgw.8" "$build/proxy/efsgw" --help
options_in_page "$src/man/efsgw-mount.8" "$build/client/efsgw-mount" --help
options_in_page "$src/man/efsgw-tier.8" "$build/tiering/efsgw-tier" --help
for g in keys policy token cert status; do
	options_in_page "$src/man/efsgwctl.8" "$build/ctl/efsgwctl" help "$g"
done
# efsgw-mount's -o options (name= or bare) are all in its page.
for opt in $("$build/client/efsgw-mount" --help | sed -n 's/^  \([a-z][a-z]*\)\(=\|  \| *,\| *$\).*/\1/p' | sort -u); do
	grep -q "Cm $opt" "$src/man/efsgw-mount.8" ||
		{ echo "FAIL: efsgw-mount.8 lacks the mount option $opt"; fail=1; }
done

if ! command -v mandoc >/dev/null; then
	echo "SKIPPED: mandoc not installed (apt-get install mandoc): the man pages were not linted"
	[ "$fail" = 0 ] || exit 1
	exit 77
fi
for page in "$src"/man/*.[0-9]; do
	out=$(mandoc -T lint -W warning "$page" 2>&1)
	if [ -n "$out" ]; then
		echo "FAIL: mandoc -T lint $page"; echo "$out"; fail=1
	else
		echo "ok: mandoc -T lint $(basename "$page")"
	fi
done
[ "$fail" = 0 ] && echo "all passed"
exit "$fail"
