/*
 * efsgw - efsgw-tier data copies: primary to tier (SHA-256 of the data,
 * zstd for Archive), tier back (checked against the recorded checksum,
 * optionally written to the primary), and the bandwidth budget every copy
 * draws from.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <zstd.h>

#include "common.h"
#include "agent.h"

#define AGENT_BURST	(4 * 1024 * 1024)	/* bytes the bucket holds */

/* Wait until n bytes of budget are there, then spend them. */
void
agent_throttle(struct agent *ag, uint64_t n)
{
	struct timespec ts;
	uint64_t now;
	double need;

	if (ag->rate == 0)
		return;
	for (;;) {
		now = mono_ns();
		if (ag->last_ns == 0)
			ag->tokens = AGENT_BURST;
		else
			ag->tokens += (double)(now - ag->last_ns) *
			    (double)ag->rate / 1e9;
		if (ag->tokens > AGENT_BURST)
			ag->tokens = AGENT_BURST;
		ag->last_ns = now;
		/* A chunk bigger than the burst may take the bucket negative. */
		if (ag->tokens >= (double)n || ag->tokens >= AGENT_BURST) {
			ag->tokens -= (double)n;
			return;
		}
		need = ((double)n - ag->tokens) / (double)ag->rate;
		if (need > 1)
			need = 1;
		ts.tv_sec = (time_t)need;
		ts.tv_nsec = (long)((need - (double)ts.tv_sec) * 1e9);
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
	}
}

/* A file on an export read with the anonymous stateid (RFC 8881 §8.2.3). */
static void
agent_anon(struct nfsc_file *f, const struct nfsc_fh *fh)
{
	memset(f, 0, sizeof *f);
	f->fh = *fh;
}

/* Look name up in an export's root. */
int
agent_lookup(struct agent_export *ex, const char *name, struct nfsc_fh *fh)
{
	struct nfsc_req *req = nfsc_req_new(ex->c);
	int r;

	nfsc_op_putfh(req, &ex->root);
	nfsc_op_lookup(req, name);
	nfsc_op_getfh(req);
	if ((r = nfsc_call(ex->c, req)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_LOOKUP)) == 0)
		r = nfsc_res_getfh(req, fh);
	nfsc_req_free(req);
	return r;
}

/*
 * Compress len bytes of data into the current zstd frame (end: close the
 * frame) and write what comes out to the tier file at *toff.
 */
static int
agent_z_feed(ZSTD_CCtx *zc, uint8_t *zbuf, size_t zcap, const uint8_t *data,
    size_t len, int end, struct agent_export *tier, const struct nfsc_file *f,
    uint64_t *toff)
{
	ZSTD_inBuffer zin = { data, len, 0 };
	ZSTD_outBuffer zout;
	size_t left;
	int r;

	do {
		zout.dst = zbuf;
		zout.size = zcap;
		zout.pos = 0;
		left = ZSTD_compressStream2(zc, &zout, &zin,
		    end ? ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(left))
			return EFSGW_ERR_INTERNAL;
		if (zout.pos > 0 && (r = nfsc_write(tier->c, f, *toff, zbuf,
		    (uint32_t)zout.pos, NFSC_UNSTABLE)) != 0)
			return r;
		*toff += zout.pos;
	} while (end ? left != 0 : zin.pos < zin.size);
	return 0;
}

/*
 * Write the seek table after the last data frame: a skippable frame
 * (RFC 8878 §3.1.2) whose user data is each frame's compressed size, the
 * number of frames, the data bytes per frame and TIER_ZSEEK_MAGIC (all
 * little-endian u32; see agent.h).
 */
static int
agent_z_seektable(const uint32_t *sizes, uint32_t n,
    struct agent_export *tier, const struct nfsc_file *f, uint64_t *toff)
{
	size_t len = 8 + (size_t)n * 4 + TIER_ZSEEK_FOOTER, i;
	uint8_t *t = xmalloc(len);
	int r;

