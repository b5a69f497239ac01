/*
 * efsgw - the connection object shared by conn.c (lifecycle, sockets,
 * backpressure) and call.c (the call and reply pipeline). Private to the
 * proxy folder.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_CONN_H
#define EFSGW_CONN_H

#include "proxy.h"

#define PENDING_BUCKETS		256

/*
 * A call larger than max-record-size but at most this is read past and
 * answered (REQ_TOO_BIG / RESOURCE) instead of closing the connection: a
 * client that believed a server's 64 MiB maxwrite gets an error, not a reset.
 */
#define CONN_SKIP_MAX		(64u * 1024 * 1024 + 64 * 1024)

/* Bytes of a record kept for headers around READ/WRITE data (maxread). */
#define CALL_IO_HEADROOM	(64 * 1024)

/* Ops the gateway may forward for one COMPOUND (guards added). */
#define CALL_MAX_FWD_OPS	PLAN_MAX_FWD_OPS

/* One call in flight, keyed by xid. */
struct pending {
	struct pending	*next;
	uint32_t	 xid;
	uint32_t	 proc;
	uint32_t	 minor;
	uint32_t	 fwd_count;	/* ops forwarded to the server */
	int		 has_fail;	/* the gateway failed op fwd_count */
	uint32_t	 fail_opcode;
	uint32_t	 fail_status;
	int		 nfix;		/* results to rewrite in the reply */
	/* By forwarded op index: */
	uint8_t		 rootfix[CALL_MAX_FWD_OPS / 8];	/* was PUTROOTFH */
	uint8_t		 pubfix[CALL_MAX_FWD_OPS / 8];	/* was PUTPUBFH */
	uint8_t		 guard[CALL_MAX_FWD_OPS / 8];	/* NVERIFY we added */
	uint8_t		 guard_sni[CALL_MAX_FWD_OPS / 8]; /* ...before SECINFO_NO_NAME */
	uint8_t		 postguard[CALL_MAX_FWD_OPS / 8]; /* VERIFY after LOOKUPP */
	uint8_t		 qos_cls;	/* QoS class charged at admission */
	uint64_t	 qos_est;	/* bytes estimated at admission */
	uint32_t	 req_bytes;	/* size of the call record */
	/*
	 * Lifecycle tiering: the data of forwarded op tier_op (a READ of a
	 * cold file) read from its cold copy; it replaces the released file's
	 * zeros in the reply (owned; freed by pending_put).
	 */
	uint8_t		*tier_data;
	uint32_t	 tier_len;
	uint32_t	 tier_op;
};

/* Where the connection's root stands (access point roots are resolved). */
enum conn_root {
	CONN_ROOT_EXPORT,	/* no access point: the export's root */
	CONN_ROOT_UNRESOLVED,	/* access point root not looked up yet */
	CONN_ROOT_PENDING,	/* lookup or creation in progress */
	CONN_ROOT_READY,	/* ap_root holds it */
	CONN_ROOT_FAILED,	/* root_status says why */
};

/* Calls in flight in one direction. */
struct pending_table {
	struct pending	*bucket[PENDING_BUCKETS];
	uint32_t	 n;
};

struct conn {
	uint64_t		 id;
	struct gateway		*gw;
	struct config		*conf;		/* generation at accept */
	char			 fs_id[CONFIG_FSID_MAX];
	char			 listener[72];
	char			 peer[64];
	struct bufferevent	*cbev;		/* client side */
	struct bufferevent	*bbev;		/* backend side */
	struct rpc_record	*crec;
	struct rpc_record	*brec;
	struct pending_table	 fore;		/* client calls awaiting replies */
	struct pending_table	 back;		/* server callbacks awaiting replies */
	struct pending		*free_pending;
	struct evbuffer_iovec	*vec;		/* scratch for peeking records */
	struct evbuffer		*stage;		/* a record being assembled */
	int			 vecmax;
	/* Who the client is and what it may do (conn_authorize). */
	struct sockaddr_storage	 peer_addr;
	int			 tls;
	int			 handshaking;	/* TLS handshake not finished */
	char			 sni[256];
	struct authz_identity	 who;
	time_t			 not_after;	/* identity expiry, 0: none */
	int			 expired_logged;
	unsigned		 denials;	/* audit lines this second */
	time_t			 denial_window;
	uint32_t		 grants;	/* GRANT_* */
	const struct config_fs	*fs;		/* borrowed from conf */
	const struct access_point *ap;		/* borrowed from conf, or NULL */
	char			 principal[512];
	char			 scope[SEAL_MAX_SCOPE + 1]; /* handle sealing scope */
	struct squash_policy	 squash;
	enum conn_root		 root;
	uint32_t		 root_status;	/* when CONN_ROOT_FAILED */
	struct fsroot_info	 ap_root;	/* when CONN_ROOT_READY */
	struct aproot		*aproot;
	struct ancestry		*anc;		/* a proof in flight (call held) */
	struct ancestry_chain	*proof;		/* its answer, for the re-plan */
	uint8_t			 anc_want[NFS4_FHSIZE]; /* planner: prove this */
	size_t			 anc_wantlen;
	struct evbuffer		*held;		/* call waiting for root, proof or QoS */
	struct call_plan	*held_plan;	/* its plan, when QoS holds it */
	struct qos_fs		*qfs;		/* the file system's QoS state */
	struct qos_client	*qc;		/* this connection in it */
	int			 qos_paused;	/* QoS says: stop reading */
	int			 qos_admitted;	/* the held call was admitted */
	struct tiergw_wait	*tier_wait;	/* held for a tiering check */
	int			 tier_checked;	/* data handles of the held call checked */
	uint32_t		 tier_status;	/* nonzero: answer the held call so */
	uint8_t			*tier_data;	/* the held READ, served cold (owned) */
	uint32_t		 tier_len;
	int			 backend_up;
	int			 seen_compound;
	int			 draining;
	int			 closing;	/* close once output is flushed */
	int			 in_read;	/* inside the client read loop */
	uint64_t		 calls;
	uint64_t		 bytes_in;
	uint64_t		 bytes_out;
	/* Bounds on what a client can make the gateway hold (conn.c). */
	int			 backend_started; /* bbev has a socket */
	int			 cout_full;	/* output to the client over the mark */
	int			 bout_full;	/* output to the backend over it */
	int			 in_record;	/* the record deadline runs */
	struct event		*deadline;	/* handshake or record deadline */
};

