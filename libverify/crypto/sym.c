/* Secrets, randomness, block ciphers, MACs, padding, digests and the 9303 KDF:
 * wrappers over OpenSSL 3 EVP and libsodium. */
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <sodium.h>
#include <string.h>

#include "core/fail.h"
#include "crypto/crypto.h"

/* ---- secrets --------------------------------------------------------------------------- */

vfy_status vfy_secret_alloc(vfy_secret *s, size_t len, vfy_detail *detail)
{
    vfy_secret_free(s);
    if (sodium_init() < 0)
        return vfy_fail(detail, VFY_E_CRYPTO, "secret", "libsodium could not be initialised");
    if (len == 0)
        return VFY_OK;
    s->bytes = sodium_malloc(len);
    if (s->bytes == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "secret",
                        "guarded memory for a %zu-byte secret could not be allocated", len);
    sodium_memzero(s->bytes, len);
    s->len = len;
    return VFY_OK;
}

vfy_status vfy_secret_set(vfy_secret *s, const uint8_t *src, size_t len, vfy_detail *detail)
{
    VFY_TRY(vfy_secret_alloc(s, len, detail));
    if (len > 0)
        memcpy(s->bytes, src, len);
    return VFY_OK;
}

void vfy_secret_free(vfy_secret *s)
{
    if (s == NULL)
        return;
    if (s->bytes != NULL)
        sodium_free(s->bytes); /* wipes before releasing */
    s->bytes = NULL;
    s->len = 0;
}

void vfy_wipe(void *p, size_t n)
{
    if (p != NULL && n > 0)
        sodium_memzero(p, n);
}

void vfy_wipe_free(void *p, size_t n)
{
    vfy_wipe(p, n);
    free(p);
}

void *vfy_wipe_realloc(void *p, size_t old_len, size_t new_len)
{
    uint8_t *q = malloc(new_len > 0 ? new_len : 1);
    if (q == NULL)
        return NULL;
    if (p != NULL)
        memcpy(q, p, old_len < new_len ? old_len : new_len);
    vfy_wipe_free(p, old_len);
    return q;
}

bool vfy_equal_ct(const uint8_t *a, const uint8_t *b, size_t n)
{
    return n == 0 || sodium_memcmp(a, b, n) == 0;
}

/* ---- randomness ------------------------------------------------------------------------ */

vfy_status vfy_random(const vfy_rng *rng, uint8_t *out, size_t len, vfy_detail *detail)
{
    if (len == 0)
        return VFY_OK;
    if (rng != NULL && rng->fn != NULL)
        return rng->fn(rng->ctx, out, len);
    if (len > INT32_MAX || RAND_bytes(out, (int)len) != 1)
        return vfy_fail(detail, VFY_E_CRYPTO, "random",
                        "OpenSSL could not produce %zu random bytes", len);
    return VFY_OK;
}

/* ---- ciphers --------------------------------------------------------------------------- */

size_t vfy_cipher_key_len(vfy_cipher c)
{
    switch (c) {
    case VFY_CIPHER_3DES: return 16;
    case VFY_CIPHER_AES128: return 16;
    case VFY_CIPHER_AES192: return 24;
    case VFY_CIPHER_AES256: return 32;
    default: return 0;
    }
}

size_t vfy_cipher_block_len(vfy_cipher c)
{
    switch (c) {
    case VFY_CIPHER_3DES: return 8;
    case VFY_CIPHER_AES128:
    case VFY_CIPHER_AES192:
    case VFY_CIPHER_AES256: return 16;
    default: return 0;
    }
}

const char *vfy_cipher_name(vfy_cipher c)
{
    switch (c) {
    case VFY_CIPHER_3DES: return "3DES";
    case VFY_CIPHER_AES128: return "AES-128";
    case VFY_CIPHER_AES192: return "AES-192";
    case VFY_CIPHER_AES256: return "AES-256";
    default: return "none";
    }
}

void vfy_des_set_parity(uint8_t *key, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t b = key[i] & 0xFE;
        unsigned ones = (unsigned)__builtin_popcount(b);
        key[i] = (uint8_t)(b | ((ones & 1u) == 0 ? 1u : 0u));
    }
}

static const EVP_CIPHER *evp_cipher(vfy_cipher c, bool cbc)
{
    switch (c) {
    case VFY_CIPHER_3DES: return cbc ? EVP_des_ede_cbc() : EVP_des_ede_ecb();
    case VFY_CIPHER_AES128: return cbc ? EVP_aes_128_cbc() : EVP_aes_128_ecb();
    case VFY_CIPHER_AES192: return cbc ? EVP_aes_192_cbc() : EVP_aes_192_ecb();
    case VFY_CIPHER_AES256: return cbc ? EVP_aes_256_cbc() : EVP_aes_256_ecb();
    default: return NULL;
    }
}

