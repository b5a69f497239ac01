/*
 * efsgw - efsgwctl keys: create, check and rotate a file system's handle
 * key file (the format is in auth/seal.c and docs/security.md).
 *
 * Rotation without breaking mounted clients is two steps, because every
 * gateway must know a key before any gateway seals with it:
 *   1. `keys add FILE` on one copy, copy the file to every gateway, SIGHUP:
 *      the new key verifies everywhere, the old one still seals;
 *   2. `keys promote FILE ID`, copy again, SIGHUP: the new key seals.
 * Old keys stay to verify the handles clients already hold.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth.h"
#include "ctl.h"

static void
keys_usage(FILE *f)
{
	fprintf(f,
"usage: efsgwctl keys new FILE         create FILE with one new sealing key\n"
"       efsgwctl keys check FILE       parse FILE and list its key ids\n"
"       efsgwctl keys add FILE         append a new verify-only key\n"
"       efsgwctl keys promote FILE ID  make key ID the sealing key\n"
"\n"
"A key file holds the secrets that seal the file handles of one file system.\n"
"Every gateway serving the file system needs the same file (mode 0600).\n"
"Rotate in two steps so that no gateway meets a handle sealed with a key it\n"
"does not know yet: 'add', distribute and reload (SIGHUP) every gateway, then\n"
"'promote', distribute and reload again. Keep old keys: they verify the\n"
"handles that mounted clients still hold.\n");
}

/* Write keys back to path atomically (temp file + rename). */
static int
keys_write(const char *path, const struct seal_keys *k)
{
	char *tmp;
	FILE *f;
	struct stat st;
	unsigned i;
	int j, ok, fd;

	xasprintf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	/* 0600 from the start: the file holds secrets. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "efsgwctl: %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return 1;
	}
	/*
	 * The rewrite keeps the owner: root rotating a key must not take the
	 * file away from the user the gateway runs as.
	 */
	if (stat(path, &st) == 0 && (st.st_uid != geteuid() ||
	    st.st_gid != getegid()) && fchown(fd, st.st_uid, st.st_gid) != 0)
		fprintf(stderr, "efsgwctl: warning: %s: cannot keep its owner "
		    "(uid %lu): %s\n", path, (unsigned long)st.st_uid,
		    strerror(errno));
	fprintf(f, "# efsgw handle keys: copy this file to every gateway of the "
	    "file system\n");
	for (i = 0; i < k->nkeys; i++) {
		fprintf(f, "key %u ", k->keys[i].id);
		for (j = 0; j < 16; j++)
			fprintf(f, "%02x", k->keys[i].secret[j]);
		fprintf(f, "%s\n", i == k->sealer ? " seal" : "");
	}
	ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		fprintf(stderr, "efsgwctl: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return 1;
	}
	free(tmp);
	return 0;
}

/* efsgwctl keys ... */
static int
keys_run(int argc, char **argv)
{
	struct seal_keys k;
	char *cause;
	unsigned i, maxid = 0;
	long id;

	if (argc < 3 || ctl_reject_options(argc, argv, 1)) {
		keys_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "new") == 0 && argc == 3) {
		if (seal_keys_create(argv[2], &cause) != 0) {
			fprintf(stderr, "efsgwctl: %s\n", cause);
			free(cause);
			return 1;
		}
		printf("%s: created with key 1 (sealing)\n", argv[2]);
		return 0;
	}
	if (seal_keys_load(argv[2], &k, &cause) != 0) {
		fprintf(stderr, "efsgwctl: %s\n", cause);
		free(cause);
		return 1;
	}
	if (strcmp(argv[1], "check") == 0 && argc == 3) {
		for (i = 0; i < k.nkeys; i++)
			printf("key %u%s\n", k.keys[i].id,
			    i == k.sealer ? " (seals)" : " (verifies)");
		OPENSSL_cleanse(&k, sizeof k);
		return 0;
	}
	if (strcmp(argv[1], "add") == 0 && argc == 3) {
		for (i = 0; i < k.nkeys; i++)
			if (k.keys[i].id > maxid)
				maxid = k.keys[i].id;
		if (k.nkeys == SEAL_MAX_KEYS || maxid == 255) {
			fprintf(stderr, "efsgwctl: %s: no room for another key\n",
			    argv[2]);
			return 1;
		}
		k.keys[k.nkeys].id = (uint8_t)(maxid + 1);
		if (RAND_bytes(k.keys[k.nkeys].secret, 16) != 1) {
			fprintf(stderr, "efsgwctl: no randomness\n");
			return 1;
		}
		k.nkeys++;
		if (keys_write(argv[2], &k) != 0)
			return 1;
		printf("%s: added key %u (verifies only; promote it once every "
		    "gateway has it)\n", argv[2], maxid + 1);
		OPENSSL_cleanse(&k, sizeof k);
		return 0;
	}
	if (strcmp(argv[1], "promote") == 0 && argc == 4) {
		id = strtol(argv[3], NULL, 10);
		for (i = 0; i < k.nkeys; i++)
			if (k.keys[i].id == id)
				break;
		if (i == k.nkeys) {
			fprintf(stderr, "efsgwctl: %s: no key %s\n", argv[2], argv[3]);
			return 1;
		}
		k.sealer = i;
		if (keys_write(argv[2], &k) != 0)
			return 1;
		printf("%s: key %ld now seals\n", argv[2], id);
		OPENSSL_cleanse(&k, sizeof k);
		return 0;
	}
	keys_usage(stderr);
	return 2;
}

const struct ctl_command ctl_cmd_keys = {
	"keys", "create, check and rotate handle key files", keys_run, keys_usage
};
