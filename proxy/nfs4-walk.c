/*
 * efsgw - nfs4-walk: the COMPOUND walker.
 *
 * Interprets the type tables that xdrgen.py builds from nfs4.x over an
 * xdrbuf: COMPOUND4args/res (RFC 8881 §16.2, RFC 7530 §15) and
 * CB_COMPOUND4args/res (RFC 8881 §20, RFC 7530 §15.2). It decodes every
 * byte of every op, so that nothing unparsed is forwarded, and records
 * where each op starts and ends and where the fields the pipeline cares
 * about lie (marks). It never allocates and never copies the record; the
 * only memory it touches is the caller's struct nfs4_compound and its own
 * stack. Nesting is bounded (NFS4_WALK_MAX_DEPTH): tail positions (last
 * struct member, union arm, optional, last array item) loop instead of
 * recursing, so READDIR's entry4 list costs no depth however long it is.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "common.h"
#include "xdrbuf.h"
#include "nfs4.h"
#include "nfs4-xdr.h"

/* Deepest nesting nfs4.x needs is about 12 (CB_NOTIFY rename entries). */
#define NFS4_WALK_MAX_DEPTH	32
/* bitmap4 words whose bits can name an attribute the table has (0-255). */
#define NFS4_WALK_MAX_WORDS	8

enum nfs4_walk_dir {
	NFS4_WALK_ARGS,
	NFS4_WALK_RES,
	NFS4_WALK_CB_ARGS,
	NFS4_WALK_CB_RES,
};

struct nfs4_walk {
	struct xdrbuf		*b;
	struct nfs4_compound	*c;
	uint32_t		 markmask;	/* kinds reported this direction */
	uint16_t		 op;		/* index of the op being walked */
};

static int nfs4_walk_node(struct nfs4_walk *, uint32_t, int);

/* Record a mark of kind at [off, off + len) for the current op. */
static int
nfs4_walk_mark(struct nfs4_walk *w, unsigned int kind, size_t off, size_t len)
{
	struct nfs4_compound *c = w->c;
	struct nfs4_mark *m;

	if ((w->markmask & (1u << kind)) == 0)
		return 0;
	if (c->nmarks >= EFSGW_MAX_MARKS)
		return EFSGW_ERR_TOO_MANY;
	m = &c->marks[c->nmarks++];
	m->off = (uint32_t)off;
	m->len = (uint32_t)len;
	m->op = w->op;
	m->kind = (uint16_t)kind;
	return 0;
}

