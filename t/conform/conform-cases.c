/*
 * efsgw - conform-cases: what the conformance test asks a server, for each
 * minor version. Every case works below a work directory "cf<minor>" of
 * the client's root and leaves nothing behind; its id names what it
 * checks. The same cases run in the same order against every server, so
 * the transcripts line up call by call.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include <event2/buffer.h>

#include "xdrbuf.h"
#include "conform.h"

#define FILE_SIZE	8192
#define NFS4ERR_BAD_SEQID 10026
#define OPEN4_RESULT_CONFIRM 0x0002
#define RD_ENTRIES	30
#define ACC_R		1
#define ACC_W		2
#define ACC_RW		3
#define READ_LT		1
#define WRITE_LT	2

static const struct nfsc_stateid sid_anon;
static const struct nfsc_stateid sid_bypass = { 0xffffffffu,
    { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct nfsc_stateid sid_bogus = { 1,
    { 'n', 'o', 't', 'a', 's', 't', 'a', 't', 'e', 'i', 'd', '!' } };

/* The client id, 0 while not connected. */
static uint64_t
cid(const struct cf *cf)
{
	return cf->c != NULL ? nfsc_clientid(cf->c) : 0;
}

/* Start a COMPOUND in c (connecting again if the last call lost the connection). */
#define CALL(cf, c)	cf_call_init((cf), &(c))

/*
 * NFSv4.0: after NFS4ERR_BAD_SEQID, try once more with the seqid before
 * the last one. RFC 7530 §9.1.7 advances the seqid on most errors, but
 * a server that rejects arguments before it looks at the seqid (Ganesha
 * does for OPEN_DOWNGRADE's INVAL), or a gateway that answers for the
 * server, leaves it where it was. The retry is in the transcript too.
 */
static int
resync(struct cf *cf)
{
	if (!cf->v40 || cf->oseq == 0)
		return 0;
	cf->oseq--;
	return 1;
}

/* OPEN name (in dir, or the work dir) and confirm it in 4.0; 0 or status. */
static uint32_t
open_file(struct cf *cf, const struct nfsc_fh *dir, const char *name,
    uint32_t access, uint32_t deny, int create, struct nfsc_file *f)
{
	struct cf_call c;
	uint32_t st;

	memset(f, 0, sizeof *f);
	CALL(cf, c);
	op_putfh(cf, &c, dir != NULL ? dir : &cf->work);
	op_open(cf, &c, name, access, deny, create, 0);
	op_void(&c, NFSC_OP_GETFH);
	if ((st = cf_send(cf, &c)) == NFS4ERR_BAD_SEQID && resync(cf)) {
		CALL(cf, c);
		op_putfh(cf, &c, dir != NULL ? dir : &cf->work);
		op_open(cf, &c, name, access, deny, create, 0);
		op_void(&c, NFSC_OP_GETFH);
		st = cf_send(cf, &c);
	}
	if (st != 0)
		return st;
	f->sid = cf->last.sid;
	if (cf->last.nfh > 0)
		f->fh = cf->last.fh[0];
	if (cf->v40 && (cf->last.rflags & OPEN4_RESULT_CONFIRM)) {
		CALL(cf, c);
		op_putfh(cf, &c, &f->fh);
		op_open_confirm(cf, &c);
		if ((st = cf_send(cf, &c)) != 0)
			return st;
		f->sid = cf->last.sid;
	}
	return 0;
}

/* CLOSE f (again with the previous seqid after BAD_SEQID in 4.0). */
static uint32_t
close_file(struct cf *cf, struct nfsc_file *f)
{
	struct cf_call c;

	uint32_t st;

	CALL(cf, c);
	op_putfh(cf, &c, &f->fh);
	op_close(cf, &c, &f->sid);
	if ((st = cf_send(cf, &c)) == NFS4ERR_BAD_SEQID && resync(cf)) {
		CALL(cf, c);
		op_putfh(cf, &c, &f->fh);
		op_close(cf, &c, &f->sid);
		st = cf_send(cf, &c);
	}
	return st;
}

/* Look name up in the work directory; its handle into *fh. */
static uint32_t
lookup(struct cf *cf, const char *name, struct nfsc_fh *fh)
{
	struct cf_call c;
	uint32_t st;

	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, name);
	op_void(&c, NFSC_OP_GETFH);
	memset(fh, 0, sizeof *fh);
	if ((st = cf_send(cf, &c)) == 0 && cf->last.nfh > 0)
		*fh = cf->last.fh[0];
	return st;
}

/* A name of n bytes ('n' repeated). */
static char *
long_name(size_t n)
{
	char *s;

	if ((s = malloc(n + 1)) == NULL)
		fatalx("out of memory");
	memset(s, 'n', n);
	s[n] = '\0';
	return s;
}

/* Remove everything below dir, then name in parent (bounded depth). */
static void
rm_tree(struct cf *cf, const struct nfsc_fh *parent, const char *name, int depth)
{
	struct cf_call c;
	struct nfsc_fh dir;
	char names[64][256];
	int n = 0, i, round;

	CALL(cf, c);
	op_putfh(cf, &c, parent);
	op_name(&c, NFSC_OP_REMOVE, name);
	if (cf_send(cf, &c) != 66 || depth > 4)	/* not NOTEMPTY: done */
		return;
	CALL(cf, c);
	op_putfh(cf, &c, parent);
	op_lookup(&c, name);
	op_void(&c, NFSC_OP_GETFH);
	if (cf_send(cf, &c) != 0 || cf->last.nfh == 0)
		return;
	dir = cf->last.fh[0];
	for (round = 0; round < 20; round++) {
		struct nfsc *nc = cf->c;
		struct nfsc_req *req;
		const uint8_t *p;
		size_t len;
		uint32_t nres, op, st, more, bw;
		struct evbuffer_iovec iov;
		struct xdrbuf b;

		/* Names are read without the transcript: READDIR is tested elsewhere. */
		if (nc == NULL)
			return;
		req = nfsc_req_new(nc);
		{
			struct cfbuf a = { 0 };
			uint8_t zero[8] = { 0 };

			cfb_opaque(&a, dir.data, dir.len);
			nfsc_op_raw(req, NFSC_OP_PUTFH, a.p, a.len);
			cfb_free(&a);
			cfb_u64(&a, 0);
			cfb_fixed(&a, zero, 8);
			cfb_u32(&a, 8192);
			cfb_u32(&a, 65536);
			cfb_u32(&a, 0);
			nfsc_op_raw(req, NFSC_OP_READDIR, a.p, a.len);
			cfb_free(&a);
		}
		n = 0;
		if (nfsc_call(nc, req) == 0 &&
		    nfsc_res_rest(req, &p, &len, &nres) == 0 && nres == 2) {
			xdrbuf_init_mem(&b, &iov, p, len);
			if (xdrbuf_skip(&b, 8) == 0 &&		/* PUTFH */
			    xdrbuf_get_u32(&b, &op) == 0 &&
			    xdrbuf_get_u32(&b, &st) == 0 && st == 0 &&
			    xdrbuf_skip(&b, 8) == 0 &&
			    xdrbuf_get_u32(&b, &more) == 0) {
				while (more && n < 64) {
					size_t nl;

					if (xdrbuf_skip(&b, 8) != 0 ||
					    xdrbuf_get_opaque(&b, 255, names[n], 255,
					    &nl) != 0 ||
					    xdrbuf_get_u32(&b, &bw) != 0 ||
					    bw > 64 ||
					    xdrbuf_skip(&b, (size_t)bw * 4) != 0 ||
					    xdrbuf_skip_opaque(&b, 65536, NULL,
					    NULL) != 0 ||
					    xdrbuf_get_u32(&b, &more) != 0)
						break;
					names[n][nl] = '\0';
					n++;
				}
			}
		}
		nfsc_req_free(req);
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			rm_tree(cf, &dir, names[i], depth + 1);
	}
	CALL(cf, c);
	op_putfh(cf, &c, parent);
	op_name(&c, NFSC_OP_REMOVE, name);
	cf_send(cf, &c);
}

