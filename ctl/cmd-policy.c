/*
 * efsgw - efsgwctl policy: validate a file-system policy and explain it
 * (`check`), or decide one request against it exactly as the gateway does
 * (`simulate`), so operators can test a policy before they deploy it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "policy.h"
#include "ctl.h"

/* Print the policy group's manual. */
static void
policy_usage(FILE *f)
{
	fprintf(f,
"usage: efsgwctl policy check FILE [--resource ARN | --fs ID --region R\n"
"                              --account N]\n"
"       efsgwctl policy simulate FILE --action ACTION [OPTIONS]\n"
"\n"
"FILE is an EFS file-system policy: the JSON document that\n"
"'aws efs put-file-system-policy --policy' takes, at most 20,000 characters.\n"
"\n"
"check\n"
"    Parse FILE, then describe each statement: whom it covers (anonymous\n"
"    clients match only \"*\"), which NFS client actions it covers, its\n"
"    resources and conditions. An invalid policy is reported with its line\n"
"    and column (JSON errors) or its statement and element (IAM errors).\n"
"    With --resource ARN (or --fs, --region and --account, as simulate\n"
"    takes them), every statement whose Resource never names that file\n"
"    system is reported on standard error: it never applies there, and a\n"
"    policy written for another file system denies everyone (efsgw -t\n"
"    warns the same way for each file system it serves).\n"
"\n"
"simulate\n"
"    Decide one request as the gateway would and print ALLOW, DENY or\n"
"    IMPLICIT DENY with the deciding statement's index and Sid.\n"
"\n"
"    --action ACTION         ClientMount, ClientWrite or ClientRootAccess; the\n"
"                            elasticfilesystem: prefix is optional (required)\n"
"    --principal ARN         the caller's IAM principal, e.g.\n"
"                            arn:aws:iam::111122223333:role/app\n"
"    --anonymous             the caller is anonymous (the default): a client\n"
"                            mounted without IAM\n"
"    --resource ARN          the file system's ARN\n"
"    --fs ID --region R --account N\n"
"                            build the ARN arn:aws:elasticfilesystem:R:N:\n"
"                            file-system/ID instead (one of the two forms\n"
"                            is required)\n"
"    --secure-transport yes|no\n"
"                            aws:SecureTransport, whether the client uses TLS\n"
"                            (default no)\n"
"    --source-ip IP          aws:SourceIp (default absent)\n"
"    --via-mount-target yes|no\n"
"                            elasticfilesystem:AccessedViaMountTarget\n"
"                            (default yes: every client of a gateway is)\n"
"    --access-point ARN      elasticfilesystem:AccessPointArn; a bare fsap-\n"
"                            id is expanded with --region and --account\n"
"                            (default: no access point)\n"
"    --identity-allows       the caller's own identity grants (token or\n"
"                            credentials file) allow the action\n"
"\n"
"Evaluation: any matching Deny statement wins; otherwise a matching Allow\n"
"statement or the identity grants allow; otherwise the request is denied.\n"
"\n"
"exit status: check: 0 valid, 1 invalid; simulate: 0 allowed, 1 denied;\n"
"2 usage error.\n"
"\n"
"examples:\n"
"    efsgwctl policy check /etc/efsgw/policy.json\n"
"    efsgwctl policy simulate policy.json --action ClientRootAccess \\\n"
"        --principal arn:aws:iam::111122223333:role/admin \\\n"
"        --fs fs-12345678 --region eu-west-1 --account 111122223333 \\\n"
"        --secure-transport yes\n");
}

/* Load path, printing the error; NULL on failure. */
static struct policy *
policy_cmd_load(const char *path)
{
	struct policy *p;
	char *cause;

	if (policy_load(path, &p, &cause) != 0) {
		fprintf(stderr, "efsgwctl: %s\n", cause != NULL ? cause :
		    "out of memory");
		free(cause);
		return NULL;
	}
	return p;
}

