/*
 * Rule-set loading, case reading, the engine's and the decision's accessors (issue 12,
 * area "rload": libverify/rules/ruleset.c, jsonload.c, signature.c, case.c, engine.c,
 * decision.c, workspace.c). Every malformed document is written here by hand, after
 * docs/rules.md, and each refusal is held to the documented status, the JSON path it
 * names (vfy_detail.field) and the words of the rule it breaks; the accepted ones to
 * what they say (dates, counts, texts computed independently).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "test_rules_support.h"

/* A draft set (test mode accepts it) with the members every set needs; a test appends
 * its own members and closes the object. */
#define HEAD_WITH(fmt, basis, scope, eff)                                                                  \
    "{\"format\":\"" fmt "\",\"id\":\"T\",\"version\":\"1\",\"status\":\"draft\",\"layer\":\"base_procedure\"," \
    basis scope eff
#define BASIS "\"legal_basis\":[\"x\"],"
#define SCOPE "\"scope\":{\"nationalities\":\"all\",\"destinations\":\"all\"},"
#define EFF "\"effective\":{\"from\":\"2020-01-01\"},"
#define HEAD HEAD_WITH("vfy-rules/1", BASIS, SCOPE, EFF)
#define RULE_BASE(id, dim) "\"id\":\"" id "\",\"dimension\":\"" dim "\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\""
#define FEE_RULE(extra) "{" RULE_BASE("r1", "fee") ",\"fee\":{\"amount_cents\":100,\"modality\":\"charged\"}" extra "}"
#define ONE_FEE "\"rules\":[" FEE_RULE("") "]"

static vfy_status load_set(vfy_rules_mode mode, const char *json, vfy_detail *d)
{
    vfy_rules_builder *b;
    cr_assert_eq(vfy_rules_builder_new(mode, NULL, &b), VFY_OK);
    vfy_detail_clear(d);
    vfy_status s = vfy_rules_builder_add(b, json, strlen(json), "inline", d);
    vfy_rules_builder_free(b);
    return s;
}

/* A refused set: the status, the path in vfy_detail.field and the rule's words. */
struct refusal {
    const char *json;
    vfy_status status;
    const char *field;
    const char *words;
};

static void expect_refusals(const struct refusal *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        vfy_detail d;
        vfy_status s = load_set(VFY_RULES_TEST, r[i].json, &d);
        cr_assert_eq(s, r[i].status, "[%zu] %s: %s, expected %s (%s)", i, r[i].json, vfy_status_name(s),
                     vfy_status_name(r[i].status), d.message);
        cr_assert_str_eq(d.field, r[i].field, "[%zu] %s: %s", i, r[i].json, d.message);
        cr_assert(strstr(d.message, r[i].words) != NULL, "[%zu] message '%s' lacks '%s'", i, d.message, r[i].words);
    }
}

/* ---- ruleset.c: the set's header --------------------------------------------------- */

Test(cov2_rload_schema, header_members_are_required_and_checked)
{
    const struct refusal r[] = {
        { HEAD_WITH("vfy-rules/2", BASIS, SCOPE, EFF) ONE_FEE "}", VFY_E_RULES_SCHEMA, "$.format",
          "only format \"vfy-rules/1\" is understood" },
        { HEAD_WITH("vfy-rules/1", "\"legal_basis\":[],", SCOPE, EFF) ONE_FEE "}", VFY_E_RULES_SCHEMA, "$",
          "legal_basis lists at least one CELEX, ELI or OJ reference" },
        { HEAD_WITH("vfy-rules/1", BASIS, "", EFF) ONE_FEE "}", VFY_E_RULES_SCHEMA, "$",
          "a \"scope\" object (nationalities, destinations) is required" },
        { HEAD_WITH("vfy-rules/1", BASIS, SCOPE, "") ONE_FEE "}", VFY_E_RULES_SCHEMA, "$",
          "an \"effective\" object {from, to} is required" },
        /* [from, to) with to == from holds no day. */
        { HEAD_WITH("vfy-rules/1", BASIS, SCOPE, "\"effective\":{\"from\":\"2020-01-01\",\"to\":\"2020-01-01\"},")
          ONE_FEE "}", VFY_E_RULES_SCHEMA, "$.effective", "the interval [from, to) is empty" },
        { HEAD "\"combine\":{\"admissible\":\"override\"}," ONE_FEE "}", VFY_E_RULES_SCHEMA, "$.combine",
          "admissible combines most_restrictive" },
        { HEAD "\"combine\":{\"fee\":\"accumulate\"}," ONE_FEE "}", VFY_E_RULES_SCHEMA, "$.combine",
          "accumulate is only for evidence" },
        /* Categories alone decide nothing. */
        { HEAD "\"categories\":[{\"id\":\"c1\",\"legal_ref\":\"x\",\"confidence\":\"V\"}]}", VFY_E_RULES_SCHEMA, "$",
          "a rule set has at least one rule or suspension" },
    };
    expect_refusals(r, sizeof r / sizeof r[0]);
}

