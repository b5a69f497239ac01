/*
 * efsgw - the audit log: one JSON line per connection decision, per
 * denial and per configuration reload, to a file (opened O_APPEND, so
 * logrotate's copytruncate works, and reopened on SIGHUP) or to syslog.
 * Lines are built with jansson (JSON_ENSURE_ASCII), so client-supplied
 * strings (principals, certificate fields, server names) are escaped,
 * control characters included, and cannot forge lines.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "proxy.h"

struct audit {
	char		*path;		/* NULL: syslog */
	int		 fd;
	int		 none;
};

/* Open the audit destination. */
int
audit_open(const char *where, struct audit **out, char **cause)
{
	struct audit *a;

	*out = NULL;
	*cause = NULL;
	a = xcalloc(1, sizeof *a);
	a->fd = -1;
	if (strcmp(where, "none") == 0)
		a->none = 1;
	else if (strcmp(where, "syslog") != 0) {
		a->path = xstrdup(where);
		a->fd = open(where, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (a->fd < 0) {
			xasprintf(cause, "audit-log %s: %s", where, strerror(errno));
			free(a->path);
			free(a);
			return EFSGW_ERR_SYSTEM;
		}
	}
	*out = a;
	return 0;
}

void
audit_close(struct audit *a)
{
	if (a == NULL)
		return;
	if (a->fd >= 0)
		close(a->fd);
	free(a->path);
	free(a);
}

/* Reopen the file after rotation. */
void
audit_reopen(struct audit *a)
{
	int fd;

	if (a == NULL || a->path == NULL)
		return;
	fd = open(a->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		log_warn("audit-log %s: cannot reopen: %s", a->path,
		    strerror(errno));
		return;
	}
	close(a->fd);
	a->fd = fd;
}

/* Write one event. */
void
audit_event(struct audit *a, const char *event, ...)
{
	struct timespec ts;
	struct tm tm;
	char stamp[40], *line;
	const char *k, *v;
	json_t *o;
	va_list ap;
	size_t len;

	if (a == NULL || a->none)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + strlen(stamp), sizeof stamp - strlen(stamp), ".%03ldZ",
	    ts.tv_nsec / 1000000);
	if ((o = json_object()) == NULL)
		return;
	json_object_set_new(o, "time", json_string(stamp));
	json_object_set_new(o, "event", json_string(event));
	va_start(ap, event);
	while ((k = va_arg(ap, const char *)) != NULL) {
		json_t *js;

		v = va_arg(ap, const char *);
		/*
		 * Invalid UTF-8 from a client is kept, its bad bytes written
		 * as \xNN: JSON strings are Unicode (RFC 8259 section 8.1).
		 */
		if (v == NULL)
			js = json_null();
		else if ((js = json_string(v)) == NULL) {
			size_t n = 4 * strlen(v) + 1;
			char *esc = xmalloc(n);

			log_sanitize(esc, n, v);
			js = json_string(esc);
			free(esc);
		}
		json_object_set_new(o, k, js);
	}
	va_end(ap);
	line = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (line == NULL)
		return;
	if (a->path == NULL)
		syslog(LOG_AUTHPRIV | LOG_INFO, "%s", line);
	else {
		len = strlen(line);
		line[len] = '\n';
		if (write(a->fd, line, len + 1) < 0)
			log_warn("audit-log %s: %s", a->path, strerror(errno));
	}
	free(line);
}
