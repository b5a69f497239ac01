/*
 * efsgw - NFSv4 protocol constants and the COMPOUND walker's interface.
 *
 * The walker decodes every operation of NFSv4.0 (RFC 7530/7531), 4.1
 * (RFC 8881/5662) and 4.2 (RFC 7862/7863) from an xdrbuf, arguments and
 * results, and of the NFSv4.1 backchannel (CB_COMPOUND), without copying,
 * and reports where each op and each interesting field lies in the record
 * so that the connection pipeline can check, rewrite or truncate it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_NFS4_H
#define EFSGW_NFS4_H

#include <stddef.h>
#include <stdint.h>

struct xdrbuf;

#define NFS4_PROGRAM		100003
#define NFS4_VERSION		4
#define NFSPROC4_NULL		0
#define NFSPROC4_COMPOUND	1
#define CB_PROC_NULL		0
#define CB_PROC_COMPOUND	1
#define NFS4_FHSIZE		128
#define NFS4_MAX_MINOR		2

/* Hard caps enforced while decoding (before anything is allocated). */
#define EFSGW_MAX_OPS		128	/* ops in one COMPOUND from a client */
#define NFS4_WALK_MAX_OPS	(2 * EFSGW_MAX_OPS) /* forwarded (guards added) */
#define EFSGW_MAX_MARKS		32768	/* marks per COMPOUND: a 1 MiB READDIR reply */
#define EFSGW_MAX_TAG		1024	/* COMPOUND tag bytes */

/* Selected status codes (RFC 8881 §15.1, RFC 7862 §11). */
#define NFS4_OK			0
#define NFS4ERR_PERM		1
#define NFS4ERR_NOENT		2
#define NFS4ERR_IO		5
#define NFS4ERR_ACCESS		13
#define NFS4ERR_INVAL		22
#define NFS4ERR_EXIST		17
#define NFS4ERR_NOTDIR		20
#define NFS4ERR_ROFS		30
#define NFS4ERR_NAMETOOLONG	63
#define NFS4ERR_NOTSUPP		10004
#define NFS4ERR_SERVERFAULT	10006
#define NFS4ERR_DELAY		10008
#define NFS4ERR_SAME		10009
#define NFS4ERR_NOT_SAME	10027
#define NFS4ERR_NOFILEHANDLE	10020
#define NFS4ERR_RESOURCE	10018
#define NFS4ERR_MINOR_VERS_MISMATCH 10021
#define NFS4ERR_BADHANDLE	10001
#define NFS4ERR_BADXDR		10036
#define NFS4ERR_BADNAME		10041
#define NFS4ERR_LAYOUTUNAVAILABLE 10059
#define NFS4ERR_OP_ILLEGAL	10044
#define NFS4ERR_TOO_MANY_OPS	10070
#define NFS4ERR_REQ_TOO_BIG	10065
#define NFS4ERR_REP_TOO_BIG	10066

/* Opcodes the gateway itself needs by name (RFC 8881 §16.2, RFC 7862). */
#define OP_ACCESS		3
#define OP_CLOSE		4
#define OP_COMMIT		5
#define OP_CREATE		6
#define OP_GETATTR		9
#define OP_GETFH		10
#define OP_LINK			11
#define OP_LOOKUP		15
#define OP_LOOKUPP		16
#define OP_NVERIFY		17
#define OP_OPEN			18
#define OP_PUTFH		22
#define OP_PUTPUBFH		23
#define OP_PUTROOTFH		24
#define OP_READ			25
#define OP_READDIR		26
#define OP_REMOVE		28
#define OP_RENAME		29
#define OP_RESTOREFH		31
#define OP_SAVEFH		32
#define OP_SECINFO		33
#define OP_SETATTR		34
#define OP_SETCLIENTID		35
#define OP_WRITE		38
#define OP_EXCHANGE_ID		42
#define OP_CREATE_SESSION	43
#define OP_LAYOUTGET		50
#define OP_SECINFO_NO_NAME	52
#define OP_SEQUENCE		53
#define OP_ILLEGAL		10044

/*
 * What an op may do to the file system: the column the confinement code
 * reads to decide ClientWrite (a MUTATES op is refused with NFS4ERR_ROFS
 * when the connection may not write). OPEN is MAYBE: whether it mutates
 * depends on its arguments (create, truncate, write share access).
 */
enum nfs4_action {
	NFS4_ACTION_NONE = 0,	/* session / state housekeeping */
	NFS4_ACTION_READ,	/* reads data or metadata */
	NFS4_ACTION_MUTATES,	/* changes the file system */
	NFS4_ACTION_MAYBE,	/* decided from the arguments */
};

/* QoS / metering class of an op (EFS: data vs metadata). */
enum nfs4_qos_class {
	NFS4_QOS_NONE = 0,
	NFS4_QOS_META_READ,
	NFS4_QOS_META_WRITE,
	NFS4_QOS_DATA_READ,
	NFS4_QOS_DATA_WRITE,
};

/*
 * What an op does with the bytes of the file it works on (lifecycle
 * tiering: a file whose data is in a tier must be brought back, or read
 * from the tier, before such an op runs). Every COMPOUND op is classified
 * (t/unit/check_nfs4_walk.c checks that none is left unset).
 */
