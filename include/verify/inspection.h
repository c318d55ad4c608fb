/*
 * libverify — the inspection: the one procedure that decides whether a travel
 * document is genuine, and the one result every front end prints.
 *
 * An inspection runs, in the order of ICAO 9303-11 and BSI TR-03135's inspection
 * procedure: access control and reading (on a live chip), the chip's own proof
 * (Chip Authentication, PACE-CAM checked against signed data, Active Authentication),
 * Passive Authentication of every file read, then the visa seal and facilitated-visa
 * eligibility when they are asked for. It returns one vfy_inspection holding:
 *
 *   - every check, each with a frozen machine-readable id ("pa.crl", listed in
 *     docs/verdict.md), a status, the VFY_E_... code when it did not hold, and a
 *     sentence;
 *   - the document's outcome, the seal's, the eligibility decision, warnings;
 *   - ONE overall outcome, from which the exit code follows, and a gate decision
 *     (accept / refer to an officer / reject) from a default policy the caller may
 *     replace.
 *
 * Outcomes (docs/verdict.md has the full rules):
 *   genuine         Passive Authentication holds AND the chip proved itself (AA, CA,
 *                   or PACE-CAM verified against signed data). Exit 0.
 *   data_authentic  Passive Authentication holds but no chip proved itself: saved
 *                   files verified offline, or a chip whose signed data shows it
 *                   offers neither AA nor CA. Exit 0.
 *   invalid         some check failed: forged, altered, cloned, revoked, downgraded,
 *                   or a seal that does not verify or belongs to someone else. Exit 1.
 *   unverified      nothing failed, but the trust store cannot decide (no CSCA, a
 *                   stale CRL under the `fail` policy ...). Exit 4.
 * A reader, card or access-control failure gives no inspection at all: the call
 * returns its status and the front end exits 3.
 *
 * This header is the only way to obtain `genuine`: the functions that set checks and
 * combine them are internal to the library.
 *
 * Thread safety: an inspection belongs to one thread at a time; the trust store, the
 * seal signers and the rules engine it reads may be shared between threads.
 */
#ifndef VERIFY_INSPECTION_H
#define VERIFY_INSPECTION_H

#include <time.h>

#include "session.h"
#include "common.h"
#include "document.h"
#include "mrz.h"
#include "rules.h"
#include "seal.h"
#include "status.h"
#include "trust.h"
#include "verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vfy_inspection vfy_inspection;

typedef enum vfy_inspection_outcome {
    VFY_INSPECTION_UNVERIFIED = 0,    /* the zero value fails closed */
    VFY_INSPECTION_GENUINE,
    VFY_INSPECTION_DATA_AUTHENTIC,
    VFY_INSPECTION_INVALID,
} vfy_inspection_outcome;

typedef enum vfy_gate {
    VFY_GATE_REFER = 0,               /* to an officer; the zero value fails closed */
    VFY_GATE_ACCEPT,
    VFY_GATE_REJECT,
} vfy_gate;

/* What happens when the newest CRL of the issuing CSCA is past its nextUpdate, or the
 * CSCA has no CRL at all: the check is `not_checked` with the reason either way. */
typedef enum vfy_crl_policy {
    VFY_CRL_WARN = 0,                 /* a warning: the default gate policy refers */
    VFY_CRL_FAIL,                     /* the outcome is unverified */
} vfy_crl_policy;

typedef enum vfy_time_source {
    VFY_TIME_SYSTEM_CLOCK = 0,        /* the kiosk's clock when the inspection ran */
    VFY_TIME_CALLER,                  /* a time the caller gave (vfy verify --at ...) */
} vfy_time_source;

/* A face comparison done by the caller (live capture against DG2). The library
 * records and reports it; it never computes it. */
typedef struct vfy_face_match {
    double score;
    double threshold;
    bool matched;                     /* the caller's verdict: score reached threshold */
    char method[VFY_METHOD_NAME_MAX];                  /* the algorithm or product that compared */
} vfy_face_match;

/* One check of the inspection. Strings live as long as the inspection. */
typedef struct vfy_inspection_check {
    const char *id;                   /* frozen: "pa.sod_signature", "chip.aa", ... */
    vfy_outcome status;               /* ok, failed, not_checked, not_supported */
    vfy_status code;                  /* VFY_OK when it held; else why not */
    const char *reason;               /* a sentence for a person */
} vfy_inspection_check;

