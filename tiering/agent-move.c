/*
 * efsgw - efsgw-tier moves, recalls and crash recovery: the registry's
 * state machine around the copies.
 *
 * A move (each step durable before the next starts):
 *   1 record "moving" with the tier file's name (so no tier file ever
 *     exists without a record naming it);
 *   2 copy the data to the tier file; 3 COMMIT it;
 *   4 read it back and compare the SHA-256;
 *   5 check the hot file's change attribute did not move (else undo);
 *   6 record "cold, releasing" with the checksum;
 *   7 release the hot data in one COMPOUND: VERIFY(change) so nothing
 *     written since step 5 is lost, SETATTR size 0, SETATTR size back and
 *     the old mtime, GETATTR change;
 *   8 record "cold" with the change attribute after the release.
 * Until step 6 the hot data is whole, so recovery undoes a "moving" record
 * (removes the tier file, the file is hot again). From step 6 on the cold
 * copy is verified and committed, so recovery finishes the release when
 * the hot file is as the move saw it, or undoes the move when a client
 * changed the file (its data on the primary is then the newer one).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "agent.h"

#define AGENT_LOCK_MS	(15 * 60 * 1000)

static const char *const agent_step_names[] = {
	"", "record-moving", "copied", "committed", "verified", "unchanged",
	"record-cold", "released", "record-done",
	"record-recalling", "written-part", "written", "record-hot"
};

/*
 * Log a finished step. Tests make the steps observable: stop dead here
 * (EFSGW_TIER_TEST_STOP_AFTER=N, a SIGKILL, as a crash would), or pause
 * (EFSGW_TIER_TEST_PAUSE_AFTER=N: create FILE.paused, then wait, at most
 * 120 s, until FILE from EFSGW_TIER_TEST_PAUSE_FILE exists). Steps 9 to
 * 12 are a recall's, which the gateway's recall thread runs too: there
 * the whole gateway stops, or waits with the client's call held.
 */
void
agent_step(struct agent *ag, const struct tier_key *k, int step)
{
	const char *p = getenv("EFSGW_TIER_TEST_PAUSE_AFTER");
	const char *file = getenv("EFSGW_TIER_TEST_PAUSE_FILE");
	char ks[80], *paused;
	FILE *f;
	int i;

	tier_key_string(k, ks, sizeof ks);
	if (step < 1 || (size_t)step >= nitems(agent_step_names))
		return;
	log_debug("%s: step %d %s", ks, step, agent_step_names[step]);
	if (p != NULL && file != NULL && atoi(p) == step) {
		xasprintf(&paused, "%s.paused", file);
		if ((f = fopen(paused, "w")) != NULL) {
			fprintf(f, "%s\n", ks);
			fclose(f);
		}
		free(paused);
		for (i = 0; i < 1200 && access(file, F_OK) != 0; i++)
			usleep(100000);
		unsetenv("EFSGW_TIER_TEST_PAUSE_AFTER");	/* once */
	}
	if (ag->stop_after == step) {
		log_info("%s: stopping after step %d (%s) as "
		    "EFSGW_TIER_TEST_STOP_AFTER asks", ks, step,
		    agent_step_names[step]);
		kill(getpid(), SIGKILL);
	}
}

/*
 * The test hooks: EFSGW_TIER_TEST_STOP_AFTER (above), and
 * EFSGW_TIER_TEST_RECALL_BYTES=N, which makes "N bytes of a recall
 * written back" step 10, so that a test stops or pauses a recall in the
 * middle of its copy, the hot file half written, without timing it.
 */
void
agent_test_hooks(struct agent *ag)
{
	const char *s;

	if ((s = getenv("EFSGW_TIER_TEST_STOP_AFTER")) != NULL)
		ag->stop_after = atoi(s);
	if ((s = getenv("EFSGW_TIER_TEST_RECALL_BYTES")) != NULL)
		ag->part_bytes = strtoull(s, NULL, 10);
}

/* A recall wrote n bytes back: step 10 the first time n reaches the hook's. */
void
agent_recall_progress(struct agent *ag, uint64_t n)
{
	if (ag->recalling == NULL || ag->part_bytes == 0 || n < ag->part_bytes)
		return;
	ag->part_bytes = 0;	/* once */
	agent_step(ag, ag->recalling, STEP_RECALL_PART);
}

