/*
 * efsgw - libFuzzer target for access point files (auth/accesspoint.c):
 * access_points_parse() on arbitrary JSON, then what the gateway does
 * with a parsed access point: find it by id, and squash a caller's
 * credentials through it (auth/squash.c).
 *
 * Checked: a parsed set keeps EFS's limits (path valid and at most 100
 * characters, at most 16 secondary gids, mode at most 07777); every id is
 * found again; and the confinement invariants hold for every access point
 * and caller (uid 0, gids 0, 16 gids, AUTH_NONE):
 *   - ids are unique, so each id finds its own access point;
 *   - with a PosixUser the caller's own ids never reach the server;
 *   - without ClientRootAccess no uid or gid 0 reaches the server
 *     (EFS User Guide, access points: a PosixUser of 0 needs ClientRootAccess).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_ANON	65534

/* Check the effective credentials of one call through ap. */
static void
fuzz_ap_squash(const struct access_point *ap, const struct cred *client,
    int root_allowed)
{
	struct squash_policy sp = { ap, root_allowed, FUZZ_ANON, FUZZ_ANON };
	struct cred out;
	uint32_t i;

	memset(&out, 0xa5, sizeof out);
	squash_apply(&sp, client, &out);
	if (out.ngids > 16)
		abort();
	if (ap->has_posix_user) {
		if (out.ngids != ap->ngids)
			abort();
		if (root_allowed && (out.uid != ap->uid || out.gid != ap->gid))
			abort();
	}
	if (!root_allowed) {
		if (out.uid == 0 || out.gid == 0)
			abort();
		for (i = 0; i < out.ngids; i++)
			if (out.gids[i] == 0)
				abort();
	}
}

/* Parse one input as an access point file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct cred root = { 0, 0, 16,
	    { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0 } };
	static const struct cred user = { 1000, 1000, 1, { 1000 } };
	struct access_points *aps = NULL;
	const struct access_point *ap;
	const char *why;
	char *cause = NULL;
	size_t i;

	if (access_points_parse("fuzz", (const char *)data, size, &aps,
	    &cause) != 0) {
		if (aps != NULL || cause == NULL)
			abort();
		free(cause);
		return 0;
	}
	if (aps == NULL || cause != NULL || aps->n > ACCESS_POINTS_MAX)
		abort();
	for (i = 0; i < aps->n; i++) {
		ap = &aps->v[i];
		if (ap->ngids > 16 || ap->mode > 07777 ||
		    !access_point_valid_path(ap->path, &why) ||
		    strncmp(ap->id, "fsap-", 5) != 0 ||
		    strncmp(ap->fs_id, "fs-", 3) != 0)
			abort();
		if (access_points_find(aps, ap->id) != ap)
			abort();
		fuzz_ap_squash(ap, &root, 0);
		fuzz_ap_squash(ap, &root, 1);
		fuzz_ap_squash(ap, &user, 0);
		fuzz_ap_squash(ap, NULL, 0);
		fuzz_ap_squash(ap, NULL, 1);
	}
	if (access_points_find(aps, "fsap-ffffffffffffffffff") != NULL)
		abort();
	access_points_free(aps);
	return 0;
}
