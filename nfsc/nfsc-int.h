/*
 * efsgw - nfsc internals shared by the library's files: the client and
 * request structures and the XDR encoder. Not for callers (they see only
 * nfsc.h, where these types are opaque). It exists as a second header only
 * because struct nfsc is used by the transport, session and op files.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_NFSC_INT_H
#define EFSGW_NFSC_INT_H

#include <stdarg.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <event2/buffer.h>

#include "common.h"
#include "xdrbuf.h"
#include "nfsc.h"

#define NFSC_MAX_RECORD		(16 * 1024 * 1024)	/* largest reply we accept */
#define NFSC_SESSIONID_SIZE	16	/* RFC 8881 §3.1: NFS4_SESSIONID_SIZE */
#define NFSC_DELAY_RETRIES	40	/* DELAY/GRACE re-sends per request */

/* A growable flat buffer that XDR is written into (RFC 4506 encoding). */
struct nfsc_enc {
	uint8_t		*p;
	size_t		 len;
	size_t		 cap;
	int		 err;		/* sticky: first failure */
};

enum nfsc_req_state { NFSC_REQ_NEW, NFSC_REQ_SENT, NFSC_REQ_DONE, NFSC_REQ_RETRY };

struct nfsc_req {
	struct nfsc	*clnt;
	struct nfsc_enc	 body;		/* ops after SEQUENCE */
	uint32_t	 nops;		/* ops in body */
	uint32_t	 proc;		/* NFSPROC4_COMPOUND or NULL */
	int		 noseq;		/* no SEQUENCE in front (session set-up) */
	uint32_t	 opcodes[16];	/* first ops sent, SEQUENCE included */
	uint32_t	 fail_op;	/* opcode of the failing op, if any */
	enum nfsc_req_state state;
	uint32_t	 xid;
	int		 slot;		/* -1 when none */
	int		 tries;		/* DELAY/GRACE re-sends so far */
	struct timespec	 retry_at;
	void		*udata;
	struct nfsc_req	*next;		/* in-flight / done / retry list */

	/* The reply, once done. */
	uint8_t		*rec;
	size_t		 reclen;
	struct evbuffer_iovec iov;
	struct xdrbuf	 xb;		/* cursor at the next op result */
	int		 err;		/* < 0: transport / RPC failure */
	uint32_t	 status;	/* COMPOUND4res.status */
	uint32_t	 nres;		/* results left to read */
	int		 seq_ok;	/* SEQUENCE succeeded: the slot advanced */
	uint32_t	 seq_target;	/* sr_target_highest_slotid */
};

struct nfsc_slot {
	uint32_t	 seqid;
	int		 busy;
};

struct nfsc_tls;		/* nfsc-tls.c */

struct nfsc {
	struct nfsc_opts opts;
	int		 fd;
	struct nfsc_tls	*tls;		/* NULL: plain TCP */
	int		 dead;		/* transport failed: every call fails */
	char		 errmsg[512];
	uint32_t	 next_xid;

	/* Credential, encoded once (RFC 5531 §8.2 opaque_auth). */
	struct nfsc_enc	 cred;

	/* Session (RFC 8881 §2.10). */
	int		 have_session;
	uint64_t	 clientid;
	uint32_t	 csseq;
	uint8_t		 sessionid[NFSC_SESSIONID_SIZE];
	uint32_t	 nslots;	/* granted */
	uint32_t	 usable;	/* server's target_highest_slotid + 1 */
	struct nfsc_slot slots[NFSC_MAX_SLOTS];
	uint32_t	 maxreq, maxresp;
	uint32_t	 maxops;

	/* NFSv4.0 (RFC 7530 §9.1.7): the one open-owner's next seqid. */
	uint32_t	 oseq;

	/* Requests by state. */
	struct nfsc_req	*sent;		/* waiting for a reply */
	struct nfsc_req	*done, *done_tail;	/* answered, not yet collected */
	struct nfsc_req	*retry;		/* waiting out a DELAY backoff */
	int		 nsent, ndone, nretry;

	/* Record-marking receive state (RFC 5531 §11). */
	uint8_t		 hdr[4];
	size_t		 hdrlen;
	size_t		 fragleft;	/* body bytes left of this fragment */
	int		 lastfrag;
	uint8_t		*rbuf;		/* record being assembled */
	size_t		 rlen, rcap;
	uint8_t		 stage[65536];	/* small reads land here first */
	size_t		 stlen, stoff;
};

/* nfsc-enc.c */
void	 nfsc_enc_init(struct nfsc_enc *);
void	 nfsc_enc_free(struct nfsc_enc *);
void	 nfsc_enc_reset(struct nfsc_enc *);
void	 nfsc_enc_u32(struct nfsc_enc *, uint32_t);
void	 nfsc_enc_u64(struct nfsc_enc *, uint64_t);
void	 nfsc_enc_fixed(struct nfsc_enc *, const void *, size_t);
void	 nfsc_enc_opaque(struct nfsc_enc *, const void *, size_t);
void	 nfsc_enc_string(struct nfsc_enc *, const char *);
/* Overwrite the u32 at byte offset off (already written). */
void	 nfsc_enc_set_u32(struct nfsc_enc *, size_t off, uint32_t);
/* bitmap4 of a 64-bit mask (RFC 8881 §3.3.7): 0, 1 or 2 words. */
void	 nfsc_enc_bitmap(struct nfsc_enc *, uint64_t mask);

