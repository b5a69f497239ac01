/*
 * efsgw - one client connection and the backend connection that serves
 * it (one to one, so NFSv4.1 sessions, state and the backchannel stay
 * intact). This file owns the sockets: accepting, connecting to the
 * backend (from a reserved port when asked), reading records in both
 * directions, deadlines, backpressure and closing. What happens to each
 * record is call.c's business.
 *
 * Everything a client can make the gateway hold is bounded here. The
 * backend connection is opened only when the first call is forwarded, so
 * idle sockets, TLS handshakes and junk cost the NFS server nothing. The
 * handshake and each record have a deadline that trickling does not
 * extend. And conn_may_read() is the one place that decides whether a
 * side may be read: output queued either way, calls in flight, a held
 * call and QoS all stop the client's calls, so replies a client never
 * reads pile up to max-output-queue and no further.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/bufferevent_ssl.h>

#include <openssl/ssl.h>

#include "bev-read.h"
#include "bev-write.h"
#include "conn.h"
#include "tiering.h"
#include "qos.h"

#define CONN_RESERVED_PORT_LOW	600
#define CONN_MAX_SINGLE_IO	(1024 * 1024)
#define CONN_SMALL_READ		(64 * 1024)	/* top-up outside big bodies */
#define CONN_PACK_MAX		4096	/* copy records this small when queued */
/*
 * Before its first call is forwarded a connection reads and queues this
 * much at a time, whatever max-output-queue says: up to
 * max-preauth-connections of them may exist, and all a client can make
 * the gateway answer by then is errors.
 */
#define CONN_PREAUTH_IO		(64 * 1024)

static uint64_t conn_next_id = 1;

static void conn_client_read_cb(struct bufferevent *, void *);
static void conn_update(struct conn *);
static void conn_authorize(struct conn *);
static void conn_qos_pause(void *, int);
static int conn_backend_start(struct conn *);

