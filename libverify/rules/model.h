/*
 * Internal: a rule set compiled from its JSON into plain C data, and a case.
 *
 * The engine never keeps jansson objects: compiled sets are immutable structs, so an
 * engine can be read by many threads at once. Dates are day numbers (days since
 * 1970-01-01); DATE_NONE marks an absent date.
 */
#ifndef VFY_RULES_MODEL_H
#define VFY_RULES_MODEL_H

#include <stdint.h>

#include "verify/rules.h"

#define DATE_NONE INT32_MIN

enum rs_status {
    ST_HYPOTHETICAL, ST_DRAFT, ST_SIGNED, ST_IN_FORCE, ST_PARTIALLY_SUSPENDED,
    ST_SUSPENDED, ST_EXPIRED, ST_COUNT
};
enum rs_layer {
    LY_VISA_REQUIREMENT, LY_BASE_PROCEDURE, LY_LOCAL_ADAPTATION, LY_VFA,
    LY_READMISSION_OVERLAY, LY_MS_BILATERAL, LY_FREE_MOVEMENT, LY_SUSPENSION, LY_COUNT
};
enum rs_policy { POL_OVERRIDE, POL_MOST_FAVOURABLE, POL_MOST_RESTRICTIVE, POL_ACCUMULATE, POL_COUNT };
enum doc_type { DOC_ORDINARY, DOC_DIPLOMATIC, DOC_SERVICE, DOC_OFFICIAL, DOC_COUNT };
enum visa_kind { VK_C, VK_LTV, VK_ATV, VK_COUNT };
enum entries_kind { EN_SINGLE, EN_DOUBLE, EN_MULTIPLE, EN_COUNT };
enum lawful { LAW_YES, LAW_NO, LAW_UNKNOWN };
enum hist_field { HF_ISSUE_DATE, HF_VALID_FROM, HF_VALID_TO, HF_COUNT };
/* What a rule decides. ENTRY_VALIDITY rules feed both the entries and validity dimensions. */
enum rule_kind { RK_VISA, RK_CHECK, RK_FEE, RK_SERVICE_FEE_CAP, RK_DEADLINE, RK_ENTRY_VALIDITY,
                 RK_EVIDENCE, RK_COUNT };
/* CK_VISA_HELD: a visa of the history is valid on the anchor date (Borders Code Art.
 * 6(1)(b)); it applies only at a border and only when a visa is required. */
enum check_kind { CK_VALID_ON, CK_VALID_AFTER, CK_MAX_ISSUE_AGE, CK_BLANK_PAGES,
                  CK_LODGING_NOT_BEFORE, CK_LODGING_NOT_AFTER, CK_VISA_HELD, CK_COUNT };
/* What a failed admissibility check means: inadmissible (Art. 19(3): "shall"), inadmissible
 * unless the consulate derogates (Art. 19(4): "may"), or an officer's judgement. */
enum check_fail { CF_INADMISSIBLE, CF_DEROGATION, CF_OFFICER_REVIEW, CF_COUNT };
enum fee_modality { FM_CHARGED, FM_WAIVED_MANDATORY, FM_WAIVED_OPTIONAL, FM_REDUCIBLE, FM_COUNT };

typedef char alpha3[4];

struct history_cond {
    int count;
    unsigned kinds;          /* bit per visa_kind; 0 = any */
    unsigned entries;        /* bit per entries_kind; 0 = any */
    int min_validity_months; /* 0 = any */
    int lookback_months;
    enum hist_field date_field;
};

/* A rule's conditions, all of which must hold. rules/plan.c (test_of) classifies every
 * member for the decision's shortcuts: a new conjunct is named there too (the build
 * stops until it is). */
struct predicate {
    int age_from, age_below;       /* -1 when absent */
    unsigned doc_types;            /* bit per doc_type; 0 = any */
    int biometric;                 /* -1 any, 0, 1 */
    alpha3 *nationalities; size_t n_nationalities; /* NULL = any */
    alpha3 *destinations; size_t n_destinations;
    const uint64_t *nat_bits, *dest_bits;         /* the same lists as bitsets over the
                                                     engine's codes (rules/plan.c) */
    int *categories; size_t n_categories;          /* indices into the set's categories; any of */
    const int *category_names;                     /* the same categories' numbers (struct
                                                      category, name; rules/plan.c) */
    /* Category ids, of any loaded set, whose holding takes the case out of the rule (the
     * Borders Code's entry conditions do not bind a Union citizen's family member who
     * moves with him). An id no loaded set defines never holds: the rule then applies. */
    char **unless_categories; size_t n_unless_categories;
    const uint32_t *unless_refs;   /* each one's first definition (set << 16 | category) in
                                      the engine, or UINT32_MAX (rules/plan.c) */
    struct history_cond *history;
    int32_t effective_from, effective_to;          /* rule-level, half-open; DATE_NONE */
};

