/*
 * The worked examples E1 to E15 of the domain reference (shared/domain/
 * visa-facilitation.md, section 5), each through the C API and through
 * `vfy rules eval --json`, with the boundaries they name. Case files live in
 * tests/data/rules/cases; the rule sets are the signed ones shipped in data/rules.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "test_rules_support.h"

static const char *const uto[] = { RULES_UTO_OVERLAY, NULL };
static const char *const deu[] = { RULES_DEU_BILATERAL, NULL };

#define EXAMPLE(name, mode, extra, file, check)                     \
    Test(rules_examples_api, name)                                 \
    {                                                              \
        json_t *r = rules_api(mode, extra, file);                  \
        check(r);                                                  \
        json_decref(r);                                            \
    }                                                              \
    Test(rules_examples_cli, name)                                 \
    {                                                              \
        json_t *r = rules_cli(mode, extra, file);                  \
        check(r);                                                  \
        json_decref(r);                                            \
    }

static json_t *value(json_t *r, const char *dim) { return json_object_get(rules_dim(r, dim), "value"); }
static json_int_t ivalue(json_t *r, const char *dim)
{
    json_t *v = value(r, dim);
    cr_assert(json_is_integer(v), "%s value is not an integer", dim);
    return json_integer_value(v);
}
static json_int_t member_int(json_t *r, const char *dim, const char *key)
{
    json_t *v = json_object_get(value(r, dim), key);
    cr_assert(json_is_integer(v), "%s.%s is not an integer", dim, key);
    return json_integer_value(v);
}
static const char *member_str(json_t *r, const char *dim, const char *key)
{
    const char *s = json_string_value(json_object_get(value(r, dim), key));
    return s != NULL ? s : "(null)";
}
static void expect_modality(json_t *r, const char *dim, const char *m)
{
    cr_assert_str_eq(rules_modality(r, dim), m, "%s modality", dim);
}
static void expect_result(json_t *r, const char *dim, const char *rule, const char *result)
{
    cr_assert_str_eq(rules_result(r, dim, rule), result, "%s: rule %s", dim, rule);
}
static bool step_mentions(json_t *r, const char *dim, const char *rule, const char *text)
{
    json_t *st = rules_step(r, dim, rule);
    cr_assert_not_null(st, "no step for %s in %s", rule, dim);
    char *s = json_dumps(st, JSON_COMPACT);
    bool found = strstr(s, text) != NULL;
    free(s);
    return found;
}
static void expect_won_by(json_t *r, const char *dim, const char *set, const char *rule)
{
    json_t *st = rules_step(r, dim, rule);
    cr_assert_not_null(st, "%s: no step for %s", dim, rule);
    cr_assert_str_eq(json_string_value(json_object_get(st, "result")), "won", "%s: %s", dim, rule);
    cr_assert_str_eq(json_string_value(json_object_get(st, "ruleset")), set);
    cr_assert_eq(strlen(json_string_value(json_object_get(st, "digest"))), 64, "steps carry the set digest");
}

/* E1: adult tourist, plain Visa Code. */
static void e1(json_t *r)
{
    cr_assert(json_is_true(value(r, "visa_needed")));
    expect_won_by(r, "visa_needed", "EU-2018-1806", "annex-i-part-1");
    cr_assert(json_is_true(value(r, "admissible")));
    expect_modality(r, "admissible", "entitled");
    cr_assert_eq(ivalue(r, "fee"), 90);
    expect_modality(r, "fee", "shall"); /* VC 16(1): "Applicants shall pay a visa fee" */
    expect_won_by(r, "fee", "EU-VC-2024", "vc-16-1-standard");
    cr_assert_eq(member_int(r, "deadline", "days"), 15);
    cr_assert_eq(member_int(r, "deadline", "extendable_to"), 45);
    cr_assert_eq(member_int(r, "deadline", "consultation_days"), 7);
    cr_assert(json_is_null(json_object_get(value(r, "deadline"), "urgent_days")));
    cr_assert_str_eq(json_string_value(value(r, "entries")), "single");
    expect_modality(r, "entries", "entitled");
    /* VC 24(1): the validity covers the stay; the 15 days of grace are included unless
     * the Member State decides not to grant them: a discretion, shown as the alternative. */
    cr_assert_eq(member_int(r, "validity", "grace_days"), 0);
    cr_assert_str_eq(member_str(r, "validity", "ends"), "2026-02-10");
    expect_modality(r, "validity", "may");
    json_t *grace = rules_alternative(r, "validity", "vc-24-1-grace-period");
    cr_assert_not_null(grace);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(grace, "value"), "ends")), "2026-02-25");
    cr_assert(json_is_null(json_object_get(value(r, "validity"), "months")));
    cr_assert(json_is_null(json_object_get(value(r, "validity"), "until")));
    expect_result(r, "entries", "vc-24-2-a-mev-1-year", "failed");
    cr_assert_eq(ivalue(r, "service_fee_cap"), 45);
    cr_assert(json_is_false(json_object_get(r, "test_mode")));
    /* Production mode: the hypothetical KZ set was refused, and the decision says so. */
    json_t *rej = json_array_get(json_object_get(r, "rejected"), 0);
    json_t *why = json_object_get(rej, "error");
    cr_assert_str_eq(json_string_value(json_object_get(why, "schema")), "libverify.error/1");
    cr_assert_str_eq(json_string_value(json_object_get(why, "code")), "VFY_E_RULES_STATUS");
    cr_assert_eq(json_integer_value(json_object_get(why, "status")), VFY_E_RULES_STATUS);
    cr_assert_str_eq(json_string_value(json_object_get(why, "field")),
                     json_string_value(json_object_get(rej, "source")));
    /* ... and the decision with its refused set follows the published schema. */
    char root[512], path[] = "/tmp/vfy-rules-rejected-XXXXXX", cmd[2048], *err;
    repo_path("", root, sizeof root);
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(json_dumpfd(r, fd, JSON_COMPACT), 0);
    close(fd);
    snprintf(cmd, sizeof cmd, "python3 %s/tests/tools/validate_json.py %s/docs/schema/rules-decision.schema.json < %s 2>&1",
             root, root, path);
    int rc = run_capture(cmd, &err);
    unlink(path);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
}
EXAMPLE(e01_adult_tourist, VFY_RULES_PRODUCTION, NULL, "e01-adult-tourist", e1)

