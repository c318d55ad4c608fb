#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "test_rules_support.h"

static const char *const shipped[] = {
    "data/rules/eu-2018-1806.json", "data/rules/eu-vc-2020.json", "data/rules/eu-vc-2024.json",
    "data/rules/eu-sbc-2016-399.json", "data/rules/eu-vc-2010.json", "data/rules/eu-dir-2004-38.json",
    "data/rules/eu-am-vfa.json", "data/rules/eu-by-vfa.json", "data/rules/eu-kz-vfa-hypothetical.json",
};

vfy_rules_trust *rules_dev_trust(void)
{
    char path[4096];
    size_t len;
    uint8_t *buf = read_file_or_fail(repo_path(RULES_DEV_PUB, path, sizeof path), &len);
    vfy_rules_trust *t = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_trust_load(buf, len, &t, &d), VFY_OK, "%s", d.message);
    free(buf);
    return t;
}

static void add_file(vfy_rules_builder *b, const char *rel)
{
    char path[4096];
    size_t len;
    uint8_t *buf = read_file_or_fail(repo_path(rel, path, sizeof path), &len);
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_rules_builder_add(b, buf, len, rel, &d);
    free(buf);
    cr_assert(s == VFY_OK || s == VFY_E_RULES_STATUS, "%s: %s: %s", rel, vfy_status_name(s), d.message);
}

/* The trust store must outlive the engine's builder only; engines do not keep it. */
vfy_rules_engine *rules_engine(vfy_rules_mode mode, const char *const *extra)
{
    vfy_rules_trust *trust = rules_dev_trust();
    vfy_rules_builder *b;
    cr_assert_eq(vfy_rules_builder_new(mode, trust, &b), VFY_OK);
    /* The shipped data is signed with the development key: accepted by the explicit
     * override, which every decision then reports (tests/test_rules_signature.c checks
     * the refusal without it). */
    cr_assert_eq(vfy_rules_builder_allow_development_key(b), VFY_OK);
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++)
        add_file(b, shipped[i]);
    for (size_t i = 0; extra != NULL && extra[i] != NULL; i++)
        add_file(b, extra[i]);
    vfy_rules_engine *e;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_build(b, &e, &d), VFY_OK, "%s", d.message);
    vfy_rules_trust_free(trust);
    return e;
}

vfy_rules_case *rules_case(const char *name)
{
    char rel[256], path[4096];
    snprintf(rel, sizeof rel, "tests/data/rules/cases/%s.json", name);
    size_t len;
    uint8_t *buf = read_file_or_fail(repo_path(rel, path, sizeof path), &len);
    vfy_rules_case *c;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_case_parse(buf, len, &c, &d), VFY_OK, "%s: %s", name, d.message);
    free(buf);
    return c;
}

json_t *rules_api(vfy_rules_mode mode, const char *const *extra, const char *name)
{
    vfy_rules_engine *e = rules_engine(mode, extra);
    vfy_rules_case *c = rules_case(name);
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_rules_decision *dec;
    cr_assert_eq(vfy_rules_evaluate(e, c, NULL, &dec, &d), VFY_OK, "%s", d.message);
    char *text = vfy_rules_decision_json(dec, 0);
    cr_assert_not_null(text);
    json_error_t err;
    json_t *root = json_loads(text, 0, &err);
    cr_assert_not_null(root, "decision JSON does not parse: %s", err.text);
    free(text);
    vfy_rules_decision_free(dec);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
    return root;
}

json_t *rules_cli(vfy_rules_mode mode, const char *const *extra, const char *name)
{
    char cmd[8192], path[4096], trust[4096];
    int n = snprintf(cmd, sizeof cmd, "%s rules eval --json%s --allow-development-key --trust %s --rules %s", vfy_bin(),
                     mode == VFY_RULES_TEST ? " --test-mode" : "", repo_path(RULES_DEV_PUB, trust, sizeof trust),
                     repo_path("data/rules", path, sizeof path));
    for (size_t i = 0; extra != NULL && extra[i] != NULL; i++)
        n += snprintf(cmd + n, sizeof cmd - (size_t)n, " %s", repo_path(extra[i], path, sizeof path));
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/rules/cases/%s.json", name);
    snprintf(cmd + n, sizeof cmd - (size_t)n, " --case %s 2>/dev/null", repo_path(rel, path, sizeof path));
    char *out = NULL;
    int rc = run_capture(cmd, &out);
    json_error_t err;
    json_t *root = json_loads(out, 0, &err);
    free(out);
    cr_assert_eq(rc, 0, "%s exited %d", cmd, rc);
    cr_assert_not_null(root, "vfy output is not JSON (%s)", err.text);
    return root;
}

json_t *rules_dim(json_t *root, const char *dim)
{
    json_t *d = json_object_get(json_object_get(root, "decision"), dim);
    cr_assert_not_null(d, "decision has no dimension %s", dim);
    return d;
}

bool rules_missing_has(json_t *root, const char *dim, const char *path)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(rules_dim(root, dim), "missing"), i, v)
        if (strcmp(json_string_value(v), path) == 0)
            return true;
    return false;
}

const char *rules_modality(json_t *root, const char *dim)
{
    return json_string_value(json_object_get(rules_dim(root, dim), "modality"));
}

json_t *rules_step(json_t *root, const char *dim, const char *rule)
{
    size_t i;
    json_t *st;
    json_array_foreach(json_object_get(rules_dim(root, dim), "trail"), i, st) {
        const char *r = json_string_value(json_object_get(st, "rule"));
        const char *res = json_string_value(json_object_get(st, "result"));
        /* Sets out of force at the anchor leave steps too; prefer the one that applied. */
        if (r != NULL && strcmp(r, rule) == 0 && res != NULL && strcmp(res, "not_in_force") != 0)
            return st;
    }
    return NULL;
}

const char *rules_result(json_t *root, const char *dim, const char *rule)
{
    json_t *st = rules_step(root, dim, rule);
    const char *r = st != NULL ? json_string_value(json_object_get(st, "result")) : NULL;
    return r != NULL ? r : "";
}

json_t *rules_alternative(json_t *root, const char *dim, const char *rule)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(rules_dim(root, dim), "alternatives"), i, a) {
        const char *r = json_string_value(json_object_get(a, "rule"));
        if (r != NULL && strcmp(r, rule) == 0)
            return a;
    }
    return NULL;
}
