/*
 * Chip proofs under exhausted memory (issue 12, coverage of libverify/auth/): Active
 * Authentication with an EC key (r||s signature) and Chip Authentication with a DH key,
 * each run once per allocation, failing exactly that one (tests/faults.h). A failed
 * allocation may only make the proof fail — never turn a signature that does not
 * verify into one that does — and the crypto step that could not run says so. Keys and
 * signatures are made with OpenSSL; DG14/DG15 are encoded here.
 */
#include <criterion/criterion.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "chip/channel.h"
#include "core/fail.h"
#include "faults.h"
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

static const uint8_t challenge[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };

/* ---- Active Authentication, ECDSA --------------------------------------------------- */

struct aa_fx {
    uint8_t dg15[200];
    size_t dg15_len;
    uint8_t sig[64];
    bool tampered;
    unsigned long crypto_order, crypto_encode, failed, oom;
};

static void aa_op(void *ctx, bool injected)
{
    struct aa_fx *f = ctx;
    vfy_detail d;
    vfy_detail_clear(&d);
    fault_enter();
    vfy_status s = vfy_aa_verify(f->dg15, f->dg15_len, NULL, 0, challenge, sizeof challenge, f->sig, sizeof f->sig, &d);
    fault_leave();
    if (!injected) {
        cr_assert_eq(s, f->tampered ? VFY_E_AA_FAILED : VFY_OK, "%s: %s", vfy_status_name(s), d.message);
        return;
    }
    if (f->tampered)
        cr_assert_neq(s, VFY_OK, "failing allocation %lu made a wrong signature verify", fault_armed());
    if (s == VFY_OK)
        return;
    f->failed++;
    if (s == VFY_E_NO_MEMORY)
        f->oom++;
    else if (s == VFY_E_CRYPTO && strstr(d.message, "order of DG15's curve is unknown") != NULL)
        f->crypto_order++;
    else if (s == VFY_E_CRYPTO && strstr(d.message, "cannot encode the ECDSA signature") != NULL)
        f->crypto_encode++;
    else
        /* OpenSSL out of memory inside the key reader or EVP_PKEY_is_a (which fetches the
         * key's algorithm) reads as a refused key: still no proof. */
        cr_assert(s == VFY_E_AA_FAILED || s == VFY_E_CRYPTO || s == VFY_E_UNSUPPORTED || s == VFY_E_BAD_VALUE ||
                      s == VFY_E_ALGORITHM,
                  "failing allocation %lu: %s (%s)", fault_armed(), vfy_status_name(s), d.message);
}

static void aa_fx_make(struct aa_fx *f, bool tampered)
{
    memset(f, 0, sizeof *f);
    EVP_PKEY *k = pki_key("ec:prime256v1");
    unsigned char *spki = NULL;
    int n = i2d_PUBKEY(k, &spki);
    cr_assert_gt(n, 0);
    f->dg15_len = put_tlv(f->dg15, 0x6F, spki, (size_t)n);
    OPENSSL_free(spki);
    /* ECDSA-SHA256 over the challenge (the default for a 256-bit key without DG14), as
     * r||s of 32 bytes each (BSI TR-03111 plain). */
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char der[80];
    size_t dl = sizeof der;
    cr_assert_eq(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k), 1);
    cr_assert_eq(EVP_DigestSign(md, der, &dl, challenge, sizeof challenge), 1);
    EVP_MD_CTX_free(md);
    const unsigned char *p = der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)dl);
    cr_assert_not_null(es);
    cr_assert_eq(BN_bn2binpad(ECDSA_SIG_get0_r(es), f->sig, 32), 32);
    cr_assert_eq(BN_bn2binpad(ECDSA_SIG_get0_s(es), f->sig + 32, 32), 32);
    ECDSA_SIG_free(es);
    EVP_PKEY_free(k);
    f->tampered = tampered;
    if (tampered)
        f->sig[40] ^= 0x01;
}

static void aa_sweep(struct aa_fx *f)
{
    struct fault_sweep_result r = fault_sweep(aa_op, f, 100000);
    cr_log_info("AA: %lu allocations, %lu failed runs: %lu failed (%lu out of memory, %lu curve order, %lu "
                "encoding)", r.allocations, r.runs, f->failed, f->oom, f->crypto_order, f->crypto_encode);
    cr_assert(fault_openssl_routed());
    cr_assert_eq(r.runs, r.allocations);
    cr_assert_eq(r.fired, r.runs);
    /* The steps that need OpenSSL's memory say that they could not run. */
    cr_assert_gt(f->crypto_order, 0, "no run failed reading the curve's order");
    cr_assert_gt(f->crypto_encode, 0, "no run failed encoding r||s as DER");
}

Test(cov2_trust_auth, active_authentication_ecdsa_under_failed_allocations, .timeout = 300)
{
    struct aa_fx f;
    aa_fx_make(&f, false);
    aa_sweep(&f);
}

Test(cov2_trust_auth, wrong_ecdsa_signature_never_verifies_under_failed_allocations, .timeout = 300)
{
    struct aa_fx f;
    aa_fx_make(&f, true);
    aa_sweep(&f);
}

/* ---- Chip Authentication, DH ---------------------------------------------------------- */

/* The chip does not answer: the exchange is computed before anything is sent, so the
 * run ends at the first command with this status. */
static vfy_status mute_transmit(vfy_transport *t, const uint8_t *cmd, size_t cmd_len, uint8_t *resp, size_t cap,
                                size_t *resp_len, vfy_detail *detail)
{
    (void)t, (void)cmd, (void)cmd_len, (void)resp, (void)cap, (void)resp_len;
    return vfy_fail(detail, VFY_E_TRANSPORT, "test", "the chip is mute");
}

