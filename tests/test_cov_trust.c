#define _GNU_SOURCE
/*
 * The trust store's refusals and edges not reached by test_trust*.c (issue 12,
 * coverage): master lists made with OpenSSL's CMS API and then broken the way a forger
 * or a broken exporter would (not SignedData, another eContentType, two signers, a
 * signer with an unknown critical extension, an entry that is no certificate, a list
 * that turns malformed after good entries, an unreadable or missing signingTime),
 * certificates with malformed extensions, undecodable keys or odd country codes,
 * unreadable PEM, oversized files, folders given to vfy_trust_add_paths, and the
 * accessors' bounds. Each negative asserts the exact status and that nothing of the
 * refused item became an anchor.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pki.h"
#include "support.h"
#include "trust/trust_store.h"
#include "verify.h"

#define OID_ML "2.23.136.1.1.2"
#define OID_ML_SIGNER "2.23.136.1.1.3"

typedef struct ml_pki {
    EVP_PKEY *csca_key, *signer_key, *other_key;
    X509 *csca, *signer, *other; /* other: a foreign CSCA the list vouches for */
} ml_pki;

static void ml_make(ml_pki *m, bool signer_unknown_critical)
{
    m->csca_key = pki_key("ec:prime256v1");
    m->signer_key = pki_key("ec:prime256v1");
    m->other_key = pki_key("ec:prime256v1");
    m->csca = pki_cert(&(pki_cert_spec){ .cn = "CSCA Utopia", .country = "UT", .key = m->csca_key,
                                         .not_before_days = -100, .not_after_days = 3000,
                                         .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 1 });
    m->signer = pki_cert(&(pki_cert_spec){ .cn = "ML signer Utopia", .country = "UT", .key = m->signer_key,
                                           .issuer = m->csca, .issuer_key = m->csca_key,
                                           .not_before_days = -10, .not_after_days = 300,
                                           .usage = PKI_KU_SIGN, .eku = OID_ML_SIGNER, .serial = 30,
                                           .unknown_critical = signer_unknown_critical });
    m->other = pki_cert(&(pki_cert_spec){ .cn = "CSCA Other", .country = "XO", .key = m->other_key,
                                          .not_before_days = -100, .not_after_days = 3000,
                                          .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 9 });
}

static void ml_free(ml_pki *m)
{
    EVP_PKEY_free(m->csca_key);
    EVP_PKEY_free(m->signer_key);
    EVP_PKEY_free(m->other_key);
    X509_free(m->csca);
    X509_free(m->signer);
    X509_free(m->other);
}

/* (OpenSSL adds a signingTime of its own when there is none, so "none" is not made.) */
enum signing_time { ST_NOW, ST_NOT_A_TIME, ST_UNREADABLE };

typedef struct ml_opts {
    const char *ctype;          /* OID_ML when NULL */
    enum signing_time when;
    bool second_signer;
} ml_opts;

/* DER length of n at out; returns its size. */
static size_t put_len(size_t n, uint8_t *out)
{
    if (n < 0x80) {
        out[0] = (uint8_t)n;
        return 1;
    }
    out[0] = 0x82;
    out[1] = (uint8_t)(n >> 8);
    out[2] = (uint8_t)n;
    return 3;
}

static size_t tlv(uint8_t tag, const uint8_t *body, size_t n, uint8_t *out)
{
    out[0] = tag;
    size_t h = 1 + put_len(n, out + 1);
    memmove(out + h, body, n);
    return h + n;
}

/* CscaMasterList { version 0, certList SET { parts... } } from raw DER parts. */
static size_t ml_content(const uint8_t *set_body, size_t set_len, uint8_t *out)
{
    uint8_t inner[8192];
    size_t n = 0;
    inner[n++] = 0x02;
    inner[n++] = 0x01;
    inner[n++] = 0x00;
    n += tlv(0x31, set_body, set_len, inner + n);
    return tlv(0x30, inner, n, out);
}

static uint8_t *ml_sign(const ml_pki *m, const uint8_t *content, size_t n, const ml_opts *o, size_t *len)
{
    BIO *in = BIO_new_mem_buf(content, (int)n);
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY);
    ASN1_OBJECT *type = OBJ_txt2obj(o->ctype ? o->ctype : OID_ML, 1);
    cr_assert_eq(CMS_set1_eContentType(cms, type), 1);
    ASN1_OBJECT_free(type);
    int signers = o->second_signer ? 2 : 1;
    for (int i = 0; i < signers; i++) {
        CMS_SignerInfo *si = CMS_add1_signer(cms, i == 0 ? m->signer : m->csca,
                                             i == 0 ? m->signer_key : m->csca_key, EVP_sha256(),
                                             CMS_PARTIAL | CMS_BINARY);
        cr_assert_not_null(si);
        if (o->when == ST_NOW) {
            ASN1_TIME *now = X509_gmtime_adj(NULL, 0);
            cr_assert_eq(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, now->type, now, -1), 1);
            ASN1_TIME_free(now);
        } else if (o->when == ST_NOT_A_TIME) {
            cr_assert_eq(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, V_ASN1_OCTET_STRING,
                                                     "20260101", 8), 1);
        } else if (o->when == ST_UNREADABLE) {
            /* A UTCTime whose month is 13. */
            cr_assert_eq(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, V_ASN1_UTCTIME,
                                                     "261301000000Z", 13), 1);
        }
    }
    cr_assert_eq(CMS_final(cms, in, NULL, CMS_BINARY), 1);
    unsigned char *der = NULL;
    int dl = i2d_CMS_ContentInfo(cms, &der);
    cr_assert_gt(dl, 0);
    uint8_t *copy = malloc((size_t)dl);
    memcpy(copy, der, (size_t)dl);
    *len = (size_t)dl;
    OPENSSL_free(der);
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    return copy;
}

static vfy_trust *store_with(X509 *csca)
{
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    if (csca != NULL) {
        vfy_detail d;
        cr_assert_eq(vfy_trust_add_x509(t, csca, "csca", &d), VFY_OK);
    }
    return t;
}

static size_t list_of(X509 **certs, size_t n, uint8_t *out)
{
    uint8_t set[8192];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char *p = set + k;
        k += (size_t)i2d_X509(certs[i], &p);
    }
    return ml_content(set, k, out);
}

