/*
 * efsgw - benchmark of the Redis lease protocol (qos/lease.c, qos/lease.lua):
 * N simulated gateways in one process, each a real struct qos_fs with its
 * own hiredis async connection and lease state, all serving one file
 * system through one redis-server. Every gateway has closed-loop clients
 * (each keeps SLOTS 64 KiB WRITEs outstanding, "answered" as soon as QoS
 * releases them), or none at all (idle); with -t SECONDS every other
 * gateway switches its load off and on every SECONDS, so demand moves.
 * After a warm-up it measures, over
 * the run: lease script calls per gateway per second (Redis INFO
 * commandstats and each gateway's lease replies), Redis CPU (INFO cpu),
 * this process's CPU, the bytes each gateway moved, and the sum of the
 * rates Redis granted against the file system's budget.
 *
 * --smoke (make check, via qos-lease-smoke.sh) runs N=2 for a couple of
 * seconds and checks correctness only, printing TAP: both gateways lease,
 * both move data, the sum of grants never exceeds the budget by more than
 * a lease period's worth, calls per gateway stay under the protocol's
 * bound, after SCRIPT FLUSH the script is loaded once and run with
 * EVALSHA again (no EVAL of the whole script per lease), and idle
 * gateways heartbeat about once a second.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/resource.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "common.h"
#include "qos.h"

#define CALL		(64 * 1024)
#define SLOTS		4
#define MAX_GW		100
#define MAX_CLIENTS	64

struct bclient {
	struct bgw	*g;
	struct qos_client *cl;
	int		 inflight;
};

struct bgw {
	char		 name[32];
	struct qos_fs	*fs;
	struct bclient	 cl[MAX_CLIENTS];
	int		 ncl;
	int		 off;		/* load switched off (-t) */
	uint64_t	 done_bytes;
	uint64_t	 leases0, done0;
};

struct rstats {
	double		cpu;		/* used_cpu_user + used_cpu_sys, s */
	double		evalsha, eval, load;
};

static struct bgw gws[MAX_GW];
static int ngw = 2, load = 1, ntest, nfail;
static struct event_base *base;
static const char *host = "127.0.0.1";
static int port;

/* Print one TAP result. */
static void
check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		nfail++;
}

/* A queued call goes: it is answered at once. */
static void
on_resume(void *arg)
{
	struct bclient *c = arg;

	c->inflight--;
	c->g->done_bytes += CALL;
	qos_account(c->g->fs, c->cl, QOS_CLASS_DATA_WRITE, CALL, CALL);
}

/* Every ms: every client keeps SLOTS calls outstanding. */
static void
on_drive(evutil_socket_t fd, short what, void *arg)
{
	int i, j, k, r;

	if (!load)
		return;
	for (i = 0; i < ngw; i++) {
		struct bgw *g = &gws[i];

		if (g->off)
			continue;
		for (j = 0; j < g->ncl; j++) {
			struct bclient *c = &g->cl[j];

			for (k = 0; k < 64 && c->inflight < SLOTS; k++) {
				r = qos_admit(g->fs, c->cl, QOS_CLASS_DATA_WRITE, CALL,
				    on_resume, c);
				if (r == 0) {
					g->done_bytes += CALL;
					qos_account(g->fs, c->cl, QOS_CLASS_DATA_WRITE,
					    CALL, CALL);
				} else if (r == 1)
					c->inflight++;
				else
					break;
			}
		}
	}
}

/* -t: every other gateway switches its load off or on. */
static void
on_toggle(evutil_socket_t fd, short what, void *arg)
{
	int i;

	for (i = 1; i < ngw; i += 2)
		gws[i].off = !gws[i].off;
}

