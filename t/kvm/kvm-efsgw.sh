#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/kvm/kvm-efsgw.sh - the Linux kernel's own NFSv4.0/4.1/4.2 client through
# efsgw. It makes a private network namespace (netns + tap, no route out),
# runs NFS-Ganesha inside it on 127.0.0.1:2050 and efsgw on the tap address
# 10.77.0.1:2049 in front of it, then boots a guest kernel under qemu with
# t/kvm/kvm-nfs-client.sh once per version and workload (its default one and
# t/kvm/workload-efsgw.sh). Then, for the tiering workload, it restarts efsgw
# with a lifecycle (IA and Archive exports on the same Ganesha, a journal
# registry), has efsgw-tier move files out before each boot and the guest
# read and write them (t/kvm/workload-tiering.sh). Everything it started is
# stopped by pid, and the netns removed, on every exit path.
#
# Usage: kvm-efsgw.sh [--direct] [--vers "4.0 4.1 4.2"]
#                     [--workloads "default efsgw tiering"] [--timeout SEC] [--keep]
#   --direct   no efsgw: Ganesha itself listens on 10.77.0.1:2049 (plumbing check)
# Exit: 0 all runs passed, 1 a run failed, 77 cannot run here (reason printed).
# Environment: EFSGW (the daemon), GANESHA, KVMNFS_STATE (guest cache, default
# ~/.cache/kvmnfs), EFSGW_KVM_TIMEOUT (per boot, default 240 s).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRCDIR=$(cd "$HERE/../.." && pwd)
KVMC=$HERE/kvm-nfs-client.sh
WORKLOAD=$HERE/workload-efsgw.sh
TIERWORKLOAD=$HERE/workload-tiering.sh
: "${abs_top_builddir:=$SRCDIR}"
EFSGW=${EFSGW:-$abs_top_builddir/proxy/efsgw}
TIER=${EFSGW_TIER:-$abs_top_builddir/tiering/efsgw-tier}
NFSC=${EFSGW_NFSC:-$abs_top_builddir/t/nfsc/efsgw-nfsc}
GANESHA=${GANESHA:-$(PATH=$PATH:/usr/sbin command -v ganesha.nfsd || true)}
STATE=${KVMNFS_STATE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvmnfs}
export KVMNFS_STATE=$STATE
# A namespace of our own per invocation, so parallel runs never meet. The tap
# lives inside that namespace, so its name only has to be unique there.
export KVMNFS_NETNS=efsgw-kvm-$$
export KVMNFS_TAP=efsgw0
SRV_IP=10.77.0.1

direct=0 versions="4.0 4.1 4.2" workloads="default efsgw tiering" keep=0
tmo=${EFSGW_KVM_TIMEOUT:-240}
while [ $# -gt 0 ]; do
	case "$1" in
	--direct) direct=1 ;;
	--vers) versions=$2; shift ;;
	--workloads) workloads=$2; shift ;;
	--timeout) tmo=$2; shift ;;
	--keep) keep=1 ;;
	-h | --help) sed -n '2,22p' "$0"; exit 0 ;;
	*) echo "kvm-efsgw: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

# Print a loud skip banner and exit 77.
skip() {
	echo "##########################################################################"
	echo "SKIPPED: kernel NFS client test ($*)"
	echo "##########################################################################"
	exit 77
}

# ------------------------------------------------------------------ preconditions
command -v qemu-system-x86_64 >/dev/null ||
	skip "qemu not installed: apt-get install --no-install-recommends qemu-system-x86"
[ "$(id -u)" = 0 ] || skip "needs root for the network namespace and the tap device"
[ -c /dev/net/tun ] || skip "/dev/net/tun missing (modprobe tun)"
command -v ip >/dev/null || skip "ip (iproute2) not installed"
[ -n "$GANESHA" ] || skip "ganesha.nfsd not installed (apt-get install nfs-ganesha nfs-ganesha-vfs)"
[ "$direct" = 1 ] || [ -x "$EFSGW" ] || skip "efsgw not built ($EFSGW)"
if ! compgen -G "$STATE/debs/guest/linux-image-*.deb" >/dev/null ||
	! compgen -G "$STATE/debs/guest/busybox-static_*.deb" >/dev/null; then
	skip "guest kernel and busybox not fetched into $STATE: run t/kvm/kvm-nfs-client.sh fetch (online, once)"
