/*
 * Branches of core/json_tape.c: each rule of RFC 8259 (and of the header's stricter
 * profile: object or array at the top, strict UTF-8, no "\u0000", no lone surrogate,
 * no duplicate key, integers in long long) taken alone, one document per rule, with
 * the verdict the RFC and the header give (not copied from the reader's output).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_tape.h"

struct jcase { const char *doc; vfy_status want; };

static void run_cases(const struct jcase *c, size_t n, unsigned depth)
{
    for (size_t i = 0; i < n; i++) {
        vfy_json_tape t; vfy_json_error e;
        memset(&e, 0, sizeof e);
        vfy_status st = vfy_json_tape_read(c[i].doc, strlen(c[i].doc), depth, &t, &e);
        cr_expect_eq(st, c[i].want, "case %zu %s: got %d (%s) want %d", i, c[i].doc, (int)st, e.why, (int)c[i].want);
        if (st == VFY_OK)
            vfy_json_tape_free(&t);
        else
            cr_expect_eq(e.status, st, "case %zu: err.status", i);
    }
}

Test(cov2_sbr_json, grammar_accepts)
{
    static const struct jcase c[] = {
        {"{}", VFY_OK}, {"[]", VFY_OK}, {" \t\r\n[ ] \n", VFY_OK}, {"{\"a\":-0}", VFY_OK},
        {"[0,-1,9223372036854775807,-9223372036854775808]", VFY_OK}, {"[1.5e+3,1E5,2e-2,-0.25,3E+0]", VFY_OK},
        {"[true,false,null]", VFY_OK}, {"{\"\":1}", VFY_OK}, {"{\"a\":1,\"A\":2}", VFY_OK},
        {"[\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"]", VFY_OK}, {"[\"\\/\\\"\\\\\\b\\f\\n\\r\\t\"]", VFY_OK},
        {"[\"\x7f\"]", VFY_OK}, {"[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]", VFY_OK}, {"[\"\xef\xbb\xbf\"]", VFY_OK},
        {"[{\"a\":[{}],\"b\":{\"c\":[]}},[[]]]", VFY_OK}, {"{\"a\":{\"b\":1},\"b\":{\"b\":1}}", VFY_OK},
    };
    run_cases(c, sizeof c / sizeof c[0], 16);
}

Test(cov2_sbr_json, grammar_refusals_one_rule_each)
{
    static const struct jcase c[] = {
        /* top level */
        {"", VFY_E_BAD_VALUE}, {" ", VFY_E_BAD_VALUE}, {"\"top\"", VFY_E_BAD_VALUE}, {"1", VFY_E_BAD_VALUE},
        {"null", VFY_E_BAD_VALUE}, {"{} {}", VFY_E_BAD_VALUE}, {"{}x", VFY_E_BAD_VALUE},
        {"\xef\xbb\xbf{}", VFY_E_BAD_VALUE}, {"}", VFY_E_BAD_VALUE}, {"]", VFY_E_BAD_VALUE},
        /* numbers */
        {"[01]", VFY_E_BAD_VALUE}, {"[-]", VFY_E_BAD_VALUE}, {"[1.]", VFY_E_BAD_VALUE}, {"[1e]", VFY_E_BAD_VALUE},
        {"[1e+]", VFY_E_BAD_VALUE}, {"[.5]", VFY_E_BAD_VALUE}, {"[+1]", VFY_E_BAD_VALUE}, {"[-a]", VFY_E_BAD_VALUE},
        {"[9223372036854775808]", VFY_E_BAD_VALUE}, {"[-9223372036854775809]", VFY_E_BAD_VALUE},
        {"[1e400]", VFY_E_BAD_VALUE}, {"[1.x]", VFY_E_BAD_VALUE},
        /* separators */
        {"[1,]", VFY_E_BAD_VALUE}, {"{\"a\":1,}", VFY_E_BAD_VALUE}, {"{,}", VFY_E_BAD_VALUE}, {"[,1]", VFY_E_BAD_VALUE},
        {"{\"a\" 1}", VFY_E_BAD_VALUE}, {"{\"a\":}", VFY_E_BAD_VALUE}, {"{1:2}", VFY_E_BAD_VALUE},
        {"{\"a\":1 \"b\":2}", VFY_E_BAD_VALUE}, {"[1 2]", VFY_E_BAD_VALUE}, {"[1}", VFY_E_BAD_VALUE},
        {"{\"a\":1]", VFY_E_BAD_VALUE}, {"{\"a\"", VFY_E_BAD_VALUE}, {"{\"a\":", VFY_E_BAD_VALUE}, {"[", VFY_E_BAD_VALUE},
        {"{", VFY_E_BAD_VALUE}, {"[1,", VFY_E_BAD_VALUE},
        /* literals */
        {"[tru]", VFY_E_BAD_VALUE}, {"[nulls]", VFY_E_BAD_VALUE}, {"[True]", VFY_E_BAD_VALUE}, {"[fals]", VFY_E_BAD_VALUE},
        {"[nul]", VFY_E_BAD_VALUE}, {"[x]", VFY_E_BAD_VALUE},
        /* duplicate keys, at the top and nested */
        {"{\"a\":1,\"a\":2}", VFY_E_BAD_VALUE}, {"{\"a\":{\"b\":1,\"b\":1}}", VFY_E_BAD_VALUE},
        /* escapes */
        {"[\"\\u0000\"]", VFY_E_BAD_VALUE}, {"[\"\\ud83d\"]", VFY_E_BAD_VALUE}, {"[\"\\ude00\"]", VFY_E_BAD_VALUE},
        {"[\"\\ud83d\\u0041\"]", VFY_E_BAD_VALUE}, {"[\"\\ud83dx\"]", VFY_E_BAD_VALUE}, {"[\"\\uZZZZ\"]", VFY_E_BAD_VALUE},
        {"[\"\\u12\"]", VFY_E_BAD_VALUE}, {"[\"\\x\"]", VFY_E_BAD_VALUE}, {"[\"\\u00\"]", VFY_E_BAD_VALUE},
        {"[\"\\", VFY_E_BAD_VALUE}, {"[\"\\ud83d\\", VFY_E_BAD_VALUE}, {"[\"\\ud83d\\ud83d\"]", VFY_E_BAD_VALUE},
        /* raw bytes in strings */
        {"[\"a\tb\"]", VFY_E_BAD_VALUE}, {"[\"a\nb\"]", VFY_E_BAD_VALUE}, {"[\"\x1f\"]", VFY_E_BAD_VALUE},
        {"[\"\xc3\"]", VFY_E_BAD_VALUE}, {"[\"\xc0\xaf\"]", VFY_E_BAD_VALUE}, {"[\"\xed\xa0\x80\"]", VFY_E_BAD_VALUE},
        {"[\"\xf4\x90\x80\x80\"]", VFY_E_BAD_VALUE}, {"[\"\x80\"]", VFY_E_BAD_VALUE}, {"[\"\xff\"]", VFY_E_BAD_VALUE},
        {"[\"\xe0\x80\x80\"]", VFY_E_BAD_VALUE}, {"[\"\xf0\x80\x80\x80\"]", VFY_E_BAD_VALUE}, {"[\"\xe2\x82\"]", VFY_E_BAD_VALUE},
        {"[\"\xf0\x9f\x98\"]", VFY_E_BAD_VALUE}, {"[\"\xe2\x28\xa1\"]", VFY_E_BAD_VALUE},
        {"[\"unterminated]", VFY_E_BAD_VALUE}, {"[\"a\"", VFY_E_BAD_VALUE}, {"{\"a\":[1,2", VFY_E_BAD_VALUE},
        {"{\"\xc3\":1}", VFY_E_BAD_VALUE},
    };
    run_cases(c, sizeof c / sizeof c[0], 16);
}

