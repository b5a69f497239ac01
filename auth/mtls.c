/*
 * efsgw - identities of certificates issued by a configured client CA
 * (cert-manager style fleets): loading the CA bundle, verifying a chain
 * against it at a given time, and naming the principal from the
 * subjectAltName (RFC 5280 §4.2.1.6): the first URI (a SPIFFE id, an ARN),
 * else the first DNS name. The subject CN is not used: SANs are what CAs
 * vouch for today (RFC 6125 §6.4.4 deprecates CN for the same reason).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "identity.h"

int
mtls_load_ca(const char *path, X509_STORE **storep, char **cause)
{
	X509_STORE *store;
	unsigned long e;

	*storep = NULL;
	if ((store = X509_STORE_new()) == NULL)
		return EFSGW_ERR_NOMEM;
	if (X509_STORE_load_file(store, path) != 1) {
		e = ERR_get_error();
		xasprintf(cause, "%s: cannot load CA certificates: %s", path,
		    e != 0 ? ERR_reason_error_string(e) : "no certificate");
		ERR_clear_error();
		X509_STORE_free(store);
		return EFSGW_ERR_SYNTAX;
	}
	*storep = store;
	return 0;
}

int
mtls_verify(X509_STORE *store, X509 *cert, STACK_OF(X509) *chain, time_t now,
    char **cause)
{
	X509_STORE_CTX *ctx;
	X509_VERIFY_PARAM *param;
	int r = EFSGW_ERR_BAD_VALUE, err;

	if (store == NULL)
		return identity_fail(cause, EFSGW_ERR_NOT_FOUND, "mtls_chain",
		    "no client CA configured");
	if ((ctx = X509_STORE_CTX_new()) == NULL)
		return EFSGW_ERR_NOMEM;
	if (X509_STORE_CTX_init(ctx, store, cert, chain) != 1) {
		r = identity_fail(cause, EFSGW_ERR_INTERNAL, "mtls_chain",
		    "cannot start verification");
		goto out;
	}
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(param, now);
	X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_CLIENT);
	if (X509_verify_cert(ctx) == 1)
		r = 0;
	else {
		err = X509_STORE_CTX_get_error(ctx);
		identity_fail(cause, r, "mtls_chain", "%s (%d)",
		    X509_verify_cert_error_string(err), err);
	}
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	return r;
}

/* Copy a SAN string of printable ASCII into buf. */
static int
mtls_copy(const ASN1_IA5STRING *s, char *buf, size_t len)
{
	const unsigned char *p = ASN1_STRING_get0_data(s);
	size_t i, n = (size_t)ASN1_STRING_length(s);

	if (n == 0 || n >= len)
		return EFSGW_ERR_TOO_LONG;
	for (i = 0; i < n; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return EFSGW_ERR_BAD_VALUE;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}

int
mtls_identity(X509 *cert, struct identity *out, char **cause)
{
	GENERAL_NAMES *sans;
	GENERAL_NAME *gn;
	int i, kind, r = EFSGW_ERR_NOT_FOUND;
	char subj[200];

	if ((sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL,
	    NULL)) == NULL)
		return identity_fail(cause, EFSGW_ERR_NOT_FOUND, "mtls_san",
		    "certificate from the client CA has no subjectAltName");
	/* URIs first (a SPIFFE id or ARN names a workload), then DNS. */
	for (kind = 0; kind < 2 && r == EFSGW_ERR_NOT_FOUND; kind++) {
		for (i = 0; i < sk_GENERAL_NAME_num(sans) && i < 64; i++) {
			gn = sk_GENERAL_NAME_value(sans, i);
			if (kind == 0 && gn->type == GEN_URI)
				r = mtls_copy(gn->d.uniformResourceIdentifier,
				    out->principal, sizeof out->principal);
			else if (kind == 1 && gn->type == GEN_DNS)
				r = mtls_copy(gn->d.dNSName, out->principal,
				    sizeof out->principal);
			else
				continue;
			break;	/* the first of its kind decides */
		}
	}
	if (r != 0) {
		out->principal[0] = '\0';
		identity_fail(cause, r, "mtls_san", "no usable URI or DNS "
		    "subjectAltName");
		goto out;
	}
	X509_NAME_oneline(X509_get_subject_name(cert), subj, sizeof subj);
	log_escape(out->detail, sizeof out->detail, subj, strlen(subj));
	r = 0;
out:
	GENERAL_NAMES_free(sans);
	return r;
}

/* The first needle in the len bytes at p, or NULL (p need not end in NUL). */
static const char *
mtls_find(const char *p, size_t len, const char *needle)
{
	size_t i, n = strlen(needle);

	for (i = 0; n <= len && i <= len - n; i++)
		if (memcmp(p + i, needle, n) == 0)
			return p + i;
	return NULL;
}

int
mtls_check_fs(X509 *cert, const char *fs_id, char **cause)
{
	static const char marker[] = ":file-system/";
	GENERAL_NAMES *sans;
	GENERAL_NAME *gn;
	const char *p, *q;
	size_t n, len;
	int i, r = 0;

	if ((sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL,
	    NULL)) == NULL)
		return 0;
	for (i = 0; i < sk_GENERAL_NAME_num(sans) && i < 64; i++) {
		gn = sk_GENERAL_NAME_value(sans, i);
		if (gn->type != GEN_URI)
			continue;
		p = (const char *)ASN1_STRING_get0_data(
		    gn->d.uniformResourceIdentifier);
		len = (size_t)ASN1_STRING_length(gn->d.uniformResourceIdentifier);
		/* An EFS file-system ARN: arn:PARTITION:elasticfilesystem:... */
		if (len < 4 || strncmp(p, "arn:", 4) != 0 ||
		    mtls_find(p, len, ":elasticfilesystem:") == NULL ||
		    (q = mtls_find(p, len, marker)) == NULL)
			continue;
		q += sizeof marker - 1;
		n = (size_t)(p + len - q);
		if (n != strlen(fs_id) || memcmp(q, fs_id, n) != 0) {
			r = identity_fail(cause, EFSGW_ERR_BAD_VALUE, "mtls_fs",
			    "the certificate's subjectAltName names another "
			    "file system than %s", fs_id);
			break;
		}
	}
	GENERAL_NAMES_free(sans);
	return r;
}
