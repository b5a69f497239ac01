/*
 * efsgw - bev-read: read what a plain socket holds into a bufferevent's
 * input in one readv, instead of libevent 2.1's 4 KiB per event-loop pass.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_BEV_READ_H
#define EFSGW_BEV_READ_H

#include <stddef.h>

struct bufferevent;

/*
 * Keep the buffers of big reads in the process: chains of up to 1 MiB are
 * allocated and freed for every big record, and glibc would map and unmap
 * each (a page fault per 4 KiB touched). Call once at start-up.
 */
void	bev_read_tune_malloc(void);

/*
 * Set bev (a bufferevent_socket, never a TLS one) up for reads of up to max
 * bytes per pass: with libevent >= 2.2 through evbuffer_set_max_read, and
 * otherwise by remembering nothing (bev_read_more does the work).
 */
void	bev_read_setup(struct bufferevent *bev, size_t max);

/*
 * Append to bev's input what its socket holds now, up to max bytes, with
 * one FIONREAD and one readv; call it from a read callback when a parser
 * needs more bytes. Returns the bytes added: 0 when the socket is empty,
 * at end of stream or on an error, all of which the bufferevent reports
 * itself on its next read. With libevent >= 2.2 it does nothing.
 */
size_t	bev_read_more(struct bufferevent *bev, size_t max);

/*
 * The same for a bufferevent_openssl, which decrypts one TLS record per
 * event-loop pass: SSL_read whole records into bev's input until the
 * socket is drained or max bytes came. Returns the bytes added (0 when
 * nothing was ready), or, when the stream ended here, BEV_TLS_END (the
 * peer closed: close_notify, end of stream, reset) or BEV_TLS_ERROR (bad
 * TLS input), with a static reason in *why: the caller closes.
 */
#define BEV_TLS_END	(-1)
#define BEV_TLS_ERROR	(-2)
long	bev_tls_read_more(struct bufferevent *bev, size_t max, const char **why);

#endif
