/*
 * efsgw - mount-opts: efsgw-mount's mount options. One table names every
 * option efsgw-mount itself consumes (those efs-utils also has keep its
 * meaning: tls, iam, accesspoint=, tlsport= is the LOCAL tunnel port,
 * mounttargetip=, region=, jwtpath=); every other option is kept, in
 * order, for mount -t nfs4, on top of efs-utils' NFS defaults. This file
 * also checks the combinations and derives the gateway's certificate name.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "client.h"

enum mount_opt_type { OPT_FLAG, OPT_STRING, OPT_PORT, OPT_UINT, OPT_KEYTYPE,
	OPT_VERIFY, OPT_UNSUPPORTED, OPT_IGNORED };

struct mount_opt {
	const char		*name;
	enum mount_opt_type	 type;
	size_t			 off;	/* in struct mount_opts */
	const char		*why;	/* OPT_UNSUPPORTED: the message */
};

#define MO(f)	offsetof(struct mount_opts, f)
static const struct mount_opt mount_opt_table[] = {
	{ "tls",		OPT_FLAG,	MO(tls), NULL },
	{ "iam",		OPT_FLAG,	MO(iam), NULL },
	{ "accesspoint",	OPT_STRING,	MO(accesspoint), NULL },
	{ "tlsport",		OPT_PORT,	MO(tlsport), NULL },
	{ "mounttargetip",	OPT_STRING,	MO(target_ip), NULL },
	{ "mounttargetport",	OPT_PORT,	MO(target_port), NULL },
	{ "cafile",		OPT_STRING,	MO(cafile), NULL },
	{ "capath",		OPT_STRING,	MO(capath), NULL },
	{ "az",			OPT_STRING,	MO(az), NULL },
	{ "notls",		OPT_FLAG,	MO(notls), NULL },
	{ "verify",		OPT_VERIFY,	0, NULL },
	{ "crossaccount",	OPT_IGNORED,	0, NULL },
	{ "region",		OPT_STRING,	MO(region), NULL },
	{ "dnssuffix",		OPT_STRING,	MO(dnssuffix), NULL },
	{ "verifyname",		OPT_STRING,	MO(verifyname), NULL },
	{ "token",		OPT_STRING,	MO(token_file), NULL },
	{ "jwtpath",		OPT_STRING,	MO(token_file), NULL },
	{ "tokencmd",		OPT_STRING,	MO(token_cmd), NULL },
	{ "statedir",		OPT_STRING,	MO(statedir), NULL },
	{ "keytype",		OPT_KEYTYPE,	MO(keytype), NULL },
	{ "renew",		OPT_UINT,	MO(renew), NULL },
	{ "noocsp",		OPT_IGNORED,	0, NULL },
	{ "ocsp",		OPT_UNSUPPORTED, 0,
	  "ocsp: efsgw-mount does not check OCSP; use noocsp" },
	{ "awsprofile",		OPT_UNSUPPORTED, 0,
	  "awsprofile: efsgw identifies clients by token; use token=FILE or "
	  "tokencmd=CMD (stock efs-utils mounts efsgw with SigV4)" },
	{ "awscredsuri",	OPT_UNSUPPORTED, 0,
	  "awscredsuri: not supported; use token=FILE or tokencmd=CMD" },
	{ "rolearn",		OPT_UNSUPPORTED, 0,
	  "rolearn: efsgw takes the token itself; give it with jwtpath= or "
	  "token=" },
	{ "netns",		OPT_UNSUPPORTED, 0,
	  "netns: not supported; run efsgw-mount inside the namespace" },
};
#undef MO

/* NFS options efs-utils passes by default (mount_efs get_nfs_mount_options). */
static const char *const mount_nfs_defaults[] = {
	"nfsvers=4.1", "rsize=1048576", "wsize=1048576", "hard", "timeo=600",
	"retrans=2", "noresvport"
};

