/* base64url decoding, strict: libsodium decodes (its URL-safe alphabet, and it refuses
 * non-zero leftover bits and a dangling sixth bit group); this file adds only what VDS-NC
 * needs around it: optional but complete '=' padding, and failures with byte offsets. */
#include <errno.h>
#include <sodium.h>

#include "core/fail.h"
#include "seal/base64url.h"

vfy_status seal_base64url_decode(vfy_cursor *c, uint8_t *out, size_t cap, size_t *out_len)
{
    size_t start = c->pos;
    const uint8_t *text;
    size_t n;
    vfy_cur_rest(c, &text, &n); /* c is at the end now; every failure puts it back */
    size_t pad = 0;
    while (pad < n && text[n - 1 - pad] == '=')
        pad++;
    size_t body = n - pad;
    const char *end = NULL;
    size_t got = 0;
    errno = 0;
    int rc = sodium_base642bin(out, cap, (const char *)text, body, NULL, &got, &end,
                               sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    vfy_status s = VFY_OK;
    size_t stop = end != NULL ? (size_t)(end - (const char *)text) : 0;
    if (rc != 0 && errno == ERANGE) {
        s = vfy_cur_fail(c, VFY_E_INTERNAL, "base64url output buffer too small");
    } else if (end != NULL && stop < body) {
        /* libsodium stopped at a character outside A-Z a-z 0-9 - _ ('=' inside the text,
         * '+' or '/' of the standard alphabet, anything else) */
        c->pos = start + stop;
        s = vfy_cur_fail(c, VFY_E_BAD_ENCODING, "character 0x%02X at offset %zu is not base64url%s",
                         text[stop], vfy_cur_offset(c),
                         text[stop] == '=' ? " (padding before the end)" : "");
    } else if (rc != 0 || pad > 2 || (pad > 0 && n % 4 != 0)) {
        s = vfy_cur_fail(c, VFY_E_BAD_ENCODING,
                         "base64url text of %zu characters has a malformed end", body);
    }
    if (s != VFY_OK) {
        c->pos = start;
        return s;
    }
    *out_len = got;
    return VFY_OK;
}
