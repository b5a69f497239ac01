/*
 * efsgw - efsgwctl: entry point and dispatch to the command groups.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "ctl.h"

static const struct ctl_command *const ctl_commands[] = {
	&ctl_cmd_keys,
	&ctl_cmd_policy,
	&ctl_cmd_token,
	&ctl_cmd_cert,
	&ctl_cmd_status,
	&ctl_cmd_tier,
};

/* Print the top-level help. */
static void
ctl_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: efsgwctl COMMAND [ARGS...]\n"
	    "       efsgwctl help COMMAND | COMMAND --help\n"
	    "       efsgwctl -V | --version\n\n"
	    "efsgwctl manages efsgw gateways: handle keys, policies, tokens,\n"
	    "client certificates and status.\n\ncommands:\n");
	for (i = 0; i < nitems(ctl_commands); i++)
		fprintf(f, "  %-10s %s\n", ctl_commands[i]->name,
		    ctl_commands[i]->summary);
	fprintf(f, "\nexit status: 0 success, 1 failure or negative answer, "
	    "2 usage error.\n");
}

/* Find a command group by name. */
static const struct ctl_command *
ctl_find(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(ctl_commands); i++) {
		if (strcmp(ctl_commands[i]->name, name) == 0)
			return ctl_commands[i];
	}
	return NULL;
}

/* Refuse option-like arguments of a command that takes none. */
int
ctl_reject_options(int argc, char **argv, int from)
{
	int i;

	for (i = from; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "efsgwctl: %s: unknown option '%s'\n",
			    argv[0], argv[i]);
			return 1;
		}
	}
	return 0;
}

/*
 * Whether a command's arguments ask for help: --help or -h anywhere before
 * "--", so that every group and subcommand answers it the same way (help
 * on standard output, status 0).
 */
static int
ctl_wants_help(int argc, char **argv)
{
	int i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const struct ctl_command *cmd;

	log_init("efsgwctl", 0, LOG_LEVEL_WARN);
	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		ctl_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("efsgwctl %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			ctl_usage(stdout);
			return 0;
		}
		if ((cmd = ctl_find(argv[2])) == NULL) {
			fprintf(stderr, "efsgwctl: unknown command '%s'\n", argv[2]);
			return 2;
		}
		cmd->usage(stdout);
		return 0;
	}
	if (argv[1][0] == '-') {
		fprintf(stderr, "efsgwctl: unknown option '%s'\n", argv[1]);
		ctl_usage(stderr);
		return 2;
	}
	if ((cmd = ctl_find(argv[1])) == NULL) {
		fprintf(stderr, "efsgwctl: unknown command '%s' (efsgwctl --help "
		    "lists them)\n", argv[1]);
		return 2;
	}
	if (ctl_wants_help(argc, argv)) {
		cmd->usage(stdout);
		return 0;
	}
	return cmd->run(argc - 1, argv + 1);
}
