/*
 * efsgw - unit tests for the file-system policy engine (auth/policy*.c).
 * Pins the IAM rules EFS applies (EFS User Guide, IAM for NFS clients; IAM "Condition
 * operators" and "Policy evaluation logic"): an explicit Deny beats any
 * Allow; anonymous callers match only Principal "*"; an absent condition
 * key fails a positive operator, passes a negated one and passes every
 * ...IfExists form; values of one key OR, keys and operators AND; the four
 * EFS console presets behave as the console describes; a policy over
 * 20,000 characters, malformed JSON, duplicate and unknown keys are
 * refused with a message that locates them; and no input crashes it.
 *
 * JSON in this file is written with ' for " (see q()) to stay readable.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "policy.h"

#define FS	"arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-0123456789abcdef0"
#define FS2	"arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-87654321"
#define AP	"arn:aws:elasticfilesystem:us-east-1:111122223333:access-point/fsap-0123456789abcdef0"
#define AP2	"arn:aws:elasticfilesystem:us-east-1:111122223333:access-point/fsap-0ffffffffffffffff"
#define ROLE	"arn:aws:iam::111122223333:role/app"
#define ADMIN	"arn:aws:iam::111122223333:role/admin-ops"
#define SESS	"arn:aws:sts::111122223333:assumed-role/app/i-0abc"
#define USER	"arn:aws:iam::111122223333:user/alice"
#define XACCT	"arn:aws:iam::444455556666:role/app"
#define ANON	NULL

#define MOUNT	POLICY_ACTION_MOUNT
#define WRITE	POLICY_ACTION_WRITE
#define ROOT	POLICY_ACTION_ROOT

#define A	POLICY_ALLOW
#define D	POLICY_DENY
#define I	POLICY_IMPLICIT_DENY

/* A request: principal, action, TLS, source IP, via mount target, AP. */
#define REQ(pr, act, tls, ip, via, ap) { .principal_arn = (pr), \
	.action = (act), .resource_arn = FS, .secure_transport = (tls), \
	.source_ip = (ip), .via_mount_target = (via), .access_point_arn = (ap) }

/* Copy s with every ' turned into ". Caller frees. */
static char *
q(const char *s)
{
	char *d = xstrdup(s), *c;

	for (c = d; *c != '\0'; c++)
		if (*c == '\'')
			*c = '"';
	return d;
}

/* Parse ' -quoted JSON; returns the policy or fails the test. */
static struct policy *
parse_ok(const char *sq)
{
	struct policy *p;
	char *text = q(sq), *cause = NULL;

	if (policy_parse(text, strlen(text), &p, &cause) != 0)
		ck_abort_msg("parse failed: %s\n%s", cause, text);
	ck_assert_ptr_null(cause);
	free(text);
	return p;
}

/* ------------------------------------------------------------ conditions */

/* One Allow statement for ClientMount by anyone, under the given Condition. */
#define ALLOW_IF(cond) "{'Version':'2012-10-17','Statement':[{'Sid':'S'," \
	"'Effect':'Allow','Principal':{'AWS':'*'},'Action':" \
	"'elasticfilesystem:ClientMount','Resource':'*','Condition':{" cond "}}]}"

