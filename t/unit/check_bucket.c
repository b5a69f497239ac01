/*
 * efsgw - unit tests for the qos token bucket, burst credits, EFS metering
 * and mode numbers, and the Redis URL parser, on a fake clock.
 * Pins: a bucket refills at its rate up to its depth and a call bigger
 * than the bucket still passes once (debt, not starvation); Bursting
 * spends credits above baseline and drops exactly to baseline when they
 * run out, and earns them back at baseline (EFS User Guide: bursting throughput);
 * reads are metered at 1/3 with a 4 KiB floor after the discount, and
 * TotalIOBytes has a 32 KiB data / 4 KiB other minimum then KiB steps
 * (EFS User Guide: CloudWatch metrics); rediss:// is refused (no TLS in hiredis 0.14).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "qos.h"

#define MS	1000000ULL
#define SEC	1000000000ULL

/* A bucket refills at rate up to depth; a debt delays the next call. */
START_TEST(test_refill)
{
	struct qos_bucket b;
	uint64_t now = 5 * SEC;

	qos_bucket_init(&b, 1000, 100, now);
	ck_assert(qos_bucket_ready(&b));
	qos_bucket_take(&b, 100);
	ck_assert(qos_bucket_ready(&b));	/* empty, not in debt */
	qos_bucket_take(&b, 1);
	ck_assert(!qos_bucket_ready(&b));
	ck_assert_uint_eq(qos_bucket_wait_ns(&b), 1 * MS);
	now += 1 * MS;
	qos_bucket_refill(&b, now);
	ck_assert(qos_bucket_ready(&b));
	ck_assert(fabs(b.tokens) < 1e-6);
	now += 10 * SEC;
	qos_bucket_refill(&b, now);
	ck_assert(fabs(b.tokens - 100) < 1e-9);	/* capped at depth */
	/* A call 5x the depth passes, then the bucket owes 0.4 s. */
	qos_bucket_take(&b, 500);
	ck_assert_uint_eq(qos_bucket_wait_ns(&b), 400 * MS);
	/* A clock going backwards adds nothing. */
	qos_bucket_refill(&b, now - SEC);
	ck_assert(fabs(b.tokens + 400) < 1e-9);
	/* Refunds never fill above depth. */
	qos_bucket_take(&b, -10000);
	ck_assert(fabs(b.tokens - 100) < 1e-9);
	/* rate 0 = unlimited. */
	qos_bucket_init(&b, 0, 0, now);
	qos_bucket_take(&b, 1e12);
	ck_assert(qos_bucket_ready(&b));
	ck_assert_uint_eq(qos_bucket_wait_ns(&b), 0);
}
END_TEST

/* Drain b greedily in 1 ms steps for ms milliseconds; return bytes taken. */
static double
drain(struct qos_bucket *b, uint64_t *now, unsigned ms, double ceiling_per_ms)
{
	double got = 0;
	unsigned i;

	for (i = 0; i < ms; i++) {
		*now += MS;
		qos_bucket_refill(b, *now);
		if (b->tokens > 0) {
			double t = b->tokens;

			if (ceiling_per_ms > 0 && t > ceiling_per_ms)
				t = ceiling_per_ms;
			qos_bucket_take(b, t);
			got += t;
		}
	}
	return got;
}

