/*
 * efsgw - qos admission: the per-call gate the pipeline calls before it
 * forwards a call. A call passes at once when nothing is queued and every
 * bucket it needs has tokens; otherwise it waits in its client's FIFO.
 * Waiting calls are released in virtual-finish-time order over metered
 * bytes (fair queueing in the style of WFQ/SFQ): a queued call gets the
 * start tag max(virtual time, its client's last finish tag) and the finish
 * tag start + cost; the least finish tag among the clients' FIFO heads goes
 * next and the virtual time moves to its start tag. So a client sending 1 MiB
 * WRITEs and one sending 4 KiB calls get equal byte shares when both are
 * backlogged, and a client that sends now and then goes ahead of a
 * backlogged one (it waits at most one call of each other client) -
 * neither starves. The scan over waiting clients is O(clients waiting). A one-shot timer, armed for when the
 * buckets will have tokens again (never sooner than tick_ms), releases
 * calls in small steps instead of once a second. Clients with calls
 * queued are paused (told to stop reading their socket) so nothing
 * buffers without bound; nothing is ever dropped.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "common.h"
#include "qos-int.h"

/* Poll loop bound: releases per poll before yielding to the event loop. */
#define ADMIT_MAX_RELEASES	4096

/*
 * Clamp an estimate to what one call can move: a READ's count is declared
 * by the client (up to 4 GiB) and would otherwise put the whole file
 * system's bucket into debt until its reply refunds it - or for good, if
 * the client hangs up first.
 */
static uint64_t
admit_clamp(const struct qos_fs *fs, uint64_t bytes)
{
	uint64_t max = fs->cfg.params.max_call_bytes;

	return bytes > max ? max : bytes;
}

/* Work out what a call of cls moving bytes costs. */
static void
admit_cost(const struct qos_fs *fs, uint32_t cls, uint64_t bytes, struct qos_cost *c)
{
	if (cls >= QOS_CLASS_MAX)
		cls = QOS_CLASS_NONE;
	c->cls = cls;
	c->metered = (double)qos_meter_metered(&fs->cfg.params, cls, bytes);
	c->bytes = (double)bytes;
	c->is_read = qos_meter_is_read(cls);
}

/* 1 if every bucket a call of cost c needs has tokens. */
static int
admit_ready(const struct qos_fs *fs, const struct qos_client *cl,
    const struct qos_cost *c)
{
	if (!qos_bucket_ready(&fs->tp) || !qos_bucket_ready(&cl->bucket))
		return 0;
	if (c->is_read)
		return qos_bucket_ready(&fs->rd) && qos_bucket_ready(&fs->riops);
	return qos_bucket_ready(&fs->wr) && qos_bucket_ready(&fs->wiops);
}

/* Roll the PercentIOLimit window over when a second has passed. */
static void
admit_io_window(struct qos_fs *fs, uint64_t now)
{
	double el, r = 0, w = 0;

	if (now < fs->io_since + 1000000000ULL)
		return;
	el = (double)(now - fs->io_since) / 1e9;
	if (fs->riops.rate > 0)
		r = fs->io_rops / (fs->riops.rate * el);
	if (fs->wiops.rate > 0)
		w = fs->io_wops / (fs->wiops.rate * el);
	fs->pct_io = 100.0 * (r > w ? r : w);
	if (fs->pct_io > 100)
		fs->pct_io = 100;
	fs->io_rops = fs->io_wops = 0;
	fs->io_since = now;
}

/* Charge a passing call to every bucket it uses. */
static void
admit_charge(struct qos_fs *fs, struct qos_client *cl, const struct qos_cost *c)
{
	qos_bucket_take(&fs->tp, c->metered);
	qos_bucket_take(&cl->bucket, c->metered);
	if (c->is_read) {
		qos_bucket_take(&fs->rd, c->bytes);
		qos_bucket_take(&fs->riops, 1);
		fs->io_rops++;
	} else {
		qos_bucket_take(&fs->wr, c->bytes);
		qos_bucket_take(&fs->wiops, 1);
		fs->io_wops++;
	}
	if (fs->lease != NULL)
		fs->unreported += c->metered;
}

/* Set a client's pause state, telling the pipeline on a change. */
static void
admit_set_paused(struct qos_client *cl, int paused)
{
	if (cl->paused == paused)
		return;
	cl->paused = paused;
	if (cl->pause != NULL)
		cl->pause(cl->pause_arg, paused);
}

