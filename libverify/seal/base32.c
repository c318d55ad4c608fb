/* Base32 without padding (IDB). */
#include "core/fail.h"
#include "core/writer.h"
#include "seal/base32.h"

static int b32_value(uint8_t ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= '2' && ch <= '7')
        return ch - '2' + 26;
    return -1;
}

vfy_status seal_base32_decode(vfy_cursor *c, uint8_t *out, size_t cap, size_t *out_len)
{
    size_t start = c->pos;
    size_t chars = vfy_cur_remaining(c);
    size_t tail = chars % 8;
    if (tail == 1 || tail == 3 || tail == 6)
        return vfy_cur_fail(c, VFY_E_BAD_ENCODING,
                            "base32 text of %zu characters cannot end a byte (a character is missing or extra)",
                            chars);
    uint32_t acc = 0;
    unsigned bits = 0;
    vfy_writer w;
    vfy_w_init(&w, out, cap);
    while (!vfy_cur_at_end(c)) {
        uint8_t ch;
        VFY_TRY(vfy_cur_u8(c, &ch));
        int v = b32_value(ch);
        if (v < 0) {
            c->pos--;
            vfy_status s = vfy_cur_fail(c, VFY_E_BAD_ENCODING,
                                        "character 0x%02X at offset %zu is not in the base32 alphabet A-Z 2-7",
                                        ch, vfy_cur_offset(c));
            c->pos = start;
            return s;
        }
        acc = (acc << 5) | (uint32_t)v;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            vfy_w_u8(&w, (uint8_t)(acc >> bits));
            if (!vfy_w_ok(&w)) {
                c->pos = start;
                return vfy_cur_fail(c, VFY_E_INTERNAL, "base32 output buffer too small");
            }
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0) {
        vfy_status s = vfy_cur_fail(c, VFY_E_BAD_ENCODING, "base32 text ends with non-zero padding bits");
        c->pos = start;
        return s;
    }
    *out_len = vfy_w_len(&w);
    return VFY_OK;
}
