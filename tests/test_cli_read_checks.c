/* vfy read beyond the read: the verdict with --trust (genuine end to end through the
 * simulated chip: PACE, Passive, Active and Chip Authentication), --photo, a visa seal
 * checked against the chip's MRZ, and eligibility with the traveller from DG1. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define MRZ "--mrz 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' " \
            "'L898902C36UTO7408122F3404159ZE184226B<<<<<16'"

static int read_json(const char *args, json_t **out)
{
    char cmd[4096], root[512];
    repo_path("", root, sizeof root);
    snprintf(cmd, sizeof cmd, "cd %s && %s read --reader sim " MRZ " --json %s 2>/dev/null", root,
             vfy_bin(), args);
    char *text;
    int rc = run_capture(cmd, &text);
    json_error_t err;
    *out = json_loads(text, 0, &err);
    cr_assert_not_null(*out, "not JSON (%s): %s", err.text, text);
    free(text);
    return rc;
}

static const char *check_status(json_t *o, const char *id)
{
    cr_assert_not_null(json_check(o, id), "no check %s", id);
    return json_check_status(o, id);
}

Test(cli_read_checks, specimen_is_genuine_end_to_end)
{
    json_t *o;
    cr_assert_eq(read_json("--trust data/specimen/csca.pem", &o), 0);
    cr_assert_str_eq(json_string_value(json_object_get(o, "verdict")), "genuine");
    static const char *ok[] = { "access.control", "access.downgrade", "read.files",
                                "pa.sod_signature", "pa.ds_chain", "pa.ds_validity",
                                "pa.dg1_mrz", "pa.issuer_country", "chip.aa", "chip.ca",
                                "pa.hash.dg1", "pa.hash.dg2" };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        cr_assert_str_eq(check_status(o, ok[i]), "ok", "%s", ok[i]);
    cr_assert(json_is_true(json_object_get(o, "live")));
    cr_assert_str_eq(json_string_value(json_object_get(o, "time_source")), "system_clock");
    /* The read's own keys are still there. */
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "access"), "protocol")), "PACE");
    json_decref(o);
}

Test(cli_read_checks, foreign_csca_leaves_the_document_unverified)
{
    char csca[512], args[1024];
    SHARED_PATH("vectors/emrtd/samples/gmrtd/AT/CSCA.der", csca);
    snprintf(args, sizeof args, "--trust %s", csca);
    json_t *o;
    cr_assert_eq(read_json(args, &o), 4);
    cr_assert_str_eq(json_string_value(json_object_get(o, "verdict")), "unverified");
    cr_assert_str_neq(check_status(o, "pa.ds_chain"), "ok");
    json_decref(o);
}