/* Something that did not make a check fail but needs an officer's eye. */
typedef struct vfy_inspection_warning {
    const char *id;                   /* frozen: "time.before_crl", "pa.crl_stale", ... */
    vfy_status code;
    const char *message;
} vfy_inspection_warning;

/* Replaces the default gate policy (docs/verdict.md). Called once the result is
 * complete, and again when a face match is recorded. */
typedef vfy_gate (*vfy_gate_policy_fn)(void *ctx, const vfy_inspection *inspection);

typedef struct vfy_inspect_options {
    /* sizeof(vfy_inspect_options) as the caller was compiled: lets this struct grow
     * without breaking the ABI. Use VFY_INSPECT_OPTIONS_INIT. */
    size_t size;
    const vfy_trust *trust;           /* CSCAs, master lists, CRLs; NULL: unverified */
    const vfy_mrz *mrz;               /* the MRZ the document was opened with; DG1 must
                                       * match it. NULL with a CAN or offline */
    time_t at;                        /* judge at this time; 0: the system clock now */
    vfy_crl_policy crl_policy;
    unsigned min_rsa_bits;            /* 0: 1024 */
    bool refuse_sha1;
    const vfy_read_options *read;     /* live reads: BAC fallback policy, progress, log */

    /* A visa seal presented with the passport (VDS, IDB or VDS-NC bytes), checked
     * against the chip's DG1; signers may be NULL. */
    const uint8_t *seal;
    size_t seal_len;
    const vfy_seal_signers *seal_signers;

    /* Facilitated-visa eligibility: the case's traveller is taken from DG1; at a
     * border (no lodging date) the crossing date is the inspection time when the
     * case leaves it out. Both or neither. */
    const vfy_rules_engine *rules;
    vfy_rules_case *eligibility_case;

    vfy_gate_policy_fn gate_policy;   /* NULL: the default policy */
    void *gate_policy_ctx;
} vfy_inspect_options;

#define VFY_INSPECT_OPTIONS_INIT VFY_SIZED_INIT_(vfy_inspect_options)

/*
 * A live inspection: access control with `key`, the read, the chip's proof while the
 * document is on the reader, then everything else. Returns VFY_OK whenever a result
 * exists, whatever its outcome (*out is then set); a reader, card or access-control
 * failure returns its status and no result. The files read stay in the result
 * (vfy_inspection_document) and are wiped when it is freed.
 */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2, 4) vfy_status vfy_inspect_session(vfy_session *session,
                                                     const vfy_access_key *key,
                                                     const vfy_inspect_options *options,
                                                     vfy_inspection **out,
                                                     vfy_detail *detail);

/*
 * An offline inspection of saved files (a dump folder loaded with
 * vfy_document_load_dir). No chip can prove itself here, so the best outcome is
 * data_authentic. The document is copied; the caller keeps its own.
 */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_inspect_files(const vfy_document *document,
                                                   const vfy_inspect_options *options,
                                                   vfy_inspection **out, vfy_detail *detail);

/* Wipes the personal data the result holds (files read, MRZ, decision) and frees it. */
VFY_API void vfy_inspection_free(vfy_inspection *inspection);

/* ---- the result ------------------------------------------------------------- */

VFY_API vfy_inspection_outcome vfy_inspection_get_outcome(const vfy_inspection *inspection);
/* The part outcomes: the document's, and the seal's (meaningful when
 * vfy_inspection_has_seal). */
VFY_API vfy_inspection_outcome vfy_inspection_document_outcome(const vfy_inspection *inspection);
VFY_API vfy_seal_verdict vfy_inspection_seal_verdict(const vfy_inspection *inspection);
VFY_API vfy_gate vfy_inspection_gate(const vfy_inspection *inspection);
/* The process exit code that follows from the outcome: 0, 1 or 4. */
VFY_API int vfy_inspection_exit_code(const vfy_inspection *inspection);
/* One sentence: the outcome and its main reason. */
VFY_API const char *vfy_inspection_summary(const vfy_inspection *inspection);
/* Whether this was a live read (a chip was on the reader) or saved files. */
VFY_API bool vfy_inspection_is_live(const vfy_inspection *inspection);

