/*
 * The decision engine's mechanics (libverify/rules/evaluate.c), the compiled plan
 * (plan.c) and the decision writer (writer.c), on small rule sets written here for one
 * mechanism each (test mode, unsigned, status "draft" unless said otherwise). Every
 * expected value is read from the semantics docs/rules.md states (sections 1, 4 and 5:
 * scopes, supersession, suspensions, predicates, combine policies, modalities, fail
 * closed), computed by hand from the set and the case, never copied from the engine.
 *
 * The sets and cases are written with single quotes (turned into double quotes before
 * parsing) to stay readable.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "rules/engine.h"
#include "rules/writer.h"
#include "support.h"
#include "test_rules_support.h"

/* ---- sets and cases ------------------------------------------------------------- */

#define SETS(id, status, extra)                                                                    \
    "{'format':'vfy-rules/1','id':'" id "','version':'1','legal_basis':['tests/test_cov2_reval.c'],"  \
    "'status':'" status "'," extra "}"
#define SET(id, extra) SETS(id, "draft", extra)
#define ALL "'scope':{'nationalities':'all','destinations':'all'},'effective':{'from':'2020-01-01'}"
#define BASE "'layer':'base_procedure'," ALL
#define RULE(id, dim, anchor, extra)                                                                \
    "{'id':'" id "','dimension':'" dim "','legal_ref':'test " id "','anchor':'" anchor                \
    "','confidence':'V'" extra "}"
#define VISA RULE("visa", "visa_needed", "lodging", ",'visa_needed':true")
#define FEE(id, cents, mod, extra)                                                                  \
    RULE(id, "fee", "lodging", ",'fee':{'amount_cents':" #cents ",'modality':'" mod "'}" extra)
#define CHECK(id, body, extra) RULE(id, "admissible", "lodging", ",'check':{" body "}" extra)

#define DOC                                                                                         \
    "'document':{'type':'ordinary','biometric':true,'issue_date':'2020-03-01','expiry_date':'2030-02-28'," \
    "'issuing_state':'KAZ','blank_pages':10}"
#define TRAV "'traveller':{'nationality':'KAZ','birth_date':'1990-01-01'," DOC "}"
#define DATES "'dates':{'lodging':'2026-01-10','intended_entry':'2026-02-01','intended_exit':'2026-02-10'}"
#define CASE_TO(dest) "{" TRAV ",'application':{" DATES ",'destination':'" dest "'}}"
#define STD_CASE CASE_TO("DEU")

/* A copy of s with every ' turned into ". */
static char *dq(const char *s)
{
    char *t = strdup(s);
    cr_assert_not_null(t);
    for (char *p = t; *p; p++)
        if (*p == '\'')
            *p = '"';
    return t;
}

static vfy_rules_builder *builder_of(const char *const *sets)
{
    vfy_rules_builder *b;
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_TEST, NULL, &b), VFY_OK);
    for (size_t i = 0; sets[i] != NULL; i++) {
        char *text = dq(sets[i]);
        vfy_detail d;
        vfy_detail_clear(&d);
        vfy_status s = vfy_rules_builder_add(b, text, strlen(text), "inline", &d);
        cr_assert_eq(s, VFY_OK, "set %zu: %s: %s", i, vfy_status_name(s), d.message);
        free(text);
    }
    return b;
}

static vfy_rules_engine *engine_of(const char *const *sets)
{
    vfy_rules_builder *b = builder_of(sets);
    vfy_rules_engine *e;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_build(b, &e, &d), VFY_OK, "%s", d.message);
    return e;
}

static vfy_rules_case *case_of(const char *sq)
{
    char *text = dq(sq);
    vfy_rules_case *c;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_case_parse(text, strlen(text), &c, &d), VFY_OK, "%s: %s", d.message, text);
    free(text);
    return c;
}

/* The decision's JSON (and its text when `text` is not NULL). */
static json_t *decide_on(const vfy_rules_engine *e, const char *case_sq, const vfy_rules_eval_options *o,
                         char **text)
{
    vfy_rules_case *c = case_of(case_sq);
    vfy_rules_decision *dec;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_evaluate(e, c, o, &dec, &d), VFY_OK, "%s", d.message);
    char *t = vfy_rules_decision_json(dec, 0);
    cr_assert_not_null(t);
    json_error_t err;
    json_t *root = json_loads(t, 0, &err);
    cr_assert_not_null(root, "%s", err.text);
    if (text != NULL)
        *text = t;
    else
        free(t);
    vfy_rules_decision_free(dec);
    vfy_rules_case_free(c);
    return root;
}

static json_t *decide(const char *const *sets, const char *case_sq)
{
    vfy_rules_engine *e = engine_of(sets);
    json_t *r = decide_on(e, case_sq, NULL, NULL);
    vfy_rules_engine_free(e);
    return r;
}

static json_t *val(json_t *r, const char *dim) { return json_object_get(rules_dim(r, dim), "value"); }
static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* Any step of a dimension naming `rule` (not_in_force ones included), or NULL. */
static json_t *step_any(json_t *r, const char *dim, const char *rule)
{
    size_t i;
    json_t *st;
    json_array_foreach(json_object_get(rules_dim(r, dim), "trail"), i, st) {
        const char *id = str(st, "rule");
        if (id != NULL && strcmp(id, rule) == 0)
            return st;
    }
    return NULL;
}

/* The "held" member of the predicate of a step whose test reads `test` exactly, or NULL
 * (the test fails) when the step has no such predicate. */
static json_t *pred(json_t *step, const char *test)
{
    cr_assert_not_null(step);
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(step, "predicates"), i, p)
        if (strcmp(str(p, "test"), test) == 0)
            return json_object_get(p, "held");
    char *dump = json_dumps(json_object_get(step, "predicates"), 0);
    cr_assert_fail("no predicate '%s' in %s", test, dump);
    return NULL;
}

static bool is_int(json_t *v, long long n) { return json_is_integer(v) && json_integer_value(v) == n; }

/* ---- scope: status, nationality, destination ------------------------------------ */

/* docs/rules.md §1: "suspended and expired sets load but never apply"; a set scoped to
 * other nationalities does not apply either. Only the base set's fee (EUR 80) and its
 * check (passport valid on lodging, it is) decide; the blank-pages checks of the other
 * two (50 pages, the passport has 10) would make the application inadmissible. */
Test(cov2_reval, expired_and_foreign_sets_do_not_apply)
{
    const char *sets[] = {
        SET("T-BASE", BASE ",'rules':[" VISA "," FEE("fee-std", 8000, "charged", "") ","
            CHECK("chk-valid", "'kind':'document_valid_on','on_fail':'inadmissible'", "") "]"),
        SETS("T-EXP", "expired", "'layer':'vfa'," ALL ",'combine':{'fee':'override'},'rules':["
             FEE("fee-exp", 3500, "charged", "") "," CHECK("chk-exp", "'kind':'blank_pages','pages':50,'on_fail':'inadmissible'", "") "]"),
        SET("T-UTO", "'layer':'vfa','scope':{'nationalities':['UTO'],'destinations':'all'},'effective':{'from':'2020-01-01'},"
            "'rules':[" FEE("fee-uto", 1000, "charged", "") "," CHECK("chk-uto", "'kind':'blank_pages','pages':50,'on_fail':'inadmissible'", "") "]"),
        NULL,
    };
    json_t *r = decide(sets, STD_CASE);
    cr_assert(is_int(val(r, "fee"), 80));
    cr_assert_str_eq(rules_modality(r, "fee"), "shall");
    cr_assert_null(step_any(r, "fee", "fee-exp"));
    cr_assert_null(step_any(r, "fee", "fee-uto"));
    cr_assert(json_is_true(val(r, "admissible")));
    cr_assert_str_eq(rules_modality(r, "admissible"), "entitled");
    cr_assert_null(step_any(r, "admissible", "chk-exp"));
    cr_assert_null(step_any(r, "admissible", "chk-uto"));
    cr_assert_str_eq(rules_result(r, "admissible", "chk-valid"), "passed");
    json_decref(r);
}

/* A set scoped to some destinations, and a case that names none: its rules might apply
 * (§5.1: "its set is scoped to destinations and the case names none"), so every
 * dimension it could change is officer_review with the base value as provisional and
 * application.destination missing. An optional waiver left unevaluated does not block
 * (it gives no right). Named, the destination decides: FRA applies the set (the later
 * layer overrides the fee, its MEV is more entries), DEU does not. */
#define FRA_SETS                                                                                     \
    SET("T-BASE", BASE ",'rules':[" VISA "," FEE("fee-std", 8000, "charged", "") ","                 \
        RULE("g-single", "entries_validity", "lodging", ",'grant':{'entries':'single','modality':'entitled'}") "," \
        CHECK("chk-valid", "'kind':'document_valid_on','on_fail':'inadmissible'", "") "]"),            \
    SET("T-FRA", "'layer':'vfa','scope':{'nationalities':'all','destinations':['FRA']},'effective':{'from':'2020-01-01'}," \
        "'combine':{'entries':'most_favourable','validity':'most_favourable'},"                       \
        "'rules':[" FEE("fra-fee", 3500, "charged", "") "," FEE("fra-optional", 0, "waived_optional", "") "," \
        RULE("fra-mev", "entries_validity", "lodging", ",'grant':{'entries':'multiple','validity_months':12,'modality':'entitled'}") "," \
        CHECK("fra-pages", "'kind':'blank_pages','pages':4,'on_fail':'inadmissible'", "") "]")

