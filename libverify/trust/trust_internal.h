/*
 * Internal: OpenSSL-level access to the trust store for Passive Authentication and
 * seal verification.
 *
 * Chaining follows the ICAO model: a signer certificate (document signer, barcode
 * signer, master-list signer) is verified in one step against an anchor of the store,
 * found by authority/subject key identifier or by issuer name, and its signature is
 * checked with OpenSSL (X509_verify), which also handles explicit EC domain parameters.
 * Only CSCAs anchor: a signer certificate that is itself in the store (as a hint) is
 * still chained to its CSCA and checked against that CSCA's CRLs.
 */
#ifndef VFY_TRUST_INTERNAL_H
#define VFY_TRUST_INTERNAL_H

#include <openssl/x509.h>
#include <time.h>

#include "verify/trust.h"

typedef struct vfy_chain_result {
    X509 *anchor;          /* borrowed from the store: the issuing CSCA; NULL when none */
    bool direct_anchor;    /* always false: kept for callers; a certificate never anchors itself */
    bool hinted;           /* the certificate itself is in the store as a hint */
    vfy_status chain;      /* VFY_OK, VFY_E_NO_TRUST_ANCHOR, VFY_E_CERT_CHAIN, VFY_E_KEY_USAGE,
                              VFY_E_NOT_A_CA, VFY_E_CRITICAL_EXTENSION */
    vfy_status validity;   /* VFY_OK or VFY_E_CERT_EXPIRED (certificate or anchor at `at`) */
    vfy_status crl;        /* VFY_OK (the newest CRL is current and none revokes),
                              VFY_E_CERT_REVOKED (any CRL of the CSCA revokes),
                              VFY_E_CRL_STALE (the newest is past nextUpdate at `at`),
                              VFY_E_CRL_MISSING (the CSCA has no CRL in the store),
                              VFY_E_NO_MEMORY (a CRL of the CSCA could not be verified for want
                              of memory: revocation unknown, never read as unrevoked) */
    size_t crl_count;      /* CRLs of the CSCA that verify under it */
    time_t crl_this_update; /* the newest such CRL's thisUpdate; 0 if none */
    time_t crl_next_update; /* its nextUpdate; 0 if none or absent */
    char chain_reason[192];
    char validity_reason[192];
    char crl_reason[192];
} vfy_chain_result;

/*
 * Chains `cert` to an anchor of the store and checks validity and revocation at time
 * `at`. Returns VFY_OK when the call itself worked; the outcome of each check is in
 * `out`. `cert` is not modified.
 */
VFY_NODISCARD vfy_status vfy_trust_chain(const vfy_trust *trust, X509 *cert, time_t at,
                                         vfy_chain_result *out);

/* Adds a certificate (up-referenced, not consumed) as an anchor. */
VFY_NODISCARD vfy_status vfy_trust_add_x509(vfy_trust *trust, X509 *cert, const char *source,
                                            vfy_detail *detail);

/* The accepted anchors, borrowed: index < vfy_trust_anchor_count(). */
X509 *vfy_trust_anchor_get(const vfy_trust *trust, size_t index);

/* The hint certificates (non-CA certificates of the store), borrowed. */
size_t vfy_trust_hint_count(const vfy_trust *trust);
X509 *vfy_trust_hint_get(const vfy_trust *trust, size_t index);

/* The anchor with this subject key identifier, borrowed, or NULL. */
X509 *vfy_trust_find_by_skid(const vfy_trust *trust, const uint8_t *skid, size_t len);

/* ISO 3166-1 alpha-2 country (upper case) of a name's C= attribute; false if absent. */
bool vfy_x509_name_country(const X509_NAME *name, char out[3]);

/* A name as one line, RFC 4514 (RFC 2253) order, UTF-8; "" when it cannot be printed. */
void vfy_x509_name_text(const X509_NAME *name, char *out, size_t cap);

/* A JSON string of `text`, or of it with every byte above 0x7F replaced by '?' when it is
 * not UTF-8 (certificate names can hold anything). Never NULL unless out of memory. */
struct json_t;
struct json_t *vfy_trust_json_text(const char *text);

/* Whether `at` lies within the certificate's validity period. */
bool vfy_x509_valid_at(X509 *cert, time_t at);

#endif
