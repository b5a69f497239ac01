/*
 * efsgw - unit tests of the call planner and its re-walk check
 * (proxy/call-plan.c, proxy/call-check.c).
 *
 * Pins: a FILEHANDLE attribute (RFC 8881 §5.8.1.9, attribute 19) inside
 * any call's fattr4 is unsealed and its attribute list's length shrinks
 * with it, so the server reads the same ops the gateway checked (the
 * request-smuggling finding); call_plan_check refuses a rewritten record
 * whose op count, opcodes, handles or credential differ from the plan;
 * the READDIR maxcount the server gets leaves room for the seals and is a
 * multiple of 4, and is the client's own when no handle is asked for or
 * the value is too small for any entry (RFC 8881 §18.23.3); OPEN share
 * deny passes or is refused per the share-deny setting; an edit list
 * that overflows refuses the record instead of ending the process; on an
 * access point, LOOKUPP needs a proven parent and carries a VERIFY guard;
 * with lifecycle tiering a data op on a file the planner cannot name is
 * NFS4ERR_DELAY, the ops before it forwarded.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "proxy.h"

#define OP_VERIFY	37
#define NF4DIR		2

static struct nfs4_compound walk, rewalk;
static struct seal_keys keys;
static const char scope[] = "fs-0123456789abcdef0";
static const uint8_t backend_fh[] = "a-backend-handle-01";
static const uint8_t other_fh[] = "a-backend-handle-02";
static const uint8_t third_fh[] = "a-backend-handle-03";
static const uint8_t root_fh[] = "the-root-handle";
static struct fsroot_info root;
static struct squash_policy squash = { NULL, 1, 65534, 65534 };

static void
setup(void)
{
	char *cause = NULL;

	ck_assert_int_eq(seal_keys_parse("t", "key 7 00112233445566778899aabb"
	    "ccddeeff seal\n", &keys, &cause), 0);
	memset(&root, 0, sizeof root);
	memcpy(root.fh, root_fh, sizeof root_fh);
	root.fhlen = sizeof root_fh;
	root.fsid_major = 5;
	root.fileid = 9;
}

/* A context with every grant and a known root. */
static void
ctx_init(struct plan_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->grants = GRANT_MOUNT | GRANT_WRITE | GRANT_ROOT;
	ctx->keys = &keys;
	ctx->scope = scope;
	ctx->squash = &squash;
	ctx->root = &root;
	ctx->max_data = 1 << 20;
}

/* Start a COMPOUND call (AUTH_SYS root) of count ops. */
static struct evbuffer *
call_start(uint32_t count)
{
	struct evbuffer *e = evbuffer_new();

	ck_assert_int_eq(rpc_msg_put_call(e, 1, NFS4_PROGRAM, 4, 1), 0);
	xdrbuf_put_opaque(e, "unit", 4);
	xdrbuf_put_u32(e, 0);
	xdrbuf_put_u32(e, count);
	return e;
}

/* The sealed backend handle. */
static size_t
sealed_fh(uint8_t *out)
{
	size_t n;

	ck_assert_int_eq(seal_handle(&keys, scope, backend_fh,
	    sizeof backend_fh, out, &n), 0);
	return n;
}

/* fattr4 { FILEHANDLE = fh } */
static void
put_fh_attr(struct evbuffer *e, const uint8_t *fh, size_t len)
{
	xdrbuf_put_u32(e, 1);
	xdrbuf_put_u32(e, 1u << 19);
	xdrbuf_put_u32(e, 4 + (((uint32_t)len + 3) & ~3u));
	xdrbuf_put_opaque(e, fh, len);
}

/* Plan rec under ctx; on FORWARD apply it into out. */
static enum plan_action
plan_it(const struct plan_ctx *ctx, struct evbuffer *rec, struct call_plan *plan,
    struct evbuffer *out)
{
	struct evbuffer_iovec one;
	struct xdrbuf b;
	struct rpc_msg m;
	enum plan_action a;

	xdrbuf_init_mem(&b, &one, evbuffer_pullup(rec, -1),
	    evbuffer_get_length(rec));
	ck_assert_int_eq(rpc_msg_parse(&b, &m), 0);
	a = call_plan(ctx, &b, &m, &walk, plan);
	if (a == PLAN_FORWARD && out != NULL)
		ck_assert_int_eq(call_plan_apply(plan, rec, out), 0);
	return a;
}

/* Run call_plan_check over out (mark first). */
static int
check_it(const struct call_plan *plan, struct evbuffer *out)
{
	struct evbuffer_iovec one;
	struct xdrbuf b;
	const char *why;

	xdrbuf_init_mem(&b, &one, evbuffer_pullup(out, -1),
	    evbuffer_get_length(out));
	ck_assert_int_eq(xdrbuf_skip(&b, 4), 0);
	return call_plan_check(plan, &b, &rewalk, &why);
}

/*
 * Every op carrying an fattr4 in a call, with a sealed handle in it and a
 * LOOKUP after: the rewritten call walks to the same ops, the handle in
 * the list is the backend one, and the list's length word matches.
 */
