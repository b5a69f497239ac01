#!/bin/bash
# (efsgw: the kernel-client harness, kept with the project; see docs/testing.md)
# kvm-nfs-client.sh - boot Debian's linux-image-amd64 (6.1) under qemu/KVM with a
# tiny busybox initramfs and use it as a real Linux NFSv4.x client.
#
#   kvm-nfs-client.sh fetch           download .debs into $KVMNFS_STATE/debs (default ~/.cache/kvmnfs; the only online step)
#   kvm-nfs-client.sh install-host    install qemu-system-x86 from debs/host (offline)
#   kvm-nfs-client.sh build           build cache/vmlinu[xz] + cache/initramfs.cpio.gz (cached)
#   kvm-nfs-client.sh netns-up|netns-down   create/remove netns+tap for your own server
#   kvm-nfs-client.sh ganesha-up [ADDR [PORT]] | ganesha-down   reference server in that netns
#   kvm-nfs-client.sh run [opts]      boot one guest against a server, exit 0 iff all checks pass
#   kvm-nfs-client.sh selftest        own ganesha in a netns; run vers 4.0, 4.1, 4.2
#
# run options:
#   --server IP (default 10.77.0.1)  --port N (2049)  --path /export  --vers 4.0|4.1|4.2
#   --net netns (default; qemu runs in netns --netns NAME with tap --tap NAME)
#   --net user  (qemu slirp, restrict=on, guestfwd GUEST_SERVER:PORT -> 127.0.0.1:--host-port;
#                run it inside a netns (--netns) or from the host namespace with --netns '')
#   --guest-ip CIDR (default 10.77.0.2/24)  --opts extra,mount,opts  --workload FILE
#   --timeout SEC (120)  --mem MiB (512)  --smp N (1)  --verbose  --shell  --log FILE
#   --accel auto|kvm|tcg (auto: kvm only with kvm_intel/kvm_amd, else tcg)  --bzimage
#   --env NAME=VALUE (exported to the workload)  --no-owner-check
#
# Network rule: in netns mode the guest's only link is a tap inside a namespace that
# this script (netns-up/selftest) creates; that namespace has no route anywhere else.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Downloads, the built guest and run state live outside the script's folder,
# which may be read-only (set KVMNFS_STATE to move them).
STATE=${KVMNFS_STATE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvmnfs}
DEBS=$STATE/debs
CACHE=$STATE/cache
RUNDIR=$STATE/run
mkdir -p "$STATE"
NETNS=${KVMNFS_NETNS:-efst}
TAP=${KVMNFS_TAP:-kvmnfs0}
SRV_CIDR=${KVMNFS_SRV_CIDR:-10.77.0.1/24}
GUEST_CIDR=${KVMNFS_GUEST_CIDR:-10.77.0.2/24}

die() { echo "kvm-nfs-client: $*" >&2; exit 2; }
log() { echo "kvm-nfs-client: $*" >&2; }

