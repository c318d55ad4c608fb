/*
 * Internal: Passive Authentication (9303-11 §5.1) building blocks. The SOD's CMS
 * signature is checked by OpenSSL (CMS_SignerInfo_verify); this module finds the
 * signer, enforces the algorithm policy, and handles the field quirks listed in
 * docs/quirks.md. It never decides the overall verdict (see verdict.c).
 */
#ifndef VFY_PA_PA_H
#define VFY_PA_PA_H

#include <openssl/x509.h>

#include "lds/sod.h"
#include "verify/verdict.h"

typedef struct pa_policy {
    unsigned min_rsa_bits;
    bool refuse_sha1;
} pa_policy;

/* Quirks met while checking a signature, for the report. */
enum pa_quirk {
    PA_QUIRK_EXPLICIT_EC = 1u << 0,       /* DS key with explicit EC domain parameters */
    PA_QUIRK_CURVE_HASH = 1u << 1,        /* DS curve size differs from the hash size */
    PA_QUIRK_SIGNER_BY_SKI = 1u << 2,     /* signer named by subject key identifier */
    PA_QUIRK_RDN_ORDER = 1u << 3,         /* signer issuer name in another RDN order */
    PA_QUIRK_BARE_KEY_OID = 1u << 4,      /* signatureAlgorithm is the bare key OID */
    PA_QUIRK_ALG_PROTECTION = 1u << 5,    /* RFC 6211 attribute present and checked */
    PA_QUIRK_SHA1 = 1u << 6,              /* SHA-1 used */
    PA_QUIRK_LEGACY_CONTENT_TYPE = 1u << 7,
    PA_QUIRK_INDEFINITE = 1u << 8,
};

typedef struct pa_signature {
    X509 *ds;                   /* the document signer (owned reference) */
    STACK_OF(X509) *certs;      /* the SOD's certificates (owned) */
    char algorithm[48];
    char named_curve[32];       /* DS EC key: the matched named curve, "explicit" if none */
    unsigned quirks;
} pa_signature;

/* Checks the SOD's signature with the DS certificate it carries. On return (even a
 * failing one) `out` may hold the DS; release with pa_signature_free. */
VFY_NODISCARD vfy_status pa_check_sod_signature(const lds_sod *sod, const pa_policy *policy,
                                                pa_signature *out, vfy_detail *detail);
void pa_signature_free(pa_signature *sig);

/* Writes the quirk names of `quirks` into buf, comma-separated. */
void pa_quirks_text(unsigned quirks, char *buf, size_t cap);

/* Hashes (data, len) with the algorithm into out (at least 64 bytes). */
VFY_NODISCARD vfy_status pa_digest(const digest_alg *alg, const uint8_t *data, size_t len,
                                   uint8_t *out, vfy_detail *detail);

#endif
