/*
 * efsgw - mount-watchdog: efsgw-mount --watchdog, the counterpart of
 * efs-utils' mount watchdog. A supervisor killed outright (SIGKILL, the
 * OOM killer) takes the local port with it: the mount hangs and its pid
 * file stays. The watchdog notices a per-mount state directory whose
 * supervisor is gone; if the mount is still there it starts a new
 * supervisor on the same port with the options the mount was made with
 * (saved in STATEDIR/fs-ID.PORT/args), so the kernel's reconnects land;
 * otherwise it removes the stale state.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "client.h"

#define WATCHDOG_MAX_ARGS	(64 * 1024)	/* bytes of a saved argv */
#define WATCHDOG_CHILD_S	60	/* s a --reattach may take */

/* Save argv, NUL-separated, as smdir/args (0600). */
void
mount_watchdog_save_args(const char *smdir, int argc, char **argv)
{
	char *path, *tmp;
	FILE *f;
	int i, fd;

	if (mkdir(smdir, 0700) == -1 && errno != EEXIST)
		return;
	xasprintf(&path, "%s/%s", smdir, MOUNT_ARGS_FILE);
	xasprintf(&tmp, "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
	    -1 || (f = fdopen(fd, "w")) == NULL) {
		if (fd != -1)
			close(fd);
		goto out;
	}
	for (i = 0; i < argc; i++)
		fwrite(argv[i], 1, strlen(argv[i]) + 1, f);
	if (fclose(f) == 0)
		(void)rename(tmp, path);
	else
		(void)unlink(tmp);
out:
	free(path);
	free(tmp);
}

/* Whether pid is a live efsgw-mount (not a recycled pid). */
static int
watchdog_alive(long pid)
{
	char path[64], buf[256];
	ssize_t n;
	int fd;

	if (pid <= 1 || (kill((pid_t)pid, 0) == -1 && errno == ESRCH))
		return 0;
	snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 1;	/* no /proc: trust kill() */
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, "efsgw-mount") != NULL ||
	    strstr(buf, "mount.efsgw") != NULL;
}

/* Read a small file into a NUL-terminated buffer; its length or -1. */
static ssize_t
watchdog_read(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* Remove a mount's state directory and what the supervisor leaves in it. */
static void
watchdog_remove(const char *dir)
{
	static const char *const names[] = { "pid", "certificate.pem",
	    MOUNT_ARGS_FILE };
	char *p;
	size_t i;

	for (i = 0; i < nitems(names); i++) {
		xasprintf(&p, "%s/%s", dir, names[i]);
		(void)unlink(p);
		free(p);
	}
	(void)rmdir(dir);
}

/*
 * Restart the supervisor of the mount saved in dir on port: run
 * efsgw-mount --reattach with the saved argv and tlsport=PORT, bounded.
 */
static void
watchdog_reattach(const char *dir, const char *args, ssize_t len, int port)
{
	char **argv, portopt[32], self[] = "/proc/self/exe";
	const char *p;
	pid_t pid;
	int argc = 0, n = 0, i, st;

	for (p = args; p < args + len; p += strlen(p) + 1)
		n++;
	argv = xcalloc((size_t)n + 5, sizeof *argv);
	argv[argc++] = xstrdup("efsgw-mount");
	argv[argc++] = xstrdup("--reattach");
	for (p = args, i = 0; p < args + len; p += strlen(p) + 1, i++)
		if (i > 0)	/* skip the saved argv[0] */
			argv[argc++] = xstrdup(p);
	snprintf(portopt, sizeof portopt, "tlsport=%d", port);
	argv[argc++] = xstrdup("-o");
	argv[argc++] = xstrdup(portopt);
	argv[argc] = NULL;
	if ((pid = fork()) == 0) {
		execv(self, argv);
		_exit(127);
	}
	for (i = 0; pid > 0 && i < WATCHDOG_CHILD_S * 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		usleep(100 * 1000);
	}
	if (pid > 0 && i == WATCHDOG_CHILD_S * 10) {
		kill(pid, SIGKILL);
		(void)waitpid(pid, &st, 0);
		log_warn("%s: restarting the supervisor took too long", dir);
	} else if (pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		log_info("%s: supervisor restarted on port %d", dir, port);
	else
		log_warn("%s: could not restart the supervisor", dir);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* The mount point in a saved argv: the last argument not an option. */
static const char *
watchdog_mountpoint(const char *args, ssize_t len)
{
	const char *p, *last = NULL, *prev = NULL;
	int i = 0;

	for (p = args; p < args + len; p += strlen(p) + 1, i++) {
		if (i > 0 && p[0] != '-' && (prev == NULL ||
		    (strcmp(prev, "-o") != 0 && strcmp(prev, "-t") != 0)))
			last = p;
		prev = p;
	}
	return last;
}

/* Check one STATEDIR/fs-ID.PORT directory. */
static void
watchdog_check(const char *statedir, const char *name)
{
	char *dir, *path, pidbuf[32], *args;
	const char *dot = strrchr(name, '.'), *mp;
	ssize_t len;
	long pid;
	int port, m;

	if (strncmp(name, "fs-", 3) != 0 || dot == NULL ||
	    (port = atoi(dot + 1)) <= 0 || port > 65535)
		return;
	xasprintf(&dir, "%s/%s", statedir, name);
	xasprintf(&path, "%s/pid", dir);
	pid = watchdog_read(path, pidbuf, sizeof pidbuf) > 0 ?
	    strtol(pidbuf, NULL, 10) : 0;
	free(path);
	if (watchdog_alive(pid)) {
		free(dir);
		return;
	}
	args = xmalloc(WATCHDOG_MAX_ARGS);
	xasprintf(&path, "%s/%s", dir, MOUNT_ARGS_FILE);
	len = watchdog_read(path, args, WATCHDOG_MAX_ARGS);
	free(path);
	mp = len > 0 ? watchdog_mountpoint(args, len) : NULL;
	m = mp != NULL ? mount_super_mounted(mp, port) : 0;
	if (m == 1) {
		log_warn("%s: supervisor %ld is gone but %s is still mounted "
		    "through port %d: restarting it", dir, pid, mp, port);
		watchdog_reattach(dir, args, len, port);
	} else if (m == 0) {
		log_info("%s: supervisor %ld is gone and nothing is mounted "
		    "through port %d: removing the stale state", dir, pid, port);
		watchdog_remove(dir);
	}
	free(args);
	free(dir);
}

/* One pass over the state directory. */
static void
watchdog_pass(const char *statedir)
{
	struct dirent *de;
	DIR *d;

	if ((d = opendir(statedir)) == NULL) {
		if (errno != ENOENT)
			log_warn("%s: %s", statedir, strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL)
		watchdog_check(statedir, de->d_name);
	closedir(d);
}

/* Watch every mount's supervisor until SIGTERM (or once). */
int
mount_watchdog_run(const char *statedir, int once)
{
	struct timespec ts = { MOUNT_WATCHDOG_S, 0 };
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGCHLD, SIG_DFL);
	log_info("watching the mounts in %s", statedir);
	for (;;) {
		watchdog_pass(statedir);
		if (once)
			return 0;
		do
			sig = sigtimedwait(&set, NULL, &ts);
		while (sig == -1 && errno == EINTR);
		if (sig == SIGTERM || sig == SIGINT)
			return 0;
	}
}
