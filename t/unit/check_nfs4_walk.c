/*
 * efsgw - Check tests for the NFSv4 COMPOUND walker (proxy/nfs4-walk.c,
 * nfs4-ops.c and the tables generated from nfs4.x).
 *
 * Every vector is encoded BY HAND here from the RFCs' XDR with a tiny
 * token language (see enc_run), independent of the generated tables, so
 * that a mistake in nfs4.x or xdrgen.py shows up as a mismatch. Tokens:
 *   123 0x7b      unsigned int            hN        unsigned hyper N
 *   oN            opaque<> of N bytes     'text     opaque<> holding text
 *   fN            opaque[N]               sid       stateid4
 *   ver           verifier4               sess      sessionid4
 *   ci            change_info4            fa0       empty fattr4
 *   ( ... )       opaque<> whose body is the tokens inside (attrlist4)
 *   @K item       item must be reported as a mark of kind K
 *   {K ... }      the tokens inside must be reported as one mark of kind K
 *   |             an op starts here (op boundaries are checked)
 * Mark letters: F FH, W WRITE_DATA, R READ_DATA, S OPEN_SHARE_ACCESS,
 * C OPEN_CREATE, L OPEN_CLAIM, B SETCLIENTID_CB, X EXCHGID_FLAGS,
 * P CSESS_CB_PROGRAM, A SETATTR_ATTRS, O ATTR_OWNER, G ATTR_OWNER_GROUP,
 * Z ATTR_SIZE, U ATTRS_UNDECODED, N NAME, M READDIR_MAXCOUNT, T ATTRLIST,
 * K READ_COUNT, I ATTR_MAXIO, Q CHAN_MAXSIZE.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <event2/buffer.h>

#include "common.h"
#include "xdrbuf.h"
#include "nfs4.h"

#define ENC_CAP		(1024 * 1024)
#define ENC_MAXEXP	64

struct enc {
	uint8_t		*buf;
	size_t		 cap;
	size_t		 len;
	struct nfs4_mark exp[ENC_MAXEXP];
	unsigned int	 nexp;
	uint32_t	 opstart[EFSGW_MAX_OPS + 1];
	unsigned int	 nops;
	size_t		 paren[8];
	int		 np;
	size_t		 reg[8];
	int		 regkind[8];
	int		 nr;
};

/* Append n raw bytes. */
static void
put_raw(struct enc *e, const void *p, size_t n)
{
	ck_assert_uint_le(e->len + n, e->cap);
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

/* Append a big-endian unsigned int. */
static void
put_u32(struct enc *e, uint32_t v)
{
	uint8_t p[4] = { v >> 24, v >> 16, v >> 8, v };

	put_raw(e, p, 4);
}

/* Append a big-endian unsigned hyper. */
static void
put_u64(struct enc *e, uint64_t v)
{
	put_u32(e, (uint32_t)(v >> 32));
	put_u32(e, (uint32_t)v);
}

/* Append zero padding to a 4-byte boundary after n bytes. */
static void
put_pad(struct enc *e, size_t n)
{
	static const uint8_t zero[4];

	put_raw(e, zero, (4 - (n & 3)) & 3);
}

/* Append n pattern bytes as opaque[n]. */
static void
put_fixed(struct enc *e, size_t n)
{
	size_t i;

	ck_assert_uint_le(e->len + n + 3, e->cap);
	for (i = 0; i < n; i++)
		e->buf[e->len++] = (uint8_t)(0xa0 + i);
	put_pad(e, n);
}

/* Append opaque<> with body p (or a pattern when p is NULL). */
static void
put_opaque(struct enc *e, const void *p, size_t n)
{
	put_u32(e, (uint32_t)n);
	if (p != NULL) {
		put_raw(e, p, n);
		put_pad(e, n);
	} else
		put_fixed(e, n);
}

/* Map a mark letter to its kind. */
static int
mark_kind(char k)
{
	static const char letters[] = "FWRSCLBXPAOGZUNMTKIQ";
	const char *p = strchr(letters, k);

	ck_assert_msg(k != '\0' && p != NULL, "bad mark letter %c", k);
	return (int)(p - letters) + NFS4_MARK_FH;
}

/* Expect a mark of kind at [off, off + len) in the current op. */
static void
expect_mark(struct enc *e, int kind, size_t off, size_t len)
{
	ck_assert_uint_lt(e->nexp, ENC_MAXEXP);
	e->exp[e->nexp].off = (uint32_t)off;
	e->exp[e->nexp].len = (uint32_t)len;
	e->exp[e->nexp].op = (uint16_t)(e->nops > 0 ? e->nops - 1 : 0);
	e->exp[e->nexp].kind = (uint16_t)kind;
	e->nexp++;
}

/* Encode the token string s into e (see the file comment). */
static void
enc_run(struct enc *e, const char *s)
{
	static char copy[1024 * 1024];
	char *tok, *save = NULL;
	int mark = 0;
	size_t at, body;

	ck_assert_uint_lt(strlen(s), sizeof copy);
	strcpy(copy, s);
	for (tok = strtok_r(copy, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save)) {
		at = e->len;
		body = at;
		if (tok[0] == '@') {
			mark = mark_kind(tok[1]);
			continue;
		} else if (tok[0] == '|') {
			e->opstart[e->nops++] = (uint32_t)e->len;
			continue;
		} else if (tok[0] == '{') {
			e->reg[e->nr] = e->len;
			e->regkind[e->nr++] = mark_kind(tok[1]);
			continue;
		} else if (tok[0] == '}') {
			e->nr--;
			expect_mark(e, e->regkind[e->nr], e->reg[e->nr],
			    e->len - e->reg[e->nr]);
			continue;
		} else if (tok[0] == '(') {
			e->paren[e->np++] = e->len;
			put_u32(e, 0);
			continue;
		} else if (tok[0] == ')') {
			size_t start = e->paren[--e->np], n = e->len - start - 4;

			xdrbuf_store_u32(e->buf + start, (uint32_t)n);
			put_pad(e, n);
			continue;
		} else if (tok[0] == 'h')
			put_u64(e, strtoull(tok + 1, NULL, 0));
		else if (tok[0] == 'o') {
			body = at + 4;
			put_opaque(e, NULL, strtoul(tok + 1, NULL, 0));
		} else if (tok[0] == '\'') {
			body = at + 4;
			put_opaque(e, tok + 1, strlen(tok + 1));
		} else if (tok[0] == 'f' && tok[1] == 'a')
			put_u32(e, 0), put_u32(e, 0);
		else if (tok[0] == 'f')
			put_fixed(e, strtoul(tok + 1, NULL, 0));
		else if (strcmp(tok, "sid") == 0) {
			put_u32(e, 1);
			put_fixed(e, 12);
		} else if (strcmp(tok, "ver") == 0)
			put_fixed(e, 8);
		else if (strcmp(tok, "sess") == 0)
			put_fixed(e, 16);
		else if (strcmp(tok, "ci") == 0) {
			put_u32(e, 1);
			put_u64(e, 1);
			put_u64(e, 2);
		} else {
			char *end;
			unsigned long v = strtoul(tok, &end, 0);

			ck_assert_msg(*end == '\0', "bad token %s", tok);
			put_u32(e, (uint32_t)v);
		}
		if (mark != 0) {
			size_t blen = e->len - body;

			/* Opaque marks cover the body without padding. */
			if (tok[0] == 'o')
				blen = strtoul(tok + 1, NULL, 0);
			else if (tok[0] == '\'')
				blen = strlen(tok + 1);
			else if (tok[0] == 'f')
				blen = strtoul(tok + 1, NULL, 0);
			expect_mark(e, mark, body, blen);
			mark = 0;
		}
	}
	ck_assert_int_eq(e->np, 0);
	ck_assert_int_eq(e->nr, 0);
}

/* Set e up over a buffer of cap bytes and encode s. */
static void
enc_init(struct enc *e, uint8_t *buf, size_t cap, const char *s)
{
	memset(e, 0, sizeof *e);
	e->buf = buf;
	e->cap = cap;
	enc_run(e, s);
}

enum dir { D_ARGS, D_RES, D_CBARGS, D_CBRES };

/* Walk len bytes of buf in direction d. */
static int
walk(enum dir d, uint32_t minor, const uint8_t *buf, size_t len,
    struct nfs4_compound *c)
{
	struct evbuffer_iovec one;
	struct xdrbuf b;

	xdrbuf_init_mem(&b, &one, buf, len);
	switch (d) {
	case D_ARGS:
		return nfs4_walk_compound_args(&b, c);
	case D_RES:
		return nfs4_walk_compound_res(&b, minor, c);
	case D_CBARGS:
		return nfs4_walk_cb_compound_args(&b, c);
	default:
		return nfs4_walk_cb_compound_res(&b, minor, c);
	}
}

/* Check c against what the encoder expects of a good walk. */
static void
check_walk(const struct enc *e, const struct nfs4_compound *c,
    const char *what)
{
	static struct nfs4_mark marks[EFSGW_MAX_MARKS];
	unsigned int i, n;

	ck_assert_msg(c->nops == e->nops, "%s: nops %u != %u", what, c->nops,
	    e->nops);
	for (i = 0; i < e->nops; i++) {
		ck_assert_msg(c->ops[i].start == e->opstart[i],
		    "%s: op %u start %u != %u", what, i, c->ops[i].start,
		    e->opstart[i]);
		ck_assert_msg(c->ops[i].end == (i + 1 < e->nops ?
		    e->opstart[i + 1] : e->len), "%s: op %u end %u", what, i,
		    c->ops[i].end);
	}
	/*
	 * ATTRLIST marks (every fattr4 body of a reply) are checked by their
	 * own invariant instead of being listed in each vector: the word
	 * before the body is its length, and every FH mark inside an
	 * attribute list lies wholly within it.
	 */
	for (i = 0, n = 0; i < c->nmarks; i++) {
		if (c->marks[i].kind == NFS4_MARK_ATTRLIST) {
			ck_assert_uint_ge(c->marks[i].off, 4);
			ck_assert_uint_eq(xdrbuf_load_u32(e->buf + c->marks[i].off - 4),
			    c->marks[i].len);
			continue;
		}
		marks[n++] = c->marks[i];
	}
	ck_assert_msg(n == e->nexp, "%s: %u marks, expected %u", what,
	    n, e->nexp);
	for (i = 0; i < e->nexp; i++)
		ck_assert_msg(marks[i].off == e->exp[i].off &&
		    marks[i].len == e->exp[i].len &&
		    marks[i].op == e->exp[i].op &&
		    marks[i].kind == e->exp[i].kind,
		    "%s: mark %u is kind %u op %u at %u+%u, expected kind %u "
		    "op %u at %u+%u", what, i, marks[i].kind, marks[i].op,
		    marks[i].off, marks[i].len, e->exp[i].kind,
		    e->exp[i].op, e->exp[i].off, e->exp[i].len);
}

/*
 * One op: opcode, the minor versions that have it, arguments, an OK
 * result and an error result (NULL: just the status NFS4ERR_IO). With
 * arms set, lo is the first minor version of the union arms the vector
 * uses (4.1 OPEN claims...) and lower minors are not tried: one nfs4.x
 * union carries the arms of all versions.
 */
struct opvec {
	uint32_t	 op;
	uint8_t		 lo, hi;
	uint8_t		 arms;
	const char	*args;
	const char	*ok;
	const char	*err;
};

/* RFC 7530 §16, RFC 8881 §18, RFC 7862 §15, RFC 8276 §8.4 (by hand). */
static const struct opvec ops[] = {
	{ 3, 0, 2, 0, "0x3f", "0 0x3f 0x1f", NULL },			/* ACCESS */
	{ 4, 0, 2, 0, "1 sid", "0 sid", NULL },				/* CLOSE */
	{ 5, 0, 2, 0, "h0 4096", "0 ver", NULL },				/* COMMIT */
	{ 6, 0, 2, 0, "5 'tgt @N 'lnk fa0", "0 ci 0", NULL },			/* CREATE NF4LNK */
	{ 6, 0, 2, 0, "2 @N 'd 2 0 0x30 ( @O 'u1 @G 'g1 )", "0 ci 2 0 0x30", NULL },
	{ 6, 0, 2, 0, "4 1 2 @N 'c fa0", "0 ci 0", NULL },			/* NF4CHR */
	{ 7, 0, 2, 0, "h1", "0", NULL },					/* DELEGPURGE */
	{ 8, 0, 2, 0, "sid", "0", NULL },					/* DELEGRETURN */
	{ 9, 0, 2, 0, "2 0x0010011a 0x00b0a23a", "0 2 0x80010 0 ( h4096 @F o16 )", NULL },
	{ 10, 0, 2, 0, "", "0 @F o32", NULL },				/* GETFH */
	{ 11, 0, 2, 0, "@N 'newname", "0 ci", NULL },				/* LINK */
	{ 12, 0, 2, 0, "2 0 h0 h100 1 1 sid 2 h5 o8", "0 sid",
	    "10010 h0 h100 2 h5 o8" },					/* LOCK, DENIED */
	{ 12, 0, 2, 0, "1 0 h0 h100 0 sid 3", "0 sid", NULL },
	{ 13, 0, 2, 0, "1 h0 h100 h5 o8", "0", "10010 h0 h100 1 h5 o4" },	/* LOCKT */
	{ 14, 0, 2, 0, "1 3 sid h0 h100", "0 sid", NULL },			/* LOCKU */
	{ 15, 0, 2, 0, "@N 'name", "0", NULL },				/* LOOKUP */
	{ 16, 0, 2, 0, "", "0", NULL },					/* LOOKUPP */
	{ 17, 0, 2, 0, "1 0x10 ( @Z h100 )", "0", NULL },			/* NVERIFY */
	{ 18, 0, 2, 0, "1 @S 2 0 h5 o8 @C 1 0 1 0x10 ( @Z h0 ) @L 0 @N 'file",
	    "0 sid ci 4 0 0", NULL },					/* OPEN create */
	{ 18, 0, 2, 0, "1 @S 1 0 h5 o8 @C 0 @L 2 sid 'f",
	    "0 sid ci 4 0 1 sid 0 0 0 0x1 'OWNER@", NULL },		/* DELEGATE_CUR */
	{ 18, 0, 2, 0, "1 @S 1 0 h5 o8 @C 1 2 ver @L 1 1",
	    "0 sid ci 4 1 0x2 2 sid 0 2 10 512 0 0 0 'EVERYONE@", NULL },
	{ 18, 1, 2, 1, "1 @S 0x10001 0 h5 o8 @C 1 3 ver fa0 @L 4",
	    "0 sid ci 4 0 3 1 1", NULL },				/* 4.1 arms */
	{ 18, 1, 2, 1, "1 @S 3 0 h5 o8 @C 0 @L 5 sid", "0 sid ci 0 0 3 0", NULL },
	{ 19, 0, 2, 0, "0", "0", NULL },					/* OPENATTR */
	{ 20, 0, 0, 0, "sid 2", "0 sid", NULL },				/* OPEN_CONFIRM */
	{ 21, 0, 2, 0, "sid 2 1 0", "0 sid", NULL },			/* OPEN_DOWNGRADE */
	{ 22, 0, 2, 0, "@F o20", "0", NULL },				/* PUTFH */
	{ 23, 0, 2, 0, "", "0", NULL },					/* PUTPUBFH */
	{ 24, 0, 2, 0, "", "0", NULL },					/* PUTROOTFH */
	{ 25, 0, 2, 0, "sid h0 @K 4096", "0 1 @R o100", NULL },		/* READ */
	{ 26, 0, 2, 0, "h0 ver 4096 @M 8192 2 0x80000 0",			/* READDIR */
	    "0 ver 1 h1 'a 2 0x80000 0 ( @F o8 ) 1 h2 'b 2 0x80000 0 ( @F o12 ) 0 1",
	    NULL },
	{ 26, 0, 2, 0, "h0 ver 4096 @M 8192 0", "0 ver 0 1", NULL },		/* empty dir */
	{ 27, 0, 2, 0, "", "0 'target", NULL },				/* READLINK */
	{ 28, 0, 2, 0, "@N 'x", "0 ci", NULL },				/* REMOVE */
	{ 29, 0, 2, 0, "@N 'a @N 'b", "0 ci ci", NULL },				/* RENAME */
	{ 30, 0, 0, 0, "h1", "0", NULL },					/* RENEW */
	{ 31, 0, 2, 0, "", "0", NULL },					/* RESTOREFH */
	{ 32, 0, 2, 0, "", "0", NULL },					/* SAVEFH */
	{ 33, 0, 2, 0, "@N 'name", "0 2 1 6 o9 0 1", NULL },			/* SECINFO */
	{ 34, 0, 2, 0, "sid {A 2 0x10 0x30 ( @Z h0 @O 'o @G 'g ) }",	/* SETATTR */
	    "0 2 0x10 0x30", "5 0" },
	{ 34, 0, 2, 0, "sid {A 2 0x02000000 0x00410000 ( 1 0 1 h7 0 ) }", "0 0", "5 0" },
	{ 35, 0, 0, 0, "ver o10 {B 0x40000000 'tcp '127.0.0.1.3.4 } 1",	/* SETCLIENTID */
	    "0 h7 ver", "10017 'tcp '1.2.3.4.0.1" },
	{ 36, 0, 0, 0, "h7 ver", "0", NULL },				/* SETCLIENTID_CONFIRM */
	{ 37, 0, 2, 0, "fa0", "0", NULL },					/* VERIFY */
	{ 38, 0, 2, 0, "sid h0 2 @W o100", "0 100 2 ver", NULL },		/* WRITE */
	{ 38, 0, 2, 0, "sid h0 0 @W o0", "0 0 0 ver", NULL },
	{ 39, 0, 0, 0, "h5 o8", "0", NULL },				/* RELEASE_LOCKOWNER */
	{ 40, 1, 2, 0, "@P 0x40000000 2 0 1 1 'host 0 0 1 5", "0", NULL },	/* BACKCHANNEL_CTL */
	{ 41, 1, 2, 0, "sess 3 0", "0 sess 3 0", NULL },			/* BIND_CONN_TO_SESSION */
	{ 42, 1, 2, 0, "ver o12 0x3 0 0",					/* EXCHANGE_ID */
	    "0 h1 1 @X 0x10001 0 h2 o8 o8 1 'd 'n h0 0", NULL },
	{ 42, 1, 2, 0, "ver o12 0x3 1 1 0x3 1 0x1 1 'kernel.org 'Linux h1 0",
	    "0 h1 1 @X 0x10001 1 1 0x3 1 0x1 h2 o8 o8 0", NULL },
	{ 43, 1, 2, 0, "h1 1 0 0 1048576 1048576 4096 8 64 0 0 1048576 1048576 "
	    "4096 8 64 0 @P 0x40000000 1 1 0 'm 0 0 0",			/* CREATE_SESSION */
	    "0 sess 1 0 0 @Q 1048576 @Q 1048576 4096 8 64 0 0 @Q 1048576 @Q 1048576 "
	    "4096 8 64 1 2",
	    NULL },
	{ 44, 1, 2, 0, "sess", "0", NULL },				/* DESTROY_SESSION */
	{ 45, 1, 2, 0, "sid", "0", NULL },					/* FREE_STATEID */
	{ 46, 1, 2, 0, "0 1 0x1 h0 0 h0 0 1 0x1 1 0x2",			/* GET_DIR_DELEGATION */
	    "0 0 ver sid 1 1 1 2 1 3", NULL },
	{ 46, 1, 2, 0, "1 0 h0 0 h0 0 0 0", "0 1 1", NULL },
	{ 47, 1, 2, 0, "f16 1 4096 1 0x6", "0 1 o24 1 0x6", "10005 8192" },	/* GETDEVICEINFO */
	{ 48, 1, 2, 0, "1 16 h0 ver", "0 h1 ver 2 f16 f16 1", NULL },	/* GETDEVICELIST */
	{ 49, 1, 2, 0, "h0 h100 0 sid 1 h99 1 h5 0 1 o8", "0 1 h100", NULL },	/* LAYOUTCOMMIT */
	{ 49, 1, 2, 0, "h0 h100 0 sid 0 0 1 o0", "0 0", NULL },
	{ 50, 1, 2, 0, "0 1 1 h0 h4096 h0 sid 4096",			/* LAYOUTGET */
	    "0 0 sid 1 h0 h4096 1 1 o16", "10058 1" },
	{ 51, 1, 2, 0, "0 1 3 1 h0 h100 sid o4", "0 1 sid", NULL },	/* LAYOUTRETURN */
	{ 51, 1, 2, 0, "0 1 3 3", "0 0", NULL },
	{ 52, 1, 2, 0, "0", "0 1 1", NULL },				/* SECINFO_NO_NAME */
	{ 53, 1, 2, 0, "sess 1 2 3 1", "0 sess 1 2 3 4 0", NULL },		/* SEQUENCE */
	{ 54, 1, 2, 0, "o16 o20", "0 o20", NULL },				/* SET_SSV */
	{ 55, 1, 2, 0, "2 sid sid", "0 2 0 10025", NULL },			/* TEST_STATEID */
	{ 56, 1, 2, 0, "0x1 4", "0 2 sid 0 1 h1000 0 0 0 'EVERYONE@", NULL },	/* WANT_DELEGATION */
	{ 56, 1, 2, 0, "0x1 1 2", "0 3 2 1", NULL },
	{ 57, 1, 2, 0, "h1", "0", NULL },					/* DESTROY_CLIENTID */
	{ 58, 1, 2, 0, "0", "0", NULL },					/* RECLAIM_COMPLETE */
	{ 59, 2, 2, 0, "sid h0 h4096", "0", NULL },			/* ALLOCATE */
	{ 60, 2, 2, 0, "sid sid h0 h0 h4096 0 1 1 3 'tcp '1.2.3.4.8.1",	/* COPY */
	    "0 0 h4096 2 ver 1 1", "10094 1 0" },
	{ 60, 2, 2, 0, "sid sid h0 h0 h4096 1 0 0", "0 1 sid h0 0 ver 1 0", NULL },
	{ 61, 2, 2, 0, "sid 1 'server", "0 h30 0 sid 1 2 'nfs://x", NULL },	/* COPY_NOTIFY */
	{ 62, 2, 2, 0, "sid h0 h4096", "0", NULL },			/* DEALLOCATE */
	{ 63, 2, 2, 0, "sid h0 h4096 1 0x4", "0 1 0x4", NULL },		/* IO_ADVISE */
	{ 64, 2, 2, 0, "h0 h10 sid 1 f16 5 25", "0", NULL },		/* LAYOUTERROR */
	{ 65, 2, 2, 0, "h0 h10 sid h1 h2 h3 h4 f16 1 o0", "0", NULL },	/* LAYOUTSTATS */
	{ 66, 2, 2, 0, "sid", "0", NULL },					/* OFFLOAD_CANCEL */
	{ 67, 2, 2, 0, "sid", "0 h100 1 0", NULL },			/* OFFLOAD_STATUS */
	{ 68, 2, 2, 0, "sid h0 8192", "0 1 2 0 h0 @R o50 1 h50 h4046", NULL },	/* READ_PLUS */
	{ 69, 2, 2, 0, "sid h0 1", "0 0 h8192", NULL },			/* SEEK */
	{ 70, 2, 2, 0, "sid 2 h0 h512 h4 h0 0 h0 o16", "0 0 h2048 2 ver", NULL },	/* WRITE_SAME */
	{ 71, 2, 2, 0, "sid sid h0 h0 h4096", "0", NULL },			/* CLONE */
	{ 72, 2, 2, 0, "'user.a", "0 o10", NULL },				/* GETXATTR */
	{ 73, 2, 2, 0, "1 'user.a o10", "0 ci", NULL },			/* SETXATTR */
	{ 74, 2, 2, 0, "h0 4096", "0 h5 2 'user.a 'user.b 1", NULL },	/* LISTXATTRS */
	{ 75, 2, 2, 0, "'user.a", "0 ci", NULL },				/* REMOVEXATTR */
};

/* RFC 8881 §20, RFC 7530 §16.2, RFC 7862 §16.1 (by hand). */
static const struct opvec cbops[] = {
	{ 3, 0, 2, 0, "@F o16 2 0x18 0", "0 2 0x18 0 ( h1 h4096 )", NULL },	/* CB_GETATTR */
	{ 4, 0, 2, 0, "sid 0 @F o16", "0", NULL },				/* CB_RECALL */
	{ 5, 1, 2, 0, "1 3 1 1 @F o16 h0 h100 sid", "0", NULL },		/* CB_LAYOUTRECALL */
	{ 5, 1, 2, 0, "1 3 0 3", "0", NULL },
	{ 6, 1, 2, 0, "sid @F o16 1 1 0x8 ( 0 'new 2 0x80000 0 ( @F o8 ) 0 0 0 )",	/* CB_NOTIFY add */
	    "0", NULL },
	{ 6, 1, 2, 0, "sid @F o16 2 1 0x4 ( 'old fa0 h9 ) 1 0x20 ( ver ver )", "0", NULL },
	{ 7, 1, 2, 0, "@F o16 1 sid 0 0 0 0x1 'OWNER@", "0", NULL },	/* CB_PUSH_DELEG */
	{ 8, 1, 2, 0, "1 1 0x3", "0", NULL },				/* CB_RECALL_ANY */
	{ 9, 1, 2, 0, "1 1 0x3", "0", NULL },				/* CB_RECALLABLE_OBJ_AVAIL */
	{ 10, 1, 2, 0, "4", "0", NULL },					/* CB_RECALL_SLOT */
	{ 11, 1, 2, 0, "sess 1 2 3 0 1 sess 1 5 1", "0 sess 1 2 3 4", NULL },	/* CB_SEQUENCE */
	{ 12, 1, 2, 0, "1 0", "0", NULL },					/* CB_WANTS_CANCELLED */
	{ 13, 1, 2, 0, "@F o16 h5 o8", "0", NULL },			/* CB_NOTIFY_LOCK */
	{ 14, 1, 2, 0, "1 1 0x6 ( 1 f16 1 1 f16 )", "0", NULL },		/* CB_NOTIFY_DEVICEID */
	{ 15, 2, 2, 0, "@F o16 sid 0 0 h4096 2 ver", "0", NULL },		/* CB_OFFLOAD */
	{ 15, 2, 2, 0, "@F o16 sid 10008 h10", "0", NULL },
};

/* Build the COMPOUND around vector v for minor in direction d. */
static void
build(struct enc *e, uint8_t *buf, size_t cap, const struct opvec *v,
    enum dir d, uint32_t minor, int err)
{
	char s[4096];
	const char *body, *errbody = v->err != NULL ? v->err : "5";

	body = d == D_ARGS || d == D_CBARGS ? v->args : err ? errbody : v->ok;
	switch (d) {
	case D_ARGS:
		snprintf(s, sizeof s, "'tst %u 3 | %s | %u %s | 32", minor,
		    minor == 0 ? "24" : "53 sess 1 2 3 0", v->op, body);
		break;
	case D_RES:
		snprintf(s, sizeof s, "%lu 'tst %d | %s | %u %s%s",
		    err ? strtoul(errbody, NULL, 0) : 0ul, err ? 2 : 3,
		    minor == 0 ? "24 0" : "53 0 sess 1 2 3 4 0", v->op, body,
		    err ? "" : " | 32 0");
		break;
	case D_CBARGS:
		snprintf(s, sizeof s, "'cb %u 7 3 | %s | %u %s | 4 sid 0 @F o8",
		    minor, minor == 0 ? "4 sid 1 @F o4" : "11 sess 1 2 3 0 0",
		    v->op, body);
		break;
	case D_CBRES:
		snprintf(s, sizeof s, "%lu 'cb %d | %s | %u %s%s",
		    err ? strtoul(errbody, NULL, 0) : 0ul, err ? 2 : 3,
		    minor == 0 ? "4 0" : "11 0 sess 1 2 3 4", v->op, body,
		    err ? "" : " | 4 0");
		break;
	}
	enc_init(e, buf, cap, s);
}

static uint8_t vbuf[ENC_CAP];
static struct nfs4_compound cmp;

/* Walk vector v every way (args, OK and error results) in every minor. */
static void
run_vector(const struct opvec *v, int cb)
{
	struct enc e;
	uint32_t minor;
	int dd, err, r;
	enum dir d;
	char what[128];

	for (minor = 0; minor <= NFS4_MAX_MINOR; minor++) {
		for (dd = 0; dd < 3; dd++) {
			d = cb ? (dd == 0 ? D_CBARGS : D_CBRES) :
			    (dd == 0 ? D_ARGS : D_RES);
			err = dd == 2;
			build(&e, vbuf, sizeof vbuf, v, d, minor, err);
			snprintf(what, sizeof what, "%s%s op %u minor %u %s",
			    cb ? "cb " : "", dd == 0 ? "args" : "res", v->op,
			    minor, err ? "error" : "ok");
			r = walk(d, minor, vbuf, e.len, &cmp);
			if (v->arms && minor < v->lo)
				continue;
			if ((minor < v->lo || minor > v->hi) &&
			    (d == D_RES || d == D_CBRES)) {
				/*
				 * A result of another minor version's op (a
				 * server's NOTSUPP to it) decodes with that
				 * op's result shape.
				 */
				ck_assert_msg(r == 0, "%s: %d", what, r);
				continue;
			}
			if (minor < v->lo || minor > v->hi) {
				/* Not in this minor version: refused as such. */
				ck_assert_msg(r == EFSGW_ERR_UNKNOWN_OP,
				    "%s: %d", what, r);
				ck_assert_uint_eq(cmp.nops, 1);
				ck_assert_uint_eq(cmp.bad_op, 1);
				ck_assert_uint_eq(cmp.ops[1].opcode, v->op);
				ck_assert_uint_eq(cmp.ops[1].start, e.opstart[1]);
				continue;
			}
			ck_assert_msg(r == 0, "%s: %s", what, efsgw_err(r));
			check_walk(&e, &cmp, what);
			ck_assert_uint_eq(cmp.ops[1].opcode, v->op);
			ck_assert_uint_eq(cmp.minorversion, minor);
			if (dd != 0)
				ck_assert_uint_eq(cmp.ops[1].status,
				    err ? strtoul(v->err != NULL ? v->err : "5",
				    NULL, 0) : 0);
			if (d == D_CBARGS)
				ck_assert_uint_eq(cmp.callback_ident, 7);
		}
	}
}

/*
 * RFC 7530 §16, RFC 8881 §18, RFC 7862 §15, RFC 8276: every op's
 * arguments and results (OK and an error status) decode in the minor
 * versions that have it, with exact op boundaries and marks, and are
 * refused as unknown in the others (RFC 8881 §16.2.3: ops outside a minor
 * version's range are NFS4ERR_OP_ILLEGAL / NOTSUPP).
 */
START_TEST(test_every_op)
{
	run_vector(&ops[_i], 0);
}
END_TEST

/* RFC 8881 §20 / RFC 7862 §16: every callback op, both directions. */
START_TEST(test_every_cb_op)
{
	run_vector(&cbops[_i], 1);
}
END_TEST

/* Every opcode 3..75 has at least one vector (so "every op" is true). */
START_TEST(test_table_coverage)
{
	uint32_t op;
	size_t i;
	int seen;

	for (op = 3; op <= 75; op++) {
		seen = 0;
		for (i = 0; i < nitems(ops); i++)
			seen |= ops[i].op == op;
		ck_assert_msg(seen, "no vector for op %u", op);
		ck_assert_ptr_nonnull(nfs4_op_any(op));
		ck_assert_str_ne(nfs4_op_name(op), "ILLEGAL");
		/* Tiering needs to know what every op does with file data. */
		ck_assert_msg(nfs4_op_any(op)->data != NFS4_DATA_UNSET,
		    "op %u has no data class", op);
		/* Whatever reads or writes data (QoS) is a data op. */
		if (nfs4_op_any(op)->qos == NFS4_QOS_DATA_READ ||
		    nfs4_op_any(op)->qos == NFS4_QOS_DATA_WRITE)
			ck_assert_msg(nfs4_op_any(op)->data != NFS4_DATA_NONE,
			    "op %u moves data but is not a data op", op);
	}
	ck_assert_uint_eq(nfs4_op_any(OP_READ)->data, NFS4_DATA_READ);
	ck_assert_uint_eq(nfs4_op_any(68)->data, NFS4_DATA_READ);	/* READ_PLUS */
	ck_assert_uint_eq(nfs4_op_any(69)->data, NFS4_DATA_READ);	/* SEEK */
	ck_assert_uint_eq(nfs4_op_any(62)->data, NFS4_DATA_WRITE);	/* DEALLOCATE */
	ck_assert_uint_eq(nfs4_op_any(OP_SETATTR)->data, NFS4_DATA_SIZE);
	for (op = 3; op <= 15; op++) {
		seen = 0;
		for (i = 0; i < nitems(cbops); i++)
			seen |= cbops[i].op == op;
		ck_assert_msg(seen, "no vector for cb op %u", op);
	}
	ck_assert_str_eq(nfs4_op_name(OP_READ), "READ");
	ck_assert_str_eq(nfs4_op_name(99), "ILLEGAL");
	ck_assert_str_eq(nfs4_op_name(OP_ILLEGAL), "ILLEGAL");
	ck_assert_str_eq(nfs4_cb_op_name(OP_CB_SEQUENCE), "CB_SEQUENCE");
	ck_assert_ptr_null(nfs4_op_lookup(0, OP_SEQUENCE));
	ck_assert_ptr_null(nfs4_op_lookup(1, OP_SETCLIENTID));
	ck_assert_ptr_null(nfs4_op_lookup(1, 59));
	ck_assert_ptr_null(nfs4_op_lookup(2, 76));
	ck_assert_ptr_null(nfs4_cb_op_lookup(0, OP_CB_SEQUENCE));
	ck_assert_ptr_null(nfs4_cb_op_lookup(1, OP_CB_OFFLOAD));
	/* The confinement columns the brief pins down. */
	ck_assert_uint_eq(nfs4_op_lookup(0, OP_WRITE)->action, NFS4_ACTION_MUTATES);
	ck_assert_uint_eq(nfs4_op_lookup(0, OP_OPEN)->action, NFS4_ACTION_MAYBE);
	ck_assert_uint_eq(nfs4_op_lookup(2, 73)->action, NFS4_ACTION_MUTATES);
	ck_assert_uint_eq(nfs4_op_lookup(2, 71)->action, NFS4_ACTION_MUTATES);
	ck_assert_uint_eq(nfs4_op_lookup(1, 49)->action, NFS4_ACTION_MUTATES);
	ck_assert_uint_eq(nfs4_op_lookup(0, OP_READ)->qos, NFS4_QOS_DATA_READ);
	ck_assert_uint_eq(nfs4_op_lookup(2, 68)->qos, NFS4_QOS_DATA_READ);
	ck_assert_uint_eq(nfs4_op_lookup(2, 70)->qos, NFS4_QOS_DATA_WRITE);
	ck_assert_uint_eq(nfs4_op_lookup(1, OP_SEQUENCE)->qos, NFS4_QOS_NONE);
}
END_TEST

/* Walk the token string s in direction d and return the result. */
static int
walk_str(enum dir d, uint32_t minor, const char *s, struct enc *e)
{
	enc_init(e, vbuf, sizeof vbuf, s);
	return walk(d, minor, vbuf, e->len, &cmp);
}

/*
 * RFC 8881 §15.2 / §18.51: an opcode no minor version has is reported as
 * OP_ILLEGAL at its index, with the ops before it valid; an explicit
 * ILLEGAL op in arguments is refused too, but is a valid result.
 */
START_TEST(test_unknown_op)
{
	struct enc e;

	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 1 3 | 53 sess 1 2 3 0 | 99 | 24",
	    &e), EFSGW_ERR_UNKNOWN_OP);
	ck_assert_uint_eq(cmp.nops, 1);
	ck_assert_uint_eq(cmp.bad_op, 1);
	ck_assert_uint_eq(cmp.ops[1].opcode, OP_ILLEGAL);
	ck_assert_uint_eq(cmp.ops[1].start, e.opstart[1]);
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 2 | 24 | 10044", &e),
	    EFSGW_ERR_UNKNOWN_OP);
	ck_assert_uint_eq(cmp.ops[1].opcode, OP_ILLEGAL);
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 0", &e),
	    EFSGW_ERR_UNKNOWN_OP);
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 2", &e),
	    EFSGW_ERR_UNKNOWN_OP);
	/* The server's answer to it (RFC 8881 §16.2.3). */
	ck_assert_int_eq(walk_str(D_RES, 1, "10044 't 2 | 53 0 sess 1 2 3 4 0 "
	    "| 10044 10044", &e), 0);
	ck_assert_uint_eq(cmp.nops, 2);
	ck_assert_uint_eq(cmp.ops[1].status, NFS4ERR_OP_ILLEGAL);
	ck_assert_int_eq(walk_str(D_CBRES, 1, "10044 't 1 | 10044 10044", &e), 0);
	ck_assert_int_eq(walk_str(D_CBARGS, 1, "'t 1 0 1 | 10044", &e),
	    EFSGW_ERR_UNKNOWN_OP);
}
END_TEST