	le32_store(t, TIER_ZSEEK_SKIPPABLE);
	le32_store(t + 4, (uint32_t)(len - 8));
	for (i = 0; i < n; i++)
		le32_store(t + 8 + i * 4, sizes[i]);
	le32_store(t + len - 12, n);
	le32_store(t + len - 8, TIER_ZFRAME);
	le32_store(t + len - 4, TIER_ZSEEK_MAGIC);
	r = nfsc_write(tier->c, f, *toff, t, (uint32_t)len, NFSC_UNSTABLE);
	if (r == 0)
		*toff += len;
	free(t);
	return r;
}

/* After an IA copy's data: the SHA-256 of each chunk, then the footer. */
static int
agent_raw_sumtable(const uint8_t *sums, uint32_t n,
    struct agent_export *tier, const struct nfsc_file *f, uint64_t *toff)
{
	size_t len = (size_t)n * TIER_SUM_LEN + TIER_ZSEEK_FOOTER;
	uint8_t *t = xmalloc(len);
	int r;

	if (n > 0)
		memcpy(t, sums, (size_t)n * TIER_SUM_LEN);
	le32_store(t + len - 12, n);
	le32_store(t + len - 8, TIER_ZFRAME);
	le32_store(t + len - 4, TIER_RAWSUM_MAGIC);
	r = nfsc_write(tier->c, f, *toff, t, (uint32_t)len, NFSC_UNSTABLE);
	if (r == 0)
		*toff += len;
	free(t);
	return r;
}