/* Burst spends credits, exhaustion falls to baseline, idling earns them back. */
START_TEST(test_burst_credits)
{
	struct qos_bucket b;
	uint64_t now = SEC;
	double burst = 100.0 * QOS_MIB, base = 1.0 * QOS_MIB, got;

	qos_bucket_init(&b, burst, burst / 10, now);
	qos_bucket_set_credits(&b, base, 50.0 * QOS_MIB, 1e15);
	b.tokens = 0;
	ck_assert(qos_bucket_permitted(&b) == burst);
	/* First 0.25 s at burst: credits fall by (burst - baseline) * t. */
	got = drain(&b, &now, 250, 0);
	ck_assert(fabs(got - burst * 0.25) < burst * 0.01);
	ck_assert(fabs(b.credits - (50.0 * QOS_MIB - (burst - base) * 0.25)) < QOS_MIB);
	/* Run on: credits (50 MiB) last ~0.505 s in all. */
	drain(&b, &now, 750, 0);
	ck_assert(b.credits < 1.0);
	ck_assert(qos_bucket_permitted(&b) == base);
	/* Exhausted: exactly baseline, no flapping back to burst. */
	got = drain(&b, &now, 2000, 0);
	ck_assert_msg(fabs(got - 2 * base) < base * 0.02, "got %.0f", got);
	/* Idle 30 s: the bucket fills (10 s), then credits come back at baseline. */
	got = b.credits + b.tokens;
	now += 30 * SEC;
	qos_bucket_refill(&b, now);
	ck_assert(fabs(b.credits + b.tokens - got - 30 * base) < base * 0.01);
	ck_assert(fabs(b.credits - 20 * base) < base * 0.1);
	ck_assert(qos_bucket_permitted(&b) == burst);
	/* Using half the baseline still earns the other half (once full). */
	b.credits = 0;
	b.tokens = b.depth;
	drain(&b, &now, 1000, base / 2000);
	ck_assert_msg(fabs(b.credits + b.tokens - b.depth - base / 2) < base * 0.02,
	    "credits %.0f", b.credits);
	/* The cap holds. */
	b.credit_cap = 3 * base;
	now += 100 * SEC;
	qos_bucket_refill(&b, now);
	ck_assert(b.credits <= 3 * base);
}
END_TEST

struct meter_vec {
	uint32_t	cls;
	uint64_t	bytes;
	uint64_t	metered;
	uint64_t	total;
};

static const struct meter_vec meter_vecs[] = {
	/* Reads at 1/3, never below 4 KiB after the discount. */
	{ QOS_CLASS_DATA_READ, 0, 4096, 32768 },
	{ QOS_CLASS_DATA_READ, 4096, 4096, 32768 },
	{ QOS_CLASS_DATA_READ, 12288, 4096, 32768 },
	{ QOS_CLASS_DATA_READ, 12289, 4097, 32768 },
	{ QOS_CLASS_DATA_READ, 3 * 1048576, 1048576, 3 * 1048576 },
	{ QOS_CLASS_DATA_READ, 32769, 10923, 33792 },
	/* Writes at full rate; 32 KiB TotalIOBytes minimum, then per KiB. */
	{ QOS_CLASS_DATA_WRITE, 1, 4096, 32768 },
	{ QOS_CLASS_DATA_WRITE, 1048576, 1048576, 1048576 },
	{ QOS_CLASS_DATA_WRITE, 1048577, 1048577, 1049600 },
	/* Metadata: full rate (reads are not discounted), 4 KiB minimum. */
	{ QOS_CLASS_META_READ, 100, 4096, 4096 },
	{ QOS_CLASS_META_READ, 12000, 12000, 12288 },
	{ QOS_CLASS_META_WRITE, 4097, 4097, 5120 },
	{ QOS_CLASS_NONE, 200, 4096, 4096 },
};

/* EFS metering vectors (docs/qos.md "Metering"). */
START_TEST(test_meter)
{
	const struct meter_vec *v = &meter_vecs[_i];
	struct qos_params p;

	qos_params_defaults(&p);
	ck_assert_uint_eq(qos_meter_metered(&p, v->cls, v->bytes), v->metered);
	ck_assert_uint_eq(qos_meter_total(&p, v->cls, v->bytes), v->total);
}
END_TEST

