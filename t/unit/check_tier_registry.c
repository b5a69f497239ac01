/*
 * efsgw - unit tests for the tier registry. The record decoder takes
 * untrusted bytes (a journal read back from disk, a Redis reply): every
 * truncation and bit flip of a valid record is refused or decodes to a
 * record that re-encodes to the same bytes. The journal survives what a
 * crash leaves (a torn last append is dropped) and refuses damage in the
 * middle rather than drop the records after it (a lost cold record would
 * strand a released file). Every store case runs on the journal and,
 * when EFSGW_TEST_REDIS names a server, on Redis. The journal is shared
 * by processes (the gateway's recall thread and efsgw-tier): forked
 * children write, compact and lock it while the test holds it open.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "tiering.h"

static char tmpdir[] = "/tmp/check_tier_registry.XXXXXX";
static char where[512];
static char ns[64];

/* A record with every field set. */
static void
sample(struct tier_rec *r, uint64_t fileid)
{
	size_t i;

	memset(r, 0, sizeof *r);
	r->key.fsid_major = 0x1122334455667788ull;
	r->key.fsid_minor = 0x99;
	r->key.fileid = fileid;
	r->state = TIER_COLD_ARCHIVE;
	r->target = TIER_CLASS_ARCHIVE;
	r->flags = TIER_REC_ZSTD;
	snprintf(r->location, sizeof r->location, "a/%llu.zst",
	    (unsigned long long)fileid);
	r->fhlen = 37;
	for (i = 0; i < r->fhlen; i++)
		r->fh[i] = (uint8_t)(0xa0 + i);
	r->size = 1048583;
	r->stored = 4242;
	for (i = 0; i < TIER_SUM_LEN; i++)
		r->sum[i] = (uint8_t)(i * 7 + fileid);
	r->change = 0xdeadbeef;
	r->mtime_sec = 1700000000;
	r->mtime_nsec = 123456789;
	r->last_access = 1690000000;
	r->updated = 1700000001;
}

/* Encode, decode, compare. */
START_TEST(test_encode_roundtrip)
{
	uint8_t buf[TIER_REC_ENCODED_MAX];
	struct tier_rec a, b;
	size_t len;

	sample(&a, 7);
	ck_assert_int_eq(tier_rec_encode(&a, buf, sizeof buf, &len), 0);
	ck_assert_int_eq(tier_rec_decode(buf, len, &b), 0);
	ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
	/* too small a buffer is an error, not an overflow */
	ck_assert_int_lt(tier_rec_encode(&a, buf, len - 1, &len), 0);
	/* a state out of range does not encode */
	a.state = 9;
	ck_assert_int_lt(tier_rec_encode(&a, buf, sizeof buf, &len), 0);
}
END_TEST

/* Every truncation fails; every bit flip fails or round-trips. */
START_TEST(test_decode_hostile)
{
	uint8_t buf[TIER_REC_ENCODED_MAX], flip[TIER_REC_ENCODED_MAX];
	uint8_t again[TIER_REC_ENCODED_MAX];
	struct tier_rec a, b;
	size_t len, n, i, alen;
	int bit;

	sample(&a, 3);
	ck_assert_int_eq(tier_rec_encode(&a, buf, sizeof buf, &len), 0);
	for (n = 0; n < len; n++)
		ck_assert_int_lt(tier_rec_decode(buf, n, &b), 0);
	memcpy(flip, buf, len);
	flip[len] = 0;
	ck_assert_int_lt(tier_rec_decode(flip, len + 1, &b), 0);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(flip, buf, len);
			flip[i] ^= (uint8_t)(1u << bit);
			if (tier_rec_decode(flip, len, &b) != 0)
				continue;
			ck_assert_int_eq(tier_rec_encode(&b, again,
			    sizeof again, &alen), 0);
			ck_assert_uint_eq(alen, len);
			ck_assert_int_eq(memcmp(again, flip, len), 0);
		}
	}
}
END_TEST

