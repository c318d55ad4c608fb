/* vfy mrz, through the sanitizer build of the CLI: output keys, exit codes, stdin. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

#define TD3_L1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define TD3_L2 "L898902C36UTO7408122F1204159ZE184226B<<<<<10"

static int vfy_mrz(const char *args, char **out)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s mrz %s 2>/dev/null", vfy_bin(), args);
    return run_capture(cmd, out);
}

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    cr_assert(json_is_string(v), "key %s is not a string", k);
    return json_string_value(v);
}

Test(cli_mrz, json_of_the_td3_specimen)
{
    char *out;
    int rc = vfy_mrz("--json --today 2026-11-28 '" TD3_L1 "' '" TD3_L2 "'", &out);
    cr_assert_eq(rc, 0, "%s", out);
    json_t *j = json_parse_or_fail(out);
    cr_expect_str_eq(jstr(j, "format"), "TD3");
    cr_expect_str_eq(jstr(j, "document_code"), "P");
    cr_expect_str_eq(jstr(j, "issuing_state"), "UTO");
    cr_expect_str_eq(jstr(j, "surname"), "ERIKSSON");
    cr_expect_str_eq(jstr(j, "given_names"), "ANNA MARIA");
    cr_expect_str_eq(jstr(j, "document_number"), "L898902C3");
    cr_expect_str_eq(jstr(j, "nationality"), "UTO");
    cr_expect_str_eq(jstr(j, "birth_date"), "1974-08-12");
    cr_expect_str_eq(jstr(j, "sex"), "F");
    cr_expect_str_eq(jstr(j, "expiry_date"), "2012-04-15");
    cr_expect_str_eq(jstr(j, "optional_data"), "ZE184226B");
    cr_expect_null(json_object_get(j, "optional_data_2"));
    json_t *checks = json_object_get(j, "checks");
    static const char *names[] = { "document_number", "birth_date", "expiry_date",
                                   "optional_data", "composite" };
    for (size_t i = 0; i < 5; i++)
        cr_expect(json_is_true(json_object_get(checks, names[i])), "%s", names[i]);
    cr_expect(json_is_true(json_object_get(j, "valid")));
    cr_expect_eq(json_array_size(json_object_get(j, "errors")), 0);
    cr_expect_null(json_object_get(j, "repairs"));
    json_decref(j);
    free(out);
}

Test(cli_mrz, td1_and_visa_json_shapes)
{
    char *out;
    int rc = vfy_mrz("--json --today 2026-11-28 I\\<UTOD231458907\\<\\<\\<\\<\\<\\<\\<\\<\\<\\<\\<\\<\\<\\<\\< "
                     "'7408122F1204159UTO<<<<<<<<<<<6' 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'", &out);
    cr_assert_eq(rc, 0, "%s", out);
    json_t *j = json_parse_or_fail(out);
    cr_expect_str_eq(jstr(j, "format"), "TD1");
    cr_expect_str_eq(jstr(j, "optional_data_2"), "");
    cr_expect(json_is_null(json_object_get(json_object_get(j, "checks"), "optional_data")));
    cr_expect(json_is_true(json_object_get(json_object_get(j, "checks"), "composite")));
    json_decref(j);
    free(out);
    rc = vfy_mrz("--json --today 2026-11-28 'V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<' "
                 "'L8988901C4XXX4009078F9612109<<<<<<<<'", &out);
    cr_assert_eq(rc, 0, "%s", out);
    j = json_parse_or_fail(out);
    cr_expect_str_eq(jstr(j, "format"), "MRVB");
    cr_expect_str_eq(jstr(j, "birth_date"), "1940-09-07");
    cr_expect_str_eq(jstr(j, "expiry_date"), "1996-12-10");
    cr_expect(json_is_null(json_object_get(json_object_get(j, "checks"), "composite")));
    json_decref(j);
    free(out);
}

Test(cli_mrz, broken_check_digit_exits_1_with_located_error)
{
    char *out;
    int rc = vfy_mrz("--json --today 2026-11-28 '" TD3_L1 "' "
                     "'L898902C36UTO7408123F1204159ZE184226B<<<<<10'", &out);
    cr_assert_eq(rc, 1, "%s", out);
    json_t *j = json_parse_or_fail(out);
    cr_expect(json_is_false(json_object_get(j, "valid")));
    cr_expect(json_is_false(json_object_get(json_object_get(j, "checks"), "birth_date")));
    cr_expect(json_is_false(json_object_get(json_object_get(j, "checks"), "composite")));
    json_t *e = json_array_get(json_object_get(j, "errors"), 0);
    cr_assert_not_null(e);
    cr_expect_str_eq(jstr(e, "field"), "birth_date");
    cr_expect_eq(json_integer_value(json_object_get(e, "line")), 2);
    cr_expect_eq(json_integer_value(json_object_get(e, "column")), 20);
    cr_expect_neq(strlen(jstr(e, "message")), 0);
    json_decref(j);
    free(out);
}

Test(cli_mrz, unknown_date_is_null_or_reduced_iso)
{
    char *out;
    /* Birth date 74<<<< (check digit 1), expiry <<<<<< (check digit 0). */
    int rc = vfy_mrz("--json --today 2026-11-28 '" TD3_L1 "' "
                     "'L898902C36UTO74<<<<1F<<<<<<0ZE184226B<<<<<18'", &out);
    json_t *j = json_parse_or_fail(out);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect_str_eq(jstr(j, "birth_date"), "1974");
    cr_expect(json_is_null(json_object_get(j, "expiry_date")));
    cr_expect_str_eq(jstr(j, "expiry_date_raw"), "<<<<<<");
    json_decref(j);
    free(out);
}

