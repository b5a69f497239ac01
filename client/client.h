/*
 * efsgw - client/: efsgw-mount (and its mount.efsgw link), the client side
 * of efsgw in the manner of efs-utils' mount.efs. It parses the mount
 * helper's argv and -o options (mount-opts.c), reads the client's token
 * (mount-token.c), keeps a cached key pair and builds the short-lived
 * per-mount certificate carrying the token (mount-cert.c), runs a local
 * TLS tunnel to the gateway (mount-tunnel.c) under a supervisor that
 * restarts it (mount-super.c), and calls mount(8) (efsgw-mount.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_CLIENT_H
#define EFSGW_CLIENT_H

#include <sys/types.h>

#include <stddef.h>
#include <time.h>

#include <sys/socket.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define MOUNT_STATE_DIR		"/var/lib/efsgw-mount"
#define MOUNT_DEF_TARGET_PORT	2049
#define MOUNT_DEF_DNS_SUFFIX	"amazonaws.com"
#define MOUNT_DEF_RENEW		3600	/* s: efs-utils re-signs hourly */
#define MOUNT_CERT_NOT_BEFORE	(15 * 60)	/* s back-dated, as efs-utils */
#define MOUNT_CERT_NOT_AFTER	(3 * 3600)	/* s valid, as efs-utils */
#define MOUNT_MAX_TOKEN		16384	/* bytes; auth/identity.h IDENTITY_MAX_JWT */
#define MOUNT_TOKENCMD_TIMEOUT	30	/* s a tokencmd may run */
#define MOUNT_PROBE_TIMEOUT	15	/* s to reach the gateway before mounting */
#define MOUNT_CONFIG		"/etc/efsgw/efsgw-mount.conf"

enum mount_keytype { MOUNT_KEY_EC, MOUNT_KEY_RSA };

/* Everything the command line and -o said. Strings are owned (xstrdup). */
struct mount_opts {
	char		*fs_id;		/* fs-<hex> */
	char		*path;		/* "/" or the subdirectory */
	char		*mountpoint;	/* NULL with --tunnel-only */
	int		 tls;
	int		 iam;
	char		*accesspoint;	/* fsap-<hex> or NULL */
	int		 tlsport;	/* local tunnel port; 0 = any free */
	char		*target_ip;	/* mounttargetip= or NULL (DNS) */
	int		 target_port;	/* mounttargetport=, 2049 */
	char		*cafile;	/* NULL: the system's CA store */
	char		*capath;	/* CA directory (c_rehash), or NULL */
	char		*az;		/* az=: az.fs-id.efs... is resolved */
	int		 notls;		/* efs-utils' notls: plain NFS */
	char		*region;
	char		*dnssuffix;
	char		*verifyname;	/* overrides fs-id.efs.region.suffix */
	char		*token_file;
	char		*token_cmd;
	char		*statedir;
	enum mount_keytype keytype;
	int		 renew;		/* certificate renewal period, s */
	char		*nfsopts;	/* options passed on to mount(8) */
	int		 tunnel_only;
	int		 verbose;
	int		 fake;		/* mount -f */
	int		 nomtab;	/* mount -n */
	int		 sloppy;	/* mount -s: ignore unknown options */
	int		 reattach;	/* watchdog: supervise an existing mount */
};

/* mount-opts.c */
/* Zero mo and set the defaults. */
void	 mount_opts_init(struct mount_opts *mo);
void	 mount_opts_clear(struct mount_opts *mo);
/*
 * Parse "fs-id[:/path]" into mo. Returns 0, or -1 with *cause (caller
 * frees).
 */
int	 mount_opts_spec(struct mount_opts *mo, const char *spec, char **cause);
/*
 * Parse one comma-separated -o list into mo: efsgw-mount's own options
 * are taken, the others are kept in mo->nfsopts for mount(8). Returns 0
 * or -1 with *cause.
 */
int	 mount_opts_parse(struct mount_opts *mo, const char *list, char **cause);
/*
 * Read defaults from a config file (efs-utils.conf's role): one
 * "option = value" or "option" per line, '#' comments, efsgw-mount's own
 * options only. A missing file is fine unless must_exist. Returns 0 or -1
 * with *cause ("file:line: ...").
 */
int	 mount_opts_config(struct mount_opts *mo, const char *path,
	     int must_exist, char **cause);
/* Cross-option checks after everything is parsed; 0 or -1 with *cause. */
int	 mount_opts_check(struct mount_opts *mo, char **cause);
/* The DNS name resolved for the gateway ([az.]fs-id.efs.region.suffix). */
char	*mount_opts_dns_name(const struct mount_opts *mo);
/* The name the gateway's certificate must carry (caller frees). */
char	*mount_opts_verify_name(const struct mount_opts *mo);
/*
 * The -o string for mount -t nfs4: efs-utils' defaults (nfsvers=4.1,
 * rsize/wsize 1 MiB, hard, timeo=600, retrans=2, noresvport) overridden
 * by the user's, plus port=localport when tunnelling. Caller frees.
 */
