/* Active Authentication (9303-11 §6.1): the challenge, and the check of the answer. */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "auth/auth.h"
#include "core/fail.h"
#include "crypto/crypto.h"
#include "lds/der.h"
#include "lds/pubkey.h"
#include "pa/pa.h"

#define FIELD "active_auth"

/* ISO/IEC 9796-2 trailers: 0xBC is SHA-1 implicitly; XX CC names the hash by XX. */
static const digest_alg *trailer_digest(const uint8_t *block, size_t n, size_t *trailer_len)
{
    if (block[n - 1] == 0xBC) {
        *trailer_len = 1;
        return digest_from_name("SHA-1");
    }
    if (block[n - 1] != 0xCC)
        return NULL;
    *trailer_len = 2;
    switch (block[n - 2]) {
    case 0x33: return digest_from_name("SHA-1");
    case 0x34: return digest_from_name("SHA-256");
    case 0x35: return digest_from_name("SHA-512");
    case 0x36: return digest_from_name("SHA-384");
    case 0x38: return digest_from_name("SHA-224");
    default: return NULL;
    }
}

/* RSA: the public operation by OpenSSL, the recovered block read through the cursor. */
static vfy_status verify_rsa(EVP_PKEY *key, const uint8_t *challenge, size_t challenge_len,
                             const uint8_t *sig, size_t sig_len, vfy_detail *detail)
{
    size_t k = (size_t)EVP_PKEY_get_size(key);
    if (sig_len != k)
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD,
                        "the RSA signature has %zu bytes, the key %zu", sig_len, k);
    uint8_t block[1024];
    size_t n = sizeof block;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
    int ok = ctx != NULL && EVP_PKEY_verify_recover_init(ctx) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) == 1 &&
             EVP_PKEY_verify_recover(ctx, block, &n, sig, sig_len) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok || n < 4)
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD, "the RSA signature cannot be opened with DG15's key");
    size_t trailer_len = 0;
    const digest_alg *alg = trailer_digest(block, n, &trailer_len);
    if (alg == NULL)
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD,
                        "the recovered message has no ISO/IEC 9796-2 trailer naming a known hash");
    vfy_cursor c;
    vfy_cur_init(&c, block, n - trailer_len, FIELD, detail);
    uint8_t header;
    VFY_TRY(vfy_cur_u8(&c, &header));
    /* 0x6A: scheme 1 with partial recovery (the only form a 9303 chip uses). */
    if (header != 0x6A)
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD,
                        "the recovered message starts with 0x%02X, not 0x6A (ISO/IEC 9796-2 scheme 1)",
                        header);
    if (vfy_cur_remaining(&c) < alg->size + 1)
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD, "the recovered message is too short");
    const uint8_t *m1, *digest;
    size_t m1_len = vfy_cur_remaining(&c) - alg->size;
    VFY_TRY(vfy_cur_bytes(&c, m1_len, &m1));
    VFY_TRY(vfy_cur_bytes(&c, alg->size, &digest));
    uint8_t input[1024 + 16];
    if (m1_len + challenge_len > sizeof input)
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD, "the recovered message is too long");
    memcpy(input, m1, m1_len);
    memcpy(input + m1_len, challenge, challenge_len);
    uint8_t want[64];
    VFY_TRY(pa_digest(alg, input, m1_len + challenge_len, want, detail));
    if (!vfy_equal_ct(want, digest, alg->size))
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD,
                        "the chip's RSA signature is not over this challenge");
    return VFY_OK;
}

