/*
 * Internal: the ICAO PKD's LDIF downloads, read with OpenLDAP's LDIF parser (libldap:
 * ldif_read_record, ldif_getline and ldif_parse_line2), reduced to the PKI objects they carry.
 *
 * The PKD layout (one entry per object, under dc=data,dc=download,dc=pkd,dc=icao,dc=int):
 *   o=ml  entries: objectClass pkdMasterList,  pkdMasterListContent:: (a CMS master list)
 *   o=dsc entries: objectClass pkdDownload,    userCertificate;binary:: (DS or barcode signer)
 *   o=crl entries: objectClass cRLDistributionPoint, certificateRevocationList;binary::
 * plus structural entries (dc=, c=, o= containers) that carry no object and are skipped.
 *
 * Stated subset: change records other than `add` (the PKD's delta files' deletes and
 * modifications) are refused, not applied; URL values (`attr:< file:///…`) are refused
 * before libldap could fetch them; every attribute outside the PKD's schema is refused,
 * so a misspelt or unexpected attribute never hides an object. Each entry yields at most
 * one object; an entry with two is refused.
 */
#ifndef VFY_TRUST_PKD_LDIF_H
#define VFY_TRUST_PKD_LDIF_H

#include <stddef.h>
#include <stdint.h>

#include "verify/status.h"
#include "verify/trust.h"

/* An LDIF record larger than this is refused (the largest PKD master list entry is a
 * few MiB of base64). */
#define PKD_LDIF_MAX_RECORD (32u * 1024u * 1024u)

typedef enum pkd_object {
    PKD_NONE = 0,        /* a structural entry: nothing to import */
    PKD_MASTER_LIST,
    PKD_CERTIFICATE,
    PKD_CRL,
} pkd_object;

typedef struct pkd_entry {
    pkd_object object;
    char dn[512];            /* the entry's DN (cut at 511 bytes), for messages */
    unsigned long line;      /* the line the record starts on */
    uint8_t *der;            /* the object's DER (owned; free with pkd_entry_clear) */
    size_t der_len;
} pkd_entry;

void pkd_entry_clear(pkd_entry *e);

/*
 * Parses one LDIF record (the text of one entry, as ldif_read_record returns it; it is
 * modified in place). VFY_E_LDIF with a message naming the entry (its DN when it has
 * one, otherwise its line) for anything malformed or outside the subset above.
 */
VFY_NODISCARD vfy_status pkd_ldif_parse_record(char *record, size_t len, unsigned long line,
                                               pkd_entry *out, vfy_detail *detail);

/* Called for each entry of a file; a non-OK return stops the walk with that status. */
typedef vfy_status (*pkd_entry_fn)(void *ctx, const pkd_entry *entry, vfy_detail *detail);

/* Every entry of the LDIF file at `path`, in order. */
VFY_NODISCARD vfy_status pkd_ldif_each(const char *path, pkd_entry_fn fn, void *ctx,
                                       vfy_detail *detail);

#endif
