/*
 * efsgw - conform-ops: the op encoders of the conformance test. Each
 * writes its op's arguments as RFC 7530 §16 (4.0), RFC 8881 §18 (4.1) or
 * RFC 7862 §15 (4.2) give them, edge values included, and a short
 * description of them for the transcript. In 4.0 the open-owner and
 * lock-owner seqids come from the run (conform-dec.c advances them).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "conform.h"

#define ATTR_STD_WORDS	3

/*
 * Every attribute conform-dec.c can decode and GETATTR may ask for, but
 * clone_blksize (77) and change_attr_type (79), which Ganesha answers
 * INVAL in any minor version: cases of their own ask for them.
 */
static const uint32_t attr_std[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19,
	20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36,
	37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 49, 50, 51, 52, 53, 55,
	56, 57, 60, 62, 64, 65, 66, 75, 76, 82,
};

/* A description of a stateid: special ones by name, others by label. */
static const char *
sid_desc(const struct nfsc_stateid *s)
{
	static const uint8_t zero[12];
	static const uint8_t ones[12] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (s == NULL || (s->seqid == 0 && memcmp(s->other, zero, 12) == 0))
		return "anon";
	if (s->seqid == 0xffffffffu && memcmp(s->other, ones, 12) == 0)
		return "bypass";
	if (s->seqid == 1 && memcmp(s->other, zero, 12) == 0)
		return "current";
	return "sid";
}

/* Encode a stateid4; NULL is the anonymous one. */
static void
put_sid(struct cfbuf *b, const struct nfsc_stateid *s)
{
	static const uint8_t zero[12];

	cfb_u32(b, s != NULL ? s->seqid : 0);
	cfb_fixed(b, s != NULL ? s->other : zero, 12);
}

/* The client's root: the export directly (hidden LOOKUP), "/" through efsgw. */
void
op_root(struct cf *cf, struct cf_call *call)
{
	struct cfbuf a = { 0 };

	cf_add(call, NFSC_OP_PUTROOTFH, NULL, NULL);
	if (cf->prefix != NULL) {
		call->hidden[call->nops] = 1;
		cfb_str(&a, cf->prefix);
		cf_add(call, NFSC_OP_LOOKUP, &a, NULL);
		cfb_free(&a);
	}
}

/* PUTROOTFH as it is: the top of the server's name space. */
void
op_putrootfh(struct cf_call *call)
{
	cf_add(call, NFSC_OP_PUTROOTFH, NULL, NULL);
}

/* PUTFH of fh (described by its label). */
void
op_putfh(struct cf *cf, struct cf_call *call, const struct nfsc_fh *fh)
{
	struct cfbuf a = { 0 };
	char l[32];

	snprintf(l, sizeof l, "%s", cf_label(cf, "fh", fh->data, fh->len));
	cfb_opaque(&a, fh->data, fh->len);
	cf_add(call, NFSC_OP_PUTFH, &a, "%s", l);
	cfb_free(&a);
}

/* PUTFH of this version's work directory. */
void
op_work(struct cf *cf, struct cf_call *call)
{
	op_putfh(cf, call, &cf->work);
}

/* LOOKUP of len bytes of name (any bytes). */
void
op_lookup_n(struct cf_call *call, const char *name, size_t len)
{
	struct cfbuf a = { 0 };

	cfb_opaque(&a, name, len);
	if (len > 40)
		cf_add(call, NFSC_OP_LOOKUP, &a, "%zu bytes", len);
	else
		cf_add(call, NFSC_OP_LOOKUP, &a, "\"%.*s\"", (int)len, name);
	cfb_free(&a);
}

/* LOOKUP of a NUL-terminated name. */
void
op_lookup(struct cf_call *call, const char *name)
{
	op_lookup_n(call, name, strlen(name));
}

/* An op without arguments (GETFH, SAVEFH, LOOKUPP, ...). */
void
op_void(struct cf_call *call, uint32_t op)
{
	cf_add(call, op, NULL, NULL);
}

