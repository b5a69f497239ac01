/*
 * efsgw - the backend root probe. A file system is one export of an NFS
 * server, and clients must see that export's root as "/": PUTROOTFH from a
 * client becomes PUTFH of the export's root handle. This file finds that
 * handle with the gateway's own COMPOUND (PUTROOTFH, LOOKUP of each path
 * component, GETFH; NFSv4.0 so that no session is needed, RFC 7530 §16),
 * retries until the server answers, and repeats it as a health check.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "proxy.h"

#define FSROOT_RETRY_SECONDS	1
#define FSROOT_MAX_COMPONENTS	64

struct fsroot {
	struct event_base	*base;
	char			 fs_id[CONFIG_FSID_MAX];
	char			*export;
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	uint32_t		 interval;
	struct event		*timer;
	struct bufferevent	*bev;		/* probe in progress */
	struct rpc_record	*rr;
	uint32_t		 xid;
	uint8_t			 fh[NFS4_FHSIZE];
	size_t			 fhlen;		/* 0: not known yet */
	int			 healthy;
	int			 failures;
};

static void fsroot_schedule(struct fsroot *, uint32_t seconds);

/* End the probe in progress. */
static void
fsroot_close(struct fsroot *fr)
{
	if (fr->bev != NULL) {
		bufferevent_free(fr->bev);
		fr->bev = NULL;
	}
	rpc_record_free(fr->rr);
	fr->rr = NULL;
}

/* Record a failed probe and schedule a retry. */
static void
fsroot_failed(struct fsroot *fr, const char *why)
{
	fsroot_close(fr);
	if (fr->healthy || fr->failures == 0)
		log_warn("%s: backend root probe failed: %s; retrying",
		    fr->fs_id, why);
	else
		log_debug("%s: backend root probe failed again: %s", fr->fs_id, why);
	fr->healthy = 0;
	fr->failures++;
	fsroot_schedule(fr, fr->failures < 10 ? FSROOT_RETRY_SECONDS :
	    (fr->interval < 5 ? fr->interval : 5));
}

