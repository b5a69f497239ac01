/*
 * efsgw - qos Redis leases: shares a file system's throughput budget and
 * burst credits between every gateway that serves it. Each gateway runs
 * one atomic Lua script (qos/lease.lua, EVALSHA; SCRIPT LOAD once per
 * connection and once after NOSCRIPT) over hiredis's async API on the
 * gateway's event_base, so no call ever waits for Redis. The request
 * reports the metered bytes spent since the last one and the gateway's
 * demand (recent usage plus its queue, bytes/s); the reply grants a rate,
 * the gateway's demand-weighted share of the permitted rate, which the
 * local bucket refills at until the next lease.
 *
 * Calls to Redis are bounded whatever the load: a gateway with demand
 * renews every lease_ms, an idle one heartbeats every heartbeat_ms, and
 * nothing (not a reply, not a queued call) sends a request sooner than
 * lease_ms / 2 after the previous one. docs/qos.md has the protocol.
 *
 * When Redis is unreachable or does not answer within lease_timeout_ms,
 * the file system goes degraded: its buckets run on the local clock at
 * the last known fair share (permitted rate / live gateways), it logs
 * once, counts the event, and reconnects with exponential backoff. Bytes
 * metered meanwhile are reported on the first lease after reconnecting.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <hiredis/adapters/libevent.h>

#include "common.h"
#include "qos-int.h"
#include "qos/lease-lua.h"	/* static const char lease_lua[], built from lease.lua */

/* Below this demand (bytes/s) a gateway counts as idle. */
#define LEASE_IDLE_DEMAND	1024.0

struct qos_lease {
	struct qos_fs	*fs;
	struct event_base *base;
	struct qos_redis_url url;
	redisAsyncContext *ac;
	int		 connected;
	int		 freeing;
	char		 sha[41];	/* "" until SCRIPT LOAD answers */
	char		*key_bucket;
	char		*key_gateways;
	char		*key_gw;
	char		*key_demand;
	struct event	*tick;		/* next lease or heartbeat */
	struct event	*retry;		/* reconnect after backoff */
	uint32_t	 backoff_ms;

	int		 loading;	/* SCRIPT LOAD sent after NOSCRIPT */
	int		 kicked;	/* tick armed early for queued calls */
	int		 inflight;
	uint64_t	 sent_ns;	/* last request (0 = none yet) */
	double		 inflight_used;	/* reported in the request in flight */

	enum qos_redis_state state;
	uint64_t	 degraded_events;
	uint64_t	 rtt_ns, rtt_sum_ns, count;
	uint64_t	 granted;

	/* Demand: metered bytes per second wanted, smoothed over requests. */
	double		 demand;
	double		 demand_sent;	/* in the last request; 0 = idle */
};

static void	lease_connect(struct qos_lease *);
static void	lease_send(struct qos_lease *);
static void	lease_arm_tick(struct qos_lease *, uint32_t ms);

/* Arm a one-shot timer ms from now. */
static void
lease_arm(struct event *ev, uint32_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };

	evtimer_del(ev);
	evtimer_add(ev, &tv);
}

/* Enter the degraded state (once per outage): fair share, log, count. */
static void
lease_degrade(struct qos_lease *l, const char *why)
{
	struct qos_fs *fs = l->fs;

	if (l->state == QOS_REDIS_DEGRADED)
		return;
	log_warn("qos fs %s: Redis %s:%u %s; serving the fair share %.0f B/s "
	    "(%u gateways) until it returns", fs->fs_id, l->url.host, l->url.port,
	    why, (fs->shared_permitted > 0 ? fs->shared_permitted :
	    qos_mode_rate(&fs->cfg)) / (fs->live_gateways ? fs->live_gateways : 1),
	    fs->live_gateways);
	l->state = QOS_REDIS_DEGRADED;
	l->degraded_events++;
	fs->lease_healthy = 0;
	qos_fs_apply(fs);
	qos_admit_schedule(fs);
}

/* Put a failed request's report back so that nothing is lost. */
static void
lease_unsend(struct qos_lease *l)
{
	if (!l->inflight)
		return;
	l->fs->unreported += l->inflight_used;
	l->inflight = 0;
	l->inflight_used = 0;
}

