#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/tls/tls.sh - TLS mount targets, identities and the file-system policy,
# end to end: NFS-Ganesha behind an efsgw with a TLS listener and a plain
# one, clients from t/nfsc/efsgw-nfsc over TLS presenting certificates made
# here (a JWT in efsgw's extension, a client-CA certificate, none at all).
# Pins: the policy's SecureTransport condition refuses plain TCP; the
# anonymous client reads but cannot write; the JWT principal may write;
# an expired or wrongly-addressed token is a denied mount; a policy
# tightened while a client is connected takes effect on that connection;
# TLS garbage and a stalled handshake do not block another client; the
# audit log has one JSON line per decision.
. "$(dirname "$0")/../lib/harness.sh"

if [ "$HARNESS_DIRECT" = 1 ]; then
	harness_skip_all "TLS and identities are efsgw's; EFSGW_TEST_DIRECT=1 has none"
fi
harness_require_nfsc
CTL=$abs_top_builddir/ctl/efsgwctl
[ -x "$CTL" ] || harness_bail "not built: $CTL"
command -v openssl >/dev/null || harness_skip_all "openssl CLI not installed"

FS=fs-0123456789abcdef0
NAME=$FS.efs.us-east-1.amazonaws.com
PRINCIPAL=arn:aws:iam::111122223333:role/app
ISS=https://issuer.test
JWT_OID=$(sed -n 's/^#define EFSGW_OID_JWT[[:space:]]*"\(.*\)"/\1/p' "$abs_top_srcdir/auth/identity.h")
[ -n "$JWT_OID" ] || harness_bail "cannot read EFSGW_OID_JWT from auth/identity.h"
harness_free_port; TLS_PORT=$HARNESS_PORT

# Make a CA ($1 name), and a certificate ($2) signed by it with SAN $3.
mkca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$1.key" -out "$T/$1.pem" -days 2 -subj "/CN=$1" 2>/dev/null
}
mkcert() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$2.key" -out "$T/$2.csr" -subj "/CN=$2" 2>/dev/null
	printf 'subjectAltName=%s\n' "$3" >"$T/$2.ext"
	openssl x509 -req -in "$T/$2.csr" -CA "$T/$1.pem" -CAkey "$T/$1.key" \
		-CAcreateserial -days 2 -extfile "$T/$2.ext" -out "$T/$2.pem" 2>/dev/null
}
# A self-signed client certificate ($1) carrying token $2 in efsgw's extension.
mktokencert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$1.key" -out "$T/$1.pem" -days 1 -subj "/CN=$1" \
		-addext "$JWT_OID=ASN1:UTF8String:$2" 2>/dev/null
}