/* The work directory and its fixtures: f (8 KiB), d, d2, l -> f, rd/e00.. */
static int
setup(struct cf *cf)
{
	struct cf_call c;
	struct nfsc_fh root, rd;
	struct nfsc_file f;
	char name[16], wname[16];
	int i;

	snprintf(wname, sizeof wname, "cf%u", cf->v40 ? 0 : cf->minor);
	cf_case(cf, "setup");
	CALL(cf, c);
	op_root(cf, &c);
	op_void(&c, NFSC_OP_GETFH);
	if (cf_send(cf, &c) != 0 || cf->last.nfh == 0)
		return -1;
	root = cf->last.fh[0];
	/* A work directory left by an interrupted run goes first. */
	rm_tree(cf, &root, wname, 0);
	CALL(cf, c);
	op_putfh(cf, &c, &root);
	op_create(&c, NFSC_NF4DIR, wname, NULL);
	op_void(&c, NFSC_OP_GETFH);
	if (cf_send(cf, &c) != 0 || cf->last.nfh == 0)
		return -1;
	cf->work = cf->last.fh[0];
	cf->have_work = 1;
	CALL(cf, c);
	op_work(cf, &c);
	op_create(&c, NFSC_NF4DIR, "d", NULL);
	op_work(cf, &c);
	op_create(&c, NFSC_NF4DIR, "d2", NULL);
	op_work(cf, &c);
	op_create(&c, NFSC_NF4LNK, "l", "f");
	op_work(cf, &c);
	op_create(&c, NFSC_NF4DIR, "rd", NULL);
	op_void(&c, NFSC_OP_GETFH);
	cf_send(cf, &c);
	rd = cf->last.nfh > 0 ? cf->last.fh[0] : cf->work;
	for (i = 0; i < RD_ENTRIES; i++) {
		snprintf(name, sizeof name, "e%02d", i);
		CALL(cf, c);
		op_putfh(cf, &c, &rd);
		op_create(&c, NFSC_NF4DIR, name, NULL);
		cf_send(cf, &c);
	}
	if (open_file(cf, NULL, "f", ACC_RW, 0, 1, &f) != 0)
		return -1;
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_write(&c, &f.sid, 0, NFSC_FILE_SYNC, FILE_SIZE);
	cf_send(cf, &c);
	close_file(cf, &f);
	return 0;
}

/* The root: attributes, going up, security of the parent. */
static void
cases_root(struct cf *cf)
{
	struct cf_call c;

	cf_case(cf, "root/getattr");
	CALL(cf, c);
	op_root(cf, &c);
	op_getattr_std(&c);
	op_void(&c, NFSC_OP_GETFH);
	cf_send(cf, &c);

	cf_case(cf, "root/lookupp");
	CALL(cf, c);
	op_root(cf, &c);
	op_void(&c, OP_LOOKUPP);
	op_void(&c, NFSC_OP_GETFH);
	cf_send(cf, &c);

	cf_case(cf, "root/lookup-lookupp");
	CALL(cf, c);
	op_root(cf, &c);
	op_lookup(&c, cf->v40 ? "cf0" : cf->minor == 1 ? "cf1" : "cf2");
	op_void(&c, OP_LOOKUPP);
	op_void(&c, OP_LOOKUPP);
	cf_send(cf, &c);

	/* The top of each server's name space, bare: PUTROOTFH as the client sends it. */
	cf_case(cf, "top/lookupp");
	CALL(cf, c);
	op_putrootfh(&c);
	op_void(&c, OP_LOOKUPP);
	cf_send(cf, &c);

	cf_case(cf, "top/putpubfh");
	CALL(cf, c);
	op_void(&c, OP_PUTPUBFH);
	op_void(&c, OP_LOOKUPP);
	cf_send(cf, &c);

	if (!cf->v40) {
		cf_case(cf, "top/secinfo_no_name-parent");
		CALL(cf, c);
		op_putrootfh(&c);
		op_secinfo_no_name(&c, 1);
		cf_send(cf, &c);

		cf_case(cf, "top/secinfo_no_name-current");
		CALL(cf, c);
		op_putrootfh(&c);
		op_secinfo_no_name(&c, 0);
		cf_send(cf, &c);

		cf_case(cf, "root/secinfo_no_name-parent");
		CALL(cf, c);
		op_root(cf, &c);
		op_secinfo_no_name(&c, 1);
		cf_send(cf, &c);

		cf_case(cf, "work/secinfo_no_name-parent");
		CALL(cf, c);
		op_work(cf, &c);
		op_secinfo_no_name(&c, 1);
		op_void(&c, NFSC_OP_GETFH);	/* no current fh after it */
		cf_send(cf, &c);
	}

	cf_case(cf, "work/secinfo");
	CALL(cf, c);
	op_work(cf, &c);
	op_name(&c, OP_SECINFO, "f");
	op_void(&c, NFSC_OP_GETFH);
	cf_send(cf, &c);

	cf_case(cf, "work/secinfo-noent");
	CALL(cf, c);
	op_work(cf, &c);
	op_name(&c, OP_SECINFO, "nosuch");
	cf_send(cf, &c);
}

/* Handles: round trips, SAVEFH/RESTOREFH, no current handle, bad handles. */
static void
cases_fh(struct cf *cf)
{
	struct cf_call c;
	struct nfsc_fh fh, bad;

	cf_case(cf, "fh/getfh-putfh-roundtrip");
	lookup(cf, "f", &fh);
	CALL(cf, c);
	op_putfh(cf, &c, &fh);
	op_void(&c, NFSC_OP_GETFH);
	op_getattr_std(&c);
	cf_send(cf, &c);

	cf_case(cf, "fh/savefh-restorefh");
	CALL(cf, c);
	op_work(cf, &c);
	op_void(&c, NFSC_OP_SAVEFH);
	op_lookup(&c, "d");
	op_void(&c, NFSC_OP_GETFH);
	op_void(&c, NFSC_OP_RESTOREFH);
	op_void(&c, NFSC_OP_GETFH);
	cf_send(cf, &c);

	cf_case(cf, "fh/restorefh-nothing-saved");
	CALL(cf, c);
	op_work(cf, &c);
	op_void(&c, NFSC_OP_RESTOREFH);
	cf_send(cf, &c);

	cf_case(cf, "fh/no-current-fh");
	CALL(cf, c);
	op_getattr_words(&c, (const uint32_t[]){ 1u << 1 }, 1);
	cf_send(cf, &c);

	cf_case(cf, "fh/savefh-no-current-fh");
	CALL(cf, c);
	op_void(&c, NFSC_OP_SAVEFH);
	cf_send(cf, &c);

	cf_case(cf, "fh/putfh-empty");
	memset(&bad, 0, sizeof bad);
	CALL(cf, c);
	op_putfh(cf, &c, &bad);
	op_void(&c, NFSC_OP_GETFH);
	cf_send(cf, &c);

	cf_case(cf, "fh/putfh-129-bytes");
	CALL(cf, c);
	{
		struct cfbuf a = { 0 };
		uint8_t big[129];

		memset(big, 0x5a, sizeof big);
		cfb_opaque(&a, big, sizeof big);
		cf_add(&c, NFSC_OP_PUTFH, &a, "129 bytes");
		cfb_free(&a);
	}
	op_void(&c, NFSC_OP_GETFH);
	cf_send(cf, &c);
}

/* Component names: empty, 255 and 256 bytes, ".", "..", "/" inside. */
static void
cases_names(struct cf *cf)
{
	struct cf_call c;
	char *n255 = long_name(255), *n256 = long_name(256);
	static const char *const odd[] = { "", ".", "..", "a/b", "nosuch" };
	static const uint8_t notutf8[] = { 'x', 0xff, 0xfe, 'y' };
	size_t i;

	for (i = 0; i < nitems(odd); i++) {
		cf_case(cf, "names/lookup-\"%s\"", odd[i]);
		CALL(cf, c);
		op_work(cf, &c);
		op_lookup(&c, odd[i]);
		cf_send(cf, &c);
	}
	cf_case(cf, "names/lookup-not-utf8");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup_n(&c, (const char *)notutf8, sizeof notutf8);
	cf_send(cf, &c);

	cf_case(cf, "names/lookup-255");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, n255);
	cf_send(cf, &c);

	cf_case(cf, "names/lookup-256");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, n256);
	cf_send(cf, &c);

	cf_case(cf, "names/create-remove-255");
	CALL(cf, c);
	op_work(cf, &c);
	op_create(&c, NFSC_NF4DIR, n255, NULL);
	op_getattr_std(&c);
	op_work(cf, &c);
	op_name(&c, NFSC_OP_REMOVE, n255);
	cf_send(cf, &c);

	cf_case(cf, "names/create-256");
	CALL(cf, c);
	op_work(cf, &c);
	op_create(&c, NFSC_NF4DIR, n256, NULL);
	cf_send(cf, &c);

	cf_case(cf, "names/create-empty");
	CALL(cf, c);
	op_work(cf, &c);
	op_create(&c, NFSC_NF4DIR, "", NULL);
	cf_send(cf, &c);

	cf_case(cf, "names/create-dot");
	CALL(cf, c);
	op_work(cf, &c);
	op_create(&c, NFSC_NF4DIR, ".", NULL);
	cf_send(cf, &c);

	cf_case(cf, "names/remove-dotdot");
	CALL(cf, c);
	op_work(cf, &c);
	op_name(&c, NFSC_OP_REMOVE, "..");
	cf_send(cf, &c);

	cf_case(cf, "names/open-empty");
	CALL(cf, c);
	op_work(cf, &c);
	op_open(cf, &c, "", ACC_R, 0, 0, 0);
	cf_send(cf, &c);
	free(n255);
	free(n256);
}