/* E2: the day before and the day of the 6th birthday. */
static void e2_five(json_t *r)
{
    cr_assert_eq(ivalue(r, "fee"), 0);
    expect_modality(r, "fee", "entitled");
    expect_won_by(r, "fee", "EU-VC-2024", "vc-16-4-a-under-6");
}
static void e2_six(json_t *r)
{
    cr_assert_eq(ivalue(r, "fee"), 45);
    expect_won_by(r, "fee", "EU-VC-2024", "vc-16-2-child-6-to-11");
    expect_result(r, "fee", "vc-16-4-a-under-6", "failed");
    json_t *alt = rules_alternative(r, "fee", "vc-16-5-a-children-6-to-17");
    cr_assert_not_null(alt, "the optional waiver (MS policy) is offered");
    cr_assert_eq(json_integer_value(json_object_get(alt, "value")), 0);
    expect_modality(r, "fee", "may");
}
EXAMPLE(e02_child_aged_5, VFY_RULES_PRODUCTION, NULL, "e02-child-aged-5", e2_five)
EXAMPLE(e02_child_6th_birthday, VFY_RULES_PRODUCTION, NULL, "e02-child-6th-birthday", e2_six)

/* E3: the day before and the day of the 12th birthday. */
static void e3_eleven(json_t *r)
{
    cr_assert_eq(ivalue(r, "fee"), 45);
    cr_assert_not_null(rules_alternative(r, "fee", "vc-16-5-a-children-6-to-17"));
}
static void e3_twelve(json_t *r)
{
    cr_assert_eq(ivalue(r, "fee"), 90);
    expect_result(r, "fee", "vc-16-2-child-6-to-11", "failed");
    cr_assert_not_null(rules_alternative(r, "fee", "vc-16-5-a-children-6-to-17"), "optional waiver until 18");
}
EXAMPLE(e03_child_aged_11, VFY_RULES_PRODUCTION, NULL, "e03-child-aged-11", e3_eleven)
EXAMPLE(e03_child_12th_birthday, VFY_RULES_PRODUCTION, NULL, "e03-child-12th-birthday", e3_twelve)

