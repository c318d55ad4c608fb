/* Fuzz target: the rule-set parser (bounded JSON loading, schema compilation, signature
 * checking with a trust store), then evaluation of a fixed case with whatever rules
 * compiled, the summary and the decision JSON. Also the trust-file parser. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify/rules.h"
#include "rules_common.h"

static const char fixed_case[] =
    "{\"traveller\":{\"nationality\":\"KAZ\",\"birth_date\":\"2008-02-29\",\"document\":{\"type\":\"diplomatic\","
    "\"biometric\":true,\"issue_date\":\"2016-01-01\",\"expiry_date\":\"2026-05-10\",\"blank_pages\":3}},"
    "\"application\":{\"dates\":{\"lodging\":\"2025-12-10\",\"intended_entry\":\"2026-02-01\",\"intended_exit\":"
    "\"2026-02-10\",\"border_crossing\":\"2026-02-01\"},\"destination\":\"DEU\",\"claims\":[{\"category\":\"student\","
    "\"evidence\":[\"student_card\"],\"verified\":false,\"status_end\":\"2027-01-01\"},{\"category\":\"close_relative\","
    "\"evidence\":[\"host_request\"],\"verified\":true}]},\"visa_history\":[{\"type\":\"C\",\"entries\":\"multiple\","
    "\"issue_date\":\"2023-03-01\",\"valid_from\":\"2023-03-01\",\"valid_to\":\"2025-02-28\",\"lawful_use\":\"yes\"},"
    "{\"type\":\"C\",\"entries\":\"single\",\"issue_date\":\"2025-06-01\",\"valid_from\":\"2025-06-01\","
    "\"valid_to\":\"2025-07-01\",\"lawful_use\":\"unknown\"}]}";

static const char trust_text[] =
    "{\"format\":\"vfy-rules-key/1\",\"algorithm\":\"Ed25519\",\"key_id\":\"7ecf8f5c249594fbe3eae48ec82d1455\","
    "\"publisher\":\"dev\",\"public_key\":\"bd6537a2b23b02d6f664fbb8d799403ee7d0985364f581e088f90e409a5ba20c\"}";


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vfy_detail d;
    vfy_rules_trust *trust = NULL;
    vfy_detail_clear(&d);
    (void)vfy_rules_trust_load(data, size, &trust, &d);
    vfy_rules_trust_free(trust);
    trust = NULL;
    if (vfy_rules_trust_load(trust_text, sizeof trust_text - 1, &trust, &d) != VFY_OK)
        __builtin_trap();

    /* Production with the development key trusted: the seeds are signed with it, so
     * mutations exercise the canonical-form and signature checks. */
    vfy_rules_builder *b = NULL;
    if (trust != NULL && vfy_rules_builder_new(VFY_RULES_PRODUCTION, trust, &b) == VFY_OK &&
        vfy_rules_builder_allow_development_key(b) == VFY_OK) {
        (void)vfy_rules_builder_add(b, data, size, "fuzz", &d);
        vfy_rules_builder_free(b);
    }
    vfy_rules_trust_free(trust);

    if (vfy_rules_builder_new(VFY_RULES_TEST, NULL, &b) != VFY_OK)
        return 0;
    (void)vfy_rules_builder_add(b, data, size, "fuzz", &d);
    vfy_rules_engine *e = NULL;
    if (vfy_rules_build(b, &e, &d) != VFY_OK)
        return 0;
    free(vfy_rules_engine_summary(e));
    vfy_rules_case *c = NULL;
    if (vfy_rules_case_parse(fixed_case, sizeof fixed_case - 1, &c, &d) == VFY_OK) {
        /* One evaluation per input keeps the harness fast; the last byte picks PII. */
        for (int pii = size > 0 && (data[size - 1] & 1); pii >= 0; pii = -1) {
            vfy_rules_eval_options opt = { .include_pii = pii };
            vfy_rules_decision *dec = NULL;
            if (vfy_rules_evaluate(e, c, &opt, &dec, &d) != VFY_OK) {
                fuzz_rules_same_as_workspace(e, c, &opt, NULL);
                continue;
            }
            fuzz_rules_same_as_workspace(e, c, &opt, dec);
            free(vfy_rules_decision_json(dec, pii ? 2 : 0));
            for (int dim = 0; dim < VFY_RULES_DIM_COUNT; dim++) {
                vfy_rules_outcome o;
                if (vfy_rules_decision_outcome(dec, (vfy_rules_dimension)dim, &o) != VFY_OK)
                    __builtin_trap();
                for (size_t i = 0; i < o.trail_length; i++) {
                    vfy_rules_step st;
                    if (vfy_rules_decision_step(dec, (vfy_rules_dimension)dim, i, &st) != VFY_OK)
                        __builtin_trap();
                }
            }
            vfy_rules_decision_free(dec);
        }
    }
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
    return 0;
}
