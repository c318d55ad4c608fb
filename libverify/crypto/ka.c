/* Key agreement groups for PACE and chip authentication: the 9303-11 standardized domain
 * parameters, key pairs, shared secrets and the generic mapping. OpenSSL 3 EC_POINT/BN do
 * all arithmetic; private scalars live in guarded memory and in BN_secure numbers. */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h> /* ERR_clear_error before the calls core/ossl_oom.h reads */
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fail.h"
#include "core/ossl_oom.h"
#include "crypto/ka_internal.h"

void vfy_ka_group_free(vfy_ka_group *g)
{
    if (g == NULL)
        return;
    EC_GROUP_free(g->ec);
    BN_free(g->p);
    BN_free(g->g);
    BN_free(g->q);
    free(g);
}

vfy_ka_kind vfy_ka_group_kind(const vfy_ka_group *g) { return g->kind; }
const char *vfy_ka_group_name(const vfy_ka_group *g) { return g->name; }

size_t vfy_ka_public_len(const vfy_ka_group *g)
{
    return g->kind == VFY_KA_ECDH ? 1 + 2 * g->field_len : g->field_len;
}

size_t vfy_ka_secret_len(const vfy_ka_group *g) { return g->field_len; }
size_t vfy_ka_private_len(const vfy_ka_group *g) { return g->order_len; }

const BIGNUM *vfy_ka_order(const vfy_ka_group *g)
{
    return g->kind == VFY_KA_ECDH ? EC_GROUP_get0_order(g->ec) : g->q;
}

static vfy_status ossl_fail(vfy_detail *detail, const char *what)
{
    return vfy_fail(detail, VFY_E_CRYPTO, "key agreement", "OpenSSL failed to %s", what);
}

static vfy_status ossl_oom(vfy_detail *detail, const char *what)
{
    return vfy_fail(detail, VFY_E_NO_MEMORY, "key agreement", "out of memory to %s", what);
}

vfy_status vfy_ka_group_ec(int nid, vfy_ka_group **out, vfy_detail *detail)
{
    *out = NULL;
    vfy_ka_group *g = calloc(1, sizeof *g);
    if (g == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "key agreement", "no memory for a group");
    g->kind = VFY_KA_ECDH;
    ERR_clear_error();
    g->ec = EC_GROUP_new_by_curve_name(nid);
    if (g->ec == NULL) {
        free(g);
        if (vfy_ossl_out_of_memory())
            return ossl_oom(detail, "make a curve");
        return vfy_fail(detail, VFY_E_UNSUPPORTED, "key agreement",
                        "the curve with OpenSSL NID %d is not available", nid);
    }
    g->field_len = ((size_t)EC_GROUP_get_degree(g->ec) + 7) / 8;
    g->order_len = ((size_t)BN_num_bits(EC_GROUP_get0_order(g->ec)) + 7) / 8;
    snprintf(g->name, sizeof g->name, "%s", OBJ_nid2sn(nid));
    *out = g;
    return VFY_OK;
}

static vfy_status group_dh(const char *openssl_name, const char *name, vfy_ka_group **out,
                           vfy_detail *detail)
{
    *out = NULL;
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    EVP_PKEY *params = NULL;
    OSSL_PARAM p[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)openssl_name, 0),
        OSSL_PARAM_construct_end(),
    };
    vfy_ka_group *g = calloc(1, sizeof *g);
    ERR_clear_error();
    bool ok = g != NULL && pctx != NULL && EVP_PKEY_paramgen_init(pctx) == 1 &&
              EVP_PKEY_CTX_set_params(pctx, p) == 1 && EVP_PKEY_paramgen(pctx, &params) == 1;
    if (ok) {
        g->kind = VFY_KA_DH;
        ok = EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_P, &g->p) == 1 &&
             EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_G, &g->g) == 1 &&
             EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_Q, &g->q) == 1;
    }
    EVP_PKEY_free(params);
    EVP_PKEY_CTX_free(pctx);
    if (!ok) {
        vfy_ka_group_free(g);
        if (g == NULL || vfy_ossl_out_of_memory())
            return ossl_oom(detail, "make a DH group");
        return vfy_fail(detail, VFY_E_UNSUPPORTED, "key agreement",
                        "OpenSSL does not provide the DH group %s", openssl_name);
    }
    g->field_len = ((size_t)BN_num_bits(g->p) + 7) / 8;
    g->order_len = ((size_t)BN_num_bits(g->q) + 7) / 8;
    snprintf(g->name, sizeof g->name, "%s", name);
    *out = g;
    return VFY_OK;
}

