/*
 * efsgw - what the gateway does to a client's COMPOUND before the server
 * sees it: the confinement of issue "no client gets out of where it
 * belongs". Every op is checked against the connection's grants, in the
 * op table's action column:
 *
 *   ClientMount missing: any op that touches the file system fails with
 *	NFS4ERR_ACCESS (the mount fails, "access denied by server");
 *   ClientWrite missing: any op that can change it fails with NFS4ERR_ROFS
 *	("Read-only file system"), OPEN when it creates or asks for write;
 *   ClientRootAccess missing: uid/gid 0 become the anonymous ids, and a
 *	chown or chgrp to root is NFS4ERR_PERM.
 *
 * The first refused op ends the COMPOUND: the ops before it go to the
 * server, the gateway appends the refused op's result (call-reply.c).
 *
 * Rewrites: the AUTH_SYS credential becomes the effective one (access
 * point PosixUser, squashing; AUTH_NONE becomes the anonymous user);
 * every handle the client sends is unsealed (a handle that fails its tag
 * is NFS4ERR_BADHANDLE); PUTROOTFH/PUTPUBFH become PUTFH of the root
 * (export or access point); LOOKUPP at a known root is NFS4ERR_NOENT and,
 * where the current handle is not known statically, a guard NVERIFY of the
 * root's fsid and fileid is put before it so the server itself stops at
 * the root (NFS4ERR_SAME, which the reply turns into NOENT). "." and ".."
 * as names are NFS4ERR_BADNAME. Delegations are never granted: 4.1 OPENs
 * carry WANT_NO_DELEG, a 4.0 client's callback address is replaced by an
 * unreachable one. pNFS is refused (LAYOUTGET: LAYOUTUNAVAILABLE).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "conn.h"

#define OPEN4_SHARE_ACCESS_WRITE	0x0002
#define OPEN4_SHARE_ACCESS_WANT_NO_DELEG 0x0400
#define OPEN4_CREATE			1
#define CLAIM_NULL			0
#define CLAIM_PREVIOUS			1
#define CLAIM_FH			4
#define FATTR4_FSID			8
#define FATTR4_FILEID			20
#define READDIR_SEAL_SHARE		3	/* keep 2/3 of maxcount for sealing */

#define OP_OPENATTR			19
#define OP_GET_DIR_DELEGATION		46
#define OP_GETDEVICEINFO		47
#define OP_GETDEVICELIST		48
#define OP_LAYOUTCOMMIT			49
#define OP_LAYOUTRETURN			51
#define OP_WANT_DELEGATION		56
#define OP_COPY_NOTIFY			61
#define OP_GETXATTR			72
#define OP_SETXATTR			73
#define OP_LISTXATTRS			74
#define OP_REMOVEXATTR			75

/* Where the current filehandle is known to be while planning. */
enum call_fh { FH_UNKNOWN, FH_ROOT, FH_OTHER, FH_NONE };

/* The plan for one COMPOUND. */
struct call_plan {
	struct rpc_edits ed;		/* rewrites of the call */
	int		 fail_at;	/* client op index, -1: none */
	uint32_t	 fail_opcode;
	uint32_t	 fail_status;
	uint32_t	 nguards;
	uint8_t		 count[4];
};

static struct nfs4_compound	*call_cmp;
static struct call_plan		 call_plan_scratch;

/* The per-process walk scratch (the event loop runs one call at a time). */
struct nfs4_compound *
call_compound_scratch(void)
{
	if (call_cmp == NULL)
		call_cmp = xmalloc(sizeof *call_cmp);
	return call_cmp;
}

/* Encode opaque<> body p into the arena; returns its length. */
static size_t
call_plan_opaque(struct call_plan *plan, const void *p, size_t n, uint8_t **out)
{
	size_t total = 4 + ((n + 3) & ~(size_t)3);
	uint8_t *b = rpc_edits_alloc(&plan->ed, total);

	memset(b, 0, total);
	xdrbuf_store_u32(b, (uint32_t)n);
	memcpy(b + 4, p, n);
	*out = b;
	return total;
}

/* Stop the COMPOUND at client op i with status. */
void
call_plan_fail(struct call_plan *plan, uint32_t i, uint32_t opcode,
    uint32_t status)
{
	plan->fail_at = (int)i;
	plan->fail_opcode = opcode;
	plan->fail_status = status;
}

