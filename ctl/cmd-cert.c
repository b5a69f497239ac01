/*
 * efsgw - efsgwctl cert: decode a client certificate the way the gateway
 * reads it (subject, validity, efs-utils' PublicKeyHash, every efs
 * extension .7.1-.7.4 and efsgw's JWT extension), and optionally decide
 * its identity with a given configuration at a given time, which is what
 * an operator needs when a mount is refused. `cert mint-efs` builds the
 * client certificate stock efs-utils builds for `mount -t efs -o tls,iam`
 * (t/unit/vectors/README.md "Certificate layout"), for tests and for
 * checking a gateway without efs-utils.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ctl.h"
#include "identity.h"

static void
cert_usage(FILE *f)
{
	fprintf(f,
"usage: efsgwctl cert inspect CERT.pem\n"
"       efsgwctl cert check CERT.pem [--region REGION] [--credentials FILE]\n"
"                      [--fs FS-ID] [--jwt-key PEM]... [--jwks FILE]...\n"
"                      [--hs-secret FILE] [--aud AUD]... [--client-ca FILE]\n"
"                      [--ca-verified] [--at YYYY-MM-DDTHH:MM:SSZ] [--iss ISSUER]\n"
"       efsgwctl cert mint-efs --key KEY.pem --fs FS-ID [--access-point FSAP-ID]\n"
"                      --region REGION --access-key-id AKID\n"
"                      (--secret-key SECRET | --secret-file FILE)\n"
"                      [--session-token TOKEN] [--at YYYY-MM-DDTHH:MM:SSZ]\n"
"                      [--cn NAME] [--client-info SOURCE,VERSION] --out CERT.pem\n"
"\n"
"inspect prints what a client certificate carries: subject, issuer, serial,\n"
"validity, key, efs-utils' PublicKeyHash (SHA-1 of the subjectPublicKey),\n"
"the SHA-256 fingerprint (x5t#S256) and key thumbprint (jkt), whether its\n"
"own key verifies its signature, and every efs extension decoded:\n"
"  1.3.6.1.4.1.4843.7.1  access point id\n"
"  1.3.6.1.4.1.4843.7.2  SigV4 efs_client_auth (access key id, signature,\n"
"                        sigv4DateTime, session token)\n"
"  1.3.6.1.4.1.4843.7.3  file system id\n"
"  1.3.6.1.4.1.4843.7.4  client info\n"
"  " EFSGW_OID_JWT "  efsgw JWT\n"
"\n"
"check decides the certificate's identity exactly as the gateway does, with\n"
"the configuration given by the options, at --at (default now). For a\n"
"certificate chained to --client-ca the chain is verified first.\n"
"\n"
"mint-efs builds the client certificate efs-utils builds for\n"
"'mount -t efs -o tls,iam[,accesspoint=...]': self-signed with KEY, serial 0,\n"
"CN = NAME (default: the host name), valid from 15 minutes before --at\n"
"(default now) to 3 hours after, with subjectKeyIdentifier, .7.1 access\n"
"point (if given), .7.2 efs_client_auth (access key id, SigV4 signature over\n"
"Action=Connect and the key's PublicKeyHash, sigv4DateTime, session token),\n"
".7.3 file system id and .7.4 client info (default unknown,efsgwctl-VERSION).\n"
"The secret is read from --secret-file (first line) rather than the command\n"
"line where possible. The gateway checks the result with its credentials\n"
"file and region, as 'cert check' does.\n"
"\n"
"exit status: 0 decoded / identity accepted, 1 failure or refused, 2 usage.\n");
}

/* Load the first certificate of a PEM file. */
static X509 *
cert_load(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;

	if (f == NULL) {
		perror(path);
		return NULL;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL)
		fprintf(stderr, "efsgwctl: %s: not a PEM certificate\n", path);
	return x;
}

/* Print an X.509 name on one line (RFC 2253 style). */
static void
cert_print_name(const char *label, const X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *d;
	long len;

	X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253);
	len = BIO_get_mem_data(b, &d);
	printf("%-16s %.*s\n", label, (int)len, d);
	BIO_free(b);
}

