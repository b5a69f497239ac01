/*
 * efsgw - JWT identities (RFC 7519) carried in efsgw's certificate
 * extension: the verification keys (PEM public keys, a JWKS file, an
 * optional HS256 secret), the choice of key for a token, the signature
 * check through libjwt 1.10, and the claim checks libjwt 1.10 does not do
 * (exp/nbf/iat with skew, aud, the RFC 7800 cnf binding to the certificate).
 *
 * The key decides the algorithm, never the token: an RSA key verifies only
 * RS256, an EC P-256 key only ES256, and HS256 needs its own configured
 * secret. A token saying "none", or "HS256" while only RSA keys exist, never
 * reaches libjwt with a key it could misuse (the classic RS/HS confusion,
 * RFC 8725 §2.1 and §3.1).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "identity.h"

#define JWT_MAX_KEYS		64
#define JWT_MAX_AUD		16
#define JWT_MAX_KEYFILE		(1024 * 1024)
#define JWT_MIN_RSA_BITS	2048
#define JWT_MIN_HS_KEY		32	/* RFC 7518 §3.2: >= hash size */
#define JWT_MAX_ISS		256

enum jwt_key_kind { JWT_KEY_RSA, JWT_KEY_EC };

/* One verification key, re-encoded as PEM for libjwt. */
struct jwt_key {
	enum jwt_key_kind kind;
	char		*pem;
	size_t		 pemlen;
	char		 kid[128];	/* "" for PEM keys without one */
	char		 iss[JWT_MAX_ISS];  /* issuer it signs for; "" unbound */
	EVP_PKEY	*pk;		/* the same key, parsed once */
};

struct jwt_verifier {
	struct jwt_key	 keys[JWT_MAX_KEYS];
	size_t		 nkeys;
	unsigned char	*hs;		/* HS256 secret, NULL = HS256 off */
	size_t		 hslen;
	char		 hs_iss[JWT_MAX_ISS];	/* the secret's issuer */
	char		 issuer[JWT_MAX_ISS];	/* for keys naming none */
	char		*aud[JWT_MAX_AUD];
	size_t		 naud;
	int		 require_cnf;
};

struct jwt_verifier *
jwt_verifier_new(void)
{
	return xcalloc(1, sizeof(struct jwt_verifier));
}

void
jwt_verifier_free(struct jwt_verifier *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nkeys; i++) {
		free(v->keys[i].pem);
		EVP_PKEY_free(v->keys[i].pk);
	}
	for (i = 0; i < v->naud; i++)
		free(v->aud[i]);
	if (v->hs != NULL) {
		OPENSSL_cleanse(v->hs, v->hslen);
		free(v->hs);
	}
	free(v);
}

size_t
jwt_verifier_nkeys(const struct jwt_verifier *v)
{
	return v->nkeys + (v->hs != NULL);
}

/* Value of a base64url character, or -1 (RFC 4648 §5). */
static int
jwt_b64u_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * Decode n characters of unpadded base64url from s into a new buffer
 * (*outp, caller frees, NUL-terminated for convenience). Strict: no
 * padding, no whitespace, no impossible length, zero trailing bits.
 */
static int
jwt_b64u_decode(const char *s, size_t n, unsigned char **outp, size_t *lenp)
{
	unsigned char *out;
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0, v;

	*outp = NULL;
	*lenp = 0;
	if (n % 4 == 1)
		return EFSGW_ERR_SYNTAX;
	out = xmalloc(n / 4 * 3 + 3 + 1);
	for (i = 0; i < n; i++) {
		if ((v = jwt_b64u_val((unsigned char)s[i])) < 0) {
			free(out);
			return EFSGW_ERR_SYNTAX;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0) {		/* non-canonical trailing bits */
		free(out);
		return EFSGW_ERR_SYNTAX;
	}
	out[o] = '\0';
	*outp = out;
	*lenp = o;
	return 0;
}

/* Encode n bytes as unpadded base64url into buf; -1 if it does not fit. */
static int
jwt_b64u_encode(const unsigned char *in, size_t n, char *buf, size_t len)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0;

	if (len < (n * 4 + 2) / 3 + 1)
		return -1;
	for (i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			buf[o++] = tab[(acc >> bits) & 63];
		}
		acc &= (1u << bits) - 1;
	}
	if (bits > 0)
		buf[o++] = tab[(acc << (6 - bits)) & 63];
	buf[o] = '\0';
	return 0;
}

/* Classify a public key; refuse what none of our algorithms can use. */
static int
jwt_key_kind_of(EVP_PKEY *pk, enum jwt_key_kind *kind, char **what)
{
	char group[64];
	size_t glen = 0;

	*what = NULL;
	if (EVP_PKEY_is_a(pk, "RSA")) {
		if (EVP_PKEY_get_bits(pk) < JWT_MIN_RSA_BITS) {
			xasprintf(what, "RSA key of %d bits (need %d)",
			    EVP_PKEY_get_bits(pk), JWT_MIN_RSA_BITS);
			return EFSGW_ERR_BAD_VALUE;
		}
		*kind = JWT_KEY_RSA;
		return 0;
	}
	if (EVP_PKEY_is_a(pk, "EC") &&
	    EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof group, &glen) && strcmp(group, "prime256v1") == 0) {
		*kind = JWT_KEY_EC;
		return 0;
	}
	xasprintf(what, "%s key (only RSA >= %d bits and EC P-256)",
	    EVP_PKEY_get0_type_name(pk) != NULL ? EVP_PKEY_get0_type_name(pk) :
	    "unknown", JWT_MIN_RSA_BITS);
	return EFSGW_ERR_BAD_VALUE;
}