vfy_status vfy_ka_group_standard(unsigned id, vfy_ka_group **out, vfy_detail *detail)
{
    *out = NULL;
    switch (id) {
    case 0: return group_dh("dh_1024_160", "modp1024_160", out, detail);
    case 1: return group_dh("dh_2048_224", "modp2048_224", out, detail);
    case 2: return group_dh("dh_2048_256", "modp2048_256", out, detail);
    case 8: return vfy_ka_group_ec(NID_X9_62_prime192v1, out, detail);
    case 9: return vfy_ka_group_ec(NID_brainpoolP192r1, out, detail);
    case 10: return vfy_ka_group_ec(NID_secp224r1, out, detail);
    case 11: return vfy_ka_group_ec(NID_brainpoolP224r1, out, detail);
    case 12: return vfy_ka_group_ec(NID_X9_62_prime256v1, out, detail);
    case 13: return vfy_ka_group_ec(NID_brainpoolP256r1, out, detail);
    case 14: return vfy_ka_group_ec(NID_brainpoolP320r1, out, detail);
    case 15: return vfy_ka_group_ec(NID_secp384r1, out, detail);
    case 16: return vfy_ka_group_ec(NID_brainpoolP384r1, out, detail);
    case 17: return vfy_ka_group_ec(NID_brainpoolP512r1, out, detail);
    case 18: return vfy_ka_group_ec(NID_secp521r1, out, detail);
    default:
        return vfy_fail(detail, VFY_E_UNSUPPORTED, "parameterId",
                        "standardized domain parameter id %u is not one of 9303-11 table 6", id);
    }
}

/* A copy of g with a new generator (EC point or DH element); order and cofactor unchanged. */
static vfy_status group_with_generator(const vfy_ka_group *g, const EC_POINT *ec_gen,
                                       const BIGNUM *dh_gen, vfy_ka_group **out,
                                       vfy_detail *detail)
{
    *out = NULL;
    vfy_ka_group *m = calloc(1, sizeof *m);
    if (m == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "key agreement", "no memory for a group");
    *m = *g;
    m->ec = NULL;
    m->p = m->g = m->q = NULL;
    bool ok;
    if (g->kind == VFY_KA_ECDH) {
        m->ec = EC_GROUP_dup(g->ec);
        ok = m->ec != NULL &&
             EC_GROUP_set_generator(m->ec, ec_gen, EC_GROUP_get0_order(g->ec),
                                    EC_GROUP_get0_cofactor(g->ec)) == 1;
    } else {
        m->p = BN_dup(g->p);
        m->q = BN_dup(g->q);
        m->g = BN_dup(dh_gen);
        ok = m->p != NULL && m->q != NULL && m->g != NULL;
    }
    if (!ok) {
        vfy_ka_group_free(m);
        return ossl_fail(detail, "build the mapped group");
    }
    *out = m;
    return VFY_OK;
}

/* ---- encodings ----------------------------------------------------------------------------- */

vfy_status vfy_ka_point_decode(const vfy_ka_group *g, const uint8_t *in, size_t len,
                               EC_POINT **out, BN_CTX *ctx, vfy_detail *detail)
{
    *out = NULL;
    if (len != 1 + 2 * g->field_len || in[0] != 0x04)
        return vfy_fail(detail, VFY_E_BAD_VALUE, "public key",
                        "an EC point on %s must be 04 || X || Y, %zu bytes; got %zu bytes", g->name,
                        1 + 2 * g->field_len, len);
    EC_POINT *p = EC_POINT_new(g->ec);
    if (p == NULL)
        return ossl_fail(detail, "allocate a point");
    ERR_clear_error();
    if (EC_POINT_oct2point(g->ec, p, in, len, ctx) != 1 || EC_POINT_is_at_infinity(g->ec, p) ||
        EC_POINT_is_on_curve(g->ec, p, ctx) != 1) {
        EC_POINT_free(p);
        if (vfy_ossl_out_of_memory())
            return ossl_oom(detail, "decode a point");
        return vfy_fail(detail, VFY_E_BAD_VALUE, "public key",
                        "the received point is not on %s", g->name);
    }
    *out = p;
    return VFY_OK;
}

vfy_status vfy_ka_point_encode(const vfy_ka_group *g, const EC_POINT *p, uint8_t *out,
                               size_t cap, size_t *out_len, BN_CTX *ctx, vfy_detail *detail)
{
    size_t need = 1 + 2 * g->field_len;
    if (cap < need)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "public key", "buffer too small");
    /* Uncompressed encoding is always at full field length (leading zero bytes kept). */
    size_t n = EC_POINT_point2oct(g->ec, p, POINT_CONVERSION_UNCOMPRESSED, out, cap, ctx);
    if (n != need)
        return ossl_fail(detail, "encode a point");
    *out_len = n;
    return VFY_OK;
}