/*
 * Take a file's lock. With take_over (a gateway's recall thread, whose
 * owner name outlives it: tiergw.c) a lock held under our own name was
 * left by the process that had the name before and died holding it (this
 * one holds no lock between two calls): it is released, by name, and
 * taken, rather than waited out for AGENT_LOCK_MS.
 */
int
agent_lock(struct agent *ag, const struct tier_key *k, uint32_t ttl_ms)
{
	char ks[80];
	int r;

	r = tier_registry_lock(ag->reg, k, ag->owner, ttl_ms);
	if (r != 0 || !ag->take_over)
		return r;
	if ((r = tier_registry_unlock(ag->reg, k, ag->owner)) != 0 ||
	    (r = tier_registry_lock(ag->reg, k, ag->owner, ttl_ms)) != 1)
		return r;
	log_info("%s: took over the lock left under %s by a process that "
	    "died holding it", tier_key_string(k, ks, sizeof ks), ag->owner);
	return 1;
}

/* GETATTR everything the agent needs. */
int
agent_getattr(struct agent_export *ex, const struct nfsc_fh *fh,
    struct nfsc_attr *a)
{
	struct nfsc_req *req = nfsc_req_new(ex->c);
	int r;

	nfsc_op_putfh(req, fh);
	nfsc_op_getattr(req, NFSC_A_STAT | NFSC_ABIT(NFSC_A_FSID));
	if ((r = nfsc_call(ex->c, req)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0)
		r = nfsc_res_getattr(req, a);
	nfsc_req_free(req);
	return r;
}

/* Remove a name from a tier export's root. */
int
agent_tier_remove(struct agent_export *ex, const char *name)
{
	int r = nfsc_remove(ex->c, &ex->root, name);

	return r == NFSC_NFS4ERR_NOENT ? 0 : r;
}

/* The tier file's name for a key. */
static void
agent_location(const struct tier_key *k, int zstd, char *buf, size_t len)
{
	snprintf(buf, len, "%016llx-%016llx-%llu%s",
	    (unsigned long long)k->fsid_major,
	    (unsigned long long)k->fsid_minor, (unsigned long long)k->fileid,
	    zstd ? ".zst" : "");
}

/* The tier export of a class, or NULL. */
static struct agent_export *
agent_tier(struct agent *ag, uint32_t cls)
{
	if (cls != TIER_CLASS_IA && cls != TIER_CLASS_ARCHIVE)
		return NULL;
	return ag->tier[cls].c != NULL ? &ag->tier[cls] : NULL;
}

/* The class a cold state is in. */
static uint32_t
agent_state_class(uint32_t state)
{
	return state == TIER_COLD_ARCHIVE ? TIER_CLASS_ARCHIVE : TIER_CLASS_IA;
}

/* Put rec back to hot (keeping what we know of its accesses). */
static int
agent_record_hot(struct agent *ag, struct tier_rec *rec)
{
	rec->state = TIER_HOT;
	rec->flags = 0;
	rec->location[0] = '\0';
	rec->stored = 0;
	memset(rec->sum, 0, sizeof rec->sum);
	rec->updated = tier_now();
	return tier_registry_put(ag->reg, rec);
}

/*
 * Release the hot data of a file whose change attribute is still change:
 * one COMPOUND so that a write after the check fails the VERIFY instead
 * of being truncated away. Fills *after with the new change attribute.
 */
static int
agent_release(struct agent *ag, const struct nfsc_fh *fh, uint64_t change,
    const struct tier_rec *rec, uint64_t *after)
{
	struct nfsc_req *req = nfsc_req_new(ag->hot.c);
	struct nfsc_sattr zero, back;
	struct nfsc_attr a;
	int r;

	memset(&zero, 0, sizeof zero);
	zero.mask = NFSC_ABIT(NFSC_A_SIZE);
	zero.size = 0;
	memset(&back, 0, sizeof back);
	back.mask = NFSC_ABIT(NFSC_A_SIZE) | NFSC_ABIT(NFSC_A_TIME_MODIFY_SET);
	back.size = rec->size;
	back.mtime.sec = rec->mtime_sec;
	back.mtime.nsec = rec->mtime_nsec;
	nfsc_op_putfh(req, fh);
	nfsc_op_verify_change(req, change);
	nfsc_op_setattr(req, NULL, &zero);
	nfsc_op_setattr(req, NULL, &back);
	nfsc_op_getattr(req, NFSC_ABIT(NFSC_A_CHANGE));
	if ((r = nfsc_call(ag->hot.c, req)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_PUTFH)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_VERIFY)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_SETATTR)) == 0 &&
	    (r = nfsc_res_skip(req, NFSC_OP_SETATTR)) == 0 &&
	    (r = nfsc_res_getattr(req, &a)) == 0)
		*after = a.change;
	if (r == 0 && !(a.mask & NFSC_ABIT(NFSC_A_CHANGE)))
		r = EFSGW_ERR_BAD_VALUE;
	nfsc_req_free(req);
	return r;
}