/* ---- ruleset.c: categories, predicates, payloads, suspensions ------------------------ */

#define CAT(id, extra) "{\"id\":\"" id "\",\"legal_ref\":\"x\",\"confidence\":\"V\"" extra "}"

Test(cov2_rload_schema, categories_and_predicates)
{
    const struct refusal r[] = {
        { HEAD "\"rules\":[" FEE_RULE(",\"when\":{\"document_types\":[\"alien\"]}") "]}", VFY_E_RULES_SCHEMA,
          "$.rules[0].when.document_types[0]", "unknown value 'alien'" },
        { HEAD "\"rules\":[" FEE_RULE(",\"when\":{\"age_from\":12,\"age_below\":12}") "]}", VFY_E_RULES_SCHEMA,
          "$.rules[0].when", "age_below must be greater than age_from" },
        /* A category's own conditions cannot name categories (no cycles). */
        { HEAD "\"categories\":[" CAT("c0", "") "," CAT("c1", ",\"when\":{\"categories\":[\"c0\"]}") "]," ONE_FEE "}",
          VFY_E_RULES_SCHEMA, "$.categories[1].when", "a category cannot depend on categories" },
        /* The first category, without evidence, is complete; the second repeats its id. */
        { HEAD "\"categories\":[" CAT("c1", "") "," CAT("c1", "") "]," ONE_FEE "}", VFY_E_RULES_SCHEMA,
          "$.categories[1]", "category id 'c1' is used twice" },
        { HEAD "\"categories\":[" CAT("c1", ",\"evidence\":\"passport\"") "]," ONE_FEE "}", VFY_E_RULES_SCHEMA,
          "$.categories[0].evidence", "an array of at most 16 alternative groups" },
        /* An empty alternative would make every claim of the category complete. */
        { HEAD "\"categories\":[" CAT("c1", ",\"evidence\":[[\"passport\"],[]]") "]," ONE_FEE "}", VFY_E_RULES_SCHEMA,
          "$.categories[0].evidence[1]", "an evidence group lists at least one evidence id" },
        { HEAD "\"rules\":[{\"id\":\"r 1\",\"dimension\":\"fee\"}]}", VFY_E_RULES_SCHEMA, "$.rules[0].id",
          "an id uses only letters, digits, '-', '_' and '.'" },
        /* '*' is a pattern character of suspensions, never part of an id. */
        { HEAD "\"rules\":[{\"id\":\"r*\",\"dimension\":\"fee\"}]}", VFY_E_RULES_SCHEMA, "$.rules[0].id",
          "an id uses only letters" },
        { HEAD "\"rules\":[" FEE_RULE(",\"applicability\":\"visa_exempt\"") "]}", VFY_E_RULES_SCHEMA, "$.rules[0]",
          "applicability is a member of visa_needed rules only" },
    };
    expect_refusals(r, sizeof r / sizeof r[0]);
}

Test(cov2_rload_schema, rule_payloads)
{
    const struct refusal r[] = {
        { HEAD "\"rules\":[{" RULE_BASE("r1", "fee") "}]}", VFY_E_RULES_SCHEMA, "$.rules[0].fee",
          "this rule's dimension needs a \"fee\" object" },
        { HEAD "\"rules\":[{" RULE_BASE("v1", "visa_needed") ",\"visa_needed\":true,\"applicability\":\"visa_exempt\"}]}",
          VFY_E_RULES_SCHEMA, "$.rules[0].applicability", "only with \"visa_needed\": false" },
        { HEAD "\"rules\":[{" RULE_BASE("k1", "admissible")
          ",\"check\":{\"kind\":\"document_valid_on\",\"relative_to\":\"lodging\",\"on_fail\":\"inadmissible\"}}]}",
          VFY_E_RULES_SCHEMA, "$.rules[0].check", "relative_to is a member of lodging and document_valid_after checks only" },
        { HEAD "\"rules\":[{" RULE_BASE("r1", "fee") ",\"fee\":{\"amount_cents\":100,\"modality\":\"waived_mandatory\"}}]}",
          VFY_E_RULES_SCHEMA, "$.rules[0].fee", "a mandatory waiver has amount_cents 0" },
        { HEAD "\"rules\":[{" RULE_BASE("s1", "service_fee_cap") ",\"service_fee_cap\":{}}]}", VFY_E_RULES_SCHEMA,
          "$.rules[0].service_fee_cap", "give either amount_cents or fraction" },
        { HEAD "\"rules\":[" FEE_RULE("") ",{" RULE_BASE("s1", "service_fee_cap")
          ",\"service_fee_cap\":{\"fraction\":[2,1],\"of_rule\":\"r1\"}}]}", VFY_E_RULES_SCHEMA,
          "$.rules[1].service_fee_cap", "fraction is [numerator, denominator] with 1 <= numerator <= denominator <= 100" },
        { HEAD "\"rules\":[" FEE_RULE("") ",{" RULE_BASE("s1", "service_fee_cap")
          ",\"service_fee_cap\":{\"fraction\":[1,2],\"of_rule\":\"zz\"}}]}", VFY_E_RULES_SCHEMA,
          "$.rules[1].service_fee_cap", "of_rule 'zz' is not a fee rule listed earlier in this set" },
    };
    expect_refusals(r, sizeof r / sizeof r[0]);
}

