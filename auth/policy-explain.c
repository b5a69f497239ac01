/*
 * efsgw - a plain-language account of a compiled policy, statement by
 * statement, for `efsgwctl policy check`. It reads the compiled form, so
 * it shows what efsgw will enforce (which client actions a pattern covers,
 * what an absent key does) rather than echoing the JSON back.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "policy-int.h"

static const char *const explain_actions[POLICY_ACT_COUNT] = {
	[POLICY_ACT_MOUNT] = "ClientMount",
	[POLICY_ACT_WRITE] = "ClientWrite",
	[POLICY_ACT_ROOT] = "ClientRootAccess",
};

/* Print the principals of st. */
static void
explain_principals(const struct policy_statement *st, FILE *f)
{
	const struct policy_principal *pr;
	unsigned i;

	if (st->principal_any) {
		fprintf(f, "  who:        anyone, anonymous clients included\n");
		return;
	}
	for (i = 0; i < st->nprincipals; i++) {
		pr = &st->principals[i];
		fprintf(f, "  %s", i == 0 ? "who:        " : "            ");
		switch (pr->kind) {
		case POLICY_PRINCIPAL_ACCOUNT:
			fprintf(f, "any principal of account %s", pr->account);
			break;
		case POLICY_PRINCIPAL_ROLE:
			fprintf(f, "%s and its assumed-role sessions", pr->arn);
			break;
		default:
			fprintf(f, "%s", pr->arn);
			break;
		}
		fprintf(f, "%s\n", i + 1 < st->nprincipals ? "," : "");
	}
	fprintf(f, "              (never anonymous clients)\n");
}

/* Print the actions of st and the client actions they cover. */
static void
explain_actions_of(const struct policy_statement *st, FILE *f)
{
	unsigned i, b, n = 0;
	unsigned mask = st->action_mask;

	fprintf(f, "  actions:    %s", st->not_action ? "every action except " : "");
	for (i = 0; i < st->nactions; i++)
		fprintf(f, "%s%s", i ? ", " : "", st->actions[i].pat);
	if (st->not_action)
		mask = ~mask & ((1u << POLICY_ACT_COUNT) - 1);
	fprintf(f, "\n              NFS client actions covered: ");
	for (b = 0; b < POLICY_ACT_COUNT; b++)
		if (mask & (1u << b))
			fprintf(f, "%s%s", n++ ? ", " : "", explain_actions[b]);
	fprintf(f, "%s\n", n == 0 ? "none (this statement never applies to "
	    "NFS clients)" : "");
}

/* Print the resources of st. */
static void
explain_resources(const struct policy_statement *st, FILE *f)
{
	unsigned i;

	if (st->nresources == 0) {
		fprintf(f, "  resources:  this file system (no Resource element)\n");
		return;
	}
	fprintf(f, "  resources:  %s", st->not_resource ? "anything except " : "");
	for (i = 0; i < st->nresources; i++)
		fprintf(f, "%s%s", i ? ", " : "",
		    st->resources[i].kind == POLICY_GLOB_ANY ? "* (any)" :
		    st->resources[i].pat);
	fprintf(f, "\n");
}

/* Print one condition as a sentence. */
static void
explain_cond(const struct policy_cond *c, FILE *f)
{
	const char *verb, *key = policy_cond_key_name((enum policy_cond_key)c->key);
	int negated = 0, can_be_absent;
	unsigned i;

	can_be_absent = c->key != POLICY_KEY_SECURE_TRANSPORT &&
	    c->key != POLICY_KEY_VIA_MOUNT_TARGET;
	fprintf(f, "              - %s ", key);
	switch (c->op) {
	case POLICY_COND_NULL:
		for (i = 0; i < c->nvalues; i++)
			fprintf(f, "%s%s", i ? " or " : "",
			    c->values[i].truth ? "is absent" : "is present");
		fprintf(f, " [%s]\n", c->op_name);
		return;
	case POLICY_COND_BOOL:
		verb = "is";
		break;
	case POLICY_COND_STR_EQ:
	case POLICY_COND_ARN_EQ:
		verb = "equals";
		break;
	case POLICY_COND_STR_EQ_IC:
		verb = "equals (ignoring case)";
		break;
	case POLICY_COND_STR_NE:
	case POLICY_COND_ARN_NE:
		verb = "equals none of";
		negated = 1;
		break;
	case POLICY_COND_STR_NE_IC:
		verb = "equals (ignoring case) none of";
		negated = 1;
		break;
	case POLICY_COND_STR_LIKE:
	case POLICY_COND_ARN_LIKE:
		verb = "matches";
		break;
	case POLICY_COND_STR_NOT_LIKE:
	case POLICY_COND_ARN_NOT_LIKE:
		verb = "matches none of";
		negated = 1;
		break;
	case POLICY_COND_IP:
		verb = "is in";
		break;
	default:
		verb = "is in none of";
		negated = 1;
		break;
	}
	fprintf(f, "%s ", verb);
	for (i = 0; i < c->nvalues; i++)
		fprintf(f, "%s%s%s%s", i ? (negated ? ", " : " or ") : "",
		    c->op == POLICY_COND_BOOL ? "" : "\"", c->values[i].glob.pat,
		    c->op == POLICY_COND_BOOL ? "" : "\"");
	fprintf(f, " [%s]", c->op_name);
	if (c->if_exists && can_be_absent)
		fprintf(f, "; holds when the key is absent");
	else if (negated && can_be_absent)
		fprintf(f, "; also holds when the key is absent");
	else if (can_be_absent)
		fprintf(f, "; fails when the key is absent");
	if (c->key == POLICY_KEY_PRINCIPAL_ARN && can_be_absent)
		fprintf(f, " (anonymous clients)");
	fprintf(f, "\n");
}

/* Print every statement of p in plain words. */
void
policy_explain(const struct policy *p, FILE *f)
{
	const struct policy_statement *st;
	unsigned i, j;

	fprintf(f, "Version %s%s%s%s, %u statement%s\n", p->version,
	    p->id != NULL ? ", Id \"" : "", p->id != NULL ? p->id : "",
	    p->id != NULL ? "\"" : "", p->nstatements,
	    p->nstatements == 1 ? "" : "s");
	for (i = 0; i < p->nstatements; i++) {
		st = &p->statements[i];
		fprintf(f, "\nStatement %u", i);
		if (*st->sid != '\0')
			fprintf(f, " (Sid \"%s\")", st->sid);
		fprintf(f, ": %s\n", st->deny ? "DENY" : "ALLOW");
		explain_principals(st, f);
		explain_actions_of(st, f);
		explain_resources(st, f);
		if (st->nconds == 0)
			fprintf(f, "  when:       always\n");
		else {
			fprintf(f, "  when:       all of\n");
			for (j = 0; j < st->nconds; j++)
				explain_cond(&st->conds[j], f);
		}
	}
	fprintf(f, "\nEvaluation: any matching DENY wins; else a matching ALLOW "
	    "or the client's own\nidentity grants allow; else the request is "
	    "denied.\n");
}
