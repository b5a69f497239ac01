/*
 * efsgw - the daemon's configuration: a small hand-written keyword parser
 * driven by one declarative table per section (name, type, range, default,
 * offset, reloadable), a commit hook for cross-field checks, and a printer
 * whose output parses back to the same configuration (-T).
 *
 * Syntax: "keyword value" per line, '#' to end of line is a comment, and
 * blocks "filesystem ID {" / "listener NAME {" closed by "}".
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include <openssl/crypto.h>

#include "auth.h"
#include "identity.h"
#include "policy.h"
#include "proxy.h"
#include "qos.h"
#include "tiering.h"

enum config_type {
	CONFIG_UINT,		/* uint32_t within [min, max] */
	CONFIG_BOOL,		/* int: yes/no/true/false/on/off */
	CONFIG_STRING,		/* char * */
	CONFIG_LOGLEVEL,	/* int */
	CONFIG_FSADDR,		/* backend host:port, names allowed */
	CONFIG_LISTENADDR,	/* numeric host:port */
	CONFIG_PATH,		/* absolute path (char *) */
	CONFIG_FSREF,		/* a file system id (char *) */
	CONFIG_GRANTS,		/* uint32_t GRANT_* mask from "mount,write,root" */
	CONFIG_APREF,		/* an access point id (char *) */
};

enum config_section { SECTION_GLOBAL, SECTION_FS, SECTION_LISTENER };

struct config_item {
	const char		*name;
	enum config_type	 type;
	enum config_section	 section;
	size_t			 offset;
	uint32_t		 min;
	uint32_t		 max;
	const char		*def;		/* NULL: required (or unset) */
	int			 reloadable;
	const char		*help;
};

#define G(f) offsetof(struct config, f)
#define F(f) offsetof(struct config_fs, f)
#define L(f) offsetof(struct config_listener, f)

