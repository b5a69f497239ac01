/*
 * efsgw - allocation helpers for daemon glue: they never return NULL, they
 * end the process instead. Parsers must not use them (they return
 * EFSGW_ERR_NOMEM so that one bad request cannot stop the gateway).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* Allocate size bytes or exit. */
void *
xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		fatalx("zero size");
	if ((p = malloc(size)) == NULL)
		fatal("xmalloc %zu bytes", size);
	return p;
}

/* Allocate a zeroed array or exit. */
void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		fatalx("zero size");
	if ((p = calloc(n, size)) == NULL)
		fatal("xcalloc %zu * %zu bytes", n, size);
	return p;
}

/* Resize an array with overflow check, or exit. */
void *
xreallocarray(void *ptr, size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		fatalx("zero size");
	if (n > SIZE_MAX / size)
		fatalx("xreallocarray %zu * %zu overflows", n, size);
	if ((p = realloc(ptr, n * size)) == NULL)
		fatal("xreallocarray %zu * %zu bytes", n, size);
	return p;
}

/* Duplicate a string or exit. */
char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		fatal("xstrdup");
	return p;
}

/* Duplicate at most n bytes of a string or exit. */
char *
xstrndup(const char *s, size_t n)
{
	char *p;

	if ((p = strndup(s, n)) == NULL)
		fatal("xstrndup");
	return p;
}

/* Format into a new string or exit; returns its length. */
int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n < 0 || *ret == NULL)
		fatal("xasprintf");
	return n;
}
