/*
 * efsgw - the confinement suite: a hostile client tries to get out of
 * where it belongs, through a running gateway (t/confine/confine.sh starts
 * NFS-Ganesha and efsgw with one listener per kind of client). Every case
 * asserts the exact NFS status and, where it matters, the export on disk.
 *
 * Listeners (addresses in the environment): FULL (mount, write, root),
 * RO (mount only), NOROOT (mount, write), NONE (no ClientMount), APA and
 * APB (access points A and B), APC (an access point whose root does not
 * exist and has no CreationInfo), OTHER (another file system on the same
 * export). Raw NFSv4.0 COMPOUNDs (RFC 7530 §16) are used so that each op
 * and each handle is exactly what the test says.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "proxy.h"

#define T_TIMEOUT_MS	15000
#define MAX_RES		32
#define MAX_ENTRIES	64

/* One open connection to a listener. */
struct tconn {
	int		 fd;
	uint32_t	 xid;
};

/* A COMPOUND being built. */
struct tcmp {
	struct evbuffer	*ops;
	uint32_t	 n;
};

/* A handle. */
struct tfh {
	uint8_t		 b[NFS4_FHSIZE];
	uint32_t	 len;
};

/* What a reply said. */
struct tres {
	uint32_t	 status;
	uint32_t	 nres;
	uint32_t	 op[MAX_RES];
	uint32_t	 st[MAX_RES];
	struct tfh	 fh;			/* last GETFH */
	uint32_t	 nent;			/* READDIR entries with a handle */
	struct tfh	 ent[MAX_ENTRIES];
	char		 entname[MAX_ENTRIES][64];
};

static const char *export_dir;

/* Connect to the listener named by environment variable var. */
static struct tconn
tconnect(const char *var)
{
	struct sockaddr_in sin;
	struct tconn t = { -1, 0x7000 };
	const char *a = getenv(var), *colon;
	char host[64];

	ck_assert_msg(a != NULL, "%s is not set", var);
	colon = strrchr(a, ':');
	ck_assert_ptr_nonnull(colon);
	snprintf(host, sizeof host, "%.*s", (int)(colon - a), a);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(colon + 1));
	ck_assert_int_eq(inet_pton(AF_INET, host, &sin.sin_addr), 1);
	t.fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(t.fd, 0);
	if (connect(t.fd, (struct sockaddr *)&sin, sizeof sin) != 0)
		ck_abort_msg("connect %s: %s", a, strerror(errno));
	return t;
}

static struct tcmp
tcmp(void)
{
	struct tcmp c = { evbuffer_new(), 0 };

	return c;
}

/* Append an opcode with no arguments. */
static void
op0(struct tcmp *c, uint32_t op)
{
	xdrbuf_put_u32(c->ops, op);
	c->n++;
}

/* Append an opcode and one opaque/string argument. */
static void
op_str(struct tcmp *c, uint32_t op, const void *s, size_t len)
{
	xdrbuf_put_u32(c->ops, op);
	xdrbuf_put_opaque(c->ops, s, len);
	c->n++;
}

static void
op_putfh(struct tcmp *c, const struct tfh *fh)
{
	op_str(c, OP_PUTFH, fh->b, fh->len);
}

static void
op_lookup(struct tcmp *c, const char *name)
{
	op_str(c, OP_LOOKUP, name, strlen(name));
}

/* CREATE a directory with mode (RFC 7530 §16.4). */
static void
op_mkdir(struct tcmp *c, const char *name, uint32_t mode)
{
	xdrbuf_put_u32(c->ops, OP_CREATE);
	xdrbuf_put_u32(c->ops, 2);		/* NF4DIR */
	xdrbuf_put_opaque(c->ops, name, strlen(name));
	xdrbuf_put_u32(c->ops, 2);		/* bitmap: mode (33) */
	xdrbuf_put_u32(c->ops, 0);
	xdrbuf_put_u32(c->ops, 1u << 1);
	xdrbuf_put_u32(c->ops, 4);
	xdrbuf_put_u32(c->ops, mode);
	c->n++;
}

