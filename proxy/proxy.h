/*
 * efsgw - the gateway daemon's internal interfaces: config, RPC framing
 * and headers, connections, listeners and the backend root probe.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_PROXY_H
#define EFSGW_PROXY_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "auth.h"
#include "identity.h"
#include "nfs4.h"
#include "xdrbuf.h"

#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST((head));				\
	    (var) != NULL && ((tvar) = TAILQ_NEXT((var), field), 1);	\
	    (var) = (tvar))
#endif

struct event_base;
struct evbuffer;
struct identity_config;
struct policy;
struct ssl_ctx_st;
struct bufferevent;
struct gateway;
struct conn;
struct lifecycle;

/* ------------------------------------------------------------ config.c */

#define CONFIG_FSID_MAX		32	/* "fs-" + up to 17 hex digits + NUL, rounded up */
#define CONFIG_DEFAULT_MAX_RECORD (1024 * 1024 + 64 * 1024)

/* One file system: one backend export. */
struct config_fs {
	char			 id[CONFIG_FSID_MAX];	/* fs-<hex> */
	char			*backend;	/* "host:port" as written */
	struct sockaddr_storage	 backend_addr;
	socklen_t		 backend_addrlen;
	char			*export;	/* path on the backend, "/..." */
	int			 reserved_port;	/* bind a source port < 1024 */
	char			*share_deny;	/* "pass" or "refuse" */
	int			 share_deny_refuse; /* derived from share_deny */
	char			*handle_keys;	/* key file path, NULL = default */
	char			*access_points;	/* access point file, or NULL */
	uint32_t		 anon_uid;
	uint32_t		 anon_gid;
	struct seal_keys	 keys;		/* loaded by config_load */
	int			 keys_pending;	/* default file not created yet (-t) */
	struct access_points	*aps;		/* NULL when none */
	int			 qos_enabled;
	char			*tp_mode;	/* bursting, provisioned, elastic */
	uint32_t		 provisioned_mibps;
	char			*perf_mode;	/* generalPurpose, maxIO */
	uint32_t		 storage_mib;	/* 0: measured */
	uint32_t		 storage_refresh;
	uint32_t		 q_baseline_min_kib;
	uint32_t		 q_burst_min_mib;
	uint32_t		 q_credit_cap_min_mib;
	uint32_t		 q_read_iops;
	uint32_t		 q_write_iops;
	uint32_t		 q_client_max_mib;
	char			*policy_path;
	struct policy		*policy;	/* NULL: no policy (allow all) */
	char			*tls_cert;
	char			*tls_key;
	char			*lifecycle_path; /* file, "default" or "none" */
	char			*tier_ia;	/* HOST:PORT:/export or NULL */
	char			*tier_archive;
	char			*tier_registry;	/* redis://... or a journal path */
	uint32_t		 tier_min_kib;
	int			 tier_archive_zstd;
	struct lifecycle	*lifecycle;	/* loaded; NULL: no tiering */
	char			 arn[160];	/* arn:aws:elasticfilesystem:... */
	int			 line;		/* where it was defined */
	TAILQ_ENTRY(config_fs)	 entry;
};

/* One listener: one mount-target address. */
struct config_listener {
	char			*name;
	char			*address;	/* "host:port" as written */
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	char			*fs_id;		/* file system served */
	uint32_t		 grants;	/* GRANT_* every client holds */
	char			*ap_id;		/* access point, or NULL */
	int			 tls;
	char			*tls_cert;
	char			*tls_key;
	struct ssl_ctx_st	*ssl_ctx;	/* built by config_load when tls */
	struct config_fs	*fs;		/* resolved by the commit hook */
	int			 line;
	TAILQ_ENTRY(config_listener) entry;
};

/*
 * One generation of the configuration. Immutable once loaded; connections
 * hold a reference so that a reload never changes what a live connection
 * sees in the middle of a call.
 */
struct config {
	int			 refs;
	char			*path;
	int			 log_level;
	uint32_t		 max_record;	/* bytes of one RPC record */
	uint32_t		 max_record_preauth; /* before a COMPOUND was seen */
	uint32_t		 record_timeout; /* seconds to deliver a whole record */
	uint32_t		 idle_timeout;	/* seconds; 0 = never */
	uint32_t		 drain_timeout;	/* seconds SIGTERM waits */
	uint32_t		 connect_timeout; /* seconds to reach a backend */
	uint32_t		 max_conns;	/* client connections at once */
	uint32_t		 max_pending;	/* calls in flight per connection */
	uint32_t		 max_output_queue; /* bytes queued per direction */
	uint32_t		 max_preauth;	/* connections with no call forwarded */
	uint32_t		 probe_interval; /* seconds between root probes */
	char			*capture_dir;	/* debug: save records here */
	char			*redis;
	char			*redis_password_file;
	char			*redis_connect;	/* redis with the file's password */
	char			*redis_display;	/* redis with the password as *** */
	char			*gateway_id;
	char			*region;
	char			*account;
	uint32_t		 handshake_timeout;
	char			*id_credentials;
	char			*id_jwt_keys;
	char			*id_jwt_hs256;
	char			*id_jwt_issuer;
	int			 id_jwt_require_cnf;
	char			*id_audience;
	char			*id_client_ca;
	uint32_t		 id_skew;
	char			*audit_log;
	char			*admin_address;
	struct identity_config	*idcfg;		/* built by config_load */
	char			*state_dir;	/* generated key files */
	char			*user;		/* run as this user after start */
	char			*group;		/* and group (NULL: the user's) */
	TAILQ_HEAD(, config_fs)	 filesystems;
	TAILQ_HEAD(, config_listener) listeners;
};

