/*
 * Internal: SubjectPublicKeyInfo decoding through OpenSSL for DG14, DG15 and the
 * verification layer. EC keys with explicit domain parameters (as ICAO 9303-12 asks
 * for) are accepted; when the parameters equal a named curve, the key is rebuilt on
 * that named curve so every later OpenSSL operation treats it as such.
 */
#ifndef VFY_LDS_PUBKEY_H
#define VFY_LDS_PUBKEY_H

#include <openssl/evp.h>

#include "verify/lds.h"

/* Decodes a DER SubjectPublicKeyInfo (the whole of (der, len)). */
VFY_NODISCARD vfy_status lds_decode_spki(const uint8_t *der, size_t len, const char *field,
                                         vfy_detail *detail, EVP_PKEY **out);

/* Type, size and curve name ("explicit" for unnamed explicit parameters) of a key. */
void lds_describe_key(const EVP_PKEY *key, vfy_key_type *type, unsigned *bits, char *curve,
                      size_t curve_cap);

/* When an EC key carries explicit parameters that match a named curve, a new key on
 * that named curve (the caller frees it); NULL otherwise. *named_curve gets the name. */
EVP_PKEY *lds_ec_key_to_named(const EVP_PKEY *key, char *named_curve, size_t cap);

#endif
