/*
 * Internal: the signature algorithms of Active Authentication (9303-11 §6.1), one table
 * each, so that what is accepted can be read in one place.
 *
 * RSA: ISO/IEC 9796-2 digital signature scheme 1. The trailer names the hash: 0xBC is
 * SHA-1 implicitly; XX CC names it by its ISO/IEC 10118-3 dedicated hash-function
 * identifier XX: 0x33 SHA-1, 0x38 SHA-224, 0x34 SHA-256, 0x36 SHA-384, 0x35 SHA-512.
 * (9303-11 allows no other hash for RSA AA.)
 *
 * ECDSA: the signatureAlgorithm of DG14's ActiveAuthenticationInfo names the hash, either
 * as a BSI TR-03111 ecdsa-plain-signatures OID (0.4.0.127.0.7.1.1.4.1.1 SHA-1, .2 SHA-224,
 * .3 SHA-256, .4 SHA-384, .5 SHA-512, .6 RIPEMD-160), to which 9303-11 points, or as an
 * ANSI X9.62 OID (1.2.840.10045.4.1 ecdsa-with-SHA1, 1.2.840.10045.4.3.1..4 SHA-224..512),
 * which chips put there too. Either family may come with an r||s or a DER signature.
 */
#ifndef VFY_AUTH_AA_ALGORITHMS_H
#define VFY_AUTH_AA_ALGORITHMS_H

#include <stddef.h>
#include <stdint.h>

typedef struct aa_hash {
    const char *name;   /* "SHA-256", for messages and reports */
    const char *ossl;   /* "SHA256", for OpenSSL */
    size_t size;        /* bytes */
} aa_hash;

typedef struct aa_ecdsa_alg {
    const char *oid;    /* dotted */
    const char *name;   /* "ecdsa-plain-SHA256", "ecdsa-with-SHA256" */
    const aa_hash *hash;
} aa_ecdsa_alg;

/* The hash a 9796-2 trailer names, with the trailer's length (1 or 2); NULL when the
 * last bytes of block[0..n) are no trailer of a hash 9303-11 allows. n >= 2. */
const aa_hash *aa_9796_trailer(const uint8_t *block, size_t n, size_t *trailer_len);

/* The ECDSA signature algorithm of a dotted OID, or NULL. */
const aa_ecdsa_alg *aa_ecdsa_by_oid(const char *oid);

/* The ECDSA hash when DG14 names none (no DG14, or no ActiveAuthenticationInfo): the one
 * whose size matches the key's. */
const aa_hash *aa_ecdsa_default_hash(unsigned key_bits);

#endif
