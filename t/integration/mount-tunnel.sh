#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/integration/mount-tunnel.sh - efsgw-mount's TLS tunnel end to end
# (identity travels in the TLS client certificate, so a kernel reconnect
# carries it again).
#
# A TLS endpoint (efsgw's own TLS listener when it has one, otherwise an
# stunnel server in front of the harness's Ganesha) with a throwaway CA;
# `efsgw-mount --tunnel-only` against it; efsgw-nfsc, plain, to the
# tunnel's local port. Pins:
#  - put/get through the tunnel are byte-exact;
#  - the gateway's certificate is verified: a wrong verifyname or CA makes
#    the tunnel refuse (and efsgw-mount rejects bad options up front);
#  - a restarted TLS endpoint is reached again by a new client through the
#    same tunnel (same local port, no efsgw-mount restart);
#  - a killed tunnel worker is restarted by the supervisor on the same port;
#  - the certificate actually presented (captured by openssl s_server)
#    carries the file system id (.7.3), access point (.7.1), client info
#    (.7.4) and the token in efsgw's JWT extension, is self-signed and
#    valid for 3 h; the key cache is 0600.
. "$(dirname "$0")/../lib/harness.sh"

harness_require_nfsc
harness_require_cmd openssl
MOUNT=${EFSGW_MOUNT:-$abs_top_builddir/client/efsgw-mount}
[ -x "$MOUNT" ] || harness_skip_all "efsgw-mount not built: $MOUNT"

FS=fs-0123456789abcdef0
AP=fsap-0123456789abcdef0
NAME=$FS.efs.test-region-1.example.net
STATE=$T/mount-state
OID_JWT=$(sed -n 's/^#define EFSGW_OID_JWT[[:space:]]*"\(.*\)".*/\1/p' "$abs_top_srcdir/auth/identity.h")
[ -n "$OID_JWT" ] || harness_bail "no EFSGW_OID_JWT in auth/identity.h"

# ------------------------------------------------------------ certificates
# A CA, the gateway's certificate for $NAME, and one for a wrong name.
mkpki() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj /CN=efsgw-test-ca -keyout "$T/ca.key" -out "$T/ca.pem" 2>/dev/null || return 1
	local n
	for n in gw other; do
		local cn=$NAME
		[ $n = gw ] || cn=fs-ffffffffffffffff0.efs.test-region-1.example.net
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$cn" \
			-keyout "$T/$n.key" -out "$T/$n.csr" 2>/dev/null || return 1
		printf 'subjectAltName=DNS:%s\n' "$cn" >"$T/$n.ext"
		openssl x509 -req -in "$T/$n.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
			-days 2 -extfile "$T/$n.ext" -out "$T/$n.pem" 2>/dev/null || return 1
	done
}
mkpki || harness_bail "openssl could not make the test certificates"

