/*
 * efsgw - the gateway's own calls to a backend: one COMPOUND (NFSv4.0, so
 * that no client id or session is needed, RFC 7530 §16.2) on a fresh
 * connection, answered through a callback with the results the gateway
 * needs: how far the COMPOUND got, the last GETFH handle and the fsid and
 * fileid of a GETATTR. Used to find export roots (fsroot.c), to find or
 * create access point roots (aproot.c) and to prove where a handle lies
 * (ancestry.c, which sees every GETFH through backcall_on_getfh).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "proxy.h"

#define FATTR4_FSID		8
#define FATTR4_FILEID		20
#define FATTR4_SPACE_FREE	43
#define FATTR4_SPACE_TOTAL	44

struct backcall {
	struct bufferevent	*bev;
	struct rpc_record	*rr;
	uint32_t		 xid;
	backcall_cb		 cb;
	void			*arg;
	backcall_fh_cb		 fh_cb;		/* each GETFH, or NULL */
	void			*fh_arg;
};

/* End the call and free it. */
static void
backcall_free(struct backcall *bc)
{
	if (bc == NULL)
		return;
	if (bc->bev != NULL)
		bufferevent_free(bc->bev);
	rpc_record_free(bc->rr);
	free(bc);
}

/* Report to the caller and free. */
static void
backcall_done(struct backcall *bc, int err, const char *why,
    const struct backcall_result *res)
{
	backcall_cb cb = bc->cb;
	void *arg = bc->arg;

	backcall_free(bc);
	cb(arg, err, why, res);
}

/* Decode a GETATTR result holding fsid and fileid (RFC 7530 §5.6). */
static int
backcall_attrs(struct xdrbuf *b, struct backcall_result *res)
{
	uint32_t nwords, w[2] = { 0, 0 }, i, v;
	size_t len;
	int r;

	if ((r = xdrbuf_get_u32(b, &nwords)) != 0)
		return r;
	if (nwords > 8)
		return EFSGW_ERR_TOO_MANY;
	for (i = 0; i < nwords; i++) {
		if ((r = xdrbuf_get_u32(b, &v)) != 0)
			return r;
		if (i < 2)
			w[i] = v;
		else if (v != 0)
			return EFSGW_ERR_BAD_VALUE;
	}
	/* Only the attributes we asked for may be present, in bit order. */
	if ((w[0] & ~((1u << FATTR4_FSID) | (1u << FATTR4_FILEID))) ||
	    (w[1] & ~((1u << (FATTR4_SPACE_FREE - 32)) |
	    (1u << (FATTR4_SPACE_TOTAL - 32)))))
		return EFSGW_ERR_BAD_VALUE;
	if ((r = xdrbuf_get_opaque_len(b, 64, &len)) != 0)
		return r;
	if (w[0] & (1u << FATTR4_FSID)) {
		if ((r = xdrbuf_get_u64(b, &res->fsid_major)) != 0 ||
		    (r = xdrbuf_get_u64(b, &res->fsid_minor)) != 0)
			return r;
	}
	if (w[0] & (1u << FATTR4_FILEID)) {
		if ((r = xdrbuf_get_u64(b, &res->fileid)) != 0)
			return r;
	}
	if ((w[1] & (1u << (FATTR4_SPACE_FREE - 32))) &&
	    (r = xdrbuf_get_u64(b, &res->space_free)) != 0)
		return r;
	if ((w[1] & (1u << (FATTR4_SPACE_TOTAL - 32))) &&
	    (r = xdrbuf_get_u64(b, &res->space_total)) != 0)
		return r;
	res->has_attrs = (w[0] & (1u << FATTR4_FSID)) &&
	    (w[0] & (1u << FATTR4_FILEID));
	return 0;
}

/* Decode the reply. */
static int
backcall_parse(struct backcall *bc, struct evbuffer *rec,
    struct backcall_result *res, const char **why)
{
	struct evbuffer_iovec *vec;
	struct xdrbuf b;
	struct rpc_msg m;
	uint32_t count, i, op, st;
	size_t len;
	int n, r;