START_TEST(test_fh_attr_every_op)
{
	static const uint32_t ops[] = { OP_VERIFY, OP_NVERIFY, OP_SETATTR,
	    OP_CREATE, OP_OPEN };
	uint32_t op = ops[_i], i;
	struct plan_ctx ctx;
	struct call_plan *plan = call_plan_new();
	struct evbuffer *e = call_start(4), *out = evbuffer_new();
	uint8_t fh[NFS4_FHSIZE];
	size_t n = sealed_fh(fh);

	ctx_init(&ctx);
	xdrbuf_put_u32(e, OP_PUTROOTFH);
	xdrbuf_put_u32(e, op);
	switch (op) {
	case OP_VERIFY:
	case OP_NVERIFY:
		put_fh_attr(e, fh, n);
		break;
	case OP_SETATTR:
		for (i = 0; i < 4; i++)
			xdrbuf_put_u32(e, 0);
		put_fh_attr(e, fh, n);
		break;
	case OP_CREATE:
		xdrbuf_put_u32(e, NF4DIR);
		xdrbuf_put_opaque(e, "d", 1);
		put_fh_attr(e, fh, n);
		break;
	case OP_OPEN:
		xdrbuf_put_u32(e, 0);
		xdrbuf_put_u32(e, 2);
		xdrbuf_put_u32(e, 0);
		xdrbuf_put_u64(e, 1);
		xdrbuf_put_opaque(e, "o", 1);
		xdrbuf_put_u32(e, 1);
		xdrbuf_put_u32(e, 0);
		put_fh_attr(e, fh, n);
		xdrbuf_put_u32(e, 0);
		xdrbuf_put_opaque(e, "f", 1);
		break;
	}
	xdrbuf_put_u32(e, OP_LOOKUP);
	xdrbuf_put_opaque(e, "name-that-could-hide-ops", 24);
	xdrbuf_put_u32(e, OP_GETFH);
	ck_assert_int_eq(plan_it(&ctx, e, plan, out), PLAN_FORWARD);
	ck_assert_int_eq(check_it(plan, out), 0);
	if (op == OP_SETATTR) {
		/* FILEHANDLE is read-only: INVAL, as the server says. */
		ck_assert_int_eq(plan->fail_at, 1);
		ck_assert_uint_eq(plan->fail_status, NFS4ERR_INVAL);
		ck_assert_uint_eq(rewalk.nops, 1);
		goto done;
	}
	/* What the server reads: the client's four ops, nothing else. */
	ck_assert_uint_eq(rewalk.nops, 4);
	ck_assert_uint_eq(rewalk.ops[0].opcode, OP_PUTFH);
	ck_assert_uint_eq(rewalk.ops[1].opcode, op);
	ck_assert_uint_eq(rewalk.ops[2].opcode, OP_LOOKUP);
	ck_assert_uint_eq(rewalk.ops[3].opcode, OP_GETFH);
	/* root (PUTFH) and the attribute's handle, both backend handles */
	ck_assert_uint_eq(plan->nfh, 2);
	ck_assert_uint_eq(plan->fh[1].len, sizeof backend_fh);
	ck_assert(memcmp(plan->fh[1].p, backend_fh, sizeof backend_fh) == 0);
done:
	call_plan_free(plan);
	evbuffer_free(e);
	evbuffer_free(out);
}
END_TEST

/*
 * Lifecycle tiering needs the backend handle of every data op's file
 * before it runs (a cold file must be recalled first): PUTFH of a sealed
 * handle then READ, WRITE, SETATTR of size, ALLOCATE, COPY/CLONE (with
 * the saved source) name it; metadata ops (GETATTR, SETATTR of mode) do
 * not; a data op after LOOKUP is on a handle the planner cannot know.
 */
enum { D_READ, D_WRITE, D_TRUNC, D_CHMOD, D_GETATTR, D_LOOKUP_READ, D_COPY,
    D_ALLOC, D_NVEC };
