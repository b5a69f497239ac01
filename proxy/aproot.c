/*
 * efsgw - access point roots. A client of an access point sees the
 * access point's RootDirectory.Path as "/". When it connects, the gateway
 * looks the path up on the backend (PUTFH of the export root, one LOOKUP
 * per level, GETFH, GETATTR fsid and fileid). A missing directory is
 * created with the CreationInfo owner, group and mode, missing parents
 * included, in one COMPOUND (CREATE sets the current filehandle to the new
 * directory, RFC 7530 §16.4). An existing directory is never changed. With
 * no CreationInfo a missing root fails the mount (EFS: "attempts to mount
 * the file system using the access point will fail").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "proxy.h"

#define FATTR4_MODE		33
#define FATTR4_OWNER		36
#define FATTR4_OWNER_GROUP	37
#define NF4DIR			2
#define APROOT_TRIES		3
#define APROOT_TIMEOUT		10

struct aproot {
	struct event_base	*base;
	const struct config_fs	*fs;		/* borrowed: caller holds the config */
	const struct access_point *ap;
	uint8_t			 export_fh[NFS4_FHSIZE];
	size_t			 export_fhlen;
	struct backcall		*call;
	int			 tries;
	int			 creating;
	aproot_cb		 cb;
	void			*arg;
};

static void aproot_lookup(struct aproot *);

/* Finish: report and free. */
static void
aproot_finish(struct aproot *ar, uint32_t status, const struct backcall_result *res)
{
	aproot_cb cb = ar->cb;
	void *arg = ar->arg;

	free(ar);
	cb(arg, status, res);
}

/* Append PUTFH of the export root. */
static int
aproot_put_root(struct aproot *ar, struct evbuffer *ops)
{
	int r;

	if ((r = xdrbuf_put_u32(ops, OP_PUTFH)) != 0)
		return r;
	return xdrbuf_put_opaque(ops, ar->export_fh, ar->export_fhlen);
}

/* Append CREATE of directory name with the CreationInfo attributes. */
static int
aproot_put_create(struct aproot *ar, struct evbuffer *ops, const char *name,
    size_t len)
{
	struct evbuffer *vals;
	char owner[16], group[16];
	int r;

	snprintf(owner, sizeof owner, "%u", ar->ap->owner_uid);
	snprintf(group, sizeof group, "%u", ar->ap->owner_gid);
	if ((vals = evbuffer_new()) == NULL)
		return EFSGW_ERR_NOMEM;
	/* fattr4 values in attribute order: mode, owner, owner_group. */
	if ((r = xdrbuf_put_u32(vals, ar->ap->mode)) != 0 ||
	    (r = xdrbuf_put_opaque(vals, owner, strlen(owner))) != 0 ||
	    (r = xdrbuf_put_opaque(vals, group, strlen(group))) != 0)
		goto out;
	if ((r = xdrbuf_put_u32(ops, OP_CREATE)) != 0 ||
	    (r = xdrbuf_put_u32(ops, NF4DIR)) != 0 ||
	    (r = xdrbuf_put_opaque(ops, name, len)) != 0 ||
	    (r = xdrbuf_put_u32(ops, 2)) != 0 ||
	    (r = xdrbuf_put_u32(ops, 0)) != 0 ||
	    (r = xdrbuf_put_u32(ops, 1u << (FATTR4_MODE - 32) |
	    1u << (FATTR4_OWNER - 32) | 1u << (FATTR4_OWNER_GROUP - 32))) != 0 ||
	    (r = xdrbuf_put_u32(ops, (uint32_t)evbuffer_get_length(vals))) != 0)
		goto out;
	if (evbuffer_add_buffer(ops, vals) != 0)
		r = EFSGW_ERR_NOMEM;
out:
	evbuffer_free(vals);
	return r;
}

/* The create COMPOUND answered. */
static void
aproot_created(void *arg, int err, const char *why,
    const struct backcall_result *res)
{
	struct aproot *ar = arg;

	ar->call = NULL;
	if (err != 0) {
		log_warn("%s: access point %s: creating %s failed: %s",
		    ar->fs->id, ar->ap->id, ar->ap->path, why);
		aproot_finish(ar, NFS4ERR_DELAY, NULL);
		return;
	}
	if (res->status == NFS4ERR_EXIST && ++ar->tries < APROOT_TRIES) {
		/* Another gateway created it first: look it up again. */
		aproot_lookup(ar);
		return;
	}
	if (res->status != NFS4_OK || res->fhlen == 0) {
		log_warn("%s: access point %s: creating %s failed: %s op %u",
		    ar->fs->id, ar->ap->id, ar->ap->path,
		    nfs4_status_name(res->failed_status), res->failed_op);
		aproot_finish(ar, NFS4ERR_ACCESS, NULL);
		return;
	}
	log_info("%s: access point %s: created root %s (owner %u:%u, mode %04o)",
	    ar->fs->id, ar->ap->id, ar->ap->path, ar->ap->owner_uid,
	    ar->ap->owner_gid, ar->ap->mode);
	aproot_finish(ar, NFS4_OK, res);
}

