/*
 * efsgw - lifecycle tiering: the lifecycle configuration (the JSON that
 * `aws efs put-lifecycle-configuration` takes), the tier registry that
 * records where each file's data lives, and the clock tiering decisions
 * are made against.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_TIERING_H
#define EFSGW_TIERING_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* ------------------------------------------------------------ lifecycle.c */

#define LIFECYCLE_DEFAULT_MIN_SIZE	(128 * 1024)	/* EFS: smaller files stay */
#define LIFECYCLE_MAX_JSON		(64 * 1024)

/*
 * A file system's lifecycle configuration. A day count of 0 means the
 * transition is not configured.
 */
struct lifecycle {
	uint32_t	 ia_days;	/* TransitionToIA */
	uint32_t	 archive_days;	/* TransitionToArchive */
	int		 to_primary_on_access; /* TransitionToPrimaryStorageClass */
	uint64_t	 min_size;	/* bytes; smaller files are never moved */
};

/*
 * EFS's console defaults: IA after 30 days, Archive after 90, files stay
 * in their class when read (no TransitionToPrimaryStorageClass).
 */
void	 lifecycle_defaults(struct lifecycle *);
/*
 * Parse a lifecycle configuration: {"LifecyclePolicies": [...]} (an
 * optional "FileSystemId" must equal fs_id when fs_id is not NULL). The
 * rules EFS applies are checked: one transition per policy object, each
 * transition at most once, AFTER_N_DAYS values from EFS's list, Archive
 * later than IA, TransitionToPrimaryStorageClass only AFTER_1_ACCESS.
 * min_size is left as it was. Returns 0 or a negative code with *cause
 * (caller frees).
 */
int	 lifecycle_parse(const char *json, size_t len, const char *fs_id,
	     struct lifecycle *, char **cause);
/* lifecycle_parse of a file (at most LIFECYCLE_MAX_JSON bytes). */
int	 lifecycle_load(const char *path, const char *fs_id, struct lifecycle *,
	     char **cause);
/*
 * Archive needs the Elastic throughput mode and the General Purpose
 * performance mode (as on EFS). 0 or EFSGW_ERR_BAD_VALUE with *cause.
 */
int	 lifecycle_check_modes(const struct lifecycle *, const char *tp_mode,
	     const char *perf_mode, char **cause);
/* Days for "AFTER_7_DAYS", or 0 if the value is not one EFS accepts. */
uint32_t lifecycle_days(const char *value);
/*
 * Split a tier location "HOST:PORT:/export" into "HOST:PORT" and
 * "/export". 0 or EFSGW_ERR_SYNTAX / EFSGW_ERR_TOO_LONG.
 */
int	 tier_target_parse(const char *s, char *hostport, size_t hplen,
	     char *export, size_t exlen);
/* The JSON for lc (caller frees), as describe-lifecycle-configuration prints. */
char	*lifecycle_json(const struct lifecycle *);

/* ------------------------------------------------------------ tierclock.c */

/*
 * Wall-clock seconds that tiering decisions use. EFSGW_TIER_NOW (seconds
 * since the epoch, or "+N" for N seconds ahead of the real clock) moves
 * it, so that tests age files by days in no time.
 */
time_t	 tier_now(void);
/* Seconds in a lifecycle "day": 86400, or EFSGW_TIER_DAY for tests. */
uint32_t tier_day_seconds(void);

/* ------------------------------------------------------------ registry.c */

/* Where a file's data lives. */
enum tier_state {
	TIER_HOT = 0,		/* on the primary export (a record keeps atime) */
	TIER_MOVING = 1,	/* being copied out; the hot data is still whole */
	TIER_COLD_IA = 2,	/* data in the IA tier, hot file released */
	TIER_COLD_ARCHIVE = 3,	/* data in the Archive tier, hot file released */
	TIER_STATE_MAX = 3
};

/* Storage classes, named as EFS names them in StorageBytes. */
enum tier_class { TIER_CLASS_STANDARD, TIER_CLASS_IA, TIER_CLASS_ARCHIVE };