static vfy_status run_cipher(const EVP_CIPHER *evp, size_t block, const uint8_t *key,
                             const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out,
                             int enc, vfy_detail *detail)
{
    if (evp == NULL || block == 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "cipher", "no cipher selected");
    if (len % block != 0 || len > INT32_MAX)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "cipher",
                        "input of %zu bytes is not a whole number of %zu-byte blocks", len,
                        block);
    if (len == 0)
        return VFY_OK;
    uint8_t zero_iv[VFY_CIPHER_MAX_BLOCK] = { 0 };
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n1 = 0, n2 = 0;
    bool ok = ctx != NULL &&
              EVP_CipherInit_ex(ctx, evp, NULL, key, iv != NULL ? iv : zero_iv, enc) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
              EVP_CipherUpdate(ctx, out, &n1, in, (int)len) == 1 &&
              EVP_CipherFinal_ex(ctx, out + n1, &n2) == 1 && (size_t)(n1 + n2) == len;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok)
        return vfy_fail(detail, VFY_E_CRYPTO, "cipher", "OpenSSL %s failed",
                        enc ? "encryption" : "decryption");
    return VFY_OK;
}

vfy_status vfy_cbc_encrypt(vfy_cipher c, const uint8_t *key, const uint8_t *iv,
                           const uint8_t *in, size_t len, uint8_t *out, vfy_detail *detail)
{
    return run_cipher(evp_cipher(c, true), vfy_cipher_block_len(c), key, iv, in, len, out, 1,
                      detail);
}

vfy_status vfy_cbc_decrypt(vfy_cipher c, const uint8_t *key, const uint8_t *iv,
                           const uint8_t *in, size_t len, uint8_t *out, vfy_detail *detail)
{
    return run_cipher(evp_cipher(c, true), vfy_cipher_block_len(c), key, iv, in, len, out, 0,
                      detail);
}

vfy_status vfy_ecb_encrypt(vfy_cipher c, const uint8_t *key, const uint8_t *in, size_t len,
                           uint8_t *out, vfy_detail *detail)
{
    return run_cipher(evp_cipher(c, false), vfy_cipher_block_len(c), key, NULL, in, len, out,
                      1, detail);
}

/* ---- MACs ------------------------------------------------------------------------------ */

vfy_status vfy_retail_mac(const uint8_t key[16], const uint8_t *data, size_t len,
                          uint8_t mac[8], vfy_detail *detail)
{
    if (len == 0 || len % 8 != 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "mac",
                        "retail MAC input of %zu bytes is not padded to 8-byte blocks", len);
    /* Single DES with K1 is 3DES with K1 || K1 (the default provider has no plain DES);
     * the last block goes through full 3DES, which is exactly D(K2) then E(K1). */
    uint8_t k1k1[16], chain[8] = { 0 };
    memcpy(k1k1, key, 8);
    memcpy(k1k1 + 8, key, 8);
    vfy_status s = VFY_OK;
    size_t head = len - 8;
    uint8_t *tmp = NULL;
    if (head > 0) {
        tmp = OPENSSL_malloc(head);
        if (tmp == NULL) {
            s = vfy_fail(detail, VFY_E_NO_MEMORY, "mac", "no memory for the MAC");
            goto out;
        }
        s = run_cipher(EVP_des_ede_cbc(), 8, k1k1, NULL, data, head, tmp, 1, detail);
        if (s != VFY_OK)
            goto out;
        memcpy(chain, tmp + head - 8, 8);
    }
    s = run_cipher(EVP_des_ede_cbc(), 8, key, chain, data + head, 8, mac, 1, detail);
out:
    if (tmp != NULL)
        OPENSSL_clear_free(tmp, head);
    vfy_wipe(k1k1, sizeof k1k1);
    return s;
}

