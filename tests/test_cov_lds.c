/*
 * LDS data groups not reached by test_lds.c (issue 12, coverage), encoded here from
 * ICAO 9303-10 §4.7: DG5-DG7 displayed images (tags 0x65-0x67, count 02, images 5F40 /
 * 5F43), DG11's other names (A0 { count, 5F0F ... } or bare 5F0F), DG16's person
 * templates (A1.. { 5F50-5F53 }). Each malformed input gets its exact status.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "verify.h"

#define JPEG_START 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F'

Test(cov_lds, displayed_portrait_and_signature)
{
    /* DG5: one portrait, JPEG. */
    static const uint8_t dg5[] = { 0x65, 0x11, 0x02, 0x01, 0x01, 0x5F, 0x40, 0x0B, JPEG_START, 0x00 };
    vfy_lds_displayed out;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_displayed(dg5, sizeof dg5, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.dg, 5);
    cr_assert_eq(out.declared_count, 1);
    cr_assert_eq(out.image_count, 1);
    cr_assert_eq(out.types[0], VFY_IMAGE_JPEG);
    cr_assert_eq(out.images[0].len, 11);
    /* DG7: a signature image (5F43) of unknown format, and an unknown element skipped. */
    static const uint8_t dg7[] = { 0x67, 0x0A, 0x02, 0x01, 0x01, 0x5F, 0x43, 0x02, 0x01, 0x02, 0x04, 0x00 };
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_displayed(dg7, sizeof dg7, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.dg, 7);
    cr_assert_eq(out.image_count, 1);
    cr_assert_eq(out.types[0], VFY_IMAGE_UNKNOWN);
    /* More images than the structure holds: the first VFY_DISPLAYED_MAX are kept. */
    uint8_t many[64] = { 0x66, 0 };
    size_t n = 2;
    for (int i = 0; i < VFY_DISPLAYED_MAX + 2; i++) {
        many[n++] = 0x5F;
        many[n++] = 0x40;
        many[n++] = 0x01;
        many[n++] = (uint8_t)i;
    }
    many[1] = (uint8_t)(n - 2);
    cr_assert_eq(vfy_lds_parse_displayed(many, n, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.dg, 6);
    cr_assert_eq(out.image_count, VFY_DISPLAYED_MAX);
}

