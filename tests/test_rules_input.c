/*
 * A closed vocabulary for input (issue 11): nationality and issuing state from ICAO
 * Doc 9303-3, destination from the Schengen states, categories and evidence ids from
 * the rule sets in force, dates that can be. Anything else is refused with the exact
 * status and the JSON path (tests/data/rules/malformed/expected.json), through the C
 * API and through `vfy rules eval` (exit 2). `--batch` holds one bounded line at a time.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "test_rules_support.h"

static vfy_status status_named(const char *name)
{
    if (strcmp(name, "VFY_E_CASE_PARSE") == 0)
        return VFY_E_CASE_PARSE;
    if (strcmp(name, "VFY_E_CASE_VOCABULARY") == 0)
        return VFY_E_CASE_VOCABULARY;
    if (strcmp(name, "VFY_E_CASE_INCOMPLETE") == 0)
        return VFY_E_CASE_INCOMPLETE;
    cr_assert_fail("unknown status %s", name);
    return VFY_OK;
}

Test(rules_input, every_malformed_case_is_refused_with_its_path, .timeout = 60)
{
    char path[4096];
    json_t *expected = json_load_file(repo_path("tests/data/rules/malformed/expected.json", path, sizeof path), 0, NULL);
    cr_assert_not_null(expected);
    cr_assert_geq(json_object_size(expected), 20);
    vfy_rules_engine *e = rules_engine(VFY_RULES_PRODUCTION, NULL);
    const char *name;
    json_t *want;
    json_object_foreach(expected, name, want) {
        char rel[512];
        snprintf(rel, sizeof rel, "tests/data/rules/malformed/%s.json", name);
        size_t len;
        uint8_t *buf = read_file_or_fail(repo_path(rel, path, sizeof path), &len);
        vfy_status st = status_named(json_string_value(json_object_get(want, "status")));
        const char *at = json_string_value(json_object_get(want, "path"));
        vfy_rules_case *c = NULL;
        vfy_detail d;
        vfy_detail_clear(&d);
        vfy_status s = vfy_rules_case_parse(buf, len, &c, &d);
        free(buf);
        vfy_rules_decision *dec = NULL;
        if (s == VFY_OK)
            s = vfy_rules_evaluate(e, c, NULL, &dec, &d);
        vfy_rules_case_free(c);
        cr_assert_null(dec, "%s: a decision for a malformed case", name);
        cr_assert_eq(s, st, "%s: %s instead of %s (%s)", name, vfy_status_name(s), vfy_status_name(st), d.message);
        cr_assert(strstr(d.field, at) != NULL || strstr(d.message, at) != NULL, "%s: path %s not named: %s / %s",
                  name, at, d.field, d.message);
        char cmd[16384], p1[4096], p2[4096];
        snprintf(cmd, sizeof cmd, "%s rules eval --json --allow-development-key --trust %s --rules %s --case %s >/dev/null 2>&1", vfy_bin(),
                 repo_path(RULES_DEV_PUB, p1, sizeof p1), repo_path("data/rules", p2, sizeof p2),
                 repo_path(rel, path, sizeof path));
        cr_assert_eq(run_capture(cmd, NULL), 2, "%s: vfy rules eval", name);
    }
    vfy_rules_engine_free(e);
    json_decref(expected);
}

/* The same cases with a valid input beside them decide: the refusals are about the
 * malformed member, not about the case as a whole. */
Test(rules_input, valid_codes_pass)
{
    vfy_rules_engine *e = rules_engine(VFY_RULES_PRODUCTION, NULL);
    const char *ok[] = {
        "{\"traveller\":{\"nationality\":\"XXA\"},\"application\":{\"destination\":\"CHE\"}}",
        "{\"traveller\":{\"nationality\":\"RKS\"},\"application\":{\"destination\":\"BGR\"}}",
        "{\"traveller\":{\"nationality\":\"GBN\"},\"application\":{\"destination\":\"LIE\"}}",
        "{\"traveller\":{\"nationality\":\"KAZ\"},\"application\":{\"claims\":[{\"category\":\"student\",\"evidence\":[\"student_card\"]}]}}",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        vfy_rules_case *c = NULL;
        vfy_detail d;
        vfy_detail_clear(&d);
        cr_assert_eq(vfy_rules_case_parse(ok[i], strlen(ok[i]), &c, &d), VFY_OK, "%s: %s", ok[i], d.message);
        vfy_rules_decision *dec = NULL;
        cr_assert_eq(vfy_rules_evaluate(e, c, NULL, &dec, &d), VFY_OK, "%s: %s", ok[i], d.message);
        vfy_rules_decision_free(dec);
        vfy_rules_case_free(c);
    }
    vfy_rules_engine_free(e);
}

