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

#endif
