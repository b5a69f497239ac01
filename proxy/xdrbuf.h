/*
 * efsgw - xdrbuf: bounds-checked XDR (RFC 4506) reading over iovecs and
 * writing into evbuffers. See xdrbuf.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_XDRBUF_H
#define EFSGW_XDRBUF_H

#include <stddef.h>
#include <stdint.h>

#include <event2/buffer.h>

/*
 * A read cursor. Lives on the caller's stack; the fields are private to
 * xdrbuf.c. The vectors are borrowed and must outlive the cursor.
 */
struct xdrbuf {
	const struct evbuffer_iovec *vec;
	int		 nvec;
	int		 vi;	/* current vector */
	size_t		 voff;	/* offset inside vec[vi] */
	size_t		 pos;	/* absolute offset of the cursor */
	size_t		 len;	/* total bytes */
};

/* Set up a cursor over nvec vectors (borrowed). */
void	 xdrbuf_init(struct xdrbuf *, const struct evbuffer_iovec *, int nvec);
/* Set up a cursor over flat memory, using *one (caller's) as the vector. */
void	 xdrbuf_init_mem(struct xdrbuf *, struct evbuffer_iovec *one,
	     const void *, size_t);
size_t	 xdrbuf_pos(const struct xdrbuf *);
size_t	 xdrbuf_len(const struct xdrbuf *);
size_t	 xdrbuf_remaining(const struct xdrbuf *);

/*
 * Readers. Each returns 0 and consumes the item, or a negative
 * EFSGW_ERR_* code and leaves the cursor where it was; out-params are
 * zeroed first.
 */
int	 xdrbuf_peek_u32_slow(const struct xdrbuf *, uint32_t *);
int	 xdrbuf_get_u32_slow(struct xdrbuf *, uint32_t *);
int	 xdrbuf_get_u64(struct xdrbuf *, uint64_t *);
/* Only 0 and 1 are valid: anything else is EFSGW_ERR_BAD_VALUE. */
int	 xdrbuf_get_bool(struct xdrbuf *, int *);
/* Skip n raw bytes (no padding added). */
int	 xdrbuf_skip(struct xdrbuf *, size_t n);
/* Skip / copy opaque[n] plus its padding. */
int	 xdrbuf_skip_opaque_fixed(struct xdrbuf *, size_t n);
int	 xdrbuf_get_opaque_fixed(struct xdrbuf *, void *dst, size_t n);
/*
 * Read the length word of opaque<max> / string<max>; checks len <= max and
 * that body and padding are present; the cursor is left on the body.
 */
int	 xdrbuf_get_opaque_len(struct xdrbuf *, size_t max, size_t *lenp);
/* Skip opaque<max>; offp and lenp (may be NULL) get the body's place. */
int	 xdrbuf_skip_opaque(struct xdrbuf *, size_t max, size_t *offp,
	     size_t *lenp);
/* Copy opaque<max> into dst (dstlen >= max). */
int	 xdrbuf_get_opaque(struct xdrbuf *, size_t max, void *dst,
	     size_t dstlen, size_t *lenp);
/* Copy n bytes at absolute offset off, without moving the cursor. */
int	 xdrbuf_copy_at(const struct xdrbuf *, size_t off, void *dst, size_t n);
/* The word at absolute offset off (0 when it is past the end). */
uint32_t xdrbuf_word_at(const struct xdrbuf *, size_t off);
/* Move to absolute offset off (backwards too). */
int	 xdrbuf_seek(struct xdrbuf *, size_t off);

/* Writers: append to an evbuffer; 0 or EFSGW_ERR_NOMEM / TOO_LONG. */
int	 xdrbuf_put_u32(struct evbuffer *, uint32_t);
int	 xdrbuf_put_u64(struct evbuffer *, uint64_t);
int	 xdrbuf_put_opaque(struct evbuffer *, const void *, size_t);

/* Big-endian helpers for fixed 4-byte fields in local memory. */
void	 xdrbuf_store_u32(void *, uint32_t);
uint32_t xdrbuf_load_u32(const void *);

/*
 * The two readers every walk calls for almost every word, inline: when the
 * word lies whole in the current vector (and more bytes follow in it, so
 * that advancing stays inside), it is read and passed here; anything else
 * (a word across vectors, the end of a vector or of the record) goes to
 * the checked general path in xdrbuf.c. The re-walk of every rewritten
 * record doubles the walking, so this matters.
 */
static inline int
xdrbuf_peek_u32(const struct xdrbuf *b, uint32_t *vp)
{
	const unsigned char *q;

	if (b->vi < b->nvec && b->len - b->pos >= 4 &&
	    b->vec[b->vi].iov_len - b->voff >= 4) {
		q = (const unsigned char *)b->vec[b->vi].iov_base + b->voff;
		*vp = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
		    (uint32_t)q[2] << 8 | q[3];
		return 0;
	}
	return xdrbuf_peek_u32_slow(b, vp);
}

static inline int
xdrbuf_get_u32(struct xdrbuf *b, uint32_t *vp)
{
	const unsigned char *q;

	if (b->vi < b->nvec && b->len - b->pos >= 4 &&
	    b->vec[b->vi].iov_len - b->voff > 4) {
		q = (const unsigned char *)b->vec[b->vi].iov_base + b->voff;
		*vp = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
		    (uint32_t)q[2] << 8 | q[3];
		b->voff += 4;
		b->pos += 4;
		return 0;
	}
	return xdrbuf_get_u32_slow(b, vp);
}

#endif /* EFSGW_XDRBUF_H */
