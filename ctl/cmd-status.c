/*
 * efsgw - efsgwctl status: ask a gateway's admin endpoint whether it is
 * ready (/readyz) and summarise its metrics (/metrics, Prometheus text
 * parsed by promparse.c) per file system, in the words of EFS's
 * CloudWatch metrics: clients, permitted and metered throughput, burst
 * credits, PercentIOLimit, the QoS queue, throttled time and how the file
 * system's buckets are shared through Redis. With an interval (the
 * default, 1 s) it scrapes twice and shows counters as rates.
 *
 * The metric names come from qos/metrics.c and proxy/admin.c; a table
 * below maps each to a field, and samples of other names are shown only
 * with --raw, so a newer gateway never confuses an older efsgwctl.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "ctl.h"

#define STATUS_DEFAULT_ADMIN	"127.0.0.1:9649"
#define STATUS_MAX_FS		1024	/* file systems shown */

/* What a field is, for printing and for rates. */
enum status_field {
	F_CLIENTS,		/* efsgw_ClientConnections or efsgw_qos_clients */
	F_QOS_CLIENTS,
	F_CREDITS,
	F_PERMITTED,
	F_PCT_IO,
	F_METERED,
	F_TOTAL,
	F_DREAD,
	F_DWRITE,
	F_META,
	F_OPS,
	F_THROTTLED,
	F_QUEUE,
	F_QUEUED_TOTAL,
	F_REDIS_STATE,
	F_REDIS_DEGRADED,
	F_REDIS_EVENTS,
	F_LIVE_GW,
	F_LEASE_RTT,
	F_LEASES,
	F_NFIELDS,
	/* Gateway-wide, not per file system. */
	F_GW = 100,
	F_PROC,		/* process_* and efsgw_admin_*: shown in the header */
	F_STORAGE,	/* efsgw_StorageBytes{class=...} */
	F_IGNORE,	/* known, not shown (sub-totals) */
};

/* A metric name this version knows and where its value goes. */
struct status_metric {
	const char	*name;
	int		 field;
};

static const struct status_metric status_metrics[] = {
	{ "efsgw_ClientConnections",			F_CLIENTS },
	{ "efsgw_qos_clients",				F_QOS_CLIENTS },
	{ "efsgw_BurstCreditBalance_bytes",		F_CREDITS },
	{ "efsgw_BurstCreditBalance",			F_CREDITS },
	{ "efsgw_PermittedThroughput_bytes_per_second",	F_PERMITTED },
	{ "efsgw_PermittedThroughput",			F_PERMITTED },
	{ "efsgw_PercentIOLimit_percent",		F_PCT_IO },
	{ "efsgw_PercentIOLimit",			F_PCT_IO },
	{ "efsgw_MeteredIOBytes_total",			F_METERED },
	{ "efsgw_TotalIOBytes_total",			F_TOTAL },
	{ "efsgw_DataReadIOBytes_total",		F_DREAD },
	{ "efsgw_DataWriteIOBytes_total",		F_DWRITE },
	{ "efsgw_MetadataIOBytes_total",		F_META },
	{ "efsgw_MetadataReadIOBytes_total",		F_IGNORE },
	{ "efsgw_MetadataWriteIOBytes_total",		F_IGNORE },
	{ "efsgw_IOOperations_total",			F_OPS },
	{ "efsgw_qos_throttled_seconds_total",		F_THROTTLED },
	{ "efsgw_qos_queue_depth",			F_QUEUE },
	{ "efsgw_qos_queued_calls_total",		F_QUEUED_TOTAL },
	{ "efsgw_qos_redis_state",			F_REDIS_STATE },
	{ "efsgw_qos_redis_degraded",			F_REDIS_DEGRADED },
	{ "efsgw_qos_redis_degraded_events_total",	F_REDIS_EVENTS },
	{ "efsgw_qos_live_gateways",			F_LIVE_GW },
	{ "efsgw_qos_redis_lease_rtt_seconds",		F_LEASE_RTT },
	{ "efsgw_qos_redis_leases_total",		F_LEASES },
	{ "efsgw_StorageBytes",				F_STORAGE },
	{ "efsgw_StorageBytes_bytes",			F_STORAGE },
	{ "efsgw_build_info",				F_PROC },
	{ "process_start_time_seconds",			F_PROC },
	{ "process_cpu_seconds_total",			F_PROC },
	{ "process_open_fds",				F_PROC },
	{ "process_max_fds",				F_PROC },
	{ "process_virtual_memory_bytes",		F_PROC },
	{ "process_resident_memory_bytes",		F_PROC },
	{ "efsgw_admin_connections",			F_PROC },
	{ "efsgw_admin_requests_total",			F_PROC },
	{ "efsgw_admin_connection_limit_hits_total",	F_PROC },
};

