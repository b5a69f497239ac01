/*
 * efsgw - qos throughput and performance modes: EFS's published numbers
 * (EFS User Guide: throughput modes) as defaults, and the rates they give for a file system
 * of a given size. Pure functions; fs.c turns them into buckets.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>
#include <strings.h>

#include "common.h"
#include "qos.h"

/* Fill p with EFS's published numbers. */
void
qos_params_defaults(struct qos_params *p)
{
	memset(p, 0, sizeof *p);
	p->read_divisor = 3;
	p->meter_min = 4096;
	p->meta_read_discount = 0;
	p->total_min_data = 32 * 1024;
	p->total_min_meta = 4 * 1024;
	p->total_unit = 1024;

	p->baseline_per_gib = 50 * QOS_KIB;
	p->baseline_min = QOS_MIB;
	p->burst_per_tib = 100 * QOS_MIB;
	p->burst_min = 100 * QOS_MIB;
	/* 2.1 TiB, rounded to a whole byte. */
	p->credit_cap_per_tib = (uint64_t)(2.1 * (double)QOS_TIB + 0.5);
	p->credit_cap_min = p->credit_cap_per_tib;

	p->provisioned_min = QOS_MIB;
	p->provisioned_max = 3125 * QOS_MIB;

	p->elastic_read_max = 10 * QOS_GIB;
	p->elastic_write_max = 3 * QOS_GIB;
	p->read_max = 0;
	p->write_max = 0;

	p->gp_read_iops = 35000;
	p->gp_write_iops = 7000;

	p->client_max_elastic = 1500 * QOS_MIB;
	p->client_max = 500 * QOS_MIB;

	p->max_call_bytes = 1114112;	/* efsgw's default max-record-size */

	p->window_ms = 100;
	p->tick_ms = 2;
	p->pause_depth = 1;

	p->lease_ms = 100;
	p->heartbeat_ms = 1000;
	p->lease_timeout_ms = 500;
	p->backoff_min_ms = 100;
	p->backoff_max_ms = 5000;
}

/* Return the larger of a per-unit rate times size and a minimum. */
static double
mode_scaled(uint64_t per_unit, uint64_t unit, uint64_t storage, uint64_t min)
{
	double v = (double)per_unit * ((double)storage / (double)unit);

	return v < (double)min ? (double)min : v;
}

/* Baseline: 50 KiB/s per GiB of Standard storage, at least 1 MiB/s. */
double
qos_mode_baseline(const struct qos_params *p, uint64_t storage)
{
	return mode_scaled(p->baseline_per_gib, QOS_GIB, storage, p->baseline_min);
}

/* Burst: 100 MiB/s per TiB, at least 100 MiB/s. */
double
qos_mode_burst(const struct qos_params *p, uint64_t storage)
{
	return mode_scaled(p->burst_per_tib, QOS_TIB, storage, p->burst_min);
}

/* Credit cap: 2.1 TiB per TiB stored, at least 2.1 TiB. */
double
qos_mode_credit_cap(const struct qos_params *p, uint64_t storage)
{
	return mode_scaled(p->credit_cap_per_tib, QOS_TIB, storage, p->credit_cap_min);
}

/*
 * Rate of the metered-throughput bucket. Provisioned: the higher of the
 * provisioned rate and the storage-based baseline (EFS PermittedThroughput).
 * Elastic has no throughput bucket, only read/write ceilings.
 */
double
qos_mode_rate(const struct qos_fs_config *c)
{
	double base = qos_mode_baseline(&c->params, c->storage_std_bytes);

	switch (c->tp_mode) {
	case QOS_TP_BURSTING:
		return qos_mode_burst(&c->params, c->storage_std_bytes);
	case QOS_TP_PROVISIONED:
		return (double)c->provisioned > base ? (double)c->provisioned : base;
	default:
		return 0;
	}
}

static const char *const mode_tp_names[] = { "bursting", "provisioned", "elastic" };
static const char *const mode_perf_names[] = { "generalPurpose", "maxIO" };

/* Find s in names (case-insensitive); -1 if absent. */
static int
mode_lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* Parse a throughput mode name. */
int
qos_mode_parse_tp(const char *s)
{
	return mode_lookup(mode_tp_names, nitems(mode_tp_names), s);
}

/* Parse a performance mode name (EFS API spelling). */
int
qos_mode_parse_perf(const char *s)
{
	return mode_lookup(mode_perf_names, nitems(mode_perf_names), s);
}
