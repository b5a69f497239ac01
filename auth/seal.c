/*
 * efsgw - sealed file handles. Every handle a client sees is
 *
 *	version (1 byte) | key id (1 byte) | backend handle | tag (16 bytes)
 *
 * where the tag is SipHash-2-4-128 under the file system's key id over
 * the scope (file system id and access point id), the version, the key id
 * and the backend handle. A client can therefore hand back only handles
 * a gateway of the same file system and access point gave out: a forged,
 * altered or foreign handle fails the tag and gets NFS4ERR_BADHANDLE.
 * Sealing is deterministic, so any gateway with the same key file accepts
 * the handles of any other, and a client fails over with its handles.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth.h"

/* Compute the tag over scope, header and backend handle. */
static void
seal_tag(const uint8_t secret[16], const char *scope, const uint8_t hdr[2],
    const uint8_t *fh, size_t fhlen, uint8_t tag[SEAL_TAG_LEN])
{
	uint8_t msg[1 + SEAL_MAX_SCOPE + 2 + SEAL_FHSIZE];
	size_t slen = strlen(scope), n = 0;

	/* Length-prefixed scope: "fs-a" + "b/..." cannot alias "fs-ab/...". */
	msg[n++] = (uint8_t)slen;
	memcpy(msg + n, scope, slen);
	n += slen;
	msg[n++] = hdr[0];
	msg[n++] = hdr[1];
	memcpy(msg + n, fh, fhlen);
	n += fhlen;
	siphash128(secret, msg, n, tag);
}

/* Seal a backend handle. */
int
seal_handle(const struct seal_keys *keys, const char *scope, const uint8_t *fh,
    size_t fhlen, uint8_t *out, size_t *outlen)
{
	uint8_t hdr[2];

	*outlen = 0;
	if (fhlen == 0 || fhlen > SEAL_MAX_BACKEND_FH)
		return EFSGW_ERR_TOO_LONG;
	if (strlen(scope) > SEAL_MAX_SCOPE || keys->nkeys == 0)
		return EFSGW_ERR_INTERNAL;
	hdr[0] = SEAL_VERSION;
	hdr[1] = keys->keys[keys->sealer].id;
	out[0] = hdr[0];
	out[1] = hdr[1];
	memmove(out + 2, fh, fhlen);
	seal_tag(keys->keys[keys->sealer].secret, scope, hdr, out + 2, fhlen,
	    out + 2 + fhlen);
	*outlen = fhlen + SEAL_OVERHEAD;
	return 0;
}

/* Check and open a sealed handle. */
int
unseal_handle(const struct seal_keys *keys, const char *scope,
    const uint8_t *in, size_t inlen, const uint8_t **fhp, size_t *fhlenp)
{
	uint8_t tag[SEAL_TAG_LEN];
	size_t fhlen;
	unsigned i;

	*fhp = NULL;
	*fhlenp = 0;
	if (inlen <= SEAL_OVERHEAD || inlen > SEAL_FHSIZE ||
	    in[0] != SEAL_VERSION || strlen(scope) > SEAL_MAX_SCOPE)
		return EFSGW_ERR_BAD_VALUE;
	for (i = 0; i < keys->nkeys; i++) {
		if (keys->keys[i].id == in[1])
			break;
	}
	if (i == keys->nkeys)
		return EFSGW_ERR_BAD_VALUE;
	fhlen = inlen - SEAL_OVERHEAD;
	seal_tag(keys->keys[i].secret, scope, in, in + 2, fhlen, tag);
	if (CRYPTO_memcmp(tag, in + 2 + fhlen, SEAL_TAG_LEN) != 0)
		return EFSGW_ERR_BAD_VALUE;
	*fhp = in + 2;
	*fhlenp = fhlen;
	return 0;
}

