/* base64url decoding, strict. */
#include "core/fail.h"
#include "seal/base64url.h"

static int b64_value(uint8_t ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '-')
        return 62;
    if (ch == '_')
        return 63;
    return -1;
}

vfy_status seal_base64url_decode(vfy_cursor *c, uint8_t *out, size_t cap, size_t *out_len)
{
    size_t start = c->pos;
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t n = 0, chars = 0, pad = 0;
    vfy_status s = VFY_OK;
    while (!vfy_cur_at_end(c)) {
        uint8_t ch;
        VFY_TRY(vfy_cur_u8(c, &ch));
        if (ch == '=') {
            pad++;
            continue;
        }
        int v = b64_value(ch);
        if (v < 0 || pad > 0) {
            c->pos--;
            s = vfy_cur_fail(c, VFY_E_BAD_ENCODING, "character 0x%02X at offset %zu is not base64url%s", ch,
                             vfy_cur_offset(c), pad > 0 ? " data after padding" : "");
            break;
        }
        chars++;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n >= cap) {
                s = vfy_cur_fail(c, VFY_E_INTERNAL, "base64url output buffer too small");
                break;
            }
            out[n++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (s == VFY_OK && (chars % 4 == 1 || acc != 0 || (pad > 0 && (chars + pad) % 4 != 0) || pad > 2))
        s = vfy_cur_fail(c, VFY_E_BAD_ENCODING, "base64url text of %zu characters has a malformed end", chars);
    if (s != VFY_OK) {
        c->pos = start;
        return s;
    }
    *out_len = n;
    return VFY_OK;
}
