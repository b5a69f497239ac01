/*
 * efsgw - clock: the monotonic clock in the units callers want.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <time.h>

#include "common.h"

uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int64_t
mono_ms(void)
{
	return (int64_t)(mono_ns() / 1000000u);
}

double
mono_seconds(void)
{
	return (double)mono_ns() / 1e9;
}