/* Print an ASN1_TIME as ISO 8601 UTC. */
static void
cert_print_time(const char *label, const ASN1_TIME *t)
{
	time_t v;
	struct tm tm;
	char buf[32];

	if (certext_time(t, &v) != 0 || gmtime_r(&v, &tm) == NULL) {
		printf("%-16s (unreadable)\n", label);
		return;
	}
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%-16s %s\n", label, buf);
}

/* Print the JWT extension's header and claims. */
static void
cert_print_jwt(X509 *x)
{
	json_t *h = NULL, *c = NULL;
	char *tok = NULL, *cause = NULL, *s;
	int r;

	if ((r = certext_jwt(x, &tok, &cause)) == EFSGW_ERR_NOT_FOUND)
		return;
	printf("efsgw JWT (%s):\n", EFSGW_OID_JWT);
	if (r != 0) {
		printf("  malformed: %s\n", cause);
		free(cause);
		return;
	}
	printf("  token        %zu bytes\n", strlen(tok));
	if (jwt_decode_unverified(tok, &h, &c, &cause) != 0) {
		printf("  undecodable: %s\n", cause);
		free(cause);
	} else {
		s = json_dumps(h, JSON_COMPACT | JSON_SORT_KEYS);
		printf("  header       %s\n", s);
		free(s);
		s = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
		printf("  claims       %s\n", s);
		free(s);
	}
	json_decref(h);
	json_decref(c);
	free(tok);
}

/* efsgwctl cert inspect CERT.pem */
static int
cert_inspect(const char *path)
{
	struct certext_efs_auth auth;
	EVP_PKEY *pk;
	X509 *x;
	BIGNUM *serial;
	char buf[256], hash[41], thumb[64], *cause = NULL, *s;
	int r;

	if ((x = cert_load(path)) == NULL)
		return 1;
	cert_print_name("subject", X509_get_subject_name(x));
	cert_print_name("issuer", X509_get_issuer_name(x));
	if ((serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) != NULL) {
		s = BN_bn2dec(serial);
		printf("%-16s %s\n", "serial", s);
		OPENSSL_free(s);
		BN_free(serial);
	}
	cert_print_time("notBefore", X509_get0_notBefore(x));
	cert_print_time("notAfter", X509_get0_notAfter(x));
	pk = X509_get0_pubkey(x);
	printf("%-16s %s %d bits\n", "public key", pk != NULL &&
	    EVP_PKEY_get0_type_name(pk) != NULL ? EVP_PKEY_get0_type_name(pk) :
	    "?", pk != NULL ? EVP_PKEY_get_bits(pk) : 0);
	if (certext_public_key_hash(x, hash) == 0)
		printf("%-16s %s\n", "PublicKeyHash", hash);
	if (jwt_cert_x5t_s256(x, thumb, sizeof thumb) == 0)
		printf("%-16s %s\n", "x5t#S256", thumb);
	if (jwt_cert_jkt(x, thumb, sizeof thumb) == 0)
		printf("%-16s %s\n", "jkt", thumb);
	printf("%-16s %s\n", "self-signature",
	    certext_self_signed_ok(x) == 0 ? "valid (own key)" :
	    "does not verify with its own key");

	if ((r = certext_utf8(x, EFS_OID_ACCESS_POINT, buf, 32, &cause)) == 0)
		printf("%-16s %s (.7.1)\n", "access point", buf);
	else if (r != EFSGW_ERR_NOT_FOUND) {
		printf("%-16s malformed: %s\n", "access point", cause);
		free(cause);
		cause = NULL;
	}
	if ((r = certext_utf8(x, EFS_OID_FS_ID, buf, 32, &cause)) == 0)
		printf("%-16s %s (.7.3)\n", "file system", buf);
	else if (r != EFSGW_ERR_NOT_FOUND) {
		printf("%-16s malformed: %s\n", "file system", cause);
		free(cause);
		cause = NULL;
	}
	if ((r = certext_efs_auth(x, &auth, &cause)) == 0) {
		printf("efs_client_auth (.7.2):\n");
		printf("  accessKeyId  %s\n", auth.akid);
		printf("  signature    %s\n", auth.signature);
		printf("  sigv4Date    %s (X-Amz-Date 20%.6sT%.6sZ)\n",
		    auth.utctime, auth.utctime, auth.utctime + 6);
		if (auth.token != NULL) {
			log_escape(buf, 40, auth.token, strlen(auth.token));
			printf("  sessionToken %zu bytes: %s%s\n",
			    strlen(auth.token), buf,
			    strlen(auth.token) > 32 ? "..." : "");
		} else
			printf("  sessionToken none\n");
		certext_efs_auth_clear(&auth);
	} else if (r != EFSGW_ERR_NOT_FOUND) {
		printf("efs_client_auth (.7.2): malformed: %s\n", cause);
		free(cause);
		cause = NULL;
	}
	if ((r = certext_client_info(x, buf, sizeof buf, &cause)) == 0)
		printf("%-16s %s (.7.4)\n", "client info", buf);
	else if (r != EFSGW_ERR_NOT_FOUND) {
		printf("%-16s malformed: %s\n", "client info", cause);
		free(cause);
		cause = NULL;
	}
	cert_print_jwt(x);
	X509_free(x);
	return 0;
}