static void expect_rejected(const ml_pki *m, const uint8_t *content, size_t n, const ml_opts *o,
                            vfy_status want, const char *words)
{
    size_t len;
    uint8_t *der = ml_sign(m, content, n, o, &len);
    vfy_trust *t = store_with(m->csca);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_memory(t, der, len, "list.ml", &d), want, "%s", d.message);
    cr_assert(strstr(d.message, words) != NULL, "\"%s\" lacks \"%s\"", d.message, words);
    cr_assert_eq(vfy_trust_anchor_count(t), 1, "nothing of a refused list may anchor");
    vfy_trust_entry e;
    cr_assert_eq(vfy_trust_entry_get(t, vfy_trust_entry_count(t) - 1, &e), VFY_OK);
    cr_assert(!e.accepted);
    cr_assert_eq(e.kind, VFY_TRUST_MASTER_LIST);
    vfy_trust_free(t);
    free(der);
}

Test(cov_trust, master_list_of_another_content_type_or_with_two_signers)
{
    ml_pki m;
    ml_make(&m, false);
    uint8_t content[4096];
    size_t n = list_of(&m.other, 1, content);
    /* id-icao-ldsSecurityObject: an SOD is no master list. */
    expect_rejected(&m, content, n, &(ml_opts){ .ctype = "2.23.136.1.1.1" }, VFY_E_TRUST_STORE,
                    "not id-icao-cscaMasterList");
    /* A second signer (the CSCA itself): 9303-12 lists have exactly one. */
    expect_rejected(&m, content, n, &(ml_opts){ .second_signer = true }, VFY_E_SIGNATURE,
                    "exactly one signer");
    ml_free(&m);
}

Test(cov_trust, master_list_signer_with_unknown_critical_extension)
{
    ml_pki m;
    ml_make(&m, true);
    uint8_t content[4096];
    size_t n = list_of(&m.other, 1, content);
    expect_rejected(&m, content, n, &(ml_opts){ 0 }, VFY_E_CRITICAL_EXTENSION, "unknown critical extension");
    ml_free(&m);
}

Test(cov_trust, master_list_content_that_is_not_a_list)
{
    ml_pki m;
    ml_make(&m, false);
    /* A SET where the SEQUENCE belongs. */
    static const uint8_t set[] = { 0x31, 0x03, 0x02, 0x01, 0x00 };
    expect_rejected(&m, set, sizeof set, &(ml_opts){ 0 }, VFY_E_TRUST_STORE, "malformed");
    /* A good CSCA, then an element whose length runs past the set: rejected whole, the
     * CSCA added before the bad element is taken out again. */
    uint8_t body[4096];
    unsigned char *p = body;
    size_t k = (size_t)i2d_X509(m.other, &p);
    body[k++] = 0x30;
    body[k++] = 0x10; /* 16 bytes announced, 2 present */
    body[k++] = 0x02;
    body[k++] = 0x00;
    uint8_t content[4096];
    size_t n = ml_content(body, k, content);
    size_t len;
    uint8_t *der = ml_sign(&m, content, n, &(ml_opts){ 0 }, &len);
    vfy_trust *t = store_with(m.csca);
    size_t entries = vfy_trust_entry_count(t);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_memory(t, der, len, "list.ml", &d), VFY_E_TRUST_STORE, "%s", d.message);
    cr_assert(strstr(d.message, "malformed") != NULL, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 1);
    cr_assert_eq(vfy_trust_entry_count(t), entries + 1, "only the rejection is recorded");
    vfy_trust_free(t);
    free(der);
    ml_free(&m);
}

Test(cov_trust, master_list_entry_that_is_no_certificate)
{
    /* One entry is a SEQUENCE holding an INTEGER: recorded as rejected, the good CSCA
     * beside it still joins (the list's signature vouches for it). */
    ml_pki m;
    ml_make(&m, false);
    uint8_t body[4096];
    size_t k = 0;
    static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
    memcpy(body, junk, sizeof junk);
    k += sizeof junk;
    unsigned char *p = body + k;
    k += (size_t)i2d_X509(m.other, &p);
    uint8_t content[4096];
    size_t n = ml_content(body, k, content);
    size_t len;
    uint8_t *der = ml_sign(&m, content, n, &(ml_opts){ 0 }, &len);
    vfy_trust *t = store_with(m.csca);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_memory(t, der, len, "list.ml", &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 2);
    bool saw_bad = false;
    for (size_t i = 0; i < vfy_trust_entry_count(t); i++) {
        vfy_trust_entry e;
        cr_assert_eq(vfy_trust_entry_get(t, i, &e), VFY_OK);
        if (e.kind == VFY_TRUST_MASTER_LIST_CERT && !e.accepted)
            saw_bad = strstr(e.reason, "not a readable certificate") != NULL;
    }
    cr_assert(saw_bad);
    /* Revoking the signer withdraws what the list brought; the entry that was refused
     * anyway keeps its own reason. */
    X509_CRL *revoking = pki_crl(m.csca, m.csca_key, m.signer, 30);
    int cl;
    unsigned char *c = pki_crl_der(revoking, &cl);
    cr_assert_eq(vfy_trust_add_memory(t, c, (size_t)cl, "revoking.crl", &d), VFY_OK, "%s", d.message);
    OPENSSL_free(c);
    X509_CRL_free(revoking);
    cr_assert_eq(vfy_trust_anchor_count(t), 1);
    for (size_t i = 0; i < vfy_trust_entry_count(t); i++) {
        vfy_trust_entry e;
        cr_assert_eq(vfy_trust_entry_get(t, i, &e), VFY_OK);
        if (e.kind == VFY_TRUST_MASTER_LIST_CERT && !e.accepted && strstr(e.reason, "withdrawn") == NULL)
            cr_assert(strstr(e.reason, "not a readable certificate") != NULL, "%s", e.reason);
    }
    vfy_trust_free(t);
    free(der);
    ml_free(&m);
}

