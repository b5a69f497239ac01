/*
 * efsgw - the call and reply pipeline of one connection.
 *
 * Every record is parsed before a byte of it moves on: the RPC header
 * (RFC 5531 §9), then the whole COMPOUND (RFC 8881 §16.2) by the op
 * walker. What the gateway will not forward it answers itself: RPC-level
 * errors for other programs, versions and flavours; an op that does not
 * decode or that the gateway refuses ends the COMPOUND there. The ops
 * before it still go to the server (truncated COMPOUND) and the gateway
 * appends the refused op's result to the server's reply, so the client
 * sees one well-formed COMPOUND4res that stops at that op, as a server
 * would have produced (RFC 8881 §15.2).
 *
 * Clients see the export's root as "/": PUTROOTFH (and PUTPUBFH) become
 * PUTFH of the export's root handle, their result opcodes are put back in
 * the reply, and LOOKUPP from that root answers NFS4ERR_NOENT as it would
 * at a server's root (RFC 7530 §16.14).
 *
 * The backchannel (server CB_COMPOUND calls on the same connection, RFC
 * 8881 §2.10.3.1) is walked the same way in both directions.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "conn.h"

/* Bytes inserted for one PUTROOTFH -> PUTFH rewrite. */
#define CALL_INS_SLOT	(8 + NFS4_FHSIZE)
#define CALL_MAX_EDITS	(EFSGW_MAX_OPS + 4)

/* Where the current filehandle is known to be while planning a COMPOUND. */
enum call_fh { FH_UNKNOWN, FH_ROOT, FH_OTHER, FH_NONE };

#define BIT_SET(a, i)	((a)[(i) / 8] |= (uint8_t)(1u << ((i) % 8)))
#define BIT_ISSET(a, i)	(((a)[(i) / 8] >> ((i) % 8)) & 1u)

/* Send an accepted-reply header with stat and nothing else. */
static int
call_reply_rpc(struct conn *c, uint32_t xid, uint32_t stat)
{
	struct evbuffer *msg = evbuffer_new();
	int r;

	if (msg == NULL)
		return EFSGW_ERR_NOMEM;
	if ((r = rpc_msg_put_accepted(msg, xid, stat)) == 0)
		r = conn_send_client(c, msg);
	evbuffer_free(msg);
	return r;
}

/*
 * Answer a COMPOUND ourselves: status, the client's tag, and (when opcode
 * is not 0) one result for opcode carrying status (RFC 8881 §16.2.3).
 */
static int
call_reply_compound(struct conn *c, const struct xdrbuf *b, uint32_t xid,
    uint32_t opcode, uint32_t status, int with_result)
{
	struct evbuffer *msg = evbuffer_new();
	uint8_t tag[EFSGW_MAX_TAG];
	uint32_t taglen = 0;
	int r;

	if (msg == NULL)
		return EFSGW_ERR_NOMEM;
	if (c->cmp->tag_off != 0 && c->cmp->tag_len <= sizeof tag &&
	    xdrbuf_copy_at(b, c->cmp->tag_off + 4, tag, c->cmp->tag_len) == 0)
		taglen = c->cmp->tag_len;
	if ((r = rpc_msg_put_accepted(msg, xid, RPC_SUCCESS)) != 0 ||
	    (r = xdrbuf_put_u32(msg, status)) != 0 ||
	    (r = xdrbuf_put_opaque(msg, tag, taglen)) != 0 ||
	    (r = xdrbuf_put_u32(msg, with_result ? 1 : 0)) != 0)
		goto out;
	if (with_result && ((r = xdrbuf_put_u32(msg, opcode)) != 0 ||
	    (r = xdrbuf_put_u32(msg, status)) != 0))
		goto out;
	r = conn_send_client(c, msg);
out:
	evbuffer_free(msg);
	return r;
}

