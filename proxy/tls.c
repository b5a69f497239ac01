/*
 * efsgw - TLS for mount targets. One SSL_CTX per TLS listener and config
 * generation: TLS 1.2 and 1.3 only, forward-secret AEAD suites only, the
 * server certificate of the listener (or of its file system), session
 * resumption (TLS 1.3 tickets, a session cache for 1.2), and client
 * certificates requested but not required: a client proves who it is with
 * the extensions of a certificate it made itself (efs-utils, efsgw-mount)
 * or with one chained to the configured client CA, and anonymous clients
 * are left to the file-system policy. The verify callback therefore never
 * fails the handshake; it records whether the chain verified against the
 * client CA, and auth/identity.c decides what the certificate is worth
 * (it checks a self-signed certificate's own signature itself).
 *
 * A resumed handshake runs no verification, yet the session still holds
 * the peer's certificate: the verdict is stored in the session too, as its
 * ticket app data ("1": the chain verified), which OpenSSL keeps with a
 * cached session and encrypts into TLS 1.2 and 1.3 tickets, so a resumed
 * client-CA client keeps its identity instead of becoming anonymous. A
 * client cannot forge it: tickets are sealed with the listener's ticket
 * keys, which each configuration generation makes anew (a reload that
 * changes the client CA ends every earlier session).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "identity.h"
#include "proxy.h"

/* TLS 1.2 suites: ECDHE with AES-GCM or ChaCha20-Poly1305 only. */
#define TLS_CIPHERS_12 "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

/*
 * TLS 1.3 suites in the server's order of preference. AES-128-GCM first:
 * the suite every TLS 1.3 peer implements (RFC 8446 section 9.1), and with
 * 10 AES rounds instead of 14 it encrypts about 1.9x as fast as
 * AES-256-GCM here (openssl speed, 16 KiB blocks: 4.7 against 2.5 GB/s),
 * which on a busy gateway is CPU for the clients and the server.
 */
#define TLS_CIPHERS_13 "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:" \
	"TLS_CHACHA20_POLY1305_SHA256"

static int tls_ex_index = -1;

/* Per-connection verification result, kept in the SSL's ex data. */
struct tls_verify_state {
	int		 seen;		/* the callback ran */
	int		 failed;	/* some depth did not verify */
};

/* Keep the verdict with the session, for its resumptions. */
static void
tls_session_mark(SSL_SESSION *sess, const char *verdict)
{
	if (sess != NULL)
		SSL_SESSION_set1_ticket_appdata(sess, verdict, 1);
}

/* The verdict a resumed session carries: 1 if the chain had verified. */
static int
tls_session_verified(const SSL_SESSION *sess)
{
	void *data = NULL;
	size_t len = 0;

	if (sess == NULL || !SSL_SESSION_get0_ticket_appdata(
	    (SSL_SESSION *)(uintptr_t)sess, &data, &len))
		return 0;
	return len == 1 && *(const char *)data == '1';
}

/* Record the chain's verdict; never fail the handshake (see above). */
static int
tls_verify_cb(int preverify_ok, X509_STORE_CTX *xctx)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xctx,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls_verify_state *vs;

	if (ssl == NULL || tls_ex_index < 0)
		return 1;
	if ((vs = SSL_get_ex_data(ssl, tls_ex_index)) == NULL) {
		if ((vs = calloc(1, sizeof *vs)) == NULL)
			return 0;
		SSL_set_ex_data(ssl, tls_ex_index, vs);
	}
	vs->seen = 1;
	if (!preverify_ok)
		vs->failed = 1;
	tls_session_mark(SSL_get_session(ssl), vs->failed ? "0" : "1");
	return 1;
}

/* Free the verify state with the SSL. */
static void
tls_ex_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
    void *argp)
{
	free(ptr);
}

/* Build the SSL_CTX of a TLS listener; 0 or a code with *cause. */
int
tls_listener_ctx(const struct config *c, struct config_listener *l,
    char **cause)
{
	const char *cert = l->tls_cert, *key = l->tls_key;
	static const unsigned char sid_ctx[] = "efsgw";
	SSL_CTX *ctx;
	X509_STORE *store;
	unsigned long e;
	char buf[256];

	*cause = NULL;
	if (tls_ex_index < 0)
		tls_ex_index = SSL_get_ex_new_index(0, NULL, NULL, NULL,
		    tls_ex_free);
	if (cert == NULL) {
		cert = l->fs->tls_cert;
		key = l->fs->tls_key;
	}
	if (cert == NULL || key == NULL) {
		xasprintf(cause, "listener %s: tls needs tls-cert and tls-key (on "
		    "the listener or its file system)", l->name);
		return EFSGW_ERR_NOT_FOUND;
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		goto ssl_error;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (SSL_CTX_set_cipher_list(ctx, TLS_CIPHERS_12) != 1 ||
	    SSL_CTX_set_ciphersuites(ctx, TLS_CIPHERS_13) != 1)
		goto ssl_error;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		e = ERR_get_error();
		ERR_error_string_n(e, buf, sizeof buf);
		xasprintf(cause, "listener %s: certificate %s: %s", l->name, cert,
		    buf);
		SSL_CTX_free(ctx);
		return EFSGW_ERR_BAD_VALUE;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		e = ERR_get_error();
		ERR_error_string_n(e, buf, sizeof buf);
		xasprintf(cause, "listener %s: key %s: %s", l->name, key, buf);
		SSL_CTX_free(ctx);
		return EFSGW_ERR_BAD_VALUE;
	}
	/* Resumption: 1.3 tickets are on by default; a cache for 1.2. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof sid_ctx - 1);
	/* Idle connections give their read/write buffers back (10,000 clients). */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE,
	    tls_verify_cb);
	if (c->idcfg != NULL &&
	    (store = identity_config_client_ca(c->idcfg)) != NULL)
		SSL_CTX_set1_verify_cert_store(ctx, store);
	l->ssl_ctx = ctx;
	return 0;
ssl_error:
	e = ERR_get_error();
	ERR_error_string_n(e, buf, sizeof buf);
	xasprintf(cause, "listener %s: TLS setup: %s", l->name, buf);
	SSL_CTX_free(ctx);
	return EFSGW_ERR_SYSTEM;
}

void
tls_ctx_free(struct ssl_ctx_st *ctx)
{
	SSL_CTX_free(ctx);
}

/* Did the client's chain verify against the client CA? */
int
tls_peer_verified(const struct ssl_st *ssl)
{
	struct tls_verify_state *vs;

	if (tls_ex_index < 0)
		return 0;
	if (SSL_session_reused((SSL *)(uintptr_t)ssl))
		return tls_session_verified(SSL_get_session(ssl));
	vs = SSL_get_ex_data(ssl, tls_ex_index);
	return vs != NULL && vs->seen && !vs->failed &&
	    SSL_get_verify_result(ssl) == X509_V_OK;
}

/* Describe the last TLS error for a log line. */
const char *
tls_error_string(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	if (e == 0)
		snprintf(buf, len, "connection closed during the handshake");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}