static const struct config_item config_items[] = {
	{ "log-level", CONFIG_LOGLEVEL, SECTION_GLOBAL, G(log_level), 0, 0,
	  "info", 1, "error, warn, info or debug" },
	{ "max-record-size", CONFIG_UINT, SECTION_GLOBAL, G(max_record),
	  8192, 64 * 1024 * 1024, "1114112", 1,
	  "largest RPC record accepted, in bytes; larger ones close the connection" },
	{ "max-record-size-preauth", CONFIG_UINT, SECTION_GLOBAL,
	  G(max_record_preauth), 1024, 64 * 1024 * 1024, "65536", 1,
	  "largest record before the client's first valid NFSv4 call" },
	{ "record-timeout", CONFIG_UINT, SECTION_GLOBAL, G(record_timeout), 1,
	  3600, "30", 1,
	  "seconds a client has to deliver a whole record once its first byte "
	  "came; past this deadline it is closed (however it trickles)" },
	{ "idle-timeout", CONFIG_UINT, SECTION_GLOBAL, G(idle_timeout), 0,
	  86400 * 7, "0", 1,
	  "seconds a client may stay silent with no call in flight; 0 = forever" },
	{ "drain-timeout", CONFIG_UINT, SECTION_GLOBAL, G(drain_timeout), 0,
	  3600, "10", 1, "seconds SIGTERM waits for calls in flight" },
	{ "connect-timeout", CONFIG_UINT, SECTION_GLOBAL, G(connect_timeout), 1,
	  600, "10", 1, "seconds allowed to connect to a backend" },
	{ "max-connections", CONFIG_UINT, SECTION_GLOBAL, G(max_conns), 1,
	  1000000, "25000", 1, "client connections at once (EFS: 25,000 per file system)" },
	{ "max-calls-in-flight", CONFIG_UINT, SECTION_GLOBAL, G(max_pending), 1,
	  65536, "1024", 1,
	  "calls one connection may have outstanding; reading pauses above it" },
	{ "max-preauth-connections", CONFIG_UINT, SECTION_GLOBAL,
	  G(max_preauth), 1, 1000000, "1024", 1,
	  "connections that have not had a call forwarded yet (TLS handshake, "
	  "first record); at the limit, or at max-connections, the oldest of "
	  "them is closed to make room" },
	{ "max-output-queue", CONFIG_UINT, SECTION_GLOBAL, G(max_output_queue),
	  64 * 1024, 1024 * 1024 * 1024, "4194304", 1,
	  "bytes queued to one client, or to its backend, before the gateway "
	  "stops reading what adds to it (the client's calls; for the client's "
	  "queue, the server's replies too); it reads again at a quarter" },
	{ "probe-interval", CONFIG_UINT, SECTION_GLOBAL, G(probe_interval), 1,
	  3600, "15", 1, "seconds between backend root probes" },
	{ "redis", CONFIG_STRING, SECTION_GLOBAL, G(redis), 0, 0, "none", 1,
	  "redis://[:password@]host:port[/db] shared by every gateway of a file "
	  "system for QoS, or none (buckets in this process)" },
	{ "redis-password-file", CONFIG_PATH, SECTION_GLOBAL,
	  G(redis_password_file), 0, 0, NULL, 1,
	  "file holding the Redis password (first line; not readable by "
	  "others), so that it is neither in the config nor in the logs" },
	{ "gateway-id", CONFIG_STRING, SECTION_GLOBAL, G(gateway_id), 0, 0, NULL,
	  1, "this gateway's name in metrics and Redis (default: host name)" },
	{ "region", CONFIG_STRING, SECTION_GLOBAL, G(region), 0, 0, "us-east-1",
	  1, "AWS-style region: in ARNs, SNI names and SigV4 (efs-utils signs with it)" },
	{ "account", CONFIG_STRING, SECTION_GLOBAL, G(account), 0, 0,
	  "000000000000", 1, "account id used in file system and access point ARNs" },
	{ "handshake-timeout", CONFIG_UINT, SECTION_GLOBAL, G(handshake_timeout),
	  1, 600, "10", 1, "seconds a TLS handshake may take" },
	{ "identity-credentials", CONFIG_PATH, SECTION_GLOBAL, G(id_credentials),
	  0, 0, NULL, 1, "SigV4 credentials file for stock efs-utils clients (JSON)" },
	{ "identity-jwt-keys", CONFIG_PATH, SECTION_GLOBAL, G(id_jwt_keys), 0, 0,
	  NULL, 1, "JWT verification keys: a PEM public key, or a JWKS file (*.json)" },
	{ "identity-jwt-hs256-secret", CONFIG_PATH, SECTION_GLOBAL,
	  G(id_jwt_hs256), 0, 0, NULL, 1,
	  "file holding an HS256 secret; HS256 tokens are refused without it" },
	{ "identity-jwt-issuer", CONFIG_STRING, SECTION_GLOBAL,
	  G(id_jwt_issuer), 0, 0, NULL, 1,
	  "iss of the tokens identity-jwt-keys and the HS256 secret sign "
	  "(JWKs with their own \"iss\" member keep it); required with JWT keys" },
	{ "identity-jwt-require-cnf", CONFIG_BOOL, SECTION_GLOBAL,
	  G(id_jwt_require_cnf), 0, 0, "no", 1,
	  "refuse JWTs without a cnf claim binding them to the certificate's key" },
	{ "identity-audience", CONFIG_STRING, SECTION_GLOBAL, G(id_audience), 0,
	  0, "efsgw", 1, "comma-separated audiences a JWT must name (the id of "
	  "the listener's file system is accepted too, no other one)" },
	{ "identity-client-ca", CONFIG_PATH, SECTION_GLOBAL, G(id_client_ca), 0,
	  0, NULL, 1, "CA file for client certificates (principal from SAN)" },
	{ "identity-clock-skew", CONFIG_UINT, SECTION_GLOBAL, G(id_skew), 0, 3600,
	  "300", 1, "seconds of clock skew allowed for token and signature times" },
	{ "audit-log", CONFIG_STRING, SECTION_GLOBAL, G(audit_log), 0, 0,
	  "syslog", 1, "where audit JSON lines go: a file path, syslog or none" },
	{ "admin-address", CONFIG_STRING, SECTION_GLOBAL, G(admin_address), 0, 0,
	  "127.0.0.1:9649", 0, "admin HTTP (/metrics, /healthz, /readyz) host:port, "
	  "or none" },
	{ "state-dir", CONFIG_PATH, SECTION_GLOBAL, G(state_dir), 0, 0,
	  "/var/lib/efsgw", 1,
	  "where generated handle key files are kept (created 0700 if missing)" },
	{ "user", CONFIG_STRING, SECTION_GLOBAL, G(user), 0, 0, "efsgw", 0,
	  "user to run as once listeners, keys and logs are open (when started "
	  "as root); root: stay root" },
	{ "group", CONFIG_STRING, SECTION_GLOBAL, G(group), 0, 0, NULL, 0,
	  "group to run as (default: the user's primary group)" },
	{ "capture-dir", CONFIG_PATH, SECTION_GLOBAL, G(capture_dir), 0, 0,
	  NULL, 1, "debug: save every RPC record into this directory (fuzz seeds)" },

	{ "backend", CONFIG_FSADDR, SECTION_FS, F(backend), 0, 0, NULL, 1,
	  "NFSv4 server as host:port (required)" },
	{ "export", CONFIG_PATH, SECTION_FS, F(export), 0, 0, "/", 1,
	  "path of the export on the server; clients see it as /" },
	{ "handle-keys", CONFIG_PATH, SECTION_FS, F(handle_keys), 0, 0, NULL, 1,
	  "handle key file shared by every gateway of the file system "
	  "(default STATE-DIR/ID.keys, created with a new key when missing)" },
	{ "access-points", CONFIG_PATH, SECTION_FS, F(access_points), 0, 0,
	  NULL, 1, "JSON file of access points (AWS CLI shapes)" },
	{ "anon-uid", CONFIG_UINT, SECTION_FS, F(anon_uid), 0, 4294967295u,
	  "65534", 1, "uid that root and AUTH_NONE callers become when squashed" },
	{ "anon-gid", CONFIG_UINT, SECTION_FS, F(anon_gid), 0, 4294967295u,
	  "65534", 1, "gid that root and AUTH_NONE callers become when squashed" },
	{ "qos", CONFIG_BOOL, SECTION_FS, F(qos_enabled), 0, 0, "yes", 1,
	  "enforce the throughput and IOPS budgets below (no: meter nothing)" },
	{ "throughput-mode", CONFIG_STRING, SECTION_FS, F(tp_mode), 0, 0,
	  "elastic", 1, "bursting, provisioned or elastic (EFS throughput modes)" },
	{ "provisioned-throughput", CONFIG_UINT, SECTION_FS, F(provisioned_mibps),
	  0, 3125, "0", 1, "MiB/s in provisioned mode (1 to 3125)" },
	{ "performance-mode", CONFIG_STRING, SECTION_FS, F(perf_mode), 0, 0,
	  "generalPurpose", 1, "generalPurpose (IOPS ceilings) or maxIO; fixed "
	  "once the file system has served (recorded in state-dir)" },
	{ "storage-size", CONFIG_UINT, SECTION_FS, F(storage_mib), 0,
	  4294967295u, "0", 1, "MiB of Standard storage for bursting; 0: every "
	  "storage-refresh seconds, efsgw-tier's StorageBytes Standard for a "
	  "tiered file system (once a walk is recorded), else the backend's "
	  "space used" },
	{ "storage-refresh", CONFIG_UINT, SECTION_FS, F(storage_refresh), 1,
	  86400, "3600", 1, "seconds between storage measurements (EFS: hourly)" },
	{ "qos-baseline-min", CONFIG_UINT, SECTION_FS, F(q_baseline_min_kib), 1,
	  4294967295u, "1024", 1, "KiB/s: least baseline rate in bursting mode" },
	{ "qos-burst-min", CONFIG_UINT, SECTION_FS, F(q_burst_min_mib), 1,
	  1048576, "100", 1, "MiB/s: least burst rate in bursting mode" },
	{ "qos-credit-cap-min", CONFIG_UINT, SECTION_FS, F(q_credit_cap_min_mib),
	  1, 4294967295u, "2202010", 1, "MiB: least burst credit balance cap "
	  "(EFS: 2.1 TiB); a new file system starts full" },
	{ "qos-read-iops", CONFIG_UINT, SECTION_FS, F(q_read_iops), 1,
	  100000000, "35000", 1, "read ops/s ceiling in generalPurpose mode" },
	{ "qos-write-iops", CONFIG_UINT, SECTION_FS, F(q_write_iops), 1,
	  100000000, "7000", 1, "write ops/s ceiling in generalPurpose mode" },
	{ "qos-client-max", CONFIG_UINT, SECTION_FS, F(q_client_max_mib), 0,
	  1048576, "0", 1, "MiB/s one connection may use; 0: EFS's (1500 "
	  "elastic, 500 otherwise)" },
	{ "policy", CONFIG_PATH, SECTION_FS, F(policy_path), 0, 0, NULL, 1,
	  "EFS file-system policy (JSON, as put-file-system-policy takes it); "
	  "none: every client may mount, write and be root, as on EFS" },
	{ "tls-cert", CONFIG_PATH, SECTION_FS, F(tls_cert), 0, 0, NULL, 1,
	  "certificate for this file system's TLS name (SNI fs-ID.efs...)" },
	{ "tls-key", CONFIG_PATH, SECTION_FS, F(tls_key), 0, 0, NULL, 1,
	  "private key of tls-cert" },
	{ "reserved-port", CONFIG_BOOL, SECTION_FS, F(reserved_port), 0, 0,
	  "no", 1, "connect from a source port below 1024 (knfsd 'secure')" },
	{ "share-deny", CONFIG_STRING, SECTION_FS, F(share_deny), 0, 0,
	  "pass", 1, "OPEN share deny modes: pass (to the server, which "
	  "enforces them) or refuse (NFS4ERR_NOTSUPP, as EFS does)" },
	{ "lifecycle", CONFIG_STRING, SECTION_FS, F(lifecycle_path), 0, 0,
	  "none", 1, "lifecycle configuration: a JSON file as "
	  "put-lifecycle-configuration takes it, default (IA after 30 days, "
	  "Archive after 90) or none (no tiering)" },
	{ "tier-ia", CONFIG_STRING, SECTION_FS, F(tier_ia), 0, 0, "none", 1,
	  "NFSv4 export holding Infrequent Access data, as HOST:PORT:/export, "
	  "or none" },
	{ "tier-archive", CONFIG_STRING, SECTION_FS, F(tier_archive), 0, 0,
	  "none", 1, "NFSv4 export holding Archive data, as HOST:PORT:/export, "
	  "or none" },
	{ "tier-registry", CONFIG_STRING, SECTION_FS, F(tier_registry), 0, 0,
	  "none", 1, "where the tier registry lives: redis://host:port[/db] "
	  "(shared by every host) or an absolute path (a journal file, shared "
	  "by the gateway and efsgw-tier of one host)" },
	{ "tier-min-size", CONFIG_UINT, SECTION_FS, F(tier_min_kib), 0,
	  4194304, "128", 1, "KiB: smaller files never leave Standard "
	  "(EFS: 128)" },
	{ "tier-archive-compress", CONFIG_BOOL, SECTION_FS,
	  F(tier_archive_zstd), 0, 0, "yes", 1,
	  "store Archive copies as zstd frames" },

	{ "address", CONFIG_LISTENADDR, SECTION_LISTENER, L(address), 0, 0,
	  NULL, 0, "address:port to accept clients on (required)" },
	{ "filesystem", CONFIG_FSREF, SECTION_LISTENER, L(fs_id), 0, 0, NULL, 0,
	  "file system served (default: the only one defined)" },
	{ "grants", CONFIG_GRANTS, SECTION_LISTENER, L(grants), 0, 0,
	  "mount,write,root", 1,
	  "actions every client of this listener holds: a list of mount, write "
	  "and root, or none (EFS with no file-system policy: all three)" },
	{ "access-point", CONFIG_APREF, SECTION_LISTENER, L(ap_id), 0, 0, NULL,
	  1, "access point every client of this listener is confined to" },
	{ "tls", CONFIG_BOOL, SECTION_LISTENER, L(tls), 0, 0, "no", 1,
	  "terminate TLS 1.2/1.3 (clients present their identity certificate)" },
	{ "tls-cert", CONFIG_PATH, SECTION_LISTENER, L(tls_cert), 0, 0, NULL, 1,
	  "server certificate (chain) of this listener; default: its file system's tls-cert" },
	{ "tls-key", CONFIG_PATH, SECTION_LISTENER, L(tls_key), 0, 0, NULL, 1,
	  "private key of the listener's tls-cert" },
};