static const struct cond_vec {
	const char	*cond;
	struct policy_request req;
	int		 allow;
} cond_vecs[] = {
	/* Bool. */
	{ "'Bool':{'aws:SecureTransport':'true'}", REQ(ROLE, MOUNT, 1, NULL, 1, NULL), 1 },
	{ "'Bool':{'aws:SecureTransport':'true'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'Bool':{'aws:SecureTransport':true}", REQ(ROLE, MOUNT, 1, NULL, 1, NULL), 1 },
	{ "'Bool':{'aws:SecureTransport':'TRUE'}", REQ(ROLE, MOUNT, 1, NULL, 1, NULL), 1 },
	{ "'Bool':{'AWS:securetransport':'false'}", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'BoolIfExists':{'aws:SecureTransport':'true'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'BoolIfExists':{'aws:SecureTransport':'true'}", REQ(ROLE, MOUNT, 1, NULL, 1, NULL), 1 },
	{ "'Bool':{'elasticfilesystem:AccessedViaMountTarget':'true'}", REQ(ANON, MOUNT, 0, NULL, 0, NULL), 0 },
	{ "'Bool':{'ElasticFileSystem:accessedviamounttarget':'false'}", REQ(ANON, MOUNT, 0, NULL, 0, NULL), 1 },
	{ "'Bool':{'aws:SecureTransport':['false','true']}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	/* StringEquals: exact, case-sensitive, no wildcards; absent key fails. */
	{ "'StringEquals':{'aws:PrincipalArn':'" ROLE "'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'StringEquals':{'aws:PrincipalArn':'" ROLE "'}", REQ(USER, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringEquals':{'aws:PrincipalArn':'" ROLE "'}", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringEquals':{'aws:PrincipalArn':['" USER "','" ROLE "']}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'StringEquals':{'aws:PrincipalArn':'arn:aws:iam::111122223333:role/*'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringEquals':{'aws:PrincipalArn':'arn:aws:iam::111122223333:role/APP'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringEquals':{'aws:SecureTransport':'true'}", REQ(ROLE, MOUNT, 1, NULL, 1, NULL), 1 },
	{ "'StringEqualsIfExists':{'aws:PrincipalArn':'" ROLE "'}", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'StringEqualsIfExists':{'aws:PrincipalArn':'" ROLE "'}", REQ(USER, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringEqualsIfExists':{'aws:PrincipalArn':'" ROLE "'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	/* StringNotEquals: none of the values; absent key passes. */
	{ "'StringNotEquals':{'aws:PrincipalArn':'" USER "'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'StringNotEquals':{'aws:PrincipalArn':'" USER "'}", REQ(USER, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringNotEquals':{'aws:PrincipalArn':'" USER "'}", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'StringNotEquals':{'aws:PrincipalArn':['" USER "','" ROLE "']}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringNotEqualsIfExists':{'aws:PrincipalArn':'" USER "'}", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'StringNotEqualsIfExists':{'aws:PrincipalArn':'" USER "'}", REQ(USER, MOUNT, 0, NULL, 1, NULL), 0 },
	/* StringEqualsIgnoreCase / StringNotEqualsIgnoreCase. */
	{ "'StringEqualsIgnoreCase':{'aws:PrincipalArn':'ARN:AWS:IAM::111122223333:ROLE/APP'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'StringEqualsIgnoreCase':{'aws:PrincipalArn':'" ROLE "'}", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringEqualsIgnoreCaseIfExists':{'aws:PrincipalArn':'" ROLE "'}", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'StringEqualsIgnoreCaseIfExists':{'aws:PrincipalArn':'" USER "'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringNotEqualsIgnoreCase':{'aws:PrincipalArn':'arn:aws:iam::111122223333:role/APP'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringNotEqualsIgnoreCase':{'aws:PrincipalArn':'arn:aws:iam::111122223333:role/APP'}", REQ(USER, MOUNT, 0, NULL, 1, NULL), 1 },
	/* StringLike / StringNotLike: '*' and '?' wildcards. */
	{ "'StringLike':{'aws:PrincipalArn':'arn:aws:iam::111122223333:role/*'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'StringLike':{'aws:PrincipalArn':'arn:aws:iam::111122223333:role/ap?'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'StringLike':{'aws:PrincipalArn':'arn:aws:iam::111122223333:role/a?'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringLike':{'aws:PrincipalArn':'*:role/*p'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'StringLike':{'aws:PrincipalArn':'*'}", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringLikeIfExists':{'aws:PrincipalArn':'*:user/*'}", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'StringLikeIfExists':{'aws:PrincipalArn':'*:user/*'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringNotLike':{'aws:PrincipalArn':'*:role/admin*'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'StringNotLike':{'aws:PrincipalArn':'*:role/admin*'}", REQ(ADMIN, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringNotLike':{'aws:PrincipalArn':'*:role/admin*'}", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'StringNotLikeIfExists':{'aws:PrincipalArn':'*:role/admin*'}", REQ(ADMIN, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringNotLikeIfExists':{'aws:PrincipalArn':'*:role/admin*'}", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 1 },
	/* ArnEquals / ArnLike: per-component wildcards. */
	{ "'ArnEquals':{'elasticfilesystem:AccessPointArn':'" AP "'}", REQ(ROLE, MOUNT, 0, NULL, 1, AP), 1 },
	{ "'ArnEquals':{'elasticfilesystem:AccessPointArn':'" AP "'}", REQ(ROLE, MOUNT, 0, NULL, 1, AP2), 0 },
	{ "'ArnEquals':{'elasticfilesystem:AccessPointArn':'" AP "'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'ArnEqualsIfExists':{'elasticfilesystem:AccessPointArn':'" AP "'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'ArnEqualsIfExists':{'elasticfilesystem:AccessPointArn':'" AP "'}", REQ(ROLE, MOUNT, 0, NULL, 1, AP2), 0 },
	{ "'ArnLike':{'elasticfilesystem:AccessPointArn':'arn:aws:elasticfilesystem:*:111122223333:access-point/*'}", REQ(ROLE, MOUNT, 0, NULL, 1, AP), 1 },
	{ "'ArnLike':{'elasticfilesystem:AccessPointArn':'arn:aws:elasticfilesystem:*:444455556666:access-point/*'}", REQ(ROLE, MOUNT, 0, NULL, 1, AP), 0 },
	/* A '*' in one component cannot swallow the next one. */
	{ "'ArnLike':{'elasticfilesystem:AccessPointArn':'arn:aws:elasticfilesystem:*:access-point/*'}", REQ(ROLE, MOUNT, 0, NULL, 1, AP), 0 },
	{ "'ArnLike':{'aws:PrincipalArn':'arn:aws:iam::*:role/ap?'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'ArnLike':{'aws:PrincipalArn':'arn:aws:iam::*:role/ap?'}", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'ArnLikeIfExists':{'aws:PrincipalArn':'arn:aws:iam::*:role/ap?'}", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'ArnNotEquals':{'elasticfilesystem:AccessPointArn':'" AP "'}", REQ(ROLE, MOUNT, 0, NULL, 1, AP), 0 },
	{ "'ArnNotEquals':{'elasticfilesystem:AccessPointArn':'" AP "'}", REQ(ROLE, MOUNT, 0, NULL, 1, AP2), 1 },
	{ "'ArnNotEquals':{'elasticfilesystem:AccessPointArn':'" AP "'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'ArnNotEqualsIfExists':{'elasticfilesystem:AccessPointArn':'" AP "'}", REQ(ROLE, MOUNT, 0, NULL, 1, AP), 0 },
	{ "'ArnNotLike':{'aws:PrincipalArn':'arn:aws:iam::*:role/admin-*'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'ArnNotLike':{'aws:PrincipalArn':'arn:aws:iam::*:role/admin-*'}", REQ(ADMIN, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'ArnNotLike':{'aws:PrincipalArn':'arn:aws:iam::*:role/admin-*'}", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'ArnNotLikeIfExists':{'aws:PrincipalArn':'arn:aws:iam::*:role/admin-*'}", REQ(ADMIN, MOUNT, 0, NULL, 1, NULL), 0 },
	/* IpAddress / NotIpAddress: IPv4 and IPv6 CIDR. */
	{ "'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}", REQ(ROLE, MOUNT, 0, "10.1.2.3", 1, NULL), 1 },
	{ "'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}", REQ(ROLE, MOUNT, 0, "192.168.1.1", 1, NULL), 0 },
	{ "'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}", REQ(ROLE, MOUNT, 0, "::ffff:10.1.2.3", 1, NULL), 1 },
	{ "'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}", REQ(ROLE, MOUNT, 0, "not-an-ip", 1, NULL), 0 },
	{ "'IpAddress':{'aws:SourceIp':['192.168.0.0/16','10.0.0.0/8']}", REQ(ROLE, MOUNT, 0, "10.1.2.3", 1, NULL), 1 },
	{ "'IpAddress':{'aws:SourceIp':'10.0.0.0/9'}", REQ(ROLE, MOUNT, 0, "10.127.255.255", 1, NULL), 1 },
	{ "'IpAddress':{'aws:SourceIp':'10.0.0.0/9'}", REQ(ROLE, MOUNT, 0, "10.128.0.0", 1, NULL), 0 },
	{ "'IpAddress':{'aws:SourceIp':'10.1.2.3'}", REQ(ROLE, MOUNT, 0, "10.1.2.3", 1, NULL), 1 },
	{ "'IpAddress':{'aws:SourceIp':'10.1.2.3'}", REQ(ROLE, MOUNT, 0, "10.1.2.4", 1, NULL), 0 },
	{ "'IpAddress':{'aws:SourceIp':'0.0.0.0/0'}", REQ(ROLE, MOUNT, 0, "203.0.113.9", 1, NULL), 1 },
	{ "'IpAddress':{'aws:SourceIp':'0.0.0.0/0'}", REQ(ROLE, MOUNT, 0, "2001:db8::1", 1, NULL), 0 },
	{ "'IpAddress':{'aws:SourceIp':'2001:db8::/32'}", REQ(ROLE, MOUNT, 0, "2001:db8:ffff::1", 1, NULL), 1 },
	{ "'IpAddress':{'aws:SourceIp':'2001:db8::/32'}", REQ(ROLE, MOUNT, 0, "2001:db9::1", 1, NULL), 0 },
	{ "'IpAddress':{'aws:SourceIp':'2001:db8::/32'}", REQ(ROLE, MOUNT, 0, "10.1.2.3", 1, NULL), 0 },
	{ "'IpAddressIfExists':{'aws:SourceIp':'10.0.0.0/8'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'IpAddressIfExists':{'aws:SourceIp':'10.0.0.0/8'}", REQ(ROLE, MOUNT, 0, "11.0.0.1", 1, NULL), 0 },
	{ "'NotIpAddress':{'aws:SourceIp':'10.0.0.0/8'}", REQ(ROLE, MOUNT, 0, "10.1.2.3", 1, NULL), 0 },
	{ "'NotIpAddress':{'aws:SourceIp':'10.0.0.0/8'}", REQ(ROLE, MOUNT, 0, "192.168.1.1", 1, NULL), 1 },
	{ "'NotIpAddress':{'aws:SourceIp':'10.0.0.0/8'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'NotIpAddress':{'aws:SourceIp':['10.0.0.0/8','192.168.0.0/16']}", REQ(ROLE, MOUNT, 0, "192.168.1.1", 1, NULL), 0 },
	{ "'NotIpAddressIfExists':{'aws:SourceIp':'10.0.0.0/8'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'NotIpAddressIfExists':{'aws:SourceIp':'10.0.0.0/8'}", REQ(ROLE, MOUNT, 0, "10.9.9.9", 1, NULL), 0 },
	/* Null: "true" = the key is absent. */
	{ "'Null':{'elasticfilesystem:AccessPointArn':'true'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1 },
	{ "'Null':{'elasticfilesystem:AccessPointArn':'true'}", REQ(ROLE, MOUNT, 0, NULL, 1, AP), 0 },
	{ "'Null':{'elasticfilesystem:AccessPointArn':'false'}", REQ(ROLE, MOUNT, 0, NULL, 1, AP), 1 },
	{ "'Null':{'aws:PrincipalArn':'false'}", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0 },
	/* Keys in one operator AND; operators AND. */
	{ "'StringEquals':{'aws:PrincipalArn':'" ROLE "','elasticfilesystem:AccessPointArn':'" AP "'}", REQ(ROLE, MOUNT, 0, NULL, 1, AP), 1 },
	{ "'StringEquals':{'aws:PrincipalArn':'" ROLE "','elasticfilesystem:AccessPointArn':'" AP "'}", REQ(ROLE, MOUNT, 0, NULL, 1, AP2), 0 },
	{ "'StringEquals':{'aws:PrincipalArn':'" ROLE "','elasticfilesystem:AccessPointArn':'" AP "'}", REQ(USER, MOUNT, 0, NULL, 1, AP), 0 },
	{ "'Bool':{'aws:SecureTransport':'true'},'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}", REQ(ROLE, MOUNT, 1, "10.0.0.1", 1, NULL), 1 },
	{ "'Bool':{'aws:SecureTransport':'true'},'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}", REQ(ROLE, MOUNT, 0, "10.0.0.1", 1, NULL), 0 },
	{ "'Bool':{'aws:SecureTransport':'true'},'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}", REQ(ROLE, MOUNT, 1, "11.0.0.1", 1, NULL), 0 },
	/* The same key under an operator and its IfExists form: both apply. */
	{ "'StringLike':{'aws:PrincipalArn':'*:role/*'},'StringNotEqualsIfExists':{'aws:PrincipalArn':'" ROLE "'}", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 0 },
	{ "'StringLike':{'aws:PrincipalArn':'*:role/*'},'StringNotEqualsIfExists':{'aws:PrincipalArn':'" ROLE "'}", REQ(ADMIN, MOUNT, 0, NULL, 1, NULL), 1 },
	/* An empty Condition is no condition. */
	{ "", REQ(ANON, MOUNT, 0, NULL, 0, NULL), 1 },
};

/* Each condition vector gives its decision, statement 0 when it allows. */
START_TEST(test_conditions)
{
	const struct cond_vec *v = &cond_vecs[_i];
	struct policy_decision d;
	struct policy *p;
	char *json;

	xasprintf(&json, ALLOW_IF("%s"), v->cond);
	p = parse_ok(json);
	free(json);
	policy_evaluate(p, &v->req, &d);
	ck_assert_msg(d.effect == (v->allow ? A : I), "vector %d (%s): got %s",
	    _i, v->cond, policy_effect_name(d.effect));
	ck_assert_int_eq(d.statement, v->allow ? 0 : -1);
	ck_assert_str_eq(d.sid, v->allow ? "S" : "");
	policy_free(p);
}
END_TEST

/* ------------------------------------------------------------ statements */

#define DOC(...)	"{'Version':'2012-10-17','Statement':[" __VA_ARGS__ "]}"
#define ST(sid, eff, principal, action, resource) "{'Sid':'" sid "'," \
	"'Effect':'" eff "','Principal':" principal ",'Action':" action \
	",'Resource':" resource "}"
#define ANYONE		"{'AWS':'*'}"
#define ALLACT		"'elasticfilesystem:Client*'"

static const struct stmt_vec {
	const char	*name;
	const char	*policy;
	struct policy_request req;
	int		 identity;
	enum policy_effect want;
	int		 stmt;
	const char	*sid;
} stmt_vecs[] = {
	/* Anonymous callers match only "*" (EFS User Guide: IAM for NFS clients). */
	{ "anon vs *", DOC(ST("Any", "Allow", "'*'", ALLACT, "'*'")),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, A, 0, "Any" },
	{ "anon vs AWS *", DOC(ST("Any", "Allow", ANYONE, ALLACT, "'*'")),
	  REQ("", ROOT, 0, NULL, 1, NULL), 0, A, 0, "Any" },
	{ "anon vs AWS [*]", DOC(ST("Any", "Allow", "{'AWS':['" USER "','*']}", ALLACT, "'*'")),
	  REQ(ANON, WRITE, 0, NULL, 1, NULL), 0, A, 0, "Any" },
	{ "anon vs role", DOC(ST("R", "Allow", "{'AWS':'" ROLE "'}", ALLACT, "'*'")),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, I, -1, "" },
	{ "anon vs account", DOC(ST("R", "Allow", "{'AWS':'111122223333'}", ALLACT, "'*'")),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, I, -1, "" },
	{ "named vs role", DOC(ST("R", "Allow", "{'AWS':'" ROLE "'}", ALLACT, "'*'")),
	  REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 0, A, 0, "R" },
	{ "session vs role", DOC(ST("R", "Allow", "{'AWS':'" ROLE "'}", ALLACT, "'*'")),
	  REQ(SESS, MOUNT, 0, NULL, 1, NULL), 0, A, 0, "R" },
	{ "other role", DOC(ST("R", "Allow", "{'AWS':'" ROLE "'}", ALLACT, "'*'")),
	  REQ(ADMIN, MOUNT, 0, NULL, 1, NULL), 0, I, -1, "" },
	{ "other account's role", DOC(ST("R", "Allow", "{'AWS':'" ROLE "'}", ALLACT, "'*'")),
	  REQ(XACCT, MOUNT, 0, NULL, 1, NULL), 0, I, -1, "" },
	{ "account id", DOC(ST("Acct", "Allow", "{'AWS':'111122223333'}", ALLACT, "'*'")),
	  REQ(USER, WRITE, 0, NULL, 1, NULL), 0, A, 0, "Acct" },
	{ "account root", DOC(ST("Acct", "Allow", "{'AWS':'arn:aws:iam::111122223333:root'}", ALLACT, "'*'")),
	  REQ(SESS, WRITE, 0, NULL, 1, NULL), 0, A, 0, "Acct" },
	{ "account root, other account", DOC(ST("Acct", "Allow", "{'AWS':'arn:aws:iam::111122223333:root'}", ALLACT, "'*'")),
	  REQ(XACCT, WRITE, 0, NULL, 1, NULL), 0, I, -1, "" },
	{ "user list", DOC(ST("U", "Allow", "{'AWS':['" ADMIN "','" USER "']}", ALLACT, "'*'")),
	  REQ(USER, WRITE, 0, NULL, 1, NULL), 0, A, 0, "U" },
	/* Action wildcards, case-insensitive names, NotAction. */
	{ "Client* covers root", DOC(ST("W", "Allow", ANYONE, ALLACT, "'*'")),
	  REQ(ANON, ROOT, 0, NULL, 1, NULL), 0, A, 0, "W" },
	{ "?: ClientW?ite", DOC(ST("W", "Allow", ANYONE, "'elasticfilesystem:ClientW?ite'", "'*'")),
	  REQ(ANON, WRITE, 0, NULL, 1, NULL), 0, A, 0, "W" },
	{ "?: not mount", DOC(ST("W", "Allow", ANYONE, "'elasticfilesystem:ClientW?ite'", "'*'")),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, I, -1, "" },
	{ "action *", DOC(ST("W", "Allow", ANYONE, "'*'", "'*'")),
	  REQ(ANON, ROOT, 0, NULL, 1, NULL), 0, A, 0, "W" },
	{ "service:*", DOC(ST("W", "Allow", ANYONE, "'elasticfilesystem:*'", "'*'")),
	  REQ(ANON, ROOT, 0, NULL, 1, NULL), 0, A, 0, "W" },
	{ "other service", DOC(ST("W", "Allow", ANYONE, "'s3:*'", "'*'")),
	  REQ(ANON, ROOT, 0, NULL, 1, NULL), 0, I, -1, "" },
	{ "case-insensitive action", DOC(ST("W", "Allow", ANYONE, "'ELASTICFILESYSTEM:clientmount'", "'*'")),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, A, 0, "W" },
	{ "request case", DOC(ST("W", "Allow", ANYONE, "'elasticfilesystem:ClientMount'", "'*'")),
	  { .action = "ElasticFileSystem:CLIENTMOUNT", .resource_arn = FS }, 0, A, 0, "W" },
	{ "unknown action via glob", DOC(ST("W", "Allow", ANYONE, "'elasticfilesystem:Describe*'", "'*'")),
	  { .action = "elasticfilesystem:DescribeMountTargets", .resource_arn = FS }, 0, A, 0, "W" },
	{ "NotAction allows others", DOC("{'Sid':'N','Effect':'Allow','Principal':'*','NotAction':'elasticfilesystem:ClientRootAccess','Resource':'*'}"),
	  REQ(ANON, WRITE, 0, NULL, 1, NULL), 0, A, 0, "N" },
	{ "NotAction excludes", DOC("{'Sid':'N','Effect':'Allow','Principal':'*','NotAction':'elasticfilesystem:ClientRootAccess','Resource':'*'}"),
	  REQ(ANON, ROOT, 0, NULL, 1, NULL), 0, I, -1, "" },
	{ "NotAction wildcard", DOC("{'Sid':'N','Effect':'Allow','Principal':'*','NotAction':['elasticfilesystem:*Write','elasticfilesystem:*Root*'],'Resource':'*'}"),
	  REQ(ANON, WRITE, 0, NULL, 1, NULL), 0, I, -1, "" },
	/* Resources. */
	{ "exact resource", DOC(ST("R", "Allow", ANYONE, ALLACT, "'" FS "'")),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, A, 0, "R" },
	{ "other fs", DOC(ST("R", "Allow", ANYONE, ALLACT, "'" FS2 "'")),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, I, -1, "" },
	{ "resource wildcard", DOC(ST("R", "Allow", ANYONE, ALLACT, "'arn:aws:elasticfilesystem:*:111122223333:file-system/fs-0123*'")),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, A, 0, "R" },
	{ "resource ? wildcard", DOC(ST("R", "Allow", ANYONE, ALLACT, "['" FS2 "','arn:aws:elasticfilesystem:us-east-?:111122223333:file-system/fs-0123456789abcdef0']")),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, A, 0, "R" },
	{ "resource is case-sensitive", DOC(ST("R", "Allow", ANYONE, ALLACT, "'arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/FS-0123456789abcdef0'")),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, I, -1, "" },
	{ "NotResource", DOC("{'Sid':'NR','Effect':'Allow','Principal':'*','Action':'*','NotResource':'" FS2 "'}"),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, A, 0, "NR" },
	{ "NotResource excludes", DOC("{'Sid':'NR','Effect':'Allow','Principal':'*','Action':'*','NotResource':'" FS "'}"),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, I, -1, "" },
	{ "no Resource element", DOC("{'Sid':'NoRes','Effect':'Allow','Principal':'*','Action':'*'}"),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, A, 0, "NoRes" },
	/* Explicit Deny wins, whatever the order, and over identity grants. */
	{ "deny after allow", DOC(ST("All", "Allow", ANYONE, ALLACT, "'*'") "," ST("NoWrite", "Deny", ANYONE, "'elasticfilesystem:ClientWrite'", "'*'")),
	  REQ(ROLE, WRITE, 0, NULL, 1, NULL), 0, D, 1, "NoWrite" },
	{ "deny before allow", DOC(ST("NoWrite", "Deny", ANYONE, "'elasticfilesystem:ClientWrite'", "'*'") "," ST("All", "Allow", ANYONE, ALLACT, "'*'")),
	  REQ(ROLE, WRITE, 0, NULL, 1, NULL), 0, D, 0, "NoWrite" },
	{ "deny beats identity", DOC(ST("NoWrite", "Deny", ANYONE, "'elasticfilesystem:ClientWrite'", "'*'")),
	  REQ(ROLE, WRITE, 0, NULL, 1, NULL), 1, D, 0, "NoWrite" },
	{ "deny other action", DOC(ST("All", "Allow", ANYONE, ALLACT, "'*'") "," ST("NoWrite", "Deny", ANYONE, "'elasticfilesystem:ClientWrite'", "'*'")),
	  REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 0, A, 0, "All" },
	{ "deny one principal", DOC(ST("All", "Allow", ANYONE, ALLACT, "'*'") "," ST("NotAdmin", "Deny", "{'AWS':'" ADMIN "'}", ALLACT, "'*'")),
	  REQ(ADMIN, MOUNT, 0, NULL, 1, NULL), 0, D, 1, "NotAdmin" },
	{ "deny one principal, not others", DOC(ST("All", "Allow", ANYONE, ALLACT, "'*'") "," ST("NotAdmin", "Deny", "{'AWS':'" ADMIN "'}", ALLACT, "'*'")),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, A, 0, "All" },
	{ "first allow reported", DOC(ST("One", "Allow", ANYONE, ALLACT, "'*'") "," ST("Two", "Allow", ANYONE, ALLACT, "'*'")),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, A, 0, "One" },
	/* Identity grants fill in only an implicit deny. */
	{ "identity allows", DOC(ST("R", "Allow", "{'AWS':'" ROLE "'}", ALLACT, "'*'")),
	  REQ(USER, MOUNT, 0, NULL, 1, NULL), 1, A, -1, "" },
	{ "identity does not", DOC(ST("R", "Allow", "{'AWS':'" ROLE "'}", ALLACT, "'*'")),
	  REQ(USER, MOUNT, 0, NULL, 1, NULL), 0, I, -1, "" },
	{ "statement without Sid", DOC("{'Effect':'Allow','Principal':'*','Action':'*'}"),
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, A, 0, "" },
	{ "single statement object", "{'Statement':{'Sid':'Solo','Effect':'Allow','Principal':'*','Action':'*'}}",
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, A, 0, "Solo" },
	{ "Version 2008 literal ${", "{'Version':'2008-10-17','Statement':{'Sid':'Old','Effect':'Allow','Principal':'*','Action':'*','Resource':'arn:aws:x:::${y}'}}",
	  REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, I, -1, "" },
};

/* Each statement vector gives its decision and deciding statement. */
START_TEST(test_statements)
{
	const struct stmt_vec *v = &stmt_vecs[_i];
	struct policy_decision d;
	struct policy *p = parse_ok(v->policy);

	policy_decide(p, &v->req, v->identity, &d);
	ck_assert_msg(d.effect == v->want && d.statement == v->stmt,
	    "%s: got %s by %d, want %s by %d", v->name,
	    policy_effect_name(d.effect), d.statement,
	    policy_effect_name(v->want), v->stmt);
	ck_assert_str_eq(d.sid, v->sid);
	policy_free(p);
}
END_TEST

/* No policy is EFS's default: everyone may mount, write and be root. */
START_TEST(test_no_policy)
{
	struct policy_request r = REQ(ANON, ROOT, 0, NULL, 0, NULL);
	struct policy_decision d;

	policy_decide(NULL, &r, 0, &d);
	ck_assert_int_eq(d.effect, A);
	ck_assert_int_eq(d.statement, -1);
	policy_evaluate(NULL, &r, &d);
	ck_assert_int_eq(d.effect, I);
	ck_assert_uint_eq(policy_nstatements(NULL), 0);
	policy_free(NULL);
}
END_TEST

/* A Sid longer than the decision's buffer is truncated, not overflowed. */
START_TEST(test_long_sid)
{
	struct policy_request r = REQ(ANON, MOUNT, 0, NULL, 1, NULL);
	struct policy_decision d;
	char sid[301], *json;
	struct policy *p;

	memset(sid, 'x', 300);
	sid[300] = '\0';
	xasprintf(&json, "{'Statement':{'Sid':'%s','Effect':'Allow',"
	    "'Principal':'*','Action':'*'}}", sid);
	p = parse_ok(json);
	policy_evaluate(p, &r, &d);
	ck_assert_int_eq(d.effect, A);
	ck_assert_uint_eq(strlen(d.sid), sizeof d.sid - 1);
	policy_free(p);
	free(json);
}
END_TEST

/* ------------------------------------------------------------ presets */

/* Read an etc/ sample. */
static struct policy *
load_sample(const char *name)
{
	const char *src = getenv("abs_top_srcdir");
	struct policy *p;
	char *path, *cause;

	xasprintf(&path, "%s/etc/%s", src != NULL ? src : "..", name);
	if (policy_load(path, &p, &cause) != 0)
		ck_abort_msg("%s", cause);
	free(path);
	return p;
}

static const struct preset_vec {
	const char	*file;
	struct policy_request req;
	int		 identity;
	enum policy_effect want;
	int		 stmt;
} preset_vecs[] = {
	/* "Prevent root access by default": ClientRootAccess removed. */
	{ "policy-prevent-root.json", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, A, 0 },
	{ "policy-prevent-root.json", REQ(ANON, WRITE, 0, NULL, 1, NULL), 0, A, 0 },
	{ "policy-prevent-root.json", REQ(ANON, ROOT, 0, NULL, 1, NULL), 0, I, -1 },
	{ "policy-prevent-root.json", REQ(ROLE, ROOT, 0, NULL, 1, NULL), 1, A, -1 },
	{ "policy-prevent-root.json", REQ(ANON, MOUNT, 0, NULL, 0, NULL), 0, I, -1 },
	/* "Enforce read-only access by default": ClientWrite removed. */
	{ "policy-read-only.json", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, A, 0 },
	{ "policy-read-only.json", REQ(ANON, WRITE, 0, NULL, 1, NULL), 0, I, -1 },
	{ "policy-read-only.json", REQ(ANON, ROOT, 0, NULL, 1, NULL), 0, A, 0 },
	{ "policy-read-only.json", REQ(ROLE, WRITE, 0, NULL, 1, NULL), 1, A, -1 },
	/* "Prevent anonymous access": ClientMount removed. */
	{ "policy-prevent-anonymous.json", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, I, -1 },
	{ "policy-prevent-anonymous.json", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 0, I, -1 },
	{ "policy-prevent-anonymous.json", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1, A, -1 },
	{ "policy-prevent-anonymous.json", REQ(ROLE, WRITE, 0, NULL, 1, NULL), 0, A, 0 },
	/* "Enforce in-transit encryption": Deny when SecureTransport false. */
	{ "policy-enforce-tls.json", REQ(ANON, MOUNT, 0, NULL, 1, NULL), 0, D, 1 },
	{ "policy-enforce-tls.json", REQ(ROLE, MOUNT, 0, NULL, 1, NULL), 1, D, 1 },
	{ "policy-enforce-tls.json", REQ(ANON, MOUNT, 1, NULL, 1, NULL), 0, A, 0 },
	{ "policy-enforce-tls.json", REQ(ANON, ROOT, 1, NULL, 1, NULL), 0, A, 0 },
	/* An access point pinned by ArnEquals; root only for admins or via AP. */
	{ "policy-access-point.json", REQ(ROLE, MOUNT, 1, NULL, 1, AP), 0, A, 0 },
	{ "policy-access-point.json", REQ(SESS, WRITE, 1, NULL, 1, AP), 0, A, 0 },
	{ "policy-access-point.json", REQ(ROLE, MOUNT, 1, NULL, 1, NULL), 0, I, -1 },
	{ "policy-access-point.json", REQ(ROLE, MOUNT, 1, NULL, 1, AP2), 0, I, -1 },
	{ "policy-access-point.json", REQ(ROLE, MOUNT, 0, NULL, 1, AP), 0, I, -1 },
	{ "policy-access-point.json", REQ(ROLE, ROOT, 1, NULL, 1, NULL), 1, D, 2 },
	{ "policy-access-point.json", REQ(ROLE, ROOT, 1, NULL, 1, AP), 1, A, -1 },
	{ "policy-access-point.json", REQ(ANON, ROOT, 1, NULL, 1, NULL), 0, D, 2 },
	{ "policy-access-point.json", REQ(ADMIN, ROOT, 1, "192.0.2.7", 1, NULL), 0, A, 1 },
	{ "policy-access-point.json", REQ(ADMIN, ROOT, 1, "2001:db8:1:2::3", 1, NULL), 0, A, 1 },
	{ "policy-access-point.json", REQ(ADMIN, ROOT, 1, "198.51.100.1", 1, NULL), 0, I, -1 },
	{ "policy-access-point.json", REQ(ADMIN, ROOT, 0, "192.0.2.7", 1, NULL), 0, I, -1 },
};

/* The EFS console presets in etc/ behave as the console describes. */
START_TEST(test_presets)
{
	const struct preset_vec *v = &preset_vecs[_i];
	struct policy_decision d;
	struct policy *p = load_sample(v->file);

	policy_decide(p, &v->req, v->identity, &d);
	ck_assert_msg(d.effect == v->want && d.statement == v->stmt,
	    "%s vector %d: got %s by %d", v->file, _i,
	    policy_effect_name(d.effect), d.statement);
	policy_free(p);
}
END_TEST

/* ------------------------------------------------------------ refusals */

static const struct bad_vec {
	const char	*json;
	int		 code;
	const char	*cause;		/* must appear in the message */
} bad_vecs[] = {
	{ "", EFSGW_ERR_SYNTAX, "line 1, column 0: " },
	{ "{", EFSGW_ERR_SYNTAX, "line 1, column 1: " },
	{ "{\n 'Version': '2012-10-17',\n 'Statement': [\n  {'Effect': 'Allow',,}\n ]\n}",
	  EFSGW_ERR_SYNTAX, "line 4, column 22: string or '}' expected" },
	{ "{'Statement':{'Effect':'Allow','Principal':'*','Action':'*'}} x",
	  EFSGW_ERR_SYNTAX, "end of file expected" },
	{ "{'Version':'2012-10-17','Version':'2012-10-17','Statement':{'Effect':'Allow','Principal':'*','Action':'*'}}",
	  EFSGW_ERR_SYNTAX, "duplicate object key" },
	{ "{'Statement':{'Effect':'Allow','Effect':'Deny','Principal':'*','Action':'*'}}",
	  EFSGW_ERR_SYNTAX, "line 1, column 39: duplicate object key near" },
	{ "[]", EFSGW_ERR_BAD_VALUE, "must be a JSON object" },
	{ "{'Version':'2012-10-17','Statement':[],'Foo':1}", EFSGW_ERR_BAD_VALUE,
	  "unknown top-level key 'Foo'" },
	{ "{'statement':[]}", EFSGW_ERR_BAD_VALUE, "did you mean 'Statement'?" },
	{ "{'Version':'2012-10-17'}", EFSGW_ERR_BAD_VALUE, "Statement is missing" },
	{ "{'Version':'2012-10-17','Statement':[]}", EFSGW_ERR_BAD_VALUE, "empty list" },
	{ "{'Version':'2012-10-17','Statement':'x'}", EFSGW_ERR_BAD_VALUE, "Statement must be" },
	{ "{'Version':'2020-01-01','Statement':[]}", EFSGW_ERR_BAD_VALUE, "Version must be" },
	{ "{'Id':5,'Statement':[]}", EFSGW_ERR_BAD_VALUE, "Id must be" },
	{ DOC("{'Effect':'Allow','Principal':'*','Action':'*','Actions':'*'}"),
	  EFSGW_ERR_BAD_VALUE, "Statement[0]: unknown statement key 'Actions'" },
	{ DOC("{'Sid':'A','Effect':'Allow','Principal':'*','Action':'*'},{'Sid':'Two','Effect':'allow','Principal':'*','Action':'*'}"),
	  EFSGW_ERR_BAD_VALUE, "Statement[1] (Sid \"Two\"): Effect must be" },
	{ DOC("{'Principal':'*','Action':'*'}"), EFSGW_ERR_BAD_VALUE, "Effect is missing" },
	{ DOC("{'Sid':7,'Effect':'Allow','Principal':'*','Action':'*'}"), EFSGW_ERR_BAD_VALUE, "Sid must be" },
	{ DOC("3"), EFSGW_ERR_BAD_VALUE, "a statement must be a JSON object" },
	{ DOC("{'Effect':'Allow','NotPrincipal':{'AWS':'" ROLE "'},'Action':'*'}"),
	  EFSGW_ERR_BAD_VALUE, "NotPrincipal is not supported" },
	{ DOC("{'Effect':'Allow','Action':'*'}"), EFSGW_ERR_BAD_VALUE, "Principal is missing" },
	{ DOC("{'Effect':'Allow','Principal':{'Service':'ec2.amazonaws.com'},'Action':'*'}"),
	  EFSGW_ERR_BAD_VALUE, "Principal type 'Service' is not supported" },
	{ DOC("{'Effect':'Allow','Principal':'" ROLE "','Action':'*'}"),
	  EFSGW_ERR_BAD_VALUE, "Principal must be \"*\" or {\"AWS\": ...}" },
	{ DOC("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::111122223333:role/*'},'Action':'*'}"),
	  EFSGW_ERR_BAD_VALUE, "only as \"*\" on its own" },
	{ DOC("{'Effect':'Allow','Principal':{'AWS':'bob'},'Action':'*'}"),
	  EFSGW_ERR_BAD_VALUE, "Principal AWS 'bob' is not an account id" },
	{ DOC("{'Effect':'Allow','Principal':{'AWS':[]},'Action':'*'}"),
	  EFSGW_ERR_BAD_VALUE, "Principal AWS is an empty list" },
	{ DOC("{'Effect':'Allow','Principal':'*'}"), EFSGW_ERR_BAD_VALUE, "Action (or NotAction) is missing" },
	{ DOC("{'Effect':'Allow','Principal':'*','Action':'*','NotAction':'*'}"),
	  EFSGW_ERR_BAD_VALUE, "cannot both be present" },
	{ DOC("{'Effect':'Allow','Principal':'*','Action':'ClientMount'}"),
	  EFSGW_ERR_BAD_VALUE, "Action 'ClientMount' is not an action" },
	{ DOC("{'Effect':'Allow','Principal':'*','Action':['elasticfilesystem:ClientMount',3]}"),
	  EFSGW_ERR_BAD_VALUE, "Action[1] must be a string" },
	{ DOC("{'Effect':'Allow','Principal':'*','Action':'*','Resource':'fs-12345678'}"),
	  EFSGW_ERR_BAD_VALUE, "Resource 'fs-12345678' must be \"*\" or an ARN" },
	{ DOC("{'Effect':'Allow','Principal':'*','Action':'*','Resource':'*','NotResource':'*'}"),
	  EFSGW_ERR_BAD_VALUE, "Resource and NotResource cannot both be present" },
	{ DOC("{'Effect':'Allow','Principal':'*','Action':'*','Resource':'arn:aws:elasticfilesystem:*:*:file-system/${aws:username}'}"),
	  EFSGW_ERR_BAD_VALUE, "policy variable" },
	{ DOC("{'Effect':'Allow','Principal':'*','Action':'*','Condition':[]}"),
	  EFSGW_ERR_BAD_VALUE, "Condition must be an object" },
	{ ALLOW_IF("'StringEqualz':{'aws:PrincipalArn':'x'}"), EFSGW_ERR_BAD_VALUE,
	  "Statement[0] (Sid \"S\"): unknown condition operator 'StringEqualz'" },
	{ ALLOW_IF("'NumericEquals':{'aws:PrincipalArn':'1'}"), EFSGW_ERR_BAD_VALUE,
	  "unknown condition operator 'NumericEquals'" },
	{ ALLOW_IF("'ForAnyValue:StringEquals':{'aws:PrincipalArn':'x'}"), EFSGW_ERR_BAD_VALUE,
	  "ForAnyValue:/ForAllValues: set qualifiers are not supported" },
	{ ALLOW_IF("'ForAllValues:StringLike':{'aws:PrincipalArn':'x'}"), EFSGW_ERR_BAD_VALUE,
	  "ForAnyValue:/ForAllValues: set qualifiers are not supported" },
	{ ALLOW_IF("'StringEquals':{'aws:SourceVpc':'vpc-1'}"), EFSGW_ERR_BAD_VALUE,
	  "unknown condition key 'aws:SourceVpc'" },
	{ ALLOW_IF("'StringEquals':'x'"), EFSGW_ERR_BAD_VALUE, "must map condition keys" },
	{ ALLOW_IF("'StringEquals':{'aws:PrincipalArn':[]}"), EFSGW_ERR_BAD_VALUE, "list of values is empty" },
	{ ALLOW_IF("'StringEquals':{'aws:PrincipalArn':{'a':1}}"), EFSGW_ERR_BAD_VALUE, "a value must be a string" },
	{ ALLOW_IF("'StringEquals':{'aws:PrincipalArn':1.5}"), EFSGW_ERR_BAD_VALUE, "a value must be a string" },
	{ ALLOW_IF("'StringEquals':{'aws:PrincipalArn':'${aws:username}'}"), EFSGW_ERR_BAD_VALUE, "policy variable" },
	{ ALLOW_IF("'Bool':{'aws:SecureTransport':'yes'}"), EFSGW_ERR_BAD_VALUE, "must be \"true\" or \"false\"" },
	{ ALLOW_IF("'Bool':{'aws:PrincipalArn':'true'}"), EFSGW_ERR_BAD_VALUE, "Bool cannot test aws:PrincipalArn" },
	{ ALLOW_IF("'IpAddress':{'aws:PrincipalArn':'10.0.0.0/8'}"), EFSGW_ERR_BAD_VALUE, "IpAddress cannot test aws:PrincipalArn" },
	{ ALLOW_IF("'ArnLike':{'aws:SecureTransport':'true'}"), EFSGW_ERR_BAD_VALUE, "ArnLike cannot test aws:SecureTransport (use Bool)" },
	{ ALLOW_IF("'StringEquals':{'aws:SourceIp':'10.0.0.1'}"), EFSGW_ERR_BAD_VALUE, "use IpAddress or NotIpAddress" },
	{ ALLOW_IF("'IpAddress':{'aws:SourceIp':'10.0.0.0/33'}"), EFSGW_ERR_BAD_VALUE, "'10.0.0.0/33' is not an IPv4 or IPv6" },
	{ ALLOW_IF("'IpAddress':{'aws:SourceIp':'10.0.0/8'}"), EFSGW_ERR_BAD_VALUE, "is not an IPv4 or IPv6" },
	{ ALLOW_IF("'NotIpAddress':{'aws:SourceIp':'2001:db8::/129'}"), EFSGW_ERR_BAD_VALUE, "is not an IPv4 or IPv6" },
	{ ALLOW_IF("'IpAddress':{'aws:SourceIp':'10.0.0.0/'}"), EFSGW_ERR_BAD_VALUE, "is not an IPv4 or IPv6" },
	{ ALLOW_IF("'NullIfExists':{'aws:PrincipalArn':'true'}"), EFSGW_ERR_BAD_VALUE, "Null has no IfExists form" },
	{ ALLOW_IF("'Null':{'aws:PrincipalArn':'maybe'}"), EFSGW_ERR_BAD_VALUE, "must be \"true\" or \"false\"" },
};

/* Each bad policy is refused with its code and a message that locates it. */
START_TEST(test_bad)
{
	const struct bad_vec *v = &bad_vecs[_i];
	struct policy *p = (struct policy *)1;
	char *text = q(v->json), *cause = NULL;
	int r;

	r = policy_parse(text, strlen(text), &p, &cause);
	ck_assert_msg(r == v->code, "vector %d: got %d (%s)", _i, r,
	    cause != NULL ? cause : "-");
	ck_assert_ptr_null(p);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, v->cause) != NULL, "vector %d: '%s' lacks '%s'",
	    _i, cause, v->cause);
	free(cause);
	free(text);
}
END_TEST

/* EFS's limit is 20,000 characters: 20,000 pass, 20,001 are refused. */
START_TEST(test_size_limit)
{
	struct policy *p;
	char *buf, *cause;
	size_t hl, n;
	static const char head[] = "{\"Statement\":{\"Sid\":\"S\","
	    "\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\"}";

	hl = strlen(head);
	for (n = POLICY_MAX_CHARS; n <= POLICY_MAX_CHARS + 1; n++) {
		buf = xmalloc(n + 1);
		memcpy(buf, head, hl);
		memset(buf + hl, ' ', n - hl - 1);
		buf[n - 1] = '}';
		buf[n] = '\0';
		ck_assert_uint_eq(strlen(buf), n);
		if (n == POLICY_MAX_CHARS) {
			if (policy_parse(buf, n, &p, &cause) != 0)
				ck_abort_msg("%s", cause);
			policy_free(p);
		} else {
			ck_assert_int_eq(policy_parse(buf, n, &p, &cause),
			    EFSGW_ERR_TOO_LONG);
			ck_assert_ptr_null(p);
			ck_assert_ptr_nonnull(strstr(cause, "20001 characters"));
			free(cause);
		}
		free(buf);
	}
}
END_TEST

/* Characters, not bytes: 20,000 two-byte characters still fit. */
START_TEST(test_size_utf8)
{
	struct policy *p;
	char *buf, *cause;
	size_t hl, i, n = 0;
	const char *head = "{\"Statement\":{\"Sid\":\"";
	const char *tail = "\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\"}}";

	buf = xmalloc(POLICY_MAX_CHARS * 2 + 1);
	hl = strlen(head);
	memcpy(buf, head, hl);
	n = hl;
	for (i = 0; i < POLICY_MAX_CHARS - hl - strlen(tail); i++) {
		buf[n++] = (char)0xc3;		/* U+00E9 */
		buf[n++] = (char)0xa9;
	}
	memcpy(buf + n, tail, strlen(tail));
	n += strlen(tail);
	ck_assert_uint_gt(n, POLICY_MAX_CHARS);
	if (policy_parse(buf, n, &p, &cause) != 0)
		ck_abort_msg("%s", cause);
	policy_free(p);
	free(buf);
}
END_TEST

/* policy_load names the file, and a missing file is an error, not a crash. */
START_TEST(test_load_errors)
{
	struct policy *p;
	char *cause, path[] = "/tmp/check_policy.XXXXXX";
	FILE *f;
	int fd;

	ck_assert_int_eq(policy_load("/nonexistent/policy.json", &p, &cause),
	    EFSGW_ERR_SYSTEM);
	ck_assert_ptr_nonnull(strstr(cause, "/nonexistent/policy.json: "));
	free(cause);
	ck_assert_int_ne(fd = mkstemp(path), -1);
	f = fdopen(fd, "w");
	fputs("{\n  \"Statement\": {\n    \"Effect\": \"Allow\"\n    \"Action\": \"*\"\n  }\n}\n", f);
	fclose(f);
	ck_assert_int_eq(policy_load(path, &p, &cause), EFSGW_ERR_SYNTAX);
	ck_assert_ptr_nonnull(strstr(cause, path));
	ck_assert_ptr_nonnull(strstr(cause, "line 4, column"));
	free(cause);
	unlink(path);
}
END_TEST

/* The explanation says what each statement does in plain words. */
START_TEST(test_explain)
{
	struct policy *p = load_sample("policy-access-point.json");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	policy_explain(p, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "Statement 0 (Sid \"AppViaAccessPoint\"): ALLOW"));
	ck_assert_ptr_nonnull(strstr(text, "and its assumed-role sessions"));
	ck_assert_ptr_nonnull(strstr(text, "any principal of account 111122223333"));
	ck_assert_ptr_nonnull(strstr(text, "NFS client actions covered: ClientMount, ClientWrite, ClientRootAccess"));
	ck_assert_ptr_nonnull(strstr(text, "elasticfilesystem:AccessPointArn is absent [Null]"));
	ck_assert_ptr_nonnull(strstr(text, "also holds when the key is absent"));
	ck_assert_ptr_nonnull(strstr(text, "anyone, anonymous clients included"));
	free(text);
	policy_free(p);
}
END_TEST

/* ------------------------------------------------------------ robustness */

static const char fuzz_sample[] =
	"{'Version':'2012-10-17','Id':'fuzz','Statement':["
	"{'Sid':'A','Effect':'Allow','Principal':{'AWS':['*','" ROLE "','111122223333']},"
	"'Action':['elasticfilesystem:Client*','elasticfilesystem:ClientW?ite'],"
	"'Resource':['" FS "','arn:aws:elasticfilesystem:*:*:file-system/*'],"
	"'Condition':{'Bool':{'aws:SecureTransport':'true'},"
	"'IpAddressIfExists':{'aws:SourceIp':['10.0.0.0/8','2001:db8::/32']},"
	"'StringLike':{'aws:PrincipalArn':'arn:*:iam::*:role/*'},"
	"'ArnEquals':{'elasticfilesystem:AccessPointArn':'" AP "'},"
	"'Null':{'elasticfilesystem:AccessPointArn':'false'}}},"
	"{'Sid':'D','Effect':'Deny','Principal':'*','NotAction':'elasticfilesystem:ClientMount',"
	"'NotResource':'" FS2 "','Condition':{'NotIpAddress':{'aws:SourceIp':'192.0.2.0/24'},"
	"'StringNotEqualsIgnoreCase':{'aws:PrincipalArn':'" USER "'}}}]}";

/* Evaluate a few requests against a policy that happened to parse. */
static void
fuzz_evaluate(const struct policy *p)
{
	static const struct policy_request reqs[] = {
		REQ(ROLE, MOUNT, 1, "10.0.0.1", 1, AP),
		REQ(ANON, WRITE, 0, NULL, 1, NULL),
		REQ(SESS, ROOT, 1, "2001:db8::5", 0, AP2),
		{ .action = "x", .resource_arn = "" },
		{ .principal_arn = "arn:", .action = "", .resource_arn = "arn:aws" },
	};
	struct policy_decision d;
	size_t i;

	for (i = 0; i < nitems(reqs); i++)
		policy_decide(p, &reqs[i], (int)(i & 1), &d);
}

/* Every truncation and every single-bit flip of a sample: no crash, no leak. */
START_TEST(test_fuzz)
{
	char *text = q(fuzz_sample), *buf, *cause;
	size_t len = strlen(text), n, bit;
	struct policy *p;
	unsigned ok = 0, bad = 0;

	if (policy_parse(text, len, &p, &cause) != 0)
		ck_abort_msg("sample: %s", cause);
	fuzz_evaluate(p);
	policy_free(p);
	buf = xmalloc(len);
	for (n = 0; n < len; n++) {
		memcpy(buf, text, n);
		if (policy_parse(buf, n, &p, &cause) == 0) {
			fuzz_evaluate(p);
			policy_free(p);
			ok++;
		} else {
			ck_assert_ptr_null(p);
			free(cause);
			bad++;
		}
	}
	for (bit = 0; bit < len * 8; bit++) {
		memcpy(buf, text, len);
		buf[bit / 8] ^= (char)(1u << (bit % 8));
		if (policy_parse(buf, len, &p, &cause) == 0) {
			fuzz_evaluate(p);
			policy_free(p);
			ok++;
		} else {
			ck_assert_ptr_null(p);
			free(cause);
			bad++;
		}
	}
	ck_assert_uint_gt(ok, 0);
	ck_assert_uint_gt(bad, 0);
	free(buf);
	free(text);
}
END_TEST

/* ------------------------------------------------------------ speed */

/* CPU nanoseconds of this thread, so that a loaded machine skews less. */
static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * A ten-statement policy decides in well under a microsecond: measured and
 * printed (about 0.4 us at -O2), asserted only loosely so that sanitizer
 * and valgrind runs pass.
 */
START_TEST(test_speed)
{
	static const struct policy_request reqs[] = {
		REQ(ROLE, MOUNT, 1, "10.0.0.1", 1, AP),
		REQ(ANON, WRITE, 0, "192.0.2.9", 1, NULL),
		REQ(ADMIN, ROOT, 1, "2001:db8::5", 1, NULL),
		REQ(SESS, WRITE, 1, "10.9.8.7", 1, AP2),
	};
	struct policy_decision d;
	struct policy *p;
	char *json;
	unsigned i, round, n = 100000, allow = 0;
	double t0, ns, best = 1e30;

	xasprintf(&json, DOC(
	    "{'Sid':'S0','Effect':'Deny','Principal':'*','Action':'*','Resource':'*','Condition':{'Bool':{'aws:SecureTransport':'false'},'NotIpAddress':{'aws:SourceIp':['192.0.2.0/24','198.51.100.0/24']}}},"
	    "{'Sid':'S1','Effect':'Deny','Principal':{'AWS':'" USER "'},'Action':'elasticfilesystem:ClientRootAccess','Resource':'*'},"
	    "{'Sid':'S2','Effect':'Allow','Principal':{'AWS':'" ROLE "'},'Action':'elasticfilesystem:Client*','Resource':'" FS "','Condition':{'ArnEquals':{'elasticfilesystem:AccessPointArn':'" AP "'}}},"
	    "{'Sid':'S3','Effect':'Allow','Principal':{'AWS':['111122223333','" XACCT "']},'Action':['elasticfilesystem:ClientMount','elasticfilesystem:ClientWrite'],'Resource':'arn:aws:elasticfilesystem:*:111122223333:file-system/fs-*','Condition':{'StringLike':{'aws:PrincipalArn':'arn:aws:iam::*:role/team-*'}}},"
	    "{'Sid':'S4','Effect':'Allow','Principal':'*','Action':'elasticfilesystem:ClientMount','Resource':'*','Condition':{'Bool':{'elasticfilesystem:AccessedViaMountTarget':'true'},'IpAddress':{'aws:SourceIp':['10.0.0.0/8','172.16.0.0/12','2001:db8::/32']}}},"
	    "{'Sid':'S5','Effect':'Allow','Principal':{'AWS':'" ADMIN "'},'Action':'*','Resource':'*','Condition':{'IpAddress':{'aws:SourceIp':'2001:db8::/48'}}},"
	    "{'Sid':'S6','Effect':'Deny','Principal':'*','Action':'elasticfilesystem:ClientWrite','Resource':'" FS2 "'},"
	    "{'Sid':'S7','Effect':'Allow','Principal':'*','NotAction':'elasticfilesystem:ClientRootAccess','Resource':'*','Condition':{'StringEqualsIgnoreCase':{'aws:PrincipalArn':'" SESS "'}}},"
	    "{'Sid':'S8','Effect':'Deny','Principal':'*','Action':'*','Resource':'*','Condition':{'ArnLike':{'aws:PrincipalArn':'arn:aws:iam::444455556666:*'}}},"
	    "{'Sid':'S9','Effect':'Allow','Principal':'*','Action':'elasticfilesystem:ClientWrite','Resource':'*','Condition':{'Null':{'elasticfilesystem:AccessPointArn':'false'},'StringNotLike':{'aws:PrincipalArn':'*:user/*'}}}"));
	p = parse_ok(json);
	free(json);
	ck_assert_uint_eq(policy_nstatements(p), 10);
	/* Best of five rounds: the least disturbed one is the engine's cost. */
	for (round = 0; round < 5; round++) {
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			policy_decide(p, &reqs[i & 3], 0, &d);
			allow += d.effect == A;
		}
		ns = (now_ns() - t0) / n;
		if (ns < best)
			best = ns;
	}
	ns = best;
	ck_assert_uint_eq(allow, 5 * n * 3 / 4);
	printf("check_policy: %.1f ns/decision (10 statements, best of 5 "
	    "rounds of %u decisions, CPU time)\n", ns, n);
	policy_free(p);
	/* Loose: valgrind runs about 70 times slower than the real thing. */
	ck_assert_double_lt(ns, 100000.0);
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_conditions, 0, (int)nitems(cond_vecs));
	tcase_add_loop_test(tc, test_statements, 0, (int)nitems(stmt_vecs));
	tcase_add_test(tc, test_no_policy);
	tcase_add_test(tc, test_long_sid);
	tcase_add_loop_test(tc, test_presets, 0, (int)nitems(preset_vecs));
	tcase_add_loop_test(tc, test_bad, 0, (int)nitems(bad_vecs));
	tcase_add_test(tc, test_size_limit);
	tcase_add_test(tc, test_size_utf8);
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_explain);
	tcase_add_test(tc, test_fuzz);
	tcase_add_test(tc, test_speed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
