/*
 * libverify — is this document genuine? Passive Authentication of the files read
 * (ICAO 9303-11 §5.1), joined with the chip's own proof (Active Authentication,
 * §6.1, or Chip Authentication, §6.2) into one verdict.
 *
 * Every check is reported separately with a status and a sentence. The overall
 * verdict fails closed:
 *   - INVALID when any check failed;
 *   - UNVERIFIED when nothing failed but a needed trust anchor is missing (no CSCA
 *     for the document signer), or Passive Authentication could not be completed;
 *   - GENUINE only when Passive Authentication succeeded (SOD signature, DS chain,
 *     DS validity, every data-group hash, DG1 against the MRZ used, issuer country)
 *     and the chip proved itself by AA or CA — or, when the chip offers neither,
 *     `clone_detection_unavailable` is set and said so in the summary.
 * A data group listed in the SOD but not read is NOT_CHECKED, never OK; one read
 * but absent from the SOD is FAILED.
 *
 * Policy knobs are few on purpose (vfy_verify_options): the time of validity
 * checks, the minimum RSA size, and whether SHA-1 is acceptable (it is by default,
 * as 9303 still allows it for existing documents; its use is reported).
 */
#ifndef VERIFY_VERDICT_H
#define VERIFY_VERDICT_H

#include <time.h>

#include "verify/chip.h"
#include "verify/common.h"
#include "verify/document.h"
#include "verify/mrz.h"
#include "verify/status.h"
#include "verify/trust.h"

typedef enum vfy_outcome {
    VFY_OUTCOME_NOT_CHECKED = 0,
    VFY_OUTCOME_OK,
    VFY_OUTCOME_FAILED,
    VFY_OUTCOME_NOT_SUPPORTED,  /* the document does not offer this (no DG15, no DG14 ...) */
} vfy_outcome;

typedef enum vfy_verdict_kind {
    VFY_VERDICT_UNVERIFIED = 0,
    VFY_VERDICT_GENUINE,
    VFY_VERDICT_INVALID,
} vfy_verdict_kind;

typedef struct vfy_check_result {
    vfy_outcome outcome;
    vfy_status status;        /* VFY_OK, or why it failed / was not checked */
    char reason[200];
} vfy_check_result;

typedef struct vfy_verdict {
    vfy_verdict_kind verdict;
    bool clone_detection_unavailable; /* genuine, but the chip offers neither AA nor CA */
    char summary[256];

    vfy_check_result access_control;  /* filled by the caller that opened the chip */
    vfy_check_result sod_signature;
    vfy_check_result ds_chain;
    vfy_check_result ds_validity;
    vfy_check_result crl;
    vfy_check_result dg_hashes[17];   /* [1] .. [16]; index 0 unused */
    bool dg_listed[17];               /* the SOD lists this data group */
    vfy_check_result dg1_matches_mrz;
    vfy_check_result issuer_country;
    vfy_check_result active_auth;
    vfy_check_result chip_auth;

    /* What was found, for display. */
    char digest_algorithm[16];        /* data-group hashes: "SHA-256" */
    char signature_algorithm[48];     /* "ecdsa-with-SHA256", "rsassa-pss", ... */
    char ds_subject[256];
    char ds_country[3];
    char csca_subject[256];
    char quirks[256];                 /* field quirks met, comma-separated */
} vfy_verdict;

/* What the chip itself proved during a read (vfy_session_authenticate). */
typedef struct vfy_chip_checks {
    vfy_check_result access_control;
    vfy_check_result active_auth;
    vfy_check_result chip_auth;
} vfy_chip_checks;

typedef struct vfy_verify_options {
    time_t at;                  /* validity time; 0 means now */
    const vfy_mrz *mrz;         /* the MRZ used to open the chip, or NULL */
    unsigned min_rsa_bits;      /* 0 means 1024 */
    bool refuse_sha1;           /* refuse SHA-1 anywhere in the SOD signature or hashes */
    const vfy_chip_checks *chip;/* results of the chip's own proof, or NULL (offline) */
} vfy_verify_options;

/*
 * Passive Authentication of a document against a trust store (NULL: no anchors,
 * the chain is then NOT_CHECKED and the verdict UNVERIFIED at best). Fills every
 * check of `out`, including active_auth / chip_auth as NOT_CHECKED (or
 * NOT_SUPPORTED when the document has no DG15 / DG14); the chip layer then
 * records their results with vfy_verdict_set_check and calls vfy_verdict_finish.
 * Returns VFY_OK whenever a verdict was reached, whatever it is.
 */
VFY_API VFY_NODISCARD vfy_status vfy_verify_document(const vfy_document *doc, const vfy_trust *trust,
                                                     const vfy_verify_options *options,
                                                     vfy_verdict *out, vfy_detail *detail);

/*
 * On a session that has read `doc` (vfy_session_read_document): records how access
 * control went, reads DG14/DG15 when the SOD lists them but EF.COM did not (added to
 * doc, so Passive Authentication hashes them), then runs Chip Authentication (DG14;
 * done already when PACE-CAM opened the chip) and Active Authentication (DG15) with a
 * fresh challenge. Each outcome goes to `out` (FAILED with its reason when the chip
 * does not prove itself; NOT_SUPPORTED when it offers no such key). Returns VFY_OK
 * whenever the checks were recorded; pass `out` as vfy_verify_options.chip.
 */
VFY_API VFY_NODISCARD vfy_status vfy_session_authenticate(vfy_session *s, vfy_document *doc,
                                                          vfy_chip_checks *out, vfy_detail *detail);

/* Records a check result (for access_control, active_auth, chip_auth). */
VFY_API void vfy_verdict_set_check(vfy_check_result *check, vfy_outcome outcome, vfy_status status,
                                   const char *reason);
/* Recomputes the overall verdict and summary from the checks. */
VFY_API void vfy_verdict_finish(vfy_verdict *v);

/* "genuine", "invalid", "unverified". */
VFY_API const char *vfy_verdict_name(vfy_verdict_kind kind);
/* "ok", "failed", "not_checked", "not_supported". */
VFY_API const char *vfy_outcome_name(vfy_outcome outcome);

/* ISO 3166-1 alpha-2 of an MRZ issuing-state code ("D" -> "DE", "UTO" -> "UT",
 * "GBR" -> "GB"); NULL when unknown. */
VFY_API const char *vfy_country_alpha2(const char *mrz_code);

/*
 * Active Authentication verification without a chip (9303-11 §6.1): checks that
 * `signature` is the chip's answer to `challenge` (8 bytes) under the DG15 key.
 * RSA: ISO/IEC 9796-2 scheme 1, hash from the trailer. ECDSA: the hash named by
 * DG14's ActiveAuthenticationInfo (dg14 may be NULL: then the hash matching the
 * curve size), signature plain r||s or DER.
 */
VFY_API VFY_NODISCARD vfy_status vfy_aa_verify(const uint8_t *dg15, size_t dg15_len,
                                               const uint8_t *dg14, size_t dg14_len,
                                               const uint8_t *challenge, size_t challenge_len,
                                               const uint8_t *signature, size_t signature_len,
                                               vfy_detail *detail);

#endif
