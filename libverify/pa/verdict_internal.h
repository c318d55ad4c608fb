/*
 * Internal: Passive Authentication of a document and the chip's proof, as checks. Only
 * the inspection (inspect/) combines them into an outcome; nothing here is public, so
 * no caller can set a check or finish a verdict of its own.
 *
 * vfy_verify_document fills every check of a vfy_verdict:
 *   - INVALID when any check failed;
 *   - UNVERIFIED when nothing failed but a needed trust anchor is missing, or Passive
 *     Authentication could not be completed;
 *   - GENUINE when Passive Authentication succeeded (SOD signature, DS chain, DS
 *     validity, every data-group hash, DG1 against the MRZ used, issuer country).
 * Whether the chip proved itself, and what the whole inspection concludes, is decided
 * by inspect/outcome.c (docs/verdict.md), not here.
 */
#ifndef VFY_PA_VERDICT_INTERNAL_H
#define VFY_PA_VERDICT_INTERNAL_H

#include <time.h>

#include "verify/session.h"
#include "verify/document.h"
#include "verify/mrz.h"
#include "verify/verdict.h"

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
    time_t crl_this_update;           /* newest CRL of the DS's CSCA, 0 when none */
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
VFY_NODISCARD vfy_status vfy_verify_document(const vfy_document *doc, const vfy_trust *trust,
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
VFY_NODISCARD vfy_status vfy_session_authenticate(vfy_session *s, vfy_document *doc,
                                                          vfy_chip_checks *out, vfy_detail *detail);

/* Records a check result (for access_control, active_auth, chip_auth). */
void vfy_verdict_set_check(vfy_check_result *check, vfy_outcome outcome, vfy_status status,
                                   const char *reason);
/* Recomputes the overall verdict and summary from the checks. */
void vfy_verdict_finish(vfy_verdict *v);

/* "genuine", "invalid", "unverified". */
const char *vfy_verdict_name(vfy_verdict_kind kind);

#endif
