/*
 * efsgw - wire tests: hostile and malformed input sent to a running
 * gateway (address in EFSGW_TEST_ADDR, started by t/integration/wire.sh
 * with NFS-Ganesha behind it). Each case asserts the exact reply the
 * gateway must give, or that it closes only that connection, and after
 * every case a second, long-lived client must still get answers.
 *
 * Pins: RFC 5531 §9 (PROG_UNAVAIL, PROG_MISMATCH, PROC_UNAVAIL,
 * GARBAGE_ARGS, AUTH_ERROR), §11 (record marks); RFC 8881 §15.2 and
 * §16.2.3 (OP_ILLEGAL, MINOR_VERS_MISMATCH, TOO_MANY_OPS, BADXDR ending
 * the COMPOUND at the bad op); RFC 7530 §16.14 (LOOKUPP at the root).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "proxy.h"

#define WIRE_TIMEOUT_MS	10000

static struct sockaddr_in gw_addr;
static int bystander = -1;	/* the second client that must keep working */
static uint32_t next_xid = 0x5000;

/* Connect to the gateway. */
static int
wire_connect(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	if (connect(fd, (struct sockaddr *)&gw_addr, sizeof gw_addr) != 0)
		ck_abort_msg("connect: %s", strerror(errno));
	return fd;
}

/* Send all of p. */
static void
wire_send(int fd, const void *p, size_t len)
{
	const uint8_t *q = p;
	ssize_t n;

	while (len > 0) {
		n = send(fd, q, len, MSG_NOSIGNAL);
		if (n <= 0)
			ck_abort_msg("send: %s", strerror(errno));
		q += n;
		len -= (size_t)n;
	}
}