Test(cov2_reval, destination_scoped_set_and_a_case_without_destination)
{
    const char *sets[] = { FRA_SETS, NULL };
    vfy_rules_engine *e = engine_of(sets);
    json_t *r = decide_on(e, "{" TRAV ",'application':{" DATES "}}", NULL, NULL);
    cr_assert_str_eq(rules_modality(r, "fee"), "officer_review");
    cr_assert(json_is_null(val(r, "fee")));
    cr_assert(is_int(json_object_get(rules_dim(r, "fee"), "provisional"), 80));
    cr_assert(rules_missing_has(r, "fee", "application.destination"));
    json_t *st = rules_step(r, "fee", "fra-fee");
    cr_assert_str_eq(str(st, "result"), "not_evaluated");
    cr_assert_str_eq(str(st, "explanation"), "T-FRA applies to some destinations only and the case names no destination");
    cr_assert_str_eq(rules_result(r, "fee", "fra-optional"), "not_evaluated");
    cr_assert_str_eq(rules_modality(r, "entries"), "officer_review");
    cr_assert_str_eq(json_string_value(json_object_get(rules_dim(r, "entries"), "provisional")), "single");
    /* Admissibility: the base check held, the FRA check might apply. */
    cr_assert_str_eq(rules_modality(r, "admissible"), "officer_review");
    cr_assert(json_is_null(val(r, "admissible")));
    cr_assert(json_is_true(json_object_get(rules_dim(r, "admissible"), "provisional")));
    cr_assert_str_eq(rules_result(r, "admissible", "fra-pages"), "not_evaluated");
    cr_assert(rules_missing_has(r, "admissible", "application.destination"));
    json_decref(r);

    r = decide_on(e, CASE_TO("FRA"), NULL, NULL);
    cr_assert(is_int(val(r, "fee"), 35));
    /* The optional waiver to EUR 0 is more favourable than the fee due: "may" (§5.1). */
    cr_assert_str_eq(rules_modality(r, "fee"), "may");
    cr_assert_str_eq(rules_result(r, "fee", "fra-fee"), "won");
    cr_assert_str_eq(json_string_value(val(r, "entries")), "multiple");
    cr_assert_str_eq(rules_modality(r, "entries"), "entitled");
    cr_assert(json_is_true(val(r, "admissible")));
    json_decref(r);

    r = decide_on(e, CASE_TO("DEU"), NULL, NULL);
    cr_assert(is_int(val(r, "fee"), 80));
    cr_assert_str_eq(rules_modality(r, "fee"), "shall");
    cr_assert_null(step_any(r, "fee", "fra-fee"));
    cr_assert_str_eq(json_string_value(val(r, "entries")), "single");
    json_decref(r);
    vfy_rules_engine_free(e);
}

/* A rule-level destinations predicate (§1.1 "nationalities, destinations: alpha-3
 * lists"): the reduced fee (priority 5, override) applies for FRA only; without a
 * destination it is unknown and the fee fails closed. */
Test(cov2_reval, rule_destination_predicate)
{
    const char *sets[] = {
        SET("T-BASE", BASE ",'rules':[" VISA "," FEE("fee-std", 8000, "charged", "") ","
            FEE("fee-fra", 6000, "charged", ",'priority':5,'when':{'destinations':['FRA']}") "]"),
        NULL,
    };
    vfy_rules_engine *e = engine_of(sets);
    json_t *r = decide_on(e, CASE_TO("DEU"), NULL, NULL);
    cr_assert(is_int(val(r, "fee"), 80));
    cr_assert_str_eq(rules_result(r, "fee", "fee-fra"), "failed");
    cr_assert(json_is_false(pred(rules_step(r, "fee", "fee-fra"), "destination DEU in the rule's list")));
    json_decref(r);
    r = decide_on(e, CASE_TO("FRA"), NULL, NULL);
    cr_assert(is_int(val(r, "fee"), 60));
    cr_assert_str_eq(rules_modality(r, "fee"), "shall");
    cr_assert_str_eq(rules_result(r, "fee", "fee-std"), "beaten");
    cr_assert(json_is_true(pred(rules_step(r, "fee", "fee-fra"), "destination FRA in the rule's list")));
    json_decref(r);
    r = decide_on(e, "{" TRAV ",'application':{" DATES "}}", NULL, NULL);
    cr_assert_str_eq(rules_modality(r, "fee"), "officer_review");
    cr_assert(rules_missing_has(r, "fee", "application.destination"));
    cr_assert(is_int(json_object_get(rules_dim(r, "fee"), "provisional"), 80));
    cr_assert_str_eq(rules_result(r, "fee", "fee-fra"), "not_evaluated");
    json_decref(r);
    vfy_rules_engine_free(e);
}

/* ---- in force: supersession and suspensions ------------------------------------- */

/* §1 "supersedes: when both are in force at a date, the older one is ignored". T-OLD is
 * in force [2020-01-01, 2026-02-01): at the intended exit (2026-02-10) it is out of force
 * by its own interval; at lodging (2026-01-10) it is in force but so is T-NEW, which
 * supersedes it. Its two lodging rules read as one step (one reason, "rules" lists
 * both); the fee is T-NEW's. */
Test(cov2_reval, superseded_set_is_ignored_and_grouped)
{
    const char *sets[] = {
        SET("T-OLD", "'layer':'base_procedure','scope':{'nationalities':'all','destinations':'all'},"
            "'effective':{'from':'2020-01-01','to':'2026-02-01'},'rules':["
            RULE("old-exit", "fee", "intended_exit", ",'fee':{'amount_cents':1000,'modality':'charged'}") ","
            FEE("old-a", 2000, "charged", "") "," FEE("old-b", 3000, "charged", "") "]"),
        "{'format':'vfy-rules/1','id':'T-NEW','version':'2','supersedes':'T-OLD','legal_basis':['x'],'status':'draft',"
        "'layer':'base_procedure','scope':{'nationalities':'all','destinations':'all'},'effective':{'from':'2025-01-01'},"
        "'rules':[" VISA "," FEE("new-fee", 9000, "charged", "") "]}",
        NULL,
    };
    json_t *r = decide(sets, STD_CASE);
    cr_assert(is_int(val(r, "fee"), 90));
    cr_assert_str_eq(rules_modality(r, "fee"), "shall");
    cr_assert_str_eq(rules_result(r, "fee", "new-fee"), "won");
    json_t *x = step_any(r, "fee", "old-exit");
    cr_assert_str_eq(str(x, "result"), "not_in_force");
    cr_assert_str_eq(str(x, "explanation"), "T-OLD is in force [2020-01-01, 2026-02-01); intended_exit is 2026-02-10");
    json_t *a = step_any(r, "fee", "old-a");
    cr_assert_str_eq(str(a, "result"), "not_in_force");
    cr_assert_str_eq(str(a, "explanation"), "superseded by T-NEW 2");
    json_t *rules = json_object_get(a, "rules");
    cr_assert_eq(json_array_size(rules), 2);
    cr_assert_str_eq(json_string_value(json_array_get(rules, 0)), "old-a");
    cr_assert_str_eq(json_string_value(json_array_get(rules, 1)), "old-b");
    cr_assert_null(step_any(r, "fee", "old-b"), "old-b has a step of its own");
    json_decref(r);
}

/* The shape of a dimension's trail: each step as "rule" (or "*" for a step without
 * one) followed by its "rules" list in brackets, e.g. "*[a,b] c[c,d]". */
static void trail_shape(json_t *r, const char *dim, char *out, size_t cap)
{
    size_t i, k, n = 0;
    json_t *st, *id;
    out[0] = '\0';
    json_array_foreach(json_object_get(rules_dim(r, dim), "trail"), i, st) {
        const char *rule = str(st, "rule");
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? " " : "", rule != NULL ? rule : "*");
        json_t *list = json_object_get(st, "rules");
        if (list == NULL)
            continue;
        n += (size_t)snprintf(out + n, cap - n, "[");
        json_array_foreach(list, k, id)
            n += (size_t)snprintf(out + n, cap - n, "%s%s", k ? "," : "", json_string_value(id));
        n += (size_t)snprintf(out + n, cap - n, "]");
    }
}

/* §1 and §5: a set's rules for other nationalities read as one step ("*", placed where
 * the first of them stands in the file), and rules out of force for one reason as one
 * step naming them all. T-OLD is out of force at lodging: for a Kazakh its Armenian
 * rule (first in the file) is one step and its three others one group; for an Armenian
 * the group comes first (his rule opens it) and the Kazakh rule, third in the file,
 * follows as the other-nationality step. T-NEW is in force: its Armenian and Belarusian
 * rules frame its general one. A US national, whom no list names, meets only the
 * general rules. */
Test(cov2_reval, other_nationalities_and_sets_out_of_force_keep_their_place_in_the_trail)
{
    const char *sets[] = {
        SET("T-OLD", "'layer':'base_procedure','scope':{'nationalities':'all','destinations':'all'},"
            "'effective':{'from':'2020-01-01','to':'2025-01-01'},'rules':["
            FEE("old-arm", 1000, "charged", ",'when':{'nationalities':['ARM']}") ","
            FEE("old-a", 2000, "charged", "") ","
            FEE("old-kaz", 3000, "charged", ",'when':{'nationalities':['KAZ']}") ","
            FEE("old-c", 4000, "charged", "") "]"),
        SET("T-NEW", "'layer':'base_procedure','scope':{'nationalities':'all','destinations':'all'},"
            "'effective':{'from':'2025-01-01'},'rules':[" VISA ","
            FEE("new-arm", 1500, "charged", ",'when':{'nationalities':['ARM']}") ","
            FEE("new-fee", 9000, "charged", "") ","
            FEE("new-blr", 2500, "charged", ",'when':{'nationalities':['BLR']}") "]"),
        NULL,
    };
    vfy_rules_engine *e = engine_of(sets);
    static const struct { const char *nat, *shape; int fee; } want[] = {
        { "KAZ", "*[old-arm] old-a[old-a,old-kaz,old-c] *[new-arm,new-blr] new-fee", 90 },
        { "ARM", "old-arm[old-arm,old-a,old-c] *[old-kaz] new-arm new-fee *[new-blr]", 15 },
        { "USA", "*[old-arm,old-kaz] old-a[old-a,old-c] *[new-arm,new-blr] new-fee", 90 },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char c[1024], shape[512];
        snprintf(c, sizeof c, "{'traveller':{'nationality':'%s','birth_date':'1990-01-01'," DOC "},"
                 "'application':{" DATES ",'destination':'DEU'}}", want[i].nat);
        for (int full = 0; full < 2; full++) {
            vfy_rules_eval_options o = { .compact_trail = !full };
            json_t *r = decide_on(e, c, &o, NULL);
            trail_shape(r, "fee", shape, sizeof shape);
            cr_assert_str_eq(shape, want[i].shape, "%s (%s trail): %s", want[i].nat, full ? "full" : "compact", shape);
            cr_assert(is_int(val(r, "fee"), want[i].fee), "%s", want[i].nat);
            json_decref(r);
        }
    }
    vfy_rules_engine_free(e);
}