/* Is s a usable issuer: 1..JWT_MAX_ISS-1 bytes, no control characters? */
static int
jwt_iss_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= JWT_MAX_ISS)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

int
jwt_verifier_set_issuer(struct jwt_verifier *v, const char *iss, char **cause)
{
	if (!jwt_iss_ok(iss)) {
		xasprintf(cause, "issuer must be 1 to %d bytes without control "
		    "characters", JWT_MAX_ISS - 1);
		return EFSGW_ERR_BAD_VALUE;
	}
	snprintf(v->issuer, sizeof v->issuer, "%s", iss);
	return 0;
}

size_t
jwt_verifier_unbound_keys(const struct jwt_verifier *v)
{
	size_t i, n = 0;

	for (i = 0; i < v->nkeys; i++)
		if (v->keys[i].iss[0] == '\0')
			n++;
	return n + (v->hs != NULL && v->hs_iss[0] == '\0');
}

/* Store pk (re-encoded as SubjectPublicKeyInfo PEM) with kid and issuer. */
static int
jwt_add_pkey(struct jwt_verifier *v, const char *name, EVP_PKEY *pk,
    const char *kid, const char *iss, char **cause)
{
	struct jwt_key *k;
	enum jwt_key_kind kind;
	BIO *b;
	char *what, *data;
	long n;
	int r;

	if ((r = jwt_key_kind_of(pk, &kind, &what)) != 0) {
		xasprintf(cause, "%s: unusable %s", name, what);
		free(what);
		return r;
	}
	if (v->nkeys == JWT_MAX_KEYS) {
		xasprintf(cause, "%s: more than %d JWT keys", name, JWT_MAX_KEYS);
		return EFSGW_ERR_TOO_MANY;
	}
	if (strlen(kid) >= sizeof k->kid) {
		xasprintf(cause, "%s: kid longer than %zu", name,
		    sizeof k->kid - 1);
		return EFSGW_ERR_TOO_LONG;
	}
	if ((b = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_PUBKEY(b, pk) || (n = BIO_get_mem_data(b, &data)) <= 0) {
		BIO_free(b);
		xasprintf(cause, "%s: cannot encode a key", name);
		return EFSGW_ERR_INTERNAL;
	}
	k = &v->keys[v->nkeys++];
	k->kind = kind;
	k->pem = xstrndup(data, (size_t)n);
	k->pemlen = (size_t)n;
	snprintf(k->kid, sizeof k->kid, "%s", kid);
	snprintf(k->iss, sizeof k->iss, "%s", iss);
	EVP_PKEY_up_ref(pk);
	k->pk = pk;
	BIO_free(b);
	return 0;
}

int
jwt_verifier_add_pem_text(struct jwt_verifier *v, const char *name,
    const char *pem, size_t len, char **cause)
{
	EVP_PKEY *pk;
	BIO *b;
	int r = 0, count = 0;

	if (len > JWT_MAX_KEYFILE || (b = BIO_new_mem_buf(pem, (int)len)) == NULL) {
		xasprintf(cause, "%s: too large", name);
		return EFSGW_ERR_TOO_LONG;
	}
	/* Every PUBLIC KEY block of the file, until there is none left. */
	while (count <= JWT_MAX_KEYS &&
	    (pk = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL)) != NULL) {
		r = jwt_add_pkey(v, name, pk, "", v->issuer, cause);
		EVP_PKEY_free(pk);
		if (r != 0)
			break;
		count++;
	}
	ERR_clear_error();
	BIO_free(b);
	if (r == 0 && count == 0) {
		xasprintf(cause, "%s: no PEM public key (BEGIN PUBLIC KEY)", name);
		r = EFSGW_ERR_SYNTAX;
	}
	return r;
}


int
jwt_verifier_add_pem(struct jwt_verifier *v, const char *path, char **cause)
{
	char *text;
	size_t len;
	int r;

	if ((r = file_read_small(path, JWT_MAX_KEYFILE, 0, &text, &len, cause)) != 0)
		return r;
	r = jwt_verifier_add_pem_text(v, path, text, len, cause);
	free(text);
	return r;
}

/* Decode JWK member key (base64url) of o into a BIGNUM or raw bytes. */
static int
jwt_jwk_bytes(json_t *o, const char *key, unsigned char **outp, size_t *lenp)
{
	json_t *s = json_object_get(o, key);

	if (!json_is_string(s))
		return EFSGW_ERR_NOT_FOUND;
	return jwt_b64u_decode(json_string_value(s), json_string_length(s),
	    outp, lenp);
}