enum nfs4_data {
	NFS4_DATA_UNSET = 0,	/* not classified: a bug */
	NFS4_DATA_NONE,		/* names, attributes, state: not the bytes */
	NFS4_DATA_READ,		/* its answer depends on them */
	NFS4_DATA_WRITE,	/* changes them */
	NFS4_DATA_SIZE,		/* SETATTR: changes them when it sets size */
};

/* One row of the per-opcode table (generated, then annotated). */
struct nfs4_op_info {
	const char	*name;		/* "READ", "OPEN", ... */
	uint32_t	 opcode;
	uint8_t		 min_minor;	/* first minor version that has it */
	uint8_t		 max_minor;	/* last (4.0-only ops: 0) */
	uint8_t		 action;	/* enum nfs4_action */
	uint8_t		 qos;		/* enum nfs4_qos_class */
	uint8_t		 data;		/* enum nfs4_data (COMPOUND ops) */
	uint16_t	 args_type;	/* nfs4-xdr.h node of the arguments */
	uint16_t	 res_type;	/* nfs4-xdr.h node of the result */
};

/*
 * Marks: places in the record the pipeline may need to inspect or rewrite.
 * Each mark gives the byte offset and length of the field's value in the
 * record (for opaques: the body, without the length word), and the index
 * of the op it belongs to.
 */
enum nfs4_mark_kind {
	NFS4_MARK_FH = 1,		/* an nfs_fh4 body, anywhere (args, results, attrs, callbacks) */
	NFS4_MARK_WRITE_DATA,		/* WRITE4args.data body */
	NFS4_MARK_READ_DATA,		/* READ4resok.data body */
	NFS4_MARK_OPEN_SHARE_ACCESS,	/* OPEN4args.share_access (u32, with 4.1 WANT bits) */
	NFS4_MARK_OPEN_CREATE,		/* OPEN4args.openhow: opentype word (u32) */
	NFS4_MARK_OPEN_CLAIM,		/* OPEN4args.claim: claim type word (u32) */
	NFS4_MARK_SETCLIENTID_CB,	/* SETCLIENTID4args.callback (cb_client4 whole) */
	NFS4_MARK_EXCHGID_FLAGS,	/* EXCHANGE_ID4resok.eir_flags (u32) */
	NFS4_MARK_CSESS_CB_PROGRAM,	/* CREATE_SESSION4args.csa_cb_program (u32) */
	NFS4_MARK_SETATTR_ATTRS,	/* SETATTR4args.obj_attributes (fattr4 whole) */
	NFS4_MARK_ATTR_OWNER,		/* owner attr (utf8 body) inside a fattr4 of args */
	NFS4_MARK_ATTR_OWNER_GROUP,	/* owner_group attr body inside a fattr4 of args */
	NFS4_MARK_ATTR_SIZE,		/* size attr (u64) inside a fattr4 of args */
	NFS4_MARK_ATTRS_UNDECODED,	/* rest of a fattr4 / notify4 value list from
					 * the first attribute number the walker does
					 * not know (> 82, so after FILEHANDLE, owner,
					 * size); args only */
	NFS4_MARK_NAME,			/* a component4 the client names: LOOKUP, CREATE,
					 * OPEN (CLAIM_NULL), REMOVE, RENAME, LINK,
					 * SECINFO; args only */
	NFS4_MARK_READDIR_MAXCOUNT,	/* READDIR4args.maxcount (u32); args only */
	NFS4_MARK_ATTRLIST,		/* a fattr4 attr_vals / notify4 notify_vals
					 * body; replies and callbacks only, so that
					 * a handle sealed inside it can fix its length */
	NFS4_MARK_READ_COUNT,		/* READ4args.count (u32): the QoS estimate; args */
	NFS4_MARK_ATTR_MAXIO,		/* maxread / maxwrite attr (u64) in a fattr4 of
					 * replies: clamped to what the gateway carries */
	NFS4_MARK_CHAN_MAXSIZE,		/* channel_attrs4 ca_maxrequestsize and
					 * ca_maxresponsesize (u32); replies */
	NFS4_MARK_KIND_MAX
};

struct nfs4_mark {
	uint32_t	 off;
	uint32_t	 len;
	uint16_t	 op;		/* index into nfs4_compound.ops */
	uint16_t	 kind;		/* enum nfs4_mark_kind */
};

/* One op of a walked COMPOUND. */
struct nfs4_op_ref {
	uint32_t	 opcode;	/* as sent (OP_ILLEGAL if not in the table) */
	uint32_t	 start;		/* offset of the opcode word */
	uint32_t	 end;		/* offset just past the op's args / result */
	uint32_t	 status;	/* results only: the op's nfsstat4 */
};

