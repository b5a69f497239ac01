/*
 * efsgw - nfsc: a small NFSv4.0/4.1/4.2 client for the tiering agent
 * (efsgw-tier), the project's tests and benchmarks.
 *
 * One struct nfsc is one TCP connection carrying one client id and one
 * session (EXCHANGE_ID + CREATE_SESSION, RFC 8881 §18.35, §18.36). With
 * minor version 0 there is no session: the client id comes from
 * SETCLIENTID + SETCLIENTID_CONFIRM (RFC 7530 §16.33, §16.34), COMPOUNDs
 * carry no SEQUENCE, and OPEN/CLOSE use one open-owner whose seqid the
 * client tracks (RFC 7530 §9.1.7), with OPEN_CONFIRM when asked. Many
 * COMPOUNDs may be in flight on it at once: each takes a session slot and
 * an RPC xid, and replies are matched by xid in any order. Several
 * connections are several struct nfsc; each is used by one thread at a
 * time. The XDR is written here by hand from RFC 8881 / RFC 5662 so that it
 * is independent of the gateway's table-driven walker (proxy/nfs4-*.c):
 * when both interoperate with NFS-Ganesha, both are right.
 *
 * Return convention of every int function below, unless it says otherwise:
 *   0			success
 *   > 0		the server answered with this nfsstat4 (NFS4ERR_*)
 *   < 0		a local or transport failure (EFSGW_ERR_*, common.h):
 *			EFSGW_ERR_SYSTEM for socket errors and time-outs,
 *			EFSGW_ERR_BAD_RPC for RPC-level rejections, others
 *			for replies that do not decode.
 * On failure nfsc_error() describes it ("OPEN: NFS4ERR_EXIST").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_NFSC_H
#define EFSGW_NFSC_H

#include <stddef.h>
#include <stdint.h>

struct nfsc;		/* connection + client id + session (opaque) */
struct nfsc_req;	/* one COMPOUND being built, in flight or done (opaque) */

#define NFSC_FHSIZE		128	/* RFC 8881 §3.2: nfs_fh4 opaque<NFS4_FHSIZE> */
#define NFSC_MAXGIDS		16	/* RFC 5531 §14.1: authsys_parms gids<16> */
#define NFSC_MAX_SLOTS		256	/* most fore-channel slots we track */
#define NFSC_DEF_SLOTS		64	/* slots asked for in CREATE_SESSION */
#define NFSC_IO_SIZE		(1024 * 1024)	/* preferred READ/WRITE size */

/* nfsstat4 values the callers test for by name (RFC 8881 §15.1). */
#define NFSC_NFS4_OK		0
#define NFSC_NFS4ERR_NOENT	2
#define NFSC_NFS4ERR_EXIST	17
#define NFSC_NFS4ERR_NOTDIR	20
#define NFSC_NFS4ERR_ISDIR	21
#define NFSC_NFS4ERR_NOTEMPTY	66
#define NFSC_NFS4ERR_DELAY	10008
#define NFSC_NFS4ERR_GRACE	10013

/* Opcodes (RFC 8881 §16.2.1 / RFC 5662 nfs_opnum4). */
enum nfsc_opnum {
	NFSC_OP_ACCESS = 3, NFSC_OP_CLOSE = 4, NFSC_OP_COMMIT = 5,
	NFSC_OP_CREATE = 6, NFSC_OP_GETATTR = 9, NFSC_OP_GETFH = 10,
	NFSC_OP_LOOKUP = 15, NFSC_OP_LOOKUPP = 16, NFSC_OP_OPEN = 18, NFSC_OP_PUTFH = 22,
	NFSC_OP_PUTROOTFH = 24, NFSC_OP_READ = 25, NFSC_OP_READDIR = 26,
	NFSC_OP_REMOVE = 28, NFSC_OP_RENAME = 29, NFSC_OP_RESTOREFH = 31,
	NFSC_OP_SAVEFH = 32, NFSC_OP_SETATTR = 34, NFSC_OP_VERIFY = 37,
	NFSC_OP_WRITE = 38,
	NFSC_OP_OPEN_CONFIRM = 20, NFSC_OP_RENEW = 30,
	NFSC_OP_SETCLIENTID = 35, NFSC_OP_SETCLIENTID_CONFIRM = 36,
	NFSC_OP_EXCHANGE_ID = 42, NFSC_OP_CREATE_SESSION = 43,
	NFSC_OP_DESTROY_SESSION = 44, NFSC_OP_SECINFO_NO_NAME = 52,
	NFSC_OP_SEQUENCE = 53,
	NFSC_OP_DESTROY_CLIENTID = 57, NFSC_OP_RECLAIM_COMPLETE = 58,
	NFSC_OP_SEEK = 69,
	NFSC_OP_ILLEGAL = 10044,
};

