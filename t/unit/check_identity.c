/*
 * efsgw - unit tests of auth/identity*: client identities from the TLS
 * client certificate.
 *
 * Pins: every efs-utils vector in t/unit/vectors gives exactly the result
 * its manifest states, at the vector's own fixed time (efs-utils 3.2.0,
 * certificate_utils.create_certificate and watchdog.recreate_certificate);
 * a .7.2 extension replayed with another key pair is refused (the
 * PublicKeyHash binding); JWTs: RFC 7519 §4.1.4-5 exp/nbf with skew,
 * §4.1.3 aud, RFC 8725 §2.1/§3.1 alg "none" and HS/RS confusion, RFC 7800
 * cnf; mTLS chains to the configured CA only; every bit flip and
 * truncation of a vector certificate or token is refused or harmless.
 * Certificates and keys for the JWT and mTLS cases are made here with
 * OpenSSL APIs, at a fixed clock.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "identity.h"

#define VDIR		IDENTITY_VECTORS
#define T0		((time_t)1800000000)	/* 2027-01-15T08:00:00Z */
#define PRINCIPAL01	"arn:aws:iam::111122223333:role/efs-vector"
#define PRINCIPAL99	"arn:aws:iam::111122223333:role/efs-other"
#define SECRET		"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

static time_t fixed_now;

/* The test clock. */
static time_t
test_now(void)
{
	return fixed_now;
}

/* ------------------------------------------------------------ helpers */

/* Write text to a new 0600 temp file; returns its path (caller frees). */
static char *
write_temp(const char *text)
{
	char *path = xstrdup("/tmp/efsgw-idtest-XXXXXX");
	int fd = mkstemp(path);
	size_t n = strlen(text);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fchmod(fd, 0600), 0);
	ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

static X509 *
load_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;

	ck_assert_msg(f != NULL, "open %s", path);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_msg(x != NULL, "parse %s", path);
	return x;
}

static json_t *
load_json(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);

	ck_assert_msg(j != NULL, "%s: %s", path, e.text);
	return j;
}

/* "2026-11-26T12:00:00Z" to time_t. */
static time_t
iso_time(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	ck_assert_ptr_nonnull(strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm));
	return timegm(&tm);
}

static char *
pem_private(EVP_PKEY *pk)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *d, *s;
	long n;

	ck_assert(PEM_write_bio_PrivateKey(b, pk, NULL, NULL, 0, NULL, NULL));
	n = BIO_get_mem_data(b, &d);
	s = xstrndup(d, (size_t)n);
	BIO_free(b);
	return s;
}

static char *
pem_public(EVP_PKEY *pk)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *d, *s;
	long n;

	ck_assert(PEM_write_bio_PUBKEY(b, pk));
	n = BIO_get_mem_data(b, &d);
	s = xstrndup(d, (size_t)n);
	BIO_free(b);
	return s;
}

static char *
pem_cert(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *d, *s;
	long n;

	ck_assert(PEM_write_bio_X509(b, x));
	n = BIO_get_mem_data(b, &d);
	s = xstrndup(d, (size_t)n);
	BIO_free(b);
	return s;
}

/* Mint a JWT with libjwt: alg, key (PEM or secret), claims JSON, kid. */
static char *
mint(jwt_alg_t alg, const void *key, size_t keylen, const char *claims,
    const char *kid)
{
	jwt_t *j;
	char *tok, *s;

	ck_assert_int_eq(jwt_new(&j), 0);
	ck_assert_int_eq(jwt_add_grants_json(j, claims), 0);
	if (kid != NULL)
		ck_assert_int_eq(jwt_add_header(j, "kid", kid), 0);
	ck_assert_int_eq(jwt_set_alg(j, alg, key, (int)keylen), 0);
	tok = jwt_encode_str(j);
	ck_assert_ptr_nonnull(tok);
	s = xstrdup(tok);
	free(tok);
	jwt_free(j);
	return s;
}

/* Add a UTF8String extension oid = s. */
static void
add_utf8_ext(X509 *x, const char *oid, const char *s, size_t len)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	ASN1_UTF8STRING *u = ASN1_UTF8STRING_new();
	ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
	unsigned char *der = NULL;
	X509_EXTENSION *e;
	int n;

	ck_assert(ASN1_STRING_set(u, s, (int)len));
	n = i2d_ASN1_UTF8STRING(u, &der);
	ck_assert_int_gt(n, 0);
	ck_assert(ASN1_OCTET_STRING_set(v, der, n));
	e = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, v);
	ck_assert(X509_add_ext(x, e, -1));
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(v);
	OPENSSL_free(der);
	ASN1_UTF8STRING_free(u);
	ASN1_OBJECT_free(obj);
}

struct certspec {
	EVP_PKEY	*key;		/* subject key */
	EVP_PKEY	*signer;	/* NULL: self-signed */
	X509		*issuer;	/* NULL: self */
	const char	*cn;
	const char	*token;		/* JWT extension */
	const char	*fs, *ap;
	const char	*san;		/* "URI:...,DNS:..." */
	int		 ca;
	time_t		 nb, na;
};

/* Build a certificate per spec. */
static X509 *
make_cert(const struct certspec *s)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	char *cause = NULL;
	static long serial = 1;

	ck_assert(X509_set_version(x, 2));
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)(s->cn != NULL ? s->cn : "client"), -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, s->issuer != NULL ?
	    X509_get_subject_name(s->issuer) : n);
	X509_NAME_free(n);
	ASN1_TIME_set(X509_getm_notBefore(x), s->nb ? s->nb : fixed_now - 900);
	ASN1_TIME_set(X509_getm_notAfter(x), s->na ? s->na : fixed_now + 10800);
	X509_set_pubkey(x, s->key);
	X509V3_set_ctx(&ctx, s->issuer != NULL ? s->issuer : x, x, NULL, NULL, 0);
	if (s->ca) {
		e = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
		    "critical,CA:TRUE");
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
		e = X509V3_EXT_conf_nid(NULL, &ctx, NID_key_usage,
		    "critical,keyCertSign,cRLSign");
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	if (s->san != NULL) {
		e = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, s->san);
		ck_assert_ptr_nonnull(e);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	if (s->ap != NULL)
		add_utf8_ext(x, EFS_OID_ACCESS_POINT, s->ap, strlen(s->ap));
	if (s->fs != NULL)
		add_utf8_ext(x, EFS_OID_FS_ID, s->fs, strlen(s->fs));
	if (s->token != NULL)
		ck_assert_msg(certext_add_jwt(x, s->token, &cause) == 0, "%s",
		    cause);
	ck_assert(X509_sign(x, s->signer != NULL ? s->signer : s->key,
	    EVP_sha256()));
	return x;
}

/* Shared keys, made once per process (RSA generation is slow). */
static EVP_PKEY *rsa_a, *rsa_b, *ec_a, *client_key;
static char *rsa_a_priv, *rsa_a_pub, *rsa_b_priv, *ec_a_priv, *ec_a_pub;

static void
keys_setup(void)
{
	if (rsa_a != NULL)
		return;
	rsa_a = EVP_RSA_gen(2048);
	rsa_b = EVP_RSA_gen(2048);
	ec_a = EVP_EC_gen("P-256");
	client_key = EVP_EC_gen("P-256");
	ck_assert(rsa_a && rsa_b && ec_a && client_key);
	rsa_a_priv = pem_private(rsa_a);
	rsa_a_pub = pem_public(rsa_a);
	rsa_b_priv = pem_private(rsa_b);
	ec_a_priv = pem_private(ec_a);
	ec_a_pub = pem_public(ec_a);
}

/* ------------------------------------------------------------ efs-utils vectors */

static const char *const vectors[] = {
	"01_iam_ap_session_token",
	"02_iam_ap_no_session_token",
	"03_iam_no_access_point",
	"04_extra_token_special_chars",
	"05_extra_watchdog_refresh",
};

/*
 * The credentials file for the vectors. AKIDEXAMPLE0EFSGW99 has the same
 * secret, as the manifest's "access_key_id" copy assumes ("recomputed with
 * the same secret"), so that it fails on the signature, not the lookup.
 */
static const char vector_creds[] =
    "{ \"credentials\": [\n"
    "  { \"access_key_id\": \"AKIDEXAMPLE0EFSGW01\",\n"
    "    \"secret_access_key\": \"" SECRET "\",\n"
    "    \"principal\": \"" PRINCIPAL01 "\",\n"
    "    \"actions\": [\"elasticfilesystem:ClientMount\", \"ClientWrite\"] },\n"
    "  { \"access_key_id\": \"AKIDEXAMPLE0EFSGW99\",\n"
    "    \"secret_access_key\": \"" SECRET "\",\n"
    "    \"principal\": \"" PRINCIPAL99 "\" } ] }\n";

