#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# efsgw - self-test of the NFSv4.1 test client (t/nfsc) against a real
# NFS-Ganesha started here on a free loopback port in a temp dir, plus a
# tiny fake server for what Ganesha never does: a reply split over several
# record-marking fragments (RFC 5531 §11), a server that never answers
# (the -t time-out must fire, exit status 2) and one that closes half-way
# through a reply (exit status 2). Run under --enable-sanitizers or with
# NFSC pointing at a valgrind wrapper, the last two pin a use-after-free on
# the client's failure paths (check_nfsc covers the same at library level,
# pipelines included).
#
# Checks: put/get of 0 B, 1 B, 4095 B, 1 MiB, 1 MiB+1 and 10 MiB random
# files compared byte for byte with the export directory on disk; cat;
# pwrite; stat; chmod/chown/truncate; mkdir/mv/rm/rmdir; ls of 10,000 files
# (READDIR cookie continuation) against the directory on disk; minor
# versions 2 and 0; NFS errors exit 1 and name the op and status.
# Exits 77 (SKIP) when ganesha.nfsd is not installed.
set -u

NFSC=${NFSC:-./t/nfsc/efsgw-nfsc}
PY=/usr/bin/python3
GANESHA=$(command -v ganesha.nfsd || ls /usr/bin/ganesha.nfsd /usr/sbin/ganesha.nfsd 2>/dev/null | head -1)
if [ -z "$GANESHA" ] || [ ! -x "$GANESHA" ]; then
	echo "SKIP: ganesha.nfsd is not installed (apt-get install nfs-ganesha nfs-ganesha-vfs)"
	exit 77
fi
if [ ! -x "$NFSC" ]; then
	echo "FAIL: $NFSC not built"
	exit 1
fi

D=$(mktemp -d /tmp/nfsc-selftest.XXXXXX)
GPID=
FPID=
cleanup() {
	[ -n "$GPID" ] && kill "$GPID" 2>/dev/null
	[ -n "$FPID" ] && kill "$FPID" 2>/dev/null
	# Wait (bounded) for Ganesha to go before removing its files.
	i=0
	while [ -n "$GPID" ] && kill -0 "$GPID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

PORT=$(free_port)
mkdir -p "$D/export" "$D/recov" "$D/local"
cat > "$D/ganesha.conf" <<EOF2
NFS_CORE_PARAM { NFS_Port = $PORT; Protocols = 4; Enable_NLM = false; Enable_RQUOTA = false; Bind_addr = 127.0.0.1; }
NFSv4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = $D/recov; Only_Numeric_Owners = true; }
NFS_KRB5 { Active_krb5 = false; }
EXPORT { Export_Id = 1; Path = $D/export; Pseudo = /export; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }
LOG { Default_Log_Level = EVENT; }
EOF2
"$GANESHA" -f "$D/ganesha.conf" -L "$D/ganesha.log" -p "$D/ganesha.pid" -N NIV_EVENT
i=0
while [ ! -s "$D/ganesha.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
GPID=$(cat "$D/ganesha.pid" 2>/dev/null)
[ -n "$GPID" ] || { echo "FAIL: ganesha did not start"; cat "$D/ganesha.log"; exit 1; }

N="$NFSC -s 127.0.0.1:$PORT -t 10"
i=0
until $N null >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "FAIL: ganesha does not answer on $PORT"; tail -20 "$D/ganesha.log"; exit 1; }
	sleep 0.1
done

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
nok() { fail=$((fail + 1)); echo "not ok - $*"; }
check() {	# check NAME CMD...: the command must succeed
	name=$1; shift
	if "$@"; then ok "$name"; else nok "$name"; fi
}

# put/get round trips, compared with the file on disk.
for s in 0 1 4095 1048576 1048577 10485760; do
	head -c $s /dev/urandom > "$D/local/f$s"
	check "put $s B" $N put "$D/local/f$s" /export/f$s
	check "put $s B is byte-exact on disk" cmp "$D/local/f$s" "$D/export/f$s"
	check "get $s B" $N get /export/f$s "$D/local/g$s"
	check "get $s B is byte-exact" cmp "$D/local/f$s" "$D/local/g$s"
done
check "put 10 MiB with FILE_SYNC, 1 in flight" $N -S -n 1 put "$D/local/f10485760" /export/sync
check "FILE_SYNC copy is byte-exact" cmp "$D/local/f10485760" "$D/export/sync"
check "minor version 2 get" sh -c "$N -m 2 cat /export/f1048577 | cmp - '$D/local/f1048577'"
# NFSv4.0: SETCLIENTID, no SEQUENCE, open-owner seqids and OPEN_CONFIRM.
check "NFSv4.0 put 1 MiB+1" $N -m 0 put "$D/local/f1048577" /export/v40
check "NFSv4.0 put is byte-exact" cmp "$D/local/f1048577" "$D/export/v40"
check "NFSv4.0 get" sh -c "$N -m 0 cat /export/v40 | cmp - '$D/local/f1048577'"
check "NFSv4.0 rm" $N -m 0 rm /export/v40
check "cat" sh -c "$N cat /export/f4095 | cmp - '$D/local/f4095'"

