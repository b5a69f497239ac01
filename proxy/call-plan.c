/*
 * efsgw - the call planner: what the gateway does to a client's COMPOUND
 * before the server sees it. A pure function of (context, record): it
 * reads its arguments only, so that it is unit-tested and fuzzed alone
 * (t/unit/check_plan.c, t/fuzz/fuzz_plan.c), and what it decides is all
 * in the plan. Every op is checked against the grants, in the op table's
 * action column:
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
 * every handle the client sends is unsealed, wherever it is (an argument
 * or a FILEHANDLE attribute inside an attribute list, whose length then
 * shrinks with it); a handle that fails its tag is NFS4ERR_BADHANDLE;
 * PUTROOTFH/PUTPUBFH become PUTFH of the root (export or access point);
 * LOOKUPP at a known root is NFS4ERR_NOENT and, where the current handle
 * is not known statically, a guard NVERIFY of the root's fsid and fileid
 * is put before it so the server itself stops at the root (NFS4ERR_SAME,
 * which the reply turns into NOENT). On an access point connection
 * confinement is a subtree: a LOOKUPP goes out only when the planner can
 * name the parent it leads to and that parent is inside the access point
 * (the parent of PUTFH Y; LOOKUP n is Y; that of a handle the client
 * put is proven by ancestry.c before the call is planned again), and a
 * guard VERIFY {FILEHANDLE == parent} after it makes the server stop if a
 * rename moved the handle since. SECINFO_NO_NAME of the parent (RFC 8881
 * §18.45) follows the same rules. "." and ".." as names are
 * NFS4ERR_BADNAME. Delegations are never granted: 4.1 OPENs carry
 * WANT_NO_DELEG, a 4.0 client's callback address is replaced by an
 * unreachable one. pNFS is refused (LAYOUTGET: LAYOUTUNAVAILABLE). With
 * lifecycle tiering a data op on a file no PUTFH named is NFS4ERR_DELAY:
 * the gateway recalls a cold file before such ops, and only knows which
 * file from the handle (plan_data).
 *
 * What the planner cannot get wrong silently: call_plan_check walks the
 * rewritten record again and compares it with the plan (call-check.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

#define OPEN4_SHARE_ACCESS_WRITE	0x0002
#define OPEN4_SHARE_ACCESS_WANT_NO_DELEG 0x0400
#define OPEN4_CREATE			1
#define CLAIM_NULL			0
#define CLAIM_PREVIOUS			1
#define CLAIM_FH			4
#define FATTR4_FSID			8
#define FATTR4_FILEHANDLE		19
#define FATTR4_FILEID			20

#define OP_OPENATTR			19
#define OP_GET_DIR_DELEGATION		46
#define OP_GETDEVICEINFO		47
#define OP_GETDEVICELIST		48
#define OP_LAYOUTCOMMIT			49
#define OP_LAYOUTRETURN			51
#define OP_WANT_DELEGATION		56
#define OP_COPY_NOTIFY			61
#define OP_ALLOCATE			59	/* RFC 7862 §15 */
#define OP_COPY				60
#define OP_CLONE			71
#define FATTR4_SIZE_BIT			(1u << 4)
#define OP_GETXATTR			72
#define OP_SETXATTR			73
#define OP_LISTXATTRS			74
#define OP_REMOVEXATTR			75

/*
 * READDIR headroom (RFC 8881 §18.23): the smallest entry4 that carries a
 * FILEHANDLE attribute is value_follows 4, cookie 8, a 1-byte name 8, a
 * 1-word bitmap 8, attr_vals length 4, a handle of at most 4 bytes 8:
 * 40 bytes; the fixed part of READDIR4resok is the verifier 8, the
 * list's end 4 and eof 4.
 */
#define READDIR_MIN_ENTRY		40
#define READDIR_FIXED			16

#define OP_VERIFY			37
#define SECINFO_STYLE4_PARENT		1
#define PLAN_PROVE			0xffffffffu	/* not an nfsstat4 */

/* Where the current filehandle is known to be while planning. */
enum plan_cur {
	FH_UNKNOWN,
	FH_ROOT,	/* the connection's root */
	FH_OTHER,	/* a handle the client put (fh) */
	FH_NONE,	/* none yet */
	FH_CHILD,	/* one LOOKUP below fh */
	FH_ANC,		/* ancestor anc of the proven handle (ctx->proof) */
};

/* The current (or saved) filehandle as far as the planner knows it. */
struct plan_pos {
	enum plan_cur	 kind;
	const uint8_t	*fh;		/* FH_ROOT, FH_OTHER: it; FH_CHILD: parent */
	size_t		 len;
	uint32_t	 anc;
};

/*
 * Remember the backend handle a data op works on, for lifecycle tiering:
 * the file must be hot before the op runs. Only a PUTFH'd handle is known
 * byte for byte (its bytes are in the plan's list of handles). The root
 * and the ancestors of a proven handle are directories, and without a
 * current handle the server refuses the op itself: no data to recall.
 * 0, or -1 when the file cannot be named (or is a third one).
 */