/* When the inspection was judged, and where that time came from. */
VFY_API time_t vfy_inspection_time(const vfy_inspection *inspection, vfy_time_source *source);
/* The digest of the trust store the inspection was judged against (vfy_trust_digest);
 * false when it had none. */
VFY_API bool vfy_inspection_trust_digest(const vfy_inspection *inspection, uint8_t out[VFY_SHA256_SIZE]);

VFY_API size_t vfy_inspection_check_count(const vfy_inspection *inspection);
/* Check i (0 .. count-1) in inspection order; false past the end. */
VFY_API bool vfy_inspection_check_at(const vfy_inspection *inspection, size_t i,
                                     vfy_inspection_check *out);
/* The check with this id; false when the inspection has none. */
VFY_API bool vfy_inspection_check_get(const vfy_inspection *inspection, const char *id,
                                      vfy_inspection_check *out);

VFY_API size_t vfy_inspection_warning_count(const vfy_inspection *inspection);
VFY_API bool vfy_inspection_warning_at(const vfy_inspection *inspection, size_t i,
                                       vfy_inspection_warning *out);

/* What was found, for display: algorithms, signer names (RFC 4514), quirks met. */
typedef struct vfy_inspection_signer {
    const char *digest_algorithm;     /* "SHA-256" */
    const char *signature_algorithm;  /* "ecdsa-with-SHA256" */
    const char *ds_subject;
    const char *ds_country;
    const char *csca_subject;
    const char *quirks;               /* comma-separated, "" when none */
} vfy_inspection_signer;
VFY_API void vfy_inspection_signer_info(const vfy_inspection *inspection,
                                        vfy_inspection_signer *out);

/* The files inspected, borrowed (valid as long as the inspection). */
VFY_API const vfy_document *vfy_inspection_document(const vfy_inspection *inspection);
/* Live reads: how the chip was opened and what the read cost. */
VFY_API void vfy_inspection_access(const vfy_inspection *inspection, vfy_access_info *out);
VFY_API void vfy_inspection_stats(const vfy_inspection *inspection, vfy_read_stats *out);
/* The seal result (NULL when no seal was given, or it could not be decoded at all:
 * then the check "seal.verify" says why). */
VFY_API const vfy_seal_result *vfy_inspection_seal(const vfy_inspection *inspection);
VFY_API bool vfy_inspection_has_seal(const vfy_inspection *inspection);
/* The eligibility decision (NULL when none was asked for or it could not be made:
 * then the check "eligibility.evaluate" says why). */
VFY_API const vfy_rules_decision *vfy_inspection_decision(const vfy_inspection *inspection);

/* Records the caller's face comparison and re-runs the gate policy. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_inspection_set_face_match(vfy_inspection *inspection,
                                                               const vfy_face_match *match);
/* The recorded face comparison, or NULL. */
VFY_API const vfy_face_match *vfy_inspection_face_match(const vfy_inspection *inspection);

/* The default gate policy, for a replacement that wants to start from it. */
VFY_API vfy_gate vfy_gate_default(const vfy_inspection *inspection);

/* ---- JSON --------------------------------------------------------------------- */

/*
 * The inspection as JSON, schema "libverify.inspection/1" (docs/schema/
 * inspection.schema.json): schema, library_version, time, time_source, live, verdict
 * (the overall outcome), document_verdict, seal_verdict, gate, summary, checks (array of
 * {id, status, code, reason}), warnings, signer, access, read, files, eligibility,
 * face_match; with VFY_INSPECTION_JSON_MRZ also "mrz", DG1's MRZ (libverify.mrz/1, its
 * two-digit years placed relative to the inspection time), or null when DG1 holds none
 * that parses. NUL-terminated; release with vfy_free(). NULL when out of memory.
 */
#define VFY_INSPECTION_JSON_MRZ 0x100u
VFY_API char *vfy_inspection_to_json(const vfy_inspection *inspection, unsigned flags);

/* "genuine", "data_authentic", "invalid", "unverified". */
VFY_API const char *vfy_inspection_outcome_name(vfy_inspection_outcome outcome);
/* "accept", "refer", "reject". */
VFY_API const char *vfy_gate_name(vfy_gate gate);
/* "system_clock", "caller". */
VFY_API const char *vfy_time_source_name(vfy_time_source source);

#ifdef __cplusplus
}
#endif

#endif
