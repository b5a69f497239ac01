/*
 * efsgw - admin: the gateway's admin HTTP endpoint on libevent's evhttp.
 * It serves /metrics (Prometheus text exposition format 0.0.4: the
 * caller's metrics, e.g. qos_metrics_write(), followed by the gateway's
 * own process metrics), /healthz (the loop is turning) and /readyz (the
 * caller decides). This file owns the listener, the bounds on what a peer
 * may send (headers, body, idle time, concurrent connections) and the
 * process metrics read from /proc. Everything runs on the daemon's
 * event_base and nothing here blocks: the only file reads are of /proc,
 * which the kernel answers from memory.
 *
 * The endpoint has no authentication: it binds where the caller says
 * (127.0.0.1 by default) and docs/admin.md tells operators to firewall it
 * if they bind it anywhere else.
 *
 * HTTP/1.1 semantics (status codes, Allow on 405) are those of RFC 9110;
 * the message syntax is handled by evhttp (RFC 9112).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "proxy.h"

#define ADMIN_BACKLOG		16

/* Content type of the Prometheus text exposition format, version 0.0.4. */
#define ADMIN_PROM_TYPE		"text/plain; version=0.0.4; charset=utf-8"
#define ADMIN_TEXT_TYPE		"text/plain; charset=utf-8"

struct admin {
	struct event_base	*base;
	struct evhttp		*http;
	struct evconnlistener	*listener;	/* owned by http once bound */
	admin_metrics_cb	 metrics;
	admin_ready_cb		 ready;
	admin_health_cb		 health;
	void			*arg;

	/*
	 * Connections are counted in admin_bevcb and counted out by the
	 * evhttp close callback, which admin_adopt attaches (see there).
	 */
	unsigned int		 live;		/* connections open now */
	unsigned int		 max_conns;
	int			 paused;	/* listener disabled at max_conns */
	int			 freeing;	/* in admin_free: listener gone */
	struct event		*adopt_ev;
	struct event		*stuck_ev;
	struct bufferevent	*pending[ADMIN_MAX_CONNS];
	size_t			 npending;

	uint64_t		 requests;
	uint64_t		 conns_total;
	uint64_t		 pauses;
	double			 start_time;	/* process start, Unix seconds */
};

/* A request handler for one path. */
struct admin_route {
	const char	*path;
	void		(*handler)(struct admin *, struct evhttp_request *);
};

static void	admin_metrics(struct admin *, struct evhttp_request *);
static void	admin_healthz(struct admin *, struct evhttp_request *);
static void	admin_readyz(struct admin *, struct evhttp_request *);

static const struct admin_route admin_routes[] = {
	{ "/metrics",	admin_metrics },
	{ "/healthz",	admin_healthz },
	{ "/readyz",	admin_readyz },
};

/* Start accepting again. */
static void
admin_resume(struct admin *a)
{
	if (!a->paused || a->freeing)
		return;
	evconnlistener_enable(a->listener);
	a->paused = 0;
	evtimer_del(a->stuck_ev);
}

/* A connection is gone (evhttp close callback): count it out. */
static void
admin_conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct admin *a = arg;

	if (a->live > 0)
		a->live--;
	if (a->live < a->max_conns)
		admin_resume(a);
}

/*
 * Attach the close callback to the connections accepted in this loop
 * pass. evhttp (libevent 2.1) has neither a connection limit nor a hook
 * that sees a connection before its first request, but it makes each
 * connection's bufferevent carry the evhttp_connection as callback
 * argument; we check that before trusting it. This runs in the same loop
 * pass as the accept, before the connection can read anything.
 */
static void
admin_adopt(evutil_socket_t fd, short ev, void *arg)
{
	struct admin *a = arg;
	struct evhttp_connection *evcon;
	bufferevent_data_cb rcb;
	void *cbarg;
	size_t i;

	for (i = 0; i < a->npending; i++) {
		cbarg = NULL;
		bufferevent_getcb(a->pending[i], &rcb, NULL, NULL, &cbarg);
		evcon = cbarg;
		if (evcon == NULL || rcb == NULL ||
		    evhttp_connection_get_bufferevent(evcon) != a->pending[i]) {
			/* Not trackable: do not let it hold a slot forever. */
			log_warn("admin: cannot track a connection");
			admin_conn_closed(NULL, a);
			continue;
		}
		evhttp_connection_set_closecb(evcon, admin_conn_closed, a);
	}
	a->npending = 0;
}

