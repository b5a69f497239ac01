/*
 * efsgw - lifecycle configurations: the LifecyclePolicies document of
 * `aws efs put-lifecycle-configuration`, checked with EFS's rules.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common.h"
#include "tiering.h"

/* The TransitionToIA / TransitionToArchive values EFS accepts. */
static const struct {
	const char	*name;
	uint32_t	 days;
} lifecycle_values[] = {
	{ "AFTER_1_DAY", 1 }, { "AFTER_7_DAYS", 7 }, { "AFTER_14_DAYS", 14 },
	{ "AFTER_30_DAYS", 30 }, { "AFTER_60_DAYS", 60 },
	{ "AFTER_90_DAYS", 90 }, { "AFTER_180_DAYS", 180 },
	{ "AFTER_270_DAYS", 270 }, { "AFTER_365_DAYS", 365 },
};

/* Fill in EFS's console defaults. */
void
lifecycle_defaults(struct lifecycle *lc)
{
	memset(lc, 0, sizeof *lc);
	lc->ia_days = 30;
	lc->archive_days = 90;
	lc->min_size = LIFECYCLE_DEFAULT_MIN_SIZE;
}

/* Map an AFTER_N_DAYS value to N. */
uint32_t
lifecycle_days(const char *value)
{
	size_t i;

	for (i = 0; i < nitems(lifecycle_values); i++) {
		if (strcmp(value, lifecycle_values[i].name) == 0)
			return lifecycle_values[i].days;
	}
	return 0;
}

/* Name of a day count (one of EFS's values). */
static const char *
lifecycle_value_name(uint32_t days)
{
	size_t i;

	for (i = 0; i < nitems(lifecycle_values); i++) {
		if (lifecycle_values[i].days == days)
			return lifecycle_values[i].name;
	}
	return "?";
}

/* Set *cause and return EFSGW_ERR_BAD_VALUE. */
static int __attribute__((format(printf, 2, 3)))
lifecycle_fail(char **cause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(cause, fmt, ap) == -1)
		*cause = NULL;
	va_end(ap);
	return EFSGW_ERR_BAD_VALUE;
}

/* Apply one policy object (exactly one member). */
static int
lifecycle_policy(json_t *pol, size_t idx, struct lifecycle *lc, int seen[3],
    char **cause)
{
	const char *key, *val;
	json_t *v;
	uint32_t days;

	if (!json_is_object(pol))
		return lifecycle_fail(cause, "LifecyclePolicies[%zu] is not an "
		    "object", idx);
	if (json_object_size(pol) != 1)
		return lifecycle_fail(cause, "LifecyclePolicies[%zu] must hold "
		    "exactly one transition (EFS allows one per policy object)",
		    idx);
	json_object_foreach(pol, key, v) {
		if (!json_is_string(v))
			return lifecycle_fail(cause, "LifecyclePolicies[%zu].%.40s "
			    "is not a string", idx, key);
		val = json_string_value(v);
		if (strcmp(key, "TransitionToPrimaryStorageClass") == 0) {
			if (seen[2]++)
				return lifecycle_fail(cause, "TransitionToPrimary"
				    "StorageClass given twice");
			if (strcmp(val, "AFTER_1_ACCESS") != 0)
				return lifecycle_fail(cause, "TransitionToPrimary"
				    "StorageClass must be AFTER_1_ACCESS, not "
				    "'%.40s'", val);
			lc->to_primary_on_access = 1;
			continue;
		}
		if (strcmp(key, "TransitionToIA") != 0 &&
		    strcmp(key, "TransitionToArchive") != 0)
			return lifecycle_fail(cause, "LifecyclePolicies[%zu]: "
			    "unknown member '%.40s'", idx, key);
		if ((days = lifecycle_days(val)) == 0)
			return lifecycle_fail(cause, "%s: '%.40s' is not one of "
			    "AFTER_1_DAY, AFTER_7_DAYS, AFTER_14_DAYS, "
			    "AFTER_30_DAYS, AFTER_60_DAYS, AFTER_90_DAYS, "
			    "AFTER_180_DAYS, AFTER_270_DAYS, AFTER_365_DAYS",
			    key, val);
		if (strcmp(key, "TransitionToIA") == 0) {
			if (seen[0]++)
				return lifecycle_fail(cause, "TransitionToIA "
				    "given twice");
			lc->ia_days = days;
		} else {
			if (seen[1]++)
				return lifecycle_fail(cause, "TransitionToArchive "
				    "given twice");
			lc->archive_days = days;
		}
	}
	return 0;
}

/* Parse a lifecycle configuration document. */
int
lifecycle_parse(const char *text, size_t len, const char *fs_id,
    struct lifecycle *lc, char **cause)
{
	struct lifecycle out;
	json_error_t jerr;
	json_t *root, *pols, *v;
	const char *key;
	size_t i;
	int seen[3] = { 0, 0, 0 }, r = 0;