static time_t cert_at;

/* The clock of `cert check`: --at or now. */
static time_t
cert_clock(void)
{
	return cert_at != 0 ? cert_at : time(NULL);
}

/* efsgwctl cert check CERT.pem [options] */
static int
cert_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "region", required_argument, NULL, 'r' },
		{ "credentials", required_argument, NULL, 'c' },
		{ "fs", required_argument, NULL, 'f' },
		{ "jwt-key", required_argument, NULL, 'k' },
		{ "jwks", required_argument, NULL, 'j' },
		{ "hs-secret", required_argument, NULL, 'h' },
		{ "aud", required_argument, NULL, 'A' },
		{ "client-ca", required_argument, NULL, 'C' },
		{ "ca-verified", no_argument, NULL, 'V' },
		{ "at", required_argument, NULL, 't' },
		{ "iss", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	struct identity_config *cfg = identity_config_new();
	struct identity id;
	struct tm tm;
	char *cause = NULL, grants[64], buf[32];
	X509 *x = NULL;
	int c, r = 0, ret = 1, verified = 0;
	const char *end;

	identity_config_set_clock(cfg, cert_clock);
	/* The issuer binds the JWT keys loaded after it: take it first. */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1 && r == 0)
		if (c == 'i')
			r = identity_config_set_jwt_issuer(cfg, optarg, &cause);
	opterr = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1 && r == 0) {
		switch (c) {
		case 'i': break;
		case 'r': r = identity_config_set_region(cfg, optarg, &cause); break;
		case 'c': r = identity_config_load_credentials(cfg, optarg, &cause); break;
		case 'f': r = identity_config_set_fs_id(cfg, optarg, &cause); break;
		case 'k': r = identity_config_add_jwt_pem(cfg, optarg, &cause); break;
		case 'j': r = identity_config_add_jwks(cfg, optarg, &cause); break;
		case 'h': r = identity_config_set_hs256_file(cfg, optarg, &cause); break;
		case 'A': r = identity_config_add_audience(cfg, optarg, &cause); break;
		case 'C': r = identity_config_load_client_ca(cfg, optarg, &cause); break;
		case 'V': verified = 1; break;
		case 't':
			memset(&tm, 0, sizeof tm);
			end = strptime(optarg, "%Y-%m-%dT%H:%M:%SZ", &tm);
			if (end == NULL || *end != '\0') {
				fprintf(stderr, "efsgwctl: --at wants "
				    "YYYY-MM-DDTHH:MM:SSZ\n");
				ret = 2;
				goto out;
			}
			cert_at = timegm(&tm);
			break;
		default:
			cert_usage(stderr);
			ret = 2;
			goto out;
		}
	}
	if (r != 0)
		goto out;
	if (optind != argc - 1) {
		cert_usage(stderr);
		ret = 2;
		goto out;
	}
	if ((x = cert_load(argv[optind])) == NULL)
		goto out;
	/* With a client CA, verify the chain here as the handshake would. */
	if (identity_config_client_ca(cfg) != NULL && !verified) {
		if (mtls_verify(identity_config_client_ca(cfg), x, NULL,
		    cert_clock(), &cause) == 0)
			verified = 1;
		else {
			printf("client CA: %s\n", cause);
			free(cause);
			cause = NULL;
		}
	}
	if (identity_from_cert(cfg, x, verified, &id, &cause) != 0) {
		printf("identity: REFUSED: %s\n", cause);
		goto out;
	}
	printf("identity:  %s\n", identity_source_name(id.source));
	printf("principal: %s\n", id.principal[0] ? id.principal : "(anonymous)");
	printf("grants:    %s\n", identity_grants_string(id.grants, grants,
	    sizeof grants)[0] ? grants : "(none of its own; policy decides)");
	printf("fs:        %s\n", id.fs_id[0] ? id.fs_id : "-");
	printf("ap:        %s\n", id.ap_id[0] ? id.ap_id : "-");
	if (id.not_after != 0 && gmtime_r(&id.not_after, &tm) != NULL) {
		strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("until:     %s\n", buf);
	}
	printf("detail:    %s\n", id.detail);
	ret = 0;
