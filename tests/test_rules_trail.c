/*
 * Trails a consular officer reads at a glance (issue 11 point 9): alternatives as one
 * "one of" step, values in words, the evidence each category needs whether claimed or
 * not, who set a rule aside, and a legend for the marks and modalities.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "test_rules_support.h"

static size_t count_prefix(json_t *preds, const char *prefix)
{
    size_t n = 0, i;
    json_t *p;
    json_array_foreach(preds, i, p)
        n += strncmp(json_string_value(json_object_get(p, "test")), prefix, strlen(prefix)) == 0;
    return n;
}

/* EU-AM-VFA 5(2) lists ten categories; the business claim fails for want of a prior
 * visa. Before: one "failed" line per unclaimed category. Now: one "one of" step. */
Test(rules_trail, alternatives_read_as_one_step)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "e14-arm-spouse-and-business");
    json_t *st = rules_step(r, "entries", "am-5-2-mev-1-year");
    cr_assert_not_null(st);
    json_t *preds = json_object_get(st, "predicates");
    cr_assert_eq(count_prefix(preds, "one of the categories"), 1);
    cr_assert_eq(count_prefix(preds, "category driver"), 0, "an unclaimed alternative is not a failed requirement");
    char *s = json_dumps(preds, 0);
    cr_assert_not_null(strstr(s, "business holds"), "%s", s);
    free(s);
    json_decref(r);
}

Test(rules_trail, values_in_words_and_legend)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "e01-adult-tourist");
    cr_assert_str_eq(json_string_value(json_object_get(rules_dim(r, "fee"), "value_text")), "EUR 90");
    cr_assert_str_eq(json_string_value(json_object_get(rules_dim(r, "visa_needed"), "value_text")), "a visa is required");
    cr_assert_not_null(strstr(json_string_value(json_object_get(rules_dim(r, "deadline"), "value_text")), "15 calendar days"));
    json_t *legend = json_object_get(r, "legend");
    cr_assert_not_null(json_object_get(legend, "V"));
    cr_assert_not_null(json_object_get(legend, "S"));
    cr_assert_not_null(json_object_get(legend, "U"));
    cr_assert_not_null(json_object_get(legend, "may"));
    /* A rule set aside names the rule that prevailed. */
    json_t *st = rules_step(r, "fee", "vc-16-1-standard");
    cr_assert_str_eq(json_string_value(json_object_get(st, "result")), "won");
    json_decref(r);
    r = rules_api(VFY_RULES_PRODUCTION, NULL, "e02-child-6th-birthday");
    st = rules_step(r, "fee", "vc-16-1-standard");
    cr_assert_str_eq(json_string_value(json_object_get(st, "beaten_by")), "EU-VC-2024/vc-16-2-child-6-to-11");
    json_decref(r);
}

/* Nothing claimed: the decision still lists what each category needs. */
Test(rules_trail, evidence_each_category_needs)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "e14-arm-spouse-and-business");
    json_t *av = json_object_get(rules_dim(r, "evidence"), "categories_available");
    size_t i;
    json_t *c;
    bool journalist = false;
    json_array_foreach(av, i, c)
        if (strcmp(json_string_value(json_object_get(c, "category")), "journalist") == 0) {
            journalist = true;
            cr_assert_str_eq(json_string_value(json_object_get(c, "needs")), "press_accreditation and employer_letter");
        }
    cr_assert(journalist);
    json_decref(r);
}

/* The text form: words, a legend, no raw JSON values, no "beaten". */
Test(rules_trail, cli_text_reads_in_words)
{
    char cmd[16384], p1[4096], p2[4096], p3[4096];
    snprintf(cmd, sizeof cmd, "%s rules eval --allow-development-key --trust %s --rules %s --case %s 2>/dev/null",
             vfy_bin(), repo_path(RULES_DEV_PUB, p1, sizeof p1), repo_path("data/rules", p2, sizeof p2),
             repo_path("tests/data/rules/cases/e02-child-6th-birthday.json", p3, sizeof p3));
    char *out = NULL;
    cr_assert_eq(run_capture(cmd, &out), 0);
    cr_assert_not_null(strstr(out, "fee              EUR 45 [may]"), "%s", out);
    cr_assert_not_null(strstr(out, "Legend:"));
    cr_assert_not_null(strstr(out, "[V] checked"));
    cr_assert_null(strstr(out, "beaten"));
    cr_assert_null(strstr(out, "{\"days\""), "values print in words, not JSON");
    free(out);
}

/* The compact trail (the --batch default) decides the same: for every test case, each
 * dimension's value, modality, missing inputs, provisional value and open points are
 * identical to the full form's, and its steps hold no predicates. */
Test(rules_trail, compact_and_full_agree_on_every_case, .timeout = 60)
{
    static const char *const extra[] = { RULES_UTO_OVERLAY, RULES_DEU_BILATERAL, NULL };
    vfy_rules_engine *e = rules_engine(VFY_RULES_TEST, extra);
    char dir[4096];
    DIR *dp = opendir(repo_path("tests/data/rules/cases", dir, sizeof dir));
    cr_assert_not_null(dp);
    struct dirent *de;
    size_t n = 0;
    static const char *const members[] = { "value", "modality", "missing", "provisional", "open_points", "reason" };
    while ((de = readdir(dp)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(len - 5), de->d_name);
        vfy_rules_case *c = rules_case(name);
        json_t *forms[2] = { NULL, NULL };
        for (int compact = 0; compact < 2; compact++) {
            vfy_rules_eval_options opt = { .compact_trail = compact };
            vfy_rules_decision *dec = NULL;
            if (vfy_rules_evaluate(e, c, &opt, &dec, NULL) != VFY_OK)
                break;
            char *text = vfy_rules_decision_json(dec, 0);
            forms[compact] = json_loads(text, 0, NULL);
            free(text);
            vfy_rules_decision_free(dec);
        }
        vfy_rules_case_free(c);
        if (forms[0] == NULL) {
            cr_assert_null(forms[1]);
            continue;
        }
        const char *key;
        json_t *full;
        json_object_foreach(json_object_get(forms[0], "decision"), key, full) {
            json_t *small = json_object_get(json_object_get(forms[1], "decision"), key);
            for (size_t m = 0; m < sizeof members / sizeof members[0]; m++) {
                json_t *a = json_object_get(full, members[m]), *b = json_object_get(small, members[m]);
                cr_assert((a == NULL && b == NULL) || (a != NULL && b != NULL && json_equal(a, b)),
                          "%s: %s.%s differs between full and compact", name, key, members[m]);
            }
            size_t i;
            json_t *st;
            json_array_foreach(json_object_get(small, "trail"), i, st)
                cr_assert_null(json_object_get(st, "predicates"), "%s: compact step with predicates", name);
        }
        json_decref(forms[0]);
        json_decref(forms[1]);
        n++;
    }
    closedir(dp);
    vfy_rules_engine_free(e);
    cr_assert_geq(n, 30);
}
