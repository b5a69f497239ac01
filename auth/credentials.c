/*
 * efsgw - the SigV4 credentials file: which access keys stock efs-utils
 * clients may sign with, their secrets, the principal each one stands for
 * and the actions the key's own (identity-based) policy grants.
 *
 * The file is JSON (docs/identity.md, etc/credentials.json):
 *
 *   { "credentials": [
 *       { "access_key_id": "AKIDEXAMPLE0EFSGW01",
 *         "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
 *         "principal": "arn:aws:iam::111122223333:role/efs-client",
 *         "actions": ["elasticfilesystem:ClientMount", "ClientWrite"],
 *         "session_token": "optional: only this token is accepted" } ] }
 *
 * Unknown members are errors (a typo must not silently drop a restriction).
 * Entries are kept sorted by access key id for a binary search per mount.
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

#include <jansson.h>
#include <openssl/crypto.h>

#include "identity.h"

#define CREDENTIALS_MAX		100000	/* entries per file */
#define CREDENTIALS_MAX_FILE	(16 * 1024 * 1024)

struct credentials {
	struct credential	*v;
	size_t			 n;
};

/* Order two entries by access key id. */
static int
credentials_cmp(const void *a, const void *b)
{
	const struct credential *x = a, *y = b;

	return strcmp(x->akid, y->akid);
}

/* Free one entry's strings, wiping the secrets. */
static void
credentials_entry_clear(struct credential *c)
{
	if (c->secret != NULL)
		OPENSSL_cleanse(c->secret, strlen(c->secret));
	if (c->session_token != NULL)
		OPENSSL_cleanse(c->session_token, strlen(c->session_token));
	free(c->akid);
	free(c->secret);
	free(c->principal);
	free(c->session_token);
	memset(c, 0, sizeof *c);
}

void
credentials_free(struct credentials *creds)
{
	size_t i;

	if (creds == NULL)
		return;
	for (i = 0; i < creds->n; i++)
		credentials_entry_clear(&creds->v[i]);
	free(creds->v);
	free(creds);
}

/* Read string member key of o into *out (required unless optional). */
static int
credentials_string(const char *name, size_t idx, json_t *o, const char *key,
    int optional, size_t max, char **out, char **cause)
{
	json_t *v;
	const char *s;

	*out = NULL;
	if ((v = json_object_get(o, key)) == NULL) {
		if (optional)
			return 0;
		xasprintf(cause, "%s: credentials[%zu]: missing \"%s\"", name,
		    idx, key);
		return EFSGW_ERR_SYNTAX;
	}
	if (!json_is_string(v) || (s = json_string_value(v))[0] == '\0' ||
	    json_string_length(v) > max || strlen(s) != json_string_length(v)) {
		xasprintf(cause, "%s: credentials[%zu]: \"%s\" must be a "
		    "non-empty string of at most %zu bytes", name, idx, key, max);
		return EFSGW_ERR_BAD_VALUE;
	}
	*out = xstrdup(s);
	return 0;
}

/* Parse one entry of the credentials array. */
static int
credentials_entry(const char *name, size_t idx, json_t *o,
    struct credential *c, char **cause)
{
	static const char *const known[] = { "access_key_id",
	    "secret_access_key", "principal", "actions", "session_token",
	    "comment" };
	const char *key;
	json_t *v, *a;
	size_t i, k;
	int r;

