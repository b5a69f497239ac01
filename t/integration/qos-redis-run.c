/*
 * efsgw - Redis integration test of qos leases, run by qos-redis.sh with a
 * free loopback port and a temp dir. It starts redis-server itself (so it
 * can kill and restart it mid-run; the pid is in DIR/redis.pid for the
 * script's trap) and drives two "gateways" (two qos_fs with the same fs
 * id, each with its own hiredis connection) on one event_base.
 * Pins: the two together hold the file system's budget within 10% while
 * they share it through Redis; with Redis killed each goes degraded and
 * serves its fair share (budget / 2), so the sum still holds; after
 * redis-server restarts on the same port both recover, and every metered
 * byte (including those of the outage) reaches Redis: nothing is lost.
 * Then the budget is shared by demand, not per gateway: a gateway with
 * three busy clients gets about three times the bytes of a gateway with
 * one (each gateway reports its queue in its lease request).
 * Output is TAP ("ok N - ..."); exit 0 only if every check passed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "common.h"
#include "qos.h"

#define RATE		(4 * QOS_MIB)	/* the file system's budget */
#define CALL		(64 * 1024)
#define SLOTS		8

#define MAXCL		3

struct gw;

/* One client of a gateway; each keeps SLOTS calls outstanding. */
struct gwc {
	struct gw	*g;
	struct qos_client *cl;
	int		 inflight;
};

struct gw {
	const char	*name;
	struct qos_fs	*fs;
	struct gwc	 c[MAXCL];
	int		 ncl;		/* clients sending */
	int		 load;		/* keep SLOTS calls outstanding */
	uint64_t	 done_bytes;
	uint64_t	 queued, resumed;
};

static const char *redis_bin, *dir;
static int port, ntest, nfail;
static pid_t redis_pid = -1;
static struct event_base *base;
static struct gw gws[2] = { { .name = "gw-a" }, { .name = "gw-b" } };

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

/* Start redis-server on the port with an append-only file in dir. */
static void
redis_start(void)
{
	char portbuf[16], logf[512], pidf[512];
	redisContext *c;
	struct timeval tv = { 0, 200000 };
	FILE *f;
	int i;

	snprintf(portbuf, sizeof portbuf, "%d", port);
	snprintf(logf, sizeof logf, "%s/redis.log", dir);
	if ((redis_pid = fork()) == 0) {
		execl(redis_bin, redis_bin, "--port", portbuf, "--bind", "127.0.0.1",
		    "--dir", dir, "--appendonly", "yes", "--appendfsync", "everysec",
		    "--save", "", "--daemonize", "no", "--logfile", logf,
		    "--protected-mode", "no", (char *)NULL);
		_exit(127);
	}
	snprintf(pidf, sizeof pidf, "%s/redis.pid", dir);
	if ((f = fopen(pidf, "w")) != NULL) {
		fprintf(f, "%d\n", (int)redis_pid);
		fclose(f);
	}
	for (i = 0; i < 100; i++) {	/* up to ~10 s */
		c = redisConnectWithTimeout("127.0.0.1", port, tv);
		if (c != NULL && !c->err) {
			redisReply *r = redisCommand(c, "PING");
			int ok = r != NULL && r->type == REDIS_REPLY_STATUS;

			freeReplyObject(r);
			redisFree(c);
			if (ok)
				return;
		} else if (c != NULL)
			redisFree(c);
		usleep(100000);
	}
	fprintf(stderr, "redis-server did not start\n");
	exit(1);
}

/* Stop redis-server (SIGTERM: it flushes the append-only file) and reap it. */
static void
redis_stop(void)
{
	int i, st;

	if (redis_pid <= 0)
		return;
	kill(redis_pid, SIGTERM);
	for (i = 0; i < 100; i++) {
		if (waitpid(redis_pid, &st, WNOHANG) == redis_pid)
			break;
		usleep(50000);
	}
	if (i == 100) {
		kill(redis_pid, SIGKILL);
		waitpid(redis_pid, &st, 0);
	}
	redis_pid = -1;
}

/* Read the metered total Redis holds for the file system. */
static double
redis_metered(void)
{
	redisContext *c = redisConnect("127.0.0.1", port);
	redisReply *r;
	double v = -1;

	if (c == NULL || c->err)
		goto out;
	r = redisCommand(c, "HGET efsgw:qos:{fs-it}:bucket metered");
	if (r != NULL && r->type == REDIS_REPLY_STRING)
		v = strtod(r->str, NULL);
	freeReplyObject(r);
out:
	if (c != NULL)
		redisFree(c);
	return v;
}

