/*
 * libverify — facilitated-visa eligibility rules.
 *
 * Accepts rule sets (JSON documents in the format of docs/rules.md: layers, status,
 * scope, effective dates, categories, fee / processing / travel-document /
 * entry-validity / evidence rules, suspensions, combine policies), optionally signed
 * with Ed25519 over a canonical byte form, and cases (JSON: traveller, application,
 * visa history). Produces a decision per dimension with a value, a modality and a
 * trail naming every rule that won, lost, failed or was suspended.
 *
 * Every byte of a rule set or a case is hostile: sizes and nesting are bounded and
 * every error names the rule id and the JSON path. The engine never reads the wall
 * clock: every rule is checked against a reference date taken from the case.
 *
 * In production mode only rule sets signed by a trusted key load, and hypothetical or
 * draft sets are refused; test mode accepts them and every decision says so.
 * Non-goals: encoding law that is not in the data; deciding on long-stay visas.
 *
 * An engine is immutable once built and may be shared by any number of threads;
 * cases and decisions belong to one thread at a time.
 *
 * Thread safety: trust keys and engines are immutable once loaded or built and may be
 * shared by any number of threads (tests/test_rules_api.c, one_engine_many_threads);
 * a builder, a case, a decision and a workspace belong to one thread at a time.
 */
#ifndef VERIFY_RULES_H
#define VERIFY_RULES_H

#include <stdio.h>
#include <time.h>

#include "common.h"
#include "mrz.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif


typedef enum vfy_rules_mode {
    VFY_RULES_PRODUCTION = 0, /* signed by a trusted key; no hypothetical or draft sets */
    VFY_RULES_TEST = 1,       /* unsigned and hypothetical sets accepted, and reported */
} vfy_rules_mode;

typedef enum vfy_rules_dimension {
    VFY_RULES_DIM_VISA_NEEDED = 0,
    VFY_RULES_DIM_ADMISSIBLE,
    VFY_RULES_DIM_FEE,
    VFY_RULES_DIM_SERVICE_FEE_CAP,
    VFY_RULES_DIM_DEADLINE,
    VFY_RULES_DIM_ENTRIES,
    VFY_RULES_DIM_VALIDITY,
    VFY_RULES_DIM_EVIDENCE,
    VFY_RULES_DIM_COUNT
} vfy_rules_dimension;

/* The one vocabulary of decisions (docs/rules.md, "Modalities"). Zero is officer
 * review, so that anything not positively decided sends the case to a person. A value
 * is null only with OFFICER_REVIEW or NOT_APPLICABLE. */
typedef enum vfy_rules_modality {
    VFY_MODALITY_OFFICER_REVIEW = 0, /* an officer decides: an input is missing, a claim is
                                        unverified, or no rule decides */
    VFY_MODALITY_SHALL,              /* an obligation (a visa is required, the fee is due,
                                        the application shall be declared inadmissible) */
    VFY_MODALITY_ENTITLED,           /* a right of the traveller or applicant */
    VFY_MODALITY_MAY,                /* the authority's discretion (optional waiver, MEV
                                        under 24(2c), Art. 19(4) derogation) */
    VFY_MODALITY_NOT_APPLICABLE,     /* the dimension does not arise (no visa needed,
                                        inadmissible application, border check) */
    VFY_MODALITY_COUNT
} vfy_rules_modality;

/* "visa_needed", "fee", ...; "shall", "entitled", "may", "not_applicable", "officer_review" */
VFY_API const char *vfy_rules_dimension_name(vfy_rules_dimension dimension);
VFY_API const char *vfy_rules_modality_name(vfy_rules_modality modality);

/* ---- keys and trust ------------------------------------------------------ */

/* Trusted publisher keys: a JSON object {"keys": [PUBLIC_KEY, ...]} or one PUBLIC_KEY
 * object as written by vfy_rules_keygen. */
typedef struct vfy_rules_trust vfy_rules_trust;
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_rules_trust_load(const void *json, size_t len,
                                                      vfy_rules_trust **out, vfy_detail *detail);
VFY_API void vfy_rules_trust_free(vfy_rules_trust *trust);

/* A new Ed25519 key pair as two NUL-terminated JSON documents. The secret one is in
 * guarded memory: keep it secret, release it with vfy_free_secret. The public one goes
 * into trust files; release it with vfy_free. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2, 3) vfy_status vfy_rules_keygen(const char *publisher, char **secret_json,
                                                  char **public_json, vfy_detail *detail);

/* Signs a rule set with a secret key document: the result (NUL-terminated, vfy_free())
 * is the rule set in canonical form with its embedded signature. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3, 5, 6) vfy_status vfy_rules_sign(const void *ruleset, size_t len,
                                                const void *secret_json, size_t secret_len,
                                                char **signed_out, size_t *signed_len,
                                                vfy_detail *detail);

/* ---- engine ---------------------------------------------------------------- */