Test(cov_trust, master_list_signing_time_absent_or_unreadable_means_now)
{
    /* Without a readable signingTime the signer must be valid now; it is, so the list
     * loads. Then the same with a signer expired now: refused, "(now)". */
    ml_pki m;
    ml_make(&m, false);
    uint8_t content[4096];
    size_t n = list_of(&m.other, 1, content);
    static const enum signing_time whens[] = { ST_NOT_A_TIME, ST_UNREADABLE };
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        uint8_t *der = ml_sign(&m, content, n, &(ml_opts){ .when = whens[i] }, &len);
        vfy_trust *t = store_with(m.csca);
        vfy_detail d;
        vfy_detail_clear(&d);
        cr_assert_eq(vfy_trust_add_memory(t, der, len, "list.ml", &d), VFY_OK, "%s", d.message);
        cr_assert_eq(vfy_trust_anchor_count(t), 2);
        vfy_trust_free(t);
        free(der);
    }
    X509_free(m.signer);
    m.signer = pki_cert(&(pki_cert_spec){ .cn = "ML signer Utopia", .country = "UT", .key = m.signer_key,
                                          .issuer = m.csca, .issuer_key = m.csca_key,
                                          .not_before_days = -300, .not_after_days = -1,
                                          .usage = PKI_KU_SIGN, .eku = OID_ML_SIGNER, .serial = 31 });
    expect_rejected(&m, content, n, &(ml_opts){ .when = ST_UNREADABLE }, VFY_E_CERT_EXPIRED,
                    "not valid when the list was signed (now)");
    ml_free(&m);
}

Test(cov_trust, withdrawn_list_stays_withdrawn_when_more_crls_arrive)
{
    ml_pki m;
    ml_make(&m, false);
    uint8_t content[4096];
    size_t n = list_of(&m.other, 1, content);
    size_t len;
    uint8_t *der = ml_sign(&m, content, n, &(ml_opts){ 0 }, &len);
    vfy_trust *t = store_with(m.csca);
    vfy_detail d;
    cr_assert_eq(vfy_trust_add_memory(t, der, len, "list.ml", &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 2);
    X509_CRL *revoking = pki_crl(m.csca, m.csca_key, m.signer, 30);
    int cl;
    unsigned char *c = pki_crl_der(revoking, &cl);
    cr_assert_eq(vfy_trust_add_memory(t, c, (size_t)cl, "revoking.crl", &d), VFY_OK, "%s", d.message);
    OPENSSL_free(c);
    cr_assert_eq(vfy_trust_anchor_count(t), 1, "the list's CSCA is withdrawn");
    /* A later CRL (revoking nothing) re-checks the lists: the withdrawn one stays out. */
    X509_CRL *later = pki_crl_at(m.csca, m.csca_key, NULL, 1, 31);
    c = pki_crl_der(later, &cl);
    cr_assert_eq(vfy_trust_add_memory(t, c, (size_t)cl, "later.crl", &d), VFY_OK, "%s", d.message);
    OPENSSL_free(c);
    cr_assert_eq(vfy_trust_anchor_count(t), 1);
    X509_CRL_free(revoking);
    X509_CRL_free(later);
    vfy_trust_free(t);
    free(der);
    ml_free(&m);
}

Test(cov_trust, cms_that_is_not_signed_data)
{
    static const uint8_t text[] = "not a list";
    BIO *in = BIO_new_mem_buf(text, sizeof text);
    CMS_ContentInfo *data = CMS_data_create(in, CMS_BINARY);
    BIO_free(in);
    cr_assert_not_null(data);
    unsigned char *der = NULL;
    int n = i2d_CMS_ContentInfo(data, &der);
    vfy_trust *t = store_with(NULL);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "data.ml", &d), VFY_E_TRUST_STORE);
    cr_assert(strstr(d.message, "not SignedData") != NULL, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 0);
    vfy_trust_free(t);
    OPENSSL_free(der);
    CMS_ContentInfo_free(data);
}

/* ---- certificates ----------------------------------------------------------------- */

static EVP_PKEY *g_key;

static void free_key(void)
{
    EVP_PKEY_free(g_key);
    g_key = NULL;
}

TestSuite(cov_trust, .fini = free_key);

static X509 *csca(const char *cn, long serial)
{
    if (g_key == NULL)
        g_key = pki_key("ec:prime256v1");
    return pki_cert(&(pki_cert_spec){ .cn = cn, .country = "UT", .key = g_key, .not_before_days = -10,
                                      .not_after_days = 300, .usage = PKI_KU_CERT_SIGN, .ca = true,
                                      .serial = serial });
}

static void patch(uint8_t *buf, size_t len, const uint8_t *from, const uint8_t *to, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(buf + i, from, n) == 0) {
            memcpy(buf + i, to, n);
            return;
        }
    cr_assert_fail("pattern not found");
}

Test(cov_trust, certificate_with_malformed_extensions_or_unreadable_key)
{
    vfy_trust *t = store_with(NULL);
    vfy_detail d;
    /* basicConstraints whose value is no BasicConstraints (an INTEGER): OpenSSL marks
     * the extensions invalid, and such a certificate cannot be a CSCA. */
    X509 *x = csca("CSCA Malformed", 3);
    ASN1_OCTET_STRING *value = ASN1_OCTET_STRING_new();
    cr_assert_eq(ASN1_OCTET_STRING_set(value, (const unsigned char *)"\x02\x01\x05", 3), 1);
    X509_EXTENSION *bad = X509_EXTENSION_create_by_NID(NULL, NID_basic_constraints, 1, value);
    ASN1_OCTET_STRING_free(value);
    cr_assert_not_null(bad);
    X509_EXTENSION_free(X509_delete_ext(x, X509_get_ext_by_NID(x, NID_basic_constraints, -1)));
    cr_assert_eq(X509_add_ext(x, bad, -1), 1);
    X509_EXTENSION_free(bad);
    cr_assert_gt(X509_sign(x, g_key, EVP_sha256()), 0);
    int n;
    unsigned char *der = pki_der(x, &n);
    cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "malformed.der", &d), VFY_OK);
    OPENSSL_free(der);
    cr_assert_eq(vfy_trust_anchor_count(t), 0);
    vfy_trust_entry e;
    cr_assert_eq(vfy_trust_entry_get(t, 0, &e), VFY_OK);
    cr_assert_eq(e.kind, VFY_TRUST_HINT);
    cr_assert(strstr(e.reason, "hint") != NULL, "%s", e.reason);
    cr_assert_str_eq(vfy_trust_not_csca(x), "the certificate's extensions are malformed");
    X509_free(x);

    /* A CSCA whose key algorithm is unassigned (id-ecPublicKey's arc, last component 9). */
    X509 *y = csca("CSCA Unknown Key", 4);
    der = pki_der(y, &n);
    static const uint8_t ec_pk[] = { 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01 };
    static const uint8_t unknown[] = { 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x09 };
    patch(der, (size_t)n, ec_pk, unknown, sizeof ec_pk);
    cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "unknown-key.der", &d), VFY_OK);
    OPENSSL_free(der);
    cr_assert_eq(vfy_trust_anchor_count(t), 0);
    cr_assert_eq(vfy_trust_hint_count(t), 1, "only the malformed one is a hint");
    cr_assert_eq(vfy_trust_entry_get(t, 1, &e), VFY_OK);
    cr_assert(!e.accepted);
    cr_assert(strstr(e.reason, "cannot be decoded") != NULL, "%s", e.reason);
    X509_free(y);
    vfy_trust_free(t);
}

