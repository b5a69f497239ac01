/*
 * efsgw - the gateway daemon's entry point: options, config, logging,
 * signals (SIGTERM drains, SIGHUP reloads), the event loop.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "bev-read.h"
#include "proxy.h"

#define EFSGW_DEFAULT_CONFIG	"/etc/efsgw/efsgw.conf"

struct efsgw_main {
	struct event_base	*base;
	struct gateway		*gw;
	const char		*config_path;
	unsigned		 reload_fails;
	time_t			 policy_mtime;
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: efsgw [-fdtT] [-c FILE]\n"
"\n"
"efsgw is an NFSv4 gateway in the style of Amazon EFS mount targets: NFSv4.0,\n"
"4.1 and 4.2 clients mount it, and it forwards every call, parsed and checked,\n"
"to the NFS server that holds the file system's export.\n"
"\n"
"options:\n"
"  -c, --config FILE     configuration file (default " EFSGW_DEFAULT_CONFIG ")\n"
"  -f, --foreground      stay in the foreground and log to stderr\n"
"  -d, --debug           foreground with debug logging (overrides log-level)\n"
"  -t, --check-config    check the configuration, report any error, and exit\n"
"  -T, --print-config    print the effective configuration and exit\n"
"      --help-config     list every configuration keyword with its range\n"
"  -V, --version         print the version and exit\n"
"  -h, --help            print this help and exit\n"
"\n"
"signals:\n"
"  SIGHUP    reload the configuration; on any error the old one stays\n"
"  SIGTERM   stop accepting, let calls in flight finish (drain-timeout), exit\n"
"  SIGINT    same as SIGTERM\n"
"\n"
"exit status: 0 on a clean stop or a valid check, 1 on errors.\n");
}

/* SIGHUP: load, check and swap in a new config generation. */
static void
efsgw_sighup(evutil_socket_t sig, short what, void *arg)
{
	struct efsgw_main *em = arg;
	struct config *conf;
	char *cause;

	if (config_load(em->config_path, &conf, &cause) != 0) {
		em->reload_fails++;
		log_error("reload failed, keeping the running configuration "
		    "(%u failures): %s", em->reload_fails, cause);
		audit_event(gateway_audit(em->gw), "reload", "config",
		    em->config_path, "result", "failed", "reason", cause,
		    (char *)NULL);
		free(cause);
		return;
	}
	gateway_reload(em->gw, conf);
}

/* The newest modification time of the policy files of conf. */
static time_t
efsgw_policy_mtime(const struct config *conf)
{
	const struct config_fs *fs;
	struct stat st;
	time_t newest = 0;

	TAILQ_FOREACH(fs, &conf->filesystems, entry) {
		if (fs->policy_path != NULL && stat(fs->policy_path, &st) == 0 &&
		    st.st_mtime > newest)
			newest = st.st_mtime;
	}
	return newest;
}

/*
 * Every two seconds: a policy file that changed is reloaded as SIGHUP
 * would, so that "put-file-system-policy" is one file write away.
 */
static void
efsgw_policy_watch(evutil_socket_t fd, short what, void *arg)
{
	struct efsgw_main *em = arg;
	time_t m = efsgw_policy_mtime(gateway_config(em->gw));

	if (m != em->policy_mtime) {
		log_info("a policy file changed; reloading");
		em->policy_mtime = m;
		efsgw_sighup(SIGHUP, 0, em);
		em->policy_mtime = efsgw_policy_mtime(gateway_config(em->gw));
	}
}

/* SIGTERM / SIGINT: drain and stop. */
static void
efsgw_sigterm(evutil_socket_t sig, short what, void *arg)
{
	struct efsgw_main *em = arg;

	log_info("signal %d: stopping", (int)sig);
	gateway_drain(em->gw);
}

/* Allow as many descriptors as the hard limit: two per client. */
static void
efsgw_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		log_warn("cannot raise the descriptor limit: %s", strerror(errno));
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "check-config", no_argument, NULL, 't' },
		{ "print-config", no_argument, NULL, 'T' },
		{ "help-config", no_argument, NULL, 'H' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct efsgw_main em;
	struct config *conf;
	struct event *ev_hup, *ev_term, *ev_int, *ev_watch;
	struct timeval watch_tv = { 2, 0 };
	char *cause;
	int ch, foreground = 0, debug = 0, check = 0, print = 0;

	memset(&em, 0, sizeof em);
	em.config_path = EFSGW_DEFAULT_CONFIG;
	while ((ch = getopt_long(argc, argv, "c:fdtTVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			em.config_path = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'd':
			foreground = debug = 1;
			break;
		case 't':
			check = 1;
			break;
		case 'T':
			print = 1;
			break;
		case 'H':
			config_print_help(stdout);
			return 0;
		case 'V':
			printf("efsgw %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "efsgw: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 1;
	}

	log_init("efsgw", 0, (check || print) ? LOG_LEVEL_WARN : LOG_LEVEL_INFO);
	if (config_load_flags(em.config_path, (check || print) ? 0 :
	    CONFIG_LOAD_CREATE, &conf, &cause) != 0) {
		fprintf(stderr, "efsgw: %s\n", cause);
		free(cause);
		return 1;
	}
	if (check || print) {
		if (print)
			config_print(conf, stdout);
		else
			fprintf(stderr, "efsgw: %s: configuration OK\n",
			    em.config_path);
		config_release(conf);
		return 0;
	}

	log_init("efsgw", !foreground, debug ? LOG_LEVEL_DEBUG :
	    (enum log_level)conf->log_level);
	/* A proxy writes to peers that may have gone: EPIPE, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	efsgw_raise_nofile();
	bev_read_tune_malloc();

	if (!foreground && daemon(0, 0) != 0)
		fatal("daemon");
	if ((em.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	em.gw = gateway_new(em.base, conf);
	if (gateway_set_nofile(em.gw, &cause) != 0)
		fatalx("%s", cause);
	if (gateway_listen(em.gw, &cause) != 0)
		fatalx("%s", cause);

	ev_hup = evsignal_new(em.base, SIGHUP, efsgw_sighup, &em);
	ev_term = evsignal_new(em.base, SIGTERM, efsgw_sigterm, &em);
	ev_int = evsignal_new(em.base, SIGINT, efsgw_sigterm, &em);
	if (ev_hup == NULL || ev_term == NULL || ev_int == NULL)
		fatalx("evsignal_new");
	evsignal_add(ev_hup, NULL);
	evsignal_add(ev_term, NULL);
	evsignal_add(ev_int, NULL);
	em.policy_mtime = efsgw_policy_mtime(conf);
	if ((ev_watch = event_new(em.base, -1, EV_PERSIST, efsgw_policy_watch,
	    &em)) == NULL)
		fatalx("event_new");
	event_add(ev_watch, &watch_tv);

	log_info("efsgw %s started (pid %ld, config %s)", PACKAGE_VERSION,
	    (long)getpid(), em.config_path);
	event_base_dispatch(em.base);
	log_info("efsgw stopped");

	event_free(ev_hup);
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_watch);
	gateway_free(em.gw);
	event_base_free(em.base);
	return 0;
}