/* Log a bad-input message, at most 10 a second across the process. */
void
conn_log_bad(struct conn *c, const char *fmt, ...)
{
	static time_t window;
	static unsigned count, dropped;
	char msg[256];
	time_t now = time(NULL);
	va_list ap;

	if (now != window) {
		if (dropped > 0)
			log_warn("%u more bad-input messages suppressed", dropped);
		window = now;
		count = 0;
		dropped = 0;
	}
	if (++count > 10) {
		dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_info("conn %llu (%s): %s", (unsigned long long)c->id, c->peer, msg);
}

/* Close a connection because of bad input. */
int
conn_abort(struct conn *c, const char *why, int r)
{
	if (r != 0)
		conn_log_bad(c, "closing: %s: %s", why, efsgw_err(r));
	else
		conn_log_bad(c, "closing: %s", why);
	conn_free(c);
	return -1;
}

/* Peek the chains of rec into c->vec. */
int
conn_peek(struct conn *c, struct evbuffer *rec)
{
	int n;

	n = evbuffer_peek(rec, -1, NULL, NULL, 0);
	if (n < 0)
		return -1;
	if (n > c->vecmax) {
		c->vecmax = n < 16 ? 16 : n;
		c->vec = xreallocarray(c->vec, (size_t)c->vecmax, sizeof *c->vec);
	}
	if (n > 0)
		evbuffer_peek(rec, -1, NULL, c->vec, n);
	return n;
}

/*
 * Hand a framed record (mark included) to bev: written at once when
 * nothing is queued (bev_write_now), so a small reply costs no EPOLLOUT
 * round; direct is 0 while the socket is still connecting.
 */
static int
conn_push(struct bufferevent *bev, struct evbuffer *rec, int tls, int direct)
{
	struct evbuffer *out = bufferevent_get_output(bev);
	size_t len = evbuffer_get_length(rec);
	unsigned char *p;

	/*
	 * A small record behind others is copied, not moved: moving hands
	 * over its chains, at least 1 KiB each for a 28-byte reply, and
	 * max-output-queue counts bytes, not the memory that holds them.
	 */
	if ((!direct || evbuffer_get_length(out) > 0) && len <= CONN_PACK_MAX) {
		if (len == 0)
			return 0;
		if ((p = evbuffer_pullup(rec, -1)) == NULL ||
		    evbuffer_add(out, p, len) != 0)
			return EFSGW_ERR_NOMEM;
		evbuffer_drain(rec, len);
		return 0;
	}
	if (!direct)
		return evbuffer_add_buffer(out, rec) == 0 ? 0 : EFSGW_ERR_NOMEM;
	return bev_write_now(bev, rec, tls) == 0 ? 0 : EFSGW_ERR_NOMEM;
}

/* Frame msg as one record and hand it to bev. */
static int
conn_send(struct bufferevent *bev, struct evbuffer *msg, int tls, int direct)
{
	int r;

	if ((r = rpc_record_prepend_mark(msg, evbuffer_get_length(msg))) != 0)
		return r;
	return conn_push(bev, msg, tls, direct);
}

struct evbuffer *
conn_stage(struct conn *c)
{
	return c->stage;
}

int
conn_to_client(struct conn *c, int r)
{
	if (r == 0)
		r = conn_push(c->cbev, c->stage, c->tls, 1);
	evbuffer_drain(c->stage, evbuffer_get_length(c->stage));
	return r;
}

int
conn_to_backend(struct conn *c, int r)
{
	if (r == 0)
		r = conn_push(c->bbev, c->stage, 0, c->backend_up);
	evbuffer_drain(c->stage, evbuffer_get_length(c->stage));
	if (r == 0 && !c->backend_started)
		r = conn_backend_start(c);
	return r;
}

/* Queue a record to the client. */
int
conn_send_client(struct conn *c, struct evbuffer *msg)
{
	c->bytes_out += evbuffer_get_length(msg) + 4;
	return conn_send(c->cbev, msg, c->tls, 1);
}

/* Queue a record to the server. */
int
conn_send_backend(struct conn *c, struct evbuffer *msg)
{
	int r;

	r = conn_send(c->bbev, msg, 0, c->backend_up);
	if (r == 0 && !c->backend_started)
		r = conn_backend_start(c);
	return r;
}

/*
 * The reassembler rr returned 0: top bev's input up from its socket,
 * within what is left of this callback's budget *more. Inside a big
 * fragment body it reads exactly the body's rest, so that the
 * reassembler takes whole chains (evbuffer_remove_buffer copies the part
 * of a chain it takes only partly, up to 1 MiB a record); otherwise up to
 * CONN_SMALL_READ, several small records at once; and between records
 * with nothing left over not at all: the bufferevent's own read most
 * likely emptied the socket, and a small call then costs no extra system
 * call (if it did not, the socket stays readable: one more pass).
 * Returns the bytes added, or BEV_TLS_END / BEV_TLS_ERROR with *why.
 */
static long
conn_top_up(struct bufferevent *bev, int tls, const struct rpc_record *rr,
    size_t *more, const char **why)
{
	size_t n = rpc_record_wanted(rr);
	long got;

	if (*more == 0 || (n == 4 &&
	    evbuffer_get_length(bufferevent_get_input(bev)) == 0))
		return 0;
	if (n < CONN_SMALL_READ)
		n = CONN_SMALL_READ;
	if (n > *more)
		n = *more;
	got = tls ? bev_tls_read_more(bev, n, why) : (long)bev_read_more(bev, n);
	if (got > 0)
		*more -= (size_t)got < *more ? (size_t)got : *more;
	return got;
}

/*
 * Whether the output queued on bev is over max-output-queue (before the
 * first forwarded call, CONN_PREAUTH_IO), with hysteresis: once over, it
 * stays "full" until it drains to a quarter (the bufferevent's write
 * callback runs whenever a write leaves no more than max-output-queue / 4,
 * its low watermark, so it says when).
 */
static int
conn_queue_full(const struct conn *c, struct bufferevent *bev, int *full)
{
	size_t n = evbuffer_get_length(bufferevent_get_output(bev));
	size_t max = c->backend_started ? c->conf->max_output_queue :
	    CONN_PREAUTH_IO;

	if (*full && n <= max / 4)
		*full = 0;
	else if (!*full && n >= max)
		*full = 1;
	return *full;
}

/*
 * The one decision whether a side may be read. The client's calls stop
 * while anything they cause is piling up: replies queued to the client
 * (whoever built them: the server or the gateway itself), calls queued
 * to the backend, calls in flight, a held call (root lookup, QoS) or QoS
 * backpressure. The server's replies stop while the client's queue is
 * full. Both stop when the connection is closing.
 */
static int
conn_may_read(struct conn *c, int backend)
{
	int cfull = conn_queue_full(c, c->cbev, &c->cout_full);
	int bfull = conn_queue_full(c, c->bbev, &c->bout_full);

	if (c->closing)
		return 0;
	if (backend)
		return c->backend_started && !cfull;
	return !c->handshaking && !c->draining && c->held == NULL &&
	    !c->qos_paused && !cfull && !bfull &&
	    c->fore.n < c->conf->max_pending;
}

/* Run (or stop) the record deadline: a record must arrive whole in time. */
static void
conn_record_deadline(struct conn *c, int reading)
{
	struct timeval tv = { c->conf->record_timeout, 0 };
	int partial = rpc_record_pending(c->crec) > 0 ||
	    evbuffer_get_length(bufferevent_get_input(c->cbev)) > 0;

	/*
	 * Only while the gateway reads: a client is not to blame for a
	 * record the gateway stopped taking. The clock starts again when
	 * reading resumes, which needs the client to have read its replies.
	 */
	if (reading && partial) {
		if (!c->in_record) {
			c->in_record = 1;
			evtimer_add(c->deadline, &tv);
		}
	} else if (c->in_record) {
		c->in_record = 0;
		evtimer_del(c->deadline);
	}
}

/* Decide which sides may be read, and arm the client's timers. */
static void
conn_update(struct conn *c)
{
	struct timeval tv = { c->conf->idle_timeout, 0 };
	int read_client;

	if (c->handshaking)
		return;
	read_client = conn_may_read(c, 0);
	conn_record_deadline(c, read_client);
	if (read_client) {
		/* Silence with nothing in flight and no record started. */
		bufferevent_set_timeouts(c->cbev, !c->in_record &&
		    c->conf->idle_timeout > 0 && c->fore.n == 0 ? &tv : NULL,
		    NULL);
		bufferevent_enable(c->cbev, EV_READ);
	} else
		bufferevent_disable(c->cbev, EV_READ);
	if (conn_may_read(c, 1))
		bufferevent_enable(c->bbev, EV_READ);
	else if (c->backend_started)
		bufferevent_disable(c->bbev, EV_READ);
}

/* Process every complete record the client has sent. */
static void
conn_client_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev), *rec;
	size_t before, more;
	const char *why;
	long got;
	int r;

	if (c->in_read)
		return;
	more = c->backend_started ? CONN_MAX_SINGLE_IO : CONN_PREAUTH_IO;
	c->in_read = 1;
	for (;;) {
		if (!conn_may_read(c, 0))
			break;
		before = evbuffer_get_length(in);
		rpc_record_set_max(c->crec, c->seen_compound ?
		    c->conf->max_record : c->conf->max_record_preauth);
		/* A client past its first COMPOUND gets an answer for a call
		 * too large (read past, not kept); before, the stream closes. */
		rpc_record_set_skip(c->crec, c->seen_compound ? CONN_SKIP_MAX : 0);
		r = rpc_record_read(c->crec, in, &rec);
		c->bytes_in += before - evbuffer_get_length(in);
		if (r < 0) {
			conn_abort(c, r == EFSGW_ERR_TOO_LONG ?
			    "record larger than max-record-size" :
			    "too many fragments in one record", 0);
			return;
		}
		if (r == RPC_RECORD_SKIPPED) {
			r = call_too_big(c, rec);
			evbuffer_free(rec);
			if (r < 0)
				return;		/* c is gone */
			continue;
		}
		if (r == 0) {
			/* Needs more bytes: take what the socket holds now. */
			if ((got = conn_top_up(bev, c->tls, c->crec, &more,
			    &why)) > 0)
				continue;
			if (got == 0)
				break;
			if (got == BEV_TLS_ERROR)
				conn_abort(c, "TLS error in the client's stream", 0);
			else {
				log_debug("conn %llu (%s): client closed (%s)",
				    (unsigned long long)c->id, c->peer, why);
				conn_free(c);
			}
			return;
		}
		c->calls++;
		/* A whole record: the next one gets a deadline of its own. */
		if (c->in_record) {
			c->in_record = 0;
			evtimer_del(c->deadline);
		}
		r = call_from_client(c, rec);
		if (r < 0)
			return;		/* c is gone */
		if (r == 1)
			break;		/* held until the root is resolved */
		evbuffer_free(rec);
	}
	c->in_read = 0;
	conn_update(c);
}

