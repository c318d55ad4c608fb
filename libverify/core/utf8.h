/*
 * Internal: strict UTF-8 (RFC 3629) read through the cursor: no overlong forms, no
 * surrogates, nothing above U+10FFFF. Used for the UTF-8 features of German seals
 * and for sorting JSON keys by UTF-16 code units (RFC 8785, core/jcs).
 */
#ifndef VFY_CORE_UTF8_H
#define VFY_CORE_UTF8_H

#include "core/cursor.h"

/* Reads one code point. VFY_E_BAD_ENCODING for a malformed sequence. */
VFY_NODISCARD vfy_status vfy_utf8_next(vfy_cursor *c, uint32_t *cp);

/* Whether all of (data, len) is well-formed UTF-8. */
bool vfy_utf8_valid(const uint8_t *data, size_t len);

#endif