# ---------------------------------------------------------------- fetch / install
cmd_fetch() {
	mkdir -p "$DEBS/guest" "$DEBS/host"
	apt-get update -qq
	local kpkg
	kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
	[ -n "$kpkg" ] || die "cannot resolve linux-image-amd64"
	rm -f "$DEBS"/guest/*.deb
	(cd "$DEBS/guest" && apt-get download "$kpkg" busybox-static)
	# qemu and its libraries, for an offline install later (resolved against this host)
	apt-get install -y -qq --download-only --no-install-recommends \
		-o Dir::Cache::archives="$DEBS/host" qemu-system-x86 >/dev/null
	rm -rf "$DEBS/host/partial" "$DEBS/host/lock"
	command -v qemu-system-x86_64 >/dev/null &&
		log "note: qemu is installed here, so apt fetched no host debs (a fresh machine gets ~22 debs, 16 MB)"
	ls -l "$DEBS"/guest/*.deb
	du -sh "$DEBS/guest" "$DEBS/host"
}

cmd_install_host() {
	if command -v qemu-system-x86_64 >/dev/null; then log "qemu already installed"; return 0; fi
	compgen -G "$DEBS/host/*.deb" >/dev/null || die "no debs in $DEBS/host (run fetch)"
	apt-get install -y --no-install-recommends "$DEBS"/host/*.deb
}

# ---------------------------------------------------------------- guest files
# /init of the initramfs (PID 1 in the guest)
emit_guest_init() {
	cat <<'KVMNFS_EOF'
#!/bin/sh
# kvmnfs guest /init (PID 1): load NFS client modules, bring up eth0, mount the
# NFS export named on the kernel command line, run /kvmnfs/workload.sh, print
# "KVMNFS RESULT pass=N fail=M" on the serial console and power off.
#
# Kernel command line parameters (all optional except server):
#   kvmnfs.server=IP   kvmnfs.port=2049   kvmnfs.path=/export   kvmnfs.vers=4.1
#   kvmnfs.ip=CIDR (guest address, default 10.77.0.2/24)   kvmnfs.gw=IP
#   kvmnfs.opts=extra,mount,options   kvmnfs.id=NAME (hostname = NFS client id)
#   kvmnfs.shell=1 (after the workload, a shell on the console with /mnt still mounted)
#   kvmnfs.env.NAME=VALUE (exported to the workload, e.g. KVMNFS_OWNER_CHECK=0)
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec 0</dev/console 1>/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs -o size=96m tmpfs /scratch

now() { cut -d' ' -f1 /proc/uptime; }
say() { echo "KVMNFS $*"; }

SERVER= PORT=2049 NPATH=/export VERS=4.1 GIP=10.77.0.2/24 GW= OPTS= ID=kvmnfs SHELL_AT_END=0
for kv in $(cat /proc/cmdline); do
	case "$kv" in
	kvmnfs.server=*) SERVER=${kv#*=} ;;
	kvmnfs.port=*) PORT=${kv#*=} ;;
	kvmnfs.path=*) NPATH=${kv#*=} ;;
	kvmnfs.vers=*) VERS=${kv#*=} ;;
	kvmnfs.ip=*) GIP=${kv#*=} ;;
	kvmnfs.gw=*) GW=${kv#*=} ;;
	kvmnfs.opts=*) OPTS=${kv#*=} ;;
	kvmnfs.id=*) ID=${kv#*=} ;;
	kvmnfs.shell=*) SHELL_AT_END=${kv#*=} ;;
	kvmnfs.env.*=*) export "${kv#kvmnfs.env.}" ;; # variables for the workload
	esac
done
hostname "$ID"

finish() { # $1 pass $2 fail
	say "RESULT pass=$1 fail=$2 vers=$VERS t=$(now)"
	sync
	poweroff -f
	sleep 5
	echo o >/proc/sysrq-trigger
}

say "BOOTED t=$(now) kernel=$(uname -r)"
KVER=$(uname -r)
for m in $(cat /etc/kvmnfs/modules.load); do
	insmod "/lib/modules/$KVER/$m" || say "WARN insmod $m failed"
done
say "MODULES t=$(now)"

ip link set lo up
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ip link set eth0 up
ip addr add "$GIP" dev eth0
[ -n "$GW" ] && ip route add default via "$GW"
say "NET t=$(now) ip=$GIP server=$SERVER:$PORT$NPATH"

if [ -z "$SERVER" ]; then
	say "CHECK mount FAIL (no kvmnfs.server= on the kernel command line)"
	finish 0 1
fi

mkdir -p /mnt
mopts="vers=$VERS,port=$PORT,addr=$SERVER,proto=tcp,sec=sys,nolock"
[ -n "$OPTS" ] && mopts="$mopts,$OPTS"
t0=$(now)
if ! mount -t nfs4 -o "$mopts" "$SERVER:$NPATH" /mnt; then
	say "CHECK mount FAIL (mount -t nfs4 -o $mopts $SERVER:$NPATH)"
	dmesg | tail -20
	finish 0 1
fi
t1=$(now)
say "MOUNTED t=$t1 mount_s=$(awk "BEGIN{printf \"%.2f\", $t1-$t0}")"
grep ' /mnt ' /proc/mounts | sed 's/^/KVMNFS INFO mount: /'

export KVMNFS_VERS=$VERS KVMNFS_SERVER=$SERVER
say "WORKLOAD $(cat /kvmnfs/workload.name 2>/dev/null || echo default)"
/bin/sh /kvmnfs/workload.sh /mnt 2>&1 | tee /scratch/workload.out
if [ "$SHELL_AT_END" = 1 ]; then
	say "SHELL: the export is mounted on /mnt; exit the shell to unmount and power off"
	setsid cttyhack sh
fi
if umount /mnt; then echo "KVMNFS CHECK umount ok" | tee -a /scratch/workload.out
else echo "KVMNFS CHECK umount FAIL" | tee -a /scratch/workload.out; fi
pass=$(grep -c '^KVMNFS CHECK .* ok' /scratch/workload.out)
fail=$(grep -c '^KVMNFS CHECK .* FAIL' /scratch/workload.out)
say "INFO mount+workload_s=$(awk "BEGIN{printf \"%.2f\", $(now)-$t0}")"
finish "$pass" "$fail"
KVMNFS_EOF
}

# default workload (/kvmnfs/workload.sh); replace per run with --workload FILE
emit_guest_workload() {
	cat <<'KVMNFS_EOF'
#!/bin/sh
# Default kvmnfs workload. Runs inside the guest as: sh /kvmnfs/workload.sh MOUNTPOINT
# Every check prints "KVMNFS CHECK <name> ok|FAIL"; /init counts them.
# Replace it with: kvm-nfs-client.sh run --workload FILE ...
M=${1:-/mnt}
now() { cut -d' ' -f1 /proc/uptime; }
check() { # check NAME CMD...
	n=$1; shift
	if "$@"; then echo "KVMNFS CHECK $n ok"; else echo "KVMNFS CHECK $n FAIL"; fi
}
D=$M/kvmnfs.$(hostname).$$
MSG="hello from kvmnfs $(hostname)"

check mkdir_workdir mkdir "$D"
check write sh -c "echo '$MSG' > '$D/hello.txt'"
check read_back [ "$(cat "$D/hello.txt")" = "$MSG" ]
check stat_size [ "$(stat -c %s "$D/hello.txt")" = "$(( ${#MSG} + 1 ))" ]
ls -l "$D" | sed 's/^/KVMNFS INFO ls -l: /'
ls -ln "$D" | sed 's/^/KVMNFS INFO ls -ln: /'
check ls_l sh -c "ls -l '$D' | grep -q ' hello.txt\$'"
echo "KVMNFS INFO owner=$(stat -c '%u:%g(%U:%G)' "$D/hello.txt")"
# 4294967294 here means the server sent a name ("root@domain") that the guest, which
# has no idmapper, could not map: give the server numeric owners
# (Ganesha: NFSv4 { Only_Numeric_Owners = true; }) or run with --env KVMNFS_OWNER_CHECK=0.
if [ "${KVMNFS_OWNER_CHECK:-1}" = 1 ]; then
	check owner_is_root [ "$(stat -c %u:%g "$D/hello.txt")" = "0:0" ]
fi
check mkdir mkdir "$D/sub"
check rename mv "$D/hello.txt" "$D/sub/renamed.txt"
check rename_old_gone [ ! -e "$D/hello.txt" ]
check rename_new_content [ "$(cat "$D/sub/renamed.txt")" = "$MSG" ]
check rm rm "$D/sub/renamed.txt"
check rm_gone [ ! -e "$D/sub/renamed.txt" ]

# 32 MiB: random data staged in guest tmpfs, written with conv=fsync, read back cold.
head -c 33554432 /dev/urandom > /scratch/src.bin
SUM=$(md5sum < /scratch/src.bin)
t0=$(now)
check dd_write_fsync dd if=/scratch/src.bin of="$D/big.bin" bs=1M conv=fsync 2>/scratch/dd.err
t1=$(now)
sed 's/^/KVMNFS INFO dd write: /' /scratch/dd.err
check dd_size [ "$(stat -c %s "$D/big.bin")" = 33554432 ]
sync
echo 3 > /proc/sys/vm/drop_caches
t2=$(now)
check dd_read dd if="$D/big.bin" of=/dev/null bs=1M 2>/scratch/dd2.err
t3=$(now)
sed 's/^/KVMNFS INFO dd read: /' /scratch/dd2.err
check read_md5 [ "$(md5sum < "$D/big.bin")" = "$SUM" ]
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN {
	w = b - a; r = d - c; if (w <= 0) w = 0.01; if (r <= 0) r = 0.01
	printf "KVMNFS TIMING dd_write_s=%.2f dd_write_MiBps=%.1f dd_read_s=%.2f dd_read_MiBps=%.1f\n", w, 32 / w, r, 32 / r }'
rm -f /scratch/src.bin

check rm_big rm "$D/big.bin"
check rmdir_sub rmdir "$D/sub"
check rmdir_workdir rmdir "$D"
check workdir_gone [ ! -e "$D" ]
KVMNFS_EOF
}

# ---------------------------------------------------------------- build
KDEB() { compgen -G "$DEBS/guest/linux-image-*.deb" | sort -V | tail -1; }
BBDEB() { compgen -G "$DEBS/guest/busybox-static_*.deb" | sort -V | tail -1; }
MODULES_WANTED="virtio_pci virtio_net sunrpc nfs nfsv4"

build_stamp() {
	{ basename "$(KDEB)"; basename "$(BBDEB)"; echo "$MODULES_WANTED"
	  emit_guest_init; emit_guest_workload; declare -f cmd_build extract_vmlinux; } | md5sum | cut -c1-16
}

# bzImage -> uncompressed ELF vmlinux (method of the kernel's scripts/extract-vmlinux).
# qemu boots that ELF through its PVH entry note: no SeaBIOS real-mode setup and no
# in-guest decompression (about 3 s less under TCG; under a kvm_pvm /dev/kvm the
# bzImage path never gets out of the decompressor).
extract_vmlinux() { # $1 bzImage  $2 output
	local img=$1 out=$2 spec magic tag tool pos
	# magic bytes : letters its 2nd.. bytes become (1st byte -> newline) : decompressor
	for spec in '\3757zXZ\000:abcde:xz -dc' '\037\213\010:xy:gzip -dc' '(\265/\375:xyz:zstd -qdc'; do
		IFS=: read -r magic tag tool <<<"$spec"
		for pos in $(tr "$magic\n" "\n$tag=" <"$img" | grep -abo "^$tag" | cut -d: -f1); do
			tail -c "+$pos" "$img" | $tool >"$out" 2>/dev/null || true
			[ "$(head -c 4 "$out" | od -An -c | tr -d ' ')" = '177ELF' ] && return 0
		done
	done
	rm -f "$out"
	return 1
}

cmd_build() {
	local kdeb bbdeb stamp
	kdeb=$(KDEB) || true; bbdeb=$(BBDEB) || true
	[ -n "$kdeb" ] && [ -n "$bbdeb" ] || die "missing debs in $DEBS/guest (run fetch)"
	stamp=$(build_stamp)
	if [ -f "$CACHE/stamp" ] && [ "$(cat "$CACHE/stamp")" = "$stamp" ] &&
		[ -f "$CACHE/vmlinuz" ] && [ -f "$CACHE/initramfs.cpio.gz" ] && [ -f "$CACHE/busybox" ]; then
		return 0
	fi
	log "building initramfs from $(basename "$kdeb") + $(basename "$bbdeb")"
	rm -rf "$STATE"/.build.*
	local tmp; tmp=$(mktemp -d "$STATE/.build.XXXXXX")
	mkdir -p "$tmp/k" "$tmp/bb" "$tmp/root" "$CACHE"
	dpkg-deb -x "$bbdeb" "$tmp/bb"
	dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$tmp/k" ./boot ./lib/modules
	local kver; kver=$(ls "$tmp/k/lib/modules" | head -1)
	local md=$tmp/k/lib/modules/$kver
	local BB=$tmp/bb/bin/busybox

	# module name -> path, then dependency closure in load order (deps first)
	declare -A KO=() SEEN=()
	local p n
	while read -r p; do
		n=${p##*/}; n=${n%%.ko*}; n=${n//-/_}; KO[$n]=$p
	done < <(cd "$md" && find kernel -name '*.ko*')
	local -a ORDER=()
	modinfo_deps() { # path -> deps (handles .ko, .ko.xz, .ko.zst, .ko.gz)
		case "$1" in
		*.xz) xz -dc "$1" ;; *.zst) zstd -qdc "$1" ;; *.gz) gzip -dc "$1" ;; *) cat "$1" ;;
		esac | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '
	}
	visit() {
		local n=$1 d
		[ -n "${SEEN[$n]:-}" ] && return 0
		SEEN[$n]=1
		if [ -z "${KO[$n]:-}" ]; then
			grep -q "/$n.ko" "$md/modules.builtin" && return 0
			die "module $n not found in $(basename "$kdeb")"
		fi
		for d in $(modinfo_deps "$md/${KO[$n]}"); do visit "$d"; done
		ORDER+=("${KO[$n]}")
	}
	for n in $MODULES_WANTED; do visit "$n"; done

	local R=$tmp/root
	mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,scratch,mnt,etc/kvmnfs,kvmnfs,lib/modules/"$kver"}
	cp "$BB" "$R/bin/busybox"
	local a
	for a in $("$BB" --list-full); do
		[ "$a" = bin/busybox ] || ln -sf /bin/busybox "$R/$a"
	done
	mknod -m 600 "$R/dev/console" c 5 1 2>/dev/null || true
	: >"$R/etc/kvmnfs/modules.load"
	for p in "${ORDER[@]}"; do
		mkdir -p "$R/lib/modules/$kver/$(dirname "$p")"
		case "$p" in
		*.xz) xz -dc "$md/$p" >"$R/lib/modules/$kver/${p%.xz}"; p=${p%.xz} ;;
		*.zst) zstd -qdc "$md/$p" >"$R/lib/modules/$kver/${p%.zst}"; p=${p%.zst} ;;
		*.gz) gzip -dc "$md/$p" >"$R/lib/modules/$kver/${p%.gz}"; p=${p%.gz} ;;
		*) cp "$md/$p" "$R/lib/modules/$kver/$p" ;;
		esac
		echo "$p" >>"$R/etc/kvmnfs/modules.load"
	done
	cp "$md/modules.builtin" "$md/modules.order" "$R/lib/modules/$kver/" 2>/dev/null || true
	"$BB" depmod -b "$R" "$kver" # modules.dep so the kernel's request_module() can work
	echo "root:x:0:0:root:/:/bin/sh" >"$R/etc/passwd"
	echo "root:x:0:" >"$R/etc/group"
	emit_guest_init >"$R/init"
	emit_guest_workload >"$R/kvmnfs/workload.sh"
	chmod 755 "$R/init" "$R/kvmnfs/workload.sh"
	(cd "$R" && find . | LC_ALL=C sort | "$BB" cpio -o -H newc 2>/dev/null) | gzip -6 >"$CACHE/initramfs.cpio.gz"
	cp "$tmp/k/boot/vmlinuz-$kver" "$CACHE/vmlinuz"
	rm -f "$CACHE/vmlinux"
	extract_vmlinux "$CACHE/vmlinuz" "$CACHE/vmlinux" || log "no vmlinux extracted; booting the bzImage"
	cp "$BB" "$CACHE/busybox" # host-side helper (nc for --net user)
	printf '%s\n' "${ORDER[@]}" >"$CACHE/modules.load"
	echo "$kver" >"$CACHE/kver"
	echo "$stamp" >"$CACHE/stamp"
	rm -rf "$tmp"
	log "built: kernel $kver, modules: $(tr '\n' ' ' <"$CACHE/modules.load" | sed 's#[^ ]*/##g')"
	ls -l "$CACHE"/vmlinu? "$CACHE/initramfs.cpio.gz" >&2
}