/* E4: a 25a(5)(a)+(b) overlay (hypothetical country UTO, test data). */
static void e4_adult(json_t *r)
{
    cr_assert_eq(ivalue(r, "fee"), 135);
    expect_won_by(r, "fee", "TEST-25A-UTO", "uto-16-2a-increased-fee");
    cr_assert(step_mentions(r, "fee", "uto-16-2a-increased-fee", "EU-VC-2024/vc-16-1-standard"),
              "the overlay's rule names the base rule it beat");
    expect_result(r, "deadline", "vc-23-1-deadline", "suspended");
    cr_assert(step_mentions(r, "deadline", "vc-23-1-deadline", "uto-25a-5-a"));
    cr_assert(json_is_null(value(r, "deadline")));
    expect_modality(r, "deadline", "officer_review");
    expect_result(r, "entries", "vc-24-2-a-mev-1-year", "suspended");
    cr_assert(json_is_true(json_object_get(r, "test_mode")));
}
static void e4_child(json_t *r)
{
    cr_assert_eq(ivalue(r, "fee"), 45, "the increased fee is never charged below 12");
    expect_result(r, "fee", "uto-16-2a-increased-fee", "failed");
    expect_result(r, "deadline", "vc-23-1-deadline", "suspended");
}
EXAMPLE(e04_overlay_adult, VFY_RULES_TEST, uto, "e04-uto-adult", e4_adult)
EXAMPLE(e04_overlay_child_10, VFY_RULES_TEST, uto, "e04-uto-child-10", e4_child)

/* E5: lodged the day before and the day of the 2024 fee change. */
static void e5_before(json_t *r)
{
    cr_assert_eq(ivalue(r, "fee"), 80);
    expect_won_by(r, "fee", "EU-VC-2020", "vc-16-1-standard");
    cr_assert_eq(ivalue(r, "service_fee_cap"), 40);
}
static void e5_on(json_t *r)
{
    cr_assert_eq(ivalue(r, "fee"), 90);
    expect_won_by(r, "fee", "EU-VC-2024", "vc-16-1-standard");
}
EXAMPLE(e05_lodged_2024_06_10, VFY_RULES_PRODUCTION, NULL, "e05-lodged-2024-06-10", e5_before)
EXAMPLE(e05_lodged_2024_06_11, VFY_RULES_PRODUCTION, NULL, "e05-lodged-2024-06-11", e5_on)

/* E6: Kazakh diplomatic passport; a (hypothetical, test data) German waiver. */
static void e6_common(json_t *r)
{
    cr_assert_eq(ivalue(r, "fee"), 90);
    json_t *alt = rules_alternative(r, "fee", "vc-16-5-b-diplomatic-service");
    cr_assert_not_null(alt);
    cr_assert_eq(json_integer_value(json_object_get(alt, "value")), 0);
    expect_modality(r, "fee", "may");
    json_t *waived = json_object_get(value(r, "evidence"), "waived");
    cr_assert_str_eq(json_string_value(json_array_get(waived, 0)), "travel_medical_insurance");
}
/* Exempt for DEU (a national measure under 2018/1806 Art. 6(1)(a)): there is no visa
 * application, so fee, deadline, entries and the rest do not arise (issue 11, point 5). */
