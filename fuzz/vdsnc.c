/* Fuzz target: VDS-NC JSON seals, and the RFC 8785 canonicaliser on any JSON value. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/jcs.h"
#include "verify/seal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    (void)vfy_seal_verify(data, size, NULL, &r, &d);
    vfy_seal_result_free(r);
    json_t *v = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, NULL);
    if (v != NULL) {
        char *out = NULL;
        size_t n = 0;
        if (vfy_jcs_serialize(v, 1u << 20, &out, &n) == VFY_OK) {
            /* Canonical output is itself JSON and canonical again. */
            json_t *again = json_loadb(out, n, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, NULL);
            char *out2 = NULL;
            size_t n2 = 0;
            if (again == NULL || vfy_jcs_serialize(again, 1u << 20, &out2, &n2) != VFY_OK || n2 != n ||
                memcmp(out, out2, n) != 0)
                abort();
            free(out2);
            json_decref(again);
        }
        free(out);
        json_decref(v);
    }
    return 0;
}
