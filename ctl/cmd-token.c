/*
 * efsgw - efsgwctl token: mint the JWTs efsgw accepts in its certificate
 * extension (for tests, break-glass access and issuers without OIDC), and
 * inspect a token: its header, its claims with readable times and, given
 * keys, whether it verifies exactly as the gateway would verify it.
 *
 * Claims efsgw reads (docs/identity.md): sub or principal, aud, exp, nbf,
 * iat, efsgw:actions, efsgw:fs, efsgw:ap, cnf (RFC 7800).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <jwt.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "ctl.h"
#include "identity.h"

static void
token_usage(FILE *f)
{
	fprintf(f,
"usage: efsgwctl token mint --key FILE --alg RS256|ES256|HS256 --sub NAME\n"
"                           --aud AUD[,AUD...] [--actions A[,A...]] [--fs FS-ID]\n"
"                           [--access-point FSAP-ID] [--ttl SECONDS] [--iss ISSUER]\n"
"                           [--kid KID] [--principal ARN] [--cnf-cert CERT.pem]\n"
"                           [--cnf-key KEY.pem] [--cnf-x5t CERT.pem]\n"
"       efsgwctl token inspect TOKEN|- [--key PEM]... [--jwks FILE]...\n"
"                           [--hs-secret FILE] [--aud AUD]... [--iss ISSUER]\n"
"\n"
"mint prints a signed JWT for efsgw's client-certificate extension\n"
"(OID " EFSGW_OID_JWT ").\n"
"  --key FILE        the private key (PEM) for RS256 (RSA >= 2048 bits) or\n"
"                    ES256 (EC P-256); for HS256 a secret file of at least\n"
"                    32 bytes, mode 0600 (one trailing newline is ignored)\n"
"  --sub NAME        the subject; --principal ARN sets the principal claim,\n"
"                    which the gateway prefers over sub\n"
"  --aud AUD,...     audiences; the gateway accepts tokens naming one of its\n"
"                    own (for example \"efsgw\" or the file system id)\n"
"  --actions A,...   ClientMount, ClientWrite, ClientRootAccess (with or\n"
"                    without the elasticfilesystem: prefix) or \"*\"\n"
"  --fs, --access-point  bind the token to a file system / access point\n"
"  --ttl SECONDS     lifetime, default 3600; iat = nbf = now, exp = now + ttl\n"
"  --cnf-cert CERT   bind to the certificate's key: cnf {\"jkt\": RFC 7638\n"
"                    thumbprint}; --cnf-key KEY does the same from a key file\n"
"  --cnf-x5t CERT    bind to the certificate itself (cnf x5t#S256). A token\n"
"                    carried inside that same certificate cannot use this\n"
"\n"
"inspect decodes TOKEN (or standard input for -) and prints its header and\n"
"claims. With --key (PEM public keys), --jwks or --hs-secret it also checks\n"
"the signature as the gateway does (the key decides the algorithm; alg none\n"
"is refused) and, with --aud, the time and audience claims. --iss binds\n"
"the keys to an issuer as identity-jwt-issuer does: a token whose iss\n"
"differs is refused.\n"
"\n"
"exit status: 0 minted / decoded (and verified when keys were given),\n"
"1 failure or a token that does not verify, 2 usage error.\n");
}

/* Read a whole file (at most 1 MiB) or standard input for "-". */
static char *
token_slurp(const char *path, size_t *lenp)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *buf;
	size_t n = 0, max = 1024 * 1024;

	*lenp = 0;
	if (f == NULL)
		return NULL;
	buf = xmalloc(max + 1);
	n = fread(buf, 1, max, f);
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*lenp = n;
	return buf;
}

/* Split a comma list into a JSON array of strings. */
static json_t *
token_list(const char *s)
{
	json_t *a = json_array();
	char *copy = xstrdup(s), *p, *tok, *save = NULL;

	for (p = copy; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL)
		if (*tok != '\0')
			json_array_append_new(a, json_string(tok));
	free(copy);
	return a;
}

/* Load the first certificate of a PEM file. */
static X509 *
token_load_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;

	if (f == NULL)
		return NULL;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return x;
}