int
call_plan_failed(const struct call_plan *plan, uint32_t *opcode,
    uint32_t *status)
{
	*opcode = plan->fail_opcode;
	*status = plan->fail_status;
	return plan->fail_at;
}

/* The connection's root for PUTROOTFH, or NULL with *status why not. */
static const struct fsroot_info *
call_root(struct conn *c, uint32_t *status)
{
	const struct fsroot_info *fi;

	*status = NFS4_OK;
	switch (c->root) {
	case CONN_ROOT_READY:
		return &c->ap_root;
	case CONN_ROOT_FAILED:
		*status = c->root_status;
		if (c->root_status == NFS4ERR_DELAY)
			c->root = CONN_ROOT_UNRESOLVED;	/* try again next call */
		return NULL;
	case CONN_ROOT_EXPORT:
		if ((fi = fsroot_get(gateway_fsroot(c->gw, c->fs_id))) == NULL)
			*status = NFS4ERR_DELAY;	/* probe not answered yet */
		return fi;
	default:
		*status = NFS4ERR_DELAY;
		return NULL;
	}
}

/* Encode the effective AUTH_SYS credential for this call. */
static void
call_plan_cred(struct conn *c, struct call_plan *plan, const struct rpc_msg *m)
{
	static const char anon_machine[] = "efsgw";
	struct cred in, out;
	const char *machine = anon_machine;
	size_t mlen = sizeof anon_machine - 1, body, i, n = 0;
	uint8_t *b;

	if (m->cred_flavor == AUTH_SYS) {
		in.uid = m->sys.uid;
		in.gid = m->sys.gid;
		in.ngids = m->sys.ngids;
		memcpy(in.gids, m->sys.gids, sizeof in.gids);
		machine = m->sys.machine;
		mlen = strlen(m->sys.machine);
	}
	squash_apply(&c->squash, m->cred_flavor == AUTH_SYS ? &in : NULL, &out);
	body = 4 + 4 + ((mlen + 3) & ~(size_t)3) + 4 + 4 + 4 + 4 * out.ngids;
	b = rpc_edits_alloc(&plan->ed, 8 + body);
	memset(b, 0, 8 + body);
	xdrbuf_store_u32(b + n, AUTH_SYS); n += 4;
	xdrbuf_store_u32(b + n, (uint32_t)body); n += 4;
	xdrbuf_store_u32(b + n, m->cred_flavor == AUTH_SYS ? m->sys.stamp : 0);
	n += 4;
	xdrbuf_store_u32(b + n, (uint32_t)mlen); n += 4;
	memcpy(b + n, machine, mlen);
	n += (mlen + 3) & ~(size_t)3;
	xdrbuf_store_u32(b + n, out.uid); n += 4;
	xdrbuf_store_u32(b + n, out.gid); n += 4;
	xdrbuf_store_u32(b + n, out.ngids); n += 4;
	for (i = 0; i < out.ngids; i++, n += 4)
		xdrbuf_store_u32(b + n, out.gids[i]);
	rpc_edits_add(&plan->ed, m->cred_off, m->cred_end - m->cred_off, b, n);
}

/* Replace the op at i (4-byte opcode, no args) by PUTFH of root. */
static void
call_plan_putroot(struct call_plan *plan, const struct nfs4_op_ref *op,
    const struct fsroot_info *root)
{
	uint8_t *b, *o;
	size_t n;

	n = call_plan_opaque(plan, root->fh, root->fhlen, &o);
	b = rpc_edits_alloc(&plan->ed, 4 + n);
	xdrbuf_store_u32(b, OP_PUTFH);
	memcpy(b + 4, o, n);
	rpc_edits_add(&plan->ed, op->start, 4, b, 4 + n);
}

/* Insert before op start: NVERIFY {fsid, fileid} == root (RFC 7530 §16.18). */
static void
call_plan_guard(struct call_plan *plan, size_t start,
    const struct fsroot_info *root)
{
	uint8_t *b = rpc_edits_alloc(&plan->ed, 44);

	xdrbuf_store_u32(b, OP_NVERIFY);
	xdrbuf_store_u32(b + 4, 1);			/* bitmap4 words */
	xdrbuf_store_u32(b + 8, 1u << FATTR4_FSID | 1u << FATTR4_FILEID);
	xdrbuf_store_u32(b + 12, 24);			/* attrlist4 length */
	xdrbuf_store_u32(b + 16, (uint32_t)(root->fsid_major >> 32));
	xdrbuf_store_u32(b + 20, (uint32_t)root->fsid_major);
	xdrbuf_store_u32(b + 24, (uint32_t)(root->fsid_minor >> 32));
	xdrbuf_store_u32(b + 28, (uint32_t)root->fsid_minor);
	xdrbuf_store_u32(b + 32, (uint32_t)(root->fileid >> 32));
	xdrbuf_store_u32(b + 36, (uint32_t)root->fileid);
	rpc_edits_add(&plan->ed, start, 0, b, 40);
}