typedef struct vfy_rules_builder vfy_rules_builder;
typedef struct vfy_rules_engine vfy_rules_engine;

/* `trust` may be NULL only in test mode (signatures are then not checked). The
 * builder keeps a reference to `trust` until vfy_rules_build or _free. */
VFY_API VFY_NODISCARD VFY_NONNULL(3) vfy_status vfy_rules_builder_new(vfy_rules_mode mode,
                                                       const vfy_rules_trust *trust,
                                                       vfy_rules_builder **out);
/* Accepts, in production mode, rule sets signed by the development key
 * (data/rules/keys/DEVELOPMENT-ONLY-rules-signing.*, whose secret is public), which are
 * otherwise refused with VFY_E_RULES_DEVELOPMENT_KEY. For tests and demonstrations only:
 * every decision of the engine then carries a "development_key" warning. Call it
 * before vfy_rules_builder_add. */
VFY_API VFY_NODISCARD VFY_NONNULL(1) vfy_status vfy_rules_builder_allow_development_key(vfy_rules_builder *builder);
/* Whether a set signed by the development key was accepted (in either mode). */
VFY_API bool vfy_rules_engine_development_key(const vfy_rules_engine *engine);

/* Parses, verifies and adds one rule set. On failure the set is not added and the
 * builder stays usable: the caller decides whether to go on without it (a refused
 * set is listed by vfy_rules_engine_rejected). `name` (a file name) labels errors. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2, 4) vfy_status vfy_rules_builder_add(vfy_rules_builder *builder,
                                                       const void *json, size_t len,
                                                       const char *name, vfy_detail *detail);
/* Turns the builder into an immutable engine; the builder is freed in every case. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_rules_build(vfy_rules_builder *builder,
                                                 vfy_rules_engine **out, vfy_detail *detail);
VFY_API void vfy_rules_builder_free(vfy_rules_builder *builder);
VFY_API void vfy_rules_engine_free(vfy_rules_engine *engine);

typedef struct vfy_rules_set_info {
    const char *id;
    const char *version;
    const char *status;   /* "in_force", "hypothetical", ... */
    const char *layer;    /* "base_procedure", "vfa", ... */
    const char *digest;   /* BLAKE2b-256 of the canonical form, hex */
    const char *key_id;   /* signing key id, or NULL when unsigned */
    bool signature_verified;
} vfy_rules_set_info;

VFY_API size_t vfy_rules_engine_count(const vfy_rules_engine *engine);
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_rules_engine_set(const vfy_rules_engine *engine, size_t i,
                                                      vfy_rules_set_info *out);
VFY_API vfy_rules_mode vfy_rules_engine_mode(const vfy_rules_engine *engine);
/* Rule sets refused while building: label (file name or id), status and reason. */
VFY_API size_t vfy_rules_engine_rejected_count(const vfy_rules_engine *engine);
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3, 4, 5) vfy_status vfy_rules_engine_rejected(const vfy_rules_engine *engine,
                                                           size_t i, const char **label,
                                                           vfy_status *status,
                                                           const char **reason);

/* A readable multi-line summary of every loaded set, its rules and every rule whose
 * legal text is marked uncertain (NUL-terminated, vfy_free()). */
VFY_API char *vfy_rules_engine_summary(const vfy_rules_engine *engine);

/* ---- cases ----------------------------------------------------------------- */

typedef struct vfy_rules_case vfy_rules_case;

typedef enum vfy_rules_anchor {
    VFY_ANCHOR_LODGING = 0,
    VFY_ANCHOR_DECISION,
    VFY_ANCHOR_INTENDED_ENTRY,
    VFY_ANCHOR_INTENDED_EXIT,
    VFY_ANCHOR_BORDER_CROSSING,
    VFY_ANCHOR_COUNT
} vfy_rules_anchor;

/* Parses a case (format in docs/rules.md). */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_rules_case_parse(const void *json, size_t len,
                                                      vfy_rules_case **out, vfy_detail *detail);
/* The case's "case_id" as compact JSON text ("\"A1\""), "null" when it has none; valid
 * as long as the case. Batches echo it beside each decision. */
