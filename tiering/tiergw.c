/*
 * efsgw - recall in the gateway: before a data op on a file runs, the
 * gateway asks here whether the file is cold and, if it is, brings it
 * back. One worker thread per file system does the blocking part with
 * the same code as efsgw-tier (nfsc to the primary and the tiers, the
 * registry in Redis or a journal): GETATTR of the backend handle for its
 * fsid and
 * fileid, the registry record, and a recall (checked, committed, recorded
 * hot, then the cold copy removed). The event loop keeps one job per
 * handle: callers asking about a handle already queued wait on that job,
 * so concurrent accesses to one cold file wait on one recall. The worker
 * also notes each file's last data access and writes them to the
 * registry in batches, and reads the agent's StorageBytes when the loop
 * asks (the Bursting baseline of a tiered file system).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "common.h"
#include "agent.h"

#define TIERGW_NFS4ERR_DELAY	10008
#define TIERGW_FLUSH_SEC	5	/* access times reach the registry */
#define TIERGW_ACCESS_MAX	4096	/* access times kept between flushes */
#define TIERGW_SLOTS		64	/* gateways of one file system per host */

struct tiergw_wait {
	struct tiergw_job	*job;
	tiergw_cb		 cb;
	void			*arg;
	TAILQ_ENTRY(tiergw_wait) entry;
};

struct tiergw_job {
	uint8_t			 fh[TIER_FH_MAX];
	uint32_t		 fhlen;
	int			 is_read;	/* may be served from the copy */
	struct tiergw_read	 rd;
	uint32_t		 status;	/* set by the worker */
	int			 recalled;
	uint8_t			*data;		/* served: the READ's bytes */
	uint32_t		 len;
	TAILQ_HEAD(, tiergw_wait) waits;
	TAILQ_ENTRY(tiergw_job)	 entry;		/* pending (loop) */
	TAILQ_ENTRY(tiergw_job)	 qentry;	/* todo / done (shared) */
};

struct tiergw_access {
	struct tier_key		 key;
	int64_t			 when;
};

struct tiergw {
	char			*fs_id;
	struct event_base	*base;
	struct event		*ev;		/* the done pipe */
	int			 pipe[2];
	pthread_t		 thread;
	int			 started;
	int			 slot_fd;	/* holds the owner name's slot, or -1 */
	/* the loop's */
	TAILQ_HEAD(, tiergw_job) pending;
	uint64_t		 recalls, failures, checks;
	uint64_t		 served, served_bytes;
	/* shared, under mu */
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 quit;
	TAILQ_HEAD(, tiergw_job) todo;
	TAILQ_HEAD(, tiergw_job) done;
	int			 usage_want;	/* the loop wants a reading */
	struct tier_usage	 usage;		/* the last one read */
	uint64_t		 usage_gen;	/* readings so far; 0: none */
	/* the worker's */
	struct agent		 ag;
	char			*hot_addr;
	char			*hot_export;
	char			*ia;
	char			*archive;
	char			*registry;
	int			 serve_reads;
	uint32_t		 serve_max;	/* bytes read from a copy per READ */
	struct cold_read_cache	 cold;
	int64_t			 serve_logged;
	struct tiergw_access	 acc[TIERGW_ACCESS_MAX];
	size_t			 nacc;
	int64_t			 flushed;
};

