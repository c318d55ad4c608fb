/* vfy mrz, through the sanitizer build of the CLI: output keys, exit codes, stdin. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* Every MRZ case of the shared vectors, as `vfy mrz --json` prints it, follows
 * docs/schema/mrz.schema.json (python3-jsonschema validates); parse failures print the
 * one error shape instead. */
Test(cli_mrz, every_case_follows_the_mrz_schema, .timeout = 60)
{
    char cases_path[1024], root[512];
    SHARED_PATH("vectors/emrtd/mrz.json", cases_path);
    repo_path("", root, sizeof root);
    json_error_t e;
    json_t *all = json_load_file(cases_path, 0, &e);
    cr_assert_not_null(all, "%s", e.text);
    char lines_path[] = "/tmp/vfy-mrz-json-XXXXXX";
    int fd = mkstemp(lines_path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    size_t i, n = 0;
    json_t *c;
    json_array_foreach(json_object_get(all, "cases"), i, c) {
        char cmd[2048];
        int used = snprintf(cmd, sizeof cmd, "%s mrz --json", vfy_bin());
        size_t k;
        json_t *line;
        json_array_foreach(json_object_get(c, "lines"), k, line)
            used += snprintf(cmd + used, sizeof cmd - (size_t)used, " '%s'", json_string_value(line));
        char *out;
        run_capture(cmd, &out);
        json_t *o = json_loads(out, 0, &e);
        cr_assert_not_null(o, "%s: %s", json_string_value(json_object_get(c, "id")), out);
        const char *schema = json_string_value(json_object_get(o, "schema"));
        cr_assert(schema != NULL && (strcmp(schema, "libverify.mrz/1") == 0 || strcmp(schema, "libverify.error/1") == 0),
                  "%s", out);
        if (strcmp(schema, "libverify.mrz/1") == 0) {
            char *compact = json_dumps(o, JSON_COMPACT);
            fprintf(f, "%s\n", compact);
            free(compact);
            n++;
        }
        json_decref(o);
        free(out);
    }
    fclose(f);
    json_decref(all);
    cr_assert_geq(n, 40);
    char cmd[2048], *err;
    snprintf(cmd, sizeof cmd, "python3 %s/tests/tools/validate_json.py %s/docs/schema/mrz.schema.json --lines < %s 2>&1",
             root, root, lines_path);
    cr_expect_eq(run_capture(cmd, &err), 0, "%s", err);
    free(err);
    unlink(lines_path);
}

Test(cli_mrz, expired_is_separate_from_valid)
{
    char *out;
    cr_assert_eq(vfy_mrz("--json 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' "
                         "'L898902C36UTO7408122F1204159ZE184226B<<<<<10'", &out), 0);
    json_t *j = json_parse_or_fail(out);
    cr_expect(json_is_true(json_object_get(j, "valid")), "check digits hold");
    cr_expect(json_is_true(json_object_get(j, "expired")), "it expired on 2012-04-15");
    json_decref(j);
    free(out);
    cr_assert_eq(vfy_mrz("'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' "
                         "'L898902C36UTO7408122F1204159ZE184226B<<<<<10'", &out), 0);
    cr_expect(strstr(out, "Check digits      all correct") != NULL, "%s", out);
    cr_expect(strstr(out, "Expired           YES") != NULL, "%s", out);
    free(out);
}

/* A TD1 card whose document code starts with Q (9303-5 note k allows A, C or I) and whose
 * nationality is ZIM (no 9303-3 code; Zimbabwe is ZWE): every check digit holds, yet vfy
 * mrz exits 1 and names each finding with its stable code, in text and in JSON (which
 * follows the schema). */
Test(cli_mrz, codes_9303_forbids_are_findings_a_kiosk_can_act_on, .timeout = 60)
{
    const char *args = "'Q<UTOD231458907<<<<<<<<<<<<<<<' '7408122F1204159ZIM<<<<<<<<<<<6' "
                       "'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'";
    char a[512], *out;
    snprintf(a, sizeof a, "%s", args);
    int rc = vfy_mrz(a, &out);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "Check digits      all correct") != NULL, "%s", out);
    cr_expect(strstr(out, "Valid             NO") != NULL, "%s", out);
    cr_expect(strstr(out, "error: document_code (line 1, column 1, VFY_E_MRZ_DOCUMENT_CODE)") != NULL, "%s", out);
    cr_expect(strstr(out, "error: nationality (line 2, column 16, VFY_E_MRZ_STATE_CODE)") != NULL, "%s", out);
    free(out);

    snprintf(a, sizeof a, "--json %s", args);
    rc = vfy_mrz(a, &out);
    cr_expect_eq(rc, 1, "%s", out);
    json_t *j = json_parse_or_fail(out);
    cr_expect(json_is_false(json_object_get(j, "valid")));
    cr_expect(json_is_true(json_object_get(j, "check_digits")));
    json_t *errors = json_object_get(j, "errors");
    cr_assert_eq(json_array_size(errors), 2, "%s", out);
    cr_expect_str_eq(jstr(json_array_get(errors, 0), "code"), "VFY_E_MRZ_DOCUMENT_CODE");
    cr_expect_eq(json_integer_value(json_object_get(json_array_get(errors, 0), "status")), 205);
    cr_expect_str_eq(jstr(json_array_get(errors, 0), "field"), "document_code");
    cr_expect_str_eq(jstr(json_array_get(errors, 1), "code"), "VFY_E_MRZ_STATE_CODE");
    cr_expect_eq(json_integer_value(json_object_get(json_array_get(errors, 1), "status")), 206);
    cr_expect_str_eq(jstr(json_array_get(errors, 1), "field"), "nationality");
    json_decref(j);

    char root[512], cmd[2048], *err;
    repo_path("", root, sizeof root);
    char path[] = "/tmp/vfy-mrz-codes-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, out, strlen(out)), (ssize_t)strlen(out));
    close(fd);
    snprintf(cmd, sizeof cmd, "python3 %s/tests/tools/validate_json.py %s/docs/schema/mrz.schema.json < %s 2>&1",
             root, root, path);
    cr_expect_eq(run_capture(cmd, &err), 0, "%s", err);
    free(err);
    free(out);
    unlink(path);
}
