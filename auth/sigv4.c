/*
 * efsgw - the efs-utils SigV4 certificate extension (.7.2 efs_client_auth):
 * recompute the signature efs-utils made over
 * "Action=Connect&PublicKeyHash=<sha1 of the certificate's key>&..." and
 * compare it, which ties the access key to the TLS key pair.
 *
 * The construction is AWS Signature Version 4 query-string signing
 * (AWS General Reference, "Create a signed AWS API request": canonical
 * request, string to sign, HMAC key chain) as efs-utils applies it, with its
 * quirks pinned by the vectors in t/unit/vectors: no trailing newline after
 * the payload hash, no blank line after the one header, the session token
 * quote_plus-encoded with uppercase %XX, the signature stored as 64 ASCII
 * hex characters, host = the file system id, region from our config.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "identity.h"

#define SIGV4_SERVICE	"elasticfilesystem"
#define SIGV4_EXPIRES	"86400"		/* what efs-utils signs */
#define SIGV4_EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

int
sigv4_quote_plus(const char *s, char *buf, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t o = 0;

	/* Python quote_plus: unreserved bytes stay, space is '+'. */
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (len - o < 4)
			return -1;
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
		    *p == '-' || *p == '~')
			buf[o++] = (char)*p;
		else if (*p == ' ')
			buf[o++] = '+';
		else {
			buf[o++] = '%';
			buf[o++] = hex[*p >> 4];
			buf[o++] = hex[*p & 0xf];
		}
	}
	if (len == 0)
		return -1;
	buf[o] = '\0';
	return 0;
}

/* HMAC-SHA256 of msg under key into out[32]. */
static int
sigv4_hmac(const void *key, size_t keylen, const char *msg,
    unsigned char out[32])
{
	unsigned int n = 0;

	if (HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg,
	    strlen(msg), out, &n) == NULL || n != 32)
		return EFSGW_ERR_INTERNAL;
	return 0;
}

