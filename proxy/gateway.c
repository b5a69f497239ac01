/*
 * efsgw - the gateway as a whole: the current config generation, the
 * listening sockets, the live connections and one root probe per file
 * system. Reload swaps the generation for new connections while live ones
 * keep the one they started with; drain stops accepting and lets each
 * connection finish what is in flight.
 *
 * Accepting is bounded by descriptors as well as by max-connections: at
 * start the limit is capped to what RLIMIT_NOFILE can hold (two
 * descriptors a client and a reserve), and when accept(2) still runs out
 * (EMFILE, ENFILE) the listeners pause until a connection closes or a
 * short timer fires, instead of being woken again at once by the same
 * pending connection. Refusals are logged once a second with a count.
 *
 * Connections that have not had a call forwarded yet (handshaking,
 * silent, trickling, or sending only what the gateway answers itself)
 * cost no backend connection, but they do take a place. They are kept
 * in accept order; at max-preauth-connections, or when max-connections
 * is reached, the oldest of them is closed to let the new one in, so
 * sockets that say nothing cannot lock real clients out.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
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

/* After this many closes, trim the heap GATEWAY_TRIM_DELAY later. */
#define GATEWAY_TRIM_CLOSES	256
#define GATEWAY_TRIM_DELAY	1	/* seconds */

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
	time_t			 tier_asked;	/* StorageBytes asked of tier */
	uint64_t		 tier_gen;	/* its reading applied to qos */
	int			 seen;		/* used during reload */
	TAILQ_ENTRY(gateway_probe) entry;
};

/* One log line a second for a repeated event, with how often it came. */
struct gateway_ratelog {
	int64_t			 at;		/* mono_ms of the last line */
	unsigned		 count;		/* events since that line */
};

/* Descriptors kept for everything but clients (see gateway_set_nofile). */
#define GATEWAY_FD_RESERVE	(32 + ADMIN_MAX_CONNS)
/* Retry a listener paused for want of descriptors after this (ms). */
#define GATEWAY_ACCEPT_RETRY_MS	250

struct gateway_conn {
	struct conn		*conn;
	int			 preauth;	/* no call forwarded yet */
	TAILQ_ENTRY(gateway_conn) entry;
	TAILQ_ENTRY(gateway_conn) pentry;	/* in preauth, oldest first */
};

struct gateway {
	struct event_base	*base;
	struct config		*conf;
	TAILQ_HEAD(, gateway_listener) listeners;
	TAILQ_HEAD(, gateway_probe) probes;
	TAILQ_HEAD(, gateway_conn) conns;
	TAILQ_HEAD(, gateway_conn) preauth;	/* conns that sent no call yet */
	uint32_t		 nconns;
	uint32_t		 npreauth;
	int			 draining;
	struct event		*drain_timer;
	uint64_t		 captured;
	struct audit		*audit;
	struct event		*storage_timer;
	TAILQ_HEAD(, gateway_probe) retired;	/* removed file systems' QoS */
	struct admin		*admin;
	char			 gateway_id[128];
	/* Refusals at max-connections: one line a second, then a count. */
	struct event		*refuse_timer;
	int			 refuse_window;	/* a line was logged this second */
	uint64_t		 refused_quiet;	/* refusals since, not logged */
	/* Memory of closed connections goes back to the system. */
	struct event		*trim_timer;
	uint32_t		 closed_since_trim;
	uint32_t		 closed_while_armed; /* the burst goes on */
	uint32_t		 fd_clients;	/* clients RLIMIT_NOFILE holds */
	int			 accept_paused;	/* out of descriptors */
	struct event		*accept_timer;
	struct gateway_ratelog	 log_nofile;
	struct gateway_ratelog	 log_evicted;
};

static void gateway_accept_timer_cb(evutil_socket_t, short, void *);
static void gateway_refuse_timer_cb(evutil_socket_t, short, void *);
static void gateway_trim_cb(evutil_socket_t, short, void *);

/* Count an event; 1 when a line may be logged (then *n says how many). */
static int
gateway_ratelog(struct gateway_ratelog *rl, unsigned *n)
{
	int64_t now = mono_ms();

	rl->count++;
	if (rl->at != 0 && now - rl->at < 1000)
		return 0;
	*n = rl->count;
	rl->count = 0;
	rl->at = now;
	return 1;
}

/* The client limit in force: max-connections within the descriptors. */
static uint32_t
gateway_max_conns(const struct gateway *gw)
{
	if (gw->fd_clients != 0 && gw->fd_clients < gw->conf->max_conns)
		return gw->fd_clients;
	return gw->conf->max_conns;
}

