/*
 * efsgw - efsgw-nfsc: command-line front end of the test client. It parses
 * options, opens one connection and session, runs one command (with many
 * WRITEs / READs / OPENs in flight for the bulk ones) and maps the outcome
 * to the exit status the test scripts rely on: 0 success, 1 NFS error,
 * 2 usage, connection, transport or local-file error.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "nfsc.h"

#define EXIT_NFS	1
#define EXIT_USAGE	2
#define MAX_INFLIGHT	256

static const char usage_text[] =
"usage: efsgw-nfsc [-s HOST:PORT] [-m MINOR] [-n INFLIGHT] [-b BYTES] [-u UID]\n"
"                  [-g GID] [-G GID,GID..] [-A none|sys] [-t SECONDS] [-R] [-S]\n"
"                  [-v]\n"
"                  [--tls [--cafile FILE] [--cert FILE [--key FILE]]\n"
"                  [--servername NAME]] CMD ARGS..\n"
"\n"
"A small NFSv4.1/4.2 client for efsgw's tests and benchmarks. It opens one\n"
"TCP connection, creates a client id and a session (EXCHANGE_ID,\n"
"CREATE_SESSION asking for 64 slots and 1 MiB I/O, RECLAIM_COMPLETE), runs\n"
"CMD and destroys the session. Paths are absolute from the server's root\n"
"\"/\" (PUTROOTFH, then one LOOKUP per component), e.g. /export/dir/file.\n"
"\n"
"Options:\n"
"  -s HOST:PORT  server (numeric IPv4 or localhost); default 127.0.0.1:2049\n"
"  -m MINOR      NFSv4 minor version, 1 (default), 2, or 0 (NFSv4.0)\n"
"  -n INFLIGHT   requests kept in flight by put/get/cat/pwrite/mkdirs\n"
"                (default 16, at most 256 and the slots the server grants)\n"
"  -b BYTES      bytes per READ of get/cat (default and most: the session's\n"
"                I/O size); any size, e.g. 333333 to read across block\n"
"                boundaries\n"
"  -u UID        AUTH_SYS uid (default 0)\n"
"  -g GID        AUTH_SYS gid (default 0)\n"
"  -G GIDS       AUTH_SYS supplementary gids, comma-separated (at most 16)\n"
"  -A none|sys   RPC credential flavour (default sys)\n"
"  -t SECONDS    time-out of every wait: connect, send, each reply\n"
"                (default 30)\n"
"  -R            no re-send after NFS4ERR_DELAY or NFS4ERR_GRACE: the\n"
"                answer is the command's (to see what a server says)\n"
"  -S            WRITE with FILE_SYNC instead of UNSTABLE + COMMIT\n"
"  -v            print the session's granted slots and I/O size to stderr\n"
"  --tls         speak TLS 1.2/1.3 on the connection (plain TCP otherwise)\n"
"  --cafile FILE verify the server's certificate against these CAs (PEM);\n"
"                without it the server is not verified\n"
"  --cert FILE   present this client certificate (PEM, chain allowed)\n"
"  --key FILE    its private key (default: read from the --cert file)\n"
"  --servername NAME\n"
"                send NAME as SNI and, with --cafile, require the\n"
"                certificate to name it\n"
"  -h, --help    this text\n"
"\n"
"Commands:\n"
"  put LOCAL REMOTE      create or truncate REMOTE (mode 0644) and write\n"
"                        LOCAL into it in 1 MiB WRITEs, INFLIGHT at a time,\n"
"                        then COMMIT and CLOSE\n"
"  get REMOTE LOCAL      copy REMOTE into LOCAL with pipelined 1 MiB READs\n"
"  cat REMOTE            the same, to standard output\n"
"  pwrite REMOTE OFFSET LOCAL\n"
"                        write LOCAL's bytes into the existing REMOTE at\n"
"                        byte OFFSET\n"
"  mkdir PATH            CREATE a directory (mode 0755)\n"
"  mkdirs DIR N          create N empty files DIR/f000000.. (OPEN create +\n"
"                        CLOSE in one COMPOUND each, INFLIGHT at a time);\n"
"                        also spelt mkfiles\n"
"  ls PATH               names in a directory, one per line, sorted (READDIR\n"
"                        followed to the end with cookie + verifier)\n"
"  stat PATH             print \"type=reg size=N mode=0644 uid=N gid=N nlink=N\n"
"                        fileid=N\" (owners are numeric strings)\n"
"  seek PATH OFFSET data|hole\n"
"                        NFSv4.2 SEEK from OFFSET (use -m 2): print\n"
"                        \"eof=E offset=N\"\n"
"  chmod MODE PATH       SETATTR mode (octal)\n"
"  chown UID:GID PATH    SETATTR owner and/or owner_group (UID, UID:GID, :GID)\n"
"  truncate PATH SIZE    SETATTR size\n"
"  rm PATH               REMOVE a non-directory\n"
"  rmdir PATH            REMOVE an empty directory\n"
"  mv OLD NEW            RENAME\n"
"  getfh PATH            print the file handle in hex\n"
"  raw \"OP [ARG]; ..\"    one COMPOUND of exactly these ops: putrootfh,\n"
"                        putfh HEX, lookup NAME, lookupp, getfh, getattr,\n"
"                        savefh, restorefh, readdir, read (anonymous\n"
"                        stateid), open NAME (no create, for reading and\n"
"                        writing), write TEXT (anonymous stateid, offset 0,\n"
"                        FILE_SYNC), seek (NFSv4.2 SEEK for data from\n"
"                        offset 0) and read-plus (READ_PLUS of 4096 bytes\n"
"                        at 0), each the last op, secinfo-parent,\n"
"                        secinfo-current;\n"
"                        prints \"OPNAME STATUS\" per result (and the\n"
"                        handle, entries, fileid, bytes read and the first\n"
"                        of them in hex, or bytes written); stops at the\n"
"                        first error\n"
"  null                  RPC NULL ping (no session)\n"
"  open-hold PATH SECONDS\n"
"                        OPEN PATH for reading and READ it every 100 ms for\n"
"                        SECONDS; prints \"reads=N failed=M\" and fails if\n"
"                        any READ failed\n"
"  read-count PATH COUNT N\n"
"                        send N READs of PATH at offset 0 asking for COUNT\n"
"                        bytes each (any 32-bit count, e.g. 4294967295),\n"
"                        pipelined; prints \"bytes=B\" once all replies are\n"
"                        in. With \"-N\" it sends them and closes the\n"
"                        connection without reading a reply; with \"+N\" it\n"
"                        prints \"ready\" once the file is open and sends\n"
"                        them when a line arrives on stdin\n"
"\n"
"NFS4ERR_DELAY and NFS4ERR_GRACE are retried with a short bounded backoff.\n"
"Errors name the command, the op and the NFS4ERR_* status.\n"
"\n"
"Exit status: 0 success; 1 the server answered with an NFS error;\n"
"2 usage error, connection or transport failure (including time-outs),\n"
"or a local file that cannot be read or written.\n";

struct cli {
	struct nfsc	*clnt;
	int		 inflight;
	int		 stable;
	uint32_t	 readsize;	/* -b; 0: the session's I/O size */
	const char	*cmd;
};