# A token as a projected service-account token would be: a JWT signed by an
# issuer key the gateway trusts (the tunnel only carries it; the gateway
# verifies it).
CTL=$abs_top_builddir/ctl/efsgwctl
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/issuer.key" 2>/dev/null
openssl pkey -in "$T/issuer.key" -pubout -out "$T/issuer.pub" 2>/dev/null
TOKEN=$("$CTL" token mint --key "$T/issuer.key" --alg ES256 \
	--sub system:serviceaccount:default:app --aud efsgw --ttl 7200 \
	--iss https://issuer.test) ||
	harness_bail "efsgwctl token mint failed"
printf '%s\n' "$TOKEN" >"$T/token"

# ------------------------------------------------------------ TLS endpoint
harness_start
TLS_MODE=stunnel
if [ "$HARNESS_DIRECT" = 0 ] && "$EFSGW" --help-config 2>/dev/null | grep -q 'tls-cert'; then
	TLS_MODE=efsgw
fi
harness_free_port
TLS_PORT=$HARNESS_PORT
TLS_PID=

# Start the TLS endpoint on TLS_PORT (forwarding to the NFS server).
start_tls() {
	if [ $TLS_MODE = efsgw ]; then
		printf '[{"AccessPointId": "%s", "FileSystemId": "%s"}]\n' "$AP" "$FS" >"$T/ap.json"
		cat >"$T/efsgw-tls.conf" <<-EOF
		log-level debug
		state-dir $T/state
		audit-log $T/audit.log
		admin-address none
		identity-jwt-keys $T/issuer.pub
		identity-jwt-issuer https://issuer.test
		filesystem $FS {
		backend 127.0.0.1:$BACKEND_PORT
		export /export
		access-points $T/ap.json
		reserved-port no
		}
		listener tls {
		address 127.0.0.1:$TLS_PORT
		filesystem $FS
		tls yes
		tls-cert $T/gw.pem
		tls-key $T/gw.key
		}
		EOF
		harness_prepare_conf "$T/efsgw-tls.conf"
		"$EFSGW" -c "$T/efsgw-tls.conf" -d >>"$T/efsgw-tls.log" 2>&1 </dev/null &
		TLS_PID=$!
		harness_track "$TLS_PID" "$T/efsgw-tls.conf"
	else
		harness_require_cmd stunnel
		cat >"$T/stunnel-srv.conf" <<-EOF
		foreground = yes
		pid =
		debug = info
		[nfs]
		accept = 127.0.0.1:$TLS_PORT
		connect = 127.0.0.1:$BACKEND_PORT
		cert = $T/gw.pem
		key = $T/gw.key
		EOF
		stunnel "$T/stunnel-srv.conf" >>"$T/stunnel-srv.log" 2>&1 </dev/null &
		TLS_PID=$!
		harness_track "$TLS_PID" "$T/stunnel-srv.conf"
	fi
	harness_wait_port 127.0.0.1 "$TLS_PORT" 15
}
stop_tls() {
	local marker=$T/stunnel-srv.conf
	[ $TLS_MODE = stunnel ] || marker=$T/efsgw-tls.conf
	harness_kill "$TLS_PID" "$marker" TERM 10
}
start_tls || harness_bail "TLS endpoint ($TLS_MODE) did not start"
note "TLS endpoint: $TLS_MODE on 127.0.0.1:$TLS_PORT -> Ganesha on 127.0.0.1:$BACKEND_PORT"
# Paths as seen through the TLS endpoint: efsgw shows the export as "/",
# Ganesha (behind stunnel) as /export.
if [ $TLS_MODE = efsgw ]; then ROOT=/; else ROOT=/export; fi
p() { local rel=${1#/}; if [ "$ROOT" = / ]; then echo "/$rel"; else echo "$ROOT/$rel"; fi; }

# ------------------------------------------------------------ option errors
OPTS="tls,iam,token=$T/token,accesspoint=$AP,mounttargetip=127.0.0.1,mounttargetport=$TLS_PORT,cafile=$T/ca.pem,region=test-region-1,dnssuffix=example.net,statedir=$STATE"
check_exit "bad file system id is a usage error" 1 "$MOUNT" -T -o "$OPTS" fs-xyz
check_exit "iam without a token is refused" 1 "$MOUNT" -T -o tls,iam,mounttargetip=127.0.0.1,region=r fs-12345678
check_exit "a missing token file fails before the tunnel starts" 32 \
	"$MOUNT" -T -o "${OPTS/token=$T\/token/token=$T/nope}" $FS
out=$("$MOUNT" -T -o "tls,region=r,mounttargetip=127.0.0.1,awsprofile=x" $FS 2>&1) || true
case $out in *"token=FILE"*) pass "efs-utils-only options get a clear message" ;;
*) fail "efs-utils-only options get a clear message" "$out" ;; esac
out=$("$MOUNT" -f -o "$OPTS,rsize=65536" $FS:/sub /mnt 2>&1) || true
case $out in *"-t nfs4 -o nfsvers=4.1,wsize=1048576,hard,timeo=600,retrans=2,noresvport,rsize=65536,port="*" 127.0.0.1:/sub /mnt") pass "fake mount prints the NFS mount command" ;;
*) fail "fake mount prints the NFS mount command" "$out" ;; esac