/* Undo a move: tier file away, record hot. */
static int
agent_undo(struct agent *ag, struct tier_rec *rec, const char *why)
{
	struct agent_export *tier = agent_tier(ag, rec->target);
	char ks[80];
	int r;

	log_info("%s: move undone: %s", tier_key_string(&rec->key, ks,
	    sizeof ks), why);
	if (tier != NULL && rec->location[0] != '\0' &&
	    (r = agent_tier_remove(tier, rec->location)) != 0) {
		log_warn("%s: cannot remove %s from the %s tier: %s", ks,
		    rec->location, tier->name, nfsc_error(tier->c));
		return r;
	}
	return agent_record_hot(ag, rec);
}

/* Move one file. */
int
agent_move(struct agent *ag, const struct nfsc_fh *fh,
    const struct nfsc_attr *a, const struct tier_rec *old,
    enum tier_class cls)
{
	struct agent_export *tier = agent_tier(ag, cls);
	struct tier_rec rec, cur;
	struct nfsc_attr now;
	struct nfsc_file f;
	char ks[80];
	uint64_t after;
	int zstd = cls == TIER_CLASS_ARCHIVE && ag->zstd, r, locked;

	if (tier == NULL)
		return EFSGW_ERR_NOT_FOUND;
	memset(&rec, 0, sizeof rec);
	rec.key.fsid_major = a->fsid_major;
	rec.key.fsid_minor = a->fsid_minor;
	rec.key.fileid = a->fileid;
	tier_key_string(&rec.key, ks, sizeof ks);
	if ((locked = tier_registry_lock(ag->reg, &rec.key, ag->owner,
	    AGENT_LOCK_MS)) <= 0)
		return locked;	/* another worker has it */
	/* Under the lock, the registry is the truth: still hot? */
	r = tier_registry_get(ag->reg, &rec.key, &cur);
	if (r == 0 && cur.state != TIER_HOT) {
		r = 0;
		goto out;
	}
	if (r != 0 && r != EFSGW_ERR_NOT_FOUND)
		goto out;
	if (r == 0 && cur.last_access > (old != NULL ? old->last_access : 0)) {
		/* Read or written since the walk looked: not due any more. */
		r = 0;
		goto out;
	}
	if (r == 0)
		rec.last_access = cur.last_access;
	else if (old != NULL)
		rec.last_access = old->last_access;
	rec.state = TIER_MOVING;
	rec.target = cls;
	rec.flags = zstd ? TIER_REC_ZSTD : 0;
	agent_location(&rec.key, zstd, rec.location, sizeof rec.location);
	if (fh->len > TIER_FH_MAX) {
		r = EFSGW_ERR_TOO_LONG;
		goto out;
	}
	memcpy(rec.fh, fh->data, fh->len);
	rec.fhlen = fh->len;
	rec.size = a->size;
	rec.change = a->change;
	rec.mtime_sec = a->mtime.sec;
	rec.mtime_nsec = a->mtime.nsec;
	rec.updated = tier_now();
	if ((r = tier_registry_put(ag->reg, &rec)) != 0)
		goto out;
	agent_step(ag, &rec.key, STEP_RECORD_MOVING);

