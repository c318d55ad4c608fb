/* Internal: the trust store's representation, shared by its files (store, master
 * lists, chaining). Nothing outside libverify/trust/ includes this. */
#ifndef VFY_TRUST_STORE_H
#define VFY_TRUST_STORE_H

#include <openssl/x509.h>

#include "trust/trust_internal.h"

/* Caps that keep a hostile folder or list from exhausting memory. */
#define VFY_TRUST_MAX_ENTRIES 20000
#define VFY_TRUST_MAX_FILE_BYTES (16u * 1024u * 1024u)

/* A master list the store accepted: kept so that a CRL loaded later that revokes its
 * signer withdraws the list and everything it brought (the check is order-independent). */
typedef struct trust_list {
    X509 *signer;            /* owned reference */
    X509 *signer_csca;       /* owned reference: the CSCA that issued the signer */
    STACK_OF(X509) *certs;   /* owned references: the anchors this list added */
    uint8_t *der;            /* the list as loaded, for the store digest */
    size_t der_len;
    size_t entry_first, entry_end; /* its entries (certificates, then the list itself) */
    bool withdrawn;
} trust_list;

struct vfy_trust {
    STACK_OF(X509) *anchors;   /* CSCAs: self-signed or link, CA:TRUE, keyCertSign */
    STACK_OF(X509) *hints;     /* other certificates (DS, barcode signers): never anchors */
    STACK_OF(X509_CRL) *crls;
    trust_list *lists;
    size_t list_count, list_cap;
    vfy_trust_entry *entries;
    size_t entry_count, entry_cap;
};

/* Why `cert` cannot be a CSCA anchor (basicConstraints, keyUsage, critical extensions),
 * or NULL when it can. */
const char *vfy_trust_not_csca(X509 *cert);

/* Whether `crl` is signed by `csca` (names equal and the signature verifies): 1 yes, 0 no
 * (it failed to verify twice), -1 unknown because memory ran out while verifying (as
 * OpenSSL's error queue tells). Callers fail closed on -1: a CRL that could not be
 * checked is not read as "not this CSCA's" (that could let a revoked certificate pass,
 * or drop a CRL from the store). */
int vfy_trust_crl_of(X509_CRL *crl, X509 *csca);

/* Re-checks accepted master lists against the store's CRLs; withdraws a list whose
 * signer is revoked. */
vfy_status vfy_trust_recheck_lists(vfy_trust *t);

/* Whether every critical extension of `cert` is one this library processes. */
bool vfy_x509_critical_understood(X509 *cert);

/* Records what was offered to the store and whether it was accepted. */
vfy_status vfy_trust_record(vfy_trust *t, vfy_trust_kind kind, bool accepted, const char *source,
                            X509 *cert, X509_CRL *crl, const char *reason);

/* Adds a certificate unless an identical one is there; records it either way. A CSCA
 * becomes an anchor; any other certificate is kept as a path-building hint (kind
 * VFY_TRUST_HINT) or, from a master list, rejected. */
vfy_status vfy_trust_add_anchor(vfy_trust *t, X509 *cert, vfy_trust_kind kind, const char *source);

/* Loads a CMS-signed CSCA master list; its certificates are added only when its
 * signature and signer verify. */
vfy_status vfy_trust_add_master_list(vfy_trust *t, const uint8_t *data, size_t len,
                                     const char *source, vfy_detail *detail);

/* The store's issuer for `cert`: by key identifier or name, with a verifying signature.
 * Returns NULL and sets *name_matched when only a name matched (bad signature). */
X509 *vfy_trust_find_issuer(const vfy_trust *t, X509 *cert, bool *name_matched);

#endif
