/*
 * The JSON tape that reads cases (core/json_tape.c) against jansson, the peer that read
 * them before: on every case the repository ships (valid and malformed), on hand-made
 * edges of RFC 8259, and on tens of thousands of deterministic mutations of them, both
 * accept the same documents, read the same values in the same order and write the same
 * compact text (fuzz/json_tape.c does the same with libFuzzer). Then the case parser
 * built on the tape: its refusals name the JSON path as before.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/json_common.h"
#include "core/json_tape.h"
#include "support.h"
#include "verify.h"

static void agree(const uint8_t *data, size_t len, const char *what, int *accepted)
{
    const char *why = json_tape_disagreement(data, len, accepted);
    cr_assert_null(why, "%s: %s: %.*s", what, why, (int)(len < 200 ? len : 200), (const char *)data);
}

Test(json_tape, edges_of_the_grammar)
{
    static const char *const docs[] = {
        "{}", "[]", " {} ", "\t[\n]\r\n", "{\"a\":1}", "{\"a\":-0}", "[0,-1,9223372036854775807,-9223372036854775808]",
        "[9223372036854775808]", "[-9223372036854775809]", "[01]", "[-]", "[1.]", "[1e]", "[1.5e+3]", "[1E5]",
        "[.5]", "[+1]", "[1,]", "{\"a\":1,}", "{,}", "[,1]", "{\"a\" 1}", "{\"a\":}", "{1:2}", "{\"a\":1 \"b\":2}",
        "[true,false,null]", "[tru]", "[nulls]", "[True]", "\"top\"", "1", "null", "", " ", "{} {}", "{}x",
        "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{\"a\":1,\"A\":2}", "{\"\":1}",
        "[\"\\u0000\"]", "[\"\\u0041\\u00e9\\u20AC\"]", "[\"\\ud83d\\ude00\"]", "[\"\\ud83d\"]", "[\"\\ude00\"]",
        "[\"\\ud83d\\u0041\"]", "[\"\\ud83dx\"]", "[\"\\uZZZZ\"]", "[\"\\u12\"]", "[\"\\x\"]", "[\"\\/\\\"\\\\\\b\\f\\n\\r\\t\"]",
        "[\"a\tb\"]", "[\"\x7f\"]", "[\"\xc3\xa9\"]", "[\"\xc3\"]", "[\"\xc0\xaf\"]", "[\"\xed\xa0\x80\"]",
        "[\"\xf4\x90\x80\x80\"]", "[\"\xef\xbb\xbf\"]", "\xef\xbb\xbf{}", "[\"unterminated]", "[\"a\"", "{\"a\":[1,2",
        "[[[[[[[[1]]]]]]]]", "[[[[[[[[[1]]]]]]]]]", "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{}}}}}}}}",
        "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":1}}}}}}}}", "[1e400]", "[-1e-400]", "[\"\\u00\"]",
    };
    int n_accepted = 0;
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        int accepted;
        agree((const uint8_t *)docs[i], strlen(docs[i]), "edge", &accepted);
        n_accepted += accepted;
    }
    /* A NUL byte, inside and outside a string. */
    int accepted;
    agree((const uint8_t *)"[\"a\0b\"]", 7, "NUL in a string", &accepted);
    agree((const uint8_t *)"[1]\0", 4, "NUL after", &accepted);
    /* Both sides of the comparison were exercised. */
    cr_assert_gt(n_accepted, 15);
    cr_assert_lt(n_accepted, (int)(sizeof docs / sizeof docs[0]) - 30);
}

/* Objects past the size checked name by name: thousands of members, with a repeated name
 * first, last or nowhere; jansson agrees on each, and the large one is read in n log n
 * (a hostile case of 6,500 members read in quadratic time took 70 ms of CPU). */
Test(json_tape, large_objects_and_repeated_names)
{
    static char doc[64 * 1024];
    for (int variant = 0; variant < 4; variant++) {
        size_t n = (size_t)snprintf(doc, sizeof doc, "{\"case_id\":{");
        for (int i = 0; i < 3000; i++)
            n += (size_t)snprintf(doc + n, sizeof doc - n, "%s\"k%d\":%d", i ? "," : "",
                                  variant == 1 && i == 1 ? 0 : variant == 2 && i == 2999 ? 1500 : i, i);
        if (variant == 3)
            n += (size_t)snprintf(doc + n, sizeof doc - n, ",\"k33\":[]");
        n += (size_t)snprintf(doc + n, sizeof doc - n, "}}");
        int accepted;
        agree((const uint8_t *)doc, n, "large object", &accepted);
        cr_assert_eq(accepted, variant == 0, "variant %d", variant);
    }
}

