/*
 * efsgw - libFuzzer target for the NFSv4 COMPOUND walker (nfs4-walk.c).
 *
 * The first input byte chooses what the rest is: bits 0-1 the direction
 * (COMPOUND4args, COMPOUND4res, CB_COMPOUND4args, CB_COMPOUND4res), bits
 * 2-3 the minor version given to result walks (3 is invalid on purpose),
 * bits 4-7 how the record is cut into iovecs (0: one; 15: one byte each;
 * else two at a proportional point), as evbuffer chains arrive. After a
 * walk the reported ops and marks must lie inside the record.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <event2/buffer.h>

#include "common.h"
#include "xdrbuf.h"
#include "nfs4.h"

#define FUZZ_MAX_IOV	4096

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Abort unless what the walk reported lies inside the len-byte record. */
static void
fuzz_check(const struct nfs4_compound *c, size_t len, int r)
{
	uint32_t i, prev = 0;

	if (c->nops > NFS4_WALK_MAX_OPS || c->nmarks > EFSGW_MAX_MARKS ||
	    c->nops > c->count)
		abort();
	if (r == 0 && c->nops != c->count)
		abort();
	for (i = 0; i < c->nops; i++) {
		if (c->ops[i].start < prev || c->ops[i].end < c->ops[i].start ||
		    c->ops[i].end > len)
			abort();
		prev = c->ops[i].end;
	}
	for (i = 0; i < c->nmarks; i++) {
		if (c->marks[i].off > len ||
		    c->marks[i].len > len - c->marks[i].off ||
		    c->marks[i].kind == 0 ||
		    c->marks[i].kind >= NFS4_MARK_KIND_MAX ||
		    c->marks[i].op > c->nops)
			abort();
		if (c->marks[i].kind == NFS4_MARK_FH &&
		    c->marks[i].len > NFS4_FHSIZE)
			abort();
	}
}

/* Walk one fuzz input (see the file comment for the selector byte). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nfs4_compound c;
	static struct evbuffer_iovec iov[FUZZ_MAX_IOV];
	struct xdrbuf b;
	unsigned int dir, minor, split;
	size_t i, cut;
	int nvec, r;

	if (size < 1)
		return 0;
	dir = data[0] & 3;
	minor = (data[0] >> 2) & 3;
	split = data[0] >> 4;
	data++;
	size--;
	if (split == 15 && size > 0 && size <= FUZZ_MAX_IOV) {
		for (i = 0; i < size; i++) {
			iov[i].iov_base = (void *)(uintptr_t)(data + i);
			iov[i].iov_len = 1;
		}
		nvec = (int)size;
	} else if (split != 0 && split != 15) {
		cut = size * split / 16;
		iov[0].iov_base = (void *)(uintptr_t)data;
		iov[0].iov_len = cut;
		iov[1].iov_base = (void *)(uintptr_t)(data + cut);
		iov[1].iov_len = size - cut;
		nvec = 2;
	} else {
		iov[0].iov_base = (void *)(uintptr_t)data;
		iov[0].iov_len = size;
		nvec = 1;
	}
	xdrbuf_init(&b, iov, nvec);
	switch (dir) {
	case 0:
		r = nfs4_walk_compound_args(&b, &c);
		break;
	case 1:
		r = nfs4_walk_compound_res(&b, minor, &c);
		break;
	case 2:
		r = nfs4_walk_cb_compound_args(&b, &c);
		break;
	default:
		r = nfs4_walk_cb_compound_res(&b, minor, &c);
		break;
	}
	fuzz_check(&c, size, r);
	return 0;
}
