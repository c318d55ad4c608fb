/* Strict UTF-8 decoding over the bounded cursor. */
#include "core/fail.h"
#include "core/utf8.h"

vfy_status vfy_utf8_next(vfy_cursor *c, uint32_t *cp)
{
    size_t start = c->pos;
    uint8_t b0;
    VFY_TRY(vfy_cur_u8(c, &b0));
    size_t more;
    uint32_t v, min;
    if (b0 < 0x80) {
        *cp = b0;
        return VFY_OK;
    } else if ((b0 & 0xE0) == 0xC0) {
        more = 1, v = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        more = 2, v = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        more = 3, v = b0 & 0x07, min = 0x10000;
    } else {
        c->pos = start;
        return vfy_cur_fail(c, VFY_E_BAD_ENCODING, "byte 0x%02X at offset %zu cannot start a UTF-8 character",
                            b0, vfy_cur_offset(c));
    }
    for (size_t i = 0; i < more; i++) {
        uint8_t b;
        if (vfy_cur_u8(c, &b) != VFY_OK || (b & 0xC0) != 0x80) {
            c->pos = start;
            return vfy_cur_fail(c, VFY_E_BAD_ENCODING, "UTF-8 character at offset %zu is cut short",
                                vfy_cur_offset(c));
        }
        v = v << 6 | (b & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        c->pos = start;
        return vfy_cur_fail(c, VFY_E_BAD_ENCODING,
                            "UTF-8 character at offset %zu is overlong, a surrogate or beyond U+10FFFF",
                            vfy_cur_offset(c));
    }
    *cp = v;
    return VFY_OK;
}

bool vfy_utf8_valid(const uint8_t *data, size_t len)
{
    vfy_cursor c;
    vfy_cur_init(&c, data, len, NULL, NULL);
    uint32_t cp;
    while (!vfy_cur_at_end(&c))
        if (vfy_utf8_next(&c, &cp) != VFY_OK)
            return false;
    return true;
}
