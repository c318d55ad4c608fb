#define _GNU_SOURCE
/*
 * EF.CardSecurity verified like EF.SOD (pa_verify_card_security): the SignedData path of
 * EF.SOD, the document signer against the same trust store. The files are made here with
 * OpenSSL's CMS and the test PKI (tests/pki.c), independent of the library's writers;
 * OpenSSL's CMS_verify confirms each positive. Real files: the DE and FI passports
 * (gmrtd), the German eID card and the BSI worked example (OpenPACE).
 */
#include <criterion/criterion.h>
#include <openssl/cms.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pa/pa.h"
#include "pki.h"
#include "support.h"
#include "verify.h"

#define ID_SECURITY_OBJECT "0.4.0.127.0.7.3.2.1"

/* SecurityInfos: a PACEInfo and a ChipAuthenticationPublicKeyInfo (ECDH, keyId 7) with
 * the SubjectPublicKeyInfo of `ca_key`. */
static size_t security_infos(EVP_PKEY *ca_key, uint8_t *out)
{
    static const uint8_t pace[] = { 0x30, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02,
                                    0x04, 0x02, 0x02, 0x02, 0x01, 0x02, 0x02, 0x01, 0x0D };
    static const uint8_t pk_oid[] = { 0x06, 0x09, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x01, 0x02 };
    unsigned char *spki = NULL;
    int sn = i2d_PUBKEY(ca_key, &spki);
    cr_assert(sn > 0 && sn < 200);
    uint8_t info[256];
    size_t n = 0;
    memcpy(info + n, pk_oid, sizeof pk_oid);
    n += sizeof pk_oid;
    memcpy(info + n, spki, (size_t)sn);
    n += (size_t)sn;
    info[n++] = 0x02;
    info[n++] = 0x01;
    info[n++] = 0x07;
    OPENSSL_free(spki);
    size_t k = 0;
    size_t body = sizeof pace + 3 + n;
    out[k++] = 0x31;
    out[k++] = 0x81;
    out[k++] = (uint8_t)body;
    memcpy(out + k, pace, sizeof pace);
    k += sizeof pace;
    out[k++] = 0x30;
    out[k++] = 0x81;
    out[k++] = (uint8_t)n;
    memcpy(out + k, info, n);
    return k + n;
}

/* SignedData of `ctype` over content, by (cert, key), carrying `carry` (cert if NULL). */
static uint8_t *sign(const uint8_t *content, size_t n, const char *ctype, X509 *cert, EVP_PKEY *key,
                     X509 *carry, size_t *len)
{
    BIO *in = BIO_new_mem_buf(content, (int)n);
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY);
    ASN1_OBJECT *type = OBJ_txt2obj(ctype, 1);
    cr_assert_eq(CMS_set1_eContentType(cms, type), 1);
    ASN1_OBJECT_free(type);
    cr_assert_not_null(CMS_add1_signer(cms, cert, key, EVP_sha256(), CMS_BINARY | CMS_NOCERTS));
    cr_assert_eq(CMS_add1_cert(cms, carry != NULL ? carry : cert), 1);
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

/* OpenSSL's own CMS_verify with `csca` as the only anchor: the independent judgement. */
static bool openssl_verifies(const uint8_t *der, size_t len, X509 *csca)
{
    const unsigned char *p = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, csca);
    BIO *out = BIO_new(BIO_s_mem());
    bool ok = cms != NULL && CMS_verify(cms, NULL, store, NULL, out, CMS_BINARY) == 1;
    BIO_free(out);
    X509_STORE_free(store);
    CMS_ContentInfo_free(cms);
    return ok;
}

typedef struct pki_set {
    EVP_PKEY *csca_key, *ds_key, *ca_key;
    X509 *csca, *ds;
} pki_set;

