/*
 * efsgw - qos: per-file-system throughput and IOPS limits in the style of
 * Amazon EFS (throughput modes Bursting / Provisioned / Elastic,
 * performance modes General Purpose / Max I/O), EFS's metering rules,
 * fair admission of calls, buckets shared between gateways through
 * Redis leases, and the Prometheus view of all of it.
 *
 * Everything runs on one libevent event_base (single-threaded). Nothing
 * here blocks and no call ever waits on a Redis round trip: Redis only
 * refills the local buckets in the background (lease.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_QOS_H
#define EFSGW_QOS_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct evbuffer;
struct qos_fs;
struct qos_client;

#define QOS_KIB		1024ULL
#define QOS_MIB		(1024ULL * 1024)
#define QOS_GIB		(1024ULL * 1024 * 1024)
#define QOS_TIB		(1024ULL * 1024 * 1024 * 1024)

/*
 * Op classes. The values are those of proxy/nfs4.h enum nfs4_qos_class, so
 * the op table's qos column can be passed through unchanged.
 */
#define QOS_CLASS_NONE		0	/* metered as QOS_CLASS_META_READ */
#define QOS_CLASS_META_READ	1
#define QOS_CLASS_META_WRITE	2
#define QOS_CLASS_DATA_READ	3
#define QOS_CLASS_DATA_WRITE	4
#define QOS_CLASS_MAX		5

/* A clock: monotonic nanoseconds. Tests inject a fake one. */
struct qos_clock {
	uint64_t	(*now_ns)(void *);
	void		*arg;
};

enum qos_tp_mode {
	QOS_TP_BURSTING = 0,
	QOS_TP_PROVISIONED,
	QOS_TP_ELASTIC,
};

enum qos_perf_mode {
	QOS_PERF_GENERAL_PURPOSE = 0,
	QOS_PERF_MAX_IO,
};

/* Every number of the model; qos_params_defaults() sets EFS's values. */
struct qos_params {
	/* Metering (meter.c, docs/qos.md "Metering"). */
	uint32_t	read_divisor;		/* 3: reads metered at 1/3 */
	uint32_t	meter_min;		/* 4096: least metered bytes per op */
	int		meta_read_discount;	/* 0: metadata reads at full rate */
	uint32_t	total_min_data;		/* 32768: TotalIOBytes data minimum */
	uint32_t	total_min_meta;		/* 4096: TotalIOBytes other minimum */
	uint32_t	total_unit;		/* 1024: rounding after the minimum */

	/* Bursting: rates in bytes/s, sizes in bytes. */
	uint64_t	baseline_per_gib;	/* 50 KiB/s per GiB of Standard */
	uint64_t	baseline_min;		/* 1 MiB/s */
	uint64_t	burst_per_tib;		/* 100 MiB/s per TiB */
	uint64_t	burst_min;		/* 100 MiB/s */
	uint64_t	credit_cap_per_tib;	/* 2.1 TiB per TiB stored */
	uint64_t	credit_cap_min;		/* 2.1 TiB */

	/* Provisioned bounds, bytes/s. */
	uint64_t	provisioned_min;	/* 1 MiB/s */
	uint64_t	provisioned_max;	/* 3125 MiB/s */

	/* Read / write ceilings in actual bytes/s; 0 = none. */
	uint64_t	elastic_read_max;	/* 10 GiB/s */
	uint64_t	elastic_write_max;	/* 3 GiB/s */
	uint64_t	read_max;		/* 0: other modes */
	uint64_t	write_max;		/* 0 */

	/* General Purpose IOPS ceilings (ops/s). */
	uint32_t	gp_read_iops;		/* 35000 */
	uint32_t	gp_write_iops;		/* 7000 */

	/* Per-connection ceiling on metered bytes/s. */
	uint64_t	client_max_elastic;	/* 1500 MiB/s */
	uint64_t	client_max;		/* 500 MiB/s */

	/*
	 * Most bytes one call can move: the estimate a call is admitted with
	 * is capped here, because a READ's count is the client's to choose (up
	 * to 4 GiB) while a reply never carries more than one RPC record. The
	 * gateway sets its max-record-size (qos_fs_set_max_call).
	 */
	uint64_t	max_call_bytes;		/* 1114112 (1 MiB + 64 KiB) */