/* A queued call goes. */
static void
on_resume(void *arg)
{
	struct gwc *c = arg;
	struct gw *g = c->g;

	c->inflight--;
	g->resumed++;
	g->done_bytes += CALL;
	qos_account(g->fs, c->cl, QOS_CLASS_DATA_WRITE, CALL, CALL);
}

/* Calls a gateway has outstanding. */
static int
gw_inflight(const struct gw *g)
{
	int j, n = 0;

	for (j = 0; j < MAXCL; j++)
		n += g->c[j].inflight;
	return n;
}

/* Every ms: keep SLOTS calls outstanding per loaded gateway. */
static void
on_drive(evutil_socket_t fd, short what, void *arg)
{
	int i, j, k, r;

	for (i = 0; i < 2; i++) {
		struct gw *g = &gws[i];

		for (j = 0; j < g->ncl; j++) {
			struct gwc *c = &g->c[j];

			for (k = 0; k < 1000 && g->load && c->inflight < SLOTS; k++) {
				r = qos_admit(g->fs, c->cl, QOS_CLASS_DATA_WRITE, CALL,
				    on_resume, c);
				if (r == 0) {
					g->done_bytes += CALL;
					qos_account(g->fs, c->cl, QOS_CLASS_DATA_WRITE,
					    CALL, CALL);
				} else if (r == 1) {
					c->inflight++;
					g->queued++;
				}
			}
		}
	}
}

