/*
 * efsgw - efsgwctl cert: decode a client certificate the way the gateway
 * reads it (subject, validity, efs-utils' PublicKeyHash, every efs
 * extension .7.1-.7.4 and efsgw's JWT extension), and optionally decide
 * its identity with a given configuration at a given time, which is what
 * an operator needs when a mount is refused.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/bio.h>
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
"                      [--ca-verified] [--at YYYY-MM-DDTHH:MM:SSZ]\n"
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
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1 && r == 0) {
		switch (c) {
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

/* efsgwctl cert ... */
static int
cert_run(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "inspect") == 0)
		return cert_inspect(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "check") == 0)
		return cert_check(argc - 1, argv + 1);
	cert_usage(stderr);
	return 2;
}

const struct ctl_command ctl_cmd_cert = {
	"cert", "decode client certificates and decide their identity",
	cert_run, cert_usage
};