/* Find the arm of union node n for value v; NULL if none. */
static const struct nfs4_xdr_arm *
nfs4_walk_arm(const struct nfs4_xdr_node *n, uint32_t v)
{
	const struct nfs4_xdr_arm *arms = &nfs4_xdr_arms[n->a];
	uint32_t lo = 0, hi = n->n, mid;

	/* Dense tables (attributes 0..82) index directly. */
	if (v < n->n && arms[v].value == v)
		return &arms[v];
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (arms[mid].value == v)
			return &arms[mid];
		if (arms[mid].value < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Is v one of enum node n's values? */
static int
nfs4_walk_enum_ok(const struct nfs4_xdr_node *n, uint32_t v)
{
	const uint32_t *vals = &nfs4_xdr_enumvals[n->a];
	uint32_t lo = 0, hi = n->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (vals[mid] == v)
			return 1;
		if (vals[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * Walk a bitmapped struct (fattr4, RFC 8881 §5.6-5.8 / notify4, §20.4):
 * the bitmap, then the opaque holding one value per set bit, in bit order.
 * An attribute number the table lacks stops decoding of this list: its
 * value's size is unknown, so nothing after it can be located. Every
 * attribute 0-82 is known, so what stays undecoded can only follow
 * FILEHANDLE (19), size (4), owner (36) and owner_group (37); the rest
 * of the list is reported as NFS4_MARK_ATTRS_UNDECODED for the pipeline
 * to judge in arguments (a client setting one is odd; replies are not
 * marked, as nothing the gateway rewrites can hide there).
 * The opaque's length still bounds the list, and decoded values must
 * fill it exactly.
 */
static int
nfs4_walk_bitmapped(struct nfs4_walk *w, const struct nfs4_xdr_node *n,
    int depth)
{
	const struct nfs4_xdr_node *table = &nfs4_xdr_nodes[n->a];
	const struct nfs4_xdr_arm *arm;
	uint32_t words[NFS4_WALK_MAX_WORDS], nwords, i, bits, bit, v, extra;
	size_t len, end;
	int r;

	if ((r = xdrbuf_get_u32(w->b, &nwords)) != 0)
		return r;
	if (nwords > n->b)
		return EFSGW_ERR_TOO_LONG;
	/*
	 * A client may send a long bitmap (RFC 8881 §3.3.7: bitmap4 is
	 * unbounded); only the first words name attributes the table has,
	 * a bit further on is an unknown attribute like any other.
	 */
	extra = 0;
	for (i = 0; i < nwords; i++) {
		if ((r = xdrbuf_get_u32(w->b, &v)) != 0)
			return r;
		if (i < NFS4_WALK_MAX_WORDS)
			words[i] = v;
		else
			extra |= v;
	}
	if (nwords > NFS4_WALK_MAX_WORDS)
		nwords = NFS4_WALK_MAX_WORDS;
	if ((r = xdrbuf_get_opaque_len(w->b, n->c, &len)) != 0)
		return r;
	/*
	 * The value list is marked before what is inside it, so that a
	 * handle sealed inside can fix up the list's length in order.
	 */
	if ((r = nfs4_walk_mark(w, NFS4_MARK_ATTRLIST, xdrbuf_pos(w->b),
	    len)) != 0)
		return r;
	end = xdrbuf_pos(w->b) + len;
	for (i = 0; i < nwords; i++) {
		for (bits = words[i]; bits != 0; bits &= bits - 1) {
			bit = i * 32 + (uint32_t)__builtin_ctz(bits);
			if ((arm = nfs4_walk_arm(table, bit)) == NULL) {
				if ((r = nfs4_walk_mark(w,
				    NFS4_MARK_ATTRS_UNDECODED, xdrbuf_pos(w->b),
				    end - xdrbuf_pos(w->b))) != 0)
					return r;
				if ((r = xdrbuf_seek(w->b, end)) != 0)
					return r;
				goto done;
			}
			if ((r = nfs4_walk_node(w, arm->node, depth + 1)) != 0)
				return r;
			if (xdrbuf_pos(w->b) > end)
				return EFSGW_ERR_TRUNCATED;
		}
	}
	if (extra != 0 && xdrbuf_pos(w->b) < end) {
		/* Values of attributes past the table: not decoded. */
		if ((r = nfs4_walk_mark(w, NFS4_MARK_ATTRS_UNDECODED,
		    xdrbuf_pos(w->b), end - xdrbuf_pos(w->b))) != 0)
			return r;
		if ((r = xdrbuf_seek(w->b, end)) != 0)
			return r;
	}
	if (xdrbuf_pos(w->b) != end)
		return EFSGW_ERR_TRAILING;
done:
	/* Padding: get_opaque_len has checked it is there. */
	return xdrbuf_skip(w->b, (4 - (len & 3)) & 3);
}

/*
 * Walk node id at the cursor. depth counts real recursion only: tail
 * positions jump back to the top.
 */
static int
nfs4_walk_node(struct nfs4_walk *w, uint32_t id, int depth)
{
	const struct nfs4_xdr_node *n, *e;
	const struct nfs4_xdr_arm *arm;
	size_t start, off, len;
	uint32_t v, cnt, i, last;
	uint64_t v64;
	int r, bv, tail_ok;

	if (depth > NFS4_WALK_MAX_DEPTH)
		return EFSGW_ERR_DEPTH;
again:
	if (id >= NFS4_XDR_NNODES)
		return EFSGW_ERR_INTERNAL;
	n = &nfs4_xdr_nodes[id];
	start = xdrbuf_pos(w->b);
	/* A marked composite must end here so that its extent is known. */
	tail_ok = n->mark == 0;
	switch (n->kind) {
	case NFS4_XK_VOID:
		return 0;
	case NFS4_XK_U32:
		if ((r = xdrbuf_get_u32(w->b, &v)) != 0)
			return r;
		break;
	case NFS4_XK_BOOL:
		if ((r = xdrbuf_get_bool(w->b, &bv)) != 0)
			return r;
		break;
	case NFS4_XK_ENUM:
		/* On error the walk stops, so consuming first is fine. */
		if ((r = xdrbuf_get_u32(w->b, &v)) != 0)
			return r;
		if (!nfs4_walk_enum_ok(n, v))
			return EFSGW_ERR_BAD_VALUE;
		break;
	case NFS4_XK_U64:
		if ((r = xdrbuf_get_u64(w->b, &v64)) != 0)
			return r;
		break;
	case NFS4_XK_OPAQUE_FIXED:
		if ((r = xdrbuf_skip_opaque_fixed(w->b, n->a)) != 0)
			return r;
		if (n->mark != 0)
			return nfs4_walk_mark(w, n->mark, start, n->a);
		return 0;
	case NFS4_XK_OPAQUE:
		if ((r = xdrbuf_skip_opaque(w->b, n->a, &off, &len)) != 0)
			return r;
		if (n->mark != 0)
			return nfs4_walk_mark(w, n->mark, off, len);
		return 0;
	case NFS4_XK_ARRAY:
	case NFS4_XK_ARRAY_FIXED:
		if (n->kind == NFS4_XK_ARRAY_FIXED)
			cnt = n->b;
		else {
			if ((r = xdrbuf_get_u32(w->b, &cnt)) != 0)
				return r;
			if (cnt > n->b)
				return EFSGW_ERR_TOO_LONG;
		}
		if (cnt == 0)
			break;
		e = &nfs4_xdr_nodes[n->a];
		/* Plain words (bitmaps, status lists): skip them at once. */
		if (e->kind == NFS4_XK_U32 && e->mark == 0) {
			if ((r = xdrbuf_skip(w->b, (size_t)cnt * 4)) != 0)
				return r;
			break;
		}
		last = tail_ok ? cnt - 1 : cnt;
		for (i = 0; i < last; i++)
			if ((r = nfs4_walk_node(w, n->a, depth + 1)) != 0)
				return r;
		if (!tail_ok)
			break;
		id = n->a;
		goto again;
	case NFS4_XK_OPTIONAL:
		if ((r = xdrbuf_get_bool(w->b, &bv)) != 0)
			return r;
		if (!bv)
			break;
		if (!tail_ok) {
			if ((r = nfs4_walk_node(w, n->a, depth + 1)) != 0)
				return r;
			break;
		}
		id = n->a;
		goto again;
	case NFS4_XK_STRUCT:
		if (n->n == 0)
			break;
		last = tail_ok ? n->n - 1u : n->n;
		for (i = 0; i < last; i++)
			if ((r = nfs4_walk_node(w, nfs4_xdr_members[n->a + i],
			    depth + 1)) != 0)
				return r;
		if (!tail_ok)
			break;
		id = nfs4_xdr_members[n->a + n->n - 1];
		goto again;
	case NFS4_XK_UNION:
		e = &nfs4_xdr_nodes[n->b];
		if ((r = xdrbuf_get_u32(w->b, &v)) != 0)
			return r;
		if (e->kind == NFS4_XK_BOOL && v > 1)
			return EFSGW_ERR_BAD_VALUE;
		if ((arm = nfs4_walk_arm(n, v)) != NULL)
			id = arm->node;
		else if (n->c != NFS4_XDR_NO_ARM) {
			/* The default arm takes only the enum's own values. */
			if (e->kind == NFS4_XK_ENUM && !nfs4_walk_enum_ok(e, v))
				return EFSGW_ERR_BAD_VALUE;
			id = n->c;
		} else
			return EFSGW_ERR_BAD_DISCRIM;
		if (e->mark != 0 &&
		    (r = nfs4_walk_mark(w, e->mark, start, 4)) != 0)
			return r;
		if (!tail_ok) {
			if ((r = nfs4_walk_node(w, id, depth + 1)) != 0)
				return r;
			break;
		}
		goto again;
	case NFS4_XK_BITMAPPED:
		if ((r = nfs4_walk_bitmapped(w, n, depth)) != 0)
			return r;
		break;
	default:
		return EFSGW_ERR_INTERNAL;
	}
	if (n->mark != 0)
		return nfs4_walk_mark(w, n->mark, start, xdrbuf_pos(w->b) - start);
	return 0;
}

/* Note where op i failed and return r. */
static int
nfs4_walk_fail(struct nfs4_compound *c, uint32_t opcode, size_t start, int r)
{
	c->bad_op = c->nops;
	if (c->nops < NFS4_WALK_MAX_OPS) {
		c->ops[c->nops].opcode = opcode;
		c->ops[c->nops].start = (uint32_t)start;
		c->ops[c->nops].end = (uint32_t)start;
		c->ops[c->nops].status = 0;
	}
	return r;
}

/*
 * Walk one COMPOUND or CB_COMPOUND in direction dir. minor is the
 * request's minor version for results (ignored for arguments, which carry
 * their own).
 */
static int
nfs4_walk_compound(struct xdrbuf *b, enum nfs4_walk_dir dir, uint32_t minor,
    uint32_t maxops, struct nfs4_compound *c)
{
	const struct nfs4_op_info *info;
	struct nfs4_walk w;
	struct nfs4_op_ref *ref;
	size_t off, len, start;
	uint32_t i, opcode, status;
	int r, args = dir == NFS4_WALK_ARGS || dir == NFS4_WALK_CB_ARGS;
	int cb = dir == NFS4_WALK_CB_ARGS || dir == NFS4_WALK_CB_RES;

	/* Only the scalars: the arrays are valid up to nops / nmarks. */
	c->tag_off = c->tag_len = c->minorversion = c->status = 0;
	c->callback_ident = c->count_off = c->count = c->nops = 0;
	c->nmarks = c->bad_op = 0;

	w.b = b;
	w.c = c;
	w.op = 0;
	w.markmask = ~0u;
	/*
	 * Attribute marks serve confinement of what clients set (args). In
	 * replies they would only fill marks[] (a READDIR of 1000 entries).
	 */
	if (dir != NFS4_WALK_ARGS)
		w.markmask &= ~(1u << NFS4_MARK_ATTR_OWNER |
		    1u << NFS4_MARK_ATTR_OWNER_GROUP | 1u << NFS4_MARK_ATTR_SIZE |
		    1u << NFS4_MARK_ATTRS_UNDECODED | 1u << NFS4_MARK_NAME |
		    1u << NFS4_MARK_READDIR_MAXCOUNT | 1u << NFS4_MARK_READ_COUNT);
	else
		w.markmask &= ~(1u << NFS4_MARK_ATTR_MAXIO |
		    1u << NFS4_MARK_CHAN_MAXSIZE);

	start = xdrbuf_pos(b);
	if (!args && (r = xdrbuf_get_u32(b, &c->status)) != 0)
		return nfs4_walk_fail(c, 0, start, r);
	c->tag_off = (uint32_t)xdrbuf_pos(b);
	if ((r = xdrbuf_skip_opaque(b, EFSGW_MAX_TAG, &off, &len)) != 0)
		return nfs4_walk_fail(c, 0, xdrbuf_pos(b), r);
	c->tag_len = (uint32_t)len;
	if (args) {
		if ((r = xdrbuf_get_u32(b, &minor)) != 0)
			return nfs4_walk_fail(c, 0, xdrbuf_pos(b), r);
		c->minorversion = minor;
		/* RFC 8881 §16.2.3: the server answers MINOR_VERS_MISMATCH. */
		if (minor > NFS4_MAX_MINOR)
			return nfs4_walk_fail(c, 0, xdrbuf_pos(b),
			    EFSGW_ERR_BAD_VALUE);
		if (cb && (r = xdrbuf_get_u32(b, &c->callback_ident)) != 0)
			return nfs4_walk_fail(c, 0, xdrbuf_pos(b), r);
	} else {
		if (minor > NFS4_MAX_MINOR)
			return nfs4_walk_fail(c, 0, xdrbuf_pos(b),
			    EFSGW_ERR_BAD_VALUE);
		c->minorversion = minor;
	}
	c->count_off = (uint32_t)xdrbuf_pos(b);
	if ((r = xdrbuf_get_u32(b, &c->count)) != 0)
		return nfs4_walk_fail(c, 0, xdrbuf_pos(b), r);
	/* Style rule 11: refuse before decoding a single op. */
	if (c->count > maxops || maxops > NFS4_WALK_MAX_OPS)
		return nfs4_walk_fail(c, 0, xdrbuf_pos(b), EFSGW_ERR_TOO_MANY);

	for (i = 0; i < c->count; i++) {
		start = xdrbuf_pos(b);
		w.op = (uint16_t)i;
		if ((r = xdrbuf_get_u32(b, &opcode)) != 0)
			return nfs4_walk_fail(c, 0, start, r);
		info = cb ? nfs4_cb_op_lookup(minor, opcode) :
		    nfs4_op_lookup(minor, opcode);
		/*
		 * A result for an op of another minor version: the server
		 * (or the gateway) answering NOTSUPP or OP_ILLEGAL to it
		 * (RFC 8881 §15.2). It has that op's result shape.
		 */
		if (info == NULL && !args)
			info = cb ? nfs4_cb_op_any(opcode) : nfs4_op_any(opcode);
		if (info == NULL) {
			/* Unknown everywhere: report it as ILLEGAL. */
			if ((cb ? nfs4_cb_op_any(opcode) :
			    nfs4_op_any(opcode)) == NULL)
				opcode = OP_ILLEGAL;
			return nfs4_walk_fail(c, opcode, start,
			    EFSGW_ERR_UNKNOWN_OP);
		}
		/*
		 * RFC 8881 §18.51 / §20.13: ILLEGAL exists only as a result
		 * (the server's answer to a bad opcode); a client sending it
		 * sent an op that does not exist.
		 */
		if (args && info->opcode == OP_ILLEGAL)
			return nfs4_walk_fail(c, OP_ILLEGAL, start,
			    EFSGW_ERR_UNKNOWN_OP);
		status = 0;
		if (!args && (r = xdrbuf_peek_u32(b, &status)) != 0)
			return nfs4_walk_fail(c, opcode, start, r);
		if ((r = nfs4_walk_node(&w, args ? info->args_type :
		    info->res_type, 0)) != 0)
			return nfs4_walk_fail(c, opcode, start, r);
		ref = &c->ops[c->nops++];
		ref->opcode = opcode;
		ref->start = (uint32_t)start;
		ref->end = (uint32_t)xdrbuf_pos(b);
		ref->status = status;
	}
	/* The record must hold this COMPOUND and nothing else. */
	if (xdrbuf_remaining(b) != 0)
		return nfs4_walk_fail(c, 0, xdrbuf_pos(b), EFSGW_ERR_TRAILING);
	return 0;
}

/* Walk COMPOUND4args (RFC 8881 §16.2.1). */
int
nfs4_walk_compound_args(struct xdrbuf *b, struct nfs4_compound *c)
{
	return nfs4_walk_compound(b, NFS4_WALK_ARGS, 0, EFSGW_MAX_OPS, c);
}

/* Walk COMPOUND4args the gateway rewrote (guards added). */
int
nfs4_walk_forwarded_args(struct xdrbuf *b, struct nfs4_compound *c)
{
	return nfs4_walk_compound(b, NFS4_WALK_ARGS, 0, NFS4_WALK_MAX_OPS, c);
}

/* Walk COMPOUND4res (RFC 8881 §16.2.2) of a minorversion request. */
int
nfs4_walk_compound_res(struct xdrbuf *b, uint32_t minorversion,
    struct nfs4_compound *c)
{
	return nfs4_walk_compound(b, NFS4_WALK_RES, minorversion,
	    NFS4_WALK_MAX_OPS, c);
}

/* Walk CB_COMPOUND4args (RFC 8881 §20.1 ff., RFC 7530 §15.2). */
int
nfs4_walk_cb_compound_args(struct xdrbuf *b, struct nfs4_compound *c)
{
	return nfs4_walk_compound(b, NFS4_WALK_CB_ARGS, 0, EFSGW_MAX_OPS, c);
}

/* Walk CB_COMPOUND4res of a minorversion callback. */
int
nfs4_walk_cb_compound_res(struct xdrbuf *b, uint32_t minorversion,
    struct nfs4_compound *c)
{
	return nfs4_walk_compound(b, NFS4_WALK_CB_RES, minorversion,
	    EFSGW_MAX_OPS, c);
}