/* Connect one export from the worker (host and port numeric). */
static int
tiergw_connect(struct agent_export *ex, const char *what, const char *hp,
    const char *path)
{
	struct nfsc_opts o;
	struct nfsc_attr a;
	char host[256], err[256];
	const char *colon;
	int r;

	if ((colon = strrchr(hp, ':')) == NULL || (size_t)(colon - hp) >=
	    sizeof host)
		return EFSGW_ERR_BAD_VALUE;
	memcpy(host, hp[0] == '[' ? hp + 1 : hp, (size_t)(colon - hp));
	host[colon - hp - (hp[0] == '[' ? 2 : 0)] = '\0';
	snprintf(ex->name, sizeof ex->name, "%s", what);
	snprintf(ex->host, sizeof ex->host, "%s", host);
	ex->port = atoi(colon + 1);
	memset(&o, 0, sizeof o);
	o.host = ex->host;
	o.port = ex->port;
	o.minor = 1;
	o.timeout_ms = 10000;
	if ((r = nfsc_connect(&o, &ex->c, err, sizeof err)) != 0) {
		log_warn("tiering: %s %s: %s", what, hp, err);
		return r;
	}
	if ((r = nfsc_session_create(ex->c)) != 0 ||
	    (r = nfsc_lookup_path(ex->c, path, &ex->root, &a)) != 0) {
		log_warn("tiering: %s %s%s: %s", what, hp, path,
		    nfsc_error(ex->c));
		nfsc_destroy(ex->c);
		ex->c = NULL;
		return r != 0 ? r : EFSGW_ERR_SYSTEM;
	}
	ex->io = nfsc_io_size(ex->c);
	if (ex->io == 0 || ex->io > NFSC_IO_SIZE)
		ex->io = NFSC_IO_SIZE;
	return 0;
}

/* Drop the worker's connections (after a failure: reconnect next time). */
static void
tiergw_disconnect(struct tiergw *tg)
{
	size_t i;

	nfsc_destroy(tg->ag.hot.c);
	tg->ag.hot.c = NULL;
	for (i = 0; i < nitems(tg->ag.tier); i++) {
		nfsc_destroy(tg->ag.tier[i].c);
		tg->ag.tier[i].c = NULL;
	}
	tier_registry_close(tg->ag.reg);
	tg->ag.reg = NULL;
	cold_read_cache_clear(&tg->cold);
}

/* Make sure the worker is connected to everything it needs. */
static int
tiergw_ready(struct tiergw *tg)
{
	char hp[300], path[1024], *cause = NULL;
	int r;

	if (tg->ag.reg == NULL &&
	    (r = tier_registry_open(tg->registry, tg->fs_id, &tg->ag.reg,
	    &cause)) != 0) {
		log_warn("tiering: %s: registry: %s", tg->fs_id, cause);
		free(cause);
		return r;
	}
	if (tg->ag.hot.c == NULL && (r = tiergw_connect(&tg->ag.hot, "primary",
	    tg->hot_addr, tg->hot_export)) != 0)
		return r;
	if (tg->ia != NULL && tg->ag.tier[TIER_CLASS_IA].c == NULL) {
		if (tier_target_parse(tg->ia, hp, sizeof hp, path,
		    sizeof path) != 0 || (r = tiergw_connect(
		    &tg->ag.tier[TIER_CLASS_IA], "IA", hp, path)) != 0)
			return EFSGW_ERR_SYSTEM;
	}
	if (tg->archive != NULL && tg->ag.tier[TIER_CLASS_ARCHIVE].c == NULL) {
		if (tier_target_parse(tg->archive, hp, sizeof hp, path,
		    sizeof path) != 0 || (r = tiergw_connect(
		    &tg->ag.tier[TIER_CLASS_ARCHIVE], "Archive", hp, path)) != 0)
			return EFSGW_ERR_SYSTEM;
	}
	return 0;
}

/* Write the access times noted since the last flush (worker). */
static void
tiergw_flush(struct tiergw *tg)
{
	struct tier_rec rec;
	size_t i;
	int r;

	tg->flushed = tier_now();
	for (i = 0; i < tg->nacc; i++) {
		/*
		 * Under the file's lock: a move or recall rewrites the record
		 * meanwhile, and a stale copy put back would undo it.
		 */
		if (agent_lock(&tg->ag, &tg->acc[i].key, 10000) != 1)
			continue;	/* busy: its mover keeps last_access */
		r = tier_registry_get(tg->ag.reg, &tg->acc[i].key, &rec);
		if (r == EFSGW_ERR_NOT_FOUND) {
			memset(&rec, 0, sizeof rec);
			rec.key = tg->acc[i].key;
			rec.state = TIER_HOT;
			r = 0;
		}
		if (r == 0 && rec.last_access < tg->acc[i].when) {
			rec.last_access = tg->acc[i].when;
			rec.updated = tier_now();
			r = tier_registry_put(tg->ag.reg, &rec);
		}
		tier_registry_unlock(tg->ag.reg, &tg->acc[i].key, tg->ag.owner);
		if (r != 0)
			break;
	}
	tg->nacc = 0;
}

