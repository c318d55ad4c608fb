/*
 * Hostile rule sets and cases: limits, duplicate keys, reals, unknown members, broken
 * references. Every schema error names the rule id and the JSON path.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "test_rules_support.h"

static vfy_status load(const char *json, vfy_detail *d)
{
    vfy_rules_builder *b;
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_TEST, NULL, &b), VFY_OK);
    vfy_detail_clear(d);
    vfy_status s = vfy_rules_builder_add(b, json, strlen(json), "inline", d);
    vfy_rules_builder_free(b);
    return s;
}

#define HEAD "{\"format\":\"vfy-rules/1\",\"id\":\"T\",\"version\":\"1\",\"status\":\"draft\",\"layer\":\"base_procedure\"," \
             "\"legal_basis\":[\"x\"],\"scope\":{\"nationalities\":\"all\",\"destinations\":\"all\"}," \
             "\"effective\":{\"from\":\"2020-01-01\"},"
#define FEE_RULE(extra) "{\"id\":\"r1\",\"dimension\":\"fee\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\"," \
                        "\"fee\":{\"amount_cents\":100,\"modality\":\"charged\"}" extra "}"

Test(rules_parse, minimal_set_loads)
{
    vfy_detail d;
    cr_assert_eq(load(HEAD "\"rules\":[" FEE_RULE("") "]}", &d), VFY_OK, "%s", d.message);
}

Test(rules_parse, error_names_rule_and_path)
{
    vfy_detail d;
    cr_assert_eq(load(HEAD "\"rules\":[" FEE_RULE(",\"when\":{\"age_fro\":6}") "]}", &d), VFY_E_RULES_SCHEMA);
    cr_assert(strstr(d.message, "rule 'r1'") != NULL, "%s", d.message);
    cr_assert(strstr(d.message, "$.rules[0].when.age_fro") != NULL, "%s", d.message);
    cr_assert_str_eq(d.field, "$.rules[0].when.age_fro");
}

Test(rules_parse, every_rule_names_its_anchor)
{
    vfy_detail d;
    cr_assert_eq(load(HEAD "\"rules\":[{\"id\":\"r1\",\"dimension\":\"fee\",\"legal_ref\":\"x\",\"confidence\":\"V\","
                      "\"fee\":{\"amount_cents\":1,\"modality\":\"charged\"}}]}", &d), VFY_E_RULES_SCHEMA);
    cr_assert(strstr(d.message, "$.rules[0].anchor") != NULL, "%s", d.message);
}

Test(rules_parse, uncertain_rules_must_say_why)
{
    vfy_detail d;
    cr_assert_eq(load(HEAD "\"rules\":[{\"id\":\"r1\",\"dimension\":\"fee\",\"legal_ref\":\"x\",\"anchor\":\"lodging\","
                      "\"confidence\":\"U\",\"fee\":{\"amount_cents\":1,\"modality\":\"charged\"}}]}", &d), VFY_E_RULES_SCHEMA);
    cr_assert(strstr(d.message, "$.rules[0].note") != NULL, "%s", d.message);
}

Test(rules_parse, undefined_category_and_duplicate_ids)
{
    vfy_detail d;
    cr_assert_eq(load(HEAD "\"rules\":[" FEE_RULE(",\"when\":{\"categories\":[\"student\"]}") "]}", &d), VFY_E_RULES_SCHEMA);
    cr_assert(strstr(d.message, "category 'student' is not defined") != NULL, "%s", d.message);
    cr_assert_eq(load(HEAD "\"rules\":[" FEE_RULE("") "," FEE_RULE("") "]}", &d), VFY_E_RULES_SCHEMA);
    cr_assert(strstr(d.message, "used twice") != NULL, "%s", d.message);
}

Test(rules_parse, duplicate_json_keys_reals_and_nul_are_refused)
{
    vfy_detail d;
    cr_assert_eq(load(HEAD "\"id\":\"U\",\"rules\":[" FEE_RULE("") "]}", &d), VFY_E_RULES_PARSE);
    cr_assert(strstr(d.message, "duplicate") != NULL, "%s", d.message);
    cr_assert_eq(load(HEAD "\"priority\":1.5,\"rules\":[" FEE_RULE("") "]}", &d), VFY_E_RULES_PARSE);
    const char nul[] = "{\"a\":\"x\0y\"}";
    vfy_rules_builder *b;
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_TEST, NULL, &b), VFY_OK);
    cr_assert_eq(vfy_rules_builder_add(b, nul, sizeof nul - 1, "nul", &d), VFY_E_RULES_PARSE);
    vfy_rules_builder_free(b);
}

Test(rules_parse, nesting_and_size_limits)
{
    char deep[256];
    size_t n = 0;
    for (int i = 0; i < VFY_RULES_MAX_DEPTH + 1; i++)
        deep[n++] = '[';
    for (int i = 0; i < VFY_RULES_MAX_DEPTH + 1; i++)
        deep[n++] = ']';
    deep[n] = '\0';
    vfy_detail d;
    cr_assert_eq(load(deep, &d), VFY_E_TOO_DEEP);
    size_t big = VFY_RULES_MAX_FILE + 1;
    char *huge = malloc(big + 1);
    memset(huge, ' ', big);
    huge[big] = '\0';
    cr_assert_eq(load(huge, &d), VFY_E_LIMIT);
    free(huge);
    /* Brackets inside strings do not count as nesting. */
    cr_assert_eq(load(HEAD "\"title\":\"[[[[[[[[[[[[[[[[[[[[[[\",\"rules\":[" FEE_RULE("") "]}", &d), VFY_OK, "%s", d.message);
}

