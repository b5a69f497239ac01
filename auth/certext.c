/*
 * efsgw - the DER of the client-certificate extensions: efs-utils' .7.1
 * access point, .7.2 efs_client_auth (SigV4), .7.3 file system id and .7.4
 * client info, and efsgw's own JWT extension.
 *
 * Every byte comes from the client, before it is authenticated. All DER is
 * read with OpenSSL's own decoders (d2i_* and an ASN.1 template), which
 * check every length against the end of the input; this file only checks
 * that each decoder consumed exactly the extnValue and that the decoded
 * strings have the characters and lengths we expect.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/asn1t.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "identity.h"

/*
 * efs_client_auth ::= SEQUENCE {
 *     accessKeyId    UTF8String,
 *     signature      OCTET STRING,   -- 64 ASCII lowercase hex
 *     sigv4DateTime  UTCTime,
 *     sessionToken   [0] EXPLICIT UTF8String OPTIONAL }
 * (efs-utils certificate_utils; the vectors' README "Certificate layout").
 * OpenSSL's template macros need a typedef name; this is the only one and
 * it stays in this file.
 */
typedef struct certext_efs_auth_der {
	ASN1_UTF8STRING		*akid;
	ASN1_OCTET_STRING	*signature;
	ASN1_UTCTIME		*date;
	ASN1_UTF8STRING		*token;
} CERTEXT_EFS_AUTH;

ASN1_SEQUENCE(CERTEXT_EFS_AUTH) = {
	ASN1_SIMPLE(CERTEXT_EFS_AUTH, akid, ASN1_UTF8STRING),
	ASN1_SIMPLE(CERTEXT_EFS_AUTH, signature, ASN1_OCTET_STRING),
	ASN1_SIMPLE(CERTEXT_EFS_AUTH, date, ASN1_UTCTIME),
	ASN1_EXP_OPT(CERTEXT_EFS_AUTH, token, ASN1_UTF8STRING, 0)
} static_ASN1_SEQUENCE_END(CERTEXT_EFS_AUTH)

/* Turn a dotted OID into an object, without the name lookup. */
static ASN1_OBJECT *
certext_obj(const char *oid)
{
	return OBJ_txt2obj(oid, 1);
}

int
certext_find(X509 *cert, const char *oid, const unsigned char **datap,
    size_t *lenp)
{
	ASN1_OBJECT *obj;
	X509_EXTENSION *ext;
	ASN1_OCTET_STRING *v;
	int i, j;

	*datap = NULL;
	*lenp = 0;
	if ((obj = certext_obj(oid)) == NULL)
		return EFSGW_ERR_INTERNAL;
	i = X509_get_ext_by_OBJ(cert, obj, -1);
	j = i < 0 ? -1 : X509_get_ext_by_OBJ(cert, obj, i);
	ASN1_OBJECT_free(obj);
	if (i < 0)
		return EFSGW_ERR_NOT_FOUND;
	if (j >= 0)
		return EFSGW_ERR_TOO_MANY;
	if ((ext = X509_get_ext(cert, i)) == NULL ||
	    (v = X509_EXTENSION_get_data(ext)) == NULL)
		return EFSGW_ERR_INTERNAL;
	*datap = ASN1_STRING_get0_data(v);
	*lenp = (size_t)ASN1_STRING_length(v);
	return 0;
}

/* Is every byte of s (len) printable ASCII? */
static int
certext_printable(const unsigned char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return 1;
}

/* Decode exactly one UTF8String from data/len; caller frees the string. */
static int
certext_d2i_utf8(const unsigned char *data, size_t len, ASN1_UTF8STRING **sp)
{
	const unsigned char *p = data;
	ASN1_UTF8STRING *s;

	*sp = NULL;
	if (len > IDENTITY_MAX_JWT + 16)
		return EFSGW_ERR_TOO_LONG;
	if ((s = d2i_ASN1_UTF8STRING(NULL, &p, (long)len)) == NULL)
		return EFSGW_ERR_SYNTAX;
	if (p != data + len) {	/* OpenSSL advanced p; no arithmetic of ours */
		ASN1_UTF8STRING_free(s);
		return EFSGW_ERR_TRAILING;
	}
	*sp = s;
	return 0;
}

int
certext_utf8(X509 *cert, const char *oid, char *buf, size_t len, char **cause)
{
	const unsigned char *data;
	ASN1_UTF8STRING *s = NULL;
	size_t dlen, slen;
	int r;

	if (len > 0)
		buf[0] = '\0';
	if ((r = certext_find(cert, oid, &data, &dlen)) != 0) {
		if (r == EFSGW_ERR_TOO_MANY)
			identity_fail(cause, r, "certificate_extension",
			    "extension %s appears more than once", oid);
		return r;
	}
	if ((r = certext_d2i_utf8(data, dlen, &s)) != 0) {
		identity_fail(cause, r, "certificate_extension",
		    "extension %s is not one DER UTF8String", oid);
		return r;
	}
	slen = (size_t)ASN1_STRING_length(s);
	if (slen == 0 || slen >= len) {
		r = identity_fail(cause, EFSGW_ERR_TOO_LONG,
		    "certificate_extension", "extension %s: %zu bytes (1..%zu)",
		    oid, slen, len - 1);
		goto out;
	}
	if (!certext_printable(ASN1_STRING_get0_data(s), slen)) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE,
		    "certificate_extension",
		    "extension %s holds non-printable bytes", oid);
		goto out;
	}
	memcpy(buf, ASN1_STRING_get0_data(s), slen);
	buf[slen] = '\0';
	r = 0;
