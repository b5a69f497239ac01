#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/tiering/tier.sh - efsgw-tier against real NFS-Ganesha exports: the
# primary export behind efsgw, and an IA and an Archive export on the same
# Ganesha (EFSGW_TEST_EXTRA_GANESHA). Pins:
#  - files of 0, 1, 128 KiB-1, 128 KiB, 1 MiB+7 bytes and a big one
#    (EFSGW_TEST_TIER_BIG_MIB, default 64) move to IA and come back byte
#    for byte; Archive copies are zstd frames and come back too;
#  - a released file keeps its size, owner, mode and mtime (stat through
#    the gateway shows them) and its blocks are freed;
#  - files under tier-min-size stay;
#  - a file written while it is being copied, or between the check and
#    the release, is not moved and keeps the new data;
#  - efsgw-tier SIGKILLed after each step of a move, then restarted: every
#    file reads back identical, no orphan is left in the tier;
#  - an IA file reaching the Archive age moves on to Archive (zstd), also
#    with a SIGKILL after each step: one copy, never two, never none;
#  - two agents on one Redis registry move each file once;
#  - the journal registry and the metrics file say what happened, and
#    efsgw -t takes a journal registry.
. "$(dirname "$0")/../lib/harness.sh"

harness_require_nfsc
TIER=${abs_top_builddir:-$PWD}/tiering/efsgw-tier
[ -x "$TIER" ] || harness_skip_all "not built: $TIER"
command -v zstd >/dev/null || harness_skip_all "zstd not installed"
BIG_MIB=${EFSGW_TEST_TIER_BIG_MIB:-64}

mkdir -p "$T/ia" "$T/archive"
EFSGW_TEST_EXTRA_GANESHA="
EXPORT { Export_Id = 2; Path = $T/ia; Pseudo = /ia; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }
EXPORT { Export_Id = 3; Path = $T/archive; Pseudo = /archive; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }"
harness_start
[ "$HARNESS_DIRECT" = 1 ] && harness_skip_all "tiering needs the gateway's config"

# Lifecycle: IA after 1 "day", Archive after 7; a day is one second here.
cat >"$T/lifecycle.json" <<EOF
{ "LifecyclePolicies": [ { "TransitionToIA": "AFTER_1_DAY" },
  { "TransitionToArchive": "AFTER_7_DAYS" } ] }
EOF
tier_conf() { # tier_conf MIN_KIB
	cat >"$T/tier.conf" <<-EOF
	state-dir       $T/state
	audit-log       none
	admin-address   none
	filesystem fs-0123456789abcdef0 {
	backend         127.0.0.1:$BACKEND_PORT
	export          /export
	lifecycle       $T/lifecycle.json
	tier-ia         127.0.0.1:$BACKEND_PORT:/ia
	tier-archive    127.0.0.1:$BACKEND_PORT:/archive
	tier-registry   $T/registry.journal
	tier-min-size   $1
	}
	listener unused {
	address         127.0.0.1:1
	}
	EOF
}
tier_conf 0
export EFSGW_TIER_DAY=1

# The gateway and the agent share a journal registry (the gateway's
# recall with one is t/tiering/recall-journal.sh): efsgw takes it.
check "efsgw -t accepts a tiered file system with a journal registry" \
	"$EFSGW" -t -c "$T/tier.conf"

# tier [ARGS]: run the agent once (its log in tier.log); its exit status.
tier() {
	timeout -k 5 300 "$TIER" -c "$T/tier.conf" --once "$@" >>"$T/tier.log" 2>&1
}
tier_list() { "$TIER" -c "$T/tier.conf" --list 2>>"$T/tier.log"; }
tier_files() { find "$T/ia" "$T/archive" -type f | sort; }
# Changes to files Ganesha has seen go through NFS (the gateway): Ganesha
# caches attributes and directory entries, so changes made behind its back
# are not seen at once (efsgw-tier, like any NFS client, sees the server's view).
nfs_rm_tree() { # nfs_rm_tree DIR: remove DIR's files, then DIR (one level + sub)
	local f
	for f in $(nfsc ls "$(nfspath "$1")"); do
		nfsc rm "$(nfspath "$1/$f")" 2>/dev/null || nfs_rm_tree "$1/$f"
	done
	nfsc rmdir "$(nfspath "$1")"
}
nfs_put() { # nfs_put LOCAL REL
	nfsc put "$1" "$(nfspath "$2")" >/dev/null
}
# same A B: byte-identical files.
same() { cmp -s "$1" "$2"; }