vfy_status vfy_aes_cmac(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len,
                        uint8_t mac[16], vfy_detail *detail)
{
    const char *name = key_len == 16 ? "AES-128-CBC"
                       : key_len == 24 ? "AES-192-CBC"
                       : key_len == 32 ? "AES-256-CBC" : NULL;
    if (name == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "mac", "AES key of %zu bytes", key_len);
    EVP_MAC *m = EVP_MAC_fetch(NULL, "CMAC", NULL);
    EVP_MAC_CTX *ctx = m != NULL ? EVP_MAC_CTX_new(m) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string("cipher", (char *)name, 0),
        OSSL_PARAM_construct_end(),
    };
    size_t out_len = 0;
    bool ok = ctx != NULL && EVP_MAC_init(ctx, key, key_len, params) == 1 &&
              EVP_MAC_update(ctx, data, len) == 1 && EVP_MAC_final(ctx, mac, &out_len, 16) == 1 &&
              out_len == 16;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(m);
    if (!ok)
        return vfy_fail(detail, VFY_E_CRYPTO, "mac", "OpenSSL AES-CMAC failed");
    return VFY_OK;
}

vfy_status vfy_mac8(vfy_cipher c, const uint8_t *key, const uint8_t *data, size_t len,
                    uint8_t mac[VFY_MAC_LEN], vfy_detail *detail)
{
    if (c == VFY_CIPHER_3DES)
        return vfy_retail_mac(key, data, len, mac, detail);
    size_t kl = vfy_cipher_key_len(c);
    if (kl == 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "mac", "no cipher selected");
    uint8_t full[16];
    VFY_TRY(vfy_aes_cmac(key, kl, data, len, full, detail));
    memcpy(mac, full, VFY_MAC_LEN);
    vfy_wipe(full, sizeof full);
    return VFY_OK;
}

/* ---- padding --------------------------------------------------------------------------- */

vfy_status vfy_pad(uint8_t *buf, size_t len, size_t cap, size_t block, size_t *padded_len,
                   vfy_detail *detail)
{
    size_t out = 0;
    if (block == 0 || sodium_pad(&out, buf, len, block, cap) != 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "padding",
                        "no room to pad %zu bytes to %zu-byte blocks in %zu", len, block, cap);
    *padded_len = out;
    return VFY_OK;
}

vfy_status vfy_unpad(const uint8_t *buf, size_t len, size_t block, size_t *unpadded_len,
                     vfy_detail *detail)
{
    size_t out = 0;
    if (block == 0 || len == 0 || len % block != 0 ||
        sodium_unpad(&out, buf, len, block) != 0)
        return vfy_fail(detail, VFY_E_BAD_VALUE, "padding",
                        "the decrypted data does not end in ISO/IEC 7816-4 padding");
    *unpadded_len = out;
    return VFY_OK;
}

/* ---- digests and KDF ----------------------------------------------------------------------- */

static vfy_status digest(const EVP_MD *md, const uint8_t *data, size_t len, uint8_t *out,
                         vfy_detail *detail)
{
    unsigned n = 0;
    if (EVP_Digest(data, len, out, &n, md, NULL) != 1)
        return vfy_fail(detail, VFY_E_CRYPTO, "digest", "OpenSSL digest failed");
    return VFY_OK;
}

vfy_status vfy_sha1(const uint8_t *data, size_t len, uint8_t out[20], vfy_detail *detail)
{
    return digest(EVP_sha1(), data, len, out, detail);
}

vfy_status vfy_sha256(const uint8_t *data, size_t len, uint8_t out[32], vfy_detail *detail)
{
    return digest(EVP_sha256(), data, len, out, detail);
}

vfy_status vfy_kdf(vfy_cipher c, const uint8_t *secret, size_t secret_len, uint32_t counter,
                   uint8_t *key, vfy_detail *detail)
{
    size_t kl = vfy_cipher_key_len(c);
    if (kl == 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "kdf", "no cipher selected");
    const EVP_MD *md = (c == VFY_CIPHER_AES192 || c == VFY_CIPHER_AES256) ? EVP_sha256()
                                                                          : EVP_sha1();
    uint8_t ctr[4] = { (uint8_t)(counter >> 24), (uint8_t)(counter >> 16),
                       (uint8_t)(counter >> 8), (uint8_t)counter };
    uint8_t out[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx != NULL && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
              EVP_DigestUpdate(ctx, secret, secret_len) == 1 &&
              EVP_DigestUpdate(ctx, ctr, 4) == 1 && EVP_DigestFinal_ex(ctx, out, &n) == 1 &&
              n >= kl;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        vfy_wipe(out, sizeof out);
        return vfy_fail(detail, VFY_E_CRYPTO, "kdf", "OpenSSL digest failed in the KDF");
    }
    memcpy(key, out, kl);
    vfy_wipe(out, sizeof out);
    if (c == VFY_CIPHER_3DES)
        vfy_des_set_parity(key, kl);
    return VFY_OK;
}
