/*
 * efsgw - conform-run: one run of the conformance test against one server:
 * the connection (re-made after the server or the gateway drops it), the
 * COMPOUNDs and the transcript they leave, and the labels that stand for
 * values two servers may legitimately spell differently.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "xdrbuf.h"
#include "conform.h"

/* Make room for n more bytes. */
static void
cfb_grow(struct cfbuf *b, size_t n)
{
	if (b->len + n <= b->cap)
		return;
	while (b->cap < b->len + n)
		b->cap = b->cap ? b->cap * 2 : 256;
	if ((b->p = realloc(b->p, b->cap)) == NULL)
		fatalx("out of memory");
}

/* Append a 32-bit word. */
void
cfb_u32(struct cfbuf *b, uint32_t v)
{
	cfb_grow(b, 4);
	xdrbuf_store_u32(b->p + b->len, v);
	b->len += 4;
}

/* Append a 64-bit hyper. */
void
cfb_u64(struct cfbuf *b, uint64_t v)
{
	cfb_u32(b, (uint32_t)(v >> 32));
	cfb_u32(b, (uint32_t)v);
}

/* Bytes padded to 4 (fixed-length opaque). */
void
cfb_fixed(struct cfbuf *b, const void *p, size_t n)
{
	size_t pad = (4 - n % 4) % 4;

	cfb_grow(b, n + pad);
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	memset(b->p + b->len + n, 0, pad);
	b->len += n + pad;
}

/* Variable-length opaque: length, bytes, padding. */
void
cfb_opaque(struct cfbuf *b, const void *p, size_t n)
{
	cfb_u32(b, (uint32_t)n);
	cfb_fixed(b, p, n);
}

/* A string as opaque. */
void
cfb_str(struct cfbuf *b, const char *s)
{
	cfb_opaque(b, s, strlen(s));
}

