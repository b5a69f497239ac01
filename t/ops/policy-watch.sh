#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/ops/policy-watch.sh - a policy file edit is applied however it is made.
# The watcher used to compare whole-second modification times, the newest
# across all policy files, and missed: two edits within one second (same
# size, same mtime), a file replaced by one with an older mtime (cp -p,
# rsync -a), and a Kubernetes ConfigMap update (the ..data symlink
# re-pointed at a new directory). Two file systems: A's policy sits behind
# a ConfigMap-style symlink chain, B's has the newest mtime of all. Each
# edit of A must change what a new client of A may do (write or not),
# waited for with a bounded poll, not a timed assertion.
. "$(dirname "$0")/../lib/harness.sh"

if [ "$HARNESS_DIRECT" = 1 ]; then
	harness_skip_all "policies are efsgw's; EFSGW_TEST_DIRECT=1 has none"
fi
harness_require_nfsc

CM=$T/configmap
# mkpolicy FILE rw|ro MTIME: a policy of a fixed size (so edits keep the size).
mkpolicy() {
	local actions='"elasticfilesystem:ClientMount"'
	[ "$2" = rw ] && actions='"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"'
	printf '%-400s\n' "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"$2\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"*\"}, \"Action\": [$actions]}]}" >"$1"
	touch -d "$3" "$1"
}
mkdir -p "$CM/..v1"
mkpolicy "$CM/..v1/policy.json" rw @1700000000.25
ln -s ..v1 "$CM/..data"
ln -s ..data/policy.json "$CM/policy.json"
mkpolicy "$T/policy-b.json" rw tomorrow

harness_efsgw_conf() {
	cat >"$T/efsgw.conf" <<-EOF
	log-level       debug
	state-dir       $T/state
	audit-log       $T/audit.log
	admin-address   none
	filesystem fs-0123456789abcdef0 {
	backend         127.0.0.1:$BACKEND_PORT
	export          /export
	policy          $CM/policy.json
	}
	filesystem fs-00000000000000b0b {
	backend         127.0.0.1:$BACKEND_PORT
	export          /export
	policy          $T/policy-b.json
	}
	listener test {
	address         127.0.0.1:$GW_PORT
	filesystem      fs-0123456789abcdef0
	}
	EOF
}
harness_start
chmod 0777 "$EXPORT_DIR"
head -c 4096 /dev/urandom >"$T/data"

# wait_write NAME 0|1: poll (up to 30 s) until a new client's write exits with that status.
wait_write() {
	local name=$1 want=$2 rc i
	for ((i = 0; i < 60; i++)); do
		rc=0
		nfsc put "$T/data" /probe >/dev/null 2>&1 || rc=$?
		if [ "$rc" = "$want" ]; then pass "$name"; return 0; fi
		sleep 0.5
	done
	fail "$name" "a write still exits $rc, not $want, 30 s after the edit"
}

wait_write "the first policy lets clients write" 0

# 1. Two edits within one second: same size, same mtime to the nanosecond.
mkpolicy "$CM/..v1/policy.json" ro @1700000100.5
wait_write "an edit (write removed) is applied" 1
mkpolicy "$CM/..v1/policy.json" rw @1700000100.5
wait_write "a second edit with the same size and mtime is applied" 0

# 2. Replaced (rename over it, as rsync -a does) by a file with an older mtime.
mkpolicy "$CM/..v1/.policy.json.tmp" ro @1600000000
mv -f "$CM/..v1/.policy.json.tmp" "$CM/..v1/policy.json"
wait_write "a replacement with an older mtime is applied" 1

# 3. A ConfigMap update: a new directory, ..data re-pointed atomically;
#    the new file even has the old one's mtime and size.
mkdir -p "$CM/..v2"
mkpolicy "$CM/..v2/policy.json" rw @1600000000
ln -s ..v2 "$CM/..data_tmp"
mv -T "$CM/..data_tmp" "$CM/..data"
wait_write "a ConfigMap symlink swap is applied" 0

check "the reloads are in the audit log" grep -q '"event":"reload"' "$T/audit.log"
harness_done
