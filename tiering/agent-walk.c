/*
 * efsgw - efsgw-tier's walk of the primary export: StorageBytes by class,
 * and for each regular file past its transition age a move (or, for
 * `--recall-all`, a recall of every cold file). A complete walk leaves
 * its StorageBytes in the registry, where the gateway takes the Standard
 * bytes for the Bursting baseline. Also the metrics file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "agent.h"

#define WALK_MAX_DEPTH	256
#define WALK_MASK	(NFSC_ABIT(NFSC_A_TYPE) | NFSC_ABIT(NFSC_A_CHANGE) | \
	NFSC_ABIT(NFSC_A_SIZE) | NFSC_ABIT(NFSC_A_FSID) | \
	NFSC_ABIT(NFSC_A_FILEID) | NFSC_ABIT(NFSC_A_TIME_MODIFY))

struct walk_entry {
	char		*name;
	struct nfsc_attr attr;
};

struct walk_list {
	struct walk_entry *v;
	size_t		 n, max;
};

/* Collect a directory entry (not . or ..). */
static int
walk_collect(const struct nfsc_dirent *d, void *arg)
{
	struct walk_list *l = arg;

	if ((d->namelen == 1 && d->name[0] == '.') ||
	    (d->namelen == 2 && memcmp(d->name, "..", 2) == 0))
		return 0;
	if (l->n == l->max) {
		l->max = l->max ? l->max * 2 : 64;
		l->v = xreallocarray(l->v, l->max, sizeof *l->v);
	}
	l->v[l->n].name = xstrndup(d->name, d->namelen);
	l->v[l->n].attr = d->attr;
	l->n++;
	return 0;
}

/* LOOKUP name in dir, GETFH. */
static int
walk_lookup(struct agent_export *ex, const struct nfsc_fh *dir,
    const char *name, struct nfsc_fh *fh)
{
	struct nfsc_req *req = nfsc_req_new(ex->c);
	int r;

	nfsc_op_putfh(req, dir);
	nfsc_op_lookup(req, name);
	nfsc_op_getfh(req);
	if ((r = nfsc_call(ex->c, req)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_LOOKUP)) == 0)
		r = nfsc_res_getfh(req, fh);
	nfsc_req_free(req);
	return r;
}

/* The class a file of this age belongs in (Standard: stays). */
static enum tier_class
walk_due(struct agent *ag, int64_t last)
{
	int64_t age = (int64_t)ag->now - last;
	int64_t day = ag->day;

	if (ag->lc.archive_days != 0 && ag->tier[TIER_CLASS_ARCHIVE].c != NULL &&
	    age >= (int64_t)ag->lc.archive_days * day)
		return TIER_CLASS_ARCHIVE;
	if (ag->lc.ia_days != 0 && ag->tier[TIER_CLASS_IA].c != NULL &&
	    age >= (int64_t)ag->lc.ia_days * day)
		return TIER_CLASS_IA;
	return TIER_CLASS_STANDARD;
}

/* Print the progress line (terminals only). */
static void
walk_progress(struct agent *ag, int final)
{
	if (!ag->progress)
		return;
	fprintf(stderr, "\r%llu files, %llu moved (%.1f MiB), %llu recalled, "
	    "%llu changed, %llu errors%s", (unsigned long long)ag->st.files_seen,
	    (unsigned long long)ag->st.files_moved,
	    (double)ag->st.bytes_moved / 1048576.0,
	    (unsigned long long)ag->st.recalls,
	    (unsigned long long)ag->st.moves_changed,
	    (unsigned long long)ag->st.errors, final ? "\n" : "");
	fflush(stderr);
}