/*
 * The listener stayed off for longer than any connection may live (each
 * times out after ADMIN_TIMEOUT_SEC): the count must be wrong, so take
 * connections again rather than leave the endpoint dead.
 */
static void
admin_stuck(evutil_socket_t fd, short ev, void *arg)
{
	struct admin *a = arg;

	log_warn("admin: %u connections counted for too long, accepting again",
	    a->live);
	admin_resume(a);
}

/*
 * Make the bufferevent of a new connection: count it, queue it for
 * admin_adopt, and at max_conns disable the listener, which leaves further
 * peers in the kernel's backlog instead of costing us fds and memory.
 */
static struct bufferevent *
admin_bevcb(struct event_base *base, void *arg)
{
	struct admin *a = arg;
	struct bufferevent *bev;
	struct timeval tv = { 2 * ADMIN_TIMEOUT_SEC + 5, 0 };

	if ((bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE)) == NULL)
		return NULL;	/* evhttp falls back to its own, uncounted */
	a->live++;
	a->conns_total++;
	if (a->npending < nitems(a->pending)) {
		a->pending[a->npending++] = bev;
		event_active(a->adopt_ev, EV_READ, 0);
	}
	if (a->live >= a->max_conns && !a->paused) {
		evconnlistener_disable(a->listener);
		a->paused = 1;
		a->pauses++;
		evtimer_add(a->stuck_ev, &tv);
		log_debug("admin: %u connections, not accepting", a->live);
	}
	return bev;
}

/* Send a short text reply with status code and the usual headers. */
static void
admin_reply(struct evhttp_request *req, int code, const char *reason,
    const char *type, const char *body)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer *out = evhttp_request_get_output_buffer(req);
	char len[32];

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	if (body != NULL)
		evbuffer_add(out, body, strlen(body));
	/*
	 * evhttp 2.1 would send a HEAD reply's body: announce the GET length
	 * and send no content (RFC 9110 section 9.3.2).
	 */
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		evutil_snprintf(len, sizeof len, "%zu", evbuffer_get_length(out));
		evhttp_add_header(h, "Content-Length", len);
		evbuffer_drain(out, evbuffer_get_length(out));
	}
	evhttp_send_reply(req, code, reason, NULL);
}

/* Read a small /proc file into buf (NUL-terminated); 0 or -1. */
static int
admin_read_proc(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/*
 * Work out when the process started, in Unix seconds: field 22 of
 * /proc/self/stat (clock ticks after boot, proc(5)) plus btime from
 * /proc/stat. Falls back to now when /proc is not there.
 */
static double
admin_start_time(void)
{
	char buf[4096], *p, *q;
	unsigned long long ticks = 0, btime = 0;
	long hz = sysconf(_SC_CLK_TCK);
	int field;

	if (hz <= 0 || admin_read_proc("/proc/self/stat", buf, sizeof buf) != 0)
		return (double)time(NULL);
	/* The command name (field 2) may hold spaces: count after its ')'. */
	if ((p = strrchr(buf, ')')) == NULL)
		return (double)time(NULL);
	for (field = 2; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p + 1, "%llu", &ticks) != 1)
		return (double)time(NULL);
	if (admin_read_proc("/proc/stat", buf, sizeof buf) != 0 ||
	    (q = strstr(buf, "\nbtime ")) == NULL ||
	    sscanf(q + 7, "%llu", &btime) != 1)
		return (double)time(NULL);
	return (double)btime + (double)ticks / (double)hz;
}

/* Count the open fds in /proc/self/fd; -1 if unreadable. */
static long
admin_open_fds(void)
{
	DIR *d;
	struct dirent *e;
	long n = 0, guard;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	/* Bounded by the fd limit the kernel itself enforces; cap anyway. */
	for (guard = 0; guard < (1L << 22) && (e = readdir(d)) != NULL; guard++) {
		if (e->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

/* Append a label value with the exposition format's escapes. */
static void
admin_label(struct evbuffer *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			evbuffer_add_printf(out, "\\%c", *s);
		else if (*s == '\n')
			evbuffer_add(out, "\\n", 2);
		else
			evbuffer_add(out, s, 1);
	}
}

/* Append one HELP/TYPE header and an unlabelled sample. */
static void
admin_sample(struct evbuffer *out, const char *name, const char *type,
    const char *help, double v)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n",
	    name, help, name, type, name, v);
}