START_TEST(test_data_fh)
{
	struct plan_ctx ctx;
	struct call_plan *plan = call_plan_new();
	struct evbuffer *e, *out = evbuffer_new();
	uint8_t fh[NFS4_FHSIZE];
	size_t n = sealed_fh(fh);
	int k = _i, i, expect_data = 1, expect_unknown = 0, two = 0;

	ctx_init(&ctx);
	if (k == D_COPY || k == D_ALLOC) {
		/* NFSv4.2 ops: a minor version 2 COMPOUND, no SEQUENCE needed here */
		e = evbuffer_new();
		ck_assert_int_eq(rpc_msg_put_call(e, 1, NFS4_PROGRAM, 4, 1), 0);
		xdrbuf_put_opaque(e, "unit", 4);
		xdrbuf_put_u32(e, 2);
		xdrbuf_put_u32(e, k == D_COPY ? 5 : 2);
	} else
		e = call_start(k == D_LOOKUP_READ ? 3 : 2);
	if (k == D_COPY) {
		/* PUTFH src SAVEFH PUTFH dst COPY GETATTR */
		uint8_t src[NFS4_FHSIZE];
		size_t srclen;

		ck_assert_int_eq(seal_handle(&keys, scope, other_fh,
		    sizeof other_fh, src, &srclen), 0);
		xdrbuf_put_u32(e, OP_PUTFH);
		xdrbuf_put_opaque(e, src, srclen);
		xdrbuf_put_u32(e, OP_SAVEFH);
		xdrbuf_put_u32(e, OP_PUTFH);
		xdrbuf_put_opaque(e, fh, n);
		xdrbuf_put_u32(e, 60);	/* COPY (RFC 7862 §15.2) */
		for (i = 0; i < 8; i++)
			xdrbuf_put_u32(e, 0);	/* two stateids */
		xdrbuf_put_u64(e, 0);
		xdrbuf_put_u64(e, 0);
		xdrbuf_put_u64(e, 4096);
		xdrbuf_put_u32(e, 0);	/* consecutive */
		xdrbuf_put_u32(e, 1);	/* synchronous */
		xdrbuf_put_u32(e, 0);	/* no source servers */
		xdrbuf_put_u32(e, OP_GETATTR);
		xdrbuf_put_u32(e, 0);
		two = 1;
	} else {
		xdrbuf_put_u32(e, OP_PUTFH);
		xdrbuf_put_opaque(e, fh, n);
		if (k == D_LOOKUP_READ) {
			xdrbuf_put_u32(e, OP_LOOKUP);
			xdrbuf_put_opaque(e, "f", 1);
		}
		switch (k) {
		case D_READ:
		case D_LOOKUP_READ:
			xdrbuf_put_u32(e, OP_READ);
			for (i = 0; i < 4; i++)
				xdrbuf_put_u32(e, 0);
			xdrbuf_put_u64(e, 0);
			xdrbuf_put_u32(e, 4096);
			expect_data = k == D_READ;
			expect_unknown = k == D_LOOKUP_READ;
			break;
		case D_WRITE:
			xdrbuf_put_u32(e, OP_WRITE);
			for (i = 0; i < 4; i++)
				xdrbuf_put_u32(e, 0);
			xdrbuf_put_u64(e, 0);
			xdrbuf_put_u32(e, 2);	/* FILE_SYNC4 */
			xdrbuf_put_opaque(e, "data", 4);
			break;
		case D_TRUNC:
		case D_CHMOD:
			xdrbuf_put_u32(e, OP_SETATTR);
			for (i = 0; i < 4; i++)
				xdrbuf_put_u32(e, 0);
			xdrbuf_put_u32(e, 2);
			if (k == D_TRUNC) {
				xdrbuf_put_u32(e, 1u << 4);	/* size */
				xdrbuf_put_u32(e, 0);
				xdrbuf_put_u32(e, 8);
				xdrbuf_put_u64(e, 0);
			} else {
				xdrbuf_put_u32(e, 0);
				xdrbuf_put_u32(e, 1u << (33 - 32));	/* mode */
				xdrbuf_put_u32(e, 4);
				xdrbuf_put_u32(e, 0644);
				expect_data = 0;
			}
			break;
		case D_GETATTR:
			xdrbuf_put_u32(e, OP_GETATTR);
			xdrbuf_put_u32(e, 1);
			xdrbuf_put_u32(e, 1u << 4);
			expect_data = 0;
			break;
		case D_ALLOC:
			xdrbuf_put_u32(e, 59);	/* ALLOCATE */
			for (i = 0; i < 4; i++)
				xdrbuf_put_u32(e, 0);
			xdrbuf_put_u64(e, 0);
			xdrbuf_put_u64(e, 1 << 20);
			break;
		}
	}
	ctx.grants = GRANT_MOUNT | GRANT_WRITE | GRANT_ROOT;
	ck_assert_int_eq(plan_it(&ctx, e, plan, out), PLAN_FORWARD);
	ck_assert_int_eq(plan->fail_at, -1);
	ck_assert_int_eq(plan->data_unknown, expect_unknown);
	if (!expect_data) {
		ck_assert_ptr_null(plan->data_fh[0].p);
	} else {
		ck_assert_ptr_nonnull(plan->data_fh[0].p);
		ck_assert_uint_eq(plan->data_fh[0].len, sizeof backend_fh);
		ck_assert(memcmp(plan->data_fh[0].p, backend_fh,
		    sizeof backend_fh) == 0);
	}
	if (two) {
		/* the COPY's source, the saved handle */
		ck_assert_ptr_nonnull(plan->data_fh[1].p);
		ck_assert_uint_eq(plan->data_fh[1].len, sizeof other_fh);
		ck_assert(memcmp(plan->data_fh[1].p, other_fh,
		    sizeof other_fh) == 0);
	} else
		ck_assert_ptr_null(plan->data_fh[1].p);
	call_plan_free(plan);
	evbuffer_free(e);
	evbuffer_free(out);
}
END_TEST

/*
 * With tiering, a data op on a file the planner cannot name (the result
 * of an OPEN or a LOOKUP in the same COMPOUND, the source of a COPY after
 * one, a third file) ends the COMPOUND there with NFS4ERR_DELAY: the ops
 * before it go out, it does not. Without tiering the same COMPOUNDs go
 * out whole. The root (a directory), no current handle (the server
 * refuses), one file put several times, LOOKUP then LOOKUPP back to a
 * PUTFH'd handle, and RESTOREFH of one are fine.
 */
