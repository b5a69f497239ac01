/*
 * efsgw - nfsc-conn: the client's TCP transport. It owns the socket, RPC
 * record marking (RFC 5531 §11: a 4-byte mark per fragment, top bit = last
 * fragment, 31-bit length) in both directions, multi-fragment reassembly,
 * and every wait's time-out. The socket is non-blocking and every wait is a
 * poll() with a deadline, and a sender also reads replies while its data
 * does not fit the socket, so that a deep pipeline of large WRITEs cannot
 * deadlock against a server that blocks sending us its replies. With
 * opts.tls the same socket carries TLS: nfsc_conn_recv/sendv below route
 * the bytes through nfsc-tls.c and poll for what OpenSSL waits on.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfsc-int.h"

#define NFSC_DIRECT_READ	16384	/* read straight into the record past this */
#define NFSC_READS_PER_PUMP	256	/* bound one pump's read loop */

/* read(2) on the transport: the socket, or TLS over it. */
static ssize_t
nfsc_conn_recv(struct nfsc *clnt, void *buf, size_t len)
{
	if (clnt->tls != NULL)
		return nfsc_tls_read(clnt, buf, len);
	return read(clnt->fd, buf, len);
}

/* writev(2) on the transport. */
static ssize_t
nfsc_conn_sendv(struct nfsc *clnt, const struct iovec *iov, int iovcnt)
{
	struct msghdr msg;

	if (clnt->tls != NULL)
		return nfsc_tls_writev(clnt, iov, iovcnt);
	/*
	 * sendmsg() rather than writev(): MSG_NOSIGNAL turns a write to a
	 * server that has gone into EPIPE instead of a SIGPIPE that would
	 * kill a caller that did not ignore it.
	 */
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = (struct iovec *)(uintptr_t)iov;
	msg.msg_iovlen = (size_t)iovcnt;
	return sendmsg(clnt->fd, &msg, MSG_NOSIGNAL);
}

/* Record a failure message; returns r so callers can "return nfsc_fail()". */
int
nfsc_fail(struct nfsc *clnt, int r, const char *fmt, ...)
{
	va_list ap;

	if (clnt == NULL)	/* a request outliving its client (nfsc_destroy) */
		return r;
	va_start(ap, fmt);
	vsnprintf(clnt->errmsg, sizeof clnt->errmsg, fmt, ap);
	va_end(ap);
	return r;
}

/* Mark the transport unusable (a lost reply leaves slot state unknown). */
int
nfsc_conn_kill(struct nfsc *clnt, int r)
{
	clnt->dead = 1;
	/* No reply can come any more: fail what is in flight now. */
	nfsc_session_abort(clnt, r);
	return r;
}

/* Describe the last failure. */
const char *
nfsc_error(const struct nfsc *clnt)
{
	return clnt->errmsg[0] != '\0' ? clnt->errmsg : "no error";
}

/* Count requests submitted and not yet collected. */
int
nfsc_inflight(const struct nfsc *clnt)
{
	return clnt->nsent + clnt->ndone + clnt->nretry;
}

