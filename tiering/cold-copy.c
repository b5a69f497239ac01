/*
 * efsgw - the layout of cold copies, read back a range at a time. IA
 * copies (and Archive without compression) are the file's bytes followed
 * by the SHA-256 of each TIER_ZFRAME bytes; Archive copies are zstd frames
 * of TIER_ZFRAME bytes with a seek table at the end (tiering.h). Only the
 * chunks or frames holding a range are read, through a caller's pread, so
 * that the same code serves reads over NFS (cold-read.c) and runs under
 * the fuzzer (t/fuzz/fuzz_coldcopy.c). Everything read is untrusted and
 * checked before use: the table must account for exactly the copy's
 * recorded size and the file's, each raw chunk must have its SHA-256,
 * and each frame must be one whole zstd frame that decompresses (with its
 * content checksum) to exactly its share. The last chunk or frame stays
 * cached, so a client reading in pieces smaller than TIER_ZFRAME costs
 * one read of the tier per TIER_ZFRAME.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <zstd.h>

#include "common.h"
#include "tiering.h"

void
cold_copy_clear(struct cold_copy *cc)
{
	free(cc->start);
	free(cc->sums);
	free(cc->zbuf);
	free(cc->frame);
	memset(cc, 0, sizeof *cc);
	cc->cur = -1;
}

/* Frames (or chunks) of a file of size bytes. */
static uint64_t
cold_nframes(uint64_t size, int zstd)
{
	uint64_t n = (size + TIER_ZFRAME - 1) / TIER_ZFRAME;

	return zstd && n == 0 ? 1 : n;	/* an empty file is one empty frame */
}

/* The Archive seek table: frame i holds data i at cc->start[i]. */
static int
cold_load_ztable(struct cold_copy *cc, const struct tier_rec *rec,
    cold_pread_fn rd, void *arg)
{
	uint8_t head[8], *t;
	uint64_t tbytes, sum = 0;
	uint32_t i, len, nfr = cc->nfr;
	int r;

	tbytes = 8 + (uint64_t)nfr * 4 + TIER_ZSEEK_FOOTER;
	if (tbytes > rec->stored)
		return EFSGW_ERR_MISMATCH;
	if ((r = rd(arg, rec->stored - tbytes, head, sizeof head)) != 0)
		return r;
	if (le32_load(head) != TIER_ZSEEK_SKIPPABLE ||
	    le32_load(head + 4) != tbytes - 8)
		return EFSGW_ERR_MISMATCH;
	t = xmalloc((size_t)nfr * 4);
	if ((r = rd(arg, rec->stored - tbytes + 8, t, (size_t)nfr * 4)) != 0) {
		free(t);
		return r;
	}
	cc->start = xreallocarray(NULL, (size_t)nfr + 1, sizeof *cc->start);
	for (i = 0; i < nfr; i++) {
		cc->start[i] = sum;
		len = le32_load(t + (size_t)i * 4);
		if (len > ZSTD_compressBound(TIER_ZFRAME))
			break;
		sum += len;
	}
	free(t);
	/* The frames and the table are the whole copy, nothing else. */
	if (i != nfr || sum + tbytes != rec->stored)
		return EFSGW_ERR_MISMATCH;
	cc->start[nfr] = sum;
	return 0;
}

/* The raw copy's chunk checksums. */
static int
cold_load_sums(struct cold_copy *cc, const struct tier_rec *rec,
    cold_pread_fn rd, void *arg)
{
	uint64_t tbytes = (uint64_t)cc->nfr * TIER_SUM_LEN + TIER_ZSEEK_FOOTER;

	/* The data, then the table: nothing else. */
	if (rec->stored != rec->size + tbytes)
		return EFSGW_ERR_MISMATCH;
	cc->sums = xreallocarray(NULL, (size_t)cc->nfr + 1, TIER_SUM_LEN);
	if (cc->nfr == 0)
		return 0;
	return rd(arg, rec->size, cc->sums, (size_t)cc->nfr * TIER_SUM_LEN);
}

