/*
 * efsgw - promparse: a strict, bounded parser of the Prometheus text
 * exposition format, version 0.0.4 (prometheus.io/docs/instrumenting/
 * exposition_formats, "Text format details"), which is what the gateway's
 * admin endpoint serves and `efsgwctl status` reads.
 *
 * The input is untrusted text from the network: every line is bounded
 * (PROM_MAX_LINE), every sample's label count is bounded
 * (PROM_MAX_LABELS), the document's sample count is bounded
 * (PROM_MAX_SAMPLES), label values must be valid UTF-8 with only the
 * three escapes the format defines (\\, \" and \n), and a line that does
 * not parse is reported with its number and skipped instead of being
 * guessed at. Allocation is sized from what was actually read, never from
 * a declared count. The parser never exits the process.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "ctl.h"

/* A cursor over one line. */
struct prom_cur {
	const char	*p;
	size_t		 len;
	size_t		 off;
};

/* Whether c may start a metric name ([a-zA-Z_:]). */
static int
promparse_name_start(int c, int colon)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    (colon && c == ':');
}

/* Whether c may continue a metric or label name. */
static int
promparse_name_char(int c, int colon)
{
	return promparse_name_start(c, colon) || (c >= '0' && c <= '9');
}

/* Skip blanks (space and tab are the format's only separators). */
static void
promparse_skip(struct prom_cur *c)
{
	while (c->off < c->len && (c->p[c->off] == ' ' || c->p[c->off] == '\t'))
		c->off++;
}

/* Peek the next byte, or -1 at the end. */
static int
promparse_peek(const struct prom_cur *c)
{
	return c->off < c->len ? (unsigned char)c->p[c->off] : -1;
}

/* Read a name into a new string; colon allows ':' (metric names). */
static int
promparse_name(struct prom_cur *c, int colon, char **outp, const char **why)
{
	size_t start = c->off;

	*outp = NULL;
	if (!promparse_name_start(promparse_peek(c), colon)) {
		*why = colon ? "bad metric name" : "bad label name";
		return EFSGW_ERR_SYNTAX;
	}
	while (c->off < c->len && promparse_name_char((unsigned char)c->p[c->off], colon))
		c->off++;
	if ((*outp = strndup(c->p + start, c->off - start)) == NULL) {
		*why = "out of memory";
		return EFSGW_ERR_NOMEM;
	}
	return 0;
}

/* Length of the UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t
promparse_utf8(const unsigned char *s, size_t n)
{
	uint32_t cp;

	if (n > 0 && s[0] < 0x80)
		return 1;
	return utf8_seq_len(s, n, &cp);
}

/* Read a quoted label value, undoing \\, \" and \n. */
static int
promparse_value_str(struct prom_cur *c, char **outp, const char **why)
{
	char *out;
	size_t n = 0, k;

	*outp = NULL;
	if (promparse_peek(c) != '"') {
		*why = "label value not quoted";
		return EFSGW_ERR_SYNTAX;
	}
	c->off++;
	/* The unescaped value is never longer than what is left of the line. */
	if ((out = malloc(c->len - c->off + 1)) == NULL) {
		*why = "out of memory";
		return EFSGW_ERR_NOMEM;
	}
	for (;;) {
		int ch = promparse_peek(c);

		if (ch < 0) {
			*why = "unterminated label value";
			goto bad;
		}
		if (ch == '"') {
			c->off++;
			break;
		}
		if (ch == '\\') {
			c->off++;
			switch (promparse_peek(c)) {
			case '\\':
				out[n++] = '\\';
				break;
			case '"':
				out[n++] = '"';
				break;
			case 'n':
				out[n++] = '\n';
				break;
			default:
				*why = "bad escape in label value";
				goto bad;
			}
			c->off++;
			continue;
		}
		if (ch == 0) {
			*why = "NUL byte in label value";
			goto bad;
		}
		k = promparse_utf8((const unsigned char *)c->p + c->off, c->len - c->off);
		if (k == 0) {
			*why = "label value is not UTF-8";
			goto bad;
		}
		memcpy(out + n, c->p + c->off, k);
		n += k;
		c->off += k;
	}
	out[n] = '\0';
	*outp = out;
	return 0;
bad:
	free(out);
	return EFSGW_ERR_SYNTAX;
}