/* Build the probe COMPOUND for fr->export. */
static int
fsroot_build(struct fsroot *fr, struct evbuffer *out)
{
	static const char tag[] = "efsgw-probe";
	struct evbuffer *msg;
	const char *comp[FSROOT_MAX_COMPONENTS];
	size_t clen[FSROOT_MAX_COMPONENTS], n = 0, i;
	const char *s = fr->export;
	int r;

	while (*s != '\0') {
		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		if (n == nitems(comp))
			return EFSGW_ERR_TOO_MANY;
		comp[n] = s;
		while (*s != '\0' && *s != '/')
			s++;
		clen[n] = (size_t)(s - comp[n]);
		if (clen[n] > 255)
			return EFSGW_ERR_TOO_LONG;
		n++;
	}
	if ((msg = evbuffer_new()) == NULL)
		return EFSGW_ERR_NOMEM;
	fr->xid = arc4random();
	if ((r = rpc_msg_put_call(msg, fr->xid, NFS4_PROGRAM, NFS4_VERSION,
	    NFSPROC4_COMPOUND)) != 0 ||
	    (r = xdrbuf_put_opaque(msg, tag, sizeof tag - 1)) != 0 ||
	    (r = xdrbuf_put_u32(msg, 0)) != 0 ||		/* minorversion */
	    (r = xdrbuf_put_u32(msg, (uint32_t)n + 2)) != 0 ||
	    (r = xdrbuf_put_u32(msg, OP_PUTROOTFH)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if ((r = xdrbuf_put_u32(msg, OP_LOOKUP)) != 0 ||
		    (r = xdrbuf_put_opaque(msg, comp[i], clen[i])) != 0)
			goto out;
	}
	if ((r = xdrbuf_put_u32(msg, OP_GETFH)) != 0 ||
	    (r = rpc_record_put_mark(out, evbuffer_get_length(msg))) != 0)
		goto out;
	if (evbuffer_add_buffer(out, msg) != 0)
		r = EFSGW_ERR_NOMEM;
out:
	evbuffer_free(msg);
	return r;
}

/* Decode the probe's reply; 0 and the handle, or a message in *why. */
static int
fsroot_parse(struct fsroot *fr, struct evbuffer *rec, const char **why)
{
	struct evbuffer_iovec *vec = NULL;
	struct xdrbuf b;
	struct rpc_msg m;
	uint32_t status, count, i, op, opstatus;
	size_t len;
	int n, r;

	*why = "malformed reply";
	n = evbuffer_peek(rec, -1, NULL, NULL, 0);
	if (n <= 0 || (vec = calloc((size_t)n, sizeof *vec)) == NULL)
		return EFSGW_ERR_NOMEM;
	evbuffer_peek(rec, -1, NULL, vec, n);
	xdrbuf_init(&b, vec, n);
	if ((r = rpc_msg_parse(&b, &m)) != 0)
		goto out;
	r = EFSGW_ERR_BAD_RPC;
	if (m.type != RPC_REPLY || m.xid != fr->xid)
		goto out;
	if (m.reply_stat != RPC_MSG_ACCEPTED || m.accept_stat != RPC_SUCCESS) {
		*why = "the server refused the RPC (not an NFSv4 server, or AUTH_SYS refused)";
		goto out;
	}
	if ((r = xdrbuf_get_u32(&b, &status)) != 0 ||
	    (r = xdrbuf_skip_opaque(&b, EFSGW_MAX_TAG, NULL, NULL)) != 0 ||
	    (r = xdrbuf_get_u32(&b, &count)) != 0)
		goto out;
	for (i = 0; i < count; i++) {
		if ((r = xdrbuf_get_u32(&b, &op)) != 0 ||
		    (r = xdrbuf_get_u32(&b, &opstatus)) != 0)
			goto out;
		if (opstatus != NFS4_OK) {
			*why = opstatus == NFS4ERR_NOENT ?
			    "the export path does not exist on the server" :
			    opstatus == NFS4ERR_MINOR_VERS_MISMATCH ?
			    "the server does not speak NFSv4.0" :
			    "the server returned an error walking the export path";
			r = EFSGW_ERR_NOT_FOUND;
			goto out;
		}
		if (op == OP_GETFH) {
			if ((r = xdrbuf_get_opaque(&b, NFS4_FHSIZE, fr->fh,
			    sizeof fr->fh, &len)) != 0)
				goto out;
			if (len == 0) {
				r = EFSGW_ERR_BAD_VALUE;
				goto out;
			}
			fr->fhlen = len;
			r = 0;
			goto out;
		}
	}
	if (status == NFS4ERR_MINOR_VERS_MISMATCH)
		*why = "the server does not speak NFSv4.0";
	r = EFSGW_ERR_NOT_FOUND;
out:
	free(vec);
	return r;
}

/* Reply bytes arrived. */
static void
fsroot_read_cb(struct bufferevent *bev, void *arg)
{
	struct fsroot *fr = arg;
	struct evbuffer *rec = NULL;
	const char *why;
	size_t old = fr->fhlen;
	int r;

	r = rpc_record_read(fr->rr, bufferevent_get_input(bev), &rec);
	if (r == 0)
		return;
	if (r < 0) {
		fsroot_failed(fr, "reply larger than expected");
		return;
	}
	r = fsroot_parse(fr, rec, &why);
	evbuffer_free(rec);
	if (r != 0) {
		fsroot_failed(fr, why);
		return;
	}
	fsroot_close(fr);
	if (!fr->healthy)
		log_info("%s: backend reachable, export %s root handle is %zu "
		    "bytes", fr->fs_id, fr->export, fr->fhlen);
	if (old != 0 && old != fr->fhlen)
		log_warn("%s: export root handle changed", fr->fs_id);
	fr->healthy = 1;
	fr->failures = 0;
	fsroot_schedule(fr, fr->interval);
}

/* Connection events of the probe. */
static void
fsroot_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct fsroot *fr = arg;
	char msg[128];

	if (what & BEV_EVENT_CONNECTED)
		return;
	if (what & BEV_EVENT_TIMEOUT)
		fsroot_failed(fr, "timed out");
	else if (what & BEV_EVENT_EOF)
		fsroot_failed(fr, "connection closed by the server");
	else {
		snprintf(msg, sizeof msg, "%s", strerror(EVUTIL_SOCKET_ERROR()));
		fsroot_failed(fr, msg);
	}
}

