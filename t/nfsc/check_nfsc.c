/*
 * efsgw - Check test of the test client (t/nfsc).
 *
 * Reply decoding: a hand-built COMPOUND4res (RFC 5531 §9 reply header,
 * RFC 8881 SEQUENCE, PUTFH, GETATTR, GETFH, READ and READDIR results) must
 * decode to the values put in, and every truncation and every single-bit
 * flip of it must decode or fail cleanly without reading outside the record
 * (STYLE rule 16; run under valgrind or --enable-sanitizers to see an
 * over-read).
 *
 * Transport failures, against a scripted fake server on a loopback port:
 * a server that never answers (NULL, and each step of session set-up), one
 * that closes or resets mid-reply, and one that goes away during a
 * pipeline of WRITEs. These pin a heap-use-after-free in nfsc_destroy():
 * a request that failed (time-out, reset) stayed linked on the client's
 * in-flight list after the caller was told it failed and had freed it, and
 * a failed nfsc_submit() left its request linked the same way. Every
 * request must come back exactly once, the caller frees each, and
 * nfsc_destroy() must touch none of them (ASan / valgrind see the rest).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "nfsc-int.h"

/* Build the reply into e: with a SEQUENCE result first unless v40. */
static void
build_reply_v(struct nfsc_enc *e, int v40)
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
	nfsc_enc_u32(e, v40 ? 5 : 6);	/* results */
	if (!v40) {
		nfsc_enc_u32(e, NFSC_OP_SEQUENCE);
		nfsc_enc_u32(e, 0);
		nfsc_enc_fixed(e, sid, 16);
		nfsc_enc_u32(e, 1);
		nfsc_enc_u32(e, 0);
		nfsc_enc_u32(e, 63);
		nfsc_enc_u32(e, 63);
		nfsc_enc_u32(e, 0);
	}
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

/* The 4.1 reply. */
static void
build_reply(struct nfsc_enc *e)
{
	build_reply_v(e, 0);
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
	clnt.opts.minor = 1;	/* a session reply: SEQUENCE first */
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

/* NFSv4.0: the same results with no SEQUENCE in front (RFC 7530 §16.2). */
START_TEST(test_decode_v40)
{
	struct nfsc clnt;
	struct nfsc_enc e;
	struct nfsc_attr a;
	char buf[64];
	int nent = 0;

	memset(&clnt, 0, sizeof clnt);
	clnt.opts.minor = 0;
	memset(buf, 0, sizeof buf);
	build_reply_v(&e, 1);
	ck_assert_int_eq(e.err, 0);
	ck_assert_int_eq(decode(&clnt, e.p, e.len, &a, &nent, buf), 0);
	ck_assert_uint_eq(a.size, 12345);
	ck_assert_str_eq(buf, "hello, world");
	ck_assert_int_eq(nent, 2);
	/* A 4.1 client reading it would take PUTFH for SEQUENCE. */
	clnt.opts.minor = 1;
	ck_assert_int_ne(decode(&clnt, e.p, e.len, &a, &nent, buf), 0);
	nfsc_enc_free(&e);
}
END_TEST

/* The 4.0 open-owner seqid advances as RFC 7530 §9.1.7 says. */
START_TEST(test_v40_seqid)
{
	static const struct {
		uint32_t status, fail_op, bump;
	} t[] = {
		{ 0, 0, 1 },					/* all ran */
		{ NFSC_NFS4ERR_NOENT, NFSC_OP_OPEN, 1 },	/* OPEN failed */
		{ 10026, NFSC_OP_OPEN, 0 },			/* BAD_SEQID */
		{ 10025, NFSC_OP_OPEN, 0 },			/* BAD_STATEID */
		{ 70, NFSC_OP_PUTFH, 0 },			/* OPEN never ran */
		{ 10001, NFSC_OP_GETFH, 1 },			/* after OPEN */
	};
	struct nfsc clnt;
	struct nfsc_req *req;
	size_t i;

	memset(&clnt, 0, sizeof clnt);
	clnt.opts.minor = 0;
	for (i = 0; i < nitems(t); i++) {
		req = nfsc_req_new(&clnt);
		nfsc_op_putrootfh(req);		/* stands for PUTFH */
		req->opcodes[0] = NFSC_OP_PUTFH;
		nfsc_op_open(req, "f", NFSC_O_READ, 0);
		nfsc_op_getfh(req);
		req->rec = malloc(4);
		req->reclen = 4;
		req->status = t[i].status;
		req->fail_op = t[i].fail_op;
		clnt.oseq = 7;
		nfsc_v40_seqid_done(&clnt, req, NFSC_OP_OPEN);
		ck_assert_msg(clnt.oseq == 7 + t[i].bump, "case %zu: seqid %u",
		    i, clnt.oseq);
		nfsc_req_free(req);
	}
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
	clnt.opts.minor = 1;	/* a session reply: SEQUENCE first */
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

/* What the fake server does with each call it receives. */
enum fake_act {
	FAKE_ANSWER,		/* a successful reply */
	FAKE_SILENT,		/* no reply; keep reading until the client goes */
	FAKE_HALF,		/* half of the reply's record, then FIN */
	FAKE_RESET,		/* no reply: close with a RST (SO_LINGER 0) */
};

#define FAKE_MAX_CALL	(4 * 1024 * 1024)
#define FAKE_WAIT_MS	5000	/* every fake-server wait is bounded */
#define FAKE_BIG	(1024 * 1024 + 64 * 1024)

struct fake {
	int		 lfd;
	int		 port;
	const enum fake_act *script;	/* one per call; the last one repeats */
	int		 nscript;
	pthread_t	 thread;
};

/* Read exactly n bytes, waiting at most FAKE_WAIT_MS for each chunk. */
static int
fake_read(int fd, void *buf, size_t n)
{
	struct pollfd pfd;
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, FAKE_WAIT_MS) <= 0)
			return -1;
		if ((k = read(fd, (char *)buf + got, n - got)) <= 0)
			return -1;
		got += (size_t)k;
	}
	return 0;
}