	r = nfsc_open(tier->c, &tier->root, rec.location,
	    NFSC_O_READ | NFSC_O_WRITE | NFSC_O_CREATE | NFSC_O_TRUNC, 0600, &f);
	if (r != 0) {
		log_warn("%s: create %s in the %s tier: %s", ks, rec.location,
		    tier->name, nfsc_error(tier->c));
		goto undo;
	}
	r = agent_copy_out(ag, &ag->hot, tier, fh, rec.size, zstd, &f, rec.sum,
	    &rec.stored);
	if (r != 0) {
		nfsc_close(tier->c, &f);
		if (r == EFSGW_ERR_MISMATCH) {
			ag->st.moves_changed++;
			agent_undo(ag, &rec, "the file changed size during the copy");
			r = 0;
			goto out;
		}
		log_warn("%s: copy: %s", ks, r > 0 ? nfsc_stat_name((uint32_t)r) :
		    efsgw_err(r));
		goto undo;
	}
	agent_step(ag, &rec.key, STEP_COPIED);
	if ((r = nfsc_commit(tier->c, &f.fh)) != 0 ||
	    (r = nfsc_close(tier->c, &f)) != 0) {
		log_warn("%s: commit in the %s tier: %s", ks, tier->name,
		    nfsc_error(tier->c));
		goto undo;
	}
	agent_step(ag, &rec.key, STEP_COMMITTED);
	if ((r = agent_copy_in(ag, tier, rec.location, zstd, rec.size,
	    rec.sum, NULL, NULL)) != 0) {
		log_warn("%s: the copy in the %s tier does not read back "
		    "equal: %s", ks, tier->name, efsgw_err(r));
		goto undo;
	}
	agent_step(ag, &rec.key, STEP_VERIFIED);
	if ((r = agent_getattr(&ag->hot, fh, &now)) != 0)
		goto undo;
	if (now.change != rec.change || now.size != rec.size) {
		ag->st.moves_changed++;
		agent_undo(ag, &rec, "the file changed during the copy");
		r = 0;
		goto out;
	}
	agent_step(ag, &rec.key, STEP_UNCHANGED);
	rec.state = cls == TIER_CLASS_ARCHIVE ? TIER_COLD_ARCHIVE : TIER_COLD_IA;
	rec.flags |= TIER_REC_RELEASING;
	rec.updated = tier_now();
	if ((r = tier_registry_put(ag->reg, &rec)) != 0)
		goto undo;
	agent_step(ag, &rec.key, STEP_RECORD_COLD);
	r = agent_release(ag, fh, rec.change, &rec, &after);
	if (r == 10027 /* NFS4ERR_NOT_SAME */) {
		ag->st.moves_changed++;
		agent_undo(ag, &rec, "the file changed before its release");
		r = 0;
		goto out;
	}
	if (r != 0) {
		/* Unknown whether it happened: recovery decides from the file. */
		log_warn("%s: release: %s; left for recovery", ks,
		    nfsc_error(ag->hot.c));
		goto out;
	}
	agent_step(ag, &rec.key, STEP_RELEASED);
	rec.flags &= ~TIER_REC_RELEASING;
	rec.change = after;
	rec.updated = tier_now();
	if ((r = tier_registry_put(ag->reg, &rec)) != 0)
		goto out;
	agent_step(ag, &rec.key, STEP_RECORD_DONE);
	ag->st.files_moved++;
	ag->st.bytes_moved += rec.size;
	log_info("%s: moved %llu bytes to %s as %s (%llu stored)", ks,
	    (unsigned long long)rec.size, tier->name, rec.location,
	    (unsigned long long)rec.stored);
	goto out;
undo:
	ag->st.errors++;
	agent_undo(ag, &rec, "an error");
out:
	tier_registry_unlock(ag->reg, &rec.key, ag->owner);
	return r;
}

/* Undo a move from IA to Archive: the IA copy stays the one. */
static int
agent_retier_undo(struct agent *ag, struct tier_rec *rec, const char *why)
{
	struct agent_export *ar = agent_tier(ag, TIER_CLASS_ARCHIVE);
	char loc[TIER_LOCATION_MAX], ks[80];
	int zstd, r;

	log_info("%s: move to Archive undone: %s", tier_key_string(&rec->key,
	    ks, sizeof ks), why);
	/* The Archive copy's name depends on compression: remove both. */
	for (zstd = 0; ar != NULL && zstd < 2; zstd++) {
		agent_location(&rec->key, zstd, loc, sizeof loc);
		if ((r = agent_tier_remove(ar, loc)) != 0) {
			log_warn("%s: cannot remove %s from the Archive tier: %s",
			    ks, loc, nfsc_error(ar->c));
			return r;
		}
	}
	rec->flags &= ~TIER_REC_RETIER;
	rec->target = TIER_CLASS_IA;
	rec->updated = tier_now();
	return tier_registry_put(ag->reg, rec);
}

/*
 * Move an IA file on to Archive: record the intent (the IA copy stays
 * valid), copy IA to Archive checking the data against the recorded
 * checksum, COMMIT, read back, then record it in Archive and only then
 * remove the IA copy (a crash before that leaves an orphan the sweep
 * removes; a crash before the record leaves the intent, which recovery
 * undoes).
 */
