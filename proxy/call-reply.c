/*
 * efsgw - what the gateway does to the server's replies and callbacks
 * before the client sees them: every handle is sealed for the client's
 * scope (file system and access point), with the length of any attribute
 * list that holds one fixed up; PUTROOTFH/PUTPUBFH results get their own
 * opcodes back; the guard NVERIFYs call-args.c put before LOOKUPPs are
 * removed, or, when the server stopped at one (the current handle was the
 * root), turned into that LOOKUPP's NFS4ERR_NOENT; the op the gateway
 * refused is appended; pNFS is hidden from EXCHANGE_ID (RFC 8881
 * §18.35.3: the server "MUST" be used as non-pNFS when USE_NON_PNFS is
 * the only role).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "conn.h"

#define EXCHGID4_FLAG_USE_NON_PNFS	0x00010000
#define EXCHGID4_FLAG_USE_PNFS_MDS	0x00020000
#define EXCHGID4_FLAG_USE_PNFS_DS	0x00040000

struct call_reply_edits {
	struct rpc_edit	*edits;
	size_t		 n;
	size_t		 max;
	uint8_t		*arena;
	size_t		 used;
	size_t		 cap;
};

static struct call_reply_edits call_reply_scratch;

/* Bytes of an opaque<> of n bytes on the wire. */
static size_t
call_reply_wire(size_t n)
{
	return 4 + ((n + 3) & ~(size_t)3);
}

/* Take n bytes of the arena (sized up front). */
static uint8_t *
call_reply_alloc(struct call_reply_edits *e, size_t n)
{
	uint8_t *p;

	if (e->cap - e->used < n)
		fatalx("reply arena overflow");
	p = e->arena + e->used;
	e->used += (n + 3) & ~(size_t)3;
	return p;
}

/* Add an edit. */
static void
call_reply_edit(struct call_reply_edits *e, size_t off, size_t del,
    const void *ins, size_t inslen)
{
	if (e->n == e->max)
		fatalx("reply edit overflow");
	e->edits[e->n++] = (struct rpc_edit){ off, del, ins, inslen };
}

/* Replace the word at off with v. */
static void
call_reply_word(struct call_reply_edits *e, size_t off, uint32_t v)
{
	uint8_t *w = call_reply_alloc(e, 4);

	xdrbuf_store_u32(w, v);
	call_reply_edit(e, off, 4, w, 4);
}

/* Read the word at off of the record. */
static uint32_t
call_reply_load(const struct xdrbuf *b, size_t off)
{
	uint8_t w[4];

	if (xdrbuf_copy_at(b, off, w, 4) != 0)
		return 0;
	return xdrbuf_load_u32(w);
}

/* Seal the handle at mark m: replace its opaque with the sealed one. */
static int
call_reply_seal(struct conn *c, struct call_reply_edits *e,
    const struct xdrbuf *b, const struct nfs4_mark *m)
{
	uint8_t fh[NFS4_FHSIZE], *out;
	size_t n;
	int r;

	if (m->len == 0 || m->len > SEAL_MAX_BACKEND_FH ||
	    xdrbuf_copy_at(b, m->off, fh, m->len) != 0)
		return EFSGW_ERR_TOO_LONG;
	out = call_reply_alloc(e, call_reply_wire(m->len + SEAL_OVERHEAD));
	memset(out, 0, call_reply_wire(m->len + SEAL_OVERHEAD));
	if ((r = seal_handle(&c->fs->keys, c->scope, fh, m->len, out + 4,
	    &n)) != 0)
		return r;
	xdrbuf_store_u32(out, (uint32_t)n);
	call_reply_edit(e, m->off - 4, call_reply_wire(m->len), out,
	    call_reply_wire(n));
	return 0;
}

/* Growth of the attribute list at marks[a] from the handles inside it. */
static size_t
call_reply_growth(const struct nfs4_compound *cmp, uint32_t a)
{
	const struct nfs4_mark *al = &cmp->marks[a], *m;
	size_t grow = 0;
	uint32_t k;

	for (k = a + 1; k < cmp->nmarks; k++) {
		m = &cmp->marks[k];
		if (m->off >= al->off + al->len)
			break;
		if (m->kind == NFS4_MARK_FH)
			grow += call_reply_wire(m->len + SEAL_OVERHEAD) -
			    call_reply_wire(m->len);
	}
	return grow;
}