# ---------------------------------------------------------------- netns
netns_exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }

cmd_netns_up() {
	[ -e /dev/net/tun ] || die "/dev/net/tun missing"
	if netns_exists "$NETNS"; then
		[ -f "$RUNDIR/netns.$NETNS" ] || die "netns $NETNS exists and was not made by this script"
		log "netns $NETNS already up"; return 0
	fi
	mkdir -p "$RUNDIR"
	ip netns add "$NETNS"
	echo "$$" >"$RUNDIR/netns.$NETNS"
	ip -n "$NETNS" link set lo up
	ip -n "$NETNS" tuntap add dev "$TAP" mode tap
	ip netns exec "$NETNS" sysctl -qw "net.ipv6.conf.$TAP.disable_ipv6=1" || true
	ip -n "$NETNS" addr add "$SRV_CIDR" dev "$TAP"
	ip -n "$NETNS" link set "$TAP" up
	log "netns $NETNS: $TAP ${SRV_CIDR} (guest uses ${GUEST_CIDR}); start your server with: ip netns exec $NETNS CMD"
}

cmd_netns_down() {
	if netns_exists "$NETNS"; then
		[ -f "$RUNDIR/netns.$NETNS" ] || die "netns $NETNS was not made by this script; not removing"
		ip netns del "$NETNS"
	fi
	rm -f "$RUNDIR/netns.$NETNS"
}

