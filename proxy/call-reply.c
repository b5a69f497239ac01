/*
 * efsgw - what the gateway does to the server's replies and callbacks
 * before the client sees them: every handle is sealed for the client's
 * scope (file system and access point), with the length of any attribute
 * list that holds one fixed up; PUTROOTFH/PUTPUBFH results get their own
 * opcodes back; the guard NVERIFYs call-plan.c put before LOOKUPPs (and
 * SECINFO_NO_NAMEs of the parent) are removed, or, when the server stopped
 * at one (the current handle was the root), turned into that op's
 * NFS4ERR_NOENT; the guard VERIFYs put after LOOKUPPs on access point
 * connections are removed, and when the server stopped at one (the parent
 * was not the one proven inside the access point) the LOOKUPP's own
 * result becomes NFS4ERR_NOENT; the op the gateway
 * refused is appended; a READ of a cold file served from its copy gets the
 * copy's bytes; pNFS is hidden from EXCHANGE_ID (RFC 8881
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

static struct rpc_edits call_reply_scratch;
/* Indexes of the edits that put a sealed handle, in order. */
static uint32_t *call_reply_seals;
static uint32_t call_reply_nseals, call_reply_maxseals;
/* Where those handles are in the rewritten record (call_reply_check). */
static uint32_t *call_reply_fhoff;

/* Bytes of an opaque<> of n bytes on the wire. */
static size_t
call_reply_wire(size_t n)
{
	return 4 + ((n + 3) & ~(size_t)3);
}

/* Seal the handle at mark m: replace its opaque with the sealed one. */
static int
call_reply_seal(struct conn *c, struct rpc_edits *e,
    const struct xdrbuf *b, const struct nfs4_mark *m)
{
	uint8_t fh[NFS4_FHSIZE], *out;
	size_t n;
	int r;

	if (m->len == 0 || m->len > SEAL_MAX_BACKEND_FH ||
	    xdrbuf_copy_at(b, m->off, fh, m->len) != 0)
		return EFSGW_ERR_TOO_LONG;
	out = rpc_edits_alloc(e, call_reply_wire(m->len + SEAL_OVERHEAD));
	memset(out, 0, call_reply_wire(m->len + SEAL_OVERHEAD));
	if ((r = seal_handle(&c->fs->keys, c->scope, fh, m->len, out + 4,
	    &n)) != 0)
		return r;
	xdrbuf_store_u32(out, (uint32_t)n);
	if (call_reply_nseals < call_reply_maxseals)
		call_reply_seals[call_reply_nseals++] = (uint32_t)e->n;
	rpc_edits_add(e, m->off - 4, call_reply_wire(m->len), out,
	    call_reply_wire(n));
	return 0;
}

/*
 * A READ of a released file served from its cold copy: the bytes read
 * from the tier in place of the zeros the server sent (the file kept its
 * size, so the server's length and eof are the file's). Should the server
 * have sent more than the gateway read (a count above what one served
 * READ takes), the answer becomes a short read of what was read, eof
 * false (RFC 8881 §18.22.4: the client reads on from there), never
 * zeros. m marks READ4resok.data's body; eof and the length precede it.
 */
