/*
 * efsgw - nfsc-req: one COMPOUND's arguments and results. The op encoders
 * write RFC 8881 §18 argument shapes (XDR from RFC 5662) into the request
 * body; the SEQUENCE op in front is added by nfsc-session.c when a slot is
 * chosen. The decoders read the reply through the xdrbuf cursor, one
 * result at a time in op order, so a caller never reads past the result
 * that failed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfsc-int.h"

#define RPC_REPLY		1
#define OPEN4_SHARE_ACCESS_WANT_NO_DELEG 0x0400	/* RFC 8881 §18.16.3 */
#define NFSC_MAXNAME		4096	/* most we accept for a reply name */

/* Return a new empty COMPOUND request. */
struct nfsc_req *
nfsc_req_new(struct nfsc *clnt)
{
	struct nfsc_req *req;

	if ((req = calloc(1, sizeof *req)) == NULL)
		fatalx("out of memory");
	req->clnt = clnt;
	req->proc = 1;
	req->slot = -1;
	/* NFSv4.0 has no sessions: no SEQUENCE in front (RFC 7530 §15.2). */
	req->noseq = clnt != NULL && clnt->opts.minor == 0;
	if (!req->noseq)
		req->opcodes[0] = NFSC_OP_SEQUENCE;
	nfsc_enc_init(&req->body);
	return req;
}

/* Drop the reply of a previous send. */
void
nfsc_req_reset_reply(struct nfsc_req *req)
{
	free(req->rec);
	req->rec = NULL;
	req->reclen = 0;
	req->err = 0;
	req->status = 0;
	req->nres = 0;
	req->seq_ok = 0;
	req->fail_op = 0;
}

/* Free req. */
void
nfsc_req_free(struct nfsc_req *req)
{
	if (req == NULL)
		return;
	/* Never leave a dangling entry on the client's lists. */
	nfsc_session_forget(req);
	nfsc_req_reset_reply(req);
	nfsc_enc_free(&req->body);
	free(req);
}

void
nfsc_req_set_udata(struct nfsc_req *req, void *p)
{
	req->udata = p;
}

void *
nfsc_req_udata(const struct nfsc_req *req)
{
	return req->udata;
}

/* Return the COMPOUND status. */
uint32_t
nfsc_req_status(const struct nfsc_req *req)
{
	return req->status;
}

/* Count op and remember it for messages. */
void
nfsc_req_note_op(struct nfsc_req *req, uint32_t op)
{
	uint32_t i = req->nops + (req->noseq ? 0 : 1);

	if (i < nitems(req->opcodes))
		req->opcodes[i] = op;
	req->nops++;
	nfsc_enc_u32(&req->body, op);
}

/* Record a request-level failure on req and its client. */
static int
nfsc_req_fail(struct nfsc_req *req, int r, const char *what)
{
	req->err = r;
	if (req->clnt != NULL)
		nfsc_fail(req->clnt, r, "reply: %s: %s", what, efsgw_err(r));
	return r;
}

