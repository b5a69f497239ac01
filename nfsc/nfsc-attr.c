/*
 * efsgw - nfsc-attr: fattr4 (RFC 8881 §3.3.11: a bitmap4 and an opaque
 * attrlist4 holding each present attribute's value in bit order) for the
 * attributes the tests use. Decoding stops at the first attribute it has no
 * shape for and then skips to the end of the attrlist4, which is safe
 * because values are in ascending bit order.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "nfsc-int.h"

/* Encode the fattr4 for the settable attributes in s->mask. */
void
nfsc_attr_encode(struct nfsc_enc *e, const struct nfsc_sattr *s)
{
	struct nfsc_enc v;
	uint64_t mask = 0;

	nfsc_enc_init(&v);
	/* Values in ascending attribute number (RFC 8881 §5.8). */
	if (s->mask & NFSC_ABIT(NFSC_A_SIZE)) {
		mask |= NFSC_ABIT(NFSC_A_SIZE);
		nfsc_enc_u64(&v, s->size);
	}
	if (s->mask & NFSC_ABIT(NFSC_A_MODE)) {
		mask |= NFSC_ABIT(NFSC_A_MODE);
		nfsc_enc_u32(&v, s->mode & 07777);
	}
	if ((s->mask & NFSC_ABIT(NFSC_A_OWNER)) && s->owner != NULL) {
		mask |= NFSC_ABIT(NFSC_A_OWNER);
		nfsc_enc_string(&v, s->owner);
	}
	if ((s->mask & NFSC_ABIT(NFSC_A_OWNER_GROUP)) && s->group != NULL) {
		mask |= NFSC_ABIT(NFSC_A_OWNER_GROUP);
		nfsc_enc_string(&v, s->group);
	}
	if (s->mask & NFSC_ABIT(NFSC_A_TIME_MODIFY_SET)) {
		mask |= NFSC_ABIT(NFSC_A_TIME_MODIFY_SET);
		/* settime4: SET_TO_SERVER_TIME4 = 0, SET_TO_CLIENT_TIME4 = 1. */
		if (s->mtime_server)
			nfsc_enc_u32(&v, 0);
		else {
			nfsc_enc_u32(&v, 1);
			nfsc_enc_u64(&v, (uint64_t)s->mtime.sec);
			nfsc_enc_u32(&v, s->mtime.nsec);
		}
	}
	nfsc_enc_bitmap(e, mask);
	if (v.err != 0 && e->err == 0)
		e->err = v.err;
	nfsc_enc_opaque(e, v.p, v.len);
	nfsc_enc_free(&v);
}

/* Decode a bitmap4 into 64 bits; set bits beyond are an error. */
int
nfsc_attr_bitmap(struct xdrbuf *b, uint64_t *maskp)
{
	uint32_t n, i, w;
	int r;

	*maskp = 0;
	if ((r = xdrbuf_get_u32(b, &n)) != 0)
		return r;
	if (n > 8)
		return EFSGW_ERR_TOO_MANY;
	for (i = 0; i < n; i++) {
		if ((r = xdrbuf_get_u32(b, &w)) != 0)
			return r;
		if (i < 2)
			*maskp |= (uint64_t)w << (32 * i);
		else if (w != 0)
			return EFSGW_ERR_BAD_VALUE;
	}
	return 0;
}

/* Decode an nfstime4. */
static int
nfsc_attr_time(struct xdrbuf *b, struct nfsc_time *t)
{
	uint64_t s;
	int r;

	if ((r = xdrbuf_get_u64(b, &s)) != 0 || (r = xdrbuf_get_u32(b, &t->nsec)) != 0)
		return r;
	t->sec = (int64_t)s;
	return 0;
}

/* Decode fattr4 into *a. */
int
nfsc_attr_decode(struct xdrbuf *b, struct nfsc_attr *a)
{
	uint64_t mask, u;
	size_t off, len, end, slen;
	int bit, r;

	memset(a, 0, sizeof *a);
	if ((r = nfsc_attr_bitmap(b, &mask)) != 0)
		return r;
	if ((r = xdrbuf_skip_opaque(b, NFSC_MAX_RECORD, &off, &len)) != 0)
		return r;
	end = xdrbuf_pos(b);
	if ((r = xdrbuf_seek(b, off)) != 0)
		return r;
	for (bit = 0; bit < 64; bit++) {
		if (!(mask & NFSC_ABIT(bit)))
			continue;
		switch (bit) {
		case NFSC_A_TYPE:
			r = xdrbuf_get_u32(b, &a->type);
			break;
		case NFSC_A_CHANGE:
			r = xdrbuf_get_u64(b, &a->change);
			break;
		case NFSC_A_SIZE:
			r = xdrbuf_get_u64(b, &a->size);
			break;
		case NFSC_A_FSID:
			if ((r = xdrbuf_get_u64(b, &a->fsid_major)) == 0)
				r = xdrbuf_get_u64(b, &a->fsid_minor);
			break;
		case NFSC_A_FILEID:
			r = xdrbuf_get_u64(b, &a->fileid);
			break;
		case NFSC_A_MAXREAD:
			if ((r = xdrbuf_get_u64(b, &u)) == 0)
				a->maxread = u > UINT32_MAX ? UINT32_MAX : (uint32_t)u;
			break;
		case NFSC_A_MAXWRITE:
			if ((r = xdrbuf_get_u64(b, &u)) == 0)
				a->maxwrite = u > UINT32_MAX ? UINT32_MAX : (uint32_t)u;
			break;
		case NFSC_A_MODE:
			r = xdrbuf_get_u32(b, &a->mode);
			break;
		case NFSC_A_NUMLINKS:
			r = xdrbuf_get_u32(b, &a->nlink);
			break;
		case NFSC_A_OWNER:
			if ((r = xdrbuf_get_opaque(b, sizeof a->owner - 1, a->owner,
			    sizeof a->owner - 1, &slen)) == 0)
				a->owner[slen] = '\0';
			break;
		case NFSC_A_OWNER_GROUP:
			if ((r = xdrbuf_get_opaque(b, sizeof a->group - 1, a->group,
			    sizeof a->group - 1, &slen)) == 0)
				a->group[slen] = '\0';
			break;
		case NFSC_A_SPACE_USED:
			r = xdrbuf_get_u64(b, &a->space_used);
			break;
		case NFSC_A_TIME_ACCESS:
			r = nfsc_attr_time(b, &a->atime);
			break;
		case NFSC_A_TIME_METADATA:
			r = nfsc_attr_time(b, &a->ctime);
			break;
		case NFSC_A_TIME_MODIFY:
			r = nfsc_attr_time(b, &a->mtime);
			break;
		default:
			/* No shape known: later values cannot be located. */
			goto done;
		}
		if (r != 0)
			return r;
		if (xdrbuf_pos(b) > off + len)
			return EFSGW_ERR_TRUNCATED;
		a->mask |= NFSC_ABIT(bit);
	}
done:
	return xdrbuf_seek(b, end);
}