enum { U_PUTFH_A = 1, U_PUTFH_B, U_PUTFH_C, U_PUTROOTFH, U_LOOKUP, U_LOOKUPP,
    U_OPEN, U_READ, U_WRITE, U_TRUNC, U_CHMOD, U_SAVEFH, U_RESTOREFH,
    U_COPY, U_SEEK, U_READ_PLUS, U_DEALLOCATE };
static const struct {
	int	 ops[8];
	int	 fail_at;	/* with tiering; -1: goes out whole */
	int	 nfiles;	/* files noted for recall */
} unplaced[] = {
	{ { U_PUTROOTFH, U_LOOKUP, U_READ }, 2, 0 },
	{ { U_PUTROOTFH, U_OPEN, U_READ }, 2, 0 },
	{ { U_PUTROOTFH, U_OPEN, U_WRITE }, 2, 0 },
	{ { U_PUTROOTFH, U_LOOKUP, U_TRUNC }, 2, 0 },
	{ { U_PUTROOTFH, U_LOOKUP, U_CHMOD }, -1, 0 },
	{ { U_PUTFH_A, U_READ, U_PUTFH_B, U_READ, U_PUTFH_C, U_READ }, 5, 2 },
	{ { U_PUTFH_A, U_READ, U_PUTFH_A, U_WRITE, U_PUTFH_A, U_READ }, -1, 1 },
	{ { U_PUTROOTFH, U_READ }, -1, 0 },
	{ { U_READ }, -1, 0 },
	{ { U_PUTROOTFH, U_LOOKUP, U_SAVEFH, U_PUTFH_A, U_COPY }, 4, 0 },
	{ { U_PUTFH_A, U_SAVEFH, U_PUTFH_B, U_COPY }, -1, 2 },
	{ { U_PUTFH_A, U_LOOKUP, U_LOOKUPP, U_READ }, -1, 1 },
	{ { U_PUTFH_A, U_SAVEFH, U_PUTROOTFH, U_LOOKUP, U_RESTOREFH, U_READ },
	    -1, 1 },
	/* NFSv4.2: SEEK and READ_PLUS read the data, DEALLOCATE changes it */
	{ { U_PUTROOTFH, U_LOOKUP, U_SEEK }, 2, 0 },
	{ { U_PUTROOTFH, U_LOOKUP, U_READ_PLUS }, 2, 0 },
	{ { U_PUTROOTFH, U_LOOKUP, U_DEALLOCATE }, 2, 0 },
	{ { U_PUTFH_A, U_SEEK }, -1, 1 },
	{ { U_PUTFH_A, U_READ_PLUS }, -1, 1 },
	{ { U_PUTFH_A, U_DEALLOCATE }, -1, 1 },
	/* only COPY and CLONE read the saved handle */
	{ { U_PUTROOTFH, U_LOOKUP, U_SAVEFH, U_PUTFH_A, U_SEEK }, -1, 1 },
	{ { U_PUTROOTFH, U_LOOKUP, U_SAVEFH, U_PUTFH_A, U_READ_PLUS }, -1, 1 },
	{ { U_PUTROOTFH, U_LOOKUP, U_SAVEFH, U_PUTFH_A, U_DEALLOCATE }, -1, 1 },
};

