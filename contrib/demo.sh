#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# contrib/demo.sh - one command from a fresh Debian 12 machine (root) to a
# running efsgw: installs the packages, builds efsgw in build-demo/, starts an
# NFS-Ganesha export and efsgw in front of it on loopback (embedded defaults,
# no Redis), and shows a client writing, reading and listing through the
# gateway. Then it stops everything it started (by pid), or with --keep
# leaves it running and prints how to stop it.
#
# Usage: contrib/demo.sh [--keep] [--no-apt] [--no-build] [--dir DIR] [--direct]
#   --keep      leave Ganesha and efsgw running (stop with DIR/stop.sh)
#   --no-apt    do not install packages (they are already there)
#   --no-build  use the existing build-demo/ (or EFSGW / EFSGW_NFSC binaries)
#   --dir DIR   where the export, configs and logs go (default /tmp/efsgw-demo)
#   --direct    no efsgw: the client talks to Ganesha (checks the demo's plumbing)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
keep=0 apt=1 build=1 dir=/tmp/efsgw-demo direct=0
while [ $# -gt 0 ]; do
	case "$1" in
	--keep) keep=1 ;;
	--no-apt) apt=0 ;;
	--no-build) build=0 ;;
	--dir) dir=$2; shift ;;
	--direct) direct=1 ;;
	-h | --help) sed -n '2,20p' "$0"; exit 0 ;;
	*) echo "demo: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

