/*
 * efsgw - where a handle lies. On a connection confined to an access
 * point, a LOOKUPP from a handle the client holds is forwarded only when
 * the gateway knows the parent it must lead to and that parent is inside
 * the access point: a directory moved out of the access point by another
 * client stays reachable through a handle already held, but nothing above
 * it. The proof is one NFSv4.0 COMPOUND of the gateway's own (RFC 7530
 * §16.2, no client id needed):
 *
 *	PUTFH X; NVERIFY {fsid, fileid} == root;
 *	LOOKUPP; GETFH; NVERIFY {fsid, fileid} == root;	(per level)
 *
 * The server stops at the first NVERIFY that finds the root
 * (NFS4ERR_SAME, RFC 7530 §16.18), so the reply holds exactly the
 * ancestors from X's parent up to the root, or ends with an error (the
 * top of the server's name space: X is not below the root) or after
 * ANCESTRY_MAX_DEPTH levels. An NVERIFY failing right after PUTFH means X
 * is the root itself.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "proxy.h"

#define FATTR4_FSID		8
#define FATTR4_FILEID		20

struct ancestry {
	struct backcall		*call;
	struct ancestry_chain	*chain;
	ancestry_cb		 cb;
	void			*arg;
};

/* A chain that proves nothing. */
struct ancestry_chain *
ancestry_unproven(const uint8_t *fh, size_t len, const char *why)
{
	struct ancestry_chain *ch = xcalloc(1, sizeof *ch);

	if (len > sizeof ch->fh)
		len = 0;
	memcpy(ch->fh, fh, len);
	ch->fhlen = len;
	ch->why = why;
	return ch;
}

/* Append NVERIFY {fsid, fileid} == root (RFC 7530 §16.18, §5.8.1). */
static int
ancestry_put_nverify(struct evbuffer *ops, const struct fsroot_info *root)
{
	int r;

	if ((r = xdrbuf_put_u32(ops, OP_NVERIFY)) != 0 ||
	    (r = xdrbuf_put_u32(ops, 1)) != 0 ||
	    (r = xdrbuf_put_u32(ops, 1u << FATTR4_FSID |
	    1u << FATTR4_FILEID)) != 0 ||
	    (r = xdrbuf_put_u32(ops, 24)) != 0 ||
	    (r = xdrbuf_put_u64(ops, root->fsid_major)) != 0 ||
	    (r = xdrbuf_put_u64(ops, root->fsid_minor)) != 0)
		return r;
	return xdrbuf_put_u64(ops, root->fileid);
}

/* Keep the handle of each level's GETFH (op 3 + 3k). */
static void
ancestry_getfh(void *arg, uint32_t op, const uint8_t *fh, size_t len)
{
	struct ancestry *an = arg;
	struct ancestry_chain *ch = an->chain;
	uint32_t k;

	if (op < 3 || (op - 3) % 3 != 0)
		return;
	k = (op - 3) / 3;
	if (k != ch->nanc || k >= ANCESTRY_MAX_DEPTH || len > NFS4_FHSIZE)
		return;
	memcpy(ch->anc[k].fh, fh, len);
	ch->anc[k].len = len;
	ch->nanc = k + 1;
}

/* The proof COMPOUND answered. */
static void
ancestry_done(void *arg, int err, const char *why,
    const struct backcall_result *res)
{
	struct ancestry *an = arg;
	struct ancestry_chain *ch = an->chain;
	ancestry_cb cb = an->cb;
	void *cbarg = an->arg;
	uint32_t k;

	free(an);
	if (err != 0)
		ch->why = why;
	else if (res->status != NFS4ERR_SAME) {
		ch->why = res->status == NFS4_OK ?
		    "the root is not within the depth looked at" :
		    "not below the root (the server ended the walk)";
		/* What the server answers a LOOKUPP from this handle. */
		if (res->failed_op == 2 && res->status != NFS4_OK)
			ch->lookupp_status = res->failed_status;
	}
	else if (res->failed_op == 1)
		ch->why = "the handle is the root";
	else if (res->failed_op < 4 || (res->failed_op - 4) % 3 != 0 ||
	    (k = (res->failed_op - 4) / 3) + 1 != ch->nanc)
		ch->why = "the server's reply does not match the proof asked for";
	else
		ch->proven = 1;
	if (!ch->proven)
		ch->nanc = 0;
	cb(cbarg, ch);
}

/* Start proving that fh lies below root. */
struct ancestry *
ancestry_start(struct event_base *base, const struct config_fs *fs,
    uint32_t timeout, const uint8_t *fh, size_t len,
    const struct fsroot_info *root, ancestry_cb cb, void *arg)
{
	struct ancestry *an;
	struct evbuffer *ops;
	uint32_t nops = 0, k;
	int r;

	if (len == 0 || len > NFS4_FHSIZE || (ops = evbuffer_new()) == NULL)
		return NULL;
	if ((r = xdrbuf_put_u32(ops, OP_PUTFH)) != 0 ||
	    (r = xdrbuf_put_opaque(ops, fh, len)) != 0 ||
	    (r = ancestry_put_nverify(ops, root)) != 0)
		goto fail;
	nops = 2;
	for (k = 0; k < ANCESTRY_MAX_DEPTH; k++, nops += 3) {
		if ((r = xdrbuf_put_u32(ops, OP_LOOKUPP)) != 0 ||
		    (r = xdrbuf_put_u32(ops, OP_GETFH)) != 0 ||
		    (r = ancestry_put_nverify(ops, root)) != 0)
			goto fail;
	}
	an = xcalloc(1, sizeof *an);
	an->chain = ancestry_unproven(fh, len, NULL);
	an->cb = cb;
	an->arg = arg;
	an->call = backcall_start(base, (const struct sockaddr *)&fs->backend_addr,
	    fs->backend_addrlen, ops, nops, timeout, ancestry_done, an);
	evbuffer_free(ops);
	if (an->call == NULL) {
		free(an->chain);
		free(an);
		return NULL;
	}
	backcall_on_getfh(an->call, ancestry_getfh, an);
	return an;
fail:
	evbuffer_free(ops);
	return NULL;
}

/* Abandon a proof. */
void
ancestry_cancel(struct ancestry *an)
{
	if (an == NULL)
		return;
	backcall_cancel(an->call);
	free(an->chain);
	free(an);
}