#define CONFIG_LOAD_CREATE	0x1	/* create missing default key files */
#define CONFIG_LOAD_TIERING	0x2	/* only lifecycle files (efsgw-tier) */

/*
 * Load a config file and the key and access point files it names
 * (creating missing default key files). Returns 0 and a new config (refs
 * 1, caller releases) or a negative code with *cause set to
 * "file:line: message" (caller frees).
 */
int	 config_load(const char *path, struct config **confp, char **cause);
/* The same with flags (0: create nothing, as -t wants). */
int	 config_load_flags(const char *path, int flags, struct config **confp,
	     char **cause);
/* "mount,write,root" for a GRANT_* mask (static buffer). */
const char *config_grants_string(uint32_t);
/* Parse config text (for tests); name is used in messages. */
int	 config_parse(const char *name, const char *text, struct config **confp,
	     char **cause);
void	 config_add_ref(struct config *);
/* Drop a reference; frees at zero. NULL is ignored. */
void	 config_release(struct config *);
/* Print the effective config in the file syntax (re-parsable, -T). */
void	 config_print(const struct config *, FILE *);
/* Print every keyword with its type, range, default and help (--help-config). */
void	 config_print_help(FILE *);
struct config_fs *config_find_fs(const struct config *, const char *id);
/*
 * Report what a reload from old to new cannot apply to a running daemon
 * (listener changes need a restart); returns a message to free, or NULL.
 */
char	*config_reload_warnings(const struct config *old, const struct config *new);

/* ------------------------------------------------------------ addr.c */

/*
 * Parse "host:port" or "[v6]:port" into ss; numeric_only refuses host
 * names. Returns 0 or a negative code with *cause (caller frees).
 */
int	 addr_parse(const char *s, int numeric_only, struct sockaddr_storage *ss,
	     socklen_t *lenp, char **cause);
/* Format an address as "host:port" into buf. */
const char *addr_format(const struct sockaddr *, char *buf, size_t len);

/* ------------------------------------------------------------ rpc-record.c */

#define RPC_RECORD_MAX_FRAGMENTS 1024

/*
 * Reassembly state for one direction of a TCP stream of RPC records
 * (RFC 5531 §11). Opaque; one per direction per connection.
 */
struct rpc_record;

/* New reassembler that refuses records over max bytes. Caller frees. */
struct rpc_record *rpc_record_new(size_t max);
void	 rpc_record_free(struct rpc_record *);
void	 rpc_record_set_max(struct rpc_record *, size_t max);
/*
 * Records larger than max but at most skip_max are read past instead of
 * closing the stream (0, the default: none are).
 */
void	 rpc_record_set_skip(struct rpc_record *, size_t skip_max);
/* Head of a skipped record kept for the answer (RPC and COMPOUND header). */
#define RPC_RECORD_HEAD		4096
/* rpc_record_read: a record over max was read past (see below). */
#define RPC_RECORD_SKIPPED	2

/*
 * Move bytes from in into the record being built. Returns 1 when a whole
 * record is ready (then *recp is a new evbuffer the caller owns, with the
 * record marks removed), 0 when more input is needed,
 * RPC_RECORD_SKIPPED when a record over max but within the skip limit has
 * been read past (*recp holds its first RPC_RECORD_HEAD bytes at most:
 * enough to answer it), or EFSGW_ERR_TOO_LONG (record over the skip
 * limit) / EFSGW_ERR_TOO_MANY (too many fragments); after an error the
 * stream cannot be resynchronised and must be closed.
 */
int	 rpc_record_read(struct rpc_record *, struct evbuffer *in,
	     struct evbuffer **recp);
/* Bytes of the record under construction (for stall detection). */
size_t	 rpc_record_pending(const struct rpc_record *);
/*
 * Bytes the reassembler wants next once rpc_record_read returned 0: the
 * rest of the fragment body it is in, else 4 (a mark). A read-size hint.
 */
size_t	 rpc_record_wanted(const struct rpc_record *);
/* Append len as one last-fragment record mark to out. */
int	 rpc_record_put_mark(struct evbuffer *out, size_t len);
/* Put the mark of a len-byte single-fragment record in front of rec. */
int	 rpc_record_prepend_mark(struct evbuffer *rec, size_t len);