/* Return the FH mark of op i, or NULL. */
static const struct nfs4_mark *
call_op_fh(const struct nfs4_compound *cmp, uint32_t i)
{
	uint32_t k;

	for (k = 0; k < cmp->nmarks; k++) {
		if (cmp->marks[k].op == i && cmp->marks[k].kind == NFS4_MARK_FH)
			return &cmp->marks[k];
	}
	return NULL;
}

/* Is the handle at mark m the root handle? */
static int
call_is_root(const struct xdrbuf *b, const struct nfs4_mark *m,
    const uint8_t *root, size_t rootlen)
{
	uint8_t fh[NFS4_FHSIZE];

	if (m == NULL || root == NULL || m->len != rootlen || rootlen > sizeof fh)
		return 0;
	if (xdrbuf_copy_at(b, m->off, fh, m->len) != 0)
		return 0;
	return memcmp(fh, root, rootlen) == 0;
}

/* The plan for one COMPOUND: rewrites and where the gateway stops it. */
struct call_plan {
	struct rpc_edit	 edits[CALL_MAX_EDITS];
	size_t		 nedits;
	int		 fail_at;	/* -1: forward every op */
	uint32_t	 fail_opcode;
	uint32_t	 fail_status;
	uint8_t		 count[4];
};

/* Stop the COMPOUND at op i with status. */
static void
call_plan_fail(struct call_plan *plan, uint32_t i, uint32_t opcode,
    uint32_t status)
{
	plan->fail_at = (int)i;
	plan->fail_opcode = opcode;
	plan->fail_status = status;
}

/*
 * Walk the decoded ops and plan what changes: root rewrites, LOOKUPP at
 * the root. Fills p's fix bitmaps.
 */
static void
call_plan_ops(struct conn *c, const struct xdrbuf *b, struct call_plan *plan,
    struct pending *p, uint32_t nops)
{
	struct nfs4_compound *cmp = c->cmp;
	const uint8_t *root = NULL;
	size_t rootlen = 0, k;
	enum call_fh cur = FH_NONE, saved = FH_NONE;
	uint32_t i, op;
	uint8_t *ins;

	fsroot_get(gateway_fsroot(c->gw, c->fs_id), &root, &rootlen);
	for (i = 0; i < nops; i++) {
		op = cmp->ops[i].opcode;
		switch (op) {
		case OP_PUTROOTFH:
		case OP_PUTPUBFH:
			if (root == NULL) {
				/* The backend has not answered the probe yet. */
				call_plan_fail(plan, i, op, NFS4ERR_DELAY);
				return;
			}
			if (c->ins == NULL)
				c->ins = xmalloc((size_t)EFSGW_MAX_OPS * CALL_INS_SLOT);
			ins = c->ins + (size_t)i * CALL_INS_SLOT;
			xdrbuf_store_u32(ins, OP_PUTFH);
			xdrbuf_store_u32(ins + 4, (uint32_t)rootlen);
			memcpy(ins + 8, root, rootlen);
			for (k = rootlen; k % 4 != 0; k++)
				ins[8 + k] = 0;
			plan->edits[plan->nedits].off = cmp->ops[i].start;
			plan->edits[plan->nedits].del = 4;
			plan->edits[plan->nedits].ins = ins;
			plan->edits[plan->nedits].inslen = 8 + k;
			plan->nedits++;
			if (op == OP_PUTROOTFH)
				BIT_SET(p->rootfix, i);
			else
				BIT_SET(p->pubfix, i);
			p->nfix++;
			cur = FH_ROOT;
			break;
		case OP_PUTFH:
			cur = call_is_root(b, call_op_fh(cmp, i), root, rootlen) ?
			    FH_ROOT : FH_OTHER;
			break;
		case OP_LOOKUPP:
			if (cur == FH_ROOT) {
				call_plan_fail(plan, i, op, NFS4ERR_NOENT);
				return;
			}
			cur = FH_UNKNOWN;
			break;
		case OP_SAVEFH:
			saved = cur;
			break;
		case OP_RESTOREFH:
			cur = saved;
			break;
		case OP_GETATTR:
		case OP_GETFH:
		case OP_ACCESS:
		case OP_READ:
		case OP_WRITE:
		case OP_COMMIT:
		case OP_SEQUENCE:
		case OP_NVERIFY:
		case OP_READDIR:
		case OP_SETATTR:
		case OP_CLOSE:
			break;		/* the current filehandle stays */
		default:
			cur = FH_UNKNOWN;
			break;
		}
	}
}

