/*
 * efsgw - conform-dec: decode each op result of a reply (RFC 7530 §16,
 * RFC 8881 §18, RFC 7862 §15, RFC 8276 §8) and write it normalised into
 * the transcript: the values a server may spell its own way become labels
 * or their presence, everything else is written as it came. Every read is
 * bounds-checked through xdrbuf; a result that does not decode ends the
 * decoding with "BADREPLY" in the transcript.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include <event2/buffer.h>

#include "xdrbuf.h"
#include "conform.h"

#define NFS4ERR_DENIED		10010
#define NFS4ERR_CLID_INUSE	10017
#define NFS4ERR_TOOSMALL	10005
#define NFS4ERR_LAYOUTTRYLATER	10058
#define NFS4ERR_OFFLOAD_NO_REQS	10094
#define MAXSTR			4096

/* One transcript line being built. */
struct line {
	char		 s[CF_LINE];
	size_t		 n;
};

/* Append " key=value" (printf format) to a transcript line. */
static void __attribute__((format(printf, 2, 3)))
tok(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (l->n >= sizeof l->s - 2)
		return;
	l->s[l->n++] = ' ';
	va_start(ap, fmt);
	k = vsnprintf(l->s + l->n, sizeof l->s - l->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		l->n += (size_t)k;
	if (l->n >= sizeof l->s)
		l->n = sizeof l->s - 1;
	l->s[l->n] = '\0';
}

/* Attribute kinds (RFC 8881 §5.8, RFC 7862 §12.2, RFC 8276 §8.1). */
enum akind { A_NONE, A_U32, A_U64, A_BOOL, A_FSID, A_TIME, A_STR, A_BITMAP,
	A_ACL, A_LOCS, A_SPEC, A_U32LIST, A_2U64 };
/* How its value is compared: as is, as a label, or only by presence. */
enum anorm { N_RAW, N_LABEL, N_PRESENT };

static const struct {
	const char	*name;
	enum akind	 kind;
	enum anorm	 norm;
} attrs[] = {
	[0] = { "supported_attrs", A_BITMAP, N_RAW },
	[1] = { "type", A_U32, N_RAW },
	[2] = { "fh_expire_type", A_U32, N_RAW },
	[3] = { "change", A_U64, N_PRESENT },
	[4] = { "size", A_U64, N_RAW },
	[5] = { "link_support", A_BOOL, N_RAW },
	[6] = { "symlink_support", A_BOOL, N_RAW },
	[7] = { "named_attr", A_BOOL, N_RAW },
	[8] = { "fsid", A_FSID, N_LABEL },
	[9] = { "unique_handles", A_BOOL, N_RAW },
	[10] = { "lease_time", A_U32, N_RAW },
	[11] = { "rdattr_error", A_U32, N_RAW },
	[12] = { "acl", A_ACL, N_RAW },
	[13] = { "aclsupport", A_U32, N_RAW },
	[14] = { "archive", A_BOOL, N_RAW },
	[15] = { "cansettime", A_BOOL, N_RAW },
	[16] = { "case_insensitive", A_BOOL, N_RAW },
	[17] = { "case_preserving", A_BOOL, N_RAW },
	[18] = { "chown_restricted", A_BOOL, N_RAW },
	[19] = { "filehandle", A_STR, N_LABEL },
	[20] = { "fileid", A_U64, N_LABEL },
	[21] = { "files_avail", A_U64, N_PRESENT },
	[22] = { "files_free", A_U64, N_PRESENT },
	[23] = { "files_total", A_U64, N_PRESENT },
	[24] = { "fs_locations", A_LOCS, N_RAW },
	[25] = { "hidden", A_BOOL, N_RAW },
	[26] = { "homogeneous", A_BOOL, N_RAW },
	[27] = { "maxfilesize", A_U64, N_RAW },
	[28] = { "maxlink", A_U32, N_RAW },
	[29] = { "maxname", A_U32, N_RAW },
	[30] = { "maxread", A_U64, N_RAW },
	[31] = { "maxwrite", A_U64, N_RAW },
	[32] = { "mimetype", A_STR, N_RAW },
	[33] = { "mode", A_U32, N_RAW },
	[34] = { "no_trunc", A_BOOL, N_RAW },
	[35] = { "numlinks", A_U32, N_RAW },
	[36] = { "owner", A_STR, N_RAW },
	[37] = { "owner_group", A_STR, N_RAW },
	[38] = { "quota_avail_hard", A_U64, N_PRESENT },
	[39] = { "quota_avail_soft", A_U64, N_PRESENT },
	[40] = { "quota_used", A_U64, N_PRESENT },
	[41] = { "rawdev", A_SPEC, N_RAW },
	[42] = { "space_avail", A_U64, N_PRESENT },
	[43] = { "space_free", A_U64, N_PRESENT },
	[44] = { "space_total", A_U64, N_PRESENT },
	[45] = { "space_used", A_U64, N_PRESENT },
	[46] = { "system", A_BOOL, N_RAW },
	[47] = { "time_access", A_TIME, N_PRESENT },
	[48] = { "time_access_set", A_NONE, N_RAW },
	[49] = { "time_backup", A_TIME, N_PRESENT },
	[50] = { "time_create", A_TIME, N_PRESENT },
	[51] = { "time_delta", A_TIME, N_RAW },
	[52] = { "time_metadata", A_TIME, N_PRESENT },
	[53] = { "time_modify", A_TIME, N_PRESENT },
	[54] = { "time_modify_set", A_NONE, N_RAW },
	[55] = { "mounted_on_fileid", A_U64, N_LABEL },
	[56] = { "dir_notif_delay", A_TIME, N_RAW },
	[57] = { "dirent_notif_delay", A_TIME, N_RAW },
	[58] = { "dacl", A_NONE, N_RAW },
	[59] = { "sacl", A_NONE, N_RAW },
	[60] = { "change_policy", A_2U64, N_PRESENT },
	[61] = { "fs_status", A_NONE, N_RAW },
	[62] = { "fs_layout_types", A_U32LIST, N_RAW },
	[63] = { "layout_hint", A_NONE, N_RAW },
	[64] = { "layout_types", A_U32LIST, N_RAW },
	[65] = { "layout_blksize", A_U32, N_RAW },
	[66] = { "layout_alignment", A_U32, N_RAW },
	[67] = { "fs_locations_info", A_NONE, N_RAW },
	[68] = { "mdsthreshold", A_NONE, N_RAW },
	[69] = { "retention_get", A_NONE, N_RAW },
	[70] = { "retention_set", A_NONE, N_RAW },
	[71] = { "retentevt_get", A_NONE, N_RAW },
	[72] = { "retentevt_set", A_NONE, N_RAW },
	[73] = { "retention_hold", A_U64, N_RAW },
	[74] = { "mode_set_masked", A_NONE, N_RAW },
	[75] = { "suppattr_exclcreat", A_BITMAP, N_RAW },
	[76] = { "fs_charset_cap", A_U32, N_RAW },
	[77] = { "clone_blksize", A_U32, N_RAW },
	[78] = { "space_freed", A_U64, N_PRESENT },
	[79] = { "change_attr_type", A_U32, N_RAW },
	[80] = { "sec_label", A_NONE, N_RAW },
	[81] = { "mode_umask", A_NONE, N_RAW },
	[82] = { "xattr_support", A_BOOL, N_RAW },
};

/* "mode" or "attr1000". */
const char *
cf_attr_name(uint32_t a)
{
	static char buf[32];

	if (a < nitems(attrs) && attrs[a].name != NULL)
		return attrs[a].name;
	snprintf(buf, sizeof buf, "attr%u", a);
	return buf;
}

/* Read a string (at most cap - 1 bytes) into s, NUL-terminated, printable. */
static int
get_str(struct xdrbuf *b, char *s, size_t cap, size_t *lenp)
{
	size_t len, i;
	int r;

	if ((r = xdrbuf_get_opaque(b, cap - 1, s, cap - 1, &len)) != 0)
		return r;
	s[len] = '\0';
	for (i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~')
			s[i] = '?';
	if (lenp != NULL)
		*lenp = len;
	return 0;
}

/* A bitmap4 as hex words "w0,w1" (trailing zero words dropped). */
static int
get_bitmap(struct xdrbuf *b, uint32_t *w, uint32_t cap, uint32_t *np,
    char *s, size_t slen)
{
	uint32_t n, i, v;
	size_t off = 0;
	int r;

	if ((r = xdrbuf_get_u32(b, &n)) != 0)
		return r;
	if (n > 64)
		return EFSGW_ERR_TOO_MANY;
	for (i = 0; i < n; i++) {
		if ((r = xdrbuf_get_u32(b, &v)) != 0)
			return r;
		if (i < cap)
			w[i] = v;
	}
	while (n > 0 && (n > cap || w[n - 1] == 0))
		n--;
	for (i = 0; i < n && off < slen - 12; i++)
		off += (size_t)snprintf(s + off, slen - off, "%s%x", i ? "," : "",
		    w[i]);
	if (n == 0)
		snprintf(s, slen, "0");
	*np = n;
	return 0;
}

/* A pathname4 as "/a/b". */
static int
get_path(struct xdrbuf *b, char *s, size_t slen)
{
	char comp[256];
	uint32_t n, i;
	size_t off = 0;
	int r;

	if ((r = xdrbuf_get_u32(b, &n)) != 0)
		return r;
	if (n > 64)
		return EFSGW_ERR_TOO_MANY;
	s[0] = '\0';
	for (i = 0; i < n; i++) {
		if ((r = get_str(b, comp, sizeof comp, NULL)) != 0)
			return r;
		if (off < slen - 1)
			off += (size_t)snprintf(s + off, slen - off, "/%s", comp);
	}
	if (n == 0)
		snprintf(s, slen, "/");
	return 0;
}

/* Decode one attribute value into "name=value" on l. */
static int
dec_attr(struct cf *cf, struct xdrbuf *b, uint32_t a, struct line *l)
{
	char s[MAXSTR + 1], s2[1024];
	uint32_t u, u2, n, i, w[8];
	uint64_t v, v2;
	size_t len;
	int r;

	if (a >= nitems(attrs) || attrs[a].kind == A_NONE)
		return EFSGW_ERR_BAD_VALUE;	/* not decodable: stop here */
	switch (attrs[a].kind) {
	case A_U32:
	case A_BOOL:
		if ((r = xdrbuf_get_u32(b, &u)) != 0)
			return r;
		snprintf(s, sizeof s, "%u", u);
		if (a == 33)
			snprintf(s, sizeof s, "%04o", u);
		break;
	case A_U64:
		if ((r = xdrbuf_get_u64(b, &v)) != 0)
			return r;
		if (attrs[a].norm == N_LABEL)
			snprintf(s, sizeof s, "%s", cf_label(cf,
			    a == 55 ? "fileid" : attrs[a].name, &v, sizeof v));
		else
			snprintf(s, sizeof s, "%llu", (unsigned long long)v);
		break;
	case A_FSID:
	case A_2U64:
		if ((r = xdrbuf_get_u64(b, &v)) != 0 ||
		    (r = xdrbuf_get_u64(b, &v2)) != 0)
			return r;
		{
			uint64_t pair[2] = { v, v2 };

			snprintf(s, sizeof s, "%s", cf_label(cf, "fsid", pair,
			    sizeof pair));
		}
		break;
	case A_TIME:
		if ((r = xdrbuf_get_u64(b, &v)) != 0 ||
		    (r = xdrbuf_get_u32(b, &u)) != 0)
			return r;
		snprintf(s, sizeof s, "%lld.%09u", (long long)v, u);
		break;
	case A_STR:
		if (attrs[a].norm == N_LABEL) {
			uint8_t fh[NFSC_FHSIZE];

			if ((r = xdrbuf_get_opaque(b, NFSC_FHSIZE, fh, sizeof fh,
			    &len)) != 0)
				return r;
			snprintf(s, sizeof s, "%s", cf_label(cf, "fh", fh, len));
		} else if ((r = get_str(b, s, sizeof s, NULL)) != 0)
			return r;
		break;
	case A_BITMAP:
		if ((r = get_bitmap(b, w, nitems(w), &n, s, sizeof s)) != 0)
			return r;
		break;
	case A_SPEC:
		if ((r = xdrbuf_get_u32(b, &u)) != 0 ||
		    (r = xdrbuf_get_u32(b, &u2)) != 0)
			return r;
		snprintf(s, sizeof s, "%u,%u", u, u2);
		break;
	case A_U32LIST:
		if ((r = xdrbuf_get_u32(b, &n)) != 0)
			return r;
		if (n > 64)
			return EFSGW_ERR_TOO_MANY;
		snprintf(s, sizeof s, "[");
		for (i = 0; i < n; i++) {
			if ((r = xdrbuf_get_u32(b, &u)) != 0)
				return r;
			snprintf(s + strlen(s), sizeof s - strlen(s), "%s%u",
			    i ? "," : "", u);
		}
		snprintf(s + strlen(s), sizeof s - strlen(s), "]");
		break;
	case A_ACL:
		if ((r = xdrbuf_get_u32(b, &n)) != 0)
			return r;
		if (n > 256)
			return EFSGW_ERR_TOO_MANY;
		snprintf(s, sizeof s, "%u-aces:", n);
		for (i = 0; i < n; i++) {
			uint32_t t, f, m;

			if ((r = xdrbuf_get_u32(b, &t)) != 0 ||
			    (r = xdrbuf_get_u32(b, &f)) != 0 ||
			    (r = xdrbuf_get_u32(b, &m)) != 0 ||
			    (r = get_str(b, s2, 128, NULL)) != 0)
				return r;
			snprintf(s + strlen(s), sizeof s - strlen(s),
			    "%s%u/%x/%x/%s", i ? "," : "", t, f, m, s2);
		}
		break;
	case A_LOCS:
		/* fs_locations4: fs_root, then locations (server<>, rootpath). */
		if ((r = get_path(b, s2, sizeof s2)) != 0)
			return r;
		snprintf(s, sizeof s, "root=%s", s2);
		if ((r = xdrbuf_get_u32(b, &n)) != 0)
			return r;
		if (n > 16)
			return EFSGW_ERR_TOO_MANY;
		snprintf(s + strlen(s), sizeof s - strlen(s), ",%u-locations", n);
		for (i = 0; i < n; i++) {
			uint32_t ns, j;

			if ((r = xdrbuf_get_u32(b, &ns)) != 0)
				return r;
			if (ns > 16)
				return EFSGW_ERR_TOO_MANY;
			for (j = 0; j < ns; j++)
				if ((r = get_str(b, s2, 256, NULL)) != 0)
					return r;
			if ((r = get_path(b, s2, sizeof s2)) != 0)
				return r;
		}
		break;
	default:
		return EFSGW_ERR_BAD_VALUE;
	}
	if (attrs[a].norm == N_PRESENT)
		tok(l, "attr.%s=present", attrs[a].name);
	else
		tok(l, "attr.%s=%s", attrs[a].name, s);
	return 0;
}

/* Decode a fattr4: the mask, then each attribute in order. */
static int
dec_fattr(struct cf *cf, struct xdrbuf *b, struct line *l, const char *maskkey)
{
	uint32_t w[64], n, i, bit;
	char s[1024];
	struct xdrbuf vb;
	struct evbuffer_iovec iov;
	size_t len, off;
	uint8_t *vals;
	int r;

	if ((r = get_bitmap(b, w, nitems(w), &n, s, sizeof s)) != 0)
		return r;
	tok(l, "%s=%s", maskkey, s);
	if ((r = xdrbuf_get_opaque_len(b, 1024 * 1024, &len)) != 0)
		return r;
	if ((vals = malloc(len ? len : 1)) == NULL)
		fatalx("out of memory");
	off = xdrbuf_pos(b);
	if ((r = xdrbuf_copy_at(b, off, vals, len)) != 0 ||
	    (r = xdrbuf_skip_opaque_fixed(b, len)) != 0) {
		free(vals);
		return r;
	}
	xdrbuf_init_mem(&vb, &iov, vals, len);
	for (i = 0; i < n * 32; i++) {
		bit = w[i / 32] & (1u << (i % 32));
		if (bit == 0)
			continue;
		if ((r = dec_attr(cf, &vb, i, l)) != 0) {
			tok(l, "attr.%s=undecoded", cf_attr_name(i));
			break;
		}
	}
	if (r == 0 && xdrbuf_remaining(&vb) != 0)
		tok(l, "attrs.trailing=%zu", xdrbuf_remaining(&vb));
	free(vals);
	return 0;
}

/* A stateid: its seqid as is, its other part as a label. */
static int
dec_sid(struct cf *cf, struct xdrbuf *b, struct line *l, const char *key)
{
	int r;

	if ((r = xdrbuf_get_u32(b, &cf->last.sid.seqid)) != 0 ||
	    (r = xdrbuf_get_opaque_fixed(b, cf->last.sid.other, 12)) != 0)
		return r;
	cf->last.have_sid = 1;
	tok(l, "%s=%u:%s", key, cf->last.sid.seqid,
	    cf_label(cf, "sid", cf->last.sid.other, 12));
	return 0;
}

/* change_info4: atomic, and whether the change attribute moved. */
static int
dec_cinfo(struct xdrbuf *b, struct line *l, const char *key)
{
	uint64_t before, after;
	uint32_t atomic;
	int r;

	if ((r = xdrbuf_get_u32(b, &atomic)) != 0 ||
	    (r = xdrbuf_get_u64(b, &before)) != 0 ||
	    (r = xdrbuf_get_u64(b, &after)) != 0)
		return r;
	tok(l, "%s=atomic:%u,changed:%u", key, atomic, before != after);
	return 0;
}

/* LOCK4denied (RFC 7530 §16.10.5). */
static int
dec_denied(struct cf *cf, struct xdrbuf *b, struct line *l)
{
	uint64_t off, len, cid;
	uint32_t type;
	char owner[256];
	int r;

	if ((r = xdrbuf_get_u64(b, &off)) != 0 ||
	    (r = xdrbuf_get_u64(b, &len)) != 0 ||
	    (r = xdrbuf_get_u32(b, &type)) != 0 ||
	    (r = xdrbuf_get_u64(b, &cid)) != 0 ||
	    (r = get_str(b, owner, sizeof owner, NULL)) != 0)
		return r;
	tok(l, "denied=%llu+%llu,type:%u,client:%s,owner:%s",
	    (unsigned long long)off, (unsigned long long)len, type,
	    cf_label(cf, "client", &cid, sizeof cid), owner);
	return 0;
}

/* secinfo4<> (RFC 7530 §16.31.4). */
static int
dec_secinfo(struct xdrbuf *b, struct line *l)
{
	uint32_t n, i, flavor, qop, svc;
	char s[512];
	size_t off = 0;
	int r;

	if ((r = xdrbuf_get_u32(b, &n)) != 0)
		return r;
	if (n > 32)
		return EFSGW_ERR_TOO_MANY;
	s[0] = '\0';
	for (i = 0; i < n; i++) {
		if ((r = xdrbuf_get_u32(b, &flavor)) != 0)
			return r;
		if (flavor == 6) {	/* RPCSEC_GSS: oid, qop, service */
			if ((r = xdrbuf_skip_opaque(b, 1024, NULL, NULL)) != 0 ||
			    (r = xdrbuf_get_u32(b, &qop)) != 0 ||
			    (r = xdrbuf_get_u32(b, &svc)) != 0)
				return r;
			if (off < sizeof s - 32)
				off += (size_t)snprintf(s + off, sizeof s - off,
				    "%sgss:%u", i ? "," : "", svc);
		} else if (off < sizeof s - 32)
			off += (size_t)snprintf(s + off, sizeof s - off, "%s%u",
			    i ? "," : "", flavor);
	}
	tok(l, "flavors=%s", n ? s : "none");
	return 0;
}

/* READDIR4resok: verifier, entries (name, cookie label, type), eof. */
static int
dec_readdir(struct cf *cf, struct xdrbuf *b, struct line *l)
{
	char name[300], ents[CF_LINE / 2];
	uint64_t cookie;
	int more, eof, r;
	uint32_t n = 0;
	size_t off = 0;

	if ((r = xdrbuf_get_opaque_fixed(b, cf->last.cverf, 8)) != 0 ||
	    (r = xdrbuf_get_bool(b, &more)) != 0)
		return r;
	ents[0] = '\0';
	while (more && n < 100000) {
		struct line al = { .n = 0 };

		if ((r = xdrbuf_get_u64(b, &cookie)) != 0 ||
		    (r = get_str(b, name, sizeof name, NULL)) != 0 ||
		    (r = dec_fattr(cf, b, &al, "m")) != 0 ||
		    (r = xdrbuf_get_bool(b, &more)) != 0)
			return r;
		cf->last.cookie = cookie;
		n++;
		/* Names with their type: order and content must match. */
		if (off < sizeof ents - 300)
			off += (size_t)snprintf(ents + off, sizeof ents - off,
			    "%s%s%s", n > 1 ? "," : "", name,
			    strstr(al.s, "attr.type=2") ? "/" : "");
	}
	if ((r = xdrbuf_get_bool(b, &eof)) != 0)
		return r;
	cf->last.eof = eof;
	cf->last.nent = n;
	tok(l, "verf=%s", cf_label(cf, "cverf", cf->last.cverf, 8));
	tok(l, "entries=%u", n);
	tok(l, "names=%s", n ? ents : "-");
	tok(l, "eof=%d", eof);
	return 0;
}

/* Decode the resok (or error body) of op into l. */
static int
dec_op(struct cf *cf, uint32_t op, uint32_t st, struct xdrbuf *b,
    struct line *l)
{
	uint8_t buf[NFSC_FHSIZE];
	char s[MAXSTR + 1];
	uint32_t u, u2, n, j;
	uint64_t v;
	size_t len;
	int r = 0;

	/* Error results with a body. */
	if (st != 0) {
		switch (op) {
		case OP_LOCK:
		case OP_LOCKT:
			return st == NFS4ERR_DENIED ? dec_denied(cf, b, l) : 0;
		case NFSC_OP_SETATTR:
			break;			/* attrsset follows always */
		case OP_SETCLIENTID:
			if (st == NFS4ERR_CLID_INUSE) {
				if ((r = get_str(b, s, sizeof s, NULL)) != 0 ||
				    (r = get_str(b, s, sizeof s, NULL)) != 0)
					return r;
			}
			return 0;
		case OP_GETDEVICEINFO:
			if (st == NFS4ERR_TOOSMALL) {
				if ((r = xdrbuf_get_u32(b, &u)) != 0)
					return r;
				tok(l, "mincount=%u", u);
			}
			return 0;
		case OP_LAYOUTGET:
			if (st == NFS4ERR_LAYOUTTRYLATER) {
				if ((r = xdrbuf_get_u32(b, &u)) != 0)
					return r;
				tok(l, "will_signal=%u", u);
			}
			return 0;
		case OP_COPY:
			if (st == NFS4ERR_OFFLOAD_NO_REQS) {
				if ((r = xdrbuf_get_u32(b, &u)) != 0 ||
				    (r = xdrbuf_get_u32(b, &u2)) != 0)
					return r;
				tok(l, "consecutive=%u synchronous=%u", u, u2);
			}
			return 0;
		default:
			return 0;
		}
	}
	switch (op) {
	case NFSC_OP_PUTFH: case NFSC_OP_PUTROOTFH: case OP_PUTPUBFH:
	case NFSC_OP_LOOKUP: case OP_LOOKUPP: case NFSC_OP_SAVEFH:
	case NFSC_OP_RESTOREFH: case OP_VERIFY: case OP_NVERIFY:
	case OP_RENEW: case OP_SETCLIENTID_CONFIRM: case OP_RELEASE_LOCKOWNER:
	case OP_DELEGPURGE: case OP_DELEGRETURN: case OP_OPENATTR:
	case OP_FREE_STATEID: case NFSC_OP_RECLAIM_COMPLETE:
	case OP_DESTROY_CLIENTID: case NFSC_OP_DESTROY_SESSION:
	case OP_ALLOCATE: case OP_DEALLOCATE: case OP_CLONE:
	case OP_LAYOUTERROR: case OP_LAYOUTSTATS: case OP_OFFLOAD_CANCEL:
	case OP_BACKCHANNEL_CTL:
	case NFSC_OP_ILLEGAL:
		return 0;
	case NFSC_OP_GETFH:
		if ((r = xdrbuf_get_opaque(b, NFSC_FHSIZE, buf, sizeof buf,
		    &len)) != 0)
			return r;
		if (cf->last.nfh < (int)nitems(cf->last.fh)) {
			cf->last.fh[cf->last.nfh].len = (uint32_t)len;
			memcpy(cf->last.fh[cf->last.nfh].data, buf, len);
			cf->last.nfh++;
		}
		tok(l, "fh=%s", cf_label(cf, "fh", buf, len));
		return 0;
	case NFSC_OP_GETATTR:
		return dec_fattr(cf, b, l, "mask");
	case NFSC_OP_ACCESS:
		if ((r = xdrbuf_get_u32(b, &u)) != 0 ||
		    (r = xdrbuf_get_u32(b, &u2)) != 0)
			return r;
		tok(l, "supported=0x%x access=0x%x", u, u2);
		return 0;
	case NFSC_OP_CLOSE: case OP_OPEN_CONFIRM: case OP_OPEN_DOWNGRADE:
	case OP_LOCK: case OP_LOCKU:
		return dec_sid(cf, b, l, "sid");
	case NFSC_OP_COMMIT:
		if ((r = xdrbuf_get_opaque_fixed(b, buf, 8)) != 0)
			return r;
		tok(l, "verf=%s", cf_label(cf, "wverf", buf, 8));
		return 0;
	case NFSC_OP_CREATE:
		if ((r = dec_cinfo(b, l, "cinfo")) != 0 ||
		    (r = get_bitmap(b, (uint32_t[8]){ 0 }, 8, &n, s, 256)) != 0)
			return r;
		tok(l, "attrset=%s", s);
		return 0;
	case OP_LINK: case NFSC_OP_REMOVE:
		return dec_cinfo(b, l, "cinfo");
	case NFSC_OP_RENAME:
		if ((r = dec_cinfo(b, l, "source")) != 0)
			return r;
		return dec_cinfo(b, l, "target");
	case OP_LOCKT:
		return 0;
	case NFSC_OP_OPEN:
		if ((r = dec_sid(cf, b, l, "sid")) != 0 ||
		    (r = dec_cinfo(b, l, "cinfo")) != 0 ||
		    (r = xdrbuf_get_u32(b, &cf->last.rflags)) != 0 ||
		    (r = get_bitmap(b, (uint32_t[8]){ 0 }, 8, &n, s, 256)) != 0 ||
		    (r = xdrbuf_get_u32(b, &u)) != 0)
			return r;
		tok(l, "rflags=0x%x attrset=%s", cf->last.rflags, s);
		switch (u) {
		case 0:
			tok(l, "deleg=none");
			return 0;
		case 3:		/* OPEN_DELEGATE_NONE_EXT: why_no_delegation4 */
			if ((r = xdrbuf_get_u32(b, &u2)) != 0)
				return r;
			if ((u2 == 1 || u2 == 2) && (r = xdrbuf_skip(b, 4)) != 0)
				return r;
			tok(l, "deleg=none_ext:%u", u2);
			return 0;
		default:
			/* A read or write delegation: not decoded further. */
			tok(l, "deleg=%s", u == 1 ? "read" : u == 2 ? "write" : "?");
			return 0;
		}
	case NFSC_OP_READ:
		if ((r = xdrbuf_get_u32(b, &u)) != 0 ||
		    (r = xdrbuf_get_opaque_len(b, 128 * 1024 * 1024, &len)) != 0 ||
		    (r = xdrbuf_skip_opaque_fixed(b, len)) != 0)
			return r;
		tok(l, "eof=%u count=%zu", u, len);
		return 0;
	case OP_READ_PLUS:
		if ((r = xdrbuf_get_u32(b, &u)) != 0 ||
		    (r = xdrbuf_get_u32(b, &n)) != 0)
			return r;
		tok(l, "eof=%u segments=%u", u, n);
		for (j = 0; j < n && j < 1024; j++) {
			if ((r = xdrbuf_get_u32(b, &u2)) != 0 ||
			    (r = xdrbuf_get_u64(b, &v)) != 0)
				return r;
			if (u2 == 0) {		/* NFS4_CONTENT_DATA */
				if ((r = xdrbuf_get_opaque_len(b, 128 * 1024 * 1024,
				    &len)) != 0 ||
				    (r = xdrbuf_skip_opaque_fixed(b, len)) != 0)
					return r;
				tok(l, "data@%llu+%zu", (unsigned long long)v, len);
			} else {
				uint64_t hl;

				if ((r = xdrbuf_get_u64(b, &hl)) != 0)
					return r;
				tok(l, "hole@%llu+%llu", (unsigned long long)v,
				    (unsigned long long)hl);
			}
		}
		return 0;
	case NFSC_OP_READDIR:
		return dec_readdir(cf, b, l);
	case OP_READLINK:
		if ((r = get_str(b, s, sizeof s, &len)) != 0)
			return r;
		tok(l, "link=%s", len > 60 ? "(long)" : s);
		tok(l, "linklen=%zu", len);
		return 0;
	case NFSC_OP_SETATTR:
		if ((r = get_bitmap(b, (uint32_t[8]){ 0 }, 8, &n, s, 256)) != 0)
			return r;
		tok(l, "attrsset=%s", s);
		return 0;
	case OP_SECINFO: case OP_SECINFO_NO_NAME:
		return dec_secinfo(b, l);
	case OP_SETCLIENTID:
		if ((r = xdrbuf_get_u64(b, &cf->last.clientid)) != 0 ||
		    (r = xdrbuf_get_opaque_fixed(b, cf->last.confirm, 8)) != 0)
			return r;
		tok(l, "clientid=%s", cf_label(cf, "client", &cf->last.clientid,
		    8));
		return 0;
	case NFSC_OP_WRITE:
		if ((r = xdrbuf_get_u32(b, &u)) != 0 ||
		    (r = xdrbuf_get_u32(b, &u2)) != 0 ||
		    (r = xdrbuf_get_opaque_fixed(b, buf, 8)) != 0)
			return r;
		tok(l, "count=%u committed=%u verf=%s", u, u2,
		    cf_label(cf, "wverf", buf, 8));
		return 0;
	case NFSC_OP_EXCHANGE_ID:	/* EXCHANGE_ID4resok (RFC 8881 §18.35.2) */
		if ((r = xdrbuf_get_u64(b, &v)) != 0 ||
		    (r = xdrbuf_get_u32(b, &u)) != 0 ||
		    (r = xdrbuf_get_u32(b, &u2)) != 0 ||
		    (r = xdrbuf_get_u32(b, &n)) != 0)
			return r;
		tok(l, "clientid=%s", cf_label(cf, "client", &v, sizeof v));
		tok(l, "flags=0x%x state_protect=%u", u2, n);
		if (n != 0)
			return EFSGW_ERR_BAD_VALUE;	/* SP4_MACH_CRED, SP4_SSV */
		if ((r = xdrbuf_get_u64(b, &v)) != 0 ||
		    (r = get_str(b, s, sizeof s, NULL)) != 0)
			return r;
		tok(l, "server_owner=%llu/%s", (unsigned long long)v, s);
		if ((r = get_str(b, s, sizeof s, NULL)) != 0 ||
		    (r = xdrbuf_get_u32(b, &n)) != 0)
			return r;
		tok(l, "scope=%s impl_ids=%u", s, n);
		if (n > 1)
			return EFSGW_ERR_TOO_MANY;
		if (n == 1 && ((r = get_str(b, s, sizeof s, NULL)) != 0 ||
		    (r = get_str(b, s, sizeof s, NULL)) != 0 ||
		    (r = xdrbuf_skip(b, 12)) != 0))
			return r;
		return 0;
	case OP_LAYOUTRETURN:		/* layoutreturn_stateid (RFC 8881 §18.44.2) */
		if ((r = xdrbuf_get_u32(b, &u)) != 0)
			return r;
		if (u)
			return dec_sid(cf, b, l, "lrs");
		tok(l, "lrs=none");
		return 0;
	case OP_IO_ADVISE:
		if ((r = get_bitmap(b, (uint32_t[8]){ 0 }, 8, &n, s, 256)) != 0)
			return r;
		tok(l, "hints=%s", s);
		return 0;
	case OP_TEST_STATEID:
		if ((r = xdrbuf_get_u32(b, &n)) != 0)
			return r;
		if (n > 64)
			return EFSGW_ERR_TOO_MANY;
		for (j = 0; j < n; j++) {
			if ((r = xdrbuf_get_u32(b, &u)) != 0)
				return r;
			tok(l, "stateid%u=%s", j, nfsc_stat_name(u));
		}
		return 0;
	case OP_SEEK:
		if ((r = xdrbuf_get_u32(b, &u)) != 0 ||
		    (r = xdrbuf_get_u64(b, &v)) != 0)
			return r;
		tok(l, "eof=%u offset=%llu", u, (unsigned long long)v);
		return 0;
	case OP_COPY:
		/* write_response4: callback id<1>, count, committed, verifier. */
		if ((r = xdrbuf_get_u32(b, &n)) != 0)
			return r;
		if (n > 1)
			return EFSGW_ERR_TOO_MANY;
		if (n == 1 && (r = xdrbuf_skip(b, 16)) != 0)
			return r;
		if ((r = xdrbuf_get_u64(b, &v)) != 0 ||
		    (r = xdrbuf_get_u32(b, &u)) != 0 ||
		    (r = xdrbuf_skip(b, 8)) != 0 ||
		    (r = xdrbuf_get_u32(b, &u2)) != 0 ||
		    (r = xdrbuf_get_u32(b, &n)) != 0)
			return r;
		tok(l, "async=%u count=%llu committed=%u consecutive=%u "
		    "synchronous=%u", n == 1, (unsigned long long)v, u, u2, n);
		return 0;
	case OP_GETXATTR:
		if ((r = xdrbuf_get_opaque_len(b, MAXSTR, &len)) != 0 ||
		    (r = xdrbuf_skip_opaque_fixed(b, len)) != 0)
			return r;
		tok(l, "valuelen=%zu", len);
		return 0;
	case OP_SETXATTR: case OP_REMOVEXATTR:
		return dec_cinfo(b, l, "cinfo");
	default:
		break;
	}
	/* A result this test does not decode: its length is unknown. */
	tok(l, "undecoded");
	return EFSGW_ERR_BAD_VALUE;
}

/* The seqid rule of RFC 7530 §9.1.7 for the owners of this case. */
static void
seqid_done(struct cf *cf, uint32_t op, uint32_t st, int newlock)
{
	if (!cf->v40)
		return;
	switch (st) {
	case 10022: case 10023: case 10025: case 10026: case 10036:
	case 10018: case 10020: case 10019:
		return;
	}
	switch (op) {
	case NFSC_OP_OPEN: case OP_OPEN_CONFIRM: case OP_OPEN_DOWNGRADE:
	case NFSC_OP_CLOSE:
		cf->oseq++;
		break;
	case OP_LOCK:
		if (newlock)
			cf->oseq++;
		cf->lseq++;
		break;
	case OP_LOCKU:
		cf->lseq++;
		break;
	}
}

/* Decode every result. */
int
cf_decode(struct cf *cf, struct cf_call *call, const uint8_t *p, size_t len,
    uint32_t nres)
{
	struct evbuffer_iovec iov;
	struct xdrbuf b;
	uint32_t i, op, st;
	struct line l;
	int r;

	xdrbuf_init_mem(&b, &iov, p, len);
	for (i = 0; i < nres; i++) {
		if ((r = xdrbuf_get_u32(&b, &op)) != 0 ||
		    (r = xdrbuf_get_u32(&b, &st)) != 0)
			return r;
		l.n = 0;
		l.s[0] = '\0';
		if ((int)i < call->nops && op != call->ops[i] &&
		    op != NFSC_OP_ILLEGAL)
			tok(&l, "unexpected-op");
		r = dec_op(cf, op, st, &b, &l);
		if ((int)i < call->nops) {
			seqid_done(cf, op, st, call->newlock[i]);
			if (call->hidden[i] && r == 0 && st == 0) {
				cf->last.nhidden++;
				continue;
			}
		}
		fprintf(cf->out, "RES %s %s%s\n", nfsc_op_name(op),
		    nfsc_stat_name(st), l.s);
		if (r != 0)
			return r;
	}
	if (xdrbuf_remaining(&b) != 0)
		fprintf(cf->out, "TRAILING %zu\n", xdrbuf_remaining(&b));
	return 0;
}
