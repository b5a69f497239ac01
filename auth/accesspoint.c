/*
 * efsgw - access points: parsing and checking their definitions in the
 * JSON shapes the AWS CLI uses (an array of objects, or describe-access-
 * points output {"AccessPoints": [...]}, each object with AccessPointId,
 * FileSystemId, PosixUser and RootDirectory as in create-access-point).
 * The limits are EFS's (API_RootDirectory, API_CreationInfo,
 * API_PosixUser): a path of 1 to 100 characters and at most four levels,
 * CreationInfo complete or absent, at most 16 secondary gids.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "auth.h"

/* Keys that describe-access-points prints and that carry no meaning here. */
static const char *const ap_ignored_keys[] = {
	"AccessPointArn", "ClientToken", "LifeCycleState", "Name", "OwnerId",
	"Tags",
};

/* Is s "prefix" followed by exactly ndigits lowercase hex digits? */
static int
ap_valid_id(const char *s, const char *prefix, size_t min, size_t max)
{
	size_t n, i, plen = strlen(prefix);

	if (strncmp(s, prefix, plen) != 0)
		return 0;
	n = strlen(s + plen);
	if (n < min || n > max)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[plen + i]) ||
		    isupper((unsigned char)s[plen + i]))
			return 0;
	}
	return 1;
}

/*
 * Check RootDirectory.Path: "/" or one to four components, none starting
 * with '.', none holding $#<>;`|&?{}^* or newline (EFS's pattern).
 */
int
access_point_valid_path(const char *path, const char **why)
{
	const char *p = path, *start;
	int levels = 0;

	*why = NULL;
	if (strlen(path) < 1 || strlen(path) > 100) {
		*why = "must be 1 to 100 characters";
		return 0;
	}
	if (strcmp(path, "/") == 0)
		return 1;
	while (*p != '\0') {
		if (*p != '/') {
			*why = "must start with / and separate levels with one /";
			return 0;
		}
		start = ++p;
		if (*p == '.') {
			*why = "a level may not start with '.'";
			return 0;
		}
		while (*p != '\0' && *p != '/') {
			if (strchr("$#<>;`|&?{}^*\n", *p) != NULL) {
				*why = "may not contain any of $#<>;`|&?{}^* or newline";
				return 0;
			}
			p++;
		}
		if (p == start) {
			*why = "empty level (// or a trailing /)";
			return 0;
		}
		if (++levels > 4) {
			*why = "at most four levels";
			return 0;
		}
	}
	return 1;
}

/* Read a JSON integer in [0, 2^32-1]. */
static int
ap_get_u32(json_t *o, const char *key, uint32_t *out, int required,
    const char **err)
{
	json_t *v = json_object_get(o, key);
	json_int_t n;

	if (v == NULL) {
		if (required)
			*err = "is required";
		return required ? -1 : 1;
	}
	if (!json_is_integer(v) || (n = json_integer_value(v)) < 0 ||
	    n > 4294967295LL) {
		*err = "must be an integer from 0 to 4294967295";
		return -1;
	}
	*out = (uint32_t)n;
	return 0;
}

/* Refuse keys of o other than the allowed ones. */
static int
ap_check_keys(json_t *o, const char *const *allowed, size_t n, int toplevel,
    const char **bad)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(o, key, v) {
		for (i = 0; i < n; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (i < n)
			continue;
		if (toplevel) {
			for (i = 0; i < nitems(ap_ignored_keys); i++)
				if (strcmp(key, ap_ignored_keys[i]) == 0)
					break;
			if (i < nitems(ap_ignored_keys))
				continue;
		}
		*bad = key;
		return -1;
	}
	(void)v;
	return 0;
}

