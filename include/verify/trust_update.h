/*
 * libverify — keeping a trust store current: importing the ICAO PKD's downloads into a
 * managed trust folder, and reporting how fresh a store is.
 *
 * A managed trust folder DIR holds one store per import (DIR/store-<UTC time>-<digest>)
 * and a link DIR/current to the one in force; give DIR/current wherever a trust path is
 * taken (vfy_trust_add_path, `vfy … --trust DIR/current`). An import:
 *   1. reads every input (PKD LDIF downloads, master lists, certificates, CRLs, as files)
 *      beside the objects of the store in force; malformed input stops it (VFY_E_LDIF,
 *      VFY_E_TRUST_STORE) before anything is written;
 *   2. verifies everything together: a master list counts only when its signature and
 *      signer verify (docs/trust.md), a CRL only when a CSCA of the store signed it, a
 *      document or barcode signer only when a CSCA of the store issued it. A CSCA enters
 *      only through a verified master list or as a certificate file the operator names
 *      (an LDIF entry never makes an anchor). Of several CRLs of one CSCA the newest is
 *      kept and the others are reported replaced;
 *   3. writes the new store into a fresh folder beside the old one (files 0600, folder
 *      0700, flushed), and then switches DIR/current to it with one rename(2), so a
 *      reader of DIR/current sees the old store or the new one, never a mixture. An
 *      interrupted import leaves the old store in force; its leftovers are removed by the
 *      next import. The previous store is kept for rollback; older ones are removed.
 * Rejected objects are reported with why; with `strict`, any rejection refuses the whole
 * import (VFY_E_IMPORT_REJECTED, nothing changes).
 *
 * Thread safety: an import is a whole-folder operation; run one at a time per folder.
 * Reports are immutable and may be read from any thread.
 */
#ifndef VERIFY_TRUST_UPDATE_H
#define VERIFY_TRUST_UPDATE_H

#include <time.h>

#include "common.h"
#include "status.h"
#include "trust.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vfy_import_action {
    VFY_IMPORT_ADDED = 1,   /* new, verified, in the new store */
    VFY_IMPORT_UNCHANGED,   /* already in the store in force, still verifies */
    VFY_IMPORT_REPLACED,    /* an older CRL of a CSCA for which a newer one came */
    VFY_IMPORT_REJECTED,    /* did not verify, or may not enter: the reason says why */
    VFY_IMPORT_REMOVED,     /* was in the store in force, no longer verifies */
} vfy_import_action;

typedef struct vfy_import_item {
    vfy_import_action action;
    vfy_trust_kind kind;    /* CERTIFICATE (a CSCA), HINT (a DS or barcode signer),
                               MASTER_LIST or CRL */
    char source[VFY_IMPORT_SOURCE_MAX];       /* the file, and for LDIF the entry's DN and line */
    char subject[VFY_DN_MAX];      /* subject (RFC 4514), or the issuer of a CRL or list signer */
    char country[VFY_ALPHA2_MAX];
    char reason[VFY_IMPORT_REASON_MAX];       /* why it was rejected, replaced or removed; "" otherwise */
} vfy_import_item;

typedef struct vfy_trust_import_options {
    size_t size;                 /* sizeof(vfy_trust_import_options): use the INIT macro */
    const char *const *inputs;   /* files: *.ldif (PKD downloads), *.ml, certificates, CRLs */
    size_t input_count;
    bool strict;                 /* any rejected object refuses the whole import */
} vfy_trust_import_options;

#define VFY_TRUST_IMPORT_OPTIONS_INIT VFY_SIZED_INIT_(vfy_trust_import_options)

typedef struct vfy_trust_import_report vfy_trust_import_report;

/*
 * Imports `options->inputs` into the managed trust folder `store_dir` (created 0700 when
 * missing). VFY_OK: the new store is in force, or nothing changed. *report is set
 * whenever the inputs could be read (also with VFY_E_IMPORT_REJECTED), NULL otherwise.
 */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_trust_import(const char *store_dir,
                                                  const vfy_trust_import_options *options,
                                                  vfy_trust_import_report **report,
                                                  vfy_detail *detail);
