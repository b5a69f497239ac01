/*
 * efsgw - differential libFuzzer target for the call planner and the
 * rewrite (proxy/call-plan.c, proxy/call-check.c): the server executes
 * exactly the COMPOUND the gateway checked.
 *
 * Input: one selector byte, then an RPC call record (header + COMPOUND).
 * Selector bits: 0 ClientMount, 1 ClientWrite, 2 ClientRootAccess, 3 the
 * client's root is known, 4 share-deny refuse, 5 seal every handle of the
 * record first (the fuzzer cannot forge a MAC; with this bit its handles,
 * wherever they lie, an attribute list included, are sealed for the scope
 * before planning, and the length of any list holding one fixed), 6 the
 * access point scope instead of the file system's, 7 confined to an
 * access point (LOOKUPP needs a proven parent; the proof given says the
 * first handle of the record lies two levels below the root). The top
 * bit of the RPC xid (which the planner does not read) turns lifecycle
 * tiering on.
 *
 * For every plan that forwards, independently of call_plan_check:
 *  - the rewritten record re-walks, and call_plan_check accepts it;
 *  - its ops are the client's ops before the refused one, in order, each
 *    with its own opcode except PUTROOTFH/PUTPUBFH (PUTFH of the root),
 *    the NVERIFY guard put before a LOOKUPP or a SECINFO_NO_NAME of the
 *    parent, and, confined, the VERIFY guard after a LOOKUPP: no op
 *    appears that the client's record did not contain;
 *  - every handle in it is the root's, the proof's, or one that the
 *    client sent sealed for this scope;
 *  - with tiering, every data op in it (READ, WRITE, SETATTR of size,
 *    ALLOCATE, DEALLOCATE, READ_PLUS, SEEK, WRITE_SAME, COPY and CLONE
 *    with their source) works on no file, a
 *    directory, or a file the client put by PUTFH whose handle is one
 *    the plan has the gateway check first; a data op on any other file
 *    is the refused op, NFS4ERR_DELAY; without tiering no data op is.
 * Any difference aborts.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "proxy.h"

#define OP_VERIFY	37

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct nfs4_compound walk1, walk2, walk3;
static struct call_plan *plan;
static struct seal_keys keys;
static const char *scopes[2] = { "fs-0123456789abcdef0",
	"fs-0123456789abcdef0/fsap-0123456789abcdef0" };
static const uint8_t root_fh[] = "efsgw-fuzz-root-handle";
static const uint8_t parent_fh[] = "efsgw-fuzz-parent-handle";
static struct nfs4_compound walk4;
static struct ancestry_chain proof;
static int confined;

/* Set the keys up once. */
static void
fuzz_init(void)
{
	char *cause = NULL;

	if (plan != NULL)
		return;
	if (seal_keys_parse("fuzz", "key 1 000102030405060708090a0b0c0d0e0f "
	    "seal\n", &keys, &cause) != 0)
		abort();
	plan = call_plan_new();
}

/* A cursor over all of e. */
static void
fuzz_cursor(struct evbuffer *e, struct xdrbuf *b, struct evbuffer_iovec *one)
{
	size_t len = evbuffer_get_length(e);

	xdrbuf_init_mem(b, one, evbuffer_pullup(e, -1), len);
}

/*
 * Rewrite rec with every handle of the COMPOUND sealed for scope (and
 * the length of each attribute list holding one grown): what a client
 * that knows its handles would send. Returns a new buffer, or NULL.
 */
