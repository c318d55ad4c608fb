/* Fuzz target: one ICAO PKD LDIF entry, as `vfy trust import` reads it — the record
 * through OpenLDAP's parser (pkd_ldif_parse_record: URL values refused first, unknown
 * attributes, change records, several objects refused), then the object it yields into a
 * trust store (certificate, CRL or master list), the way the import verifies it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trust/pkd_ldif.h"
#include "verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1u << 20)
        return 0;
    char *record = malloc(size + 1);
    if (record == NULL)
        return 0;
    memcpy(record, data, size);
    record[size] = '\0';
    pkd_entry e;
    if (pkd_ldif_parse_record(record, size, 1, &e, NULL) == VFY_OK) {
        if (e.object != PKD_NONE && e.der == NULL)
            abort(); /* an object without its bytes */
        if (e.der != NULL) {
            vfy_trust *t;
            if (vfy_trust_new(&t) == VFY_OK) {
                (void)vfy_trust_add_memory(t, e.der, e.der_len, e.dn, NULL);
                vfy_trust_free(t);
            }
        }
        pkd_entry_clear(&e);
    }
    free(record);
    return 0;
}
