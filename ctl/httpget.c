/*
 * efsgw - httpget: the small HTTP/1.1 client efsgwctl uses to read the
 * gateway's admin endpoint. One GET per connection ("Connection: close"),
 * one deadline for connect, send and receive together, a bounded response
 * (HTTPGET_MAX_HEAD of status line and headers, HTTPGET_MAX_BODY of body),
 * and a strict parse of what came back: status line and header fields as
 * RFC 9112 sections 4 and 5 write them, the body framed by Content-Length
 * (section 6.3) or the chunked coding (section 7.1), or by the close.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "ctl.h"

/* Milliseconds left until deadline, at least 0. */
static int
httpget_left(int64_t deadline)
{
	int64_t left = deadline - mono_ms();

	return left < 0 ? 0 : (int)left;
}

/* Split "host:port" or "[v6]:port" into host and port strings. */
static int
httpget_split(const char *addr, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char *colon, *h = addr;
	size_t hl;
	char *end;
	long p;

	if (addr[0] == '[') {
		const char *rb = strchr(addr, ']');

		if (rb == NULL || rb[1] != ':')
			return EFSGW_ERR_SYNTAX;
		h = addr + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		if ((colon = strrchr(addr, ':')) == NULL ||
		    memchr(addr, ':', (size_t)(colon - addr)) != NULL)
			return EFSGW_ERR_SYNTAX;
		hl = (size_t)(colon - addr);
	}
	if (hl == 0 || hl >= hostlen || strlen(colon + 1) >= portlen)
		return EFSGW_ERR_SYNTAX;
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || p < 1 || p > 65535)
		return EFSGW_ERR_BAD_VALUE;
	memcpy(host, h, hl);
	host[hl] = '\0';
	snprintf(port, portlen, "%ld", p);
	return 0;
}

/* Connect to one address before deadline; the fd or -1 with errno. */
static int
httpget_connect(const struct addrinfo *ai, int64_t deadline)
{
	struct pollfd pfd;
	socklen_t sl = sizeof(int);
	int fd, err = 0;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		if (errno != EINPROGRESS)
			goto fail;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, httpget_left(deadline)) <= 0) {
			errno = ETIMEDOUT;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
			goto fail;
		if (err != 0) {
			errno = err;
			goto fail;
		}
	}
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

/* Write all of buf before deadline. */
static int
httpget_send(int fd, const char *buf, size_t len, int64_t deadline)
{
	struct pollfd pfd = { fd, POLLOUT, 0 };
	ssize_t n;

	while (len > 0) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (poll(&pfd, 1, httpget_left(deadline)) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
	}
	return 0;
}

