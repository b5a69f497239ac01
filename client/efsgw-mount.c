/*
 * efsgw - efsgw-mount / mount.efsgw: the client-side mount helper. It
 * takes mount(8)'s helper argv (`mount.efsgw SPEC DIR [-sfnv] [-o OPTS]`,
 * so `mount -t efsgw fs-id:/ /mnt -o tls` and fstab entries work), checks
 * the options and the identity material before anything runs (so errors
 * reach the terminal, not syslog), starts the supervised TLS tunnel in the
 * background and calls `mount -t nfs4` through it. --tunnel-only runs just
 * the tunnel in the foreground and prints its port, for tests and for
 * hosts whose mounts are made by something else.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "client.h"

/* mount(8) helper exit codes (mount(8) "RETURN CODES"). */
#define EX_USAGE_MOUNT	1	/* incorrect invocation or permissions */
#define EX_SYSERR	2	/* system error (out of memory, fork...) */
#define EX_FAIL		32	/* mount failure */
#define MOUNT_CMD_TIMEOUT	600	/* s mount(8) may take */

/* The command line, saved with each mount for the watchdog. */
static int	 main_argc;
static char	**main_argv;

static const char usage_text[] =
"usage: efsgw-mount [-fnsvV] [-o OPTIONS] fs-ID[:/PATH] MOUNTPOINT\n"
"       efsgw-mount -T [-v] [-o OPTIONS] fs-ID[:/PATH]\n"
"       mount -t efsgw [-o OPTIONS] fs-ID[:/PATH] MOUNTPOINT\n"
"\n"
"Mount an efsgw file system, as efs-utils' mount.efs mounts Amazon EFS.\n"
"With tls, efsgw-mount makes a short-lived client certificate carrying\n"
"the file system id, the access point and your token, runs a local TLS\n"
"tunnel (127.0.0.1:PORT -> gateway) under a supervisor that restarts it\n"
"and renews the certificate, and mounts 127.0.0.1:/PATH with NFSv4.1\n"
"through it. Without tls it mounts the gateway directly (no identity).\n"
"\n"
"Options (-o, comma-separated; the rest go to mount -t nfs4 on top of\n"
"nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,\n"
"noresvport):\n"
"  tls                 tunnel the mount through TLS (needed by all below)\n"
"  iam                 present a token (needs token= or tokencmd=)\n"
"  token=FILE          the token (a JWT), e.g. a Kubernetes projected\n"
"                      service-account token; re-read on every renewal and\n"
"                      whenever the file changes; jwtpath=FILE is the same\n"
"  tokencmd=CMD        run CMD (sh -c, 30 s limit) and take the token from\n"
"                      its standard output\n"
"  accesspoint=fsap-ID mount through this access point\n"
"  mounttargetip=IP    the gateway's IPv4 or IPv6 address (default: resolve\n"
"                      fs-ID.efs.REGION.DNSSUFFIX)\n"
"  mounttargetport=N   the gateway's TLS port (default 2049)\n"
"  tlsport=N           the local tunnel port, as in efs-utils (default: a\n"
"                      free port the kernel picks)\n"
"  cafile=FILE         CA bundle the gateway's certificate must chain to\n"
"                      (default: the system's CA store)\n"
"  capath=DIR          a directory of CA certificates (c_rehash), as\n"
"                      efs-utils takes it; with or instead of cafile=\n"
"  region=REGION       the region in the gateway's name (default\n"
"                      $AWS_REGION)\n"
"  dnssuffix=SUFFIX    the DNS suffix of that name (default amazonaws.com)\n"
"  verifyname=NAME     require NAME in the gateway's certificate instead of\n"
"                      fs-ID.efs.REGION.DNSSUFFIX (also sent as SNI)\n"
"  keytype=ec|rsa      cached key: EC P-256 (default) or RSA 3072\n"
"  statedir=DIR        key cache and per-mount state (default\n"
"                      $EFSGW_MOUNT_STATE_DIR or /var/lib/efsgw-mount)\n"
"  renew=SECONDS       certificate renewal period, 10-86400 (default 3600;\n"
"                      the certificate is valid 3 hours)\n"
"  az=AZ               resolve AZ.fs-ID.efs.REGION.DNSSUFFIX (efs-utils'\n"
"                      per-zone mount target name)\n"
"  notls               plain NFS to the gateway (the default)\n"
"  verify=2|3          accepted: the certificate chain and name are always\n"
"                      verified; lower levels are refused\n"
"  noocsp, crossaccount\n"
"                      accepted and ignored (efs-utils options that do\n"
"                      not apply: OCSP is never checked, the address comes\n"
"                      from mounttargetip= or DNS)\n"
"None of these reach mount -t nfs4. Before mounting, efsgw-mount resolves\n"
"the gateway, connects and, with tls, completes a verified TLS handshake,\n"
"within 15 s; a failure is reported here (exit 32), not only in syslog.\n"
"\n"
"Flags:\n"
"  -o OPTIONS          mount options (may be repeated)\n"
"  -T, --tunnel-only   run only the tunnel, in the foreground; print\n"
"                      \"port N\" on standard output once it listens; stop\n"
"                      on SIGTERM or SIGINT\n"
"  -f                  fake: check everything, print the mount command\n"
"  -n                  pass -n (do not write /etc/mtab) to mount(8)\n"
"  -s                  sloppy: accepted, as mount(8) passes it\n"
"  -v                  verbose: debug logging, mount -v\n"
"  --watchdog          restart the tunnel of a mount whose supervisor was\n"
"                      killed, remove the state of mounts that are gone;\n"
"                      every 30 s until SIGTERM (--once: one pass); run by\n"
"                      efsgw-mount-watchdog.service\n"
"  -V, --version       print the version\n"
"  -h, --help          this text\n"
"\n"
"Defaults for any option above come from /etc/efsgw/efsgw-mount.conf\n"
"($EFSGW_MOUNT_CONFIG): one \"option = value\" (or \"option\") per line,\n"
"'#' comments, as efs-utils.conf sets region and dns_name_suffix.\n"
"\n"
"Files: DIR/privateKey-p256.pem or privateKey-rsa3072.pem (0600, the\n"
"cached key), DIR/fs-ID.PORT/ (certificate.pem, the current certificate,\n"
"pid, the supervisor's pid: kill it to stop the tunnel, and args, the\n"
"command line, which --watchdog reuses).\n"
"\n"
"fstab:  fs-0123456789abcdef0:/ /mnt efsgw _netdev,tls,iam,\n"
"        token=/var/run/secrets/tokens/efsgw,region=us-east-1 0 0\n"
"\n"
"Exit status: 0 mounted (or the tunnel stopped cleanly); 1 bad usage or\n"
"options; 2 a system error; 32 the mount or the tunnel failed.\n";

