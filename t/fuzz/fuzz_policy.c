/*
 * efsgw - libFuzzer target for the EFS file-system policy (auth/policy*.c):
 * policy_parse() on arbitrary text, then decisions on whatever parsed and
 * an explanation of it. Policies come from operators, but they are pasted
 * from AWS consoles and mailing lists and reloaded on SIGHUP while clients
 * are mounted, so a policy must never crash the gateway.
 *
 * Checked: a failed parse leaves *out NULL with a cause; the decision is
 * one of the three effects, names a statement inside the policy (or -1),
 * and is the same when asked twice; an explicit Deny is never overridden
 * by the caller's own grants; no policy allows (EFS's default).
 * Based on the policy author's draft harness.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_ARN_FS	"arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-12345678"
#define FUZZ_ARN_AP	"arn:aws:elasticfilesystem:us-east-1:111122223333:access-point/fsap-0123456789abcdef0"

/* Requests a gateway makes: named, anonymous, odd. */
static const struct policy_request fuzz_policy_requests[] = {
	{ "arn:aws:iam::111122223333:role/app", POLICY_ACTION_WRITE, FUZZ_ARN_FS,
	  1, "10.0.0.1", 1, FUZZ_ARN_AP },
	{ "arn:aws:iam::111122223333:role/app", POLICY_ACTION_MOUNT, FUZZ_ARN_FS,
	  0, "192.168.1.200", 1, NULL },
	{ NULL, POLICY_ACTION_ROOT, FUZZ_ARN_FS, 1, "2001:db8::1", 1, NULL },
	{ "", POLICY_ACTION_MOUNT, FUZZ_ARN_FS, 0, NULL, 0, FUZZ_ARN_AP },
	{ "arn:aws:sts::111122223333:assumed-role/efs-admin/alice",
	  POLICY_ACTION_ROOT, FUZZ_ARN_FS, 1, "::1", 1, FUZZ_ARN_AP },
	{ NULL, "x:y", "", 0, "not-an-ip", 0, "" },
};

/* Check one decision against the policy it came from. */
static void
fuzz_policy_check(const struct policy *p, const struct policy_decision *d)
{
	if (d->effect != POLICY_IMPLICIT_DENY && d->effect != POLICY_ALLOW &&
	    d->effect != POLICY_DENY)
		abort();
	if (d->statement < -1 || (d->statement >= 0 &&
	    (unsigned)d->statement >= policy_nstatements(p)))
		abort();
	if (memchr(d->sid, '\0', sizeof d->sid) == NULL)
		abort();
	if (policy_effect_name(d->effect) == NULL)
		abort();
}

/* Parse one input as a policy and decide with it. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	const struct policy_request *rq;
	struct policy_decision d, d2;
	struct policy *p = NULL;
	char *cause = NULL;
	size_t i;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if (policy_parse((const char *)data, size, &p, &cause) != 0) {
		if (p != NULL)
			abort();
		free(cause);
		return 0;
	}
	if (p == NULL)
		abort();
	free(cause);
	for (i = 0; i < sizeof fuzz_policy_requests /
	    sizeof fuzz_policy_requests[0]; i++) {
		rq = &fuzz_policy_requests[i];
		policy_evaluate(p, rq, &d);
		fuzz_policy_check(p, &d);
		policy_evaluate(p, rq, &d2);
		if (d2.effect != d.effect || d2.statement != d.statement)
			abort();
		policy_decide(p, rq, 0, &d2);
		fuzz_policy_check(p, &d2);
		policy_decide(p, rq, 1, &d2);
		fuzz_policy_check(p, &d2);
		/* IAM: an explicit Deny wins over any Allow. */
		if (d.effect == POLICY_DENY && d2.effect != POLICY_DENY)
			abort();
		if (d.effect != POLICY_DENY && d2.effect != POLICY_ALLOW)
			abort();
		/* No policy: EFS's default allows everything. */
		policy_decide(NULL, rq, 0, &d2);
		if (d2.effect != POLICY_ALLOW)
			abort();
	}
	policy_explain(p, devnull);
	policy_free(p);
	return 0;
}