#define TIER_REC_ZSTD		0x1	/* the cold copy is a zstd frame */
#define TIER_REC_RELEASING	0x2	/* cold, the hot data may not be released yet */
#define TIER_REC_RETIER		0x4	/* cold-IA, being copied to Archive */
#define TIER_REC_RECALLING	0x8	/* cold, its data being copied back */
#define TIER_FH_MAX		128	/* NFS4_FHSIZE */
#define TIER_LOCATION_MAX	256
#define TIER_SUM_LEN		32	/* SHA-256 */

/* A file: its fsid and fileid on the primary export. */
struct tier_key {
	uint64_t	 fsid_major;
	uint64_t	 fsid_minor;
	uint64_t	 fileid;
};

/* One registry record. */
struct tier_rec {
	struct tier_key	 key;
	uint32_t	 state;		/* enum tier_state */
	uint32_t	 target;	/* TIER_MOVING: the class it goes to */
	uint32_t	 flags;		/* TIER_REC_* */
	char		 location[TIER_LOCATION_MAX]; /* name in the tier export */
	uint8_t		 fh[TIER_FH_MAX]; /* the file's handle on the primary */
	uint32_t	 fhlen;
	uint64_t	 size;		/* bytes of the file */
	uint64_t	 stored;	/* bytes of the cold copy */
	uint8_t		 sum[TIER_SUM_LEN]; /* SHA-256 of the file's data */
	uint64_t	 change;	/* change attribute when the move began */
	int64_t		 mtime_sec;	/* mtime to put back after release */
	uint32_t	 mtime_nsec;
	int64_t		 last_access;	/* last data access seen (seconds) */
	int64_t		 updated;	/* when the record was written */
};

/*
 * StorageBytes by class as efsgw-tier's last complete walk measured them;
 * efsgw takes the Standard bytes for the Bursting baseline.
 */
struct tier_usage {
	uint64_t	 standard;	/* bytes in Standard (hot, moving) */
	uint64_t	 ia;		/* bytes in Infrequent Access */
	uint64_t	 archive;	/* bytes in Archive */
	int64_t		 measured;	/* when the walk ended (seconds) */
};

struct tier_registry;

/* Called by tier_registry_foreach; non-zero stops and is returned. */
typedef int (*tier_registry_cb)(const struct tier_rec *, void *arg);

/*
 * Open the registry of file system ns at where: "redis://host:port[/db]"
 * (every gateway and agent sees the same state) or an absolute path (a
 * journal file, shared by the processes of one host that may write it;
 * created mode 0660 less the umask). Returns 0 and *regp (caller frees
 * with tier_registry_close) or a negative code with *cause. A handle is
 * used by one thread at a time.
 */
int	 tier_registry_open(const char *where, const char *ns,
	     struct tier_registry **regp, char **cause);
void	 tier_registry_close(struct tier_registry *);
/* 0 and *rec, EFSGW_ERR_NOT_FOUND, or another negative code. */
int	 tier_registry_get(struct tier_registry *, const struct tier_key *,
	     struct tier_rec *rec);
/* Insert or replace (durable on return). */
int	 tier_registry_put(struct tier_registry *, const struct tier_rec *);
/* Remove (durable on return); a missing record is not an error. */
int	 tier_registry_del(struct tier_registry *, const struct tier_key *);
/* Call cb for every record (order unspecified); cb must not write. */
int	 tier_registry_foreach(struct tier_registry *, tier_registry_cb,
	     void *arg);
/*
 * Take the per-file lock for owner for ttl_ms: 1 taken, 0 held (by
 * another owner, or already by this one), < 0 error. A journal ignores
 * ttl_ms: its locks are held by the handle until unlocked or closed,
 * which a process's death does, and may rarely say 0 for a free file
 * whose lock shares a hash with a held one.
 */
int	 tier_registry_lock(struct tier_registry *, const struct tier_key *,
	     const char *owner, uint32_t ttl_ms);
/* Release a lock taken by owner (a lock that expired is left alone). */
int	 tier_registry_unlock(struct tier_registry *, const struct tier_key *,
	     const char *owner);
/* Record the usage of the last complete walk (durable on return). */
int	 tier_registry_put_usage(struct tier_registry *,
	     const struct tier_usage *);
