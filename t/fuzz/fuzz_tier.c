/*
 * efsgw - libFuzzer target for the tiering parsers: a registry record
 * comes back from disk (the journal) or from Redis, and a lifecycle
 * configuration is an operator's JSON file; none may end the process.
 *
 * Byte 0 chooses:
 *   0: tier_rec_decode() and tier_usage_decode(); what decodes
 *      re-encodes to the very same bytes (one encoding per record: no
 *      slack for smuggling), and a usage's classes add up;
 *   1: lifecycle_parse(); an accepted configuration obeys EFS's rules
 *      (Archive later than IA, only EFS's day values) and prints back to
 *      JSON that parses to the same configuration;
 *   2: the rest is a journal file (puts, deletes, usage records): replay
 *      never fails but with a cause, and what it keeps can be walked,
 *      read and compacted.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "tiering.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
fuzz_tier_count(const struct tier_rec *rec, void *arg)
{
	(*(size_t *)arg)++;
	if (rec->state > TIER_STATE_MAX)
		abort();
	return 0;
}

/* Decode, re-encode, compare: as a file's record and as a usage record. */
static void
fuzz_tier_record(const uint8_t *p, size_t len)
{
	uint8_t again[TIER_REC_ENCODED_MAX];
	struct tier_rec rec;
	struct tier_usage u;
	size_t n;

	if (tier_usage_decode(p, len, &u) == 0) {
		if (tier_usage_encode(&u, again, sizeof again, &n) != 0 ||
		    n != len || memcmp(again, p, len) != 0 ||
		    u.ia > UINT64_MAX - u.standard || u.measured < 0)
			abort();
	}
	if (tier_rec_decode(p, len, &rec) != 0)
		return;
	if (tier_rec_encode(&rec, again, sizeof again, &n) != 0 || n != len ||
	    memcmp(again, p, len) != 0)
		abort();
}

/* Parse, check the rules, print, parse again. */
static void
fuzz_tier_lifecycle(const uint8_t *p, size_t len)
{
	struct lifecycle lc, back;
	char *cause = NULL, *json;

	lifecycle_defaults(&lc);
	if (lifecycle_parse((const char *)p, len, "fs-0123456789abcdef0", &lc,
	    &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		return;
	}
	if (lc.archive_days != 0 && lc.ia_days >= lc.archive_days)
		abort();
	if (lc.ia_days != 0 && lifecycle_days("AFTER_1_DAY") == 0)
		abort();
	json = lifecycle_json(&lc);
	lifecycle_defaults(&back);
	back.min_size = lc.min_size;
	if (lifecycle_parse(json, strlen(json), NULL, &back, &cause) != 0 ||
	    memcmp(&lc, &back, sizeof lc) != 0)
		abort();
	free(json);
}

/* Replay bytes as a journal. */
static void
fuzz_tier_journal(const uint8_t *p, size_t len)
{
	static char path[64];
	struct tier_registry *reg;
	struct tier_usage u;
	char *cause = NULL;
	size_t n = 0;
	int fd;

	if (path[0] == '\0')
		snprintf(path, sizeof path, "/tmp/fuzz_tier.%ld.journal",
		    (long)getpid());
	/* Most inputs get the magic, so that replay goes past it. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return;
	if (len > 0 && (p[0] & 1)) {
		if (write(fd, "EFSGWTJ1", 8) != 8) {
			close(fd);
			return;
		}
		p++;
		len--;
	}
	if (write(fd, p, len) != (ssize_t)len) {
		close(fd);
		return;
	}
	close(fd);
	if (tier_registry_open(path, "fuzz", &reg, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		return;
	}
	tier_registry_foreach(reg, fuzz_tier_count, &n);
	if (tier_registry_get_usage(reg, &u) == 0 &&
	    (u.ia > UINT64_MAX - u.standard || u.measured < 0))
		abort();
	tier_registry_compact(reg);
	tier_registry_close(reg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;

	if (!init) {
		log_init("fuzz_tier", 0, LOG_LEVEL_ERROR);
		init = 1;
	}
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_tier_record(data + 1, size - 1);
		break;
	case 1:
		fuzz_tier_lifecycle(data + 1, size - 1);
		break;
	case 2:
		fuzz_tier_journal(data + 1, size - 1);
		break;
	}
	return 0;
}
