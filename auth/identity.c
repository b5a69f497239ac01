/*
 * efsgw - the identity configuration and the order in which a client
 * certificate's credentials are tried (docs/identity.md, "Identity and
 * authorization"): efsgw's JWT extension, the efs-utils SigV4 extension, a
 * chain to the client CA, else anonymous.
 *
 * A certificate that carries a credential which fails is refused outright.
 * Falling through to the next method would turn a forged or expired token
 * into an anonymous mount, which the default (no policy) lets do anything.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "identity.h"

struct identity_config {
	char			*region;
	char			 fs_id[32];
	struct credentials	*creds;
	struct jwt_verifier	*jwt;
	X509_STORE		*ca;
	unsigned		 skew;
	unsigned		 sigv4_skew;
	unsigned		 sigv4_max_age;
	time_t			(*now)(void);
};

/* The default clock. */
static time_t
identity_time(void)
{
	return time(NULL);
}

struct identity_config *
identity_config_new(void)
{
	struct identity_config *cfg;

	cfg = xcalloc(1, sizeof *cfg);
	cfg->jwt = jwt_verifier_new();
	cfg->skew = 300;
	cfg->sigv4_skew = 900;
	cfg->sigv4_max_age = 86400;
	cfg->now = identity_time;
	return cfg;
}

void
identity_config_free(struct identity_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->region);
	credentials_free(cfg->creds);
	jwt_verifier_free(cfg->jwt);
	X509_STORE_free(cfg->ca);
	free(cfg);
}

/* Is s a plausible id or region: [a-z0-9-], 1..max-1 bytes? */
static int
identity_token_ok(const char *s, size_t max)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= max)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-'))
			return 0;
	return 1;
}

int
identity_config_set_region(struct identity_config *cfg, const char *region,
    char **cause)
{
	if (!identity_token_ok(region, 64)) {
		xasprintf(cause, "region \"%s\" is not like us-east-1", region);
		return EFSGW_ERR_BAD_VALUE;
	}
	free(cfg->region);
	cfg->region = xstrdup(region);
	return 0;
}

int
identity_config_set_fs_id(struct identity_config *cfg, const char *fs_id,
    char **cause)
{
	if (!identity_token_ok(fs_id, sizeof cfg->fs_id)) {
		xasprintf(cause, "file system id \"%s\" is not like fs-0123", fs_id);
		return EFSGW_ERR_BAD_VALUE;
	}
	snprintf(cfg->fs_id, sizeof cfg->fs_id, "%s", fs_id);
	return 0;
}

int
identity_config_load_credentials(struct identity_config *cfg,
    const char *path, char **cause)
{
	struct credentials *creds;
	int r;

	if ((r = credentials_load(path, &creds, cause)) != 0)
		return r;
	credentials_free(cfg->creds);
	cfg->creds = creds;
	return 0;
}

int
identity_config_add_jwt_pem(struct identity_config *cfg, const char *path,
    char **cause)
{
	return jwt_verifier_add_pem(cfg->jwt, path, cause);
}

int
identity_config_add_jwks(struct identity_config *cfg, const char *path,
    char **cause)
{
	return jwt_verifier_add_jwks(cfg->jwt, path, cause);
}

int
identity_config_set_hs256_file(struct identity_config *cfg, const char *path,
    char **cause)
{
	unsigned char *key;
	size_t len;
	int r;

	if ((r = jwt_read_secret(path, &key, &len, cause)) != 0)
		return r;
	r = jwt_verifier_set_hs256(cfg->jwt, key, len, cause);
	OPENSSL_cleanse(key, len);
	free(key);
	return r;
}

int
identity_config_set_jwt_issuer(struct identity_config *cfg, const char *iss,
    char **cause)
{
	return jwt_verifier_set_issuer(cfg->jwt, iss, cause);
}

int
identity_config_check_jwt_issuers(const struct identity_config *cfg,
    char **cause)
{
	size_t n;

	if ((n = jwt_verifier_unbound_keys(cfg->jwt)) == 0)
		return 0;
	xasprintf(cause, "%zu JWT key%s bound to no issuer: name the iss of "
	    "the tokens they sign with identity-jwt-issuer, or give each JWK "
	    "an \"iss\" member", n, n == 1 ? " is" : "s are");
	return EFSGW_ERR_BAD_VALUE;
}

int
identity_config_add_audience(struct identity_config *cfg, const char *aud,
    char **cause)
{
	return jwt_verifier_add_audience(cfg->jwt, aud, cause);
}

void
identity_config_set_require_cnf(struct identity_config *cfg, int on)
{
	jwt_verifier_set_require_cnf(cfg->jwt, on);
}

void
identity_config_set_skew(struct identity_config *cfg, unsigned seconds)
{
	cfg->skew = seconds;
}

void
identity_config_set_sigv4_window(struct identity_config *cfg, unsigned skew,
    unsigned max_age)
{
	cfg->sigv4_skew = skew;
	cfg->sigv4_max_age = max_age;
}