/* Schedule a reconnect after the current backoff, doubling it. */
static void
lease_schedule_retry(struct qos_lease *l)
{
	uint32_t max = l->fs->cfg.params.backoff_max_ms;

	lease_arm(l->retry, l->backoff_ms);
	l->backoff_ms = l->backoff_ms * 2 > max ? max : l->backoff_ms * 2;
}

/* hiredis: connection set up (or failed). */
static void
lease_on_connect(const redisAsyncContext *ac, int status)
{
	struct qos_lease *l = ac->data;

	if (l == NULL || l->freeing)
		return;
	if (status != REDIS_OK) {
		/* hiredis frees ac after this callback. */
		l->ac = NULL;
		l->connected = 0;
		lease_unsend(l);
		lease_degrade(l, "is unreachable");
		lease_schedule_retry(l);
		return;
	}
	l->connected = 1;
	log_debug("qos fs %s: connected to Redis %s:%u", l->fs->fs_id,
	    l->url.host, l->url.port);
}

/* hiredis: connection lost (ac is being freed). */
static void
lease_on_disconnect(const redisAsyncContext *ac, int status)
{
	struct qos_lease *l = ac->data;

	if (l == NULL || l->freeing)
		return;
	l->ac = NULL;
	l->connected = 0;
	lease_unsend(l);
	lease_degrade(l, "connection lost");
	lease_schedule_retry(l);
}

/* hiredis: SCRIPT LOAD answered with the script's SHA1. */
static void
lease_on_load(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct qos_lease *l = privdata;
	redisReply *r = reply;
	int first = l->sha[0] == '\0';

	if (l->freeing || r == NULL)
		return;
	if (r->type == REDIS_REPLY_STRING && r->len == 40) {
		memcpy(l->sha, r->str, 40);
		l->sha[40] = '\0';
		/* The first lease of a connection waits for the SHA. */
		if (first)
			lease_send(l);
		return;
	}
	log_warn("qos fs %s: SCRIPT LOAD failed: %.*s", l->fs->fs_id,
	    r->type == REDIS_REPLY_ERROR ? (int)(r->len > 200 ? 200 : r->len) : 0,
	    r->type == REDIS_REPLY_ERROR ? r->str : "");
	lease_degrade(l, "cannot load the lease script");
}

/* hiredis: AUTH or SELECT answered; an error here is fatal to the lease. */
static void
lease_on_setup(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct qos_lease *l = privdata;
	redisReply *r = reply;

	if (l->freeing || r == NULL || r->type != REDIS_REPLY_ERROR)
		return;
	log_warn("qos fs %s: Redis AUTH/SELECT failed: %.*s", l->fs->fs_id,
	    (int)(r->len > 200 ? 200 : r->len), r->str);
}

/* Take the numbers from a lease reply; 0 or EFSGW_ERR_BAD_VALUE. */
static int
lease_parse(const redisReply *r, long long v[5])
{
	size_t i;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 5)
		return EFSGW_ERR_BAD_VALUE;
	for (i = 0; i < 5; i++) {
		if (r->element[i]->type != REDIS_REPLY_INTEGER)
			return EFSGW_ERR_BAD_VALUE;
		v[i] = r->element[i]->integer;
		if (v[i] < 0)
			return EFSGW_ERR_BAD_VALUE;
	}
	return 0;
}