/* Note a data access (worker). */
static void
tiergw_note_access(struct tiergw *tg, const struct tier_key *k)
{
	size_t i;
	int64_t now = tier_now();

	for (i = 0; i < tg->nacc; i++) {
		if (memcmp(&tg->acc[i].key, k, sizeof *k) == 0) {
			tg->acc[i].when = now;
			return;
		}
	}
	if (tg->nacc == TIERGW_ACCESS_MAX)
		tiergw_flush(tg);
	tg->acc[tg->nacc].key = *k;
	tg->acc[tg->nacc].when = now;
	tg->nacc++;
}

/*
 * Serve the job's READ from the cold copy of rec (worker): 0 and
 * job->data, or a negative code after which the file is recalled instead.
 * Only a file released and untouched since is served: its hot copy must
 * still be the one the release left (change attribute and size), so the
 * copy's bytes are the file's.
 */
static int
tiergw_serve(struct tiergw *tg, struct tiergw_job *job,
    const struct tier_rec *rec, const struct nfsc_attr *a)
{
	char ks[80];
	uint32_t count = job->rd.count, n;
	int r;

	if ((rec->flags & (TIER_REC_RECALLING | TIER_REC_RELEASING)) ||
	    a->change != rec->change || a->size != rec->size)
		return EFSGW_ERR_MISMATCH;
	if (count > tg->serve_max)
		count = tg->serve_max;
	job->data = xmalloc(count > 0 ? count : 1);
	r = cold_read(&tg->ag, rec, job->rd.off, count, job->data, &n,
	    &tg->cold);
	if (r != 0) {
		free(job->data);
		job->data = NULL;
		cold_read_cache_clear(&tg->cold);
		/* Once a minute at most: each READ of the file would log. */
		if (tier_now() - tg->serve_logged >= 60) {
			tg->serve_logged = tier_now();
			log_warn("tiering: %s: %s: cannot serve a read from its "
			    "%s copy %s (%s); recalling it", tg->fs_id,
			    tier_key_string(&rec->key, ks, sizeof ks),
			    tier_state_name(rec->state), rec->location,
			    r > 0 ? nfsc_stat_name((uint32_t)r) : efsgw_err(r));
		}
		return r < 0 ? r : EFSGW_ERR_SYSTEM;
	}
	job->len = n;
	return 0;
}

