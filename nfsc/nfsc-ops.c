/*
 * efsgw - nfsc-ops: synchronous helpers over one COMPOUND each (path
 * lookup, open/read/write/close, attributes, directories), for the CLI
 * and the tests. Every helper returns the nfsc.h convention and leaves a
 * message naming what it was doing, the failing op and its NFS4ERR_* name.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfsc-int.h"

#define OPEN4_RESULT_CONFIRM	0x0002	/* RFC 7530 §16.16.5 */

static int	 nfsc_open_confirm(struct nfsc *, struct nfsc_file *);

#define NFSC_LOOKUPS_PER_CALL	8	/* path components per COMPOUND */
#define NFSC_READDIR_MAX	(64 * 1024)
#define NFSC_READDIR_ROUNDS	1000000	/* bound on continuation calls */

/* Prefix the current error message with context; returns r. */
static int
nfsc_ctx(struct nfsc *clnt, int r, const char *what, const char *arg)
{
	char old[sizeof clnt->errmsg];

	if (r == 0)
		return 0;
	memcpy(old, clnt->errmsg, sizeof old);
	return nfsc_fail(clnt, r, "%s%s%s: %s", what, arg ? " " : "",
	    arg ? arg : "", old);
}

/* Finish a call: submit/wait, and the status. req is freed by the caller. */
static int
nfsc_run(struct nfsc *clnt, struct nfsc_req *req)
{
	return nfsc_call(clnt, req);
}

/* Resolve path from the root, fetching its handle (and attributes). */
int
nfsc_lookup_path(struct nfsc *clnt, const char *path, struct nfsc_fh *fh,
    struct nfsc_attr *attr)
{
	struct nfsc_req *req;
	char *copy, *comp[NFSC_LOOKUPS_PER_CALL], *p, *save = NULL;
	struct nfsc_fh cur;
	int n, i, first = 1, r = 0, last;

	memset(fh, 0, sizeof *fh);
	if ((copy = strdup(path)) == NULL)
		return nfsc_fail(clnt, EFSGW_ERR_NOMEM, "out of memory");
	p = strtok_r(copy, "/", &save);
	for (;;) {
		/* Gather up to NFSC_LOOKUPS_PER_CALL components. */
		for (n = 0; p != NULL && n < NFSC_LOOKUPS_PER_CALL; ) {
			if (strcmp(p, ".") != 0)
				comp[n++] = p;
			p = strtok_r(NULL, "/", &save);
		}
		last = (p == NULL);
		req = nfsc_req_new(clnt);
		if (first)
			nfsc_op_putrootfh(req);
		else
			nfsc_op_putfh(req, &cur);
		for (i = 0; i < n; i++)
			nfsc_op_lookup(req, comp[i]);
		nfsc_op_getfh(req);
		if (last && attr != NULL)
			nfsc_op_getattr(req, NFSC_A_STAT);
		if ((r = nfsc_run(clnt, req)) == 0) {
			r = nfsc_res_skip(req, first ? NFSC_OP_PUTROOTFH : NFSC_OP_PUTFH);
			for (i = 0; r == 0 && i < n; i++)
				r = nfsc_res_skip(req, NFSC_OP_LOOKUP);
			if (r == 0)
				r = nfsc_res_getfh(req, &cur);
			if (r == 0 && last && attr != NULL)
				r = nfsc_res_getattr(req, attr);
		}
		nfsc_req_free(req);
		first = 0;
		if (r != 0 || last)
			break;
	}
	free(copy);
	if (r != 0)
		return nfsc_ctx(clnt, r, "lookup", path);
	*fh = cur;
	return 0;
}

/* Look up path's parent directory and return its last component. */
int
nfsc_lookup_parent(struct nfsc *clnt, const char *path, struct nfsc_fh *dir,
    char *name, size_t namelen)
{
	char *copy, *slash, *end;
	int r;

	if ((copy = strdup(path)) == NULL)
		return nfsc_fail(clnt, EFSGW_ERR_NOMEM, "out of memory");
	end = copy + strlen(copy);
	while (end > copy && end[-1] == '/')
		*--end = '\0';
	if ((slash = strrchr(copy, '/')) == NULL) {
		slash = copy - 1;	/* relative: parent is the root */
	}
	if (slash[1] == '\0' || strlen(slash + 1) >= namelen) {
		free(copy);
		return nfsc_fail(clnt, EFSGW_ERR_BAD_VALUE,
		    "%s: no usable last path component", path);
	}
	snprintf(name, namelen, "%s", slash + 1);
	if (slash >= copy)
		*slash = '\0';
	else
		copy[0] = '\0';
	r = nfsc_lookup_path(clnt, copy, dir, NULL);
	free(copy);
	return r;
}

