/*
 * One coherent outcome (issue 11): entries, validity, fee and deadline are decided
 * from the same applicable rules, so that they cannot contradict, and applicability
 * comes first. Checked on every test case (tests/data/rules/cases, every rule set
 * loaded in test mode and the shipped sets in production mode), and on cases derived
 * by hand from the EU-Armenia VFA and the Visa Code.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "test_rules_support.h"

static const char *const all_extra[] = { RULES_UTO_OVERLAY, RULES_DEU_BILATERAL, NULL };

static json_t *dim(json_t *r, const char *d) { return rules_dim(r, d); }
static const char *mod(json_t *r, const char *d) { return json_string_value(json_object_get(dim(r, d), "modality")); }
static json_t *val(json_t *r, const char *d) { return json_object_get(dim(r, d), "value"); }

static const char *winner(json_t *r, const char *d)
{
    size_t i;
    json_t *st;
    json_array_foreach(json_object_get(dim(r, d), "trail"), i, st) {
        const char *res = json_string_value(json_object_get(st, "result"));
        if (res != NULL && strcmp(res, "won") == 0)
            return json_string_value(json_object_get(st, "rule"));
    }
    return "";
}

/* The coherence rules, for one decision and its case. */
static void check_coherent(json_t *r, json_t *c, const char *name)
{
    static const char *const visa_dims[] = { "admissible", "fee", "service_fee_cap", "deadline",
                                             "entries", "validity", "evidence" };
    /* Entries and validity are one grant: decided together or both left to an officer
     * (their modalities may differ only by a discretion on the validity, such as the
     * grace period a Member State may withhold, VC 24(1)). */
    cr_assert_eq(strcmp(mod(r, "entries"), "officer_review") == 0, strcmp(mod(r, "validity"), "officer_review") == 0,
                 "%s: entries %s, validity %s", name, mod(r, "entries"), mod(r, "validity"));
    cr_assert_str_eq(winner(r, "entries"), winner(r, "validity"), "%s: entries and validity won by different rules", name);
    const char *entries = json_string_value(val(r, "entries"));
    json_t *validity = val(r, "validity");
    if (entries != NULL) {
        cr_assert(json_is_object(validity), "%s: entries without validity", name);
        json_t *months = json_object_get(validity, "months");
        if (strcmp(entries, "single") == 0)
            cr_assert(json_is_null(months), "%s: a single-entry visa with months of validity", name);
        else
            cr_assert(json_is_integer(months), "%s: a multiple-entry visa without months", name);
        /* The visa covers the intended stay. */
        const char *ends = json_string_value(json_object_get(validity, "ends"));
        const char *exit = json_string_value(json_object_get(
            json_object_get(json_object_get(c, "application"), "dates"), "intended_exit"));
        if (ends != NULL && exit != NULL)
            cr_assert(strcmp(ends, exit) >= 0, "%s: validity ends %s before the intended exit %s", name, ends, exit);
    } else {
        cr_assert(json_is_null(validity), "%s: validity without entries", name);
    }
    /* An inadmissible application decides nothing else, and its fee is refunded. */
    if (json_is_false(val(r, "admissible")) && strcmp(mod(r, "admissible"), "shall") == 0) {
        for (size_t i = 1; i < 7; i++)
            cr_assert_str_eq(mod(r, visa_dims[i]), "not_applicable", "%s: %s of an inadmissible application", name, visa_dims[i]);
        cr_assert(json_is_true(json_object_get(dim(r, "fee"), "refund")), "%s", name);
    }
    /* Applicability first: no visa needed, no visa dimension (at a border the entry
     * conditions on the travel document still apply to every third-country national). */
    json_t *dates = json_object_get(json_object_get(c, "application"), "dates");
    bool border = json_object_get(dates, "lodging") == NULL && json_is_string(json_object_get(dates, "border_crossing"));
    if (json_is_false(val(r, "visa_needed")) && strcmp(mod(r, "visa_needed"), "officer_review") != 0)
        for (size_t i = border ? 1 : 0; i < 7; i++) {
            cr_assert_str_eq(mod(r, visa_dims[i]), "not_applicable", "%s: %s without a visa", name, visa_dims[i]);
            cr_assert_not_null(json_object_get(dim(r, visa_dims[i]), "reason"), "%s: %s gives no reason", name, visa_dims[i]);
        }
    /* An undecided visa requirement decides nothing after it (at the consulate): every
     * visa dimension may still become not_applicable, so none is a right, an obligation
     * or a discretion, and each says why. */
    if (!border && strcmp(mod(r, "visa_needed"), "officer_review") == 0)
        for (size_t i = 0; i < 7; i++) {
            const char *m = mod(r, visa_dims[i]);
            cr_assert(strcmp(m, "officer_review") == 0 || strcmp(m, "not_applicable") == 0,
                      "%s: %s is %s while the visa requirement is undecided", name, visa_dims[i], m);
        }
    /* The fee, its service-fee cap and the deadline belong to one application: they
     * arise together or not at all. */
    bool fee_na = strcmp(mod(r, "fee"), "not_applicable") == 0;
    cr_assert_eq(fee_na, strcmp(mod(r, "service_fee_cap"), "not_applicable") == 0, "%s", name);
    cr_assert_eq(fee_na, strcmp(mod(r, "deadline"), "not_applicable") == 0, "%s", name);
}

