/*
 * Barcode-signer certificates (libverify/seal/seal_signer.c, doc_type_list.c): the ICAO
 * documentTypeList extension (OID 2.23.136.1.1.6.2; ICAO 9303-12 / TR "VDS-NC":
 * documentTypeList ::= SEQUENCE { version INTEGER, docTypeList SET OF DocumentType },
 * DocumentType ::= PrintableString (SIZE(1..2))) read from certificates built here with
 * OpenSSL and a hand-written extension value each; the signer look-up by subject
 * (C= and CN= from the signer identifier) and, for a 40-character reference, by SHA-1;
 * the signer store under failed allocations (issue 12 coverage).
 */
#include <criterion/criterion.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faults.h"
#include "pki.h"
#include "seal/doc_type_list.h"
#include "support.h"
#include "verify.h"

/* A bare certificate carrying the extension value `der` (n bytes), `times` times. */
static X509 *cert_with_list(const uint8_t *der, size_t n, int times)
{
    X509 *x = X509_new();
    cr_assert_not_null(x);
    ASN1_OBJECT *oid = OBJ_txt2obj("2.23.136.1.1.6.2", 1);
    ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
    cr_assert(ASN1_OCTET_STRING_set(v, der, (int)n));
    for (int i = 0; i < times; i++) {
        X509_EXTENSION *e = X509_EXTENSION_create_by_OBJ(NULL, oid, 0, v);
        cr_assert_not_null(e);
        cr_assert(X509_add_ext(x, e, -1));
        X509_EXTENSION_free(e);
    }
    ASN1_OCTET_STRING_free(v);
    ASN1_OBJECT_free(oid);
    return x;
}

static vfy_status read_list(const uint8_t *der, size_t n, int times, seal_doc_types *out, vfy_detail *d)
{
    X509 *x = cert_with_list(der, n, times);
    vfy_detail_clear(d);
    vfy_status s = seal_doc_types_read(x, out, d);
    X509_free(x);
    return s;
}

Test(cov2_seal_signer, doc_type_list_well_formed_sequence)
{
    /* SEQUENCE { INTEGER 0, SET { "V", "NV" } } */
    static const uint8_t der[] = { 0x30, 0x0C, 0x02, 0x01, 0x00, 0x31, 0x07,
                                   0x13, 0x01, 'V', 0x13, 0x02, 'N', 'V' };
    seal_doc_types l;
    vfy_detail d;
    cr_assert_eq(read_list(der, sizeof der, 1, &l, &d), VFY_OK, "%s", d.message);
    cr_assert(l.present);
    cr_assert_eq(l.count, 2);
    cr_assert_str_eq(l.types[0], "V");
    cr_assert_str_eq(l.types[1], "NV");
    cr_assert(seal_doc_types_allow(&l, "V"));
    cr_assert(seal_doc_types_allow(&l, "VX")); /* a one-letter type allows its family */
    cr_assert(seal_doc_types_allow(&l, "NV"));
    cr_assert_not(seal_doc_types_allow(&l, "NT"));
    cr_assert_not(seal_doc_types_allow(&l, ""));
    cr_assert_not(seal_doc_types_allow(&l, NULL));
}

