/*
 * efsgw - Check test of the test client's reply decoding (t/nfsc): a
 * hand-built COMPOUND4res (RFC 5531 §9 reply header, RFC 8881 SEQUENCE,
 * PUTFH, GETATTR, GETFH, READ and READDIR results) must decode to the
 * values put in, and every truncation and every single-bit flip of it must
 * decode or fail cleanly without reading outside the record (STYLE rule 16;
 * run under valgrind or --enable-sanitizers to see an over-read).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "nfsc-int.h"

/* Build the reply into e. */
static void
build_reply(struct nfsc_enc *e)
{
	struct nfsc_enc a;
	uint8_t sid[16], fh[20];
	const char data[] = "hello, world";

	memset(sid, 7, sizeof sid);
	memset(fh, 9, sizeof fh);
	nfsc_enc_init(e);
	nfsc_enc_u32(e, 0x1234);	/* xid */
	nfsc_enc_u32(e, 1);		/* REPLY */
	nfsc_enc_u32(e, 0);		/* MSG_ACCEPTED */
	nfsc_enc_u32(e, 0);		/* verifier AUTH_NONE */
	nfsc_enc_u32(e, 0);
	nfsc_enc_u32(e, 0);		/* SUCCESS */
	nfsc_enc_u32(e, 0);		/* NFS4_OK */
	nfsc_enc_string(e, "tag");
	nfsc_enc_u32(e, 6);		/* results */
	nfsc_enc_u32(e, NFSC_OP_SEQUENCE);
	nfsc_enc_u32(e, 0);
	nfsc_enc_fixed(e, sid, 16);
	nfsc_enc_u32(e, 1);
	nfsc_enc_u32(e, 0);
	nfsc_enc_u32(e, 63);
	nfsc_enc_u32(e, 63);
	nfsc_enc_u32(e, 0);
	nfsc_enc_u32(e, NFSC_OP_PUTFH);
	nfsc_enc_u32(e, 0);
	nfsc_enc_u32(e, NFSC_OP_GETATTR);
	nfsc_enc_u32(e, 0);
	nfsc_enc_bitmap(e, NFSC_ABIT(NFSC_A_TYPE) | NFSC_ABIT(NFSC_A_SIZE) |
	    NFSC_ABIT(NFSC_A_MODE) | NFSC_ABIT(NFSC_A_OWNER));
	nfsc_enc_init(&a);
	nfsc_enc_u32(&a, NFSC_NF4REG);
	nfsc_enc_u64(&a, 12345);
	nfsc_enc_u32(&a, 0644);
	nfsc_enc_string(&a, "1000");
	nfsc_enc_opaque(e, a.p, a.len);
	nfsc_enc_free(&a);
	nfsc_enc_u32(e, NFSC_OP_GETFH);
	nfsc_enc_u32(e, 0);
	nfsc_enc_opaque(e, fh, sizeof fh);
	nfsc_enc_u32(e, NFSC_OP_READ);
	nfsc_enc_u32(e, 0);
	nfsc_enc_u32(e, 1);		/* eof */
	nfsc_enc_opaque(e, data, strlen(data));
	nfsc_enc_u32(e, NFSC_OP_READDIR);
	nfsc_enc_u32(e, 0);
	nfsc_enc_fixed(e, sid, 8);	/* cookieverf */
	nfsc_enc_u32(e, 1);		/* entry follows */
	nfsc_enc_u64(e, 3);
	nfsc_enc_string(e, "a");
	nfsc_enc_bitmap(e, 0);
	nfsc_enc_opaque(e, NULL, 0);
	nfsc_enc_u32(e, 1);
	nfsc_enc_u64(e, 4);
	nfsc_enc_string(e, "bb");
	nfsc_enc_bitmap(e, 0);
	nfsc_enc_opaque(e, NULL, 0);
	nfsc_enc_u32(e, 0);		/* no more */
	nfsc_enc_u32(e, 1);		/* eof */
}

static int
count_entry(const struct nfsc_dirent *de, void *arg)
{
	(*(int *)arg)++;
	return de->namelen > 2;
}

/* Decode rec as the reply to PUTFH, GETATTR, GETFH, READ, READDIR. */
static int
decode(struct nfsc *clnt, const uint8_t *rec, size_t len, struct nfsc_attr *a,
    int *nent, char *buf)
{
	struct nfsc_req *req = nfsc_req_new(clnt);
	struct nfsc_fh fh;
	uint64_t cookie;
	uint8_t verf[8];
	uint32_t n;
	int r, eof;

	req->nops = 5;			/* the ops are not sent, only counted */
	req->rec = malloc(len ? len : 1);
	memcpy(req->rec, rec, len);
	req->reclen = len;
	if ((r = nfsc_req_parse(req)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0 &&
	    (r = nfsc_res_getattr(req, a)) == 0 &&
	    (r = nfsc_res_getfh(req, &fh)) == 0 &&
	    (r = nfsc_res_read(req, buf, 64, &n, &eof)) == 0)
		r = nfsc_res_readdir(req, count_entry, nent, &cookie, verf, &eof);
	nfsc_req_free(req);
	return r;
}

START_TEST(test_decode_values)
{
	struct nfsc clnt;
	struct nfsc_enc e;
	struct nfsc_attr a;
	char buf[64];
	int nent = 0;

	memset(&clnt, 0, sizeof clnt);
	memset(buf, 0, sizeof buf);
	build_reply(&e);
	ck_assert_int_eq(e.err, 0);
	ck_assert_int_eq(decode(&clnt, e.p, e.len, &a, &nent, buf), 0);
	ck_assert_uint_eq(a.type, NFSC_NF4REG);
	ck_assert_uint_eq(a.size, 12345);
	ck_assert_uint_eq(a.mode, 0644);
	ck_assert_str_eq(a.owner, "1000");
	ck_assert_str_eq(buf, "hello, world");
	ck_assert_int_eq(nent, 2);
	nfsc_enc_free(&e);
}
END_TEST

START_TEST(test_truncate_and_flip)
{
	struct nfsc clnt;
	struct nfsc_enc e;
	struct nfsc_attr a;
	uint8_t *copy;
	char buf[64];
	size_t len, i;
	int bit, nent, ok = 0;

	memset(&clnt, 0, sizeof clnt);
	build_reply(&e);
	copy = malloc(e.len);
	/* Every truncation must fail, never over-read. */
	for (len = 0; len < e.len; len++) {
		nent = 0;
		ck_assert_int_ne(decode(&clnt, e.p, len, &a, &nent, buf), 0);
	}
	/* Every single-bit flip must decode or fail cleanly. */
	for (i = 0; i < e.len; i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(copy, e.p, e.len);
			copy[i] ^= (uint8_t)(1u << bit);
			nent = 0;
			if (decode(&clnt, copy, e.len, &a, &nent, buf) == 0)
				ok++;
		}
	ck_assert_int_gt(ok, 0);
	free(copy);
	nfsc_enc_free(&e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("nfsc");
	TCase *tc = tcase_create("decode");
	SRunner *sr;
	int nfail;

	tcase_add_test(tc, test_decode_values);
	tcase_add_test(tc, test_truncate_and_flip);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? 0 : 1;
}
