/*
 * efsgw - names of NFSv4 status codes for log lines (RFC 8881 §15.1,
 * RFC 7862 §11).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>

#include "nfs4.h"

static const struct {
	uint32_t	 status;
	const char	*name;
} nfs4_status_names[] = {
	{ 0, "NFS4_OK" }, { 1, "NFS4ERR_PERM" }, { 2, "NFS4ERR_NOENT" },
	{ 5, "NFS4ERR_IO" }, { 6, "NFS4ERR_NXIO" }, { 13, "NFS4ERR_ACCESS" },
	{ 17, "NFS4ERR_EXIST" }, { 18, "NFS4ERR_XDEV" }, { 20, "NFS4ERR_NOTDIR" },
	{ 21, "NFS4ERR_ISDIR" }, { 22, "NFS4ERR_INVAL" }, { 27, "NFS4ERR_FBIG" },
	{ 28, "NFS4ERR_NOSPC" }, { 30, "NFS4ERR_ROFS" }, { 31, "NFS4ERR_MLINK" },
	{ 63, "NFS4ERR_NAMETOOLONG" }, { 66, "NFS4ERR_NOTEMPTY" },
	{ 69, "NFS4ERR_DQUOT" }, { 70, "NFS4ERR_STALE" },
	{ 10001, "NFS4ERR_BADHANDLE" }, { 10003, "NFS4ERR_BAD_COOKIE" },
	{ 10004, "NFS4ERR_NOTSUPP" }, { 10005, "NFS4ERR_TOOSMALL" },
	{ 10006, "NFS4ERR_SERVERFAULT" }, { 10007, "NFS4ERR_BADTYPE" },
	{ 10008, "NFS4ERR_DELAY" }, { 10009, "NFS4ERR_SAME" },
	{ 10010, "NFS4ERR_DENIED" }, { 10011, "NFS4ERR_EXPIRED" },
	{ 10012, "NFS4ERR_LOCKED" }, { 10013, "NFS4ERR_GRACE" },
	{ 10014, "NFS4ERR_FHEXPIRED" }, { 10015, "NFS4ERR_SHARE_DENIED" },
	{ 10016, "NFS4ERR_WRONGSEC" }, { 10017, "NFS4ERR_CLID_INUSE" },
	{ 10018, "NFS4ERR_RESOURCE" }, { 10019, "NFS4ERR_MOVED" },
	{ 10020, "NFS4ERR_NOFILEHANDLE" }, { 10021, "NFS4ERR_MINOR_VERS_MISMATCH" },
	{ 10022, "NFS4ERR_STALE_CLIENTID" }, { 10023, "NFS4ERR_STALE_STATEID" },
	{ 10024, "NFS4ERR_OLD_STATEID" }, { 10025, "NFS4ERR_BAD_STATEID" },
	{ 10026, "NFS4ERR_BAD_SEQID" }, { 10027, "NFS4ERR_NOT_SAME" },
	{ 10028, "NFS4ERR_LOCK_RANGE" }, { 10029, "NFS4ERR_SYMLINK" },
	{ 10030, "NFS4ERR_RESTOREFH" }, { 10031, "NFS4ERR_LEASE_MOVED" },
	{ 10032, "NFS4ERR_ATTRNOTSUPP" }, { 10033, "NFS4ERR_NO_GRACE" },
	{ 10034, "NFS4ERR_RECLAIM_BAD" }, { 10035, "NFS4ERR_RECLAIM_CONFLICT" },
	{ 10036, "NFS4ERR_BADXDR" }, { 10037, "NFS4ERR_LOCKS_HELD" },
	{ 10038, "NFS4ERR_OPENMODE" }, { 10039, "NFS4ERR_BADOWNER" },
	{ 10040, "NFS4ERR_BADCHAR" }, { 10041, "NFS4ERR_BADNAME" },
	{ 10042, "NFS4ERR_BAD_RANGE" }, { 10043, "NFS4ERR_LOCK_NOTSUPP" },
	{ 10044, "NFS4ERR_OP_ILLEGAL" }, { 10045, "NFS4ERR_DEADLOCK" },
	{ 10046, "NFS4ERR_FILE_OPEN" }, { 10047, "NFS4ERR_ADMIN_REVOKED" },
	{ 10048, "NFS4ERR_CB_PATH_DOWN" }, { 10052, "NFS4ERR_BADSESSION" },
	{ 10053, "NFS4ERR_BADSLOT" }, { 10054, "NFS4ERR_COMPLETE_ALREADY" },
	{ 10057, "NFS4ERR_BACK_CHAN_BUSY" }, { 10058, "NFS4ERR_LAYOUTTRYLATER" },
	{ 10059, "NFS4ERR_LAYOUTUNAVAILABLE" },
	{ 10063, "NFS4ERR_SEQ_MISORDERED" }, { 10066, "NFS4ERR_REP_TOO_BIG" },
	{ 10070, "NFS4ERR_TOO_MANY_OPS" }, { 10071, "NFS4ERR_OP_NOT_IN_SESSION" },
	{ 10064, "NFS4ERR_SEQUENCE_POS" },
};

/* Return a status code's name. */
const char *
nfs4_status_name(uint32_t status)
{
	static char buf[24];
	size_t i;

	for (i = 0; i < sizeof nfs4_status_names / sizeof nfs4_status_names[0]; i++) {
		if (nfs4_status_names[i].status == status)
			return nfs4_status_names[i].name;
	}
	snprintf(buf, sizeof buf, "status %u", status);
	return buf;
}

/*
 * Bytes of an op's result when the gateway fails it: opcode and status,
 * plus SETATTR4res's attrsset, which is there whatever the status (RFC
 * 7530 §16.32, RFC 8881 §18.30): an empty bitmap.
 */
size_t
nfs4_error_result_len(uint32_t opcode)
{
	return opcode == OP_SETATTR ? 12 : 8;
}
