/*
 * Visa seals (libverify/seal): the refusals and paths the other suites leave (issue 12
 * coverage). Seals are the public vectors of shared/vectors/vds (README: signatures
 * checked there with the OpenSSL command line), edited by hand where a test needs a
 * malformed one; each edit is described beside it. The passports compared with the
 * BSI TR-03137 Annex F visa are TD1/TD2 MRZs written here for the Annex F traveller
 * (DENT ARTHUR PHILIP, GBR, born 1952-03-11, M, passport 47110815P), their check
 * digits computed by hand with the ICAO 9303-3 7-3-1 rule.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "support.h"
#include "verify.h"

#define ANNEX_F "vectors/vds/vds/bsi_annexF_visa_mrvb.hex"
#define ALL_FEATURES "vectors/vds/vds/li0ard_visa_all_features.hex"
#define IDB_SIGNED_ZIPPED "vectors/vds/idb/vdstools_idb_synthetic_signed_zipped.txt"
#define NC_UTO "vectors/vds/vdsnc/kurz_vdsnc_vacc_uto.json"

static uint8_t *hex_file(const char *rel, size_t *n)
{
    char p[1024];
    size_t len;
    uint8_t *text = read_file_or_fail(SHARED_PATH(rel, p), &len);
    char *hex = calloc(1, len + 1);
    cr_assert_not_null(hex);
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] != '\n' && text[i] != '\r')
            hex[k++] = (char)text[i];
    free(text);
    uint8_t *bin = hex_decode(hex, n);
    free(hex);
    return bin;
}

static uint8_t *text_file(const char *rel, size_t *n)
{
    char p[1024];
    uint8_t *t = read_file_or_fail(SHARED_PATH(rel, p), n);
    while (*n > 0 && (t[*n - 1] == '\n' || t[*n - 1] == '\r'))
        (*n)--;
    return t;
}

static vfy_status verify_text(const char *text, vfy_seal_result **r, vfy_detail *d)
{
    vfy_detail_clear(d);
    return vfy_seal_verify((const uint8_t *)text, strlen(text), NULL, r, d);
}

/* ---- kinds and arguments ------------------------------------------------------------- */

Test(cov2_seal, kind_names_and_detection_after_blanks)
{
    cr_assert_str_eq(vfy_seal_kind_name(VFY_SEAL_KIND_UNKNOWN), "unknown");
    cr_assert_str_eq(vfy_seal_kind_name(VFY_SEAL_KIND_VDSNC), "vdsnc");
    cr_assert_eq(vfy_seal_detect((const uint8_t *)" \r\n\t{", 5), VFY_SEAL_KIND_VDSNC);
    cr_assert_eq(vfy_seal_detect((const uint8_t *)"  x{", 4), VFY_SEAL_KIND_UNKNOWN);
    cr_assert_eq(vfy_seal_detect((const uint8_t *)"   ", 3), VFY_SEAL_KIND_UNKNOWN);
}