/* efsgwctl policy check FILE [--resource ARN | --fs ID --region R --account N] */
static int
policy_cmd_check(int argc, char **argv)
{
	enum { O_RESOURCE = 256, O_FS, O_REGION, O_ACCOUNT };
	static const struct option longopts[] = {
		{ "resource", required_argument, NULL, O_RESOURCE },
		{ "fs", required_argument, NULL, O_FS },
		{ "region", required_argument, NULL, O_REGION },
		{ "account", required_argument, NULL, O_ACCOUNT },
		{ NULL, 0, NULL, 0 }
	};
	const char *resource = NULL, *fs = NULL, *region = NULL, *account = NULL;
	const char *pat, *sid;
	char *arn = NULL;
	struct policy *p;
	unsigned i = 0, misses = 0;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_RESOURCE: resource = optarg; break;
		case O_FS: fs = optarg; break;
		case O_REGION: region = optarg; break;
		case O_ACCOUNT: account = optarg; break;
		default:
			policy_usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		policy_usage(stderr);
		return 2;
	}
	if (resource != NULL && (fs != NULL || region != NULL || account != NULL)) {
		fprintf(stderr, "efsgwctl: give --resource, or --fs, --region "
		    "and --account, not both\n");
		return 2;
	}
	if (resource == NULL && (fs != NULL || region != NULL || account != NULL)) {
		if (fs == NULL || region == NULL || account == NULL) {
			fprintf(stderr, "efsgwctl: --fs needs --region and "
			    "--account\n");
			return 2;
		}
		xasprintf(&arn, "arn:aws:elasticfilesystem:%s:%s:file-system/%s",
		    region, account, fs);
		resource = arn;
	}
	if ((p = policy_cmd_load(argv[optind])) == NULL) {
		free(arn);
		return 1;
	}
	printf("%s: valid file-system policy\n", argv[optind]);
	policy_explain(p, stdout);
	while (resource != NULL &&
	    (pat = policy_resource_miss(p, resource, &i, &sid)) != NULL) {
		fprintf(stderr, "efsgwctl: warning: statement %u%s%s%s has "
		    "Resource %s, which is not %s: it never applies there\n", i,
		    *sid ? " (Sid \"" : "", sid, *sid ? "\")" : "", pat, resource);
		misses++;
		i++;
	}
	if (resource != NULL && misses == 0)
		printf("every statement with a Resource names %s\n", resource);
	policy_free(p);
	free(arn);
	return 0;
}

/* Parse yes/no (also true/false, 1/0); -1 if neither. */
static int
policy_cmd_yesno(const char *s)
{
	if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0 ||
	    strcmp(s, "1") == 0)
		return 1;
	if (strcasecmp(s, "no") == 0 || strcasecmp(s, "false") == 0 ||
	    strcmp(s, "0") == 0)
		return 0;
	return -1;
}

