/*
 * efsgw - unit tests for RPC header parsing (RFC 5531 §9, Appendix A):
 * calls with AUTH_NONE and AUTH_SYS, replies of every accept and reject
 * status, AUTH_SYS with more than 16 gids or a body that does not fill its
 * opaque, and every truncation of a valid call.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "proxy.h"

/* Build an AUTH_SYS call header with ngids gids and extra cred bytes. */
static struct evbuffer *
make_call(uint32_t ngids, uint32_t declared_ngids, uint32_t extra)
{
	struct evbuffer *e = evbuffer_new(), *cred = evbuffer_new();
	uint32_t i;

	xdrbuf_put_u32(cred, 7);			/* stamp */
	xdrbuf_put_opaque(cred, "host", 4);
	xdrbuf_put_u32(cred, 1000);
	xdrbuf_put_u32(cred, 100);
	xdrbuf_put_u32(cred, declared_ngids);
	for (i = 0; i < ngids; i++)
		xdrbuf_put_u32(cred, 200 + i);
	for (i = 0; i < extra; i++)
		xdrbuf_put_u32(cred, 0);
	xdrbuf_put_u32(e, 0x1234);			/* xid */
	xdrbuf_put_u32(e, RPC_CALL);
	xdrbuf_put_u32(e, 2);
	xdrbuf_put_u32(e, NFS4_PROGRAM);
	xdrbuf_put_u32(e, 4);
	xdrbuf_put_u32(e, 1);
	xdrbuf_put_u32(e, AUTH_SYS);
	xdrbuf_put_u32(e, (uint32_t)evbuffer_get_length(cred));
	evbuffer_add_buffer(e, cred);
	xdrbuf_put_u32(e, AUTH_NONE);
	xdrbuf_put_u32(e, 0);
	xdrbuf_put_u32(e, 0xdeadbeef);			/* body */
	evbuffer_free(cred);
	return e;
}

/* Parse e (pulled up) into m. */
static int
parse(struct evbuffer *e, size_t len, struct rpc_msg *m)
{
	struct evbuffer_iovec one;
	struct xdrbuf b;

	xdrbuf_init_mem(&b, &one, evbuffer_pullup(e, -1), len);
	return rpc_msg_parse(&b, m);
}

/* A valid AUTH_SYS call decodes uid, gid and gids. */
START_TEST(test_call_authsys)
{
	struct evbuffer *e = make_call(3, 3, 0);
	struct rpc_msg m;

	ck_assert_int_eq(parse(e, evbuffer_get_length(e), &m), 0);
	ck_assert_uint_eq(m.xid, 0x1234);
	ck_assert_uint_eq(m.prog, NFS4_PROGRAM);
	ck_assert_uint_eq(m.proc, 1);
	ck_assert_uint_eq(m.cred_flavor, AUTH_SYS);
	ck_assert_uint_eq(m.sys.uid, 1000);
	ck_assert_uint_eq(m.sys.gid, 100);
	ck_assert_uint_eq(m.sys.ngids, 3);
	ck_assert_uint_eq(m.sys.gids[2], 202);
	ck_assert_str_eq(m.sys.machine, "host");
	ck_assert_uint_eq(m.body_off, evbuffer_get_length(e) - 4);
	evbuffer_free(e);
}
END_TEST

/* RFC 5531 Appendix A: gids<16>; 17 is refused before reading them. */
START_TEST(test_call_too_many_gids)
{
	struct evbuffer *e = make_call(17, 17, 0);
	struct rpc_msg m;

	ck_assert_int_eq(parse(e, evbuffer_get_length(e), &m), EFSGW_ERR_TOO_MANY);
	evbuffer_free(e);
}
END_TEST

/* Credential fields must fill the opaque exactly. */
START_TEST(test_call_cred_slack)
{
	struct evbuffer *e = make_call(2, 2, 1);
	struct rpc_msg m;

	ck_assert_int_eq(parse(e, evbuffer_get_length(e), &m), EFSGW_ERR_BAD_RPC);
	evbuffer_free(e);
	e = make_call(2, 3, 0);		/* declares more gids than present */
	ck_assert_int_ne(parse(e, evbuffer_get_length(e), &m), 0);
	evbuffer_free(e);
}
END_TEST