/* Forward the planned call to the server and remember it. */
static int
call_forward(struct conn *c, struct evbuffer *rec, struct call_plan *plan,
    struct pending *p, uint32_t count)
{
	struct evbuffer *out = bufferevent_get_output(c->bbev);
	int r;

	if (plan->fail_at > 0) {
		/* Send only the ops before the refused one. */
		xdrbuf_store_u32(plan->count, (uint32_t)plan->fail_at);
		memmove(&plan->edits[1], &plan->edits[0],
		    plan->nedits * sizeof plan->edits[0]);
		plan->edits[0].off = c->cmp->count_off;
		plan->edits[0].del = 4;
		plan->edits[0].ins = plan->count;
		plan->edits[0].inslen = 4;
		plan->nedits++;
		plan->edits[plan->nedits].off = c->cmp->ops[plan->fail_at].start;
		plan->edits[plan->nedits].del = evbuffer_get_length(rec) -
		    c->cmp->ops[plan->fail_at].start;
		plan->edits[plan->nedits].ins = NULL;
		plan->edits[plan->nedits].inslen = 0;
		plan->nedits++;
		p->has_fail = 1;
		p->fail_opcode = plan->fail_opcode;
		p->fail_status = plan->fail_status;
		p->fwd_count = (uint32_t)plan->fail_at;
	} else
		p->fwd_count = count;
	if ((r = rpc_edit_apply(rec, plan->edits, plan->nedits, out)) != 0) {
		pending_put(c, p);
		return r;
	}
	pending_insert(&c->fore, p);
	return 0;
}

/* A COMPOUND call from the client. */
static int
call_compound(struct conn *c, struct evbuffer *rec, struct xdrbuf *b,
    const struct rpc_msg *m)
{
	struct nfs4_compound *cmp = c->cmp;
	struct call_plan plan;
	struct pending *p;
	uint32_t op0 = OP_ILLEGAL;
	uint8_t word[4];
	int r;

	memset(cmp, 0, offsetof(struct nfs4_compound, ops));
	cmp->nmarks = 0;
	r = nfs4_walk_compound_args(b, cmp);
	plan.nedits = 0;
	plan.fail_at = -1;
	if (r == EFSGW_ERR_BAD_VALUE && cmp->count_off == 0 &&
	    cmp->minorversion > NFS4_MAX_MINOR) {
		/* RFC 8881 §16.2.3: an empty result array. */
		return call_reply_compound(c, b, m->xid, 0,
		    NFS4ERR_MINOR_VERS_MISMATCH, 0);
	}
	if (r != 0 && cmp->count_off == 0) {
		conn_log_bad(c, "xid %08x: COMPOUND header does not decode: %s",
		    m->xid, efsgw_err(r));
		return call_reply_rpc(c, m->xid, RPC_GARBAGE_ARGS);
	}
	if (r == EFSGW_ERR_TOO_MANY) {
		/* RFC 8881 §2.10.6.4 (4.1+), RFC 7530 §15.2 (4.0: RESOURCE). */
		if (xdrbuf_copy_at(b, cmp->count_off + 4, word, 4) == 0)
			op0 = xdrbuf_load_u32(word);
		conn_log_bad(c, "xid %08x: COMPOUND of %u ops", m->xid, cmp->count);
		return call_reply_compound(c, b, m->xid, op0,
		    cmp->minorversion == 0 ? NFS4ERR_RESOURCE :
		    NFS4ERR_TOO_MANY_OPS, 1);
	}
	if (r == EFSGW_ERR_TRAILING && cmp->nops == cmp->count) {
		conn_log_bad(c, "xid %08x: bytes after the last op", m->xid);
		return call_reply_rpc(c, m->xid, RPC_GARBAGE_ARGS);
	}
	if (r != 0) {
		uint32_t opc = cmp->nops < EFSGW_MAX_OPS ?
		    cmp->ops[cmp->nops].opcode : OP_ILLEGAL;

		if (r == EFSGW_ERR_UNKNOWN_OP)
			call_plan_fail(&plan, cmp->nops, OP_ILLEGAL,
			    NFS4ERR_OP_ILLEGAL);
		else
			call_plan_fail(&plan, cmp->nops, opc, NFS4ERR_BADXDR);
		conn_log_bad(c, "xid %08x: op %u (%s) refused: %s", m->xid,
		    cmp->nops, nfs4_op_name(opc), efsgw_err(r));
	}
	c->seen_compound = 1;
	p = pending_get(c);
	p->xid = m->xid;
	p->proc = NFSPROC4_COMPOUND;
	p->minor = cmp->minorversion;
	call_plan_ops(c, b, &plan, p,
	    plan.fail_at >= 0 ? (uint32_t)plan.fail_at : cmp->nops);
	if (plan.fail_at == 0) {
		pending_put(c, p);
		return call_reply_compound(c, b, m->xid, plan.fail_opcode,
		    plan.fail_status, 1);
	}
	if ((r = call_forward(c, rec, &plan, p, cmp->count)) != 0)
		return r;
	return 0;
}

