/*
 * efsgw - nfsc-session: the client id, the session and its slot table
 * (RFC 8881 §2.10.6), and the life of a request: submit (SEQUENCE in
 * front, a free slot, a fresh xid), match the reply by xid, release the
 * slot, re-send after NFS4ERR_DELAY / NFS4ERR_GRACE with a bounded
 * backoff, and hand the done request back to the caller.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfsc-int.h"

#define RPC_CALL		0
#define RPC_VERSION		2
#define NFS4_PROGRAM		100003
#define NFS4_VERSION		4
#define NFSPROC4_NULL		0
#define NFSPROC4_COMPOUND	1
#define EXCHGID4_FLAG_USE_NON_PNFS 0x00010000	/* RFC 8881 §18.35.3 */
#define NFS4ERR_COMPLETE_ALREADY 10054
#define NFSC_CB_PROGRAM		0x40000000	/* unused: no back channel */
#define NFSC_MAX_OPS		256	/* ops per COMPOUND we ask for */
#define NFSC_HDR_SLACK		(64 * 1024)	/* headers beyond 1 MiB payloads */

static unsigned int nfsc_owner_counter;

/* Unlink req from a singly linked list. */
static int
nfsc_list_remove(struct nfsc_req **head, struct nfsc_req *req)
{
	struct nfsc_req **pp;

	for (pp = head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == req) {
			*pp = req->next;
			req->next = NULL;
			return 1;
		}
	}
	return 0;
}

/* Find a free slot below the usable limit, or -1. */
static int
nfsc_slot_get(struct nfsc *clnt)
{
	uint32_t i, lim = clnt->usable;

	if (lim > clnt->nslots)
		lim = clnt->nslots;
	if (lim == 0)
		lim = 1;
	for (i = 0; i < lim; i++)
		if (!clnt->slots[i].busy)
			return (int)i;
	return -1;
}

/* Return the highest slot id in use (sa_highest_slotid). */
static uint32_t
nfsc_slot_highest(const struct nfsc *clnt)
{
	uint32_t i, h = 0;

	for (i = 0; i < clnt->nslots; i++)
		if (clnt->slots[i].busy)
			h = i;
	return h;
}

/* Give back req's slot, if it holds one. */
static void
nfsc_slot_put(struct nfsc *clnt, struct nfsc_req *req)
{
	if (req->slot >= 0 && (uint32_t)req->slot < NFSC_MAX_SLOTS)
		clnt->slots[req->slot].busy = 0;
	req->slot = -1;
}

/* Append req to the done queue (answered, or failed with req->err). */
static void
nfsc_done_push(struct nfsc *clnt, struct nfsc_req *req)
{
	req->state = NFSC_REQ_DONE;
	req->next = NULL;
	if (clnt->done_tail != NULL)
		clnt->done_tail->next = req;
	else
		clnt->done = req;
	clnt->done_tail = req;
	clnt->ndone++;
}

/* Take req off the done queue. */
static void
nfsc_done_remove(struct nfsc *clnt, struct nfsc_req *req)
{
	struct nfsc_req *p;

	if (!nfsc_list_remove(&clnt->done, req))
		return;
	clnt->ndone--;
	clnt->done_tail = NULL;
	for (p = clnt->done; p != NULL; p = p->next)
		clnt->done_tail = p;
}

