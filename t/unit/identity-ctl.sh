#!/bin/bash
# efsgw - efsgwctl token and cert from the outside: a minted RS256/ES256
# token verifies with its public key and not with another one, HS256
# refuses a PEM key as its secret (RFC 8725 §2.1), cert inspect decodes the
# efs-utils vector, and cert check gives the manifest's decision for a
# vector and a tampered copy at the vector's time, with exit status 0/1/2;
# cert mint-efs rebuilds every efs-utils vector byte for byte, and what it
# mints now is accepted by cert check with the matching credentials only.
#
# SPDX-License-Identifier: Apache-2.0
set -u
B=${abs_top_builddir:-$(pwd)}
S=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
CTL="$B/ctl/efsgwctl"
V="$S/t/unit/vectors/01_iam_ap_session_token"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0

# expect STATUS PATTERN ARGS...: run efsgwctl, check status and output.
expect() {
	local want=$1 pat=$2 got
	shift 2
	"$CTL" "$@" >"$T/out" 2>&1
	got=$?
	if [ "$got" != "$want" ] || ! grep -q -- "$pat" "$T/out"; then
		echo "FAIL: efsgwctl $* -> $got (want $want, /$pat/)"
		cat "$T/out"
		fail=1
	else
		echo "ok: efsgwctl $1 ${2:-} -> $got (/$pat/)"
	fi
}

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/rsa.pem" 2>/dev/null
openssl pkey -in "$T/rsa.pem" -pubout -out "$T/rsa.pub"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/rsa2.pem" 2>/dev/null
openssl pkey -in "$T/rsa2.pem" -pubout -out "$T/rsa2.pub"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/ec.pem"
openssl pkey -in "$T/ec.pem" -pubout -out "$T/ec.pub"

"$CTL" token mint --key "$T/rsa.pem" --alg RS256 --sub app --aud efsgw \
    --actions ClientMount,ClientWrite --fs fs-1 --ttl 600 >"$T/rs.tok" || fail=1
"$CTL" token mint --key "$T/ec.pem" --alg ES256 --sub app --aud efsgw \
    --cnf-key "$T/ec.pub" >"$T/es.tok" || fail=1
expect 0 "signature: valid" token inspect "$(cat "$T/rs.tok")" --key "$T/rsa.pub"
expect 0 "grants ClientMount,ClientWrite" token inspect - --key "$T/rsa.pub" --aud efsgw <"$T/rs.tok"
expect 1 "signature: INVALID" token inspect "$(cat "$T/rs.tok")" --key "$T/rsa2.pub"
expect 1 "jwt_audience" token inspect "$(cat "$T/rs.tok")" --key "$T/rsa.pub" --aud other
expect 0 "jkt" token inspect "$(cat "$T/es.tok")" --key "$T/ec.pub"
expect 1 "signature: INVALID" token inspect "$(cat "$T/es.tok")" --key "$T/rsa.pub"
expect 0 "signature: not checked" token inspect "$(cat "$T/es.tok")"
expect 1 "jwt_format" token inspect "not.a.token!"
expect 1 "not a PEM key" token mint --key "$T/rsa.pem" --alg HS256 --sub s --aud a
expect 1 "not a PEM private key for ES256" token mint --key "$T/rsa.pem" --alg ES256 --sub s --aud a
expect 2 "RS256, ES256 or HS256" token mint --key "$T/rsa.pem" --alg none --sub s --aud a
expect 2 "usage" token

expect 0 "PublicKeyHash    a34f187c89ac3830304c3425ed9af122481b5d79" cert inspect "$V/cert.pem"
expect 0 "sessionToken 28 bytes" cert inspect "$V/cert.pem"
cp "$S/etc/credentials.json" "$T/creds.json"
chmod 600 "$T/creds.json"
expect 0 "principal: arn:aws:iam::111122223333:role/efs-client" cert check "$V/cert.pem" \
    --region us-east-1 --credentials "$T/creds.json" --at 2026-11-26T12:00:00Z
expect 1 "REFUSED: sigv4_signature" cert check "$V/tampered/other_key_same_extensions.pem" \
    --region us-east-1 --credentials "$T/creds.json" --at 2026-11-26T12:00:00Z
expect 1 "REFUSED: x509_self_signature" cert check "$V/tampered/access_point_not_resigned.pem" \
    --region us-east-1 --credentials "$T/creds.json" --at 2026-11-26T12:00:00Z
expect 1 "REFUSED: x509_validity" cert check "$V/cert.pem" \
    --region us-east-1 --credentials "$T/creds.json" --at 2026-11-27T12:00:00Z
expect 1 "REFUSED: fs_id_matches_expected" cert check "$V/cert.pem" --fs fs-99 \
    --region us-east-1 --credentials "$T/creds.json" --at 2026-11-26T12:00:00Z
chmod 644 "$T/creds.json"
expect 1 "chmod 600" cert check "$V/cert.pem" --region us-east-1 --credentials "$T/creds.json"
expect 2 "usage" cert frobnicate

