/* Shared by the rules and case fuzz targets (fuzz/rules_common.c). */
#ifndef VFY_FUZZ_RULES_COMMON_H
#define VFY_FUZZ_RULES_COMMON_H

#include "verify/rules.h"

/* Traps unless the workspace writes the API's document for the case byte for byte (dec
 * NULL: unless the workspace refuses the case too). */
void fuzz_rules_same_as_workspace(const vfy_rules_engine *e, const vfy_rules_case *c,
                                  const vfy_rules_eval_options *opt, const vfy_rules_decision *dec);

#endif
