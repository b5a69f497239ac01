/*
 * efsgw - qos internals shared by fs.c, admit.c, lease.c and metrics.c:
 * the file-system and client structures and the hooks between the
 * scheduler and the Redis lease. Not for use outside qos/.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_QOS_INT_H
#define EFSGW_QOS_INT_H

#include <sys/queue.h>

#include <event2/util.h>

#include "qos.h"

struct event;
struct qos_lease;

/* What one call costs in each bucket. */
struct qos_cost {
	uint32_t	cls;
	double		metered;	/* MeteredIOBytes: throughput, client */
	double		bytes;		/* actual bytes: read/write ceilings */
	int		is_read;
};

/* One queued call. */
struct qos_wait {
	TAILQ_ENTRY(qos_wait) entry;
	struct qos_cost	 cost;
	double		 start;		/* virtual start tag (fair queueing) */
	uint64_t	 since_ns;
	void		(*resume)(void *);
	void		*arg;
};
TAILQ_HEAD(qos_waits, qos_wait);

struct qos_client {
	struct qos_fs	*fs;
	char		 name[64];
	TAILQ_ENTRY(qos_client) all_entry;
	TAILQ_ENTRY(qos_client) ring_entry;	/* in fs->active */
	struct qos_waits queue;
	uint64_t	 nqueued;
	double		 finish;	/* finish tag of its last queued call */
	uint64_t	 epoch;		/* fs->epoch when finish was set */
	int		 in_ring;
	int		 paused;
	qos_pause_cb	 pause;
	void		*pause_arg;
	struct qos_bucket bucket;	/* per-connection ceiling */
};
TAILQ_HEAD(qos_clients, qos_client);

struct qos_fs {
	struct qos_fs_config cfg;	/* strings point at fs_id/gateway_id */
	char		*fs_id;
	char		*gateway_id;
	struct qos_clock clock;
	struct event_base *base;
	struct event	*timer;
	int		 timer_armed;

	struct qos_bucket tp;		/* metered throughput (not Elastic) */
	struct qos_bucket rd, wr;	/* read / write ceilings, actual bytes */
	struct qos_bucket riops, wiops;	/* General Purpose IOPS */

	struct qos_counters c;
	struct qos_clients clients;
	struct qos_clients active;	/* clients with queued calls */
	double		 vtime;		/* start tag of the last call released */
	uint64_t	 epoch;		/* bumped when the queue drains */
	uint64_t	 nclients;
	uint64_t	 nqueued;
	double		 queued_metered;
	uint64_t	 queued_total;
	uint64_t	 throttle_since;
	uint64_t	 throttled_ns;

	/* PercentIOLimit over whole seconds. */
	uint64_t	 io_since;
	uint64_t	 io_rops, io_wops;
	double		 pct_io;

	/* Sharing with other gateways (lease.c). */
	struct qos_lease *lease;
	uint32_t	 live_gateways;	/* last known, >= 1 */
	int		 lease_healthy;	/* tp refilled by grants */
	double		 shared_permitted; /* last permitted rate from Redis */
	double		 shared_credits;	/* last balance from Redis */
	double		 lease_rate;	/* bytes/s granted by the last lease */
	double		 unreported;	/* metered bytes charged, not yet in Redis */
};

/* fs.c */
/* Recompute every bucket's rate from the config and the sharing state. */
void	qos_fs_apply(struct qos_fs *);
/* Refill the file system's buckets to now. */
void	qos_fs_refill(struct qos_fs *, uint64_t now);

/* admit.c */
/* Arm the release timer if calls are queued. */
void	qos_admit_schedule(struct qos_fs *);
/* Disarm the release timer (the rate changed; poll re-arms it). */
void	qos_admit_unschedule(struct qos_fs *);
/* The release timer's callback (arg: the qos_fs). */
void	qos_admit_timer_cb(evutil_socket_t, short, void *);

/* lease.c */
/* Ask for a lease now if one is needed and none is in flight. */
void	qos_lease_kick(struct qos_lease *);
/* Free a lease (from qos_fs_free). */
void	qos_lease_free(struct qos_lease *);
/* Fill the Redis part of st. */
void	qos_lease_stats(const struct qos_lease *, struct qos_stats *st);

#endif /* EFSGW_QOS_INT_H */