fi
# netns support: try a throwaway namespace of our own.
if ! ip netns add "$KVMNFS_NETNS-probe" 2>/dev/null; then
	skip "cannot create network namespaces here (ip netns add failed)"
fi
ip netns del "$KVMNFS_NETNS-probe"

# A run that was SIGKILLed leaves its namespace (named after its pid) and the
# Ganesha/efsgw inside it. Remove those of dead runs: only namespaces that
# kvm-nfs-client.sh made (its marker file) under our naming scheme.
for ns in $(ip netns list | awk '{print $1}' | grep -E '^efsgw-kvm-[0-9]+$' || true); do
	owner=${ns##*-}
	kill -0 "$owner" 2>/dev/null && continue
	[ -f "$STATE/run/netns.$ns" ] || continue
	echo "kvm-efsgw: removing stale namespace $ns of dead run $owner"
	for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
	KVMNFS_NETNS=$ns "$KVMC" netns-down || true
done

T=$(mktemp -d "${TMPDIR:-/tmp}/efsgw-kvm.XXXXXX")
GANESHA_PID= EFSGW_PID= NETNS_UP=0 RC=0

# ------------------------------------------------------------------ cleanup
# True when PID runs (not a zombie) and its command line contains MARKER.
# A ptrace-stopped process (state t, e.g. in LeakSanitizer's exit check) runs.
ours() {
	local st
	[ -n "$1" ] && [ -e "/proc/$1" ] || return 1
	st=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null || true)
	case $st in Z | X | x) return 1 ;; esac
	[ -n "$st" ] || [ -e "/proc/$1" ] || return 1
	tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"
}

# stop PID MARKER SIG: signal, wait up to 15 s, then SIGKILL.
stop() {
	local pid=$1 marker=$2 sig=${3:-TERM} i
	ours "$pid" "$marker" || return 0
	kill -s "$sig" "$pid" 2>/dev/null || true
	for ((i = 0; i < 150; i++)); do ours "$pid" "$marker" || break; sleep 0.1; done
	if ours "$pid" "$marker"; then
		echo "kvm-efsgw: pid $pid ignored SIG$sig for 15 s; SIGKILL" >&2
		kill -9 "$pid" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do ours "$pid" "$marker" || break; sleep 0.1; done
	fi
}

# Stop efsgw and check its exit status (0 after SIGTERM, no sanitizer report).
stop_efsgw() {
	local pid=$EFSGW_PID rc=0
	[ -n "$pid" ] || return 0
	EFSGW_PID=
	if ours "$pid" "$T/efsgw.conf"; then
		stop "$pid" "$T/efsgw.conf" TERM
		wait "$pid" 2>/dev/null || rc=$?
		if [ $rc != 0 ]; then echo "FAIL: efsgw exited $rc after SIGTERM"; RC=1; fi
	else
		wait "$pid" 2>/dev/null || rc=$?
		echo "FAIL: efsgw died during the test (status $rc)"; RC=1
	fi
	if grep -qE 'ERROR: AddressSanitizer|SUMMARY: (Address|Undefined|Leak)Sanitizer|runtime error: ' "$T/efsgw.log" 2>/dev/null; then
		echo "FAIL: sanitizer report in efsgw.log"; RC=1
	fi
}