/*
 * RFC 8881 (4.1 drops SETCLIENTID, SETCLIENTID_CONFIRM, RENEW,
 * OPEN_CONFIRM, RELEASE_LOCKOWNER): a 4.0-only op in 4.1 is refused with
 * its opcode kept, so that the caller answers NFS4ERR_NOTSUPP.
 */
START_TEST(test_v40_op_in_v41)
{
	struct enc e;

	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 1 2 | 53 sess 1 2 3 0 "
	    "| 35 ver o10 0x40000000 'tcp '1.2.3.4.0.1 1", &e),
	    EFSGW_ERR_UNKNOWN_OP);
	ck_assert_uint_eq(cmp.nops, 1);
	ck_assert_uint_eq(cmp.ops[1].opcode, OP_SETCLIENTID);
	/* And a 4.1 op in 4.0. */
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 53 sess 1 2 3 0", &e),
	    EFSGW_ERR_UNKNOWN_OP);
	ck_assert_uint_eq(cmp.nops, 0);
	ck_assert_uint_eq(cmp.ops[0].opcode, OP_SEQUENCE);
}
END_TEST

/*
 * Style rule 11 (and RFC 8881 §15.1.12.x NFS4ERR_TOO_MANY_OPS): a count
 * over EFSGW_MAX_OPS is refused as soon as it is read, before any op,
 * even when no op follows.
 */