/* xorshift: the same mutations on every run. */
static uint32_t next_random(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static size_t mutate(const uint8_t *in, size_t len, uint8_t *out, size_t cap, uint32_t *rng)
{
    static const char interesting[] = "{}[]\",:\\u0 1-e.tfn\x80\xc3\xed\xf4\x00\x7f";
    memcpy(out, in, len);
    size_t n = len;
    int edits = 1 + (int)(next_random(rng) % 3);
    for (int e = 0; e < edits && n > 0; e++) {
        size_t at = next_random(rng) % n;
        switch (next_random(rng) % 5) {
        case 0: /* replace a byte */
            out[at] = (uint8_t)interesting[next_random(rng) % (sizeof interesting - 1)];
            break;
        case 1: /* delete a short run */ {
            size_t k = 1 + next_random(rng) % 4;
            if (at + k > n)
                k = n - at;
            memmove(out + at, out + at + k, n - at - k);
            n -= k;
            break;
        }
        case 2: /* insert a byte */
            if (n < cap) {
                memmove(out + at + 1, out + at, n - at);
                out[at] = (uint8_t)interesting[next_random(rng) % (sizeof interesting - 1)];
                n++;
            }
            break;
        case 3: /* duplicate a run (repeated members, nesting) */ {
            size_t k = 1 + next_random(rng) % 24;
            if (at + k > n)
                k = n - at;
            if (n + k <= cap) {
                memmove(out + at + k, out + at, n - at);
                n += k;
            }
            break;
        }
        default: /* truncate */
            n = at;
        }
    }
    return n;
}

Test(json_tape, agrees_with_jansson_on_mutated_cases, .timeout = 300)
{
    char dirs[2][4096];
    repo_path("tests/data/rules/cases", dirs[0], sizeof dirs[0]);
    repo_path("tests/data/rules/malformed", dirs[1], sizeof dirs[1]);
    uint32_t rng = 0x9e3779b9u;
    size_t files = 0, checked = 0, accepted_total = 0;
    static uint8_t out[1u << 17];
    for (int d = 0; d < 2; d++) {
        DIR *dir = opendir(dirs[d]);
        cr_assert_not_null(dir, "%s", dirs[d]);
        struct dirent *ent;
        while ((ent = readdir(dir)) != NULL) {
            if (strstr(ent->d_name, ".json") == NULL)
                continue;
            char path[8192];
            snprintf(path, sizeof path, "%s/%s", dirs[d], ent->d_name);
            size_t len;
            uint8_t *doc = read_file_or_fail(path, &len);
            int accepted;
            agree(doc, len, ent->d_name, &accepted);
            files++;
            for (int m = 0; m < 400 && len < sizeof out / 2; m++) {
                size_t n = mutate(doc, len, out, sizeof out, &rng);
                agree(out, n, ent->d_name, &accepted);
                accepted_total += (size_t)accepted;
                checked++;
            }
            free(doc);
        }
        closedir(dir);
    }
    cr_log_info("json_tape: %zu files, %zu mutations, %zu accepted by both", files, checked, accepted_total);
    cr_assert_gt(files, 50);
    cr_assert_gt(accepted_total, checked / 20, "the mutations must leave valid documents too");
}

/* The case parser reads the tape: JSON errors are VFY_E_CASE_PARSE with a line and a
 * column, depth is VFY_E_TOO_DEEP, and the case id comes back as the JSON it was. */
Test(json_tape, case_parser_on_the_tape)
{
    struct {
        const char *json;
        vfy_status want;
        const char *field;
    } cases[] = {
        { "{\"traveller\":{\"nationality\":\"KAZ\"},}", VFY_E_CASE_PARSE, "case" },
        { "{\"traveller\":{\"nationality\":\"KAZ\"},\"traveller\":{}}", VFY_E_CASE_PARSE, "case" },
        { "{\"traveller\":{\"document\":{\"blank_pages\":2.5}}}", VFY_E_CASE_PARSE, "case" },
        { "[{\"traveller\":{}}]", VFY_E_CASE_PARSE, "$" },
        { "{\"a\":[[[[[[[[1]]]]]]]]}", VFY_E_TOO_DEEP, "case" },
        { "{\"traveller\":{\"nationality\":\"KAZ\",\"birth_date\":\"1990-02-30\"}}", VFY_E_CASE_PARSE,
          "$.traveller.birth_date" },
        { "{\"traveller\":{\"document\":{\"blank_pages\":201}}}", VFY_E_CASE_PARSE, "$.traveller.document.blank_pages" },
        { "{\"traveller\":{\"document\":{\"biometric\":\"yes\"}}}", VFY_E_CASE_PARSE, "$.traveller.document.biometric" },
        { "{\"application\":{\"claims\":[{\"category\":\"student\",\"evidence\":[\"\"]}]}}", VFY_E_CASE_PARSE,
          "$.application.claims[0].evidence[0]" },
        { "{\"visa_history\":[{\"type\":\"C\"}]}", VFY_E_CASE_PARSE, "$.visa_history[0].entries" },
        { "{\"traveller\":{\"nationality\":\"kaz\"}}", VFY_E_CASE_PARSE, "$.traveller.nationality" },
        { "{\"traveller\":{\"nationality\":\"KAZ\"},\"extra\":1}", VFY_E_CASE_PARSE, "$.extra" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vfy_rules_case *c = NULL;
        vfy_detail d;
        vfy_detail_clear(&d);
        vfy_status s = vfy_rules_case_parse(cases[i].json, strlen(cases[i].json), &c, &d);
        cr_assert_eq(s, cases[i].want, "%s: %s (%s)", cases[i].json, vfy_status_name(s), d.message);
        cr_assert_null(c);
        cr_assert_str_eq(d.field, cases[i].field, "%s: field %s (%s)", cases[i].json, d.field, d.message);
    }
    /* The case id, whatever JSON it is, comes back as jansson would have written it. */
    const char *ids[][2] = {
        { "\"A1\"", "\"A1\"" }, { "17", "17" }, { "null", "null" }, { " { \"k\" : [ 1 , \"x\\u00e9\\n\" ] } ",
                                                                       "{\"k\":[1,\"x\xc3\xa9\\n\"]}" },
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char json[256];
        snprintf(json, sizeof json, "{\"case_id\":%s,\"traveller\":{\"nationality\":\"KAZ\"}}", ids[i][0]);
        vfy_rules_case *c = NULL;
        vfy_detail d;
        vfy_detail_clear(&d);
        cr_assert_eq(vfy_rules_case_parse(json, strlen(json), &c, &d), VFY_OK, "%s: %s", json, d.message);
        cr_assert_str_eq(vfy_rules_case_id_json(c), ids[i][1]);
        vfy_rules_case_free(c);
    }
}