/* Attach a client to fs. */
struct qos_client *
qos_client_new(struct qos_fs *fs, const char *name, qos_pause_cb pause, void *arg)
{
	struct qos_client *cl;
	double rate;

	if ((cl = calloc(1, sizeof *cl)) == NULL)
		return NULL;
	cl->fs = fs;
	if (name != NULL)
		snprintf(cl->name, sizeof cl->name, "%s", name);
	TAILQ_INIT(&cl->queue);
	cl->pause = pause;
	cl->pause_arg = arg;
	rate = (double)(fs->cfg.tp_mode == QOS_TP_ELASTIC ?
	    fs->cfg.params.client_max_elastic : fs->cfg.params.client_max);
	qos_bucket_init(&cl->bucket, rate, rate * fs->cfg.params.window_ms / 1000.0,
	    qos_fs_now(fs));
	TAILQ_INSERT_TAIL(&fs->clients, cl, all_entry);
	fs->nclients++;
	return cl;
}

/* Take a client off the round-robin ring. */
static void
admit_unring(struct qos_fs *fs, struct qos_client *cl)
{
	if (!cl->in_ring)
		return;
	TAILQ_REMOVE(&fs->active, cl, ring_entry);
	cl->in_ring = 0;
}

/* Count the start or end of a period with calls queued. */
static void
admit_throttle(struct qos_fs *fs, uint64_t before, uint64_t now)
{
	if (before == 0 && fs->nqueued > 0)
		fs->throttle_since = now;
	else if (before > 0 && fs->nqueued == 0 && now > fs->throttle_since)
		fs->throttled_ns += now - fs->throttle_since;
}

/* Detach and free a client, dropping its queued calls. */
void
qos_client_free(struct qos_client *cl)
{
	struct qos_fs *fs;
	struct qos_wait *w;
	uint64_t before;

	if (cl == NULL)
		return;
	fs = cl->fs;
	before = fs->nqueued;
	while ((w = TAILQ_FIRST(&cl->queue)) != NULL) {
		TAILQ_REMOVE(&cl->queue, w, entry);
		fs->nqueued--;
		fs->queued_metered -= w->cost.metered;
		free(w);
	}
	admit_throttle(fs, before, qos_fs_now(fs));
	if (before > 0 && fs->nqueued == 0) {
		fs->queued_metered = 0;
		fs->vtime = 0;
		fs->epoch++;
	}
	admit_unring(fs, cl);
	TAILQ_REMOVE(&fs->clients, cl, all_entry);
	fs->nclients--;
	free(cl);
}

/* Number of calls the client has queued. */
uint64_t
qos_client_queued(const struct qos_client *cl)
{
	return cl->nqueued;
}

/* 1 while the client is paused. */
int
qos_client_paused(const struct qos_client *cl)
{
	return cl->paused;
}

/* Admit one call, or queue it. */
int
qos_admit(struct qos_fs *fs, struct qos_client *cl, uint32_t cls,
    uint64_t bytes_estimate, void (*resume)(void *), void *arg)
{
	struct qos_cost c;
	struct qos_wait *w;
	uint64_t now = qos_fs_now(fs);

	admit_cost(fs, cls, admit_clamp(fs, bytes_estimate), &c);
	admit_io_window(fs, now);
	if (fs->nqueued == 0) {
		qos_fs_refill(fs, now);
		qos_bucket_refill(&cl->bucket, now);
		if (admit_ready(fs, cl, &c)) {
			admit_charge(fs, cl, &c);
			return 0;
		}
	}
	if ((w = malloc(sizeof *w)) == NULL)
		return EFSGW_ERR_NOMEM;
	w->cost = c;
	if (cl->epoch != fs->epoch) {
		/* Tags from before the queue last drained mean nothing now. */
		cl->finish = 0;
		cl->epoch = fs->epoch;
	}
	w->start = cl->finish > fs->vtime ? cl->finish : fs->vtime;
	cl->finish = w->start + c.metered;
	w->since_ns = now;
	w->resume = resume;
	w->arg = arg;
	TAILQ_INSERT_TAIL(&cl->queue, w, entry);
	cl->nqueued++;
	fs->nqueued++;
	fs->queued_total++;
	fs->queued_metered += c.metered;
	admit_throttle(fs, fs->nqueued - 1, now);
	if (!cl->in_ring) {
		TAILQ_INSERT_TAIL(&fs->active, cl, ring_entry);
		cl->in_ring = 1;
	}
	if (cl->nqueued >= fs->cfg.params.pause_depth)
		admit_set_paused(cl, 1);
	if (fs->lease != NULL)
		qos_lease_kick(fs->lease);
	qos_admit_schedule(fs);
	return 1;
}

