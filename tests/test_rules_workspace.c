/*
 * The workspace (issue 11, speed): a decision kept as data and written by the one
 * serializer. Every line it writes must be the library's document byte for byte; the
 * compact form must be the full form without its full-only members, byte for byte; a
 * --batch with --header must carry the metadata once and lines that validate; and a
 * workspace never hands out a decision it does not hold (a refused case after a
 * decided one leaves nothing to write).
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/record.h" /* the decision counter, to make it wrap */
#include "support.h"
#include "test_rules_support.h"

static const char *const extra[] = { RULES_UTO_OVERLAY, RULES_DEU_BILATERAL, NULL };

/* The names of tests/data/rules/cases/ (without .json), NULL-terminated. */
static char **case_names(void)
{
    char dir[4096];
    DIR *dp = opendir(repo_path("tests/data/rules/cases", dir, sizeof dir));
    cr_assert_not_null(dp);
    char **names = calloc(256, sizeof *names);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL && n < 255) {
        size_t len = strlen(de->d_name);
        if (len > 5 && strcmp(de->d_name + len - 5, ".json") == 0)
            names[n++] = strndup(de->d_name, len - 5);
    }
    closedir(dp);
    cr_assert_gt(n, 40, "the shipped cases are there");
    return names;
}

static void free_names(char **names)
{
    for (size_t i = 0; names[i] != NULL; i++)
        free(names[i]);
    free(names);
}

/* What vfy_rules_workspace_write writes, as a string. */
static char *written(vfy_rules_workspace *ws, unsigned flags, const char *members)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    cr_assert_eq(vfy_rules_workspace_write(ws, flags, members, f), VFY_OK);
    fclose(f);
    return buf;
}

/* The API's document for a case, one line. */
static char *api_text(const vfy_rules_engine *e, const vfy_rules_case *c, const vfy_rules_eval_options *o)
{
    vfy_rules_decision *dec = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    if (vfy_rules_evaluate(e, c, o, &dec, &d) != VFY_OK)
        return NULL;
    char *t = vfy_rules_decision_json(dec, 0);
    vfy_rules_decision_free(dec);
    return t;
}

/* Every shipped case, both modes, compact and full, with and without personal data:
 * the workspace writes the API's document, and without the metadata the same text with
 * "rulesets" and "rejected" left out. */
Test(rules_workspace, lines_are_the_api_document_byte_for_byte, .timeout = 60)
{
    char **names = case_names();
    size_t compared = 0;
    for (int mode = 0; mode < 2; mode++) {
        vfy_rules_engine *e = rules_engine(mode ? VFY_RULES_TEST : VFY_RULES_PRODUCTION, mode ? extra : NULL);
        vfy_rules_workspace *ws;
        cr_assert_eq(vfy_rules_workspace_new(e, &ws), VFY_OK);
        for (size_t i = 0; names[i] != NULL; i++) {
            vfy_rules_case *c = rules_case(names[i]);
            for (int form = 0; form < 4; form++) {
                vfy_rules_eval_options o = { .compact_trail = form & 1, .include_pii = form & 2 };
                char *api = api_text(e, c, &o);
                vfy_detail d;
                vfy_detail_clear(&d);
                vfy_status s = vfy_rules_evaluate_into(e, c, &o, ws, &d);
                cr_assert_eq(s == VFY_OK, api != NULL, "%s: the workspace and the API agree on refusing", names[i]);
                if (api == NULL)
                    continue;
                char *line = written(ws, 0, NULL);
                size_t n = strlen(api);
                cr_assert(strncmp(line, api, n) == 0 && strcmp(line + n, "\n") == 0,
                          "%s (mode %d, form %d): the line differs from vfy_rules_decision_json", names[i], mode, form);
                free(line);
                /* Without the metadata: "{" and the document from "test_mode" on. */
                const char *rest = strstr(api, ",\"test_mode\":");
                cr_assert_not_null(rest);
                line = written(ws, VFY_RULES_JSON_NO_METADATA, "\"case_id\":\"x\",\"line\":7");
                char *expect = NULL;
                cr_assert_gt(asprintf(&expect, "{%.*s,\"case_id\":\"x\",\"line\":7}\n", (int)(n - 1 - (size_t)(rest + 1 - api)),
                                      rest + 1), 0);
                cr_assert_str_eq(line, expect, "%s: the line without metadata", names[i]);
                free(expect);
                free(line);
                vfy_free(api);
                compared++;
            }
            vfy_rules_case_free(c);
        }
        vfy_rules_workspace_free(ws);
        vfy_rules_engine_free(e);
    }
    cr_assert_gt(compared, 300);
    free_names(names);
}