#define SUSP(extra) "\"suspensions\":[{\"id\":\"s1\",\"legal_ref\":\"x\",\"confidence\":\"V\",\"anchor\":\"lodging\"," \
                    "\"from\":\"2021-01-01\"" extra "}]"

Test(cov2_rload_schema, suspensions)
{
    const struct refusal r[] = {
        { HEAD ONE_FEE "," SUSP(",\"rules\":[\"r1\"]") "}", VFY_E_RULES_SCHEMA, "$.suspensions[0]",
          "a suspension names the rule sets and the rules it switches off" },
        { HEAD ONE_FEE "," SUSP(",\"rulesets\":[\"T\"],\"rules\":[\"r 1\"]") "}", VFY_E_RULES_SCHEMA, "$.suspensions[0]",
          "rule pattern 'r 1' is not an id" },
    };
    expect_refusals(r, sizeof r / sizeof r[0]);
    /* The same suspension, well formed, loads: a trailing '*' is a pattern. */
    vfy_detail d;
    cr_assert_eq(load_set(VFY_RULES_TEST, HEAD ONE_FEE "," SUSP(",\"rulesets\":[\"T\"],\"rules\":[\"r*\"]") "}", &d),
                 VFY_OK, "%s", d.message);
}

/* ---- jsonload.c: typed members ------------------------------------------------------ */

Test(cov2_rload_schema, typed_members)
{
    const struct refusal r[] = {
        { "[1]", VFY_E_RULES_PARSE, "$", "the rule set must be a JSON object" },
        { HEAD "\"rules\":[1]}", VFY_E_RULES_SCHEMA, "$.rules[0]", "an object is required here" },
        { HEAD "\"rules\":{}}", VFY_E_RULES_SCHEMA, "$.rules", "an array of at most" },
        { HEAD "\"title\":7," ONE_FEE "}", VFY_E_RULES_SCHEMA, "$.title", "a string is required" },
        { HEAD "\"title\":\"\"," ONE_FEE "}", VFY_E_RULES_SCHEMA, "$.title", "the string must have 1 to" },
        { HEAD "\"priority\":5000," ONE_FEE "}", VFY_E_RULES_SCHEMA, "$.priority",
          "an integer from -1000 to 1000 is required" },
        { HEAD "\"rules\":[" FEE_RULE(",\"when\":{\"biometric\":\"yes\"}") "]}", VFY_E_RULES_SCHEMA,
          "$.rules[0].when.biometric", "true or false is required" },
        { HEAD_WITH("vfy-rules/1", BASIS, SCOPE, "\"effective\":{\"from\":\"2020-13-01\"},") ONE_FEE "}",
          VFY_E_RULES_SCHEMA, "$.effective.from", "a date YYYY-MM-DD between 1900 and 2199 is required" },
        { HEAD_WITH("vfy-rules/1", "\"legal_basis\":\"x\",", SCOPE, EFF) ONE_FEE "}", VFY_E_RULES_SCHEMA,
          "$.legal_basis", "an array of at most 32 strings is required" },
        { HEAD_WITH("vfy-rules/1", "\"legal_basis\":[1],", SCOPE, EFF) ONE_FEE "}", VFY_E_RULES_SCHEMA,
          "$.legal_basis[0]", "a string of 1 to" },
        { HEAD_WITH("vfy-rules/1", BASIS, "\"scope\":{\"nationalities\":\"DEU\"},", EFF) ONE_FEE "}",
          VFY_E_RULES_SCHEMA, "$.scope.nationalities", "\"all\" or an array of 1 to 256 three-letter codes" },
        { HEAD_WITH("vfy-rules/1", BASIS, "\"scope\":{\"nationalities\":[\"DEU\",\"deu\"]},", EFF) ONE_FEE "}",
          VFY_E_RULES_SCHEMA, "$.scope.nationalities[1]", "a three-letter upper-case code" },
    };
    expect_refusals(r, sizeof r / sizeof r[0]);
}

/* A path longer than vfy_detail.field keeps its most specific end, and the message the
 * whole path. */
Test(cov2_rload_schema, long_paths_keep_their_end)
{
    const char key[] = "an_unknown_member_with_a_rather_long_name_xyz";
    char json[1024];
    snprintf(json, sizeof json, "%s\"rules\":[%s]}", HEAD,
             FEE_RULE(",\"when\":{\"history\":{\"an_unknown_member_with_a_rather_long_name_xyz\":1}}"));
    vfy_detail d;
    cr_assert_eq(load_set(VFY_RULES_TEST, json, &d), VFY_E_RULES_SCHEMA, "%s", d.message);
    char path[256];
    snprintf(path, sizeof path, "$.rules[0].when.history.%s", key);
    cr_assert_gt(strlen(path), (size_t)VFY_DETAIL_FIELD_MAX - 1);
    cr_assert_str_eq(d.field, path + strlen(path) - (VFY_DETAIL_FIELD_MAX - 1));
    cr_assert(strstr(d.message, path) != NULL, "%s", d.message);
}

