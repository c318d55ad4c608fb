/*
 * Internal: the engine (an ordered, immutable array of compiled rule sets) and the
 * builder that verifies sets before they enter it.
 */
#ifndef VFY_RULES_ENGINE_H
#define VFY_RULES_ENGINE_H

#include "core/date.h"
#include "rules/model.h"

struct rejected_set {
    char *label;
    vfy_status status;
    char *reason;
};

/* The plan: each set's rules by kind, the sets that supersede it and, for each rule, the
 * suspensions whose patterns name it, compiled once when the engine is built so that
 * evaluating compares no strings. */
struct plan_hit { uint16_t set, suspension; };
/* Where each entry of a sorted list (a string, a packed country code) is, by hashing
 * (rules/plan.c). */
struct rs_str_index { int32_t *slot; uint32_t mask; };

/* What the evaluator's loop reads of a rule, packed beside its neighbours of the same
 * kind: a decision reads the rule itself only when the rule applies to the case (the
 * rules of other nationalities and of sets out of force are skipped or grouped from
 * this alone, and a rule is four cache lines). */
struct plan_rule {
    const uint64_t *nat;       /* the rule's nationality bitset (NULL: any) */
    uint64_t claims;           /* PT_CATEGORY: the predicate's categories, as bits of their numbers */
    uint16_t ri;               /* index in the set's rules */
    uint8_t anchor;            /* vfy_rules_anchor */
    bool discretionary;        /* an alternative the authority may choose, not a right */
    bool suspendable;          /* some suspension names it (plan_set.hit_off) */
    bool visa_held;            /* a check that a visa is held (a border condition) */
    uint8_t test;              /* enum plan_test: what the rule's predicate tests */
};
/* The shape of a rule's predicate, for the decision's shortcuts (rules/evaluate.c): one
 * that tests nothing holds, and one that needs one of some categories (numbered below
 * 64) fails when the case certainly claims none of them, whatever else it tests. */
enum plan_test { PT_GENERAL, PT_NOTHING, PT_CATEGORY };
/* The rules of one kind of a set as a traveller of one nationality meets them: the
 * entries that may apply to him (indices into by_kind, and the same rules' indices as a
 * slice of the engine's rule lists) and the rules that concern other nationalities (a
 * slice, shown as one step just before own entry others_at). Worked out once for every
 * code, so that a decision neither tests nor lists them one by one. */
struct plan_class {
    uint32_t own, own_ri, others;   /* offsets into the engine's own_rules, slices, slices */
    uint16_t n_own, n_others, others_at;
};
struct plan_kind {
    uint16_t *class_of;        /* per code index + 1 (0: a code no list names); NULL: one class */
    struct plan_class *classes; size_t n_classes;
    bool one_anchor;           /* every rule of the kind is read at the same anchor, */
    uint8_t anchor;            /* this one */
};

/* A piece of JSON text written once when the engine is built (quoted, escaped). */
struct frag { uint32_t off, len; };
struct plan_set {
    struct frag id, version, digest;  /* "EU-VC-2024" ... */
    struct frag *rule_id;             /* per rule: "vc-16-1-standard" */
    struct frag *step;                /* per rule: {"ruleset":"..","rule":".." (compact step) */
    struct frag *ref;                 /* per rule: "SET/rule" (beat, beaten_by) */
    struct frag *consequence;         /* per rule: a check's consequence, quoted; len 0: none */
    struct frag *legal_ref;           /* per rule: its legal reference, quoted */
    uint32_t *open_point_off;         /* per rule: where its open points start in open_point */
    struct frag *open_point;          /* "SET/rule: text" of every open point of the set's rules */
    struct frag in_force;             /* "SET is in force [FROM, TO);  (quote opened, not closed) */
    struct frag *cat_id;              /* per category */
    struct plan_rule *by_kind[RK_COUNT];
    size_t n_by_kind[RK_COUNT];
    struct plan_kind kinds[RK_COUNT];
    uint16_t *superseders; size_t n_superseders; /* engine order */
    uint32_t *hit_off;       /* n_rules + 1 offsets into the engine's hits */
};