/* Check one handle, recalling its file if it is cold (worker). */
static void
tiergw_run(struct tiergw *tg, struct tiergw_job *job)
{
	struct nfsc_fh fh;
	struct nfsc_attr a;
	struct tier_rec rec;
	struct tier_key k;
	int r, tries;

	job->status = TIERGW_NFS4ERR_DELAY;
	if (tiergw_ready(tg) != 0) {
		tiergw_disconnect(tg);
		return;
	}
	memcpy(fh.data, job->fh, job->fhlen);
	fh.len = job->fhlen;
	if ((r = agent_getattr(&tg->ag.hot, &fh, &a)) != 0) {
		if (r < 0)
			tiergw_disconnect(tg);
		else
			job->status = 0;	/* the server will say it itself */
		return;
	}
	k.fsid_major = a.fsid_major;
	k.fsid_minor = a.fsid_minor;
	k.fileid = a.fileid;
	if (a.type == NFSC_NF4REG)
		tiergw_note_access(tg, &k);
	/* Another gateway or the agent may hold the file's lock: retry a bit. */
	for (tries = 0; tries < 50; tries++) {
		r = tier_registry_get(tg->ag.reg, &k, &rec);
		if (r == EFSGW_ERR_NOT_FOUND || (r == 0 && (rec.state == TIER_HOT ||
		    rec.state == TIER_MOVING))) {
			/* Hot, or moving (its hot data is still whole). */
			job->status = 0;
			return;
		}
		if (r != 0) {
			log_warn("tiering: %s: registry: %s", tg->fs_id,
			    tier_registry_error(tg->ag.reg));
			tiergw_disconnect(tg);
			return;
		}
		if (rec.flags & TIER_REC_RELEASING) {
			/* The agent is between its checks and the release. */
			usleep(100000);
			continue;
		}
		if (job->is_read && tg->serve_reads &&
		    tiergw_serve(tg, job, &rec, &a) == 0) {
			job->status = 0;	/* the file stays cold */
			return;
		}
		r = agent_recall(&tg->ag, &rec);
		if (r < 0 && r != EFSGW_ERR_NOT_FOUND) {
			log_warn("tiering: %s: recall of %llu failed: %s",
			    tg->fs_id, (unsigned long long)k.fileid,
			    efsgw_err(r));
			tiergw_disconnect(tg);
			return;
		}
		if (r > 0) {
			log_warn("tiering: %s: recall of %llu failed: %s",
			    tg->fs_id, (unsigned long long)k.fileid,
			    nfsc_stat_name((uint32_t)r));
			tiergw_disconnect(tg);
			return;
		}
		if (tier_registry_get(tg->ag.reg, &k, &rec) == 0 &&
		    rec.state == TIER_HOT) {
			job->recalled = 1;
			job->status = 0;
			return;
		}
		usleep(100000);	/* locked by someone else: wait for them */
	}
	log_warn("tiering: %s: %llu is locked by another worker (efsgw-tier, "
	    "or another gateway); answering NFS4ERR_DELAY", tg->fs_id,
	    (unsigned long long)k.fileid);
}

/*
 * Read the usage record of the agent's last walk (worker). Only when the
 * loop asks, which it does once the gateway runs as its user: a journal
 * opened before would be created as root.
 */
static void
tiergw_usage_read(struct tiergw *tg)
{
	struct tier_usage u;
	char *cause = NULL;
	int r;

	if (tg->ag.reg == NULL && tier_registry_open(tg->registry, tg->fs_id,
	    &tg->ag.reg, &cause) != 0) {
		log_warn("tiering: %s: registry: %s", tg->fs_id, cause);
		free(cause);
		return;
	}
	if ((r = tier_registry_get_usage(tg->ag.reg, &u)) == 0) {
		pthread_mutex_lock(&tg->mu);
		tg->usage = u;
		tg->usage_gen++;
		pthread_mutex_unlock(&tg->mu);
	} else if (r != EFSGW_ERR_NOT_FOUND) {
		log_warn("tiering: %s: StorageBytes: %s", tg->fs_id,
		    tier_registry_error(tg->ag.reg));
		tier_registry_close(tg->ag.reg);
		tg->ag.reg = NULL;
	}
}

/* The worker thread. */
static void *
tiergw_main(void *arg)
{
	struct tiergw *tg = arg;
	struct tiergw_job *job;
	struct timespec ts;
	char c = 1;

	pthread_mutex_lock(&tg->mu);
	for (;;) {
		while (!tg->quit && TAILQ_EMPTY(&tg->todo)) {
			if (tg->usage_want) {
				tg->usage_want = 0;
				pthread_mutex_unlock(&tg->mu);
				tiergw_usage_read(tg);
				pthread_mutex_lock(&tg->mu);
				continue;
			}
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&tg->cv, &tg->mu, &ts);
			if (tg->nacc > 0 && tier_now() - tg->flushed >=
			    TIERGW_FLUSH_SEC && tg->ag.reg != NULL) {
				pthread_mutex_unlock(&tg->mu);
				tiergw_flush(tg);
				pthread_mutex_lock(&tg->mu);
			}
		}
		if (tg->quit)
			break;
		job = TAILQ_FIRST(&tg->todo);
		TAILQ_REMOVE(&tg->todo, job, qentry);
		pthread_mutex_unlock(&tg->mu);
		tiergw_run(tg, job);
		pthread_mutex_lock(&tg->mu);
		TAILQ_INSERT_TAIL(&tg->done, job, qentry);
		if (write(tg->pipe[1], &c, 1) < 0 && errno != EAGAIN)
			log_warn("tiering: wake-up pipe: %s", strerror(errno));
	}
	pthread_mutex_unlock(&tg->mu);
	if (tg->ag.reg != NULL && tg->nacc > 0)
		tiergw_flush(tg);
	tiergw_disconnect(tg);
	return NULL;
}