Test(cov_lds, displayed_refusals)
{
    vfy_lds_displayed out;
    vfy_detail d;
    static const uint8_t dg5[] = { 0x65, 0x03, 0x02, 0x01, 0x01 };
    cr_assert_eq(vfy_lds_parse_displayed(dg5, sizeof dg5, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_lds_parse_displayed(dg5, 0, &out, &d), VFY_E_TRUNCATED);
    static const uint8_t dg8[] = { 0x68, 0x03, 0x02, 0x01, 0x01 }; /* DG8's tag */
    cr_assert_eq(vfy_lds_parse_displayed(dg8, sizeof dg8, &out, &d), VFY_E_BAD_TAG);
    static const uint8_t count[] = { 0x65, 0x04, 0x02, 0x02, 0x01, 0x2C }; /* 300 images */
    cr_assert_eq(vfy_lds_parse_displayed(count, sizeof count, &out, &d), VFY_E_BAD_VALUE);
    static const uint8_t cut[] = { 0x65, 0x05, 0x5F, 0x40, 0x09, 0xFF, 0xD8 }; /* image runs past */
    cr_assert_eq(vfy_lds_parse_displayed(cut, sizeof cut, &out, &d), VFY_E_LENGTH_OVERFLOW);
}

Test(cov_lds, dg11_other_names_in_both_forms)
{
    /* 9303-10 §4.7.11: other names as A0 { 02 count, 5F0F name ... }; some issuers put
     * 5F0F directly. With a tag list (5C), an empty field and a tag outside the list. */
    static const uint8_t dg11[] = {
        0x6B, 0x21,
        0x5C, 0x02, 0x5F, 0x0E,
        0xA0, 0x0B, 0x02, 0x01, 0x02, 0x5F, 0x0F, 0x01, 'A', 0x5F, 0x0F, 0x01, 'B',
        0x5F, 0x0F, 0x01, 'C',
        0x5F, 0x0E, 0x00,
        0x5F, 0x7A, 0x01, 'x',
        0x5F, 0x10, 0x02, '4', '2',
    };
    vfy_lds_dg11 out;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_dg11(dg11, sizeof dg11, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.other_name_count, 3);
    cr_assert_eq(out.other_names[0].len, 1);
    cr_assert_eq(out.other_names[2].data[0], 'C');
    cr_assert_eq(out.empty_field_count, 1);
    cr_assert_eq(out.unknown.count, 1);
    cr_assert_eq(out.unknown.tags[0], 0x5F7A);
    cr_assert_eq(out.personal_number.len, 2);
    cr_assert_eq(vfy_lds_parse_dg11(dg11, sizeof dg11, NULL, &d), VFY_E_INVALID_ARGUMENT);
    /* A name list whose element runs past its end. */
    static const uint8_t bad[] = { 0x6B, 0x07, 0xA0, 0x05, 0x5F, 0x0F, 0x09, 'A', 'B' };
    cr_assert_eq(vfy_lds_parse_dg11(bad, sizeof bad, &out, &d), VFY_E_LENGTH_OVERFLOW);
}

Test(cov_lds, dg16_persons)
{
    /* Two persons declared and held; an unknown field and a non-template element are
     * noted, not fatal. */
    static const uint8_t dg16[] = {
        0x70, 0x16,
        0x02, 0x01, 0x02,
        0xA1, 0x08, 0x5F, 0x51, 0x01, 'N', 0x5F, 0x52, 0x01, '1',
        0xA2, 0x04, 0x5F, 0x7F, 0x01, 'z',
        0x04, 0x01, 0x00,
    };
    vfy_lds_dg16 out;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_dg16(dg16, sizeof dg16, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.person_count, 2);
    cr_assert_eq(out.persons[0].name.data[0], 'N');
    cr_assert_eq(out.persons[0].telephone.len, 1);
    cr_assert_eq(out.unknown.count, 2);
    cr_assert_eq(vfy_lds_parse_dg16(dg16, sizeof dg16, NULL, &d), VFY_E_INVALID_ARGUMENT);
    /* Three declared, two held. */
    uint8_t three[sizeof dg16];
    memcpy(three, dg16, sizeof dg16);
    three[4] = 0x03;
    cr_assert_eq(vfy_lds_parse_dg16(three, sizeof three, &out, &d), VFY_E_BAD_VALUE);
    /* More templates than VFY_DG16_MAX_PERSONS: the rest are skipped, and the count is
     * then not held against the file. */
    uint8_t many[64] = { 0x70, 0 };
    size_t n = 2;
    many[n++] = 0x02;
    many[n++] = 0x01;
    many[n++] = VFY_DG16_MAX_PERSONS + 2;
    for (int i = 0; i < VFY_DG16_MAX_PERSONS + 2; i++) {
        many[n++] = (uint8_t)(0xA1 + i);
        many[n++] = 0x00;
    }
    many[1] = (uint8_t)(n - 2);
    cr_assert_eq(vfy_lds_parse_dg16(many, n, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.person_count, VFY_DG16_MAX_PERSONS);
}

/* ---- EF.SOD (9303-10 §4.6.2): LDSSecurityObject in CMS SignedData, tag 0x77 --------- */

#include <openssl/cms.h>
#include <stdlib.h>

#include "lds/sod.h"
#include "pki.h"

static size_t tl(uint8_t tag, size_t n, uint8_t *out)
{
    out[0] = tag;
    if (n < 0x80) {
        out[1] = (uint8_t)n;
        return 2;
    }
    out[1] = 0x82;
    out[2] = (uint8_t)(n >> 8);
    out[3] = (uint8_t)n;
    return 4;
}

/* DataGroupHash { dg, OCTET STRING of hash_len bytes 0xAB }. */
static size_t dg_hash(uint8_t dg, size_t hash_len, uint8_t *out)
{
    uint8_t body[80];
    size_t n = 0;
    body[n++] = 0x02;
    body[n++] = 0x01;
    body[n++] = dg;
    n += tl(0x04, hash_len, body + n);
    memset(body + n, 0xAB, hash_len);
    n += hash_len;
    size_t h = tl(0x30, n, out);
    memcpy(out + h, body, n);
    return h + n;
}

static const uint8_t sha256_alg[] = { 0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01 };
static const uint8_t md5_alg[] = { 0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x05 };

/* LDSSecurityObject { version, alg, SEQUENCE { hashes } } */
static size_t lds_object(uint8_t version, const uint8_t *alg, size_t alg_len, const uint8_t *hashes,
                         size_t hashes_len, uint8_t *out)
{
    uint8_t body[1024];
    size_t n = 0;
    body[n++] = 0x02;
    body[n++] = 0x01;
    body[n++] = version;
    memcpy(body + n, alg, alg_len);
    n += alg_len;
    n += tl(0x30, hashes_len, body + n);
    memcpy(body + n, hashes, hashes_len);
    n += hashes_len;
    size_t h = tl(0x30, n, out);
    memcpy(out + h, body, n);
    return h + n;
}

/* EF.SOD: 77 { SignedData of content typed ctype }, signed by a throwaway key. */
static uint8_t *sod_of(const uint8_t *content, size_t n, const char *ctype, bool detached, size_t *len)
{
    EVP_PKEY *k = pki_key("ec:prime256v1");
    X509 *x = pki_cert(&(pki_cert_spec){ .cn = "DS SOD", .country = "UT", .key = k, .not_before_days = -1,
                                         .not_after_days = 30, .usage = PKI_KU_SIGN, .serial = 3 });
    BIO *in = BIO_new_mem_buf(content, (int)n);
    unsigned flags = CMS_PARTIAL | CMS_BINARY | (detached ? CMS_DETACHED : 0);
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
    ASN1_OBJECT *t = OBJ_txt2obj(ctype, 1);
    cr_assert_eq(CMS_set1_eContentType(cms, t), 1);
    ASN1_OBJECT_free(t);
    cr_assert_not_null(CMS_add1_signer(cms, x, k, EVP_sha256(), CMS_BINARY));
    cr_assert_eq(CMS_final(cms, in, NULL, flags & ~(unsigned)CMS_PARTIAL), 1);
    unsigned char *der = NULL;
    int dl = i2d_CMS_ContentInfo(cms, &der);
    cr_assert_gt(dl, 0);
    uint8_t *out = malloc((size_t)dl + 4);
    size_t h = tl(0x77, (size_t)dl, out);
    memcpy(out + h, der, (size_t)dl);
    *len = h + (size_t)dl;
    OPENSSL_free(der);
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    X509_free(x);
    EVP_PKEY_free(k);
    return out;
}

static void sod_expect(const uint8_t *content, size_t n, const char *ctype, bool detached, vfy_status want,
                       const char *words)
{
    size_t len;
    uint8_t *sod = sod_of(content, n, ctype, detached, &len);
    lds_sod s;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status got = lds_sod_open(sod, len, &s, &d);
    cr_assert_eq(got, want, "%s (%s), want %s", vfy_status_name(got), d.message, vfy_status_name(want));
    if (words != NULL)
        cr_assert(strstr(d.message, words) != NULL, "\"%s\" lacks \"%s\"", d.message, words);
    if (got == VFY_OK)
        lds_sod_close(&s);
    else
        cr_assert_null(s.cms, "a refused SOD leaves nothing open");
    free(sod);
}

#define LDS_OID "2.23.136.1.1.1"

Test(cov_lds, sod_security_objects_refused)
{
    uint8_t h[400], obj[600];
    size_t hn = dg_hash(1, 32, h);
    size_t n = lds_object(0, sha256_alg, sizeof sha256_alg, h, hn, obj);
    sod_expect(obj, n, LDS_OID, false, VFY_OK, NULL);
    /* A SET where the SEQUENCE belongs. */
    uint8_t set[sizeof obj];
    memcpy(set, obj, n);
    set[0] = 0x31;
    sod_expect(set, n, LDS_OID, false, VFY_E_BAD_TAG, "must be a SEQUENCE");
    /* Version 2. */
    n = lds_object(2, sha256_alg, sizeof sha256_alg, h, hn, obj);
    sod_expect(obj, n, LDS_OID, false, VFY_E_UNSUPPORTED, "version 2");
    /* Version 1 without its LDSVersionInfo. */
    n = lds_object(1, sha256_alg, sizeof sha256_alg, h, hn, obj);
    sod_expect(obj, n, LDS_OID, false, VFY_E_BAD_VALUE, "lacks its LDSVersionInfo");
    /* MD5. */
    hn = dg_hash(1, 16, h);
    n = lds_object(0, md5_alg, sizeof md5_alg, h, hn, obj);
    sod_expect(obj, n, LDS_OID, false, VFY_E_ALGORITHM, "1.2.840.113549.2.5");
    /* DG17, a 20-byte SHA-256 hash, DG1 twice. */
    hn = dg_hash(17, 32, h);
    n = lds_object(0, sha256_alg, sizeof sha256_alg, h, hn, obj);
    sod_expect(obj, n, LDS_OID, false, VFY_E_BAD_VALUE, "outside 1..16");
    hn = dg_hash(2, 20, h);
    n = lds_object(0, sha256_alg, sizeof sha256_alg, h, hn, obj);
    sod_expect(obj, n, LDS_OID, false, VFY_E_BAD_LENGTH, "has 20 bytes");
    hn = dg_hash(1, 32, h);
    hn += dg_hash(1, 32, h + hn);
    n = lds_object(0, sha256_alg, sizeof sha256_alg, h, hn, obj);
    sod_expect(obj, n, LDS_OID, false, VFY_E_BAD_VALUE, "listed twice");
}

Test(cov_lds, sod_containers_refused)
{
    uint8_t h[64], obj[200];
    size_t hn = dg_hash(1, 32, h);
    size_t n = lds_object(0, sha256_alg, sizeof sha256_alg, h, hn, obj);
    /* Signed as a CSCA master list: not an LDS security object (id-data is accepted as
     * a legacy type, docs/quirks.md). */
    sod_expect(obj, n, "2.23.136.1.1.2", false, VFY_E_BAD_VALUE, "not an LDS security object");
    sod_expect(obj, n, "1.2.840.113549.1.7.1", false, VFY_OK, NULL);
    /* Detached: the signature is there, the content is not. */
    sod_expect(obj, n, LDS_OID, true, VFY_E_BAD_VALUE, "no signed content");
    lds_sod s;
    vfy_detail d;
    /* 0x77 around valid DER that is no CMS. */
    static const uint8_t not_cms[] = { 0x77, 0x05, 0x30, 0x03, 0x02, 0x01, 0x00 };
    cr_assert_eq(lds_sod_open(not_cms, sizeof not_cms, &s, &d), VFY_E_BAD_VALUE);
    /* 0x77 around a CMS id-data ContentInfo. */
    BIO *in = BIO_new_mem_buf(obj, (int)n);
    CMS_ContentInfo *data = CMS_data_create(in, CMS_BINARY);
    BIO_free(in);
    unsigned char *der = NULL;
    int dl = i2d_CMS_ContentInfo(data, &der);
    uint8_t wrapped[512];
    size_t w = tl(0x77, (size_t)dl, wrapped);
    memcpy(wrapped + w, der, (size_t)dl);
    cr_assert_eq(lds_sod_open(wrapped, w + (size_t)dl, &s, &d), VFY_E_BAD_VALUE);
    cr_assert(strstr(d.message, "not SignedData") != NULL, "%s", d.message);
    OPENSSL_free(der);
    CMS_ContentInfo_free(data);
    lds_sod_close(NULL);
}

/* ---- EF.COM (9303-10 §4.6.1) and DG1 ------------------------------------------------ */

Test(cov_lds, ef_com_refusals)
{
    vfy_lds_com out;
    vfy_detail d;
    /* LDS version "01x7": not four digits. */
    static const uint8_t bad_version[] = { 0x60, 0x13, 0x5F, 0x01, 0x04, '0', '1', 'x', '7', 0x5F, 0x36, 0x06,
                                           '0', '4', '0', '0', '0', '0', 0x5C, 0x01, 0x61 };
    cr_assert_eq(vfy_lds_parse_com(bad_version, sizeof bad_version, &out, &d), VFY_E_BAD_VALUE);
    cr_assert(strstr(d.message, "non-digit") != NULL, "%s", d.message);
    /* No tag list; an unknown element is only noted. */
    static const uint8_t no_tags[] = { 0x60, 0x12, 0x5F, 0x01, 0x04, '0', '1', '0', '7', 0x5F, 0x36, 0x06,
                                       '0', '4', '0', '0', '0', '0', 0x04, 0x00 };
    cr_assert_eq(vfy_lds_parse_com(no_tags, sizeof no_tags, &out, &d), VFY_E_BAD_VALUE);
    cr_assert(strstr(d.message, "tag list (5C)") != NULL, "%s", d.message);
    /* Only the LDS version. */
    static const uint8_t lds_only[] = { 0x60, 0x07, 0x5F, 0x01, 0x04, '0', '1', '0', '7' };
    cr_assert_eq(vfy_lds_parse_com(lds_only, sizeof lds_only, &out, &d), VFY_E_BAD_VALUE);
    cr_assert(strstr(d.message, "Unicode version (5F36)") != NULL, "%s", d.message);
    /* A tag list longer than VFY_LDS_MAX_TAGS. */
    uint8_t many[80] = { 0x60, 0, 0x5F, 0x01, 0x04, '0', '1', '0', '7', 0x5F, 0x36, 0x06, '0', '4', '0', '0',
                         '0', '0', 0x5C, VFY_LDS_MAX_TAGS + 1 };
    size_t n = 20;
    for (int i = 0; i <= VFY_LDS_MAX_TAGS; i++)
        many[n++] = 0x61;
    many[1] = (uint8_t)(n - 2);
    cr_assert_eq(vfy_lds_parse_com(many, n, &out, &d), VFY_E_LIMIT);
    cr_assert_eq(vfy_lds_parse_com(lds_only, sizeof lds_only, NULL, &d), VFY_E_INVALID_ARGUMENT);
}

Test(cov_lds, dg1_refusals)
{
    vfy_bytes mrz;
    vfy_detail d;
    static const uint8_t no_mrz[] = { 0x61, 0x03, 0x04, 0x01, 0x00 };
    cr_assert_eq(vfy_lds_dg1_mrz(no_mrz, sizeof no_mrz, &mrz, &d), VFY_E_BAD_VALUE);
    cr_assert(strstr(d.message, "no MRZ") != NULL, "%s", d.message);
    /* 9303-10: 88 (TD3), 90 (TD1) or 72 (TD2) characters; 10 is none of them. */
    static const uint8_t short_mrz[] = { 0x61, 0x0D, 0x5F, 0x1F, 0x0A, 'P', '<', 'U', 'T', 'O', 'A', 'B', 'C',
                                         '<', '<' };
    cr_assert_eq(vfy_lds_dg1_mrz(short_mrz, sizeof short_mrz, &mrz, &d), VFY_E_BAD_LENGTH);
    cr_assert_eq(vfy_lds_dg1_mrz(no_mrz, sizeof no_mrz, NULL, &d), VFY_E_INVALID_ARGUMENT);
    /* 88 characters that are no TD3 MRZ: the MRZ parser's refusal, named as DG1's. */
    uint8_t junk[93] = { 0x61, 0x5B, 0x5F, 0x1F, 0x58 };
    memset(junk + 5, '#', 88);
    vfy_mrz parsed;
    vfy_detail_clear(&d);
    cr_assert_neq(vfy_lds_parse_dg1(junk, sizeof junk, &parsed, &d), VFY_OK);
    cr_assert(strstr(d.field, "DG1") != NULL, "field %s", d.field);
}

Test(cov_lds, output_arguments)
{
    vfy_detail d;
    static const uint8_t any[] = { 0x30, 0x00 };
    cr_assert_eq(vfy_lds_parse_dg12(any, sizeof any, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_lds_parse_dg15(any, sizeof any, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_lds_parse_dg2(any, sizeof any, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_lds_parse_dg14(any, sizeof any, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_lds_parse_security_infos(any, sizeof any, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_lds_parse_card_security(any, sizeof any, NULL, &d), VFY_E_INVALID_ARGUMENT);
}

Test(cov_lds, card_security_parse_refusals)
{
    vfy_security_infos out;
    vfy_detail d;
    /* Valid DER, no CMS. */
    static const uint8_t seq[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
    cr_assert_eq(vfy_lds_parse_card_security(seq, sizeof seq, &out, &d), VFY_E_BAD_VALUE);
    /* Signed, but detached: no content to parse. */
    static const uint8_t set[] = { 0x31, 0x00 };
    size_t len;
    uint8_t *sod = sod_of(set, sizeof set, "0.4.0.127.0.7.3.2.1", true, &len);
    size_t h = sod[1] & 0x80 ? 2 + (sod[1] & 0x7Fu) : 2;
    cr_assert_eq(vfy_lds_parse_card_security(sod + h, len - h, &out, &d), VFY_E_BAD_VALUE);
    cr_assert(strstr(d.message, "no content") != NULL, "%s", d.message);
    free(sod);
    /* Content that is no SecurityInfos (a SEQUENCE): refused, named as EF.CardSecurity's. */
    sod = sod_of(seq, sizeof seq, "0.4.0.127.0.7.3.2.1", false, &len);
    h = sod[1] & 0x80 ? 2 + (sod[1] & 0x7Fu) : 2;
    vfy_detail_clear(&d);
    cr_assert_neq(vfy_lds_parse_card_security(sod + h, len - h, &out, &d), VFY_OK);
    cr_assert(strstr(d.field, "EF.CardSecurity") != NULL, "field %s", d.field);
    free(sod);
}