/* Build an RSA public key from JWK n and e (RFC 7518 §6.3.1). */
static EVP_PKEY *
jwt_jwk_rsa(json_t *o)
{
	unsigned char *n = NULL, *e = NULL;
	size_t nlen, elen;
	BIGNUM *bn = NULL, *be = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk = NULL;

	if (jwt_jwk_bytes(o, "n", &n, &nlen) != 0 ||
	    jwt_jwk_bytes(o, "e", &e, &elen) != 0 || nlen == 0 || elen == 0 ||
	    nlen > 1024 || elen > 16)
		goto out;
	if ((bn = BN_bin2bn(n, (int)nlen, NULL)) == NULL ||
	    (be = BN_bin2bn(e, (int)elen, NULL)) == NULL ||
	    (bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pk = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	free(n);
	free(e);
	return pk;
}

/* Build an EC P-256 public key from JWK x and y (RFC 7518 §6.2.1). */
static EVP_PKEY *
jwt_jwk_ec(json_t *o)
{
	unsigned char *x = NULL, *y = NULL, point[65];
	size_t xlen, ylen;
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk = NULL;
	json_t *crv = json_object_get(o, "crv");

	if (!json_is_string(crv) || strcmp(json_string_value(crv), "P-256") != 0 ||
	    jwt_jwk_bytes(o, "x", &x, &xlen) != 0 ||
	    jwt_jwk_bytes(o, "y", &y, &ylen) != 0 || xlen != 32 || ylen != 32)
		goto out;
	point[0] = 0x04;	/* SEC 1 §2.3.3 uncompressed point */
	memcpy(point + 1, x, 32);
	memcpy(point + 33, y, 32);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	    (char *)(uintptr_t)"prime256v1", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	    point, sizeof point);
	params[2] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pk = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	free(x);
	free(y);
	return pk;
}

int
jwt_verifier_add_jwks_text(struct jwt_verifier *v, const char *name,
    const char *text, char **cause)
{
	json_error_t jerr;
	json_t *root, *keys, *o, *kty, *use, *alg, *kid, *iss;
	EVP_PKEY *pk;
	size_t i, added = 0;
	const char *want;
	int r = 0;

	if ((root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		xasprintf(cause, "%s:%d:%d: %s", name, jerr.line, jerr.column,
		    jerr.text);
		return EFSGW_ERR_SYNTAX;
	}
	if (!json_is_array(keys = json_object_get(root, "keys"))) {
		xasprintf(cause, "%s: not a JWKS (no \"keys\" array)", name);
		r = EFSGW_ERR_SYNTAX;
		goto out;
	}
	json_array_foreach(keys, i, o) {
		kty = json_object_get(o, "kty");
		use = json_object_get(o, "use");
		alg = json_object_get(o, "alg");
		kid = json_object_get(o, "kid");
		iss = json_object_get(o, "iss");
		/* Skip encryption keys and key types we do not verify with. */
		if (!json_is_string(kty) ||
		    (use != NULL && (!json_is_string(use) ||
		    strcmp(json_string_value(use), "sig") != 0)))
			continue;
		if (strcmp(json_string_value(kty), "RSA") == 0) {
			want = "RS256";
			pk = jwt_jwk_rsa(o);
		} else if (strcmp(json_string_value(kty), "EC") == 0) {
			want = "ES256";
			pk = jwt_jwk_ec(o);
		} else
			continue;
		if (alg != NULL && (!json_is_string(alg) ||
		    strcmp(json_string_value(alg), want) != 0)) {
			EVP_PKEY_free(pk);
			continue;
		}
		if (pk == NULL) {
			xasprintf(cause, "%s: keys[%zu]: malformed %s key", name, i,
			    json_string_value(kty));
			r = EFSGW_ERR_BAD_VALUE;
			goto out;
		}
		/*
		 * "iss" (an extra JWK member, RFC 7517 §4 lets us define it)
		 * binds the key to one issuer, so that a JWKS merged from
		 * several clusters cannot let one mint the others' tokens.
		 */
		if (iss != NULL && (!json_is_string(iss) ||
		    !jwt_iss_ok(json_string_value(iss)))) {
			EVP_PKEY_free(pk);
			xasprintf(cause, "%s: keys[%zu]: iss is not a short string",
			    name, i);
			r = EFSGW_ERR_BAD_VALUE;
			goto out;
		}
		r = jwt_add_pkey(v, name, pk, json_is_string(kid) ?
		    json_string_value(kid) : "", iss != NULL ?
		    json_string_value(iss) : v->issuer, cause);
		EVP_PKEY_free(pk);
		if (r != 0)
			goto out;
		added++;
	}
	if (added == 0) {
		xasprintf(cause, "%s: no RS256 or ES256 signing key", name);
		r = EFSGW_ERR_NOT_FOUND;
	}
out:
	json_decref(root);
	return r;
}

int
jwt_verifier_add_jwks(struct jwt_verifier *v, const char *path, char **cause)
{
	char *text;
	size_t len;
	int r;

	if ((r = file_read_small(path, JWT_MAX_KEYFILE, 0, &text, &len, cause)) != 0)
		return r;
	r = jwt_verifier_add_jwks_text(v, path, text, cause);
	free(text);
	return r;
}

int
jwt_verifier_set_hs256(struct jwt_verifier *v, const unsigned char *key,
    size_t len, char **cause)
{
	if (len < JWT_MIN_HS_KEY || len > 4096) {
		xasprintf(cause, "HS256 secret of %zu bytes (need %d..4096)", len,
		    JWT_MIN_HS_KEY);
		return EFSGW_ERR_BAD_VALUE;
	}
	if (v->hs != NULL) {
		OPENSSL_cleanse(v->hs, v->hslen);
		free(v->hs);
	}
	v->hs = xmalloc(len);
	memcpy(v->hs, key, len);
	v->hslen = len;
	snprintf(v->hs_iss, sizeof v->hs_iss, "%s", v->issuer);
	return 0;
}

int
jwt_read_secret(const char *path, unsigned char **keyp, size_t *lenp,
    char **cause)
{
	char *text;
	size_t len;
	int r;

	*keyp = NULL;
	*lenp = 0;
	if ((r = file_read_small(path, 4097, 1, &text, &len, cause)) != 0)
		return r;
	if (len > 0 && text[len - 1] == '\n')
		len--;
	/* A PEM key as an HMAC secret is the RS/HS confusion: refuse it. */
	if (len < JWT_MIN_HS_KEY || strncmp(text, "-----BEGIN", 10) == 0) {
		xasprintf(cause, "%s: HS256 secret of %zu bytes (need at least "
		    "%d random bytes, not a PEM key)", path, len, JWT_MIN_HS_KEY);
		OPENSSL_cleanse(text, len);
		free(text);
		return EFSGW_ERR_BAD_VALUE;
	}
	*keyp = (unsigned char *)text;
	*lenp = len;
	return 0;
}

int
jwt_verifier_add_audience(struct jwt_verifier *v, const char *aud,
    char **cause)
{
	if (v->naud == JWT_MAX_AUD) {
		xasprintf(cause, "more than %d audiences", JWT_MAX_AUD);
		return EFSGW_ERR_TOO_MANY;
	}
	if (aud[0] == '\0' || strlen(aud) > 512) {
		xasprintf(cause, "empty or overlong audience");
		return EFSGW_ERR_BAD_VALUE;
	}
	v->aud[v->naud++] = xstrdup(aud);
	return 0;
}

void
jwt_verifier_set_require_cnf(struct jwt_verifier *v, int on)
{
	v->require_cnf = on;
}

int
jwt_decode_unverified(const char *token, json_t **headerp, json_t **claimsp,
    char **cause)
{
	const char *dot1, *dot2;
	unsigned char *h = NULL, *c = NULL;
	size_t len, hlen, clen, i;
	json_error_t jerr;
	json_t *hj = NULL, *cj = NULL;
	int r;

	*headerp = NULL;
	if (claimsp != NULL)
		*claimsp = NULL;
	len = strnlen(token, IDENTITY_MAX_JWT + 1);
	if (len > IDENTITY_MAX_JWT)
		return identity_fail(cause, EFSGW_ERR_TOO_LONG, "jwt_format",
		    "token over %d bytes", IDENTITY_MAX_JWT);
	/* Compact JWS (RFC 7515 §7.1): three base64url parts, two dots. */
	for (i = 0; i < len; i++)
		if (token[i] != '.' && jwt_b64u_val((unsigned char)token[i]) < 0)
			return identity_fail(cause, EFSGW_ERR_SYNTAX,
			    "jwt_format", "byte %zu is not base64url", i);
	if ((dot1 = strchr(token, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL ||
	    strchr(dot2 + 1, '.') != NULL || dot1 == token ||
	    dot2 == dot1 + 1 || dot2[1] == '\0')
		return identity_fail(cause, EFSGW_ERR_SYNTAX, "jwt_format",
		    "not a compact JWS (header.payload.signature)");
	if (jwt_b64u_decode(token, (size_t)(dot1 - token), &h, &hlen) != 0 ||
	    jwt_b64u_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &c, &clen) != 0) {
		r = identity_fail(cause, EFSGW_ERR_SYNTAX, "jwt_format",
		    "bad base64url");
		goto out;
	}
	/* Duplicate names are refused: two parsers must not disagree. */
	if ((hj = json_loadb((const char *)h, hlen, JSON_REJECT_DUPLICATES,
	    &jerr)) == NULL || !json_is_object(hj)) {
		r = identity_fail(cause, EFSGW_ERR_SYNTAX, "jwt_format",
		    "header is not a JSON object");
		goto out;
	}
	if ((cj = json_loadb((const char *)c, clen, JSON_REJECT_DUPLICATES,
	    &jerr)) == NULL || !json_is_object(cj)) {
		r = identity_fail(cause, EFSGW_ERR_SYNTAX, "jwt_format",
		    "claims are not a JSON object");
		goto out;
	}
	*headerp = hj;
	hj = NULL;
	if (claimsp != NULL) {
		*claimsp = cj;
		cj = NULL;
	}
	r = 0;
out:
	json_decref(hj);
	json_decref(cj);
	free(h);
	free(c);
	return r;
}

/*
 * Check the signature with the parsed key (RS256: RSASSA-PKCS1-v1_5
 * SHA-256; ES256: JWS's raw r || s, RFC 7518 §3.4, turned into DER). This
 * only picks the key: libjwt, which re-parses the PEM on every call
 * (about 0.5 ms with OpenSSL 3), is then called once, with that key, so a
 * token cannot make us run it against every configured key.
 */
static int
jwt_key_matches(const struct jwt_key *k, const char *token, size_t inlen,
    const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *ctx = NULL;
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *der = NULL;
	int n, ok = 0;

	if (k->kind == JWT_KEY_EC) {
		if (siglen != 64 || (es = ECDSA_SIG_new()) == NULL ||
		    (r = BN_bin2bn(sig, 32, NULL)) == NULL ||
		    (s = BN_bin2bn(sig + 32, 32, NULL)) == NULL ||
		    !ECDSA_SIG_set0(es, r, s))
			goto out;
		r = s = NULL;	/* owned by es now */
		if ((n = i2d_ECDSA_SIG(es, &der)) <= 0)
			goto out;
		sig = der;
		siglen = (size_t)n;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k->pk) != 1)
		goto out;
	ok = EVP_DigestVerify(ctx, sig, siglen, (const unsigned char *)token,
	    inlen) == 1;
out:
	EVP_MD_CTX_free(ctx);
	ECDSA_SIG_free(es);
	BN_free(r);
	BN_free(s);
	OPENSSL_free(der);
	return ok;
}

/*
 * jwt_verify_signature(), also giving the issuer the verifying key is
 * bound to (*issp, borrowed; "" when the key names none).
 */
static int
jwt_verify_key(const struct jwt_verifier *v, const char *token,
    json_t **claimsp, const char **kidp, const char **issp, char **cause)
{
	json_t *header = NULL, *claims = NULL, *j;
	const char *alg, *kid = NULL;
	jwt_alg_t want;
	enum jwt_key_kind kind = JWT_KEY_RSA;
	jwt_t *jwt = NULL;
	const char *dot2;
	unsigned char *sig = NULL;
	size_t i, tried = 0, kidless = 0, siglen = 0;
	int r, kid_known = 0;

	if (claimsp != NULL)
		*claimsp = NULL;
	if (kidp != NULL)
		*kidp = NULL;
	*issp = "";
	if ((r = jwt_decode_unverified(token, &header, &claims, cause)) != 0)
		return r;
	if (!json_is_string(j = json_object_get(header, "alg"))) {
		r = identity_fail(cause, EFSGW_ERR_SYNTAX, "jwt_alg",
		    "header has no alg");
		goto out;
	}
	alg = json_string_value(j);
	/* RFC 7515 §4.1.11: we understand no extension, so none may be crit. */
	if (json_object_get(header, "crit") != NULL) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_alg",
		    "header has crit parameters");
		goto out;
	}
	if ((j = json_object_get(header, "kid")) != NULL) {
		if (!json_is_string(j)) {
			r = identity_fail(cause, EFSGW_ERR_SYNTAX, "jwt_alg",
			    "kid is not a string");
			goto out;
		}
		kid = json_string_value(j);
	}
	if (strcmp(alg, "RS256") == 0) {
		want = JWT_ALG_RS256;
		kind = JWT_KEY_RSA;
	} else if (strcmp(alg, "ES256") == 0) {
		want = JWT_ALG_ES256;
		kind = JWT_KEY_EC;
	} else if (strcmp(alg, "HS256") == 0 && v->hs != NULL) {
		want = JWT_ALG_HS256;
	} else {
		char esc[64];

		log_escape(esc, sizeof esc, alg, strlen(alg));
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_alg",
		    "alg \"%s\" refused (RS256, ES256%s only)", esc,
		    v->hs != NULL ? ", HS256" : "");
		goto out;
	}

	r = EFSGW_ERR_BAD_VALUE;
	if (want == JWT_ALG_HS256) {
		tried++;
		if (jwt_decode(&jwt, token, v->hs, (int)v->hslen) == 0 &&
		    jwt_get_alg(jwt) == want) {
			if (kidp != NULL)
				*kidp = "";
			*issp = v->hs_iss;
			r = 0;
		}
		goto verified;
	}
	/*
	 * A kid picks the key: only keys with that kid are tried, and a kid
	 * naming none of ours is refused rather than tried against all of
	 * them (a token of an issuer we do not know, or a rotated-out key).
	 * Keys that have no kid (PEM files) cannot be named: a token with an
	 * unknown kid is tried against those alone.
	 */
	for (i = 0; kid != NULL && i < v->nkeys; i++) {
		if (v->keys[i].kind != kind)
			continue;
		if (strcmp(v->keys[i].kid, kid) == 0)
			kid_known = 1;
		else if (v->keys[i].kid[0] == '\0')
			kidless++;
	}
	if (kid != NULL && !kid_known && kidless == 0) {
		char esc[64];

		log_escape(esc, sizeof esc, kid, strlen(kid));
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_unknown_kid",
		    "kid \"%s\" names no configured %s key", esc, alg);
		goto out;
	}
	dot2 = strrchr(token, '.');	/* jwt_decode_unverified checked */
	if (jwt_b64u_decode(dot2 + 1, strlen(dot2 + 1), &sig, &siglen) != 0)
		goto verified;
	for (i = 0; i < v->nkeys; i++) {
		if (v->keys[i].kind != kind)
			continue;
		if (kid != NULL && strcmp(v->keys[i].kid, kid) != 0 &&
		    (kid_known || v->keys[i].kid[0] != '\0'))
			continue;
		tried++;
		if (!jwt_key_matches(&v->keys[i], token,
		    (size_t)(dot2 - token), sig, siglen))
			continue;
		/* libjwt has the last word, with this key only. */
		if (jwt_decode(&jwt, token, (const unsigned char *)v->keys[i].pem,
		    (int)v->keys[i].pemlen) == 0 && jwt_get_alg(jwt) == want) {
			if (kidp != NULL)
				*kidp = v->keys[i].kid;
			*issp = v->keys[i].iss;
			r = 0;
		}
		break;
	}
