/*
 * Internal: Passive Authentication (9303-11 §5.1) building blocks. The chip's signed
 * files — EF.SOD and EF.CardSecurity (BSI TR-03110-3 §A.1.2) — are CMS SignedData checked
 * by one path: OpenSSL verifies (CMS_SignerInfo_verify); pa_check_signed_data finds the
 * signer, enforces the algorithm policy and handles the field quirks of docs/quirks.md;
 * pa_check_signer_chain judges the document signer against the trust store
 * (vfy_trust_chain). Neither decides the overall verdict (see verdict.c).
 */
#ifndef VFY_PA_PA_H
#define VFY_PA_PA_H

#include <openssl/cms.h>
#include <openssl/x509.h>
#include <time.h>

#include "lds/sod.h"
#include "pa/verdict_internal.h"
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

/*
 * Checks a chip's SignedData (`cms`, borrowed) with the document signer certificate it
 * carries: exactly one SignerInfo; the signer found by issuer and serial (any RDN order)
 * or subject key identifier; digest and signature algorithms that agree, with the key
 * and with RFC 6211 protection when present; signed attributes present, contentType
 * equal to eContentType, messageDigest equal to the content's hash; the signature.
 * `file` ("EF.SOD", "EF.CardSecurity") names the file in fields and messages. The
 * content type is the caller's to check. Statuses: VFY_E_SIGNATURE (signers, signed
 * attributes, signature), VFY_E_HASH_MISMATCH (content changed), VFY_E_NO_TRUST_ANCHOR
 * (signer certificate not carried), VFY_E_ALGORITHM, VFY_E_WEAK_KEY, VFY_E_BAD_VALUE.
 * On return (even a failing one) `out` may hold the DS; release with pa_signature_free.
 */
VFY_NODISCARD vfy_status pa_check_signed_data(CMS_ContentInfo *cms, const char *file,
                                              const pa_policy *policy, pa_signature *out,
                                              vfy_detail *detail);

/* pa_check_signed_data for EF.SOD, with its own quirks (legacy eContentType, BER
 * indefinite lengths) and the SHA-1 policy of the data-group hashes. */
VFY_NODISCARD vfy_status pa_check_sod_signature(const lds_sod *sod, const pa_policy *policy,
                                                pa_signature *out, vfy_detail *detail);
void pa_signature_free(pa_signature *sig);

/*
 * The document signer judged against the trust store at time `at` (vfy_trust_chain),
 * the same for every signed file:
 *   ds_chain:    OK; FAILED VFY_E_CERT_CHAIN (the store has CSCAs of the DS's country but
 *                none issued it), VFY_E_KEY_USAGE (the DS may not sign), or the store's
 *                chain status; NOT_CHECKED VFY_E_NO_TRUST_ANCHOR (no CSCA of that country,
 *                or no trust store).
 *   ds_validity: OK; FAILED VFY_E_CERT_EXPIRED (DS or its CSCA not valid at `at`).
 *   crl:         OK; FAILED VFY_E_CERT_REVOKED (by any CRL of the CSCA); NOT_CHECKED
 *                VFY_E_CRL_MISSING (no CRL of the CSCA), VFY_E_CRL_STALE (the newest CRL
 *                is past nextUpdate), VFY_E_NO_TRUST_ANCHOR.
 * ds may be NULL (every check NOT_CHECKED, status VFY_OK).
 */
typedef struct pa_chain_checks {
    vfy_check_result ds_chain;
    vfy_check_result ds_validity;
    vfy_check_result crl;
    X509 *csca;                 /* the CSCA the DS chains to, borrowed from the store, or NULL */
    char csca_subject[256];
    time_t crl_this_update;     /* thisUpdate of the newest CRL consulted, 0 when none */
} pa_chain_checks;

void pa_check_signer_chain(const vfy_trust *trust, X509 *ds, time_t at, pa_chain_checks *out);

/*
 * EF.CardSecurity (BSI TR-03110-3 §A.1.2.2; 9303-11 §9.2.1): a SignedData whose
 * eContentType is id-SecurityObject (0.4.0.127.0.7.3.2.1) and whose content is
 * SecurityInfos, among them the ChipAuthenticationPublicKeyInfo that PACE-CAM's chip
 * authentication rests on. Verified exactly like EF.SOD: pa_check_signed_data, then
 * pa_check_signer_chain with the same trust store.
 */
typedef struct pa_cs_result {
    vfy_check_result signature;    /* OK; FAILED with pa_check_signed_data's status, or the
                                      file's parse error (VFY_E_BAD_VALUE, VFY_E_BAD_TAG,
                                      VFY_E_TRUNCATED, ...); VFY_E_NOT_FOUND: no file */
    vfy_check_result content;      /* OK: id-SecurityObject whose SecurityInfos parse;
                                      FAILED VFY_E_BAD_VALUE (another eContentType) or the
                                      SecurityInfos parse error */
    vfy_check_result ds_chain;     /* as pa_chain_checks */
    vfy_check_result ds_validity;
    vfy_check_result crl;
    bool verified;                 /* signature, content, ds_chain, ds_validity OK and crl
                                      not FAILED: the content is vouched for by a document
                                      signer of a trusted CSCA (crl NOT_CHECKED is a warning
                                      the inspection reports, as for EF.SOD) */
    char signature_algorithm[48];  /* "ecdsa-SHA256", "rsassa-pss-SHA256" */
    unsigned quirks;               /* PA_QUIRK_* met in the signature */
    char ds_subject[256];
    char ds_country[3];            /* ISO 3166 alpha-2 of the DS subject, "" if none */
    char csca_subject[256];
    X509 *csca;                    /* borrowed from the trust store, NULL when not chained */
    bool has_infos;                /* `infos` holds the parsed content */
    vfy_security_infos infos;      /* the content as parsed, whatever the checks said: for
                                      display only; rely on it through pa_cs_vouched() */
} pa_cs_result;

/*
 * Verifies EF.CardSecurity (data, len: the file as read) against `trust` at time `at`
 * (0: now) under `policy` (NULL: RSA >= 1024 bits, SHA-1 allowed). Returns VFY_OK
 * whenever a result was reached, whatever it is (then release `out` with
 * pa_cs_result_free); VFY_E_INVALID_ARGUMENT when out is NULL.
 */
VFY_NODISCARD vfy_status pa_verify_card_security(const uint8_t *data, size_t len,
                                                 const vfy_trust *trust, time_t at,
                                                 const pa_policy *policy, pa_cs_result *out);
void pa_cs_result_free(pa_cs_result *r);

/* The SecurityInfos EF.CardSecurity vouches for: NULL unless r->verified. */
const vfy_security_infos *pa_cs_vouched(const pa_cs_result *r);

/* The ChipAuthenticationPublicKeyInfo EF.CardSecurity vouches for with this keyId
 * (key_id < 0: the only one; NULL when there are several), or NULL: not verified, or
 * no such key. PACE-CAM is checked against its public_key (SubjectPublicKeyInfo). */
const vfy_security_info *pa_cs_chip_auth_key(const pa_cs_result *r, long key_id);

/* Writes the quirk names of `quirks` into buf, comma-separated. */
void pa_quirks_text(unsigned quirks, char *buf, size_t cap);

/* Hashes (data, len) with the algorithm into out (at least 64 bytes). */
VFY_NODISCARD vfy_status pa_digest(const digest_alg *alg, const uint8_t *data, size_t len,
                                   uint8_t *out, vfy_detail *detail);

#endif