static vfy_status bn_encode(const BIGNUM *v, size_t width, uint8_t *out, size_t cap,
                            size_t *out_len, vfy_detail *detail)
{
    if (cap < width || BN_bn2binpad(v, out, (int)width) != (int)width)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "key agreement",
                        "a %zu-byte value does not fit", width);
    *out_len = width;
    return VFY_OK;
}

/* A DH element must be exactly |p| bytes, 1 < y < p-1, and in the order-q subgroup. */
static vfy_status dh_decode(const vfy_ka_group *g, const uint8_t *in, size_t len, BIGNUM **out,
                            BN_CTX *ctx, vfy_detail *detail)
{
    *out = NULL;
    if (len != g->field_len)
        return vfy_fail(detail, VFY_E_BAD_VALUE, "public key",
                        "a DH value in %s must be %zu bytes; got %zu", g->name, g->field_len,
                        len);
    ERR_clear_error();
    BIGNUM *y = BN_bin2bn(in, (int)len, NULL);
    BIGNUM *pm1 = BN_dup(g->p);
    BIGNUM *t = BN_new();
    bool ok = y != NULL && pm1 != NULL && t != NULL && BN_sub_word(pm1, 1) == 1;
    bool valid = ok && BN_cmp(y, BN_value_one()) > 0 && BN_cmp(y, pm1) < 0 &&
                 BN_mod_exp(t, y, g->q, g->p, ctx) == 1 && BN_is_one(t);
    BN_free(pm1);
    BN_free(t);
    if (!ok) {
        BN_free(y);
        return ossl_fail(detail, "decode a DH value");
    }
    if (!valid) {
        BN_free(y);
        if (vfy_ossl_out_of_memory())
            return ossl_oom(detail, "check a DH value");
        return vfy_fail(detail, VFY_E_BAD_VALUE, "public key",
                        "the received DH value is not an element of the order-q subgroup of %s",
                        g->name);
    }
    *out = y;
    return VFY_OK;
}

static BIGNUM *scalar(const uint8_t *k, size_t len)
{
    BIGNUM *b = BN_secure_new();
    if (b != NULL && BN_bin2bn(k, (int)len, b) == NULL) {
        BN_clear_free(b);
        return NULL;
    }
    return b;
}

/* ---- keys ------------------------------------------------------------------------------- */

static vfy_status public_of(const vfy_ka_group *g, const BIGNUM *k, uint8_t *pub, size_t cap,
                            size_t *pub_len, BN_CTX *ctx, vfy_detail *detail)
{
    if (g->kind == VFY_KA_ECDH) {
        EC_POINT *p = EC_POINT_new(g->ec);
        vfy_status s = (p != NULL && EC_POINT_mul(g->ec, p, k, NULL, NULL, ctx) == 1)
                           ? vfy_ka_point_encode(g, p, pub, cap, pub_len, ctx, detail)
                           : ossl_fail(detail, "compute a public key");
        EC_POINT_free(p);
        return s;
    }
    BIGNUM *y = BN_new();
    vfy_status s = (y != NULL && BN_mod_exp_mont_consttime(y, g->g, k, g->p, ctx, NULL) == 1)
                       ? bn_encode(y, g->field_len, pub, cap, pub_len, detail)
                       : ossl_fail(detail, "compute a public key");
    BN_free(y);
    return s;
}

vfy_status vfy_ka_keygen(const vfy_ka_group *g, const vfy_rng *rng, vfy_secret *priv,
                         uint8_t *pub, size_t pub_cap, size_t *pub_len, vfy_detail *detail)
{
    const BIGNUM *order = vfy_ka_order(g);
    int bits = BN_num_bits(order);
    VFY_TRY(vfy_secret_alloc(priv, g->order_len, detail));
    BN_CTX *ctx = BN_CTX_secure_new();
    if (ctx == NULL) {
        vfy_secret_free(priv); /* as on every other failure: no half-made key */
        return ossl_fail(detail, "allocate a BN_CTX");
    }
    vfy_status s = VFY_E_CRYPTO;
    for (int attempt = 0; attempt < 64; attempt++) {
        s = vfy_random(rng, priv->bytes, priv->len, detail);
        if (s != VFY_OK)
            break;
        /* Keep only as many bits as the order has, so most draws are accepted. */
        unsigned excess = (unsigned)(8 * g->order_len - (size_t)bits);
        priv->bytes[0] &= (uint8_t)(0xFFu >> excess);
        BIGNUM *k = scalar(priv->bytes, priv->len);
        if (k == NULL) {
            s = ossl_fail(detail, "load a private key");
            break;
        }
        if (BN_is_zero(k) || BN_cmp(k, order) >= 0) {
            BN_clear_free(k);
            s = vfy_fail(detail, VFY_E_CRYPTO, "key agreement",
                         "the random source gave no usable private key");
            continue;
        }
        s = public_of(g, k, pub, pub_cap, pub_len, ctx, detail);
        BN_clear_free(k);
        break;
    }
    BN_CTX_free(ctx);
    if (s != VFY_OK)
        vfy_secret_free(priv);
    return s;
}