int
identity_config_load_client_ca(struct identity_config *cfg, const char *path,
    char **cause)
{
	X509_STORE *store;
	int r;

	if ((r = mtls_load_ca(path, &store, cause)) != 0)
		return r;
	X509_STORE_free(cfg->ca);
	cfg->ca = store;
	return 0;
}

X509_STORE *
identity_config_client_ca(const struct identity_config *cfg)
{
	return cfg->ca;
}

void
identity_config_set_clock(struct identity_config *cfg, time_t (*now)(void))
{
	cfg->now = now != NULL ? now : identity_time;
}

time_t
identity_config_now(const struct identity_config *cfg)
{
	return cfg->now();
}

int
identity_fail(char **cause, int r, const char *check, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (cause == NULL)
		return r;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	xasprintf(cause, "%s: %s", check, msg);
	free(msg);
	return r;
}

const char *
identity_source_name(enum identity_source s)
{
	switch (s) {
	case IDENTITY_JWT:
		return "jwt";
	case IDENTITY_SIGV4:
		return "sigv4";
	case IDENTITY_MTLS:
		return "mtls";
	case IDENTITY_ANONYMOUS:
		break;
	}
	return "anonymous";
}

/* The action names, with and without the service prefix. */
static const struct {
	const char	*name;
	uint32_t	 grant;
} identity_actions[] = {
	{ "ClientMount", GRANT_MOUNT },
	{ "ClientWrite", GRANT_WRITE },
	{ "ClientRootAccess", GRANT_ROOT },
	{ "*", GRANT_ALL },
};

int
identity_parse_action(const char *name, uint32_t *grants)
{
	static const char prefix[] = "elasticfilesystem:";
	size_t i;

	if (strncmp(name, prefix, sizeof prefix - 1) == 0)
		name += sizeof prefix - 1;
	for (i = 0; i < nitems(identity_actions); i++) {
		if (strcmp(name, identity_actions[i].name) == 0) {
			*grants |= identity_actions[i].grant;
			return 0;
		}
	}
	return EFSGW_ERR_BAD_VALUE;
}

const char *
identity_grants_string(uint32_t grants, char *buf, size_t len)
{
	size_t i;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < 3; i++) {
		if ((grants & identity_actions[i].grant) == 0)
			continue;
		if (buf[0] != '\0')
			strncat(buf, ",", len - strlen(buf) - 1);
		strncat(buf, identity_actions[i].name, len - strlen(buf) - 1);
	}
	return buf;
}

/*
 * The JWT path: verify, then reconcile the token's ids with the cert's.
 * The file system comes from the token's signed claims alone (or is the
 * listener's when the token names none): the certificate's .7.3, which
 * the client chose freely, may only agree with it.
 */
static int
identity_jwt(const struct identity_config *cfg, X509 *cert, const char *token,
    const char *fs_id, time_t now, struct identity *out, char **cause)
{
	struct identity tok;
	int r;

	memset(&tok, 0, sizeof tok);
	if ((r = jwt_verify(cfg->jwt, token, cert, fs_id, now, cfg->skew, &tok,
	    cause)) != 0)
		return r;
	/* Signed claims win; an unsigned extension may not contradict them. */
	if (tok.fs_id[0] != '\0' && out->fs_id[0] != '\0' &&
	    strcmp(tok.fs_id, out->fs_id) != 0)
		return identity_fail(cause, EFSGW_ERR_BAD_VALUE,
		    "fs_id_matches_expected", "token is for %s, certificate "
		    "says %s", tok.fs_id, out->fs_id);
	if (tok.ap_id[0] != '\0' && out->ap_id[0] != '\0' &&
	    strcmp(tok.ap_id, out->ap_id) != 0)
		return identity_fail(cause, EFSGW_ERR_BAD_VALUE,
		    "access_point_matches_expected", "token is for %s, "
		    "certificate says %s", tok.ap_id, out->ap_id);
	if (tok.ap_id[0] == '\0')
		memcpy(tok.ap_id, out->ap_id, sizeof tok.ap_id);
	*out = tok;
	return 0;
}

int
identity_from_cert(const struct identity_config *cfg, X509 *cert,
    int verified_by_ca, struct identity *out, char **cause)
{
	return identity_from_cert_for(cfg, cert, verified_by_ca, cfg->fs_id,
	    out, cause);
}

/* Lower *not_after (0: none yet) to t. */
static void
identity_expire_by(time_t *not_after, time_t t)
{
	if (*not_after == 0 || t < *not_after)
		*not_after = t;
}

