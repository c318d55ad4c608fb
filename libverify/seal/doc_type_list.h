/*
 * Internal: the ICAO documentTypeList certificate extension (9303-12 §7.1.1.3,
 * OID 2.23.136.1.1.6.2), which restricts the document types a signer may sign:
 *   DocumentTypeListSyntax ::= SEQUENCE { version INTEGER, docTypeList SET OF DocumentType }
 *   DocumentType ::= PrintableString (SIZE (1..2))
 * A bare SET OF PrintableString (as some descriptions give it) is read too.
 */
#ifndef VFY_SEAL_DOC_TYPE_LIST_H
#define VFY_SEAL_DOC_TYPE_LIST_H

#include <openssl/x509.h>
#include <stdbool.h>

#include "verify/status.h"

#define SEAL_DOC_TYPES_MAX 16

typedef struct seal_doc_types {
    bool present;                         /* the certificate carries the extension */
    size_t count;
    char types[SEAL_DOC_TYPES_MAX][3];    /* "V", "NV", "ST" ... */
} seal_doc_types;

/* Reads the extension of `cert` into `out`. A malformed extension is an error
 * (VFY_E_SEAL_DOC_TYPE with the reason in detail), never "absent". */
VFY_NODISCARD vfy_status seal_doc_types_read(X509 *cert, seal_doc_types *out, vfy_detail *detail);

/* Whether `code` (a seal's document type, "V", "NV" ...) is allowed: listed exactly, or
 * a one-letter entry equal to its first letter. */
bool seal_doc_types_allow(const seal_doc_types *list, const char *code);

#endif