/* Parse the RPC reply (RFC 5531 §9), COMPOUND4res and SEQUENCE4res. */
int
nfsc_req_parse(struct nfsc_req *req)
{
	struct xdrbuf *b = &req->xb;
	struct nfsc *clnt = req->clnt;
	uint32_t xid, mtype, rstat, astat, flavor, lo, hi, n, op, st, v;
	uint8_t sid[NFSC_SESSIONID_SIZE];
	int r;

	xdrbuf_init_mem(b, &req->iov, req->rec, req->reclen);
	if ((r = xdrbuf_get_u32(b, &xid)) != 0 ||
	    (r = xdrbuf_get_u32(b, &mtype)) != 0 ||
	    (r = xdrbuf_get_u32(b, &rstat)) != 0)
		return nfsc_req_fail(req, r, "RPC header");
	if (mtype != RPC_REPLY)
		return nfsc_req_fail(req, EFSGW_ERR_BAD_RPC, "not a reply");
	if (rstat == 1) {	/* MSG_DENIED */
		if ((r = xdrbuf_get_u32(b, &v)) != 0 || (r = xdrbuf_get_u32(b, &lo)) != 0)
			return nfsc_req_fail(req, r, "rejected reply");
		req->err = EFSGW_ERR_BAD_RPC;
		nfsc_fail(clnt, EFSGW_ERR_BAD_RPC, v == 0 ?
		    "RPC call denied: RPC version mismatch" :
		    "RPC call denied: authentication error (auth_stat %u)", lo);
		return req->err;
	}
	if (rstat != 0)
		return nfsc_req_fail(req, EFSGW_ERR_BAD_RPC, "reply_stat");
	if ((r = xdrbuf_get_u32(b, &flavor)) != 0 ||
	    (r = xdrbuf_skip_opaque(b, 400, NULL, NULL)) != 0 ||
	    (r = xdrbuf_get_u32(b, &astat)) != 0)
		return nfsc_req_fail(req, r, "accepted reply");
	if (astat != 0) {
		static const char *const names[] = { "SUCCESS", "PROG_UNAVAIL",
		    "PROG_MISMATCH", "PROC_UNAVAIL", "GARBAGE_ARGS",
		    "SYSTEM_ERR" };

		req->err = EFSGW_ERR_BAD_RPC;
		lo = hi = 0;
		if (astat == 2) {
			(void)xdrbuf_get_u32(b, &lo);
			(void)xdrbuf_get_u32(b, &hi);
		}
		nfsc_fail(clnt, EFSGW_ERR_BAD_RPC, "RPC call not accepted: %s%s",
		    astat < nitems(names) ? names[astat] : "unknown accept_stat",
		    astat == 2 ? " (program version not served)" : "");
		return req->err;
	}
	if (req->proc != 1)
		return 0;
	if ((r = xdrbuf_get_u32(b, &req->status)) != 0 ||
	    (r = xdrbuf_skip_opaque(b, 1024, NULL, NULL)) != 0 ||
	    (r = xdrbuf_get_u32(b, &n)) != 0)
		return nfsc_req_fail(req, r, "COMPOUND4res header");
	if (n > req->nops + 1)
		return nfsc_req_fail(req, EFSGW_ERR_TOO_MANY, "result count");
	if (req->status != 0) {
		v = n > 0 ? n - 1 : 0;
		req->fail_op = v < nitems(req->opcodes) ? req->opcodes[v] : 0;
		if (n == 0)	/* e.g. MINOR_VERS_MISMATCH: no op was run */
			req->fail_op = NFSC_OP_ILLEGAL;
	}
	req->nres = n;
	if (req->noseq)
		return 0;
	if (n == 0)
		return 0;
	if ((r = xdrbuf_get_u32(b, &op)) != 0 || (r = xdrbuf_get_u32(b, &st)) != 0)
		return nfsc_req_fail(req, r, "SEQUENCE result");
	if (op != NFSC_OP_SEQUENCE)
		return nfsc_req_fail(req, EFSGW_ERR_BAD_VALUE, "first result not SEQUENCE");
	req->nres--;
	if (st != 0)
		return 0;
	if ((r = xdrbuf_get_opaque_fixed(b, sid, sizeof sid)) != 0 ||
	    (r = xdrbuf_get_u32(b, &v)) != 0 ||	/* sr_sequenceid */
	    (r = xdrbuf_get_u32(b, &v)) != 0 ||	/* sr_slotid */
	    (r = xdrbuf_get_u32(b, &v)) != 0 ||	/* sr_highest_slotid */
	    (r = xdrbuf_get_u32(b, &req->seq_target)) != 0 ||
	    (r = xdrbuf_get_u32(b, &v)) != 0)	/* sr_status_flags */
		return nfsc_req_fail(req, r, "SEQUENCE4resok");
	req->seq_ok = 1;
	return 0;
}