START_TEST(test_too_many_ops)
{
	struct enc e;

	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 1 129", &e), EFSGW_ERR_TOO_MANY);
	ck_assert_uint_eq(cmp.count, 129);
	ck_assert_uint_eq(cmp.nops, 0);
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 1 0xffffffff | 24", &e),
	    EFSGW_ERR_TOO_MANY);
	ck_assert_int_eq(walk_str(D_RES, 1, "0 't 1000", &e), EFSGW_ERR_TOO_MANY);
	ck_assert_int_eq(walk_str(D_CBARGS, 0, "'t 1 0 129", &e),
	    EFSGW_ERR_TOO_MANY);
	/* 128 PUTROOTFH ops are fine. */
	{
		char s[1024];
		int i, n;

		n = snprintf(s, sizeof s, "'t 0 128");
		for (i = 0; i < 128; i++)
			n += snprintf(s + n, sizeof s - n, " | 24");
		ck_assert_int_eq(walk_str(D_ARGS, 0, s, &e), 0);
		ck_assert_uint_eq(cmp.nops, 128);
		check_walk(&e, &cmp, "128 ops");
	}
}
END_TEST

/*
 * RFC 8881 §16.2.3: minorversion beyond what the server has is
 * NFS4ERR_MINOR_VERS_MISMATCH; the walker says BAD_VALUE with it set. A
 * tag over EFSGW_MAX_TAG and trailing bytes are refused.
 */
