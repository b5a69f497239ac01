/*
 * efsgw - the backend root probe. A file system is one export of an NFS
 * server, and clients must see that export's root as "/": PUTROOTFH from a
 * client becomes PUTFH of the export's root handle. This file finds that
 * handle (and the root's fsid and fileid, which the LOOKUPP guard needs)
 * with the gateway's own COMPOUND: PUTROOTFH, one LOOKUP per level of the
 * export path, GETFH, GETATTR. It retries until the server answers and
 * repeats as a health check.
 *
 * Health, which /readyz reports, follows the backend within moments rather
 * than the probe interval: between probes the gateway holds one idle TCP
 * connection to the server (the watch), whose close or reset means the
 * server went away or restarted; client connections report their backend
 * connects and resets (fsroot_report). Each such sign starts a probe at
 * once (at most one every FSROOT_KICK_MS); a refused connect or a reset
 * marks the file system unhealthy at once, a successful probe or backend
 * connection healthy again. A clean close by the server is not a failure
 * by itself (servers close idle connections): the probe decides.
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
#define FSROOT_TIMEOUT		10
#define FSROOT_KICK_MS		250	/* least time between prompted probes */

struct fsroot {
	struct event_base	*base;
	char			 fs_id[CONFIG_FSID_MAX];
	char			*export;
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	uint32_t		 interval;
	struct event		*timer;
	struct backcall		*call;
	struct fsroot_info	 info;		/* info.fhlen 0: not known yet */
	int			 healthy;
	int			 failures;
	int			 transport_down; /* the last failure was a connect or reset */
	char			 why[160];	/* why not healthy */
	struct bufferevent	*watch;		/* idle connection to the server */
	int64_t			 last_start;	/* mono_ms of the last probe */
};

static void fsroot_schedule(struct fsroot *, uint32_t seconds);
static void fsroot_kick(struct fsroot *);
static void fsroot_watch_open(struct fsroot *);

/* Close the watch connection. */
static void
fsroot_watch_close(struct fsroot *fr)
{
	if (fr->watch != NULL)
		bufferevent_free(fr->watch);
	fr->watch = NULL;
}

/* Mark the file system unhealthy (logged once per outage). */
static void
fsroot_down(struct fsroot *fr, const char *why, int transport)
{
	if (fr->healthy || fr->failures == 0)
		log_warn("%s: backend not reachable: %s", fr->fs_id, why);
	snprintf(fr->why, sizeof fr->why, "%s", why);
	fr->healthy = 0;
	fr->transport_down = transport;
}

/* Record a failed probe and schedule a retry. */
static void
fsroot_failed(struct fsroot *fr, const char *why, int transport)
{
	if (fr->healthy || fr->failures == 0)
		log_warn("%s: backend root probe failed: %s; retrying",
		    fr->fs_id, why);
	else
		log_debug("%s: backend root probe failed again: %s", fr->fs_id, why);
	fsroot_watch_close(fr);
	snprintf(fr->why, sizeof fr->why, "root probe: %s", why);
	fr->healthy = 0;
	fr->transport_down = transport;
	fr->failures++;
	fsroot_schedule(fr, fr->failures < 10 ? FSROOT_RETRY_SECONDS :
	    (fr->interval < 5 ? fr->interval : 5));
}

/* The probe answered. */
static void
fsroot_done(void *arg, int err, const char *why,
    const struct backcall_result *res)
{
	struct fsroot *fr = arg;
	size_t old = fr->info.fhlen;

	fr->call = NULL;
	if (err != 0) {
		fsroot_failed(fr, why, 1);
		return;
	}
	if (res->status != NFS4_OK || res->fhlen == 0 || !res->has_attrs) {
		fsroot_failed(fr, res->status == NFS4ERR_NOENT ?
		    "the export path does not exist on the server" :
		    res->status == NFS4ERR_MINOR_VERS_MISMATCH ?
		    "the server does not speak NFSv4.0" :
		    nfs4_status_name(res->status), 0);
		return;
	}
	if (res->fhlen > FSROOT_MAX_BACKEND_FH) {
		/* Sealed handles must fit NFS4_FHSIZE (RFC 7530 §4.2.1). */
		log_error("%s: the server's handles are %zu bytes; efsgw needs "
		    "them at most %d bytes to seal them; refusing to serve",
		    fr->fs_id, res->fhlen, FSROOT_MAX_BACKEND_FH);
		fsroot_failed(fr, "handles too long to seal", 0);
		return;
	}
	memcpy(fr->info.fh, res->fh, res->fhlen);
	fr->info.fhlen = res->fhlen;
	fr->info.fsid_major = res->fsid_major;
	fr->info.fsid_minor = res->fsid_minor;
	fr->info.fileid = res->fileid;
	fr->info.space_used = res->space_total > res->space_free ?
	    res->space_total - res->space_free : 0;
	if (!fr->healthy)
		log_info("%s: backend reachable, export %s root handle is %zu "
		    "bytes", fr->fs_id, fr->export, fr->info.fhlen);
	if (old != 0 && old != fr->info.fhlen)
		log_warn("%s: export root handle changed", fr->fs_id);
	fr->healthy = 1;
	fr->failures = 0;
	fr->transport_down = 0;
	fr->why[0] = '\0';
	fsroot_watch_open(fr);
	fsroot_schedule(fr, fr->interval);
}

