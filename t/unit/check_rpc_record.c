/*
 * efsgw - unit tests for RPC record marking (RFC 5531 §11): records split
 * across reads at every byte, many fragments, zero-length fragments, the
 * size limit enforced from the mark before any body byte arrives, and the
 * cap on fragments per record.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "proxy.h"

/* Append one fragment of len bytes of value fill. */
static void
add_frag(struct evbuffer *e, size_t len, int last, uint8_t fill)
{
	uint8_t *p = malloc(len + 1);

	xdrbuf_put_u32(e, (uint32_t)len | (last ? 0x80000000u : 0));
	memset(p, fill, len);
	evbuffer_add(e, p, len);
	free(p);
}

/* A two-record stream fed one chunk at a time yields both records. */
START_TEST(test_split_reads)
{
	struct evbuffer *wire = evbuffer_new(), *in = evbuffer_new(), *rec;
	struct rpc_record *rr = rpc_record_new(4096);
	size_t chunk = (size_t)_i, got = 0, total;
	uint8_t buf[64], first;
	int r;

	add_frag(wire, 10, 0, 'a');
	add_frag(wire, 7, 1, 'b');
	add_frag(wire, 5, 1, 'c');
	total = evbuffer_get_length(wire);
	while (evbuffer_get_length(wire) > 0) {
		size_t n = evbuffer_get_length(wire) < chunk ?
		    evbuffer_get_length(wire) : chunk;
		evbuffer_remove_buffer(wire, in, n);
		while ((r = rpc_record_read(rr, in, &rec)) == 1) {
			evbuffer_copyout(rec, &first, 1);
			if (got == 0) {
				ck_assert_uint_eq(evbuffer_get_length(rec), 17);
				evbuffer_copyout(rec, buf, 17);
				ck_assert_int_eq(buf[9], 'a');
				ck_assert_int_eq(buf[10], 'b');
			} else {
				ck_assert_uint_eq(evbuffer_get_length(rec), 5);
				ck_assert_int_eq(first, 'c');
			}
			got++;
			evbuffer_free(rec);
		}
		ck_assert_int_eq(r, 0);
	}
	ck_assert_uint_eq(got, 2);
	ck_assert_uint_gt(total, 0);
	rpc_record_free(rr);
	evbuffer_free(wire);
	evbuffer_free(in);
}
END_TEST

/* Zero-length fragments are legal; a zero-length last one ends the record. */
START_TEST(test_zero_length)
{
	struct evbuffer *in = evbuffer_new(), *rec;
	struct rpc_record *rr = rpc_record_new(4096);

	add_frag(in, 0, 0, 0);
	add_frag(in, 8, 0, 'x');
	add_frag(in, 0, 1, 0);
	ck_assert_int_eq(rpc_record_read(rr, in, &rec), 1);
	ck_assert_uint_eq(evbuffer_get_length(rec), 8);
	evbuffer_free(rec);
	add_frag(in, 0, 1, 0);
	ck_assert_int_eq(rpc_record_read(rr, in, &rec), 1);
	ck_assert_uint_eq(evbuffer_get_length(rec), 0);
	evbuffer_free(rec);
	rpc_record_free(rr);
	evbuffer_free(in);
}
END_TEST

/* A mark claiming 2 GiB is refused before any body byte is read. */
START_TEST(test_oversized_mark)
{
	struct evbuffer *in = evbuffer_new(), *rec;
	struct rpc_record *rr = rpc_record_new(1 << 20);

	xdrbuf_put_u32(in, 0xffffffff);
	ck_assert_int_eq(rpc_record_read(rr, in, &rec), EFSGW_ERR_TOO_LONG);
	ck_assert_ptr_null(rec);
	rpc_record_free(rr);
	evbuffer_free(in);
}
END_TEST