out:
	ASN1_UTF8STRING_free(s);
	return r;
}

int
certext_jwt(X509 *cert, char **tokenp, char **cause)
{
	char *buf;
	int r;

	*tokenp = NULL;
	buf = xmalloc(IDENTITY_MAX_JWT + 1);
	if ((r = certext_utf8(cert, EFSGW_OID_JWT, buf, IDENTITY_MAX_JWT + 1,
	    cause)) != 0) {
		free(buf);
		return r;
	}
	*tokenp = buf;
	return 0;
}

/* Is s (len) exactly 64 lowercase hex digits? */
static int
certext_is_sighex(const unsigned char *s, size_t len)
{
	size_t i;

	if (len != 64)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int
certext_efs_auth(X509 *cert, struct certext_efs_auth *auth, char **cause)
{
	const unsigned char *data, *p;
	CERTEXT_EFS_AUTH *a = NULL;
	size_t dlen, n;
	int r;

	memset(auth, 0, sizeof *auth);
	if ((r = certext_find(cert, EFS_OID_CLIENT_AUTH, &data, &dlen)) != 0) {
		if (r == EFSGW_ERR_TOO_MANY)
			identity_fail(cause, r, "sigv4_extension",
			    ".7.2 appears more than once");
		return r;
	}
	if (dlen > IDENTITY_MAX_TOKEN + 1024)
		return identity_fail(cause, EFSGW_ERR_TOO_LONG,
		    "sigv4_extension", ".7.2 is %zu bytes", dlen);
	p = data;
	if ((a = (CERTEXT_EFS_AUTH *)ASN1_item_d2i(NULL, &p, (long)dlen,
	    ASN1_ITEM_rptr(CERTEXT_EFS_AUTH))) == NULL)
		return identity_fail(cause, EFSGW_ERR_SYNTAX, "sigv4_extension",
		    ".7.2 is not an efs_client_auth SEQUENCE");
	if (p != data + dlen) {
		r = identity_fail(cause, EFSGW_ERR_TRAILING, "sigv4_extension",
		    ".7.2 has bytes after the SEQUENCE");
		goto out;
	}

	n = (size_t)ASN1_STRING_length(a->akid);
	if (n == 0 || n > IDENTITY_MAX_AKID ||
	    !certext_printable(ASN1_STRING_get0_data(a->akid), n)) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "sigv4_extension",
		    "accessKeyId is empty, too long or not printable");
		goto out;
	}
	memcpy(auth->akid, ASN1_STRING_get0_data(a->akid), n);

	/* efs-utils stores the hex text, not the 32 raw bytes. */
	n = (size_t)ASN1_STRING_length(a->signature);
	if (!certext_is_sighex(ASN1_STRING_get0_data(a->signature), n)) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "sigv4_extension",
		    "signature is not 64 lowercase hex characters");
		goto out;
	}
	memcpy(auth->signature, ASN1_STRING_get0_data(a->signature), 64);

	/* UTCTime YYMMDDHHMMSSZ exactly (RFC 5280 §4.1.2.5.1: seconds, Z). */
	n = (size_t)ASN1_STRING_length(a->date);
	if (n != 13 || !ASN1_UTCTIME_check(a->date) ||
	    ASN1_STRING_get0_data(a->date)[12] != 'Z' ||
	    certext_time(a->date, &auth->date) != 0) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "sigv4_extension",
		    "sigv4DateTime is not a UTCTime YYMMDDHHMMSSZ");
		goto out;
	}
	memcpy(auth->utctime, ASN1_STRING_get0_data(a->date), 13);

	if (a->token != NULL) {
		n = (size_t)ASN1_STRING_length(a->token);
		if (n == 0 || n > IDENTITY_MAX_TOKEN ||
		    memchr(ASN1_STRING_get0_data(a->token), '\0', n) != NULL) {
			r = identity_fail(cause, EFSGW_ERR_BAD_VALUE,
			    "sigv4_extension", "sessionToken is empty, over "
			    "%d bytes or holds NUL", IDENTITY_MAX_TOKEN);
			goto out;
		}
		auth->token = xstrndup((const char *)
		    ASN1_STRING_get0_data(a->token), n);
	}
	r = 0;
