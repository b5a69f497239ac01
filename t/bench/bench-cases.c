/*
 * efsgw - bench-cases: what efsgw-bench measures, each against one target:
 * sequential 1 MiB WRITEs and READs with 16 in flight (MiB/s), GETATTR
 * round trips one at a time (ops/s, p50, p99 in microseconds) and GETATTR
 * throughput with 64 in flight over 16 connections (ops/s). Every case
 * stops on time or bytes, whichever comes first, and every wait inside
 * libnfsc has its time-out, so a hung target fails the case, not the run.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "bench.h"

/* Connect to t and create a session. */
struct nfsc *
bench_connect(const struct bench_conf *conf, const struct bench_target *t)
{
	struct nfsc_opts o;
	struct nfsc *clnt;
	char err[512];

	memset(&o, 0, sizeof o);
	o.host = t->host;
	o.port = t->port;
	o.minor = conf->minor;
	o.timeout_ms = conf->timeout_ms;
	if (t->tls) {
		o.tls = 1;
		o.cafile = conf->cafile;
		o.cert = conf->cert;
		o.key = conf->key;
		o.servername = conf->servername;
	}
	if (nfsc_connect(&o, &clnt, err, sizeof err) != 0) {
		fprintf(stderr, "efsgw-bench: %s: %s\n", t->name, err);
		return NULL;
	}
	if (nfsc_session_create(clnt) != 0) {
		fprintf(stderr, "efsgw-bench: %s: session: %s\n", t->name,
		    nfsc_error(clnt));
		nfsc_destroy(clnt);
		return NULL;
	}
	return clnt;
}

/* The test file's path on target t (one per target, so reads follow writes). */
static void
bench_path(const struct bench_conf *conf, const struct bench_target *t,
    char *buf, size_t len)
{
	snprintf(buf, len, "%s/efsgw-bench.%s.dat", conf->dir, t->name);
}

/* Report a library failure for a case. */
static int
bench_fail(const struct bench_target *t, const char *cs, struct nfsc *clnt)
{
	fprintf(stderr, "efsgw-bench: %s: %s: %s\n", t->name, cs,
	    clnt != NULL ? nfsc_error(clnt) : "failed");
	return -1;
}