static void make_pki(pki_set *p, const char *country, long ds_from, long ds_to)
{
    p->csca_key = pki_key("ec:brainpoolP256r1");
    p->ds_key = pki_key("ec:prime256v1");
    p->ca_key = pki_key("ec:brainpoolP256r1");
    p->csca = pki_cert(&(pki_cert_spec){ .cn = "CSCA Test", .country = country, .key = p->csca_key,
                                         .not_before_days = -1000, .not_after_days = 5000,
                                         .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 1 });
    p->ds = pki_cert(&(pki_cert_spec){ .cn = "DS Test", .country = country, .key = p->ds_key,
                                       .issuer = p->csca, .issuer_key = p->csca_key,
                                       .not_before_days = ds_from, .not_after_days = ds_to,
                                       .usage = PKI_KU_SIGN, .serial = 2 });
}

static void free_pki(pki_set *p)
{
    EVP_PKEY_free(p->csca_key);
    EVP_PKEY_free(p->ds_key);
    EVP_PKEY_free(p->ca_key);
    X509_free(p->csca);
    X509_free(p->ds);
}

static vfy_trust *store_of(X509 *a, X509 *b)
{
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    X509 *both[] = { a, b };
    for (int i = 0; i < 2; i++) {
        if (both[i] == NULL)
            continue;
        unsigned char *der = NULL;
        int n = i2d_X509(both[i], &der);
        cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "csca", NULL), VFY_OK);
        OPENSSL_free(der);
    }
    return t;
}

static void verify(const uint8_t *cs, size_t len, const vfy_trust *t, time_t at, pa_cs_result *r)
{
    cr_assert_eq(pa_verify_card_security(cs, len, t, at, NULL, r), VFY_OK);
}

static void assert_check(const vfy_check_result *c, vfy_outcome o, vfy_status s, const char *name)
{
    cr_assert_eq(c->outcome, o, "%s: outcome %d, reason: %s", name, c->outcome, c->reason);
    cr_assert_eq(c->status, s, "%s: %s, reason: %s", name, vfy_status_name(c->status), c->reason);
}

static void assert_not_vouched(const pa_cs_result *r)
{
    cr_assert(!r->verified);
    cr_assert_null(pa_cs_vouched(r));
    cr_assert_null(pa_cs_chip_auth_key(r, -1));
    cr_assert_null(pa_cs_chip_auth_key(r, 7));
}

Test(card_security, signed_by_a_trusted_ds_verifies_and_vouches_for_the_ca_key)
{
    pki_set p;
    make_pki(&p, "UT", -10, 1000);
    uint8_t content[512];
    size_t n = security_infos(p.ca_key, content), len;
    uint8_t *cs = sign(content, n, ID_SECURITY_OBJECT, p.ds, p.ds_key, NULL, &len);
    cr_assert(openssl_verifies(cs, len, p.csca), "OpenSSL itself must accept the file");
    vfy_trust *t = store_of(p.csca, NULL);
    pa_cs_result r;
    verify(cs, len, t, 0, &r);
    assert_check(&r.signature, VFY_OUTCOME_OK, VFY_OK, "signature");
    assert_check(&r.content, VFY_OUTCOME_OK, VFY_OK, "content");
    assert_check(&r.ds_chain, VFY_OUTCOME_OK, VFY_OK, "ds_chain");
    assert_check(&r.ds_validity, VFY_OUTCOME_OK, VFY_OK, "ds_validity");
    assert_check(&r.crl, VFY_OUTCOME_NOT_CHECKED, VFY_E_CRL_MISSING, "crl");
    cr_assert(r.verified);
    cr_assert_str_eq(r.ds_country, "UT");
    cr_assert(strstr(r.csca_subject, "CSCA Test") != NULL, "%s", r.csca_subject);
    cr_assert_str_eq(r.signature_algorithm, "ecdsa-SHA256");
    /* The key it vouches for is the one signed, byte for byte. */
    const vfy_security_info *k = pa_cs_chip_auth_key(&r, 7);
    cr_assert_not_null(k);
    cr_assert_eq(pa_cs_chip_auth_key(&r, -1), k);
    cr_assert_null(pa_cs_chip_auth_key(&r, 8));
    unsigned char *spki = NULL;
    int sn = i2d_PUBKEY(p.ca_key, &spki);
    cr_assert_eq(k->public_key.len, (size_t)sn);
    cr_assert_eq(memcmp(k->public_key.data, spki, (size_t)sn), 0);
    OPENSSL_free(spki);
    cr_assert_not_null(vfy_security_infos_find(pa_cs_vouched(&r), VFY_SI_PACE, NULL));
    pa_cs_result_free(&r);
    vfy_trust_free(t);
    free(cs);
    free_pki(&p);
}