static int config_load_text(const char *, struct config **, char **);

static const char *const config_section_names[] = {
	"global", "filesystem", "listener"
};

/* Parser state for one file. */
struct config_parser {
	const char		*name;
	int			 line;
	struct config		*conf;
	enum config_section	 section;
	void			*obj;		/* struct being filled */
	uint8_t			 set[nitems(config_items)];
	char			*cause;
};

/* Record an error at the current line. */
static int
config_error(struct config_parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
config_error(struct config_parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (p->cause == NULL)
		xasprintf(&p->cause, "%s:%d: %s", p->name, p->line, msg);
	return EFSGW_ERR_SYNTAX;
}

/* Return the base of the struct an item of section s writes into. */
static void *
config_target(struct config_parser *p, enum config_section s)
{
	return s == SECTION_GLOBAL ? (void *)p->conf : p->obj;
}

/* Parse an unsigned decimal within [min, max]. */
static int
config_parse_uint(const char *v, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)v[0]))
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

/* Parse a yes/no word. */
static int
config_parse_bool(const char *v, int *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "on") == 0) {
		*out = 1;
		return 0;
	}
	if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
	    strcmp(v, "off") == 0) {
		*out = 0;
		return 0;
	}
	return -1;
}

/* Parse "mount,write,root" (any order, any subset) or "none". */
static int
config_parse_grants(const char *v, uint32_t *out)
{
	char buf[64], *tok, *save;
	uint32_t g = 0;

	if (strcmp(v, "none") == 0) {
		*out = 0;
		return 0;
	}
	if (strlen(v) >= sizeof buf)
		return -1;
	snprintf(buf, sizeof buf, "%s", v);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "mount") == 0)
			g |= GRANT_MOUNT;
		else if (strcmp(tok, "write") == 0)
			g |= GRANT_WRITE;
		else if (strcmp(tok, "root") == 0)
			g |= GRANT_ROOT;
		else
			return -1;
	}
	*out = g;
	return 0;
}

/* Check an EFS-style file system id: fs- followed by 8 to 17 hex digits. */
static int
config_valid_fsid(const char *s)
{
	size_t i, n;

	if (strncmp(s, "fs-", 3) != 0)
		return 0;
	n = strlen(s + 3);
	if (n < 8 || n > 17)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[3 + i]) ||
		    isupper((unsigned char)s[3 + i]))
			return 0;
	}
	return 1;
}

/* Store one value v for item it. */
static int
config_set(struct config_parser *p, const struct config_item *it, const char *v)
{
	void *base = config_target(p, it->section);
	char *cause = NULL, **sp;
	int lvl, r;

	switch (it->type) {
	case CONFIG_UINT:
		if (config_parse_uint(v, it->min, it->max,
		    (uint32_t *)((char *)base + it->offset)) != 0)
			return config_error(p, "%s: '%s' is not a number from %u to %u",
			    it->name, v, it->min, it->max);
		break;
	case CONFIG_BOOL:
		if (config_parse_bool(v, (int *)((char *)base + it->offset)) != 0)
			return config_error(p, "%s: '%s' is not yes or no",
			    it->name, v);
		break;
	case CONFIG_LOGLEVEL:
		if ((lvl = log_level_parse(v)) < 0)
			return config_error(p, "%s: '%s' is not error, warn, info or debug",
			    it->name, v);
		*(int *)((char *)base + it->offset) = lvl;
		break;
	case CONFIG_FSADDR:
	case CONFIG_LISTENADDR:
		if (it->type == CONFIG_FSADDR) {
			struct config_fs *fs = base;
			r = addr_parse(v, 0, &fs->backend_addr,
			    &fs->backend_addrlen, &cause);
		} else {
			struct config_listener *l = base;
			r = addr_parse(v, 1, &l->addr, &l->addrlen, &cause);
		}
		if (r != 0) {
			r = config_error(p, "%s: %s", it->name, cause);
			free(cause);
			return r;
		}
		sp = (char **)((char *)base + it->offset);
		free(*sp);
		*sp = xstrdup(v);
		break;
	case CONFIG_GRANTS:
		if (config_parse_grants(v, (uint32_t *)((char *)base + it->offset)) != 0)
			return config_error(p, "%s: '%s' is not a list of mount, "
			    "write and root (or none)", it->name, v);
		break;
	case CONFIG_APREF:
		if (strncmp(v, "fsap-", 5) != 0 || strlen(v) != 22 ||
		    strspn(v + 5, "0123456789abcdef") != 17)
			return config_error(p, "%s: '%s' is not an access point id "
			    "(fsap- and 17 lowercase hex digits)", it->name, v);
		sp = (char **)((char *)base + it->offset);
		free(*sp);
		*sp = xstrdup(v);
		break;
	case CONFIG_PATH:
		if (v[0] != '/')
			return config_error(p, "%s: '%s' is not an absolute path",
			    it->name, v);
		if (strlen(v) > 1024)
			return config_error(p, "%s: path longer than 1024 bytes",
			    it->name);
		/* FALLTHROUGH */
	case CONFIG_STRING:
	case CONFIG_FSREF:
		if (it->type == CONFIG_FSREF && !config_valid_fsid(v))
			return config_error(p, "%s: '%s' is not a file system id "
			    "(fs- and 8 to 17 lowercase hex digits)", it->name, v);
		sp = (char **)((char *)base + it->offset);
		free(*sp);
		*sp = xstrdup(v);
		break;
	}
	return 0;
}