verified:
	ERR_clear_error();	/* libjwt leaves OpenSSL errors behind */
	if (r != 0) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_signature",
		    "%s signature does not verify with %s", alg, tried == 0 ?
		    "any configured key (no key of that type)" :
		    "the configured keys");
		goto out;
	}
	if (claimsp != NULL) {
		*claimsp = claims;
		claims = NULL;
	}
out:
	free(sig);
	jwt_free(jwt);
	json_decref(header);
	json_decref(claims);
	return r;
}

int
jwt_verify_signature(const struct jwt_verifier *v, const char *token,
    json_t **claimsp, const char **kidp, char **cause)
{
	const char *iss;

	return jwt_verify_key(v, token, claimsp, kidp, &iss, cause);
}

int
jwt_cert_x5t_s256(X509 *cert, char *buf, size_t len)
{
	unsigned char md[32];
	unsigned int n = 0;

	if (!X509_digest(cert, EVP_sha256(), md, &n) || n != 32)
		return EFSGW_ERR_INTERNAL;
	return jwt_b64u_encode(md, 32, buf, len) == 0 ? 0 : EFSGW_ERR_TOO_LONG;
}

/* base64url of a BIGNUM's minimal (or padded to pad) big-endian bytes. */
static int
jwt_bn_b64u(const BIGNUM *bn, int pad, char *buf, size_t len)
{
	unsigned char tmp[1024];
	int n = pad > 0 ? pad : BN_num_bytes(bn);

	if (n <= 0 || n > (int)sizeof tmp || BN_bn2binpad(bn, tmp, n) != n)
		return EFSGW_ERR_BAD_VALUE;
	return jwt_b64u_encode(tmp, (size_t)n, buf, len) == 0 ? 0 :
	    EFSGW_ERR_TOO_LONG;
}

