/*
 * efsgw - noticing policy file edits. "put-file-system-policy" is one file
 * write away: the daemon polls the policy files of its configuration and
 * reloads when one changed. A change is a change of content, not of
 * modification time: edits within one second, a file replaced by one with
 * an older mtime (cp -p, rsync -a) and a Kubernetes ConfigMap update (its
 * ..data symlink re-pointed) all change the bytes read through the path.
 * Policy files are small (EFS caps a policy at 20,000 characters), so each
 * poll reads them whole through the bounded small-file reader and hashes
 * them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "proxy.h"
#include "policy.h"

/* policy_load's limit: 20,000 characters of up to 4 bytes each. */
#define POLICY_WATCH_MAX_BYTES	(POLICY_MAX_CHARS * 4 + 1)

/* Hash what every policy file of conf holds now (or why it cannot be read). */
int
policy_watch_digest(const struct config *conf,
    uint8_t digest[POLICY_WATCH_DIGEST_LEN])
{
	const struct config_fs *fs;
	EVP_MD_CTX *ctx;
	char *text, *cause;
	size_t len;
	uint64_t n;
	unsigned int dlen = 0;
	int r, ok = 0;

	memset(digest, 0, POLICY_WATCH_DIGEST_LEN);
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return EFSGW_ERR_NOMEM;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	TAILQ_FOREACH(fs, &conf->filesystems, entry) {
		if (fs->policy_path == NULL)
			continue;
		/* The path, its NUL, then the content's length and bytes. */
		if (EVP_DigestUpdate(ctx, fs->policy_path,
		    strlen(fs->policy_path) + 1) != 1)
			goto out;
		cause = NULL;
		r = file_read_small(fs->policy_path, POLICY_WATCH_MAX_BYTES, 0,
		    &text, &len, &cause);
		free(cause);
		if (r != 0) {
			/* Unreadable: the same state until it can be read again. */
			n = UINT64_MAX;
			if (EVP_DigestUpdate(ctx, &n, sizeof n) != 1)
				goto out;
			continue;
		}
		n = len;
		r = EVP_DigestUpdate(ctx, &n, sizeof n) == 1 &&
		    EVP_DigestUpdate(ctx, text, len) == 1;
		free(text);
		if (!r)
			goto out;
	}
	if (EVP_DigestFinal_ex(ctx, digest, &dlen) != 1 ||
	    dlen != POLICY_WATCH_DIGEST_LEN)
		goto out;
	ok = 1;
out:
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : EFSGW_ERR_INTERNAL;
}