static int
plan_note_data(struct call_plan *plan, const struct plan_pos *pos)
{
	size_t i;

	if (pos->kind == FH_ROOT || pos->kind == FH_ANC || pos->kind == FH_NONE)
		return 0;
	if (pos->kind != FH_OTHER || pos->fh == NULL) {
		plan->data_unknown = 1;
		return -1;
	}
	for (i = 0; i < nitems(plan->data_fh); i++) {
		if (plan->data_fh[i].p == NULL) {
			plan->data_fh[i].p = pos->fh;
			plan->data_fh[i].len = (uint32_t)pos->len;
			return 0;
		}
		if (plan->data_fh[i].len == pos->len &&
		    memcmp(plan->data_fh[i].p, pos->fh, pos->len) == 0)
			return 0;
	}
	plan->data_unknown = 1;
	return -1;
}

/* State of one planning pass. */
struct plan_pass {
	const struct plan_ctx	*ctx;
	const struct xdrbuf	*b;
	const struct nfs4_compound *cmp;
	struct call_plan	*plan;
	uint32_t		 minor;
};

/* A new plan. */
struct call_plan *
call_plan_new(void)
{
	return xcalloc(1, sizeof(struct call_plan));
}

/* Free a plan and its buffers. NULL is ignored. */
void
call_plan_free(struct call_plan *plan)
{
	if (plan == NULL)
		return;
	free(plan->ed.v);
	free(plan->ed.arena);
	free(plan->fh);
	free(plan);
}

/* Bytes of an opaque<> of n bytes on the wire. */
static size_t
plan_wire(size_t n)
{
	return 4 + ((n + 3) & ~(size_t)3);
}

/* Encode opaque<> body p into the arena; returns its length. */
static size_t
plan_opaque(struct call_plan *plan, const void *p, size_t n, uint8_t **out)
{
	size_t total = plan_wire(n);
	uint8_t *b = rpc_edits_alloc(&plan->ed, total);

	memset(b, 0, total);
	xdrbuf_store_u32(b, (uint32_t)n);
	memcpy(b + 4, p, n);
	*out = b;
	return total;
}

/* Remember a handle the server will get (its bytes live in the arena). */
static void
plan_note_fh(struct call_plan *plan, const uint8_t *opaque)
{
	if (plan->nfh == plan->maxfh)
		return;		/* sized by call_plan: cannot happen */
	plan->fh[plan->nfh].p = opaque + 4;
	plan->fh[plan->nfh].len = xdrbuf_load_u32(opaque);
	plan->nfh++;
}

/* Stop the COMPOUND at client op i with status. */
static void
plan_fail(struct call_plan *plan, uint32_t i, uint32_t opcode, uint32_t status)
{
	plan->fail_at = (int)i;
	plan->fail_opcode = opcode;
	plan->fail_status = status;
}

/* Encode the effective AUTH_SYS credential for this call. */
static void
plan_cred(const struct plan_pass *pp, const struct rpc_msg *m)
{
	static const char anon_machine[] = "efsgw";
	struct call_plan *plan = pp->plan;
	struct cred in, out;
	const char *machine = anon_machine;
	size_t mlen = sizeof anon_machine - 1, body, i, n = 0;
	uint8_t *b;

	memset(&in, 0, sizeof in);
	if (m->cred_flavor == AUTH_SYS) {
		in.uid = m->sys.uid;
		in.gid = m->sys.gid;
		in.ngids = m->sys.ngids;
		memcpy(in.gids, m->sys.gids, sizeof in.gids);
		machine = m->sys.machine;
		mlen = strnlen(m->sys.machine, sizeof m->sys.machine);
	}
	squash_apply(pp->ctx->squash, m->cred_flavor == AUTH_SYS ? &in : NULL,
	    &out);
	if (out.ngids > AUTH_SYS_MAX_GIDS)
		out.ngids = AUTH_SYS_MAX_GIDS;
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
	plan->cred = b;
	plan->credlen = n;
	rpc_edits_add(&plan->ed, m->cred_off, m->cred_end - m->cred_off, b, n);
}

/* Replace the op at op->start (4-byte opcode, no args) by PUTFH of root. */
static void
plan_putroot(struct call_plan *plan, const struct nfs4_op_ref *op,
    const struct fsroot_info *root)
{
	uint8_t *b, *o;
	size_t n;

	n = plan_opaque(plan, root->fh, root->fhlen, &o);
	b = rpc_edits_alloc(&plan->ed, 4 + n);
	xdrbuf_store_u32(b, OP_PUTFH);
	memcpy(b + 4, o, n);
	plan_note_fh(plan, b + 4);
	rpc_edits_add(&plan->ed, op->start, 4, b, 4 + n);
}

/* Insert before op start: NVERIFY {fsid, fileid} == root (RFC 7530 §16.18). */
static void
plan_guard(struct call_plan *plan, size_t start, const struct fsroot_info *root)
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

