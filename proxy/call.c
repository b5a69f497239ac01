/*
 * efsgw - the call and reply pipeline of one connection: what kind of
 * record arrived and where it goes.
 *
 * Every record is parsed before a byte of it moves on: the RPC header
 * (RFC 5531 §9), then the whole COMPOUND (RFC 8881 §16.2) by the op
 * walker. What the gateway will not forward it answers itself: RPC-level
 * errors for other programs, versions and flavours; an op that does not
 * decode, or that the connection may not do (call-args.c), ends the
 * COMPOUND there. The ops before it still go to the server (a truncated
 * COMPOUND) and the gateway appends the refused op's result to the
 * server's reply (call-reply.c), so the client sees one well-formed
 * COMPOUND4res that stops at that op, as a server would (RFC 8881 §15.2).
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
#include "qos.h"

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

/* Send a reply header built by put (denied replies, mismatches). */
static int
call_reply_header(struct conn *c, int (*put)(struct evbuffer *, uint32_t,
    uint32_t), uint32_t xid, uint32_t arg)
{
	struct evbuffer *msg = evbuffer_new();
	int r;

	if (msg == NULL)
		return EFSGW_ERR_NOMEM;
	if ((r = put(msg, xid, arg)) == 0)
		r = conn_send_client(c, msg);
	evbuffer_free(msg);
	return r;
}

/* rpc_msg_put_rpc_mismatch with the common signature. */
static int
call_put_rpc_mismatch(struct evbuffer *msg, uint32_t xid, uint32_t unused)
{
	return rpc_msg_put_rpc_mismatch(msg, xid);
}

/* PROG_MISMATCH 4..4 with the common signature. */
static int
call_put_prog_mismatch(struct evbuffer *msg, uint32_t xid, uint32_t vers)
{
	return rpc_msg_put_prog_mismatch(msg, xid, vers, vers);
}

/*
 * Answer a COMPOUND ourselves: status, the client's tag, and (when
 * with_result) one result for opcode carrying status (RFC 8881 §16.2.3).
 */
static int
call_reply_compound(struct conn *c, const struct xdrbuf *b, uint32_t xid,
    uint32_t opcode, uint32_t status, int with_result)
{
	const struct nfs4_compound *cmp = call_compound_scratch();
	struct evbuffer *msg = evbuffer_new();
	uint8_t tag[EFSGW_MAX_TAG];
	uint32_t taglen = 0;
	int r;

	if (msg == NULL)
		return EFSGW_ERR_NOMEM;
	if (cmp->tag_off != 0 && cmp->tag_len <= sizeof tag &&
	    xdrbuf_copy_at(b, cmp->tag_off + 4, tag, cmp->tag_len) == 0)
		taglen = cmp->tag_len;
	if ((r = rpc_msg_put_accepted(msg, xid, RPC_SUCCESS)) != 0 ||
	    (r = xdrbuf_put_u32(msg, status)) != 0 ||
	    (r = xdrbuf_put_opaque(msg, tag, taglen)) != 0 ||
	    (r = xdrbuf_put_u32(msg, with_result ? 1 : 0)) != 0)
		goto out;
	if (with_result && ((r = xdrbuf_put_u32(msg, opcode)) != 0 ||
	    (r = xdrbuf_put_u32(msg, status)) != 0))
		goto out;
	/* SETATTR4res carries attrsset even on error: an empty bitmap. */
	if (with_result && nfs4_error_result_len(opcode) > 8 &&
	    (r = xdrbuf_put_u32(msg, 0)) != 0)
		goto out;
	r = conn_send_client(c, msg);
out:
	evbuffer_free(msg);
	return r;
}

/*
 * The status for an op the walker could not take: unknown opcodes are
 * OP_ILLEGAL; an op of an older minor version only is NOTSUPP (RFC 8881
 * §15.2); anything that does not decode is BADXDR.
 */
static void
call_walk_failure(int r, uint32_t minor, uint32_t opcode, uint32_t *opp,
    uint32_t *stp)
{
	const struct nfs4_op_info *info;

	*opp = opcode;
	*stp = NFS4ERR_BADXDR;
	if (r != EFSGW_ERR_UNKNOWN_OP)
		return;
	info = opcode == OP_ILLEGAL ? NULL : nfs4_op_any(opcode);
	if (info != NULL && info->max_minor < minor)
		*stp = NFS4ERR_NOTSUPP;
	else {
		*opp = OP_ILLEGAL;
		*stp = NFS4ERR_OP_ILLEGAL;
	}
}

