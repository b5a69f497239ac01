# SPDX-License-Identifier: Apache-2.0
#
# t/lib/harness.sh - the integration-test harness, sourced by every
# t/integration/*.sh test (bash). It owns a private temp dir, loopback ports,
# one NFS-Ganesha and one efsgw per test, the pids of everything it starts
# and their clean-up, and the "ok N - name" / "not ok N - name" output.
#
# Environment (all optional):
#   abs_top_builddir, abs_top_srcdir  set by `make check` (t/integration/include.am)
#   EFSGW_TEST_DIRECT=1    hand out Ganesha's address, no efsgw (plumbing checks)
#   EFSGW_TEST_KEEP=1      keep the temp dir even when the test passes
#   EFSGW_TEST_WRAPPER     command put before efsgw, e.g. "valgrind -q --error-exitcode=99"
#   EFSGW_TEST_FLAGS       efsgw flags (default: -d, debug log to stderr -> efsgw.log)
#   EFSGW_TEST_TIMEOUT     whole-test limit in seconds (default 300)
#   EFSGW_TEST_EXTRA_CONF  global lines added to the generated efsgw.conf
#   EFSGW_TEST_EXTRA_GANESHA  blocks added to ganesha.conf (e.g. a second EXPORT)
#                          (e.g. EFSGW_TEST_EXTRA_CONF="record-timeout 3" harness_start)
#   EFSGW_TEST_USER        the user efsgw drops to after start (default nobody;
#                          root keeps root). Every config the harness starts
#                          gets `user` when it has none (harness_prepare_conf)
#   EFSGW, EFSGW_NFSC, GANESHA   override the binaries
#
# Exported to the test once harness_start has run:
#   GW_HOST GW_PORT GW_ADDR   where clients connect (efsgw, or Ganesha when direct)
#   NFS_ROOT                  "/" through efsgw, "/export" direct (see nfspath)
#   EXPORT_DIR                the backend export on disk, for byte compares
#   BACKEND_PORT              Ganesha's port;  T  the private temp dir
#
# Every wait is bounded and every external command runs under timeout(1).

set -eu
set -o pipefail

# ------------------------------------------------------------------ setup
# Re-run the test under timeout(1) once, so a hung test cannot hang `make check`.
if [ -z "${HARNESS_UNDER_TIMEOUT:-}" ]; then
	export HARNESS_UNDER_TIMEOUT=1
	exec timeout -k 20 "${EFSGW_TEST_TIMEOUT:-300}" bash "$0" "$@"
fi

HARNESS_NAME=$(basename "$0" .sh)
_h_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${abs_top_srcdir:=$(cd "$_h_here/../.." && pwd)}"
if [ -z "${abs_top_builddir:-}" ]; then
	# Outside `make check`: the current dir if it is a build dir, else the source dir.
	if [ -x "$PWD/proxy/efsgw" ]; then abs_top_builddir=$PWD; else abs_top_builddir=$abs_top_srcdir; fi
fi
export abs_top_srcdir abs_top_builddir
EFSGW=${EFSGW:-$abs_top_builddir/proxy/efsgw}
EFSGW_NFSC=${EFSGW_NFSC:-$abs_top_builddir/t/nfsc/efsgw-nfsc}
GANESHA=${GANESHA:-$(PATH=$PATH:/usr/sbin:/usr/bin command -v ganesha.nfsd || true)}
HARNESS_DIRECT=${EFSGW_TEST_DIRECT:-0}
[ "$HARNESS_DIRECT" = 0 ] || HARNESS_DIRECT=1

HARNESS_N=0            # checks run
HARNESS_FAILED=0       # checks failed
HARNESS_PIDS=()        # "pid:marker" of everything started; marker is checked before a kill
HARNESS_PORTS=()       # port reservations to release
HARNESS_GANESHA_PID=
HARNESS_EFSGW_PID=
HARNESS_PORT=
HARNESS_STARTED=0
T=
GW_HOST=127.0.0.1 GW_PORT= GW_ADDR= NFS_ROOT= EXPORT_DIR= BACKEND_PORT=

# Print a diagnostic line (TAP comment).
note() { printf '# %s\n' "$*"; }

# Skip the whole test (automake: exit 77) with a loud reason.
harness_skip_all() {
	echo "SKIPPED: $HARNESS_NAME: $*"
	exit 77
}

# Stop the test as a hard error (automake: exit 99).
harness_bail() {
	echo "Bail out! $HARNESS_NAME: $*"
	HARNESS_FAILED=$((HARNESS_FAILED + 1))
	exit 99
}