/* Storage bytes of one class (Standard, IA, Archive). */
struct status_storage {
	char		 cls[32];
	double		 bytes;
};

/* One file system as one gateway reports it. */
struct status_fs {
	const char	*fs;		/* borrowed from the document */
	const char	*gateway;
	double		 v[F_NFIELDS];
	double		 prev[F_NFIELDS];	/* first scrape, for rates */
	unsigned char	 have[F_NFIELDS];
	unsigned char	 have_prev[F_NFIELDS];
	struct status_storage storage[4];
	size_t		 nstorage;
};

struct status {
	const char	*admin;
	int		 raw;
	int		 timeout_ms;
	double		 interval;	/* seconds between scrapes; 0 = one */
	double		 elapsed;	/* measured between scrapes */
	struct status_fs *fss;
	size_t		 nfs;
	size_t		 dropped_fs;
};

/* Print the command's help to f. */
static void
status_usage(FILE *f)
{
	fprintf(f,
"usage: efsgwctl status [--admin HOST:PORT | --config FILE]\n"
"                       [--interval SECONDS] [--timeout SECONDS] [--raw]\n"
"\n"
"Ask a gateway whether it is ready and summarise its QoS metrics per file\n"
"system. status reads the gateway's admin endpoint over plain HTTP: GET\n"
"/readyz, then GET /metrics (Prometheus text format 0.0.4).\n"
"\n"
"For each file system it prints the clients connected, the permitted\n"
"throughput (EFS PermittedThroughput), the metered throughput (the rate of\n"
"MeteredIOBytes), the total, data and metadata I/O, the burst credit\n"
"balance (Bursting mode), PercentIOLimit (General Purpose mode), the calls\n"
"waiting for tokens, the time spent throttled and the state of sharing\n"
"through Redis. Rates need two scrapes: status waits --interval seconds\n"
"between them (default 1; 0 shows totals from one scrape).\n"
"\n"
"options:\n"
"  -a, --admin HOST:PORT   admin endpoint (default " STATUS_DEFAULT_ADMIN ",\n"
"                          the gateway's admin-address); [V6]:PORT for IPv6\n"
"  -c, --config FILE       take the admin endpoint from the gateway's\n"
"                          configuration (its admin-address keyword)\n"
"  -i, --interval SECONDS  time between the two scrapes, 0 to 60 (default 1)\n"
"  -t, --timeout SECONDS   limit for each HTTP exchange, 0.1 to 60 (default 5)\n"
"  -r, --raw               also print every metric this efsgwctl does not\n"
"                          know, as it was served\n"
"  -h, --help              print this help\n"
"\n"
"Lines of /metrics that do not parse are counted and the first few are\n"
"reported on standard error; they never stop the summary.\n"
"\n"
"exit status: 0 the gateway is ready, 1 not ready or unreachable or its\n"
"metrics unreadable, 2 usage error.\n");
}

/* Find the table row of a metric name, or NULL. */
static const struct status_metric *
status_find_metric(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(status_metrics); i++) {
		if (strcmp(status_metrics[i].name, name) == 0)
			return &status_metrics[i];
	}
	return NULL;
}

/* Find or add the entry of (fs, gateway); NULL past STATUS_MAX_FS. */
static struct status_fs *
status_fs_get(struct status *st, const char *fs, const char *gw)
{
	size_t i;

	for (i = 0; i < st->nfs; i++) {
		if (strcmp(st->fss[i].fs, fs) == 0 && strcmp(st->fss[i].gateway, gw) == 0)
			return &st->fss[i];
	}
	if (st->nfs == STATUS_MAX_FS) {
		st->dropped_fs++;
		return NULL;
	}
	st->fss = xreallocarray(st->fss, st->nfs + 1, sizeof *st->fss);
	memset(&st->fss[st->nfs], 0, sizeof st->fss[st->nfs]);
	st->fss[st->nfs].fs = fs;
	st->fss[st->nfs].gateway = gw;
	return &st->fss[st->nfs++];
}

/* Value of sample name without labels (process metrics), or NAN. */
static double
status_plain(const struct prom_doc *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nsamples; i++) {
		if (strcmp(d->samples[i].name, name) == 0)
			return d->samples[i].value;
	}
	return NAN;
}