/* Build the call header (RFC 5531 §9, COMPOUND4args, SEQUENCE4args) and send. */
static int
nfsc_send_req(struct nfsc *clnt, struct nfsc_req *req)
{
	struct nfsc_enc hdr;
	struct nfsc_slot *sl = NULL;
	int r;

	nfsc_enc_init(&hdr);
	req->xid = clnt->next_xid++;
	nfsc_enc_u32(&hdr, req->xid);
	nfsc_enc_u32(&hdr, RPC_CALL);
	nfsc_enc_u32(&hdr, RPC_VERSION);
	nfsc_enc_u32(&hdr, NFS4_PROGRAM);
	nfsc_enc_u32(&hdr, NFS4_VERSION);
	nfsc_enc_u32(&hdr, req->proc);
	nfsc_enc_fixed(&hdr, clnt->cred.p, clnt->cred.len);
	nfsc_enc_u32(&hdr, 0);		/* verifier: AUTH_NONE */
	nfsc_enc_u32(&hdr, 0);
	if (req->proc == NFSPROC4_COMPOUND) {
		nfsc_enc_u32(&hdr, 0);	/* tag: empty */
		nfsc_enc_u32(&hdr, clnt->opts.minor);
		nfsc_enc_u32(&hdr, req->nops + (req->noseq ? 0 : 1));
		if (!req->noseq) {
			sl = &clnt->slots[req->slot];
			sl->busy = 1;
			nfsc_enc_u32(&hdr, NFSC_OP_SEQUENCE);
			nfsc_enc_fixed(&hdr, clnt->sessionid, NFSC_SESSIONID_SIZE);
			nfsc_enc_u32(&hdr, sl->seqid + 1);
			nfsc_enc_u32(&hdr, (uint32_t)req->slot);
			nfsc_enc_u32(&hdr, nfsc_slot_highest(clnt));
			nfsc_enc_u32(&hdr, 0);	/* sa_cachethis */
		}
	}
	if (hdr.err != 0) {
		r = nfsc_fail(clnt, hdr.err, "encoding call header: %s",
		    efsgw_err(hdr.err));
		nfsc_slot_put(clnt, req);
		nfsc_enc_free(&hdr);
		return r;
	}
	/*
	 * Linked only once the whole record is out: a failed send must leave
	 * req owned by the caller alone (nfsc.h), or the caller's
	 * nfsc_req_free() would leave a dangling entry on clnt->sent. No
	 * reply can be dispatched for req before its last byte is written.
	 */
	r = nfsc_conn_send(clnt, hdr.p, hdr.len, req->body.p, req->body.len);
	nfsc_enc_free(&hdr);
	if (r != 0) {
		nfsc_slot_put(clnt, req);
		return r;
	}
	req->state = NFSC_REQ_SENT;
	req->next = clnt->sent;
	clnt->sent = req;
	clnt->nsent++;
	return 0;
}

/* Send req, waiting for a free slot first. */
int
nfsc_submit(struct nfsc *clnt, struct nfsc_req *req)
{
	int64_t deadline;
	int timedout, r;

	if (clnt->dead)
		return nfsc_fail(clnt, EFSGW_ERR_SYSTEM,
		    "connection is down after an earlier failure");
	if (req->state == NFSC_REQ_SENT || req->state == NFSC_REQ_RETRY)
		return nfsc_fail(clnt, EFSGW_ERR_INTERNAL, "request already in flight");
	if (req->body.err != 0)
		return nfsc_fail(clnt, req->body.err, "encoding request: %s",
		    efsgw_err(req->body.err));
	if (req->proc == NFSPROC4_COMPOUND && !req->noseq && !clnt->have_session)
		return nfsc_fail(clnt, EFSGW_ERR_INTERNAL, "no session");
	/* A done request may be sent again; it must leave the done queue. */
	if (req->state == NFSC_REQ_DONE)
		nfsc_done_remove(clnt, req);
	req->state = NFSC_REQ_NEW;
	nfsc_req_reset_reply(req);
	req->slot = -1;
	if (req->proc == NFSPROC4_COMPOUND && !req->noseq) {
		deadline = mono_ms() + clnt->opts.timeout_ms;
		while ((req->slot = nfsc_slot_get(clnt)) == -1) {
			if ((r = nfsc_conn_pump(clnt, deadline, &timedout)) != 0)
				return r;
			if (timedout)
				return nfsc_conn_kill(clnt, nfsc_fail(clnt,
				    EFSGW_ERR_SYSTEM, "timed out after %d s "
				    "waiting for a free session slot",
				    clnt->opts.timeout_ms / 1000));
		}
	}
	return nfsc_send_req(clnt, req);
}

