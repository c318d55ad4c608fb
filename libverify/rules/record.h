/*
 * Internal: a decision as plain C data (the "record"), written by the evaluator and read
 * by the one JSON writer (rules/writer.c).
 *
 * The evaluator never builds JSON: it stores what it decided as indices into the
 * engine's compiled sets (set, rule, category, suspension), day numbers and small enums.
 * Every text of the output (explanations, values in words, the trail) is made from
 * them by the writer, so that the compact and the full forms are one serializer and
 * agree byte for byte where they overlap. A record lives in a workspace that is reused
 * from one decision to the next: once its arrays have grown to the engine's size (they
 * are sized from it when the workspace is made), evaluating allocates nothing.
 */
#ifndef VFY_RULES_RECORD_H
#define VFY_RULES_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/model.h"

/* A trail step's result; names in rr_result_names. */
enum rr_result {
    RR_APPLIES, RR_WON, RR_BEATEN, RR_FAILED, RR_SUSPENDED, RR_NOT_IN_FORCE, RR_ALTERNATIVE, RR_PASSED,
    RR_NOT_EVALUATED, RR_NOT_APPLICABLE, RR_NO_RULE, RR_COUNT
};
extern const char *const rr_result_names[RR_COUNT];
/* The public step result of each (vfy_rules_step_result). */
extern const vfy_rules_step_result rr_public_result[RR_COUNT];

/* What a step is: a rule's step; the step of a set's rules for other nationalities; or
 * a note without a rule (no rule decides, a dimension not applicable, ...). */
enum rr_kind { RK_STEP_RULE, RK_STEP_OTHERS, RK_STEP_NOTE };

/* Why a step has the result it has, when the trail says so in words. */
enum rr_expl {
    EX_NONE,
    EX_NO_ANCHOR,            /* the case gives no <anchor> date */
    EX_NOT_IN_FORCE,         /* the set is not in force at the anchor date */
    EX_SUPERSEDED,           /* a set that supersedes it is in force */
    EX_SUSPENSION_UNKNOWN,   /* a suspension might apply; an input is missing */
    EX_SCOPE_UNKNOWN,        /* the set applies to some destinations; the case names none */
    EX_VISA_HELD_CONSULATE,  /* a visa held is not checked at a consulate */
    EX_VISA_HELD_NOT_REQUIRED,
    EX_OTHER_NATIONALITIES,
    EX_NO_RULE,              /* no rule decides the dimension */
    EX_NO_CHECK,             /* no admissibility check applies */
    EX_BORDER_SKIPPED,       /* the Visa Code's conditions are not checked at the border */
    EX_DIMENSION_NA,         /* the dimension does not arise (rr_dim.na says why) */
};

/* Why a dimension is not applicable. */
/* Why a dimension is not applicable ("reason"); NA_VISA_UNDECIDED is the reason of an
 * officer_review dimension whose applicability is not decided. */
enum rr_na { NA_NONE, NA_NOT_REQUIRED, NA_BORDER, NA_INADMISSIBLE, NA_VISA_UNDECIDED };

/* A rule of a set, packed: set << 16 | rule. */
typedef uint32_t rr_ref;
#define RR_REF(set, rule) ((rr_ref)(set) << 16 | (rr_ref)(rule))
#define RR_SET(ref) ((size_t)((ref) >> 16))
#define RR_RULE(ref) ((size_t)((ref) & 0xffffu))
#define RR_NONE UINT32_MAX

/* A list threaded through one of the record's pools: appends in O(1) to a step that is
 * not the last one (a group of rules out of force, a winner's "beat"). Or, when last is
 * RR_LIST_SLICE, n rule indices of the engine's slices from `first`, worked out by the
 * plan (other nationalities, a set out of force), which never grow. */
struct rr_list { uint32_t first, last, n; };
#define RR_LIST_SLICE UINT32_MAX

struct rr_step {
    uint8_t kind, result, expl;
    uint8_t anchor;            /* the anchor the rule was read at (full trail) */
    uint8_t expl_anchor;       /* the anchor named by the explanation */
    bool on_fail;              /* a failed check: on_fail and consequence follow */
    bool suspended_by;
    rr_ref rule;               /* RK_STEP_RULE; RK_STEP_OTHERS: set only (rule 0) */
    int32_t anchor_date;       /* full trail */
    int32_t expl_date;
    uint16_t by_set, by_suspension; /* superseding set; suspension (its set in by_set) */
    rr_ref beaten_by;
    struct rr_list rules;      /* grouped rule ids (not in force, other nationalities) */
    struct rr_list beat;
    uint32_t cat_off, n_cats;  /* categories that held (indices into the set's) */
    uint32_t pred_off, n_preds;/* full trail */
    bool has_preds;
};

