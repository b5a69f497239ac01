/*
 * efsgw - efsgw-tier: the lifecycle agent of one file system. It reads
 * the gateway's config (lifecycle, tier-ia, tier-archive, tier-registry),
 * recovers interrupted moves, then walks the export and moves files past
 * their transition age, once (--once) or every --interval seconds. It
 * needs no privilege: it is an NFS client of the primary and tier
 * exports (AUTH_SYS uid 0, as the gateway's own calls are).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/socket.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "common.h"
#include "proxy.h"
#include "agent.h"

volatile sig_atomic_t agent_quit;

/* SIGTERM/SIGINT: stop between files. */
static void
tier_sig(int sig)
{
	agent_quit = 1;
}

static const char usage_text[] =
"usage: efsgw-tier [-d] [-c config] [-f fs-id] [--once] [--interval seconds]\n"
"                  [--bwlimit MiB/s] [--metrics file] [--now seconds]\n"
"                  [--worker name] [--recall-all] [--list] [-u user]\n"
"       efsgw-tier --help | -V\n"
"\n"
"Moves the data of files not read or written for their lifecycle's age to\n"
"the file system's infrequent-access and archive NFS exports, leaving each\n"
"file in place with its size, owner, mode and mtime (docs/tiering.md).\n"
"\n"
"  -c config         the gateway's configuration (/etc/efsgw/efsgw.conf)\n"
"  -f fs-id          the file system to tier (needed when the\n"
"                    configuration serves several)\n"
"  -d                debug logging\n"
"  -u user           run as this user after reading the configuration\n"
"                    (it needs no privilege)\n"
"  --once            one pass, then exit (a progress line on a terminal)\n"
"  --interval secs   seconds between passes when not --once (3600)\n"
"  --bwlimit MiB/s   bandwidth budget of the moves (its own token bucket)\n"
"  --metrics file    write StorageBytes and move counters (Prometheus\n"
"                    text) to this file after each pass\n"
"  --now seconds     take this Unix time as now (tests: ages in seconds)\n"
"  --worker name     name of this worker when several split the walk\n"
"                    through Redis (default: the host name)\n"
"  --recall-all      bring every cold file back to Standard\n"
"  --list            print the registry's records and the last walk's\n"
"                    StorageBytes (a \"usage\" line), then exit\n"
"  -V, --version     print the version and exit\n"
"  -h, --help        print this help and exit\n"
"\n"
"Exit status: 0 done, 1 a pass had errors (or a fatal error), 2 usage error.\n";

/* Print usage to stderr and exit 2 (a usage error). */
static void __attribute__((noreturn))
usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

