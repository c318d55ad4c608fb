/*
 * libverify — the building blocks of a verdict that are public: the status of one
 * check (vfy_outcome), ICAO issuing-state codes, and Active Authentication of a
 * signature without a chip.
 *
 * The verdict itself — Passive Authentication (ICAO 9303-11 §5.1) joined with the
 * chip's own proof (Active Authentication §6.1, Chip Authentication §6.2) — is decided
 * only by the inspection (verify/inspection.h, docs/verdict.md): no public function
 * sets a check or combines checks into `genuine`.
 *
 * Thread safety: these calls keep no state between calls; safe from any thread.
 */
#ifndef VERIFY_VERDICT_H
#define VERIFY_VERDICT_H

#include <time.h>

#include "session.h"
#include "common.h"
#include "document.h"
#include "mrz.h"
#include "status.h"
#include "trust.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vfy_outcome {
    VFY_OUTCOME_NOT_CHECKED = 0,
    VFY_OUTCOME_OK,
    VFY_OUTCOME_FAILED,
    VFY_OUTCOME_NOT_SUPPORTED,  /* the document does not offer this (no DG15, no DG14 ...) */
} vfy_outcome;

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
VFY_API VFY_NODISCARD VFY_NONNULL(1, 5, 7) vfy_status vfy_aa_verify(const uint8_t *dg15, size_t dg15_len,
                                               const uint8_t *dg14, size_t dg14_len,
                                               const uint8_t *challenge, size_t challenge_len,
                                               const uint8_t *signature, size_t signature_len,
                                               vfy_detail *detail);

#ifdef __cplusplus
}
#endif

#endif
