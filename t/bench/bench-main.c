/*
 * efsgw - efsgw-bench: runs the cases of bench-cases.c against one or
 * more targets in rounds, case by case with every target back to back and
 * the order of the targets alternating every round, so that drift (page
 * cache warming, thermal, other load) falls on each target alike. It
 * prints medians with their min-max spread and the ratio of each target to
 * the first, computed pair by pair within each round and then summarized,
 * charges the CPU time of each path's processes (from /proc/PID/stat) to
 * the bytes or calls it moved, and writes the raw numbers as CSV and/or
 * JSON. Benchmarks are never part of `make check`.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "bench.h"

static const char usage_text[] =
"usage: efsgw-bench [-r ROUNDS] [-d SECONDS] [-b BYTES] [-c CASE,CASE..]\n"
"                   [-p DIR] [-m MINOR] [-t TIMEOUT] [-o FILE.csv|FILE.json]\n"
"                   [--cafile FILE] [--cert FILE [--key FILE]]\n"
"                   [--servername NAME] [--cpu NAME=PID[,PID..]].. \n"
"                   [--cpu-ref NAME] NAME=HOST:PORT[:tls] ..\n"
"\n"
"Measures NFSv4.1 servers with the project's own client (nfsc/). Each\n"
"target is a name and a numeric IPv4 address; the first target is the\n"
"baseline the others are compared with. A target ending in :tls is\n"
"reached over TLS 1.2/1.3 with the --cafile/--cert/--key/--servername\n"
"settings (the same as efsgw-nfsc's); the others over plain TCP.\n"
"\n"
"Cases (all by default):\n"
"  seqwrite      1 MiB UNSTABLE WRITEs, 16 in flight, then COMMIT: MiB/s\n"
"  seqread       1 MiB READs of the file seqwrite wrote, 16 in flight: MiB/s\n"
"  getattr-lat   PUTFH+GETATTR one at a time: ops/s, p50 and p99 latency (us)\n"
"  getattr-rate  PUTFH+GETATTR, 64 in flight over 16 connections: ops/s\n"
"\n"
"Rounds run case by case, every target back to back; the target order\n"
"alternates each round. Ratios to the first target are computed within\n"
"each round and then summarized (median [min-max]).\n"
"\n"
"Options:\n"
"  -r ROUNDS     rounds (default 3); the target order alternates each round\n"
"  -d SECONDS    duration of each case run (default 5)\n"
"  -b BYTES      cap on bytes moved by seqwrite/seqread (default 1 GiB;\n"
"                suffixes K, M, G)\n"
"  -c CASES      comma-separated subset of the cases\n"
"  -p DIR        server directory for the test file and GETATTRs\n"
"                (default /export); the file is DIR/efsgw-bench.NAME.dat\n"
"  -m MINOR      NFSv4 minor version (default 1)\n"
"  -t TIMEOUT    seconds every wait may take (default 30)\n"
"  -o FILE       write every run's numbers to FILE, as JSON if it ends in\n"
"                .json, else CSV (may be given up to 4 times)\n"
"  --cafile FILE verify :tls targets against these CAs (else unverified)\n"
"  --cert FILE   client certificate for :tls targets (PEM)\n"
"  --key FILE    its key (default: the --cert file)\n"
"  --servername NAME  SNI / verified name for :tls targets\n"
"  --cpu NAME=PID[,PID..]  charge the user+sys CPU of these processes\n"
"                (the gateway, stunnel...) to target NAME: each case adds\n"
"                cpu s/GiB (seqwrite, seqread) or cpu us/op (getattr-*)\n"
"  --cpu-ref NAME  the target CPU ratios are computed against (default:\n"
"                the first target with --cpu)\n"
"  -h, --help    this text\n"
"\n"
"Exit status: 0 when every run succeeded, 1 when some failed, 2 on usage.\n";

/*
 * values[target][case][metric][round]; ok[] says which ran. Metric index
 * bc->nmetrics is the case's CPU metric, valid where cpu_ok[] is set.
 */
struct bench_data {
	double		 v[BENCH_MAX_TARGETS][8][BENCH_MAX_METRICS + 1][BENCH_MAX_ROUNDS];
	int		 ok[BENCH_MAX_TARGETS][8][BENCH_MAX_ROUNDS];
	int		 cpu_ok[BENCH_MAX_TARGETS][8][BENCH_MAX_ROUNDS];
};

/* Print usage and exit 2. */
static void __attribute__((noreturn))
usage(const char *msg)
{
	if (msg != NULL)
		fprintf(stderr, "efsgw-bench: %s\n", msg);
	fputs(usage_text, stderr);
	exit(2);
}