/* Insert at off: VERIFY {FILEHANDLE == fh} (RFC 7530 §16.35, attr 19). */
static void
plan_verify_fh(struct call_plan *plan, size_t off, const uint8_t *fh,
    size_t len)
{
	size_t pad = (len + 3) & ~(size_t)3;
	uint8_t *b = rpc_edits_alloc(&plan->ed, 20 + pad);

	memset(b, 0, 20 + pad);
	xdrbuf_store_u32(b, OP_VERIFY);
	xdrbuf_store_u32(b + 4, 1);			/* bitmap4 words */
	xdrbuf_store_u32(b + 8, 1u << FATTR4_FILEHANDLE);
	xdrbuf_store_u32(b + 12, (uint32_t)(4 + pad));	/* attrlist4 length */
	xdrbuf_store_u32(b + 16, (uint32_t)len);	/* nfs_fh4 */
	memcpy(b + 20, fh, len);
	plan_note_fh(plan, b + 16);
	rpc_edits_add(&plan->ed, off, 0, b, 20 + pad);
}

/*
 * On an access point connection: the handle a LOOKUPP (or
 * SECINFO_NO_NAME of the parent) from cur leads to, when the planner can
 * name it and it is inside the access point. Returns NFS4_OK with *next
 * (the parent), PLAN_PROVE when the handle must be proven first (copied
 * to plan->prove), or the status to refuse the op with.
 */
static uint32_t
plan_parent(struct plan_pass *pp, const struct plan_pos *cur,
    struct plan_pos *next)
{
	const struct ancestry_chain *pr = pp->ctx->proof;
	const struct fsroot_info *root = pp->ctx->root;
	struct call_plan *plan = pp->plan;
	uint32_t k;

	memset(next, 0, sizeof *next);
	switch (cur->kind) {
	case FH_CHILD:
		/* PUTFH Y; LOOKUP n; LOOKUPP: the parent is Y. */
		next->kind = cur->len == root->fhlen &&
		    memcmp(cur->fh, root->fh, cur->len) == 0 ? FH_ROOT : FH_OTHER;
		next->fh = cur->fh;
		next->len = cur->len;
		return NFS4_OK;
	case FH_OTHER:
		if (pr == NULL) {
			if (cur->len > sizeof plan->prove)
				return NFS4ERR_NOENT;
			memcpy(plan->prove, cur->fh, cur->len);
			plan->provelen = (uint32_t)cur->len;
			return PLAN_PROVE;
		}
		if (pr->fhlen != cur->len || memcmp(pr->fh, cur->fh, cur->len) != 0)
			return NFS4ERR_NOENT;	/* one proof per COMPOUND */
		if (!pr->proven || pr->nanc == 0) {
			/*
			 * A LOOKUPP the server itself refuses (NOTDIR from a
			 * file, ...) gets the server's status: it reveals
			 * nothing above the handle. Otherwise NOENT.
			 */
			if (pr->lookupp_status != NFS4_OK &&
			    pr->lookupp_status != NFS4ERR_SAME &&
			    pr->lookupp_status != PLAN_PROVE)	/* a server's word */
				return pr->lookupp_status;
			return NFS4ERR_NOENT;
		}
		k = 0;
		break;
	case FH_ANC:
		if (pr == NULL || cur->anc + 1 >= pr->nanc)
			return NFS4ERR_NOENT;
		k = cur->anc + 1;
		break;
	default:
		/* The planner cannot name the parent (docs/security.md). */
		return NFS4ERR_NOENT;
	}
	next->kind = k + 1 == pr->nanc ? FH_ROOT : FH_ANC;
	next->anc = k;
	next->fh = pr->anc[k].fh;
	next->len = pr->anc[k].len;
	return NFS4_OK;
}

/* Is the name at mark m "." or ".."? */
static int
plan_is_dotname(const struct xdrbuf *b, const struct nfs4_mark *m)
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
plan_is_root_owner(const struct xdrbuf *b, const struct nfs4_mark *m)
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

/* Refuse ops efsgw does not offer, as EFS does. */
static uint32_t
plan_op_unsupported(uint32_t op)
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

/*
 * The READDIR maxcount to ask the server for, so that its answer still
 * fits the client's maxcount once every FILEHANDLE attribute in it grew
 * by the seal (RFC 8881 §18.23.3: maxcount bounds the whole
 * READDIR4resok). Without FILEHANDLE in the request nothing grows and the
 * client's value goes through unchanged, as does a value too small for
 * any entry (the server then gives the status it gives).
 */
static uint32_t
plan_readdir_maxcount(uint32_t maxcount, int wants_fh)
{
	uint64_t s;
	uint32_t grow = (SEAL_OVERHEAD + 3) & ~3u;

	if (!wants_fh || maxcount < READDIR_FIXED + READDIR_MIN_ENTRY)
		return maxcount;
	/*
	 * At most (s - FIXED) / MIN_ENTRY entries fit in s bytes, each
	 * growing by grow: the largest s, a multiple of 4, with
	 * s + grow * (s - FIXED) / MIN_ENTRY <= maxcount.
	 */
	s = ((uint64_t)maxcount * READDIR_MIN_ENTRY +
	    (uint64_t)grow * READDIR_FIXED) / (READDIR_MIN_ENTRY + grow);
	s &= ~(uint64_t)3;
	if (s < READDIR_FIXED)
		s = READDIR_FIXED;
	return (uint32_t)s;
}