/* Set every unset item of section s to its default. */
static int
config_defaults(struct config_parser *p, enum config_section s)
{
	size_t i;
	int r;

	for (i = 0; i < nitems(config_items); i++) {
		if (config_items[i].section != s || p->set[i])
			continue;
		if (config_items[i].def == NULL)
			continue;
		if ((r = config_set(p, &config_items[i], config_items[i].def)) != 0)
			return r;
	}
	return 0;
}

/* Check required items of the section just closed. */
static int
config_required(struct config_parser *p, enum config_section s)
{
	size_t i;

	for (i = 0; i < nitems(config_items); i++) {
		if (config_items[i].section != s || p->set[i] ||
		    config_items[i].def != NULL)
			continue;
		if (config_items[i].type == CONFIG_PATH ||
		    config_items[i].type == CONFIG_FSREF ||
		    config_items[i].type == CONFIG_APREF)
			continue;	/* optional strings */
		return config_error(p, "%s block is missing '%s'",
		    config_section_names[s], config_items[i].name);
	}
	return 0;
}

/* Split a line into at most 3 words; returns the count or -1. */
static int
config_split(char *line, char **w, int max)
{
	int n = 0;
	char *s = line;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			return n;
		if (n == max)
			return -1;
		w[n++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '#')
			s++;
		if (*s == '#') {
			*s = '\0';
			return n;
		}
		if (*s == '\0')
			return n;
		*s++ = '\0';
	}
}

/* Open a block "filesystem ID {" or "listener NAME {". */
static int
config_open_block(struct config_parser *p, char **w, int n)
{
	struct config_fs *fs;
	struct config_listener *l;

	if (n != 3 || strcmp(w[2], "{") != 0)
		return config_error(p, "expected '%s NAME {'", w[0]);
	if (p->section != SECTION_GLOBAL)
		return config_error(p, "blocks cannot nest");
	memset(p->set, 0, sizeof p->set);
	if (strcmp(w[0], "filesystem") == 0) {
		if (!config_valid_fsid(w[1]))
			return config_error(p, "'%s' is not a file system id "
			    "(fs- and 8 to 17 lowercase hex digits)", w[1]);
		if (config_find_fs(p->conf, w[1]) != NULL)
			return config_error(p, "file system %s defined twice", w[1]);
		fs = xcalloc(1, sizeof *fs);
		snprintf(fs->id, sizeof fs->id, "%s", w[1]);
		fs->line = p->line;
		TAILQ_INSERT_TAIL(&p->conf->filesystems, fs, entry);
		p->obj = fs;
		p->section = SECTION_FS;
	} else {
		TAILQ_FOREACH(l, &p->conf->listeners, entry) {
			if (strcmp(l->name, w[1]) == 0)
				return config_error(p, "listener %s defined twice",
				    w[1]);
		}
		if (strlen(w[1]) > 64)
			return config_error(p, "listener name longer than 64 bytes");
		l = xcalloc(1, sizeof *l);
		l->name = xstrdup(w[1]);
		l->line = p->line;
		TAILQ_INSERT_TAIL(&p->conf->listeners, l, entry);
		p->obj = l;
		p->section = SECTION_LISTENER;
	}
	return config_defaults(p, p->section);
}

/* Parse one line. */
static int
config_line(struct config_parser *p, char *line)
{
	char *w[3];
	size_t i;
	int n, r;

	if ((n = config_split(line, w, 3)) < 0)
		return config_error(p, "too many words");
	if (n == 0)
		return 0;
	if (strcmp(w[0], "}") == 0) {
		if (n != 1)
			return config_error(p, "unexpected text after '}'");
		if (p->section == SECTION_GLOBAL)
			return config_error(p, "'}' without a block");
		if ((r = config_required(p, p->section)) != 0)
			return r;
		p->section = SECTION_GLOBAL;
		p->obj = NULL;
		return 0;
	}
	if (strcmp(w[0], "filesystem") == 0 && p->section == SECTION_GLOBAL)
		return config_open_block(p, w, n);
	if (strcmp(w[0], "listener") == 0 && p->section == SECTION_GLOBAL)
		return config_open_block(p, w, n);
	for (i = 0; i < nitems(config_items); i++) {
		if (strcmp(config_items[i].name, w[0]) != 0)
			continue;
		if (config_items[i].section != p->section)
			continue;
		if (n != 2)
			return config_error(p, "%s takes exactly one value", w[0]);
		if (p->set[i] && p->section == SECTION_GLOBAL)
			return config_error(p, "%s set twice", w[0]);
		p->set[i] = 1;
		return config_set(p, &config_items[i], w[1]);
	}
	for (i = 0; i < nitems(config_items); i++) {
		if (strcmp(config_items[i].name, w[0]) == 0)
			return config_error(p, "%s belongs in a %s block, not %s",
			    w[0], config_section_names[config_items[i].section],
			    p->section == SECTION_GLOBAL ? "at the top level" :
			    config_section_names[p->section]);
	}
	return config_error(p, "unknown keyword '%.64s' (efsgw --help-config lists them)", w[0]);
}

/*
 * The redis URL with its password, if any, replaced by "***": what logs
 * and messages show (redis://[user]:PASSWORD@host...).
 */
static void
config_redis_display(struct config *c)
{
	const char *s = c->redis, *p, *slash, *at, *colon;

	free(c->redis_display);
	if (strncmp(s, "redis://", 8) != 0) {
		c->redis_display = xstrdup(s);
		return;
	}
	p = s + 8;
	slash = p + strcspn(p, "/");
	at = memchr(p, '@', (size_t)(slash - p));
	colon = at != NULL ? memchr(p, ':', (size_t)(at - p)) : NULL;
	if (colon == NULL) {
		c->redis_display = xstrdup(s);
		return;
	}
	xasprintf(&c->redis_display, "%.*s***%s", (int)(colon + 1 - s), s, at);
}