/* Process every complete record the server has sent. */
static void
conn_backend_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev), *rec;
	size_t more = CONN_MAX_SINGLE_IO;
	const char *why;
	int r;

	for (;;) {
		if (!conn_may_read(c, 1))
			break;
		r = rpc_record_read(c->brec, in, &rec);
		if (r < 0) {
			log_warn("conn %llu: backend sent a record over the limit; "
			    "closing", (unsigned long long)c->id);
			conn_free(c);
			return;
		}
		if (r == 0) {
			if (conn_top_up(bev, 0, c->brec, &more, &why) > 0)
				continue;
			break;
		}
		r = call_from_backend(c, rec);
		evbuffer_free(rec);
		if (r < 0)
			return;
	}
	if (c->draining && c->fore.n == 0 && c->held == NULL) {
		c->closing = 1;
		if (evbuffer_get_length(bufferevent_get_output(c->cbev)) == 0) {
			conn_free(c);
			return;
		}
	}
	conn_update(c);
	/* Replies freed slots: records already buffered may go on now. */
	if (evbuffer_get_length(bufferevent_get_input(c->cbev)) > 0)
		conn_client_read_cb(c->cbev, c);
}

/* Output to the client drained below the low-water mark. */
static void
conn_client_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (c->closing && evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
		conn_free(c);
		return;
	}
	conn_update(c);
	if (evbuffer_get_length(bufferevent_get_input(c->bbev)) > 0)
		conn_backend_read_cb(c->bbev, c);
}

