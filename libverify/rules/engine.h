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

struct vfy_rules_engine {
    vfy_rules_mode mode;
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

#endif
