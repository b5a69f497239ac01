/*
 * efsgw - conform-cmp: compare the transcript of the direct run with the
 * gateway's, case by case, call by call, result by result, key by key.
 * Every difference is printed with its case, the call's ops and
 * arguments, and both answers; it counts as a failure unless a row of the
 * allowed table explains it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "conform.h"

/* A transcript read into lines. */
struct tr {
	char		**l;
	size_t		 n, cap;
};

/* Read a transcript file into lines. */
static int
tr_load(const char *path, struct tr *t)
{
	FILE *fp;
	char buf[CF_LINE + 64];
	size_t len;

	memset(t, 0, sizeof *t);
	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "efsgw-conform: %s: cannot open\n", path);
		return -1;
	}
	while (fgets(buf, sizeof buf, fp) != NULL) {
		len = strcspn(buf, "\n");
		buf[len] = '\0';
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 1024;
			if ((t->l = realloc(t->l, t->cap * sizeof *t->l)) == NULL)
				fatalx("out of memory");
		}
		if ((t->l[t->n++] = strdup(buf)) == NULL)
			fatalx("out of memory");
	}
	fclose(fp);
	return 0;
}

/* Free a transcript read by tr_load(). */
static void
tr_free(struct tr *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->l[i]);
	free(t->l);
}

/* Index of the CASE line for id at or after from, or t->n. */
static size_t
tr_find_case(const struct tr *t, const char *id, size_t from)
{
	size_t i;

	for (i = from; i < t->n; i++)
		if (strncmp(t->l[i], "CASE ", 5) == 0 &&
		    strcmp(t->l[i] + 5, id) == 0)
			return i;
	for (i = 0; i < from && i < t->n; i++)
		if (strncmp(t->l[i], "CASE ", 5) == 0 &&
		    strcmp(t->l[i] + 5, id) == 0)
			return i;
	return t->n;
}

/* End (exclusive) of the case starting at i. */
static size_t
tr_case_end(const struct tr *t, size_t i)
{
	for (i++; i < t->n; i++)
		if (strncmp(t->l[i], "CASE ", 5) == 0)
			break;
	return i;
}

/* The value of key in a RES line's tokens, or NULL (copied into buf). */
static const char *
res_get(const char *line, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);
	const char *p = line;

	while ((p = strchr(p, ' ')) != NULL) {
		p++;
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			size_t vl = strcspn(p + kl + 1, " ");

			if (vl >= len)
				vl = len - 1;
			memcpy(buf, p + kl + 1, vl);
			buf[vl] = '\0';
			return buf;
		}
	}
	return NULL;
}

/* Per-comparison state. */
struct cmp {
	int		 verbose;
	int		 ndiff, nallowed, ncases, ncase_diff, ncase_allowed;
	const char	*caseid;
	const char	*call;		/* the CALL line of the direct run */
	int		 case_diff, case_allowed;
	int		 call_status;	/* an op's status differed in this call */
};

/* Report one difference; returns 1 when it is not allowed. */
static int
diff(struct cmp *m, const char *op, const char *key, const char *dv,
    const char *gv)
{
	const struct cf_allowed *a;

	a = cf_allowed_find(m->caseid, op, key, dv, gv);
	if (a != NULL) {
		m->nallowed++;
		m->case_allowed = 1;
		if (m->verbose)
			printf("# allowed: %s: %s %s: direct %s, gateway %s (%s)\n",
			    m->caseid, op, key, dv, gv, a->reason);
		return 0;
	}
	m->ndiff++;
	if (!m->case_diff)
		printf("DIFF %s\n#   call: %.400s\n", m->caseid,
		    m->call != NULL ? m->call : "-");
	m->case_diff++;
	/*
	 * The first differences of a case say what differs; the rest are
	 * mostly where the case went on from there (-v prints them all).
	 */
	if (m->case_diff <= 3 || m->verbose)
		printf("#   %s %s: direct %.300s, gateway %.300s\n", op, key, dv,
		    gv);
	else if (m->case_diff == 4)
		printf("#   (and more after it; -v shows every one)\n");
	return 1;
}

/* Compare two RES lines (same position in the same call). */
static void
cmp_res(struct cmp *m, const char *d, const char *g)
{
	char dop[64], gop[64], dst[64], gst[64], dv[2048], gv[2048], key[128];
	const char *p;

	dop[0] = gop[0] = dst[0] = gst[0] = '\0';
	sscanf(d, "RES %63s %63s", dop, dst);
	sscanf(g, "RES %63s %63s", gop, gst);
	if (strcmp(dop, gop) != 0) {
		diff(m, dop, "op", dop, gop);
		m->call_status = 1;
		return;
	}
	if (strcmp(dst, gst) != 0) {
		diff(m, dop, "status", dst, gst);
		m->call_status = 1;
		return;
	}
	/* Every key of either side, compared by value. */
	for (int side = 0; side < 2; side++) {
		const char *a = side ? g : d, *b = side ? d : g;

		p = a;
		while ((p = strchr(p, ' ')) != NULL) {
			size_t kl;

			p++;
			kl = strcspn(p, "= ");
			if (p[kl] != '=' || kl >= sizeof key)
				continue;
			memcpy(key, p, kl);
			key[kl] = '\0';
			if (res_get(b, key, side ? dv : gv, sizeof dv) == NULL) {
				if (side == 0)
					diff(m, dop, key, res_get(a, key, dv,
					    sizeof dv), "(absent)");
				else
					diff(m, dop, key, "(absent)", res_get(a,
					    key, gv, sizeof gv));
				continue;
			}
			if (side == 1)
				continue;	/* both present: compared once */
			res_get(a, key, dv, sizeof dv);
			if (strcmp(dv, gv) != 0)
				diff(m, dop, key, dv, gv);
		}
	}
}