/* Does the READDIR whose maxcount is at mark m ask for FILEHANDLE? */
static int
plan_readdir_wants_fh(const struct xdrbuf *b, const struct nfs4_mark *m)
{
	/* maxcount, then attr_request: bitmap4 (count, words) */
	size_t off = m->off + 4;

	if (xdrbuf_len(b) < off + 8 || xdrbuf_word_at(b, off) == 0)
		return 0;
	return (xdrbuf_word_at(b, off + 4) >> FATTR4_FILEHANDLE) & 1;
}

/*
 * Size change of the attribute list at marks[a] once every handle inside
 * it is unsealed (negative: it shrinks). Handles that do not unseal fail
 * the op later, so their size does not matter.
 */
static long
plan_attrlist_delta(const struct nfs4_compound *cmp, uint32_t a)
{
	const struct nfs4_mark *al = &cmp->marks[a], *m;
	long delta = 0;
	uint32_t k;

	for (k = a + 1; k < cmp->nmarks && cmp->marks[k].op == al->op; k++) {
		m = &cmp->marks[k];
		if (m->off >= al->off + al->len)
			break;
		if (m->kind == NFS4_MARK_FH && m->len > SEAL_OVERHEAD)
			delta += (long)plan_wire(m->len - SEAL_OVERHEAD) -
			    (long)plan_wire(m->len);
	}
	return delta;
}

