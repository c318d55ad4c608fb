/*
 * Internal: the cryptographic primitives of ICAO 9303-11 (BAC, PACE, secure messaging),
 * shared by the terminal protocols and the simulated chip.
 *
 * Everything here is a thin wrapper: OpenSSL 3 does the ciphers, MACs, digests, random
 * numbers and all curve and modular arithmetic; libsodium gives guarded memory for secrets
 * and constant-time padding. Nothing in this module implements a primitive by hand.
 *
 * Accepted subset: 2-key 3DES and AES-128/192/256 in CBC and ECB without padding (callers
 * pad with vfy_pad, ISO/IEC 7816-4), ISO/IEC 9797-1 MAC algorithm 3 ("retail MAC"),
 * AES-CMAC, SHA-1/SHA-256, the 9303-11 KDF, and key agreement on the 9303-11 standardized
 * domain parameters (RFC 5114 DH groups, NIST and Brainpool curves) with the PACE generic
 * and integrated mappings. Non-goals: anything else (no RSA/ECDSA signatures here, no
 * explicit-parameter curves).
 *
 * All functions fail with VFY_E_CRYPTO (OpenSSL failure), VFY_E_INVALID_ARGUMENT (caller
 * misuse) or VFY_E_BAD_VALUE (a value received from outside is not acceptable).
 */
#ifndef VFY_CRYPTO_CRYPTO_H
#define VFY_CRYPTO_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/status.h"

/* ---- guarded secrets ------------------------------------------------------------------ */

/* A secret in libsodium guarded memory (guard pages, mlock, wiped on free). */
typedef struct vfy_secret {
    uint8_t *bytes; /* NULL when empty */
    size_t len;
} vfy_secret;

/* Allocates len bytes (zeroed); frees what s held before. */
VFY_NODISCARD vfy_status vfy_secret_alloc(vfy_secret *s, size_t len, vfy_detail *detail);
/* Allocates and copies src; frees what s held before. */
VFY_NODISCARD vfy_status vfy_secret_set(vfy_secret *s, const uint8_t *src, size_t len,
                                        vfy_detail *detail);
/* Wipes and frees; s becomes empty. Safe on an empty or zeroed secret. */
void vfy_secret_free(vfy_secret *s);

/* Wipes a stack buffer (a compiler may not remove it). */
void vfy_wipe(void *p, size_t n);
/* Wipes n bytes at p, then frees p (NULL is fine). Every buffer that held chip data
 * (DG1 holds the MRZ, the access password), keys or SM traffic is released this way. */
void vfy_wipe_free(void *p, size_t n);
/* realloc that leaves no copy behind: a new buffer of new_len bytes (at least 1) holding
 * the first min(old_len, new_len) bytes of p, p wiped and freed. NULL (p untouched) when
 * out of memory. */
void *vfy_wipe_realloc(void *p, size_t old_len, size_t new_len);

/* Constant-time equality of two buffers of the same length. */
bool vfy_equal_ct(const uint8_t *a, const uint8_t *b, size_t n);

/* ---- randomness ------------------------------------------------------------------------ */

/* A source of random bytes. Tests inject a deterministic one; the default is RAND_bytes. */
typedef vfy_status (*vfy_rng_fn)(void *ctx, uint8_t *out, size_t len);
typedef struct vfy_rng {
    vfy_rng_fn fn; /* NULL: OpenSSL RAND_bytes */
    void *ctx;
} vfy_rng;

VFY_NODISCARD vfy_status vfy_random(const vfy_rng *rng, uint8_t *out, size_t len,
                                    vfy_detail *detail);

/* ---- block ciphers, MACs, padding -------------------------------------------------------- */

typedef enum vfy_cipher {
    VFY_CIPHER_NONE = 0,
    VFY_CIPHER_3DES = 1,   /* 2-key 3DES (K1, K2, K1), 8-byte blocks */
    VFY_CIPHER_AES128 = 2,
    VFY_CIPHER_AES192 = 3,
    VFY_CIPHER_AES256 = 4,
} vfy_cipher;

#define VFY_CIPHER_MAX_KEY 32
#define VFY_CIPHER_MAX_BLOCK 16
#define VFY_MAC_LEN 8 /* every 9303 MAC is 8 bytes */

size_t vfy_cipher_key_len(vfy_cipher c);   /* 16, 16, 24, 32; 0 for NONE */
size_t vfy_cipher_block_len(vfy_cipher c); /* 8 or 16; 0 for NONE */
const char *vfy_cipher_name(vfy_cipher c); /* "3DES", "AES-128", ... */

/* Sets odd parity on each DES key byte (ICAO prints keys with parity adjusted). */
void vfy_des_set_parity(uint8_t *key, size_t len);