/* stable_how4 (RFC 8881 §18.32.1). */
#define NFSC_UNSTABLE		0
#define NFSC_DATA_SYNC		1
#define NFSC_FILE_SYNC		2

/* nfs_ftype4 (RFC 8881 §3.3.4). */
#define NFSC_NF4REG		1
#define NFSC_NF4DIR		2
#define NFSC_NF4LNK		5

/* Attribute numbers (RFC 8881 §5.8). */
#define NFSC_A_TYPE		1
#define NFSC_A_CHANGE		3
#define NFSC_A_SIZE		4
#define NFSC_A_FSID		8
#define NFSC_A_FILEID		20
#define NFSC_A_MAXREAD		30
#define NFSC_A_MAXWRITE		31
#define NFSC_A_MODE		33
#define NFSC_A_NUMLINKS		35
#define NFSC_A_OWNER		36
#define NFSC_A_OWNER_GROUP	37
#define NFSC_A_SPACE_USED	45
#define NFSC_A_TIME_ACCESS	47
#define NFSC_A_TIME_METADATA	52
#define NFSC_A_TIME_MODIFY	53
#define NFSC_A_TIME_MODIFY_SET	54
#define NFSC_ABIT(n)		(UINT64_C(1) << (n))
/* What nfsc_getattr() asks for. */
#define NFSC_A_STAT	(NFSC_ABIT(NFSC_A_TYPE) | NFSC_ABIT(NFSC_A_CHANGE) | \
	NFSC_ABIT(NFSC_A_SIZE) | NFSC_ABIT(NFSC_A_FILEID) | \
	NFSC_ABIT(NFSC_A_MODE) | NFSC_ABIT(NFSC_A_NUMLINKS) | \
	NFSC_ABIT(NFSC_A_OWNER) | NFSC_ABIT(NFSC_A_OWNER_GROUP) | \
	NFSC_ABIT(NFSC_A_SPACE_USED) | NFSC_ABIT(NFSC_A_TIME_ACCESS) | \
	NFSC_ABIT(NFSC_A_TIME_METADATA) | NFSC_ABIT(NFSC_A_TIME_MODIFY))

enum nfsc_auth { NFSC_AUTH_SYS = 0, NFSC_AUTH_NONE = 1 };

/* Connection options; zero-filled means the defaults noted. */
struct nfsc_opts {
	const char	*host;		/* numeric address; "127.0.0.1" */
	int		 port;		/* 2049 */
	uint32_t	 minor;		/* 1; 2 for NFSv4.2 (0 means 1) */
	int		 v40;		/* NFSv4.0 (RFC 7530): minor ignored */
	enum nfsc_auth	 auth;		/* AUTH_SYS */
	uint32_t	 uid, gid;	/* AUTH_SYS uid/gid: 0/0 */
	uint32_t	 gids[NFSC_MAXGIDS];
	int		 ngids;
	int		 timeout_ms;	/* every wait: 30000 */
	uint32_t	 slots;		/* slots to ask for: NFSC_DEF_SLOTS */
	int		 no_retry;	/* NFS4ERR_DELAY and GRACE as answered */
	/*
	 * TLS (nfsc-tls.c): off unless tls is set. The strings are borrowed
	 * for the nfsc_connect() call only. Without cafile the server's
	 * certificate is not verified (a test client talking to throwaway
	 * certificates); with it, the chain must verify and, when
	 * servername is given, name it (it is also sent as SNI).
	 */
	int		 tls;
	const char	*cafile;	/* PEM CA bundle to verify the server */
	const char	*cert;		/* PEM client certificate (chain) */
	const char	*key;		/* PEM key of cert; cert's file if NULL */
	const char	*servername;	/* SNI and verified host name */
};

