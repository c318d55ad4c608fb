/* The C API beyond JSON: outcomes and trail walking, MRZ-filled travellers, PII
 * stays out of the trail unless asked, batch mode, and a shared engine across threads. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "test_rules_support.h"

Test(rules_api, walk_the_trail_of_a_fee)
{
    vfy_rules_engine *e = rules_engine(VFY_RULES_PRODUCTION, NULL);
    vfy_rules_case *c = rules_case("e02-child-6th-birthday");
    vfy_rules_decision *dec;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_evaluate(e, c, NULL, &dec, &d), VFY_OK);
    vfy_rules_outcome o;
    cr_assert_eq(vfy_rules_decision_outcome(dec, VFY_RULES_DIM_FEE, &o), VFY_OK);
    cr_assert_str_eq(o.value_json, "45");
    cr_assert_eq(o.modality, VFY_MODALITY_MAY);
    cr_assert_str_eq(o.winner_rule, "vc-16-2-child-6-to-11");
    cr_assert_str_eq(o.winner_ruleset, "EU-VC-2024");
    bool saw_won = false, saw_alt = false, saw_failed = false;
    for (size_t i = 0; i < o.trail_length; i++) {
        vfy_rules_step st;
        cr_assert_eq(vfy_rules_decision_step(dec, VFY_RULES_DIM_FEE, i, &st), VFY_OK);
        if (st.result == VFY_RULES_STEP_WON) {
            saw_won = true;
            cr_assert_str_eq(st.legal_ref, "VC Art. 16(2)");
            cr_assert_str_eq(st.anchor, "lodging");
            cr_assert_str_eq(st.confidence, "V");
            cr_assert(strstr(st.explanation, "held: age from 6 to under 12") != NULL, "%s", st.explanation);
            cr_assert(strstr(st.beat, "vc-16-1-standard") != NULL, "%s", st.beat);
        }
        saw_alt |= st.result == VFY_RULES_STEP_ALTERNATIVE && strcmp(st.rule, "vc-16-5-a-children-6-to-17") == 0;
        saw_failed |= st.result == VFY_RULES_STEP_FAILED && strcmp(st.rule, "vc-16-4-a-under-6") == 0;
    }
    cr_assert(saw_won && saw_alt && saw_failed);
    vfy_rules_step st;
    cr_assert_eq(vfy_rules_decision_step(dec, VFY_RULES_DIM_FEE, o.trail_length, &st), VFY_E_NOT_FOUND);
    vfy_rules_decision_free(dec);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
}

Test(rules_api, pii_only_when_asked)
{
    vfy_rules_engine *e = rules_engine(VFY_RULES_PRODUCTION, NULL);
    vfy_rules_case *c = rules_case("e12-second-visa-overstayed");
    vfy_rules_decision *dec;
    cr_assert_eq(vfy_rules_evaluate(e, c, NULL, &dec, NULL), VFY_OK);
    char *text = vfy_rules_decision_json(dec, 0);
    cr_assert_null(strstr(text, "1985-05-20"), "birth date leaked into the trail");
    cr_assert_null(strstr(text, "2026-09-30\")"));
    cr_assert_null(strstr(text, "issued 2024-09-16"), "visa dates leaked into the trail");
    cr_assert_null(strstr(text, "(age "));
    free(text);
    vfy_rules_decision_free(dec);
    vfy_rules_eval_options opt = { .include_pii = true };
    cr_assert_eq(vfy_rules_evaluate(e, c, &opt, &dec, NULL), VFY_OK);
    text = vfy_rules_decision_json(dec, 0);
    cr_assert_not_null(strstr(text, "issued 2024-09-16"), "asked for: the failing visa is dated");
    cr_assert_not_null(strstr(text, "(age 40)"));
    free(text);
    vfy_rules_decision_free(dec);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
}

Test(rules_api, traveller_from_an_mrz)
{
    vfy_mrz m;
    memset(&m, 0, sizeof m);
    m.valid = true;
    strcpy(m.document_code, "PD");
    strcpy(m.issuing_state, "ARM");
    strcpy(m.nationality, "ARM");
    m.birth_date = (vfy_date){ 1970, 1, 2 };
    m.expiry_date = (vfy_date){ 2030, 2, 28 };
    vfy_rules_case *c;
    cr_assert_eq(vfy_rules_case_new(&c), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_case_set_traveller_from_mrz(c, &m, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_rules_case_set_date(c, VFY_ANCHOR_LODGING, (vfy_date){ 2025, 12, 10 }), VFY_OK);
    vfy_rules_engine *e = rules_engine(VFY_RULES_PRODUCTION, NULL);
    vfy_rules_decision *dec;
    cr_assert_eq(vfy_rules_evaluate(e, c, NULL, &dec, &d), VFY_OK);
    vfy_rules_outcome o;
    cr_assert_eq(vfy_rules_decision_outcome(dec, VFY_RULES_DIM_VISA_NEEDED, &o), VFY_OK);
    cr_assert_str_eq(o.value_json, "false", "PD is a diplomatic passport: the AM VFA exempts it");
    cr_assert_str_eq(o.winner_rule, "am-10-diplomatic-exempt");
    vfy_rules_decision_free(dec);
    vfy_rules_engine_free(e);
    /* An MRZ that failed its checks is not used; nor an unknown passport type. */
    m.valid = false;
    cr_assert_eq(vfy_rules_case_set_traveller_from_mrz(c, &m, &d), VFY_E_MRZ_CHECK_DIGIT);
    m.valid = true;
    strcpy(m.document_code, "PX");
    cr_assert_eq(vfy_rules_case_set_traveller_from_mrz(c, &m, &d), VFY_E_UNSUPPORTED);
    m.birth_date.month = 0;
    strcpy(m.document_code, "P");
    cr_assert_eq(vfy_rules_case_set_traveller_from_mrz(c, &m, &d), VFY_E_MRZ_DATE);
    vfy_rules_case_free(c);
}