/* Removes the members only the full trail has: the rule steps' version, digest,
 * legal_ref, anchor, anchor_date, confidence, note and predicates (the step of rules
 * for other nationalities keeps its version and digest in both forms), the legend and
 * categories_available. */
static void strip_full(json_t *root)
{
    static const char *const step_only[] = { "version", "digest", "legal_ref", "anchor", "anchor_date",
                                             "confidence", "note", "predicates" };
    json_object_del(root, "legend");
    const char *k;
    json_t *dim;
    json_object_foreach(json_object_get(root, "decision"), k, dim) {
        json_object_del(dim, "categories_available");
        size_t i;
        json_t *st;
        json_array_foreach(json_object_get(dim, "trail"), i, st) {
            if (json_object_get(st, "rule") == NULL)
                continue;
            for (size_t m = 0; m < sizeof step_only / sizeof step_only[0]; m++)
                json_object_del(st, step_only[m]);
        }
    }
}

/* Where the compact and the full forms overlap they are the same bytes: the full
 * document without its full-only members, dumped in its order, is the compact one. */
Test(rules_workspace, compact_is_full_without_its_extra_members, .timeout = 60)
{
    char **names = case_names();
    vfy_rules_engine *e = rules_engine(VFY_RULES_TEST, extra);
    for (size_t i = 0; names[i] != NULL; i++) {
        vfy_rules_case *c = rules_case(names[i]);
        vfy_rules_eval_options full = { .compact_trail = false }, compact = { .compact_trail = true };
        char *f = api_text(e, c, &full), *s = api_text(e, c, &compact);
        vfy_rules_case_free(c);
        cr_assert_eq(f == NULL, s == NULL);
        if (f == NULL)
            continue;
        json_t *root = json_loads(f, 0, NULL);
        cr_assert_not_null(root);
        strip_full(root);
        char *stripped = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
        cr_assert_str_eq(stripped, s, "%s: compact differs from full where they overlap", names[i]);
        cr_assert_lt(strlen(s), strlen(f), "%s: the full form has more", names[i]);
        free(stripped);
        json_decref(root);
        free(f);
        free(s);
    }
    vfy_rules_engine_free(e);
    free_names(names);
}