static struct identity_config *
vector_config(const char *fs_id)
{
	struct identity_config *cfg = identity_config_new();
	char *path = write_temp(vector_creds), *cause = NULL;

	ck_assert_msg(identity_config_load_credentials(cfg, path, &cause) == 0,
	    "%s", cause);
	unlink(path);
	free(path);
	ck_assert_int_eq(identity_config_set_region(cfg, "us-east-1", &cause), 0);
	if (fs_id != NULL)
		ck_assert_int_eq(identity_config_set_fs_id(cfg, fs_id, &cause), 0);
	identity_config_set_clock(cfg, test_now);
	return cfg;
}

/* Is cause's check name (before ':') equal to check? */
static int
cause_is(const char *cause, const char *check)
{
	size_t n = strlen(check);

	return cause != NULL && strncmp(cause, check, n) == 0 && cause[n] == ':';
}

/* The intermediates efs-utils computed: our recomputation matches them. */
START_TEST(test_vector_intermediates)
{
	char path[512], hash[41], sig[65], *canon = NULL, date[17];
	json_t *v, *in, *im;
	const char *tok;
	X509 *x;

	snprintf(path, sizeof path, "%s/%s/vector.json", VDIR, vectors[_i]);
	v = load_json(path);
	in = json_object_get(v, "inputs");
	im = json_object_get(v, "intermediates_from_efs_utils");
	snprintf(path, sizeof path, "%s/%s/cert.pem", VDIR, vectors[_i]);
	x = load_cert(path);

	ck_assert_int_eq(certext_public_key_hash(x, hash), 0);
	ck_assert_str_eq(hash, json_string_value(json_object_get(im,
	    "public_key_hash")));
	snprintf(date, sizeof date, "%s", json_string_value(json_object_get(im,
	    "x_amz_date")));
	tok = json_string_value(json_object_get(in, "session_token"));
	ck_assert_int_eq(sigv4_sign(json_string_value(json_object_get(in,
	    "secret_access_key")), json_string_value(json_object_get(in,
	    "access_key_id")), json_string_value(json_object_get(in, "region")),
	    json_string_value(json_object_get(in, "fs_id")), hash, date, tok, sig,
	    &canon), 0);
	ck_assert_str_eq(canon, json_string_value(json_object_get(im,
	    "canonical_request")));
	ck_assert_str_eq(sig, json_string_value(json_object_get(im,
	    "signature_hex")));
	free(canon);
	X509_free(x);
	json_decref(v);
}
END_TEST

/* Each vector is accepted at its time with its principal, fs and ap. */
START_TEST(test_vector_accepted)
{
	struct identity_config *cfg;
	struct identity id;
	char path[512], *cause = NULL, info[256];
	json_t *v, *in, *ap;
	X509 *x;
	int r;

	snprintf(path, sizeof path, "%s/%s/vector.json", VDIR, vectors[_i]);
	v = load_json(path);
	in = json_object_get(v, "inputs");
	fixed_now = iso_time(json_string_value(json_object_get(in,
	    "fixed_utc_now")));
	snprintf(path, sizeof path, "%s/%s/cert.pem", VDIR, vectors[_i]);
	x = load_cert(path);

	cfg = vector_config(NULL);
	r = identity_from_cert(cfg, x, 0, &id, &cause);
	ck_assert_msg(r == 0, "%s: %s", vectors[_i], cause);
	ck_assert_int_eq(id.source, IDENTITY_SIGV4);
	ck_assert_str_eq(id.principal, PRINCIPAL01);
	ck_assert_uint_eq(id.grants, GRANT_MOUNT | GRANT_WRITE);
	ck_assert_str_eq(id.fs_id, json_string_value(json_object_get(in,
	    "fs_id")));
	ap = json_object_get(in, "access_point_id");
	ck_assert_str_eq(id.ap_id, json_is_string(ap) ? json_string_value(ap) :
	    "");
	/*
	 * notAfter (sigv4 time + 3 h) ends it before the 24 h window; the
	 * expiry is the first second past notAfter plus the 300 s skew.
	 */
	ck_assert_int_eq(id.not_after, fixed_now + 3 * 3600 + 300 + 1);
	ck_assert_ptr_nonnull(strstr(id.detail, "AKIDEXAMPLE0EFSGW01"));

	/* The same with the gateway's fs id configured. */
	identity_config_free(cfg);
	cfg = vector_config("fs-0123456789abcdef0");
	ck_assert_int_eq(identity_from_cert(cfg, x, 0, &id, &cause), 0);

	/* Freshness: 1 h before the signature minus 15 min skew is refused... */
	fixed_now -= 3600;
	ck_assert_int_ne(identity_from_cert(cfg, x, 0, &id, &cause), 0);
	free(cause);
	cause = NULL;
	/* ...and after notAfter (+3 h) plus skew too. */
	fixed_now += 3600 + 3 * 3600 + 301;
	ck_assert_int_ne(identity_from_cert(cfg, x, 0, &id, &cause), 0);
	ck_assert_msg(cause_is(cause, "x509_validity"), "%s", cause);
	free(cause);
	cause = NULL;

	/* .7.4 decodes; the watchdog's copy has leading spaces. */
	ck_assert_int_eq(certext_client_info(x, info, sizeof info, &cause), 0);
	ck_assert_ptr_nonnull(strstr(info, "3.2.0"));

	/* Without a region or credentials, SigV4 cannot succeed. */
	identity_config_free(cfg);
	cfg = identity_config_new();
	identity_config_set_clock(cfg, test_now);
	fixed_now = iso_time(json_string_value(json_object_get(in,
	    "fixed_utc_now")));
	ck_assert_int_ne(identity_from_cert(cfg, x, 0, &id, &cause), 0);
	ck_assert_int_eq(id.source, IDENTITY_ANONYMOUS);
	free(cause);

	identity_config_free(cfg);
	X509_free(x);
	json_decref(v);
}
END_TEST

/* Does the manifest entry list check? */
static int
fails(json_t *entry, const char *check)
{
	json_t *a = json_object_get(entry, "expected_failing_checks"), *e;
	size_t i;

	json_array_foreach(a, i, e)
		if (strcmp(json_string_value(e), check) == 0)
			return 1;
	return 0;
}

/* Every tampered copy gives exactly the manifest's result. */
START_TEST(test_vector_tampered)
{
	struct identity_config *cfg, *cfg_fs;
	struct identity id;
	char path[512], *cause = NULL;
	const char *name, *want_ap;
	json_t *v, *in, *m, *entry, *ap;
	X509 *x;
	int r, n = 0;

	snprintf(path, sizeof path, "%s/%s/vector.json", VDIR, vectors[_i]);
	v = load_json(path);
	in = json_object_get(v, "inputs");
	fixed_now = iso_time(json_string_value(json_object_get(in,
	    "fixed_utc_now")));
	ap = json_object_get(in, "access_point_id");
	want_ap = json_is_string(ap) ? json_string_value(ap) : "";
	snprintf(path, sizeof path, "%s/%s/tampered/manifest.json", VDIR,
	    vectors[_i]);
	m = load_json(path);
	cfg = vector_config(NULL);
	cfg_fs = vector_config(json_string_value(json_object_get(in, "fs_id")));

	json_object_foreach(m, name, entry) {
		snprintf(path, sizeof path, "%s/%s/tampered/%s.pem", VDIR,
		    vectors[_i], name);
		x = load_cert(path);
		n++;
		r = identity_from_cert(cfg, x, 0, &id, &cause);
		if (fails(entry, "x509_self_signature")) {
			ck_assert_msg(r != 0 && cause_is(cause,
			    "x509_self_signature"), "%s/%s: %s", vectors[_i],
			    name, cause);
		} else if (fails(entry, "sigv4_signature")) {
			ck_assert_msg(r != 0 && cause_is(cause, "sigv4_signature"),
			    "%s/%s: %s", vectors[_i], name, cause);
			ck_assert_int_eq(id.source, IDENTITY_ANONYMOUS);
			ck_assert_str_eq(id.principal, "");
		} else {
			/* Only the access point differs: SigV4 still valid. */
			ck_assert_msg(fails(entry, "access_point_matches_expected"),
			    "%s", name);
			ck_assert_msg(r == 0, "%s/%s: %s", vectors[_i], name,
			    cause);
			ck_assert_int_eq(id.source, IDENTITY_SIGV4);
			ck_assert_str_eq(id.principal, PRINCIPAL01);
			ck_assert_str_ne(id.ap_id, want_ap);
		}
		free(cause);
		cause = NULL;
		/* A gateway serving the vector's fs names the fs mismatch. */
		if (fails(entry, "fs_id_matches_expected")) {
			ck_assert_int_ne(identity_from_cert(cfg_fs, x, 0, &id,
			    &cause), 0);
			ck_assert_msg(cause_is(cause, "fs_id_matches_expected"),
			    "%s", cause);
			free(cause);
			cause = NULL;
		}
		/* Unknown to the credentials file: refused on the lookup. */
		if (strcmp(name, "access_key_id") == 0) {
			struct identity_config *c1 = identity_config_new();
			char *p1 = write_temp("{\"credentials\":[{\"access_key_id\":"
			    "\"AKIDEXAMPLE0EFSGW01\",\"secret_access_key\":\""
			    SECRET "\",\"principal\":\"p\"}]}");

			ck_assert_int_eq(identity_config_load_credentials(c1, p1,
			    &cause), 0);
			identity_config_set_region(c1, "us-east-1", &cause);
			identity_config_set_clock(c1, test_now);
			ck_assert_int_ne(identity_from_cert(c1, x, 0, &id,
			    &cause), 0);
			ck_assert_msg(cause_is(cause, "sigv4_unknown_key"), "%s",
			    cause);
			free(cause);
			cause = NULL;
			unlink(p1);
			free(p1);
			identity_config_free(c1);
		}
		X509_free(x);
	}
	ck_assert_int_ge(n, 7);
	identity_config_free(cfg);
	identity_config_free(cfg_fs);
	json_decref(m);
	json_decref(v);
}
END_TEST

