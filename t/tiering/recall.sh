#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/tiering/recall.sh - recall in the gateway. efsgw serves a file system
# with a lifecycle that brings files back on access (AFTER_1_ACCESS; without
# it reads are served from the tier: t/tiering/served.sh), its registry in
# Redis; efsgw-tier moves files to the
# IA and Archive exports (same Ganesha, EFSGW_TEST_EXTRA_GANESHA). Then,
# through the gateway:
#  - ls / stat show the original size and owner and recall nothing;
#  - READ of a cold file brings it back byte for byte (IA, and Archive
#    from a zstd frame), and the file is hot again, its cold copy gone;
#  - two clients reading one cold file at once cause one recall;
#  - a WRITE into a cold file and a truncating SETATTR recall it first;
#  - a recall that fails answers NFS4ERR_DELAY and loses nothing: the IA
#    export down (a relay in front of it stopped), or a cold copy that does
#    not check; once the tier is back or the copy good, the read works;
#  - the gateway records last data access in the registry;
#  - a READ or WRITE whose file the gateway cannot know (OPEN or LOOKUP
#    then READ in one COMPOUND) is NFS4ERR_DELAY, not run on a cold file;
#    NFSv4.2 SEEK for data and READ_PLUS recall, as a READ does.
# EFSGW_TEST_TIER_REGISTRY=journal (t/tiering/recall-journal.sh) runs the
# same with the registry in a journal file that the gateway (as its
# user) and efsgw-tier (-u the same user) share, and no Redis at all.
. "$(dirname "$0")/lib.sh"	# before the harness: it changes directory
. "$(dirname "$0")/../lib/harness.sh"

REGISTRY_KIND=${EFSGW_TEST_TIER_REGISTRY:-redis}
harness_require_nfsc
tier_require
command -v curl >/dev/null || harness_skip_all "curl not installed"
[ "$HARNESS_DIRECT" = 1 ] && harness_skip_all "recall is the gateway's"
command -v python3 >/dev/null || harness_skip_all "python3 (the TCP relay) not installed"

harness_free_port; TIER_ADMIN=127.0.0.1:$HARNESS_PORT
harness_free_port; RELAY_PORT=$HARNESS_PORT
# The IA tier is reached through a TCP relay, so that the test can take
# the IA export down (stop the relay) while Ganesha keeps serving the rest.
cat >"$T/relay.py" <<'PY'
import socket, sys, threading
lp, tp = int(sys.argv[1]), int(sys.argv[2])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", lp))
srv.listen(64)
def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    for x in (a, b):
        try:
            x.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
while True:
    c, _ = srv.accept()
    try:
        u = socket.create_connection(("127.0.0.1", tp))
    except OSError:
        c.close()
        continue
    threading.Thread(target=pump, args=(c, u), daemon=True).start()
    threading.Thread(target=pump, args=(u, c), daemon=True).start()
PY
RELAY_PID=
relay_start() {
	python3 "$T/relay.py" "$RELAY_PORT" "$BACKEND_PORT" </dev/null >>"$T/relay.log" 2>&1 &
	RELAY_PID=$!
	harness_track "$RELAY_PID" "relay.py"
	harness_wait_port 127.0.0.1 "$RELAY_PORT" 10 || harness_bail "the relay did not start"
}
relay_stop() {
	kill "$RELAY_PID"
	harness_wait_pid "$RELAY_PID" 10 || true
	RELAY_PID=
}
if [ "$REGISTRY_KIND" = redis ]; then
	tier_redis_start
	TIER_REGISTRY=redis://127.0.0.1:$REDIS_PORT
else
	# As an operator sets it up: a directory of the gateway's user, and
	# efsgw-tier running as that user too (docs/tiering.md).
	mkdir -p "$T/lib"
	chown "$HARNESS_USER" "$T/lib"
	TIER_REGISTRY=$T/lib/fs.tier
	TIER_USER=(-u "$HARNESS_USER")
