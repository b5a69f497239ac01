/*
 * efsgw - identities, grants, access points, squashing and handle
 * sealing: everything that decides who a client is and what it may reach.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_AUTH_H
#define EFSGW_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* The EFS client actions a connection may hold (elasticfilesystem:Client*). */
#ifndef GRANT_MOUNT
#define GRANT_MOUNT		0x1	/* ClientMount: read-only access */
#define GRANT_WRITE		0x2	/* ClientWrite */
#define GRANT_ROOT		0x4	/* ClientRootAccess: uid 0 stays 0 */
#endif

/* ------------------------------------------------------------ siphash.c */

/* SipHash-2-4 with a 128-bit tag of len bytes at in, under a 16-byte key. */
void	 siphash128(const uint8_t key[16], const void *in, size_t len,
	     uint8_t out[16]);

/* ------------------------------------------------------------ seal.c */

#define SEAL_VERSION		1
#define SEAL_TAG_LEN		16
#define SEAL_OVERHEAD		(2 + SEAL_TAG_LEN)	/* version, key id, tag */
#define SEAL_FHSIZE		128			/* NFS4_FHSIZE */
#define SEAL_MAX_BACKEND_FH	(SEAL_FHSIZE - SEAL_OVERHEAD)
#define SEAL_MAX_KEYS		16
#define SEAL_MAX_SCOPE		96

/*
 * The handle keys of one file system, shared by every gateway serving it.
 * One key seals; all of them verify, so keys rotate without breaking the
 * handles mounted clients hold.
 */
struct seal_keys {
	unsigned	 nkeys;
	struct {
		uint8_t	 id;
		uint8_t	 secret[16];
	}		 keys[SEAL_MAX_KEYS];
	unsigned	 sealer;	/* index of the sealing key */
};

/*
 * Parse a key file's text: lines "key ID HEX32 [seal]", '#' comments.
 * Exactly one key must be marked seal. Returns 0, or a negative code with
 * *cause ("name:line: ..."; caller frees).
 */
int	 seal_keys_parse(const char *name, const char *text,
	     struct seal_keys *keys, char **cause);
/* Load a key file; refuses one readable by group or others. */
int	 seal_keys_load(const char *path, struct seal_keys *keys, char **cause);
/* Create path (must not exist) holding one new random sealing key, 0600. */
int	 seal_keys_create(const char *path, char **cause);
/*
 * Seal backend handle fh (fhlen <= SEAL_MAX_BACKEND_FH) for scope (the
 * file system id, plus "/" and the access point id when there is one).
 * Writes fhlen + SEAL_OVERHEAD bytes to out. Deterministic: every gateway
 * with the same keys produces the same handle.
 */
int	 seal_handle(const struct seal_keys *, const char *scope,
	     const uint8_t *fh, size_t fhlen, uint8_t *out, size_t *outlen);
/*
 * Check a client's handle for scope. Returns 0 with the backend handle pointed
 * at the backend handle inside in, or EFSGW_ERR_BAD_VALUE for a handle that
 * is not one of ours (wrong length, version, unknown key, bad tag).
 */
int	 unseal_handle(const struct seal_keys *, const char *scope,
	     const uint8_t *in, size_t inlen, const uint8_t **fhp,
	     size_t *fhlenp);

/* ------------------------------------------------------------ accesspoint.c */

#define ACCESS_POINTS_MAX	10000	/* EFS's default quota per file system */

/* One access point (EFS create-access-point shape). */
struct access_point {
	char		 id[32];		/* fsap-<17 hex> */
	char		 fs_id[32];
	int		 has_posix_user;
	uint32_t	 uid;
	uint32_t	 gid;
	uint32_t	 ngids;
	uint32_t	 gids[16];
	char		 path[101];		/* RootDirectory.Path, "/" default */
	int		 has_creation;		/* CreationInfo given */
	uint32_t	 owner_uid;
	uint32_t	 owner_gid;
	uint32_t	 mode;			/* Permissions, parsed from octal */
};

struct access_points {
	size_t			 n;
	struct access_point	*v;
};

/*
 * Parse access points from JSON text: a list of objects or
 * {"AccessPoints": [...]}. Returns 0 and a new set (caller frees with
 * access_points_free) or a negative code with *cause (caller frees).
 */
int	 access_points_parse(const char *name, const char *text, size_t len,
	     struct access_points **out, char **cause);
int	 access_points_load(const char *path, struct access_points **out,
	     char **cause);
/* Borrow the access point with id, or NULL. */
const struct access_point *access_points_find(const struct access_points *,
	     const char *id);
void	 access_points_free(struct access_points *);
/* Check a RootDirectory.Path against EFS's rules; *why says what is wrong. */
int	 access_point_valid_path(const char *path, const char **why);

/* ------------------------------------------------------------ squash.c */

/* AUTH_SYS identity (RFC 5531 Appendix A), at most 16 gids. */
struct cred {
	uint32_t	 uid;
	uint32_t	 gid;
	uint32_t	 ngids;
	uint32_t	 gids[16];
};

/* What decides a connection's effective credentials. */
struct squash_policy {
	const struct access_point *ap;		/* NULL: none */
	int		 root_allowed;		/* ClientRootAccess granted */
	uint32_t	 anon_uid;		/* default 65534 */
	uint32_t	 anon_gid;
};

/*
 * Compute the credentials the server sees for a call whose client sent
 * client (NULL for AUTH_NONE).
 */
void	 squash_apply(const struct squash_policy *, const struct cred *client,
	     struct cred *out);

#endif /* EFSGW_AUTH_H */