/* efsgwctl policy simulate FILE --action ... */
static int
policy_cmd_simulate(int argc, char **argv)
{
	enum { O_ACTION = 256, O_PRINCIPAL, O_ANON, O_RESOURCE, O_FS, O_REGION,
	    O_ACCOUNT, O_TLS, O_IP, O_VIA, O_AP, O_IDENTITY };
	static const struct option longopts[] = {
		{ "action", required_argument, NULL, O_ACTION },
		{ "principal", required_argument, NULL, O_PRINCIPAL },
		{ "anonymous", no_argument, NULL, O_ANON },
		{ "resource", required_argument, NULL, O_RESOURCE },
		{ "fs", required_argument, NULL, O_FS },
		{ "region", required_argument, NULL, O_REGION },
		{ "account", required_argument, NULL, O_ACCOUNT },
		{ "secure-transport", required_argument, NULL, O_TLS },
		{ "source-ip", required_argument, NULL, O_IP },
		{ "via-mount-target", required_argument, NULL, O_VIA },
		{ "access-point", required_argument, NULL, O_AP },
		{ "identity-allows", no_argument, NULL, O_IDENTITY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct policy_request req;
	struct policy_decision d;
	struct policy *p;
	const char *action = NULL, *fs = NULL, *region = NULL, *account = NULL;
	char *action_buf = NULL, *res_buf = NULL, *ap_buf = NULL;
	int ch, identity = 0, v, rc = 2;

	memset(&req, 0, sizeof req);
	req.via_mount_target = 1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			policy_usage(stdout);
			return 0;
		case O_ACTION:
			action = optarg;
			break;
		case O_PRINCIPAL:
			req.principal_arn = optarg;
			break;
		case O_ANON:
			req.principal_arn = NULL;
			break;
		case O_RESOURCE:
			req.resource_arn = optarg;
			break;
		case O_FS:
			fs = optarg;
			break;
		case O_REGION:
			region = optarg;
			break;
		case O_ACCOUNT:
			account = optarg;
			break;
		case O_TLS:
		case O_VIA:
			if ((v = policy_cmd_yesno(optarg)) == -1) {
				fprintf(stderr, "efsgwctl: --%s takes yes or no\n",
				    ch == O_TLS ? "secure-transport" :
				    "via-mount-target");
				return 2;
			}
			if (ch == O_TLS)
				req.secure_transport = v;
			else
				req.via_mount_target = v;
			break;
		case O_IP:
			req.source_ip = optarg;
			break;
		case O_AP:
			req.access_point_arn = optarg;
			break;
		case O_IDENTITY:
			identity = 1;
			break;
		default:
			policy_usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc || action == NULL) {
		fprintf(stderr, "efsgwctl: policy simulate needs FILE and "
		    "--action (efsgwctl help policy)\n");
		return 2;
	}
	if (req.resource_arn == NULL) {
		if (fs == NULL || region == NULL || account == NULL) {
			fprintf(stderr, "efsgwctl: give --resource ARN, or --fs, "
			    "--region and --account\n");
			return 2;
		}
		xasprintf(&res_buf, "arn:aws:elasticfilesystem:%s:%s:file-system/%s",
		    region, account, fs);
		req.resource_arn = res_buf;
	}
	if (req.access_point_arn != NULL &&
	    strncmp(req.access_point_arn, "fsap-", 5) == 0) {
		if (region == NULL || account == NULL) {
			fprintf(stderr, "efsgwctl: a bare access point id needs "
			    "--region and --account\n");
			goto out;
		}
		xasprintf(&ap_buf, "arn:aws:elasticfilesystem:%s:%s:access-point/%s",
		    region, account, req.access_point_arn);
		req.access_point_arn = ap_buf;
	}
	if (strchr(action, ':') == NULL) {
		xasprintf(&action_buf, "elasticfilesystem:%s", action);
		action = action_buf;
	}
	req.action = action;

	rc = 1;
	if ((p = policy_cmd_load(argv[optind])) == NULL)
		goto out;
	policy_decide(p, &req, identity, &d);
	printf("request:\n"
	    "  action                                    %s\n"
	    "  principal                                 %s\n"
	    "  resource                                  %s\n"
	    "  aws:SecureTransport                       %s\n"
	    "  aws:SourceIp                              %s\n"
	    "  elasticfilesystem:AccessedViaMountTarget  %s\n"
	    "  elasticfilesystem:AccessPointArn          %s\n"
	    "  identity grants allow                     %s\n",
	    req.action,
	    req.principal_arn != NULL && *req.principal_arn != '\0' ?
	    req.principal_arn : "anonymous",
	    req.resource_arn,
	    req.secure_transport ? "true" : "false",
	    req.source_ip != NULL ? req.source_ip : "(absent)",
	    req.via_mount_target ? "true" : "false",
	    req.access_point_arn != NULL ? req.access_point_arn : "(absent)",
	    identity ? "yes" : "no");
	printf("%s", policy_effect_name(d.effect));
	if (d.statement >= 0) {
		printf(" by statement %d", d.statement);
		if (d.sid[0] != '\0')
			printf(" (Sid \"%s\")", d.sid);
	} else if (d.effect == POLICY_ALLOW)
		printf(" by the caller's identity grants");
	else
		printf(": no statement allows it%s", identity ? "" :
		    " and the identity grants do not");
	printf("\n");
	rc = d.effect == POLICY_ALLOW ? 0 : 1;
	policy_free(p);
out:
	free(action_buf);
	free(res_buf);
	free(ap_buf);
	return rc;
}

/* efsgwctl policy ... */
static int
policy_run(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)) {
		policy_usage(stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return policy_cmd_check(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "simulate") == 0)
		return policy_cmd_simulate(argc - 1, argv + 1);
	policy_usage(stderr);
	return 2;
}

const struct ctl_command ctl_cmd_policy = {
	"policy", "check a file-system policy and simulate decisions",
	policy_run, policy_usage
};