int
agent_retier(struct agent *ag, const struct tier_rec *old)
{
	struct agent_export *ia = agent_tier(ag, TIER_CLASS_IA);
	struct agent_export *ar = agent_tier(ag, TIER_CLASS_ARCHIVE);
	struct tier_rec rec, done;
	struct nfsc_fh iafh;
	struct nfsc_file f;
	uint8_t sum[TIER_SUM_LEN];
	char oldloc[TIER_LOCATION_MAX], ks[80];
	uint64_t stored;
	int zstd = ag->zstd, r, locked;

	if (ia == NULL || ar == NULL)
		return EFSGW_ERR_NOT_FOUND;
	tier_key_string(&old->key, ks, sizeof ks);
	if ((locked = tier_registry_lock(ag->reg, &old->key, ag->owner,
	    AGENT_LOCK_MS)) <= 0)
		return locked;
	if ((r = tier_registry_get(ag->reg, &old->key, &rec)) != 0 ||
	    rec.state != TIER_COLD_IA ||
	    (rec.flags & (TIER_REC_RELEASING | TIER_REC_RETIER |
	    TIER_REC_RECALLING))) {
		r = r == EFSGW_ERR_NOT_FOUND ? 0 : r;
		goto out;
	}
	rec.flags |= TIER_REC_RETIER;
	rec.target = TIER_CLASS_ARCHIVE;
	rec.updated = tier_now();
	if ((r = tier_registry_put(ag->reg, &rec)) != 0)
		goto out;
	agent_step(ag, &rec.key, STEP_RECORD_MOVING);
	snprintf(oldloc, sizeof oldloc, "%s", rec.location);
	if ((r = agent_lookup(ia, oldloc, &iafh)) != 0) {
		log_warn("%s: %s is not in the IA tier: %s", ks, oldloc,
		    nfsc_error(ia->c));
		goto undo;
	}
	{
		char newloc[TIER_LOCATION_MAX];

		agent_location(&rec.key, zstd, newloc, sizeof newloc);
		r = nfsc_open(ar->c, &ar->root, newloc, NFSC_O_READ |
		    NFSC_O_WRITE | NFSC_O_CREATE | NFSC_O_TRUNC, 0600, &f);
		if (r != 0)
			goto undo;
		r = agent_copy_out(ag, ia, ar, &iafh, rec.size, zstd, &f, sum,
		    &stored);
		if (r == 0 && memcmp(sum, rec.sum, sizeof sum) != 0)
			r = EFSGW_ERR_MISMATCH;	/* the IA copy is damaged */
		if (r != 0) {
			nfsc_close(ar->c, &f);
			log_warn("%s: copy from IA: %s", ks, r > 0 ?
			    nfsc_stat_name((uint32_t)r) : efsgw_err(r));
			goto undo;
		}
		agent_step(ag, &rec.key, STEP_COPIED);
		if ((r = nfsc_commit(ar->c, &f.fh)) != 0 ||
		    (r = nfsc_close(ar->c, &f)) != 0)
			goto undo;
		agent_step(ag, &rec.key, STEP_COMMITTED);
		if ((r = agent_copy_in(ag, ar, newloc, zstd, rec.size, rec.sum,
		    NULL, NULL)) != 0)
			goto undo;
		agent_step(ag, &rec.key, STEP_VERIFIED);
		/* A copy: undo must still see the IA record if the put fails. */
		done = rec;
		snprintf(done.location, sizeof done.location, "%s", newloc);
	}
	done.state = TIER_COLD_ARCHIVE;
	done.flags = zstd ? TIER_REC_ZSTD : 0;
	done.target = TIER_CLASS_ARCHIVE;
	done.stored = stored;
	done.updated = tier_now();
	if ((r = tier_registry_put(ag->reg, &done)) != 0)
		goto undo;
	rec = done;
	agent_step(ag, &rec.key, STEP_RECORD_COLD);
	if (agent_tier_remove(ia, oldloc) != 0)
		log_warn("%s: in Archive, but %s stays in the IA tier (removed "
		    "as an orphan later)", ks, oldloc);
	ag->st.files_moved++;
	ag->st.bytes_moved += rec.size;
	log_info("%s: moved %llu bytes from IA to Archive as %s (%llu stored)",
	    ks, (unsigned long long)rec.size, rec.location,
	    (unsigned long long)rec.stored);
	goto out;
undo:
	ag->st.errors++;
	agent_retier_undo(ag, &rec, "an error");
out:
	tier_registry_unlock(ag->reg, &old->key, ag->owner);
	return r;
}