START_TEST(test_header_rules)
{
	struct enc e;

	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 3 1 | 24", &e), EFSGW_ERR_BAD_VALUE);
	ck_assert_uint_eq(cmp.minorversion, 3);
	ck_assert_int_eq(walk_str(D_ARGS, 0, "o1025 0 1 | 24", &e), EFSGW_ERR_TOO_LONG);
	ck_assert_int_eq(walk_str(D_ARGS, 0, "o1024 0 1 | 24", &e), 0);
	ck_assert_uint_eq(cmp.tag_len, 1024);
	ck_assert_uint_eq(cmp.tag_off, 0);
	ck_assert_uint_eq(cmp.count_off, 1032);
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 24 0", &e), EFSGW_ERR_TRAILING);
	ck_assert_uint_eq(cmp.nops, 1);
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 0", &e), 0);
	ck_assert_int_eq(walk_str(D_RES, 3, "0 't 0", &e), EFSGW_ERR_BAD_VALUE);
	ck_assert_int_eq(walk_str(D_RES, 0, "10021 't 0", &e), 0);
	ck_assert_uint_eq(cmp.status, NFS4ERR_MINOR_VERS_MISMATCH);
}
END_TEST

/*
 * RFC 4506 §4.10 with the caps of nfs4.x: opaque lengths of 0xffffffff or
 * over the bound (NFS4_FHSIZE for nfs_fh4, NFS4_OPAQUE_LIMIT for owners,
 * EFSGW_MAX_DATA for WRITE) are refused without reading further.
 */
