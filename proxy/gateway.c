/*
 * efsgw - the gateway as a whole: the current config generation, the
 * listening sockets, the live connections and one root probe per file
 * system. Reload swaps the generation for new connections while live ones
 * keep the one they started with; drain stops accepting and lets each
 * connection finish what is in flight.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "proxy.h"
#include "tiering.h"
#include "qos.h"

struct gateway_listener {
	struct gateway		*gw;
	char			*name;
	struct evconnlistener	*evl;
	TAILQ_ENTRY(gateway_listener) entry;
};

/* Per file system: its root probe and its QoS state. */
struct gateway_probe {
	struct fsroot		*root;
	struct qos_fs		*qos;
	struct tiergw		*tier;		/* recall service, or NULL */
	time_t			 storage_set;	/* when storage was last measured */
	int			 seen;		/* used during reload */
	TAILQ_ENTRY(gateway_probe) entry;
};

struct gateway_conn {
	struct conn		*conn;
	TAILQ_ENTRY(gateway_conn) entry;
};

struct gateway {
	struct event_base	*base;
	struct config		*conf;
	TAILQ_HEAD(, gateway_listener) listeners;
	TAILQ_HEAD(, gateway_probe) probes;
	TAILQ_HEAD(, gateway_conn) conns;
	uint32_t		 nconns;
	int			 draining;
	struct event		*drain_timer;
	uint64_t		 captured;
	struct audit		*audit;
	struct event		*storage_timer;
	TAILQ_HEAD(, gateway_probe) retired;	/* removed file systems' QoS */
	struct admin		*admin;
	char			 gateway_id[128];
};

/* QoS settings of a file system from its config block. */
static void
gateway_qos_config(struct gateway *gw, const struct config_fs *fs,
    struct qos_fs_config *qc)
{
	memset(qc, 0, sizeof *qc);
	qc->fs_id = fs->id;
	qc->gateway_id = gw->gateway_id;
	qc->tp_mode = (enum qos_tp_mode)qos_mode_parse_tp(fs->tp_mode);
	qc->perf_mode = (enum qos_perf_mode)qos_mode_parse_perf(fs->perf_mode);
	qc->storage_std_bytes = (uint64_t)fs->storage_mib * QOS_MIB;
	qc->provisioned = (uint64_t)fs->provisioned_mibps * QOS_MIB;
	qos_params_defaults(&qc->params);
	qc->params.baseline_min = (uint64_t)fs->q_baseline_min_kib * QOS_KIB;
	qc->params.burst_min = (uint64_t)fs->q_burst_min_mib * QOS_MIB;
	qc->params.credit_cap_min = (uint64_t)fs->q_credit_cap_min_mib * QOS_MIB;
	qc->params.gp_read_iops = fs->q_read_iops;
	qc->params.gp_write_iops = fs->q_write_iops;
	if (fs->q_client_max_mib != 0) {
		qc->params.client_max = (uint64_t)fs->q_client_max_mib * QOS_MIB;
		qc->params.client_max_elastic = qc->params.client_max;
	}
}

/* Create a file system's QoS state, sharing it through Redis if asked. */
/*
 * The recall service of a file system with a lifecycle configuration. It
 * needs the registry the agent writes, in Redis: a journal is the
 * agent's alone. Tiering keywords take effect at start (not on SIGHUP).
 */
static struct tiergw *
gateway_tier_new(struct gateway *gw, const struct config_fs *fs)
{
	char addr[300];

	if (fs->lifecycle == NULL)
		return NULL;
	if (strncmp(fs->tier_registry, "redis://", 8) != 0) {
		log_error("%s: tier-registry %s is a journal file, which only "
		    "efsgw-tier reads: efsgw cannot recall cold files, and "
		    "clients read released files as zeros (use Redis)", fs->id,
		    fs->tier_registry);
		return NULL;
	}
	addr_format((const struct sockaddr *)&fs->backend_addr, addr,
	    sizeof addr);
	log_info("%s: lifecycle tiering: cold files are recalled before "
	    "data ops (registry %s)", fs->id, fs->tier_registry);
	return tiergw_new(gw->base, fs->id, addr, fs->export, fs->tier_ia,
	    fs->tier_archive, fs->tier_registry, fs->tier_archive_zstd);
}