/*
 * The QoS class of a COMPOUND is its heaviest op's (data write, data
 * read, metadata write, metadata read); the estimate is the data it moves
 * (WRITE payloads, READ counts) or, for metadata, the call's size.
 */
static void
call_qos_estimate(struct conn *c, const struct xdrbuf *b, uint32_t nops,
    struct pending *p)
{
	const struct nfs4_compound *cmp = call_compound_scratch();
	const struct nfs4_op_info *info;
	uint64_t data = 0;
	uint32_t i, cls = QOS_CLASS_NONE;

	for (i = 0; i < nops; i++) {
		info = nfs4_op_lookup(cmp->minorversion, cmp->ops[i].opcode);
		if (info != NULL && info->qos > cls)
			cls = info->qos;
	}
	for (i = 0; i < cmp->nmarks; i++) {
		if (cmp->marks[i].op >= nops)
			break;
		if (cmp->marks[i].kind == NFS4_MARK_WRITE_DATA)
			data += cmp->marks[i].len;
		else if (cmp->marks[i].kind == NFS4_MARK_READ_COUNT)
			data += xdrbuf_word_at(b, cmp->marks[i].off);
	}
	p->qos_cls = (uint8_t)cls;
	p->qos_est = (cls == QOS_CLASS_DATA_READ || cls == QOS_CLASS_DATA_WRITE) ?
	    data : (uint64_t)xdrbuf_len(b);
	(void)c;
}

/* Charge the call's actual bytes once its reply went to the client. */
static void
call_qos_account(struct conn *c, const struct pending *p, size_t reply_len,
    int walked)
{
	const struct nfs4_compound *cmp = call_compound_scratch();
	uint64_t actual = p->qos_est;
	uint32_t i;

	if (c->qfs == NULL || p->proc != NFSPROC4_COMPOUND)
		return;
	if (p->qos_cls == QOS_CLASS_DATA_READ && walked) {
		actual = 0;
		for (i = 0; i < cmp->nmarks; i++)
			if (cmp->marks[i].kind == NFS4_MARK_READ_DATA)
				actual += cmp->marks[i].len;
	} else if (p->qos_cls != QOS_CLASS_DATA_WRITE)
		actual = (uint64_t)p->req_bytes + reply_len;
	qos_account(c->qfs, c->qc, p->qos_cls, p->qos_est, actual);
}