/* §1.4: a rule holds when the case claims its category (with the evidence it needs).
 * Whether a case claims a category is a bit of the decision when every category id of
 * the engine has a number below 64 (rules/evaluate.c, `unclaimed`); with 70 ids the
 * claims are compared one by one, and the outcomes are the same: the fee of cat_69 is
 * waived for its claimant and charged to a claimant of cat_2, and the reduced fee of
 * "cat_41 or cat_68" goes to a claimant of cat_68. */
Test(cov2_reval, categories_beyond_sixty_four_are_compared_one_by_one)
{
    /* A set holds at most 64 categories: cat_0 to cat_39 in one, cat_40 to cat_69 in
     * the other, whose rules decide. */
    static char many_a[8192], many_b[8192];
    int n = snprintf(many_a, sizeof many_a, "{'format':'vfy-rules/1','id':'T-MANY-A','version':'1',"
                     "'legal_basis':['x'],'status':'draft'," BASE ",'categories':[");
    for (int i = 0; i < 40; i++)
        n += snprintf(many_a + n, sizeof many_a - (size_t)n, "%s{'id':'cat_%d','legal_ref':'test','confidence':'V',"
                      "'evidence':[['ev_a']]}", i ? "," : "", i);
    snprintf(many_a + n, sizeof many_a - (size_t)n, "],'rules':["
             FEE("fee-0", 100, "charged", ",'when':{'categories':['cat_0']}") "]}");
    n = snprintf(many_b, sizeof many_b, "{'format':'vfy-rules/1','id':'T-MANY-B','version':'1',"
                 "'legal_basis':['x'],'status':'draft'," BASE ",'categories':[");
    for (int i = 40; i < 70; i++)
        n += snprintf(many_b + n, sizeof many_b - (size_t)n, "%s{'id':'cat_%d','legal_ref':'test','confidence':'V',"
                      "'evidence':[['ev_a']]}", i > 40 ? "," : "", i);
    snprintf(many_b + n, sizeof many_b - (size_t)n, "],'rules':[" VISA "," FEE("fee-std", 9000, "charged", "") ","
             FEE("fee-69", 0, "waived_mandatory", ",'priority':5,'when':{'categories':['cat_69']}") ","
             FEE("fee-41-or-68", 3500, "charged", ",'priority':4,'when':{'categories':['cat_41','cat_68']}") ","
             FEE("fee-40", 2000, "charged", ",'priority':6,'when':{'categories':['cat_40']}") "]}");
    const char *sets[] = { many_a, many_b, NULL };
    vfy_rules_engine *e = engine_of(sets);
    cr_assert_gt(e->n_names, 64);
    static const struct { const char *cat; int fee; const char *won; } want[] = {
        { "cat_69", 0, "fee-69" }, { "cat_2", 90, "fee-std" }, { "cat_68", 35, "fee-41-or-68" },
        /* cat_40 is numbered below 64 (ids are numbered in sorted order), so its rule is
         * one the plan marks as testing a category: the claim must still be seen. */
        { "cat_40", 20, "fee-40" },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char c[1024];
        snprintf(c, sizeof c, "{" TRAV ",'application':{" DATES ",'destination':'DEU',"
                 "'claims':[{'category':'%s','evidence':['ev_a'],'verified':true}]}}", want[i].cat);
        for (int full = 0; full < 2; full++) {
            vfy_rules_eval_options o = { .compact_trail = !full };
            json_t *r = decide_on(e, c, &o, NULL);
            cr_assert(is_int(val(r, "fee"), want[i].fee), "%s", want[i].cat);
            cr_assert_str_eq(rules_result(r, "fee", want[i].won), "won", "%s", want[i].cat);
            json_decref(r);
        }
    }
    vfy_rules_engine_free(e);
}

/* §1.3: a suspension switches rules off while its anchor lies in [from, to) and its
 * predicates hold. The reduced fee (EUR 35, priority 5) is named by suspensions that do
 * not bind (not yet in force; for travellers of 70 and over, and she is 36): it decides.
 * A suspension anchored on the decision date, which the case lacks, might switch it
 * off: the fee fails closed. With a decision date the rule is suspended. */
#define SUSP_BASE SET("T-BASE", BASE ",'rules':[" VISA "," FEE("fee-std", 8000, "charged", "") "," \
                      FEE("fee-red", 3500, "charged", ",'priority':5") "]")
#define SUSPENSION(id, anchor, from, extra)                                                          \
    "{'id':'" id "','legal_ref':'test " id "','confidence':'V','anchor':'" anchor "','from':'" from     \
    "','rulesets':['T-BA*'],'rules':['fee-red']" extra "}"

Test(cov2_reval, suspensions_that_do_not_bind_and_one_that_cannot_be_read)
{
    const char *loose[] = {
        SUSP_BASE,
        SET("T-SUSP", "'layer':'suspension'," ALL ",'rules':[],'suspensions':["
            SUSPENSION("s-future", "lodging", "2027-01-01", "") ","
            SUSPENSION("s-elderly", "lodging", "2020-01-01", ",'when':{'age_from':70}") "]"),
        NULL,
    };
    json_t *r = decide(loose, STD_CASE);
    cr_assert(is_int(val(r, "fee"), 35));
    cr_assert_str_eq(rules_modality(r, "fee"), "shall");
    cr_assert_str_eq(rules_result(r, "fee", "fee-red"), "won");
    json_decref(r);

    const char *by_decision[] = {
        SUSP_BASE,
        SET("T-SUSP", "'layer':'suspension'," ALL ",'rules':[],'suspensions':["
            SUSPENSION("s-decision", "decision", "2020-01-01", "") "]"),
        NULL,
    };
    vfy_rules_engine *e = engine_of(by_decision);
    r = decide_on(e, STD_CASE, NULL, NULL);
    json_t *st = rules_step(r, "fee", "fee-red");
    cr_assert_str_eq(str(st, "result"), "not_evaluated");
    cr_assert_str_eq(str(st, "explanation"), "suspension s-decision may switch this rule off; the case lacks an input it needs");
    cr_assert_str_eq(rules_modality(r, "fee"), "officer_review");
    cr_assert(is_int(json_object_get(rules_dim(r, "fee"), "provisional"), 80));
    cr_assert(rules_missing_has(r, "fee", "application.dates.decision"));
    json_decref(r);
    r = decide_on(e, "{" TRAV ",'application':{'dates':{'lodging':'2026-01-10','decision':'2026-01-20',"
                     "'intended_entry':'2026-02-01','intended_exit':'2026-02-10'},'destination':'DEU'}}", NULL, NULL);
    st = rules_step(r, "fee", "fee-red");
    cr_assert_str_eq(str(st, "result"), "suspended");
    cr_assert_str_eq(str(json_object_get(st, "suspended_by"), "suspension"), "s-decision");
    cr_assert(is_int(val(r, "fee"), 80));
    cr_assert_str_eq(rules_modality(r, "fee"), "shall");
    json_decref(r);
    vfy_rules_engine_free(e);
}

/* ---- predicates ------------------------------------------------------------------ */

/* §1.1 history: at least `count` visas of those kinds and entries, each valid at least
 * min_validity_months, lawfully used, in the look-back window. An ATV (not of kind C)
 * and a C visa valid one month (March 2025, shorter than 6 months) do not count, so the
 * MEV rule fails and the single entry decides; a third, valid ten months, counts. */
#define HIST_SETS                                                                                    \
    SET("T-BASE", BASE ",'rules':[" VISA ","                                                         \
        RULE("g-single", "entries_validity", "lodging", ",'grant':{'entries':'single','modality':'entitled'}") "," \
        RULE("g-mev", "entries_validity", "lodging", ",'priority':5,'when':{'history':{'count':1,'kinds':['C']," \
             "'entries':['multiple'],'min_validity_months':6,'lookback_months':24}},"                    \
             "'grant':{'entries':'multiple','validity_months':12,'modality':'entitled'}") "]")
#define ATV "{'type':'ATV','entries':'multiple','issue_date':'2025-01-01','valid_from':'2025-01-01','valid_to':'2025-12-31','lawful_use':'yes'}"
#define SHORT_C "{'type':'C','entries':'multiple','issue_date':'2025-03-01','valid_from':'2025-03-01','valid_to':'2025-03-31','lawful_use':'yes'}"
#define LONG_C "{'type':'C','entries':'multiple','issue_date':'2025-03-01','valid_from':'2025-03-01','valid_to':'2025-12-31','lawful_use':'yes'}"