int
jwt_pkey_jkt(EVP_PKEY *pk, char *buf, size_t len)
{
	BIGNUM *a = NULL, *b = NULL;
	char ea[1400], eb[1400], *json = NULL;
	unsigned char md[32];
	unsigned int n = 0;
	enum jwt_key_kind kind;
	char *what;
	int r = EFSGW_ERR_BAD_VALUE;

	if (pk == NULL || jwt_key_kind_of(pk, &kind, &what) != 0) {
		if (pk != NULL)
			free(what);
		return EFSGW_ERR_BAD_VALUE;
	}
	/* RFC 7638 §3.2: required members only, sorted, no whitespace. */
	if (kind == JWT_KEY_RSA) {
		if (!EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &a) ||
		    !EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &b) ||
		    jwt_bn_b64u(a, 0, ea, sizeof ea) != 0 ||
		    jwt_bn_b64u(b, 0, eb, sizeof eb) != 0)
			goto out;
		xasprintf(&json, "{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}",
		    eb, ea);
	} else {
		if (!EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X, &a) ||
		    !EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_Y, &b) ||
		    jwt_bn_b64u(a, 32, ea, sizeof ea) != 0 ||
		    jwt_bn_b64u(b, 32, eb, sizeof eb) != 0)
			goto out;
		xasprintf(&json, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\","
		    "\"y\":\"%s\"}", ea, eb);
	}
	if (!EVP_Digest(json, strlen(json), md, &n, EVP_sha256(), NULL))
		goto out;
	r = jwt_b64u_encode(md, 32, buf, len) == 0 ? 0 : EFSGW_ERR_TOO_LONG;