/* ---- engine.c: the builder and the engine -------------------------------------------- */

static const char set_a[] = HEAD ONE_FEE "}";

Test(cov2_rload_engine, invalid_mode_and_arguments)
{
    vfy_rules_builder *b = (vfy_rules_builder *)&b;
    cr_assert_eq(vfy_rules_builder_new((vfy_rules_mode)7, NULL, &b), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_PRODUCTION, NULL, &b), VFY_E_CONFIG);
    cr_assert_null(b);
    /* Accessors on no engine: nothing, and production (the strict mode) as the mode. */
    cr_assert_eq(vfy_rules_engine_mode(NULL), VFY_RULES_PRODUCTION);
    cr_assert_null(vfy_rules_engine_summary(NULL));
    cr_assert_null(vfy_rules_batch_header_json(NULL, 0));
    cr_assert_null(vfy_rules_decision_json(NULL, 2));
    cr_assert_str_eq(vfy_rules_dimension_name((vfy_rules_dimension)99), "unknown");
    cr_assert_str_eq(vfy_rules_modality_name((vfy_rules_modality)99), "unknown");
}

Test(cov2_rload_engine, a_set_loaded_twice_conflicts)
{
    vfy_rules_builder *b;
    vfy_detail d;
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_TEST, NULL, &b), VFY_OK);
    cr_assert_eq(vfy_rules_builder_add(b, set_a, strlen(set_a), "a.json", &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_rules_builder_add(b, set_a, strlen(set_a), "again.json", &d), VFY_E_RULES_CONFLICT);
    cr_assert_str_eq(d.field, "$.id");
    cr_assert(strstr(d.message, "rule set T is loaded twice (versions 1 and 1)") != NULL, "%s", d.message);
    vfy_rules_engine *e;
    cr_assert_eq(vfy_rules_build(b, &e, &d), VFY_OK);
    cr_assert_eq(vfy_rules_engine_count(e), 1);
    cr_assert_eq(vfy_rules_engine_mode(e), VFY_RULES_TEST);
    cr_assert_eq(vfy_rules_engine_rejected_count(e), 1);
    const char *label, *reason;
    vfy_status st;
    cr_assert_eq(vfy_rules_engine_rejected(e, 0, &label, &st, &reason), VFY_OK);
    cr_assert_str_eq(label, "again.json");
    cr_assert_eq(st, VFY_E_RULES_CONFLICT);
    cr_assert_eq(vfy_rules_engine_rejected(e, 1, &label, &st, &reason), VFY_E_INVALID_ARGUMENT);
    vfy_rules_set_info info;
    cr_assert_eq(vfy_rules_engine_set(e, 1, &info), VFY_E_INVALID_ARGUMENT);
    /* The summary lists the refused file with its status name and reason. */
    char *sum = vfy_rules_engine_summary(e);
    cr_assert_not_null(sum);
    char expect[256];
    snprintf(expect, sizeof expect, "\nREJECTED again.json: %s: %s\n", vfy_status_name(VFY_E_RULES_CONFLICT), reason);
    cr_assert(strstr(sum, expect) != NULL, "%s lacks %s", sum, expect);
    free(sum);
    vfy_rules_engine_free(e);
}

/* At most 64 sets: the 65th is refused with VFY_E_LIMIT and listed. */
Test(cov2_rload_engine, at_most_64_sets)
{
    vfy_rules_builder *b;
    vfy_detail d;
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_TEST, NULL, &b), VFY_OK);
    char json[1024], name[32];
    for (int i = 0; i < 65; i++) {
        snprintf(json, sizeof json,
                 "{\"format\":\"vfy-rules/1\",\"id\":\"S%d\",\"version\":\"1\",\"status\":\"draft\","
                 "\"layer\":\"base_procedure\"," BASIS SCOPE EFF ONE_FEE "}", i);
        snprintf(name, sizeof name, "s%d.json", i);
        vfy_status s = vfy_rules_builder_add(b, json, strlen(json), name, &d);
        if (i < 64)
            cr_assert_eq(s, VFY_OK, "%d: %s", i, d.message);
        else
            cr_assert_eq(s, VFY_E_LIMIT, "%s", vfy_status_name(s));
    }
    cr_assert_str_eq(d.message, "at most 64 rule sets can be loaded");
    vfy_rules_engine *e;
    cr_assert_eq(vfy_rules_build(b, &e, &d), VFY_OK);
    cr_assert_eq(vfy_rules_engine_count(e), 64);
    const char *label;
    cr_assert_eq(vfy_rules_engine_rejected(e, 0, &label, NULL, NULL), VFY_OK);
    cr_assert_str_eq(label, "s64.json");
    vfy_rules_engine_free(e);
}