/* A COMPOUND call from the client; 1 when held for the root or QoS. */
static int
call_compound(struct conn *c, struct evbuffer *rec, struct xdrbuf *b,
    const struct rpc_msg *m)
{
	struct nfs4_compound *cmp = call_compound_scratch();
	struct call_plan *plan;
	struct pending *p;
	uint32_t op0 = OP_ILLEGAL, opc, st;
	int r, wr, at, admitted = c->qos_admitted;

	c->qos_admitted = 0;
	wr = nfs4_walk_compound_args(b, cmp);
	if (wr == EFSGW_ERR_BAD_VALUE && cmp->count_off == 0 &&
	    cmp->minorversion > NFS4_MAX_MINOR) {
		/* RFC 8881 §16.2.3: an empty result array. */
		return call_reply_compound(c, b, m->xid, 0,
		    NFS4ERR_MINOR_VERS_MISMATCH, 0);
	}
	if (wr != 0 && cmp->count_off == 0) {
		conn_log_bad(c, "xid %08x: COMPOUND header does not decode: %s",
		    m->xid, efsgw_err(wr));
		return call_reply_rpc(c, m->xid, RPC_GARBAGE_ARGS);
	}
	if (wr == EFSGW_ERR_TOO_MANY && cmp->nops == 0 &&
	    cmp->count > EFSGW_MAX_OPS) {
		/* RFC 8881 §2.10.6.4 (4.1+), RFC 7530 §15.2 (4.0: RESOURCE). */
		if (xdrbuf_len(b) >= (size_t)cmp->count_off + 8)
			op0 = xdrbuf_word_at(b, cmp->count_off + 4);
		conn_log_bad(c, "xid %08x: COMPOUND of %u ops", m->xid, cmp->count);
		return call_reply_compound(c, b, m->xid, op0,
		    cmp->minorversion == 0 ? NFS4ERR_RESOURCE :
		    NFS4ERR_TOO_MANY_OPS, 1);
	}
	if (wr == EFSGW_ERR_TRAILING && cmp->nops == cmp->count) {
		conn_log_bad(c, "xid %08x: bytes after the last op", m->xid);
		return call_reply_rpc(c, m->xid, RPC_GARBAGE_ARGS);
	}
	c->seen_compound = 1;
	p = pending_get(c);
	p->xid = m->xid;
	p->proc = NFSPROC4_COMPOUND;
	p->minor = cmp->minorversion;
	if (call_args_plan(c, b, m, p, &plan) == 1) {
		/* Needs the access point's root: hold the call. */
		pending_put(c, p);
		conn_resolve_root(c);
		if (c->root == CONN_ROOT_PENDING) {
			c->held = rec;
			c->qos_admitted = admitted;
			return 1;
		}
		/* Failed at once: plan again, PUTROOTFH gets the failure. */
		if (xdrbuf_seek(b, m->body_off) != 0)
			return EFSGW_ERR_INTERNAL;
		return call_compound(c, rec, b, m);
	}
	if (wr != 0) {
		opc = cmp->nops < EFSGW_MAX_OPS ? cmp->ops[cmp->nops].opcode :
		    OP_ILLEGAL;
		call_walk_failure(wr, cmp->minorversion, opc, &opc, &st);
		if (call_plan_failed(plan, &op0, &op0) < 0)
			call_plan_fail(plan, cmp->nops, opc, st);
		conn_log_bad(c, "xid %08x: op %u (%s) refused: %s", m->xid,
		    cmp->nops, nfs4_op_name(opc), efsgw_err(wr));
	}
	at = call_plan_failed(plan, &opc, &st);
	if (at >= 0 && (st == NFS4ERR_ACCESS || st == NFS4ERR_ROFS ||
	    st == NFS4ERR_PERM || st == NFS4ERR_BADHANDLE))
		conn_audit_deny(c, opc, st);
	if (at == 0) {
		pending_put(c, p);
		return call_reply_compound(c, b, m->xid, opc, st, 1);
	}
	call_qos_estimate(c, b, at < 0 ? cmp->nops : (uint32_t)at, p);
	p->req_bytes = (uint32_t)evbuffer_get_length(rec);
	if (c->qfs != NULL && !admitted) {
		r = qos_admit(c->qfs, c->qc, p->qos_cls, p->qos_est,
		    conn_qos_resume, c);
		if (r == 1) {
			/* Over budget: wait (never dropped); planned again then. */
			pending_put(c, p);
			c->held = rec;
			return 1;
		}
		if (r < 0) {	/* neither admitted nor queued: never pass */
			pending_put(c, p);
			return call_reply_compound(c, b, m->xid, cmp->nops > 0 ?
			    cmp->ops[0].opcode : OP_ILLEGAL, NFS4ERR_DELAY,
			    cmp->nops > 0);
		}
	}
	if ((r = call_args_forward(c, rec, plan, p)) != 0) {
		pending_put(c, p);
		return r;
	}
	pending_insert(&c->fore, p);
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
	    m->accept_stat == RPC_SUCCESS)
		r = nfs4_walk_cb_compound_res(b, p->minor,
		    call_compound_scratch());
	pending_put(c, p);
	if (r != 0) {
		conn_log_bad(c, "callback reply xid %08x does not decode: %s",
		    m->xid, efsgw_err(r));
		return 0;	/* the server's callback times out instead */
	}
	gateway_capture(c->gw, "cbreply", rec);
	return conn_to_backend(c, rpc_edit_apply(rec, NULL, 0, conn_stage(c)));
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
	else if (m.rpcvers != 2)
		r = call_reply_header(c, call_put_rpc_mismatch, m.xid, 0);
	else if (m.prog != NFS4_PROGRAM) {
		/* Also efs-proxy's 400123: it then falls back to one connection. */
		conn_log_bad(c, "xid %08x: program %u is not NFS", m.xid, m.prog);
		r = call_reply_rpc(c, m.xid, RPC_PROG_UNAVAIL);
	} else if (m.vers != NFS4_VERSION)
		r = call_reply_header(c, call_put_prog_mismatch, m.xid,
		    NFS4_VERSION);
	else if (m.cred_flavor != AUTH_NONE && m.cred_flavor != AUTH_SYS)
		r = call_reply_header(c, rpc_msg_put_auth_error, m.xid,
		    AUTH_TOOWEAK);
	else if (m.proc == NFSPROC4_NULL) {
		if (xdrbuf_remaining(&b) != 0)
			r = call_reply_rpc(c, m.xid, RPC_GARBAGE_ARGS);
		else {
			p = pending_get(c);
			p->xid = m.xid;
			p->proc = NFSPROC4_NULL;
			pending_insert(&c->fore, p);
			r = conn_to_backend(c, rpc_edit_apply(rec, NULL, 0,
			    conn_stage(c)));
		}
	} else if (m.proc != NFSPROC4_COMPOUND)
		r = call_reply_rpc(c, m.xid, RPC_PROC_UNAVAIL);
	else if ((r = call_compound(c, rec, &b, &m)) == 1)
		return 1;
	if (r != 0)
		return conn_abort(c, "cannot queue output", r);
	return 0;
}