static void e6_deu(json_t *r)
{
    cr_assert(json_is_false(value(r, "visa_needed")));
    expect_modality(r, "visa_needed", "entitled");
    expect_won_by(r, "visa_needed", "TEST-DEU-KAZ-DIPLOMATIC", "deu-kaz-diplomatic-exempt");
    expect_result(r, "visa_needed", "annex-i-part-1", "beaten");
    const char *dims[] = { "admissible", "fee", "service_fee_cap", "deadline", "entries", "validity", "evidence" };
    for (size_t i = 0; i < 7; i++) {
        expect_modality(r, dims[i], "not_applicable");
        cr_assert(json_is_null(value(r, dims[i])));
        const char *why = json_string_value(json_object_get(rules_dim(r, dims[i]), "reason"));
        cr_assert(why != NULL && strstr(why, "deu-kaz-diplomatic-exempt") != NULL, "%s: %s", dims[i], why);
    }
}
static void e6_fra(json_t *r)
{
    cr_assert(json_is_true(value(r, "visa_needed")), "the waiver holds for DEU only");
    e6_common(r);
}
EXAMPLE(e06_diplomatic_deu, VFY_RULES_TEST, deu, "e06-kaz-diplomatic-deu", e6_deu)
EXAMPLE(e06_diplomatic_fra, VFY_RULES_TEST, deu, "e06-kaz-diplomatic-fra", e6_fra)

/* E7: Armenian and Belarusian diplomatic passports. */
static void e7_arm(json_t *r)
{
    cr_assert(json_is_false(value(r, "visa_needed")));
    expect_won_by(r, "visa_needed", "EU-AM-VFA", "am-10-diplomatic-exempt");
    expect_modality(r, "fee", "not_applicable"); /* exempt: no fee arises */
}
static void e7_blr_plain(json_t *r)
{
    cr_assert(json_is_true(value(r, "visa_needed")));
    expect_result(r, "visa_needed", "by-diplomatic-biometric-exempt", "failed");
    cr_assert(step_mentions(r, "visa_needed", "by-diplomatic-biometric-exempt", "document biometric"));
}
static void e7_blr_bio(json_t *r)
{
    cr_assert(json_is_false(value(r, "visa_needed")));
    expect_won_by(r, "visa_needed", "EU-BY-VFA", "by-diplomatic-biometric-exempt");
}
EXAMPLE(e07_armenia_diplomatic, VFY_RULES_PRODUCTION, NULL, "e07-arm-diplomatic", e7_arm)
EXAMPLE(e07_belarus_non_biometric, VFY_RULES_PRODUCTION, NULL, "e07-blr-diplomatic-non-biometric", e7_blr_plain)
EXAMPLE(e07_belarus_biometric, VFY_RULES_PRODUCTION, NULL, "e07-blr-diplomatic-biometric", e7_blr_bio)

/* E8: expired passport: inadmissible, fee refunded, nothing else evaluated. */
static void e8(json_t *r)
{
    cr_assert(json_is_false(value(r, "admissible")));
    expect_modality(r, "admissible", "shall"); /* 19(3): the application shall be inadmissible */
    expect_result(r, "admissible", "vc-12-a-valid-at-lodging", "failed");
    expect_result(r, "admissible", "vc-12-a-three-months-after-exit", "failed");
    cr_assert(json_is_null(value(r, "fee")));
    cr_assert(json_is_true(json_object_get(rules_dim(r, "fee"), "refund")));
    const char *dims[] = { "fee", "deadline", "entries", "validity", "service_fee_cap", "evidence" };
    for (size_t i = 0; i < 6; i++)
        expect_modality(r, dims[i], "not_applicable");
    cr_assert(json_is_true(value(r, "visa_needed")));
}
EXAMPLE(e08_expired_passport, VFY_RULES_PRODUCTION, NULL, "e08-expired-2025-11-30", e8)

/* E9: exactly 10 years old passes, one day more fails: inadmissible unless the consulate
 * uses the Art. 19(4) derogation, a discretion ("may"; the domain reference's
 * officer_review predates the vocabulary that names it). */
static void e9_old(json_t *r)
{
    cr_assert(json_is_false(value(r, "admissible")));
    expect_modality(r, "admissible", "may");
    expect_result(r, "admissible", "vc-12-c-ten-years", "failed");
    cr_assert(step_mentions(r, "admissible", "vc-12-c-ten-years", "on or after 2015-12-10"));
}
/* Exactly 10 years at lodging: VC 12(c) holds (the domain reference's convention). But
 * the consulate also verifies the entry conditions (VC 21(1)): at the intended entry,
 * 2026-02-01, the passport is no longer "issued within the previous 10 years" (Borders
 * Code Art. 6(1)(a)(ii)), so entry would be refused unless admitted under 6(5)(c). */