/* Backoff before re-send number n: 10 ms doubling, at most 500 ms. */
static int64_t
nfsc_backoff_ms(int n)
{
	int64_t ms = 10;

	while (n-- > 0 && ms < 500)
		ms *= 2;
	return ms > 500 ? 500 : ms;
}

/* Take a finished reply record: match, parse, release the slot, queue. */
void
nfsc_session_dispatch(struct nfsc *clnt, uint8_t *rec, size_t len)
{
	struct nfsc_req *req;
	uint32_t xid;

	if (len < 4) {
		free(rec);
		return;
	}
	xid = xdrbuf_load_u32(rec);
	for (req = clnt->sent; req != NULL; req = req->next)
		if (req->xid == xid)
			break;
	if (req == NULL) {
		/* A late reply or a back-channel call: nothing waits for it. */
		free(rec);
		return;
	}
	nfsc_list_remove(&clnt->sent, req);
	clnt->nsent--;
	req->rec = rec;
	req->reclen = len;
	nfsc_req_parse(req);
	if (req->slot >= 0) {
		/* RFC 8881 §2.10.6.1: the slot advances only if SEQUENCE succeeded. */
		if (req->seq_ok) {
			clnt->slots[req->slot].seqid++;
			if (req->seq_target + 1 >= 1 && req->seq_target < NFSC_MAX_SLOTS)
				clnt->usable = req->seq_target + 1;
		}
		clnt->slots[req->slot].busy = 0;
		req->slot = -1;
	}
	if (req->err == 0 && (req->status == NFSC_NFS4ERR_DELAY ||
	    req->status == NFSC_NFS4ERR_GRACE) && !clnt->opts.no_retry &&
	    req->tries < NFSC_DELAY_RETRIES) {
		int64_t at = mono_ms() + nfsc_backoff_ms(req->tries);

		req->tries++;
		req->retry_at.tv_sec = at / 1000;
		req->retry_at.tv_nsec = (at % 1000) * 1000000;
		req->state = NFSC_REQ_RETRY;
		req->next = clnt->retry;
		clnt->retry = req;
		clnt->nretry++;
		return;
	}
	nfsc_done_push(clnt, req);
}

/* Re-send requests whose backoff has passed; *nextp gets the next due time. */
static int
nfsc_run_retries(struct nfsc *clnt, int64_t *nextp)
{
	struct nfsc_req *req, *nreq;
	int64_t now = mono_ms(), at;
	int r;

	*nextp = INT64_MAX;
	for (req = clnt->retry; req != NULL; req = nreq) {
		nreq = req->next;
		at = (int64_t)req->retry_at.tv_sec * 1000 +
		    req->retry_at.tv_nsec / 1000000;
		if (at > now) {
			if (at < *nextp)
				*nextp = at;
			continue;
		}
		nfsc_list_remove(&clnt->retry, req);
		clnt->nretry--;
		req->state = NFSC_REQ_NEW;
		if ((r = nfsc_submit(clnt, req)) != 0) {
			/* Not linked anywhere now: report it done with the error. */
			req->err = r;
			nfsc_done_push(clnt, req);
			return r;
		}
		nreq = clnt->retry;	/* the list may have changed */
	}
	return 0;
}

/* Fail every request in flight with r: the transport is gone. */
void
nfsc_session_abort(struct nfsc *clnt, int r)
{
	struct nfsc_req *req;

	/*
	 * A request left on clnt->sent or clnt->retry after the caller was
	 * told it failed would be freed by the caller and then walked by
	 * nfsc_destroy() (a use after free), so every one of them is
	 * completed here and handed back by nfsc_complete() like a reply.
	 */
	if (r >= 0)
		r = EFSGW_ERR_SYSTEM;
	while ((req = clnt->sent) != NULL) {
		clnt->sent = req->next;
		clnt->nsent--;
		nfsc_slot_put(clnt, req);
		req->err = r;
		nfsc_done_push(clnt, req);
	}
	while ((req = clnt->retry) != NULL) {
		clnt->retry = req->next;
		clnt->nretry--;
		nfsc_slot_put(clnt, req);
		req->err = r;
		nfsc_done_push(clnt, req);
	}
}

