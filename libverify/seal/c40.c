/* C40 decoding, strict (see c40.h for the accepted subset). */
#include "core/fail.h"
#include "core/writer.h"
#include "seal/c40.h"

static char c40_char(unsigned v)
{
    if (v == 3)
        return ' ';
    if (v >= 4 && v <= 13)
        return (char)('0' + (v - 4));
    if (v >= 14 && v <= 39)
        return (char)('A' + (v - 14));
    return 0; /* 0 (Shift 1, padding) and 1, 2 (Shift 2/3) are not characters */
}

static bool c40_ascii_allowed(uint8_t ch)
{
    return ch == ' ' || (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z');
}

vfy_status seal_c40_decode(vfy_cursor *c, size_t nbytes, char *out, size_t cap, size_t *text_len)
{
    vfy_cursor in;
    size_t start = c->pos;
    if (nbytes % 2 != 0)
        return vfy_cur_fail(c, VFY_E_BAD_ENCODING, "C40 text at offset %zu has an odd number of bytes (%zu)",
                            vfy_cur_offset(c), nbytes);
    VFY_TRY(vfy_cur_sub(c, nbytes, NULL, &in));
    vfy_writer tw;
    vfy_w_init_text(&tw, out, cap);
    vfy_status s = VFY_OK;
    while (!vfy_cur_at_end(&in)) {
        bool last = vfy_cur_remaining(&in) == 2;
        size_t pair_off = vfy_cur_offset(&in);
        uint8_t b1 = 0, b2 = 0;
        if ((s = vfy_cur_u8(&in, &b1)) != VFY_OK || (s = vfy_cur_u8(&in, &b2)) != VFY_OK)
            break;
        if (b1 == 0xFE) {
            /* DataMatrix unlatch: one ASCII character, only as the final pair. */
            if (!last) {
                s = vfy_cur_fail(&in, VFY_E_BAD_ENCODING,
                                 "C40 unlatch byte 0xFE at offset %zu is not in the last pair", pair_off);
                break;
            }
            uint8_t ch = (uint8_t)(b2 - 1);
            if (b2 == 0 || !c40_ascii_allowed(ch)) {
                s = vfy_cur_fail(&in, VFY_E_BAD_ENCODING,
                                 "C40 unlatched byte 0x%02X at offset %zu is not a seal character", b2,
                                 pair_off + 1);
                break;
            }
            vfy_w_char(&tw, (char)ch);
        } else {
            unsigned v = (unsigned)b1 << 8 | b2;
            if (v == 0 || v > 64000) {
                s = vfy_cur_fail(&in, VFY_E_BAD_ENCODING,
                                 "C40 pair 0x%04X at offset %zu is outside 1..64000", v, pair_off);
                break;
            }
            unsigned w = v - 1;
            unsigned u[3] = { w / 1600, (w % 1600) / 40, w % 40 };
            for (int i = 0; i < 3; i++) {
                if (u[i] == 0 && i == 2 && last)
                    break; /* padding of a two-character tail */
                char ch = c40_char(u[i]);
                if (ch == 0) {
                    s = vfy_cur_fail(&in, VFY_E_BAD_ENCODING,
                                     "C40 pair at offset %zu holds value %u, which is %s", pair_off, u[i],
                                     u[i] == 0 ? "padding before the end" : "a shift not used in seals");
                    break;
                }
                vfy_w_char(&tw, ch);
            }
            if (s != VFY_OK)
                break;
        }
        if (!vfy_w_ok(&tw)) {
            s = vfy_cur_fail(&in, VFY_E_INTERNAL, "C40 output buffer too small");
            break;
        }
    }
    if (s != VFY_OK) {
        c->pos = start;
        return s;
    }
    vfy_w_text_end(&tw);
    *text_len = vfy_w_len(&tw);
    return VFY_OK;
}

void seal_c40_restore_filler(char *text)
{
    for (; *text != '\0'; text++)
        if (*text == ' ')
            *text = '<';
}
