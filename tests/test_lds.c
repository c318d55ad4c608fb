/* LDS parsers against the 9303-10 appendix examples (as corrected by public suites),
 * real chip files and the reference documents. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "verify.h"

#define V "vectors/emrtd/"

static json_t *examples(void)
{
    char path[512];
    SHARED_PATH(V "lds_examples.json", path);
    json_t *j = json_load_file(path, 0, NULL);
    cr_assert_not_null(j);
    return j;
}

static uint8_t *example_hex(json_t *j, const char *key, size_t *n)
{
    json_t *e = json_object_get(j, key);
    cr_assert_not_null(e, "%s", key);
    return hex_decode(json_string_value(json_object_get(e, "hex")), n);
}

static bool view_is(const vfy_bytes *b, const char *text)
{
    return b->present && b->len == strlen(text) && memcmp(b->data, text, b->len) == 0;
}

static uint8_t *sample(const char *rel, size_t *n)
{
    char r[256], path[512];
    snprintf(r, sizeof r, V "samples/%s", rel);
    SHARED_PATH(r, path);
    return read_file_or_fail(path, n);
}

Test(lds, ef_com_valid_and_invalid)
{
    json_t *j = examples();
    size_t n;
    uint8_t *b = example_hex(j, "ef_com", &n);
    vfy_lds_com com;
    cr_assert_eq(vfy_lds_parse_com(b, n, &com, NULL), VFY_OK);
    cr_assert_str_eq(com.lds_version, "0106");
    cr_assert_str_eq(com.unicode_version, "040000");
    cr_assert_eq(com.tag_count, 2);
    cr_assert_eq(com.tags[0], 0x61);
    cr_assert_eq(com.tags[1], 0x75);
    free(b);
    b = example_hex(j, "ef_com_valid_lds17", &n);
    cr_assert_eq(vfy_lds_parse_com(b, n, &com, NULL), VFY_OK);
    cr_assert_eq(com.tag_count, 7);
    cr_assert_eq(com.tags[6], 0x6E);
    free(b);
    size_t i;
    json_t *bad;
    json_array_foreach(json_object_get(j, "ef_com_invalid_examples"), i, bad) {
        b = hex_decode(json_string_value(json_object_get(bad, "hex")), &n);
        vfy_detail d;
        vfy_detail_clear(&d);
        vfy_status s = vfy_lds_parse_com(b, n, &com, &d);
        cr_assert(s != VFY_OK && vfy_status_layer(s) == VFY_LAYER_PARSE, "%s: %s",
                  json_string_value(json_object_get(bad, "why")), vfy_status_name(s));
        cr_assert(d.message[0] != '\0');
        free(b);
    }
    json_decref(j);
}

Test(lds, dg1_mrz_of_every_format)
{
    json_t *j = examples();
    static const char *const keys[] = { "dg1_td2_p10", "dg1_td1_p10_a21", "dg1_td3_p4" };
    static const size_t lens[] = { 72, 90, 88 };
    for (size_t k = 0; k < 3; k++) {
        size_t n;
        uint8_t *b = example_hex(j, keys[k], &n);
        vfy_bytes mrz;
        cr_assert_eq(vfy_lds_dg1_mrz(b, n, &mrz, NULL), VFY_OK);
        cr_assert_eq(mrz.len, lens[k]);
        const char *want = json_string_value(json_object_get(json_object_get(j, keys[k]), "mrz"));
        if (want != NULL)
            cr_assert(view_is(&mrz, want));
        vfy_mrz parsed;
        cr_assert_eq(vfy_lds_parse_dg1(b, n, &parsed, NULL), VFY_OK);
        cr_assert_eq(parsed.format, k == 0 ? VFY_MRZ_TD2 : k == 1 ? VFY_MRZ_TD1 : VFY_MRZ_TD3);
        cr_assert_str_eq(parsed.issuing_state, k == 1 ? "NLD" : "UTO");
        free(b);
    }
    json_decref(j);
}

Test(lds, dg11_dg12_dg16_appendix_examples)
{
    json_t *j = examples();
    size_t n;
    uint8_t *b = example_hex(j, "dg11_p10_a5", &n);
    vfy_lds_dg11 dg11;
    cr_assert_eq(vfy_lds_parse_dg11(b, n, &dg11, NULL), VFY_OK);
    cr_assert(view_is(&dg11.full_name, "SMITH<<JOHN<J"));
    cr_assert(view_is(&dg11.place_of_birth, "ANYTOWN<MN"));
    cr_assert(view_is(&dg11.address, "123 MAPLE RD<ANYTOWN<MN"));
    cr_assert(view_is(&dg11.telephone, "16125551212"));
    cr_assert(view_is(&dg11.profession, "TRAVEL<AGENT"));
    cr_assert_eq(dg11.unknown.count, 0);
    free(b);

    b = example_hex(j, "dg12_nz_adapted", &n);
    vfy_lds_dg12 dg12;
    cr_assert_eq(vfy_lds_parse_dg12(b, n, &dg12, NULL), VFY_OK);
    cr_assert(view_is(&dg12.personalization_time, "20161115013612"));
    cr_assert(view_is(&dg12.personalization_device, "N-4962"));
    free(b);

    b = example_hex(j, "dg16_p10_a6", &n);
    vfy_lds_dg16 dg16;
    cr_assert_eq(vfy_lds_parse_dg16(b, n, &dg16, NULL), VFY_OK);
    cr_assert_eq(dg16.person_count, 2);
    cr_assert(view_is(&dg16.persons[0].name, "SMITH<<CHARLES<R"));
    cr_assert(view_is(&dg16.persons[1].date_recorded, "20020315"));
    cr_assert(view_is(&dg16.persons[1].address, "49 REDWOOD LN<OCEAN BREEZE<CA<94000"));
    free(b);
    json_decref(j);
}

/* DG11 zero-length fields (BE, FR) are accepted and counted; unknown tags kept. */
Test(lds, dg11_zero_length_fields_and_unknown_tags)
{
    const uint8_t dg11[] = { 0x6B, 0x0F, 0x5F, 0x0E, 0x03, 'A', '<', 'B', 0x5F, 0x10, 0x00,
                             0x5F, 0x11, 0x00, 0x5F, 0x7F, 0x00 };
    vfy_lds_dg11 out;
    cr_assert_eq(vfy_lds_parse_dg11(dg11, sizeof dg11, &out, NULL), VFY_OK);
    cr_assert(view_is(&out.full_name, "A<B"));
    cr_assert(out.personal_number.present);
    cr_assert_eq(out.personal_number.len, 0);
    cr_assert_eq(out.empty_field_count, 3);
    cr_assert_eq(out.unknown.count, 1);
    cr_assert_eq(out.unknown.tags[0], 0x5F7F);
}