/* Fragments that add up past the limit are refused at the mark. */
START_TEST(test_oversized_total)
{
	struct evbuffer *in = evbuffer_new(), *rec;
	struct rpc_record *rr = rpc_record_new(100);

	add_frag(in, 60, 0, 'a');
	add_frag(in, 41, 1, 'b');
	ck_assert_int_eq(rpc_record_read(rr, in, &rec), EFSGW_ERR_TOO_LONG);
	rpc_record_free(rr);
	evbuffer_free(in);

	in = evbuffer_new();
	rr = rpc_record_new(100);
	add_frag(in, 60, 0, 'a');
	add_frag(in, 40, 1, 'b');
	ck_assert_int_eq(rpc_record_read(rr, in, &rec), 1);
	ck_assert_uint_eq(evbuffer_get_length(rec), 100);
	evbuffer_free(rec);
	rpc_record_free(rr);
	evbuffer_free(in);
}
END_TEST

/*
 * A record over the limit but within the skip limit is read past, in two
 * fragments fed in small pieces: its head is kept (RPC_RECORD_HEAD bytes
 * at most), the rest dropped, and the record after it arrives whole. Over
 * the skip limit the stream is still refused at the mark.
 */
START_TEST(test_skip_oversized)
{
	struct evbuffer *all = evbuffer_new(), *in = evbuffer_new(), *rec = NULL;
	struct rpc_record *rr = rpc_record_new(100);
	size_t n;
	int r = 0, got = 0;

	rpc_record_set_skip(rr, 20000);
	add_frag(all, 6000, 0, 'a');
	add_frag(all, 4000, 1, 'b');
	add_frag(all, 50, 1, 'c');
	while (evbuffer_get_length(all) > 0 || r != 0) {
		n = evbuffer_get_length(all) < 777 ? evbuffer_get_length(all) : 777;
		evbuffer_remove_buffer(all, in, n);
		while ((r = rpc_record_read(rr, in, &rec)) > 0) {
			if (got == 0) {
				ck_assert_int_eq(r, RPC_RECORD_SKIPPED);
				ck_assert_uint_eq(evbuffer_get_length(rec),
				    RPC_RECORD_HEAD);
				ck_assert_uint_eq(evbuffer_pullup(rec, 1)[0], 'a');
			} else {
				ck_assert_int_eq(r, 1);
				ck_assert_uint_eq(evbuffer_get_length(rec), 50);
				ck_assert_uint_eq(evbuffer_pullup(rec, 1)[0], 'c');
			}
			got++;
			evbuffer_free(rec);
		}
		ck_assert_int_ge(r, 0);
		if (evbuffer_get_length(all) == 0)
			break;
	}
	ck_assert_int_eq(got, 2);
	/* Past the skip limit: refused at the mark, as without skipping. */
	add_frag(in, 20001, 1, 'd');
	ck_assert_int_eq(rpc_record_read(rr, in, &rec), EFSGW_ERR_TOO_LONG);
	rpc_record_free(rr);
	evbuffer_free(in);
	evbuffer_free(all);
}
END_TEST

/* Endless empty fragments cannot spin: the fragment count is capped. */
START_TEST(test_too_many_fragments)
{
	struct evbuffer *in = evbuffer_new(), *rec;
	struct rpc_record *rr = rpc_record_new(1 << 20);
	int i;

	for (i = 0; i < RPC_RECORD_MAX_FRAGMENTS + 1; i++)
		add_frag(in, 0, 0, 0);
	ck_assert_int_eq(rpc_record_read(rr, in, &rec), EFSGW_ERR_TOO_MANY);
	rpc_record_free(rr);
	evbuffer_free(in);
}
END_TEST

