/* Fuzz target: the case parser, then evaluation of the parsed case against a compact
 * rule set that uses every rule kind, predicate and suspension, at the consulate and
 * (with a crossing date filled in) at the border. Every decision must keep the
 * modality invariant of docs/rules.md: a null value only with officer_review or
 * not_applicable, and no right or obligation beside a missing input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "verify/rules.h"
#include "rules_common.h"

static const char rules_text[] =
    "{\"format\":\"vfy-rules/1\",\"id\":\"FUZZ\",\"version\":\"1\",\"status\":\"draft\",\"layer\":\"base_procedure\","
    "\"legal_basis\":[\"fuzz\"],\"scope\":{\"nationalities\":\"all\",\"destinations\":\"all\"},"
    "\"effective\":{\"from\":\"2000-01-01\"},\"date_conventions\":{\"feb29_birthday\":\"02-28\"},"
    "\"combine\":{\"entries\":\"most_favourable\",\"validity\":\"most_favourable\"},"
    "\"categories\":[{\"id\":\"student\",\"legal_ref\":\"x\",\"confidence\":\"V\",\"when\":{\"age_below\":30},"
    "\"evidence\":[[\"student_card\"],[\"enrolment_certificate\",\"letter\"]]},"
    "{\"id\":\"close_relative\",\"legal_ref\":\"x\",\"confidence\":\"V\",\"evidence\":[[\"host_request\"]]}],"
    "\"rules\":["
    "{\"id\":\"v\",\"dimension\":\"visa_needed\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"when\":{\"nationalities\":[\"KAZ\",\"UTO\"]},\"visa_needed\":true},"
    "{\"id\":\"vx\",\"dimension\":\"visa_needed\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"priority\":5,\"when\":{\"document_types\":[\"diplomatic\"],\"biometric\":true,\"destinations\":[\"DEU\"]},\"visa_needed\":false},"
    "{\"id\":\"c1\",\"dimension\":\"admissible\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"check\":{\"kind\":\"lodging_not_before\",\"months\":6,\"relative_to\":\"intended_entry\",\"on_fail\":\"inadmissible\"}},"
    "{\"id\":\"c2\",\"dimension\":\"admissible\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"check\":{\"kind\":\"lodging_not_after\",\"days\":15,\"relative_to\":\"intended_entry\",\"on_fail\":\"officer_review\"}},"
    "{\"id\":\"c3\",\"dimension\":\"admissible\",\"legal_ref\":\"x\",\"anchor\":\"intended_exit\",\"confidence\":\"V\",\"check\":{\"kind\":\"document_valid_after\",\"months\":3,\"on_fail\":\"officer_review\"}},"
    "{\"id\":\"c4\",\"dimension\":\"admissible\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"check\":{\"kind\":\"document_max_issue_age\",\"years\":10,\"on_fail\":\"officer_review\"}},"
    "{\"id\":\"c5\",\"dimension\":\"admissible\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"check\":{\"kind\":\"blank_pages\",\"pages\":2,\"on_fail\":\"inadmissible\"}},"
    "{\"id\":\"vm\",\"dimension\":\"visa_needed\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"when\":{\"document_types\":[\"diplomatic\",\"service\"]},\"visa_needed\":false,\"modality\":\"may\"},"
    "{\"id\":\"c6\",\"dimension\":\"admissible\",\"legal_ref\":\"x\",\"anchor\":\"border_crossing\",\"confidence\":\"V\",\"when\":{\"unless_categories\":[\"close_relative\"]},\"check\":{\"kind\":\"document_valid_on\",\"on_fail\":\"inadmissible\"}},"
    "{\"id\":\"c7\",\"dimension\":\"admissible\",\"legal_ref\":\"x\",\"anchor\":\"border_crossing\",\"confidence\":\"V\",\"check\":{\"kind\":\"document_valid_after\",\"months\":3,\"relative_to\":\"intended_exit\",\"on_fail\":\"may_derogate\"}},"
    "{\"id\":\"c8\",\"dimension\":\"admissible\",\"legal_ref\":\"x\",\"anchor\":\"border_crossing\",\"confidence\":\"V\",\"check\":{\"kind\":\"visa_valid_on\",\"on_fail\":\"may_derogate\"}},"
    "{\"id\":\"vn\",\"dimension\":\"visa_needed\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"priority\":9,\"when\":{\"nationalities\":[\"FRA\"]},\"visa_needed\":false,\"applicability\":\"not_third_country_national\"},"
    "{\"id\":\"f3\",\"dimension\":\"fee\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"S\",\"note\":\"n\",\"priority\":50,\"open_points\":[\"op\"],\"when\":{\"nationalities\":[\"ARM\"]},\"fee\":{\"amount_cents\":3500,\"modality\":\"charged\"}},"
    "{\"id\":\"f0\",\"dimension\":\"fee\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"priority\":100,\"when\":{\"age_below\":6},\"fee\":{\"amount_cents\":0,\"modality\":\"waived_mandatory\"}},"
    "{\"id\":\"f1\",\"dimension\":\"fee\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"priority\":10,\"fee\":{\"amount_cents\":9000,\"modality\":\"charged\"}},"
    "{\"id\":\"f2\",\"dimension\":\"fee\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"when\":{\"categories\":[\"student\"],\"effective_from\":\"2020-01-01\",\"effective_to\":\"2030-01-01\"},\"fee\":{\"amount_cents\":1,\"modality\":\"waived_optional\"}},"
    "{\"id\":\"s\",\"dimension\":\"service_fee_cap\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"service_fee_cap\":{\"fraction\":[1,3],\"of_rule\":\"f1\"}},"
    "{\"id\":\"d\",\"dimension\":\"deadline\",\"legal_ref\":\"x\",\"anchor\":\"decision\",\"confidence\":\"V\",\"deadline\":{\"days\":15,\"extendable_to\":45,\"urgent_days\":2,\"urgent_day_kind\":\"working\"}},"
    "{\"id\":\"g1\",\"dimension\":\"entries_validity\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"grant\":{\"entries\":\"single\",\"grace_days\":15,\"modality\":\"entitled\"}},"
    "{\"id\":\"g2\",\"dimension\":\"entries_validity\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"when\":{\"history\":{\"count\":2,\"kinds\":[\"C\",\"LTV\"],\"entries\":[\"multiple\"],\"min_validity_months\":12,\"lookback_months\":36,\"date_field\":\"valid_to\"}},\"grant\":{\"entries\":\"multiple\",\"validity_months\":60,\"cap_by_status_end\":true,\"modality\":\"entitled\"}},"
    "{\"id\":\"g3\",\"dimension\":\"entries_validity\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"when\":{\"categories\":[\"close_relative\"]},\"grant\":{\"entries\":\"double\",\"validity_months\":6,\"start\":\"lodging\",\"cap_by_status_end\":true,\"modality\":\"may\"}},"
    "{\"id\":\"e1\",\"dimension\":\"evidence\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"when\":{\"categories\":[\"student\",\"close_relative\"]},\"evidence\":{\"simplified\":true,\"waives\":[\"a\"],\"modality\":\"entitled\"}},"
    "{\"id\":\"e2\",\"dimension\":\"evidence\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\",\"when\":{\"document_types\":[\"service\"]},\"evidence\":{\"waives\":[\"b\"],\"modality\":\"may\"}}],"
    "\"suspensions\":[{\"id\":\"sp\",\"legal_ref\":\"x\",\"confidence\":\"V\",\"anchor\":\"lodging\",\"from\":\"2026-01-01\",\"when\":{\"nationalities\":[\"UTO\"]},\"rulesets\":[\"FU*\"],\"rules\":[\"g*\",\"d\"]}]}";


/* The invariant, through the public accessors only. */
static void check(const vfy_rules_decision *dec)
{
    for (int dim = 0; dim < VFY_RULES_DIM_COUNT; dim++) {
        vfy_rules_outcome o;
        if (vfy_rules_decision_outcome(dec, (vfy_rules_dimension)dim, &o) != VFY_OK)
            __builtin_trap();
        bool null_value = strcmp(o.value_json, "null") == 0;
        bool firm = o.modality == VFY_MODALITY_SHALL || o.modality == VFY_MODALITY_ENTITLED ||
                    o.modality == VFY_MODALITY_MAY;
        if (null_value && firm)
            __builtin_trap();
        if (o.missing != NULL && o.modality != VFY_MODALITY_OFFICER_REVIEW)
            __builtin_trap();
    }
}