/* One regular file. */
static void
walk_file(struct agent *ag, const struct nfsc_fh *dir, const char *name,
    const struct nfsc_attr *a, int recall_all)
{
	struct tier_key k = { a->fsid_major, a->fsid_minor, a->fileid };
	struct tier_rec rec, *recp = NULL;
	struct nfsc_fh fh;
	enum tier_class cls;
	int64_t last;
	int r;

	ag->st.files_seen++;
	r = tier_registry_get(ag->reg, &k, &rec);
	if (r == 0)
		recp = &rec;
	else if (r != EFSGW_ERR_NOT_FOUND) {
		ag->st.errors++;
		ag->walk_partial = 1;	/* its bytes not counted in any class */
		log_warn("%s: registry: %s", name, tier_registry_error(ag->reg));
		return;
	}
	if (recall_all && recp != NULL && (recp->state == TIER_COLD_IA ||
	    recp->state == TIER_COLD_ARCHIVE)) {
		if (agent_recall(ag, recp) != 0)
			ag->st.errors++;
		if (tier_registry_get(ag->reg, &k, &rec) != 0)
			recp = NULL;
	}
	if (recp != NULL && recp->state == TIER_COLD_IA)
		ag->st.bytes_ia += a->size;
	else if (recp != NULL && recp->state == TIER_COLD_ARCHIVE)
		ag->st.bytes_archive += a->size;
	else
		ag->st.bytes_standard += a->size;
	if (recall_all)
		return;
	last = a->mtime.sec;
	if (recp != NULL && recp->last_access > last)
		last = recp->last_access;
	if (recp != NULL && recp->state == TIER_COLD_IA &&
	    !(recp->flags & (TIER_REC_RELEASING | TIER_REC_RETIER |
	    TIER_REC_RECALLING)) &&
	    walk_due(ag, last) == TIER_CLASS_ARCHIVE) {
		/* Archive age reached in IA: on to Archive, tier to tier. */
		if (agent_retier(ag, recp) != 0)
			ag->st.errors++;
		else if (tier_registry_get(ag->reg, &k, &rec) == 0 &&
		    rec.state == TIER_COLD_ARCHIVE) {
			ag->st.bytes_ia -= a->size;
			ag->st.bytes_archive += a->size;
		}
		walk_progress(ag, 0);
		agent_metrics_write(ag);
		return;
	}
	if (a->type != NFSC_NF4REG || a->size < ag->lc.min_size ||
	    (recp != NULL && recp->state != TIER_HOT))
		return;
	if ((cls = walk_due(ag, last)) == TIER_CLASS_STANDARD)
		return;
	if ((r = walk_lookup(&ag->hot, dir, name, &fh)) != 0) {
		if (r != NFSC_NFS4ERR_NOENT)
			ag->st.errors++;
		return;
	}
	if (agent_move(ag, &fh, a, recp, cls) == 0 &&
	    tier_registry_get(ag->reg, &k, &rec) == 0 &&
	    (rec.state == TIER_COLD_IA || rec.state == TIER_COLD_ARCHIVE)) {
		ag->st.bytes_standard -= a->size;
		if (rec.state == TIER_COLD_IA)
			ag->st.bytes_ia += a->size;
		else
			ag->st.bytes_archive += a->size;
	}
	walk_progress(ag, 0);
	agent_metrics_write(ag);
}

/* Walk one directory. */
static int
walk_dir(struct agent *ag, const struct nfsc_fh *dir, int depth,
    int recall_all)
{
	struct walk_list l;
	struct nfsc_fh sub;
	size_t i;
	int r;

	if (depth > WALK_MAX_DEPTH) {
		log_warn("directory tree deeper than %d; not descending",
		    WALK_MAX_DEPTH);
		ag->walk_partial = 1;
		return 0;
	}
	memset(&l, 0, sizeof l);
	if ((r = nfsc_readdir(ag->hot.c, dir, WALK_MASK, walk_collect,
	    &l)) != 0) {
		log_warn("readdir: %s", nfsc_error(ag->hot.c));
		ag->st.errors++;
		ag->walk_partial = 1;
		goto out;
	}
	for (i = 0; i < l.n && !agent_quit; i++) {
		if (l.v[i].attr.type == NFSC_NF4DIR) {
			if ((r = walk_lookup(&ag->hot, dir, l.v[i].name,
			    &sub)) == 0)
				walk_dir(ag, &sub, depth + 1, recall_all);
			else if (r != NFSC_NFS4ERR_NOENT)
				ag->walk_partial = 1;	/* its bytes unseen */
			r = 0;
		} else if (l.v[i].attr.type == NFSC_NF4REG)
			walk_file(ag, dir, l.v[i].name, &l.v[i].attr, recall_all);
	}
out:
	for (i = 0; i < l.n; i++)
		free(l.v[i].name);
	free(l.v);
	return r;
}

/*
 * Record the walk's StorageBytes in the registry. Only a whole walk is
 * recorded: a part of the tree would understate Standard, and with it the
 * file system's Bursting baseline in every gateway.
 */