/*
 * Flip one bit in every byte of a vector certificate, and truncate it at
 * every length: the result never parses into a different accepted identity
 * (OpenSSH test_sshbuf_getput_fuzz.c style).
 */
START_TEST(test_vector_bitflip)
{
	struct identity_config *cfg;
	struct identity id;
	unsigned char *der = NULL, *copy;
	const unsigned char *p;
	char path[512], *cause = NULL;
	int len, i, accepted = 0;
	X509 *x, *y;

	snprintf(path, sizeof path, "%s/01_iam_ap_session_token/cert.pem", VDIR);
	x = load_cert(path);
	fixed_now = iso_time("2026-11-26T12:00:00Z");
	cfg = vector_config(NULL);
	len = i2d_X509(x, &der);
	ck_assert_int_gt(len, 0);
	copy = xmalloc((size_t)len);
	for (i = 0; i < 2 * len; i++) {
		memcpy(copy, der, (size_t)len);
		if (i < len)
			copy[i] ^= (unsigned char)(1u << (i % 8));
		p = copy;
		y = d2i_X509(NULL, &p, i < len ? len : i - len);
		if (y == NULL)
			continue;
		/*
		 * A flip that hides the .7.2 extension leaves an anonymous
		 * certificate: harmless, its ids were never signed anyway.
		 */
		if (identity_from_cert(cfg, y, 0, &id, &cause) == 0 &&
		    id.source != IDENTITY_ANONYMOUS) {
			accepted++;
			ck_assert_str_eq(id.principal, PRINCIPAL01);
			ck_assert_str_eq(id.fs_id, "fs-0123456789abcdef0");
			ck_assert_str_eq(id.ap_id, "fsap-0123456789abcdef0");
		}
		free(cause);
		cause = NULL;
		X509_free(y);
	}
	/* Only the untouched (full-length) copy keeps its principal. */
	ck_assert_int_le(accepted, 1);
	free(copy);
	OPENSSL_free(der);
	identity_config_free(cfg);
	X509_free(x);
}
END_TEST