int
identity_from_cert_for(const struct identity_config *cfg, X509 *cert,
    int verified_by_ca, const char *fs_id, struct identity *out, char **cause)
{
	struct sigv4_params sp;
	const unsigned char *data;
	size_t dlen;
	char *token = NULL;
	time_t now, nb, na;
	enum identity_source src;
	int r;

	memset(out, 0, sizeof *out);
	out->source = IDENTITY_ANONYMOUS;
	if (fs_id == NULL)
		fs_id = "";
	if (cert == NULL) {
		snprintf(out->fs_id, sizeof out->fs_id, "%s", fs_id);
		return 0;
	}
	now = cfg->now();

	/* The unsigned ids first: malformed ones refuse the whole cert. */
	if ((r = certext_utf8(cert, EFS_OID_FS_ID, out->fs_id, sizeof out->fs_id,
	    cause)) != 0 && r != EFSGW_ERR_NOT_FOUND)
		goto fail;
	if ((r = certext_utf8(cert, EFS_OID_ACCESS_POINT, out->ap_id,
	    sizeof out->ap_id, cause)) != 0 && r != EFSGW_ERR_NOT_FOUND)
		goto fail;
	if (fs_id[0] != '\0' && out->fs_id[0] != '\0' &&
	    strcmp(fs_id, out->fs_id) != 0) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE,
		    "fs_id_matches_expected", "certificate is for %s, this "
		    "listener serves %s", out->fs_id, fs_id);
		goto fail;
	}

	/* Which credential does the certificate carry? */
	if ((r = certext_jwt(cert, &token, cause)) == 0)
		src = IDENTITY_JWT;
	else if (r != EFSGW_ERR_NOT_FOUND)
		goto fail;
	else if ((r = certext_find(cert, EFS_OID_CLIENT_AUTH, &data,
	    &dlen)) == 0)
		src = IDENTITY_SIGV4;
	else if (r != EFSGW_ERR_NOT_FOUND) {
		identity_fail(cause, r, "sigv4_extension", ".7.2 is repeated");
		goto fail;
	} else if (verified_by_ca && cfg->ca != NULL)
		src = IDENTITY_MTLS;
	else
		src = IDENTITY_ANONYMOUS;

	/*
	 * The validity period, against our clock (tests fix it; OpenSSL's
	 * handshake checks it too, against the wall clock).
	 */
	if (certext_time(X509_get0_notBefore(cert), &nb) != 0 ||
	    certext_time(X509_get0_notAfter(cert), &na) != 0) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "x509_validity",
		    "unreadable validity period");
		goto fail;
	}
	if (now + (time_t)cfg->skew < nb || now > na + (time_t)cfg->skew) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "x509_validity",
		    "certificate is not valid now (%s)", now < nb ?
		    "not yet valid" : "expired");
		goto fail;
	}
	/*
	 * A self-signed efs-utils or efsgw-mount certificate reaches us
	 * through X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, and OpenSSL does not
	 * check its signature then (X509_V_FLAG_CHECK_SS_SIGNATURE): do it.
	 */
	if ((src == IDENTITY_JWT || src == IDENTITY_SIGV4) && !verified_by_ca &&
	    certext_self_signed_ok(cert) != 0) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "x509_self_signature",
		    "certificate's signature does not verify with its own key");
		goto fail;
	}

	switch (src) {
	case IDENTITY_JWT:
		r = identity_jwt(cfg, cert, token, fs_id, now, out, cause);
		break;
	case IDENTITY_SIGV4:
		sp.creds = cfg->creds;
		sp.region = cfg->region;
		sp.now = now;
		sp.skew = cfg->sigv4_skew;
		sp.max_age = cfg->sigv4_max_age;
		r = sigv4_verify(&sp, cert, out->fs_id, out, cause);
		break;
	case IDENTITY_MTLS:
		/* The CA signed .7.3 and .7.1 too: they bind like the SAN. */
		if ((r = mtls_identity(cert, out, cause)) == 0 &&
		    fs_id[0] != '\0')
			r = mtls_check_fs(cert, fs_id, cause);
		break;
	case IDENTITY_ANONYMOUS:
		r = 0;
		break;
	}
	if (r != 0)
		goto fail;
	if (fs_id[0] != '\0' && out->fs_id[0] != '\0' &&
	    strcmp(fs_id, out->fs_id) != 0) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE,
		    "fs_id_matches_expected", "credential is for %s, this "
		    "listener serves %s", out->fs_id, fs_id);
		goto fail;
	}
	/* Bound to nothing narrower: the listener's file system. */
	if (out->fs_id[0] == '\0')
		snprintf(out->fs_id, sizeof out->fs_id, "%s", fs_id);
	out->source = src;
	/*
	 * One expiry, computed once: the credential's own (skew included by
	 * its check) and the certificate's notAfter plus the same skew the
	 * validity check above allows. Connections drop calls from this
	 * second on (proxy/call-args.c: now >= not_after).
	 */
	if (src != IDENTITY_ANONYMOUS)
		identity_expire_by(&out->not_after, na + (time_t)cfg->skew + 1);
	if (out->not_after != 0 && now >= out->not_after) {
		r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "identity_expired",
		    "expired %lld s ago", (long long)(now - out->not_after));
		goto fail;
	}
	free(token);
	return 0;
fail:
	free(token);
	memset(out, 0, sizeof *out);
	out->source = IDENTITY_ANONYMOUS;
	return r;
}
