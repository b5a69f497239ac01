/*
 * efsgw - socket address parsing and formatting for the config and logs.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

/* Parse "host:port" or "[v6]:port". */
int
addr_parse(const char *s, int numeric_only, struct sockaddr_storage *ss,
    socklen_t *lenp, char **cause)
{
	struct addrinfo hints, *res = NULL;
	char host[256], port[16];
	const char *colon, *h, *hend;
	size_t hlen;
	int e;

	*cause = NULL;
	memset(ss, 0, sizeof *ss);
	*lenp = 0;
	if (s[0] == '[') {
		h = s + 1;
		if ((hend = strchr(h, ']')) == NULL || hend[1] != ':') {
			xasprintf(cause, "'%s' is not [address]:port", s);
			return EFSGW_ERR_SYNTAX;
		}
		colon = hend + 1;
	} else {
		h = s;
		if ((colon = strrchr(s, ':')) == NULL || strchr(s, ':') != colon) {
			xasprintf(cause, "'%s' is not host:port", s);
			return EFSGW_ERR_SYNTAX;
		}
		hend = colon;
	}
	hlen = (size_t)(hend - h);
	if (hlen == 0 || hlen >= sizeof host || strlen(colon + 1) == 0 ||
	    strlen(colon + 1) >= sizeof port ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    atoi(colon + 1) < 1 || atoi(colon + 1) > 65535) {
		xasprintf(cause, "'%s' is not host:port with a port from 1 to 65535", s);
		return EFSGW_ERR_SYNTAX;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	snprintf(port, sizeof port, "%s", colon + 1);

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | (numeric_only ? AI_NUMERICHOST : 0);
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		xasprintf(cause, "'%s': %s", s, numeric_only && e == EAI_NONAME ?
		    "not a numeric address" : gai_strerror(e));
		return EFSGW_ERR_BAD_VALUE;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*lenp = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* Format an address for logs. */
const char *
addr_format(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	uint16_t port = 0;

	host[0] = '\0';
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		port = ntohs(in->sin_port);
		snprintf(buf, len, "%s:%u", host, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		port = ntohs(in6->sin6_port);
		snprintf(buf, len, "[%s]:%u", host, port);
	} else
		snprintf(buf, len, "(family %d)", sa->sa_family);
	return buf;
}