static X509_NAME *name_with_c(const char *c, int type)
{
    X509_NAME *n = X509_NAME_new();
    if (c != NULL)
        cr_assert_eq(X509_NAME_add_entry_by_txt(n, "C", type, (const unsigned char *)c, -1, -1, 0), 1);
    cr_assert_eq(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"X", -1, -1, 0), 1);
    return n;
}

Test(cov_trust, country_of_a_name)
{
    /* ISO 3166-1 alpha-2: two letters, upper-cased; anything else is no country. */
    struct {
        const char *c;
        int type;
        const char *want;
    } cases[] = {
        { "ut", V_ASN1_PRINTABLESTRING, "UT" }, { NULL, 0, NULL },
        { "UTO", V_ASN1_PRINTABLESTRING, NULL }, { "U1", V_ASN1_PRINTABLESTRING, NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        X509_NAME *n = name_with_c(cases[i].c, cases[i].type);
        char out[3] = "zz";
        bool ok = vfy_x509_name_country(n, out);
        cr_assert_eq(ok, cases[i].want != NULL, "case %zu", i);
        cr_assert_str_eq(out, cases[i].want ? cases[i].want : "", "case %zu", i);
        X509_NAME_free(n);
    }
}

Test(cov_trust, chain_edges)
{
    X509 *a = csca("CSCA Edge", 5);
    vfy_trust *t = store_with(a);
    vfy_chain_result r;
    cr_assert_eq(vfy_trust_chain(NULL, a, 0, &r), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_trust_chain(t, NULL, 0, &r), VFY_E_INVALID_ARGUMENT);
    /* A self-signed CSCA is an anchor for others, never for itself. */
    cr_assert_eq(vfy_trust_chain(t, vfy_trust_anchor_get(t, 0), time(NULL), &r), VFY_OK);
    cr_assert_eq(r.chain, VFY_E_NO_TRUST_ANCHOR, "%s", r.chain_reason);
    cr_assert_null(r.anchor);
    /* By subject key identifier. */
    const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(a);
    cr_assert_not_null(ski);
    cr_assert_eq(vfy_trust_find_by_skid(t, ASN1_STRING_get0_data(ski), (size_t)ASN1_STRING_length(ski)),
                 vfy_trust_anchor_get(t, 0));
    uint8_t other[20] = { 0 };
    cr_assert_null(vfy_trust_find_by_skid(t, other, sizeof other));
    cr_assert_null(vfy_trust_find_by_skid(t, ASN1_STRING_get0_data(ski), (size_t)ASN1_STRING_length(ski) - 1));
    cr_assert_null(vfy_trust_find_by_skid(NULL, other, sizeof other));
    cr_assert_null(vfy_trust_find_by_skid(t, NULL, 0));
    vfy_trust_free(t);
    X509_free(a);
}

Test(cov_trust, hint_does_not_issue_itself)
{
    /* A DS in the store as a hint, its CSCA absent: the chain looks among the hints for
     * an issuer, skips the DS itself, and finds no anchor. */
    X509 *a = csca("CSCA Absent", 6);
    EVP_PKEY *k = pki_key("ec:prime256v1");
    X509 *ds = pki_cert(&(pki_cert_spec){ .cn = "DS Hinted", .country = "UT", .key = k, .issuer = a,
                                          .issuer_key = g_key, .not_before_days = -1, .not_after_days = 30,
                                          .usage = PKI_KU_SIGN, .serial = 60 });
    vfy_trust *t = store_with(ds);
    /* Besides it, a non-CA certificate bearing the CSCA's name under another key: named
     * like the issuer, it did not sign the DS. */
    EVP_PKEY *k2 = pki_key("ec:prime256v1");
    X509 *namesake = pki_cert(&(pki_cert_spec){ .cn = "CSCA Absent", .country = "UT", .key = k2,
                                                .not_before_days = -1, .not_after_days = 30,
                                                .usage = PKI_KU_SIGN, .serial = 62 });
    vfy_detail d;
    cr_assert_eq(vfy_trust_add_x509(t, namesake, "namesake", &d), VFY_OK);
    X509_free(namesake);
    EVP_PKEY_free(k2);
    cr_assert_eq(vfy_trust_hint_count(t), 2);
    vfy_chain_result r;
    cr_assert_eq(vfy_trust_chain(t, ds, time(NULL), &r), VFY_OK);
    cr_assert_eq(r.chain, VFY_E_NO_TRUST_ANCHOR, "%s", r.chain_reason);
    cr_assert(r.hinted);
    cr_assert(strstr(r.chain_reason, "does not make it trusted") != NULL, "%s", r.chain_reason);
    cr_assert_null(vfy_trust_hint_get(t, 2));
    cr_assert_not_null(vfy_trust_hint_get(t, 0));
    vfy_trust_free(t);
    X509_free(ds);
    X509_free(a);
    EVP_PKEY_free(k);
}

/* ---- inputs: PEM, sizes, folders, accessors -------------------------------------- */

static vfy_status add_text(vfy_trust *t, const char *text, vfy_detail *d)
{
    vfy_detail_clear(d);
    return vfy_trust_add_memory(t, (const uint8_t *)text, strlen(text), "text.pem", d);
}

Test(cov_trust, pem_unreadable_empty_or_with_a_crl)
{
    vfy_trust *t = store_with(NULL);
    vfy_detail d;
    cr_assert_eq(add_text(t, "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", &d),
                 VFY_E_TRUST_STORE, "%s", d.message);
    cr_assert_eq(add_text(t, "-----BEGIN SOMETHING ELSE-----\nAAAA\n-----END SOMETHING ELSE-----\n", &d),
                 VFY_E_TRUST_STORE, "%s", d.message);
    cr_assert(strstr(d.message, "holds no certificate or CRL") != NULL, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 0);
    /* A CSCA and its CRL (with a CRL number) in one PEM file. */
    X509 *a = csca("CSCA PEM", 7);
    X509_CRL *crl = X509_CRL_new();
    X509_CRL_set_version(crl, 1);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(a));
    ASN1_TIME *now = X509_gmtime_adj(NULL, -60), *next = X509_gmtime_adj(NULL, 86400);
    X509_CRL_set1_lastUpdate(crl, now);
    X509_CRL_set1_nextUpdate(crl, next);
    ASN1_INTEGER *num = ASN1_INTEGER_new();
    ASN1_INTEGER_set(num, 42);
    cr_assert_eq(X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0), 1);
    ASN1_INTEGER_free(num);
    ASN1_TIME_free(now);
    ASN1_TIME_free(next);
    cr_assert_gt(X509_CRL_sign(crl, g_key, EVP_sha256()), 0);
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, a);
    PEM_write_bio_X509_CRL(b, crl);
    char *pem;
    long pl = BIO_get_mem_data(b, &pem);
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_memory(t, (const uint8_t *)pem, (size_t)pl, "both.pem", &d), VFY_OK, "%s",
                 d.message);
    BIO_free(b);
    cr_assert_eq(vfy_trust_anchor_count(t), 1);
    bool crl_seen = false;
    for (size_t i = 0; i < vfy_trust_entry_count(t); i++) {
        vfy_trust_entry e;
        cr_assert_eq(vfy_trust_entry_get(t, i, &e), VFY_OK);
        if (e.kind == VFY_TRUST_CRL) {
            crl_seen = e.accepted;
            cr_assert_str_eq(e.serial, "2A", "the CRL number, in hex");
        }
    }
    cr_assert(crl_seen);
    vfy_trust_entry e;
    cr_assert_eq(vfy_trust_entry_get(t, vfy_trust_entry_count(t), &e), VFY_E_NOT_FOUND);
    cr_assert_null(vfy_trust_anchor_get(t, 1));
    cr_assert_eq(vfy_trust_built_at(NULL), 0);
    X509_CRL_free(crl);
    X509_free(a);
    vfy_trust_free(t);
}