/* A usage record: encode, decode, every truncation and bit flip. */
START_TEST(test_usage_codec)
{
	uint8_t buf[TIER_USAGE_ENCODED_LEN + 1], flip[TIER_USAGE_ENCODED_LEN];
	uint8_t again[TIER_USAGE_ENCODED_LEN];
	struct tier_usage a, b;
	size_t len, n, i, alen;
	int bit;

	a.standard = 0x0102030405060708ull;
	a.ia = 4096;
	a.archive = 1;
	a.measured = 1700000000;
	ck_assert_int_eq(tier_usage_encode(&a, buf, sizeof buf, &len), 0);
	ck_assert_uint_eq(len, TIER_USAGE_ENCODED_LEN);
	ck_assert_int_eq(tier_usage_decode(buf, len, &b), 0);
	ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
	ck_assert_int_lt(tier_usage_encode(&a, buf, len - 1, &alen), 0);
	for (n = 0; n < len; n++)
		ck_assert_int_lt(tier_usage_decode(buf, n, &b), 0);
	buf[len] = 0;
	ck_assert_int_lt(tier_usage_decode(buf, len + 1, &b), 0);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(flip, buf, len);
			flip[i] ^= (uint8_t)(1u << bit);
			if (tier_usage_decode(flip, len, &b) != 0)
				continue;
			ck_assert_int_eq(tier_usage_encode(&b, again,
			    sizeof again, &alen), 0);
			ck_assert_uint_eq(alen, len);
			ck_assert_int_eq(memcmp(again, flip, len), 0);
		}
	}
	/* classes that add up past 2^64 bytes are not a measurement */
	a.standard = a.ia = UINT64_MAX / 2 + 1;
	ck_assert_int_lt(tier_usage_encode(&a, buf, sizeof buf, &len), 0);
	/* nor is a time before the epoch */
	a.standard = a.ia = 0;
	a.measured = -1;
	ck_assert_int_lt(tier_usage_encode(&a, buf, sizeof buf, &len), 0);
}
END_TEST

/* Open the store under test. */
static struct tier_registry *
open_reg(void)
{
	struct tier_registry *reg;
	char *cause = NULL;
	int r;

	r = tier_registry_open(where, ns, &reg, &cause);
	ck_assert_msg(r == 0, "open %s: %s", where, cause);
	return reg;
}

