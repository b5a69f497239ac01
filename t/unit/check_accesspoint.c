/*
 * efsgw - unit tests for access point definitions and root squashing.
 * Pins EFS's rules: RootDirectory.Path 1-100 characters, at most four
 * levels, no level starting with '.', none of $#<>;`|&?{}^*; CreationInfo
 * all-or-nothing with octal Permissions; PosixUser Uid/Gid required and at
 * most 16 SecondaryGids; ids fsap-<17 hex>. Squashing: PosixUser replaces
 * the client's ids; without ClientRootAccess uid/gid 0 become anonymous,
 * the access point's own ids included; AUTH_NONE is anonymous.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

static const char good[] =
	"{\"AccessPoints\": [\n"
	" {\"AccessPointId\": \"fsap-0123456789abcdef0\",\n"
	"  \"FileSystemId\": \"fs-0123456789abcdef0\",\n"
	"  \"Name\": \"app\", \"Tags\": [],\n"
	"  \"PosixUser\": {\"Uid\": 1000, \"Gid\": 1000, \"SecondaryGids\": [10, 20]},\n"
	"  \"RootDirectory\": {\"Path\": \"/apps/one\",\n"
	"    \"CreationInfo\": {\"OwnerUid\": 1000, \"OwnerGid\": 1000, \"Permissions\": \"0750\"}}},\n"
	" {\"AccessPointId\": \"fsap-0123456789abcdef1\",\n"
	"  \"FileSystemId\": \"fs-0123456789abcdef0\"}\n"
	"]}\n";

/* The describe-access-points shape parses with every field. */
START_TEST(test_good)
{
	struct access_points *aps;
	const struct access_point *ap;
	char *cause;

	ck_assert_int_eq(access_points_parse("a.json", good, strlen(good), &aps,
	    &cause), 0);
	ck_assert_uint_eq(aps->n, 2);
	ap = access_points_find(aps, "fsap-0123456789abcdef0");
	ck_assert_ptr_nonnull(ap);
	ck_assert_int_eq(ap->has_posix_user, 1);
	ck_assert_uint_eq(ap->ngids, 2);
	ck_assert_uint_eq(ap->gids[1], 20);
	ck_assert_str_eq(ap->path, "/apps/one");
	ck_assert_int_eq(ap->has_creation, 1);
	ck_assert_uint_eq(ap->mode, 0750);
	ap = access_points_find(aps, "fsap-0123456789abcdef1");
	ck_assert_str_eq(ap->path, "/");
	ck_assert_int_eq(ap->has_posix_user, 0);
	ck_assert_ptr_null(access_points_find(aps, "fsap-0123456789abcdef2"));
	access_points_free(aps);
}
END_TEST