static void e9_exact(json_t *r)
{
    expect_result(r, "admissible", "vc-12-c-ten-years", "passed");
    expect_result(r, "admissible", "sbc-6-1-a-issued-within-10-years", "failed");
    cr_assert(json_is_false(value(r, "admissible")));
    expect_modality(r, "admissible", "may");
}
EXAMPLE(e09_issued_10_years_and_1_day, VFY_RULES_PRODUCTION, NULL, "e09-issued-2015-12-09", e9_old)
EXAMPLE(e09_issued_exactly_10_years, VFY_RULES_PRODUCTION, NULL, "e09-issued-2015-12-10", e9_exact)

/* E10: 3 months after the intended exit, and its exact boundary. The requirement "may
 * be waived in a justified case of emergency" (Art. 12(a)) and 19(4) applies: "may". */
static void e10_short(json_t *r)
{
    cr_assert(json_is_false(value(r, "admissible")));
    expect_modality(r, "admissible", "may");
    expect_result(r, "admissible", "vc-12-a-three-months-after-exit", "failed");
    cr_assert(step_mentions(r, "admissible", "vc-12-a-three-months-after-exit", "2026-05-10"));
}
static void e10_exact(json_t *r)
{
    cr_assert(json_is_true(value(r, "admissible")));
    expect_result(r, "admissible", "vc-12-a-three-months-after-exit", "passed");
}
EXAMPLE(e10_expires_2026_04_15, VFY_RULES_PRODUCTION, NULL, "e10-expires-2026-04-15", e10_short)
EXAMPLE(e10_expires_day_before_3_months, VFY_RULES_PRODUCTION, NULL, "e10-expires-2026-05-09", e10_short)
EXAMPLE(e10_expires_exactly_3_months, VFY_RULES_PRODUCTION, NULL, "e10-expires-2026-05-10", e10_exact)

/* E11: three lawfully used visas: 1-year MEV capped at the passport expiry. */
static void e11(json_t *r)
{
    cr_assert_str_eq(json_string_value(value(r, "entries")), "multiple");
    expect_won_by(r, "entries", "EU-VC-2024", "vc-24-2-a-mev-1-year");
    expect_modality(r, "entries", "entitled");
    cr_assert_eq(member_int(r, "validity", "months"), 12);
    cr_assert_str_eq(member_str(r, "validity", "until"), "2026-09-30");
    cr_assert_str_eq(member_str(r, "validity", "capped_by"), "document_expiry");
    expect_modality(r, "validity", "entitled");
}
EXAMPLE(e11_cascade_one_year, VFY_RULES_PRODUCTION, NULL, "e11-business-three-lawful-visas", e11)

/* E12: one overstayed visa: no entitlement, the discretionary MEV is offered. */
static void e12(json_t *r)
{
    cr_assert_str_eq(json_string_value(value(r, "entries")), "single");
    expect_result(r, "entries", "vc-24-2-a-mev-1-year", "failed");
    cr_assert(step_mentions(r, "entries", "vc-24-2-a-mev-1-year", "visa_history[1] does not count: it was not lawfully used"));
    json_t *alt = rules_alternative(r, "entries", "vc-24-2c-discretionary-mev");
    cr_assert_not_null(alt);
    cr_assert_str_eq(json_string_value(json_object_get(alt, "value")), "multiple");
    expect_modality(r, "entries", "may");
}
EXAMPLE(e12_overstay_breaks_cascade, VFY_RULES_PRODUCTION, NULL, "e12-second-visa-overstayed", e12)

