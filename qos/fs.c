/*
 * efsgw - qos file system: one file system's buckets, counters and
 * configuration, and how the throughput and performance modes map onto
 * the buckets (docs/qos.md "Buckets"). With Redis, buckets that are not
 * leased run at this gateway's fair share (ceiling / live gateways).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "common.h"
#include "qos-int.h"

/* The QoS clock: CLOCK_MONOTONIC in nanoseconds (tests pass their own). */
static uint64_t
fs_monotonic_ns(void *arg)
{
	(void)arg;
	return mono_ns();
}

/* Current time on fs's clock. */
uint64_t
qos_fs_now(const struct qos_fs *fs)
{
	return fs->clock.now_ns(fs->clock.arg);
}

/* Check a config's numbers before using them. */
static int
fs_check_config(const struct qos_fs_config *c)
{
	const struct qos_params *p = &c->params;

	if (c->fs_id == NULL || *c->fs_id == '\0')
		return EFSGW_ERR_BAD_VALUE;
	if ((unsigned)c->tp_mode > QOS_TP_ELASTIC ||
	    (unsigned)c->perf_mode > QOS_PERF_MAX_IO)
		return EFSGW_ERR_BAD_VALUE;
	if (p->provisioned_min > p->provisioned_max || p->provisioned_min == 0)
		return EFSGW_ERR_BAD_VALUE;
	if (c->tp_mode == QOS_TP_PROVISIONED &&
	    (c->provisioned < p->provisioned_min || c->provisioned > p->provisioned_max))
		return EFSGW_ERR_BAD_VALUE;
	/* Elastic is only available with General Purpose (EFS User Guide: throughput modes). */
	if (c->tp_mode == QOS_TP_ELASTIC && c->perf_mode == QOS_PERF_MAX_IO)
		return EFSGW_ERR_BAD_VALUE;
	if (p->window_ms == 0 || p->tick_ms == 0 ||
	    p->lease_ms == 0 || p->heartbeat_ms == 0 || p->backoff_min_ms == 0 ||
	    p->backoff_max_ms < p->backoff_min_ms || p->lease_timeout_ms == 0)
		return EFSGW_ERR_BAD_VALUE;
	if (p->read_divisor == 0 || p->max_call_bytes < 4096)
		return EFSGW_ERR_BAD_VALUE;
	return 0;
}

/* Set bucket b to rate (0 = none) with window_ms of depth. */
static void
fs_set_bucket(struct qos_fs *fs, struct qos_bucket *b, double rate, uint64_t now)
{
	double depth = rate * fs->cfg.params.window_ms / 1000.0;

	/* A bucket of ops must hold at least one op. */
	if (rate > 0 && depth < 1)
		depth = 1;
	qos_bucket_set_rate(b, rate, depth, now);
}

/* Per-connection ceiling for the current mode. */
static double
fs_client_rate(const struct qos_fs *fs)
{
	const struct qos_params *p = &fs->cfg.params;

	return (double)(fs->cfg.tp_mode == QOS_TP_ELASTIC ?
	    p->client_max_elastic : p->client_max);
}

