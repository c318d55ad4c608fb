/*
 * Internal: base64url (RFC 4648 §5) as VDS-NC uses it for `cer` and `sigvl`:
 * alphabet A-Z a-z 0-9 '-' '_', '=' padding optional but, when present, complete.
 * Non-zero leftover bits and characters of the standard alphabet are refused.
 */
#ifndef VFY_SEAL_BASE64URL_H
#define VFY_SEAL_BASE64URL_H

#include "core/cursor.h"

#define SEAL_BASE64_DECODED_MAX(chars) ((chars) / 4 * 3 + 3)

VFY_NODISCARD vfy_status seal_base64url_decode(vfy_cursor *c, uint8_t *out, size_t cap, size_t *out_len);

#endif