/* Start one probe. */
static void
fsroot_start(evutil_socket_t fd, short what, void *arg)
{
	struct fsroot *fr = arg;
	struct timeval tv = { 10, 0 };

	if (fr->bev != NULL)
		return;
	fr->bev = bufferevent_socket_new(fr->base, -1, BEV_OPT_CLOSE_ON_FREE);
	fr->rr = rpc_record_new(64 * 1024);
	if (fr->bev == NULL || fr->rr == NULL) {
		fsroot_failed(fr, "out of memory");
		return;
	}
	bufferevent_setcb(fr->bev, fsroot_read_cb, NULL, fsroot_event_cb, fr);
	bufferevent_set_timeouts(fr->bev, &tv, &tv);
	if (fsroot_build(fr, bufferevent_get_output(fr->bev)) != 0) {
		fsroot_failed(fr, "export path has too many or too long components");
		return;
	}
	if (bufferevent_socket_connect(fr->bev, (struct sockaddr *)&fr->addr,
	    (int)fr->addrlen) != 0) {
		fsroot_failed(fr, "connect failed");
		return;
	}
	bufferevent_enable(fr->bev, EV_READ | EV_WRITE);
}

/* Run the probe again in seconds. */
static void
fsroot_schedule(struct fsroot *fr, uint32_t seconds)
{
	struct timeval tv = { seconds, 0 };

	evtimer_add(fr->timer, &tv);
}

/* Start probing a file system's export. */
struct fsroot *
fsroot_new(struct event_base *base, const struct config_fs *fs,
    uint32_t interval)
{
	struct fsroot *fr;
	struct timeval now = { 0, 0 };

	fr = xcalloc(1, sizeof *fr);
	fr->base = base;
	snprintf(fr->fs_id, sizeof fr->fs_id, "%s", fs->id);
	fsroot_update(fr, fs, interval);
	if ((fr->timer = evtimer_new(base, fsroot_start, fr)) == NULL)
		fatalx("evtimer_new");
	evtimer_add(fr->timer, &now);
	return fr;
}

/* Take a new config generation's settings. */
void
fsroot_update(struct fsroot *fr, const struct config_fs *fs, uint32_t interval)
{
	int changed;

	changed = fr->export == NULL || strcmp(fr->export, fs->export) != 0 ||
	    fr->addrlen != fs->backend_addrlen ||
	    memcmp(&fr->addr, &fs->backend_addr, fs->backend_addrlen) != 0;
	free(fr->export);
	fr->export = xstrdup(fs->export);
	memcpy(&fr->addr, &fs->backend_addr, fs->backend_addrlen);
	fr->addrlen = fs->backend_addrlen;
	fr->interval = interval;
	if (changed && fr->timer != NULL) {
		/* A new backend or path: forget the old root and probe now. */
		fsroot_close(fr);
		fr->fhlen = 0;
		fr->healthy = 0;
		fr->failures = 0;
		fsroot_schedule(fr, 0);
	}
}

void
fsroot_free(struct fsroot *fr)
{
	if (fr == NULL)
		return;
	fsroot_close(fr);
	if (fr->timer != NULL)
		event_free(fr->timer);
	free(fr->export);
	free(fr);
}

/* Borrow the root handle. */
int
fsroot_get(const struct fsroot *fr, const uint8_t **fhp, size_t *lenp)
{
	*fhp = NULL;
	*lenp = 0;
	if (fr == NULL || fr->fhlen == 0)
		return EFSGW_ERR_NOT_FOUND;
	*fhp = fr->fh;
	*lenp = fr->fhlen;
	return 0;
}

int
fsroot_healthy(const struct fsroot *fr)
{
	return fr != NULL && fr->healthy;
}

const char *
fsroot_fs_id(const struct fsroot *fr)
{
	return fr->fs_id;
}