/* GETATTR of a bitmap of n words as given. */
void
op_getattr_words(struct cf_call *call, const uint32_t *w, uint32_t n)
{
	struct cfbuf a = { 0 };
	char d[256];
	size_t off = 0;
	uint32_t i;

	cfb_u32(&a, n);
	for (i = 0; i < n; i++) {
		cfb_u32(&a, w[i]);
		if (off < sizeof d - 12)
			off += (size_t)snprintf(d + off, sizeof d - off, "%s%x",
			    i ? "," : "", w[i]);
	}
	d[off] = '\0';
	cf_add(call, NFSC_OP_GETATTR, &a, "%u words: %s", n, n ? d : "-");
	cfb_free(&a);
}

/* GETATTR of every attribute this test decodes. */
void
op_getattr_std(struct cf_call *call)
{
	struct cfbuf a = { 0 };
	uint32_t w[ATTR_STD_WORDS] = { 0 };
	size_t i;

	for (i = 0; i < nitems(attr_std); i++)
		w[attr_std[i] / 32] |= 1u << (attr_std[i] % 32);
	cfb_u32(&a, ATTR_STD_WORDS);
	for (i = 0; i < ATTR_STD_WORDS; i++)
		cfb_u32(&a, w[i]);
	cf_add(call, NFSC_OP_GETATTR, &a, "all");
	cfb_free(&a);
}

/* ACCESS of bits. */
void
op_access(struct cf_call *call, uint32_t bits)
{
	struct cfbuf a = { 0 };

	cfb_u32(&a, bits);
	cf_add(call, NFSC_OP_ACCESS, &a, "0x%x", bits);
	cfb_free(&a);
}

/* CREATE (RFC 8881 §18.4): mode 0755 in createattrs. */
void
op_create(struct cf_call *call, uint32_t type, const char *name,
    const char *linkdata)
{
	struct cfbuf a = { 0 };

	cfb_u32(&a, type);
	if (type == NFSC_NF4LNK)
		cfb_str(&a, linkdata);
	else if (type == 3 || type == 4) {	/* NF4BLK, NF4CHR: specdata4 */
		cfb_u32(&a, 1);
		cfb_u32(&a, 1);
	}
	cfb_str(&a, name);
	cfb_u32(&a, 2);				/* fattr4: bitmap of mode */
	cfb_u32(&a, 0);
	cfb_u32(&a, 1u << (33 - 32));
	cfb_u32(&a, 4);
	cfb_u32(&a, 0755);
	if (strlen(name) > 40)
		cf_add(call, NFSC_OP_CREATE, &a, "type=%u %zu-byte name", type,
		    strlen(name));
	else
		cf_add(call, NFSC_OP_CREATE, &a, "type=%u \"%s\"%s%s", type,
		    name, linkdata ? " -> " : "", linkdata ? linkdata : "");
	cfb_free(&a);
}

/*
 * OPEN (RFC 7530 §16.16, RFC 8881 §18.16). create: 0 no, 1 UNCHECKED4,
 * 2 GUARDED4, 3 EXCLUSIVE4, 4 EXCLUSIVE4_1 (4.1). claim: CLAIM_NULL (0)
 * with name in the current directory, CLAIM_FH (4) of the current file,
 * or another claim type with no further arguments than its own.
 */
void
op_open(struct cf *cf, struct cf_call *call, const char *name,
    uint32_t access, uint32_t deny, int create, uint32_t claim)
{
	static const char *const how[] = { "NOCREATE", "UNCHECKED", "GUARDED",
	    "EXCLUSIVE", "EXCLUSIVE4_1" };
	struct cfbuf a = { 0 };
	uint8_t verf[8] = { 'c', 'o', 'n', 'f', 'o', 'r', 'm', '!' };

	cfb_u32(&a, cf->v40 ? cf->oseq : 0);
	cfb_u32(&a, access);
	cfb_u32(&a, deny);
	cfb_u64(&a, (cf->c != NULL ? nfsc_clientid(cf->c) : 0));
	cfb_str(&a, cf->owner);
	if (create == 0)
		cfb_u32(&a, 0);
	else {
		cfb_u32(&a, 1);			/* OPEN4_CREATE */
		cfb_u32(&a, (uint32_t)create - 1);
		if (create == 1 || create == 2) {
			cfb_u32(&a, 2);		/* fattr4: mode 0644 */
			cfb_u32(&a, 0);
			cfb_u32(&a, 1u << (33 - 32));
			cfb_u32(&a, 4);
			cfb_u32(&a, 0644);
		} else if (create == 3)
			cfb_fixed(&a, verf, 8);
		else {				/* creatverfattr */
			cfb_fixed(&a, verf, 8);
			cfb_u32(&a, 0);
			cfb_u32(&a, 0);
		}
	}
	cfb_u32(&a, claim);
	switch (claim) {
	case 0:				/* CLAIM_NULL */
	case 2:				/* CLAIM_DELEGATE_CUR: stateid + name */
	case 3:				/* CLAIM_DELEGATE_PREV: name */
		if (claim == 2)
			put_sid(&a, NULL);
		cfb_str(&a, name);
		break;
	case 1:				/* CLAIM_PREVIOUS: delegation type */
		cfb_u32(&a, 0);
		break;
	case 5:				/* CLAIM_DELEG_CUR_FH: stateid */
		put_sid(&a, NULL);
		break;
	default:			/* CLAIM_FH (4), CLAIM_DELEG_PREV_FH (6): void */
		break;
	}
	cf_add(call, NFSC_OP_OPEN, &a, "\"%s\" access=%u deny=%u %s claim=%u",
	    name, access, deny, how[create < 5 ? create : 0], claim);
	cfb_free(&a);
}

