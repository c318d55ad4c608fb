/*
 * Internal: what the LDS parsers share — opening a file by its outer tag and
 * recognising image formats.
 */
#ifndef VFY_LDS_INTERNAL_H
#define VFY_LDS_INTERNAL_H

#include "lds/der.h"

/* Parses the whole file as one element carrying `tag` (BER definite lengths). */
VFY_NODISCARD vfy_status lds_open(const uint8_t *data, size_t len, uint32_t tag, const char *field,
                                  vfy_detail *detail, vfy_tlv *outer);

/* JPEG (FF D8), JPEG 2000 codestream (FF 4F FF 51) or JP2 file (0000000C 6A502020). */
vfy_image_type lds_sniff_image(const uint8_t *data, size_t len);

/* The "other names" of DG11 (5F0F) and "other persons" of DG12 (5F1A): either bare
 * or wrapped in A0 { 02 count, ... }. Appends views to names (at most VFY_LDS_MAX_NAMES). */
VFY_NODISCARD vfy_status lds_name_list(const vfy_tlv *t, uint32_t item_tag, vfy_bytes *names,
                                       unsigned *count);

/* DG11 and DG12: text fields by tag (each an offset of a vfy_bytes in the output), a
 * list of names (bare item_tag or wrapped in A0), the tag list 5C skipped, zero-length
 * fields counted, anything else kept as unknown. */
typedef struct lds_text_field {
    uint32_t tag;
    size_t offset;
} lds_text_field;

typedef struct lds_text_group {
    const lds_text_field *fields;
    size_t field_count;
    uint32_t name_tag;        /* 5F0F (DG11 other names) or 5F1A (DG12 other persons) */
    vfy_bytes *names;
    unsigned *name_count;
    unsigned *empty_count;
    vfy_lds_unknown *unknown;
} lds_text_group;

VFY_NODISCARD vfy_status lds_parse_text_group(const vfy_tlv *outer, void *out,
                                              const lds_text_group *g);

#endif