# Policy: mount only over TLS, write only for the JWT principal and the
# mTLS principal, root for nobody but the JWT principal's own grants.
write_policy() {
	cat >"$T/policy.json" <<-EOF
	{"Version": "2012-10-17", "Statement": [
	 {"Sid": "MountOverTls", "Effect": "Allow", "Principal": {"AWS": "*"},
	  "Action": "elasticfilesystem:ClientMount",
	  "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
	 {"Sid": "AppWrites", "Effect": "Allow",
	  "Principal": {"AWS": ["$PRINCIPAL", "arn:aws:iam::111122223333:role/writer",
    "arn:aws:iam::111122223333:role/efs-utils"]},
	  "Action": "elasticfilesystem:ClientWrite"},
	 {"Sid": "NoPlain", "Effect": "Deny", "Principal": {"AWS": "*"},
	  "Action": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
	]}
	EOF
}

harness_efsgw_conf() {
	cat >"$T/efsgw.conf" <<-EOF
	log-level       debug
	state-dir       $T/state
	audit-log       $T/audit.log
	admin-address   none
	handshake-timeout 2
	# No skew, so that a token one second past exp is expired at connect
	# and on every call alike (one rule: now >= exp + skew + 1).
	identity-clock-skew 0
	identity-jwt-keys $T/jwt.pub
	identity-jwt-issuer $ISS
	identity-client-ca $T/clientca.pem
	identity-credentials $T/credentials.json
	filesystem $FS {
	backend         127.0.0.1:$BACKEND_PORT
	export          /export
	policy          $T/policy.json
	tls-cert        $T/server.pem
	tls-key         $T/server.key
	}
	listener test {
	address         127.0.0.1:$GW_PORT
	}
	listener secure {
	address         127.0.0.1:$TLS_PORT
	tls             yes
	}
	EOF
}

mkdir -p "$T"
mkca serverca
mkcert serverca server "DNS:$NAME"
mkca clientca
mkcert clientca writer "URI:arn:aws:iam::111122223333:role/writer"
mkca rogueca
mkcert rogueca rogue "URI:arn:aws:iam::111122223333:role/writer"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/jwt.key" 2>/dev/null
openssl pkey -in "$T/jwt.key" -pubout -out "$T/jwt.pub" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/other.key" 2>/dev/null
write_policy
TOKEN=$("$CTL" token mint --iss "$ISS" --key "$T/jwt.key" --alg ES256 --sub app --principal "$PRINCIPAL" --aud efsgw --fs $FS)
mktokencert app "$TOKEN"
OLD=$("$CTL" token mint --iss "$ISS" --key "$T/jwt.key" --alg ES256 --sub app --principal "$PRINCIPAL" --aud efsgw --ttl 1)
WRONGAUD=$("$CTL" token mint --iss "$ISS" --key "$T/jwt.key" --alg ES256 --sub app --principal "$PRINCIPAL" --aud somebody-else)
FORGED=$("$CTL" token mint --iss "$ISS" --key "$T/other.key" --alg ES256 --sub app --principal "$PRINCIPAL" --aud efsgw)
mktokencert wrongaud "$WRONGAUD"
mktokencert forged "$FORGED"
# Stock efs-utils: a certificate carrying the SigV4 extension, as
# `mount -t efs -o tls,iam` makes it, checked against this credentials file.
printf '%s\n' '{"credentials": [{"access_key_id": "AKIDEFSGWTEST0000001",' \
	'  "secret_access_key": "efsgw-test-secret-0123456789abcdefghij",' \
	'  "principal": "arn:aws:iam::111122223333:role/efs-utils",' \
	'  "actions": ["elasticfilesystem:ClientMount"]}]}' >"$T/credentials.json"
chmod 0600 "$T/credentials.json"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/efsutils.key" 2>/dev/null
mint_efs() { # mint_efs OUT FS SECRET
	"$CTL" cert mint-efs --key "$T/efsutils.key" --fs "$2" --region us-east-1 \
		--access-key-id AKIDEFSGWTEST0000001 --secret-key "$3" \
		--out "$T/$1.pem" >/dev/null || harness_bail "efsgwctl cert mint-efs failed"
	cp "$T/efsutils.key" "$T/$1.key" 2>/dev/null || true
}
mint_efs efsutils $FS efsgw-test-secret-0123456789abcdefghij
mint_efs badsig $FS wrong-secret-0123456789abcdefghijklm
mint_efs otherfs fs-99999999 efsgw-test-secret-0123456789abcdefghij
harness_start
chmod 0777 "$EXPORT_DIR"

tlsc() { # tlsc CERTNAME|none nfsc-args...
	local who=$1; shift
	local -a id=()
	[ "$who" = none ] || id=(--cert "$T/$who.pem" --key "$T/$who.key")
	timeout -k 5 60 "$EFSGW_NFSC" -s "127.0.0.1:$TLS_PORT" --tls --cafile "$T/serverca.pem" \
		--servername "$NAME" "${id[@]}" "$@"
}
head -c 100000 /dev/urandom >"$T/data"

check "anonymous over TLS can read (ls /)" tlsc none ls /
check_exit "anonymous over TLS cannot write (ROFS)" 1 tlsc none put "$T/data" /anon
check_exit "plain TCP is refused by the policy (SecureTransport)" 1 nfsc ls /
check "JWT principal writes over TLS" tlsc app put "$T/data" /app-file
check_same "JWT principal's file is on the export" "$T/data" "$EXPORT_DIR/app-file"
check "JWT principal reads it back" tlsc app get /app-file "$T/back"
check_same "read back over TLS" "$T/data" "$T/back"
check "client-CA certificate (SAN URI) writes" tlsc writer put "$T/data" /writer-file
check "an efs-utils SigV4 certificate mounts and writes" tlsc efsutils put "$T/data" /efsutils-file
check_same "the efs-utils client's file is on the export" "$T/data" "$EXPORT_DIR/efsutils-file"
check_exit "a SigV4 certificate signed with the wrong secret is refused" 1 tlsc badsig ls /
check_exit "a SigV4 certificate for another file system is refused" 1 tlsc otherfs ls /
check_exit "a certificate from an untrusted CA gets no write" 1 tlsc rogue put "$T/data" /rogue-file
check_exit "a token for another audience is a denied mount" 1 tlsc wrongaud ls /
check_exit "a token signed by the wrong key is a denied mount" 1 tlsc forged ls /
sleep 2
mktokencert old "$OLD"
check_exit "an expired token is a denied mount" 1 tlsc old ls /
check_exit "a wrong server name fails verification" 2 timeout 30 "$EFSGW_NFSC" -s "127.0.0.1:$TLS_PORT" \
	--tls --cafile "$T/serverca.pem" --servername fs-99999999.efs.us-east-1.amazonaws.com ls /

# Session resumption (RFC 8446 §2.2): a second handshake reuses the first.
sclient() { # sclient ARGS..: one handshake with openssl s_client, no I/O
	timeout 10 openssl s_client -connect "127.0.0.1:$TLS_PORT" -servername "$NAME" \
		-CAfile "$T/serverca.pem" "$@" </dev/null 2>&1
}
sclient -tls1_2 -sess_out "$T/sess" >/dev/null
# The gateway's TLS 1.3 preference: AES-128-GCM, even when the client
# lists AES-256-GCM first (OpenSSL's own default order does).
check "TLS 1.3 settles on the gateway's first suite, AES-128-GCM" bash -c "$(declare -f sclient); T=$T TLS_PORT=$TLS_PORT NAME=$NAME; sclient -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256 | grep -q 'Cipher is TLS_AES_128_GCM_SHA256'"
check "a TLS 1.2 session is resumed" bash -c "$(declare -f sclient); T=$T TLS_PORT=$TLS_PORT NAME=$NAME; sclient -tls1_2 -sess_in '$T/sess' | grep -q '^Reused'"

# A client-CA identity survives resumption: the verify callback does not
# run on a resumed handshake, so the verdict must travel in the session
# (TLS 1.2 session cache and tickets, TLS 1.3 tickets).
connects() { grep -c '"event":"connect"' "$T/audit.log" || true; }
# The audit line of connect number $1, waiting up to 5 s for it.
connect_line() {
	local i line
	for i in $(seq 50); do
		line=$(grep '"event":"connect"' "$T/audit.log" | sed -n "$1p")
		[ -n "$line" ] && { printf '%s\n' "$line"; return 0; }
		sleep 0.1
	done
	return 1
}
# resume_keeps VERSION [CERT PATTERN]: full handshake, then a resumed one,
# with CERT (default writer's client-CA certificate); the audit lines of
# both must match PATTERN (default: writer's principal, via mtls).
resume_keeps() {
	local n full resumed cert=${2:-writer}
	local want=${3:-'"principal":"arn:aws:iam::111122223333:role/writer"*"identity":"mtls"'}
	rm -f "$T/sess-ca"
	n=$(connects)
	# stdin open for a second: TLS 1.3 tickets come after the handshake.
	sleep 1 | timeout 10 openssl s_client -connect "127.0.0.1:$TLS_PORT" \
		-servername "$NAME" -CAfile "$T/serverca.pem" "-$1" \
		-cert "$T/$cert.pem" -key "$T/$cert.key" -sess_out "$T/sess-ca" \
		>/dev/null 2>&1
	full=$(connect_line $((n + 1))) || return 1
	sleep 1 | timeout 10 openssl s_client -connect "127.0.0.1:$TLS_PORT" \
		-servername "$NAME" -CAfile "$T/serverca.pem" "-$1" \
		-cert "$T/$cert.pem" -key "$T/$cert.key" -sess_in "$T/sess-ca" \
		2>&1 | grep -q '^Reused' || { echo "# $1: not resumed"; return 1; }
	resumed=$(connect_line $((n + 2))) || return 1
	printf '# full:    %s\n# resumed: %s\n' "$full" "$resumed"
	for l in "$full" "$resumed"; do
		# shellcheck disable=SC2254 # want is a pattern
		case $l in
		*$want*) ;;
		*) return 1 ;;
		esac
	done
}
check "a client-CA identity is kept across TLS 1.2 resumption" resume_keeps tls1_2
check "a client-CA identity is kept across TLS 1.3 resumption" resume_keeps tls1_3
check "an untrusted CA's certificate stays anonymous when resumed (1.2)" \
	resume_keeps tls1_2 rogue '"principal":"anonymous"*"identity":"anonymous"'