/* The accessors of a workspace say what the API's decision says. */
Test(rules_workspace, accessors_match_the_decision, .timeout = 60)
{
    char **names = case_names();
    vfy_rules_engine *e = rules_engine(VFY_RULES_TEST, extra);
    vfy_rules_workspace *ws;
    cr_assert_eq(vfy_rules_workspace_new(e, &ws), VFY_OK);
    for (size_t i = 0; names[i] != NULL; i++) {
        vfy_rules_case *c = rules_case(names[i]);
        vfy_rules_decision *dec = NULL;
        vfy_rules_eval_options o = { .compact_trail = true };
        if (vfy_rules_evaluate(e, c, &o, &dec, NULL) != VFY_OK) {
            vfy_rules_case_free(c);
            continue;
        }
        cr_assert_eq(vfy_rules_evaluate_into(e, c, &o, ws, NULL), VFY_OK);
        for (int dim = 0; dim < VFY_RULES_DIM_COUNT; dim++) {
            vfy_rules_outcome out;
            cr_assert_eq(vfy_rules_decision_outcome(dec, (vfy_rules_dimension)dim, &out), VFY_OK);
            cr_assert_eq(vfy_rules_workspace_modality(ws, (vfy_rules_dimension)dim), out.modality, "%s", names[i]);
            cr_assert_eq(vfy_rules_workspace_trail_length(ws, (vfy_rules_dimension)dim), out.trail_length);
            for (size_t k = 0; k < out.trail_length; k++) {
                vfy_rules_step st;
                vfy_rules_trail_entry te;
                cr_assert_eq(vfy_rules_decision_step(dec, (vfy_rules_dimension)dim, k, &st), VFY_OK);
                cr_assert_eq(vfy_rules_workspace_step(ws, (vfy_rules_dimension)dim, k, &te), VFY_OK);
                cr_assert_eq(te.result, st.result, "%s %d/%zu", names[i], dim, k);
                if (st.ruleset == NULL) {
                    cr_assert_eq(te.ruleset, SIZE_MAX);
                    continue;
                }
                vfy_rules_set_info info;
                cr_assert_eq(vfy_rules_engine_set(e, te.ruleset, &info), VFY_OK);
                cr_assert_str_eq(info.id, st.ruleset);
                cr_assert_eq(te.rule == SIZE_MAX, st.rule == NULL);
            }
            vfy_rules_trail_entry te;
            cr_assert_eq(vfy_rules_workspace_step(ws, (vfy_rules_dimension)dim, out.trail_length, &te), VFY_E_NOT_FOUND);
        }
        vfy_rules_decision_free(dec);
        vfy_rules_case_free(c);
    }
    vfy_rules_workspace_free(ws);
    vfy_rules_engine_free(e);
    free_names(names);
}

/* Fail closed: a refused case leaves no decision in the workspace, not the previous
 * one (which belongs to another person); a workspace made for another engine is
 * refused. */
Test(rules_workspace, a_refused_case_leaves_nothing_to_write)
{
    vfy_rules_engine *e = rules_engine(VFY_RULES_PRODUCTION, NULL), *other = rules_engine(VFY_RULES_TEST, NULL);
    vfy_rules_workspace *ws, *ws_other;
    cr_assert_eq(vfy_rules_workspace_new(e, &ws), VFY_OK);
    cr_assert_eq(vfy_rules_workspace_new(other, &ws_other), VFY_OK);
    vfy_rules_case *good = rules_case("e01-adult-tourist");
    cr_assert_eq(vfy_rules_evaluate_into(e, good, NULL, ws, NULL), VFY_OK);
    cr_assert_eq(vfy_rules_workspace_modality(ws, VFY_RULES_DIM_FEE), VFY_MODALITY_SHALL);

    static const char nobody[] = "{\"application\":{\"dates\":{\"lodging\":\"2025-12-10\"},\"destination\":\"DEU\"}}";
    vfy_rules_case *c;
    cr_assert_eq(vfy_rules_case_parse(nobody, sizeof nobody - 1, &c, NULL), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_evaluate_into(e, c, NULL, ws, &d), VFY_E_CASE_INCOMPLETE);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(vfy_rules_workspace_write(ws, 0, NULL, f), VFY_E_NOT_FOUND);
    fclose(f);
    cr_assert_eq(len, 0, "nothing was written");
    free(buf);
    for (int dim = 0; dim < VFY_RULES_DIM_COUNT; dim++) {
        cr_assert_eq(vfy_rules_workspace_modality(ws, (vfy_rules_dimension)dim), VFY_MODALITY_OFFICER_REVIEW);
        cr_assert_eq(vfy_rules_workspace_trail_length(ws, (vfy_rules_dimension)dim), 0);
    }
    vfy_rules_case_free(c);

    /* A category no set in force defines: refused the same way. */
    static const char unknown[] = "{\"traveller\":{\"nationality\":\"KAZ\"},\"application\":{\"claims\":"
                                  "[{\"category\":\"tourist\",\"evidence\":[]}]}}";
    cr_assert_eq(vfy_rules_evaluate_into(e, good, NULL, ws, NULL), VFY_OK);
    cr_assert_eq(vfy_rules_case_parse(unknown, sizeof unknown - 1, &c, NULL), VFY_OK);
    cr_assert_eq(vfy_rules_evaluate_into(e, c, NULL, ws, NULL), VFY_E_CASE_VOCABULARY);
    cr_assert_eq(vfy_rules_workspace_trail_length(ws, VFY_RULES_DIM_VISA_NEEDED), 0);
    vfy_rules_case_free(c);

    cr_assert_eq(vfy_rules_evaluate_into(e, good, NULL, ws_other, NULL), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_rules_workspace_new(NULL, &ws_other), VFY_E_INVALID_ARGUMENT);
    vfy_rules_case_free(good);
    vfy_rules_workspace_free(ws);
    vfy_rules_workspace_free(ws_other);
    vfy_rules_engine_free(e);
    vfy_rules_engine_free(other);
}