/* Recompute every bucket's rate from the config and the sharing state. */
void
qos_fs_apply(struct qos_fs *fs)
{
	const struct qos_params *p = &fs->cfg.params;
	uint64_t now = qos_fs_now(fs);
	double n = fs->lease != NULL && fs->live_gateways > 1 ? fs->live_gateways : 1;
	double rate = qos_mode_rate(&fs->cfg);
	double rmax, wmax;
	struct qos_client *cl;

	qos_fs_refill(fs, now);
	if (fs->lease != NULL && rate > 0) {
		if (fs->lease_healthy) {
			/*
			 * The rate Redis granted (this gateway's share of the
			 * demand); Redis keeps the credits. At least 1 B/s: a
			 * rate of 0 would mean "no limit".
			 */
			fs->tp.leased = 0;
			fs->tp.baseline = 0;
			fs_set_bucket(fs, &fs->tp, fs->lease_rate > 1 ?
			    fs->lease_rate : 1, now);
		} else {
			/* Degraded: the last known fair share, no credits. */
			fs->tp.leased = 0;
			fs->tp.baseline = 0;
			if (fs->shared_permitted > 0)
				rate = fs->shared_permitted;
			fs_set_bucket(fs, &fs->tp, rate / n, now);
		}
	} else {
		fs->tp.leased = 0;
		if (fs->cfg.tp_mode == QOS_TP_BURSTING) {
			double cap = qos_mode_credit_cap(p, fs->cfg.storage_std_bytes);

			qos_bucket_set_credits(&fs->tp,
			    qos_mode_baseline(p, fs->cfg.storage_std_bytes),
			    fs->tp.credits, cap);
		} else
			fs->tp.baseline = 0;
		fs_set_bucket(fs, &fs->tp, rate, now);
	}

	rmax = (double)(fs->cfg.tp_mode == QOS_TP_ELASTIC ? p->elastic_read_max : p->read_max);
	wmax = (double)(fs->cfg.tp_mode == QOS_TP_ELASTIC ? p->elastic_write_max : p->write_max);
	fs_set_bucket(fs, &fs->rd, rmax / n, now);
	fs_set_bucket(fs, &fs->wr, wmax / n, now);
	if (fs->cfg.perf_mode == QOS_PERF_GENERAL_PURPOSE) {
		fs_set_bucket(fs, &fs->riops, p->gp_read_iops / n, now);
		fs_set_bucket(fs, &fs->wiops, p->gp_write_iops / n, now);
	} else {
		fs_set_bucket(fs, &fs->riops, 0, now);
		fs_set_bucket(fs, &fs->wiops, 0, now);
	}
	TAILQ_FOREACH(cl, &fs->clients, all_entry)
		fs_set_bucket(fs, &cl->bucket, fs_client_rate(fs), now);
}

/* Refill the file system's buckets to now. */
void
qos_fs_refill(struct qos_fs *fs, uint64_t now)
{
	qos_bucket_refill(&fs->tp, now);
	qos_bucket_refill(&fs->rd, now);
	qos_bucket_refill(&fs->wr, now);
	qos_bucket_refill(&fs->riops, now);
	qos_bucket_refill(&fs->wiops, now);
}

/* Create a file system's QoS state. */
int
qos_fs_new(const struct qos_fs_config *c, const struct qos_clock *clock,
    struct event_base *base, struct qos_fs **outp)
{
	struct qos_fs *fs;
	uint64_t now;
	int r;

	*outp = NULL;
	if ((r = fs_check_config(c)) != 0)
		return r;
	if ((fs = calloc(1, sizeof *fs)) == NULL)
		return EFSGW_ERR_NOMEM;
	fs->cfg = *c;
	fs->fs_id = strdup(c->fs_id);
	fs->gateway_id = strdup(c->gateway_id != NULL ? c->gateway_id : "");
	if (fs->fs_id == NULL || fs->gateway_id == NULL) {
		r = EFSGW_ERR_NOMEM;
		goto out;
	}
	fs->cfg.fs_id = fs->fs_id;
	fs->cfg.gateway_id = fs->gateway_id;
	if (clock != NULL && clock->now_ns != NULL)
		fs->clock = *clock;
	else
		fs->clock.now_ns = fs_monotonic_ns;
	fs->base = base;
	if (base != NULL) {
		if ((fs->timer = evtimer_new(base, qos_admit_timer_cb, fs)) == NULL) {
			r = EFSGW_ERR_NOMEM;
			goto out;
		}
	}
	TAILQ_INIT(&fs->clients);
	TAILQ_INIT(&fs->active);
	fs->live_gateways = 1;
	now = qos_fs_now(fs);
	fs->io_since = now;
	qos_bucket_init(&fs->tp, 0, 0, now);
	qos_bucket_init(&fs->rd, 0, 0, now);
	qos_bucket_init(&fs->wr, 0, 0, now);
	qos_bucket_init(&fs->riops, 0, 0, now);
	qos_bucket_init(&fs->wiops, 0, 0, now);
	/* A new file system starts with a full credit balance (EFS). */
	fs->tp.credits = qos_mode_credit_cap(&c->params, c->storage_std_bytes);
	qos_fs_apply(fs);
	/* Buckets start full. */
	fs->tp.tokens = fs->tp.depth;
	fs->rd.tokens = fs->rd.depth;
	fs->wr.tokens = fs->wr.depth;
	fs->riops.tokens = fs->riops.depth;
	fs->wiops.tokens = fs->wiops.depth;
	*outp = fs;
	return 0;
out:
	qos_fs_free(fs);
	return r;
}