struct vfy_rules_engine {
    vfy_rules_mode mode;
    struct vfy_calendar *calendar; /* month arithmetic of decisions (core/date.h) */
    struct plan_set *plan;  /* one per set */
    struct plan_hit *hits;
    /* What plan_class.own points into: each class's entries copied in order, so that
     * a decision walks them as one array (no index to follow to the set's entries). */
    struct plan_rule *own_rules; size_t n_own_rules;
    uint16_t *slices; size_t n_slices;  /* rule indices: plan_class.own_ri, others; rr_list slices */
    size_t max_by_kind;     /* most rules of one kind over all sets */
    size_t n_of_kind[RK_COUNT]; /* the rules of each kind over all sets */
    char *frags;            /* the text of every struct frag */
    /* Every country code some list names, sorted; lists are bitsets over it. */
    uint32_t *codes; size_t n_codes, code_words;
    struct rs_str_index codes_ix;           /* the codes found by hashing (rs_code_index) */
    uint64_t *bits;         /* the bitsets, code_words words each */
    uint32_t *unless_refs;  /* what predicates' unless_refs point into */
    const char **names; size_t n_names; /* every category id of every set, sorted */
    bool *name_in_vocabulary;           /* per name: a set that applies in the mode defines it */
    int *predicate_names;               /* what predicates' category_names point into */
    /* The categories and evidence ids of the sets that apply in the engine's mode
     * (the closed vocabulary of cases), sorted, each once. */
    const char **categories; size_t n_vocab_categories;
    const char **evidence; size_t n_vocab_evidence;
    /* The three lists above found by hashing: a lookup compares one string. */
    struct rs_str_index names_ix, categories_ix, evidence_ix;
    /* Each category's evidence groups as bitsets over the evidence vocabulary,
     * ev_words words each (struct category, ev_groups). */
    uint64_t *ev_bits; size_t ev_words;
    /* Every set combines entries and validity by the same policy, so validity can start
     * from the entries dimension's walk (rules/evaluate.c, keep_grant). */
    bool grant_shared;
    struct frag metadata;   /* "rulesets":[...],"rejected":[...] */
    size_t n_rules, n_categories;
    struct ruleset *sets;   /* sorted by layer, then priority, then load order */
    size_t n_sets;
    struct rejected_set *rejected;
    size_t n_rejected;
    bool development_key;   /* a set signed by the development key was accepted */
};

struct vfy_rules_builder {
    vfy_rules_mode mode;
    const vfy_rules_trust *trust;
    struct ruleset *sets;
    size_t n_sets, cap_sets;
    struct rejected_set *rejected;
    size_t n_rejected, cap_rejected;
    bool allow_development_key;
    bool development_key;
};

/* May a set of this status be applied in this mode? (production: in force or partially
 * suspended; test mode also hypothetical, draft and signed-but-not-in-force sets). */
bool rs_status_applies(vfy_rules_mode mode, enum rs_status status);

/* Compiles the plan of a built engine; false when out of memory. */
bool rs_plan_build(struct vfy_rules_engine *e);
/* A code's index in the engine's table, or -1 when no list names it. */
long rs_code_index(const struct vfy_rules_engine *e, const char *code);
static inline bool rs_code_in(const uint64_t *bits, long index)
{
    return index >= 0 && (bits[(size_t)index / 64] >> ((size_t)index % 64) & 1u);
}
/* Whether a rule offers the authority a choice rather than a right or an obligation. */
bool rs_rule_discretionary(const struct rule *r);
/* An evidence id's index in the vocabulary (its bit in ev_groups), or -1. */
long rs_evidence_index(const struct vfy_rules_engine *e, const char *id);
/* A category id's number (struct category.name), or -1 when no loaded set defines it. */
int rs_category_name(const struct vfy_rules_engine *e, const char *id);
void rs_plan_free(struct vfy_rules_engine *e);

#endif