out:
	free(json);
	BN_free(a);
	BN_free(b);
	return r;
}

int
jwt_cert_jkt(X509 *cert, char *buf, size_t len)
{
	EVP_PKEY *pk = X509_get0_pubkey(cert);

	if (pk == NULL)
		return EFSGW_ERR_BAD_VALUE;
	return jwt_pkey_jkt(pk, buf, len);
}

/* A NumericDate claim (RFC 7519 §2) as time_t; absent is NOT_FOUND. */
static int
jwt_claim_time(json_t *claims, const char *name, time_t *out)
{
	json_t *j = json_object_get(claims, name);
	double d;

	*out = 0;
	if (j == NULL)
		return EFSGW_ERR_NOT_FOUND;
	if (!json_is_number(j))
		return EFSGW_ERR_BAD_VALUE;
	d = json_number_value(j);
	if (!isfinite(d) || d < 0 || d > 253402300799.0)	/* year 9999 */
		return EFSGW_ERR_BAD_VALUE;
	*out = (time_t)d;	/* d >= 0: truncation is floor */
	return 0;
}

/* Copy a string claim of 1..len-1 bytes without control characters. */
static int
jwt_claim_string(json_t *claims, const char *name, char *buf, size_t len)
{
	json_t *j = json_object_get(claims, name);
	const char *s;
	size_t i, n;

	buf[0] = '\0';
	if (j == NULL)
		return EFSGW_ERR_NOT_FOUND;
	if (!json_is_string(j))
		return EFSGW_ERR_BAD_VALUE;
	s = json_string_value(j);
	n = json_string_length(j);
	if (n == 0 || n >= len || strlen(s) != n)
		return EFSGW_ERR_BAD_VALUE;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return EFSGW_ERR_BAD_VALUE;
	memcpy(buf, s, n + 1);
	return 0;
}