	/* Scheduler. */
	uint32_t	window_ms;	/* 100: bucket depth, in ms of its rate */
	uint32_t	tick_ms;	/* 2: shortest release timer */
	uint32_t	pause_depth;	/* 1: queued calls that pause a client */

	/* Redis leases (lease.c). */
	uint32_t	lease_ms;	/* 100: lease period while busy; min gap lease_ms/2 */
	uint32_t	heartbeat_ms;	/* 1000: idle heartbeat; TTL is 3x */
	uint32_t	lease_timeout_ms; /* 500: no reply -> degraded */
	uint32_t	backoff_min_ms;	/* 100: first reconnect delay */
	uint32_t	backoff_max_ms;	/* 5000: longest reconnect delay */
};

/* One file system's QoS configuration (strings are copied). */
struct qos_fs_config {
	const char		*fs_id;		/* label fs="..." and Redis key part */
	const char		*gateway_id;	/* label gateway="..."; unique per gateway */
	enum qos_tp_mode	 tp_mode;
	enum qos_perf_mode	 perf_mode;
	uint64_t		 storage_std_bytes; /* Standard-class bytes stored */
	uint64_t		 provisioned;	/* bytes/s, Provisioned mode */
	struct qos_params	 params;
};

/* Per-class byte and op counters, EFS CloudWatch names. */
struct qos_counters {
	uint64_t	metered_bytes;		/* MeteredIOBytes Sum */
	uint64_t	total_bytes;		/* TotalIOBytes Sum */
	uint64_t	data_read_bytes;	/* DataReadIOBytes */
	uint64_t	data_write_bytes;	/* DataWriteIOBytes */
	uint64_t	meta_read_bytes;	/* MetadataReadIOBytes */
	uint64_t	meta_write_bytes;	/* MetadataWriteIOBytes */
	uint64_t	ops[QOS_CLASS_MAX];	/* SampleCount per class */
};

enum qos_redis_state {
	QOS_REDIS_OFF = 0,	/* no Redis configured: in-process buckets */
	QOS_REDIS_CONNECTING,	/* first connection not up yet */
	QOS_REDIS_OK,		/* leases flowing */
	QOS_REDIS_DEGRADED,	/* lost: serving the last known fair share */
};

/* A snapshot of one file system's QoS state (qos_fs_stats). */
struct qos_stats {
	struct qos_counters	c;
	double		burst_credit_balance;	/* bytes; 0 unless Bursting */
	double		permitted_throughput;	/* bytes/s, EFS's definition */
	double		percent_io_limit;	/* last full second; GP only */
	uint64_t	throttled_ns;		/* time with calls queued */
	uint64_t	queued_calls;		/* now */
	uint64_t	queued_total;		/* calls that had to wait */
	uint64_t	clients;
	enum qos_redis_state redis_state;
	int		degraded;		/* 1 while Redis is lost */
	uint64_t	degraded_events;	/* healthy -> degraded transitions */
	uint32_t	live_gateways;		/* last known, >= 1 */
	uint64_t	lease_rtt_ns;		/* last lease round trip */
	uint64_t	lease_count;		/* lease replies received */
	uint64_t	lease_rtt_sum_ns;
	uint64_t	lease_granted_bytes;	/* sum of the rates granted (B/s) */
	double		tokens;			/* throughput bucket; < 0 = debt */
	double		lease_rate;		/* bytes/s this gateway may spend now */
	uint64_t	storage_std_bytes;	/* Standard bytes metered */
	double		baseline;		/* bytes/s; Bursting only */
};

/* A token bucket with optional burst credits (bucket.c). */
struct qos_bucket {
	double		rate;		/* tokens/s; 0 = unlimited */
	double		depth;		/* most tokens held */
	double		tokens;		/* may go negative: debt of a big call */
	uint64_t	last_ns;	/* last refill */
	int		leased;		/* refilled by Redis grants, not time */
	/* Burst credits (Bursting): tokens above baseline cost credits. */
	double		baseline;	/* 0 = no credits */
	double		credits;
	double		credit_cap;
};

/* meter.c */
/*
 * Metered bytes (MeteredIOBytes) of one op of class cls moving bytes:
 * reads divided by read_divisor (rounded up), then at least meter_min.
 */
uint64_t	qos_meter_metered(const struct qos_params *, uint32_t cls, uint64_t bytes);
/*
 * TotalIOBytes of one op: at least total_min_data for data ops and
 * total_min_meta for others, then rounded up to total_unit.
 */