/* Connect to host:port and find path. */
static int
tier_connect(struct agent_export *ex, const char *what,
    const struct sockaddr *sa, socklen_t salen, const char *path)
{
	struct nfsc_opts o;
	struct nfsc_attr a;
	char serv[16], err[256];
	int r;

	snprintf(ex->name, sizeof ex->name, "%s", what);
	if (getnameinfo(sa, salen, ex->host, sizeof ex->host, serv, sizeof serv,
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return EFSGW_ERR_BAD_VALUE;
	ex->port = atoi(serv);
	snprintf(ex->path, sizeof ex->path, "%s", path);
	memset(&o, 0, sizeof o);
	o.host = ex->host;
	o.port = ex->port;
	o.minor = 1;
	o.timeout_ms = 30000;
	if ((r = nfsc_connect(&o, &ex->c, err, sizeof err)) != 0) {
		log_error("%s export %s:%d: %s", what, ex->host, ex->port, err);
		return r;
	}
	if ((r = nfsc_session_create(ex->c)) != 0 ||
	    (r = nfsc_lookup_path(ex->c, path, &ex->root, &a)) != 0) {
		log_error("%s export %s:%d%s: %s", what, ex->host, ex->port,
		    path, nfsc_error(ex->c));
		nfsc_destroy(ex->c);
		ex->c = NULL;
		return r != 0 ? r : EFSGW_ERR_SYSTEM;
	}
	ex->io = nfsc_io_size(ex->c);
	if (ex->io == 0 || ex->io > NFSC_IO_SIZE)
		ex->io = NFSC_IO_SIZE;
	log_debug("%s export %s:%d%s: io %u", what, ex->host, ex->port, path,
	    ex->io);
	return 0;
}

/* Connect to a tier location "HOST:PORT:/export". */
static int
tier_connect_target(struct agent_export *ex, const char *what,
    const char *target)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char hp[300], path[1024], *cause = NULL;
	int r;

	if ((r = tier_target_parse(target, hp, sizeof hp, path,
	    sizeof path)) != 0 || (r = addr_parse(hp, 0, &ss, &sl, &cause)) != 0) {
		log_error("%s tier %s: %s", what, target, cause != NULL ? cause :
		    "not HOST:PORT:/export");
		free(cause);
		return r;
	}
	return tier_connect(ex, what, (struct sockaddr *)&ss, sl, path);
}

/* Print one record (--list). */
static int
tier_list_cb(const struct tier_rec *rec, void *arg)
{
	char ks[80];
	int i;

	printf("%s %s%s %s size=%llu stored=%llu mtime=%lld last_access=%lld "
	    "sha256=", tier_key_string(&rec->key, ks, sizeof ks),
	    tier_state_name(rec->state), (rec->flags & TIER_REC_RELEASING) ?
	    "(releasing)" : (rec->flags & TIER_REC_RECALLING) ? "(recalling)" :
	    "", rec->location[0] != '\0' ? rec->location : "-",
	    (unsigned long long)rec->size, (unsigned long long)rec->stored,
	    (long long)rec->mtime_sec, (long long)rec->last_access);
	for (i = 0; i < TIER_SUM_LEN; i++)
		printf("%02x", rec->sum[i]);
	printf("\n");
	return 0;
}

/* Drop to user (and its groups). */
static void
tier_drop(const char *user)
{
	struct passwd *pw;

	if ((pw = getpwnam(user)) == NULL)
		fatalx("unknown user %s", user);
	if (setgroups(1, &pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
		fatal("cannot become %s", user);
}

/* Load the config, recover, walk (once or every interval). */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "interval", required_argument, NULL, 'i' },
		{ "bwlimit", required_argument, NULL, 'b' },
		{ "metrics", required_argument, NULL, 'm' },
		{ "now", required_argument, NULL, 'n' },
		{ "worker", required_argument, NULL, 'w' },
		{ "recall-all", no_argument, NULL, 'R' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *confpath = "/etc/efsgw/efsgw.conf", *fs_id = NULL;
	const char *user = NULL, *worker = NULL;
	struct config *conf = NULL;
	struct config_fs *fs;
	struct agent ag;
	struct sigaction sa;
	char *cause = NULL, host[64], *end;
	unsigned long interval = 3600, i;
	double mib;
	int ch, once = 0, debug = 0, recall_all = 0, list = 0, r, rc = 0;

	memset(&ag, 0, sizeof ag);
	while ((ch = getopt_long(argc, argv, "c:df:hu:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("efsgw-tier %s\n", PACKAGE_VERSION);
			return 0;
		case 'c':
			confpath = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'f':
			fs_id = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'o':
			once = 1;
			break;
		case 'i':
			errno = 0;
			interval = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || interval == 0 ||
			    interval > 86400 * 7)
				usage();
			break;
		case 'b':
			errno = 0;
			mib = strtod(optarg, &end);
			if (errno != 0 || *end != '\0' || mib < 0 || mib > 1e6)
				usage();
			ag.rate = (uint64_t)(mib * 1048576.0);
			break;
		case 'm':
			ag.metrics_path = optarg;
			break;
		case 'n':
			if (setenv("EFSGW_TIER_NOW", optarg, 1) != 0)
				fatal("setenv");
			break;
		case 'w':
			worker = optarg;
			break;
		case 'R':
			recall_all = 1;
			break;
		case 'l':
			list = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_init("efsgw-tier", 0, debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = tier_sig;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if ((r = config_load_flags(confpath, CONFIG_LOAD_TIERING, &conf,
	    &cause)) != 0)
		fatalx("%s", cause != NULL ? cause : efsgw_err(r));
	if (fs_id == NULL) {
		fs = TAILQ_FIRST(&conf->filesystems);
		if (TAILQ_NEXT(fs, entry) != NULL)
			fatalx("several file systems in %s: name one with -f",
			    confpath);
	} else if ((fs = config_find_fs(conf, fs_id)) == NULL)
		fatalx("no file system %s in %s", fs_id, confpath);
	if (fs->lifecycle == NULL)
		fatalx("%s has no lifecycle configuration (lifecycle none)",
		    fs->id);
	if (user != NULL)
		tier_drop(user);
	else if (geteuid() == 0)
		log_warn("running as root; efsgw-tier needs no privilege "
		    "(-u USER drops it)");
	ag.fs_id = fs->id;
	ag.lc = *fs->lifecycle;
	ag.zstd = fs->tier_archive_zstd;
	ag.day = tier_day_seconds();
	ag.progress = isatty(STDERR_FILENO);
	agent_test_hooks(&ag);
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	snprintf(ag.owner, sizeof ag.owner, "%s.%ld", worker != NULL ? worker :
	    host, (long)getpid());

	if ((r = tier_registry_open(fs->tier_registry, fs->id, &ag.reg,
	    &cause)) != 0)
		fatalx("registry: %s", cause);
	if (list) {
		struct tier_usage u;

		r = tier_registry_foreach(ag.reg, tier_list_cb, NULL);
		/* Then StorageBytes of the last complete walk, if any. */
		if (r == 0 && tier_registry_get_usage(ag.reg, &u) == 0)
			printf("usage Standard=%llu IA=%llu Archive=%llu "
			    "measured=%lld\n", (unsigned long long)u.standard,
			    (unsigned long long)u.ia,
			    (unsigned long long)u.archive, (long long)u.measured);
		tier_registry_close(ag.reg);
		config_release(conf);
		return r == 0 ? 0 : 1;
	}
	if (tier_connect(&ag.hot, "primary", (struct sockaddr *)&fs->backend_addr,
	    fs->backend_addrlen, fs->export) != 0)
		fatalx("cannot reach the primary export");
	if (fs->tier_ia != NULL && tier_connect_target(&ag.tier[TIER_CLASS_IA],
	    "IA", fs->tier_ia) != 0)
		fatalx("cannot reach the IA tier");
	if (fs->tier_archive != NULL &&
	    tier_connect_target(&ag.tier[TIER_CLASS_ARCHIVE], "Archive",
	    fs->tier_archive) != 0)
		fatalx("cannot reach the Archive tier");
	log_info("%s: lifecycle IA after %u days, Archive after %u days, "
	    "min size %llu bytes, day %u s, worker %s", fs->id, ag.lc.ia_days,
	    ag.lc.archive_days, (unsigned long long)ag.lc.min_size, ag.day,
	    ag.owner);

	for (;;) {
		if (agent_recover(&ag) != 0)
			rc = 1;
		if (agent_walk(&ag, recall_all) != 0)
			rc = 1;
		if (once || agent_quit)
			break;
		for (i = 0; i < interval && !agent_quit; i++)
			sleep(1);
		if (agent_quit)
			break;
	}
	if (ag.st.errors != 0)
		rc = 1;
	for (i = 0; i < nitems(ag.tier); i++)
		nfsc_destroy(ag.tier[i].c);
	nfsc_destroy(ag.hot.c);
	tier_registry_close(ag.reg);
	config_release(conf);
	return rc;
}