/* Jobs finished: answer their waiters (loop). */
static void
tiergw_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tiergw *tg = arg;
	struct tiergw_job *job;
	struct tiergw_wait *w;
	char buf[64];

	while (read(fd, buf, sizeof buf) > 0)
		;
	for (;;) {
		pthread_mutex_lock(&tg->mu);
		if ((job = TAILQ_FIRST(&tg->done)) != NULL)
			TAILQ_REMOVE(&tg->done, job, qentry);
		pthread_mutex_unlock(&tg->mu);
		if (job == NULL)
			break;
		TAILQ_REMOVE(&tg->pending, job, entry);
		if (job->recalled)
			tg->recalls++;
		if (job->status != 0)
			tg->failures++;
		if (job->data != NULL) {
			tg->served++;
			tg->served_bytes += job->len;
		}
		/* A READ's job has its one waiter, which takes the data. */
		while ((w = TAILQ_FIRST(&job->waits)) != NULL) {
			TAILQ_REMOVE(&job->waits, w, entry);
			w->cb(w->arg, job->status, job->data, job->len);
			job->data = NULL;
			free(w);
		}
		free(job->data);
		free(job);
	}
}

/*
 * Where this process's abstract socket names live: the machine's boot
 * (the first group of its boot id) and the network namespace, as
 * "BOOT.NETNS" into buf; -1 when either cannot be read.
 */
static int
tiergw_scope(char *buf, size_t len)
{
	char boot[64], ns[64];
	unsigned long long ino;
	ssize_t n;
	FILE *f;

	if ((f = fopen("/proc/sys/kernel/random/boot_id", "r")) == NULL)
		return -1;
	if (fgets(boot, sizeof boot, f) == NULL)
		boot[0] = '\0';
	fclose(f);
	boot[strcspn(boot, "-\n")] = '\0';
	if (boot[0] == '\0' ||
	    (n = readlink("/proc/self/ns/net", ns, sizeof ns - 1)) <= 0)
		return -1;
	ns[n] = '\0';
	if (sscanf(ns, "net:[%llu]", &ino) != 1)
		return -1;
	snprintf(buf, len, "%.16s.%llu", boot, ino);
	return 0;
}

/*
 * The name the recall thread takes file locks under. A gateway killed in
 * the middle of a recall leaves the file's lock in the registry for 15
 * minutes; were the name made of the pid, the next gateway could not
 * recall that file before then, and its clients would get NFS4ERR_DELAY
 * all along. So the name is that of a slot: the lowest n for which this
 * process binds the abstract socket "efsgw-tier:FS:n", which it holds
 * until it exits, however it dies (abstract names need no file and no
 * privilege), with the host name, the machine's boot and the network
 * namespace those names live in, so that the name is this process's
 * alone among the live ones everywhere. Two live gateways of one file
 * system on one host get two slots, hence two names; a restarted one
 * gets the slot its predecessor had, and with it the locks left under
 * that name (agent_lock). Without a slot the name is the pid's, and
 * nothing is taken over.
 */
static void
tiergw_owner(struct tiergw *tg)
{
	struct sockaddr_un sun;
	char host[256], scope[40];
	socklen_t len;
	int fd, n, k;

	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "gateway");
	host[sizeof host - 1] = '\0';
	tg->slot_fd = -1;
	/* Without the scope, names could repeat elsewhere: no slot. */
	n = tiergw_scope(scope, sizeof scope) == 0 ? 0 : TIERGW_SLOTS;
	for (; n < TIERGW_SLOTS; n++) {
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		k = snprintf(sun.sun_path + 1, sizeof sun.sun_path - 1,
		    "efsgw-tier:%s:%d", tg->fs_id, n);
		if (k < 0 || (size_t)k >= sizeof sun.sun_path - 1)
			break;
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
			break;
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
		    (size_t)k);
		if (bind(fd, (struct sockaddr *)&sun, len) == 0) {
			tg->slot_fd = fd;
			tg->ag.take_over = 1;
			snprintf(tg->ag.owner, sizeof tg->ag.owner,
			    "efsgw.%.40s.%s.%.24s.%d", host, scope, tg->fs_id, n);
			return;
		}
		close(fd);
		if (errno != EADDRINUSE)
			break;
	}
	log_warn("tiering: %s: no lock name slot: the locks of a gateway "
	    "killed in a recall will not be taken over", tg->fs_id);
	snprintf(tg->ag.owner, sizeof tg->ag.owner, "efsgw.%.64s.%ld", host,
	    (long)getpid());
}

