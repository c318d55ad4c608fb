/* Fuzz target: binary Visible Digital Seals through the public API (header layouts
 * and the legacy fallback, C40, dates, feature tables, signature zone). */
#include <stddef.h>
#include <stdint.h>

#include "verify/seal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    (void)vfy_seal_verify(data, size, NULL, &r, &d);
    vfy_seal_result_free(r);
    /* The same bytes behind a version-4 and a version-3 magic, so most inputs reach
     * the header parser. */
    static uint8_t buf[4096];
    for (uint8_t version = 2; version <= 3 && size + 2 <= sizeof buf; version++) {
        buf[0] = 0xDC;
        buf[1] = version;
        for (size_t i = 0; i < size; i++)
            buf[i + 2] = data[i];
        r = NULL;
        (void)vfy_seal_verify(buf, size + 2, NULL, &r, &d);
        vfy_seal_result_free(r);
    }
    return 0;
}