static struct qos_fs *
gateway_qos_new(struct gateway *gw, const struct config_fs *fs)
{
	struct qos_fs_config qc;
	struct qos_fs *q;
	const char *why;

	gateway_qos_config(gw, fs, &qc);
	if (qos_fs_new(&qc, NULL, gw->base, &q) != 0)
		fatalx("%s: QoS settings out of range", fs->id);
	if (strcmp(gw->conf->redis, "none") != 0) {
		if (qos_lease_attach(q, gw->base, gw->conf->redis, &why) != 0)
			log_error("%s: redis %s: %s; QoS stays in this gateway",
			    fs->id, gw->conf->redis, why);
		else
			log_info("%s: QoS shared through %s as gateway %s", fs->id,
			    gw->conf->redis, gw->gateway_id);
	}
	return q;
}

/* Apply a reloaded file system block to its QoS state. */
static void
gateway_qos_update(struct gateway *gw, struct gateway_probe *p,
    const struct config_fs *fs)
{
	struct qos_fs_config qc;

	gateway_qos_config(gw, fs, &qc);
	if (qos_fs_set_mode(p->qos, qc.tp_mode) != 0)
		log_warn("%s: cannot change the throughput mode", fs->id);
	if (qc.tp_mode == QOS_TP_PROVISIONED &&
	    qos_fs_set_provisioned(p->qos, qc.provisioned) != 0)
		log_warn("%s: provisioned-throughput out of bounds", fs->id);
	if (fs->storage_mib != 0)
		qos_fs_set_storage(p->qos, qc.storage_std_bytes);
}

/* Measured storage feeds the bursting baseline (EFS re-meters hourly). */
static void
gateway_storage_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gateway *gw = arg;
	struct gateway_probe *p;
	const struct config_fs *fs;
	const struct fsroot_info *fi;
	time_t now = time(NULL);

	TAILQ_FOREACH(p, &gw->probes, entry) {
		fs = config_find_fs(gw->conf, fsroot_fs_id(p->root));
		if (fs == NULL || fs->storage_mib != 0)
			continue;
		if (p->storage_set != 0 &&
		    now - p->storage_set < (time_t)fs->storage_refresh)
			continue;
		if ((fi = fsroot_get(p->root)) == NULL)
			continue;
		qos_fs_set_storage(p->qos, fi->space_used);
		p->storage_set = now;
	}
}

/* Create the probes for every file system of conf, reusing old ones. */
static void
gateway_sync_probes(struct gateway *gw)
{
	struct gateway_probe *p, *tmp;
	struct config_fs *fs;

	TAILQ_FOREACH(p, &gw->probes, entry)
		p->seen = 0;
	TAILQ_FOREACH(fs, &gw->conf->filesystems, entry) {
		TAILQ_FOREACH(p, &gw->probes, entry) {
			if (strcmp(fsroot_fs_id(p->root), fs->id) == 0)
				break;
		}
		if (p == NULL) {
			p = xcalloc(1, sizeof *p);
			p->root = fsroot_new(gw->base, fs, gw->conf->probe_interval);
			p->qos = gateway_qos_new(gw, fs);
			p->tier = gateway_tier_new(gw, fs);
			TAILQ_INSERT_TAIL(&gw->probes, p, entry);
		} else {
			fsroot_update(p->root, fs, gw->conf->probe_interval);
			gateway_qos_update(gw, p, fs);
		}
		p->seen = 1;
	}
	TAILQ_FOREACH_SAFE(p, &gw->probes, entry, tmp) {
		if (p->seen)
			continue;
		TAILQ_REMOVE(&gw->probes, p, entry);
		fsroot_free(p->root);
		p->root = NULL;
		/* Live connections may still hold QoS clients of it. */
		TAILQ_INSERT_TAIL(&gw->retired, p, entry);
	}
}

/* New gateway on base with conf (takes the reference). */
struct gateway *
gateway_new(struct event_base *base, struct config *conf)
{
	struct gateway *gw;
	char *cause;

	gw = xcalloc(1, sizeof *gw);
	gw->base = base;
	gw->conf = conf;
	if (audit_open(conf->audit_log, &gw->audit, &cause) != 0) {
		log_error("%s; audit lines go to syslog instead", cause);
		free(cause);
		if (audit_open("syslog", &gw->audit, &cause) != 0)
			fatalx("%s", cause);
	}
	TAILQ_INIT(&gw->listeners);
	TAILQ_INIT(&gw->probes);
	TAILQ_INIT(&gw->conns);
	TAILQ_INIT(&gw->retired);
	if (conf->gateway_id != NULL)
		snprintf(gw->gateway_id, sizeof gw->gateway_id, "%s",
		    conf->gateway_id);
	else if (gethostname(gw->gateway_id, sizeof gw->gateway_id - 1) != 0)
		snprintf(gw->gateway_id, sizeof gw->gateway_id, "efsgw");
	gateway_sync_probes(gw);
	gw->storage_timer = event_new(base, -1, EV_PERSIST, gateway_storage_cb, gw);
	{
		struct timeval tv = { 5, 0 };

		event_add(gw->storage_timer, &tv);
	}
	return gw;
}