/* Read the label set after '{' up to and including '}'. */
static int
promparse_labels(struct prom_cur *c, struct prom_sample *s, const char **why)
{
	struct prom_label *l;
	size_t i;
	int r;

	c->off++;	/* '{' */
	for (;;) {
		promparse_skip(c);
		if (promparse_peek(c) == '}') {
			c->off++;
			return 0;
		}
		if (s->nlabels == PROM_MAX_LABELS) {
			*why = "too many labels";
			return EFSGW_ERR_TOO_MANY;
		}
		if (s->labels == NULL &&
		    (s->labels = calloc(PROM_MAX_LABELS, sizeof *s->labels)) == NULL) {
			*why = "out of memory";
			return EFSGW_ERR_NOMEM;
		}
		l = &s->labels[s->nlabels];
		if ((r = promparse_name(c, 0, &l->name, why)) != 0)
			return r;
		s->nlabels++;	/* from here on the label is freed with s */
		for (i = 0; i + 1 < s->nlabels; i++) {
			if (strcmp(s->labels[i].name, l->name) == 0) {
				*why = "duplicate label name";
				return EFSGW_ERR_SYNTAX;
			}
		}
		promparse_skip(c);
		if (promparse_peek(c) != '=') {
			*why = "expected '=' after label name";
			return EFSGW_ERR_SYNTAX;
		}
		c->off++;
		promparse_skip(c);
		if ((r = promparse_value_str(c, &l->value, why)) != 0)
			return r;
		promparse_skip(c);
		if (promparse_peek(c) == ',') {
			c->off++;	/* a trailing comma is allowed */
			continue;
		}
		if (promparse_peek(c) != '}') {
			*why = "expected ',' or '}' after label value";
			return EFSGW_ERR_SYNTAX;
		}
	}
}

/* Take the next blank-separated token: its start and length. */
static void
promparse_token(struct prom_cur *c, const char **tp, size_t *tlen)
{
	size_t start = c->off;

	while (c->off < c->len && c->p[c->off] != ' ' && c->p[c->off] != '\t')
		c->off++;
	*tp = c->p + start;
	*tlen = c->off - start;
}

