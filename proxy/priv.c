/*
 * efsgw - privileges. Root is needed only to bind port 2049 and, for file
 * systems with reserved-port, source ports below 1024 towards the backend.
 * Once the listeners are bound and the keys and logs are open, the daemon
 * becomes the configured user (`user`, default efsgw): its groups, gid
 * and uid, with no capability left but CAP_NET_BIND_SERVICE when a file
 * system connects from a reserved port (those connections are made later,
 * one per client). It refuses to stay root unless the configuration says
 * `user root`. What it re-reads on SIGHUP must then be readable by that
 * user: the state directory and the files the daemon generated there (when
 * it holds nothing else), and an audit log this start created, are handed
 * to it before the drop; the rest is the
 * operator's (docs/security.md), and main() checks it by loading the
 * configuration once more as the user.
 *
 * Capabilities go through the raw capget/capset system calls (Linux
 * capability ABI version 3, <linux/capability.h>), so no library is needed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/capability.h>

#include "proxy.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT			47
#define PR_CAP_AMBIENT_CLEAR_ALL	4
#endif
#ifndef PR_SET_NO_NEW_PRIVS
#define PR_SET_NO_NEW_PRIVS		38
#endif

#if defined(__SANITIZE_ADDRESS__)
#define PRIV_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PRIV_SANITIZED	1
#endif
#endif

/* Does any file system connect to its backend from a reserved port? */
int
priv_needs_bind(const struct config *conf)
{
	const struct config_fs *fs;

	TAILQ_FOREACH(fs, &conf->filesystems, entry) {
		if (fs->reserved_port)
			return 1;
	}
	return 0;
}

/* Find the user and group of conf, and whether a switch is due. */
int
priv_lookup(const struct config *conf, struct priv *pv, char **cause)
{
	struct passwd *pw;
	struct group *gr;

	memset(pv, 0, sizeof *pv);
	*cause = NULL;
	snprintf(pv->user, sizeof pv->user, "%s", conf->user);
	pv->keep_bind = priv_needs_bind(conf);
	if (geteuid() != 0)
		return 0;	/* not root: nothing to switch, caps trimmed */
	if (strcmp(conf->user, "root") == 0) {
		pv->stay_root = 1;
		return 0;
	}
	errno = 0;
	if ((pw = getpwnam(conf->user)) == NULL) {
		xasprintf(cause, "user %s does not exist: create it (useradd "
		    "--system --no-create-home --shell /usr/sbin/nologin %s) or "
		    "name another one with 'user' (or 'user root' to stay root)",
		    conf->user, conf->user);
		return EFSGW_ERR_NOT_FOUND;
	}
	if (pw->pw_uid == 0) {
		xasprintf(cause, "user %s has uid 0; write 'user root' to run as "
		    "root", conf->user);
		return EFSGW_ERR_BAD_VALUE;
	}
	pv->uid = pw->pw_uid;
	pv->gid = pw->pw_gid;
	if (conf->group != NULL) {
		if ((gr = getgrnam(conf->group)) == NULL) {
			xasprintf(cause, "group %s does not exist", conf->group);
			return EFSGW_ERR_NOT_FOUND;
		}
		pv->gid = gr->gr_gid;
	}
	pv->do_switch = 1;
	return 0;
}

/* Give path to the user when root owns it (a regular file or directory). */
static void
priv_give(const struct priv *pv, const char *path, int dir)
{
	struct stat st;

	if (lstat(path, &st) != 0 || st.st_uid != 0 ||
	    (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)))
		return;
	if (fchownat(AT_FDCWD, path, pv->uid, pv->gid,
	    AT_SYMLINK_NOFOLLOW) != 0)
		log_warn("cannot give %s to %s: %s", path, pv->user,
		    strerror(errno));
}

