/*
 * efsgw - mount-cert: the client's key pair and per-mount certificate.
 * Like efs-utils, efsgw-mount keeps one long-lived key pair in its state
 * directory and makes a short-lived self-signed certificate for each mount
 * (back-dated 15 minutes, valid 3 hours, renewed hourly by the tunnel).
 * The identity lives in its extensions: the efs-utils ones for the file
 * system id (.7.3), the access point (.7.1) and the client info (.7.4),
 * and efsgw's JWT extension (auth/identity.h EFSGW_OID_JWT) holding the
 * token. The DER of the extension values is written here by hand: each is
 * one UTF8String or a SEQUENCE OF UTF8String (X.690 §8.9, §8.10, §8.23).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "common.h"
#include "identity.h"	/* EFS_OID_* and EFSGW_OID_JWT: one source of truth */
#include "client.h"

/* Set *cause (with OpenSSL's first queued error, if any) and return -1. */
static int __attribute__((format(printf, 2, 3)))
mount_cert_fail(char **cause, const char *fmt, ...)
{
	char msg[512], reason[256];
	unsigned long e = ERR_get_error();
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (e != 0) {
		ERR_error_string_n(e, reason, sizeof reason);
		xasprintf(cause, "%s: %s", msg, reason);
	} else
		*cause = xstrdup(msg);
	ERR_clear_error();
	return -1;
}

/* The cached key's file name for a key type. */
static char *
mount_cert_key_path(const struct mount_opts *mo)
{
	char *path;

	xasprintf(&path, "%s/%s", mo->statedir, mo->keytype == MOUNT_KEY_RSA ?
	    "privateKey-rsa3072.pem" : "privateKey-p256.pem");
	return path;
}

/* Load a PEM private key, refusing a file others could read. */
static int
mount_cert_load_key(const char *path, EVP_PKEY **keyp, char **cause)
{
	struct stat sb;
	FILE *f;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;	/* the caller tells "absent" from other errors */
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return mount_cert_fail(cause, "%s: not a regular file", path);
	}
	if ((sb.st_mode & 077) != 0) {
		close(fd);
		return mount_cert_fail(cause, "%s: private key readable by "
		    "others (mode %03o); chmod 600 it or remove it", path,
		    (unsigned)(sb.st_mode & 0777));
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return mount_cert_fail(cause, "%s: %s", path, strerror(errno));
	}
	*keyp = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (*keyp == NULL)
		return mount_cert_fail(cause, "%s: not a PEM private key", path);
	return 0;
}