/* nfsc-conn.c */
/* Record a failure message on clnt (printf-style); returns r. */
int	 nfsc_fail(struct nfsc *, int r, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));
/*
 * Mark the transport dead after a send/receive failure and fail every
 * request in flight with r (nfsc_session_abort); returns r.
 */
int	 nfsc_conn_kill(struct nfsc *, int r);
/* Send a whole record (mark + two parts), reading replies meanwhile. */
int	 nfsc_conn_send(struct nfsc *, const void *hdr, size_t hdrlen,
	     const void *body, size_t bodylen);
/*
 * Read and dispatch replies until at least one arrives or deadline_ms (a
 * monotonic time from mono_ms) passes; 0 on progress or deadline
 * (*timedout set), < 0 on failure.
 */
int	 nfsc_conn_pump(struct nfsc *, int64_t deadline_ms, int *timedout);

/* nfsc-tls.c: the TLS transport under nfsc-conn.c (OpenSSL, non-blocking). */
/*
 * Run the TLS handshake on clnt->fd (connected, non-blocking) within
 * deadline_ms. Returns 0 with clnt->tls set, or a negative code with a
 * message in errbuf.
 */
int	 nfsc_tls_start(struct nfsc *, int64_t deadline_ms, char *errbuf,
	     size_t errlen);
/* Like read(2): > 0 bytes, 0 at a clean close, -1 with errno (EAGAIN). */
ssize_t	 nfsc_tls_read(struct nfsc *, void *buf, size_t len);
/* Like writev(2), writing at most one TLS record's worth per call. */
ssize_t	 nfsc_tls_writev(struct nfsc *, const struct iovec *iov, int iovcnt);
/* The poll(2) events the last TLS call is waiting for, with want added. */
short	 nfsc_tls_events(const struct nfsc *, short want);
/* True if decrypted bytes are buffered inside OpenSSL (poll would miss them). */
int	 nfsc_tls_pending(const struct nfsc *);
/* Send close_notify (best effort) and free the TLS state. NULL-safe. */
void	 nfsc_tls_free(struct nfsc_tls *);

/* nfsc-session.c */
/* Take a finished record: match its xid, parse, queue its request. */
void	 nfsc_session_dispatch(struct nfsc *, uint8_t *rec, size_t len);
/*
 * Move every sent or retry-waiting request to the done queue with err r
 * (< 0) and free their slots: called when the transport dies, so that no
 * request stays linked to the client after its caller was told it failed.
 */
void	 nfsc_session_abort(struct nfsc *, int r);
/*
 * Unlink req from its client's lists before it is freed; freeing a request
 * still waiting for its reply kills the connection (its slot's sequence id
 * is lost). No-op for a detached or unsubmitted request.
 */
void	 nfsc_session_forget(struct nfsc_req *);

/* nfsc-attr.c */
/* Encode fattr4 of what s->mask asks for (RFC 8881 §3.3.11). */
void	 nfsc_attr_encode(struct nfsc_enc *, const struct nfsc_sattr *);
/* Decode fattr4 into *a (zeroed first). */
int	 nfsc_attr_decode(struct xdrbuf *, struct nfsc_attr *);
/* Decode a bitmap4 into a 64-bit mask (higher words must be 0). */
int	 nfsc_attr_bitmap(struct xdrbuf *, uint64_t *maskp);

/* nfsc-req.c */
/* Count op as the next op of req and note it for error messages. */
void	 nfsc_req_note_op(struct nfsc_req *, uint32_t opcode);
/* Parse the RPC reply header, COMPOUND4res header and SEQUENCE result. */
int	 nfsc_req_parse(struct nfsc_req *);
/*
 * Read the next result's opcode and status; 0 when it is op and NFS4_OK
 * (the cursor then sits on its resok), else the status or a negative code.
 */
int	 nfsc_res_skip_header(struct nfsc_req *, uint32_t op);
/* OPEN result with its rflags (OPEN4_RESULT_*). */
int	 nfsc_res_open_flags(struct nfsc_req *, struct nfsc_stateid *,
	     uint32_t *rflagsp);
/* NFSv4.0: advance the open-owner seqid if op ran in req (RFC 7530 §9.1.7). */
void	 nfsc_v40_seqid_done(struct nfsc *, const struct nfsc_req *, uint32_t op);
/* Release req's reply buffer before a re-send. */
void	 nfsc_req_reset_reply(struct nfsc_req *);

#endif /* EFSGW_NFSC_INT_H */
