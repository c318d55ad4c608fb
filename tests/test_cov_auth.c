/*
 * Chip proofs' refusals not reached by test_auth*.c (issue 12, coverage): a DG15 key
 * that is neither RSA nor EC, an RSA key beyond 8192 bits, ECDSA with a DG14 that names
 * no algorithm (the same as no DG14), a PACE-CAM key that is no EC point, Chip
 * Authentication plans from DG14s whose info and key disagree (9303-11 §9.2.5-9.2.6),
 * and the entry points' argument checks. Keys and signatures are made with OpenSSL;
 * DG14/DG15 are encoded here, independent of the library's writers.
 */
#include <criterion/criterion.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "auth/aa_algorithms.h"
#include "auth/auth.h"
#include "pa/verdict_internal.h"
#include "pki.h"
#include "transport.h"
#include "verify.h"

static size_t put_tlv(uint8_t *out, uint8_t tag, const uint8_t *v, size_t n)
{
    size_t k = 0;
    out[k++] = tag;
    if (n < 0x80) {
        out[k++] = (uint8_t)n;
    } else if (n < 0x100) {
        out[k++] = 0x81;
        out[k++] = (uint8_t)n;
    } else {
        out[k++] = 0x82;
        out[k++] = (uint8_t)(n >> 8);
        out[k++] = (uint8_t)n;
    }
    memmove(out + k, v, n);
    return k + n;
}

static size_t put_oid(uint8_t *out, const char *dotted)
{
    ASN1_OBJECT *o = OBJ_txt2obj(dotted, 1);
    cr_assert_not_null(o, "%s", dotted);
    size_t k = put_tlv(out, 0x06, OBJ_get0_data(o), (size_t)OBJ_length(o));
    ASN1_OBJECT_free(o);
    return k;
}

static size_t put_int(uint8_t *out, uint8_t v)
{
    out[0] = 0x02;
    out[1] = 0x01;
    out[2] = v;
    return 3;
}

static size_t make_dg15(EVP_PKEY *key, uint8_t *out)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(key, &der);
    cr_assert_gt(n, 0);
    size_t k = put_tlv(out, 0x6F, der, (size_t)n);
    OPENSSL_free(der);
    return k;
}

/* ChipAuthenticationPublicKeyInfo { protocol, SubjectPublicKeyInfo of key, keyId }. */
static size_t ca_key_info(const char *protocol, EVP_PKEY *key, int key_id, uint8_t *out)
{
    uint8_t body[1200];
    size_t n = put_oid(body, protocol);
    unsigned char *spki = NULL;
    int sn = i2d_PUBKEY(key, &spki);
    cr_assert(sn > 0 && sn < 1000);
    memcpy(body + n, spki, (size_t)sn);
    n += (size_t)sn;
    OPENSSL_free(spki);
    if (key_id >= 0)
        n += put_int(body + n, (uint8_t)key_id);
    return put_tlv(out, 0x30, body, n);
}

/* ChipAuthenticationInfo { protocol, version, keyId }. */
static size_t ca_info(const char *protocol, uint8_t version, int key_id, uint8_t *out)
{
    uint8_t body[64];
    size_t n = put_oid(body, protocol);
    n += put_int(body + n, version);
    if (key_id >= 0)
        n += put_int(body + n, (uint8_t)key_id);
    return put_tlv(out, 0x30, body, n);
}

/* DG14: 6E { SET { infos } }. */
static size_t make_dg14(const uint8_t *infos, size_t n, uint8_t *out)
{
    uint8_t set[2000];
    size_t k = put_tlv(set, 0x31, infos, n);
    return put_tlv(out, 0x6E, set, k);
}

#define ID_PK_DH "0.4.0.127.0.7.2.2.1.1"
#define ID_PK_ECDH "0.4.0.127.0.7.2.2.1.2"
#define ID_CA_ECDH_AES128 "0.4.0.127.0.7.2.2.3.2.2"
#define ID_CA_DH_3DES "0.4.0.127.0.7.2.2.3.1.1"

