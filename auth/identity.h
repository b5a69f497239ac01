/*
 * efsgw - client identities taken from the TLS client certificate.
 *
 * A client proves who it is with the certificate it presents in the TLS
 * handshake, as with Amazon EFS: efsgw's own JWT extension (efsgw-mount,
 * Kubernetes service-account tokens, any OIDC issuer), the efs-utils SigV4
 * extension (stock `mount -t efs -o tls,iam`), a certificate chained to a
 * configured client CA, or nothing (anonymous). identity_from_cert() tries
 * them in that order (docs/identity.md) and fills a
 * struct identity that the policy engine and the audit log consume. The
 * identity only says who the client is and what its own credentials grant;
 * the file-system policy decides what it may do.
 *
 * This header is the auth/identity part of auth/: identity.c (config and
 * dispatch), certext.c (the DER of the certificate extensions),
 * credentials.c (the SigV4 credentials file), sigv4.c, jwt.c and mtls.c.
 * docs/identity.md describes every format and check.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_IDENTITY_H
#define EFSGW_IDENTITY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "common.h"

/* Actions an identity's own credentials grant (elasticfilesystem:Client*). */
#define GRANT_MOUNT	0x1	/* elasticfilesystem:ClientMount */
#define GRANT_WRITE	0x2	/* elasticfilesystem:ClientWrite */
#define GRANT_ROOT	0x4	/* elasticfilesystem:ClientRootAccess */
#define GRANT_ALL	(GRANT_MOUNT | GRANT_WRITE | GRANT_ROOT)

/* The efs-utils certificate extensions (efs-utils certificate_utils). */
#define EFS_OID_ACCESS_POINT	"1.3.6.1.4.1.4843.7.1"	/* UTF8String */
#define EFS_OID_CLIENT_AUTH	"1.3.6.1.4.1.4843.7.2"	/* SigV4 SEQUENCE */
#define EFS_OID_FS_ID		"1.3.6.1.4.1.4843.7.3"	/* UTF8String */
#define EFS_OID_CLIENT_INFO	"1.3.6.1.4.1.4843.7.4"	/* SEQUENCE OF UTF8String */
/*
 * efsgw's JWT extension: a UTF8String holding a compact JWS (RFC 7515 §7.1).
 * The OID is the UUID 188544f9-7f14-444d-8e00-74470cff8fcc under the 2.25 arc
 * (ITU-T X.667 / RFC 4122 §4), which needs no registration and cannot
 * collide with anybody's assignments; docs/identity.md says why.
 */
#define EFSGW_OID_JWT	"2.25.32593446352017724704950365988992290764"

/* Limits on what a client may put in its certificate. */
#define IDENTITY_MAX_JWT	16384	/* bytes of compact JWS */
#define IDENTITY_MAX_TOKEN	8192	/* bytes of AWS session token */
#define IDENTITY_MAX_AKID	128	/* bytes of access key id */

enum identity_source {
	IDENTITY_ANONYMOUS,
	IDENTITY_JWT,
	IDENTITY_SIGV4,
	IDENTITY_MTLS
};

/* Who a client is. Plain data: copy it freely, nothing to free. */
struct identity {
	enum identity_source source;
	char		 principal[512];  /* ARN-like; "" when anonymous */
	uint32_t	 grants;	  /* GRANT_* from token claims / credentials file */
	/*
	 * The file system the credential is good for: taken from signed data
	 * only (a JWT's efsgw:fs or aud, the SigV4-signed .7.3, a CA-signed
	 * .7.3), else the listener's; "" when neither is known.
	 */
	char		 fs_id[32];
	char		 ap_id[32];	  /* efsgw:ap or .7.1; "" if none */
	/*
	 * The first second the identity no longer holds, clock skew already
	 * added (0 = never): "now >= not_after" is the one expiry rule, at
	 * connect and on every call.
	 */
	time_t		 not_after;
	char		 detail[256];	  /* for the audit log: akid, kid, subject */
};