Test(lds, dg14_real_austrian_security_infos)
{
    json_t *j = examples();
    size_t n;
    uint8_t *b = example_hex(j, "dg14_at_real", &n);
    vfy_security_infos infos;
    cr_assert_eq(vfy_lds_parse_dg14(b, n, &infos, NULL), VFY_OK);
    cr_assert_eq(infos.count, 4);
    const vfy_security_info *ta = vfy_security_infos_find(&infos, VFY_SI_TERMINAL_AUTH, NULL);
    cr_assert_not_null(ta);
    cr_assert_eq(ta->version, 1);
    const vfy_security_info *ca = vfy_security_infos_find(&infos, VFY_SI_CHIP_AUTH, NULL);
    cr_assert_not_null(ca);
    cr_assert_str_eq(ca->oid, "0.4.0.127.0.7.2.2.3.2.2");
    cr_assert_eq(ca->agreement, VFY_LDS_KA_ECDH);
    cr_assert_eq(ca->cipher, VFY_LDS_AES128);
    cr_assert_not(ca->has_key_id);
    const vfy_security_info *pace = vfy_security_infos_find(&infos, VFY_SI_PACE, NULL);
    cr_assert_not_null(pace);
    cr_assert_eq(pace->key_id, 13);
    const vfy_security_info *pk = vfy_security_infos_find(&infos, VFY_SI_CHIP_AUTH_PUBLIC_KEY, NULL);
    cr_assert_not_null(pk);
    cr_assert_eq(pk->agreement, VFY_LDS_KA_ECDH);
    cr_assert_eq(pk->public_key.len, 0x133 + 4);
    free(b);
    json_decref(j);
}

Test(lds, dg15_rsa_and_reference_keys)
{
    json_t *j = examples();
    size_t n;
    uint8_t *b = example_hex(j, "dg15_aa_real", &n);
    vfy_lds_dg15 dg15;
    cr_assert_eq(vfy_lds_parse_dg15(b, n, &dg15, NULL), VFY_OK);
    cr_assert_eq(dg15.key_type, VFY_KEY_RSA);
    cr_assert_eq(dg15.bits, 1792);
    free(b);
    json_decref(j);
    b = sample("pymrtd/ETSI_TR103200_EACAA/EF_DG15.bin", &n);
    cr_assert_eq(vfy_lds_parse_dg15(b, n, &dg15, NULL), VFY_OK);
    cr_assert(dg15.key_type == VFY_KEY_RSA || dg15.key_type == VFY_KEY_EC);
    free(b);
}

