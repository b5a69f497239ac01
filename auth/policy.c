/*
 * efsgw - parsing a file-system policy: the IAM resource-policy JSON that
 * `aws efs put-file-system-policy` takes (Version, Id, Statement with Sid,
 * Effect, Principal, Action/NotAction, Resource/NotResource, Condition),
 * checked as strictly as IAM does and compiled into an arena that is
 * immutable afterwards. Every rejection names the element and statement at
 * fault, so an operator can fix the policy from the message alone; a
 * failed parse leaves nothing behind, so a reload keeps the old policy.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "common.h"
#include "policy-int.h"

#define POLICY_CHUNK	4096
#define POLICY_ALIGN	16

/* One block of the arena. */
struct policy_chunk {
	struct policy_chunk *next;
	size_t		 size;
	size_t		 used;
	_Alignas(POLICY_ALIGN) unsigned char data[];
};

/* Where a statement error is, for messages. */
struct policy_where {
	int		 list;		/* Statement was a list */
	unsigned	 index;
	const char	*sid;
};

static const char *const policy_top_keys[] = { "Version", "Id", "Statement" };
static const char *const policy_stmt_keys[] = { "Sid", "Effect", "Principal",
	"NotPrincipal", "Action", "NotAction", "Resource", "NotResource",
	"Condition" };

/* Allocate n zeroed bytes from the arena. */
void *
policy_alloc(struct policy *p, size_t n)
{
	struct policy_chunk *c = p->chunks;
	size_t size;
	void *v;

	n = (n + POLICY_ALIGN - 1) & ~(size_t)(POLICY_ALIGN - 1);
	if (n == 0)
		n = POLICY_ALIGN;
	if (c == NULL || c->size - c->used < n) {
		size = n > POLICY_CHUNK ? n : POLICY_CHUNK;
		if ((c = calloc(1, sizeof *c + size)) == NULL)
			return NULL;
		c->size = size;
		c->next = p->chunks;
		p->chunks = c;
	}
	v = c->data + c->used;
	c->used += n;
	return v;
}

/* Copy len bytes of s into the arena with a NUL. */
char *
policy_strndup(struct policy *p, const char *s, size_t len)
{
	char *d;

	if (len == SIZE_MAX || (d = policy_alloc(p, len + 1)) == NULL)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

/* Format a message into *msg; returns r so callers can return it directly. */
int
policy_msg(char **msg, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(msg, fmt, ap) == -1)
		*msg = NULL;
	va_end(ap);
	return r;
}

/* Free a policy and its arena. */
void
policy_free(struct policy *p)
{
	struct policy_chunk *c, *next;

	if (p == NULL)
		return;
	for (c = p->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(p);
}

/* Number of statements. */
unsigned
policy_nstatements(const struct policy *p)
{
	return p == NULL ? 0 : p->nstatements;
}

/* Prefix msg with the statement's location; frees msg, sets *cause. */
static int
policy_at(const struct policy_where *w, char **cause, int r, char *msg)
{
	char loc[64];

	if (w->list)
		snprintf(loc, sizeof loc, "Statement[%u]", w->index);
	else
		snprintf(loc, sizeof loc, "Statement");
	if (w->sid != NULL && *w->sid != '\0')
		policy_msg(cause, r, "%s (Sid \"%s\"): %s", loc, w->sid,
		    msg != NULL ? msg : efsgw_err(r));
	else
		policy_msg(cause, r, "%s: %s", loc, msg != NULL ? msg :
		    efsgw_err(r));
	free(msg);
	return r;
}

/* Reject keys of obj outside known[], hinting at case mistakes. */
static int
policy_check_keys(json_t *obj, const char *const *known, size_t nknown,
    const char *what, char **msg)
{
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach(obj, k, v) {
		for (i = 0; i < nknown; i++)
			if (strcmp(k, known[i]) == 0)
				break;
		if (i < nknown)
			continue;
		for (i = 0; i < nknown; i++)
			if (strcasecmp(k, known[i]) == 0)
				return policy_msg(msg, EFSGW_ERR_BAD_VALUE,
				    "unknown %s key '%s' (element names are "
				    "case-sensitive: did you mean '%s'?)", what,
				    k, known[i]);
		return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "unknown %s key '%s'",
		    what, k);
	}
	return 0;
}

