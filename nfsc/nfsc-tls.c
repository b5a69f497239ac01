/*
 * efsgw - nfsc-tls: the test client's TLS transport (RFC 8446 / RFC 5246,
 * OpenSSL 3). nfsc-conn.c keeps owning the socket, the record marking and
 * every wait; this file only turns its read()/writev() into SSL_read() /
 * SSL_write() on the same non-blocking descriptor and tells it what to
 * poll for. The server is verified only when a CA file is given (tests
 * use throwaway certificates); a client certificate is presented when one
 * is given, which is how efsgw learns a client's identity.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "nfsc-int.h"

/*
 * SSL_write() of at most this much: one TLS record (RFC 8446 §5.1), so
 * the 4-byte record mark and the RPC header share a record with the data
 * instead of each costing a record of their own.
 */
#define NFSC_TLS_CHUNK		16384

struct nfsc_tls {
	SSL_CTX		*ctx;
	SSL		*ssl;
	short		 want;		/* POLLIN / POLLOUT the last call needs */
	uint8_t		 out[NFSC_TLS_CHUNK];
};

/* Format OpenSSL's error queue (or what) into errbuf and clear the queue. */
static void
nfsc_tls_error(char *errbuf, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	char reason[256];

	if (e == 0)
		snprintf(errbuf, errlen, "%s", what);
	else {
		ERR_error_string_n(e, reason, sizeof reason);
		snprintf(errbuf, errlen, "%s: %s", what, reason);
	}
	ERR_clear_error();
}

/* Build the context: TLS 1.2+, verification and client certificate. */
static int
nfsc_tls_context(const struct nfsc_opts *o, SSL_CTX **ctxp, char *errbuf,
    size_t errlen)
{
	SSL_CTX *ctx;

	*ctxp = NULL;
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		nfsc_tls_error(errbuf, errlen, "SSL_CTX_new");
		return EFSGW_ERR_NOMEM;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Retrying a WANT_WRITE with a re-copied buffer is fine (see writev). */
	SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (o->cafile != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, o->cafile, NULL) != 1) {
			nfsc_tls_error(errbuf, errlen, o->cafile);
			goto fail;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	} else
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (o->cert != NULL) {
		if (SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1) {
			nfsc_tls_error(errbuf, errlen, o->cert);
			goto fail;
		}
		if (SSL_CTX_use_PrivateKey_file(ctx, o->key != NULL ? o->key :
		    o->cert, SSL_FILETYPE_PEM) != 1) {
			nfsc_tls_error(errbuf, errlen, o->key != NULL ? o->key :
			    o->cert);
			goto fail;
		}
		if (SSL_CTX_check_private_key(ctx) != 1) {
			nfsc_tls_error(errbuf, errlen, "client key does not match "
			    "the certificate");
			goto fail;
		}
	} else if (o->key != NULL) {
		snprintf(errbuf, errlen, "a client key needs a certificate too");
		goto fail;
	}
	*ctxp = ctx;
	return 0;
fail:
	SSL_CTX_free(ctx);
	return EFSGW_ERR_BAD_VALUE;
}

/* Run the handshake on the connected socket within deadline_ms. */
int
nfsc_tls_start(struct nfsc *clnt, int64_t deadline_ms, char *errbuf,
    size_t errlen)
{
	const struct nfsc_opts *o = &clnt->opts;
	struct nfsc_tls *t;
	struct pollfd pfd;
	int64_t left;
	long vr;
	int r, e;

	if ((t = calloc(1, sizeof *t)) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return EFSGW_ERR_NOMEM;
	}
	if ((r = nfsc_tls_context(o, &t->ctx, errbuf, errlen)) != 0)
		goto fail;
	r = EFSGW_ERR_BAD_VALUE;
	if ((t->ssl = SSL_new(t->ctx)) == NULL ||
	    SSL_set_fd(t->ssl, clnt->fd) != 1) {
		nfsc_tls_error(errbuf, errlen, "SSL_new");
		goto fail;
	}
	if (o->servername != NULL) {
		/* SNI (RFC 6066 §3) and, when verifying, RFC 6125 name checks. */
		if (SSL_set_tlsext_host_name(t->ssl, o->servername) != 1 ||
		    (o->cafile != NULL && SSL_set1_host(t->ssl,
		    o->servername) != 1)) {
			nfsc_tls_error(errbuf, errlen, "server name");
			goto fail;
		}
	}
	for (;;) {
		ERR_clear_error();
		if ((r = SSL_connect(t->ssl)) == 1)
			break;
		e = SSL_get_error(t->ssl, r);
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
			vr = SSL_get_verify_result(t->ssl);
			if (vr != X509_V_OK)
				snprintf(errbuf, errlen, "TLS handshake: server "
				    "certificate: %s", X509_verify_cert_error_string(vr));
			else if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
				snprintf(errbuf, errlen, "TLS handshake: %s",
				    errno != 0 ? strerror(errno) :
				    "server closed the connection");
			else
				nfsc_tls_error(errbuf, errlen, "TLS handshake");
			r = EFSGW_ERR_SYSTEM;
			goto fail;
		}
		left = deadline_ms - mono_ms();
		if (left <= 0) {
			snprintf(errbuf, errlen, "TLS handshake timed out");
			r = EFSGW_ERR_SYSTEM;
			goto fail;
		}
		pfd.fd = clnt->fd;
		pfd.events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		pfd.revents = 0;
		if (poll(&pfd, 1, (int)left) == -1 && errno != EINTR) {
			snprintf(errbuf, errlen, "poll: %s", strerror(errno));
			r = EFSGW_ERR_SYSTEM;
			goto fail;
		}
	}
	clnt->tls = t;
	return 0;