/* Record actual bytes and charge the difference to the estimate. */
void
qos_account(struct qos_fs *fs, struct qos_client *cl, uint32_t cls,
    uint64_t bytes_estimate, uint64_t bytes_actual)
{
	struct qos_cost est, act;
	double dm, db;

	admit_cost(fs, cls, admit_clamp(fs, bytes_estimate), &est);
	admit_cost(fs, cls, bytes_actual, &act);
	qos_meter_record(&fs->c, &fs->cfg.params, act.cls, bytes_actual);
	dm = act.metered - est.metered;
	db = act.bytes - est.bytes;
	if (dm == 0 && db == 0)
		return;
	qos_fs_refill(fs, qos_fs_now(fs));
	qos_bucket_take(&fs->tp, dm);
	if (cl != NULL)
		qos_bucket_take(&cl->bucket, dm);
	qos_bucket_take(act.is_read ? &fs->rd : &fs->wr, db);
	if (fs->lease != NULL)
		fs->unreported += dm;
}

/* Pick the waiting client whose head call may go and finishes first. */
static struct qos_client *
admit_pick(struct qos_fs *fs, uint64_t now)
{
	struct qos_client *cl, *best = NULL;
	double best_finish = 0, f;
	struct qos_wait *w;

	TAILQ_FOREACH(cl, &fs->active, ring_entry) {
		w = TAILQ_FIRST(&cl->queue);
		f = w->start + w->cost.metered;
		if (best != NULL && f >= best_finish)
			continue;
		qos_bucket_refill(&cl->bucket, now);
		if (!admit_ready(fs, cl, &w->cost))
			continue;	/* held by its own or its class's ceiling */
		best = cl;
		best_finish = f;
	}
	return best;
}

/* Release what the buckets allow now, in fair-queueing order. */
unsigned int
qos_fs_poll(struct qos_fs *fs)
{
	struct qos_waits released = TAILQ_HEAD_INITIALIZER(released);
	struct qos_client *cl;
	struct qos_wait *w;
	uint64_t now = qos_fs_now(fs), before = fs->nqueued;
	unsigned int n = 0;

	qos_fs_refill(fs, now);
	admit_io_window(fs, now);
	while (n < ADMIT_MAX_RELEASES && !TAILQ_EMPTY(&fs->active) &&
	    qos_bucket_ready(&fs->tp) && (cl = admit_pick(fs, now)) != NULL) {
		w = TAILQ_FIRST(&cl->queue);
		TAILQ_REMOVE(&cl->queue, w, entry);
		cl->nqueued--;
		fs->nqueued--;
		fs->queued_metered -= w->cost.metered;
		fs->vtime = w->start;
		admit_charge(fs, cl, &w->cost);
		TAILQ_INSERT_TAIL(&released, w, entry);
		n++;
		if (TAILQ_EMPTY(&cl->queue))
			admit_unring(fs, cl);
		if (cl->nqueued < fs->cfg.params.pause_depth)
			admit_set_paused(cl, 0);
	}
	if (fs->nqueued == 0) {
		fs->queued_metered = 0;	/* no float drift */
		fs->vtime = 0;
		fs->epoch++;
	}
	admit_throttle(fs, before, now);
	if (fs->lease != NULL && fs->nqueued > 0)
		qos_lease_kick(fs->lease);
	qos_admit_schedule(fs);

	/* Resume last: a resume may call back into qos (admit, client_free). */
	while ((w = TAILQ_FIRST(&released)) != NULL) {
		TAILQ_REMOVE(&released, w, entry);
		w->resume(w->arg);
		free(w);
	}
	return n;
}

/* Timer callback: release calls. */
void
qos_admit_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct qos_fs *fs = arg;

	fs->timer_armed = 0;
	qos_fs_poll(fs);
}

/* Disarm the release timer. */
void
qos_admit_unschedule(struct qos_fs *fs)
{
	if (fs->timer != NULL && fs->timer_armed) {
		evtimer_del(fs->timer);
		fs->timer_armed = 0;
	}
}

/* Arm the release timer for when the buckets will have tokens again. */
void
qos_admit_schedule(struct qos_fs *fs)
{
	uint64_t tick = (uint64_t)fs->cfg.params.tick_ms * 1000000ULL, wait;
	struct timeval tv;

	if (fs->timer == NULL || fs->nqueued == 0) {
		if (fs->timer != NULL && fs->timer_armed) {
			evtimer_del(fs->timer);
			fs->timer_armed = 0;
		}
		return;
	}
	if (fs->timer_armed)
		return;
	wait = qos_bucket_wait_ns(&fs->tp);
	if (wait == UINT64_MAX || wait < tick)
		wait = tick;	/* leased, or ready: held by another bucket */
	if (wait > 1000000000ULL)
		wait = 1000000000ULL;
	tv.tv_sec = (time_t)(wait / 1000000000ULL);
	tv.tv_usec = (suseconds_t)(wait % 1000000000ULL / 1000);
	if (evtimer_add(fs->timer, &tv) == 0)
		fs->timer_armed = 1;
}
