/*
 * efsgw - bev-write: write now when nothing is queued.
 *
 * Appending to a bufferevent's output arms EPOLLOUT (epoll_ctl), takes an
 * event-loop pass to get it back, writes, and disarms it again (epoll_ctl):
 * three system calls and a pass for every small RPC reply. When nothing
 * is queued the message can go straight to the socket, and only what the
 * socket does not take is queued.
 *
 * Over TLS the write goes through the bufferevent's own SSL object. An
 * SSL_write that cannot finish (WANT_WRITE) must be retried with the same
 * bytes; the message is then queued as one chain, so the bufferevent's
 * next SSL_write is that retry (libevent sets
 * SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, so the buffer may move). Only
 * messages of one TLS record or less take this path.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "bev-write.h"

#define BEV_TLS_RECORD	(16 * 1024)	/* TLS plaintext record limit */

/* SSL_write all of msg (at most one record) now; 0 if it could not. */
static int
bev_tls_write_now(struct bufferevent *bev, struct evbuffer *msg)
{
	SSL *ssl = bufferevent_openssl_get_ssl(bev);
	size_t len = evbuffer_get_length(msg);
	unsigned char *p;
	int r;

	if (ssl == NULL || !SSL_is_init_finished(ssl) || len == 0 ||
	    len > BEV_TLS_RECORD || (p = evbuffer_pullup(msg, -1)) == NULL)
		return 0;	/* (one chain already: bev_write_now gathered it) */
	ERR_clear_error();
	r = SSL_write(ssl, p, (int)len);
	ERR_clear_error();	/* an error shows again on the next write */
	if (r <= 0)
		return 0;	/* msg, now one chain, is queued for the retry */
	evbuffer_drain(msg, (size_t)r);
	return 1;
}

int
bev_write_now(struct bufferevent *bev, struct evbuffer *msg, int tls)
{
	struct evbuffer *out = bufferevent_get_output(bev);
	size_t len = evbuffer_get_length(msg);

	/*
	 * bufferevent_openssl makes one SSL_write, so at least one TLS record
	 * and one send(2), of every chain: a message's small leading chains
	 * (an RPC record mark, a rewritten header) would each travel in a
	 * record of their own. Gather its start into one full record first.
	 */
	if (tls && evbuffer_pullup(msg, len < BEV_TLS_RECORD ? (ev_ssize_t)len :
	    BEV_TLS_RECORD) == NULL && len > 0)
		return -1;
	if (evbuffer_get_length(out) == 0) {
		if (tls)
			(void)bev_tls_write_now(bev, msg);
		else
			(void)evbuffer_write(msg, bufferevent_getfd(bev));
	}
	if (evbuffer_get_length(msg) > 0 && evbuffer_add_buffer(out, msg) != 0)
		return -1;
	return 0;
}
