/*
 * efsgw - evaluating a compiled file-system policy for one request, and
 * the whole EFS decision around it (the EFS User Guide on IAM for NFS clients; IAM "Policy evaluation
 * logic"): an explicit Deny in the policy wins; otherwise an Allow in the
 * policy or in the caller's identity grants allows; otherwise the request
 * is denied implicitly. No policy is EFS's default, which allows all.
 * Nothing here allocates: a decision runs on every mount and every write.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "common.h"
#include "policy-int.h"

/* Whether the caller is one of the statement's principals. */
static int
eval_principal(const struct policy_statement *st, const struct policy_ctx *ctx)
{
	unsigned i;

	if (st->principal_any)
		return 1;
	/* Anonymous callers match only "*" (EFS User Guide: IAM for NFS clients). */
	if (ctx->anonymous)
		return 0;
	for (i = 0; i < st->nprincipals; i++)
		if (policy_match_principal(&st->principals[i],
		    ctx->req->principal_arn))
			return 1;
	return 0;
}

/* Whether the statement's Action (or NotAction) covers the action. */
static int
eval_action(const struct policy_statement *st, enum policy_action_bit bit,
    const char *action)
{
	unsigned i;
	int hit = 0;

	if (bit != POLICY_ACT_OTHER)
		hit = (st->action_mask >> bit) & 1;
	else {
		for (i = 0; i < st->nactions && !hit; i++)
			hit = policy_match_glob(&st->actions[i], action);
	}
	return st->not_action ? !hit : hit;
}

/* Whether the statement's Resource (or NotResource) covers the resource. */
static int
eval_resource(const struct policy_statement *st, const char *arn)
{
	unsigned i;
	int hit = 0;

	if (st->nresources == 0)
		return 1;
	for (i = 0; i < st->nresources && !hit; i++)
		hit = policy_match_glob(&st->resources[i], arn);
	return st->not_resource ? !hit : hit;
}

/* The next statement whose Resource never covers arn. */
const char *
policy_resource_miss(const struct policy *p, const char *arn, unsigned *i,
    const char **sid)
{
	const struct policy_statement *st;

	if (p == NULL)
		return NULL;
	for (; *i < p->nstatements; (*i)++) {
		st = &p->statements[*i];
		if (st->nresources == 0 || st->not_resource ||
		    eval_resource(st, arn))
			continue;
		*sid = st->sid;
		return st->resources[0].pat;
	}
	return NULL;
}

/* Fill a decision. */
static void
eval_set(struct policy_decision *d, enum policy_effect e, int index,
    const char *sid)
{
	size_t n = sid != NULL ? strlen(sid) : 0;

	d->effect = e;
	d->statement = index;
	if (n >= sizeof d->sid)
		n = sizeof d->sid - 1;
	if (n > 0)
		memcpy(d->sid, sid, n);
	d->sid[n] = '\0';
}

/* Evaluate the policy alone. */
void
policy_evaluate(const struct policy *p, const struct policy_request *req,
    struct policy_decision *d)
{
	const struct policy_statement *st;
	struct policy_ctx ctx;
	enum policy_action_bit bit;
	const char *action = req->action != NULL ? req->action : "";
	const char *resource = req->resource_arn != NULL ? req->resource_arn : "";
	int allow = -1;
	unsigned i;

	eval_set(d, POLICY_IMPLICIT_DENY, -1, NULL);
	if (p == NULL)
		return;
	memset(&ctx, 0, sizeof ctx);
	ctx.req = req;
	ctx.anonymous = req->principal_arn == NULL || *req->principal_arn == '\0';
	bit = policy_match_action_bit(action);
	for (i = 0; i < p->nstatements; i++) {
		st = &p->statements[i];
		/* Once an Allow is found only a Deny can change the answer. */
		if (allow != -1 && !st->deny)
			continue;
		if (!eval_action(st, bit, action) ||
		    !eval_principal(st, &ctx) ||
		    !eval_resource(st, resource) ||
		    !policy_cond_match(st, &ctx))
			continue;
		if (st->deny) {
			eval_set(d, POLICY_DENY, (int)i, st->sid);
			return;
		}
		allow = (int)i;
	}
	if (allow != -1)
		eval_set(d, POLICY_ALLOW, allow, p->statements[allow].sid);
}

/* The whole EFS decision. */
void
policy_decide(const struct policy *p, const struct policy_request *req,
    int identity_allows, struct policy_decision *d)
{
	if (p == NULL) {
		eval_set(d, POLICY_ALLOW, -1, NULL);
		return;
	}
	policy_evaluate(p, req, d);
	if (d->effect == POLICY_IMPLICIT_DENY && identity_allows)
		eval_set(d, POLICY_ALLOW, -1, NULL);
}

/* Name an effect for people. */
const char *
policy_effect_name(enum policy_effect e)
{
	switch (e) {
	case POLICY_ALLOW:
		return "ALLOW";
	case POLICY_DENY:
		return "DENY";
	default:
		return "IMPLICIT DENY";
	}
}