/*
 * Does the aud claim (string or array, RFC 7519 §4.1.3) name one of our
 * audiences, or fs_id (the file system of the listener, may be NULL)?
 * *names_fs says whether it names any file system ("fs-..."), *has_fs
 * whether it names fs_id.
 */
static int
jwt_aud_ok(const struct jwt_verifier *v, json_t *aud, const char *fs_id,
    int *names_fs, int *has_fs)
{
	json_t *e;
	const char *s;
	size_t i, k;
	int ok = 0;

	if (json_is_string(aud)) {
		s = json_string_value(aud);
		if (strncmp(s, "fs-", 3) == 0)
			*names_fs = 1;
		if (fs_id != NULL && fs_id[0] != '\0' && strcmp(s, fs_id) == 0) {
			*has_fs = 1;
			return 1;
		}
		for (k = 0; k < v->naud; k++)
			if (strcmp(s, v->aud[k]) == 0)
				return 1;
		return 0;
	}
	if (!json_is_array(aud))
		return 0;
	json_array_foreach(aud, i, e) {
		if (i >= 64)
			break;
		if (json_is_string(e) && jwt_aud_ok(v, e, fs_id, names_fs,
		    has_fs))
			ok = 1;
	}
	return ok;
}

/* Check the RFC 7800 cnf claim against the presented certificate. */
static int
jwt_check_cnf(const struct jwt_verifier *v, json_t *claims, X509 *cert,
    const char **how, char **cause)
{
	json_t *cnf = json_object_get(claims, "cnf"), *x5t, *jkt;
	char mine[64];

	*how = "";
	if (cnf == NULL) {
		if (v->require_cnf)
			return identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_cnf",
			    "token has no cnf and one is required");
		return 0;
	}
	if (!json_is_object(cnf))
		return identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_cnf",
		    "cnf is not an object");
	x5t = json_object_get(cnf, "x5t#S256");
	jkt = json_object_get(cnf, "jkt");
	if (x5t == NULL && jkt == NULL)
		return identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_cnf",
		    "cnf has neither x5t#S256 nor jkt");
	/* RFC 8705 §3.1: SHA-256 of the certificate's DER. */
	if (x5t != NULL) {
		if (!json_is_string(x5t) ||
		    jwt_cert_x5t_s256(cert, mine, sizeof mine) != 0 ||
		    strcmp(json_string_value(x5t), mine) != 0)
			return identity_fail(cause, EFSGW_ERR_BAD_VALUE,
			    "jwt_cnf", "cnf x5t#S256 is not this certificate");
		*how = " cnf=x5t#S256";
	}
	/* RFC 9449 §6.1 / RFC 7638: thumbprint of the certificate's key. */
	if (jkt != NULL) {
		if (!json_is_string(jkt) ||
		    jwt_cert_jkt(cert, mine, sizeof mine) != 0 ||
		    strcmp(json_string_value(jkt), mine) != 0)
			return identity_fail(cause, EFSGW_ERR_BAD_VALUE,
			    "jwt_cnf", "cnf jkt is not this certificate's key");
		*how = x5t != NULL ? " cnf=x5t#S256+jkt" : " cnf=jkt";
	}
	return 0;
}