static void
walk_record_usage(struct agent *ag, int r)
{
	struct tier_usage u;

	if (r != 0 || ag->walk_partial || agent_quit) {
		log_info("%s: the walk was not complete; the registry keeps "
		    "the StorageBytes of the last complete one", ag->fs_id);
		return;
	}
	u.standard = ag->st.bytes_standard;
	u.ia = ag->st.bytes_ia;
	u.archive = ag->st.bytes_archive;
	u.measured = (int64_t)time(NULL);
	if (tier_registry_put_usage(ag->reg, &u) != 0) {
		ag->st.errors++;
		log_warn("%s: cannot record StorageBytes: %s", ag->fs_id,
		    tier_registry_error(ag->reg));
	}
}

/* Walk the primary export. */
int
agent_walk(struct agent *ag, int recall_all)
{
	int r;

	ag->st.bytes_standard = ag->st.bytes_ia = ag->st.bytes_archive = 0;
	ag->st.files_seen = 0;
	ag->walk_partial = 0;
	ag->now = tier_now();
	r = walk_dir(ag, &ag->hot.root, 0, recall_all);
	walk_record_usage(ag, r);
	walk_progress(ag, 1);
	agent_metrics_write(ag);
	log_info("%s: walked %llu files: Standard %llu, IA %llu, Archive %llu "
	    "bytes; moved %llu files (%llu bytes), %llu left alone as they "
	    "changed, %llu recalled, %llu errors", ag->fs_id,
	    (unsigned long long)ag->st.files_seen,
	    (unsigned long long)ag->st.bytes_standard,
	    (unsigned long long)ag->st.bytes_ia,
	    (unsigned long long)ag->st.bytes_archive,
	    (unsigned long long)ag->st.files_moved,
	    (unsigned long long)ag->st.bytes_moved,
	    (unsigned long long)ag->st.moves_changed,
	    (unsigned long long)ag->st.recalls,
	    (unsigned long long)ag->st.errors);
	return r;
}

/* Write the metrics file: a temporary file renamed over it. */
void
agent_metrics_write(struct agent *ag)
{
	char *tmp;
	FILE *f;
	const char *fs = ag->fs_id;

	if (ag->metrics_path == NULL)
		return;
	xasprintf(&tmp, "%s.tmp", ag->metrics_path);
	if ((f = fopen(tmp, "w")) == NULL) {
		log_warn("%s: %s", tmp, strerror(errno));
		free(tmp);
		return;
	}
	fprintf(f, "# HELP efsgw_tier_storage_bytes Bytes of file data by "
	    "storage class (EFS StorageBytes), as of the last walk.\n"
	    "# TYPE efsgw_tier_storage_bytes gauge\n");
	fprintf(f, "efsgw_tier_storage_bytes{fs=\"%s\",class=\"Standard\"} "
	    "%llu\n", fs, (unsigned long long)ag->st.bytes_standard);
	fprintf(f, "efsgw_tier_storage_bytes{fs=\"%s\",class=\"IA\"} %llu\n",
	    fs, (unsigned long long)ag->st.bytes_ia);
	fprintf(f, "efsgw_tier_storage_bytes{fs=\"%s\",class=\"Archive\"} "
	    "%llu\n", fs, (unsigned long long)ag->st.bytes_archive);
	fprintf(f, "efsgw_tier_storage_bytes{fs=\"%s\",class=\"Total\"} %llu\n",
	    fs, (unsigned long long)(ag->st.bytes_standard + ag->st.bytes_ia +
	    ag->st.bytes_archive));
	{
		/* The counters, each its own family (Prometheus text 0.0.4). */
		const struct { const char *name; uint64_t v; } ctr[] = {
			{ "files_moved", ag->st.files_moved },
			{ "bytes_moved", ag->st.bytes_moved },
			{ "moves_changed", ag->st.moves_changed },
			{ "recalls", ag->st.recalls },
			{ "recovered", ag->st.recovered },
			{ "orphans_removed", ag->st.orphans },
			{ "errors", ag->st.errors },
		};
		size_t k;

		for (k = 0; k < sizeof ctr / sizeof ctr[0]; k++)
			fprintf(f, "# TYPE efsgw_tier_%s_total counter\n"
			    "efsgw_tier_%s_total{fs=\"%s\"} %llu\n", ctr[k].name,
			    ctr[k].name, fs, (unsigned long long)ctr[k].v);
	}
	if (fclose(f) != 0 || rename(tmp, ag->metrics_path) != 0)
		log_warn("%s: %s", ag->metrics_path, strerror(errno));
	free(tmp);
}