/* Rewrite a walked reply or callback for the client. */
int
call_reply_rewrite(struct conn *c, struct evbuffer *rec, const struct xdrbuf *b,
    const struct rpc_msg *m, const struct pending *p, struct evbuffer *out)
{
	const struct nfs4_compound *cmp = call_compound_scratch();
	struct call_reply_edits *e = &call_reply_scratch;
	uint32_t j, k = 0, status, count, st, v;
	uint8_t *w;
	size_t need;
	int r;

	need = 64 + (size_t)cmp->nops * 16 +
	    (size_t)cmp->nmarks * (8 + call_reply_wire(NFS4_FHSIZE));
	if (e->cap < need) {
		free(e->arena);
		e->arena = xmalloc(need);
		e->cap = need;
	}
	need = 8 + (size_t)cmp->nops * 3 + (size_t)cmp->nmarks;
	if (e->max < need) {
		free(e->edits);
		e->edits = xreallocarray(NULL, need, sizeof *e->edits);
		e->max = need;
	}
	e->n = 0;
	e->used = 0;
	status = cmp->status;
	count = cmp->count;
	if (p != NULL) {
		/* Slots 0 and 1: status and count, filled at the end. */
		call_reply_edit(e, m->body_off, 4, NULL, 4);
		call_reply_edit(e, cmp->count_off, 4, NULL, 4);
	}
	for (j = 0; j < cmp->nops; j++) {
		const struct nfs4_op_ref *op = &cmp->ops[j];

		if (p != NULL && BIT_ISSET(p->guard, j)) {
			if (op->status == NFS4_OK) {
				call_reply_edit(e, op->start, op->end - op->start,
				    NULL, 0);
				count--;
			} else {
				/* The server stopped at the root: LOOKUPP's NOENT. */
				st = op->status == NFS4ERR_SAME ? NFS4ERR_NOENT :
				    op->status;
				w = call_reply_alloc(e, 8);
				xdrbuf_store_u32(w, OP_LOOKUPP);
				xdrbuf_store_u32(w + 4, st);
				call_reply_edit(e, op->start, op->end - op->start,
				    w, 8);
				status = st;
			}
			while (k < cmp->nmarks && cmp->marks[k].op == j)
				k++;
			continue;
		}
		if (p != NULL && BIT_ISSET(p->rootfix, j))
			call_reply_word(e, op->start, OP_PUTROOTFH);
		else if (p != NULL && BIT_ISSET(p->pubfix, j))
			call_reply_word(e, op->start, OP_PUTPUBFH);
		for (; k < cmp->nmarks && cmp->marks[k].op == j; k++) {
			const struct nfs4_mark *mk = &cmp->marks[k];

			switch (mk->kind) {
			case NFS4_MARK_FH:
				if ((r = call_reply_seal(c, e, b, mk)) != 0)
					return r;
				break;
			case NFS4_MARK_ATTRLIST:
				call_reply_word(e, mk->off - 4,
				    mk->len + (uint32_t)call_reply_growth(cmp, k));
				break;
			case NFS4_MARK_EXCHGID_FLAGS:
				v = call_reply_load(b, mk->off);
				v &= ~(uint32_t)(EXCHGID4_FLAG_USE_PNFS_MDS |
				    EXCHGID4_FLAG_USE_PNFS_DS);
				call_reply_word(e, mk->off,
				    v | EXCHGID4_FLAG_USE_NON_PNFS);
				break;
			default:
				break;
			}
		}
	}
	if (p != NULL && p->has_fail && cmp->status == NFS4_OK &&
	    cmp->nops == p->fwd_count) {
		status = p->fail_status;
		count++;
		w = call_reply_alloc(e, 12);
		xdrbuf_store_u32(w, p->fail_opcode);
		xdrbuf_store_u32(w + 4, p->fail_status);
		xdrbuf_store_u32(w + 8, 0);
		call_reply_edit(e, evbuffer_get_length(rec), 0, w,
		    nfs4_error_result_len(p->fail_opcode));
	}
	if (p != NULL) {
		w = call_reply_alloc(e, 8);
		xdrbuf_store_u32(w, status);
		xdrbuf_store_u32(w + 4, count);
		e->edits[0].ins = w;
		e->edits[1].ins = w + 4;
	}
	c->bytes_out += evbuffer_get_length(rec) + 4;
	return rpc_edit_apply(rec, e->edits, e->n, out);
}
