#include <criterion/criterion.h>
#include <openssl/cms.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "pki.h"

EVP_PKEY *pki_key(const char *spec)
{
    EVP_PKEY *k = NULL;
    if (strncmp(spec, "ec:", 3) == 0)
        k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", spec + 3);
    else if (strncmp(spec, "rsa:", 4) == 0)
        k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)atoi(spec + 4));
    else if (strcmp(spec, "ed25519") == 0)
        k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    cr_assert_not_null(k, "cannot make key %s", spec);
    return k;
}

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    cr_assert_not_null(ext, "extension %d=%s", nid, value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

static void add_raw_ext(X509 *cert, const char *oid, bool critical, const unsigned char *der, int len)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
    cr_assert(obj != NULL && v != NULL && ASN1_OCTET_STRING_set(v, der, len) == 1);
    X509_EXTENSION *ext = X509_EXTENSION_create_by_OBJ(NULL, obj, critical ? 1 : 0, v);
    cr_assert_not_null(ext);
    cr_assert(X509_add_ext(cert, ext, -1) == 1);
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(v);
    ASN1_OBJECT_free(obj);
}

/* DocumentTypeListSyntax ::= SEQUENCE { version INTEGER (0), SET OF PrintableString },
 * short lengths only (test lists are small). */
static void add_doc_types(X509 *cert, const char *list)
{
    unsigned char set[128], der[160];
    size_t n = 0;
    for (const char *p = list; *p;) {
        size_t l = strcspn(p, ",");
        cr_assert(l >= 1 && l <= 2 && n + 2 + l < sizeof set);
        set[n++] = 0x13;
        set[n++] = (unsigned char)l;
        memcpy(set + n, p, l);
        n += l;
        p += l + (p[l] == ',');
    }
    size_t m = 0;
    der[m++] = 0x30;
    der[m++] = (unsigned char)(3 + 2 + n);
    der[m++] = 0x02;
    der[m++] = 0x01;
    der[m++] = 0x00;
    der[m++] = 0x31;
    der[m++] = (unsigned char)n;
    memcpy(der + m, set, n);
    m += n;
    add_raw_ext(cert, "2.23.136.1.1.6.2", false, der, (int)m);
}

X509 *pki_cert(const pki_cert_spec *s)
{
    X509 *x = X509_new();
    cr_assert_not_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), s->serial ? s->serial : 1);
    X509_gmtime_adj(X509_getm_notBefore(x), s->not_before_days * 86400L);
    X509_gmtime_adj(X509_getm_notAfter(x), s->not_after_days * 86400L);
    X509_NAME *name = X509_get_subject_name(x);
    if (s->country != NULL) /* NULL: a name without C= (a malformed signer) */
        X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)s->country, -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)s->cn, -1, -1, 0);
    X509 *issuer = s->issuer != NULL ? s->issuer : x;
    X509_set_issuer_name(x, X509_get_subject_name(issuer));
    X509_set_pubkey(x, s->key);
    add_ext(x, issuer, NID_subject_key_identifier, "hash");
    if (s->issuer != NULL)
        add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
    if (s->ca)
        add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    else if (s->ca_false)
        add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE");
    if (s->eku != NULL)
        add_ext(x, issuer, NID_ext_key_usage, s->eku);
    if (s->unknown_critical)
        add_raw_ext(x, "1.3.6.1.4.1.99999.1", true, (const unsigned char *)"\x05\x00", 2);
    if (s->doc_types != NULL)
        add_doc_types(x, s->doc_types);
    if (s->usage == PKI_KU_SIGN)
        add_ext(x, issuer, NID_key_usage, "critical,digitalSignature");
    else if (s->usage == PKI_KU_CERT_SIGN)
        add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    EVP_PKEY *sign_key = s->issuer_key != NULL ? s->issuer_key : s->key;
    const EVP_MD *md = EVP_PKEY_get_id(sign_key) == EVP_PKEY_ED25519
                           ? NULL
                           : EVP_get_digestbyname(s->md != NULL ? s->md : "SHA256");
    cr_assert(X509_sign(x, sign_key, md) > 0, "cannot sign certificate %s", s->cn);
    return x;
}

X509_CRL *pki_crl(X509 *issuer, EVP_PKEY *issuer_key, X509 *revoked, long next_days)
{
    return pki_crl_at(issuer, issuer_key, revoked, 0, next_days);
}

