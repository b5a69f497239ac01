/*
 * efsgw - efsgw-tier internals: the agent that walks a file system's
 * export, moves files past their transition age to the IA or Archive
 * export and brings them back. Shared by the agent's files only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_TIER_AGENT_H
#define EFSGW_TIER_AGENT_H

#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "nfsc.h"
#include "tiering.h"

/* One NFS export the agent talks to. */
struct agent_export {
	char		 name[16];	/* "primary", "IA", "Archive" */
	char		 host[256];	/* numeric */
	int		 port;
	char		 path[1024];	/* export path on the server */
	struct nfsc	*c;
	struct nfsc_fh	 root;
	uint32_t	 io;		/* READ/WRITE size */
};

/* Counters, also written as metrics. */
struct agent_stats {
	uint64_t	 files_seen;
	uint64_t	 bytes_standard;	/* StorageBytes Standard */
	uint64_t	 bytes_ia;
	uint64_t	 bytes_archive;
	uint64_t	 files_moved;
	uint64_t	 bytes_moved;
	uint64_t	 moves_changed;	/* left alone: changed during the copy */
	uint64_t	 recalls;
	uint64_t	 recovered;	/* interrupted moves finished or undone */
	uint64_t	 orphans;	/* tier files with no record, removed */
	uint64_t	 errors;
};

struct agent {
	const char	*fs_id;
	struct lifecycle lc;
	int		 zstd;		/* compress Archive copies */
	struct tier_registry *reg;
	struct agent_export hot;
	struct agent_export tier[3];	/* by enum tier_class; [0] unused */
	char		 owner[128];	/* lock owner: host.pid */
	int		 take_over;	/* a lock under owner is a dead one's */
	uint64_t	 rate;		/* bytes/s; 0: unlimited */
	double		 tokens;
	uint64_t	 last_ns;
	int		 stop_after;	/* test: SIGKILL self after this step */
	uint64_t	 part_bytes;	/* test: step 10 once a recall wrote this back */
	const struct tier_key *recalling; /* the recall writing back now */
	int		 progress;	/* print a progress line on stderr */
	time_t		 now;
	uint32_t	 day;
	const char	*metrics_path;
	int		 walk_partial;	/* a directory of this walk went unread */
	struct agent_stats st;
};

/* Steps of a move, in order (observable with EFSGW_TIER_TEST_STOP_AFTER). */
enum agent_step {
	STEP_RECORD_MOVING = 1,	/* registry: moving, with the tier name */
	STEP_COPIED = 2,	/* data written to the tier file (unstable) */
	STEP_COMMITTED = 3,	/* COMMIT + CLOSE of the tier file */
	STEP_VERIFIED = 4,	/* read back, checksum equal */
	STEP_UNCHANGED = 5,	/* the hot file's change attribute did not move */
	STEP_RECORD_COLD = 6,	/* registry: cold, releasing */
	STEP_RELEASED = 7,	/* hot data released (VERIFY change; truncate) */
	STEP_RECORD_DONE = 8,	/* registry: cold, released */
	/* A recall's (efsgw-tier's and the gateway's): */
	STEP_RECALL_MARKED = 9,	/* registry: cold, recalling */
	STEP_RECALL_PART = 10,	/* EFSGW_TIER_TEST_RECALL_BYTES written back */
	STEP_RECALL_WRITTEN = 11, /* all written back, COMMITted, mtime put back */
	STEP_RECALL_HOT = 12,	/* registry: hot (the cold copy not removed yet) */
};

/* agent-copy.c */
/* Wait for n bytes of the bandwidth budget. */
void	 agent_throttle(struct agent *, uint64_t n);
/* LOOKUP name in an export's root. */
int	 agent_lookup(struct agent_export *, const char *name, struct nfsc_fh *);
/*
 * Copy a file of src (the primary, or the IA tier; handle fh, size bytes,
 * uncompressed) into the tier file f,
 * compressing when zstd; fills sum and *stored. 0, > 0 NFS status, < 0.
 */