/*
 * Count the entries of an element that IAM lets be one string or a list of
 * strings (Action, Resource, Principal AWS, ...); rejects anything else.
 */
static int
policy_strings(json_t *j, const char *name, size_t *n, char **msg)
{
	size_t i;

	*n = 0;
	if (json_is_string(j)) {
		*n = 1;
		return 0;
	}
	if (!json_is_array(j))
		return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "%s must be a string "
		    "or a list of strings", name);
	if (json_array_size(j) == 0)
		return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "%s is an empty list",
		    name);
	for (i = 0; i < json_array_size(j); i++)
		if (!json_is_string(json_array_get(j, i)))
			return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "%s[%zu] must "
			    "be a string", name, i);
	*n = json_array_size(j);
	return 0;
}

/* The i-th string of a string-or-list element. */
static const char *
policy_string_at(json_t *j, size_t i)
{
	return json_string_value(json_is_array(j) ? json_array_get(j, i) : j);
}

/* Compile Principal: "*" or {"AWS": "*" | ARN | account | [...]}. */
static int
policy_compile_principal(struct policy *p, struct policy_statement *st,
    json_t *j, char **msg)
{
	const char *k, *s;
	json_t *aws = NULL, *v;
	size_t n, i;
	char *copy;

	if (json_is_string(j)) {
		if (strcmp(json_string_value(j), "*") != 0)
			return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "Principal "
			    "must be \"*\" or {\"AWS\": ...}, not \"%s\"",
			    json_string_value(j));
		st->principal_any = 1;
		return 0;
	}
	if (!json_is_object(j))
		return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "Principal must be "
		    "\"*\" or {\"AWS\": ...}");
	json_object_foreach(j, k, v) {
		if (strcmp(k, "AWS") != 0)
			return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "Principal "
			    "type '%s' is not supported: NFS clients are AWS "
			    "principals or anonymous, so only \"AWS\" applies", k);
		aws = v;
	}
	if (aws == NULL)
		return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "Principal names "
		    "no \"AWS\" principal");
	if (policy_strings(aws, "Principal AWS", &n, msg) != 0)
		return EFSGW_ERR_BAD_VALUE;
	if ((st->principals = policy_alloc(p, n * sizeof *st->principals)) == NULL)
		return EFSGW_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		s = policy_string_at(aws, i);
		if (strcmp(s, "*") == 0) {
			st->principal_any = 1;
			continue;
		}
		if ((copy = policy_strndup(p, s, strlen(s))) == NULL)
			return EFSGW_ERR_NOMEM;
		if (policy_match_principal_parse(p, copy,
		    &st->principals[st->nprincipals]) != 0)
			return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "Principal "
			    "AWS '%s' is not an account id or an IAM ARN%s", s,
			    strpbrk(s, "*?") != NULL ? " (IAM allows a wildcard "
			    "only as \"*\" on its own)" : "");
		st->nprincipals++;
	}
	return 0;
}

/* Whether s is an IAM action pattern: "*" or "service:Name" with wildcards. */
static int
policy_action_ok(const char *s)
{
	const char *c;

	if (strcmp(s, "*") == 0)
		return 1;
	if ((c = strchr(s, ':')) == NULL || c == s || c[1] == '\0')
		return 0;
	for (; s < c; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '*' &&
		    *s != '?')
			return 0;
	for (s = c + 1; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '*' && *s != '?')
			return 0;
	return 1;
}

