/*
 * Internal: a decision is the JSON document of docs/rules.md ({rulesets, test_mode,
 * decision}) plus cached strings for the C accessors. It belongs to one thread.
 */
#ifndef VFY_RULES_DECISION_H
#define VFY_RULES_DECISION_H

#include <jansson.h>

#include "verify/rules.h"

/* Takes ownership of `dims` (the "decision" object). `mode` is "consulate" or "border". */
vfy_status rd_decision_new(const vfy_rules_engine *engine, json_t *dims, const char *mode, bool compact,
                           vfy_rules_decision **out, vfy_detail *detail);

#endif