# pwrite into the middle of an existing file.
printf 'HELLO' > "$D/local/p"
cp "$D/local/f4095" "$D/local/want"
printf 'HELLO' | dd of="$D/local/want" bs=1 seek=100 conv=notrunc 2>/dev/null
check "pwrite" $N pwrite /export/f4095 100 "$D/local/p"
check "pwrite is byte-exact" cmp "$D/local/want" "$D/export/f4095"

# stat and SETATTR.
out=$($N stat /export/f1048577)
want="type=reg size=1048577 mode=0644 uid=0 gid=0 nlink=1 fileid=$(stat -c %i "$D/export/f1048577")"
[ "$out" = "$want" ] && ok "stat" || nok "stat: got '$out' want '$want'"
check "chmod" $N chmod 600 /export/f1
check "chown" $N chown 1000:1001 /export/f1
check "truncate" $N truncate /export/f1048576 5000
[ "$(stat -c '%a %u %g' "$D/export/f1")" = "600 1000 1001" ] && ok "chmod/chown on disk" || nok "chmod/chown on disk: $(stat -c '%a %u %g' "$D/export/f1")"
[ "$(stat -c %s "$D/export/f1048576")" = 5000 ] && ok "truncate on disk" || nok "truncate on disk"
check "getfh" sh -c "$N getfh /export/f0 | grep -Eq '^[0-9a-f]+$'"

# Directories, rename, remove.
check "mkdir" $N mkdir /export/d
check "mv" $N mv /export/f0 /export/d/moved
[ -f "$D/export/d/moved" ] && [ ! -e "$D/export/f0" ] && ok "mv on disk" || nok "mv on disk"
check "rm" $N rm /export/d/moved
check "rmdir" $N rmdir /export/d
[ ! -e "$D/export/d" ] && ok "rm/rmdir on disk" || nok "rm/rmdir on disk"

# 10,000 files with many in flight, then a READDIR walk with continuation.
check "mkdir big" $N mkdir /export/big
check "mkdirs 10000 files, 64 in flight" $N -n 64 mkdirs /export/big 10000
$N ls /export/big > "$D/ls.out"
(cd "$D/export/big" && ls -A | LC_ALL=C sort) > "$D/ls.disk"
[ "$(wc -l < "$D/ls.out")" -eq 10000 ] && cmp -s "$D/ls.out" "$D/ls.disk" &&
    ok "ls of 10000 files matches the disk" || nok "ls of 10000 files"

# Errors: exit 1 with the op and status named; usage exits 2.
err=$($N stat /export/nonexistent 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$err" | grep -q 'LOOKUP: NFS4ERR_NOENT' && ok "NFS error exits 1 naming LOOKUP and NFS4ERR_NOENT" || nok "NFS error: rc=$rc '$err'"
$N bogus >/dev/null 2>&1; [ $? -eq 2 ] && ok "usage error exits 2" || nok "usage error exit status"
check "open-hold 1 s" $N open-hold /export/f4095 1

# A fake server: a NULL reply in three fragments, one that never answers,
# then one that closes half-way through its reply.
FPORT=$(free_port)
$PY - "$FPORT" > "$D/fake.log" 2>&1 <<'EOF3' &
import socket, struct, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4); s.settimeout(30)
def record(c):
    hdr = b""
    while len(hdr) < 4:
        b = c.recv(4 - len(hdr))
        if not b: return None
        hdr += b
    n = struct.unpack(">I", hdr)[0] & 0x7fffffff
    data = b""
    while len(data) < n: data += c.recv(n - len(data))
    return data
served = 0
held = []
while served < 3:
    c, _ = s.accept()
    rec = record(c)
    if rec is None: continue          # a readiness probe
    served += 1
    if served == 2:                   # never answer: the client must time out
        held.append(c); continue
    reply = rec[:4] + struct.pack(">IIIII", 1, 0, 0, 0, 0)  # REPLY ACCEPTED AUTH_NONE SUCCESS
    if served == 3:                   # close after half the record: must fail cleanly
        c.sendall(struct.pack(">I", 0x80000000 | len(reply)) + reply[:10])
        c.close(); continue
    parts = [reply[:5], reply[5:13], reply[13:]]
    for i, p in enumerate(parts):
        last = 0x80000000 if i == len(parts) - 1 else 0
        c.sendall(struct.pack(">I", last | len(p)) + p); time.sleep(0.05)
    c.close()
EOF3
FPID=$!
i=0
until $PY -c "import socket; socket.create_connection(('127.0.0.1',$FPORT),1).close()" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 50 ] || break; sleep 0.1
done
check "NULL reply in three record fragments" $NFSC -s 127.0.0.1:$FPORT -t 5 null
err=$($NFSC -s 127.0.0.1:$FPORT -t 1 null 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$err" | grep -q 'timed out' && ok "silent server: time-out exits 2" || nok "silent server: rc=$rc '$err'"
err=$($NFSC -s 127.0.0.1:$FPORT -t 5 null 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$err" | grep -q 'server closed the connection' && ok "close mid-reply exits 2" || nok "close mid-reply: rc=$rc '$err'"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
