/* The signature algorithms of Active Authentication: see aa_algorithms.h for sources. */
#include <string.h>

#include "auth/aa_algorithms.h"

static const aa_hash sha1 = { "SHA-1", "SHA1", 20 }, sha224 = { "SHA-224", "SHA224", 28 },
                     sha256 = { "SHA-256", "SHA256", 32 }, sha384 = { "SHA-384", "SHA384", 48 },
                     sha512 = { "SHA-512", "SHA512", 64 }, ripemd160 = { "RIPEMD-160", "RIPEMD160", 20 };

/* ISO/IEC 10118-3 dedicated hash-function identifiers, as 9796-2 explicit trailers. */
static const struct {
    uint8_t id;
    const aa_hash *hash;
} trailers[] = {
    { 0x33, &sha1 }, { 0x38, &sha224 }, { 0x34, &sha256 }, { 0x36, &sha384 }, { 0x35, &sha512 },
};

static const aa_ecdsa_alg ecdsa[] = {
    { "0.4.0.127.0.7.1.1.4.1.1", "ecdsa-plain-SHA1", &sha1 },
    { "0.4.0.127.0.7.1.1.4.1.2", "ecdsa-plain-SHA224", &sha224 },
    { "0.4.0.127.0.7.1.1.4.1.3", "ecdsa-plain-SHA256", &sha256 },
    { "0.4.0.127.0.7.1.1.4.1.4", "ecdsa-plain-SHA384", &sha384 },
    { "0.4.0.127.0.7.1.1.4.1.5", "ecdsa-plain-SHA512", &sha512 },
    { "0.4.0.127.0.7.1.1.4.1.6", "ecdsa-plain-RIPEMD160", &ripemd160 },
    { "1.2.840.10045.4.1", "ecdsa-with-SHA1", &sha1 },
    { "1.2.840.10045.4.3.1", "ecdsa-with-SHA224", &sha224 },
    { "1.2.840.10045.4.3.2", "ecdsa-with-SHA256", &sha256 },
    { "1.2.840.10045.4.3.3", "ecdsa-with-SHA384", &sha384 },
    { "1.2.840.10045.4.3.4", "ecdsa-with-SHA512", &sha512 },
};

const aa_hash *aa_9796_trailer(const uint8_t *block, size_t n, size_t *trailer_len)
{
    if (n < 2)
        return NULL;
    if (block[n - 1] == 0xBC) {
        *trailer_len = 1;
        return &sha1;
    }
    if (block[n - 1] != 0xCC)
        return NULL;
    for (size_t i = 0; i < sizeof trailers / sizeof trailers[0]; i++)
        if (block[n - 2] == trailers[i].id) {
            *trailer_len = 2;
            return trailers[i].hash;
        }
    return NULL;
}

const aa_ecdsa_alg *aa_ecdsa_by_oid(const char *oid)
{
    for (size_t i = 0; oid != NULL && i < sizeof ecdsa / sizeof ecdsa[0]; i++)
        if (strcmp(ecdsa[i].oid, oid) == 0)
            return &ecdsa[i];
    return NULL;
}

const aa_hash *aa_ecdsa_default_hash(unsigned key_bits)
{
    return key_bits <= 256 ? &sha256 : key_bits <= 384 ? &sha384 : &sha512;
}