/* An expired set loads in test mode but never applies; the summary prints its closed
 * interval and the uncertain rule with its note. */
Test(cov2_rload_engine, expired_set_is_listed_not_applied)
{
    static const char expired[] =
        "{\"format\":\"vfy-rules/1\",\"id\":\"OLD\",\"version\":\"2\",\"status\":\"expired\",\"layer\":\"base_procedure\","
        BASIS SCOPE "\"effective\":{\"from\":\"2010-01-01\",\"to\":\"2030-01-01\"},\"rules\":[{\"id\":\"r1\","
        "\"dimension\":\"fee\",\"legal_ref\":\"Art. 1\",\"anchor\":\"lodging\",\"confidence\":\"S\",\"note\":\"why\","
        "\"fee\":{\"amount_cents\":100,\"modality\":\"charged\"}}]}";
    vfy_rules_builder *b;
    vfy_detail d;
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_TEST, NULL, &b), VFY_OK);
    cr_assert_eq(vfy_rules_builder_add(b, expired, sizeof expired - 1, "old.json", &d), VFY_OK, "%s", d.message);
    vfy_rules_engine *e;
    cr_assert_eq(vfy_rules_build(b, &e, &d), VFY_OK);
    char *sum = vfy_rules_engine_summary(e);
    cr_assert_not_null(sum);
    cr_assert(strstr(sum, "  status expired, layer base_procedure, effective [2010-01-01, 2030-01-01)\n") != NULL, "%s", sum);
    cr_assert(strstr(sum, "  uncertain legal text:\n    r1 [S]: why\n") != NULL, "%s", sum);
    free(sum);

    static const char case_json[] = "{\"traveller\":{\"nationality\":\"UTO\",\"birth_date\":\"1974-08-12\"},\"application\":{\"dates\":{\"lodging\":\"2025-06-10\"},\"destination\":\"DEU\"}}";
    vfy_rules_case *c;
    cr_assert_eq(vfy_rules_case_parse(case_json, sizeof case_json - 1, &c, &d), VFY_OK, "%s", d.message);
    vfy_rules_decision *dec;
    cr_assert_eq(vfy_rules_evaluate(e, c, NULL, &dec, &d), VFY_OK, "%s", d.message);
    vfy_rules_outcome o;
    cr_assert_eq(vfy_rules_decision_outcome(dec, VFY_RULES_DIM_FEE, &o), VFY_OK);
    /* The expired set's fee rule did not win: no rule decides, an officer does. */
    cr_assert_null(o.winner_rule);
    cr_assert_eq(o.modality, VFY_MODALITY_OFFICER_REVIEW);
    cr_assert_eq(vfy_rules_decision_outcome(dec, (vfy_rules_dimension)VFY_RULES_DIM_COUNT, &o), VFY_E_INVALID_ARGUMENT);
    vfy_rules_step st;
    cr_assert_eq(vfy_rules_decision_step(dec, (vfy_rules_dimension)VFY_RULES_DIM_COUNT, 0, &st), VFY_E_INVALID_ARGUMENT);
    vfy_rules_decision_free(dec);

    vfy_rules_workspace *w;
    cr_assert_eq(vfy_rules_workspace_new(e, &w), VFY_OK);
    vfy_rules_trail_entry te;
    cr_assert_eq(vfy_rules_workspace_step(w, (vfy_rules_dimension)VFY_RULES_DIM_COUNT, 0, &te), VFY_E_INVALID_ARGUMENT);
    vfy_rules_workspace_free(w);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
}

/* A time whose year gmtime cannot represent gives no header (never a wrong date). */
Test(cov2_rload_engine, batch_header_refuses_an_unrepresentable_time)
{
    vfy_rules_builder *b;
    vfy_detail d;
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_TEST, NULL, &b), VFY_OK);
    cr_assert_eq(vfy_rules_builder_add(b, set_a, strlen(set_a), "a.json", &d), VFY_OK, "%s", d.message);
    vfy_rules_engine *e;
    cr_assert_eq(vfy_rules_build(b, &e, &d), VFY_OK);
    cr_assert_null(vfy_rules_batch_header_json(e, (time_t)INT64_MAX));
    char *h = vfy_rules_batch_header_json(e, 0);
    cr_assert_not_null(h);
    cr_assert(strstr(h, "\"time\":\"1970-01-01T00:00:00Z\"") != NULL, "%s", h);
    free(h);
    vfy_rules_engine_free(e);
}

/* ---- case.c and the tape loader ------------------------------------------------------ */

static vfy_status parse_case(const char *json, size_t len, vfy_detail *d)
{
    vfy_rules_case *c = NULL;
    vfy_detail_clear(d);
    vfy_status s = vfy_rules_case_parse(json, len, &c, d);
    if (s != VFY_OK)
        cr_assert_null(c);
    vfy_rules_case_free(c);
    return s;
}