/* hiredis: the lease script answered. */
static void
lease_on_reply(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct qos_lease *l = privdata;
	struct qos_fs *fs = l->fs;
	redisReply *r = reply;
	uint64_t now;
	long long v[5];
	int was_ok, changed;

	if (l->freeing)
		return;
	if (r == NULL) {	/* connection gone; the disconnect callback follows */
		lease_unsend(l);
		return;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		lease_unsend(l);
		if (strncmp(r->str, "NOSCRIPT", 8) == 0 && !l->loading &&
		    l->ac != NULL) {
			/*
			 * Script cache flushed: load it once and run the lease
			 * again by SHA; the two are pipelined on one connection,
			 * so the EVALSHA finds the script.
			 */
			const char *argv[3] = { "SCRIPT", "LOAD", lease_lua };

			l->loading = 1;
			redisAsyncCommandArgv(l->ac, lease_on_load, l, 3, argv, NULL);
			l->sent_ns = 0;	/* the retry is not a new request */
			lease_send(l);
			return;
		}
		if (l->state != QOS_REDIS_DEGRADED)
			log_warn("qos fs %s: lease script failed: %.*s", fs->fs_id,
			    (int)(r->len > 200 ? 200 : r->len), r->str);
		l->loading = 0;	/* a later NOSCRIPT may load it again */
		lease_degrade(l, "rejected the lease script");
		return;
	}
	if (lease_parse(r, v) != 0) {
		lease_unsend(l);
		lease_degrade(l, "sent a malformed lease reply");
		return;
	}
	now = qos_fs_now(fs);
	l->inflight = 0;
	l->inflight_used = 0;
	l->loading = 0;
	l->rtt_ns = now - l->sent_ns;
	l->rtt_sum_ns += l->rtt_ns;
	l->count++;
	l->granted += (uint64_t)v[0];
	l->backoff_ms = fs->cfg.params.backoff_min_ms;

	was_ok = l->state == QOS_REDIS_OK;
	if (!was_ok && l->state == QOS_REDIS_DEGRADED)
		log_info("qos fs %s: Redis %s:%u is back; leases resume", fs->fs_id,
		    l->url.host, l->url.port);
	/* The local ceilings are divided by the live gateways. */
	changed = !was_ok || fs->lease_rate != (double)v[0] ||
	    fs->live_gateways != (v[1] > 0 ? (uint32_t)v[1] : 1);
	l->state = QOS_REDIS_OK;
	fs->lease_healthy = 1;
	fs->live_gateways = v[1] > 0 ? (uint32_t)v[1] : 1;
	fs->shared_permitted = (double)v[2];
	fs->shared_credits = (double)v[3];
	fs->lease_rate = (double)v[0];
	if (changed)
		qos_fs_apply(fs);
	/*
	 * The release timer was armed for the old rate: release what the
	 * new one allows now and re-arm. Nothing here sends the next lease;
	 * the lease timer does, at most every lease_ms / 2.
	 */
	if (fs->nqueued > 0) {
		qos_admit_unschedule(fs);
		qos_fs_poll(fs);	/* may resume calls; l stays valid */
	}
}

/* Measure this gateway's demand (bytes/s) for the next request. */
static double
lease_demand(struct qos_lease *l, uint64_t now)
{
	struct qos_fs *fs = l->fs;
	double period = fs->cfg.params.lease_ms / 1000.0, dt, sample;

	dt = l->sent_ns != 0 && now > l->sent_ns ? (double)(now - l->sent_ns) / 1e9 :
	    period;
	if (dt < period / 4)
		dt = period / 4;
	/* Used since the last report, plus the queue cleared in one period. */
	sample = (fs->unreported > 0 ? fs->unreported / dt : 0) +
	    fs->queued_metered / period;
	l->demand = l->demand * 0.5 + sample * 0.5;
	if (sample == 0 && l->demand < LEASE_IDLE_DEMAND)
		l->demand = 0;
	return l->demand;
}

/* Format a double as an integer argument. */
static void
lease_arg(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.0f", v);
}

/* Send one lease request (EVALSHA): at most one per lease_ms / 2. */
static void
lease_send(struct qos_lease *l)
{
	struct qos_fs *fs = l->fs;
	const struct qos_params *p = &fs->cfg.params;
	char a_dem[32], a_used[32], a_rate[32], a_base[32], a_cap[32], a_depth[32],
	    a_ttl[32];
	const char *argv[15];
	size_t n = 0;
	double rate = qos_mode_rate(&fs->cfg), base = 0, cap = 0, dem;
	uint64_t now = qos_fs_now(fs), gap = (uint64_t)p->lease_ms * 500000ULL;

	if (l->ac == NULL || !l->connected || l->inflight || l->sha[0] == '\0')
		return;
	if (l->sent_ns != 0 && now - l->sent_ns < gap)
		return;		/* the bound on calls per second */
	if (fs->cfg.tp_mode == QOS_TP_BURSTING) {
		base = qos_mode_baseline(p, fs->cfg.storage_std_bytes);
		cap = qos_mode_credit_cap(p, fs->cfg.storage_std_bytes);
	}
	dem = lease_demand(l, now);
	lease_arg(a_dem, sizeof a_dem, dem);
	lease_arg(a_used, sizeof a_used, fs->unreported);
	lease_arg(a_rate, sizeof a_rate, rate);
	lease_arg(a_base, sizeof a_base, base);
	lease_arg(a_cap, sizeof a_cap, cap);
	lease_arg(a_depth, sizeof a_depth, rate * p->window_ms / 1000.0);
	lease_arg(a_ttl, sizeof a_ttl, (double)p->heartbeat_ms * 3);
	argv[n++] = "EVALSHA";
	argv[n++] = l->sha;
	argv[n++] = "4";
	argv[n++] = l->key_bucket;
	argv[n++] = l->key_gateways;
	argv[n++] = l->key_gw;
	argv[n++] = l->key_demand;
	argv[n++] = fs->gateway_id;
	argv[n++] = a_dem;
	argv[n++] = a_used;
	argv[n++] = a_rate;
	argv[n++] = a_base;
	argv[n++] = a_cap;
	argv[n++] = a_depth;
	argv[n++] = a_ttl;
	if (redisAsyncCommandArgv(l->ac, lease_on_reply, l, (int)n, argv, NULL) !=
	    REDIS_OK)
		return;
	l->inflight = 1;
	l->sent_ns = now;
	l->inflight_used = fs->unreported;
	l->demand_sent = dem;
	fs->unreported = 0;
}

