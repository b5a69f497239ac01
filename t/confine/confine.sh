#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/confine/confine.sh - the confinement suite (t/confine/check_confine.c)
# against NFS-Ganesha and an efsgw with one listener per kind of client:
# full, read-only, no root, no mount, three access points and a second
# file system on the same export. Then a handle-key rotation with a
# client's handle held across the reload.
. "$(dirname "$0")/../lib/harness.sh"

if [ "$HARNESS_DIRECT" = 1 ]; then
	harness_skip_all "confinement is efsgw's; EFSGW_TEST_DIRECT=1 has none"
fi
CONFINE=$abs_top_builddir/t/confine/check_confine
CTL=$abs_top_builddir/ctl/efsgwctl
[ -x "$CONFINE" ] || harness_bail "not built: $CONFINE"
[ -x "$CTL" ] || harness_bail "not built: $CTL"

declare -A PORT
for l in ro noroot none apa apb apc other; do
	harness_free_port
	PORT[$l]=$HARNESS_PORT
done

# Replace the harness's one-listener config with ours.
harness_efsgw_conf() {
	local fs0=fs-0123456789abcdef0 fs1=fs-0123456789abcdef1
	[ -f "$T/keys0" ] || "$CTL" keys new "$T/keys0" >/dev/null
	[ -f "$T/keys1" ] || "$CTL" keys new "$T/keys1" >/dev/null
	cat >"$T/ap.json" <<-EOF
	{"AccessPoints": [
	 {"AccessPointId": "fsap-0000000000000000a", "FileSystemId": "$fs0",
	  "RootDirectory": {"Path": "/apps/a/data",
	   "CreationInfo": {"OwnerUid": 1001, "OwnerGid": 1001, "Permissions": "0750"}}},
	 {"AccessPointId": "fsap-0000000000000000b", "FileSystemId": "$fs0",
	  "PosixUser": {"Uid": 2002, "Gid": 2002},
	  "RootDirectory": {"Path": "/apps/b",
	   "CreationInfo": {"OwnerUid": 2002, "OwnerGid": 2002, "Permissions": "0755"}}},
	 {"AccessPointId": "fsap-0000000000000000c", "FileSystemId": "$fs0",
	  "RootDirectory": {"Path": "/missing"}}
	]}
	EOF
	cat >"$T/efsgw.conf" <<-EOF
	log-level       debug
	state-dir       $T/state
	admin-address   none
	audit-log       $T/audit.log
	filesystem $fs0 {
	backend         127.0.0.1:$BACKEND_PORT
	export          /export
	handle-keys     $T/keys0
	access-points   $T/ap.json
	}
	filesystem $fs1 {
	backend         127.0.0.1:$BACKEND_PORT
	export          /export
	handle-keys     $T/keys1
	}
	listener test {
	address         127.0.0.1:$GW_PORT
	filesystem      $fs0
	}
	listener ro {
	address         127.0.0.1:${PORT[ro]}
	filesystem      $fs0
	grants          mount
	}
	listener noroot {
	address         127.0.0.1:${PORT[noroot]}
	filesystem      $fs0
	grants          mount,write
	}
	listener none {
	address         127.0.0.1:${PORT[none]}
	filesystem      $fs0
	grants          none
	}
	listener apa {
	address         127.0.0.1:${PORT[apa]}
	filesystem      $fs0
	access-point    fsap-0000000000000000a
	}
	listener apb {
	address         127.0.0.1:${PORT[apb]}
	filesystem      $fs0
	grants          mount,write
	access-point    fsap-0000000000000000b
	}
	listener apc {
	address         127.0.0.1:${PORT[apc]}
	filesystem      $fs0
	access-point    fsap-0000000000000000c
	}
	listener other {
	address         127.0.0.1:${PORT[other]}
	filesystem      $fs1
	}
	EOF
}

harness_start
export EFSGW_FULL=$GW_ADDR EXPORT_DIR T
export EFSGW_RO=127.0.0.1:${PORT[ro]} EFSGW_NOROOT=127.0.0.1:${PORT[noroot]}
export EFSGW_NONE=127.0.0.1:${PORT[none]} EFSGW_APA=127.0.0.1:${PORT[apa]}
export EFSGW_APB=127.0.0.1:${PORT[apb]} EFSGW_APC=127.0.0.1:${PORT[apc]}
export EFSGW_OTHER=127.0.0.1:${PORT[other]}
chmod 0777 "$EXPORT_DIR"

if timeout -k 5 300 env -u EFSGW_CONFINE_BENCH "$CONFINE" >"$T/confine.out" 2>&1; then
	pass "confinement: $(tail -1 "$T/confine.out")"
else
	sed 's/^/#   /' "$T/confine.out"
	fail "confinement" "see the Check output above"
fi

