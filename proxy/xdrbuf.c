/*
 * efsgw - xdrbuf: the only code that touches untrusted record bytes.
 *
 * A cursor walks an RPC record held as a list of iovecs (the chains of an
 * evbuffer, so large WRITE payloads are never copied to be parsed). Every
 * read checks what remains before touching a byte, lengths are checked
 * against their limit before the padding is added (so nothing overflows),
 * and no caller does pointer arithmetic on record memory. XDR itself is
 * RFC 4506: big-endian 4-byte units, opaque data padded to 4 bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include <event2/buffer.h>

#include "common.h"
#include "xdrbuf.h"

/* Set up b over nvec vectors. */
void
xdrbuf_init(struct xdrbuf *b, const struct evbuffer_iovec *vec, int nvec)
{
	int i;

	memset(b, 0, sizeof *b);
	b->vec = vec;
	b->nvec = nvec < 0 ? 0 : nvec;
	for (i = 0; i < b->nvec; i++)
		b->len += vec[i].iov_len;
	/* Skip leading empty vectors so vi always points at a byte if any. */
	while (b->vi < b->nvec && b->vec[b->vi].iov_len == 0)
		b->vi++;
}

/* Set up b over one flat memory region, using *one as its vector. */
void
xdrbuf_init_mem(struct xdrbuf *b, struct evbuffer_iovec *one,
    const void *p, size_t len)
{
	one->iov_base = (void *)(uintptr_t)p;
	one->iov_len = len;
	xdrbuf_init(b, one, 1);
}

size_t
xdrbuf_pos(const struct xdrbuf *b)
{
	return b->pos;
}

size_t
xdrbuf_len(const struct xdrbuf *b)
{
	return b->len;
}

size_t
xdrbuf_remaining(const struct xdrbuf *b)
{
	return b->len - b->pos;
}

/* Advance n bytes; the caller has checked that n bytes remain. */
static void
xdrbuf_advance(struct xdrbuf *b, size_t n)
{
	size_t step;

	b->pos += n;
	/* Fast path (nfs4-walk): the step stays inside the current vector. */
	if (b->vi < b->nvec && b->vec[b->vi].iov_len - b->voff > n) {
		b->voff += n;
		return;
	}
	while (n > 0 && b->vi < b->nvec) {
		step = b->vec[b->vi].iov_len - b->voff;
		if (step > n)
			step = n;
		b->voff += step;
		n -= step;
		if (b->voff == b->vec[b->vi].iov_len) {
			b->vi++;
			b->voff = 0;
		}
	}
	while (b->vi < b->nvec && b->vec[b->vi].iov_len == 0)
		b->vi++;
}

/* Copy n bytes at the cursor into dst without moving; n must remain. */
static void
xdrbuf_copy(const struct xdrbuf *b, void *dst, size_t n)
{
	unsigned char *d = dst;
	int vi = b->vi;
	size_t voff = b->voff, step;

	while (n > 0 && vi < b->nvec) {
		step = b->vec[vi].iov_len - voff;
		if (step > n)
			step = n;
		memcpy(d, (const unsigned char *)b->vec[vi].iov_base + voff, step);
		d += step;
		n -= step;
		vi++;
		voff = 0;
	}
}

/* Read 4 bytes as a big-endian value without consuming them. */
int
xdrbuf_peek_u32_slow(const struct xdrbuf *b, uint32_t *vp)
{
	unsigned char p[4];

	*vp = 0;
	if (xdrbuf_remaining(b) < 4)
		return EFSGW_ERR_TRUNCATED;
	/* Fast path (nfs4-walk): the word lies in the current vector. */
	if (b->vec[b->vi].iov_len - b->voff >= 4) {
		const unsigned char *q =
		    (const unsigned char *)b->vec[b->vi].iov_base + b->voff;

		*vp = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
		    (uint32_t)q[2] << 8 | q[3];
		return 0;
	}
	xdrbuf_copy(b, p, 4);
	*vp = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	return 0;
}