/* quote_plus as Python's, uppercase %XX; the extension decoders' limits. */
START_TEST(test_quote_plus)
{
	char buf[128];

	ck_assert_int_eq(sigv4_quote_plus("a b/+=~_.-Z9", buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "a+b%2F%2B%3D~_.-Z9");
	ck_assert_int_eq(sigv4_quote_plus("\xc3\xa9", buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "%C3%A9");
	ck_assert_int_eq(sigv4_quote_plus("////", buf, 8), -1);
}
END_TEST

/* ------------------------------------------------------------ credentials */

START_TEST(test_credentials_file)
{
	struct credentials *c = NULL;
	const struct credential *e;
	char *cause = NULL, *path;

	ck_assert_int_eq(credentials_parse("t", vector_creds, &c, &cause), 0);
	ck_assert_uint_eq(credentials_count(c), 2);
	ck_assert_ptr_nonnull(e = credentials_find(c, "AKIDEXAMPLE0EFSGW99"));
	ck_assert_str_eq(e->principal, PRINCIPAL99);
	ck_assert_uint_eq(e->grants, 0);
	ck_assert_ptr_null(credentials_find(c, "AKIDNOPE"));
	credentials_free(c);

	ck_assert_int_ne(credentials_parse("t", "{\"credentials\": [\n{]", &c,
	    &cause), 0);
	ck_assert_msg(strncmp(cause, "t:2:", 4) == 0, "%s", cause);
	free(cause);
	ck_assert_int_ne(credentials_parse("t", "{\"credentials\":[{"
	    "\"access_key_id\":\"A\",\"secret_access_key\":\"s\",\"principal\":"
	    "\"p\",\"acitons\":[]}]}", &c, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "acitons"));
	free(cause);
	ck_assert_int_ne(credentials_parse("t", "{\"credentials\":[{"
	    "\"access_key_id\":\"A\",\"secret_access_key\":\"s\",\"principal\":"
	    "\"p\",\"actions\":[\"ClientDelete\"]}]}", &c, &cause), 0);
	free(cause);
	ck_assert_int_ne(credentials_parse("t", "{\"credentials\":[{"
	    "\"access_key_id\":\"A\",\"secret_access_key\":\"s\",\"principal\":"
	    "\"p\"},{\"access_key_id\":\"A\",\"secret_access_key\":\"s\","
	    "\"principal\":\"q\"}]}", &c, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "twice"));
	free(cause);
	/* A world-readable secrets file is refused. */
	path = write_temp(vector_creds);
	chmod(path, 0644);
	ck_assert_int_ne(credentials_load(path, &c, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "chmod 600"));
	free(cause);
	unlink(path);
	free(path);
}
END_TEST

/* A pinned session token must match the certificate's. */
START_TEST(test_credentials_session_token)
{
	struct identity_config *cfg = identity_config_new();
	struct identity id;
	char path[512], *cause = NULL, *cp;
	X509 *x;

	cp = write_temp("{\"credentials\":[{\"access_key_id\":"
	    "\"AKIDEXAMPLE0EFSGW01\",\"secret_access_key\":\"" SECRET "\","
	    "\"principal\":\"p\",\"session_token\":\"other\"}]}");
	ck_assert_int_eq(identity_config_load_credentials(cfg, cp, &cause), 0);
	identity_config_set_region(cfg, "us-east-1", &cause);
	identity_config_set_clock(cfg, test_now);
	fixed_now = iso_time("2026-11-26T12:00:00Z");
	snprintf(path, sizeof path, "%s/01_iam_ap_session_token/cert.pem", VDIR);
	x = load_cert(path);
	ck_assert_int_ne(identity_from_cert(cfg, x, 0, &id, &cause), 0);
	ck_assert_msg(cause_is(cause, "sigv4_session_token"), "%s", cause);
	free(cause);
	X509_free(x);
	unlink(cp);
	free(cp);
	identity_config_free(cfg);
}
END_TEST

/* ------------------------------------------------------------ JWT */

/* A config accepting audience "efsgw" with rsa_a and ec_a. */
static struct identity_config *
jwt_config(void)
{
	struct identity_config *cfg = identity_config_new();
	char *p1 = write_temp(rsa_a_pub), *p2 = write_temp(ec_a_pub);
	char *cause = NULL;

	ck_assert_msg(identity_config_add_jwt_pem(cfg, p1, &cause) == 0, "%s",
	    cause);
	ck_assert_msg(identity_config_add_jwt_pem(cfg, p2, &cause) == 0, "%s",
	    cause);
	ck_assert_int_eq(identity_config_add_audience(cfg, "efsgw", &cause), 0);
	ck_assert_int_eq(identity_config_add_audience(cfg,
	    "fs-0123456789abcdef0", &cause), 0);
	identity_config_set_clock(cfg, test_now);
	unlink(p1);
	unlink(p2);
	free(p1);
	free(p2);
	return cfg;
}

/* Claims JSON valid at T0 with extra members appended. */
static char *
claims(const char *aud, long iat, long exp, const char *extra)
{
	char *s;

	xasprintf(&s, "{\"sub\":\"system:serviceaccount:prod:app\",\"iss\":"
	    "\"https://issuer.example\",\"aud\":%s,\"iat\":%ld,\"exp\":%ld,"
	    "\"efsgw:actions\":[\"ClientMount\",\"elasticfilesystem:ClientWrite\"]"
	    "%s%s}", aud, iat, exp, extra != NULL ? "," : "",
	    extra != NULL ? extra : "");
	return s;
}

/* The listener's file system present() checks against; NULL: the cfg's. */
static const char *listener_fs;

/* Present token in a fresh self-signed client cert; return result. */
static int
present(struct identity_config *cfg, const char *token, const char *fs,
    const char *ap, struct identity *id, char **cause)
{
	struct certspec s;
	X509 *x;
	int r;

	memset(&s, 0, sizeof s);
	s.key = client_key;
	s.token = token;
	s.fs = fs;
	s.ap = ap;
	x = make_cert(&s);
	if (listener_fs != NULL)
		r = identity_from_cert_for(cfg, x, 0, listener_fs, id, cause);
	else
		r = identity_from_cert(cfg, x, 0, id, cause);
	X509_free(x);
	return r;
}

/* Expect refusal with check name check. */
#define REFUSED(cfg, tok, check) do {					\
	struct identity id_;						\
	char *c_ = NULL;						\
	int r_ = present(cfg, tok, NULL, NULL, &id_, &c_);		\
	ck_assert_msg(r_ != 0 && cause_is(c_, check),			\
	    "want %s, got %d %s", check, r_, c_);			\
	ck_assert_int_eq(id_.source, IDENTITY_ANONYMOUS);		\
	free(c_);							\
} while (0)

START_TEST(test_jwt_valid)
{
	struct identity_config *cfg;
	struct identity id;
	char *c, *tok, *cause = NULL;

	keys_setup();
	fixed_now = T0;
	cfg = jwt_config();
	c = claims("[\"other\",\"efsgw\"]", T0 - 10, T0 + 600,
	    "\"efsgw:fs\":\"fs-0123456789abcdef0\",\"efsgw:ap\":\"fsap-1\"");
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	ck_assert_msg(present(cfg, tok, NULL, NULL, &id, &cause) == 0, "%s",
	    cause);
	ck_assert_int_eq(id.source, IDENTITY_JWT);
	ck_assert_str_eq(id.principal, "system:serviceaccount:prod:app");
	ck_assert_uint_eq(id.grants, GRANT_MOUNT | GRANT_WRITE);
	ck_assert_str_eq(id.fs_id, "fs-0123456789abcdef0");
	ck_assert_str_eq(id.ap_id, "fsap-1");
	ck_assert_int_eq(id.not_after, T0 + 600 + 300 + 1);	/* exp + skew */
	ck_assert_ptr_nonnull(strstr(id.detail, "iss=https://issuer.example"));
	/* The certificate's unsigned .7.3 may not contradict the token. */
	ck_assert_int_ne(present(cfg, tok, "fs-0fedcba9876543210", NULL, &id,
	    &cause), 0);
	ck_assert_msg(cause_is(cause, "fs_id_matches_expected"), "%s", cause);
	free(cause);
	cause = NULL;
	/* Agreeing with it is fine. */
	ck_assert_int_eq(present(cfg, tok, "fs-0123456789abcdef0", "fsap-1", &id,
	    &cause), 0);
	free(tok);
	free(c);

	/*
	 * "principal" wins over sub; no efsgw:fs claim: the aud naming the
	 * listener's file system binds it (the cert's .7.3 only agrees).
	 */
	c = claims("\"fs-0123456789abcdef0\"", T0, T0 + 60,
	    "\"principal\":\"arn:aws:iam::1:role/x\"");
	tok = mint(JWT_ALG_ES256, ec_a_priv, strlen(ec_a_priv), c, NULL);
	listener_fs = "fs-0123456789abcdef0";
	ck_assert_msg(present(cfg, tok, "fs-0123456789abcdef0", "fsap-9", &id,
	    &cause) == 0, "%s", cause);
	listener_fs = NULL;
	ck_assert_str_eq(id.principal, "arn:aws:iam::1:role/x");
	ck_assert_str_eq(id.fs_id, "fs-0123456789abcdef0");
	ck_assert_str_eq(id.ap_id, "fsap-9");
	/* Within the 300 s skew after exp: still accepted; beyond: not. */
	fixed_now = T0 + 60 + 300;
	ck_assert_int_eq(present(cfg, tok, NULL, NULL, &id, &cause), 0);
	fixed_now = T0 + 60 + 301;
	REFUSED(cfg, tok, "jwt_expired");
	free(tok);
	free(c);
	identity_config_free(cfg);
}
END_TEST

START_TEST(test_jwt_refused)
{
	struct identity_config *cfg;
	char *c, *tok, *hdr, *body, *t2;
	size_t i, n;

	keys_setup();
	fixed_now = T0;
	cfg = jwt_config();

	/* Expired long ago; no exp at all. */
	c = claims("\"efsgw\"", T0 - 7200, T0 - 3600, NULL);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	REFUSED(cfg, tok, "jwt_expired");
	free(tok);
	free(c);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv),
	    "{\"sub\":\"x\",\"aud\":\"efsgw\"}", NULL);
	REFUSED(cfg, tok, "jwt_expired");
	free(tok);

	/* Not yet valid: nbf or iat beyond the skew. */
	c = claims("\"efsgw\"", T0, T0 + 3600, "\"nbf\":1800000600");
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	REFUSED(cfg, tok, "jwt_not_yet_valid");
	free(tok);
	free(c);
	c = claims("\"efsgw\"", T0 + 600, T0 + 3600, NULL);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	REFUSED(cfg, tok, "jwt_not_yet_valid");
	free(tok);
	free(c);

	/* Wrong audience, and no audience. */
	c = claims("[\"kubernetes\",\"sts.amazonaws.com\"]", T0, T0 + 60, NULL);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	REFUSED(cfg, tok, "jwt_audience");
	free(tok);
	free(c);

	/* Signed by a key we do not have. */
	c = claims("\"efsgw\"", T0, T0 + 60, NULL);
	tok = mint(JWT_ALG_RS256, rsa_b_priv, strlen(rsa_b_priv), c, NULL);
	REFUSED(cfg, tok, "jwt_signature");
	free(tok);

	/*
	 * HS/RS confusion (RFC 8725 §2.1): HS256 with the RSA public key PEM
	 * as the secret. Refused with HS256 off...
	 */
	tok = mint(JWT_ALG_HS256, rsa_a_pub, strlen(rsa_a_pub), c, NULL);
	REFUSED(cfg, tok, "jwt_alg");
	/* ...and with HS256 on, because the secret is not the PEM. */
	{
		char *sp = write_temp("0123456789abcdef0123456789abcdef-secret\n");
		char *cause = NULL;

		ck_assert_int_eq(identity_config_set_hs256_file(cfg, sp, &cause),
		    0);
		REFUSED(cfg, tok, "jwt_signature");
		unlink(sp);
		free(sp);
	}
	free(tok);
	/* RS256 signature presented as ES256 (alg switching). */
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	hdr = xstrdup("eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9");	/* ES256 */
	xasprintf(&t2, "%s%s", hdr, strchr(tok, '.'));
	REFUSED(cfg, t2, "jwt_signature");
	free(t2);
	free(hdr);

	/* alg none, with and without a signature part; other algs. */
	body = strchr(tok, '.') + 1;
	n = (size_t)(strchr(body, '.') - body);
	xasprintf(&t2, "eyJhbGciOiJub25lIn0.%.*s.", (int)n, body);
	REFUSED(cfg, t2, "jwt_format");
	free(t2);
	xasprintf(&t2, "eyJhbGciOiJub25lIn0.%.*s.AAAA", (int)n, body);
	REFUSED(cfg, t2, "jwt_alg");
	free(t2);
	xasprintf(&t2, "eyJhbGciOiJSUzUxMiJ9.%.*s.AAAA", (int)n, body);	/* RS512 */
	REFUSED(cfg, t2, "jwt_alg");
	free(t2);
	/* crit parameters we do not understand. */
	xasprintf(&t2, "eyJhbGciOiJSUzI1NiIsImNyaXQiOlsiYiJdLCJiIjoxfQ.%.*s.AAAA",
	    (int)n, body);
	REFUSED(cfg, t2, "jwt_alg");
	free(t2);

	/* Every truncation of a valid token is refused. */
	n = strlen(tok);
	for (i = 0; i < n; i++) {
		struct identity id;
		char *cause = NULL;

		t2 = xstrndup(tok, i);
		ck_assert_msg(i == 0 ? 1 : present(cfg, t2, NULL, NULL, &id,
		    &cause) != 0, "truncated at %zu accepted", i);
		free(cause);
		free(t2);
	}
	free(tok);
	free(c);
	identity_config_free(cfg);
}
END_TEST