out:
	ASN1_item_free((ASN1_VALUE *)a, ASN1_ITEM_rptr(CERTEXT_EFS_AUTH));
	if (r != 0)
		certext_efs_auth_clear(auth);
	return r;
}

void
certext_efs_auth_clear(struct certext_efs_auth *auth)
{
	if (auth->token != NULL) {
		OPENSSL_cleanse(auth->token, strlen(auth->token));
		free(auth->token);
	}
	memset(auth, 0, sizeof *auth);
}

int
certext_client_info(X509 *cert, char *buf, size_t len, char **cause)
{
	const unsigned char *data, *p;
	STACK_OF(ASN1_TYPE) *seq;
	ASN1_TYPE *t;
	char one[128];
	size_t dlen, used = 0;
	int i, r, n;

	if (len > 0)
		buf[0] = '\0';
	if ((r = certext_find(cert, EFS_OID_CLIENT_INFO, &data, &dlen)) != 0)
		return r;
	p = data;
	if ((seq = d2i_ASN1_SEQUENCE_ANY(NULL, &p, (long)dlen)) == NULL ||
	    p != data + dlen) {
		sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
		return identity_fail(cause, EFSGW_ERR_SYNTAX,
		    "certificate_extension", ".7.4 is not a SEQUENCE");
	}
	for (i = 0; i < sk_ASN1_TYPE_num(seq) && i < 16; i++) {
		t = sk_ASN1_TYPE_value(seq, i);
		if (ASN1_TYPE_get(t) != V_ASN1_UTF8STRING)
			continue;
		log_escape(one, sizeof one,
		    ASN1_STRING_get0_data(t->value.utf8string),
		    (size_t)ASN1_STRING_length(t->value.utf8string));
		n = snprintf(buf + used, len - used, "%s\"%s\"",
		    used > 0 ? ", " : "", one);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
	return 0;
}

int
certext_add_jwt(X509 *cert, const char *token, char **cause)
{
	ASN1_OBJECT *obj = NULL;
	ASN1_UTF8STRING *s = NULL;
	ASN1_OCTET_STRING *v = NULL;
	X509_EXTENSION *ext = NULL;
	unsigned char *der = NULL;
	int i, n, r = EFSGW_ERR_INTERNAL;

	if (strlen(token) > IDENTITY_MAX_JWT)
		return identity_fail(cause, EFSGW_ERR_TOO_LONG, "jwt",
		    "token over %d bytes", IDENTITY_MAX_JWT);
	if ((obj = certext_obj(EFSGW_OID_JWT)) == NULL ||
	    (s = ASN1_UTF8STRING_new()) == NULL ||
	    !ASN1_STRING_set(s, token, (int)strlen(token)) ||
	    (n = i2d_ASN1_UTF8STRING(s, &der)) <= 0 ||
	    (v = ASN1_OCTET_STRING_new()) == NULL ||
	    !ASN1_OCTET_STRING_set(v, der, n) ||
	    (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, v)) == NULL) {
		identity_fail(cause, r, "jwt", "cannot build the extension");
		goto out;
	}
	while ((i = X509_get_ext_by_OBJ(cert, obj, -1)) >= 0)
		X509_EXTENSION_free(X509_delete_ext(cert, i));
	if (!X509_add_ext(cert, ext, -1)) {
		identity_fail(cause, r, "jwt", "cannot add the extension");
		goto out;
	}
	r = 0;
out:
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(v);
	OPENSSL_free(der);
	ASN1_UTF8STRING_free(s);
	ASN1_OBJECT_free(obj);
	return r;
}

int
certext_public_key_hash(X509 *cert, char hex[41])
{
	ASN1_BIT_STRING *bits;
	unsigned char md[20];
	unsigned int mdlen = 0;
	int i;

	hex[0] = '\0';
	/*
	 * X509_get0_pubkey_bitstr() gives the BIT STRING's bytes without the
	 * unused-bits octet, which is what efs-utils hashes (for RSA, the DER
	 * RSAPublicKey), as the vectors' public_key_hash shows.
	 */
	if ((bits = X509_get0_pubkey_bitstr(cert)) == NULL)
		return EFSGW_ERR_BAD_VALUE;
	if (!EVP_Digest(ASN1_STRING_get0_data(bits),
	    (size_t)ASN1_STRING_length(bits), md, &mdlen, EVP_sha1(), NULL) ||
	    mdlen != sizeof md)
		return EFSGW_ERR_INTERNAL;
	for (i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

int
certext_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	*out = 0;
	memset(&tm, 0, sizeof tm);
	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return EFSGW_ERR_BAD_VALUE;
	*out = timegm(&tm);
	return 0;
}

int
certext_self_signed_ok(X509 *cert)
{
	EVP_PKEY *pk;

	if ((pk = X509_get0_pubkey(cert)) == NULL)
		return EFSGW_ERR_BAD_VALUE;
	if (X509_verify(cert, pk) != 1)
		return EFSGW_ERR_BAD_VALUE;
	return 0;
}