fail:
	nfsc_tls_free(t);
	return r;
}

/* Map an SSL_read/SSL_write failure to read(2)-style errno. */
static ssize_t
nfsc_tls_failed(struct nfsc *clnt, int ret)
{
	struct nfsc_tls *t = clnt->tls;
	char buf[256];
	int e = SSL_get_error(t->ssl, ret);

	switch (e) {
	case SSL_ERROR_WANT_READ:
		t->want = POLLIN;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_WRITE:
		t->want = POLLOUT;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;	/* close_notify: a clean end of stream */
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() == 0) {
			if (errno == 0)
				errno = ECONNRESET;	/* EOF without close_notify */
			return -1;
		}
		/* FALLTHROUGH */
	default:
		nfsc_tls_error(buf, sizeof buf, "TLS");
		nfsc_fail(clnt, EFSGW_ERR_SYSTEM, "%s", buf);
		errno = EPROTO;
		return -1;
	}
}

/* Read decrypted bytes. */
ssize_t
nfsc_tls_read(struct nfsc *clnt, void *buf, size_t len)
{
	int n;

	if (len > INT32_MAX)
		len = INT32_MAX;
	ERR_clear_error();
	errno = 0;
	clnt->tls->want = 0;
	if ((n = SSL_read(clnt->tls->ssl, buf, (int)len)) > 0)
		return n;
	return nfsc_tls_failed(clnt, n);
}

/*
 * Write the front of iov. A retry after EAGAIN must offer the same bytes
 * (OpenSSL's rule for retrying SSL_write), which holds because the caller
 * rebuilds iov from the same unwritten position and we copy the same
 * min(NFSC_TLS_CHUNK, rest) bytes again.
 */
ssize_t
nfsc_tls_writev(struct nfsc *clnt, const struct iovec *iov, int iovcnt)
{
	struct nfsc_tls *t = clnt->tls;
	size_t len = 0, k;
	int i, n;

	for (i = 0; i < iovcnt && len < sizeof t->out; i++) {
		k = iov[i].iov_len;
		if (k > sizeof t->out - len)
			k = sizeof t->out - len;
		memcpy(t->out + len, iov[i].iov_base, k);
		len += k;
	}
	if (len == 0)
		return 0;
	ERR_clear_error();
	errno = 0;
	t->want = 0;
	if ((n = SSL_write(t->ssl, t->out, (int)len)) > 0)
		return n;
	return nfsc_tls_failed(clnt, n);
}

/* What poll() must wait for: the caller's want plus what OpenSSL needs. */
short
nfsc_tls_events(const struct nfsc *clnt, short want)
{
	if (clnt->tls == NULL)
		return want;
	return want | clnt->tls->want;
}

/* Bytes OpenSSL has already read from the socket but not handed out. */
int
nfsc_tls_pending(const struct nfsc *clnt)
{
	return clnt->tls != NULL && SSL_has_pending(clnt->tls->ssl);
}

/* Free the TLS state, trying one close_notify first. */
void
nfsc_tls_free(struct nfsc_tls *t)
{
	if (t == NULL)
		return;
	if (t->ssl != NULL) {
		if (SSL_is_init_finished(t->ssl))
			(void)SSL_shutdown(t->ssl);	/* non-blocking: best effort */
		SSL_free(t->ssl);
	}
	SSL_CTX_free(t->ctx);
	ERR_clear_error();
	free(t);
}
