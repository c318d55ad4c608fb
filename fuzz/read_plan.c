/* Fuzz target: the choice of the data groups a read asks for (lds/read_plan.c) from an
 * EF.COM and an EF.SOD as a chip sends them. The first byte is EF.COM's length (capped at
 * what follows), the rest after it EF.SOD. Invariants: DG1..DG16 only; a group EF.SOD
 * added is asked for; without a usable EF.COM every group is asked for. */
#include <stddef.h>
#include <stdint.h>

#include "lds/read_plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t com_len = data[0] < size - 1 ? data[0] : size - 1;
    const uint8_t *com = data + 1, *sod = data + 1 + com_len;
    size_t sod_len = size - 1 - com_len;
    lds_read_plan p;
    lds_read_plan_make(com_len > 0 ? com : NULL, com_len, sod_len > 0 ? sod : NULL, sod_len, &p);
    if (p.read[0] || p.sod_only[0])
        __builtin_trap();
    for (unsigned dg = 1; dg <= 16; dg++) {
        if (p.sod_only[dg] && (!p.read[dg] || !p.sod_usable || !p.com_usable))
            __builtin_trap();
        if (!p.com_usable && !p.read[dg])
            __builtin_trap();
    }
    return 0;
}
