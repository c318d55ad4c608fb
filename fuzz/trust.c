/* Fuzz target: everything the trust store accepts from a file (PEM, DER certificates,
 * CRLs, CMS master lists with their certificate list walked by the cursor). */
#include <stddef.h>
#include <stdint.h>

#include "verify/trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vfy_trust *t;
    if (vfy_trust_new(&t) != VFY_OK)
        return 0;
    vfy_detail d;
    vfy_detail_clear(&d);
    (void)vfy_trust_add_memory(t, data, size, "fuzz", &d);
    for (size_t i = 0; i < vfy_trust_entry_count(t); i++) {
        vfy_trust_entry e;
        (void)vfy_trust_entry_get(t, i, &e);
    }
    vfy_trust_free(t);
    return 0;
}