Test(rules_parse, unknown_enum_lists_the_choices)
{
    vfy_detail d;
    cr_assert_eq(load(HEAD "\"rules\":[{\"id\":\"r1\",\"dimension\":\"fees\",\"legal_ref\":\"x\",\"anchor\":\"lodging\","
                      "\"confidence\":\"V\"}]}", &d), VFY_E_RULES_SCHEMA);
    cr_assert(strstr(d.message, "one of visa_needed, admissible, fee") != NULL, "%s", d.message);
}

static vfy_status parse_case(const char *json, vfy_detail *d)
{
    vfy_rules_case *c = NULL;
    vfy_detail_clear(d);
    vfy_status s = vfy_rules_case_parse(json, strlen(json), &c, d);
    vfy_rules_case_free(c);
    return s;
}

Test(rules_parse, case_errors_name_the_path)
{
    vfy_detail d;
    cr_assert_eq(parse_case("{\"traveller\":{\"birth_date\":\"2019-02-30\"}}", &d), VFY_E_CASE_PARSE);
    cr_assert_str_eq(d.field, "$.traveller.birth_date");
    cr_assert_eq(parse_case("{\"visa_history\":[{\"type\":\"C\",\"entries\":\"single\",\"issue_date\":\"2024-01-01\","
                            "\"valid_from\":\"2024-01-01\",\"valid_to\":\"2023-01-01\"}]}", &d), VFY_E_CASE_PARSE);
    cr_assert(strstr(d.message, "$.visa_history[0]") != NULL, "%s", d.message);
    cr_assert_eq(parse_case("{\"traveller\":{\"nationality\":\"kaz\"}}", &d), VFY_E_CASE_PARSE);
    cr_assert_eq(parse_case("{\"application\":{\"claims\":[{\"category\":\"x\",\"surprise\":1}]}}", &d), VFY_E_CASE_PARSE);
    cr_assert(strstr(d.message, "$.application.claims[0].surprise") != NULL, "%s", d.message);
    cr_assert_eq(parse_case("[]", &d), VFY_E_CASE_PARSE);
    cr_assert_eq(parse_case("{}", &d), VFY_OK);
}

/* No rule may read the wall clock, and nothing is decided for nobody: an empty case
 * is refused (VFY_E_CASE_INCOMPLETE), not answered with a decision made of unknowns. */
Test(rules_parse, empty_case_is_refused_not_guessed)
{
    vfy_rules_engine *e = rules_engine(VFY_RULES_PRODUCTION, NULL);
    vfy_rules_case *c;
    cr_assert_eq(vfy_rules_case_new(&c), VFY_OK);
    vfy_rules_decision *dec = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_evaluate(e, c, NULL, &dec, &d), VFY_E_CASE_INCOMPLETE);
    cr_assert_null(dec);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
}

/* A category id longer than a case can name (32 bytes) could never be claimed, so its
 * rules would silently never apply: refused at load. */
Test(rules_parse, category_id_a_case_cannot_name)
{
    vfy_detail d;
    cr_assert_eq(load(HEAD "\"categories\":[{\"id\":\"a_category_id_of_thirty_three_byt\",\"legal_ref\":\"x\","
                      "\"confidence\":\"V\"}],\"rules\":[" FEE_RULE("") "]}", &d), VFY_E_RULES_SCHEMA);
    cr_assert(strstr(d.message, "$.categories[0].id") != NULL, "%s", d.message);
}

/* A rule-level modality is a Member State's option on the visa requirement only;
 * "shall" or "entitled" cannot be written (the value says which), nor on other rules. */
Test(rules_parse, visa_option_modality)
{
    vfy_detail d;
#define VISA_RULE(m) "{\"id\":\"v\",\"dimension\":\"visa_needed\",\"legal_ref\":\"x\",\"anchor\":\"lodging\"," \
                     "\"confidence\":\"V\",\"visa_needed\":false,\"modality\":\"" m "\"}"
    cr_assert_eq(load(HEAD "\"rules\":[" VISA_RULE("may") "]}", &d), VFY_OK, "%s", d.message);
    cr_assert_eq(load(HEAD "\"rules\":[" VISA_RULE("entitled") "]}", &d), VFY_E_RULES_SCHEMA);
    cr_assert(strstr(d.message, "$.rules[0].modality") != NULL, "%s", d.message);
    cr_assert_eq(load(HEAD "\"rules\":[" FEE_RULE(",\"modality\":\"may\"") "]}", &d), VFY_E_RULES_SCHEMA);
}

/* "unless_categories" takes category ids. */
Test(rules_parse, unless_categories_are_ids)
{
    vfy_detail d;
    cr_assert_eq(load(HEAD "\"rules\":[" FEE_RULE(",\"when\":{\"unless_categories\":[\"a b\"]}") "]}", &d),
                 VFY_E_RULES_SCHEMA);
    cr_assert(strstr(d.message, "unless_categories") != NULL, "%s", d.message);
    cr_assert_eq(load(HEAD "\"rules\":[" FEE_RULE(",\"when\":{\"unless_categories\":[\"defined_elsewhere\"]}") "]}", &d),
                 VFY_OK, "%s", d.message);
}