/* Compile Action or NotAction, and precompute which client actions match. */
static int
policy_compile_actions(struct policy *p, struct policy_statement *st,
    json_t *j, const char *name, char **msg)
{
	static const char *const known[POLICY_ACT_COUNT] = {
		[POLICY_ACT_MOUNT] = POLICY_ACTION_MOUNT,
		[POLICY_ACT_WRITE] = POLICY_ACTION_WRITE,
		[POLICY_ACT_ROOT] = POLICY_ACTION_ROOT,
	};
	size_t n, i, b;
	const char *s;
	char *copy;

	if (policy_strings(j, name, &n, msg) != 0)
		return EFSGW_ERR_BAD_VALUE;
	if ((st->actions = policy_alloc(p, n * sizeof *st->actions)) == NULL)
		return EFSGW_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		s = policy_string_at(j, i);
		if (!policy_action_ok(s))
			return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "%s '%s' is "
			    "not an action: write \"service:Action\", e.g. "
			    "\"elasticfilesystem:ClientMount\"", name, s);
		if ((copy = policy_strndup(p, s, strlen(s))) == NULL)
			return EFSGW_ERR_NOMEM;
		policy_match_glob_compile(&st->actions[i], copy, 1, 1);
		for (b = 0; b < POLICY_ACT_COUNT; b++)
			if (policy_match_glob(&st->actions[i], known[b]))
				st->action_mask |= (uint8_t)(1u << b);
	}
	st->nactions = (unsigned)n;
	return 0;
}

/* Compile Resource or NotResource: "*" or ARN patterns, case-sensitive. */
static int
policy_compile_resources(struct policy *p, struct policy_statement *st,
    json_t *j, const char *name, int variables, char **msg)
{
	size_t n, i;
	const char *s;
	char *copy;

	if (policy_strings(j, name, &n, msg) != 0)
		return EFSGW_ERR_BAD_VALUE;
	if ((st->resources = policy_alloc(p, n * sizeof *st->resources)) == NULL)
		return EFSGW_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		s = policy_string_at(j, i);
		if (strcmp(s, "*") != 0 && strncmp(s, "arn:", 4) != 0)
			return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "%s '%s' must "
			    "be \"*\" or an ARN", name, s);
		if (variables && strstr(s, "${") != NULL)
			return policy_msg(msg, EFSGW_ERR_BAD_VALUE, "%s '%s' uses "
			    "a policy variable; efsgw does not expand ${...} "
			    "variables", name, s);
		if ((copy = policy_strndup(p, s, strlen(s))) == NULL)
			return EFSGW_ERR_NOMEM;
		policy_match_glob_compile(&st->resources[i], copy, 0, 1);
	}
	st->nresources = (unsigned)n;
	return 0;
}