/* Sort a document's samples into the per-fs table; first = first scrape. */
static void
status_collect(struct status *st, const struct prom_doc *d, int first)
{
	const struct status_metric *m;
	const struct prom_sample *s;
	struct status_fs *f;
	const char *fs, *gw, *cls;
	size_t i;

	for (i = 0; i < d->nsamples; i++) {
		s = &d->samples[i];
		if ((m = status_find_metric(s->name)) == NULL || m->field == F_PROC ||
		    m->field == F_IGNORE)
			continue;
		if ((fs = promparse_label(s, "fs")) == NULL)
			continue;
		if ((gw = promparse_label(s, "gateway")) == NULL)
			gw = "";
		if ((f = status_fs_get(st, fs, gw)) == NULL)
			continue;
		if (m->field == F_STORAGE) {
			if (first || f->nstorage == nitems(f->storage))
				continue;
			cls = promparse_label(s, "class");
			snprintf(f->storage[f->nstorage].cls,
			    sizeof f->storage[f->nstorage].cls, "%s",
			    cls != NULL ? cls : "?");
			f->storage[f->nstorage++].bytes = s->value;
			continue;
		}
		if (first) {
			f->prev[m->field] = s->value;
			f->have_prev[m->field] = 1;
		} else {
			f->v[m->field] = s->value;
			f->have[m->field] = 1;
		}
	}
}