/* Append op u of the table above to e. */
static void
put_unplaced_op(struct evbuffer *e, int u)
{
	const uint8_t *b = u == U_PUTFH_A ? backend_fh : u == U_PUTFH_B ?
	    other_fh : third_fh;
	uint8_t fh[NFS4_FHSIZE];
	size_t n;
	int i;

	switch (u) {
	case U_PUTFH_A:
	case U_PUTFH_B:
	case U_PUTFH_C:
		ck_assert_int_eq(seal_handle(&keys, scope, b, sizeof backend_fh,
		    fh, &n), 0);
		xdrbuf_put_u32(e, OP_PUTFH);
		xdrbuf_put_opaque(e, fh, n);
		break;
	case U_PUTROOTFH:
		xdrbuf_put_u32(e, OP_PUTROOTFH);
		break;
	case U_LOOKUP:
		xdrbuf_put_u32(e, OP_LOOKUP);
		xdrbuf_put_opaque(e, "f", 1);
		break;
	case U_LOOKUPP:
		xdrbuf_put_u32(e, OP_LOOKUPP);
		break;
	case U_OPEN:
		xdrbuf_put_u32(e, OP_OPEN);
		xdrbuf_put_u32(e, 0);
		xdrbuf_put_u32(e, 3);		/* READ | WRITE */
		xdrbuf_put_u32(e, 0);
		xdrbuf_put_u64(e, 1);
		xdrbuf_put_opaque(e, "o", 1);
		xdrbuf_put_u32(e, 0);		/* NOCREATE */
		xdrbuf_put_u32(e, 0);		/* CLAIM_NULL */
		xdrbuf_put_opaque(e, "f", 1);
		break;
	case U_READ:
		xdrbuf_put_u32(e, OP_READ);
		for (i = 0; i < 4; i++)
			xdrbuf_put_u32(e, 0);
		xdrbuf_put_u64(e, 0);
		xdrbuf_put_u32(e, 4096);
		break;
	case U_WRITE:
		xdrbuf_put_u32(e, OP_WRITE);
		for (i = 0; i < 4; i++)
			xdrbuf_put_u32(e, 0);
		xdrbuf_put_u64(e, 0);
		xdrbuf_put_u32(e, 2);		/* FILE_SYNC4 */
		xdrbuf_put_opaque(e, "data", 4);
		break;
	case U_TRUNC:
	case U_CHMOD:
		xdrbuf_put_u32(e, OP_SETATTR);
		for (i = 0; i < 4; i++)
			xdrbuf_put_u32(e, 0);
		xdrbuf_put_u32(e, 2);
		xdrbuf_put_u32(e, u == U_TRUNC ? 1u << 4 : 0);
		xdrbuf_put_u32(e, u == U_TRUNC ? 0 : 1u << (33 - 32));
		xdrbuf_put_u32(e, u == U_TRUNC ? 8 : 4);
		if (u == U_TRUNC)
			xdrbuf_put_u64(e, 0);
		else
			xdrbuf_put_u32(e, 0644);
		break;
	case U_SAVEFH:
		xdrbuf_put_u32(e, OP_SAVEFH);
		break;
	case U_RESTOREFH:
		xdrbuf_put_u32(e, OP_RESTOREFH);
		break;
	case U_SEEK:
	case U_READ_PLUS:
	case U_DEALLOCATE:
		/* RFC 7862 §15.11, §15.10, §15.4: stateid, offset, then */
		xdrbuf_put_u32(e, u == U_SEEK ? 69 : u == U_READ_PLUS ? 68 : 62);
		for (i = 0; i < 4; i++)
			xdrbuf_put_u32(e, 0);
		xdrbuf_put_u64(e, 0);
		if (u == U_SEEK)
			xdrbuf_put_u32(e, 0);		/* NFS4_CONTENT_DATA */
		else if (u == U_READ_PLUS)
			xdrbuf_put_u32(e, 4096);	/* count */
		else
			xdrbuf_put_u64(e, 4096);	/* length */
		break;
	case U_COPY:
		xdrbuf_put_u32(e, 60);	/* COPY (RFC 7862 §15.2) */
		for (i = 0; i < 8; i++)
			xdrbuf_put_u32(e, 0);	/* two stateids */
		xdrbuf_put_u64(e, 0);
		xdrbuf_put_u64(e, 0);
		xdrbuf_put_u64(e, 4096);
		xdrbuf_put_u32(e, 0);	/* consecutive */
		xdrbuf_put_u32(e, 1);	/* synchronous */
		xdrbuf_put_u32(e, 0);	/* no source servers */
		break;
	}
}

START_TEST(test_data_unplaced)
{
	struct plan_ctx ctx;
	struct call_plan *plan = call_plan_new();
	struct evbuffer *e, *out;
	uint32_t n, i;
	int tiering, want, files;

	for (tiering = 0; tiering <= 1; tiering++) {
		for (n = 0; n < 8 && unplaced[_i].ops[n] != 0; n++)
			;
		/* NFSv4.2 for COPY; the planner needs no SEQUENCE. */
		e = evbuffer_new();
		out = evbuffer_new();
		ck_assert_int_eq(rpc_msg_put_call(e, 1, NFS4_PROGRAM, 4, 1), 0);
		xdrbuf_put_opaque(e, "unit", 4);
		xdrbuf_put_u32(e, 2);
		xdrbuf_put_u32(e, n);
		for (i = 0; i < n; i++)
			put_unplaced_op(e, unplaced[_i].ops[i]);
		ctx_init(&ctx);
		ctx.tiering = tiering;
		want = tiering ? unplaced[_i].fail_at : -1;
		ck_assert_int_eq(plan_it(&ctx, e, plan, out), PLAN_FORWARD);
		ck_assert_int_eq(plan->fail_at, want);
		ck_assert_int_eq(check_it(plan, out), 0);
		if (want >= 0) {
			ck_assert_uint_eq(plan->fail_status, NFS4ERR_DELAY);
			ck_assert_uint_eq(rewalk.nops, (uint32_t)want);
			ck_assert(plan->why[0] != '\0');
		} else
			ck_assert_uint_eq(rewalk.nops, n);
		/* What the gateway checks before the call goes out. */
		files = (plan->data_fh[0].p != NULL) + (plan->data_fh[1].p != NULL);
		if (tiering)
			ck_assert_int_eq(files, unplaced[_i].nfiles);
		if (files == 2)
			ck_assert(plan->data_fh[0].len != plan->data_fh[1].len ||
			    memcmp(plan->data_fh[0].p, plan->data_fh[1].p,
			    plan->data_fh[0].len) != 0);
		evbuffer_free(e);
		evbuffer_free(out);
	}
	call_plan_free(plan);
}
END_TEST