/* GETATTR of the stat attributes. */
int
nfsc_getattr(struct nfsc *clnt, const struct nfsc_fh *fh, struct nfsc_attr *a)
{
	struct nfsc_req *req = nfsc_req_new(clnt);
	int r;

	memset(a, 0, sizeof *a);
	nfsc_op_putfh(req, fh);
	nfsc_op_getattr(req, NFSC_A_STAT);
	if ((r = nfsc_run(clnt, req)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0)
		r = nfsc_res_getattr(req, a);
	nfsc_req_free(req);
	return nfsc_ctx(clnt, r, "getattr", NULL);
}

/* SETATTR. */
int
nfsc_setattr(struct nfsc *clnt, const struct nfsc_fh *fh,
    const struct nfsc_stateid *sid, const struct nfsc_sattr *s)
{
	struct nfsc_req *req = nfsc_req_new(clnt);
	int r;

	nfsc_op_putfh(req, fh);
	nfsc_op_setattr(req, sid, s);
	r = nfsc_run(clnt, req);
	nfsc_req_free(req);
	return nfsc_ctx(clnt, r, "setattr", NULL);
}

/* OPEN name in dir and fetch the file's handle. */
int
nfsc_open(struct nfsc *clnt, const struct nfsc_fh *dir, const char *name,
    int flags, uint32_t mode, struct nfsc_file *f)
{
	struct nfsc_req *req = nfsc_req_new(clnt);
	int r;

	uint32_t rflags = 0;

	memset(f, 0, sizeof *f);
	nfsc_op_putfh(req, dir);
	nfsc_op_open(req, name, flags, mode);
	nfsc_op_getfh(req);
	r = nfsc_run(clnt, req);
	nfsc_v40_seqid_done(clnt, req, NFSC_OP_OPEN);
	if (r == 0 && (r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0 &&
	    (r = nfsc_res_open_flags(req, &f->sid, &rflags)) == 0)
		r = nfsc_res_getfh(req, &f->fh);
	nfsc_req_free(req);
	/* 4.0: a new open-owner confirms its first OPEN (RFC 7530 §16.18). */
	if (r == 0 && (rflags & OPEN4_RESULT_CONFIRM))
		r = nfsc_open_confirm(clnt, f);
	return nfsc_ctx(clnt, r, "open", name);
}

/* OPEN_CONFIRM f's open stateid (NFSv4.0, RFC 7530 §16.18). */
static int
nfsc_open_confirm(struct nfsc *clnt, struct nfsc_file *f)
{
	struct nfsc_req *req = nfsc_req_new(clnt);
	uint8_t args[4 + 12 + 4];
	int r;

	xdrbuf_store_u32(args, f->sid.seqid);
	memcpy(args + 4, f->sid.other, 12);
	xdrbuf_store_u32(args + 16, clnt->oseq);
	nfsc_op_putfh(req, &f->fh);
	nfsc_op_raw(req, NFSC_OP_OPEN_CONFIRM, args, sizeof args);
	r = nfsc_run(clnt, req);
	nfsc_v40_seqid_done(clnt, req, NFSC_OP_OPEN_CONFIRM);
	if (r == 0 && (r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0 &&
	    (r = nfsc_res_skip_header(req, NFSC_OP_OPEN_CONFIRM)) == 0 &&
	    ((r = xdrbuf_get_u32(&req->xb, &f->sid.seqid)) != 0 ||
	    (r = xdrbuf_get_opaque_fixed(&req->xb, f->sid.other, 12)) != 0))
		r = nfsc_fail(clnt, r, "OPEN_CONFIRM: result does not decode");
	nfsc_req_free(req);
	return r;
}

/* OPEN a path. */
int
nfsc_open_path(struct nfsc *clnt, const char *path, int flags, uint32_t mode,
    struct nfsc_file *f)
{
	struct nfsc_fh dir;
	char name[1024];
	int r;

	memset(f, 0, sizeof *f);
	if ((r = nfsc_lookup_parent(clnt, path, &dir, name, sizeof name)) != 0)
		return r;
	return nfsc_open(clnt, &dir, name, flags, mode, f);
}

/* CLOSE. */
int
nfsc_close(struct nfsc *clnt, struct nfsc_file *f)
{
	struct nfsc_req *req = nfsc_req_new(clnt);
	int r;

	nfsc_op_putfh(req, &f->fh);
	nfsc_op_close(req, &f->sid);
	r = nfsc_run(clnt, req);
	nfsc_v40_seqid_done(clnt, req, NFSC_OP_CLOSE);
	nfsc_req_free(req);
	return nfsc_ctx(clnt, r, "close", NULL);
}

/* One READ. */
int
nfsc_read(struct nfsc *clnt, const struct nfsc_file *f, uint64_t off,
    void *buf, uint32_t count, uint32_t *np, int *eofp)
{
	struct nfsc_req *req = nfsc_req_new(clnt);
	int r;

	*np = 0;
	*eofp = 0;
	nfsc_op_putfh(req, &f->fh);
	nfsc_op_read(req, &f->sid, off, count);
	if ((r = nfsc_run(clnt, req)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0)
		r = nfsc_res_read(req, buf, count, np, eofp);
	nfsc_req_free(req);
	return nfsc_ctx(clnt, r, "read", NULL);
}

/* WRITE all of buf at off. */
int
nfsc_write(struct nfsc *clnt, const struct nfsc_file *f, uint64_t off,
    const void *buf, uint32_t len, int stable)
{
	struct nfsc_req *req;
	const uint8_t *p = buf;
	uint8_t verf[8];
	uint32_t done = 0, n, chunk = nfsc_io_size(clnt);
	int committed, r = 0, rounds;

	for (rounds = 0; (done < len || len == 0) && rounds < 1000000; rounds++) {
		n = len - done < chunk ? len - done : chunk;
		req = nfsc_req_new(clnt);
		nfsc_op_putfh(req, &f->fh);
		nfsc_op_write(req, &f->sid, off + done, stable, p + done, n);
		if ((r = nfsc_run(clnt, req)) == 0 &&
		    (r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0)
			r = nfsc_res_write(req, &n, &committed, verf);
		nfsc_req_free(req);
		if (r != 0 || len == 0)
			break;
		if (n == 0) {
			r = nfsc_fail(clnt, EFSGW_ERR_INTERNAL, "WRITE wrote 0 bytes");
			break;
		}
		done += n;
	}
	return nfsc_ctx(clnt, r, "write", NULL);
}

/* COMMIT the whole file. */
int
nfsc_commit(struct nfsc *clnt, const struct nfsc_fh *fh)
{
	struct nfsc_req *req = nfsc_req_new(clnt);
	uint8_t verf[8];
	int r;

	nfsc_op_putfh(req, fh);
	nfsc_op_commit(req, 0, 0);
	if ((r = nfsc_run(clnt, req)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0)
		r = nfsc_res_commit(req, verf);
	nfsc_req_free(req);
	return nfsc_ctx(clnt, r, "commit", NULL);
}

/* READDIR the whole directory, following cookies until eof. */
int
nfsc_readdir(struct nfsc *clnt, const struct nfsc_fh *dir, uint64_t mask,
    nfsc_dirent_cb cb, void *arg)
{
	struct nfsc_req *req;
	uint8_t verf[8];
	uint64_t cookie = 0;
	uint32_t maxcount = NFSC_READDIR_MAX;
	int r = 0, eof = 0, rounds;

	memset(verf, 0, sizeof verf);
	if (clnt->maxresp > 0 && clnt->maxresp - 512 < maxcount)
		maxcount = clnt->maxresp - 512;
	for (rounds = 0; !eof && rounds < NFSC_READDIR_ROUNDS; rounds++) {
		req = nfsc_req_new(clnt);
		nfsc_op_putfh(req, dir);
		nfsc_op_readdir(req, cookie, verf, maxcount, mask);
		if ((r = nfsc_run(clnt, req)) == 0 &&
		    (r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0)
			r = nfsc_res_readdir(req, cb, arg, &cookie, verf, &eof);
		nfsc_req_free(req);
		if (r != 0)
			break;
	}
	return r < 0 || r > 0 ? nfsc_ctx(clnt, r, "readdir", NULL) : 0;
}

/* CREATE a directory. */
int
nfsc_mkdir(struct nfsc *clnt, const struct nfsc_fh *dir, const char *name,
    uint32_t mode, struct nfsc_fh *out)
{
	struct nfsc_req *req = nfsc_req_new(clnt);
	struct nfsc_fh fh;
	int r;

	nfsc_op_putfh(req, dir);
	nfsc_op_mkdir(req, name, mode);
	nfsc_op_getfh(req);
	if ((r = nfsc_run(clnt, req)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_CREATE)) == 0)
		r = nfsc_res_getfh(req, out != NULL ? out : &fh);
	nfsc_req_free(req);
	return nfsc_ctx(clnt, r, "mkdir", name);
}

/* REMOVE a file or empty directory. */
int
nfsc_remove(struct nfsc *clnt, const struct nfsc_fh *dir, const char *name)
{
	struct nfsc_req *req = nfsc_req_new(clnt);
	int r;

	nfsc_op_putfh(req, dir);
	nfsc_op_remove(req, name);
	r = nfsc_run(clnt, req);
	nfsc_req_free(req);
	return nfsc_ctx(clnt, r, "remove", name);
}

/* RENAME fromdir/from to todir/to. */
int
nfsc_rename(struct nfsc *clnt, const struct nfsc_fh *fromdir, const char *from,
    const struct nfsc_fh *todir, const char *to)
{
	struct nfsc_req *req = nfsc_req_new(clnt);
	int r;

	nfsc_op_putfh(req, fromdir);
	nfsc_op_savefh(req);
	nfsc_op_putfh(req, todir);
	nfsc_op_rename(req, from, to);
	r = nfsc_run(clnt, req);
	nfsc_req_free(req);
	return nfsc_ctx(clnt, r, "rename", from);
}