uint64_t	qos_meter_total(const struct qos_params *, uint32_t cls, uint64_t bytes);
/* Whether cls is a read class for IOPS and read ceilings. */
int		qos_meter_is_read(uint32_t cls);
/* Add one op of cls moving bytes (actual) to the counters. */
void		qos_meter_record(struct qos_counters *, const struct qos_params *,
		    uint32_t cls, uint64_t bytes);

/* bucket.c */
/* Start bucket b at rate tokens/s holding depth tokens (full) at now. */
void	qos_bucket_init(struct qos_bucket *b, double rate, double depth, uint64_t now);
/* Add burst credits: baseline rate, initial balance and cap (bytes). */
void	qos_bucket_set_credits(struct qos_bucket *b, double baseline, double credits,
	    double cap);
/* Change rate and depth at run time, refilling first at the old rate. */
void	qos_bucket_set_rate(struct qos_bucket *b, double rate, double depth, uint64_t now);
/* Add the tokens (and credits) earned since the last refill. */
void	qos_bucket_refill(struct qos_bucket *b, uint64_t now);
/* 1 if a call may pass now (no debt or unlimited). */
int	qos_bucket_ready(const struct qos_bucket *b);
/* Charge n tokens (negative n refunds); may leave the bucket in debt. */
void	qos_bucket_take(struct qos_bucket *b, double n);
/* Add n granted tokens (leased buckets); never above depth + n. */
void	qos_bucket_grant(struct qos_bucket *b, double n);
/* Nanoseconds until qos_bucket_ready (0 if ready, UINT64_MAX if leased). */
uint64_t qos_bucket_wait_ns(const struct qos_bucket *b);
/* Rate the bucket permits now: burst with credits left, else baseline. */
double	qos_bucket_permitted(const struct qos_bucket *b);

/* mode.c */
/* Fill p with EFS's published numbers. */
void	qos_params_defaults(struct qos_params *p);
/* Baseline rate (bytes/s) for storage bytes of Standard storage. */
double	qos_mode_baseline(const struct qos_params *, uint64_t storage);
/* Burst rate (bytes/s) for storage bytes. */
double	qos_mode_burst(const struct qos_params *, uint64_t storage);
/* Burst credit cap (bytes) for storage bytes; also a new FS's balance. */
double	qos_mode_credit_cap(const struct qos_params *, uint64_t storage);
/* Rate of the metered-throughput bucket: 0 = none (Elastic). */
double	qos_mode_rate(const struct qos_fs_config *);
/* Parse "bursting" / "provisioned" / "elastic"; -1 if unknown. */
int	qos_mode_parse_tp(const char *s);
/* Parse "generalPurpose" / "maxIO" (EFS API spelling); -1 if unknown. */
int	qos_mode_parse_perf(const char *s);

/* fs.c */
/*
 * Create a file system's QoS state. clock NULL = CLOCK_MONOTONIC. base
 * NULL = no release timer: the caller must call qos_fs_poll() itself
 * (tests with a fake clock). Returns 0 or EFSGW_ERR_BAD_VALUE (config out
 * of bounds) or EFSGW_ERR_NOMEM; *outp is owned by the caller
 * (qos_fs_free).
 */
int	qos_fs_new(const struct qos_fs_config *, const struct qos_clock *clock,
	    struct event_base *base, struct qos_fs **outp);
/* Free fs, its clients' queues (no resume is called) and its lease. NULL ok. */
void	qos_fs_free(struct qos_fs *);
/*
 * Change the provisioned rate (bytes/s) at run time; in Provisioned mode
 * the new rate applies at once. EFSGW_ERR_BAD_VALUE outside the bounds.
 */
int	qos_fs_set_provisioned(struct qos_fs *, uint64_t rate);
/* Change the Standard storage size (EFS re-meters it about hourly). */
void	qos_fs_set_storage(struct qos_fs *, uint64_t bytes);
/*
 * Cap what one call's estimate may charge (bytes, >= 4096): the most one
 * reply or request can carry, e.g. the gateway's max-record-size.
 * qos_admit and qos_account clamp every estimate to it, so no caller can
 * charge a client-declared count. EFSGW_ERR_BAD_VALUE below 4096.
 */