VFY_API const char *vfy_rules_case_id_json(const vfy_rules_case *c);
/* An empty case, to be filled with the setters. */
VFY_API VFY_NODISCARD VFY_NONNULL(1) vfy_status vfy_rules_case_new(vfy_rules_case **out);
VFY_API void vfy_rules_case_free(vfy_rules_case *c);

/* Fills nationality, birth date, expiry date, issuing state and document type from an
 * MRZ (document code P/PP ordinary, PD diplomatic, PS service, PO official). Refuses
 * an MRZ whose checks failed or whose dates are partly unknown. Issue date, blank
 * pages and the biometric flag are not in the MRZ: set them separately. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_rules_case_set_traveller_from_mrz(vfy_rules_case *c,
                                                                       const vfy_mrz *mrz,
                                                                       vfy_detail *detail);
/* At a border: the crossing is now. Sets application.dates.border_crossing to the UTC
 * date of `at` unless the case already gives one; `was_set` (may be NULL) says whether
 * it did. A case without a lodging date is then decided at the border (docs/rules.md,
 * "Border check"). The library never reads the clock itself: the caller passes it. */
VFY_API VFY_NODISCARD VFY_NONNULL(1) vfy_status vfy_rules_case_set_border_crossing_if_missing(vfy_rules_case *c,
                                                                               time_t at,
                                                                               bool *was_set);
VFY_API VFY_NODISCARD VFY_NONNULL(1) vfy_status vfy_rules_case_set_date(vfy_rules_case *c, vfy_rules_anchor anchor,
                                                         vfy_date date);
VFY_API VFY_NODISCARD VFY_NONNULL(1) vfy_status vfy_rules_case_set_document_issue_date(vfy_rules_case *c,
                                                                        vfy_date date);
VFY_API void vfy_rules_case_set_biometric(vfy_rules_case *c, bool biometric);

/* ---- evaluation and decisions ------------------------------------------- */

typedef struct vfy_rules_decision vfy_rules_decision;

typedef struct vfy_rules_eval_options {
    bool include_pii;    /* put ages, dates of birth and visa dates into the trail */
    bool compact_trail;  /* trail steps hold the rule and its result only (no predicates,
                            no legend, no categories_available): for volume; the values,
                            modalities, missing inputs and open points are the same */
} vfy_rules_eval_options;

/* Evaluates a case; `options` may be NULL. Thread-safe on a shared engine. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2, 4) vfy_status vfy_rules_evaluate(const vfy_rules_engine *engine,
                                                    const vfy_rules_case *c,
                                                    const vfy_rules_eval_options *options,
                                                    vfy_rules_decision **out,
                                                    vfy_detail *detail);
VFY_API void vfy_rules_decision_free(vfy_rules_decision *d);

VFY_API bool vfy_rules_decision_test_mode(const vfy_rules_decision *d);

/* One dimension's outcome. `value_json` is the value in the output format ("true",
 * "90", "{\"days\":15,...}", "null"), valid as long as the decision. */
typedef struct vfy_rules_outcome {
    vfy_rules_modality modality;
    const char *value_json;
    const char *winner_rule;     /* NULL when no rule won */
    const char *winner_ruleset;
    size_t trail_length;
    const char *missing;         /* comma-separated JSON paths of the inputs the case lacked
                                    for this dimension ("traveller.birth_date"), or NULL */
    const char *value_text;      /* the value in words ("EUR 90", "a visa is required") */
    const char *reason;          /* why the dimension is not applicable, or why an officer
                                    decides it (the visa requirement is undecided), or NULL */
} vfy_rules_outcome;
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_rules_decision_outcome(const vfy_rules_decision *d,
                                                            vfy_rules_dimension dimension,
                                                            vfy_rules_outcome *out);

typedef enum vfy_rules_step_result {
    VFY_RULES_STEP_WON = 0,      /* the rule gave the dimension its value */
    VFY_RULES_STEP_BEATEN,       /* it applied but another rule won under the combine policy */
    VFY_RULES_STEP_FAILED,       /* a predicate or check failed */
    VFY_RULES_STEP_SUSPENDED,    /* a suspension in force switched it off */
    VFY_RULES_STEP_NOT_IN_FORCE, /* its set was not in force at the rule's reference date */
    VFY_RULES_STEP_ALTERNATIVE,  /* a discretionary option the officer may grant */
    VFY_RULES_STEP_PASSED,       /* an admissibility check that held */
    VFY_RULES_STEP_NOT_EVALUATED,/* a reference date or an input was missing */
    VFY_RULES_STEP_NOT_APPLICABLE,/* the rule's conditions do not hold for the case */
} vfy_rules_step_result;