/* OPEN_CONFIRM of the last stateid returned (RFC 7530 §16.18). */
void
op_open_confirm(struct cf *cf, struct cf_call *call)
{
	struct cfbuf a = { 0 };

	put_sid(&a, &cf->last.sid);
	cfb_u32(&a, cf->oseq);
	cf_add(call, OP_OPEN_CONFIRM, &a, "sid");
	cfb_free(&a);
}

/* OPEN_DOWNGRADE of sid to access and deny. */
void
op_open_downgrade(struct cf *cf, struct cf_call *call,
    const struct nfsc_stateid *sid, uint32_t access, uint32_t deny)
{
	struct cfbuf a = { 0 };

	put_sid(&a, sid);
	cfb_u32(&a, cf->v40 ? cf->oseq : 0);
	cfb_u32(&a, access);
	cfb_u32(&a, deny);
	cf_add(call, OP_OPEN_DOWNGRADE, &a, "%s access=%u deny=%u",
	    sid_desc(sid), access, deny);
	cfb_free(&a);
}

/* CLOSE of sid. */
void
op_close(struct cf *cf, struct cf_call *call, const struct nfsc_stateid *sid)
{
	struct cfbuf a = { 0 };

	cfb_u32(&a, cf->v40 ? cf->oseq : 0);
	put_sid(&a, sid);
	cf_add(call, NFSC_OP_CLOSE, &a, "%s", sid_desc(sid));
	cfb_free(&a);
}

/* READ or READ_PLUS: same arguments. */
void
op_read(struct cf_call *call, uint32_t op, const struct nfsc_stateid *sid,
    uint64_t off, uint32_t count)
{
	struct cfbuf a = { 0 };

	put_sid(&a, sid);
	cfb_u64(&a, off);
	cfb_u32(&a, count);
	cf_add(call, op, &a, "%s off=%llu count=%u", sid_desc(sid),
	    (unsigned long long)off, count);
	cfb_free(&a);
}

/* WRITE of len bytes of a fixed pattern. */
void
op_write(struct cf_call *call, const struct nfsc_stateid *sid, uint64_t off,
    uint32_t stable, uint32_t len)
{
	struct cfbuf a = { 0 };
	uint8_t *data;
	uint32_t i;

	if ((data = malloc(len ? len : 1)) == NULL)
		fatalx("out of memory");
	for (i = 0; i < len; i++)
		data[i] = (uint8_t)('a' + i % 26);
	put_sid(&a, sid);
	cfb_u64(&a, off);
	cfb_u32(&a, stable);
	cfb_opaque(&a, data, len);
	free(data);
	cf_add(call, NFSC_OP_WRITE, &a, "%s off=%llu stable=%u len=%u",
	    sid_desc(sid), (unsigned long long)off, stable, len);
	cfb_free(&a);
}

/* COMMIT of count bytes at off. */
void
op_commit(struct cf_call *call, uint64_t off, uint32_t count)
{
	struct cfbuf a = { 0 };

	cfb_u64(&a, off);
	cfb_u32(&a, count);
	cf_add(call, NFSC_OP_COMMIT, &a, "off=%llu count=%u",
	    (unsigned long long)off, count);
	cfb_free(&a);
}