/* A rewritten record that is not the plan is refused, whatever differs. */
START_TEST(test_check_refuses_tampering)
{
	struct plan_ctx ctx;
	struct call_plan *plan = call_plan_new();
	struct evbuffer *e = call_start(2), *out = evbuffer_new(), *bad;
	uint8_t *p;
	size_t len;

	ctx_init(&ctx);
	xdrbuf_put_u32(e, OP_PUTROOTFH);
	xdrbuf_put_u32(e, OP_GETFH);
	ck_assert_int_eq(plan_it(&ctx, e, plan, out), PLAN_FORWARD);
	ck_assert_int_eq(check_it(plan, out), 0);
	len = evbuffer_get_length(out);
	p = evbuffer_pullup(out, -1);
	/* The last opcode turned into another op. */
	bad = evbuffer_new();
	evbuffer_add(bad, p, len);
	xdrbuf_store_u32(evbuffer_pullup(bad, -1) + len - 4, OP_READDIR);
	ck_assert_int_ne(check_it(plan, bad), 0);
	evbuffer_free(bad);
	/* One byte of the root handle changed. */
	bad = evbuffer_new();
	evbuffer_add(bad, p, len);
	evbuffer_pullup(bad, -1)[len - 12] ^= 1;
	ck_assert_int_ne(check_it(plan, bad), 0);
	evbuffer_free(bad);
	/* Bytes appended: not one COMPOUND any more. */
	bad = evbuffer_new();
	evbuffer_add(bad, p, len);
	xdrbuf_put_u32(bad, OP_GETFH);
	ck_assert_int_ne(check_it(plan, bad), 0);
	evbuffer_free(bad);
	call_plan_free(plan);
	evbuffer_free(e);
	evbuffer_free(out);
}
END_TEST

/* The maxcount word the server gets for a READDIR of maxcount mc. */
static uint32_t
readdir_maxcount(uint32_t mc, int want_fh)
{
	struct plan_ctx ctx;
	struct call_plan *plan = call_plan_new();
	struct evbuffer *e = call_start(2), *out = evbuffer_new();
	uint32_t v;

	ctx_init(&ctx);
	xdrbuf_put_u32(e, OP_PUTROOTFH);
	xdrbuf_put_u32(e, OP_READDIR);
	xdrbuf_put_u64(e, 0);
	xdrbuf_put_u64(e, 0);
	xdrbuf_put_u32(e, mc);		/* dircount */
	xdrbuf_put_u32(e, mc);		/* maxcount */
	xdrbuf_put_u32(e, 1);
	xdrbuf_put_u32(e, want_fh ? 1u << 19 | 1u << 20 : 1u << 20);
	ck_assert_int_eq(plan_it(&ctx, e, plan, out), PLAN_FORWARD);
	ck_assert_int_eq(check_it(plan, out), 0);
	/* maxcount is the word before attr_request (2 words) at the end */
	v = xdrbuf_load_u32(evbuffer_pullup(out, -1) +
	    evbuffer_get_length(out) - 12);
	call_plan_free(plan);
	evbuffer_free(e);
	evbuffer_free(out);
	return v;
}

/* RFC 8881 §18.23.3: the server's answer plus the seals fits maxcount. */
START_TEST(test_readdir_maxcount)
{
	static const uint32_t mcs[] = { 56, 100, 2731, 4096, 4097, 32768,
	    1048576 };
	uint32_t grow = (SEAL_OVERHEAD + 3) & ~3u, i, s;

	/* Without FILEHANDLE nothing grows: the client's value. */
	ck_assert_uint_eq(readdir_maxcount(4097, 0), 4097);
	/* Too small for any entry: the client's value (the server decides). */
	ck_assert_uint_eq(readdir_maxcount(16, 1), 16);
	ck_assert_uint_eq(readdir_maxcount(20, 1), 20);
	for (i = 0; i < sizeof mcs / sizeof mcs[0]; i++) {
		s = readdir_maxcount(mcs[i], 1);
		ck_assert_uint_eq(s % 4, 0);
		ck_assert_uint_ge(s, 16);
		/* the most entries the server can fit, each growing */
		ck_assert_uint_le(s + grow * ((s - 16) / 40), mcs[i]);
		/* and not needlessly small: one more word would not fit */
		ck_assert_uint_gt(s + 4 + grow * ((s + 4 - 16) / 40) + grow,
		    mcs[i]);
	}
}
END_TEST

/* OPEN with share deny WRITE: passed on, or NOTSUPP when told to refuse. */
START_TEST(test_share_deny)
{
	struct plan_ctx ctx;
	struct call_plan *plan = call_plan_new();
	struct evbuffer *e;
	int refuse;

	for (refuse = 0; refuse <= 1; refuse++) {
		ctx_init(&ctx);
		ctx.share_deny_refuse = refuse;
		e = call_start(2);
		xdrbuf_put_u32(e, OP_PUTROOTFH);
		xdrbuf_put_u32(e, OP_OPEN);
		xdrbuf_put_u32(e, 0);
		xdrbuf_put_u32(e, 1);		/* READ */
		xdrbuf_put_u32(e, 2);		/* deny WRITE */
		xdrbuf_put_u64(e, 1);
		xdrbuf_put_opaque(e, "o", 1);
		xdrbuf_put_u32(e, 0);		/* NOCREATE */
		xdrbuf_put_u32(e, 0);		/* CLAIM_NULL */
		xdrbuf_put_opaque(e, "f", 1);
		ck_assert_int_eq(plan_it(&ctx, e, plan, NULL), PLAN_FORWARD);
		if (refuse) {
			ck_assert_int_eq(plan->fail_at, 1);
			ck_assert_uint_eq(plan->fail_status, NFS4ERR_NOTSUPP);
		} else
			ck_assert_int_eq(plan->fail_at, -1);
		evbuffer_free(e);
	}
	call_plan_free(plan);
}
END_TEST