/* Set the defaults. */
void
mount_opts_init(struct mount_opts *mo)
{
	memset(mo, 0, sizeof *mo);
	mo->target_port = MOUNT_DEF_TARGET_PORT;
	mo->renew = MOUNT_DEF_RENEW;
	mo->keytype = MOUNT_KEY_EC;
}

/* Free every owned string. */
void
mount_opts_clear(struct mount_opts *mo)
{
	free(mo->fs_id);
	free(mo->path);
	free(mo->mountpoint);
	free(mo->accesspoint);
	free(mo->target_ip);
	free(mo->cafile);
	free(mo->capath);
	free(mo->az);
	free(mo->region);
	free(mo->dnssuffix);
	free(mo->verifyname);
	free(mo->token_file);
	free(mo->token_cmd);
	free(mo->statedir);
	free(mo->nfsopts);
	memset(mo, 0, sizeof *mo);
}

/* Set *cause to a formatted message and return -1. */
static int __attribute__((format(printf, 2, 3)))
mount_opts_fail(char **cause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(cause, fmt, ap) == -1)
		*cause = NULL;
	va_end(ap);
	return -1;
}

/* True if s is prefix followed by between min and max lowercase hex digits. */
static int
mount_opts_hex_id(const char *s, const char *prefix, size_t min, size_t max)
{
	size_t n, plen = strlen(prefix);

	if (strncmp(s, prefix, plen) != 0)
		return 0;
	s += plen;
	n = strspn(s, "0123456789abcdef");
	return s[n] == '\0' && n >= min && n <= max;
}

/* Parse "fs-id[:/path]". */
int
mount_opts_spec(struct mount_opts *mo, const char *spec, char **cause)
{
	const char *colon = strchr(spec, ':');
	char *id;

	*cause = NULL;
	id = colon != NULL ? xstrndup(spec, (size_t)(colon - spec)) :
	    xstrdup(spec);
	/* EFS ids are fs- and 8 or 17 hex digits; allow room for others. */
	if (!mount_opts_hex_id(id, "fs-", 8, 28)) {
		mount_opts_fail(cause, "\"%s\" is not a file system id "
		    "(fs- and 8 to 28 lowercase hex digits, as fs-0123abcd)",
		    id);
		free(id);
		return -1;
	}
	free(mo->fs_id);
	mo->fs_id = id;
	free(mo->path);
	if (colon == NULL || colon[1] == '\0')
		mo->path = xstrdup("/");
	else if (colon[1] != '/')
		return mount_opts_fail(cause, "path \"%s\" must start with /",
		    colon + 1);
	else if (strlen(colon + 1) > 1024)
		return mount_opts_fail(cause, "path too long");
	else
		mo->path = xstrdup(colon + 1);
	return 0;
}

/* Parse a port number into *out; -1 on junk. */
static int
mount_opts_num(const char *v, long max, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < 0 || n > max)
		return -1;
	*out = (int)n;
	return 0;
}

/* Append opt to the pass-through list. */
static void
mount_opts_keep(struct mount_opts *mo, const char *opt)
{
	char *s;

	if (mo->nfsopts == NULL || *mo->nfsopts == '\0') {
		free(mo->nfsopts);
		mo->nfsopts = xstrdup(opt);
		return;
	}
	xasprintf(&s, "%s,%s", mo->nfsopts, opt);
	free(mo->nfsopts);
	mo->nfsopts = s;
}