/* Receive exactly len bytes; 0, or -1 on EOF/error/timeout. */
static int
wire_recv(int fd, void *p, size_t len, int timeout_ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	uint8_t *q = p;
	ssize_t n;

	while (len > 0) {
		if (poll(&pfd, 1, timeout_ms) <= 0)
			return -1;
		n = recv(fd, q, len, 0);
		if (n <= 0)
			return -1;
		q += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Send msg as one record. */
static void
wire_send_record(int fd, struct evbuffer *msg)
{
	uint8_t mark[4];
	size_t len = evbuffer_get_length(msg);

	xdrbuf_store_u32(mark, 0x80000000u | (uint32_t)len);
	wire_send(fd, mark, 4);
	wire_send(fd, evbuffer_pullup(msg, -1), len);
}

/* Read one whole record into a malloc'ed buffer; NULL on EOF/timeout. */
static uint8_t *
wire_recv_record(int fd, size_t *lenp)
{
	uint8_t mark[4], *p = NULL;
	size_t len = 0, flen;
	uint32_t v;

	do {
		if (wire_recv(fd, mark, 4, WIRE_TIMEOUT_MS) != 0) {
			free(p);
			return NULL;
		}
		v = xdrbuf_load_u32(mark);
		flen = v & 0x7fffffff;
		ck_assert_uint_le(flen, 4 * 1024 * 1024);
		p = realloc(p, len + flen + 1);
		if (wire_recv(fd, p + len, flen, WIRE_TIMEOUT_MS) != 0) {
			free(p);
			return NULL;
		}
		len += flen;
	} while ((v & 0x80000000u) == 0);
	*lenp = len;
	return p;
}

/* True when the gateway closed fd within the timeout. */
static int
wire_closed(int fd, int timeout_ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	uint8_t b[4096];
	ssize_t n;
	int waited = 0;

	while (waited < timeout_ms) {
		if (poll(&pfd, 1, 100) > 0) {
			n = recv(fd, b, sizeof b, 0);
			if (n <= 0)
				return 1;
		}
		waited += 100;
	}
	return 0;
}

/* Start a call header: AUTH_SYS root, given program/version/proc. */
static struct evbuffer *
call_start(uint32_t xid, uint32_t prog, uint32_t vers, uint32_t proc,
    uint32_t flavor)
{
	struct evbuffer *e = evbuffer_new();

	if (flavor == AUTH_SYS) {
		ck_assert_int_eq(rpc_msg_put_call(e, xid, prog, vers, proc), 0);
		return e;
	}
	xdrbuf_put_u32(e, xid);
	xdrbuf_put_u32(e, RPC_CALL);
	xdrbuf_put_u32(e, 2);
	xdrbuf_put_u32(e, prog);
	xdrbuf_put_u32(e, vers);
	xdrbuf_put_u32(e, proc);
	xdrbuf_put_u32(e, flavor);
	xdrbuf_put_u32(e, 8);
	xdrbuf_put_u32(e, 1);
	xdrbuf_put_u32(e, 2);
	xdrbuf_put_u32(e, AUTH_NONE);
	xdrbuf_put_u32(e, 0);
	return e;
}

/* Start a COMPOUND call with tag "wire", minor version and op count. */
static struct evbuffer *
compound_start(uint32_t xid, uint32_t minor, uint32_t count)
{
	struct evbuffer *e = call_start(xid, NFS4_PROGRAM, 4, 1, AUTH_SYS);

	xdrbuf_put_opaque(e, "wire", 4);
	xdrbuf_put_u32(e, minor);
	xdrbuf_put_u32(e, count);
	return e;
}

/* A parsed reply. */
struct wire_reply {
	uint8_t		*buf;
	size_t		 len;
	struct rpc_msg	 m;
	uint32_t	 status;	/* COMPOUND4res status */
	uint32_t	 nres;
	uint32_t	 resop[8];
	uint32_t	 resstat[8];
};

/* Read and parse one reply; the COMPOUND body when compound. */
static void
wire_reply(int fd, uint32_t xid, int compound, struct wire_reply *wr)
{
	struct evbuffer_iovec one;
	struct xdrbuf b;
	uint32_t i;

	memset(wr, 0, sizeof *wr);
	wr->buf = wire_recv_record(fd, &wr->len);
	ck_assert_msg(wr->buf != NULL, "no reply from the gateway");
	xdrbuf_init_mem(&b, &one, wr->buf, wr->len);
	ck_assert_int_eq(rpc_msg_parse(&b, &wr->m), 0);
	ck_assert_uint_eq(wr->m.xid, xid);
	ck_assert_uint_eq(wr->m.type, RPC_REPLY);
	if (!compound)
		return;
	ck_assert_uint_eq(wr->m.reply_stat, RPC_MSG_ACCEPTED);
	ck_assert_uint_eq(wr->m.accept_stat, RPC_SUCCESS);
	ck_assert_int_eq(xdrbuf_get_u32(&b, &wr->status), 0);
	ck_assert_int_eq(xdrbuf_skip_opaque(&b, 1024, NULL, NULL), 0);
	ck_assert_int_eq(xdrbuf_get_u32(&b, &wr->nres), 0);
	/* Only the first result of each kind is simple enough to read on. */
	for (i = 0; i < wr->nres && i < 8; i++) {
		if (xdrbuf_get_u32(&b, &wr->resop[i]) != 0 ||
		    xdrbuf_get_u32(&b, &wr->resstat[i]) != 0)
			break;
		if (wr->resop[i] == OP_GETFH && wr->resstat[i] == 0)
			ck_assert_int_eq(xdrbuf_skip_opaque(&b, 128, NULL, NULL), 0);
		else if (wr->resop[i] != OP_PUTROOTFH && wr->resop[i] != OP_PUTFH &&
		    wr->resop[i] != OP_LOOKUP && wr->resop[i] != OP_LOOKUPP)
			break;
	}
}

/* The bystander must still be served (NULL ping through to the server). */
static void
bystander_ok(void)
{
	struct wire_reply wr;
	struct evbuffer *e;
	uint32_t xid = next_xid++;

	e = call_start(xid, NFS4_PROGRAM, 4, 0, AUTH_SYS);
	wire_send_record(bystander, e);
	evbuffer_free(e);
	wire_reply(bystander, xid, 0, &wr);
	ck_assert_uint_eq(wr.m.accept_stat, RPC_SUCCESS);
	free(wr.buf);
}

static void
setup(void)
{
	const char *a = getenv("EFSGW_TEST_ADDR");
	char host[64];
	const char *colon;

	ck_assert_msg(a != NULL, "EFSGW_TEST_ADDR is not set");
	colon = strrchr(a, ':');
	ck_assert_ptr_nonnull(colon);
	snprintf(host, sizeof host, "%.*s", (int)(colon - a), a);
	memset(&gw_addr, 0, sizeof gw_addr);
	gw_addr.sin_family = AF_INET;
	gw_addr.sin_port = htons((uint16_t)atoi(colon + 1));
	ck_assert_int_eq(inet_pton(AF_INET, host, &gw_addr.sin_addr), 1);
	if (bystander < 0)
		bystander = wire_connect();
	bystander_ok();
}

static void
teardown(void)
{
	bystander_ok();
}

/* Bytes that are not an RPC record header close only that connection. */
START_TEST(test_garbage)
{
	static const char junk[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	int fd = wire_connect();

	wire_send(fd, junk, sizeof junk - 1);
	ck_assert(wire_closed(fd, 5000));
	close(fd);
}
END_TEST

/* RFC 5531 §11: a record mark claiming 2 GiB closes the connection. */
START_TEST(test_huge_mark)
{
	static const uint8_t mark[] = { 0xff, 0xff, 0xff, 0xff };
	int fd = wire_connect();

	wire_send(fd, mark, 4);
	ck_assert(wire_closed(fd, 5000));
	close(fd);
}
END_TEST

/* A truncated record followed by a close leaves the gateway unharmed. */
START_TEST(test_truncated_then_close)
{
	static const uint8_t part[] = { 0x80, 0, 1, 0, 0, 0, 0, 1, 0, 0 };
	int fd = wire_connect();

	wire_send(fd, part, sizeof part);
	close(fd);
}
END_TEST

/* Half a record and a stall: closed after record-timeout, others served. */
START_TEST(test_stall)
{
	static const uint8_t part[] = { 0x80, 0, 0, 100, 0, 0, 0, 1 };
	int fd = wire_connect();

	wire_send(fd, part, sizeof part);
	bystander_ok();
	ck_assert(wire_closed(fd, 15000));
	close(fd);
}
END_TEST

/* 500 connections opened and dropped, some mid-record. */
START_TEST(test_connection_churn)
{
	static const uint8_t part[] = { 0x80, 0, 0, 40, 0, 0 };
	int i, fd;

	for (i = 0; i < 500; i++) {
		fd = wire_connect();
		if (i % 3 == 0)
			wire_send(fd, part, sizeof part);
		close(fd);
	}
}
END_TEST

/* RFC 5531 §9: a program other than NFS (also efs-proxy's 400123). */
START_TEST(test_prog_unavail)
{
	static const uint32_t progs[] = { 100005, 400123, 0 };
	struct wire_reply wr;
	struct evbuffer *e;
	uint32_t xid;
	int fd = wire_connect(), i;

	for (i = 0; i < 3; i++) {
		xid = next_xid++;
		e = call_start(xid, progs[i], 1, 0, AUTH_SYS);
		wire_send_record(fd, e);
		evbuffer_free(e);
		wire_reply(fd, xid, 0, &wr);
		ck_assert_uint_eq(wr.m.reply_stat, RPC_MSG_ACCEPTED);
		ck_assert_uint_eq(wr.m.accept_stat, RPC_PROG_UNAVAIL);
		free(wr.buf);
	}
	close(fd);
}
END_TEST

/* NFS version 3 gets PROG_MISMATCH 4..4; proc 7 gets PROC_UNAVAIL. */
START_TEST(test_version_and_proc)
{
	struct wire_reply wr;
	struct evbuffer *e;
	uint32_t xid = next_xid++;
	int fd = wire_connect();

	e = call_start(xid, NFS4_PROGRAM, 3, 0, AUTH_SYS);
	wire_send_record(fd, e);
	evbuffer_free(e);
	wire_reply(fd, xid, 0, &wr);
	ck_assert_uint_eq(wr.m.accept_stat, RPC_PROG_MISMATCH);
	free(wr.buf);

	xid = next_xid++;
	e = call_start(xid, NFS4_PROGRAM, 4, 7, AUTH_SYS);
	wire_send_record(fd, e);
	evbuffer_free(e);
	wire_reply(fd, xid, 0, &wr);
	ck_assert_uint_eq(wr.m.accept_stat, RPC_PROC_UNAVAIL);
	free(wr.buf);
	close(fd);
}
END_TEST

/* RPCSEC_GSS (flavor 6) is refused with AUTH_ERROR. */
START_TEST(test_auth_flavor)
{
	struct wire_reply wr;
	struct evbuffer *e;
	uint32_t xid = next_xid++;
	int fd = wire_connect();

	e = call_start(xid, NFS4_PROGRAM, 4, 0, 6);
	wire_send_record(fd, e);
	evbuffer_free(e);
	wire_reply(fd, xid, 0, &wr);
	ck_assert_uint_eq(wr.m.reply_stat, RPC_MSG_DENIED);
	free(wr.buf);
	close(fd);
}
END_TEST

/* RFC 8881 §15.2: an unknown opcode is answered OP_ILLEGAL by the gateway. */
START_TEST(test_op_illegal)
{
	struct wire_reply wr;
	struct evbuffer *e;
	uint32_t xid = next_xid++;
	int fd = wire_connect();

	e = compound_start(xid, 0, 1);
	xdrbuf_put_u32(e, 9999);
	wire_send_record(fd, e);
	evbuffer_free(e);
	wire_reply(fd, xid, 1, &wr);
	ck_assert_uint_eq(wr.status, NFS4ERR_OP_ILLEGAL);
	ck_assert_uint_eq(wr.nres, 1);
	ck_assert_uint_eq(wr.resop[0], OP_ILLEGAL);
	ck_assert_uint_eq(wr.resstat[0], NFS4ERR_OP_ILLEGAL);
	free(wr.buf);
	close(fd);
}
END_TEST

/* RFC 8881 §16.2.3: an unknown minor version, empty result array. */
START_TEST(test_minor_mismatch)
{
	struct wire_reply wr;
	struct evbuffer *e;
	uint32_t xid = next_xid++;
	int fd = wire_connect();

	e = compound_start(xid, 7, 1);
	xdrbuf_put_u32(e, OP_PUTROOTFH);
	wire_send_record(fd, e);
	evbuffer_free(e);
	wire_reply(fd, xid, 1, &wr);
	ck_assert_uint_eq(wr.status, NFS4ERR_MINOR_VERS_MISMATCH);
	ck_assert_uint_eq(wr.nres, 0);
	free(wr.buf);
	close(fd);
}
END_TEST

/* More ops than the gateway decodes: refused before any is read. */
START_TEST(test_too_many_ops)
{
	struct wire_reply wr;
	struct evbuffer *e;
	uint32_t xid = next_xid++, i;
	int fd = wire_connect();

	e = compound_start(xid, 1, 1000);
	for (i = 0; i < 1000; i++)
		xdrbuf_put_u32(e, OP_GETFH);
	wire_send_record(fd, e);
	evbuffer_free(e);
	wire_reply(fd, xid, 1, &wr);
	ck_assert_uint_eq(wr.status, NFS4ERR_TOO_MANY_OPS);
	ck_assert_uint_eq(wr.nres, 1);
	free(wr.buf);
	close(fd);
}
END_TEST

/*
 * A COMPOUND whose second op does not decode: the first op runs on the
 * server, the reply ends with the bad op's NFS4ERR_BADXDR.
 */
START_TEST(test_badxdr_mid_compound)
{
	struct wire_reply wr;
	struct evbuffer *e;
	uint32_t xid = next_xid++;
	int fd = wire_connect();

	e = compound_start(xid, 0, 2);
	xdrbuf_put_u32(e, OP_PUTROOTFH);
	xdrbuf_put_u32(e, OP_LOOKUP);
	xdrbuf_put_u32(e, 0x7fffffff);	/* component4 length past the end */
	wire_send_record(fd, e);
	evbuffer_free(e);
	wire_reply(fd, xid, 1, &wr);
	ck_assert_uint_eq(wr.status, NFS4ERR_BADXDR);
	ck_assert_uint_eq(wr.nres, 2);
	ck_assert_uint_eq(wr.resop[0], OP_PUTROOTFH);
	ck_assert_uint_eq(wr.resstat[0], NFS4_OK);
	ck_assert_uint_eq(wr.resop[1], OP_LOOKUP);
	ck_assert_uint_eq(wr.resstat[1], NFS4ERR_BADXDR);
	free(wr.buf);
	close(fd);
}
END_TEST

/* RFC 7530 §16.14: LOOKUPP at the export's root is NFS4ERR_NOENT. */
START_TEST(test_lookupp_root)
{
	struct wire_reply wr;
	struct evbuffer *e;
	uint32_t xid = next_xid++;
	int fd = wire_connect();

	e = compound_start(xid, 0, 3);
	xdrbuf_put_u32(e, OP_PUTROOTFH);
	xdrbuf_put_u32(e, OP_LOOKUPP);
	xdrbuf_put_u32(e, OP_GETFH);
	wire_send_record(fd, e);
	evbuffer_free(e);
	wire_reply(fd, xid, 1, &wr);
	ck_assert_uint_eq(wr.status, NFS4ERR_NOENT);
	ck_assert_uint_eq(wr.nres, 2);
	ck_assert_uint_eq(wr.resop[0], OP_PUTROOTFH);
	ck_assert_uint_eq(wr.resop[1], OP_LOOKUPP);
	ck_assert_uint_eq(wr.resstat[1], NFS4ERR_NOENT);
	free(wr.buf);
	close(fd);
}
END_TEST

/* PUTROOTFH is rewritten for the server but the client sees its own op. */
START_TEST(test_putrootfh_opcode)
{
	struct wire_reply wr;
	struct evbuffer *e;
	uint32_t xid = next_xid++;
	int fd = wire_connect();

	e = compound_start(xid, 0, 2);
	xdrbuf_put_u32(e, OP_PUTROOTFH);
	xdrbuf_put_u32(e, OP_GETFH);
	wire_send_record(fd, e);
	evbuffer_free(e);
	wire_reply(fd, xid, 1, &wr);
	ck_assert_uint_eq(wr.status, NFS4_OK);
	ck_assert_uint_eq(wr.nres, 2);
	ck_assert_uint_eq(wr.resop[0], OP_PUTROOTFH);
	ck_assert_uint_eq(wr.resop[1], OP_GETFH);
	free(wr.buf);
	close(fd);
}
END_TEST

/* Trailing bytes after the last op are GARBAGE_ARGS. */
START_TEST(test_trailing_bytes)
{
	struct wire_reply wr;
	struct evbuffer *e;
	uint32_t xid = next_xid++;
	int fd = wire_connect();

	e = compound_start(xid, 0, 1);
	xdrbuf_put_u32(e, OP_PUTROOTFH);
	xdrbuf_put_u32(e, 0x12345678);
	wire_send_record(fd, e);
	evbuffer_free(e);
	wire_reply(fd, xid, 0, &wr);
	ck_assert_uint_eq(wr.m.accept_stat, RPC_GARBAGE_ARGS);
	free(wr.buf);
	close(fd);
}
END_TEST


/* Read a whole COMPOUND reply as (opcode, status) pairs; GETFH handle kept. */
struct wire_results {
	uint32_t	 status;
	uint32_t	 n;
	uint32_t	 op[16];
	uint32_t	 st[16];
	uint8_t		 fh[128];
	uint32_t	 fhlen;
};

/* Walk a reply of the simple ops the smuggling cases use. */
static void
wire_results(int fd, uint32_t xid, struct wire_results *res)
{
	struct evbuffer_iovec one;
	struct xdrbuf b;
	struct rpc_msg m;
	uint8_t *buf;
	size_t len;
	uint32_t i, n, skip;

	memset(res, 0, sizeof *res);
	buf = wire_recv_record(fd, &len);
	ck_assert_msg(buf != NULL, "no reply from the gateway");
	xdrbuf_init_mem(&b, &one, buf, len);
	ck_assert_int_eq(rpc_msg_parse(&b, &m), 0);
	ck_assert_uint_eq(m.xid, xid);
	ck_assert_uint_eq(m.accept_stat, RPC_SUCCESS);
	ck_assert_int_eq(xdrbuf_get_u32(&b, &res->status), 0);
	ck_assert_int_eq(xdrbuf_skip_opaque(&b, 1024, NULL, NULL), 0);
	ck_assert_int_eq(xdrbuf_get_u32(&b, &n), 0);
	ck_assert_uint_le(n, 16);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(xdrbuf_get_u32(&b, &res->op[i]), 0);
		ck_assert_int_eq(xdrbuf_get_u32(&b, &res->st[i]), 0);
		res->n = i + 1;
		if (res->st[i] != 0) {
			/* SETATTR4res carries a bitmap even on error. */
			break;
		}
		switch (res->op[i]) {
		case OP_GETFH:
			ck_assert_int_eq(xdrbuf_get_u32(&b, &res->fhlen), 0);
			ck_assert_uint_le(res->fhlen, 128);
			ck_assert_int_eq(xdrbuf_get_opaque_fixed(&b, res->fh,
			    res->fhlen), 0);
			break;
		case OP_PUTROOTFH:
		case OP_PUTFH:
		case OP_LOOKUP:
		case OP_NVERIFY:
		case 37:	/* VERIFY */
			break;
		default:
			/* Results after this one are not read. */
			skip = 1;
			(void)skip;
			i = n;
			break;
		}
	}
	free(buf);
}

/* The sealed handle of the client's root (rel NULL) or of root/rel. */
static void
wire_getfh(int fd, const char *rel, uint8_t *fh, uint32_t *fhlen)
{
	struct wire_results res;
	struct evbuffer *e;
	uint32_t xid = next_xid++;

	e = compound_start(xid, 0, rel != NULL ? 3 : 2);
	xdrbuf_put_u32(e, OP_PUTROOTFH);
	if (rel != NULL) {
		xdrbuf_put_u32(e, OP_LOOKUP);
		xdrbuf_put_opaque(e, rel, strlen(rel));
	}
	xdrbuf_put_u32(e, OP_GETFH);
	wire_send_record(fd, e);
	evbuffer_free(e);
	wire_results(fd, xid, &res);
	ck_assert_msg(res.status == 0, "GETFH of %s: status %u",
	    rel != NULL ? rel : "/", res.status);
	memcpy(fh, res.fh, res.fhlen);
	*fhlen = res.fhlen;
}

/* fattr4 { FILEHANDLE (attribute 19) = fh } (RFC 8881 §5.8.1.9). */
static void
put_fh_attr(struct evbuffer *e, const uint8_t *fh, uint32_t fhlen)
{
	xdrbuf_put_u32(e, 1);
	xdrbuf_put_u32(e, 1u << 19);
	xdrbuf_put_u32(e, 4 + ((fhlen + 3) & ~3u));
	xdrbuf_put_opaque(e, fh, fhlen);
}

/*
 * A LOOKUP whose name, read D bytes late, is PUTROOTFH; LOOKUP "other";
 * GETFH: what the server would execute if the gateway shortened a handle
 * inside an attribute list without fixing the list's length.
 */
static void
put_smuggling_lookup(struct evbuffer *e, uint32_t sealed_len)
{
	uint32_t backend = sealed_len - SEAL_OVERHEAD;
	uint32_t d = ((sealed_len + 3) & ~3u) - ((backend + 3) & ~3u);
	uint8_t name[64];
	size_t n = 0;

	memset(name, 'x', sizeof name);
	n = d - 8;			/* the opcode and length words go first */
	xdrbuf_store_u32(name + n, OP_PUTROOTFH); n += 4;
	xdrbuf_store_u32(name + n, OP_LOOKUP); n += 4;
	xdrbuf_store_u32(name + n, 5); n += 4;
	memcpy(name + n, "other\0\0\0", 8); n += 8;
	xdrbuf_store_u32(name + n, OP_GETFH); n += 4;
	xdrbuf_put_u32(e, OP_LOOKUP);
	xdrbuf_put_opaque(e, name, n);
}

#define OP_VERIFY	37
#define OP_CREATE_	6
#define NF4DIR		2

/*
 * Issue: a FILEHANDLE attribute inside a call's attribute list is
 * unsealed (it shrinks), so the list's length must shrink with it; if it
 * did not, the server would read the following bytes as new ops and run
 * a COMPOUND the gateway never checked (here: the root of the server's
 * pseudo file system, another export, its handle). For every op that
 * carries an fattr4 in a call, the reply must be the client's own ops
 * and nothing else, and the smuggled GETFH must never be answered.
 */
START_TEST(test_fh_attr_smuggling)
{
	static const uint32_t ops[] = { OP_VERIFY, OP_NVERIFY, OP_SETATTR,
	    OP_CREATE_, OP_OPEN };
	struct wire_results res;
	struct evbuffer *e;
	uint8_t root[128], sub[128];
	uint32_t rootlen, sublen, xid, i, k, op;
	int fd = wire_connect();

	wire_getfh(fd, NULL, root, &rootlen);
	wire_getfh(fd, "sub", sub, &sublen);
	ck_assert_uint_gt(rootlen, SEAL_OVERHEAD);
	for (k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		op = ops[k];
		xid = next_xid++;
		/* PUTROOTFH, the op with the attribute, LOOKUP, GETFH. */
		e = compound_start(xid, 0, 4);
		xdrbuf_put_u32(e, OP_PUTROOTFH);
		xdrbuf_put_u32(e, op);
		switch (op) {
		case OP_VERIFY:		/* same handle: VERIFY passes */
			put_fh_attr(e, root, rootlen);
			break;
		case OP_NVERIFY:	/* another handle: NVERIFY passes */
			put_fh_attr(e, sub, sublen);
			break;
		case OP_SETATTR:
			xdrbuf_put_u32(e, 0);	/* stateid4: seqid, other[12] */
			for (i = 0; i < 3; i++)
				xdrbuf_put_u32(e, 0);
			put_fh_attr(e, root, rootlen);
			break;
		case OP_CREATE_:
			xdrbuf_put_u32(e, NF4DIR);
			xdrbuf_put_opaque(e, "smuggled", 8);
			put_fh_attr(e, root, rootlen);
			break;
		case OP_OPEN:
			xdrbuf_put_u32(e, 0);		/* seqid */
			xdrbuf_put_u32(e, 2);		/* share_access WRITE */
			xdrbuf_put_u32(e, 0);		/* share_deny NONE */
			xdrbuf_put_u64(e, 1);		/* owner: clientid */
			xdrbuf_put_opaque(e, "smuggler", 8);
			xdrbuf_put_u32(e, 1);		/* OPEN4_CREATE */
			xdrbuf_put_u32(e, 0);		/* UNCHECKED4 */
			put_fh_attr(e, root, rootlen);
			xdrbuf_put_u32(e, 0);		/* CLAIM_NULL */
			xdrbuf_put_opaque(e, "smuggled", 8);
			break;
		}
		put_smuggling_lookup(e, rootlen);
		xdrbuf_put_u32(e, OP_GETFH);
		wire_send_record(fd, e);
		evbuffer_free(e);
		wire_results(fd, xid, &res);
		/* Every result is the client's own op, in order. */
		ck_assert_uint_ge(res.n, 2);
		ck_assert_uint_le(res.n, 4);
		ck_assert_uint_eq(res.op[0], OP_PUTROOTFH);
		ck_assert_msg(res.op[1] == op, "%s: result 1 is op %u",
		    nfs4_op_name(op), res.op[1]);
		if (res.n >= 3) {
			ck_assert_msg(res.op[2] == OP_LOOKUP, "%s: result 2 is "
			    "op %u", nfs4_op_name(op), res.op[2]);
			/* The name is no file: the server must refuse it. */
			ck_assert_msg(res.st[2] != 0, "%s: the smuggling LOOKUP "
			    "succeeded", nfs4_op_name(op));
		}
		ck_assert_msg(res.n < 4, "%s: GETFH after the smuggling LOOKUP "
		    "was answered", nfs4_op_name(op));
		ck_assert_uint_ne(res.status, 0);
	}
	close(fd);
}
END_TEST


/*
 * RFC 8881 §5.8.2.20-21: maxread and maxwrite through efsgw are at most
 * what one record carries (max-record-size less headroom), even when the
 * server behind says more (Ganesha: 64 MiB): a client that believed the
 * server would send WRITEs the gateway must refuse.
 */
START_TEST(test_maxread_clamped)
{
	struct evbuffer_iovec one;
	struct xdrbuf b;
	struct rpc_msg m;
	struct evbuffer *e;
	uint8_t *buf;
	size_t len;
	uint32_t xid = next_xid++, v, n, w0;
	uint64_t maxread, maxwrite;
	int fd = wire_connect();

	e = compound_start(xid, 0, 2);
	xdrbuf_put_u32(e, OP_PUTROOTFH);
	xdrbuf_put_u32(e, OP_GETATTR);
	xdrbuf_put_u32(e, 1);
	xdrbuf_put_u32(e, 1u << 30 | 1u << 31);
	wire_send_record(fd, e);
	evbuffer_free(e);
	buf = wire_recv_record(fd, &len);
	ck_assert_ptr_nonnull(buf);
	xdrbuf_init_mem(&b, &one, buf, len);
	ck_assert_int_eq(rpc_msg_parse(&b, &m), 0);
	ck_assert_int_eq(xdrbuf_get_u32(&b, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(xdrbuf_skip_opaque(&b, 1024, NULL, NULL), 0);
	ck_assert_int_eq(xdrbuf_get_u32(&b, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(xdrbuf_skip(&b, 8), 0);	/* PUTROOTFH OK */
	ck_assert_int_eq(xdrbuf_skip(&b, 8), 0);	/* GETATTR OK */
	ck_assert_int_eq(xdrbuf_get_u32(&b, &n), 0);	/* bitmap words */
	ck_assert_uint_ge(n, 1);
	ck_assert_int_eq(xdrbuf_get_u32(&b, &w0), 0);
	ck_assert_int_eq(xdrbuf_skip(&b, (size_t)(n - 1) * 4), 0);
	ck_assert_uint_eq(w0 & (1u << 30 | 1u << 31), 1u << 30 | 1u << 31);
	ck_assert_int_eq(xdrbuf_get_u32(&b, &v), 0);	/* attr_vals length */
	ck_assert_uint_eq(v, 16);
	ck_assert_int_eq(xdrbuf_get_u64(&b, &maxread), 0);
	ck_assert_int_eq(xdrbuf_get_u64(&b, &maxwrite), 0);
	/* The harness runs the default max-record-size, 1 MiB + 64 KiB. */
	ck_assert_uint_le(maxread, 1024 * 1024);
	ck_assert_uint_le(maxwrite, 1024 * 1024);
	ck_assert_uint_ge(maxread, 4096);
	free(buf);
	close(fd);
}
END_TEST

static Suite *
wire_suite(void)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("hostile");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_huge_mark);
	tcase_add_test(tc, test_truncated_then_close);
	tcase_add_test(tc, test_stall);
	tcase_add_test(tc, test_connection_churn);
	tcase_add_test(tc, test_prog_unavail);
	tcase_add_test(tc, test_version_and_proc);
	tcase_add_test(tc, test_auth_flavor);
	tcase_add_test(tc, test_op_illegal);
	tcase_add_test(tc, test_minor_mismatch);
	tcase_add_test(tc, test_too_many_ops);
	tcase_add_test(tc, test_badxdr_mid_compound);
	tcase_add_test(tc, test_lookupp_root);
	tcase_add_test(tc, test_putrootfh_opcode);
	tcase_add_test(tc, test_trailing_bytes);
	tcase_add_test(tc, test_fh_attr_smuggling);
	tcase_add_test(tc, test_maxread_clamped);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(wire_suite());
	int failed;

	/* One process: the bystander connection lives across the cases. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