struct nfsc_fh {
	uint32_t	 len;
	uint8_t		 data[NFSC_FHSIZE];
};

/* stateid4 (RFC 8881 §3.3.12). */
struct nfsc_stateid {
	uint32_t	 seqid;
	uint8_t		 other[12];
};

struct nfsc_time {
	int64_t		 sec;
	uint32_t	 nsec;
};

/* Decoded fattr4: mask says which fields the server filled in. */
struct nfsc_attr {
	uint64_t	 mask;		/* NFSC_ABIT() of each present attr */
	uint32_t	 type;
	uint64_t	 change;
	uint64_t	 size;
	uint64_t	 fsid_major, fsid_minor;
	uint64_t	 fileid;
	uint32_t	 mode;
	uint32_t	 nlink;
	char		 owner[128];
	char		 group[128];
	uint64_t	 space_used;
	struct nfsc_time atime, ctime, mtime;
	uint32_t	 maxread, maxwrite;
};

/* Attributes to set: only those whose bit is in mask are sent. */
struct nfsc_sattr {
	uint64_t	 mask;		/* NFSC_ABIT(NFSC_A_MODE | SIZE | OWNER | OWNER_GROUP | TIME_MODIFY_SET) */
	uint32_t	 mode;
	uint64_t	 size;
	const char	*owner;		/* borrowed; numeric ("1000") */
	const char	*group;
	int		 mtime_server;	/* TIME_MODIFY_SET: server's clock if set */
	struct nfsc_time mtime;
};

/* An open file: handle and open stateid. */
struct nfsc_file {
	struct nfsc_fh	 fh;
	struct nfsc_stateid sid;
};

/* Open flags for nfsc_open(). */
#define NFSC_O_READ		0x01	/* OPEN4_SHARE_ACCESS_READ */
#define NFSC_O_WRITE		0x02	/* OPEN4_SHARE_ACCESS_WRITE */
#define NFSC_O_CREATE		0x04	/* OPEN4_CREATE, UNCHECKED4 */
#define NFSC_O_EXCL		0x08	/* with CREATE: GUARDED4 */
#define NFSC_O_TRUNC		0x10	/* with CREATE: size 0 in createattrs */

/* One directory entry handed to a nfsc_readdir() callback. */
struct nfsc_dirent {
	const char	*name;		/* NUL-terminated, valid during the call */
	size_t		 namelen;
	uint64_t	 cookie;
	struct nfsc_attr attr;		/* attr.type filled in when available */
};
/* Return 0 to continue, anything else to stop and return that value. */
typedef int (*nfsc_dirent_cb)(const struct nfsc_dirent *, void *arg);

/* nfsc-conn.c */
/*
 * Connect to opts->host:opts->port over TCP, then run the TLS handshake
 * when opts->tls (no NFS traffic yet). Returns 0
 * and a new client in *clntp (caller frees with nfsc_destroy()), or a
 * negative code with a message in errbuf (errlen bytes, may be 0).
 */
int	 nfsc_connect(const struct nfsc_opts *, struct nfsc **clntp,
	     char *errbuf, size_t errlen);
/* Describe the last failure on clnt; borrowed until the next call. */
const char *nfsc_error(const struct nfsc *);
/* Number of COMPOUNDs sent and not yet collected. */
int	 nfsc_inflight(const struct nfsc *);