static struct evbuffer *
fuzz_seal_all(const uint8_t *rec, size_t len, const char *scope)
{
	struct evbuffer *in = evbuffer_new(), *out = evbuffer_new();
	struct evbuffer_iovec one;
	struct rpc_edits ed = { 0 };
	struct xdrbuf b;
	struct rpc_msg m;
	const struct nfs4_mark *mk, *in_mk;
	uint8_t *o;
	uint32_t k, j;
	size_t n, grow;

	evbuffer_add(in, rec, len);
	xdrbuf_init_mem(&b, &one, evbuffer_pullup(in, -1), len);
	if (rpc_msg_parse(&b, &m) != 0 || nfs4_walk_compound_args(&b, &walk3) != 0)
		goto fail;
	rpc_edits_reset(&ed, walk3.nmarks + 1,
	    (size_t)walk3.nmarks * (8 + NFS4_FHSIZE) + 64);
	for (k = 0; k < walk3.nmarks; k++) {
		mk = &walk3.marks[k];
		if (mk->kind == NFS4_MARK_ATTRLIST) {
			grow = 0;
			for (j = k + 1; j < walk3.nmarks; j++) {
				in_mk = &walk3.marks[j];
				if (in_mk->off >= mk->off + mk->len)
					break;
				if (in_mk->kind == NFS4_MARK_FH)
					grow += ((in_mk->len + SEAL_OVERHEAD + 3) & ~3u) -
					    ((in_mk->len + 3) & ~3u);
			}
			if (grow > 0)
				rpc_edits_word(&ed, mk->off - 4,
				    mk->len + (uint32_t)grow);
		} else if (mk->kind == NFS4_MARK_FH) {
			if (mk->len == 0 || mk->len > SEAL_MAX_BACKEND_FH)
				goto fail;
			o = rpc_edits_alloc(&ed, 4 + NFS4_FHSIZE + 4);
			memset(o, 0, 4 + NFS4_FHSIZE + 4);
			if (seal_handle(&keys, scope, rec + mk->off, mk->len,
			    o + 4, &n) != 0)
				goto fail;
			xdrbuf_store_u32(o, (uint32_t)n);
			rpc_edits_add(&ed, mk->off - 4, 4 + ((mk->len + 3) & ~3u),
			    o, 4 + ((n + 3) & ~(size_t)3));
		}
	}
	if (ed.overflow || rpc_edit_apply(in, ed.v, ed.n, out) != 0)
		goto fail;
	evbuffer_drain(out, 4);		/* the record mark */
	free(ed.v);
	free(ed.arena);
	evbuffer_free(in);
	return out;
fail:
	free(ed.v);
	free(ed.arena);
	evbuffer_free(in);
	evbuffer_free(out);
	return NULL;
}

/* Is fh the root's or a handle the client sent sealed for scope? */
static int
fuzz_allowed_fh(const struct xdrbuf *in, const uint8_t *fh, size_t len,
    const char *scope, int root_known)
{
	uint8_t sealed[NFS4_FHSIZE];
	const uint8_t *bfh;
	size_t blen;
	uint32_t k;

	if (root_known && len == sizeof root_fh &&
	    memcmp(fh, root_fh, len) == 0)
		return 1;
	if (confined && len == sizeof parent_fh &&
	    memcmp(fh, parent_fh, len) == 0)
		return 1;
	for (k = 0; k < walk1.nmarks; k++) {
		if (walk1.marks[k].kind != NFS4_MARK_FH ||
		    walk1.marks[k].len > sizeof sealed ||
		    xdrbuf_copy_at(in, walk1.marks[k].off, sealed,
		    walk1.marks[k].len) != 0)
			continue;
		if (unseal_handle(&keys, scope, sealed, walk1.marks[k].len,
		    &bfh, &blen) == 0 && blen == len && memcmp(bfh, fh, len) == 0)
			return 1;
	}
	return 0;
}

/*
 * Is the current handle at client op i the result of a LOOKUP, ops that
 * keep the current handle (RFC 8881 §16.2.3) aside? Then a LOOKUPP there
 * needs no root guard: a child's parent is inside the export.
 */