/* Is name one of the files efsgw keeps in state-dir? */
static int
priv_state_name(const char *name)
{
	static const char *const suffixes[] = { ".keys", ".performance-mode" };
	size_t n = strlen(name), i, l;

	if (strncmp(name, "fs-", 3) != 0)
		return 0;
	for (i = 0; i < nitems(suffixes); i++) {
		l = strlen(suffixes[i]);
		if (n > l && strcmp(name + n - l, suffixes[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * Does the directory hold nothing but efsgw's own state files? Only such
 * a directory is handed to the user: a state-dir pointed at a directory
 * with other contents (a home directory, /var/lib) must never change owner.
 */
static int
priv_state_dir_ours(const char *path)
{
	struct dirent *e;
	DIR *d;
	int ours = 1, n = 0;

	if ((d = opendir(path)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (++n > 4096 || !priv_state_name(e->d_name)) {
			ours = 0;
			break;
		}
	}
	closedir(d);
	return ours;
}

/*
 * Hand the user what the daemon itself created and must write or read
 * again: state-dir and the key and performance-mode files it generated
 * there, when the directory holds nothing else, and the audit log file
 * when this start created it. Only root-owned ones: a file someone else
 * owns is the operator's choice.
 */
void
priv_prepare(const struct config *conf, const struct priv *pv,
    int audit_created)
{
	const struct config_fs *fs;
	struct stat st;
	char *path;

	if (!pv->do_switch)
		return;
	if (audit_created)
		priv_give(pv, conf->audit_log, 0);
	else if (strcmp(conf->audit_log, "syslog") != 0 &&
	    strcmp(conf->audit_log, "none") != 0 &&
	    stat(conf->audit_log, &st) == 0 && st.st_uid == 0)
		log_warn("audit-log %s belongs to root: as user %s efsgw cannot "
		    "reopen it on SIGHUP or after rotation; chown it", conf->audit_log,
		    pv->user);
	if (!priv_state_dir_ours(conf->state_dir)) {
		if (lstat(conf->state_dir, &st) == 0 && st.st_uid != pv->uid)
			log_warn("state-dir %s holds other files, so it stays "
			    "whose it is; make it user %s's", conf->state_dir,
			    pv->user);
		return;
	}
	priv_give(pv, conf->state_dir, 1);
	TAILQ_FOREACH(fs, &conf->filesystems, entry) {
		if (fs->handle_keys == NULL) {
			xasprintf(&path, "%s/%s.keys", conf->state_dir, fs->id);
			priv_give(pv, path, 0);
			free(path);
		}
		xasprintf(&path, "%s/%s.performance-mode", conf->state_dir,
		    fs->id);
		priv_give(pv, path, 0);
		free(path);
	}
}

/* Set the permitted and effective sets to CAP_NET_BIND_SERVICE or nothing. */
static int
priv_set_caps(int keep_bind)
{
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
	uint32_t bit = 1u << CAP_NET_BIND_SERVICE;	/* 10: in data[0] */

	memset(&hdr, 0, sizeof hdr);
	memset(data, 0, sizeof data);
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	/* Keep it only if held: a set can shrink, never grow. */
	if (syscall(SYS_capget, &hdr, data) != 0)
		return -1;
	keep_bind = keep_bind && (data[0].permitted & bit) != 0;
	memset(data, 0, sizeof data);
	if (keep_bind) {
		data[0].permitted = bit;
		data[0].effective = bit;
	}
	return syscall(SYS_capset, &hdr, data) == 0 ? 0 : -1;
}

/* Drop every capability but CAP_NET_BIND_SERVICE from the bounding set. */
static void
priv_drop_bounding(int keep_bind)
{
	int cap;

	/* Needs CAP_SETPCAP; in a container without it the set stays. */
	for (cap = 0; cap < 64; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
			break;		/* past the kernel's last capability */
		if (keep_bind && cap == CAP_NET_BIND_SERVICE)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EPERM)
			break;
	}
}

/* Become the user, keeping at most CAP_NET_BIND_SERVICE. */
int
priv_drop(const struct priv *pv, char **cause)
{
	uid_t r, e, s;

	*cause = NULL;
	if (pv->stay_root) {
		log_warn("running as root, as 'user root' asks: a flaw in efsgw "
		    "would then be a flaw of the whole host");
		return 0;
	}
	if (pv->do_switch) {
		priv_drop_bounding(pv->keep_bind);
		if (pv->keep_bind && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
			xasprintf(cause, "prctl(PR_SET_KEEPCAPS): %s",
			    strerror(errno));
			return EFSGW_ERR_SYSTEM;
		}
		if (initgroups(pv->user, pv->gid) != 0) {
			xasprintf(cause, "initgroups %s: %s", pv->user,
			    strerror(errno));
			return EFSGW_ERR_SYSTEM;
		}
		if (setresgid(pv->gid, pv->gid, pv->gid) != 0 ||
		    setresuid(pv->uid, pv->uid, pv->uid) != 0) {
			xasprintf(cause, "cannot become user %s (uid %lu gid %lu): "
			    "%s", pv->user, (unsigned long)pv->uid,
			    (unsigned long)pv->gid, strerror(errno));
			return EFSGW_ERR_SYSTEM;
		}
		prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
		/* The way back must be closed. */
		if (setuid(0) == 0 || getresuid(&r, &e, &s) != 0 ||
		    r != pv->uid || e != pv->uid || s != pv->uid) {
			xasprintf(cause, "user %s: root could be regained",
			    pv->user);
			return EFSGW_ERR_INTERNAL;
		}
	}
	/* Started as root or not: no capability beyond what is needed. */
	if (priv_set_caps(pv->keep_bind) != 0) {
		xasprintf(cause, "capset: %s", strerror(errno));
		return EFSGW_ERR_SYSTEM;
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		log_warn("prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
#ifdef PRIV_SANITIZED
	/* LeakSanitizer's exit-time check ptraces the process's threads. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#endif
	if (pv->do_switch)
		log_info("running as user %s (uid %lu, gid %lu)%s", pv->user,
		    (unsigned long)pv->uid, (unsigned long)pv->gid,
		    pv->keep_bind ? ", keeping CAP_NET_BIND_SERVICE for "
		    "reserved-port" : ", no capabilities");
	else if (getuid() != 0)
		log_info("not started as root: running as uid %lu%s",
		    (unsigned long)getuid(), pv->keep_bind ?
		    ", keeping CAP_NET_BIND_SERVICE if held" : "");
	return 0;
}
