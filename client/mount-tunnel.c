/*
 * efsgw - mount-tunnel: the local TLS tunnel, efsgw-mount's stunnel. It
 * accepts the local NFS client's connections on 127.0.0.1 and forwards
 * each over its own TLS 1.2/1.3 connection to the gateway (one TCP
 * connection in, one out, so NFSv4.1 sessions and the backchannel stay
 * intact), presenting the per-mount certificate and verifying the
 * gateway's against the CA file and the file system's DNS name (SNI plus
 * RFC 6125 host check). The certificate is renewed on a timer and when the
 * token file rotates by swapping in a new SSL_CTX: new connections use it,
 * open ones keep theirs (each SSL holds a reference to its context).
 * Byte forwarding follows libevent's le-proxy: a peer's output above a
 * watermark stops reading from the other side until it drains.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "bev-read.h"
#include "bev-write.h"
#include "common.h"
#include "client.h"

#define TUNNEL_HIGH_WATER	(4 * 1024 * 1024)	/* bytes queued to one peer */
#define TUNNEL_SINGLE_IO	(256 * 1024)	/* bytes per read/write callback */
#define TUNNEL_LIBEVENT_READ	4096	/* libevent 2.1's read per pass */
#define TUNNEL_TLS_RECORD	(16 * 1024)	/* a full TLS record's plaintext */
#define TUNNEL_HANDSHAKE_S	30	/* TCP connect + TLS handshake limit */
#define TUNNEL_CHECK_S		60	/* renewal timer period, at most */
#define TUNNEL_RETRY_S		60	/* next try after a failed renewal */

struct mount_tunnel {
	const struct mount_opts *mo;
	struct event_base	*base;
	struct evconnlistener	*lev;
	struct event		*ev_term, *ev_int, *ev_renew;
	SSL_CTX			*ctx;		/* for new connections */
	EVP_PKEY		*key;
	char			*verifyname;
	const char		*certpath;
	struct sockaddr_storage	 target;
	socklen_t		 targetlen;
	char			 targetstr[64];
	time_t			 next_renew;
	time_t			 cert_expires;
	unsigned long long	 token_stamp;
	unsigned long		 nextid;
	int			 nconns;
};

/* One local connection and its TLS connection to the gateway. */
struct mount_tunnel_conn {
	struct mount_tunnel	*tn;
	unsigned long		 id;
	struct bufferevent	*local;
	struct bufferevent	*remote;
};

static void mount_tunnel_readcb(struct bufferevent *, void *);
static void mount_tunnel_drainedcb(struct bufferevent *, void *);
static void mount_tunnel_eventcb(struct bufferevent *, short, void *);

