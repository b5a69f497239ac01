/*
 * efsgw - efsgw-microbench: the per-call cost of the pieces of the
 * gateway's call path that run once per NFS call, measured in-process
 * with the real libraries (no sockets): sealing and unsealing a file
 * handle (auth/seal.c), a policy decision on a 10-statement file-system
 * policy (auth/policy.h), a QoS admission on the fast path (qos/qos.h,
 * tokens available) and the COMPOUND walker (proxy/nfs4.h) over the
 * arguments and replies of the benchmark's GETATTR and 1 MiB WRITE calls.
 *
 * Each measure runs a fixed number of calls per repeat and reports the
 * median over the repeats in nanoseconds per call, with the min-max; the
 * performance target is < 1 us each for seal+unseal, policy and QoS. Run by
 * t/bench/run-bench.sh; never part of `make check`.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "common.h"
#include "auth.h"
#include "policy.h"
#include "qos.h"
#include "nfs4.h"
#include "xdrbuf.h"
#include "proxy.h"

#define MB_MAX_REPEATS	50

static const char usage_text[] =
"usage: efsgw-microbench [-n CALLS] [-r REPEATS] [-o FILE.json|FILE.csv]\n"
"Per-call cost of handle seal+unseal, a policy decision (10 statements),\n"
"a QoS admission (fast path) and COMPOUND walks; median ns/call [min-max]\n"
"over REPEATS (default 7) repeats of CALLS (default 200000) calls.\n";

/* A sink the compiler cannot see through, so loops are not optimized away. */
static volatile uint64_t microbench_sink;

/* One measure: a name and a function running n calls. */
struct microbench {
	const char	*name;
	const char	*what;
	int		(*run)(void *, long n);
	void		*arg;
	double		 ns[MB_MAX_REPEATS];
	int		 nrep;
};

/* ------------------------------------------------------------ seal */

struct mb_seal {
	struct seal_keys keys;
	const char	*scope;
	uint8_t		 fh[28];	/* Ganesha VFS handles are ~20-40 bytes */
};

/* Seal then unseal one handle, n times. */
static int
mb_seal_run(void *arg, long n)
{
	struct mb_seal *s = arg;
	uint8_t out[SEAL_FHSIZE];
	const uint8_t *fh;
	size_t outlen, fhlen;
	long i;

	for (i = 0; i < n; i++) {
		s->fh[0] = (uint8_t)i;
		if (seal_handle(&s->keys, s->scope, s->fh, sizeof s->fh, out,
		    &outlen) != 0 || unseal_handle(&s->keys, s->scope, out, outlen,
		    &fh, &fhlen) != 0)
			return -1;
		microbench_sink += fhlen;
	}
	return 0;
}

/* Unseal only (the per-call direction: every PUTFH). */
static int
mb_unseal_run(void *arg, long n)
{
	struct mb_seal *s = arg;
	uint8_t out[SEAL_FHSIZE];
	const uint8_t *fh;
	size_t outlen, fhlen;
	long i;

	if (seal_handle(&s->keys, s->scope, s->fh, sizeof s->fh, out, &outlen) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (unseal_handle(&s->keys, s->scope, out, outlen, &fh, &fhlen) != 0)
			return -1;
		microbench_sink += fhlen;
	}
	return 0;
}

/* ------------------------------------------------------------ policy */

#define MB_ACCOUNT	"111122223333"
#define MB_FS_ARN	"arn:aws:elasticfilesystem:us-east-1:" MB_ACCOUNT \
	":file-system/fs-0123456789abcdef0"
#define MB_ROLE		"arn:aws:iam::" MB_ACCOUNT ":role/app"

/*
 * Ten statements, the first nine of which do not match the request (other
 * principals, actions, networks, access points) so that every statement is
 * evaluated, as in a long real policy; the tenth allows.
 */
static const char mb_policy_text[] =
"{\"Version\":\"2012-10-17\",\"Statement\":["
"{\"Sid\":\"DenyPlain\",\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"*\"},"
 "\"Action\":\"*\",\"Resource\":\"" MB_FS_ARN "\","
 "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}},"
