/*
 * efsgw - writing a record with changes applied: the gateway rewrites a
 * few words of a call or reply (an op count, an opcode, a file handle)
 * and moves every other byte, READ and WRITE payloads included, from the
 * input chains to the output without copying them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <event2/buffer.h>

#include "proxy.h"

/* Write rec with edits applied as one RPC record on out. */
int
rpc_edit_apply(struct evbuffer *rec, struct rpc_edit *edits, size_t nedits,
    struct evbuffer *out)
{
	size_t len = evbuffer_get_length(rec), total = len, pos = 0, i, n;
	int r;

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