/* ------------------------------------------------------------ rpc-msg.c */

#define RPC_CALL		0
#define RPC_REPLY		1
#define RPC_MSG_ACCEPTED	0
#define RPC_MSG_DENIED		1
#define RPC_SUCCESS		0
#define RPC_PROG_UNAVAIL	1
#define RPC_PROG_MISMATCH	2
#define RPC_PROC_UNAVAIL	3
#define RPC_GARBAGE_ARGS	4
#define RPC_SYSTEM_ERR		5
#define RPC_MISMATCH		0
#define RPC_AUTH_ERROR		1
#define AUTH_NONE		0
#define AUTH_SYS		1
#define AUTH_BADCRED		1
#define AUTH_TOOWEAK		5
#define RPC_AUTH_MAX_BYTES	400	/* RFC 5531 §8.2 opaque_auth body */
#define AUTH_SYS_MAX_GIDS	16	/* RFC 5531 Appendix A */

/* A parsed AUTH_SYS credential (RFC 5531 Appendix A). */
struct rpc_authsys {
	uint32_t	 stamp;
	char		 machine[256];
	uint32_t	 uid;
	uint32_t	 gid;
	uint32_t	 ngids;
	uint32_t	 gids[AUTH_SYS_MAX_GIDS];
};

/* A parsed call or reply header (RFC 5531 §9). */
struct rpc_msg {
	uint32_t	 xid;
	uint32_t	 type;		/* RPC_CALL or RPC_REPLY */
	/* calls */
	uint32_t	 rpcvers;
	uint32_t	 prog;
	uint32_t	 vers;
	uint32_t	 proc;
	uint32_t	 cred_flavor;
	uint32_t	 cred_off;	/* offset of the cred's flavor word */
	uint32_t	 cred_end;	/* offset just past the cred */
	struct rpc_authsys sys;		/* when cred_flavor == AUTH_SYS */
	uint32_t	 verf_flavor;
	/* replies */
	uint32_t	 reply_stat;	/* RPC_MSG_ACCEPTED / DENIED */
	uint32_t	 accept_stat;
	/* both */
	uint32_t	 body_off;	/* first byte after the header */
};

/*
 * Parse an RPC header from the start of b and leave b at the body.
 * Returns 0 or a negative code (EFSGW_ERR_BAD_RPC for a header that is
 * well-formed XDR but not a valid RPC message). m->xid is set as soon as
 * it was read, so that an error reply can still be addressed.
 */
int	 rpc_msg_parse(struct xdrbuf *b, struct rpc_msg *m);
/* Append an accepted reply header with accept_stat and AUTH_NONE verf. */
int	 rpc_msg_put_accepted(struct evbuffer *, uint32_t xid, uint32_t stat);
/* Append a PROG_MISMATCH reply (accepted, with low and high versions). */
int	 rpc_msg_put_prog_mismatch(struct evbuffer *, uint32_t xid,
	     uint32_t low, uint32_t high);
/* Append a denied reply: AUTH_ERROR with auth_stat. */
int	 rpc_msg_put_auth_error(struct evbuffer *, uint32_t xid, uint32_t stat);
/* Append a denied reply: RPC_MISMATCH 2..2. */
int	 rpc_msg_put_rpc_mismatch(struct evbuffer *, uint32_t xid);
/* Append a call header with AUTH_SYS uid 0 (the gateway's own calls). */
int	 rpc_msg_put_call(struct evbuffer *, uint32_t xid, uint32_t prog,
	     uint32_t vers, uint32_t proc);

/* ------------------------------------------------------------ rpc-edit.c */

/* One change to a record: delete del bytes at off, then insert ins. */
struct rpc_edit {
	size_t		 off;
	size_t		 del;
	const void	*ins;
	size_t		 inslen;
};

/*
 * Write rec to out as one RPC record with the edits applied (sorted by
 * offset, not overlapping), moving unchanged bytes without copying them.
 * rec is drained. Returns 0 or a negative code.
 */
int	 rpc_edit_apply(struct evbuffer *rec, struct rpc_edit *edits,
	     size_t nedits, struct evbuffer *out);

/*
 * A growing list of edits with an arena for the bytes they insert; one
 * per kind of rewrite, reused call after call (no per-call allocation).
 */
struct rpc_edits {
	struct rpc_edit	*v;
	size_t		 n;
	size_t		 max;
	uint8_t		*arena;
	size_t		 used;
	size_t		 cap;
	int		 overflow;	/* an edit did not fit: do not apply */
};

/* Largest single rpc_edits_alloc (callers ask for fixed small sizes). */
#define RPC_EDITS_MAX_ALLOC	4096