/* 0 and *u, EFSGW_ERR_NOT_FOUND (no walk recorded yet), or another code. */
int	 tier_registry_get_usage(struct tier_registry *, struct tier_usage *u);
/* Rewrite a journal with only its live records (no-op for Redis). */
int	 tier_registry_compact(struct tier_registry *);
/* Describe the last failure (borrowed). */
const char *tier_registry_error(const struct tier_registry *);

/* "hot", "moving", "cold-IA", "cold-archive". */
const char *tier_state_name(uint32_t);
/* The key as "MAJOR.MINOR.FILEID" into buf. */
const char *tier_key_string(const struct tier_key *, char *buf, size_t len);

/*
 * Record encoding shared by both stores: 0 or a negative code. The
 * decoder takes untrusted bytes (a journal from disk, a Redis reply).
 */
#define TIER_REC_ENCODED_MAX	(32 * 16 + TIER_LOCATION_MAX + TIER_FH_MAX + TIER_SUM_LEN)
int	 tier_rec_encode(const struct tier_rec *, uint8_t *buf, size_t len,
	     size_t *outlen);
int	 tier_rec_decode(const uint8_t *buf, size_t len, struct tier_rec *);
/* The same for a usage record: exactly TIER_USAGE_ENCODED_LEN bytes. */
#define TIER_USAGE_ENCODED_LEN	36
int	 tier_usage_encode(const struct tier_usage *, uint8_t *buf, size_t len,
	     size_t *outlen);
int	 tier_usage_decode(const uint8_t *buf, size_t len, struct tier_usage *);

/* registry-journal.c / registry-redis.c: the two stores. */
struct tier_store_ops {
	const char *name;
	int	(*get)(void *, const struct tier_key *, struct tier_rec *);
	int	(*put)(void *, const struct tier_rec *);
	int	(*del)(void *, const struct tier_key *);
	int	(*foreach)(void *, tier_registry_cb, void *);
	int	(*lock)(void *, const struct tier_key *, const char *, uint32_t);
	int	(*unlock)(void *, const struct tier_key *, const char *);
	int	(*compact)(void *);
	int	(*put_usage)(void *, const struct tier_usage *);
	int	(*get_usage)(void *, struct tier_usage *);
	const char *(*error)(void *);
	void	(*close)(void *);
};
extern const struct tier_store_ops tier_journal_ops;
extern const struct tier_store_ops tier_redis_ops;
int	 tier_journal_open(const char *path, void **storep, char **cause);
int	 tier_redis_open(const char *url, const char *ns, void **storep,
	     char **cause);
/* CRC-32C (Castagnoli) of buf, the journal's record checksum. */
uint32_t tier_crc32c(const void *buf, size_t len);

/* ------------------------------------------------------------ cold-copy.c */

/*
 * Archive copies (zstd) are frames of TIER_ZFRAME bytes of data each
 * (RFC 8878 §3.1.1; each with its content checksum), then one skippable
 * frame (RFC 8878 §3.1.2: magic TIER_ZSEEK_SKIPPABLE, its size) holding
 * the seek table: each data frame's compressed size, then the number of
 * frames, TIER_ZFRAME and TIER_ZSEEK_MAGIC, every field a little-endian
 * u32. A range of the file is read back by decompressing only the frames
 * that hold it; `zstd -d` still reads the whole copy (it skips the table).
 */
#define TIER_ZFRAME		(1024 * 1024)
/*
 * IA copies are the file's bytes as they are, followed by a table of the
 * SHA-256 of each TIER_ZFRAME bytes of data (32 bytes each), the number
 * of entries, TIER_ZFRAME and TIER_RAWSUM_MAGIC (little-endian u32s): a
 * range served from IA is checked chunk by chunk, as a recall checks the
 * whole file against the record's SHA-256.
 */
#define TIER_RAWSUM_MAGIC	0x41494745U	/* "EGIA" on disk */
#define TIER_ZSEEK_SKIPPABLE	0x184D2A5EU
#define TIER_ZSEEK_MAGIC	0x4B534745U	/* "EGSK" on disk */
#define TIER_ZSEEK_FOOTER	12
#define TIER_ZSEEK_MAXFRAMES	(1U << 24)	/* 16 TiB of data */

