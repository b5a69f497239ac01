#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/tiering/storage.sh - the Bursting baseline of a tiered file system
# takes its storage from StorageBytes Standard of efsgw-tier's last
# complete walk, which the agent records in the registry and the
# gateway's tiering worker reads back. With the registry in a journal
# file (no Redis at all) and, when redis-server is installed, in Redis:
#  - before any walk the gateway measures the backend (space used), as
#    without tiering, and shows no StorageBytes;
#  - after a walk that moves nothing, the gateway shows the Standard bytes
#    the agent measured, and QoS meters Bursting by them (its storage and
#    baseline gauges);
#  - after a walk that moves a file to IA, Standard drops and the
#    baseline with it; the IA bytes show too;
#  - storage-size, when set (SIGHUP), still wins over the agent's bytes.
. "$(dirname "$0")/../lib/harness.sh"

harness_require_nfsc
TIER=${abs_top_builddir:-$PWD}/tiering/efsgw-tier
[ -x "$TIER" ] || harness_skip_all "not built: $TIER"
command -v curl >/dev/null || harness_skip_all "curl not installed"
[ "$HARNESS_DIRECT" = 1 ] && harness_skip_all "QoS is the gateway's"

harness_free_port; ADMIN_PORT=$HARNESS_PORT
mkdir -p "$T/ia" "$T/lib"
# The journal and the agent's files live in a directory of the gateway's
# user, and efsgw-tier runs as that user (docs/tiering.md).
chown "$HARNESS_USER" "$T/lib"
EFSGW_TEST_EXTRA_GANESHA="
EXPORT { Export_Id = 2; Path = $T/ia; Pseudo = /ia; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }"
printf '%s\n' '{ "LifecyclePolicies": [ { "TransitionToIA": "AFTER_1_DAY" } ] }' \
	>"$T/lifecycle.json"
REGISTRY=$T/lib/fs.tier
# Bursting, with a baseline that small files can move (the least baseline
# 1 KiB/s: 50 KiB/s per GiB passes it from 20 MiB of Standard on), and
# StorageBytes read every second. Files under 30000 KiB stay in Standard.
gw_conf() { # gw_conf [FS-LINE]: the gateway's config, with REGISTRY
	printf '%s\n' \
		"log-level       debug" \
		"state-dir       $T/state" \
		"audit-log       none" \
		"admin-address   127.0.0.1:$ADMIN_PORT" \
		"filesystem fs-0123456789abcdef0 {" \
		"backend         127.0.0.1:$BACKEND_PORT" \
		"export          /export" \
		"throughput-mode bursting" \
		"qos-baseline-min 1" \
		"storage-refresh 1" \
		"lifecycle       $T/lifecycle.json" \
		"tier-ia         127.0.0.1:$BACKEND_PORT:/ia" \
		"tier-registry   $REGISTRY" \
		"tier-min-size   30000" \
		"${1:-}" \
		"}" \
		"listener test {" \
		"address         127.0.0.1:$GW_PORT" \
		"}" >"$T/efsgw.conf"
}
harness_efsgw_conf() { gw_conf; }
harness_start

tier() { # tier DAY ARGS: one pass of the agent, as the gateway's user
	EFSGW_TIER_DAY=$1 timeout -k 5 300 "$TIER" -c "$T/efsgw.conf" \
		-u "$HARNESS_USER" --once --metrics "$T/lib/tier.prom" "${@:2}" \
		>>"$T/tier.log" 2>&1
}
# sample NAME LABEL: the first sample of NAME whose labels hold LABEL.
# (All of the input is read: curl must not see a closed pipe.)
sample() { awk -v n="$1" -v l="$2" '!done && index($1, n "{") == 1 && index($1, l) { print $2; done = 1 }'; }
gw() { curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | sample "$@"; }
agent() { sample "$1" "$2" <"$T/lib/tier.prom"; }
# wait_gw NAME LABEL VALUE: until the gateway shows it (bounded; the
# gateway reads StorageBytes every few seconds).
wait_gw() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(gw "$1" "$2")" = "$3" ] && return 0
		sleep 0.1
	done
	note "$1{$2} is [$(gw "$1" "$2")], not [$3]"
	return 1
}
# baseline_is STANDARD: QoS's baseline is 50 KiB/s per GiB of STANDARD.
baseline_is() {
	local b
	b=$(gw efsgw_qos_baseline_bytes_per_second fs=)
	awk -v b="$b" -v s="$1" 'BEGIN { d = b - 51200 * s / 1073741824; exit !(b != "" && d < 0.001 && d > -0.001) }' ||
		{ note "baseline $b for $1 bytes"; return 1; }
}