typedef struct vfy_rules_step {
    const char *ruleset;       /* rule-set id */
    const char *digest;        /* its BLAKE2b-256, hex */
    const char *rule;          /* rule id */
    const char *legal_ref;
    const char *anchor;        /* the reference date the rule was checked against */
    vfy_rules_step_result result;
    const char *explanation;   /* predicates held and failed, in words */
    const char *beat;          /* comma-separated rule ids this rule beat, or NULL */
    const char *confidence;    /* "V", "S" or "U" as marked in the data */
} vfy_rules_step;
VFY_API VFY_NODISCARD VFY_NONNULL(1, 4) vfy_status vfy_rules_decision_step(const vfy_rules_decision *d,
                                                         vfy_rules_dimension dimension, size_t i,
                                                         vfy_rules_step *out);

/* The decision in the documented JSON format {rulesets, test_mode, decision}
 * (NUL-terminated, vfy_free()); `indent` 0 gives one line (JSON Lines). */
VFY_API char *vfy_rules_decision_json(const vfy_rules_decision *d, int indent);

/* ---- volume: a reusable workspace ------------------------------------------
 *
 * For many decisions on one thread (vfy rules eval --batch, a back office). A workspace
 * belongs to one engine and one thread; the engine stays shared. Evaluating into it
 * decides exactly as vfy_rules_evaluate does, but keeps the decision as plain data
 * (rule indices and results, no JSON) and, once the workspace has grown to the
 * engine's size (it is sized from the engine when made), allocates nothing. The JSON
 * is written only when asked, by the same serializer as vfy_rules_decision_json, so
 * the text is the same byte for byte. */
typedef struct vfy_rules_workspace vfy_rules_workspace;

VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_rules_workspace_new(const vfy_rules_engine *engine,
                                                         vfy_rules_workspace **out);
VFY_API void vfy_rules_workspace_free(vfy_rules_workspace *w);

/* Evaluates a case into `w` (made for this engine); the previous decision in `w` is
 * replaced. On failure `w` holds no decision. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2, 4) vfy_status vfy_rules_evaluate_into(const vfy_rules_engine *engine,
                                                         const vfy_rules_case *c,
                                                         const vfy_rules_eval_options *options,
                                                         vfy_rules_workspace *w, vfy_detail *detail);

/* One dimension of the decision in `w`: its modality and its trail length. */
VFY_API vfy_rules_modality vfy_rules_workspace_modality(const vfy_rules_workspace *w,
                                                        vfy_rules_dimension dimension);
VFY_API size_t vfy_rules_workspace_trail_length(const vfy_rules_workspace *w,
                                                vfy_rules_dimension dimension);

/* A trail step as indices: the set (vfy_rules_engine_set) and the rule's position in
 * its file, or SIZE_MAX for a step of no single rule. */
typedef struct vfy_rules_trail_entry {
    size_t ruleset;
    size_t rule;
    vfy_rules_step_result result;
} vfy_rules_trail_entry;
VFY_API VFY_NODISCARD VFY_NONNULL(1, 4) vfy_status vfy_rules_workspace_step(const vfy_rules_workspace *w,
                                                          vfy_rules_dimension dimension, size_t i,
                                                          vfy_rules_trail_entry *out);

/* Flags of vfy_rules_workspace_write. */
#define VFY_RULES_JSON_NO_METADATA 1u /* leave out "rulesets" and "rejected" (a batch whose
                                         header line carries them, docs/rules.md) */

/* Writes the decision in `w` as one line of JSON (and "\n") to `out`, through a bounded
 * buffer. `members`, when not NULL, is JSON text of members added before the closing
 * brace ("\"case_id\":\"A1\",\"line\":3"). Without flags the line is the text of
 * vfy_rules_decision_json(d, 0) for the same case and options. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3, 4) vfy_status vfy_rules_workspace_write(vfy_rules_workspace *w, unsigned flags,
                                                           const char *members, FILE *out);

/* The first line of a batch that leaves the metadata out of its decisions (schema
 * libverify.rules-batch-header/1, docs/schema/rules-batch-header.schema.json): time
 * (`now`, UTC), library version, mode and the rule sets used and refused. One line,
 * NUL-terminated, free(). */
VFY_API char *vfy_rules_batch_header_json(const vfy_rules_engine *engine, time_t now);

#ifdef __cplusplus
}
#endif

#endif