START_TEST(test_oversize_opaque)
{
	struct enc e;

	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 22 0xffffffff", &e),
	    EFSGW_ERR_TOO_LONG);
	ck_assert_uint_eq(cmp.ops[0].opcode, OP_PUTFH);
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 22 o129", &e),
	    EFSGW_ERR_TOO_LONG);
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 22 o128", &e), 0);
	ck_assert_int_eq(walk_str(D_ARGS, 0, "0xffffffff", &e), EFSGW_ERR_TOO_LONG);
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 38 sid h0 2 0xffffffff",
	    &e), EFSGW_ERR_TOO_LONG);
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 38 sid h0 2 0x400001",
	    &e), EFSGW_ERR_TOO_LONG);
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 39 h1 o1025", &e),
	    EFSGW_ERR_TOO_LONG);
	{
		/*
		 * bitmap4 is unbounded in RFC 8881 §3.3.7: a GETATTR asking
		 * for attribute 1000 in 32 words decodes (the server answers
		 * with what it supports); over 1024 words is refused.
		 */
		char buf[16384];
		size_t n;
		int i;

		ck_assert_int_eq(walk_str(D_ARGS, 0,
		    "'t 0 1 | 9 9 1 2 3 4 5 6 7 8 9", &e), 0);
		n = (size_t)snprintf(buf, sizeof buf, "'t 0 1 | 9 32");
		for (i = 0; i < 32; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n, " %s",
			    i == 31 ? "0x100" : "0");
		ck_assert_int_eq(walk_str(D_ARGS, 0, buf, &e), 0);
		n = (size_t)snprintf(buf, sizeof buf, "'t 0 1 | 9 1025");
		for (i = 0; i < 1025; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n, " 0");
		ck_assert_int_eq(walk_str(D_ARGS, 0, buf, &e), EFSGW_ERR_TOO_LONG);
		/* A fattr4 with a bit past word 8: the rest is undecoded. */
		ck_assert_int_eq(walk_str(D_ARGS, 0,
		    "'t 0 1 | 17 9 0 0 0 0 0 0 0 0 1 4 7", &e), 0);
	}
	ck_assert_int_eq(walk_str(D_ARGS, 2, "'t 2 1 | 55 1025", &e),
	    EFSGW_ERR_TOO_LONG);			/* stateids<> > 1024 */
	/* A fattr4 whose attrlist length is huge. */
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 17 1 0x10 0xffffffff", &e),
	    EFSGW_ERR_TOO_LONG);
}
END_TEST

