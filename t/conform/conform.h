/*
 * efsgw - efsgw-conform: the differential NFSv4 conformance test.
 *
 * One run sends the same COMPOUNDs, in the same order, to one server and
 * writes what came back into a transcript, normalised: handles, stateids,
 * client ids, verifiers, cookies, fileids and fsids become labels numbered
 * in the order they were first seen ("fh3"), times and change attributes
 * become their presence, and the export prefix of the direct run is hidden
 * (its "PUTROOTFH" is PUTROOTFH + LOOKUP of the export, whose result is not
 * written). Two runs, one against NFS-Ganesha directly and one through
 * efsgw, are then compared result by result; a difference is a failure
 * unless a row of the allowed table (allowed.c) says the gateway answers
 * so on purpose.
 *
 * Transcript lines (text, one per line):
 *   CASE <id>                 a case: "4.1/readdir/maxcount=16"
 *   CALL <n> <ops and args>   a COMPOUND sent
 *   RES <OP> <STATUS> k=v...  one op result (hidden ops are not written)
 *   END <STATUS> <nres>       the COMPOUND status, results received
 *   LOST <why>                the connection failed (reset, close, time-out)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_CONFORM_H
#define EFSGW_CONFORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nfsc.h"

#define CF_MAXOPS	200	/* ops in one COMPOUND we build */
#define CF_LINE		8192	/* one transcript line */
#define CF_NLABELS	8192	/* distinct labelled values per run */

/* A growable XDR byte buffer for op arguments (RFC 4506 encoding). */
struct cfbuf {
	uint8_t		*p;
	size_t		 len, cap;
};

void	 cfb_u32(struct cfbuf *, uint32_t);
void	 cfb_u64(struct cfbuf *, uint64_t);
void	 cfb_fixed(struct cfbuf *, const void *, size_t);
void	 cfb_opaque(struct cfbuf *, const void *, size_t);
void	 cfb_str(struct cfbuf *, const char *);
void	 cfb_free(struct cfbuf *);

/* One value seen in a run, and its label. */
struct cf_label {
	char		 kind[8];
	uint32_t	 len;
	uint8_t		 data[NFSC_FHSIZE];
};

/* What the last COMPOUND returned, for the next ones to use. */
struct cf_out {
	struct nfsc_fh	 fh[8];		/* GETFH results, in order */
	int		 nfh;
	struct nfsc_stateid sid;	/* last stateid returned */
	int		 have_sid;
	uint32_t	 rflags;	/* OPEN4_RESULT_* of the last OPEN */
	uint64_t	 cookie;	/* last READDIR entry's cookie */
	uint8_t		 cverf[8];	/* READDIR cookie verifier */
	int		 eof;
	uint32_t	 nent;		/* READDIR entries */
	uint64_t	 clientid;	/* SETCLIENTID / EXCHANGE_ID */
	uint8_t		 confirm[8];	/* SETCLIENTID's confirm verifier */
	uint32_t	 csseq;		/* EXCHANGE_ID's sequence id */
	uint32_t	 status;	/* COMPOUND status */
	int		 lost;		/* transport failed */
	uint32_t	 nhidden;	/* results not written (hidden ops) */
};

/* One COMPOUND being built. */
struct cf_call {
	struct nfsc_req	*req;
	uint32_t	 ops[CF_MAXOPS];
	int		 hidden[CF_MAXOPS];
	int		 newlock[CF_MAXOPS];	/* LOCK with open_to_lock_owner */
	int		 nops;
	char		 desc[2048];
	size_t		 dlen;
};

/* One run against one server. */
struct cf {
	struct nfsc_opts opts;
	struct nfsc	*c;
	int		 v40;
	uint32_t	 minor;
	const char	*prefix;	/* "export" directly; NULL through efsgw */
	FILE		*out;
	char		 ver[8];	/* "4.0" */
	struct nfsc_fh	 work;		/* this version's work directory */
	int		 have_work;
	/* NFSv4.0 open-owner and lock-owner seqids (RFC 7530 §9.1.7). */
	uint32_t	 oseq, lseq;
	char		 owner[64], lowner[64];
	int		 ncase, ncall;
	int		 verbose;
	struct cf_label	*labels;
	int		 nlabels;
	struct cf_out	 last;
};