# EXIT trap: efsgw, Ganesha, then the namespace; logs kept on failure.
cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	set +e
	stop_efsgw
	stop "$GANESHA_PID" "$T/ganesha.conf" TERM
	[ "$NETNS_UP" = 1 ] && "$KVMC" netns-down
	[ $rc = 0 ] && rc=$RC
	if [ $rc != 0 ]; then
		local f
		for f in "$T/efsgw.log" "$T/ganesha.log"; do
			[ -s "$f" ] || continue
			echo "---- last 30 lines of $f"; tail -n 30 "$f"
		done
		echo "kvm-efsgw: logs kept in $T"
	elif [ "$keep" = 1 ]; then echo "kvm-efsgw: kept $T"
	else rm -rf "$T"; fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Wait up to 10 s until ADDR:PORT accepts inside the namespace.
wait_port() {
	local i
	for ((i = 0; i < 100; i++)); do
		timeout 2 ip netns exec "$KVMNFS_NETNS" bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ------------------------------------------------------------------ bring-up
t_start=$SECONDS
"$KVMC" build # cached after the first time (about 20 s to build)
"$KVMC" netns-up
NETNS_UP=1

mkdir -p "$T/export" "$T/recov" "$T/ia" "$T/archive"
if [ "$direct" = 1 ]; then g_addr=$SRV_IP g_port=2049 npath=/export
else g_addr=127.0.0.1 g_port=2050 npath=/; fi
cat >"$T/ganesha.conf" <<EOF
NFS_CORE_PARAM { NFS_Port = $g_port; Protocols = 4; Enable_NLM = false; Enable_RQUOTA = false; Bind_addr = $g_addr; }
NFSv4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = $T/recov; Only_Numeric_Owners = true; }
NFS_KRB5 { Active_krb5 = false; }
EXPORT { Export_Id = 1; Path = $T/export; Pseudo = /export; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }
EXPORT { Export_Id = 2; Path = $T/ia; Pseudo = /ia; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }
EXPORT { Export_Id = 3; Path = $T/archive; Pseudo = /archive; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }
LOG { Default_Log_Level = EVENT; }
EOF
timeout 30 ip netns exec "$KVMNFS_NETNS" "$GANESHA" -f "$T/ganesha.conf" -L "$T/ganesha.log" \
	-p "$T/ganesha.pid" -N NIV_EVENT >"$T/ganesha.out" 2>&1
for ((i = 0; i < 100; i++)); do [ -s "$T/ganesha.pid" ] && break; sleep 0.1; done
GANESHA_PID=$(cat "$T/ganesha.pid" 2>/dev/null || true)
[ -n "$GANESHA_PID" ] || { echo "FAIL: ganesha did not start"; exit 1; }
wait_port "$g_addr" "$g_port" || { echo "FAIL: ganesha not listening on $g_addr:$g_port in $KVMNFS_NETNS"; exit 1; }
echo "kvm-efsgw: ganesha pid $GANESHA_PID on $g_addr:$g_port in netns $KVMNFS_NETNS"

# efsgw_conf [TIERING]: the gateway's config (with TIERING: a lifecycle
# without TransitionToPrimaryStorageClass, the IA and Archive exports and a
# journal registry shared with efsgw-tier).
efsgw_conf() {
	cat <<-EOF
	# written by t/kvm/kvm-efsgw.sh; the privilege drop is t/ops/privdrop.sh's
	user            root
	log-level       ${EFSGW_KVM_LOG_LEVEL:-info}
	state-dir       $T/state
	audit-log       $T/audit.log
	admin-address   none
	filesystem fs-0123456789abcdef0 {
	backend         127.0.0.1:$g_port
	export          /export
	reserved-port   no
	EOF
	[ -n "${1:-}" ] && cat <<-EOF
	lifecycle       $T/lifecycle.json
	tier-ia         127.0.0.1:$g_port:/ia
	tier-archive    127.0.0.1:$g_port:/archive
	tier-registry   $T/tier.journal
	tier-min-size   0
	EOF
	cat <<-EOF
	}
	listener kvm {
	address         $SRV_IP:2049
	filesystem      fs-0123456789abcdef0
	}
	EOF
}