/* Take req off whichever of its client's lists still holds it. */
void
nfsc_session_forget(struct nfsc_req *req)
{
	struct nfsc *clnt = req->clnt;

	if (clnt == NULL)
		return;
	switch (req->state) {
	case NFSC_REQ_SENT:
		/*
		 * Freed before its reply: the server will still advance the
		 * slot's sequence id, which we can no longer track, so the
		 * session cannot be used any more. The abort queues req done.
		 */
		nfsc_conn_kill(clnt, nfsc_fail(clnt, EFSGW_ERR_INTERNAL,
		    "a request was freed while in flight"));
		nfsc_done_remove(clnt, req);
		break;
	case NFSC_REQ_DONE:
		nfsc_done_remove(clnt, req);
		break;
	case NFSC_REQ_RETRY:
		if (nfsc_list_remove(&clnt->retry, req))
			clnt->nretry--;
		break;
	case NFSC_REQ_NEW:
		break;
	}
	req->state = NFSC_REQ_NEW;
}

/* Describe req's ops for a time-out message. */
static void
nfsc_req_describe(const struct nfsc_req *req, char *buf, size_t len)
{
	size_t i, n, off = 0;

	if (req == NULL || req->proc != NFSPROC4_COMPOUND) {
		snprintf(buf, len, "%s", req == NULL ? "a request" : "NULL");
		return;
	}
	off = (size_t)snprintf(buf, len, "COMPOUND(");
	n = req->nops + (req->noseq ? 0 : 1);
	if (n > nitems(req->opcodes))
		n = nitems(req->opcodes);
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    i ? "," : "", nfsc_op_name(req->opcodes[i]));
	if (off < len)
		snprintf(buf + off, len - off, ")");
}

/* Wait for want (or any request when NULL) to be done. */
static int
nfsc_wait_for(struct nfsc *clnt, struct nfsc_req *want, struct nfsc_req **gotp)
{
	int64_t deadline = mono_ms() + clnt->opts.timeout_ms, next, until;
	char what[256];
	int timedout, r;

	for (;;) {
		if (want == NULL && clnt->done != NULL) {
			*gotp = clnt->done;
			nfsc_done_remove(clnt, clnt->done);
			return 0;
		}
		if (want != NULL && want->state == NFSC_REQ_DONE) {
			nfsc_done_remove(clnt, want);
			*gotp = want;
			return 0;
		}
		if ((r = nfsc_run_retries(clnt, &next)) != 0)
			continue;	/* the failed request is now done */
		if (clnt->done != NULL && want == NULL)
			continue;
		if (clnt->nsent == 0 && clnt->nretry == 0 &&
		    (want == NULL || want->state != NFSC_REQ_DONE))
			return nfsc_fail(clnt, EFSGW_ERR_NOT_FOUND,
			    "no request in flight to wait for");
		until = next < deadline ? next : deadline;
		r = nfsc_conn_pump(clnt, until, &timedout);
		if (r == 0 && timedout && mono_ms() >= deadline) {
			nfsc_req_describe(want != NULL ? want : clnt->sent,
			    what, sizeof what);
			r = nfsc_conn_kill(clnt, nfsc_fail(clnt,
			    EFSGW_ERR_SYSTEM, "timed out after %d s waiting "
			    "for the reply to %s", clnt->opts.timeout_ms / 1000,
			    what));
		}
		if (r != 0) {
			/*
			 * The transport is dead and nfsc_session_abort() has
			 * queued every request as done: want is collected
			 * here, so that the caller may free it; the others
			 * wait for nfsc_complete().
			 */
			if (want != NULL)
				nfsc_done_remove(clnt, want);
			return r;
		}
	}
}