/* SETATTR owner (36) with the anonymous stateid. */
static void
op_chown(struct tcmp *c, const char *owner)
{
	struct evbuffer *v = evbuffer_new();

	xdrbuf_put_opaque(v, owner, strlen(owner));
	xdrbuf_put_u32(c->ops, OP_SETATTR);
	evbuffer_add(c->ops, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	xdrbuf_put_u32(c->ops, 2);
	xdrbuf_put_u32(c->ops, 0);
	xdrbuf_put_u32(c->ops, 1u << 4);
	xdrbuf_put_u32(c->ops, (uint32_t)evbuffer_get_length(v));
	evbuffer_add_buffer(c->ops, v);
	evbuffer_free(v);
	c->n++;
}

/* SETATTR mode (33). */
static void
op_chmod(struct tcmp *c, uint32_t mode)
{
	xdrbuf_put_u32(c->ops, OP_SETATTR);
	evbuffer_add(c->ops, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	xdrbuf_put_u32(c->ops, 2);
	xdrbuf_put_u32(c->ops, 0);
	xdrbuf_put_u32(c->ops, 1u << 1);
	xdrbuf_put_u32(c->ops, 4);
	xdrbuf_put_u32(c->ops, mode);
	c->n++;
}

/* WRITE with the anonymous stateid (RFC 7530 §9.1.4.3). */
static void
op_write(struct tcmp *c, const char *data)
{
	xdrbuf_put_u32(c->ops, OP_WRITE);
	evbuffer_add(c->ops, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	xdrbuf_put_u64(c->ops, 0);
	xdrbuf_put_u32(c->ops, 2);		/* FILE_SYNC4 */
	xdrbuf_put_opaque(c->ops, data, strlen(data));
	c->n++;
}

/* OPEN name with create (UNCHECKED4, no attributes), 4.0 owner. */
static void
op_open_create(struct tcmp *c, const char *name)
{
	xdrbuf_put_u32(c->ops, OP_OPEN);
	xdrbuf_put_u32(c->ops, 0);		/* seqid */
	xdrbuf_put_u32(c->ops, 3);		/* share access BOTH */
	xdrbuf_put_u32(c->ops, 0);		/* deny NONE */
	xdrbuf_put_u64(c->ops, 1);		/* clientid */
	xdrbuf_put_opaque(c->ops, "owner", 5);
	xdrbuf_put_u32(c->ops, 1);		/* OPEN4_CREATE */
	xdrbuf_put_u32(c->ops, 0);		/* UNCHECKED4 */
	xdrbuf_put_u32(c->ops, 0);		/* empty bitmap */
	xdrbuf_put_u32(c->ops, 0);		/* no values */
	xdrbuf_put_u32(c->ops, 0);		/* CLAIM_NULL */
	xdrbuf_put_opaque(c->ops, name, strlen(name));
	c->n++;
}

/* READDIR asking for the FILEHANDLE attribute (19). */
static void
op_readdir(struct tcmp *c)
{
	xdrbuf_put_u32(c->ops, OP_READDIR);
	xdrbuf_put_u64(c->ops, 0);
	evbuffer_add(c->ops, "\0\0\0\0\0\0\0\0", 8);
	xdrbuf_put_u32(c->ops, 8192);
	xdrbuf_put_u32(c->ops, 32768);
	xdrbuf_put_u32(c->ops, 1);
	xdrbuf_put_u32(c->ops, 1u << 19);
	c->n++;
}

/* RENAME from (in the saved handle) to (in the current handle). */
static void
op_rename(struct tcmp *c, const char *from, const char *to)
{
	xdrbuf_put_u32(c->ops, OP_RENAME);
	xdrbuf_put_opaque(c->ops, from, strlen(from));
	xdrbuf_put_opaque(c->ops, to, strlen(to));
	c->n++;
}

/* READ 64 bytes at 0 with the anonymous stateid. */
static void
op_read(struct tcmp *c)
{
	xdrbuf_put_u32(c->ops, OP_READ);
	evbuffer_add(c->ops, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	xdrbuf_put_u64(c->ops, 0);
	xdrbuf_put_u32(c->ops, 64);
	c->n++;
}

/* Receive exactly len bytes. */
static int
trecv(int fd, void *p, size_t len)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	uint8_t *q = p;
	ssize_t n;

	while (len > 0) {
		if (poll(&pfd, 1, T_TIMEOUT_MS) <= 0)
			return -1;
		if ((n = recv(fd, q, len, 0)) <= 0)
			return -1;
		q += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Skip a fattr4, keeping a FILEHANDLE attribute when it is the only one. */
static void
tskip_fattr(struct xdrbuf *b, struct tfh *fh)
{
	uint32_t n, i, w0 = 0, v;
	size_t len, start;

	ck_assert_int_eq(xdrbuf_get_u32(b, &n), 0);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(xdrbuf_get_u32(b, &v), 0);
		if (i == 0)
			w0 = v;
	}
	ck_assert_int_eq(xdrbuf_get_opaque_len(b, 65536, &len), 0);
	start = xdrbuf_pos(b);
	if (fh != NULL && w0 == 1u << 19) {
		size_t fl;

		ck_assert_int_eq(xdrbuf_get_opaque(b, NFS4_FHSIZE, fh->b,
		    sizeof fh->b, &fl), 0);
		fh->len = (uint32_t)fl;
	}
	ck_assert_int_eq(xdrbuf_seek(b, start + ((len + 3) & ~(size_t)3)), 0);
}

/* Send c as uid/gid on t and parse the reply into r. */
static void
tcall(struct tconn *t, const struct tcmp *c, uint32_t uid, uint32_t gid,
    struct tres *r)
{
	struct evbuffer *msg = evbuffer_new(), *cred = evbuffer_new();
	struct evbuffer_iovec one;
	struct xdrbuf b;
	struct rpc_msg m;
	uint8_t mark[4], *buf;
	uint32_t xid = t->xid++, v, i, more;
	size_t len;

	memset(r, 0, sizeof *r);
	xdrbuf_put_u32(cred, 1);
	xdrbuf_put_opaque(cred, "confine", 7);
	xdrbuf_put_u32(cred, uid);
	xdrbuf_put_u32(cred, gid);
	xdrbuf_put_u32(cred, 0);
	xdrbuf_put_u32(msg, xid);
	xdrbuf_put_u32(msg, RPC_CALL);
	xdrbuf_put_u32(msg, 2);
	xdrbuf_put_u32(msg, NFS4_PROGRAM);
	xdrbuf_put_u32(msg, 4);
	xdrbuf_put_u32(msg, 1);
	xdrbuf_put_u32(msg, AUTH_SYS);
	xdrbuf_put_u32(msg, (uint32_t)evbuffer_get_length(cred));
	evbuffer_add_buffer(msg, cred);
	xdrbuf_put_u32(msg, AUTH_NONE);
	xdrbuf_put_u32(msg, 0);
	xdrbuf_put_opaque(msg, "confine", 7);
	xdrbuf_put_u32(msg, 0);
	xdrbuf_put_u32(msg, c->n);
	evbuffer_add(msg, evbuffer_pullup(c->ops, -1), evbuffer_get_length(c->ops));
	xdrbuf_store_u32(mark, 0x80000000u | (uint32_t)evbuffer_get_length(msg));
	/* One send: mark and body apart would meet Nagle and delayed ACK. */
	evbuffer_prepend(msg, mark, 4);
	len = evbuffer_get_length(msg);
	ck_assert_int_eq(send(t->fd, evbuffer_pullup(msg, -1), len, MSG_NOSIGNAL),
	    (ssize_t)len);
	evbuffer_free(msg);
	evbuffer_free(cred);

	ck_assert_msg(trecv(t->fd, mark, 4) == 0, "no reply");
	len = xdrbuf_load_u32(mark) & 0x7fffffff;
	ck_assert_uint_lt(len, 4 * 1024 * 1024);
	buf = malloc(len + 1);
	ck_assert_msg(trecv(t->fd, buf, len) == 0, "short reply");
	xdrbuf_init_mem(&b, &one, buf, len);
	ck_assert_int_eq(rpc_msg_parse(&b, &m), 0);
	ck_assert_uint_eq(m.xid, xid);
	ck_assert_uint_eq(m.accept_stat, RPC_SUCCESS);
	ck_assert_int_eq(xdrbuf_get_u32(&b, &r->status), 0);
	ck_assert_int_eq(xdrbuf_skip_opaque(&b, 1024, NULL, NULL), 0);
	ck_assert_int_eq(xdrbuf_get_u32(&b, &r->nres), 0);
	ck_assert_uint_le(r->nres, MAX_RES);
	for (i = 0; i < r->nres; i++) {
		ck_assert_int_eq(xdrbuf_get_u32(&b, &r->op[i]), 0);
		ck_assert_int_eq(xdrbuf_get_u32(&b, &r->st[i]), 0);
		if (r->op[i] == OP_SETATTR) {	/* attrsset even on error */
			ck_assert_int_eq(xdrbuf_get_u32(&b, &v), 0);
			ck_assert_int_eq(xdrbuf_skip(&b, (size_t)v * 4), 0);
		}
		if (r->st[i] != NFS4_OK)
			break;
		switch (r->op[i]) {
		case OP_GETFH:
			ck_assert_int_eq(xdrbuf_get_opaque(&b, NFS4_FHSIZE,
			    r->fh.b, sizeof r->fh.b, &len), 0);
			r->fh.len = (uint32_t)len;
			break;
		case OP_CREATE:
			ck_assert_int_eq(xdrbuf_skip(&b, 20), 0);
			ck_assert_int_eq(xdrbuf_get_u32(&b, &v), 0);
			ck_assert_int_eq(xdrbuf_skip(&b, (size_t)v * 4), 0);
			break;
		case OP_REMOVE:
		case OP_LINK:
			ck_assert_int_eq(xdrbuf_skip(&b, 20), 0);
			break;
		case OP_RENAME:
			ck_assert_int_eq(xdrbuf_skip(&b, 40), 0);
			break;
		case OP_WRITE:
			ck_assert_int_eq(xdrbuf_skip(&b, 16), 0);
			break;
		case OP_GETATTR:
			tskip_fattr(&b, NULL);
			break;
		case OP_READDIR:
			ck_assert_int_eq(xdrbuf_skip(&b, 8), 0);
			for (;;) {
				ck_assert_int_eq(xdrbuf_get_u32(&b, &more), 0);
				if (!more)
					break;
				ck_assert_int_eq(xdrbuf_skip(&b, 8), 0);
				ck_assert_uint_lt(r->nent, MAX_ENTRIES);
				ck_assert_int_eq(xdrbuf_get_opaque(&b, 63,
				    r->entname[r->nent], 63, &len), 0);
				r->entname[r->nent][len] = '\0';
				tskip_fattr(&b, &r->ent[r->nent]);
				r->nent++;
			}
			ck_assert_int_eq(xdrbuf_skip(&b, 4), 0);
			break;
		default:
			break;
		}
	}
	free(buf);
	evbuffer_free(c->ops);
}

/* Look up path (components split on '/') from the root; get its handle. */
static struct tfh
tlookup(struct tconn *t, const char *path, uint32_t uid)
{
	struct tcmp c = tcmp();
	struct tres r;
	char buf[256], *s, *save;

	op0(&c, OP_PUTROOTFH);
	snprintf(buf, sizeof buf, "%s", path);
	for (s = strtok_r(buf, "/", &save); s != NULL; s = strtok_r(NULL, "/", &save))
		op_lookup(&c, s);
	op0(&c, OP_GETFH);
	tcall(t, &c, uid, uid, &r);
	ck_assert_msg(r.status == NFS4_OK, "lookup %s: %s", path,
	    nfs4_status_name(r.status));
	return r.fh;
}

/* stat a path under the export on disk. */
static int
tdisk(const char *rel, struct stat *st)
{
	char path[1024];

	snprintf(path, sizeof path, "%s/%s", export_dir, rel);
	return lstat(path, st);
}

/* A made-up handle: the right length, the wrong tag. */
START_TEST(test_forged_handle)
{
	struct tconn t = tconnect("EFSGW_FULL");
	struct tfh fh;
	struct tcmp c = tcmp();
	struct tres r;

	memset(&fh, 0x41, sizeof fh);
	fh.len = 41;
	fh.b[0] = 1;
	op_putfh(&c, &fh);
	op0(&c, OP_GETATTR);
	tcall(&t, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4ERR_BADHANDLE);
	ck_assert_uint_eq(r.nres, 1);
	ck_assert_uint_eq(r.op[0], OP_PUTFH);
	close(t.fd);
}
END_TEST

/* Every single-bit flip of a real handle is refused. */
START_TEST(test_bitflip_handle)
{
	struct tconn t = tconnect("EFSGW_FULL");
	struct tfh fh = tlookup(&t, "/", 0), bad;
	struct tcmp c;
	struct tres r;
	uint32_t i;

	for (i = 0; i < fh.len * 8; i += 3) {
		bad = fh;
		bad.b[i / 8] ^= (uint8_t)(1u << (i % 8));
		c = tcmp();
		op_putfh(&c, &bad);
		op0(&c, OP_GETFH);
		tcall(&t, &c, 0, 0, &r);
		ck_assert_msg(r.status == NFS4ERR_BADHANDLE, "bit %u: %s", i,
		    nfs4_status_name(r.status));
	}
	/* The unflipped handle still works. */
	c = tcmp();
	op_putfh(&c, &fh);
	op0(&c, OP_GETFH);
	tcall(&t, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4_OK);
	close(t.fd);
}
END_TEST

/* A handle of another file system (same export!) is refused. */
START_TEST(test_cross_fs_handle)
{
	struct tconn a = tconnect("EFSGW_FULL"), o = tconnect("EFSGW_OTHER");
	struct tfh fh = tlookup(&o, "/", 0);
	struct tcmp c = tcmp();
	struct tres r;

	op_putfh(&c, &fh);
	op0(&c, OP_GETATTR);
	tcall(&a, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4ERR_BADHANDLE);
	close(a.fd);
	close(o.fd);
}
END_TEST

/* A client of access point A cannot use access point B's handles. */
START_TEST(test_cross_ap_handle)
{
	struct tconn a = tconnect("EFSGW_APA"), bconn = tconnect("EFSGW_APB"),
	    f = tconnect("EFSGW_FULL");
	struct tfh bfh = tlookup(&bconn, "/", 0), ffh = tlookup(&f, "/", 0);
	struct tcmp c = tcmp();
	struct tres r;

	op_putfh(&c, &bfh);
	op0(&c, OP_READDIR);
	tcall(&a, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4ERR_BADHANDLE);
	c = tcmp();
	op_putfh(&c, &ffh);		/* the file system's own root */
	op0(&c, OP_GETATTR);
	tcall(&a, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4ERR_BADHANDLE);
	close(a.fd);
	close(bconn.fd);
	close(f.fd);
}
END_TEST

/* LOOKUPP from the root, directly and after climbing down and up again. */
START_TEST(test_lookupp_escape)
{
	struct tconn t = tconnect("EFSGW_APA");
	struct tfh root = tlookup(&t, "/", 0);
	struct tcmp c = tcmp();
	struct tres r;

	op0(&c, OP_PUTROOTFH);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_GETFH);
	tcall(&t, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4ERR_NOENT);
	ck_assert_uint_eq(r.nres, 2);
	ck_assert_uint_eq(r.op[1], OP_LOOKUPP);

	/* PUTFH of the root handle is the root too. */
	c = tcmp();
	op_putfh(&c, &root);
	op0(&c, OP_LOOKUPP);
	tcall(&t, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4ERR_NOENT);

	/* Down into sub, up to the root, and up again: the server stops. */
	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_mkdir(&c, "sub", 0755);
	tcall(&t, &c, 0, 0, &r);
	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_lookup(&c, "sub");
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_GETFH);
	tcall(&t, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4ERR_NOENT, "got %s", nfs4_status_name(r.status));
	ck_assert_uint_eq(r.nres, 4);
	ck_assert_uint_eq(r.op[2], OP_LOOKUPP);
	ck_assert_uint_eq(r.st[2], NFS4_OK);
	ck_assert_uint_eq(r.op[3], OP_LOOKUPP);
	ck_assert_uint_eq(r.st[3], NFS4ERR_NOENT);

	/* ".." as a name is refused outright. */
	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_lookup(&c, "..");
	tcall(&t, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4ERR_BADNAME);
	close(t.fd);
}
END_TEST

/*
 * A root handle kept from another connection: on a new connection, whose
 * root is not resolved yet, PUTFH(root) LOOKUPP must still stop at the
 * root (found by a review of the guard).
 */
START_TEST(test_lookupp_fresh_conn)
{
	struct tconn t = tconnect("EFSGW_APA");
	struct tfh root = tlookup(&t, "/", 0);
	struct tconn t2 = tconnect("EFSGW_APA");
	struct tcmp c = tcmp();
	struct tres r;

	op_putfh(&c, &root);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_GETFH);
	tcall(&t2, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4ERR_NOENT, "LOOKUPP above the access "
	    "point root on a fresh connection gave %s",
	    nfs4_status_name(r.status));
	close(t.fd);
	close(t2.fd);
}
END_TEST

/* READDIR at an access point root: every handle is sealed and usable. */
START_TEST(test_readdir_handles)
{
	struct tconn t = tconnect("EFSGW_APA");
	struct tcmp c = tcmp();
	struct tres r, r2;
	uint32_t i;

	op0(&c, OP_PUTROOTFH);
	op_mkdir(&c, "d1", 0755);
	tcall(&t, &c, 0, 0, &r);
	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_readdir(&c);
	tcall(&t, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4_OK);
	ck_assert_uint_ge(r.nent, 1);
	for (i = 0; i < r.nent; i++) {
		ck_assert_str_ne(r.entname[i], "..");
		ck_assert_uint_gt(r.ent[i].len, SEAL_OVERHEAD);
		c = tcmp();
		op_putfh(&c, &r.ent[i]);
		op0(&c, OP_LOOKUPP);	/* an entry's parent is the root: fine */
		op0(&c, OP_LOOKUPP);	/* and above it: refused */
		tcall(&t, &c, 0, 0, &r2);
		ck_assert_msg(r2.status == NFS4ERR_NOENT, "entry %s: %s",
		    r.entname[i], nfs4_status_name(r2.status));
		ck_assert_uint_eq(r2.st[1], NFS4_OK);
	}
	close(t.fd);
}
END_TEST

/* Root without ClientRootAccess creates as 65534; chown to root refused. */
START_TEST(test_root_squash)
{
	struct tconn t = tconnect("EFSGW_NOROOT");
	struct tcmp c = tcmp();
	struct tres r;
	struct stat st;

	op0(&c, OP_PUTROOTFH);
	op_mkdir(&c, "squashed", 0777);
	tcall(&t, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4_OK, "mkdir: %s", nfs4_status_name(r.status));
	ck_assert_int_eq(tdisk("squashed", &st), 0);
	ck_assert_uint_eq(st.st_uid, 65534);
	ck_assert_uint_eq(st.st_gid, 65534);

	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_lookup(&c, "squashed");
	op_chown(&c, "0");
	tcall(&t, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4ERR_PERM);
	ck_assert_uint_eq(r.op[2], OP_SETATTR);
	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_lookup(&c, "squashed");
	op_chown(&c, "root@localdomain");
	tcall(&t, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4ERR_PERM);
	ck_assert_int_eq(tdisk("squashed", &st), 0);
	ck_assert_uint_eq(st.st_uid, 65534);

	/* With ClientRootAccess root stays root. */
	close(t.fd);
	t = tconnect("EFSGW_FULL");
	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_mkdir(&c, "rooted", 0755);
	tcall(&t, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4_OK);
	ck_assert_int_eq(tdisk("rooted", &st), 0);
	ck_assert_uint_eq(st.st_uid, 0);
	close(t.fd);
}
END_TEST

/* Without ClientWrite every mutating op is ROFS and the disk unchanged. */
START_TEST(test_read_only)
{
	struct tconn f = tconnect("EFSGW_FULL"), t = tconnect("EFSGW_RO");
	struct tcmp c = tcmp();
	struct tres r;
	struct stat st, st2;
	int i;

	/* Fixture made through the writable listener. */
	op0(&c, OP_PUTROOTFH);
	op_mkdir(&c, "ro", 0755);
	op_mkdir(&c, "inner", 0755);
	tcall(&f, &c, 0, 0, &r);
	ck_assert_int_eq(tdisk("ro/inner", &st), 0);

	for (i = 0; i < 8; i++) {
		c = tcmp();
		op0(&c, OP_PUTROOTFH);
		op_lookup(&c, "ro");
		switch (i) {
		case 0: op_mkdir(&c, "new", 0755); break;
		case 1: op_str(&c, OP_REMOVE, "inner", 5); break;
		case 2:
			op0(&c, OP_SAVEFH);
			xdrbuf_put_u32(c.ops, OP_RENAME);
			xdrbuf_put_opaque(c.ops, "inner", 5);
			xdrbuf_put_opaque(c.ops, "moved", 5);
			c.n++;
			break;
		case 3: op_chmod(&c, 0777); break;
		case 4: op_open_create(&c, "file"); break;
		case 5: op_lookup(&c, "inner"); op_write(&c, "x"); break;
		case 6:
			xdrbuf_put_u32(c.ops, OP_COMMIT);
			xdrbuf_put_u64(c.ops, 0);
			xdrbuf_put_u32(c.ops, 0);
			c.n++;
			break;
		case 7:
			op0(&c, OP_SAVEFH);
			op_str(&c, OP_LINK, "link", 4);
			break;
		}
		tcall(&t, &c, 0, 0, &r);
		ck_assert_msg(r.status == NFS4ERR_ROFS, "case %d: %s", i,
		    nfs4_status_name(r.status));
	}
	ck_assert_int_eq(tdisk("ro/inner", &st2), 0);
	ck_assert_int_ne(tdisk("ro/new", &st2), 0);
	ck_assert_int_ne(tdisk("ro/moved", &st2), 0);
	ck_assert_int_ne(tdisk("ro/file", &st2), 0);
	ck_assert_int_eq(tdisk("ro", &st2), 0);
	ck_assert_uint_eq(st2.st_mode & 07777, 0755);

	/* Reads still work. */
	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_lookup(&c, "ro");
	op_readdir(&c);
	tcall(&t, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4_OK);
	close(f.fd);
	close(t.fd);
}
END_TEST

/* Without ClientMount nothing on the file system is reachable. */
START_TEST(test_no_mount)
{
	struct tconn t = tconnect("EFSGW_NONE");
	struct tcmp c = tcmp();
	struct tres r;

	op0(&c, OP_PUTROOTFH);
	op0(&c, OP_GETFH);
	tcall(&t, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4ERR_ACCESS);
	ck_assert_uint_eq(r.op[0], OP_PUTROOTFH);
	close(t.fd);
}
END_TEST

/*
 * Access points: roots created with CreationInfo (nested, parents too),
 * PosixUser on everything created, a missing root without CreationInfo
 * fails the mount, and a client of A never sees B's directory.
 */
START_TEST(test_access_points)
{
	struct tconn a = tconnect("EFSGW_APA"), bconn = tconnect("EFSGW_APB"),
	    cc = tconnect("EFSGW_APC");
	struct tcmp c;
	struct tres r;
	struct stat st;

	(void)tlookup(&a, "/", 0);
	ck_assert_int_eq(tdisk("apps/a/data", &st), 0);
	ck_assert_uint_eq(st.st_uid, 1001);
	ck_assert_uint_eq(st.st_gid, 1001);
	ck_assert_uint_eq(st.st_mode & 07777, 0750);
	ck_assert_int_eq(tdisk("apps/a", &st), 0);	/* parent created too */
	ck_assert_uint_eq(st.st_uid, 1001);

	(void)tlookup(&bconn, "/", 0);
	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_mkdir(&c, "made-by-b", 0700);
	tcall(&bconn, &c, 0, 0, &r);	/* uid 0 sent; PosixUser 2002 wins */
	ck_assert_uint_eq(r.status, NFS4_OK);
	ck_assert_int_eq(tdisk("apps/b/made-by-b", &st), 0);
	ck_assert_uint_eq(st.st_uid, 2002);
	ck_assert_uint_eq(st.st_gid, 2002);

	/* A looks for B's directory from its root: only its own tree. */
	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_lookup(&c, "made-by-b");
	tcall(&a, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4ERR_NOENT);

	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op0(&c, OP_GETFH);
	tcall(&cc, &c, 0, 0, &r);
	ck_assert_uint_eq(r.status, NFS4ERR_ACCESS);
	close(a.fd);
	close(bconn.fd);
	close(cc.fd);
}
END_TEST

/* A deleted access point root is created again on the next mount. */
START_TEST(test_ap_root_recreated)
{
	struct tconn a = tconnect("EFSGW_APA"), f = tconnect("EFSGW_FULL");
	struct tcmp c;
	struct tres r;
	struct stat st;

	(void)tlookup(&a, "/", 0);
	close(a.fd);
	/* Removed through NFS, so that the server's caches know. */
	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_lookup(&c, "apps");
	op_lookup(&c, "a");
	op_lookup(&c, "data");
	op_str(&c, OP_REMOVE, "sub", 3);
	op_str(&c, OP_REMOVE, "d1", 2);
	op0(&c, OP_LOOKUPP);
	op_str(&c, OP_REMOVE, "data", 4);
	tcall(&f, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4_OK, "remove: %s at op %u",
	    nfs4_status_name(r.status), r.nres);
	ck_assert_int_ne(tdisk("apps/a/data", &st), 0);
	close(f.fd);
	a = tconnect("EFSGW_APA");
	(void)tlookup(&a, "/", 0);
	ck_assert_int_eq(tdisk("apps/a/data", &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0750);
	close(a.fd);
}
END_TEST

/* Is fh the handle a? */
static int
tfh_eq(const struct tfh *fh, const struct tfh *a)
{
	return fh->len == a->len && memcmp(fh->b, a->b, fh->len) == 0;
}

/* Send c on t; assert it stops at client op `at` with NOENT. */
static void
tnoent_at(struct tconn *t, struct tcmp *c, uint32_t at, const char *what)
{
	struct tres r;

	tcall(t, c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4ERR_NOENT, "%s: got %s at op %u", what,
	    nfs4_status_name(r.status), r.nres);
	ck_assert_msg(r.nres == at + 1, "%s: %u results", what, r.nres);
	ck_assert_uint_eq(r.op[at], OP_LOOKUPP);
	ck_assert_uint_eq(r.st[at], NFS4ERR_NOENT);
}

/*
 * Access point escape by rename (NFSv4.0): the access point client holds
 * D's handle; a client of the whole file system moves D out of the access
 * point. D and what is below it stay reachable through the held handle,
 * nothing above or beside it does: LOOKUPP from D is NOENT, and so READDIR,
 * LOOKUP and READ above D never run. LOOKUPP inside the access point still
 * answers what the server answers.
 */
START_TEST(test_rename_escape)
{
	struct tconn f = tconnect("EFSGW_FULL"), a = tconnect("EFSGW_APA");
	struct tfh hd, hi, hs, hr, he;
	struct tcmp c;
	struct tres r;
	char path[1024];
	FILE *fp;
	uint32_t i;
	int seen;

	/* Something worth reading outside the access point. */
	snprintf(path, sizeof path, "%s/out0", export_dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/out0/secret", export_dir);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fputs("outside the access point\n", fp);
	fclose(fp);
	(void)tlookup(&a, "/", 0);		/* the root exists */
	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_lookup(&c, "apps");
	op_lookup(&c, "a");
	op_lookup(&c, "data");
	op_mkdir(&c, "esc0", 0777);
	op0(&c, OP_SAVEFH);
	op_mkdir(&c, "D", 0777);
	op_mkdir(&c, "sub", 0777);
	op0(&c, OP_RESTOREFH);
	op_mkdir(&c, "sib", 0777);
	op_mkdir(&c, "inner", 0777);
	tcall(&f, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4_OK, "fixture: %s at op %u",
	    nfs4_status_name(r.status), r.nres);
	hd = tlookup(&a, "/esc0/D", 0);
	hi = tlookup(&a, "/esc0/sib/inner", 0);
	hs = tlookup(&a, "/esc0/sib", 0);
	he = tlookup(&a, "/esc0", 0);
	hr = tlookup(&a, "/", 0);

	/* Before the move: D's parent is esc0, inside. */
	c = tcmp();
	op_putfh(&c, &hd);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_GETFH);
	tcall(&a, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4_OK, "LOOKUPP from D inside: %s",
	    nfs4_status_name(r.status));
	ck_assert(tfh_eq(&r.fh, &he));

	/* The whole-file-system client moves D out of the access point. */
	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_lookup(&c, "apps");
	op_lookup(&c, "a");
	op_lookup(&c, "data");
	op_lookup(&c, "esc0");
	op0(&c, OP_SAVEFH);
	op0(&c, OP_PUTROOTFH);
	op_lookup(&c, "out0");
	op_rename(&c, "D", "D");
	tcall(&f, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4_OK, "rename: %s at op %u",
	    nfs4_status_name(r.status), r.nres);

	/* Above D: nothing. */
	c = tcmp();
	op_putfh(&c, &hd);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_GETFH);
	tnoent_at(&a, &c, 1, "LOOKUPP from D moved out");
	c = tcmp();
	op_putfh(&c, &hd);
	op0(&c, OP_LOOKUPP);
	op_readdir(&c);
	tnoent_at(&a, &c, 1, "READDIR above D");
	c = tcmp();
	op_putfh(&c, &hd);
	op0(&c, OP_LOOKUPP);
	op_lookup(&c, "secret");
	op_read(&c);
	tnoent_at(&a, &c, 1, "READ beside D");
	c = tcmp();
	op_putfh(&c, &hd);
	op0(&c, OP_SAVEFH);
	op0(&c, OP_PUTROOTFH);
	op0(&c, OP_RESTOREFH);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_GETFH);
	tnoent_at(&a, &c, 4, "LOOKUPP from D after RESTOREFH");
	c = tcmp();
	op_putfh(&c, &hd);
	op_lookup(&c, "sub");
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_LOOKUPP);
	op_readdir(&c);
	tnoent_at(&a, &c, 3, "LOOKUPP twice from D/sub");

	/* D itself and below stay reachable through the held handle. */
	c = tcmp();
	op_putfh(&c, &hd);
	op_readdir(&c);
	tcall(&a, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4_OK, "READDIR of D: %s",
	    nfs4_status_name(r.status));
	for (i = 0, seen = 0; i < r.nent; i++)
		seen |= strcmp(r.entname[i], "sub") == 0;
	ck_assert(seen);
	c = tcmp();
	op_putfh(&c, &hd);
	op_lookup(&c, "sub");
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_GETFH);
	tcall(&a, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4_OK, "D/sub/..: %s",
	    nfs4_status_name(r.status));
	ck_assert(tfh_eq(&r.fh, &hd));

	/* Inside the access point LOOKUPP answers as the server does. */
	c = tcmp();
	op_putfh(&c, &hi);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_GETFH);
	tcall(&a, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4_OK, "inner/..: %s",
	    nfs4_status_name(r.status));
	ck_assert(tfh_eq(&r.fh, &hs));
	c = tcmp();
	op_putfh(&c, &hi);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_GETFH);
	tcall(&a, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4_OK, "inner/../../..: %s",
	    nfs4_status_name(r.status));
	ck_assert(tfh_eq(&r.fh, &hr));
	c = tcmp();
	op_putfh(&c, &hi);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_GETFH);
	tnoent_at(&a, &c, 4, "LOOKUPP above the root from inner");
	c = tcmp();
	op_putfh(&c, &hs);
	op_lookup(&c, "inner");
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_GETFH);
	tcall(&a, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4_OK, "sib/inner/..: %s",
	    nfs4_status_name(r.status));
	ck_assert(tfh_eq(&r.fh, &hs));

	/*
	 * A rename between the proof and the LOOKUPP (here inside the same
	 * COMPOUND, so that it is certain to fall in between): the server
	 * stops at the guard, and the client sees NOENT; asked again, the
	 * new parent is proven.
	 */
	c = tcmp();
	op_putfh(&c, &he);
	op_mkdir(&c, "D2", 0777);
	op_putfh(&c, &he);
	op_mkdir(&c, "other", 0777);
	tcall(&a, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4_OK, "fixture 2: %s",
	    nfs4_status_name(r.status));
	hd = tlookup(&a, "/esc0/D2", 0);
	hs = tlookup(&a, "/esc0/other", 0);
	c = tcmp();
	op_putfh(&c, &he);
	op0(&c, OP_SAVEFH);
	op_putfh(&c, &hs);
	op_rename(&c, "D2", "D2");
	op_putfh(&c, &hd);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_GETFH);
	tcall(&a, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4ERR_NOENT, "LOOKUPP after a rename since "
	    "the proof: %s at op %u", nfs4_status_name(r.status), r.nres);
	ck_assert_uint_eq(r.nres, 6);
	ck_assert_uint_eq(r.op[3], OP_RENAME);
	ck_assert_uint_eq(r.st[3], NFS4_OK);
	ck_assert_uint_eq(r.op[5], OP_LOOKUPP);
	ck_assert_uint_eq(r.st[5], NFS4ERR_NOENT);
	c = tcmp();
	op_putfh(&c, &hd);
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_GETFH);
	tcall(&a, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4_OK, "D2/.. after the rename: %s",
	    nfs4_status_name(r.status));
	ck_assert(tfh_eq(&r.fh, &hs));

	/*
	 * The gateway cannot name the parent of a handle two LOOKUPs below a
	 * known one: refused on an access point (no client sends this), as
	 * the server answers on the whole file system.
	 */
	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_lookup(&c, "esc0");
	op_lookup(&c, "sib");
	op0(&c, OP_LOOKUPP);
	tnoent_at(&a, &c, 3, "LOOKUPP with no known parent");
	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_lookup(&c, "apps");
	op_lookup(&c, "a");
	op0(&c, OP_LOOKUPP);
	op0(&c, OP_GETFH);
	tcall(&f, &c, 0, 0, &r);
	ck_assert_msg(r.status == NFS4_OK, "whole fs apps/a/..: %s",
	    nfs4_status_name(r.status));
	close(f.fd);
	close(a.fd);
}
END_TEST