# ------------------------------------------------------------------ results
# Record a passed check.
pass() { HARNESS_N=$((HARNESS_N + 1)); echo "ok $HARNESS_N - $1"; }

# Record a failed check; extra arguments are printed as diagnostics.
fail() {
	HARNESS_N=$((HARNESS_N + 1)); HARNESS_FAILED=$((HARNESS_FAILED + 1))
	echo "not ok $HARNESS_N - $1"
	shift
	[ $# -eq 0 ] || note "$*"
}

# Record a skipped check.
skip() { HARNESS_N=$((HARNESS_N + 1)); echo "ok $HARNESS_N - $1 # SKIP ${2:-}"; }

# check NAME CMD...: run CMD, pass if it exits 0 (its output goes to the log).
check() {
	local name=$1 rc=0; shift
	"$@" || rc=$?
	if [ $rc = 0 ]; then pass "$name"; else fail "$name" "exit $rc: $*"; fi
}

# check_fails NAME CMD...: pass if CMD exits non-zero but not by timeout.
check_fails() {
	local name=$1 rc=0; shift
	"$@" || rc=$?
	case $rc in
	0) fail "$name" "expected failure: $*" ;;
	124 | 137) fail "$name" "timed out: $*" ;;
	*) pass "$name" ;;
	esac
}

# check_exit NAME STATUS CMD...: pass if CMD exits with exactly STATUS.
check_exit() {
	local name=$1 want=$2 rc=0; shift 2
	"$@" || rc=$?
	if [ "$rc" = "$want" ]; then pass "$name"; else fail "$name" "exit $rc, expected $want: $*"; fi
}

# check_eq NAME EXPECTED ACTUAL: string compare.
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected [$2] got [$3]"; fi
}

# check_same NAME FILE1 FILE2: byte-exact compare.
check_same() {
	if cmp -- "$2" "$3" >/dev/null 2>&1; then pass "$1"
	else fail "$1" "$(cmp -- "$2" "$3" 2>&1 | head -1) ($(stat -c %s -- "$2" 2>/dev/null || echo -)" \
		"vs $(stat -c %s -- "$3" 2>/dev/null || echo -) bytes)"; fi
}

# Finish the test: stop the daemons (checking efsgw's exit), print the plan, exit 0 or 1.
harness_done() {
	[ "$HARNESS_STARTED" = 0 ] || harness_stop
	echo "1..$HARNESS_N"
	[ "$HARNESS_FAILED" = 0 ] || exit 1
	exit 0
}

# ------------------------------------------------------------------ processes
# Remember PID (with an optional string its command line must contain) for cleanup.
harness_track() { HARNESS_PIDS+=("$1:${2:-}"); }

# True when PID no longer runs (gone or a zombie).
# The state letter may be lower case: a process that LeakSanitizer's exit-time
# check (or a debugger) has stopped with ptrace is in state t, alive.
harness_gone() {
	local st
	[ -e "/proc/$1" ] || return 0
	st=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null || true)
	if [ -z "$st" ]; then
		[ -e "/proc/$1" ] && return 1	# unreadable for an instant: alive
		return 0
	fi
	[ "$st" = Z ] || [ "$st" = X ] || [ "$st" = x ]
}

# True when PID runs and its command line contains MARKER (guards against pid reuse).
harness_ours() {
	local pid=$1 marker=${2:-}
	harness_gone "$pid" && return 1
	[ -z "$marker" ] && return 0
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker"
}

# harness_kill PID [MARKER [SIGNAL [WAIT_S]]]: signal, wait bounded, then SIGKILL.
harness_kill() {
	local pid=$1 marker=${2:-} sig=${3:-TERM} waits=${4:-10} i
	harness_ours "$pid" "$marker" || return 0
	kill -s "$sig" "$pid" 2>/dev/null || true
	for ((i = 0; i < waits * 10; i++)); do
		harness_gone "$pid" && break
		sleep 0.1
	done
	if ! harness_gone "$pid"; then
		note "pid $pid did not stop after SIG$sig in ${waits}s; sending SIGKILL"
		kill -9 "$pid" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do harness_gone "$pid" && break; sleep 0.1; done
	fi
	wait "$pid" 2>/dev/null || true # reap our own children
}