/* EFS's example: 30 MiB/s read + 30 MiB/s write meter as 40 MiB/s. */
START_TEST(test_meter_counters)
{
	struct qos_params p;
	struct qos_counters c;
	int i;

	qos_params_defaults(&p);
	memset(&c, 0, sizeof c);
	for (i = 0; i < 30; i++) {
		qos_meter_record(&c, &p, QOS_CLASS_DATA_READ, QOS_MIB);
		qos_meter_record(&c, &p, QOS_CLASS_DATA_WRITE, QOS_MIB);
	}
	ck_assert_uint_eq(c.metered_bytes, 30 * 349526 + 30 * QOS_MIB);
	ck_assert(llabs((long long)c.metered_bytes - (long long)(40 * QOS_MIB)) < 64);
	ck_assert_uint_eq(c.total_bytes, 60 * QOS_MIB);
	ck_assert_uint_eq(c.data_read_bytes, 30 * QOS_MIB);
	ck_assert_uint_eq(c.data_write_bytes, 30 * QOS_MIB);
	qos_meter_record(&c, &p, QOS_CLASS_META_WRITE, 300);
	qos_meter_record(&c, &p, QOS_CLASS_META_READ, 200);
	ck_assert_uint_eq(c.meta_write_bytes, 300);
	ck_assert_uint_eq(c.meta_read_bytes, 200);
	ck_assert_uint_eq(c.ops[QOS_CLASS_DATA_READ], 30);
	ck_assert_uint_eq(c.ops[QOS_CLASS_META_WRITE], 1);
	/* The discount can be switched on for metadata reads. */
	p.meta_read_discount = 1;
	ck_assert_uint_eq(qos_meter_metered(&p, QOS_CLASS_META_READ, 30000), 10000);
}
END_TEST

/* Baseline, burst and credit cap from storage (EFS User Guide: throughput modes). */
START_TEST(test_mode_numbers)
{
	struct qos_params p;
	struct qos_fs_config c;

	qos_params_defaults(&p);
	ck_assert(qos_mode_baseline(&p, 0) == QOS_MIB);
	ck_assert(qos_mode_baseline(&p, 100 * QOS_GIB) == 5000.0 * QOS_KIB);
	ck_assert(qos_mode_baseline(&p, QOS_TIB) == 50.0 * QOS_MIB);
	ck_assert(qos_mode_burst(&p, 10 * QOS_GIB) == 100.0 * QOS_MIB);
	ck_assert(qos_mode_burst(&p, 2 * QOS_TIB) == 200.0 * QOS_MIB);
	ck_assert(fabs(qos_mode_credit_cap(&p, 0) - 2.1 * QOS_TIB) < 1);
	ck_assert(fabs(qos_mode_credit_cap(&p, 10 * QOS_TIB) - 21.0 * QOS_TIB) < 16);
	memset(&c, 0, sizeof c);
	c.params = p;
	c.tp_mode = QOS_TP_PROVISIONED;
	c.provisioned = 10 * QOS_MIB;
	ck_assert(qos_mode_rate(&c) == 10.0 * QOS_MIB);
	/* Provisioned: the higher of provisioned and the storage baseline. */
	c.storage_std_bytes = 2 * QOS_TIB;
	ck_assert(qos_mode_rate(&c) == 100.0 * QOS_MIB);
	c.tp_mode = QOS_TP_ELASTIC;
	ck_assert(qos_mode_rate(&c) == 0);
	ck_assert_int_eq(qos_mode_parse_tp("Elastic"), QOS_TP_ELASTIC);
	ck_assert_int_eq(qos_mode_parse_tp("bursting"), QOS_TP_BURSTING);
	ck_assert_int_eq(qos_mode_parse_tp("x"), -1);
	ck_assert_int_eq(qos_mode_parse_perf("maxIO"), QOS_PERF_MAX_IO);
	ck_assert_int_eq(qos_mode_parse_perf("generalPurpose"), QOS_PERF_GENERAL_PURPOSE);
}
END_TEST

struct url_vec {
	const char	*s;
	int		 r;
	const char	*host;
	unsigned	 port;
	const char	*user, *pass;
	unsigned	 db;
};