/* Apply one option "name" or "name=value". */
static int
mount_opts_one(struct mount_opts *mo, const char *opt, char **cause)
{
	const struct mount_opt *o = NULL;
	const char *eq = strchr(opt, '=');
	size_t nlen = eq != NULL ? (size_t)(eq - opt) : strlen(opt), i;
	const char *val = eq != NULL ? eq + 1 : NULL;
	char **sp;
	int *ip;

	for (i = 0; i < nitems(mount_opt_table); i++) {
		if (strlen(mount_opt_table[i].name) == nlen &&
		    strncmp(mount_opt_table[i].name, opt, nlen) == 0) {
			o = &mount_opt_table[i];
			break;
		}
	}
	if (o == NULL) {
		mount_opts_keep(mo, opt);
		return 0;
	}
	switch (o->type) {
	case OPT_FLAG:
		if (val != NULL)
			return mount_opts_fail(cause, "%s takes no value", o->name);
		*(int *)((char *)mo + o->off) = 1;
		return 0;
	case OPT_IGNORED:
		return 0;
	case OPT_UNSUPPORTED:
		return mount_opts_fail(cause, "%s", o->why);
	default:
		break;
	}
	if (val == NULL || *val == '\0')
		return mount_opts_fail(cause, "%s needs a value (%s=...)",
		    o->name, o->name);
	switch (o->type) {
	case OPT_STRING:
		sp = (char **)(void *)((char *)mo + o->off);
		free(*sp);
		*sp = xstrdup(val);
		return 0;
	case OPT_PORT:
		ip = (int *)(void *)((char *)mo + o->off);
		if (mount_opts_num(val, 65535, ip) != 0 || *ip == 0)
			return mount_opts_fail(cause, "%s=%s: not a port "
			    "(1-65535)", o->name, val);
		return 0;
	case OPT_UINT:
		ip = (int *)(void *)((char *)mo + o->off);
		if (mount_opts_num(val, 86400, ip) != 0 || *ip < 10)
			return mount_opts_fail(cause, "%s=%s: want seconds, "
			    "10-86400", o->name, val);
		return 0;
	case OPT_VERIFY:
		/* efs-utils' stunnel verify level: efsgw-mount always checks
		 * the chain and the name, which is level 2 or 3. */
		if (strcmp(val, "2") != 0 && strcmp(val, "3") != 0)
			return mount_opts_fail(cause, "verify=%s: efsgw-mount "
			    "always verifies the gateway's certificate chain "
			    "and name (verify=2 or 3)", val);
		return 0;
	case OPT_KEYTYPE:
		if (strcmp(val, "ec") == 0)
			mo->keytype = MOUNT_KEY_EC;
		else if (strcmp(val, "rsa") == 0)
			mo->keytype = MOUNT_KEY_RSA;
		else
			return mount_opts_fail(cause, "keytype=%s: ec (P-256) "
			    "or rsa (3072 bits)", val);
		return 0;
	default:
		return mount_opts_fail(cause, "internal: option %s", o->name);
	}
}

/* Parse a comma-separated option list. */
int
mount_opts_parse(struct mount_opts *mo, const char *list, char **cause)
{
	char *copy, *tok, *save = NULL;
	int r = 0;

	*cause = NULL;
	copy = xstrdup(list);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((r = mount_opts_one(mo, tok, cause)) != 0)
			break;
	}
	free(copy);
	return r;
}

