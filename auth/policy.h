/*
 * efsgw - the EFS file-system policy: the IAM resource-policy JSON a user
 * gives `aws efs put-file-system-policy`, parsed once into a compiled,
 * immutable form and evaluated for every ClientMount / ClientWrite /
 * ClientRootAccess decision without allocating.
 *
 * Evaluation follows IAM (docs/policy.md; the EFS User Guide, IAM for NFS clients): an explicit
 * Deny in the policy wins; otherwise the action is allowed when the policy
 * allows it or the caller's own identity grants do; otherwise it is denied.
 * No policy at all is EFS's default: everything is allowed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_POLICY_H
#define EFSGW_POLICY_H

#include <stddef.h>
#include <stdio.h>

/* EFS's limit on a file-system policy, in characters (UTF-8 code points). */
#define POLICY_MAX_CHARS	20000

/* The three actions an NFS client is authorized for (EFS User Guide: IAM for NFS clients). */
#define POLICY_ACTION_MOUNT	"elasticfilesystem:ClientMount"
#define POLICY_ACTION_WRITE	"elasticfilesystem:ClientWrite"
#define POLICY_ACTION_ROOT	"elasticfilesystem:ClientRootAccess"

/* A compiled policy: opaque, immutable after parsing, safe to share. */
struct policy;

/*
 * The request context of one decision. Every pointer is borrowed for the
 * duration of the call only.
 */
struct policy_request {
	const char	*principal_arn;	/* NULL or "" = anonymous */
	const char	*action;	/* POLICY_ACTION_* (any action string works) */
	const char	*resource_arn;	/* arn:aws:elasticfilesystem:R:A:file-system/fs-x */
	int		 secure_transport;	/* aws:SecureTransport */
	const char	*source_ip;	/* aws:SourceIp; NULL = absent */
	int		 via_mount_target;	/* elasticfilesystem:AccessedViaMountTarget */
	const char	*access_point_arn;	/* elasticfilesystem:AccessPointArn; NULL = none */
};

enum policy_effect { POLICY_IMPLICIT_DENY, POLICY_ALLOW, POLICY_DENY };

/* A decision and the statement that made it. */
struct policy_decision {
	enum policy_effect effect;
	int		 statement;	/* index in Statement, -1 when none decided */
	char		 sid[128];	/* its Sid ("" if none; truncated if longer) */
};

/* ------------------------------------------------------------ policy.c */

/*
 * Parse and compile the policy JSON in text (len bytes, need not be
 * NUL-terminated). Returns 0 with *out set (caller frees with
 * policy_free()), or a negative EFSGW_ERR_* code with *out NULL and *cause
 * a message for the operator (caller frees; may be NULL if even that
 * allocation failed): "line L, column C: ..." for JSON syntax errors,
 * "Statement[i] (Sid \"x\"): ..." for errors in a statement. Nothing is
 * half-loaded: on failure the caller's current policy stays as it was.
 */
int	 policy_parse(const char *text, size_t len, struct policy **out,
	     char **cause);
/*
 * Read and parse the policy file at path. Same contract as policy_parse();
 * *cause starts with the path.
 */
int	 policy_load(const char *path, struct policy **out, char **cause);
/* Free a policy; NULL does nothing. */
void	 policy_free(struct policy *);
/* Number of statements in the policy (0 for NULL). */
unsigned policy_nstatements(const struct policy *);

/* ------------------------------------------------------------ policy-eval.c */

/*
 * Evaluate the resource policy alone: POLICY_DENY with the first matching
 * Deny statement, else POLICY_ALLOW with the first matching Allow
 * statement, else POLICY_IMPLICIT_DENY with statement -1. Never allocates;
 * safe to call from many threads on one policy.
 */
void	 policy_evaluate(const struct policy *, const struct policy_request *,
	     struct policy_decision *);
/*
 * The whole EFS decision: a NULL policy allows everything (EFS's default,
 * statement -1); an explicit Deny wins; else allowed if the policy allows
 * or identity_allows (the caller's own grants) is true (statement -1 for
 * the latter); else POLICY_IMPLICIT_DENY.
 */
void	 policy_decide(const struct policy *, const struct policy_request *,
	     int identity_allows, struct policy_decision *);
/*
 * Find a statement, from index *i on, whose Resource element never covers
 * arn: a statement that cannot apply to that file system, usually a
 * policy written for another one. Returns its first Resource pattern, with
 * its index in *i and its Sid ("" without one) in *sid, or NULL when no
 * further statement misses. Statements without Resource, and NotResource,
 * are never reported.
 */
const char *policy_resource_miss(const struct policy *, const char *arn,
	     unsigned *i, const char **sid);
/* Return "ALLOW", "DENY" or "IMPLICIT DENY". */
const char *policy_effect_name(enum policy_effect);

/* ------------------------------------------------------------ policy-explain.c */

/* Print a human explanation of every statement of the policy to f. */
void	 policy_explain(const struct policy *, FILE *f);

#endif /* EFSGW_POLICY_H */
