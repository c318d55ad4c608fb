/*
 * Internal: the engine (an ordered, immutable array of compiled rule sets) and the
 * builder that verifies sets before they enter it.
 */
#ifndef VFY_RULES_ENGINE_H
#define VFY_RULES_ENGINE_H

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
struct plan_set {
    uint16_t *by_kind[RK_COUNT];
    size_t n_by_kind[RK_COUNT];
    uint16_t *superseders; size_t n_superseders; /* engine order */
    uint32_t *hit_off;       /* n_rules + 1 offsets into the engine's hits */
};

struct vfy_rules_engine {
    vfy_rules_mode mode;
    struct plan_set *plan;  /* one per set */
    struct plan_hit *hits;
    size_t max_by_kind;     /* most rules of one kind over all sets */
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
void rs_plan_free(struct vfy_rules_engine *e);

#endif