/* Generate a key and publish it at path with link(2), so racing mounts share one. */
static int
mount_cert_new_key(const struct mount_opts *mo, const char *path,
    EVP_PKEY **keyp, char **cause)
{
	EVP_PKEY *key;
	FILE *f;
	char *tmp;
	int fd, r = -1;

	key = mo->keytype == MOUNT_KEY_RSA ? EVP_RSA_gen(3072) :
	    EVP_EC_gen("P-256");
	if (key == NULL)
		return mount_cert_fail(cause, "generating the key");
	xasprintf(&tmp, "%s.%ld.tmp", path, (long)getpid());
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1) {
		mount_cert_fail(cause, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		mount_cert_fail(cause, "%s: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	if (PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) != 1 ||
	    fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fclose(f);
		mount_cert_fail(cause, "%s: writing the key", tmp);
		goto out_unlink;
	}
	fclose(f);
	if (link(tmp, path) == -1) {
		if (errno != EEXIST) {
			mount_cert_fail(cause, "%s: %s", path, strerror(errno));
			goto out_unlink;
		}
		/* Another mount won the race: use its key. */
		EVP_PKEY_free(key);
		key = NULL;
		if (mount_cert_load_key(path, &key, cause) != 0) {
			if (*cause == NULL)
				mount_cert_fail(cause, "%s: %s", path,
				    strerror(errno));
			goto out_unlink;
		}
	}
	*keyp = key;
	key = NULL;
	r = 0;
out_unlink:
	(void)unlink(tmp);
out:
	free(tmp);
	EVP_PKEY_free(key);
	return r;
}

/* Load or create the cached key pair. */
int
mount_cert_key(const struct mount_opts *mo, EVP_PKEY **keyp, char **cause)
{
	struct stat sb;
	char *path;
	int r;

	*keyp = NULL;
	*cause = NULL;
	if (mkdir(mo->statedir, 0700) == -1 && errno != EEXIST)
		return mount_cert_fail(cause, "state directory %s: %s",
		    mo->statedir, strerror(errno));
	if (stat(mo->statedir, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return mount_cert_fail(cause, "state directory %s: not a "
		    "directory", mo->statedir);
	path = mount_cert_key_path(mo);
	if ((r = mount_cert_load_key(path, keyp, cause)) != 0 && *cause == NULL) {
		if (errno == ENOENT)
			r = mount_cert_new_key(mo, path, keyp, cause);
		else
			mount_cert_fail(cause, "%s: %s", path, strerror(errno));
	}
	free(path);
	return r;
}

/* Append a DER length (X.690 §8.1.3, definite form). */
static size_t
mount_cert_der_len(unsigned char *p, size_t len)
{
	if (len < 0x80) {
		p[0] = (unsigned char)len;
		return 1;
	}
	if (len < 0x100) {
		p[0] = 0x81;
		p[1] = (unsigned char)len;
		return 2;
	}
	if (len < 0x10000) {
		p[0] = 0x82;
		p[1] = (unsigned char)(len >> 8);
		p[2] = (unsigned char)len;
		return 3;
	}
	p[0] = 0x83;
	p[1] = (unsigned char)(len >> 16);
	p[2] = (unsigned char)(len >> 8);
	p[3] = (unsigned char)len;
	return 4;
}

/* Append tag + length + n bytes to buf at *off (buf is large enough). */
static void
mount_cert_der_tlv(unsigned char *buf, size_t *off, unsigned char tag,
    const void *data, size_t n)
{
	buf[(*off)++] = tag;
	*off += mount_cert_der_len(buf + *off, n);
	memcpy(buf + *off, data, n);
	*off += n;
}

/* Add a non-critical extension oid whose extnValue is der (len bytes). */
static int
mount_cert_add_ext(X509 *cert, const char *oid, const unsigned char *der,
    size_t len, char **cause)
{
	ASN1_OBJECT *obj;
	ASN1_OCTET_STRING *os;
	X509_EXTENSION *ext = NULL;
	int r = -1;

	if ((obj = OBJ_txt2obj(oid, 1)) == NULL)
		return mount_cert_fail(cause, "OID %s", oid);
	if ((os = ASN1_OCTET_STRING_new()) == NULL ||
	    ASN1_OCTET_STRING_set(os, der, (int)len) != 1 ||
	    (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os)) == NULL ||
	    X509_add_ext(cert, ext, -1) != 1)
		mount_cert_fail(cause, "extension %s", oid);
	else
		r = 0;
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(obj);
	return r;
}

/* Add an extension holding one UTF8String (tag 12, X.690 §8.23). */
static int
mount_cert_add_utf8(X509 *cert, const char *oid, const char *s, char **cause)
{
	size_t n = strlen(s), off = 0;
	unsigned char *der;
	int r;

	der = xmalloc(n + 8);
	mount_cert_der_tlv(der, &off, 0x0c, s, n);
	r = mount_cert_add_ext(cert, oid, der, off, cause);
	free(der);
	return r;
}

/* Add .7.4 client info: SEQUENCE { UTF8String source, UTF8String version }. */
static int
mount_cert_add_client_info(X509 *cert, char **cause)
{
	static const char source[] = "efsgw-mount", version[] = PACKAGE_VERSION;
	unsigned char inner[128], der[160];
	size_t ioff = 0, off = 0;

	mount_cert_der_tlv(inner, &ioff, 0x0c, source, strlen(source));
	mount_cert_der_tlv(inner, &ioff, 0x0c, version, strlen(version));
	mount_cert_der_tlv(der, &off, 0x30, inner, ioff);
	return mount_cert_add_ext(cert, EFS_OID_CLIENT_INFO, der, off, cause);
}

/* Build the per-mount certificate. */
int
mount_cert_build(const struct mount_opts *mo, EVP_PKEY *key,
    const char *token, time_t now, X509 **certp, char **cause)
{
	X509 *cert;
	X509_NAME *name;
	X509V3_CTX v3;
	X509_EXTENSION *ski;
	BIGNUM *bn = NULL;
	unsigned char serial[16];

	*certp = NULL;
	*cause = NULL;
	if (token != NULL && strlen(token) > MOUNT_MAX_TOKEN)
		return mount_cert_fail(cause, "token longer than %d bytes",
		    MOUNT_MAX_TOKEN);
	if ((cert = X509_new()) == NULL)
		return mount_cert_fail(cause, "X509_new");
	/* A random positive serial (RFC 5280 §4.1.2.2: at most 20 octets). */
	if (RAND_bytes(serial, sizeof serial) != 1)
		goto fail;
	serial[0] &= 0x7f;
	if (X509_set_version(cert, X509_VERSION_3) != 1 ||
	    (bn = BN_bin2bn(serial, sizeof serial, NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) == NULL)
		goto fail;
	if (X509_time_adj_ex(X509_getm_notBefore(cert), 0,
	    -MOUNT_CERT_NOT_BEFORE, &now) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(cert), 0, MOUNT_CERT_NOT_AFTER,
	    &now) == NULL)
		goto fail;
	name = X509_get_subject_name(cert);
	if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)mo->fs_id, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(cert, name) != 1 ||
	    X509_set_pubkey(cert, key) != 1)
		goto fail;
	/* subjectKeyIdentifier = hash, as efs-utils' certificates carry. */
	X509V3_set_ctx(&v3, cert, cert, NULL, NULL, 0);
	if ((ski = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_key_identifier,
	    "hash")) == NULL)
		goto fail;
	if (X509_add_ext(cert, ski, -1) != 1) {
		X509_EXTENSION_free(ski);
		goto fail;
	}
	X509_EXTENSION_free(ski);
	if ((mo->accesspoint != NULL && mount_cert_add_utf8(cert,
	    EFS_OID_ACCESS_POINT, mo->accesspoint, cause) != 0) ||
	    mount_cert_add_utf8(cert, EFS_OID_FS_ID, mo->fs_id, cause) != 0 ||
	    mount_cert_add_client_info(cert, cause) != 0 ||
	    (token != NULL && mount_cert_add_utf8(cert, EFSGW_OID_JWT, token,
	    cause) != 0))
		goto fail_cause;
	if (X509_sign(cert, key, EVP_sha256()) <= 0)
		goto fail;
	BN_free(bn);
	*certp = cert;
	return 0;
fail:
	mount_cert_fail(cause, "building the certificate");
fail_cause:
	BN_free(bn);
	X509_free(cert);
	return -1;
}

/* Write cert as PEM to path, replacing it atomically. */
int
mount_cert_write(X509 *cert, const char *path, char **cause)
{
	FILE *f;
	char *tmp;
	int fd, r = -1;

	*cause = NULL;
	xasprintf(&tmp, "%s.tmp", path);
	(void)unlink(tmp);
	/* 0600: the certificate carries the token, a bearer credential. */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1) {
		mount_cert_fail(cause, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		mount_cert_fail(cause, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	r = PEM_write_X509(f, cert) == 1 ? 0 : -1;
	if (fclose(f) != 0 || r != 0) {
		r = -1;
		mount_cert_fail(cause, "%s: write failed", tmp);
		goto out;
	}
	r = -1;
	if (rename(tmp, path) == -1) {
		mount_cert_fail(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	r = 0;
out:
	if (r != 0)
		(void)unlink(tmp);
	free(tmp);
	return r;
}