Test(cov2_reval, history_counts_kind_and_validity)
{
    const char *sets[] = { HIST_SETS, NULL };
    vfy_rules_engine *e = engine_of(sets);
    json_t *r = decide_on(e, "{" TRAV ",'application':{" DATES ",'destination':'DEU'},'visa_history':[" ATV "," SHORT_C "]}",
                          NULL, NULL);
    json_t *st = rules_step(r, "entries", "g-mev");
    cr_assert_str_eq(str(st, "result"), "failed");
    cr_assert(json_is_false(pred(st, "visa_history[0] does not count: its type does not count (airport-transit and "
                                     "limited-territorial visas do not)")));
    cr_assert(json_is_false(pred(st, "visa_history[1] does not count: its validity is shorter than required")));
    /* The window: [2026-01-10 - 24 months, 2026-01-10]. */
    cr_assert(json_is_false(pred(st, "at least 1 qualifying visa(s) by issue_date in [2024-01-10, 2026-01-10]: 0 found")));
    cr_assert_str_eq(json_string_value(val(r, "entries")), "single");
    cr_assert_str_eq(rules_modality(r, "entries"), "entitled");
    json_decref(r);
    r = decide_on(e, "{" TRAV ",'application':{" DATES ",'destination':'DEU'},'visa_history':[" ATV "," SHORT_C "," LONG_C "]}",
                  NULL, NULL);
    cr_assert_str_eq(json_string_value(val(r, "entries")), "multiple");
    cr_assert(json_is_true(pred(rules_step(r, "entries", "g-mev"),
                                "at least 1 qualifying visa(s) by issue_date in [2024-01-10, 2026-01-10]: 1 found")));
    json_decref(r);
    vfy_rules_engine_free(e);
}

/* §1.1 categories: "any listed category is claimed, its evidence is complete and its
 * own predicates hold". minor_student holds under 18 only: without a birth date it is
 * unknown, so the mandatory waiver is neither applied nor ignored (fee officer_review,
 * birth date missing, the fee due kept as provisional); for an adult (born 1990) it
 * fails and the fee is due. */
#define CAT_SETS                                                                                     \
    SET("T-BASE", BASE ",'categories':["                                                             \
        "{'id':'minor_student','legal_ref':'test','confidence':'V','when':{'age_below':18},'evidence':[['enrolment_certificate']]}," \
        "{'id':'researcher','legal_ref':'test','confidence':'V','evidence':[['hosting_agreement']]}]," \
        "'rules':[" VISA "," FEE("fee-std", 8000, "charged", "") ","                                  \
        FEE("fee-waived", 0, "waived_mandatory", ",'priority':5,'when':{'categories':['minor_student','researcher']}") "]")
#define CLAIM_STUDENT "'claims':[{'category':'minor_student','evidence':['enrolment_certificate'],'verified':true}]"

Test(cov2_reval, one_of_several_categories_unknown_or_failing)
{
    const char *sets[] = { CAT_SETS, NULL };
    vfy_rules_engine *e = engine_of(sets);
    json_t *r = decide_on(e, "{'traveller':{'nationality':'KAZ'," DOC "},'application':{" DATES ",'destination':'DEU',"
                          CLAIM_STUDENT "}}", NULL, NULL);
    json_t *st = rules_step(r, "fee", "fee-waived");
    cr_assert_str_eq(str(st, "result"), "not_evaluated");
    cr_assert(json_is_null(pred(st, "category minor_student: age under 18: birth date not given")));
    cr_assert(json_is_null(pred(st, "one of the categories minor_student, researcher: the claimed one does not hold (below)")));
    cr_assert_str_eq(rules_modality(r, "fee"), "officer_review");
    cr_assert(rules_missing_has(r, "fee", "traveller.birth_date"));
    cr_assert(is_int(json_object_get(rules_dim(r, "fee"), "provisional"), 80));
    json_decref(r);
    /* The compact trail tests the categories without wording them (another path of
     * rules/evaluate.c): the same outcome. */
    vfy_rules_eval_options compact = { .compact_trail = true };
    r = decide_on(e, "{'traveller':{'nationality':'KAZ'," DOC "},'application':{" DATES ",'destination':'DEU',"
                  CLAIM_STUDENT "}}", &compact, NULL);
    cr_assert_str_eq(rules_result(r, "fee", "fee-waived"), "not_evaluated");
    cr_assert_str_eq(rules_modality(r, "fee"), "officer_review");
    cr_assert(rules_missing_has(r, "fee", "traveller.birth_date"));
    json_decref(r);
    r = decide_on(e, "{" TRAV ",'application':{" DATES ",'destination':'DEU'," CLAIM_STUDENT "}}", NULL, NULL);
    st = rules_step(r, "fee", "fee-waived");
    cr_assert_str_eq(str(st, "result"), "failed");
    cr_assert(json_is_false(pred(st, "category minor_student: age under 18 in completed years")));
    cr_assert(is_int(val(r, "fee"), 80));
    cr_assert_str_eq(rules_modality(r, "fee"), "shall");
    json_decref(r);
    vfy_rules_engine_free(e);
}

/* §1.1 unless_categories: "An id no loaded set defines never holds, so the rule
 * applies". The passport expired on 2026-01-01, before lodging (2026-01-10): the check
 * binds and fails, the application is inadmissible (shall), the fee not applicable and
 * refunded (§5.2). */
Test(cov2_reval, unless_an_undefined_category_binds)
{
    const char *sets[] = {
        SET("T-BASE", BASE ",'rules':[" VISA "," FEE("fee-std", 8000, "charged", "") ","
            CHECK("chk-valid", "'kind':'document_valid_on','on_fail':'inadmissible'",
                  ",'when':{'unless_categories':['defined_nowhere']}") "]"),
        NULL,
    };
    json_t *r = decide(sets, "{'traveller':{'nationality':'KAZ','birth_date':'1990-01-01','document':{'type':'ordinary',"
                             "'issue_date':'2016-01-02','expiry_date':'2026-01-01'}},'application':{" DATES ",'destination':'DEU'}}");
    json_t *st = rules_step(r, "admissible", "chk-valid");
    cr_assert_str_eq(str(st, "result"), "failed");
    cr_assert(json_is_true(pred(st, "unless category defined_nowhere holds: no loaded rule set defines it")));
    cr_assert(json_is_false(val(r, "admissible")));
    cr_assert_str_eq(rules_modality(r, "admissible"), "shall");
    cr_assert_str_eq(rules_modality(r, "fee"), "not_applicable");
    cr_assert(json_is_true(json_object_get(rules_dim(r, "fee"), "refund")));
    json_decref(r);
}

/* §1.1 document_valid_after with relative_to: 3 months after the intended exit. The
 * case gives no intended exit: the check is not evaluated, admissibility goes to an
 * officer naming the date. */
Test(cov2_reval, valid_after_an_absent_relative_date)
{
    const char *sets[] = {
        SET("T-BASE", BASE ",'rules':[" VISA ","
            CHECK("chk-3m", "'kind':'document_valid_after','months':3,'relative_to':'intended_exit','on_fail':'may_derogate'", "") "]"),
        NULL,
    };
    json_t *r = decide(sets, "{" TRAV ",'application':{'dates':{'lodging':'2026-01-10','intended_entry':'2026-02-01'},"
                             "'destination':'DEU'}}");
    json_t *st = rules_step(r, "admissible", "chk-3m");
    cr_assert_str_eq(str(st, "result"), "not_evaluated");
    cr_assert(json_is_null(pred(st, "document valid 3 months after the intended_exit: the case gives no intended_exit date")));
    cr_assert_str_eq(rules_modality(r, "admissible"), "officer_review");
    cr_assert(rules_missing_has(r, "admissible", "application.dates.intended_exit"));
    json_decref(r);
}

/* §5.1 admissible is true only when every check that applies held; with no check at
 * all nothing is established: null, officer_review, and the trail says why. */
Test(cov2_reval, no_admissibility_check_at_all)
{
    const char *sets[] = { SET("T-BASE", BASE ",'rules':[" VISA "," FEE("fee-std", 8000, "charged", "") "]"), NULL };
    json_t *r = decide(sets, STD_CASE);
    cr_assert(json_is_null(val(r, "admissible")));
    cr_assert_str_eq(rules_modality(r, "admissible"), "officer_review");
    json_t *trail = json_object_get(rules_dim(r, "admissible"), "trail");
    cr_assert_eq(json_array_size(trail), 1);
    cr_assert_str_eq(str(json_array_get(trail, 0), "result"), "no_rule");
    cr_assert_str_eq(str(json_array_get(trail, 0), "explanation"), "no admissibility check of the loaded rule sets applies");
    json_decref(r);
}

/* rr_evidence_words: a category's evidence in words, bounded to 299 bytes (its buffer
 * of 300) in categories_available. 16 ids of 20 bytes joined by " and " make 395 bytes:
 * the text is the first 299 of them. */
Test(cov2_reval, long_evidence_words_are_bounded)
{
    char ids[2048] = "", full[2048] = "";
    for (int i = 0; i < 16; i++) {
        char id[32];
        snprintf(id, sizeof id, "evidence_item_%02d_abc", i);
        cr_assert_eq(strlen(id), 20);
        snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s'%s'", i ? "," : "", id);
        snprintf(full + strlen(full), sizeof full - strlen(full), "%s%s", i ? " and " : "", id);
    }
    cr_assert_eq(strlen(full), 395);
    char set[8192];
    snprintf(set, sizeof set, SET("T-BASE", BASE ",'categories':[{'id':'big','legal_ref':'test','confidence':'V',"
                                  "'evidence':[[%s]]}],'rules':[" VISA "," FEE("fee-std", 8000, "charged", "") ","
                                  FEE("fee-big", 0, "waived_mandatory", ",'priority':5,'when':{'categories':['big']}") "]"), ids);
    const char *sets[] = { set, NULL };
    json_t *r = decide(sets, STD_CASE);
    json_t *av = json_object_get(rules_dim(r, "evidence"), "categories_available");
    cr_assert_eq(json_array_size(av), 1);
    const char *needs = str(json_array_get(av, 0), "needs");
    cr_assert_eq(strlen(needs), 299);
    cr_assert(strncmp(needs, full, 299) == 0, "%s", needs);
    /* The unclaimed category reads the same bounded words in its predicate. */
    char want[400];
    snprintf(want, sizeof want, "category big is not claimed (it needs %.*s)", 299, full);
    cr_assert(json_is_false(pred(rules_step(r, "fee", "fee-big"), want)));
    cr_assert(is_int(val(r, "fee"), 80));
    json_decref(r);
}

