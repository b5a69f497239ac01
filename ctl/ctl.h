/*
 * efsgw - efsgwctl, the operator's command line tool: one file per
 * command group (ctl/cmd-*.c), dispatched from efsgwctl.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_CTL_H
#define EFSGW_CTL_H

#include <stdio.h>

/*
 * A command group. run() gets argv with argv[0] the group name and returns
 * the process exit status (0 ok, 1 a negative answer or failure, 2 usage).
 * usage() prints the group's help to f.
 */
struct ctl_command {
	const char	*name;
	const char	*summary;
	int		(*run)(int argc, char **argv);
	void		(*usage)(FILE *f);
};

/* cmd-keys.c */
extern const struct ctl_command ctl_cmd_keys;
/* cmd-policy.c */
extern const struct ctl_command ctl_cmd_policy;
/* cmd-token.c */
extern const struct ctl_command ctl_cmd_token;
/* cmd-cert.c */
extern const struct ctl_command ctl_cmd_cert;

#endif /* EFSGW_CTL_H */