/* nfsc-session.c */
/* Send RPC NULL (procedure 0) and wait for the reply. */
int	 nfsc_null(struct nfsc *);
/*
 * EXCHANGE_ID, CREATE_SESSION (asking for opts->slots fore-channel slots,
 * 256 ops and 1 MiB + headers requests and replies) and RECLAIM_COMPLETE;
 * for NFSv4.0 SETCLIENTID and SETCLIENTID_CONFIRM instead. Needed before
 * any COMPOUND.
 */
int	 nfsc_session_create(struct nfsc *);
/* The client id (EXCHANGE_ID's or SETCLIENTID's); 0 before one is had. */
uint64_t nfsc_clientid(const struct nfsc *);
/*
 * Slots and limits the server granted (valid after nfsc_session_create);
 * for NFSv4.0, which has no slots, opts->slots.
 */
uint32_t nfsc_session_slots(const struct nfsc *);
/* Largest READ/WRITE payload that fits the granted request/reply sizes. */
uint32_t nfsc_io_size(const struct nfsc *);
/*
 * DESTROY_SESSION and DESTROY_CLIENTID when a session exists (errors are
 * ignored: the server forgets us at lease expiry anyway), close the socket
 * and free clnt. Requests still submitted are detached, not freed: the
 * caller frees its requests. NULL is a no-op.
 */
void	 nfsc_destroy(struct nfsc *);

/* nfsc-req.c: building COMPOUNDs (SEQUENCE is put in front at submit time). */
/* Return a new empty request (never NULL); caller frees with nfsc_req_free. */
struct nfsc_req *nfsc_req_new(struct nfsc *);
/*
 * Free req. It should not be in flight: one still waiting for its reply is
 * unlinked, but the connection is then marked dead (its slot's sequence id
 * is lost). A request that was answered, failed, or not yet collected is
 * simply unlinked. NULL is a no-op.
 */
void	 nfsc_req_free(struct nfsc_req *);
/* A pointer the caller keeps with the request (for async completion). */
void	 nfsc_req_set_udata(struct nfsc_req *, void *);
void	*nfsc_req_udata(const struct nfsc_req *);
/*
 * Op encoders append one op each; strings and data are copied, so the
 * arguments are borrowed only for the call. Encoding errors are sticky and
 * returned by nfsc_submit().
 */
void	 nfsc_op_putrootfh(struct nfsc_req *);
void	 nfsc_op_putfh(struct nfsc_req *, const struct nfsc_fh *);
void	 nfsc_op_lookup(struct nfsc_req *, const char *name);
void	 nfsc_op_lookupp(struct nfsc_req *);
/* style 0: the current handle, 1: its parent (RFC 8881 §18.45). */
void	 nfsc_op_secinfo_no_name(struct nfsc_req *, uint32_t style);
void	 nfsc_op_getfh(struct nfsc_req *);
void	 nfsc_op_savefh(struct nfsc_req *);
void	 nfsc_op_restorefh(struct nfsc_req *);
void	 nfsc_op_getattr(struct nfsc_req *, uint64_t mask);
void	 nfsc_op_setattr(struct nfsc_req *, const struct nfsc_stateid *,
	     const struct nfsc_sattr *);
/*
 * VERIFY that the current handle's change attribute is change (RFC 8881
 * §18.31): the COMPOUND stops with NFS4ERR_NOT_SAME when the file changed,
 * so that what follows only happens to the version the caller saw.
 */
void	 nfsc_op_verify_change(struct nfsc_req *, uint64_t change);
/* OPEN with CLAIM_NULL of name in the current (directory) handle. */
void	 nfsc_op_open(struct nfsc_req *, const char *name, int flags,
	     uint32_t mode);
/* sid NULL: the current stateid (RFC 8881 §16.2.3.1.2). */
void	 nfsc_op_close(struct nfsc_req *, const struct nfsc_stateid *);
void	 nfsc_op_read(struct nfsc_req *, const struct nfsc_stateid *,
	     uint64_t off, uint32_t count);
void	 nfsc_op_write(struct nfsc_req *, const struct nfsc_stateid *,
	     uint64_t off, int stable, const void *data, uint32_t len);
