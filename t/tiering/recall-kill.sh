#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/tiering/recall-kill.sh - the gateway killed during a recall: after a
# restart the file reads back whole. efsgw serves a file system with a
# lifecycle, its registry in Redis; efsgw-tier moves 32 MiB files of
# random data to IA, and some to Archive (zstd frames). A READ through the
# gateway starts a recall, which the test hooks pause at one of its steps
# (docs/tiering.md, "Tests make the steps observable"); the test SIGKILLs
# the gateway by its pid there, starts a new one on the same config and
# checks that:
#  - the file reads back byte-identical through the new gateway;
#  - its record is hot, and the hot file has its original size and mtime;
#  - the tier exports hold nothing else: no orphan, no conflict- copy
#    (the recall's own writes are not taken for a client's).
# The kill points: right after the record says "recalling" (nothing
# written back yet); half way through the copy back (the hot file half
# written, its change attribute moved by the recall itself), from IA and
# from Archive; once the data is written back, COMMITted and the mtime put
# back, before the record is hot; and once the record is hot, before the
# cold copy is removed (that copy is then an orphan, which efsgw-tier's
# sweep removes once the new gateway has taken over the killed one's
# lock). The pause is a step of the recall, not a moment: no timing
# decides where the gateway dies. Then a file written over (truncated)
# after such a kill keeps what was written; last, a gateway started in
# the background (without -f) recalls as well.
. "$(dirname "$0")/lib.sh"	# before the harness: it changes directory
. "$(dirname "$0")/../lib/harness.sh"

harness_require_nfsc
tier_require
[ "$HARNESS_DIRECT" = 1 ] && harness_skip_all "recall is the gateway's"
command -v sha256sum >/dev/null || harness_skip_all "sha256sum not installed"

SIZE=$((32 * 1048576))
HALF=$((8 * 1048576))

tier_redis_start
TIER_REGISTRY=redis://127.0.0.1:$REDIS_PORT
tier_exports
# AFTER_1_ACCESS: a read brings the file back (without it, it is served).
tier_lifecycle access
harness_efsgw_conf() { tier_conf; }
harness_start
export EFSGW_TIER_DAY=1
# Where the paused gateway (which runs as the harness user) says so.
HOOK=$T/hook
mkdir -p "$HOOK"
chmod 0777 "$HOOK"

tier() { timeout -k 5 300 "$TIER" -c "$T/efsgw.conf" --once "$@" >>"$T/tier.log" 2>&1; }
tier_files() { find "$T/ia" "$T/archive" -type f | sort; }
# rec NAME: the registry line of d/NAME (its key ends in its inode number).
rec() { tier_list | grep "\.$(stat -c %i "$EXPORT_DIR/d/$1") " || true; }
# copies NAME: how many tier files are d/NAME's (named after its inode).
copies() { tier_files | grep -cE -e "-$(stat -c %i "$EXPORT_DIR/d/$1")(\.zst)?$" || true; }
# gw_sum NAME: SHA-256 of d/NAME read through the gateway.
gw_sum() { "$EFSGW_NFSC" -s "$GW_ADDR" -t 60 cat "$(nfspath "d/$1")" | sha256sum | cut -d' ' -f1; }

# The files, in through the gateway; kept as their checksums, size, mtime.
# Each case has its own: "<name> <class> <step> <bytes>" (steps 9 to 12).
cases="
ia-marked IA 9 0
ia-part IA 10 $HALF
ar-part archive 10 $HALF
ia-written IA 11 0
ar-written archive 11 0
ia-hot IA 12 0"
nfsc mkdir "$(nfspath d)"
declare -A SUM STAT
while read -r name class step bytes <&3; do
	[ -n "$name" ] || continue
	random_file "$T/src" "$SIZE"
	SUM[$name]=$(sha256sum <"$T/src" | cut -d' ' -f1)
	nfsc put "$T/src" "$(nfspath "d/$name")" >/dev/null
	# Archive: an mtime years old makes the file due for Archive at once.
	[ "$class" = archive ] && touch -d @1600000000.123456789 "$EXPORT_DIR/d/$name"
	STAT[$name]=$(stat -c '%s %y' "$EXPORT_DIR/d/$name")
