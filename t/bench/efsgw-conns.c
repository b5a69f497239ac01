/*
 * efsgw - efsgw-conns: the connection-count test of the performance targets. From one
 * process it opens N (default 10,000) TCP or TLS connections to a target,
 * sends one RPC NULL on each (so the server has really set the connection
 * up) and holds them; meanwhile it reads the resident memory (VmRSS) of
 * the server processes it was given by pid, and measures the latency of
 * new connections while the others are held: connect (+ TLS handshake) +
 * one NULL round trip, p50/p99/max, compared with the same measure before
 * any connection was held. Finally it checks that a sample of the held
 * connections still answers, and closes everything.
 *
 * RLIMIT_NOFILE is raised to its hard limit (N is cut to what fits, with a
 * note). Each 127.0.0.x source address gives the kernel's ephemeral port
 * range to one destination, so past --per-source connections the next
 * connections bind 127.0.0.2, .3 ... (loopback only). Every socket
 * operation has a time-out and the whole run a deadline.
 *
 * The RPC NULL call and reply are RFC 5531 §9 (call_body, AUTH_NONE) and
 * §11 (record marking); program 100003 version 4 procedure 0 (RFC 7530
 * §16.1). Never part of `make check`; run by t/bench/run-bench.sh.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common.h"
#include "xdrbuf.h"

#define CONNS_MAX_PIDS		8
#define CONNS_RPC_CALL		0	/* msg_type CALL (RFC 5531 §9) */
#define CONNS_RPC_REPLY		1
#define CONNS_NFS_PROGRAM	100003
#define CONNS_NFS_VERSION	4
#define CONNS_LAST_FRAG		0x80000000u

static const char usage_text[] =
"usage: efsgw-conns [-n CONNS] [-s SAMPLES] [-p PID].. [-d SECONDS]\n"
"                   [-t TIMEOUT] [--tls [--cafile FILE] [--servername NAME]]\n"
"                   [--per-source N] [--no-ping] [-o FILE.json] HOST:PORT\n"
"\n"
"Opens CONNS (default 10000) connections to HOST:PORT (loopback), sends an\n"
"RPC NULL on each and holds them; reports the VmRSS of each PID (the\n"
"gateway; several -p are summed) before and while they are held, and the\n"
"latency of SAMPLES (default 200) new connect+NULL round trips before and\n"
"while they are held (p50/p99/max, microseconds).\n"
"\n"
"  -d SECONDS      deadline of the whole run (default 300); opening stops\n"
"                  there and the numbers are for what was opened\n"
"  -t TIMEOUT      seconds each socket operation may take (default 10)\n"
"  --tls           speak TLS (1.2 or 1.3); --cafile verifies the server,\n"
"                  --servername is the SNI and the name checked\n"
"  --per-source N  connections per 127.0.0.x source address (default 20000)\n"
"  --no-ping       do not send a NULL on the held connections\n"
"  -o FILE.json    also write the numbers as JSON\n";

struct conns_conf {
	struct sockaddr_in dst;
	int		 n;
	int		 samples;
	pid_t		 pids[CONNS_MAX_PIDS];
	int		 npids;
	double		 deadline;	/* absolute, monotonic seconds */
	int		 timeout_s;
	int		 tls;
	const char	*cafile;
	const char	*servername;
	int		 per_source;
	int		 ping;
	SSL_CTX		*ctx;
	uint32_t	 xid;
};

struct conns_conn {
	int		 fd;
	SSL		*ssl;
};

/* Latency statistics of a sample, microseconds. */
struct conns_lat {
	int		 n;
	int		 failed;
	double		 p50, p99, max;
};

/* Raise RLIMIT_NOFILE to the hard limit; return the soft limit now. */
static long
conns_rlimit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur == RLIM_INFINITY ? 1L << 20 : (long)rl.rlim_cur;
}

