#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/ops/conn-memory-bench.sh - the measurement behind "Memory" in
# docs/configuration.md (not part of make check: it needs about 20,000
# descriptors and a minute). One Ganesha (RPC_Max_Connections 10000) and one
# efsgw from t/lib/harness.sh; ROUNDS times, t/bench/efsgw-conns opens N
# idle connections (RPC NULL on each), holds them and closes them; VmRSS of
# the gateway is printed idle, holding, and 3 s after the close.
#
#   cd build && sudo bash ../t/ops/conn-memory-bench.sh        (N=9900 ROUNDS=3)
. "$(dirname "$0")/../lib/harness.sh"
N=${N:-9900}
ROUNDS=${ROUNDS:-3}
CONNS=$abs_top_builddir/t/bench/efsgw-conns
[ -x "$CONNS" ] || harness_skip_all "not built: $CONNS"
EFSGW_TEST_LOG_LEVEL=warn
harness_ganesha_conf() {
	cat >"$T/ganesha.conf" <<-EOF
	NFS_CORE_PARAM { NFS_Port = $BACKEND_PORT; Protocols = 4; Enable_NLM = false; Enable_RQUOTA = false; Bind_addr = 127.0.0.1; RPC_Max_Connections = 10000; }
	NFSv4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = $T/recov; Only_Numeric_Owners = true; }
	NFS_KRB5 { Active_krb5 = false; }
	EXPORT { Export_Id = 1; Path = $EXPORT_DIR; Pseudo = /export; Access_Type = RW; Squash = No_Root_Squash; SecType = sys; Protocols = 4; FSAL { Name = VFS; } }
	LOG { Default_Log_Level = EVENT; }
	EOF
}
harness_start
rss() { sed -n 's/^VmRSS:[[:space:]]*//p' "/proc/$HARNESS_EFSGW_PID/status"; }
note "idle: VmRSS $(rss)"
for ((r = 1; r <= ROUNDS; r++)); do
	timeout 300 "$CONNS" -n "$N" -s 20 -p "$HARNESS_EFSGW_PID" "$GW_ADDR" 2>&1 |
		grep -E 'server VmRSS' | sed 's/^/# /' || true
	for ((i = 0; i < 100; i++)); do
		[ "$(ls "/proc/$HARNESS_EFSGW_PID/fd" | wc -l)" -lt 20 ] && break
		sleep 0.1
	done
	sleep 3
	note "round $r: 3 s after $N connections closed: VmRSS $(rss)"
done
harness_done