done 3<<<"$cases"
rm -f "$T/src"
check "efsgw-tier moves the files" tier --now +3
check_eq "six cold copies, two of them zstd frames" "6 2" \
	"$(tier_files | wc -l) $(tier_files | grep -c '\.zst$')"
check_eq "no copy set aside" 0 "$(tier_files | grep -c conflict- || true)"

# sweep: a pass of efsgw-tier with days so long that nothing is due for a
# move: its recovery and orphan sweep only.
sweep() { EFSGW_TIER_DAY=100000 timeout -k 5 300 "$TIER" -c "$T/efsgw.conf" --once >>"$T/tier.log" 2>&1; }
# took_over: how many locks a gateway took over from the one killed.
took_over() { grep -c "took over the lock" "$T/efsgw.log" || true; }

# hooked STEP BYTES: the gateway again, pausing its first recall at STEP.
hooked() {
	harness_stop_gateway
	rm -f "$HOOK/go" "$HOOK/go.paused"
	EFSGW_TIER_TEST_PAUSE_AFTER=$1 EFSGW_TIER_TEST_PAUSE_FILE=$HOOK/go \
		EFSGW_TIER_TEST_RECALL_BYTES=$2 harness_start_gateway
}

while read -r name class step bytes <&3; do
	[ -n "$name" ] || continue
	case $class in IA) state=cold-IA ;; *) state=cold-archive ;; esac
	check "$name: cold in $class" bash -c "echo '$(rec "$name")' | grep -q ' $state '"
	hooked "$step" "$bytes"
	pid=$HARNESS_EFSGW_PID
	"$EFSGW_NFSC" -s "$GW_ADDR" -t 120 cat "$(nfspath "d/$name")" >/dev/null 2>"$T/reader.err" &
	reader=$!
	for ((i = 0; i < 1200; i++)); do
		[ -e "$HOOK/go.paused" ] && break
		harness_gone "$pid" && break
		sleep 0.1
	done
	check "$name: the recall paused at step $step" test -e "$HOOK/go.paused"
	# What the gateway leaves behind if it dies here.
	case $step in
	12) check "$name: the record is hot before the kill" bash -c "echo '$(rec "$name")' | grep -q ' hot '"
	    check_eq "$name: its cold copy is still there" 1 "$(copies "$name")" ;;
	*) check "$name: the record says recalling" bash -c "echo '$(rec "$name")' | grep -q '(recalling)'" ;;
	esac
	case $step in
	10) check "$name: the hot file is half written back" \
		test "$(du -k "$EXPORT_DIR/d/$name" | cut -f1)" -ge $((HALF / 1024 / 2))
	    check_fails "$name: and not whole yet" test "$(sha256sum <"$EXPORT_DIR/d/$name" | cut -d' ' -f1)" = "${SUM[$name]}" ;;
	11) check_eq "$name: the data is back before the kill" "${SUM[$name]}" \
		"$(sha256sum <"$EXPORT_DIR/d/$name" | cut -d' ' -f1)" ;;
	esac
	kill -KILL "$pid"
	rc=0; harness_wait_pid "$pid" 20 || rc=$?
	check_eq "$name: the gateway died of SIGKILL" 137 "$rc"
	HARNESS_EFSGW_PID=
	rc=0; wait "$reader" || rc=$?
	check "$name: the reader lost its connection" test "$rc" -ne 0
	before=$(took_over)
	harness_start_gateway
	check_eq "$name: after a restart it reads back whole" "${SUM[$name]}" "$(gw_sum "$name")"
	# The killed gateway's lock on the file: taken over by the new one at
	# once (by the recall; after step 12, by its next access-time flush),
	# not waited out (15 minutes).
	for ((i = 0; i < 100; i++)); do
		[ "$(took_over)" -gt "$before" ] && break
		sleep 0.1
	done
	check_eq "$name: the new gateway took over the lock the killed one left" \
		$((before + 1)) "$(took_over)"
	check "$name: its record is hot" bash -c "echo '$(rec "$name")' | grep -q ' hot '"
	check_eq "$name: size and mtime as before the move" "${STAT[$name]}" \
		"$(stat -c '%s %y' "$EXPORT_DIR/d/$name")"
	if [ "$step" = 12 ]; then
		# Hot already: the cold copy is an orphan, for the agent's sweep
		# (a day this long makes nothing due for a move meanwhile).
		check "$name: efsgw-tier's sweep" sweep
		check "$name: it removed the orphan" grep -q "removed orphan" "$T/tier.log"
	fi
	check_eq "$name: nothing of it left in the tiers" 0 "$(copies "$name")"
	check_eq "$name: no copy set aside" 0 "$(tier_files | grep -c conflict- || true)"