/* Close every listener. */
static void
gateway_unlisten(struct gateway *gw)
{
	struct gateway_listener *gl;

	while ((gl = TAILQ_FIRST(&gw->listeners)) != NULL) {
		TAILQ_REMOVE(&gw->listeners, gl, entry);
		evconnlistener_free(gl->evl);
		free(gl->name);
		free(gl);
	}
}

void
gateway_free(struct gateway *gw)
{
	struct gateway_probe *p;
	struct gateway_conn *gc;

	if (gw == NULL)
		return;
	gateway_unlisten(gw);
	while ((gc = TAILQ_FIRST(&gw->conns)) != NULL)
		conn_free(gc->conn);	/* calls gateway_conn_closed */
	while ((p = TAILQ_FIRST(&gw->probes)) != NULL) {
		TAILQ_REMOVE(&gw->probes, p, entry);
		fsroot_free(p->root);
		qos_fs_free(p->qos);
		tiergw_free(p->tier);
		free(p);
	}
	while ((p = TAILQ_FIRST(&gw->retired)) != NULL) {
		TAILQ_REMOVE(&gw->retired, p, entry);
		qos_fs_free(p->qos);
		tiergw_free(p->tier);
		free(p);
	}
	if (gw->storage_timer != NULL)
		event_free(gw->storage_timer);
	if (gw->drain_timer != NULL)
		event_free(gw->drain_timer);
	audit_close(gw->audit);
	admin_free(gw->admin);
	config_release(gw->conf);
	free(gw);
}

/* Accept one client. */
static void
gateway_accept_cb(struct evconnlistener *evl, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct gateway_listener *gl = arg;
	struct gateway *gw = gl->gw;
	struct config_listener *cl;
	struct gateway_conn *gc;
	struct conn *c;
	char peer[64];
	int one = 1;

	if (gw->draining) {
		evutil_closesocket(fd);
		return;
	}
	if (gw->nconns >= gw->conf->max_conns) {
		log_warn("refusing %s: %u connections already (max-connections)",
		    addr_format(sa, peer, sizeof peer), gw->nconns);
		evutil_closesocket(fd);
		return;
	}
	TAILQ_FOREACH(cl, &gw->conf->listeners, entry) {
		if (strcmp(cl->name, gl->name) == 0)
			break;
	}
	if (cl == NULL) {
		evutil_closesocket(fd);
		return;
	}
	/* Small RPCs must not wait for Nagle (RFC 5531 records are latency bound). */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	evutil_make_socket_nonblocking(fd);
	c = conn_new(gw, fd, sa, (socklen_t)salen, gw->conf, cl);
	if (c == NULL)
		return;
	gc = xcalloc(1, sizeof *gc);
	gc->conn = c;
	TAILQ_INSERT_TAIL(&gw->conns, gc, entry);
	gw->nconns++;
}

/* Log accept errors (out of descriptors) without spinning. */
static void
gateway_accept_error_cb(struct evconnlistener *evl, void *arg)
{
	int e = EVUTIL_SOCKET_ERROR();

	log_warn("accept: %s", evutil_socket_error_to_string(e));
}

/* Open every listener of the current config, and the admin endpoint. */
int
gateway_listen(struct gateway *gw, char **cause)
{
	struct config_listener *cl;
	struct gateway_listener *gl;
	struct sockaddr_storage ss;
	socklen_t sslen;
	char addr[64], *why;

	*cause = NULL;
	if (strcmp(gw->conf->admin_address, "none") != 0) {
		if (addr_parse(gw->conf->admin_address, 1, &ss, &sslen, &why) != 0) {
			xasprintf(cause, "admin-address: %s", why);
			free(why);
			return EFSGW_ERR_SYNTAX;
		}
		gw->admin = admin_new(gw->base, (struct sockaddr *)&ss, sslen,
		    gateway_metrics, gateway_ready, gw, &why);
		if (gw->admin == NULL) {
			xasprintf(cause, "admin-address %s: %s",
			    gw->conf->admin_address, why);
			free(why);
			return EFSGW_ERR_SYSTEM;
		}
		log_info("admin HTTP (/metrics, /healthz, /readyz) on %s",
		    gw->conf->admin_address);
	}
	TAILQ_FOREACH(cl, &gw->conf->listeners, entry) {
		gl = xcalloc(1, sizeof *gl);
		gl->gw = gw;
		gl->name = xstrdup(cl->name);
		gl->evl = evconnlistener_new_bind(gw->base, gateway_accept_cb, gl,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
		    LEV_OPT_CLOSE_ON_EXEC, 1024, (struct sockaddr *)&cl->addr,
		    (int)cl->addrlen);
		if (gl->evl == NULL) {
			xasprintf(cause, "listener %s: cannot listen on %s: %s",
			    cl->name, cl->address, strerror(errno));
			free(gl->name);
			free(gl);
			gateway_unlisten(gw);
			return EFSGW_ERR_SYSTEM;
		}
		evconnlistener_set_error_cb(gl->evl, gateway_accept_error_cb);
		TAILQ_INSERT_TAIL(&gw->listeners, gl, entry);
		log_info("listener %s on %s serving %s", cl->name,
		    addr_format((struct sockaddr *)&cl->addr, addr, sizeof addr),
		    cl->fs_id);
	}
	return 0;
}