# efs-utils' own options never reach mount -t nfs4.
out=$("$MOUNT" -f -o "$OPTS,az=us-east-1a,verify=2,crossaccount,noocsp,capath=/etc/ssl/certs,rsize=65536" $FS:/ /mnt 2>&1) || true
case $out in
*"-o nfsvers=4.1,"*)
	case $out in
	*az=*|*verify=*|*crossaccount*|*ocsp*|*capath=*|*tls*) fail "efs-utils options are filtered out" "$out" ;;
	*) pass "efs-utils options are filtered out" ;;
	esac ;;
*) fail "efs-utils options are filtered out" "$out" ;;
esac
check_exit "verify=0 is refused" 1 "$MOUNT" -f -o "$OPTS,verify=0" $FS /mnt
check_exit "tls with notls is refused" 1 "$MOUNT" -f -o "$OPTS,notls" $FS /mnt

# A mount that cannot work fails now, on stderr, with the reason (the
# probe's own time limit bounds each: 15 s).
# expect_mount_error NAME PATTERN OPTS
expect_mount_error() {
	local name=$1 pat=$2 opts=$3 rc=0
	"$MOUNT" -f -o "$opts" $FS /mnt >"$T/me.out" 2>"$T/me.err" || rc=$?
	if [ "$rc" = 32 ] && grep -q -- "$pat" "$T/me.err"; then pass "$name"
	else fail "$name" "exit $rc: $(cat "$T/me.err" "$T/me.out")"; fi
}
expect_mount_error "a certificate for another name: verification error on stderr" \
	"certificate verification failed.*expected name wrong.example.net" "$OPTS,verifyname=wrong.example.net"
harness_free_port; CLOSED_PORT=$HARNESS_PORT
expect_mount_error "an unreachable gateway: connect error on stderr" \
	"cannot connect to the gateway 127.0.0.1:$CLOSED_PORT" "${OPTS/mounttargetport=$TLS_PORT/mounttargetport=$CLOSED_PORT}"
expect_mount_error "an unknown name: DNS error on stderr" \
	"cannot resolve $FS.efs.test-region-1.invalid" "${OPTS/mounttargetip=127.0.0.1,/},dnssuffix=invalid"
expect_mount_error "mounttargetip takes IPv6" \
	"gateway \\[::1\\]:$CLOSED_PORT" "${OPTS/mounttargetip=127.0.0.1,mounttargetport=$TLS_PORT/mounttargetip=::1,mounttargetport=$CLOSED_PORT}"

# Defaults from a config file (efs-utils.conf's role); -o overrides.
printf '%s\n' "# efsgw-mount defaults" "region = test-region-1" "dnssuffix=example.net" \
	"cafile = $T/ca.pem" "mounttargetport = 1" >"$T/efsgw-mount.conf"
out=$(EFSGW_MOUNT_CONFIG=$T/efsgw-mount.conf "$MOUNT" -f -o "tls,iam,token=$T/token,accesspoint=$AP,mounttargetip=127.0.0.1,mounttargetport=$TLS_PORT,statedir=$STATE" $FS /mnt 2>&1) &&
	pass "defaults from efsgw-mount.conf" || fail "defaults from efsgw-mount.conf" "$out"
echo "rsize = 4096" >>"$T/efsgw-mount.conf"
rc=0; out=$(EFSGW_MOUNT_CONFIG=$T/efsgw-mount.conf "$MOUNT" -f -o tls $FS /mnt 2>&1) || rc=$?
case "$rc:$out" in 1:*"efsgw-mount.conf:6: rsize is not an efsgw-mount option"*) pass "NFS options are refused in efsgw-mount.conf" ;;
*) fail "NFS options are refused in efsgw-mount.conf" "$rc: $out" ;; esac

# ------------------------------------------------------------ tunnel
# start_tunnel NAME OPTS: efsgw-mount -T in the background; sets NAME_PID, NAME_PORT.
start_tunnel() {
	local name=$1 opts=$2 i port=
	"$MOUNT" -T -v -o "$opts" "$FS" >"$T/$name.out" 2>"$T/$name.log" </dev/null &
	eval "${name}_PID=$!"
	harness_track "$!" "$FS"
	for ((i = 0; i < 100; i++)); do
		port=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$T/$name.out")
		[ -n "$port" ] && break
		sleep 0.1
	done
	eval "${name}_PORT=$port"
	[ -n "$port" ] || return 1
	# The worker writes the certificate once it has made it.
	for ((i = 0; i < 100; i++)); do
		[ -s "$STATE/$FS.$port/certificate.pem" ] && return 0
		sleep 0.1
	done
	return 1
}
start_tunnel tun "$OPTS" || { cat "$T/tun.log"; harness_bail "efsgw-mount -T did not print its port"; }
note "tunnel pid $tun_PID on 127.0.0.1:$tun_PORT"