/* conform-run.c */
int	 cf_connect(struct cf *);
void	 cf_disconnect(struct cf *);
/* Start case id (printf format); fresh owners for its opens and locks. */
void	 cf_case(struct cf *, const char *fmt, ...)
	     __attribute__((format(printf, 2, 3)));
void	 cf_call_init(struct cf *, struct cf_call *);
/* Append op with args (may be NULL) and a printf description of them. */
void	 cf_add(struct cf_call *, uint32_t op, const struct cfbuf *args,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Send, write the transcript, fill cf->last; returns the COMPOUND status. */
uint32_t cf_send(struct cf *, struct cf_call *);
/* "fh3": the label of a value of kind, numbered in first-seen order. */
const char *cf_label(struct cf *, const char *kind, const void *, size_t);

/* conform-dec.c */
/* Decode nres results of call from p into transcript lines. */
int	 cf_decode(struct cf *, struct cf_call *, const uint8_t *p, size_t len,
	     uint32_t nres);
const char *cf_attr_name(uint32_t attr);

/* conform-ops.c: op encoders (RFC 7530 §16, RFC 8881 §18, RFC 7862 §15). */
void	 op_root(struct cf *, struct cf_call *);	/* the client's root */
void	 op_putrootfh(struct cf_call *);		/* the server's, bare */
void	 op_putfh(struct cf *, struct cf_call *, const struct nfsc_fh *);
void	 op_work(struct cf *, struct cf_call *);	/* PUTFH work dir */
void	 op_lookup(struct cf_call *, const char *name);
void	 op_lookup_n(struct cf_call *, const char *name, size_t len);
void	 op_void(struct cf_call *, uint32_t op);	/* GETFH, SAVEFH, ... */
void	 op_getattr_words(struct cf_call *, const uint32_t *w, uint32_t n);
void	 op_getattr_std(struct cf_call *);
void	 op_access(struct cf_call *, uint32_t bits);
void	 op_create(struct cf_call *, uint32_t type, const char *name,
	     const char *linkdata);
void	 op_open(struct cf *, struct cf_call *, const char *name,
	     uint32_t access, uint32_t deny, int create, uint32_t claim);
void	 op_open_confirm(struct cf *, struct cf_call *);
void	 op_open_downgrade(struct cf *, struct cf_call *,
	     const struct nfsc_stateid *, uint32_t access, uint32_t deny);
void	 op_close(struct cf *, struct cf_call *, const struct nfsc_stateid *);
void	 op_read(struct cf_call *, uint32_t op, const struct nfsc_stateid *,
	     uint64_t off, uint32_t count);
void	 op_write(struct cf_call *, const struct nfsc_stateid *, uint64_t off,
	     uint32_t stable, uint32_t len);
void	 op_commit(struct cf_call *, uint64_t off, uint32_t count);
void	 op_readdir(struct cf_call *, uint64_t cookie, const uint8_t verf[8],
	     uint32_t dircount, uint32_t maxcount);
void	 op_name(struct cf_call *, uint32_t op, const char *name);
void	 op_rename(struct cf_call *, const char *from, const char *to);
/* SETATTR/VERIFY/NVERIFY of attr with its XDR value (len bytes). */
void	 op_fattr(struct cf_call *, uint32_t op, const struct nfsc_stateid *,
	     uint32_t attr, const void *val, size_t len, const char *what);
void	 op_lock(struct cf *, struct cf_call *, uint32_t type, uint64_t off,
	     uint64_t len, const struct nfsc_stateid *open_sid,
	     const struct nfsc_stateid *lock_sid);
void	 op_lockt(struct cf *, struct cf_call *, uint32_t type, uint64_t off,
	     uint64_t len, const char *owner);
void	 op_locku(struct cf *, struct cf_call *, const struct nfsc_stateid *,
	     uint64_t off, uint64_t len);
void	 op_secinfo_no_name(struct cf_call *, uint32_t style);
void	 op_sid(struct cf_call *, uint32_t op, const struct nfsc_stateid *);
void	 op_sid_range(struct cf_call *, uint32_t op,
	     const struct nfsc_stateid *, uint64_t off, uint64_t len);
void	 op_seek(struct cf_call *, const struct nfsc_stateid *, uint64_t off,
	     uint32_t what);
void	 op_copy(struct cf_call *, uint32_t op, const struct nfsc_stateid *src,
	     const struct nfsc_stateid *dst, uint64_t soff, uint64_t doff,
	     uint64_t count);

/* conform-cases.c */
/* Run every case of cf's minor version. */
void	 cf_cases(struct cf *);

/* conform-cmp.c */
/* Compare two transcripts; print differences; 0 when none is unexplained. */
int	 cf_compare(const char *direct, const char *gateway, int verbose);

/* allowed.c */
/* One documented difference: the gateway answers so on purpose. */
struct cf_allowed {
	const char	*cases;		/* fnmatch(3) of the case id */
	const char	*op;		/* op name, or "*" */
	const char	*key;		/* "status", "attr.maxread", ... */
	const char	*direct;	/* fnmatch of the direct value */
	const char	*gateway;	/* fnmatch of the gateway value, or
					 * "<=" : numerically at most direct's */
	const char	*reason;
};
extern const struct cf_allowed cf_allowed[];
/* The row allowing this difference, or NULL. */
const struct cf_allowed *cf_allowed_find(const char *caseid, const char *op,
	     const char *key, const char *dval, const char *gval);

/* Opcodes used here beyond nfsc.h's (RFC 7530, 8881, 7862, 8276). */
enum {
	OP_DELEGPURGE = 7, OP_DELEGRETURN = 8, OP_LINK = 11, OP_LOCK = 12,
	OP_LOCKT = 13, OP_LOCKU = 14, OP_LOOKUPP = 16, OP_NVERIFY = 17,
	OP_OPENATTR = 19, OP_OPEN_CONFIRM = 20, OP_OPEN_DOWNGRADE = 21,
	OP_PUTPUBFH = 23, OP_READLINK = 27, OP_RENEW = 30, OP_SECINFO = 33,
	OP_SETCLIENTID = 35, OP_SETCLIENTID_CONFIRM = 36, OP_VERIFY = 37,
	OP_RELEASE_LOCKOWNER = 39, OP_BACKCHANNEL_CTL = 40,
	OP_BIND_CONN_TO_SESSION = 41, OP_FREE_STATEID = 45,
	OP_GET_DIR_DELEGATION = 46, OP_GETDEVICEINFO = 47,
	OP_GETDEVICELIST = 48, OP_LAYOUTCOMMIT = 49, OP_LAYOUTGET = 50,
	OP_LAYOUTRETURN = 51, OP_SECINFO_NO_NAME = 52, OP_SET_SSV = 54,
	OP_TEST_STATEID = 55, OP_WANT_DELEGATION = 56,
	OP_DESTROY_CLIENTID = 57, OP_ALLOCATE = 59, OP_COPY = 60,
	OP_COPY_NOTIFY = 61, OP_DEALLOCATE = 62, OP_IO_ADVISE = 63,
	OP_LAYOUTERROR = 64, OP_LAYOUTSTATS = 65, OP_OFFLOAD_CANCEL = 66,
	OP_OFFLOAD_STATUS = 67, OP_READ_PLUS = 68, OP_SEEK = 69,
	OP_WRITE_SAME = 70, OP_CLONE = 71, OP_GETXATTR = 72,
	OP_SETXATTR = 73, OP_LISTXATTRS = 74, OP_REMOVEXATTR = 75,
};

#endif /* EFSGW_CONFORM_H */