/* Append the gateway's own process and admin metrics. */
static void
admin_process_metrics(struct admin *a, struct evbuffer *out)
{
	char buf[256];
	unsigned long long vsz, rss;
	long page = sysconf(_SC_PAGESIZE), fds;
	struct rusage ru;
	struct rlimit rl;

	evbuffer_add_printf(out, "# HELP efsgw_build_info Version of the running "
	    "gateway; the value is always 1.\n# TYPE efsgw_build_info gauge\n"
	    "efsgw_build_info{version=\"");
	admin_label(out, PACKAGE_VERSION);
	evbuffer_add_printf(out, "\",libevent=\"");
	admin_label(out, event_get_version());
	evbuffer_add_printf(out, "\"} 1\n");

	admin_sample(out, "process_start_time_seconds", "gauge",
	    "Start time of the process since the Unix epoch in seconds.",
	    a->start_time);
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		admin_sample(out, "process_cpu_seconds_total", "counter",
		    "Total user and system CPU time spent in seconds.",
		    (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	}
	if ((fds = admin_open_fds()) >= 0) {
		admin_sample(out, "process_open_fds", "gauge",
		    "Number of open file descriptors.", (double)fds);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		admin_sample(out, "process_max_fds", "gauge",
		    "Maximum number of open file descriptors.", (double)rl.rlim_cur);
	}
	/* statm: size resident shared text lib data dt, in pages (proc(5)). */
	if (page > 0 && admin_read_proc("/proc/self/statm", buf, sizeof buf) == 0 &&
	    sscanf(buf, "%llu %llu", &vsz, &rss) == 2) {
		admin_sample(out, "process_virtual_memory_bytes", "gauge",
		    "Virtual memory size in bytes.", (double)vsz * (double)page);
		admin_sample(out, "process_resident_memory_bytes", "gauge",
		    "Resident memory size in bytes.", (double)rss * (double)page);
	}
	admin_sample(out, "efsgw_admin_connections", "gauge",
	    "Connections open to the admin endpoint.", (double)a->live);
	admin_sample(out, "efsgw_admin_requests_total", "counter",
	    "Requests the admin endpoint has answered.", (double)a->requests);
	admin_sample(out, "efsgw_admin_connection_limit_hits_total", "counter",
	    "Times the admin endpoint stopped accepting at its connection limit.",
	    (double)a->pauses);
}

/* GET /metrics: the caller's metrics, then the process's. */
static void
admin_metrics(struct admin *a, struct evhttp_request *req)
{
	struct evbuffer *out = evhttp_request_get_output_buffer(req);

	if (a->metrics != NULL)
		a->metrics(out, a->arg);
	admin_process_metrics(a, out);
	admin_reply(req, HTTP_OK, "OK", ADMIN_PROM_TYPE, NULL);
}

/*
 * GET /healthz: answering at all means the event loop is alive (always
 * 200); the caller's detail lines follow the "ok" line.
 */
static void
admin_healthz(struct admin *a, struct evhttp_request *req)
{
	struct evbuffer *out = evhttp_request_get_output_buffer(req);

	evbuffer_add(out, "ok\n", 3);
	if (a->health != NULL)
		a->health(out, a->arg);
	admin_reply(req, HTTP_OK, "OK", ADMIN_TEXT_TYPE, NULL);
}

/* GET /readyz: 200 when the caller says ready, else 503 with its reason. */
static void
admin_readyz(struct admin *a, struct evhttp_request *req)
{
	char why[256], body[300];
	size_t i;

	why[0] = '\0';
	if (a->ready == NULL || a->ready(a->arg, why, sizeof why) == 1) {
		admin_reply(req, HTTP_OK, "OK", ADMIN_TEXT_TYPE, "ready\n");
		return;
	}
	why[sizeof why - 1] = '\0';
	/* One line of printable text whatever the callback wrote. */
	for (i = 0; why[i] != '\0'; i++) {
		if ((unsigned char)why[i] < 0x20 || why[i] == 0x7f)
			why[i] = ' ';
	}
	snprintf(body, sizeof body, "not ready: %s\n",
	    why[0] != '\0' ? why : "no reason given");
	admin_reply(req, HTTP_SERVUNAVAIL, "Service Unavailable", ADMIN_TEXT_TYPE,
	    body);
}

/* Route a request: 404 for unknown paths, 405 for other methods. */
static void
admin_request(struct evhttp_request *req, void *arg)
{
	struct admin *a = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	size_t i;

	a->requests++;
	for (i = 0; path != NULL && i < nitems(admin_routes); i++) {
		if (strcmp(path, admin_routes[i].path) != 0)
			continue;
		if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
			/* RFC 9110 section 15.5.6: a 405 carries Allow. */
			evhttp_add_header(evhttp_request_get_output_headers(req),
			    "Allow", "GET, HEAD");
			admin_reply(req, HTTP_BADMETHOD, "Method Not Allowed",
			    ADMIN_TEXT_TYPE, "method not allowed\n");
			return;
		}
		admin_routes[i].handler(a, req);
		return;
	}
	admin_reply(req, HTTP_NOTFOUND, "Not Found", ADMIN_TEXT_TYPE, "not found\n");
}