static const uint8_t challenge[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

Test(cov_auth, dg15_key_neither_rsa_nor_ec)
{
    EVP_PKEY *k = pki_key("ed25519");
    uint8_t dg15[200], sig[64] = { 0 };
    size_t n = make_dg15(k, dg15);
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_aa_verify(dg15, n, NULL, 0, challenge, sizeof challenge, sig, sizeof sig, &d);
    /* DG15 keys are RSA or EC (9303-11 §6.1): the key reader refuses Ed25519 already. */
    cr_assert_eq(s, VFY_E_UNSUPPORTED, "%s (%s)", vfy_status_name(s), d.message);
    cr_assert(strstr(d.message, "neither RSA nor EC") != NULL, "%s", d.message);
    EVP_PKEY_free(k);
}

Test(cov_auth, rsa_key_beyond_8192_bits)
{
    /* A public key alone (a modulus of 8200 bits, e = 65537): no private key is needed
     * to see that the verifier refuses a key larger than it handles. */
    unsigned char nbytes[1025];
    memset(nbytes, 0xA5, sizeof nbytes);
    nbytes[0] = 0x80; /* top bit set: 8200 bits */
    nbytes[sizeof nbytes - 1] |= 1;
    BIGNUM *bn = BN_bin2bn(nbytes, sizeof nbytes, NULL), *e = BN_new();
    BN_set_word(e, 65537);
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, bn);
    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, e);
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(b);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *key = NULL;
    cr_assert_eq(EVP_PKEY_fromdata_init(ctx), 1);
    cr_assert_eq(EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params), 1);
    cr_assert_eq(EVP_PKEY_get_bits(key), 8200);
    uint8_t dg15[1200];
    size_t n = make_dg15(key, dg15);
    uint8_t sig[1025] = { 0 };
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_aa_verify(dg15, n, NULL, 0, challenge, sizeof challenge, sig, sizeof sig, &d), VFY_E_LIMIT,
                 "%s", d.message);
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(b);
    BN_free(bn);
    BN_free(e);
}

Test(cov_auth, ecdsa_with_a_dg14_that_names_no_algorithm)
{
    /* DG14 with a Chip Authentication key but no ActiveAuthenticationInfo: the same
     * algorithm as without DG14 (the hash of the key size), and the same answer for a
     * genuine and for a wrong signature. */
    EVP_PKEY *aa = pki_key("ec:prime256v1"), *ca = pki_key("ec:prime256v1");
    uint8_t dg15[200], infos[300], dg14[400];
    size_t n15 = make_dg15(aa, dg15);
    size_t ni = ca_key_info(ID_PK_ECDH, ca, 1, infos);
    size_t n14 = make_dg14(infos, ni, dg14);
    uint8_t sig[160];
    size_t sl = sizeof sig;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    cr_assert_eq(EVP_DigestSignInit_ex(ctx, NULL, "SHA256", NULL, NULL, aa, NULL), 1);
    cr_assert_eq(EVP_DigestSign(ctx, sig, &sl, challenge, sizeof challenge), 1);
    EVP_MD_CTX_free(ctx);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_aa_verify(dg15, n15, NULL, 0, challenge, sizeof challenge, sig, sl, &d), VFY_OK, "%s",
                 d.message);
    cr_assert_eq(vfy_aa_verify(dg15, n15, dg14, n14, challenge, sizeof challenge, sig, sl, &d), VFY_OK, "%s",
                 d.message);
    uint8_t other[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };
    cr_assert_eq(vfy_aa_verify(dg15, n15, dg14, n14, other, sizeof other, sig, sl, &d), VFY_E_AA_FAILED);
    EVP_PKEY_free(aa);
    EVP_PKEY_free(ca);
}

Test(cov_auth, iso9796_trailer_of_a_block_too_short)
{
    size_t tl = 0;
    static const uint8_t one[] = { 0xBC };
    cr_assert_null(aa_9796_trailer(one, sizeof one, &tl));
    static const uint8_t two[] = { 0x00, 0xBC };
    cr_assert_not_null(aa_9796_trailer(two, sizeof two, &tl));
    cr_assert_eq(tl, 1);
}

static vfy_status plan_of(const uint8_t *infos, size_t n, auth_ca_plan *plan, vfy_detail *d)
{
    uint8_t dg14[2000];
    size_t k = make_dg14(infos, n, dg14);
    static vfy_security_infos parsed; /* the plan points into it */
    vfy_detail_clear(d);
    vfy_status s = vfy_lds_parse_dg14(dg14, k, &parsed, d);
    cr_assert_eq(s, VFY_OK, "DG14 does not parse: %s", d->message);
    return auth_ca_plan_from(&parsed, plan, d);
}