out:
	if (cause != NULL) {
		if (r != 0)
			fprintf(stderr, "efsgwctl: %s\n", cause);
		free(cause);
	}
	X509_free(x);
	identity_config_free(cfg);
	return ret;
}

/* What `cert mint-efs` puts in the certificate. */
struct cert_mint {
	const char	*key_path;
	const char	*fs_id;
	const char	*ap_id;
	const char	*region;
	const char	*akid;
	char		*secret;
	const char	*token;
	const char	*cn;
	const char	*info;
	const char	*out;
	time_t		 at;
};

/* Parse --at YYYY-MM-DDTHH:MM:SSZ. */
static int
cert_parse_at(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	*out = timegm(&tm);
	return 0;
}

/* Read the first line of a secret file into a new string. */
static char *
cert_read_secret(const char *path)
{
	char buf[512];
	FILE *f;
	size_t n;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		return NULL;
	}
	if (fgets(buf, sizeof buf, f) == NULL) {
		fprintf(stderr, "efsgwctl: %s: empty\n", path);
		fclose(f);
		return NULL;
	}
	fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	if (n == 0) {
		fprintf(stderr, "efsgwctl: %s: empty first line\n", path);
		return NULL;
	}
	return xstrdup(buf);
}

/* DER of an ASN.1 string of type (UTF8String, OCTET STRING) into a new buffer. */
static int
cert_der_string(int type, const void *p, size_t len, unsigned char **der)
{
	ASN1_STRING *s = ASN1_STRING_type_new(type);
	int n = -1;

	*der = NULL;
	if (s != NULL && ASN1_STRING_set(s, p, (int)len))
		n = type == V_ASN1_UTF8STRING ? i2d_ASN1_UTF8STRING(s, der) :
		    i2d_ASN1_OCTET_STRING(s, der);
	ASN1_STRING_free(s);
	return n;
}

/*
 * Wrap the concatenated DER parts in a constructed tag (SEQUENCE or [0]
 * EXPLICIT), X.690 §8.9 and §8.14; returns the length or -1.
 */
static int
cert_der_wrap(int tag, int xclass, unsigned char *const *parts,
    const int *lens, int nparts, unsigned char **der)
{
	unsigned char *p;
	int i, body = 0, total;

	*der = NULL;
	for (i = 0; i < nparts; i++) {
		if (lens[i] < 0)
			return -1;
		body += lens[i];
	}
	if ((total = ASN1_object_size(1, body, tag)) < 0)
		return -1;
	*der = p = xmalloc((size_t)total);
	ASN1_put_object(&p, 1, body, tag, xclass);
	for (i = 0; i < nparts; i++) {
		memcpy(p, parts[i], (size_t)lens[i]);
		p += lens[i];
	}
	return total;
}

