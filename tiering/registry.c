/*
 * efsgw - the tier registry: one interface over two stores (a Redis
 * server shared by every gateway and agent, or a crash-safe journal file
 * shared by the processes of one host) and the record encoding both use.
 *
 * Encoding (big-endian, fixed order, version word first):
 *   u32 version(1) u64 fsid_major u64 fsid_minor u64 fileid u32 state
 *   u32 target u32 flags opaque location<256> opaque fh<128>
 *   u64 size u64 stored
 *   opaque sum[32] u64 change u64 mtime_sec u32 mtime_nsec
 *   u64 last_access u64 updated
 * and a usage record (StorageBytes of the agent's last complete walk):
 *   u32 version(1) u64 standard u64 ia u64 archive u64 measured
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "common.h"
#include "xdrbuf.h"
#include "tiering.h"

#define TIER_REC_VERSION	1
#define TIER_USAGE_VERSION	1

struct tier_registry {
	const struct tier_store_ops *ops;
	void			*store;
};

/* Name a state. */
const char *
tier_state_name(uint32_t s)
{
	switch (s) {
	case TIER_HOT:
		return "hot";
	case TIER_MOVING:
		return "moving";
	case TIER_COLD_IA:
		return "cold-IA";
	case TIER_COLD_ARCHIVE:
		return "cold-archive";
	}
	return "unknown";
}

/* Format a key. */
const char *
tier_key_string(const struct tier_key *k, char *buf, size_t len)
{
	snprintf(buf, len, "%llx.%llx.%llu", (unsigned long long)k->fsid_major,
	    (unsigned long long)k->fsid_minor, (unsigned long long)k->fileid);
	return buf;
}

/* Append a big-endian u32 / u64 at *off, bounds checked. */
static int
tier_put32(uint8_t *buf, size_t len, size_t *off, uint32_t v)
{
	if (len - *off < 4)
		return EFSGW_ERR_TOO_LONG;
	xdrbuf_store_u32(buf + *off, v);
	*off += 4;
	return 0;
}

static int
tier_put64(uint8_t *buf, size_t len, size_t *off, uint64_t v)
{
	int r;

	if ((r = tier_put32(buf, len, off, (uint32_t)(v >> 32))) != 0)
		return r;
	return tier_put32(buf, len, off, (uint32_t)v);
}

/* Encode a record. */
int
tier_rec_encode(const struct tier_rec *rec, uint8_t *buf, size_t len,
    size_t *outlen)
{
	size_t off = 0, n = strnlen(rec->location, TIER_LOCATION_MAX);
	size_t pad;
	int r;

	*outlen = 0;
	if (n >= TIER_LOCATION_MAX || rec->state > TIER_STATE_MAX)
		return EFSGW_ERR_BAD_VALUE;
	if ((r = tier_put32(buf, len, &off, TIER_REC_VERSION)) != 0 ||
	    (r = tier_put64(buf, len, &off, rec->key.fsid_major)) != 0 ||
	    (r = tier_put64(buf, len, &off, rec->key.fsid_minor)) != 0 ||
	    (r = tier_put64(buf, len, &off, rec->key.fileid)) != 0 ||
	    (r = tier_put32(buf, len, &off, rec->state)) != 0 ||
	    (r = tier_put32(buf, len, &off, rec->target)) != 0 ||
	    (r = tier_put32(buf, len, &off, rec->flags)) != 0 ||
	    (r = tier_put32(buf, len, &off, (uint32_t)n)) != 0)
		return r;
	pad = (4 - n % 4) % 4;
	if (len - off < n + pad)
		return EFSGW_ERR_TOO_LONG;
	memcpy(buf + off, rec->location, n);
	memset(buf + off + n, 0, pad);
	off += n + pad;
	if (rec->fhlen > TIER_FH_MAX)
		return EFSGW_ERR_BAD_VALUE;
	if ((r = tier_put32(buf, len, &off, rec->fhlen)) != 0)
		return r;
	pad = (4 - rec->fhlen % 4) % 4;
	if (len - off < rec->fhlen + pad)
		return EFSGW_ERR_TOO_LONG;
	memcpy(buf + off, rec->fh, rec->fhlen);
	memset(buf + off + rec->fhlen, 0, pad);
	off += rec->fhlen + pad;
	if ((r = tier_put64(buf, len, &off, rec->size)) != 0 ||
	    (r = tier_put64(buf, len, &off, rec->stored)) != 0)
		return r;
	if (len - off < TIER_SUM_LEN)
		return EFSGW_ERR_TOO_LONG;
	memcpy(buf + off, rec->sum, TIER_SUM_LEN);
	off += TIER_SUM_LEN;
	if ((r = tier_put64(buf, len, &off, rec->change)) != 0 ||
	    (r = tier_put64(buf, len, &off, (uint64_t)rec->mtime_sec)) != 0 ||
	    (r = tier_put32(buf, len, &off, rec->mtime_nsec)) != 0 ||
	    (r = tier_put64(buf, len, &off, (uint64_t)rec->last_access)) != 0 ||
	    (r = tier_put64(buf, len, &off, (uint64_t)rec->updated)) != 0)
		return r;
	*outlen = off;
	return 0;
}