/* Clear e, with room for nedits edits and bytes inserted bytes. */
void	 rpc_edits_reset(struct rpc_edits *, size_t nedits, size_t bytes);
/*
 * Bytes for an insertion (n <= RPC_EDITS_MAX_ALLOC); valid until the next
 * reset. When the arena is full the bytes come from a sink and overflow
 * is set: rpc_edit_apply then refuses the list (no input ends the process).
 */
uint8_t	*rpc_edits_alloc(struct rpc_edits *, size_t n);
void	 rpc_edits_add(struct rpc_edits *, size_t off, size_t del,
	     const void *ins, size_t inslen);
/* Replace the 4-byte word at off with v. */
void	 rpc_edits_word(struct rpc_edits *, size_t off, uint32_t v);

/* ------------------------------------------------------------ call-plan.c */

/*
 * The call planner: a pure function from (context, record) to a plan,
 * so that it can be unit-tested and fuzzed on its own. It reads only its
 * arguments; everything it decides is in the plan.
 */

/* Ops the gateway may forward for one COMPOUND (guards added). */
#define PLAN_MAX_FWD_OPS	(2 * EFSGW_MAX_OPS)

#define BIT_SET(a, i)	((a)[(i) / 8] |= (uint8_t)(1u << ((i) % 8)))
#define BIT_ISSET(a, i)	(((a)[(i) / 8] >> ((i) % 8)) & 1u)

/* What becomes of a call. */
enum plan_action {
	PLAN_FORWARD,		/* send the rewritten COMPOUND (maybe cut short) */
	PLAN_ANSWER,		/* the gateway answers: status and one result */
	PLAN_ANSWER_EMPTY,	/* the gateway answers: status, no results */
	PLAN_ANSWER_RPC,	/* an accepted RPC reply with rpc_stat */
	PLAN_NEEDS_ROOT,	/* plan again once the access point's root is known */
	PLAN_NEEDS_PROOF,	/* plan again once where prove[] lies is known */
};

/* Everything the planner may read about the connection. */
struct plan_ctx {
	uint32_t	 grants;	/* GRANT_*, expiry already applied */
	const struct seal_keys *keys;	/* the file system's sealing keys */
	const char	*scope;		/* sealing scope (file system, access point) */
	const struct squash_policy *squash;
	const struct fsroot_info *root;	/* the client's root, or NULL */
	uint32_t	 root_status;	/* why root is NULL (NFS4ERR_DELAY, ...) */
	int		 root_pending;	/* not resolved yet: PUTROOTFH waits */
	int		 confined;	/* an access point: LOOKUPP needs a proof */
	const struct ancestry_chain *proof; /* the proof made for this call */
	int		 share_deny_refuse; /* OPEN deny other than NONE: NOTSUPP */
	uint32_t	 max_data;	/* most one READ can return (QoS estimate) */
	uint32_t	 max_read;	/* 4.0 READ counts above this are cut to it */
	int		 tiering;	/* recall before data ops: a data op on a
					 * file not named by PUTFH is DELAY */
};

/* A handle the plan sends to the server (bytes in the plan's arena). */
struct plan_fh {
	const uint8_t	*p;
	uint32_t	 len;
};

/* The plan for one call: the edits and what the reply path must undo. */
struct call_plan {
	enum plan_action action;
	uint32_t	 rpc_stat;	/* PLAN_ANSWER_RPC */
	uint32_t	 status;	/* PLAN_ANSWER*: the COMPOUND status */
	uint32_t	 opcode;	/* PLAN_ANSWER: the op answered */
	char		 why[160];	/* bad input worth a log line, or "" */
	uint32_t	 minor;
	uint32_t	 tag_off;	/* the client's tag (for answers) */
	uint32_t	 tag_len;
	uint32_t	 grants;	/* ctx->grants the plan was made under */
	/* PLAN_FORWARD */
	struct rpc_edits ed;
	int		 fail_at;	/* client op the gateway refuses, or -1 */
	uint32_t	 fail_opcode;
	uint32_t	 fail_status;
	uint32_t	 nfwd;		/* ops the server gets */
	uint32_t	 fwd_ops[PLAN_MAX_FWD_OPS]; /* their opcodes, in order */
	uint8_t		 rootfix[PLAN_MAX_FWD_OPS / 8];	/* was PUTROOTFH */
	uint8_t		 pubfix[PLAN_MAX_FWD_OPS / 8];	/* was PUTPUBFH */
	uint8_t		 guard[PLAN_MAX_FWD_OPS / 8];	/* NVERIFY we added */
	uint8_t		 guard_sni[PLAN_MAX_FWD_OPS / 8]; /* ...before SECINFO_NO_NAME */
	uint8_t		 postguard[PLAN_MAX_FWD_OPS / 8]; /* VERIFY after LOOKUPP */
	uint8_t		 prove[NFS4_FHSIZE];	/* PLAN_NEEDS_PROOF: this handle */
	uint32_t	 provelen;
	int		 nfix;
	uint32_t	 nguards;
	uint8_t		 count[4];	/* the new op count word */
	const uint8_t	*cred;		/* the credential sent (flavor on) */
	size_t		 credlen;
	struct plan_fh	*fh;		/* every handle the server gets, in order */
	uint32_t	 nfh;
	uint32_t	 maxfh;
	uint8_t		 qos_cls;	/* heaviest op's class (nfs4_qos_class) */
	uint64_t	 qos_est;	/* bytes estimated for admission */
	/*
	 * Lifecycle tiering: the backend handles (bytes in the arena, like
	 * fh[]; p NULL: none) whose data the COMPOUND reads or changes (the
	 * op table's data column: READ, READ_PLUS, SEEK, WRITE, SETATTR of
	 * size, ALLOCATE, DEALLOCATE, WRITE_SAME, COPY and CLONE, whose
	 * source is the saved handle, ...), when a PUTFH of a sealed handle
	 * makes them known, each file once; data_unknown when a data op
	 * works on a handle the planner cannot know (after OPEN, LOOKUP...)
	 * or on a third file. With ctx->tiering such an op ends the COMPOUND
	 * with NFS4ERR_DELAY instead of going out.
	 */
	struct plan_fh	 data_fh[2];
	int		 data_unknown;
	/*
	 * The READs among those data ops (the first one's forwarded index,
	 * offset and count, after any cut) and whether any other data op is
	 * there: a COMPOUND whose only data op is one READ may be served
	 * from a cold copy without bringing the file back.
	 */
	uint32_t	 nreads;
	uint32_t	 read_op;
	uint64_t	 read_off;
	uint32_t	 read_count;
	int		 data_other;
};