static int
count_cb(const struct tier_rec *rec, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

/* Put, get, replace, delete, walk; state survives a reopen. */
START_TEST(test_store_basic)
{
	struct tier_registry *reg;
	struct tier_rec a, b;
	int i, n = 0;

	reg = open_reg();
	sample(&a, 1);
	ck_assert_int_eq(tier_registry_get(reg, &a.key, &b),
	    EFSGW_ERR_NOT_FOUND);
	for (i = 1; i <= 100; i++) {
		sample(&a, (uint64_t)i);
		a.state = (uint32_t)(i % 4);
		ck_assert_int_eq(tier_registry_put(reg, &a), 0);
	}
	sample(&a, 5);
	a.state = TIER_HOT;
	a.last_access = 5;
	ck_assert_int_eq(tier_registry_put(reg, &a), 0);
	sample(&a, 6);
	ck_assert_int_eq(tier_registry_del(reg, &a.key), 0);
	ck_assert_int_eq(tier_registry_del(reg, &a.key), 0);
	tier_registry_close(reg);

	reg = open_reg();
	sample(&a, 5);
	ck_assert_int_eq(tier_registry_get(reg, &a.key, &b), 0);
	ck_assert_uint_eq(b.state, TIER_HOT);
	ck_assert_int_eq(b.last_access, 5);
	sample(&a, 6);
	ck_assert_int_eq(tier_registry_get(reg, &a.key, &b),
	    EFSGW_ERR_NOT_FOUND);
	sample(&a, 99);
	ck_assert_int_eq(tier_registry_get(reg, &a.key, &b), 0);
	a.state = 99 % 4;
	ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
	ck_assert_int_eq(tier_registry_foreach(reg, count_cb, &n), 0);
	ck_assert_int_eq(n, 99);
	tier_registry_close(reg);
}
END_TEST

/*
 * Two owners cannot hold one file's lock, in either store: two opens of
 * one journal are two owners, as two processes are.
 */
START_TEST(test_store_lock)
{
	struct tier_registry *reg, *reg2;
	struct tier_key k = { 1, 2, 3 }, k2 = { 1, 2, 4 };

	reg = open_reg();
	reg2 = open_reg();
	ck_assert_int_eq(tier_registry_lock(reg, &k, "w1", 60000), 1);
	/* held, even by its own owner (SET NX semantics) */
	ck_assert_int_eq(tier_registry_lock(reg, &k, "w1", 60000), 0);
	ck_assert_int_eq(tier_registry_lock(reg2, &k, "w2", 60000), 0);
	/* another file's lock is free */
	ck_assert_int_eq(tier_registry_lock(reg2, &k2, "w2", 60000), 1);
	/* w2 cannot release w1's lock */
	ck_assert_int_eq(tier_registry_unlock(reg2, &k, "w2"), 0);
	ck_assert_int_eq(tier_registry_lock(reg2, &k, "w2", 60000), 0);
	ck_assert_int_eq(tier_registry_unlock(reg, &k, "w1"), 0);
	ck_assert_int_eq(tier_registry_lock(reg2, &k, "w2", 60000), 1);
	/* records stay readable and writable by both meanwhile */
	{
		struct tier_rec a, b;

		sample(&a, 77);
		ck_assert_int_eq(tier_registry_put(reg, &a), 0);
		ck_assert_int_eq(tier_registry_get(reg2, &a.key, &b), 0);
		ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
		ck_assert_int_eq(tier_registry_del(reg2, &a.key), 0);
		ck_assert_int_eq(tier_registry_get(reg, &a.key, &b),
		    EFSGW_ERR_NOT_FOUND);
	}
	tier_registry_unlock(reg2, &k, "w2");
	tier_registry_unlock(reg2, &k2, "w2");
	tier_registry_close(reg2);
	tier_registry_close(reg);
}
END_TEST

/* The last usage recorded is the one read back, by any handle. */
START_TEST(test_store_usage)
{
	struct tier_registry *reg, *reg2;
	struct tier_usage a, b;

	reg = open_reg();
	reg2 = open_reg();
	ck_assert_int_eq(tier_registry_get_usage(reg, &b), EFSGW_ERR_NOT_FOUND);
	a.standard = 1000;
	a.ia = 2000;
	a.archive = 3000;
	a.measured = 1700000000;
	ck_assert_int_eq(tier_registry_put_usage(reg, &a), 0);
	ck_assert_int_eq(tier_registry_get_usage(reg2, &b), 0);
	ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
	a.standard = 42;
	a.measured++;
	ck_assert_int_eq(tier_registry_put_usage(reg2, &a), 0);
	ck_assert_int_eq(tier_registry_get_usage(reg, &b), 0);
	ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
	tier_registry_close(reg2);
	tier_registry_close(reg);
	reg = open_reg();
	ck_assert_int_eq(tier_registry_get_usage(reg, &b), 0);
	ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
	tier_registry_close(reg);
}
END_TEST

/* Journal path of this test. */
static void
journal_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

/* Append raw bytes to a file. */
static void
append_bytes(const char *path, const void *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, len), (ssize_t)len);
	close(fd);
}

static off_t
file_size(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_size;
}

/*
 * A crash in the middle of an append leaves part of a record: every cut
 * of the last record reopens with the records before it and nothing else.
 */