# Start efsgw inside the namespace on $T/efsgw.conf.
start_efsgw() {
	ip netns exec "$KVMNFS_NETNS" ${EFSGW_TEST_WRAPPER:-} "$EFSGW" -c "$T/efsgw.conf" -d \
		>>"$T/efsgw.log" 2>&1 </dev/null &
	EFSGW_PID=$!
	wait_port "$SRV_IP" 2049 || { echo "FAIL: efsgw not listening on $SRV_IP:2049"; exit 1; }
	echo "kvm-efsgw: efsgw pid $EFSGW_PID on $SRV_IP:2049 -> 127.0.0.1:$g_port"
}

if [ "$direct" = 0 ]; then
	efsgw_conf >"$T/efsgw.conf"
	start_efsgw
fi

# ------------------------------------------------------------------ runs
declare -a SUMMARY=()
for v in $versions; do
	for w in $workloads; do
		[ "$w" = tiering ] && continue
		args=(run --vers "$v" --path "$npath" --timeout "$tmo" --log "$T/guest-$v-$w.log")
		[ "$w" = default ] || args+=(--workload "$WORKLOAD")
		echo "=== kernel client NFSv$v, workload $w"
		r=PASS
		"$KVMC" "${args[@]}" | grep -E 'KVMNFS (CHECK .*FAIL|RESULT|SUMMARY|TIMING|INFO (mount|[0-9]+ small))' || r=FAIL
		if [ "$r" = FAIL ]; then
			RC=1
			grep -a 'KVMNFS CHECK .*FAIL' "$T/guest-$v-$w.log" | sed 's/^/    /' || true
		fi
		if [ "$w" = efsgw ]; then # the guest left keep-<v>.bin and its md5 at the root
			want=$(cat "$T/export/keep-$v.md5" 2>/dev/null || echo none)
			got=$(md5sum <"$T/export/keep-$v.bin" 2>/dev/null | cut -d' ' -f1 || echo missing)
			if [ "$want" = "$got" ] && [ "$(stat -c %s "$T/export/keep-$v.bin")" = 1048577 ]; then
				echo "ok - NFSv$v: the guest's file is byte-exact on the export"
			else
				echo "FAIL: NFSv$v: export copy md5 $got, guest wrote $want"; r=FAIL; RC=1
			fi
		fi
		if [ "$direct" = 0 ] && ! ours "$EFSGW_PID" "$T/efsgw.conf"; then
			echo "FAIL: efsgw died during NFSv$v/$w"; r=FAIL; RC=1
		fi
		SUMMARY+=("NFSv$v $w: $r")
	done
done