fi
REGISTRY=$TIER_REGISTRY
tier_exports
tier_lifecycle access
# The gateway's config carries the lifecycle; efsgw-tier reads the same
# file. The IA export is reached through the relay.
TIER_IA_ADDR=127.0.0.1:$RELAY_PORT
harness_efsgw_conf() { tier_conf; }
harness_start
relay_start
export EFSGW_TIER_DAY=1

tier() { timeout -k 5 300 "$TIER" -c "$T/efsgw.conf" "${TIER_USER[@]}" --once "$@" >>"$T/tier.log" 2>&1; }
tier_files() { find "$T/ia" "$T/archive" -type f | sort; }
cold() { tier_list | grep -c ' cold-'; }
listed() { tier_list | grep -- "$1" | grep -q -- "$2"; } # listed A B: a record with A and B
# gw_same REL LOCAL: REL read through the gateway is LOCAL's bytes.
gw_same() { "$EFSGW_NFSC" -s "$GW_ADDR" cat "$(nfspath "$1")" | cmp -s - "$2"; }

# Files go in through the gateway (data ops on hot files: checked, no recall).
nfsc mkdir "$(nfspath d)"
sizes="0 1 131071 131072 1048583 67108864"
for s in $sizes; do
	random_file "$T/f$s" "$s"
	nfsc put "$T/f$s" "$(nfspath "d/f$s")" >/dev/null
done
random_file "$T/old" 300000
nfsc put "$T/old" "$(nfspath d/old)" >/dev/null
touch -d @1600000000 "$EXPORT_DIR/d/old"
check "data ops on hot files were checked" test "$(gw_metric efsgw_tier_checks_total)" -gt 0
check_eq "and nothing was recalled" 0 "$(gw_metric efsgw_tier_recalls_total)"

check "efsgw-tier moves the files" tier --now +3
n=$(( $(echo $sizes | wc -w) + 1 ))
check_eq "all cold" "$n" "$(cold)"
check "the old file is in Archive" bash -c "ls $T/archive | grep -q zst"

# Metadata: no recall.
stat_before=$(nfsc stat "$(nfspath d/f1048583)")
check "stat shows the original size" bash -c "echo '$stat_before' | grep -q 'size=1048583 '"
check_eq "ls lists them" "$n" "$(nfsc ls "$(nfspath d)" | wc -l)"
check_eq "metadata ops recalled nothing" 0 "$(gw_metric efsgw_tier_recalls_total)"
check_eq "everything is still cold" "$n" "$(cold)"

# Two readers of one cold file at once: one recall.
"$EFSGW_NFSC" -s "$GW_ADDR" cat "$(nfspath d/f67108864)" >"$T/r1" 2>"$T/r1.err" &
p1=$!
"$EFSGW_NFSC" -s "$GW_ADDR" cat "$(nfspath d/f67108864)" >"$T/r2" 2>"$T/r2.err" &
p2=$!
rc1=0; rc2=0; wait $p1 || rc1=$?; wait $p2 || rc2=$?
check_eq "reader 1 succeeds" 0 "$rc1"
check_eq "reader 2 succeeds" 0 "$rc2"
check "reader 1 reads the original bytes" cmp -s "$T/r1" "$T/f67108864"
check "reader 2 reads the original bytes" cmp -s "$T/r2" "$T/f67108864"
check_eq "one recall for the two readers" 1 "$(gw_metric efsgw_tier_recalls_total)"
check_eq "the gateway logged one recall" 1 "$(grep -c 'recalled 67108864 bytes' "$T/efsgw.log")"

# Every other file reads back identical (IA, and the Archive zstd frame).
for s in 0 1 131071 131072 1048583; do
	check "f$s reads back identical through the gateway" gw_same "d/f$s" "$T/f$s"
done
check "the Archive file reads back identical" gw_same d/old "$T/old"
# The empty file was never READ (a client knows from its size that there
# is nothing to read), so it is the one still cold; it has no data to lose.
check_eq "all hot again but the empty file" "1 size=0" "$(cold) $(tier_list | awk '/ cold-/ { print $4 }')"
check_eq "one cold copy left, the empty file's" 1 "$(tier_files | wc -l)"
check_eq "the recalled file keeps its mtime" 1600000000 "$(stat -c %Y "$EXPORT_DIR/d/old")"