/* Microseconds per call of n PUTFH fh, [LOOKUPP,] GETFH on t. */
static double
tcost(struct tconn *t, const struct tfh *fh, int lookupp, int n)
{
	struct timespec a, b;
	struct tcmp c;
	struct tres r;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		c = tcmp();
		op_putfh(&c, fh);
		if (lookupp)
			op0(&c, OP_LOOKUPP);
		op0(&c, OP_GETFH);
		tcall(t, &c, 0, 0, &r);
		ck_assert_uint_eq(r.status, NFS4_OK);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((double)(b.tv_sec - a.tv_sec) * 1e6 +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e3) / n;
}

/*
 * What a LOOKUPP costs on an access point connection (one proof COMPOUND
 * each) and on the whole file system (a guard only). Run by hand with
 * EFSGW_CONFINE_BENCH=N (docs/security.md quotes it); it prints, it
 * asserts nothing about time.
 */
START_TEST(test_lookupp_cost)
{
	const char *env = getenv("EFSGW_CONFINE_BENCH");
	struct tconn f, a;
	struct tfh ha, hf;
	struct tcmp c;
	struct tres r;
	int n, round;

	if (env == NULL || (n = atoi(env)) <= 0)
		return;
	f = tconnect("EFSGW_FULL");
	a = tconnect("EFSGW_APA");
	(void)tlookup(&a, "/", 0);
	c = tcmp();
	op0(&c, OP_PUTROOTFH);
	op_lookup(&c, "apps");
	op_lookup(&c, "a");
	op_lookup(&c, "data");
	op_mkdir(&c, "cost", 0777);
	op_mkdir(&c, "b", 0777);
	op_mkdir(&c, "c", 0777);
	tcall(&f, &c, 0, 0, &r);
	ha = tlookup(&a, "/cost/b/c", 0);
	hf = tlookup(&f, "/apps/a/data/cost/b/c", 0);
	for (round = 0; round < 3; round++)
		printf("round %d, %d calls each, us per call: access point "
		    "PUTFH+LOOKUPP+GETFH %.0f, PUTFH+GETFH %.0f; whole file "
		    "system PUTFH+LOOKUPP+GETFH %.0f, PUTFH+GETFH %.0f\n", round,
		    n, tcost(&a, &ha, 1, n), tcost(&a, &ha, 0, n),
		    tcost(&f, &hf, 1, n), tcost(&f, &hf, 0, n));
	close(f.fd);
	close(a.fd);
}
END_TEST

