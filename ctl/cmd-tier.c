/*
 * efsgw - efsgwctl tier report: what lifecycle tiering saves, as a table
 * of storage classes and monthly costs. From a sample tree (a local
 * directory: each file's class is decided from its age as efsgw-tier
 * would) or from the metrics file efsgw-tier writes (StorageBytes by
 * class). Prices default to EFS's (us-east-1, per GB-month) and are
 * options, since they vary by region and change.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "tiering.h"
#include "ctl.h"

#define TIER_GB			1073741824.0	/* AWS bills GB-months of 2^30 bytes */
#define TIER_MIN_BILLABLE	(128 * 1024)	/* IA and Archive round up to it */

struct tier_report {
	struct lifecycle lc;
	time_t		 now;
	uint32_t	 day;
	double		 price[3];	/* by enum tier_class */
	uint64_t	 files[3];
	uint64_t	 bytes[3];	/* logical */
	uint64_t	 billed[3];	/* with the 128 KiB minimum */
};

static struct tier_report *tier_rep;	/* for the nftw callback */

/* Print the tier group's help. */
static void
tier_usage(FILE *f)
{
	fprintf(f,
"usage: efsgwctl tier report --tree DIR [--lifecycle FILE|default]\n"
"                            [--min-size KiB] [--now SECONDS] [prices]\n"
"       efsgwctl tier report --metrics FILE [prices]\n"
"prices: [--price-standard USD] [--price-ia USD] [--price-archive USD]\n"
"\n"
"Print the storage classes of a file system and their monthly cost with\n"
"and without lifecycle tiering. --tree walks a local sample tree and puts\n"
"each regular file in the class its age (the later of atime and mtime)\n"
"and the lifecycle configuration (default: IA after 30 days, Archive after\n"
"90) give it; --metrics reads efsgw_tier_storage_bytes from the file\n"
"efsgw-tier --metrics writes. Prices are per GB-month (GB = 2^30 bytes);\n"
"the defaults are EFS's in us-east-1: Standard 0.30, IA 0.016,\n"
"Archive 0.008. IA and Archive bill at least 128 KiB per file (tree mode).\n"
"Access charges of IA and Archive (per GB read or written) are not in the\n"
"table.\n");
}

static const char *const tier_class_names[3] = { "Standard", "IA", "Archive" };

/* Put one file in its class. */
static int
tier_report_file(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	struct tier_report *rep = tier_rep;
	int64_t last, age, day = rep->day;
	int cls = TIER_CLASS_STANDARD;
	uint64_t size;

	if (flag != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	size = (uint64_t)st->st_size;
	last = st->st_mtime > st->st_atime ? st->st_mtime : st->st_atime;
	age = (int64_t)rep->now - last;
	if (size >= rep->lc.min_size) {
		if (rep->lc.archive_days != 0 &&
		    age >= (int64_t)rep->lc.archive_days * day)
			cls = TIER_CLASS_ARCHIVE;
		else if (rep->lc.ia_days != 0 &&
		    age >= (int64_t)rep->lc.ia_days * day)
			cls = TIER_CLASS_IA;
	}
	rep->files[cls]++;
	rep->bytes[cls] += size;
	rep->billed[cls] += cls != TIER_CLASS_STANDARD && size < TIER_MIN_BILLABLE ?
	    TIER_MIN_BILLABLE : size;
	return 0;
}

/* Read StorageBytes by class from an efsgw-tier metrics file. */
static int
tier_report_metrics(struct tier_report *rep, const char *path)
{
	struct prom_sample s;
	const char *why;
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t n;
	FILE *f;
	int r, c, found = 0;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "efsgwctl: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		memset(&s, 0, sizeof s);
		if ((r = promparse_line(line, (size_t)n, &s, &why)) <= 0) {
			if (r < 0)
				fprintf(stderr, "efsgwctl: %s: %s\n", path, why);
			continue;
		}
		if (strcmp(s.name, "efsgw_tier_storage_bytes") == 0) {
			for (i = 0; i < s.nlabels; i++) {
				if (strcmp(s.labels[i].name, "class") != 0)
					continue;
				for (c = 0; c < 3; c++) {
					if (strcmp(s.labels[i].value,
					    tier_class_names[c]) == 0) {
						rep->bytes[c] = (uint64_t)s.value;
						rep->billed[c] = (uint64_t)s.value;
						found++;
					}
				}
			}
		}
		promparse_sample_clear(&s);
	}
	free(line);
	fclose(f);
	if (found == 0) {
		fprintf(stderr, "efsgwctl: %s: no efsgw_tier_storage_bytes\n",
		    path);
		return 1;
	}
	return 0;
}

/* Parse a price. */
static int
tier_price(const char *s, double *p)
{
	char *end;

	errno = 0;
	*p = strtod(s, &end);
	return errno != 0 || *end != '\0' || *p < 0 || *p > 1000 ? -1 : 0;
}