/* Bring a cold file back. */
int
agent_recall(struct agent *ag, const struct tier_rec *old)
{
	struct agent_export *tier = agent_tier(ag, agent_state_class(old->state));
	struct tier_rec rec;
	struct nfsc_fh fh;
	struct nfsc_sattr s;
	struct nfsc_attr a;
	char ks[80];
	int r, locked;

	tier_key_string(&old->key, ks, sizeof ks);
	if (tier == NULL) {
		log_warn("%s: its %s tier is not configured", ks,
		    tier_state_name(old->state));
		return EFSGW_ERR_NOT_FOUND;
	}
	if ((locked = agent_lock(ag, &old->key, AGENT_LOCK_MS)) <= 0)
		return locked;
	if ((r = tier_registry_get(ag->reg, &old->key, &rec)) != 0 ||
	    (rec.state != TIER_COLD_IA && rec.state != TIER_COLD_ARCHIVE) ||
	    (rec.flags & (TIER_REC_RELEASING | TIER_REC_RETIER)))
		goto out;	/* gone, hot, or recovery's business */
	memcpy(fh.data, rec.fh, rec.fhlen);
	fh.len = rec.fhlen;
	/*
	 * Written since the release, around the recall (a truncating OPEN, a
	 * data op the gateway could not check, a client of the server
	 * itself)? Then what the client wrote wins: copying the old data
	 * back would undo it. The cold copy is kept under a name the sweep
	 * leaves alone, for the operator, and the file is hot again.
	 */
	if ((r = agent_getattr(&ag->hot, &fh, &a)) != 0)
		goto out;
	/*
	 * (A recall that was interrupted changed it itself: not a write. It
	 * wrote within the file's size, though, so a size that differs is a
	 * client's doing, e.g. a truncating OPEN after the gateway restarted.)
	 */
	if (a.change != rec.change && (!(rec.flags & TIER_REC_RECALLING) ||
	    a.size != rec.size)) {
		char kept[TIER_LOCATION_MAX + 16];

		snprintf(kept, sizeof kept, "conflict-%s", rec.location);
		if ((r = nfsc_rename(tier->c, &tier->root, rec.location,
		    &tier->root, kept)) != 0) {
			ag->st.errors++;
			log_warn("%s: written since its move, and its cold copy "
			    "%s cannot be set aside: %s; left cold", ks,
			    rec.location, r > 0 ? nfsc_stat_name((uint32_t)r) :
			    efsgw_err(r));
			goto out;
		}
		rec.change = a.change;
		rec.last_access = tier_now();
		if ((r = agent_record_hot(ag, &rec)) != 0)
			goto out;
		log_warn("%s: written since it was moved: its new content is "
		    "kept, not the cold copy, which stays in the %s tier as %s",
		    ks, tier->name, kept);
		goto out;
	}
	/*
	 * Check the cold copy first: never write unchecked data. A copy that
	 * does not check leaves the record as it was (cold, its hot file
	 * untouched), so reads can still be served from a copy repaired since.
	 */
	if ((r = agent_copy_in(ag, tier, rec.location, rec.flags & TIER_REC_ZSTD,
	    rec.size, rec.sum, NULL, NULL)) != 0)
		goto fail;
	/* Say so before the hot file changes: a recall cut short is redone. */
	if (!(rec.flags & TIER_REC_RECALLING)) {
		rec.flags |= TIER_REC_RECALLING;
		rec.updated = tier_now();
		if ((r = tier_registry_put(ag->reg, &rec)) != 0)
			goto out;
		agent_step(ag, &rec.key, STEP_RECALL_MARKED);
	}
	/* (ag->recalling: the test hook of step 10 counts the bytes.) */
	ag->recalling = &rec.key;
	r = agent_copy_in(ag, tier, rec.location, rec.flags & TIER_REC_ZSTD,
	    rec.size, rec.sum, &ag->hot, &fh);
	ag->recalling = NULL;
	if (r != 0)
		goto fail;
	memset(&s, 0, sizeof s);
	s.mask = NFSC_ABIT(NFSC_A_TIME_MODIFY_SET);
	s.mtime.sec = rec.mtime_sec;
	s.mtime.nsec = rec.mtime_nsec;
	if ((r = nfsc_setattr(ag->hot.c, &fh, NULL, &s)) != 0 ||
	    (r = agent_getattr(&ag->hot, &fh, &a)) != 0)
		goto out;
	agent_step(ag, &rec.key, STEP_RECALL_WRITTEN);
	/* Hot again, then (and only then) the cold copy goes. */
	{
		char loc[TIER_LOCATION_MAX];

		snprintf(loc, sizeof loc, "%s", rec.location);
		rec.change = a.change;
		rec.last_access = tier_now();
		if ((r = agent_record_hot(ag, &rec)) != 0)
			goto out;
		agent_step(ag, &rec.key, STEP_RECALL_HOT);
		if (agent_tier_remove(tier, loc) != 0)
			log_warn("%s: recalled, but %s stays in the %s tier "
			    "(removed as an orphan later)", ks, loc, tier->name);
	}
	ag->st.recalls++;
	log_info("%s: recalled %llu bytes from %s", ks,
	    (unsigned long long)rec.size, tier->name);
	goto out;
fail:
	ag->st.errors++;
	log_warn("%s: recall from %s: %s", ks, rec.location,
	    r > 0 ? nfsc_stat_name((uint32_t)r) : efsgw_err(r));
out:
	tier_registry_unlock(ag->reg, &old->key, ag->owner);
	return r;
}