/* Re-arm the lease timer ms from now. */
static void
lease_arm_tick(struct qos_lease *l, uint32_t ms)
{
	lease_arm(l->tick, ms ? ms : 1);
}

/*
 * Timer: send the next lease when it is due (every lease_ms while the
 * gateway has demand, every heartbeat_ms when idle); notice a hung Redis.
 */
static void
lease_on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct qos_lease *l = arg;
	struct qos_fs *fs = l->fs;
	const struct qos_params *p = &fs->cfg.params;
	uint64_t now = qos_fs_now(fs), period, since;
	int busy;

	l->kicked = 0;
	if (l->inflight && now - l->sent_ns > (uint64_t)p->lease_timeout_ms * 1000000ULL)
		lease_degrade(l, "does not answer");
	busy = fs->nqueued > 0 || l->demand_sent > 0 || l->demand > 0;
	period = (uint64_t)(busy ? p->lease_ms : p->heartbeat_ms) * 1000000ULL;
	since = l->sent_ns != 0 ? now - l->sent_ns : period;
	if (!l->inflight && since + 1000000ULL >= period) {
		lease_send(l);
		since = 0;
	}
	since = since < period ? period - since : period;
	if (l->inflight && since > (uint64_t)p->lease_timeout_ms * 1000000ULL)
		since = (uint64_t)p->lease_timeout_ms * 1000000ULL;
	lease_arm_tick(l, (uint32_t)(since / 1000000ULL));
}

/* Timer: reconnect. */
static void
lease_on_retry(evutil_socket_t fd, short what, void *arg)
{
	lease_connect(arg);
}

/* Open the connection and queue AUTH, SELECT, SCRIPT LOAD and a lease. */
static void
lease_connect(struct qos_lease *l)
{
	redisAsyncContext *ac;
	char db[16];

	if (l->ac != NULL)
		return;
	ac = redisAsyncConnect(l->url.host, l->url.port);
	if (ac == NULL || ac->err) {
		if (ac != NULL)
			redisAsyncFree(ac);
		lease_degrade(l, "cannot be connected to");
		lease_schedule_retry(l);
		return;
	}
	ac->data = l;
	if (redisLibeventAttach(ac, l->base) != REDIS_OK) {
		redisAsyncFree(ac);
		lease_degrade(l, "cannot be attached to the event loop");
		lease_schedule_retry(l);
		return;
	}
	l->ac = ac;
	l->connected = 0;
	redisAsyncSetConnectCallback(ac, lease_on_connect);
	redisAsyncSetDisconnectCallback(ac, lease_on_disconnect);
	/* hiredis queues these until the socket connects. */
	if (l->url.password[0] != '\0') {
		const char *argv[3] = { "AUTH", l->url.username, l->url.password };

		if (l->url.username[0] != '\0')
			redisAsyncCommandArgv(ac, lease_on_setup, l, 3, argv, NULL);
		else {
			argv[1] = l->url.password;
			redisAsyncCommandArgv(ac, lease_on_setup, l, 2, argv, NULL);
		}
	}
	if (l->url.db != 0) {
		const char *argv[2] = { "SELECT", db };

		snprintf(db, sizeof db, "%u", l->url.db);
		redisAsyncCommandArgv(ac, lease_on_setup, l, 2, argv, NULL);
	}
	{
		const char *argv[3] = { "SCRIPT", "LOAD", lease_lua };

		l->sha[0] = '\0';
		redisAsyncCommandArgv(ac, lease_on_load, l, 3, argv, NULL);
	}
	/* Commands queue before the connect completes; the first lease goes
	 * when SCRIPT LOAD answers (lease_on_load). */
	l->connected = 1;
	l->loading = 0;
	l->sent_ns = 0;
	lease_arm_tick(l, l->fs->cfg.params.lease_ms);
}