# WRITE and truncating SETATTR on cold files: recalled first.
check "moved again" tier --now +3
check_eq "all cold again" "$n" "$(cold)"
random_file "$T/patch" 4096
check "pwrite into a cold file" nfsc pwrite "$(nfspath d/f1048583)" 8192 "$T/patch"
cp "$T/f1048583" "$T/expect"
dd if="$T/patch" of="$T/expect" bs=4096 seek=2 conv=notrunc status=none
check "the rest of the file came back around the write" gw_same d/f1048583 "$T/expect"
check "truncate a cold file" nfsc truncate "$(nfspath d/f131072)" 1000
head -c 1000 "$T/f131072" >"$T/expect2"
check "the kept part is the original data" gw_same d/f131072 "$T/expect2"

# The IA export down: NFS4ERR_DELAY, the file stays cold; back: it reads.
check "f1 is cold in IA" listed ' size=1 ' cold-IA
relay_stop
rc=0
nfsc cat "$(nfspath d/f1)" >/dev/null 2>"$T/down.err" || rc=$?
check_eq "reading it with the IA export down fails" 1 "$rc"
check "with NFS4ERR_DELAY" grep -q NFS4ERR_DELAY "$T/down.err"
check "it is still cold" listed ' size=1 ' cold-IA
relay_start
check "with the IA export back, it reads back identical" gw_same d/f1 "$T/f1"

# A cold copy that does not check: NFS4ERR_DELAY, nothing overwritten.
loc=$(tier_list | awk '/ size=131071 / { print $3 }')
check "f131071 is cold in IA" test -f "$T/ia/$loc"
printf 'X' | dd of="$T/ia/$loc" bs=1 seek=100 conv=notrunc status=none
rc=0
nfsc cat "$(nfspath d/f131071)" >/dev/null 2>"$T/delay.err" || rc=$?
check_eq "reading it while its cold copy is damaged fails" 1 "$rc"
check "with NFS4ERR_DELAY" grep -q NFS4ERR_DELAY "$T/delay.err"
check "the gateway logged the failed recall" grep -q "recall of .* failed" "$T/efsgw.log"
check "the file is still cold" listed ' size=131071 ' cold-IA
check "its cold copy is still there" test -f "$T/ia/$loc"
dd if="$T/f131071" of="$T/ia/$loc" bs=1 skip=100 seek=100 count=1 conv=notrunc status=none
check "once the cold copy is good again, the read works and is identical" gw_same d/f131071 "$T/f131071"
check_eq "and it is hot" 0 "$(tier_list | grep ' size=131071 ' | grep -c cold)"

# Access tracking: the gateway writes last data access in batches (5 s),
# here for a file nothing but the gateway has touched.
random_file "$T/fresh" 4242
nfsc put "$T/fresh" "$(nfspath d/fresh)" >/dev/null
ino=$(stat -c %i "$EXPORT_DIR/d/fresh")
for ((i = 0; i < 150; i++)); do
	tier_list | grep -q "\.$ino hot " && break
	sleep 0.1
done
accessed() { tier_list | grep "\.$1 hot " | grep -qv 'last_access=0 '; }
check "the registry has the gateway's last data access of a new file" \
	accessed "$ino"

if [ "$REGISTRY_KIND" = journal ]; then
	check_eq "the journal is the gateway's user's" "$HARNESS_USER" "$(stat -c %U "$REGISTRY")"
	check_eq "and so is its lock file" "$HARNESS_USER" "$(stat -c %U "$REGISTRY.lock")"
	check_eq "no Redis was used" "" "$(grep -i redis "$T/efsgw.conf" || true)"
fi

# A data op the planner cannot place: its file is the result of an OPEN
# (or a LOOKUP) in the same COMPOUND, not of a PUTFH of a handle the
# gateway can check. It ends the COMPOUND with NFS4ERR_DELAY, the ops
# before it done, rather than reading a released file as zeros or writing
# into it; the client's retry (PUTFH of the handle it now has) recalls.
for m in 1 0; do
	for f in u$m w$m l$m; do
		random_file "$T/$f" 100000
		nfsc put "$T/$f" "$(nfspath "d/$f")" >/dev/null
	done