/* A reply from the client to one of the server's callbacks. */
static int
call_cb_reply(struct conn *c, struct evbuffer *rec, struct xdrbuf *b,
    const struct rpc_msg *m)
{
	struct pending *p;
	int r = 0;

	if ((p = pending_take(&c->back, m->xid)) == NULL) {
		conn_log_bad(c, "reply xid %08x matches no callback", m->xid);
		return 0;
	}
	if (p->proc == CB_PROC_COMPOUND && m->reply_stat == RPC_MSG_ACCEPTED &&
	    m->accept_stat == RPC_SUCCESS) {
		memset(c->cmp, 0, offsetof(struct nfs4_compound, ops));
		c->cmp->nmarks = 0;
		r = nfs4_walk_cb_compound_res(b, p->minor, c->cmp);
	}
	pending_put(c, p);
	if (r != 0) {
		conn_log_bad(c, "callback reply xid %08x does not decode: %s",
		    m->xid, efsgw_err(r));
		return 0;	/* the server's callback times out instead */
	}
	gateway_capture(c->gw, "cbreply", rec);
	return rpc_edit_apply(rec, NULL, 0, bufferevent_get_output(c->bbev));
}

/* Handle one record from the client. */
int
call_from_client(struct conn *c, struct evbuffer *rec)
{
	struct xdrbuf b;
	struct rpc_msg m;
	struct pending *p;
	int n, r;

	gateway_capture(c->gw, "call", rec);
	if ((n = conn_peek(c, rec)) < 0)
		return conn_abort(c, "cannot read record", 0);
	xdrbuf_init(&b, c->vec, n);
	if ((r = rpc_msg_parse(&b, &m)) != 0)
		return conn_abort(c, "malformed RPC header", r);
	if (m.type == RPC_REPLY)
		r = call_cb_reply(c, rec, &b, &m);
	else if (m.rpcvers != 2) {
		struct evbuffer *msg = evbuffer_new();
		if (msg == NULL)
			return conn_abort(c, "out of memory", 0);
		r = rpc_msg_put_rpc_mismatch(msg, m.xid);
		if (r == 0)
			r = conn_send_client(c, msg);
		evbuffer_free(msg);
	} else if (m.prog != NFS4_PROGRAM) {
		/* Also efs-proxy's 400123: it then falls back to one connection. */
		conn_log_bad(c, "xid %08x: program %u is not NFS", m.xid, m.prog);
		r = call_reply_rpc(c, m.xid, RPC_PROG_UNAVAIL);
	} else if (m.vers != NFS4_VERSION) {
		struct evbuffer *msg = evbuffer_new();
		if (msg == NULL)
			return conn_abort(c, "out of memory", 0);
		r = rpc_msg_put_prog_mismatch(msg, m.xid, 4, 4);
		if (r == 0)
			r = conn_send_client(c, msg);
		evbuffer_free(msg);
	} else if (m.cred_flavor != AUTH_NONE && m.cred_flavor != AUTH_SYS) {
		struct evbuffer *msg = evbuffer_new();
		if (msg == NULL)
			return conn_abort(c, "out of memory", 0);
		r = rpc_msg_put_auth_error(msg, m.xid, AUTH_TOOWEAK);
		if (r == 0)
			r = conn_send_client(c, msg);
		evbuffer_free(msg);
	} else if (m.proc == NFSPROC4_NULL) {
		if (xdrbuf_remaining(&b) != 0)
			r = call_reply_rpc(c, m.xid, RPC_GARBAGE_ARGS);
		else {
			p = pending_get(c);
			p->xid = m.xid;
			p->proc = NFSPROC4_NULL;
			pending_insert(&c->fore, p);
			r = rpc_edit_apply(rec, NULL, 0,
			    bufferevent_get_output(c->bbev));
		}
	} else if (m.proc != NFSPROC4_COMPOUND)
		r = call_reply_rpc(c, m.xid, RPC_PROC_UNAVAIL);
	else
		r = call_compound(c, rec, &b, &m);
	if (r != 0)
		return conn_abort(c, "cannot queue output", r);
	return 0;
}