Test(cov2_rload_case, malformed_cases_name_their_path)
{
    const struct refusal r[] = {
        { "{\"traveller\":1}", VFY_E_CASE_PARSE, "$.traveller", "an object is required here" },
        { "{\"application\":{\"dates\":{\"intended_entry\":\"2025-05-10\",\"intended_exit\":\"2025-05-01\"}}}",
          VFY_E_CASE_PARSE, "$.application.dates", "intended_exit is before intended_entry" },
        { "{\"visa_history\":[1]}", VFY_E_CASE_PARSE, "$.visa_history[0]", "an object is required here" },
        { "{\"visa_history\":{}}", VFY_E_CASE_PARSE, "$.visa_history", "an array of at most 64 entries is required" },
        { "{\"application\":{\"claims\":[{\"category\":5}]}}", VFY_E_CASE_PARSE, "$.application.claims[0].category",
          "a string is required" },
        { "{\"application\":{\"claims\":[{\"category\":\"abcdefghijklmnopqrstuvwxyz0123456\"}]}}", VFY_E_CASE_PARSE,
          "$.application.claims[0].category", "the string must have 1 to 32 bytes" },
        { "{\"application\":{\"claims\":[{\"category\":\"student\",\"evidence\":\"x\"}]}}", VFY_E_CASE_PARSE,
          "$.application.claims[0].evidence", "an array of at most 32 strings is required" },
        { "{\"traveller\":{\"document\":{\"type\":\"passport\"}}}", VFY_E_CASE_PARSE, "$.traveller.document.type",
          "one of ordinary, diplomatic, service, official is required" },
    };
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        vfy_detail d;
        vfy_status s = parse_case(r[i].json, strlen(r[i].json), &d);
        cr_assert_eq(s, r[i].status, "[%zu] %s: %s (%s)", i, r[i].json, vfy_status_name(s), d.message);
        cr_assert_str_eq(d.field, r[i].field, "[%zu] %s", i, d.message);
        cr_assert(strstr(d.message, r[i].words) != NULL, "[%zu] '%s' lacks '%s'", i, d.message, r[i].words);
    }
    /* A claim without evidence is a claim with none. */
    vfy_detail d;
    const char ok[] = "{\"application\":{\"claims\":[{\"category\":\"student\"}]}}";
    cr_assert_eq(parse_case(ok, sizeof ok - 1, &d), VFY_OK, "%s", d.message);
}

Test(cov2_rload_case, nul_bytes_and_size)
{
    vfy_detail d;
    const char nul[] = "{\"case_id\":\"A\0\"}";
    cr_assert_eq(parse_case(nul, sizeof nul - 1, &d), VFY_E_CASE_PARSE);
    cr_assert(strstr(d.message, "the case contains a NUL byte") != NULL, "%s", d.message);
    /* One byte over VFY_RULES_MAX_CASE: refused before it is read. */
    size_t n = VFY_RULES_MAX_CASE + 1;
    char *big = malloc(n);
    cr_assert_not_null(big);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    cr_assert_eq(parse_case(big, n, &d), VFY_E_LIMIT);
    char want[128];
    snprintf(want, sizeof want, "the case is %zu bytes; at most %u are accepted", n, VFY_RULES_MAX_CASE);
    cr_assert_str_eq(d.message, want);
    free(big);
}

/* A case filled by the setters from an MRZ, as a border application does. */
static vfy_mrz passport_mrz(const char *code, const char *nationality)
{
    vfy_mrz m;
    memset(&m, 0, sizeof m);
    snprintf(m.document_code, sizeof m.document_code, "%s", code);
    snprintf(m.nationality, sizeof m.nationality, "%s", nationality);
    snprintf(m.issuing_state, sizeof m.issuing_state, "%s", "D");
    m.birth_date = (vfy_date){ 1974, 8, 12 };
    m.expiry_date = (vfy_date){ 2034, 4, 15 };
    m.valid = true;
    return m;
}

static json_t *decide(vfy_rules_engine *e, vfy_rules_case *c)
{
    vfy_rules_decision *dec;
    vfy_detail d;
    vfy_rules_eval_options opt = { .include_pii = true };
    cr_assert_eq(vfy_rules_evaluate(e, c, &opt, &dec, &d), VFY_OK, "%s", d.message);
    char *text = vfy_rules_decision_json(dec, 0);
    cr_assert_not_null(text);
    json_t *root = json_loads(text, 0, NULL);
    cr_assert_not_null(root);
    free(text);
    vfy_rules_decision_free(dec);
    return root;
}

