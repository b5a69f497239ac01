/*
 * efsgw - the Condition element of a policy statement: its operators
 * (String*, Arn*, Bool, IpAddress, NotIpAddress, Null, each but Null also
 * with IfExists), the condition keys an NFS request carries, and the IAM
 * rules that combine them: every (operator, key) pair must hold; a pair
 * holds when any of its values matches, or for a negated operator when
 * none does; an absent key fails a positive operator, passes a negated one,
 * and passes any ...IfExists operator (IAM "Condition operators").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "common.h"
#include "policy-int.h"

/* The kinds of value a condition key holds, as a bit mask of operators' needs. */
#define KT_BOOL		0x01
#define KT_ARN		0x02
#define KT_IP		0x04
#define KT_ALL		(KT_BOOL | KT_ARN | KT_IP)

static const struct cond_key_def {
	const char	*name;
	enum policy_cond_key key;
	unsigned	 type;
} cond_keys[] = {
	{ "aws:SecureTransport", POLICY_KEY_SECURE_TRANSPORT, KT_BOOL },
	{ "aws:PrincipalArn", POLICY_KEY_PRINCIPAL_ARN, KT_ARN },
	{ "aws:SourceIp", POLICY_KEY_SOURCE_IP, KT_IP },
	{ "elasticfilesystem:AccessedViaMountTarget",
	    POLICY_KEY_VIA_MOUNT_TARGET, KT_BOOL },
	{ "elasticfilesystem:AccessPointArn", POLICY_KEY_ACCESS_POINT_ARN, KT_ARN },
};

static const struct cond_op_def {
	const char	*name;
	enum policy_cond_op op;
	unsigned	 types;		/* key types it applies to */
	uint8_t		 negated;	/* "not any value matches" */
	uint8_t		 wildcards;	/* '*' and '?' are special in values */
	uint8_t		 icase;
} cond_ops[] = {
	{ "StringEquals", POLICY_COND_STR_EQ, KT_BOOL | KT_ARN, 0, 0, 0 },
	{ "StringNotEquals", POLICY_COND_STR_NE, KT_BOOL | KT_ARN, 1, 0, 0 },
	{ "StringEqualsIgnoreCase", POLICY_COND_STR_EQ_IC, KT_BOOL | KT_ARN, 0, 0, 1 },
	{ "StringNotEqualsIgnoreCase", POLICY_COND_STR_NE_IC, KT_BOOL | KT_ARN, 1, 0, 1 },
	{ "StringLike", POLICY_COND_STR_LIKE, KT_BOOL | KT_ARN, 0, 1, 0 },
	{ "StringNotLike", POLICY_COND_STR_NOT_LIKE, KT_BOOL | KT_ARN, 1, 1, 0 },
	{ "ArnEquals", POLICY_COND_ARN_EQ, KT_ARN, 0, 1, 0 },
	{ "ArnLike", POLICY_COND_ARN_LIKE, KT_ARN, 0, 1, 0 },
	{ "ArnNotEquals", POLICY_COND_ARN_NE, KT_ARN, 1, 1, 0 },
	{ "ArnNotLike", POLICY_COND_ARN_NOT_LIKE, KT_ARN, 1, 1, 0 },
	{ "Bool", POLICY_COND_BOOL, KT_BOOL, 0, 0, 0 },
	{ "IpAddress", POLICY_COND_IP, KT_IP, 0, 0, 0 },
	{ "NotIpAddress", POLICY_COND_NOT_IP, KT_IP, 1, 0, 0 },
	{ "Null", POLICY_COND_NULL, KT_ALL, 0, 0, 0 },
};

#define IFEXISTS	"IfExists"
#define IFEXISTS_LEN	(sizeof IFEXISTS - 1)

/* Return the canonical name of key k. */
const char *
policy_cond_key_name(enum policy_cond_key k)
{
	unsigned i;

	for (i = 0; i < nitems(cond_keys); i++)
		if (cond_keys[i].key == k)
			return cond_keys[i].name;
	return "?";
}

/* Find operator name (without IfExists, n bytes), case-insensitively. */
static const struct cond_op_def *
cond_find_op(const char *name, size_t n)
{
	unsigned i;

	for (i = 0; i < nitems(cond_ops); i++)
		if (strlen(cond_ops[i].name) == n &&
		    strncasecmp(cond_ops[i].name, name, n) == 0)
			return &cond_ops[i];
	return NULL;
}

/* Find a condition key; IAM key names are case-insensitive. */
static const struct cond_key_def *
cond_find_key(const char *name)
{
	unsigned i;

	for (i = 0; i < nitems(cond_keys); i++)
		if (strcasecmp(cond_keys[i].name, name) == 0)
			return &cond_keys[i];
	return NULL;
}

/* Parse "true"/"false" (IAM accepts any case) into *truth. */
static int
cond_truth(const char *s, int *truth)
{
	if (strcasecmp(s, "true") == 0)
		*truth = 1;
	else if (strcasecmp(s, "false") == 0)
		*truth = 0;
	else
		return EFSGW_ERR_BAD_VALUE;
	return 0;
}

