/*
 * efsgw - efsgw-conform: the differential NFSv4 conformance test's
 * program (see conform.h).
 *
 *   efsgw-conform run -s HOST:PORT [-p EXPORT] -m 0|1|2 -o FILE [-v]
 *	run every case of one minor version against one server and write
 *	the transcript; -p names the export below the server's root that
 *	stands for the client's root (Ganesha directly: -p export).
 *   efsgw-conform compare [-v] DIRECT GATEWAY
 *	compare two transcripts; exit 0 when every difference is allowed.
 *   efsgw-conform allowed [--md]
 *	print the allowed table (one row a line, fields tab-separated, or
 *	as the Markdown rows docs/conformance.md must hold).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "conform.h"

/* Print the usage and exit 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: efsgw-conform run -s HOST:PORT [-p EXPORT] -m 0|1|2 -o FILE [-v]\n"
	    "       efsgw-conform compare [-v] DIRECT GATEWAY\n"
	    "       efsgw-conform allowed [--md]\n");
	exit(2);
}

/* Run the cases of one minor version against one server. */
static int
cmd_run(int argc, char **argv)
{
	static char host[64];
	struct cf cf;
	const char *outpath = NULL;
	char *colon;
	int ch, minor = -1;

	memset(&cf, 0, sizeof cf);
	while ((ch = getopt(argc, argv, "s:p:m:o:v")) != -1) {
		switch (ch) {
		case 's':
			snprintf(host, sizeof host, "%s", optarg);
			if ((colon = strrchr(host, ':')) == NULL)
				usage();
			*colon = '\0';
			cf.opts.host = host;
			cf.opts.port = atoi(colon + 1);
			break;
		case 'p':
			cf.prefix = optarg;
			break;
		case 'm':
			minor = atoi(optarg);
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'v':
			cf.verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (cf.opts.host == NULL || outpath == NULL || minor < 0 || minor > 2)
		usage();
	cf.v40 = minor == 0;
	cf.minor = (uint32_t)minor;
	cf.opts.v40 = cf.v40;
	cf.opts.minor = cf.v40 ? 0 : (uint32_t)minor;
	cf.opts.timeout_ms = 20000;
	snprintf(cf.ver, sizeof cf.ver, "4.%d", minor);
	if ((cf.labels = calloc(CF_NLABELS, sizeof *cf.labels)) == NULL)
		fatalx("out of memory");
	if ((cf.out = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "efsgw-conform: %s: cannot create\n", outpath);
		return 2;
	}
	if (cf_connect(&cf) != 0) {
		fclose(cf.out);
		return 2;
	}
	cf_cases(&cf);
	cf_disconnect(&cf);
	fclose(cf.out);
	free(cf.labels);
	return 0;
}

/* Print the table: tab-separated, or as the rows of docs/conformance.md. */
static int
cmd_allowed(int md)
{
	const struct cf_allowed *a;

	for (a = cf_allowed; a->cases != NULL; a++)
		printf(md ? "| `%s` | `%s` | `%s` | `%s` | `%s` | %s |\n" :
		    "%s\t%s\t%s\t%s\t%s\t%s\n", a->cases, a->op, a->key,
		    a->direct, a->gateway, a->reason);
	return 0;
}

/* Run one of the commands. */
int
main(int argc, char **argv)
{
	int verbose = 0;

	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "allowed") == 0)
		return cmd_allowed(argc > 2 && strcmp(argv[2], "--md") == 0);
	if (strcmp(argv[1], "compare") == 0) {
		argc--, argv++;
		if (argc > 1 && strcmp(argv[1], "-v") == 0)
			verbose = 1, argc--, argv++;
		if (argc != 3)
			usage();
		return cf_compare(argv[1], argv[2], verbose);
	}
	usage();
}