/* Print usage and exit 2. */
static void __attribute__((noreturn))
usage(const char *msg)
{
	if (msg != NULL)
		fprintf(stderr, "efsgw-nfsc: %s\n", msg);
	fputs(usage_text, stderr);
	exit(EXIT_USAGE);
}

/* Map a library return to an exit status, printing its message. */
static int
report(struct cli *c, int r)
{
	if (r == 0)
		return 0;
	fprintf(stderr, "efsgw-nfsc: %s: %s\n", c->cmd, nfsc_error(c->clnt));
	return r > 0 ? EXIT_NFS : EXIT_USAGE;
}

/* Report a local-file failure. */
static int
local_err(struct cli *c, const char *what, const char *path)
{
	fprintf(stderr, "efsgw-nfsc: %s: %s %s: %s\n", c->cmd, what, path,
	    strerror(errno));
	return EXIT_USAGE;
}

/* Parse an unsigned number in base; -1 on junk. */
static long long
parse_num(const char *s, int base, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, base);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max)
		return -1;
	return v;
}

/* Read up to n bytes of fd fully (short only at EOF); -1 on error. */
static ssize_t
read_full(int fd, void *buf, size_t n)
{
	size_t done = 0;
	ssize_t k;

	while (done < n) {
		k = read(fd, (char *)buf + done, n - done);
		if (k == -1 && errno == EINTR)
			continue;
		if (k == -1)
			return -1;
		if (k == 0)
			break;
		done += (size_t)k;
	}
	return (ssize_t)done;
}

/* Write all of buf to fd. */
static int
write_full(int fd, const void *buf, size_t n)
{
	size_t done = 0;
	ssize_t k;

	while (done < n) {
		k = write(fd, (const char *)buf + done, n - done);
		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		done += (size_t)k;
	}
	return 0;
}

/* Collect and free what is still in flight after an error (bounded). */
static void
drain(struct cli *c)
{
	struct nfsc_req *req;

	/*
	 * Requests are owned by this file; nfsc_destroy() would only detach
	 * them. After a transport failure they come back at once with the
	 * error; on a live connection each wait is bounded by -t.
	 */
	while (nfsc_inflight(c->clnt) > 0 && nfsc_complete(c->clnt, &req) == 0)
		nfsc_req_free(req);
}