/* Compare token t (n bytes) with lower-case word w, ignoring case. */
static int
promparse_word(const char *t, size_t n, const char *w)
{
	size_t i;

	if (n != strlen(w))
		return 0;
	for (i = 0; i < n; i++) {
		char ch = t[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (ch != w[i])
			return 0;
	}
	return 1;
}

/*
 * Parse a sample value: a decimal float, or Inf/NaN with an optional sign
 * as Go's ParseFloat (which Prometheus uses) spells them. Hex floats and
 * anything strtod would skip over are refused.
 */
static int
promparse_float(const char *t, size_t n, double *vp)
{
	char buf[64], *end;
	size_t i, digits = 0;
	int neg = 0;
	const char *w = t;
	size_t wn = n;

	*vp = 0;
	if (n == 0 || n >= sizeof buf)
		return EFSGW_ERR_SYNTAX;
	if (w[0] == '+' || w[0] == '-') {
		neg = w[0] == '-';
		w++;
		wn--;
	}
	if (promparse_word(w, wn, "inf") || promparse_word(w, wn, "infinity")) {
		*vp = neg ? -INFINITY : INFINITY;
		return 0;
	}
	if (promparse_word(w, wn, "nan")) {
		*vp = NAN;
		return 0;
	}
	for (i = 0; i < n; i++) {
		char ch = t[i];

		if (ch >= '0' && ch <= '9')
			digits++;
		else if (ch != '.' && ch != 'e' && ch != 'E' && ch != '+' && ch != '-')
			return EFSGW_ERR_SYNTAX;
	}
	if (digits == 0)
		return EFSGW_ERR_SYNTAX;
	memcpy(buf, t, n);
	buf[n] = '\0';
	errno = 0;
	*vp = strtod(buf, &end);
	/* ERANGE on underflow still gives a usable 0 or denormal. */
	if (end != buf + n || (errno == ERANGE && isinf(*vp)))
		return EFSGW_ERR_SYNTAX;
	return 0;
}

/* Parse a timestamp: a decimal int64 of milliseconds. */
static int
promparse_ts(const char *t, size_t n, int64_t *tsp)
{
	size_t i = 0;
	int neg = 0;
	uint64_t v = 0, lim;

	*tsp = 0;
	if (n > 0 && (t[0] == '-' || t[0] == '+')) {
		neg = t[0] == '-';
		i = 1;
	}
	if (i == n)
		return EFSGW_ERR_SYNTAX;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		unsigned d;

		if (t[i] < '0' || t[i] > '9')
			return EFSGW_ERR_SYNTAX;
		d = (unsigned)(t[i] - '0');
		if (v > (lim - d) / 10)
			return EFSGW_ERR_BAD_VALUE;
		v = v * 10 + d;
	}
	*tsp = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* Check a "# HELP" or "# TYPE" line; other comments are free text. */
static int
promparse_comment(struct prom_cur *c, const char **why)
{
	static const char *const types[] = {
		"counter", "gauge", "histogram", "summary", "untyped",
	};
	const char *kw, *t;
	size_t kwlen, tlen, i;
	char *name = NULL;
	int r, is_type;

	c->off++;	/* '#' */
	promparse_skip(c);
	promparse_token(c, &kw, &kwlen);
	is_type = kwlen == 4 && memcmp(kw, "TYPE", 4) == 0;
	if (!is_type && !(kwlen == 4 && memcmp(kw, "HELP", 4) == 0))
		return 0;
	promparse_skip(c);
	if ((r = promparse_name(c, 1, &name, why)) != 0)
		return r;
	free(name);
	if (c->off < c->len && c->p[c->off] != ' ' && c->p[c->off] != '\t') {
		*why = "bad metric name";
		return EFSGW_ERR_SYNTAX;
	}
	promparse_skip(c);
	if (!is_type) {
		/* Docstring: only \\ and \n are escapes. */
		for (; c->off < c->len; c->off++) {
			if (c->p[c->off] == '\0') {
				*why = "NUL byte in HELP";
				return EFSGW_ERR_SYNTAX;
			}
			if (c->p[c->off] != '\\')
				continue;
			c->off++;
			if (c->off == c->len || (c->p[c->off] != '\\' && c->p[c->off] != 'n')) {
				*why = "bad escape in HELP";
				return EFSGW_ERR_SYNTAX;
			}
		}
		return 0;
	}
	promparse_token(c, &t, &tlen);
	promparse_skip(c);
	for (i = 0; i < nitems(types); i++) {
		if (tlen == strlen(types[i]) && memcmp(t, types[i], tlen) == 0)
			break;
	}
	if (i == nitems(types) || c->off != c->len) {
		*why = "bad TYPE line";
		return EFSGW_ERR_SYNTAX;
	}
	return 0;
}

/* Free what promparse_line put in s and zero it. */
void
promparse_sample_clear(struct prom_sample *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nlabels; i++) {
		free(s->labels[i].name);
		free(s->labels[i].value);
	}
	free(s->labels);
	free(s->name);
	memset(s, 0, sizeof *s);
}