/* Connect to host:port and return a client with no session yet. */
int
nfsc_connect(const struct nfsc_opts *opts, struct nfsc **clntp,
    char *errbuf, size_t errlen)
{
	struct nfsc *clnt;
	struct sockaddr_in sin;
	struct pollfd pfd;
	const char *host;
	int fd, one = 1, soerr = 0, r;
	socklen_t sl = sizeof soerr;
	uint8_t machine[64];
	int i, n;

	*clntp = NULL;
	if ((clnt = calloc(1, sizeof *clnt)) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return EFSGW_ERR_NOMEM;
	}
	clnt->opts = *opts;
	clnt->fd = -1;
	if (clnt->opts.port == 0)
		clnt->opts.port = 2049;
	if (clnt->opts.v40)
		clnt->opts.minor = 0;
	else if (clnt->opts.minor == 0)
		clnt->opts.minor = 1;
	if (clnt->opts.timeout_ms <= 0)
		clnt->opts.timeout_ms = 30000;
	if (clnt->opts.slots == 0)
		clnt->opts.slots = NFSC_DEF_SLOTS;
	if (clnt->opts.slots > NFSC_MAX_SLOTS)
		clnt->opts.slots = NFSC_MAX_SLOTS;
	if (clnt->opts.ngids < 0 || clnt->opts.ngids > NFSC_MAXGIDS)
		clnt->opts.ngids = NFSC_MAXGIDS;
	host = clnt->opts.host != NULL ? clnt->opts.host : "127.0.0.1";
	clnt->opts.host = NULL;	/* not kept: borrowed from the caller */
	clnt->next_xid = (uint32_t)getpid() * 2654435761u ^ (uint32_t)mono_ms();

	/*
	 * The credential never changes, so it is encoded once: opaque_auth
	 * (RFC 5531 §8.2) holding authsys_parms (§14.1) or AUTH_NONE.
	 */
	nfsc_enc_init(&clnt->cred);
	if (clnt->opts.auth == NFSC_AUTH_NONE) {
		nfsc_enc_u32(&clnt->cred, 0);
		nfsc_enc_u32(&clnt->cred, 0);
	} else {
		struct nfsc_enc body;

		nfsc_enc_init(&body);
		nfsc_enc_u32(&body, (uint32_t)time(NULL));
		if (gethostname((char *)machine, sizeof machine - 1) != 0)
			strcpy((char *)machine, "nfsc");
		machine[sizeof machine - 1] = '\0';
		nfsc_enc_string(&body, (char *)machine);
		nfsc_enc_u32(&body, clnt->opts.uid);
		nfsc_enc_u32(&body, clnt->opts.gid);
		n = clnt->opts.ngids;
		nfsc_enc_u32(&body, (uint32_t)n);
		for (i = 0; i < n; i++)
			nfsc_enc_u32(&body, clnt->opts.gids[i]);
		nfsc_enc_u32(&clnt->cred, 1);	/* AUTH_SYS */
		nfsc_enc_opaque(&clnt->cred, body.p, body.len);
		if (body.err != 0)
			clnt->cred.err = body.err;
		nfsc_enc_free(&body);
	}
	if (clnt->cred.err != 0) {
		snprintf(errbuf, errlen, "credential: %s", efsgw_err(clnt->cred.err));
		r = clnt->cred.err;
		goto fail;
	}

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)clnt->opts.port);
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		snprintf(errbuf, errlen, "%s: not a numeric IPv4 address", host);
		r = EFSGW_ERR_BAD_VALUE;
		goto fail;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		snprintf(errbuf, errlen, "socket: %s", strerror(errno));
		r = EFSGW_ERR_SYSTEM;
		goto fail;
	}
	clnt->fd = fd;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		if (errno != EINPROGRESS) {
			snprintf(errbuf, errlen, "connect %s:%d: %s", host,
			    clnt->opts.port, strerror(errno));
			r = EFSGW_ERR_SYSTEM;
			goto fail;
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if ((r = poll(&pfd, 1, clnt->opts.timeout_ms)) <= 0) {
			snprintf(errbuf, errlen, "connect %s:%d: %s", host,
			    clnt->opts.port, r == 0 ? "timed out" : strerror(errno));
			r = EFSGW_ERR_SYSTEM;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1 ||
		    soerr != 0) {
			snprintf(errbuf, errlen, "connect %s:%d: %s", host,
			    clnt->opts.port, strerror(soerr ? soerr : errno));
			r = EFSGW_ERR_SYSTEM;
			goto fail;
		}
	}
	if (clnt->opts.tls && (r = nfsc_tls_start(clnt, mono_ms() +
	    clnt->opts.timeout_ms, errbuf, errlen)) != 0)
		goto fail;
	/* Borrowed for this call only (see nfsc.h). */
	clnt->opts.cafile = clnt->opts.cert = clnt->opts.key = NULL;
	clnt->opts.servername = NULL;
	*clntp = clnt;
	return 0;
fail:
	if (clnt->fd != -1)
		close(clnt->fd);
	nfsc_enc_free(&clnt->cred);
	free(clnt);
	return r;
}