/* Check and rewrite the marks of op i; returns a status to fail with. */
static uint32_t
plan_marks(struct plan_pass *pp, uint32_t i, uint32_t *kp, int *putfh_root)
{
	const struct nfs4_compound *cmp = pp->cmp;
	const struct plan_ctx *ctx = pp->ctx;
	const struct xdrbuf *b = pp->b;
	struct call_plan *plan = pp->plan;
	const struct nfs4_mark *m;
	uint8_t sealed[NFS4_FHSIZE], *o;
	const uint8_t *fh;
	uint32_t k, v;
	size_t fhlen, n;
	long delta;

	for (k = *kp; k < cmp->nmarks && cmp->marks[k].op == i; k++) {
		m = &cmp->marks[k];
		switch (m->kind) {
		case NFS4_MARK_FH:
			/*
			 * SETATTR's only handle is a FILEHANDLE attribute, which
			 * is read-only: NFS4ERR_INVAL (RFC 8881 §18.30.4), as the
			 * server says, whatever the handle's tag.
			 */
			if (cmp->ops[i].opcode == OP_SETATTR) {
				*kp = k;
				return NFS4ERR_INVAL;
			}
			if (m->len > sizeof sealed ||
			    xdrbuf_copy_at(b, m->off, sealed, m->len) != 0 ||
			    unseal_handle(ctx->keys, ctx->scope, sealed, m->len,
			    &fh, &fhlen) != 0) {
				snprintf(plan->why, sizeof plan->why, "op %u (%s): "
				    "a filehandle that is not one of this mount's",
				    i, nfs4_op_name(cmp->ops[i].opcode));
				*kp = k;
				return NFS4ERR_BADHANDLE;
			}
			*putfh_root = ctx->root != NULL &&
			    ctx->root->fhlen == fhlen &&
			    memcmp(ctx->root->fh, fh, fhlen) == 0;
			n = plan_opaque(plan, fh, fhlen, &o);
			plan_note_fh(plan, o);
			rpc_edits_add(&plan->ed, m->off - 4, plan_wire(m->len), o, n);
			break;
		case NFS4_MARK_ATTRLIST:
			/*
			 * A handle inside changes the list's length: the
			 * length word changes with it, or the server would
			 * read what follows the list as more ops.
			 */
			if ((delta = plan_attrlist_delta(cmp, k)) != 0)
				rpc_edits_word(&plan->ed, m->off - 4,
				    (uint32_t)((long)m->len + delta));
			break;
		case NFS4_MARK_NAME:
			if (plan_is_dotname(b, m)) {
				*kp = k;
				return NFS4ERR_BADNAME;
			}
			break;
		case NFS4_MARK_ATTR_OWNER:
		case NFS4_MARK_ATTR_OWNER_GROUP:
			if (!(ctx->grants & GRANT_ROOT) && plan_is_root_owner(b, m)) {
				*kp = k;
				return NFS4ERR_PERM;
			}
			break;
		case NFS4_MARK_OPEN_SHARE_ACCESS:
			v = xdrbuf_word_at(b, m->off);
			if ((v & OPEN4_SHARE_ACCESS_WRITE) &&
			    !(ctx->grants & GRANT_WRITE)) {
				*kp = k;
				return NFS4ERR_ROFS;
			}
			/* EFS refuses share deny; a drop-in passes it on. */
			if (ctx->share_deny_refuse &&
			    xdrbuf_word_at(b, m->off + 4) != 0) {
				*kp = k;
				return NFS4ERR_NOTSUPP;
			}
			/* 4.1+: no delegations (RFC 8881 §18.16.3 WANT bits). */
			if (pp->minor >= 1)
				rpc_edits_word(&plan->ed, m->off, (v & 0xff) |
				    OPEN4_SHARE_ACCESS_WANT_NO_DELEG);
			break;
		case NFS4_MARK_OPEN_CREATE:
			if (xdrbuf_word_at(b, m->off) == OPEN4_CREATE &&
			    !(ctx->grants & GRANT_WRITE)) {
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
		case NFS4_MARK_READ_COUNT:
			/*
			 * NFSv4.0 has no session to bound a reply: a READ
			 * asking for more than one record carries gets less,
			 * as a server may give (RFC 7530 §16.23.4). 4.1+ keep
			 * the count: the server answers REP_TOO_BIG itself.
			 */
			v = xdrbuf_word_at(b, m->off);
			if (pp->minor == 0 && ctx->max_read > 0 && v > ctx->max_read)
				rpc_edits_word(&plan->ed, m->off, ctx->max_read);
			break;
		case NFS4_MARK_READDIR_MAXCOUNT:
			/* Leave room for the sealed handles in the reply. */
			v = xdrbuf_word_at(b, m->off);
			n = plan_readdir_maxcount(v, plan_readdir_wants_fh(b, m));
			if (n != v)
				rpc_edits_word(&plan->ed, m->off, (uint32_t)n);
			break;
		default:
			break;
		}
	}
	*kp = k;
	return NFS4_OK;
}

/*
 * Client op i works on the data of the file at pos (and, for COPY and
 * CLONE, of the source at src). With tiering, a file the planner cannot
 * name (the result of an OPEN, a LOOKUP... in the same COMPOUND) might be
 * cold, and the gateway cannot recall it first: the op is NFS4ERR_DELAY
 * (RFC 8881 §15.1.1.3), the ops before it go out, and the client's next
 * try puts the handle it now has, which is checked.
 */
static uint32_t
plan_data(struct plan_pass *pp, uint32_t i, const struct plan_pos *pos,
    const struct plan_pos *src)
{
	struct call_plan *plan = pp->plan;
	struct plan_fh keep[nitems(plan->data_fh)];

	memcpy(keep, plan->data_fh, sizeof keep);
	if (plan_note_data(plan, pos) == 0 &&
	    (src == NULL || plan_note_data(plan, src) == 0))
		return NFS4_OK;
	if (!pp->ctx->tiering)
		return NFS4_OK;
	memcpy(plan->data_fh, keep, sizeof keep);	/* it does not go out */
	snprintf(plan->why, sizeof plan->why, "op %u (%s): a data op on a file "
	    "the gateway cannot name to recall it (not put by PUTFH): "
	    "NFS4ERR_DELAY", i, nfs4_op_name(pp->cmp->ops[i].opcode));
	return NFS4ERR_DELAY;
}

/*
 * Lifecycle tiering: every op that reads or changes file data, as the op
 * table's data column says (so that no data op is missed by a list
 * here), names the file(s) it works on (plan_data) for the file to be
 * hot, or a READ served from its tier, before the op runs. Only a lone
 * READ can be served; any other data op (READ_PLUS, SEEK, writes...)
 * brings the file back. NFS4_OK, or the op's status (NFS4ERR_DELAY).
 */
static uint32_t
plan_data_op(struct plan_pass *pp, uint32_t i, const struct nfs4_op_info *info,
    const struct plan_pos *cur, const struct plan_pos *saved)
{
	struct call_plan *plan = pp->plan;
	const struct plan_ctx *ctx = pp->ctx;
	uint32_t start = pp->cmp->ops[i].start, st;
	int other;

	switch (info->data) {
	case NFS4_DATA_SIZE:
		/* SETATTR4args: stateid, then the bitmap; size is in word 0. */
		if (xdrbuf_word_at(pp->b, start + 20) == 0 ||
		    !(xdrbuf_word_at(pp->b, start + 24) & FATTR4_SIZE_BIT))
			return NFS4_OK;
		other = 1;
		break;
	case NFS4_DATA_WRITE:
		other = 1;
		break;
	case NFS4_DATA_READ:
		other = info->opcode != OP_READ;
		break;
	default:
		return NFS4_OK;
	}
	/* COPY's and CLONE's source is the saved handle. */
	st = plan_data(pp, i, cur, info->opcode == OP_COPY ||
	    info->opcode == OP_CLONE ? saved : NULL);
	if (st != NFS4_OK)
		return st;	/* refused: nothing of it goes out */
	if (other)
		plan->data_other = 1;
	if (info->opcode == OP_READ && plan->nreads++ == 0) {
		/* READ4args: stateid, offset, count (RFC 8881 §18.22.1) */
		plan->read_op = plan->nfwd;
		plan->read_off = (uint64_t)xdrbuf_word_at(pp->b, start + 20) << 32 |
		    xdrbuf_word_at(pp->b, start + 24);
		plan->read_count = xdrbuf_word_at(pp->b, start + 28);
		if (pp->minor == 0 && ctx->max_read > 0 &&
		    plan->read_count > ctx->max_read)
			plan->read_count = ctx->max_read;
	}
	return NFS4_OK;
}

/* Append opcode to the list of ops the server gets. */
static void
plan_fwd(struct call_plan *plan, uint32_t opcode)
{
	if (plan->nfwd < PLAN_MAX_FWD_OPS)
		plan->fwd_ops[plan->nfwd] = opcode;
	plan->nfwd++;
}

/*
 * The status for an op the walker could not take: unknown opcodes are
 * OP_ILLEGAL; an op of an older minor version only is NOTSUPP (RFC 8881
 * §15.2); anything that does not decode is BADXDR.
 */
static void
plan_walk_failure(int r, uint32_t minor, uint32_t opcode, uint32_t *opp,
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
 * The QoS class of a COMPOUND is its heaviest forwarded op's (data write,
 * data read, metadata write, metadata read); the estimate is the data it
 * moves (WRITE payloads, READ counts capped at what one READ can return)
 * or, for metadata, the call's size.
 */
static void
plan_qos(struct plan_pass *pp, uint32_t nops, size_t reclen)
{
	const struct nfs4_compound *cmp = pp->cmp;
	const struct nfs4_op_info *info;
	struct call_plan *plan = pp->plan;
	uint64_t data = 0;
	uint32_t i, cls = NFS4_QOS_NONE, count;

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
		else if (cmp->marks[i].kind == NFS4_MARK_READ_COUNT) {
			count = xdrbuf_word_at(pp->b, cmp->marks[i].off);
			data += count < pp->ctx->max_data ? count :
			    pp->ctx->max_data;
		}
	}
	plan->qos_cls = (uint8_t)cls;
	plan->qos_est = (cls == NFS4_QOS_DATA_READ ||
	    cls == NFS4_QOS_DATA_WRITE) ? data : (uint64_t)reclen;
}