/* Free the buffer and zero it. */
void
cfb_free(struct cfbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* Return the label of a value, giving it the next number when new. */
const char *
cf_label(struct cf *cf, const char *kind, const void *p, size_t n)
{
	static char buf[32];
	int i;

	if (n > NFSC_FHSIZE)
		n = NFSC_FHSIZE;
	for (i = 0; i < cf->nlabels; i++) {
		struct cf_label *l = &cf->labels[i];

		if (l->len == n && strcmp(l->kind, kind) == 0 &&
		    memcmp(l->data, p, n) == 0)
			break;
	}
	if (i == cf->nlabels) {
		if (cf->nlabels == CF_NLABELS) {
			snprintf(buf, sizeof buf, "%s?", kind);
			return buf;
		}
		snprintf(cf->labels[i].kind, sizeof cf->labels[i].kind, "%s", kind);
		cf->labels[i].len = (uint32_t)n;
		memcpy(cf->labels[i].data, p, n);
		cf->nlabels++;
	}
	/* Numbered within the kind, so that kinds do not shift each other. */
	{
		int k, num = 0;

		for (k = 0; k <= i; k++)
			if (strcmp(cf->labels[k].kind, kind) == 0)
				num++;
		snprintf(buf, sizeof buf, "%s%d", kind, num);
	}
	return buf;
}

/* Connect and set up the client id (and session for 4.1+). */
int
cf_connect(struct cf *cf)
{
	char err[256];
	int r;

	cf->c = NULL;
	if ((r = nfsc_connect(&cf->opts, &cf->c, err, sizeof err)) != 0) {
		fprintf(stderr, "efsgw-conform: %s\n", err);
		return r;
	}
	if ((r = nfsc_session_create(cf->c)) != 0) {
		fprintf(stderr, "efsgw-conform: %s client set-up: %s\n", cf->ver,
		    nfsc_error(cf->c));
		nfsc_destroy(cf->c);
		cf->c = NULL;
		return r;
	}
	return 0;
}

/* Close the connection (the next call connects again). */
void
cf_disconnect(struct cf *cf)
{
	nfsc_destroy(cf->c);
	cf->c = NULL;
}

/* Start a case. */
void
cf_case(struct cf *cf, const char *fmt, ...)
{
	char id[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(id, sizeof id, fmt, ap);
	va_end(ap);
	cf->ncase++;
	cf->ncall = 0;
	/*
	 * Labels are numbered within a case: a difference in one case (a
	 * handle one server gave and the other did not) does not shift the
	 * labels of the next ones.
	 */
	cf->nlabels = 0;
	/*
	 * One open-owner and one lock-owner for the run: files and locks
	 * stay across cases, and 4.0 needs each owner's seqid.
	 */
	if (cf->owner[0] == '\0') {
		snprintf(cf->owner, sizeof cf->owner, "cf-open");
		snprintf(cf->lowner, sizeof cf->lowner, "cf-lock");
	}
	fprintf(cf->out, "CASE %s/%s\n", cf->ver, id);
	if (cf->verbose)
		fprintf(stderr, "case %s/%s\n", cf->ver, id);
}

/* Start a COMPOUND on the run's connection. */
void
cf_call_init(struct cf *cf, struct cf_call *call)
{
	memset(call, 0, sizeof *call);
	/* After a lost connection the next call starts a new one. */
	if (cf->c == NULL)
		(void)cf_connect(cf);
	call->req = cf->c != NULL ? nfsc_req_new(cf->c) : NULL;
}

/* Append one op. */
void
cf_add(struct cf_call *call, uint32_t op, const struct cfbuf *args,
    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (call->nops >= CF_MAXOPS)
		fatalx("cf_add: too many ops");
	call->ops[call->nops] = op;
	call->nops++;
	if (call->req != NULL)
		nfsc_op_raw(call->req, op, args != NULL ? args->p : NULL,
		    args != NULL ? args->len : 0);
	if (call->dlen < sizeof call->desc - 1 && !call->hidden[call->nops - 1]) {
		n = snprintf(call->desc + call->dlen, sizeof call->desc - call->dlen,
		    "%s%s", call->dlen ? " " : "", nfsc_op_name(op));
		if (n > 0)
			call->dlen += (size_t)n;
		if (fmt != NULL && call->dlen < sizeof call->desc - 1) {
			call->desc[call->dlen++] = '(';
			va_start(ap, fmt);
			n = vsnprintf(call->desc + call->dlen,
			    sizeof call->desc - call->dlen, fmt, ap);
			va_end(ap);
			if (n > 0)
				call->dlen += (size_t)n;
			if (call->dlen < sizeof call->desc - 1)
				call->desc[call->dlen++] = ')';
		}
		if (call->dlen >= sizeof call->desc)
			call->dlen = sizeof call->desc - 1;
		call->desc[call->dlen] = '\0';
	}
}

/* Send call and record its answer. */
uint32_t
cf_send(struct cf *cf, struct cf_call *call)
{
	const uint8_t *p;
	size_t len;
	uint32_t nres;
	int r;

	cf->ncall++;
	memset(&cf->last, 0, sizeof cf->last);
	fprintf(cf->out, "CALL %d %s\n", cf->ncall, call->desc);
	if (cf->c == NULL && cf_connect(cf) != 0) {
		fprintf(cf->out, "LOST cannot reconnect\n");
		cf->last.lost = 1;
		cf->last.status = UINT32_MAX;
		goto out;
	}
	if (call->req == NULL) {
		/* Built while disconnected: nothing was encoded. */
		fprintf(cf->out, "LOST not connected when built\n");
		cf->last.lost = 1;
		cf->last.status = UINT32_MAX;
		goto out;
	}
	if ((r = nfsc_submit(cf->c, call->req)) == 0)
		r = nfsc_wait(cf->c, call->req);
	if (r == 0 && (r = nfsc_res_rest(call->req, &p, &len, &nres)) == 0) {
		cf->last.status = nfsc_req_status(call->req);
		if (cf_decode(cf, call, p, len, nres) != 0)
			fprintf(cf->out, "BADREPLY\n");
		fprintf(cf->out, "END %s %u\n", nfsc_stat_name(cf->last.status),
		    nres - cf->last.nhidden);
		goto out;
	}
	/*
	 * The transport failed (the gateway closes connections on records it
	 * refuses) or the RPC was rejected: say so, and start again on a new
	 * connection for the next call.
	 */
	fprintf(cf->out, "LOST %s\n", r == EFSGW_ERR_BAD_RPC ? "RPC rejected" :
	    "connection failed");
	if (cf->verbose)
		fprintf(stderr, "  %s: %s\n", call->desc, nfsc_error(cf->c));
	cf->last.lost = 1;
	cf->last.status = UINT32_MAX;
	nfsc_req_free(call->req);
	call->req = NULL;
	cf_disconnect(cf);
	return cf->last.status;
out:
	nfsc_req_free(call->req);
	call->req = NULL;
	return cf->last.status;
}