/* A handle the client holds keeps working after a key rotation. */
START_TEST(test_key_rotation)
{
	const char *phase = getenv("EFSGW_ROTATION");
	struct tconn t;
	struct tcmp c;
	struct tres r;
	struct tfh fh;
	FILE *f;
	char path[1024];
	size_t n;

	if (phase == NULL)
		return;		/* confine.sh runs it in two phases */
	snprintf(path, sizeof path, "%s/rotation.fh", getenv("T"));
	t = tconnect("EFSGW_FULL");
	if (strcmp(phase, "before") == 0) {
		fh = tlookup(&t, "/rooted", 0);
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fwrite(&fh, sizeof fh, 1, f);
		fclose(f);
	} else {
		f = fopen(path, "r");
		ck_assert_ptr_nonnull(f);
		n = fread(&fh, sizeof fh, 1, f);
		fclose(f);
		ck_assert_uint_eq(n, 1);
		c = tcmp();
		op_putfh(&c, &fh);
		op0(&c, OP_GETFH);
		tcall(&t, &c, 0, 0, &r);
		ck_assert_uint_eq(r.status, NFS4_OK);
		/* New handles come sealed with the new key id. */
		ck_assert_uint_eq(r.fh.b[1], 2);
		ck_assert_uint_eq(fh.b[1], 1);
	}
	close(t.fd);
}
END_TEST