/* Parse NAME=HOST:PORT[:tls]. */
static void
parse_target(const char *s, struct bench_target *t)
{
	char buf[256], *eq, *host, *port, *tls;
	long p;

	memset(t, 0, sizeof *t);
	if (strlen(s) >= sizeof buf)
		usage("target too long");
	strcpy(buf, s);
	if ((eq = strchr(buf, '=')) == NULL || eq == buf)
		usage("a target is NAME=HOST:PORT[:tls]");
	*eq = '\0';
	host = eq + 1;
	if ((port = strchr(host, ':')) == NULL)
		usage("a target is NAME=HOST:PORT[:tls]");
	*port++ = '\0';
	if ((tls = strchr(port, ':')) != NULL) {
		*tls++ = '\0';
		if (strcmp(tls, "tls") != 0)
			usage("the only target suffix is :tls");
		t->tls = 1;
	}
	p = strtol(port, NULL, 10);
	if (p <= 0 || p > 65535)
		usage("bad port in target");
	if (strlen(buf) >= sizeof t->name || strlen(host) >= sizeof t->host)
		usage("target name or host too long");
	if (strspn(buf, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_.") != strlen(buf))
		usage("target names are letters, digits, '-', '_' and '.'");
	strcpy(t->name, buf);
	strcpy(t->host, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host);
	t->port = (int)p;
}

/* Parse a byte count with an optional K/M/G suffix; 0 on junk. */
static uint64_t
parse_bytes(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		return 0;
	switch (*end) {
	case 'K': case 'k': v <<= 10; end++; break;
	case 'M': case 'm': v <<= 20; end++; break;
	case 'G': case 'g': v <<= 30; end++; break;
	}
	return *end == '\0' ? v : 0;
}

/* Compare doubles for qsort. */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median, min and max of s[0..n-1] (sorted in place); n > 0. */
static void
stats(double *s, int n, double *med, double *lo, double *hi)
{
	qsort(s, (size_t)n, sizeof *s, cmp_double);
	*med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	*lo = s[0];
	*hi = s[n - 1];
}

/* 1 if metric mi of target ti, case ci ran in round ri. */
static int
have(const struct bench_data *d, int ti, int ci, int mi, int ri)
{
	return mi == bench_cases[ci].nmetrics ? d->cpu_ok[ti][ci][ri] :
	    d->ok[ti][ci][ri];
}

/* Median, min and max of the successful rounds; returns how many. */
static int
summarize(const struct bench_data *d, int ti, int ci, int mi, int rounds,
    double *med, double *lo, double *hi)
{
	double s[BENCH_MAX_ROUNDS];
	int i, n = 0;

	for (i = 0; i < rounds; i++)
		if (have(d, ti, ci, mi, i))
			s[n++] = d->v[ti][ci][mi][i];
	if (n == 0)
		return 0;
	stats(s, n, med, lo, hi);
	return n;
}

/*
 * The ratio of target ti to target ref, computed round by round (each
 * pair ran back to back in that round, in alternating order) and then
 * summarized; returns how many rounds had both.
 */
static int
summarize_ratio(const struct bench_data *d, int ti, int ref, int ci, int mi,
    int rounds, double *med, double *lo, double *hi)
{
	double s[BENCH_MAX_ROUNDS], b;
	int i, n = 0;

	for (i = 0; i < rounds; i++)
		if (have(d, ti, ci, mi, i) && have(d, ref, ci, mi, i) &&
		    (b = d->v[ref][ci][mi][i]) != 0)
			s[n++] = d->v[ti][ci][mi][i] / b;
	if (n == 0)
		return 0;
	stats(s, n, med, lo, hi);
	return n;
}

/* CPU seconds (user + system) used so far by the target's processes; -1 if gone. */
static double
cpu_seconds(const struct bench_target *t)
{
	static long hz;
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	double total = 0;
	size_t n;
	FILE *f;
	int i;

	if (hz == 0 && (hz = sysconf(_SC_CLK_TCK)) <= 0)
		hz = 100;
	for (i = 0; i < t->npids; i++) {
		snprintf(path, sizeof path, "/proc/%d/stat", t->pids[i]);
		if ((f = fopen(path, "r")) == NULL)
			return -1;
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		/* proc(5): fields 14 and 15, counted after the ")" of comm. */
		if ((p = strrchr(buf, ')')) == NULL ||
		    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
		    "%lu %lu", &ut, &st) != 2)
			return -1;
		total += (double)(ut + st) / (double)hz;
	}
	return total;
}

/* Print "med [lo-hi]" and, when given, the ratio column. */
static void
print_cell(const char *name, double med, double lo, double hi, int nr,
    double rmed, double rlo, double rhi)
{
	char cell[96];

	/* Small values (CPU seconds per GiB) need their second digit. */
	if (med < 10)
		snprintf(cell, sizeof cell, "%.2f [%.2f-%.2f]", med, lo, hi);
	else
		snprintf(cell, sizeof cell, "%.1f [%.1f-%.1f]", med, lo, hi);
	printf("  %-14s %-32s", name, cell);
	if (nr > 0)
		printf(" x%.2f [%.2f-%.2f]", rmed, rlo, rhi);
	printf("\n");
}

/* Print the summary: one block per case and metric, one line per target. */
static void
print_table(const struct bench_data *d, const struct bench_target *tg, int nt,
    const int *cases, int nc, int rounds, int cpu_ref)
{
	const struct bench_case *bc;
	double med, lo, hi, rmed, rlo, rhi;
	int ci, mi, ti, ref, nr;

	printf("\nmedian [min-max] of %d round%s; xR [min-max] = ratio to %s "
	    "computed in each round, then summarized\n", rounds,
	    rounds == 1 ? "" : "s", tg[0].name);
	if (cpu_ref >= 0)
		printf("cpu rows: user+sys CPU of the processes on each path; "
		    "ratio to %s\n", tg[cpu_ref].name);
	for (ci = 0; ci < nc; ci++) {
		bc = &bench_cases[cases[ci]];
		for (mi = 0; mi <= bc->nmetrics; mi++) {
			ref = mi == bc->nmetrics ? cpu_ref : 0;
			if (ref < 0)
				continue;
			printf("%s %s\n", bc->name, mi == bc->nmetrics ?
			    bc->cpu_metric : bc->metrics[mi]);
			for (ti = 0; ti < nt; ti++) {
				if (mi == bc->nmetrics && tg[ti].npids == 0)
					continue;
				if (summarize(d, ti, cases[ci], mi, rounds, &med, &lo,
				    &hi) == 0) {
					printf("  %-14s failed\n", tg[ti].name);
					continue;
				}
				nr = ti == ref ? 0 : summarize_ratio(d, ti, ref,
				    cases[ci], mi, rounds, &rmed, &rlo, &rhi);
				print_cell(tg[ti].name, med, lo, hi, nr, rmed, rlo, rhi);
			}
		}
	}
}

/* Write every run's numbers, summaries and ratios as CSV or JSON. */
static int
write_output(const char *path, const struct bench_data *d,
    const struct bench_target *tg, int nt, const int *cases, int nc,
    int rounds, const struct bench_conf *conf, int cpu_ref)
{
	const struct bench_case *bc;
	size_t len = strlen(path);
	int json = len > 5 && strcmp(path + len - 5, ".json") == 0;
	int ci, mi, ti, ri, first = 1, n, ref;
	double med, lo, hi;
	const char *metric;
	FILE *f;

	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "efsgw-bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (json)
		fprintf(f, "{\n  \"seconds\": %g, \"rounds\": %d, \"dir\": \"%s\", "
		    "\"baseline\": \"%s\", \"cpu_ref\": \"%s\",\n  \"results\": [\n",
		    conf->seconds, rounds, conf->dir, tg[0].name,
		    cpu_ref >= 0 ? tg[cpu_ref].name : "");
	else
		fprintf(f, "target,address,case,metric,round,value\n");
	for (ti = 0; ti < nt; ti++)
		for (ci = 0; ci < nc; ci++) {
			bc = &bench_cases[cases[ci]];
			for (mi = 0; mi <= bc->nmetrics; mi++) {
				metric = mi == bc->nmetrics ? bc->cpu_metric :
				    bc->metrics[mi];
				ref = mi == bc->nmetrics ? cpu_ref : 0;
				if (mi == bc->nmetrics && tg[ti].npids == 0)
					continue;
				if (!json) {
					for (ri = 0; ri < rounds; ri++) {
						if (!have(d, ti, cases[ci], mi, ri))
							continue;
						fprintf(f, "%s,%s:%d%s,%s,%s,%d,%.3f\n",
						    tg[ti].name, tg[ti].host, tg[ti].port,
						    tg[ti].tls ? ":tls" : "", bc->name,
						    metric, ri + 1,
						    d->v[ti][cases[ci]][mi][ri]);
						/* The round's ratio as its own metric. */
						if (ref >= 0 && ref != ti &&
						    have(d, ref, cases[ci], mi, ri) &&
						    d->v[ref][cases[ci]][mi][ri] != 0)
							fprintf(f, "%s,%s:%d%s,%s,ratio to %s: %s,%d,%.4f\n",
							    tg[ti].name, tg[ti].host, tg[ti].port,
							    tg[ti].tls ? ":tls" : "", bc->name,
							    tg[ref].name, metric, ri + 1,
							    d->v[ti][cases[ci]][mi][ri] /
							    d->v[ref][cases[ci]][mi][ri]);
					}
					continue;
				}
				fprintf(f, "%s    {\"target\": \"%s\", \"address\": \"%s:%d%s\", "
				    "\"case\": \"%s\", \"metric\": \"%s\", \"runs\": [",
				    first ? "" : ",\n", tg[ti].name, tg[ti].host, tg[ti].port,
				    tg[ti].tls ? ":tls" : "", bc->name, metric);
				first = 0;
				for (ri = 0, n = 0; ri < rounds; ri++)
					if (have(d, ti, cases[ci], mi, ri))
						fprintf(f, "%s%.3f", n++ ? ", " : "",
						    d->v[ti][cases[ci]][mi][ri]);
				fprintf(f, "]");
				if (summarize(d, ti, cases[ci], mi, rounds, &med, &lo, &hi))
					fprintf(f, ", \"median\": %.3f, \"min\": %.3f, "
					    "\"max\": %.3f", med, lo, hi);
				if (ref >= 0 && ref != ti && summarize_ratio(d, ti, ref,
				    cases[ci], mi, rounds, &med, &lo, &hi))
					fprintf(f, ", \"ratio_to\": \"%s\", \"ratio_median\": "
					    "%.4f, \"ratio_min\": %.4f, \"ratio_max\": %.4f",
					    tg[ref].name, med, lo, hi);
				fprintf(f, "}");
			}
		}
	if (json)
		fprintf(f, "\n  ]\n}\n");
	if (fclose(f) != 0) {
		fprintf(stderr, "efsgw-bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Attach "NAME=PID[,PID..]" to the target of that name. */
static void
parse_cpu(const char *s, struct bench_target *tg, int nt)
{
	const char *eq = strchr(s, '=');
	char *end;
	long pid;
	int ti;

	if (eq == NULL)
		usage("--cpu NAME=PID[,PID..]");
	for (ti = 0; ti < nt; ti++)
		if (strlen(tg[ti].name) == (size_t)(eq - s) &&
		    strncmp(tg[ti].name, s, (size_t)(eq - s)) == 0)
			break;
	if (ti == nt)
		usage("--cpu names no target");
	for (s = eq + 1; *s != '\0'; s = *end == ',' ? end + 1 : end) {
		pid = strtol(s, &end, 10);
		if (end == s || pid <= 0 || (*end != ',' && *end != '\0') ||
		    tg[ti].npids == BENCH_MAX_PIDS)
			usage("--cpu NAME=PID[,PID..] (at most 4 pids)");
		tg[ti].pids[tg[ti].npids++] = (int)pid;
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "cafile", required_argument, NULL, 'C' },
		{ "cert", required_argument, NULL, 'E' },
		{ "key", required_argument, NULL, 'K' },
		{ "servername", required_argument, NULL, 'N' },
		{ "cpu", required_argument, NULL, 'U' },
		{ "cpu-ref", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	static struct bench_data data;
	struct bench_target tg[BENCH_MAX_TARGETS];
	struct bench_conf conf;
	struct bench_result res;
	const char *outs[4], *cpus[BENCH_MAX_TARGETS], *cpu_ref_name = NULL;
	char *list, *tok, *save = NULL;
	int cases[8], nc = 0, nt = 0, ncpus = 0, rounds = 3, ch, i, ri, k, ti, ci;
	int failed = 0, cpu_ref = -1, nout = 0;
	double v, c0, c1;

	memset(&conf, 0, sizeof conf);
	conf.seconds = 5;
	conf.bytes = UINT64_C(1) << 30;
	conf.dir = "/export";
	conf.timeout_ms = 30000;
	conf.seq_inflight = 16;
	conf.rate_conns = 16;
	conf.rate_inflight = 64;
	conf.minor = 1;
	while ((ch = getopt_long(argc, argv, "r:d:b:c:p:m:t:o:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'r':
			rounds = atoi(optarg);
			if (rounds < 1 || rounds > BENCH_MAX_ROUNDS)
				usage("-r: 1..100");
			break;
		case 'd':
			v = strtod(optarg, NULL);
			if (!(v > 0 && v <= 3600))
				usage("-d: SECONDS must be in (0, 3600]");
			conf.seconds = v;
			break;
		case 'b':
			if ((conf.bytes = parse_bytes(optarg)) == 0)
				usage("-b: bad byte count");
			break;
		case 'c':
			list = xstrdup(optarg);
			for (tok = strtok_r(list, ",", &save); tok != NULL;
			    tok = strtok_r(NULL, ",", &save)) {
				for (k = 0; k < bench_ncases; k++)
					if (strcmp(bench_cases[k].name, tok) == 0)
						break;
				if (k == bench_ncases || nc == 8)
					usage("-c: unknown case");
				cases[nc++] = k;
			}
			free(list);
			break;
		case 'p':
			conf.dir = optarg;
			break;
		case 'm':
			conf.minor = (uint32_t)atoi(optarg);
			if (conf.minor < 1 || conf.minor > 2)
				usage("-m: 1 or 2");
			break;
		case 't':
			conf.timeout_ms = atoi(optarg) * 1000;
			if (conf.timeout_ms <= 0 || conf.timeout_ms > 3600000)
				usage("-t: 1..3600");
			break;
		case 'o':
			if (nout == (int)nitems(outs))
				usage("-o: at most 4 files");
			outs[nout++] = optarg;
			break;
		case 'C':
			conf.cafile = optarg;
			break;
		case 'E':
			conf.cert = optarg;
			break;
		case 'K':
			conf.key = optarg;
			break;
		case 'N':
			conf.servername = optarg;
			break;
		case 'U':
			if (ncpus == BENCH_MAX_TARGETS)
				usage("too many --cpu");
			cpus[ncpus++] = optarg;
			break;
		case 'R':
			cpu_ref_name = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			usage(NULL);
		}
	}
	for (i = optind; i < argc; i++) {
		if (nt == BENCH_MAX_TARGETS)
			usage("too many targets");
		parse_target(argv[i], &tg[nt++]);
	}
	if (nt == 0)
		usage("no target given");
	for (i = 0; i < ncpus; i++)
		parse_cpu(cpus[i], tg, nt);
	for (ti = 0; ti < nt; ti++)
		if (tg[ti].npids > 0 && (cpu_ref_name == NULL ?
		    cpu_ref < 0 : strcmp(tg[ti].name, cpu_ref_name) == 0))
			cpu_ref = ti;
	if (cpu_ref_name != NULL && cpu_ref < 0)
		usage("--cpu-ref names no target with --cpu");
	if (nc == 0)
		for (nc = 0; nc < bench_ncases; nc++)
			cases[nc] = nc;

	/*
	 * Case by case, every target back to back, so each ratio compares
	 * runs minutes apart at most; even rounds visit the targets forward,
	 * odd rounds backward, so drift within a case falls on both sides of
	 * every pair alike.
	 */
	for (ri = 0; ri < rounds; ri++) {
		for (ci = 0; ci < nc; ci++) {
			const struct bench_case *bc = &bench_cases[cases[ci]];

			for (k = 0; k < nt; k++) {
				ti = ri % 2 == 0 ? k : nt - 1 - k;
				memset(&res, 0, sizeof res);
				c0 = cpu_seconds(&tg[ti]);
				if (bc->run(&conf, &tg[ti], &res) != 0) {
					failed++;
					fprintf(stderr, "round %d %s %s: FAILED\n",
					    ri + 1, tg[ti].name, bc->name);
					continue;
				}
				c1 = cpu_seconds(&tg[ti]);
				data.ok[ti][cases[ci]][ri] = 1;
				for (i = 0; i < bc->nmetrics && i < res.n; i++)
					data.v[ti][cases[ci]][i][ri] = res.v[i];
				fprintf(stderr, "round %d %-12s %-13s", ri + 1,
				    tg[ti].name, bc->name);
				for (i = 0; i < bc->nmetrics && i < res.n; i++)
					fprintf(stderr, " %.1f %s", res.v[i],
					    bc->metrics[i]);
				if (tg[ti].npids > 0 && c0 >= 0 && c1 >= 0 &&
				    res.work > 0) {
					data.cpu_ok[ti][cases[ci]][ri] = 1;
					v = (c1 - c0) * bc->cpu_scale / res.work;
					data.v[ti][cases[ci]][bc->nmetrics][ri] = v;
					fprintf(stderr, " %.3g %s", v, bc->cpu_metric);
				}
				fprintf(stderr, "\n");
			}
		}
	}
	print_table(&data, tg, nt, cases, nc, rounds, cpu_ref);
	for (i = 0; i < nout; i++)
		if (write_output(outs[i], &data, tg, nt, cases, nc, rounds, &conf,
		    cpu_ref) != 0)
			failed++;
	return failed ? 1 : 0;
}
