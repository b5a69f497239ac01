#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/integration/clients.sh - several clients and protocol versions through one
# gateway: two clients (two connections, two NFSv4.1 sessions, RFC 8881
# section 2.10) see each other's writes; the same file through minor
# versions 1 and 2 of the own client; NFSv4.0 (RFC 7530: no sessions,
# SETCLIENTID / OPEN_CONFIRM) through libnfs's nfs-ls and nfs-cat reading
# files written by the v4.1 client, and a small libnfs write read back by v4.1.
. "$(dirname "$0")/../lib/harness.sh"
harness_require_nfsc
harness_start

check "NULL procedure" nfsc null

# Two clients (two connections and sessions): each writes, the other reads.
check "mkdir shared" nfsc mkdir "$(nfspath shared)"
check "chmod 1777 shared" nfsc chmod 1777 "$(nfspath shared)"
random_file a.src 300000
random_file b.src 70001
nfsc put a.src "$(nfspath shared/from-a)" & pa=$!; harness_track $pa
nfsc put b.src "$(nfspath shared/from-b)" & pb=$!; harness_track $pb
rc=0; harness_wait_pid $pa 120 || rc=$?; check_eq "client A put (concurrently with B)" 0 "$rc"
rc=0; harness_wait_pid $pb 120 || rc=$?; check_eq "client B put (concurrently with A)" 0 "$rc"
check "B reads A's file" nfsc get "$(nfspath shared/from-a)" a.seen-by-b
check_same "B sees A's bytes" a.src a.seen-by-b
check "A reads B's file" nfsc get "$(nfspath shared/from-b)" b.seen-by-a
check_same "A sees B's bytes" b.src b.seen-by-a
# AUTH_SYS credentials pass through: a file created as 1000:1000 is theirs on disk.
random_file u.src 5000
check "put as uid 1000 gid 1000" nfsc -u 1000 -g 1000 put u.src "$(nfspath shared/by-1000)"
check_eq "owner on disk is the caller" 1000:1000 "$(stat -c %u:%g "$EXPORT_DIR/shared/by-1000" 2>&1)"
check_exit "uid 1000 may not create in the root-owned export root" 1 nfsc -u 1000 -g 1000 put u.src "$(nfspath by-1000)"

# A holds the file open (its own session and stateid) while B overwrites part of it.
nfsc open-hold "$(nfspath shared/from-a)" 5 >/dev/null 2>&1 & ph=$!; harness_track $ph
sleep 0.5
random_file patch 4096
check "B writes while A holds it open" nfsc pwrite "$(nfspath shared/from-a)" 8192 patch
dd if=patch of=a.src bs=1 seek=8192 conv=notrunc status=none
check "A reads B's overwrite (new client)" nfsc get "$(nfspath shared/from-a)" a.after
check_same "A sees the overwrite" a.src a.after
rc=0; harness_wait_pid $ph 30 || rc=$?; check_eq "open-hold ends normally" 0 "$rc"

# Minor versions 1 and 2 of the own client on the same files.
for m in 1 2; do
	random_file "v4$m.src" 100000
	check "v4.$m: put" nfsc -m $m put "v4$m.src" "$(nfspath "v4$m")"
	check_same "v4.$m: bytes on the export" "v4$m.src" "$EXPORT_DIR/v4$m"
	check "v4.$m: mkdir" nfsc -m $m mkdir "$(nfspath "d4$m")"
	check_eq "v4.$m: ls" "v4$m" "$(nfsc -m $m ls "$(nfspath /)" | grep -x "v4$m" || true)"
	check "v4.$m: stat" nfsc -m $m stat "$(nfspath "v4$m")"
done
check "v4.2 reads the v4.1 file" nfsc -m 2 get "$(nfspath v41)" v41.by42
check_same "v4.2 sees v4.1's bytes" v41.src v41.by42

# NFSv4.0 through libnfs.
if command -v nfs-ls >/dev/null && command -v nfs-cat >/dev/null; then
	check "v4.0 (libnfs nfs-ls) lists the root" bash -c "timeout 60 nfs-ls '$(nfs_url /)' >ls40.out"
	check "v4.0 listing has the v4.1 file with its size" grep -Eq "[[:space:]]100000[[:space:]]+v41\$" ls40.out
	check "v4.0 listing has the directory" grep -Eq '^d.*[[:space:]]d41$' ls40.out
	check "v4.0 (libnfs nfs-cat) reads a file written by v4.1" bash -c "timeout 60 nfs-cat '$(nfs_url v41)' >v41.by40"
	check_same "v4.0 sees v4.1's bytes" v41.src v41.by40
	# libnfs 4.0 mounts the parent directory of the file it opens; keep this one at the top.
	random_file mib1 1048577
	check "v4.1 put of 1 MiB+1 for v4.0" nfsc put mib1 "$(nfspath mib1)"
	check "v4.0 reads a 1 MiB+1 file" bash -c "timeout 60 nfs-cat '$(nfs_url mib1)' >mib1.by40"
	check_same "v4.0 sees the 1 MiB+1 bytes" mib1 mib1.by40
	# libnfs 4.0's NFSv4 WRITE fails at >= 4 KiB against Ganesha, so only a small one.
	random_file small40 3000
	if command -v nfs-cp >/dev/null; then
		check "v4.0 (libnfs nfs-cp) writes 3000 B" timeout 60 nfs-cp small40 "$(nfs_url small40)"
		check_same "v4.0 write: bytes on the export" small40 "$EXPORT_DIR/small40"
		check "v4.1 reads the v4.0 file" nfsc get "$(nfspath small40)" small40.by41
		check_same "v4.1 sees v4.0's bytes" small40 small40.by41
	fi
	check_fails "v4.0 nfs-cat of a missing file fails" timeout 60 nfs-cat "$(nfs_url no-such)"
else
	skip "NFSv4.0 through libnfs" "libnfs-utils (nfs-ls, nfs-cat) not installed"
fi
check "gateway still running" harness_gateway_alive
harness_done