/* GETATTR bitmaps of 0-32 words, unknown and write-only attributes. */
static void
cases_getattr(struct cf *cf)
{
	static const uint32_t lens[] = { 0, 1, 2, 3, 4, 8, 9, 16, 32 };
	struct cf_call c;
	uint32_t w[32];
	size_t i;

	for (i = 0; i < nitems(lens); i++) {
		cf_case(cf, "getattr/bitmap-%u-words", lens[i]);
		memset(w, 0, sizeof w);
		w[0] = (1u << 1) | (1u << 4) | (1u << 20) | (1u << 8);
		if (lens[i] > 1)
			w[1] = 1u << (33 - 32) | 1u << (35 - 32);
		CALL(cf, c);
		op_work(cf, &c);
		op_lookup(&c, "f");
		op_getattr_words(&c, w, lens[i]);
		cf_send(cf, &c);
	}
	cf_case(cf, "getattr/unknown-attr-1000");
	memset(w, 0, sizeof w);
	w[0] = 1u << 1;
	w[1000 / 32] = 1u << (1000 % 32);
	CALL(cf, c);
	op_work(cf, &c);
	op_getattr_words(&c, w, 32);
	cf_send(cf, &c);

	cf_case(cf, "getattr/all-bits-3-words");
	w[0] = w[1] = w[2] = 0xffffffffu;
	CALL(cf, c);
	op_work(cf, &c);
	op_getattr_words(&c, w, 3);
	cf_send(cf, &c);

	cf_case(cf, "getattr/clone_blksize-change_attr_type");
	memset(w, 0, sizeof w);
	w[2] = 1u << (77 - 64) | 1u << (79 - 64);
	CALL(cf, c);
	op_work(cf, &c);
	op_getattr_words(&c, w, 3);
	cf_send(cf, &c);

	cf_case(cf, "getattr/write-only-time_access_set");
	memset(w, 0, sizeof w);
	w[1] = 1u << (48 - 32);
	CALL(cf, c);
	op_work(cf, &c);
	op_getattr_words(&c, w, 2);
	cf_send(cf, &c);

	cf_case(cf, "getattr/std-of-each-type");
	CALL(cf, c);
	op_work(cf, &c);
	op_getattr_std(&c);
	op_lookup(&c, "d");
	op_getattr_std(&c);
	op_work(cf, &c);
	op_lookup(&c, "l");
	op_getattr_std(&c);
	op_work(cf, &c);
	op_lookup(&c, "f");
	op_getattr_std(&c);
	cf_send(cf, &c);
}

/* ACCESS of every bit, on a file, a directory and a symlink. */
static void
cases_access(struct cf *cf)
{
	static const char *const objs[] = { "f", "d", "l" };
	static const uint32_t bits[] = { 0, 0x1, 0x3f, 0xffffffffu };
	struct cf_call c;
	size_t i, j;

	for (i = 0; i < nitems(objs); i++)
		for (j = 0; j < nitems(bits); j++) {
			cf_case(cf, "access/%s-0x%x", objs[i], bits[j]);
			CALL(cf, c);
			op_work(cf, &c);
			op_lookup(&c, objs[i]);
			op_access(&c, bits[j]);
			cf_send(cf, &c);
		}
}

/* READDIR: maxcounts tiny to huge, cookies and verifiers, on a file. */
static void
cases_readdir(struct cf *cf)
{
	static const uint32_t maxc[] = { 0, 16, 20, 100, 200, 512, 4096, 4097,
	    65536, 1024 * 1024 };
	struct cf_call c;
	struct nfsc_fh rd;
	uint8_t verf[8];
	uint64_t cookie;
	size_t i;
	int k;

	lookup(cf, "rd", &rd);
	for (i = 0; i < nitems(maxc); i++) {
		cf_case(cf, "readdir/maxcount=%u", maxc[i]);
		CALL(cf, c);
		op_putfh(cf, &c, &rd);
		op_readdir(&c, 0, NULL, maxc[i], maxc[i]);
		cf_send(cf, &c);

		cf_case(cf, "readdir/dircount=0,maxcount=%u", maxc[i]);
		CALL(cf, c);
		op_putfh(cf, &c, &rd);
		op_readdir(&c, 0, NULL, 0, maxc[i]);
		cf_send(cf, &c);
	}
	cf_case(cf, "readdir/continue-with-cookies");
	cookie = 0;
	memset(verf, 0, sizeof verf);
	for (k = 0; k < 20; k++) {
		CALL(cf, c);
		op_putfh(cf, &c, &rd);
		op_readdir(&c, cookie, k ? verf : NULL, 300, 300);
		if (cf_send(cf, &c) != 0 || cf->last.eof || cf->last.nent == 0)
			break;
		cookie = cf->last.cookie;
		memcpy(verf, cf->last.cverf, 8);
	}
	cf_case(cf, "readdir/reserved-cookie-1");
	CALL(cf, c);
	op_putfh(cf, &c, &rd);
	op_readdir(&c, 1, NULL, 4096, 4096);
	cf_send(cf, &c);

	cf_case(cf, "readdir/bad-verifier");
	CALL(cf, c);
	op_putfh(cf, &c, &rd);
	op_readdir(&c, 0, NULL, 300, 300);
	if (cf_send(cf, &c) == 0 && !cf->last.eof) {
		memset(verf, 0x77, sizeof verf);
		cookie = cf->last.cookie;
		CALL(cf, c);
		op_putfh(cf, &c, &rd);
		op_readdir(&c, cookie, verf, 4096, 4096);
		cf_send(cf, &c);
	}

	cf_case(cf, "readdir/of-a-file");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "f");
	op_readdir(&c, 0, NULL, 4096, 4096);
	cf_send(cf, &c);

	cf_case(cf, "readdir/work-dir");
	CALL(cf, c);
	op_work(cf, &c);
	op_readdir(&c, 0, NULL, 65536, 65536);
	cf_send(cf, &c);
}