/* vfy rules eval --batch --header: a header line (its schema) carrying the rule sets
 * and refusals once, then decision lines that validate against the decision schema,
 * leave out the metadata, and are the API's documents otherwise. */
Test(rules_workspace, batch_header_line, .timeout = 60)
{
    char dir[] = "/tmp/vfy-batch-header-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[65536], a[4096], b[4096], r[4096], t[4096], root[4096], *out = NULL;
    repo_path("", root, sizeof root);
    snprintf(cmd, sizeof cmd,
             "(tr -d '\\n' < %s; echo; tr -d '\\n' < %s; echo) > %s/in.jsonl && "
             "%s rules eval --allow-development-key --rules %s --trust %s --batch %s/in.jsonl --header > %s/out.jsonl"
             " && head -n 1 %s/out.jsonl > %s/head.json && tail -n +2 %s/out.jsonl > %s/lines.jsonl && cat %s/out.jsonl",
             repo_path("tests/data/rules/cases/e05-lodged-2024-06-10.json", a, sizeof a),
             repo_path("tests/data/rules/cases/e11-business-three-lawful-visas.json", b, sizeof b), dir, vfy_bin(),
             repo_path("data/rules", r, sizeof r), repo_path(RULES_DEV_PUB, t, sizeof t), dir, dir, dir, dir, dir, dir,
             dir);
    cr_assert_eq(run_capture(cmd, &out), 0, "%s", out != NULL ? out : "");
    char *lines[3] = { out, NULL, NULL };
    for (int i = 1; i < 3; i++) {
        char *nl = strchr(lines[i - 1], '\n');
        cr_assert_not_null(nl);
        *nl = '\0';
        lines[i] = nl + 1;
    }
    json_t *head = json_loads(lines[0], 0, NULL), *first = json_loads(lines[1], 0, NULL);
    cr_assert(head != NULL && first != NULL);
    cr_assert_str_eq(json_string_value(json_object_get(head, "schema")), "libverify.rules-batch-header/1");
    cr_assert_str_eq(json_string_value(json_object_get(head, "library_version")), vfy_version());
    cr_assert_gt(json_array_size(json_object_get(head, "rulesets")), 5);
    cr_assert_eq(json_array_size(json_object_get(head, "rejected")), 1, "the hypothetical set, refused");
    cr_assert_null(json_object_get(first, "rulesets"), "the decisions leave the metadata out");
    cr_assert_null(json_object_get(first, "rejected"));
    cr_assert_str_eq(json_string_value(json_object_get(first, "case_id")), "E5a");
    cr_assert_eq(json_integer_value(json_object_get(first, "line")), 1);

    /* The header carries what the lines of the same batch without --header carry, and
     * each line is that line without it, byte for byte. */
    char *plain = NULL;
    snprintf(cmd, sizeof cmd, "%s rules eval --allow-development-key --rules %s --trust %s --batch %s/in.jsonl",
             vfy_bin(), r, t, dir);
    cr_assert_eq(run_capture(cmd, &plain), 0);
    char *nl = strchr(plain, '\n');
    cr_assert_not_null(nl);
    *nl = '\0';
    json_t *doc = json_loads(plain, 0, NULL);
    cr_assert_not_null(doc);
    cr_assert(json_equal(json_object_get(doc, "rulesets"), json_object_get(head, "rulesets")));
    cr_assert(json_equal(json_object_get(doc, "rejected"), json_object_get(head, "rejected")));
    const char *rest = strstr(plain, ",\"test_mode\":");
    cr_assert_not_null(rest);
    char *expect = NULL;
    cr_assert_gt(asprintf(&expect, "{%s", rest + 1), 0);
    cr_assert_str_eq(lines[1], expect);
    free(expect);
    json_decref(doc);
    free(plain);
    json_decref(head);
    json_decref(first);
    free(out);

    out = NULL;
    snprintf(cmd, sizeof cmd,
             "python3 %s/tests/tools/validate_json.py %s/docs/schema/rules-batch-header.schema.json --lines < %s/head.json 2>&1 && "
             "python3 %s/tests/tools/validate_json.py %s/docs/schema/rules-decision.schema.json --lines < %s/lines.jsonl 2>&1",
             root, root, dir, root, root, dir);
    cr_assert_eq(run_capture(cmd, &out), 0, "%s", out != NULL ? out : "");
    free(out);
    /* A decision without its metadata and outside a batch (no line) is not a document. */
    out = NULL;
    snprintf(cmd, sizeof cmd,
             "sed 's/,\"line\":[0-9]*}$/}/' %s/lines.jsonl | python3 %s/tests/tools/validate_json.py "
             "%s/docs/schema/rules-decision.schema.json --lines 2>&1",
             dir, root, root);
    cr_assert_eq(run_capture(cmd, &out), 1, "%s", out != NULL ? out : "");
    free(out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(run_capture(cmd, NULL), 0);
}

/* Every shipped case through one --batch --header run (test mode, with the hypothetical
 * sets): every decision line validates against the decision schema, and each is the
 * API's document for its case without the metadata, with its case_id and line. */
Test(rules_workspace, batch_of_every_case_validates_and_matches_the_api, .timeout = 60)
{
    char **names = case_names();
    char dir[] = "/tmp/vfy-batch-all-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[65536], r[4096], t[4096], o1[4096], o2[4096], root[4096], *out = NULL;
    repo_path("", root, sizeof root);
    size_t n = 0;
    int len = snprintf(cmd, sizeof cmd, "(");
    for (; names[n] != NULL; n++) {
        char rel[256], path[4096];
        snprintf(rel, sizeof rel, "tests/data/rules/cases/%s.json", names[n]);
        len += snprintf(cmd + len, sizeof cmd - (size_t)len, "tr -d '\\n' < %s; echo; ", repo_path(rel, path, sizeof path));
        cr_assert_lt((size_t)len, sizeof cmd - 4096);
    }
    snprintf(cmd + len, sizeof cmd - (size_t)len,
             ") > %s/in.jsonl && %s rules eval --test-mode --allow-development-key --rules %s %s %s --trust %s "
             "--batch %s/in.jsonl --header > %s/out.jsonl; tail -n +2 %s/out.jsonl | grep -v '\"libverify.error/1\"' "
             "> %s/lines.jsonl; cat %s/out.jsonl",
             dir, vfy_bin(), repo_path("data/rules", r, sizeof r), repo_path(RULES_UTO_OVERLAY, o1, sizeof o1),
             repo_path(RULES_DEU_BILATERAL, o2, sizeof o2), repo_path(RULES_DEV_PUB, t, sizeof t), dir, dir, dir,
             dir, dir);
    int rc = run_capture(cmd, &out);
    cr_assert(rc == 0 || rc == 2, "decided, and refused lines reported (%d)", rc);

    /* The engine as the command builds it: the .json files of data/rules in name order, then the
     * extras (the order of sets within a layer follows the order of loading). */
    char rules_dir[4096];
    struct dirent **entries = NULL;
    int n_entries = scandir(repo_path("data/rules", rules_dir, sizeof rules_dir), &entries, NULL, alphasort);
    cr_assert_gt(n_entries, 0);
    vfy_rules_trust *trust = rules_dev_trust();
    vfy_rules_builder *b;
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_TEST, trust, &b), VFY_OK);
    cr_assert_eq(vfy_rules_builder_allow_development_key(b), VFY_OK);
    for (int i = 0; i < n_entries + 2; i++) {
        char rel[512], path[4096];
        if (i >= n_entries)
            snprintf(rel, sizeof rel, "%s", i == n_entries ? RULES_UTO_OVERLAY : RULES_DEU_BILATERAL);
        else if (strlen(entries[i]->d_name) > 5 && strcmp(entries[i]->d_name + strlen(entries[i]->d_name) - 5, ".json") == 0)
            snprintf(rel, sizeof rel, "data/rules/%s", entries[i]->d_name);
        else
            continue;
        size_t flen;
        uint8_t *buf = read_file_or_fail(repo_path(rel, path, sizeof path), &flen);
        cr_assert_eq(vfy_rules_builder_add(b, buf, flen, rel, NULL), VFY_OK, "%s", rel);
        free(buf);
    }
    for (int i = 0; i < n_entries; i++)
        free(entries[i]);
    free(entries);
    vfy_rules_engine *e;
    cr_assert_eq(vfy_rules_build(b, &e, NULL), VFY_OK);
    vfy_rules_trust_free(trust);
    char *line = strchr(out, '\n');
    cr_assert_not_null(line, "a header line");
    line++;
    size_t decided = 0;
    for (size_t i = 0; i < n; i++) {
        char *next = strchr(line, '\n');
        cr_assert_not_null(next, "one line per case");
        *next = '\0';
        vfy_rules_case *c = rules_case(names[i]);
        vfy_rules_eval_options o = { .compact_trail = true };
        char *api = api_text(e, c, &o);
        vfy_rules_case_free(c);
        if (api == NULL) {
            cr_assert_not_null(strstr(line, "\"libverify.error/1\""), "%s: refused by both", names[i]);
        } else {
            const char *rest = strstr(api, ",\"test_mode\":");
            cr_assert_not_null(rest);
            json_t *doc = json_loads(line, 0, NULL);
            cr_assert_not_null(doc, "%s: the line is JSON", names[i]);
            json_t *id = json_object_get(doc, "case_id");
            char *idtext = json_dumps(id != NULL ? id : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
            json_decref(doc);
            char *expect = NULL;
            cr_assert_gt(asprintf(&expect, "{%.*s,\"case_id\":%s,\"line\":%zu}", (int)strlen(rest + 1) - 1, rest + 1,
                                  idtext, i + 1), 0);
            cr_assert_str_eq(line, expect, "%s: the batch line is not the API's document", names[i]);
            free(expect);
            free(idtext);
            decided++;
        }
        vfy_free(api);
        line = next + 1;
    }
    cr_assert_gt(decided, 30);
    vfy_rules_engine_free(e);
    free(out);
    out = NULL;
    snprintf(cmd, sizeof cmd,
             "python3 %s/tests/tools/validate_json.py %s/docs/schema/rules-decision.schema.json --lines < %s/lines.jsonl 2>&1",
             root, root, dir);
    cr_assert_eq(run_capture(cmd, &out), 0, "%s", out != NULL ? out : "");
    free(out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(run_capture(cmd, NULL), 0);
    free_names(names);
}

/* No allocation per decision: once a workspace has decided each case (its pools have
 * their size), deciding them all again, compact and full, allocates nothing. Counted
 * with AddressSanitizer's allocator hooks (the suite runs under ASan; skipped without). */
extern int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
                                                     void (*free_hook)(const volatile void *))
    __attribute__((weak));
