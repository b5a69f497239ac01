/*
 * efsgw - unit tests for lifecycle configurations: the document of
 * `aws efs put-lifecycle-configuration` with EFS's rules (one transition
 * per policy object, Archive later than IA, only EFS's AFTER_N_DAYS
 * values, TransitionToPrimaryStorageClass only AFTER_1_ACCESS, Archive
 * only with elastic throughput and generalPurpose), the config keywords
 * that name it, tier locations and the test clock.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"
#include "tiering.h"

struct vec {
	const char	*json;
	int		 ok;
	uint32_t	 ia, archive;
	int		 primary;
	const char	*why;		/* substring of the cause */
};

static const struct vec vecs[] = {
	{ "{\"LifecyclePolicies\":[{\"TransitionToIA\":\"AFTER_30_DAYS\"},"
	  "{\"TransitionToArchive\":\"AFTER_90_DAYS\"}]}", 1, 30, 90, 0, NULL },
	{ "{\"FileSystemId\":\"fs-0123456789abcdef0\",\"LifecyclePolicies\":["
	  "{\"TransitionToIA\":\"AFTER_1_DAY\"},"
	  "{\"TransitionToPrimaryStorageClass\":\"AFTER_1_ACCESS\"}]}",
	  1, 1, 0, 1, NULL },
	{ "{\"LifecyclePolicies\":[]}", 1, 0, 0, 0, NULL },
	{ "{\"LifecyclePolicies\":[{\"TransitionToArchive\":\"AFTER_365_DAYS\"}]}",
	  1, 0, 365, 0, NULL },
	/* two transitions in one object: EFS refuses it */
	{ "{\"LifecyclePolicies\":[{\"TransitionToIA\":\"AFTER_30_DAYS\","
	  "\"TransitionToArchive\":\"AFTER_90_DAYS\"}]}", 0, 0, 0, 0,
	  "exactly one" },
	/* archive not later than IA */
	{ "{\"LifecyclePolicies\":[{\"TransitionToIA\":\"AFTER_90_DAYS\"},"
	  "{\"TransitionToArchive\":\"AFTER_90_DAYS\"}]}", 0, 0, 0, 0, "later" },
	{ "{\"LifecyclePolicies\":[{\"TransitionToIA\":\"AFTER_180_DAYS\"},"
	  "{\"TransitionToArchive\":\"AFTER_90_DAYS\"}]}", 0, 0, 0, 0, "later" },
	{ "{\"LifecyclePolicies\":[{\"TransitionToIA\":\"AFTER_2_DAYS\"}]}",
	  0, 0, 0, 0, "not one of" },
	{ "{\"LifecyclePolicies\":[{\"TransitionToIA\":\"AFTER_30_DAYS\"},"
	  "{\"TransitionToIA\":\"AFTER_60_DAYS\"}]}", 0, 0, 0, 0, "twice" },
	{ "{\"LifecyclePolicies\":[{\"TransitionToPrimaryStorageClass\":"
	  "\"AFTER_2_ACCESS\"}]}", 0, 0, 0, 0, "AFTER_1_ACCESS" },
	{ "{\"LifecyclePolicies\":[{\"TransitionToIA\":30}]}", 0, 0, 0, 0,
	  "not a string" },
	{ "{\"LifecyclePolicies\":[{}]}", 0, 0, 0, 0, "exactly one" },
	{ "{\"LifecyclePolicies\":[{\"TransitionToSomewhere\":\"AFTER_1_DAY\"}]}",
	  0, 0, 0, 0, "unknown" },
	{ "{\"FileSystemId\":\"fs-1111111111111111\",\"LifecyclePolicies\":[]}",
	  0, 0, 0, 0, "FileSystemId" },
	{ "{\"Lifecycle\":[]}", 0, 0, 0, 0, "unknown member" },
	{ "{}", 0, 0, 0, 0, "missing" },
	{ "[]", 0, 0, 0, 0, "object" },
	{ "{\"LifecyclePolicies\":[", 0, 0, 0, 0, NULL },
	{ "{\"LifecyclePolicies\":[],\"LifecyclePolicies\":[]}", 0, 0, 0, 0,
	  NULL },
};

/* Each vector parses or is refused as EFS would. */
START_TEST(test_vectors)
{
	const struct vec *v = &vecs[_i];
	struct lifecycle lc;
	char *cause = NULL;
	int r;

	lifecycle_defaults(&lc);
	lc.min_size = 4096;
	r = lifecycle_parse(v->json, strlen(v->json), "fs-0123456789abcdef0",
	    &lc, &cause);
	if (v->ok) {
		ck_assert_msg(r == 0, "%s: %s", v->json, cause);
		ck_assert_uint_eq(lc.ia_days, v->ia);
		ck_assert_uint_eq(lc.archive_days, v->archive);
		ck_assert_int_eq(lc.to_primary_on_access, v->primary);
		ck_assert_uint_eq(lc.min_size, 4096);
	} else {
		ck_assert_msg(r < 0, "%s accepted", v->json);
		ck_assert_ptr_nonnull(cause);
		if (v->why != NULL)
			ck_assert_msg(strstr(cause, v->why) != NULL,
			    "%s: cause '%s' lacks '%s'", v->json, cause, v->why);
		/* a refused document leaves lc as it was */
		ck_assert_uint_eq(lc.ia_days, 30);
		ck_assert_uint_eq(lc.archive_days, 90);
	}
	free(cause);
}
END_TEST