/* ---- combination ----------------------------------------------------------------- */

/* §5 step 3 and "Favourability": within a set, `override` keeps the highest priority,
 * `most_favourable` the best value for the applicant (a lower service-fee cap),
 * `most_restrictive` the worst (a longer deadline); entries and validity compare more
 * entries first, then the real end, "nominal months only when neither end is known"
 * (both grants start on the decision date, which the case does not give). */
Test(cov2_reval, combine_policies_per_dimension)
{
    const char *sets[] = {
        SET("T-BASE", BASE ",'combine':{'service_fee_cap':'most_favourable','deadline':'most_restrictive',"
            "'entries':'most_favourable','validity':'most_favourable'},'rules':[" VISA ","
            FEE("fee-a", 8000, "charged", ",'priority':1") "," FEE("fee-b", 6000, "charged", ",'priority':2") ","
            RULE("sfc-40", "service_fee_cap", "lodging", ",'service_fee_cap':{'amount_cents':4000}") ","
            RULE("sfc-30", "service_fee_cap", "lodging", ",'service_fee_cap':{'amount_cents':3000}") ","
            RULE("dl-15", "deadline", "lodging", ",'deadline':{'days':15}") ","
            RULE("dl-45", "deadline", "lodging", ",'deadline':{'days':45}") ","
            RULE("g-12", "entries_validity", "lodging", ",'grant':{'entries':'multiple','validity_months':12,'start':'decision','modality':'entitled'}") ","
            RULE("g-6", "entries_validity", "lodging", ",'grant':{'entries':'multiple','validity_months':6,'start':'decision','modality':'entitled'}") "]"),
        NULL,
    };
    json_t *r = decide(sets, STD_CASE);
    cr_assert(is_int(val(r, "fee"), 60));
    cr_assert_str_eq(rules_result(r, "fee", "fee-a"), "beaten");
    cr_assert(is_int(val(r, "service_fee_cap"), 30));
    cr_assert_str_eq(rules_modality(r, "service_fee_cap"), "entitled");
    cr_assert_str_eq(rules_result(r, "service_fee_cap", "sfc-40"), "beaten");
    cr_assert_str_eq(str(rules_dim(r, "service_fee_cap"), "value_text"), "an external service provider may charge at most EUR 30");
    cr_assert(is_int(json_object_get(val(r, "deadline"), "days"), 45));
    cr_assert_str_eq(rules_modality(r, "deadline"), "shall");
    cr_assert_str_eq(rules_result(r, "deadline", "dl-15"), "beaten");
    cr_assert_str_eq(json_string_value(val(r, "entries")), "multiple");
    cr_assert(is_int(json_object_get(val(r, "validity"), "months"), 12));
    cr_assert(json_is_null(json_object_get(val(r, "validity"), "ends")));
    cr_assert_str_eq(rules_result(r, "validity", "g-6"), "beaten");
    json_decref(r);
}

/* Entries and validity share their grant rules, and the evaluator reuses the entries
 * trail for validity (rules/evaluate.c, keep_grant); a set that combines the two by
 * different policies must still have each dimension combined by its own (§5.3): the
 * longer grant is the more favourable entries winner, the shorter the more restrictive
 * validity winner. */
Test(cov2_reval, entries_and_validity_combined_by_different_policies)
{
    const char *sets[] = {
        SET("T-BASE", BASE ",'combine':{'entries':'most_favourable','validity':'most_restrictive'},'rules':[" VISA ","
            FEE("fee-a", 8000, "charged", "") ","
            RULE("g-12", "entries_validity", "lodging", ",'grant':{'entries':'multiple','validity_months':12,'start':'decision','modality':'entitled'}") ","
            RULE("g-6", "entries_validity", "lodging", ",'grant':{'entries':'multiple','validity_months':6,'start':'decision','modality':'entitled'}") "]"),
        NULL,
    };
    json_t *r = decide(sets, STD_CASE);
    cr_assert_str_eq(rules_result(r, "entries", "g-12"), "won");
    cr_assert_str_eq(rules_result(r, "entries", "g-6"), "beaten");
    cr_assert_str_eq(rules_result(r, "validity", "g-6"), "won");
    cr_assert_str_eq(rules_result(r, "validity", "g-12"), "beaten");
    cr_assert(is_int(json_object_get(val(r, "validity"), "months"), 6));
    json_decref(r);
}

/* §5.4 open points are listed as "SET/rule: text", each once. */
Test(cov2_reval, open_points_listed_once)
{
    const char *sets[] = {
        SET("T-BASE", BASE ",'rules':[" VISA ","
            FEE("fee-std", 8000, "charged", ",'open_points':['same point','same point','other point']") "]"),
        NULL,
    };
    json_t *r = decide(sets, STD_CASE);
    json_t *ops = json_object_get(rules_dim(r, "fee"), "open_points");
    cr_assert_eq(json_array_size(ops), 2);
    cr_assert_str_eq(json_string_value(json_array_get(ops, 0)), "T-BASE/fee-std: same point");
    cr_assert_str_eq(json_string_value(json_array_get(ops, 1)), "T-BASE/fee-std: other point");
    cr_assert(is_int(val(r, "fee"), 80));
    json_decref(r);
}

/* §5 step 3: evidence rules `accumulate` by default (every simplification that applies
 * counts); a discretionary one is an alternative (may). With `override` only the
 * highest priority's waiver is kept. */
#define EVIDENCE(id, body, extra) RULE(id, "evidence", "lodging", ",'evidence':{" body "}" extra)
#define EV_CATS                                                                                      \
    "'categories':[{'id':'cat_a','legal_ref':'test','confidence':'V','evidence':[['ev_a']]},"        \
    "{'id':'cat_b','legal_ref':'test','confidence':'V','evidence':[['ev_b']]}],"
#define EV_CLAIMS "'claims':[{'category':'cat_a','evidence':['ev_a'],'verified':true},{'category':'cat_b','evidence':['ev_b'],'verified':true}]"

Test(cov2_reval, evidence_accumulates_or_overrides)
{
    const char *acc[] = {
        SET("T-ACC", BASE "," EV_CATS "'rules':[" VISA ","
            EVIDENCE("evi-1", "'simplified':true,'waives':['doc_1'],'modality':'entitled'", ",'when':{'categories':['cat_a','cat_b']}") ","
            EVIDENCE("evi-2", "'waives':['doc_2'],'modality':'entitled'", "") ","
            EVIDENCE("evi-may", "'waives':['doc_3','doc_4'],'modality':'may'", "") "]"),
        NULL,
    };
    json_t *r = decide(acc, "{" TRAV ",'application':{" DATES ",'destination':'DEU'," EV_CLAIMS "}}");
    json_t *want = json_loads("{\"simplified\":true,\"categories\":[\"cat_a\",\"cat_b\"],\"waived\":[\"doc_1\",\"doc_2\"]}", 0, NULL);
    cr_assert(json_equal(val(r, "evidence"), want));
    json_decref(want);
    cr_assert_str_eq(rules_modality(r, "evidence"), "entitled");
    cr_assert_str_eq(rules_result(r, "evidence", "evi-1"), "won");
    cr_assert_str_eq(rules_result(r, "evidence", "evi-2"), "won");
    cr_assert_str_eq(rules_result(r, "evidence", "evi-may"), "alternative");
    json_t *alts = json_object_get(rules_dim(r, "evidence"), "alternatives");
    cr_assert_eq(json_array_size(alts), 1);
    want = json_loads("[\"doc_3\",\"doc_4\"]", 0, NULL);
    cr_assert(json_equal(json_object_get(json_array_get(alts, 0), "waives"), want));
    json_decref(want);
    cr_assert_str_eq(str(json_array_get(alts, 0), "modality"), "may");
    json_t *cats = json_object_get(rules_step(r, "evidence", "evi-1"), "categories");
    cr_assert_eq(json_array_size(cats), 2);
    json_decref(r);

    const char *ovr[] = {
        SET("T-OVR", BASE ",'combine':{'evidence':'override'},'rules':[" VISA ","
            EVIDENCE("evo-1", "'waives':['doc_1'],'modality':'entitled'", ",'priority':1") ","
            EVIDENCE("evo-2", "'waives':['doc_2'],'modality':'entitled'", ",'priority':2") "]"),
        NULL,
    };
    r = decide(ovr, STD_CASE);
    want = json_loads("{\"simplified\":false,\"categories\":[],\"waived\":[\"doc_2\"]}", 0, NULL);
    cr_assert(json_equal(val(r, "evidence"), want));
    json_decref(want);
    cr_assert_str_eq(rules_result(r, "evidence", "evo-1"), "beaten");
    cr_assert_str_eq(rules_result(r, "evidence", "evo-2"), "won");
    cr_assert_str_eq(rules_modality(r, "evidence"), "entitled");
    json_decref(r);
}

/* §5.1: an optional waiver is the authority's discretion (may). When it is the only fee
 * rule, the fee is that discretion: EUR 0, may. */
Test(cov2_reval, only_a_discretionary_rule_decides_may)
{
    const char *sets[] = { SET("T-BASE", BASE ",'rules':[" VISA "," FEE("fee-opt", 0, "waived_optional", "") "]"), NULL };
    json_t *r = decide(sets, STD_CASE);
    cr_assert(is_int(val(r, "fee"), 0));
    cr_assert_str_eq(rules_modality(r, "fee"), "may");
    cr_assert_str_eq(str(rules_dim(r, "fee"), "value_text"), "no fee");
    cr_assert_str_eq(rules_result(r, "fee", "fee-opt"), "alternative");
    cr_assert_eq(json_array_size(json_object_get(rules_dim(r, "fee"), "alternatives")), 1);
    json_decref(r);
}

