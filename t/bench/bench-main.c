/*
 * efsgw - efsgw-bench: runs the cases of bench-cases.c against one or
 * more targets in rounds, alternating the order of the targets every round
 * so that drift (page cache warming, thermal, other load) falls on each
 * target alike, then prints medians with their min-max spread and the
 * ratio of each target to the first, and writes the raw numbers as CSV or
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

#include "common.h"
#include "bench.h"

static const char usage_text[] =
"usage: efsgw-bench [-r ROUNDS] [-d SECONDS] [-b BYTES] [-c CASE,CASE..]\n"
"                   [-p DIR] [-m MINOR] [-t TIMEOUT] [-o FILE.csv|FILE.json]\n"
"                   [--cafile FILE] [--cert FILE [--key FILE]]\n"
"                   [--servername NAME] NAME=HOST:PORT[:tls] ..\n"
"\n"
"Measures NFSv4.1 servers with the project's own client (t/nfsc). Each\n"
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
"                .json, else CSV\n"
"  --cafile FILE verify :tls targets against these CAs (else unverified)\n"
"  --cert FILE   client certificate for :tls targets (PEM)\n"
"  --key FILE    its key (default: the --cert file)\n"
"  --servername NAME  SNI / verified name for :tls targets\n"
"  -h, --help    this text\n"
"\n"
"Exit status: 0 when every run succeeded, 1 when some failed, 2 on usage.\n";

/* values[target][case][metric][round]; NaN-free: ok[] says which ran. */
struct bench_data {
	double		 v[BENCH_MAX_TARGETS][8][BENCH_MAX_METRICS][BENCH_MAX_ROUNDS];
	int		 ok[BENCH_MAX_TARGETS][8][BENCH_MAX_ROUNDS];
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

/* Median, min and max of the successful rounds; 0 if none. */
static int
summarize(const struct bench_data *d, int ti, int ci, int mi, int rounds,
    double *med, double *lo, double *hi)
{
	double s[BENCH_MAX_ROUNDS];
	int i, n = 0;

	for (i = 0; i < rounds; i++)
		if (d->ok[ti][ci][i])
			s[n++] = d->v[ti][ci][mi][i];
	if (n == 0)
		return 0;
	qsort(s, (size_t)n, sizeof *s, cmp_double);
	*med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	*lo = s[0];
	*hi = s[n - 1];
	return n;
}

/* Print the summary table. */
static void
print_table(const struct bench_data *d, const struct bench_target *tg, int nt,
    const int *cases, int nc, int rounds)
{
	const struct bench_case *bc;
	double med, lo, hi, base = 0;
	char cell[128];
	int ci, mi, ti, n;

	printf("\n%-26s", "case / metric");
	for (ti = 0; ti < nt; ti++)
		printf(" %-34s", tg[ti].name);
	printf("\n");
	for (ci = 0; ci < nc; ci++) {
		bc = &bench_cases[cases[ci]];
		for (mi = 0; mi < bc->nmetrics; mi++) {
			snprintf(cell, sizeof cell, "%s %s", bc->name, bc->metrics[mi]);
			printf("%-26s", cell);
			for (ti = 0; ti < nt; ti++) {
				n = summarize(d, ti, cases[ci], mi, rounds, &med, &lo, &hi);
				if (n == 0) {
					printf(" %-34s", "failed");
					continue;
				}
				if (ti == 0)
					base = med;
				if (ti == 0 || base == 0)
					snprintf(cell, sizeof cell, "%.1f [%.1f-%.1f]",
					    med, lo, hi);
				else
					snprintf(cell, sizeof cell, "%.1f [%.1f-%.1f] x%.2f",
					    med, lo, hi, med / base);
				printf(" %-34s", cell);
			}
			printf("\n");
		}
	}
	printf("\nmedian [min-max] of %d round%s; xR = ratio to %s\n", rounds,
	    rounds == 1 ? "" : "s", tg[0].name);
}

/* Write every run's numbers as CSV or JSON. */
static int
write_output(const char *path, const struct bench_data *d,
    const struct bench_target *tg, int nt, const int *cases, int nc,
    int rounds, const struct bench_conf *conf)
{
	const struct bench_case *bc;
	size_t len = strlen(path);
	int json = len > 5 && strcmp(path + len - 5, ".json") == 0;
	int ci, mi, ti, ri, first = 1, n;
	double med, lo, hi;
	FILE *f;

	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "efsgw-bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (json)
		fprintf(f, "{\n  \"seconds\": %g, \"rounds\": %d, \"dir\": \"%s\",\n"
		    "  \"results\": [\n", conf->seconds, rounds, conf->dir);
	else
		fprintf(f, "target,address,case,metric,round,value\n");
	for (ti = 0; ti < nt; ti++)
		for (ci = 0; ci < nc; ci++) {
			bc = &bench_cases[cases[ci]];
			for (mi = 0; mi < bc->nmetrics; mi++) {
				if (!json) {
					for (ri = 0; ri < rounds; ri++)
						if (d->ok[ti][cases[ci]][ri])
							fprintf(f, "%s,%s:%d%s,%s,%s,%d,%.3f\n",
							    tg[ti].name, tg[ti].host, tg[ti].port,
							    tg[ti].tls ? ":tls" : "", bc->name,
							    bc->metrics[mi], ri + 1,
							    d->v[ti][cases[ci]][mi][ri]);
					continue;
				}
				fprintf(f, "%s    {\"target\": \"%s\", \"address\": \"%s:%d%s\", "
				    "\"case\": \"%s\", \"metric\": \"%s\", \"runs\": [",
				    first ? "" : ",\n", tg[ti].name, tg[ti].host, tg[ti].port,
				    tg[ti].tls ? ":tls" : "", bc->name, bc->metrics[mi]);
				first = 0;
				for (ri = 0, n = 0; ri < rounds; ri++)
					if (d->ok[ti][cases[ci]][ri])
						fprintf(f, "%s%.3f", n++ ? ", " : "",
						    d->v[ti][cases[ci]][mi][ri]);
				fprintf(f, "]");
				if (summarize(d, ti, cases[ci], mi, rounds, &med, &lo, &hi))
					fprintf(f, ", \"median\": %.3f, \"min\": %.3f, "
					    "\"max\": %.3f", med, lo, hi);
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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "cafile", required_argument, NULL, 'C' },
		{ "cert", required_argument, NULL, 'E' },
		{ "key", required_argument, NULL, 'K' },
		{ "servername", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 }
	};
	static struct bench_data data;
	struct bench_target tg[BENCH_MAX_TARGETS];
	struct bench_conf conf;
	struct bench_result res;
	const char *out = NULL;
	char *list, *tok, *save = NULL;
	int cases[8], nc = 0, nt = 0, rounds = 3, ch, i, ri, k, ti, ci, failed = 0;
	double v;

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
			out = optarg;
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
	if (nc == 0)
		for (nc = 0; nc < bench_ncases; nc++)
			cases[nc] = nc;

	for (ri = 0; ri < rounds; ri++) {
		for (k = 0; k < nt; k++) {
			/* Even rounds go forward, odd rounds backward. */
			ti = ri % 2 == 0 ? k : nt - 1 - k;
			for (ci = 0; ci < nc; ci++) {
				const struct bench_case *bc = &bench_cases[cases[ci]];

				memset(&res, 0, sizeof res);
				if (bc->run(&conf, &tg[ti], &res) != 0) {
					failed++;
					fprintf(stderr, "round %d %s %s: FAILED\n",
					    ri + 1, tg[ti].name, bc->name);
					continue;
				}
				data.ok[ti][cases[ci]][ri] = 1;
				for (i = 0; i < bc->nmetrics && i < res.n; i++)
					data.v[ti][cases[ci]][i][ri] = res.v[i];
				fprintf(stderr, "round %d %-12s %-13s", ri + 1,
				    tg[ti].name, bc->name);
				for (i = 0; i < bc->nmetrics && i < res.n; i++)
					fprintf(stderr, " %.1f %s", res.v[i],
					    bc->metrics[i]);
				fprintf(stderr, "\n");
			}
		}
	}
	print_table(&data, tg, nt, cases, nc, rounds);
	if (out != NULL && write_output(out, &data, tg, nt, cases, nc, rounds,
	    &conf) != 0)
		failed++;
	return failed ? 1 : 0;
}
