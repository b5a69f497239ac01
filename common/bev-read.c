/*
 * efsgw - bev-read: big reads for plain-socket bufferevents.
 *
 * libevent 2.1's evbuffer_read takes at most EVBUFFER_MAX_READ (4 KiB) per
 * call, and bufferevent_socket reads once per event-loop pass: a 1 MiB
 * NFS WRITE or READ reply costs 256 passes of epoll_wait, FIONREAD, readv
 * and callbacks, whatever bufferevent_set_max_single_read says. libevent
 * 2.2 adds evbuffer_set_max_read for this; on 2.1 (Debian 12) a read
 * callback tops its input up itself. A bufferevent_socket keeps its input
 * frozen at the end so that nobody else appends to it; bev_read_more lifts
 * that for the one readv and sets it again, all inside the callback.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/ioctl.h>
#include <sys/uio.h>

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "bev-read.h"

#define BEV_TLS_RESERVE	(256 * 1024)	/* reserved per round of SSL_reads */
#define BEV_MMAP_THRESHOLD	(2 * 1024 * 1024)
#define BEV_TRIM_THRESHOLD	(32 * 1024 * 1024)

/* Trim n reserved vectors to want bytes in all (reservations may be larger). */
static int
bev_clamp(struct evbuffer_iovec *v, int n, size_t want)
{
	int i;

	for (i = 0; i < n && want > 0; i++) {
		if (v[i].iov_len > want)
			v[i].iov_len = want;
		want -= v[i].iov_len;
	}
	return i;
}

void
bev_read_tune_malloc(void)
{
	/*
	 * Served from the heap up to BEV_MMAP_THRESHOLD, and the heap's free
	 * top kept up to BEV_TRIM_THRESHOLD: after a burst of 1 MiB records
	 * the process keeps that much for the next one, no more.
	 */
	mallopt(M_MMAP_THRESHOLD, BEV_MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, BEV_TRIM_THRESHOLD);
}

void
bev_read_setup(struct bufferevent *bev, size_t max)
{
#ifdef HAVE_EVBUFFER_SET_MAX_READ
	evbuffer_set_max_read(bufferevent_get_input(bev), max);
#else
	(void)bev;
	(void)max;
#endif
}

size_t
bev_read_more(struct bufferevent *bev, size_t max)
{
#ifdef HAVE_EVBUFFER_SET_MAX_READ
	(void)bev;
	(void)max;
	return 0;
#else
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_iovec v[2];
	struct iovec iov[2];
	evutil_socket_t fd = bufferevent_getfd(bev);
	ssize_t got;
	size_t left;
	int avail = 0, n, i, used = 0;

	if (max == 0 || fd < 0 || ioctl(fd, FIONREAD, &avail) == -1 ||
	    avail <= 0)
		return 0;
	if ((size_t)avail > max)
		avail = (int)max;
	evbuffer_unfreeze(in, 0);
	if ((n = evbuffer_reserve_space(in, avail, v, 2)) <= 0) {
		evbuffer_freeze(in, 0);
		return 0;
	}
	n = bev_clamp(v, n, (size_t)avail);
	for (i = 0; i < n; i++) {
		iov[i].iov_base = v[i].iov_base;
		iov[i].iov_len = v[i].iov_len;
	}
	do
		got = readv(fd, iov, n);
	while (got == -1 && errno == EINTR);
	if (got > 0) {
		for (left = (size_t)got; used < n && left > 0; used++) {
			if (v[used].iov_len > left)
				v[used].iov_len = left;
			left -= v[used].iov_len;
		}
		evbuffer_commit_space(in, v, used);
	}
	evbuffer_freeze(in, 0);
	return got > 0 ? (size_t)got : 0;
#endif
}

/*
 * Why SSL_read returned r <= 0: 0 when it only needs more bytes, else
 * BEV_TLS_END or BEV_TLS_ERROR with the reason in *why.
 */
static int
bev_tls_why(SSL *ssl, int r, const char **why)
{
	int end = BEV_TLS_END;

	switch (SSL_get_error(ssl, r)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:	/* the bufferevent's own I/O sorts it */
		end = 0;
		break;
	case SSL_ERROR_ZERO_RETURN:
		*why = "close_notify";
		break;
	case SSL_ERROR_SYSCALL:
		*why = r == 0 ? "end of stream" : "socket error";
		break;
	default:
		*why = "TLS error";
		end = BEV_TLS_ERROR;
		break;
	}
	ERR_clear_error();
	return end;
}

/*
 * bufferevent_openssl reads 4 KiB, then what is left of that TLS record,
 * and stops at the record's end (libevent 2.1 and 2.2): 64 passes for a
 * 1 MiB WRITE. SSL_read here takes record after record; the SSL object is
 * the bufferevent's own, and OpenSSL keeps no data between the calls (no
 * read-ahead), so the bufferevent's next read finds the stream as it left
 * it: empty socket, next record unread.
 */
long
bev_tls_read_more(struct bufferevent *bev, size_t max, const char **why)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_iovec v[2];
	SSL *ssl = bufferevent_openssl_get_ssl(bev);
	size_t total = 0, off, cap, room;
	int n, i, r, used, stop = 0, end = 0;

	*why = NULL;
	if (ssl == NULL || !SSL_is_init_finished(ssl))
		return 0;	/* SSL_read would drive the handshake */
	/*
	 * Up to max bytes, then on to the end of the TLS record being read:
	 * plaintext left inside OpenSSL would wait for the socket to turn
	 * readable, which it may never do.
	 */
	while (!stop && (total < max || SSL_pending(ssl) > 0)) {
		/* The last chain's free tail first, then one new chain. */
		cap = total < max ? max - total : (size_t)SSL_pending(ssl);
		if (cap > BEV_TLS_RESERVE)
			cap = BEV_TLS_RESERVE;
		if ((n = evbuffer_reserve_space(in, (ev_ssize_t)cap, v, 2)) <= 0)
			break;
		n = bev_clamp(v, n, cap);
		for (i = 0, used = 0; i < n && !stop; i++) {
			for (off = 0; off < v[i].iov_len; off += (size_t)r) {
				room = v[i].iov_len - off;
				ERR_clear_error();
				r = SSL_read(ssl, (char *)v[i].iov_base + off,
				    room > INT_MAX ? INT_MAX : (int)room);
				if (r <= 0) {
					end = bev_tls_why(ssl, r, why);
					stop = 1;
					break;
				}
			}
			if (off > 0)
				used = i + 1;
			total += off;
			v[i].iov_len = off;	/* a short vector ends the list */
		}
		if (used > 0)
			evbuffer_commit_space(in, v, used);
	}
	if (end != 0 && total == 0)
		return end;
	return (long)total;	/* an end after data shows on the next call */
}