/* Print the table. */
static void
tier_report_print(const struct tier_report *rep, int tree)
{
	double cost, total = 0, all = 0, gb;
	uint64_t files = 0, bytes = 0;
	int c;

	printf("%-10s %10s %16s %10s %12s\n", "class", "files", "bytes",
	    "$/GB-mo", "$/month");
	for (c = 0; c < 3; c++) {
		gb = (double)rep->billed[c] / TIER_GB;
		cost = gb * rep->price[c];
		total += cost;
		all += (double)rep->bytes[c] / TIER_GB *
		    rep->price[TIER_CLASS_STANDARD];
		files += rep->files[c];
		bytes += rep->bytes[c];
		if (tree)
			printf("%-10s %10llu %16llu %10.4f %12.2f\n",
			    tier_class_names[c], (unsigned long long)rep->files[c],
			    (unsigned long long)rep->bytes[c], rep->price[c], cost);
		else
			printf("%-10s %10s %16llu %10.4f %12.2f\n",
			    tier_class_names[c], "-",
			    (unsigned long long)rep->bytes[c], rep->price[c], cost);
	}
	if (tree)
		printf("%-10s %10llu %16llu %10s %12.2f\n", "Total",
		    (unsigned long long)files, (unsigned long long)bytes, "",
		    total);
	else
		printf("%-10s %10s %16llu %10s %12.2f\n", "Total", "-",
		    (unsigned long long)bytes, "", total);
	printf("\nall in Standard: %12.2f $/month\n", all);
	printf("with lifecycle:  %12.2f $/month\n", total);
	printf("saved:           %12.2f $/month (%.1f %%)\n", all - total,
	    all > 0 ? 100.0 * (all - total) / all : 0.0);
}

/* efsgwctl tier ... */
static int
tier_run(int argc, char **argv)
{
	struct tier_report rep;
	const char *tree = NULL, *metrics = NULL, *lcpath = "default";
	char *cause = NULL, *end;
	unsigned long v;
	int i, tree_mode;

	if (argc < 2 || strcmp(argv[1], "report") != 0) {
		tier_usage(stderr);
		return 2;
	}
	memset(&rep, 0, sizeof rep);
	lifecycle_defaults(&rep.lc);
	rep.price[TIER_CLASS_STANDARD] = 0.30;
	rep.price[TIER_CLASS_IA] = 0.016;
	rep.price[TIER_CLASS_ARCHIVE] = 0.008;
	rep.now = tier_now();
	rep.day = tier_day_seconds();
	for (i = 2; i < argc; i++) {
		if (i + 1 >= argc) {
			tier_usage(stderr);
			return 2;
		}
		if (strcmp(argv[i], "--tree") == 0)
			tree = argv[++i];
		else if (strcmp(argv[i], "--metrics") == 0)
			metrics = argv[++i];
		else if (strcmp(argv[i], "--lifecycle") == 0)
			lcpath = argv[++i];
		else if (strcmp(argv[i], "--min-size") == 0) {
			errno = 0;
			v = strtoul(argv[++i], &end, 10);
			if (errno != 0 || *end != '\0' || v > 4194304) {
				tier_usage(stderr);
				return 2;
			}
			rep.lc.min_size = (uint64_t)v * 1024;
		} else if (strcmp(argv[i], "--now") == 0) {
			errno = 0;
			rep.now = (time_t)strtoll(argv[++i], &end, 10);
			if (errno != 0 || *end != '\0') {
				tier_usage(stderr);
				return 2;
			}
		} else if ((strcmp(argv[i], "--price-standard") == 0 &&
		    tier_price(argv[++i], &rep.price[TIER_CLASS_STANDARD]) == 0) ||
		    (strcmp(argv[i], "--price-ia") == 0 &&
		    tier_price(argv[++i], &rep.price[TIER_CLASS_IA]) == 0) ||
		    (strcmp(argv[i], "--price-archive") == 0 &&
		    tier_price(argv[++i], &rep.price[TIER_CLASS_ARCHIVE]) == 0))
			continue;
		else {
			tier_usage(stderr);
			return 2;
		}
	}
	if ((tree == NULL) == (metrics == NULL)) {
		tier_usage(stderr);
		return 2;
	}
	tree_mode = tree != NULL;
	if (tree_mode) {
		if (strcmp(lcpath, "default") != 0) {
			uint64_t min = rep.lc.min_size;

			if (lifecycle_load(lcpath, NULL, &rep.lc, &cause) != 0) {
				fprintf(stderr, "efsgwctl: %s\n", cause);
				free(cause);
				return 1;
			}
			rep.lc.min_size = min;
		}
		tier_rep = &rep;
		if (nftw(tree, tier_report_file, 64, FTW_PHYS) != 0) {
			fprintf(stderr, "efsgwctl: %s: %s\n", tree,
			    strerror(errno));
			return 1;
		}
	} else if (tier_report_metrics(&rep, metrics) != 0)
		return 1;
	tier_report_print(&rep, tree_mode);
	return 0;
}

const struct ctl_command ctl_cmd_tier = {
	"tier", "lifecycle tiering: cost report", tier_run, tier_usage
};