/* Copy a file of src out to the tier file f. */
int
agent_copy_out(struct agent *ag, struct agent_export *src,
    struct agent_export *tier, const struct nfsc_fh *fh, uint64_t size,
    int zstd,
    const struct nfsc_file *f, uint8_t sum[TIER_SUM_LEN], uint64_t *stored)
{
	struct nfsc_file hf;
	EVP_MD_CTX *md = EVP_MD_CTX_new(), *cmd = EVP_MD_CTX_new();
	ZSTD_CCtx *zc = NULL;
	uint8_t *buf = NULL, *zbuf = NULL, *sums = NULL;
	uint64_t off = 0, toff = 0, fstart = 0;
	uint32_t io = src->io < tier->io ? src->io : tier->io, n, infr = 0;
	uint32_t *fsz = NULL, nfr = 0, maxfr = 0, k, piece;
	size_t zcap = 0;
	unsigned int mdlen;
	int eof = 0, last, r;

	*stored = 0;
	if (md == NULL || cmd == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestInit_ex(cmd, EVP_sha256(), NULL) != 1) {
		r = EFSGW_ERR_NOMEM;
		goto out;
	}
	agent_anon(&hf, fh);
	buf = xmalloc(io);
	if (size / TIER_ZFRAME >= TIER_ZSEEK_MAXFRAMES) {
		r = EFSGW_ERR_TOO_LONG;
		goto out;
	}
	if (!zstd)
		sums = xreallocarray(NULL, (size_t)(size / TIER_ZFRAME) + 1,
		    TIER_SUM_LEN);
	if (zstd) {
		zc = ZSTD_createCCtx();
		zcap = ZSTD_CStreamOutSize();
		zbuf = xmalloc(zcap);
		if (zc == NULL || ZSTD_isError(ZSTD_CCtx_setParameter(zc,
		    ZSTD_c_compressionLevel, 3)) || ZSTD_isError(
		    ZSTD_CCtx_setParameter(zc, ZSTD_c_checksumFlag, 1))) {
			r = EFSGW_ERR_NOMEM;
			goto out;
		}
	}
	for (;;) {
		n = 0;
		if (off < size && !eof) {
			agent_throttle(ag, io);
			r = nfsc_read(src->c, &hf, off, buf, io, &n, &eof);
			if (r != 0)
				goto out;
			if (n == 0 && !eof) {
				r = EFSGW_ERR_SYSTEM;	/* no progress */
				goto out;
			}
			if (off + n > size)
				n = (uint32_t)(size - off);
			EVP_DigestUpdate(md, buf, n);
			off += n;
		}
		last = off >= size || eof;
		if (!zstd) {
			if (n > 0 && (r = nfsc_write(tier->c, f, toff, buf, n,
			    NFSC_UNSTABLE)) != 0)
				goto out;
			toff += n;
			/* The SHA-256 of each TIER_ZFRAME bytes, for reads. */
			for (k = 0; k < n; k += piece) {
				piece = n - k;
				if (piece > TIER_ZFRAME - infr)
					piece = TIER_ZFRAME - infr;
				EVP_DigestUpdate(cmd, buf + k, piece);
				infr += piece;
				if (infr == TIER_ZFRAME || (last && k + piece == n)) {
					EVP_DigestFinal_ex(cmd, sums +
					    (size_t)nfr++ * TIER_SUM_LEN, &mdlen);
					EVP_DigestInit_ex(cmd, EVP_sha256(), NULL);
					infr = 0;
				}
			}
		} else {
			/*
			 * One frame per TIER_ZFRAME bytes of data, so that a
			 * range is read back by decompressing its frames only.
			 */
			for (k = 0; k < n || (last && (infr > 0 || nfr == 0));
			    k += piece) {
				piece = n - k;
				if (piece > TIER_ZFRAME - infr)
					piece = TIER_ZFRAME - infr;
				infr += piece;
				if ((r = agent_z_feed(zc, zbuf, zcap, buf + k,
				    piece, infr == TIER_ZFRAME || (last &&
				    k + piece == n), tier, f, &toff)) != 0)
					goto out;
				if (infr == TIER_ZFRAME || (last && k + piece == n)) {
					if (nfr == maxfr) {
						maxfr = maxfr == 0 ? 64 : maxfr * 2;
						fsz = xreallocarray(fsz, maxfr,
						    sizeof *fsz);
					}
					fsz[nfr++] = (uint32_t)(toff - fstart);
					fstart = toff;
					infr = 0;
					if (last && k + piece == n)
						break;
				}
			}
		}
		if (last)
			break;
	}
	if (off != size) {
		r = EFSGW_ERR_MISMATCH;	/* it shrank while we read it */
		goto out;
	}
	if (zstd && (r = agent_z_seektable(fsz, nfr, tier, f, &toff)) != 0)
		goto out;
	if (!zstd && (r = agent_raw_sumtable(sums, nfr, tier, f, &toff)) != 0)
		goto out;
	EVP_DigestFinal_ex(md, sum, &mdlen);
	*stored = toff;
	r = 0;
out:
	EVP_MD_CTX_free(md);
	EVP_MD_CTX_free(cmd);
	ZSTD_freeCCtx(zc);
	free(sums);
	free(fsz);
	free(zbuf);
	free(buf);
	return r;
}