/* Collect one finished WRITE and check it wrote everything. */
static int
write_collect(struct cli *c)
{
	struct nfsc_req *req;
	uint8_t verf[8];
	uint32_t n, want;
	int committed, r;

	if ((r = nfsc_complete(c->clnt, &req)) != 0)
		return r;
	want = (uint32_t)(uintptr_t)nfsc_req_udata(req);
	if ((r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0)
		r = nfsc_res_write(req, &n, &committed, verf);
	nfsc_req_free(req);
	if (r == 0 && n != want) {
		/* Short writes are legal but rare: treat as an error here. */
		fprintf(stderr, "efsgw-nfsc: %s: short WRITE (%u of %u bytes)\n",
		    c->cmd, n, want);
		return EFSGW_ERR_INTERNAL;
	}
	return r;
}

/* Write fd's content at base into f, pipelined; then COMMIT unless stable. */
static int
write_stream(struct cli *c, struct nfsc_file *f, int fd, const char *lpath,
    uint64_t base)
{
	uint32_t chunk = nfsc_io_size(c->clnt);
	uint8_t *buf;
	uint64_t off = base;
	ssize_t n;
	int r = 0, rounds;

	if ((buf = malloc(chunk)) == NULL)
		return EFSGW_ERR_NOMEM;
	for (rounds = 0; rounds < INT_MAX; rounds++) {
		if ((n = read_full(fd, buf, chunk)) < 0) {
			free(buf);
			return -1000 - local_err(c, "read", lpath);
		}
		if (n == 0)
			break;
		struct nfsc_req *req = nfsc_req_new(c->clnt);

		nfsc_op_putfh(req, &f->fh);
		nfsc_op_write(req, &f->sid, off, c->stable ? NFSC_FILE_SYNC :
		    NFSC_UNSTABLE, buf, (uint32_t)n);
		nfsc_req_set_udata(req, (void *)(uintptr_t)n);
		if ((r = nfsc_submit(c->clnt, req)) != 0) {
			nfsc_req_free(req);
			break;
		}
		off += (uint64_t)n;
		while (r == 0 && nfsc_inflight(c->clnt) >= c->inflight)
			r = write_collect(c);
		if (r != 0 || (size_t)n < chunk)
			break;
	}
	while (r == 0 && nfsc_inflight(c->clnt) > 0)
		r = write_collect(c);
	if (r != 0)
		drain(c);
	free(buf);
	if (r == 0 && !c->stable && off > base)
		r = nfsc_commit(c->clnt, &f->fh);
	return r;
}

/* Map write_stream's result (local errors are encoded below -1000). */
static int
stream_status(struct cli *c, int r)
{
	if (r <= -1000)
		return -1000 - r;
	return report(c, r);
}

/* put LOCAL REMOTE */
static int
cmd_put(struct cli *c, char **argv)
{
	struct nfsc_file f;
	int fd, r, st;

	if ((fd = open(argv[0], O_RDONLY)) == -1)
		return local_err(c, "open", argv[0]);
	if ((r = nfsc_open_path(c->clnt, argv[1], NFSC_O_READ | NFSC_O_WRITE |
	    NFSC_O_CREATE | NFSC_O_TRUNC, 0644, &f)) != 0) {
		close(fd);
		return report(c, r);
	}
	st = stream_status(c, write_stream(c, &f, fd, argv[0], 0));
	close(fd);
	r = nfsc_close(c->clnt, &f);
	return st != 0 ? st : report(c, r);
}

/* pwrite REMOTE OFFSET LOCAL */
static int
cmd_pwrite(struct cli *c, char **argv)
{
	struct nfsc_file f;
	long long off;
	int fd, r, st;

	if ((off = parse_num(argv[1], 0, INT64_MAX)) < 0)
		usage("pwrite: OFFSET must be a non-negative number");
	if ((fd = open(argv[2], O_RDONLY)) == -1)
		return local_err(c, "open", argv[2]);
	if ((r = nfsc_open_path(c->clnt, argv[0], NFSC_O_READ | NFSC_O_WRITE,
	    0, &f)) != 0) {
		close(fd);
		return report(c, r);
	}
	st = stream_status(c, write_stream(c, &f, fd, argv[2], (uint64_t)off));
	close(fd);
	r = nfsc_close(c->clnt, &f);
	return st != 0 ? st : report(c, r);
}

/* One chunk of a pipelined read. */
struct chunk {
	uint8_t		*buf;
	uint32_t	 len;
	int		 ready;
	uint64_t	 off;
};

/* Read REMOTE into fd in order, INFLIGHT READs at a time. */
static int
cmd_read_to(struct cli *c, const char *rpath, int fd, const char *lpath)
{
	struct nfsc_file f;
	struct nfsc_attr a;
	struct nfsc_req *req;
	struct chunk *win;
	uint32_t chunk = nfsc_io_size(c->clnt), n;
	uint64_t size, nchunks, next_sub = 0, next_out = 0, i;
	int w = c->inflight, r, st = 0, eof, k;

	if (c->readsize != 0 && c->readsize < chunk)
		chunk = c->readsize;

	if ((r = nfsc_open_path(c->clnt, rpath, NFSC_O_READ, 0, &f)) != 0)
		return report(c, r);
	if ((r = nfsc_getattr(c->clnt, &f.fh, &a)) != 0) {
		st = report(c, r);
		goto close;
	}
	size = a.size;
	nchunks = (size + chunk - 1) / chunk;
	if ((win = calloc((size_t)w, sizeof *win)) == NULL) {
		st = EXIT_USAGE;
		goto close;
	}
	for (k = 0; k < w; k++)
		if ((win[k].buf = malloc(chunk)) == NULL) {
			st = EXIT_USAGE;
			goto out;
		}
	while (next_out < nchunks) {
		/* Keep the window full. */
		while (next_sub < nchunks && next_sub < next_out + (uint64_t)w) {
			struct chunk *ch = &win[next_sub % (uint64_t)w];

			ch->ready = 0;
			ch->off = next_sub * chunk;
			req = nfsc_req_new(c->clnt);
			nfsc_op_putfh(req, &f.fh);
			nfsc_op_read(req, &f.sid, ch->off, chunk);
			nfsc_req_set_udata(req, (void *)(uintptr_t)next_sub);
			if ((r = nfsc_submit(c->clnt, req)) != 0) {
				nfsc_req_free(req);
				st = report(c, r);
				goto out;
			}
			next_sub++;
		}
		if ((r = nfsc_complete(c->clnt, &req)) != 0) {
			st = report(c, r);
			goto out;
		}
		i = (uint64_t)(uintptr_t)nfsc_req_udata(req);
		struct chunk *ch = &win[i % (uint64_t)w];
		if ((r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0)
			r = nfsc_res_read(req, ch->buf, chunk, &n, &eof);
		nfsc_req_free(req);
		if (r != 0) {
			st = report(c, r);
			goto out;
		}
		ch->len = n;
		/* A short READ before the end: fetch the rest synchronously. */
		while (ch->len < chunk && ch->off + ch->len < size && !eof) {
			uint32_t more;

			if ((r = nfsc_read(c->clnt, &f, ch->off + ch->len,
			    ch->buf + ch->len, chunk - ch->len, &more, &eof)) != 0) {
				st = report(c, r);
				goto out;
			}
			if (more == 0)
				break;
			ch->len += more;
		}
		ch->ready = 1;
		while (next_out < next_sub && win[next_out % (uint64_t)w].ready) {
			ch = &win[next_out % (uint64_t)w];
			if (write_full(fd, ch->buf, ch->len) != 0) {
				st = local_err(c, "write", lpath);
				goto out;
			}
			ch->ready = 0;
			next_out++;
		}
	}
out:
	/* Drain anything still in flight after an error. */
	drain(c);
	for (k = 0; k < w; k++)
		free(win[k].buf);
	free(win);
close:
	r = nfsc_close(c->clnt, &f);
	return st != 0 ? st : report(c, r);
}

/* get REMOTE LOCAL */
static int
cmd_get(struct cli *c, char **argv)
{
	int fd, st;

	if ((fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		return local_err(c, "open", argv[1]);
	st = cmd_read_to(c, argv[0], fd, argv[1]);
	if (close(fd) != 0 && st == 0)
		st = local_err(c, "close", argv[1]);
	return st;
}

/* cat REMOTE */
static int
cmd_cat(struct cli *c, char **argv)
{
	return cmd_read_to(c, argv[0], STDOUT_FILENO, "<stdout>");
}

/* mkdir PATH */
static int
cmd_mkdir(struct cli *c, char **argv)
{
	struct nfsc_fh dir;
	char name[1024];
	int r;

	if ((r = nfsc_lookup_parent(c->clnt, argv[0], &dir, name, sizeof name)) == 0)
		r = nfsc_mkdir(c->clnt, &dir, name, 0755, NULL);
	return report(c, r);
}

/* Collect one OPEN+CLOSE of mkdirs. */
static int
mkfiles_collect(struct cli *c)
{
	struct nfsc_req *req;
	int r;

	if ((r = nfsc_complete(c->clnt, &req)) != 0)
		return r;
	if ((r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_OPEN)) == 0)
		r = nfsc_res_skip(req, NFSC_OP_CLOSE);
	nfsc_req_free(req);
	return r;
}

/* mkdirs DIR N: N empty files, INFLIGHT OPEN+CLOSE compounds at a time. */
static int
cmd_mkfiles(struct cli *c, char **argv)
{
	struct nfsc_fh dir;
	struct nfsc_req *req;
	long long n, i;
	char name[32];
	int r, st;

	if ((n = parse_num(argv[1], 10, 10000000)) < 0)
		usage("mkdirs: N must be a number up to 10000000");
	if ((r = nfsc_lookup_path(c->clnt, argv[0], &dir, NULL)) != 0)
		return report(c, r);
	for (i = 0; i < n && r == 0; i++) {
		snprintf(name, sizeof name, "f%06lld", i);
		req = nfsc_req_new(c->clnt);
		nfsc_op_putfh(req, &dir);
		nfsc_op_open(req, name, NFSC_O_READ | NFSC_O_WRITE |
		    NFSC_O_CREATE, 0644);
		nfsc_op_close(req, NULL);	/* the stateid OPEN just made */
		if ((r = nfsc_submit(c->clnt, req)) != 0) {
			nfsc_req_free(req);
			break;
		}
		while (r == 0 && nfsc_inflight(c->clnt) >= c->inflight)
			r = mkfiles_collect(c);
	}
	while (r == 0 && nfsc_inflight(c->clnt) > 0)
		r = mkfiles_collect(c);
	st = report(c, r);	/* before drain() can overwrite the message */
	if (r != 0)
		drain(c);
	return st;
}

struct names {
	char		**v;
	size_t		 n, cap;
};

/* READDIR callback: keep each name. */
static int
ls_add(const struct nfsc_dirent *de, void *arg)
{
	struct names *nm = arg;

	if (nm->n == nm->cap) {
		nm->cap = nm->cap ? nm->cap * 2 : 256;
		nm->v = xreallocarray(nm->v, nm->cap, sizeof *nm->v);
	}
	nm->v[nm->n++] = xstrdup(de->name);
	return 0;
}

/* qsort comparator on C strings. */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ls PATH */
static int
cmd_ls(struct cli *c, char **argv)
{
	struct nfsc_fh dir;
	struct names nm = { NULL, 0, 0 };
	size_t i;
	int r;

	if ((r = nfsc_lookup_path(c->clnt, argv[0], &dir, NULL)) == 0)
		r = nfsc_readdir(c->clnt, &dir, NFSC_ABIT(NFSC_A_TYPE), ls_add, &nm);
	if (r == 0) {
		if (nm.n > 0)
			qsort(nm.v, nm.n, sizeof *nm.v, cmp_str);
		for (i = 0; i < nm.n; i++)
			printf("%s\n", nm.v[i]);
	}
	for (i = 0; i < nm.n; i++)
		free(nm.v[i]);
	free(nm.v);
	return report(c, r);
}

/* Name an nfs_ftype4 the way stat prints it. */
static const char *
type_name(uint32_t t)
{
	static const char *const names[] = { "none", "reg", "dir", "blk", "chr",
	    "lnk", "sock", "fifo", "attrdir", "namedattr" };

	return t < nitems(names) ? names[t] : "unknown";
}

/* stat PATH */
static int
cmd_stat(struct cli *c, char **argv)
{
	struct nfsc_fh fh;
	struct nfsc_attr a;
	int r;

	if ((r = nfsc_lookup_path(c->clnt, argv[0], &fh, &a)) != 0)
		return report(c, r);
	printf("type=%s size=%" PRIu64 " mode=%04o uid=%s gid=%s nlink=%u "
	    "fileid=%" PRIu64 "\n", type_name(a.type), a.size, a.mode & 07777,
	    a.owner, a.group, a.nlink, a.fileid);
	return 0;
}

/* seek PATH OFFSET data|hole (NFSv4.2 SEEK, anonymous stateid) */
static int
cmd_seek(struct cli *c, char **argv)
{
	struct nfsc_stateid anon;
	struct nfsc_fh fh;
	struct nfsc_attr a;
	struct nfsc_req *req;
	uint64_t off;
	long long v;
	int eof = 0, r;

	if ((v = parse_num(argv[1], 10, INT64_MAX)) < 0)
		usage("seek: OFFSET must be a number");
	if (strcmp(argv[2], "data") != 0 && strcmp(argv[2], "hole") != 0)
		usage("seek: data or hole");
	if ((r = nfsc_lookup_path(c->clnt, argv[0], &fh, &a)) != 0)
		return report(c, r);
	memset(&anon, 0, sizeof anon);
	req = nfsc_req_new(c->clnt);
	nfsc_op_putfh(req, &fh);
	nfsc_op_seek(req, &anon, (uint64_t)v, argv[2][0] == 'h');
	if ((r = nfsc_call(c->clnt, req)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0)
		r = nfsc_res_seek(req, &off, &eof);
	nfsc_req_free(req);
	if (r != 0)
		return report(c, r);
	printf("eof=%d offset=%" PRIu64 "\n", eof, off);
	return 0;
}

/* SETATTR on a path with the anonymous stateid. */
static int
setattr_path(struct cli *c, const char *path, const struct nfsc_sattr *s)
{
	struct nfsc_fh fh;
	int r;

	if ((r = nfsc_lookup_path(c->clnt, path, &fh, NULL)) == 0)
		r = nfsc_setattr(c->clnt, &fh, NULL, s);
	return report(c, r);
}

/* chmod MODE PATH */
static int
cmd_chmod(struct cli *c, char **argv)
{
	struct nfsc_sattr s;
	long long m;

	if ((m = parse_num(argv[0], 8, 07777)) < 0)
		usage("chmod: MODE must be octal, at most 7777");
	memset(&s, 0, sizeof s);
	s.mask = NFSC_ABIT(NFSC_A_MODE);
	s.mode = (uint32_t)m;
	return setattr_path(c, argv[1], &s);
}

/* chown UID:GID PATH */
static int
cmd_chown(struct cli *c, char **argv)
{
	struct nfsc_sattr s;
	char *owner, *group, *colon;
	int st;

	owner = xstrdup(argv[0]);
	group = NULL;
	if ((colon = strchr(owner, ':')) != NULL) {
		*colon = '\0';
		group = colon + 1;
	}
	memset(&s, 0, sizeof s);
	if (*owner != '\0') {
		if (parse_num(owner, 10, UINT32_MAX) < 0)
			usage("chown: UID must be numeric");
		s.mask |= NFSC_ABIT(NFSC_A_OWNER);
		s.owner = owner;
	}
	if (group != NULL && *group != '\0') {
		if (parse_num(group, 10, UINT32_MAX) < 0)
			usage("chown: GID must be numeric");
		s.mask |= NFSC_ABIT(NFSC_A_OWNER_GROUP);
		s.group = group;
	}
	if (s.mask == 0)
		usage("chown: give UID, UID:GID or :GID");
	st = setattr_path(c, argv[1], &s);
	free(owner);
	return st;
}

/* truncate PATH SIZE */
static int
cmd_truncate(struct cli *c, char **argv)
{
	struct nfsc_sattr s;
	long long size;

	if ((size = parse_num(argv[1], 0, INT64_MAX)) < 0)
		usage("truncate: SIZE must be a non-negative number");
	memset(&s, 0, sizeof s);
	s.mask = NFSC_ABIT(NFSC_A_SIZE);
	s.size = (uint64_t)size;
	return setattr_path(c, argv[0], &s);
}

/* rm PATH / rmdir PATH: REMOVE after checking the type. */
static int
cmd_remove(struct cli *c, const char *path, int want_dir)
{
	struct nfsc_fh dir, fh;
	struct nfsc_attr a;
	char name[1024];
	int r;

	if ((r = nfsc_lookup_path(c->clnt, path, &fh, &a)) != 0)
		return report(c, r);
	if (want_dir != (a.type == NFSC_NF4DIR)) {
		fprintf(stderr, "efsgw-nfsc: %s: %s: %s\n", c->cmd, path,
		    want_dir ? "not a directory" : "is a directory");
		return EXIT_NFS;
	}
	if ((r = nfsc_lookup_parent(c->clnt, path, &dir, name, sizeof name)) == 0)
		r = nfsc_remove(c->clnt, &dir, name);
	return report(c, r);
}

static int
cmd_rm(struct cli *c, char **argv)
{
	return cmd_remove(c, argv[0], 0);
}

static int
cmd_rmdir(struct cli *c, char **argv)
{
	return cmd_remove(c, argv[0], 1);
}

/* mv OLD NEW */
static int
cmd_mv(struct cli *c, char **argv)
{
	struct nfsc_fh from, to;
	char fname[1024], tname[1024];
	int r;

	if ((r = nfsc_lookup_parent(c->clnt, argv[0], &from, fname,
	    sizeof fname)) == 0 &&
	    (r = nfsc_lookup_parent(c->clnt, argv[1], &to, tname,
	    sizeof tname)) == 0)
		r = nfsc_rename(c->clnt, &from, fname, &to, tname);
	return report(c, r);
}

/* getfh PATH */
static int
cmd_getfh(struct cli *c, char **argv)
{
	struct nfsc_fh fh;
	uint32_t i;
	int r;

	if ((r = nfsc_lookup_path(c->clnt, argv[0], &fh, NULL)) != 0)
		return report(c, r);
	for (i = 0; i < fh.len; i++)
		printf("%02x", fh.data[i]);
	printf("\n");
	return 0;
}

/* Print a READDIR entry's name on one line. */
static int
raw_entry(const struct nfsc_dirent *de, void *arg)
{
	(void)arg;
	printf("entry %s\n", de->name);
	return 0;
}

#define RAW_OP_READ_PLUS	68	/* RFC 7862 §15.10 */
#define RAW_OP_SEEK	69	/* RFC 7862 §15.11 */

/* A big-endian XDR word. */
static uint32_t
raw_word(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * The SEEK result, the last one of the reply (nfsc has no decoder for
 * it): its status and, when NFS4_OK, sr_eof and sr_offset (seek4res,
 * RFC 7862 §15.11.2).
 */
static int
raw_seek(struct nfsc_req *req, uint32_t *eofp, uint64_t *offp)
{
	const uint8_t *p;
	size_t len;
	uint32_t nres;
	int r;

	if ((r = nfsc_res_rest(req, &p, &len, &nres)) != 0)
		return r;
	if (nres == 0)
		return nfsc_req_status(req) != 0 ? (int)nfsc_req_status(req) :
		    EFSGW_ERR_TRUNCATED;
	if (len < 8 || raw_word(p) != RAW_OP_SEEK)
		return EFSGW_ERR_BAD_VALUE;
	if ((r = (int)raw_word(p + 4)) != 0)
		return r;
	if (len < 8 + 12)
		return EFSGW_ERR_TRUNCATED;
	*eofp = raw_word(p + 8);
	*offp = (uint64_t)raw_word(p + 12) << 32 | raw_word(p + 16);
	return 0;
}

/*
 * The READ_PLUS result, the last one of the reply: its status and, when
 * NFS4_OK, eof and the first segment (read_plus_res4, RFC 7862
 * §15.10.2) printed as "read_plus eof=E data N head HEX" (offset 0 and
 * the first 16 bytes) or "read_plus eof=E hole N" (its length).
 */
static int
raw_read_plus(struct nfsc_req *req)
{
	const uint8_t *p;
	size_t len, k;
	uint32_t nres, eof, n, type, dlen;
	int r;

	if ((r = nfsc_res_rest(req, &p, &len, &nres)) != 0)
		return r;
	if (nres == 0)
		return nfsc_req_status(req) != 0 ? (int)nfsc_req_status(req) :
		    EFSGW_ERR_TRUNCATED;
	if (len < 8 || raw_word(p) != RAW_OP_READ_PLUS)
		return EFSGW_ERR_BAD_VALUE;
	if ((r = (int)raw_word(p + 4)) != 0)
		return r;
	if (len < 16)
		return EFSGW_ERR_TRUNCATED;
	eof = raw_word(p + 8);
	n = raw_word(p + 12);
	printf("READ_PLUS NFS4_OK\nread_plus eof=%u", eof);
	if (n > 0 && len >= 16 + 4 + 8 + 4) {
		type = raw_word(p + 16);
		if (type == 0) {			/* NFS4_CONTENT_DATA */
			dlen = raw_word(p + 28);
			printf(" data %u head ", dlen);
			for (k = 0; k < dlen && k < 16 && 32 + k < len; k++)
				printf("%02x", p[32 + k]);
		} else if (len >= 16 + 4 + 8 + 8)	/* NFS4_CONTENT_HOLE */
			printf(" hole %llu", (unsigned long long)raw_word(p + 28) <<
			    32 | raw_word(p + 32));
	}
	printf("\n");
	return 0;
}

/* Parse hex into fh; -1 on junk. */
static int
raw_hex(const char *s, struct nfsc_fh *fh)
{
	size_t n = strlen(s), i;
	unsigned v;

	if (n == 0 || n % 2 != 0 || n / 2 > sizeof fh->data)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1 ||
		    !isxdigit((unsigned char)s[2 * i]) ||
		    !isxdigit((unsigned char)s[2 * i + 1]))
			return -1;
		fh->data[i] = (uint8_t)v;
	}
	fh->len = (uint32_t)(n / 2);
	return 0;
}

/*
 * raw "OP [ARG]; OP [ARG]; ..": one COMPOUND of exactly these ops, so a
 * test says which handle and which op the server sees. Prints one line per
 * result, "OPNAME STATUS", plus "fh HEX" after GETFH, "entry NAME" per
 * READDIR entry (first reply only), "read N" and "head HEX" (the first
 * 16 bytes) after READ (anonymous stateid, offset 0, 4096 bytes) and
 * "wrote N" after WRITE (anonymous stateid, offset 0, FILE_SYNC). OPEN
 * opens an existing NAME for reading and writing, so that a test sends
 * OPEN and a data op on its file in one COMPOUND. SEEK (RFC 7862 §15.11,
 * anonymous stateid, data from offset 0) prints "seek eof=E offset=N",
 * READ_PLUS (§15.10, 4096 bytes at 0) its first segment; they are decoded
 * from the rest of the reply, so they come last.
 */
static int
cmd_raw(struct cli *c, char **argv)
{
	struct nfsc_req *req = nfsc_req_new(c->clnt);
	struct nfsc_stateid anon, sid;
	struct nfsc_fh fh;
	struct nfsc_attr a;
	uint8_t verf[8] = { 0 }, buf[4096];
	uint32_t ops[64], nops = 0, i, j, n = 0, seek_eof = 0;
	uint64_t seek_off = 0;
	uint64_t cookie;
	char *script = xstrdup(argv[0]), *tok, *save = NULL, *arg;
	int r = 0, eof;

	memset(&anon, 0, sizeof anon);
	for (tok = strtok_r(script, ";", &save); tok != NULL;
	    tok = strtok_r(NULL, ";", &save)) {
		while (*tok == ' ')
			tok++;
		if (*tok == '\0')
			continue;
		if (nops == nitems(ops))
			usage("raw: at most 64 ops");
		arg = strchr(tok, ' ');
		if (arg != NULL) {
			*arg++ = '\0';
			while (*arg == ' ')
				arg++;
			for (j = (uint32_t)strlen(arg); j > 0 && arg[j - 1] == ' '; j--)
				arg[j - 1] = '\0';
		}
		if (strcmp(tok, "putrootfh") == 0) {
			nfsc_op_putrootfh(req);
			ops[nops++] = NFSC_OP_PUTROOTFH;
		} else if (strcmp(tok, "putfh") == 0) {
			if (arg == NULL || raw_hex(arg, &fh) != 0)
				usage("raw: putfh wants a handle in hex");
			nfsc_op_putfh(req, &fh);
			ops[nops++] = NFSC_OP_PUTFH;
		} else if (strcmp(tok, "lookup") == 0) {
			if (arg == NULL || *arg == '\0')
				usage("raw: lookup wants a name");
			nfsc_op_lookup(req, arg);
			ops[nops++] = NFSC_OP_LOOKUP;
		} else if (strcmp(tok, "lookupp") == 0) {
			nfsc_op_lookupp(req);
			ops[nops++] = NFSC_OP_LOOKUPP;
		} else if (strcmp(tok, "getfh") == 0) {
			nfsc_op_getfh(req);
			ops[nops++] = NFSC_OP_GETFH;
		} else if (strcmp(tok, "getattr") == 0) {
			nfsc_op_getattr(req, NFSC_ABIT(NFSC_A_TYPE) |
			    NFSC_ABIT(NFSC_A_FILEID));
			ops[nops++] = NFSC_OP_GETATTR;
		} else if (strcmp(tok, "savefh") == 0) {
			nfsc_op_savefh(req);
			ops[nops++] = NFSC_OP_SAVEFH;
		} else if (strcmp(tok, "restorefh") == 0) {
			nfsc_op_restorefh(req);
			ops[nops++] = NFSC_OP_RESTOREFH;
		} else if (strcmp(tok, "readdir") == 0) {
			nfsc_op_readdir(req, 0, verf, 32768, NFSC_ABIT(NFSC_A_TYPE));
			ops[nops++] = NFSC_OP_READDIR;
		} else if (strcmp(tok, "read") == 0) {
			nfsc_op_read(req, &anon, 0, sizeof buf);
			ops[nops++] = NFSC_OP_READ;
		} else if (strcmp(tok, "open") == 0) {
			if (arg == NULL || *arg == '\0')
				usage("raw: open wants a name");
			nfsc_op_open(req, arg, NFSC_O_READ | NFSC_O_WRITE, 0);
			ops[nops++] = NFSC_OP_OPEN;
		} else if (strcmp(tok, "read-plus") == 0) {
			uint8_t ra[16 + 8 + 4];

			memset(ra, 0, sizeof ra);	/* from 0 ... */
			ra[sizeof ra - 2] = 0x10;	/* ... 4096 bytes */
			nfsc_op_raw(req, RAW_OP_READ_PLUS, ra, sizeof ra);
			ops[nops++] = RAW_OP_READ_PLUS;
		} else if (strcmp(tok, "seek") == 0) {
			uint8_t sa[16 + 8 + 4];

			memset(sa, 0, sizeof sa);	/* NFS4_CONTENT_DATA from 0 */
			nfsc_op_raw(req, RAW_OP_SEEK, sa, sizeof sa);
			ops[nops++] = RAW_OP_SEEK;
		} else if (strcmp(tok, "write") == 0) {
			if (arg == NULL || *arg == '\0')
				usage("raw: write wants the text to write");
			nfsc_op_write(req, &anon, 0, NFSC_FILE_SYNC, arg,
			    (uint32_t)strlen(arg));
			ops[nops++] = NFSC_OP_WRITE;
		} else if (strcmp(tok, "secinfo-parent") == 0 ||
		    strcmp(tok, "secinfo-current") == 0) {
			nfsc_op_secinfo_no_name(req, tok[8] == 'p');
			ops[nops++] = NFSC_OP_SECINFO_NO_NAME;
		} else {
			fprintf(stderr, "efsgw-nfsc: raw: unknown op \"%s\"\n", tok);
			usage(NULL);
		}
	}
	free(script);
	if (nops == 0)
		usage("raw: no ops");
	for (i = 0; i + 1 < nops; i++)
		if (ops[i] == RAW_OP_SEEK || ops[i] == RAW_OP_READ_PLUS)
			usage("raw: seek and read-plus come last");
	if ((r = nfsc_call(c->clnt, req)) < 0) {
		nfsc_req_free(req);
		return report(c, r);
	}
	for (i = 0; i < nops; i++) {
		switch (ops[i]) {
		case NFSC_OP_GETFH:
			r = nfsc_res_getfh(req, &fh);
			break;
		case NFSC_OP_GETATTR:
			r = nfsc_res_getattr(req, &a);
			break;
		case NFSC_OP_READDIR:
			r = nfsc_res_readdir(req, raw_entry, NULL, &cookie, verf, &eof);
			break;
		case NFSC_OP_READ:
			r = nfsc_res_read(req, buf, sizeof buf, &n, &eof);
			break;
		case NFSC_OP_OPEN:
			r = nfsc_res_open(req, &sid);
			break;
		case NFSC_OP_WRITE:
			r = nfsc_res_write(req, &n, &eof, verf);
			break;
		case RAW_OP_SEEK:
			r = raw_seek(req, &seek_eof, &seek_off);
			break;
		case RAW_OP_READ_PLUS:
			if ((r = raw_read_plus(req)) == 0)
				goto done;	/* printed */
			break;
		default:
			r = nfsc_res_skip(req, ops[i]);
			break;
		}
		if (r < 0)
			break;
		printf("%s %s\n", nfsc_op_name(ops[i]), nfsc_stat_name((uint32_t)r));
		if (r > 0)
			break;
		if (ops[i] == NFSC_OP_GETFH) {
			printf("fh ");
			for (j = 0; j < fh.len; j++)
				printf("%02x", fh.data[j]);
			printf("\n");
		} else if (ops[i] == NFSC_OP_GETATTR)
			printf("fileid %llu\n", (unsigned long long)a.fileid);
		else if (ops[i] == NFSC_OP_READ) {
			printf("read %u\nhead ", n);
			for (j = 0; j < n && j < 16; j++)
				printf("%02x", buf[j]);
			printf("\n");
		} else if (ops[i] == NFSC_OP_WRITE)
			printf("wrote %u\n", n);
		else if (ops[i] == RAW_OP_SEEK)
			printf("seek eof=%u offset=%llu\n", seek_eof,
			    (unsigned long long)seek_off);
	}
done:
	nfsc_req_free(req);
	return report(c, r);
}

/* null */
static int
cmd_null(struct cli *c, char **argv)
{
	int r;

	if ((r = nfsc_null(c->clnt)) == 0)
		printf("NULL ok\n");
	return report(c, r);
}

/* open-hold PATH SECONDS */
static int
cmd_open_hold(struct cli *c, char **argv)
{
	struct nfsc_file f;
	struct timespec ts = { 0, 100 * 1000 * 1000 }, now;
	uint8_t buf[4096];
	long long secs;
	double end;
	uint32_t n;
	long reads = 0, failed = 0;
	int r, eof, first_err = 0;

	if ((secs = parse_num(argv[1], 10, 86400)) < 0)
		usage("open-hold: SECONDS must be a number up to 86400");
	if ((r = nfsc_open_path(c->clnt, argv[0], NFSC_O_READ, 0, &f)) != 0)
		return report(c, r);
	clock_gettime(CLOCK_MONOTONIC, &now);
	end = (double)now.tv_sec + now.tv_nsec / 1e9 + (double)secs;
	do {
		r = nfsc_read(c->clnt, &f, 0, buf, sizeof buf, &n, &eof);
		reads++;
		if (r != 0) {
			failed++;
			if (first_err == 0) {
				first_err = r;
				fprintf(stderr, "efsgw-nfsc: open-hold: read %ld: %s\n",
				    reads, nfsc_error(c->clnt));
			}
			if (r < 0)
				break;	/* the connection is gone */
		}
		nanosleep(&ts, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((double)now.tv_sec + now.tv_nsec / 1e9 < end &&
	    reads < 100L * 86400);
	printf("reads=%ld failed=%ld %s\n", reads, failed,
	    failed == 0 ? "open state kept working" : "reads FAILED");
	r = nfsc_close(c->clnt, &f);
	if (failed != 0)
		return first_err > 0 ? EXIT_NFS : EXIT_USAGE;
	return report(c, r);
}

/* read-count PATH COUNT N: READs with a client-chosen count (QoS abuse). */
static int
cmd_read_count(struct cli *c, char **argv)
{
	struct nfsc_file f;
	struct nfsc_req *req;
	uint32_t io = nfsc_io_size(c->clnt), got;
	uint64_t bytes = 0;
	long long count = parse_num(argv[1], 10, UINT32_MAX), n, i;
	uint8_t *buf;
	int r = 0, k, eof, drop = argv[2][0] == '-', wait = argv[2][0] == '+';
	char line[16];

	n = parse_num(argv[2] + (drop || wait), 10, 4096);
	if (count < 0 || n <= 0)
		usage("read-count: COUNT up to 4294967295, N (or -N) 1..4096");
	if ((buf = malloc(io)) == NULL)
		return EXIT_USAGE;
	if ((r = nfsc_open_path(c->clnt, argv[0], NFSC_O_READ, 0, &f)) != 0) {
		free(buf);
		return report(c, r);
	}
	if (wait) {
		/* The caller decides when the READs go (t/qos/qos-abuse.sh). */
		printf("ready\n");
		fflush(stdout);
		if (fgets(line, sizeof line, stdin) == NULL) {
			free(buf);
			return EXIT_USAGE;
		}
	}
	for (i = 0; i < n && r == 0; i++) {
		req = nfsc_req_new(c->clnt);
		nfsc_op_putfh(req, &f.fh);
		nfsc_op_read(req, &f.sid, 0, (uint32_t)count);
		if ((r = nfsc_submit(c->clnt, req)) != 0)
			nfsc_req_free(req);
	}
	if (drop) {
		/* Leave with the READs unanswered: the gateway must not care. */
		free(buf);
		printf("sent=%lld\n", i);
		fflush(stdout);
		_exit(r == 0 ? 0 : EXIT_NFS);
	}
	/*
	 * Collect every reply, also after the connection closed: a reply
	 * that arrived just before the close (a draining gateway) counts.
	 */
	for (i = 0; nfsc_inflight(c->clnt) > 0 && i < 2 * n + 8; i++) {
		if ((k = nfsc_complete(c->clnt, &req)) != 0) {
			r = r != 0 ? r : k;
			continue;
		}
		if ((k = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0 &&
		    (k = nfsc_res_read(req, buf, io, &got, &eof)) == 0)
			bytes += got;
		r = r != 0 ? r : k;
		nfsc_req_free(req);
	}
	free(buf);
	printf("bytes=%llu\n", (unsigned long long)bytes);
	if (r != 0)
		drain(c);
	if (r == 0)
		r = nfsc_close(c->clnt, &f);
	return report(c, r);
}

struct command {
	const char	*name;
	int		 nargs;
	int		 session;	/* needs a session */
	int		 (*fn)(struct cli *, char **);
};

static const struct command commands[] = {
	{ "put", 2, 1, cmd_put },
	{ "get", 2, 1, cmd_get },
	{ "cat", 1, 1, cmd_cat },
	{ "pwrite", 3, 1, cmd_pwrite },
	{ "mkdir", 1, 1, cmd_mkdir },
	{ "mkdirs", 2, 1, cmd_mkfiles },
	{ "mkfiles", 2, 1, cmd_mkfiles },
	{ "ls", 1, 1, cmd_ls },
	{ "stat", 1, 1, cmd_stat },
	{ "seek", 3, 1, cmd_seek },
	{ "chmod", 2, 1, cmd_chmod },
	{ "chown", 2, 1, cmd_chown },
	{ "truncate", 2, 1, cmd_truncate },
	{ "rm", 1, 1, cmd_rm },
	{ "rmdir", 1, 1, cmd_rmdir },
	{ "mv", 2, 1, cmd_mv },
	{ "getfh", 1, 1, cmd_getfh },
	{ "null", 0, 0, cmd_null },
	{ "raw", 1, 1, cmd_raw },
	{ "open-hold", 2, 1, cmd_open_hold },
	{ "read-count", 3, 1, cmd_read_count },
};

/* Parse HOST:PORT into opts. */
static void
parse_server(const char *s, struct nfsc_opts *o, char *host, size_t hostlen)
{
	const char *colon = strrchr(s, ':');
	long long port;

	if (colon == NULL || (size_t)(colon - s) >= hostlen || colon == s)
		usage("-s wants HOST:PORT");
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (strcmp(host, "localhost") == 0)
		snprintf(host, hostlen, "127.0.0.1");
	if ((port = parse_num(colon + 1, 10, 65535)) <= 0)
		usage("-s: bad port");
	o->host = host;
	o->port = (int)port;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "tls", no_argument, NULL, 'L' },
		{ "cafile", required_argument, NULL, 'C' },
		{ "cert", required_argument, NULL, 'E' },
		{ "key", required_argument, NULL, 'K' },
		{ "servername", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 }
	};
	struct nfsc_opts o;
	struct cli c;
	const struct command *cmd = NULL;
	char host[256], err[512], *tok, *save = NULL, *list;
	long long v;
	size_t i;
	int ch, r, st, verbose = 0;

	memset(&o, 0, sizeof o);
	memset(&c, 0, sizeof c);
	o.host = "127.0.0.1";
	o.port = 2049;
	c.inflight = 16;
	while ((ch = getopt_long(argc, argv, "+s:m:n:b:u:g:G:A:t:RSvh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 's':
			parse_server(optarg, &o, host, sizeof host);
			break;
		case 'm':
			if ((v = parse_num(optarg, 10, 2)) < 0)
				usage("-m: minor version must be 0, 1 or 2");
			o.minor = (uint32_t)v;
			o.v40 = v == 0;
			break;
		case 'n':
			if ((v = parse_num(optarg, 10, MAX_INFLIGHT)) < 1)
				usage("-n: INFLIGHT must be 1..256");
			c.inflight = (int)v;
			break;
		case 'b':
			if ((v = parse_num(optarg, 10, UINT32_MAX)) < 1)
				usage("-b: BYTES must be 1 or more");
			c.readsize = (uint32_t)v;
			break;
		case 'u':
			if ((v = parse_num(optarg, 10, UINT32_MAX)) < 0)
				usage("-u: bad uid");
			o.uid = (uint32_t)v;
			break;
		case 'g':
			if ((v = parse_num(optarg, 10, UINT32_MAX)) < 0)
				usage("-g: bad gid");
			o.gid = (uint32_t)v;
			break;
		case 'G':
			list = xstrdup(optarg);
			o.ngids = 0;
			for (tok = strtok_r(list, ",", &save); tok != NULL;
			    tok = strtok_r(NULL, ",", &save)) {
				if (o.ngids == NFSC_MAXGIDS)
					usage("-G: at most 16 gids");
				if ((v = parse_num(tok, 10, UINT32_MAX)) < 0)
					usage("-G: bad gid");
				o.gids[o.ngids++] = (uint32_t)v;
			}
			free(list);
			break;
		case 'A':
			if (strcmp(optarg, "none") == 0)
				o.auth = NFSC_AUTH_NONE;
			else if (strcmp(optarg, "sys") == 0)
				o.auth = NFSC_AUTH_SYS;
			else
				usage("-A: none or sys");
			break;
		case 't':
			if ((v = parse_num(optarg, 10, 3600)) < 1)
				usage("-t: SECONDS must be 1..3600");
			o.timeout_ms = (int)v * 1000;
			break;
		case 'R':
			o.no_retry = 1;
			break;
		case 'S':
			c.stable = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'L':
			o.tls = 1;
			break;
		case 'C':
			o.cafile = optarg;
			break;
		case 'E':
			o.cert = optarg;
			break;
		case 'K':
			o.key = optarg;
			break;
		case 'N':
			o.servername = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			usage(NULL);
		}
	}
	if (!o.tls && (o.cafile != NULL || o.cert != NULL || o.key != NULL ||
	    o.servername != NULL))
		usage("--cafile, --cert, --key and --servername need --tls");
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage("no command given");
	for (i = 0; i < nitems(commands); i++)
		if (strcmp(commands[i].name, argv[0]) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		fprintf(stderr, "efsgw-nfsc: unknown command \"%s\"\n", argv[0]);
		usage(NULL);
	}
	if (argc - 1 != cmd->nargs) {
		fprintf(stderr, "efsgw-nfsc: %s takes %d argument%s\n", cmd->name,
		    cmd->nargs, cmd->nargs == 1 ? "" : "s");
		usage(NULL);
	}
	c.cmd = cmd->name;
	/* A server that goes away must give EPIPE, not kill us (TLS writes). */
	signal(SIGPIPE, SIG_IGN);
	if ((r = nfsc_connect(&o, &c.clnt, err, sizeof err)) != 0) {
		fprintf(stderr, "efsgw-nfsc: %s\n", err);
		return EXIT_USAGE;
	}
	if (cmd->session && (r = nfsc_session_create(c.clnt)) != 0) {
		fprintf(stderr, "efsgw-nfsc: session set-up: %s\n",
		    nfsc_error(c.clnt));
		nfsc_destroy(c.clnt);
		return r > 0 ? EXIT_NFS : EXIT_USAGE;
	}
	if (verbose && cmd->session)
		fprintf(stderr, "efsgw-nfsc: session: %u slots, %u-byte READ/WRITE\n",
		    nfsc_session_slots(c.clnt), nfsc_io_size(c.clnt));
	if (c.inflight > (int)nfsc_session_slots(c.clnt) && cmd->session)
		c.inflight = (int)nfsc_session_slots(c.clnt);
	st = cmd->fn(&c, argv + 1);
	fflush(stdout);
	nfsc_destroy(c.clnt);
	return st;
}