/* An over-long --batch line (8 MiB) is refused without being held: the next line is
 * still decided, and the process never holds much more than one bounded line. */
Test(rules_input, batch_lines_are_bounded, .timeout = 60)
{
    char tmp[] = "/tmp/vfy-batch-XXXXXX";
    int fd = mkstemp(tmp);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"case_id\":\"", f);
    for (size_t i = 0; i < (8u << 20) / 64; i++)
        fputs("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", f);
    fputs("\"}\n{\"case_id\":\"second\",\"traveller\":{\"nationality\":\"KAZ\"}}\n", f);
    fclose(f);
    char cmd[16384], p1[4096], p2[4096], rss[] = "/tmp/vfy-rss-XXXXXX";
    int rfd = mkstemp(rss);
    cr_assert_geq(rfd, 0);
    close(rfd);
    snprintf(cmd, sizeof cmd, "/usr/bin/time -f PEAK=%%M -o %s %s rules eval --allow-development-key --trust %s --rules %s --batch %s 2>/dev/null",
             rss, vfy_bin(), repo_path(RULES_DEV_PUB, p1, sizeof p1), repo_path("data/rules", p2, sizeof p2), tmp);
    char *out = NULL;
    int rc = run_capture(cmd, &out);
    cr_assert_eq(rc, 2, "an over-long line makes the batch exit 2");
    cr_assert_not_null(strstr(out, "\"line\":1"), "%.200s", out);
    cr_assert_not_null(strstr(out, "VFY_E_LIMIT"));
    /* The refusal is the one error shape (libverify.error/1) with its line number. */
    json_t *first = json_loadb(out, strcspn(out, "\n"), 0, NULL);
    cr_assert_not_null(first, "%.200s", out);
    cr_expect_str_eq(json_string_value(json_object_get(first, "schema")), "libverify.error/1");
    cr_expect_str_eq(json_string_value(json_object_get(first, "code")), "VFY_E_LIMIT");
    cr_expect_eq(json_integer_value(json_object_get(first, "status")), VFY_E_LIMIT);
    cr_expect_eq(json_integer_value(json_object_get(first, "line")), 1);
    json_decref(first);
    cr_assert_not_null(strstr(out, "\"case_id\":\"second\""), "the line after is still decided");
    free(out);
    size_t len;
    uint8_t *kb = read_file_or_fail(rss, &len);
    kb[len < 60 ? len : 59] = '\0'; /* the helper's buffer is at least 64 KiB */
    const char *m = strstr((const char *)kb, "PEAK=");
    long peak_kib = m != NULL ? strtol(m + 5, NULL, 10) : 0;
    free(kb);
    /* Under ASan the process starts at tens of MiB; an 8 MiB line read whole would show
     * as 8 MiB more than the bound. The line buffer is 64 KiB. */
    cr_assert_gt(peak_kib, 0);
    snprintf(cmd, sizeof cmd, "/usr/bin/time -f PEAK=%%M -o %s %s rules eval --allow-development-key --trust %s --rules %s --batch /dev/null 2>/dev/null",
             rss, vfy_bin(), repo_path(RULES_DEV_PUB, p1, sizeof p1), repo_path("data/rules", p2, sizeof p2));
    run_capture(cmd, NULL);
    kb = read_file_or_fail(rss, &len);
    kb[len < 60 ? len : 59] = '\0';
    m = strstr((const char *)kb, "PEAK=");
    long base_kib = m != NULL ? strtol(m + 5, NULL, 10) : 0;
    free(kb);
    cr_assert_lt(peak_kib - base_kib, 4096, "peak %ld KiB against %ld KiB without input", peak_kib, base_kib);
    unlink(rss);
    unlink(tmp);
}
