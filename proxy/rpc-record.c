/*
 * efsgw - ONC RPC record marking over TCP (RFC 5531 §11): each record is
 * one or more fragments, each behind a 4-byte mark whose high bit says
 * "last fragment" and whose low 31 bits give the fragment's length.
 *
 * Reassembly moves evbuffer chains instead of copying bytes, enforces the
 * record size limit from the mark alone (before any body byte is read),
 * and caps the number of fragments so that a stream of empty fragments
 * cannot spin forever without growing the record.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include <event2/buffer.h>

#include "proxy.h"

#define RPC_RECORD_LAST		0x80000000u

struct rpc_record {
	struct evbuffer	*rec;		/* fragments so far, marks removed */
	size_t		 max;
	size_t		 skip_max;	/* larger records are skipped up to this */
	size_t		 total;		/* record bytes announced so far */
	int		 skipping;	/* over max: keep the head, drop the rest */
	uint32_t	 frag_left;	/* body bytes left in this fragment */
	int		 in_frag;	/* a mark was read, body pending */
	int		 last;		/* this fragment ends the record */
	unsigned	 nfrags;
};

/* New reassembler. */
struct rpc_record *
rpc_record_new(size_t max)
{
	struct rpc_record *rr;

	if ((rr = calloc(1, sizeof *rr)) == NULL)
		return NULL;
	if ((rr->rec = evbuffer_new()) == NULL) {
		free(rr);
		return NULL;
	}
	rr->max = max;
	return rr;
}

void
rpc_record_free(struct rpc_record *rr)
{
	if (rr == NULL)
		return;
	evbuffer_free(rr->rec);
	free(rr);
}

void
rpc_record_set_max(struct rpc_record *rr, size_t max)
{
	rr->max = max;
}

void
rpc_record_set_skip(struct rpc_record *rr, size_t skip_max)
{
	rr->skip_max = skip_max;
}

size_t
rpc_record_pending(const struct rpc_record *rr)
{
	return evbuffer_get_length(rr->rec) + (rr->in_frag ? 4 : 0);
}

size_t
rpc_record_wanted(const struct rpc_record *rr)
{
	return rr->in_frag && rr->frag_left > 0 ? rr->frag_left : 4;
}

/* Take n bytes of the current fragment: into the record, or dropped. */
static int
rpc_record_take(struct rpc_record *rr, struct evbuffer *in, size_t n)
{
	size_t have, keep = 0;

	if (rr->skipping) {
		have = evbuffer_get_length(rr->rec);
		if (have < RPC_RECORD_HEAD)
			keep = RPC_RECORD_HEAD - have < n ? RPC_RECORD_HEAD - have : n;
		if (keep > 0 && evbuffer_remove_buffer(in, rr->rec, keep) !=
		    (int)keep)
			return EFSGW_ERR_NOMEM;
		return evbuffer_drain(in, n - keep) == 0 ? 0 : EFSGW_ERR_NOMEM;
	}
	return evbuffer_remove_buffer(in, rr->rec, n) == (int)n ? 0 :
	    EFSGW_ERR_NOMEM;
}

/* Move bytes from in into the record being built. */
int
rpc_record_read(struct rpc_record *rr, struct evbuffer *in,
    struct evbuffer **recp)
{
	unsigned char mark[4];
	uint32_t v;
	size_t avail, n, limit;
	int r, skipped;

	*recp = NULL;
	for (;;) {
		if (!rr->in_frag) {
			if (evbuffer_get_length(in) < 4)
				return 0;
			evbuffer_remove(in, mark, 4);
			v = xdrbuf_load_u32(mark);
			rr->last = (v & RPC_RECORD_LAST) != 0;
			rr->frag_left = v & ~RPC_RECORD_LAST;
			rr->in_frag = 1;
			if (++rr->nfrags > RPC_RECORD_MAX_FRAGMENTS)
				return EFSGW_ERR_TOO_MANY;
			/*
			 * The limit is checked on the mark, before the body. A
			 * record over it but within skip_max is read past, its
			 * head kept so that the call can be answered.
			 */
			limit = rr->skip_max > rr->max ? rr->skip_max : rr->max;
			if (rr->total > limit || rr->frag_left > limit - rr->total)
				return EFSGW_ERR_TOO_LONG;
			rr->total += rr->frag_left;
			if (rr->total > rr->max)
				rr->skipping = 1;
		}
		if (rr->frag_left > 0) {
			if ((avail = evbuffer_get_length(in)) == 0)
				return 0;
			n = avail < rr->frag_left ? avail : rr->frag_left;
			if ((r = rpc_record_take(rr, in, n)) != 0)
				return r;
			rr->frag_left -= (uint32_t)n;
			if (rr->frag_left > 0)
				return 0;
		}
		rr->in_frag = 0;
		if (rr->last) {
			skipped = rr->skipping;
			*recp = rr->rec;
			rr->nfrags = 0;
			rr->last = 0;
			rr->total = 0;
			rr->skipping = 0;
			if ((rr->rec = evbuffer_new()) == NULL) {
				evbuffer_free(*recp);
				*recp = NULL;
				return EFSGW_ERR_NOMEM;
			}
			return skipped ? RPC_RECORD_SKIPPED : 1;
		}
	}
}

/* Append a last-fragment mark for len bytes. */
int
rpc_record_put_mark(struct evbuffer *out, size_t len)
{
	if (len > 0x7fffffff)
		return EFSGW_ERR_TOO_LONG;
	return xdrbuf_put_u32(out, (uint32_t)len | RPC_RECORD_LAST);
}

int
rpc_record_prepend_mark(struct evbuffer *rec, size_t len)
{
	uint32_t mark;

	if (len > 0x7fffffff)
		return EFSGW_ERR_TOO_LONG;
	mark = htonl((uint32_t)len | RPC_RECORD_LAST);
	return evbuffer_prepend(rec, &mark, sizeof mark) == 0 ? 0 :
	    EFSGW_ERR_NOMEM;
}