struct identity_config;		/* identity.c, opaque */

/* ------------------------------------------------------------ identity.c */

/*
 * A new configuration with the defaults: no keys, no credentials, no client
 * CA, skew 300 s, SigV4 skew 900 s and maximum age 86400 s, time(). Never
 * NULL (xcalloc). Free with identity_config_free(), which accepts NULL.
 */
struct identity_config *identity_config_new(void);
void	 identity_config_free(struct identity_config *);

/* The region SigV4 signatures are scoped to (not in the certificate). */
int	 identity_config_set_region(struct identity_config *, const char *region,
	     char **cause);
/*
 * The file system id identity_from_cert() checks credentials against (a
 * tool's --fs; the daemon passes each listener's to identity_from_cert_for).
 */
int	 identity_config_set_fs_id(struct identity_config *, const char *fs_id,
	     char **cause);
/* Load the SigV4 credentials file (credentials.c format), replacing any. */
int	 identity_config_load_credentials(struct identity_config *,
	     const char *path, char **cause);
/* Add the RSA or EC P-256 public keys of a PEM file for RS256 / ES256. */
int	 identity_config_add_jwt_pem(struct identity_config *, const char *path,
	     char **cause);
/* Add the RSA and EC P-256 keys of a JWKS file (RFC 7517 §5). */
int	 identity_config_add_jwks(struct identity_config *, const char *path,
	     char **cause);
/* Enable HS256 with the secret in path (>= 32 bytes, mode 0600). */
int	 identity_config_set_hs256_file(struct identity_config *,
	     const char *path, char **cause);
/*
 * The issuer (iss) of the tokens the keys added after this call sign, for
 * PEM keys and JWKs without their own "iss" member, and for the HS256
 * secret. A key bound to an issuer verifies only tokens whose iss is it.
 */
int	 identity_config_set_jwt_issuer(struct identity_config *,
	     const char *iss, char **cause);
/* Refuse a configuration with JWT keys not bound to an issuer. */
int	 identity_config_check_jwt_issuers(const struct identity_config *,
	     char **cause);
/*
 * Accept tokens whose aud contains aud (at most 16 audiences); a token
 * whose aud is the listener's file system id is accepted as well.
 */
int	 identity_config_add_audience(struct identity_config *, const char *aud,
	     char **cause);
/* Refuse JWTs without a cnf binding to the certificate (default off). */
void	 identity_config_set_require_cnf(struct identity_config *, int on);
/* Clock skew allowed on exp/nbf/iat and certificate validity (default 300). */
void	 identity_config_set_skew(struct identity_config *, unsigned seconds);
/*
 * SigV4 freshness: accept sigv4DateTime from now - max_age - skew up to
 * now + skew. Defaults: skew 900 (AWS's own 15 minutes), max_age 86400 (the
 * X-Amz-Expires efs-utils signs). The certificate's notAfter (3 h after the
 * signature) usually ends the identity earlier.
 */
void	 identity_config_set_sigv4_window(struct identity_config *,
	     unsigned skew, unsigned max_age);
/* Load the client CA bundle for mTLS identities. */
int	 identity_config_load_client_ca(struct identity_config *,
	     const char *path, char **cause);
/*
 * The client CA store for SSL_CTX_set_cert_store / verification, or NULL
 * without a client CA. Borrowed until identity_config_free().
 */
X509_STORE *identity_config_client_ca(const struct identity_config *);
/* Use now() instead of time() (tests fix the time). */
void	 identity_config_set_clock(struct identity_config *, time_t (*now)(void));
/* The configured clock's current time. */
time_t	 identity_config_now(const struct identity_config *);

