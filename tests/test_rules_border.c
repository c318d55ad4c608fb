/*
 * Border-check mode (issue 11): a case with application.dates.border_crossing and no
 * lodging date is decided at the border. The visa requirement is read at the crossing,
 * the Schengen Borders Code (Regulation (EU) 2016/399) Art. 6(1)(a) document
 * conditions and 6(1)(b) visa condition are checked, and what a consulate decides
 * (fee, deadline, entries, validity, evidence) does not arise. Expected results are
 * read from Art. 6 (shared/domain/visa-lists.md section 2) and the BY VFA, not from the
 * engine. At a kiosk, vfy read fills the crossing date with the inspection time.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"
#include "test_rules_support.h"

static json_t *val(json_t *r, const char *d) { return json_object_get(rules_dim(r, d), "value"); }

static void consular_dimensions_not_applicable(json_t *r)
{
    const char *dims[] = { "fee", "service_fee_cap", "deadline", "entries", "validity", "evidence" };
    for (size_t i = 0; i < 6; i++) {
        cr_assert_str_eq(rules_modality(r, dims[i]), "not_applicable", "%s", dims[i]);
        const char *why = json_string_value(json_object_get(rules_dim(r, dims[i]), "reason"));
        cr_assert(why != NULL && strstr(why, "border check") != NULL, "%s: %s", dims[i], why);
    }
}

/* The Belarusian holder of a biometric diplomatic passport is exempt (BY VFA, [S]) and
 * the exemption is read at the crossing date (before: visa_needed null for everyone
 * at the border, issue 11 point 4). The document conditions still apply (Art. 6(1)
 * covers every third-country national): passport issued 2020-03-01, valid to
 * 2030-02-28, exit 2026-02-10: both hold. */
Test(rules_border, belarusian_biometric_diplomat_is_exempt_at_the_crossing)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "bc-blr-diplomatic-biometric");
    cr_assert(json_is_false(val(r, "visa_needed")));
    cr_assert_str_eq(rules_modality(r, "visa_needed"), "entitled");
    json_t *st = rules_step(r, "visa_needed", "by-diplomatic-biometric-exempt");
    cr_assert_str_eq(json_string_value(json_object_get(st, "result")), "won");
    cr_assert_str_eq(json_string_value(json_object_get(st, "anchor")), "border_crossing");
    cr_assert_str_eq(json_string_value(json_object_get(st, "anchor_date")), "2026-02-01");
    cr_assert(json_is_true(val(r, "admissible")));
    cr_assert_str_eq(rules_modality(r, "admissible"), "entitled");
    cr_assert_str_eq(rules_result(r, "admissible", "sbc-6-1-b-visa-held"), "not_applicable");
    cr_assert_str_eq(rules_result(r, "admissible", "vc-12-b-blank-pages"), "", "Visa Code checks are not border checks");
    consular_dimensions_not_applicable(r);
    json_decref(r);
    r = rules_cli(VFY_RULES_PRODUCTION, NULL, "bc-blr-diplomatic-biometric");
    cr_assert(json_is_false(val(r, "visa_needed")));
    json_decref(r);
}

/* A Kazakh national (Annex I) with a visa valid 2026-01-25..2026-02-25, crossing on
 * 2026-02-01: Art. 6(1)(a) and (b) hold. */
Test(rules_border, annex_i_national_with_a_valid_visa)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "bc-kaz-visa-held");
    cr_assert(json_is_true(val(r, "visa_needed")));
    cr_assert_str_eq(rules_modality(r, "visa_needed"), "shall");
    cr_assert(json_is_true(val(r, "admissible")));
    cr_assert_str_eq(rules_result(r, "admissible", "sbc-6-1-b-visa-held"), "passed");
    consular_dimensions_not_applicable(r);
    json_decref(r);
}

/* No visa: Art. 6(1)(b) fails; entry is refused unless a visa is issued at the border
 * (6(5)(b)) or the Member State admits on 6(5)(c) grounds: false, "may". */
Test(rules_border, annex_i_national_without_a_visa)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "bc-kaz-no-visa");
    cr_assert(json_is_false(val(r, "admissible")));
    cr_assert_str_eq(rules_modality(r, "admissible"), "may");
    cr_assert_str_eq(rules_result(r, "admissible", "sbc-6-1-b-visa-held"), "failed");
    json_decref(r);
}

/* A passport issued 2015-01-10, crossing 2026-02-01: not "issued within the previous
 * 10 years" (6(1)(a)(ii)); the kiosk must not pass it (issue 11 point 3). */
Test(rules_border, passport_issued_eleven_years_before)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "bc-kaz-passport-issued-11-years-before");
    cr_assert(json_is_false(val(r, "admissible")));
    cr_assert_str_neq(rules_modality(r, "admissible"), "entitled");
    cr_assert_str_eq(rules_result(r, "admissible", "sbc-6-1-a-issued-within-10-years"), "failed");
    json_decref(r);
}

/* Expired 2025-11-30: not valid 3 months after the exit 2026-02-10 (6(1)(a)(i)). */
Test(rules_border, expired_passport)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "bc-kaz-expired-passport");
    cr_assert(json_is_false(val(r, "admissible")));
    cr_assert_str_eq(rules_result(r, "admissible", "sbc-6-1-a-three-months-after-departure"), "failed");
    json_decref(r);
}