/* Wait for any submitted request to be done. */
int
nfsc_complete(struct nfsc *clnt, struct nfsc_req **reqp)
{
	*reqp = NULL;
	return nfsc_wait_for(clnt, NULL, reqp);
}

/* Wait for req to be done. */
int
nfsc_wait(struct nfsc *clnt, struct nfsc_req *req)
{
	struct nfsc_req *got;

	if (req->state == NFSC_REQ_NEW)
		return nfsc_fail(clnt, EFSGW_ERR_INTERNAL, "request not submitted");
	return nfsc_wait_for(clnt, req, &got);
}

/* Submit, wait, and return the transport error or the COMPOUND status. */
int
nfsc_call(struct nfsc *clnt, struct nfsc_req *req)
{
	int r;

	if ((r = nfsc_submit(clnt, req)) != 0)
		return r;
	if ((r = nfsc_wait(clnt, req)) != 0)
		return r;
	if (req->err != 0)
		return req->err;
	if (req->status != 0)
		return nfsc_fail(clnt, (int)req->status, "%s: %s",
		    nfsc_op_name(req->fail_op), nfsc_stat_name(req->status));
	return 0;
}

/* Send RPC NULL. */
int
nfsc_null(struct nfsc *clnt)
{
	struct nfsc_req *req = nfsc_req_new(clnt);
	int r;

	req->proc = NFSPROC4_NULL;
	req->noseq = 1;
	r = nfsc_call(clnt, req);
	nfsc_req_free(req);
	return r;
}

/* Decode channel_attrs4 (RFC 8881 §18.36.1). */
static int
nfsc_get_chan(struct xdrbuf *b, uint32_t v[6])
{
	uint32_t n, x;
	int i, r;

	for (i = 0; i < 6; i++)
		if ((r = xdrbuf_get_u32(b, &v[i])) != 0)
			return r;
	if ((r = xdrbuf_get_u32(b, &n)) != 0)
		return r;
	if (n > 1)
		return EFSGW_ERR_TOO_MANY;
	if (n == 1 && (r = xdrbuf_get_u32(b, &x)) != 0)
		return r;
	return 0;
}

/* Encode channel_attrs4. */
static void
nfsc_put_chan(struct nfsc_enc *e, uint32_t req, uint32_t resp,
    uint32_t cached, uint32_t ops, uint32_t reqs)
{
	nfsc_enc_u32(e, 0);		/* ca_headerpadsize */
	nfsc_enc_u32(e, req);
	nfsc_enc_u32(e, resp);
	nfsc_enc_u32(e, cached);
	nfsc_enc_u32(e, ops);
	nfsc_enc_u32(e, reqs);
	nfsc_enc_u32(e, 0);		/* ca_rdma_ird<1>: none */
}

