/* PACE integrated mapping (9303-11 §4.4.3.3.2): the pseudo-random number mapping R_p(s, t)
 * built from the block cipher in CBC mode with a zero IV, then for ECDH the point encoding
 * f_G of [BCIMRT2010] (9303-11 appendix B) for curves with p = 3 mod 4, for DH
 * f_g(x) = x^((p-1)/q) mod p. */
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <stdlib.h>
#include <string.h>

#include "core/fail.h"
#include "crypto/ka_internal.h"

static const uint8_t C0_128[16] = { 0xa6, 0x68, 0x89, 0x2a, 0x7c, 0x41, 0xe3, 0xca,
                                    0x73, 0x9f, 0x40, 0xb0, 0x57, 0xd8, 0x59, 0x04 };
static const uint8_t C1_128[16] = { 0xa4, 0xe1, 0x36, 0xac, 0x72, 0x5f, 0x73, 0x8b,
                                    0x01, 0xc1, 0xf6, 0x02, 0x17, 0xc1, 0x88, 0xad };
static const uint8_t C0_256[32] = { 0xd4, 0x63, 0xd6, 0x52, 0x34, 0x12, 0x4e, 0xf7,
                                    0x89, 0x70, 0x54, 0x98, 0x6d, 0xca, 0x0a, 0x17,
                                    0x4e, 0x28, 0xdf, 0x75, 0x8c, 0xba, 0xa0, 0x3f,
                                    0x24, 0x06, 0x16, 0x41, 0x4d, 0x5a, 0x16, 0x76 };
static const uint8_t C1_256[32] = { 0x54, 0xbd, 0x72, 0x55, 0xf0, 0xaa, 0xf8, 0x31,
                                    0xbe, 0xc3, 0x42, 0x3f, 0xcf, 0x39, 0xd6, 0x9b,
                                    0x6c, 0xbf, 0x06, 0x66, 0x77, 0xd0, 0xfa, 0xae,
                                    0x5a, 0xad, 0xd9, 0x9d, 0xf8, 0xe5, 0x35, 0x17 };

static vfy_status field_prime(const vfy_ka_group *g, BIGNUM *p, BIGNUM *a, BIGNUM *b,
                              BN_CTX *ctx, vfy_detail *detail)
{
    if (g->kind == VFY_KA_DH)
        return BN_copy(p, g->p) != NULL ? VFY_OK
                                         : vfy_fail(detail, VFY_E_NO_MEMORY, "mapping",
                                                    "no memory for the mapping");
    if (EC_GROUP_get_curve(g->ec, p, a, b, ctx) != 1)
        return vfy_fail(detail, VFY_E_CRYPTO, "mapping", "OpenSSL could not read the curve");
    return VFY_OK;
}

/* R_p(s,t) = int(x_1 || ... || x_n) mod p, with k_0 = E(t, s), k_{i+1} = E(k_i, c0) and
 * x_i = E(k_i, c1); every k truncated to the key size. */
static vfy_status prf(const BIGNUM *p, vfy_cipher c, const uint8_t *s, size_t s_len,
                      const uint8_t *t, size_t t_len, BIGNUM *out, BN_CTX *ctx,
                      vfy_detail *detail)
{
    size_t k = vfy_cipher_key_len(c);
    size_t l = k == 16 ? 16 : 32; /* bytes of s, c0, c1 and each x_i */
    const uint8_t *c0 = l == 16 ? C0_128 : C0_256, *c1 = l == 16 ? C1_128 : C1_256;
    if (k == 0 || t_len != k || s_len != l)
        return vfy_fail(detail, VFY_E_BAD_VALUE, "mapping",
                        "integrated mapping with %s needs a %zu-byte nonce s and a %zu-byte t; "
                        "got %zu and %zu", vfy_cipher_name(c), l, k, s_len, t_len);
    size_t n = ((size_t)BN_num_bits(p) + 64 + 8 * l - 1) / (8 * l);
    uint8_t *x = OPENSSL_secure_malloc(n * l);
    uint8_t key[32], next[32];
    if (x == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "mapping", "no memory for the mapping");
    vfy_status st = vfy_cbc_encrypt(c, t, NULL, s, l, next, detail);
    for (size_t i = 0; st == VFY_OK && i < n; i++) {
        memcpy(key, next, k);
        st = vfy_cbc_encrypt(c, key, NULL, c0, l, next, detail);
        if (st == VFY_OK)
            st = vfy_cbc_encrypt(c, key, NULL, c1, l, x + i * l, detail);
    }
    if (st == VFY_OK) {
        BIGNUM *xb = BN_bin2bn(x, (int)(n * l), NULL);
        if (xb == NULL || BN_nnmod(out, xb, p, ctx) != 1)
            st = vfy_fail(detail, VFY_E_CRYPTO, "mapping", "OpenSSL failed in the mapping");
        BN_clear_free(xb);
    }
    OPENSSL_secure_clear_free(x, n * l);
    vfy_wipe(key, sizeof key);
    vfy_wipe(next, sizeof next);
    return st;
}