X509_CRL *pki_crl_at(X509 *issuer, EVP_PKEY *issuer_key, X509 *revoked, long this_days,
                     long next_days)
{
    X509_CRL *crl = X509_CRL_new();
    cr_assert_not_null(crl);
    X509_CRL_set_version(crl, 1);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer));
    ASN1_TIME *now = X509_gmtime_adj(NULL, this_days * 86400L - 3600);
    ASN1_TIME *next = X509_gmtime_adj(NULL, next_days * 86400L);
    X509_CRL_set1_lastUpdate(crl, now);
    X509_CRL_set1_nextUpdate(crl, next);
    if (revoked != NULL) {
        X509_REVOKED *r = X509_REVOKED_new();
        X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(revoked));
        X509_REVOKED_set_revocationDate(r, now);
        X509_CRL_add0_revoked(crl, r);
    }
    ASN1_TIME_free(now);
    ASN1_TIME_free(next);
    X509_CRL_sort(crl);
    cr_assert(X509_CRL_sign(crl, issuer_key, EVP_sha256()) > 0);
    return crl;
}

void pki_write_der(const char *path, X509 *cert)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert(i2d_X509_fp(f, cert) == 1);
    fclose(f);
}

void pki_write_pem(const char *path, X509 *cert)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert(PEM_write_X509(f, cert) == 1);
    fclose(f);
}

void pki_write_crl_der(const char *path, X509_CRL *crl)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert(i2d_X509_CRL_fp(f, crl) == 1);
    fclose(f);
}

void pki_write_key_pem(const char *path, EVP_PKEY *key)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1);
    fclose(f);
}

unsigned char *pki_der(X509 *cert, int *len)
{
    unsigned char *der = NULL;
    *len = i2d_X509(cert, &der);
    cr_assert_gt(*len, 0);
    return der;
}

unsigned char *pki_crl_der(X509_CRL *crl, int *len)
{
    unsigned char *der = NULL;
    *len = i2d_X509_CRL(crl, &der);
    cr_assert_gt(*len, 0);
    return der;
}

/* DER length octets of n into out; returns how many. */
static size_t der_len(size_t n, unsigned char *out)
{
    if (n < 0x80) {
        out[0] = (unsigned char)n;
        return 1;
    }
    if (n < 0x10000) {
        out[0] = 0x82;
        out[1] = (unsigned char)(n >> 8);
        out[2] = (unsigned char)n;
        return 3;
    }
    out[0] = 0x83;
    out[1] = (unsigned char)(n >> 16);
    out[2] = (unsigned char)(n >> 8);
    out[3] = (unsigned char)n;
    return 4;
}

uint8_t *pki_master_list(X509 *signer, EVP_PKEY *signer_key, X509 **certs, size_t n,
                         long signed_days, size_t *len)
{
    /* CscaMasterList ::= SEQUENCE { version INTEGER (0), certList SET OF Certificate } */
    size_t body = 0;
    for (size_t i = 0; i < n; i++)
        body += (size_t)i2d_X509(certs[i], NULL);
    unsigned char *list = malloc(body + 32);
    cr_assert_not_null(list);
    unsigned char hdr[8];
    size_t set_hl = 1 + der_len(body, hdr);
    size_t inner = 3 + set_hl + body;
    size_t m = 0;
    list[m++] = 0x30;
    m += der_len(inner, list + m);
    list[m++] = 0x02;
    list[m++] = 0x01;
    list[m++] = 0x00;
    list[m++] = 0x31;
    m += der_len(body, list + m);
    for (size_t i = 0; i < n; i++) {
        unsigned char *p = list + m;
        m += (size_t)i2d_X509(certs[i], &p);
    }
    BIO *content = BIO_new_mem_buf(list, (int)m);
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY);
    cr_assert(content != NULL && cms != NULL);
    ASN1_OBJECT *type = OBJ_txt2obj("2.23.136.1.1.2", 1);
    cr_assert(CMS_set1_eContentType(cms, type) == 1);
    ASN1_OBJECT_free(type);
    CMS_SignerInfo *si = CMS_add1_signer(cms, signer, signer_key, EVP_sha256(), CMS_PARTIAL | CMS_BINARY);
    cr_assert_not_null(si);
    ASN1_TIME *when = X509_gmtime_adj(NULL, signed_days * 86400L);
    cr_assert(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, when->type, when, -1) == 1);
    ASN1_TIME_free(when);
    cr_assert(CMS_final(cms, content, NULL, CMS_BINARY) == 1);
    unsigned char *der = NULL;
    int dl = i2d_CMS_ContentInfo(cms, &der);
    cr_assert_gt(dl, 0);
    uint8_t *out = malloc((size_t)dl);
    cr_assert_not_null(out);
    memcpy(out, der, (size_t)dl);
    OPENSSL_free(der);
    CMS_ContentInfo_free(cms);
    BIO_free(content);
    free(list);
    *len = (size_t)dl;
    return out;
}
