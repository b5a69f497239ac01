/*
 * efsgw - allowed.c: the one table of answers in which efsgw differs from
 * the server behind it on purpose. Each row is a documented rule
 * (docs/security.md, docs/conformance.md, which lists the same rows): the
 * cases it covers, the op and the compared key, what the server answers,
 * what the gateway answers instead, and why. Anything the conformance
 * test finds that no row explains is a failure.
 *
 * Case ids are "<version>/<group>/<case>", e.g. "4.1/readdir/maxcount=16";
 * keys are "status", "attr.<name>" or a result field. The gateway value
 * "<=" means "numerically at most the server's".
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"

const struct cf_allowed cf_allowed[] = {
	/*
	 * The client's root is the export: above it there is nothing
	 * (LOOKUPP at a root is NOENT, RFC 7530 §16.14); the direct run's
	 * root is the export inside Ganesha's pseudo file system, whose
	 * parent exists.
	 */
	{ "*/root/lookupp", "LOOKUPP", "status", "NFS4_OK", "NFS4ERR_NOENT",
	  "the export root is the client's root: nothing above it (LOOKUPP NOENT)" },
	{ "*/root/lookup-lookupp", "LOOKUPP", "status", "NFS4_OK", "NFS4ERR_NOENT",
	  "the second LOOKUPP would leave the export root" },
	{ "*/root/secinfo_no_name-parent", "SECINFO_NO_NAME", "status", "NFS4_OK",
	  "NFS4ERR_NOENT", "SECINFO_NO_NAME(PARENT) at the root is NOENT, as LOOKUPP is" },
	{ "*/root/secinfo_no_name-parent", "SECINFO_NO_NAME", "flavors", "*",
	  "(absent)", "SECINFO_NO_NAME(PARENT) at the root is NOENT, as LOOKUPP is" },

	/*
	 * "top/" cases start at each one's PUTROOTFH as it is: Ganesha's
	 * pseudo root directly, the export through efsgw. Only their
	 * statuses are meant to match; the flavors are those of two
	 * different directories (the pseudo root offers Kerberos too).
	 */
	{ "*/top/*", "SECINFO_NO_NAME", "flavors", "*", "*",
	  "the top is Ganesha's pseudo root directly, the export through efsgw" },

	/* Arguments that do not decode. */
	{ "*/fh/putfh-129-bytes", "COMPOUND", "reply", "LOST RPC rejected",
	  "RES PUTFH NFS4ERR_BADXDR",
	  "a handle longer than NFS4_FHSIZE: efsgw answers NFS4ERR_BADXDR (RFC 8881 §15.1.1.4); Ganesha rejects the whole RPC (GARBAGE_ARGS)" },

	/* Names "." and ".." are refused in every op that takes a name. */
	{ "*/names/*\".\"", "LOOKUP", "status", "*", "NFS4ERR_BADNAME",
	  "\".\" and \"..\" are not names an NFSv4 client sends (docs/security.md)" },
	{ "*/names/*\"..\"", "LOOKUP", "status", "*", "NFS4ERR_BADNAME",
	  "\".\" and \"..\" are not names an NFSv4 client sends (docs/security.md)" },
	{ "*/names/create-dot", "CREATE", "status", "*", "NFS4ERR_BADNAME",
	  "\".\" and \"..\" are not names an NFSv4 client sends (docs/security.md)" },
	{ "*/names/remove-dotdot", "REMOVE", "status", "*", "NFS4ERR_BADNAME",
	  "\".\" and \"..\" are not names an NFSv4 client sends (docs/security.md)" },
	{ "*/rename/dotdot", "RENAME", "status", "*", "NFS4ERR_BADNAME",
	  "\".\" and \"..\" are not names an NFSv4 client sends (docs/security.md)" },

	/* No delegations, no pNFS, no named attributes or xattrs (EFS). */
	{ "*/v41/layoutget", "LAYOUTGET", "status", "*", "NFS4ERR_LAYOUTUNAVAILABLE",
	  "pNFS is refused: I/O goes through the gateway" },
	{ "*/v41/layoutreturn", "LAYOUTRETURN", "status", "*", "NFS4ERR_NOTSUPP",
	  "pNFS is refused" },
	{ "*/v41/getdevice*", "GETDEVICE*", "status", "*", "NFS4ERR_NOTSUPP",
	  "pNFS is refused" },
	{ "*/v41/want_delegation", "WANT_DELEGATION", "status", "*", "NFS4ERR_NOTSUPP",
	  "delegations are never granted" },
	{ "*/v41/get_dir_delegation", "GET_DIR_DELEGATION", "status", "*",
	  "NFS4ERR_NOTSUPP", "delegations are never granted" },
	{ "*/v41/want_delegation", "ILLEGAL", "op", "ILLEGAL", "WANT_DELEGATION",
	  "delegations are never granted: NOTSUPP where Ganesha 4.3 does not know the op (OP_ILLEGAL)" },
	{ "*/v41/get_dir_delegation", "ILLEGAL", "op", "ILLEGAL", "GET_DIR_DELEGATION",
	  "delegations are never granted: NOTSUPP where Ganesha 4.3 does not know the op (OP_ILLEGAL)" },
	{ "*/v41/open-want-*", "OPEN", "deleg", "none_ext:*", "none_ext:0",
	  "4.1+ OPENs carry WANT_NO_DELEG: the server says WND4_NOT_WANTED" },
	{ "*/open/claim=[2356]", "OPEN", "status", "*", "NFS4ERR_NOTSUPP",
	  "delegation claims: delegations are never granted" },
	{ "*/v41/openattr", "OPENATTR", "status", "*", "NFS4ERR_NOTSUPP",
	  "named attributes are not offered (EFS)" },
	{ "*/v42/xattrs", "*XATTR*", "status", "*", "NFS4ERR_NOTSUPP",
	  "extended attributes are not offered (EFS)" },
	{ "*/v42/copy_notify", "COPY_NOTIFY", "status", "*", "NFS4ERR_NOTSUPP",
	  "inter-server copy would let the server reach others around the gateway" },
	{ "*", "OPEN", "deleg", "none", "none_ext:*",
	  "4.1+ OPENs carry WANT_NO_DELEG: the server says why it granted none" },

	/* I/O sizes are clamped to what the gateway's records carry. */
	{ "*", "GETATTR", "attr.maxread", "*", "<=",
	  "maxread is clamped to max-record-size less the headers" },
	{ "*", "GETATTR", "attr.maxwrite", "*", "<=",
	  "maxwrite is clamped to max-record-size less the headers" },
	/*
	 * A call larger than max-record-size (a WRITE above the maxwrite
	 * efsgw announces) is read past and answered, not forwarded; a 4.0
	 * READ above maxread is cut to it (4.1+ sessions bound replies).
	 */
	{ "4.0/write/len=*", "PUTFH", "status", "NFS4_OK", "NFS4ERR_RESOURCE",
	  "a 4.0 call over max-record-size is answered NFS4ERR_RESOURCE at its first op (RFC 7530 §13.1.3), not forwarded" },
	{ "4.[12]/write/len=*", "COMPOUND", "reply", "*", "END NFS4ERR_REQ_TOO_BIG*",
	  "a 4.1+ call over max-record-size, which efsgw announced as ca_maxrequestsize, is NFS4ERR_REQ_TOO_BIG at SEQUENCE (RFC 8881 §2.10.6.4)" },
	{ "4.0/read/count=*", "READ", "count", "*", "<=",
	  "a 4.0 READ count above maxread is cut to it: a short read, as a server may give (RFC 7530 §16.23.4)" },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

/* Is g numerically at most d? */
static int
le(const char *d, const char *g)
{
	char *e1, *e2;
	unsigned long long dv = strtoull(d, &e1, 10), gv = strtoull(g, &e2, 10);

	return *d && *g && *e1 == '\0' && *e2 == '\0' && gv <= dv;
}

/* Find the row that allows this difference. */
const struct cf_allowed *
cf_allowed_find(const char *caseid, const char *op, const char *key,
    const char *dval, const char *gval)
{
	const struct cf_allowed *a;

	for (a = cf_allowed; a->cases != NULL; a++) {
		if (fnmatch(a->cases, caseid, 0) != 0 ||
		    fnmatch(a->op, op, 0) != 0 || strcmp(a->key, key) != 0 ||
		    fnmatch(a->direct, dval, 0) != 0)
			continue;
		if (strcmp(a->gateway, "<=") == 0 ? le(dval, gval) :
		    fnmatch(a->gateway, gval, 0) == 0)
			return a;
	}
	return NULL;
}
