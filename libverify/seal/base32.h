/*
 * Internal: RFC 4648 base32 (alphabet A-Z, 2-7) as IDB barcodes use it: upper case,
 * '=' padding omitted. Strict: any other character, an impossible length (1, 3 or 6
 * characters in the last group) or non-zero leftover bits are refused.
 */
#ifndef VFY_SEAL_BASE32_H
#define VFY_SEAL_BASE32_H

#include "core/cursor.h"

#define SEAL_BASE32_DECODED_MAX(chars) ((chars) * 5 / 8 + 1)

/* Decodes all remaining characters of c into out (cap bytes). */
VFY_NODISCARD vfy_status seal_base32_decode(vfy_cursor *c, uint8_t *out, size_t cap, size_t *out_len);

#endif
