/*
 * efsgw - the tier registry as a journal file: every change is appended
 * as one checksummed record and fsync'd before the call returns; each
 * process keeps the records in memory; compaction rewrites the live
 * records to a new file and renames it over the old one.
 *
 * File: "EFSGWTJ1" then records of
 *   u32 length  u32 type  payload[length]  u32 crc32c
 * where the CRC covers the two words and the payload, and the type is 1
 * (put: an encoded record), 2 (delete: the key) or 3 (usage: the agent's
 * last StorageBytes, the last one counting). A record cut short
 * or with a bad checksum at the very end is what a crash in the middle of
 * an append leaves: it is dropped and the file truncated to the records
 * before it. A bad record followed by more data is damage, not a crash,
 * and the journal is refused rather than silently losing what follows
 * (a lost "cold" record would leave a released file without its data).
 *
 * Shared by the processes of one host (the gateway's recall threads and
 * efsgw-tier): each operation takes FILE.lock with flock for its own
 * duration only, shared to read and exclusive to append or compact, and
 * first catches up with what the others appended since this handle last
 * looked (or, when a compaction replaced the file, which the inode of
 * the path tells, replays the new file from the start). A torn tail is
 * cut only under the exclusive lock: a reader takes it for the end.
 *
 * Per-file locks are open-file-description locks (F_OFD_SETLK) on one
 * byte of FILE.lock chosen by a hash of the file's key: they exclude
 * other processes and other handles, and go away with their holder
 * (killed or not), so they need no time to live. A hash collision only
 * makes a lock look busy, which callers take as "someone else has it".
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "xdrbuf.h"
#include "tiering.h"

#define JOURNAL_MAGIC		"EFSGWTJ1"
#define JOURNAL_MAGIC_LEN	8
#define JOURNAL_PUT		1
#define JOURNAL_DEL		2
#define JOURNAL_USAGE		3
#define JOURNAL_KEY_LEN		24
#define JOURNAL_FRAME_MAX	(TIER_REC_ENCODED_MAX + 12)
#define JOURNAL_COMPACT_MIN	1024	/* dead records before compaction */
#define JOURNAL_MODE		0660	/* the gateway's and agent's group */
#define JOURNAL_LOCK_SLOTS	(1u << 30)	/* bytes of FILE.lock used */

struct journal_node {
	struct tier_rec		 rec;
	struct journal_node	*next;
};

/* A per-file lock this handle holds. */
struct journal_held {
	struct tier_key		 key;
	off_t			 slot;
	struct journal_held	*next;
};

struct journal {
	char			*path;
	int			 fd;		/* the journal as last opened */
	int			 lockfd;	/* FILE.lock */
	dev_t			 dev;		/* of fd, to see that a */
	ino_t			 ino;		/* compaction replaced it */
	off_t			 size;		/* bytes replayed; 0: no magic */
	struct journal_node	**buckets;
	size_t			 nbuckets;
	size_t			 live;
	size_t			 dead;		/* superseded records in the file */
	struct tier_usage	 usage;		/* the last usage record */
	int			 has_usage;
	struct journal_held	*held;
	char			 err[256];
};

/* Hash a key. */
static size_t
journal_hash(const struct tier_key *k, size_t n)
{
	uint64_t h = k->fileid * 0x9e3779b97f4a7c15ull;

	h ^= k->fsid_major * 0xc2b2ae3d27d4eb4full;
	h ^= k->fsid_minor + (h << 6) + (h >> 2);
	return (size_t)(h ^ (h >> 29)) & (n - 1);
}

/* Do two keys name one file? */
static int
journal_key_eq(const struct tier_key *a, const struct tier_key *b)
{
	return a->fileid == b->fileid && a->fsid_major == b->fsid_major &&
	    a->fsid_minor == b->fsid_minor;
}

/* Find the slot pointing at k's node (or at the chain's NULL end). */
static struct journal_node **
journal_find(struct journal *j, const struct tier_key *k)
{
	struct journal_node **np = &j->buckets[journal_hash(k, j->nbuckets)];

	while (*np != NULL && !journal_key_eq(&(*np)->rec.key, k))
		np = &(*np)->next;
	return np;
}