/*
 * Put the password of redis-password-file into the URL the gateway
 * connects to. The file must not be readable by others; the password
 * is its first line and must fit in a URL (no '/', '@', blanks).
 */
static int
config_redis_password(struct config *c, char **cause)
{
	char buf[512], *at, *p;
	struct stat st;
	FILE *f;
	size_t n;

	if (c->redis_password_file == NULL)
		return 0;
	if (strcmp(c->redis, "none") == 0 || strncmp(c->redis, "redis://", 8) != 0) {
		xasprintf(cause, "redis-password-file needs a redis:// URL in redis");
		return EFSGW_ERR_BAD_VALUE;
	}
	p = c->redis + 8;
	at = memchr(p, '@', strcspn(p, "/"));
	if (at != NULL && memchr(p, ':', (size_t)(at - p)) != NULL) {
		xasprintf(cause, "redis has a password in its URL and "
		    "redis-password-file gives one too: keep only the file");
		return EFSGW_ERR_BAD_VALUE;
	}
	if ((f = fopen(c->redis_password_file, "r")) == NULL) {
		xasprintf(cause, "redis-password-file %s: %s",
		    c->redis_password_file, strerror(errno));
		return EFSGW_ERR_SYSTEM;
	}
	if (fstat(fileno(f), &st) != 0 || (st.st_mode & 007) != 0) {
		fclose(f);
		xasprintf(cause, "redis-password-file %s: readable by others "
		    "(chmod 600 or 640)", c->redis_password_file);
		return EFSGW_ERR_BAD_VALUE;
	}
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	n = strlen(buf);
	if (n == 0 || n > 255 || strcspn(buf, "/@ \t") != n) {
		OPENSSL_cleanse(buf, sizeof buf);
		xasprintf(cause, "redis-password-file %s: the first line must be "
		    "1 to 255 characters without '/', '@' or blanks",
		    c->redis_password_file);
		return EFSGW_ERR_BAD_VALUE;
	}
	/* redis://[user@]rest -> redis://[user]:PASSWORD@rest */
	free(c->redis_connect);
	if (at != NULL)
		xasprintf(&c->redis_connect, "redis://%.*s:%s%s",
		    (int)(at - p), p, buf, at);
	else
		xasprintf(&c->redis_connect, "redis://:%s@%s", buf, p);
	OPENSSL_cleanse(buf, sizeof buf);
	/* The display shows that a password is used, never the password. */
	free(c->redis_display);
	if (at != NULL)
		xasprintf(&c->redis_display, "redis://%.*s:***%s",
		    (int)(at - p), p, at);
	else
		xasprintf(&c->redis_display, "redis://:***@%s", p);
	return 0;
}

/* Check the tiering keywords of fs. */
static int
config_commit_tiering(struct config_parser *p, struct config_fs *fs)
{
	char hp[300], ex[1024], *why = NULL;
	struct sockaddr_storage ss;
	struct config_fs *o;
	socklen_t sl;
	char **opt[3] = { &fs->tier_ia, &fs->tier_archive, &fs->tier_registry };
	const char *t[2];
	int i, r;

	/* "none" is the default of the optional strings: keep it as NULL. */
	for (i = 0; i < 3; i++) {
		if (*opt[i] != NULL && strcmp(*opt[i], "none") == 0) {
			free(*opt[i]);
			*opt[i] = NULL;
		}
	}
	t[0] = fs->tier_ia;
	t[1] = fs->tier_archive;
	for (i = 0; i < 2; i++) {
		if (t[i] == NULL)
			continue;
		if (tier_target_parse(t[i], hp, sizeof hp, ex, sizeof ex) != 0)
			return config_error(p, "%s: tier '%.100s' is not "
			    "HOST:PORT:/export", fs->id, t[i]);
		if ((r = addr_parse(hp, 0, &ss, &sl, &why)) != 0) {
			r = config_error(p, "%s: tier '%.100s': %s", fs->id,
			    t[i], why);
			free(why);
			return r;
		}
	}
	if (strcmp(fs->lifecycle_path, "none") == 0)
		return 0;
	if (strcmp(fs->lifecycle_path, "default") != 0 &&
	    fs->lifecycle_path[0] != '/')
		return config_error(p, "%s: lifecycle '%.100s' is not an "
		    "absolute path, default or none", fs->id, fs->lifecycle_path);
	if (fs->tier_ia == NULL && fs->tier_archive == NULL)
		return config_error(p, "%s: lifecycle needs tier-ia or "
		    "tier-archive", fs->id);
	if (fs->tier_registry == NULL)
		return config_error(p, "%s: lifecycle needs tier-registry",
		    fs->id);
	if (strncmp(fs->tier_registry, "redis://", 8) != 0 &&
	    fs->tier_registry[0] != '/')
		return config_error(p, "%s: tier-registry '%.100s' is neither "
		    "redis://... nor an absolute path", fs->id, fs->tier_registry);
	/*
	 * Redis keeps each file system under its own name; a journal has
	 * no names, so one file system's StorageBytes would overwrite the
	 * other's.
	 */
	if (fs->tier_registry[0] != '/')
		return 0;
	TAILQ_FOREACH(o, &p->conf->filesystems, entry) {
		if (o == fs)
			break;
		if (strcmp(o->lifecycle_path, "none") != 0 &&
		    o->tier_registry != NULL &&
		    strcmp(o->tier_registry, fs->tier_registry) == 0)
			return config_error(p, "%s: tier-registry %.100s is "
			    "the journal of %s too; give each file system its "
			    "own", fs->id, fs->tier_registry, o->id);
	}
	return 0;
}