/* READ and WRITE: counts from 0 to 64 MiB, special stateids, non-files. */
static void
cases_io(struct cf *cf)
{
	static const uint32_t counts[] = { 0, 1, 4096, FILE_SIZE, 65536,
	    1024 * 1024, 1024 * 1024 + 1, 64 * 1024 * 1024 };
	static const uint32_t wlens[] = { 0, 1, 65536, 1024 * 1024 - 4096,
	    1024 * 1024 + 64 * 1024, 2 * 1024 * 1024 };
	struct cf_call c;
	struct nfsc_file f;
	size_t i;

	if (open_file(cf, NULL, "f", ACC_RW, 0, 0, &f) != 0)
		return;
	for (i = 0; i < nitems(counts); i++) {
		cf_case(cf, "read/count=%u", counts[i]);
		CALL(cf, c);
		op_putfh(cf, &c, &f.fh);
		op_read(&c, NFSC_OP_READ, &f.sid, 0, counts[i]);
		cf_send(cf, &c);
	}
	cf_case(cf, "read/past-eof");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_read(&c, NFSC_OP_READ, &f.sid, 1 << 20, 4096);
	cf_send(cf, &c);

	cf_case(cf, "read/anonymous-stateid");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_read(&c, NFSC_OP_READ, &sid_anon, 0, 100);
	cf_send(cf, &c);

	cf_case(cf, "read/bypass-stateid");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_read(&c, NFSC_OP_READ, &sid_bypass, 0, 100);
	cf_send(cf, &c);

	cf_case(cf, "read/bogus-stateid");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_read(&c, NFSC_OP_READ, &sid_bogus, 0, 100);
	cf_send(cf, &c);

	cf_case(cf, "read/of-a-directory");
	CALL(cf, c);
	op_work(cf, &c);
	op_read(&c, NFSC_OP_READ, &sid_anon, 0, 100);
	cf_send(cf, &c);

	cf_case(cf, "read/of-a-symlink");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "l");
	op_read(&c, NFSC_OP_READ, &sid_anon, 0, 100);
	cf_send(cf, &c);

	for (i = 0; i < nitems(wlens); i++) {
		/* A lost connection loses the open: open again if needed. */
		if (cf->c == NULL || cf->last.lost)
			if (open_file(cf, NULL, "f", ACC_RW, 0, 0, &f) != 0)
				return;
		cf_case(cf, "write/len=%u", wlens[i]);
		CALL(cf, c);
		op_putfh(cf, &c, &f.fh);
		op_write(&c, &f.sid, 4096, NFSC_UNSTABLE, wlens[i]);
		op_getattr_words(&c, (const uint32_t[]){ 1u << 4 }, 1);
		cf_send(cf, &c);
	}
	if (cf->last.lost && open_file(cf, NULL, "f", ACC_RW, 0, 0, &f) != 0)
		return;
	cf_case(cf, "write/stable-modes-and-commit");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_write(&c, &f.sid, 0, NFSC_UNSTABLE, 100);
	op_write(&c, &f.sid, 100, NFSC_DATA_SYNC, 100);
	op_write(&c, &f.sid, 200, NFSC_FILE_SYNC, 100);
	op_commit(&c, 0, 0);
	op_commit(&c, 0, 4096);
	cf_send(cf, &c);

	cf_case(cf, "write/offset-overflow");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_write(&c, &f.sid, UINT64_MAX - 10, NFSC_UNSTABLE, 100);
	cf_send(cf, &c);

	cf_case(cf, "write/read-only-open");
	close_file(cf, &f);
	if (open_file(cf, NULL, "f", ACC_R, 0, 0, &f) == 0) {
		CALL(cf, c);
		op_putfh(cf, &c, &f.fh);
		op_write(&c, &f.sid, 0, NFSC_UNSTABLE, 10);
		cf_send(cf, &c);
	}
	close_file(cf, &f);

	cf_case(cf, "commit/of-a-directory");
	CALL(cf, c);
	op_work(cf, &c);
	op_commit(&c, 0, 0);
	cf_send(cf, &c);

	/*
	 * A READ whose reply is larger than 1 MiB: the file grows by
	 * 512 KiB WRITEs (each small enough for any transport), then one
	 * READ asks for 2 MiB, less than the maxread the server announces.
	 */
	cf_case(cf, "read/count=2MiB-of-a-3MiB-file");
	if (open_file(cf, NULL, "f", ACC_RW, 0, 0, &f) == 0) {
		int k;

		for (k = 0; k < 6; k++) {
			CALL(cf, c);
			op_putfh(cf, &c, &f.fh);
			op_write(&c, &f.sid, (uint64_t)k * 512 * 1024, NFSC_UNSTABLE,
			    512 * 1024);
			cf_send(cf, &c);
		}
		CALL(cf, c);
		op_putfh(cf, &c, &f.fh);
		op_read(&c, NFSC_OP_READ, &f.sid, 0, 2 * 1024 * 1024);
		cf_send(cf, &c);
		close_file(cf, &f);
	}

	cf_case(cf, "write/restore-size");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "f");
	op_fattr(&c, NFSC_OP_SETATTR, &sid_anon, 4,
	    (const uint8_t[]){ 0, 0, 0, 0, 0, 0, 0x20, 0 }, 8, "8192");
	cf_send(cf, &c);
	/*
	 * A server or gateway may drop the connection on the big calls
	 * above; every run goes on with a new one (a new client id, in 4.0
	 * a new open-owner to confirm), so that the next cases start alike.
	 */
	cf_disconnect(cf);
	cf->oseq = 0;
}

/* OPEN: every access x deny, create modes, claims, conflicts, downgrade. */
static void
cases_open(struct cf *cf)
{
	static const char *const acc[] = { "-", "R", "W", "RW" };
	static const char *const den[] = { "NONE", "READ", "WRITE", "BOTH" };
	struct cf_call c;
	struct nfsc_file f, g;
	char saved[64];
	uint32_t a, d, st;
	int create;

	for (a = 1; a <= 3; a++)
		for (d = 0; d <= 3; d++) {
			cf_case(cf, "open/access=%s,deny=%s", acc[a], den[d]);
			if (open_file(cf, NULL, "f", a, d, 0, &f) == 0) {
				CALL(cf, c);
				op_putfh(cf, &c, &f.fh);
				op_read(&c, NFSC_OP_READ, &f.sid, 0, 10);
				cf_send(cf, &c);
				close_file(cf, &f);
			}
		}
	cf_case(cf, "open/access=0");
	open_file(cf, NULL, "f", 0, 0, 0, &f);
	cf_case(cf, "open/deny=4");
	open_file(cf, NULL, "f", ACC_R, 4, 0, &f);
	cf_case(cf, "open/access=0x7");
	open_file(cf, NULL, "f", 7, 0, 0, &f);

	for (create = 1; create <= 4; create++) {
		static const char *const how[] = { "", "unchecked", "guarded",
		    "exclusive4", "exclusive4_1" };

		cf_case(cf, "open/create-%s-new", how[create]);
		if (open_file(cf, NULL, "new", ACC_RW, 0, create, &f) == 0) {
			CALL(cf, c);
			op_putfh(cf, &c, &f.fh);
			op_getattr_std(&c);
			cf_send(cf, &c);
			close_file(cf, &f);
		}
		cf_case(cf, "open/create-%s-existing", how[create]);
		if (open_file(cf, NULL, "new", ACC_RW, 0, create, &f) == 0)
			close_file(cf, &f);
		CALL(cf, c);
		op_work(cf, &c);
		op_name(&c, NFSC_OP_REMOVE, "new");
		cf_send(cf, &c);
	}
	cf_case(cf, "open/nocreate-missing");
	open_file(cf, NULL, "missing", ACC_R, 0, 0, &f);
	cf_case(cf, "open/a-directory");
	open_file(cf, NULL, "d", ACC_R, 0, 0, &f);
	cf_case(cf, "open/a-symlink");
	open_file(cf, NULL, "l", ACC_R, 0, 0, &f);

	/* Claims other than CLAIM_NULL (0): PREVIOUS 1, DELEGATE_CUR 2, ... */
	for (a = 1; a <= (cf->v40 ? 3u : 6u); a++) {
		cf_case(cf, "open/claim=%u", a);
		CALL(cf, c);
		op_work(cf, &c);
		if (a >= 4)
			op_lookup(&c, "f");
		op_open(cf, &c, "f", ACC_R, 0, 0, a);
		if ((st = cf_send(cf, &c)) == 0) {
			f.sid = cf->last.sid;
			lookup(cf, "f", &f.fh);
			close_file(cf, &f);
		}
	}

	/* Share reservations between two open-owners (RFC 7530 §9.9). */
	for (d = 1; d <= 3; d++) {
		cf_case(cf, "open/conflict-deny=%s", den[d]);
		if (open_file(cf, NULL, "f", ACC_RW, d, 0, &f) != 0)
			continue;
		snprintf(saved, sizeof saved, "%s", cf->owner);
		snprintf(cf->owner, sizeof cf->owner, "%.50s-other", saved);
		{
			uint32_t oseq = cf->oseq;

			cf->oseq = 100;
			for (a = 1; a <= 3; a++)
				if (open_file(cf, NULL, "f", a, 0, 0, &g) == 0)
					close_file(cf, &g);
			cf->oseq = oseq;
		}
		snprintf(cf->owner, sizeof cf->owner, "%s", saved);
		close_file(cf, &f);
	}

	cf_case(cf, "open/downgrade");
	if (open_file(cf, NULL, "f", ACC_RW, 2, 0, &f) == 0) {
		CALL(cf, c);
		op_putfh(cf, &c, &f.fh);
		op_open_downgrade(cf, &c, &f.sid, ACC_R, 0);
		if (cf_send(cf, &c) == 0)
			f.sid = cf->last.sid;
		CALL(cf, c);
		op_putfh(cf, &c, &f.fh);
		op_open_downgrade(cf, &c, &f.sid, ACC_RW, 0);
		cf_send(cf, &c);
		CALL(cf, c);
		op_putfh(cf, &c, &f.fh);
		op_write(&c, &f.sid, 0, NFSC_UNSTABLE, 1);
		cf_send(cf, &c);
		close_file(cf, &f);
	}
	cf_case(cf, "open/close-twice");
	if (cf->last.status == 0)
		close_file(cf, &f);

	cf_case(cf, "open/upgrade-by-second-open");
	if (open_file(cf, NULL, "f", ACC_R, 0, 0, &f) == 0) {
		if (open_file(cf, NULL, "f", ACC_W, 1, 0, &g) == 0)
			f.sid = g.sid;
		close_file(cf, &f);
	}

	cf_case(cf, "open/close-bogus-stateid");
	lookup(cf, "f", &f.fh);
	f.sid = sid_bogus;
	close_file(cf, &f);

	if (cf->v40) {
		cf_case(cf, "open/v40-confirm-twice");
		if (open_file(cf, NULL, "f", ACC_R, 0, 0, &f) == 0) {
			CALL(cf, c);
			op_putfh(cf, &c, &f.fh);
			cf->last.sid = f.sid;
			op_open_confirm(cf, &c);
			cf_send(cf, &c);
			close_file(cf, &f);
		}
		cf_case(cf, "open/v40-bad-seqid");
		if (open_file(cf, NULL, "f", ACC_R, 0, 0, &f) == 0) {
			/* BAD_SEQID leaves the owner's seqid where it was. */
			cf->oseq += 5;
			CALL(cf, c);
			op_putfh(cf, &c, &f.fh);
			op_close(cf, &c, &f.sid);
			cf_send(cf, &c);
			cf->oseq -= 5;
			close_file(cf, &f);
		}
	}
}

