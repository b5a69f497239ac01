/*
 * efsgw - mount-super: the tunnel's supervisor (efs-utils' watchdog). It
 * owns the listening socket, so the local port survives a tunnel restart
 * and the kernel's reconnects queue in the backlog meanwhile; it forks the
 * tunnel worker, restarts it with a bounded exponential backoff when it
 * dies, and ends it (by pid) on SIGTERM/SIGINT/SIGHUP or once the mount it
 * serves has been unmounted. Signals are taken synchronously with
 * sigtimedwait(), so every wait here has a time limit.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "client.h"

#define SUPER_TICK_S		5	/* mount check period */
#define SUPER_BACKOFF_MIN	1	/* s before the first restart */
#define SUPER_BACKOFF_MAX	30	/* s between restarts at most */
#define SUPER_STABLE_S		60	/* a worker up this long resets the backoff */
#define SUPER_STOP_S		5	/* s a worker gets to stop before SIGKILL */
#define SUPER_MOUNT_GRACE_S	600	/* s to wait for the mount to appear */

/* Bind 127.0.0.1:port and listen. */
int
mount_super_listen(int port, int *portp, char **cause)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;
	int fd, one = 1;

	*cause = NULL;
	*portp = 0;
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	/* Port 0: the kernel picks a free port atomically, so mounts never race. */
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		xasprintf(cause, "bind 127.0.0.1:%d: %s%s", port, strerror(errno),
		    port != 0 ? " (drop tlsport= to let the kernel pick)" : "");
		close(fd);
		return -1;
	}
	if (listen(fd, 128) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == -1) {
		xasprintf(cause, "listen: %s", strerror(errno));
		close(fd);
		return -1;
	}
	*portp = ntohs(sin.sin_port);
	return fd;
}

/* Undo /proc/mounts octal escapes (\040 space, \011 tab, \012, \134) in place. */
static void
mount_super_unescape(char *s)
{
	char *o = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
			    (s[3] - '0'));
			s += 3;
		} else
			*o++ = *s;
	}
	*o = '\0';
}

/* True if mountpoint is an NFS mount through our port (fstab(5) fields). */
int
mount_super_mounted(const char *mountpoint, int port)
{
	FILE *f;
	char line[4096], dev[1024], dir[1024], type[64], opts[2048], want[32];
	int found = 0;

	if ((f = fopen("/proc/self/mounts", "r")) == NULL)
		return -1;
	snprintf(want, sizeof want, "port=%d", port);
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%1023s %1023s %63s %2047s", dev, dir, type,
		    opts) != 4 || strncmp(type, "nfs", 3) != 0)
			continue;
		mount_super_unescape(dir);
		if (strcmp(dir, mountpoint) != 0)
			continue;
		/* opts is "a,b,port=N,c": match the whole item. */
		{
			char *tok, *save = NULL;

			for (tok = strtok_r(opts, ",", &save); tok != NULL;
			    tok = strtok_r(NULL, ",", &save))
				if (strcmp(tok, want) == 0)
					found = 1;
		}
	}
	fclose(f);
	return found;
}