/* Compile one statement object into st. */
static int
policy_compile_statement(struct policy *p, struct policy_statement *st,
    json_t *j, int variables, struct policy_where *w, char **cause)
{
	json_t *sid, *eff, *act, *nact, *res, *nres, *cond;
	char *msg = NULL;
	const char *e;
	int r;

	if (!json_is_object(j))
		return policy_at(w, cause, EFSGW_ERR_BAD_VALUE,
		    strdup("a statement must be a JSON object"));
	st->sid = "";
	if ((sid = json_object_get(j, "Sid")) != NULL) {
		if (!json_is_string(sid))
			return policy_at(w, cause, EFSGW_ERR_BAD_VALUE,
			    strdup("Sid must be a string"));
		if ((st->sid = policy_strndup(p, json_string_value(sid),
		    strlen(json_string_value(sid)))) == NULL)
			return EFSGW_ERR_NOMEM;
		w->sid = st->sid;
	}
	if ((r = policy_check_keys(j, policy_stmt_keys,
	    nitems(policy_stmt_keys), "statement", &msg)) != 0)
		return policy_at(w, cause, r, msg);

	if ((eff = json_object_get(j, "Effect")) == NULL)
		return policy_at(w, cause, EFSGW_ERR_BAD_VALUE,
		    strdup("Effect is missing"));
	e = json_is_string(eff) ? json_string_value(eff) : "";
	if (strcmp(e, "Allow") == 0)
		st->deny = 0;
	else if (strcmp(e, "Deny") == 0)
		st->deny = 1;
	else
		return policy_at(w, cause, EFSGW_ERR_BAD_VALUE,
		    strdup("Effect must be \"Allow\" or \"Deny\""));

	if (json_object_get(j, "NotPrincipal") != NULL)
		return policy_at(w, cause, EFSGW_ERR_BAD_VALUE, strdup(
		    "NotPrincipal is not supported (AWS advises against it too); "
		    "use Principal with a Deny and an ArnNotLike condition on "
		    "aws:PrincipalArn instead"));
	if (json_object_get(j, "Principal") == NULL)
		return policy_at(w, cause, EFSGW_ERR_BAD_VALUE, strdup(
		    "Principal is missing (a file-system policy is a resource "
		    "policy: every statement names its principals)"));
	if ((r = policy_compile_principal(p, st, json_object_get(j, "Principal"),
	    &msg)) != 0)
		return policy_at(w, cause, r, msg);

	act = json_object_get(j, "Action");
	nact = json_object_get(j, "NotAction");
	if ((act == NULL) == (nact == NULL))
		return policy_at(w, cause, EFSGW_ERR_BAD_VALUE, strdup(act == NULL ?
		    "Action (or NotAction) is missing" :
		    "Action and NotAction cannot both be present"));
	st->not_action = nact != NULL;
	if ((r = policy_compile_actions(p, st, act != NULL ? act : nact,
	    act != NULL ? "Action" : "NotAction", &msg)) != 0)
		return policy_at(w, cause, r, msg);

	res = json_object_get(j, "Resource");
	nres = json_object_get(j, "NotResource");
	if (res != NULL && nres != NULL)
		return policy_at(w, cause, EFSGW_ERR_BAD_VALUE,
		    strdup("Resource and NotResource cannot both be present"));
	st->not_resource = nres != NULL;
	if ((res != NULL || nres != NULL) &&
	    (r = policy_compile_resources(p, st, res != NULL ? res : nres,
	    res != NULL ? "Resource" : "NotResource", variables, &msg)) != 0)
		return policy_at(w, cause, r, msg);

	if ((cond = json_object_get(j, "Condition")) != NULL &&
	    (r = policy_cond_compile(p, st, cond, variables, &msg)) != 0)
		return policy_at(w, cause, r, msg);
	return 0;
}

/* Compile the whole document. */
static int
policy_compile(struct policy *p, json_t *root, char **cause)
{
	struct policy_where w;
	json_t *ver, *id, *stmts;
	const char *v;
	size_t n, i;
	int r, variables;

	if (!json_is_object(root))
		return policy_msg(cause, EFSGW_ERR_BAD_VALUE, "a policy must be a "
		    "JSON object");
	if ((r = policy_check_keys(root, policy_top_keys,
	    nitems(policy_top_keys), "top-level", cause)) != 0)
		return r;
	/* IAM's default Version is the old one, without policy variables. */
	v = "2008-10-17";
	if ((ver = json_object_get(root, "Version")) != NULL) {
		v = json_is_string(ver) ? json_string_value(ver) : "";
		if (strcmp(v, "2012-10-17") != 0 && strcmp(v, "2008-10-17") != 0)
			return policy_msg(cause, EFSGW_ERR_BAD_VALUE, "Version "
			    "must be \"2012-10-17\" or \"2008-10-17\"");
	}
	variables = strcmp(v, "2012-10-17") == 0;
	if ((p->version = policy_strndup(p, v, strlen(v))) == NULL)
		return EFSGW_ERR_NOMEM;
	if ((id = json_object_get(root, "Id")) != NULL) {
		if (!json_is_string(id))
			return policy_msg(cause, EFSGW_ERR_BAD_VALUE, "Id must be "
			    "a string");
		if ((p->id = policy_strndup(p, json_string_value(id),
		    strlen(json_string_value(id)))) == NULL)
			return EFSGW_ERR_NOMEM;
	}
	if ((stmts = json_object_get(root, "Statement")) == NULL)
		return policy_msg(cause, EFSGW_ERR_BAD_VALUE, "Statement is "
		    "missing");
	memset(&w, 0, sizeof w);
	w.list = json_is_array(stmts);
	n = w.list ? json_array_size(stmts) : 1;
	if (!w.list && !json_is_object(stmts))
		return policy_msg(cause, EFSGW_ERR_BAD_VALUE, "Statement must be "
		    "a statement object or a list of them");
	if (n == 0)
		return policy_msg(cause, EFSGW_ERR_BAD_VALUE, "Statement is an "
		    "empty list");
	if ((p->statements = policy_alloc(p, n * sizeof *p->statements)) == NULL)
		return EFSGW_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		w.index = (unsigned)i;
		w.sid = NULL;
		r = policy_compile_statement(p, &p->statements[i],
		    w.list ? json_array_get(stmts, i) : stmts, variables, &w,
		    cause);
		if (r != 0)
			return r;
		p->nstatements++;
	}
	return 0;
}