/* Byte-range locks with overlapping ranges (RFC 7530 §9.2, §16.10-16.12). */
static void
cases_lock(struct cf *cf)
{
	struct cf_call c;
	struct nfsc_file f;
	struct nfsc_stateid lsid;

	cf_case(cf, "lock/overlapping");
	if (open_file(cf, NULL, "f", ACC_RW, 0, 0, &f) != 0)
		return;
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_lock(cf, &c, WRITE_LT, 0, 100, &f.sid, NULL);
	if (cf_send(cf, &c) != 0)
		goto close;
	lsid = cf->last.sid;
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_lockt(cf, &c, READ_LT, 50, 10, "someone-else");
	op_lockt(cf, &c, WRITE_LT, 100, 10, "someone-else");
	cf_send(cf, &c);
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_lockt(cf, &c, WRITE_LT, 0, 1000, cf->lowner);
	cf_send(cf, &c);
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_lock(cf, &c, READ_LT, 50, 200, NULL, &lsid);
	if (cf_send(cf, &c) == 0)
		lsid = cf->last.sid;
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_locku(cf, &c, &lsid, 0, 50);
	if (cf_send(cf, &c) == 0)
		lsid = cf->last.sid;
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_lockt(cf, &c, WRITE_LT, 0, 50, "someone-else");
	op_lockt(cf, &c, WRITE_LT, 0, 60, "someone-else");
	cf_send(cf, &c);

	cf_case(cf, "lock/zero-length");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_lock(cf, &c, WRITE_LT, 500, 0, NULL, &lsid);
	cf_send(cf, &c);

	cf_case(cf, "lock/range-overflow");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_lock(cf, &c, WRITE_LT, UINT64_MAX - 5, 10, NULL, &lsid);
	cf_send(cf, &c);

	cf_case(cf, "lock/to-eof-and-unlock-all");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_lock(cf, &c, WRITE_LT, 1000, UINT64_MAX, NULL, &lsid);
	if (cf_send(cf, &c) == 0)
		lsid = cf->last.sid;
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_locku(cf, &c, &lsid, 0, UINT64_MAX);
	if (cf_send(cf, &c) == 0)
		lsid = cf->last.sid;

	cf_case(cf, "lock/close-with-locks-released");
	if (!cf->v40) {
		CALL(cf, c);
		op_sid(&c, OP_FREE_STATEID, &lsid);
		cf_send(cf, &c);
	} else {
		struct cfbuf a = { 0 };

		CALL(cf, c);
		cfb_u64(&a, cid(cf));
		cfb_str(&a, cf->lowner);
		cf_add(&c, OP_RELEASE_LOCKOWNER, &a, "lock owner");
		cfb_free(&a);
		cf_send(cf, &c);
	}
close:
	close_file(cf, &f);

	cf_case(cf, "lock/on-a-read-open");
	if (open_file(cf, NULL, "f", ACC_R, 0, 0, &f) == 0) {
		CALL(cf, c);
		op_putfh(cf, &c, &f.fh);
		op_lock(cf, &c, WRITE_LT, 0, 10, &f.sid, NULL);
		cf_send(cf, &c);
		close_file(cf, &f);
	}
	cf_case(cf, "lock/bogus-open-stateid");
	lookup(cf, "f", &f.fh);
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_lock(cf, &c, WRITE_LT, 0, 10, &sid_bogus, NULL);
	cf_send(cf, &c);
}

/* SETATTR of writable and read-only attributes; VERIFY and NVERIFY. */
static void
cases_setattr(struct cf *cf)
{
	struct cf_call c;
	uint8_t v[64];
	struct {
		const char *id;
		uint32_t attr;
		uint8_t val[32];
		size_t len;
		const char *obj;
	} sets[] = {
		{ "mode-0600", 33, { 0, 0, 0x01, 0x80 }, 4, "f" },
		{ "mode-0644", 33, { 0, 0, 0x01, 0xa4 }, 4, "f" },
		{ "type", 1, { 0, 0, 0, 2 }, 4, "f" },
		{ "fileid", 20, { 0, 0, 0, 0, 0, 0, 0, 42 }, 8, "f" },
		{ "filehandle", 19, { 0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 }, 12, "f" },
		{ "change", 3, { 0, 0, 0, 0, 0, 0, 0, 1 }, 8, "f" },
		{ "size-on-dir", 4, { 0, 0, 0, 0, 0, 0, 0, 0 }, 8, "d" },
		{ "size-on-symlink", 4, { 0, 0, 0, 0, 0, 0, 0, 0 }, 8, "l" },
		{ "fsid", 8, { 0 }, 16, "f" },
		{ "numlinks", 35, { 0, 0, 0, 5 }, 4, "f" },
		{ "time_modify_set-server", 54, { 0, 0, 0, 0 }, 4, "f" },
		{ "time_access_set-client", 48, { 0, 0, 0, 1, 0, 0, 0, 0, 0x5f,
		    0, 0, 0, 0, 0, 0, 0 }, 16, "f" },
		{ "owner-0", 36, { 0, 0, 0, 1, '0', 0, 0, 0 }, 8, "f" },
		{ "owner-bad", 36, { 0, 0, 0, 4, 'b', 'a', 'd', '@' }, 8, "f" },
		{ "owner_group-0", 37, { 0, 0, 0, 1, '0', 0, 0, 0 }, 8, "f" },
		{ "unknown-attr-100", 100, { 0, 0, 0, 0 }, 4, "f" },
		{ "truncated-value", 33, { 0, 0 }, 2, "f" },
	};
	size_t i;

	for (i = 0; i < nitems(sets); i++) {
		cf_case(cf, "setattr/%s", sets[i].id);
		memcpy(v, sets[i].val, sets[i].len);
		CALL(cf, c);
		op_work(cf, &c);
		op_lookup(&c, sets[i].obj);
		op_fattr(&c, NFSC_OP_SETATTR, &sid_anon, sets[i].attr, v,
		    sets[i].len, sets[i].id);
		op_getattr_words(&c, (const uint32_t[]){ 1u << 1 | 1u << 4,
		    1u << 1 }, 2);
		cf_send(cf, &c);
	}
	cf_case(cf, "setattr/bogus-stateid");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "f");
	op_fattr(&c, NFSC_OP_SETATTR, &sid_bogus, 4,
	    (const uint8_t[]){ 0, 0, 0, 0, 0, 0, 0x20, 0 }, 8, "8192");
	cf_send(cf, &c);

	/* VERIFY / NVERIFY (RFC 7530 §16.35, §16.15). */
	{
		static const struct {
			const char *id;
			uint32_t op, attr;
			uint8_t val[8];
			size_t len;
		} vs[] = {
			{ "verify-type-reg", OP_VERIFY, 1, { 0, 0, 0, 1 }, 4 },
			{ "verify-type-dir", OP_VERIFY, 1, { 0, 0, 0, 2 }, 4 },
			{ "nverify-type-reg", OP_NVERIFY, 1, { 0, 0, 0, 1 }, 4 },
			{ "nverify-type-dir", OP_NVERIFY, 1, { 0, 0, 0, 2 }, 4 },
			{ "verify-size", OP_VERIFY, 4, { 0, 0, 0, 0, 0, 0, 0x20, 0 }, 8 },
			{ "verify-unknown-attr", OP_VERIFY, 100, { 0, 0, 0, 0 }, 4 },
			{ "verify-write-only", OP_VERIFY, 54, { 0, 0, 0, 0 }, 4 },
			{ "nverify-rdattr_error", OP_NVERIFY, 11, { 0, 0, 0, 0 }, 4 },
		};

		for (i = 0; i < nitems(vs); i++) {
			cf_case(cf, "verify/%s", vs[i].id);
			CALL(cf, c);
			op_work(cf, &c);
			op_lookup(&c, "f");
			op_fattr(&c, vs[i].op, NULL, vs[i].attr, vs[i].val,
			    vs[i].len, vs[i].id);
			op_void(&c, NFSC_OP_GETFH);
			cf_send(cf, &c);
		}
	}
}