/* CBC over whole blocks, no padding; iv NULL means zero. out may equal in. */
VFY_NODISCARD vfy_status vfy_cbc_encrypt(vfy_cipher c, const uint8_t *key, const uint8_t *iv,
                                         const uint8_t *in, size_t len, uint8_t *out,
                                         vfy_detail *detail);
VFY_NODISCARD vfy_status vfy_cbc_decrypt(vfy_cipher c, const uint8_t *key, const uint8_t *iv,
                                         const uint8_t *in, size_t len, uint8_t *out,
                                         vfy_detail *detail);
/* ECB over whole blocks (the AES SM IV E(K, SSC), the IM pseudo-random function). */
VFY_NODISCARD vfy_status vfy_ecb_encrypt(vfy_cipher c, const uint8_t *key, const uint8_t *in,
                                         size_t len, uint8_t *out, vfy_detail *detail);

/* ISO/IEC 9797-1 MAC algorithm 3 with DES (2-key final), zero IV, over data whose length
 * is a multiple of 8 (the caller pads: 9303 MACs padded data). */
VFY_NODISCARD vfy_status vfy_retail_mac(const uint8_t key[16], const uint8_t *data, size_t len,
                                        uint8_t mac[8], vfy_detail *detail);
/* AES-CMAC (NIST SP 800-38B), full 16 bytes; key_len 16, 24 or 32. */
VFY_NODISCARD vfy_status vfy_aes_cmac(const uint8_t *key, size_t key_len, const uint8_t *data,
                                      size_t len, uint8_t mac[16], vfy_detail *detail);
/* The 9303 MAC of a cipher suite, 8 bytes: the retail MAC for 3DES (data must already be
 * padded), AES-CMAC truncated for AES (over the data as given). */
VFY_NODISCARD vfy_status vfy_mac8(vfy_cipher c, const uint8_t *key, const uint8_t *data,
                                  size_t len, uint8_t mac[VFY_MAC_LEN], vfy_detail *detail);

/* ISO/IEC 7816-4 padding (0x80 then zeros) of buf[0..len) to a multiple of block, in
 * place; cap is the size of buf. Always adds at least one byte. */
VFY_NODISCARD vfy_status vfy_pad(uint8_t *buf, size_t len, size_t cap, size_t block,
                                 size_t *padded_len, vfy_detail *detail);
/* Length without the padding, in constant time; VFY_E_BAD_VALUE if the padding is invalid. */
VFY_NODISCARD vfy_status vfy_unpad(const uint8_t *buf, size_t len, size_t block,
                                   size_t *unpadded_len, vfy_detail *detail);

/* ---- digests and key derivation ----------------------------------------------------------- */

VFY_NODISCARD vfy_status vfy_sha1(const uint8_t *data, size_t len, uint8_t out[20],
                                  vfy_detail *detail);
VFY_NODISCARD vfy_status vfy_sha256(const uint8_t *data, size_t len, uint8_t out[32],
                                    vfy_detail *detail);

enum vfy_kdf_counter {
    VFY_KDF_ENC = 1,
    VFY_KDF_MAC = 2,
    VFY_KDF_PI = 3, /* PACE password key */
};

/* 9303-11 §9.7.1: keydata = H(secret || counter as 4 bytes big-endian) with SHA-1 for 3DES
 * and AES-128, SHA-256 for AES-192/256; the key is its first vfy_cipher_key_len(c) bytes
 * (3DES: K1 || K2, parity adjusted). */
VFY_NODISCARD vfy_status vfy_kdf(vfy_cipher c, const uint8_t *secret, size_t secret_len,
                                 uint32_t counter, uint8_t *key, vfy_detail *detail);

/* ---- key agreement groups (PACE, chip authentication) ------------------------------------- */

typedef enum vfy_ka_kind {
    VFY_KA_DH = 1,
    VFY_KA_ECDH = 2,
} vfy_ka_kind;

/* An EC curve or a DH group, possibly with a mapped generator. Immutable once built. */
typedef struct vfy_ka_group vfy_ka_group;

#define VFY_KA_MAX_PUBLIC 512 /* largest encoded public key: DH 2048 bits = 256, P-521 = 133 */
#define VFY_KA_MAX_SECRET 256

/* The 9303-11 standardized domain parameters (table 6): 0, 1, 2 are the RFC 5114 DH groups;
 * 8..18 the NIST and Brainpool curves. VFY_E_UNSUPPORTED for others. */
VFY_NODISCARD vfy_status vfy_ka_group_standard(unsigned param_id, vfy_ka_group **out,
                                               vfy_detail *detail);