/* Parse one access point object. */
static int
ap_parse_one(json_t *o, struct access_point *ap, char *msg, size_t msglen)
{
	static const char *const top[] = { "AccessPointId", "FileSystemId",
	    "PosixUser", "RootDirectory" };
	static const char *const pu[] = { "Uid", "Gid", "SecondaryGids" };
	static const char *const rd[] = { "Path", "CreationInfo" };
	static const char *const ci[] = { "OwnerUid", "OwnerGid", "Permissions" };
	json_t *v, *p, *g;
	const char *s, *err = NULL, *bad = NULL;
	const char *why;
	size_t i;

	memset(ap, 0, sizeof *ap);
	snprintf(ap->path, sizeof ap->path, "/");
	if (!json_is_object(o)) {
		snprintf(msg, msglen, "an access point must be a JSON object");
		return -1;
	}
	if (ap_check_keys(o, top, nitems(top), 1, &bad) != 0) {
		snprintf(msg, msglen, "unknown key \"%.64s\"", bad);
		return -1;
	}
	if ((v = json_object_get(o, "AccessPointId")) == NULL ||
	    (s = json_string_value(v)) == NULL ||
	    !ap_valid_id(s, "fsap-", 17, 17)) {
		snprintf(msg, msglen, "AccessPointId must be fsap- and 17 "
		    "lowercase hex digits");
		return -1;
	}
	snprintf(ap->id, sizeof ap->id, "%s", s);
	if ((v = json_object_get(o, "FileSystemId")) == NULL ||
	    (s = json_string_value(v)) == NULL ||
	    !ap_valid_id(s, "fs-", 8, 17)) {
		snprintf(msg, msglen, "%s: FileSystemId must be fs- and 8 to 17 "
		    "lowercase hex digits", ap->id);
		return -1;
	}
	snprintf(ap->fs_id, sizeof ap->fs_id, "%s", s);

	if ((p = json_object_get(o, "PosixUser")) != NULL) {
		if (!json_is_object(p) ||
		    ap_check_keys(p, pu, nitems(pu), 0, &bad) != 0) {
			snprintf(msg, msglen, "%s: PosixUser: unknown key \"%.64s\"",
			    ap->id, bad != NULL ? bad : "(not an object)");
			return -1;
		}
		if (ap_get_u32(p, "Uid", &ap->uid, 1, &err) != 0 ||
		    ap_get_u32(p, "Gid", &ap->gid, 1, &err) != 0) {
			snprintf(msg, msglen, "%s: PosixUser Uid and Gid: %s",
			    ap->id, err);
			return -1;
		}
		if ((g = json_object_get(p, "SecondaryGids")) != NULL) {
			if (!json_is_array(g) || json_array_size(g) > 16) {
				snprintf(msg, msglen, "%s: SecondaryGids must be "
				    "a list of at most 16 gids", ap->id);
				return -1;
			}
			for (i = 0; i < json_array_size(g); i++) {
				json_t *e = json_array_get(g, i);
				json_int_t n = json_integer_value(e);
				if (!json_is_integer(e) || n < 0 ||
				    n > 4294967295LL) {
					snprintf(msg, msglen, "%s: SecondaryGids "
					    "must be integers from 0 to 4294967295",
					    ap->id);
					return -1;
				}
				ap->gids[ap->ngids++] = (uint32_t)n;
			}
		}
		ap->has_posix_user = 1;
	}

	if ((p = json_object_get(o, "RootDirectory")) != NULL) {
		if (!json_is_object(p) ||
		    ap_check_keys(p, rd, nitems(rd), 0, &bad) != 0) {
			snprintf(msg, msglen, "%s: RootDirectory: unknown key "
			    "\"%.64s\"", ap->id, bad != NULL ? bad : "(not an object)");
			return -1;
		}
		if ((v = json_object_get(p, "Path")) != NULL) {
			if ((s = json_string_value(v)) == NULL ||
			    !access_point_valid_path(s, &why)) {
				snprintf(msg, msglen, "%s: RootDirectory.Path %s",
				    ap->id, s == NULL ? "must be a string" : why);
				return -1;
			}
			snprintf(ap->path, sizeof ap->path, "%s", s);
		}
		if ((g = json_object_get(p, "CreationInfo")) != NULL) {
			if (!json_is_object(g) ||
			    ap_check_keys(g, ci, nitems(ci), 0, &bad) != 0) {
				snprintf(msg, msglen, "%s: CreationInfo: unknown "
				    "key \"%.64s\"", ap->id,
				    bad != NULL ? bad : "(not an object)");
				return -1;
			}
			/* EFS: all three are required when CreationInfo is given. */
			if (ap_get_u32(g, "OwnerUid", &ap->owner_uid, 1, &err) != 0 ||
			    ap_get_u32(g, "OwnerGid", &ap->owner_gid, 1, &err) != 0) {
				snprintf(msg, msglen, "%s: CreationInfo OwnerUid and "
				    "OwnerGid: %s", ap->id, err);
				return -1;
			}
			v = json_object_get(g, "Permissions");
			s = json_string_value(v);
			if (s == NULL || strlen(s) < 3 || strlen(s) > 4 ||
			    strspn(s, "01234567") != strlen(s)) {
				snprintf(msg, msglen, "%s: CreationInfo.Permissions "
				    "must be 3 or 4 octal digits as a string, like "
				    "\"0755\"", ap->id);
				return -1;
			}
			ap->mode = (uint32_t)strtoul(s, NULL, 8);
			ap->has_creation = 1;
		}
	}
	return 0;
}