/* call.c: calls and replies the re-walk refused since start (a metric). */
uint64_t call_check_failures(void);

/* A new, empty plan (caller frees). */
struct call_plan *call_plan_new(void);
void	 call_plan_free(struct call_plan *);
/*
 * Walk the COMPOUND at b's cursor (just past the call header m) into the
 * caller's work area and plan it under ctx. Always fills plan; returns
 * plan->action. The plan borrows nothing from b or work once made.
 */
enum plan_action call_plan(const struct plan_ctx *, struct xdrbuf *b,
	     const struct rpc_msg *m, struct nfs4_compound *work,
	     struct call_plan *plan);
/*
 * Apply a PLAN_FORWARD plan to rec (drained): append the record, mark
 * included, to out. Returns 0 or a negative code.
 */
int	 call_plan_apply(struct call_plan *, struct evbuffer *rec,
	     struct evbuffer *out);
/*
 * Re-walk a record the plan produced (b at its RPC header) and compare it
 * with the plan: one well-formed COMPOUND, the planned credential, op
 * count and opcodes, and every handle one the plan put there, in order.
 * Returns 0, or a negative code with why (a static string) set.
 */
int	 call_plan_check(const struct call_plan *, struct xdrbuf *b,
	     struct nfs4_compound *work, const char **why);
/*
 * Re-walk a rewritten reply (cb: a server callback's arguments) at b's
 * RPC header: 0 when it is one COMPOUND of count results whose handles
 * are exactly the nfh ones sealed at record offsets fh_off[], in order;
 * otherwise a negative code with why (static) set.
 */
int	 call_reply_check(struct xdrbuf *b, uint32_t minor, int cb,
	     uint32_t count, const uint32_t *fh_off, uint32_t nfh,
	     struct nfs4_compound *work, const char **why);

/* ------------------------------------------------------------ backcall.c */

/* What the gateway learns from one of its own COMPOUNDs. */
struct backcall_result {
	uint32_t	 status;	/* COMPOUND status */
	uint32_t	 nops;		/* results returned */
	uint32_t	 failed_op;	/* index of the op that failed, or nops */
	uint32_t	 failed_status;
	uint8_t		 fh[NFS4_FHSIZE]; /* from the last GETFH */
	size_t		 fhlen;
	int		 has_attrs;	/* fsid and fileid below are set */
	uint64_t	 fsid_major;
	uint64_t	 fsid_minor;
	uint64_t	 fileid;
	uint64_t	 space_free;	/* file system-wide, when the server says */
	uint64_t	 space_total;
};

struct backcall;
/*
 * Called once per backcall: err 0 with res, or a negative code with a
 * static description why (res NULL). The backcall is already freed.
 */
typedef void (*backcall_cb)(void *arg, int err, const char *why,
	     const struct backcall_result *res);
/* Sees the handle of the GETFH at op index op, while the reply is parsed. */
typedef void (*backcall_fh_cb)(void *arg, uint32_t op, const uint8_t *fh,
	     size_t len);
/*
 * Send one NFSv4.0 COMPOUND of nops ops (ops is drained) on a new
 * connection to sa. The ops may be PUTFH, PUTROOTFH, LOOKUP, LOOKUPP,
 * NVERIFY, CREATE, GETFH and GETATTR(fsid, fileid). Returns NULL when the
 * connect fails at once (cb is not called then).
 */