vfy_status vfy_ka_check_public(const vfy_ka_group *g, const uint8_t *pub, size_t pub_len,
                               vfy_detail *detail)
{
    BN_CTX *ctx = BN_CTX_new();
    if (ctx == NULL)
        return ossl_fail(detail, "allocate a BN_CTX");
    vfy_status s;
    if (g->kind == VFY_KA_ECDH) {
        EC_POINT *p = NULL;
        s = vfy_ka_point_decode(g, pub, pub_len, &p, ctx, detail);
        EC_POINT_free(p);
    } else {
        BIGNUM *y = NULL;
        s = dh_decode(g, pub, pub_len, &y, ctx, detail);
        BN_free(y);
    }
    BN_CTX_free(ctx);
    return s;
}

static vfy_status shared(const vfy_ka_group *g, const vfy_secret *priv, const uint8_t *peer,
                         size_t peer_len, bool whole_point, uint8_t *out, size_t cap,
                         size_t *out_len, vfy_detail *detail)
{
    BN_CTX *ctx = BN_CTX_secure_new();
    BIGNUM *k = priv->bytes != NULL ? scalar(priv->bytes, priv->len) : NULL;
    vfy_status s;
    if (ctx == NULL || k == NULL) {
        s = ossl_fail(detail, "load a private key");
        goto out;
    }
    if (g->kind == VFY_KA_ECDH) {
        EC_POINT *P = NULL, *R = NULL;
        BIGNUM *x = BN_new();
        s = vfy_ka_point_decode(g, peer, peer_len, &P, ctx, detail);
        if (s == VFY_OK) {
            R = EC_POINT_new(g->ec);
            if (R == NULL || x == NULL || EC_POINT_mul(g->ec, R, NULL, P, k, ctx) != 1 ||
                EC_POINT_is_at_infinity(g->ec, R))
                s = ossl_fail(detail, "compute the shared point");
            else if (whole_point)
                s = vfy_ka_point_encode(g, R, out, cap, out_len, ctx, detail);
            else if (EC_POINT_get_affine_coordinates(g->ec, R, x, NULL, ctx) != 1)
                s = ossl_fail(detail, "read the shared point");
            else
                s = bn_encode(x, g->field_len, out, cap, out_len, detail);
        }
        BN_clear_free(x);
        EC_POINT_clear_free(R);
        EC_POINT_free(P);
    } else {
        BIGNUM *y = NULL, *z = BN_secure_new();
        s = dh_decode(g, peer, peer_len, &y, ctx, detail);
        if (s == VFY_OK) {
            if (z == NULL || BN_mod_exp_mont_consttime(z, y, k, g->p, ctx, NULL) != 1)
                s = ossl_fail(detail, "compute the DH shared secret");
            else
                s = bn_encode(z, g->field_len, out, cap, out_len, detail);
        }
        BN_clear_free(z);
        BN_free(y);
    }
out:
    BN_clear_free(k);
    BN_CTX_free(ctx);
    return s;
}

vfy_status vfy_ka_shared_secret(const vfy_ka_group *g, const vfy_secret *priv,
                                const uint8_t *peer, size_t peer_len, uint8_t *out, size_t cap,
                                size_t *out_len, vfy_detail *detail)
{
    return shared(g, priv, peer, peer_len, false, out, cap, out_len, detail);
}

vfy_status vfy_ka_shared_element(const vfy_ka_group *g, const vfy_secret *priv,
                                 const uint8_t *peer, size_t peer_len, uint8_t *out,
                                 size_t cap, size_t *out_len, vfy_detail *detail)
{
    return shared(g, priv, peer, peer_len, true, out, cap, out_len, detail);
}

vfy_status vfy_ka_generator(const vfy_ka_group *g, uint8_t *out, size_t cap, size_t *out_len,
                            vfy_detail *detail)
{
    if (g->kind == VFY_KA_DH)
        return bn_encode(g->g, g->field_len, out, cap, out_len, detail);
    BN_CTX *ctx = BN_CTX_new();
    vfy_status s = ctx != NULL ? vfy_ka_point_encode(g, EC_GROUP_get0_generator(g->ec), out,
                                                     cap, out_len, ctx, detail)
                               : ossl_fail(detail, "allocate a BN_CTX");
    BN_CTX_free(ctx);
    return s;
}