# Print where a stuck process is (every thread's stack), when gdb is there.
harness_backtrace() {
	local pid=$1 t
	note "stuck pid $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-80)):"
	for t in /proc/"$pid"/task/*; do
		note "  task ${t##*/}: $(cut -d' ' -f3 "$t/stat" 2>/dev/null) wchan=$(cat "$t/wchan" 2>/dev/null)"
	done
	command -v gdb >/dev/null 2>&1 || return 0
	timeout 30 gdb -p "$pid" -batch -nx -ex 'set pagination off' -ex 'thread apply all bt 30' \
		</dev/null 2>&1 | grep -E '^(#|Thread )' | head -80 | sed 's/^/#   /' || true
}

# harness_wait_pid PID SECONDS: wait for a child of ours; returns its exit status,
# or 124 (after killing it) when it is still running after SECONDS.
harness_wait_pid() {
	local pid=$1 secs=$2 i rc=0
	# One observation decides: a second look could see a different state.
	for ((i = 0; i < secs * 10; i++)); do
		if harness_gone "$pid"; then
			wait "$pid" 2>/dev/null || rc=$?
			return $rc
		fi
		sleep 0.1
	done
	harness_backtrace "$pid"
	harness_kill "$pid" "" KILL 5
	return 124
}

# Wait up to SECONDS until HOST:PORT accepts a TCP connection.
harness_wait_port() {
	local host=$1 port=$2 secs=${3:-10} i
	for ((i = 0; i < secs * 10; i++)); do
		timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ------------------------------------------------------------------ ports
HARNESS_PORTDIR=${TMPDIR:-/tmp}/efsgw-test-ports

# True when 127.0.0.1:PORT can be bound for TCP and UDP right now.
harness_port_bindable() {
	perl -MSocket -e '
		my $a = sockaddr_in($ARGV[0], inet_aton("127.0.0.1"));
		for my $t (SOCK_STREAM, SOCK_DGRAM) {
			socket(my $s, PF_INET, $t, 0) or exit 2;
			bind($s, $a) or exit 1;
			close($s);
		}' "$1"
}

# Set HARNESS_PORT to a free loopback port, reserved against other harnesses (mkdir is atomic).
harness_free_port() {
	local i p owner
	mkdir -p "$HARNESS_PORTDIR"
	for ((i = 0; i < 200; i++)); do
		# 20000-31999: below the kernel's ephemeral range, so no client socket holds it.
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
		if ! mkdir "$HARNESS_PORTDIR/$p" 2>/dev/null; then
			owner=$(cat "$HARNESS_PORTDIR/$p/owner" 2>/dev/null || true)
			if [ -n "$owner" ] && ! kill -0 "$owner" 2>/dev/null; then
				rm -rf "${HARNESS_PORTDIR:?}/$p" # stale reservation of a dead harness
			fi
			continue
		fi
		echo $$ >"$HARNESS_PORTDIR/$p/owner"
		if harness_port_bindable "$p"; then
			HARNESS_PORTS+=("$p")
			HARNESS_PORT=$p
			return 0
		fi
		rm -rf "$HARNESS_PORTDIR/${p:?}"
	done
	harness_bail "no free loopback port found"
}

# ------------------------------------------------------------------ logs and cleanup
# Print the tail of every daemon log (called when the test fails).
harness_show_logs() {
	local f
	[ -n "$T" ] && [ -d "$T" ] || return 0
	for f in "$T"/efsgw.log "$T"/ganesha.log "$T"/ganesha.out; do
		[ -s "$f" ] || continue
		echo "#---- last 40 lines of $f"
		tail -n 40 "$f" | sed 's/^/#   /'
	done
}

# EXIT trap: stop exactly what we started, release ports, keep logs on failure.
harness_cleanup() {
	local rc=$? e
	trap - EXIT INT TERM HUP
	set +e
	if [ -n "$HARNESS_EFSGW_PID" ] && harness_ours "$HARNESS_EFSGW_PID" "$T"; then
		harness_stop_gateway >/dev/null
	fi
	for ((e = ${#HARNESS_PIDS[@]} - 1; e >= 0; e--)); do
		harness_kill "${HARNESS_PIDS[$e]%%:*}" "${HARNESS_PIDS[$e]#*:}" TERM 5
	done
	for e in "${HARNESS_PORTS[@]}"; do rm -rf "${HARNESS_PORTDIR:?}/$e"; done
	[ $rc = 0 ] && [ "$HARNESS_FAILED" != 0 ] && rc=1
	if [ $rc != 0 ] && [ $rc != 77 ]; then
		case $rc in 124 | 143) echo "# $HARNESS_NAME: terminated (the limit is EFSGW_TEST_TIMEOUT=${EFSGW_TEST_TIMEOUT:-300}s)" ;; esac
		harness_show_logs
		[ -n "$T" ] && [ -d "$T" ] && echo "# logs and export kept in $T"
	elif [ -n "$T" ] && [ -d "$T" ]; then
		if [ "${EFSGW_TEST_KEEP:-0}" = 1 ]; then echo "# kept $T"; else rm -rf "${T:?}"; fi
	fi
	exit $rc
}

# ------------------------------------------------------------------ ganesha
# Write ganesha.conf for the backend port and the export dir.
harness_ganesha_conf() {
	cat >"$T/ganesha.conf" <<-EOF
	NFS_CORE_PARAM { NFS_Port = $BACKEND_PORT; Protocols = 4; Enable_NLM = false; Enable_RQUOTA = false; Bind_addr = 127.0.0.1; }
	NFSv4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = $T/recov; Only_Numeric_Owners = true; }
	NFS_KRB5 { Active_krb5 = false; }
	EXPORT { Export_Id = 1; Path = $EXPORT_DIR; Pseudo = /export; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }
	${EFSGW_TEST_EXTRA_GANESHA:-}
	LOG { Default_Log_Level = EVENT; }
	EOF
}

# Start Ganesha on BACKEND_PORT; 0 when it is ours and accepts, 1 otherwise.
harness_start_backend() {
	local i pid=
	rm -f "$T/ganesha.pid"
	timeout 30 "$GANESHA" -f "$T/ganesha.conf" -L "$T/ganesha.log" -p "$T/ganesha.pid" \
		-N NIV_EVENT >>"$T/ganesha.out" 2>&1 || { note "ganesha.nfsd exited $?"; return 1; }
	for ((i = 0; i < 100; i++)); do
		pid=$(cat "$T/ganesha.pid" 2>/dev/null || true)
		[ -n "$pid" ] && break
		sleep 0.1
	done
	[ -n "$pid" ] || { note "ganesha wrote no pid file"; return 1; }
	HARNESS_GANESHA_PID=$pid
	harness_track "$pid" "$T/ganesha.conf"
	for ((i = 0; i < 100; i++)); do
		harness_ours "$pid" "$T/ganesha.conf" || { note "ganesha $pid died"; return 1; }
		if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$BACKEND_PORT" 2>/dev/null; then
			# the port answered: make sure it is our ganesha listening there
			if command -v ss >/dev/null && [ "$(id -u)" = 0 ]; then
				ss -Htlnp "sport = :$BACKEND_PORT" 2>/dev/null | grep -q "pid=$pid," || {
					note "port $BACKEND_PORT is held by another process"; return 1; }
			fi
			return 0
		fi
		sleep 0.1
	done
	note "ganesha not accepting on 127.0.0.1:$BACKEND_PORT after 10 s"
	return 1
}

# harness_kill_backend [SIGNAL]: stop our Ganesha (default SIGKILL, i.e. a crash).
harness_kill_backend() {
	local sig=${1:-KILL}
	[ -n "$HARNESS_GANESHA_PID" ] || return 0
	harness_kill "$HARNESS_GANESHA_PID" "$T/ganesha.conf" "$sig" 15
	HARNESS_GANESHA_PID=
}

# Kill Ganesha and start it again on the same port with the same export.
harness_restart_backend() {
	local i
	harness_kill_backend "${1:-KILL}"
	for ((i = 0; i < 10; i++)); do
		harness_start_backend && return 0
		harness_kill_backend KILL
		sleep 1
	done
	harness_bail "ganesha did not come back on port $BACKEND_PORT"
}

# ------------------------------------------------------------------ efsgw
HARNESS_USER=${EFSGW_TEST_USER:-nobody}

# harness_prepare_conf CONF: make CONF and the files of $T usable by the
# user efsgw drops to (HARNESS_USER). CONF gets `user` when it names none;
# $T becomes traversable; files only root may read (keys, credentials)
# and root-only directories under $T, outside the export and Ganesha's
# recovery dir, are given to the user, as an operator would own them
# (docs/security.md). Call it before starting any efsgw of your own.
harness_prepare_conf() {
	local conf=$1
	grep -q '^[[:space:]]*user[[:space:]]' "$conf" || sed -i "1i user $HARNESS_USER" "$conf"
	[ "$HARNESS_USER" != root ] || return 0
	chmod go+rx "$T"
	find "$T" \( -path "$EXPORT_DIR" -o -path "$T/recov" \) -prune -o \
		\( -type f -user 0 ! -perm /044 -o -type d -user 0 ! -perm /055 \) \
		-exec chown "$HARNESS_USER" {} + 2>/dev/null || true
}

# Write efsgw.conf: one file system on our Ganesha, one listener on GW_PORT.
harness_efsgw_conf() {
	cat >"$T/efsgw.conf" <<-EOF
	# written by t/lib/harness.sh for $HARNESS_NAME
	user            $HARNESS_USER
	log-level       ${EFSGW_TEST_LOG_LEVEL:-debug}
	state-dir       $T/state
	audit-log       $T/audit.log
	admin-address   ${EFSGW_TEST_ADMIN:-none}
	${EFSGW_TEST_EXTRA_CONF:-}
	filesystem fs-0123456789abcdef0 {
	backend         127.0.0.1:$BACKEND_PORT
	export          /export
	reserved-port   no
	}
	listener test {
	address         127.0.0.1:$GW_PORT
	filesystem      fs-0123456789abcdef0
	}
	EOF
}

# Start efsgw in the foreground (our child) and wait until it accepts.
harness_start_gateway() {
	local i out
	[ -x "$EFSGW" ] || harness_bail "efsgw not built: $EFSGW"
	harness_prepare_conf "$T/efsgw.conf"
	if ! out=$(timeout 20 "$EFSGW" -c "$T/efsgw.conf" -t 2>&1); then
		printf '%s\n' "$out" | sed 's/^/#   /'
		harness_bail "efsgw -t rejects the harness config $T/efsgw.conf"
	fi
	# shellcheck disable=SC2086 # flags and wrapper are word lists
	${EFSGW_TEST_WRAPPER:-} "$EFSGW" -c "$T/efsgw.conf" ${EFSGW_TEST_FLAGS:--d} >>"$T/efsgw.log" 2>&1 </dev/null &
	HARNESS_EFSGW_PID=$!
	harness_track "$HARNESS_EFSGW_PID" "$T/efsgw.conf"
	for ((i = 0; i < 300; i++)); do
		if harness_gone "$HARNESS_EFSGW_PID"; then
			local rc=0; wait "$HARNESS_EFSGW_PID" || rc=$?
			HARNESS_EFSGW_PID=
			harness_bail "efsgw exited with status $rc during start-up"
		fi
		timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$GW_PORT" 2>/dev/null && return 0
		sleep 0.1
	done
	harness_bail "efsgw not accepting on 127.0.0.1:$GW_PORT after 30 s"
}

# Stop efsgw with SIGTERM (it drains) and check that it exits 0 with no sanitizer report.
harness_stop_gateway() {
	local pid=$HARNESS_EFSGW_PID rc=0 secs=${EFSGW_TEST_STOP_WAIT:-20}
	[ -n "$pid" ] || return 0
	HARNESS_EFSGW_PID=
	if harness_gone "$pid"; then
		wait "$pid" 2>/dev/null || rc=$?
		fail "efsgw was still running at the end of the test" "it exited earlier with status $rc"
		return 0
	fi
	kill -TERM "$pid" 2>/dev/null || true
	harness_wait_pid "$pid" "$secs" || rc=$?
	case $rc in
	0) pass "efsgw exits 0 on SIGTERM" ;;
	124) fail "efsgw exits 0 on SIGTERM" "still running ${secs}s after SIGTERM; killed" ;;
	*) fail "efsgw exits 0 on SIGTERM" "exit status $rc" ;;
	esac
	if grep -qE '^(==[0-9]+==ERROR: |SUMMARY: (Address|Undefined|Leak)Sanitizer|.*runtime error: )' "$T/efsgw.log" 2>/dev/null; then
		fail "efsgw log has no sanitizer report" "$(grep -m3 -E 'ERROR: |SUMMARY: |runtime error: ' "$T/efsgw.log")"
	fi
}