/* Put the reply's opcodes back and append the gateway's failed op. */
static int
call_reply_fixups(struct conn *c, struct evbuffer *rec,
    const struct rpc_msg *m, struct pending *p)
{
	struct nfs4_compound *cmp = c->cmp;
	struct rpc_edit edits[CALL_MAX_EDITS];
	uint8_t words[CALL_MAX_EDITS][8];
	size_t n = 0;
	uint32_t i;

	if (p->has_fail && cmp->status == NFS4_OK && cmp->nops == p->fwd_count) {
		xdrbuf_store_u32(words[n], p->fail_status);
		edits[n] = (struct rpc_edit){ m->body_off, 4, words[n], 4 };
		n++;
		xdrbuf_store_u32(words[n], cmp->count + 1);
		edits[n] = (struct rpc_edit){ cmp->count_off, 4, words[n], 4 };
		n++;
	}
	for (i = 0; i < cmp->nops && p->nfix > 0; i++) {
		if (BIT_ISSET(p->rootfix, i))
			xdrbuf_store_u32(words[n], OP_PUTROOTFH);
		else if (BIT_ISSET(p->pubfix, i))
			xdrbuf_store_u32(words[n], OP_PUTPUBFH);
		else
			continue;
		edits[n] = (struct rpc_edit){ cmp->ops[i].start, 4, words[n], 4 };
		n++;
	}
	if (p->has_fail && cmp->status == NFS4_OK && cmp->nops == p->fwd_count) {
		xdrbuf_store_u32(words[n], p->fail_opcode);
		xdrbuf_store_u32(words[n] + 4, p->fail_status);
		edits[n] = (struct rpc_edit){ evbuffer_get_length(rec), 0,
		    words[n], 8 };
		n++;
	}
	c->bytes_out += evbuffer_get_length(rec) + 4;
	return rpc_edit_apply(rec, edits, n, bufferevent_get_output(c->cbev));
}