/* Swap in a new config generation. */
void
gateway_reload(struct gateway *gw, struct config *conf)
{
	char *warn;

	if ((warn = config_reload_warnings(gw->conf, conf)) != NULL) {
		log_warn("%s", warn);
		free(warn);
	}
	struct gateway_conn *gc;
	struct audit *a;
	char *cause;

	config_release(gw->conf);
	gw->conf = conf;
	log_set_level((enum log_level)conf->log_level);
	gateway_sync_probes(gw);
	if (audit_open(conf->audit_log, &a, &cause) == 0) {
		audit_close(gw->audit);
		gw->audit = a;
	} else {
		log_error("%s; keeping the current audit log", cause);
		free(cause);
		audit_reopen(gw->audit);
	}
	audit_event(gw->audit, "reload", "config", conf->path != NULL ?
	    conf->path : "", "result", "ok", (char *)NULL);
	/* Policies may have changed: live connections are decided again. */
	TAILQ_FOREACH(gc, &gw->conns, entry)
		conn_reauthorize(gc->conn, conf);
	log_info("configuration reloaded from %s", conf->path != NULL ?
	    conf->path : "(text)");
}

/* Leave the loop when the drain time is up. */
static void
gateway_drain_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct gateway *gw = arg;

	log_warn("drain timeout: closing %u connections with calls in flight",
	    gw->nconns);
	event_base_loopexit(gw->base, NULL);
}

/* Stop accepting; finish live calls; then exit the loop. */
void
gateway_drain(struct gateway *gw)
{
	struct gateway_conn *gc, *tmp;
	struct timeval tv = { gw->conf->drain_timeout, 0 };

	if (gw->draining)
		return;
	gw->draining = 1;
	gateway_unlisten(gw);
	log_info("draining %u connections (up to %u s)", gw->nconns,
	    gw->conf->drain_timeout);
	TAILQ_FOREACH_SAFE(gc, &gw->conns, entry, tmp)
		conn_drain(gc->conn);
	if (gw->nconns == 0) {
		event_base_loopexit(gw->base, NULL);
		return;
	}
	gw->drain_timer = evtimer_new(gw->base, gateway_drain_timeout, gw);
	evtimer_add(gw->drain_timer, &tv);
}

/* Forget a closed connection. */
void
gateway_conn_closed(struct gateway *gw, struct conn *c)
{
	struct gateway_conn *gc;

	TAILQ_FOREACH(gc, &gw->conns, entry) {
		if (gc->conn == c)
			break;
	}
	if (gc == NULL)
		return;
	TAILQ_REMOVE(&gw->conns, gc, entry);
	free(gc);
	gw->nconns--;
	if (gw->draining && gw->nconns == 0)
		event_base_loopexit(gw->base, NULL);
}

struct audit *
gateway_audit(struct gateway *gw)
{
	return gw->audit;
}

struct config *
gateway_config(struct gateway *gw)
{
	return gw->conf;
}

struct event_base *
gateway_base(struct gateway *gw)
{
	return gw->base;
}

/* The recall service of a file system (NULL: no tiering). */
struct tiergw *
gateway_tiergw(struct gateway *gw, const char *fs_id)
{
	struct gateway_probe *p;

	TAILQ_FOREACH(p, &gw->probes, entry) {
		if (strcmp(fsroot_fs_id(p->root), fs_id) == 0)
			return p->tier;
	}
	return NULL;
}