/* Read one call record (RFC 5531 §11, any number of fragments). */
static uint8_t *
fake_record(int fd, size_t *lenp)
{
	uint8_t mark[4], *rec = NULL, *nr;
	uint32_t m;
	size_t len = 0, n;

	do {
		if (fake_read(fd, mark, 4) != 0)
			goto fail;
		m = xdrbuf_load_u32(mark);
		n = m & 0x7fffffffu;
		if (n > FAKE_MAX_CALL - len)
			goto fail;
		if ((nr = realloc(rec, len + n + 1)) == NULL)
			goto fail;
		rec = nr;
		if (fake_read(fd, rec + len, n) != 0)
			goto fail;
		len += n;
	} while ((m & 0x80000000u) == 0);
	*lenp = len;
	return rec;
fail:
	free(rec);
	return NULL;
}

/* Encode channel_attrs4 (RFC 8881 §18.36.1) as granted by the fake. */
static void
fake_chan(struct nfsc_enc *e, uint32_t size, uint32_t ops, uint32_t reqs)
{
	nfsc_enc_u32(e, 0);		/* ca_headerpadsize */
	nfsc_enc_u32(e, size);		/* ca_maxrequestsize */
	nfsc_enc_u32(e, size);		/* ca_maxresponsesize */
	nfsc_enc_u32(e, 4096);		/* ca_maxresponsesize_cached */
	nfsc_enc_u32(e, ops);
	nfsc_enc_u32(e, reqs);
	nfsc_enc_u32(e, 0);		/* ca_rdma_ird<1> */
}

/*
 * Build a successful reply to call: RPC NULL, or a COMPOUND of
 * EXCHANGE_ID, CREATE_SESSION, DESTROY_* (one op), or SEQUENCE + one op,
 * whose result is only its opcode and NFS4_OK (RFC 8881 §18.35, §18.36,
 * §18.46; the reply header from RFC 5531 §9).
 */