/* Output to the server drained below the low-water mark. */
static void
conn_backend_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	conn_update(c);
	if (evbuffer_get_length(bufferevent_get_input(c->cbev)) > 0)
		conn_client_read_cb(c->cbev, c);
}

/* Client connection events: EOF, errors, timeouts. */
static void
conn_client_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	char err[256];

	if (what & BEV_EVENT_CONNECTED) {
		/* TLS handshake done: now the identity is known. */
		c->handshaking = 0;
		evtimer_del(c->deadline);
		conn_authorize(c);
		conn_update(c);
		if (evbuffer_get_length(bufferevent_get_input(c->cbev)) > 0)
			conn_client_read_cb(c->cbev, c);
		return;
	}
	if (c->handshaking) {
		conn_log_bad(c, "TLS handshake failed: %s", (what & BEV_EVENT_TIMEOUT) ?
		    "timed out" : tls_error_string(err, sizeof err));
		conn_free(c);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		if (rpc_record_pending(c->crec) > 0) {
			conn_abort(c, "client stalled in the middle of a record", 0);
			return;
		}
		if (c->fore.n > 0) {
			conn_update(c);		/* waiting on the server: fine */
			return;
		}
		log_info("conn %llu (%s): idle for %u s, closing",
		    (unsigned long long)c->id, c->peer, c->conf->idle_timeout);
		conn_free(c);
		return;
	}
	if (what & BEV_EVENT_EOF)
		log_debug("conn %llu (%s): client closed", (unsigned long long)c->id,
		    c->peer);
	else if (what & BEV_EVENT_ERROR)
		log_debug("conn %llu (%s): client error: %s",
		    (unsigned long long)c->id, c->peer,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	conn_free(c);
}

/* The handshake or the record in progress is out of time. */
static void
conn_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	if (c->handshaking) {
		conn_log_bad(c, "TLS handshake failed: timed out (handshake-timeout "
		    "%u s from accept)", c->conf->handshake_timeout);
		conn_free(c);
		return;
	}
	conn_abort(c, "record deadline (record-timeout) passed before the "
	    "record was whole", 0);
}

/* Backend connection events. */
static void
conn_backend_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	struct fsroot *fr = gateway_fsroot(c->gw, c->fs_id);
	int e = EVUTIL_SOCKET_ERROR();

	if (what & BEV_EVENT_CONNECTED) {
		c->backend_up = 1;
		bufferevent_set_timeouts(bev, NULL, NULL);
		log_debug("conn %llu: backend connected", (unsigned long long)c->id);
		fsroot_report(fr, FSROOT_CONN_OK, NULL);
		return;
	}
	/* Readiness follows what this connection learnt about the server. */
	if (!c->backend_up)
		fsroot_report(fr, FSROOT_CONN_FAILED, (what & BEV_EVENT_TIMEOUT) ?
		    "connect timed out" : "connect failed");
	else if (what & BEV_EVENT_EOF)
		fsroot_report(fr, FSROOT_CONN_CLOSED, NULL);
	else if ((what & BEV_EVENT_ERROR) && e == ECONNRESET)
		fsroot_report(fr, FSROOT_CONN_RESET, "connection reset");
	else
		fsroot_report(fr, FSROOT_CONN_CLOSED, NULL);
	EVUTIL_SET_SOCKET_ERROR(e);
	if (what & BEV_EVENT_TIMEOUT)
		log_warn("conn %llu (%s): %s: backend %s timed out; closing the "
		    "client", (unsigned long long)c->id, c->peer, c->fs_id,
		    c->backend_up ? "connection" : "connect");
	else if (what & BEV_EVENT_EOF)
		log_warn("conn %llu (%s): %s: backend closed the connection; "
		    "closing the client", (unsigned long long)c->id, c->peer,
		    c->fs_id);
	else
		log_warn("conn %llu (%s): %s: backend %s: %s; closing the client",
		    (unsigned long long)c->id, c->peer, c->fs_id,
		    c->backend_up ? "error" : "connect failed",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	conn_free(c);
}

/*
 * Let one event-loop pass move a whole 1 MiB READ or WRITE: libevent
 * writes at most 16 KiB per pass by default, and 2.1 reads 4 KiB per
 * pass whatever the maximum says, so the read callbacks top their input
 * up with bev_read_more (plain sockets; TLS reads a record per pass).
 * A client's side reads max_read = CONN_PREAUTH_IO a pass until its first
 * call is forwarded.
 */
static void
conn_tune(struct bufferevent *bev, int plain, size_t max_read)
{
	bufferevent_set_max_single_read(bev, max_read);
	bufferevent_set_max_single_write(bev, CONN_MAX_SINGLE_IO);
	if (plain)
		bev_read_setup(bev, max_read);
}