/* Is the name at mark m "." or ".."? */
static int
call_is_dotname(const struct xdrbuf *b, const struct nfs4_mark *m)
{
	char name[2];

	if (m->len == 0 || m->len > 2)
		return 0;
	if (xdrbuf_copy_at(b, m->off, name, m->len) != 0)
		return 0;
	return name[0] == '.' && (m->len == 1 || name[1] == '.');
}

/*
 * Does the owner string at mark m name root: "root", a number that is 0
 * ("0", "000"), either optionally followed by "@domain"?
 */
static int
call_is_root_owner(const struct xdrbuf *b, const struct nfs4_mark *m)
{
	char s[64];
	size_t n, i;

	if (m->len == 0 || m->len >= sizeof s ||
	    xdrbuf_copy_at(b, m->off, s, m->len) != 0)
		return 0;
	s[m->len] = '\0';
	n = strcspn(s, "@");
	if (n == 4 && memcmp(s, "root", 4) == 0)
		return 1;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] != '0')
			return 0;
	}
	return 1;
}

/* Refuse ops efsgw does not offer, as EFS does (EFS-FACTS §4.6). */
static uint32_t
call_op_unsupported(uint32_t op)
{
	switch (op) {
	case OP_LAYOUTGET:
		return NFS4ERR_LAYOUTUNAVAILABLE;
	case OP_GETDEVICEINFO:
	case OP_GETDEVICELIST:
	case OP_LAYOUTCOMMIT:
	case OP_LAYOUTRETURN:
	case OP_WANT_DELEGATION:
	case OP_GET_DIR_DELEGATION:
	case OP_COPY_NOTIFY:		/* inter-server copy: the server would
					 * reach other servers around the gateway */
	case OP_OPENATTR:
	case OP_GETXATTR:
	case OP_SETXATTR:
	case OP_LISTXATTRS:
	case OP_REMOVEXATTR:
		return NFS4ERR_NOTSUPP;
	default:
		return NFS4_OK;
	}
}