/* Free fs, any clients left and the lease. */
void
qos_fs_free(struct qos_fs *fs)
{
	struct qos_client *cl;

	if (fs == NULL)
		return;
	qos_lease_free(fs->lease);
	fs->lease = NULL;
	while ((cl = TAILQ_FIRST(&fs->clients)) != NULL)
		qos_client_free(cl);
	if (fs->timer != NULL)
		event_free(fs->timer);
	free(fs->fs_id);
	free(fs->gateway_id);
	free(fs);
}

/* Change the provisioned rate at run time. */
int
qos_fs_set_provisioned(struct qos_fs *fs, uint64_t rate)
{
	const struct qos_params *p = &fs->cfg.params;

	if (rate < p->provisioned_min || rate > p->provisioned_max)
		return EFSGW_ERR_BAD_VALUE;
	fs->cfg.provisioned = rate;
	qos_fs_apply(fs);
	qos_admit_schedule(fs);
	return 0;
}

/* Change the Standard storage size. */
void
qos_fs_set_storage(struct qos_fs *fs, uint64_t bytes)
{
	fs->cfg.storage_std_bytes = bytes;
	qos_fs_apply(fs);
	qos_admit_schedule(fs);
}

/* Cap what one call's estimate may charge. */
int
qos_fs_set_max_call(struct qos_fs *fs, uint64_t bytes)
{
	if (bytes < 4096)
		return EFSGW_ERR_BAD_VALUE;
	fs->cfg.params.max_call_bytes = bytes;
	return 0;
}

/* Change throughput mode at run time. */
int
qos_fs_set_mode(struct qos_fs *fs, enum qos_tp_mode mode)
{
	struct qos_fs_config c = fs->cfg;
	int r;

	c.tp_mode = mode;
	if (mode == QOS_TP_PROVISIONED && c.provisioned == 0)
		c.provisioned = c.params.provisioned_min;
	if ((r = fs_check_config(&c)) != 0)
		return r;
	fs->cfg = c;
	qos_fs_apply(fs);
	qos_admit_schedule(fs);
	return 0;
}

/* PermittedThroughput as EFS defines it for the mode. */
static double
fs_permitted(const struct qos_fs *fs)
{
	const struct qos_params *p = &fs->cfg.params;

	switch (fs->cfg.tp_mode) {
	case QOS_TP_ELASTIC:
		/* "For Elastic it reflects the maximum write throughput." */
		return (double)p->elastic_write_max;
	case QOS_TP_PROVISIONED:
		return qos_mode_rate(&fs->cfg);
	default:
		if (fs->lease != NULL && fs->lease_healthy && fs->shared_permitted > 0)
			return fs->shared_permitted;
		if (fs->lease != NULL)
			return fs->shared_permitted > 0 ? fs->shared_permitted :
			    qos_bucket_permitted(&fs->tp);
		return qos_bucket_permitted(&fs->tp);
	}
}

/* Fill *st with a snapshot. */
void
qos_fs_stats(struct qos_fs *fs, struct qos_stats *st)
{
	uint64_t now = qos_fs_now(fs);

	memset(st, 0, sizeof *st);
	qos_fs_refill(fs, now);
	st->c = fs->c;
	if (fs->cfg.tp_mode == QOS_TP_BURSTING)
		st->burst_credit_balance = fs->lease != NULL ? fs->shared_credits :
		    fs->tp.credits;
	st->permitted_throughput = fs_permitted(fs);
	st->percent_io_limit = fs->cfg.perf_mode == QOS_PERF_GENERAL_PURPOSE ?
	    fs->pct_io : 0;
	st->throttled_ns = fs->throttled_ns;
	if (fs->nqueued > 0 && now > fs->throttle_since)
		st->throttled_ns += now - fs->throttle_since;
	st->queued_calls = fs->nqueued;
	st->queued_total = fs->queued_total;
	st->clients = fs->nclients;
	st->live_gateways = fs->live_gateways;
	st->tokens = fs->tp.tokens;
	st->lease_rate = fs->tp.rate;
	st->storage_std_bytes = fs->cfg.storage_std_bytes;
	if (fs->cfg.tp_mode == QOS_TP_BURSTING)
		st->baseline = qos_mode_baseline(&fs->cfg.params,
		    fs->cfg.storage_std_bytes);
	st->redis_state = QOS_REDIS_OFF;
	if (fs->lease != NULL)
		qos_lease_stats(fs->lease, st);
}

/* Identifiers given at creation. */
const char *
qos_fs_id(const struct qos_fs *fs)
{
	return fs->fs_id;
}

const char *
qos_fs_gateway(const struct qos_fs *fs)
{
	return fs->gateway_id;
}