/* Add extension oid (not critical) whose extnValue is der. */
static int
cert_add_ext(X509 *x, const char *oid, const unsigned char *der, int len)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
	X509_EXTENSION *ext = NULL;
	int ok;

	ok = obj != NULL && v != NULL && len >= 0 &&
	    ASN1_OCTET_STRING_set(v, der, len) &&
	    (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, v)) != NULL &&
	    X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(v);
	ASN1_OBJECT_free(obj);
	return ok ? 0 : -1;
}

/* Add a UTF8String extension (.7.1, .7.3). */
static int
cert_add_utf8_ext(X509 *x, const char *oid, const char *value)
{
	unsigned char *der;
	int n, r;

	n = cert_der_string(V_ASN1_UTF8STRING, value, strlen(value), &der);
	r = n < 0 ? -1 : cert_add_ext(x, oid, der, n);
	OPENSSL_free(der);
	return r;
}

/*
 * .7.2 efs_client_auth ::= SEQUENCE { accessKeyId UTF8String, signature
 * OCTET STRING (the 64 hex characters), sigv4DateTime UTCTime,
 * sessionToken [0] EXPLICIT UTF8String OPTIONAL } (docs/identity.md).
 */
static int
cert_add_efs_auth(X509 *x, const char *akid, const char *sig,
    const ASN1_UTCTIME *date, const char *token)
{
	unsigned char *parts[4] = { NULL, NULL, NULL, NULL }, *tokder = NULL;
	unsigned char *der = NULL;
	int lens[4], toklen, n = 3, len, r = -1;

	lens[0] = cert_der_string(V_ASN1_UTF8STRING, akid, strlen(akid),
	    &parts[0]);
	lens[1] = cert_der_string(V_ASN1_OCTET_STRING, sig, 64, &parts[1]);
	lens[2] = i2d_ASN1_UTCTIME(date, &parts[2]);
	if (token != NULL) {
		toklen = cert_der_string(V_ASN1_UTF8STRING, token, strlen(token),
		    &tokder);
		lens[3] = cert_der_wrap(0, V_ASN1_CONTEXT_SPECIFIC, &tokder,
		    &toklen, 1, &parts[3]);
		n = 4;
	}
	if ((len = cert_der_wrap(V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, parts, lens,
	    n, &der)) >= 0)
		r = cert_add_ext(x, EFS_OID_CLIENT_AUTH, der, len);
	OPENSSL_free(parts[0]);
	OPENSSL_free(parts[1]);
	OPENSSL_free(parts[2]);
	free(parts[3]);
	OPENSSL_free(tokder);
	free(der);
	return r;
}

/* .7.4 client info: SEQUENCE { UTF8String source, UTF8String version }. */
static int
cert_add_client_info(X509 *x, const char *info)
{
	unsigned char *parts[2] = { NULL, NULL }, *der = NULL;
	const char *comma = strchr(info, ',');
	int lens[2], len, r = -1;

	if (comma == NULL)
		return -1;
	lens[0] = cert_der_string(V_ASN1_UTF8STRING, info,
	    (size_t)(comma - info), &parts[0]);
	lens[1] = cert_der_string(V_ASN1_UTF8STRING, comma + 1,
	    strlen(comma + 1), &parts[1]);
	if ((len = cert_der_wrap(V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, parts, lens,
	    2, &der)) >= 0)
		r = cert_add_ext(x, EFS_OID_CLIENT_INFO, der, len);
	OPENSSL_free(parts[0]);
	OPENSSL_free(parts[1]);
	free(der);
	return r;
}

/* Turn 40 hex characters into 20 bytes. */
static void
cert_unhex20(const char *hex, unsigned char out[20])
{
	int i;

	for (i = 0; i < 20; i++) {
		unsigned hi = (unsigned)(hex[2 * i] <= '9' ? hex[2 * i] - '0' :
		    hex[2 * i] - 'a' + 10);
		unsigned lo = (unsigned)(hex[2 * i + 1] <= '9' ?
		    hex[2 * i + 1] - '0' : hex[2 * i + 1] - 'a' + 10);
		out[i] = (unsigned char)(hi << 4 | lo);
	}
}