static void all_cases(vfy_rules_mode mode, const char *const *extra)
{
    vfy_rules_engine *e = rules_engine(mode, extra);
    char dir[4096];
    DIR *dp = opendir(repo_path("tests/data/rules/cases", dir, sizeof dir));
    cr_assert_not_null(dp);
    struct dirent *de;
    size_t n = 0;
    while ((de = readdir(dp)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        char name[256], rel[512], path[4096];
        snprintf(name, sizeof name, "%.*s", (int)(len - 5), de->d_name);
        snprintf(rel, sizeof rel, "tests/data/rules/cases/%s", de->d_name);
        json_t *c = json_load_file(repo_path(rel, path, sizeof path), 0, NULL);
        cr_assert_not_null(c, "%s", name);
        vfy_rules_case *rc = rules_case(name);
        vfy_rules_decision *dec = NULL;
        vfy_status s = vfy_rules_evaluate(e, rc, NULL, &dec, NULL);
        vfy_rules_case_free(rc);
        if (s == VFY_E_CASE_INCOMPLETE) {
            json_decref(c);
            continue;
        }
        cr_assert_eq(s, VFY_OK, "%s", name);
        char *text = vfy_rules_decision_json(dec, 0);
        json_t *r = json_loads(text, 0, NULL);
        free(text);
        check_coherent(r, c, name);
        json_decref(r);
        json_decref(c);
        vfy_rules_decision_free(dec);
        n++;
    }
    closedir(dp);
    vfy_rules_engine_free(e);
    cr_assert_geq(n, 30);
}

Test(rules_coherence, every_case_in_production_mode, .timeout = 60) { all_cases(VFY_RULES_PRODUCTION, NULL); }
Test(rules_coherence, every_case_in_test_mode_with_every_set, .timeout = 60) { all_cases(VFY_RULES_TEST, all_extra); }

/* EU-Armenia VFA Art. 5(1)(a): the MEV of a close relative visiting an Armenian who
 * resides legally in a Member State is limited to that residence right. Ended before
 * the application: the category does not hold, so the Art. 6(1) fee (EUR 35) applies,
 * and the visa is the Visa Code's single entry (Art. 24(1)) covering the stay to the
 * intended exit 2026-02-10, both dimensions from one rule; the 15 days of grace
 * (to 2026-02-25) are what the Member State may add (24(1), second subparagraph). */
Test(rules_coherence, armenian_spouse_right_ended_before_lodging)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "co-arm-spouse-right-ended");
    cr_assert_str_eq(json_string_value(val(r, "entries")), "single");
    cr_assert_str_eq(json_string_value(json_object_get(val(r, "validity"), "ends")), "2026-02-10");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(rules_alternative(r, "validity", "vc-24-1-grace-period"), "value"), "ends")), "2026-02-25");
    cr_assert_str_eq(winner(r, "entries"), "vc-24-1-single-entry");
    cr_assert_str_eq(winner(r, "validity"), "vc-24-1-single-entry");
    cr_assert_str_eq(rules_result(r, "entries", "am-5-1-mev-5-years"), "failed");
    cr_assert_eq(json_integer_value(val(r, "fee")), 35);
    cr_assert_str_eq(winner(r, "fee"), "am-6-1-fee");
    json_decref(r);
}

/* The right ends on 2026-02-05, during the stay 2026-02-01..10: the MEV capped at that
 * date would not cover the stay, so it is not issued as of right; the single-entry visa
 * of Art. 24(1) covers it. The category held when the stay began: the close-relative
 * fee exemption (Art. 6(3), [S]) still applies. */
Test(rules_coherence, armenian_spouse_right_ends_mid_trip)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "co-arm-spouse-right-ends-mid-trip");
    cr_assert_str_eq(json_string_value(val(r, "entries")), "single");
    cr_assert_str_eq(json_string_value(json_object_get(val(r, "validity"), "ends")), "2026-02-10");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(rules_alternative(r, "validity", "vc-24-1-grace-period"), "value"), "ends")), "2026-02-25");
    cr_assert_str_eq(rules_result(r, "validity", "am-5-1-mev-5-years"), "failed");
    cr_assert_eq(json_integer_value(val(r, "fee")), 0);
    json_decref(r);
    r = rules_cli(VFY_RULES_PRODUCTION, NULL, "co-arm-spouse-right-ends-mid-trip");
    cr_assert_str_eq(json_string_value(val(r, "entries")), "single");
    json_decref(r);
}
