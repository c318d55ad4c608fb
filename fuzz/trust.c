/* Fuzz target: everything the trust store accepts from a file (PEM, DER certificates,
 * CRLs, CMS master lists with their certificate list walked by the cursor), and what it
 * does with a store of several items: chaining every certificate it holds (anchor rule,
 * CRL selection), withdrawing lists when a later CRL revokes their signer, the digest,
 * the build time, and the documentTypeList extension of each certificate.
 *
 * Input: items separated as 0xF5, two-byte big-endian length, item; whatever follows the
 * last such header (or the whole input when it does not start with 0xF5) is the last
 * item. Seeds: fuzz/corpus/trust/ (single files; CSCA+DS+CRL; CSCA+master list). */
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "seal/doc_type_list.h"
#include "trust/trust_internal.h"
#include "verify/trust.h"

static void exercise(vfy_trust *t, X509 *cert)
{
    vfy_chain_result r;
    (void)vfy_trust_chain(t, cert, (time_t)1767225600, &r); /* 2026-01-01 */
    seal_doc_types list;
    vfy_detail d;
    vfy_detail_clear(&d);
    if (seal_doc_types_read(cert, &list, &d) == VFY_OK)
        (void)seal_doc_types_allow(&list, "V");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vfy_trust *t;
    if (vfy_trust_new(&t) != VFY_OK)
        return 0;
    vfy_detail d;
    size_t pos = 0;
    for (int items = 0; pos < size && items < 8; items++) {
        size_t n = size - pos;
        const uint8_t *item = data + pos;
        if (data[pos] == 0xF5 && size - pos >= 3) {
            size_t want = (size_t)data[pos + 1] << 8 | data[pos + 2];
            item = data + pos + 3;
            n = want < size - pos - 3 ? want : size - pos - 3;
            pos += 3 + n;
        } else {
            pos = size;
        }
        vfy_detail_clear(&d);
        (void)vfy_trust_add_memory(t, item, n, "fuzz", &d);
    }
    for (size_t i = 0; i < vfy_trust_entry_count(t); i++) {
        vfy_trust_entry e;
        (void)vfy_trust_entry_get(t, i, &e);
    }
    for (size_t i = 0; i < vfy_trust_anchor_count(t); i++)
        exercise(t, vfy_trust_anchor_get(t, i));
    for (size_t i = 0; i < vfy_trust_hint_count(t); i++)
        exercise(t, vfy_trust_hint_get(t, i));
    uint8_t digest[32];
    (void)vfy_trust_digest(t, digest);
    (void)vfy_trust_built_at(t);
    vfy_trust_free(t);
    return 0;
}