Test(cov2_sbr_json, depth_bound_and_nul)
{
    static const struct jcase c[] = {
        {"[[1]]", VFY_OK}, {"[[[1]]]", VFY_E_TOO_DEEP}, {"{\"a\":{\"b\":1}}", VFY_OK}, {"{\"a\":{\"b\":[1]}}", VFY_E_TOO_DEEP},
        {"[\"[[[[\"]", VFY_OK}, {"[\"\\\"[[[\"]", VFY_OK},
    };
    run_cases(c, sizeof c / sizeof c[0], 2);

    static const char nul[] = "[1,\0 2]";
    size_t off = 99;
    cr_assert_eq(vfy_json_prescan(nul, sizeof nul - 1, 4, &off), VFY_E_BAD_VALUE);
    cr_assert_eq(off, 3);
    vfy_json_tape t; vfy_json_error e;
    cr_assert_eq(vfy_json_tape_read(nul, sizeof nul - 1, 4, &t, &e), VFY_E_BAD_VALUE);
    cr_assert_eq(e.offset, 3);
    cr_assert_eq(vfy_json_prescan("[[[", 3, 2, &off), VFY_E_TOO_DEEP);
    /* no buffer but a length: a caller's error, not a JSON one */
    cr_assert_eq(vfy_json_tape_read(NULL, 1, 4, &t, &e), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(off, 2);
}

Test(cov2_sbr_json, values_and_members)
{
    const char *doc = "{\"a\":[1,-2,\"x\\u00e9\",true,false,null,1.5],\"b\":{},\"c\":\"\"}";
    vfy_json_tape t; vfy_json_error e;
    cr_assert_eq(vfy_json_tape_read(doc, strlen(doc), 8, &t, &e), VFY_OK);
    const struct vfy_json_node *root = vfy_json_at(&t, 0);
    cr_assert_eq(root->type, VFY_JSON_OBJECT);
    cr_assert_eq(root->count, 3);
    size_t a = vfy_json_member(&t, 0, "a");
    cr_assert_neq(a, 0);
    cr_assert_eq(vfy_json_at(&t, a)->type, VFY_JSON_ARRAY);
    cr_assert_eq(vfy_json_at(&t, a)->count, 7);
    static const uint8_t types[] = {VFY_JSON_INTEGER, VFY_JSON_INTEGER, VFY_JSON_STRING, VFY_JSON_TRUE,
                                    VFY_JSON_FALSE, VFY_JSON_NULL, VFY_JSON_REAL};
    size_t i = a + 1;
    for (size_t k = 0; k < 7; k++) {
        cr_assert_eq(vfy_json_at(&t, i)->type, types[k], "element %zu", k);
        if (k == 0) cr_assert_eq(vfy_json_at(&t, i)->integer, 1);
        if (k == 1) cr_assert_eq(vfy_json_at(&t, i)->integer, -2);
        if (k == 2) {
            cr_assert_str_eq(vfy_json_string(&t, i), "x\xc3\xa9");
            cr_assert_eq(vfy_json_at(&t, i)->len, 3);
        }
        i = vfy_json_at(&t, i)->next;
    }
    size_t b = vfy_json_member(&t, 0, "b");
    cr_assert_eq(vfy_json_at(&t, b)->type, VFY_JSON_OBJECT);
    cr_assert_eq(vfy_json_at(&t, b)->count, 0);
    size_t c = vfy_json_member(&t, 0, "c");
    cr_assert_str_eq(vfy_json_string(&t, c), "");
    cr_assert_eq(vfy_json_member(&t, 0, "zz"), 0);
    cr_assert_eq(vfy_json_member(&t, 0, "A"), 0);
    vfy_json_tape_free(&t);
}

Test(cov2_sbr_json, error_position_is_line_and_column)
{
    const char *doc = "{\n  \"a\": x}";
    vfy_json_tape t; vfy_json_error e;
    cr_assert_eq(vfy_json_tape_read(doc, strlen(doc), 8, &t, &e), VFY_E_BAD_VALUE);
    cr_assert_eq(e.offset, 9, "offset %zu", e.offset);
    cr_assert_eq(e.line, 2);
    cr_assert_eq(e.column, 8, "column %u", e.column);
    cr_assert_neq(e.why[0], '\0');
}

/* Objects past 32 members take the sorted duplicate check: unique keys of equal and of
 * different lengths pass, one repeated key anywhere is refused. */
Test(cov2_sbr_json, large_objects_duplicate_check)
{
    char doc[2048];
    for (int dup = 0; dup < 3; dup++) {
        size_t n = 0;
        n += (size_t)snprintf(doc + n, sizeof doc - n, "{");
        for (int i = 0; i < 40; i++)
            n += (size_t)snprintf(doc + n, sizeof doc - n, "%s\"k%0*d\":%d", i ? "," : "", 1 + i % 3, i, i);
        if (dup == 1)
            n += (size_t)snprintf(doc + n, sizeof doc - n, ",\"k005\":0");
        if (dup == 2)
            n += (size_t)snprintf(doc + n, sizeof doc - n, ",\"k10\":0");
        snprintf(doc + n, sizeof doc - n, "}");
        vfy_json_tape t; vfy_json_error e;
        vfy_status s = vfy_json_tape_read(doc, strlen(doc), 4, &t, &e);
        /* keys are k0, k01, k002, k3, k04, k005, ... k10 ...: each once; the added "k005" or "k10" repeats one */
        cr_assert_eq(s, dup == 0 ? VFY_OK : VFY_E_BAD_VALUE, "dup %d: %s", dup, e.why);
        if (s == VFY_OK) {
            cr_assert_eq(vfy_json_at(&t, 0)->count, 40);
            size_t v = vfy_json_member(&t, 0, "k005");
            cr_assert_neq(v, 0);
            cr_assert_eq(vfy_json_at(&t, v)->integer, 5);
            vfy_json_tape_free(&t);
        }
    }
}

Test(cov2_sbr_json, compact_text)
{
    const char *doc = "{ \"a\" : [ 1 , \"x\\u00e9\\n\\\"\" , true , null , false, -2 ] , \"b\" : { } , \"c\":[ ] }";
    vfy_json_tape t; vfy_json_error e;
    cr_assert_eq(vfy_json_tape_read(doc, strlen(doc), 4, &t, &e), VFY_OK);
    char *s = vfy_json_compact(&t, 0);
    cr_assert_not_null(s);
    cr_assert_str_eq(s, "{\"a\":[1,\"x\xc3\xa9\\n\\\"\",true,null,false,-2],\"b\":{},\"c\":[]}");
    free(s);
    vfy_json_tape_free(&t);
}