/* Compare one case: its lines [ds, de) and [gs, ge). */
static void
cmp_case(struct cmp *m, const struct tr *dt, size_t ds, size_t de,
    const struct tr *gt, size_t gs, size_t ge)
{
	size_t i = ds + 1, j = gs + 1;

	m->call = NULL;
	while (i < de || j < ge) {
		const char *d = i < de ? dt->l[i] : "", *g = j < ge ? gt->l[j] : "";

		if (strncmp(d, "CALL ", 5) == 0 && strncmp(g, "CALL ", 5) == 0) {
			m->call = d + 5;
			m->call_status = 0;
			if (strcmp(d, g) != 0) {
				/* The cases took another path after a difference. */
				diff(m, "COMPOUND", "call", d + 5, g + 5);
				return;
			}
			i++, j++;
			continue;
		}
		if (strncmp(d, "RES ", 4) == 0 && strncmp(g, "RES ", 4) == 0) {
			cmp_res(m, d, g);
			i++, j++;
			continue;
		}
		if (strcmp(d, g) == 0) {		/* END, LOST, TRAILING... */
			i++, j++;
			continue;
		}
		/*
		 * Different shapes: one side has more results or lost the
		 * connection. After an op's status differed, the COMPOUND
		 * ends at another op: that is the same difference.
		 */
		if (m->call_status && strncmp(d, "LOST", 4) != 0 &&
		    strncmp(g, "LOST", 4) != 0) {
			size_t oi = i, oj = j;

			if (i < de && strncmp(d, "CALL ", 5) != 0)
				i++;
			if (j < ge && strncmp(g, "CALL ", 5) != 0)
				j++;
			if (i != oi || j != oj)
				continue;
		}
		if (strncmp(d, "END ", 4) == 0 && strncmp(g, "END ", 4) == 0) {
			char dv[64], gv[64];

			sscanf(d, "END %63s", dv);
			sscanf(g, "END %63s", gv);
			if (strcmp(dv, gv) != 0)
				diff(m, "COMPOUND", "status", dv, gv);
			else
				diff(m, "COMPOUND", "results", d + 4, g + 4);
			i++, j++;
			continue;
		}
		diff(m, "COMPOUND", "reply", *d ? d : "(nothing)",
		    *g ? g : "(nothing)");
		/*
		 * Skip to the next call on each side; when neither side can
		 * move (one has run out of calls), the rest of the case is
		 * that same difference.
		 */
		if ((i >= de || strncmp(dt->l[i], "CALL ", 5) == 0) &&
		    (j >= ge || strncmp(gt->l[j], "CALL ", 5) == 0))
			return;
		while (i < de && strncmp(dt->l[i], "CALL ", 5) != 0)
			i++;
		while (j < ge && strncmp(gt->l[j], "CALL ", 5) != 0)
			j++;
	}
}

/* Compare the transcripts. */
int
cf_compare(const char *dpath, const char *gpath, int verbose)
{
	struct tr dt, gt;
	struct cmp m;
	size_t i, de, gs, ge, gnext = 0;

	if (tr_load(dpath, &dt) != 0)
		return 2;
	if (tr_load(gpath, &gt) != 0) {
		tr_free(&dt);
		return 2;
	}
	memset(&m, 0, sizeof m);
	m.verbose = verbose;
	for (i = 0; i < dt.n; i = de) {
		de = tr_case_end(&dt, i);
		if (strncmp(dt.l[i], "CASE ", 5) != 0)
			continue;
		m.ncases++;
		m.caseid = dt.l[i] + 5;
		m.case_diff = m.case_allowed = 0;
		gs = tr_find_case(&gt, m.caseid, gnext);
		if (gs == gt.n) {
			m.call = NULL;
			diff(&m, "CASE", "present", "yes", "no");
		} else {
			ge = tr_case_end(&gt, gs);
			gnext = ge;
			cmp_case(&m, &dt, i, de, &gt, gs, ge);
		}
		if (m.case_diff)
			m.ncase_diff++;
		else if (m.case_allowed)
			m.ncase_allowed++;
		if (verbose && !m.case_diff)
			printf("# %s: %s\n", m.caseid, m.case_allowed ?
			    "same but for allowed differences" : "same");
	}
	for (i = 0; i < gt.n; i++)
		if (strncmp(gt.l[i], "CASE ", 5) == 0 &&
		    tr_find_case(&dt, gt.l[i] + 5, 0) == dt.n)
			printf("DIFF %s: only in the gateway's transcript\n",
			    gt.l[i] + 5), m.ncase_diff++, m.ndiff++;
	printf("# %d cases: %d as the server answers, %d with allowed "
	    "differences only (%d), %d differ (%d unexplained differences)\n",
	    m.ncases, m.ncases - m.ncase_diff - m.ncase_allowed,
	    m.ncase_allowed, m.nallowed, m.ncase_diff, m.ndiff);
	tr_free(&dt);
	tr_free(&gt);
	return m.ndiff == 0 && m.ncases > 0 ? 0 : 1;
}
