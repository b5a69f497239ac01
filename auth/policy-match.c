/*
 * efsgw - the matching primitives of the policy engine: IAM wildcards
 * ('*' any run, '?' one character), ARNs compared component by component
 * (ArnLike), CIDR ranges (IpAddress) and principals. Patterns are
 * compiled once at parse time; the match functions never allocate, so an
 * NFS call pays only for the comparisons.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "policy-int.h"

/* An ARN has six colon-separated parts; the last may hold more colons. */
#define ARN_PARTS	6

/* A piece of a string that is not NUL-terminated where it ends. */
struct span {
	const char	*p;
	size_t		 len;
};

/* Compare two bytes, folding ASCII case when icase. */
static int
match_eq(char a, char b, int icase)
{
	if (a == b)
		return 1;
	return icase && tolower((unsigned char)a) == tolower((unsigned char)b);
}

/*
 * Match s against pattern p, both spans. Greedy with one backtrack point:
 * with only '*' and '?' the most recent star is the only one that ever
 * needs to absorb more, so this is linear in practice and never recurses.
 */
static int
match_span(const char *p, size_t plen, const char *s, size_t slen, int icase)
{
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;

	while (si < slen) {
		if (pi < plen && p[pi] == '*') {
			star = pi++;
			mark = si;
			continue;
		}
		if (pi < plen && (p[pi] == '?' || match_eq(p[pi], s[si], icase))) {
			pi++;
			si++;
			continue;
		}
		if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
			continue;
		}
		return 0;
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}

/* Compile pattern s (wildcards: whether '*' and '?' are special). */
void
policy_match_glob_compile(struct policy_glob *g, const char *s, int icase,
    int wildcards)
{
	size_t len = strlen(s), i;
	int stars = 0, quest = 0;

	g->pat = s;
	g->len = len;
	g->icase = icase != 0;
	if (!wildcards) {
		g->kind = POLICY_GLOB_EXACT;
		return;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '*')
			stars++;
		else if (s[i] == '?')
			quest++;
	}
	if (len == 1 && stars == 1)
		g->kind = POLICY_GLOB_ANY;
	else if (stars == 0 && quest == 0)
		g->kind = POLICY_GLOB_EXACT;
	else if (stars == 1 && quest == 0 && s[len - 1] == '*') {
		g->kind = POLICY_GLOB_PREFIX;
		g->len = len - 1;
	} else
		g->kind = POLICY_GLOB_FULL;
}

/* Whether s matches g. */
int
policy_match_glob(const struct policy_glob *g, const char *s)
{
	switch (g->kind) {
	case POLICY_GLOB_ANY:
		return 1;
	case POLICY_GLOB_EXACT:
		return g->icase ? strcasecmp(g->pat, s) == 0 :
		    strcmp(g->pat, s) == 0;
	case POLICY_GLOB_PREFIX:
		return g->icase ? strncasecmp(g->pat, s, g->len) == 0 :
		    strncmp(g->pat, s, g->len) == 0;
	default:
		return match_span(g->pat, g->len, s, strlen(s), g->icase);
	}
}

/* Split s into its ARN_PARTS parts; 0 when it has fewer than five colons. */
static int
match_arn_split(const char *s, struct span part[ARN_PARTS])
{
	const char *c;
	int i;

	for (i = 0; i < ARN_PARTS - 1; i++) {
		if ((c = strchr(s, ':')) == NULL)
			return 0;
		part[i].p = s;
		part[i].len = (size_t)(c - s);
		s = c + 1;
	}
	part[i].p = s;
	part[i].len = strlen(s);
	return 1;
}

/*
 * ArnEquals / ArnLike: IAM checks each of the six colon-separated parts on
 * its own, so a '*' in the region never swallows the account. A pattern
 * without a colon (typically "*") is matched against the whole string.
 */
