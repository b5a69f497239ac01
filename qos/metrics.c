/*
 * efsgw - qos metrics: Prometheus text exposition (format 0.0.4) of the
 * QoS state of a set of file systems, metric names after EFS's CloudWatch
 * metrics (EFS User Guide: CloudWatch metrics) with the prefix efsgw_, labels fs and gateway.
 * Each family is written once with its HELP and TYPE lines, then one
 * sample per file system. The admin HTTP endpoint (proxy/) serves it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "common.h"
#include "qos-int.h"

enum metric_type { M_GAUGE, M_COUNTER };

/* One metric family: name, type, help and how to read it from a snapshot. */
struct metric {
	const char	*name;
	enum metric_type type;
	const char	*help;
	double		(*get)(const struct qos_stats *);
};

/* Readers, one per family (a table, not a switch). */
static double m_credits(const struct qos_stats *s) { return s->burst_credit_balance; }
static double m_permitted(const struct qos_stats *s) { return s->permitted_throughput; }
static double m_pct(const struct qos_stats *s) { return s->percent_io_limit; }
static double m_metered(const struct qos_stats *s) { return (double)s->c.metered_bytes; }
static double m_total(const struct qos_stats *s) { return (double)s->c.total_bytes; }
static double m_dread(const struct qos_stats *s) { return (double)s->c.data_read_bytes; }
static double m_dwrite(const struct qos_stats *s) { return (double)s->c.data_write_bytes; }
static double m_meta(const struct qos_stats *s)
{
	return (double)(s->c.meta_read_bytes + s->c.meta_write_bytes);
}
static double m_mread(const struct qos_stats *s) { return (double)s->c.meta_read_bytes; }
static double m_mwrite(const struct qos_stats *s) { return (double)s->c.meta_write_bytes; }
static double m_ops(const struct qos_stats *s)
{
	double n = 0;
	size_t i;

	for (i = 0; i < QOS_CLASS_MAX; i++)
		n += (double)s->c.ops[i];
	return n;
}
static double m_throttled(const struct qos_stats *s) { return (double)s->throttled_ns / 1e9; }
static double m_queue(const struct qos_stats *s) { return (double)s->queued_calls; }
static double m_queued_total(const struct qos_stats *s) { return (double)s->queued_total; }
static double m_clients(const struct qos_stats *s) { return (double)s->clients; }
static double m_rtt(const struct qos_stats *s) { return (double)s->lease_rtt_ns / 1e9; }
static double m_leases(const struct qos_stats *s) { return (double)s->lease_count; }
static double m_state(const struct qos_stats *s) { return (double)s->redis_state; }
static double m_degraded(const struct qos_stats *s) { return s->degraded; }
static double m_degraded_n(const struct qos_stats *s) { return (double)s->degraded_events; }
static double m_live(const struct qos_stats *s) { return s->live_gateways; }
static double m_tokens(const struct qos_stats *s) { return s->tokens; }
static double m_storage(const struct qos_stats *s) { return (double)s->storage_std_bytes; }
static double m_baseline(const struct qos_stats *s) { return s->baseline; }

