/*
 * efsgw - the tier registry as a journal file: every change is appended
 * as one checksummed record and fsync'd before the call returns; opening
 * replays the file into memory; compaction rewrites the live records to a
 * new file and renames it over the old one.
 *
 * File: "EFSGWTJ1" then records of
 *   u32 length  u32 type (1 put, 2 delete)  payload[length]  u32 crc32c
 * where the CRC covers the two words and the payload. A record cut short
 * or with a bad checksum at the very end is what a crash in the middle of
 * an append leaves: it is dropped and the file truncated to the records
 * before it. A bad record followed by more data is damage, not a crash,
 * and the journal is refused rather than silently losing what follows
 * (a lost "cold" record would leave a released file without its data).
 *
 * One process at a time: path.lock is flock'ed for the registry's life.
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
#define JOURNAL_KEY_LEN		24
#define JOURNAL_COMPACT_MIN	1024	/* dead records before compaction */

struct journal_node {
	struct tier_rec		 rec;
	struct journal_node	*next;
};

struct journal {
	char			*path;
	int			 fd;
	int			 lockfd;
	off_t			 size;		/* bytes of good records */
	struct journal_node	**buckets;
	size_t			 nbuckets;
	size_t			 live;
	size_t			 dead;		/* superseded records in the file */
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

/* Frame one record into buf (room for TIER_REC_ENCODED_MAX + 12). */
static size_t
journal_frame(uint8_t *buf, uint32_t type, const uint8_t *payload, size_t len)
{
	xdrbuf_store_u32(buf, (uint32_t)len);
	xdrbuf_store_u32(buf + 4, type);
	memcpy(buf + 8, payload, len);
	xdrbuf_store_u32(buf + 8 + len, tier_crc32c(buf, 8 + len));
	return 12 + len;
}

/* Write all of buf at the end; on failure cut the file back. */
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

/* Replay the file into memory. */
static int
journal_replay(struct journal *j, char **cause)
{
	uint8_t buf[TIER_REC_ENCODED_MAX + 12];
	struct tier_rec rec;
	struct tier_key k;
	struct stat st;
	uint32_t len, type;
	off_t off = JOURNAL_MAGIC_LEN;
	int r, torn = 0;

	if (fstat(j->fd, &st) != 0) {
		xasprintf(cause, "%s: %s", j->path, strerror(errno));
		return EFSGW_ERR_SYSTEM;
	}
	if (st.st_size < JOURNAL_MAGIC_LEN) {
		/* New, or a crash before the magic was synced. */
		if (ftruncate(j->fd, 0) != 0 ||
		    pwrite(j->fd, JOURNAL_MAGIC, JOURNAL_MAGIC_LEN, 0) !=
		    JOURNAL_MAGIC_LEN || fsync(j->fd) != 0) {
			xasprintf(cause, "%s: %s", j->path, strerror(errno));
			return EFSGW_ERR_SYSTEM;
		}
		j->size = JOURNAL_MAGIC_LEN;
		return 0;
	}
	if (journal_pread(j->fd, buf, JOURNAL_MAGIC_LEN, 0) != 1 ||
	    memcmp(buf, JOURNAL_MAGIC, JOURNAL_MAGIC_LEN) != 0) {
		xasprintf(cause, "%s: not a tier journal", j->path);
		return EFSGW_ERR_BAD_VALUE;
	}
	while (off < st.st_size) {
		if ((r = journal_pread(j->fd, buf, 8, off)) != 1) {
			if (r < 0)
				goto syserr;
			torn = 1;
			break;
		}
		len = xdrbuf_load_u32(buf);
		type = xdrbuf_load_u32(buf + 4);
		if (len > TIER_REC_ENCODED_MAX ||
		    (type != JOURNAL_PUT && type != JOURNAL_DEL)) {
			torn = 1;
			break;
		}
		if ((r = journal_pread(j->fd, buf + 8, len + 4, off + 8)) != 1) {
			if (r < 0)
				goto syserr;
			torn = 1;
			break;
		}
		if (tier_crc32c(buf, 8 + len) != xdrbuf_load_u32(buf + 8 + len)) {
			torn = 1;
			break;
		}
		if (type == JOURNAL_PUT) {
			if ((r = tier_rec_decode(buf + 8, len, &rec)) != 0) {
				xasprintf(cause, "%s: record at %lld does not "
				    "decode: %s", j->path, (long long)off,
				    efsgw_err(r));
				return r;
			}
			journal_mem_put(j, &rec);
		} else {
			if (len != JOURNAL_KEY_LEN) {
				xasprintf(cause, "%s: bad delete at %lld",
				    j->path, (long long)off);
				return EFSGW_ERR_BAD_VALUE;
			}
			journal_key_decode(buf + 8, &k);
			journal_mem_del(j, &k);
		}
		off += 12 + (off_t)len;
	}
	if (torn) {
		/*
		 * Only the last record may be torn: one whole maximum-size
		 * record more would not fit in what follows.
		 */
		if (st.st_size - off > (off_t)(TIER_REC_ENCODED_MAX + 12)) {
			xasprintf(cause, "%s: damaged record at offset %lld with "
			    "%lld bytes after it; refusing to drop them (restore "
			    "the file or cut it there by hand)", j->path,
			    (long long)off, (long long)(st.st_size - off));
			return EFSGW_ERR_BAD_VALUE;
		}
		log_warn("%s: dropping a torn last record at offset %lld "
		    "(%lld bytes; an append cut short by a crash)", j->path,
		    (long long)off, (long long)(st.st_size - off));
		if (ftruncate(j->fd, off) != 0 || fsync(j->fd) != 0)
			goto syserr;
	}
	j->size = off;
	return 0;
syserr:
	xasprintf(cause, "%s: %s", j->path, strerror(errno));
	return EFSGW_ERR_SYSTEM;
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

/* Close the files and free the index. */
static void
journal_close(void *arg)
{
	struct journal *j = arg;

	if (j == NULL)
		return;
	journal_mem_free(j);
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
	j->lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(lockpath);
	if (j->lockfd == -1) {
		xasprintf(cause, "%s.lock: %s", path, strerror(errno));
		r = EFSGW_ERR_SYSTEM;
		goto fail;
	}
	if (flock(j->lockfd, LOCK_EX | LOCK_NB) != 0) {
		xasprintf(cause, "%s: in use by another process (%s)", path,
		    strerror(errno));
		r = EFSGW_ERR_SYSTEM;
		goto fail;
	}
	j->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (j->fd == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		r = EFSGW_ERR_SYSTEM;
		goto fail;
	}
	if ((r = journal_replay(j, cause)) != 0)
		goto fail;
	*storep = j;
	return 0;
fail:
	journal_close(j);
	return r;
}

/* Look a record up in memory. */
static int
journal_get(void *arg, const struct tier_key *k, struct tier_rec *rec)
{
	struct journal *j = arg;
	struct journal_node *n = *journal_find(j, k);

	if (n == NULL) {
		memset(rec, 0, sizeof *rec);
		return EFSGW_ERR_NOT_FOUND;
	}
	*rec = n->rec;
	return 0;
}

static int journal_compact(void *);

/* Compact once dead records outweigh live ones. */
static void
journal_maybe_compact(struct journal *j)
{
	int r;

	if (j->dead < JOURNAL_COMPACT_MIN || j->dead < 2 * j->live)
		return;
	if ((r = journal_compact(j)) != 0)
		log_warn("%s: compaction failed (%s); the journal keeps growing",
		    j->path, j->err);
}

/* Append and sync a put, then apply it. */
static int
journal_put(void *arg, const struct tier_rec *rec)
{
	struct journal *j = arg;
	uint8_t payload[TIER_REC_ENCODED_MAX], buf[TIER_REC_ENCODED_MAX + 12];
	size_t len;
	int r;

	if ((r = tier_rec_encode(rec, payload, sizeof payload, &len)) != 0) {
		snprintf(j->err, sizeof j->err, "record does not encode: %s",
		    efsgw_err(r));
		return r;
	}
	len = journal_frame(buf, JOURNAL_PUT, payload, len);
	if ((r = journal_append(j, buf, len)) != 0)
		return r;
	journal_mem_put(j, rec);
	journal_maybe_compact(j);
	return 0;
}

/* Append and sync a delete, then apply it. */
static int
journal_del(void *arg, const struct tier_key *k)
{
	struct journal *j = arg;
	uint8_t payload[JOURNAL_KEY_LEN], buf[JOURNAL_KEY_LEN + 12];
	size_t len;
	int r;

	if (*journal_find(j, k) == NULL)
		return 0;
	journal_key_encode(k, payload);
	len = journal_frame(buf, JOURNAL_DEL, payload, sizeof payload);
	if ((r = journal_append(j, buf, len)) != 0)
		return r;
	journal_mem_del(j, k);
	journal_maybe_compact(j);
	return 0;
}

/* Walk the records in memory. */
static int
journal_foreach(void *arg, tier_registry_cb cb, void *cbarg)
{
	struct journal *j = arg;
	struct journal_node *n, *next;
	size_t i;
	int r;

	for (i = 0; i < j->nbuckets; i++) {
		for (n = j->buckets[i]; n != NULL; n = next) {
			next = n->next;
			if ((r = cb(&n->rec, cbarg)) != 0)
				return r;
		}
	}
	return 0;
}

/* The journal is exclusive to its process: always taken. */
static int
journal_lock(void *arg, const struct tier_key *k, const char *owner,
    uint32_t ttl_ms)
{
	return 1;
}

/* Nothing to release (see journal_lock). */
static int
journal_unlock(void *arg, const struct tier_key *k, const char *owner)
{
	return 0;
}

/* Write the live records to path.compact, sync, rename over path. */
static int
journal_compact(void *arg)
{
	struct journal *j = arg;
	uint8_t payload[TIER_REC_ENCODED_MAX], buf[TIER_REC_ENCODED_MAX + 12];
	struct journal_node *n;
	char *tmp, *dir, *dircopy;
	off_t off = JOURNAL_MAGIC_LEN;
	size_t i, len;
	int fd, dfd, r = EFSGW_ERR_SYSTEM;

	xasprintf(&tmp, "%s.compact", j->path);
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
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
	if (fsync(fd) != 0 || rename(tmp, j->path) != 0)
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
	j->size = off;
	j->dead = 0;
	r = 0;
out:
	if (r != 0) {
		snprintf(j->err, sizeof j->err, "%s: compaction: %s", tmp,
		    strerror(errno != 0 ? errno : EIO));
		unlink(tmp);
	}
	if (fd != -1)
		close(fd);
	free(tmp);
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
	journal_lock, journal_unlock, journal_compact, journal_error,
	journal_close
};
