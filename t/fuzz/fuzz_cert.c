/*
 * efsgw - libFuzzer target for client certificates (auth/identity.c,
 * auth/certext.c, auth/sigv4.c, auth/jwt.c, auth/mtls.c): every byte of
 * the certificate a client presents is read before the client is known.
 *
 * An input that d2i_X509() takes whole is a certificate (the seeds are the
 * efs-utils vectors of t/unit/vectors, as DER). Any other input is an
 * extension body: byte 0 says which extensions carry the rest (bit 0 .7.1,
 * 1 .7.2, 2 .7.3, 3 .7.4, 4 the JWT extension); the others get valid
 * values, and the certificate is signed with a P-256 key made at start-up
 * so that identity_from_cert() gets past the self-signature check into the
 * SigV4 and JWT paths.
 *
 * Each certificate goes through identity_from_cert() at the vectors' fixed
 * time (2026-11-26T12:00:00Z) with the vectors' region and credentials, an
 * audience and an HS256 secret, and through each extension decoder, the
 * SigV4 check and the SAN reader directly. Checked: a refusal has a cause
 * "check_name: message" and a zeroed identity; an accepted identity is
 * NUL-terminated and an anonymous one has no principal and no grants.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "identity.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int LLVMFuzzerInitialize(int *, char ***);

#define FUZZ_NOW	((time_t)1795694400)	/* 2026-11-26T12:00:00Z */
#define FUZZ_FS		"fs-0123456789abcdef0"
#define FUZZ_AP		"fsap-0123456789abcdef0"

/* etc/credentials.json's two keys: the vectors' key and a pinned token. */
static const char fuzz_cert_creds[] =
    "{\"credentials\": ["
    "{\"access_key_id\": \"AKIDEXAMPLE0EFSGW01\","
    " \"secret_access_key\": \"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\","
    " \"principal\": \"arn:aws:iam::111122223333:role/efs-client\","
    " \"actions\": [\"ClientMount\", \"ClientWrite\"]},"
    "{\"access_key_id\": \"ASIAEXAMPLE0EFSGW02\","
    " \"secret_access_key\": \"je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\","
    " \"principal\": \"arn:aws:sts::111122223333:assumed-role/a/b\","
    " \"actions\": [\"*\"], \"session_token\": \"IQoJb3JpZ2luX2VjEXAMPLETOKEN02\"}"
    "]}";

static struct identity_config	*fuzz_cfg;
static struct credentials	*fuzz_creds;
static EVP_PKEY			*fuzz_key;

/* The fixed clock. */
static time_t
fuzz_cert_now(void)
{
	return FUZZ_NOW;
}

/* Write text to a new 0600 temporary file; returns its path (static). */
static const char *
fuzz_cert_tmpfile(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof path, "/tmp/efsgw-fuzz-cert.XXXXXX");
	if ((fd = mkstemp(path)) < 0 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    close(fd) != 0)
		abort();
	return path;
}

/* Build the identity configuration once. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path;
	char *cause = NULL;

	(void)argc;
	(void)argv;
	fuzz_cfg = identity_config_new();
	identity_config_set_clock(fuzz_cfg, fuzz_cert_now);
	path = fuzz_cert_tmpfile(fuzz_cert_creds);
	if (identity_config_set_region(fuzz_cfg, "us-east-1", &cause) != 0 ||
	    identity_config_load_credentials(fuzz_cfg, path, &cause) != 0 ||
	    identity_config_add_audience(fuzz_cfg, "efsgw", &cause) != 0) {
		fprintf(stderr, "fuzz_cert: %s\n", cause);
		abort();
	}
	unlink(path);
	path = fuzz_cert_tmpfile("0123456789abcdef0123456789abcdef-fuzz\n");
	if (identity_config_set_hs256_file(fuzz_cfg, path, &cause) != 0) {
		fprintf(stderr, "fuzz_cert: %s\n", cause);
		abort();
	}
	unlink(path);
	if (credentials_parse("fuzz", fuzz_cert_creds, &fuzz_creds, &cause) != 0)
		abort();
	if ((fuzz_key = EVP_EC_gen("P-256")) == NULL)
		abort();
	return 0;
}

/* Add extension oid with extnValue contents der (not critical). */
static void
fuzz_cert_add(X509 *x, const char *oid, const void *der, size_t len)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
	X509_EXTENSION *ext;

	if (obj == NULL || v == NULL || !ASN1_OCTET_STRING_set(v, der, (int)len) ||
	    (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, v)) == NULL ||
	    !X509_add_ext(x, ext, -1))
		abort();
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(v);
	ASN1_OBJECT_free(obj);
}