done 3<<<"$cases"
check_eq "the tiers are empty" "" "$(tier_files)"
check_eq "no record is cold" 0 "$(tier_list | grep -c ' cold-' || true)"

# Killed half way through a recall, then, before anything reads it, the
# file is written over (a truncating OPEN, which the gateway does not
# check, then WRITEs, which it does): the new content stays, and the
# half-done recall is not finished over it. The cold copy is set aside as
# conflict-NAME, as for any write since the move.
random_file "$T/src" "$SIZE"
nfsc put "$T/src" "$(nfspath d/over)" >/dev/null
check "moved, to be written over" tier --now +3
check "over is cold" bash -c "echo '$(rec over)' | grep -q ' cold-IA '"
hooked 10 "$HALF"
pid=$HARNESS_EFSGW_PID
"$EFSGW_NFSC" -s "$GW_ADDR" -t 120 cat "$(nfspath d/over)" >/dev/null 2>"$T/reader.err" &
reader=$!
for ((i = 0; i < 1200; i++)); do
	[ -e "$HOOK/go.paused" ] && break
	harness_gone "$pid" && break
	sleep 0.1
done
check "over: the recall paused half way" test -e "$HOOK/go.paused"
kill -KILL "$pid"
harness_wait_pid "$pid" 20 || true
HARNESS_EFSGW_PID=
wait "$reader" || true
harness_start_gateway
random_file "$T/new" 1000000
check "over: written over through the new gateway" nfsc put "$T/new" "$(nfspath d/over)"
check_eq "over: it reads back as written" "$(sha256sum <"$T/new" | cut -d' ' -f1)" \
	"$(gw_sum over)"
check "over: its record is hot" bash -c "echo '$(rec over)' | grep -q ' hot '"
check_eq "over: the cold copy is set aside, not lost" 1 "$(tier_files | grep -c '/conflict-' || true)"
check "over: the gateway says so" grep -q "written since it was moved" "$T/efsgw.log"
rm -f "$T"/ia/conflict-*

# A gateway that goes to the background (no -f) recalls too: daemon(3)
# forks, and a recall thread started before it would not follow.
random_file "$T/src" 3000000
bg_sum=$(sha256sum <"$T/src" | cut -d' ' -f1)
nfsc put "$T/src" "$(nfspath d/bg)" >/dev/null
check "moved, for a gateway in the background" tier --now +3
check "bg is cold" bash -c "echo '$(rec bg)' | grep -q ' cold-IA '"
harness_stop_gateway
if command -v ss >/dev/null; then
	check "efsgw starts in the background" "$EFSGW" -c "$T/efsgw.conf"
	bg_pid=$(ss -Htlnp "sport = :$GW_PORT" | sed -n 's/.*pid=\([0-9]*\),.*/\1/p' | head -1)
	if [ -n "$bg_pid" ] && harness_ours "$bg_pid" "$T/efsgw.conf"; then
		harness_track "$bg_pid" "$T/efsgw.conf"
		check_eq "the gateway in the background recalls" "$bg_sum" "$(gw_sum bg)"
		check "bg is hot" bash -c "echo '$(rec bg)' | grep -q ' hot '"
		kill -TERM "$bg_pid"
		for ((i = 0; i < 200; i++)); do harness_gone "$bg_pid" && break; sleep 0.1; done
		check "it stops on SIGTERM" harness_gone "$bg_pid"
	else
		fail "the gateway in the background listens on $GW_PORT"
	fi
else
	skip "the gateway in the background" "ss not installed"
fi

tier_redis_stop
harness_done
