/*
 * Branches of seal/vdsnc.c: each structural rule of a VDS-NC (ICAO TR "VDS for
 * non-constrained environments", 2021: {"data":{"hdr":{"t","v","is"},"msg":{}},
 * "sig":{"alg","cer","sigvl"}}, version 1, ES256/384/512, no other members, no duplicate
 * names) broken alone, each refused with the status seal.h gives the rule.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "verify.h"

#define HDR "\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UTO\"}"
#define SIG "\"sig\":{\"alg\":\"ES256\",\"cer\":\"AAAA\",\"sigvl\":\"AAAA\"}"

Test(cov2_sbr_seal, vdsnc_structure_one_rule_at_a_time)
{
    static const struct { const char *doc; vfy_status want; } c[] = {
        {"[1]", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}}," SIG ",\"x\":1}", VFY_E_SEAL_FORMAT},
        {"{" SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":[]," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{},\"y\":1}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR "}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{\"hdr\":[],\"msg\":{}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{\"hdr\":{\"v\":1,\"is\":\"UTO\"},\"msg\":{}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1},\"msg\":{}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":\"1\",\"is\":\"UTO\"},\"msg\":{}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{\"hdr\":{\"t\":1,\"v\":1,\"is\":\"UTO\"},\"msg\":{}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":2,\"is\":\"UTO\"},\"msg\":{}}," SIG "}", VFY_E_SEAL_VERSION},
        {"{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UT\"},\"msg\":{}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UTOP\"},\"msg\":{}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{\"a\":1}}}", VFY_E_SEAL_UNSIGNED},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":[]}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":{\"alg\":\"ES256\",\"cer\":\"AAAA\",\"sigvl\":\"AAAA\",\"z\":0}}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":{\"alg\":\"ES256\",\"cer\":\"AAAA\"}}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":{\"alg\":\"ES256\",\"sigvl\":\"AAAA\"}}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":{\"cer\":\"AAAA\",\"sigvl\":\"AAAA\"}}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":{\"alg\":\"RS256\",\"cer\":\"AAAA\",\"sigvl\":\"AAAA\"}}", VFY_E_ALGORITHM},
        {"{\"data\":{" HDR ",\"msg\":{\"a\":[1,\"x\"]}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":{\"alg\":\"ES384\",\"cer\":\"AAAA\",\"sigvl\":\"AAAA\"}}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":{\"alg\":\"ES512\",\"cer\":\"AAAA\",\"sigvl\":\"AAAA\"}}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}}," SIG "", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}}," SIG ",\"data\":{}}", VFY_E_SEAL_FORMAT},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        vfy_seal_options o = { .trust = NULL };
        vfy_seal_result *r = NULL;
        vfy_detail d;
        vfy_detail_clear(&d);
        vfy_status s = vfy_seal_verify((const uint8_t *)c[i].doc, strlen(c[i].doc), &o, &r, &d);
        cr_expect_eq(s, c[i].want, "case %zu: got %s (%s) want %s", i, vfy_status_name(s), d.message,
                     vfy_status_name(c[i].want));
        vfy_seal_result_free(r);
    }
}

/* seal/doc_type_list.c: the ICAO documentTypeList extension (OID 2.23.136.1.1.6.2,
 * Doc 9303-12: SEQUENCE { version INTEGER, SET OF PrintableString (1 or 2 upper-case
 * letters) }, or the bare SET some issuers use) as hand-made DER on an OpenSSL cert. */
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "seal/doc_type_list.h"

static X509 *cert_with(const uint8_t *der, size_t len, int times)
{
    X509 *x = X509_new();
    cr_assert_not_null(x);
    ASN1_OBJECT *oid = OBJ_txt2obj("2.23.136.1.1.6.2", 1);
    for (int i = 0; i < times; i++) {
        ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
        cr_assert(ASN1_OCTET_STRING_set(os, der, (int)len));
        X509_EXTENSION *e = X509_EXTENSION_create_by_OBJ(NULL, oid, 0, os);
        cr_assert_not_null(e);
        cr_assert(X509_add_ext(x, e, -1));
        X509_EXTENSION_free(e);
        ASN1_OCTET_STRING_free(os);
    }
    ASN1_OBJECT_free(oid);
    return x;
}