struct backcall *backcall_start(struct event_base *, const struct sockaddr *sa,
	     socklen_t salen, struct evbuffer *ops, uint32_t nops,
	     uint32_t timeout, backcall_cb cb, void *arg);
/* Call fn for every GETFH result of the reply (before the callback). */
void	 backcall_on_getfh(struct backcall *, backcall_fh_cb fn, void *arg);
/* Abandon a call; its callback will not run. */
void	 backcall_cancel(struct backcall *);
/*
 * Step through a '/'-separated path: 1 with the next level (pointer into
 * the path and its length), or 0 at its end.
 */
int	 backcall_next_level(const char **sp, const char **compp, size_t *lenp);
/* Append one LOOKUP per component of path, counting them in *nops. */
int	 backcall_put_lookups(struct evbuffer *, const char *path, uint32_t *nops);
/* Append GETFH and GETATTR(fsid, fileid), counting them in *nops. */
int	 backcall_put_getfh_attrs(struct evbuffer *, uint32_t *nops);

/* ------------------------------------------------------------ aproot.c */

struct aproot;
/*
 * Called once: status NFS4_OK with res (the root's handle, fsid and
 * fileid), or the NFS status a mount through the access point should get.
 * The aproot is already freed.
 */
typedef void (*aproot_cb)(void *arg, uint32_t status,
	     const struct backcall_result *res);
/*
 * Find or create ap's root below the export root export_fh. fs and ap are
 * borrowed until the callback runs or aproot_cancel. NULL if len is bad.
 */
struct aproot *aproot_start(struct event_base *, const struct config_fs *fs,
	     const struct access_point *ap, const uint8_t *export_fh,
	     size_t len, aproot_cb cb, void *arg);
void	 aproot_cancel(struct aproot *);

/* ------------------------------------------------------------ ancestry.c */

/* How many levels above a handle a proof looks for the root. */
#define ANCESTRY_MAX_DEPTH	32

/* Where a handle lies: its ancestors up to a root, or no proof. */
struct ancestry_chain {
	uint8_t		 fh[NFS4_FHSIZE];	/* the handle asked about */
	size_t		 fhlen;
	int		 proven;	/* the root is among the ancestors */
	const char	*why;		/* when not proven (static) */
	uint32_t	 lookupp_status; /* the first LOOKUPP's error, or 0 */
	uint32_t	 nanc;		/* ancestors, parent first; the last
					 * is the root when proven */
	struct {
		uint8_t	 fh[NFS4_FHSIZE];
		size_t	 len;
	}		 anc[ANCESTRY_MAX_DEPTH];
};

struct ancestry;
struct fsroot_info;
/* Called once with a chain the callee owns (free it). */
typedef void (*ancestry_cb)(void *arg, struct ancestry_chain *);
/*
 * Prove that backend handle fh lies strictly below root (its fsid and
 * fileid are compared): one COMPOUND of LOOKUPP, GETFH and NVERIFY per
 * level, up to ANCESTRY_MAX_DEPTH levels, on a new connection to the
 * file system's backend that ends after timeout seconds. NULL when it
 * cannot start (cb is not called then).
 */
struct ancestry *ancestry_start(struct event_base *, const struct config_fs *,
	     uint32_t timeout, const uint8_t *fh, size_t len,
	     const struct fsroot_info *root, ancestry_cb cb, void *arg);
/* Abandon a proof; its callback will not run. NULL is a no-op. */
void	 ancestry_cancel(struct ancestry *);
/* A chain that proves nothing, saying why (caller frees). */
struct ancestry_chain *ancestry_unproven(const uint8_t *fh, size_t len,
	     const char *why);

/* ------------------------------------------------------------ fsroot.c */

/*
 * The root of each file system: the backend handle of the export path,
 * found by a probe (PUTROOTFH, LOOKUP..., GETFH, GETATTR) that is retried
 * until it succeeds and repeated as a health check.
 */
struct fsroot;

/* Longest backend handle efsgw can seal into NFS4_FHSIZE. */
#define FSROOT_MAX_BACKEND_FH	SEAL_MAX_BACKEND_FH

/* A root directory on the backend: its handle, fsid and fileid. */
struct fsroot_info {
	uint8_t		 fh[NFS4_FHSIZE];
	size_t		 fhlen;
	uint64_t	 fsid_major;
	uint64_t	 fsid_minor;
	uint64_t	 fileid;
	uint64_t	 space_used;	/* space_total - space_free of its fs */
};

struct fsroot *fsroot_new(struct event_base *, const struct config_fs *,
	     uint32_t interval);
void	 fsroot_free(struct fsroot *);
/* Point the probe at a new config generation's entry (after reload). */
void	 fsroot_update(struct fsroot *, const struct config_fs *, uint32_t interval);
/* Borrow the root (valid until the next event), or NULL if not known yet. */
const struct fsroot_info *fsroot_get(const struct fsroot *);
int	 fsroot_healthy(const struct fsroot *);
/* Why it is not healthy, for /readyz and /healthz ("" when healthy). */
const char *fsroot_why(const struct fsroot *);
const char *fsroot_fs_id(const struct fsroot *);