char	*mount_opts_nfs(const struct mount_opts *mo, int localport);

/* mount-token.c */
/*
 * Read the client's token from mo->token_file or by running
 * mo->token_cmd (sh -c, MOUNT_TOKENCMD_TIMEOUT s). Returns 0 and *tokenp
 * (caller frees; NULL when neither is configured), or -1 with *cause.
 */
int	 mount_token_read(const struct mount_opts *mo, char **tokenp,
	     char **cause);
/* Stamp of the token file (mtime, size, inode) to notice rotation; 0 if none. */
unsigned long long mount_token_stamp(const struct mount_opts *mo);

/* mount-cert.c */
/*
 * Create the state directory (0700) if needed and load the cached key of
 * mo->keytype, generating it (0600, created atomically) the first time.
 * Returns 0 and *keyp (caller frees), or -1 with *cause.
 */
int	 mount_cert_key(const struct mount_opts *mo, EVP_PKEY **keyp,
	     char **cause);
/*
 * Build the per-mount self-signed certificate for key: subject CN=fs id,
 * valid from now - 15 min to now + 3 h, with the file system id (.7.3),
 * access point (.7.1) when set, client info (.7.4) and, when token is not
 * NULL, efsgw's JWT extension. Returns 0 and *certp (caller frees), or -1
 * with *cause.
 */
int	 mount_cert_build(const struct mount_opts *mo, EVP_PKEY *key,
	     const char *token, time_t now, X509 **certp, char **cause);
/* Write cert as PEM to path (0600, atomically). 0 or -1 with *cause. */
int	 mount_cert_write(X509 *cert, const char *path, char **cause);

/* mount-tunnel.c */
/*
 * Run the tunnel on the listening socket lfd until SIGTERM/SIGINT: accept
 * local connections and forward each over TLS to the gateway, renewing
 * the certificate (written to certpath) every mo->renew seconds or when
 * the token file changes. Returns the process exit status.
 */
int	 mount_tunnel_run(const struct mount_opts *mo, int lfd,
	     const char *certpath);

/*
 * Resolve the gateway (mounttargetip, IPv4 or IPv6, else its DNS name)
 * into ss. Returns 0, or -1 with *cause.
 */
int	 mount_tunnel_resolve_addr(const struct mount_opts *mo,
	     struct sockaddr_storage *ss, socklen_t *lenp, char *str,
	     size_t strlen_, char **cause);
/*
 * A TLS client context for the gateway: TLS 1.2+, cafile/capath or the
 * system's CA store, peer verification, cert and key. NULL with *cause.
 */
SSL_CTX	*mount_tunnel_new_ctx(const struct mount_opts *mo, X509 *cert,
	     EVP_PKEY *key, char **cause);

/* mount-probe.c */
/*
 * Before mounting: resolve the gateway, connect and, with tls, complete a
 * TLS handshake with the mount's certificate, verifying the gateway's,
 * all within timeout_s seconds. Returns 0, or -1 with *cause saying
 * which step failed and why.
 */
int	 mount_tunnel_probe(const struct mount_opts *mo, int timeout_s,
	     char **cause);

/* mount-super.c */
/*
 * Bind 127.0.0.1:port (0 = let the kernel pick) and listen. Returns the
 * socket and *portp, or -1 with *cause.
 */
int	 mount_super_listen(int port, int *portp, char **cause);
/*
 * Supervise tunnel workers on lfd: fork one, restart it with a bounded
 * exponential backoff when it dies, stop it on SIGTERM/SIGINT/SIGHUP and,
 * when watch_mount, once mo->mountpoint was seen mounted on the tunnel's
 * port and is gone again. Removes statedir_mount on exit. Returns the
 * exit status.
 */
int	 mount_super_run(const struct mount_opts *mo, int lfd, int port,
	     const char *statedir_mount, int watch_mount);
/* 1 if mountpoint is mounted (NFS) through 127.0.0.1:port, 0 if not, -1. */
int	 mount_super_mounted(const char *mountpoint, int port);

/* mount-watchdog.c */
#define MOUNT_ARGS_FILE		"args"	/* in STATEDIR/fs-ID.PORT: the argv */
#define MOUNT_WATCHDOG_S	30	/* s between watchdog passes */
/*
 * Save argv (NUL-separated) as STATEDIR/fs-ID.PORT/args, so that the
 * watchdog can restart the supervisor with the same options.
 */
void	 mount_watchdog_save_args(const char *smdir, int argc, char **argv);
/*
 * The watchdog (efs-utils' amazon-efs-mount-watchdog): every
 * MOUNT_WATCHDOG_S (once if once), for each STATEDIR/fs-ID.PORT whose
 * supervisor is gone, restart the supervisor (self --reattach ARGS...)
 * if the mount point is still mounted through PORT, else remove the
 * stale state. Returns the exit status.
 */
int	 mount_watchdog_run(const char *statedir, int once);

#endif /* EFSGW_CLIENT_H */
