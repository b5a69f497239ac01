#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/tls/scope.sh - every identity is bound to the file system it was issued
# for. One efsgw serves two file systems (A and B, on the same Ganesha
# export) on two TLS listeners, and each kind of credential made for B must
# open B and be refused on A's listener: a JWT whose aud or efsgw:fs names
# B (whatever the unsigned .7.3 says), a stock efs-utils certificate signed
# for B, a client-CA certificate whose SAN names B's ARN. The JWT key checks
# that ride on the same gateway: a kid naming no configured key, an iss
# that is not the key's issuer, and identity-jwt-require-cnf turned on by
# a reload. No file-system policy: any identity that is not refused may
# mount, so "refused" here can only come from the binding checks.
. "$(dirname "$0")/../lib/harness.sh"

if [ "$HARNESS_DIRECT" = 1 ]; then
	harness_skip_all "identities are efsgw's; EFSGW_TEST_DIRECT=1 has none"
fi
harness_require_nfsc
CTL=$abs_top_builddir/ctl/efsgwctl
[ -x "$CTL" ] || harness_bail "not built: $CTL"
command -v openssl >/dev/null || harness_skip_all "openssl CLI not installed"
command -v python3 >/dev/null || harness_skip_all "python3 not installed"

FSA=fs-0aaaaaaaaaaaaaaa1
FSB=fs-0bbbbbbbbbbbbbbb2
ISS=https://issuer.test
JWT_OID=$(sed -n 's/^#define EFSGW_OID_JWT[[:space:]]*"\(.*\)"/\1/p' "$abs_top_srcdir/auth/identity.h")
[ -n "$JWT_OID" ] || harness_bail "cannot read EFSGW_OID_JWT from auth/identity.h"
harness_free_port; PORT_B=$HARNESS_PORT

mkca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$1.key" -out "$T/$1.pem" -days 2 -subj "/CN=$1" 2>/dev/null
}
mkcert() { # mkcert CA NAME SAN
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$2.key" -out "$T/$2.csr" -subj "/CN=$2" 2>/dev/null
	printf 'subjectAltName=%s\n' "$3" >"$T/$2.ext"
	openssl x509 -req -in "$T/$2.csr" -CA "$T/$1.pem" -CAkey "$T/$1.key" \
		-CAcreateserial -days 2 -extfile "$T/$2.ext" -out "$T/$2.pem" 2>/dev/null
}
# tokcert NAME TOKEN [FS]: a self-signed certificate on NAME.key (made
# first, so a token can be bound to it) carrying TOKEN, and .7.3 = FS.
tokcert() {
	local -a ext=(-addext "$JWT_OID=ASN1:UTF8String:$2")
	[ -z "${3:-}" ] || ext+=(-addext "1.3.6.1.4.1.4843.7.3=ASN1:UTF8String:$3")
	openssl req -x509 -key "$T/$1.key" -out "$T/$1.pem" -days 1 -subj "/CN=$1" \
		"${ext[@]}" 2>/dev/null || harness_bail "cannot make $1.pem"
}
newkey() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/$1.key" 2>/dev/null
}
mint() { "$CTL" token mint --key "$T/jwt.key" --alg ES256 --sub app --ttl 3600 "$@"; }

harness_efsgw_conf() {
	cat >"$T/efsgw.conf" <<-EOF
	log-level       debug
	state-dir       $T/state
	audit-log       $T/audit.log
	admin-address   none
	identity-jwt-keys $T/jwks.json
	identity-credentials $T/credentials.json
	identity-client-ca $T/clientca.pem
	${EXTRA_CONF:-}
	filesystem $FSA {
	backend         127.0.0.1:$BACKEND_PORT
	export          /export
	tls-cert        $T/server.pem
	tls-key         $T/server.key
	}
	filesystem $FSB {
	backend         127.0.0.1:$BACKEND_PORT
	export          /export
	tls-cert        $T/server.pem
	tls-key         $T/server.key
	}
	listener a {
	address         127.0.0.1:$GW_PORT
	filesystem      $FSA
	tls             yes
	}
	listener b {
	address         127.0.0.1:$PORT_B
	filesystem      $FSB
	tls             yes
	}
	EOF
}

mkdir -p "$T"
mkca serverca
mkcert serverca server "DNS:$FSA.efs.us-east-1.amazonaws.com,DNS:$FSB.efs.us-east-1.amazonaws.com"
mkca clientca
# The token key, as a JWKS whose key names its kid and issuer.
newkey jwt
openssl pkey -in "$T/jwt.key" -pubout -outform DER 2>/dev/null | python3 -c '
import base64, json, sys
d = sys.stdin.buffer.read()
b = lambda v: base64.urlsafe_b64encode(v).rstrip(b"=").decode()
print(json.dumps({"keys": [{"kty": "EC", "crv": "P-256", "use": "sig",
    "kid": "k1", "iss": sys.argv[1], "x": b(d[-64:-32]), "y": b(d[-32:])}]}))
' "$ISS" >"$T/jwks.json" || harness_bail "cannot write the JWKS"