Test(cov_trust, arguments_and_limits)
{
    vfy_trust *t = store_with(NULL);
    vfy_detail d;
    uint8_t one = 0x30;
    cr_assert_eq(vfy_trust_add_memory(NULL, &one, 1, "x", &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_trust_add_memory(t, NULL, 1, "x", &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_trust_add_x509(t, NULL, "x", &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_trust_add_path(t, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_trust_add_paths(t, NULL, 1, &d), VFY_E_INVALID_ARGUMENT);
    /* Larger than VFY_TRUST_MAX_FILE_BYTES: refused before it is read. */
    size_t big = VFY_TRUST_MAX_FILE_BYTES + 1;
    uint8_t *buf = calloc(1, big);
    cr_assert_not_null(buf);
    cr_assert_eq(vfy_trust_add_memory(t, buf, big, "big", &d), VFY_E_LIMIT);
    free(buf);
    /* Names that are not UTF-8 still become JSON, with '?' for the bytes above 0x7F. */
    json_t *j = vfy_trust_json_text("CSCA \xff\xfe Land");
    cr_assert_not_null(j);
    cr_assert_str_eq(json_string_value(j), "CSCA ?? Land");
    json_decref(j);
    vfy_trust_free(t);
}

Test(cov_trust, entry_limit)
{
    /* VFY_TRUST_MAX_ENTRIES records, then the store refuses to record more. */
    X509 *a = csca("CSCA Many", 8);
    vfy_trust *t = store_with(NULL);
    int n;
    unsigned char *der = pki_der(a, &n);
    vfy_status s = VFY_OK;
    size_t i = 0;
    for (; i <= VFY_TRUST_MAX_ENTRIES && s == VFY_OK; i++)
        s = vfy_trust_add_memory(t, der, (size_t)n, "same.der", NULL);
    cr_assert_eq(s, VFY_E_LIMIT);
    cr_assert_eq(i, (size_t)VFY_TRUST_MAX_ENTRIES + 1);
    cr_assert_eq(vfy_trust_entry_count(t), VFY_TRUST_MAX_ENTRIES);
    cr_assert_eq(vfy_trust_anchor_count(t), 1);
    OPENSSL_free(der);
    vfy_trust_free(t);
    X509_free(a);
}

static char *temp_dir(void)
{
    char *dir = strdup("/tmp/vfy-cov-trust-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

static void rm_rf(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(cov_trust, folders_given_to_add_paths)
{
    char *dir = temp_dir(), *empty = temp_dir();
    char path[512];
    X509 *a = csca("CSCA Folder", 10);
    snprintf(path, sizeof path, "%s/csca.der", dir);
    pki_write_der(path, a);
    snprintf(path, sizeof path, "%s/.hidden", dir);
    write_bytes(path, "junk", 4);
    snprintf(path, sizeof path, "%s/sub", dir);
    cr_assert_eq(mkdir(path, 0700), 0);
    vfy_trust *t = store_with(NULL);
    vfy_detail d;
    vfy_detail_clear(&d);
    const char *paths[] = { dir };
    cr_assert_eq(vfy_trust_add_paths(t, paths, 1, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 1);
    cr_assert_eq(vfy_trust_entry_count(t), 1, "the dot file and the subfolder are skipped");
    /* A folder with nothing in it, and a path that does not exist. */
    const char *none[] = { empty };
    cr_assert_eq(vfy_trust_add_paths(t, none, 1, &d), VFY_E_TRUST_STORE);
    cr_assert(strstr(d.message, "holds no usable") != NULL, "%s", d.message);
    snprintf(path, sizeof path, "%s/missing", dir);
    const char *missing[] = { path };
    cr_assert_eq(vfy_trust_add_paths(t, missing, 1, &d), VFY_E_TRUST_STORE);
    /* Two files of which neither is usable. */
    char g1[512], g2[512];
    snprintf(g1, sizeof g1, "%s/g1.der", empty);
    snprintf(g2, sizeof g2, "%s/g2.der", empty);
    write_bytes(g1, "\x30\x03\x02\x01\x00", 5);
    write_bytes(g2, "\x04\x01\x00", 3);
    const char *junk[] = { g1, g2 };
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_paths(t, junk, 2, &d), VFY_E_TRUST_STORE);
    cr_assert(strstr(d.message, "nothing usable") != NULL, "%s", d.message);
    /* add_path on a folder with a subfolder besides a usable file. */
    cr_assert_eq(vfy_trust_add_path(t, dir, &d), VFY_OK, "%s", d.message);
    vfy_trust_free(t);
    X509_free(a);
    rm_rf(dir);
    rm_rf(empty);
    free(dir);
    free(empty);
}

Test(cov_trust, oversized_file_in_a_folder_stops_the_load)
{
    char *dir = temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/huge.der", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert_geq(fd, 0);
    cr_assert_eq(ftruncate(fd, (off_t)VFY_TRUST_MAX_FILE_BYTES + 1), 0);
    close(fd);
    vfy_trust *t = store_with(NULL);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_path(t, dir, &d), VFY_E_LIMIT, "%s", d.message);
    const char *paths[] = { dir };
    cr_assert_eq(vfy_trust_add_paths(t, paths, 1, &d), VFY_E_LIMIT, "%s", d.message);
    cr_assert_eq(vfy_trust_add_path(t, path, &d), VFY_E_LIMIT);
    cr_assert(strstr(d.message, "too large") != NULL, "%s", d.message);
    vfy_trust_free(t);
    rm_rf(dir);
    free(dir);
}

/* ---- the store as JSON, and its freshness ------------------------------------------ */

Test(cov_trust, json_lists_signers_crls_and_rejections)
{
    X509 *a = csca("CSCA Json", 11);
    EVP_PKEY *k = pki_key("ec:prime256v1");
    X509 *ds = pki_cert(&(pki_cert_spec){ .cn = "DS Json", .country = "UT", .key = k, .issuer = a,
                                          .issuer_key = g_key, .not_before_days = -1, .not_after_days = 30,
                                          .usage = PKI_KU_SIGN, .serial = 61 });
    X509_CRL *crl = pki_crl(a, g_key, NULL, 30);
    vfy_trust *t = store_with(a);
    vfy_detail d;
    cr_assert_eq(vfy_trust_add_x509(t, ds, "ds", &d), VFY_OK);
    int n;
    unsigned char *der = pki_crl_der(crl, &n);
    cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "a.crl", &d), VFY_OK);
    OPENSSL_free(der);
    (void)add_text(t, "-----BEGIN X-----\nAAAA\n-----END X-----\n", &d); /* a rejected entry */
    cr_assert_null(vfy_trust_to_json(NULL, 0, 0));
    char *text = vfy_trust_to_json(t, 0, 0);
    json_t *root = json_parse_or_fail(text);
    json_t *items = json_object_get(root, "items");
    cr_assert(json_is_array(items));
    bool kinds[3] = { false, false, false };
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        const char *kind = json_string_value(json_object_get(it, "kind"));
        cr_assert_not_null(kind);
        kinds[0] |= strcmp(kind, "csca") == 0;
        kinds[1] |= strcmp(kind, "signer") == 0;
        kinds[2] |= strcmp(kind, "crl") == 0;
    }
    cr_assert(kinds[0] && kinds[1] && kinds[2], "csca %d signer %d crl %d", kinds[0], kinds[1], kinds[2]);
    json_decref(root);
    free(text);
    vfy_trust_free(t);
    X509_CRL_free(crl);
    X509_free(ds);
    X509_free(a);
    EVP_PKEY_free(k);
}

static X509 *csca_at(const char *cn, const char *country, long from, long to, long serial, EVP_PKEY *key)
{
    return pki_cert(&(pki_cert_spec){ .cn = cn, .country = country, .key = key, .not_before_days = from,
                                      .not_after_days = to, .usage = PKI_KU_CERT_SIGN, .ca = true,
                                      .serial = serial });
}

Test(cov_trust, freshness_states)
{
    /* Window 30 days. UT: expired-with-CRL, expiring-with-CRL, two without CRL (UT has
     * CRLs, so it is not a country without CRL); XO: one fresh CSCA without CRL; XN:
     * not yet valid. The worst applicable state wins for each CSCA (trust_update.h). */
    EVP_PKEY *k[6];
    for (int i = 0; i < 6; i++)
        k[i] = pki_key("ec:prime256v1");
    X509 *expired = csca_at("CSCA Expired", "UT", -400, -1, 20, k[0]);
    X509 *expiring = csca_at("CSCA Expiring", "UT", -400, 10, 21, k[1]);
    X509 *bare1 = csca_at("CSCA Bare One", "UT", -10, 3000, 22, k[2]);
    X509 *bare2 = csca_at("CSCA Bare Two", "UT", -10, 3000, 23, k[3]);
    X509 *xo = csca_at("CSCA XO", "XO", -10, 3000, 24, k[4]);
    X509 *future = csca_at("CSCA Future", "XN", 5, 3000, 25, k[5]);
    X509 *all[] = { expired, expiring, bare1, bare2, xo, future };
    vfy_trust *t = store_with(NULL);
    vfy_detail d;
    for (int i = 0; i < 6; i++)
        cr_assert_eq(vfy_trust_add_x509(t, all[i], "csca", &d), VFY_OK);
    X509_CRL *c1 = pki_crl(expired, k[0], NULL, 30), *c2 = pki_crl(expiring, k[1], NULL, 30);
    X509_CRL *crls[] = { c1, c2 };
    for (int i = 0; i < 2; i++) {
        int n;
        unsigned char *der = pki_crl_der(crls[i], &n);
        cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "x.crl", &d), VFY_OK);
        OPENSSL_free(der);
    }
    vfy_trust_status *s = NULL;
    cr_assert_eq(vfy_trust_status_make(NULL, 0, 30, &s), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_trust_status_make(t, 0, 30, &s), VFY_OK);
    cr_assert_eq(vfy_trust_status_item_count(s), 6);
    const vfy_freshness want[] = { VFY_FRESH_EXPIRED, VFY_FRESH_EXPIRING, VFY_FRESH_CRL_MISSING,
                                   VFY_FRESH_CRL_MISSING, VFY_FRESH_CRL_MISSING, VFY_FRESH_EXPIRED };
    for (size_t i = 0; i < 6; i++) {
        vfy_trust_status_item it;
        cr_assert(vfy_trust_status_item_at(s, i, &it));
        cr_assert_eq(it.state, want[i], "item %zu (%s): %s", i, it.subject, vfy_freshness_name(it.state));
    }
    vfy_trust_status_item it;
    cr_assert(!vfy_trust_status_item_at(s, 6, &it));
    cr_assert(!vfy_trust_status_healthy(s));
    cr_assert_str_eq(vfy_trust_status_countries_without_crl(s), "XN,XO");
    cr_assert_eq(vfy_trust_status_count(s, VFY_FRESH_EXPIRED), 2);
    cr_assert_str_eq(vfy_freshness_name((vfy_freshness)99), "unknown");
    cr_assert_null(vfy_trust_status_to_json(NULL, 0));
    char *text = vfy_trust_status_to_json(s, 0);
    json_t *root = json_parse_or_fail(text);
    json_t *nc = json_object_get(root, "countries_without_crl");
    cr_assert_eq(json_array_size(nc), 2);
    cr_assert_str_eq(json_string_value(json_array_get(nc, 0)), "XN");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(root, "counts"), "expiring")), 1);
    json_decref(root);
    free(text);
    vfy_trust_status_free(s);
    vfy_trust_free(t);
    for (int i = 0; i < 6; i++) {
        X509_free(all[i]);
        EVP_PKEY_free(k[i]);
    }
    X509_CRL_free(c1);
    X509_CRL_free(c2);
}