/* Make the gateway answer the call itself. */
static enum plan_action
plan_answer(struct call_plan *plan, enum plan_action a, uint32_t opcode,
    uint32_t status)
{
	plan->action = a;
	plan->opcode = opcode;
	plan->status = status;
	return a;
}

/* Does any op need the client's root before it can be planned? */
static int
plan_needs_root(const struct nfs4_compound *cmp)
{
	uint32_t i;

	for (i = 0; i < cmp->nops; i++) {
		/*
		 * PUTROOTFH, and LOOKUPP and SECINFO_NO_NAME, whose
		 * guard compares with the root (a handle the client kept
		 * from an earlier connection may be the root itself).
		 */
		if (cmp->ops[i].opcode == OP_PUTROOTFH ||
		    cmp->ops[i].opcode == OP_PUTPUBFH ||
		    cmp->ops[i].opcode == OP_LOOKUPP ||
		    cmp->ops[i].opcode == OP_SECINFO_NO_NAME)
			return 1;
	}
	return 0;
}

/* Plan the walked ops in order until one is refused. */
static void
plan_ops(struct plan_pass *pp)
{
	const struct nfs4_compound *cmp = pp->cmp;
	const struct plan_ctx *ctx = pp->ctx;
	struct call_plan *plan = pp->plan;
	const struct nfs4_op_info *info;
	struct plan_pos cur = { FH_NONE, NULL, 0, 0 }, saved = cur, up;
	uint32_t i, k = 0, op, st;
	int putfh_root;
	size_t mark_edits, mark_fhs;

	for (i = 0; i < cmp->nops; i++) {
		mark_edits = plan->ed.n;
		mark_fhs = plan->nfh;
		op = cmp->ops[i].opcode;
		info = nfs4_op_lookup(cmp->minorversion, op);
		st = NFS4_OK;
		if (info != NULL && info->action != NFS4_ACTION_NONE &&
		    !(ctx->grants & GRANT_MOUNT))
			st = NFS4ERR_ACCESS;
		else if (info != NULL && info->action == NFS4_ACTION_MUTATES &&
		    !(ctx->grants & GRANT_WRITE))
			st = NFS4ERR_ROFS;
		else
			st = plan_op_unsupported(op);
		putfh_root = 0;
		if (st == NFS4_OK)
			st = plan_marks(pp, i, &k, &putfh_root);
		if (st == NFS4_OK && info != NULL)
			st = plan_data_op(pp, i, info, &cur, &saved);
		if (st == NFS4_OK) {
			switch (op) {
			case OP_PUTROOTFH:
			case OP_PUTPUBFH:
				if (ctx->root == NULL) {
					st = ctx->root_status;
					break;
				}
				plan_putroot(plan, &cmp->ops[i], ctx->root);
				if (op == OP_PUTROOTFH)
					BIT_SET(plan->rootfix, plan->nfwd);
				else
					BIT_SET(plan->pubfix, plan->nfwd);
				plan->nfix++;
				op = OP_PUTFH;
				cur.kind = FH_ROOT;
				cur.fh = ctx->root->fh;
				cur.len = ctx->root->fhlen;
				break;
			case OP_PUTFH:
				cur.kind = putfh_root ? FH_ROOT : FH_OTHER;
				cur.fh = plan->nfh > mark_fhs ?
				    plan->fh[plan->nfh - 1].p : NULL;
				cur.len = plan->nfh > mark_fhs ?
				    plan->fh[plan->nfh - 1].len : 0;
				if (cur.fh == NULL)
					cur.kind = FH_UNKNOWN;
				break;
			case OP_LOOKUP:
				/* cur.fh stays: the parent of the new one. */
				if (cur.kind == FH_ROOT || cur.kind == FH_OTHER ||
				    cur.kind == FH_ANC)
					cur.kind = FH_CHILD;
				else
					cur.kind = FH_UNKNOWN;
				break;
			case OP_SECINFO_NO_NAME:
			case OP_LOOKUPP:
				if (op == OP_SECINFO_NO_NAME &&
				    xdrbuf_word_at(pp->b, cmp->ops[i].start + 4) !=
				    SECINFO_STYLE4_PARENT) {
					/* Consumed (RFC 8881 §2.6.3.1.1.8). */
					cur.kind = FH_NONE;
					break;
				}
				if (cur.kind == FH_ROOT) {
					st = NFS4ERR_NOENT;
					break;
				}
				if (ctx->confined && cur.kind != FH_NONE) {
					/*
					 * Confinement is a subtree: only to a
					 * parent named and inside the access
					 * point, checked by the server after
					 * LOOKUPP (a rename since the proof).
					 */
					if (ctx->root == NULL) {
						st = ctx->root_status;
						break;
					}
					st = plan_parent(pp, &cur, &up);
					if (st != NFS4_OK)
						break;
					if (op == OP_SECINFO_NO_NAME) {
						cur.kind = FH_NONE;
						break;
					}
					plan_fwd(plan, op);
					plan_verify_fh(plan, cmp->ops[i].end, up.fh,
					    up.len);
					BIT_SET(plan->postguard, plan->nfwd);
					plan->nfix++;
					plan->nguards++;
					op = OP_VERIFY;
					cur = up;
					break;
				}
				/*
				 * One LOOKUP below a handle, the parent is in
				 * the export whatever was renamed meanwhile (a
				 * child's parent cannot be above the root): no
				 * guard, so that LOOKUP, LOOKUPP pairs cost no
				 * extra op (a 100-op COMPOUND stays 100 ops).
				 */
				if (cur.kind == FH_CHILD && op == OP_LOOKUPP &&
				    ctx->root != NULL) {
					(void)plan_parent(pp, &cur, &up);
					cur = up;
					break;
				}
				/*
				 * Unless the current handle is known to be the
				 * root, the server checks: a guard NVERIFY of
				 * the root's fsid and fileid stops the COMPOUND
				 * there. Byte-comparing a PUTFH'd handle with
				 * the root is not enough: a server may give one
				 * directory several handles.
				 */
				if (ctx->root == NULL) {
					st = ctx->root_status;
					break;
				}
				plan_guard(plan, cmp->ops[i].start, ctx->root);
				BIT_SET(plan->guard, plan->nfwd);
				if (op == OP_SECINFO_NO_NAME)
					BIT_SET(plan->guard_sni, plan->nfwd);
				plan->nfix++;
				plan->nguards++;
				plan_fwd(plan, OP_NVERIFY);
				cur.kind = op == OP_LOOKUPP ? FH_UNKNOWN : FH_NONE;
				break;
			case OP_SAVEFH:
				saved = cur;
				break;
			case OP_RESTOREFH:
				cur = saved;
				break;
			case OP_READ:
			case OP_WRITE:
			case OP_SETATTR:
				break;		/* the current filehandle stays */
			case OP_GETATTR:
			case OP_GETFH:
			case OP_ACCESS:
			case OP_COMMIT:
			case OP_SEQUENCE:
			case OP_NVERIFY:
			case OP_READDIR:
			case OP_CLOSE:
				break;		/* the current filehandle stays */
			default:
				cur.kind = FH_UNKNOWN;
				break;
			}
		}
		if (st == PLAN_PROVE) {
			plan->action = PLAN_NEEDS_PROOF;
			return;
		}
		if (st != NFS4_OK) {
			/* Nothing of the refused op goes out. */
			plan->ed.n = mark_edits;
			plan->nfh = (uint32_t)mark_fhs;
			plan_fail(plan, i, cmp->ops[i].opcode, st);
			return;
		}
		plan_fwd(plan, op);
	}
}