static vfy_status read_types(const uint8_t *der, size_t len, int times, seal_doc_types *out)
{
    X509 *x = cert_with(der, len, times);
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = seal_doc_types_read(x, out, &d);
    X509_free(x);
    return s;
}

Test(cov2_sbr_seal, document_type_list_der)
{
    seal_doc_types t;
    static const uint8_t seq[] = {0x30, 0x0a, 0x02, 0x01, 0x00, 0x31, 0x05, 0x13, 0x02, 'N', 'V', 0x13, 0x01, 'A'};
    /* fix the SET length: 2 strings = 4 + 3 = 7 bytes, SEQUENCE = 3 + 2 + 7 = 12 */
    uint8_t s2[sizeof seq];
    memcpy(s2, seq, sizeof seq);
    s2[1] = 12;
    s2[6] = 7;
    cr_assert_eq(read_types(s2, sizeof s2, 1, &t), VFY_OK);
    cr_assert(t.present);
    cr_assert_eq(t.count, 2);
    cr_assert_str_eq(t.types[0], "NV");
    cr_assert_str_eq(t.types[1], "A");
    cr_assert(seal_doc_types_allow(&t, "NV"));
    cr_assert(seal_doc_types_allow(&t, "AB"), "a one-letter type allows every code it begins");
    cr_assert(!seal_doc_types_allow(&t, "NT"));
    cr_assert(!seal_doc_types_allow(&t, ""));
    cr_assert(!seal_doc_types_allow(&t, NULL));
    cr_assert_eq(read_types(s2, sizeof s2, 2, &t), VFY_E_SEAL_DOC_TYPE, "twice");

    static const uint8_t bare[] = {0x31, 0x04, 0x13, 0x02, 'N', 'T'};
    cr_assert_eq(read_types(bare, sizeof bare, 1, &t), VFY_OK);
    cr_assert_eq(t.count, 1);
    cr_assert_str_eq(t.types[0], "NT");
    static const uint8_t empty_str[] = {0x31, 0x02, 0x13, 0x00};
    cr_assert_eq(read_types(empty_str, sizeof empty_str, 1, &t), VFY_E_SEAL_DOC_TYPE);
    static const uint8_t three[] = {0x31, 0x05, 0x13, 0x03, 'A', 'B', 'C'};
    cr_assert_eq(read_types(three, sizeof three, 1, &t), VFY_E_SEAL_DOC_TYPE);
    static const uint8_t lower[] = {0x31, 0x04, 0x13, 0x02, 'N', 'v'};
    cr_assert_eq(read_types(lower, sizeof lower, 1, &t), VFY_E_SEAL_DOC_TYPE);
    static const uint8_t below[] = {0x31, 0x04, 0x13, 0x02, '@', 'A'};
    cr_assert_eq(read_types(below, sizeof below, 1, &t), VFY_E_SEAL_DOC_TYPE);
    static const uint8_t octet[] = {0x04, 0x02, 'N', 'V'};
    cr_assert_eq(read_types(octet, sizeof octet, 1, &t), VFY_E_SEAL_DOC_TYPE);
    uint8_t many[2 + 17 * 3];
    many[0] = 0x31;
    many[1] = 17 * 3;
    for (int i = 0; i < 17; i++) {
        many[2 + 3 * i] = 0x13;
        many[3 + 3 * i] = 1;
        many[4 + 3 * i] = (uint8_t)('A' + i);
    }
    cr_assert_eq(read_types(many, sizeof many, 1, &t), VFY_E_LIMIT, "17 types, one past SEAL_DOC_TYPES_MAX");
    many[1] = 16 * 3;
    cr_assert_eq(read_types(many, 2 + 16 * 3, 1, &t), VFY_OK, "16 types: at the bound");
    cr_assert_eq(t.count, 16);
    X509 *x = X509_new();
    vfy_detail d;
    cr_assert_eq(seal_doc_types_read(x, &t, &d), VFY_OK);
    cr_assert(!t.present);
    X509_free(x);
}