/*
 * Calls wait: an idle gateway (no demand in its last request) asks for a
 * share now, or as soon as the bound on calls allows. A busy one waits for
 * its next periodic lease, which reports the queue.
 */
void
qos_lease_kick(struct qos_lease *l)
{
	uint64_t now, gap;

	if (l == NULL || l->inflight || l->ac == NULL || l->demand_sent > 0 ||
	    l->kicked)
		return;
	now = qos_fs_now(l->fs);
	gap = (uint64_t)l->fs->cfg.params.lease_ms * 500000ULL;
	if (l->sent_ns == 0 || now - l->sent_ns >= gap)
		lease_send(l);
	else {
		lease_arm_tick(l, (uint32_t)((gap - (now - l->sent_ns)) / 1000000ULL));
		l->kicked = 1;
	}
}

/* Share fs's buckets through Redis at url. */
int
qos_lease_attach(struct qos_fs *fs, struct event_base *base, const char *url,
    const char **cause)
{
	struct qos_lease *l;
	int r;

	*cause = NULL;
	if (fs->lease != NULL) {
		*cause = "file system already has a lease";
		return EFSGW_ERR_BAD_VALUE;
	}
	if ((l = calloc(1, sizeof *l)) == NULL)
		return EFSGW_ERR_NOMEM;
	if ((r = qos_url_parse(url, &l->url, cause)) != 0) {
		free(l);
		return r;
	}
	l->fs = fs;
	l->base = base;
	l->state = QOS_REDIS_CONNECTING;
	l->backoff_ms = fs->cfg.params.backoff_min_ms;
	/* {fs} is a hash tag: one file system's keys share a Cluster slot. */
	if (asprintf(&l->key_bucket, "efsgw:qos:{%s}:bucket", fs->fs_id) < 0 ||
	    asprintf(&l->key_gateways, "efsgw:qos:{%s}:gateways", fs->fs_id) < 0 ||
	    asprintf(&l->key_gw, "efsgw:qos:{%s}:gw:%s", fs->fs_id, fs->gateway_id) < 0 ||
	    asprintf(&l->key_demand, "efsgw:qos:{%s}:demand", fs->fs_id) < 0 ||
	    (l->tick = evtimer_new(base, lease_on_tick, l)) == NULL ||
	    (l->retry = evtimer_new(base, lease_on_retry, l)) == NULL) {
		fs->lease = l;	/* so that qos_lease_free sees it */
		qos_lease_free(l);
		fs->lease = NULL;
		return EFSGW_ERR_NOMEM;
	}
	fs->lease = l;
	fs->lease_healthy = 0;
	qos_fs_apply(fs);
	lease_connect(l);
	return 0;
}

/* Free a lease, closing its connection. */
void
qos_lease_free(struct qos_lease *l)
{
	if (l == NULL)
		return;
	l->freeing = 1;
	if (l->ac != NULL)
		redisAsyncFree(l->ac);
	if (l->tick != NULL)
		event_free(l->tick);
	if (l->retry != NULL)
		event_free(l->retry);
	free(l->key_bucket);
	free(l->key_gateways);
	free(l->key_gw);
	free(l->key_demand);
	free(l);
}

/* Fill the Redis part of st. */
void
qos_lease_stats(const struct qos_lease *l, struct qos_stats *st)
{
	st->redis_state = l->state;
	st->degraded = l->state != QOS_REDIS_OK;
	st->degraded_events = l->degraded_events;
	st->lease_rtt_ns = l->rtt_ns;
	st->lease_count = l->count;
	st->lease_rtt_sum_ns = l->rtt_sum_ns;
	st->lease_granted_bytes = l->granted;
}
