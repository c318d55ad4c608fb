/*
 * libverify — the trust store: CSCA certificates, CSCA master lists, CRLs and
 * barcode-signer certificates that anchor Passive Authentication and seal checks.
 *
 * Accepted inputs: X.509 certificates in PEM or DER; CMS-signed CSCA master lists
 * (ICAO 9303-12, `.ml`); X.509 CRLs in PEM or DER; folders of these (not recursive;
 * certificates are loaded first, then master lists, then CRLs). Certificates with
 * explicit EC domain parameters, as 9303-12 asks for, are accepted.
 *
 * A master list is only as trustworthy as its signer: its signer certificate must be
 * issued by a CSCA that is already in the store (load the issuing state's CSCA, obtained
 * out of band, before its list). A list whose signature or signer does not verify is
 * rejected whole. A certificate inside a list is never trusted because the same list
 * contains its issuer.
 *
 * Anchors (ICAO 9303-12): only CSCA certificates anchor — self-signed CSCAs or CSCA
 * link certificates with basicConstraints CA:TRUE and keyUsage keyCertSign. Any other
 * certificate (a document signer, a barcode signer, as the PKD's downloads mix them
 * in) is kept as a hint for finding a signer and is checked against its CSCA and that
 * CSCA's CRLs like one carried in EF.SOD; it never anchors by itself. A master list's
 * signer must carry the master-list-signer EKU (2.23.136.1.1.3), be valid when it
 * signed, not be revoked (also by a CRL loaded after the list) and be issued by a CSCA
 * of its own country in the store. See docs/trust.md.
 *
 * Non-goals: no network fetching (PKD, LDAP), no delta CRLs, no policy or name
 * constraints (the ICAO model: a DS certificate chains in one step to a CSCA or CSCA
 * link certificate).
 *
 * Everything offered is recorded with the reason it was accepted or rejected, so
 * `vfy trust show` can explain the store. A store is immutable once loading is done
 * and may then be shared between threads.
 *
 * Thread safety: loading (vfy_trust_add_*) needs the store to itself; once loading is
 * done, any number of threads may inspect and verify seals against one store
 * (tests/test_threads.c).
 */
#ifndef VERIFY_TRUST_H
#define VERIFY_TRUST_H

#include <time.h>

#include "common.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vfy_trust vfy_trust;

typedef enum vfy_trust_kind {
    VFY_TRUST_CERTIFICATE = 1,   /* a CSCA or other anchor given directly */
    VFY_TRUST_MASTER_LIST_CERT,  /* a CSCA that came from a master list */
    VFY_TRUST_MASTER_LIST,       /* the master list itself */
    VFY_TRUST_CRL,
    VFY_TRUST_HINT,              /* a non-CA certificate (DS, barcode signer): a path hint, never an anchor */
} vfy_trust_kind;

typedef struct vfy_trust_entry {
    vfy_trust_kind kind;
    bool accepted;
    char source[VFY_TRUST_SOURCE_MAX];     /* the file it came from */
    char subject[VFY_DN_MAX];    /* one-line subject (or issuer, for a CRL) */
    char country[VFY_ALPHA2_MAX];      /* ISO 3166-1 alpha-2 of the subject, "" if none */
    time_t not_before;    /* validity, or CRL thisUpdate/nextUpdate */
    time_t not_after;
    char reason[VFY_TRUST_REASON_MAX];     /* why it was rejected, or a note */
    char serial[VFY_SERIAL_HEX_MAX];      /* hex serial number (certificate) or CRL number, "" if none */
    char sha256[VFY_SHA256_HEX_MAX];      /* hex SHA-256 of the item's DER, "" when it could not be read */
} vfy_trust_entry;

VFY_API VFY_NODISCARD VFY_NONNULL(1) vfy_status vfy_trust_new(vfy_trust **out);
VFY_API void vfy_trust_free(vfy_trust *trust);

/* Adds a file or every file of a folder. Unusable items are recorded as rejected;
 * the call fails only when the path cannot be read at all or holds nothing usable. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_trust_add_path(vfy_trust *trust, const char *path,
                                                    vfy_detail *detail);
/* Adds several files and folders as one: every file of them in one order (certificates,
 * then master lists, then CRLs), so the result does not depend on the order of `paths`.
 * Unusable items are recorded as rejected; the call fails when a path cannot be read or
 * nothing in any of them is usable. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_trust_add_paths(vfy_trust *trust, const char *const *paths,
                                                     size_t count, vfy_detail *detail);
/* Adds one certificate or master list or CRL from memory (format detected). */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_trust_add_memory(vfy_trust *trust, const uint8_t *data,
                                                      size_t len, const char *source_name,
                                                      vfy_detail *detail);

VFY_API size_t vfy_trust_entry_count(const vfy_trust *trust);
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_trust_entry_get(const vfy_trust *trust, size_t index,
                                                     vfy_trust_entry *out);
/* Number of accepted anchor certificates (CSCAs; hints are not counted). */
VFY_API size_t vfy_trust_anchor_count(const vfy_trust *trust);

/*
 * A digest naming the store's content for audit records: SHA-256 over the DER of every
 * accepted item (anchor and hint certificates, accepted master lists, CRLs), sorted
 * bytewise and concatenated. Two stores with the same accepted items have the same
 * digest whatever the load order. VFY_E_INVALID_ARGUMENT without a store.
 */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_trust_digest(const vfy_trust *trust, uint8_t out[VFY_SHA256_SIZE]);

/*
 * The store's build time: the newest of the accepted CRLs' thisUpdate and the accepted
 * certificates' notBefore (anchors and hints). A clock earlier than this is wrong. 0 for
 * an empty store.
 */
VFY_API time_t vfy_trust_built_at(const vfy_trust *trust);

/*
 * The store as JSON, schema "libverify.trust/1" (docs/schema/trust.schema.json): anchors,
 * digest, built_at, and every item offered — certificates first, then master lists, then
 * CRLs, each ordered by country and subject, so the same files give the same report in any
 * order — with kind, accepted, country, subject, serial, sha256, validity, "expired" at
 * `at` (0: now), reason, and every source it came from (duplicates are one item). Release
 * with vfy_free. VFY_JSON_PRETTY for indentation.
 */
VFY_API char *vfy_trust_to_json(const vfy_trust *trust, time_t at, unsigned flags);

#ifdef __cplusplus
}
#endif

#endif