# Restart efsgw (SIGTERM, then start again on the same port).
harness_restart_gateway() {
	if [ "$HARNESS_DIRECT" = 1 ]; then return 0; fi
	harness_stop_gateway
	harness_start_gateway
}

# True while our efsgw (or, when direct, our Ganesha) is running.
harness_gateway_alive() {
	if [ "$HARNESS_DIRECT" = 1 ]; then harness_ours "${HARNESS_GANESHA_PID:-0}" "$T/ganesha.conf"
	else [ -n "$HARNESS_EFSGW_PID" ] && harness_ours "$HARNESS_EFSGW_PID" "$T/efsgw.conf"; fi
}

# ------------------------------------------------------------------ start / stop
# Start Ganesha, then efsgw in front of it (or nothing when direct); export the addresses.
harness_start() {
	local tries
	[ "$HARNESS_STARTED" = 0 ] || return 0
	mkdir -p "$EXPORT_DIR" "$T/recov"
	for ((tries = 0; tries < 5; tries++)); do
		harness_free_port
		BACKEND_PORT=$HARNESS_PORT
		harness_ganesha_conf
		harness_start_backend && break
		harness_kill_backend KILL
		BACKEND_PORT=
	done
	[ -n "$BACKEND_PORT" ] || harness_bail "ganesha did not start (see $T/ganesha.log)"
	if [ "$HARNESS_DIRECT" = 1 ]; then
		GW_PORT=$BACKEND_PORT
		NFS_ROOT=/export
		note "EFSGW_TEST_DIRECT=1: clients talk to Ganesha on 127.0.0.1:$GW_PORT, no efsgw"
	else
		harness_free_port
		GW_PORT=$HARNESS_PORT
		NFS_ROOT=/
		harness_efsgw_conf
		harness_start_gateway
		note "efsgw pid $HARNESS_EFSGW_PID on 127.0.0.1:$GW_PORT -> ganesha pid $HARNESS_GANESHA_PID on 127.0.0.1:$BACKEND_PORT"
	fi
	GW_ADDR=$GW_HOST:$GW_PORT
	export GW_HOST GW_PORT GW_ADDR NFS_ROOT EXPORT_DIR BACKEND_PORT T
	HARNESS_STARTED=1
}