# cert mint-efs: with the vectors' key, time, CN and inputs it must rebuild
# each efs-utils certificate byte for byte (vector 05 is the watchdog's
# refresh, whose client info values carry a leading space), and print the
# signature vector.json records.
VS=$S/t/unit/vectors
SECRET='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
printf '%s\n' "$SECRET" >"$T/secret"
# mint_vector N EXTRA-ARGS...: mint vector N's certificate into $T/vN.pem.
mint_vector() {
	local n=$1
	shift
	"$CTL" cert mint-efs --key "$VS/01_iam_ap_session_token/key.pem" \
	    --fs fs-0123456789abcdef0 --region us-east-1 \
	    --access-key-id AKIDEXAMPLE0EFSGW01 --secret-file "$T/secret" \
	    --cn efsgw-vector-client --out "$T/v$n.pem" "$@" >"$T/mint.out" 2>&1
}
TOK=IQoJb3JpZ2luX2VjEXAMPLETOKEN
AP=fsap-0123456789abcdef0
for args in "01 --access-point $AP --session-token $TOK --at 2026-11-26T12:00:00Z --client-info unknown,3.2.0" \
    "02 --access-point $AP --at 2026-11-26T12:00:00Z --client-info unknown,3.2.0" \
    "03 --session-token $TOK --at 2026-11-26T12:00:00Z --client-info unknown,3.2.0" \
    "04 --access-point $AP --session-token IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+EXAMPLE+TOKEN/VALUE== --at 2026-11-26T12:00:00Z --client-info unknown,3.2.0" \
    "05 --access-point $AP --session-token $TOK --at 2026-11-26T13:00:00Z --client-info ' unknown, 3.2.0'"; do
	eval "mint_vector $args"
	n=${args%% *}
	want=$(sed -n 's/.*"signature_hex": "\([0-9a-f]*\)".*/\1/p' "$VS/${n}"_*/vector.json)
	if ! openssl x509 -in "$T/v$n.pem" -outform DER >"$T/v$n.der" 2>/dev/null ||
	    ! openssl x509 -in "$VS/${n}"_*/cert.pem -outform DER | cmp -s - "$T/v$n.der"; then
		echo "FAIL: cert mint-efs does not rebuild vector $n byte for byte"
		cat "$T/mint.out"
		fail=1
	elif [ -z "$want" ] || ! grep -q "signature $want" "$T/mint.out"; then
		echo "FAIL: cert mint-efs vector $n: signature is not $want"
		cat "$T/mint.out"
		fail=1
	else
		echo "ok: cert mint-efs rebuilds vector $n (signature ${want:0:8}...)"
	fi
done
chmod 600 "$T/creds.json"
expect 0 "principal: arn:aws:iam::111122223333:role/efs-client" cert check "$T/v01.pem" \
    --region us-east-1 --credentials "$T/creds.json" --at 2026-11-26T12:00:00Z

# A certificate minted now with a new key is accepted by cert check with
# the matching credentials, RSA or EC, and refused with the wrong secret,
# region, file system or session token.
expect 0 "signature" cert mint-efs --key "$T/rsa.pem" --fs fs-0123456789abcdef0 \
    --access-point $AP --region eu-west-1 --access-key-id AKIDEXAMPLE0EFSGW01 \
    --secret-file "$T/secret" --out "$T/now-rsa.pem"
expect 0 "principal: arn:aws:iam::111122223333:role/efs-client" cert check "$T/now-rsa.pem" \
    --region eu-west-1 --credentials "$T/creds.json" --fs fs-0123456789abcdef0
expect 0 "ap:        $AP" cert check "$T/now-rsa.pem" --region eu-west-1 --credentials "$T/creds.json"
expect 1 "REFUSED: sigv4_signature" cert check "$T/now-rsa.pem" \
    --region us-east-1 --credentials "$T/creds.json"
expect 1 "REFUSED: fs_id_matches_expected" cert check "$T/now-rsa.pem" \
    --region eu-west-1 --credentials "$T/creds.json" --fs fs-0fedcba9876543210
expect 0 "signature" cert mint-efs --key "$T/ec.pem" --fs fs-12345678 \
    --region us-east-1 --access-key-id ASIAEXAMPLE0EFSGW02 \
    --secret-key je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY \
    --session-token IQoJb3JpZ2luX2VjEXAMPLETOKEN02 --cn test --out "$T/now-ec.pem"
expect 0 "grants:    ClientMount,ClientWrite,ClientRootAccess" cert check "$T/now-ec.pem" \
    --region us-east-1 --credentials "$T/creds.json"
expect 0 "signature" cert mint-efs --key "$T/ec.pem" --fs fs-12345678 \
    --region us-east-1 --access-key-id ASIAEXAMPLE0EFSGW02 \
    --secret-key je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY \
    --session-token IQoJb3JpZ2luX2VjOTHERTOKEN --out "$T/now-ec2.pem"
expect 1 "REFUSED: sigv4_session_token" cert check "$T/now-ec2.pem" \
    --region us-east-1 --credentials "$T/creds.json"
expect 0 "signature" cert mint-efs --key "$T/rsa.pem" --fs fs-12345678 \
    --region us-east-1 --access-key-id AKIDEXAMPLE0EFSGW01 \
    --secret-key wrong-secret --out "$T/bad-secret.pem"
expect 1 "REFUSED: sigv4_signature" cert check "$T/bad-secret.pem" \
    --region us-east-1 --credentials "$T/creds.json"
expect 1 "REFUSED: x509_validity" cert check "$T/now-rsa.pem" --region eu-west-1 \
    --credentials "$T/creds.json" --at 2000-01-01T00:00:00Z
expect 2 "needs --key" cert mint-efs --key "$T/rsa.pem" --fs fs-12345678
expect 2 "YYYY-MM-DDTHH:MM:SSZ" cert mint-efs --at yesterday
expect 1 "not a PEM private key" cert mint-efs --key "$T/rsa.pub" --fs fs-12345678 \
    --region us-east-1 --access-key-id A --secret-key s --out "$T/x.pem"
exit $fail