/* Double the table. */
static void
journal_grow(struct journal *j)
{
	struct journal_node **old = j->buckets, *n, *next;
	size_t i, oldn = j->nbuckets;

	j->nbuckets = oldn * 2;
	j->buckets = xcalloc(j->nbuckets, sizeof *j->buckets);
	for (i = 0; i < oldn; i++) {
		for (n = old[i]; n != NULL; n = next) {
			next = n->next;
			n->next = j->buckets[journal_hash(&n->rec.key,
			    j->nbuckets)];
			j->buckets[journal_hash(&n->rec.key, j->nbuckets)] = n;
		}
	}
	free(old);
}

/* Apply a put to memory. */
static void
journal_mem_put(struct journal *j, const struct tier_rec *rec)
{
	struct journal_node **np = journal_find(j, &rec->key);

	if (*np != NULL) {
		(*np)->rec = *rec;
		j->dead++;
		return;
	}
	*np = xcalloc(1, sizeof **np);
	(*np)->rec = *rec;
	if (++j->live > j->nbuckets)
		journal_grow(j);
}

/* Apply a delete to memory. */
static void
journal_mem_del(struct journal *j, const struct tier_key *k)
{
	struct journal_node **np = journal_find(j, k), *n;

	j->dead++;
	if ((n = *np) == NULL)
		return;
	*np = n->next;
	free(n);
	j->live--;
	j->dead++;	/* the put it removes is dead too */
}

/* Free every node. */
static void
journal_mem_free(struct journal *j)
{
	struct journal_node *n, *next;
	size_t i;

	for (i = 0; i < j->nbuckets; i++) {
		for (n = j->buckets[i]; n != NULL; n = next) {
			next = n->next;
			free(n);
		}
	}
	free(j->buckets);
	j->buckets = NULL;
}

/* Forget what memory holds: the file is to be replayed from the start. */
static void
journal_mem_reset(struct journal *j)
{
	journal_mem_free(j);
	j->nbuckets = 64;
	j->buckets = xcalloc(j->nbuckets, sizeof *j->buckets);
	j->live = j->dead = 0;
	j->has_usage = 0;
	j->size = 0;
}

/* Apply a usage record to memory: it replaces the one before. */
static void
journal_mem_usage(struct journal *j, const struct tier_usage *u)
{
	if (j->has_usage)
		j->dead++;
	j->usage = *u;
	j->has_usage = 1;
}

/* Encode a key (24 bytes, big-endian). */
static void
journal_key_encode(const struct tier_key *k, uint8_t *p)
{
	xdrbuf_store_u32(p, (uint32_t)(k->fsid_major >> 32));
	xdrbuf_store_u32(p + 4, (uint32_t)k->fsid_major);
	xdrbuf_store_u32(p + 8, (uint32_t)(k->fsid_minor >> 32));
	xdrbuf_store_u32(p + 12, (uint32_t)k->fsid_minor);
	xdrbuf_store_u32(p + 16, (uint32_t)(k->fileid >> 32));
	xdrbuf_store_u32(p + 20, (uint32_t)k->fileid);
}

/* Decode a key (24 bytes). */
static void
journal_key_decode(const uint8_t *p, struct tier_key *k)
{
	k->fsid_major = (uint64_t)xdrbuf_load_u32(p) << 32 |
	    xdrbuf_load_u32(p + 4);
	k->fsid_minor = (uint64_t)xdrbuf_load_u32(p + 8) << 32 |
	    xdrbuf_load_u32(p + 12);
	k->fileid = (uint64_t)xdrbuf_load_u32(p + 16) << 32 |
	    xdrbuf_load_u32(p + 20);
}

/* Frame one record into buf (room for JOURNAL_FRAME_MAX). */
static size_t
journal_frame(uint8_t *buf, uint32_t type, const uint8_t *payload, size_t len)
{
	xdrbuf_store_u32(buf, (uint32_t)len);
	xdrbuf_store_u32(buf + 4, type);
	memcpy(buf + 8, payload, len);
	xdrbuf_store_u32(buf + 8 + len, tier_crc32c(buf, 8 + len));
	return 12 + len;
}

