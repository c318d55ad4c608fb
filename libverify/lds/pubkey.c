/* SubjectPublicKeyInfo through OpenSSL, with explicit EC parameters matched to named curves. */
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/fail.h"
#include "lds/pubkey.h"

vfy_status lds_decode_spki(const uint8_t *der, size_t len, const char *field, vfy_detail *detail,
                           EVP_PKEY **out)
{
    *out = NULL;
    if (len > (size_t)INT32_MAX)
        return vfy_fail(detail, VFY_E_LIMIT, field, "public key of %zu bytes", len);
    const unsigned char *p = der;
    EVP_PKEY *key = d2i_PUBKEY(NULL, &p, (long)len);
    if (key == NULL)
        return vfy_fail(detail, VFY_E_BAD_VALUE, field,
                        "the public key (SubjectPublicKeyInfo) cannot be decoded");
    if ((size_t)(p - der) != len) {
        EVP_PKEY_free(key);
        return vfy_fail(detail, VFY_E_TRAILING_BYTES, field, "bytes follow the public key");
    }
    *out = key;
    return VFY_OK;
}

void lds_describe_key(const EVP_PKEY *key, vfy_key_type *type, unsigned *bits, char *curve,
                      size_t curve_cap)
{
    *type = VFY_KEY_UNKNOWN;
    *bits = (unsigned)EVP_PKEY_get_bits(key);
    if (curve_cap > 0)
        curve[0] = '\0';
    if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS")) {
        *type = VFY_KEY_RSA;
    } else if (EVP_PKEY_is_a(key, "EC")) {
        *type = VFY_KEY_EC;
        size_t n = 0;
        if (curve_cap > 0 &&
            EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, curve_cap, &n) != 1)
            snprintf(curve, curve_cap, "explicit");
    } else if (EVP_PKEY_is_a(key, "DH") || EVP_PKEY_is_a(key, "DHX")) {
        *type = VFY_KEY_DH;
    }
}

EVP_PKEY *lds_ec_key_to_named(const EVP_PKEY *key, char *named_curve, size_t cap)
{
    char group[64], enc[32];
    size_t n;
    uint8_t pub[200];
    size_t pub_len = 0;
    if (cap > 0)
        named_curve[0] = '\0';
    if (!EVP_PKEY_is_a(key, "EC"))
        return NULL;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &n) != 1)
        return NULL;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_EC_ENCODING, enc, sizeof enc, &n) != 1 ||
        strcmp(enc, OSSL_PKEY_EC_ENCODING_EXPLICIT) != 0)
        return NULL;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &pub_len) != 1)
        return NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub, pub_len),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *named = NULL;
    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &named, EVP_PKEY_PUBLIC_KEY, params) != 1)
        named = NULL;
    EVP_PKEY_CTX_free(ctx);
    if (named != NULL && cap > 0)
        snprintf(named_curve, cap, "%s", group);
    return named;
}
