/*
 * efsgw - deciding what a connection may do, as EFS does for a mount: who
 * the client is (auth/identity.c: a JWT, the efs-utils SigV4 extension, a
 * client CA, or anonymous), whether the file system and access point it
 * names are this mount target's, and, per action (ClientMount,
 * ClientWrite, ClientRootAccess), the IAM-style decision of the file
 * system's policy combined with the identity's own grants (an explicit
 * Deny wins; no policy lets everyone do everything). The listener's
 * `grants` caps the result. Decided at connect time and again whenever
 * the policy changes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "policy.h"
#include "proxy.h"

static const struct {
	uint32_t	 grant;
	const char	*action;
} authz_actions[] = {
	{ GRANT_MOUNT, POLICY_ACTION_MOUNT },
	{ GRANT_WRITE, POLICY_ACTION_WRITE },
	{ GRANT_ROOT, POLICY_ACTION_ROOT },
};

/* The address part of a socket address, for aws:SourceIp. */
static void
authz_source_ip(const struct sockaddr *sa, char *buf, size_t len)
{
	buf[0] = '\0';
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    buf, (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		    buf, (socklen_t)len);
}

/* Deny everything, saying why. */
static void
authz_deny(struct authz_result *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
authz_deny(struct authz_result *out, const char *fmt, ...)
{
	va_list ap;

	out->grants = 0;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof out->reason, fmt, ap);
	va_end(ap);
}

/* Work out who the client is (once per connection). */
void
authz_identify(const struct config *conf, const char *fs_id, int tls,
    X509 *peer, int verified, struct authz_identity *who)
{
	char *cause = NULL;

	memset(who, 0, sizeof *who);
	who->tls = tls;
	who->ok = 1;
	who->id.source = IDENTITY_ANONYMOUS;
	if (!tls || peer == NULL || conf->idcfg == NULL)
		return;
	if (identity_from_cert_for(conf->idcfg, peer, verified, fs_id,
	    &who->id, &cause) != 0) {
		who->ok = 0;
		snprintf(who->why, sizeof who->why, "%s",
		    cause != NULL ? cause : "certificate refused");
		free(cause);
	}
}

/* Decide a connection's grants. */
void
authz_decide(const struct config *conf, const struct config_listener *l,
    const struct authz_identity *who, const char *sni,
    const struct sockaddr *peer, struct authz_result *out)
{
	const struct config_fs *fs = l->fs;
	struct policy_request req;
	struct policy_decision dec;
	char ip[64], ap_arn[200], sni_fs[32];
	const char *ap_id = NULL;
	size_t i, n;

	memset(out, 0, sizeof *out);
	snprintf(out->principal, sizeof out->principal, "%s",
	    who->id.principal[0] != '\0' ? who->id.principal : "anonymous");
	if (!who->ok) {
		authz_deny(out, "identity refused: %s", who->why);
		return;
	}
	/* Bound by identity_from_cert_for(); a second look costs nothing. */
	if (who->id.fs_id[0] != '\0' && strcmp(who->id.fs_id, fs->id) != 0) {
		authz_deny(out, "the client names file system %s; this mount "
		    "target serves %s", who->id.fs_id, fs->id);
		return;
	}
	if (sni != NULL && strncmp(sni, "fs-", 3) == 0) {
		n = strcspn(sni, ".");
		snprintf(sni_fs, sizeof sni_fs, "%.*s", (int)(n < 31 ? n : 31), sni);
		if (strcmp(sni_fs, fs->id) != 0) {
			authz_deny(out, "TLS name %s is not file system %s", sni_fs,
			    fs->id);
			return;
		}
	}
	if (who->id.ap_id[0] != '\0') {
		if (l->ap_id != NULL && strcmp(l->ap_id, who->id.ap_id) != 0) {
			authz_deny(out, "the client names access point %s; this "
			    "listener serves %s", who->id.ap_id, l->ap_id);
			return;
		}
		ap_id = who->id.ap_id;
	} else
		ap_id = l->ap_id;
	if (ap_id != NULL &&
	    (out->ap = access_points_find(fs->aps, ap_id)) == NULL) {
		authz_deny(out, "access point %s is not defined for %s", ap_id,
		    fs->id);
		return;
	}
	authz_source_ip(peer, ip, sizeof ip);
	if (out->ap != NULL)
		snprintf(ap_arn, sizeof ap_arn,
		    "arn:aws:elasticfilesystem:%s:%s:access-point/%s",
		    conf->region, conf->account, out->ap->id);
	memset(&req, 0, sizeof req);
	req.principal_arn = who->id.principal;
	req.resource_arn = fs->arn;
	req.secure_transport = who->tls;
	req.source_ip = ip[0] != '\0' ? ip : NULL;
	req.via_mount_target = 1;
	req.access_point_arn = out->ap != NULL ? ap_arn : NULL;
	for (i = 0; i < nitems(authz_actions); i++) {
		req.action = authz_actions[i].action;
		policy_decide(fs->policy, &req,
		    (who->id.grants & authz_actions[i].grant) != 0, &dec);
		if (dec.effect == POLICY_ALLOW)
			out->grants |= authz_actions[i].grant;
		if (i == 0) {
			out->mount_effect = dec.effect;
			out->mount_statement = dec.statement;
			snprintf(out->mount_sid, sizeof out->mount_sid, "%s",
			    dec.sid);
		}
	}
	out->grants &= l->grants;
	out->not_after = who->id.not_after;
	if (!(out->grants & GRANT_MOUNT))
		snprintf(out->reason, sizeof out->reason, "%s",
		    fs->policy != NULL ? "the file-system policy does not allow "
		    "ClientMount" : "the listener does not grant mount");
}
