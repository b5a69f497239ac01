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
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "conn.h"
#include "qos.h"
#include "tiering.h"

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

static struct nfs4_compound	*call_cmp;

/* The per-process walk scratch (the event loop runs one call at a time). */
struct nfs4_compound *
call_compound_scratch(void)
{
	if (call_cmp == NULL)
		call_cmp = xmalloc(sizeof *call_cmp);
	return call_cmp;
}

/* The plan of the call being handled (a held call takes it along). */
static struct call_plan *call_current;
/* Rewritten calls and replies refused by the re-walk (a metric). */
static uint64_t call_check_refused;

uint64_t
call_check_failures(void)
{
	return call_check_refused;
}

void
call_check_refused_reply(void)
{
	call_check_refused++;
}

/* A plan to fill: the spare one, or a new one. */
static struct call_plan *
call_plan_take(void)
{
	struct call_plan *plan = call_current;

	call_current = NULL;
	return plan != NULL ? plan : call_plan_new();
}

/* Give a plan back once its call went out or was answered. */
static void
call_plan_give(struct call_plan *plan)
{
	if (call_current == NULL)
		call_current = plan;
	else
		call_plan_free(plan);
}

/*
 * Answer a COMPOUND ourselves: status, the client's tag, and (when
 * with_result) one result for opcode carrying status (RFC 8881 §16.2.3).
 */