/* Resolve the gateway: mounttargetip (v4 or v6), else its DNS name. */
int
mount_tunnel_resolve_addr(const struct mount_opts *mo,
    struct sockaddr_storage *ss, socklen_t *lenp, char *str, size_t strlen_,
    char **cause)
{
	struct addrinfo hints, *res = NULL;
	char *dns, port[8];
	int r;

	*cause = NULL;
	snprintf(port, sizeof port, "%d", mo->target_port);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (mo->target_ip != NULL) {
		hints.ai_flags = AI_NUMERICHOST;
		if ((r = getaddrinfo(mo->target_ip, port, &hints, &res)) != 0 ||
		    res == NULL) {
			xasprintf(cause, "mounttargetip=%s: bad address: %s",
			    mo->target_ip, gai_strerror(r));
			return -1;
		}
		snprintf(str, strlen_, strchr(mo->target_ip, ':') != NULL ?
		    "[%s]:%d" : "%s:%d", mo->target_ip, mo->target_port);
	} else {
		dns = mount_opts_dns_name(mo);
		if ((r = getaddrinfo(dns, port, &hints, &res)) != 0 ||
		    res == NULL) {
			xasprintf(cause, "cannot resolve %s: %s (check region= "
			    "and dnssuffix=, or give mounttargetip=)", dns,
			    gai_strerror(r));
			free(dns);
			return -1;
		}
		snprintf(str, strlen_, "%s:%d", dns, mo->target_port);
		free(dns);
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*lenp = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* Resolve the tunnel's gateway once, when the worker starts. */
static int
mount_tunnel_resolve(struct mount_tunnel *tn, char **cause)
{
	return mount_tunnel_resolve_addr(tn->mo, &tn->target, &tn->targetlen,
	    tn->targetstr, sizeof tn->targetstr, cause);
}

/* The first queued OpenSSL error as text (static buffer), queue cleared. */
static const char *
mount_tunnel_ssl_error(void)
{
	static char buf[256];
	unsigned long e = ERR_get_error();

	if (e == 0)
		snprintf(buf, sizeof buf, "unknown TLS error");
	else
		ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	return buf;
}

/*
 * A client context: TLS 1.2+, the CA file/directory (or the system's
 * store), peer verification, and the mount's certificate and key.
 */
SSL_CTX *
mount_tunnel_new_ctx(const struct mount_opts *mo, X509 *cert, EVP_PKEY *key,
    char **cause)
{
	SSL_CTX *ctx;
	int ok;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		xasprintf(cause, "SSL_CTX_new: %s", mount_tunnel_ssl_error());
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (mo->cafile != NULL || mo->capath != NULL)
		ok = SSL_CTX_load_verify_locations(ctx, mo->cafile, mo->capath);
	else
		ok = SSL_CTX_set_default_verify_paths(ctx);
	if (ok != 1) {
		xasprintf(cause, "%s: %s", mo->cafile != NULL ? mo->cafile :
		    mo->capath != NULL ? mo->capath : "system CA store",
		    mount_tunnel_ssl_error());
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_use_certificate(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		xasprintf(cause, "client certificate: %s",
		    mount_tunnel_ssl_error());
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* Log OpenSSL's queued errors at warn level, then clear the queue. */
static void
mount_tunnel_log_ssl(const char *what)
{
	unsigned long e;
	char buf[256];
	int n = 0;

	while ((e = ERR_get_error()) != 0 && n++ < 4) {
		ERR_error_string_n(e, buf, sizeof buf);
		log_warn("%s: %s", what, buf);
	}
	ERR_clear_error();
}

/*
 * Make a certificate from a fresh token and a context around it, and
 * swap it in. On failure the old context stays (the gateway decides
 * whether an older certificate is still good enough).
 */
static int
mount_tunnel_renew(struct mount_tunnel *tn)
{
	const struct mount_opts *mo = tn->mo;
	SSL_CTX *ctx = NULL;
	X509 *cert = NULL;
	char *token = NULL, *cause = NULL;
	time_t now = time(NULL);
	int r = -1;

	tn->token_stamp = mount_token_stamp(mo);
	if (mount_token_read(mo, &token, &cause) != 0 ||
	    mount_cert_build(mo, tn->key, token, now, &cert, &cause) != 0) {
		log_warn("certificate renewal failed: %s", cause);
		goto out;
	}
	if ((ctx = mount_tunnel_new_ctx(mo, cert, tn->key, &cause)) == NULL) {
		log_warn("%s", cause);
		goto out;
	}
	if (tn->certpath != NULL && mount_cert_write(cert, tn->certpath,
	    &cause) != 0)
		log_warn("%s", cause);	/* informational copy only */
	SSL_CTX_free(tn->ctx);
	tn->ctx = ctx;
	ctx = NULL;
	tn->cert_expires = now + MOUNT_CERT_NOT_AFTER;
	tn->next_renew = now + mo->renew;
	log_info("client certificate renewed (valid until +%ds, token %s, "
	    "next renewal in %ds)", MOUNT_CERT_NOT_AFTER, token != NULL ?
	    "included" : "none", mo->renew);
	r = 0;
out:
	free(cause);
	if (token != NULL) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	X509_free(cert);
	SSL_CTX_free(ctx);
	return r;
}

/* Timer: renew when due, or early when the token file was rotated. */
static void
mount_tunnel_renew_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mount_tunnel *tn = arg;
	time_t now = time(NULL);
	unsigned long long stamp = mount_token_stamp(tn->mo);

	if (now < tn->next_renew && stamp == tn->token_stamp)
		return;
	if (stamp != tn->token_stamp)
		log_info("token file %s changed", tn->mo->token_file);
	if (mount_tunnel_renew(tn) != 0) {
		tn->next_renew = now + TUNNEL_RETRY_S;
		if (now >= tn->cert_expires)
			log_error("client certificate expired and cannot be "
			    "renewed; the gateway will refuse new connections");
	}
}

/* Free one side of a pair; the pair goes when both sides are gone. */
static void
mount_tunnel_close_side(struct mount_tunnel_conn *c, struct bufferevent *bev)
{
	if (bev == c->local)
		c->local = NULL;
	else if (bev == c->remote)
		c->remote = NULL;
	bufferevent_free(bev);
	if (c->local == NULL && c->remote == NULL) {
		log_debug("conn %lu: closed", c->id);
		c->tn->nconns--;
		free(c);
	}
}

/* The other side of the pair. */
static struct bufferevent *
mount_tunnel_partner(struct mount_tunnel_conn *c, struct bufferevent *bev)
{
	return bev == c->local ? c->remote : c->local;
}

/* Move what bev read to its partner, stopping bev when the partner is full. */
static void
mount_tunnel_readcb(struct bufferevent *bev, void *arg)
{
	struct mount_tunnel_conn *c = arg;
	struct bufferevent *partner = mount_tunnel_partner(c, bev);
	struct evbuffer *src = bufferevent_get_input(bev), *dst;
	const char *why;

	if (partner == NULL) {
		evbuffer_drain(src, evbuffer_get_length(src));
		return;
	}
	/*
	 * libevent 2.1 reads 4 KiB (one TLS record on the gateway's side):
	 * when it read that much, take the rest the socket holds now; less
	 * means the socket was empty, and a small call costs no extra system
	 * call. An end of the TLS stream met here shows again on the
	 * bufferevent's next read (its socket stays readable), which runs the
	 * event callback as usual.
	 */
	if (bev == c->local) {
		if (evbuffer_get_length(src) >= TUNNEL_LIBEVENT_READ)
			bev_read_more(bev, TUNNEL_SINGLE_IO);
	} else if (evbuffer_get_length(src) >= TUNNEL_TLS_RECORD)
		(void)bev_tls_read_more(bev, TUNNEL_SINGLE_IO, &why);
	dst = bufferevent_get_output(partner);
	/*
	 * With nothing queued, write now rather than arm EPOLLOUT, wait a
	 * pass and disarm it (three system calls per small call); the rest,
	 * and any error, are the bufferevent's to handle.
	 */
	if (bev_write_now(partner, src, partner == c->remote) != 0)
		log_warn("conn %lu: out of memory", c->id);
	if (evbuffer_get_length(dst) >= TUNNEL_HIGH_WATER) {
		bufferevent_setcb(partner, mount_tunnel_readcb,
		    mount_tunnel_drainedcb, mount_tunnel_eventcb, c);
		bufferevent_setwatermark(partner, EV_WRITE, TUNNEL_HIGH_WATER / 2,
		    TUNNEL_HIGH_WATER);
		bufferevent_disable(bev, EV_READ);
	}
}

/* bev drained below the watermark: read from its partner again. */
static void
mount_tunnel_drainedcb(struct bufferevent *bev, void *arg)
{
	struct mount_tunnel_conn *c = arg;
	struct bufferevent *partner = mount_tunnel_partner(c, bev);

	bufferevent_setcb(bev, mount_tunnel_readcb, NULL, mount_tunnel_eventcb, c);
	bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
	if (partner != NULL)
		bufferevent_enable(partner, EV_READ);
}

/* bev's output is flushed after its partner went: close it now. */
static void
mount_tunnel_flushedcb(struct bufferevent *bev, void *arg)
{
	struct mount_tunnel_conn *c = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		mount_tunnel_close_side(c, bev);
}

/* Describe why a TLS connection failed (verification first). */
static void
mount_tunnel_log_tls_error(struct mount_tunnel_conn *c, struct bufferevent *bev)
{
	SSL *ssl = bufferevent_openssl_get_ssl(bev);
	unsigned long e;
	long vr;
	char buf[256];
	int logged = 0;

	if (ssl != NULL && (vr = SSL_get_verify_result(ssl)) != X509_V_OK) {
		log_warn("conn %lu: gateway %s: certificate verification failed: "
		    "%s (expected name %s)", c->id, c->tn->targetstr,
		    X509_verify_cert_error_string(vr), c->tn->verifyname);
		logged = 1;
	}
	while ((e = bufferevent_get_openssl_error(bev)) != 0) {
		ERR_error_string_n(e, buf, sizeof buf);
		log_warn("conn %lu: gateway %s: TLS: %s", c->id,
		    c->tn->targetstr, buf);
		logged = 1;
	}
	if (!logged && EVUTIL_SOCKET_ERROR() != 0)
		log_warn("conn %lu: gateway %s: %s", c->id, c->tn->targetstr,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
}

/* Connected, end of stream, error or time-out on one side. */
static void
mount_tunnel_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct mount_tunnel_conn *c = arg;
	struct bufferevent *partner;
	SSL *ssl;

	if (what & BEV_EVENT_CONNECTED) {
		/* The handshake is done: no time limit from now on. */
		bufferevent_set_timeouts(bev, NULL, NULL);
		ssl = bufferevent_openssl_get_ssl(bev);
		log_debug("conn %lu: %s to gateway %s (%s)", c->id,
		    SSL_get_version(ssl), c->tn->targetstr,
		    SSL_get_cipher_name(ssl));
		return;
	}
	if (bev == c->remote) {
		if (what & BEV_EVENT_TIMEOUT)
			log_warn("conn %lu: gateway %s: no TLS connection after "
			    "%d s", c->id, c->tn->targetstr, TUNNEL_HANDSHAKE_S);
		else if (what & BEV_EVENT_ERROR)
			mount_tunnel_log_tls_error(c, bev);
		else
			log_debug("conn %lu: gateway closed the connection", c->id);
	} else
		log_debug("conn %lu: local client %s", c->id,
		    (what & BEV_EVENT_EOF) ? "closed" : "failed");
	if ((partner = mount_tunnel_partner(c, bev)) != NULL) {
		/* Pass on what bev still holds, then let the partner drain. */
		mount_tunnel_readcb(bev, c);
		if (evbuffer_get_length(bufferevent_get_output(partner)) > 0) {
			bufferevent_setcb(partner, NULL, mount_tunnel_flushedcb,
			    mount_tunnel_eventcb, c);
			bufferevent_setwatermark(partner, EV_WRITE, 0, 0);
			bufferevent_disable(partner, EV_READ);
		} else
			mount_tunnel_close_side(c, partner);
	}
	mount_tunnel_close_side(c, bev);
}

/* A local client connected: open its TLS connection to the gateway. */
static void
mount_tunnel_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct mount_tunnel *tn = arg;
	struct mount_tunnel_conn *c;
	struct timeval tv = { TUNNEL_HANDSHAKE_S, 0 };
	SSL *ssl;
	evutil_socket_t rfd;
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/*
	 * Our own socket for the gateway side, so that TCP_NODELAY is set
	 * before the first byte: RPC replies are small and latency-bound.
	 */
	if ((rfd = socket(tn->target.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		log_warn("socket: %s", strerror(errno));
		evutil_closesocket(fd);
		return;
	}
	setsockopt(rfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c = xcalloc(1, sizeof *c);
	c->tn = tn;
	c->id = ++tn->nextid;
	if ((ssl = SSL_new(tn->ctx)) == NULL ||
	    SSL_set_tlsext_host_name(ssl, tn->verifyname) != 1 ||
	    SSL_set1_host(ssl, tn->verifyname) != 1) {
		mount_tunnel_log_ssl("SSL_new");
		SSL_free(ssl);
		evutil_closesocket(fd);
		evutil_closesocket(rfd);
		free(c);
		return;
	}
	c->local = bufferevent_socket_new(tn->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->remote = bufferevent_openssl_socket_new(tn->base, rfd, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (c->local == NULL || c->remote == NULL) {
		log_warn("conn %lu: out of memory", c->id);
		if (c->local != NULL)
			bufferevent_free(c->local);
		else
			evutil_closesocket(fd);
		if (c->remote != NULL)
			bufferevent_free(c->remote);
		else {
			SSL_free(ssl);
			evutil_closesocket(rfd);
		}
		free(c);
		return;
	}
	/*
	 * libevent's 16 KiB per callback would cut 1 MiB WRITEs into 64 turns;
	 * and the local side's reads make the chains that each become TLS
	 * records, so they should be far above 16 KiB.
	 */
	bev_read_setup(c->local, TUNNEL_SINGLE_IO);
	bufferevent_set_max_single_read(c->local, TUNNEL_SINGLE_IO);
	bufferevent_set_max_single_write(c->local, TUNNEL_SINGLE_IO);
	bufferevent_set_max_single_read(c->remote, TUNNEL_SINGLE_IO);
	bufferevent_set_max_single_write(c->remote, TUNNEL_SINGLE_IO);
	tn->nconns++;
	/* A gateway that restarts may not send close_notify: EOF is EOF. */
	bufferevent_openssl_set_allow_dirty_shutdown(c->remote, 1);
	bufferevent_setcb(c->local, mount_tunnel_readcb, NULL,
	    mount_tunnel_eventcb, c);
	bufferevent_setcb(c->remote, mount_tunnel_readcb, NULL,
	    mount_tunnel_eventcb, c);
	bufferevent_set_timeouts(c->remote, &tv, &tv);
	log_debug("conn %lu: local client, connecting to gateway %s", c->id,
	    tn->targetstr);
	if (bufferevent_socket_connect(c->remote, (struct sockaddr *)&tn->target,
	    (int)tn->targetlen) != 0) {
		log_warn("conn %lu: connect to %s: %s", c->id, tn->targetstr,
		    strerror(errno));
		mount_tunnel_close_side(c, c->remote);
		mount_tunnel_close_side(c, c->local);
		return;
	}
	bufferevent_enable(c->local, EV_READ | EV_WRITE);
	bufferevent_enable(c->remote, EV_READ | EV_WRITE);
	(void)lev;
	(void)sa;
	(void)salen;
}

/* SIGTERM / SIGINT: stop accepting and leave the loop. */
static void
mount_tunnel_signal(evutil_socket_t sig, short what, void *arg)
{
	struct mount_tunnel *tn = arg;

	log_info("signal %d: stopping (%d connections)", (int)sig, tn->nconns);
	event_base_loopbreak(tn->base);
}

/* Run the tunnel until a signal stops it. */
int
mount_tunnel_run(const struct mount_opts *mo, int lfd, const char *certpath)
{
	struct mount_tunnel tn;
	/* Check often enough for short renew= periods (tests use 10 s). */
	struct timeval tick = { mo->renew / 2 < TUNNEL_CHECK_S ?
	    (mo->renew / 2 > 5 ? mo->renew / 2 : 5) : TUNNEL_CHECK_S, 0 };
	char *cause = NULL;
	int status = 1;

	memset(&tn, 0, sizeof tn);
	tn.mo = mo;
	tn.certpath = certpath;
	tn.verifyname = mount_opts_verify_name(mo);
	signal(SIGPIPE, SIG_IGN);
	bev_read_tune_malloc();
	if (mount_tunnel_resolve(&tn, &cause) != 0 ||
	    mount_cert_key(mo, &tn.key, &cause) != 0) {
		log_error("%s", cause);
		goto out;
	}
	if (mount_tunnel_renew(&tn) != 0)
		goto out;
	if ((tn.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	if (evutil_make_socket_nonblocking(lfd) != 0)
		fatal("listening socket");
	tn.lev = evconnlistener_new(tn.base, mount_tunnel_accept, &tn,
	    LEV_OPT_CLOSE_ON_EXEC, -1, lfd);
	tn.ev_term = evsignal_new(tn.base, SIGTERM, mount_tunnel_signal, &tn);
	tn.ev_int = evsignal_new(tn.base, SIGINT, mount_tunnel_signal, &tn);
	tn.ev_renew = event_new(tn.base, -1, EV_PERSIST, mount_tunnel_renew_cb,
	    &tn);
	if (tn.lev == NULL || tn.ev_term == NULL || tn.ev_int == NULL ||
	    tn.ev_renew == NULL || event_add(tn.ev_term, NULL) != 0 ||
	    event_add(tn.ev_int, NULL) != 0 ||
	    event_add(tn.ev_renew, &tick) != 0)
		fatalx("event set-up failed");
	log_info("tunnel for %s: 127.0.0.1 -> %s (TLS, certificate name %s)",
	    mo->fs_id, tn.targetstr, tn.verifyname);
	if (event_base_dispatch(tn.base) == -1)
		log_error("event loop failed");
	else
		status = 0;
out:
	/*
	 * Open connections die with the process. The listening socket is the
	 * supervisor's and lives on, so a restarted tunnel keeps the port.
	 */
	if (tn.lev != NULL)
		evconnlistener_free(tn.lev);	/* no LEV_OPT_CLOSE_ON_FREE */
	if (tn.ev_term != NULL)
		event_free(tn.ev_term);
	if (tn.ev_int != NULL)
		event_free(tn.ev_int);
	if (tn.ev_renew != NULL)
		event_free(tn.ev_renew);
	if (tn.base != NULL)
		event_base_free(tn.base);
	SSL_CTX_free(tn.ctx);
	EVP_PKEY_free(tn.key);
	free(tn.verifyname);
	free(cause);
	return status;
}
