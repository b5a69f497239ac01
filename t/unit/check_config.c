/*
 * efsgw - unit tests for the config parser: the sample file parses, every
 * error names file:line, values outside their range are refused, blocks
 * must close, and the printed effective config (-T) parses back to the
 * same printed text (OpenSSH regress/cfgparse.sh style round trip).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proxy.h"
#include "qos.h"

static const char good[] =
	"# comment\n"
	"log-level debug\n"
	"max-record-size 2000000   # trailing comment\n"
	"\n"
	"filesystem fs-0123456789abcdef0 {\n"
	"\tbackend 127.0.0.1:2050\n"
	"\texport /srv/export\n"
	"\treserved-port yes\n"
	"}\n"
	"listener main {\n"
	"\taddress 127.0.0.1:2049\n"
	"}\n";

/* Print conf into a malloc'ed string. */
static char *
print_conf(const struct config *conf)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	config_print(conf, f);
	fclose(f);
	return text;
}

/* A valid file parses with its values and defaults. */
START_TEST(test_good)
{
	struct config *c;
	struct config_fs *fs;
	struct config_listener *l;
	char *cause;

	ck_assert_int_eq(config_parse("t.conf", good, &c, &cause), 0);
	ck_assert_int_eq(c->log_level, LOG_LEVEL_DEBUG);
	ck_assert_uint_eq(c->max_record, 2000000);
	ck_assert_uint_eq(c->record_timeout, 30);
	fs = config_find_fs(c, "fs-0123456789abcdef0");
	ck_assert_ptr_nonnull(fs);
	ck_assert_str_eq(fs->export, "/srv/export");
	ck_assert_int_eq(fs->reserved_port, 1);
	l = TAILQ_FIRST(&c->listeners);
	ck_assert_str_eq(l->fs_id, "fs-0123456789abcdef0");
	ck_assert_ptr_eq(l->fs, fs);
	config_release(c);
}
END_TEST

/* -T output parses back to identical output. */
START_TEST(test_roundtrip)
{
	struct config *c, *c2;
	char *cause, *t1, *t2;

	ck_assert_int_eq(config_parse("t.conf", good, &c, &cause), 0);
	t1 = print_conf(c);
	ck_assert_int_eq(config_parse("printed", t1, &c2, &cause), 0);
	t2 = print_conf(c2);
	ck_assert_str_eq(t1, t2);
	free(t1);
	free(t2);
	config_release(c);
	config_release(c2);
}
END_TEST

/* Each bad input and the message (with its line) it must give. */
static const struct {
	const char *text;
	const char *cause;
} bad[] = {
	{ "bogus 1\n", "t.conf:1: unknown keyword 'bogus'" },
	{ "max-record-size 12\n", "t.conf:1: max-record-size: '12' is not a number from 8192" },
	{ "max-record-size 99999999999999999999\n", "t.conf:1: max-record-size:" },
	{ "log-level loud\n", "t.conf:1: log-level: 'loud' is not" },
	{ "\nfilesystem fs-12 {\n}\n", "t.conf:2: 'fs-12' is not a file system id" },
	{ "filesystem fs-0123456789abcdef0 {\n", "t.conf:1: end of file inside a filesystem block" },
	{ "filesystem fs-0123456789abcdef0 {\n}\n", "t.conf:2: filesystem block is missing 'backend'" },
	{ "filesystem fs-0123456789abcdef0 {\nbackend 127.0.0.1\n}\n", "t.conf:2: backend: '127.0.0.1' is not host:port" },
	{ "filesystem fs-0123456789abcdef0 {\nbackend 127.0.0.1:0\n}\n", "t.conf:2: backend:" },
	{ "filesystem fs-0123456789abcdef0 {\nbackend 127.0.0.1:1\nexport rel\n}\n", "t.conf:3: export: 'rel' is not an absolute path" },
	{ "filesystem fs-0123456789abcdef0 {\nbackend 127.0.0.1:1\n}\n", "t.conf:3: no listener block" },
	{ "listener a {\naddress nothost:1\n}\n", "t.conf:2: address: 'nothost:1': not a numeric address" },
	{ "}\n", "t.conf:1: '}' without a block" },
	{ "address 127.0.0.1:1\n", "t.conf:1: address belongs in a listener block" },
	{ "filesystem fs-0123456789abcdef0 {\nbackend 127.0.0.1:1\n}\n"
	  "listener a {\naddress 127.0.0.1:2\nfilesystem fs-0123456789abcdef1\n}\n",
	  "t.conf:4: listener a: no filesystem fs-0123456789abcdef1" },
	{ "filesystem fs-0123456789abcdef0 {\nbackend 127.0.0.1:1\n}\n"
	  "filesystem fs-0123456789abcdef0 {\n", "t.conf:4: file system fs-0123456789abcdef0 defined twice" },
	{ "log-level info extra\n", "t.conf:1: log-level takes exactly one value" },
	{ "a b c d\n", "t.conf:1: too many words" },
	{ "reserved-port yes\n", "t.conf:1: reserved-port belongs in a filesystem block" },
};