VFY_API void vfy_trust_import_report_free(vfy_trust_import_report *report);
VFY_API size_t vfy_trust_import_item_count(const vfy_trust_import_report *report);
VFY_API bool vfy_trust_import_item_at(const vfy_trust_import_report *report, size_t index,
                                      vfy_import_item *out);
/* How many items took `action`. */
VFY_API size_t vfy_trust_import_count(const vfy_trust_import_report *report,
                                      vfy_import_action action);
/* Whether DIR/current now names a new store, and its folder (absolute) or "". */
VFY_API bool vfy_trust_import_switched(const vfy_trust_import_report *report);
VFY_API const char *vfy_trust_import_store(const vfy_trust_import_report *report);
VFY_API const char *vfy_import_action_name(vfy_import_action action);
/* JSON (schema "libverify.trust-import/1", docs/schema/trust-import.schema.json);
 * release with vfy_free. VFY_JSON_PRETTY for indentation. */
VFY_API char *vfy_trust_import_to_json(const vfy_trust_import_report *report, unsigned flags);

/*
 * Freshness of a store at time `at` (0: now): each CSCA's validity and CRL (none, the
 * newest past nextUpdate, or current), CSCAs and signer certificates expiring within
 * `window_days`, and the countries with no CRL at all.
 */
typedef enum vfy_freshness {
    VFY_FRESH = 1,          /* valid, not expiring; for a CSCA, a current CRL */
    VFY_FRESH_EXPIRING,     /* expires within the window */
    VFY_FRESH_EXPIRED,      /* past notAfter (or before notBefore) */
    VFY_FRESH_CRL_STALE,    /* a CSCA whose newest CRL is past nextUpdate */
    VFY_FRESH_CRL_MISSING,  /* a CSCA without any CRL */
} vfy_freshness;

typedef struct vfy_trust_status_item {
    vfy_trust_kind kind;    /* CERTIFICATE (a CSCA) or HINT (a signer certificate) */
    vfy_freshness state;    /* the worst that applies */
    char subject[VFY_DN_MAX];
    char country[VFY_ALPHA2_MAX];
    char serial[VFY_SERIAL_HEX_MAX];        /* hex */
    char sha256[VFY_SHA256_HEX_MAX];        /* hex fingerprint of the DER */
    time_t not_after;
    size_t crl_count;       /* CSCA: CRLs that verify under it */
    time_t crl_this_update; /* CSCA: the newest CRL's thisUpdate, 0 if none */
    time_t crl_next_update;
} vfy_trust_status_item;

typedef struct vfy_trust_status vfy_trust_status;

VFY_API VFY_NODISCARD VFY_NONNULL(1, 4) vfy_status vfy_trust_status_make(const vfy_trust *trust, time_t at,
                                                       unsigned window_days,
                                                       vfy_trust_status **out);
VFY_API void vfy_trust_status_free(vfy_trust_status *status);
VFY_API size_t vfy_trust_status_item_count(const vfy_trust_status *status);
VFY_API bool vfy_trust_status_item_at(const vfy_trust_status *status, size_t index,
                                      vfy_trust_status_item *out);
/* Items in `state`. */
VFY_API size_t vfy_trust_status_count(const vfy_trust_status *status, vfy_freshness state);
/* True when every item is VFY_FRESH. */
VFY_API bool vfy_trust_status_healthy(const vfy_trust_status *status);
/* Countries (alpha-2, comma-separated, sorted) whose CSCAs have no CRL at all. */
VFY_API const char *vfy_trust_status_countries_without_crl(const vfy_trust_status *status);
VFY_API const char *vfy_freshness_name(vfy_freshness state);
/* JSON (schema "libverify.trust-status/1"); release with vfy_free. */
VFY_API char *vfy_trust_status_to_json(const vfy_trust_status *status, unsigned flags);

#ifdef __cplusplus
}
#endif

#endif
