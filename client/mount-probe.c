/*
 * efsgw - mount-probe: reach the gateway once, in the foreground, before
 * mount(8) runs. mount.nfs retries a dead server for minutes and the
 * tunnel's errors go to syslog, so a wrong name, an unreachable gateway or
 * a certificate that does not verify would otherwise look like a hang.
 * The probe resolves, connects and (with tls) completes a handshake with
 * the mount's own certificate, verifying the gateway's name, all within
 * one time limit, and says which step failed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "common.h"
#include "client.h"

/* Connect fd to ss within ms milliseconds; 0 or an errno value. */
static int
probe_connect(int fd, const struct sockaddr_storage *ss, socklen_t len, int ms)
{
	struct pollfd pfd = { fd, POLLOUT, 0 };
	socklen_t el = sizeof(int);
	int flags, err = 0, n;

	flags = fcntl(fd, F_GETFL);
	(void)fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, (const struct sockaddr *)ss, len) != 0) {
		if (errno != EINPROGRESS)
			return errno;
		do
			n = poll(&pfd, 1, ms);
		while (n == -1 && errno == EINTR);
		if (n == 0)
			return ETIMEDOUT;
		if (n < 0)
			return errno;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0)
			return errno;
		if (err != 0)
			return err;
	}
	(void)fcntl(fd, F_SETFL, flags);
	return 0;
}

/* A TLS handshake on fd, verifying the gateway's certificate and name. */
static int
probe_tls(const struct mount_opts *mo, int fd, const char *where, int secs,
    char **cause)
{
	struct timeval tv = { secs, 0 };
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	char *token = NULL, *name, buf[256];
	unsigned long e;
	long vr;
	int r = -1;

	name = mount_opts_verify_name(mo);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (mount_cert_key(mo, &key, cause) != 0 ||
	    mount_token_read(mo, &token, cause) != 0 ||
	    mount_cert_build(mo, key, token, time(NULL), &cert, cause) != 0 ||
	    (ctx = mount_tunnel_new_ctx(mo, cert, key, cause)) == NULL)
		goto out;
	if ((ssl = SSL_new(ctx)) == NULL ||
	    SSL_set_tlsext_host_name(ssl, name) != 1 ||
	    SSL_set1_host(ssl, name) != 1 || SSL_set_fd(ssl, fd) != 1) {
		xasprintf(cause, "TLS set-up failed");
		goto out;
	}
	if (SSL_connect(ssl) == 1) {
		r = 0;
		goto out;
	}
	if ((vr = SSL_get_verify_result(ssl)) != X509_V_OK)
		xasprintf(cause, "gateway %s: certificate verification failed: "
		    "%s (expected name %s; see cafile=, verifyname=, region=)",
		    where, X509_verify_cert_error_string(vr), name);
	else if ((e = ERR_peek_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof buf);
		xasprintf(cause, "gateway %s: TLS handshake failed: %s", where,
		    buf);
	} else
		xasprintf(cause, "gateway %s: TLS handshake failed: %s", where,
		    errno == EAGAIN || errno == EWOULDBLOCK ? "no answer "
		    "within the time limit (is it a TLS listener?)" :
		    errno != 0 ? strerror(errno) : "connection closed (is it "
		    "a TLS listener?)");
out:
	ERR_clear_error();
	if (ssl != NULL) {
		(void)SSL_shutdown(ssl);
		SSL_free(ssl);
	}
	SSL_CTX_free(ctx);
	X509_free(cert);
	EVP_PKEY_free(key);
	if (token != NULL) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	free(name);
	return r;
}

/* Resolve, connect and (tls) handshake within timeout_s. */
int
mount_tunnel_probe(const struct mount_opts *mo, int timeout_s, char **cause)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char where[300];
	time_t t0 = time(NULL);
	int fd, err, r = 0, left;

	*cause = NULL;
	if (mount_tunnel_resolve_addr(mo, &ss, &len, where, sizeof where,
	    cause) != 0)
		return -1;
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return -1;
	}
	if ((err = probe_connect(fd, &ss, len, timeout_s * 1000)) != 0) {
		xasprintf(cause, "cannot connect to the gateway %s: %s%s", where,
		    strerror(err), err == ETIMEDOUT ? " (after the time limit; "
		    "a firewall, or the wrong mounttargetip=?)" : "");
		close(fd);
		return -1;
	}
	left = timeout_s - (int)(time(NULL) - t0);
	if (mo->tls)
		r = probe_tls(mo, fd, where, left > 1 ? left : 1, cause);
	close(fd);
	return r;
}