/* Read the next result's opcode and status. */
int
nfsc_res_skip_header(struct nfsc_req *req, uint32_t op)
{
	struct nfsc *clnt = req->clnt;
	uint32_t got, st;
	int r;

	if (req->err != 0)
		return req->err;
	if (req->nres == 0) {
		if (req->status != 0)
			return nfsc_fail(clnt, (int)req->status, "%s: %s",
			    nfsc_op_name(req->fail_op), nfsc_stat_name(req->status));
		return nfsc_fail(clnt, EFSGW_ERR_TRUNCATED, "%s: no result in reply",
		    nfsc_op_name(op));
	}
	if ((r = xdrbuf_get_u32(&req->xb, &got)) != 0 ||
	    (r = xdrbuf_get_u32(&req->xb, &st)) != 0)
		return nfsc_fail(clnt, r, "%s: result truncated", nfsc_op_name(op));
	req->nres--;
	if (got != op)
		return nfsc_fail(clnt, EFSGW_ERR_BAD_VALUE,
		    "expected the result of %s, got %s", nfsc_op_name(op),
		    nfsc_op_name(got));
	if (st != 0)
		return nfsc_fail(clnt, (int)st, "%s: %s", nfsc_op_name(op),
		    nfsc_stat_name(st));
	return 0;
}

/* Report a resok that does not decode. */
static int
nfsc_res_bad(struct nfsc_req *req, uint32_t op, int r)
{
	return nfsc_fail(req->clnt, r, "%s: result does not decode: %s",
	    nfsc_op_name(op), efsgw_err(r));
}

/* Skip a change_info4 (bool atomic, changeid4 before, after). */
static int
nfsc_skip_cinfo(struct xdrbuf *b)
{
	return xdrbuf_skip(b, 4 + 8 + 8);
}

/* Skip a bitmap4. */
static int
nfsc_skip_bitmap(struct xdrbuf *b)
{
	uint32_t n;
	int r;

	if ((r = xdrbuf_get_u32(b, &n)) != 0)
		return r;
	if (n > 64)
		return EFSGW_ERR_TOO_MANY;
	return xdrbuf_skip(b, (size_t)n * 4);
}

/*
 * Skip a SECINFO4resok: secinfo4<>, each a flavor and, for RPCSEC_GSS
 * (6), an oid, a qop and a service (RFC 8881 §18.29.2).
 */
static int
nfsc_skip_secinfo(struct xdrbuf *b)
{
	uint32_t n, i, flavor;
	int r;

	if ((r = xdrbuf_get_u32(b, &n)) != 0)
		return r;
	if (n > 64)
		return EFSGW_ERR_TOO_MANY;
	for (i = 0; i < n; i++) {
		if ((r = xdrbuf_get_u32(b, &flavor)) != 0)
			return r;
		if (flavor == 6 &&
		    ((r = xdrbuf_skip_opaque(b, 1024, NULL, NULL)) != 0 ||
		    (r = xdrbuf_skip(b, 8)) != 0))
			return r;
	}
	return 0;
}

/* Skip the result of op, which the caller does not need. */
int
nfsc_res_skip(struct nfsc_req *req, uint32_t op)
{
	struct xdrbuf *b = &req->xb;
	struct nfsc_attr a;
	struct nfsc_stateid sid;
	uint64_t cookie;
	uint8_t verf[8];
	int r, eof;

	switch (op) {
	case NFSC_OP_GETATTR:
		return nfsc_res_getattr(req, &a);
	case NFSC_OP_OPEN:
		return nfsc_res_open(req, &sid);
	case NFSC_OP_READDIR:
		return nfsc_res_readdir(req, NULL, NULL, &cookie, verf, &eof);
	}
	if ((r = nfsc_res_skip_header(req, op)) != 0)
		return r;
	switch (op) {
	case NFSC_OP_GETFH:
		r = xdrbuf_skip_opaque(b, NFSC_FHSIZE, NULL, NULL);
		break;
	case NFSC_OP_CLOSE:
		r = xdrbuf_skip(b, 16);
		break;
	case NFSC_OP_REMOVE:
		r = nfsc_skip_cinfo(b);
		break;
	case NFSC_OP_RENAME:
		if ((r = nfsc_skip_cinfo(b)) == 0)
			r = nfsc_skip_cinfo(b);
		break;
	case NFSC_OP_CREATE:
		if ((r = nfsc_skip_cinfo(b)) == 0)
			r = nfsc_skip_bitmap(b);
		break;
	case NFSC_OP_SETATTR:
		r = nfsc_skip_bitmap(b);
		break;
	case NFSC_OP_WRITE:
		r = xdrbuf_skip(b, 16);
		break;
	case NFSC_OP_COMMIT:
		r = xdrbuf_skip(b, 8);
		break;
	case NFSC_OP_READ:
		if ((r = xdrbuf_skip(b, 4)) == 0)
			r = xdrbuf_skip_opaque(b, NFSC_MAX_RECORD, NULL, NULL);
		break;
	case NFSC_OP_SECINFO_NO_NAME:
		r = nfsc_skip_secinfo(b);
		break;
	default:	/* PUTFH, PUTROOTFH, LOOKUP, SAVEFH, RESTOREFH, ...: void */
		r = 0;
		break;
	}
	return r != 0 ? nfsc_res_bad(req, op, r) : 0;
}