/* Cross-field checks once the whole file is read. */
static int
config_commit(struct config_parser *p)
{
	struct config *c = p->conf;
	struct config_listener *l, *l2;
	struct config_fs *fs;
	int nfs = 0, r;

	TAILQ_FOREACH(fs, &c->filesystems, entry)
		nfs++;
	if (nfs == 0)
		return config_error(p, "no filesystem block: nothing to serve");
	if (TAILQ_EMPTY(&c->listeners))
		return config_error(p, "no listener block: nowhere to accept clients");
	TAILQ_FOREACH(l, &c->listeners, entry) {
		p->line = l->line;
		if (l->fs_id == NULL) {
			if (nfs > 1)
				return config_error(p, "listener %s: several file "
				    "systems are defined, so name one with 'filesystem'",
				    l->name);
			l->fs_id = xstrdup(TAILQ_FIRST(&c->filesystems)->id);
		}
		if ((l->fs = config_find_fs(c, l->fs_id)) == NULL)
			return config_error(p, "listener %s: no filesystem %s",
			    l->name, l->fs_id);
		TAILQ_FOREACH(l2, &c->listeners, entry) {
			if (l2 != l && l2->addrlen == l->addrlen &&
			    memcmp(&l2->addr, &l->addr, l->addrlen) == 0)
				return config_error(p, "listeners %s and %s share "
				    "address %s", l->name, l2->name, l->address);
		}
	}
	TAILQ_FOREACH(fs, &c->filesystems, entry) {
		p->line = fs->line;
		if (strcmp(fs->share_deny, "pass") == 0)
			fs->share_deny_refuse = 0;
		else if (strcmp(fs->share_deny, "refuse") == 0)
			fs->share_deny_refuse = 1;
		else
			return config_error(p, "%s: share-deny '%s' is not pass "
			    "or refuse", fs->id, fs->share_deny);
		if (qos_mode_parse_tp(fs->tp_mode) < 0)
			return config_error(p, "%s: throughput-mode '%s' is not "
			    "bursting, provisioned or elastic", fs->id, fs->tp_mode);
		if (qos_mode_parse_perf(fs->perf_mode) < 0)
			return config_error(p, "%s: performance-mode '%s' is not "
			    "generalPurpose or maxIO", fs->id, fs->perf_mode);
		if (strcmp(fs->tp_mode, "provisioned") == 0 &&
		    fs->provisioned_mibps == 0)
			return config_error(p, "%s: provisioned mode needs "
			    "provisioned-throughput (1 to 3125 MiB/s)", fs->id);
		if (strcmp(fs->tp_mode, "elastic") == 0 &&
		    strcmp(fs->perf_mode, "maxIO") == 0)
			return config_error(p, "%s: elastic throughput needs the "
			    "generalPurpose performance mode (as on EFS)", fs->id);
		if ((r = config_commit_tiering(p, fs)) != 0)
			return r;
	}
	if (c->max_record_preauth > c->max_record)
		c->max_record_preauth = c->max_record;
	config_redis_display(c);
	c->redis_connect = xstrdup(c->redis);
	return 0;
}

/* Parse config text. */
int
config_parse(const char *name, const char *text, struct config **confp,
    char **cause)
{
	struct config_parser p;
	const char *s = text, *nl;
	char *line;
	size_t len;
	int r = 0;

	*confp = NULL;
	*cause = NULL;
	memset(&p, 0, sizeof p);
	p.name = name;
	p.conf = xcalloc(1, sizeof *p.conf);
	p.conf->refs = 1;
	TAILQ_INIT(&p.conf->filesystems);
	TAILQ_INIT(&p.conf->listeners);
	if ((r = config_defaults(&p, SECTION_GLOBAL)) != 0)
		goto out;
	memset(p.set, 0, sizeof p.set);
	while (*s != '\0') {
		p.line++;
		nl = strchr(s, '\n');
		len = nl != NULL ? (size_t)(nl - s) : strlen(s);
		if (len > 4096) {
			r = config_error(&p, "line longer than 4096 bytes");
			goto out;
		}
		line = xstrndup(s, len);
		if (memchr(s, '\0', len) != NULL || strchr(line, '\r') != NULL) {
			free(line);
			r = config_error(&p, "control characters in line");
			goto out;
		}
		r = config_line(&p, line);
		free(line);
		if (r != 0)
			goto out;
		s += len;
		if (*s == '\n')
			s++;
	}
	if (p.section != SECTION_GLOBAL) {
		r = config_error(&p, "end of file inside a %s block",
		    config_section_names[p.section]);
		goto out;
	}
	r = config_commit(&p);
out:
	if (r != 0) {
		config_release(p.conf);
		*cause = p.cause;
		return r;
	}
	*confp = p.conf;
	return 0;
}

/*
 * EFS fixes a file system's performance mode when it is created. The
 * first gateway to serve it records the mode in state-dir; a config that
 * changes it is refused.
 */
static int
config_perf_mode_record(const struct config *c, const struct config_fs *fs,
    int create, char **cause)
{
	char *path, buf[64];
	FILE *f;
	size_t n;
	int r = 0;

	xasprintf(&path, "%s/%s.performance-mode", c->state_dir, fs->id);
	if ((f = fopen(path, "r")) != NULL) {
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (strcmp(buf, fs->perf_mode) != 0) {
			xasprintf(cause, "%s: performance-mode is %s (recorded in "
			    "%s when the file system was first served); it cannot "
			    "change, as on EFS: create a new file system instead",
			    fs->id, buf, path);
			r = EFSGW_ERR_BAD_VALUE;
		}
	} else if (create) {
		if (mkdir(c->state_dir, 0700) != 0 && errno != EEXIST) {
			xasprintf(cause, "state-dir %s: %s", c->state_dir,
			    strerror(errno));
			r = EFSGW_ERR_SYSTEM;
		} else if ((f = fopen(path, "w")) == NULL) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			r = EFSGW_ERR_SYSTEM;
		} else {
			fprintf(f, "%s\n", fs->perf_mode);
			fclose(f);
		}
	}
	free(path);
	return r;
}

/*
 * Warn about policy statements whose Resource never names this file
 * system: they never apply, so a policy copied from another file system
 * silently denies everyone here.
 */
static void
config_policy_resources(const struct config_fs *fs)
{
	const char *pat, *sid;
	unsigned i = 0;

	while ((pat = policy_resource_miss(fs->policy, fs->arn, &i,
	    &sid)) != NULL) {
		log_warn("%s: policy %s: statement %u%s%s%s has Resource %s, "
		    "which is not this file system (%s): it never applies",
		    fs->id, fs->policy_path, i, *sid ? " (Sid \"" : "", sid,
		    *sid ? "\")" : "", pat, fs->arn);
		i++;
	}
}

/* Build the identity configuration (keys, credentials, client CA). */
static int
config_load_identity(struct config *c, char **cause)
{
	struct identity_config *ic;
	char buf[256], *tok, *save;
	size_t n;
	int r = 0;

	ic = identity_config_new();
	c->idcfg = ic;
	if ((r = identity_config_set_region(ic, c->region, cause)) != 0)
		return r;
	identity_config_set_skew(ic, c->id_skew);
	identity_config_set_require_cnf(ic, c->id_jwt_require_cnf);
	if (c->id_jwt_issuer != NULL &&
	    (r = identity_config_set_jwt_issuer(ic, c->id_jwt_issuer,
	    cause)) != 0)
		return r;
	if (c->id_credentials != NULL &&
	    (r = identity_config_load_credentials(ic, c->id_credentials,
	    cause)) != 0)
		return r;
	if (c->id_jwt_keys != NULL) {
		n = strlen(c->id_jwt_keys);
		if (n > 5 && strcmp(c->id_jwt_keys + n - 5, ".json") == 0)
			r = identity_config_add_jwks(ic, c->id_jwt_keys, cause);
		else
			r = identity_config_add_jwt_pem(ic, c->id_jwt_keys, cause);
		if (r != 0)
			return r;
	}
	if (c->id_jwt_hs256 != NULL &&
	    (r = identity_config_set_hs256_file(ic, c->id_jwt_hs256, cause)) != 0)
		return r;
	if ((r = identity_config_check_jwt_issuers(ic, cause)) != 0)
		return r;
	snprintf(buf, sizeof buf, "%s", c->id_audience);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((r = identity_config_add_audience(ic, tok, cause)) != 0)
			return r;
	}
	/*
	 * A token whose aud is a file system id is good on that file
	 * system's listeners only: identity_from_cert_for() matches it
	 * against the listener, it is not a gateway-wide audience.
	 */
	if (c->id_client_ca != NULL &&
	    (r = identity_config_load_client_ca(ic, c->id_client_ca, cause)) != 0)
		return r;
	return 0;
}