/*
 * Compile one condition value. IAM takes a JSON boolean or number where it
 * expects a string and compares its text, so those are accepted too.
 */
static int
cond_compile_value(struct policy *p, const struct cond_op_def *def,
    const struct cond_key_def *kdef, json_t *j, int variables,
    struct policy_cval *v, char **msg)
{
	char num[32];
	const char *s;
	char *copy;

	if (json_is_string(j))
		s = json_string_value(j);
	else if (json_is_true(j))
		s = "true";
	else if (json_is_false(j))
		s = "false";
	else if (json_is_integer(j)) {
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(j));
		s = num;
	} else
		return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "%s: %s: a value "
		    "must be a string (or a list of strings)", def->name,
		    kdef->name);
	if (variables && strstr(s, "${") != NULL)
		return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "%s: %s: value "
		    "'%s' uses a policy variable; efsgw does not expand "
		    "${...} variables", def->name, kdef->name, s);
	if ((copy = policy_strndup(p, s, strlen(s))) == NULL)
		return EFSGW_ERR_NOMEM;
	policy_match_glob_compile(&v->glob, copy, def->icase, def->wildcards);
	switch (def->op) {
	case POLICY_COND_BOOL:
	case POLICY_COND_NULL:
		if (cond_truth(s, &v->truth) != 0)
			return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "%s: %s: "
			    "value '%s' must be \"true\" or \"false\"",
			    def->name, kdef->name, s);
		break;
	case POLICY_COND_IP:
	case POLICY_COND_NOT_IP:
		if (policy_match_cidr_parse(s, &v->cidr) != 0)
			return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "%s: %s: "
			    "'%s' is not an IPv4 or IPv6 address or CIDR range",
			    def->name, kdef->name, s);
		break;
	default:
		break;
	}
	return 0;
}

/* Compile the keys of one operator into st->conds (grown by the caller). */
static int
cond_compile_op(struct policy *p, struct policy_statement *st,
    const char *opname, json_t *keys, int variables, char **msg)
{
	const struct cond_op_def *def;
	const struct cond_key_def *kdef;
	struct policy_cond *c;
	const char *kname;
	json_t *val, *one;
	size_t n = strlen(opname), i, nvals;
	int if_exists = 0, r;

	if (strchr(opname, ':') != NULL) {
		if (strncasecmp(opname, "ForAnyValue:", 12) == 0 ||
		    strncasecmp(opname, "ForAllValues:", 13) == 0)
			return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "condition "
			    "operator '%s': the ForAnyValue:/ForAllValues: set "
			    "qualifiers are not supported (no condition key of "
			    "an NFS request holds several values)", opname);
		return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "unknown condition "
		    "operator '%s'", opname);
	}
	if (n > IFEXISTS_LEN &&
	    strcasecmp(opname + n - IFEXISTS_LEN, IFEXISTS) == 0) {
		if_exists = 1;
		n -= IFEXISTS_LEN;
	}
	if ((def = cond_find_op(opname, n)) == NULL)
		return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "unknown condition "
		    "operator '%s' (efsgw supports String*, Arn*, Bool, "
		    "IpAddress, NotIpAddress, Null and their IfExists forms)",
		    opname);
	if (if_exists && def->op == POLICY_COND_NULL)
		return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "'%s': Null has "
		    "no IfExists form", opname);
	if (!json_is_object(keys))
		return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "condition operator "
		    "'%s' must map condition keys to values", opname);
	json_object_foreach(keys, kname, val) {
		if ((kdef = cond_find_key(kname)) == NULL)
			return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "%s: unknown "
			    "condition key '%s' (efsgw knows aws:SecureTransport, "
			    "aws:PrincipalArn, aws:SourceIp, elasticfilesystem:"
			    "AccessedViaMountTarget, elasticfilesystem:"
			    "AccessPointArn)", opname, kname);
		if ((def->types & kdef->type) == 0)
			return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "%s cannot "
			    "test %s (%s)", opname, kdef->name,
			    kdef->type == KT_IP ? "use IpAddress or NotIpAddress" :
			    kdef->type == KT_BOOL ? "use Bool" :
			    "use an Arn* or String* operator");
		nvals = json_is_array(val) ? json_array_size(val) : 1;
		if (nvals == 0)
			return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "%s: %s: the "
			    "list of values is empty", opname, kdef->name);
		c = &st->conds[st->nconds];
		c->op = (uint8_t)def->op;
		c->if_exists = (uint8_t)if_exists;
		c->key = (uint8_t)kdef->key;
		if ((c->op_name = policy_strndup(p, opname, strlen(opname))) == NULL ||
		    (c->values = policy_alloc(p, nvals * sizeof *c->values)) == NULL)
			return EFSGW_ERR_NOMEM;
		for (i = 0; i < nvals; i++) {
			one = json_is_array(val) ? json_array_get(val, i) : val;
			r = cond_compile_value(p, def, kdef, one, variables,
			    &c->values[i], msg);
			if (r != 0)
				return r;
		}
		c->nvalues = (unsigned)nvals;
		st->nconds++;
	}
	return 0;
}