/* GETFH result. */
int
nfsc_res_getfh(struct nfsc_req *req, struct nfsc_fh *fh)
{
	size_t len;
	int r;

	memset(fh, 0, sizeof *fh);
	if ((r = nfsc_res_skip_header(req, NFSC_OP_GETFH)) != 0)
		return r;
	if ((r = xdrbuf_get_opaque(&req->xb, NFSC_FHSIZE, fh->data,
	    sizeof fh->data, &len)) != 0)
		return nfsc_res_bad(req, NFSC_OP_GETFH, r);
	fh->len = (uint32_t)len;
	return 0;
}

/* GETATTR result. */
int
nfsc_res_getattr(struct nfsc_req *req, struct nfsc_attr *a)
{
	int r;

	memset(a, 0, sizeof *a);
	if ((r = nfsc_res_skip_header(req, NFSC_OP_GETATTR)) != 0)
		return r;
	if ((r = nfsc_attr_decode(&req->xb, a)) != 0)
		return nfsc_res_bad(req, NFSC_OP_GETATTR, r);
	return 0;
}

/* Skip an nfsace4 (RFC 8881 §6.2.1). */
static int
nfsc_skip_ace(struct xdrbuf *b)
{
	int r;

	if ((r = xdrbuf_skip(b, 12)) != 0)
		return r;
	return xdrbuf_skip_opaque(b, 1024, NULL, NULL);
}

/* OPEN result (RFC 8881 §18.16.2): the stateid; a delegation is skipped. */
int
nfsc_res_open(struct nfsc_req *req, struct nfsc_stateid *sid)
{
	uint32_t rflags;

	return nfsc_res_open_flags(req, sid, &rflags);
}

/* OPEN result and its rflags (OPEN4_RESULT_CONFIRM asks 4.0 to confirm). */
int
nfsc_res_open_flags(struct nfsc_req *req, struct nfsc_stateid *sid,
    uint32_t *rflagsp)
{
	struct xdrbuf *b = &req->xb;
	uint32_t rflags, dtype, why, limitby;
	int r;

	*rflagsp = 0;
	memset(sid, 0, sizeof *sid);
	if ((r = nfsc_res_skip_header(req, NFSC_OP_OPEN)) != 0)
		return r;
	if ((r = xdrbuf_get_u32(b, &sid->seqid)) != 0 ||
	    (r = xdrbuf_get_opaque_fixed(b, sid->other, 12)) != 0 ||
	    (r = nfsc_skip_cinfo(b)) != 0 ||
	    (r = xdrbuf_get_u32(b, &rflags)) != 0 ||
	    (r = nfsc_skip_bitmap(b)) != 0 ||
	    (r = xdrbuf_get_u32(b, &dtype)) != 0)
		return nfsc_res_bad(req, NFSC_OP_OPEN, r);
	*rflagsp = rflags;
	switch (dtype) {
	case 0:		/* OPEN_DELEGATE_NONE */
		break;
	case 1:		/* READ: stateid, recall, permissions */
		if ((r = xdrbuf_skip(b, 16 + 4)) != 0 || (r = nfsc_skip_ace(b)) != 0)
			return nfsc_res_bad(req, NFSC_OP_OPEN, r);
		break;
	case 2:		/* WRITE: stateid, recall, space_limit, permissions */
		if ((r = xdrbuf_skip(b, 16 + 4)) != 0 ||
		    (r = xdrbuf_get_u32(b, &limitby)) != 0 ||
		    (r = xdrbuf_skip(b, 8)) != 0 || (r = nfsc_skip_ace(b)) != 0)
			return nfsc_res_bad(req, NFSC_OP_OPEN, r);
		break;
	case 3:		/* OPEN_DELEGATE_NONE_EXT (4.1) */
		if ((r = xdrbuf_get_u32(b, &why)) != 0)
			return nfsc_res_bad(req, NFSC_OP_OPEN, r);
		if ((why == 1 || why == 2) && (r = xdrbuf_skip(b, 4)) != 0)
			return nfsc_res_bad(req, NFSC_OP_OPEN, r);
		break;
	default:
		return nfsc_res_bad(req, NFSC_OP_OPEN, EFSGW_ERR_BAD_DISCRIM);
	}
	return 0;
}