int
policy_match_arn(const char *pat, const char *s)
{
	struct span pp[ARN_PARTS], sp[ARN_PARTS];
	int i;

	if (strchr(pat, ':') == NULL)
		return match_span(pat, strlen(pat), s, strlen(s), 0);
	if (!match_arn_split(pat, pp) || !match_arn_split(s, sp))
		return 0;
	for (i = 0; i < ARN_PARTS; i++) {
		if (!match_span(pp[i].p, pp[i].len, sp[i].p, sp[i].len, 0))
			return 0;
	}
	return 1;
}

/* Zero the host bits of c beyond its prefix length. */
static void
match_cidr_mask(struct policy_cidr *c)
{
	unsigned n = c->family == 4 ? 4 : 16, i, bits = c->bits;

	for (i = 0; i < n; i++) {
		if (bits >= 8)
			bits -= 8;
		else {
			c->addr[i] &= (uint8_t)(0xff00 >> bits);
			bits = 0;
		}
	}
}

/*
 * Parse an IpAddress value: an IPv4 or IPv6 address with an optional
 * "/prefix" (RFC 4632 §3.1, RFC 4291 §2.3). A bare address is a /32 or
 * /128. An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2)
 * becomes the IPv4 address, as a dual-stack listener reports it.
 */
int
policy_match_cidr_parse(const char *s, struct policy_cidr *c)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash;
	size_t alen;
	unsigned long bits;
	char *end;
	unsigned max;

	memset(c, 0, sizeof *c);
	slash = strchr(s, '/');
	alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof buf)
		return EFSGW_ERR_BAD_VALUE;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (strchr(buf, ':') != NULL) {
		if (inet_pton(AF_INET6, buf, c->addr) != 1)
			return EFSGW_ERR_BAD_VALUE;
		c->family = 6;
		max = 128;
	} else {
		if (inet_pton(AF_INET, buf, c->addr) != 1)
			return EFSGW_ERR_BAD_VALUE;
		c->family = 4;
		max = 32;
	}
	bits = max;
	if (slash != NULL) {
		if (!isdigit((unsigned char)slash[1]))
			return EFSGW_ERR_BAD_VALUE;
		bits = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || bits > max || end - (slash + 1) > 3)
			return EFSGW_ERR_BAD_VALUE;
	}
	c->bits = (uint8_t)bits;
	if (c->family == 6 && c->bits == 128) {
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		    0xff, 0xff };
		if (memcmp(c->addr, mapped, sizeof mapped) == 0) {
			memmove(c->addr, c->addr + 12, 4);
			memset(c->addr + 4, 0, 12);
			c->family = 4;
			c->bits = 32;
		}
	}
	match_cidr_mask(c);
	return 0;
}

/* Whether address a (a /32 or /128) is inside range c. */
int
policy_match_cidr(const struct policy_cidr *c, const struct policy_cidr *a)
{
	unsigned full = c->bits / 8, rest = c->bits % 8;

	if (c->family != a->family)
		return 0;
	if (memcmp(c->addr, a->addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return (a->addr[full] & (uint8_t)(0xff00 >> rest)) == c->addr[full];
}

/* Copy span sp into dst (size dstlen); 0 if it does not fit. */
static int
match_span_copy(char *dst, size_t dstlen, const struct span *sp)
{
	if (sp->len >= dstlen)
		return 0;
	memcpy(dst, sp->p, sp->len);
	dst[sp->len] = '\0';
	return 1;
}

/* Whether sp is exactly twelve digits, an AWS account id. */
static int
match_is_account(const char *p, size_t len)
{
	size_t i;

	if (len != 12)
		return 0;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)p[i]))
			return 0;
	return 1;
}

/*
 * Parse one value of Principal "AWS": an account id or its root ARN (every
 * principal of the account), a role ARN (the role and its assumed-role
 * sessions, as IAM matches them), or any other ARN (exactly). IAM allows no
 * wildcard inside a principal, only "*" alone, which the caller handles.
 */
int
policy_match_principal_parse(struct policy *p, const char *s,
    struct policy_principal *pr)
{
	struct span part[ARN_PARTS];
	const char *slash;

