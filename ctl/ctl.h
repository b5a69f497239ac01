/*
 * efsgw - efsgwctl, the operator's command line tool: one file per
 * command group (ctl/cmd-*.c), dispatched from efsgwctl.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_CTL_H
#define EFSGW_CTL_H

#include <stddef.h>
#include <stdint.h>
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

/* efsgwctl.c */
/*
 * For commands that take no options: 1 (after printing a usage message)
 * if an argument of argv[from..argc) looks like an option ("-x", "--x";
 * "-" alone is standard input).
 */
int	 ctl_reject_options(int argc, char **argv, int from);

/* cmd-keys.c */
extern const struct ctl_command ctl_cmd_keys;
/* cmd-policy.c */
extern const struct ctl_command ctl_cmd_policy;
/* cmd-token.c */
extern const struct ctl_command ctl_cmd_token;
/* cmd-cert.c */
extern const struct ctl_command ctl_cmd_cert;

/* cmd-status.c */
extern const struct ctl_command ctl_cmd_status;
/* cmd-tier.c */
extern const struct ctl_command ctl_cmd_tier;

/* promparse.c: a strict, bounded parser of the Prometheus text format. */
#define PROM_MAX_LINE		(64 * 1024)	/* bytes per line, newline excluded */
#define PROM_MAX_LABELS		32		/* labels per sample */
#define PROM_MAX_SAMPLES	100000		/* samples per document */
#define PROM_MAX_ERRORS		16		/* bad lines kept for reporting */

struct prom_label {
	char		*name;
	char		*value;		/* unescaped */
};

struct prom_sample {
	char		*name;
	struct prom_label *labels;
	size_t		 nlabels;
	double		 value;
	int		 has_ts;
	int64_t		 ts_ms;
};

struct prom_error {
	size_t		 line;		/* 1-based */
	const char	*why;		/* static */
};

struct prom_doc {
	struct prom_sample *samples;
	size_t		 nsamples;
	size_t		 alloc;
	size_t		 bad_lines;	/* all of them */
	struct prom_error errors[PROM_MAX_ERRORS];	/* the first few */
	size_t		 nerrors;
};

/*
 * Parse one line (no newline) into *s. Returns 1 for a sample (caller
 * frees with promparse_sample_clear), 0 for a blank or comment line, or a
 * negative EFSGW_ERR_* code with *why (static) set. Never exits.
 */
int	 promparse_line(const char *line, size_t len, struct prom_sample *s,
	     const char **why);
/* Free what promparse_line put in *s and zero it. */
void	 promparse_sample_clear(struct prom_sample *s);
/*
 * Parse a whole exposition. Bad lines are counted and the first
 * PROM_MAX_ERRORS are kept in the document; parsing goes on after them.
 * Returns 0 and *docp (caller frees with promparse_free), or
 * EFSGW_ERR_NOMEM, or EFSGW_ERR_TOO_MANY past PROM_MAX_SAMPLES.
 */
int	 promparse(const char *text, size_t len, struct prom_doc **docp);
void	 promparse_free(struct prom_doc *);
/* Value of label name in s, or NULL; borrowed from s. */
const char *promparse_label(const struct prom_sample *s, const char *name);

/* httpget.c: a small blocking HTTP/1.1 client for the admin endpoint. */
#define HTTPGET_MAX_BODY	(32 * 1024 * 1024)
#define HTTPGET_MAX_HEAD	(16 * 1024)

struct httpget_reply {
	int		 status;	/* e.g. 200 */
	char		*content_type;	/* NULL if absent */
	char		*body;		/* NUL-terminated; body_len excludes it */
	size_t		 body_len;
};

/*
 * GET path from addr ("host:port" or "[v6]:port") with one timeout for the
 * whole exchange. Returns 0 and fills *r (httpget_reply_clear frees), or a
 * negative code with *cause set (caller frees).
 */
int	 httpget(const char *addr, const char *path, int timeout_ms,
	     struct httpget_reply *r, char **cause);
/*
 * Parse a complete response (what was read until the peer closed) of
 * len bytes. Returns 0 and fills *r, or a negative code with *why static.
 */
int	 httpget_parse(const char *buf, size_t len, struct httpget_reply *r,
	     const char **why);
void	 httpget_reply_clear(struct httpget_reply *r);

#endif /* EFSGW_CTL_H */