/* Feeds the TD3 specimen with OCR damage (O for 0 twice) on standard input. */
static int vfy_mrz_stdin(const char *separator, const char *options, char **out)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "printf '%%s%s%%s%s' '" TD3_L1 "' 'L8989O2C36UTO74O8122F1204159ZE184226B<<<<<10' "
             "| %s mrz %s --today 2026-11-28",
             separator, separator, vfy_bin(), options);
    return run_capture(cmd, out);
}

Test(cli_mrz, stdin_human_table_and_repair)
{
    char *out;
    int rc = vfy_mrz_stdin("\\r\\n", "--repair", &out);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "Document number   L898902C3") != NULL, "%s", out);
    cr_expect(strstr(out, "Birth date        1974-08-12") != NULL, "%s", out);
    cr_expect(strstr(out, "repair: document_number (line 2, column 6): 'O' -> '0'") != NULL, "%s", out);
    cr_expect(strstr(out, "repair: birth_date (line 2, column 16): 'O' -> '0'") != NULL, "%s", out);
    free(out);
    /* Without --repair the same input is invalid. */
    rc = vfy_mrz_stdin("\\n", "--json", &out);
    cr_expect_eq(rc, 1, "%s", out);
    free(out);
    rc = vfy_mrz_stdin("\\n", "--json --repair", &out);
    cr_assert_eq(rc, 0, "%s", out);
    json_t *j = json_parse_or_fail(out);
    json_t *repairs = json_object_get(j, "repairs");
    cr_assert_eq(json_array_size(repairs), 2);
    json_t *r = json_array_get(repairs, 0);
    cr_expect_str_eq(jstr(r, "from"), "O");
    cr_expect_str_eq(jstr(r, "to"), "0");
    json_decref(j);
    free(out);
}

Test(cli_mrz, unreadable_input_and_usage_exit_2)
{
    char *out;
    cr_expect_eq(vfy_mrz("--json 'P<UTOeRIKSSON' 'X'", &out), 2);
    json_t *j = json_parse_or_fail(out);
    cr_expect_str_eq(jstr(j, "code"), "VFY_E_MRZ_CHARACTER");
    cr_expect_eq(json_integer_value(json_object_get(j, "line")), 1);
    cr_expect_eq(json_integer_value(json_object_get(j, "column")), 6);
    json_decref(j);
    free(out);
    cr_expect_eq(vfy_mrz("'" TD3_L1 "' 'L898902C36UTO'", NULL), 2);
    cr_expect_eq(vfy_mrz("--today 2026-13-01 '" TD3_L1 "' '" TD3_L2 "'", NULL), 2);
    cr_expect_eq(vfy_mrz("--today yesterday '" TD3_L1 "' '" TD3_L2 "'", NULL), 2);
    cr_expect_eq(vfy_mrz("--bogus", NULL), 2);
    cr_expect_eq(vfy_mrz("< /dev/null", NULL), 2);
}

Test(cli_mrz, help_lists_options_and_exit_codes)
{
    char *out;
    cr_assert_eq(vfy_mrz("--help", &out), 0);
    static const char *needles[] = { "--json", "--repair", "--today", "exit codes", "0 ", "1 ",
                                     "2 " };
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
        cr_expect(strstr(out, needles[i]) != NULL, "help lacks %s", needles[i]);
    free(out);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s --help", vfy_bin());
    cr_assert_eq(run_capture(cmd, &out), 0);
    cr_expect(strstr(out, "mrz") != NULL);
    free(out);
}