/* §3: "verified: false makes any decision that relies on the claim officer_review". */
Test(cov2_reval, winner_on_an_unverified_claim_goes_to_an_officer)
{
    const char *sets[] = {
        SET("T-BASE", BASE "," EV_CATS "'rules':[" VISA "," FEE("fee-std", 8000, "charged", "") ","
            FEE("fee-cat", 0, "waived_mandatory", ",'priority':5,'when':{'categories':['cat_a']}") "]"),
        NULL,
    };
    vfy_rules_engine *e = engine_of(sets);
    json_t *r = decide_on(e, "{" TRAV ",'application':{" DATES ",'destination':'DEU','claims':[{'category':'cat_a',"
                             "'evidence':['ev_a'],'verified':false}]}}", NULL, NULL);
    cr_assert_str_eq(rules_result(r, "fee", "fee-cat"), "won");
    cr_assert_str_eq(rules_modality(r, "fee"), "officer_review");
    json_decref(r);
    /* Verified, the mandatory waiver is a right. */
    r = decide_on(e, "{" TRAV ",'application':{" DATES ",'destination':'DEU','claims':[{'category':'cat_a',"
                     "'evidence':['ev_a'],'verified':true}]}}", NULL, NULL);
    cr_assert(is_int(val(r, "fee"), 0));
    cr_assert_str_eq(rules_modality(r, "fee"), "entitled");
    json_decref(r);
    vfy_rules_engine_free(e);
}

/* ---- the writer: numbers, words, escapes, the bounded buffer ---------------------- */

/* Money is written as jansson prints it (EUR 60.50 is the real 60.5) and in words with
 * two decimals; a single-entry grant ends at the intended exit plus its grace days
 * (§4: 2026-02-10 + 15 = 2026-02-25). */
Test(cov2_reval, cents_and_grace_days_in_values_and_words)
{
    const char *sets[] = {
        SET("T-BASE", BASE ",'rules':[" VISA "," FEE("fee-cents", 6050, "charged", "") ","
            RULE("g-single", "entries_validity", "lodging", ",'grant':{'entries':'single','grace_days':15,'modality':'entitled'}") "]"),
        NULL,
    };
    char *text;
    vfy_rules_engine *e = engine_of(sets);
    json_t *r = decide_on(e, STD_CASE, NULL, &text);
    cr_assert(json_is_real(val(r, "fee")) && json_real_value(val(r, "fee")) == 60.5);
    cr_assert(strstr(text, "\"fee\":{\"value\":60.5,") != NULL);
    cr_assert_str_eq(str(rules_dim(r, "fee"), "value_text"), "EUR 60.50");
    json_t *want = json_loads("{\"months\":null,\"until\":null,\"ends\":\"2026-02-25\",\"capped_by\":null,\"grace_days\":15}", 0, NULL);
    cr_assert(json_equal(val(r, "validity"), want));
    json_decref(want);
    cr_assert_str_eq(str(rules_dim(r, "validity"), "value_text"), "the intended stay, valid until 2026-02-25, 15 days of grace included");
    free(text);
    json_decref(r);
    vfy_rules_engine_free(e);
}

/* Strings are escaped as jansson escapes them (writer.c's header): a legal reference
 * with quotes, a backslash and control characters reads back whole, and its text in the
 * decision is jansson's own encoding of it. */
Test(cov2_reval, strings_escaped_as_jansson_does)
{
    const char *ref = "Art. \"16\" \\ a\tb\nc\bd\fe\rf\x01g\x1fh";
    json_t *set = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:{s:s, s:s}, s:{s:s}, s:[{s:s, s:s, s:s, s:s, s:s, s:b}, "
                            "{s:s, s:s, s:s, s:s, s:s, s:{s:i, s:s}}]}",
                            "format", "vfy-rules/1", "id", "T-ESC", "version", "1", "status", "draft", "layer",
                            "base_procedure", "legal_basis", "x", "scope", "nationalities", "all", "destinations", "all",
                            "effective", "from", "2020-01-01", "rules",
                            "id", "visa", "dimension", "visa_needed", "legal_ref", "x", "anchor", "lodging", "confidence", "V",
                            "visa_needed", 1,
                            "id", "fee-esc", "dimension", "fee", "legal_ref", ref, "anchor", "lodging", "confidence", "V",
                            "fee", "amount_cents", 8000, "modality", "charged");
    cr_assert_not_null(set);
    char *set_text = json_dumps(set, 0);
    json_decref(set);
    /* engine_of turns ' into " and the set has none. */
    cr_assert_null(strchr(set_text, '\''));
    const char *sets[] = { set_text, NULL };
    vfy_rules_engine *e = engine_of(sets);
    char *text;
    json_t *r = decide_on(e, STD_CASE, NULL, &text);
    cr_assert_str_eq(str(rules_step(r, "fee", "fee-esc"), "legal_ref"), ref);
    json_t *s = json_string(ref);
    char *enc = json_dumps(s, JSON_ENCODE_ANY);
    json_decref(s);
    cr_assert(strstr(text, enc) != NULL, "%s not in the decision", enc);
    free(enc);
    free(text);
    json_decref(r);
    vfy_rules_engine_free(e);
    free(set_text);
}

/* vfy_rules_workspace_write through its 64 KiB buffer: members longer than the buffer
 * go to the stream directly after what is buffered; the line is the decision plus the
 * members. A stream that refuses writes gives VFY_E_IO. */