Test(lds, card_access_variants)
{
    json_t *j = examples();
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(j, "ef_cardaccess"), i, e) {
        size_t n;
        uint8_t *b = hex_decode(json_string_value(json_object_get(e, "hex")), &n);
        vfy_security_infos infos;
        cr_assert_eq(vfy_lds_parse_security_infos(b, n, &infos, NULL), VFY_OK,
                     "%s", json_string_value(json_object_get(e, "name")));
        cr_assert_geq(infos.count, 1);
        const char *name = json_string_value(json_object_get(e, "name"));
        const vfy_security_info *pace = vfy_security_infos_find(&infos, VFY_SI_PACE, NULL);
        if (strstr(name, "without parameterId") != NULL)
            cr_assert(pace != NULL && !pace->has_key_id);
        else if (strstr(name, "unknown PACE OID") != NULL)
            cr_assert_eq(infos.items[0].kind, VFY_SI_UNKNOWN); /* kept, not misread */
        else
            cr_assert(pace != NULL && pace->has_key_id, "%s", name);
        free(b);
    }
    json_decref(j);
}

Test(lds, card_security_real_german_passport)
{
    size_t n;
    uint8_t *b = sample("gmrtd/DE/EF_CardSecurity.bin", &n);
    vfy_security_infos infos;
    cr_assert_eq(vfy_lds_parse_card_security(b, n, &infos, NULL), VFY_OK);
    cr_assert_not_null(vfy_security_infos_find(&infos, VFY_SI_CHIP_AUTH_PUBLIC_KEY, NULL));
    cr_assert_not_null(vfy_security_infos_find(&infos, VFY_SI_PACE, NULL));
    vfy_security_infos_free(&infos);
    free(b);
}

static void check_jp2_dg2(const char *rel, uint16_t w, uint16_t h)
{
    size_t n;
    uint8_t *b = sample(rel, &n);
    vfy_lds_dg2 dg2;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_dg2(b, n, &dg2, &d), VFY_OK, "%s: %s", rel, d.message);
    cr_assert_eq(dg2.template_count, 1);
    cr_assert_eq(dg2.face_count, 1);
    const vfy_face_image *f = &dg2.faces[0];
    cr_assert(f->has_iso19794_header);
    cr_assert_eq(f->image_type, VFY_IMAGE_JPEG2000);
    cr_assert_eq(f->width, w);
    cr_assert_eq(f->height, h);
    cr_assert_eq(f->face_image_type, 1);
    /* JP2 signature box first, image runs to the end of the file. */
    cr_assert_eq(f->image.data[4], 'j');
    cr_assert_eq(f->image.data + f->image.len, b + n);
    free(b);
}

Test(lds, dg2_reference_documents)
{
    check_jp2_dg2("jmrtd/loes2006/EF_DG2.bin", 449, 598);
    check_jp2_dg2("jmrtd/bsi2008/EF_DG2.bin", 337, 449);
}

/* Wraps a biometric data block in DG2 / 7F61 / 7F60 / 5F2E. */
static uint8_t *wrap_dg2(const uint8_t *block, size_t n, size_t *out_len)
{
    uint8_t *o = malloc(n + 32);
    size_t p = 0;
    size_t l5f2e = n, l7f60 = 5 + 6 + l5f2e, l7f61 = 3 + 6 + l7f60, l75 = 6 + l7f61;
    o[p++] = 0x75; o[p++] = 0x83; o[p++] = (uint8_t)(l75 >> 16); o[p++] = (uint8_t)(l75 >> 8); o[p++] = (uint8_t)l75;
    o[p++] = 0x7F; o[p++] = 0x61; o[p++] = 0x83; o[p++] = (uint8_t)(l7f61 >> 16); o[p++] = (uint8_t)(l7f61 >> 8); o[p++] = (uint8_t)l7f61;
    o[p++] = 0x02; o[p++] = 0x01; o[p++] = 0x01;
    o[p++] = 0x7F; o[p++] = 0x60; o[p++] = 0x83; o[p++] = (uint8_t)(l7f60 >> 16); o[p++] = (uint8_t)(l7f60 >> 8); o[p++] = (uint8_t)l7f60;
    o[p++] = 0xA1; o[p++] = 0x03; o[p++] = 0x80; o[p++] = 0x01; o[p++] = 0x01;
    o[p++] = 0x5F; o[p++] = 0x2E; o[p++] = 0x83; o[p++] = (uint8_t)(l5f2e >> 16); o[p++] = (uint8_t)(l5f2e >> 8); o[p++] = (uint8_t)l5f2e;
    memcpy(o + p, block, n);
    *out_len = p + n;
    return o;
}