/* Write all of buf at the end (exclusive lock held); on failure cut back. */
static int
journal_append(struct journal *j, const uint8_t *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pwrite(j->fd, buf + done, len - done, j->size + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	if (fdatasync(j->fd) != 0)
		goto fail;
	j->size += (off_t)len;
	return 0;
fail:
	snprintf(j->err, sizeof j->err, "%s: append: %s", j->path,
	    strerror(errno != 0 ? errno : EIO));
	/* Leave no torn record behind for the next append to follow. */
	if (ftruncate(j->fd, j->size) != 0)
		log_warn("%s: cannot cut a failed append: %s", j->path,
		    strerror(errno));
	return EFSGW_ERR_SYSTEM;
}

/* Read exactly len bytes at off: 1 done, 0 short (end of file), -1 error. */
static int
journal_pread(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, (uint8_t *)buf + done, len - done,
		    off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		done += (size_t)n;
	}
	return 1;
}

/* A system call failed on the journal: say so in err. */
static int
journal_syserr(struct journal *j, const char *what)
{
	snprintf(j->err, sizeof j->err, "%s: %s: %s", j->path, what,
	    strerror(errno != 0 ? errno : EIO));
	return EFSGW_ERR_SYSTEM;
}

/* (Re)open the file at path; memory is replayed from its start. */
static int
journal_reopen(struct journal *j)
{
	struct stat st;
	int fd;

	if ((fd = open(j->path, O_RDWR | O_CREAT | O_CLOEXEC,
	    JOURNAL_MODE)) == -1)
		return journal_syserr(j, "open");
	if (fstat(fd, &st) != 0) {
		close(fd);
		return journal_syserr(j, "fstat");
	}
	if (j->fd != -1)
		close(j->fd);
	j->fd = fd;
	j->dev = st.st_dev;
	j->ino = st.st_ino;
	journal_mem_reset(j);
	return 0;
}

/*
 * Read what was appended since this handle last looked (the file lock
 * held; excl: exclusively). A file that is not the one we have open was
 * compacted by another process (or removed): it is replayed whole.
 */