# ------------------------------------------------------------------ tiering
# tier_md5 FILE: its md5, as the guest's md5sum prints it.
tier_md5() { md5sum <"$1" | cut -d' ' -f1; }
# The agent, inside the namespace, on the gateway's config and journal.
tier() {
	EFSGW_TIER_DAY=1 timeout -k 5 300 ip netns exec "$KVMNFS_NETNS" "$TIER" \
		-c "$T/efsgw.conf" "$@" 2>>"$T/tier.log"
}
tier_state() { # tier_state FILE: hot, cold-IA, cold-archive, or none
	local ino
	ino=$(stat -c %i "$1")
	tier --list | awk -v i="$ino" '{ n = split($1, k, "."); if (k[n] == i) s = $2 } END { print (s == "" ? "none" : s) }'
}
if [[ " $workloads " == *" tiering "* ]] && [ "$direct" = 0 ]; then
	[ -x "$TIER" ] || { echo "FAIL: efsgw-tier not built ($TIER)"; exit 1; }
	[ -x "$NFSC" ] || { echo "FAIL: efsgw-nfsc not built ($NFSC)"; exit 1; }
	printf '%s\n' '{ "LifecyclePolicies": [ { "TransitionToIA": "AFTER_1_DAY" },' \
		'  { "TransitionToArchive": "AFTER_7_DAYS" } ] }' >"$T/lifecycle.json"
	stop_efsgw
	efsgw_conf tiering >"$T/efsgw.conf"
	start_efsgw
	for v in $versions; do
		w=tiering
		d=$T/export/tier-$v
		for f in ia ar w; do head -c $((1048576 * 3 + 5)) /dev/urandom >"$T/$f-$v"; done
		truncate -s 2097155 "$T/ar-$v"
		truncate -s 1048577 "$T/w-$v"
		cp "$T/w-$v" "$T/w-$v.expect"
		printf 'written by the kernel client' |
			dd of="$T/w-$v.expect" bs=1 seek=4096 conv=notrunc status=none
		ia_md5=$(tier_md5 "$T/ia-$v") ar_md5=$(tier_md5 "$T/ar-$v")
		echo "=== kernel client NFSv$v, workload tiering"
		r=PASS
		# Files are written through NFS (Ganesha caches what it has seen
		# of the export: files made behind its back may not be walked).
		# ar.bin first, moved on to Archive alone (ten "days" later),
		# then ia.bin and w.bin to IA.
		nfsc() { ip netns exec "$KVMNFS_NETNS" "$NFSC" -s "127.0.0.1:$g_port" "$@" >/dev/null; }
		if ! nfsc mkdir "/export/tier-$v" || ! nfsc put "$T/ar-$v" "/export/tier-$v/ar.bin" ||
			! tier --once --now +10 >/dev/null ||
			! nfsc put "$T/ia-$v" "/export/tier-$v/ia.bin" ||
			! nfsc put "$T/w-$v" "/export/tier-$v/w.bin" ||
			! tier --once --now +3 >/dev/null ||
			[ "$(tier_state "$d/ia.bin") $(tier_state "$d/ar.bin") $(tier_state "$d/w.bin")" != \
				"cold-IA cold-archive cold-IA" ]; then
			echo "FAIL: NFSv$v: efsgw-tier did not move the files (see $T/tier.log)"
			r=FAIL; RC=1
		fi
		args=(run --vers "$v" --path "$npath" --timeout "$tmo" --log "$T/guest-$v-$w.log"
			--workload "$TIERWORKLOAD" --env "TIER_DIR=tier-$v" --env "TIER_IA_MD5=$ia_md5"
			--env "TIER_AR_MD5=$ar_md5" --env "TIER_W_SIZE=1048577"
			--env "TIER_W_MD5=$(tier_md5 "$T/w-$v.expect")")
		"$KVMC" "${args[@]}" | grep -E 'KVMNFS (CHECK .*FAIL|RESULT|SUMMARY)' || r=FAIL
		if [ "$r" = FAIL ]; then
			RC=1
			grep -a 'KVMNFS CHECK .*FAIL' "$T/guest-$v-$w.log" | sed 's/^/    /' || true
		fi
		# Read by the kernel and still where they were; written: back.
		got="$(tier_state "$d/ia.bin") $(tier_state "$d/ar.bin") $(tier_state "$d/w.bin")"
		if [ "$got" = "cold-IA cold-archive hot" ]; then
			echo "ok - NFSv$v: read files stay in IA and Archive, the written one is hot"
		else
			echo "FAIL: NFSv$v: states after the run: $got (want cold-IA cold-archive hot)"
			r=FAIL; RC=1
		fi
		if cmp -s "$d/w.bin" "$T/w-$v.expect"; then
			echo "ok - NFSv$v: the written file is byte-exact on the export"
		else
			echo "FAIL: NFSv$v: w.bin on the export differs from what the guest wrote"
			r=FAIL; RC=1
		fi
		if ! ours "$EFSGW_PID" "$T/efsgw.conf"; then
			echo "FAIL: efsgw died during NFSv$v/$w"; r=FAIL; RC=1
		fi
		SUMMARY+=("NFSv$v $w: $r")
	done
fi

echo "=== kvm-efsgw summary ($([ "$direct" = 1 ] && echo "direct to Ganesha" || echo "through efsgw"), $((SECONDS - t_start)) s)"
printf '  %s\n' "${SUMMARY[@]}"
exit $RC