/* Load fs's lifecycle configuration and check it against its modes. */
static int
config_load_lifecycle(struct config *c, struct config_fs *fs, char **cause)
{
	struct lifecycle lc;
	char *why = NULL;
	int r;

	if (strcmp(fs->lifecycle_path, "none") == 0)
		return 0;
	lifecycle_defaults(&lc);
	lc.min_size = (uint64_t)fs->tier_min_kib * 1024;
	if (strcmp(fs->lifecycle_path, "default") != 0 &&
	    (r = lifecycle_load(fs->lifecycle_path, fs->id, &lc, cause)) != 0)
		return r;
	if ((r = lifecycle_check_modes(&lc, fs->tp_mode, fs->perf_mode,
	    &why)) != 0) {
		xasprintf(cause, "%s: %s", fs->id, why);
		free(why);
		return r;
	}
	if (lc.ia_days != 0 && fs->tier_ia == NULL) {
		xasprintf(cause, "%s: TransitionToIA needs tier-ia", fs->id);
		return EFSGW_ERR_BAD_VALUE;
	}
	if (lc.archive_days != 0 && fs->tier_archive == NULL) {
		xasprintf(cause, "%s: TransitionToArchive needs tier-archive",
		    fs->id);
		return EFSGW_ERR_BAD_VALUE;
	}
	fs->lifecycle = xmalloc(sizeof *fs->lifecycle);
	*fs->lifecycle = lc;
	return 0;
}

/*
 * Load what the config names in other files: each file system's handle
 * keys (created under state-dir when the default file is missing and
 * create is set) and access points; check every listener's access point.
 */
static int
config_load_files(struct config *c, int create, char **cause)
{
	struct config_fs *fs;
	struct config_listener *l;
	const struct access_point *ap;
	char *path;
	size_t i;
	int r, isdefault;

	TAILQ_FOREACH(fs, &c->filesystems, entry) {
		isdefault = fs->handle_keys == NULL;
		if (isdefault)
			xasprintf(&path, "%s/%s.keys", c->state_dir, fs->id);
		else
			path = xstrdup(fs->handle_keys);
		if (isdefault && access(path, F_OK) != 0) {
			if (!create) {
				log_info("%s: %s does not exist; efsgw will create "
				    "it with a new key", fs->id, path);
				fs->keys_pending = 1;
				free(path);
				continue;
			}
			if (mkdir(c->state_dir, 0700) != 0 && errno != EEXIST) {
				xasprintf(cause, "state-dir %s: %s", c->state_dir,
				    strerror(errno));
				free(path);
				return EFSGW_ERR_SYSTEM;
			}
			r = seal_keys_create(path, cause);
			if (r != 0 && access(path, F_OK) != 0) {
				free(path);
				return r;
			}
			free(*cause);
			*cause = NULL;
			log_info("%s: created handle key file %s; copy it to every "
			    "gateway serving this file system", fs->id, path);
		}
		r = seal_keys_load(path, &fs->keys, cause);
		free(path);
		if (r != 0)
			return r;
		if (fs->access_points != NULL) {
			if ((r = access_points_load(fs->access_points, &fs->aps,
			    cause)) != 0)
				return r;
			for (i = 0; i < fs->aps->n; i++) {
				if (strcmp(fs->aps->v[i].fs_id, fs->id) != 0) {
					xasprintf(cause, "%s: access point %s belongs "
					    "to %s, not %s", fs->access_points,
					    fs->aps->v[i].id, fs->aps->v[i].fs_id,
					    fs->id);
					return EFSGW_ERR_BAD_VALUE;
				}
			}
		}
	}
	if ((r = config_load_identity(c, cause)) != 0)
		return r;
	if ((r = config_redis_password(c, cause)) != 0)
		return r;
	TAILQ_FOREACH(fs, &c->filesystems, entry) {
		if ((r = config_perf_mode_record(c, fs, create, cause)) != 0)
			return r;
	}
	TAILQ_FOREACH(fs, &c->filesystems, entry) {
		snprintf(fs->arn, sizeof fs->arn,
		    "arn:aws:elasticfilesystem:%s:%s:file-system/%s", c->region,
		    c->account, fs->id);
		if (fs->policy_path != NULL &&
		    (r = policy_load(fs->policy_path, &fs->policy, cause)) != 0)
			return r;
		config_policy_resources(fs);
		if ((r = config_load_lifecycle(c, fs, cause)) != 0)
			return r;
	}
	TAILQ_FOREACH(l, &c->listeners, entry) {
		if (l->tls && (r = tls_listener_ctx(c, l, cause)) != 0)
			return r;
		if (l->ap_id == NULL)
			continue;
		ap = access_points_find(l->fs->aps, l->ap_id);
		if (ap == NULL) {
			xasprintf(cause, "%s:%d: listener %s: access point %s is "
			    "not defined for %s", c->path != NULL ? c->path :
			    "config", l->line, l->name, l->ap_id, l->fs_id);
			return EFSGW_ERR_NOT_FOUND;
		}
	}
	return 0;
}

/* Load a config file. */
int
config_load(const char *path, struct config **confp, char **cause)
{
	return config_load_flags(path, CONFIG_LOAD_CREATE, confp, cause);
}

/* Load a config file and the files it names. */
int
config_load_flags(const char *path, int flags, struct config **confp,
    char **cause)
{
	struct config_fs *fs;
	int r;

	if ((r = config_load_text(path, confp, cause)) != 0)
		return r;
	if (flags & CONFIG_LOAD_TIERING) {
		/* efsgw-tier: no key, credential or TLS file, which it may not read. */
		TAILQ_FOREACH(fs, &(*confp)->filesystems, entry) {
			if ((r = config_load_lifecycle(*confp, fs, cause)) != 0) {
				config_release(*confp);
				*confp = NULL;
				return r;
			}
		}
		return 0;
	}
	if ((r = config_load_files(*confp, flags & CONFIG_LOAD_CREATE,
	    cause)) != 0) {
		config_release(*confp);
		*confp = NULL;
		return r;
	}
	return 0;
}

/* Read and parse a config file (without the files it names). */
static int
config_load_text(const char *path, struct config **confp, char **cause)
{
	FILE *f;
	char *text;
	long n;
	int r;

	*confp = NULL;
	*cause = NULL;
	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return EFSGW_ERR_SYSTEM;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		xasprintf(cause, "%s: cannot read: %s", path, strerror(errno));
		fclose(f);
		return EFSGW_ERR_SYSTEM;
	}
	if (n > 1024 * 1024) {
		xasprintf(cause, "%s: larger than 1 MiB", path);
		fclose(f);
		return EFSGW_ERR_TOO_LONG;
	}
	text = xmalloc((size_t)n + 1);
	if (fread(text, 1, (size_t)n, f) != (size_t)n) {
		xasprintf(cause, "%s: short read", path);
		free(text);
		fclose(f);
		return EFSGW_ERR_SYSTEM;
	}
	text[n] = '\0';
	fclose(f);
	if (strlen(text) != (size_t)n) {
		xasprintf(cause, "%s: contains a NUL byte", path);
		free(text);
		return EFSGW_ERR_SYNTAX;
	}
	r = config_parse(path, text, confp, cause);
	free(text);
	if (r == 0)
		(*confp)->path = xstrdup(path);
	return r;
}

