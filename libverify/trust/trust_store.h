/* Internal: the trust store's representation, shared by its files (store, master
 * lists, chaining). Nothing outside libverify/trust/ includes this. */
#ifndef VFY_TRUST_STORE_H
#define VFY_TRUST_STORE_H

#include <openssl/x509.h>

#include "trust/trust_internal.h"

/* Caps that keep a hostile folder or list from exhausting memory. */
#define VFY_TRUST_MAX_ENTRIES 20000
#define VFY_TRUST_MAX_FILE_BYTES (16u * 1024u * 1024u)

struct vfy_trust {
    STACK_OF(X509) *anchors;
    STACK_OF(X509_CRL) *crls;
    vfy_trust_entry *entries;
    size_t entry_count, entry_cap;
};

/* Records what was offered to the store and whether it was accepted. */
vfy_status vfy_trust_record(vfy_trust *t, vfy_trust_kind kind, bool accepted, const char *source,
                            X509 *cert, X509_CRL *crl, const char *reason);

/* Adds an anchor unless an identical one is there; records it either way. */
vfy_status vfy_trust_add_anchor(vfy_trust *t, X509 *cert, vfy_trust_kind kind, const char *source);

/* Loads a CMS-signed CSCA master list; its certificates are added only when its
 * signature and signer verify. */
vfy_status vfy_trust_add_master_list(vfy_trust *t, const uint8_t *data, size_t len,
                                     const char *source, vfy_detail *detail);

/* The store's issuer for `cert`: by key identifier or name, with a verifying signature.
 * Returns NULL and sets *name_matched when only a name matched (bad signature). */
X509 *vfy_trust_find_issuer(const vfy_trust *t, X509 *cert, bool *name_matched);

#endif