static const struct metric metrics[] = {
	{ "efsgw_BurstCreditBalance_bytes", M_GAUGE,
	  "Burst credits the file system has (EFS BurstCreditBalance; Bursting only).", m_credits },
	{ "efsgw_PermittedThroughput_bytes_per_second", M_GAUGE,
	  "Maximum throughput the file system can drive now (EFS PermittedThroughput).", m_permitted },
	{ "efsgw_qos_storage_standard_bytes", M_GAUGE,
	  "Standard-class bytes the Bursting baseline and credit cap are "
	  "computed from (storage-size, efsgw-tier's StorageBytes Standard, or "
	  "the backend's space used).", m_storage },
	{ "efsgw_qos_baseline_bytes_per_second", M_GAUGE,
	  "Throughput the Standard storage earns in the Bursting mode (0 in "
	  "other modes).", m_baseline },
	{ "efsgw_PercentIOLimit_percent", M_GAUGE,
	  "How close the file system is to its General Purpose IOPS limit, last full second.", m_pct },
	{ "efsgw_MeteredIOBytes_total", M_COUNTER,
	  "Metered bytes of every operation, reads discounted (EFS MeteredIOBytes Sum).", m_metered },
	{ "efsgw_TotalIOBytes_total", M_COUNTER,
	  "Actual bytes of every operation with EFS minimums, no discount (EFS TotalIOBytes Sum).", m_total },
	{ "efsgw_DataReadIOBytes_total", M_COUNTER,
	  "Actual bytes of read operations (EFS DataReadIOBytes Sum).", m_dread },
	{ "efsgw_DataWriteIOBytes_total", M_COUNTER,
	  "Actual bytes of write operations (EFS DataWriteIOBytes Sum).", m_dwrite },
	{ "efsgw_MetadataIOBytes_total", M_COUNTER,
	  "Actual bytes of metadata operations (EFS MetadataIOBytes Sum).", m_meta },
	{ "efsgw_MetadataReadIOBytes_total", M_COUNTER,
	  "Actual bytes of metadata read operations (EFS MetadataReadIOBytes Sum).", m_mread },
	{ "efsgw_MetadataWriteIOBytes_total", M_COUNTER,
	  "Actual bytes of metadata write operations (EFS MetadataWriteIOBytes Sum).", m_mwrite },
	{ "efsgw_IOOperations_total", M_COUNTER,
	  "Operations metered (EFS MeteredIOBytes SampleCount).", m_ops },
	{ "efsgw_qos_throttled_seconds_total", M_COUNTER,
	  "Seconds during which calls of the file system waited for tokens.", m_throttled },
	{ "efsgw_qos_throughput_bucket_bytes", M_GAUGE,
	  "Metered bytes in the throughput bucket; negative while calls already "
	  "admitted are paid for.", m_tokens },
	{ "efsgw_qos_queue_depth", M_GAUGE,
	  "Calls waiting for tokens now.", m_queue },
	{ "efsgw_qos_queued_calls_total", M_COUNTER,
	  "Calls that had to wait for tokens.", m_queued_total },
	{ "efsgw_qos_clients", M_GAUGE,
	  "Client connections attached to the file system's scheduler.", m_clients },
	{ "efsgw_qos_redis_lease_rtt_seconds", M_GAUGE,
	  "Round trip of the last Redis lease.", m_rtt },
	{ "efsgw_qos_redis_leases_total", M_COUNTER,
	  "Redis lease replies received.", m_leases },
	{ "efsgw_qos_redis_state", M_GAUGE,
	  "Redis sharing state: 0 off, 1 connecting, 2 ok, 3 degraded.", m_state },
	{ "efsgw_qos_redis_degraded", M_GAUGE,
	  "1 while the file system is not sharing through Redis although configured to.", m_degraded },
	{ "efsgw_qos_redis_degraded_events_total", M_COUNTER,
	  "Times Redis was lost and the file system fell back to its fair share.", m_degraded_n },
	{ "efsgw_qos_live_gateways", M_GAUGE,
	  "Gateways serving the file system, as last seen in Redis.", m_live },
};

/* Append a label value with Prometheus escapes (\\, \", \n). */
static int
metrics_label(struct evbuffer *out, const char *s)
{
	for (; *s != '\0'; s++) {
		int r;

		if (*s == '\\')
			r = evbuffer_add(out, "\\\\", 2);
		else if (*s == '"')
			r = evbuffer_add(out, "\\\"", 2);
		else if (*s == '\n')
			r = evbuffer_add(out, "\\n", 2);
		else
			r = evbuffer_add(out, s, 1);
		if (r != 0)
			return EFSGW_ERR_NOMEM;
	}
	return 0;
}

/* Append Prometheus text for file systems fss[0..n-1]. */
int
qos_metrics_write(struct evbuffer *out, struct qos_fs *const *fss, size_t n)
{
	struct qos_stats st[16], *sp = st, *heap = NULL;
	size_t i, j;
	int r = 0;

	if (n > nitems(st)) {
		if ((heap = calloc(n, sizeof *heap)) == NULL)
			return EFSGW_ERR_NOMEM;
		sp = heap;
	}
	for (j = 0; j < n; j++)
		qos_fs_stats(fss[j], &sp[j]);
	for (i = 0; i < nitems(metrics); i++) {
		const struct metric *m = &metrics[i];

		if (evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", m->name,
		    m->help, m->name, m->type == M_GAUGE ? "gauge" : "counter") < 0) {
			r = EFSGW_ERR_NOMEM;
			goto out;
		}
		for (j = 0; j < n; j++) {
			if (evbuffer_add_printf(out, "%s{fs=\"", m->name) < 0 ||
			    metrics_label(out, qos_fs_id(fss[j])) != 0 ||
			    evbuffer_add(out, "\",gateway=\"", 11) != 0 ||
			    metrics_label(out, qos_fs_gateway(fss[j])) != 0 ||
			    evbuffer_add_printf(out, "\"} %.17g\n", m->get(&sp[j])) < 0) {
				r = EFSGW_ERR_NOMEM;
				goto out;
			}
		}
	}
out:
	free(heap);
	return r;
}