static void
fake_reply(const uint8_t *call, size_t len, struct nfsc_enc *e)
{
	struct evbuffer_iovec iov;
	struct xdrbuf b;
	uint8_t sid[16];
	uint32_t xid = 0, proc = 0, v, nops = 0, op = 0, op2 = 0, seq = 0,
	    slot = 0;

	memset(sid, 0x5a, sizeof sid);
	xdrbuf_init_mem(&b, &iov, call, len);
	(void)(xdrbuf_get_u32(&b, &xid) == 0 &&
	    xdrbuf_skip(&b, 16) == 0 &&		/* CALL, rpcvers, prog, vers */
	    xdrbuf_get_u32(&b, &proc) == 0 &&
	    xdrbuf_get_u32(&b, &v) == 0 &&	/* cred */
	    xdrbuf_skip_opaque(&b, 400, NULL, NULL) == 0 &&
	    xdrbuf_get_u32(&b, &v) == 0 &&	/* verifier */
	    xdrbuf_skip_opaque(&b, 400, NULL, NULL) == 0 &&
	    proc == 1 &&
	    xdrbuf_skip_opaque(&b, 1024, NULL, NULL) == 0 &&	/* tag */
	    xdrbuf_get_u32(&b, &v) == 0 &&	/* minorversion */
	    xdrbuf_get_u32(&b, &nops) == 0 &&
	    xdrbuf_get_u32(&b, &op) == 0 &&
	    op == NFSC_OP_SEQUENCE &&
	    xdrbuf_get_opaque_fixed(&b, sid, sizeof sid) == 0 &&
	    xdrbuf_get_u32(&b, &seq) == 0 &&
	    xdrbuf_get_u32(&b, &slot) == 0 &&
	    xdrbuf_skip(&b, 8) == 0 &&		/* highest slot, cachethis */
	    xdrbuf_get_u32(&b, &op2) == 0);

	nfsc_enc_init(e);
	nfsc_enc_u32(e, xid);
	nfsc_enc_u32(e, 1);		/* REPLY */
	nfsc_enc_u32(e, 0);		/* MSG_ACCEPTED */
	nfsc_enc_u32(e, 0);		/* verifier: AUTH_NONE */
	nfsc_enc_u32(e, 0);
	nfsc_enc_u32(e, 0);		/* SUCCESS */
	if (proc != 1)
		return;
	nfsc_enc_u32(e, 0);		/* NFS4_OK */
	nfsc_enc_u32(e, 0);		/* tag: empty */
	switch (op) {
	case NFSC_OP_EXCHANGE_ID:
		nfsc_enc_u32(e, 1);
		nfsc_enc_u32(e, op);
		nfsc_enc_u32(e, 0);
		nfsc_enc_u64(e, 0x1122334455667788ULL);	/* eir_clientid */
		nfsc_enc_u32(e, 1);			/* eir_sequenceid */
		nfsc_enc_u32(e, 0x00010000);		/* USE_NON_PNFS */
		nfsc_enc_u32(e, 0);			/* SP4_NONE */
		nfsc_enc_u64(e, 0);			/* so_minor_id */
		nfsc_enc_string(e, "fake");		/* so_major_id */
		nfsc_enc_string(e, "fake");		/* eir_server_scope */
		nfsc_enc_u32(e, 0);			/* eir_server_impl_id<1> */
		break;
	case NFSC_OP_CREATE_SESSION:
		nfsc_enc_u32(e, 1);
		nfsc_enc_u32(e, op);
		nfsc_enc_u32(e, 0);
		nfsc_enc_fixed(e, sid, sizeof sid);	/* csr_sessionid */
		nfsc_enc_u32(e, 1);			/* csr_sequence */
		nfsc_enc_u32(e, 0);			/* csr_flags */
		fake_chan(e, FAKE_BIG, 16, 64);
		fake_chan(e, 4096, 2, 1);
		break;
	case NFSC_OP_SEQUENCE:
		nfsc_enc_u32(e, nops < 2 ? 1 : 2);
		nfsc_enc_u32(e, op);
		nfsc_enc_u32(e, 0);
		nfsc_enc_fixed(e, sid, sizeof sid);
		nfsc_enc_u32(e, seq);
		nfsc_enc_u32(e, slot);
		nfsc_enc_u32(e, 63);			/* sr_highest_slotid */
		nfsc_enc_u32(e, 63);			/* sr_target_highest_slotid */
		nfsc_enc_u32(e, 0);			/* sr_status_flags */
		if (nops >= 2) {
			nfsc_enc_u32(e, op2);
			nfsc_enc_u32(e, 0);
		}
		break;
	default:			/* DESTROY_SESSION, DESTROY_CLIENTID */
		nfsc_enc_u32(e, 1);
		nfsc_enc_u32(e, op);
		nfsc_enc_u32(e, 0);
		break;
	}
}

