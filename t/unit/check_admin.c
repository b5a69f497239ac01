/*
 * efsgw - unit tests for the admin HTTP endpoint (proxy/admin.c) and the
 * pieces of `efsgwctl status` (ctl/promparse.c, ctl/httpget.c).
 *
 * The endpoint runs on its own event_base in a thread; the tests talk to
 * it over loopback with raw sockets. They pin: every endpoint's status
 * code, Content-Type (Prometheus text format 0.0.4 for /metrics) and body;
 * HEAD without a body; 404 for unknown paths and 405 with Allow (RFC 9110
 * section 15.5.6) for other methods; no request body accepted; headers
 * past 8 KiB refused; a peer holding ADMIN_MAX_CONNS connections delays
 * others instead of costing fds, and dropped connections are counted back
 * out; the real qos metrics text parses with no bad line; the Prometheus
 * parser on vector tables, truncations and bit flips; the HTTP response
 * parser; and the efsgwctl binary's exit codes and summary.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "common.h"
#include "proxy.h"
#include "qos.h"
#include "ctl.h"

#define PROM_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* The endpoint under test, its loop thread and its fake state. */
struct srv {
	struct event_base	*base;
	struct event		*tick;
	struct admin		*admin;
	struct qos_fs		*fs;
	pthread_t		 thread;
	atomic_int		 stop;
	atomic_int		 ready;
	atomic_int		 scrapes;
	uint16_t		 port;
	char			 addr[64];
};

/* Fake metrics: the real qos text of one file system, plus an odd label. */
static void
fake_metrics(struct evbuffer *out, void *arg)
{
	struct srv *s = arg;

	atomic_fetch_add(&s->scrapes, 1);
	qos_metrics_write(out, &s->fs, 1);
	evbuffer_add_printf(out, "# TYPE test_odd gauge\n"
	    "test_odd{path=\"a\\\\b\\\"c\\nd\"} 7\n");
}

/* Fake readiness, switched by the test. */
static int
fake_ready(void *arg, char *why, size_t whylen)
{
	struct srv *s = arg;

	if (atomic_load(&s->ready))
		return 1;
	snprintf(why, whylen, "backend fs-0123456789abcdef0 unreachable\n(twice)");
	return 0;
}

/* Leave the loop when the test asks (from the loop's own thread). */
static void
srv_tick(evutil_socket_t fd, short ev, void *arg)
{
	struct srv *s = arg;

	if (atomic_load(&s->stop))
		event_base_loopbreak(s->base);
}

/* Run the loop. */
static void *
srv_main(void *arg)
{
	struct srv *s = arg;

	event_base_dispatch(s->base);
	return NULL;
}

/* Start an endpoint on 127.0.0.1 at a free port. */
static void
srv_start(struct srv *s)
{
	struct sockaddr_in sin;
	struct sockaddr_storage ss;
	struct qos_fs_config c;
	struct timeval tv = { 0, 5000 };
	socklen_t sl;
	char *cause = NULL;

	memset(s, 0, sizeof *s);
	atomic_store(&s->ready, 1);
	memset(&c, 0, sizeof c);
	c.fs_id = "fs-0123456789abcdef0";
	c.gateway_id = "gw-a";
	c.tp_mode = QOS_TP_BURSTING;
	c.storage_std_bytes = 100 * QOS_GIB;
	qos_params_defaults(&c.params);
	ck_assert_int_eq(qos_fs_new(&c, NULL, NULL, &s->fs), 0);

	ck_assert_ptr_nonnull(s->base = event_base_new());
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->admin = admin_new(s->base, (struct sockaddr *)&sin, sizeof sin,
	    fake_metrics, fake_ready, s, &cause);
	ck_assert_msg(s->admin != NULL, "admin_new: %s", cause);
	ck_assert_int_eq(admin_local_addr(s->admin, &ss, &sl), 0);
	s->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	ck_assert_uint_ne(s->port, 0);
	snprintf(s->addr, sizeof s->addr, "127.0.0.1:%u", s->port);
	s->tick = event_new(s->base, -1, EV_PERSIST, srv_tick, s);
	event_add(s->tick, &tv);
	ck_assert_int_eq(pthread_create(&s->thread, NULL, srv_main, s), 0);
}

/* Stop the loop and free everything (valgrind checks the rest). */
static void
srv_stop(struct srv *s)
{
	atomic_store(&s->stop, 1);
	pthread_join(s->thread, NULL);
	admin_free(s->admin);
	event_free(s->tick);
	event_base_free(s->base);
	qos_fs_free(s->fs);
}