vfy_status vfy_ka_ec_mul(const vfy_ka_group *g, const uint8_t *k, size_t k_len,
                         const uint8_t *point, size_t point_len, uint8_t *out, size_t cap,
                         size_t *out_len, vfy_detail *detail)
{
    if (g->kind != VFY_KA_ECDH)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "key agreement",
                        "scalar multiplication needs an EC group");
    BN_CTX *ctx = BN_CTX_secure_new();
    BIGNUM *kb = scalar(k, k_len);
    EC_POINT *P = NULL, *R = NULL;
    vfy_status s = VFY_OK;
    if (ctx == NULL || kb == NULL) {
        s = ossl_fail(detail, "load a scalar");
        goto out;
    }
    s = vfy_ka_point_decode(g, point, point_len, &P, ctx, detail);
    if (s != VFY_OK)
        goto out;
    R = EC_POINT_new(g->ec);
    if (R == NULL || EC_POINT_mul(g->ec, R, NULL, P, kb, ctx) != 1) {
        s = ossl_fail(detail, "multiply a point");
        goto out;
    }
    if (EC_POINT_is_at_infinity(g->ec, R)) {
        s = vfy_fail(detail, VFY_E_BAD_VALUE, "key agreement",
                     "the product is the point at infinity");
        goto out;
    }
    s = vfy_ka_point_encode(g, R, out, cap, out_len, ctx, detail);
out:
    EC_POINT_free(R);
    EC_POINT_free(P);
    BN_clear_free(kb);
    BN_CTX_free(ctx);
    return s;
}

/* ---- generic mapping ------------------------------------------------------------------ */

vfy_status vfy_ka_map_generic(const vfy_ka_group *g, const uint8_t *s_bytes, size_t s_len,
                              const uint8_t *h, size_t h_len, vfy_ka_group **mapped,
                              vfy_detail *detail)
{
    *mapped = NULL;
    BN_CTX *ctx = BN_CTX_secure_new();
    BIGNUM *s = scalar(s_bytes, s_len);
    vfy_status st;
    if (ctx == NULL || s == NULL) {
        st = ossl_fail(detail, "load the nonce");
        goto out;
    }
    if (g->kind == VFY_KA_ECDH) {
        EC_POINT *H = NULL, *G2 = NULL;
        st = vfy_ka_point_decode(g, h, h_len, &H, ctx, detail);
        if (st == VFY_OK) {
            G2 = EC_POINT_new(g->ec);
            if (G2 == NULL || EC_POINT_mul(g->ec, G2, s, H, BN_value_one(), ctx) != 1)
                st = ossl_fail(detail, "compute the mapped generator");
            else if (EC_POINT_is_at_infinity(g->ec, G2))
                st = vfy_fail(detail, VFY_E_BAD_VALUE, "mapping",
                              "the mapped generator is the point at infinity");
            else
                st = group_with_generator(g, G2, NULL, mapped, detail);
        }
        EC_POINT_clear_free(G2);
        EC_POINT_free(H);
    } else {
        BIGNUM *hb = NULL, *g2 = BN_new();
        st = dh_decode(g, h, h_len, &hb, ctx, detail);
        if (st == VFY_OK) {
            if (g2 == NULL || BN_mod_exp_mont_consttime(g2, g->g, s, g->p, ctx, NULL) != 1 ||
                BN_mod_mul(g2, g2, hb, g->p, ctx) != 1)
                st = ossl_fail(detail, "compute the mapped generator");
            else if (BN_is_one(g2))
                st = vfy_fail(detail, VFY_E_BAD_VALUE, "mapping", "the mapped generator is 1");
            else
                st = group_with_generator(g, NULL, g2, mapped, detail);
        }
        BN_clear_free(g2);
        BN_free(hb);
    }
out:
    BN_clear_free(s);
    BN_CTX_free(ctx);
    return st;
}

vfy_status vfy_ka_with_generator_point(const vfy_ka_group *g, const EC_POINT *gen,
                                       vfy_ka_group **out, vfy_detail *detail)
{
    return group_with_generator(g, gen, NULL, out, detail);
}

vfy_status vfy_ka_with_generator_bn(const vfy_ka_group *g, const BIGNUM *gen,
                                    vfy_ka_group **out, vfy_detail *detail)
{
    return group_with_generator(g, NULL, gen, out, detail);
}