struct worker {
    const vfy_rules_engine *engine;
    const vfy_rules_case *c;
    int ok;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < 50; i++) {
        vfy_rules_decision *dec;
        if (vfy_rules_evaluate(w->engine, w->c, NULL, &dec, NULL) != VFY_OK)
            continue;
        vfy_rules_outcome o;
        if (vfy_rules_decision_outcome(dec, VFY_RULES_DIM_VALIDITY, &o) == VFY_OK &&
            strstr(o.value_json, "\"until\":\"2026-09-30\"") != NULL)
            w->ok++;
        vfy_rules_decision_free(dec);
    }
    return NULL;
}

Test(rules_api, one_engine_many_threads)
{
    vfy_rules_engine *e = rules_engine(VFY_RULES_PRODUCTION, NULL);
    vfy_rules_case *c = rules_case("e11-business-three-lawful-visas");
    pthread_t t[4];
    struct worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){ e, c, 0 };
        cr_assert_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(w[i].ok, 50);
    }
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
}

Test(rules_api, cli_batch_json_lines)
{
    char dir[64];
    tmpdir_make("batch", dir, sizeof dir);
    char cmd[16384], a[4096], b[4096], r[4096], t[4096], *out = NULL;
    snprintf(cmd, sizeof cmd,
             "(tr -d '\\n' < %s; echo; echo 'not json'; tr -d '\\n' < %s; echo) > %s/in.jsonl && "
             "%s rules eval --allow-development-key --rules %s --trust %s --batch %s/in.jsonl",
             repo_path("tests/data/rules/cases/e05-lodged-2024-06-10.json", a, sizeof a),
             repo_path("tests/data/rules/cases/e05-lodged-2024-06-11.json", b, sizeof b), dir, vfy_bin(),
             repo_path("data/rules", r, sizeof r), repo_path(RULES_DEV_PUB, t, sizeof t), dir);
    int rc = run_capture(cmd, &out);
    cr_assert_eq(rc, 2, "a bad line makes the exit code 2 (%d)", rc);
    char *line2 = strchr(out, '\n');
    cr_assert_not_null(line2);
    *line2++ = '\0';
    char *line3 = strchr(line2, '\n');
    cr_assert_not_null(line3);
    *line3++ = '\0';
    json_t *j1 = json_loads(out, 0, NULL), *j2 = json_loads(line2, 0, NULL), *j3 = json_loads(line3, 0, NULL);
    cr_assert(j1 && j2 && j3, "three JSON lines");
    cr_assert_str_eq(json_string_value(json_object_get(j1, "case_id")), "E5a");
    cr_assert_eq(json_integer_value(json_object_get(rules_dim(j1, "fee"), "value")), 80);
    cr_assert_str_eq(json_string_value(json_object_get(j2, "code")), "VFY_E_CASE_PARSE");
    cr_assert_eq(json_integer_value(json_object_get(j2, "line")), 2);
    cr_assert_eq(json_integer_value(json_object_get(rules_dim(j3, "fee"), "value")), 90);
    json_decref(j1);
    json_decref(j2);
    json_decref(j3);
    /* The decision lines follow the same schema as the library's serializer. */
    FILE *f;
    snprintf(cmd, sizeof cmd, "%s/out.jsonl", dir);
    cr_assert_not_null(f = fopen(cmd, "w"));
    fprintf(f, "%s\n%s\n", out, line3);
    fclose(f);
    char root[2048];
    repo_path("", root, sizeof root);
    snprintf(cmd, sizeof cmd, "python3 %s/tests/tools/validate_json.py %s/docs/schema/rules-decision.schema.json --lines < %s/out.jsonl 2>&1",
             root, root, dir);
    free(out);
    out = NULL;
    cr_assert_eq(run_capture(cmd, &out), 0, "%s", out != NULL ? out : "");
    free(out);
    tmpdir_remove(dir);
}

Test(rules_api, cli_show_lists_uncertain_rules)
{
    char cmd[8192], r[4096], t[4096], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s rules show --rules-trust %s %s", vfy_bin(), repo_path(RULES_DEV_PUB, t, sizeof t),
             repo_path("data/rules/eu-by-vfa.json", r, sizeof r));
    cr_assert_eq(run_capture(cmd, &out), 0);
    cr_assert_not_null(strstr(out, "EU-BY-VFA 2021.2.0"));
    cr_assert_not_null(strstr(out, "signature verified"));
    cr_assert_not_null(strstr(out, "uncertain legal text:"));
    cr_assert_not_null(strstr(out, "by-5-1-a-b-mev-5-years [U]"));
    cr_assert_not_null(strstr(out, "suspension by-2021-1940-officials"));
    free(out);
}