/* efsgwctl token mint ... */
static int
token_mint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "alg", required_argument, NULL, 'a' },
		{ "sub", required_argument, NULL, 's' },
		{ "aud", required_argument, NULL, 'A' },
		{ "actions", required_argument, NULL, 'c' },
		{ "fs", required_argument, NULL, 'f' },
		{ "access-point", required_argument, NULL, 'p' },
		{ "ttl", required_argument, NULL, 't' },
		{ "iss", required_argument, NULL, 'i' },
		{ "kid", required_argument, NULL, 'K' },
		{ "principal", required_argument, NULL, 'P' },
		{ "cnf-cert", required_argument, NULL, 'C' },
		{ "cnf-key", required_argument, NULL, 'Y' },
		{ "cnf-x5t", required_argument, NULL, 'X' },
		{ NULL, 0, NULL, 0 }
	};
	const char *key = NULL, *alg = NULL, *sub = NULL, *aud = NULL;
	const char *actions = NULL, *fs = NULL, *ap = NULL, *iss = NULL;
	const char *kid = NULL, *principal = NULL, *cnf_cert = NULL;
	const char *cnf_key = NULL, *cnf_x5t = NULL;
	json_t *claims = NULL, *a, *e;
	jwt_alg_t jalg;
	jwt_t *jwt = NULL;
	unsigned char *keybuf = NULL, rnd[12];
	char *cause = NULL, *json = NULL, *tok, thumb[64], jti[32];
	EVP_PKEY *pk = NULL;
	X509 *x;
	size_t keylen = 0, i;
	long ttl = 3600;
	uint32_t grants = 0;
	time_t now = time(NULL);
	int c, ret = 1;
	BIO *b;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 'a': alg = optarg; break;
		case 's': sub = optarg; break;
		case 'A': aud = optarg; break;
		case 'c': actions = optarg; break;
		case 'f': fs = optarg; break;
		case 'p': ap = optarg; break;
		case 'i': iss = optarg; break;
		case 'K': kid = optarg; break;
		case 'P': principal = optarg; break;
		case 'C': cnf_cert = optarg; break;
		case 'Y': cnf_key = optarg; break;
		case 'X': cnf_x5t = optarg; break;
		case 't':
			ttl = strtol(optarg, NULL, 10);
			if (ttl <= 0 || ttl > 366L * 86400) {
				fprintf(stderr, "efsgwctl: --ttl must be 1..31622400\n");
				return 2;
			}
			break;
		default:
			token_usage(stderr);
			return 2;
		}
	}
	if (optind != argc || key == NULL || alg == NULL || sub == NULL ||
	    aud == NULL) {
		token_usage(stderr);
		return 2;
	}
	if (strcmp(alg, "RS256") == 0)
		jalg = JWT_ALG_RS256;
	else if (strcmp(alg, "ES256") == 0)
		jalg = JWT_ALG_ES256;
	else if (strcmp(alg, "HS256") == 0)
		jalg = JWT_ALG_HS256;
	else {
		fprintf(stderr, "efsgwctl: --alg must be RS256, ES256 or HS256\n");
		return 2;
	}

	/* The key must suit the algorithm, as the gateway insists. */
	if (jalg == JWT_ALG_HS256) {
		if (jwt_read_secret(key, &keybuf, &keylen, &cause) != 0)
			goto fail;
	} else {
		if ((keybuf = (unsigned char *)token_slurp(key, &keylen)) == NULL ||
		    (b = BIO_new_mem_buf(keybuf, (int)keylen)) == NULL) {
			xasprintf(&cause, "%s: cannot read", key);
			goto fail;
		}
		pk = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
		BIO_free(b);
		if (pk == NULL || (jalg == JWT_ALG_RS256 &&
		    (!EVP_PKEY_is_a(pk, "RSA") || EVP_PKEY_get_bits(pk) < 2048)) ||
		    (jalg == JWT_ALG_ES256 && (!EVP_PKEY_is_a(pk, "EC") ||
		    EVP_PKEY_get_bits(pk) != 256))) {
			xasprintf(&cause, "%s: not a PEM private key for %s", key,
			    alg);
			goto fail;
		}
	}

	claims = json_object();
	json_object_set_new(claims, "sub", json_string(sub));
	if (principal != NULL)
		json_object_set_new(claims, "principal", json_string(principal));
	if (iss != NULL)
		json_object_set_new(claims, "iss", json_string(iss));
	a = token_list(aud);
	if (json_array_size(a) == 1) {
		json_object_set(claims, "aud", json_array_get(a, 0));
		json_decref(a);
	} else
		json_object_set_new(claims, "aud", a);
	json_object_set_new(claims, "iat", json_integer((json_int_t)now));
	json_object_set_new(claims, "nbf", json_integer((json_int_t)now));
	json_object_set_new(claims, "exp", json_integer((json_int_t)(now + ttl)));
	if (RAND_bytes(rnd, sizeof rnd) != 1) {
		xasprintf(&cause, "no randomness");
		goto fail;
	}
	for (i = 0; i < sizeof rnd; i++)
		snprintf(jti + 2 * i, 3, "%02x", rnd[i]);
	json_object_set_new(claims, "jti", json_string(jti));
	if (actions != NULL) {
		a = token_list(actions);
		json_array_foreach(a, i, e) {
			if (identity_parse_action(json_string_value(e), &grants) != 0) {
				xasprintf(&cause, "unknown action \"%s\"",
				    json_string_value(e));
				json_decref(a);
				goto fail;
			}
		}
		json_object_set_new(claims, "efsgw:actions", a);
	}
	if (fs != NULL)
		json_object_set_new(claims, "efsgw:fs", json_string(fs));
	if (ap != NULL)
		json_object_set_new(claims, "efsgw:ap", json_string(ap));
	if (cnf_cert != NULL || cnf_x5t != NULL || cnf_key != NULL) {
		json_t *cnf = json_object();

		if (cnf_cert != NULL || cnf_x5t != NULL) {
			const char *p = cnf_cert != NULL ? cnf_cert : cnf_x5t;

			if ((x = token_load_cert(p)) == NULL) {
				xasprintf(&cause, "%s: not a PEM certificate", p);
				json_decref(cnf);
				goto fail;
			}
			if (cnf_cert != NULL && jwt_cert_jkt(x, thumb,
			    sizeof thumb) == 0)
				json_object_set_new(cnf, "jkt", json_string(thumb));
			if (cnf_x5t != NULL && jwt_cert_x5t_s256(x, thumb,
			    sizeof thumb) == 0)
				json_object_set_new(cnf, "x5t#S256",
				    json_string(thumb));
			X509_free(x);
		}
		if (cnf_key != NULL) {
			size_t n;
			char *text = token_slurp(cnf_key, &n);
			EVP_PKEY *ck = NULL;

			if (text != NULL && (b = BIO_new_mem_buf(text, (int)n)) != NULL) {
				if ((ck = PEM_read_bio_PUBKEY(b, NULL, NULL,
				    NULL)) == NULL) {
					(void)BIO_reset(b);
					ck = PEM_read_bio_PrivateKey(b, NULL, NULL,
					    NULL);
				}
				BIO_free(b);
			}
			free(text);
			if (ck == NULL || jwt_pkey_jkt(ck, thumb, sizeof thumb) != 0) {
				EVP_PKEY_free(ck);
				xasprintf(&cause, "%s: not an RSA or EC P-256 key",
				    cnf_key);
				json_decref(cnf);
				goto fail;
			}
			EVP_PKEY_free(ck);
			json_object_set_new(cnf, "jkt", json_string(thumb));
		}
		if (json_object_size(cnf) == 0) {
			xasprintf(&cause, "cannot compute the cnf thumbprint");
			json_decref(cnf);
			goto fail;
		}
		json_object_set_new(claims, "cnf", cnf);
	}

	json = json_dumps(claims, JSON_COMPACT);
	if (jwt_new(&jwt) != 0 || jwt_add_grants_json(jwt, json) != 0 ||
	    (kid != NULL && jwt_add_header(jwt, "kid", kid) != 0) ||
	    jwt_set_alg(jwt, jalg, keybuf, (int)keylen) != 0 ||
	    (tok = jwt_encode_str(jwt)) == NULL) {
		xasprintf(&cause, "libjwt could not sign the token");
		goto fail;
	}
	if (strlen(tok) > IDENTITY_MAX_JWT)
		fprintf(stderr, "efsgwctl: warning: token is over %d bytes; the "
		    "gateway will refuse it\n", IDENTITY_MAX_JWT);
	printf("%s\n", tok);
	free(tok);
	ret = 0;