/* Warn when max-connections asks for more descriptors than there are. */
static void
gateway_check_fd_budget(const struct gateway *gw, const struct config *conf)
{
	if (gw->fd_clients == 0 || conf->max_conns <= gw->fd_clients)
		return;
	log_warn("max-connections %u needs %llu descriptors (2 per client + %u "
	    "reserved) but RLIMIT_NOFILE allows %llu: accepting at most %u "
	    "clients; raise the limit (LimitNOFILE=) to serve more",
	    conf->max_conns, 2ULL * conf->max_conns + GATEWAY_FD_RESERVE,
	    GATEWAY_FD_RESERVE, 2ULL * gw->fd_clients + GATEWAY_FD_RESERVE,
	    gw->fd_clients);
}

/*
 * Size the client limit to RLIMIT_NOFILE: each client holds two
 * descriptors (its socket and its backend connection), and the reserve
 * covers the listeners, the admin endpoint's connections, logs, probes
 * and access point root lookups.
 */
int
gateway_set_nofile(struct gateway *gw, char **cause)
{
	struct rlimit rl;

	*cause = NULL;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return 0;
	if (rl.rlim_cur < GATEWAY_FD_RESERVE + 2) {
		xasprintf(cause, "RLIMIT_NOFILE is %llu: efsgw needs at least %u "
		    "descriptors (2 per client + %u reserved)",
		    (unsigned long long)rl.rlim_cur, GATEWAY_FD_RESERVE + 2,
		    GATEWAY_FD_RESERVE);
		return EFSGW_ERR_SYSTEM;
	}
	gw->fd_clients = (rl.rlim_cur - GATEWAY_FD_RESERVE) / 2 > UINT32_MAX ?
	    UINT32_MAX : (uint32_t)((rl.rlim_cur - GATEWAY_FD_RESERVE) / 2);
	gateway_check_fd_budget(gw, gw->conf);
	return 0;
}

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
	qc->params.max_call_bytes = gw->conf->max_record;	/* one reply at most */
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
 * reads the registry the agent writes: Redis, or a journal file on this
 * host, which the worker opens once the gateway runs as its user.
 * Tiering keywords take effect at start (not on SIGHUP).
 */
static struct tiergw *
gateway_tier_new(struct gateway *gw, const struct config_fs *fs)
{
	char addr[300];

	if (fs->lifecycle == NULL)
		return NULL;
	addr_format((const struct sockaddr *)&fs->backend_addr, addr,
	    sizeof addr);
	log_info("%s: lifecycle tiering: cold files are recalled before "
	    "data ops (registry %s)", fs->id, fs->tier_registry);
	return tiergw_new(gw->base, fs->id, addr, fs->export, fs->tier_ia,
	    fs->tier_archive, fs->tier_registry, fs->tier_archive_zstd,
	    !fs->lifecycle->to_primary_on_access);
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
		if (qos_lease_attach(q, gw->base, gw->conf->redis_connect,
		    &why) != 0)
			log_error("%s: redis %s: %s; QoS stays in this gateway",
			    fs->id, gw->conf->redis_display, why);
		else
			log_info("%s: QoS shared through %s as gateway %s", fs->id,
			    gw->conf->redis_display, gw->gateway_id);
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
	(void)qos_fs_set_max_call(p->qos, qc.params.max_call_bytes);
	if (qos_fs_set_mode(p->qos, qc.tp_mode) != 0)
		log_warn("%s: cannot change the throughput mode", fs->id);
	if (qc.tp_mode == QOS_TP_PROVISIONED &&
	    qos_fs_set_provisioned(p->qos, qc.provisioned) != 0)
		log_warn("%s: provisioned-throughput out of bounds", fs->id);
	if (fs->storage_mib != 0)
		qos_fs_set_storage(p->qos, qc.storage_std_bytes);
}

/*
 * A tiered file system's Standard bytes: StorageBytes Standard of
 * efsgw-tier's last complete walk, from the registry (EFS meters Bursting
 * by what the Standard class holds, not by IA and Archive data, which the
 * backend's space used would not see anyway: released files are sparse).
 * The worker is asked every storage-refresh seconds and a new reading is
 * applied on the next tick. 0 while no walk is recorded: the caller
 * measures the backend as without tiering.
 */