/* Build, sign and write the certificate; returns the exit status. */
static int
cert_mint_build(const struct cert_mint *m)
{
	ASN1_UTCTIME *date = NULL;
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	X509_NAME *name;
	FILE *f = NULL;
	struct tm tm;
	unsigned char ski[20], *der = NULL;
	char hash[41], amz_date[17], sig[65], *cause = NULL;
	int fd, n, ret = 1;

	if ((f = fopen(m->key_path, "r")) == NULL) {
		perror(m->key_path);
		return 1;
	}
	pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	f = NULL;
	if (pk == NULL) {
		fprintf(stderr, "efsgwctl: %s: not a PEM private key\n",
		    m->key_path);
		return 1;
	}
	/* The certificate efs-utils' `openssl ca -selfsign` makes. */
	if ((x = X509_new()) == NULL || !X509_set_version(x, 2) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), 0) ||
	    (name = X509_get_subject_name(x)) == NULL ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)m->cn, -1, -1, 0) ||
	    !X509_set_issuer_name(x, name) ||
	    ASN1_TIME_set(X509_getm_notBefore(x), m->at - 15 * 60) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), m->at + 3 * 3600) == NULL ||
	    !X509_set_pubkey(x, pk)) {
		fprintf(stderr, "efsgwctl: cannot build the certificate\n");
		goto out;
	}
	/* SigV4 over the key's PublicKeyHash, as efs-utils signs it. */
	if (certext_public_key_hash(x, hash) != 0 ||
	    gmtime_r(&m->at, &tm) == NULL ||
	    strftime(amz_date, sizeof amz_date, "%Y%m%dT%H%M%SZ", &tm) != 16 ||
	    (date = ASN1_UTCTIME_set(NULL, m->at)) == NULL ||
	    sigv4_sign(m->secret, m->akid, m->region, m->fs_id, hash, amz_date,
	    m->token, sig, NULL) != 0) {
		fprintf(stderr, "efsgwctl: cannot sign (is --at between 1950 "
		    "and 2049?)\n");
		goto out;
	}
	/* Extensions in efs-utils' order, none critical. */
	cert_unhex20(hash, ski);
	n = cert_der_string(V_ASN1_OCTET_STRING, ski, sizeof ski, &der);
	if (n < 0 || cert_add_ext(x, "2.5.29.14", der, n) != 0 ||
	    (m->ap_id != NULL &&
	    cert_add_utf8_ext(x, EFS_OID_ACCESS_POINT, m->ap_id) != 0) ||
	    cert_add_efs_auth(x, m->akid, sig, date, m->token) != 0 ||
	    cert_add_utf8_ext(x, EFS_OID_FS_ID, m->fs_id) != 0 ||
	    cert_add_client_info(x, m->info) != 0) {
		fprintf(stderr, "efsgwctl: cannot add the efs extensions\n");
		goto out;
	}
	if (X509_sign(x, pk, EVP_sha256()) <= 0) {
		fprintf(stderr, "efsgwctl: cannot self-sign with %s\n",
		    m->key_path);
		goto out;
	}
	/* 0600: with its key it is a credential for the next 3 hours. */
	unlink(m->out);
	if ((fd = open(m->out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "efsgwctl: %s: %s\n", m->out, strerror(errno));
		goto out;
	}
	if (!PEM_write_X509(f, x) || fclose(f) != 0) {
		f = NULL;
		fprintf(stderr, "efsgwctl: %s: write failed\n", m->out);
		goto out;
	}
	f = NULL;
	printf("%s: %s %s%s%s, access key %s, signature %s\n", m->out,
	    m->fs_id, m->region, m->ap_id != NULL ? ", access point " : "",
	    m->ap_id != NULL ? m->ap_id : "", m->akid, sig);
	ret = 0;
out:
	if (f != NULL)
		fclose(f);
	free(cause);
	OPENSSL_free(der);
	ASN1_UTCTIME_free(date);
	X509_free(x);
	EVP_PKEY_free(pk);
	OPENSSL_cleanse(sig, sizeof sig);
	return ret;
}

