/*
 * efsgw - efsgw-bench: the benchmark's shared types. A target is one NFS
 * server address (direct, through efsgw, through stunnel...); a case is one
 * measurement run against one target, producing one or more metrics.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_BENCH_H
#define EFSGW_BENCH_H

#include <stdint.h>

#include "nfsc.h"

#define BENCH_MAX_TARGETS	12
#define BENCH_MAX_ROUNDS	100
#define BENCH_MAX_METRICS	8

#define BENCH_MAX_PIDS		4

/* Where to connect; tls targets use the TLS settings of bench_conf. */
struct bench_target {
	char		 name[64];
	char		 host[64];
	int		 port;
	int		 tls;
	/* Processes on the path (gateway, stunnel..) whose CPU is charged. */
	int		 pids[BENCH_MAX_PIDS];
	int		 npids;
};

/* Settings shared by every case. */
struct bench_conf {
	double		 seconds;	/* per case */
	uint64_t	 bytes;		/* cap for seqwrite/seqread */
	const char	*dir;		/* server directory for the test file */
	int		 timeout_ms;
	int		 seq_inflight;	/* 16 */
	int		 rate_conns;	/* 16 */
	int		 rate_inflight;	/* 64 in total */
	uint32_t	 minor;
	/* For :tls targets (see struct nfsc_opts); NULL when not given. */
	const char	*cafile;
	const char	*cert;
	const char	*key;
	const char	*servername;
};

/*
 * One case's results: metric values in the order of the case's names,
 * and the work done (bytes moved or calls answered) that the CPU used by
 * the target's processes is divided by.
 */
struct bench_result {
	int		 n;
	double		 v[BENCH_MAX_METRICS];
	double		 work;
};

struct bench_case {
	const char	*name;
	int		 nmetrics;
	const char	*metrics[BENCH_MAX_METRICS];	/* "MiB/s", "p50 us" ... */
	int		 higher_better[BENCH_MAX_METRICS];
	/* CPU metric: CPU seconds * cpu_scale / work ("cpu s/GiB"...). */
	const char	*cpu_metric;
	double		 cpu_scale;
	/* Run once against t; 0 or -1 with a message on stderr. */
	int		 (*run)(const struct bench_conf *, const struct bench_target *,
			     struct bench_result *);
};

/* bench-cases.c */
extern const struct bench_case bench_cases[];
extern const int bench_ncases;
/* Connect and create a session; NULL after printing why. */
struct nfsc *bench_connect(const struct bench_conf *, const struct bench_target *);

#endif /* EFSGW_BENCH_H */