/* Records recovery must look at, collected before acting on them. */
struct agent_todo {
	struct tier_rec	*v;
	size_t		 n, max;
};

/* Collect records recovery must look at. */
static int
agent_todo_cb(const struct tier_rec *rec, void *arg)
{
	struct agent_todo *t = arg;

	if (rec->state != TIER_MOVING &&
	    !(rec->flags & (TIER_REC_RELEASING | TIER_REC_RETIER)))
		return 0;
	if (t->n == t->max) {
		t->max = t->max ? t->max * 2 : 16;
		t->v = xreallocarray(t->v, t->max, sizeof *t->v);
	}
	t->v[t->n++] = *rec;
	return 0;
}

/* Finish or undo one interrupted release. */
static int
agent_recover_release(struct agent *ag, struct tier_rec *rec)
{
	uint8_t sum[TIER_SUM_LEN], zeros[TIER_SUM_LEN];
	struct nfsc_fh fh;
	struct nfsc_attr a;
	uint64_t after;
	char ks[80];
	int r;

	tier_key_string(&rec->key, ks, sizeof ks);
	memcpy(fh.data, rec->fh, rec->fhlen);
	fh.len = rec->fhlen;
	if ((r = agent_getattr(&ag->hot, &fh, &a)) != 0) {
		if (r == 70 /* NFS4ERR_STALE */ || r == NFSC_NFS4ERR_NOENT)
			return agent_undo(ag, rec, "the file is gone");
		return r;
	}
	if (a.change == rec->change) {
		/* Not released yet, and unchanged: release it now. */
		r = agent_release(ag, &fh, rec->change, rec, &after);
		if (r == 10027)
			return agent_undo(ag, rec, "changed before its release");
		if (r != 0)
			return r;
	} else {
		/*
		 * Released (data reads as zeros, mtime ours) or changed by a
		 * client (its data on the primary is the newer one).
		 */
		if ((r = agent_sum_hot(ag, &fh, a.size, sum)) != 0)
			return r;
		agent_sum_zeros(rec->size, zeros);
		if (a.size != rec->size || a.mtime.sec != rec->mtime_sec ||
		    a.mtime.nsec != rec->mtime_nsec ||
		    memcmp(sum, zeros, sizeof sum) != 0 ||
		    memcmp(rec->sum, zeros, sizeof zeros) == 0)
			return agent_undo(ag, rec, "the primary copy changed "
			    "(it is the newer data)");
		after = a.change;
	}
	rec->flags &= ~TIER_REC_RELEASING;
	rec->change = after;
	rec->updated = tier_now();
	if ((r = tier_registry_put(ag->reg, rec)) != 0)
		return r;
	log_info("%s: interrupted move finished", ks);
	return 0;
}

/* Is a tier file name one of ours, and whose? */
static int
agent_parse_location(const char *name, struct tier_key *k)
{
	unsigned long long a, b, c;
	char tail[8];
	int n;

	tail[0] = '\0';
	n = sscanf(name, "%16llx-%16llx-%llu%7s", &a, &b, &c, tail);
	if (n < 3 || (n == 4 && strcmp(tail, ".zst") != 0))
		return -1;
	k->fsid_major = a;
	k->fsid_minor = b;
	k->fileid = c;
	return 0;
}