static const struct {
	const char *path;
	int ok;
} paths[] = {
	{ "/", 1 }, { "/a", 1 }, { "/a/b/c/d", 1 }, { "/a/b/c/d/e", 0 },
	{ "", 0 }, { "a", 0 }, { "/a/", 0 }, { "//a", 0 }, { "/.a", 0 },
	{ "/a/.b", 0 }, { "/a.b", 1 }, { "/a$b", 0 }, { "/a;b", 0 }, { "/a b", 1 },
	{ "/a*", 0 }, { "/a\nb", 0 },
	{ "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
	{ "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1 },
};

/* EFS's RootDirectory.Path rules. */
START_TEST(test_paths)
{
	const char *why;

	ck_assert_int_eq(access_point_valid_path(paths[_i].path, &why),
	    paths[_i].ok);
}
END_TEST

static const char *const bad[] = {
	"[{\"FileSystemId\": \"fs-0123456789abcdef0\"}]",
	"[{\"AccessPointId\": \"fsap-0123\", \"FileSystemId\": \"fs-0123456789abcdef0\"}]",
	"[{\"AccessPointId\": \"fsap-0123456789abcdef0\"}]",
	"[{\"AccessPointId\": \"fsap-0123456789abcdef0\", \"FileSystemId\": \"fs-0123456789abcdef0\", \"Bogus\": 1}]",
	"[{\"AccessPointId\": \"fsap-0123456789abcdef0\", \"FileSystemId\": \"fs-0123456789abcdef0\", \"PosixUser\": {\"Uid\": 1}}]",
	"[{\"AccessPointId\": \"fsap-0123456789abcdef0\", \"FileSystemId\": \"fs-0123456789abcdef0\", \"PosixUser\": {\"Uid\": -1, \"Gid\": 1}}]",
	"[{\"AccessPointId\": \"fsap-0123456789abcdef0\", \"FileSystemId\": \"fs-0123456789abcdef0\", \"PosixUser\": {\"Uid\": 4294967296, \"Gid\": 1}}]",
	"[{\"AccessPointId\": \"fsap-0123456789abcdef0\", \"FileSystemId\": \"fs-0123456789abcdef0\", \"PosixUser\": {\"Uid\": 1, \"Gid\": 1, \"SecondaryGids\": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]}}]",
	"[{\"AccessPointId\": \"fsap-0123456789abcdef0\", \"FileSystemId\": \"fs-0123456789abcdef0\", \"RootDirectory\": {\"Path\": \"/a\", \"CreationInfo\": {\"OwnerUid\": 1, \"OwnerGid\": 1}}}]",
	"[{\"AccessPointId\": \"fsap-0123456789abcdef0\", \"FileSystemId\": \"fs-0123456789abcdef0\", \"RootDirectory\": {\"Path\": \"/a\", \"CreationInfo\": {\"OwnerUid\": 1, \"OwnerGid\": 1, \"Permissions\": \"0789\"}}}]",
	"[{\"AccessPointId\": \"fsap-0123456789abcdef0\", \"FileSystemId\": \"fs-0123456789abcdef0\", \"RootDirectory\": {\"Path\": \"/a\", \"CreationInfo\": {\"OwnerUid\": 1, \"OwnerGid\": 1, \"Permissions\": 755}}}]",
	"[{\"AccessPointId\": \"fsap-0123456789abcdef0\", \"FileSystemId\": \"fs-0123456789abcdef0\"}, {\"AccessPointId\": \"fsap-0123456789abcdef0\", \"FileSystemId\": \"fs-0123456789abcdef0\"}]",
	"{\"AccessPoints\": [], \"Extra\": 1}",
	"{\"AccessPointId\": \"fsap-0123456789abcdef0\", \"AccessPointId\": \"fsap-0123456789abcdef1\"}",
	"[1, 2]",
	"[{\"AccessPointId\": \"fsap-0123456789abcdef0\",",
};

/* Bad definitions are refused with a cause. */
START_TEST(test_bad)
{
	struct access_points *aps;
	char *cause = NULL;

	ck_assert_int_ne(access_points_parse("b.json", bad[_i], strlen(bad[_i]),
	    &aps, &cause), 0);
	ck_assert_ptr_null(aps);
	ck_assert_ptr_nonnull(cause);
	free(cause);
}
END_TEST

/* Truncations and bit flips of a valid file never crash. */
START_TEST(test_fuzzish)
{
	struct access_points *aps;
	char text[sizeof good], *cause;
	size_t i;
	int bit;

	for (i = 0; i < sizeof good - 1; i++) {
		if (access_points_parse("t", good, i, &aps, &cause) == 0)
			access_points_free(aps);
		else
			free(cause);
		for (bit = 0; bit < 8; bit++) {
			memcpy(text, good, sizeof good);
			text[i] ^= (char)(1 << bit);
			if (access_points_parse("t", text, sizeof good - 1, &aps,
			    &cause) == 0)
				access_points_free(aps);
			else
				free(cause);
		}
	}
}
END_TEST

/* Squashing and PosixUser. */
START_TEST(test_squash)
{
	struct access_point ap;
	struct squash_policy sp = { NULL, 0, 65534, 65534 };
	struct cred in = { 0, 0, 2, { 0, 5 } }, out;

	squash_apply(&sp, &in, &out);
	ck_assert_uint_eq(out.uid, 65534);
	ck_assert_uint_eq(out.gid, 65534);
	ck_assert_uint_eq(out.gids[0], 65534);
	ck_assert_uint_eq(out.gids[1], 5);

	sp.root_allowed = 1;
	squash_apply(&sp, &in, &out);
	ck_assert_uint_eq(out.uid, 0);

	squash_apply(&sp, NULL, &out);		/* AUTH_NONE */
	ck_assert_uint_eq(out.uid, 65534);

	memset(&ap, 0, sizeof ap);
	ap.has_posix_user = 1;
	ap.uid = 1000;
	ap.gid = 0;
	ap.ngids = 1;
	ap.gids[0] = 7;
	sp.ap = &ap;
	in.uid = 42;
	squash_apply(&sp, &in, &out);
	ck_assert_uint_eq(out.uid, 1000);
	ck_assert_uint_eq(out.gid, 0);		/* root allowed */
	ck_assert_uint_eq(out.ngids, 1);
	sp.root_allowed = 0;
	squash_apply(&sp, &in, &out);
	ck_assert_uint_eq(out.gid, 65534);	/* gid 0 needs ClientRootAccess */
}
END_TEST

static Suite *
ap_suite(void)
{
	Suite *s = suite_create("accesspoint");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_good);
	tcase_add_loop_test(tc, test_paths, 0, (int)nitems(paths));
	tcase_add_loop_test(tc, test_bad, 0, (int)nitems(bad));
	tcase_add_test(tc, test_fuzzish);
	tcase_add_test(tc, test_squash);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ap_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