static int
journal_catch_up(struct journal *j, int excl)
{
	uint8_t buf[JOURNAL_FRAME_MAX];
	struct tier_rec rec;
	struct tier_usage u;
	struct tier_key k;
	struct stat st;
	uint32_t len, type;
	off_t off;
	int r, torn = 0;

	if (stat(j->path, &st) != 0) {
		if (errno != ENOENT)
			return journal_syserr(j, "stat");
		st.st_dev = j->dev;
		st.st_ino = 0;	/* gone: open a new one */
	}
	if (j->fd == -1 || st.st_dev != j->dev || st.st_ino != j->ino) {
		if ((r = journal_reopen(j)) != 0)
			return r;
	}
	if (fstat(j->fd, &st) != 0)
		return journal_syserr(j, "fstat");
	if (st.st_size < j->size) {
		/* Cut below what was read: not the file we read. Again. */
		log_warn("%s: shorter (%lld bytes) than already read (%lld); "
		    "reading it again", j->path, (long long)st.st_size,
		    (long long)j->size);
		journal_mem_reset(j);
	}
	if (j->size == 0) {
		if (st.st_size < JOURNAL_MAGIC_LEN) {
			/* New, or a crash before the magic was synced. */
			if (!excl)
				return 0;	/* no records yet */
			if (ftruncate(j->fd, 0) != 0 || pwrite(j->fd,
			    JOURNAL_MAGIC, JOURNAL_MAGIC_LEN, 0) !=
			    JOURNAL_MAGIC_LEN || fsync(j->fd) != 0)
				return journal_syserr(j, "write");
			j->size = JOURNAL_MAGIC_LEN;
			return 0;
		}
		if ((r = journal_pread(j->fd, buf, JOURNAL_MAGIC_LEN, 0)) < 0)
			return journal_syserr(j, "read");
		if (r == 0 ||
		    memcmp(buf, JOURNAL_MAGIC, JOURNAL_MAGIC_LEN) != 0) {
			snprintf(j->err, sizeof j->err,
			    "%s: not a tier journal", j->path);
			return EFSGW_ERR_BAD_VALUE;
		}
		j->size = JOURNAL_MAGIC_LEN;
	}
	for (off = j->size; off < st.st_size; off = j->size) {
		if ((r = journal_pread(j->fd, buf, 8, off)) != 1) {
			if (r < 0)
				return journal_syserr(j, "read");
			torn = 1;
			break;
		}
		len = xdrbuf_load_u32(buf);
		type = xdrbuf_load_u32(buf + 4);
		if (len > TIER_REC_ENCODED_MAX || (type != JOURNAL_PUT &&
		    type != JOURNAL_DEL && type != JOURNAL_USAGE)) {
			torn = 1;
			break;
		}
		if ((r = journal_pread(j->fd, buf + 8, len + 4, off + 8)) != 1) {
			if (r < 0)
				return journal_syserr(j, "read");
			torn = 1;
			break;
		}
		if (tier_crc32c(buf, 8 + len) != xdrbuf_load_u32(buf + 8 + len)) {
			torn = 1;
			break;
		}
		if (type == JOURNAL_PUT) {
			if ((r = tier_rec_decode(buf + 8, len, &rec)) != 0) {
				snprintf(j->err, sizeof j->err, "%s: record at "
				    "%lld does not decode: %s", j->path,
				    (long long)off, efsgw_err(r));
				return r;
			}
			journal_mem_put(j, &rec);
		} else if (type == JOURNAL_USAGE) {
			if ((r = tier_usage_decode(buf + 8, len, &u)) != 0) {
				snprintf(j->err, sizeof j->err, "%s: usage at "
				    "%lld does not decode: %s", j->path,
				    (long long)off, efsgw_err(r));
				return r;
			}
			journal_mem_usage(j, &u);
		} else {
			if (len != JOURNAL_KEY_LEN) {
				snprintf(j->err, sizeof j->err,
				    "%s: bad delete at %lld", j->path,
				    (long long)off);
				return EFSGW_ERR_BAD_VALUE;
			}
			journal_key_decode(buf + 8, &k);
			journal_mem_del(j, &k);
		}
		j->size = off + 12 + (off_t)len;
	}
	if (!torn)
		return 0;
	/*
	 * Only the last record may be torn: one whole maximum-size record
	 * more would not fit in what follows.
	 */
	if (st.st_size - off > (off_t)JOURNAL_FRAME_MAX) {
		snprintf(j->err, sizeof j->err, "%s: damaged record at offset "
		    "%lld with %lld bytes after it; refusing to drop them "
		    "(restore the file or cut it there by hand)", j->path,
		    (long long)off, (long long)(st.st_size - off));
		return EFSGW_ERR_BAD_VALUE;
	}
	/*
	 * Appends are made under the exclusive lock, so a torn tail seen
	 * under either lock is a crashed writer's. A reader takes it for
	 * the end; a writer cuts it, so that its own record follows the
	 * last good one.
	 */
	if (!excl)
		return 0;
	log_warn("%s: dropping a torn last record at offset %lld (%lld "
	    "bytes; an append cut short by a crash)", j->path, (long long)off,
	    (long long)(st.st_size - off));
	if (ftruncate(j->fd, off) != 0 || fsync(j->fd) != 0)
		return journal_syserr(j, "truncate");
	return 0;
}

/* Take the file lock (LOCK_SH or LOCK_EX) and catch up. */
static int
journal_begin(struct journal *j, int how)
{
	int r;

	while (flock(j->lockfd, how) != 0) {
		if (errno != EINTR)
			return journal_syserr(j, "lock");
	}
	if ((r = journal_catch_up(j, how == LOCK_EX)) != 0)
		(void)flock(j->lockfd, LOCK_UN);
	return r;
}

