#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/integration/io.sh - file data through the gateway: whole-file writes and
# reads of awkward sizes (0, 1, 4095 B, 1 MiB, 1 MiB+1, 5 MiB of random data;
# around the 1 MiB READ/WRITE size a gateway record limit bites first, see
# RFC 8881 section 18.32 / 18.22 for WRITE/READ), an unaligned WRITE in the
# middle of a file and past its end, and truncation (SETATTR size, RFC 8881
# section 18.30). Every result is compared byte for byte with the file that
# Ganesha stored in the export on disk, not only with what the client reads.
. "$(dirname "$0")/../lib/harness.sh"
harness_require_nfsc
harness_start

mkdir -p local
for spec in 0:empty 1:one 4095:page-1 1048576:1MiB 1048577:1MiB+1 5242880:5MiB; do
	size=${spec%%:*} name=${spec#*:}
	random_file "local/$name" "$size"
	check "put $name ($size B)" nfsc put "local/$name" "$(nfspath "$name")"
	check_same "$name: bytes on the export equal the source" "local/$name" "$EXPORT_DIR/$name"
	check "get $name" nfsc get "$(nfspath "$name")" "local/$name.back"
	check_same "$name: get returns the same bytes" "local/$name" "local/$name.back"
	nfsc cat "$(nfspath "$name")" >"local/$name.cat" || true
	check_same "$name: cat returns the same bytes" "local/$name" "local/$name.cat"
	st=$(nfsc stat "$(nfspath "$name")" || true)
	check_eq "$name: stat size" "type=reg size=$size" "$(grep -o 'type=[a-z]* size=[0-9]*' <<<"$st" || true)"
done

# Overwrite a file with a shorter one: the tail must go.
random_file local/short 1000
check "put over an existing 5 MiB file" nfsc put local/short "$(nfspath 5MiB)"
check_same "overwrite truncates the old data" local/short "$EXPORT_DIR/5MiB"

# Unaligned pwrite in the middle of a 1 MiB+1 file (not on a 4 KiB boundary,
# crossing one), then one that starts inside and runs past the end.
cp "local/1MiB+1" local/ref
random_file local/patch 7777
check "pwrite 7777 B at offset 12345" nfsc pwrite "$(nfspath 1MiB+1)" 12345 local/patch
dd if=local/patch of=local/ref bs=1 seek=12345 conv=notrunc status=none
check_same "pwrite in the middle: export equals the reference" local/ref "$EXPORT_DIR/1MiB+1"
random_file local/patch2 5000
check "pwrite across the end of file" nfsc pwrite "$(nfspath 1MiB+1)" 1046000 local/patch2
dd if=local/patch2 of=local/ref bs=1 seek=1046000 conv=notrunc status=none
check_same "pwrite past EOF extends the file" local/ref "$EXPORT_DIR/1MiB+1"
check "get after pwrite" nfsc get "$(nfspath 1MiB+1)" local/ref.back
check_same "get after pwrite returns the reference" local/ref local/ref.back
# A write far past the end leaves a hole that reads back as zeros.
random_file local/patch3 3
check "pwrite 3 B at 3 MiB+7 (hole)" nfsc pwrite "$(nfspath one)" 3145735 local/patch3
cp local/one local/ref1
dd if=local/patch3 of=local/ref1 bs=1 seek=3145735 conv=notrunc status=none
check_same "hole reads back as zeros" local/ref1 "$EXPORT_DIR/one"

# Truncate down and up.
check "truncate to 100000" nfsc truncate "$(nfspath 1MiB)" 100000
head -c 100000 local/1MiB >local/t1
check_same "truncate down keeps the head" local/t1 "$EXPORT_DIR/1MiB"
check "truncate to 200001" nfsc truncate "$(nfspath 1MiB)" 200001
{ cat local/t1; head -c 100001 /dev/zero; } >local/t2
check_same "truncate up appends zeros" local/t2 "$EXPORT_DIR/1MiB"

# The same data path with NFSv4.2 (minor version 2) and with many WRITEs in flight.
random_file local/v42 3000000
check "put with minor version 2" nfsc -m 2 put local/v42 "$(nfspath v42)"
check_same "v4.2 put: export equals the source" local/v42 "$EXPORT_DIR/v42"
check "get with minor version 2, 8 in flight" nfsc -m 2 -n 8 get "$(nfspath v42)" local/v42.back
check_same "v4.2 get returns the same bytes" local/v42 local/v42.back
check "put with 16 in flight" nfsc -n 16 put local/5MiB "$(nfspath par)"
check_same "parallel put: export equals the source" local/5MiB "$EXPORT_DIR/par"

# Data written on disk behind the gateway's back is what clients read.
random_file "$EXPORT_DIR/ondisk" 123457
check "get a file written on the export directly" nfsc get "$(nfspath ondisk)" local/ondisk
check_same "read of a file written on disk" "$EXPORT_DIR/ondisk" local/ondisk

check_exit "cat of a missing file is an NFS error (exit 1)" 1 nfsc cat "$(nfspath no-such-file)"
harness_done
