/* vfy seal: output, verdicts and exit codes on the public vectors. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define V "vectors/vds/"

static int seal(const char *args, char **out)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s seal %s 2>/dev/null", vfy_bin(), args);
    return run_capture(cmd, out);
}

/* The barcode signer alone in the trust store is a hint, not an anchor (docs/trust.md):
 * the signature is checked and the seal decoded, but it stays unverified (exit 4). */
Test(seal_cli, vds_signer_alone_in_store_is_unverified)
{
    char cert[1024], file[1024], args[3072];
    SHARED_PATH(V "certs/DETS32.pem", cert);
    SHARED_PATH(V "vds/bsi_annexF_visa_mrvb.hex", file);
    snprintf(args, sizeof args, "--hex --trust %s %s", cert, file);
    char *out;
    cr_assert_eq(seal(args, &out), 4, "%s", out);
    cr_assert(strstr(out, "verdict:    unverified") != NULL, "%s", out);
    cr_assert(strstr(out, "VCD<<DENT<<ARTHUR<PHILIP") != NULL, "%s", out);
    cr_assert(strstr(out, "47110815P") != NULL, "%s", out);
    cr_assert(strstr(out, "at signing: yes; now: no") != NULL, "DETS32 expired in 2025: %s", out);
    free(out);
}

Test(seal_cli, json_object_for_each_kind)
{
    char cert[1024], cert2[1024], file[1024], args[4096];
    SHARED_PATH(V "certs/UTTS5B.pem", cert);
    SHARED_PATH(V "certs/DETS32.pem", cert2);
    static const struct { const char *file, *kind, *verdict; int rc; } cases[] = {
        { "vds/li0ard_visa_all_features.hex", "vds", "unverified", 4 },
        { "vds/derived_bsi_visa_sig_bitflip.hex", "vds", "invalid", 1 },
        { "vds/kurz_visa_icao_legacy_header.hex", "vds", "unverified", 4 },
        { "idb/derived_idb_visa_zipped.txt", "idb", "unverified", 4 },
        { "idb/vdstools_idb_synthetic_unsigned.txt", "idb", "unverified", 4 },
        { "idb/derived_idb_zip_bomb.txt", "idb", "invalid", 1 },
        { "vdsnc/kurz_vdsnc_test_uto.json", "vdsnc", "unverified", 4 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, V "%s", cases[i].file);
        SHARED_PATH(rel, file);
        snprintf(args, sizeof args, "--json %s --trust %s --trust %s %s",
                 strcmp(cases[i].kind, "vds") == 0 ? "--hex" : "", cert, cert2, file);
        char *out;
        cr_assert_eq(seal(args, &out), cases[i].rc, "%s", cases[i].file);
        json_error_t e;
        json_t *o = json_loads(out, 0, &e);
        cr_assert_not_null(o, "%s: %s", cases[i].file, out);
        cr_assert_str_eq(json_string_value(json_object_get(o, "kind")), cases[i].kind);
        cr_assert_str_eq(json_string_value(json_object_get(o, "verdict")), cases[i].verdict, "%s", cases[i].file);
        cr_assert(json_is_object(json_object_get(o, "header")));
        cr_assert(json_is_array(json_object_get(o, "messages")));
        cr_assert_not_null(json_object_get(o, "signer"));
        cr_assert_eq(json_object_get(o, "error") != NULL, cases[i].rc != 0, "%s", cases[i].file);
        if (cases[i].rc != 0)
            cr_assert(json_is_string(json_object_get(json_object_get(o, "error"), "message")));
        json_decref(o);
        free(out);
    }
}

Test(seal_cli, legacy_layout_choice_is_visible)
{
    char file[1024], args[2048];
    SHARED_PATH(V "vds/vdstools_arrival_attestation_legacy_header.hex", file);
    snprintf(args, sizeof args, "--json --hex %s", file);
    char *out;
    cr_assert_eq(seal(args, &out), 4);
    json_t *o = json_loads(out, 0, NULL);
    cr_assert_not_null(o, "%s", out);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(o, "choices"), 0)), "vds-legacy-fixed-layout");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "header"), "layout")), "fixed");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "error"), "code")), "VFY_E_SEAL_SIGNER_UNKNOWN");
    json_decref(o);
    free(out);
}

Test(seal_cli, stdin_raw_vds_and_mrz_cross_check)
{
    char cert[1024], file[1024], cmd[4096];
    SHARED_PATH(V "certs/DETS32.pem", cert);
    SHARED_PATH(V "vds/bsi_annexF_visa_mrvb.hex", file);
    /* Raw bytes on standard input; a passport of another holder. */
    snprintf(cmd, sizeof cmd,
             "xxd -r -p %s | %s seal --trust %s --mrz 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
             "L898902C36UTO7408122F1204159ZE184226B<<<<<10' - 2>/dev/null",
             file, vfy_bin(), cert);
    char *out;
    int rc = run_capture(cmd, &out);
    if (strstr(out, "kind:") == NULL)
        cr_skip_test("xxd is not available");
    cr_assert_eq(rc, 1, "%s", out);
    cr_assert(strstr(out, "passport:   passport_number differs: seal \"47110815P\", passport \"L898902C3\"") != NULL,
              "%s", out);
    cr_assert(strstr(out, "verdict:    invalid") != NULL, "%s", out);
    free(out);
}

Test(seal_cli, usage_and_unreadable_input)
{
    char *out;
    cr_assert_eq(seal("--no-such-option", &out), 2);
    free(out);
    cr_assert_eq(seal("/nonexistent/seal.bin", &out), 2);
    free(out);
    char file[1024], args[2048];
    SHARED_PATH(V "idb/vdstools_idb_visa.txt", file);
    snprintf(args, sizeof args, "--hex %s", file);
    cr_assert_eq(seal(args, &out), 2, "IDB text is not hex");
    free(out);
    cr_assert_eq(seal("--help", &out), 0);
    cr_assert(strstr(out, "--trust PATH") != NULL);
    free(out);
}

Test(seal_cli, mrz_given_but_seal_has_no_visa_mrz)
{
    char cert[1024], file[1024], args[4096];
    SHARED_PATH(V "certs/DETS27.pem", cert);
    SHARED_PATH(V "vds/bsi_annexD_social_insurance.hex", file);
    snprintf(args, sizeof args,
             "--json --hex --trust %s --mrz 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
             "L898902C36UTO7408122F1204159ZE184226B<<<<<10' %s",
             cert, file);
    char *out;
    cr_assert_eq(seal(args, &out), 4, "%s", out);
    json_t *o = json_loads(out, 0, NULL);
    cr_assert_not_null(o, "%s", out);
    cr_assert(json_is_false(json_object_get(o, "passport_checked")), "%s", out);
    cr_assert_eq(json_array_size(json_object_get(o, "passport_mismatches")), 0);
    cr_assert_str_eq(json_string_value(json_object_get(o, "verdict")), "unverified");
    json_decref(o);
    free(out);
}
