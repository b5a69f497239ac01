/*
 * efsgw - the tier registry in Redis, shared by every gateway and agent of
 * a file system. One string per file holds its encoded record; a set
 * lists the files so that a walk needs no KEYS/SCAN over the whole
 * server; per-file locks are SET NX PX keys released by their owner only.
 * Records are as durable as the server's persistence makes them (run it
 * with appendonly yes and appendfsync always for the registry).
 *
 *   efsgw:tier:NS:rec:MAJOR.MINOR.FILEID   encoded record
 *   efsgw:tier:NS:all                      set of MAJOR.MINOR.FILEID
 *   efsgw:tier:NS:lock:MAJOR.MINOR.FILEID  owner, with a time to live
 *   efsgw:tier:NS:usage                    encoded usage of the last walk
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "common.h"
#include "qos.h"
#include "tiering.h"

#define REDIS_TIMEOUT_SEC	5
#define REDIS_KEY_MAX		256

static const char redis_unlock_lua[] =
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('del', KEYS[1]) else return 0 end";

struct tier_redis {
	redisContext	*rc;
	char		 ns[128];
	char		 err[256];
};

/* Key for a record or lock of k. */
static void
redis_key(const struct tier_redis *t, const char *kind,
    const struct tier_key *k, char *buf, size_t len)
{
	char ks[80];

	snprintf(buf, len, "efsgw:tier:%s:%s:%s", t->ns, kind,
	    tier_key_string(k, ks, sizeof ks));
}

/* Run a command; NULL (with err set) on a transport or server error. */
static redisReply *
redis_cmd(struct tier_redis *t, const char *fmt, ...)
{
	redisReply *rep;
	va_list ap;

	if (t->rc == NULL || t->rc->err != 0) {
		snprintf(t->err, sizeof t->err, "redis: %.200s", t->rc != NULL ?
		    t->rc->errstr : "not connected");
		return NULL;
	}
	va_start(ap, fmt);
	rep = redisvCommand(t->rc, fmt, ap);
	va_end(ap);
	if (rep == NULL) {
		snprintf(t->err, sizeof t->err, "redis: %.200s", t->rc->errstr);
		return NULL;
	}
	if (rep->type == REDIS_REPLY_ERROR) {
		snprintf(t->err, sizeof t->err, "redis: %.200s", rep->str);
		freeReplyObject(rep);
		return NULL;
	}
	return rep;
}

/* Connect and select/authenticate as the URL says. */
int
tier_redis_open(const char *url, const char *ns, void **storep, char **cause)
{
	struct qos_redis_url u;
	struct tier_redis *t;
	struct timeval tv = { REDIS_TIMEOUT_SEC, 0 };
	redisReply *rep;
	const char *why;
	int r;

	*storep = NULL;
	if ((r = qos_url_parse(url, &u, &why)) != 0) {
		xasprintf(cause, "%s: %s", url, why);
		return r;
	}
	if (strlen(ns) >= sizeof t->ns || strchr(ns, ':') != NULL) {
		xasprintf(cause, "registry name '%.40s' too long or has ':'", ns);
		return EFSGW_ERR_BAD_VALUE;
	}
	t = xcalloc(1, sizeof *t);
	snprintf(t->ns, sizeof t->ns, "%s", ns);
	t->rc = redisConnectWithTimeout(u.host, u.port, tv);
	if (t->rc == NULL || t->rc->err != 0) {
		xasprintf(cause, "redis %s:%u: %s", u.host, u.port,
		    t->rc != NULL ? t->rc->errstr : "cannot connect");
		r = EFSGW_ERR_SYSTEM;
		goto fail;
	}
	redisSetTimeout(t->rc, tv);
	if (u.password[0] != '\0') {
		rep = u.username[0] != '\0' ?
		    redis_cmd(t, "AUTH %s %s", u.username, u.password) :
		    redis_cmd(t, "AUTH %s", u.password);
		if (rep == NULL)
			goto failcmd;
		freeReplyObject(rep);
	}
	if (u.db != 0) {
		if ((rep = redis_cmd(t, "SELECT %u", u.db)) == NULL)
			goto failcmd;
		freeReplyObject(rep);
	}
	if ((rep = redis_cmd(t, "PING")) == NULL)
		goto failcmd;
	freeReplyObject(rep);
	*storep = t;
	return 0;
failcmd:
	xasprintf(cause, "%s", t->err);
	r = EFSGW_ERR_SYSTEM;
fail:
	if (t->rc != NULL)
		redisFree(t->rc);
	free(t);
	return r;
}