/*
 * Start the worker with the first check, not with the gateway: by then
 * the process has dropped its privileges and gone to the background
 * (daemon(3) forks, and a thread started before does not follow).
 */
static void
tiergw_start(struct tiergw *tg)
{
	if (tg->started)
		return;
	tiergw_owner(tg);
	if (pthread_create(&tg->thread, NULL, tiergw_main, tg) != 0)
		fatalx("tiering: cannot start the recall thread");
	tg->started = 1;
}

/* Start the recall service of a file system. */
struct tiergw *
tiergw_new(struct event_base *base, const char *fs_id, const char *backend,
    const char *export, const char *ia, const char *archive,
    const char *registry, int zstd, int serve_reads)
{
	struct tiergw *tg = xcalloc(1, sizeof *tg);
	const char *e;
	unsigned long v;

	tg->fs_id = xstrdup(fs_id);
	tg->base = base;
	tg->hot_addr = xstrdup(backend);
	tg->hot_export = xstrdup(export);
	tg->ia = ia != NULL ? xstrdup(ia) : NULL;
	tg->archive = archive != NULL ? xstrdup(archive) : NULL;
	tg->registry = xstrdup(registry);
	tg->serve_reads = serve_reads;
	/*
	 * Tests lower it (EFSGW_TIER_TEST_SERVE_MAX) to see a server's longer
	 * answer become a short read rather than zeros.
	 */
	tg->serve_max = TIERGW_READ_MAX;
	if ((e = getenv("EFSGW_TIER_TEST_SERVE_MAX")) != NULL &&
	    (v = strtoul(e, NULL, 10)) >= 1 && v <= TIERGW_READ_MAX)
		tg->serve_max = (uint32_t)v;
	TAILQ_INIT(&tg->pending);
	TAILQ_INIT(&tg->todo);
	TAILQ_INIT(&tg->done);
	tg->ag.fs_id = tg->fs_id;
	tg->ag.zstd = zstd;
	agent_test_hooks(&tg->ag);	/* a recall's steps (docs/tiering.md) */
	tg->slot_fd = -1;
	if (pipe2(tg->pipe, O_NONBLOCK | O_CLOEXEC) != 0)
		fatal("pipe");
	pthread_mutex_init(&tg->mu, NULL);
	pthread_cond_init(&tg->cv, NULL);
	tg->ev = event_new(base, tg->pipe[0], EV_READ | EV_PERSIST,
	    tiergw_done_cb, tg);
	if (tg->ev == NULL || event_add(tg->ev, NULL) != 0)
		fatalx("tiering: event");
	return tg;
}

/* Stop the worker and free everything (waiters are dropped). */
void
tiergw_free(struct tiergw *tg)
{
	struct tiergw_job *job;
	struct tiergw_wait *w;

	if (tg == NULL)
		return;
	pthread_mutex_lock(&tg->mu);
	tg->quit = 1;
	pthread_cond_signal(&tg->cv);
	pthread_mutex_unlock(&tg->mu);
	if (tg->started)
		pthread_join(tg->thread, NULL);
	while ((job = TAILQ_FIRST(&tg->pending)) != NULL) {
		TAILQ_REMOVE(&tg->pending, job, entry);
		while ((w = TAILQ_FIRST(&job->waits)) != NULL) {
			TAILQ_REMOVE(&job->waits, w, entry);
			free(w);
		}
		free(job->data);
		free(job);
	}
	event_free(tg->ev);
	close(tg->pipe[0]);
	close(tg->pipe[1]);
	if (tg->slot_fd != -1)
		close(tg->slot_fd);
	pthread_mutex_destroy(&tg->mu);
	pthread_cond_destroy(&tg->cv);
	free(tg->fs_id);
	free(tg->hot_addr);
	free(tg->hot_export);
	free(tg->ia);
	free(tg->archive);
	free(tg->registry);
	free(tg);
}