/* Compile a statement's Condition object. */
int
policy_cond_compile(struct policy *p, struct policy_statement *st,
    json_t *cond, int variables, char **msg)
{
	const char *opname;
	json_t *keys;
	size_t total = 0;
	int r;

	*msg = NULL;
	if (!json_is_object(cond))
		return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "Condition must be "
		    "an object of operators");
	json_object_foreach(cond, opname, keys) {
		if (json_is_object(keys))
			total += json_object_size(keys);
	}
	st->nconds = 0;
	if (total > 0 &&
	    (st->conds = policy_alloc(p, total * sizeof *st->conds)) == NULL)
		return EFSGW_ERR_NOMEM;
	json_object_foreach(cond, opname, keys) {
		if ((r = cond_compile_op(p, st, opname, keys, variables, msg)) != 0)
			return r;
	}
	return 0;
}

/*
 * The request's value of key k as text, or NULL when the request lacks it.
 * Booleans are "true"/"false", which is what String operators see in IAM.
 */
static const char *
cond_key_text(const struct policy_ctx *ctx, enum policy_cond_key k)
{
	const struct policy_request *req = ctx->req;
	const char *s;

	switch (k) {
	case POLICY_KEY_SECURE_TRANSPORT:
		return req->secure_transport ? "true" : "false";
	case POLICY_KEY_VIA_MOUNT_TARGET:
		return req->via_mount_target ? "true" : "false";
	case POLICY_KEY_PRINCIPAL_ARN:
		return ctx->anonymous ? NULL : req->principal_arn;
	case POLICY_KEY_SOURCE_IP:
		s = req->source_ip;
		return s != NULL && *s != '\0' ? s : NULL;
	case POLICY_KEY_ACCESS_POINT_ARN:
		s = req->access_point_arn;
		return s != NULL && *s != '\0' ? s : NULL;
	}
	return NULL;
}

/* The source address, parsed on first use; NULL when absent or unparsable. */
static const struct policy_cidr *
cond_source_ip(struct policy_ctx *ctx)
{
	const char *s = ctx->req->source_ip;

	if (ctx->ip_state == 0) {
		ctx->ip_state = -1;
		if (s != NULL && strchr(s, '/') == NULL &&
		    policy_match_cidr_parse(s, &ctx->ip) == 0)
			ctx->ip_state = 1;
	}
	return ctx->ip_state == 1 ? &ctx->ip : NULL;
}

/* Whether value v matches the request's present value (s or addr). */
static int
cond_value_match(const struct policy_cond *c, const struct policy_cval *v,
    const char *s, const struct policy_cidr *addr)
{
	switch (c->op) {
	case POLICY_COND_ARN_EQ:
	case POLICY_COND_ARN_LIKE:
	case POLICY_COND_ARN_NE:
	case POLICY_COND_ARN_NOT_LIKE:
		return policy_match_arn(v->glob.pat, s);
	case POLICY_COND_BOOL:
		return v->truth == (strcmp(s, "true") == 0);
	case POLICY_COND_IP:
	case POLICY_COND_NOT_IP:
		return policy_match_cidr(&v->cidr, addr);
	default:
		return policy_match_glob(&v->glob, s);
	}
}

/* Whether one (operator, key) pair holds for the request. */
static int
cond_holds(const struct policy_cond *c, struct policy_ctx *ctx)
{
	const struct policy_cidr *addr = NULL;
	const char *s;
	unsigned i;
	int present, negated;

	s = cond_key_text(ctx, (enum policy_cond_key)c->key);
	present = s != NULL;
	if (present && c->key == POLICY_KEY_SOURCE_IP)
		present = (addr = cond_source_ip(ctx)) != NULL;
	if (c->op == POLICY_COND_NULL) {
		/* Null "true": the key must be absent; "false": present. */
		for (i = 0; i < c->nvalues; i++)
			if (c->values[i].truth == !present)
				return 1;
		return 0;
	}
	negated = c->op == POLICY_COND_STR_NE || c->op == POLICY_COND_STR_NE_IC ||
	    c->op == POLICY_COND_STR_NOT_LIKE || c->op == POLICY_COND_ARN_NE ||
	    c->op == POLICY_COND_ARN_NOT_LIKE || c->op == POLICY_COND_NOT_IP;
	if (!present)
		return c->if_exists || negated;
	for (i = 0; i < c->nvalues; i++)
		if (cond_value_match(c, &c->values[i], s, addr))
			return !negated;
	return negated;
}

/* Whether every condition of st holds. */
int
policy_cond_match(const struct policy_statement *st, struct policy_ctx *ctx)
{
	unsigned i;

	for (i = 0; i < st->nconds; i++)
		if (!cond_holds(&st->conds[i], ctx))
			return 0;
	return 1;
}