struct agent_orphans {
	struct agent	*ag;
	struct agent_export *tier;
	char		(*names)[TIER_LOCATION_MAX];
	size_t		 n, max;
};

/* Collect a tier directory entry. */
static int
agent_orphan_cb(const struct nfsc_dirent *d, void *arg)
{
	struct agent_orphans *o = arg;

	if (d->namelen >= TIER_LOCATION_MAX)
		return 0;
	if (o->n == o->max) {
		o->max = o->max ? o->max * 2 : 64;
		o->names = xreallocarray(o->names, o->max, sizeof *o->names);
	}
	memcpy(o->names[o->n], d->name, d->namelen);
	o->names[o->n][d->namelen] = '\0';
	o->n++;
	return 0;
}

/* Remove tier files no record names (listing first, then the records). */
static void
agent_sweep(struct agent *ag, struct agent_export *tier)
{
	struct agent_orphans o;
	struct tier_rec rec;
	struct tier_key k;
	size_t i;
	int r;

	memset(&o, 0, sizeof o);
	o.ag = ag;
	o.tier = tier;
	if (nfsc_readdir(tier->c, &tier->root, NFSC_ABIT(NFSC_A_TYPE),
	    agent_orphan_cb, &o) != 0) {
		log_warn("%s tier: cannot list: %s", tier->name,
		    nfsc_error(tier->c));
		free(o.names);
		return;
	}
	for (i = 0; i < o.n; i++) {
		if (agent_parse_location(o.names[i], &k) != 0)
			continue;
		r = tier_registry_get(ag->reg, &k, &rec);
		if (r == 0 && rec.state != TIER_HOT &&
		    strcmp(rec.location, o.names[i]) == 0)
			continue;
		if (r != 0 && r != EFSGW_ERR_NOT_FOUND)
			continue;
		/* Under the lock, so that a move starting now is not hit. */
		if (tier_registry_lock(ag->reg, &k, ag->owner, AGENT_LOCK_MS) != 1)
			continue;
		r = tier_registry_get(ag->reg, &k, &rec);
		if (r == EFSGW_ERR_NOT_FOUND || (r == 0 && (rec.state == TIER_HOT ||
		    strcmp(rec.location, o.names[i]) != 0))) {
			if (agent_tier_remove(tier, o.names[i]) == 0) {
				ag->st.orphans++;
				log_info("%s tier: removed orphan %s", tier->name,
				    o.names[i]);
			}
		}
		tier_registry_unlock(ag->reg, &k, ag->owner);
	}
	free(o.names);
}

/* Recover every interrupted move, then sweep orphans. */
int
agent_recover(struct agent *ag)
{
	struct agent_todo t;
	struct tier_rec rec;
	size_t i;
	int r, failed = 0;

	memset(&t, 0, sizeof t);
	if ((r = tier_registry_foreach(ag->reg, agent_todo_cb, &t)) != 0) {
		log_warn("registry walk: %s", tier_registry_error(ag->reg));
		free(t.v);
		return r;
	}
	for (i = 0; i < t.n; i++) {
		/* A live worker's move is its own: only take free locks. */
		if (tier_registry_lock(ag->reg, &t.v[i].key, ag->owner,
		    AGENT_LOCK_MS) != 1)
			continue;
		if (tier_registry_get(ag->reg, &t.v[i].key, &rec) == 0) {
			if (rec.state == TIER_MOVING)
				r = agent_undo(ag, &rec, "interrupted before "
				    "the copy was verified");
			else if (rec.flags & TIER_REC_RELEASING)
				r = agent_recover_release(ag, &rec);
			else if (rec.flags & TIER_REC_RETIER)
				r = agent_retier_undo(ag, &rec, "interrupted "
				    "before the Archive copy was recorded");
			else
				r = 0;
			if (r != 0)
				failed++;
			else
				ag->st.recovered++;
		}
		tier_registry_unlock(ag->reg, &t.v[i].key, ag->owner);
	}
	free(t.v);
	if (ag->tier[TIER_CLASS_IA].c != NULL)
		agent_sweep(ag, &ag->tier[TIER_CLASS_IA]);
	if (ag->tier[TIER_CLASS_ARCHIVE].c != NULL)
		agent_sweep(ag, &ag->tier[TIER_CLASS_ARCHIVE]);
	ag->st.errors += (uint64_t)failed;
	return failed ? EFSGW_ERR_INTERNAL : 0;
}