static int
fuzz_after_lookup(uint32_t i)
{
	int k = (int)i;

	while (--k >= 0) {
		switch (walk1.ops[k].opcode) {
		case OP_ACCESS: case OP_CLOSE: case OP_COMMIT: case OP_GETATTR:
		case OP_GETFH: case OP_NVERIFY: case OP_READ: case OP_READDIR:
		case OP_SAVEFH: case OP_SEQUENCE: case OP_SETATTR: case OP_WRITE:
			continue;
		case OP_RESTOREFH:
			/* The saved handle: go on from the SAVEFH that saved it. */
			while (--k >= 0 && walk1.ops[k].opcode != OP_SAVEFH)
				;
			if (k < 0)
				return 0;
			continue;
		case OP_LOOKUP:
			return 1;
		default:
			return 0;
		}
	}
	return 0;
}

/*
 * The current (or saved) filehandle as the tiering model sees it: none,
 * the root or an ancestor the proof names (directories), a handle the
 * client put, one LOOKUP below one of those (fh: the parent), or unknown.
 */
enum fuzz_fh { F_NONE, F_DIR, F_FILE, F_CHILD, F_UNKNOWN };
struct fuzz_pos {
	enum fuzz_fh	 kind;
	uint8_t		 fh[NFS4_FHSIZE];
	size_t		 len;
};

/* Set p to kind at handle fh (which may be p's own). */
static void
fuzz_pos_set(struct fuzz_pos *p, enum fuzz_fh kind, const uint8_t *fh,
    size_t len)
{
	memmove(p->fh, fh, len);
	p->len = len;
	p->kind = kind;
}

/* A handle the client put: the root (when known) is a directory. */
static enum fuzz_fh
fuzz_put_kind(const uint8_t *fh, size_t len, int root_known)
{
	return root_known && len == sizeof root_fh &&
	    memcmp(fh, root_fh, len) == 0 ? F_DIR : F_FILE;
}

/* Is client op i a data op (its data must be hot before it runs)? */
static int
fuzz_data_op(const struct xdrbuf *in, uint32_t i, int *uses_saved)
{
	uint32_t op = walk1.ops[i].opcode;
	size_t start = walk1.ops[i].start;

	*uses_saved = op == 60 || op == 71;		/* COPY, CLONE */
	switch (op) {
	case OP_READ:
	case OP_WRITE:
	case 59:					/* ALLOCATE */
	case 60:
	case 62:					/* DEALLOCATE */
	case 68:					/* READ_PLUS */
	case 69:					/* SEEK */
	case 70:					/* WRITE_SAME */
	case 71:
		return 1;
	case OP_SETATTR:
		/* stateid, then the bitmap: size is attribute 4 */
		return xdrbuf_word_at(in, start + 20) > 0 &&
		    (xdrbuf_word_at(in, start + 24) & (1u << 4)) != 0;
	default:
		return 0;
	}
}

/* Is the file at p placed, i.e. one of the handles the plan checks? */
static int
fuzz_placed(const struct fuzz_pos *p)
{
	int k;

	if (p->kind == F_NONE || p->kind == F_DIR)
		return 1;
	if (p->kind != F_FILE)
		return 0;
	for (k = 0; k < 2; k++) {
		if (plan->data_fh[k].p != NULL && plan->data_fh[k].len == p->len &&
		    memcmp(plan->data_fh[k].p, p->fh, p->len) == 0)
			return 1;
	}
	return 0;
}

/*
 * Could the plan have placed the refused op's files (a, and b when not
 * NULL): no file or directories, or files the plan checks already or has
 * room for (the plan checks two)?
 */
static int
fuzz_placeable(const struct fuzz_pos *a, const struct fuzz_pos *b)
{
	const struct fuzz_pos *v[2] = { a, b };
	int k, room = (plan->data_fh[0].p == NULL) +
	    (plan->data_fh[1].p == NULL);

	for (k = 0; k < 2; k++) {
		if (v[k] == NULL || v[k]->kind == F_NONE || v[k]->kind == F_DIR ||
		    fuzz_placed(v[k]))
			continue;
		if (v[k]->kind != F_FILE)
			return 0;
		if (k == 1 && a->kind == F_FILE && a->len == b->len &&
		    memcmp(a->fh, b->fh, a->len) == 0)
			continue;	/* the same file twice */
		if (room-- == 0)
			return 0;
	}
	return 1;
}