/* CREATE, READLINK, REMOVE, RENAME, LINK. */
static void
cases_namespace(struct cf *cf)
{
	struct cf_call c;
	char *target = long_name(1024);
	uint32_t t;

	cf_case(cf, "create/symlink-and-readlink");
	CALL(cf, c);
	op_work(cf, &c);
	op_create(&c, NFSC_NF4LNK, "l2", "d/../f");
	op_getattr_std(&c);
	op_void(&c, OP_READLINK);
	cf_send(cf, &c);

	cf_case(cf, "create/symlink-1024-byte-target");
	CALL(cf, c);
	op_work(cf, &c);
	op_create(&c, NFSC_NF4LNK, "l3", target);
	op_void(&c, OP_READLINK);
	cf_send(cf, &c);

	cf_case(cf, "readlink/of-a-file");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "f");
	op_void(&c, OP_READLINK);
	cf_send(cf, &c);

	cf_case(cf, "readlink/of-a-symlink");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "l");
	op_void(&c, OP_READLINK);
	cf_send(cf, &c);

	for (t = 1; t <= 8; t++) {
		if (t == NFSC_NF4DIR || t == NFSC_NF4LNK)
			continue;
		cf_case(cf, "create/type=%u", t);
		CALL(cf, c);
		op_work(cf, &c);
		op_create(&c, t, "special", NULL);
		op_getattr_words(&c, (const uint32_t[]){ 1u << 1 }, 1);
		op_work(cf, &c);
		op_name(&c, NFSC_OP_REMOVE, "special");
		cf_send(cf, &c);
	}
	cf_case(cf, "create/existing");
	CALL(cf, c);
	op_work(cf, &c);
	op_create(&c, NFSC_NF4DIR, "d", NULL);
	cf_send(cf, &c);

	cf_case(cf, "create/in-a-file");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "f");
	op_create(&c, NFSC_NF4DIR, "x", NULL);
	cf_send(cf, &c);

	cf_case(cf, "remove/missing");
	CALL(cf, c);
	op_work(cf, &c);
	op_name(&c, NFSC_OP_REMOVE, "missing");
	cf_send(cf, &c);

	cf_case(cf, "remove/non-empty-dir");
	CALL(cf, c);
	op_work(cf, &c);
	op_name(&c, NFSC_OP_REMOVE, "rd");
	cf_send(cf, &c);

	cf_case(cf, "remove/symlinks");
	CALL(cf, c);
	op_work(cf, &c);
	op_name(&c, NFSC_OP_REMOVE, "l2");
	op_name(&c, NFSC_OP_REMOVE, "l3");
	cf_send(cf, &c);

	cf_case(cf, "rename/same-dir");
	CALL(cf, c);
	op_work(cf, &c);
	op_create(&c, NFSC_NF4DIR, "m1", NULL);
	op_work(cf, &c);
	op_void(&c, NFSC_OP_SAVEFH);
	op_rename(&c, "m1", "m2");
	op_lookup(&c, "m2");
	op_void(&c, NFSC_OP_GETFH);
	cf_send(cf, &c);

	cf_case(cf, "rename/across-dirs");
	CALL(cf, c);
	op_work(cf, &c);
	op_void(&c, NFSC_OP_SAVEFH);
	op_lookup(&c, "d2");
	op_rename(&c, "m2", "m3");
	op_lookup(&c, "m3");
	op_getattr_std(&c);
	cf_send(cf, &c);

	cf_case(cf, "rename/back-and-over-existing");
	CALL(cf, c);
	op_work(cf, &c);
	op_create(&c, NFSC_NF4DIR, "m4", NULL);
	op_work(cf, &c);
	op_lookup(&c, "d2");
	op_void(&c, NFSC_OP_SAVEFH);
	op_work(cf, &c);
	op_rename(&c, "m3", "m4");
	cf_send(cf, &c);

	cf_case(cf, "rename/dir-into-itself");
	CALL(cf, c);
	op_work(cf, &c);
	op_void(&c, NFSC_OP_SAVEFH);
	op_lookup(&c, "d");
	op_rename(&c, "d", "x");
	cf_send(cf, &c);

	cf_case(cf, "rename/missing-source");
	CALL(cf, c);
	op_work(cf, &c);
	op_void(&c, NFSC_OP_SAVEFH);
	op_rename(&c, "missing", "x");
	cf_send(cf, &c);

	cf_case(cf, "rename/file-over-dir");
	CALL(cf, c);
	op_work(cf, &c);
	op_void(&c, NFSC_OP_SAVEFH);
	op_rename(&c, "f", "d");
	cf_send(cf, &c);

	cf_case(cf, "rename/no-saved-fh");
	CALL(cf, c);
	op_work(cf, &c);
	op_rename(&c, "m4", "m5");
	cf_send(cf, &c);

	cf_case(cf, "rename/dotdot");
	CALL(cf, c);
	op_work(cf, &c);
	op_void(&c, NFSC_OP_SAVEFH);
	op_rename(&c, "m4", "..");
	cf_send(cf, &c);

	cf_case(cf, "link/file-across-dirs");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "f");
	op_void(&c, NFSC_OP_SAVEFH);
	op_work(cf, &c);
	op_lookup(&c, "d");
	op_name(&c, OP_LINK, "f-link");
	op_lookup(&c, "f-link");
	op_getattr_std(&c);
	cf_send(cf, &c);

	cf_case(cf, "link/existing-name");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "f");
	op_void(&c, NFSC_OP_SAVEFH);
	op_work(cf, &c);
	op_name(&c, OP_LINK, "d");
	cf_send(cf, &c);

	cf_case(cf, "link/a-directory");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "d2");
	op_void(&c, NFSC_OP_SAVEFH);
	op_work(cf, &c);
	op_name(&c, OP_LINK, "d2-link");
	cf_send(cf, &c);

	cf_case(cf, "link/into-a-file");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "f");
	op_void(&c, NFSC_OP_SAVEFH);
	op_name(&c, OP_LINK, "x");
	cf_send(cf, &c);

	cf_case(cf, "link/cleanup");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "d");
	op_name(&c, NFSC_OP_REMOVE, "f-link");
	op_work(cf, &c);
	op_name(&c, NFSC_OP_REMOVE, "m4");
	cf_send(cf, &c);
	free(target);
}

/* COMPOUNDs of 1 and of 100+ ops, illegal and out-of-version ops. */
static void
cases_compound(struct cf *cf)
{
	struct cf_call c;
	int i;

	cf_case(cf, "compound/one-op");
	CALL(cf, c);
	op_root(cf, &c);
	cf_send(cf, &c);

	cf_case(cf, "compound/empty");
	CALL(cf, c);
	cf_send(cf, &c);

	cf_case(cf, "compound/120-ops-getfh");
	CALL(cf, c);
	op_work(cf, &c);
	for (i = 0; i < 118; i++)
		op_void(&c, i % 2 ? NFSC_OP_GETFH : NFSC_OP_SAVEFH);
	op_getattr_words(&c, (const uint32_t[]){ 1u << 1 }, 1);
	cf_send(cf, &c);

	cf_case(cf, "compound/100-ops-lookup-lookupp");
	CALL(cf, c);
	op_work(cf, &c);
	for (i = 0; i < 49; i++) {
		op_lookup(&c, "d");
		op_void(&c, OP_LOOKUPP);
	}
	op_void(&c, NFSC_OP_GETFH);
	cf_send(cf, &c);

	cf_case(cf, "compound/illegal-op");
	CALL(cf, c);
	op_work(cf, &c);
	op_void(&c, NFSC_OP_ILLEGAL);
	cf_send(cf, &c);

	cf_case(cf, "compound/unknown-op-99");
	CALL(cf, c);
	op_work(cf, &c);
	op_void(&c, 99);
	cf_send(cf, &c);

	cf_case(cf, "compound/op-0");
	CALL(cf, c);
	op_void(&c, 0);
	cf_send(cf, &c);

	if (cf->v40 || cf->minor == 1) {
		cf_case(cf, "compound/newer-minor-op-SEEK");
		CALL(cf, c);
		op_work(cf, &c);
		op_lookup(&c, "f");
		op_seek(&c, &sid_anon, 0, 0);
		cf_send(cf, &c);
	}
	if (cf->v40) {
		cf_case(cf, "compound/v41-op-in-v40-RECLAIM_COMPLETE");
		CALL(cf, c);
		{
			struct cfbuf a = { 0 };

			cfb_u32(&a, 0);
			cf_add(&c, NFSC_OP_RECLAIM_COMPLETE, &a, "false");
			cfb_free(&a);
		}
		cf_send(cf, &c);
	} else {
		cf_case(cf, "compound/v40-op-in-v41-RENEW");
		CALL(cf, c);
		{
			struct cfbuf a = { 0 };

			cfb_u64(&a, cid(cf));
			cf_add(&c, OP_RENEW, &a, "clientid");
			cfb_free(&a);
		}
		cf_send(cf, &c);
	}
}