/* Check option combinations (efs-utils' rules where they apply). */
int
mount_opts_check(struct mount_opts *mo, char **cause)
{
	struct in_addr ia;
	struct in6_addr ia6;
	const char *env;

	*cause = NULL;
	if (mo->fs_id == NULL)
		return mount_opts_fail(cause, "no file system id given");
	if (mo->tunnel_only)
		mo->tls = 1;
	if (mo->token_file != NULL && mo->token_cmd != NULL)
		return mount_opts_fail(cause, "give token= (or jwtpath=) or "
		    "tokencmd=, not both");
	if (mo->token_file != NULL || mo->token_cmd != NULL)
		mo->iam = 1;
	if (mo->iam && mo->token_file == NULL && mo->token_cmd == NULL)
		return mount_opts_fail(cause, "iam needs the token to present: "
		    "token=FILE (e.g. a projected service-account token) or "
		    "tokencmd=CMD");
	if (mo->iam && !mo->tls)
		return mount_opts_fail(cause, "iam needs tls (the token travels "
		    "in the TLS client certificate)");
	if (mo->accesspoint != NULL && !mo->tls)
		return mount_opts_fail(cause, "accesspoint needs tls (the access "
		    "point travels in the TLS client certificate)");
	if (mo->accesspoint != NULL &&
	    !mount_opts_hex_id(mo->accesspoint, "fsap-", 8, 28))
		return mount_opts_fail(cause, "accesspoint=%s: not an access "
		    "point id (fsap- and 8 to 28 lowercase hex digits)",
		    mo->accesspoint);
	if (mo->tlsport != 0 && !mo->tls)
		return mount_opts_fail(cause, "tlsport needs tls");
	if (mo->notls && mo->tls)
		return mount_opts_fail(cause, "give tls or notls, not both");
	if (mo->capath != NULL && !mo->tls)
		return mount_opts_fail(cause, "capath needs tls");
	if (mo->target_ip != NULL && inet_pton(AF_INET, mo->target_ip, &ia) != 1 &&
	    inet_pton(AF_INET6, mo->target_ip, &ia6) != 1)
		return mount_opts_fail(cause, "mounttargetip=%s: not an IPv4 "
		    "or IPv6 address", mo->target_ip);
	if (mo->region == NULL && ((env = getenv("AWS_REGION")) != NULL ||
	    (env = getenv("AWS_DEFAULT_REGION")) != NULL) && *env != '\0')
		mo->region = xstrdup(env);
	if (mo->dnssuffix == NULL)
		mo->dnssuffix = xstrdup(MOUNT_DEF_DNS_SUFFIX);
	if (mo->verifyname == NULL && mo->region == NULL && mo->tls)
		return mount_opts_fail(cause, "the gateway's certificate must be "
		    "checked against fs-id.efs.REGION.DNSSUFFIX: give region= "
		    "(or set AWS_REGION) or verifyname=NAME");
	if (mo->target_ip == NULL && mo->region == NULL)
		return mount_opts_fail(cause, "no address: give mounttargetip= "
		    "or region= (the name fs-id.efs.REGION.DNSSUFFIX is "
		    "resolved)");
	if (mo->statedir == NULL)
		mo->statedir = xstrdup((env = getenv("EFSGW_MOUNT_STATE_DIR")) !=
		    NULL && *env != '\0' ? env : MOUNT_STATE_DIR);
	if (mo->statedir[0] != '/')
		return mount_opts_fail(cause, "statedir=%s: must be an absolute "
		    "path", mo->statedir);
	return 0;
}

/* The DNS name resolved for the gateway, as efs-utils builds it. */
char *
mount_opts_dns_name(const struct mount_opts *mo)
{
	char *s;

	xasprintf(&s, "%s%s%s.efs.%s.%s", mo->az != NULL ? mo->az : "",
	    mo->az != NULL ? "." : "", mo->fs_id, mo->region != NULL ?
	    mo->region : "unknown", mo->dnssuffix);
	return s;
}

/* Read defaults from a config file. */
int
mount_opts_config(struct mount_opts *mo, const char *path, int must_exist,
    char **cause)
{
	char line[4096], *p, *e, *eq, *opt;
	const struct mount_opt *o;
	FILE *f;
	size_t i, n;
	int lineno = 0, r = 0;

	*cause = NULL;
	if ((f = fopen(path, "r")) == NULL) {
		if (!must_exist && errno == ENOENT)
			return 0;
		return mount_opts_fail(cause, "%s: %s", path, strerror(errno));
	}
	while (r == 0 && fgets(line, sizeof line, f) != NULL) {
		lineno++;
		line[strcspn(line, "#\r\n")] = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		for (e = p + strlen(p); e > p && isspace((unsigned char)e[-1]); e--)
			;
		*e = '\0';
		if (*p == '\0')
			continue;
		/* "name = value" -> "name=value" */
		if ((eq = strchr(p, '=')) != NULL) {
			for (e = eq; e > p && isspace((unsigned char)e[-1]); e--)
				;
			*e = '\0';
			for (eq++; isspace((unsigned char)*eq); eq++)
				;
			xasprintf(&opt, "%s=%s", p, eq);
		} else
			opt = xstrdup(p);
		n = strcspn(opt, "=");
		for (i = 0, o = NULL; i < nitems(mount_opt_table); i++)
			if (strlen(mount_opt_table[i].name) == n &&
			    strncmp(mount_opt_table[i].name, opt, n) == 0)
				o = &mount_opt_table[i];
		if (o == NULL)
			r = mount_opts_fail(cause, "%s:%d: %.*s is not an "
			    "efsgw-mount option (NFS options go in fstab or -o)",
			    path, lineno, (int)n, opt);
		else if (mount_opts_one(mo, opt, cause) != 0) {
			char *c = *cause;

			r = mount_opts_fail(cause, "%s:%d: %s", path, lineno,
			    c != NULL ? c : "bad option");
			free(c);
		}
		free(opt);
	}
	fclose(f);
	return r;
}

