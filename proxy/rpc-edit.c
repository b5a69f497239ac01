/*
 * efsgw - writing a record with changes applied: the gateway rewrites a
 * few words of a call or reply (an op count, an opcode, a file handle)
 * and moves every other byte, READ and WRITE payloads included, from the
 * input chains to the output without copying them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <time.h>

#include <event2/buffer.h>

#include "proxy.h"

/* Write rec with edits applied as one RPC record on out. */
int
rpc_edit_apply(struct evbuffer *rec, struct rpc_edit *edits, size_t nedits,
    struct evbuffer *out)
{
	size_t len = evbuffer_get_length(rec), total = len, pos = 0, i, n;
	int r;

	if (nedits > 0 && edits == NULL)
		return EFSGW_ERR_INTERNAL;

	for (i = 0; i < nedits; i++) {
		if (edits[i].off < pos || edits[i].off > len ||
		    edits[i].del > len - edits[i].off)
			return EFSGW_ERR_INTERNAL;
		pos = edits[i].off + edits[i].del;
		total = total - edits[i].del + edits[i].inslen;
	}
	if ((r = rpc_record_put_mark(out, total)) != 0)
		return r;
	pos = 0;
	for (i = 0; i < nedits; i++) {
		n = edits[i].off - pos;
		if (n > 0 && evbuffer_remove_buffer(rec, out, n) != (int)n)
			return EFSGW_ERR_NOMEM;
		if (edits[i].del > 0 && evbuffer_drain(rec, edits[i].del) != 0)
			return EFSGW_ERR_NOMEM;
		if (edits[i].inslen > 0 &&
		    evbuffer_add(out, edits[i].ins, edits[i].inslen) != 0)
			return EFSGW_ERR_NOMEM;
		pos = edits[i].off + edits[i].del;
	}
	if (evbuffer_add_buffer(out, rec) != 0)
		return EFSGW_ERR_NOMEM;
	return 0;
}

/* Clear the list and make room for nedits edits and bytes inserted bytes. */
void
rpc_edits_reset(struct rpc_edits *e, size_t nedits, size_t bytes)
{
	if (e->cap < bytes) {
		free(e->arena);
		e->arena = xmalloc(bytes);
		e->cap = bytes;
	}
	if (e->max < nedits) {
		free(e->v);
		e->v = xreallocarray(NULL, nedits, sizeof *e->v);
		e->max = nedits;
	}
	e->n = 0;
	e->used = 0;
	e->overflow = 0;
}

/* Note an overflow: the list is refused; one log line a second at most. */
static void
rpc_edits_overflow(struct rpc_edits *e, const char *what)
{
	static time_t last;
	time_t now = time(NULL);

	e->overflow = 1;
	if (now != last) {
		last = now;
		log_warn("rpc edits: %s overflow (%zu edits, %zu of %zu bytes); "
		    "the record is refused", what, e->n, e->used, e->cap);
	}
}

/* Bytes from the arena, sized by rpc_edits_reset so pointers stay valid. */
uint8_t *
rpc_edits_alloc(struct rpc_edits *e, size_t n)
{
	static uint8_t sink[RPC_EDITS_MAX_ALLOC];
	uint8_t *p;

	if (e->arena == NULL || e->cap - e->used < n || n > sizeof sink) {
		rpc_edits_overflow(e, "arena");
		return sink;
	}
	p = e->arena + e->used;
	e->used += (n + 3) & ~(size_t)3;
	return p;
}

/* Add an edit (callers add them in offset order). */
void
rpc_edits_add(struct rpc_edits *e, size_t off, size_t del, const void *ins,
    size_t inslen)
{
	if (e->n == e->max) {
		rpc_edits_overflow(e, "list");
		return;
	}
	e->v[e->n++] = (struct rpc_edit){ off, del, ins, inslen };
}

/* Replace the 4-byte word at off with v. */
void
rpc_edits_word(struct rpc_edits *e, size_t off, uint32_t v)
{
	uint8_t *w = rpc_edits_alloc(e, 4);

	xdrbuf_store_u32(w, v);
	rpc_edits_add(e, off, 4, w, 4);
}
