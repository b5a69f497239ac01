#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t/kvm/workload-efsgw.sh - kvm-nfs-client.sh workload for efsgw: what the
# Linux kernel client does through the gateway that the project's own client
# does not. Runs in the busybox guest as: sh workload-efsgw.sh MOUNTPOINT.
# Every check prints "KVMNFS CHECK <name> ok|FAIL" (counted by the guest's
# /init). It leaves keep-<vers>.bin and keep-<vers>.md5 at the export root
# for the host (t/kvm/kvm-efsgw.sh) to compare with the bytes on disk.
M=${1:-/mnt}
V=${KVMNFS_VERS:-x}
D=$M/efsgw.$(hostname).$$
check() { # check NAME CMD...
	n=$1; shift
	if "$@"; then echo "KVMNFS CHECK $n ok"; else echo "KVMNFS CHECK $n FAIL"; fi
}
info() { echo "KVMNFS INFO $*"; }
now() { cut -d' ' -f1 /proc/uptime; }

check mkdir_workdir mkdir "$D"
check mkdir_p mkdir -p "$D/a/b/c/d" "$D/x"

# Many small files: 300 files with distinct contents; readdir, then checksums
# after the page cache is dropped, so the data comes back over the wire.
t0=$(now)
i=0
while [ $i -lt 300 ]; do echo "small file $i of kvm-efsgw $V" >"$D/a/s$i"; i=$((i + 1)); done
t1=$(now)
info "300 small creates+writes: $(awk "BEGIN{printf \"%.2f\", $t1-$t0}") s"
check small_count [ "$(ls "$D/a" | grep -c '^s[0-9]*$')" = 300 ]
i=0; : >/scratch/small.expect
while [ $i -lt 300 ]; do echo "small file $i of kvm-efsgw $V" >>/scratch/small.expect; i=$((i + 1)); done
sync; echo 3 >/proc/sys/vm/drop_caches
i=0; : >/scratch/small.got
while [ $i -lt 300 ]; do cat "$D/a/s$i" >>/scratch/small.got; i=$((i + 1)); done
check small_contents cmp -s /scratch/small.expect /scratch/small.got
check small_stat_size [ "$(stat -c %s "$D/a/s299")" = "$(echo "small file 299 of kvm-efsgw $V" | wc -c)" ]

# A large file with a checksum, read back cold.
head -c 20971520 /dev/urandom >/scratch/big
SUM=$(md5sum </scratch/big)
check big_write dd if=/scratch/big of="$D/big" bs=256k conv=fsync 2>/dev/null
sync; echo 3 >/proc/sys/vm/drop_caches
check big_md5 [ "$(md5sum <"$D/big")" = "$SUM" ]
# An unaligned overwrite in the middle, then compare again.
head -c 1000 /dev/urandom >/scratch/patch
dd if=/scratch/patch of=/scratch/big bs=1 seek=1234567 conv=notrunc 2>/dev/null
check big_patch dd if=/scratch/patch of="$D/big" bs=1 seek=1234567 conv=notrunc,fsync 2>/dev/null
sync; echo 3 >/proc/sys/vm/drop_caches
check big_patch_md5 [ "$(md5sum <"$D/big")" = "$(md5sum </scratch/big)" ]
rm -f /scratch/patch

# Rename across directories (and over an existing target).
echo "moving" >"$D/a/b/mv.txt"
check rename_across mv "$D/a/b/mv.txt" "$D/x/moved.txt"
check rename_old_gone [ ! -e "$D/a/b/mv.txt" ]
check rename_new_content [ "$(cat "$D/x/moved.txt")" = moving ]
echo "target" >"$D/x/target.txt"
check rename_over_existing mv "$D/x/moved.txt" "$D/x/target.txt"
check rename_over_content [ "$(cat "$D/x/target.txt")" = moving ]
check rename_dir mv "$D/a/b/c" "$D/x/c2"
check rename_dir_moved [ -d "$D/x/c2/d" ]

# A file held open while another process removes it, then read through the
# open descriptor: the kernel client "silly-renames" it to .nfsXXXX (RENAME
# through the gateway) and removes that when the last descriptor closes.
echo "still readable after unlink" >"$D/held"
exec 3<"$D/held"
check unlink_by_other_process sh -c "rm '$D/held'"
check unlinked_name_gone [ ! -e "$D/held" ]
check read_through_open_fd [ "$(cat <&3)" = "still readable after unlink" ]
info "while open: $(ls -a "$D" | grep '^\.nfs' | tr '\n' ' ')"
exec 3<&-
n=0
while [ $n -lt 50 ] && ls -a "$D" | grep -q '^\.nfs'; do sleep 0.1; n=$((n + 1)); done
check silly_rename_cleaned [ -z "$(ls -a "$D" | grep '^\.nfs')" ]

# Links, attributes, truncation, append.
check symlink ln -s x/target.txt "$D/sl"
check readlink [ "$(readlink "$D/sl")" = x/target.txt ]
check read_via_symlink [ "$(cat "$D/sl")" = moving ]
check hardlink ln "$D/x/target.txt" "$D/hl"
check nlink_2 [ "$(stat -c %h "$D/x/target.txt")" = 2 ]
check chmod chmod 640 "$D/hl"
check chmod_seen [ "$(stat -c %a "$D/x/target.txt")" = 640 ]
check truncate_down sh -c "truncate -s 3 '$D/hl' 2>/dev/null || : >'$D/hl'"
check truncate_seen [ "$(cat "$D/x/target.txt")" = mov ]
echo more >>"$D/x/target.txt"
check append_seen [ "$(cat "$D/x/target.txt")" = movmore ]
check statfs sh -c "df '$M' | grep -q ."

# Data for the host to compare with the export on disk.
head -c 1048577 /dev/urandom >"$M/keep-$V.bin"
md5sum <"$M/keep-$V.bin" | cut -d' ' -f1 >"$M/keep-$V.md5"
sync

# Clean up; every removal goes through the gateway.
check rm_rf rm -rf "$D"
check workdir_gone [ ! -e "$D" ]
rm -f /scratch/big /scratch/small.expect /scratch/small.got