/* EXCHANGE_ID (RFC 8881 §18.35): get a client id. */
static int
nfsc_exchange_id(struct nfsc *clnt)
{
	struct nfsc_req *req = nfsc_req_new(clnt);
	struct xdrbuf *b = &req->xb;
	char owner[256], host[64];
	uint8_t verf[8];
	uint32_t flags, how, n, u;
	uint64_t minor_id, t;
	int r;

	if (gethostname(host, sizeof host - 1) != 0)
		strcpy(host, "nfsc");
	host[sizeof host - 1] = '\0';
	t = (uint64_t)mono_ms();
	snprintf(owner, sizeof owner, "efsgw-nfsc/%s/%d/%u/%llu", host,
	    (int)getpid(), nfsc_owner_counter++, (unsigned long long)t);
	xdrbuf_store_u32(verf, (uint32_t)time(NULL));
	xdrbuf_store_u32(verf + 4, (uint32_t)getpid() ^ (uint32_t)t);

	req->noseq = 1;
	nfsc_req_note_op(req, NFSC_OP_EXCHANGE_ID);
	nfsc_enc_fixed(&req->body, verf, 8);		/* co_verifier */
	nfsc_enc_string(&req->body, owner);		/* co_ownerid */
	nfsc_enc_u32(&req->body, EXCHGID4_FLAG_USE_NON_PNFS);
	nfsc_enc_u32(&req->body, 0);			/* SP4_NONE */
	nfsc_enc_u32(&req->body, 0);			/* client_impl_id<1>: none */
	if ((r = nfsc_call(clnt, req)) != 0)
		goto out;
	if ((r = nfsc_res_skip_header(req, NFSC_OP_EXCHANGE_ID)) != 0)
		goto out;
	if ((r = xdrbuf_get_u64(b, &clnt->clientid)) != 0 ||
	    (r = xdrbuf_get_u32(b, &clnt->csseq)) != 0 ||
	    (r = xdrbuf_get_u32(b, &flags)) != 0 ||
	    (r = xdrbuf_get_u32(b, &how)) != 0)
		goto bad;
	if (how != 0) {
		r = nfsc_fail(clnt, EFSGW_ERR_BAD_VALUE,
		    "EXCHANGE_ID: server chose state protection %u", how);
		goto out;
	}
	if ((r = xdrbuf_get_u64(b, &minor_id)) != 0 ||
	    (r = xdrbuf_skip_opaque(b, 1024, NULL, NULL)) != 0 ||
	    (r = xdrbuf_skip_opaque(b, 1024, NULL, NULL)) != 0 ||
	    (r = xdrbuf_get_u32(b, &n)) != 0)
		goto bad;
	if (n > 1) {
		r = EFSGW_ERR_TOO_MANY;
		goto bad;
	}
	if (n == 1 && ((r = xdrbuf_skip_opaque(b, 1024, NULL, NULL)) != 0 ||
	    (r = xdrbuf_skip_opaque(b, 1024, NULL, NULL)) != 0 ||
	    (r = xdrbuf_get_u64(b, &t)) != 0 ||
	    (r = xdrbuf_get_u32(b, &u)) != 0))
		goto bad;
	goto out;
bad:
	r = nfsc_fail(clnt, r, "EXCHANGE_ID: reply does not decode: %s",
	    efsgw_err(r));
out:
	nfsc_req_free(req);
	return r;
}

/* CREATE_SESSION (RFC 8881 §18.36): ask for many slots and 1 MiB+ I/O. */
static int
nfsc_create_session(struct nfsc *clnt)
{
	struct nfsc_req *req = nfsc_req_new(clnt);
	struct xdrbuf *b = &req->xb;
	uint32_t seq, flags, fore[6], back[6];
	uint32_t big = NFSC_IO_SIZE + NFSC_HDR_SLACK;
	int r;

	req->noseq = 1;
	nfsc_req_note_op(req, NFSC_OP_CREATE_SESSION);
	nfsc_enc_u64(&req->body, clnt->clientid);
	nfsc_enc_u32(&req->body, clnt->csseq);
	nfsc_enc_u32(&req->body, 0);		/* csa_flags: no back channel */
	nfsc_put_chan(&req->body, big, big, 64 * 1024, NFSC_MAX_OPS,
	    clnt->opts.slots);
	nfsc_put_chan(&req->body, 4096, 4096, 0, 2, 1);
	nfsc_enc_u32(&req->body, NFSC_CB_PROGRAM);
	nfsc_enc_u32(&req->body, 1);		/* csa_sec_parms<>: one */
	nfsc_enc_u32(&req->body, 0);		/* AUTH_NONE */
	if ((r = nfsc_call(clnt, req)) != 0)
		goto out;
	if ((r = nfsc_res_skip_header(req, NFSC_OP_CREATE_SESSION)) != 0)
		goto out;
	if ((r = xdrbuf_get_opaque_fixed(b, clnt->sessionid,
	    NFSC_SESSIONID_SIZE)) != 0 ||
	    (r = xdrbuf_get_u32(b, &seq)) != 0 ||
	    (r = xdrbuf_get_u32(b, &flags)) != 0 ||
	    (r = nfsc_get_chan(b, fore)) != 0 ||
	    (r = nfsc_get_chan(b, back)) != 0) {
		r = nfsc_fail(clnt, r, "CREATE_SESSION: reply does not decode: %s",
		    efsgw_err(r));
		goto out;
	}
	clnt->maxreq = fore[1];
	clnt->maxresp = fore[2];
	clnt->maxops = fore[4];
	clnt->nslots = fore[5];
	if (clnt->nslots > NFSC_MAX_SLOTS)
		clnt->nslots = NFSC_MAX_SLOTS;
	if (clnt->nslots == 0) {
		r = nfsc_fail(clnt, EFSGW_ERR_BAD_VALUE,
		    "CREATE_SESSION: server granted no slots");
		goto out;
	}
	clnt->usable = clnt->nslots;
	memset(clnt->slots, 0, sizeof clnt->slots);
	clnt->have_session = 1;
out:
	nfsc_req_free(req);
	return r;
}