void
config_add_ref(struct config *c)
{
	c->refs++;
}

/* Free the strings items of section s own in obj. */
static void
config_free_strings(enum config_section s, void *obj)
{
	size_t i;

	for (i = 0; i < nitems(config_items); i++) {
		if (config_items[i].section != s)
			continue;
		switch (config_items[i].type) {
		case CONFIG_STRING:
		case CONFIG_PATH:
		case CONFIG_FSREF:
		case CONFIG_APREF:
		case CONFIG_FSADDR:
		case CONFIG_LISTENADDR:
			free(*(char **)((char *)obj + config_items[i].offset));
			break;
		default:
			break;
		}
	}
}

/* Drop a reference. */
void
config_release(struct config *c)
{
	struct config_fs *fs;
	struct config_listener *l;

	if (c == NULL || --c->refs > 0)
		return;
	while ((fs = TAILQ_FIRST(&c->filesystems)) != NULL) {
		TAILQ_REMOVE(&c->filesystems, fs, entry);
		config_free_strings(SECTION_FS, fs);
		access_points_free(fs->aps);
		policy_free(fs->policy);
		free(fs->lifecycle);
		OPENSSL_cleanse(&fs->keys, sizeof fs->keys);
		free(fs);
	}
	while ((l = TAILQ_FIRST(&c->listeners)) != NULL) {
		TAILQ_REMOVE(&c->listeners, l, entry);
		config_free_strings(SECTION_LISTENER, l);
		tls_ctx_free(l->ssl_ctx);
		free(l->name);
		free(l);
	}
	config_free_strings(SECTION_GLOBAL, c);
	if (c->redis_connect != NULL)
		OPENSSL_cleanse(c->redis_connect, strlen(c->redis_connect));
	free(c->redis_connect);
	free(c->redis_display);
	identity_config_free(c->idcfg);
	free(c->path);
	free(c);
}

struct config_fs *
config_find_fs(const struct config *c, const char *id)
{
	struct config_fs *fs;

	TAILQ_FOREACH(fs, &c->filesystems, entry) {
		if (strcmp(fs->id, id) == 0)
			return fs;
	}
	return NULL;
}

/* Format a grants mask as the config writes it. */
const char *
config_grants_string(uint32_t g)
{
	static char buf[32];

	buf[0] = '\0';
	if (g & GRANT_MOUNT)
		strcat(buf, "mount,");
	if (g & GRANT_WRITE)
		strcat(buf, "write,");
	if (g & GRANT_ROOT)
		strcat(buf, "root,");
	if (buf[0] == '\0')
		return "none";
	buf[strlen(buf) - 1] = '\0';
	return buf;
}

/* Print the items of section s from obj. */
static void
config_print_items(enum config_section s, const void *obj, FILE *f,
    const char *indent)
{
	const char *str;
	size_t i;

	for (i = 0; i < nitems(config_items); i++) {
		const struct config_item *it = &config_items[i];
		const char *p = (const char *)obj + it->offset;

		if (it->section != s)
			continue;
		switch (it->type) {
		case CONFIG_UINT:
			fprintf(f, "%s%s %u\n", indent, it->name,
			    *(const uint32_t *)p);
			break;
		case CONFIG_BOOL:
			fprintf(f, "%s%s %s\n", indent, it->name,
			    *(const int *)p ? "yes" : "no");
			break;
		case CONFIG_LOGLEVEL:
			fprintf(f, "%s%s %s\n", indent, it->name,
			    log_level_name(*(const int *)p));
			break;
		case CONFIG_GRANTS:
			fprintf(f, "%s%s %s\n", indent, it->name,
			    config_grants_string(*(const uint32_t *)p));
			break;
		default:
			str = *(char *const *)p;
			if (str != NULL)
				fprintf(f, "%s%s %s\n", indent, it->name, str);
			break;
		}
	}
}

/* Print the effective config. */
void
config_print(const struct config *c, FILE *f)
{
	struct config_fs *fs;
	struct config_listener *l;

	config_print_items(SECTION_GLOBAL, c, f, "");
	TAILQ_FOREACH(fs, &c->filesystems, entry) {
		fprintf(f, "\nfilesystem %s {\n", fs->id);
		config_print_items(SECTION_FS, fs, f, "\t");
		fprintf(f, "}\n");
	}
	TAILQ_FOREACH(l, &c->listeners, entry) {
		fprintf(f, "\nlistener %s {\n", l->name);
		config_print_items(SECTION_LISTENER, l, f, "\t");
		fprintf(f, "}\n");
	}
}

/* Print every keyword's help. */
void
config_print_help(FILE *f)
{
	static const char *const types[] = {
		"number", "yes|no", "text", "level", "host:port", "addr:port",
		"/path", "fs-id", "actions", "fsap-id"
	};
	enum config_section s;
	size_t i;

	for (s = SECTION_GLOBAL; s <= SECTION_LISTENER; s++) {
		fprintf(f, "%s%s:\n", s == SECTION_GLOBAL ? "" : "\n",
		    s == SECTION_GLOBAL ? "top level" :
		    s == SECTION_FS ? "filesystem fs-ID { ... }" :
		    "listener NAME { ... }");
		for (i = 0; i < nitems(config_items); i++) {
			const struct config_item *it = &config_items[i];

			if (it->section != s)
				continue;
			fprintf(f, "  %-24s %-9s ", it->name, types[it->type]);
			if (it->type == CONFIG_UINT)
				fprintf(f, "[%u..%u] ", it->min, it->max);
			fprintf(f, "default %s%s\n      %s\n",
			    it->def != NULL ? it->def : "(none)",
			    it->reloadable ? "" : ", restart to change",
			    it->help);
		}
	}
}

/* Describe what a reload cannot change. */
char *
config_reload_warnings(const struct config *old, const struct config *new)
{
	const struct config_listener *a, *b;
	char *msg = NULL;

	a = TAILQ_FIRST(&old->listeners);
	b = TAILQ_FIRST(&new->listeners);
	while (a != NULL && b != NULL) {
		if (strcmp(a->name, b->name) != 0 ||
		    strcmp(a->address, b->address) != 0 ||
		    strcmp(a->fs_id, b->fs_id) != 0)
			break;
		a = TAILQ_NEXT(a, entry);
		b = TAILQ_NEXT(b, entry);
	}
	if (a != NULL || b != NULL)
		msg = xstrdup("listener changes take effect only after a restart; "
		    "the running listeners are kept");
	return msg;
}