Test(cov2_reval, workspace_write_longer_than_its_buffer_and_to_a_failing_stream)
{
    const char *sets[] = { SET("T-BASE", BASE ",'rules':[" VISA "," FEE("fee-std", 8000, "charged", "") "]"), NULL };
    vfy_rules_engine *e = engine_of(sets);
    vfy_rules_case *c = case_of(STD_CASE);
    vfy_rules_workspace *w;
    cr_assert_eq(vfy_rules_workspace_new(e, &w), VFY_OK);
    cr_assert_eq(vfy_rules_evaluate_into(e, c, NULL, w, NULL), VFY_OK);
    size_t pad = 70000;
    char *members = malloc(pad + 16);
    cr_assert_not_null(members);
    memcpy(members, "\"pad\":\"", 7);
    memset(members + 7, 'x', pad);
    memcpy(members + 7 + pad, "\"", 2);

    char dir[256], path[512];
    tmpdir_make("cov2-reval", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/line.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert_eq(vfy_rules_workspace_write(w, 0, members, f), VFY_OK);
    cr_assert_eq(fclose(f), 0);
    size_t len;
    uint8_t *line = read_file_or_fail(path, &len);
    cr_assert(len > pad && line[len - 1] == '\n');
    json_error_t err;
    json_t *got = json_loadb((const char *)line, len, 0, &err);
    cr_assert_not_null(got, "%s", err.text);
    cr_assert_eq(strlen(str(got, "pad")), pad);
    json_object_del(got, "pad");
    vfy_rules_decision *dec;
    cr_assert_eq(vfy_rules_evaluate(e, c, NULL, &dec, NULL), VFY_OK);
    char *text = vfy_rules_decision_json(dec, 0);
    json_t *want = json_loads(text, 0, NULL);
    cr_assert(json_equal(got, want));
    json_decref(want);
    json_decref(got);
    free(text);
    free(line);
    vfy_rules_decision_free(dec);

    /* A stream open for reading refuses every write. */
    f = fopen(path, "r");
    cr_assert_not_null(f);
    cr_assert_eq(vfy_rules_workspace_write(w, 0, members, f), VFY_E_IO);
    fclose(f);
    tmpdir_remove(dir);
    free(members);
    vfy_rules_workspace_free(w);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
}

/* ---- more mechanics ------------------------------------------------------------- */

/* Ties under most_favourable fall to priority (§5 step 3, "ties by priority"); evidence
 * under most_favourable keeps the rule with more simplification (§5 "Favourability":
 * "more simplification"). */
Test(cov2_reval, ties_by_priority_and_more_simplification)
{
    const char *sets[] = {
        SET("T-BASE", BASE ",'combine':{'service_fee_cap':'most_favourable','evidence':'most_favourable'},'rules':[" VISA ","
            RULE("sfc-low", "service_fee_cap", "lodging", ",'priority':1,'service_fee_cap':{'amount_cents':4000}") ","
            RULE("sfc-high", "service_fee_cap", "lodging", ",'priority':2,'service_fee_cap':{'amount_cents':4000}") ","
            EVIDENCE("ev-one", "'waives':['doc_1'],'modality':'entitled'", ",'priority':9") ","
            EVIDENCE("ev-two", "'waives':['doc_2','doc_3'],'modality':'entitled'", "") "]"),
        NULL,
    };
    json_t *r = decide(sets, STD_CASE);
    cr_assert(is_int(val(r, "service_fee_cap"), 40));
    cr_assert_str_eq(rules_result(r, "service_fee_cap", "sfc-high"), "won");
    cr_assert_str_eq(rules_result(r, "service_fee_cap", "sfc-low"), "beaten");
    json_t *want = json_loads("{\"simplified\":false,\"categories\":[],\"waived\":[\"doc_2\",\"doc_3\"]}", 0, NULL);
    cr_assert(json_equal(val(r, "evidence"), want));
    json_decref(want);
    cr_assert_str_eq(rules_result(r, "evidence", "ev-one"), "beaten");
    json_decref(r);
}

/* §1.1 lodging_not_before: A >= R - N months, R the relative_to date. Without the
 * intended entry the check cannot be made: officer_review, the date missing. */
Test(cov2_reval, lodging_window_without_its_relative_date)
{
    const char *sets[] = {
        SET("T-BASE", BASE ",'rules':[" VISA ","
            CHECK("chk-window", "'kind':'lodging_not_before','months':6,'relative_to':'intended_entry','on_fail':'may_derogate'", "") "]"),
        NULL,
    };
    vfy_rules_engine *e = engine_of(sets);
    json_t *r = decide_on(e, "{" TRAV ",'application':{'dates':{'lodging':'2026-01-10'},'destination':'DEU'}}", NULL, NULL);
    json_t *st = rules_step(r, "admissible", "chk-window");
    cr_assert_str_eq(str(st, "result"), "not_evaluated");
    cr_assert(json_is_null(pred(st, "the case gives no intended_entry date")));
    cr_assert(rules_missing_has(r, "admissible", "application.dates.intended_entry"));
    cr_assert_str_eq(rules_modality(r, "admissible"), "officer_review");
    json_decref(r);
    /* Lodged 2026-01-10 for an entry on 2026-08-01: 6 months before is 2026-02-01, too early. */
    r = decide_on(e, "{" TRAV ",'application':{'dates':{'lodging':'2026-01-10','intended_entry':'2026-08-01'},"
                     "'destination':'DEU'}}", NULL, NULL);
    cr_assert(json_is_false(pred(rules_step(r, "admissible", "chk-window"),
                                 "lodging on or after 2026-02-01 (6 months before intended_entry)")));
    cr_assert(json_is_false(val(r, "admissible")));
    cr_assert_str_eq(rules_modality(r, "admissible"), "may");
    json_decref(r);
    vfy_rules_engine_free(e);
}

/* The bounded buffer's direct write (members longer than the buffer) failing after the
 * buffered part was accepted: /dev/full takes the first bytes into its stdio buffer and
 * refuses them when written. */
Test(cov2_reval, workspace_write_direct_part_fails)
{
    FILE *f = fopen("/dev/full", "w");
    if (f == NULL)
        cr_skip_test("no /dev/full");
    const char *sets[] = { SET("T-BASE", BASE ",'rules':[" VISA "," FEE("fee-std", 8000, "charged", "") "]"), NULL };
    vfy_rules_engine *e = engine_of(sets);
    vfy_rules_case *c = case_of(STD_CASE);
    vfy_rules_workspace *w;
    cr_assert_eq(vfy_rules_workspace_new(e, &w), VFY_OK);
    vfy_rules_eval_options o = { .compact_trail = true };
    cr_assert_eq(vfy_rules_evaluate_into(e, c, &o, w, NULL), VFY_OK);
    static char stdio_buf[32768];
    cr_assert_eq(setvbuf(f, stdio_buf, _IOFBF, sizeof stdio_buf), 0);
    size_t pad = 70000;
    char *members = malloc(pad + 16);
    cr_assert_not_null(members);
    memcpy(members, "\"pad\":\"", 7);
    memset(members + 7, 'x', pad);
    memcpy(members + 7 + pad, "\"", 2);
    cr_assert_eq(vfy_rules_workspace_write(w, VFY_RULES_JSON_NO_METADATA, members, f), VFY_E_IO);
    fclose(f);
    free(members);
    vfy_rules_workspace_free(w);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
}

/* ---- out of memory ---------------------------------------------------------------- */

/* A growing text for the big set and case below. */
struct buf { char *p; size_t len, cap; };
static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    cr_assert(n >= 0);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        cr_assert_not_null(b->p);
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* A set that makes a decision outgrow a workspace sized from its engine: 30 categories
 * (each for adults: a predicate worded in every category test) that most rules rely on,
 * 64 visas of unknown lawful use that two rules count (one missing input each, per
 * dimension), nine evidence rules waiving 16 documents each, seventeen optional
 * waivers with eight open points each, and sixty discretionary multiple-entry grants
 * more favourable than the single entry of right (alternatives in two dimensions). */
static char *big_set(void)
{
    struct buf b = { 0 };
    put(&b, "{'format':'vfy-rules/1','id':'T-BIG','version':'1','legal_basis':['x'],'status':'draft',"
            "'layer':'base_procedure','scope':{'nationalities':['KAZ','UZB'],'destinations':'all'},"
            "'effective':{'from':'2020-01-01'},'categories':[");
    for (int i = 0; i < 30; i++)
        put(&b, "%s{'id':'c%02d','legal_ref':'x','confidence':'V','when':{'age_from':18}}", i ? "," : "", i);
    char cats[400] = "";
    for (int i = 0; i < 30; i++)
        snprintf(cats + strlen(cats), sizeof cats - strlen(cats), "%s'c%02d'", i ? "," : "", i);
    put(&b, "],'rules':[" VISA ",");
    put(&b, "{'id':'f1','dimension':'fee','legal_ref':'x','anchor':'lodging','confidence':'V','when':{'categories':[%s]},"
            "'fee':{'amount_cents':8000,'modality':'charged'}},", cats);
    put(&b, "{'id':'f2','dimension':'fee','legal_ref':'x','anchor':'lodging','confidence':'V','priority':1,'when':{'categories':[%s]},"
            "'fee':{'amount_cents':7000,'modality':'charged'}},", cats);
    put(&b, "{'id':'g1','dimension':'entries_validity','legal_ref':'x','anchor':'lodging','confidence':'V','when':{'categories':[%s]},"
            "'grant':{'entries':'single','modality':'entitled'}},", cats);
    put(&b, "{'id':'fh','dimension':'fee','legal_ref':'x','anchor':'lodging','confidence':'V','priority':9,"
            "'when':{'history':{'count':100,'lookback_months':24}},'fee':{'amount_cents':6000,'modality':'charged'}},");
    /* A third dimension lacking every visa's lawful use, so that the missing inputs
     * outgrow the workspace's reservation while a dimension records them. */
    put(&b, "{'id':'dh','dimension':'deadline','legal_ref':'x','anchor':'lodging','confidence':'V',"
            "'when':{'history':{'count':100,'lookback_months':24}},'deadline':{'days':15}},");
    put(&b, "{'id':'gh','dimension':'entries_validity','legal_ref':'x','anchor':'lodging','confidence':'V','priority':9,"
            "'when':{'history':{'count':100,'lookback_months':24}},"
            "'grant':{'entries':'multiple','validity_months':24,'modality':'entitled'}}");
    for (int k = 0; k < 9; k++) {
        put(&b, ",{'id':'e%d','dimension':'evidence','legal_ref':'x','anchor':'lodging','confidence':'V',"
                "'evidence':{'waives':[", k);
        for (int j = 0; j < 16; j++)
            put(&b, "%s'doc_%d_%d'", j ? "," : "", k, j);
        put(&b, "],'modality':'entitled'}}");
    }
    for (int k = 0; k < 60; k++)
        put(&b, ",{'id':'m%d','dimension':'entries_validity','legal_ref':'x','anchor':'lodging','confidence':'V',"
                "'when':{'categories':[%s]},'grant':{'entries':'multiple','validity_months':%d,'modality':'may'}}",
            k, cats, 1 + k);
    for (int k = 0; k < 17; k++) {
        put(&b, ",{'id':'a%d','dimension':'fee','legal_ref':'x','anchor':'lodging','confidence':'V','open_points':[", k);
        for (int j = 0; j < 8; j++)
            put(&b, "%s'point %d of a%d'", j ? "," : "", j, k);
        put(&b, "],'fee':{'amount_cents':0,'modality':'waived_optional'}}");
    }
    put(&b, "],'suspensions':[{'id':'s1','legal_ref':'x','confidence':'V','anchor':'lodging','from':'2030-01-01',"
            "'when':{'nationalities':['UZB']},'rulesets':['T-BIG'],'rules':['f2']}]}");
    return b.p;
}

static char *big_case(void)
{
    struct buf b = { 0 };
    put(&b, "{" TRAV ",'application':{" DATES ",'destination':'DEU','claims':[");
    for (int i = 0; i < 30; i++)
        put(&b, "%s{'category':'c%02d','evidence':[],'verified':true}", i ? "," : "", i);
    put(&b, "]},'visa_history':[");
    for (int i = 0; i < 64; i++)
        put(&b, "%s{'type':'C','entries':'multiple','issue_date':'2025-%02d-%02d','valid_from':'2025-%02d-%02d',"
                "'valid_to':'2025-12-31','lawful_use':'unknown'}", i ? "," : "", 1 + i / 28, 1 + i % 28, 1 + i / 28, 1 + i % 28);
    put(&b, "]}");
    return b.p;
}

/* Every allocation an evaluation into a fresh workspace makes (the growth of its pools
 * beyond the engine's size), failed one at a time: VFY_E_NO_MEMORY, and the workspace
 * holds no decision (every dimension reads officer_review, nothing is written). */
Test(cov2_reval, evaluation_out_of_memory_holds_no_decision, .timeout = 120)
{
    char *set = big_set(), *cs = big_case();
    const char *sets[] = { set, NULL };
    vfy_rules_engine *e = engine_of(sets);
    vfy_rules_case *c = case_of(cs);
    /* The unfailed decision, for its shape: every input the history rules lack. */
    json_t *r = decide_on(e, cs, NULL, NULL);
    cr_assert_str_eq(rules_modality(r, "fee"), "officer_review");
    cr_assert(rules_missing_has(r, "fee", "visa_history[63].lawful_use"));
    cr_assert_eq(json_array_size(json_object_get(val(r, "evidence"), "waived")), 9 * 16);
    cr_assert_eq(json_array_size(json_object_get(rules_dim(r, "fee"), "open_points")), 17 * 8);
    cr_assert_eq(json_array_size(json_object_get(rules_dim(r, "validity"), "alternatives")), 60);
    json_decref(r);
    unsigned long n = 1, fired_runs = 0;
    for (;; n++) {
        vfy_rules_workspace *w;
        cr_assert_eq(vfy_rules_workspace_new(e, &w), VFY_OK);
        vfy_detail d;
        vfy_detail_clear(&d);
        fault_arm(n);
        fault_enter();
        vfy_status s = vfy_rules_evaluate_into(e, c, NULL, w, &d);
        fault_leave();
        bool fired;
        fault_disarm(&fired);
        if (!fired) {
            cr_assert_eq(s, VFY_OK, "%s", d.message);
            vfy_rules_workspace_free(w);
            break;
        }
        fired_runs++;
        cr_assert_eq(s, VFY_E_NO_MEMORY, "allocation %lu: %s", n, vfy_status_name(s));
        for (int dim = 0; dim < VFY_RULES_DIM_COUNT; dim++)
            cr_assert_eq(vfy_rules_workspace_modality(w, (vfy_rules_dimension)dim), VFY_MODALITY_OFFICER_REVIEW);
        cr_assert_eq(vfy_rules_workspace_write(w, 0, NULL, stdout), VFY_E_NOT_FOUND);
        vfy_rules_workspace_free(w);
    }
    cr_assert_gt(fired_runs, 5, "only %lu allocations to fail", fired_runs);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
    free(set);
    free(cs);
}

/* The same through vfy_rules_evaluate (workspace, evaluation, the document): each
 * failure gives VFY_E_NO_MEMORY and no decision; the run that fails nothing gives the
 * unfailed text byte for byte. */
Test(cov2_reval, decision_out_of_memory_gives_no_decision, .timeout = 120)
{
    char *set = big_set(), *cs = big_case();
    const char *sets[] = { set, NULL };
    vfy_rules_engine *e = engine_of(sets);
    vfy_rules_case *c = case_of(cs);
    vfy_rules_decision *dec;
    cr_assert_eq(vfy_rules_evaluate(e, c, NULL, &dec, NULL), VFY_OK);
    char *want = vfy_rules_decision_json(dec, 0);
    vfy_rules_decision_free(dec);
    unsigned long fired_runs = 0;
    for (unsigned long n = 1;; n++) {
        dec = NULL;
        fault_arm(n);
        fault_enter();
        vfy_status s = vfy_rules_evaluate(e, c, NULL, &dec, NULL);
        fault_leave();
        bool fired;
        fault_disarm(&fired);
        if (!fired) {
            cr_assert_eq(s, VFY_OK);
            char *got = vfy_rules_decision_json(dec, 0);
            cr_assert_str_eq(got, want);
            free(got);
            vfy_rules_decision_free(dec);
            break;
        }
        fired_runs++;
        cr_assert_eq(s, VFY_E_NO_MEMORY, "allocation %lu: %s", n, vfy_status_name(s));
        cr_assert_null(dec);
    }
    cr_assert_gt(fired_runs, 10);
    free(want);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
    free(set);
    free(cs);
}

/* Every allocation of building an engine (the plan: code table and bitsets, vocabulary,
 * "unless" references, category numbers, per-kind indices, superseders, suspension
 * hits, the written fragments and metadata) failed one at a time: VFY_E_NO_MEMORY and
 * no engine. The code lists come first from a set's scope, a rule's, a category's or a
 * suspension's predicates in turn, so that the table fails at each. */
static void build_sweep(const char *const *sets)
{
    unsigned long fired_runs = 0;
    for (unsigned long n = 1;; n++) {
        vfy_rules_builder *b = builder_of(sets);
        vfy_rules_engine *e = NULL;
        vfy_detail d;
        vfy_detail_clear(&d);
        fault_arm(n);
        fault_enter();
        vfy_status s = vfy_rules_build(b, &e, &d);
        fault_leave();
        bool fired;
        fault_disarm(&fired);
        if (!fired) {
            cr_assert_eq(s, VFY_OK, "%s", d.message);
            cr_assert_not_null(e);
            vfy_rules_engine_free(e);
            break;
        }
        fired_runs++;
        cr_assert_eq(s, VFY_E_NO_MEMORY, "allocation %lu: %s", n, vfy_status_name(s));
        cr_assert_null(e);
    }
    cr_assert_gt(fired_runs, 5);
}

Test(cov2_reval, engine_build_out_of_memory, .timeout = 120)
{
    char *set = big_set();
    const char *big[] = { set, SUSP_BASE, NULL };
    build_sweep(big);
    free(set);
    const char *rule_codes[] = {
        SET("T-R", BASE ",'rules':[" VISA "," FEE("f", 100, "charged", ",'when':{'nationalities':['KAZ']}") "]"), NULL,
    };
    build_sweep(rule_codes);
    const char *cat_codes[] = {
        SET("T-C", BASE ",'categories':[{'id':'k','legal_ref':'x','confidence':'V','when':{'nationalities':['KAZ']},"
            "'evidence':[['ev_k']]}],'rules':[" VISA "]"), NULL,
    };
    build_sweep(cat_codes);
    const char *susp_codes[] = {
        SET("T-S", BASE ",'rules':[" VISA "],'suspensions':[{'id':'s','legal_ref':'x','confidence':'V','anchor':'lodging',"
            "'from':'2020-01-01','when':{'nationalities':['KAZ'],'unless_categories':['k']},'rulesets':['T-S'],'rules':['visa']}]"), NULL,
    };
    build_sweep(susp_codes);
}

/* ---- internal helpers ------------------------------------------------------------ */

/* rw_int (rules/writer.h) prints any long long as %lld does, the most negative too
 * (the decisions only print non-negative numbers: the data bounds them). */
Test(cov2_reval, rw_int_prints_every_long_long)
{
    const long long v[] = { 0, 7, -1, -42, 1234567890123LL, LLONG_MAX, LLONG_MIN };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        struct rw w = { 0 };
        rw_int(&w, v[i]);
        rw_raw(&w, "", 1);
        cr_assert(!w.failed);
        char want[32];
        snprintf(want, sizeof want, "%lld", v[i]);
        cr_assert_str_eq(w.buf, want);
        free(w.buf);
    }
}