/* What a connection to the backend learnt about the server. */
enum fsroot_event {
	FSROOT_CONN_OK,		/* connected */
	FSROOT_CONN_FAILED,	/* connect refused, unreachable or timed out */
	FSROOT_CONN_RESET,	/* an established connection was reset */
	FSROOT_CONN_CLOSED,	/* the server closed a connection cleanly */
};
/*
 * Report a backend connection event (why: a static description, or NULL):
 * FAILED and RESET mark the file system unhealthy at once, OK healthy
 * again when only the transport had failed; each but a healthy OK starts
 * a probe at once. fr NULL is ignored.
 */
void	 fsroot_report(struct fsroot *, enum fsroot_event, const char *why);

/* ------------------------------------------------------------ tls.c */

struct ssl_st;
struct x509_st;
/* Build l->ssl_ctx for a TLS listener; 0 or a code with *cause. */
int	 tls_listener_ctx(const struct config *, struct config_listener *l,
	     char **cause);
void	 tls_ctx_free(struct ssl_ctx_st *);
/* Did the peer's chain verify against the client CA? */
int	 tls_peer_verified(const struct ssl_st *);
/* Describe (and clear) the last TLS error into buf. */
const char *tls_error_string(char *buf, size_t len);

/* ------------------------------------------------------------ authz.c */

/* Who a client is: decided once per connection. */
struct authz_identity {
	int		 tls;
	int		 ok;		/* 0: the certificate was refused */
	char		 why[256];
	struct identity	 id;
};

/* What a connection may do. */
struct authz_result {
	uint32_t	 grants;	/* GRANT_* */
	const struct access_point *ap;	/* borrowed from the config, or NULL */
	char		 principal[512];
	time_t		 not_after;	/* 0: never expires */
	int		 mount_effect;	/* enum policy_effect for ClientMount */
	int		 mount_statement;
	char		 mount_sid[128];
	char		 reason[320];	/* why mount is denied, or "" */
};

/*
 * Identify the client of a listener serving fs_id from its TLS certificate
 * (or as anonymous); the identity is bound to fs_id or refused.
 */
void	 authz_identify(const struct config *, const char *fs_id, int tls,
	     struct x509_st *peer, int verified, struct authz_identity *who);
/* Decide the grants of who on listener l of conf. */
void	 authz_decide(const struct config *, const struct config_listener *l,
	     const struct authz_identity *who, const char *sni,
	     const struct sockaddr *peer, struct authz_result *out);

/* ------------------------------------------------------------ audit.c */

struct audit;
/* Open the audit log: a path, "syslog" or "none". */
int	 audit_open(const char *where, struct audit **, char **cause);
void	 audit_close(struct audit *);
/* Reopen the file (after logrotate; SIGHUP). */
void	 audit_reopen(struct audit *);
/*
 * Write one JSON line: {"time":..., "event": event, then key/value pairs
 * from the NULL-terminated list of (const char *key, const char *value)}.
 */
void	 audit_event(struct audit *, const char *event, ...);

/* ------------------------------------------------------------ gateway.c */

/* The daemon: config generation, listeners, connections, probes. */
struct gateway *gateway_new(struct event_base *, struct config *);
void	 gateway_free(struct gateway *);
/* Open every listener; 0 or a negative code with *cause. */
int	 gateway_listen(struct gateway *, char **cause);
/*
 * Cap the client limit to what RLIMIT_NOFILE holds (2 descriptors a
 * client and a reserve), warning when max-connections asks for more; a
 * negative code with *cause (to free) when the limit holds no client.
 */
int	 gateway_set_nofile(struct gateway *, char **cause);
/* Swap in a new config generation (takes the reference). */
void	 gateway_reload(struct gateway *, struct config *);
/* Stop accepting, let live calls finish, then leave the loop. */
void	 gateway_drain(struct gateway *);
struct config *gateway_config(struct gateway *);
struct fsroot *gateway_fsroot(struct gateway *, const char *fs_id);
struct event_base *gateway_base(struct gateway *);
/* A connection closed (called by conn.c). */
void	 gateway_conn_closed(struct gateway *, struct conn *);
/* A connection forwarded its first call: it is no longer evictable. */
void	 gateway_conn_started(struct gateway *, struct conn *);
struct tiergw;
/* The lifecycle recall service of a file system, or NULL. */
struct tiergw *gateway_tiergw(struct gateway *, const char *fs_id);
struct qos_fs;
/* The QoS state of a file system, or NULL. */
struct qos_fs *gateway_qos(struct gateway *, const char *fs_id);
/* Admin HTTP callbacks: metrics text and readiness (arg: the gateway). */
void	 gateway_metrics(struct evbuffer *out, void *arg);
int	 gateway_ready(void *arg, char *why, size_t len);
/* The /healthz detail lines: each file system's backend and Redis state. */
void	 gateway_health(struct evbuffer *out, void *arg);
/* The audit log (never NULL after gateway_new; may be "none"). */
struct audit *gateway_audit(struct gateway *);
/* Write a captured record when capture-dir is set (debug). */
void	 gateway_capture(struct gateway *, const char *what, struct evbuffer *rec);