/* NFSv4.0 client id and lease ops (RFC 7530 §16.29, §16.33, §16.34). */
static void
cases_v40(struct cf *cf)
{
	struct cf_call c;
	struct cfbuf a = { 0 };
	uint8_t verf[8] = { 'c', 'f', 'v', 'e', 'r', 'f', '0', '1' };

	cf_case(cf, "v40/renew");
	CALL(cf, c);
	cfb_u64(&a, cid(cf));
	cf_add(&c, OP_RENEW, &a, "own clientid");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v40/renew-unknown-clientid");
	CALL(cf, c);
	cfb_u64(&a, 0x1234567890abcdefULL);
	cf_add(&c, OP_RENEW, &a, "unknown clientid");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v40/sequence-in-v40");
	CALL(cf, c);
	cfb_fixed(&a, "no-such-session!", 16);
	cfb_u32(&a, 1);
	cfb_u32(&a, 0);
	cfb_u32(&a, 0);
	cfb_u32(&a, 0);
	cf_add(&c, NFSC_OP_SEQUENCE, &a, "a 4.1 op");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v40/delegreturn-bogus");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "f");
	op_sid(&c, OP_DELEGRETURN, &sid_bogus);
	cf_send(cf, &c);

	cf_case(cf, "v40/delegpurge");
	CALL(cf, c);
	cfb_u64(&a, cid(cf));
	cf_add(&c, OP_DELEGPURGE, &a, "own clientid");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v40/setclientid-confirm-second-client");
	CALL(cf, c);
	cfb_fixed(&a, verf, 8);
	cfb_str(&a, "efsgw-conform-second-client");
	cfb_u32(&a, 0x40000000);
	cfb_str(&a, "tcp");
	cfb_str(&a, "127.0.0.1.0.0");
	cfb_u32(&a, 7);
	cf_add(&c, OP_SETCLIENTID, &a, "second client");
	cfb_free(&a);
	if (cf_send(cf, &c) == 0) {
		uint64_t cid = cf->last.clientid;
		uint8_t confirm[8], wrong[8] = { 0 };

		memcpy(confirm, cf->last.confirm, 8);
		CALL(cf, c);
		cfb_u64(&a, cid);
		cfb_fixed(&a, wrong, 8);
		cf_add(&c, OP_SETCLIENTID_CONFIRM, &a, "wrong verifier");
		cfb_free(&a);
		cf_send(cf, &c);
		CALL(cf, c);
		cfb_u64(&a, cid);
		cfb_fixed(&a, confirm, 8);
		cf_add(&c, OP_SETCLIENTID_CONFIRM, &a, "right verifier");
		cfb_free(&a);
		cf_send(cf, &c);
		CALL(cf, c);
		cfb_u64(&a, cid);
		cf_add(&c, OP_RENEW, &a, "second clientid");
		cfb_free(&a);
		cf_send(cf, &c);
	}
}

/* NFSv4.1 state, pNFS and delegation ops (RFC 8881 §18). */
static void
cases_v41(struct cf *cf)
{
	struct cf_call c;
	struct cfbuf a = { 0 };
	struct nfsc_file f;
	uint8_t zero[8] = { 0 };

	cf_case(cf, "v41/reclaim_complete-again");
	CALL(cf, c);
	cfb_u32(&a, 0);
	cf_add(&c, NFSC_OP_RECLAIM_COMPLETE, &a, "false");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v41/exchange_id-not-only-op");
	CALL(cf, c);
	cfb_fixed(&a, "cfverf01", 8);
	cfb_str(&a, "efsgw-conform-second-client");
	cfb_u32(&a, 0x00010000);		/* USE_NON_PNFS */
	cfb_u32(&a, 0);				/* SP4_NONE */
	cfb_u32(&a, 0);				/* no impl id */
	cf_add(&c, NFSC_OP_EXCHANGE_ID, &a, "second owner");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v41/destroy_clientid-own-in-use");
	CALL(cf, c);
	cfb_u64(&a, cid(cf));
	cf_add(&c, OP_DESTROY_CLIENTID, &a, "own clientid");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v41/bind_conn_to_session-not-only-op");
	CALL(cf, c);
	cfb_fixed(&a, "no-such-session!", 16);
	cfb_u32(&a, 1);				/* CDFC4_FORE */
	cfb_u32(&a, 0);
	cf_add(&c, OP_BIND_CONN_TO_SESSION, &a, "unknown session");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v41/sequence-not-first");
	CALL(cf, c);
	op_putrootfh(&c);
	cfb_fixed(&a, "no-such-session!", 16);
	cfb_u32(&a, 1);
	cfb_u32(&a, 0);
	cfb_u32(&a, 0);
	cfb_u32(&a, 0);
	cf_add(&c, NFSC_OP_SEQUENCE, &a, "second SEQUENCE");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v41/backchannel_ctl");
	CALL(cf, c);
	cfb_u32(&a, 0x40000000);
	cfb_u32(&a, 1);
	cfb_u32(&a, 0);				/* AUTH_NONE */
	cf_add(&c, OP_BACKCHANNEL_CTL, &a, "AUTH_NONE");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v41/delegreturn-bogus");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "f");
	op_sid(&c, OP_DELEGRETURN, &sid_bogus);
	cf_send(cf, &c);

	cf_case(cf, "v41/test_stateid");
	if (open_file(cf, NULL, "f", ACC_R, 0, 0, &f) == 0) {
		CALL(cf, c);
		cfb_u32(&a, 3);
		cfb_u32(&a, f.sid.seqid);
		cfb_fixed(&a, f.sid.other, 12);
		cfb_u32(&a, sid_bogus.seqid);
		cfb_fixed(&a, sid_bogus.other, 12);
		cfb_u32(&a, 0);
		cfb_fixed(&a, (const uint8_t[12]){ 0 }, 12);
		cf_add(&c, OP_TEST_STATEID, &a, "open, bogus, anonymous");
		cfb_free(&a);
		cf_send(cf, &c);

		cf_case(cf, "v41/open-claim_fh-current-stateid");
		CALL(cf, c);
		op_putfh(cf, &c, &f.fh);
		op_read(&c, NFSC_OP_READ, &(const struct nfsc_stateid){ 1, { 0 } },
		    0, 10);
		cf_send(cf, &c);

		cf_case(cf, "v41/layoutget");
		CALL(cf, c);
		op_putfh(cf, &c, &f.fh);
		cfb_u32(&a, 0);			/* signal_layout_avail */
		cfb_u32(&a, 1);			/* LAYOUT4_NFSV4_1_FILES */
		cfb_u32(&a, 1);			/* LAYOUTIOMODE4_READ */
		cfb_u64(&a, 0);
		cfb_u64(&a, UINT64_MAX);
		cfb_u64(&a, 0);
		cfb_u32(&a, f.sid.seqid);
		cfb_fixed(&a, f.sid.other, 12);
		cfb_u32(&a, 4096);
		cf_add(&c, OP_LAYOUTGET, &a, "files read");
		cfb_free(&a);
		cf_send(cf, &c);

		cf_case(cf, "v41/layoutreturn");
		CALL(cf, c);
		op_putfh(cf, &c, &f.fh);
		cfb_u32(&a, 0);			/* reclaim */
		cfb_u32(&a, 1);			/* files */
		cfb_u32(&a, 3);			/* LAYOUTIOMODE4_ANY */
		cfb_u32(&a, 3);			/* LAYOUTRETURN4_ALL */
		cf_add(&c, OP_LAYOUTRETURN, &a, "all");
		cfb_free(&a);
		cf_send(cf, &c);

		cf_case(cf, "v41/free_stateid-open");
		CALL(cf, c);
		op_sid(&c, OP_FREE_STATEID, &f.sid);
		cf_send(cf, &c);
		close_file(cf, &f);
	}
	cf_case(cf, "v41/getdevicelist");
	CALL(cf, c);
	op_work(cf, &c);
	cfb_u32(&a, 1);
	cfb_u32(&a, 16);
	cfb_u64(&a, 0);
	cfb_fixed(&a, zero, 8);
	cf_add(&c, OP_GETDEVICELIST, &a, "files");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v41/getdeviceinfo");
	CALL(cf, c);
	cfb_fixed(&a, "conformdevice-id", 16);
	cfb_u32(&a, 1);
	cfb_u32(&a, 4096);
	cfb_u32(&a, 0);
	cf_add(&c, OP_GETDEVICEINFO, &a, "unknown device");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v41/want_delegation");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "f");
	cfb_u32(&a, 1);				/* WANT_READ_DELEG */
	cfb_u32(&a, 4);				/* CLAIM_FH */
	cf_add(&c, OP_WANT_DELEGATION, &a, "read, CLAIM_FH");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v41/get_dir_delegation");
	CALL(cf, c);
	op_work(cf, &c);
	cfb_u32(&a, 0);
	cfb_u32(&a, 0);				/* notification types: none */
	cfb_u64(&a, 0);
	cfb_u32(&a, 0);
	cfb_u64(&a, 0);
	cfb_u32(&a, 0);
	cfb_u32(&a, 0);
	cfb_u32(&a, 0);
	cf_add(&c, OP_GET_DIR_DELEGATION, &a, "no notifications");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v41/openattr");
	CALL(cf, c);
	op_work(cf, &c);
	op_lookup(&c, "f");
	cfb_u32(&a, 0);
	cf_add(&c, OP_OPENATTR, &a, "createdir=false");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v41/open-want-no-deleg");
	CALL(cf, c);
	op_work(cf, &c);
	op_open(cf, &c, "f", ACC_R | 0x0400, 0, 0, 0);
	op_void(&c, NFSC_OP_GETFH);
	if (cf_send(cf, &c) == 0 && cf->last.nfh > 0) {
		f.sid = cf->last.sid;
		f.fh = cf->last.fh[0];
		close_file(cf, &f);
	}

	cf_case(cf, "v41/open-want-read-deleg");
	CALL(cf, c);
	op_work(cf, &c);
	op_open(cf, &c, "f", ACC_R | 0x0100, 0, 0, 0);
	op_void(&c, NFSC_OP_GETFH);
	if (cf_send(cf, &c) == 0 && cf->last.nfh > 0) {
		f.sid = cf->last.sid;
		f.fh = cf->last.fh[0];
		close_file(cf, &f);
	}
}