/* The DNS name of the file system, which the gateway's certificate names. */
char *
mount_opts_verify_name(const struct mount_opts *mo)
{
	char *s;

	if (mo->verifyname != NULL)
		return xstrdup(mo->verifyname);
	xasprintf(&s, "%s.efs.%s.%s", mo->fs_id, mo->region != NULL ?
	    mo->region : "unknown", mo->dnssuffix);
	return s;
}

/* Canonical key of an option: vers=nfsvers, soft=hard, resvport=noresvport. */
static void
mount_opts_key(const char *opt, const char **keyp, size_t *lenp)
{
	static const char *const same[][2] = {
		{ "vers", "nfsvers" }, { "soft", "hard" }, { "softerr", "hard" },
		{ "resvport", "noresvport" },
	};
	size_t len = strcspn(opt, "="), i;

	*keyp = opt;
	*lenp = len;
	for (i = 0; i < nitems(same); i++) {
		if (strlen(same[i][0]) == len && strncmp(opt, same[i][0], len) == 0) {
			*keyp = same[i][1];
			*lenp = strlen(same[i][1]);
		}
	}
}

/* True if options a and b set the same thing (so b overrides a). */
static int
mount_opts_same_key(const char *a, const char *b)
{
	const char *ka, *kb;
	size_t la, lb;

	mount_opts_key(a, &ka, &la);
	mount_opts_key(b, &kb, &lb);
	return la == lb && strncmp(ka, kb, la) == 0;
}

/* The -o string for mount -t nfs4. */
char *
mount_opts_nfs(const struct mount_opts *mo, int localport)
{
	char *out = xstrdup(""), *tmp, *copy, *tok, *save = NULL;
	size_t i;
	int overridden;

	copy = xstrdup(mo->nfsopts != NULL ? mo->nfsopts : "");
	for (i = 0; i < nitems(mount_nfs_defaults); i++) {
		overridden = 0;
		if (mo->nfsopts != NULL) {
			char *c2 = xstrdup(mo->nfsopts), *s2 = NULL, *t2;

			for (t2 = strtok_r(c2, ",", &s2); t2 != NULL;
			    t2 = strtok_r(NULL, ",", &s2))
				if (mount_opts_same_key(t2, mount_nfs_defaults[i]))
					overridden = 1;
			free(c2);
		}
		if (overridden)
			continue;
		xasprintf(&tmp, "%s%s%s", out, *out ? "," : "",
		    mount_nfs_defaults[i]);
		free(out);
		out = tmp;
	}
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		/* The tunnel decides the port. */
		if (localport > 0 && strncmp(tok, "port=", 5) == 0)
			continue;
		xasprintf(&tmp, "%s%s%s", out, *out ? "," : "", tok);
		free(out);
		out = tmp;
	}
	free(copy);
	if (localport > 0) {
		xasprintf(&tmp, "%s,port=%d", out, localport);
		free(out);
		out = tmp;
	}
	return out;
}