/* Start one probe. */
static void
fsroot_start(evutil_socket_t fd, short what, void *arg)
{
	struct fsroot *fr = arg;
	struct evbuffer *ops;
	uint32_t nops = 1;

	if (fr->call != NULL)
		return;
	fr->last_start = mono_ms();
	if ((ops = evbuffer_new()) == NULL)
		fatalx("out of memory");
	if (xdrbuf_put_u32(ops, OP_PUTROOTFH) != 0 ||
	    backcall_put_lookups(ops, fr->export, &nops) != 0 ||
	    backcall_put_getfh_attrs(ops, &nops) != 0) {
		evbuffer_free(ops);
		fsroot_failed(fr, "export path has a level longer than 255 bytes",
		    0);
		return;
	}
	fr->call = backcall_start(fr->base, (struct sockaddr *)&fr->addr,
	    fr->addrlen, ops, nops, FSROOT_TIMEOUT, fsroot_done, fr);
	evbuffer_free(ops);
	if (fr->call == NULL)
		fsroot_failed(fr, "connect failed", 1);
}

/* Probe now, or as soon as FSROOT_KICK_MS has passed since the last one. */
static void
fsroot_kick(struct fsroot *fr)
{
	int64_t wait = fr->last_start + FSROOT_KICK_MS - mono_ms();
	struct timeval tv = { 0, 0 };

	if (fr->call != NULL)
		return;		/* its answer is as fresh as a new one */
	if (wait > 0 && fr->last_start != 0) {
		tv.tv_sec = wait / 1000;
		tv.tv_usec = (wait % 1000) * 1000;
	}
	evtimer_add(fr->timer, &tv);
}

/* The server sent bytes on the watch: it has nothing to say; discard. */
static void
fsroot_watch_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);

	evbuffer_drain(in, evbuffer_get_length(in));
}

/* The watch connection closed or failed: find out why with a probe. */
static void
fsroot_watch_event(struct bufferevent *bev, short what, void *arg)
{
	struct fsroot *fr = arg;
	int e = EVUTIL_SOCKET_ERROR();

	if (what & BEV_EVENT_CONNECTED)
		return;
	fsroot_watch_close(fr);
	if ((what & BEV_EVENT_ERROR) && e != 0)
		fsroot_report(fr, e == ECONNRESET ? FSROOT_CONN_RESET :
		    FSROOT_CONN_FAILED, evutil_socket_error_to_string(e));
	else
		fsroot_report(fr, FSROOT_CONN_CLOSED, "closed");
}

/* Hold an idle connection to the server, to learn at once when it goes. */
static void
fsroot_watch_open(struct fsroot *fr)
{
	struct bufferevent *bev;

	if (fr->watch != NULL)
		return;
	if ((bev = bufferevent_socket_new(fr->base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		return;		/* health then follows the probes alone */
	bufferevent_setcb(bev, fsroot_watch_read, NULL, fsroot_watch_event, fr);
	bufferevent_enable(bev, EV_READ);
	if (bufferevent_socket_connect(bev, (struct sockaddr *)&fr->addr,
	    (int)fr->addrlen) != 0) {
		bufferevent_free(bev);
		return;
	}
	fr->watch = bev;
}

/* A backend connection told something about the server's health. */
void
fsroot_report(struct fsroot *fr, enum fsroot_event ev, const char *why)
{
	if (fr == NULL)
		return;
	switch (ev) {
	case FSROOT_CONN_OK:
		if (fr->healthy)
			return;
		/* Reachable again: healthy at once if only the transport failed. */
		if (fr->transport_down && fr->info.fhlen != 0) {
			log_info("%s: backend reachable again", fr->fs_id);
			fr->healthy = 1;
			fr->transport_down = 0;
			fr->why[0] = '\0';
		}
		break;
	case FSROOT_CONN_FAILED:
		fsroot_down(fr, why != NULL ? why : "connect failed", 1);
		break;
	case FSROOT_CONN_RESET:
		fsroot_down(fr, why != NULL ? why : "connection reset", 1);
		break;
	case FSROOT_CONN_CLOSED:
		break;
	}
	fsroot_kick(fr);
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

	fr = xcalloc(1, sizeof *fr);
	fr->base = base;
	snprintf(fr->fs_id, sizeof fr->fs_id, "%s", fs->id);
	if ((fr->timer = evtimer_new(base, fsroot_start, fr)) == NULL)
		fatalx("evtimer_new");
	fsroot_update(fr, fs, interval);
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
	if (changed) {
		/* A new backend or path: forget the old root and probe now. */
		backcall_cancel(fr->call);
		fr->call = NULL;
		fsroot_watch_close(fr);
		memset(&fr->info, 0, sizeof fr->info);
		fr->healthy = 0;
		fr->failures = 0;
		snprintf(fr->why, sizeof fr->why, "not probed yet");
		fsroot_schedule(fr, 0);
	}
}

void
fsroot_free(struct fsroot *fr)
{
	if (fr == NULL)
		return;
	backcall_cancel(fr->call);
	fsroot_watch_close(fr);
	if (fr->timer != NULL)
		event_free(fr->timer);
	free(fr->export);
	free(fr);
}

/* Borrow the root's handle and identity. */
const struct fsroot_info *
fsroot_get(const struct fsroot *fr)
{
	if (fr == NULL || fr->info.fhlen == 0)
		return NULL;
	return &fr->info;
}

int
fsroot_healthy(const struct fsroot *fr)
{
	return fr != NULL && fr->healthy;
}

/* Why the file system is not healthy ("" when it is). */
const char *
fsroot_why(const struct fsroot *fr)
{
	return fr == NULL ? "unknown file system" : fr->healthy ? "" : fr->why;
}

const char *
fsroot_fs_id(const struct fsroot *fr)
{
	return fr->fs_id;
}