check "an untrusted CA's certificate stays anonymous when resumed (1.3)" \
	resume_keeps tls1_3 rogue '"principal":"anonymous"*"identity":"anonymous"'

# Certificate rotation: SIGHUP, new connections get the new certificate,
# a connection open across the reload keeps working.
tlsc app open-hold /app-file 6 >"$T/rot-hold.out" 2>&1 &
RHOLD=$!
sleep 1
old_serial=$(sclient | openssl x509 -noout -serial 2>/dev/null)
mkcert serverca server "DNS:$NAME"
kill -HUP "$HARNESS_EFSGW_PID"
sleep 1
new_serial=$(sclient | openssl x509 -noout -serial 2>/dev/null)
check "new connections get the reloaded certificate" test -n "$new_serial" -a "$new_serial" != "$old_serial"
rc=0; wait "$RHOLD" || rc=$?
check_eq "a connection open across the certificate reload kept working" 0 "$rc"

# Garbage and a stalled handshake must not block another client.
printf 'GET / HTTP/1.0\r\n\r\n' | timeout 5 bash -c "cat >/dev/tcp/127.0.0.1/$TLS_PORT" || true
exec 7<>"/dev/tcp/127.0.0.1/$TLS_PORT"
check "a client handshakes while another stalls" tlsc app ls /
sleep 3
check "the stalled handshake was closed by handshake-timeout" grep -q 'TLS handshake failed: timed out' "$T/efsgw.log"
exec 7>&-