/* Every truncation of the header fails; the full one succeeds. */
START_TEST(test_call_truncations)
{
	struct evbuffer *e = make_call(2, 2, 0);
	struct rpc_msg m;
	size_t len = evbuffer_get_length(e) - 4, cut;

	for (cut = 0; cut < len; cut++)
		ck_assert_int_ne(parse(e, cut, &m), 0);
	ck_assert_int_eq(parse(e, len, &m), 0);
	evbuffer_free(e);
}
END_TEST

/* The replies the gateway writes parse back as what they say. */
START_TEST(test_replies_roundtrip)
{
	struct evbuffer *e = evbuffer_new();
	struct rpc_msg m;

	ck_assert_int_eq(rpc_msg_put_accepted(e, 9, RPC_GARBAGE_ARGS), 0);
	ck_assert_int_eq(parse(e, evbuffer_get_length(e), &m), 0);
	ck_assert_uint_eq(m.type, RPC_REPLY);
	ck_assert_uint_eq(m.accept_stat, RPC_GARBAGE_ARGS);
	evbuffer_drain(e, evbuffer_get_length(e));

	ck_assert_int_eq(rpc_msg_put_prog_mismatch(e, 9, 4, 4), 0);
	ck_assert_int_eq(parse(e, evbuffer_get_length(e), &m), 0);
	ck_assert_uint_eq(m.accept_stat, RPC_PROG_MISMATCH);
	evbuffer_drain(e, evbuffer_get_length(e));

	ck_assert_int_eq(rpc_msg_put_auth_error(e, 9, AUTH_TOOWEAK), 0);
	ck_assert_int_eq(parse(e, evbuffer_get_length(e), &m), 0);
	ck_assert_uint_eq(m.reply_stat, RPC_MSG_DENIED);
	evbuffer_drain(e, evbuffer_get_length(e));

	ck_assert_int_eq(rpc_msg_put_rpc_mismatch(e, 9), 0);
	ck_assert_int_eq(parse(e, evbuffer_get_length(e), &m), 0);
	evbuffer_drain(e, evbuffer_get_length(e));

	ck_assert_int_eq(rpc_msg_put_call(e, 77, NFS4_PROGRAM, 4, 1), 0);
	ck_assert_int_eq(parse(e, evbuffer_get_length(e), &m), 0);
	ck_assert_uint_eq(m.xid, 77);
	ck_assert_uint_eq(m.cred_flavor, AUTH_SYS);
	ck_assert_uint_eq(m.sys.uid, 0);
	evbuffer_free(e);
}
END_TEST

/* Unknown message types and reply states are not RPC. */
START_TEST(test_bad_types)
{
	struct evbuffer *e = evbuffer_new();
	struct rpc_msg m;

	xdrbuf_put_u32(e, 1);
	xdrbuf_put_u32(e, 2);		/* msg_type 2 */
	ck_assert_int_eq(parse(e, 8, &m), EFSGW_ERR_BAD_RPC);
	ck_assert_uint_eq(m.xid, 1);
	evbuffer_drain(e, 8);
	xdrbuf_put_u32(e, 1);
	xdrbuf_put_u32(e, RPC_REPLY);
	xdrbuf_put_u32(e, 7);		/* reply_stat 7 */
	ck_assert_int_eq(parse(e, 12, &m), EFSGW_ERR_BAD_RPC);
	evbuffer_free(e);
}
END_TEST

static Suite *
msg_suite(void)
{
	Suite *s = suite_create("rpc_msg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_call_authsys);
	tcase_add_test(tc, test_call_too_many_gids);
	tcase_add_test(tc, test_call_cred_slack);
	tcase_add_test(tc, test_call_truncations);
	tcase_add_test(tc, test_replies_roundtrip);
	tcase_add_test(tc, test_bad_types);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(msg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