/* READ result: copy the data into buf. */
int
nfsc_res_read(struct nfsc_req *req, void *buf, size_t buflen, uint32_t *np,
    int *eofp)
{
	struct xdrbuf *b = &req->xb;
	size_t len;
	int r;

	*np = 0;
	*eofp = 0;
	if ((r = nfsc_res_skip_header(req, NFSC_OP_READ)) != 0)
		return r;
	if ((r = xdrbuf_get_bool(b, eofp)) != 0 ||
	    (r = xdrbuf_get_opaque(b, buflen, buf, buflen, &len)) != 0)
		return nfsc_res_bad(req, NFSC_OP_READ, r);
	*np = (uint32_t)len;
	return 0;
}

/* SEEK4res (RFC 7862 §15.11.2): sr_eof, then sr_offset. */
int
nfsc_res_seek(struct nfsc_req *req, uint64_t *offp, int *eofp)
{
	struct xdrbuf *b = &req->xb;
	int r;

	*offp = 0;
	*eofp = 0;
	if ((r = nfsc_res_skip_header(req, NFSC_OP_SEEK)) != 0)
		return r;
	if ((r = xdrbuf_get_bool(b, eofp)) != 0 ||
	    (r = xdrbuf_get_u64(b, offp)) != 0)
		return nfsc_res_bad(req, NFSC_OP_SEEK, r);
	return 0;
}

/* WRITE result. */
int
nfsc_res_write(struct nfsc_req *req, uint32_t *countp, int *committedp,
    uint8_t verf[8])
{
	struct xdrbuf *b = &req->xb;
	uint32_t c;
	int r;

	*countp = 0;
	*committedp = 0;
	if ((r = nfsc_res_skip_header(req, NFSC_OP_WRITE)) != 0)
		return r;
	if ((r = xdrbuf_get_u32(b, countp)) != 0 ||
	    (r = xdrbuf_get_u32(b, &c)) != 0 ||
	    (r = xdrbuf_get_opaque_fixed(b, verf, 8)) != 0)
		return nfsc_res_bad(req, NFSC_OP_WRITE, r);
	*committedp = (int)c;
	return 0;
}

/* COMMIT result. */
int
nfsc_res_commit(struct nfsc_req *req, uint8_t verf[8])
{
	int r;

	if ((r = nfsc_res_skip_header(req, NFSC_OP_COMMIT)) != 0)
		return r;
	if ((r = xdrbuf_get_opaque_fixed(&req->xb, verf, 8)) != 0)
		return nfsc_res_bad(req, NFSC_OP_COMMIT, r);
	return 0;
}

/* READDIR result (RFC 8881 §18.23.2): walk the entry4 list. */
int
nfsc_res_readdir(struct nfsc_req *req, nfsc_dirent_cb cb, void *arg,
    uint64_t *cookiep, uint8_t verf[8], int *eofp)
{
	struct xdrbuf *b = &req->xb;
	struct nfsc_dirent de;
	char name[NFSC_MAXNAME + 1];
	size_t len;
	int r, more, guard;

	*eofp = 0;
	if ((r = nfsc_res_skip_header(req, NFSC_OP_READDIR)) != 0)
		return r;
	if ((r = xdrbuf_get_opaque_fixed(b, verf, 8)) != 0 ||
	    (r = xdrbuf_get_bool(b, &more)) != 0)
		return nfsc_res_bad(req, NFSC_OP_READDIR, r);
	/* Each entry is at least 20 bytes, so the record bounds the loop. */
	for (guard = 0; more && guard < NFSC_MAX_RECORD / 20; guard++) {
		memset(&de, 0, sizeof de);
		if ((r = xdrbuf_get_u64(b, &de.cookie)) != 0 ||
		    (r = xdrbuf_get_opaque(b, NFSC_MAXNAME, name,
		    sizeof name - 1, &len)) != 0 ||
		    (r = nfsc_attr_decode(b, &de.attr)) != 0 ||
		    (r = xdrbuf_get_bool(b, &more)) != 0)
			return nfsc_res_bad(req, NFSC_OP_READDIR, r);
		name[len] = '\0';
		de.name = name;
		de.namelen = len;
		*cookiep = de.cookie;
		if (cb != NULL && (r = cb(&de, arg)) != 0)
			return r;
	}
	if ((r = xdrbuf_get_bool(b, eofp)) != 0)
		return nfsc_res_bad(req, NFSC_OP_READDIR, r);
	return 0;
}