/*
 * The tiering checks: walk the client's ops up to and including the
 * refused one, with a model of where the current and saved filehandles
 * are (what each op does to them, RFC 8881 §16.2.3), and compare each
 * data op with the plan.
 */
static void
fuzz_check_tiering(const struct xdrbuf *in, const char *scope, int root_known,
    int tiering)
{
	struct fuzz_pos cur, saved;
	uint8_t sealed[NFS4_FHSIZE];
	const uint8_t *bfh;
	size_t blen;
	uint32_t i, k, n, op;
	int copy, placed;

	memset(&cur, 0, sizeof cur);
	saved = cur;
	n = plan->fail_at < 0 ? walk1.nops : (uint32_t)plan->fail_at + 1;
	for (i = 0; i < n && i < walk1.nops; i++) {
		op = walk1.ops[i].opcode;
		if (fuzz_data_op(in, i, &copy)) {
			placed = fuzz_placed(&cur) && (!copy || fuzz_placed(&saved));
			if ((int)i == plan->fail_at) {
				/* Refused with DELAY: tiering, and not placeable. */
				if (plan->fail_status == NFS4ERR_DELAY &&
				    (!tiering || fuzz_placeable(&cur, copy ?
				    &saved : NULL)))
					abort();
			} else if (tiering && !placed)
				abort();	/* out, on a file not checked */
		} else if ((int)i == plan->fail_at &&
		    plan->fail_status == NFS4ERR_DELAY && root_known &&
		    op != OP_PUTROOTFH && op != OP_PUTPUBFH && op != OP_LOOKUPP &&
		    op != OP_SECINFO_NO_NAME)
			abort();	/* DELAY is the root's or a data op's */
		switch (op) {
		case OP_PUTFH:
			cur.kind = F_UNKNOWN;
			for (k = 0; k < walk1.nmarks; k++) {
				if (walk1.marks[k].op != i ||
				    walk1.marks[k].kind != NFS4_MARK_FH)
					continue;
				if (walk1.marks[k].len <= sizeof sealed &&
				    xdrbuf_copy_at(in, walk1.marks[k].off, sealed,
				    walk1.marks[k].len) == 0 &&
				    unseal_handle(&keys, scope, sealed,
				    walk1.marks[k].len, &bfh, &blen) == 0)
					fuzz_pos_set(&cur, fuzz_put_kind(bfh, blen,
					    root_known), bfh, blen);
				break;
			}
			break;
		case OP_PUTROOTFH:
		case OP_PUTPUBFH:
			fuzz_pos_set(&cur, F_DIR, root_fh, sizeof root_fh);
			break;
		case OP_LOOKUP:
			cur.kind = cur.kind == F_FILE || cur.kind == F_DIR ?
			    F_CHILD : F_UNKNOWN;
			break;
		case OP_LOOKUPP:
			/*
			 * PUTFH X; LOOKUP n; LOOKUPP is X. Confined, above a
			 * handle the proof names is its parent, then the root;
			 * otherwise the server decides (guarded): unknown.
			 */
			if (cur.kind == F_CHILD)
				fuzz_pos_set(&cur, fuzz_put_kind(cur.fh, cur.len,
				    root_known), cur.fh, cur.len);
			else if (confined && cur.kind == F_FILE)
				fuzz_pos_set(&cur, F_DIR, parent_fh,
				    sizeof parent_fh);
			else if (confined && cur.kind == F_DIR)
				fuzz_pos_set(&cur, F_DIR, root_fh, sizeof root_fh);
			else
				cur.kind = F_UNKNOWN;
			break;
		case OP_SECINFO_NO_NAME:
			cur.kind = F_NONE;	/* consumed (RFC 8881 §2.6.3.1.1.8) */
			break;
		case OP_SAVEFH:
			saved = cur;
			break;
		case OP_RESTOREFH:
			cur = saved;
			break;
		case OP_ACCESS: case OP_CLOSE: case OP_COMMIT: case OP_GETATTR:
		case OP_GETFH: case OP_NVERIFY: case OP_READ: case OP_READDIR:
		case OP_SEQUENCE: case OP_SETATTR: case OP_WRITE:
			break;
		default:
			cur.kind = F_UNKNOWN;
			break;
		}
	}
}