/* Run the event loop for ms milliseconds. */
static void
run_for(unsigned ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

/* The number after "key" in an INFO text (0 if absent). */
static double
info_num(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p != NULL ? strtod(p + strlen(key), NULL) : 0;
}

/* Send one command on a fresh synchronous connection; caller frees. */
static redisReply *
redis_cmd(const char *cmd)
{
	redisContext *c = redisConnect(host, port);
	redisReply *r = NULL;

	if (c != NULL && !c->err)
		r = redisCommand(c, cmd);
	if (c != NULL)
		redisFree(c);
	return r;
}

/* Read Redis's CPU and script command counters. */
static void
redis_stats(struct rstats *s)
{
	redisReply *r = redis_cmd("INFO all");

	memset(s, 0, sizeof *s);
	if (r == NULL || r->type != REDIS_REPLY_STRING) {
		freeReplyObject(r);
		return;
	}
	s->cpu = info_num(r->str, "used_cpu_user:") + info_num(r->str, "used_cpu_sys:");
	s->evalsha = info_num(r->str, "cmdstat_evalsha:calls=");
	s->eval = info_num(r->str, "cmdstat_eval:calls=");
	s->load = info_num(r->str, "cmdstat_script|load:calls=");
	freeReplyObject(r);
}

/* This process's CPU time, seconds. */
static double
self_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Wall clock, seconds. */
static double
wall(void)
{
	return (double)mono_ns() / 1e9;
}

/* Sum of the rates the gateways hold now (bytes/s). */
static double
granted_sum(void)
{
	struct qos_stats st;
	double sum = 0;
	int i;

	for (i = 0; i < ngw; i++) {
		qos_fs_stats(gws[i].fs, &st);
		sum += st.lease_rate;
	}
	return sum;
}

/* Number of gateways whose Redis state is want. */
static int
count_state(enum qos_redis_state want)
{
	struct qos_stats st;
	int i, n = 0;

	for (i = 0; i < ngw; i++) {
		qos_fs_stats(gws[i].fs, &st);
		n += st.redis_state == want;
	}
	return n;
}

static void
usage(void)
{
	fprintf(stderr, "usage: qos-lease-bench -p PORT [-n GATEWAYS] [-d SECONDS] "
	    "[-w WARMUP] [-r MIB_PER_S] [-c CLIENTS] [-k CLIENTS_GW0] [-t TOGGLE_S] [-i] "
	    "[--smoke]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "smoke", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct qos_fs_config c;
	struct qos_stats st;
	struct rstats r0, r1;
	struct event *drive, *toggle = NULL;
	struct timeval ms1 = { 0, 1000 };
	const char *cause;
	double secs = 5, warm = 2, rate_mib = 4, t0, t1, cpu0, cpu1, el, tog = 0;
	double gmin = 1e18, gmax = 0, gsum = 0, gsamples = 0, gworst = 0;
	double leases = 0, lmax = 0, moved = 0, share0 = 0;
	int i, j, ch, clients = 1, skew = 0, smoke = 0, ms;
	char url[128];

	while ((ch = getopt_long(argc, argv, "p:n:d:w:r:c:k:t:ih", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'p': port = atoi(optarg); break;
		case 'n': ngw = atoi(optarg); break;
		case 'd': secs = atof(optarg); break;
		case 'w': warm = atof(optarg); break;
		case 'r': rate_mib = atof(optarg); break;
		case 'c': clients = atoi(optarg); break;
		case 'k': skew = atoi(optarg); break;
		case 'i': load = 0; break;
		case 't': tog = atof(optarg); break;
		case 'S': smoke = 1; break;
		default: usage();
		}
	}
	if (smoke) {
		ngw = 2;
		secs = 2;
		warm = 1;
	}
	if (port <= 0 || ngw < 1 || ngw > MAX_GW || clients < 1 ||
	    clients > MAX_CLIENTS || skew < 0 || skew > MAX_CLIENTS || secs <= 0)
		usage();
	signal(SIGPIPE, SIG_IGN);
	log_init("qos-lease-bench", 0, LOG_LEVEL_WARN);
	base = event_base_new();

	memset(&c, 0, sizeof c);
	qos_params_defaults(&c.params);
	c.params.pause_depth = SLOTS + 1;
	c.fs_id = "fs-bench";
	c.tp_mode = QOS_TP_PROVISIONED;
	c.provisioned = (uint64_t)(rate_mib * QOS_MIB);
	snprintf(url, sizeof url, "redis://%s:%d/0", host, port);
	{
		redisReply *rr = redis_cmd("DEL efsgw:qos:{fs-bench}:bucket "
		    "efsgw:qos:{fs-bench}:gateways efsgw:qos:{fs-bench}:demand");

		if (rr == NULL) {
			fprintf(stderr, "qos-lease-bench: no Redis on port %d\n", port);
			return 1;
		}
		freeReplyObject(rr);
	}
	for (i = 0; i < ngw; i++) {
		struct bgw *g = &gws[i];

		snprintf(g->name, sizeof g->name, "gw-%03d", i);
		c.gateway_id = g->name;
		if (qos_fs_new(&c, NULL, base, &g->fs) != 0)
			return 1;
		g->ncl = i == 0 && skew > 0 ? skew : clients;
		for (j = 0; j < g->ncl; j++) {
			g->cl[j].g = g;
			g->cl[j].cl = qos_client_new(g->fs, "client", NULL, NULL);
		}
		if (qos_lease_attach(g->fs, base, url, &cause) != 0) {
			fprintf(stderr, "lease: %s\n", cause);
			return 1;
		}
	}
	drive = event_new(base, -1, EV_PERSIST, on_drive, NULL);
	event_add(drive, &ms1);
	if (tog > 0) {
		struct timeval tv = { (time_t)tog, (suseconds_t)((tog - (time_t)tog) * 1e6) };

		toggle = event_new(base, -1, EV_PERSIST, on_toggle, NULL);
		event_add(toggle, &tv);
	}

	if (smoke)
		printf("1..7\n");
	for (ms = 0; ms < 5000 && count_state(QOS_REDIS_OK) < ngw; ms += 50)
		run_for(50);
	if (smoke)
		check(count_state(QOS_REDIS_OK) == ngw, "%d gateways lease from Redis",
		    ngw);
	run_for((unsigned)(warm * 1000));

	for (i = 0; i < ngw; i++) {
		qos_fs_stats(gws[i].fs, &st);
		gws[i].leases0 = st.lease_count;
		gws[i].done0 = gws[i].done_bytes;
	}
	redis_stats(&r0);
	cpu0 = self_cpu();
	t0 = wall();
	/* Sample the sum of granted rates every 100 ms. */
	for (ms = 0; ms < (int)(secs * 1000); ms += 100) {
		double g;

		run_for(100);
		g = granted_sum();
		gsum += g;
		gsamples++;
		if (g < gmin)
			gmin = g;
		if (g > gmax)
			gmax = g;
	}
	t1 = wall();
	cpu1 = self_cpu();
	redis_stats(&r1);
	el = t1 - t0;
	for (i = 0; i < ngw; i++) {
		double l, m;

		qos_fs_stats(gws[i].fs, &st);
		l = (double)(st.lease_count - gws[i].leases0) / el;
		m = (double)(gws[i].done_bytes - gws[i].done0) / el;
		leases += l;
		moved += m;
		if (l > lmax)
			lmax = l;
		if (i == 0)
			share0 = m;
	}
	if (gsamples > 0) {
		gworst = gmax - c.provisioned > c.provisioned - gmin ?
		    gmax - c.provisioned : c.provisioned - gmin;
	}
	printf("# gateways=%d load=%s clients=%d skew=%d toggle=%.1fs budget=%.2f MiB/s "
	    "secs=%.1f\n", ngw, load ? "throttled" : "idle", clients, skew, tog,
	    rate_mib, el);
	printf("# script calls/s: redis total %.0f (evalsha %.0f, eval %.0f, "
	    "script load %.0f), per gateway %.1f mean, %.1f max (lease replies)\n",
	    (r1.evalsha + r1.eval - r0.evalsha - r0.eval) / el,
	    (r1.evalsha - r0.evalsha) / el, (r1.eval - r0.eval) / el,
	    r1.load - r0.load, leases / ngw, lmax);
	printf("# redis cpu %.1f %%, bench cpu %.1f %% (%d gateways)\n",
	    100 * (r1.cpu - r0.cpu) / el, 100 * (cpu1 - cpu0) / el, ngw);
	printf("# moved %.2f MiB/s (budget %.2f), gateway 0 %.2f MiB/s "
	    "(%d of %d clients)\n", moved / QOS_MIB, rate_mib, share0 / QOS_MIB,
	    gws[0].ncl, gws[0].ncl + (ngw - 1) * clients);
	printf("# granted rates sum %.2f MiB/s mean, %.2f..%.2f min..max, "
	    "worst %.1f %% off the budget\n", gsum / (gsamples ? gsamples : 1) /
	    QOS_MIB, gmin / QOS_MIB, gmax / QOS_MIB, 100 * gworst / c.provisioned);
	printf("RESULT gateways=%d load=%s calls_per_gw=%.2f calls_max_gw=%.2f "
	    "calls_total=%.1f redis_cpu_pct=%.2f bench_cpu_pct=%.1f moved_mibs=%.3f "
	    "budget_mibs=%.2f granted_mean_mibs=%.3f granted_min_mibs=%.3f "
	    "granted_max_mibs=%.3f gw0_mibs=%.3f\n", ngw, load ? "throttled" : "idle",
	    leases / ngw, lmax, (r1.evalsha + r1.eval - r0.evalsha - r0.eval) / el,
	    100 * (r1.cpu - r0.cpu) / el, 100 * (cpu1 - cpu0) / el, moved / QOS_MIB,
	    rate_mib, gsum / (gsamples ? gsamples : 1) / QOS_MIB, gmin / QOS_MIB,
	    gmax / QOS_MIB, share0 / QOS_MIB);

	if (smoke) {
		check(gws[0].done_bytes > gws[0].done0 && gws[1].done_bytes > gws[1].done0,
		    "both gateways move data");
		check(gmax <= c.provisioned * 1.25,
		    "granted rates never sum to more than the budget + 25%% "
		    "(max %.2f MiB/s of %.2f)", gmax / QOS_MIB, rate_mib);
		/* The protocol's bound is 20 per gateway per second. */
		check(lmax <= 25, "at most ~20 lease calls per gateway per second "
		    "(%.1f)", lmax);
		/* The script cache flushed: SCRIPT LOAD once, then EVALSHA. */
		freeReplyObject(redis_cmd("SCRIPT FLUSH"));
		run_for(300);
		redis_stats(&r0);
		run_for(1000);
		redis_stats(&r1);
		check(r1.eval - r0.eval == 0 && r1.evalsha - r0.evalsha > 0,
		    "after SCRIPT FLUSH leases use EVALSHA again (%.0f EVAL, %.0f "
		    "EVALSHA in 1 s)", r1.eval - r0.eval, r1.evalsha - r0.evalsha);
		check(count_state(QOS_REDIS_OK) == ngw, "both gateways still lease");
		/* Idle: after the demand decays, one heartbeat per second. */
		load = 0;
		run_for(3000);
		for (i = 0; i < ngw; i++) {
			qos_fs_stats(gws[i].fs, &st);
			gws[i].leases0 = st.lease_count;
		}
		run_for(3000);
		for (lmax = 0, i = 0; i < ngw; i++) {
			qos_fs_stats(gws[i].fs, &st);
			if ((st.lease_count - gws[i].leases0) / 3.0 > lmax)
				lmax = (st.lease_count - gws[i].leases0) / 3.0;
		}
		check(lmax <= 1.4, "idle gateways heartbeat about once a second "
		    "(%.2f/s)", lmax);
	}
	event_free(drive);
	if (toggle != NULL)
		event_free(toggle);
	for (i = 0; i < ngw; i++) {
		for (j = 0; j < gws[i].ncl; j++)
			qos_client_free(gws[i].cl[j].cl);
		qos_fs_free(gws[i].fs);
	}
	event_base_free(base);
	return nfail == 0 ? 0 : 1;
}
