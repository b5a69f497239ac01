/*
 * efsgw - the server executes exactly the COMPOUND the gateway checked.
 *
 * After the planner's edits are applied, the record that is about to go
 * to the server is walked again, from its RPC header on, as the server
 * would read it, and compared with the plan: one RPC call whose
 * credential is the one the plan built; one COMPOUND that decodes whole,
 * with no byte after its last op; as many ops as the plan forwards, with
 * the planned opcodes in order; and every file handle in it, wherever it
 * lies (an argument, an attribute list), one the plan put there, byte for
 * byte, in order. An edit that changed a length inside a counted
 * structure without fixing the count (the server would read the rest as
 * other ops), a handle the planner missed, or an op that appeared from
 * inside a name all fail here, whatever the cause. The caller refuses the
 * call then (SERVERFAULT), logs it and counts it.
 *
 * The same holds for replies the gateway edits: call_reply_check walks
 * the rewritten reply and checks that every handle in it sits where the
 * rewrite put a sealed one.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "proxy.h"

/* Compare the record's credential with the planned one. */
static int
check_cred(const struct call_plan *plan, const struct xdrbuf *b,
    const struct rpc_msg *m)
{
	uint8_t buf[8 + RPC_AUTH_MAX_BYTES];
	size_t n = m->cred_end - m->cred_off;

	if (n != plan->credlen || n > sizeof buf ||
	    xdrbuf_copy_at(b, m->cred_off, buf, n) != 0)
		return -1;
	return memcmp(buf, plan->cred, n) == 0 ? 0 : -1;
}

/* Compare one walked handle with the plan's k-th. */
static int
check_fh(const struct call_plan *plan, const struct xdrbuf *b,
    const struct nfs4_mark *mk, uint32_t k)
{
	uint8_t fh[NFS4_FHSIZE];

	if (k >= plan->nfh || mk->len != plan->fh[k].len ||
	    mk->len > sizeof fh || xdrbuf_copy_at(b, mk->off, fh, mk->len) != 0)
		return -1;
	return memcmp(fh, plan->fh[k].p, mk->len) == 0 ? 0 : -1;
}

/* Re-walk the planned call and compare it with the plan. */
int
call_plan_check(const struct call_plan *plan, struct xdrbuf *b,
    struct nfs4_compound *cmp, const char **why)
{
	struct rpc_msg m;
	uint32_t i, k = 0;
	int r;

	*why = NULL;
	if ((r = rpc_msg_parse(b, &m)) != 0) {
		*why = "the rewritten call header does not parse";
		return r;
	}
	if (m.type != RPC_CALL || m.prog != NFS4_PROGRAM ||
	    m.proc != NFSPROC4_COMPOUND || m.cred_flavor != AUTH_SYS) {
		*why = "the rewritten call is not an AUTH_SYS COMPOUND";
		return EFSGW_ERR_MISMATCH;
	}
	if (check_cred(plan, b, &m) != 0) {
		*why = "the credential is not the planned one";
		return EFSGW_ERR_MISMATCH;
	}
	if ((r = nfs4_walk_forwarded_args(b, cmp)) != 0) {
		*why = "the rewritten COMPOUND does not walk";
		return r;
	}
	if (cmp->minorversion != plan->minor || cmp->nops != plan->nfwd ||
	    plan->nfwd > PLAN_MAX_FWD_OPS) {
		*why = "the rewritten COMPOUND has another op count";
		return EFSGW_ERR_MISMATCH;
	}
	for (i = 0; i < cmp->nops; i++) {
		if (cmp->ops[i].opcode != plan->fwd_ops[i]) {
			*why = "an op of the rewritten COMPOUND is not the planned one";
			return EFSGW_ERR_MISMATCH;
		}
	}
	for (i = 0; i < cmp->nmarks; i++) {
		if (cmp->marks[i].kind != NFS4_MARK_FH)
			continue;
		if (check_fh(plan, b, &cmp->marks[i], k++) != 0) {
			*why = "a handle of the rewritten COMPOUND is not one the "
			    "plan put there";
			return EFSGW_ERR_MISMATCH;
		}
	}
	if (k != plan->nfh) {
		*why = "a planned handle is missing from the rewritten COMPOUND";
		return EFSGW_ERR_MISMATCH;
	}
	return 0;
}

/*
 * Re-walk a rewritten reply (or server callback, cb) and check that it is
 * one well-formed COMPOUND4res of count results and that its handles are
 * exactly the nfh sealed ones the rewrite placed at fh_off[] (offsets in
 * the record, past the mark), in order.
 */
int
call_reply_check(struct xdrbuf *b, uint32_t minor, int cb, uint32_t count,
    const uint32_t *fh_off, uint32_t nfh, struct nfs4_compound *cmp,
    const char **why)
{
	struct rpc_msg m;
	uint32_t i, k = 0;
	int r;

	*why = NULL;
	if ((r = rpc_msg_parse(b, &m)) != 0) {
		*why = "the rewritten header does not parse";
		return r;
	}
	if (cb)
		r = nfs4_walk_cb_compound_args(b, cmp);
	else
		r = nfs4_walk_compound_res(b, minor, cmp);
	if (r != 0) {
		*why = "the rewritten COMPOUND does not walk";
		return r;
	}
	if (cmp->nops != count) {
		*why = "the rewritten COMPOUND has another op count";
		return EFSGW_ERR_MISMATCH;
	}
	for (i = 0; i < cmp->nmarks; i++) {
		if (cmp->marks[i].kind != NFS4_MARK_FH)
			continue;
		if (k >= nfh || cmp->marks[i].off != fh_off[k]) {
			*why = "a handle of the rewritten reply is not one the "
			    "gateway sealed";
			return EFSGW_ERR_MISMATCH;
		}
		k++;
	}
	if (k != nfh) {
		*why = "a sealed handle is missing from the rewritten reply";
		return EFSGW_ERR_MISMATCH;
	}
	return 0;
}