static const struct url_vec url_vecs[] = {
	{ "redis://127.0.0.1", 0, "127.0.0.1", 6379, "", "", 0 },
	{ "redis://localhost:6380/2", 0, "localhost", 6380, "", "", 2 },
	{ "redis://:s3cret@10.0.0.1:7000/0", 0, "10.0.0.1", 7000, "", "s3cret", 0 },
	{ "redis://gw:pw@h/15", 0, "h", 6379, "gw", "pw", 15 },
	{ "redis://[::1]:6390", 0, "::1", 6390, "", "", 0 },
	{ "redis://h/", 0, "h", 6379, "", "", 0 },
	{ "rediss://h:6380", EFSGW_ERR_BAD_VALUE, NULL, 0, NULL, NULL, 0 },
	{ "http://h", EFSGW_ERR_SYNTAX, NULL, 0, NULL, NULL, 0 },
	{ "redis://", EFSGW_ERR_SYNTAX, NULL, 0, NULL, NULL, 0 },
	{ "redis://h:0", EFSGW_ERR_BAD_VALUE, NULL, 0, NULL, NULL, 0 },
	{ "redis://h:65536", EFSGW_ERR_BAD_VALUE, NULL, 0, NULL, NULL, 0 },
	{ "redis://h:12x", EFSGW_ERR_BAD_VALUE, NULL, 0, NULL, NULL, 0 },
	{ "redis://h/db", EFSGW_ERR_BAD_VALUE, NULL, 0, NULL, NULL, 0 },
	{ "redis://nopass@h", EFSGW_ERR_SYNTAX, NULL, 0, NULL, NULL, 0 },
	{ "redis://[::1", EFSGW_ERR_SYNTAX, NULL, 0, NULL, NULL, 0 },
	{ "redis://h:99999999999999999", EFSGW_ERR_BAD_VALUE, NULL, 0, NULL, NULL, 0 },
};

/* Redis URL vectors; every failure names its cause. */
START_TEST(test_url)
{
	const struct url_vec *v = &url_vecs[_i];
	struct qos_redis_url u;
	const char *cause;
	int r = qos_url_parse(v->s, &u, &cause);

	ck_assert_msg(r == v->r, "%s: %d", v->s, r);
	if (r != 0) {
		ck_assert_ptr_nonnull(cause);
		return;
	}
	ck_assert_str_eq(u.host, v->host);
	ck_assert_uint_eq(u.port, v->port);
	ck_assert_str_eq(u.username, v->user);
	ck_assert_str_eq(u.password, v->pass);
	ck_assert_uint_eq(u.db, v->db);
}
END_TEST

/* Truncate and flip every byte of a good URL: never a crash, always a verdict. */
START_TEST(test_url_mangle)
{
	const char *good = "redis://user:pw@[::1]:6390/3";
	char buf[64];
	struct qos_redis_url u;
	const char *cause;
	size_t i, len = strlen(good);
	int bit;

	for (i = 0; i <= len; i++) {
		memcpy(buf, good, i);
		buf[i] = '\0';
		(void)qos_url_parse(buf, &u, &cause);
	}
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(buf, good, len + 1);
			buf[i] ^= (char)(1 << bit);
			if (buf[i] == '\0')
				continue;
			if (qos_url_parse(buf, &u, &cause) != 0)
				ck_assert_ptr_nonnull(cause);
		}
}
END_TEST

static Suite *
bucket_suite(void)
{
	Suite *s = suite_create("qos_bucket");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_refill);
	tcase_add_test(tc, test_burst_credits);
	tcase_add_loop_test(tc, test_meter, 0, (int)nitems(meter_vecs));
	tcase_add_test(tc, test_meter_counters);
	tcase_add_test(tc, test_mode_numbers);
	tcase_add_loop_test(tc, test_url, 0, (int)nitems(url_vecs));
	tcase_add_test(tc, test_url_mangle);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(bucket_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