/* GET a record. */
static int
redis_get(void *arg, const struct tier_key *k, struct tier_rec *rec)
{
	struct tier_redis *t = arg;
	char key[REDIS_KEY_MAX];
	redisReply *rep;
	int r;

	memset(rec, 0, sizeof *rec);
	redis_key(t, "rec", k, key, sizeof key);
	if ((rep = redis_cmd(t, "GET %s", key)) == NULL)
		return EFSGW_ERR_SYSTEM;
	if (rep->type == REDIS_REPLY_NIL)
		r = EFSGW_ERR_NOT_FOUND;
	else if (rep->type != REDIS_REPLY_STRING)
		r = EFSGW_ERR_BAD_VALUE;
	else
		r = tier_rec_decode((const uint8_t *)rep->str, rep->len, rec);
	if (r != 0 && r != EFSGW_ERR_NOT_FOUND)
		snprintf(t->err, sizeof t->err, "redis: record %.100s: %s", key,
		    efsgw_err(r));
	freeReplyObject(rep);
	return r;
}

/* Run MULTI; a; b; EXEC and check every reply. */
static int
redis_exec(struct tier_redis *t)
{
	redisReply *rep;
	int r = 0;

	if ((rep = redis_cmd(t, "EXEC")) == NULL)
		return EFSGW_ERR_SYSTEM;
	if (rep->type != REDIS_REPLY_ARRAY) {
		snprintf(t->err, sizeof t->err, "redis: transaction aborted");
		r = EFSGW_ERR_SYSTEM;
	}
	freeReplyObject(rep);
	return r;
}

/* SET a record and add it to the set, atomically. */
static int
redis_put(void *arg, const struct tier_rec *rec)
{
	struct tier_redis *t = arg;
	uint8_t buf[TIER_REC_ENCODED_MAX];
	char key[REDIS_KEY_MAX], set[REDIS_KEY_MAX], ks[80];
	redisReply *rep;
	size_t len;
	int r;

	if ((r = tier_rec_encode(rec, buf, sizeof buf, &len)) != 0)
		return r;
	redis_key(t, "rec", &rec->key, key, sizeof key);
	snprintf(set, sizeof set, "efsgw:tier:%s:all", t->ns);
	if ((rep = redis_cmd(t, "MULTI")) == NULL)
		return EFSGW_ERR_SYSTEM;
	freeReplyObject(rep);
	if ((rep = redis_cmd(t, "SET %s %b", key, buf, len)) == NULL)
		return EFSGW_ERR_SYSTEM;
	freeReplyObject(rep);
	if ((rep = redis_cmd(t, "SADD %s %s", set,
	    tier_key_string(&rec->key, ks, sizeof ks))) == NULL)
		return EFSGW_ERR_SYSTEM;
	freeReplyObject(rep);
	return redis_exec(t);
}

/* DEL a record and take it out of the set, atomically. */
static int
redis_del(void *arg, const struct tier_key *k)
{
	struct tier_redis *t = arg;
	char key[REDIS_KEY_MAX], set[REDIS_KEY_MAX], ks[80];
	redisReply *rep;

	redis_key(t, "rec", k, key, sizeof key);
	snprintf(set, sizeof set, "efsgw:tier:%s:all", t->ns);
	if ((rep = redis_cmd(t, "MULTI")) == NULL)
		return EFSGW_ERR_SYSTEM;
	freeReplyObject(rep);
	if ((rep = redis_cmd(t, "DEL %s", key)) == NULL)
		return EFSGW_ERR_SYSTEM;
	freeReplyObject(rep);
	if ((rep = redis_cmd(t, "SREM %s %s", set,
	    tier_key_string(k, ks, sizeof ks))) == NULL)
		return EFSGW_ERR_SYSTEM;
	freeReplyObject(rep);
	return redis_exec(t);
}

/* Parse "MAJOR.MINOR.FILEID" back into a key. */
static int
redis_parse_key(const char *s, size_t len, struct tier_key *k)
{
	char buf[80], *end, *p;
	unsigned long long v[3];
	int i;

	if (len == 0 || len >= sizeof buf)
		return EFSGW_ERR_BAD_VALUE;
	memcpy(buf, s, len);
	buf[len] = '\0';
	p = buf;
	for (i = 0; i < 3; i++) {
		if (*p < '0' || (*p > '9' && (*p < 'a' || *p > 'f')))
			return EFSGW_ERR_BAD_VALUE;
		v[i] = strtoull(p, &end, i < 2 ? 16 : 10);
		if (*end != (i < 2 ? '.' : '\0'))
			return EFSGW_ERR_BAD_VALUE;
		p = end + 1;
	}
	k->fsid_major = v[0];
	k->fsid_minor = v[1];
	k->fileid = v[2];
	return 0;
}

