/*
 * Internal: the few DER value types the LDS and the security objects need on top of
 * core/tlv.h: small INTEGERs, OBJECT IDENTIFIERs (compared by their content bytes,
 * printed in dotted form), text views and the digest algorithms of ICAO 9303-12.
 * Every function reads through the element's bounded cursor.
 */
#ifndef VFY_LDS_DER_H
#define VFY_LDS_DER_H

#include "core/tlv.h"
#include "verify/lds.h"

/* Tags of the universal types used here. */
enum {
    DER_INTEGER = 0x02,
    DER_BIT_STRING = 0x03,
    DER_OCTET_STRING = 0x04,
    DER_NULL = 0x05,
    DER_OID = 0x06,
    DER_SEQUENCE = 0x30,
    DER_SET = 0x31,
};

/* An OID's content bytes, as a compile-time constant. */
typedef struct der_oid {
    const uint8_t *bytes;
    size_t len;
} der_oid;
#define DER_OID(...) ((der_oid){ (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }) })

/* A signed INTEGER of at most 8 bytes into a long (VFY_E_LIMIT when larger). */
VFY_NODISCARD vfy_status der_small_int(const vfy_tlv *t, long *out);
/* Reads the next element, which must be an INTEGER, as a small int. */
VFY_NODISCARD vfy_status der_next_int(vfy_cursor *c, long *out);
/* Reads the next element, which must be an OID, giving its content bytes. */
VFY_NODISCARD vfy_status der_next_oid(vfy_cursor *c, vfy_bytes *oid);

bool der_oid_eq(const vfy_bytes *oid, der_oid want);
/* oid starts with prefix (and is longer). */
bool der_oid_has_prefix(const vfy_bytes *oid, der_oid prefix);
/* Dotted text; "?" when malformed. Always NUL-terminates. */
void der_oid_text(const uint8_t *bytes, size_t len, char *buf, size_t cap);

/* A view of an element's value. */
static inline vfy_bytes der_view(const vfy_tlv *t)
{
    return (vfy_bytes){ t->value.data, t->value.len, true };
}

/* Copies at most cap-1 bytes of a printable value into a NUL-terminated string,
 * refusing bytes outside 0x20..0x7E. */
VFY_NODISCARD vfy_status der_copy_printable(const vfy_tlv *t, char *buf, size_t cap);

/* Remembers an uninterpreted tag. */
void lds_note_unknown(vfy_lds_unknown *u, uint32_t tag);

/* Digest algorithms of 9303-12 (SHA-1, SHA-224, SHA-256, SHA-384, SHA-512). */
typedef struct digest_alg {
    const char *name;     /* "SHA-256" */
    const char *ossl;     /* "SHA256", for EVP_MD_fetch */
    size_t size;
} digest_alg;
/* The digest named by an AlgorithmIdentifier's OID content bytes, or NULL. */
const digest_alg *digest_from_oid(const vfy_bytes *oid);
const digest_alg *digest_from_name(const char *name);

#endif