	memset(res, 0, sizeof *res);
	*why = "malformed reply";
	n = evbuffer_peek(rec, -1, NULL, NULL, 0);
	if (n <= 0 || (vec = calloc((size_t)n, sizeof *vec)) == NULL)
		return EFSGW_ERR_NOMEM;
	evbuffer_peek(rec, -1, NULL, vec, n);
	xdrbuf_init(&b, vec, n);
	if ((r = rpc_msg_parse(&b, &m)) != 0)
		goto out;
	r = EFSGW_ERR_BAD_RPC;
	if (m.type != RPC_REPLY || m.xid != bc->xid)
		goto out;
	if (m.reply_stat != RPC_MSG_ACCEPTED || m.accept_stat != RPC_SUCCESS) {
		*why = "the server refused the RPC (not NFSv4, or AUTH_SYS refused)";
		goto out;
	}
	if ((r = xdrbuf_get_u32(&b, &res->status)) != 0 ||
	    (r = xdrbuf_skip_opaque(&b, EFSGW_MAX_TAG, NULL, NULL)) != 0 ||
	    (r = xdrbuf_get_u32(&b, &count)) != 0)
		goto out;
	for (i = 0; i < count; i++) {
		if ((r = xdrbuf_get_u32(&b, &op)) != 0 ||
		    (r = xdrbuf_get_u32(&b, &st)) != 0)
			goto out;
		res->nops = i + 1;
		if (st != NFS4_OK) {
			res->failed_op = i;
			res->failed_status = st;
			r = 0;
			goto out;
		}
		switch (op) {
		case OP_PUTFH:
		case OP_PUTROOTFH:
		case OP_LOOKUP:
		case OP_LOOKUPP:
		case OP_NVERIFY:
			break;
		case OP_GETFH:
			if ((r = xdrbuf_get_opaque(&b, NFS4_FHSIZE, res->fh,
			    sizeof res->fh, &len)) != 0)
				goto out;
			res->fhlen = len;
			if (bc->fh_cb != NULL)
				bc->fh_cb(bc->fh_arg, i, res->fh, len);
			break;
		case OP_GETATTR:
			if ((r = backcall_attrs(&b, res)) != 0)
				goto out;
			break;
		case OP_CREATE:
			/* change_info4 (atomic, before, after), attrset bitmap4. */
			if ((r = xdrbuf_skip(&b, 4 + 8 + 8)) != 0 ||
			    (r = xdrbuf_get_u32(&b, &st)) != 0)
				goto out;
			if (st > 8) {
				r = EFSGW_ERR_TOO_MANY;
				goto out;
			}
			if ((r = xdrbuf_skip(&b, (size_t)st * 4)) != 0)
				goto out;
			break;
		default:
			r = EFSGW_ERR_BAD_VALUE;
			goto out;
		}
	}
	res->failed_op = count;
	r = 0;
out:
	free(vec);
	return r;
}

/* Reply bytes arrived. */
static void
backcall_read_cb(struct bufferevent *bev, void *arg)
{
	struct backcall *bc = arg;
	struct backcall_result res;
	struct evbuffer *rec = NULL;
	const char *why;
	int r;

	r = rpc_record_read(bc->rr, bufferevent_get_input(bev), &rec);
	if (r == 0)
		return;
	if (r < 0) {
		backcall_done(bc, r, "reply larger than expected", NULL);
		return;
	}
	r = backcall_parse(bc, rec, &res, &why);
	evbuffer_free(rec);
	if (r != 0)
		backcall_done(bc, r, why, NULL);
	else
		backcall_done(bc, 0, NULL, &res);
}

/* Connection events. */
static void
backcall_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct backcall *bc = arg;

	if (what & BEV_EVENT_CONNECTED)
		return;
	if (what & BEV_EVENT_TIMEOUT)
		backcall_done(bc, EFSGW_ERR_SYSTEM, "timed out", NULL);
	else if (what & BEV_EVENT_EOF)
		backcall_done(bc, EFSGW_ERR_SYSTEM, "connection closed by the server",
		    NULL);
	else
		backcall_done(bc, EFSGW_ERR_SYSTEM,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()), NULL);
}