/* Run the event loop for ms milliseconds. */
static void
run_for(unsigned ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

/* Run until every gateway's Redis state is want, at most ms; 1 if reached. */
static int
run_until_state(enum qos_redis_state want, unsigned ms)
{
	struct qos_stats st;
	unsigned t;
	int i, ok;

	for (t = 0; t < ms; t += 50) {
		run_for(50);
		for (ok = 1, i = 0; i < 2; i++) {
			qos_fs_stats(gws[i].fs, &st);
			ok &= st.redis_state == want;
		}
		if (ok)
			return 1;
	}
	return 0;
}

/* Measure the two gateways' combined rate over ms. */
static double
measure(unsigned ms, double *a, double *b)
{
	uint64_t a0 = gws[0].done_bytes, b0 = gws[1].done_bytes;

	run_for(ms);
	*a = (gws[0].done_bytes - a0) / (ms / 1000.0);
	*b = (gws[1].done_bytes - b0) / (ms / 1000.0);
	return *a + *b;
}

int
main(int argc, char **argv)
{
	struct qos_fs_config c;
	struct qos_stats st[2];
	struct event *drive;
	struct timeval ms1 = { 0, 1000 };
	struct evbuffer *m;
	const char *cause;
	double sum, a, b, local, remote;
	int i, j;

	if (argc != 4) {
		fprintf(stderr, "usage: %s redis-server port dir\n", argv[0]);
		return 2;
	}
	redis_bin = argv[1];
	port = atoi(argv[2]);
	dir = argv[3];
	signal(SIGPIPE, SIG_IGN);
	log_init("qos-redis", 0, LOG_LEVEL_INFO);
	redis_start();
	base = event_base_new();

	memset(&c, 0, sizeof c);
	qos_params_defaults(&c.params);
	c.params.lease_timeout_ms = 300;
	c.params.backoff_min_ms = 100;
	c.params.backoff_max_ms = 400;
	c.params.heartbeat_ms = 500;
	c.params.pause_depth = SLOTS + 1;
	c.fs_id = "fs-it";
	c.tp_mode = QOS_TP_PROVISIONED;
	c.provisioned = RATE;
	for (i = 0; i < 2; i++) {
		char url[64];

		c.gateway_id = gws[i].name;
		if (qos_fs_new(&c, NULL, base, &gws[i].fs) != 0)
			return 1;
		for (j = 0; j < MAXCL; j++) {
			gws[i].c[j].g = &gws[i];
			gws[i].c[j].cl = qos_client_new(gws[i].fs, "client", NULL, NULL);
		}
		gws[i].ncl = 1;
		snprintf(url, sizeof url, "redis://127.0.0.1:%d/0", port);
		if (qos_lease_attach(gws[i].fs, base, url, &cause) != 0) {
			fprintf(stderr, "lease: %s\n", cause);
			return 1;
		}
		gws[i].load = 1;
	}
	drive = event_new(base, -1, EV_PERSIST, on_drive, NULL);
	event_add(drive, &ms1);

	printf("1..10\n");
	/* 1. Shared budget through Redis. */
	check(run_until_state(QOS_REDIS_OK, 3000), "both gateways lease from Redis");
	run_for(500);
	sum = measure(3000, &a, &b);
	qos_fs_stats(gws[0].fs, &st[0]);
	printf("# shared: %.2f + %.2f = %.2f MiB/s (budget %.2f), lease rtt %.0f us, "
	    "%u live gateways\n", a / QOS_MIB, b / QOS_MIB, sum / QOS_MIB,
	    (double)RATE / QOS_MIB, st[0].lease_rtt_ns / 1e3, st[0].live_gateways);
	check(sum > 0.9 * RATE && sum < 1.1 * RATE,
	    "combined rate %.2f MiB/s within 10%% of the budget", sum / QOS_MIB);
	check(st[0].live_gateways == 2, "heartbeats: 2 live gateways");

	/* 2. Redis killed: degraded, each at its fair share. */
	redis_stop();
	check(run_until_state(QOS_REDIS_DEGRADED, 2000), "both gateways flag degraded");
	run_for(300);
	sum = measure(2000, &a, &b);
	printf("# degraded: %.2f + %.2f = %.2f MiB/s\n", a / QOS_MIB, b / QOS_MIB,
	    sum / QOS_MIB);
	check(sum > 0.85 * RATE && sum < 1.15 * RATE && a > 0.35 * RATE && b > 0.35 * RATE,
	    "degraded: each serves its fair share, sum %.2f MiB/s", sum / QOS_MIB);

	/* 3. Redis back on the same port: recovery and reconciliation. */
	redis_start();
	check(run_until_state(QOS_REDIS_OK, 5000), "both gateways recover after restart");
	run_for(300);
	sum = measure(2000, &a, &b);
	printf("# recovered: %.2f + %.2f = %.2f MiB/s\n", a / QOS_MIB, b / QOS_MIB,
	    sum / QOS_MIB);
	check(sum > 0.9 * RATE && sum < 1.1 * RATE,
	    "recovered: combined rate %.2f MiB/s within 10%%", sum / QOS_MIB);

	/* 4. Shared by demand: three busy clients on gateway a, one on b. */
	gws[0].ncl = 3;
	run_for(1500);
	sum = measure(3000, &a, &b);
	printf("# by demand (3 clients : 1): %.2f + %.2f = %.2f MiB/s\n",
	    a / QOS_MIB, b / QOS_MIB, sum / QOS_MIB);
	check(a > 2 * b && sum > 0.9 * RATE && sum < 1.1 * RATE,
	    "a gateway with 3 busy clients gets more than twice the share of "
	    "one with 1 (%.2f vs %.2f MiB/s)", a / QOS_MIB, b / QOS_MIB);

	/* 5. Stop the load; every queued call resumes; every byte reaches Redis. */
	gws[0].load = gws[1].load = 0;
	for (i = 0; i < 100 && (gw_inflight(&gws[0]) || gw_inflight(&gws[1])); i++)
		run_for(50);
	run_for(1500);	/* idle: the last reports go out with the heartbeats */
	qos_fs_stats(gws[0].fs, &st[0]);
	qos_fs_stats(gws[1].fs, &st[1]);
	local = (double)st[0].c.metered_bytes + (double)st[1].c.metered_bytes;
	remote = redis_metered();
	printf("# metered: local %.0f, Redis %.0f; degraded events %llu/%llu; "
	    "queued %llu/%llu resumed %llu/%llu\n", local, remote,
	    (unsigned long long)st[0].degraded_events, (unsigned long long)st[1].degraded_events,
	    (unsigned long long)gws[0].queued, (unsigned long long)gws[1].queued,
	    (unsigned long long)gws[0].resumed, (unsigned long long)gws[1].resumed);
	check(gws[0].queued == gws[0].resumed && gws[1].queued == gws[1].resumed &&
	    st[0].queued_calls == 0 && st[1].queued_calls == 0,
	    "every queued call was resumed (none dropped)");
	check(remote >= local && remote <= local * 1.01,
	    "nothing lost: Redis holds every metered byte (%.0f vs %.0f)", remote, local);

	m = evbuffer_new();
	qos_metrics_write(m, &gws[0].fs, 1);
	if (getenv("QOS_REDIS_SHOW_METRICS") != NULL)
		fwrite(evbuffer_pullup(m, -1), 1, evbuffer_get_length(m), stdout);
	evbuffer_free(m);

	event_free(drive);
	for (i = 0; i < 2; i++) {
		for (j = 0; j < MAXCL; j++)
			qos_client_free(gws[i].c[j].cl);
		qos_fs_free(gws[i].fs);
	}
	event_base_free(base);
	redis_stop();
	return nfail == 0 ? 0 : 1;
}