/* The independent checks of a forwarded plan (see the file comment). */
static void
fuzz_check_forward(const struct xdrbuf *in, struct evbuffer *out,
    const char *scope, int root_known, int tiering)
{
	struct evbuffer_iovec one;
	struct xdrbuf b;
	const char *why;
	uint8_t fh[NFS4_FHSIZE];
	uint32_t i, j = 0, n, op, want;

	fuzz_cursor(out, &b, &one);
	if (xdrbuf_skip(&b, 4) != 0 || call_plan_check(plan, &b, &walk2, &why) != 0) {
		if (getenv("FUZZ_PLAN_DEBUG") != NULL)
			fprintf(stderr, "call_plan_check: %s\n", why);
		abort();
	}
	/* call_plan_check walked it into walk2: compare with the client's. */
	n = plan->fail_at < 0 ? walk1.nops : (uint32_t)plan->fail_at;
	for (i = 0; i < n; i++) {
		op = walk1.ops[i].opcode;
		if (!confined && (op == OP_LOOKUPP ||
		    (op == OP_SECINFO_NO_NAME &&
		    xdrbuf_word_at(in, walk1.ops[i].start + 4) == 1))) {
			/*
			 * The root guard, except for a LOOKUPP right after a
			 * LOOKUP: a child's parent is inside the export.
			 */
			if (j < walk2.nops && walk2.ops[j].opcode == OP_NVERIFY &&
			    BIT_ISSET(plan->guard, j))
				j++;
			else if (op != OP_LOOKUPP || !fuzz_after_lookup(i))
				abort();
		} else if (confined && j < walk2.nops &&
		    BIT_ISSET(plan->guard, j)) {
			/* Confined, no current handle: the root guard. */
			if (walk2.ops[j].opcode != OP_NVERIFY ||
			    (op != OP_LOOKUPP && op != OP_SECINFO_NO_NAME))
				abort();
			j++;
		}
		want = (op == OP_PUTROOTFH || op == OP_PUTPUBFH) ? OP_PUTFH : op;
		if (j >= walk2.nops || walk2.ops[j].opcode != want)
			abort();
		j++;
		/* Confined: the guard VERIFY the plan put after a LOOKUPP. */
		if (j < walk2.nops && BIT_ISSET(plan->postguard, j)) {
			if (!confined || op != OP_LOOKUPP ||
			    walk2.ops[j].opcode != OP_VERIFY)
				abort();
			j++;
		}
	}
	if (j != walk2.nops)
		abort();
	fuzz_cursor(out, &b, &one);
	for (i = 0; i < walk2.nmarks; i++) {
		if (walk2.marks[i].kind != NFS4_MARK_FH)
			continue;
		if (walk2.marks[i].len > sizeof fh ||
		    xdrbuf_copy_at(&b, walk2.marks[i].off, fh,
		    walk2.marks[i].len) != 0 ||
		    !fuzz_allowed_fh(in, fh, walk2.marks[i].len, scope, root_known))
			abort();
	}
	fuzz_check_tiering(in, scope, root_known, tiering);
}