	*cause = NULL;
	memset(&out, 0, sizeof out);
	out.min_size = lc->min_size;
	if (len > LIFECYCLE_MAX_JSON)
		return lifecycle_fail(cause, "lifecycle configuration over "
		    "%d bytes", LIFECYCLE_MAX_JSON);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		xasprintf(cause, "line %d: %s", jerr.line, jerr.text);
		return EFSGW_ERR_SYNTAX;
	}
	if (!json_is_object(root)) {
		r = lifecycle_fail(cause, "not a JSON object");
		goto out;
	}
	json_object_foreach(root, key, v) {
		if (strcmp(key, "LifecyclePolicies") == 0)
			continue;
		if (strcmp(key, "FileSystemId") == 0) {
			if (!json_is_string(v)) {
				r = lifecycle_fail(cause, "FileSystemId is not "
				    "a string");
				goto out;
			}
			if (fs_id != NULL &&
			    strcmp(json_string_value(v), fs_id) != 0) {
				r = lifecycle_fail(cause, "FileSystemId %.40s is "
				    "not %s", json_string_value(v), fs_id);
				goto out;
			}
			continue;
		}
		r = lifecycle_fail(cause, "unknown member '%.40s'", key);
		goto out;
	}
	pols = json_object_get(root, "LifecyclePolicies");
	if (!json_is_array(pols)) {
		r = lifecycle_fail(cause, "LifecyclePolicies (an array) missing");
		goto out;
	}
	if (json_array_size(pols) > 3) {
		r = lifecycle_fail(cause, "LifecyclePolicies holds at most "
		    "three policy objects");
		goto out;
	}
	json_array_foreach(pols, i, v) {
		if ((r = lifecycle_policy(v, i, &out, seen, cause)) != 0)
			goto out;
	}
	if (out.ia_days != 0 && out.archive_days != 0 &&
	    out.archive_days <= out.ia_days) {
		r = lifecycle_fail(cause, "TransitionToArchive (%s) must be "
		    "later than TransitionToIA (%s)",
		    lifecycle_value_name(out.archive_days),
		    lifecycle_value_name(out.ia_days));
		goto out;
	}
	*lc = out;
out:
	json_decref(root);
	return r;
}

/* Parse a lifecycle configuration file. */
int
lifecycle_load(const char *path, const char *fs_id, struct lifecycle *lc,
    char **cause)
{
	char *text = NULL, *why = NULL;
	size_t len;
	int r;

	*cause = NULL;
	if ((r = file_read_small(path, LIFECYCLE_MAX_JSON, 0, &text, &len,
	    cause)) != 0)
		return r;
	if ((r = lifecycle_parse(text, len, fs_id, lc, &why)) != 0) {
		xasprintf(cause, "%s: %s", path, why != NULL ? why : efsgw_err(r));
		free(why);
	}
	free(text);
	return r;
}

/* Check the file system modes Archive needs. */
int
lifecycle_check_modes(const struct lifecycle *lc, const char *tp_mode,
    const char *perf_mode, char **cause)
{
	*cause = NULL;
	if (lc->archive_days == 0)
		return 0;
	if (tp_mode == NULL || strcmp(tp_mode, "elastic") != 0)
		return lifecycle_fail(cause, "TransitionToArchive needs the "
		    "elastic throughput mode (as on EFS), not %s",
		    tp_mode != NULL ? tp_mode : "none");
	if (perf_mode == NULL || strcmp(perf_mode, "generalPurpose") != 0)
		return lifecycle_fail(cause, "TransitionToArchive needs the "
		    "generalPurpose performance mode (as on EFS)");
	return 0;
}

/* Print lc as describe-lifecycle-configuration does. */
char *
lifecycle_json(const struct lifecycle *lc)
{
	json_t *root, *pols;
	char *s;

	root = json_object();
	pols = json_array();
	if (lc->ia_days != 0)
		json_array_append_new(pols, json_pack("{s:s}", "TransitionToIA",
		    lifecycle_value_name(lc->ia_days)));
	if (lc->archive_days != 0)
		json_array_append_new(pols, json_pack("{s:s}",
		    "TransitionToArchive", lifecycle_value_name(lc->archive_days)));
	if (lc->to_primary_on_access)
		json_array_append_new(pols, json_pack("{s:s}",
		    "TransitionToPrimaryStorageClass", "AFTER_1_ACCESS"));
	json_object_set_new(root, "LifecyclePolicies", pols);
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (s == NULL)
		fatalx("out of memory");
	return s;
}

/* Split "HOST:PORT:/export" (HOST may be [v6]) at the ":/". */
int
tier_target_parse(const char *s, char *hostport, size_t hplen, char *export,
    size_t exlen)
{
	const char *p = s;

	if (*p == '[' && (p = strchr(p, ']')) == NULL)
		return EFSGW_ERR_SYNTAX;
	if ((p = strstr(p, ":/")) == NULL || p == s)
		return EFSGW_ERR_SYNTAX;
	if ((size_t)(p - s) >= hplen || strlen(p + 1) >= exlen)
		return EFSGW_ERR_TOO_LONG;
	memcpy(hostport, s, (size_t)(p - s));
	hostport[p - s] = '\0';
	snprintf(export, exlen, "%s", p + 1);
	if (strchr(hostport + (hostport[0] == '[' ? 1 : 0), ':') == NULL &&
	    hostport[0] != '[')
		return EFSGW_ERR_SYNTAX;
	return 0;
}