/* Size the plan's buffers for a COMPOUND of nops ops and nmarks marks. */
static void
plan_reset(struct call_plan *plan, uint32_t nops, uint32_t nmarks)
{
	size_t need, nfh;

	need = 1024 + (size_t)nops * (48 + 2 * (8 + NFS4_FHSIZE)) +
	    (size_t)nmarks * (8 + NFS4_FHSIZE);
	rpc_edits_reset(&plan->ed, 8 + (size_t)nops * 3 + nmarks, need);
	nfh = (size_t)nops + nmarks;
	if (plan->maxfh < nfh) {
		free(plan->fh);
		plan->fh = xreallocarray(NULL, nfh, sizeof *plan->fh);
		plan->maxfh = (uint32_t)nfh;
	}
	plan->nfh = 0;
	plan->nfwd = 0;
	plan->nfix = 0;
	plan->nguards = 0;
	plan->fail_at = -1;
	plan->fail_opcode = plan->fail_status = 0;
	plan->cred = NULL;
	plan->credlen = 0;
	plan->qos_cls = 0;
	plan->qos_est = 0;
	memset(plan->rootfix, 0, sizeof plan->rootfix);
	memset(plan->pubfix, 0, sizeof plan->pubfix);
	memset(plan->guard, 0, sizeof plan->guard);
	memset(plan->guard_sni, 0, sizeof plan->guard_sni);
	memset(plan->postguard, 0, sizeof plan->postguard);
	plan->provelen = 0;
}