/*
 * RFC 4506 §4.3/§4.4/§4.15: enum values outside their type, bools other
 * than 0/1 and union discriminants without an arm are refused.
 */
START_TEST(test_bad_values)
{
	struct enc e;

	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 6 0 'x fa0", &e),
	    EFSGW_ERR_BAD_VALUE);			/* nfs_ftype4 0 */
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 12 2 0 h0 h1 2", &e),
	    EFSGW_ERR_BAD_VALUE);			/* locker4 bool 2 */
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 18 1 1 0 h5 o8 0 7", &e),
	    EFSGW_ERR_BAD_DISCRIM);			/* open_claim_type4 7 */
	ck_assert_int_eq(walk_str(D_ARGS, 1, "'t 1 1 | 56 1 0", &e),
	    EFSGW_ERR_BAD_DISCRIM);			/* deleg_claim4 CLAIM_NULL */
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 38 sid h0 3 o0", &e),
	    EFSGW_ERR_BAD_VALUE);			/* stable_how4 3 */
	ck_assert_int_eq(walk_str(D_ARGS, 1, "'t 1 1 | 40 1 1 9", &e),
	    EFSGW_ERR_BAD_DISCRIM);			/* cb flavor 9 */
}
END_TEST

/*
 * RFC 8881 §5.6-5.8: fattr4 values come in bitmap order; FILEHANDLE (19)
 * inside a READDIR entry yields an FH mark per entry; an attribute number
 * the walker does not know stops decoding (its length is unknown) and the
 * rest is reported as ATTRS_UNDECODED; values must fill attr_vals exactly.
 */