vfy_status vfy_ka_im_prf(const vfy_ka_group *g, vfy_cipher c, const uint8_t *s, size_t s_len,
                         const uint8_t *t, size_t t_len, uint8_t *out, size_t cap,
                         size_t *out_len, vfy_detail *detail)
{
    BN_CTX *ctx = BN_CTX_new();
    BIGNUM *p = BN_new(), *a = BN_new(), *b = BN_new(), *r = BN_new();
    vfy_status st = (ctx && p && a && b && r) ? field_prime(g, p, a, b, ctx, detail)
                                              : vfy_fail(detail, VFY_E_NO_MEMORY, "mapping",
                                                         "no memory for the mapping");
    if (st == VFY_OK)
        st = prf(p, c, s, s_len, t, t_len, r, ctx, detail);
    if (st == VFY_OK) {
        if (cap < g->field_len || BN_bn2binpad(r, out, (int)g->field_len) < 0)
            st = vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "mapping", "buffer too small");
        else
            *out_len = g->field_len;
    }
    BN_clear_free(r);
    BN_free(a);
    BN_free(b);
    BN_free(p);
    BN_CTX_free(ctx);
    return st;
}

/* f_G(u): the simplified SWU encoding for p = 3 mod 4 (9303-11 appendix B). */
static vfy_status encode_point(const vfy_ka_group *g, const BIGNUM *p, const BIGNUM *a,
                               const BIGNUM *b, const BIGNUM *u, EC_POINT *out, BN_CTX *ctx,
                               vfy_detail *detail)
{
    if (BN_mod_word(p, 4) != 3)
        return vfy_fail(detail, VFY_E_UNSUPPORTED, "mapping",
                        "integrated mapping needs a curve with p = 3 mod 4; %s is not", g->name);
    BN_CTX_start(ctx);
    BIGNUM *alpha = BN_CTX_get(ctx), *t1 = BN_CTX_get(ctx), *t2 = BN_CTX_get(ctx);
    BIGNUM *x2 = BN_CTX_get(ctx), *x3 = BN_CTX_get(ctx), *h2 = BN_CTX_get(ctx);
    BIGNUM *h3 = BN_CTX_get(ctx), *U = BN_CTX_get(ctx), *A = BN_CTX_get(ctx);
    BIGNUM *e = BN_CTX_get(ctx), *y = BN_CTX_get(ctx);
    bool ok = y != NULL &&
        /* alpha = -u^2 */
        BN_mod_sqr(t1, u, p, ctx) && BN_mod_sub(alpha, p, t1, p, ctx) &&
        /* X2 = -b * a^-1 * (1 + (alpha + alpha^2)^-1) */
        BN_mod_sqr(t1, alpha, p, ctx) && BN_mod_add(t1, t1, alpha, p, ctx) &&
        BN_mod_inverse(t1, t1, p, ctx) != NULL && BN_add_word(t1, 1) &&
        BN_mod_inverse(t2, a, p, ctx) != NULL && BN_mod_mul(t1, t1, t2, p, ctx) &&
        BN_mod_mul(t1, t1, b, p, ctx) && BN_mod_sub(x2, p, t1, p, ctx) &&
        /* X3 = alpha * X2 */
        BN_mod_mul(x3, alpha, x2, p, ctx) &&
        /* h2 = X2^3 + a X2 + b, h3 likewise */
        BN_mod_sqr(t1, x2, p, ctx) && BN_mod_add(t1, t1, a, p, ctx) &&
        BN_mod_mul(t1, t1, x2, p, ctx) && BN_mod_add(h2, t1, b, p, ctx) &&
        BN_mod_sqr(t1, x3, p, ctx) && BN_mod_add(t1, t1, a, p, ctx) &&
        BN_mod_mul(t1, t1, x3, p, ctx) && BN_mod_add(h3, t1, b, p, ctx) &&
        /* U = u^3 * h2 */
        BN_mod_sqr(t1, u, p, ctx) && BN_mod_mul(t1, t1, u, p, ctx) &&
        BN_mod_mul(U, t1, h2, p, ctx) &&
        /* A = h2^(p - 1 - (p+1)/4) */
        BN_copy(e, p) && BN_add_word(e, 1) && BN_rshift(e, e, 2) && BN_sub(e, p, e) &&
        BN_sub_word(e, 1) && BN_mod_exp(A, h2, e, p, ctx) &&
        /* A^2 * h2 == 1 ? (X2, A h2) : (X3, A U) */
        BN_mod_sqr(t1, A, p, ctx) && BN_mod_mul(t1, t1, h2, p, ctx);
    vfy_status st = VFY_OK;
    if (ok) {
        const BIGNUM *x = x2;
        if (BN_is_one(t1)) {
            ok = BN_mod_mul(y, A, h2, p, ctx) == 1;
        } else {
            x = x3;
            ok = BN_mod_mul(y, A, U, p, ctx) == 1;
        }
        ok = ok && EC_POINT_set_affine_coordinates(g->ec, out, x, y, ctx) == 1 &&
             !EC_POINT_is_at_infinity(g->ec, out);
    }
    (void)h3;
    if (!ok)
        st = vfy_fail(detail, VFY_E_CRYPTO, "mapping",
                      "the integrated mapping did not give a point on %s", g->name);
    BN_CTX_end(ctx);
    return st;
}