/* A bare SET (no version) is read as the list itself. */
Test(cov2_seal_signer, doc_type_list_bare_set)
{
    static const uint8_t der[] = { 0x31, 0x04, 0x13, 0x02, 'S', 'T' };
    seal_doc_types l;
    vfy_detail d;
    cr_assert_eq(read_list(der, sizeof der, 1, &l, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(l.count, 1);
    cr_assert_str_eq(l.types[0], "ST");
}

Test(cov2_seal_signer, doc_type_list_refusals)
{
    seal_doc_types l;
    vfy_detail d;
    static const uint8_t three[] = { 0x31, 0x05, 0x13, 0x03, 'A', 'B', 'C' };
    cr_assert_eq(read_list(three, sizeof three, 1, &l, &d), VFY_E_SEAL_DOC_TYPE);
    cr_assert_str_eq(d.message, "a document type has 3 characters, not 1 or 2");
    static const uint8_t empty_type[] = { 0x31, 0x02, 0x13, 0x00 };
    cr_assert_eq(read_list(empty_type, sizeof empty_type, 1, &l, &d), VFY_E_SEAL_DOC_TYPE);
    static const uint8_t lower[] = { 0x31, 0x04, 0x13, 0x02, 'N', 'v' };
    cr_assert_eq(read_list(lower, sizeof lower, 1, &l, &d), VFY_E_SEAL_DOC_TYPE);
    cr_assert_str_eq(d.message, "a document type is not upper-case letters");
    static const uint8_t integer[] = { 0x02, 0x01, 0x00 };
    cr_assert_eq(read_list(integer, sizeof integer, 1, &l, &d), VFY_E_SEAL_DOC_TYPE);
    cr_assert_str_eq(d.message, "the documentTypeList extension is neither a SEQUENCE nor a SET");
    static const uint8_t ok[] = { 0x31, 0x03, 0x13, 0x01, 'V' };
    cr_assert_eq(read_list(ok, sizeof ok, 2, &l, &d), VFY_E_SEAL_DOC_TYPE);
    cr_assert_str_eq(d.message, "the signer certificate carries the documentTypeList extension twice");
    /* 17 types: one more than SEAL_DOC_TYPES_MAX */
    uint8_t many[2 + 17 * 3];
    many[0] = 0x31;
    many[1] = 17 * 3;
    for (int i = 0; i < 17; i++) {
        many[2 + 3 * i] = 0x13;
        many[3 + 3 * i] = 0x01;
        many[4 + 3 * i] = (uint8_t)('A' + i);
    }
    cr_assert_eq(read_list(many, sizeof many, 1, &l, &d), VFY_E_LIMIT);
    cr_assert_str_eq(d.message, "more than 16 document types");
    /* no extension: not present, nothing refused */
    X509 *x = X509_new();
    cr_assert_eq(seal_doc_types_read(x, &l, &d), VFY_OK);
    cr_assert_not(l.present);
    X509_free(x);
}

/* ---- look-up ------------------------------------------------------------------------- */

static uint8_t *hex_file(const char *rel, size_t *n)
{
    char p[1024];
    size_t len;
    uint8_t *text = read_file_or_fail(SHARED_PATH(rel, p), &len);
    char *hex = calloc(1, len + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] != '\n' && text[i] != '\r')
            hex[k++] = (char)text[i];
    free(text);
    uint8_t *bin = hex_decode(hex, n);
    free(hex);
    return bin;
}

static vfy_seal_signers *signers_of(X509 *a, X509 *b)
{
    vfy_seal_signers *s;
    cr_assert_eq(vfy_seal_signers_new(&s), VFY_OK);
    X509 *certs[2] = { a, b };
    for (int i = 0; i < 2; i++) {
        if (certs[i] == NULL)
            continue;
        int n;
        unsigned char *der = pki_der(certs[i], &n);
        vfy_detail d;
        cr_assert_eq(vfy_seal_signers_add_memory(s, der, (size_t)n, &d), VFY_OK, "%s", d.message);
        OPENSSL_free(der);
    }
    return s;
}

/* The DEZV seal's 40-character reference is a SHA-1 fingerprint: a certificate of the
 * right subject (C=DE, CN=ZV) but another fingerprint is not its signer; nor is one
 * without C= at all. Both are looked at, neither is taken. */
Test(cov2_seal_signer, sha1_reference_and_subject_without_country)
{
    EVP_PKEY *k = pki_key("ec:prime256v1");
    pki_cert_spec zv = { .cn = "ZV", .country = "DE", .key = k, .not_before_days = -10,
                         .not_after_days = 1000, .usage = PKI_KU_SIGN, .serial = 0x11 };
    pki_cert_spec noc = { .cn = "ZV", .country = NULL, .key = k, .not_before_days = -10,
                          .not_after_days = 1000, .usage = PKI_KU_SIGN, .serial = 0x12 };
    X509 *a = pki_cert(&zv), *b = pki_cert(&noc);
    vfy_seal_signers *s = signers_of(b, a);
    size_t n;
    uint8_t *seal = hex_file("vectors/vds/vds/vdstools_tr03171_dezv_certref40.hex", &n);
    vfy_seal_options o = { .signers = s };
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_seal_verify(seal, n, &o, &r, &d), VFY_E_SEAL_SIGNER_UNKNOWN, "%s", d.message);
    cr_assert_str_eq(r->header.cert_ref, "00112233445566778899AABBCCDDEEFF00112233");
    bool sha1_choice = false;
    for (unsigned i = 0; i < r->choice_count; i++)
        sha1_choice = sha1_choice || strcmp(r->choices[i], "vds-sha1-reference") == 0;
    cr_assert(sha1_choice);
    cr_assert_not(r->signer.found);
    cr_assert_eq(r->verdict, VFY_SEAL_UNVERIFIED);
    vfy_seal_result_free(r);
    free(seal);
    vfy_seal_signers_free(s);
    X509_free(a);
    X509_free(b);
    EVP_PKEY_free(k);
}