/* Start a COMPOUND of nops ops (encoded in ops, drained) to a backend. */
struct backcall *
backcall_start(struct event_base *base, const struct sockaddr *sa,
    socklen_t salen, struct evbuffer *ops, uint32_t nops, uint32_t timeout,
    backcall_cb cb, void *arg)
{
	static const char tag[] = "efsgw";
	struct timeval tv = { timeout, 0 };
	struct backcall *bc;
	struct evbuffer *msg = NULL, *out;
	int r;

	bc = xcalloc(1, sizeof *bc);
	bc->cb = cb;
	bc->arg = arg;
	bc->xid = arc4random();
	bc->bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bc->rr = rpc_record_new(256 * 1024);
	if (bc->bev == NULL || bc->rr == NULL || (msg = evbuffer_new()) == NULL)
		fatalx("out of memory");
	bufferevent_setcb(bc->bev, backcall_read_cb, NULL, backcall_event_cb, bc);
	bufferevent_set_timeouts(bc->bev, &tv, &tv);
	if ((r = rpc_msg_put_call(msg, bc->xid, NFS4_PROGRAM, NFS4_VERSION,
	    NFSPROC4_COMPOUND)) != 0 ||
	    (r = xdrbuf_put_opaque(msg, tag, sizeof tag - 1)) != 0 ||
	    (r = xdrbuf_put_u32(msg, 0)) != 0 ||
	    (r = xdrbuf_put_u32(msg, nops)) != 0 ||
	    evbuffer_add_buffer(msg, ops) != 0)
		fatalx("out of memory");
	out = bufferevent_get_output(bc->bev);
	if (rpc_record_put_mark(out, evbuffer_get_length(msg)) != 0 ||
	    evbuffer_add_buffer(out, msg) != 0)
		fatalx("out of memory");
	evbuffer_free(msg);
	if (bufferevent_socket_connect(bc->bev, sa, (int)salen) != 0) {
		bufferevent_free(bc->bev);
		rpc_record_free(bc->rr);
		free(bc);
		return NULL;
	}
	bufferevent_enable(bc->bev, EV_READ | EV_WRITE);
	return bc;
}

/* Have fn see the handle of every GETFH result, in order. */
void
backcall_on_getfh(struct backcall *bc, backcall_fh_cb fn, void *arg)
{
	bc->fh_cb = fn;
	bc->fh_arg = arg;
}

/* Abandon a call: its callback will not run. */
void
backcall_cancel(struct backcall *bc)
{
	backcall_free(bc);
}

/* Step *sp to the next level of a '/'-separated path; 0 at the end. */
int
backcall_next_level(const char **sp, const char **compp, size_t *lenp)
{
	const char *s = *sp;

	while (*s == '/')
		s++;
	if (*s == '\0') {
		*sp = s;
		return 0;
	}
	*compp = s;
	while (*s != '\0' && *s != '/')
		s++;
	*lenp = (size_t)(s - *compp);
	*sp = s;
	return 1;
}

/* Append LOOKUP ops for each component of path; returns how many. */
int
backcall_put_lookups(struct evbuffer *ops, const char *path, uint32_t *nops)
{
	const char *s = path, *comp;
	size_t n;
	int r;

	while (backcall_next_level(&s, &comp, &n)) {
		if (n > 255)
			return EFSGW_ERR_TOO_LONG;
		if ((r = xdrbuf_put_u32(ops, OP_LOOKUP)) != 0 ||
		    (r = xdrbuf_put_opaque(ops, comp, n)) != 0)
			return r;
		(*nops)++;
	}
	return 0;
}

/* Append GETFH and GETATTR(fsid, fileid, space_free, space_total). */
int
backcall_put_getfh_attrs(struct evbuffer *ops, uint32_t *nops)
{
	int r;

	if ((r = xdrbuf_put_u32(ops, OP_GETFH)) != 0 ||
	    (r = xdrbuf_put_u32(ops, OP_GETATTR)) != 0 ||
	    (r = xdrbuf_put_u32(ops, 2)) != 0 ||
	    (r = xdrbuf_put_u32(ops, (1u << FATTR4_FSID) |
	    (1u << FATTR4_FILEID))) != 0 ||
	    (r = xdrbuf_put_u32(ops, (1u << (FATTR4_SPACE_FREE - 32)) |
	    (1u << (FATTR4_SPACE_TOTAL - 32)))) != 0)
		return r;
	*nops += 2;
	return 0;
}
