/*
 * efsgw - qos token bucket with burst credits and an injected clock.
 *
 * A bucket holds at most depth tokens (bytes or ops) and refills at rate
 * per second. A call passes while the bucket is not in debt and is then
 * charged in full, so a call bigger than the bucket still passes (after
 * the debt of the previous one is paid) and the long-run rate is exact.
 *
 * Burst credits (EFS Bursting mode): rate is the burst rate, baseline the
 * rate earned from storage. Refill adds baseline*dt for free; baseline
 * that would overflow a full bucket (usage below baseline) becomes
 * credits, up to credit_cap; tokens above baseline, up to the burst rate,
 * are bought with credits as they are added. So the balance moves by
 * (baseline - usage) per second as EFS describes (up to the bucket's small
 * depth), and once it is spent the bucket refills at exactly baseline.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <math.h>

#include "common.h"
#include "qos.h"

/* Start bucket b full at rate tokens/s and depth tokens. */
void
qos_bucket_init(struct qos_bucket *b, double rate, double depth, uint64_t now)
{
	b->rate = rate;
	b->depth = depth;
	b->tokens = depth;
	b->last_ns = now;
	b->leased = 0;
	b->baseline = 0;
	b->credits = 0;
	b->credit_cap = 0;
}

/* Give the bucket burst credits: baseline rate, balance and cap. */
void
qos_bucket_set_credits(struct qos_bucket *b, double baseline, double credits,
    double cap)
{
	b->baseline = baseline;
	b->credit_cap = cap;
	b->credits = credits > cap ? cap : credits;
}

/* Add the tokens (and credits) earned since the last refill. */
void
qos_bucket_refill(struct qos_bucket *b, uint64_t now)
{
	double dt, t, extra;

	if (now <= b->last_ns)
		return;
	dt = (double)(now - b->last_ns) / 1e9;
	b->last_ns = now;
	if (b->leased || b->rate <= 0)
		return;
	if (b->baseline <= 0 || b->baseline >= b->rate) {
		b->tokens = fmin(b->depth, b->tokens + b->rate * dt);
		return;
	}
	t = b->tokens + b->baseline * dt;
	if (t > b->depth) {
		/* Unused baseline earns credits. */
		b->credits = fmin(b->credit_cap, b->credits + (t - b->depth));
		t = b->depth;
	} else {
		/* Above baseline is bought with credits, never past depth. */
		extra = fmin(fmin((b->rate - b->baseline) * dt, b->credits), b->depth - t);
		t += extra;
		b->credits -= extra;
	}
	b->tokens = t;
}

/* Change rate and depth, refilling first at the old rate. */
void
qos_bucket_set_rate(struct qos_bucket *b, double rate, double depth, uint64_t now)
{
	qos_bucket_refill(b, now);
	b->rate = rate;
	b->depth = depth;
	if (b->tokens > depth)
		b->tokens = depth;
}

/*
 * 1 if a call may pass now. A leased bucket needs tokens actually granted
 * (> 0); a clock-refilled one only needs to be out of debt.
 */
int
qos_bucket_ready(const struct qos_bucket *b)
{
	if (b->leased)
		return b->tokens > 0;
	if (b->rate <= 0)
		return 1;
	return b->tokens >= 0;
}

/* Charge n tokens (negative refunds, up to depth). */
void
qos_bucket_take(struct qos_bucket *b, double n)
{
	if (b->rate <= 0 && !b->leased)
		return;
	b->tokens -= n;
	if (b->tokens > b->depth && !b->leased)
		b->tokens = b->depth;
}

/* Add n tokens granted by a Redis lease. */
void
qos_bucket_grant(struct qos_bucket *b, double n)
{
	b->tokens += n;
}

/* Nanoseconds until the bucket is out of debt at its current rate. */
uint64_t
qos_bucket_wait_ns(const struct qos_bucket *b)
{
	double rate;

	if (qos_bucket_ready(b))
		return 0;
	if (b->leased)
		return UINT64_MAX;
	rate = b->baseline > 0 && b->credits <= 0 ? b->baseline : b->rate;
	if (rate <= 0)
		return UINT64_MAX;
	return (uint64_t)ceil(-b->tokens / rate * 1e9);
}

/*
 * Rate permitted now: burst while credits remain, else baseline. "Remain"
 * means enough to burst for one bucket depth: at exhaustion the balance
 * hovers around baseline*dt and must not read as bursting.
 */
double
qos_bucket_permitted(const struct qos_bucket *b)
{
	double need;

	if (b->baseline <= 0 || b->baseline >= b->rate)
		return b->rate;
	need = (b->rate - b->baseline) * (b->depth / b->rate);
	return b->credits < need ? b->baseline : b->rate;
}