/* Encode the ops. Each: opcode, then its ARGS shape from RFC 5662. */

void
nfsc_op_putrootfh(struct nfsc_req *req)
{
	nfsc_req_note_op(req, NFSC_OP_PUTROOTFH);
}

void
nfsc_op_putfh(struct nfsc_req *req, const struct nfsc_fh *fh)
{
	nfsc_req_note_op(req, NFSC_OP_PUTFH);
	nfsc_enc_opaque(&req->body, fh->data, fh->len);
}

void
nfsc_op_lookup(struct nfsc_req *req, const char *name)
{
	nfsc_req_note_op(req, NFSC_OP_LOOKUP);
	nfsc_enc_string(&req->body, name);
}

void
nfsc_op_lookupp(struct nfsc_req *req)
{
	nfsc_req_note_op(req, NFSC_OP_LOOKUPP);
}

void
nfsc_op_secinfo_no_name(struct nfsc_req *req, uint32_t style)
{
	nfsc_req_note_op(req, NFSC_OP_SECINFO_NO_NAME);
	nfsc_enc_u32(&req->body, style);
}

void
nfsc_op_getfh(struct nfsc_req *req)
{
	nfsc_req_note_op(req, NFSC_OP_GETFH);
}

void
nfsc_op_savefh(struct nfsc_req *req)
{
	nfsc_req_note_op(req, NFSC_OP_SAVEFH);
}

void
nfsc_op_restorefh(struct nfsc_req *req)
{
	nfsc_req_note_op(req, NFSC_OP_RESTOREFH);
}

void
nfsc_op_getattr(struct nfsc_req *req, uint64_t mask)
{
	nfsc_req_note_op(req, NFSC_OP_GETATTR);
	nfsc_enc_bitmap(&req->body, mask);
}

/* Encode a stateid4; NULL is the anonymous (all-zero) stateid. */
static void
nfsc_enc_stateid(struct nfsc_enc *e, const struct nfsc_stateid *sid)
{
	static const uint8_t zero[12];

	nfsc_enc_u32(e, sid != NULL ? sid->seqid : 0);
	nfsc_enc_fixed(e, sid != NULL ? sid->other : zero, 12);
}

void
nfsc_op_setattr(struct nfsc_req *req, const struct nfsc_stateid *sid,
    const struct nfsc_sattr *s)
{
	nfsc_req_note_op(req, NFSC_OP_SETATTR);
	nfsc_enc_stateid(&req->body, sid);
	nfsc_attr_encode(&req->body, s);
}

void
nfsc_op_verify_change(struct nfsc_req *req, uint64_t change)
{
	uint8_t v[8];

	nfsc_req_note_op(req, NFSC_OP_VERIFY);
	nfsc_enc_bitmap(&req->body, NFSC_ABIT(NFSC_A_CHANGE));
	xdrbuf_store_u32(v, (uint32_t)(change >> 32));
	xdrbuf_store_u32(v + 4, (uint32_t)change);
	nfsc_enc_opaque(&req->body, v, sizeof v);
}

