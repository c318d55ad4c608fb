/* Fuzz target: BER-TLV walking (vfy_tlv_validate, vfy_tlv_find_path) in BER, DER and
 * indefinite-length modes. */
#include <stddef.h>
#include <stdint.h>

#include "core/tlv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned modes[] = { 0, VFY_TLV_DER, VFY_TLV_ALLOW_INDEFINITE };
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        vfy_detail d;
        vfy_detail_clear(&d);
        (void)vfy_tlv_validate(data, size, modes[m], "fuzz", &d);
        vfy_tlv t;
        const uint32_t path[] = { 0x77, 0x30, 0x04 };
        (void)vfy_tlv_find_path(data, size, path, 3, modes[m], "fuzz", &d, &t);
        vfy_cursor c;
        vfy_cur_init(&c, data, size, "fuzz", &d);
        while (!vfy_cur_at_end(&c) && vfy_tlv_next(&c, modes[m], &t) == VFY_OK) {
            vfy_tlv child;
            (void)vfy_tlv_child(&t, 0x02, modes[m], &child);
        }
    }
    return 0;
}