# The agent reads the gateway's config format (the key file is the gateway's).
"$TIER" -c "$T/tier.conf" --list >/dev/null 2>"$T/conf.err" ||
	harness_bail "efsgw-tier cannot read its config: $(cat "$T/conf.err")"

# ------------------------------------------------------------ round trips
mkdir -p "$EXPORT_DIR/d/sub" "$T/orig"
sizes="0 1 131071 131072 1048583 $((BIG_MIB * 1048576))"
for s in $sizes; do
	random_file "$EXPORT_DIR/d/f$s" "$s"
	cp "$EXPORT_DIR/d/f$s" "$T/orig/f$s"
done
random_file "$EXPORT_DIR/d/sub/deep" 300000
cp "$EXPORT_DIR/d/sub/deep" "$T/orig/deep"
chown 1234:5678 "$EXPORT_DIR/d/f1048583"
chmod 0640 "$EXPORT_DIR/d/f1048583"
touch -d @1600000000 "$EXPORT_DIR/d/f1048583"
before_stat=$(nfsc stat "$(nfspath d/f1048583)")
sync

check "efsgw-tier moves every file to IA" tier --now +3 --metrics "$T/metrics.prom"
n_ia=$(find "$T/ia" -type f | wc -l)
n_files=$(( $(echo $sizes | wc -w) + 1 ))
# f1048583's mtime is years old: it goes straight to Archive.
check_eq "IA holds every file but the old one" "$((n_files - 1))" "$n_ia"
check_eq "Archive holds the old one" 1 "$(find "$T/archive" -type f | wc -l)"
check "the registry has them cold" bash -c "[ \$(\"$TIER\" -c $T/tier.conf --list | grep -c ' cold-') = $n_files ]"
check "the Archive copy is a zstd frame" bash -c "zstd -t $T/archive/*.zst"
check "the Archive copy decompresses to the data" bash -c "zstd -dc $T/archive/*.zst | cmp - $T/orig/f1048583"
check "the released file keeps its size" test "$(stat -c %s "$EXPORT_DIR/d/f$((BIG_MIB * 1048576))")" = "$((BIG_MIB * 1048576))"
check "the released file's blocks are freed" test "$(stat -c %b "$EXPORT_DIR/d/f$((BIG_MIB * 1048576))")" -lt 64
check_eq "stat through the gateway: size, mode and owner as before" "$before_stat" "$(nfsc stat "$(nfspath d/f1048583)")"
check_eq "the mtime is the original one" 1600000000 "$(stat -c %Y "$EXPORT_DIR/d/f1048583")"
check "metrics: StorageBytes IA" grep -q 'efsgw_tier_storage_bytes{fs="fs-0123456789abcdef0",class="IA"} [1-9]' "$T/metrics.prom"
check "metrics: StorageBytes Archive = 1048583" grep -q 'class="Archive"} 1048583$' "$T/metrics.prom"
check "metrics: files moved" grep -q "efsgw_tier_files_moved_total{fs=\"fs-0123456789abcdef0\"} $n_files" "$T/metrics.prom"
check "a second run moves nothing more" tier --now +3
check_eq "still one copy per file" "$n_files" "$(tier_files | wc -l)"

check "recall-all brings every file back" tier --recall-all
for s in $sizes; do
	check "f$s is byte-identical after the round trip" same "$EXPORT_DIR/d/f$s" "$T/orig/f$s"
