/*
 * efsgw - unit tests for sealed file handles and SipHash-2-4-128.
 * Pins: the SipHash reference vector and agreement with OpenSSL's SIPHASH
 * for every length up to 64; sealing is deterministic; any bit flipped in
 * a sealed handle, another scope (file system or access point), an unknown
 * key id or a wrong length is refused; old keys verify after rotation;
 * key files are parsed strictly. Also reports ns per seal+unseal.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "auth.h"

static const char keytext[] =
	"# test keys\n"
	"key 1 000102030405060708090a0b0c0d0e0f\n"
	"key 2 f0e0d0c0b0a090807060504030201000 seal\n";

/* SipHash paper, Appendix A style vector: empty input, key 00..0f. */
START_TEST(test_siphash_vector)
{
	static const uint8_t want[16] = { 0xa3, 0x81, 0x7f, 0x04, 0xba, 0x25,
	    0xa8, 0xe6, 0x6d, 0xf6, 0x72, 0x14, 0xc7, 0x55, 0x02, 0x93 };
	uint8_t key[16], out[16];
	int i;

	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	siphash128(key, "", 0, out);
	ck_assert_mem_eq(out, want, 16);
}
END_TEST

/* Our SipHash-128 equals OpenSSL's for lengths 0..64 (independent check). */
START_TEST(test_siphash_openssl)
{
	uint8_t key[16], msg[64], a[16], b[16];
	size_t outl, sz = 16;
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
	OSSL_PARAM p[2];
	EVP_MAC_CTX *c;
	int i;

	ck_assert_ptr_nonnull(mac);
	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < 64; i++)
		msg[i] = (uint8_t)(i * 13);
	for (i = 0; i <= 64; i++) {
		p[0] = OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &sz);
		p[1] = OSSL_PARAM_construct_end();
		c = EVP_MAC_CTX_new(mac);
		ck_assert_int_eq(EVP_MAC_init(c, key, 16, p), 1);
		EVP_MAC_update(c, msg, (size_t)i);
		EVP_MAC_final(c, b, &outl, 16);
		EVP_MAC_CTX_free(c);
		siphash128(key, msg, (size_t)i, a);
		ck_assert_mem_eq(a, b, 16);
	}
	EVP_MAC_free(mac);
}
END_TEST

/* Round trip, determinism and the layout version|key|fh|tag. */
START_TEST(test_seal_roundtrip)
{
	struct seal_keys k;
	uint8_t fh[23], s1[128], s2[128];
	const uint8_t *back;
	size_t n1, n2, blen;
	char *cause;
	int i;

	ck_assert_int_eq(seal_keys_parse("k", keytext, &k, &cause), 0);
	for (i = 0; i < 23; i++)
		fh[i] = (uint8_t)(i + 100);
	ck_assert_int_eq(seal_handle(&k, "fs-12345678", fh, 23, s1, &n1), 0);
	ck_assert_int_eq(seal_handle(&k, "fs-12345678", fh, 23, s2, &n2), 0);
	ck_assert_uint_eq(n1, 23 + SEAL_OVERHEAD);
	ck_assert_mem_eq(s1, s2, n1);
	ck_assert_uint_eq(s1[0], SEAL_VERSION);
	ck_assert_uint_eq(s1[1], 2);
	ck_assert_mem_eq(s1 + 2, fh, 23);
	ck_assert_int_eq(unseal_handle(&k, "fs-12345678", s1, n1, &back, &blen), 0);
	ck_assert_uint_eq(blen, 23);
	ck_assert_mem_eq(back, fh, 23);
}
END_TEST

/* Every single-bit flip of a sealed handle is refused. */
START_TEST(test_seal_bitflips)
{
	struct seal_keys k;
	uint8_t fh[40], s[128], t[128];
	const uint8_t *back;
	size_t n, blen, i;
	char *cause;
	int bit;

	ck_assert_int_eq(seal_keys_parse("k", keytext, &k, &cause), 0);
	memset(fh, 0x5a, sizeof fh);
	ck_assert_int_eq(seal_handle(&k, "fs-12345678/fsap-0123456789abcdef0",
	    fh, sizeof fh, s, &n), 0);
	for (i = 0; i < n; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(t, s, n);
			t[i] ^= (uint8_t)(1 << bit);
			ck_assert_int_ne(unseal_handle(&k,
			    "fs-12345678/fsap-0123456789abcdef0", t, n, &back,
			    &blen), 0);
		}
	}
	/* Truncated or extended handles. */
	for (i = 0; i < n; i++)
		ck_assert_int_ne(unseal_handle(&k,
		    "fs-12345678/fsap-0123456789abcdef0", s, i, &back, &blen), 0);
}
END_TEST

/* A handle of one scope is refused in another (fs, access point). */
START_TEST(test_seal_scopes)
{
	struct seal_keys k;
	uint8_t fh[16], s[128];
	const uint8_t *back;
	size_t n, blen;
	char *cause;

	ck_assert_int_eq(seal_keys_parse("k", keytext, &k, &cause), 0);
	memset(fh, 1, sizeof fh);
	ck_assert_int_eq(seal_handle(&k, "fs-12345678/fsap-0000000000000000a",
	    fh, sizeof fh, s, &n), 0);
	ck_assert_int_ne(unseal_handle(&k, "fs-12345678/fsap-0000000000000000b",
	    s, n, &back, &blen), 0);
	ck_assert_int_ne(unseal_handle(&k, "fs-12345678", s, n, &back, &blen), 0);
	ck_assert_int_ne(unseal_handle(&k, "fs-12345679/fsap-0000000000000000a",
	    s, n, &back, &blen), 0);
}
END_TEST