/* OPEN4args (RFC 8881 §18.16.1) with CLAIM_NULL. */
void
nfsc_op_open(struct nfsc_req *req, const char *name, int flags, uint32_t mode)
{
	struct nfsc_enc *e = &req->body;
	struct nfsc_sattr s;
	char owner[64];
	uint32_t access = 0;

	if (flags & NFSC_O_READ)
		access |= 1;
	if (flags & NFSC_O_WRITE)
		access |= 2;
	if (access == 0)
		access = 1;
	nfsc_req_note_op(req, NFSC_OP_OPEN);
	/* seqid: the open-owner's in 4.0, unused in 4.1 (RFC 8881 §18.16.3). */
	if (req->clnt != NULL && req->clnt->opts.minor == 0) {
		nfsc_enc_u32(e, req->clnt->oseq);
		nfsc_enc_u32(e, access);	/* 4.0 has no WANT bits */
	} else {
		nfsc_enc_u32(e, 0);
		nfsc_enc_u32(e, access | OPEN4_SHARE_ACCESS_WANT_NO_DELEG);
	}
	nfsc_enc_u32(e, 0);			/* share_deny: NONE */
	nfsc_enc_u64(e, req->clnt != NULL ? req->clnt->clientid : 0);
	snprintf(owner, sizeof owner, "nfsc-open-owner-%d", (int)getpid());
	nfsc_enc_string(e, owner);
	if (flags & NFSC_O_CREATE) {
		nfsc_enc_u32(e, 1);		/* OPEN4_CREATE */
		nfsc_enc_u32(e, (flags & NFSC_O_EXCL) ? 1 : 0);	/* GUARDED4 : UNCHECKED4 */
		memset(&s, 0, sizeof s);
		s.mask = NFSC_ABIT(NFSC_A_MODE);
		s.mode = mode;
		if (flags & NFSC_O_TRUNC) {
			s.mask |= NFSC_ABIT(NFSC_A_SIZE);
			s.size = 0;
		}
		nfsc_attr_encode(e, &s);
	} else
		nfsc_enc_u32(e, 0);		/* OPEN4_NOCREATE */
	nfsc_enc_u32(e, 0);			/* CLAIM_NULL */
	nfsc_enc_string(e, name);
}

void
nfsc_op_close(struct nfsc_req *req, const struct nfsc_stateid *sid)
{
	struct nfsc_stateid cur;

	nfsc_req_note_op(req, NFSC_OP_CLOSE);
	/* seqid: the open-owner's in 4.0, unused in 4.1. */
	nfsc_enc_u32(&req->body, req->clnt != NULL && req->clnt->opts.minor == 0 ?
	    req->clnt->oseq : 0);
	if (sid == NULL) {
		/* RFC 8881 §16.2.3.1.2: the current stateid. */
		memset(&cur, 0, sizeof cur);
		cur.seqid = 1;
		sid = &cur;
	}
	nfsc_enc_stateid(&req->body, sid);
}

void
nfsc_op_read(struct nfsc_req *req, const struct nfsc_stateid *sid,
    uint64_t off, uint32_t count)
{
	nfsc_req_note_op(req, NFSC_OP_READ);
	nfsc_enc_stateid(&req->body, sid);
	nfsc_enc_u64(&req->body, off);
	nfsc_enc_u32(&req->body, count);
}

/* SEEK4args (RFC 7862 §15.11.1): stateid, offset, data_content4. */
void
nfsc_op_seek(struct nfsc_req *req, const struct nfsc_stateid *sid,
    uint64_t off, uint32_t what)
{
	nfsc_req_note_op(req, NFSC_OP_SEEK);
	nfsc_enc_stateid(&req->body, sid);
	nfsc_enc_u64(&req->body, off);
	nfsc_enc_u32(&req->body, what);
}

void
nfsc_op_write(struct nfsc_req *req, const struct nfsc_stateid *sid,
    uint64_t off, int stable, const void *data, uint32_t len)
{
	nfsc_req_note_op(req, NFSC_OP_WRITE);
	nfsc_enc_stateid(&req->body, sid);
	nfsc_enc_u64(&req->body, off);
	nfsc_enc_u32(&req->body, (uint32_t)stable);
	nfsc_enc_opaque(&req->body, data, len);
}

void
nfsc_op_commit(struct nfsc_req *req, uint64_t off, uint32_t count)
{
	nfsc_req_note_op(req, NFSC_OP_COMMIT);
	nfsc_enc_u64(&req->body, off);
	nfsc_enc_u32(&req->body, count);
}