/*
 * Decide who the client presenting peer_cert is. verified_by_ca says that
 * OpenSSL verified the chain up to the configured client CA (see
 * mtls_verify()); a self-signed efs-utils certificate accepted through
 * X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT must pass 0. peer_cert may be NULL
 * (no certificate: anonymous). Order: JWT extension, SigV4 extension, client
 * CA, anonymous; a credential that is present but fails is refused, never
 * downgraded to the next method. Returns 0 with *out filled, or a negative
 * EFSGW_ERR_* code with *out zeroed and *cause (caller frees) starting with
 * the name of the failed check, e.g. "sigv4_signature: ...".
 */
int	 identity_from_cert(const struct identity_config *, X509 *peer_cert,
	     int verified_by_ca, struct identity *out, char **cause);
/*
 * The same for a client of a listener serving file system fs_id: every
 * credential must be bound to it (docs/security.md "Identity binding
 * rules"), and out->fs_id is fs_id on success.
 */
int	 identity_from_cert_for(const struct identity_config *,
	     X509 *peer_cert, int verified_by_ca, const char *fs_id,
	     struct identity *out, char **cause);
/* "anonymous", "jwt", "sigv4" or "mtls". */
const char *identity_source_name(enum identity_source);
/* Format grants as "ClientMount,ClientWrite,ClientRootAccess" into buf. */
const char *identity_grants_string(uint32_t grants, char *buf, size_t len);
/*
 * Parse an action name: "ClientMount" or "elasticfilesystem:ClientMount"
 * (and Write, RootAccess), "elasticfilesystem:*" or "*" for all. Returns 0
 * and ORs the grant into *grants, or EFSGW_ERR_BAD_VALUE.
 */
int	 identity_parse_action(const char *name, uint32_t *grants);
/* Make a failure cause "check: message" (caller frees); returns r. */
int	 identity_fail(char **cause, int r, const char *check, const char *fmt,
	     ...) __attribute__((format(printf, 4, 5)));

/* ------------------------------------------------------------ certext.c */

/* The decoded .7.2 efs_client_auth extension. */
struct certext_efs_auth {
	char	 akid[IDENTITY_MAX_AKID + 1];
	char	 signature[65];		/* 64 lowercase hex + NUL */
	char	 utctime[14];		/* YYMMDDHHMMSSZ as in the certificate */
	time_t	 date;			/* the same instant */
	char	*token;			/* NULL if absent; freed by _clear */
};

/*
 * Find the single extension oid (dotted text) in cert. Returns 0 with *datap
 * and *lenp pointing at the extnValue contents (borrowed from cert),
 * EFSGW_ERR_NOT_FOUND when absent, EFSGW_ERR_TOO_MANY when repeated
 * (RFC 5280 §4.2 allows one instance).
 */
int	 certext_find(X509 *cert, const char *oid, const unsigned char **datap,
	     size_t *lenp);
/*
 * Decode an extension holding one UTF8String of printable ASCII shorter
 * than len into buf. EFSGW_ERR_NOT_FOUND when absent, other negative codes
 * (with *cause) when malformed.
 */
int	 certext_utf8(X509 *cert, const char *oid, char *buf, size_t len,
	     char **cause);
/* The same for the JWT extension: *tokenp is allocated (caller frees). */
int	 certext_jwt(X509 *cert, char **tokenp, char **cause);
/* Decode the .7.2 extension strictly; clear with certext_efs_auth_clear(). */
int	 certext_efs_auth(X509 *cert, struct certext_efs_auth *auth,
	     char **cause);
void	 certext_efs_auth_clear(struct certext_efs_auth *auth);
/*
 * Decode .7.4 (SEQUENCE OF UTF8String) into "v1, v2" (escaped) in buf.
 * Informational only: the watchdog adds a leading space to each value.
 */
int	 certext_client_info(X509 *cert, char *buf, size_t len, char **cause);
/*
 * Add the JWT extension holding token to cert (not critical), replacing
 * one already there. For efsgw-mount and tests; sign the cert afterwards.
 */