/* 64 KiB of garbage, in the token and in the extension itself. */
START_TEST(test_jwt_garbage)
{
	struct identity_config *cfg;
	struct identity id;
	struct certspec s;
	char *g, *cause = NULL;
	size_t i;
	X509 *x;

	keys_setup();
	fixed_now = T0;
	cfg = jwt_config();
	g = xmalloc(65537);
	for (i = 0; i < 65536; i++)
		g[i] = (char)("A.b-_x\x01\xff{"[i % 9]);
	g[65536] = '\0';
	ck_assert_int_ne(jwt_verify_signature(NULL, g, NULL, NULL, &cause), 0);
	ck_assert_msg(cause_is(cause, "jwt_format"), "%s", cause);
	free(cause);
	cause = NULL;
	/* certext_add_jwt refuses it; build the extension by hand. */
	x = X509_new();
	ck_assert_int_ne(certext_add_jwt(x, g, &cause), 0);
	X509_free(x);
	free(cause);
	cause = NULL;
	memset(&s, 0, sizeof s);
	s.key = client_key;
	x = make_cert(&s);
	add_utf8_ext(x, EFSGW_OID_JWT, g, 65536);
	X509_sign(x, client_key, EVP_sha256());
	ck_assert_int_ne(identity_from_cert(cfg, x, 0, &id, &cause), 0);
	ck_assert_int_eq(id.source, IDENTITY_ANONYMOUS);
	free(cause);
	cause = NULL;
	X509_free(x);
	/* Garbage of printable bytes under the limit: a format error. */
	g[8000] = '\0';
	for (i = 0; i < 8000; i++)
		g[i] = "abc.\"{}"[i % 7];
	x = make_cert(&s);
	add_utf8_ext(x, EFSGW_OID_JWT, g, 8000);
	X509_sign(x, client_key, EVP_sha256());
	ck_assert_int_ne(identity_from_cert(cfg, x, 0, &id, &cause), 0);
	ck_assert_msg(cause_is(cause, "jwt_format"), "%s", cause);
	free(cause);
	X509_free(x);
	free(g);
	identity_config_free(cfg);
}
END_TEST

/* RFC 7800 cnf: jkt of the certificate's key, x5t#S256 of its DER. */
START_TEST(test_jwt_cnf)
{
	struct identity_config *cfg;
	struct identity id;
	struct certspec s;
	char jkt[64], x5t[64], extra[160], *c, *tok, *cause = NULL;
	EVP_PKEY *other = EVP_EC_gen("P-256");
	X509 *x;

	keys_setup();
	fixed_now = T0;
	cfg = jwt_config();
	ck_assert_int_eq(jwt_pkey_jkt(client_key, jkt, sizeof jkt), 0);
	snprintf(extra, sizeof extra, "\"cnf\":{\"jkt\":\"%s\"}", jkt);
	c = claims("\"efsgw\"", T0, T0 + 60, extra);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	ck_assert_msg(present(cfg, tok, NULL, NULL, &id, &cause) == 0, "%s",
	    cause);
	ck_assert_ptr_nonnull(strstr(id.detail, "cnf=jkt"));
	/* The same token in a certificate for another key pair. */
	memset(&s, 0, sizeof s);
	s.key = other;
	s.token = tok;
	x = make_cert(&s);
	ck_assert_int_ne(identity_from_cert(cfg, x, 0, &id, &cause), 0);
	ck_assert_msg(cause_is(cause, "jwt_cnf"), "%s", cause);
	free(cause);
	cause = NULL;
	free(tok);
	free(c);

	/* x5t#S256 names a certificate's DER (here one without the token). */
	ck_assert_int_eq(jwt_cert_x5t_s256(x, x5t, sizeof x5t), 0);
	snprintf(extra, sizeof extra, "\"cnf\":{\"x5t#S256\":\"%s\"}", x5t);
	c = claims("\"efsgw\"", T0, T0 + 60, extra);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	memset(&id, 0, sizeof id);
	ck_assert_msg(jwt_verify_signature(NULL, "", NULL, NULL, &cause) != 0,
	    "empty token");
	free(cause);
	cause = NULL;
	REFUSED(cfg, tok, "jwt_cnf");	/* another certificate */
	free(tok);
	free(c);
	X509_free(x);

	/* cnf with an unsupported member only; cnf required but absent. */
	c = claims("\"efsgw\"", T0, T0 + 60, "\"cnf\":{\"jwk\":{}}");
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	REFUSED(cfg, tok, "jwt_cnf");
	free(tok);
	free(c);
	c = claims("\"efsgw\"", T0, T0 + 60, NULL);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	identity_config_set_require_cnf(cfg, 1);
	REFUSED(cfg, tok, "jwt_cnf");
	free(tok);
	free(c);
	EVP_PKEY_free(other);
	identity_config_free(cfg);
}
END_TEST

/* base64url of a BIGNUM parameter (test-side JWKS writer). */
static char *
b64u_param(EVP_PKEY *pk, const char *name, int pad)
{
	BIGNUM *bn = NULL;
	unsigned char buf[600];
	char *out;
	BIO *b64, *mem;
	char *d;
	long n;
	int len, i, j;

	ck_assert(EVP_PKEY_get_bn_param(pk, name, &bn));
	len = pad > 0 ? pad : BN_num_bytes(bn);
	ck_assert_int_eq(BN_bn2binpad(bn, buf, len), len);
	BN_free(bn);
	b64 = BIO_new(BIO_f_base64());
	mem = BIO_new(BIO_s_mem());
	BIO_set_flags(b64, BIO_FLAGS_BASE64_NO_NL);
	BIO_push(b64, mem);
	BIO_write(b64, buf, len);
	(void)BIO_flush(b64);
	n = BIO_get_mem_data(mem, &d);
	out = xmalloc((size_t)n + 1);
	for (i = j = 0; i < n; i++) {
		if (d[i] == '=')
			break;
		out[j++] = d[i] == '+' ? '-' : d[i] == '/' ? '_' : d[i];
	}
	out[j] = '\0';
	BIO_free_all(b64);
	return out;
}

/* Keys from a JWKS file, chosen by kid; HS256 when configured. */
START_TEST(test_jwt_jwks_hs256)
{
	struct identity_config *cfg = identity_config_new();
	struct identity id;
	char *n, *e, *x, *y, *jwks, *path, *c, *tok, *cause = NULL;
	static const char secret[] = "0123456789abcdef0123456789abcdef!!";

	keys_setup();
	fixed_now = T0;
	identity_config_set_clock(cfg, test_now);
	identity_config_add_audience(cfg, "efsgw", &cause);
	n = b64u_param(rsa_a, OSSL_PKEY_PARAM_RSA_N, 0);
	e = b64u_param(rsa_a, OSSL_PKEY_PARAM_RSA_E, 0);
	x = b64u_param(ec_a, OSSL_PKEY_PARAM_EC_PUB_X, 32);
	y = b64u_param(ec_a, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
	xasprintf(&jwks, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"},"
	    "{\"kty\":\"RSA\",\"use\":\"enc\",\"n\":\"%s\",\"e\":\"%s\"},"
	    "{\"kty\":\"RSA\",\"kid\":\"r1\",\"alg\":\"RS256\",\"n\":\"%s\","
	    "\"e\":\"%s\"},{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"e1\","
	    "\"x\":\"%s\",\"y\":\"%s\"}]}", n, e, n, e, x, y);
	path = write_temp(jwks);
	ck_assert_msg(identity_config_add_jwks(cfg, path, &cause) == 0, "%s",
	    cause);
	c = claims("\"efsgw\"", T0, T0 + 60, NULL);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, "r1");
	ck_assert_msg(present(cfg, tok, NULL, NULL, &id, &cause) == 0, "%s",
	    cause);
	ck_assert_ptr_nonnull(strstr(id.detail, "kid=r1"));
	free(tok);
	tok = mint(JWT_ALG_ES256, ec_a_priv, strlen(ec_a_priv), c, "e1");
	ck_assert_msg(present(cfg, tok, NULL, NULL, &id, &cause) == 0, "%s",
	    cause);
	free(tok);
	/* A kid naming our RSA key with a signature by another key. */
	tok = mint(JWT_ALG_RS256, rsa_b_priv, strlen(rsa_b_priv), c, "r1");
	REFUSED(cfg, tok, "jwt_signature");
	free(tok);
	/* HS256 only once a secret is configured. */
	tok = mint(JWT_ALG_HS256, secret, strlen(secret), c, NULL);
	REFUSED(cfg, tok, "jwt_alg");
	unlink(path);
	free(path);
	path = write_temp(secret);
	ck_assert_int_eq(identity_config_set_hs256_file(cfg, path, &cause), 0);
	ck_assert_msg(present(cfg, tok, NULL, NULL, &id, &cause) == 0, "%s",
	    cause);
	ck_assert_int_eq(id.source, IDENTITY_JWT);
	free(tok);
	/* A short HS256 secret is refused at load time. */
	unlink(path);
	free(path);
	path = write_temp("short\n");
	ck_assert_int_ne(identity_config_set_hs256_file(cfg, path, &cause), 0);
	free(cause);
	/* A JWKS without usable keys. */
	unlink(path);
	free(path);
	path = write_temp("{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"}]}");
	ck_assert_int_ne(identity_config_add_jwks(cfg, path, &cause), 0);
	free(cause);
	unlink(path);
	free(path);
	free(c);
	free(jwks);
	free(n);
	free(e);
	free(x);
	free(y);
	identity_config_free(cfg);
}
END_TEST