/* Format bytes in IEC units ("1.5 GiB"). */
static const char *
status_bytes(double v, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	size_t u = 0;

	if (isnan(v))
		return snprintf(buf, len, "n/a"), buf;
	while (fabs(v) >= 1024 && u + 1 < nitems(units)) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f B", v);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

/* Format a duration ("2d 3h", "4m 05s", "1.20 s"). */
static const char *
status_duration(double s, char *buf, size_t len)
{
	unsigned long long t;

	if (isnan(s) || s < 0)
		snprintf(buf, len, "n/a");
	else if (s < 60)
		snprintf(buf, len, "%.2f s", s);
	else if ((t = (unsigned long long)s) < 3600)
		snprintf(buf, len, "%llum %02llus", t / 60, t % 60);
	else if (t < 86400)
		snprintf(buf, len, "%lluh %02llum", t / 3600, t / 60 % 60);
	else
		snprintf(buf, len, "%llud %02lluh", t / 86400, t / 3600 % 24);
	return buf;
}

/* Rate of counter field k over the interval, or NAN. */
static double
status_rate(const struct status *st, const struct status_fs *f, int k)
{
	if (!f->have[k] || !f->have_prev[k] || st->elapsed <= 0 ||
	    f->v[k] < f->prev[k])	/* the gateway restarted */
		return NAN;
	return (f->v[k] - f->prev[k]) / st->elapsed;
}

/* Print a counter: its rate with an interval, else its total. */
static void
status_print_io(const struct status *st, const struct status_fs *f,
    const char *label, int k)
{
	char a[32], b[32];

	if (!f->have[k])
		return;
	if (st->interval > 0) {
		printf("  %-22s %s/s  (total %s)\n", label,
		    status_bytes(status_rate(st, f, k), a, sizeof a),
		    status_bytes(f->v[k], b, sizeof b));
	} else
		printf("  %-22s %s total\n", label, status_bytes(f->v[k], b, sizeof b));
}

/* Print one file system's summary. */
static void
status_print_fs(const struct status *st, const struct status_fs *f)
{
	static const char *const redis[] = { "off (in-process buckets)",
	    "connecting", "ok", "DEGRADED (serving its last fair share)" };
	char a[32], b[32];
	double ops;
	size_t i;
	int state;

	printf("\n%s%s%s%s\n", f->fs, f->gateway[0] ? " (gateway " : "",
	    f->gateway, f->gateway[0] ? ")" : "");
	if (f->have[F_CLIENTS])
		printf("  %-22s %.0f\n", "clients connected", f->v[F_CLIENTS]);
	else if (f->have[F_QOS_CLIENTS])
		printf("  %-22s %.0f\n", "clients connected", f->v[F_QOS_CLIENTS]);
	if (f->have[F_PERMITTED])
		printf("  %-22s %s/s\n", "permitted throughput",
		    status_bytes(f->v[F_PERMITTED], a, sizeof a));
	status_print_io(st, f, "metered throughput", F_METERED);
	status_print_io(st, f, "total I/O", F_TOTAL);
	status_print_io(st, f, "data read", F_DREAD);
	status_print_io(st, f, "data write", F_DWRITE);
	status_print_io(st, f, "metadata", F_META);
	if (f->have[F_OPS]) {
		if (st->interval > 0 && !isnan(ops = status_rate(st, f, F_OPS)))
			printf("  %-22s %.0f/s  (total %.0f)\n", "operations", ops,
			    f->v[F_OPS]);
		else
			printf("  %-22s %.0f total\n", "operations", f->v[F_OPS]);
	}
	if (f->have[F_CREDITS])
		printf("  %-22s %s\n", "burst credit balance",
		    status_bytes(f->v[F_CREDITS], a, sizeof a));
	if (f->have[F_PCT_IO])
		printf("  %-22s %.1f %%\n", "PercentIOLimit", f->v[F_PCT_IO]);
	if (f->have[F_QUEUE])
		printf("  %-22s %.0f calls waiting%s%.0f%s\n", "queue depth",
		    f->v[F_QUEUE], f->have[F_QUEUED_TOTAL] ? " (" : "",
		    f->have[F_QUEUED_TOTAL] ? f->v[F_QUEUED_TOTAL] : 0,
		    f->have[F_QUEUED_TOTAL] ? " waited in all)" : "");
	if (f->have[F_THROTTLED]) {
		if (st->interval > 0 && !isnan(status_rate(st, f, F_THROTTLED)))
			printf("  %-22s %.0f %% of the interval  (total %s)\n",
			    "throttled", 100 * status_rate(st, f, F_THROTTLED),
			    status_duration(f->v[F_THROTTLED], b, sizeof b));
		else
			printf("  %-22s %s total\n", "throttled",
			    status_duration(f->v[F_THROTTLED], b, sizeof b));
	}
	if (f->have[F_REDIS_STATE]) {
		state = (int)f->v[F_REDIS_STATE];
		printf("  %-22s %s", "Redis", state >= 0 && state < (int)nitems(redis) ?
		    redis[state] : "unknown state");
		if (state != 0 && f->have[F_LIVE_GW])
			printf(", %.0f live gateway%s", f->v[F_LIVE_GW],
			    f->v[F_LIVE_GW] == 1 ? "" : "s");
		if (state != 0 && f->have[F_LEASE_RTT] && f->have[F_LEASES] &&
		    f->v[F_LEASES] > 0)
			printf(", lease RTT %.2f ms", f->v[F_LEASE_RTT] * 1e3);
		if (f->have[F_REDIS_EVENTS] && f->v[F_REDIS_EVENTS] > 0)
			printf(", lost %.0f time%s", f->v[F_REDIS_EVENTS],
			    f->v[F_REDIS_EVENTS] == 1 ? "" : "s");
		printf("\n");
	}
	for (i = 0; i < f->nstorage; i++)
		printf("  %-22s %s %s\n", i == 0 ? "storage" : "", f->storage[i].cls,
		    status_bytes(f->storage[i].bytes, a, sizeof a));
}

/* Print the gateway-wide header: version, uptime, memory, fds. */
static void
status_print_gateway(const struct prom_doc *d)
{
	const char *version = NULL;
	char a[32], b[32];
	double start, rss, fds, maxfds, cpu;
	size_t i;

	for (i = 0; i < d->nsamples; i++) {
		if (strcmp(d->samples[i].name, "efsgw_build_info") == 0)
			version = promparse_label(&d->samples[i], "version");
	}
	start = status_plain(d, "process_start_time_seconds");
	rss = status_plain(d, "process_resident_memory_bytes");
	fds = status_plain(d, "process_open_fds");
	maxfds = status_plain(d, "process_max_fds");
	cpu = status_plain(d, "process_cpu_seconds_total");
	printf("  efsgw %s", version != NULL ? version : "(version unknown)");
	if (!isnan(start))
		printf(", up %s", status_duration((double)time(NULL) - start, a, sizeof a));
	if (!isnan(rss))
		printf(", RSS %s", status_bytes(rss, b, sizeof b));
	if (!isnan(fds)) {
		printf(", %.0f fds", fds);
		if (!isnan(maxfds))
			printf(" of %.0f", maxfds);
	}
	if (!isnan(cpu))
		printf(", CPU %s", status_duration(cpu, a, sizeof a));
	printf("\n");
}

/* Print a sample as the exposition format writes it. */
static void
status_print_sample(const struct prom_sample *s)
{
	const char *v;
	size_t i;

	printf("  %s", s->name);
	for (i = 0; i < s->nlabels; i++) {
		printf("%s%s=\"", i == 0 ? "{" : ",", s->labels[i].name);
		for (v = s->labels[i].value; *v != '\0'; v++) {
			if (*v == '\\' || *v == '"')
				printf("\\%c", *v);
			else if (*v == '\n')
				printf("\\n");
			else
				putchar(*v);
		}
		printf("\"");
	}
	printf("%s %.17g\n", s->nlabels > 0 ? "}" : "", s->value);
}

/* Fetch and parse /metrics; 0 or 1 (message printed). quiet: no warnings. */
static int
status_scrape(const struct status *st, int quiet, struct prom_doc **docp)
{
	struct httpget_reply rep;
	char *cause = NULL;
	size_t i;
	int r;

	*docp = NULL;
	if (httpget(st->admin, "/metrics", st->timeout_ms, &rep, &cause) != 0) {
		fprintf(stderr, "efsgwctl: %s\n", cause);
		free(cause);
		return 1;
	}
	if (rep.status != 200) {
		fprintf(stderr, "efsgwctl: %s/metrics: HTTP status %d\n", st->admin,
		    rep.status);
		httpget_reply_clear(&rep);
		return 1;
	}
	if (!quiet && (rep.content_type == NULL ||
	    strncmp(rep.content_type, "text/plain", 10) != 0))
		fprintf(stderr, "efsgwctl: %s/metrics: unexpected Content-Type %s\n",
		    st->admin, rep.content_type != NULL ? rep.content_type : "(none)");
	r = promparse(rep.body, rep.body_len, docp);
	httpget_reply_clear(&rep);
	if (r != 0) {
		fprintf(stderr, "efsgwctl: %s/metrics: %s\n", st->admin, efsgw_err(r));
		return 1;
	}
	if (!quiet && (*docp)->bad_lines > 0) {
		fprintf(stderr, "efsgwctl: %s/metrics: %zu line%s did not parse\n",
		    st->admin, (*docp)->bad_lines, (*docp)->bad_lines == 1 ? "" : "s");
		for (i = 0; i < (*docp)->nerrors; i++)
			fprintf(stderr, "  line %zu: %s\n", (*docp)->errors[i].line,
			    (*docp)->errors[i].why);
	}
	return 0;
}

/* Ask /readyz; 1 ready, 0 not (reason in why), -1 unreachable. */
static int
status_ready(const struct status *st, char *why, size_t whylen)
{
	struct httpget_reply rep;
	char *cause = NULL;
	size_t i, n;
	int ready;

	if (httpget(st->admin, "/readyz", st->timeout_ms, &rep, &cause) != 0) {
		snprintf(why, whylen, "%s", cause);
		free(cause);
		return -1;
	}
	ready = rep.status == 200;
	if (ready)
		snprintf(why, whylen, "ready");
	else {
		/* First line of the body, printable bytes only. */
		n = strcspn(rep.body, "\n");
		snprintf(why, whylen, "HTTP %d: %.*s", rep.status, (int)n, rep.body);
		for (i = 0; why[i] != '\0'; i++) {
			if ((unsigned char)why[i] < 0x20 || why[i] == 0x7f)
				why[i] = '?';
		}
	}
	httpget_reply_clear(&rep);
	return ready;
}

/* Parse a number of seconds within [lo, hi]. */
static int
status_seconds(const char *s, double lo, double hi, double *vp)
{
	char *end;

	errno = 0;
	*vp = strtod(s, &end);
	return *s != '\0' && *end == '\0' && errno == 0 && *vp >= lo && *vp <= hi ?
	    0 : -1;
}

/* Wait s seconds (the interval between scrapes). */
static void
status_sleep(double s)
{
	struct timespec ts;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * The admin-address of a gateway's config file into buf: the file's
 * global "admin-address VALUE" line (outside every block), else the
 * default. Returns 0, or 1 with a message printed.
 */
static int
status_config_admin(const char *path, char *buf, size_t len)
{
	FILE *f;
	char line[4096], *p, *w[3];
	int depth = 0, n, lineno = 0;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "efsgwctl: %s: %s\n", path, strerror(errno));
		return 1;
	}
	snprintf(buf, len, "%s", STATUS_DEFAULT_ADMIN);
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		line[strcspn(line, "#\n")] = '\0';
		n = 0;
		for (p = strtok(line, " \t"); p != NULL && n < 3;
		    p = strtok(NULL, " \t"))
			w[n++] = p;
		if (n == 0)
			continue;
		if (strcmp(w[n - 1], "{") == 0)
			depth++;
		else if (strcmp(w[0], "}") == 0 && depth > 0)
			depth--;
		else if (depth == 0 && n == 2 &&
		    strcmp(w[0], "admin-address") == 0)
			snprintf(buf, len, "%s", w[1]);
	}
	fclose(f);
	if (strcmp(buf, "none") == 0) {
		fprintf(stderr, "efsgwctl: %s: admin-address is none: the "
		    "gateway serves no admin endpoint\n", path);
		return 1;
	}
	return 0;
}

