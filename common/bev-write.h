/*
 * efsgw - bev-write: write a message at once when a bufferevent has
 * nothing queued, instead of arming EPOLLOUT for it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_BEV_WRITE_H
#define EFSGW_BEV_WRITE_H

struct bufferevent;
struct evbuffer;

/*
 * Hand msg to bev: written at once when bev's output is empty (plain
 * sockets; over TLS when msg fits in one record), otherwise, and for
 * whatever the socket did not take, appended to bev's output as usual.
 * Over TLS the start of msg is first gathered into one chain of up to a
 * full record, so that it does not go out as several small records.
 * msg is left empty. Returns 0, or -1 when memory ran out.
 */
int	bev_write_now(struct bufferevent *bev, struct evbuffer *msg, int tls);

#endif