/* READDIR asking for type and fileid of each entry. */
void
op_readdir(struct cf_call *call, uint64_t cookie, const uint8_t verf[8],
    uint32_t dircount, uint32_t maxcount)
{
	static const uint8_t zero[8];
	struct cfbuf a = { 0 };

	cfb_u64(&a, cookie);
	cfb_fixed(&a, verf != NULL ? verf : zero, 8);
	cfb_u32(&a, dircount);
	cfb_u32(&a, maxcount);
	cfb_u32(&a, 1);
	cfb_u32(&a, (1u << 1) | (1u << 20));
	cf_add(call, NFSC_OP_READDIR, &a, "cookie=%s verf=%s dircount=%u "
	    "maxcount=%u", cookie ? "last" : "0", verf ? "last" : "0",
	    dircount, maxcount);
	cfb_free(&a);
}

/* An op whose argument is one component name (REMOVE, LINK, SECINFO, ...). */
void
op_name(struct cf_call *call, uint32_t op, const char *name)
{
	struct cfbuf a = { 0 };

	cfb_str(&a, name);
	if (strlen(name) > 40)
		cf_add(call, op, &a, "%zu-byte name", strlen(name));
	else
		cf_add(call, op, &a, "\"%s\"", name);
	cfb_free(&a);
}

/* RENAME from (in the saved directory) to (in the current one). */
void
op_rename(struct cf_call *call, const char *from, const char *to)
{
	struct cfbuf a = { 0 };

	cfb_str(&a, from);
	cfb_str(&a, to);
	cf_add(call, NFSC_OP_RENAME, &a, "\"%s\" -> \"%s\"", from, to);
	cfb_free(&a);
}

/* SETATTR (with a stateid), VERIFY or NVERIFY of one attribute. */
void
op_fattr(struct cf_call *call, uint32_t op, const struct nfsc_stateid *sid,
    uint32_t attr, const void *val, size_t len, const char *what)
{
	struct cfbuf a = { 0 };
	uint32_t i, n = attr / 32 + 1;

	if (op == NFSC_OP_SETATTR)
		put_sid(&a, sid);
	cfb_u32(&a, n);
	for (i = 0; i < n; i++)
		cfb_u32(&a, i == attr / 32 ? 1u << (attr % 32) : 0);
	cfb_opaque(&a, val, len);
	cf_add(call, op, &a, "%s=%s", cf_attr_name(attr), what);
	cfb_free(&a);
}

/*
 * LOCK (RFC 7530 §16.10): with open_sid, a new lock-owner from that open
 * (open_to_lock_owner4); with lock_sid, the existing lock-owner.
 */
void
op_lock(struct cf *cf, struct cf_call *call, uint32_t type, uint64_t off,
    uint64_t len, const struct nfsc_stateid *open_sid,
    const struct nfsc_stateid *lock_sid)
{
	struct cfbuf a = { 0 };

	cfb_u32(&a, type);
	cfb_u32(&a, 0);				/* reclaim */
	cfb_u64(&a, off);
	cfb_u64(&a, len);
	if (lock_sid == NULL) {
		cfb_u32(&a, 1);			/* new_lock_owner */
		cfb_u32(&a, cf->v40 ? cf->oseq : 0);
		put_sid(&a, open_sid);
		cfb_u32(&a, cf->v40 ? cf->lseq : 0);
		cfb_u64(&a, (cf->c != NULL ? nfsc_clientid(cf->c) : 0));
		cfb_str(&a, cf->lowner);
		call->newlock[call->nops] = 1;
	} else {
		cfb_u32(&a, 0);
		put_sid(&a, lock_sid);
		cfb_u32(&a, cf->v40 ? cf->lseq : 0);
	}
	cf_add(call, OP_LOCK, &a, "type=%u off=%llu len=%llu %s", type,
	    (unsigned long long)off, (unsigned long long)len,
	    lock_sid == NULL ? "new owner" : "same owner");
	cfb_free(&a);
}