Test(cov2_seal_signer, add_path_refusals)
{
    vfy_seal_signers *s;
    cr_assert_eq(vfy_seal_signers_new(&s), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_seal_signers_add_path(s, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_seal_signers_add_path(NULL, "/x", &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_seal_signers_add_path(s, "/nonexistent/vfy-cov2-seal.pem", &d), VFY_E_IO);
    cr_assert_eq(vfy_seal_signers_new(NULL), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_seal_signers_count(NULL), 0);
    cr_assert_eq(vfy_seal_signers_count(s), 0);
    vfy_seal_signers_free(s);
}

/* ---- out of memory -------------------------------------------------------------------- */

struct signers_fx {
    uint8_t *der;
    size_t der_len;
    uint8_t *pem;
    size_t pem_len;
};

static void signers_op(void *ctx, bool injected)
{
    struct signers_fx *f = ctx;
    vfy_seal_signers *s = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    fault_enter();
    vfy_status a = vfy_seal_signers_new(&s);
    vfy_status b = a == VFY_OK ? vfy_seal_signers_add_memory(s, f->der, f->der_len, &d) : a;
    vfy_status c = b == VFY_OK ? vfy_seal_signers_add_memory(s, f->pem, f->pem_len, &d) : b;
    fault_leave();
    if (!injected) {
        cr_assert_eq(c, VFY_OK, "%s", d.message);
        cr_assert_eq(vfy_seal_signers_count(s), 3); /* one DER, two PEM */
    } else if (c != VFY_OK) {
        /* a PEM text whose reading ran out of memory may read as "no certificate" */
        cr_assert(c == VFY_E_NO_MEMORY || c == VFY_E_TRUST_STORE, "%s: %s", vfy_status_name(c),
                  d.message);
        if (a != VFY_OK)
            cr_assert_null(s);
    } else {
        cr_assert_leq(vfy_seal_signers_count(s), 3);
    }
    vfy_seal_signers_free(s);
}

Test(cov2_seal_signer, signer_store_under_failed_allocations, .timeout = 600)
{
    char p1[1024], p2[1024];
    struct signers_fx f;
    size_t l32, l27;
    uint8_t *t32 = read_file_or_fail(SHARED_PATH("vectors/vds/certs/DETS32.pem", p1), &l32);
    uint8_t *t27 = read_file_or_fail(SHARED_PATH("vectors/vds/certs/DETS27.pem", p2), &l27);
    f.pem = malloc(l32 + l27);
    memcpy(f.pem, t32, l32);
    memcpy(f.pem + l32, t27, l27);
    f.pem_len = l32 + l27;
    /* the DER form of DETS32, by OpenSSL */
    BIO *bio = BIO_new_mem_buf(t32, (int)l32);
    X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    cr_assert_not_null(x);
    BIO_free(bio);
    int n;
    unsigned char *der = pki_der(x, &n);
    f.der = malloc((size_t)n);
    memcpy(f.der, der, (size_t)n);
    f.der_len = (size_t)n;
    OPENSSL_free(der);
    X509_free(x);
    struct fault_sweep_result r = fault_sweep(signers_op, &f, 2000);
    cr_assert_gt(r.fired, 0);
    free(f.der);
    free(f.pem);
    free(t32);
    free(t27);
}

/* A file larger than the store reads (4 x VFY_SEAL_MAX_INPUT) is refused as too large;
 * the read buffer's allocation failing is out of memory. */
Test(cov2_seal_signer, add_path_too_large_and_out_of_memory)
{
    char dir[256], path[512], p32[1024];
    tmpdir_make("cov2seal", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/big.pem", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    size_t big = (size_t)VFY_SEAL_MAX_INPUT * 4 + 1;
    char *junk = calloc(1, big);
    memset(junk, 'A', big);
    cr_assert_eq(fwrite(junk, 1, big, f), big);
    fclose(f);
    free(junk);
    vfy_seal_signers *s;
    cr_assert_eq(vfy_seal_signers_new(&s), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_seal_signers_add_path(s, path, &d), VFY_E_LIMIT);
    char want[600];
    snprintf(want, sizeof want, "%s is too large", path);
    cr_assert_str_eq(d.message, want);
    /* the first allocation of add_path is its read buffer */
    const char *pem = SHARED_PATH("vectors/vds/certs/DETS32.pem", p32);
    fault_arm(1);
    fault_enter();
    vfy_status st = vfy_seal_signers_add_path(s, pem, &d);
    fault_leave();
    bool fired;
    fault_disarm(&fired);
    cr_assert(fired);
    cr_assert_eq(st, VFY_E_NO_MEMORY);
    cr_assert_eq(vfy_seal_signers_count(s), 0);
    cr_assert_eq(vfy_seal_signers_add_path(s, pem, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_seal_signers_count(s), 1);
    vfy_seal_signers_free(s);
    tmpdir_remove(dir);
}

/* The store's first certificate makes its stack allocate: that allocation failing is
 * out of memory and the certificate is not kept. The allocations before it (OpenSSL's
 * parse of the same bytes) are counted first, the caches warmed by two parses. */
static unsigned long count_parse(const uint8_t *data, size_t n, bool pem)
{
    unsigned long c = 0;
    for (int round = 0; round < 3; round++) {
        bool fired;
        fault_arm(0);
        fault_enter();
        const unsigned char *p = data;
        X509 *x = d2i_X509(NULL, &p, (long)n);
        if (pem) {
            X509_free(x);
            x = NULL;
            BIO *b = BIO_new_mem_buf(data, (int)n);
            x = PEM_read_bio_X509(b, NULL, NULL, NULL);
            BIO_free(b);
        }
        fault_leave();
        c = fault_disarm(&fired);
        cr_assert_not_null(x);
        X509_free(x);
        ERR_clear_error();
    }
    return c;
}

static void first_push_fails(const uint8_t *data, size_t n, bool pem)
{
    unsigned long before = count_parse(data, n, pem);
    /* PEM: the BIO of add_memory is made before the parse, the parse's BIO freed after:
     * the same allocations in another order */
    vfy_seal_signers *s;
    cr_assert_eq(vfy_seal_signers_new(&s), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    bool fired;
    fault_arm(before + 1);
    fault_enter();
    vfy_status st = vfy_seal_signers_add_memory(s, data, n, &d);
    fault_leave();
    fault_disarm(&fired);
    cr_assert(fired);
    cr_assert_eq(st, VFY_E_NO_MEMORY, "%s: %s", vfy_status_name(st), d.message);
    cr_assert_str_eq(d.message, "out of memory");
    cr_assert_eq(vfy_seal_signers_count(s), 0);
    vfy_seal_signers_free(s);
    ERR_clear_error();
}

Test(cov2_seal_signer, first_certificate_kept_only_with_memory)
{
    char p32[1024];
    size_t len;
    uint8_t *pem = read_file_or_fail(SHARED_PATH("vectors/vds/certs/DETS32.pem", p32), &len);
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    int n;
    unsigned char *der = pki_der(x, &n);
    first_push_fails(der, (size_t)n, false);
    first_push_fails(pem, len, true);
    OPENSSL_free(der);
    X509_free(x);
    free(pem);
}