/* Release the file lock. */
static void
journal_end(struct journal *j)
{
	(void)flock(j->lockfd, LOCK_UN);
}

/* Close the files and free the index (per-file locks go with lockfd). */
static void
journal_close(void *arg)
{
	struct journal *j = arg;
	struct journal_held *h;

	if (j == NULL)
		return;
	journal_mem_free(j);
	while ((h = j->held) != NULL) {
		j->held = h->next;
		free(h);
	}
	if (j->fd != -1)
		close(j->fd);
	if (j->lockfd != -1)
		close(j->lockfd);
	free(j->path);
	free(j);
}

/* Open (creating) and replay a journal. */
int
tier_journal_open(const char *path, void **storep, char **cause)
{
	struct journal *j;
	char *lockpath;
	int r;

	*storep = NULL;
	j = xcalloc(1, sizeof *j);
	j->path = xstrdup(path);
	j->fd = j->lockfd = -1;
	j->nbuckets = 64;
	j->buckets = xcalloc(j->nbuckets, sizeof *j->buckets);
	xasprintf(&lockpath, "%s.lock", path);
	j->lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, JOURNAL_MODE);
	free(lockpath);
	if (j->lockfd == -1) {
		xasprintf(cause, "%s.lock: %s", path, strerror(errno));
		r = EFSGW_ERR_SYSTEM;
		goto fail;
	}
	if ((r = journal_reopen(j)) != 0 ||
	    (r = journal_begin(j, LOCK_SH)) != 0) {
		xasprintf(cause, "%s", j->err);
		goto fail;
	}
	journal_end(j);
	*storep = j;
	return 0;
fail:
	journal_close(j);
	return r;
}

/* Look a record up. */
static int
journal_get(void *arg, const struct tier_key *k, struct tier_rec *rec)
{
	struct journal *j = arg;
	struct journal_node *n;
	int r;

	memset(rec, 0, sizeof *rec);
	if ((r = journal_begin(j, LOCK_SH)) != 0)
		return r;
	if ((n = *journal_find(j, k)) != NULL)
		*rec = n->rec;
	journal_end(j);
	return n != NULL ? 0 : EFSGW_ERR_NOT_FOUND;
}

static int journal_rewrite(struct journal *);

/* Compact once dead records outweigh live ones (exclusive lock held). */
static void
journal_maybe_compact(struct journal *j)
{
	if (j->dead < JOURNAL_COMPACT_MIN || j->dead < 2 * j->live)
		return;
	if (journal_rewrite(j) != 0)
		log_warn("%s: compaction failed (%s); the journal keeps growing",
		    j->path, j->err);
}

/* Append one framed record under the exclusive lock, then apply it. */
static int
journal_write(struct journal *j, uint32_t type, const uint8_t *payload,
    size_t len, const void *what)
{
	uint8_t buf[JOURNAL_FRAME_MAX];
	int r;

	if ((r = journal_begin(j, LOCK_EX)) != 0)
		return r;
	if (type == JOURNAL_DEL && *journal_find(j, what) == NULL) {
		journal_end(j);
		return 0;	/* nothing to delete */
	}
	len = journal_frame(buf, type, payload, len);
	if ((r = journal_append(j, buf, len)) == 0) {
		if (type == JOURNAL_PUT)
			journal_mem_put(j, what);
		else if (type == JOURNAL_USAGE)
			journal_mem_usage(j, what);
		else
			journal_mem_del(j, what);
		journal_maybe_compact(j);
	}
	journal_end(j);
	return r;
}

/* Append and sync a put. */
static int
journal_put(void *arg, const struct tier_rec *rec)
{
	struct journal *j = arg;
	uint8_t payload[TIER_REC_ENCODED_MAX];
	size_t len;
	int r;

	if ((r = tier_rec_encode(rec, payload, sizeof payload, &len)) != 0) {
		snprintf(j->err, sizeof j->err, "record does not encode: %s",
		    efsgw_err(r));
		return r;
	}
	return journal_write(j, JOURNAL_PUT, payload, len, rec);
}