/* Sum VmRSS (kB) of the given pids; -1 when one cannot be read. */
static long
conns_rss_kb(const struct conns_conf *cf)
{
	char path[64], line[256];
	long total = 0, kb;
	int i, found;
	FILE *f;

	for (i = 0; i < cf->npids; i++) {
		snprintf(path, sizeof path, "/proc/%ld/status", (long)cf->pids[i]);
		if ((f = fopen(path, "r")) == NULL)
			return -1;
		found = 0;
		while (fgets(line, sizeof line, f) != NULL)
			if (sscanf(line, "VmRSS: %ld kB", &kb) == 1) {
				total += kb;
				found = 1;
				break;
			}
		fclose(f);
		if (!found)
			return -1;
	}
	return total;
}

/* Set up the client TLS context (verifying when a CA file is given). */
static SSL_CTX *
conns_tls_ctx(const struct conns_conf *cf)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Thousands of idle sessions: give the buffers back between reads. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	if (cf->cafile != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, cf->cafile, NULL) != 1) {
			SSL_CTX_free(ctx);
			return NULL;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	return ctx;
}

/* Close a connection; fd -1 is a no-op. */
static void
conns_close(struct conns_conn *c)
{
	if (c->ssl != NULL) {
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
}

/* Open connection number idx (which picks its source address); 0 or -1. */
static int
conns_open(struct conns_conf *cf, int idx, struct conns_conn *c)
{
	struct sockaddr_in src;
	struct timeval tv = { cf->timeout_s, 0 };
	int one = 1;

	c->ssl = NULL;
	if ((c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (idx >= cf->per_source) {
		/* Another loopback source: a fresh ephemeral port range. */
		memset(&src, 0, sizeof src);
		src.sin_family = AF_INET;
		src.sin_addr.s_addr = htonl(0x7f000001u + (uint32_t)(idx / cf->per_source));
#ifdef IP_BIND_ADDRESS_NO_PORT
		setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
#endif
		if (bind(c->fd, (struct sockaddr *)&src, sizeof src) != 0)
			goto fail;
	}
	if (connect(c->fd, (struct sockaddr *)&cf->dst, sizeof cf->dst) != 0)
		goto fail;
	if (cf->tls) {
		if ((c->ssl = SSL_new(cf->ctx)) == NULL ||
		    SSL_set_fd(c->ssl, c->fd) != 1)
			goto fail;
		if (cf->servername != NULL) {
			SSL_set_tlsext_host_name(c->ssl, cf->servername);
			if (cf->cafile != NULL)
				SSL_set1_host(c->ssl, cf->servername);
		}
		if (SSL_connect(c->ssl) != 1)
			goto fail;
	}
	return 0;
fail:
	conns_close(c);
	return -1;
}

/* Write all len bytes; 0 or -1. */
static int
conns_write(struct conns_conn *c, const void *buf, size_t len)
{
	ssize_t n;

	if (c->ssl != NULL)
		return SSL_write(c->ssl, buf, (int)len) == (int)len ? 0 : -1;
	while (len > 0) {
		if ((n = write(c->fd, buf, len)) <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return -1;
		}
		buf = (const char *)buf + n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read exactly len bytes; 0 or -1 (EOF, error, time-out). */
static int
conns_read(struct conns_conn *c, void *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if (c->ssl != NULL)
			n = SSL_read(c->ssl, buf, (int)len);
		else
			n = read(c->fd, buf, len);
		if (n <= 0) {
			if (n < 0 && c->ssl == NULL && errno == EINTR)
				continue;
			return -1;
		}
		buf = (char *)buf + n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * One RPC NULL round trip: a 40-byte call (RFC 5531 §9: xid, CALL, rpcvers
 * 2, program, version, procedure 0, AUTH_NONE credential and verifier)
 * behind a last-fragment mark; the reply must be MSG_ACCEPTED / SUCCESS
 * for our xid. 0 or -1.
 */
static int
conns_null(struct conns_conf *cf, struct conns_conn *c)
{
	static const uint32_t words[] = { 0, CONNS_RPC_CALL, 2, CONNS_NFS_PROGRAM,
		CONNS_NFS_VERSION, 0, 0, 0, 0, 0 };
	uint8_t call[4 + sizeof words], reply[512];
	struct evbuffer_iovec one;
	struct xdrbuf b;
	uint32_t mark, xid = ++cf->xid, v, stat;
	size_t len, i;

	xdrbuf_store_u32(call, CONNS_LAST_FRAG | (uint32_t)sizeof words);
	for (i = 0; i < nitems(words); i++)
		xdrbuf_store_u32(call + 4 + 4 * i, i == 0 ? xid : words[i]);
	if (conns_write(c, call, sizeof call) != 0)
		return -1;
	if (conns_read(c, reply, 4) != 0)
		return -1;
	mark = xdrbuf_load_u32(reply);
	len = mark & ~CONNS_LAST_FRAG;
	if (!(mark & CONNS_LAST_FRAG) || len < 24 || len > sizeof reply)
		return -1;
	if (conns_read(c, reply, len) != 0)
		return -1;
	/* xid, REPLY, MSG_ACCEPTED(0), verifier (flavor, opaque), accept_stat. */
	xdrbuf_init_mem(&b, &one, reply, len);
	if (xdrbuf_get_u32(&b, &v) != 0 || v != xid ||
	    xdrbuf_get_u32(&b, &v) != 0 || v != CONNS_RPC_REPLY ||
	    xdrbuf_get_u32(&b, &v) != 0 || v != 0 ||
	    xdrbuf_get_u32(&b, &v) != 0 ||
	    xdrbuf_skip_opaque(&b, 400, NULL, NULL) != 0 ||
	    xdrbuf_get_u32(&b, &stat) != 0 || stat != 0)
		return -1;
	return 0;
}

/* Compare doubles for qsort. */
static int
conns_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Time samples new connections: open (source idx_base + i) + NULL, then
 * close. Fills *st.
 */
static void
conns_sample(struct conns_conf *cf, int idx_base, struct conns_lat *st)
{
	struct conns_conn c;
	double *lat, t0;
	int i;

	memset(st, 0, sizeof *st);
	lat = xcalloc((size_t)cf->samples, sizeof *lat);
	for (i = 0; i < cf->samples && mono_seconds() < cf->deadline; i++) {
		t0 = mono_seconds();
		if (conns_open(cf, idx_base + i, &c) != 0 || conns_null(cf, &c) != 0) {
			conns_close(&c);
			st->failed++;
			continue;
		}
		lat[st->n++] = (mono_seconds() - t0) * 1e6;
		conns_close(&c);
	}
	if (st->n > 0) {
		qsort(lat, (size_t)st->n, sizeof *lat, conns_cmp);
		st->p50 = lat[st->n / 2];
		st->p99 = lat[(int)((st->n - 1) * 0.99)];
		st->max = lat[st->n - 1];
	}
	free(lat);
}

/* 1 if the held connection is still open (no EOF or error pending). */
static int
conns_alive(struct conns_conn *c)
{
	struct pollfd p = { c->fd, POLLIN, 0 };

	if (c->fd < 0)
		return 0;
	if (poll(&p, 1, 0) < 0)
		return 0;
	return (p.revents & (POLLIN | POLLHUP | POLLERR)) == 0;
}

/* Parse HOST:PORT (numeric IPv4 in 127.0.0.0/8 only: loopback). */
static int
conns_parse_dst(const char *s, struct sockaddr_in *sin)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	long port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof host)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, NULL, 10);
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (port <= 0 || port > 65535 || inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return -1;
	if ((ntohl(sin->sin_addr.s_addr) >> 24) != 127)
		return -1;
	return 0;
}

/* Print one latency line. */
static void
conns_print_lat(const char *what, const struct conns_lat *l)
{
	printf("%-30s n=%d failed=%d p50=%.0f us p99=%.0f us max=%.0f us\n", what,
	    l->n, l->failed, l->p50, l->p99, l->max);
}

/* Write one latency object into JSON. */
static void
conns_json_lat(FILE *f, const char *name, const struct conns_lat *l)
{
	fprintf(f, "  \"%s\": {\"n\": %d, \"failed\": %d, \"p50_us\": %.1f, "
	    "\"p99_us\": %.1f, \"max_us\": %.1f},\n", name, l->n, l->failed,
	    l->p50, l->p99, l->max);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tls", no_argument, NULL, 'L' },
		{ "cafile", required_argument, NULL, 'C' },
		{ "servername", required_argument, NULL, 'N' },
		{ "per-source", required_argument, NULL, 'P' },
		{ "no-ping", no_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct conns_conf cf;
	struct conns_conn *held;
	struct conns_lat idle, busy;
	const char *out = NULL;
	long fdmax, rss0, rss1, rss_mid = -1;
	double secs = 300, t0, topen;
	int ch, i, opened = 0, failed = 0, alive = 0, checked = 0, answered = 0;
	int step;
	FILE *f;

	memset(&cf, 0, sizeof cf);
	cf.n = 10000;
	cf.samples = 200;
	cf.timeout_s = 10;
	cf.per_source = 20000;
	cf.ping = 1;
	while ((ch = getopt_long(argc, argv, "n:s:p:d:t:o:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			cf.n = atoi(optarg);
			if (cf.n < 0 || cf.n > 1000000)
				goto usage;
			break;
		case 's':
			cf.samples = atoi(optarg);
			if (cf.samples < 1 || cf.samples > 100000)
				goto usage;
			break;
		case 'p':
			if (cf.npids == CONNS_MAX_PIDS || atol(optarg) <= 0)
				goto usage;
			cf.pids[cf.npids++] = (pid_t)atol(optarg);
			break;
		case 'd':
			secs = strtod(optarg, NULL);
			if (!(secs > 0 && secs <= 3600))
				goto usage;
			break;
		case 't':
			cf.timeout_s = atoi(optarg);
			if (cf.timeout_s < 1 || cf.timeout_s > 600)
				goto usage;
			break;
		case 'o':
			out = optarg;
			break;
		case 'L':
			cf.tls = 1;
			break;
		case 'C':
			cf.cafile = optarg;
			break;
		case 'N':
			cf.servername = optarg;
			break;
		case 'P':
			cf.per_source = atoi(optarg);
			if (cf.per_source < 1)
				goto usage;
			break;
		case 'Q':
			cf.ping = 0;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc || conns_parse_dst(argv[optind], &cf.dst) != 0)
		goto usage;
	/* A server that drops a connection must not kill the measurement. */
	signal(SIGPIPE, SIG_IGN);
	cf.deadline = mono_seconds() + secs;
	cf.xid = (uint32_t)getpid() << 12;
	if (cf.tls && (cf.ctx = conns_tls_ctx(&cf)) == NULL) {
		fprintf(stderr, "efsgw-conns: TLS context: %s\n",
		    ERR_reason_error_string(ERR_get_error()));
		return 1;
	}

	fdmax = conns_rlimit();
	if (cf.n > fdmax - 64) {
		fprintf(stderr, "efsgw-conns: RLIMIT_NOFILE is %ld: holding %ld "
		    "connections, not %d\n", fdmax, fdmax - 64, cf.n);
		cf.n = (int)(fdmax - 64);
	}
	held = xcalloc((size_t)cf.n + 1, sizeof *held);

	rss0 = conns_rss_kb(&cf);
	conns_sample(&cf, 0, &idle);

	/* Open and hold; new connections use sources after the samples'. */
	t0 = mono_seconds();
	step = cf.n >= 10 ? cf.n / 10 : 1;
	for (i = 0; i < cf.n && mono_seconds() < cf.deadline; i++) {
		if (conns_open(&cf, i, &held[i]) != 0 ||
		    (cf.ping && conns_null(&cf, &held[i]) != 0)) {
			conns_close(&held[i]);
			/* A refused connection is a result, a run of them the end. */
			if (++failed >= 100 && failed > opened / 10) {
				fprintf(stderr, "efsgw-conns: %d connections failed (last: "
				    "%s); stopping at %d held\n", failed, strerror(errno),
				    opened);
				break;
			}
			continue;
		}
		opened++;
		if ((i + 1) % step == 0)
			fprintf(stderr, "efsgw-conns: %d held, %.1f s\n", opened,
			    mono_seconds() - t0);
		if (i + 1 == cf.n / 2)
			rss_mid = conns_rss_kb(&cf);
	}
	for (; i < cf.n; i++)
		held[i].fd = -1;
	topen = mono_seconds() - t0;
	/* Let the server finish its side (backend connects, buffers). */
	usleep(500000);
	rss1 = conns_rss_kb(&cf);
	conns_sample(&cf, cf.n, &busy);

	/* Are the held connections still there and answering? */
	for (i = 0; i < cf.n; i++)
		if (held[i].fd >= 0 && conns_alive(&held[i]))
			alive++;
	step = opened > 100 ? opened / 100 : 1;
	for (i = 0; i < cf.n && mono_seconds() < cf.deadline; i += step) {
		if (held[i].fd < 0)
			continue;
		checked++;
		if (conns_null(&cf, &held[i]) == 0)
			answered++;
	}

	printf("target %s:%d %s: held %d of %d (%d failed) in %.2f s (%.0f/s)\n",
	    inet_ntoa(cf.dst.sin_addr), ntohs(cf.dst.sin_port), cf.tls ? "TLS" : "TCP",
	    opened, cf.n, failed, topen, topen > 0 ? opened / topen : 0);
	if (cf.npids > 0 && rss0 >= 0 && rss1 >= 0)
		printf("server VmRSS: %ld kB before, %ld kB at half, %ld kB holding "
		    "%d; %.0f bytes per connection\n", rss0, rss_mid, rss1, opened,
		    opened > 0 ? (double)(rss1 - rss0) * 1024 / opened : 0);
	conns_print_lat("connect+NULL, none held", &idle);
	conns_print_lat("connect+NULL, all held", &busy);
	printf("still open after the samples: %d of %d; %d of %d sampled answer "
	    "a NULL\n", alive, opened, answered, checked);

	if (out != NULL) {
		if ((f = fopen(out, "w")) == NULL)
			fatal("%s", out);
		fprintf(f, "{\n  \"target\": \"%s:%d\", \"tls\": %d, \"wanted\": %d, "
		    "\"held\": %d, \"failed\": %d, \"open_seconds\": %.3f,\n",
		    inet_ntoa(cf.dst.sin_addr), ntohs(cf.dst.sin_port), cf.tls, cf.n,
		    opened, failed, topen);
		fprintf(f, "  \"rss_kb_before\": %ld, \"rss_kb_half\": %ld, "
		    "\"rss_kb_held\": %ld,\n", rss0, rss_mid, rss1);
		conns_json_lat(f, "latency_none_held", &idle);
		conns_json_lat(f, "latency_all_held", &busy);
		fprintf(f, "  \"alive\": %d, \"checked\": %d, \"answered\": %d\n}\n",
		    alive, checked, answered);
		if (fclose(f) != 0)
			fatal("%s", out);
	}

	for (i = 0; i < cf.n; i++)
		conns_close(&held[i]);
	free(held);
	SSL_CTX_free(cf.ctx);
	return opened == cf.n && answered == checked && busy.n > 0 ? 0 : 1;
usage:
	fputs(usage_text, stderr);
	return 2;
}
