/*
 * efsgw - libFuzzer target for reading cold copies (tiering/cold-copy.c):
 * a copy in a tier export is untrusted bytes (a damaged disk, an operator
 * who edited it, a tier server that lies), and a range of it is read to
 * answer a client's READ. The input is a record and a copy:
 *
 *   byte 0       bit 0: Archive (zstd frames) or raw (IA)
 *   bytes 1-4    the file's size (u32 LE, at most 4 MiB)
 *   bytes 5-8    offset of the READ (u32 LE)
 *   bytes 9-12   count of the READ (u32 LE, at most 4 MiB)
 *   the rest     the copy (the record's stored size is its length)
 *
 * Nothing may crash or read outside the copy, and what comes back must
 * be the file's bytes: for a raw copy, the copy's own bytes at the
 * offset; for zstd, the same bytes the whole copy decompresses to (when
 * it decompresses to the file's size). A short answer only at the end of
 * the file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "common.h"
#include "tiering.h"

#define FUZZ_MAX	(4U * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzz_image {
	const uint8_t	*p;
	size_t		 len;
};

static int
fuzz_pread(void *arg, uint64_t off, uint8_t *buf, size_t len)
{
	const struct fuzz_image *im = arg;

	if (off > im->len || len > im->len - off)
		return EFSGW_ERR_MISMATCH;	/* as a short READ would */
	memcpy(buf, im->p + off, len);
	return 0;
}

/* The whole copy decompressed (frames and skippable frames), or NULL. */
static uint8_t *
fuzz_decompress_all(const uint8_t *p, size_t len, size_t *outlen)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	ZSTD_inBuffer in = { p, len, 0 };
	ZSTD_outBuffer out;
	uint8_t *buf = malloc(FUZZ_MAX + 1);
	size_t r = 0;

	if (d == NULL || buf == NULL)
		abort();
	out.dst = buf;
	out.size = FUZZ_MAX + 1;
	out.pos = 0;
	while (in.pos < in.size) {
		r = ZSTD_decompressStream(d, &out, &in);
		if (ZSTD_isError(r) || out.pos == out.size)
			break;
		if (r != 0 && in.pos == in.size)
			break;
	}
	ZSTD_freeDCtx(d);
	if (ZSTD_isError(r) || r != 0 || in.pos != in.size) {
		free(buf);
		return NULL;
	}
	*outlen = out.pos;
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tier_rec rec;
	struct cold_copy cc;
	struct fuzz_image im;
	uint8_t *out, *all;
	uint32_t off, count, n;
	uint64_t want;
	size_t alllen;

	if (size < 13)
		return 0;
	memset(&rec, 0, sizeof rec);
	memset(&cc, 0, sizeof cc);
	rec.state = (data[0] & 1) ? TIER_COLD_ARCHIVE : TIER_COLD_IA;
	rec.flags = (data[0] & 1) ? TIER_REC_ZSTD : 0;
	rec.size = le32_load(data + 1) % (FUZZ_MAX + 1);
	off = le32_load(data + 5);
	count = le32_load(data + 9) % (FUZZ_MAX + 1);
	im.p = data + 13;
	im.len = size - 13;
	rec.stored = im.len;
	if (cold_copy_open(&cc, &rec, fuzz_pread, &im) != 0) {
		cold_copy_clear(&cc);
		return 0;
	}
	out = xmalloc(count + 1);
	/* Twice: the second read may come from the cached frame. */
	for (int k = 0; k < 2; k++) {
		if (cold_copy_read(&cc, &rec, fuzz_pread, &im, off, count, out,
		    &n) != 0)
			break;
		want = off >= rec.size ? 0 : rec.size - off;
		if (want > count)
			want = count;
		if (n != want)
			abort();
		if (!(rec.flags & TIER_REC_ZSTD)) {
			if (n > 0 && memcmp(out, im.p + off, n) != 0)
				abort();
		} else if (n > 0 && (all = fuzz_decompress_all(im.p, im.len,
		    &alllen)) != NULL) {
			/*
			 * Frames are checked as they are read: a copy whose
			 * other frames are damaged still serves this range,
			 * so compare only with a copy that is whole.
			 */
			if (alllen == rec.size && memcmp(out, all + off, n) != 0)
				abort();
			free(all);
		}
	}
	free(out);
	cold_copy_clear(&cc);
	return 0;
}
