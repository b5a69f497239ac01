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
#include "notify.h"
#include "proxy.h"

#define EFSGW_DEFAULT_CONFIG	"/etc/efsgw/efsgw.conf"

struct efsgw_main {
	struct event_base	*base;
	struct gateway		*gw;
	const char		*config_path;
	unsigned		 reload_fails;
	uint8_t			 policy_digest[POLICY_WATCH_DIGEST_LEN];
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
"exit status: 0 on a clean stop or a valid check, 1 on errors (a start\n"
"that fails, in the background too, says why on standard error), 2 on\n"
"usage errors.\n");
}

/* SIGHUP: load, check and swap in a new config generation. */
static void
efsgw_sighup(evutil_socket_t sig, short what, void *arg)
{
	struct efsgw_main *em = arg;
	struct config *conf;
	char *cause;

	notify_reloading();
	if (config_load(em->config_path, &conf, &cause) != 0) {
		em->reload_fails++;
		log_error("reload failed, keeping the running configuration "
		    "(%u failures): %s", em->reload_fails, cause);
		audit_event(gateway_audit(em->gw), "reload", "config",
		    em->config_path, "result", "failed", "reason", cause,
		    (char *)NULL);
		free(cause);
		notify_ready();
		return;
	}
	if (priv_needs_bind(conf) && !priv_needs_bind(gateway_config(em->gw)) &&
	    geteuid() != 0)
		log_warn("reserved-port is new in this configuration: without "
		    "root it needs CAP_NET_BIND_SERVICE, kept only when it was "
		    "set at start; restart efsgw");
	gateway_reload(em->gw, conf);
	notify_ready();
}

/*
 * Every second: when what the policy files hold changed, reload as SIGHUP
 * would, so that "put-file-system-policy" is one file write away. The
 * digest is taken before the reload reads the files: an edit made while
 * it runs changes the digest again and is picked up by the next poll.
 */
static void
efsgw_policy_watch(evutil_socket_t fd, short what, void *arg)
{
	struct efsgw_main *em = arg;
	uint8_t d[POLICY_WATCH_DIGEST_LEN];

	if (policy_watch_digest(gateway_config(em->gw), d) != 0 ||
	    memcmp(d, em->policy_digest, sizeof d) == 0)
		return;
	log_info("a policy file changed; reloading");
	memcpy(em->policy_digest, d, sizeof d);
	efsgw_sighup(SIGHUP, 0, em);
}

/* SIGTERM / SIGINT: drain and stop. */
static void
efsgw_sigterm(evutil_socket_t sig, short what, void *arg)
{
	struct efsgw_main *em = arg;

	log_info("signal %d: stopping", (int)sig);
	notify_stopping();
	gateway_drain(em->gw);
}

/*
 * With the listeners bound and keys and logs open, become the configured
 * user; then load the configuration once more as that user, so that a
 * file it cannot read stops the start now rather than every SIGHUP later.
 */
static void
efsgw_drop_privileges(struct efsgw_main *em, struct config *conf,
    const struct priv *priv, int audit_created)
{
	struct config *again;
	char *cause;

	priv_prepare(conf, priv, audit_created);
	if (priv_drop(priv, &cause) != 0)
		fatalx("%s", cause);
	if (!priv->do_switch)
		return;
	/* As SIGHUP loads it: a key file it cannot reach is not "missing". */
	if (config_load(em->config_path, &again, &cause) != 0)
		fatalx("as user %s the configuration cannot be loaded again, so "
		    "SIGHUP would fail: %s (give the user the files it names; "
		    "see docs/security.md)", priv->user, cause);
	config_release(again);
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
	struct priv priv;
	struct config *conf;
	struct event *ev_hup, *ev_term, *ev_int, *ev_watch;
	struct timeval watch_tv = { 1, 0 };
	char *cause;
	int ch, foreground = 0, debug = 0, check = 0, print = 0;
	int audit_created;

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
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "efsgw: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
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

	if (priv_lookup(conf, &priv, &cause) != 0) {
		fprintf(stderr, "efsgw: %s\n", cause);
		free(cause);
		config_release(conf);
		return 1;
	}

	log_init("efsgw", !foreground, debug ? LOG_LEVEL_DEBUG :
	    (enum log_level)conf->log_level);
	/* A proxy writes to peers that may have gone: EPIPE, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	efsgw_raise_nofile();
	bev_read_tune_malloc();

	if ((em.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	/* An audit log file this start creates is handed to the user. */
	audit_created = strcmp(conf->audit_log, "syslog") != 0 &&
	    strcmp(conf->audit_log, "none") != 0 &&
	    access(conf->audit_log, F_OK) != 0;
	em.gw = gateway_new(em.base, conf);
	/*
	 * Open the listeners before going to the background, so that a
	 * start that cannot bind fails with the reason on stderr and a
	 * non-zero status instead of a daemon that silently exits.
	 */
	if (gateway_set_nofile(em.gw, &cause) != 0 ||
	    gateway_listen(em.gw, &cause) != 0) {
		if (!foreground)
			fprintf(stderr, "efsgw: %s\n", cause);
		log_error("%s", cause);
		free(cause);
		gateway_free(em.gw);
		event_base_free(em.base);
		return 1;
	}
	/* Privileges go before the background: a failure is seen here too. */
	efsgw_drop_privileges(&em, conf, &priv, audit_created);
	if (!foreground) {
		if (daemon(0, 0) != 0) {
			fprintf(stderr, "efsgw: daemon: %s\n", strerror(errno));
			return 1;
		}
		if (event_reinit(em.base) != 0)
			fatalx("event_reinit");
	}

	ev_hup = evsignal_new(em.base, SIGHUP, efsgw_sighup, &em);
	ev_term = evsignal_new(em.base, SIGTERM, efsgw_sigterm, &em);
	ev_int = evsignal_new(em.base, SIGINT, efsgw_sigterm, &em);
	if (ev_hup == NULL || ev_term == NULL || ev_int == NULL)
		fatalx("evsignal_new");
	evsignal_add(ev_hup, NULL);
	evsignal_add(ev_term, NULL);
	evsignal_add(ev_int, NULL);
	policy_watch_digest(conf, em.policy_digest);
	if ((ev_watch = event_new(em.base, -1, EV_PERSIST, efsgw_policy_watch,
	    &em)) == NULL)
		fatalx("event_new");
	event_add(ev_watch, &watch_tv);

	log_info("efsgw %s started (pid %ld, config %s)", PACKAGE_VERSION,
	    (long)getpid(), em.config_path);
	notify_ready();
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