/* Print a message and exit with status st. */
static void __attribute__((noreturn, format(printf, 2, 3)))
die(int st, const char *fmt, ...)
{
	va_list ap;

	fputs("efsgw-mount: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(st);
}

/* Print usage (with msg) and exit 1. */
static void __attribute__((noreturn))
usage(const char *msg)
{
	if (msg != NULL)
		fprintf(stderr, "efsgw-mount: %s\n", msg);
	fputs("Try 'efsgw-mount --help'.\n", stderr);
	exit(EX_USAGE_MOUNT);
}

/*
 * Check the key, the token and the certificate once now, so that a bad
 * option fails the mount command with a clear message instead of a
 * tunnel that keeps failing in the background.
 */
static void
preflight(const struct mount_opts *mo)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	char *token = NULL, *cause = NULL;

	if (mo->cafile != NULL && access(mo->cafile, R_OK) != 0)
		die(EX_USAGE_MOUNT, "cafile=%s: %s", mo->cafile, strerror(errno));
	if (mount_cert_key(mo, &key, &cause) != 0 ||
	    mount_token_read(mo, &token, &cause) != 0 ||
	    mount_cert_build(mo, key, token, time(NULL), &cert, &cause) != 0)
		die(EX_FAIL, "%s", cause);
	if (token != NULL)
		explicit_bzero(token, strlen(token));
	free(token);
	X509_free(cert);
	EVP_PKEY_free(key);
}

/*
 * Reach the gateway before mount(8) runs, so that a wrong name, an
 * unreachable gateway or a certificate that does not verify is reported
 * here within MOUNT_PROBE_TIMEOUT, not in syslog while mount.nfs retries.
 */
static void
probe(const struct mount_opts *mo)
{
	char *cause = NULL;

	if (mount_tunnel_probe(mo, MOUNT_PROBE_TIMEOUT, &cause) != 0)
		die(EX_FAIL, "%s", cause);
}

/*
 * Run mount(8) (argv) and wait, bounded; returns its exit status. While
 * it runs, a tunnel supervisor (super > 0) that dies ends the wait: the
 * mount could only hang until mount.nfs gives up.
 */
