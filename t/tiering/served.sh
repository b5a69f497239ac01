#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/tiering/served.sh - reads of cold files served from the tier (EFS's
# default: no TransitionToPrimaryStorageClass). efsgw-tier moves files to
# IA (the data and a SHA-256 per MiB) and Archive (zstd frames of 1 MiB
# and a seek table); then, through the gateway:
#  - every file reads back byte for byte, in whole reads and in reads of
#    333,333 bytes that cross the 1 MiB chunk and frame boundaries, and
#    nothing is recalled: the files stay cold, their hot copies sparse;
#  - a damaged chunk in IA, or a damaged frame in Archive, is never
#    served: the read answers NFS4ERR_DELAY (the recall that follows finds
#    the whole-file checksum wrong too) and nothing is lost; repaired, the
#    file reads back identical;
#  - SEEK (where is the data?) and a WRITE into a cold file bring it back
#    first (a released file is one hole of zeros), then the file is hot;
#  - the copies are what the formats say: `zstd -d` of an Archive copy is
#    the file (the seek table is a skippable frame); an IA copy starts
#    with the file's bytes.
. "$(dirname "$0")/lib.sh"	# before the harness: it changes directory
. "$(dirname "$0")/../lib/harness.sh"

harness_require_nfsc
tier_require
command -v curl >/dev/null || harness_skip_all "curl not installed"
[ "$HARNESS_DIRECT" = 1 ] && harness_skip_all "serving from the tier is the gateway's"

tier_redis_start
harness_free_port; TIER_ADMIN=127.0.0.1:$HARNESS_PORT
TIER_REGISTRY=redis://127.0.0.1:$REDIS_PORT
tier_exports
# No TransitionToPrimaryStorageClass: files read in IA or Archive stay there.
tier_lifecycle
harness_efsgw_conf() { tier_conf; }
harness_start
export EFSGW_TIER_DAY=1

tier() { timeout -k 5 300 "$TIER" -c "$T/efsgw.conf" --once "$@" >>"$T/tier.log" 2>&1; }
cold() { tier_list | grep -c ' cold-'; }
# gw_same REL LOCAL [READSIZE]: REL read through the gateway is LOCAL's bytes.
gw_same() {
	"$EFSGW_NFSC" -s "$GW_ADDR" ${3:+-b "$3"} cat "$(nfspath "$1")" | cmp -s - "$2"
}
# loc SIZE: the cold copy's name of the file of SIZE bytes.
loc() { tier_list | awk -v s="size=$1" '$4 == s { print $3 }'; }

nfsc mkdir "$(nfspath d)"
ia_sizes="1 131071 1048576 1048583 5242883"
for s in $ia_sizes; do
	random_file "$T/f$s" "$s"
	nfsc put "$T/f$s" "$(nfspath "d/f$s")" >/dev/null
done
# Archive: compressible (half zeros) and not, across several frames.
random_file "$T/a1" 3145733
{ head -c 1500000 /dev/zero; head -c 1500001 /dev/urandom; } >"$T/a2"
for a in a1 a2; do
	nfsc put "$T/$a" "$(nfspath "d/$a")" >/dev/null
	touch -d @1600000000 "$EXPORT_DIR/d/$a"
done
n=$(( $(echo $ia_sizes | wc -w) + 2 ))

check "efsgw-tier moves the files" tier --now +3
check_eq "all cold" "$n" "$(cold)"
check_eq "two in Archive" 2 "$(tier_list | grep -c ' cold-archive ')"
check "an IA copy starts with the file's bytes" \
	cmp -s -n 5242883 "$T/ia/$(loc 5242883)" "$T/f5242883"
check_eq "and is followed by its checksum table (6 SHA-256 and 12 bytes)" \
	$((5242883 + 6 * 32 + 12)) "$(stat -c %s "$T/ia/$(loc 5242883)")"
check "zstd -d of an Archive copy is the file" \
	bash -c "zstd -dc -q '$T/archive/$(loc 3000001)' | cmp -s - '$T/a2'"
check "the hot copy is released (no blocks)" \
	test "$(stat -c %b "$EXPORT_DIR/d/f5242883")" -le 8

for s in $ia_sizes; do
	check "f$s (IA) reads back identical" gw_same "d/f$s" "$T/f$s"
	check "f$s (IA) reads back identical in 333333-byte reads" \
		gw_same "d/f$s" "$T/f$s" 333333
done
for a in a1 a2; do
	check "$a (Archive) reads back identical" gw_same "d/$a" "$T/$a"
	check "$a (Archive) reads back identical in 333333-byte reads" \
		gw_same "d/$a" "$T/$a" 333333
	check "$a (Archive) reads back identical in 4096-byte reads" \
		gw_same "d/$a" "$T/$a" 4096
done
check_eq "nothing was recalled" 0 "$(gw_metric efsgw_tier_recalls_total)"
check "reads were served from the tiers" test "$(gw_metric efsgw_tier_served_reads_total)" -gt 0
check_eq "every file is still cold" "$n" "$(cold)"
check "the hot copy is still released" \
	test "$(stat -c %b "$EXPORT_DIR/d/f5242883")" -le 8
