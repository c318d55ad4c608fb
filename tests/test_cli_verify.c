/* vfy specimen, vfy verify and vfy trust show, run as a user would. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static char dir[64];

static void make_dir(void)
{
    tmpdir_make("cli-verify", dir, sizeof dir);
}

static void remove_dir(void)
{
    tmpdir_remove(dir);
}

static int run(const char *args, char **out)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s 2>/dev/null", vfy_bin(), args);
    return run_capture(cmd, out);
}

static json_t *run_json(const char *args, int *rc)
{
    char *out;
    *rc = run(args, &out);
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    cr_assert_not_null(j, "not JSON (%s): %s", err.text, out);
    free(out);
    return j;
}

static const char *check_status(json_t *j, const char *id)
{
    return json_check_status(j, id);
}

Test(cli_verify, specimen_verifies_then_one_bit_breaks_it, .timeout = 60)
{
    make_dir();
    char args[512];
    char *out;
    snprintf(args, sizeof args, "specimen --out %s/p --sig rsa-pss --aa ec --ca dh", dir);
    cr_assert_eq(run(args, &out), 0, "%s", out);
    free(out);
    int rc;
    snprintf(args, sizeof args,
             "verify %s/p --trust %s/p/csca.pem --json --mrz "
             "'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F3404159ZE184226B<<<<<16'",
             dir, dir);
    json_t *j = run_json(args, &rc);
    cr_assert_eq(rc, 0);
    /* Saved files never show that a chip proved itself: data_authentic at best. */
    cr_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "data_authentic");
    cr_assert_str_eq(json_string_value(json_object_get(j, "gate")), "refer");
    cr_assert(json_is_false(json_object_get(j, "live")));
    cr_assert_str_eq(check_status(j, "pa.sod_signature"), "ok");
    cr_assert_str_eq(check_status(j, "pa.dg1_mrz"), "ok");
    cr_assert_str_eq(check_status(j, "chip.aa"), "not_checked");
    cr_assert_str_eq(check_status(j, "pa.hash.dg2"), "ok");
    json_decref(j);

    /* One bit of DG12 flipped: invalid (exit 1), and the JSON says which data group. */
    char path[256];
    snprintf(path, sizeof path, "%s/p/DG12.bin", dir);
    FILE *f = fopen(path, "r+b");
    cr_assert_not_null(f);
    fseek(f, -1, SEEK_END);
    int c = fgetc(f);
    fseek(f, -1, SEEK_END);
    fputc(c ^ 0x01, f);
    fclose(f);
    snprintf(args, sizeof args, "verify %s/p --trust %s/p/csca.pem --json", dir, dir);
    j = run_json(args, &rc);
    cr_assert_eq(rc, 1);
    cr_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "invalid");
    cr_assert_str_eq(check_status(j, "pa.hash.dg12"), "failed");
    cr_assert_str_eq(json_check_code(j, "pa.hash.dg12"), "VFY_E_HASH_MISMATCH");
    json_decref(j);

    /* Without a trust anchor a failed check still makes it invalid (exit 1), not unverified. */
    snprintf(args, sizeof args, "verify %s/p --json", dir);
    j = run_json(args, &rc);
    cr_assert_eq(rc, 1);
    cr_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "invalid");
    json_decref(j);
    remove_dir();
}

Test(cli_verify, unverified_without_anchor_exits_4)
{
    make_dir();
    char args[512], *out;
    snprintf(args, sizeof args, "specimen --out %s/q", dir);
    cr_assert_eq(run(args, &out), 0);
    free(out);
    int rc;
    snprintf(args, sizeof args, "verify %s/q --json", dir);
    json_t *j = run_json(args, &rc);
    cr_assert_eq(rc, 4);
    cr_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "unverified");
    cr_assert_str_eq(check_status(j, "pa.ds_chain"), "not_checked");
    cr_assert_str_eq(json_check_code(j, "pa.ds_chain"), "VFY_E_NO_TRUST_ANCHOR");
    json_decref(j);
    remove_dir();
}

/* The built-in specimen of the simulated chip verifies against the shipped CSCA. */
Test(cli_verify, builtin_specimen_against_shipped_csca)
{
    char specimen[512], csca[512], args[1200];
    repo_path("data/embed/specimen", specimen, sizeof specimen);
    repo_path("data/specimen/csca.pem", csca, sizeof csca);
    snprintf(args, sizeof args, "verify %s --trust %s --json", specimen, csca);
    int rc;
    json_t *j = run_json(args, &rc);
    cr_assert_eq(rc, 0);
    cr_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "data_authentic");
    json_decref(j);
}

Test(cli_verify, trust_show_lists_and_explains)
{
    char csca[512], args[1200], *out;
    repo_path("data/specimen/csca.pem", csca, sizeof csca);
    snprintf(args, sizeof args, "trust show %s --json", csca);
    int rc;
    json_t *j = run_json(args, &rc);
    cr_assert_eq(rc, 0);
    cr_assert_eq(json_integer_value(json_object_get(j, "anchors")), 1);
    cr_assert_str_eq(json_string_value(json_object_get(j, "schema")), "libverify.trust/1");
    json_t *e = json_array_get(json_object_get(j, "items"), 0);
    cr_assert(json_is_true(json_object_get(e, "accepted")));
    cr_assert_str_eq(json_string_value(json_object_get(e, "country")), "UT");
    json_decref(j);
    /* A file that is no certificate: rejected, with a reason, exit 4. */
    snprintf(args, sizeof args, "trust show /dev/null");
    rc = run(args, &out);
    cr_assert_eq(rc, 4, "%s", out);
    free(out);
}

Test(cli_verify, usage_errors)
{
    char *out;
    cr_assert_eq(run("verify", &out), 2);
    free(out);
    cr_assert_eq(run("specimen --out /tmp/x --sig nonsense", &out), 2);
    free(out);
    cr_assert_eq(run("verify /nonexistent-folder --json", &out), 2);
    free(out);
}

/* --mrz takes the lines as separate arguments or as one argument with newlines, in
 * every command; DG1 is compared with them either way. */
Test(cli_verify, mrz_lines_as_separate_arguments)
{
    char specimen[512], csca[512], args[2048];
    repo_path("data/embed/specimen", specimen, sizeof specimen);
    repo_path("data/specimen/csca.pem", csca, sizeof csca);
    int rc;
    snprintf(args, sizeof args,
             "verify --mrz 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' "
             "'L898902C36UTO7408122F3404159ZE184226B<<<<<16' %s --trust %s --json",
             specimen, csca);
    json_t *j = run_json(args, &rc);
    cr_assert_eq(rc, 0);
    cr_assert_str_eq(check_status(j, "pa.dg1_mrz"), "ok");
    json_decref(j);
    /* Another traveller's MRZ: DG1 does not hold it, so the document is not this one. */
    snprintf(args, sizeof args,
             "verify %s --trust %s --json --mrz 'P<UTOMUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<' "
             "'C01X00T478UTO6408125F3404159<<<<<<<<<<<<<<06'",
             specimen, csca);
    j = run_json(args, &rc);
    cr_assert_eq(rc, 1);
    cr_assert_str_eq(check_status(j, "pa.dg1_mrz"), "failed");
    cr_assert_str_eq(json_check_code(j, "pa.dg1_mrz"), "VFY_E_MISMATCH");
    json_decref(j);
}
