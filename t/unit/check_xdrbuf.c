/*
 * efsgw - unit tests for xdrbuf, the bounds-checked XDR reader (RFC 4506).
 * Pins: every read checks the remaining length first; lengths are checked
 * against their limit before padding is added (no overflow for 0xffffffff);
 * reads work across iovec boundaries; a failed read leaves the cursor.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "common.h"
#include "xdrbuf.h"

static const uint8_t sample[] = {
	0x00, 0x00, 0x00, 0x2a,			/* u32 42 */
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,	/* u64 2^32+2 */
	0x00, 0x00, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o', 0, 0, 0, /* opaque<> */
	0x00, 0x00, 0x00, 0x01,			/* bool true */
};

/* Split sample into vectors of chunk bytes each. */
static int
split(const uint8_t *p, size_t len, size_t chunk, struct evbuffer_iovec *vec)
{
	int n = 0;
	size_t off;

	for (off = 0; off < len; off += chunk) {
		vec[n].iov_base = (void *)(uintptr_t)(p + off);
		vec[n].iov_len = len - off < chunk ? len - off : chunk;
		n++;
	}
	return n;
}

/* RFC 4506 §4.2, §4.5, §4.10, §4.4 read back across any vector split. */
START_TEST(test_read_split)
{
	struct evbuffer_iovec vec[sizeof sample];
	struct xdrbuf b;
	uint32_t v;
	uint64_t h;
	uint8_t body[16];
	size_t len;
	int bv;
	int n = split(sample, sizeof sample, (size_t)_i, vec);

	xdrbuf_init(&b, vec, n);
	ck_assert_uint_eq(xdrbuf_len(&b), sizeof sample);
	ck_assert_int_eq(xdrbuf_get_u32(&b, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(xdrbuf_get_u64(&b, &h), 0);
	ck_assert_uint_eq(h, 0x100000002ULL);
	ck_assert_int_eq(xdrbuf_get_opaque(&b, 16, body, sizeof body, &len), 0);
	ck_assert_uint_eq(len, 5);
	ck_assert_mem_eq(body, "hello", 5);
	ck_assert_int_eq(xdrbuf_get_bool(&b, &bv), 0);
	ck_assert_int_eq(bv, 1);
	ck_assert_uint_eq(xdrbuf_remaining(&b), 0);
	ck_assert_int_eq(xdrbuf_get_u32(&b, &v), EFSGW_ERR_TRUNCATED);
}
END_TEST

/* A length of 0xffffffff must not wrap when padding is added. */
START_TEST(test_huge_length)
{
	static const uint8_t p[] = { 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4 };
	struct evbuffer_iovec one;
	struct xdrbuf b;
	size_t len, off;

	xdrbuf_init_mem(&b, &one, p, sizeof p);
	ck_assert_int_eq(xdrbuf_skip_opaque(&b, SIZE_MAX, &off, &len),
	    EFSGW_ERR_TRUNCATED);
	ck_assert_int_eq(xdrbuf_skip_opaque(&b, 1024, &off, &len),
	    EFSGW_ERR_TOO_LONG);
	ck_assert_uint_eq(xdrbuf_pos(&b), 0);
	ck_assert_int_eq(xdrbuf_skip_opaque_fixed(&b, SIZE_MAX), EFSGW_ERR_TOO_LONG);
}
END_TEST

/* A bool other than 0 or 1 is invalid XDR (RFC 4506 §4.4). */
START_TEST(test_bool_range)
{
	static const uint8_t p[] = { 0, 0, 0, 2 };
	struct evbuffer_iovec one;
	struct xdrbuf b;
	int v;

	xdrbuf_init_mem(&b, &one, p, sizeof p);
	ck_assert_int_eq(xdrbuf_get_bool(&b, &v), EFSGW_ERR_BAD_VALUE);
	ck_assert_uint_eq(xdrbuf_pos(&b), 0);
}
END_TEST

/* Every truncation of the sample fails cleanly at the first short read. */
START_TEST(test_truncate_all)
{
	struct evbuffer_iovec one;
	struct xdrbuf b;
	uint32_t v;
	uint64_t h;
	uint8_t body[16];
	size_t len, cut;
	int bv, r;

	for (cut = 0; cut < sizeof sample; cut++) {
		xdrbuf_init_mem(&b, &one, sample, cut);
		r = xdrbuf_get_u32(&b, &v);
		if (r == 0)
			r = xdrbuf_get_u64(&b, &h);
		if (r == 0)
			r = xdrbuf_get_opaque(&b, 16, body, sizeof body, &len);
		if (r == 0)
			r = xdrbuf_get_bool(&b, &bv);
		ck_assert_int_eq(r, EFSGW_ERR_TRUNCATED);
	}
}
END_TEST

/* Seek and copy_at work backwards and across vectors. */
START_TEST(test_seek_copy)
{
	struct evbuffer_iovec vec[sizeof sample];
	struct xdrbuf b;
	uint8_t out[5];
	uint32_t v;
	int n = split(sample, sizeof sample, 3, vec);

	xdrbuf_init(&b, vec, n);
	ck_assert_int_eq(xdrbuf_copy_at(&b, 16, out, 5), 0);
	ck_assert_mem_eq(out, "hello", 5);
	ck_assert_int_eq(xdrbuf_copy_at(&b, 26, out, 4), EFSGW_ERR_TRUNCATED);
	ck_assert_int_eq(xdrbuf_seek(&b, 24), 0);
	ck_assert_int_eq(xdrbuf_get_u32(&b, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(xdrbuf_seek(&b, 0), 0);
	ck_assert_int_eq(xdrbuf_get_u32(&b, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(xdrbuf_seek(&b, sizeof sample + 1), EFSGW_ERR_TRUNCATED);
}
END_TEST

/* Writers produce big-endian words and zero padding. */
START_TEST(test_writers)
{
	struct evbuffer *e = evbuffer_new();
	uint8_t out[32];

	ck_assert_int_eq(xdrbuf_put_u32(e, 42), 0);
	ck_assert_int_eq(xdrbuf_put_u64(e, 0x100000002ULL), 0);
	ck_assert_int_eq(xdrbuf_put_opaque(e, "hello", 5), 0);
	ck_assert_int_eq(xdrbuf_put_u32(e, 1), 0);
	ck_assert_uint_eq(evbuffer_get_length(e), sizeof sample);
	evbuffer_remove(e, out, sizeof sample);
	ck_assert_mem_eq(out, sample, sizeof sample);
	evbuffer_free(e);
}
END_TEST

static Suite *
xdrbuf_suite(void)
{
	Suite *s = suite_create("xdrbuf");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_read_split, 1, (int)sizeof sample + 1);
	tcase_add_test(tc, test_huge_length);
	tcase_add_test(tc, test_bool_range);
	tcase_add_test(tc, test_truncate_all);
	tcase_add_test(tc, test_seek_copy);
	tcase_add_test(tc, test_writers);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(xdrbuf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
