# SPDX-License-Identifier: Apache-2.0
#
# t/tiering/lib.sh - what the tiering tests (and t/bench/tier-bench.sh)
# share: efsgw-tier, a redis-server of their own, the IA and Archive
# exports on the harness's Ganesha, the lifecycle and the gateway's
# config. Sourced before t/lib/harness.sh, which changes directory.
#
#   tier_require             TIER (efsgw-tier), or skip
#   tier_redis_start         a redis-server on a free loopback port:
#                            REDIS_PORT, REDIS_PID (skips if not installed)
#   tier_redis_stop
#   tier_exports             $T/ia and $T/archive as /ia and /archive
#                            (call before harness_start)
#   tier_lifecycle [access]  $T/lifecycle.json: IA after 1 day, Archive
#                            after 7; "access": AFTER_1_ACCESS too
#   tier_conf                $T/efsgw.conf for one tiered file system, from
#                            TIER_REGISTRY (required), TIER_IA_ADDR (the IA
#                            export's HOST:PORT, default the backend) and
#                            TIER_ADMIN (admin-address, default none),
#                            TIER_LOG_LEVEL (default debug)
#   tier_list                efsgw-tier --list (as TIER_USER=(-u USER) if set)
#   gw_metric NAME           NAME's value on the gateway's /metrics
#                            (TIER_ADMIN)

TIER=${abs_top_builddir:-$PWD}/tiering/efsgw-tier
TIER_USER=()

tier_require() {
	[ -x "$TIER" ] || harness_skip_all "not built: $TIER"
}

tier_redis_start() {
	local redis
	redis=$(command -v redis-server || true)
	[ -n "$redis" ] || harness_skip_all "redis-server not installed"
	harness_free_port; REDIS_PORT=$HARNESS_PORT
	"$redis" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
		--dir "$T" --logfile "$T/redis.log" </dev/null &
	REDIS_PID=$!
	harness_track "$REDIS_PID" "redis-server"
	harness_wait_port 127.0.0.1 "$REDIS_PORT" 10 || harness_bail "redis-server did not start"
}

tier_redis_stop() {
	[ -n "${REDIS_PID:-}" ] || return 0
	kill "$REDIS_PID"
	harness_wait_pid "$REDIS_PID" 10 || true
	REDIS_PID=
}

tier_exports() {
	mkdir -p "$T/ia" "$T/archive"
	EFSGW_TEST_EXTRA_GANESHA="
EXPORT { Export_Id = 2; Path = $T/ia; Pseudo = /ia; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }
EXPORT { Export_Id = 3; Path = $T/archive; Pseudo = /archive; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }"
}

tier_lifecycle() {
	if [ "${1:-}" = access ]; then
		printf '%s\n' '{ "LifecyclePolicies": [ { "TransitionToIA": "AFTER_1_DAY" },' \
			'  { "TransitionToArchive": "AFTER_7_DAYS" },' \
			'  { "TransitionToPrimaryStorageClass": "AFTER_1_ACCESS" } ] }'
	else
		printf '%s\n' '{ "LifecyclePolicies": [ { "TransitionToIA": "AFTER_1_DAY" },' \
			'  { "TransitionToArchive": "AFTER_7_DAYS" } ] }'
	fi >"$T/lifecycle.json"
}

tier_conf() {
	printf '%s\n' \
		"log-level       ${TIER_LOG_LEVEL:-debug}" \
		"state-dir       $T/state" \
		"audit-log       none" \
		"admin-address   ${TIER_ADMIN:-none}" \
		"filesystem fs-0123456789abcdef0 {" \
		"backend         127.0.0.1:$BACKEND_PORT" \
		"export          /export" \
		"lifecycle       $T/lifecycle.json" \
		"tier-ia         ${TIER_IA_ADDR:-127.0.0.1:$BACKEND_PORT}:/ia" \
		"tier-archive    127.0.0.1:$BACKEND_PORT:/archive" \
		"tier-registry   $TIER_REGISTRY" \
		"tier-min-size   0" \
		"}" \
		"listener test {" \
		"address         127.0.0.1:$GW_PORT" \
		"}" >"$T/efsgw.conf"
}

tier_list() {
	"$TIER" -c "$T/efsgw.conf" "${TIER_USER[@]}" --list 2>>"$T/tier.log"
}

gw_metric() {
	curl -s "http://$TIER_ADMIN/metrics" | awk -v n="$1" 'index($1, n "{") == 1 { print $2 }'
}