/* Parse and compile a policy document. */
int
policy_parse(const char *text, size_t len, struct policy **out, char **cause)
{
	struct policy *p;
	json_error_t jerr;
	json_t *root;
	size_t i, chars = 0;
	int r;

	*out = NULL;
	*cause = NULL;
	/* EFS counts characters; UTF-8 continuation bytes are not new ones. */
	for (i = 0; i < len; i++)
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			chars++;
	if (chars > POLICY_MAX_CHARS)
		return policy_msg(cause, EFSGW_ERR_TOO_LONG, "the policy is %zu "
		    "characters long; EFS allows at most %d", chars,
		    POLICY_MAX_CHARS);
	if ((root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		if (jerr.line > 0)
			return policy_msg(cause, EFSGW_ERR_SYNTAX, "line %d, "
			    "column %d: %s", jerr.line, jerr.column, jerr.text);
		return policy_msg(cause, EFSGW_ERR_SYNTAX, "%s", jerr.text);
	}
	if ((p = calloc(1, sizeof *p)) == NULL) {
		json_decref(root);
		return EFSGW_ERR_NOMEM;
	}
	r = policy_compile(p, root, cause);
	json_decref(root);
	if (r != 0) {
		policy_free(p);
		if (r == EFSGW_ERR_NOMEM && *cause == NULL)
			policy_msg(cause, r, "out of memory");
		return r;
	}
	*out = p;
	return 0;
}

/* Read and parse a policy file. */
int
policy_load(const char *path, struct policy **out, char **cause)
{
	/* Four UTF-8 bytes per character at most, plus one to see overflow. */
	enum { MAX_BYTES = POLICY_MAX_CHARS * 4 + 1 };
	char *buf, *inner;
	ssize_t n;
	size_t len = 0;
	int fd, r, loops;

	*out = NULL;
	*cause = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return policy_msg(cause, EFSGW_ERR_SYSTEM, "%s: %s", path,
		    strerror(errno));
	if ((buf = malloc(MAX_BYTES)) == NULL) {
		close(fd);
		return EFSGW_ERR_NOMEM;
	}
	for (loops = 0; len < MAX_BYTES && loops < MAX_BYTES; loops++) {
		n = read(fd, buf + len, MAX_BYTES - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			r = policy_msg(cause, EFSGW_ERR_SYSTEM, "%s: %s", path,
			    strerror(errno));
			close(fd);
			free(buf);
			return r;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len == MAX_BYTES) {
		free(buf);
		return policy_msg(cause, EFSGW_ERR_TOO_LONG, "%s: the policy is "
		    "longer than EFS's %d characters", path, POLICY_MAX_CHARS);
	}
	r = policy_parse(buf, len, out, &inner);
	free(buf);
	if (r != 0) {
		policy_msg(cause, r, "%s: %s", path,
		    inner != NULL ? inner : efsgw_err(r));
		free(inner);
	}
	return r;
}