/* Create the path from level missing (0-based) on. */
static void
aproot_create(struct aproot *ar, uint32_t missing)
{
	struct evbuffer *ops = evbuffer_new();
	const char *s = ar->ap->path, *comp;
	uint32_t nops = 0, level = 0;
	size_t n;
	int r = 0;

	if (ops == NULL || (r = aproot_put_root(ar, ops)) != 0)
		goto fail;
	nops++;
	while (r == 0 && backcall_next_level(&s, &comp, &n)) {
		if (level < missing) {
			if ((r = xdrbuf_put_u32(ops, OP_LOOKUP)) == 0)
				r = xdrbuf_put_opaque(ops, comp, n);
		} else
			r = aproot_put_create(ar, ops, comp, n);
		nops++;
		level++;
	}
	if (r != 0 || (r = backcall_put_getfh_attrs(ops, &nops)) != 0)
		goto fail;
	ar->creating = 1;
	ar->call = backcall_start(ar->base, (const struct sockaddr *)
	    &ar->fs->backend_addr, ar->fs->backend_addrlen, ops, nops,
	    APROOT_TIMEOUT, aproot_created, ar);
	evbuffer_free(ops);
	if (ar->call == NULL)
		aproot_finish(ar, NFS4ERR_DELAY, NULL);
	return;
fail:
	evbuffer_free(ops);
	aproot_finish(ar, NFS4ERR_SERVERFAULT, NULL);
}

/* The lookup COMPOUND answered. */
static void
aproot_looked_up(void *arg, int err, const char *why,
    const struct backcall_result *res)
{
	struct aproot *ar = arg;

	ar->call = NULL;
	if (err != 0) {
		log_warn("%s: access point %s: looking up %s failed: %s",
		    ar->fs->id, ar->ap->id, ar->ap->path, why);
		aproot_finish(ar, NFS4ERR_DELAY, NULL);
		return;
	}
	if (res->status == NFS4_OK && res->fhlen > 0) {
		aproot_finish(ar, NFS4_OK, res);
		return;
	}
	/* Ops: PUTFH, LOOKUP x levels, GETFH, GETATTR. */
	if (res->status == NFS4ERR_NOENT && res->failed_op >= 1) {
		if (!ar->ap->has_creation) {
			log_warn("%s: access point %s: root %s does not exist and "
			    "the access point has no CreationInfo; refusing the "
			    "mount", ar->fs->id, ar->ap->id, ar->ap->path);
			aproot_finish(ar, NFS4ERR_ACCESS, NULL);
			return;
		}
		aproot_create(ar, res->failed_op - 1);
		return;
	}
	log_warn("%s: access point %s: looking up %s: %s at op %u",
	    ar->fs->id, ar->ap->id, ar->ap->path,
	    nfs4_status_name(res->failed_status), res->failed_op);
	aproot_finish(ar, res->status == NFS4ERR_NOTDIR ? NFS4ERR_ACCESS :
	    NFS4ERR_SERVERFAULT, NULL);
}

/* Send the lookup COMPOUND. */
static void
aproot_lookup(struct aproot *ar)
{
	struct evbuffer *ops = evbuffer_new();
	uint32_t nops = 0;

	if (ops == NULL || aproot_put_root(ar, ops) != 0 ||
	    (nops++, backcall_put_lookups(ops, ar->ap->path, &nops)) != 0 ||
	    backcall_put_getfh_attrs(ops, &nops) != 0) {
		if (ops != NULL)
			evbuffer_free(ops);
		aproot_finish(ar, NFS4ERR_SERVERFAULT, NULL);
		return;
	}
	ar->call = backcall_start(ar->base, (const struct sockaddr *)
	    &ar->fs->backend_addr, ar->fs->backend_addrlen, ops, nops,
	    APROOT_TIMEOUT, aproot_looked_up, ar);
	evbuffer_free(ops);
	if (ar->call == NULL)
		aproot_finish(ar, NFS4ERR_DELAY, NULL);
}

/* Resolve (and if needed create) an access point's root directory. */
struct aproot *
aproot_start(struct event_base *base, const struct config_fs *fs,
    const struct access_point *ap, const uint8_t *export_fh, size_t len,
    aproot_cb cb, void *arg)
{
	struct aproot *ar;

	if (len == 0 || len > NFS4_FHSIZE)
		return NULL;
	ar = xcalloc(1, sizeof *ar);
	ar->base = base;
	ar->fs = fs;
	ar->ap = ap;
	memcpy(ar->export_fh, export_fh, len);
	ar->export_fhlen = len;
	ar->cb = cb;
	ar->arg = arg;
	aproot_lookup(ar);
	return ar;
}

/* Abandon a resolution; its callback will not run. */
void
aproot_cancel(struct aproot *ar)
{
	if (ar == NULL)
		return;
	backcall_cancel(ar->call);
	free(ar);
}