/* A walked COMPOUND4args / COMPOUND4res (or CB_COMPOUND). */
struct nfs4_compound {
	uint32_t	 tag_off;	/* offset of the tag's length word */
	uint32_t	 tag_len;
	uint32_t	 minorversion;	/* args: minorversion */
	uint32_t	 status;	/* results: overall status */
	uint32_t	 callback_ident; /* CB_COMPOUND4args only */
	uint32_t	 count_off;	/* offset of the argarray / resarray count word */
	uint32_t	 count;		/* count as declared */
	uint32_t	 nops;		/* ops decoded completely */
	struct nfs4_op_ref ops[NFS4_WALK_MAX_OPS];
	uint32_t	 nmarks;
	struct nfs4_mark marks[EFSGW_MAX_MARKS];
	/*
	 * When a walk fails: the index of the op that did not decode (== nops),
	 * its opcode and start offset are in ops[nops] when nops < count.
	 */
	uint32_t	 bad_op;
};

/* nfs4-walk.c */
/*
 * Walk COMPOUND4args from the cursor (which sits just after the RPC call
 * header) to the end of the record. Returns 0 when every op decoded and no
 * byte is left over. On failure returns a negative EFSGW_ERR_* code:
 *   EFSGW_ERR_BAD_VALUE	minorversion > NFS4_MAX_MINOR (c->minorversion set)
 *   EFSGW_ERR_TOO_MANY		count > EFSGW_MAX_OPS (checked before any op)
 *   EFSGW_ERR_UNKNOWN_OP	ops[nops] is not an op of this minor version
 *   other			ops[nops] failed to decode (truncated, bad
 *				union arm, over-long opaque, trailing bytes)
 * In every case c->nops ops before the failure are valid. c is caller's.
 * EFSGW_ERR_UNKNOWN_OP: ops[nops].opcode is OP_ILLEGAL when the opcode is
 * in no minor version (answer NFS4ERR_OP_ILLEGAL, RFC 8881 §15.2), and the
 * opcode as sent when another minor version has it (4.0-only ops in 4.1+:
 * NFS4ERR_NOTSUPP, as RFC 8881 makes them MUST NOT; 4.1+ ops in 4.0 and
 * 4.2 ops in 4.1: NFS4ERR_OP_ILLEGAL, outside that version's op range).
 * An explicit OP_ILLEGAL in the arguments is EFSGW_ERR_UNKNOWN_OP too.
 * EFSGW_ERR_TOO_MANY with nops < count: more than EFSGW_MAX_MARKS marks.
 * Marks ATTR_OWNER, ATTR_OWNER_GROUP, ATTR_SIZE and ATTRS_UNDECODED are
 * only reported in COMPOUND4args; FH marks everywhere, including
 * CB_COMPOUND both ways. Each FILEHANDLE attribute of a READDIR reply is
 * a mark: more than EFSGW_MAX_MARKS entries asking for it fail the walk.
 */
int	 nfs4_walk_compound_args(struct xdrbuf *, struct nfs4_compound *c);
/*
 * The same for a COMPOUND the gateway rewrote: up to NFS4_WALK_MAX_OPS
 * ops (the guards it adds), no other difference.
 */
int	 nfs4_walk_forwarded_args(struct xdrbuf *, struct nfs4_compound *c);
/*
 * Walk COMPOUND4res; minorversion is the request's (matched by xid). Up
 * to NFS4_WALK_MAX_OPS results: a forwarded COMPOUND may have that many.
 */
int	 nfs4_walk_compound_res(struct xdrbuf *, uint32_t minorversion,
	     struct nfs4_compound *c);
/* Walk CB_COMPOUND4args / CB_COMPOUND4res (RFC 8881 §20, RFC 7862 §16). */
int	 nfs4_walk_cb_compound_args(struct xdrbuf *, struct nfs4_compound *c);
int	 nfs4_walk_cb_compound_res(struct xdrbuf *, uint32_t minorversion,
	     struct nfs4_compound *c);

/* Return the table row for opcode in minorversion, or NULL. */
const struct nfs4_op_info *nfs4_op_lookup(uint32_t minorversion,
	     uint32_t opcode);
/* nfs4-status.c */
/* Return "NFS4ERR_..." for a status (a number for unknown ones). */
const char *nfs4_status_name(uint32_t status);
/* Bytes of the result the gateway writes when it fails opcode itself. */
size_t	 nfs4_error_result_len(uint32_t opcode);

/* Return the op's name ("ILLEGAL" when unknown); never NULL. */
const char *nfs4_op_name(uint32_t opcode);
const char *nfs4_cb_op_name(uint32_t opcode);
/* Return the CB op table row for opcode in minorversion, or NULL. */
const struct nfs4_op_info *nfs4_cb_op_lookup(uint32_t minorversion,
	     uint32_t opcode);
/* Return the row for opcode in whichever minor version has it, or NULL. */
const struct nfs4_op_info *nfs4_op_any(uint32_t opcode);
const struct nfs4_op_info *nfs4_cb_op_any(uint32_t opcode);

/* Opcodes of the backchannel (RFC 8881 §20, RFC 7862 §16). */
#define OP_CB_GETATTR		3
#define OP_CB_RECALL		4
#define OP_CB_SEQUENCE		11
#define OP_CB_OFFLOAD		15
#define OP_CB_ILLEGAL		10044

#endif /* EFSGW_NFS4_H */