/* A JWT cert must be self-signed correctly unless a CA vouched for it. */
START_TEST(test_jwt_self_signature)
{
	struct identity_config *cfg;
	struct identity id;
	struct certspec s;
	char *c, *tok, *cause = NULL;
	X509 *x;

	keys_setup();
	fixed_now = T0;
	cfg = jwt_config();
	c = claims("\"efsgw\"", T0, T0 + 60, NULL);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	memset(&s, 0, sizeof s);
	s.key = client_key;
	s.signer = ec_a;
	s.token = tok;
	x = make_cert(&s);
	ck_assert_int_ne(identity_from_cert(cfg, x, 0, &id, &cause), 0);
	ck_assert_msg(cause_is(cause, "x509_self_signature"), "%s", cause);
	free(cause);
	X509_free(x);
	free(tok);
	free(c);
	identity_config_free(cfg);
}
END_TEST

/* ------------------------------------------------------------ mTLS */

START_TEST(test_mtls)
{
	struct identity_config *cfg = identity_config_new();
	struct identity id;
	struct certspec s;
	EVP_PKEY *cakey = EVP_EC_gen("P-256"), *evilkey = EVP_EC_gen("P-256");
	X509 *ca, *evil, *leaf, *leaf2, *bad;
	char *pem, *path, *cause = NULL;

	keys_setup();
	fixed_now = time(NULL);
	identity_config_set_clock(cfg, test_now);
	memset(&s, 0, sizeof s);
	s.key = cakey;
	s.cn = "efsgw test client CA";
	s.ca = 1;
	ca = make_cert(&s);
	s.key = evilkey;
	s.cn = "efsgw test client CA";	/* same name, other key */
	evil = make_cert(&s);

	memset(&s, 0, sizeof s);
	s.key = client_key;
	s.signer = cakey;
	s.issuer = ca;
	s.cn = "app";
	s.san = "DNS:app.prod.svc,URI:spiffe://example.org/ns/prod/sa/app";
	s.fs = "fs-0123456789abcdef0";
	leaf = make_cert(&s);
	s.san = "DNS:app.prod.svc";
	leaf2 = make_cert(&s);
	s.signer = evilkey;
	s.issuer = evil;
	s.san = "URI:spiffe://example.org/ns/prod/sa/admin";
	bad = make_cert(&s);

	pem = pem_cert(ca);
	path = write_temp(pem);
	ck_assert_msg(identity_config_load_client_ca(cfg, path, &cause) == 0,
	    "%s", cause);
	ck_assert_int_eq(mtls_verify(identity_config_client_ca(cfg), leaf, NULL,
	    fixed_now, &cause), 0);
	ck_assert_int_ne(mtls_verify(identity_config_client_ca(cfg), bad, NULL,
	    fixed_now, &cause), 0);
	ck_assert_msg(cause_is(cause, "mtls_chain"), "%s", cause);
	free(cause);
	cause = NULL;
	/* Past notAfter the chain fails too. */
	ck_assert_int_ne(mtls_verify(identity_config_client_ca(cfg), leaf, NULL,
	    fixed_now + 86400, &cause), 0);
	free(cause);
	cause = NULL;

	ck_assert_int_eq(identity_from_cert(cfg, leaf, 1, &id, &cause), 0);
	ck_assert_int_eq(id.source, IDENTITY_MTLS);
	ck_assert_str_eq(id.principal, "spiffe://example.org/ns/prod/sa/app");
	ck_assert_str_eq(id.fs_id, "fs-0123456789abcdef0");
	ck_assert_uint_eq(id.grants, 0);
	ck_assert_ptr_nonnull(strstr(id.detail, "CN=app"));
	ck_assert_int_eq(identity_from_cert(cfg, leaf2, 1, &id, &cause), 0);
	ck_assert_str_eq(id.principal, "app.prod.svc");
	/* Not verified by the CA (untrusted chain): anonymous. */
	ck_assert_int_eq(identity_from_cert(cfg, bad, 0, &id, &cause), 0);
	ck_assert_int_eq(id.source, IDENTITY_ANONYMOUS);
	ck_assert_str_eq(id.principal, "");

	unlink(path);
	free(path);
	free(pem);
	X509_free(ca);
	X509_free(evil);
	X509_free(leaf);
	X509_free(leaf2);
	X509_free(bad);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(evilkey);
	identity_config_free(cfg);
}
END_TEST

/* No certificate, or one without credentials: anonymous with its ids. */
START_TEST(test_anonymous)
{
	struct identity_config *cfg = identity_config_new();
	struct identity id;
	struct certspec s;
	char *cause = NULL;
	X509 *x;

	keys_setup();
	fixed_now = T0;
	identity_config_set_clock(cfg, test_now);
	ck_assert_int_eq(identity_from_cert(cfg, NULL, 0, &id, &cause), 0);
	ck_assert_int_eq(id.source, IDENTITY_ANONYMOUS);
	memset(&s, 0, sizeof s);
	s.key = client_key;
	s.fs = "fs-0123456789abcdef0";
	s.ap = "fsap-0123456789abcdef0";
	x = make_cert(&s);
	ck_assert_int_eq(identity_from_cert(cfg, x, 0, &id, &cause), 0);
	ck_assert_int_eq(id.source, IDENTITY_ANONYMOUS);
	ck_assert_str_eq(id.principal, "");
	ck_assert_str_eq(id.ap_id, "fsap-0123456789abcdef0");
	ck_assert_int_eq(id.not_after, 0);
	X509_free(x);
	/* A malformed id extension refuses the certificate. */
	s.ap = "fsap-\x01";
	x = make_cert(&s);
	ck_assert_int_ne(identity_from_cert(cfg, x, 0, &id, &cause), 0);
	ck_assert_msg(cause_is(cause, "certificate_extension"), "%s", cause);
	free(cause);
	X509_free(x);
	identity_config_free(cfg);
}
END_TEST


#define FS_A	"fs-0123456789abcdef0"
#define FS_B	"fs-0fedcba9876543210"

/* Expect present() on listener fs to be refused with check. */
#define REFUSED_ON(fs, cfg, tok, cert_fs, check) do {			\
	struct identity id_;						\
	char *c_ = NULL;						\
	int r_;								\
	listener_fs = (fs);						\
	r_ = present(cfg, tok, cert_fs, NULL, &id_, &c_);		\
	listener_fs = NULL;						\
	ck_assert_msg(r_ != 0 && cause_is(c_, check),			\
	    "on %s: want %s, got %d %s", fs, check, r_, c_);		\
	free(c_);							\
} while (0)

/* Expect present() on listener fs to succeed, bound to fs. */
#define ACCEPTED_ON(fs, cfg, tok, cert_fs) do {				\
	struct identity id_;						\
	char *c_ = NULL;						\
	int r_;								\
	listener_fs = (fs);						\
	r_ = present(cfg, tok, cert_fs, NULL, &id_, &c_);		\
	listener_fs = NULL;						\
	ck_assert_msg(r_ == 0, "on %s: %s", fs, c_);			\
	ck_assert_str_eq(id_.fs_id, fs);				\
} while (0)

/*
 * A token is good on the file system its signed claims name, never on
 * another one the same gateway serves: aud naming file system B does not
 * open A, whatever the unsigned .7.3 says, and efsgw:fs decides as well.
 * The config is the daemon's: the audience "efsgw", no file system ids.
 */
