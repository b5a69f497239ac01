/*
 * efsgw - error code strings.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common.h"

static const char *const err_strings[] = {
	"success",
	"internal error",
	"out of memory",
	"input truncated",
	"length exceeds limit",
	"value out of range",
	"count exceeds limit",
	"trailing bytes after message",
	"union discriminant has no arm",
	"unknown operation",
	"syntax error",
	"system call failed",
	"not found",
	"malformed RPC header",
	"nesting too deep",
	"rewritten record differs from its plan",
};

/* Return a static description of error code r. */
const char *
efsgw_err(int r)
{
	if (r > 0 || r < EFSGW_ERR_MAX)
		return "unknown error code";
	return err_strings[-r];
}
