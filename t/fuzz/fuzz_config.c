/*
 * efsgw - libFuzzer target for the daemon's config syntax (proxy/config.c):
 * config_parse() on arbitrary text, and the -T promise on whatever parses:
 * config_print() output parses back to a configuration that prints the
 * same (STYLE.md 21).
 *
 * config_parse() resolves backend host names with getaddrinfo(). A fuzzer
 * must not send DNS queries (and the tests talk only to loopback), so the
 * build links with -Wl,--wrap=getaddrinfo and every lookup here is made
 * numeric-only: a name fails as an unknown host would.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int __real_getaddrinfo(const char *, const char *, const struct addrinfo *,
    struct addrinfo **);
int __wrap_getaddrinfo(const char *, const char *, const struct addrinfo *,
    struct addrinfo **);

/* getaddrinfo() without name resolution (see the file comment). */
int
__wrap_getaddrinfo(const char *host, const char *serv,
    const struct addrinfo *hints, struct addrinfo **res)
{
	struct addrinfo h;

	memset(&h, 0, sizeof h);
	if (hints != NULL)
		h = *hints;
	h.ai_flags |= AI_NUMERICHOST | AI_NUMERICSERV;
	return __real_getaddrinfo(host, serv, &h, res);
}

/* Print c into a new string (caller frees). */
static char *
fuzz_config_print(const struct config *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	config_print(c, f);
	if (fclose(f) != 0)
		abort();
	return text;
}

/* Parse one input as a config file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c = NULL, *c2 = NULL;
	char *text, *cause = NULL, *p1, *p2, *w;

	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (config_parse("fuzz.conf", text, &c, &cause) != 0) {
		if (c != NULL || cause == NULL)
			abort();
		free(cause);
		free(text);
		return 0;
	}
	if (c == NULL)
		abort();
	free(cause);
	cause = NULL;
	/* -T round trip: the printed config parses to the same config. */
	p1 = fuzz_config_print(c);
	if (config_parse("printed.conf", p1, &c2, &cause) != 0) {
		fprintf(stderr, "printed config does not parse: %s\n---\n%s---\n",
		    cause, p1);
		abort();
	}
	p2 = fuzz_config_print(c2);
	if (strcmp(p1, p2) != 0) {
		fprintf(stderr, "config changes when printed and parsed again\n"
		    "---\n%s---\n%s---\n", p1, p2);
		abort();
	}
	if ((w = config_reload_warnings(c, c2)) != NULL) {
		fprintf(stderr, "reload of an identical config warns: %s\n", w);
		abort();
	}
	free(p1);
	free(p2);
	config_release(c2);
	config_release(c);
	free(text);
	return 0;
}