/* pending.c */
/* Take a free entry (or allocate one); never NULL. */
struct pending *pending_get(struct conn *);
/* Return an entry to the free list. */
void	 pending_put(struct conn *, struct pending *);
void	 pending_insert(struct pending_table *, struct pending *);
/* Remove and return the oldest entry for xid, or NULL. */
struct pending *pending_take(struct pending_table *, uint32_t xid);
/* Free every entry of a table and the free list. */
void	 pending_clear(struct conn *, struct pending_table *);
void	 pending_free_list(struct conn *);

/* call.c */
/*
 * Handle one record from the client: 0 when done (the caller frees rec),
 * 1 when the call is held until the connection's root is resolved (rec
 * now belongs to c->held and reading must pause), -1 when the conn was
 * closed.
 */
int	 call_from_client(struct conn *, struct evbuffer *rec);
/*
 * Answer a call that was too large to take (head: its first bytes, the
 * rest read past): 0, or -1 when the conn was closed.
 */
int	 call_too_big(struct conn *, struct evbuffer *head);
/*
 * The most READ or WRITE data one record carries under conf: max-record-
 * size less CALL_IO_HEADROOM, in whole 4 KiB pages (maxread, maxwrite).
 */
uint32_t call_io_max(const struct config *);
/* Handle one record from the server; -1 when the conn was closed. */
int	 call_from_backend(struct conn *, struct evbuffer *rec);

/* call.c */
/* Per-process scratch: the walked COMPOUND (one walk at a time). */
struct nfs4_compound *call_compound_scratch(void);
/* Count a reply the re-walk refused. */
void	 call_check_refused_reply(void);
/* A cursor over a staged record (mark skipped); 0 or a negative code. */
int	 call_stage_cursor(struct evbuffer *stage, struct xdrbuf *);

/* call-reply.c */
/*
 * Rewrite a walked COMPOUND reply (or a server callback) for the client:
 * seal every handle, put back opcodes, drop or turn guards into LOOKUPP
 * results, append the gateway's failed op, hide pNFS. p is NULL for
 * callbacks; b is the caller's cursor over rec (read by offset only).
 * Writes the record to out; rec is drained.
 */
int	 call_reply_rewrite(struct conn *, struct evbuffer *rec,
	     const struct xdrbuf *, const struct rpc_msg *,
	     const struct pending *, struct evbuffer *out);

/* conn.c (used by call.c) */
/* Queue a complete record (body in msg, drained) to the client. */
int	 conn_send_client(struct conn *, struct evbuffer *msg);
int	 conn_send_backend(struct conn *, struct evbuffer *msg);
/*
 * Records rewritten on the way through are assembled, mark included, in
 * conn_stage(c) and then handed on: conn_to_client(c, r) and
 * conn_to_backend(c, r) send the stage when r (the assembler's result)
 * is 0, empty it either way, and return r or their own error.
 */
struct evbuffer *conn_stage(struct conn *);
int	 conn_to_client(struct conn *, int r);
int	 conn_to_backend(struct conn *, int r);
/* Close because of bad input; logs at a bounded rate. Returns -1. */
int	 conn_abort(struct conn *, const char *why, int r);
/* Peek a record's chains into c->vec; returns the count or -1. */
int	 conn_peek(struct conn *, struct evbuffer *rec);
/*
 * Start resolving the access point root (conn_root_done then runs the
 * held call). Sets CONN_ROOT_FAILED at once when it cannot start.
 */
void	 conn_resolve_root(struct conn *);
/*
 * Start proving that c->anc_want lies below the access point root
 * (ancestry.c; conn_proof_done puts the answer in c->proof and runs the
 * held call). c->proof is set at once when the proof cannot start.
 */
void	 conn_prove(struct conn *);
/* Write an audit line for a call the gateway refused (rate-limited). */
void	 conn_audit_deny(struct conn *, uint32_t opcode, uint32_t status);
/* A call QoS held is admitted: run it (qos resume callback). */
void	 conn_qos_resume(void *arg);
/* A tiering check of the held call's file is done (tiergw callback). */
void	 conn_tier_resume(void *arg, uint32_t status, uint8_t *data,
	     uint32_t len);
/* Log a message about bad input at a bounded rate. */
void	 conn_log_bad(struct conn *, const char *fmt, ...)
	     __attribute__((format(printf, 2, 3)));

#endif /* EFSGW_CONN_H */