check "the server itself still reads zeros there" \
	cmp -s -n 5242883 "$EXPORT_DIR/d/f5242883" /dev/zero

# A damaged IA chunk (the second MiB) is never served.
l=$(loc 5242883)
orig=$(dd if="$T/ia/$l" bs=1 skip=1048600 count=1 status=none | od -An -tx1 | tr -d ' ')
printf '\x5a' | dd of="$T/ia/$l" bs=1 seek=1048600 conv=notrunc status=none
[ "$orig" = 5a ] && printf '\x5b' | dd of="$T/ia/$l" bs=1 seek=1048600 conv=notrunc status=none
check "the first MiB still reads (its chunk is whole)" bash -c \
	"'$EFSGW_NFSC' -s '$GW_ADDR' -b 65536 cat '$(nfspath d/f5242883)' 2>/dev/null | head -c 65536 | cmp -s - <(head -c 65536 '$T/f5242883')"
rc=0
nfsc cat "$(nfspath d/f5242883)" >"$T/bad.out" 2>"$T/bad.err" || rc=$?
check_eq "reading the damaged chunk fails" 1 "$rc"
check "with NFS4ERR_DELAY" grep -q NFS4ERR_DELAY "$T/bad.err"
check "no damaged byte reached the client" \
	cmp -s "$T/bad.out" <(head -c "$(stat -c %s "$T/bad.out")" "$T/f5242883")
check "the gateway logged that it could not serve it" \
	grep -q "cannot serve a read from its" "$T/efsgw.log"
check "the file is still cold" bash -c "\"$TIER\" -c $T/efsgw.conf --list | grep ' size=5242883 ' | grep -q cold-IA"
printf "\\x$orig" | dd of="$T/ia/$l" bs=1 seek=1048600 conv=notrunc status=none
check "repaired, it reads back identical" gw_same d/f5242883 "$T/f5242883"
check "and is still cold" bash -c "\"$TIER\" -c $T/efsgw.conf --list | grep ' size=5242883 ' | grep -q cold-IA"

# A damaged Archive frame (inside the second frame) is never served.
l=$(loc 3145733)
cp "$T/archive/$l" "$T/archive-copy"
off=$(( $(stat -c %s "$T/archive/$l") / 2 ))
printf '\xff\xff\xff\xff' | dd of="$T/archive/$l" bs=1 seek="$off" conv=notrunc status=none
rc=0
nfsc cat "$(nfspath d/a1)" >"$T/bad2.out" 2>"$T/bad2.err" || rc=$?
check_eq "reading the damaged frame fails" 1 "$rc"
check "with NFS4ERR_DELAY" grep -q NFS4ERR_DELAY "$T/bad2.err"
check "no damaged byte reached the client" \
	cmp -s "$T/bad2.out" <(head -c "$(stat -c %s "$T/bad2.out")" "$T/a1")
cp "$T/archive-copy" "$T/archive/$l"
check "repaired, it reads back identical" gw_same d/a1 "$T/a1"
check_eq "still nothing recalled" 0 "$(gw_metric efsgw_tier_recalls_total)"

# A server answering a READ with more than the gateway read from the tier
# (here the gateway reads at most 300,000 bytes per READ): a short read of
# the tier's bytes, never zeros; the client reads on.
export EFSGW_TIER_TEST_SERVE_MAX=300000
harness_restart_gateway
unset EFSGW_TIER_TEST_SERVE_MAX
for f in f5242883 a1; do
	check "$f reads back identical in short reads" gw_same "d/$f" "$T/$f"
done
check "the short reads went through the re-walk" \
	bash -c "! grep -q 'differs from what was sealed' '$T/efsgw.log'"

# SEEK (NFSv4.2) asks where the data is: a released file is one hole, so
# the answer would send cp --sparse and READ_PLUS readers to zeros. The
# file comes back first (only a lone READ is served from the tier).
check_eq "SEEK for data in a cold file finds it at 0" "eof=0 offset=0" \
	"$("$EFSGW_NFSC" -m 2 -s "$GW_ADDR" seek "$(nfspath d/f131071)" 0 data 2>&1)"
check_eq "SEEK brought it back" 1 "$(gw_metric efsgw_tier_recalls_total)"
check "and it reads back identical" gw_same d/f131071 "$T/f131071"

# A WRITE into a cold file brings it back first.
random_file "$T/patch" 4096
check "pwrite into a cold file" nfsc pwrite "$(nfspath d/f1048583)" 8192 "$T/patch"
cp "$T/f1048583" "$T/expect"
dd if="$T/patch" of="$T/expect" bs=4096 seek=2 conv=notrunc status=none
check "the rest of the file came back around the write" gw_same d/f1048583 "$T/expect"
check_eq "one recall more" 2 "$(gw_metric efsgw_tier_recalls_total)"
check_eq "that file is hot" 0 "$(tier_list | grep ' size=1048583 ' | grep -c cold)"
check_eq "the others are still cold" $((n - 2)) "$(cold)"

harness_stop_gateway
tier_redis_stop
harness_done