/* NFSv4.2 (RFC 7862): space, SEEK, COPY, CLONE, READ_PLUS; xattrs (RFC 8276). */
static void
cases_v42(struct cf *cf)
{
	struct cf_call c;
	struct cfbuf a = { 0 };
	struct nfsc_file f, g;

	if (open_file(cf, NULL, "f", ACC_RW, 0, 0, &f) != 0)
		return;
	cf_case(cf, "v42/allocate");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_sid_range(&c, OP_ALLOCATE, &f.sid, 0, 1024 * 1024);
	op_getattr_words(&c, (const uint32_t[]){ 1u << 4 }, 1);
	cf_send(cf, &c);

	cf_case(cf, "v42/deallocate");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_sid_range(&c, OP_DEALLOCATE, &f.sid, 65536, 65536);
	op_getattr_words(&c, (const uint32_t[]){ 1u << 4 }, 1);
	cf_send(cf, &c);

	cf_case(cf, "v42/allocate-zero-length");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_sid_range(&c, OP_ALLOCATE, &f.sid, 0, 0);
	cf_send(cf, &c);

	cf_case(cf, "v42/seek");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_seek(&c, &f.sid, 0, 0);
	op_seek(&c, &f.sid, 0, 1);
	op_seek(&c, &f.sid, 65536, 0);
	op_seek(&c, &f.sid, 10 * 1024 * 1024, 0);
	cf_send(cf, &c);

	cf_case(cf, "v42/read_plus");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_read(&c, OP_READ_PLUS, &f.sid, 0, 200000);
	cf_send(cf, &c);

	cf_case(cf, "v42/copy-same-fs");
	if (open_file(cf, NULL, "g", ACC_RW, 0, 1, &g) == 0) {
		CALL(cf, c);
		op_putfh(cf, &c, &f.fh);
		op_void(&c, NFSC_OP_SAVEFH);
		op_putfh(cf, &c, &g.fh);
		op_copy(&c, OP_COPY, &f.sid, &g.sid, 0, 0, 4096);
		op_getattr_words(&c, (const uint32_t[]){ 1u << 4 }, 1);
		cf_send(cf, &c);

		cf_case(cf, "v42/copy-past-eof");
		CALL(cf, c);
		op_putfh(cf, &c, &f.fh);
		op_void(&c, NFSC_OP_SAVEFH);
		op_putfh(cf, &c, &g.fh);
		op_copy(&c, OP_COPY, &f.sid, &g.sid, 100 * 1024 * 1024, 0, 4096);
		cf_send(cf, &c);

		cf_case(cf, "v42/clone");
		CALL(cf, c);
		op_putfh(cf, &c, &f.fh);
		op_void(&c, NFSC_OP_SAVEFH);
		op_putfh(cf, &c, &g.fh);
		op_copy(&c, OP_CLONE, &f.sid, &g.sid, 0, 0, 4096);
		cf_send(cf, &c);

		cf_case(cf, "v42/offload_status-bogus");
		CALL(cf, c);
		op_putfh(cf, &c, &g.fh);
		op_sid(&c, OP_OFFLOAD_STATUS, &sid_bogus);
		cf_send(cf, &c);

		cf_case(cf, "v42/copy_notify");
		CALL(cf, c);
		op_putfh(cf, &c, &f.fh);
		cfb_u32(&a, f.sid.seqid);
		cfb_fixed(&a, f.sid.other, 12);
		cfb_u32(&a, 1);			/* NL4_NAME */
		cfb_str(&a, "localhost");
		cf_add(&c, OP_COPY_NOTIFY, &a, "to localhost");
		cfb_free(&a);
		cf_send(cf, &c);

		close_file(cf, &g);
		CALL(cf, c);
		op_work(cf, &c);
		op_name(&c, NFSC_OP_REMOVE, "g");
		cf_send(cf, &c);
	}
	/*
	 * With the anonymous stateid: NFS-Ganesha 4.3 crashes on the CLOSE
	 * of an open whose stateid went through IO_ADVISE.
	 */
	cf_case(cf, "v42/io_advise");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	cfb_u32(&a, 0);
	cfb_fixed(&a, sid_anon.other, 12);
	cfb_u64(&a, 0);
	cfb_u64(&a, 4096);
	cfb_u32(&a, 1);
	cfb_u32(&a, 1u << 3);			/* IO_ADVISE4_SEQUENTIAL */
	cf_add(&c, OP_IO_ADVISE, &a, "sequential");
	cfb_free(&a);
	cf_send(cf, &c);

	cf_case(cf, "v42/xattrs");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	cfb_u32(&a, 0);				/* SETXATTR4_EITHER */
	cfb_str(&a, "user.conform");
	cfb_str(&a, "value");
	cf_add(&c, OP_SETXATTR, &a, "user.conform");
	cfb_free(&a);
	cf_send(cf, &c);
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_name(&c, OP_GETXATTR, "user.conform");
	cf_send(cf, &c);
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	cfb_u64(&a, 0);
	cfb_u32(&a, 4096);
	cf_add(&c, OP_LISTXATTRS, &a, "cookie=0");
	cfb_free(&a);
	cf_send(cf, &c);
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_name(&c, OP_REMOVEXATTR, "user.conform");
	cf_send(cf, &c);

	cf_case(cf, "v42/restore-size");
	CALL(cf, c);
	op_putfh(cf, &c, &f.fh);
	op_fattr(&c, NFSC_OP_SETATTR, &f.sid, 4,
	    (const uint8_t[]){ 0, 0, 0, 0, 0, 0, 0x20, 0 }, 8, "8192");
	cf_send(cf, &c);
	close_file(cf, &f);
}

/* Run every case of this minor version. */
void
cf_cases(struct cf *cf)
{
	struct cf_call c;
	struct nfsc_fh root;
	char wname[16];

	if (setup(cf) != 0) {
		fprintf(cf->out, "SETUP FAILED\n");
		return;
	}
	cases_root(cf);
	cases_fh(cf);
	cases_names(cf);
	cases_getattr(cf);
	cases_access(cf);
	cases_readdir(cf);
	cases_io(cf);
	cases_open(cf);
	cases_lock(cf);
	cases_setattr(cf);
	cases_namespace(cf);
	cases_compound(cf);
	if (cf->v40)
		cases_v40(cf);
	else
		cases_v41(cf);
	if (!cf->v40 && cf->minor >= 2)
		cases_v42(cf);

	cf_case(cf, "cleanup");
	snprintf(wname, sizeof wname, "cf%u", cf->v40 ? 0 : cf->minor);
	CALL(cf, c);
	op_root(cf, &c);
	op_void(&c, NFSC_OP_GETFH);
	if (cf_send(cf, &c) == 0 && cf->last.nfh > 0) {
		root = cf->last.fh[0];
		rm_tree(cf, &root, wname, 0);
	}
}