/* Open the backend socket, from a reserved port when asked. */
static int
conn_backend_socket(const struct config_fs *fs)
{
	struct sockaddr_storage ss;
	int fd, one = 1, port;

	fd = socket(fs->backend_addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (!fs->reserved_port)
		return fd;
	/* knfsd's "secure" export option wants a source port below 1024. */
	for (port = 1023; port >= CONN_RESERVED_PORT_LOW; port--) {
		memset(&ss, 0, sizeof ss);
		ss.ss_family = fs->backend_addr.ss_family;
		if (ss.ss_family == AF_INET)
			((struct sockaddr_in *)&ss)->sin_port = htons(port);
		else
			((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
		if (bind(fd, (struct sockaddr *)&ss, ss.ss_family == AF_INET ?
		    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) == 0)
			return fd;
		if (errno != EADDRINUSE)
			break;
	}
	close(fd);
	errno = EADDRNOTAVAIL;
	return -1;
}

/* Apply a decision: grants, access point, squashing, sealing scope. */
static void
conn_apply(struct conn *c, const struct authz_result *r, int first)
{
	c->grants = r->grants;
	c->not_after = r->not_after;
	snprintf(c->principal, sizeof c->principal, "%s", r->principal);
	if (first) {
		c->ap = r->ap;
		if (c->ap != NULL)
			snprintf(c->scope, sizeof c->scope, "%s/%s", c->fs->id,
			    c->ap->id);
		else
			snprintf(c->scope, sizeof c->scope, "%s", c->fs->id);
		c->squash.ap = c->ap;
		c->squash.anon_uid = c->fs->anon_uid;
		c->squash.anon_gid = c->fs->anon_gid;
		c->root = c->ap != NULL ? CONN_ROOT_UNRESOLVED : CONN_ROOT_EXPORT;
	}
	c->squash.root_allowed = (c->grants & GRANT_ROOT) != 0;
}

/* Audit one connection decision. */
static void
conn_audit(struct conn *c, const char *event, const struct authz_result *r)
{
	char id[24], grants[80], stmt[160];
	const char *version = "", *cipher = "";
	struct ssl_st *ssl;

	snprintf(id, sizeof id, "%llu", (unsigned long long)c->id);
	identity_grants_string(r->grants, grants, sizeof grants);
	if (r->mount_statement >= 0)
		snprintf(stmt, sizeof stmt, "%d%s%s", r->mount_statement,
		    r->mount_sid[0] != '\0' ? " " : "", r->mount_sid);
	else
		snprintf(stmt, sizeof stmt, "%s", c->fs->policy == NULL ?
		    "no policy" : "identity grants");
	if (c->tls && (ssl = bufferevent_openssl_get_ssl(c->cbev)) != NULL) {
		version = SSL_get_version(ssl);
		cipher = SSL_get_cipher_name(ssl);
	}
	audit_event(gateway_audit(c->gw), event, "conn", id, "peer", c->peer,
	    "listener", c->listener, "fs", c->fs_id,
	    "access_point", r->ap != NULL ? r->ap->id : "",
	    "principal", r->principal,
	    "identity", identity_source_name(c->who.id.source),
	    "detail", c->who.ok ? c->who.id.detail : c->who.why,
	    "tls", version, "cipher", cipher, "grants", grants,
	    "decision", (r->grants & GRANT_MOUNT) ? "allow" : "deny",
	    "statement", stmt, "reason", r->reason, (char *)NULL);
}

/* Decide what the client may do, once its identity is known. */
static void
conn_authorize(struct conn *c)
{
	const struct config_listener *l = NULL, *it;
	struct authz_result r;
	struct ssl_st *ssl = NULL;
	X509 *peer = NULL;

	TAILQ_FOREACH(it, &c->conf->listeners, entry) {
		if (strcmp(it->name, c->listener) == 0)
			l = it;
	}
	if (c->tls && (ssl = bufferevent_openssl_get_ssl(c->cbev)) != NULL) {
		const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);

		snprintf(c->sni, sizeof c->sni, "%s", sni != NULL ? sni : "");
		peer = SSL_get1_peer_certificate(ssl);
	}
	authz_identify(c->conf, c->fs->id, c->tls, peer, ssl != NULL &&
	    tls_peer_verified(ssl), &c->who);
	X509_free(peer);
	if (l == NULL) {
		memset(&r, 0, sizeof r);
		snprintf(r.reason, sizeof r.reason, "listener gone");
	} else
		authz_decide(c->conf, l, &c->who, c->sni[0] != '\0' ? c->sni :
		    NULL, (struct sockaddr *)&c->peer_addr, &r);
	conn_apply(c, &r, 1);
	conn_audit(c, "connect", &r);
	if (c->fs->qos_enabled &&
	    (c->qfs = gateway_qos(c->gw, c->fs_id)) != NULL &&
	    (c->qc = qos_client_new(c->qfs, c->peer, conn_qos_pause, c)) == NULL)
		fatalx("out of memory");
	if (!(r.grants & GRANT_MOUNT))
		log_info("conn %llu (%s): mount denied: %s",
		    (unsigned long long)c->id, c->peer, r.reason);
}

/* QoS backpressure: stop or resume reading the client. */
static void
conn_qos_pause(void *arg, int paused)
{
	struct conn *c = arg;

	c->qos_paused = paused;
	conn_update(c);
}

/* QoS admitted the held call: forward it and read on. */
void
conn_qos_resume(void *arg)
{
	struct conn *c = arg;
	struct evbuffer *rec = c->held;
	int r;

	if (rec == NULL)
		return;
	c->held = NULL;
	c->qos_admitted = 1;
	r = call_from_client(c, rec);
	if (r < 0)
		return;
	if (r == 0)
		evbuffer_free(rec);
	if (c->draining && c->held == NULL && c->fore.n == 0) {
		conn_drain(c);	/* answered here: nothing left to wait for */
		return;
	}
	conn_update(c);
	if (c->held == NULL && !c->qos_paused &&
	    evbuffer_get_length(bufferevent_get_input(c->cbev)) > 0)
		conn_client_read_cb(c->cbev, c);
}

/*
 * The held call's file is hot (status 0), or could not be recalled
 * (NFS4ERR_DELAY): run the call, or answer it so. data: the held call's
 * READ was served from the file's cold copy (the reply takes these bytes
 * instead of the released file's). QoS admission, if it had been given,
 * still stands.
 */
void
conn_tier_resume(void *arg, uint32_t status, uint8_t *data, uint32_t len)
{
	struct conn *c = arg;
	struct evbuffer *rec = c->held;
	int r;

	c->tier_wait = NULL;
	free(c->tier_data);
	c->tier_data = data;
	c->tier_len = len;
	if (rec == NULL)
		return;
	c->held = NULL;
	c->tier_checked++;
	c->tier_status = status;
	r = call_from_client(c, rec);
	if (r < 0)
		return;
	if (r == 0)
		evbuffer_free(rec);
	conn_update(c);
	if (c->held == NULL && !c->qos_paused &&
	    evbuffer_get_length(bufferevent_get_input(c->cbev)) > 0)
		conn_client_read_cb(c->cbev, c);
}

/* Decide again under a new configuration (the policy changed). */
void
conn_reauthorize(struct conn *c, const struct config *conf)
{
	const struct config_listener *l = NULL, *it;
	struct authz_result r;

	if (c->handshaking)
		return;
	TAILQ_FOREACH(it, &conf->listeners, entry) {
		if (strcmp(it->name, c->listener) == 0 &&
		    strcmp(it->fs_id, c->fs_id) == 0)
			l = it;
	}
	if (l == NULL) {
		memset(&r, 0, sizeof r);
		snprintf(r.principal, sizeof r.principal, "%s", c->principal);
		snprintf(r.reason, sizeof r.reason, "the listener or its file "
		    "system is gone from the configuration");
	} else {
		authz_decide(conf, l, &c->who, c->sni[0] != '\0' ? c->sni : NULL,
		    (struct sockaddr *)&c->peer_addr, &r);
		/* The access point is fixed for the connection's life. */
		if ((r.ap == NULL) != (c->ap == NULL) || (r.ap != NULL &&
		    strcmp(r.ap->id, c->ap->id) != 0)) {
			r.grants = 0;
			snprintf(r.reason, sizeof r.reason, "the access point "
			    "changed; the client must mount again");
		}
		r.ap = c->ap;
	}
	if (r.grants == c->grants)
		return;
	conn_apply(c, &r, 0);
	conn_audit(c, "reauthorize", &r);
	log_info("conn %llu (%s): grants now %s", (unsigned long long)c->id,
	    c->peer, config_grants_string(c->grants));
}

/* Audit a call the gateway refused, at most 10 lines a second per conn. */
void
conn_audit_deny(struct conn *c, uint32_t opcode, uint32_t status)
{
	char id[24];
	time_t now = time(NULL);

	if (now != c->denial_window) {
		c->denial_window = now;
		c->denials = 0;
	}
	if (++c->denials > 10)
		return;
	snprintf(id, sizeof id, "%llu", (unsigned long long)c->id);
	audit_event(gateway_audit(c->gw), "deny", "conn", id, "peer", c->peer,
	    "fs", c->fs_id, "access_point", c->ap != NULL ? c->ap->id : "",
	    "principal", c->principal, "op", nfs4_op_name(opcode),
	    "status", nfs4_status_name(status), (char *)NULL);
}

/* Run the call held for the root or a proof, then read on. */
static void
conn_run_held(struct conn *c)
{
	struct evbuffer *rec;
	int r;

	if ((rec = c->held) != NULL) {
		c->held = NULL;
		r = call_from_client(c, rec);
		if (r < 0)
			return;
		if (r == 0)
			evbuffer_free(rec);
	}
	conn_update(c);
	if (evbuffer_get_length(bufferevent_get_input(c->cbev)) > 0)
		conn_client_read_cb(c->cbev, c);
}

/* The access point's root is known (or not): run the held call. */
static void
conn_root_done(void *arg, uint32_t status, const struct backcall_result *res)
{
	struct conn *c = arg;

	c->aproot = NULL;
	if (status == NFS4_OK) {
		memcpy(c->ap_root.fh, res->fh, res->fhlen);
		c->ap_root.fhlen = res->fhlen;
		c->ap_root.fsid_major = res->fsid_major;
		c->ap_root.fsid_minor = res->fsid_minor;
		c->ap_root.fileid = res->fileid;
		c->root = CONN_ROOT_READY;
	} else {
		c->root = CONN_ROOT_FAILED;
		c->root_status = status;
	}
	conn_run_held(c);
}

/* Where a handle lies is known (or not): run the held call. */
static void
conn_proof_done(void *arg, struct ancestry_chain *ch)
{
	struct conn *c = arg;

	c->anc = NULL;
	if (!ch->proven)
		log_debug("conn %llu (%s): no proof that a handle lies inside the "
		    "access point: %s", (unsigned long long)c->id, c->peer,
		    ch->why);
	free(c->proof);
	c->proof = ch;
	conn_run_held(c);
}

/* Start proving where c->anc_want lies; the caller holds a call. */
void
conn_prove(struct conn *c)
{
	free(c->proof);
	c->proof = NULL;
	c->anc = ancestry_start(gateway_base(c->gw), c->fs,
	    c->conf->connect_timeout, c->anc_want, c->anc_wantlen, &c->ap_root,
	    conn_proof_done, c);
	if (c->anc == NULL)
		c->proof = ancestry_unproven(c->anc_want, c->anc_wantlen,
		    "the proof could not start");
	c->anc_wantlen = 0;
}

/* Start resolving the access point's root; the caller holds a call. */
void
conn_resolve_root(struct conn *c)
{
	const struct fsroot_info *fi;

	if (c->root != CONN_ROOT_UNRESOLVED)
		return;
	fi = fsroot_get(gateway_fsroot(c->gw, c->fs_id));
	if (fi == NULL) {
		/* The export itself is not reachable yet: try again later. */
		c->root = CONN_ROOT_FAILED;
		c->root_status = NFS4ERR_DELAY;
		return;
	}
	c->root = CONN_ROOT_PENDING;
	c->aproot = aproot_start(gateway_base(c->gw), c->fs, c->ap, fi->fh,
	    fi->fhlen, conn_root_done, c);
	if (c->aproot == NULL) {
		c->root = CONN_ROOT_FAILED;
		c->root_status = NFS4ERR_SERVERFAULT;
	}
}

/* Accepted a client; its backend is connected on its first call. */
struct conn *
conn_new(struct gateway *gw, int fd, const struct sockaddr *sa,
    socklen_t salen, struct config *conf, const struct config_listener *cl)
{
	struct event_base *base = gateway_base(gw);
	struct conn *c;

	c = xcalloc(1, sizeof *c);
	c->id = conn_next_id++;
	c->gw = gw;
	c->conf = conf;
	config_add_ref(conf);
	snprintf(c->fs_id, sizeof c->fs_id, "%s", cl->fs->id);
	snprintf(c->listener, sizeof c->listener, "%s", cl->name);
	addr_format(sa, c->peer, sizeof c->peer);
	c->crec = rpc_record_new(conf->max_record_preauth);
	c->brec = rpc_record_new(conf->max_record + 64 * 1024);
	c->stage = evbuffer_new();
	if (c->crec == NULL || c->brec == NULL || c->stage == NULL)
		fatalx("out of memory");
	memcpy(&c->peer_addr, sa, salen < sizeof c->peer_addr ? salen :
	    sizeof c->peer_addr);
	c->fs = cl->fs;
	if (cl->tls && cl->ssl_ctx != NULL) {
		SSL *ssl = SSL_new(cl->ssl_ctx);

		if (ssl == NULL)
			fatalx("SSL_new");
		c->tls = 1;
		c->handshaking = 1;
		c->cbev = bufferevent_openssl_socket_new(base, fd, ssl,
		    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
		if (c->cbev == NULL)
			fatalx("bufferevent_openssl_socket_new");
		/* Clients often close without close_notify; that is no error. */
		bufferevent_openssl_set_allow_dirty_shutdown(c->cbev, 1);
	} else {
		c->cbev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
		if (c->cbev == NULL)
			fatalx("bufferevent_socket_new");
	}
	bufferevent_setcb(c->cbev, conn_client_read_cb, conn_client_write_cb,
	    conn_client_event_cb, c);
	conn_tune(c->cbev, !c->tls, CONN_PREAUTH_IO);
	bufferevent_setwatermark(c->cbev, EV_WRITE, conf->max_output_queue / 4,
	    0);
	if ((c->deadline = evtimer_new(base, conn_deadline_cb, c)) == NULL)
		fatalx("evtimer_new");

	/* The backend side has no socket until a call is forwarded. */
	c->bbev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (c->bbev == NULL)
		fatalx("bufferevent_socket_new");
	bufferevent_setcb(c->bbev, conn_backend_read_cb, conn_backend_write_cb,
	    conn_backend_event_cb, c);
	conn_tune(c->bbev, 1, CONN_MAX_SINGLE_IO);
	bufferevent_setwatermark(c->bbev, EV_WRITE, conf->max_output_queue / 4,
	    0);
	log_info("conn %llu: client %s on %s for %s%s", (unsigned long long)c->id,
	    c->peer, c->listener, c->fs_id, c->tls ? " (TLS)" : "");
	if (c->tls) {
		/*
		 * Nothing is read as NFS until the handshake is done, and the
		 * handshake has a deadline that bytes trickling in do not
		 * extend (the bufferevent's timeouts would restart on every
		 * read, so they are not used for it).
		 */
		struct timeval hs = { conf->handshake_timeout, 0 };

		evtimer_add(c->deadline, &hs);
		bufferevent_enable(c->cbev, EV_READ | EV_WRITE);
		return c;
	}
	conn_authorize(c);
	bufferevent_enable(c->cbev, EV_READ | EV_WRITE);
	conn_update(c);
	return c;
}

/*
 * Connect the backend side: the first forwarded call is queued on it and
 * goes out once connected. The connect is bounded by connect-timeout
 * (the write timeout; conn_backend_event_cb closes the client).
 */
static int
conn_backend_start(struct conn *c)
{
	struct timeval tv = { c->conf->connect_timeout, 0 };
	int fd;

	c->backend_started = 1;
	gateway_conn_started(c->gw, c);
	conn_tune(c->cbev, !c->tls, CONN_MAX_SINGLE_IO);
	if ((fd = conn_backend_socket(c->fs)) < 0) {
		conn_log_bad(c, "%s: cannot open a backend socket: %s", c->fs_id,
		    strerror(errno));
		return EFSGW_ERR_SYSTEM;
	}
	if (bufferevent_setfd(c->bbev, fd) != 0) {
		close(fd);
		return EFSGW_ERR_SYSTEM;
	}
	bufferevent_set_timeouts(c->bbev, NULL, &tv);
	if (bufferevent_socket_connect(c->bbev,
	    (const struct sockaddr *)&c->fs->backend_addr,
	    (int)c->fs->backend_addrlen) != 0) {
		conn_log_bad(c, "%s: cannot connect to backend %s", c->fs_id,
		    c->fs->backend);
		fsroot_report(gateway_fsroot(c->gw, c->fs_id), FSROOT_CONN_FAILED,
		    "connect failed");
		return EFSGW_ERR_SYSTEM;
	}
	bufferevent_enable(c->bbev, EV_READ | EV_WRITE);
	return 0;
}

/*
 * Stop reading new calls; close once the ones in flight, and the one held
 * in the QoS queue, are answered.
 */
void
conn_drain(struct conn *c)
{
	c->draining = 1;
	/* A call held for QoS (or the root) is answered before closing. */
	if (c->fore.n == 0 && c->held == NULL &&
	    evbuffer_get_length(bufferevent_get_output(c->cbev)) == 0) {
		conn_free(c);
		return;
	}
	if (c->fore.n == 0 && c->held == NULL)
		c->closing = 1;
	conn_update(c);
}

/* Close both sides and free everything. */
void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	log_debug("conn %llu (%s): closed after %llu calls, %llu bytes in, "
	    "%llu out", (unsigned long long)c->id, c->peer,
	    (unsigned long long)c->calls, (unsigned long long)c->bytes_in,
	    (unsigned long long)c->bytes_out);
	gateway_conn_closed(c->gw, c);
	if (c->deadline != NULL)
		event_free(c->deadline);
	bufferevent_free(c->cbev);
	bufferevent_free(c->bbev);
	rpc_record_free(c->crec);
	rpc_record_free(c->brec);
	pending_clear(c, &c->fore);
	pending_clear(c, &c->back);
	pending_free_list(c);
	config_release(c->conf);
	free(c->vec);
	evbuffer_free(c->stage);
	aproot_cancel(c->aproot);
	ancestry_cancel(c->anc);
	free(c->proof);
	qos_client_free(c->qc);
	tiergw_cancel(c->tier_wait);
	free(c->tier_data);
	c->tier_data = NULL;
	if (c->held != NULL)
		evbuffer_free(c->held);
	call_plan_free(c->held_plan);
	free(c);
}

uint64_t
conn_id(const struct conn *c)
{
	return c->id;
}

const char *
conn_fs_id(const struct conn *c)
{
	return c->fs_id;
}