START_TEST(test_jwt_fs_binding)
{
	struct identity_config *cfg = identity_config_new();
	char *p, *c, *tok, *cause = NULL;

	keys_setup();
	p = write_temp(rsa_a_pub);
	fixed_now = T0;
	identity_config_set_clock(cfg, test_now);
	ck_assert_msg(identity_config_add_jwt_pem(cfg, p, &cause) == 0, "%s",
	    cause);
	ck_assert_int_eq(identity_config_add_audience(cfg, "efsgw", &cause), 0);

	/* aud = B only. */
	c = claims("\"" FS_B "\"", T0, T0 + 600, NULL);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	ACCEPTED_ON(FS_B, cfg, tok, NULL);
	REFUSED_ON(FS_A, cfg, tok, NULL, "jwt_audience");
	REFUSED_ON(FS_A, cfg, tok, FS_A, "jwt_audience");	/* .7.3 says A */
	free(tok);
	free(c);

	/* A generic audience next to B still binds the token to B. */
	c = claims("[\"efsgw\",\"" FS_B "\"]", T0, T0 + 600, NULL);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	ACCEPTED_ON(FS_B, cfg, tok, NULL);
	REFUSED_ON(FS_A, cfg, tok, NULL, "fs_id_matches_expected");
	REFUSED_ON(FS_A, cfg, tok, FS_A, "fs_id_matches_expected");
	free(tok);
	free(c);

	/* efsgw:fs = B. */
	c = claims("\"efsgw\"", T0, T0 + 600, "\"efsgw:fs\":\"" FS_B "\"");
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	ACCEPTED_ON(FS_B, cfg, tok, NULL);
	REFUSED_ON(FS_A, cfg, tok, NULL, "fs_id_matches_expected");
	REFUSED_ON(FS_B, cfg, tok, FS_A, "fs_id_matches_expected");
	free(tok);
	free(c);

	/* A token naming no file system: the listener's, .7.3 must agree. */
	c = claims("\"efsgw\"", T0, T0 + 600, NULL);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	ACCEPTED_ON(FS_A, cfg, tok, NULL);
	ACCEPTED_ON(FS_B, cfg, tok, NULL);
	REFUSED_ON(FS_A, cfg, tok, FS_B, "fs_id_matches_expected");
	free(tok);
	free(c);
	unlink(p);
	free(p);
	identity_config_free(cfg);
}
END_TEST

/* An efs-utils certificate is bound to the file system it signed (host). */
START_TEST(test_sigv4_fs_binding)
{
	struct identity_config *cfg;
	struct identity id;
	char path[512], *cause = NULL;
	json_t *v;
	X509 *x;
	const char *fs;

	snprintf(path, sizeof path, "%s/%s/vector.json", VDIR, vectors[0]);
	v = load_json(path);
	fixed_now = iso_time(json_string_value(json_object_get(json_object_get(
	    v, "inputs"), "fixed_utc_now")));
	fs = json_string_value(json_object_get(json_object_get(v, "inputs"),
	    "fs_id"));
	snprintf(path, sizeof path, "%s/%s/cert.pem", VDIR, vectors[0]);
	x = load_cert(path);
	cfg = vector_config(NULL);
	ck_assert_msg(identity_from_cert_for(cfg, x, 0, fs, &id, &cause) == 0,
	    "%s", cause);
	ck_assert_str_eq(id.fs_id, fs);
	ck_assert_int_ne(identity_from_cert_for(cfg, x, 0, FS_B, &id, &cause),
	    0);
	ck_assert_msg(cause_is(cause, "fs_id_matches_expected"), "%s", cause);
	ck_assert_int_eq(id.source, IDENTITY_ANONYMOUS);
	free(cause);
	identity_config_free(cfg);
	X509_free(x);
	json_decref(v);
}
END_TEST

/*
 * A kid names the key: an unknown kid is refused, not tried against every
 * key. Keys are bound to their issuer: a JWKS merged from two clusters
 * cannot let cluster a's key sign cluster b's service accounts.
 */
START_TEST(test_jwt_kid_issuer)
{
	struct identity_config *cfg = identity_config_new();
	char *n, *e, *x, *y, *jwks, *path, *c, *tok, *pem, *cause = NULL;
	struct identity id;

	keys_setup();
	fixed_now = T0;
	identity_config_set_clock(cfg, test_now);
	identity_config_add_audience(cfg, "efsgw", &cause);
	n = b64u_param(rsa_a, OSSL_PKEY_PARAM_RSA_N, 0);
	e = b64u_param(rsa_a, OSSL_PKEY_PARAM_RSA_E, 0);
	x = b64u_param(ec_a, OSSL_PKEY_PARAM_EC_PUB_X, 32);
	y = b64u_param(ec_a, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
	xasprintf(&jwks, "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"r1\","
	    "\"iss\":\"https://a.example\",\"n\":\"%s\",\"e\":\"%s\"},"
	    "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"e1\","
	    "\"iss\":\"https://b.example\",\"x\":\"%s\",\"y\":\"%s\"}]}",
	    n, e, x, y);
	path = write_temp(jwks);
	ck_assert_msg(identity_config_add_jwks(cfg, path, &cause) == 0, "%s",
	    cause);
	ck_assert_msg(identity_config_check_jwt_issuers(cfg, &cause) == 0,
	    "%s", cause);

	/* The right key and issuer. */
	c = claims("\"efsgw\"", T0, T0 + 60, NULL);
	free(c);
	xasprintf(&c, "{\"sub\":\"a-app\",\"iss\":\"https://a.example\","
	    "\"aud\":\"efsgw\",\"exp\":%ld}", (long)T0 + 60);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, "r1");
	ck_assert_msg(present(cfg, tok, NULL, NULL, &id, &cause) == 0, "%s",
	    cause);
	free(tok);
	/* Signed by key r1 under a kid we do not have. */
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, "gone");
	REFUSED(cfg, tok, "jwt_unknown_kid");
	free(tok);
	free(c);
	/* Cluster a's key minting a token that says it is cluster b's. */
	xasprintf(&c, "{\"sub\":\"b-admin\",\"iss\":\"https://b.example\","
	    "\"aud\":\"efsgw\",\"exp\":%ld}", (long)T0 + 60);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, "r1");
	REFUSED(cfg, tok, "jwt_issuer");
	free(tok);
	/* ...and without a kid, which picks the key by signature. */
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	REFUSED(cfg, tok, "jwt_issuer");
	free(tok);
	free(c);
	/* No iss at all. */
	xasprintf(&c, "{\"sub\":\"x\",\"aud\":\"efsgw\",\"exp\":%ld}",
	    (long)T0 + 60);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, "r1");
	REFUSED(cfg, tok, "jwt_issuer");
	free(tok);
	free(c);
	unlink(path);
	free(path);
	identity_config_free(cfg);

	/* A PEM key takes identity_config_set_jwt_issuer's issuer... */
	cfg = identity_config_new();
	identity_config_set_clock(cfg, test_now);
	identity_config_add_audience(cfg, "efsgw", &cause);
	pem = write_temp(rsa_a_pub);
	ck_assert_int_eq(identity_config_add_jwt_pem(cfg, pem, &cause), 0);
	/* ...and without one the configuration is refused. */
	ck_assert_int_ne(identity_config_check_jwt_issuers(cfg, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "identity-jwt-issuer"));
	free(cause);
	cause = NULL;
	identity_config_free(cfg);
	cfg = identity_config_new();
	identity_config_set_clock(cfg, test_now);
	identity_config_add_audience(cfg, "efsgw", &cause);
	ck_assert_int_eq(identity_config_set_jwt_issuer(cfg,
	    "https://issuer.example", &cause), 0);
	ck_assert_int_eq(identity_config_add_jwt_pem(cfg, pem, &cause), 0);
	ck_assert_int_eq(identity_config_check_jwt_issuers(cfg, &cause), 0);
	c = claims("\"efsgw\"", T0, T0 + 60, NULL);	/* iss issuer.example */
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	ck_assert_msg(present(cfg, tok, NULL, NULL, &id, &cause) == 0, "%s",
	    cause);
	free(tok);
	free(c);
	xasprintf(&c, "{\"sub\":\"x\",\"iss\":\"https://evil.example\","
	    "\"aud\":\"efsgw\",\"exp\":%ld}", (long)T0 + 60);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	REFUSED(cfg, tok, "jwt_issuer");
	free(tok);
	free(c);
	/*
	 * A PEM key has no kid to be named by: a token with a kid (as every
	 * Kubernetes token has) is tried against the kid-less keys only.
	 */
	c = claims("\"efsgw\"", T0, T0 + 60, NULL);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, "k8s-1");
	ck_assert_msg(present(cfg, tok, NULL, NULL, &id, &cause) == 0, "%s",
	    cause);
	free(tok);
	tok = mint(JWT_ALG_RS256, rsa_b_priv, strlen(rsa_b_priv), c, "k8s-1");
	REFUSED(cfg, tok, "jwt_signature");
	free(tok);
	free(c);
	/* An empty or control-character issuer is refused. */
	ck_assert_int_ne(identity_config_set_jwt_issuer(cfg, "", &cause), 0);
	free(cause);
	unlink(pem);
	free(pem);
	free(jwks);
	free(n);
	free(e);
	free(x);
	free(y);
	identity_config_free(cfg);
}
END_TEST

/*
 * The per-call expiry check of proxy/call-args.c, verbatim: the
 * connection keeps the identity's not_after and drops calls from then on.
 */
static int
call_expired(time_t not_after, time_t now)
{
	return not_after != 0 && now >= not_after;
}

/*
 * One skew rule: every second identity_from_cert accepts at connect is a
 * second in which calls pass, and the first second it refuses is the first
 * second calls fail. Walked over the end of a token (exp), of a
 * certificate (notAfter) and of an efs-utils signature.
 */