	memset(c, 0, sizeof *c);
	if (!json_is_object(o)) {
		xasprintf(cause, "%s: credentials[%zu] is not an object", name,
		    idx);
		return EFSGW_ERR_SYNTAX;
	}
	json_object_foreach(o, key, v) {
		for (k = 0; k < nitems(known); k++)
			if (strcmp(key, known[k]) == 0)
				break;
		if (k == nitems(known)) {
			xasprintf(cause, "%s: credentials[%zu]: unknown member "
			    "\"%s\"", name, idx, key);
			return EFSGW_ERR_SYNTAX;
		}
	}
	if ((r = credentials_string(name, idx, o, "access_key_id", 0,
	    IDENTITY_MAX_AKID, &c->akid, cause)) != 0 ||
	    (r = credentials_string(name, idx, o, "secret_access_key", 0, 256,
	    &c->secret, cause)) != 0 ||
	    (r = credentials_string(name, idx, o, "principal", 0, 511,
	    &c->principal, cause)) != 0 ||
	    (r = credentials_string(name, idx, o, "session_token", 1,
	    IDENTITY_MAX_TOKEN, &c->session_token, cause)) != 0)
		goto fail;
	if ((a = json_object_get(o, "actions")) != NULL) {
		if (!json_is_array(a)) {
			xasprintf(cause, "%s: credentials[%zu]: \"actions\" must "
			    "be an array of strings", name, idx);
			r = EFSGW_ERR_SYNTAX;
			goto fail;
		}
		json_array_foreach(a, i, v) {
			if (!json_is_string(v) || identity_parse_action(
			    json_string_value(v), &c->grants) != 0) {
				xasprintf(cause, "%s: credentials[%zu]: actions[%zu]"
				    " is not ClientMount, ClientWrite, "
				    "ClientRootAccess or elasticfilesystem:*",
				    name, idx, i);
				r = EFSGW_ERR_BAD_VALUE;
				goto fail;
			}
		}
	}
	return 0;
fail:
	credentials_entry_clear(c);
	return r;
}

int
credentials_parse(const char *name, const char *text,
    struct credentials **credsp, char **cause)
{
	struct credentials *creds = NULL;
	json_error_t jerr;
	json_t *root, *arr, *o;
	const char *key;
	json_t *v;
	size_t i, n;
	int r;

	*credsp = NULL;
	if ((root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		xasprintf(cause, "%s:%d:%d: %s", name, jerr.line, jerr.column,
		    jerr.text);
		return EFSGW_ERR_SYNTAX;
	}
	if (!json_is_object(root) ||
	    !json_is_array(arr = json_object_get(root, "credentials"))) {
		xasprintf(cause, "%s: expected {\"credentials\": [...]}", name);
		r = EFSGW_ERR_SYNTAX;
		goto out;
	}
	json_object_foreach(root, key, v) {
		if (strcmp(key, "credentials") != 0 && strcmp(key, "comment") != 0) {
			xasprintf(cause, "%s: unknown member \"%s\"", name, key);
			r = EFSGW_ERR_SYNTAX;
			goto out;
		}
	}
	if ((n = json_array_size(arr)) > CREDENTIALS_MAX) {
		xasprintf(cause, "%s: more than %d credentials", name,
		    CREDENTIALS_MAX);
		r = EFSGW_ERR_TOO_MANY;
		goto out;
	}
	creds = xcalloc(1, sizeof *creds);
	creds->v = xcalloc(n == 0 ? 1 : n, sizeof *creds->v);
	json_array_foreach(arr, i, o) {
		if ((r = credentials_entry(name, i, o, &creds->v[i], cause)) != 0)
			goto out;
		creds->n++;
	}
	qsort(creds->v, creds->n, sizeof *creds->v, credentials_cmp);
	for (i = 1; i < creds->n; i++) {
		if (strcmp(creds->v[i - 1].akid, creds->v[i].akid) == 0) {
			xasprintf(cause, "%s: access key id %s appears twice",
			    name, creds->v[i].akid);
			r = EFSGW_ERR_BAD_VALUE;
			goto out;
		}
	}
	*credsp = creds;
	creds = NULL;
	r = 0;
out:
	credentials_free(creds);
	json_decref(root);
	return r;
}

int
credentials_load(const char *path, struct credentials **credsp, char **cause)
{
	char *text;
	size_t have;
	int r;

	*credsp = NULL;
	/* It holds secret access keys: refuse what others can read. */
	if ((r = file_read_small(path, CREDENTIALS_MAX_FILE, 1, &text, &have,
	    cause)) != 0)
		return r;
	r = credentials_parse(path, text, credsp, cause);
	OPENSSL_cleanse(text, have);
	free(text);
	return r;
}

const struct credential *
credentials_find(const struct credentials *creds, const char *akid)
{
	struct credential key;

	if (creds == NULL || creds->n == 0)
		return NULL;
	memset(&key, 0, sizeof key);
	key.akid = (char *)(uintptr_t)akid;
	return bsearch(&key, creds->v, creds->n, sizeof *creds->v,
	    credentials_cmp);
}

size_t
credentials_count(const struct credentials *creds)
{
	return creds == NULL ? 0 : creds->n;
}