int	qos_fs_set_max_call(struct qos_fs *, uint64_t bytes);
/* Change throughput mode at run time (EFS's 24 h lock is not enforced). */
int	qos_fs_set_mode(struct qos_fs *, enum qos_tp_mode);
/* Fill *st with a snapshot (refills the buckets first). */
void	qos_fs_stats(struct qos_fs *, struct qos_stats *st);
/* Identifiers given at creation; borrowed for the life of fs. */
const char *qos_fs_id(const struct qos_fs *);
const char *qos_fs_gateway(const struct qos_fs *);
/* Current time on fs's clock. */
uint64_t qos_fs_now(const struct qos_fs *);

/* admit.c */
/*
 * Set backpressure: pause(arg, 1) when the client has pause_depth calls
 * queued, pause(arg, 0) when its queue drains. Called from inside qos: it
 * must only switch socket reading on or off, never call back into qos.
 */
typedef void	(*qos_pause_cb)(void *arg, int paused);
/* Attach a client (one connection) to fs. Returns NULL only on OOM. */
struct qos_client *qos_client_new(struct qos_fs *, const char *name,
	    qos_pause_cb pause, void *arg);
/*
 * Detach and free a client. Its queued calls are dropped without resume:
 * the connection is gone. Safe from a resume callback. NULL ok.
 */
void	qos_client_free(struct qos_client *);
/* Number of calls this client has queued. */
uint64_t qos_client_queued(const struct qos_client *);
/* 1 while the client is paused (should not read its socket). */
int	qos_client_paused(const struct qos_client *);
/*
 * Admit one call of class cls expected to move bytes_estimate bytes
 * (clamped to max_call_bytes: a client-declared count never charges more
 * than one call can move). Returns 0: go now. 1: queued; resume(arg) is
 * called exactly once later from the event loop (never dropped, never failed) unless the client is
 * freed first; while a client has queued calls the pipeline must queue
 * behind them (qos_admit does that: FIFO per client). EFSGW_ERR_NOMEM if
 * the queue entry cannot be allocated: the call was neither admitted nor
 * queued, and must not be forwarded (answer it with NFS4ERR_DELAY).
 * resume may call any qos function except qos_fs_free.
 */
int	qos_admit(struct qos_fs *, struct qos_client *, uint32_t cls,
	    uint64_t bytes_estimate, void (*resume)(void *arg), void *arg);
/*
 * After the reply: record the call's actual bytes in the counters and
 * charge (or refund) the difference to the estimate (clamped as in
 * qos_admit, so the refund matches the charge). client may be NULL.
 */
void	qos_account(struct qos_fs *, struct qos_client *, uint32_t cls,
	    uint64_t bytes_estimate, uint64_t bytes_actual);
/*
 * Release what the buckets allow now, round-robin over clients, and arm
 * the release timer. The timer calls this; call it directly with no
 * event_base. Returns the number of calls released.
 */
unsigned int qos_fs_poll(struct qos_fs *);

/* url.c */
struct qos_redis_url {
	char		host[256];
	uint16_t	port;
	char		password[256];	/* "" = no AUTH */
	char		username[128];	/* "" = AUTH with password only */
	uint32_t	db;
};
/*
 * Parse redis://[[user]:password@]host[:port][/db]. rediss:// (TLS) and
 * unix sockets are refused with a cause (hiredis 0.14 has no TLS).
 * Returns 0 or EFSGW_ERR_SYNTAX / EFSGW_ERR_BAD_VALUE / EFSGW_ERR_TOO_LONG
 * with *cause (static) set.
 */
int	qos_url_parse(const char *s, struct qos_redis_url *u, const char **cause);

/* lease.c */
/*
 * Share fs's buckets with the other gateways of the same fs_id through
 * Redis at url, on base. Until the first lease arrives and whenever Redis
 * is lost, fs serves its last known fair share. Returns 0, or a parse
 * error with *cause. The lease is owned by fs (freed with it).
 */
int	qos_lease_attach(struct qos_fs *, struct event_base *base, const char *url,
	    const char **cause);

/* metrics.c */
/*
 * Append Prometheus text for file systems fss[0..n-1] to out: each metric
 * family once (HELP and TYPE lines), one sample per fs with labels fs and
 * gateway. Returns 0 or EFSGW_ERR_NOMEM.
 */
int	qos_metrics_write(struct evbuffer *out, struct qos_fs *const *fss, size_t n);

#endif /* EFSGW_QOS_H */
