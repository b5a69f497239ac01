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
	int		 nfix;		/* opcodes to restore in the reply */
	uint8_t		 rootfix[EFSGW_MAX_OPS / 8];
	uint8_t		 pubfix[EFSGW_MAX_OPS / 8];
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
	int			 vecmax;
	struct nfs4_compound	*cmp;		/* scratch for walks */
	uint8_t			*ins;		/* scratch for inserted bytes */
	int			 backend_up;
	int			 seen_compound;
	int			 draining;
	int			 closing;	/* close once output is flushed */
	int			 in_read;	/* inside the client read loop */
	uint64_t		 calls;
	uint64_t		 bytes_in;
	uint64_t		 bytes_out;
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
/* Handle one record from the client; -1 when the conn was closed. */
int	 call_from_client(struct conn *, struct evbuffer *rec);
/* Handle one record from the server; -1 when the conn was closed. */
int	 call_from_backend(struct conn *, struct evbuffer *rec);

/* conn.c (used by call.c) */
/* Queue a complete record (body in msg, drained) to the client. */
int	 conn_send_client(struct conn *, struct evbuffer *msg);
int	 conn_send_backend(struct conn *, struct evbuffer *msg);
/* Close because of bad input; logs at a bounded rate. Returns -1. */
int	 conn_abort(struct conn *, const char *why, int r);
/* Peek a record's chains into c->vec; returns the count or -1. */
int	 conn_peek(struct conn *, struct evbuffer *rec);
/* Log a message about bad input at a bounded rate. */
void	 conn_log_bad(struct conn *, const char *fmt, ...)
	     __attribute__((format(printf, 2, 3)));

#endif /* EFSGW_CONN_H */