/* Append and sync a delete. */
static int
journal_del(void *arg, const struct tier_key *k)
{
	uint8_t payload[JOURNAL_KEY_LEN];

	journal_key_encode(k, payload);
	return journal_write(arg, JOURNAL_DEL, payload, sizeof payload, k);
}

/* Append and sync a usage record. */
static int
journal_put_usage(void *arg, const struct tier_usage *u)
{
	struct journal *j = arg;
	uint8_t payload[TIER_USAGE_ENCODED_LEN];
	size_t len;
	int r;

	if ((r = tier_usage_encode(u, payload, sizeof payload, &len)) != 0) {
		snprintf(j->err, sizeof j->err, "usage does not encode: %s",
		    efsgw_err(r));
		return r;
	}
	return journal_write(j, JOURNAL_USAGE, payload, len, u);
}

/* The last usage record. */
static int
journal_get_usage(void *arg, struct tier_usage *u)
{
	struct journal *j = arg;
	int r;

	memset(u, 0, sizeof *u);
	if ((r = journal_begin(j, LOCK_SH)) != 0)
		return r;
	if (j->has_usage)
		*u = j->usage;
	journal_end(j);
	return j->has_usage ? 0 : EFSGW_ERR_NOT_FOUND;
}

/*
 * Walk the records: caught up under the shared lock, then walked in
 * memory without it, so that a slow callback holds up no writer. The
 * callback must not change the registry through this handle.
 */
static int
journal_foreach(void *arg, tier_registry_cb cb, void *cbarg)
{
	struct journal *j = arg;
	struct journal_node *n, *next;
	size_t i;
	int r;

	if ((r = journal_begin(j, LOCK_SH)) != 0)
		return r;
	journal_end(j);
	for (i = 0; i < j->nbuckets; i++) {
		for (n = j->buckets[i]; n != NULL; n = next) {
			next = n->next;
			if ((r = cb(&n->rec, cbarg)) != 0)
				return r;
		}
	}
	return 0;
}

/* The byte of FILE.lock that stands for k's lock. */
static off_t
journal_slot(const struct tier_key *k)
{
	uint64_t h = k->fileid;

	/* splitmix64's finaliser over the three words. */
	h ^= k->fsid_major * 0x9e3779b97f4a7c15ull;
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
	h ^= k->fsid_minor;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	h ^= h >> 31;
	return 1 + (off_t)(h % JOURNAL_LOCK_SLOTS);
}

/* Set or clear (F_WRLCK, F_UNLCK) one byte lock without waiting. */
static int
journal_ofd(struct journal *j, off_t slot, short type)
{
	struct flock fl;

	memset(&fl, 0, sizeof fl);
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = slot;
	fl.l_len = 1;
	while (fcntl(j->lockfd, F_OFD_SETLK, &fl) != 0) {
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EACCES)
			return 0;
		return journal_syserr(j, "lock a file");
	}
	return 1;
}

/*
 * Take a file's lock: 1, or 0 when another handle or process holds it
 * (or this handle holds it or a lock on the same byte). The time to live
 * is not needed: the lock goes when its holder's FILE.lock is closed,
 * at the latest when the holder dies.
 */
static int
journal_lock(void *arg, const struct tier_key *k, const char *owner,
    uint32_t ttl_ms)
{
	struct journal *j = arg;
	struct journal_held *h;
	off_t slot = journal_slot(k);
	int r;

	/* One handle's byte locks merge: it must not take one twice. */
	for (h = j->held; h != NULL; h = h->next) {
		if (h->slot == slot)
			return 0;
	}
	if ((r = journal_ofd(j, slot, F_WRLCK)) != 1)
		return r;
	h = xcalloc(1, sizeof *h);
	h->key = *k;
	h->slot = slot;
	h->next = j->held;
	j->held = h;
	return 1;
}