void
nfsc_op_readdir(struct nfsc_req *req, uint64_t cookie, const uint8_t verf[8],
    uint32_t maxcount, uint64_t mask)
{
	nfsc_req_note_op(req, NFSC_OP_READDIR);
	nfsc_enc_u64(&req->body, cookie);
	nfsc_enc_fixed(&req->body, verf, 8);
	nfsc_enc_u32(&req->body, maxcount);	/* dircount */
	nfsc_enc_u32(&req->body, maxcount);	/* maxcount */
	nfsc_enc_bitmap(&req->body, mask);
}

/* CREATE4args with NF4DIR (RFC 8881 §18.4.1). */
void
nfsc_op_mkdir(struct nfsc_req *req, const char *name, uint32_t mode)
{
	struct nfsc_sattr s;

	nfsc_req_note_op(req, NFSC_OP_CREATE);
	nfsc_enc_u32(&req->body, NFSC_NF4DIR);
	nfsc_enc_string(&req->body, name);
	memset(&s, 0, sizeof s);
	s.mask = NFSC_ABIT(NFSC_A_MODE);
	s.mode = mode;
	nfsc_attr_encode(&req->body, &s);
}

void
nfsc_op_remove(struct nfsc_req *req, const char *name)
{
	nfsc_req_note_op(req, NFSC_OP_REMOVE);
	nfsc_enc_string(&req->body, name);
}

void
nfsc_op_rename(struct nfsc_req *req, const char *from, const char *to)
{
	nfsc_req_note_op(req, NFSC_OP_RENAME);
	nfsc_enc_string(&req->body, from);
	nfsc_enc_string(&req->body, to);
}

/* Any op with caller-encoded arguments. */
void
nfsc_op_raw(struct nfsc_req *req, uint32_t opcode, const void *args, size_t len)
{
	nfsc_req_note_op(req, opcode);
	if (len % 4 != 0 && req->body.err == 0)
		req->body.err = EFSGW_ERR_BAD_VALUE;
	nfsc_enc_fixed(&req->body, args, len);
}

/* Hand the unread results to a caller that decodes them itself. */
int
nfsc_res_rest(struct nfsc_req *req, const uint8_t **p, size_t *len,
    uint32_t *nres)
{
	size_t pos;

	*p = NULL;
	*len = 0;
	*nres = 0;
	if (req->err != 0)
		return req->err;
	if (req->rec == NULL)
		return EFSGW_ERR_NOT_FOUND;
	pos = xdrbuf_pos(&req->xb);
	if (pos > req->reclen)
		return EFSGW_ERR_INTERNAL;
	*p = req->rec + pos;
	*len = req->reclen - pos;
	*nres = req->nres;
	return 0;
}

/*
 * NFSv4.0 seqid rule (RFC 7530 §9.1.7): the open-owner's seqid advances
 * once op has run, whatever its result, except for the errors that say
 * the server could not tell which seqid it saw.
 */
void
nfsc_v40_seqid_done(struct nfsc *clnt, const struct nfsc_req *req, uint32_t op)
{
	uint32_t i, n, st = req->status;

	if (clnt->opts.minor != 0 || req->err != 0 || req->rec == NULL)
		return;
	/* Did op run? It did if the COMPOUND got past it or failed on it. */
	n = req->nops < nitems(req->opcodes) ? req->nops : nitems(req->opcodes);
	for (i = 0; i < n && req->opcodes[i] != op; i++)
		;
	if (i == n)
		return;
	if (st != 0 && req->fail_op != op) {
		/* Failed before op (PUTFH) or after it (GETFH)? */
		uint32_t j;

		for (j = 0; j < n && req->opcodes[j] != req->fail_op; j++)
			;
		if (j <= i)
			return;
		st = 0;
	}
	switch (st) {
	case 10022:	/* STALE_CLIENTID */
	case 10023:	/* STALE_STATEID */
	case 10025:	/* BAD_STATEID */
	case 10026:	/* BAD_SEQID */
	case 10036:	/* BADXDR */
	case 10018:	/* RESOURCE */
	case 10020:	/* NOFILEHANDLE */
	case 10019:	/* MOVED */
		return;
	}
	clnt->oseq++;
}