B=$'\e[1m' N=$'\e[0m'
[ -t 1 ] || B= N=
say() { printf '\n%s==> %s%s\n' "$B" "$*" "$N"; }
# Echo a command, then run it.
run() { printf '%s$ %s%s\n' "$B" "$*" "$N"; "$@"; }
die() { echo "demo: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run me as root (apt-get, and Ganesha's VFS backend needs root)"

# ------------------------------------------------------------------ packages and build
if [ "$apt" = 1 ]; then
	say "Installing packages (Debian 12)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends \
		build-essential autoconf automake autoconf-archive pkg-config \
		libevent-dev libssl-dev libjwt-dev libjansson-dev libhiredis-dev check \
		libnfs-utils nfs-ganesha nfs-ganesha-vfs redis-server iproute2 </dev/null
	# The package starts a system Ganesha; the demo runs its own on loopback.
	systemctl stop nfs-ganesha 2>/dev/null || true
fi
BUILD=$SRC/build-demo
if [ "$build" = 1 ]; then
	say "Building efsgw in $BUILD (log: $BUILD/demo-build.log)"
	mkdir -p "$BUILD"
	if ! { (cd "$SRC" && autoreconf -fi) && (cd "$BUILD" && "$SRC/configure") &&
		make -C "$BUILD" -j"$(nproc)" all; } >"$BUILD/demo-build.log" 2>&1; then
		tail -n 30 "$BUILD/demo-build.log"
		die "build failed (see $BUILD/demo-build.log)"
	fi
	echo "built $BUILD/proxy/efsgw and $BUILD/t/nfsc/efsgw-nfsc"
fi
EFSGW=${EFSGW:-$BUILD/proxy/efsgw}
NFSC=${EFSGW_NFSC:-$BUILD/t/nfsc/efsgw-nfsc}
GANESHA=$(PATH=$PATH:/usr/sbin command -v ganesha.nfsd) || die "ganesha.nfsd not installed"
[ "$direct" = 1 ] || [ -x "$EFSGW" ] || die "no efsgw binary at $EFSGW"
[ -x "$NFSC" ] || die "no test client at $NFSC"

# ------------------------------------------------------------------ ports
# True when 127.0.0.1:PORT can be bound (TCP) right now.
bindable() {
	perl -MSocket -e 'socket(my $s, PF_INET, SOCK_STREAM, 0) or exit 2;
		setsockopt($s, SOL_SOCKET, SO_REUSEADDR, 1);
		bind($s, sockaddr_in($ARGV[0], inet_aton("127.0.0.1"))) or exit 1' "$1"
}
# Print PREFERRED if free, else a free port in 20000-31999.
free_port() {
	local p=$1 i
	for ((i = 0; i < 200; i++)); do
		bindable "$p" && { echo "$p"; return 0; }
		p=$((20000 + RANDOM % 12000))
	done
	die "no free loopback port"
}

# ------------------------------------------------------------------ stop what a previous --keep left
if [ -x "$dir/stop.sh" ]; then
	say "Stopping the demo left running in $dir"
	"$dir/stop.sh" || true
fi
rm -rf "$dir"
mkdir -p "$dir/export" "$dir/recov"
PIDS=()

# Stop every pid we started, newest first (efsgw before Ganesha): SIGTERM,
# wait up to 15 s each, then SIGKILL.
stop_all() {
	local p i k
	for ((k = ${#PIDS[@]} - 1; k >= 0; k--)); do
		p=${PIDS[$k]}
		kill -0 "$p" 2>/dev/null || continue
		kill "$p" 2>/dev/null || true
		for ((i = 0; i < 150; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null || true
	done
	PIDS=()
}
on_exit() {
	local rc=$?
	if [ "$keep" = 0 ] || [ $rc != 0 ]; then stop_all; fi
	[ $rc = 0 ] || { echo "demo: failed; logs in $dir (efsgw.log, ganesha.log)" >&2; }
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# Wait up to 10 s until 127.0.0.1:PORT accepts.
wait_port() {
	local i
	for ((i = 0; i < 100; i++)); do
		timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ------------------------------------------------------------------ Ganesha
BPORT=$(free_port 2050)
say "Starting NFS-Ganesha: export $dir/export on 127.0.0.1:$BPORT"
cat >"$dir/ganesha.conf" <<EOF
NFS_CORE_PARAM { NFS_Port = $BPORT; Protocols = 4; Enable_NLM = false; Enable_RQUOTA = false; Bind_addr = 127.0.0.1; }
NFSv4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = $dir/recov; Only_Numeric_Owners = true; }
NFS_KRB5 { Active_krb5 = false; }
EXPORT { Export_Id = 1; Path = $dir/export; Pseudo = /export; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }
LOG { Default_Log_Level = EVENT; }
EOF
timeout 30 "$GANESHA" -f "$dir/ganesha.conf" -L "$dir/ganesha.log" -p "$dir/ganesha.pid" -N NIV_EVENT
for ((i = 0; i < 100; i++)); do [ -s "$dir/ganesha.pid" ] && break; sleep 0.1; done
PIDS+=("$(cat "$dir/ganesha.pid")")
wait_port "$BPORT" || die "Ganesha is not listening (see $dir/ganesha.log)"

# ------------------------------------------------------------------ efsgw
if [ "$direct" = 1 ]; then
	GPORT=$BPORT ROOT=/export
	say "--direct: no efsgw; the client talks to Ganesha on 127.0.0.1:$GPORT"
else
	GPORT=$(free_port 2049)
	APORT=$(free_port 9649)
	ROOT=
	# efsgw binds its ports as root, then runs as this system user.
	if ! id efsgw >/dev/null 2>&1; then
		say "Creating the system user efsgw (the gateway runs as it after start)"
		run useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin efsgw
	fi
	chmod 0755 "$dir"
	cat >"$dir/efsgw.conf" <<-EOF
	# efsgw demo: one file system (the Ganesha export), one mount target on loopback.
	# Embedded defaults: no Redis, no TLS, no policy (EFS's default: anyone may mount).
	user            efsgw
	log-level       info
	state-dir       $dir/state
	audit-log       $dir/audit.log
	admin-address   127.0.0.1:$APORT
	filesystem fs-0123456789abcdef0 {
	backend         127.0.0.1:$BPORT
	export          /export
	reserved-port   no
	}
	listener demo {
	address         127.0.0.1:$GPORT
	filesystem      fs-0123456789abcdef0
	}
	EOF
	say "Starting efsgw on 127.0.0.1:$GPORT in front of Ganesha"
	run "$EFSGW" -c "$dir/efsgw.conf" -t
	"$EFSGW" -c "$dir/efsgw.conf" -d >"$dir/efsgw.log" 2>&1 </dev/null &
	PIDS+=("$!")
	wait_port "$GPORT" || die "efsgw is not listening (see $dir/efsgw.log)"
	echo "efsgw pid ${PIDS[1]}, log $dir/efsgw.log"
	say "efsgw no longer runs as root (/proc/${PIDS[1]}/status)"
	grep -E '^(Uid|Gid|CapEff):' "/proc/${PIDS[1]}/status" || true
fi

# ------------------------------------------------------------------ the client
# Run the test client against the gateway, showing the command.
c() {
	printf '%s$ efsgw-nfsc -s 127.0.0.1:%s %s%s\n' "$B" "$GPORT" "$*" "$N"
	timeout 60 "$NFSC" -s "127.0.0.1:$GPORT" "$@"
}
say "A client writes, reads and lists through the gateway (it sees the export as /)"
c null
c mkdir "$ROOT/demo"
echo "Hello from efsgw, $(date -u +%FT%TZ)" >"$dir/hello.txt"
head -c 5242880 /dev/urandom >"$dir/random.bin"
c put "$dir/hello.txt" "$ROOT/demo/hello.txt"
c put "$dir/random.bin" "$ROOT/demo/random.bin"
c cat "$ROOT/demo/hello.txt"
c get "$ROOT/demo/random.bin" "$dir/random.back"
c ls "$ROOT/demo"
c stat "$ROOT/demo/random.bin"
say "What Ganesha stored on disk"
run ls -l "$dir/export/demo"
if cmp -s "$dir/random.bin" "$dir/export/demo/random.bin" && cmp -s "$dir/random.bin" "$dir/random.back"; then
	echo "5 MiB of random data: identical on disk and when read back through the gateway"
else
	die "data mismatch between the client, the gateway and the disk"
fi
if [ "$direct" = 0 ]; then
	say "The gateway's view: efsgwctl status (from /metrics on 127.0.0.1:$APORT)"
	run "$BUILD/ctl/efsgwctl" status -a "127.0.0.1:$APORT" -i 1 || true
fi

# ------------------------------------------------------------------ stop or keep
{
	echo "#!/bin/sh"
	echo "# stops the efsgw demo started by contrib/demo.sh --keep"
	for ((k = ${#PIDS[@]} - 1; k >= 0; k--)); do echo "kill ${PIDS[$k]} 2>/dev/null || true"; done
	echo "rm -f \"$dir/stop.sh\""
} >"$dir/stop.sh"
chmod +x "$dir/stop.sh"
if [ "$keep" = 1 ]; then
	say "Left running (--keep)"
	[ "$direct" = 1 ] || echo "  efsgw    pid ${PIDS[1]}  127.0.0.1:$GPORT   config $dir/efsgw.conf  log $dir/efsgw.log"
	echo "  Ganesha  pid ${PIDS[0]}  127.0.0.1:$BPORT   config $dir/ganesha.conf  log $dir/ganesha.log"
	echo "  try:     $NFSC -s 127.0.0.1:$GPORT ls $ROOT/demo"
	[ "$direct" = 1 ] || echo "  metrics: curl http://127.0.0.1:$APORT/metrics   (or: $BUILD/ctl/efsgwctl status -a 127.0.0.1:$APORT)"
	echo "  kernel:  mount -t nfs4 -o vers=4.1,port=$GPORT 127.0.0.1:${ROOT:-/} /mnt"
	echo "  stop:    $dir/stop.sh     (or: kill ${PIDS[*]})"
else
	say "Stopping efsgw and Ganesha (pids ${PIDS[*]}); run with --keep to leave them running"
	stop_all
	rm -f "$dir/stop.sh"
	echo "done; logs in $dir"
fi