# JWTs: bound to B by aud or by efsgw:fs; not bound; and key misuse.
for n in audb fsb fsb73 free unknownkid wrongiss cnf; do newkey "$n"; done
tokcert audb "$(mint --kid k1 --iss $ISS --aud $FSB)"
tokcert fsb "$(mint --kid k1 --iss $ISS --aud efsgw --fs $FSB)"
tokcert fsb73 "$(mint --kid k1 --iss $ISS --aud $FSB)" $FSA	# .7.3 lies
tokcert free "$(mint --kid k1 --iss $ISS --aud efsgw)"
tokcert unknownkid "$(mint --kid k2 --iss $ISS --aud efsgw)"
tokcert wrongiss "$(mint --kid k1 --iss https://other-cluster.test --aud efsgw)"
tokcert cnf "$(mint --kid k1 --iss $ISS --aud efsgw --cnf-key "$T/cnf.key")"

# Stock efs-utils certificates, signed for B.
printf '%s\n' '{"credentials": [{"access_key_id": "AKIDEFSGWTEST0000001",' \
	'  "secret_access_key": "efsgw-test-secret-0123456789abcdefghij",' \
	'  "principal": "arn:aws:iam::111122223333:role/efs-utils",' \
	'  "actions": ["elasticfilesystem:ClientMount"]}]}' >"$T/credentials.json"
chmod 0600 "$T/credentials.json"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/efsb.key" 2>/dev/null
"$CTL" cert mint-efs --key "$T/efsb.key" --fs $FSB --region us-east-1 \
	--access-key-id AKIDEFSGWTEST0000001 \
	--secret-key efsgw-test-secret-0123456789abcdefghij \
	--out "$T/efsb.pem" >/dev/null || harness_bail "efsgwctl cert mint-efs failed"

# Client-CA certificates: one naming B's ARN, one naming no file system.
mkcert clientca cab "URI:arn:aws:iam::111122223333:role/ca-app,URI:arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/$FSB"
mkcert clientca caany "URI:arn:aws:iam::111122223333:role/ca-app"

harness_start
chmod 0777 "$EXPORT_DIR"

tlsc() { # tlsc a|b CERTNAME nfsc-args...
	local port=$GW_PORT fs=$FSA who=$2
	[ "$1" = b ] && { port=$PORT_B; fs=$FSB; }
	shift 2
	timeout -k 5 60 "$EFSGW_NFSC" -s "127.0.0.1:$port" --tls --cafile "$T/serverca.pem" \
		--servername "$fs.efs.us-east-1.amazonaws.com" \
		--cert "$T/$who.pem" --key "$T/$who.key" "$@"
}

connects() { grep -c '"event":"connect"' "$T/audit.log" || true; }
connect_line() { # connect_line N: the Nth connect audit line, within 5 s
	local i line
	for i in $(seq 50); do
		line=$(grep '"event":"connect"' "$T/audit.log" | sed -n "$1p")
		[ -n "$line" ] && { printf '%s\n' "$line"; return 0; }
		sleep 0.1
	done
	return 1
}
# refused WHY LISTENER CERT: the mount fails, and the gateway's reason
# (the audit line of that connection) names the check WHY.
refused() {
	local n line rc=0
	n=$(connects)
	tlsc "$2" "$3" ls / >/dev/null 2>&1 || rc=$?
	[ $rc = 1 ] || { echo "# mount exit $rc"; return 1; }
	line=$(connect_line $((n + 1))) || { echo "# no audit line"; return 1; }
	case $line in
	*'"decision":"deny"'*"$1"*|*"$1"*'"decision":"deny"'*) return 0 ;;
	esac
	echo "# $line"
	return 1
}

check "a token whose aud is B mounts B" tlsc b audb ls /
check "a token whose aud is B is refused on A" refused jwt_audience a audb
check "...even when its unsigned .7.3 says A" refused jwt_audience a fsb73
check "a token with efsgw:fs B mounts B" tlsc b fsb ls /
check "a token with efsgw:fs B is refused on A" refused fs_id_matches_expected a fsb
check "a token naming no file system mounts A" tlsc a free ls /
check "an efs-utils certificate signed for B mounts B" tlsc b efsb ls /
check "an efs-utils certificate signed for B is refused on A" refused fs_id_matches_expected a efsb
check "a client-CA certificate naming B's ARN mounts B" tlsc b cab ls /
check "a client-CA certificate naming B's ARN is refused on A" refused mtls_fs a cab
check "a client-CA certificate naming no file system mounts A" tlsc a caany ls /
check "a token whose kid names no configured key is refused" refused jwt_unknown_kid a unknownkid
check "a token whose iss is not its key's issuer is refused" refused jwt_issuer a wrongiss

# identity-jwt-require-cnf, by reload: a token without cnf stops working,
# one bound to its certificate's key keeps working.
check "a token without cnf mounts while cnf is optional" tlsc a free ls /
EXTRA_CONF="identity-jwt-require-cnf yes"
harness_efsgw_conf
kill -HUP "$HARNESS_EFSGW_PID"
for i in $(seq 50); do
	grep -qE 'configuration reloaded|reload failed' "$T/efsgw.log" && break
	sleep 0.1
done
sleep 1
check "with identity-jwt-require-cnf a token without cnf is refused" refused jwt_cnf a free
check "with identity-jwt-require-cnf a cnf-bound token mounts" tlsc a cnf ls /

check "gateway still running" harness_gateway_alive
harness_stop
harness_done