# Access point escape by rename, NFSv4.1 and 4.2 (4.0: test_rename_escape
# above): the access point client holds D's handle, the whole-file-system
# client moves D out; LOOKUPP from D, and everything above it, is NOENT.
NFSC=$abs_top_builddir/t/nfsc/efsgw-nfsc
full() { timeout -k 5 60 "$NFSC" -m "$m" -s "$GW_ADDR" "$@"; }
apa() { timeout -k 5 60 "$NFSC" -m "$m" -s "$EFSGW_APA" "$@"; }
# raw_is NAME WANT SCRIPT: the access point client's raw COMPOUND prints WANT.
raw_is() {
	local out
	out=$(apa raw "$3" 2>/dev/null | tr '\n' ' ' || true)
	case "$out" in
	*"$2"*) pass "v4.$m: $1" ;;
	*) fail "v4.$m: $1" "raw \"$3\" printed: $out" ;;
	esac
}
printf 'outside the access point\n' >"$T/secret"
for m in 1 2; do
	d=/apps/a/data/esc$m
	quiet full mkdir $d && quiet full mkdir $d/D && quiet full mkdir $d/D/sub &&
	    quiet full mkdir $d/sib && quiet full mkdir $d/sib/inner &&
	    quiet full mkdir /out$m && quiet full put "$T/secret" /out$m/secret ||
	    fail "v4.$m: rename fixture"
	HD=$(apa getfh /esc$m/D)
	HS=$(apa getfh /esc$m/sib)
	HI=$(apa getfh /esc$m/sib/inner)
	HR=$(apa getfh /)
	raw_is "LOOKUPP from D inside the access point" "LOOKUPP NFS4_OK" \
	    "putfh $HD; lookupp; getfh"
	check "v4.$m: the whole-fs client moves D out" quiet full mv $d/D /out$m/D
	raw_is "LOOKUPP from D moved out" "LOOKUPP NFS4ERR_NOENT" \
	    "putfh $HD; lookupp; getfh"
	raw_is "READDIR above D" "PUTFH NFS4_OK LOOKUPP NFS4ERR_NOENT" \
	    "putfh $HD; lookupp; readdir"
	raw_is "READ beside D" "LOOKUPP NFS4ERR_NOENT" \
	    "putfh $HD; lookupp; lookup secret; read"
	raw_is "LOOKUPP from D after RESTOREFH" "RESTOREFH NFS4_OK LOOKUPP NFS4ERR_NOENT" \
	    "putfh $HD; savefh; putrootfh; restorefh; lookupp; getfh"
	raw_is "LOOKUPP twice from D/sub" "LOOKUPP NFS4_OK LOOKUPP NFS4ERR_NOENT" \
	    "putfh $HD; lookup sub; lookupp; lookupp; readdir"
	raw_is "SECINFO_NO_NAME(PARENT) of D" "SECINFO_NO_NAME NFS4ERR_NOENT" \
	    "putfh $HD; secinfo-parent"
	raw_is "D itself stays reachable" "entry sub READDIR NFS4_OK" \
	    "putfh $HD; readdir"
	raw_is "D/sub/.. is D" "fh $HD" "putfh $HD; lookup sub; lookupp; getfh"
	raw_is "inner/.. is sib" "fh $HS" "putfh $HI; lookupp; getfh"
	raw_is "inner/../../.. is the root" "fh $HR" \
	    "putfh $HI; lookupp; lookupp; lookupp; getfh"
	raw_is "above the root from inner" \
	    "LOOKUPP NFS4_OK LOOKUPP NFS4_OK LOOKUPP NFS4_OK LOOKUPP NFS4ERR_NOENT" \
	    "putfh $HI; lookupp; lookupp; lookupp; lookupp; getfh"
	# LOOKUPP from a file: what the server answers (NOTDIR), not NOENT.
	quiet full put "$T/secret" $d/sib/f || fail "v4.$m: file fixture"
	want=$(full raw "putfh $(full getfh $d/sib/f); lookupp" 2>/dev/null |
	    tail -1 || true)
	case "$want" in
	"LOOKUPP NFS4ERR_"*) pass "v4.$m: whole fs: LOOKUPP from a file: $want" ;;
	*) fail "v4.$m: whole fs: LOOKUPP from a file" "printed: $want" ;;
	esac
	raw_is "LOOKUPP from a file as the server answers" "$want" \
	    "putfh $(apa getfh /esc$m/sib/f); lookupp"
	raw_is "SECINFO_NO_NAME(PARENT) inside" "SECINFO_NO_NAME NFS4_OK" \
	    "putfh $HI; secinfo-parent"
	raw_is "SECINFO_NO_NAME(PARENT) at the access point root" \
	    "SECINFO_NO_NAME NFS4ERR_NOENT" "putrootfh; secinfo-parent"
	raw_is "SECINFO_NO_NAME(PARENT) at the root by handle" \
	    "SECINFO_NO_NAME NFS4ERR_NOENT" "putfh $HR; secinfo-parent"
	out=$(full raw "putrootfh; secinfo-parent" 2>/dev/null | tr '\n' ' ' ||
	    true)
	case "$out" in
	*"SECINFO_NO_NAME NFS4ERR_NOENT"*)
		pass "v4.$m: SECINFO_NO_NAME(PARENT) at the export root" ;;
	*) fail "v4.$m: SECINFO_NO_NAME(PARENT) at the export root" "printed: $out" ;;
	esac
done

# By hand: EFSGW_CONFINE_BENCH=N prints what a LOOKUPP costs (no assertion).
if [ -n "${EFSGW_CONFINE_BENCH:-}" ]; then
	"$CONFINE" 2>&1 | grep '^round' | sed 's/^/# /' || true
fi

# Key rotation: a handle taken under key 1 works after key 2 seals.
if EFSGW_ROTATION=before "$CONFINE" >"$T/rot1.out" 2>&1; then
	"$CTL" keys add "$T/keys0" >/dev/null && "$CTL" keys promote "$T/keys0" 2 >/dev/null
	kill -HUP "$HARNESS_EFSGW_PID"
	for _ in $(seq 50); do
		grep -q 'configuration reloaded' "$T/efsgw.log" && break
		sleep 0.1
	done
	check "gateway reloaded the rotated keys" grep -q 'configuration reloaded' "$T/efsgw.log"
	if EFSGW_ROTATION=after "$CONFINE" >"$T/rot2.out" 2>&1; then
		pass "a handle sealed with the old key works after rotation"
	else
		sed 's/^/#   /' "$T/rot2.out"
		fail "a handle sealed with the old key works after rotation"
	fi
else
	sed 's/^/#   /' "$T/rot1.out"
	fail "taking a handle before the rotation"
fi
check "gateway still running" harness_gateway_alive
harness_stop
harness_done