/* A callback call from the server (NFSv4.1 backchannel). */
static int
call_cb_call(struct conn *c, struct evbuffer *rec, struct xdrbuf *b,
    const struct rpc_msg *m)
{
	struct pending *p;
	struct evbuffer *msg;
	int r = 0;

	if (m->proc == CB_PROC_COMPOUND) {
		memset(c->cmp, 0, offsetof(struct nfs4_compound, ops));
		c->cmp->nmarks = 0;
		r = nfs4_walk_cb_compound_args(b, c->cmp);
	} else if (m->proc != CB_PROC_NULL || xdrbuf_remaining(b) != 0)
		r = EFSGW_ERR_BAD_VALUE;
	if (r != 0) {
		log_warn("conn %llu: server callback xid %08x does not decode "
		    "(%s); answering GARBAGE_ARGS", (unsigned long long)c->id,
		    m->xid, efsgw_err(r));
		if ((msg = evbuffer_new()) == NULL)
			return EFSGW_ERR_NOMEM;
		if ((r = rpc_msg_put_accepted(msg, m->xid, RPC_GARBAGE_ARGS)) == 0)
			r = conn_send_backend(c, msg);
		evbuffer_free(msg);
		return r;
	}
	p = pending_get(c);
	p->xid = m->xid;
	p->proc = m->proc;
	p->minor = m->proc == CB_PROC_COMPOUND ? c->cmp->minorversion : 0;
	pending_insert(&c->back, p);
	gateway_capture(c->gw, "cbcall", rec);
	c->bytes_out += evbuffer_get_length(rec) + 4;
	return rpc_edit_apply(rec, NULL, 0, bufferevent_get_output(c->cbev));
}

/* Handle one record from the server. */
int
call_from_backend(struct conn *c, struct evbuffer *rec)
{
	struct xdrbuf b;
	struct rpc_msg m;
	struct pending *p;
	int n, r;

	gateway_capture(c->gw, "reply", rec);
	if ((n = conn_peek(c, rec)) < 0 || (r = rpc_msg_parse(
	    (xdrbuf_init(&b, c->vec, n), &b), &m)) != 0) {
		log_warn("conn %llu: %s: backend sent a malformed RPC header; "
		    "closing", (unsigned long long)c->id, c->fs_id);
		conn_free(c);
		return -1;
	}
	if (m.type == RPC_CALL) {
		if ((r = call_cb_call(c, rec, &b, &m)) != 0)
			return conn_abort(c, "cannot queue output", r);
		return 0;
	}
	if ((p = pending_take(&c->fore, m.xid)) == NULL) {
		log_debug("conn %llu: reply xid %08x matches no call; dropped",
		    (unsigned long long)c->id, m.xid);
		return 0;
	}
	r = 0;
	if (p->proc == NFSPROC4_COMPOUND && m.reply_stat == RPC_MSG_ACCEPTED &&
	    m.accept_stat == RPC_SUCCESS) {
		memset(c->cmp, 0, offsetof(struct nfs4_compound, ops));
		c->cmp->nmarks = 0;
		r = nfs4_walk_compound_res(&b, p->minor, c->cmp);
		if (r != 0) {
			log_warn("conn %llu: %s: reply xid %08x from the backend "
			    "does not decode (%s, op %u); answering SYSTEM_ERR",
			    (unsigned long long)c->id, c->fs_id, m.xid,
			    efsgw_err(r), c->cmp->nops);
			pending_put(c, p);
			return call_reply_rpc(c, m.xid, RPC_SYSTEM_ERR) == 0 ? 0 :
			    conn_abort(c, "cannot queue output", 0);
		}
		r = call_reply_fixups(c, rec, &m, p);
	} else if (xdrbuf_remaining(&b) != 0 && p->proc == NFSPROC4_NULL) {
		log_warn("conn %llu: NULL reply with a body; answering SYSTEM_ERR",
		    (unsigned long long)c->id);
		r = call_reply_rpc(c, m.xid, RPC_SYSTEM_ERR);
	} else {
		c->bytes_out += evbuffer_get_length(rec) + 4;
		r = rpc_edit_apply(rec, NULL, 0, bufferevent_get_output(c->cbev));
	}
	pending_put(c, p);
	if (r != 0)
		return conn_abort(c, "cannot queue output", r);
	return 0;
}
