/*
 * efsgw - nfsc-enc: the client's XDR writer (RFC 4506): big-endian 4-byte
 * units and opaques padded to a multiple of 4, appended to a growable flat
 * buffer. Requests are built here and sent with one writev, so nothing is
 * encoded twice. Out-of-memory is sticky in enc->err rather than fatal, so
 * that a test harness sees a clear error.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "nfsc-int.h"

/* Set up an empty encoder. */
void
nfsc_enc_init(struct nfsc_enc *e)
{
	memset(e, 0, sizeof *e);
}

/* Free the encoder's memory. */
void
nfsc_enc_free(struct nfsc_enc *e)
{
	free(e->p);
	memset(e, 0, sizeof *e);
}

/* Empty the encoder, keeping its memory. */
void
nfsc_enc_reset(struct nfsc_enc *e)
{
	e->len = 0;
	e->err = 0;
}

/* Make room for n more bytes; returns a pointer to them or NULL. */
static uint8_t *
nfsc_enc_room(struct nfsc_enc *e, size_t n)
{
	size_t ncap;
	uint8_t *np;

	if (e->err != 0)
		return NULL;
	if (n > NFSC_MAX_RECORD || e->len + n > NFSC_MAX_RECORD) {
		e->err = EFSGW_ERR_TOO_LONG;
		return NULL;
	}
	if (e->len + n > e->cap) {
		ncap = e->cap ? e->cap : 512;
		while (ncap < e->len + n)
			ncap *= 2;
		if ((np = realloc(e->p, ncap)) == NULL) {
			e->err = EFSGW_ERR_NOMEM;
			return NULL;
		}
		e->p = np;
		e->cap = ncap;
	}
	np = e->p + e->len;
	e->len += n;
	return np;
}

/* Append an unsigned int. */
void
nfsc_enc_u32(struct nfsc_enc *e, uint32_t v)
{
	uint8_t *p;

	if ((p = nfsc_enc_room(e, 4)) != NULL)
		xdrbuf_store_u32(p, v);
}

/* Append an unsigned hyper. */
void
nfsc_enc_u64(struct nfsc_enc *e, uint64_t v)
{
	nfsc_enc_u32(e, (uint32_t)(v >> 32));
	nfsc_enc_u32(e, (uint32_t)v);
}

/* Append opaque[n]: the bytes and zero padding. */
void
nfsc_enc_fixed(struct nfsc_enc *e, const void *src, size_t n)
{
	size_t pad = (4 - (n & 3)) & 3;
	uint8_t *p;

	if ((p = nfsc_enc_room(e, n + pad)) == NULL)
		return;
	if (n > 0)
		memcpy(p, src, n);
	memset(p + n, 0, pad);
}

/* Append opaque<>: length word, bytes, padding. */
void
nfsc_enc_opaque(struct nfsc_enc *e, const void *src, size_t n)
{
	if (n > UINT32_MAX) {
		if (e->err == 0)
			e->err = EFSGW_ERR_TOO_LONG;
		return;
	}
	nfsc_enc_u32(e, (uint32_t)n);
	nfsc_enc_fixed(e, src, n);
}

/* Append string<> (utf8str_cs, component4, ...). */
void
nfsc_enc_string(struct nfsc_enc *e, const char *s)
{
	nfsc_enc_opaque(e, s, strlen(s));
}

/* Overwrite an already written u32 at offset off. */
void
nfsc_enc_set_u32(struct nfsc_enc *e, size_t off, uint32_t v)
{
	if (e->err == 0 && off + 4 <= e->len)
		xdrbuf_store_u32(e->p + off, v);
}

/* Append bitmap4 (uint32_t<>) holding mask, with no trailing zero word. */
void
nfsc_enc_bitmap(struct nfsc_enc *e, uint64_t mask)
{
	if ((mask >> 32) != 0) {
		nfsc_enc_u32(e, 2);
		nfsc_enc_u32(e, (uint32_t)mask);
		nfsc_enc_u32(e, (uint32_t)(mask >> 32));
	} else if (mask != 0) {
		nfsc_enc_u32(e, 1);
		nfsc_enc_u32(e, (uint32_t)mask);
	} else
		nfsc_enc_u32(e, 0);
}