START_TEST(test_journal_torn_tail)
{
	struct tier_registry *reg;
	struct tier_rec a, b;
	char path[600], *cause = NULL;
	off_t before, after, cut;
	int fd;

	journal_path(path, sizeof path, "torn.journal");
	ck_assert_int_eq(tier_registry_open(path, ns, &reg, &cause), 0);
	sample(&a, 1);
	ck_assert_int_eq(tier_registry_put(reg, &a), 0);
	tier_registry_close(reg);
	before = file_size(path);
	ck_assert_int_eq(tier_registry_open(path, ns, &reg, &cause), 0);
	sample(&a, 2);
	ck_assert_int_eq(tier_registry_put(reg, &a), 0);
	tier_registry_close(reg);
	after = file_size(path);
	for (cut = before; cut < after; cut++) {
		fd = open(path, O_WRONLY);
		ck_assert_int_eq(ftruncate(fd, cut), 0);
		close(fd);
		ck_assert_int_eq(tier_registry_open(path, ns, &reg, &cause), 0);
		sample(&a, 1);
		ck_assert_int_eq(tier_registry_get(reg, &a.key, &b), 0);
		sample(&a, 2);
		ck_assert_int_eq(tier_registry_get(reg, &a.key, &b),
		    EFSGW_ERR_NOT_FOUND);
		/* a reader takes the torn tail for the end; a writer cuts */
		ck_assert_int_eq(file_size(path), cut);
		/* and it appends cleanly after the cut */
		ck_assert_int_eq(tier_registry_put(reg, &a), 0);
		tier_registry_close(reg);
		ck_assert_int_eq(tier_registry_open(path, ns, &reg, &cause), 0);
		ck_assert_int_eq(tier_registry_get(reg, &a.key, &b), 0);
		tier_registry_close(reg);
		/* put the file back to the state "2 written" for the next cut */
	}
	/* A flipped checksum in the last record is a torn record too. */
	fd = open(path, O_RDWR);
	after = file_size(path);
	{
		uint8_t byte;
		ck_assert_int_eq(pread(fd, &byte, 1, after - 1), 1);
		byte ^= 0x40;
		ck_assert_int_eq(pwrite(fd, &byte, 1, after - 1), 1);
	}
	close(fd);
	ck_assert_int_eq(tier_registry_open(path, ns, &reg, &cause), 0);
	sample(&a, 2);
	ck_assert_int_eq(tier_registry_get(reg, &a.key, &b),
	    EFSGW_ERR_NOT_FOUND);
	tier_registry_close(reg);
}
END_TEST

/* Damage with records after it is refused, not silently dropped. */
START_TEST(test_journal_damage)
{
	struct tier_registry *reg;
	struct tier_rec a;
	char path[600], *cause = NULL;
	uint8_t byte;
	int fd, i;

	journal_path(path, sizeof path, "damage.journal");
	ck_assert_int_eq(tier_registry_open(path, ns, &reg, &cause), 0);
	for (i = 0; i < 10; i++) {
		sample(&a, (uint64_t)i);
		ck_assert_int_eq(tier_registry_put(reg, &a), 0);
	}
	tier_registry_close(reg);
	fd = open(path, O_RDWR);
	ck_assert_int_eq(pread(fd, &byte, 1, 40), 1);
	byte ^= 1;
	ck_assert_int_eq(pwrite(fd, &byte, 1, 40), 1);
	close(fd);
	ck_assert_int_lt(tier_registry_open(path, ns, &reg, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "damaged"));
	free(cause);
	/* Not a journal at all. */
	journal_path(path, sizeof path, "notajournal");
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_eq(write(fd, "hello world\n", 12), 12);
	close(fd);
	ck_assert_int_lt(tier_registry_open(path, ns, &reg, &cause), 0);
	free(cause);
	append_bytes(path, "", 0);
}
END_TEST

/*
 * Many rewrites compact the file; the live records are all still there,
 * and so is the last usage record.
 */
START_TEST(test_journal_compaction)
{
	struct tier_registry *reg;
	struct tier_rec a, b;
	struct tier_usage u, v;
	char path[600], *cause = NULL;
	int i, n = 0;

	journal_path(path, sizeof path, "compact.journal");
	ck_assert_int_eq(tier_registry_open(path, ns, &reg, &cause), 0);
	for (i = 0; i < 5000; i++) {
		sample(&a, (uint64_t)(i % 10));
		a.last_access = i;
		ck_assert_int_eq(tier_registry_put(reg, &a), 0);
		/* a usage record now and then; the last one is kept */
		if (i % 100 == 0) {
			u.standard = (uint64_t)i;
			u.ia = u.archive = 7;
			u.measured = i;
			ck_assert_int_eq(tier_registry_put_usage(reg, &u), 0);
		}
	}
	tier_registry_close(reg);
	/* 5000 records of ~400 bytes would be 2 MB without compaction */
	ck_assert_int_lt(file_size(path), 1100 * 400);
	ck_assert_int_eq(tier_registry_open(path, ns, &reg, &cause), 0);
	ck_assert_int_eq(tier_registry_foreach(reg, count_cb, &n), 0);
	ck_assert_int_eq(n, 10);
	sample(&a, 9);
	ck_assert_int_eq(tier_registry_get(reg, &a.key, &b), 0);
	ck_assert_int_eq(b.last_access, 4999);
	ck_assert_int_eq(tier_registry_get_usage(reg, &v), 0);
	ck_assert_int_eq(memcmp(&u, &v, sizeof u), 0);
	ck_assert_int_eq(tier_registry_compact(reg), 0);
	tier_registry_close(reg);
	ck_assert_int_eq(tier_registry_open(path, ns, &reg, &cause), 0);
	ck_assert_int_eq(tier_registry_get(reg, &a.key, &b), 0);
	ck_assert_int_eq(b.last_access, 4999);
	ck_assert_int_eq(tier_registry_get_usage(reg, &v), 0);
	ck_assert_int_eq(memcmp(&u, &v, sizeof u), 0);
	tier_registry_close(reg);
}
END_TEST