random_file "$T/big" $((48 * 1048576))
random_file "$T/small" $((24 * 1048576))
nfsc put "$T/big" "$(nfspath big)" >/dev/null
nfsc put "$T/small" "$(nfspath small)" >/dev/null
all=$((72 * 1048576)) small=$((24 * 1048576)) big=$((48 * 1048576))

# storage_case NAME: the checks, with the registry REGISTRY names.
storage_case() {
	local n=$1 before i
	# No walk recorded: the backend's space used, as without tiering.
	for ((i = 0; i < 300; i++)); do
		before=$(gw efsgw_qos_storage_standard_bytes fs=)
		[ -n "$before" ] && [ "$before" != 0 ] && break
		sleep 0.1
	done
	check "$n: before any walk QoS meters the backend's space used" test "${before:-0}" -gt 0
	check_eq "$n: and the gateway shows no StorageBytes" "" "$(gw efsgw_tier_storage_bytes 'class="Standard"')"

	# A walk that moves nothing (a day is a day): everything is Standard.
	check "$n: efsgw-tier walks" tier 86400
	check_eq "$n: the agent measured every byte as Standard" "$all" "$(agent efsgw_tier_storage_bytes 'class="Standard"')"
	check "$n: the gateway shows the agent's Standard bytes" wait_gw efsgw_tier_storage_bytes 'class="Standard"' "$all"
	check_eq "$n: and its IA bytes" 0 "$(gw efsgw_tier_storage_bytes 'class="IA"')"
	check "$n: QoS meters Bursting by them" wait_gw efsgw_qos_storage_standard_bytes fs= "$all"
	check "$n: the baseline is 50 KiB/s per GiB of them" baseline_is "$all"
	check "$n: the walk's time is shown" test "$(gw efsgw_tier_storage_measured_seconds fs=)" -gt 1600000000

	# A walk that moves the big file to IA: Standard drops, and the baseline.
	check "$n: efsgw-tier moves the big file" tier 1 --now +3
	check_eq "$n: the agent measured the small file as Standard" "$small" "$(agent efsgw_tier_storage_bytes 'class="Standard"')"
	check_eq "$n: and the big one as IA" "$big" "$(agent efsgw_tier_storage_bytes 'class="IA"')"
	check "$n: the gateway follows: Standard" wait_gw efsgw_tier_storage_bytes 'class="Standard"' "$small"
	check "$n: the gateway follows: IA" wait_gw efsgw_tier_storage_bytes 'class="IA"' "$big"
	check "$n: efsgw-tier --list shows the walk's StorageBytes" bash -c \
		"'$TIER' -c '$T/efsgw.conf' --list 2>/dev/null | grep -q '^usage Standard=$small IA=$big Archive=0 measured='"
	check "$n: QoS follows" wait_gw efsgw_qos_storage_standard_bytes fs= "$small"
	check "$n: the baseline follows" baseline_is "$small"

	# storage-size, set by SIGHUP, wins over the agent's bytes.
	gw_conf "storage-size    100"
	harness_prepare_conf "$T/efsgw.conf"
	kill -HUP "$HARNESS_EFSGW_PID"
	check "$n: storage-size wins" wait_gw efsgw_qos_storage_standard_bytes fs= $((100 * 1048576))
	gw_conf
	harness_prepare_conf "$T/efsgw.conf"
	kill -HUP "$HARNESS_EFSGW_PID"
	check "$n: without it, the agent's bytes again" wait_gw efsgw_qos_storage_standard_bytes fs= "$small"

	# Everything back to Standard for the next case.
	check "$n: recall" tier 86400 --recall-all
	check "$n: the big file reads back identical" cmp -s "$EXPORT_DIR/big" "$T/big"
}

storage_case journal
check_eq "journal: the journal is the gateway's user's" "$HARNESS_USER" "$(stat -c %U "$REGISTRY")"

REDIS=$(command -v redis-server || true)
if [ -z "$REDIS" ]; then
	skip "the same with Redis" "redis-server not installed"
else
	harness_free_port; REDIS_PORT=$HARNESS_PORT
	"$REDIS" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
		--dir "$T" --logfile "$T/redis.log" </dev/null &
	REDIS_PID=$!
	harness_track "$REDIS_PID" "redis-server"
	harness_wait_port 127.0.0.1 "$REDIS_PORT" 10 || harness_bail "redis-server did not start"
	REGISTRY=redis://127.0.0.1:$REDIS_PORT
	gw_conf
	harness_restart_gateway
	storage_case redis
	check "redis: the usage record is in Redis" \
		bash -c "redis-cli -p $REDIS_PORT exists efsgw:tier:fs-0123456789abcdef0:usage | grep -qx 1"
	harness_stop_gateway
	kill "$REDIS_PID"
	harness_wait_pid "$REDIS_PID" 10 || true
fi
harness_done