/* The padding after an opaque of n bytes must be zero (one encoding only). */
static int
tier_pad_zero(const struct xdrbuf *b, size_t n)
{
	uint8_t pad[4] = { 0, 0, 0, 0 };
	size_t k = (4 - n % 4) % 4;

	if (k == 0)
		return 0;
	if (xdrbuf_copy_at(b, xdrbuf_pos(b) - k, pad, k) != 0)
		return EFSGW_ERR_TRUNCATED;
	return (pad[0] | pad[1] | pad[2] | pad[3]) != 0 ? EFSGW_ERR_BAD_VALUE : 0;
}

/* Decode a record from untrusted bytes. */
int
tier_rec_decode(const uint8_t *buf, size_t len, struct tier_rec *rec)
{
	struct evbuffer_iovec one;
	struct xdrbuf b;
	uint32_t version;
	uint64_t v;
	size_t n;
	int r;

	memset(rec, 0, sizeof *rec);
	xdrbuf_init_mem(&b, &one, buf, len);
	if ((r = xdrbuf_get_u32(&b, &version)) != 0)
		return r;
	if (version != TIER_REC_VERSION)
		return EFSGW_ERR_BAD_VALUE;
	if ((r = xdrbuf_get_u64(&b, &rec->key.fsid_major)) != 0 ||
	    (r = xdrbuf_get_u64(&b, &rec->key.fsid_minor)) != 0 ||
	    (r = xdrbuf_get_u64(&b, &rec->key.fileid)) != 0 ||
	    (r = xdrbuf_get_u32(&b, &rec->state)) != 0 ||
	    (r = xdrbuf_get_u32(&b, &rec->target)) != 0 ||
	    (r = xdrbuf_get_u32(&b, &rec->flags)) != 0 ||
	    (r = xdrbuf_get_opaque(&b, TIER_LOCATION_MAX - 1, rec->location,
	    sizeof rec->location, &n)) != 0)
		goto bad;
	rec->location[n] = '\0';
	if ((r = tier_pad_zero(&b, n)) != 0)
		goto bad;
	if (memchr(rec->location, '\0', n) != NULL ||
	    rec->state > TIER_STATE_MAX || rec->target > TIER_CLASS_ARCHIVE) {
		r = EFSGW_ERR_BAD_VALUE;
		goto bad;
	}
	if ((r = xdrbuf_get_opaque(&b, TIER_FH_MAX, rec->fh, sizeof rec->fh,
	    &n)) != 0)
		goto bad;
	rec->fhlen = (uint32_t)n;
	if ((r = tier_pad_zero(&b, n)) != 0)
		goto bad;
	if ((r = xdrbuf_get_u64(&b, &rec->size)) != 0 ||
	    (r = xdrbuf_get_u64(&b, &rec->stored)) != 0 ||
	    (r = xdrbuf_get_opaque_fixed(&b, rec->sum, TIER_SUM_LEN)) != 0 ||
	    (r = xdrbuf_get_u64(&b, &rec->change)) != 0 ||
	    (r = xdrbuf_get_u64(&b, &v)) != 0)
		goto bad;
	rec->mtime_sec = (int64_t)v;
	if ((r = xdrbuf_get_u32(&b, &rec->mtime_nsec)) != 0 ||
	    (r = xdrbuf_get_u64(&b, &v)) != 0)
		goto bad;
	rec->last_access = (int64_t)v;
	if ((r = xdrbuf_get_u64(&b, &v)) != 0)
		goto bad;
	rec->updated = (int64_t)v;
	if (rec->mtime_nsec >= 1000000000u) {
		r = EFSGW_ERR_BAD_VALUE;
		goto bad;
	}
	if (xdrbuf_remaining(&b) != 0) {
		r = EFSGW_ERR_TRAILING;
		goto bad;
	}
	return 0;
bad:
	memset(rec, 0, sizeof *rec);
	return r;
}

/* Is u a measurement: classes that add up, a time after the epoch? */
static int
tier_usage_valid(const struct tier_usage *u)
{
	if (u->ia > UINT64_MAX - u->standard ||
	    u->archive > UINT64_MAX - u->standard - u->ia || u->measured < 0)
		return EFSGW_ERR_BAD_VALUE;
	return 0;
}

