#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/integration/kvm.sh - `make check` entry for the Linux kernel NFS client
# test (t/kvm/kvm-efsgw.sh): NFSv4.0, 4.1 and 4.2 mounts of efsgw by a real
# kernel in qemu, each with the tool's default workload and efsgw's own.
# Skips loudly (exit 77) when it cannot run here: no qemu, not root, no tun
# or netns, guest packages not fetched, or EFSGW_TEST_KVM=0.
#   EFSGW_TEST_KVM=0         skip (CI's sanitizer build does, to save time)
#   EFSGW_TEST_DIRECT=1      run against Ganesha directly (no efsgw)
#   EFSGW_KVM_VERS="4.1"     fewer versions;  EFSGW_KVM_LIMIT  whole-test limit (900 s)
set -eu
: "${abs_top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"
export abs_top_builddir abs_top_srcdir

if [ "${EFSGW_TEST_KVM:-1}" = 0 ]; then
	echo "##########################################################################"
	echo "SKIPPED: kernel NFS client test (EFSGW_TEST_KVM=0)"
	echo "##########################################################################"
	exit 77
fi
args=(--vers "${EFSGW_KVM_VERS:-4.0 4.1 4.2}")
[ "${EFSGW_TEST_DIRECT:-0}" = 0 ] || args+=(--direct)
# timeout(1) sends SIGTERM first, on which kvm-efsgw.sh cleans up (qemu, daemons, netns).
rc=0
timeout -k 60 "${EFSGW_KVM_LIMIT:-900}" bash "$abs_top_srcdir/t/kvm/kvm-efsgw.sh" "${args[@]}" || rc=$?
[ $rc = 124 ] && echo "FAIL: kernel NFS client test took longer than ${EFSGW_KVM_LIMIT:-900} s"
exit $rc