# The watchdog: a state directory whose supervisor is gone (killed with
# SIGKILL: nothing cleaned up) and whose mount is gone is removed; a live
# supervisor's is left alone. (Restarting the supervisor of a mount that
# is still there needs a kernel NFS mount: see docs/efsgw-mount.md.)
sh -c 'exit 0' & deadpid=$!; wait $deadpid
STALE=$STATE/$FS.1
mkdir -p "$STALE" && echo $deadpid >"$STALE/pid" && printf 'efsgw-mount\0-o\0tls\0%s\0/nonexistent-mnt\0' $FS >"$STALE/args"
: >"$STALE/certificate.pem"
check_exit "efsgw-mount --watchdog --once runs" 0 "$MOUNT" --watchdog --once -o statedir=$STATE
[ ! -e "$STALE" ] && pass "watchdog removes the state of a killed supervisor with no mount" ||
	fail "watchdog removes the state of a killed supervisor with no mount" "$(ls -la "$STALE")"
[ -s "$STATE/$FS.$tun_PORT/pid" ] && pass "watchdog leaves a live supervisor's state alone" ||
	fail "watchdog leaves a live supervisor's state alone" "$(ls -la "$STATE")"
tnfsc() { timeout -k 5 120 "$EFSGW_NFSC" -s "127.0.0.1:$1" "${@:2}"; }

random_file "$T/in.dat" $((5 * 1024 * 1024 + 1234))
check "put through the tunnel" tnfsc "$tun_PORT" put "$T/in.dat" "$(p tunnel.dat)"
check_same "the export holds the bytes" "$T/in.dat" "$EXPORT_DIR/tunnel.dat"
check "get through the tunnel" tnfsc "$tun_PORT" get "$(p tunnel.dat)" "$T/out.dat"
check_same "get is byte-exact" "$T/in.dat" "$T/out.dat"
check_eq "key cache is 0600" 600 "$(stat -c %a "$STATE"/privateKey-p256.pem 2>/dev/null)"
check_eq "per-mount certificate is 0600" 600 "$(stat -c %a "$STATE/$FS.$tun_PORT/certificate.pem" 2>/dev/null)"

# The gateway's certificate is checked: wrong name, wrong CA.
start_tunnel bad "${OPTS},verifyname=fs-ffffffffffffffff0.efs.test-region-1.example.net" || harness_bail "second tunnel"
check_fails "a gateway certificate for another name is refused" tnfsc "$bad_PORT" -t 10 null
grep -q "certificate verification failed" "$T/bad.log" && pass "the refusal is logged with the reason" ||
	fail "the refusal is logged with the reason" "$(tail -3 "$T/bad.log")"
harness_kill "$bad_PID" "$FS" TERM 10
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=other-ca \
	-keyout "$T/other-ca.key" -out "$T/other-ca.pem" 2>/dev/null
start_tunnel bad2 "${OPTS/cafile=$T\/ca.pem/cafile=$T/other-ca.pem}" || harness_bail "third tunnel"
check_fails "a gateway certificate from another CA is refused" tnfsc "$bad2_PORT" -t 10 null
harness_kill "$bad2_PID" "$FS" TERM 10

# Restart the TLS endpoint: a new client works again through the same tunnel.
stop_tls
check_fails "no TLS endpoint: the tunnel closes the client" tnfsc "$tun_PORT" -t 10 null
start_tls || harness_bail "TLS endpoint did not come back"
ok=0
for ((i = 0; i < 50; i++)); do
	if tnfsc "$tun_PORT" -t 10 stat "$(p tunnel.dat)" >/dev/null 2>&1; then ok=1; break; fi
	sleep 0.2