Test(cov_auth, chip_authentication_plans_that_cannot_run)
{
    EVP_PKEY *ec = pki_key("ec:prime256v1");
    uint8_t infos[800];
    auth_ca_plan plan;
    vfy_detail d;
    /* ChipAuthenticationInfo names keyId 5; the only key is keyId 6. */
    size_t n = ca_info(ID_CA_ECDH_AES128, 1, 5, infos);
    n += ca_key_info(ID_PK_ECDH, ec, 6, infos + n);
    cr_assert_eq(plan_of(infos, n, &plan, &d), VFY_E_NOT_FOUND);
    cr_assert(strstr(d.message, "keyId") != NULL, "%s", d.message);
    /* No key at all. */
    n = ca_info(ID_CA_ECDH_AES128, 1, -1, infos);
    cr_assert_eq(plan_of(infos, n, &plan, &d), VFY_E_NOT_FOUND);
    cr_assert(strstr(d.message, "no Chip Authentication public key") != NULL, "%s", d.message);
    /* The info says DH, the key ECDH. */
    n = ca_info(ID_CA_DH_3DES, 1, -1, infos);
    n += ca_key_info(ID_PK_ECDH, ec, -1, infos + n);
    cr_assert_eq(plan_of(infos, n, &plan, &d), VFY_E_CA_FAILED);
    cr_assert(strstr(d.message, "disagree") != NULL, "%s", d.message);
    /* Version 2 is the eID card's protocol, not the eMRTD's. */
    n = ca_info(ID_CA_ECDH_AES128, 2, -1, infos);
    n += ca_key_info(ID_PK_ECDH, ec, -1, infos + n);
    cr_assert_eq(plan_of(infos, n, &plan, &d), VFY_E_UNSUPPORTED);
    /* The working case beside them: version 1, one key, AES. */
    n = ca_info(ID_CA_ECDH_AES128, 1, -1, infos);
    n += ca_key_info(ID_PK_ECDH, ec, -1, infos + n);
    cr_assert_eq(plan_of(infos, n, &plan, &d), VFY_OK, "%s", d.message);
    cr_assert(!plan.use_kat);
    EVP_PKEY_free(ec);
}

Test(cov_auth, pace_cam_key_that_is_no_ec_point)
{
    /* PACE-CAM with a DG14 whose only Chip Authentication key is an Ed25519 key: no
     * point on the PACE curve, so the chip has proved nothing. */
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_pace_cam_verify(NULL, NULL, 0, &d), VFY_E_INVALID_ARGUMENT);
    vfy_pace_result r;
    memset(&r, 0, sizeof r);
    r.info.ka = VFY_KA_ECDH;
    r.info.parameter_id = 13; /* brainpoolP256r1 */
    r.has_chip_auth_data = true;
    r.ca_ic_len = 32;
    memset(r.ca_ic, 0x11, 32);
    r.chip_mapping_public_len = 65;
    EVP_PKEY *dh = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    cr_assert_eq(EVP_PKEY_keygen_init(ctx), 1);
    OSSL_PARAM p[] = { OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"ffdhe2048", 0),
                       OSSL_PARAM_construct_end() };
    cr_assert_eq(EVP_PKEY_CTX_set_params(ctx, p), 1);
    cr_assert_eq(EVP_PKEY_generate(ctx, &dh), 1);
    EVP_PKEY_CTX_free(ctx);
    uint8_t infos[1200], dg14[1400];
    size_t n = ca_key_info(ID_PK_DH, dh, 13, infos);
    uint8_t set[1300];
    size_t k = put_tlv(set, 0x31, infos, n);
    size_t n14 = put_tlv(dg14, 0x6E, set, k);
    auth_cam_source src = AUTH_CAM_DG14;
    cr_assert_eq(auth_pace_cam(&r, dg14, n14, NULL, 0, &src, &d), VFY_E_CA_FAILED, "%s", d.message);
    cr_assert_eq(src, AUTH_CAM_NONE);
    cr_assert(strstr(d.message, "on the PACE curve") != NULL, "%s", d.message);
    EVP_PKEY_free(dh);
}

Test(cov_auth, session_authenticate_arguments)
{
    vfy_chip_checks out;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_session_authenticate(NULL, NULL, &out, &d), VFY_E_INVALID_ARGUMENT);
}

/* A transport that must never be used: Chip Authentication refuses before sending. */
static vfy_status never_transmit(vfy_transport *t, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                                 size_t cap, size_t *resp_len, vfy_detail *detail)
{
    (void)t, (void)cmd, (void)cmd_len, (void)resp, (void)cap, (void)resp_len, (void)detail;
    cr_assert_fail("a command was sent without secure messaging");
    return VFY_E_INTERNAL;
}

static void never_close(vfy_transport *t) { (void)t; }

static const struct vfy_transport_ops never_ops = { "never", never_transmit, NULL, NULL, never_close };

Test(cov_auth, chip_authentication_needs_secure_messaging_first)
{
    /* 9303-11 §6.2: CA runs inside the BAC/PACE session; in plain it is refused. */
    vfy_transport t;
    memset(&t, 0, sizeof t);
    t.ops = &never_ops;
    t.caps = (vfy_transport_caps){ 261, 258, false };
    vfy_channel ch;
    cr_assert_eq(vfy_channel_init(&ch, &t, NULL), VFY_OK);
    EVP_PKEY *ec = pki_key("ec:prime256v1");
    uint8_t infos[400], dg14[500];
    size_t n = ca_key_info(ID_PK_ECDH, ec, -1, infos);
    size_t n14 = make_dg14(infos, n, dg14);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(auth_chip(&ch, dg14, n14, &d), VFY_E_SM_REQUIRED, "%s", d.message);
    vfy_channel_free(&ch);
    EVP_PKEY_free(ec);
}