static volatile size_t counted_mallocs;
static volatile bool counting;
static void on_malloc(const volatile void *p, size_t n)
{
    (void)p;
    (void)n;
    if (counting)
        counted_mallocs = counted_mallocs + 1;
}
static void on_free(const volatile void *p)
{
    (void)p;
}

Test(rules_workspace, deciding_allocates_nothing, .timeout = 60)
{
    if (__sanitizer_install_malloc_and_free_hooks == NULL)
        cr_skip_test("needs AddressSanitizer's allocator hooks");
    cr_assert_neq(__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free), 0);
    char **names = case_names();
    vfy_rules_engine *e = rules_engine(VFY_RULES_TEST, extra);
    vfy_rules_workspace *ws;
    cr_assert_eq(vfy_rules_workspace_new(e, &ws), VFY_OK);
    vfy_rules_case *cases[256];
    size_t n = 0;
    for (; names[n] != NULL; n++)
        cases[n] = rules_case(names[n]);
    /* The hooks see allocations: the counter moves when something allocates. */
    counting = true;
    free(malloc(16));
    counting = false;
    cr_assert_eq(counted_mallocs, 1);
    counted_mallocs = 0;
    size_t decided = 0;
    for (int full = 0; full < 2; full++) {
        vfy_rules_eval_options o = { .compact_trail = !full };
        for (size_t i = 0; i < n; i++) {
            vfy_status first = vfy_rules_evaluate_into(e, cases[i], &o, ws, NULL); /* the pools grow here */
            cr_assert(first == VFY_OK || first == VFY_E_CASE_INCOMPLETE || first == VFY_E_CASE_VOCABULARY);
        }
        counting = true;
        for (int round = 0; round < 3; round++)
            for (size_t i = 0; i < n; i++)
                decided += vfy_rules_evaluate_into(e, cases[i], &o, ws, NULL) == VFY_OK;
        counting = false;
        cr_assert_eq(counted_mallocs, 0, "%zu allocations while deciding (%s trail)", (size_t)counted_mallocs,
                     full ? "full" : "compact");
    }
    cr_assert_gt(decided, 6 * 30);
    for (size_t i = 0; i < n; i++)
        vfy_rules_case_free(cases[i]);
    vfy_rules_workspace_free(ws);
    vfy_rules_engine_free(e);
    free_names(names);
}