/* Release a lock this handle holds (another's is left alone). */
static int
journal_unlock(void *arg, const struct tier_key *k, const char *owner)
{
	struct journal *j = arg;
	struct journal_held **hp, *h;
	int r;

	for (hp = &j->held; *hp != NULL; hp = &(*hp)->next) {
		if (journal_key_eq(&(*hp)->key, k))
			break;
	}
	if ((h = *hp) == NULL)
		return 0;
	r = journal_ofd(j, h->slot, F_UNLCK);
	*hp = h->next;
	free(h);
	return r < 0 ? r : 0;
}

/*
 * Write the live records to path.compact with the journal's owner, group
 * and mode, sync, rename over path (exclusive lock held). Other handles
 * see the new inode at their next operation and replay it.
 */
static int
journal_rewrite(struct journal *j)
{
	uint8_t payload[TIER_REC_ENCODED_MAX], buf[JOURNAL_FRAME_MAX];
	struct journal_node *n;
	struct stat st;
	char *tmp, *dir, *dircopy;
	off_t off = JOURNAL_MAGIC_LEN;
	size_t i, len;
	int fd = -1, dfd, r = EFSGW_ERR_SYSTEM;

	errno = 0;
	xasprintf(&tmp, "%s.compact", j->path);
	if (fstat(j->fd, &st) != 0)
		goto out;
	/* A leftover of a compaction that died: not ours to trust. */
	if (unlink(tmp) != 0 && errno != ENOENT)
		goto out;
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, JOURNAL_MODE);
	if (fd == -1)
		goto out;
	/*
	 * The other processes must keep their access: a copy that cannot
	 * get the journal's owner and group is not put in its place.
	 */
	if ((st.st_uid != geteuid() || st.st_gid != getegid()) &&
	    fchown(fd, st.st_uid, st.st_gid) != 0)
		goto out;
	if (fchmod(fd, st.st_mode & 07777) != 0)
		goto out;
	if (pwrite(fd, JOURNAL_MAGIC, JOURNAL_MAGIC_LEN, 0) != JOURNAL_MAGIC_LEN)
		goto out;
	for (i = 0; i < j->nbuckets; i++) {
		for (n = j->buckets[i]; n != NULL; n = n->next) {
			if (tier_rec_encode(&n->rec, payload, sizeof payload,
			    &len) != 0)
				goto out;
			len = journal_frame(buf, JOURNAL_PUT, payload, len);
			if (pwrite(fd, buf, len, off) != (ssize_t)len)
				goto out;
			off += (off_t)len;
		}
	}
	if (j->has_usage) {
		if (tier_usage_encode(&j->usage, payload, sizeof payload,
		    &len) != 0)
			goto out;
		len = journal_frame(buf, JOURNAL_USAGE, payload, len);
		if (pwrite(fd, buf, len, off) != (ssize_t)len)
			goto out;
		off += (off_t)len;
	}
	if (fsync(fd) != 0 || fstat(fd, &st) != 0 || rename(tmp, j->path) != 0)
		goto out;
	/* Make the rename itself durable. */
	dircopy = xstrdup(j->path);
	dir = dirname(dircopy);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dircopy);
	close(j->fd);
	j->fd = fd;
	fd = -1;
	j->dev = st.st_dev;
	j->ino = st.st_ino;
	j->size = off;
	j->dead = 0;
	r = 0;
out:
	if (r != 0) {
		snprintf(j->err, sizeof j->err, "%s: compaction: %s", tmp,
		    strerror(errno != 0 ? errno : EIO));
		if (fd != -1)
			unlink(tmp);
	}
	if (fd != -1)
		close(fd);
	free(tmp);
	return r;
}

/* Compact now. */
static int
journal_compact(void *arg)
{
	struct journal *j = arg;
	int r;

	if ((r = journal_begin(j, LOCK_EX)) != 0)
		return r;
	r = journal_rewrite(j);
	journal_end(j);
	return r;
}

/* The last failure. */
static const char *
journal_error(void *arg)
{
	return ((struct journal *)arg)->err;
}

const struct tier_store_ops tier_journal_ops = {
	"journal", journal_get, journal_put, journal_del, journal_foreach,
	journal_lock, journal_unlock, journal_compact, journal_put_usage,
	journal_get_usage, journal_error, journal_close
};