/* The QoS state of a file system (NULL if unknown). */
struct qos_fs *
gateway_qos(struct gateway *gw, const char *fs_id)
{
	struct gateway_probe *p;

	TAILQ_FOREACH(p, &gw->probes, entry) {
		if (strcmp(fsroot_fs_id(p->root), fs_id) == 0)
			return p->qos;
	}
	return NULL;
}

/* Prometheus text for the gateway and every file system's QoS. */
void
gateway_metrics(struct evbuffer *out, void *arg)
{
	struct gateway *gw = arg;
	struct gateway_probe *p;
	struct gateway_conn *gc;
	struct qos_fs *fss[64];
	size_t n = 0;
	unsigned count;

	evbuffer_add_printf(out, "# HELP efsgw_ClientConnections Client "
	    "connections now (EFS ClientConnections).\n"
	    "# TYPE efsgw_ClientConnections gauge\n");
	TAILQ_FOREACH(p, &gw->probes, entry) {
		count = 0;
		TAILQ_FOREACH(gc, &gw->conns, entry) {
			if (strcmp(conn_fs_id(gc->conn), fsroot_fs_id(p->root)) == 0)
				count++;
		}
		evbuffer_add_printf(out, "efsgw_ClientConnections{fs=\"%s\","
		    "gateway=\"%s\"} %u\n", fsroot_fs_id(p->root), gw->gateway_id,
		    count);
	}
	TAILQ_FOREACH(p, &gw->probes, entry) {
		char tbuf[512];

		if (p->tier == NULL)
			continue;
		tiergw_metrics(p->tier, tbuf, sizeof tbuf);
		evbuffer_add_printf(out, "%s", tbuf);
	}
	evbuffer_add_printf(out, "# HELP efsgw_backend_up 1 when the file "
	    "system's export answers the root probe.\n"
	    "# TYPE efsgw_backend_up gauge\n");
	TAILQ_FOREACH(p, &gw->probes, entry)
		evbuffer_add_printf(out, "efsgw_backend_up{fs=\"%s\",gateway=\"%s\"} "
		    "%d\n", fsroot_fs_id(p->root), gw->gateway_id,
		    fsroot_healthy(p->root));
	evbuffer_add_printf(out, "# HELP efsgw_integrity_refused_total Calls "
	    "and replies refused because the rewritten record differed from "
	    "its plan.\n# TYPE efsgw_integrity_refused_total counter\n"
	    "efsgw_integrity_refused_total %llu\n",
	    (unsigned long long)call_check_failures());
	TAILQ_FOREACH(p, &gw->probes, entry) {
		if (n < nitems(fss))
			fss[n++] = p->qos;
	}
	qos_metrics_write(out, fss, n);
}

/* Ready when every backend answers and Redis (if any) is reachable. */
int
gateway_ready(void *arg, char *why, size_t len)
{
	struct gateway *gw = arg;
	struct gateway_probe *p;
	struct qos_stats st;

	if (gw->draining) {
		snprintf(why, len, "draining");
		return 0;
	}
	TAILQ_FOREACH(p, &gw->probes, entry) {
		if (!fsroot_healthy(p->root)) {
			snprintf(why, len, "%s: backend not reachable",
			    fsroot_fs_id(p->root));
			return 0;
		}
		qos_fs_stats(p->qos, &st);
		if (strcmp(gw->conf->redis, "none") != 0 && st.degraded) {
			snprintf(why, len, "%s: redis unreachable (serving at the "
			    "fair share)", fsroot_fs_id(p->root));
			return 0;
		}
	}
	return 1;
}

/* Find the root probe of a file system. */
struct fsroot *
gateway_fsroot(struct gateway *gw, const char *fs_id)
{
	struct gateway_probe *p;

	TAILQ_FOREACH(p, &gw->probes, entry) {
		if (strcmp(fsroot_fs_id(p->root), fs_id) == 0)
			return p->root;
	}
	return NULL;
}

/* Save a record into capture-dir (debug aid; fuzz seed corpus). */
void
gateway_capture(struct gateway *gw, const char *what, struct evbuffer *rec)
{
	struct evbuffer_iovec vec[64];
	char *path;
	int fd, n, i;

	if (gw->conf->capture_dir == NULL || gw->captured >= 100000)
		return;
	xasprintf(&path, "%s/%06llu-%s.bin", gw->conf->capture_dir,
	    (unsigned long long)gw->captured++, what);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	free(path);
	if (fd < 0)
		return;
	n = evbuffer_peek(rec, 256 * 1024, NULL, vec, (int)nitems(vec));
	for (i = 0; i < n && i < (int)nitems(vec); i++) {
		if (write(fd, vec[i].iov_base, vec[i].iov_len) < 0)
			break;
	}
	close(fd);
}