/* Rotation: a handle sealed with key 1 verifies once key 2 seals. */
START_TEST(test_seal_rotation)
{
	struct seal_keys oldk, newk;
	uint8_t fh[16], s[128], s2[128];
	const uint8_t *back;
	size_t n, n2, blen;
	char *cause;

	ck_assert_int_eq(seal_keys_parse("k",
	    "key 1 000102030405060708090a0b0c0d0e0f seal\n", &oldk, &cause), 0);
	ck_assert_int_eq(seal_keys_parse("k", keytext, &newk, &cause), 0);
	memset(fh, 9, sizeof fh);
	ck_assert_int_eq(seal_handle(&oldk, "fs-12345678", fh, 16, s, &n), 0);
	ck_assert_int_eq(unseal_handle(&newk, "fs-12345678", s, n, &back, &blen), 0);
	ck_assert_int_eq(seal_handle(&newk, "fs-12345678", fh, 16, s2, &n2), 0);
	ck_assert_int_ne(memcmp(s, s2, n), 0);
	/* The old set does not know key 2. */
	ck_assert_int_ne(unseal_handle(&oldk, "fs-12345678", s2, n2, &back, &blen), 0);
}
END_TEST

/* Backend handles that cannot fit NFS4_FHSIZE once sealed are refused. */
START_TEST(test_seal_too_long)
{
	struct seal_keys k;
	uint8_t fh[128], s[128];
	size_t n;
	char *cause;

	ck_assert_int_eq(seal_keys_parse("k", keytext, &k, &cause), 0);
	memset(fh, 0, sizeof fh);
	ck_assert_int_eq(seal_handle(&k, "fs-12345678", fh, SEAL_MAX_BACKEND_FH,
	    s, &n), 0);
	ck_assert_uint_eq(n, 128);
	ck_assert_int_eq(seal_handle(&k, "fs-12345678", fh,
	    SEAL_MAX_BACKEND_FH + 1, s, &n), EFSGW_ERR_TOO_LONG);
}
END_TEST

static const char *const bad_keyfiles[] = {
	"",
	"key 1 000102030405060708090a0b0c0d0e0f\n",		/* no seal key */
	"key 1 000102030405060708090a0b0c0d0e0f seal\nkey 2 000102030405060708090a0b0c0d0e0f seal\n",
	"key 0 000102030405060708090a0b0c0d0e0f seal\n",
	"key 256 000102030405060708090a0b0c0d0e0f seal\n",
	"key 1 0001020304050607 seal\n",
	"key 1 zz0102030405060708090a0b0c0d0e0f seal\n",
	"key 1 000102030405060708090a0b0c0d0e0f sealed\n",
	"key 1 000102030405060708090a0b0c0d0e0f seal\nkey 1 f00102030405060708090a0b0c0d0e0f\n",
	"secret 1 000102030405060708090a0b0c0d0e0f seal\n",
};

/* Key files that are wrong are refused with a cause. */
START_TEST(test_keyfile_bad)
{
	struct seal_keys k;
	char *cause = NULL;

	ck_assert_int_ne(seal_keys_parse("bad", bad_keyfiles[_i], &k, &cause), 0);
	ck_assert_ptr_nonnull(cause);
	free(cause);
}
END_TEST

/* Cost of sealing and unsealing one 28-byte handle. */
START_TEST(test_seal_speed)
{
	struct seal_keys k;
	uint8_t fh[28], s[128];
	const uint8_t *back;
	size_t n, blen;
	struct timespec a, b;
	char *cause;
	int i, iters = 200000;
	double ns;

	ck_assert_int_eq(seal_keys_parse("k", keytext, &k, &cause), 0);
	memset(fh, 3, sizeof fh);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < iters; i++) {
		fh[0] = (uint8_t)i;
		seal_handle(&k, "fs-0123456789abcdef0/fsap-0123456789abcdef0", fh,
		    sizeof fh, s, &n);
		ck_assert_int_eq(unseal_handle(&k,
		    "fs-0123456789abcdef0/fsap-0123456789abcdef0", s, n, &back,
		    &blen), 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / iters;
	printf("seal+unseal of a 28-byte handle: %.0f ns\n", ns);
}
END_TEST

static Suite *
seal_suite(void)
{
	Suite *s = suite_create("seal");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_siphash_vector);
	tcase_add_test(tc, test_siphash_openssl);
	tcase_add_test(tc, test_seal_roundtrip);
	tcase_add_test(tc, test_seal_bitflips);
	tcase_add_test(tc, test_seal_scopes);
	tcase_add_test(tc, test_seal_rotation);
	tcase_add_test(tc, test_seal_too_long);
	tcase_add_loop_test(tc, test_keyfile_bad, 0, (int)nitems(bad_keyfiles));
	tcase_add_test(tc, test_seal_speed);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(seal_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