/* Unknown exit date or visa history: nothing is entitled, the missing input is named. */
Test(rules_border, missing_inputs_fail_closed)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "bc-kaz-no-exit-date");
    cr_assert(json_is_null(val(r, "admissible")));
    cr_assert_str_eq(rules_modality(r, "admissible"), "officer_review");
    size_t i;
    json_t *v;
    bool named = false;
    json_array_foreach(json_object_get(rules_dim(r, "admissible"), "missing"), i, v)
        named |= strcmp(json_string_value(v), "application.dates.intended_exit") == 0;
    cr_assert(named);
    json_decref(r);
    r = rules_api(VFY_RULES_PRODUCTION, NULL, "bc-kaz-history-not-given");
    cr_assert_str_eq(rules_modality(r, "admissible"), "officer_review");
    json_decref(r);
}

/* At a consulate the Borders Code conditions use the intended entry date. */
Test(rules_border, consulate_reads_the_borders_code_at_the_intended_entry)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "e09-issued-2015-12-09");
    json_t *st = rules_step(r, "admissible", "sbc-6-1-a-issued-within-10-years");
    cr_assert_str_eq(json_string_value(json_object_get(st, "anchor")), "intended_entry");
    cr_assert_str_eq(json_string_value(json_object_get(st, "result")), "failed");
    cr_assert_str_eq(rules_result(r, "admissible", "sbc-6-1-b-visa-held"), "not_applicable");
    json_decref(r);
}

Test(rules_border, set_border_crossing_if_missing)
{
    vfy_rules_case *c;
    cr_assert_eq(vfy_rules_case_new(&c), VFY_OK);
    bool set = false;
    /* 2026-02-01T23:59:59Z */
    cr_assert_eq(vfy_rules_case_set_border_crossing_if_missing(c, (time_t)1769990399, &set), VFY_OK);
    cr_assert(set);
    cr_assert_eq(vfy_rules_case_set_border_crossing_if_missing(c, (time_t)1800000000, &set), VFY_OK);
    cr_assert_not(set, "a crossing date the case gives is kept");
    cr_assert_eq(vfy_rules_case_set_border_crossing_if_missing(NULL, 0, &set), VFY_E_INVALID_ARGUMENT);
    vfy_rules_case_free(c);
    /* The date it set is the UTC date of the time given. */
    vfy_rules_engine *e = rules_engine(VFY_RULES_PRODUCTION, NULL);
    const char *text = "{\"traveller\":{\"nationality\":\"KAZ\"}}";
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_case_parse(text, strlen(text), &c, &d), VFY_OK);
    cr_assert_eq(vfy_rules_case_set_border_crossing_if_missing(c, (time_t)1769990399, &set), VFY_OK);
    vfy_rules_decision *dec;
    cr_assert_eq(vfy_rules_evaluate(e, c, NULL, &dec, &d), VFY_OK, "%s", d.message);
    char *json = vfy_rules_decision_json(dec, 0);
    cr_assert_not_null(strstr(json, "\"anchor\":\"border_crossing\",\"anchor_date\":\"2026-02-01\""), "%.400s", json);
    free(json);
    vfy_rules_decision_free(dec);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
}

/* vfy read at a kiosk: the case has neither lodging nor crossing date; the inspection
 * fills the crossing with its own time, so the decision is a border check dated today. */
Test(rules_border, kiosk_read_fills_the_crossing_with_the_inspection_time, .timeout = 60)
{
    char cmd[8192], root[2048];
    repo_path("", root, sizeof root);
    snprintf(cmd, sizeof cmd,
             "cd %s && %s read --reader sim --mrz 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' "
             "'L898902C36UTO7408122F3404159ZE184226B<<<<<16' --json "
             "--case tests/data/rules/cases/bc-kiosk-no-dates.json --rules data/rules "
             "--rules-trust " RULES_DEV_PUB " --allow-development-key 2>/dev/null",
             root, vfy_bin());
    time_t before = time(NULL);
    char *out = NULL;
    run_capture(cmd, &out);
    time_t after = time(NULL);
    json_t *o = json_loads(out, 0, NULL);
    cr_assert_not_null(o, "%.300s", out);
    free(out);
    json_t *e = json_object_get(o, "eligibility");
    cr_assert_not_null(e);
    json_t *fee = json_object_get(json_object_get(e, "decision"), "fee");
    cr_assert_str_eq(json_string_value(json_object_get(fee, "modality")), "not_applicable");
    cr_assert_not_null(strstr(json_string_value(json_object_get(fee, "reason")), "border check"));
    char today[2][11];
    struct tm tm;
    gmtime_r(&before, &tm);
    strftime(today[0], sizeof today[0], "%Y-%m-%d", &tm);
    gmtime_r(&after, &tm);
    strftime(today[1], sizeof today[1], "%Y-%m-%d", &tm);
    json_t *st = rules_step(e, "admissible", "sbc-6-1-a-issued-within-10-years");
    cr_assert_not_null(st);
    const char *at = json_string_value(json_object_get(st, "anchor_date"));
    cr_assert(at != NULL && (strcmp(at, today[0]) == 0 || strcmp(at, today[1]) == 0), "%s", at);
    json_decref(o);
}