/* Parse access point definitions. */
int
access_points_parse(const char *name, const char *text, size_t len,
    struct access_points **out, char **cause)
{
	struct access_points *aps = NULL;
	json_error_t jerr;
	json_t *root, *list;
	char msg[256];
	size_t i, j;

	*out = NULL;
	*cause = NULL;
	if (len > 4 * 1024 * 1024) {
		xasprintf(cause, "%s: larger than 4 MiB", name);
		return EFSGW_ERR_TOO_LONG;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		xasprintf(cause, "%s: line %d, column %d: %s", name, jerr.line,
		    jerr.column, jerr.text);
		return EFSGW_ERR_SYNTAX;
	}
	list = root;
	if (json_is_object(root)) {
		if ((list = json_object_get(root, "AccessPoints")) == NULL ||
		    json_object_size(root) != 1) {
			xasprintf(cause, "%s: expected a list of access points or "
			    "{\"AccessPoints\": [...]}", name);
			json_decref(root);
			return EFSGW_ERR_SYNTAX;
		}
	}
	if (!json_is_array(list) || json_array_size(list) > ACCESS_POINTS_MAX) {
		xasprintf(cause, "%s: expected a list of at most %d access points",
		    name, ACCESS_POINTS_MAX);
		json_decref(root);
		return EFSGW_ERR_SYNTAX;
	}
	aps = xcalloc(1, sizeof *aps);
	aps->n = json_array_size(list);
	if (aps->n > 0)
		aps->v = xcalloc(aps->n, sizeof *aps->v);
	for (i = 0; i < aps->n; i++) {
		if (ap_parse_one(json_array_get(list, i), &aps->v[i], msg,
		    sizeof msg) != 0) {
			xasprintf(cause, "%s: access point %zu: %s", name, i + 1, msg);
			goto fail;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(aps->v[j].id, aps->v[i].id) == 0) {
				xasprintf(cause, "%s: access point %s defined twice",
				    name, aps->v[i].id);
				goto fail;
			}
		}
	}
	json_decref(root);
	*out = aps;
	return 0;
fail:
	json_decref(root);
	access_points_free(aps);
	return EFSGW_ERR_SYNTAX;
}

/* Load access points from a file. */
int
access_points_load(const char *path, struct access_points **out, char **cause)
{
	FILE *f;
	char *text;
	size_t n;
	int r;

	*out = NULL;
	*cause = NULL;
	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: cannot open", path);
		return EFSGW_ERR_SYSTEM;
	}
	text = xmalloc(4 * 1024 * 1024 + 1);
	n = fread(text, 1, 4 * 1024 * 1024 + 1, f);
	fclose(f);
	r = access_points_parse(path, text, n, out, cause);
	free(text);
	return r;
}

/* Find an access point by id. */
const struct access_point *
access_points_find(const struct access_points *aps, const char *id)
{
	size_t i;

	if (aps == NULL)
		return NULL;
	for (i = 0; i < aps->n; i++) {
		if (strcmp(aps->v[i].id, id) == 0)
			return &aps->v[i];
	}
	return NULL;
}

void
access_points_free(struct access_points *aps)
{
	if (aps == NULL)
		return;
	free(aps->v);
	free(aps);
}
