/*
 * efsgw - mount-token: where efsgw-mount gets the token it puts in the
 * client certificate: a file (token=FILE / jwtpath=FILE, e.g. a Kubernetes
 * projected service-account token that the kubelet rotates in place) or
 * the standard output of a command (tokencmd=CMD, run by /bin/sh with a
 * time limit). The token is read fresh on every certificate renewal;
 * mount_token_stamp() lets the tunnel notice a rotated file early.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "client.h"

/* Set *cause and return -1. */
static int __attribute__((format(printf, 2, 3)))
mount_token_fail(char **cause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(cause, fmt, ap) == -1)
		*cause = NULL;
	va_end(ap);
	return -1;
}

/*
 * Trim surrounding white space and check that what is left looks like a
 * compact JWS (RFC 7515 §7.1: three base64url parts), so that a wrong file
 * is reported here and not as a refusal by the gateway.
 */
static int
mount_token_check(char *buf, size_t len, const char *what, char **cause)
{
	size_t start = 0, n, dots = 0, i;

	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	    buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	while (start < len && (buf[start] == ' ' || buf[start] == '\t' ||
	    buf[start] == '\n' || buf[start] == '\r'))
		start++;
	n = len - start;
	memmove(buf, buf + start, n);
	buf[n] = '\0';
	if (n == 0)
		return mount_token_fail(cause, "%s: the token is empty", what);
	for (i = 0; i < n; i++) {
		if (buf[i] == '.')
			dots++;
		else if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-_", buf[i]) == NULL)
			return mount_token_fail(cause, "%s: not a JWT (byte %zu "
			    "is not base64url)", what, i);
	}
	if (dots != 2)
		return mount_token_fail(cause, "%s: not a JWT (want three "
		    "dot-separated parts)", what);
	return 0;
}

/* Read the token file. */
static int
mount_token_file(const char *path, char **tokenp, char **cause)
{
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return mount_token_fail(cause, "token file %s: %s", path,
		    strerror(errno));
	buf = xmalloc(MOUNT_MAX_TOKEN + 2);
	while (len <= MOUNT_MAX_TOKEN) {
		n = read(fd, buf + len, MOUNT_MAX_TOKEN + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			mount_token_fail(cause, "token file %s: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > MOUNT_MAX_TOKEN) {
		mount_token_fail(cause, "token file %s: longer than %d bytes",
		    path, MOUNT_MAX_TOKEN);
		goto fail;
	}
	close(fd);
	fd = -1;
	if (mount_token_check(buf, len, path, cause) != 0)
		goto fail;
	*tokenp = buf;
	return 0;
fail:
	if (fd != -1)
		close(fd);
	free(buf);
	return -1;
}

/* Run the token command and take its standard output. */
static int
mount_token_cmd(const char *cmd, char **tokenp, char **cause)
{
	struct pollfd pfd;
	char *buf;
	size_t len = 0;
	ssize_t n;
	time_t deadline = time(NULL) + MOUNT_TOKENCMD_TIMEOUT;
	pid_t pid, w;
	int p[2], st = 0, r, killed = 0;

	if (pipe2(p, O_CLOEXEC) == -1)
		return mount_token_fail(cause, "pipe: %s", strerror(errno));
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return mount_token_fail(cause, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		/* Standard error stays ours, so the command's complaints show. */
		if (dup2(p[1], STDOUT_FILENO) == -1)
			_exit(127);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	buf = xmalloc(MOUNT_MAX_TOKEN + 2);
	for (;;) {
		time_t left = deadline - time(NULL);

		pfd.fd = p[0];
		pfd.events = POLLIN;
		r = left <= 0 ? 0 : poll(&pfd, 1, (int)left * 1000);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			kill(pid, SIGKILL);
			killed = 1;
			break;
		}
		n = read(p[0], buf + len, MOUNT_MAX_TOKEN + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len > MOUNT_MAX_TOKEN) {
			kill(pid, SIGKILL);
			break;
		}
	}
	close(p[0]);
	while ((w = waitpid(pid, &st, 0)) == -1 && errno == EINTR)
		;
	if (killed) {
		mount_token_fail(cause, "tokencmd: still running after %d s; "
		    "killed", MOUNT_TOKENCMD_TIMEOUT);
		goto fail;
	}
	if (len > MOUNT_MAX_TOKEN) {
		mount_token_fail(cause, "tokencmd: printed more than %d bytes",
		    MOUNT_MAX_TOKEN);
		goto fail;
	}
	if (w == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		mount_token_fail(cause, "tokencmd: %s %d", WIFSIGNALED(st) ?
		    "killed by signal" : "exit status", WIFSIGNALED(st) ?
		    WTERMSIG(st) : WEXITSTATUS(st));
		goto fail;
	}
	if (mount_token_check(buf, len, "tokencmd output", cause) != 0)
		goto fail;
	*tokenp = buf;
	return 0;
fail:
	free(buf);
	return -1;
}

/* Read the configured token, if any. */
int
mount_token_read(const struct mount_opts *mo, char **tokenp, char **cause)
{
	*tokenp = NULL;
	*cause = NULL;
	if (mo->token_file != NULL)
		return mount_token_file(mo->token_file, tokenp, cause);
	if (mo->token_cmd != NULL)
		return mount_token_cmd(mo->token_cmd, tokenp, cause);
	return 0;
}

/* A value that changes when the token file is replaced or rewritten. */
unsigned long long
mount_token_stamp(const struct mount_opts *mo)
{
	struct stat sb;

	if (mo->token_file == NULL || stat(mo->token_file, &sb) == -1)
		return 0;
	return (unsigned long long)sb.st_mtim.tv_sec * 1000000007ULL ^
	    (unsigned long long)sb.st_mtim.tv_nsec * 31ULL ^
	    (unsigned long long)sb.st_ino << 20 ^ (unsigned long long)sb.st_size;
}
