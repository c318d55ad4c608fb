/* Fuzz target: EF.CardAccess parsing and the choice of the strongest PACEInfo. */
#include <stddef.h>
#include <stdint.h>

#include "chip/cardaccess.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vfy_card_access ca;
    vfy_detail d;
    vfy_detail_clear(&d);
    if (vfy_card_access_parse(data, size, &ca, &d) == VFY_OK) {
        const vfy_pace_info *p = vfy_card_access_best(&ca);
        if (p != NULL && (p->oid_len == 0 || !p->has_parameter_id))
            __builtin_trap(); /* a chosen PACEInfo must be runnable */
    }
    return 0;
}
