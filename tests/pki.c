#include <criterion/criterion.h>
#include <openssl/pem.h>
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

X509 *pki_cert(const pki_cert_spec *s)
{
    X509 *x = X509_new();
    cr_assert_not_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), s->serial ? s->serial : 1);
    X509_gmtime_adj(X509_getm_notBefore(x), s->not_before_days * 86400L);
    X509_gmtime_adj(X509_getm_notAfter(x), s->not_after_days * 86400L);
    X509_NAME *name = X509_get_subject_name(x);
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
    X509_CRL *crl = X509_CRL_new();
    cr_assert_not_null(crl);
    X509_CRL_set_version(crl, 1);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer));
    ASN1_TIME *now = X509_gmtime_adj(NULL, -3600);
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