/* A workspace remembers each set's in-force gates for one decision, marked with the
 * decision's number (each set's scope is worked out as every decision begins); when that
 * number wraps after 2^32 decisions, nothing kept from an earlier decision may be read as
 * this one's. Cases on either side of the Visa Code's
 * 2020 and 2024 versions (other sets in force, other gates) are decided across the wrap
 * and must read exactly as in a fresh workspace. */
Test(rules_workspace, decisions_across_the_counter_wrap_read_as_in_a_fresh_workspace, .timeout = 60)
{
    static const char *const names[] = { "e05-lodged-2024-06-10", "e15-kaz-lodged-2027-03-01", "e01-adult-tourist",
                                         "bc-kaz-visa-held" };
    vfy_rules_engine *e = rules_engine(VFY_RULES_PRODUCTION, NULL);
    vfy_rules_workspace *ws;
    cr_assert_eq(vfy_rules_workspace_new(e, &ws), VFY_OK);
    vfy_rules_eval_options o = { .compact_trail = false };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (i == 1)
            ws->gen = UINT32_MAX; /* the next decision's number wraps */
        vfy_rules_case *c = rules_case(names[i]);
        char *api = api_text(e, c, &o);
        cr_assert_not_null(api, "%s is decided", names[i]);
        cr_assert_eq(vfy_rules_evaluate_into(e, c, &o, ws, NULL), VFY_OK);
        char *line = written(ws, 0, NULL);
        size_t n = strlen(api);
        cr_assert(strncmp(line, api, n) == 0 && strcmp(line + n, "\n") == 0,
                  "%s, decision %zu around the wrap: differs from a fresh workspace's", names[i], i);
        free(line);
        vfy_free(api);
        vfy_rules_case_free(c);
    }
    cr_assert_eq(ws->gen, 3u, "the counter restarted after the wrap");
    vfy_rules_workspace_free(ws);
    vfy_rules_engine_free(e);
}
