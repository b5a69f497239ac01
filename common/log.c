/*
 * efsgw - logging to stderr (foreground, -d) or syslog, with a level and the
 * calling function's name on every line.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "common.h"

static const char *log_name = "efsgw";
static int log_syslog;
static enum log_level log_level = LOG_LEVEL_INFO;

static const char *const log_level_names[] = { "error", "warn", "info", "debug" };

/* Start logging. */
void
log_init(const char *name, int use_syslog, enum log_level level)
{
	log_name = name;
	log_syslog = use_syslog;
	log_level = level;
	if (use_syslog)
		openlog(name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

/* Parse a level name. */
int
log_level_parse(const char *s)
{
	size_t i;

	for (i = 0; i < nitems(log_level_names); i++) {
		if (strcmp(s, log_level_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

const char *
log_level_name(enum log_level level)
{
	if ((size_t)level >= nitems(log_level_names))
		return "?";
	return log_level_names[level];
}

/*
 * Length of the well-formed UTF-8 sequence at s (n bytes left), or 0 when
 * s does not start one: overlong forms, surrogates and code points past
 * U+10FFFF are refused (RFC 3629 section 4), as are the C1 controls
 * (U+0080-U+009F, which terminals take as escapes) and the line and
 * paragraph separators U+2028/U+2029.
 */
static size_t
log_utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len = utf8_seq_len(s, n, &cp);

	if (len == 0 || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 ||
	    cp == 0x2029)
		return 0;
	return len;
}

/*
 * Copy the NUL-terminated message src into dst with control characters
 * and bytes that are not well-formed UTF-8 made visible: \n, \r, \t and
 * \xNN (ESC is \x1b). Whatever a client managed to put into a message
 * (a TLS server name, a machine name, a token claim), the line stays one
 * line and cannot drive the terminal that shows it. A backslash is kept
 * as it is, so strings that callers already escaped read the same.
 */
void
log_sanitize(char *dst, size_t dstlen, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t n = strlen(src), i, o = 0, len;
	char esc[5];
	const char *out;

	if (dstlen == 0)
		return;
	for (i = 0; i < n; i += len) {
		out = (const char *)s + i;
		if (s[i] >= 0x20 && s[i] < 0x7f)
			len = 1;
		else if (s[i] >= 0x80 && (len = log_utf8_len(s + i, n - i)) != 0)
			;
		else {
			len = 1;
			out = esc;
			if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
				esc[0] = '\\';
				esc[1] = s[i] == '\n' ? 'n' : s[i] == '\r' ? 'r' : 't';
				esc[2] = '\0';
			} else {
				esc[0] = '\\';
				esc[1] = 'x';
				esc[2] = hex[s[i] >> 4];
				esc[3] = hex[s[i] & 0xf];
				esc[4] = '\0';
			}
		}
		if (out == esc) {
			if (o + strlen(esc) >= dstlen)
				break;
			memcpy(dst + o, esc, strlen(esc));
			o += strlen(esc);
		} else {
			if (o + len >= dstlen)
				break;
			memcpy(dst + o, out, len);
			o += len;
		}
	}
	dst[o] = '\0';
}

/* Write one formatted line at a level. */
static void
log_vmsg(enum log_level level, const char *func, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char raw[2048], msg[sizeof raw * 2];
	struct timespec ts;
	struct tm tm;
	char stamp[32];

	if (level > log_level)
		return;
	vsnprintf(raw, sizeof raw, fmt, ap);
	log_sanitize(msg, sizeof msg, raw);
	if (log_syslog) {
		syslog(prio[level], "%s: %s", func, msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ldZ %s[%s] %s: %s\n", stamp, ts.tv_nsec / 1000000,
	    log_name, log_level_names[level], func, msg);
}

void
log_msg(enum log_level level, const char *func, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, func, fmt, ap);
	va_end(ap);
}

/* Log at debug level with an error code's description appended. */
void
log_debug_fr(int r, const char *func, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (log_level < LOG_LEVEL_DEBUG)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_msg(LOG_LEVEL_DEBUG, func, "%s: %s", msg, efsgw_err(r));
}

void
fatal_impl(int with_errno, const char *func, const char *fmt, ...)
{
	char msg[1024];
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (with_errno)
		log_msg(LOG_LEVEL_ERROR, func, "fatal: %s: %s", msg, strerror(saved));
	else
		log_msg(LOG_LEVEL_ERROR, func, "fatal: %s", msg);
	exit(1);
}

/* Escape untrusted bytes for a log line. */
char *
log_escape(char *dst, size_t dstlen, const void *src, size_t srclen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = src;
	size_t i, o = 0;

	if (dstlen == 0)
		return dst;
	for (i = 0; i < srclen; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = (char)s[i];
		} else {
			if (o + 4 >= dstlen)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[s[i] >> 4];
			dst[o++] = hex[s[i] & 0xf];
		}
	}
	dst[o] = '\0';
	return dst;
}