/* Read a tier file back, check it, maybe write it to the hot file. */
int
agent_copy_in(struct agent *ag, struct agent_export *tier,
    const char *location, int zstd, uint64_t size,
    const uint8_t sum[TIER_SUM_LEN], struct agent_export *hot,
    const struct nfsc_fh *hotfh)
{
	struct nfsc_file tf, hf;
	struct nfsc_fh fh;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ZSTD_DCtx *zd = NULL;
	ZSTD_inBuffer zin;
	ZSTD_outBuffer zout;
	uint8_t *buf = NULL, *zbuf = NULL, got[TIER_SUM_LEN];
	uint64_t toff = 0, hoff = 0;
	uint32_t io = tier->io, n, want;
	size_t zcap = 0, ret = 0;
	unsigned int mdlen;
	int eof = 0, r;

	if (hot != NULL && hot->io < io)
		io = hot->io;
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		r = EFSGW_ERR_NOMEM;
		goto out;
	}
	if ((r = agent_lookup(tier, location, &fh)) != 0)
		goto out;
	agent_anon(&tf, &fh);
	if (hot != NULL)
		agent_anon(&hf, hotfh);
	buf = xmalloc(io);
	if (zstd) {
		if ((zd = ZSTD_createDCtx()) == NULL) {
			r = EFSGW_ERR_NOMEM;
			goto out;
		}
		zcap = ZSTD_DStreamOutSize();
		zbuf = xmalloc(zcap);
	}
	/* An IA copy's data ends at size (its checksum table follows). */
	while (zstd ? !eof : toff < size) {
		want = zstd || size - toff > io ? io : (uint32_t)(size - toff);
		agent_throttle(ag, want);
		if ((r = nfsc_read(tier->c, &tf, toff, buf, want, &n, &eof)) != 0)
			goto out;
		if (n == 0 && !eof) {
			r = EFSGW_ERR_SYSTEM;
			goto out;
		}
		if (n > want || (n == 0 && !zstd)) {
			r = EFSGW_ERR_MISMATCH;	/* shorter than recorded */
			goto out;
		}
		toff += n;
		zin.src = buf;
		zin.size = n;
		zin.pos = 0;
		do {
			const uint8_t *data = buf;
			size_t len = n;

			if (zstd) {
				zout.dst = zbuf;
				zout.size = zcap;
				zout.pos = 0;
				ret = ZSTD_decompressStream(zd, &zout, &zin);
				if (ZSTD_isError(ret)) {
					r = EFSGW_ERR_MISMATCH;
					goto out;
				}
				data = zbuf;
				len = zout.pos;
			} else
				zin.pos = zin.size;
			if (hoff + len > size) {
				r = EFSGW_ERR_MISMATCH;	/* longer than recorded */
				goto out;
			}
			EVP_DigestUpdate(md, data, len);
			if (hot != NULL && len > 0 && (r = nfsc_write(hot->c, &hf,
			    hoff, data, (uint32_t)len, NFSC_UNSTABLE)) != 0)
				goto out;
			hoff += len;
			if (hot != NULL)
				agent_recall_progress(ag, hoff);
		} while (zstd && (zin.pos < zin.size || zout.pos == zout.size));
	}
	EVP_DigestFinal_ex(md, got, &mdlen);
	if (hoff != size || memcmp(got, sum, TIER_SUM_LEN) != 0 ||
	    (zstd && ret != 0)) {
		r = EFSGW_ERR_MISMATCH;
		goto out;
	}
	if (hot != NULL && (r = nfsc_commit(hot->c, hotfh)) != 0)
		goto out;
	r = 0;
out:
	EVP_MD_CTX_free(md);
	ZSTD_freeDCtx(zd);
	free(zbuf);
	free(buf);
	return r;
}

/* Checksum the hot file as it is now. */
int
agent_sum_hot(struct agent *ag, const struct nfsc_fh *fh, uint64_t size,
    uint8_t sum[TIER_SUM_LEN])
{
	struct nfsc_file hf;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t *buf;
	uint64_t off = 0;
	uint32_t n;
	unsigned int mdlen;
	int eof = 0, r = 0;

	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		return EFSGW_ERR_NOMEM;
	}
	agent_anon(&hf, fh);
	buf = xmalloc(ag->hot.io);
	while (off < size && !eof) {
		agent_throttle(ag, ag->hot.io);
		if ((r = nfsc_read(ag->hot.c, &hf, off, buf, ag->hot.io, &n,
		    &eof)) != 0)
			break;
		if (n == 0 && !eof) {
			r = EFSGW_ERR_SYSTEM;
			break;
		}
		EVP_DigestUpdate(md, buf, n);
		off += n;
	}
	if (r == 0)
		EVP_DigestFinal_ex(md, sum, &mdlen);
	EVP_MD_CTX_free(md);
	free(buf);
	return r;
}

/* Checksum size zero bytes. */
void
agent_sum_zeros(uint64_t size, uint8_t sum[TIER_SUM_LEN])
{
	static const uint8_t zero[65536];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int mdlen;
	uint64_t n;

	if (md == NULL)
		fatalx("out of memory");
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	while (size > 0) {
		n = size < sizeof zero ? size : sizeof zero;
		EVP_DigestUpdate(md, zero, n);
		size -= n;
	}
	EVP_DigestFinal_ex(md, sum, &mdlen);
	EVP_MD_CTX_free(md);
}