/* Each forgery, with the exact check that catches it. */
Test(card_security, tampered_content_wrong_signer_wrong_type)
{
    pki_set p, q;
    make_pki(&p, "UT", -10, 1000);
    make_pki(&q, "UT", -10, 1000);
    vfy_trust *t = store_of(p.csca, NULL);
    uint8_t content[512];
    size_t n = security_infos(p.ca_key, content), len;
    pa_cs_result r;

    /* A chip-authentication key replaced after signing: the digest no longer matches. */
    uint8_t *cs = sign(content, n, ID_SECURITY_OBJECT, p.ds, p.ds_key, NULL, &len);
    uint8_t *at = memmem(cs, len, content, n);
    cr_assert_not_null(at);
    at[n - 5] ^= 0x01;
    verify(cs, len, t, 0, &r);
    assert_check(&r.signature, VFY_OUTCOME_FAILED, VFY_E_HASH_MISMATCH, "signature");
    assert_not_vouched(&r);
    pa_cs_result_free(&r);
    free(cs);

    /* Signed by another DS of the same state, whose CSCA the store does not hold. */
    cs = sign(content, n, ID_SECURITY_OBJECT, q.ds, q.ds_key, NULL, &len);
    verify(cs, len, t, 0, &r);
    assert_check(&r.signature, VFY_OUTCOME_OK, VFY_OK, "signature");
    assert_check(&r.ds_chain, VFY_OUTCOME_FAILED, VFY_E_CERT_CHAIN, "ds_chain");
    assert_not_vouched(&r);
    pa_cs_result_free(&r);
    free(cs);

    /* Signed with that other key but naming and carrying the trusted DS (same issuer and
     * serial): the signature does not verify with the DS's key. */
    cs = sign(content, n, ID_SECURITY_OBJECT, q.ds, q.ds_key, p.ds, &len);
    verify(cs, len, t, 0, &r);
    assert_check(&r.signature, VFY_OUTCOME_FAILED, VFY_E_SIGNATURE, "signature");
    assert_not_vouched(&r);
    pa_cs_result_free(&r);
    free(cs);

    /* A validly signed LDS security object passed off as EF.CardSecurity. */
    cs = sign(content, n, "2.23.136.1.1.1", p.ds, p.ds_key, NULL, &len);
    verify(cs, len, t, 0, &r);
    assert_check(&r.signature, VFY_OUTCOME_OK, VFY_OK, "signature");
    assert_check(&r.content, VFY_OUTCOME_FAILED, VFY_E_BAD_VALUE, "content");
    assert_not_vouched(&r);
    pa_cs_result_free(&r);
    free(cs);

    /* id-SecurityObject over bytes that are no SecurityInfos. */
    static const uint8_t not_infos[] = { 0x04, 0x03, 0x01, 0x02, 0x03 };
    cs = sign(not_infos, sizeof not_infos, ID_SECURITY_OBJECT, p.ds, p.ds_key, NULL, &len);
    verify(cs, len, t, 0, &r);
    assert_check(&r.signature, VFY_OUTCOME_OK, VFY_OK, "signature");
    assert_check(&r.content, VFY_OUTCOME_FAILED, VFY_E_BAD_TAG, "content");
    assert_not_vouched(&r);
    pa_cs_result_free(&r);
    free(cs);

    vfy_trust_free(t);
    free_pki(&p);
    free_pki(&q);
}