Test(lds, dg2_iso19794_record_lengths_off_by_a_few_bytes)
{
    size_t n;
    uint8_t *rec = sample("gmrtd_dg2/ISO19794_Test1_Data.bin", &n);
    size_t dn;
    uint8_t *dg2b = wrap_dg2(rec, n, &dn);
    vfy_lds_dg2 dg2;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_dg2(dg2b, dn, &dg2, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(dg2.faces[0].image_type, VFY_IMAGE_JPEG);
    cr_assert_eq(dg2.faces[0].image.data[0], 0xFF);
    cr_assert_eq(dg2.faces[0].image.data[1], 0xD8);
    cr_assert_not(dg2.faces[0].length_tolerated);
    free(dg2b);
    /* GBR/NZ: the record length is 1 (then 8) bytes off: tolerated and reported. */
    for (int off = 1; off <= 8; off += 7) {
        rec[11] = (uint8_t)(rec[11] + 1 * (off == 1 ? 1 : 7));
        dg2b = wrap_dg2(rec, n, &dn);
        cr_assert_eq(vfy_lds_parse_dg2(dg2b, dn, &dg2, &d), VFY_OK, "%s", d.message);
        cr_assert(dg2.faces[0].length_tolerated);
        free(dg2b);
    }
    /* 100 bytes off is not a quirk but a broken record. */
    rec[11] = (uint8_t)(rec[11] + 100);
    dg2b = wrap_dg2(rec, n, &dn);
    cr_assert_eq(vfy_lds_parse_dg2(dg2b, dn, &dg2, &d), VFY_E_BAD_LENGTH);
    free(dg2b);
    free(rec);
}

Test(lds, dg2_bare_jpeg2000_codestream)
{
    const uint8_t j2k[] = { 0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x2F, 0x00, 0x00, 0xFF, 0xD9 };
    size_t dn;
    uint8_t *dg2b = wrap_dg2(j2k, sizeof j2k, &dn);
    vfy_lds_dg2 dg2;
    cr_assert_eq(vfy_lds_parse_dg2(dg2b, dn, &dg2, NULL), VFY_OK);
    cr_assert_not(dg2.faces[0].has_iso19794_header);
    cr_assert_eq(dg2.faces[0].image_type, VFY_IMAGE_JPEG2000);
    cr_assert_eq(dg2.faces[0].image.len, sizeof j2k);
    cr_assert_eq(memcmp(dg2.faces[0].image.data, j2k, sizeof j2k), 0);
    free(dg2b);
}

Test(lds, dg2_iso39794_is_reported_unsupported)
{
    size_t n;
    uint8_t *b = sample("gmrtd_dg2/ICAO_39794_5_AP_DG2_MandFields.dat", &n);
    vfy_lds_dg2 dg2;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_dg2(b, n, &dg2, &d), VFY_E_UNSUPPORTED);
    cr_assert(strstr(d.message, "39794") != NULL);
    free(b);
}

/* The reference documents parse completely. */
Test(lds, reference_documents_parse_completely)
{
    static const char *const dirs[] = { "jmrtd/bsi2008", "jmrtd/loes2006", "pymrtd/BSI_TR03105_5_refdata",
                                        "pymrtd/ETSI_TR103200_EACAA" };
    for (size_t i = 0; i < 4; i++) {
        char rel[256], path[512];
        for (unsigned dg = 1; dg <= 16; dg++) {
            snprintf(rel, sizeof rel, V "samples/%s/EF_DG%u.bin", dirs[i], dg);
            shared_path(V "samples/index.json", path, sizeof path);
            snprintf(path + strlen(path) - strlen("vectors/emrtd/samples/index.json"),
                     sizeof path - (strlen(path) - strlen("vectors/emrtd/samples/index.json")), "%s", rel);
            FILE *f = fopen(path, "rb");
            if (f == NULL)
                continue;
            fclose(f);
            size_t n;
            uint8_t *b = read_file_or_fail(path, &n);
            vfy_detail d;
            vfy_detail_clear(&d);
            vfy_status s = VFY_OK;
            vfy_bytes mrz;
            vfy_lds_dg2 dg2;
            vfy_security_infos si;
            vfy_lds_dg15 dg15;
            switch (dg) {
            case 1: s = vfy_lds_dg1_mrz(b, n, &mrz, &d); break;
            case 2: s = vfy_lds_parse_dg2(b, n, &dg2, &d); break;
            case 14: s = vfy_lds_parse_dg14(b, n, &si, &d); break;
            case 15: s = vfy_lds_parse_dg15(b, n, &dg15, &d); break;
            default: break; /* DG3/DG4: protected, only present */
            }
            cr_assert_eq(s, VFY_OK, "%s DG%u: %s", dirs[i], dg, d.message);
            free(b);
        }
        snprintf(rel, sizeof rel, V "samples/%s/EF_SOD.bin", dirs[i]);
        SHARED_PATH(rel, path);
        size_t n;
        uint8_t *b = read_file_or_fail(path, &n);
        vfy_lds_sod sod;
        cr_assert_eq(vfy_lds_parse_sod(b, n, &sod, NULL), VFY_OK);
        free(b);
    }
}