static void mute_close(vfy_transport *t) { (void)t; }

static const struct vfy_transport_ops mute_ops = { "mute", mute_transmit, NULL, NULL, mute_close };

struct ca_fx {
    uint8_t dg14[2800];
    size_t dg14_len;
    unsigned long dh_failed, oom, same;
};

static void ca_op(void *ctx, bool injected)
{
    struct ca_fx *f = ctx;
    vfy_transport t;
    memset(&t, 0, sizeof t);
    t.ops = &mute_ops;
    t.caps = (vfy_transport_caps){ 261, 258, false };
    vfy_channel ch;
    cr_assert_eq(vfy_channel_init(&ch, &t, NULL), VFY_OK);
    static const uint8_t k[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    cr_assert_eq(vfy_channel_set_sm(&ch, VFY_CIPHER_3DES, k, k, NULL, NULL), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    fault_enter();
    vfy_status s = auth_chip(&ch, f->dg14, f->dg14_len, &d);
    fault_leave();
    vfy_channel_free(&ch);
    if (!injected) {
        cr_assert_eq(s, VFY_E_TRANSPORT, "%s: %s", vfy_status_name(s), d.message);
        return;
    }
    cr_assert_neq(s, VFY_OK, "failing allocation %lu: a mute chip passed Chip Authentication", fault_armed());
    if (s == VFY_E_TRANSPORT)
        f->same++;
    else if (s == VFY_E_NO_MEMORY)
        f->oom++;
    else if (s == VFY_E_CRYPTO && strcmp(d.message, "DH key agreement failed") == 0)
        f->dh_failed++;
    else
        cr_assert(s == VFY_E_CRYPTO || s == VFY_E_BAD_VALUE || s == VFY_E_UNSUPPORTED || s == VFY_E_ALGORITHM,
                  "failing allocation %lu: %s (%s)", fault_armed(), vfy_status_name(s), d.message);
}

/* DG14: ChipAuthenticationInfo id-CA-DH-3DES-CBC-CBC v1 and the chip's DH key of the
 * RFC 7919 group `group` as ChipAuthenticationPublicKeyInfo id-PK-DH, keyId 1
 * (9303-11 §9.2.5-9.2.6). */
static size_t dh_dg14(const char *group, uint8_t *out)
{
    EVP_PKEY *dh = NULL;
    EVP_PKEY_CTX *gctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    cr_assert_eq(EVP_PKEY_keygen_init(gctx), 1);
    OSSL_PARAM p[] = { OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)group, 0),
                       OSSL_PARAM_construct_end() };
    cr_assert_eq(EVP_PKEY_CTX_set_params(gctx, p), 1);
    cr_assert_eq(EVP_PKEY_generate(gctx, &dh), 1);
    EVP_PKEY_CTX_free(gctx);
    static const uint8_t info[] = { 0x30, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x03, 0x01,
                                    0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 };
    static const uint8_t pk_dh[] = { 0x06, 0x09, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x01, 0x01 };
    uint8_t body[2400], infos[2500], set[2600];
    size_t n = sizeof pk_dh;
    memcpy(body, pk_dh, n);
    unsigned char *spki = NULL;
    int sn = i2d_PUBKEY(dh, &spki);
    cr_assert(sn > 0 && sn < 2300);
    memcpy(body + n, spki, (size_t)sn);
    n += (size_t)sn;
    OPENSSL_free(spki);
    body[n++] = 0x02, body[n++] = 0x01, body[n++] = 0x01; /* keyId 1 */
    memcpy(infos, info, sizeof info);
    size_t ni = sizeof info + put_tlv(infos + sizeof info, 0x30, body, n);
    size_t ns = put_tlv(set, 0x31, infos, ni);
    EVP_PKEY_free(dh);
    return put_tlv(out, 0x6E, set, ns);
}

Test(cov2_trust_auth, chip_authentication_dh_under_failed_allocations, .timeout = 600)
{
    struct ca_fx f = { 0 };
    f.dg14_len = dh_dg14("ffdhe2048", f.dg14);
    struct fault_sweep_result r = fault_sweep(ca_op, &f, 100000);
    cr_log_info("CA: %lu allocations, %lu failed runs: %lu as unfailed, %lu out of memory, %lu DH failed",
                r.allocations, r.runs, f.same, f.oom, f.dh_failed);
    cr_assert(fault_openssl_routed());
    cr_assert_eq(r.runs, r.allocations);
    cr_assert_gt(f.dh_failed, 0, "no run failed in the DH agreement");
}

Test(cov2_trust_auth, chip_authentication_dh_key_longer_than_the_exchange_takes)
{
    /* ffdhe6144: a 768-byte public value, more than the 512 bytes (VFY_KA_MAX_PUBLIC) the
     * exchange carries; refused before anything is sent (the chip here is mute). */
    struct ca_fx f = { 0 };
    f.dg14_len = dh_dg14("ffdhe6144", f.dg14);
    vfy_transport t;
    memset(&t, 0, sizeof t);
    t.ops = &mute_ops;
    t.caps = (vfy_transport_caps){ 261, 258, false };
    vfy_channel ch;
    cr_assert_eq(vfy_channel_init(&ch, &t, NULL), VFY_OK);
    static const uint8_t k[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    cr_assert_eq(vfy_channel_set_sm(&ch, VFY_CIPHER_3DES, k, k, NULL, NULL), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = auth_chip(&ch, f.dg14, f.dg14_len, &d);
    cr_assert_eq(s, VFY_E_CRYPTO, "%s: %s", vfy_status_name(s), d.message);
    cr_assert_str_eq(d.message, "DH key agreement failed");
    vfy_channel_free(&ch);
}