static int
gateway_storage_tier(struct gateway_probe *p, const struct config_fs *fs,
    time_t now)
{
	struct tier_usage u;
	uint64_t gen;

	if (p->tier_asked == 0 ||
	    now - p->tier_asked >= (time_t)fs->storage_refresh) {
		tiergw_storage_refresh(p->tier);
		p->tier_asked = now;
	}
	if (tiergw_storage(p->tier, &u, &gen) != 0)
		return 0;
	if (gen != p->tier_gen) {
		qos_fs_set_storage(p->qos, u.standard);
		p->tier_gen = gen;
		p->storage_set = now;
	}
	return 1;
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
		if (p->tier != NULL && gateway_storage_tier(p, fs, now))
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
	TAILQ_INIT(&gw->preauth);
	TAILQ_INIT(&gw->retired);
	if (conf->gateway_id != NULL)
		snprintf(gw->gateway_id, sizeof gw->gateway_id, "%s",
		    conf->gateway_id);
	else if (gethostname(gw->gateway_id, sizeof gw->gateway_id - 1) != 0)
		snprintf(gw->gateway_id, sizeof gw->gateway_id, "efsgw");
	gateway_sync_probes(gw);
	if ((gw->refuse_timer = evtimer_new(base, gateway_refuse_timer_cb,
	    gw)) == NULL ||
	    (gw->trim_timer = evtimer_new(base, gateway_trim_cb, gw)) == NULL ||
	    (gw->accept_timer = evtimer_new(base, gateway_accept_timer_cb,
	    gw)) == NULL)
		fatalx("evtimer_new");
	gw->storage_timer = event_new(base, -1, EV_PERSIST, gateway_storage_cb, gw);
	{
		struct timeval tv = { 5, 0 };

		event_add(gw->storage_timer, &tv);
	}
	return gw;
}

/* Accept again (a descriptor may be free). */
static void
gateway_accept_resume(struct gateway *gw)
{
	struct gateway_listener *gl;

	if (!gw->accept_paused)
		return;
	gw->accept_paused = 0;
	evtimer_del(gw->accept_timer);
	TAILQ_FOREACH(gl, &gw->listeners, entry)
		evconnlistener_enable(gl->evl);
}

/* The retry timer of a paused listener. */
static void
gateway_accept_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	gateway_accept_resume(arg);
}

/* Out of descriptors: stop accepting until one frees or the timer fires. */
static void
gateway_accept_pause(struct gateway *gw)
{
	struct gateway_listener *gl;
	struct timeval tv = { 0, GATEWAY_ACCEPT_RETRY_MS * 1000 };

	if (gw->accept_paused)
		return;
	gw->accept_paused = 1;
	TAILQ_FOREACH(gl, &gw->listeners, entry)
		evconnlistener_disable(gl->evl);
	evtimer_add(gw->accept_timer, &tv);
}

/* Close every listener. */
static void
gateway_unlisten(struct gateway *gw)
{
	struct gateway_listener *gl;

	gw->accept_paused = 0;
	if (gw->accept_timer != NULL)
		evtimer_del(gw->accept_timer);
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
	if (gw->refuse_timer != NULL)
		event_free(gw->refuse_timer);
	if (gw->trim_timer != NULL)
		event_free(gw->trim_timer);
	if (gw->drain_timer != NULL)
		event_free(gw->drain_timer);
	if (gw->accept_timer != NULL)
		event_free(gw->accept_timer);
	audit_close(gw->audit);
	admin_free(gw->admin);
	config_release(gw->conf);
	free(gw);
}

/* The refusal window is over: report what it left out. */
static void
gateway_refuse_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gateway *gw = arg;

	gw->refuse_window = 0;
	if (gw->refused_quiet == 0)
		return;
	log_warn("%llu more connections refused in the last second "
	    "(max-connections %u)", (unsigned long long)gw->refused_quiet,
	    gw->conf->max_conns);
	gw->refused_quiet = 0;
}

/*
 * Log a refusal at max-connections: the first of each second names its
 * peer, the rest are counted and reported when the second is over, so a
 * client connecting in a loop cannot flood the log.
 */
