/*
 * efsgw - the compiled form of a file-system policy, shared only by the
 * policy*.c files: parsing (policy.c), conditions (policy-cond.c),
 * matching primitives (policy-match.c), evaluation (policy-eval.c) and
 * the human explanation (policy-explain.c). Everything a policy holds
 * lives in its arena and is read-only after policy_parse() returns, so
 * evaluation needs no locks and no allocation.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_POLICY_INT_H
#define EFSGW_POLICY_INT_H

#include <stdint.h>

#include "policy.h"

/* The client actions, as bits of a statement's precomputed action mask. */
enum policy_action_bit {
	POLICY_ACT_MOUNT,
	POLICY_ACT_WRITE,
	POLICY_ACT_ROOT,
	POLICY_ACT_COUNT,
	POLICY_ACT_OTHER = POLICY_ACT_COUNT	/* an action string we do not know */
};

/* How a pattern is matched, decided once at parse time. */
enum policy_glob_kind {
	POLICY_GLOB_ANY,	/* "*": everything */
	POLICY_GLOB_EXACT,	/* no wildcard: plain comparison */
	POLICY_GLOB_PREFIX,	/* one trailing '*' only: prefix comparison */
	POLICY_GLOB_FULL	/* '*' and '?' anywhere */
};

/* A pattern with '*' and '?' wildcards (IAM Action, Resource, *Like). */
struct policy_glob {
	const char	*pat;		/* NUL-terminated, in the arena */
	size_t		 len;		/* strlen(pat); the prefix length for PREFIX */
	uint8_t		 kind;		/* enum policy_glob_kind */
	uint8_t		 icase;		/* compare ASCII case-insensitively */
};

enum policy_principal_kind {
	POLICY_PRINCIPAL_ARN,		/* exactly this ARN */
	POLICY_PRINCIPAL_ACCOUNT,	/* "123456789012" or arn:P:iam::A:root */
	POLICY_PRINCIPAL_ROLE		/* arn:P:iam::A:role/...: also its sessions */
};

/* One named principal ("*" is a flag on the statement instead). */
struct policy_principal {
	const char	*arn;		/* as written */
	uint8_t		 kind;		/* enum policy_principal_kind */
	char		 partition[24];	/* "" for a bare account id: any */
	char		 account[16];
	const char	*role;		/* ROLE: the role name (last path element) */
};

/* Condition operators (IAM "Condition operators"), without IfExists. */
enum policy_cond_op {
	POLICY_COND_STR_EQ,
	POLICY_COND_STR_NE,
	POLICY_COND_STR_EQ_IC,
	POLICY_COND_STR_NE_IC,
	POLICY_COND_STR_LIKE,
	POLICY_COND_STR_NOT_LIKE,
	POLICY_COND_ARN_EQ,
	POLICY_COND_ARN_LIKE,
	POLICY_COND_ARN_NE,
	POLICY_COND_ARN_NOT_LIKE,
	POLICY_COND_BOOL,
	POLICY_COND_IP,
	POLICY_COND_NOT_IP,
	POLICY_COND_NULL
};

/* The condition keys efsgw knows (case-insensitive names). */
enum policy_cond_key {
	POLICY_KEY_SECURE_TRANSPORT,	/* aws:SecureTransport, Bool */
	POLICY_KEY_PRINCIPAL_ARN,	/* aws:PrincipalArn, ARN */
	POLICY_KEY_SOURCE_IP,		/* aws:SourceIp, IP address */
	POLICY_KEY_VIA_MOUNT_TARGET,	/* elasticfilesystem:AccessedViaMountTarget */
	POLICY_KEY_ACCESS_POINT_ARN	/* elasticfilesystem:AccessPointArn, ARN */
};

/* An address range of IpAddress / NotIpAddress (RFC 4632, RFC 4291 §2.3). */
struct policy_cidr {
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 bits;		/* prefix length */
	uint8_t		 addr[16];	/* network address, host bits zero */
};

/* One value of a condition, compiled for its operator. */
struct policy_cval {
	struct policy_glob glob;	/* string and ARN operators; text for all */
	struct policy_cidr cidr;	/* IpAddress, NotIpAddress */
	int		 truth;		/* Bool, Null */
};

