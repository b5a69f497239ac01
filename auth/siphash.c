/*
 * efsgw - SipHash-2-4 with a 128-bit tag (Aumasson and Bernstein,
 * "SipHash: a fast short-input PRF", 2012, and the 128-bit output variant
 * of its reference description). Used to seal file handles: inputs are
 * short (a backend handle and a few ids), so a short-input PRF is several
 * times faster than HMAC-SHA-256 for the same job.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <string.h>

#include "auth.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

/* Load 8 little-endian bytes. */
static uint64_t
siphash_load(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	    (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/* Store 8 little-endian bytes. */
static void
siphash_store(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#define SIPROUND do {							\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

/* Compute the 16-byte SipHash-2-4-128 tag of in under a 16-byte key. */
void
siphash128(const uint8_t key[16], const void *in, size_t len, uint8_t out[16])
{
	const uint8_t *p = in, *end = p + (len - len % 8);
	uint64_t k0 = siphash_load(key), k1 = siphash_load(key + 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t v3 = 0x7465646279746573ULL ^ k1;
	uint64_t m, b = (uint64_t)len << 56;
	size_t left = len % 8;

	v1 ^= 0xee;
	for (; p != end; p += 8) {
		m = siphash_load(p);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	switch (left) {
	case 7: b |= (uint64_t)p[6] << 48; /* FALLTHROUGH */
	case 6: b |= (uint64_t)p[5] << 40; /* FALLTHROUGH */
	case 5: b |= (uint64_t)p[4] << 32; /* FALLTHROUGH */
	case 4: b |= (uint64_t)p[3] << 24; /* FALLTHROUGH */
	case 3: b |= (uint64_t)p[2] << 16; /* FALLTHROUGH */
	case 2: b |= (uint64_t)p[1] << 8; /* FALLTHROUGH */
	case 1: b |= (uint64_t)p[0]; break;
	default: break;
	}
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xee;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	siphash_store(out, v0 ^ v1 ^ v2 ^ v3);
	v1 ^= 0xdd;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	siphash_store(out + 8, v0 ^ v1 ^ v2 ^ v3);
}