/* ---- the PKD's LDIF (RFC 2849, the PKD layout of pkd_ldif.h) ------------------------ */

#include "trust/pkd_ldif.h"

static vfy_status ldif(const char *text, size_t len, pkd_entry *e, vfy_detail *d)
{
    char *copy = malloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    vfy_detail_clear(d);
    vfy_status s = pkd_ldif_parse_record(copy, len, 7, e, d);
    free(copy);
    return s;
}

Test(cov_trust, ldif_records_outside_the_subset)
{
    static const struct {
        const char *text;
        vfy_status want;
        const char *words;
    } cases[] = {
        { "dn: cn=a\n\nobjectClass: top\n", VFY_E_LDIF, "not LDIF as the PKD writes it" }, /* blank inside */
        { " cn=a\n", VFY_E_LDIF, "the entry at line 7" },                                   /* continuation of nothing */
        { "dn: cn=a\n1abc: x\n", VFY_E_LDIF, "not LDIF" },                                  /* name starts with a digit */
        { "dn: cn=a\nobjectClass\n", VFY_E_LDIF, "not LDIF" },                              /* no ':' */
        { "dn: cn=a\ncn;: x\n", VFY_E_LDIF, "not LDIF" },                                   /* empty option */
        { "dn: cn=a\nobjectClass: t\xc3\xa9\n", VFY_E_LDIF, "entry 'cn=a'" },              /* not ASCII */
        { "dn: cn=a\x01z\n", VFY_E_LDIF, "cn=a?z" },                                        /* control byte */
        { "dn: cn=a\ncn:< file:///etc/passwd", VFY_E_LDIF, "URL values" },
        { "dn: cn=a\nuserCertificate;binary:: !!!!\n", VFY_E_LDIF, "not valid LDIF" },
        { "objectClass: top\n", VFY_E_LDIF, "does not start with its DN" },
        { "dn: cn=a\nchangetype: delete\n", VFY_E_LDIF, "other than add" },
        { "dn: cn=a\nmail: x@y\n", VFY_E_LDIF, "'mail'" },
        { "dn: cn=a\nuserCertificate;binary:: MAA=\ncertificateRevocationList;binary:: MAA=\n", VFY_E_LDIF,
          "more than one" },
        { "dn: cn=a\nuserCertificate:\n", VFY_E_LDIF, "has an empty" },
        { "# only a comment\n", VFY_E_LDIF, "has no DN" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pkd_entry e;
        vfy_detail d;
        vfy_status s = ldif(cases[i].text, strlen(cases[i].text), &e, &d);
        cr_assert_eq(s, cases[i].want, "case %zu: %s (%s)", i, vfy_status_name(s), d.message);
        cr_assert(strstr(d.message, cases[i].words) != NULL, "case %zu: \"%s\" lacks \"%s\"", i, d.message,
                  cases[i].words);
        cr_assert_null(e.der, "case %zu", i);
        cr_assert_eq(e.object, PKD_NONE);
        pkd_entry_clear(&e);
    }
    pkd_entry e;
    vfy_detail d;
    cr_assert_eq(ldif("dn: a\0b\n", 8, &e, &d), VFY_E_LDIF);
    cr_assert(strstr(d.message, "NUL") != NULL, "%s", d.message);
    cr_assert_eq(ldif("", 0, &e, &d), VFY_E_LDIF);
    size_t big = PKD_LDIF_MAX_RECORD + 1;
    char *huge = malloc(big + 1);
    memset(huge, 'a', big);
    huge[big] = '\0';
    cr_assert_eq(pkd_ldif_parse_record(huge, big, 1, &e, &d), VFY_E_LIMIT);
    free(huge);
    pkd_entry_clear(NULL);
    cr_assert_eq(pkd_ldif_each("/nonexistent/pkd.ldif", NULL, NULL, &d), VFY_E_TRUST_STORE);
}

Test(cov_trust, ldif_records_the_pkd_writes)
{
    pkd_entry e;
    vfy_detail d;
    /* CRLF line ends, a comment, "changetype: add", a DN in base64 holding a control
     * byte (printed as '?'), a last line without newline. */
    const char *crlf = "dn: cn=a,o=dsc\r\nobjectClass: top\r\n";
    cr_assert_eq(ldif(crlf, strlen(crlf), &e, &d), VFY_OK, "%s", d.message);
    cr_assert_str_eq(e.dn, "cn=a,o=dsc");
    cr_assert_eq(e.object, PKD_NONE);
    pkd_entry_clear(&e);
    const char *b64 = "dn:: Y249YQFi\n# a comment\nchangetype: add\nuserCertificate;binary:: MAA=";
    cr_assert_eq(ldif(b64, strlen(b64), &e, &d), VFY_OK, "%s", d.message);
    cr_assert_str_eq(e.dn, "cn=a?b");
    cr_assert_eq(e.object, PKD_CERTIFICATE);
    cr_assert_eq(e.der_len, 2);
    cr_assert_eq(memcmp(e.der, "\x30\x00", 2), 0);
    pkd_entry_clear(&e);
}

/* ---- the managed trust folder (vfy_trust_import) ----------------------------------- */

#include "verify/trust_update.h"

static vfy_status import_one(const char *store, const char *input, vfy_trust_import_report **r, vfy_detail *d)
{
    vfy_trust_import_options o = VFY_TRUST_IMPORT_OPTIONS_INIT;
    const char *inputs[] = { input };
    o.inputs = inputs;
    o.input_count = 1;
    vfy_detail_clear(d);
    return vfy_trust_import(store, &o, r, d);
}

Test(cov_trust, import_arguments_and_folders)
{
    vfy_trust_import_report *r = NULL;
    vfy_detail d;
    vfy_trust_import_options o = VFY_TRUST_IMPORT_OPTIONS_INIT;
    cr_assert_eq(vfy_trust_import(NULL, &o, &r, &d), VFY_E_INVALID_ARGUMENT);
    vfy_trust_import_options old = o;
    old.size = sizeof old - 1; /* an older library's options */
    cr_assert_eq(vfy_trust_import("/tmp", &old, &r, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_trust_import("/tmp", &o, &r, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert(strstr(d.message, "nothing to import") != NULL, "%s", d.message);
    char *dir = temp_dir();
    char path[1024], store[256];
    /* The store folder cannot be made, or is a file. */
    snprintf(store, sizeof store, "%s/no/such/store", dir);
    cr_assert_eq(import_one(store, "/dev/null", &r, &d), VFY_E_IO);
    snprintf(store, sizeof store, "%s/file", dir);
    write_bytes(store, "x", 1);
    cr_assert_eq(import_one(store, "/dev/null", &r, &d), VFY_E_IO);
    cr_assert(strstr(d.message, "is not a folder") != NULL, "%s", d.message);
    /* DIR/current pointing outside its folder. */
    snprintf(store, sizeof store, "%s/store", dir);
    cr_assert_eq(mkdir(store, 0700), 0);
    snprintf(path, sizeof path, "%s/current", store);
    cr_assert_eq(symlink("/etc", path), 0);
    cr_assert_eq(import_one(store, "/dev/null", &r, &d), VFY_E_TRUST_STORE);
    cr_assert(strstr(d.message, "outside its folder") != NULL, "%s", d.message);
    /* DIR/current naming a file of the folder, not a store folder. */
    cr_assert_eq(unlink(path), 0);
    char target[1024];
    snprintf(target, sizeof target, "%s/plain", store);
    write_bytes(target, "x", 1);
    cr_assert_eq(symlink("plain", path), 0);
    cr_assert_eq(import_one(store, "/dev/null", &r, &d), VFY_E_TRUST_STORE);
    cr_assert_null(r);
    /* Inputs: missing, a folder, empty, PEM with nothing readable. */
    char store2[256];
    snprintf(store2, sizeof store2, "%s/store2", dir);
    snprintf(path, sizeof path, "%s/missing.der", dir);
    cr_assert_eq(import_one(store2, path, &r, &d), VFY_E_TRUST_STORE);
    cr_assert_eq(import_one(store2, dir, &r, &d), VFY_E_TRUST_STORE);
    cr_assert(strstr(d.message, "is a folder") != NULL, "%s", d.message);
    snprintf(path, sizeof path, "%s/empty.der", dir);
    write_bytes(path, "", 0);
    cr_assert_eq(import_one(store2, path, &r, &d), VFY_E_TRUST_STORE);
    snprintf(path, sizeof path, "%s/nothing.pem", dir);
    const char *pem = "-----BEGIN SOMETHING-----\nAAAA\n-----END SOMETHING-----\n";
    write_bytes(path, pem, strlen(pem));
    cr_assert_eq(import_one(store2, path, &r, &d), VFY_E_TRUST_STORE);
    cr_assert(strstr(d.message, "no readable PEM") != NULL, "%s", d.message);
    cr_assert_str_eq(vfy_import_action_name((vfy_import_action)99), "unknown");
    cr_assert_null(vfy_trust_import_to_json(NULL, 0));
    rm_rf(dir);
    free(dir);
}

Test(cov_trust, import_damaged_ldif_values_stop_the_import)
{
    /* A PKD download whose CRL value is DER but no CRL, or whose master list is not even
     * a SEQUENCE: a damaged file, not an object that failed to verify. */
    static const char *const ldifs[] = {
        "version: 1\n\ndn: cn=x,o=crl,c=UT,dc=data\ncertificateRevocationList;binary:: MAA=\n",
        "version: 1\n\ndn: cn=x,o=ml,c=UT,dc=data\npkdMasterListContent:: BAA=\n",
    };
    static const char *const words[] = { "not a DER X.509 CRL", "not a DER CMS master list" };
    char *dir = temp_dir();
    for (size_t i = 0; i < 2; i++) {
        char path[512], store[512];
        snprintf(path, sizeof path, "%s/pkd%zu.ldif", dir, i);
        write_bytes(path, ldifs[i], strlen(ldifs[i]));
        snprintf(store, sizeof store, "%s/store", dir);
        vfy_trust_import_report *r = NULL;
        vfy_detail d;
        cr_assert_eq(import_one(store, path, &r, &d), VFY_E_LDIF, "%s", d.message);
        cr_assert(strstr(d.message, words[i]) != NULL, "%s", d.message);
        cr_assert_null(r);
    }
    rm_rf(dir);
    free(dir);
}

Test(cov_trust, import_skips_what_is_not_a_store_file)
{
    /* A first import makes a store; a dot file and a sub-folder put into it are not
     * objects of the store in force and are skipped by the next import. */
    char *dir = temp_dir();
    char path[512], store[512];
    X509 *a = csca("CSCA Import", 12);
    snprintf(path, sizeof path, "%s/csca.der", dir);
    pki_write_der(path, a);
    snprintf(store, sizeof store, "%s/store", dir);
    vfy_trust_import_report *r = NULL;
    vfy_detail d;
    cr_assert_eq(import_one(store, path, &r, &d), VFY_OK, "%s", d.message);
    cr_assert(vfy_trust_import_switched(r));
    char cur[PATH_MAX + 16];
    snprintf(cur, sizeof cur, "%s/.junk", vfy_trust_import_store(r));
    write_bytes(cur, "x", 1);
    snprintf(cur, sizeof cur, "%s/sub", vfy_trust_import_store(r));
    cr_assert_eq(mkdir(cur, 0700), 0);
    vfy_trust_import_report_free(r);
    X509 *b = csca("CSCA Import Two", 13);
    snprintf(path, sizeof path, "%s/csca2.der", dir);
    pki_write_der(path, b);
    cr_assert_eq(import_one(store, path, &r, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_import_count(r, VFY_IMPORT_UNCHANGED), 1);
    cr_assert_eq(vfy_trust_import_count(r, VFY_IMPORT_ADDED), 1);
    cr_assert_eq(vfy_trust_import_item_count(r), 2, "the dot file and the folder are not items");
    vfy_trust_import_report_free(r);
    X509_free(a);
    X509_free(b);
    rm_rf(dir);
    free(dir);
}