/* Start a fragment after its mark arrived; 0 or a negative code. */
static int
nfsc_conn_mark(struct nfsc *clnt)
{
	uint32_t mark = xdrbuf_load_u32(clnt->hdr);
	uint8_t *nb;
	size_t need;

	clnt->lastfrag = (mark & 0x80000000u) != 0;
	clnt->fragleft = mark & 0x7fffffffu;
	if (clnt->fragleft > NFSC_MAX_RECORD ||
	    clnt->rlen + clnt->fragleft > NFSC_MAX_RECORD)
		return nfsc_fail(clnt, EFSGW_ERR_TOO_LONG,
		    "reply record over %d bytes", NFSC_MAX_RECORD);
	need = clnt->rlen + clnt->fragleft;
	if (need > clnt->rcap) {
		if ((nb = realloc(clnt->rbuf, need ? need : 4)) == NULL)
			return nfsc_fail(clnt, EFSGW_ERR_NOMEM, "out of memory");
		clnt->rbuf = nb;
		clnt->rcap = need;
	}
	return 0;
}

/* A fragment ended: hand a finished record to the session layer. */
static void
nfsc_conn_fragment_done(struct nfsc *clnt, int *ndone)
{
	uint8_t *rec;
	size_t len;

	clnt->hdrlen = 0;
	if (!clnt->lastfrag)
		return;
	rec = clnt->rbuf;
	len = clnt->rlen;
	clnt->rbuf = NULL;
	clnt->rlen = clnt->rcap = 0;
	nfsc_session_dispatch(clnt, rec, len);
	(*ndone)++;
}

/* Feed staged bytes through the record-marking state machine. */
static int
nfsc_conn_consume(struct nfsc *clnt, int *ndone)
{
	size_t n;
	int r;

	while (clnt->stoff < clnt->stlen) {
		if (clnt->hdrlen < 4) {
			clnt->hdr[clnt->hdrlen++] = clnt->stage[clnt->stoff++];
			if (clnt->hdrlen < 4)
				continue;
			if ((r = nfsc_conn_mark(clnt)) != 0)
				return r;
			if (clnt->fragleft == 0)
				nfsc_conn_fragment_done(clnt, ndone);
			continue;
		}
		n = clnt->stlen - clnt->stoff;
		if (n > clnt->fragleft)
			n = clnt->fragleft;
		memcpy(clnt->rbuf + clnt->rlen, clnt->stage + clnt->stoff, n);
		clnt->rlen += n;
		clnt->stoff += n;
		clnt->fragleft -= n;
		if (clnt->fragleft == 0)
			nfsc_conn_fragment_done(clnt, ndone);
	}
	clnt->stoff = clnt->stlen = 0;
	return 0;
}

/* Read what the socket has (without blocking) and dispatch whole records. */
static int
nfsc_conn_read(struct nfsc *clnt, int *ndone)
{
	ssize_t n;
	int i, r;

	for (i = 0; i < NFSC_READS_PER_PUMP; i++) {
		if (clnt->hdrlen == 4 && clnt->fragleft >= NFSC_DIRECT_READ) {
			/* A large body goes straight into the record. */
			n = nfsc_conn_recv(clnt, clnt->rbuf + clnt->rlen,
			    clnt->fragleft);
			if (n > 0) {
				clnt->rlen += (size_t)n;
				clnt->fragleft -= (size_t)n;
				if (clnt->fragleft == 0)
					nfsc_conn_fragment_done(clnt, ndone);
				continue;
			}
		} else {
			n = nfsc_conn_recv(clnt, clnt->stage, sizeof clnt->stage);
			if (n > 0) {
				clnt->stlen = (size_t)n;
				clnt->stoff = 0;
				if ((r = nfsc_conn_consume(clnt, ndone)) != 0)
					return nfsc_conn_kill(clnt, r);
				continue;
			}
		}
		if (n == 0)
			return nfsc_conn_kill(clnt, nfsc_fail(clnt,
			    EFSGW_ERR_SYSTEM, "server closed the connection"));
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		if (errno == EINTR)
			continue;
		return nfsc_conn_kill(clnt, nfsc_fail(clnt, EFSGW_ERR_SYSTEM,
		    "read: %s", strerror(errno)));
	}
	return 0;
}