/* Walk the set with SSCAN and GET each record. */
static int
redis_foreach(void *arg, tier_registry_cb cb, void *cbarg)
{
	struct tier_redis *t = arg;
	char set[REDIS_KEY_MAX], cursor[32] = "0";
	struct tier_key k;
	struct tier_rec rec;
	redisReply *rep, *keys;
	size_t i;
	int r = 0, rounds;

	snprintf(set, sizeof set, "efsgw:tier:%s:all", t->ns);
	/* SSCAN until the cursor is back at 0; bounded against a bad server. */
	for (rounds = 0; rounds < 10000000; rounds++) {
		if ((rep = redis_cmd(t, "SSCAN %s %s COUNT 500", set,
		    cursor)) == NULL)
			return EFSGW_ERR_SYSTEM;
		if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
		    rep->element[0]->type != REDIS_REPLY_STRING ||
		    rep->element[0]->len >= sizeof cursor ||
		    rep->element[1]->type != REDIS_REPLY_ARRAY) {
			freeReplyObject(rep);
			snprintf(t->err, sizeof t->err, "redis: bad SSCAN reply");
			return EFSGW_ERR_BAD_VALUE;
		}
		memcpy(cursor, rep->element[0]->str, rep->element[0]->len);
		cursor[rep->element[0]->len] = '\0';
		keys = rep->element[1];
		for (i = 0; i < keys->elements && r == 0; i++) {
			if (keys->element[i]->type != REDIS_REPLY_STRING ||
			    redis_parse_key(keys->element[i]->str,
			    keys->element[i]->len, &k) != 0)
				continue;
			r = redis_get(t, &k, &rec);
			if (r == EFSGW_ERR_NOT_FOUND) {
				r = 0;	/* deleted since the scan saw it */
				continue;
			}
			if (r == 0)
				r = cb(&rec, cbarg);
		}
		freeReplyObject(rep);
		if (r != 0 || strcmp(cursor, "0") == 0)
			return r;
	}
	return EFSGW_ERR_TOO_MANY;
}

/* Take a file's lock: SET NX PX. */
static int
redis_lock(void *arg, const struct tier_key *k, const char *owner,
    uint32_t ttl_ms)
{
	struct tier_redis *t = arg;
	char key[REDIS_KEY_MAX];
	redisReply *rep;
	int r;

	redis_key(t, "lock", k, key, sizeof key);
	if ((rep = redis_cmd(t, "SET %s %s NX PX %u", key, owner,
	    ttl_ms)) == NULL)
		return EFSGW_ERR_SYSTEM;
	r = rep->type == REDIS_REPLY_STATUS;	/* OK, or nil when held */
	freeReplyObject(rep);
	return r;
}

/* Release a lock if owner still holds it (a script). */
static int
redis_unlock(void *arg, const struct tier_key *k, const char *owner)
{
	struct tier_redis *t = arg;
	char key[REDIS_KEY_MAX];
	redisReply *rep;

	redis_key(t, "lock", k, key, sizeof key);
	if ((rep = redis_cmd(t, "EVAL %s 1 %s %s", redis_unlock_lua, key,
	    owner)) == NULL)
		return EFSGW_ERR_SYSTEM;
	freeReplyObject(rep);
	return 0;
}

/* SET the usage record. */
static int
redis_put_usage(void *arg, const struct tier_usage *u)
{
	struct tier_redis *t = arg;
	uint8_t buf[TIER_USAGE_ENCODED_LEN];
	char key[REDIS_KEY_MAX];
	redisReply *rep;
	size_t len;
	int r;

	if ((r = tier_usage_encode(u, buf, sizeof buf, &len)) != 0) {
		snprintf(t->err, sizeof t->err, "usage does not encode: %s",
		    efsgw_err(r));
		return r;
	}
	snprintf(key, sizeof key, "efsgw:tier:%s:usage", t->ns);
	if ((rep = redis_cmd(t, "SET %s %b", key, buf, len)) == NULL)
		return EFSGW_ERR_SYSTEM;
	freeReplyObject(rep);
	return 0;
}

/* GET the usage record. */
static int
redis_get_usage(void *arg, struct tier_usage *u)
{
	struct tier_redis *t = arg;
	char key[REDIS_KEY_MAX];
	redisReply *rep;
	int r;

	memset(u, 0, sizeof *u);
	snprintf(key, sizeof key, "efsgw:tier:%s:usage", t->ns);
	if ((rep = redis_cmd(t, "GET %s", key)) == NULL)
		return EFSGW_ERR_SYSTEM;
	if (rep->type == REDIS_REPLY_NIL)
		r = EFSGW_ERR_NOT_FOUND;
	else if (rep->type != REDIS_REPLY_STRING)
		r = EFSGW_ERR_BAD_VALUE;
	else
		r = tier_usage_decode((const uint8_t *)rep->str, rep->len, u);
	if (r != 0 && r != EFSGW_ERR_NOT_FOUND)
		snprintf(t->err, sizeof t->err, "redis: %.100s: %s", key,
		    efsgw_err(r));
	freeReplyObject(rep);
	return r;
}

/* Nothing to compact in Redis. */
static int
redis_compact(void *arg)
{
	return 0;
}

/* The last failure. */
static const char *
redis_error(void *arg)
{
	return ((struct tier_redis *)arg)->err;
}

/* Disconnect and free. */
static void
redis_close(void *arg)
{
	struct tier_redis *t = arg;

	if (t == NULL)
		return;
	if (t->rc != NULL)
		redisFree(t->rc);
	free(t);
}

const struct tier_store_ops tier_redis_ops = {
	"redis", redis_get, redis_put, redis_del, redis_foreach, redis_lock,
	redis_unlock, redis_compact, redis_put_usage, redis_get_usage,
	redis_error, redis_close
};