Test(cov2_rload_case, setters_from_an_mrz)
{
    vfy_rules_case *c;
    cr_assert_eq(vfy_rules_case_new(&c), VFY_OK);
    vfy_detail d;
    /* Service and official passports (9303-4: PS, PO) are typed; a visa (V) is not a
     * passport, and an unknown second letter has no agreed type. */
    vfy_mrz m = passport_mrz("PS", "D");
    cr_assert_eq(vfy_rules_case_set_traveller_from_mrz(c, &m, &d), VFY_OK, "%s", d.message);
    m = passport_mrz("PO", "UTO");
    cr_assert_eq(vfy_rules_case_set_traveller_from_mrz(c, &m, &d), VFY_OK, "%s", d.message);
    m = passport_mrz("V", "UTO");
    cr_assert_eq(vfy_rules_case_set_traveller_from_mrz(c, &m, &d), VFY_E_UNSUPPORTED);
    cr_assert_str_eq(d.field, "document_code");
    m = passport_mrz("PX", "UTO");
    cr_assert_eq(vfy_rules_case_set_traveller_from_mrz(c, &m, &d), VFY_E_UNSUPPORTED);
    cr_assert(strstr(d.message, "document code 'PX' has no agreed passport type") != NULL, "%s", d.message);
    m = passport_mrz("P", "QQQ");
    cr_assert_eq(vfy_rules_case_set_traveller_from_mrz(c, &m, &d), VFY_E_MRZ_FIELD);
    cr_assert_str_eq(d.field, "nationality");
    cr_assert(strstr(d.message, "'QQQ' is not a code of ICAO Doc 9303-3") != NULL, "%s", d.message);

    /* The setters' refusals: an impossible date, an anchor out of range, a time beyond
     * 2199. */
    cr_assert_eq(vfy_rules_case_set_date(c, VFY_ANCHOR_LODGING, (vfy_date){ 2025, 2, 30 }), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_rules_case_set_date(c, (vfy_rules_anchor)VFY_ANCHOR_COUNT, (vfy_date){ 2025, 2, 3 }),
                 VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_rules_case_set_document_issue_date(c, (vfy_date){ 2025, 13, 1 }), VFY_E_INVALID_ARGUMENT);
    bool was_set = true;
    /* 2200-01-01T00:00:00Z */
    cr_assert_eq(vfy_rules_case_set_border_crossing_if_missing(c, (time_t)7258118400LL, &was_set), VFY_E_INVALID_ARGUMENT);
    cr_assert(!was_set);

    /* The last MRZ accepted (PO of UTO) is the traveller's: an official passport. */
    cr_assert_eq(vfy_rules_case_set_date(c, VFY_ANCHOR_LODGING, (vfy_date){ 2025, 6, 10 }), VFY_OK);
    cr_assert_eq(vfy_rules_case_set_document_issue_date(c, (vfy_date){ 2024, 4, 16 }), VFY_OK);
    vfy_rules_case_set_biometric(c, true);
    vfy_rules_case_set_biometric(NULL, true); /* documented as harmless */

    /* An engine with one rule that applies only to biometric official passports of UTO:
     * the setters' values decide it. */
    static const char set[] = HEAD "\"rules\":[{" RULE_BASE("r1", "fee")
        ",\"when\":{\"document_types\":[\"official\"],\"biometric\":true,\"nationalities\":[\"UTO\"]},"
        "\"fee\":{\"amount_cents\":4200,\"modality\":\"charged\"}}]}";
    vfy_rules_builder *b;
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_TEST, NULL, &b), VFY_OK);
    cr_assert_eq(vfy_rules_builder_add(b, set, sizeof set - 1, "set", &d), VFY_OK, "%s", d.message);
    vfy_rules_engine *e;
    cr_assert_eq(vfy_rules_build(b, &e, &d), VFY_OK);
    json_t *root = decide(e, c);
    cr_assert_str_eq(rules_result(root, "fee", "r1"), "won");
    /* Each condition held on the values set: type, biometric flag, nationality. */
    json_t *preds = json_object_get(rules_step(root, "fee", "r1"), "predicates");
    cr_assert_eq(json_array_size(preds), 3);
    for (size_t i = 0; i < 3; i++)
        cr_assert(json_is_true(json_object_get(json_array_get(preds, i), "held")), "predicate %zu", i);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(preds, 0), "test")), "document type official");
    /* No visa rule: the fee is provisional, EUR 42 from 4200 cents. */
    cr_assert_eq(json_integer_value(json_object_get(rules_dim(root, "fee"), "provisional")), 42);
    json_decref(root);

    /* A service passport (PS) does not meet the rule. */
    m = passport_mrz("PS", "UTO");
    cr_assert_eq(vfy_rules_case_set_traveller_from_mrz(c, &m, &d), VFY_OK);
    root = decide(e, c);
    cr_assert_str_neq(rules_result(root, "fee", "r1"), "won");
    json_decref(root);
    vfy_rules_engine_free(e);
    vfy_rules_case_free(c);
}

/* ---- signature.c: keys ------------------------------------------------------------- */