/* Write all of buf; MSG_NOSIGNAL because the client may be gone. */
static void
fake_send(int fd, const void *buf, size_t n)
{
	ssize_t k;
	size_t done = 0;

	while (done < n) {
		if ((k = send(fd, (const char *)buf + done, n - done,
		    MSG_NOSIGNAL)) <= 0)
			return;
		done += (size_t)k;
	}
}

/* Serve one connection according to the script, then close it. */
static void *
fake_main(void *arg)
{
	struct fake *f = arg;
	struct pollfd pfd;
	struct nfsc_enc e;
	struct linger lg = { 1, 0 };
	enum fake_act act;
	uint8_t mark[4], *rec;
	size_t len;
	int fd, i;

	pfd.fd = f->lfd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, FAKE_WAIT_MS) <= 0 ||
	    (fd = accept(f->lfd, NULL, NULL)) == -1)
		return NULL;
	for (i = 0; i < 1000; i++) {
		if ((rec = fake_record(fd, &len)) == NULL)
			break;		/* the client closed, or stalled */
		act = f->script[i < f->nscript ? i : f->nscript - 1];
		if (act == FAKE_SILENT) {
			free(rec);
			continue;
		}
		if (act == FAKE_RESET) {
			free(rec);
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
			break;
		}
		fake_reply(rec, len, &e);
		free(rec);
		xdrbuf_store_u32(mark, 0x80000000u | (uint32_t)e.len);
		fake_send(fd, mark, 4);
		if (act == FAKE_HALF) {
			/* The mark promises e.len bytes; half of them come. */
			fake_send(fd, e.p, e.len / 2);
			nfsc_enc_free(&e);
			shutdown(fd, SHUT_WR);
			while ((rec = fake_record(fd, &len)) != NULL)
				free(rec);
			break;
		}
		fake_send(fd, e.p, e.len);
		nfsc_enc_free(&e);
	}
	close(fd);
	return NULL;
}

/* Start a fake server on a free loopback port. */
static void
fake_start(struct fake *f, const enum fake_act *script, int nscript)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;

	memset(f, 0, sizeof *f);
	f->script = script;
	f->nscript = nscript;
	f->lfd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ne(f->lfd, -1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(listen(f->lfd, 4), 0);
	ck_assert_int_eq(getsockname(f->lfd, (struct sockaddr *)&sin, &sl), 0);
	f->port = ntohs(sin.sin_port);
	ck_assert_int_eq(pthread_create(&f->thread, NULL, fake_main, f), 0);
}

/* Wait for the fake server to finish. */
static void
fake_stop(struct fake *f)
{
	pthread_join(f->thread, NULL);
	close(f->lfd);
}

/* Connect a client to the fake with a time-out of timeout_ms. */
static struct nfsc *
fake_connect(const struct fake *f, int timeout_ms)
{
	struct nfsc_opts o;
	struct nfsc *clnt;
	char err[256];

	memset(&o, 0, sizeof o);
	o.host = "127.0.0.1";
	o.port = f->port;
	o.timeout_ms = timeout_ms;
	o.slots = 64;
	ck_assert_msg(nfsc_connect(&o, &clnt, err, sizeof err) == 0, "%s", err);
	return clnt;
}