static int
run_mount(char *const argv[], pid_t super)
{
	pid_t pid;
	int st, i, sst;

	if ((pid = fork()) == -1)
		die(EX_SYSERR, "fork: %s", strerror(errno));
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "efsgw-mount: %s: %s\n", argv[0], strerror(errno));
		_exit(EX_SYSERR);
	}
	for (i = 0; i < MOUNT_CMD_TIMEOUT * 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : EX_FAIL;
		if (super > 0 && waitpid(super, &sst, WNOHANG) == super) {
			kill(pid, SIGKILL);
			(void)waitpid(pid, &st, 0);
			fprintf(stderr, "efsgw-mount: the TLS tunnel stopped "
			    "while mounting (%s %d; details in syslog, "
			    "efsgw-mount)\n", WIFSIGNALED(sst) ? "signal" :
			    "status", WIFSIGNALED(sst) ? WTERMSIG(sst) :
			    WEXITSTATUS(sst));
			return EX_FAIL;
		}
		usleep(100 * 1000);
	}
	kill(pid, SIGKILL);
	(void)waitpid(pid, &st, 0);
	fprintf(stderr, "efsgw-mount: mount(8) still running after %d s; "
	    "killed\n", MOUNT_CMD_TIMEOUT);
	return EX_FAIL;
}

/* Build and run (or, faked, print) mount -t nfs4 ... SRC DIR. */
static int
do_mount(const struct mount_opts *mo, const char *host, int localport,
    pid_t super)
{
	char a_mount[] = "mount", a_n[] = "-n", a_v[] = "-v", a_t[] = "-t";
	char a_nfs4[] = "nfs4", a_o[] = "-o";
	char *argv[16], *nfsopts, *src;
	int argc = 0, i, st;

	nfsopts = mount_opts_nfs(mo, localport);
	xasprintf(&src, "%s:%s", host, mo->path);
	argv[argc++] = a_mount;
	if (mo->nomtab)
		argv[argc++] = a_n;
	if (mo->verbose)
		argv[argc++] = a_v;
	argv[argc++] = a_t;
	argv[argc++] = a_nfs4;
	argv[argc++] = a_o;
	argv[argc++] = nfsopts;
	argv[argc++] = src;
	argv[argc++] = mo->mountpoint;
	argv[argc] = NULL;
	if (mo->fake || mo->verbose) {
		for (i = 0; i < argc; i++)
			printf("%s%s", i ? " " : "+ ", argv[i]);
		printf("\n");
		fflush(stdout);
	}
	st = mo->fake ? 0 : run_mount(argv, super);
	free(nfsopts);
	free(src);
	return st;
}

/* Start the supervised tunnel in the background, then mount through it. */
static int
mount_tls(const struct mount_opts *mo)
{
	char *cause = NULL, *smdir;
	pid_t pid;
	int lfd, port, st, fd;

	if (mo->fake)
		return do_mount(mo, "127.0.0.1", mo->tlsport ? mo->tlsport : 20049,
		    0);
	if ((lfd = mount_super_listen(mo->tlsport, &port, &cause)) == -1)
		die(EX_FAIL, "%s", cause);
	xasprintf(&smdir, "%s/%s.%d", mo->statedir, mo->fs_id, port);
	if (!mo->reattach)
		mount_watchdog_save_args(smdir, main_argc, main_argv);
	fflush(NULL);
	if ((pid = fork()) == -1)
		die(EX_SYSERR, "fork: %s", strerror(errno));
	if (pid == 0) {
		/* The supervisor outlives mount(8): detach like a daemon. */
		setsid();
		if (chdir("/") != 0)
			_exit(EX_SYSERR);
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
		log_init("efsgw-mount", 1, mo->verbose ? LOG_LEVEL_DEBUG :
		    LOG_LEVEL_INFO);
		_exit(mount_super_run(mo, lfd, port, smdir, 1));
	}
	close(lfd);
	if (mo->reattach) {
		/* The mount exists: only its supervisor was missing. */
		free(smdir);
		return 0;
	}
	if ((st = do_mount(mo, "127.0.0.1", port, pid)) != 0) {
		fprintf(stderr, "efsgw-mount: mount failed (status %d); stopping "
		    "the tunnel on port %d (logs: syslog, efsgw-mount)\n", st,
		    port);
		kill(pid, SIGTERM);
	}
	free(smdir);
	return st;
}

/* --tunnel-only: supervise the tunnel in the foreground. */
static int
tunnel_only(const struct mount_opts *mo)
{
	char *cause = NULL, *smdir;
	int lfd, port, st;

	if ((lfd = mount_super_listen(mo->tlsport, &port, &cause)) == -1)
		die(EX_FAIL, "%s", cause);
	printf("port %d\n", port);
	fflush(stdout);
	xasprintf(&smdir, "%s/%s.%d", mo->statedir, mo->fs_id, port);
	st = mount_super_run(mo, lfd, port, smdir, 0);
	free(smdir);
	return st;
}