Test(cov2_rload_sign, keygen_refuses_an_empty_publisher)
{
    char *secret = NULL, *pub = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_keygen("", &secret, &pub, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_str_eq(d.field, "publisher");
    cr_assert_null(secret);
    cr_assert_null(pub);
}

/* A key file whose key_id is another key's: signing refuses it, naming the member. */
Test(cov2_rload_sign, key_id_must_match_the_secret)
{
    char *sa, *pa, *sb, *pb;
    vfy_detail d;
    cr_assert_eq(vfy_rules_keygen("A", &sa, &pa, &d), VFY_OK);
    cr_assert_eq(vfy_rules_keygen("B", &sb, &pb, &d), VFY_OK);
    json_t *kb = json_loads(pb, 0, NULL);
    cr_assert_not_null(kb);
    const char *kid_b = json_string_value(json_object_get(kb, "key_id"));
    cr_assert_eq(strlen(kid_b), 32u);
    /* A's secret document with B's key_id in place of A's (same length). */
    size_t n = strlen(sa);
    char *forged = malloc(n + 1);
    cr_assert_not_null(forged);
    memcpy(forged, sa, n + 1);
    char *at = strstr(forged, "\"key_id\": \"");
    cr_assert_not_null(at);
    memcpy(at + strlen("\"key_id\": \""), kid_b, 32);
    char *out = NULL;
    size_t out_len = 0;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_sign(set_a, strlen(set_a), forged, n, &out, &out_len, &d), VFY_E_CONFIG);
    cr_assert_str_eq(d.field, "key_id");
    cr_assert_str_eq(d.message, "the key file's key_id does not match its key");
    cr_assert_null(out);
    /* Unchanged, the same file signs. */
    cr_assert_eq(vfy_rules_sign(set_a, strlen(set_a), sa, strlen(sa), &out, &out_len, &d), VFY_OK, "%s", d.message);
    vfy_free(out);
    memset(forged, 0, n);
    free(forged);
    json_decref(kb);
    vfy_free_secret(sa);
    vfy_free_secret(sb);
    vfy_free(pa);
    vfy_free(pb);
}

Test(cov2_rload_sign, trust_file_keys_member)
{
    const struct {
        const char *json;
        const char *field;
    } r[] = {
        { "{\"keys\":[]}", "$.keys" },
        { "{\"keys\":{}}", "$.keys" },
    };
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        vfy_rules_trust *t = NULL;
        vfy_detail d;
        vfy_detail_clear(&d);
        cr_assert_eq(vfy_rules_trust_load(r[i].json, strlen(r[i].json), &t, &d), VFY_E_TRUST_STORE);
        cr_assert_str_eq(d.field, r[i].field);
        cr_assert(strstr(d.message, "an array of 1 to 64 public keys is required") != NULL, "%s", d.message);
        cr_assert_null(t);
    }
}

/* The library's own checks of a NULL it is handed anyway (a caller without the
 * headers' nonnull promise, include/verify/common.h): VFY_E_INVALID_ARGUMENT, never a
 * crash. The tests are built with VFY_BUILDING, so these calls compile as a caller's
 * without the attribute would. */
Test(cov2_rload_engine, null_arguments_are_refused)
{
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_case_new(NULL), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_rules_case_parse("{}", 2, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_str_eq(d.field, "case");
    vfy_rules_case *c = (vfy_rules_case *)&c;
    cr_assert_eq(vfy_rules_case_parse(NULL, 5, &c, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_str_eq(d.message, "no case data was given");
    cr_assert_null(c);
    vfy_mrz m = passport_mrz("P", "UTO");
    cr_assert_eq(vfy_rules_case_set_traveller_from_mrz(NULL, &m, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_str_eq(d.field, "mrz");

    cr_assert_eq(vfy_rules_builder_allow_development_key(NULL), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_rules_builder_add(NULL, set_a, strlen(set_a), "a", &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_str_eq(d.field, "builder");
    vfy_rules_engine *e = NULL;
    cr_assert_eq(vfy_rules_build(NULL, &e, &d), VFY_E_INVALID_ARGUMENT);
    vfy_rules_builder *b;
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_TEST, NULL, &b), VFY_OK);
    cr_assert_eq(vfy_rules_builder_add(b, NULL, 5, "a", &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_str_eq(d.message, "no rule set data was given");
    cr_assert_eq(vfy_rules_builder_add(b, set_a, strlen(set_a), "a", &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_rules_build(b, &e, &d), VFY_OK);

    vfy_rules_decision *dec = NULL;
    cr_assert_eq(vfy_rules_evaluate(e, NULL, NULL, &dec, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_str_eq(d.field, "evaluate");
    cr_assert_eq(vfy_rules_workspace_write(NULL, 0, NULL, stdout), VFY_E_INVALID_ARGUMENT);
    vfy_rules_engine_free(e);

    cr_assert_eq(vfy_rules_trust_load("{}", 2, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_str_eq(d.field, "trust");
    size_t n;
    cr_assert_eq(vfy_rules_sign(set_a, strlen(set_a), "{}", 2, NULL, &n, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_str_eq(d.field, "output");
}
