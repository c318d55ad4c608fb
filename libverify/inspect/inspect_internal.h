/*
 * Internal: the inspection result and the two steps that give it its meaning —
 * gathering checks (inspect.c) and combining them into outcomes and a gate decision
 * (outcome.c). Keeping the combination in one file means one place decides what
 * `genuine` requires; docs/verdict.md states the same rules in words.
 */
#ifndef VFY_INSPECT_INTERNAL_H
#define VFY_INSPECT_INTERNAL_H

#include "pa/verdict_internal.h"
#include "verify/inspection.h"

#define INSPECT_MAX_CHECKS 48
#define INSPECT_MAX_WARNINGS 16
#define INSPECT_TEXT 256

/* Which outcome a check counts towards. */
typedef enum inspect_part {
    INSPECT_PART_DOCUMENT = 0,
    INSPECT_PART_SEAL,
    INSPECT_PART_ELIGIBILITY,
} inspect_part;

typedef struct inspect_check {
    const char *id;            /* static: a frozen id from docs/verdict.md */
    inspect_part part;
    vfy_outcome status;
    vfy_status code;
    char reason[INSPECT_TEXT];
} inspect_check;

typedef struct inspect_warning {
    const char *id;            /* static */
    vfy_status code;
    char message[INSPECT_TEXT];
} inspect_warning;

struct vfy_inspection {
    bool live;
    time_t at;
    vfy_time_source at_source;
    vfy_crl_policy crl_policy;
    time_t crl_this_update;    /* newest CRL of the issuing CSCA, 0 when none */
    time_t trust_built_at;     /* the trust store's build time, 0 when unknown */
    bool has_trust_digest;
    uint8_t trust_digest[32];  /* SHA-256 of the trust store's accepted items */

    vfy_document *doc;         /* owned; wiped on free */
    vfy_access_info access;
    vfy_read_stats stats;
    vfy_verdict pa;            /* Passive Authentication and the chip's proof, as checks */
    bool aa_offered;           /* the signed data says the chip can prove itself by AA */
    bool ca_offered;           /* ... by Chip Authentication (DG14 or EF.CardSecurity) */

    size_t n_checks;
    inspect_check checks[INSPECT_MAX_CHECKS];
    size_t n_warnings;
    inspect_warning warnings[INSPECT_MAX_WARNINGS];

    vfy_inspection_outcome document_outcome;
    vfy_inspection_outcome outcome;
    char summary[320];

    bool has_seal;
    vfy_seal_verdict seal_verdict;
    vfy_seal_result *seal;

    bool eligibility_asked;
    vfy_rules_decision *decision;

    bool has_face;
    vfy_face_match face;

    vfy_gate gate;
    vfy_gate_policy_fn gate_policy;
    void *gate_policy_ctx;
};

/* Appends a check (silently ignored past INSPECT_MAX_CHECKS, which the fixed list of
 * ids cannot reach). */
void inspect_add_check(vfy_inspection *r, const char *id, inspect_part part, vfy_outcome status,
                       vfy_status code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void inspect_add_warning(vfy_inspection *r, const char *id, vfy_status code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const inspect_check *inspect_find(const vfy_inspection *r, const char *id);

/* outcome.c: the document's and the seal's outcome, the overall outcome, the summary,
 * then the gate decision. Runs once every check is in. */
void inspect_decide(vfy_inspection *r);
/* Re-runs only the gate policy (after a face match is recorded). */
void inspect_decide_gate(vfy_inspection *r);

#endif