START_TEST(test_fattr4)
{
	struct enc e;

	/* READDIR: 3 entries, filehandle plus owner (not marked in results). */
	ck_assert_int_eq(walk_str(D_RES, 0, "0 't 1 | 26 0 ver 1 h1 'a 2 0x80000 "
	    "0x10 ( @F o8 'own ) 1 h2 'bb 2 0x80002 0 ( 1 @F o12 ) 1 h3 'ccc "
	    "2 0x80000 0 ( @F o128 ) 0 1", &e), 0);
	check_walk(&e, &cmp, "readdir");
	/* Three handles, each inside its entry's attribute list, which is
	 * marked first so that sealing can fix its length in order. */
	ck_assert_uint_eq(cmp.nmarks, 6);
	ck_assert_uint_eq(cmp.marks[0].kind, NFS4_MARK_ATTRLIST);
	ck_assert_uint_eq(cmp.marks[1].kind, NFS4_MARK_FH);
	ck_assert_uint_ge(cmp.marks[1].off, cmp.marks[0].off);
	ck_assert_uint_le(cmp.marks[1].off + cmp.marks[1].len,
	    cmp.marks[0].off + cmp.marks[0].len);
	/* Unknown attribute 90 after size and owner in SETATTR arguments. */
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 34 sid {A 3 0x10 0x10 "
	    "0x04000000 ( @Z h0 @O 'me {U h7 } ) }", &e), 0);
	check_walk(&e, &cmp, "unknown attr");
	/* Values shorter or longer than attr_vals. */
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 34 sid 1 0x10 ( h0 0 )",
	    &e), EFSGW_ERR_TRAILING);
	ck_assert_int_eq(walk_str(D_ARGS, 0, "'t 0 1 | 34 sid 1 0x10 ( 0 ) 0 0",
	    &e), EFSGW_ERR_TRUNCATED);
	/* A bad value inside an attribute fails the op. */
	ck_assert_int_eq(walk_str(D_RES, 0, "0 't 1 | 9 0 1 0x2 ( 0 )", &e),
	    EFSGW_ERR_BAD_VALUE);			/* type 0 */
	/* An empty bitmap with values is trailing junk. */
	ck_assert_int_eq(walk_str(D_RES, 0, "0 't 1 | 9 0 0 ( 1 )", &e),
	    EFSGW_ERR_TRAILING);
	/* Marks beyond EFSGW_MAX_MARKS: refused, never overrun. */
	{
		/* Each entry gives two marks: its attribute list and a handle. */
		size_t cap = (size_t)EFSGW_MAX_MARKS * 16 + 64, n;
		char *s = malloc(cap);
		int i;

		ck_assert_ptr_nonnull(s);
		n = (size_t)snprintf(s, cap, "0 't 1 | 26 0 ver");
		for (i = 0; i < EFSGW_MAX_MARKS / 2 + 1; i++)
			n += (size_t)snprintf(s + n, cap - n,
			    " 1 h1 'a 1 0x80000 ( o4 )");
		snprintf(s + n, cap - n, " 0 1");
		ck_assert_int_eq(walk_str(D_RES, 0, s, &e), EFSGW_ERR_TOO_MANY);
		ck_assert_uint_eq(cmp.nmarks, EFSGW_MAX_MARKS);
		free(s);
	}
}
END_TEST

/* Encode every vector (args and OK result) into v[], return how many. */
static size_t
all_vectors(struct enc *v, uint8_t (*bufs)[2048], enum dir *dirs,
    uint32_t *minors, size_t max)
{
	size_t n = 0, i;
	int dd;

	for (i = 0; i < nitems(ops) + nitems(cbops) && n + 2 <= max; i++) {
		const struct opvec *o = i < nitems(ops) ? &ops[i] :
		    &cbops[i - nitems(ops)];
		int cb = i >= nitems(ops);

		for (dd = 0; dd < 2; dd++) {
			dirs[n] = cb ? (dd ? D_CBRES : D_CBARGS) :
			    (dd ? D_RES : D_ARGS);
			minors[n] = o->hi;
			build(&v[n], bufs[n], sizeof bufs[n], o, dirs[n],
			    o->hi, 0);
			n++;
		}
	}
	return n;
}

#define NVEC	256
static struct enc vecs[NVEC];
static uint8_t vecbufs[NVEC][2048];
static enum dir vecdirs[NVEC];
static uint32_t vecminors[NVEC];
static size_t nvecs;

/*
 * RFC 4506 §4: every field is there or the message is bad. Every prefix
 * of every vector (each truncation point) is an error, never a crash.
 */
START_TEST(test_truncation)
{
	uint8_t *copy;
	size_t i, l;

	nvecs = all_vectors(vecs, vecbufs, vecdirs, vecminors, NVEC);
	for (i = 0; i < nvecs; i++) {
		ck_assert_int_eq(walk(vecdirs[i], vecminors[i], vecs[i].buf,
		    vecs[i].len, &cmp), 0);
		for (l = 0; l < vecs[i].len; l++) {
			/* A fresh heap copy so ASan sees any overread. */
			copy = malloc(l + 1);
			memcpy(copy, vecs[i].buf, l);
			ck_assert_msg(walk(vecdirs[i], vecminors[i], copy, l,
			    &cmp) != 0, "vector %zu prefix %zu decoded", i, l);
			free(copy);
		}
	}
}
END_TEST

/*
 * Deterministic bit-flip loop (OpenSSH test_sshbuf_getput_fuzz style):
 * every single-bit flip of every vector, and xorshift multi-byte damage,
 * walks without crashing; a success stays inside the record.
 */
