/*
 * Internal to libverify/crypto: the layout of a key agreement group and the OpenSSL-level
 * helpers shared by the generic mapping (ka.c) and the integrated mapping (ka_im.c).
 */
#ifndef VFY_CRYPTO_KA_INTERNAL_H
#define VFY_CRYPTO_KA_INTERNAL_H

#include <openssl/bn.h>
#include <openssl/ec.h>

#include "crypto/crypto.h"

struct vfy_ka_group {
    vfy_ka_kind kind;
    char name[32];
    size_t field_len; /* bytes of a field element (EC) or of p (DH) */
    size_t order_len; /* bytes of the order n (EC) or q (DH) */
    EC_GROUP *ec;     /* ECDH: the curve, with its (possibly mapped) generator */
    BIGNUM *p, *g, *q; /* DH */
};

const BIGNUM *vfy_ka_order(const vfy_ka_group *g);
vfy_status vfy_ka_point_decode(const vfy_ka_group *g, const uint8_t *in, size_t len,
                               EC_POINT **out, BN_CTX *ctx, vfy_detail *detail);
vfy_status vfy_ka_point_encode(const vfy_ka_group *g, const EC_POINT *p, uint8_t *out,
                               size_t cap, size_t *out_len, BN_CTX *ctx, vfy_detail *detail);
vfy_status vfy_ka_with_generator_point(const vfy_ka_group *g, const EC_POINT *gen,
                                       vfy_ka_group **out, vfy_detail *detail);
vfy_status vfy_ka_with_generator_bn(const vfy_ka_group *g, const BIGNUM *gen,
                                    vfy_ka_group **out, vfy_detail *detail);

#endif