/* Every EFS value maps to its days; near misses do not. */
START_TEST(test_days)
{
	ck_assert_uint_eq(lifecycle_days("AFTER_1_DAY"), 1);
	ck_assert_uint_eq(lifecycle_days("AFTER_7_DAYS"), 7);
	ck_assert_uint_eq(lifecycle_days("AFTER_14_DAYS"), 14);
	ck_assert_uint_eq(lifecycle_days("AFTER_30_DAYS"), 30);
	ck_assert_uint_eq(lifecycle_days("AFTER_60_DAYS"), 60);
	ck_assert_uint_eq(lifecycle_days("AFTER_90_DAYS"), 90);
	ck_assert_uint_eq(lifecycle_days("AFTER_180_DAYS"), 180);
	ck_assert_uint_eq(lifecycle_days("AFTER_270_DAYS"), 270);
	ck_assert_uint_eq(lifecycle_days("AFTER_365_DAYS"), 365);
	ck_assert_uint_eq(lifecycle_days("AFTER_1_DAYS"), 0);
	ck_assert_uint_eq(lifecycle_days("after_30_days"), 0);
	ck_assert_uint_eq(lifecycle_days(""), 0);
}
END_TEST

/* Archive needs elastic + generalPurpose; IA alone does not. */
START_TEST(test_modes)
{
	struct lifecycle lc;
	char *cause = NULL;

	lifecycle_defaults(&lc);
	ck_assert_int_eq(lifecycle_check_modes(&lc, "elastic",
	    "generalPurpose", &cause), 0);
	ck_assert_int_lt(lifecycle_check_modes(&lc, "bursting",
	    "generalPurpose", &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "elastic"));
	free(cause);
	ck_assert_int_lt(lifecycle_check_modes(&lc, "elastic", "maxIO",
	    &cause), 0);
	free(cause);
	lc.archive_days = 0;
	ck_assert_int_eq(lifecycle_check_modes(&lc, "provisioned", "maxIO",
	    &cause), 0);
}
END_TEST

/* The printed JSON parses back to the same configuration. */
START_TEST(test_json_roundtrip)
{
	struct lifecycle lc, back;
	char *s, *cause = NULL;

	lifecycle_defaults(&lc);
	lc.ia_days = 7;
	lc.archive_days = 270;
	lc.to_primary_on_access = 1;
	s = lifecycle_json(&lc);
	lifecycle_defaults(&back);
	back.min_size = lc.min_size;
	ck_assert_int_eq(lifecycle_parse(s, strlen(s), NULL, &back, &cause), 0);
	ck_assert_int_eq(memcmp(&lc, &back, sizeof lc), 0);
	free(s);
}
END_TEST

/* HOST:PORT:/export splits at the first ":/". */
START_TEST(test_target)
{
	char hp[64], ex[64];

	ck_assert_int_eq(tier_target_parse("127.0.0.1:2050:/ia", hp, sizeof hp,
	    ex, sizeof ex), 0);
	ck_assert_str_eq(hp, "127.0.0.1:2050");
	ck_assert_str_eq(ex, "/ia");
	ck_assert_int_eq(tier_target_parse("[::1]:2049:/a/b", hp, sizeof hp,
	    ex, sizeof ex), 0);
	ck_assert_str_eq(hp, "[::1]:2049");
	ck_assert_str_eq(ex, "/a/b");
	ck_assert_int_lt(tier_target_parse("127.0.0.1:/ia", hp, sizeof hp, ex,
	    sizeof ex), 0);
	ck_assert_int_lt(tier_target_parse("127.0.0.1:2050", hp, sizeof hp, ex,
	    sizeof ex), 0);
	ck_assert_int_lt(tier_target_parse(":/x", hp, sizeof hp, ex,
	    sizeof ex), 0);
	ck_assert_int_lt(tier_target_parse("[::1:2049:/x", hp, sizeof hp, ex,
	    sizeof ex), 0);
}
END_TEST

#define FS_HEAD	"filesystem fs-0123456789abcdef0 {\n\tbackend 127.0.0.1:2050\n"
#define FS_TAIL "}\nlistener l {\n\taddress 127.0.0.1:2049\n}\n"

