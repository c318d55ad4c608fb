/* The chip's command decoder: ISO/IEC 7816-4 cases 1 to 4, short and extended length.
 * A command that fits no case is refused (the caller answers 6700). */
#include <string.h>

#include "core/cursor.h"
#include "core/fail.h"
#include "sim/sim_internal.h"

vfy_status sim_apdu_parse(const uint8_t *cmd, size_t len, struct sim_apdu *out)
{
    memset(out, 0, sizeof *out);
    vfy_cursor c;
    vfy_cur_init(&c, cmd, len, "command APDU", NULL);
    VFY_TRY(vfy_cur_u8(&c, &out->cla));
    VFY_TRY(vfy_cur_u8(&c, &out->ins));
    VFY_TRY(vfy_cur_u8(&c, &out->p1));
    VFY_TRY(vfy_cur_u8(&c, &out->p2));
    size_t body = vfy_cur_remaining(&c);
    if (body == 0)
        return VFY_OK;                                    /* case 1 */
    uint8_t b1;
    VFY_TRY(vfy_cur_u8(&c, &b1));
    if (body == 1) {                                      /* case 2 short */
        out->le = b1 == 0 ? 256 : b1;
        return VFY_OK;
    }
    if (b1 != 0) {                                        /* case 3 or 4 short */
        out->lc = b1;
        VFY_TRY(vfy_cur_bytes(&c, out->lc, &out->data));
        if (vfy_cur_at_end(&c))
            return VFY_OK;
        uint8_t le;
        VFY_TRY(vfy_cur_u8(&c, &le));
        out->le = le == 0 ? 256 : le;
        return vfy_cur_expect_end(&c);
    }
    out->extended = true;
    uint16_t n;
    VFY_TRY(vfy_cur_u16be(&c, &n));
    if (vfy_cur_at_end(&c)) {                             /* case 2 extended */
        out->le = n == 0 ? 65536 : n;
        return VFY_OK;
    }
    if (n == 0)
        return VFY_E_BAD_LENGTH;                          /* Lc of zero is not a case */
    out->lc = n;
    VFY_TRY(vfy_cur_bytes(&c, out->lc, &out->data));
    if (vfy_cur_at_end(&c))
        return VFY_OK;                                    /* case 3 extended */
    uint16_t le;
    VFY_TRY(vfy_cur_u16be(&c, &le));                      /* case 4 extended */
    out->le = le == 0 ? 65536 : le;
    return vfy_cur_expect_end(&c);
}