Test(card_security, untrusted_csca_expired_ds_revoked_ds)
{
    pki_set p, de;
    make_pki(&p, "UT", -400, 1000);
    make_pki(&de, "DE", -10, 1000);
    uint8_t content[512];
    size_t n = security_infos(p.ca_key, content), len;
    uint8_t *cs = sign(content, n, ID_SECURITY_OBJECT, p.ds, p.ds_key, NULL, &len);
    pa_cs_result r;

    /* A store without any CSCA of the signer's state: unverified, not failed. */
    vfy_trust *t = store_of(de.csca, NULL);
    verify(cs, len, t, 0, &r);
    assert_check(&r.signature, VFY_OUTCOME_OK, VFY_OK, "signature");
    assert_check(&r.ds_chain, VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR, "ds_chain");
    assert_not_vouched(&r);
    pa_cs_result_free(&r);
    vfy_trust_free(t);

    /* No trust store at all. */
    verify(cs, len, NULL, 0, &r);
    assert_check(&r.ds_chain, VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR, "ds_chain");
    assert_not_vouched(&r);
    pa_cs_result_free(&r);

    /* The DS expired: judged 1001 days from now (its CSCA is still valid then). */
    t = store_of(p.csca, de.csca);
    verify(cs, len, t, time(NULL) + 1001L * 86400, &r);
    assert_check(&r.ds_chain, VFY_OUTCOME_OK, VFY_OK, "ds_chain");
    assert_check(&r.ds_validity, VFY_OUTCOME_FAILED, VFY_E_CERT_EXPIRED, "ds_validity");
    assert_not_vouched(&r);
    pa_cs_result_free(&r);
    /* ... and not yet valid 401 days ago. */
    verify(cs, len, t, time(NULL) - 401L * 86400, &r);
    assert_check(&r.ds_validity, VFY_OUTCOME_FAILED, VFY_E_CERT_EXPIRED, "ds_validity");
    assert_not_vouched(&r);
    pa_cs_result_free(&r);

    /* Revoked by its CSCA's CRL. */
    X509_CRL *crl = pki_crl(p.csca, p.csca_key, p.ds, 30);
    unsigned char *der = NULL;
    int dl = i2d_X509_CRL(crl, &der);
    cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)dl, "crl", NULL), VFY_OK);
    OPENSSL_free(der);
    X509_CRL_free(crl);
    verify(cs, len, t, 0, &r);
    assert_check(&r.signature, VFY_OUTCOME_OK, VFY_OK, "signature");
    assert_check(&r.crl, VFY_OUTCOME_FAILED, VFY_E_CERT_REVOKED, "crl");
    assert_not_vouched(&r);
    pa_cs_result_free(&r);
    vfy_trust_free(t);
    free(cs);
    free_pki(&p);
    free_pki(&de);
}

Test(card_security, missing_or_malformed_file)
{
    pa_cs_result r;
    verify(NULL, 0, NULL, 0, &r);
    assert_check(&r.signature, VFY_OUTCOME_FAILED, VFY_E_NOT_FOUND, "signature");
    assert_not_vouched(&r);
    pa_cs_result_free(&r);
    pki_set p;
    make_pki(&p, "UT", -10, 1000);
    uint8_t content[512];
    size_t n = security_infos(p.ca_key, content), len;
    uint8_t *cs = sign(content, n, ID_SECURITY_OBJECT, p.ds, p.ds_key, NULL, &len);
    verify(cs, len - 1, NULL, 0, &r);
    cr_assert_eq(r.signature.outcome, VFY_OUTCOME_FAILED);
    assert_check(&r.signature, VFY_OUTCOME_FAILED, VFY_E_LENGTH_OVERFLOW, "signature");
    assert_not_vouched(&r);
    pa_cs_result_free(&r);
    uint8_t *longer = malloc(len + 1);
    memcpy(longer, cs, len);
    longer[len] = 0x00;
    verify(longer, len + 1, NULL, 0, &r);
    assert_check(&r.signature, VFY_OUTCOME_FAILED, VFY_E_TRAILING_BYTES, "signature");
    pa_cs_result_free(&r);
    free(longer);
    free(cs);
    free_pki(&p);
    cr_assert_eq(pa_verify_card_security(NULL, 0, NULL, 0, NULL, NULL), VFY_E_INVALID_ARGUMENT);
}