/* A candidate's value: its rule, and for a grant the date it ends. */
struct rr_value {
    rr_ref rule;
    int32_t ends;
    uint8_t capped_by;         /* 0 none, 1 document_expiry, 2 status_end */
};

/* What a dimension's "value" (or "provisional") holds. */
enum rr_vkind { VK_ABSENT, VK_NULL, VK_TRUE, VK_FALSE, VK_RULE, VK_EVIDENCE };

struct rr_dim {
    uint8_t modality;          /* vfy_rules_modality */
    uint8_t value, provisional;/* enum rr_vkind; provisional VK_ABSENT: no member */
    struct rr_value v, pv;
    bool missing;              /* the "missing" member is present */
    uint32_t miss_off, n_miss;
    bool alternatives;         /* the member is present */
    uint32_t alt_off, n_alt;
    uint32_t op_off, n_op;     /* open points */
    uint8_t na;                /* enum rr_na: "reason" (and the trail's one step) */
    bool reason;               /* "reason" present (visa_needed: applicability) */
    bool refund;
    uint32_t step_off, n_steps;
    /* evidence value */
    bool simplified;
    uint32_t ecat_off, n_ecat; /* categories: (set << 16 | category) */
    uint32_t waive_off, n_waive; /* waived: (set << 16 | rule), index in waive_idx */
    uint32_t avail_off, n_avail; /* categories_available (full): (set << 16 | category) */
};

/* An input the case lacks, as a JSON path kind and its argument. */
enum rr_miss_kind {
    MS_BIRTH_DATE, MS_DOC_TYPE, MS_BIOMETRIC, MS_NATIONALITY, MS_DESTINATION, MS_LAWFUL_USE, MS_DATE,
    MS_EXPIRY, MS_ISSUE, MS_BLANK_PAGES, MS_HISTORY,
    MS_CLAIM_VERIFIED          /* arg: the category (set << 16 | index) */
};
struct rr_miss { uint32_t kind; uint32_t arg; };

struct rr_pred { uint32_t off, len; int8_t held; /* 1, 0, -1 unknown */ };

/* An open point: rule and the index of its point. */
struct rr_open { rr_ref rule; uint32_t i; };

/* An evidence item waived: the rule and the index of the item. */
struct rr_waive { rr_ref rule; uint32_t i; };

struct rr_link { uint32_t next; uint32_t v; };

/* What a set's in-force test gave at one anchor in this decision (rules/evaluate.c):
 * every rule of the set read at that anchor shares it. Valid while gen is the
 * workspace's. */
struct rr_gate { uint32_t gen; int32_t d; uint8_t used, state; uint16_t by; };
/* A set's scope (enum tri of rules/evaluate.c) in this decision, valid while gen is. */
struct rr_scope { uint8_t scope; }; /* enum tri, worked out as a decision begins */

struct vfy_rules_workspace {
    const struct vfy_rules_engine *engine;
    bool full, pii, border, valid;
    rr_ref visa_winner;        /* decides applicability (RR_NONE) */
    struct rr_dim dims[VFY_RULES_DIM_COUNT];
    /* growable pools, kept between decisions */
    struct rr_step *steps; size_t n_steps, cap_steps;
    struct rr_link *links; size_t n_links, cap_links;
    uint32_t *u32; size_t n_u32, cap_u32;           /* categories of steps, evidence value */
    struct rr_value *vals; size_t n_vals, cap_vals; /* alternatives */
    struct rr_miss *miss; size_t n_miss, cap_miss;
    struct rr_open *ops; size_t n_ops, cap_ops;
    struct rr_waive *waives; size_t n_waives, cap_waives;
    struct rr_pred *preds; size_t n_preds, cap_preds;
    char *text; size_t n_text, cap_text;            /* predicate texts (full trail) */
    /* per-decision scratch of the evaluator */
    void *cands; size_t cap_cands;
    struct rr_step *snap; size_t cap_snap; /* the grant rules' trail before combining */
    uint64_t *claim_ev; size_t cap_claim_ev; /* each claim's evidence, engine ev_words each */
    struct rr_gate *gates;     /* n_sets * VFY_ANCHOR_COUNT */
    struct rr_scope *scopes;   /* n_sets */
    size_t n_gate_sets;        /* the sets they were made for */
    uint32_t gen;              /* the decision's number, for gates */
    char *out;                 /* the bounded output buffer of vfy_rules_workspace_write */
    bool oom;                  /* a pool could not grow: the decision is refused */
};

/* Sizes the pools from the engine (bounds, so that evaluating rarely grows them). */
bool rr_workspace_reserve(struct vfy_rules_workspace *w, const struct vfy_rules_engine *e);
void rr_workspace_release(struct vfy_rules_workspace *w);

/* Grows a pool to hold one more element; false (and w->oom) when memory runs out. */
bool rr_grow(struct vfy_rules_workspace *w, void **p, size_t *cap, size_t n, size_t elem);

#endif