/*
 * NFSv4.0 client id: SETCLIENTID (RFC 7530 §16.33) then
 * SETCLIENTID_CONFIRM (§16.34). The callback program is one we never
 * serve: the client grants itself no delegations.
 */
static int
nfsc_setclientid(struct nfsc *clnt)
{
	struct nfsc_req *req = nfsc_req_new(clnt);
	char owner[256], host[64];
	uint8_t verf[8], confirm[8];
	uint64_t t;
	int r;

	if (gethostname(host, sizeof host - 1) != 0)
		strcpy(host, "nfsc");
	host[sizeof host - 1] = '\0';
	t = (uint64_t)mono_ms();
	snprintf(owner, sizeof owner, "efsgw-nfsc/4.0/%s/%d/%u/%llu", host,
	    (int)getpid(), nfsc_owner_counter++, (unsigned long long)t);
	xdrbuf_store_u32(verf, (uint32_t)time(NULL));
	xdrbuf_store_u32(verf + 4, (uint32_t)getpid() ^ (uint32_t)t);

	nfsc_req_note_op(req, NFSC_OP_SETCLIENTID);
	nfsc_enc_fixed(&req->body, verf, 8);		/* nfs_client_id4 */
	nfsc_enc_string(&req->body, owner);
	nfsc_enc_u32(&req->body, NFSC_CB_PROGRAM);	/* cb_client4 */
	nfsc_enc_string(&req->body, "tcp");
	nfsc_enc_string(&req->body, "127.0.0.1.0.0");	/* port 0: none */
	nfsc_enc_u32(&req->body, 1);			/* callback_ident */
	if ((r = nfsc_call(clnt, req)) != 0)
		goto out;
	if ((r = nfsc_res_skip_header(req, NFSC_OP_SETCLIENTID)) != 0)
		goto out;
	if ((r = xdrbuf_get_u64(&req->xb, &clnt->clientid)) != 0 ||
	    (r = xdrbuf_get_opaque_fixed(&req->xb, confirm, 8)) != 0) {
		r = nfsc_fail(clnt, r, "SETCLIENTID: reply does not decode: %s",
		    efsgw_err(r));
		goto out;
	}
	nfsc_req_free(req);
	req = nfsc_req_new(clnt);
	nfsc_req_note_op(req, NFSC_OP_SETCLIENTID_CONFIRM);
	nfsc_enc_u64(&req->body, clnt->clientid);
	nfsc_enc_fixed(&req->body, confirm, 8);
	r = nfsc_call(clnt, req);
	clnt->oseq = 0;
out:
	nfsc_req_free(req);
	return r;
}

