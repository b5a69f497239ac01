/*
 * efsgw - the credentials a call reaches the server with. An access
 * point's PosixUser replaces whatever the client sent (EFS "replaces the
 * NFS client's user and group IDs ... for all file system operations");
 * without ClientRootAccess, uid 0 and gid 0 become the anonymous ids
 * (root squashing, decided per connection from IAM); AUTH_NONE callers
 * are the anonymous user.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "auth.h"

/* Compute the effective credentials of one call. */
void
squash_apply(const struct squash_policy *sp, const struct cred *client,
    struct cred *out)
{
	uint32_t i;

	if (sp->ap != NULL && sp->ap->has_posix_user) {
		out->uid = sp->ap->uid;
		out->gid = sp->ap->gid;
		out->ngids = sp->ap->ngids;
		memcpy(out->gids, sp->ap->gids, sizeof out->gids);
	} else if (client != NULL)
		*out = *client;
	else {
		out->uid = sp->anon_uid;
		out->gid = sp->anon_gid;
		out->ngids = 0;
	}
	if (out->ngids > 16)
		out->ngids = 16;
	if (sp->root_allowed)
		return;
	if (out->uid == 0)
		out->uid = sp->anon_uid;
	if (out->gid == 0)
		out->gid = sp->anon_gid;
	for (i = 0; i < out->ngids; i++) {
		if (out->gids[i] == 0)
			out->gids[i] = sp->anon_gid;
	}
}
