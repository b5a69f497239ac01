/*
 * efsgw - qos Redis URL: parses redis://[[user]:password@]host[:port][/db]
 * (the IANA "redis" URI scheme as Redis documents it) into what
 * lease.c needs. rediss:// (TLS) is refused: hiredis 0.14, the Debian 12
 * package this build links, has no TLS; put stunnel in front of Redis.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "qos.h"

/* Copy [s, e) into dst of size n; EFSGW_ERR_TOO_LONG if it does not fit. */
static int
url_copy(char *dst, size_t n, const char *s, const char *e)
{
	size_t len = (size_t)(e - s);

	if (len >= n)
		return EFSGW_ERR_TOO_LONG;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

/* Parse a decimal number in [s, e) no larger than max. */
static int
url_number(const char *s, const char *e, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (s == e || e - s > 10)
		return EFSGW_ERR_BAD_VALUE;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return EFSGW_ERR_BAD_VALUE;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v > max)
		return EFSGW_ERR_BAD_VALUE;
	*out = v;
	return 0;
}

/* Parse a redis:// URL. */
int
qos_url_parse(const char *s, struct qos_redis_url *u, const char **cause)
{
	const char *p, *at, *hs, *he, *slash, *colon, *end;
	unsigned long v;
	int r;

	memset(u, 0, sizeof *u);
	*cause = NULL;
	u->port = 6379;
	if (strncmp(s, "rediss://", 9) == 0) {
		*cause = "rediss:// (TLS) is not supported by this build (hiredis 0.14 "
		    "has no TLS); use a local TLS tunnel such as stunnel";
		return EFSGW_ERR_BAD_VALUE;
	}
	if (strncmp(s, "redis://", 8) != 0) {
		*cause = "Redis URL must start with redis://";
		return EFSGW_ERR_SYNTAX;
	}
	p = s + 8;
	end = p + strlen(p);
	slash = strchr(p, '/');
	if (slash == NULL)
		slash = end;
	at = memchr(p, '@', (size_t)(slash - p));
	if (at != NULL) {
		colon = memchr(p, ':', (size_t)(at - p));
		if (colon == NULL) {
			*cause = "Redis URL credentials must be [user]:password@";
			return EFSGW_ERR_SYNTAX;
		}
		if ((r = url_copy(u->username, sizeof u->username, p, colon)) != 0 ||
		    (r = url_copy(u->password, sizeof u->password, colon + 1, at)) != 0) {
			*cause = "Redis URL user or password too long";
			return r;
		}
		hs = at + 1;
	} else
		hs = p;
	he = slash;
	if (hs < he && *hs == '[') {
		/* IPv6 literal: [addr]:port */
		const char *rb = memchr(hs, ']', (size_t)(he - hs));

		if (rb == NULL) {
			*cause = "Redis URL has an unterminated [IPv6] host";
			return EFSGW_ERR_SYNTAX;
		}
		if ((r = url_copy(u->host, sizeof u->host, hs + 1, rb)) != 0) {
			*cause = "Redis URL host too long";
			return r;
		}
		colon = rb + 1 < he && rb[1] == ':' ? rb + 1 : NULL;
		if (rb + 1 < he && colon == NULL) {
			*cause = "Redis URL has junk after the [IPv6] host";
			return EFSGW_ERR_SYNTAX;
		}
	} else {
		colon = memchr(hs, ':', (size_t)(he - hs));
		if ((r = url_copy(u->host, sizeof u->host, hs,
		    colon != NULL ? colon : he)) != 0) {
			*cause = "Redis URL host too long";
			return r;
		}
	}
	if (u->host[0] == '\0') {
		*cause = "Redis URL has no host (unix sockets are not supported)";
		return EFSGW_ERR_SYNTAX;
	}
	if (colon != NULL) {
		if (url_number(colon + 1, he, 65535, &v) != 0 || v == 0) {
			*cause = "Redis URL port must be 1..65535";
			return EFSGW_ERR_BAD_VALUE;
		}
		u->port = (uint16_t)v;
	}
	if (slash < end && slash + 1 < end) {
		if (url_number(slash + 1, end, 1000000, &v) != 0) {
			*cause = "Redis URL database must be a number";
			return EFSGW_ERR_BAD_VALUE;
		}
		u->db = (uint32_t)v;
	}
	return 0;
}