done
check_eq "after the endpoint restarts a new client works through the same tunnel" 1 $ok
check "and reads the file byte-exact" tnfsc "$tun_PORT" get "$(p tunnel.dat)" "$T/out2.dat"
check_same "restart: get is byte-exact" "$T/in.dat" "$T/out2.dat"

# Renewal (renew=10): a connection open across it keeps working, the
# certificate file changes, and a new client gets through with the new one.
start_tunnel ren "${OPTS},renew=10" || harness_bail "renewal tunnel"
serial1=$(openssl x509 -in "$STATE/$FS.$ren_PORT/certificate.pem" -noout -serial 2>/dev/null || true)
out=$(tnfsc "$ren_PORT" open-hold "$(p tunnel.dat)" 16 2>&1) && rc=0 || rc=$?
check_eq "a connection open across a renewal keeps working ($out)" 0 $rc
serial2=$(openssl x509 -in "$STATE/$FS.$ren_PORT/certificate.pem" -noout -serial 2>/dev/null || true)
if [ -n "$serial1" ] && [ -n "$serial2" ] && [ "$serial1" != "$serial2" ]; then pass "the certificate was renewed"
else fail "the certificate was renewed" "serials [$serial1] [$serial2]"; fi
grep -q "client certificate renewed" "$T/ren.log" && pass "renewal is logged" || fail "renewal is logged"
check "a new client works with the renewed certificate" tnfsc "$ren_PORT" stat "$(p tunnel.dat)"
harness_kill "$ren_PID" "$FS" TERM 10

# Kill the tunnel worker: the supervisor restarts it on the same port.
worker=$(pgrep -P "$tun_PID" | head -1 || true)
if [ -n "$worker" ]; then
	kill -KILL "$worker"
	ok=0
	for ((i = 0; i < 50; i++)); do
		w2=$(pgrep -P "$tun_PID" | head -1 || true)
		if [ -n "$w2" ] && [ "$w2" != "$worker" ] && tnfsc "$tun_PORT" -t 10 stat "$(p tunnel.dat)" >/dev/null 2>&1; then
			ok=1; break
		fi
		sleep 0.2
	done
	check_eq "a killed tunnel worker is restarted on the same port" 1 $ok
else
	fail "a killed tunnel worker is restarted on the same port" "no worker process under $tun_PID"
fi

# What the watchdog runs for a mount whose supervisor was killed:
# efsgw-mount --reattach with the mount's saved options and its port. It
# starts a supervisor on that port in the background, without mounting,
# and the tunnel serves at once. (Without a mount through the port the
# supervisor would stop by itself after 600 s; the test stops it first.)
harness_free_port; RE_PORT=$HARNESS_PORT
mkdir -p "$T/mnt"
check_exit "efsgw-mount --reattach starts a supervisor and returns" 0 \
	"$MOUNT" --reattach -o "$OPTS,tlsport=$RE_PORT" $FS "$T/mnt"
# The supervisor writes its pid file once it runs in the background: wait
# for it (bounded) rather than racing it.
re_pid=
for ((i = 0; i < 100; i++)); do
	re_pid=$(cat "$STATE/$FS.$RE_PORT/pid" 2>/dev/null || true)
	[ -n "$re_pid" ] && break
	sleep 0.1
done
if [ -n "$re_pid" ]; then
	harness_track "$re_pid" efsgw-mount
	ok=0
	for ((i = 0; i < 50; i++)); do
		tnfsc "$RE_PORT" -t 10 stat "$(p tunnel.dat)" >/dev/null 2>&1 && { ok=1; break; }
		sleep 0.2
	done
	check_eq "the reattached tunnel serves on the mount's port" 1 $ok
	check_exit "--reattach writes no command line of its own (the mount's stays)" 1 test -e "$STATE/$FS.$RE_PORT/args"
	harness_kill "$re_pid" efsgw-mount TERM 10
else
	fail "the reattached tunnel serves on the mount's port" "no pid file in $STATE/$FS.$RE_PORT"
fi