/* Run `efsgwctl status`: readiness, two scrapes, summary. */
static int
status_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "admin",	required_argument,	NULL, 'a' },
		{ "config",	required_argument,	NULL, 'c' },
		{ "interval",	required_argument,	NULL, 'i' },
		{ "timeout",	required_argument,	NULL, 't' },
		{ "raw",	no_argument,		NULL, 'r' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct status st;
	struct prom_doc *first = NULL, *doc = NULL;
	char why[512], confadmin[256];
	const char *config = NULL;
	int admin_given = 0;
	double t0 = 0, secs;
	size_t i;
	int c, ready, ret = 1;

	memset(&st, 0, sizeof st);
	st.admin = STATUS_DEFAULT_ADMIN;
	st.interval = 1;
	st.timeout_ms = 5000;
	optind = 1;
	while ((c = getopt_long(argc, argv, "a:c:i:t:rh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			st.admin = optarg;
			admin_given = 1;
			break;
		case 'c':
			config = optarg;
			break;
		case 'i':
			if (status_seconds(optarg, 0, 60, &st.interval) != 0) {
				fprintf(stderr, "efsgwctl: --interval: 0 to 60 seconds\n");
				return 2;
			}
			break;
		case 't':
			if (status_seconds(optarg, 0.1, 60, &secs) != 0) {
				fprintf(stderr, "efsgwctl: --timeout: 0.1 to 60 seconds\n");
				return 2;
			}
			st.timeout_ms = (int)(secs * 1000);
			break;
		case 'r':
			st.raw = 1;
			break;
		case 'h':
			status_usage(stdout);
			return 0;
		default:
			status_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		status_usage(stderr);
		return 2;
	}
	if (config != NULL && admin_given) {
		fprintf(stderr, "efsgwctl: status: give --admin or --config, "
		    "not both\n");
		return 2;
	}
	if (config != NULL) {
		if (status_config_admin(config, confadmin, sizeof confadmin) != 0)
			return 1;
		st.admin = confadmin;
	}

	ready = status_ready(&st, why, sizeof why);
	if (ready < 0) {
		printf("gateway %s: UNREACHABLE: %s\n", st.admin, why);
		return 1;
	}
	if (st.interval > 0) {
		if (status_scrape(&st, 1, &first) != 0)
			goto out;
		t0 = mono_seconds();
		status_sleep(st.interval);
	}
	if (status_scrape(&st, 0, &doc) != 0)
		goto out;
	if (first != NULL) {
		st.elapsed = mono_seconds() - t0;
		status_collect(&st, first, 1);
	}
	status_collect(&st, doc, 0);

	printf("gateway %s: %s\n", st.admin, ready ? "ready" : "NOT READY");
	if (!ready)
		printf("  reason: %s\n", why);
	status_print_gateway(doc);
	if (st.nfs == 0)
		printf("\nno file system metrics\n");
	for (i = 0; i < st.nfs; i++)
		status_print_fs(&st, &st.fss[i]);
	if (st.dropped_fs > 0)
		printf("\n(%zu samples of file systems past the first %d not shown)\n",
		    st.dropped_fs, STATUS_MAX_FS);
	if (st.raw) {
		int header = 0;

		for (i = 0; i < doc->nsamples; i++) {
			if (status_find_metric(doc->samples[i].name) != NULL)
				continue;
			if (!header++)
				printf("\nother metrics:\n");
			status_print_sample(&doc->samples[i]);
		}
	}
	ret = ready ? 0 : 1;
out:
	free(st.fss);
	promparse_free(first);
	promparse_free(doc);
	return ret;
}

const struct ctl_command ctl_cmd_status = {
	"status",
	"show a gateway's readiness and per-file-system QoS metrics",
	status_run,
	status_usage,
};