done
check "the deep file too" same "$EXPORT_DIR/d/sub/deep" "$T/orig/deep"
check_eq "the tiers are empty after recall" "" "$(tier_files)"
check_eq "the recalled file's mtime is the original one" 1600000000 "$(stat -c %Y "$EXPORT_DIR/d/f1048583")"
check "the registry has them all hot" bash -c "! \"$TIER\" -c $T/tier.conf --list | grep -q cold"

# ------------------------------------------------------------ min size
tier_conf 128
nfs_rm_tree d
nfsc mkdir "$(nfspath m)"
random_file "$T/x" 131071; nfs_put "$T/x" m/small
random_file "$T/x" 131072; nfs_put "$T/x" m/big
check "a run with tier-min-size 128" tier --now +3
check_eq "only the 128 KiB file moved" 1 "$(tier_files | wc -l)"
check "the small one has no record" bash -c "! \"$TIER\" -c $T/tier.conf --list | grep -q ' cold-.*size=131071 '"
tier --recall-all
nfs_rm_tree m
tier_conf 0

# ------------------------------------------------------------ changed files
# Write into the file while efsgw-tier is paused after step N: after the
# copy (2) the change attribute check catches it; after recording it cold
# (6) the VERIFY in the release COMPOUND does. Either way: not moved, new data kept.
for step in 2 6; do
	nfsc mkdir "$(nfspath c)"
	random_file "$T/x" 500000; nfs_put "$T/x" c/f
	random_file "$T/patch" 4096
	rm -f "$T/go" "$T/go.paused"
	EFSGW_TIER_TEST_PAUSE_AFTER=$step EFSGW_TIER_TEST_PAUSE_FILE=$T/go \
		timeout -k 5 300 "$TIER" -c "$T/tier.conf" --once --now +3 >>"$T/tier.log" 2>&1 &
	agent=$!
	for ((i = 0; i < 600; i++)); do [ -e "$T/go.paused" ] && break; sleep 0.1; done
	check "the agent paused after step $step" test -e "$T/go.paused"
	nfsc pwrite "$(nfspath c/f)" 40960 "$T/patch"
	cp "$T/x" "$T/expect"
	dd if="$T/patch" of="$T/expect" bs=4096 seek=10 conv=notrunc status=none
	touch "$T/go"
	wait "$agent"
	check_eq "written after step $step: the tiers are empty" "" "$(tier_files)"
	check "written after step $step: the file has the new data" same "$EXPORT_DIR/c/f" "$T/expect"
	check "written after step $step: the registry has it hot" bash -c "! \"$TIER\" -c $T/tier.conf --list | grep -q 'cold\|moving'"
	nfs_rm_tree c
done
check "the log says why" grep -q "changed" "$T/tier.log"

# Written after the move, around any recall (a truncating OPEN, a write
# the gateway could not check, a client of the server itself): a recall
# must not copy the old data back over it. The new content stays, the
# cold copy is kept aside as conflict-NAME, and the sweep leaves it.
nfsc mkdir "$(nfspath c)"
random_file "$T/x" 300000; nfs_put "$T/x" c/g
check "moved, to be written behind the recall" tier --now +3
check_eq "the cold copy is in IA" 1 "$(tier_files | wc -l)"
random_file "$T/new" 7000; nfs_put "$T/new" c/g
check "recall after the write" tier --recall-all
check "the file keeps what was written after the move" same "$EXPORT_DIR/c/g" "$T/new"
check "the cold copy is kept aside" bash -c "ls '$T/ia' | grep -q '^conflict-'"
check "the log says so" grep -q "written since it was moved" "$T/tier.log"
check "a later pass (recovery, sweep) leaves the kept copy" tier --recall-all
check "it is still there" bash -c "ls '$T/ia' | grep -q '^conflict-'"
nfs_rm_tree c
rm -f "$T"/ia/conflict-*