/* efsgwctl cert mint-efs [options] */
static int
cert_mint_efs(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "fs", required_argument, NULL, 'f' },
		{ "access-point", required_argument, NULL, 'a' },
		{ "region", required_argument, NULL, 'r' },
		{ "access-key-id", required_argument, NULL, 'i' },
		{ "secret-key", required_argument, NULL, 's' },
		{ "secret-file", required_argument, NULL, 'S' },
		{ "session-token", required_argument, NULL, 'T' },
		{ "at", required_argument, NULL, 't' },
		{ "cn", required_argument, NULL, 'n' },
		{ "client-info", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct cert_mint m;
	char host[65], info[64];
	int c, ret = 2;

	memset(&m, 0, sizeof m);
	m.at = time(NULL);
	snprintf(info, sizeof info, "unknown,efsgwctl-%s", PACKAGE_VERSION);
	m.info = info;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': m.key_path = optarg; break;
		case 'f': m.fs_id = optarg; break;
		case 'a': m.ap_id = optarg; break;
		case 'r': m.region = optarg; break;
		case 'i': m.akid = optarg; break;
		case 's':
			free(m.secret);
			m.secret = xstrdup(optarg);
			break;
		case 'S':
			free(m.secret);
			if ((m.secret = cert_read_secret(optarg)) == NULL) {
				ret = 1;
				goto out;
			}
			break;
		case 'T': m.token = optarg; break;
		case 'n': m.cn = optarg; break;
		case 'c': m.info = optarg; break;
		case 'o': m.out = optarg; break;
		case 't':
			if (cert_parse_at(optarg, &m.at) != 0) {
				fprintf(stderr, "efsgwctl: --at wants "
				    "YYYY-MM-DDTHH:MM:SSZ\n");
				goto out;
			}
			break;
		default:
			cert_usage(stderr);
			goto out;
		}
	}
	if (optind != argc || m.key_path == NULL || m.fs_id == NULL ||
	    m.region == NULL || m.akid == NULL || m.secret == NULL ||
	    m.out == NULL) {
		fprintf(stderr, "efsgwctl: cert mint-efs needs --key, --fs, "
		    "--region, --access-key-id, --secret-key or --secret-file, "
		    "and --out\n");
		goto out;
	}
	/* What the gateway will refuse anyway is refused here, clearly. */
	if (m.fs_id[0] == '\0' || strlen(m.fs_id) > 31 ||
	    (m.ap_id != NULL && (m.ap_id[0] == '\0' || strlen(m.ap_id) > 31)) ||
	    m.akid[0] == '\0' || strlen(m.akid) > IDENTITY_MAX_AKID ||
	    (m.token != NULL && strlen(m.token) > IDENTITY_MAX_TOKEN) ||
	    strchr(m.info, ',') == NULL) {
		fprintf(stderr, "efsgwctl: --fs and --access-point at most 31 "
		    "characters, --access-key-id 1 to %d, --session-token at "
		    "most %d, --client-info SOURCE,VERSION\n", IDENTITY_MAX_AKID,
		    IDENTITY_MAX_TOKEN);
		goto out;
	}
	/* efs-utils: an empty session token is left out. */
	if (m.token != NULL && m.token[0] == '\0')
		m.token = NULL;
	/* efs-utils: CN = socket.gethostname()[0:64]. */
	if (m.cn == NULL) {
		if (gethostname(host, sizeof host) != 0)
			snprintf(host, sizeof host, "localhost");
		host[64] = '\0';
		m.cn = host;
	}
	ret = cert_mint_build(&m);
out:
	if (m.secret != NULL) {
		OPENSSL_cleanse(m.secret, strlen(m.secret));
		free(m.secret);
	}
	return ret;
}

/* efsgwctl cert ... */
static int
cert_run(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "inspect") == 0 &&
	    !ctl_reject_options(argc, argv, 2))
		return cert_inspect(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "check") == 0)
		return cert_check(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "mint-efs") == 0)
		return cert_mint_efs(argc - 1, argv + 1);
	cert_usage(stderr);
	return 2;
}

const struct ctl_command ctl_cmd_cert = {
	"cert", "decode, check and mint (efs-utils style) client certificates",
	cert_run, cert_usage
};