static int
call_reply_compound(struct conn *c, const struct xdrbuf *b,
    const struct call_plan *plan, uint32_t xid, uint32_t opcode,
    uint32_t status, int with_result)
{
	struct evbuffer *msg = evbuffer_new();
	uint8_t tag[EFSGW_MAX_TAG];
	uint32_t taglen = 0;
	int r;

	if (msg == NULL)
		return EFSGW_ERR_NOMEM;
	if (plan->tag_off != 0 && plan->tag_len <= sizeof tag &&
	    xdrbuf_copy_at(b, plan->tag_off + 4, tag, plan->tag_len) == 0)
		taglen = plan->tag_len;
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

/*
 * A cursor over a staged record past its mark, on vectors of its own (the
 * caller's cursor over the original record stays valid).
 */
int
call_stage_cursor(struct evbuffer *stage, struct xdrbuf *b)
{
	static struct evbuffer_iovec *vec;
	static int vecmax;
	int n;

	if ((n = evbuffer_peek(stage, -1, NULL, NULL, 0)) < 0)
		return EFSGW_ERR_NOMEM;
	if (n > vecmax) {
		vecmax = n < 16 ? 16 : n;
		vec = xreallocarray(vec, (size_t)vecmax, sizeof *vec);
	}
	if (n > 0)
		evbuffer_peek(stage, -1, NULL, vec, n);
	xdrbuf_init(b, vec, n);
	return xdrbuf_skip(b, 4);
}

uint32_t
call_io_max(const struct config *conf)
{
	uint32_t max = conf->max_record;

	max = max > 2 * CALL_IO_HEADROOM ? max - CALL_IO_HEADROOM : max / 2;
	return max & ~4095u;
}

/* What the planner may know of connection c. */
static void
call_plan_context(struct conn *c, struct plan_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->grants = c->grants;
	if (c->not_after != 0 && time(NULL) >= c->not_after) {
		/* The token or certificate expired: reconnect with a fresh one. */
		if (!c->expired_logged)
			log_info("conn %llu (%s): identity expired; new calls get "
			    "NFS4ERR_ACCESS until the client reconnects",
			    (unsigned long long)c->id, c->peer);
		c->expired_logged = 1;
		ctx->grants = 0;
	}
	ctx->keys = &c->fs->keys;
	ctx->scope = c->scope;
	ctx->squash = &c->squash;
	ctx->share_deny_refuse = c->fs->share_deny_refuse;
	ctx->max_data = c->conf->max_record;
	ctx->max_read = call_io_max(c->conf);
	ctx->root_status = NFS4ERR_DELAY;
	switch (c->root) {
	case CONN_ROOT_READY:
		ctx->root = &c->ap_root;
		break;
	case CONN_ROOT_FAILED:
		ctx->root_status = c->root_status;
		if (c->root_status == NFS4ERR_DELAY)
			c->root = CONN_ROOT_UNRESOLVED;	/* try again next call */
		break;
	case CONN_ROOT_EXPORT:
		ctx->root = fsroot_get(gateway_fsroot(c->gw, c->fs_id));
		break;
	case CONN_ROOT_UNRESOLVED:
	case CONN_ROOT_PENDING:
		ctx->root_pending = 1;
		break;
	}
	ctx->confined = c->ap != NULL;
	ctx->proof = c->proof;
	ctx->tiering = gateway_tiergw(c->gw, c->fs_id) != NULL;
}

/*
 * A COMPOUND whose only data op is one READ: with the file cold and no
 * TransitionToPrimaryStorageClass, the READ is served from the cold copy
 * and the file stays where it is.
 */
static int
call_tier_serves(const struct call_plan *plan)
{
	return plan->nreads == 1 && !plan->data_other && !plan->data_unknown &&
	    plan->data_fh[0].p != NULL && plan->data_fh[1].p == NULL &&
	    plan->read_op < plan->nfwd && plan->read_op < PLAN_MAX_FWD_OPS &&
	    plan->fwd_ops[plan->read_op] == OP_READ;
}

/*
 * Send a planned call to the server, once the re-walk found the record
 * to be exactly the plan; otherwise refuse it with SERVERFAULT.
 */
static int
call_forward(struct conn *c, struct evbuffer *rec, const struct xdrbuf *b,
    const struct rpc_msg *m, struct call_plan *plan)
{
	struct evbuffer *stage = conn_stage(c);
	struct nfs4_compound *cmp = call_compound_scratch();
	struct pending *p;
	struct xdrbuf rb;
	const char *why = NULL;
	int r;

	if ((r = call_plan_apply(plan, rec, stage)) == 0 &&
	    (r = call_stage_cursor(stage, &rb)) == 0)
		r = call_plan_check(plan, &rb, cmp, &why);
	if (r != 0) {
		call_check_refused++;
		log_warn("conn %llu (%s): xid %08x: the rewritten call differs "
		    "from its plan (%s); refused with NFS4ERR_SERVERFAULT",
		    (unsigned long long)c->id, c->peer, m->xid,
		    why != NULL ? why : efsgw_err(r));
		/* b still reads rec's chains, which the stage holds now. */
		r = call_reply_compound(c, b, plan, m->xid, plan->nfwd > 0 ?
		    plan->fwd_ops[0] : OP_ILLEGAL, NFS4ERR_SERVERFAULT, 1);
		evbuffer_drain(stage, evbuffer_get_length(stage));
		return r;
	}
	p = pending_get(c);
	p->xid = m->xid;
	p->proc = NFSPROC4_COMPOUND;
	p->minor = plan->minor;
	p->fwd_count = plan->nfwd;
	p->has_fail = plan->fail_at >= 0;
	p->fail_opcode = plan->fail_opcode;
	p->fail_status = plan->fail_status;
	p->nfix = plan->nfix;
	memcpy(p->rootfix, plan->rootfix, sizeof p->rootfix);
	memcpy(p->pubfix, plan->pubfix, sizeof p->pubfix);
	memcpy(p->guard, plan->guard, sizeof p->guard);
	memcpy(p->guard_sni, plan->guard_sni, sizeof p->guard_sni);
	memcpy(p->postguard, plan->postguard, sizeof p->postguard);
	p->qos_cls = plan->qos_cls;
	p->qos_est = plan->qos_est;
	p->req_bytes = (uint32_t)xdrbuf_len(b);
	if (c->tier_data != NULL && call_tier_serves(plan)) {
		/* The READ's data comes from the cold copy (call_tier_hold). */
		p->tier_data = c->tier_data;
		p->tier_len = c->tier_len;
		p->tier_op = plan->read_op;
		c->tier_data = NULL;
	}
	if ((r = conn_to_backend(c, 0)) != 0) {
		pending_put(c, p);
		return r;
	}
	pending_insert(&c->fore, p);
	return 0;
}

/* The client's first opcode, from the plan. */
static uint32_t
call_first_opcode(const struct call_plan *plan)
{
	if (BIT_ISSET(plan->rootfix, 0))
		return OP_PUTROOTFH;
	if (BIT_ISSET(plan->pubfix, 0))
		return OP_PUTPUBFH;
	return plan->fwd_ops[0];
}

/*
 * Lifecycle tiering: hold a call whose data ops work on a file until the
 * file is hot (one data handle at a time; the connection stops reading
 * meanwhile, as for QoS). 1 when held, 0 to go on, -status to answer.
 */
static int
call_tier_hold(struct conn *c, struct evbuffer *rec, struct call_plan *plan)
{
	struct tiergw *tg;
	struct tiergw_read rd;
	int i = c->tier_checked;
	uint32_t st = c->tier_status;

	if (st != 0) {
		c->tier_checked = 0;
		c->tier_status = 0;
		return -(int)st;
	}
	if (i >= 2 || plan->data_fh[i].p == NULL ||
	    (tg = gateway_tiergw(c->gw, c->fs_id)) == NULL) {
		c->tier_checked = 0;
		return 0;
	}
	/* Data from an earlier check belongs to no call now. */
	free(c->tier_data);
	c->tier_data = NULL;
	rd.off = plan->read_off;
	rd.count = plan->read_count;
	c->tier_wait = tiergw_check(tg, plan->data_fh[i].p,
	    plan->data_fh[i].len, call_tier_serves(plan) ? &rd : NULL,
	    conn_tier_resume, c);
	if (c->tier_wait == NULL) {
		c->tier_checked = 0;
		return 0;
	}
	c->held = rec;
	c->held_plan = plan;
	return 1;
}

/* A COMPOUND call from the client; 1 when held for the root or QoS. */
static int
call_compound(struct conn *c, struct evbuffer *rec, struct xdrbuf *b,
    const struct rpc_msg *m)
{
	struct plan_ctx ctx;
	struct call_plan *plan;
	int r, admitted = c->qos_admitted;

	c->qos_admitted = 0;
	call_plan_context(c, &ctx);
	plan = c->held_plan;
	c->held_plan = NULL;
	if (plan != NULL && plan->grants != ctx.grants) {
		/* The grants changed while the call waited: plan it again. */
		call_plan_give(plan);
		plan = NULL;
	}
	if (plan == NULL) {
		plan = call_plan_take();
		call_plan(&ctx, b, m, call_compound_scratch(), plan);
		if (plan->action != PLAN_NEEDS_ROOT &&
		    plan->action != PLAN_NEEDS_PROOF) {
			/* A proof serves the one call it was made for. */
			free(c->proof);
			c->proof = NULL;
		}
	}
	if (plan->why[0] != '\0')
		conn_log_bad(c, "xid %08x: %s", m->xid, plan->why);
	/* A COMPOUND that decoded: the full record size applies from now. */
	if (plan->action == PLAN_FORWARD || plan->action == PLAN_ANSWER ||
	    plan->action == PLAN_NEEDS_ROOT || plan->action == PLAN_NEEDS_PROOF)
		c->seen_compound = 1;
	switch (plan->action) {
	case PLAN_NEEDS_ROOT:
		call_plan_give(plan);
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
	case PLAN_NEEDS_PROOF:
		/* LOOKUPP from a handle the client put: where does it lie? */
		memcpy(c->anc_want, plan->prove, plan->provelen);
		c->anc_wantlen = plan->provelen;
		call_plan_give(plan);
		conn_prove(c);
		if (c->anc != NULL) {
			c->held = rec;
			c->qos_admitted = admitted;
			return 1;
		}
		/* Could not start: c->proof says so; plan again. */
		if (xdrbuf_seek(b, m->body_off) != 0)
			return EFSGW_ERR_INTERNAL;
		return call_compound(c, rec, b, m);
	case PLAN_ANSWER_RPC:
		r = call_reply_rpc(c, m->xid, plan->rpc_stat);
		break;
	case PLAN_ANSWER_EMPTY:
		r = call_reply_compound(c, b, plan, m->xid, 0, plan->status, 0);
		break;
	case PLAN_ANSWER:
	case PLAN_FORWARD:
		if (plan->fail_at >= 0 && (plan->fail_status == NFS4ERR_ACCESS ||
		    plan->fail_status == NFS4ERR_ROFS ||
		    plan->fail_status == NFS4ERR_PERM ||
		    plan->fail_status == NFS4ERR_BADHANDLE))
			conn_audit_deny(c, plan->fail_opcode, plan->fail_status);
		if (plan->action == PLAN_ANSWER) {
			r = call_reply_compound(c, b, plan, m->xid, plan->opcode,
			    plan->status, 1);
			break;
		}
		if ((r = call_tier_hold(c, rec, plan)) != 0) {
			if (r == 1) {
				c->qos_admitted = admitted;
				return 1;	/* held until its file is hot */
			}
			/*
			 * The recall failed: the first op (SEQUENCE in 4.1+,
			 * RFC 8881 §2.10.6.2) answers NFS4ERR_DELAY and the
			 * client sends the call again later.
			 */
			r = call_reply_compound(c, b, plan, m->xid,
			    call_first_opcode(plan), (uint32_t)-r, 1);
			break;
		}
		if (c->qfs != NULL && !admitted) {
			r = qos_admit(c->qfs, c->qc, plan->qos_cls, plan->qos_est,
			    conn_qos_resume, c);
			if (r == 1) {
				/* Over budget: wait (never dropped) with the plan. */
				c->held = rec;
				c->held_plan = plan;
				return 1;
			}
			if (r < 0) {
				/* Neither admitted nor queued: never pass. */
				r = call_reply_compound(c, b, plan, m->xid,
				    plan->nfwd > 0 ? plan->fwd_ops[0] : OP_ILLEGAL,
				    NFS4ERR_DELAY, 1);
				break;
			}
		}
		r = call_forward(c, rec, b, m, plan);
		break;
	default:
		r = EFSGW_ERR_INTERNAL;
		break;
	}
	/* Forwarded or answered: served data left over is no one's. */
	free(c->tier_data);
	c->tier_data = NULL;
	call_plan_give(plan);
	return r;
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

/*
 * A call larger than max-record-size, read past: answer it without
 * forwarding. A COMPOUND gets its first op's result: NFS4ERR_REQ_TOO_BIG
 * in 4.1+ (RFC 8881 §18.46.3: over the session's ca_maxrequestsize, which
 * the gateway clamped to max-record-size), NFS4ERR_RESOURCE in 4.0 (RFC
 * 7530 §13.1.3: the request is too large for the server); anything
 * else GARBAGE_ARGS.
 */
int
call_too_big(struct conn *c, struct evbuffer *head)
{
	struct xdrbuf b;
	struct rpc_msg m;
	struct call_plan plan;
	uint32_t minor, count, opcode = OP_ILLEGAL, status;
	size_t taglen, tagoff;
	int n, r;

	if ((n = conn_peek(c, head)) < 0)
		return conn_abort(c, "cannot read record", 0);
	xdrbuf_init(&b, c->vec, n);
	if ((r = rpc_msg_parse(&b, &m)) != 0 || m.type != RPC_CALL)
		return conn_abort(c, "an oversized record without an RPC call "
		    "header", r);
	conn_log_bad(c, "xid %08x: a call of more than max-record-size (%u "
	    "bytes); answered without forwarding", m.xid, c->conf->max_record);
	tagoff = xdrbuf_pos(&b);
	if (m.prog != NFS4_PROGRAM || m.vers != NFS4_VERSION ||
	    m.proc != NFSPROC4_COMPOUND ||
	    xdrbuf_skip_opaque(&b, EFSGW_MAX_TAG, NULL, &taglen) != 0 ||
	    xdrbuf_get_u32(&b, &minor) != 0 || xdrbuf_get_u32(&b, &count) != 0)
		r = call_reply_rpc(c, m.xid, RPC_GARBAGE_ARGS);
	else {
		if (count > 0 && xdrbuf_get_u32(&b, &opcode) != 0)
			opcode = OP_ILLEGAL;
		status = minor >= 1 ? NFS4ERR_REQ_TOO_BIG : NFS4ERR_RESOURCE;
		memset(&plan, 0, sizeof plan);
		plan.tag_off = (uint32_t)tagoff;
		plan.tag_len = (uint32_t)taglen;
		r = call_reply_compound(c, &b, &plan, m.xid, opcode, status,
		    count > 0);
	}
	return r == 0 ? 0 : conn_abort(c, "cannot queue output", r);
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