/* Create the admin endpoint listening on sa. */
struct admin *
admin_new(struct event_base *base, const struct sockaddr *sa, socklen_t salen,
    admin_metrics_cb metrics, admin_ready_cb ready, void *arg, char **cause)
{
	struct admin *a;
	char addr[128];
	int err;

	*cause = NULL;
	a = xcalloc(1, sizeof *a);
	a->base = base;
	a->metrics = metrics;
	a->ready = ready;
	a->arg = arg;
	a->max_conns = ADMIN_MAX_CONNS;
	a->start_time = admin_start_time();

	a->listener = evconnlistener_new_bind(base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    ADMIN_BACKLOG, sa, (int)salen);
	if (a->listener == NULL) {
		err = errno;
		xasprintf(cause, "admin: cannot listen on %s: %s",
		    addr_format(sa, addr, sizeof addr), strerror(err));
		free(a);
		return NULL;
	}
	if ((a->http = evhttp_new(base)) == NULL) {
		xasprintf(cause, "admin: evhttp_new failed");
		evconnlistener_free(a->listener);
		free(a);
		return NULL;
	}
	evhttp_set_max_headers_size(a->http, ADMIN_MAX_HEADERS);
	/* No endpoint takes a body: any Content-Length > 0 is refused (413). */
	evhttp_set_max_body_size(a->http, 0);
	evhttp_set_timeout(a->http, ADMIN_TIMEOUT_SEC);
	/*
	 * Let every method evhttp knows reach admin_request, which answers 405
	 * with Allow; evhttp's own refusal is a 501 without it.
	 */
	evhttp_set_allowed_methods(a->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_default_content_type(a->http, ADMIN_TEXT_TYPE);
	a->adopt_ev = event_new(base, -1, 0, admin_adopt, a);
	a->stuck_ev = evtimer_new(base, admin_stuck, a);
	if (a->adopt_ev == NULL || a->stuck_ev == NULL)
		fatalx("admin: event_new failed");
	evhttp_set_bevcb(a->http, admin_bevcb, a);
	evhttp_set_gencb(a->http, admin_request, a);
	if (evhttp_bind_listener(a->http, a->listener) == NULL) {
		xasprintf(cause, "admin: cannot attach the listener");
		evhttp_free(a->http);
		evconnlistener_free(a->listener);
		event_free(a->adopt_ev);
		event_free(a->stuck_ev);
		free(a);
		return NULL;
	}
	log_info("admin endpoint on %s", addr_format(sa, addr, sizeof addr));
	return a;
}

/* Set the /healthz detail callback. */
void
admin_set_health(struct admin *a, admin_health_cb health)
{
	a->health = health;
}

/* Return the bound address (to learn the port after binding port 0). */
int
admin_local_addr(const struct admin *a, struct sockaddr_storage *ss,
    socklen_t *lenp)
{
	*lenp = sizeof *ss;
	memset(ss, 0, sizeof *ss);
	if (getsockname(evconnlistener_get_fd(a->listener),
	    (struct sockaddr *)ss, lenp) != 0)
		return EFSGW_ERR_SYSTEM;
	return 0;
}

/* Stop listening and close every admin connection. */
void
admin_free(struct admin *a)
{
	if (a == NULL)
		return;
	a->npending = 0;
	a->freeing = 1;
	/* Frees the bound listener and every connection (closecb runs). */
	evhttp_free(a->http);
	event_free(a->adopt_ev);
	event_free(a->stuck_ev);
	free(a);
}
