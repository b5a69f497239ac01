/*
 * efsgw - common definitions shared by every program: error codes,
 * logging and allocation helpers.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_COMMON_H
#define EFSGW_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Error codes returned (negated) by parsers and other code that must never
 * exit. 0 is success; efsgw_err() turns any code into a string.
 */
#define EFSGW_ERR_INTERNAL	-1	/* should not happen */
#define EFSGW_ERR_NOMEM		-2	/* allocation failed */
#define EFSGW_ERR_TRUNCATED	-3	/* input ended inside a field */
#define EFSGW_ERR_TOO_LONG	-4	/* a length exceeds its limit */
#define EFSGW_ERR_BAD_VALUE	-5	/* a value is outside its domain */
#define EFSGW_ERR_TOO_MANY	-6	/* a count exceeds its limit */
#define EFSGW_ERR_TRAILING	-7	/* bytes left after a complete message */
#define EFSGW_ERR_BAD_DISCRIM	-8	/* union discriminant with no arm */
#define EFSGW_ERR_UNKNOWN_OP	-9	/* an opcode this version lacks */
#define EFSGW_ERR_SYNTAX	-10	/* text input does not parse */
#define EFSGW_ERR_SYSTEM	-11	/* a system call failed (see errno) */
#define EFSGW_ERR_NOT_FOUND	-12	/* no such item */
#define EFSGW_ERR_BAD_RPC	-13	/* malformed ONC RPC header */
#define EFSGW_ERR_DEPTH		-14	/* nesting too deep */
#define EFSGW_ERR_MISMATCH	-15	/* a rewritten record differs from its plan */
#define EFSGW_ERR_MAX		-15

/* clock.c: CLOCK_MONOTONIC in nanoseconds, milliseconds, seconds. */
uint64_t mono_ns(void);
int64_t	 mono_ms(void);
double	 mono_seconds(void);

/* err.c */
/*
 * Length of the well-formed multi-byte UTF-8 sequence at s, n bytes left
 * (RFC 3629: no overlong forms, surrogates or values past U+10FFFF), with
 * its code point in *cpp; 0 for anything else (an ASCII byte included).
 */
size_t	 utf8_seq_len(const unsigned char *s, size_t n, uint32_t *cpp);

/* Return a static description of error code r (0 or EFSGW_ERR_*). */
const char	*efsgw_err(int r);

/* log.c */
enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };
/* Start logging as program name to stderr, or to syslog when use_syslog. */
void	 log_init(const char *name, int use_syslog, enum log_level level);
void	 log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parse "error", "warn", "info" or "debug"; -1 if unknown. */
int	 log_level_parse(const char *s);
const char *log_level_name(enum log_level level);
void	 log_msg(enum log_level, const char *func, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));
void	 fatal_impl(int with_errno, const char *func, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4), noreturn));
/*
 * Copy at most dstlen-1 bytes of untrusted src (srclen bytes) into dst with
 * every non-printable byte written as \xNN, so that client strings cannot
 * forge log lines. Always NUL-terminates; returns dst.
 */
char	*log_escape(char *dst, size_t dstlen, const void *src, size_t srclen);
/*
 * Copy message src into dst (dstlen bytes, always NUL-terminated) with
 * control characters and malformed UTF-8 written as \n, \r, \t or \xNN.
 * Every log line passes through it, so no caller can forget it.
 */
void	 log_sanitize(char *dst, size_t dstlen, const char *src);

#define log_debug(...)	do { if (log_get_level() >= LOG_LEVEL_DEBUG) \
	log_msg(LOG_LEVEL_DEBUG, __func__, __VA_ARGS__); } while (0)
#define log_info(...)	log_msg(LOG_LEVEL_INFO, __func__, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LEVEL_WARN, __func__, __VA_ARGS__)
#define log_error(...)	log_msg(LOG_LEVEL_ERROR, __func__, __VA_ARGS__)
/* Log and exit(1), appending strerror(errno). */
#define fatal(...)	fatal_impl(1, __func__, __VA_ARGS__)
/* Log and exit(1). */
#define fatalx(...)	fatal_impl(0, __func__, __VA_ARGS__)
/* Log an error code r from a call described by the format. */
#define debug_fr(r, ...) log_debug_fr(r, __func__, __VA_ARGS__)
void	 log_debug_fr(int r, const char *func, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));

/* file.c */
/*
 * Read the regular file path (at most max bytes) into a new NUL-terminated
 * buffer (*textp, caller frees; *lenp its length). With private set, a
 * file group or others may read is refused. 0, or a code with *cause.
 */
int	 file_read_small(const char *path, size_t max, int private,
	     char **textp, size_t *lenp, char **cause);

/* xmalloc.c: daemon glue only; these call fatal() when memory runs out. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...) __attribute__((format(printf, 2, 3)));

/* Number of elements of a fixed array. */
#define nitems(a) (sizeof(a) / sizeof((a)[0]))

#endif /* EFSGW_COMMON_H */
