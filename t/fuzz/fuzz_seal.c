/*
 * efsgw - libFuzzer target for sealed file handles (auth/seal.c): every
 * handle a client sends is unsealed before anything else looks at it, so
 * unseal_handle() sees raw client bytes.
 *
 * Input: byte 0 chooses the scope length (mod 100, so scopes over
 * SEAL_MAX_SCOPE = 96 are tried too), the next bytes are the scope, the
 * rest is the handle. Checked on every input:
 *   1. unseal_handle() of the handle never reads outside it, and when it
 *      succeeds the backend handle lies inside it and resealing it with
 *      the same key gives the same bytes (sealing is deterministic);
 *   2. round trip: a backend handle of 1..110 bytes seals, unseals to the
 *      same bytes, and fails under another scope and with any one byte
 *      changed (which byte comes from the input);
 *   3. the same bytes as key file text go through seal_keys_parse().
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Three keys; key 2 seals, 1 and 7 verify (a rotation in progress). */
static const char fuzz_seal_keytext[] =
    "key 1 000102030405060708090a0b0c0d0e0f\n"
    "key 2 f0e1d2c3b4a5968778695a4b3c2d1e0f seal\n"
    "key 7 00112233445566778899aabbccddeeff\n";

/* The keys, parsed once. */
static const struct seal_keys *
fuzz_seal_keys(void)
{
	static struct seal_keys k;
	static int done;
	char *cause = NULL;

	if (!done) {
		if (seal_keys_parse("fuzz", fuzz_seal_keytext, &k, &cause) != 0)
			abort();
		done = 1;
	}
	return &k;
}

/* The key set with key id as the sealer (for the determinism check). */
static int
fuzz_seal_with(const struct seal_keys *k, uint8_t id, struct seal_keys *out)
{
	unsigned i;

	*out = *k;
	for (i = 0; i < k->nkeys; i++) {
		if (k->keys[i].id == id) {
			out->sealer = i;
			return 0;
		}
	}
	return -1;
}

/* Check 1: unseal arbitrary bytes. */
static void
fuzz_seal_unseal(const struct seal_keys *k, const char *scope,
    const uint8_t *in, size_t len)
{
	struct seal_keys k2;
	uint8_t out[SEAL_FHSIZE];
	const uint8_t *fh;
	size_t fhlen, n;

	if (unseal_handle(k, scope, in, len, &fh, &fhlen) != 0) {
		if (fh != NULL || fhlen != 0)
			abort();
		return;
	}
	if (fh != in + 2 || fhlen + SEAL_OVERHEAD != len || fhlen == 0 ||
	    fhlen > SEAL_MAX_BACKEND_FH)
		abort();
	/* A forged handle that passed would be found here by resealing. */
	if (fuzz_seal_with(k, in[1], &k2) != 0 ||
	    seal_handle(&k2, scope, fh, fhlen, out, &n) != 0 || n != len ||
	    memcmp(out, in, len) != 0)
		abort();
}

/* Check 2: seal, unseal, and refuse every alteration tried. */
static void
fuzz_seal_roundtrip(const struct seal_keys *k, const char *scope,
    const uint8_t *fh, size_t fhlen, size_t flip)
{
	uint8_t s[SEAL_FHSIZE + 1];
	char other[SEAL_MAX_SCOPE + 2];
	const uint8_t *back;
	size_t n, blen;
	int r;

	r = seal_handle(k, scope, fh, fhlen, s, &n);
	if (fhlen == 0 || fhlen > SEAL_MAX_BACKEND_FH ||
	    strlen(scope) > SEAL_MAX_SCOPE) {
		if (r == 0)
			abort();
		return;
	}
	if (r != 0 || n != fhlen + SEAL_OVERHEAD || s[0] != SEAL_VERSION)
		abort();
	if (unseal_handle(k, scope, s, n, &back, &blen) != 0 ||
	    blen != fhlen || memcmp(back, fh, fhlen) != 0)
		abort();
	/* Another scope: one more character, or the first one changed. */
	snprintf(other, sizeof other, "%sx", scope);
	if (strlen(other) <= SEAL_MAX_SCOPE &&
	    unseal_handle(k, other, s, n, &back, &blen) == 0)
		abort();
	if (scope[0] != '\0') {
		snprintf(other, sizeof other, "%s", scope);
		other[0] ^= 0x01;
		if (unseal_handle(k, other, s, n, &back, &blen) == 0)
			abort();
	}
	/* One byte changed anywhere; truncated; extended. */
	flip %= n;
	s[flip] ^= (uint8_t)(1u << (flip % 8));
	if (unseal_handle(k, scope, s, n, &back, &blen) == 0)
		abort();
	s[flip] ^= (uint8_t)(1u << (flip % 8));
	if (unseal_handle(k, scope, s, n - 1, &back, &blen) == 0)
		abort();
	s[n] = 0;
	if (n < SEAL_FHSIZE && unseal_handle(k, scope, s, n + 1, &back,
	    &blen) == 0)
		abort();
}

/* Check 3: the bytes as key file text. */
static void
fuzz_seal_keyfile(const uint8_t *data, size_t size)
{
	struct seal_keys k;
	char *text, *cause = NULL;
	unsigned i;
	int r;

	text = malloc(size + 1);
	if (text == NULL)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	r = seal_keys_parse("fuzz", text, &k, &cause);
	free(text);
	if (r != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		return;
	}
	if (cause != NULL || k.nkeys == 0 || k.nkeys > SEAL_MAX_KEYS ||
	    k.sealer >= k.nkeys)
		abort();
	for (i = 0; i < k.nkeys; i++)
		if (k.keys[i].id == 0)
			abort();
}

/* Run the three checks on one input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct seal_keys *k = fuzz_seal_keys();
	char scope[100];
	size_t slen;

	fuzz_seal_keyfile(data, size);
	if (size < 1)
		return 0;
	slen = data[0] % 100;
	if (slen > size - 1)
		slen = size - 1;
	memcpy(scope, data + 1, slen);
	scope[slen] = '\0';
	data += 1 + slen;
	size -= 1 + slen;
	fuzz_seal_unseal(k, scope, data, size);
	fuzz_seal_roundtrip(k, scope, data, size, size > 0 ? data[0] : 0);
	return 0;
}
