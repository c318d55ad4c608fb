/* Command APDU encoding and decoding, status-word names. */
#include <string.h>

#include "chip/apdu.h"
#include "core/cursor.h"
#include "core/fail.h"
#include "core/writer.h"

bool vfy_apdu_is_extended(const vfy_apdu *a)
{
    return a->extended || a->data_len > 255 || a->le > VFY_APDU_LE_SHORT_MAX;
}

size_t vfy_apdu_encoded_len(const vfy_apdu *a)
{
    bool ext = vfy_apdu_is_extended(a);
    size_t n = 4;
    if (a->data_len > 0)
        n += (ext ? 3 : 1) + a->data_len;
    if (a->le != VFY_APDU_LE_NONE)
        n += ext ? (a->data_len > 0 ? 2 : 3) : 1;
    return n;
}

vfy_status vfy_apdu_encode(const vfy_apdu *a, uint8_t *out, size_t cap, size_t *out_len,
                           vfy_detail *detail)
{
    *out_len = 0;
    if (a->data_len > VFY_APDU_MAX_DATA || a->le > VFY_APDU_LE_EXT_MAX ||
        (a->data_len > 0 && a->data == NULL))
        return vfy_fail(detail, VFY_E_APDU, "apdu",
                        "command INS %02X cannot be encoded: %zu data bytes, Le %u", a->ins,
                        a->data_len, a->le);
    size_t n = vfy_apdu_encoded_len(a);
    if (n > cap)
        return vfy_fail(detail, VFY_E_APDU, "apdu", "command of %zu bytes does not fit in %zu",
                        n, cap);
    bool ext = vfy_apdu_is_extended(a);
    vfy_writer w;
    vfy_w_init(&w, out, cap);
    vfy_w_u8(&w, a->cla);
    vfy_w_u8(&w, a->ins);
    vfy_w_u8(&w, a->p1);
    vfy_w_u8(&w, a->p2);
    if (a->data_len > 0) {
        if (ext) {
            vfy_w_u8(&w, 0);
            vfy_w_u16be(&w, (uint16_t)a->data_len);
        } else {
            vfy_w_u8(&w, (uint8_t)a->data_len);
        }
        vfy_w_bytes(&w, a->data, a->data_len);
    }
    if (a->le != VFY_APDU_LE_NONE) {
        /* The largest Le of each form is encoded as zero (ISO/IEC 7816-4 5.1). */
        uint32_t le = a->le == (ext ? VFY_APDU_LE_EXT_MAX : VFY_APDU_LE_SHORT_MAX) ? 0 : a->le;
        if (ext) {
            if (a->data_len == 0)
                vfy_w_u8(&w, 0);
            vfy_w_u16be(&w, (uint16_t)le);
        } else {
            vfy_w_u8(&w, (uint8_t)le);
        }
    }
    return vfy_w_finish(&w, out_len, VFY_E_APDU, "apdu", detail);
}

vfy_status vfy_apdu_decode(const uint8_t *in, size_t len, vfy_apdu *a, vfy_detail *detail)
{
    memset(a, 0, sizeof *a);
    vfy_cursor c;
    vfy_cur_init(&c, in, len, "command APDU", detail);
    VFY_TRY(vfy_cur_u8(&c, &a->cla));
    VFY_TRY(vfy_cur_u8(&c, &a->ins));
    VFY_TRY(vfy_cur_u8(&c, &a->p1));
    VFY_TRY(vfy_cur_u8(&c, &a->p2));
    size_t rest = vfy_cur_remaining(&c);
    if (rest == 0)
        return VFY_OK; /* case 1 */
    uint8_t b0;
    VFY_TRY(vfy_cur_u8(&c, &b0));
    if (rest == 1) { /* case 2 short */
        a->le = b0 == 0 ? VFY_APDU_LE_SHORT_MAX : b0;
        return VFY_OK;
    }
    if (b0 != 0) { /* short Lc: case 3 or 4 short */
        VFY_TRY(vfy_cur_bytes(&c, b0, &a->data));
        a->data_len = b0;
        if (vfy_cur_at_end(&c))
            return VFY_OK;
        uint8_t le;
        VFY_TRY(vfy_cur_u8(&c, &le));
        a->le = le == 0 ? VFY_APDU_LE_SHORT_MAX : le;
        return vfy_cur_expect_end(&c);
    }
    a->extended = true;
    uint16_t v;
    VFY_TRY(vfy_cur_u16be(&c, &v));
    if (vfy_cur_at_end(&c)) { /* case 2 extended: 00 Le1 Le2 */
        a->le = v == 0 ? VFY_APDU_LE_EXT_MAX : v;
        return VFY_OK;
    }
    if (v == 0)
        return vfy_cur_fail(&c, VFY_E_APDU, "extended Lc of 0 is not allowed");
    VFY_TRY(vfy_cur_bytes(&c, v, &a->data));
    a->data_len = v;
    if (vfy_cur_at_end(&c))
        return VFY_OK;
    uint16_t le;
    VFY_TRY(vfy_cur_u16be(&c, &le));
    a->le = le == 0 ? VFY_APDU_LE_EXT_MAX : le;
    return vfy_cur_expect_end(&c);
}

vfy_status vfy_apdu_response_split(const uint8_t *resp, size_t len, size_t *data_len,
                                   uint16_t *sw, vfy_detail *detail)
{
    if (len < 2)
        return vfy_fail(detail, VFY_E_APDU, "response",
                        "the chip's response has %zu bytes, too short for a status word", len);
    *data_len = len - 2;
    *sw = (uint16_t)((resp[len - 2] << 8) | resp[len - 1]);
    return VFY_OK;
}

const char *vfy_sw_name(uint16_t sw)
{
    switch (sw) {
    case 0x9000: return "9000 success";
    case 0x6282: return "6282 end of file reached before Le bytes";
    case 0x6283: return "6283 selected file deactivated";
    case 0x6300: return "6300 authentication failed";
    case 0x6581: return "6581 memory failure";
    case 0x6700: return "6700 wrong length";
    case 0x6881: return "6881 logical channel not supported";
    case 0x6882: return "6882 secure messaging not supported";
    case 0x6982: return "6982 security status not satisfied";
    case 0x6983: return "6983 authentication method blocked";
    case 0x6984: return "6984 reference data not usable";
    case 0x6985: return "6985 conditions of use not satisfied";
    case 0x6986: return "6986 command not allowed (no current EF)";
    case 0x6987: return "6987 expected secure messaging data objects missing";
    case 0x6988: return "6988 incorrect secure messaging data objects";
    case 0x6A80: return "6A80 incorrect parameters in the data field";
    case 0x6A82: return "6A82 file or application not found";
    case 0x6A86: return "6A86 incorrect parameters P1-P2";
    case 0x6A88: return "6A88 referenced data not found";
    case 0x6B00: return "6B00 wrong parameters (offset outside the EF)";
    case 0x6D00: return "6D00 instruction not supported";
    case 0x6E00: return "6E00 class not supported";
    case 0x6F00: return "6F00 no precise diagnosis";
    default: break;
    }
    switch (sw >> 8) {
    case 0x61: return "61xx more response bytes available";
    case 0x62: return "62xx warning, state unchanged";
    case 0x63: return "63xx warning, state changed";
    case 0x6C: return "6Cxx wrong Le, the right one is xx";
    case 0x64: return "64xx execution error";
    case 0x65: return "65xx memory error";
    default: return "unknown status word";
    }
}