/*
 * Collect every request still in flight, freeing each; return how many
 * came back, and count those that failed in *failedp.
 */
static int
drain_all(struct nfsc *clnt, int *failedp)
{
	struct nfsc_req *req;
	int n = 0, i;

	*failedp = 0;
	for (i = 0; i < 1000 && nfsc_inflight(clnt) > 0; i++) {
		if (nfsc_complete(clnt, &req) != 0)
			continue;	/* the transport error, reported once */
		ck_assert_ptr_nonnull(req);
		if (nfsc_res_skip(req, NFSC_OP_PUTROOTFH) != 0)
			(*failedp)++;
		nfsc_req_free(req);
		n++;
	}
	ck_assert_int_eq(nfsc_inflight(clnt), 0);
	return n;
}

/* A server that never answers NULL: time-out, nothing left linked. */
START_TEST(test_silent_null)
{
	static const enum fake_act script[] = { FAKE_SILENT };
	struct fake f;
	struct nfsc *clnt;

	fake_start(&f, script, nitems(script));
	clnt = fake_connect(&f, 300);
	ck_assert_int_eq(nfsc_null(clnt), EFSGW_ERR_SYSTEM);
	ck_assert_ptr_nonnull(strstr(nfsc_error(clnt), "timed out"));
	ck_assert_int_eq(nfsc_inflight(clnt), 0);
	/* The connection is dead: later calls fail at once. */
	ck_assert_int_eq(nfsc_null(clnt), EFSGW_ERR_SYSTEM);
	nfsc_destroy(clnt);
	fake_stop(&f);
}
END_TEST

/*
 * The server goes silent at session set-up step _i (EXCHANGE_ID,
 * CREATE_SESSION, RECLAIM_COMPLETE), or, for _i == 3, at the
 * DESTROY_SESSION that nfsc_destroy() sends itself.
 */
START_TEST(test_silent_session)
{
	static const enum fake_act scripts[4][4] = {
		{ FAKE_SILENT },
		{ FAKE_ANSWER, FAKE_SILENT },
		{ FAKE_ANSWER, FAKE_ANSWER, FAKE_SILENT },
		{ FAKE_ANSWER, FAKE_ANSWER, FAKE_ANSWER, FAKE_SILENT },
	};
	struct fake f;
	struct nfsc *clnt;
	int r;

	fake_start(&f, scripts[_i], _i + 1);
	clnt = fake_connect(&f, 300);
	r = nfsc_session_create(clnt);
	if (_i < 3) {
		ck_assert_int_eq(r, EFSGW_ERR_SYSTEM);
		ck_assert_ptr_nonnull(strstr(nfsc_error(clnt), "timed out"));
	} else
		ck_assert_msg(r == 0, "%s", nfsc_error(clnt));
	ck_assert_int_eq(nfsc_inflight(clnt), 0);
	nfsc_destroy(clnt);
	fake_stop(&f);
}
END_TEST

/* The connection ends in the middle of the NULL reply (FIN, or a RST). */
START_TEST(test_close_mid_reply)
{
	static const enum fake_act scripts[2][1] = {
		{ FAKE_HALF }, { FAKE_RESET } };
	struct fake f;
	struct nfsc *clnt;

	fake_start(&f, scripts[_i], 1);
	clnt = fake_connect(&f, 3000);
	ck_assert_int_eq(nfsc_null(clnt), EFSGW_ERR_SYSTEM);
	ck_assert_int_eq(nfsc_inflight(clnt), 0);
	nfsc_destroy(clnt);
	fake_stop(&f);
}
END_TEST

/*
 * Four COMPOUNDs in flight; the first is answered, then the connection
 * ends mid-reply to the second (FIN) or is reset on it: each request sent
 * comes back exactly once, all but the first failed, and the client is
 * dead afterwards. (A RST can beat the last submits: those fail and are
 * freed by the caller at once.)
 */
