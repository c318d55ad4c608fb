/* Active Authentication (9303-11 §6.1): the challenge, and the check of the answer with
 * every signature algorithm the standard allows (auth/aa_algorithms.h). */
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "auth/aa_algorithms.h"
#include "auth/auth.h"
#include "core/fail.h"
#include "crypto/crypto.h"
#include "lds/der.h"
#include "lds/pubkey.h"
#include "pa/pa.h"

#define FIELD "active_auth"

static vfy_status hash_of(const aa_hash *h, const uint8_t *a, size_t a_len, const uint8_t *b,
                          size_t b_len, uint8_t out[64], vfy_detail *detail)
{
    EVP_MD *md = EVP_MD_fetch(NULL, h->ossl, NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned n = 0;
    int ok = md != NULL && ctx != NULL && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
             EVP_DigestUpdate(ctx, a, a_len) == 1 && EVP_DigestUpdate(ctx, b, b_len) == 1 &&
             EVP_DigestFinal_ex(ctx, out, &n) == 1 && n == h->size;
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    return ok ? VFY_OK : vfy_fail(detail, VFY_E_CRYPTO, FIELD, "%s is not available from OpenSSL", h->name);
}

/* RSA, ISO/IEC 9796-2 scheme 1 with partial recovery: the public operation by OpenSSL
 * gives F = 6A || M1 || H(M1 || challenge) || trailer, read here through the cursor. */
static vfy_status verify_rsa(EVP_PKEY *key, const uint8_t *challenge, size_t challenge_len,
                             const uint8_t *sig, size_t sig_len, aa_result *used, vfy_detail *detail)
{
    size_t k = (size_t)EVP_PKEY_get_size(key);
    unsigned bits = (unsigned)EVP_PKEY_get_bits(key);
    if (bits < AA_MIN_RSA_BITS)
        return vfy_fail(detail, VFY_E_WEAK_KEY, FIELD,
                        "DG15's RSA key has %u bits; Active Authentication needs at least %u", bits,
                        AA_MIN_RSA_BITS);
    if (sig_len != k)
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD,
                        "the RSA signature has %zu bytes, the key %zu", sig_len, k);
    uint8_t block[1024];
    size_t n = sizeof block;
    if (k > sizeof block)
        return vfy_fail(detail, VFY_E_LIMIT, FIELD, "DG15's RSA key is longer than 8192 bits");
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
    int ok = ctx != NULL && EVP_PKEY_verify_recover_init(ctx) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) == 1 &&
             EVP_PKEY_verify_recover(ctx, block, &n, sig, sig_len) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok || n < 4)
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD, "the RSA signature cannot be opened with DG15's key");
    size_t trailer_len = 0;
    const aa_hash *h = aa_9796_trailer(block, n, &trailer_len);
    if (h == NULL)
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD,
                        "the recovered message has no ISO/IEC 9796-2 trailer naming SHA-1, SHA-224, "
                        "SHA-256, SHA-384 or SHA-512");
    vfy_cursor c;
    vfy_cur_init(&c, block, n - trailer_len, FIELD, detail);
    uint8_t header;
    VFY_TRY(vfy_cur_u8(&c, &header));
    /* 0x6A: '01' (scheme 1), '1' (partial recovery: the challenge is M2), padding '0',
     * then the start of M1 nibble-aligned as a 9303 chip makes it. */
    if (header != 0x6A)
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD,
                        "the recovered message starts with 0x%02X, not 0x6A (ISO/IEC 9796-2 scheme 1, "
                        "partial recovery)", header);
    if (vfy_cur_remaining(&c) < h->size + 1)
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD, "the recovered message is too short");
    const uint8_t *m1, *digest;
    size_t m1_len = vfy_cur_remaining(&c) - h->size;
    VFY_TRY(vfy_cur_bytes(&c, m1_len, &m1));
    VFY_TRY(vfy_cur_bytes(&c, h->size, &digest));
    uint8_t want[64];
    VFY_TRY(hash_of(h, m1, m1_len, challenge, challenge_len, want, detail));
    if (!vfy_equal_ct(want, digest, h->size))
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD,
                        "the chip's RSA signature is not over this challenge");
    snprintf(used->algorithm, sizeof used->algorithm, "rsa-iso9796-2-%s", h->name);
    return VFY_OK;
}