/* Errors carry file:line and say what is wrong. */
START_TEST(test_bad)
{
	struct config *c;
	char *cause = NULL;

	ck_assert_int_ne(config_parse("t.conf", bad[_i].text, &c, &cause), 0);
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(cause);
	if (strncmp(cause, bad[_i].cause, strlen(bad[_i].cause)) != 0)
		ck_abort_msg("case %d: got \"%s\", want \"%s...\"", _i, cause,
		    bad[_i].cause);
	free(cause);
}
END_TEST

/* Bit flips of a valid file never crash: they parse or give a cause. */
START_TEST(test_flips)
{
	char text[sizeof good];
	struct config *c;
	char *cause;
	size_t i;
	int bit;

	for (i = 0; i < sizeof good - 1; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(text, good, sizeof good);
			text[i] ^= (char)(1 << bit);
			if (config_parse("f", text, &c, &cause) == 0)
				config_release(c);
			else {
				ck_assert_ptr_nonnull(cause);
				free(cause);
			}
		}
	}
}
END_TEST

/* The sample file shipped in etc/ is valid. */
START_TEST(test_sample)
{
	struct config *c;
	char *cause = NULL, *path;
	const char *src = getenv("abs_top_srcdir");

	if (src == NULL)
		src = "..";
	xasprintf(&path, "%s/etc/efsgw.conf", src);
	if (config_load_flags(path, 0, &c, &cause) != 0)
		ck_abort_msg("%s", cause);
	config_release(c);
	free(path);
}
END_TEST

/* redis-password-file: the connect URL carries the password, logs show ***. */
START_TEST(test_redis_password_file)
{
	static const char *const urls[][3] = {
		{ "redis://10.0.0.20:6379/2", "redis://:pw:x-1@10.0.0.20:6379/2",
		  "redis://:***@10.0.0.20:6379/2" },
		{ "redis://app@[::1]:6380", "redis://app:pw:x-1@[::1]:6380",
		  "redis://app:***@[::1]:6380" },
	};
	struct config *c;
	struct qos_redis_url u;
	const char *why;
	char dir[] = "/tmp/efsgw-cfg.XXXXXX", *conf, *pw, *cause = NULL;
	FILE *f;
	size_t i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	xasprintf(&pw, "%s/redis.pw", dir);
	xasprintf(&conf, "%s/efsgw.conf", dir);
	f = fopen(pw, "w");
	fputs("pw:x-1\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(pw, 0600), 0);
	for (i = 0; i < nitems(urls); i++) {
		f = fopen(conf, "w");
		fprintf(f, "state-dir %s\nredis %s\nredis-password-file %s\n"
		    "filesystem fs-0123456789abcdef0 {\n\tbackend 127.0.0.1:2050\n"
		    "}\nlistener main {\n\taddress 127.0.0.1:2049\n}\n", dir,
		    urls[i][0], pw);
		fclose(f);
		if (config_load_flags(conf, 0, &c, &cause) != 0)
			ck_abort_msg("%s", cause);
		ck_assert_str_eq(c->redis_connect, urls[i][1]);
		ck_assert_str_eq(c->redis_display, urls[i][2]);
		ck_assert_int_eq(qos_url_parse(c->redis_connect, &u, &why), 0);
		ck_assert_str_eq(u.password, "pw:x-1");
		config_release(c);
	}
	unlink(pw);
	unlink(conf);
	rmdir(dir);
	free(pw);
	free(conf);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_loop_test(tc, test_bad, 0, (int)nitems(bad));
	tcase_add_test(tc, test_flips);
	tcase_add_test(tc, test_sample);
	tcase_add_test(tc, test_redis_password_file);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