# ------------------------------------------------------------ crashes
# SIGKILL after each step of a move, restart (recovery, then the walk),
# then recall: the data is identical and no tier file is left over.
for step in 1 2 3 4 5 6 7 8; do
	nfsc mkdir "$(nfspath k)"
	random_file "$T/ka" 700000; nfs_put "$T/ka" k/a
	random_file "$T/kb" 200000; nfs_put "$T/kb" k/b
	rc=0
	EFSGW_TIER_TEST_STOP_AFTER=$step timeout -k 5 300 "$TIER" -c "$T/tier.conf" \
		--once --now +3 >>"$T/tier.log" 2>&1 || rc=$?
	check_eq "killed after step $step (SIGKILL)" 137 "$rc"
	check "restart after a kill at step $step" tier --now +3
	check_eq "after step $step and a restart: both files cold" 2 "$(tier_list | grep -c ' cold-')"
	check_eq "after step $step: one tier file per file, nothing else" 2 "$(tier_files | wc -l)"
	check "after step $step: nothing left moving or releasing" bash -c "! \"$TIER\" -c $T/tier.conf --list | grep -q 'moving\|releasing'"
	check "after step $step: recall" tier --recall-all
	check "after step $step: a reads back identical through the gateway" \
		bash -c "$EFSGW_NFSC -s $GW_ADDR cat $(nfspath k/a) | cmp - $T/ka"
	check "after step $step: b reads back identical through the gateway" \
		bash -c "$EFSGW_NFSC -s $GW_ADDR cat $(nfspath k/b) | cmp - $T/kb"
	check_eq "after step $step: no orphans in the tiers" "" "$(tier_files)"
	nfs_rm_tree k
done

# An orphan (a tier file no record names) is removed by the next run.
random_file "$T/ia/0000000000000001-0000000000000002-3" 10
check "a run with an orphan in the tier" tier --now +3
check_eq "the orphan is gone" "" "$(tier_files)"

# ------------------------------------------------------------ IA to Archive
# A file in IA that reaches the Archive age moves on, tier to tier, and is
# compressed on the way; SIGKILL at each step of that leaves it in IA or in
# Archive, never in both and never in neither.
nfsc mkdir "$(nfspath r)"
random_file "$T/r1" 400000; nfs_put "$T/r1" r/f
check "to IA first" tier --now +3
check_eq "in IA" 1 "$(find "$T/ia" -type f | wc -l)"
check "then on to Archive" tier --now +100
check_eq "IA is empty" "" "$(find "$T/ia" -type f)"
check "Archive holds a zstd frame of it" bash -c "zstd -dc $T/archive/*.zst | cmp - $T/r1"
check "the registry has it in Archive" bash -c "\"$TIER\" -c $T/tier.conf --list | grep -q ' cold-archive '"
check "recall from Archive" tier --recall-all
check "identical after IA, Archive and back" same "$EXPORT_DIR/r/f" "$T/r1"
for step in 1 2 3 4 6; do
	check "to IA (step $step round)" tier --now +3
	rc=0
	EFSGW_TIER_TEST_STOP_AFTER=$step timeout -k 5 300 "$TIER" -c "$T/tier.conf" \
		--once --now +100 >>"$T/tier.log" 2>&1 || rc=$?
	check_eq "IA to Archive killed after step $step" 137 "$rc"
	check "restart after that kill" tier --now +100
	check_eq "after step $step: one copy, in Archive" \
		"$(find "$T/archive" -type f | wc -l) $(find "$T/ia" -type f | wc -l)" "1 0"
	check "after step $step: nothing left half-moved" bash -c "! \"$TIER\" -c $T/tier.conf --list | grep -q 'moving\|releasing\|cold-IA'"
	check "after step $step: recall" tier --recall-all
	check "after step $step: identical" same "$EXPORT_DIR/r/f" "$T/r1"
	check_eq "after step $step: no orphans" "" "$(tier_files)"
done
nfs_rm_tree r