/* Collect one READ or WRITE of a sequential case. */
static int
bench_seq_collect(struct nfsc *clnt, int writing, void *rbuf, uint32_t chunk,
    uint64_t *bytes)
{
	struct nfsc_req *req;
	uint8_t verf[8];
	uint32_t n;
	int r, eof, committed;

	if ((r = nfsc_complete(clnt, &req)) != 0)
		return r;
	if ((r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0) {
		if (writing)
			r = nfsc_res_write(req, &n, &committed, verf);
		else
			r = nfsc_res_read(req, rbuf, chunk, &n, &eof);
	}
	nfsc_req_free(req);
	if (r == 0)
		*bytes += n;
	return r;
}

/* seqwrite / seqread: 1 MiB ops, 16 in flight, MiB/s. */
static int
bench_seq(const struct bench_conf *conf, const struct bench_target *t,
    struct bench_result *res, int writing)
{
	const char *cs = writing ? "seqwrite" : "seqread";
	struct nfsc *clnt;
	struct nfsc_file f;
	struct nfsc_attr a;
	struct nfsc_req *req;
	char path[1024];
	uint8_t *buf;
	uint32_t chunk;
	uint64_t off = 0, done = 0, limit = conf->bytes, fsize = 0;
	double t0, el;
	int r = 0, ret = -1;

	if ((clnt = bench_connect(conf, t)) == NULL)
		return -1;
	chunk = nfsc_io_size(clnt);
	buf = xmalloc(chunk);
	memset(buf, 0xa5, chunk);
	bench_path(conf, t, path, sizeof path);
	if (writing)
		r = nfsc_open_path(clnt, path, NFSC_O_READ | NFSC_O_WRITE |
		    NFSC_O_CREATE | NFSC_O_TRUNC, 0644, &f);
	else if ((r = nfsc_open_path(clnt, path, NFSC_O_READ, 0, &f)) == 0 &&
	    (r = nfsc_getattr(clnt, &f.fh, &a)) == 0) {
		fsize = a.size - a.size % chunk;
		if (fsize == 0) {
			fprintf(stderr, "efsgw-bench: %s: seqread: %s is empty "
			    "(run seqwrite first)\n", t->name, path);
			goto out_close;
		}
	}
	if (r != 0) {
		bench_fail(t, cs, clnt);
		goto out;
	}
	t0 = mono_seconds();
	for (;;) {
		el = mono_seconds() - t0;
		if (off >= limit || el >= conf->seconds)
			break;
		req = nfsc_req_new(clnt);
		nfsc_op_putfh(req, &f.fh);
		if (writing)
			nfsc_op_write(req, &f.sid, off, NFSC_UNSTABLE, buf, chunk);
		else	/* wrap around the file when it is shorter than the run */
			nfsc_op_read(req, &f.sid, off % fsize, chunk);
		if ((r = nfsc_submit(clnt, req)) != 0) {
			nfsc_req_free(req);
			break;
		}
		off += chunk;
		while (r == 0 && nfsc_inflight(clnt) >= conf->seq_inflight)
			r = bench_seq_collect(clnt, writing, buf, chunk, &done);
		if (r != 0)
			break;
	}
	while (r == 0 && nfsc_inflight(clnt) > 0)
		r = bench_seq_collect(clnt, writing, buf, chunk, &done);
	if (r == 0 && writing)
		r = nfsc_commit(clnt, &f.fh);
	el = mono_seconds() - t0;
	if (r != 0) {
		bench_fail(t, cs, clnt);
		goto out_close;
	}
	res->n = 1;
	res->v[0] = (double)done / (1024.0 * 1024.0) / el;
	res->work = (double)done;
	ret = 0;
out_close:
	if (!(r < 0))
		(void)nfsc_close(clnt, &f);
out:
	free(buf);
	nfsc_destroy(clnt);
	return ret;
}

static int
bench_seqwrite(const struct bench_conf *conf, const struct bench_target *t,
    struct bench_result *res)
{
	return bench_seq(conf, t, res, 1);
}

static int
bench_seqread(const struct bench_conf *conf, const struct bench_target *t,
    struct bench_result *res)
{
	return bench_seq(conf, t, res, 0);
}

/* Look up the directory the cases use (GETATTR target). */
static int
bench_dir_fh(struct nfsc *clnt, const struct bench_conf *conf,
    struct nfsc_fh *fh)
{
	return nfsc_lookup_path(clnt, conf->dir, fh, NULL);
}

/* Compare doubles for qsort. */
static int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* getattr-lat: one GETATTR at a time; ops/s, p50 and p99 in us. */
static int
bench_getattr_lat(const struct bench_conf *conf, const struct bench_target *t,
    struct bench_result *res)
{
	struct nfsc *clnt;
	struct nfsc_fh fh;
	struct nfsc_attr a;
	double *lat = NULL, t0, t1, start;
	size_t n = 0, cap = 0;
	int r = 0, ret = -1;

	if ((clnt = bench_connect(conf, t)) == NULL)
		return -1;
	if (bench_dir_fh(clnt, conf, &fh) != 0) {
		bench_fail(t, "getattr-lat", clnt);
		goto out;
	}
	start = mono_seconds();
	for (t0 = start; t0 - start < conf->seconds && n < 50000000; t0 = t1) {
		if ((r = nfsc_getattr(clnt, &fh, &a)) != 0)
			break;
		t1 = mono_seconds();
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			lat = xreallocarray(lat, cap, sizeof *lat);
		}
		lat[n++] = (t1 - t0) * 1e6;
	}
	if (r != 0 || n == 0) {
		bench_fail(t, "getattr-lat", clnt);
		goto out;
	}
	res->n = 3;
	res->v[0] = (double)n / (mono_seconds() - start);
	res->work = (double)n;
	qsort(lat, n, sizeof *lat, bench_cmp_double);
	res->v[1] = lat[n / 2];
	res->v[2] = lat[(size_t)((double)(n - 1) * 0.99)];
	ret = 0;
out:
	free(lat);
	nfsc_destroy(clnt);
	return ret;
}