/* Many small fragments reassemble in order. */
START_TEST(test_many_fragments)
{
	struct evbuffer *in = evbuffer_new(), *rec;
	struct rpc_record *rr = rpc_record_new(1 << 20);
	uint8_t buf[1000];
	int i;

	for (i = 0; i < 1000; i++)
		add_frag(in, 1, i == 999, (uint8_t)i);
	ck_assert_int_eq(rpc_record_read(rr, in, &rec), 1);
	ck_assert_uint_eq(evbuffer_get_length(rec), 1000);
	evbuffer_copyout(rec, buf, 1000);
	for (i = 0; i < 1000; i++)
		ck_assert_uint_eq(buf[i], (uint8_t)i);
	evbuffer_free(rec);
	rpc_record_free(rr);
	evbuffer_free(in);
}
END_TEST

/* Edits apply in order and the new mark carries the new length. */
START_TEST(test_edit_apply)
{
	struct evbuffer *rec = evbuffer_new(), *out = evbuffer_new();
	struct rpc_edit e[3];
	uint8_t buf[32];

	evbuffer_add(rec, "0123456789", 10);
	e[0] = (struct rpc_edit){ 0, 1, "A", 1 };
	e[1] = (struct rpc_edit){ 4, 2, "XYZ", 3 };
	e[2] = (struct rpc_edit){ 10, 0, "!", 1 };
	ck_assert_int_eq(rpc_edit_apply(rec, e, 3, out), 0);
	ck_assert_uint_eq(evbuffer_get_length(out), 4 + 12);
	evbuffer_copyout(out, buf, 16);
	ck_assert_uint_eq(xdrbuf_load_u32(buf), 0x80000000u | 12);
	ck_assert_mem_eq(buf + 4, "A123XYZ6789!", 12);
	/* Overlapping edits are refused. */
	evbuffer_add(rec, "0123456789", 10);
	e[1] = (struct rpc_edit){ 0, 2, NULL, 0 };
	ck_assert_int_eq(rpc_edit_apply(rec, e, 2, out), EFSGW_ERR_INTERNAL);
	evbuffer_free(rec);
	evbuffer_free(out);
}
END_TEST

/* put_mark and prepend_mark frame the same way, and the parser reads both. */
START_TEST(test_marks)
{
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new(), *rec;
	struct rpc_record *rr = rpc_record_new(4096);
	uint8_t x[8], y[8];

	ck_assert_int_eq(rpc_record_put_mark(a, 3), 0);
	evbuffer_add(a, "xyz", 3);
	evbuffer_add(b, "xyz", 3);
	ck_assert_int_eq(rpc_record_prepend_mark(b, 3), 0);
	ck_assert_uint_eq(evbuffer_get_length(a), 7);
	ck_assert_uint_eq(evbuffer_get_length(b), 7);
	evbuffer_copyout(a, x, 7);
	evbuffer_copyout(b, y, 7);
	ck_assert_mem_eq(x, y, 7);
	ck_assert_uint_eq(xdrbuf_load_u32(x), 0x80000003u);
	ck_assert_int_eq(rpc_record_read(rr, b, &rec), 1);
	ck_assert_uint_eq(evbuffer_get_length(rec), 3);
	evbuffer_free(rec);
	/* A length that does not fit in 31 bits is refused by both. */
	ck_assert_int_eq(rpc_record_put_mark(a, 0x80000000u), EFSGW_ERR_TOO_LONG);
	ck_assert_int_eq(rpc_record_prepend_mark(a, 0x80000000u),
	    EFSGW_ERR_TOO_LONG);
	rpc_record_free(rr);
	evbuffer_free(a);
	evbuffer_free(b);
}
END_TEST

static Suite *
record_suite(void)
{
	Suite *s = suite_create("rpc_record");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_split_reads, 1, 40);
	tcase_add_test(tc, test_zero_length);
	tcase_add_test(tc, test_oversized_mark);
	tcase_add_test(tc, test_oversized_total);
	tcase_add_test(tc, test_skip_oversized);
	tcase_add_test(tc, test_too_many_fragments);
	tcase_add_test(tc, test_many_fragments);
	tcase_add_test(tc, test_edit_apply);
	tcase_add_test(tc, test_marks);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(record_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