# ---------------------------------------------------------------- run
# KVM only when a hardware backend (kvm_intel/kvm_amd) drives /dev/kvm. A PVM backend
# (kvm_pvm, software nested virtualization) runs only PVM-patched guest kernels: a stock
# Debian kernel hangs right after "Booting from ROM", so fall back to TCG there.
detect_accel() {
	if [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; } &&
		[ ! -d /sys/module/kvm_pvm ]; then
		echo kvm
	else
		echo tcg
	fi
}

# One EXIT trap for everything this invocation started: qemu (by its pidfile),
# ganesha (by the pid it wrote, checked against its command line), the netns.
QEMU_PIDFILE=
GANESHA_PID=
MADE_NS=
cleanup_all() {
	kill_qemu
	stop_ganesha
	if [ -n "$MADE_NS" ]; then cmd_netns_down || true; fi
}
trap cleanup_all EXIT
trap 'exit 130' INT TERM HUP

kill_qemu() {
	local pid
	[ -n "$QEMU_PIDFILE" ] && [ -f "$QEMU_PIDFILE" ] || return 0
	pid=$(cat "$QEMU_PIDFILE" 2>/dev/null || true)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
	rm -f "$QEMU_PIDFILE"
}

cmd_run() {
	local server=${SRV_CIDR%/*} port=2049 path=/export vers=4.1 net=netns gip=$GUEST_CIDR
	local opts= workload= tmo=120 mem=512 smp=1 verbose=0 shell=0 logf= hostport= accel=${KVMNFS_ACCEL:-auto} kfmt=pvh
	local ns=$NETNS tap=$TAP
	local -a envs=()
	while [ $# -gt 0 ]; do
		case "$1" in
		--server) server=$2; shift ;;
		--port) port=$2; shift ;;
		--path) path=$2; shift ;;
		--vers) vers=$2; shift ;;
		--net) net=$2; shift ;;
		--netns) ns=$2; shift ;;
		--tap) tap=$2; shift ;;
		--guest-ip) gip=$2; shift ;;
		--host-port) hostport=$2; shift ;;
		--opts) opts=$2; shift ;;
		--workload) workload=$2; shift ;;
		--timeout) tmo=$2; shift ;;
		--mem) mem=$2; shift ;;
		--smp) smp=$2; shift ;;
		--accel) accel=$2; shift ;;
		--bzimage) kfmt=bzimage ;;
		--log) logf=$2; shift ;;
		--env) envs+=("$2"); shift ;;
		--no-owner-check) envs+=(KVMNFS_OWNER_CHECK=0) ;;
		--verbose) verbose=1 ;;
		--shell) shell=1 ;;
		*) die "run: unknown option $1" ;;
		esac
		shift
	done
	command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (run install-host)"
	cmd_build
	mkdir -p "$RUNDIR"
	local id; id=kvmnfs-$$-$RANDOM
	[ -n "$logf" ] || logf=$RUNDIR/$id.log
	local initrd=$CACHE/initramfs.cpio.gz
	if [ -n "$workload" ]; then # overlay cpio: a later archive member replaces the default workload
		[ -f "$workload" ] || die "no workload file $workload"
		local ov; ov=$(mktemp -d "$RUNDIR/ov.XXXXXX")
		mkdir -p "$ov/r/kvmnfs"
		install -m 755 "$workload" "$ov/r/kvmnfs/workload.sh"
		echo "custom:$id" >"$ov/r/kvmnfs/workload.name"
		(cd "$ov/r" && find . | LC_ALL=C sort | "$CACHE/busybox" cpio -o -H newc 2>/dev/null) >"$ov/ov.cpio"
		# the kernel only looks for a following cpio header at a 4-byte aligned offset
		# (zero padding is skipped); unaligned => "Initramfs unpacking failed: invalid magic"
		local sz pad
		sz=$(stat -c %s "$CACHE/initramfs.cpio.gz"); pad=$(((512 - sz % 512) % 512))
		{ cat "$CACHE/initramfs.cpio.gz"; head -c "$pad" /dev/zero; cat "$ov/ov.cpio"; } >"$RUNDIR/$id.initrd"
		rm -rf "$ov"
		initrd=$RUNDIR/$id.initrd
	fi

	local -a pre=() netargs=()
	local kip=$gip ksrv=$server
	case "$net" in
	netns)
		[ -n "$ns" ] || die "--net netns needs --netns NAME"
		netns_exists "$ns" || die "netns $ns does not exist (run netns-up)"
		ip -n "$ns" link show "$tap" >/dev/null 2>&1 || die "no tap $tap in netns $ns"
		pre=(ip netns exec "$ns")
		netargs=(-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no"
			-device "virtio-net-pci,netdev=n0,mac=52:54:00:4b:56:4d,romfile=")
		;;
	user)
		# slirp with restrict=on: the guest reaches nothing but the guestfwd target, which
		# is 127.0.0.1:HOSTPORT as seen from where qemu runs (a netns, or the host with --netns '').
		[ -n "$hostport" ] || die "--net user needs --host-port (the server's 127.0.0.1 port)"
		[ -n "$ns" ] && pre=(ip netns exec "$ns")
		kip=10.0.2.15/24; ksrv=10.0.2.100
		# NFSv4.0 callbacks are new connections from the server to the client's address;
		# clientaddr=0.0.0.0 tells the server not to make them (no delegations), so a
		# server in the host namespace never dials 10.0.2.15 (4.1+ use the backchannel).
		[[ "$opts" == *clientaddr=* ]] || opts=${opts:+$opts,}clientaddr=0.0.0.0
		netargs=(-netdev "user,id=n0,restrict=on,net=10.0.2.0/24,guestfwd=tcp:$ksrv:$port-cmd:$CACHE/busybox nc 127.0.0.1 $hostport"
			-device "virtio-net-pci,netdev=n0,romfile=")
		;;
	*) die "--net netns|user" ;;
	esac

	local append="console=ttyS0 panic=-1 ipv6.disable=1 rdinit=/init"
	if [ "$verbose" = 1 ]; then append="$append loglevel=7"; else append="$append quiet loglevel=4"; fi
	append="$append kvmnfs.server=$ksrv kvmnfs.port=$port kvmnfs.path=$path kvmnfs.vers=$vers"
	append="$append kvmnfs.ip=$kip kvmnfs.id=$id"
	[ -n "$opts" ] && append="$append kvmnfs.opts=$opts"
	[ "$shell" = 1 ] && append="$append kvmnfs.shell=1"
	local e
	for e in "${envs[@]}"; do append="$append kvmnfs.env.$e"; done

	QEMU_PIDFILE=$RUNDIR/$id.pid
	local kernel=$CACHE/vmlinux
	[ -f "$kernel" ] && [ "$kfmt" != bzimage ] || kernel=$CACHE/vmlinuz
	[ "$accel" = auto ] && accel=$(detect_accel)
	local -a accargs
	case "$accel" in
	kvm) [ -w /dev/kvm ] || die "/dev/kvm missing"; accargs=(-machine pc -accel kvm -cpu host) ;;
	tcg) accargs=(-machine pc -accel tcg,thread=multi -cpu max) ;;
	*) die "--accel auto|kvm|tcg" ;;
	esac
	local -a qemu=(qemu-system-x86_64 "${accargs[@]}" -m "$mem" -smp "$smp"
		-nographic -nodefaults -no-user-config -serial stdio -no-reboot
		-kernel "$kernel" -initrd "$initrd" -append "$append"
		-pidfile "$QEMU_PIDFILE" "${netargs[@]}")
	: >"$logf"
	echo "# ${pre[*]} timeout $tmo ${qemu[*]}" >>"$logf"
	local t_start t_mount= t_end line rc= d
	t_start=$EPOCHREALTIME
	if [ "$shell" = 1 ]; then
		"${pre[@]}" timeout -k 5 --foreground "$tmo" "${qemu[@]}" || true
		return 0
	fi
	while IFS= read -r line; do
		line=${line%$'\r'}
		d=$((${EPOCHREALTIME/./} - ${t_start/./}))
		printf '%3d.%03d %s\n' $((d / 1000000)) $((d / 1000 % 1000)) "$line" >>"$logf"
		case "$line" in
		*"KVMNFS MOUNTED"*) t_mount=$EPOCHREALTIME ;;
		*"KVMNFS-HOST QEMU_EXIT"*) rc=${line##*rc=} ;;
		esac
		if [ "$verbose" = 1 ] || [[ "$line" == KVMNFS* ]]; then printf '%s\n' "$line"; fi
	done < <({ "${pre[@]}" timeout -k 5 "$tmo" "${qemu[@]}" </dev/null 2>&1 || echo "KVMNFS-HOST QEMU_EXIT rc=$?"; } 2>&1)
	t_end=$EPOCHREALTIME
	kill_qemu
	[ -n "$workload" ] && rm -f "$RUNDIR/$id.initrd"

	local res pass=0 fail=0 verdict=FAIL
	res=$(grep -a 'KVMNFS RESULT' "$logf" | tail -1 || true)
	if [ -n "$workload" ] && ! grep -aq "KVMNFS WORKLOAD custom:$id" "$logf"; then
		verdict="FAIL(custom workload not loaded)"
	elif [ -n "$res" ]; then
		pass=$(sed -n 's/.*pass=\([0-9]*\).*/\1/p' <<<"$res")
		fail=$(sed -n 's/.*fail=\([0-9]*\).*/\1/p' <<<"$res")
		[ "$fail" = 0 ] && [ "$pass" -gt 0 ] && verdict=PASS
	elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		verdict="FAIL(timeout ${tmo}s)"
	else
		verdict="FAIL(no result line, qemu rc=${rc:-0})"
	fi
	local tm dd
	tm=$(awk -v a="$t_start" -v m="${t_mount:-}" -v e="$t_end" 'BEGIN{
		printf "qemu_start_to_mounted_s=%s total_s=%.2f", (m == "" ? "NA" : sprintf("%.2f", m-a)), e-a }')
	dd=$(grep -a 'KVMNFS TIMING' "$logf" | tail -1 | sed 's/.*KVMNFS TIMING //' || true)
	echo "KVMNFS SUMMARY vers=$vers net=$net accel=$accel result=$verdict pass=$pass fail=$fail $tm ${dd:-} log=$logf"
	[ "${verdict}" = PASS ]
}

# ---------------------------------------------------------------- selftest (ganesha)
stop_ganesha() { # only the instance this invocation started (or our own stale one)
	local pid=${GANESHA_PID:-}
	if [ -z "$pid" ] && [ "${1:-}" = stale ] && [ -f "$STATE/selftest/ganesha.pid" ]; then
		pid=$(cat "$STATE/selftest/ganesha.pid")
	fi
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
		tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "-f $STATE/selftest/ganesha.conf"; then
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
		rm -f "$STATE/selftest/ganesha.pid"
	fi
	GANESHA_PID=
}

start_ganesha() { # $1 netns ('' = host namespace)  $2 bind address  $3 port
	local ns=$1 addr=$2 port=$3 d=$STATE/selftest
	command -v ganesha.nfsd >/dev/null || die "ganesha.nfsd not installed"
	mkdir -p "$d" "$STATE/export" "$STATE/recov"
	cat >"$d/ganesha.conf" <<-EOF
	NFS_CORE_PARAM { NFS_Port = $port; Protocols = 4; Enable_NLM = false; Enable_RQUOTA = false; Bind_addr = $addr; }
	NFSv4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = $STATE/recov; Only_Numeric_Owners = true; }
	NFS_KRB5 { Active_krb5 = false; }
	EXPORT { Export_Id = 1; Path = $STATE/export; Pseudo = /export; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }
	LOG { Default_Log_Level = EVENT; }
	EOF
	stop_ganesha stale
	rm -f "$d/ganesha.pid"
	local -a pre=(); [ -n "$ns" ] && pre=(ip netns exec "$ns")
	"${pre[@]}" ganesha.nfsd -f "$d/ganesha.conf" -L "$d/ganesha.log" -p "$d/ganesha.pid" -N NIV_EVENT
	for _ in $(seq 100); do [ -s "$d/ganesha.pid" ] && break; sleep 0.1; done
	GANESHA_PID=$(cat "$d/ganesha.pid" 2>/dev/null || true)
	[ -n "$GANESHA_PID" ] || die "ganesha did not start (see $d/ganesha.log)"
	# wait until it accepts TCP (connection stays inside the namespace / on loopback)
	for _ in $(seq 100); do
		"${pre[@]}" bash -c "exec 3<>/dev/tcp/$addr/$port" 2>/dev/null && return 0
		sleep 0.1
	done
	die "ganesha not listening on $addr:$port (see $d/ganesha.log)"
}