START_TEST(test_bitflip)
{
	uint8_t *copy;
	size_t i, bit, k;
	uint32_t x = 2463534242u;
	int r;

	nvecs = all_vectors(vecs, vecbufs, vecdirs, vecminors, NVEC);
	for (i = 0; i < nvecs; i++) {
		size_t len = vecs[i].len;

		copy = malloc(len);
		for (bit = 0; bit < len * 8; bit++) {
			memcpy(copy, vecs[i].buf, len);
			copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			r = walk(vecdirs[i], vecminors[i], copy, len, &cmp);
			if (r == 0)
				ck_assert_uint_le(cmp.ops[cmp.nops ? cmp.nops - 1 : 0].end, len);
		}
		for (k = 0; k < 200; k++) {
			memcpy(copy, vecs[i].buf, len);
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			copy[x % len] = (uint8_t)(x >> 8);
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			copy[x % len] ^= (uint8_t)(x >> 16);
			(void)walk(vecdirs[i], vecminors[i], copy, len, &cmp);
			(void)walk((enum dir)(x % 4), x % 3, copy, len, &cmp);
		}
		free(copy);
	}
}
END_TEST

/*
 * xdrbuf walks evbuffer chains: the same vectors split into many iovecs
 * (one byte each) give the same ops and marks as flat memory.
 */
START_TEST(test_split_iovecs)
{
	struct evbuffer_iovec iov[2048];
	struct xdrbuf b;
	size_t i, j;
	int r;

	nvecs = all_vectors(vecs, vecbufs, vecdirs, vecminors, NVEC);
	for (i = 0; i < nvecs; i++) {
		ck_assert_uint_le(vecs[i].len, nitems(iov));
		for (j = 0; j < vecs[i].len; j++) {
			iov[j].iov_base = vecs[i].buf + j;
			iov[j].iov_len = 1;
		}
		xdrbuf_init(&b, iov, (int)vecs[i].len);
		switch (vecdirs[i]) {
		case D_ARGS:
			r = nfs4_walk_compound_args(&b, &cmp);
			break;
		case D_RES:
			r = nfs4_walk_compound_res(&b, vecminors[i], &cmp);
			break;
		case D_CBARGS:
			r = nfs4_walk_cb_compound_args(&b, &cmp);
			break;
		default:
			r = nfs4_walk_cb_compound_res(&b, vecminors[i], &cmp);
			break;
		}
		ck_assert_int_eq(r, 0);
		check_walk(&vecs[i], &cmp, "split");
	}
}
END_TEST

/* Time n walks of len bytes at buf; return ns per walk. */
static double
bench_one(enum dir d, const uint8_t *buf, size_t len, int n)
{
	struct timespec t0, t1;
	int i, bad = 0;

	/* No ck_assert in the loop: Check records each one (a syscall). */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		bad |= walk(d, 1, buf, len, &cmp);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_eq(bad, 0);
	return ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / n;
}

/*
 * Not a timed test: prints ns per walk of a typical 5-op 4.1 COMPOUND
 * (SEQUENCE, PUTFH, READ 1 MiB, GETATTR, GETFH), call and reply.
 */
START_TEST(test_bench)
{
	static uint8_t big[1200 * 1024];
	struct enc e;
	double a, r;
	int n = getenv("NFS4_WALK_BENCH_N") ? atoi(getenv("NFS4_WALK_BENCH_N")) :
	    20000;

	enc_init(&e, big, sizeof big, "'t 1 5 | 53 sess 1 2 3 0 | 22 o40 "
	    "| 25 sid h0 1048576 | 9 2 0x0010011a 0x00b0a23a | 10");
	a = bench_one(D_ARGS, big, e.len, n);
	enc_init(&e, big, sizeof big, "0 't 5 | 53 0 sess 1 2 3 4 0 | 22 0 "
	    "| 25 0 0 o1048576 | 9 0 2 0x0010011a 0x00b0a23a ( 1 h5 h1048576 "
	    "h1 h2 h99 0x1ed 1 'u1000 'g1000 0 0 h1048576 h1 0 h1 0 h1 0 h99 ) "
	    "| 10 0 o40");
	r = bench_one(D_RES, big, e.len, n);
	printf("nfs4_walk bench: 5-op COMPOUND args %.0f ns/walk, reply with "
	    "1 MiB READ + GETATTR %.0f ns/walk (%d walks)\n", a, r, n);
	fflush(stdout);
}
END_TEST

/*
 * Write every vector as a fuzz_walk seed into dir: one selector byte
 * (direction | minor << 2, see t/fuzz/fuzz_walk.c), then the record.
 */
static int
dump_corpus(const char *dir)
{
	struct enc e;
	char path[1024];
	const struct opvec *v;
	size_t i, n = 0;
	uint32_t minor;
	int dd, cb;
	FILE *f;

	for (i = 0; i < nitems(ops) + nitems(cbops); i++) {
		cb = i >= nitems(ops);
		v = cb ? &cbops[i - nitems(ops)] : &ops[i];
		/* One vector per opcode, its last minor version. */
		if (i > 0 && !cb && ops[i - 1].op == v->op)
			continue;
		if (cb && i > nitems(ops) && cbops[i - nitems(ops) - 1].op == v->op)
			continue;
		for (minor = v->hi; minor <= v->hi; minor++) {
			for (dd = 0; dd < 3; dd++) {
				if (dd == 2 && v->err == NULL)
					continue;
				enum dir d = cb ? (dd ? D_CBRES : D_CBARGS) :
				    (dd ? D_RES : D_ARGS);
				uint8_t sel = (uint8_t)(d | minor << 2);

				build(&e, vbuf, sizeof vbuf, v, d, minor, dd == 2);
				snprintf(path, sizeof path, "%s/seed-%s%02u-%zu-%u%c",
				    dir, cb ? "cb" : "op", v->op, i, minor,
				    "aoe"[dd]);
				if ((f = fopen(path, "wb")) == NULL)
					return 1;
				fwrite(&sel, 1, 1, f);
				fwrite(vbuf, 1, e.len, f);
				fclose(f);
				n++;
			}
		}
	}
	printf("%zu seeds written to %s\n", n, dir);
	return 0;
}

/*
 * Not a check: with NFS4_WALK_CORPUS=dir set, write the fuzz seeds
 * (t/fuzz/corpus/walk is made this way).
 */
START_TEST(test_dump_corpus)
{
	if (getenv("NFS4_WALK_CORPUS") != NULL)
		ck_assert_int_eq(dump_corpus(getenv("NFS4_WALK_CORPUS")), 0);
}
END_TEST

/* Assemble the suite. */
static Suite *
nfs4_walk_suite(void)
{
	Suite *s = suite_create("nfs4_walk");
	TCase *tc = tcase_create("vectors");
	TCase *tf = tcase_create("robustness");
	TCase *tb = tcase_create("bench");

	tcase_add_loop_test(tc, test_every_op, 0, (int)nitems(ops));
	tcase_add_loop_test(tc, test_every_cb_op, 0, (int)nitems(cbops));
	tcase_add_test(tc, test_table_coverage);
	tcase_add_test(tc, test_unknown_op);
	tcase_add_test(tc, test_v40_op_in_v41);
	tcase_add_test(tc, test_too_many_ops);
	tcase_add_test(tc, test_header_rules);
	tcase_add_test(tc, test_oversize_opaque);
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_fattr4);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tf, 120);
	tcase_add_test(tf, test_truncation);
	tcase_add_test(tf, test_bitflip);
	tcase_add_test(tf, test_split_iovecs);
	suite_add_tcase(s, tf);
	tcase_set_timeout(tb, 60);
	tcase_add_test(tb, test_bench);
	tcase_add_test(tb, test_dump_corpus);
	suite_add_tcase(s, tb);
	return s;
}


/* Run the suite; CK_RUN_CASE=bench for the timing only. */
int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(nfs4_walk_suite());

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