# ------------------------------------------------------------ interrupted recall
# A recall killed while it copies the data back leaves the hot file half
# written: the next recall must copy it again, whole, and not take the
# half-written file for a client's write (the change check above).
nfsc mkdir "$(nfspath k)"
random_file "$T/k" $((32 * 1048576)); nfs_put "$T/k" k/big
check "moved, to be recalled slowly" tier --now +3
# (Not under timeout(1): SIGKILL must reach the agent itself.)
"$TIER" -c "$T/tier.conf" --once --recall-all --bwlimit 4 >>"$T/tier.log" 2>&1 &
agent=$!
harness_track "$agent" efsgw-tier
# The copy back has begun once the released (sparse) file has blocks again.
for ((i = 0; i < 1200; i++)); do
	[ "$(du -k "$EXPORT_DIR/k/big" | cut -f1)" -gt 1024 ] && break
	kill -0 "$agent" 2>/dev/null || break
	sleep 0.1
done
kill -KILL "$agent" 2>/dev/null || true
wait "$agent" 2>/dev/null || true
check_fails "killed half way: the hot file is not whole yet" same "$EXPORT_DIR/k/big" "$T/k"
check "the recall again" tier --recall-all
check "after it, the file is whole" same "$EXPORT_DIR/k/big" "$T/k"
check_eq "no copy left in the tiers (none set aside either)" "" "$(tier_files)"
nfs_rm_tree k

# ------------------------------------------------------------ workers
# Two agents on one Redis registry walk the same tree at once: the
# per-file lock and the registry check under it move each file once.
REDIS=$(command -v redis-server || true)
if [ -z "$REDIS" ]; then
	skip "two workers through Redis" "redis-server not installed"
else
	harness_free_port; REDIS_PORT=$HARNESS_PORT
	"$REDIS" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
		--dir "$T" --logfile "$T/redis.log" </dev/null &
	REDIS_PID=$!
	harness_track "$REDIS_PID" "redis-server"
	harness_wait_port 127.0.0.1 "$REDIS_PORT" 10 || harness_bail "redis-server did not start"
	sed -i "s|tier-registry .*|tier-registry   redis://127.0.0.1:$REDIS_PORT|" "$T/tier.conf"
	nfsc mkdir "$(nfspath w)"
	for i in $(seq 1 24); do random_file "$T/w$i" $((100000 + i)); nfs_put "$T/w$i" "w/f$i"; done
	timeout -k 5 300 "$TIER" -c "$T/tier.conf" --once --now +3 --worker one >"$T/w1.log" 2>&1 &
	w1=$!
	timeout -k 5 300 "$TIER" -c "$T/tier.conf" --once --now +3 --worker two >"$T/w2.log" 2>&1 &
	w2=$!
	rc1=0; rc2=0
	wait "$w1" || rc1=$?
	wait "$w2" || rc2=$?
	check_eq "worker one exits 0" 0 "$rc1"
	check_eq "worker two exits 0" 0 "$rc2"
	moves=$(cat "$T/w1.log" "$T/w2.log" | grep -c ': moved ')
	check_eq "24 moves between the two workers" 24 "$moves"
	check_eq "no file moved twice" 24 "$(cat "$T/w1.log" "$T/w2.log" | grep ': moved ' | awk '{print $4}' | sort -u | wc -l)"
	check_eq "24 files in the tier" 24 "$(tier_files | wc -l)"
	note "worker one moved $(grep -c ': moved ' "$T/w1.log"), worker two $(grep -c ': moved ' "$T/w2.log")"
	check "recall through the Redis registry" tier --recall-all
	for i in $(seq 1 24); do
		same "$EXPORT_DIR/w/f$i" "$T/w$i" || fail "w/f$i differs after recall"
	done
	pass "the 24 files are identical after recall"
	check_eq "no orphans" "" "$(tier_files)"
	kill "$REDIS_PID"
	harness_wait_pid "$REDIS_PID" 10 || true
fi

harness_done
