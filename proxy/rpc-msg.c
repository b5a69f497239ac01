/*
 * efsgw - ONC RPC message headers (RFC 5531 §9): parsing the header of
 * every call and reply that crosses the gateway, and writing the replies
 * the gateway gives itself (errors it answers without the server).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include <event2/buffer.h>

#include "proxy.h"

/* Parse AUTH_SYS credentials (RFC 5531 Appendix A) from body_len bytes. */
static int
rpc_msg_parse_authsys(struct xdrbuf *b, size_t body_len, struct rpc_authsys *a)
{
	size_t start = xdrbuf_pos(b), n;
	uint32_t i;
	int r;

	if ((r = xdrbuf_get_u32(b, &a->stamp)) != 0 ||
	    (r = xdrbuf_get_opaque(b, 255, a->machine, sizeof a->machine - 1,
	    &n)) != 0)
		return r;
	a->machine[n] = '\0';
	if ((r = xdrbuf_get_u32(b, &a->uid)) != 0 ||
	    (r = xdrbuf_get_u32(b, &a->gid)) != 0 ||
	    (r = xdrbuf_get_u32(b, &a->ngids)) != 0)
		return r;
	if (a->ngids > AUTH_SYS_MAX_GIDS)
		return EFSGW_ERR_TOO_MANY;
	for (i = 0; i < a->ngids; i++) {
		if ((r = xdrbuf_get_u32(b, &a->gids[i])) != 0)
			return r;
	}
	/* The fields must fill the opaque exactly (padding included). */
	if (xdrbuf_pos(b) - start != ((body_len + 3) & ~(size_t)3))
		return EFSGW_ERR_BAD_RPC;
	return 0;
}

/* Parse one opaque_auth; AUTH_SYS credentials are decoded into sys. */
static int
rpc_msg_parse_auth(struct xdrbuf *b, uint32_t *flavorp,
    struct rpc_authsys *sys)
{
	size_t len;
	int r;

	if ((r = xdrbuf_get_u32(b, flavorp)) != 0)
		return r;
	if ((r = xdrbuf_get_opaque_len(b, RPC_AUTH_MAX_BYTES, &len)) != 0)
		return r;
	if (*flavorp == AUTH_SYS && sys != NULL)
		return rpc_msg_parse_authsys(b, len, sys);
	return xdrbuf_skip_opaque_fixed(b, len);
}

/* Parse an RPC header. */
int
rpc_msg_parse(struct xdrbuf *b, struct rpc_msg *m)
{
	uint32_t v, flavor;
	size_t len;
	int r;

	memset(m, 0, sizeof *m);
	if ((r = xdrbuf_get_u32(b, &m->xid)) != 0 ||
	    (r = xdrbuf_get_u32(b, &m->type)) != 0)
		return r;
	if (m->type == RPC_CALL) {
		if ((r = xdrbuf_get_u32(b, &m->rpcvers)) != 0 ||
		    (r = xdrbuf_get_u32(b, &m->prog)) != 0 ||
		    (r = xdrbuf_get_u32(b, &m->vers)) != 0 ||
		    (r = xdrbuf_get_u32(b, &m->proc)) != 0)
			return r;
		m->cred_off = (uint32_t)xdrbuf_pos(b);
		if ((r = rpc_msg_parse_auth(b, &m->cred_flavor, &m->sys)) != 0)
			return r;
		m->cred_end = (uint32_t)xdrbuf_pos(b);
		if ((r = rpc_msg_parse_auth(b, &m->verf_flavor, NULL)) != 0)
			return r;
	} else if (m->type == RPC_REPLY) {
		if ((r = xdrbuf_get_u32(b, &m->reply_stat)) != 0)
			return r;
		if (m->reply_stat == RPC_MSG_ACCEPTED) {
			if ((r = rpc_msg_parse_auth(b, &flavor, NULL)) != 0 ||
			    (r = xdrbuf_get_u32(b, &m->accept_stat)) != 0)
				return r;
			if (m->accept_stat == RPC_PROG_MISMATCH &&
			    ((r = xdrbuf_get_u32(b, &v)) != 0 ||
			    (r = xdrbuf_get_u32(b, &v)) != 0))
				return r;
			if (m->accept_stat > RPC_SYSTEM_ERR)
				return EFSGW_ERR_BAD_RPC;
		} else if (m->reply_stat == RPC_MSG_DENIED) {
			if ((r = xdrbuf_get_u32(b, &v)) != 0)
				return r;
			if (v == RPC_MISMATCH) {
				if ((r = xdrbuf_get_u32(b, &v)) != 0 ||
				    (r = xdrbuf_get_u32(b, &v)) != 0)
					return r;
			} else if (v == RPC_AUTH_ERROR) {
				if ((r = xdrbuf_get_u32(b, &v)) != 0)
					return r;
			} else
				return EFSGW_ERR_BAD_RPC;
		} else
			return EFSGW_ERR_BAD_RPC;
	} else
		return EFSGW_ERR_BAD_RPC;
	(void)len;
	m->body_off = (uint32_t)xdrbuf_pos(b);
	return 0;
}