/* ---- real files ------------------------------------------------------------------------- */

/* Judged one day after the DS's notBefore: the time these documents were valid. */
static void real(const char *cs_rel, const char *csca_rel, bool want_chain, long key_id)
{
    char path[512];
    size_t len;
    uint8_t *cs = read_file_or_fail(SHARED_PATH(cs_rel, path), &len);
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    if (csca_rel != NULL)
        cr_assert_eq(vfy_trust_add_path(t, SHARED_PATH(csca_rel, path), NULL), VFY_OK);
    /* The DS's validity from the file itself, read by OpenSSL. */
    const unsigned char *p = cs;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
    cr_assert_not_null(cms);
    STACK_OF(X509) *certs = CMS_get1_certs(cms);
    cr_assert_eq(sk_X509_num(certs), 1);
    struct tm tm;
    cr_assert_eq(ASN1_TIME_to_tm(X509_get0_notBefore(sk_X509_value(certs, 0)), &tm), 1);
    time_t at = timegm(&tm) + 86400;
    sk_X509_pop_free(certs, X509_free);
    CMS_ContentInfo_free(cms);
    pa_cs_result r;
    verify(cs, len, t, at, &r);
    assert_check(&r.signature, VFY_OUTCOME_OK, VFY_OK, "signature");
    assert_check(&r.content, VFY_OUTCOME_OK, VFY_OK, "content");
    if (want_chain) {
        assert_check(&r.ds_chain, VFY_OUTCOME_OK, VFY_OK, "ds_chain");
        assert_check(&r.ds_validity, VFY_OUTCOME_OK, VFY_OK, "ds_validity");
        cr_assert(r.verified, "%s", cs_rel);
        cr_assert_not_null(pa_cs_chip_auth_key(&r, key_id), "%s: no CA key %ld", cs_rel, key_id);
    } else {
        assert_check(&r.ds_chain, VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR, "ds_chain");
        assert_not_vouched(&r);
    }
    /* One bit of the signed content changed: refused. */
    cr_assert(r.has_infos);
    const vfy_security_info *any = &r.infos.items[0];
    uint8_t *in_file = memmem(cs, len, any->raw.data, any->raw.len);
    cr_assert_not_null(in_file);
    in_file[any->raw.len - 1] ^= 0x01;
    pa_cs_result_free(&r);
    verify(cs, len, t, at, &r);
    assert_check(&r.signature, VFY_OUTCOME_FAILED, VFY_E_HASH_MISMATCH, "signature");
    assert_not_vouched(&r);
    pa_cs_result_free(&r);
    vfy_trust_free(t);
    free(cs);
}

/* The DE passport of the PACE-CAM trace: its CAM check passes against keyId 13. */
Test(card_security, real_de_passport) { real("vectors/emrtd/samples/gmrtd/DE/EF_CardSecurity.bin", "vectors/emrtd/samples/gmrtd/DE/CSCA.der", true, 13); }
Test(card_security, real_fi_identity_card) { real("vectors/emrtd/samples/gmrtd/FI/EF_CardSecurity.bin", "vectors/emrtd/samples/gmrtd/FI/CSCA.der", true, -1); }
Test(card_security, real_de_eid_card) { real("vectors/emrtd/samples/openpace/de_eid_dan_EF_CardSecurity.bin", "vectors/emrtd/samples/openpace/csca_germany_013_self_signed.der", true, -1); }
/* Signed by a test DS whose CSCA is not public: the signature holds, the chain cannot. */
Test(card_security, real_bsi_worked_example_without_csca)
{
    real("vectors/emrtd/samples/openpace/bsi_worked_example_ecdh_EF_CardSecurity.bin", NULL, false, -1);
    real("vectors/emrtd/samples/openpace/bsi_worked_example_dh_EF_CardSecurity.bin", NULL, false, -1);
}