/* f_g(u) = u^((p-1)/q) mod p, which must not be 1. */
static vfy_status map_dh(const vfy_ka_group *g, const BIGNUM *u, vfy_ka_group **mapped,
                         BN_CTX *ctx, vfy_detail *detail)
{
    BIGNUM *a = BN_new(), *gen = BN_new(), *pm1 = BN_dup(g->p);
    bool ok = a != NULL && gen != NULL && pm1 != NULL && BN_sub_word(pm1, 1) == 1 &&
              BN_div(a, NULL, pm1, g->q, ctx) == 1 && BN_mod_exp(gen, u, a, g->p, ctx) == 1;
    vfy_status st;
    if (!ok)
        st = vfy_fail(detail, VFY_E_CRYPTO, "mapping", "OpenSSL failed in the DH mapping");
    else if (BN_is_one(gen) || BN_is_zero(gen))
        st = vfy_fail(detail, VFY_E_BAD_VALUE, "mapping", "the mapped generator is trivial");
    else
        st = vfy_ka_with_generator_bn(g, gen, mapped, detail);
    BN_free(a);
    BN_clear_free(gen);
    BN_free(pm1);
    return st;
}

vfy_status vfy_ka_map_integrated(const vfy_ka_group *g, vfy_cipher c, const uint8_t *s,
                                 size_t s_len, const uint8_t *t, size_t t_len,
                                 vfy_ka_group **mapped, vfy_detail *detail)
{
    *mapped = NULL;
    BN_CTX *ctx = BN_CTX_secure_new();
    BIGNUM *p = BN_new(), *a = BN_new(), *b = BN_new(), *u = BN_secure_new();
    EC_POINT *G = NULL;
    vfy_status st = (ctx && p && a && b && u) ? field_prime(g, p, a, b, ctx, detail)
                                              : vfy_fail(detail, VFY_E_NO_MEMORY, "mapping",
                                                         "no memory for the mapping");
    if (st == VFY_OK)
        st = prf(p, c, s, s_len, t, t_len, u, ctx, detail);
    if (st == VFY_OK && g->kind == VFY_KA_DH) {
        st = map_dh(g, u, mapped, ctx, detail);
        goto out;
    }
    if (st == VFY_OK) {
        G = EC_POINT_new(g->ec);
        st = G != NULL ? encode_point(g, p, a, b, u, G, ctx, detail)
                       : vfy_fail(detail, VFY_E_NO_MEMORY, "mapping", "no memory for a point");
    }
    if (st == VFY_OK)
        st = vfy_ka_with_generator_point(g, G, mapped, detail);
out:
    EC_POINT_clear_free(G);
    BN_clear_free(u);
    BN_free(a);
    BN_free(b);
    BN_free(p);
    BN_CTX_free(ctx);
    return st;
}