/* The tiering keywords parse and are cross-checked. */
START_TEST(test_config)
{
	struct config *c;
	struct config_fs *fs;
	char *cause = NULL;

	ck_assert_int_eq(config_parse("t.conf", FS_HEAD
	    "\tlifecycle default\n\ttier-ia 127.0.0.1:2051:/ia\n"
	    "\ttier-archive 127.0.0.1:2052:/archive\n"
	    "\ttier-registry redis://127.0.0.1:6379\n\ttier-min-size 64\n"
	    FS_TAIL, &c, &cause), 0);
	fs = TAILQ_FIRST(&c->filesystems);
	ck_assert_str_eq(fs->lifecycle_path, "default");
	ck_assert_uint_eq(fs->tier_min_kib, 64);
	ck_assert_int_eq(fs->tier_archive_zstd, 1);
	config_release(c);
	/* no lifecycle: nothing is required */
	ck_assert_msg(config_parse("t.conf", FS_HEAD FS_TAIL, &c, &cause) == 0, "%s", cause);
	ck_assert_str_eq(TAILQ_FIRST(&c->filesystems)->lifecycle_path, "none");
	config_release(c);
	ck_assert_int_lt(config_parse("t.conf", FS_HEAD "\tlifecycle default\n"
	    "\ttier-registry /var/lib/efsgw/tier.journal\n" FS_TAIL, &c,
	    &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "tier-ia"));
	free(cause);
	ck_assert_int_lt(config_parse("t.conf", FS_HEAD "\tlifecycle default\n"
	    "\ttier-ia 127.0.0.1:2051:/ia\n" FS_TAIL, &c, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "tier-registry"));
	free(cause);
	ck_assert_int_lt(config_parse("t.conf", FS_HEAD "\ttier-ia nowhere\n"
	    FS_TAIL, &c, &cause), 0);
	free(cause);
	ck_assert_int_lt(config_parse("t.conf", FS_HEAD "\tlifecycle rel.json\n"
	    "\ttier-ia 127.0.0.1:2051:/ia\n\ttier-registry /x\n" FS_TAIL, &c,
	    &cause), 0);
	free(cause);
	/* a journal registry is taken (the gateway shares it with the agent) */
	ck_assert_msg(config_parse("t.conf", FS_HEAD "\tlifecycle default\n"
	    "\ttier-ia 127.0.0.1:2051:/ia\n"
	    "\ttier-registry /var/lib/efsgw/a.tier\n" FS_TAIL, &c, &cause) == 0,
	    "%s", cause);
	config_release(c);
	/* but one journal serves one file system only */
	ck_assert_int_lt(config_parse("t.conf", FS_HEAD "\tlifecycle default\n"
	    "\ttier-ia 127.0.0.1:2051:/ia\n"
	    "\ttier-registry /var/lib/efsgw/a.tier\n}\n"
	    "filesystem fs-0123456789abcdef1 {\n\tbackend 127.0.0.1:2050\n"
	    "\tlifecycle default\n\ttier-ia 127.0.0.1:2051:/ia\n"
	    "\ttier-registry /var/lib/efsgw/a.tier\n}\n"
	    "listener l {\n\taddress 127.0.0.1:2049\n"
	    "\tfilesystem fs-0123456789abcdef0\n}\n", &c, &cause), 0);
	ck_assert_ptr_nonnull(strstr(cause, "its own"));
	free(cause);
}
END_TEST

/* EFSGW_TIER_NOW moves the tiering clock; EFSGW_TIER_DAY shortens days. */
START_TEST(test_clock)
{
	time_t now = time(NULL);

	unsetenv("EFSGW_TIER_NOW");
	unsetenv("EFSGW_TIER_DAY");
	ck_assert_int_ge(tier_now(), now);
	ck_assert_uint_eq(tier_day_seconds(), 86400);
	setenv("EFSGW_TIER_NOW", "1000", 1);
	ck_assert_int_eq(tier_now(), 1000);
	setenv("EFSGW_TIER_NOW", "+86400", 1);
	ck_assert_int_ge(tier_now(), now + 86400);
	setenv("EFSGW_TIER_NOW", "junk", 1);
	ck_assert_int_lt(tier_now(), now + 3600);
	setenv("EFSGW_TIER_DAY", "2", 1);
	ck_assert_uint_eq(tier_day_seconds(), 2);
	setenv("EFSGW_TIER_DAY", "0", 1);
	ck_assert_uint_eq(tier_day_seconds(), 86400);
	unsetenv("EFSGW_TIER_NOW");
	unsetenv("EFSGW_TIER_DAY");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("lifecycle");
	TCase *tc = tcase_create("lifecycle");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_vectors, 0, (int)nitems(vecs));
	tcase_add_test(tc, test_days);
	tcase_add_test(tc, test_modes);
	tcase_add_test(tc, test_json_roundtrip);
	tcase_add_test(tc, test_target);
	tcase_add_test(tc, test_config);
	tcase_add_test(tc, test_clock);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