/* One connection's share of getattr-rate. */
struct bench_worker {
	const struct bench_conf *conf;
	const struct bench_target *t;
	struct nfsc	*clnt;
	struct nfsc_fh	 fh;
	int		 inflight;
	double		 until;
	uint64_t	 ops;
	int		 err;
	pthread_t	 thr;
};

/* Collect one GETATTR. */
static int
bench_ga_collect(struct nfsc *clnt, uint64_t *ops)
{
	struct nfsc_req *req;
	struct nfsc_attr a;
	int r;

	if ((r = nfsc_complete(clnt, &req)) != 0)
		return r;
	if ((r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0)
		r = nfsc_res_getattr(req, &a);
	nfsc_req_free(req);
	if (r == 0)
		(*ops)++;
	return r;
}

/* Keep w->inflight GETATTRs going until the deadline. */
static void *
bench_ga_worker(void *arg)
{
	struct bench_worker *w = arg;
	struct nfsc_req *req;
	int r = 0;

	while (r == 0 && mono_seconds() < w->until) {
		req = nfsc_req_new(w->clnt);
		nfsc_op_putfh(req, &w->fh);
		nfsc_op_getattr(req, NFSC_A_STAT);
		if ((r = nfsc_submit(w->clnt, req)) != 0) {
			nfsc_req_free(req);
			break;
		}
		while (r == 0 && nfsc_inflight(w->clnt) >= w->inflight)
			r = bench_ga_collect(w->clnt, &w->ops);
	}
	while (r == 0 && nfsc_inflight(w->clnt) > 0)
		r = bench_ga_collect(w->clnt, &w->ops);
	w->err = r;
	return NULL;
}

/* getattr-rate: 64 GETATTRs in flight over 16 connections; ops/s. */
static int
bench_getattr_rate(const struct bench_conf *conf, const struct bench_target *t,
    struct bench_result *res)
{
	struct bench_worker *w;
	int i, nw = conf->rate_conns, started = 0, ret = -1;
	uint64_t ops = 0;
	double t0;

	w = xcalloc((size_t)nw, sizeof *w);
	for (i = 0; i < nw; i++) {
		w[i].conf = conf;
		w[i].t = t;
		w[i].inflight = conf->rate_inflight / nw +
		    (i < conf->rate_inflight % nw);
		if (w[i].inflight < 1)
			w[i].inflight = 1;
		if ((w[i].clnt = bench_connect(conf, t)) == NULL)
			goto out;
		if (bench_dir_fh(w[i].clnt, conf, &w[i].fh) != 0) {
			bench_fail(t, "getattr-rate", w[i].clnt);
			goto out;
		}
	}
	t0 = mono_seconds();
	for (i = 0; i < nw; i++) {
		w[i].until = t0 + conf->seconds;
		if (pthread_create(&w[i].thr, NULL, bench_ga_worker, &w[i]) != 0) {
			fprintf(stderr, "efsgw-bench: pthread_create failed\n");
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(w[i].thr, NULL);
	for (i = 0; i < started; i++) {
		if (w[i].err != 0) {
			bench_fail(t, "getattr-rate", w[i].clnt);
			goto out;
		}
		ops += w[i].ops;
	}
	if (started == nw) {
		res->n = 1;
		res->v[0] = (double)ops / (mono_seconds() - t0);
		res->work = (double)ops;
		ret = 0;
	}
out:
	for (i = 0; i < nw; i++)
		nfsc_destroy(w[i].clnt);
	free(w);
	return ret;
}

#define BENCH_GIB	1073741824.0

const struct bench_case bench_cases[] = {
	{ "seqwrite", 1, { "MiB/s" }, { 1 }, "cpu s/GiB", BENCH_GIB,
	    bench_seqwrite },
	{ "seqread", 1, { "MiB/s" }, { 1 }, "cpu s/GiB", BENCH_GIB,
	    bench_seqread },
	{ "getattr-lat", 3, { "ops/s", "p50 us", "p99 us" }, { 1, 0, 0 },
	    "cpu us/op", 1e6, bench_getattr_lat },
	{ "getattr-rate", 1, { "ops/s" }, { 1 }, "cpu us/op", 1e6,
	    bench_getattr_rate },
};
const int bench_ncases = (int)nitems(bench_cases);