static void
call_reply_tier_data(struct rpc_edits *e, const struct nfs4_mark *m,
    const struct pending *p)
{
	static const uint8_t zero[4];
	uint8_t *w;

	if (m->len <= p->tier_len) {
		rpc_edits_add(e, m->off, m->len, p->tier_data, m->len);
		return;
	}
	w = rpc_edits_alloc(e, 8);
	xdrbuf_store_u32(w, 0);
	xdrbuf_store_u32(w + 4, p->tier_len);
	rpc_edits_add(e, m->off - 8, 8, w, 8);
	rpc_edits_add(e, m->off, call_reply_wire(m->len) - 4, p->tier_data,
	    p->tier_len);
	rpc_edits_add(e, m->off + call_reply_wire(m->len) - 4, 0, zero,
	    call_reply_wire(p->tier_len) - 4 - p->tier_len);
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

/*
 * Walk the rewritten record in out (mark first) again: count results,
 * and a handle exactly where each seal went. Returns 0 or
 * EFSGW_ERR_MISMATCH (logged by the caller).
 */
static int
call_reply_verify(const struct rpc_edits *e, struct evbuffer *out,
    uint32_t minor, int cb, uint32_t count)
{
	struct xdrbuf b;
	const char *why;
	size_t i, s = 0;
	long delta = 0;
	int r;

	for (i = 0; i < e->n; i++) {
		if (s < call_reply_nseals && call_reply_seals[s] == i)
			/* the mark, the opaque's length word, then the body */
			call_reply_fhoff[s++] = (uint32_t)(4 + (long)e->v[i].off +
			    delta + 4);
		delta += (long)e->v[i].inslen - (long)e->v[i].del;
	}
	if ((r = call_stage_cursor(out, &b)) != 0)
		return r;
	r = call_reply_check(&b, minor, cb, count, call_reply_fhoff,
	    call_reply_nseals, call_compound_scratch(), &why);
	if (r != 0) {
		log_warn("a rewritten reply differs from what was sealed (%s)",
		    why != NULL ? why : efsgw_err(r));
		call_check_refused_reply();
		return EFSGW_ERR_MISMATCH;
	}
	return 0;
}

/* Rewrite a walked reply or callback for the client. */
int
call_reply_rewrite(struct conn *c, struct evbuffer *rec, const struct xdrbuf *b,
    const struct rpc_msg *m, const struct pending *p, struct evbuffer *out)
{
	const struct nfs4_compound *cmp = call_compound_scratch();
	struct rpc_edits *e = &call_reply_scratch;
	uint32_t j, k = 0, status, count, st, v;
	uint64_t v64;
	uint8_t *w;
	size_t grow;
	int unchanged;
	size_t need;
	int r;

	need = 64 + (size_t)cmp->nops * 16 +
	    (size_t)cmp->nmarks * (8 + call_reply_wire(NFS4_FHSIZE));
	rpc_edits_reset(e, 8 + (size_t)cmp->nops * 3 + (size_t)cmp->nmarks, need);
	if (call_reply_maxseals < cmp->nmarks + 1) {
		free(call_reply_seals);
		free(call_reply_fhoff);
		call_reply_maxseals = cmp->nmarks + 1;
		call_reply_seals = xreallocarray(NULL, call_reply_maxseals,
		    sizeof *call_reply_seals);
		call_reply_fhoff = xreallocarray(NULL, call_reply_maxseals,
		    sizeof *call_reply_fhoff);
	}
	call_reply_nseals = 0;
	status = cmp->status;
	count = cmp->count;
	if (p != NULL) {
		/* Slots 0 and 1: status and count, filled at the end. */
		rpc_edits_add(e, m->body_off, 4, NULL, 4);
		rpc_edits_add(e, cmp->count_off, 4, NULL, 4);
	}
	for (j = 0; j < cmp->nops; j++) {
		const struct nfs4_op_ref *op = &cmp->ops[j];

		if (p != NULL && BIT_ISSET(p->guard, j)) {
			if (op->status == NFS4_OK) {
				rpc_edits_add(e, op->start, op->end - op->start,
				    NULL, 0);
				count--;
			} else {
				/* The server stopped at the root: LOOKUPP's NOENT. */
				st = op->status == NFS4ERR_SAME ? NFS4ERR_NOENT :
				    op->status;
				w = rpc_edits_alloc(e, 8);
				xdrbuf_store_u32(w, BIT_ISSET(p->guard_sni, j) ?
				    OP_SECINFO_NO_NAME : OP_LOOKUPP);
				xdrbuf_store_u32(w + 4, st);
				rpc_edits_add(e, op->start, op->end - op->start,
				    w, 8);
				status = st;
			}
			while (k < cmp->nmarks && cmp->marks[k].op == j)
				k++;
			continue;
		}
		if (p != NULL && BIT_ISSET(p->postguard, j) && j > 0) {
			/*
			 * The VERIFY after a LOOKUPP: gone when it held; when
			 * the server stopped there (the parent is not the one
			 * proven inside the access point: a rename since),
			 * the LOOKUPP gets NOENT in its place.
			 */
			if (op->status != NFS4_OK) {
				st = op->status == NFS4ERR_NOT_SAME ? NFS4ERR_NOENT :
				    op->status;
				rpc_edits_word(e, cmp->ops[j - 1].start + 4, st);
				status = st;
			}
			rpc_edits_add(e, op->start, op->end - op->start, NULL, 0);
			count--;
			while (k < cmp->nmarks && cmp->marks[k].op == j)
				k++;
			continue;
		}
		if (p != NULL && BIT_ISSET(p->rootfix, j))
			rpc_edits_word(e, op->start, OP_PUTROOTFH);
		else if (p != NULL && BIT_ISSET(p->pubfix, j))
			rpc_edits_word(e, op->start, OP_PUTPUBFH);
		for (; k < cmp->nmarks && cmp->marks[k].op == j; k++) {
			const struct nfs4_mark *mk = &cmp->marks[k];

			switch (mk->kind) {
			case NFS4_MARK_FH:
				if ((r = call_reply_seal(c, e, b, mk)) != 0)
					return r;
				break;
			case NFS4_MARK_ATTRLIST:
				/* Only a list holding a handle changes length. */
				if ((grow = call_reply_growth(cmp, k)) != 0)
					rpc_edits_word(e, mk->off - 4,
					    mk->len + (uint32_t)grow);
				break;
			case NFS4_MARK_ATTR_MAXIO:
				/*
				 * maxread / maxwrite (RFC 8881 §5.8.2.20-21):
				 * no more than one record carries.
				 */
				v64 = (uint64_t)xdrbuf_word_at(b, mk->off) << 32 |
				    xdrbuf_word_at(b, mk->off + 4);
				if (v64 > call_io_max(c->conf)) {
					w = rpc_edits_alloc(e, 8);
					xdrbuf_store_u32(w, 0);
					xdrbuf_store_u32(w + 4, call_io_max(c->conf));
					rpc_edits_add(e, mk->off, 8, w, 8);
				}
				break;
			case NFS4_MARK_CHAN_MAXSIZE:
				/* RFC 8881 §18.36.3: the largest request/reply. */
				v = xdrbuf_word_at(b, mk->off);
				if (v > c->conf->max_record)
					rpc_edits_word(e, mk->off, c->conf->max_record);
				break;
			case NFS4_MARK_READ_DATA:
				if (p != NULL && p->tier_data != NULL &&
				    j == p->tier_op)
					call_reply_tier_data(e, mk, p);
				break;
			case NFS4_MARK_EXCHGID_FLAGS:
				v = xdrbuf_word_at(b, mk->off);
				v &= ~(uint32_t)(EXCHGID4_FLAG_USE_PNFS_MDS |
				    EXCHGID4_FLAG_USE_PNFS_DS);
				rpc_edits_word(e, mk->off,
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
		w = rpc_edits_alloc(e, 12);
		xdrbuf_store_u32(w, p->fail_opcode);
		xdrbuf_store_u32(w + 4, p->fail_status);
		xdrbuf_store_u32(w + 8, 0);
		rpc_edits_add(e, evbuffer_get_length(rec), 0, w,
		    nfs4_error_result_len(p->fail_opcode));
	}
	if (p != NULL) {
		w = rpc_edits_alloc(e, 8);
		xdrbuf_store_u32(w, status);
		xdrbuf_store_u32(w + 4, count);
		e->v[0].ins = w;
		e->v[1].ins = w + 4;
	}
	c->bytes_out += evbuffer_get_length(rec) + 4;
	if (e->overflow)
		return EFSGW_ERR_INTERNAL;
	/*
	 * Nothing changed but the status and count words, to the values they
	 * had (a READ, WRITE or GETATTR reply without a handle): the record
	 * goes out byte for byte as it was walked, so there is nothing to
	 * walk again. Any other edit is checked.
	 */
	unchanged = (p == NULL && e->n == 0) || (p != NULL && e->n == 2 &&
	    status == cmp->status && count == cmp->count);
	if ((r = rpc_edit_apply(rec, e->v, e->n, out)) != 0)
		return r;
	if (unchanged)
		return 0;
	return call_reply_verify(e, out, p != NULL ? p->minor : cmp->minorversion,
	    p == NULL, p != NULL ? count : cmp->count);
}