/* Read an unsigned int (RFC 4506 §4.2). */
int
xdrbuf_get_u32_slow(struct xdrbuf *b, uint32_t *vp)
{
	int r;

	if ((r = xdrbuf_peek_u32_slow(b, vp)) != 0)
		return r;
	xdrbuf_advance(b, 4);
	return 0;
}

/* Read an unsigned hyper (RFC 4506 §4.5). */
int
xdrbuf_get_u64(struct xdrbuf *b, uint64_t *vp)
{
	uint32_t hi, lo;
	int r;

	*vp = 0;
	if (xdrbuf_remaining(b) < 8)
		return EFSGW_ERR_TRUNCATED;
	if ((r = xdrbuf_get_u32(b, &hi)) != 0 ||
	    (r = xdrbuf_get_u32(b, &lo)) != 0)
		return r;
	*vp = (uint64_t)hi << 32 | lo;
	return 0;
}

/* Read a bool (RFC 4506 §4.4): anything but 0 or 1 is an error. */
int
xdrbuf_get_bool(struct xdrbuf *b, int *vp)
{
	uint32_t v;
	int r;

	*vp = 0;
	if ((r = xdrbuf_peek_u32(b, &v)) != 0)
		return r;
	if (v > 1)
		return EFSGW_ERR_BAD_VALUE;
	xdrbuf_advance(b, 4);
	*vp = (int)v;
	return 0;
}

/* Padding that follows n bytes of opaque data. */
static size_t
xdrbuf_pad(size_t n)
{
	return (4 - (n & 3)) & 3;
}

/* Skip n raw bytes. */
int
xdrbuf_skip(struct xdrbuf *b, size_t n)
{
	if (xdrbuf_remaining(b) < n)
		return EFSGW_ERR_TRUNCATED;
	xdrbuf_advance(b, n);
	return 0;
}

/* Skip fixed-length opaque[n] and its padding (RFC 4506 §4.9). */
int
xdrbuf_skip_opaque_fixed(struct xdrbuf *b, size_t n)
{
	if (n > SIZE_MAX - 3)
		return EFSGW_ERR_TOO_LONG;
	return xdrbuf_skip(b, n + xdrbuf_pad(n));
}

/* Copy fixed-length opaque[n] into dst and skip its padding. */
int
xdrbuf_get_opaque_fixed(struct xdrbuf *b, void *dst, size_t n)
{
	if (n > SIZE_MAX - 3)
		return EFSGW_ERR_TOO_LONG;
	if (xdrbuf_remaining(b) < n + xdrbuf_pad(n))
		return EFSGW_ERR_TRUNCATED;
	xdrbuf_copy(b, dst, n);
	xdrbuf_advance(b, n + xdrbuf_pad(n));
	return 0;
}

/*
 * Read the length of a variable-length opaque or string (RFC 4506 §4.10,
 * §4.11), check it against max and that the body and padding are all
 * there, and leave the cursor on the first body byte.
 */
int
xdrbuf_get_opaque_len(struct xdrbuf *b, size_t max, size_t *lenp)
{
	uint32_t n;
	int r;

	*lenp = 0;
	if ((r = xdrbuf_peek_u32(b, &n)) != 0)
		return r;
	if (n > max)
		return EFSGW_ERR_TOO_LONG;
	if (xdrbuf_remaining(b) - 4 < (size_t)n + xdrbuf_pad(n))
		return EFSGW_ERR_TRUNCATED;
	xdrbuf_advance(b, 4);
	*lenp = n;
	return 0;
}

/*
 * Skip a variable-length opaque of at most max bytes; report the body's
 * offset and length when offp/lenp are not NULL.
 */
int
xdrbuf_skip_opaque(struct xdrbuf *b, size_t max, size_t *offp, size_t *lenp)
{
	size_t n;
	int r;

	if (offp != NULL)
		*offp = 0;
	if (lenp != NULL)
		*lenp = 0;
	if ((r = xdrbuf_get_opaque_len(b, max, &n)) != 0)
		return r;
	if (offp != NULL)
		*offp = b->pos;
	if (lenp != NULL)
		*lenp = n;
	xdrbuf_advance(b, n + xdrbuf_pad(n));
	return 0;
}