int
cold_copy_open(struct cold_copy *cc, const struct tier_rec *rec,
    cold_pread_fn rd, void *arg)
{
	uint8_t foot[TIER_ZSEEK_FOOTER];
	int zstd = (rec->flags & TIER_REC_ZSTD) != 0;
	uint64_t want = cold_nframes(rec->size, zstd);
	int r;

	cold_copy_clear(cc);
	if (rec->stored < TIER_ZSEEK_FOOTER)
		return EFSGW_ERR_NOT_FOUND;
	if ((r = rd(arg, rec->stored - TIER_ZSEEK_FOOTER, foot,
	    sizeof foot)) != 0)
		return r;
	if (le32_load(foot + 8) != (zstd ? TIER_ZSEEK_MAGIC :
	    TIER_RAWSUM_MAGIC))
		return EFSGW_ERR_NOT_FOUND;
	if (le32_load(foot + 4) != TIER_ZFRAME || le32_load(foot) != want ||
	    want >= TIER_ZSEEK_MAXFRAMES)
		return EFSGW_ERR_MISMATCH;
	cc->nfr = (uint32_t)want;
	r = zstd ? cold_load_ztable(cc, rec, rd, arg) :
	    cold_load_sums(cc, rec, rd, arg);
	if (r != 0)
		cold_copy_clear(cc);
	return r;
}

/* Bring chunk or frame i into cc->frame, checked. */
static int
cold_frame(struct cold_copy *cc, const struct tier_rec *rec, cold_pread_fn rd,
    void *arg, uint32_t i)
{
	uint8_t sum[TIER_SUM_LEN];
	uint64_t want, clen;
	size_t got;
	int r;

	if (cc->cur == (int64_t)i)
		return 0;
	cc->cur = -1;
	if (i >= cc->nfr || (uint64_t)i * TIER_ZFRAME > rec->size)
		return EFSGW_ERR_MISMATCH;
	want = rec->size - (uint64_t)i * TIER_ZFRAME;
	if (want > TIER_ZFRAME)
		want = TIER_ZFRAME;
	if (cc->frame == NULL)
		cc->frame = xmalloc(TIER_ZFRAME);
	if (!(rec->flags & TIER_REC_ZSTD)) {
		if ((r = rd(arg, (uint64_t)i * TIER_ZFRAME, cc->frame,
		    (size_t)want)) != 0)
			return r;
		if (EVP_Digest(cc->frame, (size_t)want, sum, NULL, EVP_sha256(),
		    NULL) != 1)
			return EFSGW_ERR_NOMEM;
		if (memcmp(sum, cc->sums + (size_t)i * TIER_SUM_LEN,
		    TIER_SUM_LEN) != 0)
			return EFSGW_ERR_MISMATCH;
		got = (size_t)want;
	} else {
		clen = cc->start[i + 1] - cc->start[i];
		if (cc->zbuf == NULL) {
			cc->zcap = ZSTD_compressBound(TIER_ZFRAME);
			cc->zbuf = xmalloc(cc->zcap);
		}
		if (clen > cc->zcap)
			return EFSGW_ERR_MISMATCH;
		if ((r = rd(arg, cc->start[i], cc->zbuf, (size_t)clen)) != 0)
			return r;
		/* One whole frame (its checksum is checked), nothing after. */
		if (ZSTD_findFrameCompressedSize(cc->zbuf, (size_t)clen) != clen)
			return EFSGW_ERR_MISMATCH;
		got = ZSTD_decompress(cc->frame, TIER_ZFRAME, cc->zbuf,
		    (size_t)clen);
		if (ZSTD_isError(got) || got != want)
			return EFSGW_ERR_MISMATCH;
	}
	cc->framelen = got;
	cc->cur = i;
	return 0;
}

int
cold_copy_read(struct cold_copy *cc, const struct tier_rec *rec,
    cold_pread_fn rd, void *arg, uint64_t off, uint32_t count, uint8_t *out,
    uint32_t *np)
{
	uint32_t i, done = 0;
	uint64_t end, foff;
	size_t take;
	int r;

	*np = 0;
	if (off >= rec->size || count == 0)
		return 0;
	end = rec->size - off < count ? rec->size : off + count;
	for (i = (uint32_t)(off / TIER_ZFRAME); off + done < end; i++) {
		if ((r = cold_frame(cc, rec, rd, arg, i)) != 0)
			return r;
		foff = off + done - (uint64_t)i * TIER_ZFRAME;
		if (foff >= cc->framelen)
			return EFSGW_ERR_MISMATCH;
		take = cc->framelen - (size_t)foff;
		if (take > end - off - done)
			take = (size_t)(end - off - done);
		memcpy(out + done, cc->frame + foff, take);
		done += (uint32_t)take;
	}
	*np = done;
	return 0;
}