/* A full edit list refuses the record; nothing ends the process. */
START_TEST(test_edits_overflow)
{
	struct rpc_edits ed = { 0 };
	struct evbuffer *rec = evbuffer_new(), *out = evbuffer_new();
	uint8_t *p;

	rpc_edits_reset(&ed, 1, 8);
	evbuffer_add(rec, "abcdefgh", 8);
	p = rpc_edits_alloc(&ed, 4);
	memcpy(p, "WXYZ", 4);
	rpc_edits_add(&ed, 0, 4, p, 4);
	ck_assert_int_eq(ed.overflow, 0);
	rpc_edits_add(&ed, 4, 4, p, 4);		/* a second edit: no room */
	ck_assert_int_eq(ed.overflow, 1);
	p = rpc_edits_alloc(&ed, 64);		/* no room in the arena */
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(ed.overflow, 1);
	free(ed.v);
	free(ed.arena);
	evbuffer_free(rec);
	evbuffer_free(out);
}
END_TEST

/* An expired identity (grants 0) gets ACCESS at the first op. */
START_TEST(test_no_grants)
{
	struct plan_ctx ctx;
	struct call_plan *plan = call_plan_new();
	struct evbuffer *e = call_start(2);

	ctx_init(&ctx);
	ctx.grants = 0;
	xdrbuf_put_u32(e, OP_PUTROOTFH);
	xdrbuf_put_u32(e, OP_GETFH);
	ck_assert_int_eq(plan_it(&ctx, e, plan, NULL), PLAN_ANSWER);
	ck_assert_uint_eq(plan->status, NFS4ERR_ACCESS);
	call_plan_free(plan);
	evbuffer_free(e);
}
END_TEST

/* A COMPOUND of PUTFH (sealed backend_fh, or PUTROOTFH) and more ops. */
static struct evbuffer *
confined_call(int from_root, const uint32_t *ops, uint32_t nops)
{
	struct evbuffer *e = call_start(nops + 1);
	uint8_t fh[NFS4_FHSIZE];
	size_t n = sealed_fh(fh);
	uint32_t i;

	/* minorversion 1: SECINFO_NO_NAME is an NFSv4.1 op. */
	xdrbuf_store_u32(evbuffer_pullup(e, -1) + evbuffer_get_length(e) - 8, 1);
	if (from_root)
		xdrbuf_put_u32(e, OP_PUTROOTFH);
	else {
		xdrbuf_put_u32(e, OP_PUTFH);
		xdrbuf_put_opaque(e, fh, n);
	}
	for (i = 0; i < nops; i++) {
		xdrbuf_put_u32(e, ops[i]);
		if (ops[i] == OP_LOOKUP)
			xdrbuf_put_opaque(e, "n", 1);
		else if (ops[i] == OP_SECINFO_NO_NAME)
			xdrbuf_put_u32(e, 1);		/* SECINFO_STYLE4_PARENT */
	}
	return e;
}

/*
 * LOOKUPP on an access point connection (confinement is a subtree): from
 * a handle the client put, a proof is asked for first; with it, the
 * LOOKUPP is followed by VERIFY {FILEHANDLE == proven parent}, and the
 * re-walk accepts that handle; successive LOOKUPPs climb the same proof
 * and stop at the root; no proof, or one of another handle, is NOENT;
 * PUTFH Y; LOOKUP; LOOKUPP verifies Y without a proof; a parent the
 * planner cannot name is NOENT; SECINFO_NO_NAME of the parent at the
 * root is NOENT, confined or not.
 */