	memset(pr, 0, sizeof *pr);
	pr->arn = s;
	if (strpbrk(s, "*?") != NULL)
		return EFSGW_ERR_BAD_VALUE;
	if (match_is_account(s, strlen(s))) {
		pr->kind = POLICY_PRINCIPAL_ACCOUNT;
		memcpy(pr->account, s, 12);
		return 0;
	}
	if (strncmp(s, "arn:", 4) != 0 || !match_arn_split(s, part) ||
	    part[1].len == 0 || part[2].len == 0 || part[5].len == 0)
		return EFSGW_ERR_BAD_VALUE;
	if (!match_span_copy(pr->partition, sizeof pr->partition, &part[1]) ||
	    !match_span_copy(pr->account, sizeof pr->account, &part[4]))
		return EFSGW_ERR_BAD_VALUE;
	pr->kind = POLICY_PRINCIPAL_ARN;
	if (part[2].len != 3 || memcmp(part[2].p, "iam", 3) != 0)
		return 0;
	if (part[5].len == 4 && memcmp(part[5].p, "root", 4) == 0) {
		pr->kind = POLICY_PRINCIPAL_ACCOUNT;
		return 0;
	}
	if (part[5].len > 5 && memcmp(part[5].p, "role/", 5) == 0) {
		slash = strrchr(part[5].p, '/');
		if (slash[1] == '\0')
			return EFSGW_ERR_BAD_VALUE;
		pr->kind = POLICY_PRINCIPAL_ROLE;
		pr->role = slash + 1;
	}
	return 0;
}

/* Whether span sp equals NUL-terminated s. */
static int
match_span_is(const struct span *sp, const char *s)
{
	return strlen(s) == sp->len && memcmp(sp->p, s, sp->len) == 0;
}

/*
 * Whether caller ARN arn is principal pr. A role principal also matches its
 * sessions, arn:P:sts::A:assumed-role/NAME/SESSION, which is what a caller
 * holding the role's temporary credentials presents.
 */
int
policy_match_principal(const struct policy_principal *pr, const char *arn)
{
	struct span part[ARN_PARTS];
	const char *rest, *slash;
	size_t rlen;

	if (strcmp(pr->arn, arn) == 0)
		return 1;
	if (pr->kind == POLICY_PRINCIPAL_ARN)
		return 0;
	if (strncmp(arn, "arn:", 4) != 0 || !match_arn_split(arn, part))
		return 0;
	if (!match_span_is(&part[4], pr->account))
		return 0;
	if (pr->partition[0] != '\0' && !match_span_is(&part[1], pr->partition))
		return 0;
	if (pr->kind == POLICY_PRINCIPAL_ACCOUNT)
		return 1;
	/* ROLE: an assumed-role session of the same name. */
	if (!match_span_is(&part[2], "sts"))
		return 0;
	if (part[5].len <= 13 || memcmp(part[5].p, "assumed-role/", 13) != 0)
		return 0;
	rest = part[5].p + 13;
	if ((slash = strchr(rest, '/')) == NULL)
		return 0;
	rlen = (size_t)(slash - rest);
	return rlen == strlen(pr->role) && memcmp(rest, pr->role, rlen) == 0;
}

/* Map an action string to its bit; action names are case-insensitive. */
enum policy_action_bit
policy_match_action_bit(const char *action)
{
	static const char *const names[POLICY_ACT_COUNT] = {
		[POLICY_ACT_MOUNT] = POLICY_ACTION_MOUNT,
		[POLICY_ACT_WRITE] = POLICY_ACTION_WRITE,
		[POLICY_ACT_ROOT] = POLICY_ACTION_ROOT,
	};
	unsigned i;

	for (i = 0; i < POLICY_ACT_COUNT; i++)
		if (strcasecmp(action, names[i]) == 0)
			return (enum policy_action_bit)i;
	return POLICY_ACT_OTHER;
}