done
for f in s2 r2; do
	random_file "$T/$f" 100000
	nfsc put "$T/$f" "$(nfspath "d/$f")" >/dev/null
done
check "moved, for COMPOUNDs that name files by name" tier --now +3
# raw M SCRIPT: one COMPOUND through the gateway, NFSv4.M, DELAY as it is.
raw() { timeout -k 5 60 "$EFSGW_NFSC" -m "$1" -R -s "$GW_ADDR" raw "$2" 2>/dev/null | tr '\n' ' ' || true; }
head16() { od -An -tx1 -N16 "$1" | tr -d ' \n'; }
is_cold() { tier_list | grep "\.$(stat -c %i "$EXPORT_DIR/d/$1") " | grep -q ' cold-'; }
for m in 1 0; do
	check "v4.$m: u$m is cold" is_cold "u$m"
	out=$(raw "$m" "putrootfh; lookup d; open u$m; read")
	check "v4.$m: OPEN then READ in one COMPOUND: the OPEN is done" \
		bash -c "echo '$out' | grep -q 'OPEN NFS4_OK'"
	check "v4.$m: and the READ is NFS4ERR_DELAY, not zeros" \
		bash -c "echo '$out' | grep -q 'READ NFS4ERR_DELAY'"
	check "v4.$m: the file is still cold" is_cold "u$m"
	out=$(raw "$m" "putfh $(nfsc getfh "$(nfspath "d/u$m")"); read")
	check_eq "v4.$m: the retry with PUTFH reads the real bytes" \
		"PUTFH NFS4_OK READ NFS4_OK read 4096 head $(head16 "$T/u$m") " "$out"
	check_fails "v4.$m: recalled by it" is_cold "u$m"
	out=$(raw "$m" "putrootfh; lookup d; lookup l$m; read")
	check "v4.$m: LOOKUP then READ: NFS4ERR_DELAY" \
		bash -c "echo '$out' | grep -q 'LOOKUP NFS4_OK READ NFS4ERR_DELAY'"
	out=$(raw "$m" "putrootfh; lookup d; open w$m; write HOSTILE")
	check "v4.$m: OPEN then WRITE in one COMPOUND: NFS4ERR_DELAY" \
		bash -c "echo '$out' | grep -q 'OPEN NFS4_OK WRITE NFS4ERR_DELAY'"
	check "v4.$m: the file it would have written reads back intact" gw_same "d/w$m" "$T/w$m"
	check_eq "v4.$m: and no copy was set aside" 0 "$(tier_files | grep -c conflict- || true)"
done
# NFSv4.2 SEEK (lseek SEEK_DATA, which cp uses to skip holes) is a data
# op too: a released file is one hole, so unchecked it says "no data".
check "s2 is cold" is_cold s2
out=$(raw 2 "putfh $(nfsc getfh "$(nfspath d/s2)"); seek")
check_eq "v4.2: SEEK for data in a cold file finds it at 0" \
	"PUTFH NFS4_OK SEEK NFS4_OK seek eof=0 offset=0 " "$out"
check_fails "v4.2: SEEK recalled it" is_cold s2
# READ_PLUS is a READ: unchecked it would return a released file's zeros
# (NFS-Ganesha 4.3 answers it with an empty data segment whatever the
# file holds, so only the recall is checked here).
check "r2 is cold" is_cold r2
out=$(raw 2 "putfh $(nfsc getfh "$(nfspath d/r2)"); read-plus")
check "v4.2: READ_PLUS of a cold file is answered" \
	bash -c "echo '$out' | grep -q 'READ_PLUS NFS4_OK'"
check_fails "v4.2: READ_PLUS recalled it" is_cold r2

harness_stop_gateway
relay_stop
if [ "$REGISTRY_KIND" = redis ]; then
	tier_redis_stop
fi
harness_done