/* Connect to the endpoint (blocking); the fd. */
static int
cli_connect(const struct srv *s)
{
	struct sockaddr_in sin;
	int fd;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(s->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	return fd;
}

/*
 * Send req and read until the server closes or timeout_ms passes. Returns
 * the bytes read (NUL-terminated in buf), or -1 on timeout with nothing.
 */
static ssize_t
cli_exchange_fd(int fd, const char *req, size_t reqlen, char *buf, size_t cap,
    int timeout_ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	size_t len = 0;
	ssize_t n;
	int i;

	if (reqlen > 0)
		ck_assert_int_eq(send(fd, req, reqlen, MSG_NOSIGNAL), (ssize_t)reqlen);
	for (i = 0; i < 1000 && len + 1 < cap; i++) {
		if (poll(&pfd, 1, timeout_ms) <= 0)
			return len == 0 ? -1 : (ssize_t)len;
		n = recv(fd, buf + len, cap - 1 - len, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

/* One request on a new connection; returns the response length. */
static ssize_t
cli_exchange(const struct srv *s, const char *req, char *buf, size_t cap)
{
	int fd = cli_connect(s);
	ssize_t n = cli_exchange_fd(fd, req, strlen(req), buf, cap, 3000);

	close(fd);
	return n;
}

/* A GET with Connection: close, parsed. */
static void
cli_get(const struct srv *s, const char *method, const char *path,
    struct httpget_reply *r)
{
	char req[512], *buf = malloc(1 << 20);
	const char *why;
	ssize_t n;

	snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n", method, path);
	n = cli_exchange(s, req, buf, 1 << 20);
	ck_assert_int_gt(n, 0);
	ck_assert_msg(httpget_parse(buf, (size_t)n, r, &why) == 0,
	    "%s %s: %s in:\n%s", method, path, why, buf);
	free(buf);
}

/* Value of header name in a raw response, or NULL (static buffer). */
static const char *
raw_header(const char *resp, const char *name)
{
	static char v[256];
	const char *p = resp, *e;
	size_t n = strlen(name);

	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			e = strstr(p, "\r\n");
			snprintf(v, sizeof v, "%.*s", (int)(e - p), p);
			return v;
		}
		if (p[0] == '\r')
			break;
	}
	return NULL;
}

START_TEST(test_healthz_readyz)
{
	struct srv s;
	struct httpget_reply r;

	srv_start(&s);
	cli_get(&s, "GET", "/healthz", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "ok\n");
	ck_assert_str_eq(r.content_type, "text/plain; charset=utf-8");
	httpget_reply_clear(&r);

	cli_get(&s, "GET", "/healthz?verbose=1", &r);
	ck_assert_int_eq(r.status, 200);
	httpget_reply_clear(&r);

	cli_get(&s, "GET", "/readyz", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "ready\n");
	httpget_reply_clear(&r);

	atomic_store(&s.ready, 0);
	cli_get(&s, "GET", "/readyz", &r);
	ck_assert_int_eq(r.status, 503);
	/* The callback's newline is flattened: the reason is one line. */
	ck_assert_str_eq(r.body,
	    "not ready: backend fs-0123456789abcdef0 unreachable (twice)\n");
	httpget_reply_clear(&r);
	srv_stop(&s);
}
END_TEST

START_TEST(test_metrics_endpoint)
{
	struct srv s;
	struct httpget_reply r;
	struct prom_doc *d;
	const struct prom_sample *sm;
	int seen_build = 0, seen_rss = 0, seen_fds = 0, seen_start = 0, seen_odd = 0;
	int seen_credits = 0;
	size_t i;

	srv_start(&s);
	cli_get(&s, "GET", "/metrics", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.content_type, PROM_TYPE);
	ck_assert_int_eq(promparse(r.body, r.body_len, &d), 0);
	ck_assert_msg(d->bad_lines == 0, "line %zu: %s", d->errors[0].line,
	    d->errors[0].why);
	for (i = 0; i < d->nsamples; i++) {
		sm = &d->samples[i];
		if (strcmp(sm->name, "efsgw_build_info") == 0) {
			seen_build = 1;
			ck_assert_str_eq(promparse_label(sm, "version"), PACKAGE_VERSION);
			ck_assert(sm->value == 1);
		} else if (strcmp(sm->name, "process_resident_memory_bytes") == 0) {
			seen_rss = 1;
			ck_assert(sm->value > 1024 * 1024);
		} else if (strcmp(sm->name, "process_open_fds") == 0) {
			seen_fds = 1;
			ck_assert(sm->value >= 3 && sm->value < 10000);
		} else if (strcmp(sm->name, "process_start_time_seconds") == 0) {
			seen_start = 1;
			ck_assert(fabs(sm->value - (double)time(NULL)) < 3600);
		} else if (strcmp(sm->name, "test_odd") == 0) {
			seen_odd = 1;
			ck_assert_str_eq(promparse_label(sm, "path"), "a\\b\"c\nd");
		} else if (strcmp(sm->name, "efsgw_BurstCreditBalance_bytes") == 0) {
			seen_credits = 1;
			ck_assert_str_eq(promparse_label(sm, "fs"), "fs-0123456789abcdef0");
			ck_assert_str_eq(promparse_label(sm, "gateway"), "gw-a");
			ck_assert(sm->value > 1e12);	/* 2.1 TiB: a new fs's balance */
		}
	}
	ck_assert(seen_build && seen_rss && seen_fds && seen_start && seen_odd &&
	    seen_credits);
	promparse_free(d);
	httpget_reply_clear(&r);
	srv_stop(&s);
}
END_TEST

START_TEST(test_head)
{
	struct srv s;
	char buf[65536];
	const char *h;
	ssize_t n;

	srv_start(&s);
	n = cli_exchange(&s, "HEAD /metrics HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n", buf, sizeof buf);
	ck_assert_int_gt(n, 0);
	ck_assert_msg(strncmp(buf, "HTTP/1.1 200 ", 13) == 0, "%s", buf);
	ck_assert_ptr_nonnull(h = raw_header(buf, "Content-Type"));
	ck_assert_str_eq(h, PROM_TYPE);
	ck_assert_ptr_nonnull(h = raw_header(buf, "Content-Length"));
	ck_assert_int_gt(atoi(h), 1000);
	/* Nothing after the header block (RFC 9110 section 9.3.2). */
	ck_assert_ptr_nonnull(strstr(buf, "\r\n\r\n"));
	ck_assert_msg(strcmp(strstr(buf, "\r\n\r\n"), "\r\n\r\n") == 0,
	    "HEAD sent a body");
	n = cli_exchange(&s, "HEAD /healthz HTTP/1.0\r\n\r\n", buf, sizeof buf);
	ck_assert_msg(strncmp(buf, "HTTP/1.0 200 ", 13) == 0 ||
	    strncmp(buf, "HTTP/1.1 200 ", 13) == 0, "%s", buf);
	ck_assert_msg(strcmp(strstr(buf, "\r\n\r\n"), "\r\n\r\n") == 0,
	    "HEAD sent a body");
	srv_stop(&s);
}
END_TEST

/* Paths and methods that must not be served. */
static const struct {
	const char	*method;
	const char	*path;
	int		 status;
} refusals[] = {
	{ "GET",	"/",			404 },
	{ "GET",	"/metrics/",		404 },
	{ "GET",	"/Metrics",		404 },
	{ "GET",	"/healthz/../metrics",	404 },
	{ "GET",	"/nope",		404 },
	{ "POST",	"/nope",		404 },
	{ "POST",	"/metrics",		405 },
	{ "PUT",	"/healthz",		405 },
	{ "DELETE",	"/readyz",		405 },
	{ "OPTIONS",	"/metrics",		405 },
	{ "PATCH",	"/metrics",		405 },
};

START_TEST(test_refusals)
{
	struct srv s;
	struct httpget_reply r;
	char req[256], buf[8192];
	const char *allow;

	srv_start(&s);
	cli_get(&s, refusals[_i].method, refusals[_i].path, &r);
	ck_assert_msg(r.status == refusals[_i].status, "%s %s: %d",
	    refusals[_i].method, refusals[_i].path, r.status);
	httpget_reply_clear(&r);
	if (refusals[_i].status == 405) {
		snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: x\r\n"
		    "Connection: close\r\n\r\n", refusals[_i].method,
		    refusals[_i].path);
		ck_assert_int_gt(cli_exchange(&s, req, buf, sizeof buf), 0);
		ck_assert_ptr_nonnull(allow = raw_header(buf, "Allow"));
		ck_assert_str_eq(allow, "GET, HEAD");
	}
	srv_stop(&s);
}
END_TEST

/* Requests evhttp or admin.c must refuse before any handler runs. */
static const struct {
	const char	*what;
	const char	*req;
} bad_requests[] = {
	{ "body on GET",
	  "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	  "Connection: close\r\n\r\nhello" },
	{ "body on POST",
	  "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	  "Connection: close\r\n\r\nhello" },
	{ "chunked body",
	  "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	  "Connection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n" },
	{ "garbage request line", "BLAH\r\n\r\n" },
	{ "unknown method", "FROB /metrics HTTP/1.1\r\nHost: x\r\n\r\n" },
	{ "bad version", "GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n" },
	{ "bad header", "GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n" },
};

START_TEST(test_bad_requests)
{
	struct srv s;
	char buf[65536];
	ssize_t n;
	int st;

	srv_start(&s);
	n = cli_exchange(&s, bad_requests[_i].req, buf, sizeof buf);
	/* Either an error status or a closed connection; never a 2xx. */
	if (n > 0) {
		ck_assert_msg(sscanf(buf, "HTTP/1.%*d %d", &st) == 1, "%s: %s",
		    bad_requests[_i].what, buf);
		ck_assert_msg(st >= 400 && st < 600, "%s: %d", bad_requests[_i].what, st);
	}
	ck_assert_int_eq(atomic_load(&s.scrapes), 0);
	srv_stop(&s);
}
END_TEST

START_TEST(test_oversized_headers)
{
	struct srv s;
	const char *pre = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ";
	char *req, buf[8192];
	size_t n = 10 * 1024;
	ssize_t got;
	int st, fd;

	srv_start(&s);
	req = malloc(strlen(pre) + n + 8);
	strcpy(req, pre);
	memset(req + strlen(pre), 'a', n);
	strcpy(req + strlen(pre) + n, "\r\n\r\n");
	fd = cli_connect(&s);
	got = cli_exchange_fd(fd, req, strlen(req), buf, sizeof buf, 3000);
	close(fd);
	if (got > 0) {
		ck_assert_int_eq(sscanf(buf, "HTTP/1.%*d %d", &st), 1);
		ck_assert_msg(st >= 400 && st < 500, "%d", st);
	}
	free(req);

	/* Just under the limit is still served. */
	req = malloc(8192);
	snprintf(req, 8192, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: %0*d\r\n"
	    "Connection: close\r\n\r\n", 6000, 0);
	got = cli_exchange(&s, req, buf, sizeof buf);
	ck_assert_int_gt(got, 0);
	ck_assert_msg(strncmp(buf, "HTTP/1.1 200 ", 13) == 0, "%s", buf);
	free(req);
	srv_stop(&s);
}
END_TEST

START_TEST(test_keepalive_pipelined)
{
	struct srv s;
	char buf[8192];
	const char *req = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	int fd;

	srv_start(&s);
	fd = cli_connect(&s);
	ck_assert_int_gt(cli_exchange_fd(fd, req, strlen(req), buf, sizeof buf,
	    3000), 0);
	close(fd);
	ck_assert_msg(strstr(buf, "\r\n\r\nok\n") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "\r\n\r\nready\n") != NULL, "%s", buf);
	srv_stop(&s);
}
END_TEST

/* Scrape efsgw_admin_* gauges; the value of name or -1. */
static double
admin_gauge(const struct srv *s, const char *name)
{
	struct httpget_reply r;
	struct prom_doc *d;
	double v = -1;
	size_t i;

	cli_get(s, "GET", "/metrics", &r);
	ck_assert_int_eq(promparse(r.body, r.body_len, &d), 0);
	for (i = 0; i < d->nsamples; i++) {
		if (strcmp(d->samples[i].name, name) == 0)
			v = d->samples[i].value;
	}
	promparse_free(d);
	httpget_reply_clear(&r);
	return v;
}

START_TEST(test_connection_limit)
{
	struct srv s;
	struct sockaddr_in sin;
	struct linger lg = { 1, 0 };
	int fds[ADMIN_MAX_CONNS + 8], fd, i, n = (int)nitems(fds);
	const char *probe = "GET /healthz HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n";
	char buf[4096];
	ssize_t got;

	srv_start(&s);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(s.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* Fill every slot; the loop accepts them as they come. */
	for (i = 0; i < ADMIN_MAX_CONNS; i++)
		fds[i] = cli_connect(&s);
	usleep(200 * 1000);
	/* A few more sit in the kernel's backlog (non-blocking connects). */
	for (; i < n; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		ck_assert_int_ge(fds[i], 0);
		connect(fds[i], (struct sockaddr *)&sin, sizeof sin);
	}
	/* At the limit, a new request waits instead of being served. */
	fd = cli_connect(&s);
	got = cli_exchange_fd(fd, probe, strlen(probe), buf, sizeof buf, 300);
	ck_assert_int_eq(got, -1);
	/* Some send half a request, then all drop, some with RST. */
	for (i = 0; i < n; i++) {
		if (i % 2 == 0)
			send(fds[i], "GET /metr", 9, MSG_NOSIGNAL);
		if (i % 3 == 0)
			setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		close(fds[i]);
	}
	/* The waiting request is served once slots free up. */
	got = cli_exchange_fd(fd, "", 0, buf, sizeof buf, 3000);
	close(fd);
	ck_assert_int_gt(got, 0);
	ck_assert_msg(strncmp(buf, "HTTP/1.1 200 ", 13) == 0, "%s", buf);
	/* Every dropped connection is counted out (only the scrape remains). */
	for (i = 0; i < 100 && admin_gauge(&s, "efsgw_admin_connections") != 1; i++)
		usleep(20 * 1000);
	ck_assert(admin_gauge(&s, "efsgw_admin_connections") == 1);
	ck_assert(admin_gauge(&s, "efsgw_admin_connection_limit_hits_total") >= 1);
	/* And it can fill up and drain again. */
	for (i = 0; i < ADMIN_MAX_CONNS; i++)
		fds[i] = cli_connect(&s);
	for (i = 0; i < ADMIN_MAX_CONNS; i++)
		close(fds[i]);
	for (i = 0; i < 100 && admin_gauge(&s, "efsgw_admin_connections") != 1; i++)
		usleep(20 * 1000);
	ck_assert(admin_gauge(&s, "efsgw_admin_connections") == 1);
	srv_stop(&s);
}
END_TEST

START_TEST(test_bind_error)
{
	struct srv s;
	struct sockaddr_in sin;
	struct event_base *base;
	char *cause = NULL;

	srv_start(&s);
	ck_assert_ptr_nonnull(base = event_base_new());
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(s.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* The port is taken (REUSEADDR does not allow two listeners). */
	ck_assert_ptr_null(admin_new(base, (struct sockaddr *)&sin, sizeof sin,
	    NULL, NULL, NULL, &cause));
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, "127.0.0.1") != NULL, "%s", cause);
	free(cause);
	admin_free(NULL);
	event_base_free(base);
	srv_stop(&s);
}
END_TEST

START_TEST(test_httpget_live)
{
	struct srv s;
	struct httpget_reply r;
	char *cause = NULL;

	srv_start(&s);
	ck_assert_int_eq(httpget(s.addr, "/healthz", 2000, &r, &cause), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "ok\n");
	httpget_reply_clear(&r);
	ck_assert_int_ne(httpget("127.0.0.1", "/healthz", 2000, &r, &cause), 0);
	free(cause);
	ck_assert_int_ne(httpget("[::1:80", "/healthz", 2000, &r, &cause), 0);
	free(cause);
	srv_stop(&s);
	/* Nothing listens there any more. */
	ck_assert_int_ne(httpget(s.addr, "/healthz", 2000, &r, &cause), 0);
	ck_assert_ptr_nonnull(cause);
	free(cause);
}
END_TEST

/* Run efsgwctl with args; exit status, stdout in out. */
static int
run_ctl(const char *const *args, char *out, size_t cap)
{
	const char *ctl = getenv("EFSGWCTL") ? getenv("EFSGWCTL") : "ctl/efsgwctl";
	int p[2], st, devnull;
	size_t len = 0;
	ssize_t n;
	pid_t pid;
	char *argv[16];
	size_t i;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_ge(pid = fork(), 0);
	if (pid == 0) {
		argv[0] = strdup(ctl);
		for (i = 0; args[i] != NULL && i + 2 < nitems(argv); i++)
			argv[i + 1] = strdup(args[i]);
		argv[i + 1] = NULL;
		devnull = open("/dev/null", O_WRONLY);
		dup2(p[1], 1);
		dup2(devnull, 2);
		close(p[0]);
		execv(ctl, argv);
		_exit(127);
	}
	close(p[1]);
	while (len + 1 < cap && (n = read(p[0], out + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(test_efsgwctl_status)
{
	struct srv s;
	char out[65536];
	const char *ready[] = { "status", "--admin", NULL, "--interval", "0.2", NULL };
	const char *raw[] = { "status", "-a", NULL, "-i", "0", "--raw", NULL };
	const char *usage[] = { "status", "--interval", "x", NULL };
	const char *extra[] = { "status", "extra", NULL };
	const char *down[] = { "status", "--admin", "127.0.0.1:1", "-t", "1", NULL };

	if (access(getenv("EFSGWCTL") ? getenv("EFSGWCTL") : "ctl/efsgwctl", X_OK) != 0)
		return;	/* run outside the build tree */
	srv_start(&s);
	ready[2] = s.addr;
	raw[2] = s.addr;
	ck_assert_int_eq(run_ctl(ready, out, sizeof out), 0);
	ck_assert_msg(strstr(out, ": ready") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "fs-0123456789abcdef0 (gateway gw-a)") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "burst credit balance   2.1 TiB") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "permitted throughput") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "Redis                  off") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "test_odd") == NULL, "%s", out);
	ck_assert_msg(strstr(out, "efsgw " PACKAGE_VERSION) != NULL, "%s", out);

	ck_assert_int_eq(run_ctl(raw, out, sizeof out), 0);
	ck_assert_msg(strstr(out, "test_odd{path=\"a\\\\b\\\"c\\nd\"} 7") != NULL,
	    "%s", out);

	atomic_store(&s.ready, 0);
	ck_assert_int_eq(run_ctl(raw, out, sizeof out), 1);
	ck_assert_msg(strstr(out, "NOT READY") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "reason: HTTP 503: not ready: backend") != NULL,
	    "%s", out);

	ck_assert_int_eq(run_ctl(usage, out, sizeof out), 2);
	ck_assert_int_eq(run_ctl(extra, out, sizeof out), 2);
	srv_stop(&s);
	ck_assert_int_eq(run_ctl(down, out, sizeof out), 1);
	ck_assert_msg(strstr(out, "UNREACHABLE") != NULL, "%s", out);
}
END_TEST

/* ---------------------------------------------------------- promparse */

/* One line and what promparse_line must make of it. */
static const struct {
	const char	*line;
	int		 result;	/* 1 sample, 0 nothing, <0 error */
	const char	*name;
	double		 value;
	size_t		 nlabels;
	const char	*label;		/* name=value of the first label */
	const char	*lvalue;
} lines[] = {
	{ "", 0, NULL, 0, 0, NULL, NULL },
	{ "   \t ", 0, NULL, 0, 0, NULL, NULL },
	{ "# a comment", 0, NULL, 0, 0, NULL, NULL },
	{ "#", 0, NULL, 0, 0, NULL, NULL },
	{ "# HELP foo Some \\\\ text\\n here", 0, NULL, 0, 0, NULL, NULL },
	{ "# TYPE foo counter", 0, NULL, 0, 0, NULL, NULL },
	{ "# TYPE foo untyped ", 0, NULL, 0, 0, NULL, NULL },
	{ "# TYPE foo bar", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "# TYPE 1foo gauge", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "# TYPE foo gauge extra", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "# HELP foo bad \\x escape", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo 1", 1, "foo", 1, 0, NULL, NULL },
	{ "foo:bar_baz 1.5e3", 1, "foo:bar_baz", 1500, 0, NULL, NULL },
	{ "  foo\t-2", 1, "foo", -2, 0, NULL, NULL },
	{ "foo +Inf", 1, "foo", INFINITY, 0, NULL, NULL },
	{ "foo -Inf", 1, "foo", -INFINITY, 0, NULL, NULL },
	{ "foo .5", 1, "foo", 0.5, 0, NULL, NULL },
	{ "foo 1 1700000000000", 1, "foo", 1, 0, NULL, NULL },
	{ "foo 1 -5", 1, "foo", 1, 0, NULL, NULL },
	{ "foo{} 3", 1, "foo", 3, 0, NULL, NULL },
	{ "foo{a=\"b\"} 3", 1, "foo", 3, 1, "a", "b" },
	{ "foo { a = \"b\" , c=\"d\", } 3", 1, "foo", 3, 2, "a", "b" },
	{ "foo{a=\"\"} 0", 1, "foo", 0, 1, "a", "" },
	{ "foo{a=\"x\\\\y\\\"z\\n\"} 0", 1, "foo", 0, 1, "a", "x\\y\"z\n" },
	{ "foo{a=\"h\xc3\xa9\"} 0", 1, "foo", 0, 1, "a", "h\xc3\xa9" },
	{ "foo{a=\"}\"}2", 1, "foo", 2, 1, "a", "}" },
	{ "efsgw_ClientConnections{fs=\"fs-1\",gateway=\"g\"} 4", 1,
	  "efsgw_ClientConnections", 4, 2, "fs", "fs-1" },
	{ "foo", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo ", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo-1", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "1foo 1", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo bar", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo 0x10", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo 1e", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo 1..2", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo 1e999", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo 1 2 3", EFSGW_ERR_TRAILING, NULL, 0, 0, NULL, NULL },
	{ "foo 1 1.5", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo 1 99999999999999999999", EFSGW_ERR_BAD_VALUE, NULL, 0, 0, NULL, NULL },
	{ "foo{a=\"b\" 1", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo{a=\"b 1", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo{a=b} 1", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo{a} 1", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo{a=\"b\",a=\"c\"} 1", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo{a=\"\\t\"} 1", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo{a:b=\"c\"} 1", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo{1a=\"c\"} 1", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo{a=\"\xff\"} 1", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo{a=\"\xc0\xaf\"} 1", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo{a=\"\xed\xa0\x80\"} 1", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo{a=\"b\"}} 1", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "foo 1\r", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
	{ "{a=\"b\"} 1", EFSGW_ERR_SYNTAX, NULL, 0, 0, NULL, NULL },
};

START_TEST(test_prom_lines)
{
	struct prom_sample s;
	const char *why;
	int r;

	r = promparse_line(lines[_i].line, strlen(lines[_i].line), &s, &why);
	ck_assert_msg(r == lines[_i].result, "'%s': %d (%s), want %d",
	    lines[_i].line, r, why ? why : "-", lines[_i].result);
	if (r < 0)
		ck_assert_ptr_nonnull(why);
	if (r != 1)
		return;
	ck_assert_str_eq(s.name, lines[_i].name);
	if (isinf(lines[_i].value))
		ck_assert(s.value == lines[_i].value);
	else
		ck_assert_double_eq_tol(s.value, lines[_i].value, 1e-9);
	ck_assert_uint_eq(s.nlabels, lines[_i].nlabels);
	if (lines[_i].label != NULL) {
		ck_assert_str_eq(s.labels[0].name, lines[_i].label);
		ck_assert_str_eq(s.labels[0].value, lines[_i].lvalue);
	}
	promparse_sample_clear(&s);
}
END_TEST

START_TEST(test_prom_special)
{
	struct prom_sample s;
	const char *why;
	char *line, lbl[64];
	size_t i, off;
	int r;

	ck_assert_int_eq(promparse_line("foo NaN", 7, &s, &why), 1);
	ck_assert(isnan(s.value));
	promparse_sample_clear(&s);
	ck_assert_int_eq(promparse_line("foo 1 1700000000000", 19, &s, &why), 1);
	ck_assert(s.has_ts && s.ts_ms == 1700000000000LL);
	promparse_sample_clear(&s);
	/* A NUL byte in the middle of a line is not a terminator. */
	ck_assert_int_lt(promparse_line("foo{a=\"b\0c\"} 1", 15, &s, &why), 0);

	/* PROM_MAX_LABELS labels pass, one more does not. */
	line = malloc(PROM_MAX_LINE + 2);
	off = (size_t)sprintf(line, "foo{");
	for (i = 0; i < PROM_MAX_LABELS; i++) {
		snprintf(lbl, sizeof lbl, "l%zu=\"v\",", i);
		off += (size_t)sprintf(line + off, "%s", lbl);
	}
	strcpy(line + off, "} 1");
	ck_assert_int_eq(promparse_line(line, strlen(line), &s, &why), 1);
	ck_assert_uint_eq(s.nlabels, PROM_MAX_LABELS);
	promparse_sample_clear(&s);
	strcpy(line + off, "x=\"y\"} 1");
	ck_assert_int_eq(promparse_line(line, strlen(line), &s, &why),
	    EFSGW_ERR_TOO_MANY);

	/* A line of exactly PROM_MAX_LINE bytes parses; one more is refused. */
	off = (size_t)sprintf(line, "foo{a=\"");
	memset(line + off, 'x', PROM_MAX_LINE - off - 5);
	strcpy(line + PROM_MAX_LINE - 5, "\"} 1");
	ck_assert_uint_eq(strlen(line), PROM_MAX_LINE - 1);
	strcat(line, " ");
	ck_assert_int_eq(r = promparse_line(line, PROM_MAX_LINE, &s, &why), 1);
	ck_assert_uint_eq(strlen(s.labels[0].value), PROM_MAX_LINE - 5 - off);
	promparse_sample_clear(&s);
	ck_assert_int_eq(promparse_line(line, PROM_MAX_LINE + 1, &s, &why),
	    EFSGW_ERR_TOO_LONG);
	free(line);
}
END_TEST

START_TEST(test_prom_document)
{
	const char *text =
	    "# HELP a First.\n"
	    "# TYPE a gauge\n"
	    "a{fs=\"x\"} 1\n"
	    "garbage here\n"
	    "\n"
	    "b 2\n"
	    "c{ 3\n"
	    "d 4";	/* no final newline */
	struct prom_doc *d;

	ck_assert_int_eq(promparse(text, strlen(text), &d), 0);
	ck_assert_uint_eq(d->nsamples, 3);
	ck_assert_str_eq(d->samples[0].name, "a");
	ck_assert_str_eq(promparse_label(&d->samples[0], "fs"), "x");
	ck_assert_ptr_null(promparse_label(&d->samples[0], "gateway"));
	ck_assert_str_eq(d->samples[2].name, "d");
	ck_assert_uint_eq(d->bad_lines, 2);
	ck_assert_uint_eq(d->errors[0].line, 4);
	ck_assert_uint_eq(d->errors[1].line, 7);
	promparse_free(d);

	ck_assert_int_eq(promparse("", 0, &d), 0);
	ck_assert_uint_eq(d->nsamples, 0);
	promparse_free(d);
}
END_TEST

START_TEST(test_prom_limits)
{
	struct prom_doc *d;
	char *text, *p;
	size_t i, n = PROM_MAX_SAMPLES + 1;

	/* Too many samples: refused, not truncated. */
	p = text = malloc(n * 8 + 1);
	for (i = 0; i < n; i++)
		p += sprintf(p, "m %zu\n", i % 1000);
	ck_assert_int_eq(promparse(text, (size_t)(p - text), &d), EFSGW_ERR_TOO_MANY);
	ck_assert_ptr_null(d);
	free(text);

	/* Many bad lines: all counted, the first PROM_MAX_ERRORS kept. */
	p = text = malloc(1000 * 4 + 1);
	for (i = 0; i < 1000; i++)
		p += sprintf(p, "{{{\n");
	ck_assert_int_eq(promparse(text, (size_t)(p - text), &d), 0);
	ck_assert_uint_eq(d->bad_lines, 1000);
	ck_assert_uint_eq(d->nerrors, PROM_MAX_ERRORS);
	promparse_free(d);
	free(text);

	/* A long garbage line is skipped as one line. */
	text = malloc(PROM_MAX_LINE * 2 + 16);
	memset(text, 'x', PROM_MAX_LINE * 2);
	strcpy(text + PROM_MAX_LINE * 2, "\nok 1\n");
	ck_assert_int_eq(promparse(text, strlen(text), &d), 0);
	ck_assert_uint_eq(d->bad_lines, 1);
	ck_assert_uint_eq(d->nsamples, 1);
	promparse_free(d);
	free(text);
}
END_TEST

/* The real qos text, truncated at every byte and with bits flipped. */
START_TEST(test_prom_fuzz)
{
	struct qos_fs_config c;
	struct qos_fs *fs;
	struct evbuffer *out = evbuffer_new();
	struct prom_doc *d;
	char *text, *copy;
	size_t len, i, flips = 0;
	int r;

	memset(&c, 0, sizeof c);
	c.fs_id = "fs-\"quoted\\\"";
	c.gateway_id = "gw\nb";
	qos_params_defaults(&c.params);
	ck_assert_int_eq(qos_fs_new(&c, NULL, NULL, &fs), 0);
	ck_assert_int_eq(qos_metrics_write(out, &fs, 1), 0);
	len = evbuffer_get_length(out);
	text = malloc(len);
	evbuffer_remove(out, text, len);
	ck_assert_int_eq(promparse(text, len, &d), 0);
	ck_assert_uint_eq(d->bad_lines, 0);
	ck_assert_uint_gt(d->nsamples, 15);
	ck_assert_str_eq(promparse_label(&d->samples[0], "fs"), "fs-\"quoted\\\"");
	ck_assert_str_eq(promparse_label(&d->samples[0], "gateway"), "gw\nb");
	promparse_free(d);

	for (i = 0; i <= len; i++) {
		ck_assert_int_eq(promparse(text, i, &d), 0);
		ck_assert_uint_le(d->bad_lines, 1);
		promparse_free(d);
	}
	copy = malloc(len);
	for (i = 0; i < len * 8; i += 7) {
		memcpy(copy, text, len);
		copy[i / 8] ^= (char)(1 << (i % 8));
		r = promparse(copy, len, &d);
		ck_assert_int_eq(r, 0);
		flips += d->bad_lines;
		promparse_free(d);
	}
	ck_assert_uint_gt(flips, 0);
	free(copy);
	free(text);
	evbuffer_free(out);
	qos_fs_free(fs);
}
END_TEST

/* ---------------------------------------------------------- httpget_parse */

static const struct {
	const char	*resp;
	int		 result;
	int		 status;
	const char	*body;
} responses[] = {
	{ "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n", 0, 200, "ok\n" },
	{ "HTTP/1.1 200 OK\r\ncontent-length:3 \r\nContent-Type: text/plain\r\n\r\nok\n",
	  0, 200, "ok\n" },
	{ "HTTP/1.0 503 Service Unavailable\r\n\r\nnot ready\n", 0, 503, "not ready\n" },
	{ "HTTP/1.1 204\r\n\r\n", 0, 204, "" },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nX-T: 1\r\n\r\n", 0, 200, "abcde" },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
	  EFSGW_ERR_TRUNCATED, 0, NULL },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", EFSGW_ERR_SYNTAX, 0, NULL },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n",
	  EFSGW_ERR_TOO_LONG, 0, NULL },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nextra",
	  EFSGW_ERR_TRAILING, 0, NULL },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", EFSGW_ERR_BAD_VALUE, 0, NULL },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
	  "0\r\n\r\n", EFSGW_ERR_SYNTAX, 0, NULL },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok\n", EFSGW_ERR_TRUNCATED, 0, NULL },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nok\n", EFSGW_ERR_TRAILING, 0, NULL },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nok",
	  EFSGW_ERR_SYNTAX, 0, NULL },
	{ "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", EFSGW_ERR_SYNTAX, 0, NULL },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
	  EFSGW_ERR_TOO_LONG, 0, NULL },
	{ "HTTP/1.1 200 OK\r\n folded\r\n\r\n", EFSGW_ERR_SYNTAX, 0, NULL },
	{ "HTTP/1.1 200 OK\r\nnocolon\r\n\r\n", EFSGW_ERR_SYNTAX, 0, NULL },
	{ "HTTP/1.1 200 OK\r\n: empty\r\n\r\n", EFSGW_ERR_SYNTAX, 0, NULL },
	{ "HTTP/2 200 OK\r\n\r\n", EFSGW_ERR_SYNTAX, 0, NULL },
	{ "HTTP/1.1 2000 OK\r\n\r\n", EFSGW_ERR_SYNTAX, 0, NULL },
	{ "HTTP/1.1 099 OK\r\n\r\n", EFSGW_ERR_SYNTAX, 0, NULL },
	{ "SSH-2.0-OpenSSH\r\n\r\n", EFSGW_ERR_SYNTAX, 0, NULL },
	{ "HTTP/1.1 200 OK\r\n", EFSGW_ERR_TRUNCATED, 0, NULL },
	{ "", EFSGW_ERR_TRUNCATED, 0, NULL },
};

START_TEST(test_http_responses)
{
	struct httpget_reply r;
	const char *why;
	int rc;

	rc = httpget_parse(responses[_i].resp, strlen(responses[_i].resp), &r, &why);
	ck_assert_msg(rc == responses[_i].result, "#%d: %d (%s)", _i, rc,
	    why ? why : "-");
	if (rc != 0) {
		ck_assert_ptr_nonnull(why);
		ck_assert_ptr_null(r.body);
		return;
	}
	ck_assert_int_eq(r.status, responses[_i].status);
	ck_assert_str_eq(r.body, responses[_i].body);
	httpget_reply_clear(&r);
}
END_TEST

START_TEST(test_http_truncations)
{
	const char *resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "Content-Type: text/plain\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
	struct httpget_reply r;
	const char *why;
	size_t len = strlen(resp), i;
	char *copy = malloc(len);

	for (i = 0; i < len; i++) {
		memcpy(copy, resp, i);
		ck_assert_int_ne(httpget_parse(copy, i, &r, &why), 0);
	}
	for (i = 0; i < len * 8; i++) {
		memcpy(copy, resp, len);
		copy[i / 8] ^= (char)(1 << (i % 8));
		if (httpget_parse(copy, len, &r, &why) == 0) {
			ck_assert_uint_le(r.body_len, len);
			httpget_reply_clear(&r);
		}
	}
	free(copy);
}
END_TEST

static Suite *
admin_suite(void)
{
	Suite *s = suite_create("admin");
	TCase *tc = tcase_create("endpoint");
	TCase *tp = tcase_create("promparse");
	TCase *th = tcase_create("httpget");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_healthz_readyz);
	tcase_add_test(tc, test_metrics_endpoint);
	tcase_add_test(tc, test_head);
	tcase_add_loop_test(tc, test_refusals, 0, (int)nitems(refusals));
	tcase_add_loop_test(tc, test_bad_requests, 0, (int)nitems(bad_requests));
	tcase_add_test(tc, test_oversized_headers);
	tcase_add_test(tc, test_keepalive_pipelined);
	tcase_add_test(tc, test_connection_limit);
	tcase_add_test(tc, test_bind_error);
	tcase_add_test(tc, test_httpget_live);
	tcase_add_test(tc, test_efsgwctl_status);
	suite_add_tcase(s, tc);

	tcase_set_timeout(tp, 60);
	tcase_add_loop_test(tp, test_prom_lines, 0, (int)nitems(lines));
	tcase_add_test(tp, test_prom_special);
	tcase_add_test(tp, test_prom_document);
	tcase_add_test(tp, test_prom_limits);
	tcase_add_test(tp, test_prom_fuzz);
	suite_add_tcase(s, tp);

	tcase_add_loop_test(th, test_http_responses, 0, (int)nitems(responses));
	tcase_add_test(th, test_http_truncations);
	suite_add_tcase(s, th);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(admin_suite());
	int failed;

	log_init("check_admin", 0, LOG_LEVEL_ERROR);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