/*
 * Copy a variable-length opaque of at most max bytes into dst (dstlen
 * bytes, at least max) and report its length.
 */
int
xdrbuf_get_opaque(struct xdrbuf *b, size_t max, void *dst, size_t dstlen,
    size_t *lenp)
{
	size_t n;
	int r;

	*lenp = 0;
	if (dstlen < max)
		return EFSGW_ERR_INTERNAL;
	if ((r = xdrbuf_get_opaque_len(b, max, &n)) != 0)
		return r;
	xdrbuf_copy(b, dst, n);
	xdrbuf_advance(b, n + xdrbuf_pad(n));
	*lenp = n;
	return 0;
}

/* Copy n bytes at absolute offset off into dst, without moving b. */
int
xdrbuf_copy_at(const struct xdrbuf *b, size_t off, void *dst, size_t n)
{
	struct xdrbuf c;

	if (off > b->len || b->len - off < n)
		return EFSGW_ERR_TRUNCATED;
	xdrbuf_init(&c, b->vec, b->nvec);
	xdrbuf_advance(&c, off);
	xdrbuf_copy(&c, dst, n);
	return 0;
}

/* The big-endian word at absolute offset off, or 0 past the end. */
uint32_t
xdrbuf_word_at(const struct xdrbuf *b, size_t off)
{
	uint8_t w[4];

	if (xdrbuf_copy_at(b, off, w, 4) != 0)
		return 0;
	return xdrbuf_load_u32(w);
}

/* Move the cursor to absolute offset off. */
int
xdrbuf_seek(struct xdrbuf *b, size_t off)
{
	if (off > b->len)
		return EFSGW_ERR_TRUNCATED;
	if (off < b->pos) {
		b->vi = 0;
		b->voff = 0;
		b->pos = 0;
		while (b->vi < b->nvec && b->vec[b->vi].iov_len == 0)
			b->vi++;
	}
	xdrbuf_advance(b, off - b->pos);
	return 0;
}

/* Append a big-endian unsigned int to out. */
int
xdrbuf_put_u32(struct evbuffer *out, uint32_t v)
{
	unsigned char p[4];

	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
	return evbuffer_add(out, p, 4) == 0 ? 0 : EFSGW_ERR_NOMEM;
}

/* Append a big-endian unsigned hyper to out. */
int
xdrbuf_put_u64(struct evbuffer *out, uint64_t v)
{
	int r;

	if ((r = xdrbuf_put_u32(out, (uint32_t)(v >> 32))) != 0)
		return r;
	return xdrbuf_put_u32(out, (uint32_t)v);
}

/* Append a variable-length opaque (length, body, zero padding) to out. */
int
xdrbuf_put_opaque(struct evbuffer *out, const void *p, size_t n)
{
	static const unsigned char zero[4];
	int r;

	if (n > UINT32_MAX)
		return EFSGW_ERR_TOO_LONG;
	if ((r = xdrbuf_put_u32(out, (uint32_t)n)) != 0)
		return r;
	if (n > 0 && evbuffer_add(out, p, n) != 0)
		return EFSGW_ERR_NOMEM;
	if (xdrbuf_pad(n) > 0 && evbuffer_add(out, zero, xdrbuf_pad(n)) != 0)
		return EFSGW_ERR_NOMEM;
	return 0;
}

/* Store v big-endian at p (4 bytes). */
void
xdrbuf_store_u32(void *p, uint32_t v)
{
	unsigned char *q = p;

	q[0] = v >> 24;
	q[1] = v >> 16;
	q[2] = v >> 8;
	q[3] = v;
}

/* Load a big-endian value from p (4 bytes). */
uint32_t
xdrbuf_load_u32(const void *p)
{
	const unsigned char *q = p;

	return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
	    (uint32_t)q[2] << 8 | q[3];
}