fail:
	if (cause != NULL) {
		fprintf(stderr, "efsgwctl: %s\n", cause);
		free(cause);
	}
	jwt_free(jwt);
	free(json);
	json_decref(claims);
	EVP_PKEY_free(pk);
	if (keybuf != NULL) {
		OPENSSL_cleanse(keybuf, keylen);
		free(keybuf);
	}
	return ret;
}

/* Print one claim time as "NAME: 1800000000 (2027-01-15T08:00:00Z, in 5s)". */
static void
token_print_time(json_t *claims, const char *name, time_t now)
{
	json_t *j = json_object_get(claims, name);
	char buf[32];
	struct tm tm;
	time_t t;

	if (!json_is_integer(j))
		return;
	t = (time_t)json_integer_value(j);
	if (gmtime_r(&t, &tm) == NULL)
		return;
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("  %-4s %s, %s %lld s\n", name, buf, t >= now ? "in" : "ago",
	    (long long)(t >= now ? t - now : now - t));
}

/* efsgwctl token inspect TOKEN|- [--key PEM] [--jwks FILE] ... */
static int
token_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "jwks", required_argument, NULL, 'j' },
		{ "hs-secret", required_argument, NULL, 'h' },
		{ "aud", required_argument, NULL, 'A' },
		{ "iss", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	struct jwt_verifier *v = jwt_verifier_new();
	struct identity id;
	json_t *header = NULL, *claims = NULL;
	char *text = NULL, *cause = NULL, *s, *p, grants[64];
	unsigned char *secret;
	const char *kid;
	size_t len, slen;
	int c, ret = 1, nkeys = 0, naud = 0;

	/* The issuer binds the keys loaded after it: take it first. */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (c == 'i' && jwt_verifier_set_issuer(v, optarg, &cause) != 0)
			goto out;
	opterr = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			break;
		case 'k':
			if (jwt_verifier_add_pem(v, optarg, &cause) != 0)
				goto out;
			nkeys++;
			break;
		case 'j':
			if (jwt_verifier_add_jwks(v, optarg, &cause) != 0)
				goto out;
			nkeys++;
			break;
		case 'h':
			if (jwt_read_secret(optarg, &secret, &slen, &cause) != 0)
				goto out;
			c = jwt_verifier_set_hs256(v, secret, slen, &cause);
			OPENSSL_cleanse(secret, slen);
			free(secret);
			if (c != 0)
				goto out;
			nkeys++;
			break;
		case 'A':
			if (jwt_verifier_add_audience(v, optarg, &cause) != 0)
				goto out;
			naud++;
			break;
		default:
			token_usage(stderr);
			ret = 2;
			goto out;
		}
	}
	if (optind != argc - 1) {
		token_usage(stderr);
		ret = 2;
		goto out;
	}
	if (strcmp(argv[optind], "-") == 0) {
		if ((text = token_slurp("-", &len)) == NULL)
			goto out;
	} else
		text = xstrdup(argv[optind]);
	/* Trim the newline a shell pipe adds. */
	for (p = text + strlen(text); p > text && (p[-1] == '\n' ||
	    p[-1] == '\r' || p[-1] == ' '); p--)
		p[-1] = '\0';

	if (jwt_decode_unverified(text, &header, &claims, &cause) != 0)
		goto out;
	s = json_dumps(header, JSON_INDENT(2) | JSON_SORT_KEYS);
	printf("header:\n%s\n", s);
	free(s);
	s = json_dumps(claims, JSON_INDENT(2) | JSON_SORT_KEYS);
	printf("claims:\n%s\n", s);
	free(s);
	printf("times (now %lld):\n", (long long)time(NULL));
	token_print_time(claims, "iat", time(NULL));
	token_print_time(claims, "nbf", time(NULL));
	token_print_time(claims, "exp", time(NULL));
	if (nkeys == 0) {
		printf("signature: not checked (give --key, --jwks or "
		    "--hs-secret)\n");
		ret = 0;
		goto out;
	}
	if (jwt_verify_signature(v, text, NULL, &kid, &cause) != 0) {
		printf("signature: INVALID (%s)\n", cause);
		free(cause);
		cause = NULL;
		goto out;
	}
	printf("signature: valid%s%s\n", kid[0] != '\0' ? ", kid " : "", kid);
	if (naud == 0) {
		printf("claims: not checked (give --aud)\n");
		ret = 0;
		goto out;
	}
	/* Without a certificate, a cnf claim cannot be checked here. */
	memset(&id, 0, sizeof id);
	jwt_verifier_set_require_cnf(v, 0);
	if (json_object_get(claims, "cnf") != NULL)
		printf("cnf: present, checked by the gateway against the "
		    "client certificate\n");
	{
		X509 *none = X509_new();
		int r;

		/* A blank certificate: only a cnf check can fail on it. */
		r = jwt_verify(v, text, none, NULL, time(NULL), 300, &id,
		    &cause);
		X509_free(none);
		if (r != 0 && !(cause != NULL && strncmp(cause, "jwt_cnf:", 8) == 0)) {
			printf("claims: REFUSED (%s)\n", cause);
			goto out;
		}
		if (r != 0) {
			printf("claims: time and audience valid\n");
			free(cause);
			cause = NULL;
		}
		else
			printf("claims: valid: principal %s, grants %s, fs %s, "
			    "access point %s\n", id.principal, id.grants == 0 ?
			    "-" : identity_grants_string(id.grants, grants,
			    sizeof grants), id.fs_id[0] ? id.fs_id : "-",
			    id.ap_id[0] ? id.ap_id : "-");
	}
	ret = 0;
out:
	if (cause != NULL) {
		fprintf(stderr, "efsgwctl: %s\n", cause);
		free(cause);
	}
	json_decref(header);
	json_decref(claims);
	free(text);
	jwt_verifier_free(v);
	return ret;
}

/* efsgwctl token ... */
static int
token_run(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "mint") == 0)
		return token_mint(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "inspect") == 0)
		return token_inspect(argc - 1, argv + 1);
	token_usage(stderr);
	return 2;
}

const struct ctl_command ctl_cmd_token = {
	"token", "mint and inspect JWTs for client certificates", token_run,
	token_usage
};