/* A callback call from the server (NFSv4.1 backchannel). */
static int
call_cb_call(struct conn *c, struct evbuffer *rec, struct xdrbuf *b,
    const struct rpc_msg *m)
{
	struct nfs4_compound *cmp = call_compound_scratch();
	struct pending *p;
	struct evbuffer *msg;
	int r = 0;

	if (m->proc == CB_PROC_COMPOUND)
		r = nfs4_walk_cb_compound_args(b, cmp);
	else if (m->proc != CB_PROC_NULL || xdrbuf_remaining(b) != 0)
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
	p->minor = m->proc == CB_PROC_COMPOUND ? cmp->minorversion : 0;
	pending_insert(&c->back, p);
	gateway_capture(c->gw, "cbcall", rec);
	if (m->proc != CB_PROC_COMPOUND) {
		c->bytes_out += evbuffer_get_length(rec) + 4;
		return conn_to_client(c, rpc_edit_apply(rec, NULL, 0,
		    conn_stage(c)));
	}
	/* Handles in recalls and notifications are sealed like any other. */
	return conn_to_client(c, call_reply_rewrite(c, rec, b, m, NULL,
	    conn_stage(c)));
}

/* Handle one record from the server. */
int
call_from_backend(struct conn *c, struct evbuffer *rec)
{
	struct xdrbuf b;
	struct rpc_msg m;
	struct pending *p;
	size_t reply_len;
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
	reply_len = evbuffer_get_length(rec);
	if (p->proc == NFSPROC4_COMPOUND && m.reply_stat == RPC_MSG_ACCEPTED &&
	    m.accept_stat == RPC_SUCCESS) {
		r = nfs4_walk_compound_res(&b, p->minor, call_compound_scratch());
		if (r == 0)
			r = conn_to_client(c, call_reply_rewrite(c, rec, &b, &m,
			    p, conn_stage(c)));
		if (r == 0)
			call_qos_account(c, p, reply_len, 1);
		if (r != 0) {
			log_warn("conn %llu: %s: reply xid %08x from the backend "
			    "cannot be passed on (%s, op %u); answering "
			    "SYSTEM_ERR", (unsigned long long)c->id, c->fs_id,
			    m.xid, efsgw_err(r), call_compound_scratch()->nops);
			pending_put(c, p);
			return call_reply_rpc(c, m.xid, RPC_SYSTEM_ERR) == 0 ? 0 :
			    conn_abort(c, "cannot queue output", 0);
		}
	} else if (xdrbuf_remaining(&b) != 0 && p->proc == NFSPROC4_NULL) {
		log_warn("conn %llu: NULL reply with a body; answering SYSTEM_ERR",
		    (unsigned long long)c->id);
		r = call_reply_rpc(c, m.xid, RPC_SYSTEM_ERR);
	} else {
		c->bytes_out += evbuffer_get_length(rec) + 4;
		r = conn_to_client(c, rpc_edit_apply(rec, NULL, 0,
		    conn_stage(c)));
	}
	pending_put(c, p);
	if (r != 0)
		return conn_abort(c, "cannot queue output", r);
	return 0;
}