/* EXCHANGE_ID, CREATE_SESSION, RECLAIM_COMPLETE (4.0: SETCLIENTID). */
int
nfsc_session_create(struct nfsc *clnt)
{
	struct nfsc_req *req;
	int r;

	if (clnt->have_session || (clnt->opts.minor == 0 && clnt->clientid != 0))
		return nfsc_fail(clnt, EFSGW_ERR_INTERNAL, "session exists");
	if (clnt->opts.minor == 0)
		return nfsc_setclientid(clnt);
	if ((r = nfsc_exchange_id(clnt)) != 0)
		return r;
	if ((r = nfsc_create_session(clnt)) != 0)
		return r;
	/* RFC 8881 §18.51: needed before any non-reclaim OPEN. */
	req = nfsc_req_new(clnt);
	nfsc_req_note_op(req, NFSC_OP_RECLAIM_COMPLETE);
	nfsc_enc_u32(&req->body, 0);		/* rca_one_fs: false */
	r = nfsc_call(clnt, req);
	if (r == NFS4ERR_COMPLETE_ALREADY)
		r = 0;
	nfsc_req_free(req);
	return r;
}

/* Return the client id. */
uint64_t
nfsc_clientid(const struct nfsc *clnt)
{
	return clnt->clientid;
}

/* Return the slots the server granted. */
uint32_t
nfsc_session_slots(const struct nfsc *clnt)
{
	/* 4.0 has no slot table: allow as many calls as 4.1 would ask for. */
	if (clnt->opts.minor == 0)
		return clnt->opts.slots;
	return clnt->nslots;
}

/* Return the largest READ/WRITE payload the session allows. */
uint32_t
nfsc_io_size(const struct nfsc *clnt)
{
	uint32_t n = NFSC_IO_SIZE;

	if (clnt->maxreq > 0 && clnt->maxreq - 1024 < n)
		n = clnt->maxreq > 2048 ? clnt->maxreq - 1024 : 1024;
	if (clnt->maxresp > 0 && clnt->maxresp - 1024 < n)
		n = clnt->maxresp > 2048 ? clnt->maxresp - 1024 : 1024;
	if (n > 4096)
		n &= ~4095u;
	return n;
}

/* Send one session-less op (DESTROY_*), ignoring its result. */
static void
nfsc_destroy_op(struct nfsc *clnt, uint32_t op)
{
	struct nfsc_req *req = nfsc_req_new(clnt);

	req->noseq = 1;
	nfsc_req_note_op(req, op);
	if (op == NFSC_OP_DESTROY_SESSION)
		nfsc_enc_fixed(&req->body, clnt->sessionid, NFSC_SESSIONID_SIZE);
	else
		nfsc_enc_u64(&req->body, clnt->clientid);
	(void)nfsc_call(clnt, req);
	nfsc_req_free(req);
}

/* Tear down the session and client id, close and free. */
void
nfsc_destroy(struct nfsc *clnt)
{
	struct nfsc_req *req, *next;
	struct nfsc_req **lists[3];
	int i;

	if (clnt == NULL)
		return;
	if (clnt->have_session && !clnt->dead && nfsc_inflight(clnt) == 0) {
		/* Bounded: the server is expected to answer at once. */
		if (clnt->opts.timeout_ms > 5000)
			clnt->opts.timeout_ms = 5000;
		nfsc_destroy_op(clnt, NFSC_OP_DESTROY_SESSION);
		if (!clnt->dead)
			nfsc_destroy_op(clnt, NFSC_OP_DESTROY_CLIENTID);
	}
	lists[0] = &clnt->sent;
	lists[1] = &clnt->done;
	lists[2] = &clnt->retry;
	for (i = 0; i < 3; i++) {
		for (req = *lists[i]; req != NULL; req = next) {
			next = req->next;
			req->next = NULL;
			req->clnt = NULL;
			req->state = NFSC_REQ_NEW;
		}
	}
	nfsc_tls_free(clnt->tls);
	if (clnt->fd != -1)
		close(clnt->fd);
	free(clnt->rbuf);
	nfsc_enc_free(&clnt->cred);
	free(clnt);
}