int	 agent_copy_out(struct agent *, struct agent_export *src,
	     struct agent_export *tier, const struct nfsc_fh *fh, uint64_t size,
	     int zstd,
	     const struct nfsc_file *f, uint8_t sum[TIER_SUM_LEN],
	     uint64_t *stored);
/*
 * Read a tier file (location, zstd or not) and check it is size bytes
 * with checksum sum; when hot is not NULL also write the data into the
 * hot file hotfh. 0, EFSGW_ERR_MISMATCH, or another code.
 */
int	 agent_copy_in(struct agent *, struct agent_export *tier,
	     const char *location, int zstd, uint64_t size,
	     const uint8_t sum[TIER_SUM_LEN], struct agent_export *hot,
	     const struct nfsc_fh *hotfh);
/* SHA-256 of the hot file's current data into sum. */
int	 agent_sum_hot(struct agent *, const struct nfsc_fh *fh, uint64_t size,
	     uint8_t sum[TIER_SUM_LEN]);
/* SHA-256 of size zero bytes (what a released file reads as). */
void	 agent_sum_zeros(uint64_t size, uint8_t sum[TIER_SUM_LEN]);

/* agent-move.c */
/* Move one file (its record rec, or a new one) to class cls. */
int	 agent_move(struct agent *, const struct nfsc_fh *fh,
	     const struct nfsc_attr *a, const struct tier_rec *old,
	     enum tier_class cls);
/* Move one IA file on to Archive (tier to tier; the primary is untouched). */
int	 agent_retier(struct agent *, const struct tier_rec *rec);
/* Bring one cold file back to the primary export. */
int	 agent_recall(struct agent *, const struct tier_rec *rec);
/* Finish or undo every interrupted move; remove orphan tier files. */
int	 agent_recover(struct agent *);
/* GETATTR of a handle on an export. */
int	 agent_getattr(struct agent_export *, const struct nfsc_fh *,
	     struct nfsc_attr *);
/* Take a file's lock (tier_registry_lock), taking over a dead owner's. */
int	 agent_lock(struct agent *, const struct tier_key *, uint32_t ttl_ms);
/* Remove name from the tier export's root (absent is not an error). */
int	 agent_tier_remove(struct agent_export *, const char *name);
/* The step just finished: log it, and die here when the test says so. */
void	 agent_step(struct agent *, const struct tier_key *, int step);
/* Read the test hooks (EFSGW_TIER_TEST_*) from the environment. */
void	 agent_test_hooks(struct agent *);
/* A recall has written n bytes back so far (the test hook of step 10). */
void	 agent_recall_progress(struct agent *, uint64_t n);

/* cold-read.c: a range of a cold copy read over NFS, without a recall. */
struct cold_read_cache {
	char		 location[TIER_LOCATION_MAX];	/* "": empty */
	uint32_t	 cls;
	uint8_t		 sum[TIER_SUM_LEN];	/* the copy's, as recorded */
	uint64_t	 stored;
	struct nfsc_fh	 fh;
	struct cold_copy cc;
};
/*
 * Read count bytes at off of the file rec names from its cold copy into
 * out (cold_copy_read over NFS); *np the bytes read (less than count only
 * at the end of the file). cache (zeroed at first) keeps the last copy's
 * handle, table and chunk between calls. 0, EFSGW_ERR_MISMATCH (the copy
 * is not what the record says), EFSGW_ERR_NOT_FOUND (a copy without a
 * table), or another code.
 */
int	 cold_read(struct agent *, const struct tier_rec *rec, uint64_t off,
	     uint32_t count, uint8_t *out, uint32_t *np,
	     struct cold_read_cache *cache);
void	 cold_read_cache_clear(struct cold_read_cache *);

/* efsgw-tier.c: set by SIGTERM/SIGINT; the walk stops between files. */
extern volatile sig_atomic_t agent_quit;

/* agent-walk.c */
/* Walk the primary export; move what is due (recall_all: recall all). */
int	 agent_walk(struct agent *, int recall_all);
/* Write the metrics file (Prometheus text) if one is configured. */
void	 agent_metrics_write(struct agent *);

#endif /* EFSGW_TIER_AGENT_H */