"{\"Sid\":\"DenyNet\",\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"*\"},"
 "\"Action\":\"*\",\"Resource\":\"" MB_FS_ARN "\","
 "\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":[\"192.0.2.0/24\",\"198.51.100.0/24\"]}}},"
"{\"Sid\":\"DenyRootOthers\",\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},"
 "\"Action\":\"elasticfilesystem:ClientRootAccess\",\"Resource\":\"" MB_FS_ARN "\"},"
"{\"Sid\":\"A1\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" MB_ACCOUNT ":role/batch\"},"
 "\"Action\":[\"elasticfilesystem:ClientMount\",\"elasticfilesystem:ClientWrite\"],\"Resource\":\"" MB_FS_ARN "\"},"
"{\"Sid\":\"A2\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" MB_ACCOUNT ":user/alice\"},"
 "\"Action\":\"elasticfilesystem:ClientMount\",\"Resource\":\"" MB_FS_ARN "\"},"
"{\"Sid\":\"A3\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
 "\"Action\":\"elasticfilesystem:ClientMount\",\"Resource\":\"" MB_FS_ARN "\","
 "\"Condition\":{\"StringEquals\":{\"elasticfilesystem:AccessPointArn\":"
 "\"arn:aws:elasticfilesystem:us-east-1:" MB_ACCOUNT ":access-point/fsap-0123456789abcdef0\"}}},"
"{\"Sid\":\"A4\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
 "\"Action\":\"elasticfilesystem:ClientMount\",\"Resource\":\"" MB_FS_ARN "\","
 "\"Condition\":{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::" MB_ACCOUNT ":role/ci-*\"}}},"
"{\"Sid\":\"A5\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
 "\"Action\":\"elasticfilesystem:ClientMount\",\"Resource\":\"" MB_FS_ARN "\","
 "\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}},"
"{\"Sid\":\"A6\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" MB_ACCOUNT ":role/admin\"},"
 "\"Action\":\"elasticfilesystem:*\",\"Resource\":\"" MB_FS_ARN "\"},"
"{\"Sid\":\"AllowApp\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" MB_ROLE "\"},"
 "\"Action\":[\"elasticfilesystem:ClientMount\",\"elasticfilesystem:ClientWrite\"],"
 "\"Resource\":\"" MB_FS_ARN "\","
 "\"Condition\":{\"Bool\":{\"elasticfilesystem:AccessedViaMountTarget\":\"true\"}}}"
"]}";

struct mb_policy {
	struct policy	*p;
	struct policy_request req;
};

/* Decide ClientWrite for the role over TLS, n times. */
static int
mb_policy_run(void *arg, long n)
{
	struct mb_policy *mp = arg;
	struct policy_decision d;
	long i;

	for (i = 0; i < n; i++) {
		policy_decide(mp->p, &mp->req, 0, &d);
		if (d.effect != POLICY_ALLOW)
			return -1;
		microbench_sink += (uint64_t)d.statement;
	}
	return 0;
}

/* ------------------------------------------------------------ qos */

struct mb_qos {
	struct qos_fs	*fs;
	struct qos_client *cl;
	uint64_t	 queued;
};

/* Never called on the fast path; counts if it is. */
static void
mb_qos_resume(void *arg)
{
	(*(uint64_t *)arg)++;
}

/*
 * Admit and account one metadata read, n times (fast path: tokens). The
 * pair is one call's QoS work, so it is measured together.
 */
static int
mb_qos_run(void *arg, long n)
{
	struct mb_qos *q = arg;
	long i;
	int r;

	for (i = 0; i < n; i++) {
		r = qos_admit(q->fs, q->cl, QOS_CLASS_META_READ, 4096, mb_qos_resume,
		    &q->queued);
		if (r < 0)
			return -1;
		if (r == 1) {		/* throttled: not the fast path */
			qos_fs_poll(q->fs);
			continue;
		}
		qos_account(q->fs, q->cl, QOS_CLASS_META_READ, 4096, 300);
	}
	return 0;
}

/* ------------------------------------------------------------ walker */

struct mb_walk {
	struct evbuffer	*rec;
	int		 reply;		/* walk as COMPOUND4res */
	struct evbuffer_iovec vec[64];
	int		 nvec;
	uint32_t	 nops;
};

static struct nfs4_compound mb_compound;	/* ~400 KiB: not on the stack */

/* Walk the record n times. */
static int
mb_walk_run(void *arg, long n)
{
	struct mb_walk *w = arg;
	struct xdrbuf b;
	long i;
	int r;

	for (i = 0; i < n; i++) {
		xdrbuf_init(&b, w->vec, w->nvec);
		r = w->reply ? nfs4_walk_compound_res(&b, 1, &mb_compound) :
		    nfs4_walk_compound_args(&b, &mb_compound);
		if (r != 0 || mb_compound.nops != w->nops)
			return -1;
		microbench_sink += mb_compound.nmarks;
	}
	return 0;
}

/* Append SEQUENCE4args (RFC 8881 §18.46.1). */
static void
mb_put_sequence_args(struct evbuffer *e)
{
	static const uint8_t sessionid[16] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	xdrbuf_put_u32(e, OP_SEQUENCE);
	evbuffer_add(e, sessionid, sizeof sessionid);	/* sessionid4, fixed */
	xdrbuf_put_u32(e, 17);		/* sa_sequenceid */
	xdrbuf_put_u32(e, 3);		/* sa_slotid */
	xdrbuf_put_u32(e, 63);		/* sa_highest_slotid */
	xdrbuf_put_u32(e, 0);		/* sa_cachethis */
}

/* Start COMPOUND4args (RFC 8881 §16.2.1): empty tag, minor 1, nops. */
static void
mb_put_compound_args(struct evbuffer *e, uint32_t nops)
{
	xdrbuf_put_opaque(e, "", 0);
	xdrbuf_put_u32(e, 1);
	xdrbuf_put_u32(e, nops);
	mb_put_sequence_args(e);
}

/* Build SEQUENCE+PUTFH+GETATTR or SEQUENCE+PUTFH+WRITE(len) arguments. */
static void
mb_build_args(struct mb_walk *w, size_t writelen)
{
	static const uint8_t fh[46] = { 0xaa, 1, 2, 3 };
	static const uint8_t other[12] = { 9, 9, 9 };
	uint8_t *data;

	w->rec = evbuffer_new();
	mb_put_compound_args(w->rec, 3);
	xdrbuf_put_u32(w->rec, OP_PUTFH);
	xdrbuf_put_opaque(w->rec, fh, sizeof fh);	/* nfs_fh4 (§3.2) */
	if (writelen == 0) {
		/* GETATTR4args (§18.7.1): bitmap4 of the benchmark's mask. */
		xdrbuf_put_u32(w->rec, OP_GETATTR);
		xdrbuf_put_u32(w->rec, 2);
		xdrbuf_put_u32(w->rec, 0x0010001a);
		xdrbuf_put_u32(w->rec, 0x0030a03a);
	} else {
		/* WRITE4args (§18.32.1): stateid4, offset, stable, data. */
		xdrbuf_put_u32(w->rec, OP_WRITE);
		xdrbuf_put_u32(w->rec, 1);
		evbuffer_add(w->rec, other, sizeof other);
		xdrbuf_put_u64(w->rec, 0);
		xdrbuf_put_u32(w->rec, 0);
		data = xcalloc(1, writelen);
		xdrbuf_put_opaque(w->rec, data, writelen);
		free(data);
	}
	w->nops = 3;
}

/*
 * Build the SEQUENCE+PUTFH+GETATTR reply (COMPOUND4res, §16.2.2), with a
 * fattr4 holding type, size, fileid and a numeric owner and group.
 */
static void
mb_build_reply(struct mb_walk *w)
{
	static const uint8_t sessionid[16] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct evbuffer *attrs = evbuffer_new();
	size_t alen;
	uint8_t *flat;

	w->rec = evbuffer_new();
	xdrbuf_put_u32(w->rec, NFS4_OK);
	xdrbuf_put_opaque(w->rec, "", 0);
	xdrbuf_put_u32(w->rec, 3);
	/* SEQUENCE4resok (§18.46.2). */
	xdrbuf_put_u32(w->rec, OP_SEQUENCE);
	xdrbuf_put_u32(w->rec, NFS4_OK);
	evbuffer_add(w->rec, sessionid, sizeof sessionid);
	xdrbuf_put_u32(w->rec, 17);
	xdrbuf_put_u32(w->rec, 3);
	xdrbuf_put_u32(w->rec, 63);
	xdrbuf_put_u32(w->rec, 63);
	xdrbuf_put_u32(w->rec, 0);
	xdrbuf_put_u32(w->rec, OP_PUTFH);
	xdrbuf_put_u32(w->rec, NFS4_OK);
	/* GETATTR4resok: fattr4 = bitmap4 + attrlist4 (§3.3.11). */
	xdrbuf_put_u32(w->rec, OP_GETATTR);
	xdrbuf_put_u32(w->rec, NFS4_OK);
	xdrbuf_put_u32(w->rec, 2);
	/* word 0: type(1) size(4); word 1: fileid(20) owner(36) group(37) */
	xdrbuf_put_u32(w->rec, (1u << 1) | (1u << 4) | (1u << 20));
	xdrbuf_put_u32(w->rec, (1u << (36 - 32)) | (1u << (37 - 32)));
	xdrbuf_put_u32(attrs, 1);		/* NF4REG */
	xdrbuf_put_u64(attrs, 1u << 30);	/* size */
	xdrbuf_put_u64(attrs, 4242);		/* fileid */
	xdrbuf_put_opaque(attrs, "1000", 4);	/* owner */
	xdrbuf_put_opaque(attrs, "1000", 4);	/* owner_group */
	alen = evbuffer_get_length(attrs);
	flat = evbuffer_pullup(attrs, -1);
	xdrbuf_put_opaque(w->rec, flat, alen);
	evbuffer_free(attrs);
	w->reply = 1;
	w->nops = 3;
}

/* Peek the record's chains into the walker's vectors. */
static void
mb_walk_peek(struct mb_walk *w)
{
	w->nvec = evbuffer_peek(w->rec, -1, NULL, w->vec, (int)nitems(w->vec));
	if (w->nvec > (int)nitems(w->vec))
		fatalx("record has too many chains");
}

/* ------------------------------------------------------------ planner */

/*
 * The planner path of one call as the gateway runs it: parse the RPC
 * header, walk and plan (proxy/call-plan.c), apply the edits into the
 * outgoing record; with check, also the re-walk that compares the result
 * with the plan (proxy/call-check.c). The record's chains are referenced,
 * not copied, as the gateway moves them.
 */
struct mb_plan {
	struct evbuffer	*rec;		/* the call, RPC header included */
	struct plan_ctx	 ctx;
	struct call_plan *plan;
	struct fsroot_info root;
	struct squash_policy squash;
	int		 check;
};

static struct nfs4_compound mb_compound2;

/* Plan (and check) the call n times. */
static int
mb_plan_run(void *arg, long n)
{
	struct mb_plan *p = arg;
	struct evbuffer *in = evbuffer_new(), *out = evbuffer_new();
	struct evbuffer_iovec vec[64], ovec[64];
	struct xdrbuf b;
	struct rpc_msg m;
	const char *why;
	long i;
	int nv, r = 0;

	for (i = 0; i < n && r == 0; i++) {
		evbuffer_add_buffer_reference(in, p->rec);
		nv = evbuffer_peek(in, -1, NULL, vec, 64);
		xdrbuf_init(&b, vec, nv);
		if (rpc_msg_parse(&b, &m) != 0 ||
		    call_plan(&p->ctx, &b, &m, &mb_compound, p->plan) !=
		    PLAN_FORWARD || call_plan_apply(p->plan, in, out) != 0) {
			r = -1;
			break;
		}
		if (p->check) {
			nv = evbuffer_peek(out, -1, NULL, ovec, 64);
			xdrbuf_init(&b, ovec, nv);
			if (xdrbuf_skip(&b, 4) != 0 ||
			    call_plan_check(p->plan, &b, &mb_compound2, &why) != 0)
				r = -1;
		}
		microbench_sink += evbuffer_get_length(out);
		evbuffer_drain(out, evbuffer_get_length(out));
		evbuffer_drain(in, evbuffer_get_length(in));
	}
	evbuffer_free(in);
	evbuffer_free(out);
	return r;
}

/* An RPC call (AUTH_SYS) around the walk benchmark's COMPOUND, handle sealed. */
static void
mb_plan_build(struct mb_plan *p, const struct mb_seal *seal, size_t writelen,
    int check)
{
	struct mb_walk w;
	uint8_t sealed[NFS4_FHSIZE], *flat;
	size_t n, len;

	memset(&w, 0, sizeof w);
	mb_build_args(&w, writelen);
	/* Replace the raw 46-byte handle by a sealed one of 28 + overhead. */
	flat = evbuffer_pullup(w.rec, -1);
	len = evbuffer_get_length(w.rec);
	if (seal_handle(&seal->keys, seal->scope, seal->fh, sizeof seal->fh,
	    sealed, &n) != 0)
		fatalx("seal");
	p->rec = evbuffer_new();
	if (rpc_msg_put_call(p->rec, 7, NFS4_PROGRAM, 4, 1) != 0)
		fatalx("call header");
	/* tag(4) minor(4) count(4) SEQUENCE(4+16+16) then PUTFH opcode */
	evbuffer_add(p->rec, flat, 48);
	xdrbuf_put_opaque(p->rec, sealed, n);
	evbuffer_add(p->rec, flat + 48 + 4 + 48, len - 48 - 4 - 48);
	evbuffer_free(w.rec);
	p->plan = call_plan_new();
	p->root.fhlen = 20;
	p->squash.anon_uid = p->squash.anon_gid = 65534;
	p->squash.root_allowed = 1;
	p->ctx.grants = GRANT_MOUNT | GRANT_WRITE | GRANT_ROOT;
	p->ctx.keys = &seal->keys;
	p->ctx.scope = seal->scope;
	p->ctx.squash = &p->squash;
	p->ctx.root = &p->root;
	p->ctx.max_data = 1 << 20;
	p->check = check;
}

/* ------------------------------------------------------------ driver */

/* Compare doubles for qsort. */
static int
microbench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median, min and max of m's repeats (sorted in place). */
static void
microbench_stats(struct microbench *m, double *med, double *lo, double *hi)
{
	int n = m->nrep;

	qsort(m->ns, (size_t)n, sizeof *m->ns, microbench_cmp);
	*med = n % 2 ? m->ns[n / 2] : (m->ns[n / 2 - 1] + m->ns[n / 2]) / 2;
	*lo = m->ns[0];
	*hi = m->ns[n - 1];
}

int
main(int argc, char **argv)
{
	static struct mb_seal seal;
	static struct mb_policy pol;
	static struct mb_qos qos;
	static struct mb_walk wga, wgr, wwr;
	static struct mb_plan pg, pgc, pw, pwc;
	struct microbench mb[] = {
		{ "seal+unseal", "seal a 28-byte handle, then verify it (auth/seal.c)",
		  mb_seal_run, &seal, { 0 }, 0 },
		{ "unseal", "verify one handle (every PUTFH)", mb_unseal_run, &seal,
		  { 0 }, 0 },
		{ "policy", "policy_decide, 10 statements, match on the last",
		  mb_policy_run, &pol, { 0 }, 0 },
		{ "qos-admit", "qos_admit + qos_account, tokens available",
		  mb_qos_run, &qos, { 0 }, 0 },
		{ "walk-getattr-args", "walk SEQUENCE+PUTFH+GETATTR args",
		  mb_walk_run, &wga, { 0 }, 0 },
		{ "walk-getattr-res", "walk SEQUENCE+PUTFH+GETATTR reply",
		  mb_walk_run, &wgr, { 0 }, 0 },
		{ "walk-write-args", "walk SEQUENCE+PUTFH+WRITE(1 MiB) args",
		  mb_walk_run, &wwr, { 0 }, 0 },
		{ "plan-getattr", "plan + apply SEQUENCE+PUTFH+GETATTR (call-plan.c)",
		  mb_plan_run, &pg, { 0 }, 0 },
		{ "plan-getattr+check", "the same + re-walk check (call-check.c)",
		  mb_plan_run, &pgc, { 0 }, 0 },
		{ "plan-write", "plan + apply SEQUENCE+PUTFH+WRITE(1 MiB)",
		  mb_plan_run, &pw, { 0 }, 0 },
		{ "plan-write+check", "the same + re-walk check",
		  mb_plan_run, &pwc, { 0 }, 0 },
	};
	struct qos_fs_config qc;
	const char *out = NULL;
	char *cause = NULL;
	long calls = 200000;
	int reps = 7, ch, i, k, failed = 0;
	double med, lo, hi;
	uint64_t t0;
	FILE *f;

	while ((ch = getopt(argc, argv, "n:r:o:h")) != -1) {
		switch (ch) {
		case 'n':
			calls = atol(optarg);
			if (calls < 1 || calls > 100000000)
				goto usage;
			break;
		case 'r':
			reps = atoi(optarg);
			if (reps < 1 || reps > MB_MAX_REPEATS)
				goto usage;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;

	if (seal_keys_parse("microbench", "key 7 000102030405060708090a0b0c0d0e0f seal\n",
	    &seal.keys, &cause) != 0)
		fatalx("seal keys: %s", cause);
	seal.scope = "fs-0123456789abcdef0/fsap-0123456789abcdef0";
	memset(seal.fh, 0x5a, sizeof seal.fh);

	if (policy_parse(mb_policy_text, strlen(mb_policy_text), &pol.p, &cause) != 0)
		fatalx("policy: %s", cause);
	if (policy_nstatements(pol.p) != 10)
		fatalx("policy: %u statements", policy_nstatements(pol.p));
	pol.req.principal_arn = MB_ROLE;
	pol.req.action = POLICY_ACTION_WRITE;
	pol.req.resource_arn = MB_FS_ARN;
	pol.req.secure_transport = 1;
	pol.req.source_ip = "10.1.2.3";
	pol.req.via_mount_target = 1;

	/*
	 * Elastic throughput: the fast path is "tokens there". The per-client
	 * and IOPS ceilings are raised so that a tight loop of millions of
	 * calls a second stays on it; what is measured is the bookkeeping.
	 */
	memset(&qc, 0, sizeof qc);
	qc.fs_id = "fs-0123456789abcdef0";
	qc.gateway_id = "microbench";
	qc.tp_mode = QOS_TP_ELASTIC;
	qc.perf_mode = QOS_PERF_GENERAL_PURPOSE;
	qc.storage_std_bytes = QOS_TIB;
	qos_params_defaults(&qc.params);
	qc.params.gp_read_iops = 1000000000;
	qc.params.gp_write_iops = 1000000000;
	qc.params.client_max_elastic = QOS_TIB * 1024;
	qc.params.client_max = QOS_TIB * 1024;
	qc.params.elastic_read_max = QOS_TIB * 1024;
	qc.params.elastic_write_max = QOS_TIB * 1024;
	if (qos_fs_new(&qc, NULL, NULL, &qos.fs) != 0)
		fatalx("qos_fs_new failed");
	if ((qos.cl = qos_client_new(qos.fs, "microbench", NULL, NULL)) == NULL)
		fatalx("qos_client_new failed");

	mb_build_args(&wga, 0);
	mb_walk_peek(&wga);
	mb_build_reply(&wgr);
	mb_walk_peek(&wgr);
	mb_build_args(&wwr, 1024 * 1024);
	mb_walk_peek(&wwr);
	mb_plan_build(&pg, &seal, 0, 0);
	mb_plan_build(&pgc, &seal, 0, 1);
	mb_plan_build(&pw, &seal, 1024 * 1024, 0);
	mb_plan_build(&pwc, &seal, 1024 * 1024, 1);

	for (k = 0; k < (int)nitems(mb); k++) {
		/* A warm-up repeat, not counted (caches, lazy page faults). */
		if (mb[k].run(mb[k].arg, calls / 10 + 1) != 0) {
			fprintf(stderr, "efsgw-microbench: %s failed\n", mb[k].name);
			failed++;
			continue;
		}
		for (i = 0; i < reps; i++) {
			t0 = mono_ns();
			if (mb[k].run(mb[k].arg, calls) != 0)
				break;
			mb[k].ns[mb[k].nrep++] = (double)(mono_ns() - t0) /
			    (double)calls;
		}
		if (mb[k].nrep != reps) {
			fprintf(stderr, "efsgw-microbench: %s failed\n", mb[k].name);
			failed++;
			mb[k].nrep = 0;
		}
	}
	if (qos.queued > 0)
		fprintf(stderr, "efsgw-microbench: qos: %llu calls were throttled "
		    "(not the fast path)\n", (unsigned long long)qos.queued);

	printf("\n%-20s %-28s %s\n", "cost per call", "ns/call median [min-max]",
	    "what");
	for (k = 0; k < (int)nitems(mb); k++) {
		char cell[64];

		if (mb[k].nrep == 0) {
			printf("%-20s %-28s %s\n", mb[k].name, "failed", mb[k].what);
			continue;
		}
		microbench_stats(&mb[k], &med, &lo, &hi);
		snprintf(cell, sizeof cell, "%.1f [%.1f-%.1f]", med, lo, hi);
		printf("%-20s %-28s %s\n", mb[k].name, cell, mb[k].what);
	}
	printf("%d repeats of %ld calls each; target: < 1000 ns for "
	    "seal+unseal, policy, qos-admit\n", reps, calls);

	if (out != NULL) {
		size_t len = strlen(out);
		int json = len > 5 && strcmp(out + len - 5, ".json") == 0;

		if ((f = fopen(out, "w")) == NULL)
			fatal("%s", out);
		if (json)
			fprintf(f, "{\n  \"calls\": %ld, \"repeats\": %d,\n  \"results\": [\n",
			    calls, reps);
		else
			fprintf(f, "measure,median_ns,min_ns,max_ns\n");
		for (k = 0, i = 0; k < (int)nitems(mb); k++) {
			if (mb[k].nrep == 0)
				continue;
			microbench_stats(&mb[k], &med, &lo, &hi);
			if (json)
				fprintf(f, "%s    {\"measure\": \"%s\", \"median_ns\": %.2f, "
				    "\"min_ns\": %.2f, \"max_ns\": %.2f}", i++ ? ",\n" : "",
				    mb[k].name, med, lo, hi);
			else
				fprintf(f, "%s,%.2f,%.2f,%.2f\n", mb[k].name, med, lo, hi);
		}
		if (json)
			fprintf(f, "\n  ]\n}\n");
		if (fclose(f) != 0)
			fatal("%s", out);
	}

	policy_free(pol.p);
	qos_client_free(qos.cl);
	qos_fs_free(qos.fs);
	evbuffer_free(wga.rec);
	evbuffer_free(wgr.rec);
	evbuffer_free(wwr.rec);
	return failed ? 1 : 0;
usage:
	fputs(usage_text, stderr);
	return 2;
}