/* The ECDSA algorithm: the one DG14's ActiveAuthenticationInfo names; without one, the
 * hash that matches the key size. A DG14 that does not parse is an error, not a guess. */
static vfy_status ecdsa_algorithm(const uint8_t *dg14, size_t dg14_len, unsigned bits,
                                  const aa_hash **hash, const char **name, vfy_detail *detail)
{
    *hash = aa_ecdsa_default_hash(bits);
    *name = NULL;
    if (dg14 == NULL)
        return VFY_OK;
    vfy_security_infos infos;
    VFY_TRY(vfy_lds_parse_dg14(dg14, dg14_len, &infos, detail));
    const vfy_security_info *info = vfy_security_infos_find(&infos, VFY_SI_ACTIVE_AUTH, NULL);
    if (info == NULL)
        return VFY_OK;
    const aa_ecdsa_alg *alg = aa_ecdsa_by_oid(info->signature_oid);
    if (alg == NULL)
        return vfy_fail(detail, VFY_E_ALGORITHM, FIELD,
                        "DG14's ActiveAuthenticationInfo names %s, which is no ECDSA signature "
                        "algorithm of ICAO 9303-11 (BSI TR-03111 ecdsa-plain or X9.62 ecdsa-with)",
                        info->signature_oid[0] ? info->signature_oid : "no algorithm");
    *hash = alg->hash;
    *name = alg->name;
    return VFY_OK;
}

static bool ecdsa_verify_der(EVP_PKEY *key, const aa_hash *h, const uint8_t *der, size_t der_len,
                             const uint8_t *challenge, size_t challenge_len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL && EVP_DigestVerifyInit_ex(ctx, NULL, h->ossl, NULL, NULL, key, NULL) == 1 &&
             EVP_DigestVerify(ctx, der, der_len, challenge, challenge_len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

/* r||s, each as long as the group order (BSI TR-03111 §5.2.1), as DER for OpenSSL. */
static size_t plain_to_der(const uint8_t *sig, size_t half, uint8_t *der, size_t cap)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, (int)half, NULL), *s = BN_bin2bn(sig + half, (int)half, NULL);
    if (es == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(es, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(es);
        return 0;
    }
    size_t n = 0;
    int len = i2d_ECDSA_SIG(es, NULL);
    unsigned char *p = der;
    if (len > 0 && (size_t)len <= cap)
        n = (size_t)i2d_ECDSA_SIG(es, &p);
    ECDSA_SIG_free(es);
    return n;
}

/* A DER ECDSA-Sig-Value, exactly (no trailing bytes, minimal encoding), as some chips
 * answer (PT). */
static bool is_strict_der(const uint8_t *sig, size_t len)
{
    if (len < 8 || len > 160 || sig[0] != 0x30)
        return false;
    const unsigned char *p = sig;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)len);
    if (es == NULL)
        return false;
    bool consumed = (size_t)(p - sig) == len;
    unsigned char *again = NULL;
    int n = i2d_ECDSA_SIG(es, &again);
    bool same = consumed && n > 0 && (size_t)n == len && memcmp(again, sig, len) == 0;
    OPENSSL_free(again);
    ECDSA_SIG_free(es);
    return same;
}