/* Fork a tunnel worker; -1 if fork fails. */
static pid_t
mount_super_spawn(const struct mount_opts *mo, int lfd, const char *certpath,
    const sigset_t *oldmask)
{
	pid_t super = getpid(), pid;

	if ((pid = fork()) == -1) {
		log_error("fork: %s", strerror(errno));
		return -1;
	}
	if (pid != 0)
		return pid;
	/* The worker dies with its supervisor, whatever kills the latter. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != super)
		_exit(1);
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	signal(SIGHUP, SIG_IGN);
	_exit(mount_tunnel_run(mo, lfd, certpath));
}

/*
 * Wait up to secs for one of the blocked signals. Returns the signal,
 * 0 on time-out.
 */
static int
mount_super_wait(const sigset_t *set, int secs)
{
	struct timespec ts = { secs, 0 };
	int sig;

	do
		sig = sigtimedwait(set, NULL, &ts);
	while (sig == -1 && errno == EINTR);
	return sig == -1 ? 0 : sig;
}

/* Stop the worker by pid: SIGTERM, then SIGKILL after SUPER_STOP_S. */
static void
mount_super_stop(pid_t pid, const sigset_t *set)
{
	int i, st;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (i = 0; i < SUPER_STOP_S * 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return;
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		sigset_t chld;

		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		(void)sigtimedwait(&chld, NULL, &ts);
	}
	log_warn("tunnel worker %ld did not stop; killing it", (long)pid);
	kill(pid, SIGKILL);
	(void)waitpid(pid, &st, 0);
	(void)set;
}

/* Supervise tunnel workers until told to stop or the mount is gone. */
int
mount_super_run(const struct mount_opts *mo, int lfd, int port,
    const char *statedir_mount, int watch_mount)
{
	sigset_t set, old;
	char *certpath, *pidpath;
	FILE *f;
	pid_t worker = -1;
	time_t started = 0, since = time(NULL);
	int backoff = SUPER_BACKOFF_MIN, sig, st, seen = 0, m, stop = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	if (mkdir(statedir_mount, 0700) == -1 && errno != EEXIST)
		log_warn("%s: %s", statedir_mount, strerror(errno));
	xasprintf(&certpath, "%s/certificate.pem", statedir_mount);
	xasprintf(&pidpath, "%s/pid", statedir_mount);
	if ((f = fopen(pidpath, "w")) != NULL) {
		fprintf(f, "%ld\n", (long)getpid());
		fclose(f);
	}
	while (!stop) {
		if (worker == -1) {
			if ((worker = mount_super_spawn(mo, lfd, certpath,
			    &old)) == -1)
				worker = 0;	/* retried after the backoff */
			started = time(NULL);
		}
		sig = worker > 0 ? mount_super_wait(&set, SUPER_TICK_S) : SIGCHLD;
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
			log_info("signal %d: stopping the tunnel", sig);
			break;
		}
		if (sig == SIGCHLD) {
			if (worker > 0 && waitpid(worker, &st, WNOHANG) != worker)
				continue;
			if (worker > 0)
				log_warn("tunnel worker %ld %s %d; restarting in "
				    "%d s", (long)worker, WIFSIGNALED(st) ?
				    "killed by signal" : "exited with status",
				    WIFSIGNALED(st) ? WTERMSIG(st) :
				    WEXITSTATUS(st), time(NULL) - started >=
				    SUPER_STABLE_S ? SUPER_BACKOFF_MIN : backoff);
			worker = -1;
			if (time(NULL) - started >= SUPER_STABLE_S)
				backoff = SUPER_BACKOFF_MIN;
			/* Sleep out the backoff, still answering SIGTERM. */
			{
				time_t until = time(NULL) + backoff;

				while (!stop && time(NULL) < until) {
					sig = mount_super_wait(&set, (int)(until -
					    time(NULL)));
					if (sig == SIGTERM || sig == SIGINT ||
					    sig == SIGHUP)
						stop = 1;
				}
			}
			backoff = backoff * 2 > SUPER_BACKOFF_MAX ?
			    SUPER_BACKOFF_MAX : backoff * 2;
			continue;
		}
		if (!watch_mount)
			continue;
		m = mount_super_mounted(mo->mountpoint, port);
		if (m == 1)
			seen = 1;
		else if (m == 0 && seen) {
			log_info("%s is no longer mounted: stopping the tunnel",
			    mo->mountpoint);
			break;
		} else if (m == 0 && time(NULL) - since > SUPER_MOUNT_GRACE_S) {
			log_warn("%s never got mounted through port %d: stopping",
			    mo->mountpoint, port);
			break;
		}
	}
	mount_super_stop(worker, &set);
	close(lfd);
	(void)unlink(certpath);
	(void)unlink(pidpath);
	{
		char *argspath;

		xasprintf(&argspath, "%s/%s", statedir_mount, MOUNT_ARGS_FILE);
		(void)unlink(argspath);
		free(argspath);
	}
	(void)rmdir(statedir_mount);
	free(certpath);
	free(pidpath);
	return 0;
}