/* A named curve by OpenSSL NID (chip authentication keys name their curve). */
VFY_NODISCARD vfy_status vfy_ka_group_ec(int nid, vfy_ka_group **out, vfy_detail *detail);
void vfy_ka_group_free(vfy_ka_group *g);

vfy_ka_kind vfy_ka_group_kind(const vfy_ka_group *g);
/* "brainpoolP256r1", "modp1024_160" ... */
const char *vfy_ka_group_name(const vfy_ka_group *g);
/* Bytes of a public key (EC: 04 || X || Y at full field length; DH: |p|), of a shared
 * secret (EC: X at full field length; DH: |p|), and of a private key (|order|). */
size_t vfy_ka_public_len(const vfy_ka_group *g);
size_t vfy_ka_secret_len(const vfy_ka_group *g);
size_t vfy_ka_private_len(const vfy_ka_group *g);

/* A key pair: the private key drawn from rng (|order| bytes, redrawn until 1 <= k < order,
 * so an injected rng fixes it), the public key written to pub (vfy_ka_public_len bytes). */
VFY_NODISCARD vfy_status vfy_ka_keygen(const vfy_ka_group *g, const vfy_rng *rng,
                                       vfy_secret *priv, uint8_t *pub, size_t pub_cap,
                                       size_t *pub_len, vfy_detail *detail);
/* Checks a received public key: EC: a point on the curve, not infinity, in the prime-order
 * subgroup; DH: 1 < y < p-1 and y^q = 1. Accepts only full-length encodings. */
VFY_NODISCARD vfy_status vfy_ka_check_public(const vfy_ka_group *g, const uint8_t *pub,
                                             size_t pub_len, vfy_detail *detail);
/* The shared secret of priv and a peer's public key (checked first): EC: the X coordinate
 * of priv * P at full field length; DH: peer^priv mod p at full length. */
VFY_NODISCARD vfy_status vfy_ka_shared_secret(const vfy_ka_group *g, const vfy_secret *priv,
                                              const uint8_t *peer, size_t peer_len,
                                              uint8_t *out, size_t cap, size_t *out_len,
                                              vfy_detail *detail);
/* The shared element: EC: the whole point priv * P, encoded like a public key (GM's H);
 * DH: the same as the shared secret. */
VFY_NODISCARD vfy_status vfy_ka_shared_element(const vfy_ka_group *g, const vfy_secret *priv,
                                               const uint8_t *peer, size_t peer_len,
                                               uint8_t *out, size_t cap, size_t *out_len,
                                               vfy_detail *detail);
/* The group's generator, encoded like a public key. */
VFY_NODISCARD vfy_status vfy_ka_generator(const vfy_ka_group *g, uint8_t *out, size_t cap,
                                          size_t *out_len, vfy_detail *detail);
/* Scalar multiplication (EC only): out = k * P, with k big-endian bytes. For the CAM check. */
VFY_NODISCARD vfy_status vfy_ka_ec_mul(const vfy_ka_group *g, const uint8_t *k, size_t k_len,
                                       const uint8_t *point, size_t point_len, uint8_t *out,
                                       size_t cap, size_t *out_len, vfy_detail *detail);

/* PACE generic mapping: a new group whose generator is s*G + H (EC) or g^s * h mod p (DH);
 * s is the nonce, h the shared element (checked to be a valid group element). */
VFY_NODISCARD vfy_status vfy_ka_map_generic(const vfy_ka_group *g, const uint8_t *s,
                                            size_t s_len, const uint8_t *h, size_t h_len,
                                            vfy_ka_group **mapped, vfy_detail *detail);
/* PACE integrated mapping (9303-11 §4.4.3.3.2): generator = f_G(R_p(s, t)) on ECDH, or
 * R_p(s, t)^((p-1)/q) mod p on DH, with the pseudo-random function of cipher c (3DES,
 * AES-128/192/256) over the nonces s (l bits: the smallest multiple of the block size not
 * below the key size) and t (the key size). */
VFY_NODISCARD vfy_status vfy_ka_map_integrated(const vfy_ka_group *g, vfy_cipher c,
                                               const uint8_t *s, size_t s_len,
                                               const uint8_t *t, size_t t_len,
                                               vfy_ka_group **mapped, vfy_detail *detail);
/* The integrated-mapping pseudo-random function alone, R_p(s,t) at |p| bytes (tests). */
VFY_NODISCARD vfy_status vfy_ka_im_prf(const vfy_ka_group *g, vfy_cipher c, const uint8_t *s,
                                       size_t s_len, const uint8_t *t, size_t t_len,
                                       uint8_t *out, size_t cap, size_t *out_len,
                                       vfy_detail *detail);

#endif