/* Ask about a handle; cb(arg, status) later, on the loop. */
struct tiergw_wait *
tiergw_check(struct tiergw *tg, const uint8_t *fh, size_t len,
    const struct tiergw_read *rd, tiergw_cb cb, void *arg)
{
	struct tiergw_job *job = NULL;
	struct tiergw_wait *w;

	if (len > TIER_FH_MAX)
		return NULL;
	tiergw_start(tg);
	tg->checks++;
	/* A READ that may be served has its own range: its own job. */
	if (rd == NULL || !tg->serve_reads) {
		TAILQ_FOREACH(job, &tg->pending, entry) {
			if (!job->is_read && job->fhlen == len &&
			    memcmp(job->fh, fh, len) == 0)
				break;
		}
	}
	if (job == NULL) {
		job = xcalloc(1, sizeof *job);
		memcpy(job->fh, fh, len);
		job->fhlen = (uint32_t)len;
		if (rd != NULL && tg->serve_reads) {
			job->is_read = 1;
			job->rd = *rd;
		}
		TAILQ_INIT(&job->waits);
		TAILQ_INSERT_TAIL(&tg->pending, job, entry);
		pthread_mutex_lock(&tg->mu);
		TAILQ_INSERT_TAIL(&tg->todo, job, qentry);
		pthread_cond_signal(&tg->cv);
		pthread_mutex_unlock(&tg->mu);
	}
	w = xcalloc(1, sizeof *w);
	w->job = job;
	w->cb = cb;
	w->arg = arg;
	TAILQ_INSERT_TAIL(&job->waits, w, entry);
	return w;
}

/* Forget a waiter (its connection closed). */
void
tiergw_cancel(struct tiergw_wait *w)
{
	if (w == NULL)
		return;
	TAILQ_REMOVE(&w->job->waits, w, entry);
	free(w);
}

/* Ask the worker to read the agent's StorageBytes (loop). */
void
tiergw_storage_refresh(struct tiergw *tg)
{
	tiergw_start(tg);	/* from the loop's timer: after daemon(3) */
	pthread_mutex_lock(&tg->mu);
	tg->usage_want = 1;
	pthread_cond_signal(&tg->cv);
	pthread_mutex_unlock(&tg->mu);
}

/* The last StorageBytes read and its reading number (loop). */
int
tiergw_storage(struct tiergw *tg, struct tier_usage *u, uint64_t *gen)
{
	int r = EFSGW_ERR_NOT_FOUND;

	pthread_mutex_lock(&tg->mu);
	if (tg->usage_gen != 0) {
		*u = tg->usage;
		*gen = tg->usage_gen;
		r = 0;
	}
	pthread_mutex_unlock(&tg->mu);
	return r;
}

/* Append Prometheus lines. */
void
tiergw_metrics(struct tiergw *tg, char *buf, size_t len)
{
	snprintf(buf, len,
	    "efsgw_tier_checks_total{fs=\"%s\"} %llu\n"
	    "efsgw_tier_recalls_total{fs=\"%s\"} %llu\n"
	    "efsgw_tier_recall_failures_total{fs=\"%s\"} %llu\n"
	    "efsgw_tier_served_reads_total{fs=\"%s\"} %llu\n"
	    "efsgw_tier_served_bytes_total{fs=\"%s\"} %llu\n",
	    tg->fs_id, (unsigned long long)tg->checks, tg->fs_id,
	    (unsigned long long)tg->recalls, tg->fs_id,
	    (unsigned long long)tg->failures, tg->fs_id,
	    (unsigned long long)tg->served, tg->fs_id,
	    (unsigned long long)tg->served_bytes);
}