/* Decode 32 hex digits into 16 bytes. */
static int
seal_hex16(const char *s, uint8_t out[16])
{
	int i, hi, lo;

	if (strlen(s) != 32)
		return -1;
	for (i = 0; i < 16; i++) {
		if (!isxdigit((unsigned char)s[2 * i]) ||
		    !isxdigit((unsigned char)s[2 * i + 1]))
			return -1;
		hi = isdigit((unsigned char)s[2 * i]) ? s[2 * i] - '0' :
		    tolower((unsigned char)s[2 * i]) - 'a' + 10;
		lo = isdigit((unsigned char)s[2 * i + 1]) ? s[2 * i + 1] - '0' :
		    tolower((unsigned char)s[2 * i + 1]) - 'a' + 10;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Parse key file text. */
int
seal_keys_parse(const char *name, const char *text, struct seal_keys *keys,
    char **cause)
{
	char line[512], *w[5], *s;
	const char *p = text, *nl;
	int lineno = 0, nseal = 0, n;
	unsigned i;
	long id;
	size_t len;

	*cause = NULL;
	memset(keys, 0, sizeof *keys);
	while (*p != '\0') {
		lineno++;
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len >= sizeof line) {
			xasprintf(cause, "%s:%d: line too long", name, lineno);
			return EFSGW_ERR_SYNTAX;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (nl != NULL);
		if ((s = strchr(line, '#')) != NULL)
			*s = '\0';
		n = 0;
		for (s = strtok(line, " \t\r"); s != NULL && n < 5;
		    s = strtok(NULL, " \t\r"))
			w[n++] = s;
		if (n == 0)
			continue;
		if (strcmp(w[0], "key") != 0 || n < 3 || n > 4 ||
		    (n == 4 && strcmp(w[3], "seal") != 0)) {
			xasprintf(cause, "%s:%d: expected 'key ID HEX [seal]'",
			    name, lineno);
			return EFSGW_ERR_SYNTAX;
		}
		id = strtol(w[1], &s, 10);
		if (*s != '\0' || id < 1 || id > 255) {
			xasprintf(cause, "%s:%d: key id must be 1 to 255", name,
			    lineno);
			return EFSGW_ERR_SYNTAX;
		}
		for (i = 0; i < keys->nkeys; i++) {
			if (keys->keys[i].id == id) {
				xasprintf(cause, "%s:%d: key id %ld used twice",
				    name, lineno, id);
				return EFSGW_ERR_SYNTAX;
			}
		}
		if (keys->nkeys == SEAL_MAX_KEYS) {
			xasprintf(cause, "%s:%d: more than %d keys", name,
			    lineno, SEAL_MAX_KEYS);
			return EFSGW_ERR_TOO_MANY;
		}
		if (seal_hex16(w[2], keys->keys[keys->nkeys].secret) != 0) {
			xasprintf(cause, "%s:%d: the key must be 32 hex digits "
			    "(16 random bytes)", name, lineno);
			return EFSGW_ERR_SYNTAX;
		}
		keys->keys[keys->nkeys].id = (uint8_t)id;
		if (n == 4) {
			keys->sealer = keys->nkeys;
			nseal++;
		}
		keys->nkeys++;
	}
	if (keys->nkeys == 0 || nseal != 1) {
		xasprintf(cause, "%s: exactly one key must be marked 'seal' "
		    "(found %d among %u keys)", name, nseal, keys->nkeys);
		return EFSGW_ERR_SYNTAX;
	}
	return 0;
}

/* Load a key file. */
int
seal_keys_load(const char *path, struct seal_keys *keys, char **cause)
{
	char text[16384];
	struct stat st;
	ssize_t n;
	int fd, r;

	*cause = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return EFSGW_ERR_SYSTEM;
	}
	if (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
		xasprintf(cause, "%s: key file must not be readable by group or "
		    "others (chmod 600)", path);
		close(fd);
		return EFSGW_ERR_BAD_VALUE;
	}
	n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n < 0 || (size_t)n == sizeof text - 1) {
		xasprintf(cause, "%s: unreadable or larger than 16 KiB", path);
		return EFSGW_ERR_TOO_LONG;
	}
	text[n] = '\0';
	r = seal_keys_parse(path, text, keys, cause);
	OPENSSL_cleanse(text, sizeof text);
	return r;
}

/* Create a new key file with one random sealing key. */
int
seal_keys_create(const char *path, char **cause)
{
	uint8_t secret[16];
	char text[128];
	int fd, i, n;

	*cause = NULL;
	if (RAND_bytes(secret, sizeof secret) != 1) {
		xasprintf(cause, "%s: no randomness for a key", path);
		return EFSGW_ERR_SYSTEM;
	}
	n = snprintf(text, sizeof text, "# efsgw handle keys: copy this file to "
	    "every gateway of the file system\nkey 1 ");
	for (i = 0; i < 16; i++)
		n += snprintf(text + n, sizeof text - (size_t)n, "%02x", secret[i]);
	n += snprintf(text + n, sizeof text - (size_t)n, " seal\n");
	OPENSSL_cleanse(secret, sizeof secret);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return EFSGW_ERR_SYSTEM;
	}
	if (write(fd, text, (size_t)n) != n || fsync(fd) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return EFSGW_ERR_SYSTEM;
	}
	close(fd);
	OPENSSL_cleanse(text, sizeof text);
	return 0;
}
