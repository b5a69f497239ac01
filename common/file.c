/*
 * efsgw - reading the small files a config names (keys, credentials,
 * policies): regular files only, a size limit checked before reading, and
 * for secrets a refusal when group or others may read them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

/* Read a whole small file into a NUL-terminated buffer. */
int
file_read_small(const char *path, size_t max, int private, char **textp,
    size_t *lenp, char **cause)
{
	struct stat st;
	char *text;
	ssize_t got;
	size_t have = 0;
	int fd;

	*textp = NULL;
	*lenp = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &st) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return EFSGW_ERR_SYSTEM;
	}
	if (private && (st.st_mode & 077) != 0) {
		xasprintf(cause, "%s: readable by group or others (mode %04o); "
		    "chmod 600 it", path, (unsigned)(st.st_mode & 07777));
		close(fd);
		return EFSGW_ERR_BAD_VALUE;
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		xasprintf(cause, "%s: not a regular file of at most %zu bytes",
		    path, max);
		close(fd);
		return EFSGW_ERR_TOO_LONG;
	}
	text = xmalloc((size_t)st.st_size + 1);
	while (have < (size_t)st.st_size) {
		if ((got = read(fd, text + have, (size_t)st.st_size - have)) <= 0) {
			xasprintf(cause, "%s: %s", path,
			    got == 0 ? "file shrank" : strerror(errno));
			close(fd);
			free(text);
			return EFSGW_ERR_SYSTEM;
		}
		have += (size_t)got;
	}
	close(fd);
	text[have] = '\0';
	*textp = text;
	*lenp = have;
	return 0;
}