Test(cli_read_checks, photo_is_the_dg2_image_as_stored)
{
    /* --photo writes a new file only (verify/files.h): a name in a fresh folder */
    char dir[64], path[96];
    tmpdir_make("photo", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/face.jpg", dir);
    char args[256];
    snprintf(args, sizeof args, "--photo %s", path);
    json_t *o;
    cr_assert_eq(read_json(args, &o), 0);
    json_t *photo = json_object_get(o, "photo");
    cr_assert_str_eq(json_string_value(json_object_get(photo, "type")), "jpeg");
    size_t n;
    uint8_t *img = read_file_or_fail(path, &n);
    cr_assert_eq((json_int_t)n, json_integer_value(json_object_get(photo, "bytes")));
    cr_assert_gt(n, 15000, "the specimen's face image is at least 15 KB");
    cr_assert(img[0] == 0xFF && img[1] == 0xD8 && img[n - 2] == 0xFF && img[n - 1] == 0xD9,
              "a whole JPEG (SOI ... EOI)");
    free(img);
    unlink(path);
    rmdir(dir);
    json_decref(o);
}

Test(cli_read_checks, seal_of_another_traveller_is_reported)
{
    char seal[512], signer[512], args[1200];
    SHARED_PATH("vectors/vds/vds/bsi_annexF_visa_mrvb.hex", seal);
    SHARED_PATH("vectors/vds/certs/DETS32.pem", signer);
    snprintf(args, sizeof args, "--seal %s --seal-hex --trust %s --trust data/specimen/csca.pem",
             seal, signer);
    json_t *o;
    cr_assert_eq(read_json(args, &o), 1, "a visa for someone else is not this traveller's");
    /* The top-level verdict is the whole inspection's: a UI reading only it shows red. */
    cr_assert_str_eq(json_string_value(json_object_get(o, "verdict")), "invalid");
    cr_assert_str_eq(json_string_value(json_object_get(o, "document_verdict")), "genuine");
    cr_assert_str_eq(json_string_value(json_object_get(o, "seal_verdict")), "invalid");
    cr_assert_str_eq(json_string_value(json_object_get(o, "gate")), "reject");
    cr_assert_str_eq(check_status(o, "seal.passport_match"), "failed");
    cr_assert_str_eq(json_check_code(o, "seal.passport_match"), "VFY_E_MISMATCH");
    json_t *s = json_object_get(o, "seal");
    cr_assert_str_eq(json_string_value(json_object_get(s, "kind")), "vds");
    json_t *mm = json_object_get(s, "passport_mismatches");
    cr_assert(json_array_size(mm) >= 2, "passport number and name differ");
    bool number = false;
    for (size_t i = 0; i < json_array_size(mm); i++) {
        json_t *m = json_array_get(mm, i);
        if (strcmp(json_string_value(json_object_get(m, "field")), "passport_number") == 0) {
            number = true;
            cr_assert_str_eq(json_string_value(json_object_get(m, "passport")), "L898902C3");
        }
    }
    cr_assert(number);
    json_decref(o);
}

Test(cli_read_checks, eligibility_with_the_traveller_from_the_chip)
{
    json_t *o;
    cr_assert_eq(read_json("--case tests/data/rules/cases/e04-uto-adult.json "
                           "--rules data/rules/eu-vc-2024.json --rules data/rules/eu-2018-1806.json "
                           "--rules-trust data/rules/keys/DEVELOPMENT-ONLY-rules-signing.pub --allow-development-key",
                           &o),
                 0);
    json_t *e = json_object_get(o, "eligibility");
    cr_assert_not_null(e);
    cr_assert(json_is_false(json_object_get(e, "test_mode")));
    /* Utopia (the specimen's state) is in neither annex of Regulation 2018/1806, so the
     * shipped sets cannot say whether its national needs a visa: the fee is what the
     * Visa Code 2024 would charge an adult, but only provisionally, for an officer. */
    json_t *dec = json_object_get(e, "decision");
    json_t *fee = json_object_get(dec, "fee");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(dec, "visa_needed"), "modality")),
                     "officer_review");
    cr_assert(json_is_null(json_object_get(fee, "value")));
    cr_assert_str_eq(json_string_value(json_object_get(fee, "modality")), "officer_review");
    cr_assert_eq(json_number_value(json_object_get(fee, "provisional")), 90.0,
                 "an adult would pay the Visa Code 2024 fee");
    cr_assert_eq(json_array_size(json_object_get(e, "rulesets")), 2);
    json_decref(o);
}

Test(cli_read_checks, rule_sets_need_a_trusted_publisher)
{
    char cmd[2048], root[512];
    repo_path("", root, sizeof root);
    /* A rule set that cannot be trusted is refused before any reader is touched: the
     * reader named here does not exist, so reaching it would exit 3. */
    snprintf(cmd, sizeof cmd,
             "cd %s && %s read --reader pcsc:no-such-reader " MRZ " --json "
             "--case tests/data/rules/cases/e04-uto-adult.json "
             "--rules data/rules/eu-vc-2024.json 2>/dev/null",
             root, vfy_bin());
    cr_assert_eq(run_capture(cmd, NULL), 4,
                 "production mode without --rules-trust is a configuration problem");
    snprintf(cmd, sizeof cmd, "%s read --reader sim " MRZ " --case x.json 2>/dev/null", vfy_bin());
    cr_assert_eq(run_capture(cmd, NULL), 2, "--case without --rules is a usage error");
    snprintf(cmd, sizeof cmd,
             "cd %s && %s read --reader pcsc:no-such-reader " MRZ " --trust /nonexistent 2>/dev/null",
             root, vfy_bin());
    cr_assert_eq(run_capture(cmd, NULL), 4, "an unusable trust store is found before the reader");
}
