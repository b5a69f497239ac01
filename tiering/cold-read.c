/*
 * efsgw - reading a range of a cold copy over NFS, without bringing the
 * file back. Without TransitionToPrimaryStorageClass a file read in IA or
 * Archive stays there (EFS's default), so the gateway's recall thread
 * serves READs of cold files from their copy in the tier export: the
 * layout and its checks are cold-copy.c's; this finds the copy (LOOKUP)
 * and keeps the last one's handle and table between READs.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "agent.h"

struct cold_nfs {
	struct agent_export	*tier;
	const struct nfsc_fh	*fh;
};

/* Read exactly len bytes at off of the tier file (short reads looped). */
static int
cold_nfs_pread(void *arg, uint64_t off, uint8_t *buf, size_t len)
{
	struct cold_nfs *cn = arg;
	struct nfsc_file f;
	uint32_t n, want;
	int eof = 0, r;

	/* The anonymous stateid (RFC 8881 §8.2.3). */
	memset(&f, 0, sizeof f);
	f.fh = *cn->fh;
	while (len > 0) {
		want = len < cn->tier->io ? (uint32_t)len : cn->tier->io;
		if ((r = nfsc_read(cn->tier->c, &f, off, buf, want, &n,
		    &eof)) != 0)
			return r;
		if (n == 0 || n > want)
			return EFSGW_ERR_MISMATCH;	/* shorter than recorded */
		off += n;
		buf += n;
		len -= n;
	}
	return 0;
}

void
cold_read_cache_clear(struct cold_read_cache *c)
{
	cold_copy_clear(&c->cc);
	memset(c, 0, sizeof *c);
	c->cc.cur = -1;
}

int
cold_read(struct agent *ag, const struct tier_rec *rec, uint64_t off,
    uint32_t count, uint8_t *out, uint32_t *np, struct cold_read_cache *c)
{
	struct cold_nfs cn;
	uint32_t cls;
	int r;

	*np = 0;
	if (rec->state != TIER_COLD_IA && rec->state != TIER_COLD_ARCHIVE)
		return EFSGW_ERR_BAD_VALUE;
	cls = rec->state == TIER_COLD_ARCHIVE ? TIER_CLASS_ARCHIVE :
	    TIER_CLASS_IA;
	cn.tier = &ag->tier[cls];
	cn.fh = &c->fh;
	if (cn.tier->c == NULL)
		return EFSGW_ERR_NOT_FOUND;
	/* A name is used again when a file moves again: the sum tells. */
	if (c->location[0] == '\0' || c->cls != cls ||
	    strcmp(c->location, rec->location) != 0 ||
	    c->stored != rec->stored ||
	    memcmp(c->sum, rec->sum, TIER_SUM_LEN) != 0) {
		cold_read_cache_clear(c);
		if ((r = agent_lookup(cn.tier, rec->location, &c->fh)) != 0 ||
		    (r = cold_copy_open(&c->cc, rec, cold_nfs_pread, &cn)) != 0) {
			cold_read_cache_clear(c);
			return r;
		}
		snprintf(c->location, sizeof c->location, "%s", rec->location);
		c->cls = cls;
		c->stored = rec->stored;
		memcpy(c->sum, rec->sum, TIER_SUM_LEN);
	}
	return cold_copy_read(&c->cc, rec, cold_nfs_pread, &cn, off, count, out,
	    np);
}
