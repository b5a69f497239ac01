/*
 * efsgw - nfs4-ops: the per-opcode tables of COMPOUND and CB_COMPOUND.
 *
 * One row per operation of NFSv4.0 (RFC 7530 §16), 4.1 (RFC 8881 §18,
 * §20), 4.2 (RFC 7862 §15-16) and the extended attributes of RFC 8276:
 * its name, the minor versions that have it, the nfs4.x types of its
 * arguments and result (NFS4_XDR_*, generated), and two hand-set columns:
 *
 * action (what ClientWrite confinement reads):
 *   MUTATES  can change the file system's contents, names or attributes:
 *            WRITE, CREATE, REMOVE, RENAME, LINK, SETATTR, COMMIT,
 *            OPENATTR (createdir may create the named-attribute
 *            directory; rare, so refused whole rather than decoded),
 *            LAYOUTCOMMIT (sets size/mtime after pNFS writes), ALLOCATE,
 *            DEALLOCATE, COPY, CLONE, WRITE_SAME, SETXATTR, REMOVEXATTR.
 *   MAYBE    OPEN: decided from OPEN_CREATE / OPEN_SHARE_ACCESS marks
 *            (create, truncating create attributes, write access).
 *   READ     reads data or metadata, or resolves handles.
 *   NONE     session, client-id, lease and lock/open/delegation state
 *            housekeeping: it changes server state but not the file
 *            system, so read-only clients need it (CLOSE, LOCK, ...).
 *            LAYOUTGET is READ: data moved through a layout bypasses the
 *            gateway anyway, so the gateway must hide pNFS (clear
 *            EXCHGID4_FLAG_USE_PNFS_MDS at the EXCHGID_FLAGS mark).
 *
 * qos (EFS metering):
 *   DATA_READ  READ, READ_PLUS (bytes from the READ_DATA marks).
 *   DATA_WRITE WRITE, WRITE_SAME, COPY, CLONE (data written server side).
 *   META_WRITE ops that change metadata (CREATE, SETATTR, ALLOCATE, ...).
 *   META_READ  other ops that read metadata or take file state.
 *   NONE       session/lease ops and pure filehandle juggling (PUTFH,
 *              PUTROOTFH, PUTPUBFH, SAVEFH, RESTOREFH, GETFH), which
 *              touch no file and would otherwise inflate every COMPOUND.
 *
 * data (lifecycle tiering: what the op does with the file's bytes):
 *   READ     its answer depends on them: READ, READ_PLUS, SEEK (where the
 *            data and holes are: a released file is one hole),
 *            COPY_NOTIFY (another server will read the source),
 *            LAYOUTGET (data through a layout; pNFS is hidden anyway).
 *   WRITE    changes them: WRITE, WRITE_SAME, ALLOCATE, DEALLOCATE, COPY
 *            and CLONE (the saved handle is the source: it is read),
 *            LAYOUTCOMMIT.
 *   SIZE     SETATTR: changes them when it sets the size.
 *   NONE     every other op (OPEN's truncation is a SETATTR of size on
 *            the server's side; see call-plan.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>

#include "common.h"
#include "nfs4.h"
#include "nfs4-xdr.h"

#define A_NONE	NFS4_ACTION_NONE
#define A_READ	NFS4_ACTION_READ
#define A_MUT	NFS4_ACTION_MUTATES
#define A_MAYBE	NFS4_ACTION_MAYBE
#define Q_NONE	NFS4_QOS_NONE
#define Q_MR	NFS4_QOS_META_READ
#define Q_MW	NFS4_QOS_META_WRITE
#define Q_DR	NFS4_QOS_DATA_READ
#define Q_DW	NFS4_QOS_DATA_WRITE
#define D_NONE	NFS4_DATA_NONE
#define D_READ	NFS4_DATA_READ
#define D_WRITE	NFS4_DATA_WRITE
#define D_SIZE	NFS4_DATA_SIZE

/* A row: name, opcode, minors, action, qos, data, args and result types. */
#define OP(name, code, lo, hi, act, qos, data, args, res) \
	[code] = { #name, code, lo, hi, act, qos, data, args, res }
#define V	NFS4_XDR_VOID

/* COMPOUND ops, indexed by opcode (RFC 8881 §16.2.1 nfs_opnum4). */
static const struct nfs4_op_info nfs4_ops_table[] = {
	OP(ACCESS, 3, 0, 2, A_READ, Q_MR, D_NONE, NFS4_XDR_ACCESS4args, NFS4_XDR_ACCESS4res),
	OP(CLOSE, 4, 0, 2, A_NONE, Q_MR, D_NONE, NFS4_XDR_CLOSE4args, NFS4_XDR_CLOSE4res),
	OP(COMMIT, 5, 0, 2, A_MUT, Q_MW, D_NONE, NFS4_XDR_COMMIT4args, NFS4_XDR_COMMIT4res),
	OP(CREATE, 6, 0, 2, A_MUT, Q_MW, D_NONE, NFS4_XDR_CREATE4args, NFS4_XDR_CREATE4res),
	OP(DELEGPURGE, 7, 0, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_DELEGPURGE4args, NFS4_XDR_DELEGPURGE4res),
	OP(DELEGRETURN, 8, 0, 2, A_NONE, Q_MR, D_NONE, NFS4_XDR_DELEGRETURN4args, NFS4_XDR_DELEGRETURN4res),
	OP(GETATTR, 9, 0, 2, A_READ, Q_MR, D_NONE, NFS4_XDR_GETATTR4args, NFS4_XDR_GETATTR4res),
	OP(GETFH, 10, 0, 2, A_READ, Q_NONE, D_NONE, V, NFS4_XDR_GETFH4res),
	OP(LINK, 11, 0, 2, A_MUT, Q_MW, D_NONE, NFS4_XDR_LINK4args, NFS4_XDR_LINK4res),
	OP(LOCK, 12, 0, 2, A_NONE, Q_MR, D_NONE, NFS4_XDR_LOCK4args, NFS4_XDR_LOCK4res),
	OP(LOCKT, 13, 0, 2, A_NONE, Q_MR, D_NONE, NFS4_XDR_LOCKT4args, NFS4_XDR_LOCKT4res),
	OP(LOCKU, 14, 0, 2, A_NONE, Q_MR, D_NONE, NFS4_XDR_LOCKU4args, NFS4_XDR_LOCKU4res),
	OP(LOOKUP, 15, 0, 2, A_READ, Q_MR, D_NONE, NFS4_XDR_LOOKUP4args, NFS4_XDR_LOOKUP4res),
	OP(LOOKUPP, 16, 0, 2, A_READ, Q_MR, D_NONE, V, NFS4_XDR_LOOKUPP4res),
	OP(NVERIFY, 17, 0, 2, A_READ, Q_MR, D_NONE, NFS4_XDR_NVERIFY4args, NFS4_XDR_NVERIFY4res),
	OP(OPEN, 18, 0, 2, A_MAYBE, Q_MR, D_NONE, NFS4_XDR_OPEN4args, NFS4_XDR_OPEN4res),
	OP(OPENATTR, 19, 0, 2, A_MUT, Q_MW, D_NONE, NFS4_XDR_OPENATTR4args, NFS4_XDR_OPENATTR4res),
	OP(OPEN_CONFIRM, 20, 0, 0, A_NONE, Q_MR, D_NONE, NFS4_XDR_OPEN_CONFIRM4args, NFS4_XDR_OPEN_CONFIRM4res),
	OP(OPEN_DOWNGRADE, 21, 0, 2, A_NONE, Q_MR, D_NONE, NFS4_XDR_OPEN_DOWNGRADE4args, NFS4_XDR_OPEN_DOWNGRADE4res),
	OP(PUTFH, 22, 0, 2, A_READ, Q_NONE, D_NONE, NFS4_XDR_PUTFH4args, NFS4_XDR_PUTFH4res),
	OP(PUTPUBFH, 23, 0, 2, A_READ, Q_NONE, D_NONE, V, NFS4_XDR_PUTPUBFH4res),
	OP(PUTROOTFH, 24, 0, 2, A_READ, Q_NONE, D_NONE, V, NFS4_XDR_PUTROOTFH4res),
	OP(READ, 25, 0, 2, A_READ, Q_DR, D_READ, NFS4_XDR_READ4args, NFS4_XDR_READ4res),
	OP(READDIR, 26, 0, 2, A_READ, Q_MR, D_NONE, NFS4_XDR_READDIR4args, NFS4_XDR_READDIR4res),
	OP(READLINK, 27, 0, 2, A_READ, Q_MR, D_NONE, V, NFS4_XDR_READLINK4res),
	OP(REMOVE, 28, 0, 2, A_MUT, Q_MW, D_NONE, NFS4_XDR_REMOVE4args, NFS4_XDR_REMOVE4res),
	OP(RENAME, 29, 0, 2, A_MUT, Q_MW, D_NONE, NFS4_XDR_RENAME4args, NFS4_XDR_RENAME4res),
	OP(RENEW, 30, 0, 0, A_NONE, Q_NONE, D_NONE, NFS4_XDR_RENEW4args, NFS4_XDR_RENEW4res),
	OP(RESTOREFH, 31, 0, 2, A_READ, Q_NONE, D_NONE, V, NFS4_XDR_RESTOREFH4res),
	OP(SAVEFH, 32, 0, 2, A_READ, Q_NONE, D_NONE, V, NFS4_XDR_SAVEFH4res),
	OP(SECINFO, 33, 0, 2, A_READ, Q_MR, D_NONE, NFS4_XDR_SECINFO4args, NFS4_XDR_SECINFO4res),
	OP(SETATTR, 34, 0, 2, A_MUT, Q_MW, D_SIZE, NFS4_XDR_SETATTR4args, NFS4_XDR_SETATTR4res),
	OP(SETCLIENTID, 35, 0, 0, A_NONE, Q_NONE, D_NONE, NFS4_XDR_SETCLIENTID4args, NFS4_XDR_SETCLIENTID4res),
	OP(SETCLIENTID_CONFIRM, 36, 0, 0, A_NONE, Q_NONE, D_NONE, NFS4_XDR_SETCLIENTID_CONFIRM4args, NFS4_XDR_SETCLIENTID_CONFIRM4res),
	OP(VERIFY, 37, 0, 2, A_READ, Q_MR, D_NONE, NFS4_XDR_VERIFY4args, NFS4_XDR_VERIFY4res),
	OP(WRITE, 38, 0, 2, A_MUT, Q_DW, D_WRITE, NFS4_XDR_WRITE4args, NFS4_XDR_WRITE4res),
	OP(RELEASE_LOCKOWNER, 39, 0, 0, A_NONE, Q_NONE, D_NONE, NFS4_XDR_RELEASE_LOCKOWNER4args, NFS4_XDR_RELEASE_LOCKOWNER4res),
	/* NFSv4.1, RFC 8881 §18.33-18.51 */
	OP(BACKCHANNEL_CTL, 40, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_BACKCHANNEL_CTL4args, NFS4_XDR_BACKCHANNEL_CTL4res),
	OP(BIND_CONN_TO_SESSION, 41, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_BIND_CONN_TO_SESSION4args, NFS4_XDR_BIND_CONN_TO_SESSION4res),
	OP(EXCHANGE_ID, 42, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_EXCHANGE_ID4args, NFS4_XDR_EXCHANGE_ID4res),
	OP(CREATE_SESSION, 43, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_CREATE_SESSION4args, NFS4_XDR_CREATE_SESSION4res),
	OP(DESTROY_SESSION, 44, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_DESTROY_SESSION4args, NFS4_XDR_DESTROY_SESSION4res),
	OP(FREE_STATEID, 45, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_FREE_STATEID4args, NFS4_XDR_FREE_STATEID4res),
	OP(GET_DIR_DELEGATION, 46, 1, 2, A_NONE, Q_MR, D_NONE, NFS4_XDR_GET_DIR_DELEGATION4args, NFS4_XDR_GET_DIR_DELEGATION4res),
	OP(GETDEVICEINFO, 47, 1, 2, A_READ, Q_MR, D_NONE, NFS4_XDR_GETDEVICEINFO4args, NFS4_XDR_GETDEVICEINFO4res),
	OP(GETDEVICELIST, 48, 1, 2, A_READ, Q_MR, D_NONE, NFS4_XDR_GETDEVICELIST4args, NFS4_XDR_GETDEVICELIST4res),
	OP(LAYOUTCOMMIT, 49, 1, 2, A_MUT, Q_MW, D_WRITE, NFS4_XDR_LAYOUTCOMMIT4args, NFS4_XDR_LAYOUTCOMMIT4res),
	OP(LAYOUTGET, 50, 1, 2, A_READ, Q_MR, D_READ, NFS4_XDR_LAYOUTGET4args, NFS4_XDR_LAYOUTGET4res),
	OP(LAYOUTRETURN, 51, 1, 2, A_NONE, Q_MR, D_NONE, NFS4_XDR_LAYOUTRETURN4args, NFS4_XDR_LAYOUTRETURN4res),
	OP(SECINFO_NO_NAME, 52, 1, 2, A_READ, Q_MR, D_NONE, NFS4_XDR_SECINFO_NO_NAME4args, NFS4_XDR_SECINFO_NO_NAME4res),
	OP(SEQUENCE, 53, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_SEQUENCE4args, NFS4_XDR_SEQUENCE4res),
	OP(SET_SSV, 54, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_SET_SSV4args, NFS4_XDR_SET_SSV4res),
	OP(TEST_STATEID, 55, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_TEST_STATEID4args, NFS4_XDR_TEST_STATEID4res),
	OP(WANT_DELEGATION, 56, 1, 2, A_NONE, Q_MR, D_NONE, NFS4_XDR_WANT_DELEGATION4args, NFS4_XDR_WANT_DELEGATION4res),
	OP(DESTROY_CLIENTID, 57, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_DESTROY_CLIENTID4args, NFS4_XDR_DESTROY_CLIENTID4res),
	OP(RECLAIM_COMPLETE, 58, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_RECLAIM_COMPLETE4args, NFS4_XDR_RECLAIM_COMPLETE4res),
	/* NFSv4.2, RFC 7862 §15 */
	OP(ALLOCATE, 59, 2, 2, A_MUT, Q_MW, D_WRITE, NFS4_XDR_ALLOCATE4args, NFS4_XDR_ALLOCATE4res),
	OP(COPY, 60, 2, 2, A_MUT, Q_DW, D_WRITE, NFS4_XDR_COPY4args, NFS4_XDR_COPY4res),
	OP(COPY_NOTIFY, 61, 2, 2, A_READ, Q_MR, D_READ, NFS4_XDR_COPY_NOTIFY4args, NFS4_XDR_COPY_NOTIFY4res),
	OP(DEALLOCATE, 62, 2, 2, A_MUT, Q_MW, D_WRITE, NFS4_XDR_DEALLOCATE4args, NFS4_XDR_DEALLOCATE4res),
	OP(IO_ADVISE, 63, 2, 2, A_READ, Q_MR, D_NONE, NFS4_XDR_IO_ADVISE4args, NFS4_XDR_IO_ADVISE4res),
	OP(LAYOUTERROR, 64, 2, 2, A_NONE, Q_MR, D_NONE, NFS4_XDR_LAYOUTERROR4args, NFS4_XDR_LAYOUTERROR4res),
	OP(LAYOUTSTATS, 65, 2, 2, A_NONE, Q_MR, D_NONE, NFS4_XDR_LAYOUTSTATS4args, NFS4_XDR_LAYOUTSTATS4res),
	OP(OFFLOAD_CANCEL, 66, 2, 2, A_NONE, Q_MR, D_NONE, NFS4_XDR_OFFLOAD_CANCEL4args, NFS4_XDR_OFFLOAD_CANCEL4res),
	OP(OFFLOAD_STATUS, 67, 2, 2, A_NONE, Q_MR, D_NONE, NFS4_XDR_OFFLOAD_STATUS4args, NFS4_XDR_OFFLOAD_STATUS4res),
	OP(READ_PLUS, 68, 2, 2, A_READ, Q_DR, D_READ, NFS4_XDR_READ_PLUS4args, NFS4_XDR_READ_PLUS4res),
	OP(SEEK, 69, 2, 2, A_READ, Q_MR, D_READ, NFS4_XDR_SEEK4args, NFS4_XDR_SEEK4res),
	OP(WRITE_SAME, 70, 2, 2, A_MUT, Q_DW, D_WRITE, NFS4_XDR_WRITE_SAME4args, NFS4_XDR_WRITE_SAME4res),
	OP(CLONE, 71, 2, 2, A_MUT, Q_DW, D_WRITE, NFS4_XDR_CLONE4args, NFS4_XDR_CLONE4res),
	/* RFC 8276 §8.4: extended attributes, an NFSv4.2 extension */
	OP(GETXATTR, 72, 2, 2, A_READ, Q_MR, D_NONE, NFS4_XDR_GETXATTR4args, NFS4_XDR_GETXATTR4res),
	OP(SETXATTR, 73, 2, 2, A_MUT, Q_MW, D_NONE, NFS4_XDR_SETXATTR4args, NFS4_XDR_SETXATTR4res),
	OP(LISTXATTRS, 74, 2, 2, A_READ, Q_MR, D_NONE, NFS4_XDR_LISTXATTRS4args, NFS4_XDR_LISTXATTRS4res),
	OP(REMOVEXATTR, 75, 2, 2, A_MUT, Q_MW, D_NONE, NFS4_XDR_REMOVEXATTR4args, NFS4_XDR_REMOVEXATTR4res),
};

/* RFC 8881 §18.51: valid as a result in every minor version. */
static const struct nfs4_op_info nfs4_op_illegal = {
	"ILLEGAL", OP_ILLEGAL, 0, 2, A_NONE, Q_NONE, D_NONE, V, NFS4_XDR_ILLEGAL4res
};

/* CB_COMPOUND ops (RFC 8881 §20, RFC 7530 §16.2, RFC 7862 §16). */
static const struct nfs4_op_info nfs4_cb_ops_table[] = {
	OP(CB_GETATTR, 3, 0, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_CB_GETATTR4args, NFS4_XDR_CB_GETATTR4res),
	OP(CB_RECALL, 4, 0, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_CB_RECALL4args, NFS4_XDR_CB_RECALL4res),
	OP(CB_LAYOUTRECALL, 5, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_CB_LAYOUTRECALL4args, NFS4_XDR_CB_LAYOUTRECALL4res),
	OP(CB_NOTIFY, 6, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_CB_NOTIFY4args, NFS4_XDR_CB_NOTIFY4res),
	OP(CB_PUSH_DELEG, 7, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_CB_PUSH_DELEG4args, NFS4_XDR_CB_PUSH_DELEG4res),
	OP(CB_RECALL_ANY, 8, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_CB_RECALL_ANY4args, NFS4_XDR_CB_RECALL_ANY4res),
	OP(CB_RECALLABLE_OBJ_AVAIL, 9, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_CB_RECALLABLE_OBJ_AVAIL4args, NFS4_XDR_CB_RECALLABLE_OBJ_AVAIL4res),
	OP(CB_RECALL_SLOT, 10, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_CB_RECALL_SLOT4args, NFS4_XDR_CB_RECALL_SLOT4res),
	OP(CB_SEQUENCE, 11, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_CB_SEQUENCE4args, NFS4_XDR_CB_SEQUENCE4res),
	OP(CB_WANTS_CANCELLED, 12, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_CB_WANTS_CANCELLED4args, NFS4_XDR_CB_WANTS_CANCELLED4res),
	OP(CB_NOTIFY_LOCK, 13, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_CB_NOTIFY_LOCK4args, NFS4_XDR_CB_NOTIFY_LOCK4res),
	OP(CB_NOTIFY_DEVICEID, 14, 1, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_CB_NOTIFY_DEVICEID4args, NFS4_XDR_CB_NOTIFY_DEVICEID4res),
	OP(CB_OFFLOAD, 15, 2, 2, A_NONE, Q_NONE, D_NONE, NFS4_XDR_CB_OFFLOAD4args, NFS4_XDR_CB_OFFLOAD4res),
};

/* RFC 8881 §20.13 */
static const struct nfs4_op_info nfs4_cb_op_illegal = {
	"CB_ILLEGAL", OP_CB_ILLEGAL, 0, 2, A_NONE, Q_NONE, D_NONE, V, NFS4_XDR_CB_ILLEGAL4res
};

/* Return the row of opcode in table t of n rows, whatever the version. */
static const struct nfs4_op_info *
nfs4_ops_find(const struct nfs4_op_info *t, size_t n,
    const struct nfs4_op_info *illegal, uint32_t opcode)
{
	if (opcode == OP_ILLEGAL)
		return illegal;
	if (opcode >= n || t[opcode].name == NULL)
		return NULL;
	return &t[opcode];
}

/* Return opcode's row if minorversion has it. */
static const struct nfs4_op_info *
nfs4_ops_in(const struct nfs4_op_info *row, uint32_t minorversion)
{
	if (row == NULL || minorversion < row->min_minor ||
	    minorversion > row->max_minor)
		return NULL;
	return row;
}

/* Return the COMPOUND row for opcode in minorversion, or NULL. */
const struct nfs4_op_info *
nfs4_op_lookup(uint32_t minorversion, uint32_t opcode)
{
	return nfs4_ops_in(nfs4_op_any(opcode), minorversion);
}

/* Return the COMPOUND row for opcode in any minor version, or NULL. */
const struct nfs4_op_info *
nfs4_op_any(uint32_t opcode)
{
	return nfs4_ops_find(nfs4_ops_table, nitems(nfs4_ops_table),
	    &nfs4_op_illegal, opcode);
}

/* Return the CB_COMPOUND row for opcode in minorversion, or NULL. */
const struct nfs4_op_info *
nfs4_cb_op_lookup(uint32_t minorversion, uint32_t opcode)
{
	return nfs4_ops_in(nfs4_cb_op_any(opcode), minorversion);
}

/* Return the CB_COMPOUND row for opcode in any minor version, or NULL. */
const struct nfs4_op_info *
nfs4_cb_op_any(uint32_t opcode)
{
	return nfs4_ops_find(nfs4_cb_ops_table, nitems(nfs4_cb_ops_table),
	    &nfs4_cb_op_illegal, opcode);
}

/* Return the name of a COMPOUND op, "ILLEGAL" if there is none. */
const char *
nfs4_op_name(uint32_t opcode)
{
	const struct nfs4_op_info *row = nfs4_op_any(opcode);

	return row != NULL ? row->name : "ILLEGAL";
}

/* Return the name of a CB_COMPOUND op, "CB_ILLEGAL" if there is none. */
const char *
nfs4_cb_op_name(uint32_t opcode)
{
	const struct nfs4_op_info *row = nfs4_cb_op_any(opcode);

	return row != NULL ? row->name : "CB_ILLEGAL";
}