/* The hash of ECDSA AA: from ActiveAuthenticationInfo, else from the key size. */
static const char *ecdsa_hash(const uint8_t *dg14, size_t dg14_len, unsigned bits)
{
    static const struct {
        const char *oid, *md;
    } sigs[] = {
        { "1.2.840.10045.4.1", "SHA1" },   { "1.2.840.10045.4.3.1", "SHA224" },
        { "1.2.840.10045.4.3.2", "SHA256" }, { "1.2.840.10045.4.3.3", "SHA384" },
        { "1.2.840.10045.4.3.4", "SHA512" },
    };
    vfy_security_infos infos;
    if (dg14 != NULL && vfy_lds_parse_dg14(dg14, dg14_len, &infos, NULL) == VFY_OK) {
        const vfy_security_info *aa = vfy_security_infos_find(&infos, VFY_SI_ACTIVE_AUTH, NULL);
        if (aa != NULL) {
            for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
                if (strcmp(aa->signature_oid, sigs[i].oid) == 0)
                    return sigs[i].md;
            return NULL;
        }
    }
    return bits <= 256 ? "SHA256" : bits <= 384 ? "SHA384" : "SHA512";
}

static vfy_status verify_ecdsa(EVP_PKEY *key, const char *md, const uint8_t *challenge,
                               size_t challenge_len, const uint8_t *sig, size_t sig_len,
                               vfy_detail *detail)
{
    uint8_t der[160];
    size_t der_len = 0;
    size_t field = ((size_t)EVP_PKEY_get_bits(key) + 7) / 8;
    if (sig_len == 2 * field) {
        /* Plain r||s (BSI TR-03111): re-encode for OpenSSL. */
        ECDSA_SIG *es = ECDSA_SIG_new();
        BIGNUM *r = BN_bin2bn(sig, (int)field, NULL), *s = BN_bin2bn(sig + field, (int)field, NULL);
        unsigned char *p = der;
        if (es == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(es, r, s) != 1) {
            BN_free(r);
            BN_free(s);
            ECDSA_SIG_free(es);
            return vfy_fail(detail, VFY_E_CRYPTO, FIELD, "cannot encode the ECDSA signature");
        }
        int n = i2d_ECDSA_SIG(es, NULL);
        if (n > 0 && (size_t)n <= sizeof der)
            der_len = (size_t)i2d_ECDSA_SIG(es, &p);
        ECDSA_SIG_free(es);
    } else if (sig_len <= sizeof der && sig_len > 2 && sig[0] == 0x30) {
        /* DER, as some chips answer (PT); OpenSSL reads it strictly below. */
        memcpy(der, sig, sig_len);
        der_len = sig_len;
    }
    if (der_len == 0)
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD,
                        "the ECDSA signature of %zu bytes is neither r||s nor DER", sig_len);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL && EVP_DigestVerifyInit_ex(ctx, NULL, md, NULL, NULL, key, NULL) == 1 &&
             EVP_DigestVerify(ctx, der, der_len, challenge, challenge_len) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return vfy_fail(detail, VFY_E_AA_FAILED, FIELD,
                        "the chip's ECDSA signature is not over this challenge");
    return VFY_OK;
}

vfy_status vfy_aa_verify(const uint8_t *dg15, size_t dg15_len, const uint8_t *dg14, size_t dg14_len,
                         const uint8_t *challenge, size_t challenge_len, const uint8_t *signature,
                         size_t signature_len, vfy_detail *detail)
{
    if (dg15 == NULL || challenge == NULL || signature == NULL || challenge_len != 8)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "DG15, an 8-byte challenge and a signature are needed");
    vfy_lds_dg15 key_info;
    VFY_TRY(vfy_lds_parse_dg15(dg15, dg15_len, &key_info, detail));
    EVP_PKEY *key = NULL;
    VFY_TRY(lds_decode_spki(key_info.public_key.data, key_info.public_key.len, "DG15", detail, &key));
    vfy_status s;
    if (key_info.key_type == VFY_KEY_RSA) {
        s = verify_rsa(key, challenge, challenge_len, signature, signature_len, detail);
    } else {
        const char *md = ecdsa_hash(dg14, dg14_len, key_info.bits);
        s = md == NULL ? vfy_fail(detail, VFY_E_ALGORITHM, FIELD,
                                  "DG14's ActiveAuthenticationInfo names an unknown signature algorithm")
                       : verify_ecdsa(key, md, challenge, challenge_len, signature, signature_len, detail);
    }
    EVP_PKEY_free(key);
    return s;
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