static inline void
le32_store(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t
le32_load(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* The pieces of a cold copy (its table, the chunk or frame last read). */
struct cold_copy {
	uint64_t	*start;		/* zstd: frame i's offset, nfr + 1 */
	uint8_t		*sums;		/* raw: SHA-256 of each chunk */
	uint32_t	 nfr;
	uint8_t		*zbuf;		/* zstd: a compressed frame */
	size_t		 zcap;
	uint8_t		*frame;		/* chunk or frame cur, checked */
	size_t		 framelen;
	int64_t		 cur;		/* -1: none */
};
/* Read exactly len bytes at off of the copy: 0 or a code (> 0: NFS). */
typedef int (*cold_pread_fn)(void *arg, uint64_t off, uint8_t *buf,
	     size_t len);
/*
 * Load the table of rec's copy (rec->stored bytes, read with pread):
 * 0, EFSGW_ERR_NOT_FOUND (no table: written before this layout), or
 * EFSGW_ERR_MISMATCH (the table does not account for exactly the copy
 * and the file). cc is cleared first.
 */
int	 cold_copy_open(struct cold_copy *, const struct tier_rec *rec,
	     cold_pread_fn, void *arg);
/*
 * count bytes at off of the file (after cold_copy_open) into out; *np
 * is less than count only at the end of the file. Every chunk or frame
 * used is checked. 0 or a code.
 */
int	 cold_copy_read(struct cold_copy *, const struct tier_rec *rec,
	     cold_pread_fn, void *arg, uint64_t off, uint32_t count,
	     uint8_t *out, uint32_t *np);
void	 cold_copy_clear(struct cold_copy *);

/* ------------------------------------------------------------ tiergw.c */

/*
 * Recall in the gateway (one worker thread per file system, its calls on
 * the worker's own connections). A data op's backend handle is checked:
 * cold files come back before the op runs.
 */
struct event_base;
struct tiergw;
struct tiergw_wait;
/*
 * status: 0 (go on) or NFS4ERR_DELAY (the recall failed; nothing lost).
 * data (len bytes, the callee frees it): the READ asked about was served
 * from the file's cold copy, which stays where it is.
 */
typedef void (*tiergw_cb)(void *arg, uint32_t status, uint8_t *data,
	     uint32_t len);
/* A READ that may be served from a cold copy instead of a recall. */
struct tiergw_read {
	uint64_t	 off;
	uint32_t	 count;
};
#define TIERGW_READ_MAX		(1024 * 1024)	/* bytes served at once */

/*
 * backend "host:port" (numeric), export path, tiers, registry URL;
 * serve_reads: no TransitionToPrimaryStorageClass, reads of cold files
 * are served from their copy (EFS's default) instead of recalling them.
 */
struct tiergw *tiergw_new(struct event_base *, const char *fs_id,
	     const char *backend, const char *export, const char *ia,
	     const char *archive, const char *registry, int zstd,
	     int serve_reads);
void	 tiergw_free(struct tiergw *);
/*
 * Check (and recall) the file of a backend handle; cb runs on the loop
 * once done. rd: the call's only data op is this READ, which may be
 * served from the cold copy (NULL: anything else). Calls for a handle
 * already being checked wait on the same job (a READ gets its own job).
 * Returns the wait (cancel it if the caller goes away) or NULL.
 */
struct tiergw_wait *tiergw_check(struct tiergw *, const uint8_t *fh,
	     size_t len, const struct tiergw_read *rd, tiergw_cb cb,
	     void *arg);
void	 tiergw_cancel(struct tiergw_wait *);
/*
 * Ask the worker to read the agent's StorageBytes from the registry, and
 * the last reading: 0 with *u and its number *gen (which grows with each
 * reading), or EFSGW_ERR_NOT_FOUND while there is none.
 */
void	 tiergw_storage_refresh(struct tiergw *);
int	 tiergw_storage(struct tiergw *, struct tier_usage *u, uint64_t *gen);
/* Prometheus lines (checks, recalls, failures, served reads) into buf. */
void	 tiergw_metrics(struct tiergw *, char *buf, size_t len);

#endif /* EFSGW_TIERING_H */