void	 nfsc_op_commit(struct nfsc_req *, uint64_t off, uint32_t count);
void	 nfsc_op_readdir(struct nfsc_req *, uint64_t cookie,
	     const uint8_t verf[8], uint32_t maxcount, uint64_t mask);
void	 nfsc_op_mkdir(struct nfsc_req *, const char *name, uint32_t mode);
void	 nfsc_op_remove(struct nfsc_req *, const char *name);
/* SEEK (NFSv4.2, RFC 7862 §15.11): what 0 for data, 1 for a hole. */
void	 nfsc_op_seek(struct nfsc_req *, const struct nfsc_stateid *,
	     uint64_t off, uint32_t what);
/* RENAME: SAVED_FH is the source directory, CURRENT_FH the target. */
void	 nfsc_op_rename(struct nfsc_req *, const char *from, const char *to);
/*
 * Any op: opcode, then len bytes of its XDR-encoded arguments as given
 * (len a multiple of 4). For tests that build arguments the helpers above
 * cannot express (edge values, 4.0 seqids, ops not listed here).
 */
void	 nfsc_op_raw(struct nfsc_req *, uint32_t opcode, const void *args,
	     size_t len);

/*
 * Reply decoders, called in the order the ops were added (the SEQUENCE
 * result has been consumed). Each reads its op's opcode and status; it
 * returns 0 and fills the outputs, the op's nfsstat4 (> 0), or < 0 if the
 * reply is malformed or has no more results.
 */
/* Overall COMPOUND status (the first failing op's), valid once done. */
uint32_t nfsc_req_status(const struct nfsc_req *);
/* Any op whose results the caller does not need (PUTFH, LOOKUP, CLOSE...). */
int	 nfsc_res_skip(struct nfsc_req *, uint32_t opcode);
int	 nfsc_res_getfh(struct nfsc_req *, struct nfsc_fh *);
int	 nfsc_res_getattr(struct nfsc_req *, struct nfsc_attr *);
int	 nfsc_res_open(struct nfsc_req *, struct nfsc_stateid *);
/* SEEK: where the data or hole asked for starts, and whether that is EOF. */
int	 nfsc_res_seek(struct nfsc_req *, uint64_t *offp, int *eofp);
/* Copies at most buflen data bytes into buf; *np gets the count. */
int	 nfsc_res_read(struct nfsc_req *, void *buf, size_t buflen,
	     uint32_t *np, int *eofp);
int	 nfsc_res_write(struct nfsc_req *, uint32_t *countp, int *committedp,
	     uint8_t verf[8]);
int	 nfsc_res_commit(struct nfsc_req *, uint8_t verf[8]);
/*
 * The results not yet read: *p and *len get the bytes from the cursor to
 * the end of the reply (borrowed until req is freed or re-sent), *nres the
 * number of op results they hold (SEQUENCE's excluded). For callers that
 * decode results themselves; the nfsc_res_*() decoders must not be used
 * on req afterwards. < 0 when req has no reply.
 */
int	 nfsc_res_rest(struct nfsc_req *, const uint8_t **p, size_t *len,
	     uint32_t *nres);
/*
 * Calls cb for each entry; *cookiep / verf / *eofp get the continuation.
 * A non-zero cb return stops and is returned.
 */
int	 nfsc_res_readdir(struct nfsc_req *, nfsc_dirent_cb, void *arg,
	     uint64_t *cookiep, uint8_t verf[8], int *eofp);

/* nfsc-session.c: sending and completing. */
/*
 * Send req (taking a free slot; while none is free, replies are read and
 * queued as done). req stays owned by the caller but must not be freed
 * until collected by nfsc_complete() or nfsc_wait(). On failure req is not
 * in flight and may be freed or submitted again.
 *
 * When the transport fails (time-out, reset, close; the connection is then
 * dead and every later call fails), every request in flight is completed
 * with that error: nfsc_wait() returns the error with its request
 * collected, nfsc_complete() returns the error once and then hands back
 * each failed request (0 returned, its nfsc_res_*() return the error),
 * so a caller drains with "while (nfsc_inflight(clnt) > 0 &&
 * nfsc_complete(clnt, &req) == 0) nfsc_req_free(req);".
 */