# Tighten the policy under a connected client: its reads must stop.
tlsc app open-hold /app-file 8 >"$T/hold.out" 2>&1 &
HOLD=$!
sleep 2
cat >"$T/policy.json" <<-EOF
{"Version": "2012-10-17", "Statement": [
 {"Sid": "NobodyNow", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*"}
]}
EOF
kill -HUP "$HARNESS_EFSGW_PID"
rc=0; wait "$HOLD" || rc=$?
check "the held client saw the tightened policy" test "$rc" != 0
check "the gateway re-decided the live connection" grep -q '"event":"reauthorize"' "$T/audit.log"
check_exit "a new client is refused under the new policy" 1 tlsc app ls /

# A policy that does not parse is refused at reload and the old one stays.
printf '{"Version": "2012-10-17", "Statement": [' >"$T/policy.json"
kill -HUP "$HARNESS_EFSGW_PID"
sleep 1
check "a broken policy is refused at reload" grep -q 'reload failed' "$T/efsgw.log"
check_exit "the previous policy still applies" 1 tlsc app ls /
# No SIGHUP this time: the gateway notices the file changed.
write_policy
sleep 4
check "a fixed policy file is picked up without SIGHUP" tlsc app ls /

check "audit: a connect line names the JWT principal" grep -q "\"principal\":\"$PRINCIPAL\".*\"identity\":\"jwt\"" "$T/audit.log"
check "audit: the efs-utils client is identified by SigV4" grep -q '"identity":"sigv4"' "$T/audit.log"
check "audit: denials are logged" grep -q '"event":"deny"' "$T/audit.log"
check "audit: lines are JSON" /usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/audit.log"
check "gateway still running" harness_gateway_alive
harness_stop
harness_done