int	 certext_add_jwt(X509 *cert, const char *token, char **cause);
/*
 * PublicKeyHash as efs-utils computes it: SHA-1 of the subjectPublicKey BIT
 * STRING contents after the unused-bits octet (for RSA the DER
 * RSAPublicKey), as 40 lowercase hex characters into hex[41].
 */
int	 certext_public_key_hash(X509 *cert, char hex[41]);
/* Convert an ASN1_TIME to time_t. */
int	 certext_time(const ASN1_TIME *t, time_t *out);
/* Check that cert's own public key verifies its signature (self-signed). */
int	 certext_self_signed_ok(X509 *cert);

/* ------------------------------------------------------------ credentials.c */

struct credentials;		/* the SigV4 credentials file, opaque */

/* One access key's entry. Borrowed from struct credentials. */
struct credential {
	char		*akid;
	char		*secret;
	char		*principal;
	char		*session_token;	/* NULL: any (signed) token accepted */
	uint32_t	 grants;
};

/*
 * Parse the JSON text of a credentials file (name for messages). Returns 0
 * and *credsp (caller frees with credentials_free), or a negative code and
 * *cause "name: ..." (with line:column for syntax errors; caller frees).
 */
int	 credentials_parse(const char *name, const char *text,
	     struct credentials **credsp, char **cause);
/* Load path, refusing a file readable by group or others. */
int	 credentials_load(const char *path, struct credentials **credsp,
	     char **cause);
void	 credentials_free(struct credentials *);
/* Look up an access key id; NULL if unknown. */
const struct credential *credentials_find(const struct credentials *,
	     const char *akid);
size_t	 credentials_count(const struct credentials *);

/* ------------------------------------------------------------ sigv4.c */

/* What sigv4_verify() needs from the configuration. */
struct sigv4_params {
	const struct credentials *creds;
	const char	*region;
	time_t		 now;
	unsigned	 skew;
	unsigned	 max_age;
};

/*
 * Verify cert's .7.2 extension (AWS SigV4 query signing, service
 * elasticfilesystem, host = fs_id) and fill out's principal, grants,
 * not_after and detail. Does not check the X.509 signature or validity
 * (identity.c does). Returns 0 or a negative code with *cause.
 */
int	 sigv4_verify(const struct sigv4_params *, X509 *cert,
	     const char *fs_id, struct identity *out, char **cause);
/*
 * Compute the efs-utils signature (64 lowercase hex into sig[65]) for the
 * given inputs; canonical, if not NULL, gets the canonical request (caller
 * frees). token may be NULL. For sigv4_verify() and tests.
 */
int	 sigv4_sign(const char *secret, const char *akid, const char *region,
	     const char *fs_id, const char *pubkey_hash, const char *amz_date,
	     const char *token, char sig[65], char **canonical);
/* Append quote_plus(s) (Python urllib.parse) into buf; -1 if too long. */
int	 sigv4_quote_plus(const char *s, char *buf, size_t len);

/* ------------------------------------------------------------ jwt.c */

struct jwt_verifier;		/* keys, audiences, policy; opaque */

struct jwt_verifier *jwt_verifier_new(void);
void	 jwt_verifier_free(struct jwt_verifier *);
/* Add keys; see identity_config_add_jwt_pem/jwks/hs256_file. */
int	 jwt_verifier_add_pem(struct jwt_verifier *, const char *path,
	     char **cause);
int	 jwt_verifier_add_pem_text(struct jwt_verifier *, const char *name,
	     const char *pem, size_t len, char **cause);
int	 jwt_verifier_add_jwks(struct jwt_verifier *, const char *path,
	     char **cause);
int	 jwt_verifier_add_jwks_text(struct jwt_verifier *, const char *name,
	     const char *text, char **cause);
int	 jwt_verifier_set_hs256(struct jwt_verifier *, const unsigned char *key,
	     size_t len, char **cause);