static vfy_rules_engine *engine(void)
{
    static vfy_rules_engine *e;
    if (e == NULL) {
        vfy_rules_builder *b;
        vfy_detail d;
        vfy_detail_clear(&d);
        if (vfy_rules_builder_new(VFY_RULES_TEST, NULL, &b) != VFY_OK ||
            vfy_rules_builder_add(b, rules_text, sizeof rules_text - 1, "fuzz", &d) != VFY_OK ||
            vfy_rules_build(b, &e, &d) != VFY_OK)
            __builtin_trap();
    }
    return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vfy_rules_engine *e = engine();
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_rules_case *c = NULL;
    if (vfy_rules_case_parse(data, size, &c, &d) != VFY_OK)
        return 0;
    for (int pass = 0; pass < 3; pass++) {
        vfy_rules_eval_options opt = { .include_pii = pass == 1, .compact_trail = pass == 0 };
        if (pass == 2) {
            bool set;
            /* 2026-02-01: the kiosk fills the crossing; without a lodging date this is a
             * border check. */
            if (vfy_rules_case_set_border_crossing_if_missing(c, (time_t)1769904000, &set) != VFY_OK)
                __builtin_trap();
        }
        vfy_rules_decision *dec = NULL;
        vfy_status s = vfy_rules_evaluate(e, c, &opt, &dec, &d);
        /* Refusals a case may earn: no traveller, a category or evidence the set does
         * not define. Anything else (or a decision beside a refusal) is a bug. */
        if (s == VFY_E_CASE_INCOMPLETE || s == VFY_E_CASE_VOCABULARY) {
            if (dec != NULL)
                __builtin_trap();
            fuzz_rules_same_as_workspace(e, c, &opt, NULL);
            continue;
        }
        if (s != VFY_OK)
            __builtin_trap();
        check(dec);
        fuzz_rules_same_as_workspace(e, c, &opt, dec);
        char *json = vfy_rules_decision_json(dec, 0);
        if (json == NULL)
            __builtin_trap();
        free(json);
        vfy_rules_decision_free(dec);
    }
    vfy_rules_case_free(c);
    return 0;
}