/* -------------------------------------------- two processes, one journal */

/* A child's half of a test: 0 when every step held, else the step. */
typedef int (*child_fn)(const char *path, int in, int out);

/* Fork a child running fn; *to and *from are pipes to and from it. */
static pid_t
child_start(child_fn fn, const char *path, int *to, int *from)
{
	int a[2], b[2];
	pid_t pid;

	ck_assert_int_eq(pipe(a), 0);
	ck_assert_int_eq(pipe(b), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(a[1]);
		close(b[0]);
		_exit(fn(path, a[0], b[1]));
	}
	close(a[0]);
	close(b[1]);
	*to = a[1];
	*from = b[0];
	return pid;
}

/* One byte each way: the two processes take turns. */
static void
tell(int fd, char c)
{
	ck_assert_int_eq(write(fd, &c, 1), 1);
}

static int
hear(int fd)
{
	char c;

	return read(fd, &c, 1) == 1 ? c : -1;
}

/* The child's exit status, or 128 + the signal that ended it. */
static int
child_status(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#define SHARED_N	200

/* Odd records, each put after the parent's even one, which it sees. */
static int
child_interleave(const char *path, int in, int out)
{
	struct tier_registry *reg;
	struct tier_rec a, b;
	char *cause = NULL;
	int i, n = 0;

	if (tier_registry_open(path, ns, &reg, &cause) != 0)
		return 1;
	for (i = 0; i < SHARED_N; i++) {
		if (hear(in) != 'p')
			return 2;
		sample(&a, 2 * (uint64_t)i);
		if (tier_registry_get(reg, &a.key, &b) != 0 ||
		    memcmp(&a, &b, sizeof a) != 0)
			return 3;
		sample(&a, 2 * (uint64_t)i + 1);
		if (tier_registry_put(reg, &a) != 0)
			return 4;
		if (write(out, "c", 1) != 1)
			return 5;
	}
	if (tier_registry_foreach(reg, count_cb, &n) != 0 || n != 2 * SHARED_N)
		return 6;
	tier_registry_close(reg);
	return 0;
}

/* Interleaved puts of two processes are all seen by both. */
START_TEST(test_journal_two_processes)
{
	struct tier_registry *reg;
	struct tier_rec a, b;
	char path[600], *cause = NULL;
	int i, n = 0, to, from;
	pid_t pid;

	journal_path(path, sizeof path, "shared.journal");
	ck_assert_int_eq(tier_registry_open(path, ns, &reg, &cause), 0);
	pid = child_start(child_interleave, path, &to, &from);
	for (i = 0; i < SHARED_N; i++) {
		sample(&a, 2 * (uint64_t)i);
		ck_assert_int_eq(tier_registry_put(reg, &a), 0);
		tell(to, 'p');
		ck_assert_int_eq(hear(from), 'c');
		sample(&a, 2 * (uint64_t)i + 1);
		ck_assert_int_eq(tier_registry_get(reg, &a.key, &b), 0);
		ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
	}
	ck_assert_int_eq(child_status(pid), 0);
	ck_assert_int_eq(tier_registry_foreach(reg, count_cb, &n), 0);
	ck_assert_int_eq(n, 2 * SHARED_N);
	close(to);
	close(from);
	tier_registry_close(reg);
}
END_TEST

/* Enough rewrites to compact several times, a delete, a compaction. */
static int
child_compact(const char *path, int in, int out)
{
	struct tier_registry *reg;
	struct tier_rec a;
	char *cause = NULL;
	int i;

	if (tier_registry_open(path, ns, &reg, &cause) != 0)
		return 1;
	for (i = 0; i < 5000; i++) {
		sample(&a, (uint64_t)(i % 10));
		a.last_access = i;
		if (tier_registry_put(reg, &a) != 0)
			return 2;
	}
	sample(&a, 9);
	if (tier_registry_del(reg, &a.key) != 0)
		return 3;
	if (tier_registry_compact(reg) != 0)
		return 4;
	tier_registry_close(reg);
	return 0;
}

/*
 * The other process compacts (renames a new file over the journal) while
 * this one holds it open: this one reads the new file, and what it
 * writes afterwards lands in the new file, not in the unlinked old one.
 */
START_TEST(test_journal_compacted_by_other)
{
	struct tier_registry *reg, *reg2;
	struct tier_rec a, b;
	struct stat before, after;
	char path[600], *cause = NULL;
	int n = 0, to, from;
	pid_t pid;

	journal_path(path, sizeof path, "shared-compact.journal");
	ck_assert_int_eq(tier_registry_open(path, ns, &reg, &cause), 0);
	sample(&a, 100);
	ck_assert_int_eq(tier_registry_put(reg, &a), 0);
	ck_assert_int_eq(stat(path, &before), 0);
	pid = child_start(child_compact, path, &to, &from);
	ck_assert_int_eq(child_status(pid), 0);
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert_msg(before.st_ino != after.st_ino, "the child compacted");
	ck_assert_int_lt(after.st_size, 1100 * 400);
	sample(&a, 5);
	ck_assert_int_eq(tier_registry_get(reg, &a.key, &b), 0);
	ck_assert_int_eq(b.last_access, 4995);
	sample(&a, 9);
	ck_assert_int_eq(tier_registry_get(reg, &a.key, &b),
	    EFSGW_ERR_NOT_FOUND);
	sample(&a, 100);
	ck_assert_int_eq(tier_registry_get(reg, &a.key, &b), 0);
	ck_assert_int_eq(tier_registry_foreach(reg, count_cb, &n), 0);
	ck_assert_int_eq(n, 10);
	sample(&a, 200);
	ck_assert_int_eq(tier_registry_put(reg, &a), 0);
	ck_assert_int_eq(tier_registry_open(path, ns, &reg2, &cause), 0);
	ck_assert_int_eq(tier_registry_get(reg2, &a.key, &b), 0);
	n = 0;
	ck_assert_int_eq(tier_registry_foreach(reg2, count_cb, &n), 0);
	ck_assert_int_eq(n, 11);
	tier_registry_close(reg2);
	close(to);
	close(from);
	tier_registry_close(reg);
}
END_TEST

/* Take one lock the parent holds (refused) and one free one; then wait. */
static int
child_lock(const char *path, int in, int out)
{
	struct tier_registry *reg;
	struct tier_key k = { 1, 2, 3 }, k2 = { 1, 2, 4 };
	char *cause = NULL;

	if (tier_registry_open(path, ns, &reg, &cause) != 0)
		return 1;
	if (tier_registry_lock(reg, &k, "child", 1000) != 0)
		return 2;
	if (tier_registry_lock(reg, &k2, "child", 1000) != 1)
		return 3;
	if (write(out, "l", 1) != 1)
		return 4;
	/* Killed here, or told to exit without unlocking. */
	(void)hear(in);
	return 0;
}

/*
 * Per-file locks exclude between processes, and a lock goes with its
 * holder: killed or exited without unlocking, the lock is free again.
 */
START_TEST(test_journal_lock_processes)
{
	struct tier_registry *reg;
	struct tier_key k = { 1, 2, 3 }, k2 = { 1, 2, 4 };
	char path[600], *cause = NULL;
	int to, from;
	pid_t pid;

	journal_path(path, sizeof path, "lock.journal");
	ck_assert_int_eq(tier_registry_open(path, ns, &reg, &cause), 0);
	ck_assert_int_eq(tier_registry_lock(reg, &k, "parent", 1000), 1);
	/* killed while holding k2 */
	pid = child_start(child_lock, path, &to, &from);
	ck_assert_int_eq(hear(from), 'l');
	ck_assert_int_eq(tier_registry_lock(reg, &k2, "parent", 1000), 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(child_status(pid), 128 + SIGKILL);
	close(to);
	close(from);
	ck_assert_int_eq(tier_registry_lock(reg, &k2, "parent", 1000), 1);
	ck_assert_int_eq(tier_registry_unlock(reg, &k2, "parent"), 0);
	/* exits without unlocking */
	pid = child_start(child_lock, path, &to, &from);
	ck_assert_int_eq(hear(from), 'l');
	ck_assert_int_eq(tier_registry_lock(reg, &k2, "parent", 1000), 0);
	tell(to, 'x');
	ck_assert_int_eq(child_status(pid), 0);
	close(to);
	close(from);
	ck_assert_int_eq(tier_registry_lock(reg, &k2, "parent", 1000), 1);
	tier_registry_unlock(reg, &k2, "parent");
	tier_registry_unlock(reg, &k, "parent");
	tier_registry_close(reg);
}
END_TEST

/*
 * The journal and its lock file are made 0660 (less what the umask
 * takes), so that the gateway and efsgw-tier can share them through a
 * group; a compaction keeps the journal's owner, group and mode.
 */
START_TEST(test_journal_mode)
{
	struct tier_registry *reg;
	struct tier_rec a;
	struct stat st;
	char path[600], lockpath[640], *cause = NULL;
	mode_t old;

	journal_path(path, sizeof path, "mode.journal");
	snprintf(lockpath, sizeof lockpath, "%s.lock", path);
	old = umask(0);
	ck_assert_int_eq(tier_registry_open(path, ns, &reg, &cause), 0);
	umask(old);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0660);
	ck_assert_int_eq(stat(lockpath, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0660);
	ck_assert_int_eq(chmod(path, 0640), 0);
	sample(&a, 1);
	ck_assert_int_eq(tier_registry_put(reg, &a), 0);
	ck_assert_int_eq(tier_registry_compact(reg), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	tier_registry_close(reg);
}
END_TEST

/* Bad registry names are refused with a cause. */
START_TEST(test_open_errors)
{
	struct tier_registry *reg;
	char *cause = NULL;

	ck_assert_int_lt(tier_registry_open("relative/path", "fs", &reg,
	    &cause), 0);
	free(cause);
	ck_assert_int_lt(tier_registry_open("/nonexistent-dir/x/y", "fs", &reg,
	    &cause), 0);
	free(cause);
	ck_assert_int_lt(tier_registry_open("redis://127.0.0.1:1", "fs", &reg,
	    &cause), 0);
	free(cause);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tier_registry");
	TCase *codec = tcase_create("codec"), *store = tcase_create("store");
	TCase *journal = tcase_create("journal");
	const char *redis = getenv("EFSGW_TEST_REDIS");
	SRunner *sr;
	int failed;

	/* torn-record warnings are expected here */
	log_init("check_tier_registry", 0, LOG_LEVEL_ERROR);
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	snprintf(ns, sizeof ns, "fs-test%ld", (long)getpid());
	if (redis != NULL && *redis != '\0')
		snprintf(where, sizeof where, "%s", redis);
	else
		snprintf(where, sizeof where, "%s/store.journal", tmpdir);
	tcase_add_test(codec, test_encode_roundtrip);
	tcase_add_test(codec, test_decode_hostile);
	tcase_add_test(codec, test_usage_codec);
	tcase_add_test(codec, test_open_errors);
	tcase_add_test(store, test_store_basic);
	tcase_add_test(store, test_store_lock);
	tcase_add_test(store, test_store_usage);
	tcase_add_test(journal, test_journal_torn_tail);
	tcase_add_test(journal, test_journal_damage);
	tcase_add_test(journal, test_journal_compaction);
	tcase_add_test(journal, test_journal_two_processes);
	tcase_add_test(journal, test_journal_compacted_by_other);
	tcase_add_test(journal, test_journal_lock_processes);
	tcase_add_test(journal, test_journal_mode);
	tcase_set_timeout(journal, 120);
	suite_add_tcase(s, codec);
	suite_add_tcase(s, store);
	suite_add_tcase(s, journal);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (getenv("EFSGW_TEST_KEEP") == NULL) {
		char cmd[600];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			failed++;
	}
	return failed == 0 ? 0 : 1;
}