/* One (operator, key) pair: true when any value matches (IAM rules). */
struct policy_cond {
	uint8_t		 op;		/* enum policy_cond_op */
	uint8_t		 if_exists;	/* absent key makes the pair true */
	uint8_t		 key;		/* enum policy_cond_key */
	const char	*op_name;	/* as written, for explanations */
	unsigned	 nvalues;
	struct policy_cval *values;
};

struct policy_statement {
	const char	*sid;		/* "" when the statement has none */
	uint8_t		 deny;
	uint8_t		 principal_any;	/* "*" or {"AWS": "*"}: anyone, anonymous too */
	uint8_t		 not_action;
	uint8_t		 not_resource;
	uint8_t		 action_mask;	/* 1 << POLICY_ACT_* matched by the patterns */
	unsigned	 nprincipals;
	struct policy_principal *principals;
	unsigned	 nactions;
	struct policy_glob *actions;
	unsigned	 nresources;	/* 0: no Resource element, any resource */
	struct policy_glob *resources;
	unsigned	 nconds;
	struct policy_cond *conds;
};

struct policy_chunk;

struct policy {
	struct policy_chunk *chunks;	/* arena: every allocation below */
	const char	*version;
	const char	*id;		/* NULL when absent */
	unsigned	 nstatements;
	struct policy_statement *statements;
};

/* An evaluation's request, with values derived once per decision. */
struct policy_ctx {
	const struct policy_request *req;
	int		 anonymous;
	int		 ip_state;	/* 0 not parsed yet, 1 parsed, -1 absent/bad */
	struct policy_cidr ip;		/* the source address as a /32 or /128 */
};

/* policy.c */
/* Allocate n zeroed bytes from the policy's arena; NULL when out of memory. */
void	*policy_alloc(struct policy *, size_t n);
/* Copy s (len bytes) into the arena, NUL-terminated. */
char	*policy_strndup(struct policy *, const char *s, size_t len);
/* Set *msg to a new formatted message (NULL if out of memory); return r. */
int	 policy_msg(char **msg, int r, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));

/* policy-match.c */
/* Compile pattern s into g (s must live as long as g). */
void	 policy_match_glob_compile(struct policy_glob *g, const char *s,
	     int icase, int wildcards);
/* Whether string s matches the compiled pattern g. */
int	 policy_match_glob(const struct policy_glob *g, const char *s);
/* Whether ARN s matches pattern pat component by component (ArnLike). */
int	 policy_match_arn(const char *pat, const char *s);
/* Parse "a.b.c.d[/n]" or "x::y[/n]" into c; 0 or EFSGW_ERR_BAD_VALUE. */
int	 policy_match_cidr_parse(const char *s, struct policy_cidr *c);
/* Whether the single address a lies inside range c. */
int	 policy_match_cidr(const struct policy_cidr *c, const struct policy_cidr *a);
/* Parse a Principal AWS value into pr; 0 or EFSGW_ERR_BAD_VALUE. */
int	 policy_match_principal_parse(struct policy *, const char *s,
	     struct policy_principal *pr);
/* Whether the (non-empty) caller ARN matches principal pr. */
int	 policy_match_principal(const struct policy_principal *pr,
	     const char *arn);
/* Map an action string to its POLICY_ACT_* bit (POLICY_ACT_OTHER if none). */
enum policy_action_bit policy_match_action_bit(const char *action);

/* policy-cond.c */
struct json_t;
/*
 * Compile a statement's Condition object into st (variables: Version
 * 2012-10-17, where "${" starts a policy variable). Returns 0, or a
 * negative code with an operator message in *msg (caller frees).
 */
int	 policy_cond_compile(struct policy *, struct policy_statement *st,
	     struct json_t *cond, int variables, char **msg);
/* Whether every condition of the statement holds for the request. */
int	 policy_cond_match(const struct policy_statement *st,
	     struct policy_ctx *ctx);
/* The canonical name of a condition key. */
const char *policy_cond_key_name(enum policy_cond_key);

#endif /* EFSGW_POLICY_INT_H */