/* Plan a client COMPOUND. */
enum plan_action
call_plan(const struct plan_ctx *ctx, struct xdrbuf *b, const struct rpc_msg *m,
    struct nfs4_compound *cmp, struct call_plan *plan)
{
	struct plan_pass pp = { ctx, b, cmp, plan, 0 };
	uint32_t opc, st, nops;
	size_t reclen = xdrbuf_len(b);
	int wr;

	plan->why[0] = '\0';
	plan->action = PLAN_FORWARD;
	plan->rpc_stat = plan->status = plan->opcode = 0;
	plan->grants = ctx->grants;
	plan->fail_at = -1;
	memset(plan->data_fh, 0, sizeof plan->data_fh);
	plan->data_unknown = 0;
	plan->nreads = plan->read_op = plan->read_count = 0;
	plan->read_off = 0;
	plan->data_other = 0;
	wr = nfs4_walk_compound_args(b, cmp);
	plan->minor = pp.minor = cmp->minorversion;
	plan->tag_off = cmp->tag_off;
	plan->tag_len = cmp->tag_len;
	if (wr == EFSGW_ERR_BAD_VALUE && cmp->count_off == 0 &&
	    cmp->minorversion > NFS4_MAX_MINOR) {
		/* RFC 8881 §16.2.3: an empty result array. */
		return plan_answer(plan, PLAN_ANSWER_EMPTY, 0,
		    NFS4ERR_MINOR_VERS_MISMATCH);
	}
	if (wr != 0 && cmp->count_off == 0) {
		snprintf(plan->why, sizeof plan->why, "COMPOUND header does "
		    "not decode: %s", efsgw_err(wr));
		plan->rpc_stat = RPC_GARBAGE_ARGS;
		return plan_answer(plan, PLAN_ANSWER_RPC, 0, 0);
	}
	if (wr == EFSGW_ERR_TOO_MANY && cmp->nops == 0 &&
	    cmp->count > EFSGW_MAX_OPS) {
		/* RFC 8881 §2.10.6.4 (4.1+), RFC 7530 §15.2 (4.0: RESOURCE). */
		opc = OP_ILLEGAL;
		if (xdrbuf_len(b) >= (size_t)cmp->count_off + 8)
			opc = xdrbuf_word_at(b, cmp->count_off + 4);
		snprintf(plan->why, sizeof plan->why, "COMPOUND of %u ops",
		    cmp->count);
		return plan_answer(plan, PLAN_ANSWER, opc,
		    cmp->minorversion == 0 ? NFS4ERR_RESOURCE :
		    NFS4ERR_TOO_MANY_OPS);
	}
	if (wr == EFSGW_ERR_TRAILING && cmp->nops == cmp->count) {
		snprintf(plan->why, sizeof plan->why, "bytes after the last op");
		plan->rpc_stat = RPC_GARBAGE_ARGS;
		return plan_answer(plan, PLAN_ANSWER_RPC, 0, 0);
	}
	if (ctx->root_pending && plan_needs_root(cmp)) {
		plan->action = PLAN_NEEDS_ROOT;
		return PLAN_NEEDS_ROOT;
	}
	plan_reset(plan, cmp->nops + 1, cmp->nmarks);
	plan_cred(&pp, m);
	/* The op count word: filled in once the forwarded count is known. */
	rpc_edits_add(&plan->ed, cmp->count_off, 4, plan->count, 4);
	plan_ops(&pp);
	if (plan->action == PLAN_NEEDS_PROOF)
		return PLAN_NEEDS_PROOF;
	if (wr != 0 && plan->fail_at < 0) {
		opc = cmp->nops < EFSGW_MAX_OPS ? cmp->ops[cmp->nops].opcode :
		    OP_ILLEGAL;
		plan_walk_failure(wr, cmp->minorversion, opc, &opc, &st);
		snprintf(plan->why, sizeof plan->why, "op %u (%s) refused: %s",
		    cmp->nops, nfs4_op_name(opc), efsgw_err(wr));
		plan_fail(plan, cmp->nops, opc, st);
	}
	if (plan->fail_at == 0)
		return plan_answer(plan, PLAN_ANSWER, plan->fail_opcode,
		    plan->fail_status);
	nops = plan->fail_at < 0 ? cmp->nops : (uint32_t)plan->fail_at;
	plan_qos(&pp, nops, reclen);
	if (plan->fail_at >= 0) {
		/* Send only the ops before the refused one. */
		rpc_edits_add(&plan->ed, cmp->ops[plan->fail_at].start,
		    reclen - cmp->ops[plan->fail_at].start, NULL, 0);
	}
	xdrbuf_store_u32(plan->count, plan->nfwd);
	return PLAN_FORWARD;
}

/* Write the planned record. */
int
call_plan_apply(struct call_plan *plan, struct evbuffer *rec,
    struct evbuffer *out)
{
	if (plan->action != PLAN_FORWARD || plan->ed.overflow)
		return EFSGW_ERR_INTERNAL;
	return rpc_edit_apply(rec, plan->ed.v, plan->ed.n, out);
}