# Stop efsgw (checking its exit) and Ganesha.
harness_stop() {
	harness_stop_gateway
	harness_kill_backend TERM
	HARNESS_STARTED=0
}

# ------------------------------------------------------------------ clients
# Run efsgw-nfsc against the gateway: nfsc [client options] CMD ARGS...
nfsc() {
	timeout -k 5 "${NFSC_TIMEOUT:-120}" "$EFSGW_NFSC" -s "$GW_ADDR" "$@"
}

# nfspath REL: the path clients use for REL at the export root ("/x", or "/export/x" direct).
nfspath() {
	local rel=${1#/}
	if [ "$NFS_ROOT" = / ]; then echo "/$rel"; else echo "$NFS_ROOT${rel:+/$rel}"; fi
}

# nfs_url REL: a libnfs NFSv4.0 URL for REL through the gateway. libnfs splits
# the path into "export" and "file" at the last slash, so a file directly under
# "/" needs "//name" (export "/", file "/name").
nfs_url() {
	local p
	p=$(nfspath "${1:-}")
	case "$p" in /) ;; /*/*) ;; /*) p=/$p ;; esac
	echo "nfs://$GW_HOST$p?version=4&nfsport=$GW_PORT"
}

# Skip the test unless efsgw-nfsc is built.
harness_require_nfsc() {
	[ -x "$EFSGW_NFSC" ] || harness_skip_all "test client not built: $EFSGW_NFSC"
}

# Skip the test unless every named command exists.
harness_require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || harness_skip_all "$c not installed"
	done
}

# quiet CMD...: run CMD with its standard output discarded.
quiet() { "$@" >/dev/null; }

# random_file PATH BYTES: BYTES of random data.
random_file() {
	head -c "$2" /dev/urandom >"$1"
}

# ------------------------------------------------------------------ init
[ -n "$GANESHA" ] && [ -x "$GANESHA" ] ||
	harness_skip_all "ganesha.nfsd not installed (apt-get install nfs-ganesha nfs-ganesha-vfs)"
[ -n "$(find /usr/lib /usr/lib64 -name 'libfsalvfs.so*' -print -quit 2>/dev/null)" ] ||
	harness_skip_all "Ganesha's VFS FSAL missing (apt-get install nfs-ganesha-vfs)"
# The VFS FSAL uses open_by_handle_at(2), which needs CAP_DAC_READ_SEARCH.
[ "$(id -u)" = 0 ] || harness_skip_all "Ganesha's VFS FSAL needs root (open_by_handle_at)"
command -v perl >/dev/null || harness_skip_all "perl (for the port bind test) missing"

T=$(mktemp -d "${TMPDIR:-/tmp}/efsgw-$HARNESS_NAME.XXXXXX")
EXPORT_DIR=$T/export
trap harness_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
cd "$T"
