/*
 * efsgw - the wall clock tiering decides ages with, which tests move
 * forward (EFSGW_TIER_NOW) and whose "day" they shorten (EFSGW_TIER_DAY),
 * so that a transition after 30 days is tested in seconds.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "common.h"
#include "tiering.h"

/* Parse a non-negative decimal, or -1. */
static long long
tier_clock_number(const char *s)
{
	char *end;
	long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0)
		return -1;
	return v;
}

/* Return the tiering clock. */
time_t
tier_now(void)
{
	const char *s = getenv("EFSGW_TIER_NOW");
	time_t now = time(NULL);
	long long v;

	if (s == NULL || *s == '\0')
		return now;
	if (*s == '+') {
		if ((v = tier_clock_number(s + 1)) >= 0)
			return now + (time_t)v;
		return now;
	}
	if ((v = tier_clock_number(s)) >= 0)
		return (time_t)v;
	return now;
}

/* Return the length of a lifecycle day. */
uint32_t
tier_day_seconds(void)
{
	long long v = tier_clock_number(getenv("EFSGW_TIER_DAY"));

	if (v <= 0 || v > 86400)
		return 86400;
	return (uint32_t)v;
}