static void
gateway_refused(struct gateway *gw, struct sockaddr *sa)
{
	struct timeval tv = { 1, 0 };
	char peer[64];

	if (gw->refuse_window) {
		gw->refused_quiet++;
		return;
	}
	log_warn("refusing %s: %u connections already (%s)",
	    addr_format(sa, peer, sizeof peer), gw->nconns,
	    gateway_max_conns(gw) < gw->conf->max_conns ?
	    "the descriptor budget" : "max-connections");
	gw->refuse_window = 1;
	evtimer_add(gw->refuse_timer, &tv);
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
	unsigned n;
	int one = 1;

	if (gw->draining) {
		evutil_closesocket(fd);
		return;
	}
	if ((gw->nconns >= gateway_max_conns(gw) ||
	    gw->npreauth >= gw->conf->max_preauth) &&
	    (gc = TAILQ_FIRST(&gw->preauth)) != NULL) {
		if (gateway_ratelog(&gw->log_evicted, &n))
			log_warn("%u connections, %u without a call yet: closing "
			    "the oldest of those to admit %s; %u closed since the "
			    "last message", gw->nconns, gw->npreauth,
			    addr_format(sa, peer, sizeof peer), n);
		conn_free(gc->conn);	/* calls gateway_conn_closed */
	}
	if (gw->nconns >= gateway_max_conns(gw)) {
		gateway_refused(gw, sa);
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
	gc->preauth = 1;
	TAILQ_INSERT_TAIL(&gw->conns, gc, entry);
	TAILQ_INSERT_TAIL(&gw->preauth, gc, pentry);
	gw->nconns++;
	gw->npreauth++;
}

/*
 * accept(2) failed. Out of descriptors (or of kernel memory) the pending
 * connection stays in the backlog and the listener would be woken again
 * at once: pause it. Log once a second, with a count.
 */
static void
gateway_accept_error_cb(struct evconnlistener *evl, void *arg)
{
	struct gateway_listener *gl = arg;
	int e = EVUTIL_SOCKET_ERROR();
	int starved = e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM;
	unsigned n;

	if (starved)
		gateway_accept_pause(gl->gw);
	if (gateway_ratelog(&gl->gw->log_nofile, &n))
		log_warn("accept: %s%s (%u errors since the last message)",
		    evutil_socket_error_to_string(e), starved ?
		    "; listener paused until a connection closes (retried every "
		    "250 ms)" : "", n);
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
		admin_set_health(gw->admin, gateway_health);
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
	if (conf->max_conns != gw->conf->max_conns)
		gateway_check_fd_budget(gw, conf);
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

/*
 * A burst of connections has closed: hand their memory back. glibc keeps
 * freed chunks in its arenas and returns only the top of the heap above
 * M_TRIM_THRESHOLD; what thousands of closed connections held is spread
 * through the heap, so without this the process kept about 100 MB after
 * 9,900 connections closed. malloc_trim(0) releases every free page.
 */
static void
gateway_trim_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gateway *gw = arg;
	struct timeval tv = { GATEWAY_TRIM_DELAY, 0 };

	gw->closed_since_trim = 0;
#ifdef __GLIBC__
	malloc_trim(0);
#endif
	/* Closes went on meanwhile: trim once more when they have stopped. */
	if (gw->closed_while_armed > 0) {
		gw->closed_while_armed = 0;
		evtimer_add(gw->trim_timer, &tv);
	}
}

/* Forget a closed connection. */
void
gateway_conn_closed(struct gateway *gw, struct conn *c)
{
	struct timeval tv = { GATEWAY_TRIM_DELAY, 0 };
	struct gateway_conn *gc;

	TAILQ_FOREACH(gc, &gw->conns, entry) {
		if (gc->conn == c)
			break;
	}
	if (gc == NULL)
		return;
	TAILQ_REMOVE(&gw->conns, gc, entry);
	if (gc->preauth) {
		TAILQ_REMOVE(&gw->preauth, gc, pentry);
		gw->npreauth--;
	}
	free(gc);
	gw->nconns--;
	/*
	 * Not on every close (a trim walks the heap): a second after the
	 * 256th close since the last trim, then every second while closes
	 * go on, and once more a second after the last one.
	 */
	gw->closed_since_trim++;
	if (evtimer_pending(gw->trim_timer, NULL))
		gw->closed_while_armed++;
	else if (gw->closed_since_trim >= GATEWAY_TRIM_CLOSES)
		evtimer_add(gw->trim_timer, &tv);
	gateway_accept_resume(gw);
	if (gw->draining && gw->nconns == 0)
		event_base_loopexit(gw->base, NULL);
}

/* A connection had its first call forwarded: not evictable any more. */
void
gateway_conn_started(struct gateway *gw, struct conn *c)
{
	struct gateway_conn *gc;

	TAILQ_FOREACH(gc, &gw->preauth, pentry) {
		if (gc->conn == c)
			break;
	}
	if (gc == NULL)
		return;
	TAILQ_REMOVE(&gw->preauth, gc, pentry);
	gc->preauth = 0;
	gw->npreauth--;
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

/* StorageBytes of the tiered file systems, as efsgw-tier last measured. */
static void
gateway_metrics_storage(struct gateway *gw, struct evbuffer *out)
{
	struct gateway_probe *p;
	struct tier_usage u;
	uint64_t gen;
	const char *id;

	evbuffer_add_printf(out, "# HELP efsgw_tier_storage_bytes Bytes of "
	    "file data by storage class (EFS StorageBytes), as efsgw-tier's "
	    "last complete walk measured them.\n"
	    "# TYPE efsgw_tier_storage_bytes gauge\n");
	TAILQ_FOREACH(p, &gw->probes, entry) {
		if (p->tier == NULL || tiergw_storage(p->tier, &u, &gen) != 0)
			continue;
		id = fsroot_fs_id(p->root);
		/* (The decoder took only classes that add up.) */
		evbuffer_add_printf(out, "efsgw_tier_storage_bytes{fs=\"%s\","
		    "class=\"Standard\"} %llu\n"
		    "efsgw_tier_storage_bytes{fs=\"%s\",class=\"IA\"} %llu\n"
		    "efsgw_tier_storage_bytes{fs=\"%s\",class=\"Archive\"} "
		    "%llu\n"
		    "efsgw_tier_storage_bytes{fs=\"%s\",class=\"Total\"} "
		    "%llu\n",
		    id, (unsigned long long)u.standard, id,
		    (unsigned long long)u.ia, id, (unsigned long long)u.archive,
		    id, (unsigned long long)(u.standard + u.ia + u.archive));
	}
	evbuffer_add_printf(out, "# HELP efsgw_tier_storage_measured_seconds "
	    "When that walk ended (Unix time).\n"
	    "# TYPE efsgw_tier_storage_measured_seconds gauge\n");
	TAILQ_FOREACH(p, &gw->probes, entry) {
		if (p->tier == NULL || tiergw_storage(p->tier, &u, &gen) != 0)
			continue;
		evbuffer_add_printf(out, "efsgw_tier_storage_measured_seconds"
		    "{fs=\"%s\"} %lld\n", fsroot_fs_id(p->root),
		    (long long)u.measured);
	}
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
		char tbuf[1024];

		if (p->tier == NULL)
			continue;
		tiergw_metrics(p->tier, tbuf, sizeof tbuf);
		evbuffer_add_printf(out, "%s", tbuf);
	}
	gateway_metrics_storage(gw, out);
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

/*
 * Ready when every backend answers. Redis is not part of it: without it
 * each gateway keeps serving at its fair share, and a load balancer that
 * dropped every gateway of a file system at once would serve nobody. A
 * Redis outage shows in /metrics and in the /healthz detail.
 */
int
gateway_ready(void *arg, char *why, size_t len)
{
	struct gateway *gw = arg;
	struct gateway_probe *p;

	if (gw->draining) {
		snprintf(why, len, "draining");
		return 0;
	}
	TAILQ_FOREACH(p, &gw->probes, entry) {
		if (!fsroot_healthy(p->root)) {
			snprintf(why, len, "%s: backend not reachable (%s)",
			    fsroot_fs_id(p->root), fsroot_why(p->root));
			return 0;
		}
	}
	return 1;
}

/* The /healthz detail: each file system's backend and Redis state. */
void
gateway_health(struct evbuffer *out, void *arg)
{
	static const char *const redis[] = { "off", "connecting", "ok",
	    "unreachable (serving at the fair share)" };
	struct gateway *gw = arg;
	struct gateway_probe *p;
	struct qos_stats st;

	if (gw->draining)
		evbuffer_add_printf(out, "draining\n");
	TAILQ_FOREACH(p, &gw->probes, entry) {
		if (fsroot_healthy(p->root))
			evbuffer_add_printf(out, "%s backend: up\n",
			    fsroot_fs_id(p->root));
		else
			evbuffer_add_printf(out, "%s backend: down (%s)\n",
			    fsroot_fs_id(p->root), fsroot_why(p->root));
		qos_fs_stats(p->qos, &st);
		evbuffer_add_printf(out, "%s redis: %s\n", fsroot_fs_id(p->root),
		    (size_t)st.redis_state < nitems(redis) ?
		    redis[st.redis_state] : "?");
	}
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