/* Encode a usage record. */
int
tier_usage_encode(const struct tier_usage *u, uint8_t *buf, size_t len,
    size_t *outlen)
{
	size_t off = 0;
	int r;

	*outlen = 0;
	if ((r = tier_usage_valid(u)) != 0)
		return r;
	if ((r = tier_put32(buf, len, &off, TIER_USAGE_VERSION)) != 0 ||
	    (r = tier_put64(buf, len, &off, u->standard)) != 0 ||
	    (r = tier_put64(buf, len, &off, u->ia)) != 0 ||
	    (r = tier_put64(buf, len, &off, u->archive)) != 0 ||
	    (r = tier_put64(buf, len, &off, (uint64_t)u->measured)) != 0)
		return r;
	*outlen = off;
	return 0;
}

/* Decode a usage record from untrusted bytes. */
int
tier_usage_decode(const uint8_t *buf, size_t len, struct tier_usage *u)
{
	struct evbuffer_iovec one;
	struct xdrbuf b;
	uint32_t version;
	uint64_t v;
	int r;

	memset(u, 0, sizeof *u);
	xdrbuf_init_mem(&b, &one, buf, len);
	if ((r = xdrbuf_get_u32(&b, &version)) != 0)
		return r;
	if (version != TIER_USAGE_VERSION)
		return EFSGW_ERR_BAD_VALUE;
	if ((r = xdrbuf_get_u64(&b, &u->standard)) != 0 ||
	    (r = xdrbuf_get_u64(&b, &u->ia)) != 0 ||
	    (r = xdrbuf_get_u64(&b, &u->archive)) != 0 ||
	    (r = xdrbuf_get_u64(&b, &v)) != 0)
		goto bad;
	u->measured = (int64_t)v;
	if (xdrbuf_remaining(&b) != 0) {
		r = EFSGW_ERR_TRAILING;
		goto bad;
	}
	if ((r = tier_usage_valid(u)) != 0)
		goto bad;
	return 0;
bad:
	memset(u, 0, sizeof *u);
	return r;
}

/* CRC-32C, bitwise (records are small; no table needed). */
uint32_t
tier_crc32c(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t crc = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
	}
	return ~crc;
}

/* Open a registry. */
int
tier_registry_open(const char *where, const char *ns,
    struct tier_registry **regp, char **cause)
{
	struct tier_registry *reg;
	void *store = NULL;
	int r;

	*regp = NULL;
	*cause = NULL;
	if (where == NULL || *where == '\0') {
		xasprintf(cause, "no registry given");
		return EFSGW_ERR_BAD_VALUE;
	}
	reg = xcalloc(1, sizeof *reg);
	if (strncmp(where, "redis://", 8) == 0) {
		reg->ops = &tier_redis_ops;
		r = tier_redis_open(where, ns, &store, cause);
	} else if (*where == '/') {
		reg->ops = &tier_journal_ops;
		r = tier_journal_open(where, &store, cause);
	} else {
		xasprintf(cause, "registry '%.100s' is neither redis://... nor "
		    "an absolute path", where);
		r = EFSGW_ERR_BAD_VALUE;
	}
	if (r != 0) {
		free(reg);
		return r;
	}
	reg->store = store;
	*regp = reg;
	return 0;
}

/* Close a registry. */
void
tier_registry_close(struct tier_registry *reg)
{
	if (reg == NULL)
		return;
	reg->ops->close(reg->store);
	free(reg);
}

/* Get a record from the store. */
int
tier_registry_get(struct tier_registry *reg, const struct tier_key *k,
    struct tier_rec *rec)
{
	return reg->ops->get(reg->store, k, rec);
}

/* Put a record in the store. */
int
tier_registry_put(struct tier_registry *reg, const struct tier_rec *rec)
{
	return reg->ops->put(reg->store, rec);
}

/* Delete a record from the store. */
int
tier_registry_del(struct tier_registry *reg, const struct tier_key *k)
{
	return reg->ops->del(reg->store, k);
}

/* Walk the store. */
int
tier_registry_foreach(struct tier_registry *reg, tier_registry_cb cb,
    void *arg)
{
	return reg->ops->foreach(reg->store, cb, arg);
}

/* Take a file's lock. */
int
tier_registry_lock(struct tier_registry *reg, const struct tier_key *k,
    const char *owner, uint32_t ttl_ms)
{
	return reg->ops->lock(reg->store, k, owner, ttl_ms);
}

/* Release a file's lock. */
int
tier_registry_unlock(struct tier_registry *reg, const struct tier_key *k,
    const char *owner)
{
	return reg->ops->unlock(reg->store, k, owner);
}

/* Record the last walk's usage. */
int
tier_registry_put_usage(struct tier_registry *reg, const struct tier_usage *u)
{
	return reg->ops->put_usage(reg->store, u);
}

/* Read the last walk's usage. */
int
tier_registry_get_usage(struct tier_registry *reg, struct tier_usage *u)
{
	return reg->ops->get_usage(reg->store, u);
}

/* Compact the store. */
int
tier_registry_compact(struct tier_registry *reg)
{
	return reg->ops->compact(reg->store);
}

/* Describe the store's last failure. */
const char *
tier_registry_error(const struct tier_registry *reg)
{
	return reg->ops->error(reg->store);
}
