/*
 * efsgw - unit tests for log_sanitize, the escaping every log line goes
 * through. Pins: control characters (newline, carriage return, tab, ESC,
 * DEL) come out as \n, \r, \t or \xNN; well-formed UTF-8 stays; bytes
 * that are not well-formed UTF-8 (a lone continuation byte, a truncated
 * sequence, an overlong form, a surrogate, a code point past U+10FFFF)
 * and the C1 controls and U+2028/U+2029 come out as \xNN per byte
 * (RFC 3629 section 4); a backslash is kept; output never overruns and
 * is always NUL-terminated; a bit-flip loop never yields a control byte.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const struct {
	const char	*in;
	const char	*out;
} log_vecs[] = {
	{ "plain text", "plain text" },
	{ "a\nb", "a\\nb" },
	{ "a\r\n", "a\\r\\n" },
	{ "tab\there", "tab\\there" },
	{ "\x1b[31mred", "\\x1b[31mred" },
	{ "del\x7f", "del\\x7f" },
	{ "back\\slash", "back\\slash" },
	{ "caf\xc3\xa9", "caf\xc3\xa9" },				/* é */
	{ "\xe2\x82\xac 1", "\xe2\x82\xac 1" },				/* € */
	{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },			/* U+1F600 */
	{ "lone \x80", "lone \\x80" },
	{ "cut \xe2\x82", "cut \\xe2\\x82" },
	{ "overlong \xc0\xaf", "overlong \\xc0\\xaf" },
	{ "overlong3 \xe0\x80\xaf", "overlong3 \\xe0\\x80\\xaf" },
	{ "surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80" },
	{ "big \xf4\x90\x80\x80", "big \\xf4\\x90\\x80\\x80" },
	{ "c1 \xc2\x9b" "31m", "c1 \\xc2\\x9b31m" },			/* CSI */
	{ "ls \xe2\x80\xa8", "ls \\xe2\\x80\\xa8" },			/* U+2028 */
	{ "ff \xff\xfe", "ff \\xff\\xfe" },
};

/* Each vector comes out as written. */
START_TEST(test_vectors)
{
	char out[256];

	log_sanitize(out, sizeof out, log_vecs[_i].in);
	ck_assert_str_eq(out, log_vecs[_i].out);
}
END_TEST

/* Small buffers: truncated at a whole escape, always terminated. */
START_TEST(test_truncate)
{
	char out[16];
	size_t n;

	for (n = 1; n <= sizeof out; n++) {
		memset(out, 'Z', sizeof out);
		log_sanitize(out, n, "ab\ncd\x1b" "ef\xc3\xa9gh");
		ck_assert_uint_lt(strlen(out), n);
		ck_assert(strncmp(out, "ab\\ncd\\x1bef\xc3\xa9gh", strlen(out)) == 0);
		if (n < sizeof out)
			ck_assert_int_eq(out[n], 'Z');
	}
	log_sanitize(out, 0, "x");	/* nothing written, no crash */
}
END_TEST

/* Whatever the bytes, no control byte and no malformed UTF-8 comes out. */
START_TEST(test_flips)
{
	unsigned char in[64];
	char out[4 * sizeof in + 1], again[sizeof out];
	unsigned seed = 1;
	size_t i, k;

	for (k = 0; k < 20000; k++) {
		for (i = 0; i + 1 < sizeof in; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (unsigned char)(seed >> 16);
			if (in[i] == 0)
				in[i] = 0x80;
		}
		in[sizeof in - 1] = '\0';
		log_sanitize(out, sizeof out, (const char *)in);
		/* (Check's asserts are costly: one per input, not per byte.) */
		for (i = 0; out[i] != '\0'; i++) {
			if ((unsigned char)out[i] < 0x20 ||
			    (unsigned char)out[i] == 0x7f)
				break;
		}
		ck_assert_uint_eq(i, strlen(out));
		/* Sanitizing again changes nothing: the output is clean. */
		log_sanitize(again, sizeof again, out);
		if (strcmp(again, out) != 0)
			ck_assert_str_eq(again, out);
	}
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_vectors, 0, (int)nitems(log_vecs));
	tcase_add_test(tc, test_truncate);
	tcase_add_test(tc, test_flips);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(log_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