/* Parse one line into *s: 1 sample, 0 nothing, or a negative code. */
int
promparse_line(const char *line, size_t len, struct prom_sample *s,
    const char **why)
{
	struct prom_cur c = { line, len, 0 };
	const char *t;
	size_t tlen, name_end;
	int r;

	memset(s, 0, sizeof *s);
	*why = NULL;
	if (len > PROM_MAX_LINE) {
		*why = "line too long";
		return EFSGW_ERR_TOO_LONG;
	}
	promparse_skip(&c);
	if (c.off == c.len)
		return 0;
	if (c.p[c.off] == '#')
		return promparse_comment(&c, why);
	if ((r = promparse_name(&c, 1, &s->name, why)) != 0)
		goto bad;
	name_end = c.off;
	promparse_skip(&c);
	if (promparse_peek(&c) == '{') {
		if ((r = promparse_labels(&c, s, why)) != 0)
			goto bad;
		promparse_skip(&c);
	} else if (c.off == name_end && c.off < c.len) {
		/* A blank must separate name and value: "foo-1" is junk. */
		*why = "bad metric name";
		r = EFSGW_ERR_SYNTAX;
		goto bad;
	}
	promparse_token(&c, &t, &tlen);
	if (tlen == 0) {
		*why = "missing value";
		r = EFSGW_ERR_SYNTAX;
		goto bad;
	}
	if ((r = promparse_float(t, tlen, &s->value)) != 0) {
		*why = "bad value";
		goto bad;
	}
	promparse_skip(&c);
	if (c.off < c.len) {
		promparse_token(&c, &t, &tlen);
		if ((r = promparse_ts(t, tlen, &s->ts_ms)) != 0) {
			*why = "bad timestamp";
			goto bad;
		}
		s->has_ts = 1;
		promparse_skip(&c);
		if (c.off < c.len) {
			*why = "trailing text after timestamp";
			r = EFSGW_ERR_TRAILING;
			goto bad;
		}
	}
	return 1;
bad:
	promparse_sample_clear(s);
	return r;
}

/* Note a bad line: count it and keep the first few. */
static void
promparse_note(struct prom_doc *d, size_t line, const char *why)
{
	d->bad_lines++;
	if (d->nerrors < PROM_MAX_ERRORS) {
		d->errors[d->nerrors].line = line;
		d->errors[d->nerrors].why = why;
		d->nerrors++;
	}
}

/* Parse a whole exposition into a new document. */
int
promparse(const char *text, size_t len, struct prom_doc **docp)
{
	struct prom_doc *d;
	struct prom_sample s, *ns;
	size_t off = 0, lineno = 0, n;
	const char *nl, *why;
	int r;

	*docp = NULL;
	if ((d = calloc(1, sizeof *d)) == NULL)
		return EFSGW_ERR_NOMEM;
	while (off < len) {
		lineno++;
		nl = memchr(text + off, '\n', len - off);
		n = nl != NULL ? (size_t)(nl - (text + off)) : len - off;
		r = promparse_line(text + off, n, &s, &why);
		off += n + (nl != NULL);
		if (r == EFSGW_ERR_NOMEM)
			goto fail;
		if (r < 0) {
			promparse_note(d, lineno, why);
			continue;
		}
		if (r == 0)
			continue;
		if (d->nsamples == PROM_MAX_SAMPLES) {
			promparse_sample_clear(&s);
			r = EFSGW_ERR_TOO_MANY;
			goto fail;
		}
		if (d->nsamples == d->alloc) {
			size_t na = d->alloc == 0 ? 64 : d->alloc * 2;

			if ((ns = reallocarray(d->samples, na, sizeof *ns)) == NULL) {
				promparse_sample_clear(&s);
				r = EFSGW_ERR_NOMEM;
				goto fail;
			}
			d->samples = ns;
			d->alloc = na;
		}
		d->samples[d->nsamples++] = s;
	}
	*docp = d;
	return 0;
fail:
	promparse_free(d);
	return r;
}

/* Free a document and its samples. NULL is ignored. */
void
promparse_free(struct prom_doc *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nsamples; i++)
		promparse_sample_clear(&d->samples[i]);
	free(d->samples);
	free(d);
}

/* Value of label name in s, or NULL. */
const char *
promparse_label(const struct prom_sample *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nlabels; i++) {
		if (strcmp(s->labels[i].name, name) == 0)
			return s->labels[i].value;
	}
	return NULL;
}