/* ------------------------------------------------------------ conn.c */

/*
 * A client connection and its backend connection. Created on accept
 * (never NULL); the backend is connected when the first call is
 * forwarded. It frees itself when either side closes.
 */
struct conn *conn_new(struct gateway *, int fd, const struct sockaddr *,
	     socklen_t, struct config *, const struct config_listener *);
/* Stop reading new calls; close once the calls in flight are answered. */
void	 conn_drain(struct conn *);
/* Close now. */
void	 conn_free(struct conn *);
/* Decide again what c may do under conf (after a policy reload). */
void	 conn_reauthorize(struct conn *, const struct config *conf);
uint64_t conn_id(const struct conn *);
const char *conn_fs_id(const struct conn *);

/* ------------------------------------------------------------ priv.c */

/* Who the daemon becomes after start (priv_lookup). */
struct priv {
	char		 user[64];
	uid_t		 uid;
	gid_t		 gid;
	int		 do_switch;	/* started as root: become uid/gid */
	int		 stay_root;	/* started as root with 'user root' */
	int		 keep_bind;	/* keep CAP_NET_BIND_SERVICE */
};

/* 1 when a file system of conf uses reserved-port. */
int	 priv_needs_bind(const struct config *);
/*
 * Resolve conf's user and group into pv (when running as root). 0, or a
 * negative code with *cause (caller frees): the user or group does not
 * exist, or the user is uid 0 under another name.
 */
int	 priv_lookup(const struct config *, struct priv *pv, char **cause);
/*
 * Give the user, when root owns them, state-dir and its generated files
 * (only when it holds nothing else) and the audit log file (only when
 * audit_created: this start made it).
 */
void	 priv_prepare(const struct config *, const struct priv *,
	     int audit_created);
/*
 * Become pv's user (groups, gid, uid) keeping at most
 * CAP_NET_BIND_SERVICE, or only trim capabilities when not root. 0, or a
 * negative code with *cause (caller frees); the caller must then exit.
 */
int	 priv_drop(const struct priv *, char **cause);

/* ------------------------------------------------------------ policy-watch.c */

#define POLICY_WATCH_DIGEST_LEN	32

/*
 * SHA-256 over the path and the content of every policy file of conf (an
 * unreadable file counts as one fixed state), read through
 * file_read_small: equal digests mean no policy to reload. 0 or a
 * negative code (digest zeroed).
 */
int	 policy_watch_digest(const struct config *,
	     uint8_t digest[POLICY_WATCH_DIGEST_LEN]);

/* ------------------------------------------------------------ admin.c */

struct admin;
struct sockaddr_storage;

#define ADMIN_MAX_CONNS		64	/* concurrent admin connections */
#define ADMIN_MAX_HEADERS	8192	/* request line + headers, bytes */
#define ADMIN_TIMEOUT_SEC	10	/* idle / slow peer, seconds */

/* Append Prometheus text (format 0.0.4) to out; called on each scrape. */
typedef void	(*admin_metrics_cb)(struct evbuffer *out, void *arg);
/* Return 1 if ready, else 0 with a one-line reason written to why. */
typedef int	(*admin_ready_cb)(void *arg, char *why, size_t whylen);

/*
 * Serve GET/HEAD /metrics, /healthz and /readyz on base at sa (bound and
 * listening on return). metrics and ready may be NULL (no caller metrics;
 * always ready); both run on the loop and must not block. Returns the
 * endpoint (caller frees with admin_free) or NULL with *cause set (caller
 * frees).
 */
struct admin *admin_new(struct event_base *, const struct sockaddr *sa,
	     socklen_t salen, admin_metrics_cb metrics, admin_ready_cb ready,
	     void *arg, char **cause);
/* The bound address, e.g. to learn the port after binding port 0. 0 or EFSGW_ERR_SYSTEM. */
int	 admin_local_addr(const struct admin *, struct sockaddr_storage *,
	     socklen_t *);
/*
 * Append detail lines (each ending in "\n") to the /healthz body after its
 * "ok" line; the callback gets admin_new's arg. Detail never changes the
 * status code: /healthz is liveness.
 */
typedef void	(*admin_health_cb)(struct evbuffer *out, void *arg);
void	 admin_set_health(struct admin *, admin_health_cb);
/* Close the listener and every admin connection. NULL is ignored. */
void	 admin_free(struct admin *);

#endif /* EFSGW_PROXY_H */