/* E13: a lawfully used 2-year MEV: 5-year MEV capped at the passport expiry. */
static void e13(json_t *r)
{
    cr_assert_str_eq(json_string_value(value(r, "entries")), "multiple");
    expect_won_by(r, "validity", "EU-VC-2024", "vc-24-2-c-mev-5-years");
    cr_assert_eq(member_int(r, "validity", "months"), 60);
    cr_assert_str_eq(member_str(r, "validity", "until"), "2028-06-30");
    expect_result(r, "validity", "vc-24-2-b-mev-2-years", "failed");
}
EXAMPLE(e13_cascade_five_years, VFY_RULES_PRODUCTION, NULL, "e13-two-year-mev-used", e13)

/* E14: two Armenian claims: the spouse's 5-year MEV cut at the residence permit. */
static void e14(json_t *r)
{
    expect_won_by(r, "validity", "EU-AM-VFA", "am-5-1-mev-5-years");
    cr_assert_str_eq(member_str(r, "validity", "until"), "2027-06-30");
    cr_assert_str_eq(member_str(r, "validity", "capped_by"), "status_end");
    expect_modality(r, "validity", "entitled");
    expect_result(r, "validity", "am-5-2-mev-1-year", "failed");
    cr_assert(step_mentions(r, "validity", "am-5-2-mev-1-year", "0 found"), "the business claim lacks a prior visa");
    expect_result(r, "validity", "vc-24-1-single-entry", "beaten");
    cr_assert_eq(ivalue(r, "fee"), 0);
    expect_won_by(r, "fee", "EU-AM-VFA", "am-6-3-exempt-categories");
    cr_assert_str_eq(json_string_value(json_object_get(rules_step(r, "fee", "am-6-3-exempt-categories"), "confidence")), "S");
    expect_result(r, "fee", "am-6-1-fee", "beaten");
    cr_assert_eq(member_int(r, "deadline", "days"), 10);
    cr_assert_eq(ivalue(r, "service_fee_cap"), 30);
}
EXAMPLE(e14_armenia_two_claims, VFY_RULES_PRODUCTION, NULL, "e14-arm-spouse-and-business", e14)

/* E15: the hypothetical KZ VFA: refused in production; in test mode its date decides. */
static void e15_prod(json_t *r)
{
    cr_assert_eq(ivalue(r, "fee"), 90);
    expect_won_by(r, "fee", "EU-VC-2024", "vc-16-1-standard");
    cr_assert_null(rules_step(r, "fee", "kz-6-1-fee"));
}
static void e15_test_before(json_t *r)
{
    cr_assert_eq(ivalue(r, "fee"), 90);
    cr_assert_str_eq(rules_result(r, "fee", "kz-6-1-fee"), "");
    cr_assert(json_is_true(json_object_get(r, "test_mode")));
}
static void e15_test_on(json_t *r)
{
    cr_assert_eq(ivalue(r, "fee"), 35);
    expect_won_by(r, "fee", "EU-KZ-VFA-HYPOTHETICAL", "kz-6-1-fee");
    cr_assert(json_is_true(json_object_get(r, "test_mode")));
    cr_assert_not_null(json_object_get(r, "warning"));
}
EXAMPLE(e15_production_before, VFY_RULES_PRODUCTION, NULL, "e15-kaz-lodged-2027-02-28", e15_prod)
EXAMPLE(e15_production_on, VFY_RULES_PRODUCTION, NULL, "e15-kaz-lodged-2027-03-01", e15_prod)
EXAMPLE(e15_test_mode_before, VFY_RULES_TEST, NULL, "e15-kaz-lodged-2027-02-28", e15_test_before)
EXAMPLE(e15_test_mode_on, VFY_RULES_TEST, NULL, "e15-kaz-lodged-2027-03-01", e15_test_on)

/* Belarus: Council Decision (EU) 2021/1940 switches off the officials' facilitations. */
static void by_suspended(json_t *r)
{
    cr_assert_eq(ivalue(r, "fee"), 35);
    expect_result(r, "fee", "by-6-3-a-b-officials-exempt", "suspended");
    cr_assert(step_mentions(r, "fee", "by-6-3-a-b-officials-exempt", "by-2021-1940-officials"));
}
EXAMPLE(belarus_partial_suspension, VFY_RULES_PRODUCTION, NULL, "by-official-delegation-suspended", by_suspended)