struct category {
    char *id;
    int name;                      /* the id's number among all loaded ids (rules/plan.c) */
    char *legal_ref;
    struct predicate when;
    /* Evidence: any one group complete, each group all of its items. */
    char ***groups; size_t *group_len; size_t n_groups;
    const uint64_t *ev_groups;     /* the same groups as bitsets over the engine's
                                      evidence vocabulary (rules/plan.c) */
    char *confidence;
};

/* Why a visa_needed rule with value false makes the visa dimensions not applicable. */
enum applicability { AP_VISA_EXEMPT, AP_NOT_THIRD_COUNTRY_NATIONAL, AP_COUNT };

struct rule {
    char *id;
    char *legal_ref;
    char *confidence;      /* "V", "S", "U" */
    char *note;            /* why it is uncertain, or NULL */
    char **open_points; size_t n_open_points; /* legal questions the decision must show */
    enum applicability applicability;         /* visa_needed rules with value false */
    bool member_state_may;  /* visa_needed: a Member State's optional national exception
                               (Reg. 2018/1806 Art. 6), shown as an alternative, "may" */
    enum rule_kind kind;
    int anchor;            /* vfy_rules_anchor */
    int priority;
    struct predicate when;
    size_t index;          /* position in the file, for the JSON path */
    union {
        bool visa_needed;
        struct {
            enum check_kind kind;
            int amount;             /* months, years, days or pages */
            int relative_to;        /* anchor for lodging checks and (optionally) the date
                                       document_valid_after counts from; -1: the rule's anchor */
            enum check_fail on_fail;
            char *consequence;
        } check;
        struct { int64_t amount_cents; enum fee_modality modality; } fee;
        struct { int64_t amount_cents; int num, den; int of_rule; } sfc; /* of_rule -1: absolute */
        struct { int days, extendable_to, urgent_days, consultation_days; bool working, urgent_working; } deadline;
        struct {
            enum entries_kind entries;
            int validity_months, grace_days, start_anchor;
            bool cap_document, cap_status;
            vfy_rules_modality modality;
        } grant;
        struct { bool simplified; char **waives; size_t n_waives; vfy_rules_modality modality; } evidence;
    } u;
};

struct suspension {
    char *id;
    char *legal_ref;
    int anchor;
    int32_t from, to;
    struct predicate when;
    char **sets; size_t n_sets;      /* rule-set id patterns ("EU-VC-*") */
    char **rules; size_t n_rules;    /* rule id patterns */
};

struct ruleset {
    char *id, *version, *supersedes, *title;
    enum rs_status status;
    enum rs_layer layer;
    int priority;
    char **legal_basis; size_t n_legal_basis;
    char **open_points; size_t n_open_points;
    alpha3 *nationalities; size_t n_nationalities;  /* NULL = all */
    alpha3 *destinations; size_t n_destinations;
    const uint64_t *nat_bits, *dest_bits;          /* as bitsets (rules/plan.c) */
    int32_t effective_from, effective_to;
    bool feb29_to_mar1;            /* age convention for 29 February birthdays */
    enum rs_policy combine[VFY_RULES_DIM_COUNT];
    struct category *categories; size_t n_categories;
    struct rule *rules; size_t n_rules;
    struct suspension *suspensions; size_t n_suspensions;
    char digest_hex[65];
    char key_id[33];               /* "" when unsigned */
    bool signature_verified;
    size_t load_order;
};

struct claim {
    char category[33];
    char (*evidence)[49]; size_t n_evidence;
    bool verified;
    int32_t status_end;
};

struct history_item {
    enum visa_kind kind;
    enum entries_kind entries;
    int32_t dates[HF_COUNT];
    enum lawful lawful_use;
};

struct vfy_rules_case {
    alpha3 nationality;
    int32_t birth_date;
    enum doc_type doc_type; bool doc_type_known;
    int biometric;                 /* -1 unknown */
    int32_t issue_date, expiry_date;
    alpha3 issuing_state;
    int blank_pages;               /* -1 unknown */
    int32_t dates[VFY_ANCHOR_COUNT];
    alpha3 destination;
    struct claim *claims; size_t n_claims;
    struct history_item *history; size_t n_history;
    bool history_given;            /* "visa_history" present (an empty list says: none) */
    char *case_id;                 /* "case_id" as compact JSON, or NULL */
};

extern const char *const rs_status_names[ST_COUNT];
extern const char *const rs_layer_names[LY_COUNT];
extern const char *const rs_anchor_names[VFY_ANCHOR_COUNT];
extern const char *const rs_doc_type_names[DOC_COUNT];
extern const char *const rs_check_fail_names[CF_COUNT];
extern const char *const rs_applicability_names[AP_COUNT];

/* Compiles a parsed, schema-checked rule-set object. */
struct json_t;
vfy_status rs_compile(const struct json_t *root, struct ruleset *out, vfy_detail *detail);
void rs_ruleset_clear(struct ruleset *rs);

/* Looks a name up in a table of n names; -1 when absent. */
int rs_lookup(const char *const *names, int n, const char *s);

#endif