START_TEST(test_lookupp_confined)
{
	static const uint32_t up1[] = { OP_LOOKUPP, OP_GETFH },
	    up3[] = { OP_LOOKUPP, OP_LOOKUPP, OP_LOOKUPP },
	    child[] = { OP_LOOKUP, OP_LOOKUPP, OP_GETFH },
	    two[] = { OP_LOOKUP, OP_LOOKUP, OP_LOOKUPP },
	    sni[] = { OP_SECINFO_NO_NAME };
	static const uint8_t parent_fh[] = "the-parent-handle";
	struct ancestry_chain *pr = ancestry_unproven(backend_fh,
	    sizeof backend_fh, "unit");
	struct plan_ctx ctx;
	struct call_plan *plan = call_plan_new();
	struct evbuffer *e, *out = evbuffer_new();

	ctx_init(&ctx);
	ctx.confined = 1;
	e = confined_call(0, up1, 2);
	ck_assert_int_eq(plan_it(&ctx, e, plan, NULL), PLAN_NEEDS_PROOF);
	ck_assert_uint_eq(plan->provelen, sizeof backend_fh);
	ck_assert(memcmp(plan->prove, backend_fh, sizeof backend_fh) == 0);
	evbuffer_free(e);

	/* Not proven: NOENT at the LOOKUPP. */
	ctx.proof = pr;
	e = confined_call(0, up1, 2);
	ck_assert_int_eq(plan_it(&ctx, e, plan, NULL), PLAN_FORWARD);
	ck_assert_int_eq(plan->fail_at, 1);
	ck_assert_uint_eq(plan->fail_status, NFS4ERR_NOENT);
	evbuffer_free(e);

	/* Proven: parent, then the root. */
	pr->proven = 1;
	pr->nanc = 2;
	memcpy(pr->anc[0].fh, parent_fh, sizeof parent_fh);
	pr->anc[0].len = sizeof parent_fh;
	memcpy(pr->anc[1].fh, root_fh, sizeof root_fh);
	pr->anc[1].len = sizeof root_fh;
	e = confined_call(0, up1, 2);
	ck_assert_int_eq(plan_it(&ctx, e, plan, out), PLAN_FORWARD);
	ck_assert_int_eq(plan->fail_at, -1);
	ck_assert_int_eq(check_it(plan, out), 0);
	ck_assert_uint_eq(rewalk.nops, 4);
	ck_assert_uint_eq(rewalk.ops[1].opcode, OP_LOOKUPP);
	ck_assert_uint_eq(rewalk.ops[2].opcode, OP_VERIFY);
	ck_assert(BIT_ISSET(plan->postguard, 2));
	ck_assert_uint_eq(plan->nfh, 2);
	ck_assert_uint_eq(plan->fh[1].len, sizeof parent_fh);
	ck_assert(memcmp(plan->fh[1].p, parent_fh, sizeof parent_fh) == 0);
	evbuffer_free(e);
	evbuffer_drain(out, evbuffer_get_length(out));
	e = confined_call(0, up3, 3);
	ck_assert_int_eq(plan_it(&ctx, e, plan, out), PLAN_FORWARD);
	ck_assert_int_eq(plan->fail_at, 3);	/* above the root */
	ck_assert_uint_eq(plan->fail_status, NFS4ERR_NOENT);
	ck_assert_int_eq(check_it(plan, out), 0);
	ck_assert_uint_eq(plan->nfwd, 5);	/* PUTFH, (LOOKUPP, VERIFY) x 2 */
	ck_assert_uint_eq(plan->fh[2].len, sizeof root_fh);
	evbuffer_free(e);
	evbuffer_drain(out, evbuffer_get_length(out));

	/* A proof of another handle proves nothing here. */
	pr->fh[0] ^= 1;
	e = confined_call(0, up1, 2);
	ck_assert_int_eq(plan_it(&ctx, e, plan, NULL), PLAN_FORWARD);
	ck_assert_int_eq(plan->fail_at, 1);
	evbuffer_free(e);

	/* The parent of PUTFH Y; LOOKUP n is Y: no proof. */
	ctx.proof = NULL;
	e = confined_call(0, child, 3);
	ck_assert_int_eq(plan_it(&ctx, e, plan, out), PLAN_FORWARD);
	ck_assert_int_eq(plan->fail_at, -1);
	ck_assert_int_eq(check_it(plan, out), 0);
	ck_assert_uint_eq(rewalk.ops[3].opcode, OP_VERIFY);
	ck_assert_uint_eq(plan->fh[1].len, sizeof backend_fh);
	evbuffer_free(e);
	evbuffer_drain(out, evbuffer_get_length(out));
	e = confined_call(1, two, 3);
	ck_assert_int_eq(plan_it(&ctx, e, plan, NULL), PLAN_FORWARD);
	ck_assert_int_eq(plan->fail_at, 3);
	ck_assert_uint_eq(plan->fail_status, NFS4ERR_NOENT);
	evbuffer_free(e);

	/* SECINFO_NO_NAME of the root's parent. */
	e = confined_call(1, sni, 1);
	ck_assert_int_eq(plan_it(&ctx, e, plan, NULL), PLAN_FORWARD);
	ck_assert_int_eq(plan->fail_at, 1);
	ck_assert_uint_eq(plan->fail_opcode, OP_SECINFO_NO_NAME);
	ck_assert_uint_eq(plan->fail_status, NFS4ERR_NOENT);
	evbuffer_free(e);
	ctx.confined = 0;
	e = confined_call(1, sni, 1);
	ck_assert_int_eq(plan_it(&ctx, e, plan, NULL), PLAN_FORWARD);
	ck_assert_int_eq(plan->fail_at, 1);
	evbuffer_free(e);
	e = confined_call(0, sni, 1);
	ck_assert_int_eq(plan_it(&ctx, e, plan, out), PLAN_FORWARD);
	ck_assert_int_eq(plan->fail_at, -1);
	ck_assert(BIT_ISSET(plan->guard, 1) && BIT_ISSET(plan->guard_sni, 1));
	ck_assert_int_eq(check_it(plan, out), 0);
	evbuffer_free(e);

	free(pr);
	call_plan_free(plan);
	evbuffer_free(out);
}
END_TEST

static Suite *
plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("plan");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_fh_attr_every_op, 0, 5);
	tcase_add_loop_test(tc, test_data_fh, 0, D_NVEC);
	tcase_add_loop_test(tc, test_data_unplaced, 0, nitems(unplaced));
	tcase_add_test(tc, test_check_refuses_tampering);
	tcase_add_test(tc, test_readdir_maxcount);
	tcase_add_test(tc, test_share_deny);
	tcase_add_test(tc, test_edits_overflow);
	tcase_add_test(tc, test_no_grants);
	tcase_add_test(tc, test_lookupp_confined);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(plan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