/* LOCKT for the lock-owner named owner. */
void
op_lockt(struct cf *cf, struct cf_call *call, uint32_t type, uint64_t off,
    uint64_t len, const char *owner)
{
	struct cfbuf a = { 0 };

	cfb_u32(&a, type);
	cfb_u64(&a, off);
	cfb_u64(&a, len);
	cfb_u64(&a, (cf->c != NULL ? nfsc_clientid(cf->c) : 0));
	cfb_str(&a, owner);
	cf_add(call, OP_LOCKT, &a, "type=%u off=%llu len=%llu owner=%s", type,
	    (unsigned long long)off, (unsigned long long)len,
	    strcmp(owner, cf->lowner) == 0 ? "same" : "other");
	cfb_free(&a);
}

/* LOCKU of a range of the lock stateid sid. */
void
op_locku(struct cf *cf, struct cf_call *call, const struct nfsc_stateid *sid,
    uint64_t off, uint64_t len)
{
	struct cfbuf a = { 0 };

	cfb_u32(&a, 2);				/* WRITE_LT */
	cfb_u32(&a, cf->v40 ? cf->lseq : 0);
	put_sid(&a, sid);
	cfb_u64(&a, off);
	cfb_u64(&a, len);
	cf_add(call, OP_LOCKU, &a, "off=%llu len=%llu",
	    (unsigned long long)off, (unsigned long long)len);
	cfb_free(&a);
}

/* SECINFO_NO_NAME of style (0 CURRENT_FH, 1 PARENT). */
void
op_secinfo_no_name(struct cf_call *call, uint32_t style)
{
	struct cfbuf a = { 0 };

	cfb_u32(&a, style);
	cf_add(call, OP_SECINFO_NO_NAME, &a, "%s", style ? "PARENT" : "CURRENT_FH");
	cfb_free(&a);
}

/* An op whose argument is one stateid (FREE_STATEID, OFFLOAD_STATUS, ...). */
void
op_sid(struct cf_call *call, uint32_t op, const struct nfsc_stateid *sid)
{
	struct cfbuf a = { 0 };

	put_sid(&a, sid);
	cf_add(call, op, &a, "%s", sid_desc(sid));
	cfb_free(&a);
}

/* ALLOCATE / DEALLOCATE (RFC 7862 §15.1, §15.4): stateid, offset, length. */
void
op_sid_range(struct cf_call *call, uint32_t op, const struct nfsc_stateid *sid,
    uint64_t off, uint64_t len)
{
	struct cfbuf a = { 0 };

	put_sid(&a, sid);
	cfb_u64(&a, off);
	cfb_u64(&a, len);
	cf_add(call, op, &a, "%s off=%llu len=%llu", sid_desc(sid),
	    (unsigned long long)off, (unsigned long long)len);
	cfb_free(&a);
}

/* SEEK (RFC 7862 §15.11): what 0 DATA, 1 HOLE. */
void
op_seek(struct cf_call *call, const struct nfsc_stateid *sid, uint64_t off,
    uint32_t what)
{
	struct cfbuf a = { 0 };

	put_sid(&a, sid);
	cfb_u64(&a, off);
	cfb_u32(&a, what);
	cf_add(call, OP_SEEK, &a, "off=%llu %s", (unsigned long long)off,
	    what ? "HOLE" : "DATA");
	cfb_free(&a);
}

/*
 * COPY (RFC 7862 §15.2: SAVED_FH source, CURRENT_FH destination,
 * synchronous, no source servers) or CLONE (§15.13).
 */
void
op_copy(struct cf_call *call, uint32_t op, const struct nfsc_stateid *src,
    const struct nfsc_stateid *dst, uint64_t soff, uint64_t doff,
    uint64_t count)
{
	struct cfbuf a = { 0 };

	put_sid(&a, src);
	put_sid(&a, dst);
	cfb_u64(&a, soff);
	cfb_u64(&a, doff);
	if (op == OP_CLONE)
		cfb_u64(&a, count);
	else {
		cfb_u64(&a, count);
		cfb_u32(&a, 1);			/* ca_consecutive */
		cfb_u32(&a, 1);			/* ca_synchronous */
		cfb_u32(&a, 0);			/* ca_source_server<> */
	}
	cf_add(call, op, &a, "src=%llu dst=%llu count=%llu",
	    (unsigned long long)soff, (unsigned long long)doff,
	    (unsigned long long)count);
	cfb_free(&a);
}