int
jwt_verify(const struct jwt_verifier *v, const char *token, X509 *cert,
    const char *fs_id, time_t now, unsigned skew, struct identity *out,
    char **cause)
{
	json_t *claims = NULL, *acts, *e;
	const char *kid = NULL, *key_iss = "", *cnfhow = "";
	char iss[JWT_MAX_ISS], kidesc[64], issesc[128];
	time_t exp, t;
	size_t i;
	int r, names_fs = 0, has_fs = 0;

	if ((r = jwt_verify_key(v, token, &claims, &kid, &key_iss, cause)) != 0)
		return r;
	/*
	 * The key is bound to its issuer: a key of one issuer (one cluster of
	 * a merged JWKS) cannot vouch for tokens saying they are another's.
	 */
	if (jwt_claim_string(claims, "iss", iss, sizeof iss) != 0)
		iss[0] = '\0';
	if (key_iss[0] != '\0' && strcmp(iss, key_iss) != 0) {
		log_escape(issesc, sizeof issesc, iss, strlen(iss));
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_issuer",
		    "iss \"%s\" is not the issuer of the key that signed it",
		    iss[0] != '\0' ? issesc : "(none)");
		goto out;
	}

	/* RFC 7519 §4.1.4-6: exp is required here; nbf, iat optional. */
	if ((r = jwt_claim_time(claims, "exp", &exp)) != 0) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_expired",
		    "token has no valid exp");
		goto out;
	}
	if (now > exp + (time_t)skew) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_expired",
		    "token expired %lld s ago", (long long)(now - exp));
		goto out;
	}
	if ((r = jwt_claim_time(claims, "nbf", &t)) != EFSGW_ERR_NOT_FOUND &&
	    (r != 0 || t > now + (time_t)skew)) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_not_yet_valid",
		    "token nbf is in the future or malformed");
		goto out;
	}
	if ((r = jwt_claim_time(claims, "iat", &t)) != EFSGW_ERR_NOT_FOUND &&
	    (r != 0 || t > now + (time_t)skew)) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_not_yet_valid",
		    "token iat is in the future or malformed");
		goto out;
	}
	if (!jwt_aud_ok(v, json_object_get(claims, "aud"), fs_id, &names_fs,
	    &has_fs)) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_audience",
		    "aud names none of the %zu accepted audiences%s%s", v->naud,
		    fs_id != NULL && fs_id[0] != '\0' ? " nor " : "",
		    fs_id != NULL ? fs_id : "");
		goto out;
	}
	if ((r = jwt_check_cnf(v, claims, cert, &cnfhow, cause)) != 0)
		goto out;

	if ((r = jwt_claim_string(claims, "principal", out->principal,
	    sizeof out->principal)) == EFSGW_ERR_NOT_FOUND)
		r = jwt_claim_string(claims, "sub", out->principal,
		    sizeof out->principal);
	if (r != 0) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_claims",
		    "no usable principal or sub claim");
		goto out;
	}
	if ((acts = json_object_get(claims, "efsgw:actions")) != NULL) {
		if (!json_is_array(acts)) {
			r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_claims",
			    "efsgw:actions is not an array");
			goto out;
		}
		json_array_foreach(acts, i, e) {
			if (!json_is_string(e) || identity_parse_action(
			    json_string_value(e), &out->grants) != 0) {
				r = identity_fail(cause, EFSGW_ERR_BAD_VALUE,
				    "jwt_claims", "efsgw:actions[%zu] is not an "
				    "elasticfilesystem Client action", i);
				goto out;
			}
		}
	}
	if (((r = jwt_claim_string(claims, "efsgw:fs", out->fs_id,
	    sizeof out->fs_id)) != 0 && r != EFSGW_ERR_NOT_FOUND) ||
	    ((r = jwt_claim_string(claims, "efsgw:ap", out->ap_id,
	    sizeof out->ap_id)) != 0 && r != EFSGW_ERR_NOT_FOUND)) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "jwt_claims",
		    "efsgw:fs or efsgw:ap is not a short string");
		goto out;
	}
	/*
	 * The file system comes from signed claims only: efsgw:fs, else the
	 * file system ids in aud. A token naming file systems is good on
	 * those alone; one naming none is good wherever its audience is.
	 */
	if (out->fs_id[0] == '\0' && names_fs && fs_id != NULL &&
	    fs_id[0] != '\0') {
		if (!has_fs) {
			r = identity_fail(cause, EFSGW_ERR_BAD_VALUE,
			    "fs_id_matches_expected", "token's aud names other "
			    "file systems, not %s", fs_id);
			goto out;
		}
		snprintf(out->fs_id, sizeof out->fs_id, "%s", fs_id);
	}
	/* The first second it is no longer valid: skew included, once. */
	out->not_after = exp + (time_t)skew + 1;
	if (iss[0] == '\0')
		snprintf(iss, sizeof iss, "-");
	log_escape(issesc, sizeof issesc, iss, strlen(iss));
	log_escape(kidesc, sizeof kidesc, kid, strlen(kid));
	snprintf(out->detail, sizeof out->detail, "kid=%s iss=%s%s",
	    kid[0] != '\0' ? kidesc : "-", issesc, cnfhow);
	r = 0;
out:
	json_decref(claims);
	return r;
}
