/*
 * Internal: BER-TLV elements (ISO/IEC 8825-1 as used by ICAO 9303 and ISO/IEC 7816-4).
 *
 * Accepted subset: tags of 1 to 4 bytes; definite lengths in short form or long form
 * with 1 to 4 length bytes; BER indefinite lengths (0x80 ... 00 00) only when the
 * caller passes VFY_TLV_ALLOW_INDEFINITE (some states' EF.SOD use them); nesting at
 * most VFY_TLV_MAX_DEPTH deep. VFY_TLV_DER refuses non-minimal lengths.
 *
 * Elements are zero-copy views into the caller's buffer. An element's `value`
 * cursor is bounded to exactly its own bytes, so a child can never read its parent's.
 */
#ifndef VFY_CORE_TLV_H
#define VFY_CORE_TLV_H

#include "core/cursor.h"

#define VFY_TLV_MAX_DEPTH 32

enum vfy_tlv_flags {
    VFY_TLV_DER = 1u << 0,              /* lengths must be minimal */
    VFY_TLV_ALLOW_INDEFINITE = 1u << 1, /* accept BER indefinite lengths */
};

typedef struct vfy_tlv {
    uint32_t tag;         /* tag bytes as a big-endian number: 0x30, 0x5F1F, 0x7F61 */
    bool constructed;
    bool indefinite;      /* encoded with an indefinite length; value excludes the 00 00 */
    size_t offset;        /* absolute offset of the tag's first byte */
    const uint8_t *raw;   /* the whole element as encoded (tag, length, value, end-of-contents) */
    size_t raw_len;
    vfy_cursor value;     /* bounded to the value; inherits the parent's detail */
} vfy_tlv;

/* Reads the next element from c and consumes it. */
VFY_NODISCARD vfy_status vfy_tlv_next(vfy_cursor *c, unsigned flags, vfy_tlv *out);

/* Reads the next element, which must carry `tag`. */
VFY_NODISCARD vfy_status vfy_tlv_expect(vfy_cursor *c, uint32_t tag, unsigned flags, vfy_tlv *out);

/* Reads exactly one element spanning all of (data, len): no trailing bytes. */
VFY_NODISCARD vfy_status vfy_tlv_parse_one(const uint8_t *data, size_t len, unsigned flags,
                                           const char *field, vfy_detail *detail, vfy_tlv *out);

/* The first direct child of `parent` with `tag`; VFY_E_NOT_FOUND (no detail) if none. */
VFY_NODISCARD vfy_status vfy_tlv_child(const vfy_tlv *parent, uint32_t tag, unsigned flags,
                                       vfy_tlv *out);

/* Follows a tag path from the top-level element: path[0] must be its tag, and each
 * next tag is looked up among the children of the previous element. */
VFY_NODISCARD vfy_status vfy_tlv_find_path(const uint8_t *data, size_t len, const uint32_t *path,
                                           size_t path_len, unsigned flags, const char *field,
                                           vfy_detail *detail, vfy_tlv *out);

/* Walks the whole tree of one element spanning (data, len), checking every nested
 * constructed element, with the depth limit. */
VFY_NODISCARD vfy_status vfy_tlv_validate(const uint8_t *data, size_t len, unsigned flags,
                                          const char *field, vfy_detail *detail);

/* Number of bytes of the tag as encoded (1..4). */
size_t vfy_tlv_tag_size(uint32_t tag);

#endif