static Suite *
confine_suite(void)
{
	Suite *s = suite_create("confine");
	TCase *tc = tcase_create("hostile");
	const char *only = getenv("EFSGW_ROTATION");

	tcase_set_timeout(tc, 120);
	if (getenv("EFSGW_CONFINE_BENCH") != NULL)
		tcase_add_test(tc, test_lookupp_cost);
	else if (only == NULL) {
		tcase_add_test(tc, test_forged_handle);
		tcase_add_test(tc, test_bitflip_handle);
		tcase_add_test(tc, test_cross_fs_handle);
		tcase_add_test(tc, test_cross_ap_handle);
		tcase_add_test(tc, test_lookupp_escape);
		tcase_add_test(tc, test_lookupp_fresh_conn);
		tcase_add_test(tc, test_readdir_handles);
		tcase_add_test(tc, test_root_squash);
		tcase_add_test(tc, test_read_only);
		tcase_add_test(tc, test_no_mount);
		tcase_add_test(tc, test_access_points);
		tcase_add_test(tc, test_ap_root_recreated);
		tcase_add_test(tc, test_rename_escape);
	} else
		tcase_add_test(tc, test_key_rotation);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	if ((export_dir = getenv("EXPORT_DIR")) == NULL) {
		fprintf(stderr, "EXPORT_DIR is not set (run t/confine/confine.sh)\n");
		return 2;
	}
	sr = srunner_create(confine_suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