static vfy_status verify_ecdsa(EVP_PKEY *key, const uint8_t *dg14, size_t dg14_len,
                               const uint8_t *challenge, size_t challenge_len, const uint8_t *sig,
                               size_t sig_len, aa_result *used, vfy_detail *detail)
{
    BIGNUM *order = NULL;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_ORDER, &order) != 1)
        return vfy_fail(detail, VFY_E_CRYPTO, FIELD, "the order of DG15's curve is unknown");
    unsigned order_bits = (unsigned)BN_num_bits(order);
    size_t half = (size_t)BN_num_bytes(order);
    BN_free(order);
    if (order_bits < AA_MIN_EC_BITS)
        return vfy_fail(detail, VFY_E_WEAK_KEY, FIELD,
                        "DG15's EC key has %u bits; Active Authentication needs at least %u",
                        order_bits, AA_MIN_EC_BITS);
    const aa_hash *h;
    const char *name;
    VFY_TRY(ecdsa_algorithm(dg14, dg14_len, order_bits, &h, &name, detail));
    /* Either encoding may come with either OID family; a DER value as long as r||s is
     * possible but rare, so both readings are tried. Each is a proof by the same key over
     * the same challenge, so trying both admits nothing more. */
    bool ok = false, encoded = false;
    const char *form = "r||s";
    if (sig_len == 2 * half) {
        uint8_t der[160];
        size_t der_len = plain_to_der(sig, half, der, sizeof der);
        if (der_len == 0)
            return vfy_fail(detail, VFY_E_CRYPTO, FIELD, "cannot encode the ECDSA signature");
        encoded = true;
        ok = ecdsa_verify_der(key, h, der, der_len, challenge, challenge_len);
    }
    if (!ok && is_strict_der(sig, sig_len)) {
        encoded = true;
        form = "DER";
        ok = ecdsa_verify_der(key, h, sig, sig_len, challenge, challenge_len);
    }
    if (!encoded)
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD,
                        "the ECDSA signature of %zu bytes is neither r||s (%zu bytes) nor DER", sig_len,
                        2 * half);
    if (!ok)
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD,
                        "the chip's ECDSA signature (%s) is not over this challenge", h->name);
    snprintf(used->algorithm, sizeof used->algorithm, "%s (%s)", name != NULL ? name : h->name, form);
    return VFY_OK;
}

vfy_status auth_aa_verify(const uint8_t *dg15, size_t dg15_len, const uint8_t *dg14, size_t dg14_len,
                          const uint8_t *challenge, size_t challenge_len, const uint8_t *signature,
                          size_t signature_len, aa_result *used, vfy_detail *detail)
{
    aa_result ignored;
    if (used == NULL)
        used = &ignored;
    memset(used, 0, sizeof *used);
    if (dg15 == NULL || challenge == NULL || signature == NULL || challenge_len != 8)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "DG15, an 8-byte challenge and a signature are needed");
    vfy_lds_dg15 key_info;
    VFY_TRY(vfy_lds_parse_dg15(dg15, dg15_len, &key_info, detail));
    EVP_PKEY *key = NULL;
    VFY_TRY(lds_decode_spki(key_info.public_key.data, key_info.public_key.len, "DG15", detail, &key));
    vfy_status s;
    if (EVP_PKEY_is_a(key, "RSA"))
        s = verify_rsa(key, challenge, challenge_len, signature, signature_len, used, detail);
    else if (EVP_PKEY_is_a(key, "EC"))
        s = verify_ecdsa(key, dg14, dg14_len, challenge, challenge_len, signature, signature_len, used,
                         detail);
    else
        s = vfy_fail(detail, VFY_E_ALGORITHM, FIELD, "DG15's key is neither RSA nor EC");
    EVP_PKEY_free(key);
    return s;
}

vfy_status vfy_aa_verify(const uint8_t *dg15, size_t dg15_len, const uint8_t *dg14, size_t dg14_len,
                         const uint8_t *challenge, size_t challenge_len, const uint8_t *signature,
                         size_t signature_len, vfy_detail *detail)
{
    return auth_aa_verify(dg15, dg15_len, dg14, dg14_len, challenge, challenge_len, signature,
                          signature_len, NULL, detail);
}

vfy_status auth_active(vfy_channel *ch, const uint8_t *dg15, size_t dg15_len, const uint8_t *dg14,
                       size_t dg14_len, vfy_detail *detail)
{
    uint8_t challenge[8];
    VFY_TRY(vfy_random(&ch->rng, challenge, sizeof challenge, detail));
    /* Le 256 fits RSA-2048; larger keys need extended length (AU truncates otherwise). */
    vfy_lds_dg15 info;
    VFY_TRY(vfy_lds_parse_dg15(dg15, dg15_len, &info, detail));
    uint32_t le = info.key_type == VFY_KEY_RSA && info.bits > 2048 ? (info.bits + 7) / 8 : 256;
    vfy_apdu cmd = { .cla = 0x00, .ins = 0x88, .p1 = 0x00, .p2 = 0x00, .data = challenge,
                     .data_len = sizeof challenge, .le = le };
    uint8_t resp[1024];
    size_t n = 0;
    VFY_TRY(vfy_channel_transmit_ok(ch, &cmd, "INTERNAL AUTHENTICATE", resp, sizeof resp, &n, detail));
    return vfy_aa_verify(dg15, dg15_len, dg14, dg14_len, challenge, sizeof challenge, resp, n, detail);
}