/* Append xid, REPLY and reply_stat. */
static int
rpc_msg_put_reply_start(struct evbuffer *out, uint32_t xid, uint32_t stat)
{
	int r;

	if ((r = xdrbuf_put_u32(out, xid)) != 0 ||
	    (r = xdrbuf_put_u32(out, RPC_REPLY)) != 0 ||
	    (r = xdrbuf_put_u32(out, stat)) != 0)
		return r;
	return 0;
}

/* Append an accepted reply header. */
int
rpc_msg_put_accepted(struct evbuffer *out, uint32_t xid, uint32_t stat)
{
	int r;

	if ((r = rpc_msg_put_reply_start(out, xid, RPC_MSG_ACCEPTED)) != 0 ||
	    (r = xdrbuf_put_u32(out, AUTH_NONE)) != 0 ||
	    (r = xdrbuf_put_u32(out, 0)) != 0 ||
	    (r = xdrbuf_put_u32(out, stat)) != 0)
		return r;
	return 0;
}

/* Append a PROG_MISMATCH reply. */
int
rpc_msg_put_prog_mismatch(struct evbuffer *out, uint32_t xid, uint32_t low,
    uint32_t high)
{
	int r;

	if ((r = rpc_msg_put_accepted(out, xid, RPC_PROG_MISMATCH)) != 0 ||
	    (r = xdrbuf_put_u32(out, low)) != 0 ||
	    (r = xdrbuf_put_u32(out, high)) != 0)
		return r;
	return 0;
}

/* Append an AUTH_ERROR reply. */
int
rpc_msg_put_auth_error(struct evbuffer *out, uint32_t xid, uint32_t stat)
{
	int r;

	if ((r = rpc_msg_put_reply_start(out, xid, RPC_MSG_DENIED)) != 0 ||
	    (r = xdrbuf_put_u32(out, RPC_AUTH_ERROR)) != 0 ||
	    (r = xdrbuf_put_u32(out, stat)) != 0)
		return r;
	return 0;
}

/* Append an RPC_MISMATCH reply (only version 2 is spoken). */
int
rpc_msg_put_rpc_mismatch(struct evbuffer *out, uint32_t xid)
{
	int r;

	if ((r = rpc_msg_put_reply_start(out, xid, RPC_MSG_DENIED)) != 0 ||
	    (r = xdrbuf_put_u32(out, RPC_MISMATCH)) != 0 ||
	    (r = xdrbuf_put_u32(out, 2)) != 0 ||
	    (r = xdrbuf_put_u32(out, 2)) != 0)
		return r;
	return 0;
}

/* Append a call header with AUTH_SYS uid 0 gid 0 and an AUTH_NONE verf. */
int
rpc_msg_put_call(struct evbuffer *out, uint32_t xid, uint32_t prog,
    uint32_t vers, uint32_t proc)
{
	static const char machine[] = "efsgw";
	struct evbuffer *cred;
	int r;

	if ((cred = evbuffer_new()) == NULL)
		return EFSGW_ERR_NOMEM;
	if ((r = xdrbuf_put_u32(cred, 0)) != 0 ||		/* stamp */
	    (r = xdrbuf_put_opaque(cred, machine, sizeof machine - 1)) != 0 ||
	    (r = xdrbuf_put_u32(cred, 0)) != 0 ||		/* uid */
	    (r = xdrbuf_put_u32(cred, 0)) != 0 ||		/* gid */
	    (r = xdrbuf_put_u32(cred, 0)) != 0)			/* gids<> */
		goto out;
	if ((r = xdrbuf_put_u32(out, xid)) != 0 ||
	    (r = xdrbuf_put_u32(out, RPC_CALL)) != 0 ||
	    (r = xdrbuf_put_u32(out, 2)) != 0 ||
	    (r = xdrbuf_put_u32(out, prog)) != 0 ||
	    (r = xdrbuf_put_u32(out, vers)) != 0 ||
	    (r = xdrbuf_put_u32(out, proc)) != 0 ||
	    (r = xdrbuf_put_u32(out, AUTH_SYS)) != 0 ||
	    (r = xdrbuf_put_u32(out, (uint32_t)evbuffer_get_length(cred))) != 0)
		goto out;
	if (evbuffer_add_buffer(out, cred) != 0) {
		r = EFSGW_ERR_NOMEM;
		goto out;
	}
	if ((r = xdrbuf_put_u32(out, AUTH_NONE)) != 0 ||
	    (r = xdrbuf_put_u32(out, 0)) != 0)
		goto out;
out:
	evbuffer_free(cred);
	return r;
}