int	 jwt_verifier_add_audience(struct jwt_verifier *, const char *aud,
	     char **cause);
/* See identity_config_set_jwt_issuer(). */
int	 jwt_verifier_set_issuer(struct jwt_verifier *, const char *iss,
	     char **cause);
/* How many keys (the HS256 secret included) are bound to no issuer. */
size_t	 jwt_verifier_unbound_keys(const struct jwt_verifier *);
void	 jwt_verifier_set_require_cnf(struct jwt_verifier *, int on);
size_t	 jwt_verifier_nkeys(const struct jwt_verifier *);
/*
 * Read an HS256 secret file: its bytes less one trailing newline, at least
 * 32 of them (RFC 7518 §3.2). *keyp is allocated (caller cleanses, frees).
 */
int	 jwt_read_secret(const char *path, unsigned char **keyp, size_t *lenp,
	     char **cause);
/*
 * Split and decode a compact JWS without verifying it (for inspection and
 * before verification): header and claims as new jansson objects (caller
 * decrefs). Rejects anything but three base64url parts of bounded size.
 */
int	 jwt_decode_unverified(const char *token, json_t **headerp,
	     json_t **claimsp, char **cause);
/*
 * Verify the signature of token with a key of the verifier whose type
 * matches the token's alg (RS256 = RSA, ES256 = EC P-256, HS256 = the
 * configured secret; anything else, "none" included, is refused). A kid
 * names the key; a kid naming no configured key is refused. On
 * success *claimsp (may be NULL) gets the claims and *kidp (may be NULL) a
 * pointer to the key id used (borrowed from the verifier, "" if none).
 */
int	 jwt_verify_signature(const struct jwt_verifier *, const char *token,
	     json_t **claimsp, const char **kidp, char **cause);
/*
 * Full JWT identity check: signature, iss against the key's issuer,
 * exp/nbf/iat against now with skew, aud (one of ours, or fs_id), cnf
 * binding to cert (when present or required) and the claims into out
 * (principal, grants, fs_id from efsgw:fs or from aud naming fs_id, ap_id,
 * not_after, detail). fs_id (the listener's file system) may be NULL.
 */
int	 jwt_verify(const struct jwt_verifier *, const char *token, X509 *cert,
	     const char *fs_id, time_t now, unsigned skew, struct identity *out,
	     char **cause);
/* base64url (RFC 4648 §5, no padding) of SHA-256 of cert's DER. */
int	 jwt_cert_x5t_s256(X509 *cert, char *buf, size_t len);
/* RFC 7638 JWK thumbprint (base64url) of a public key (RSA or EC P-256). */
int	 jwt_pkey_jkt(EVP_PKEY *pk, char *buf, size_t len);
/* The same for cert's public key. */
int	 jwt_cert_jkt(X509 *cert, char *buf, size_t len);

/* ------------------------------------------------------------ mtls.c */

/* Load a PEM CA bundle into a new store (caller X509_STORE_free()s). */
int	 mtls_load_ca(const char *path, X509_STORE **storep, char **cause);
/*
 * Verify cert (plus untrusted intermediates chain, may be NULL) against
 * store at time now for TLS client use. Returns 0 or EFSGW_ERR_BAD_VALUE
 * with the OpenSSL reason in *cause.
 */
int	 mtls_verify(X509_STORE *store, X509 *cert, STACK_OF(X509) *chain,
	     time_t now, char **cause);
/* The principal of a CA-issued cert: its first SAN URI, else SAN DNS name. */
int	 mtls_identity(X509 *cert, struct identity *out, char **cause);
/*
 * Check that every SAN URI of cert naming an EFS file system (an ARN
 * "...:file-system/fs-...") names fs_id. 0, or EFSGW_ERR_BAD_VALUE with
 * *cause "mtls_fs: ...".
 */
int	 mtls_check_fs(X509 *cert, const char *fs_id, char **cause);

#endif /* EFSGW_IDENTITY_H */