# ------------------------------------------------------------ presented certificate
# openssl s_server asks for a client certificate and prints the one it gets.
harness_free_port
SPORT=$HARNESS_PORT
# s_server quits at EOF on stdin: give it a FIFO that we hold open.
mkfifo "$T/s_in"
exec 7<>"$T/s_in"
openssl s_server -accept "127.0.0.1:$SPORT" -cert "$T/gw.pem" -key "$T/gw.key" -verify 1 \
	>"$T/s_server.out" 2>&1 <&7 &
SPID=$!
harness_track "$SPID" "s_server"
# The probe connection sends no certificate; s_server carries on.
harness_wait_port 127.0.0.1 "$SPORT" 10 || harness_bail "openssl s_server did not start"
start_tunnel cap "${OPTS/mounttargetport=$TLS_PORT/mounttargetport=$SPORT}" || harness_bail "capture tunnel"
timeout 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$cap_PORT; printf x >&3; sleep 2" 2>/dev/null || true
for ((i = 0; i < 50; i++)); do grep -q 'END CERTIFICATE' "$T/s_server.out" && break; sleep 0.1; done
sed -n '/^Client certificate/,/END CERTIFICATE/p' "$T/s_server.out" | sed 1d >"$T/presented.pem"
harness_kill "$cap_PID" "$FS" TERM 10
harness_kill "$SPID" "s_server" TERM 5
exec 7>&-
if openssl x509 -in "$T/presented.pem" -noout 2>/dev/null; then
	pass "the tunnel presents a client certificate"
	text=$(openssl x509 -in "$T/presented.pem" -noout -text)
	der=$(openssl asn1parse -in "$T/presented.pem" 2>/dev/null)
	# Each extension's value, decoded: the OCTET STRING after its OID.
	extval() { openssl asn1parse -in "$T/presented.pem" -strparse "$(printf '%s\n' "$der" |
		grep -A1 ":$1\$" | tail -1 | cut -d: -f1 | tr -d ' ')" 2>/dev/null; }
	case $(extval 1.3.6.1.4.1.4843.7.3) in *"UTF8STRING"*":$FS"*) pass "fs id extension (.7.3)" ;;
	*) fail "fs id extension (.7.3)" "$(extval 1.3.6.1.4.1.4843.7.3)" ;; esac
	case $(extval 1.3.6.1.4.1.4843.7.1) in *"UTF8STRING"*":$AP"*) pass "access point extension (.7.1)" ;;
	*) fail "access point extension (.7.1)" ;; esac
	case $(extval 1.3.6.1.4.1.4843.7.4) in *SEQUENCE*"UTF8STRING"*":efsgw-mount"*) pass "client info extension (.7.4)" ;;
	*) fail "client info extension (.7.4)" ;; esac
	case $(extval "$OID_JWT") in *"UTF8STRING"*":$TOKEN"*) pass "JWT extension holds the token" ;;
	*) fail "JWT extension holds the token" "OID $OID_JWT" ;; esac
	check "self-signed and its signature verifies" openssl verify -CAfile "$T/presented.pem" \
		-partial_chain -purpose any "$T/presented.pem"
	nb=$(date -d "$(openssl x509 -in "$T/presented.pem" -noout -startdate | cut -d= -f2)" +%s)
	na=$(date -d "$(openssl x509 -in "$T/presented.pem" -noout -enddate | cut -d= -f2)" +%s)
	check_eq "valid 15 min back to 3 h ahead (3 h 15 min)" 11700 $((na - nb))
	case $text in *"Subject: CN = $FS"*) pass "subject is the fs id" ;; *) fail "subject is the fs id" ;; esac
else
	fail "the tunnel presents a client certificate" "$(tail -5 "$T/s_server.out")"
fi

# ------------------------------------------------------------ stop
kill -TERM "$tun_PID"
rc=0; harness_wait_pid "$tun_PID" 15 || rc=$?
check_eq "efsgw-mount -T exits 0 on SIGTERM" 0 $rc
check_fails "the per-mount state is removed" test -e "$STATE/$FS.$tun_PORT"
if [ "$TLS_MODE" = stunnel ]; then skip "efsgw TLS endpoint" "proxy/config.c has no tls-cert yet: stunnel stood in"; fi
stop_tls
harness_done