/* Parse the helper's argv and options, then mount or run the tunnel. */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tunnel-only", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "watchdog", no_argument, NULL, 'W' },
		{ "once", no_argument, NULL, 'O' },
		{ "reattach", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	const char *env;
	int watchdog = 0, once = 0;
	struct mount_opts mo;
	const char *conf;
	char *cause = NULL;
	int ch, st;

	main_argc = argc;
	main_argv = argv;
	mount_opts_init(&mo);
	log_init("efsgw-mount", 0, LOG_LEVEL_INFO);
	/* Defaults from the config file; -o options override them. */
	if ((conf = getenv("EFSGW_MOUNT_CONFIG")) != NULL && *conf != '\0') {
		if (mount_opts_config(&mo, conf, 1, &cause) != 0)
			die(EX_USAGE_MOUNT, "%s", cause);
	} else if (mount_opts_config(&mo, MOUNT_CONFIG, 0, &cause) != 0)
		die(EX_USAGE_MOUNT, "%s", cause);
	while ((ch = getopt_long(argc, argv, "o:t:N:fnsvhTV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'o':
			if (mount_opts_parse(&mo, optarg, &cause) != 0)
				die(EX_USAGE_MOUNT, "%s", cause);
			break;
		case 't':
			/* mount(8) may pass -t efsgw (or efsgw.subtype). */
			if (strncmp(optarg, "efsgw", 5) != 0)
				die(EX_USAGE_MOUNT, "-t %s: this helper mounts "
				    "efsgw file systems only", optarg);
			break;
		case 'N':
			die(EX_USAGE_MOUNT, "-N (mount namespaces) is not "
			    "supported; run efsgw-mount inside the namespace");
		case 'f':
			mo.fake = 1;
			break;
		case 'n':
			mo.nomtab = 1;
			break;
		case 's':
			mo.sloppy = 1;
			break;
		case 'v':
			mo.verbose = 1;
			break;
		case 'T':
			mo.tunnel_only = 1;
			break;
		case 'V':
			printf("efsgw-mount %s\n", PACKAGE_VERSION);
			return 0;
		case 'W':
			watchdog = 1;
			break;
		case 'O':
			once = 1;
			break;
		case 'R':
			mo.reattach = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			usage(NULL);
		}
	}
	argc -= optind;
	argv += optind;
	if (watchdog) {
		if (argc != 0)
			usage("--watchdog takes no file system");
		if (mo.statedir == NULL)
			mo.statedir = xstrdup((env = getenv(
			    "EFSGW_MOUNT_STATE_DIR")) != NULL && *env != '\0' ?
			    env : MOUNT_STATE_DIR);
		st = mount_watchdog_run(mo.statedir, once);
		mount_opts_clear(&mo);
		return st;
	}
	if (argc < 1)
		usage("no file system given (fs-ID[:/PATH])");
	if (mo.tunnel_only ? argc > 2 : argc != 2)
		usage(mo.tunnel_only ? "--tunnel-only takes fs-ID[:/PATH]" :
		    "want fs-ID[:/PATH] MOUNTPOINT");
	if (mount_opts_spec(&mo, argv[0], &cause) != 0)
		die(EX_USAGE_MOUNT, "%s", cause);
	if (argc == 2)
		mo.mountpoint = xstrdup(argv[1]);
	if (mount_opts_check(&mo, &cause) != 0)
		die(EX_USAGE_MOUNT, "%s", cause);
	if (mo.verbose)
		log_set_level(LOG_LEVEL_DEBUG);
	if (mo.mountpoint != NULL && !mo.tunnel_only) {
		struct stat sb;

		if (stat(mo.mountpoint, &sb) == -1 || !S_ISDIR(sb.st_mode))
			die(EX_USAGE_MOUNT, "mount point %s: %s", mo.mountpoint,
			    errno != 0 && stat(mo.mountpoint, &sb) == -1 ?
			    strerror(errno) : "not a directory");
	}
	if (!mo.tls) {
		/* Plain NFS straight to the gateway, as mount.efs without tls. */
		char *host;

		if (mo.target_ip != NULL)
			xasprintf(&host, strchr(mo.target_ip, ':') != NULL ?
			    "[%s]" : "%s", mo.target_ip);
		else
			host = mount_opts_dns_name(&mo);
		probe(&mo);
		st = do_mount(&mo, host, mo.target_port != 2049 ?
		    mo.target_port : 0, 0);
		free(host);
		mount_opts_clear(&mo);
		return st;
	}
	preflight(&mo);
	if (!mo.tunnel_only && !mo.reattach)
		probe(&mo);
	st = mo.tunnel_only ? tunnel_only(&mo) : mount_tls(&mo);
	mount_opts_clear(&mo);
	return st;
}