START_TEST(test_skew_one_rule)
{
	struct identity_config *cfg;
	struct identity id, first;
	struct certspec s;
	char path[512], *c, *tok, *cause = NULL;
	time_t t, end;
	json_t *v;
	X509 *x;
	int r, i;

	keys_setup();
	for (i = 0; i < 2; i++) {
		fixed_now = T0;
		cfg = jwt_config();
		/* i = 0: the token ends first; i = 1: the certificate does. */
		c = claims("\"efsgw\"", T0, i == 0 ? T0 + 60 : T0 + 86400, NULL);
		tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c,
		    NULL);
		memset(&s, 0, sizeof s);
		s.key = client_key;
		s.token = tok;
		s.na = T0 + 120;
		x = make_cert(&s);
		ck_assert_int_eq(identity_from_cert(cfg, x, 0, &first, &cause),
		    0);
		end = i == 0 ? T0 + 60 : T0 + 120;
		for (t = end - 2; t <= end + 300 + 2; t++) {
			fixed_now = t;
			r = identity_from_cert(cfg, x, 0, &id, &cause);
			free(cause);
			cause = NULL;
			/* Connect accepts exactly when a call would pass. */
			ck_assert_msg((r == 0) == !call_expired(first.not_after,
			    t), "i=%d t=end%+lld: connect %s, call %s", i,
			    (long long)(t - end), r == 0 ? "allowed" : "refused",
			    call_expired(first.not_after, t) ? "refused" :
			    "allowed");
		}
		/* Inside the skew window: connect and calls both allowed. */
		ck_assert(!call_expired(first.not_after, end + 300));
		ck_assert(call_expired(first.not_after, end + 301));
		X509_free(x);
		free(tok);
		free(c);
		identity_config_free(cfg);
	}

	/* SigV4: its own window (900 s skew) or the certificate's. */
	snprintf(path, sizeof path, "%s/%s/cert.pem", VDIR, vectors[0]);
	x = load_cert(path);
	snprintf(path, sizeof path, "%s/%s/vector.json", VDIR, vectors[0]);
	v = load_json(path);
	fixed_now = iso_time(json_string_value(json_object_get(json_object_get(
	    v, "inputs"), "fixed_utc_now")));
	cfg = vector_config(NULL);
	identity_config_set_sigv4_window(cfg, 900, 3600);	/* ends first */
	ck_assert_int_eq(identity_from_cert(cfg, x, 0, &first, &cause), 0);
	end = first.not_after;
	for (t = end - 3; t <= end + 3; t++) {
		fixed_now = t;
		r = identity_from_cert(cfg, x, 0, &id, &cause);
		free(cause);
		cause = NULL;
		ck_assert_msg((r == 0) == !call_expired(first.not_after, t),
		    "sigv4 t=end%+lld: connect %d", (long long)(t - end), r);
	}
	identity_config_free(cfg);
	json_decref(v);
	X509_free(x);
}
END_TEST

/* A client-CA certificate's SAN naming a file system binds it. */
START_TEST(test_mtls_fs_binding)
{
	struct identity_config *cfg = identity_config_new();
	struct identity id;
	struct certspec s;
	EVP_PKEY *cakey = EVP_EC_gen("P-256");
	X509 *ca, *leaf;
	char *pem, *path, *cause = NULL;

	keys_setup();
	fixed_now = time(NULL);
	identity_config_set_clock(cfg, test_now);
	memset(&s, 0, sizeof s);
	s.key = cakey;
	s.cn = "ca";
	s.ca = 1;
	ca = make_cert(&s);
	pem = pem_cert(ca);
	path = write_temp(pem);
	ck_assert_int_eq(identity_config_load_client_ca(cfg, path, &cause), 0);
	memset(&s, 0, sizeof s);
	s.key = client_key;
	s.signer = cakey;
	s.issuer = ca;
	s.san = "URI:spiffe://example.org/app,URI:arn:aws:elasticfilesystem:"
	    "us-east-1:111122223333:file-system/" FS_B;
	leaf = make_cert(&s);
	ck_assert_msg(identity_from_cert_for(cfg, leaf, 1, FS_B, &id, &cause)
	    == 0, "%s", cause);
	ck_assert_str_eq(id.principal, "spiffe://example.org/app");
	ck_assert_str_eq(id.fs_id, FS_B);
	ck_assert_int_ne(identity_from_cert_for(cfg, leaf, 1, FS_A, &id,
	    &cause), 0);
	ck_assert_msg(cause_is(cause, "mtls_fs"), "%s", cause);
	free(cause);
	cause = NULL;
	X509_free(leaf);
	/* Without such a SAN: the listener's file system, whichever. */
	s.san = "URI:spiffe://example.org/app";
	leaf = make_cert(&s);
	ck_assert_int_eq(identity_from_cert_for(cfg, leaf, 1, FS_A, &id,
	    &cause), 0);
	ck_assert_str_eq(id.fs_id, FS_A);
	X509_free(leaf);
	unlink(path);
	free(path);
	free(pem);
	X509_free(ca);
	EVP_PKEY_free(cakey);
	identity_config_free(cfg);
}
END_TEST

/* ------------------------------------------------------------ timing */

/* Microseconds per identity_from_cert (printed, never asserted). */
START_TEST(test_timing)
{
	struct identity_config *cfg;
	struct identity id;
	struct timeval a, b;
	char path[512], *c, *tok, *cause = NULL;
	struct certspec s;
	X509 *x;
	int i, n = 300;

	keys_setup();
	fixed_now = iso_time("2026-11-26T12:00:00Z");
	cfg = vector_config(NULL);
	snprintf(path, sizeof path, "%s/01_iam_ap_session_token/cert.pem", VDIR);
	x = load_cert(path);
	gettimeofday(&a, NULL);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(identity_from_cert(cfg, x, 0, &id, &cause), 0);
	gettimeofday(&b, NULL);
	printf("identity_from_cert sigv4 (vector 01, RSA-3072 self-signature): "
	    "%.1f us\n", ((b.tv_sec - a.tv_sec) * 1e6 + (b.tv_usec - a.tv_usec)) /
	    n);
	X509_free(x);
	identity_config_free(cfg);

	fixed_now = T0;
	cfg = jwt_config();
	c = claims("\"efsgw\"", T0, T0 + 60, NULL);
	tok = mint(JWT_ALG_RS256, rsa_a_priv, strlen(rsa_a_priv), c, NULL);
	memset(&s, 0, sizeof s);
	s.key = client_key;
	s.token = tok;
	x = make_cert(&s);
	gettimeofday(&a, NULL);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(identity_from_cert(cfg, x, 0, &id, &cause), 0);
	gettimeofday(&b, NULL);
	printf("identity_from_cert jwt RS256-2048 (EC P-256 client cert): "
	    "%.1f us\n", ((b.tv_sec - a.tv_sec) * 1e6 + (b.tv_usec - a.tv_usec)) /
	    n);
	X509_free(x);
	free(tok);
	free(c);
	identity_config_free(cfg);
}
END_TEST

static Suite *
identity_suite(void)
{
	Suite *s = suite_create("identity");
	TCase *tc;

	tc = tcase_create("efs-utils vectors");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_vector_intermediates, 0, nitems(vectors));
	tcase_add_loop_test(tc, test_vector_accepted, 0, nitems(vectors));
	tcase_add_loop_test(tc, test_vector_tampered, 0, nitems(vectors));
	tcase_add_test(tc, test_vector_bitflip);
	tcase_add_test(tc, test_quote_plus);
	suite_add_tcase(s, tc);

	tc = tcase_create("credentials");
	tcase_add_test(tc, test_credentials_file);
	tcase_add_test(tc, test_credentials_session_token);
	suite_add_tcase(s, tc);

	tc = tcase_create("jwt");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_jwt_valid);
	tcase_add_test(tc, test_jwt_refused);
	tcase_add_test(tc, test_jwt_garbage);
	tcase_add_test(tc, test_jwt_cnf);
	tcase_add_test(tc, test_jwt_jwks_hs256);
	tcase_add_test(tc, test_jwt_self_signature);
	tcase_add_test(tc, test_jwt_fs_binding);
	tcase_add_test(tc, test_jwt_kid_issuer);
	tcase_add_test(tc, test_skew_one_rule);
	suite_add_tcase(s, tc);

	tc = tcase_create("mtls");
	tcase_add_test(tc, test_mtls);
	tcase_add_test(tc, test_anonymous);
	tcase_add_test(tc, test_mtls_fs_binding);
	tcase_add_test(tc, test_sigv4_fs_binding);
	suite_add_tcase(s, tc);

	tc = tcase_create("timing");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_timing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(identity_suite());
	int failed;

	log_init("check_identity", 0, LOG_LEVEL_ERROR);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