Test(cov2_seal, null_data_and_oversized_input_are_refused)
{
    vfy_seal_result *r = (vfy_seal_result *)1;
    vfy_detail d;
    cr_assert_eq(vfy_seal_verify(NULL, 3, NULL, &r, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_seal_verify((const uint8_t *)"x", 1, NULL, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_null(vfy_seal_result_to_json(NULL, 0));
    /* one byte more than VFY_SEAL_MAX_INPUT: a result saying so, verdict invalid */
    size_t n = VFY_SEAL_MAX_INPUT + 1;
    uint8_t *big = malloc(n);
    memset(big, ' ', n);
    big[0] = '{';
    r = NULL;
    cr_assert_eq(vfy_seal_verify(big, n, NULL, &r, &d), VFY_E_LIMIT);
    cr_assert_not_null(r);
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    cr_assert_eq(r->kind, VFY_SEAL_KIND_VDSNC);
    cr_assert_eq(r->status, VFY_E_LIMIT);
    vfy_seal_result_free(r);
    free(big);
}

/* ---- VDS-NC structure (ICAO TR "VDS-NC" 2.0: data{hdr{t,v,is},msg}, sig{alg,cer,sigvl}) */

struct nc_case {
    const char *json;
    vfy_status want;
    const char *field;
};

Test(cov2_seal, vdsnc_structure_refusals)
{
    static const struct nc_case cases[] = {
        { "{\"sig\":{}}", VFY_E_SEAL_FORMAT, "data" },
        { "{\"data\":{\"hdr\":{}}}", VFY_E_SEAL_FORMAT, "data" },
        { "{\"data\":{\"hdr\":{},\"msg\":{}}}", VFY_E_SEAL_FORMAT, "hdr" },
        { "{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"is\":\"UTO\",\"v\":\"1\"},\"msg\":{}}}",
          VFY_E_SEAL_FORMAT, "hdr" },
        /* 32 characters: VFY_SEAL_TYPE_MAX is 32 with the NUL */
        { "{\"data\":{\"hdr\":{\"t\":\"abcdefghijklmnopqrstuvwxyz012345\",\"v\":1,\"is\":\"UTO\"},"
          "\"msg\":{}}}",
          VFY_E_SEAL_FORMAT, "hdr.t" },
        { "{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UT\"},\"msg\":{}}}",
          VFY_E_SEAL_FORMAT, "hdr.is" },
        { "{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UTO\"},\"msg\":{}},\"sig\":5}",
          VFY_E_SEAL_FORMAT, "sig" },
        { "{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UTO\"},\"msg\":{}},\"sig\":{}}",
          VFY_E_SEAL_FORMAT, "sig" },
        { "{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UTO\"},\"msg\":{}},"
          "\"sig\":{\"alg\":\"ES256\",\"cer\":\"AA\"}}",
          VFY_E_SEAL_FORMAT, "sig" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vfy_seal_result *r = NULL;
        vfy_detail d;
        vfy_status s = verify_text(cases[i].json, &r, &d);
        cr_assert_eq(s, cases[i].want, "case %zu: %s (%s)", i, vfy_status_name(s), d.message);
        cr_assert_str_eq(d.field, cases[i].field, "case %zu: %s", i, d.message);
        cr_assert_not_null(r);
        cr_assert_eq(r->verdict, VFY_SEAL_INVALID, "case %zu", i);
        vfy_seal_result_free(r);
    }
}

/* The signature covers data only, so naming ES384 or ES512 in sig.alg does not change
 * the signed bytes, only the hash, which then does not belong to the P-256 key of the
 * certificate: refused as an algorithm mismatch (a verifier that ignored alg would
 * still call the ES256 signature good). */
static void nc_with_alg(const char *alg)
{
    size_t n;
    uint8_t *t = text_file(NC_UTO, &n);
    char *text = calloc(1, n + 16);
    memcpy(text, t, n);
    free(t);
    char *at = strstr(text, "\"alg\":\"ES256\"");
    cr_assert_not_null(at);
    memcpy(at + 7, alg, 5);
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_seal_verify((const uint8_t *)text, n, NULL, &r, &d);
    cr_assert_not_null(r);
    cr_assert_str_eq(r->header.algorithm, alg);
    cr_assert_not(r->signature_ok, "%s accepted for an ES256 signature", alg);
    cr_assert_eq(s, VFY_E_ALGORITHM, "%s: %s", vfy_status_name(s), d.message);
    char want[96];
    snprintf(want, sizeof want, "the seal names SHA%s, which does not belong to the signer's 256-bit key",
             alg + 2);
    cr_assert_str_eq(d.message, want);
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
    free(text);
}

Test(cov2_seal, vdsnc_es384_named_for_an_es256_signature_fails)
{
    nc_with_alg("ES384");
}

Test(cov2_seal, vdsnc_es512_named_for_an_es256_signature_fails)
{
    nc_with_alg("ES512");
}

Test(cov2_seal, vdsnc_unmodified_vector_signature_verifies)
{
    size_t n;
    uint8_t *t = text_file(NC_UTO, &n);
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_seal_verify(t, n, NULL, &r, &d);
    cr_assert_eq(s, VFY_E_NO_TRUST_ANCHOR, "%s: %s", vfy_status_name(s), d.message);
    cr_assert_not_null(r);
    cr_assert(r->signature_checked);
    cr_assert(r->signature_ok, "manifest: kurz_vdsnc_vacc_uto signature valid");
    cr_assert_eq(r->verdict, VFY_SEAL_UNVERIFIED); /* no trust store */
    vfy_seal_result_free(r);
    free(t);
}

/* ---- passport comparison with TD1 and TD2 passports ---------------------------------- */

static vfy_seal_result *annex_f(void)
{
    size_t n;
    uint8_t *seal = hex_file(ANNEX_F, &n);
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_seal_verify(seal, n, NULL, &r, &d);
    free(seal);
    cr_assert_eq(s, VFY_E_SEAL_SIGNER_UNKNOWN, "%s: %s", vfy_status_name(s), d.message);
    cr_assert_not_null(r);
    cr_assert_eq(r->verdict, VFY_SEAL_UNVERIFIED, "%s", d.message);
    return r;
}

static void parse_mrz(const char *text, vfy_mrz *m)
{
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_mrz_options o = { .today = { 2024, 1, 1 } };
    cr_assert_eq(vfy_mrz_parse(text, strlen(text), &o, m, &d), VFY_OK, "%s", d.message);
}

/* TD1: the name is on line 3. Everything agrees with the Annex F visa. */
Test(cov2_seal, td1_passport_of_the_visa_holder_matches)
{
    vfy_mrz m;
    parse_mrz("I<GBR47110815P2<<<<<<<<<<<<<<<\n"
              "5203116M3001019GBR<<<<<<<<<<<4\n"
              "DENT<<ARTHUR<PHILIP<<<<<<<<<<<", &m);
    cr_assert_eq(m.format, VFY_MRZ_TD1);
    vfy_seal_result *r = annex_f();
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_seal_check_passport(r, &m, &d), VFY_OK, "%s", d.message);
    cr_assert(r->mrz_checked);
    cr_assert_eq(r->mismatch_count, 0);
    vfy_seal_result_free(r);
}

/* TD2: the name follows the issuing state on line 1; another forename is a mismatch of
 * the name only. */
Test(cov2_seal, td2_passport_with_another_name_mismatches_on_name_only)
{
    vfy_mrz m;
    parse_mrz("P<GBRDENT<<ARTHUR<PHILIP<<<<<<<<<<<<\n"
              "47110815P2GBR5203116M3001019<<<<<<<4", &m);
    cr_assert_eq(m.format, VFY_MRZ_TD2);
    vfy_seal_result *r = annex_f();
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_seal_check_passport(r, &m, &d), VFY_OK, "%s", d.message);
    vfy_seal_result_free(r);

    parse_mrz("P<GBRDENT<<FORD<<<<<<<<<<<<<<<<<<<<<\n"
              "47110815P2GBR5203116M3001019<<<<<<<4", &m);
    r = annex_f();
    cr_assert_eq(vfy_seal_check_passport(r, &m, &d), VFY_E_MISMATCH, "%s", d.message);
    cr_assert_eq(r->mismatch_count, 1);
    cr_assert_str_eq(r->mismatches[0].field, "name");
    cr_assert_str_eq(r->mismatches[0].seal, "DENT<<ARTHUR<PHILIP");
    cr_assert_str_eq(r->mismatches[0].passport, "DENT<<FORD");
    vfy_seal_result_free(r);

    /* no seal or no passport */
    cr_assert_eq(vfy_seal_check_passport(NULL, &m, &d), VFY_E_INVALID_ARGUMENT);
}

/* ---- out of memory --------------------------------------------------------------------- */

struct seal_fx {
    uint8_t *seal;
    size_t len;
    vfy_seal_verdict want;
    vfy_status want_status;
};

static void seal_op(void *ctx, bool injected)
{
    struct seal_fx *f = ctx;
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    fault_enter();
    vfy_status s = vfy_seal_verify(f->seal, f->len, NULL, &r, &d);
    char *json = r != NULL ? vfy_seal_result_to_json(r, VFY_JSON_PRETTY) : NULL;
    fault_leave();
    if (!injected) {
        cr_assert_not_null(r);
        cr_assert_eq(s, f->want_status, "%s: %s", vfy_status_name(s), d.message);
        cr_assert_eq(r->verdict, f->want);
        cr_assert_not_null(json);
    } else if (r != NULL) {
        /* never better than the unfailed run; a different status only out of memory */
        cr_assert_neq(r->verdict, VFY_SEAL_VALID);
        if (s != f->want_status)
            cr_assert_eq(s, VFY_E_NO_MEMORY, "%s: %s", vfy_status_name(s), d.message);
        if (s == VFY_E_NO_MEMORY)
            cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    } else {
        cr_assert_eq(s, VFY_E_NO_MEMORY, "no result with %s: %s", vfy_status_name(s), d.message);
    }
    if (json != NULL) {
        json_t *j = json_parse_or_fail(json);
        cr_assert(json_is_object(j));
        json_decref(j);
    }
    vfy_free(json);
    vfy_seal_result_free(r);
}

static void sweep(uint8_t *seal, size_t len, vfy_seal_verdict want, vfy_status want_status)
{
    struct seal_fx f = { seal, len, want, want_status };
    struct fault_sweep_result res = fault_sweep(seal_op, &f, 2000);
    cr_assert_gt(res.allocations, 0);
    cr_assert_gt(res.fired, 0);
    free(seal);
}

Test(cov2_seal_oom, vds_annex_f_under_failed_allocations, .timeout = 600)
{
    size_t n;
    uint8_t *s = hex_file(ANNEX_F, &n);
    /* no trust store: the signer is unknown, the verdict unverified */
    sweep(s, n, VFY_SEAL_UNVERIFIED, VFY_E_SEAL_SIGNER_UNKNOWN);
}

Test(cov2_seal_oom, vds_all_features_under_failed_allocations, .timeout = 600)
{
    size_t n;
    uint8_t *s = hex_file(ALL_FEATURES, &n);
    sweep(s, n, VFY_SEAL_UNVERIFIED, VFY_E_SEAL_SIGNER_UNKNOWN);
}

Test(cov2_seal_oom, idb_signed_zipped_under_failed_allocations, .timeout = 600)
{
    size_t n;
    uint8_t *s = text_file(IDB_SIGNED_ZIPPED, &n);
    sweep(s, n, VFY_SEAL_UNVERIFIED, VFY_E_SEAL_SIGNER_UNKNOWN);
}

/* ---- VDS header fields (Doc 9303-13 2.2 / BSI TR-03137: C40 country, signer identifier
 * of four characters, reference length of two hex digits, the reference) ----------------
 * The Annex F seal with bytes 4..9 replaced (C40 computed by hand: value = 1600*C1 +
 * 40*C2 + C3 + 1, space 3, digits 4..13, letters 14..39; a single last character is
 * 0xFE and its ASCII + 1). The header keeps its length, so only the edited field is
 * wrong; both layouts are tried and neither holds. */
static void header_edit(const char *hex6, const char *want_message)
{
    size_t n;
    uint8_t *seal = hex_file(ANNEX_F, &n);
    size_t k;
    uint8_t *edit = hex_decode(hex6, &k);
    cr_assert_eq(k, 6);
    memcpy(seal + 4, edit, 6);
    free(edit);
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_seal_verify(seal, n, NULL, &r, &d);
    cr_assert_eq(s, VFY_E_SEAL_FORMAT, "%s: %s", vfy_status_name(s), d.message);
    cr_assert_str_eq(d.message, want_message);
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
    free(seal);
}

Test(cov2_seal, vds_signer_identifier_with_a_space)
{
    /* "DE S" "02" + reference "32" */
    header_edit("6d14c8a7" "2cb1", "signer identifier \"DE S\" is not four letters or digits");
}

Test(cov2_seal, vds_reference_length_not_hex)
{
    /* "DETS" "ZZ" */
    header_edit("6d32ce40" "2cb1", "certificate reference length \"ZZ\" is not a number");
}

Test(cov2_seal, vds_reference_not_hex)
{
    /* "DETS" "02" + reference "ZZ" (f9d9: Z Z and a shift-1 pad) */
    header_edit("6d32c8a7" "f9d9", "certificate reference \"ZZ\" is not hexadecimal");
}

Test(cov2_seal, vds_reference_shorter_than_its_length)
{
    /* "DETS" "03" + one character "2" (FE 33) */
    header_edit("6d32c8a8" "fe33", "certificate reference holds 1 characters, its length says 3");
}

/* ---- VDS profiles chosen by the document profile UUID (tag 0x00, BSI TR-03171) ------- */

#define DEZV "vectors/vds/vds/vdstools_tr03171_dezv_certref40.hex"

static vfy_seal_result *dezv_with(size_t at, uint8_t value, vfy_status *s)
{
    size_t n;
    uint8_t *seal = hex_file(DEZV, &n);
    if (at != 0)
        seal[at] = value;
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    *s = vfy_seal_verify(seal, n, NULL, &r, &d);
    free(seal);
    cr_assert_not_null(r);
    return r;
}

static const char *name_of_tag(const vfy_seal_result *r, unsigned tag)
{
    for (size_t i = 0; i < r->message_count; i++)
        if (r->messages[i].tag == tag && r->messages[i].parent < 0)
            return r->messages[i].name;
    return NULL;
}

Test(cov2_seal, vds_profile_follows_the_uuid)
{
    vfy_status s;
    /* manifest: header 44 bytes; message 0 is tag 0x00 with the 16-byte UUID 9a422340...;
     * tag 4 is SURNAME under that profile */
    vfy_seal_result *r = dezv_with(0, 0, &s);
    cr_assert_eq(s, VFY_E_SEAL_SIGNER_UNKNOWN, "%s", vfy_status_name(s));
    cr_assert_str_eq(name_of_tag(r, 0), "DOC_PROFILE_UUID");
    cr_assert_str_eq(name_of_tag(r, 4), "SURNAME");
    cr_assert_not_null(r->header.document_type);
    vfy_seal_result_free(r);

    /* the UUID's last byte changed (offset 44 + 2 + 15): not that profile */
    r = dezv_with(44 + 2 + 15, 0x47, &s);
    cr_assert_neq(s, VFY_OK);
    const char *n4 = name_of_tag(r, 4);
    cr_assert(n4 == NULL || strcmp(n4, "SURNAME") != 0, "%s", n4);
    vfy_seal_result_free(r);

    /* tag 0x00 itself changed to 0x63: no UUID at all, not that profile either */
    r = dezv_with(44, 0x63, &s);
    cr_assert_neq(s, VFY_OK);
    n4 = name_of_tag(r, 4);
    cr_assert(n4 == NULL || strcmp(n4, "SURNAME") != 0, "%s", n4);
    cr_assert_null(name_of_tag(r, 0));
    vfy_seal_result_free(r);
}

/* A visa's own MRZ (MRV-A, ICAO 9303-7 specimen) given as "the passport": it has no
 * passport name field, so the name cannot agree: a mismatch, never a match. */
Test(cov2_seal, a_visa_mrz_given_as_the_passport_mismatches)
{
    vfy_mrz m;
    vfy_detail d;
    vfy_detail_clear(&d);
    const char *mrva = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                       "L8988901C4XXX4009078F96121096ZE184226B<<<<<<";
    vfy_mrz_options o = { .today = { 1995, 1, 1 } };
    cr_assert_eq(vfy_mrz_parse(mrva, strlen(mrva), &o, &m, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(m.format, VFY_MRZ_MRVA);
    vfy_seal_result *r = annex_f();
    cr_assert_eq(vfy_seal_check_passport(r, &m, &d), VFY_E_MISMATCH, "%s", d.message);
    bool name = false;
    for (unsigned i = 0; i < r->mismatch_count; i++)
        if (strcmp(r->mismatches[i].field, "name") == 0) {
            name = true;
            cr_assert_str_eq(r->mismatches[i].passport, "");
        }
    cr_assert(name);
    vfy_seal_result_free(r);
}
