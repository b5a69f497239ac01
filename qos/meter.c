/*
 * efsgw - qos metering: how many bytes one NFS op costs, after EFS's
 * published rules (docs/qos.md "Metering"; the EFS User Guide on metering and throughput modes), and the
 * per-class counters behind the MeteredIOBytes / TotalIOBytes /
 * Data*IOBytes / Metadata*IOBytes metrics.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common.h"
#include "qos.h"

/* Round n up to a multiple of unit (unit 0 or 1: n). */
static uint64_t
meter_round_up(uint64_t n, uint64_t unit)
{
	if (unit <= 1)
		return n;
	if (n > UINT64_MAX - unit)
		return UINT64_MAX;
	return (n + unit - 1) / unit * unit;
}

/* Whether cls is a read class for IOPS and read ceilings. */
int
qos_meter_is_read(uint32_t cls)
{
	return cls == QOS_CLASS_DATA_READ || cls == QOS_CLASS_META_READ ||
	    cls == QOS_CLASS_NONE || cls >= QOS_CLASS_MAX;
}

/* Compute MeteredIOBytes of one op: reads at 1/read_divisor, >= meter_min. */
uint64_t
qos_meter_metered(const struct qos_params *p, uint32_t cls, uint64_t bytes)
{
	uint64_t m = bytes;
	int discount = cls == QOS_CLASS_DATA_READ ||
	    (p->meta_read_discount && cls == QOS_CLASS_META_READ);

	/*
	 * EFS: "never reduces the throughput metered for a single NFS request
	 * below a minimum request size of 4 KB": the minimum applies after
	 * the discount, so a 4 KiB read costs 4 KiB, not 1.33 KiB.
	 */
	if (discount && p->read_divisor > 1)
		m = bytes / p->read_divisor + (bytes % p->read_divisor != 0);
	return m < p->meter_min ? p->meter_min : m;
}

/* Compute TotalIOBytes of one op: the class minimum, then per total_unit. */
uint64_t
qos_meter_total(const struct qos_params *p, uint32_t cls, uint64_t bytes)
{
	uint64_t min = (cls == QOS_CLASS_DATA_READ || cls == QOS_CLASS_DATA_WRITE) ?
	    p->total_min_data : p->total_min_meta;

	if (bytes <= min)
		return min;
	return meter_round_up(bytes, p->total_unit);
}

/* Add one op of class cls moving bytes to the counters. */
void
qos_meter_record(struct qos_counters *c, const struct qos_params *p,
    uint32_t cls, uint64_t bytes)
{
	if (cls >= QOS_CLASS_MAX)
		cls = QOS_CLASS_NONE;
	c->ops[cls]++;
	c->metered_bytes += qos_meter_metered(p, cls, bytes);
	c->total_bytes += qos_meter_total(p, cls, bytes);
	switch (cls) {
	case QOS_CLASS_DATA_READ:
		c->data_read_bytes += bytes;
		break;
	case QOS_CLASS_DATA_WRITE:
		c->data_write_bytes += bytes;
		break;
	case QOS_CLASS_META_WRITE:
		c->meta_write_bytes += bytes;
		break;
	default:	/* META_READ, and NONE counted as a metadata read */
		c->meta_read_bytes += bytes;
		break;
	}
}