/* Check and rewrite the marks of op i; returns a status to fail with. */
static uint32_t
call_plan_marks(struct conn *c, const struct xdrbuf *b, struct call_plan *plan,
    uint32_t i, uint32_t *kp, uint32_t minor, int *putfh_root)
{
	const struct nfs4_compound *cmp = call_compound_scratch();
	const struct fsroot_info *root;
	const struct nfs4_mark *m;
	uint8_t sealed[NFS4_FHSIZE], *o;
	const uint8_t *fh;
	uint32_t k, v, st;
	size_t fhlen, n;

	for (k = *kp; k < cmp->nmarks && cmp->marks[k].op == i; k++) {
		m = &cmp->marks[k];
		switch (m->kind) {
		case NFS4_MARK_FH:
			if (m->len > sizeof sealed ||
			    xdrbuf_copy_at(b, m->off, sealed, m->len) != 0 ||
			    unseal_handle(&c->fs->keys, c->scope, sealed, m->len,
			    &fh, &fhlen) != 0) {
				conn_log_bad(c, "op %u (%s): a filehandle that is "
				    "not one of this mount's", i,
				    nfs4_op_name(cmp->ops[i].opcode));
				*kp = k;
				return NFS4ERR_BADHANDLE;
			}
			root = call_root(c, &st);
			*putfh_root = root != NULL && root->fhlen == fhlen &&
			    memcmp(root->fh, fh, fhlen) == 0;
			n = call_plan_opaque(plan, fh, fhlen, &o);
			rpc_edits_add(&plan->ed, m->off - 4, 4 + ((m->len + 3) & ~3u),
			    o, n);
			break;
		case NFS4_MARK_NAME:
			if (call_is_dotname(b, m)) {
				*kp = k;
				return NFS4ERR_BADNAME;
			}
			break;
		case NFS4_MARK_ATTR_OWNER:
		case NFS4_MARK_ATTR_OWNER_GROUP:
			if (!(c->grants & GRANT_ROOT) && call_is_root_owner(b, m)) {
				*kp = k;
				return NFS4ERR_PERM;
			}
			break;
		case NFS4_MARK_OPEN_SHARE_ACCESS:
			v = xdrbuf_word_at(b, m->off);
			if ((v & OPEN4_SHARE_ACCESS_WRITE) &&
			    !(c->grants & GRANT_WRITE)) {
				*kp = k;
				return NFS4ERR_ROFS;
			}
			/* EFS: a share deny other than NONE is NOTSUPP. */
			if (xdrbuf_word_at(b, m->off + 4) != 0) {
				*kp = k;
				return NFS4ERR_NOTSUPP;
			}
			/* 4.1+: no delegations (RFC 8881 §18.16.3 WANT bits). */
			if (minor >= 1)
				rpc_edits_word(&plan->ed, m->off, (v & 0xff) |
				    OPEN4_SHARE_ACCESS_WANT_NO_DELEG);
			break;
		case NFS4_MARK_OPEN_CREATE:
			if (xdrbuf_word_at(b, m->off) == OPEN4_CREATE &&
			    !(c->grants & GRANT_WRITE)) {
				*kp = k;
				return NFS4ERR_ROFS;
			}
			break;
		case NFS4_MARK_OPEN_CLAIM:
			v = xdrbuf_word_at(b, m->off);
			if (v != CLAIM_NULL && v != CLAIM_PREVIOUS && v != CLAIM_FH) {
				*kp = k;
				return NFS4ERR_NOTSUPP;	/* delegation claims */
			}
			break;
		case NFS4_MARK_SETCLIENTID_CB: {
			/*
			 * cb_client4 { cb_program; netaddr4 { r_netid, r_addr } }
			 * (RFC 7530 §16.33): keep the program, point the
			 * callback at 127.0.0.1 port 0 so that the server can
			 * never reach the client around the gateway and so
			 * grants no delegation.
			 */
			static const char netid[] = "tcp", addr[] = "127.0.0.1.0.0";
			uint8_t *p = rpc_edits_alloc(&plan->ed, 32);

			xdrbuf_store_u32(p, xdrbuf_word_at(b, m->off));
			xdrbuf_store_u32(p + 4, 3);
			memcpy(p + 8, netid, 3);
			p[11] = 0;
			xdrbuf_store_u32(p + 12, 13);
			memcpy(p + 16, addr, 13);
			p[29] = p[30] = p[31] = 0;
			rpc_edits_add(&plan->ed, m->off, m->len, p, 32);
			break;
		}
		case NFS4_MARK_READDIR_MAXCOUNT:
			/* Leave room for the sealed handles in the reply. */
			v = xdrbuf_word_at(b, m->off);
			rpc_edits_word(&plan->ed, m->off, v - v / READDIR_SEAL_SHARE);
			break;
		default:
			break;
		}
	}
	*kp = k;
	return NFS4_OK;
}

/* Plan a client COMPOUND. */
int
call_args_plan(struct conn *c, const struct xdrbuf *b, const struct rpc_msg *m,
    struct pending *p, struct call_plan **planp)
{
	struct nfs4_compound *cmp = call_compound_scratch();
	struct call_plan *plan = &call_plan_scratch;
	const struct nfs4_op_info *info;
	const struct fsroot_info *root;
	enum call_fh cur = FH_NONE, saved = FH_NONE;
	uint32_t i, k = 0, op, st, nops, fwd = 0, grants;
	int putfh_root;
	size_t need;

	*planp = plan;
	nops = cmp->nops;
	grants = c->grants;
	if (c->not_after != 0 && time(NULL) >= c->not_after) {
		/* The token or certificate expired: reconnect with a fresh one. */
		if (!c->expired_logged)
			log_info("conn %llu (%s): identity expired; new calls get "
			    "NFS4ERR_ACCESS until the client reconnects",
			    (unsigned long long)c->id, c->peer);
		c->expired_logged = 1;
		grants = 0;
	}
	/*
	 * Calls that need the access point's root wait for it: PUTROOTFH,
	 * and LOOKUPP, whose guard compares with the root (a handle the
	 * client kept from an earlier connection may be the root itself).
	 */
	if (c->root == CONN_ROOT_UNRESOLVED || c->root == CONN_ROOT_PENDING) {
		for (i = 0; i < nops; i++) {
			if (cmp->ops[i].opcode == OP_PUTROOTFH ||
			    cmp->ops[i].opcode == OP_PUTPUBFH ||
			    cmp->ops[i].opcode == OP_LOOKUPP)
				return 1;
		}
	}
	need = 1024 + (size_t)nops * (48 + 2 * (8 + NFS4_FHSIZE)) +
	    (size_t)cmp->nmarks * (8 + NFS4_FHSIZE);
	rpc_edits_reset(&plan->ed, 8 + (size_t)nops * 3 + cmp->nmarks, need);
	plan->fail_at = -1;
	plan->nguards = 0;