/* Read until the peer closes, at most max bytes, before deadline. */
static int
httpget_recv(int fd, char **bufp, size_t *lenp, size_t max, int64_t deadline)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	size_t len = 0, alloc = 65536;
	char *buf, *nb;
	ssize_t n;

	*bufp = NULL;
	*lenp = 0;
	if ((buf = malloc(alloc)) == NULL)
		return EFSGW_ERR_NOMEM;
	for (;;) {
		if (len == alloc) {
			if (alloc >= max) {
				free(buf);
				return EFSGW_ERR_TOO_LONG;
			}
			alloc = alloc * 2 > max ? max : alloc * 2;
			if ((nb = realloc(buf, alloc)) == NULL) {
				free(buf);
				return EFSGW_ERR_NOMEM;
			}
			buf = nb;
		}
		n = recv(fd, buf + len, alloc - len, 0);
		if (n > 0) {
			len += (size_t)n;
			continue;
		}
		if (n == 0)
			break;
		if (errno != EAGAIN && errno != EINTR) {
			free(buf);
			return EFSGW_ERR_SYSTEM;
		}
		if (poll(&pfd, 1, httpget_left(deadline)) <= 0) {
			free(buf);
			errno = ETIMEDOUT;
			return EFSGW_ERR_SYSTEM;
		}
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

/* Parse a decimal Content-Length (RFC 9110 section 8.6) up to max. */
static int
httpget_decimal(const char *s, size_t n, size_t max, size_t *vp)
{
	size_t v = 0, i;

	*vp = 0;
	if (n == 0)
		return EFSGW_ERR_SYNTAX;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return EFSGW_ERR_SYNTAX;
		if (v > (max - (size_t)(s[i] - '0')) / 10)
			return EFSGW_ERR_TOO_LONG;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	*vp = v;
	return 0;
}

/* Decode a chunked body (RFC 9112 section 7.1) of p[0..n) into out. */
static int
httpget_dechunk(const char *p, size_t n, char *out, size_t *outlen,
    const char **why)
{
	size_t off = 0, o = 0, size, i;
	const char *eol;
	int x;

	*outlen = 0;
	for (;;) {
		if ((eol = memmem(p + off, n - off, "\r\n", 2)) == NULL) {
			*why = "truncated chunk size";
			return EFSGW_ERR_TRUNCATED;
		}
		size = 0;
		for (i = off; p + i < eol && p[i] != ';'; i++) {
			char ch = p[i];

			if (ch >= '0' && ch <= '9')
				x = ch - '0';
			else if (ch >= 'a' && ch <= 'f')
				x = ch - 'a' + 10;
			else if (ch >= 'A' && ch <= 'F')
				x = ch - 'A' + 10;
			else {
				*why = "bad chunk size";
				return EFSGW_ERR_SYNTAX;
			}
			if (size > (HTTPGET_MAX_BODY - (size_t)x) / 16) {
				*why = "chunk too big";
				return EFSGW_ERR_TOO_LONG;
			}
			size = size * 16 + (size_t)x;
		}
		if (i == off) {
			*why = "bad chunk size";
			return EFSGW_ERR_SYNTAX;
		}
		off = (size_t)(eol - p) + 2;
		if (size == 0)
			break;
		if (n - off < size + 2 || o + size > HTTPGET_MAX_BODY) {
			*why = "truncated chunk";
			return EFSGW_ERR_TRUNCATED;
		}
		if (p[off + size] != '\r' || p[off + size + 1] != '\n') {
			*why = "chunk not followed by CRLF";
			return EFSGW_ERR_SYNTAX;
		}
		memcpy(out + o, p + off, size);
		o += size;
		off += size + 2;
	}
	/* Trailer fields, then the empty line. */
	for (;;) {
		if ((eol = memmem(p + off, n - off, "\r\n", 2)) == NULL) {
			*why = "truncated trailer";
			return EFSGW_ERR_TRUNCATED;
		}
		if (eol == p + off)
			break;
		off = (size_t)(eol - p) + 2;
	}
	if (off + 2 != n) {
		*why = "bytes after the chunked body";
		return EFSGW_ERR_TRAILING;
	}
	*outlen = o;
	return 0;
}

/* Free a reply's strings and zero it. */
void
httpget_reply_clear(struct httpget_reply *r)
{
	if (r == NULL)
		return;
	free(r->content_type);
	free(r->body);
	memset(r, 0, sizeof *r);
}

/* Parse a complete response read until the close. */
int
httpget_parse(const char *buf, size_t len, struct httpget_reply *r,
    const char **why)
{
	const char *end, *line, *eol, *colon, *v, *body;
	size_t head, vlen, clen = 0, blen;
	int have_clen = 0, chunked = 0, rc;

	memset(r, 0, sizeof *r);
	*why = NULL;
	end = memmem(buf, len < HTTPGET_MAX_HEAD ? len : HTTPGET_MAX_HEAD,
	    "\r\n\r\n", 4);
	if (end == NULL) {
		*why = len >= HTTPGET_MAX_HEAD ? "response header too long" :
		    "truncated response header";
		return len >= HTTPGET_MAX_HEAD ? EFSGW_ERR_TOO_LONG : EFSGW_ERR_TRUNCATED;
	}
	head = (size_t)(end - buf) + 4;
	/* status-line = HTTP-version SP status-code SP [reason-phrase] */
	if (head < 14 || memcmp(buf, "HTTP/1.", 7) != 0 ||
	    (buf[7] != '0' && buf[7] != '1') || buf[8] != ' ' ||
	    buf[9] < '1' || buf[9] > '5' || buf[10] < '0' || buf[10] > '9' ||
	    buf[11] < '0' || buf[11] > '9' || (buf[12] != ' ' && buf[12] != '\r')) {
		*why = "bad status line";
		return EFSGW_ERR_SYNTAX;
	}
	r->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	line = (const char *)memmem(buf, head, "\r\n", 2) + 2;
	while (line < end + 2) {
		eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
		if (line[0] == ' ' || line[0] == '\t') {
			*why = "obsolete header folding";
			rc = EFSGW_ERR_SYNTAX;
			goto bad;
		}
		if ((colon = memchr(line, ':', (size_t)(eol - line))) == NULL ||
		    colon == line) {
			*why = "bad header field";
			rc = EFSGW_ERR_SYNTAX;
			goto bad;
		}
		for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		vlen = (size_t)(eol - v);
		while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
			vlen--;
		if ((size_t)(colon - line) == 14 &&
		    strncasecmp(line, "Content-Length", 14) == 0) {
			size_t cl;

			if ((rc = httpget_decimal(v, vlen, HTTPGET_MAX_BODY, &cl)) != 0 ||
			    (have_clen && cl != clen)) {
				*why = "bad Content-Length";
				rc = rc != 0 ? rc : EFSGW_ERR_SYNTAX;
				goto bad;
			}
			clen = cl;
			have_clen = 1;
		} else if ((size_t)(colon - line) == 17 &&
		    strncasecmp(line, "Transfer-Encoding", 17) == 0) {
			if (vlen != 7 || strncasecmp(v, "chunked", 7) != 0) {
				*why = "unsupported Transfer-Encoding";
				rc = EFSGW_ERR_BAD_VALUE;
				goto bad;
			}
			chunked = 1;
		} else if ((size_t)(colon - line) == 12 &&
		    strncasecmp(line, "Content-Type", 12) == 0 &&
		    r->content_type == NULL) {
			if ((r->content_type = strndup(v, vlen)) == NULL) {
				*why = "out of memory";
				rc = EFSGW_ERR_NOMEM;
				goto bad;
			}
		}
		line = eol + 2;
	}
	if (chunked && have_clen) {
		/* RFC 9112 section 6.3: a sign of request smuggling; refuse. */
		*why = "both Content-Length and chunked";
		rc = EFSGW_ERR_SYNTAX;
		goto bad;
	}
	body = buf + head;
	blen = len - head;
	if (blen > HTTPGET_MAX_BODY) {
		*why = "body too long";
		rc = EFSGW_ERR_TOO_LONG;
		goto bad;
	}
	if ((r->body = malloc(blen + 1)) == NULL) {
		*why = "out of memory";
		rc = EFSGW_ERR_NOMEM;
		goto bad;
	}
	if (chunked) {
		if ((rc = httpget_dechunk(body, blen, r->body, &r->body_len, why)) != 0)
			goto bad;
	} else if (have_clen) {
		if (blen < clen) {
			*why = "truncated body";
			rc = EFSGW_ERR_TRUNCATED;
			goto bad;
		}
		if (blen > clen) {
			*why = "bytes after the body";
			rc = EFSGW_ERR_TRAILING;
			goto bad;
		}
		memcpy(r->body, body, clen);
		r->body_len = clen;
	} else {
		memcpy(r->body, body, blen);
		r->body_len = blen;
	}
	r->body[r->body_len] = '\0';
	return 0;
bad:
	httpget_reply_clear(r);
	return rc;
}

/* GET path from addr within timeout_ms. */
int
httpget(const char *addr, const char *path, int timeout_ms,
    struct httpget_reply *r, char **cause)
{
	struct addrinfo hints, *res = NULL, *ai;
	char host[256], port[8], *req = NULL, *buf = NULL;
	const char *why;
	int64_t deadline = mono_ms() + timeout_ms;
	size_t len;
	int fd = -1, rc, gai, err = 0;

	memset(r, 0, sizeof *r);
	*cause = NULL;
	if ((rc = httpget_split(addr, host, sizeof host, port, sizeof port)) != 0) {
		xasprintf(cause, "%s: expected HOST:PORT or [V6]:PORT", addr);
		return rc;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((gai = getaddrinfo(host, port, &hints, &res)) != 0) {
		xasprintf(cause, "%s: %s", host, gai_strerror(gai));
		return EFSGW_ERR_NOT_FOUND;
	}
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		if ((fd = httpget_connect(ai, deadline)) < 0)
			err = errno;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		xasprintf(cause, "connect to %s: %s", addr, strerror(err));
		return EFSGW_ERR_SYSTEM;
	}
	xasprintf(&req, "GET %s HTTP/1.1\r\nHost: %s%s%s:%s\r\n"
	    "User-Agent: efsgwctl/%s\r\nAccept: text/plain\r\n"
	    "Connection: close\r\n\r\n", path, strchr(host, ':') ? "[" : "",
	    host, strchr(host, ':') ? "]" : "", port, PACKAGE_VERSION);
	if (httpget_send(fd, req, strlen(req), deadline) != 0) {
		xasprintf(cause, "send to %s: %s", addr, strerror(errno));
		rc = EFSGW_ERR_SYSTEM;
		goto out;
	}
	rc = httpget_recv(fd, &buf, &len, HTTPGET_MAX_HEAD + HTTPGET_MAX_BODY,
	    deadline);
	if (rc != 0) {
		xasprintf(cause, "read from %s: %s", addr, rc == EFSGW_ERR_SYSTEM ?
		    strerror(errno) : efsgw_err(rc));
		goto out;
	}
	if ((rc = httpget_parse(buf, len, r, &why)) != 0)
		xasprintf(cause, "%s%s: %s", addr, path, why);
out:
	free(buf);
	free(req);
	close(fd);
	return rc;
}