/* Lowercase hex of n bytes into out (2n + 1). */
static void
sigv4_hex(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

int
sigv4_sign(const char *secret, const char *akid, const char *region,
    const char *fs_id, const char *pubkey_hash, const char *amz_date,
    const char *token, char sig[65], char **canonical)
{
	char q_akid[3 * IDENTITY_MAX_AKID + 1], q_region[3 * 64 + 1];
	char *q_token = NULL, *creq = NULL, *sts = NULL, *kdate_key = NULL;
	char datestamp[9], crhash[65];
	unsigned char md[32], k[32];
	unsigned int mdlen = 0;
	size_t tlen;
	int r = EFSGW_ERR_INTERNAL;

	sig[0] = '\0';
	if (canonical != NULL)
		*canonical = NULL;
	if (strlen(amz_date) != 16)
		return EFSGW_ERR_BAD_VALUE;
	memcpy(datestamp, amz_date, 8);
	datestamp[8] = '\0';
	/* efs-utils quote_plus()es these too; a no-op for real values. */
	if (sigv4_quote_plus(akid, q_akid, sizeof q_akid) != 0 ||
	    sigv4_quote_plus(region, q_region, sizeof q_region) != 0)
		return EFSGW_ERR_TOO_LONG;
	if (token != NULL) {
		tlen = 3 * strlen(token) + 1;
		q_token = xmalloc(tlen);
		if (sigv4_quote_plus(token, q_token, tlen) != 0)
			goto out;
	}

	/*
	 * The canonical request: method, path, query (names in byte order:
	 * "Security-Token" sorts before "SignedHeaders"), the host header,
	 * the signed header list, the empty payload's hash. No trailing
	 * newline and no blank line after the header: efs-utils' own shape.
	 */
	xasprintf(&creq, "GET\n/\n"
	    "Action=Connect&PublicKeyHash=%s"
	    "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
	    "&X-Amz-Credential=%s%%2F%s%%2F%s%%2F" SIGV4_SERVICE "%%2Faws4_request"
	    "&X-Amz-Date=%s&X-Amz-Expires=" SIGV4_EXPIRES
	    "%s%s&X-Amz-SignedHeaders=host\n"
	    "host:%s\nhost\n" SIGV4_EMPTY_SHA256,
	    pubkey_hash, q_akid, datestamp, q_region, amz_date,
	    q_token != NULL ? "&X-Amz-Security-Token=" : "",
	    q_token != NULL ? q_token : "", fs_id);
	if (!EVP_Digest(creq, strlen(creq), md, &mdlen, EVP_sha256(), NULL))
		goto out;
	sigv4_hex(md, 32, crhash);
	xasprintf(&sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/" SIGV4_SERVICE
	    "/aws4_request\n%s", amz_date, datestamp, region, crhash);

	/* kDate, kRegion, kService, kSigning, then the signature. */
	xasprintf(&kdate_key, "AWS4%s", secret);
	if ((r = sigv4_hmac(kdate_key, strlen(kdate_key), datestamp, k)) != 0 ||
	    (r = sigv4_hmac(k, 32, region, k)) != 0 ||
	    (r = sigv4_hmac(k, 32, SIGV4_SERVICE, k)) != 0 ||
	    (r = sigv4_hmac(k, 32, "aws4_request", k)) != 0 ||
	    (r = sigv4_hmac(k, 32, sts, md)) != 0)
		goto out;
	sigv4_hex(md, 32, sig);
	if (canonical != NULL) {
		*canonical = creq;
		creq = NULL;
	}
	r = 0;
out:
	OPENSSL_cleanse(k, sizeof k);
	if (kdate_key != NULL) {
		OPENSSL_cleanse(kdate_key, strlen(kdate_key));
		free(kdate_key);
	}
	free(q_token);
	free(creq);
	free(sts);
	return r;
}

int
sigv4_verify(const struct sigv4_params *p, X509 *cert, const char *fs_id,
    struct identity *out, char **cause)
{
	struct certext_efs_auth auth;
	const struct credential *cred;
	char hash[41], amz_date[17], sig[65], esc[IDENTITY_MAX_AKID * 4 + 1];
	int r, yy;

	memset(&auth, 0, sizeof auth);
	if ((r = certext_efs_auth(cert, &auth, cause)) != 0)
		return r;
	log_escape(esc, sizeof esc, auth.akid, strlen(auth.akid));
	if (p->region == NULL || p->region[0] == '\0') {
		r = identity_fail(cause, EFSGW_ERR_NOT_FOUND, "sigv4_config",
		    "no region configured for SigV4 (access key %s)", esc);
		goto out;
	}
	if (fs_id[0] == '\0') {
		r = identity_fail(cause, EFSGW_ERR_NOT_FOUND, "sigv4_extension",
		    "certificate has .7.2 but no .7.3 file system id");
		goto out;
	}
	if (p->creds == NULL ||
	    (cred = credentials_find(p->creds, auth.akid)) == NULL) {
		r = identity_fail(cause, EFSGW_ERR_NOT_FOUND, "sigv4_unknown_key",
		    "access key %s is not in the credentials file", esc);
		goto out;
	}
	if ((r = certext_public_key_hash(cert, hash)) != 0) {
		identity_fail(cause, r, "sigv4_signature",
		    "cannot hash the certificate's public key");
		goto out;
	}

	/* RFC 5280 §4.1.2.5.1: YY < 50 is 20YY, otherwise 19YY. */
	yy = (auth.utctime[0] - '0') * 10 + (auth.utctime[1] - '0');
	snprintf(amz_date, sizeof amz_date, "%s%.6sT%.6sZ", yy < 50 ? "20" : "19",
	    auth.utctime, auth.utctime + 6);

	if ((r = sigv4_sign(cred->secret, auth.akid, p->region, fs_id, hash,
	    amz_date, auth.token, sig, NULL)) != 0) {
		identity_fail(cause, r, "sigv4_signature", "cannot compute");
		goto out;
	}
	if (CRYPTO_memcmp(sig, auth.signature, 64) != 0) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "sigv4_signature",
		    "signature of access key %s does not verify (fs %s, region "
		    "%s, key hash %s)", esc, fs_id, p->region, hash);
		goto out;
	}
	/* The session token is signed; a pinned one must also match. */
	if (cred->session_token != NULL && (auth.token == NULL ||
	    strcmp(cred->session_token, auth.token) != 0)) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "sigv4_session_token",
		    "access key %s: session token does not match", esc);
		goto out;
	}
	/* Freshness: checked after the signature so that a forgery says so. */
	if (auth.date > p->now + (time_t)p->skew) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "sigv4_date",
		    "access key %s: signed at %s, in the future", esc, amz_date);
		goto out;
	}
	if (auth.date + (time_t)p->max_age + (time_t)p->skew < p->now) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "sigv4_date",
		    "access key %s: signed at %s, older than %u s", esc,
		    amz_date, p->max_age);
		goto out;
	}

	snprintf(out->principal, sizeof out->principal, "%s", cred->principal);
	out->grants = cred->grants;
	/* The first second it is no longer valid (identity.h). */
	out->not_after = auth.date + (time_t)p->max_age + (time_t)p->skew + 1;
	snprintf(out->detail, sizeof out->detail, "akid=%.128s signed=%s%s", esc,
	    amz_date, auth.token != NULL ? " session-token" : "");
	r = 0;
out:
	certext_efs_auth_clear(&auth);
	OPENSSL_cleanse(sig, sizeof sig);
	return r;
}