cmd_selftest() {
	local versions="4.0 4.1 4.2" net=netns
	while [ $# -gt 0 ]; do
		case "$1" in
		--vers) versions=$2; shift ;;
		--net) net=$2; shift ;;
		*) break ;;
		esac
		shift
	done
	cmd_build
	local rc=0 v
	if ! netns_exists "$NETNS"; then MADE_NS=1; fi
	cmd_netns_up
	if [ "$net" = netns ]; then
		start_ganesha "$NETNS" "${SRV_CIDR%/*}" 2049
		for v in $versions; do
			cmd_run --net netns --vers "$v" "$@" || rc=1
		done
	else # design (b): ganesha on 127.0.0.1 inside the netns, qemu slirp in the same netns
		start_ganesha "$NETNS" 127.0.0.1 2049
		for v in $versions; do
			cmd_run --net user --host-port 2049 --vers "$v" "$@" || rc=1
		done
	fi
	return $rc
}

case "${1:-}" in
fetch) shift; cmd_fetch "$@" ;;
install-host) shift; cmd_install_host "$@" ;;
build) shift; cmd_build "$@" ;;
netns-up) shift; cmd_netns_up ;;
netns-down) shift; cmd_netns_down ;;
ganesha-up) # ganesha-up [ADDR [PORT]]: reference server in the netns, left running
	shift; start_ganesha "$NETNS" "${1:-${SRV_CIDR%/*}}" "${2:-2049}"
	log "ganesha pid $GANESHA_PID on ${1:-${SRV_CIDR%/*}}:${2:-2049} in netns $NETNS"
	GANESHA_PID= ;;
ganesha-down) shift; stop_ganesha stale ;;
run) shift; cmd_run "$@" ;;
selftest) shift; cmd_selftest "$@" ;;
*) sed -n '2,25p' "${BASH_SOURCE[0]}"; exit 2 ;;
esac
