#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t/kvm/workload-tiering.sh - kvm-nfs-client.sh workload for lifecycle
# tiering: the Linux kernel client reads and writes files that efsgw-tier
# moved to the IA and Archive exports before the guest booted. Runs in the
# busybox guest as: sh workload-tiering.sh MOUNTPOINT, with (from
# t/kvm/kvm-efsgw.sh, through --env):
#   TIER_DIR       the directory holding the moved files, at the export root
#   TIER_IA_MD5    md5 of ia.bin (moved to IA; reads are served from there)
#   TIER_AR_MD5    md5 of ar.bin (moved to Archive, zstd)
#   TIER_W_SIZE    size of w.bin (moved to IA; the guest writes into it)
#   TIER_W_MD5     md5 of w.bin once "written by the kernel client" is at
#                  byte 4096 (the write brings the file back first)
# Every check prints "KVMNFS CHECK <name> ok|FAIL". The host checks after
# the run which files are still cold.
M=${1:-/mnt}
D=$M/${TIER_DIR:-tier}
check() { # check NAME CMD...
	n=$1; shift
	if "$@"; then echo "KVMNFS CHECK $n ok"; else echo "KVMNFS CHECK $n FAIL"; fi
}
md5() { md5sum <"$1" | cut -d' ' -f1; }
cold_read() { sync; echo 3 >/proc/sys/vm/drop_caches; }

# Metadata of moved files: their sizes, from the hot file the agent left.
check tier_ls_sizes [ "$(stat -c %s "$D/ia.bin")" = 3145733 ]
check tier_ar_size [ "$(stat -c %s "$D/ar.bin")" = 2097155 ]
# Reads: the kernel's own READs (readahead, rsize) answered from the tiers.
cold_read
check tier_ia_read [ "$(md5 "$D/ia.bin")" = "$TIER_IA_MD5" ]
check tier_ar_read [ "$(md5 "$D/ar.bin")" = "$TIER_AR_MD5" ]
# Small reads at odd offsets, across the 1 MiB chunk boundary.
cold_read
a=$(dd if="$D/ia.bin" bs=1000 skip=1048 count=3 2>/dev/null | md5sum | cut -d' ' -f1)
cold_read
b=$(dd if="$D/ia.bin" bs=1000 skip=1048 count=3 2>/dev/null | md5sum | cut -d' ' -f1)
check tier_ia_odd_reads_agree [ "$a" = "$b" ] && [ -n "$a" ]
# A write into a moved file: brought back, then written.
printf 'written by the kernel client' |
	dd of="$D/w.bin" bs=1 seek=4096 conv=notrunc,fsync 2>/dev/null
check tier_write_size [ "$(stat -c %s "$D/w.bin")" = "$TIER_W_SIZE" ]
cold_read
check tier_write_md5 [ "$(md5 "$D/w.bin")" = "$TIER_W_MD5" ]
# Read again after all that: still the same bytes.
cold_read
check tier_ia_reread [ "$(md5 "$D/ia.bin")" = "$TIER_IA_MD5" ]