	call_plan_cred(c, plan, m);
	/* Slot for the op count word, filled in call_args_forward. */
	rpc_edits_add(&plan->ed, cmp->count_off, 4, plan->count, 4);

	for (i = 0; i < nops; i++) {
		size_t mark_edits = plan->ed.n;

		op = cmp->ops[i].opcode;
		info = nfs4_op_lookup(cmp->minorversion, op);
		st = NFS4_OK;
		if (info != NULL && info->action != NFS4_ACTION_NONE &&
		    !(grants & GRANT_MOUNT))
			st = NFS4ERR_ACCESS;
		else if (info != NULL && info->action == NFS4_ACTION_MUTATES &&
		    !(grants & GRANT_WRITE))
			st = NFS4ERR_ROFS;
		else
			st = call_op_unsupported(op);
		if (st != NFS4_OK) {
			call_plan_fail(plan, i, op, st);
			break;
		}
		putfh_root = 0;
		if ((st = call_plan_marks(c, b, plan, i, &k, cmp->minorversion,
		    &putfh_root)) != NFS4_OK) {
			plan->ed.n = mark_edits;
			call_plan_fail(plan, i, op, st);
			break;
		}
		switch (op) {
		case OP_PUTROOTFH:
		case OP_PUTPUBFH:
			if ((root = call_root(c, &st)) == NULL) {
				call_plan_fail(plan, i, op, st);
				break;
			}
			call_plan_putroot(plan, &cmp->ops[i], root);
			if (op == OP_PUTROOTFH)
				BIT_SET(p->rootfix, fwd);
			else
				BIT_SET(p->pubfix, fwd);
			p->nfix++;
			cur = FH_ROOT;
			break;
		case OP_PUTFH:
			cur = putfh_root ? FH_ROOT : FH_OTHER;
			break;
		case OP_LOOKUPP:
			if (cur == FH_ROOT) {
				call_plan_fail(plan, i, op, NFS4ERR_NOENT);
				break;
			}
			{
				/*
				 * Unless the current handle is known to be the
				 * root, the server checks: a guard NVERIFY of the
				 * root's fsid and fileid stops the COMPOUND there.
				 * Byte-comparing a PUTFH'd handle with the root is
				 * not enough: a server may give one directory
				 * several handles, and the root may not be known
				 * yet on a new connection.
				 */
				if ((root = call_root(c, &st)) == NULL) {
					call_plan_fail(plan, i, op, st);
					break;
				}
				call_plan_guard(plan, cmp->ops[i].start, root);
				BIT_SET(p->guard, fwd);
				p->nfix++;
				plan->nguards++;
				fwd++;
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
		if (plan->fail_at >= 0) {
			plan->ed.n = mark_edits;
			break;
		}
		fwd++;
	}
	if (fwd > CALL_MAX_FWD_OPS)
		fatalx("forwarded op count %u over %d", fwd, CALL_MAX_FWD_OPS);
	return 0;
}

/* Forward the planned call and remember it. */
int
call_args_forward(struct conn *c, struct evbuffer *rec, struct call_plan *plan,
    struct pending *p)
{
	struct nfs4_compound *cmp = call_compound_scratch();
	uint32_t count;

	if (plan->fail_at >= 0) {
		count = (uint32_t)plan->fail_at;
		/* Send only the ops before the refused one. */
		rpc_edits_add(&plan->ed, cmp->ops[plan->fail_at].start,
		    evbuffer_get_length(rec) - cmp->ops[plan->fail_at].start,
		    NULL, 0);
		p->has_fail = 1;
		p->fail_opcode = plan->fail_opcode;
		p->fail_status = plan->fail_status;
	} else
		count = cmp->count;
	p->fwd_count = count + plan->nguards;
	xdrbuf_store_u32(plan->count, p->fwd_count);
	return conn_to_backend(c, rpc_edit_apply(rec, plan->ed.v, plan->ed.n,
	    conn_stage(c)));
}