/* Plan one fuzz input (see the file comment for the selector byte). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct squash_policy squash = { NULL, 0, 65534, 65534 };
	struct fsroot_info root;
	struct plan_ctx ctx;
	struct evbuffer *rec = NULL, *out = NULL;
	struct evbuffer_iovec one;
	struct xdrbuf b, in;
	struct rpc_msg m;
	uint8_t sel;
	const char *scope;

	if (size < 1 || size > 1 << 20)
		return 0;
	fuzz_init();
	sel = data[0];
	scope = scopes[(sel >> 6) & 1];
	if (sel & 0x20)
		rec = fuzz_seal_all(data + 1, size - 1, scope);
	if (rec == NULL) {
		rec = evbuffer_new();
		evbuffer_add(rec, data + 1, size - 1);
	}
	memset(&root, 0, sizeof root);
	memcpy(root.fh, root_fh, sizeof root_fh);
	root.fhlen = sizeof root_fh;
	root.fsid_major = 1;
	root.fileid = 2;
	memset(&ctx, 0, sizeof ctx);
	ctx.grants = sel & 0x7;
	ctx.keys = &keys;
	ctx.scope = scope;
	squash.root_allowed = (sel & 0x4) != 0;
	ctx.squash = &squash;
	ctx.root = (sel & 0x8) ? &root : NULL;
	ctx.root_status = NFS4ERR_DELAY;
	ctx.share_deny_refuse = (sel & 0x10) != 0;
	ctx.max_data = 1 << 20;
	ctx.max_read = 1 << 20;
	memset(&proof, 0, sizeof proof);
	confined = (sel & 0x80) != 0;
	if (confined) {
		/* The proof: the record's first handle, two levels down. */
		struct xdrbuf pb;
		struct rpc_msg pm;
		uint8_t sealed[NFS4_FHSIZE];
		const uint8_t *bfh;
		size_t blen;
		uint32_t k;

		ctx.confined = 1;
		fuzz_cursor(rec, &pb, &one);
		if (rpc_msg_parse(&pb, &pm) == 0 &&
		    nfs4_walk_compound_args(&pb, &walk4) == 0) {
			for (k = 0; k < walk4.nmarks; k++) {
				if (walk4.marks[k].kind != NFS4_MARK_FH)
					continue;
				if (walk4.marks[k].len <= sizeof sealed &&
				    xdrbuf_copy_at(&pb, walk4.marks[k].off, sealed,
				    walk4.marks[k].len) == 0 &&
				    unseal_handle(&keys, scope, sealed,
				    walk4.marks[k].len, &bfh, &blen) == 0) {
					memcpy(proof.fh, bfh, blen);
					proof.fhlen = blen;
				}
				break;
			}
		}
		proof.nanc = 2;
		memcpy(proof.anc[0].fh, parent_fh, sizeof parent_fh);
		proof.anc[0].len = sizeof parent_fh;
		memcpy(proof.anc[1].fh, root_fh, sizeof root_fh);
		proof.anc[1].len = sizeof root_fh;
		proof.proven = 1;
		ctx.proof = &proof;
	}

	fuzz_cursor(rec, &b, &one);
	/* What call.c hands the planner: an NFSv4 COMPOUND, AUTH_SYS or NONE. */
	if (rpc_msg_parse(&b, &m) != 0 || m.type != RPC_CALL ||
	    m.rpcvers != 2 || m.prog != NFS4_PROGRAM || m.vers != NFS4_VERSION ||
	    m.proc != NFSPROC4_COMPOUND ||
	    (m.cred_flavor != AUTH_SYS && m.cred_flavor != AUTH_NONE))
		goto out;
	ctx.tiering = m.xid >> 31;
	if (call_plan(&ctx, &b, &m, &walk1, plan) != PLAN_FORWARD)
		goto out;
	if (plan->nfwd > PLAN_MAX_FWD_OPS || plan->nfh > plan->maxfh)
		abort();
	/* A second cursor over the original: the apply drains rec. */
	out = evbuffer_new();
	{
		struct evbuffer *copy = evbuffer_new();

		evbuffer_add(copy, evbuffer_pullup(rec, -1),
		    evbuffer_get_length(rec));
		if (call_plan_apply(plan, rec, out) != 0)
			abort();
		fuzz_cursor(copy, &in, &one);
		fuzz_check_forward(&in, out, scope, (sel & 0x8) != 0,
		    ctx.tiering);
		evbuffer_free(copy);
	}
out:
	evbuffer_free(rec);
	if (out != NULL)
		evbuffer_free(out);
	return 0;
}