int	 nfsc_submit(struct nfsc *, struct nfsc_req *);
/*
 * Wait (up to the time-out) until any submitted request is done and return
 * it in *reqp, oldest done first. Requests answered NFS4ERR_DELAY or
 * NFS4ERR_GRACE are re-sent after a short bounded backoff first. A done
 * request has its reply ready for nfsc_res_*(); a 0 return does not mean
 * the COMPOUND succeeded (see nfsc_req_status()), only that it was
 * answered.
 */
int	 nfsc_complete(struct nfsc *, struct nfsc_req **reqp);
/* Like nfsc_complete() for one given request. */
int	 nfsc_wait(struct nfsc *, struct nfsc_req *);
/* nfsc_submit() + nfsc_wait(), then return nfsc_req_status(). */
int	 nfsc_call(struct nfsc *, struct nfsc_req *);

/* nfsc-ops.c: synchronous helpers. Paths are from the server root "/". */
/* PUTROOTFH, LOOKUP per component, GETFH; attr may be NULL. */
int	 nfsc_lookup_path(struct nfsc *, const char *path, struct nfsc_fh *,
	     struct nfsc_attr *attr);
/*
 * Split path into its parent directory (looked up) and last component
 * (copied into name, namelen bytes).
 */
int	 nfsc_lookup_parent(struct nfsc *, const char *path,
	     struct nfsc_fh *dir, char *name, size_t namelen);
int	 nfsc_getattr(struct nfsc *, const struct nfsc_fh *, struct nfsc_attr *);
/* SETATTR with the anonymous stateid, or sid when given. */
int	 nfsc_setattr(struct nfsc *, const struct nfsc_fh *,
	     const struct nfsc_stateid *sid, const struct nfsc_sattr *);
/* OPEN name in dir (flags NFSC_O_*; mode for new files); fills *f. */
int	 nfsc_open(struct nfsc *, const struct nfsc_fh *dir, const char *name,
	     int flags, uint32_t mode, struct nfsc_file *f);
/* OPEN a path (nfsc_lookup_parent + nfsc_open). */
int	 nfsc_open_path(struct nfsc *, const char *path, int flags,
	     uint32_t mode, struct nfsc_file *f);
int	 nfsc_close(struct nfsc *, struct nfsc_file *);
/* One READ of at most count bytes (<= nfsc_io_size()). */
int	 nfsc_read(struct nfsc *, const struct nfsc_file *, uint64_t off,
	     void *buf, uint32_t count, uint32_t *np, int *eofp);
/* WRITE all len bytes at off (looping over short writes). */
int	 nfsc_write(struct nfsc *, const struct nfsc_file *, uint64_t off,
	     const void *buf, uint32_t len, int stable);
int	 nfsc_commit(struct nfsc *, const struct nfsc_fh *);
/* Full READDIR of dir with cookie continuation; mask: attrs per entry. */
int	 nfsc_readdir(struct nfsc *, const struct nfsc_fh *dir, uint64_t mask,
	     nfsc_dirent_cb, void *arg);
int	 nfsc_mkdir(struct nfsc *, const struct nfsc_fh *dir, const char *name,
	     uint32_t mode, struct nfsc_fh *out);
int	 nfsc_remove(struct nfsc *, const struct nfsc_fh *dir, const char *name);
int	 nfsc_rename(struct nfsc *, const struct nfsc_fh *fromdir,
	     const char *from, const struct nfsc_fh *todir, const char *to);

/* nfsc-err.c */
/* "NFS4ERR_NOENT", or "NFS4ERR_<n>" (static buffer) for unknown values. */
const char *nfsc_stat_name(uint32_t status);
/* "LOOKUP", or "OP_<n>" for unknown values. */
const char *nfsc_op_name(uint32_t opcode);

#endif /* EFSGW_NFSC_H */