/* rs_category_name (rules/engine.h) on an engine that defines no category: no number. */
Test(cov2_reval, category_name_in_an_engine_without_categories)
{
    const char *sets[] = { SET("T-BASE", BASE ",'rules':[" VISA "]"), NULL };
    vfy_rules_engine *e = engine_of(sets);
    cr_assert_eq(rs_category_name(e, "student"), -1);
    vfy_rules_engine_free(e);
    const char *with[] = { SET("T-BASE", BASE "," EV_CATS "'rules':[" VISA "]"), NULL };
    e = engine_of(with);
    cr_assert_eq(rs_category_name(e, "cat_a"), 0);
    cr_assert_eq(rs_category_name(e, "cat_b"), 1);
    cr_assert_eq(rs_category_name(e, "cat_c"), -1);
    vfy_rules_engine_free(e);
}

/* §3: categories and evidence ids come from the rule sets that apply, and a claim's
 * category holds only when one evidence group is complete (§1.2). A set that has
 * expired still names its evidence, but a case cannot: 'ev_x' is refused at its JSON
 * path. "Unless cat_x" reads cat_x's first definition in the engine (§1.1), here the
 * expired set's, whose only group asks for ev_a and ev_x: a claim of ev_a alone does
 * not complete it, so the blank-pages check binds and fails (the applying set's own
 * cat_x asks for ev_a only, which is why the claim is accepted at all). */
Test(cov2_reval, evidence_of_a_set_that_does_not_apply_is_outside_the_vocabulary)
{
    const char *sets[] = {
        SETS("T-EXP", "expired", BASE ",'categories':[{'id':'cat_x','legal_ref':'test',"
             "'confidence':'V','evidence':[['ev_a','ev_x']]},{'id':'cat_y','legal_ref':'test',"
             "'confidence':'V','evidence':[['ev_a']]}],'rules':["
             FEE("fee-x", 0, "waived_mandatory", ",'when':{'categories':['cat_x']}") "]"),
        SET("T-BASE", BASE ",'categories':[{'id':'cat_x','legal_ref':'test','confidence':'V','evidence':[['ev_a']]}],"
            "'rules':[" VISA "," FEE("fee-std", 8000, "charged", "") ","
            CHECK("chk-pages", "'kind':'blank_pages','pages':50,'on_fail':'inadmissible'",
                  ",'when':{'unless_categories':['cat_x']}") "]"),
        NULL,
    };
    vfy_rules_engine *e = engine_of(sets);
    json_t *r = decide_on(e, "{" TRAV ",'application':{" DATES ",'destination':'DEU',"
                          "'claims':[{'category':'cat_x','evidence':['ev_a'],'verified':true}]}}", NULL, NULL);
    cr_assert_str_eq(rules_result(r, "admissible", "chk-pages"), "failed");
    cr_assert(json_is_false(val(r, "admissible")));
    cr_assert_null(step_any(r, "fee", "fee-x"));
    json_decref(r);
    vfy_rules_case *c = case_of("{" TRAV ",'application':{" DATES ",'destination':'DEU',"
                                "'claims':[{'category':'cat_x','evidence':['ev_x'],'verified':true}]}}");
    vfy_rules_decision *dec = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_evaluate(e, c, NULL, &dec, &d), VFY_E_CASE_VOCABULARY);
    cr_assert_str_eq(d.field, "$.application.claims[0].evidence[0]");
    cr_assert_null(dec);
    vfy_rules_case_free(c);
    /* A category only the expired set defines has a number among the engine's ids, yet
     * no set that applies defines it: a claim of it is outside the vocabulary too. */
    c = case_of("{" TRAV ",'application':{" DATES ",'destination':'DEU',"
                "'claims':[{'category':'cat_y','evidence':['ev_a'],'verified':true}]}}");
    cr_assert_geq(rs_category_name(e, "cat_y"), 0);
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_evaluate(e, c, NULL, &dec, &d), VFY_E_CASE_VOCABULARY);
    cr_assert_str_eq(d.field, "$.application.claims[0].category");
    cr_assert_null(dec);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
}