/* A self-signed certificate carrying body in the extensions mask picks. */
static X509 *
fuzz_cert_build(unsigned mask, const uint8_t *body, size_t len)
{
	static const uint8_t ap[] = "\x0c\x16" FUZZ_AP;
	static const uint8_t fs[] = "\x0c\x14" FUZZ_FS;
	static const uint8_t info[] = "\x30\x10\x0c\x07unknown\x0c\x05" "3.2.0";
	X509 *x = X509_new();
	X509_NAME *n;

	if (x == NULL || !X509_set_version(x, 2) ||
	    ASN1_TIME_set(X509_getm_notBefore(x), FUZZ_NOW - 900) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), FUZZ_NOW + 3 * 3600) == NULL ||
	    !X509_set_pubkey(x, fuzz_key) || (n = X509_get_subject_name(x)) ==
	    NULL || !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)"fuzz", -1, -1, 0) ||
	    !X509_set_issuer_name(x, n))
		abort();
	if (mask & 0x01)
		fuzz_cert_add(x, EFS_OID_ACCESS_POINT, body, len);
	else
		fuzz_cert_add(x, EFS_OID_ACCESS_POINT, ap, sizeof ap - 1);
	if (mask & 0x02)
		fuzz_cert_add(x, EFS_OID_CLIENT_AUTH, body, len);
	if (mask & 0x04)
		fuzz_cert_add(x, EFS_OID_FS_ID, body, len);
	else
		fuzz_cert_add(x, EFS_OID_FS_ID, fs, sizeof fs - 1);
	if (mask & 0x08)
		fuzz_cert_add(x, EFS_OID_CLIENT_INFO, body, len);
	else
		fuzz_cert_add(x, EFS_OID_CLIENT_INFO, info, sizeof info - 1);
	if (mask & 0x10)
		fuzz_cert_add(x, EFSGW_OID_JWT, body, len);
	if (X509_sign(x, fuzz_key, EVP_sha256()) <= 0)
		abort();
	return x;
}

/* A refusal: cause "check: message", identity zeroed. */
static void
fuzz_cert_refused(const struct identity *id, char *cause)
{
	const char *colon;

	if (cause == NULL || (colon = strstr(cause, ": ")) == NULL ||
	    colon == cause || strspn(cause, "abcdefghijklmnopqrstuvwxyz0123456789_")
	    != (size_t)(colon - cause))
		abort();
	if (id->source != IDENTITY_ANONYMOUS || id->principal[0] != '\0' ||
	    id->grants != 0)
		abort();
	free(cause);
}

/* An identity: strings terminated; anonymous means nobody. */
static void
fuzz_cert_accepted(const struct identity *id)
{
	if (memchr(id->principal, '\0', sizeof id->principal) == NULL ||
	    memchr(id->fs_id, '\0', sizeof id->fs_id) == NULL ||
	    memchr(id->ap_id, '\0', sizeof id->ap_id) == NULL ||
	    memchr(id->detail, '\0', sizeof id->detail) == NULL)
		abort();
	if (id->source == IDENTITY_ANONYMOUS &&
	    (id->principal[0] != '\0' || id->grants != 0))
		abort();
	if ((id->grants & ~(uint32_t)GRANT_ALL) != 0)
		abort();
}

/* Every reader of one certificate. */
static void
fuzz_cert_run(X509 *x)
{
	struct sigv4_params sp = { fuzz_creds, "us-east-1", FUZZ_NOW, 900, 86400 };
	struct certext_efs_auth auth;
	struct identity id;
	json_t *h = NULL, *c = NULL;
	char buf[256], fs[32], hash[41], *tok = NULL, *cause = NULL;
	int ca;

	for (ca = 0; ca <= 1; ca++) {
		if (identity_from_cert(fuzz_cfg, x, ca, &id, &cause) == 0)
			fuzz_cert_accepted(&id);
		else
			fuzz_cert_refused(&id, cause);
		cause = NULL;
	}
	if (certext_utf8(x, EFS_OID_ACCESS_POINT, buf, 32, &cause) != 0)
		free(cause);
	cause = NULL;
	if (certext_utf8(x, EFS_OID_FS_ID, fs, sizeof fs, &cause) != 0) {
		free(cause);
		fs[0] = '\0';
	}
	cause = NULL;
	if (certext_efs_auth(x, &auth, &cause) == 0) {
		if (strlen(auth.signature) != 64 || strlen(auth.utctime) != 13)
			abort();
		certext_efs_auth_clear(&auth);
	} else
		free(cause);
	cause = NULL;
	memset(&id, 0, sizeof id);
	if (sigv4_verify(&sp, x, fs, &id, &cause) != 0)
		free(cause);
	cause = NULL;
	if (certext_client_info(x, buf, sizeof buf, &cause) == 0) {
		if (memchr(buf, '\0', sizeof buf) == NULL)
			abort();
	} else
		free(cause);
	cause = NULL;
	if (certext_jwt(x, &tok, &cause) == 0) {
		if (jwt_decode_unverified(tok, &h, &c, &cause) == 0) {
			json_decref(h);
			json_decref(c);
		} else
			free(cause);
		free(tok);
	} else
		free(cause);
	cause = NULL;
	memset(&id, 0, sizeof id);
	if (mtls_identity(x, &id, &cause) != 0)
		free(cause);
	(void)certext_public_key_hash(x, hash);
	(void)jwt_cert_x5t_s256(x, buf, sizeof buf);
	(void)jwt_cert_jkt(x, buf, sizeof buf);
}

/* One input: a certificate, or extension bodies. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *p = data;
	X509 *x;

	if (size == 0)
		return 0;
	if ((x = d2i_X509(NULL, &p, (long)size)) != NULL &&
	    p == data + size) {
		fuzz_cert_run(x);
		X509_free(x);
		return 0;
	}
	X509_free(x);
	x = fuzz_cert_build(data[0], data + 1, size - 1);
	fuzz_cert_run(x);
	X509_free(x);
	return 0;
}