/* Wait for and process replies until one arrives or the deadline passes. */
int
nfsc_conn_pump(struct nfsc *clnt, int64_t deadline_ms, int *timedout)
{
	struct pollfd pfd;
	int64_t left;
	int ndone = 0, r;

	*timedout = 0;
	if (clnt->dead)
		return EFSGW_ERR_SYSTEM;
	for (;;) {
		left = deadline_ms - mono_ms();
		if (left < 0)
			left = 0;
		pfd.fd = clnt->fd;
		pfd.events = nfsc_tls_events(clnt, POLLIN);
		pfd.revents = 0;
		/* Bytes already decrypted by OpenSSL never wake poll(). */
		if (nfsc_tls_pending(clnt)) {
			r = 1;
			pfd.revents = POLLIN;
		} else
			r = poll(&pfd, 1, (int)left);
		if (r == -1 && errno != EINTR)
			return nfsc_conn_kill(clnt, nfsc_fail(clnt,
			    EFSGW_ERR_SYSTEM, "poll: %s", strerror(errno)));
		if (r > 0) {
			if ((r = nfsc_conn_read(clnt, &ndone)) != 0)
				return r;
			if (ndone > 0)
				return 0;
		}
		if (mono_ms() >= deadline_ms) {
			*timedout = 1;
			return 0;
		}
	}
}

/* Send mark + hdr + body as one record of one fragment. */
int
nfsc_conn_send(struct nfsc *clnt, const void *hdr, size_t hdrlen,
    const void *body, size_t bodylen)
{
	uint8_t mark[4];
	struct iovec iov[3];
	struct pollfd pfd;
	int64_t deadline = mono_ms() + clnt->opts.timeout_ms, left;
	size_t total = hdrlen + bodylen, done = 0, skip;
	ssize_t n;
	int i, k, ndone = 0, r;

	if (clnt->dead)
		return nfsc_fail(clnt, EFSGW_ERR_SYSTEM,
		    "connection is down after an earlier failure");
	if (total > 0x7fffffffu)
		return nfsc_fail(clnt, EFSGW_ERR_TOO_LONG, "request too large");
	xdrbuf_store_u32(mark, 0x80000000u | (uint32_t)total);
	total += 4;
	while (done < total) {
		/* Rebuild the vector past what was already written. */
		struct { const void *p; size_t len; } part[3] = {
			{ mark, 4 }, { hdr, hdrlen }, { body, bodylen } };
		skip = done;
		for (i = 0, k = 0; i < 3; i++) {
			if (skip >= part[i].len) {
				skip -= part[i].len;
				continue;
			}
			iov[k].iov_base = (char *)(uintptr_t)part[i].p + skip;
			iov[k].iov_len = part[i].len - skip;
			skip = 0;
			k++;
		}
		n = nfsc_conn_sendv(clnt, iov, k);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK)
			return nfsc_conn_kill(clnt, nfsc_fail(clnt,
			    EFSGW_ERR_SYSTEM, "write: %s", strerror(errno)));
		left = deadline - mono_ms();
		if (left <= 0)
			return nfsc_conn_kill(clnt, nfsc_fail(clnt,
			    EFSGW_ERR_SYSTEM, "send timed out after %d s",
			    clnt->opts.timeout_ms / 1000));
		pfd.fd = clnt->fd;
		pfd.events = nfsc_tls_events(clnt, POLLOUT | POLLIN);
		pfd.revents = 0;
		if (nfsc_tls_pending(clnt))
			pfd.revents = POLLIN;
		else if (poll(&pfd, 1, (int)left) == -1 && errno != EINTR)
			return nfsc_conn_kill(clnt, nfsc_fail(clnt,
			    EFSGW_ERR_SYSTEM, "poll: %s", strerror(errno)));
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			if ((r = nfsc_conn_read(clnt, &ndone)) != 0)
				return r;
		}
	}
	return 0;
}