START_TEST(test_pipeline_close)
{
	static const enum fake_act scripts[2][5] = {
		{ FAKE_ANSWER, FAKE_ANSWER, FAKE_ANSWER, FAKE_ANSWER, FAKE_HALF },
		{ FAKE_ANSWER, FAKE_ANSWER, FAKE_ANSWER, FAKE_ANSWER, FAKE_RESET },
	};
	struct fake f;
	struct nfsc *clnt;
	struct nfsc_req *req;
	int i, n, failed, sent = 0;

	fake_start(&f, scripts[_i], 5);
	clnt = fake_connect(&f, 3000);
	ck_assert_msg(nfsc_session_create(clnt) == 0, "%s", nfsc_error(clnt));
	for (i = 0; i < 4; i++) {
		req = nfsc_req_new(clnt);
		nfsc_op_putrootfh(req);
		if (nfsc_submit(clnt, req) != 0) {
			ck_assert_int_eq(_i, 1);	/* only after a RST */
			nfsc_req_free(req);
			continue;
		}
		sent++;
	}
	ck_assert_int_ge(sent, 2);
	n = drain_all(clnt, &failed);
	ck_assert_int_eq(n, sent);
	ck_assert_int_ge(failed, sent - 1);
	/* Dead: a new request fails to submit and is the caller's to free. */
	req = nfsc_req_new(clnt);
	nfsc_op_putrootfh(req);
	ck_assert_int_lt(nfsc_submit(clnt, req), 0);
	nfsc_req_free(req);
	ck_assert_int_eq(nfsc_inflight(clnt), 0);
	nfsc_destroy(clnt);
	fake_stop(&f);
}
END_TEST

/*
 * A pipelined put whose server resets the connection after the first
 * WRITE: nfsc_submit() fails (EPIPE or ECONNRESET, never SIGPIPE), the
 * caller frees the request it could not send, and every WRITE that was
 * sent comes back failed.
 */
START_TEST(test_pipeline_write_gone)
{
	static const enum fake_act script[] = {
		FAKE_ANSWER, FAKE_ANSWER, FAKE_ANSWER, FAKE_RESET };
	static uint8_t data[256 * 1024];
	struct nfsc_stateid sid;
	struct fake f;
	struct nfsc *clnt;
	struct nfsc_req *req;
	int i, r = 0, sent = 0, n, failed;

	memset(&sid, 0, sizeof sid);
	fake_start(&f, script, nitems(script));
	clnt = fake_connect(&f, 3000);
	ck_assert_msg(nfsc_session_create(clnt) == 0, "%s", nfsc_error(clnt));
	for (i = 0; i < 64; i++) {
		req = nfsc_req_new(clnt);
		nfsc_op_putrootfh(req);
		nfsc_op_write(req, &sid, (uint64_t)i * sizeof data,
		    NFSC_UNSTABLE, data, sizeof data);
		if ((r = nfsc_submit(clnt, req)) != 0) {
			nfsc_req_free(req);
			break;
		}
		sent++;
	}
	ck_assert_int_lt(r, 0);
	ck_assert_int_lt(sent, 64);
	n = drain_all(clnt, &failed);
	ck_assert_int_eq(n, sent);
	ck_assert_int_eq(failed, sent);
	nfsc_destroy(clnt);
	fake_stop(&f);
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
	tcase_add_test(tc, test_decode_v40);
	tcase_add_test(tc, test_v40_seqid);
	tcase_add_test(tc, test_truncate_and_flip);
	suite_add_tcase(s, tc);
	tc = tcase_create("transport");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_silent_null);
	tcase_add_loop_test(tc, test_silent_session, 0, 4);
	tcase_add_loop_test(tc, test_close_mid_reply, 0, 2);
	tcase_add_loop_test(tc, test_pipeline_close, 0, 2);
	tcase_add_test(tc, test_pipeline_write_gone);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? 0 : 1;
}
