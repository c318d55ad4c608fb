/*
 * libverify — status codes.
 *
 * Every failure is one vfy_status. Codes are grouped in ranges by layer, so a
 * caller can branch on the layer (vfy_status_layer) as well as on the code.
 * Numbers are stable: a retired code keeps its number and is never reused.
 *
 * vfy_status_name() gives a stable identifier ("VFY_E_TRUNCATED"), vfy_strerror()
 * one sentence. A failing call may also fill a vfy_detail: which field, which byte
 * offset or line and column, and a message a person can act on.
 *
 * Thread safety: names and sentences are static text; safe from any thread. A
 * vfy_detail belongs to the thread that passed it.
 */
#ifndef VERIFY_STATUS_H
#define VERIFY_STATUS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, number, sentence) — the one list from which the enum and the tables come. */
#define VFY_STATUS_LIST(X) \
    X(VFY_OK,                      0, "success") \
    /* usage and environment: 1-99 */ \
    X(VFY_E_INVALID_ARGUMENT,      1, "an argument passed to the library is invalid") \
    X(VFY_E_NO_MEMORY,             2, "out of memory") \
    X(VFY_E_IO,                    3, "a file could not be read or written") \
    X(VFY_E_UNSUPPORTED,           4, "the input uses a feature this library does not support") \
    X(VFY_E_INTERNAL,              5, "internal error in libverify (please report it)") \
    X(VFY_E_LIMIT,                 6, "the input exceeds a configured size or count limit") \
    X(VFY_E_CANCELLED,             7, "the operation was cancelled by the caller") \
    X(VFY_E_TIMEOUT,               8, "the operation timed out") \
    X(VFY_E_NOT_FOUND,             9, "the requested item does not exist") \
    X(VFY_E_CONFIG,               10, "the configuration is invalid") \
    X(VFY_E_EXISTS,               11, "the file or folder exists already; libverify never replaces one") \
    X(VFY_E_SYMLINK,              12, "a path leads through a symbolic link, which libverify does not follow when writing") \
    X(VFY_E_OUTPUT_FULL,          13, "an encoding does not fit in its output buffer") \
    X(VFY_E_RULES_RESIGN,         14, "the rule set is signed in a retired form; its publisher must re-sign it with 'vfy rules sign'") \
    /* bounded parsing and encodings: 100-199 */ \
    X(VFY_E_TRUNCATED,           100, "the input ends before a complete element") \
    X(VFY_E_LENGTH_OVERFLOW,     101, "a length field points beyond the end of its enclosing data") \
    X(VFY_E_TRAILING_BYTES,      102, "unexpected bytes follow the end of an element") \
    X(VFY_E_BAD_TAG,             103, "an element has an unexpected or malformed tag") \
    X(VFY_E_BAD_LENGTH,          104, "an element has a malformed or non-minimal length field") \
    X(VFY_E_INDEFINITE_LENGTH,   105, "an indefinite length is not allowed here") \
    X(VFY_E_TOO_DEEP,            106, "elements are nested deeper than the parser allows") \
    X(VFY_E_BAD_VALUE,           107, "an element's value is out of range or malformed") \
    X(VFY_E_BAD_ENCODING,        108, "the input is not in the expected encoding") \
    /* MRZ: 200-299 */ \
    X(VFY_E_MRZ_FORMAT,          200, "the MRZ lines do not match any ICAO 9303 format") \
    X(VFY_E_MRZ_CHARACTER,       201, "the MRZ contains a character outside A-Z, 0-9 and '<'") \
    X(VFY_E_MRZ_CHECK_DIGIT,     202, "an MRZ check digit does not match its field") \
    X(VFY_E_MRZ_FIELD,           203, "an MRZ field has an invalid value") \
    X(VFY_E_MRZ_DATE,            204, "an MRZ date is not a valid calendar date") \
    X(VFY_E_MRZ_DOCUMENT_CODE,   205, "the MRZ document code is not one its format allows (ICAO 9303-4 to -7)") \
    X(VFY_E_MRZ_STATE_CODE,      206, "an MRZ issuing state or nationality is not a code of ICAO 9303-3") \
    /* readers and transport: 300-399 */ \
    X(VFY_E_READER,              300, "the card reader reported an error") \
    X(VFY_E_NO_READER,           301, "no card reader was found") \
    X(VFY_E_NO_CARD,             302, "no document is on the reader") \
    X(VFY_E_CARD_REMOVED,        303, "the document was removed from the reader") \
    X(VFY_E_READER_LIMIT,        304, "the command or response is larger than the reader can carry") \
    X(VFY_E_TRANSPORT,           305, "the link to the card failed") \
    X(VFY_E_BAD_CONNECTION,      306, "the reader connection string is invalid") \
    X(VFY_E_CARD_RESET,          307, "the document was reset by another application; read it again") \
    X(VFY_E_READER_GONE,         308, "the card reader was disconnected") \
    /* APDUs, secure messaging, access control: 400-499 */ \
    X(VFY_E_APDU,                400, "an APDU is malformed") \
    X(VFY_E_STATUS_WORD,         401, "the chip answered with an error status word") \
    X(VFY_E_SM_MAC,              402, "a secure-messaging MAC did not verify") \
    X(VFY_E_SM_FORMAT,           403, "a secure-messaging response is malformed") \
    X(VFY_E_SM_REQUIRED,         404, "the chip answered without secure messaging where it was required") \
    X(VFY_E_BAC_FAILED,          405, "Basic Access Control failed: check the MRZ data") \
    X(VFY_E_PACE_FAILED,         406, "PACE failed") \
    X(VFY_E_PACE_TOKEN,          407, "the PACE authentication token of the chip did not verify") \
    X(VFY_E_ACCESS_DENIED,       408, "the chip refused access to the file") \
    X(VFY_E_NO_ACCESS_PROTOCOL,  409, "no access-control protocol supported by both sides") \
    X(VFY_E_DOWNGRADE,           410, "refusing to fall back to a weaker protocol") \
    X(VFY_E_FILE_NOT_FOUND,      411, "the chip has no such file") \
    X(VFY_E_CHIP_PROTOCOL,       412, "the chip broke the protocol") \
    /* cryptography, PKI and document authenticity: 500-599 */ \
    X(VFY_E_CRYPTO,              500, "a cryptographic operation failed") \
    X(VFY_E_SIGNATURE,           501, "a signature does not verify") \
    X(VFY_E_HASH_MISMATCH,       502, "a hash does not match the signed value") \
    X(VFY_E_CERT_CHAIN,          503, "the certificate does not chain to a trusted anchor") \
    X(VFY_E_CERT_EXPIRED,        504, "a certificate is expired or not yet valid") \
    X(VFY_E_CERT_REVOKED,        505, "a certificate is revoked") \
    X(VFY_E_NO_TRUST_ANCHOR,     506, "no trust anchor is known for this signer") \
    X(VFY_E_TRUST_STORE,         507, "the trust store could not be loaded") \
    X(VFY_E_KEY_USAGE,           508, "a certificate is not allowed for this use") \
    X(VFY_E_WEAK_KEY,            509, "a key is weaker than policy allows") \
    X(VFY_E_ALGORITHM,           510, "an algorithm is unknown or not allowed") \
    X(VFY_E_AA_FAILED,           511, "Active Authentication failed") \
    X(VFY_E_CA_FAILED,           512, "Chip Authentication failed") \
    X(VFY_E_MISMATCH,            513, "two sources of the same data disagree") \
    X(VFY_E_CRL_STALE,           520, "the newest CRL of the issuing CSCA is past its next update") \
    X(VFY_E_CRL_MISSING,         521, "the trust store holds no CRL of the issuing CSCA") \
    X(VFY_E_NOT_A_CA,            522, "the issuing certificate is not a CA (basicConstraints CA:TRUE) allowed to sign certificates") \
    X(VFY_E_CRITICAL_EXTENSION,  523, "a certificate carries a critical extension that is not understood") \
    X(VFY_E_CLOCK,               524, "the clock is earlier than data the trust store already holds") \
    X(VFY_E_LDIF,                525, "an LDIF download is malformed or outside the PKD layout") \
    X(VFY_E_IMPORT_REJECTED,     526, "the trust-store import was refused: an entry did not verify") \
    /* visible digital seals and barcodes: 600-699 */ \
    X(VFY_E_SEAL_FORMAT,         600, "the seal is malformed") \
    X(VFY_E_SEAL_VERSION,        601, "the seal version is not supported") \
    X(VFY_E_SEAL_UNSIGNED,       602, "the seal carries no signature") \
    X(VFY_E_INFLATE,             603, "the compressed data is corrupt") \
    X(VFY_E_DECOMPRESSION_BOMB,  604, "the compressed data expands beyond the allowed size") \
    X(VFY_E_SEAL_SIGNER_UNKNOWN, 605, "no barcode-signer certificate matches the seal's signer and reference") \
    X(VFY_E_SEAL_COUNTRY,        620, "the seal's issuing state differs from its signer's or CSCA's country") \
    X(VFY_E_SEAL_DOC_TYPE,       621, "the barcode signer is not allowed to sign this document type") \
    /* rule sets and eligibility: 700-799 */ \
    X(VFY_E_RULES_PARSE,         700, "the rule set is not valid JSON") \
    X(VFY_E_RULES_SCHEMA,        701, "the rule set does not follow the rule-set format") \
    X(VFY_E_RULES_SIGNATURE,     702, "the rule set's signature does not verify") \
    X(VFY_E_RULES_UNTRUSTED,     703, "the rule set is signed by a key that is not trusted") \
    X(VFY_E_RULES_STATUS,        704, "the rule set's status does not allow its use in production") \
    X(VFY_E_CASE_PARSE,          705, "the case is malformed") \
    X(VFY_E_RULES_CONFLICT,      706, "rule sets conflict and no combine policy resolves it") \
    X(VFY_E_CASE_INCOMPLETE,     707, "the case lacks what every decision needs (a traveller)") \
    X(VFY_E_CASE_VOCABULARY,     708, "the case names a category or evidence that no rule set in force defines") \
    X(VFY_E_RULES_DEVELOPMENT_KEY, 709, "the rule set is signed with the development key, refused in production") \
    /* audit trail: 800-819 */ \
    X(VFY_E_AUDIT_FORMAT,        800, "the file is not a readable libverify audit log") \
    X(VFY_E_AUDIT_TAMPERED,      801, "the audit log was changed: a record was modified, removed, inserted or reordered") \
    X(VFY_E_AUDIT_WRITE,         802, "the audit record could not be written; the inspection is not recorded") \
    X(VFY_E_AUDIT_KEY,           803, "the audit key is malformed, of the wrong kind, or not the key in force for this log") \
    X(VFY_E_AUDIT_CHECKPOINT,    804, "the audit checkpoint is malformed") \
    /* local inspection service (vfy serve): 900-919 */ \
    X(VFY_E_REQUEST_MALFORMED,   900, "the service request is malformed: not JSON, an unknown or missing member, or a value of the wrong form") \
    X(VFY_E_REQUEST_TOO_LARGE,   901, "the service request's body exceeds 64 KiB") \
    X(VFY_E_REQUEST_MEDIA_TYPE,  902, "the service request's content type is not application/json") \
    X(VFY_E_UNAUTHORIZED,        903, "the service request carries no valid bearer token") \
    X(VFY_E_ORIGIN_REFUSED,      904, "the service request comes from another origin") \
    X(VFY_E_SERVICE_BUSY,        905, "the service has too many inspections waiting; try again when one is done") \
    X(VFY_E_HOST_REFUSED,        906, "the service request names another host (a Host header that is neither the service's address nor localhost)") \
    /* reader backends added at run time (libverify-sim's simulated chip): 1100-1109 */ \
    X(VFY_E_BACKEND_CONFLICT,   1100, "another reader backend has this connection scheme already") \
    X(VFY_E_BACKEND_TABLE_FULL, 1101, "no room is left to register another reader backend")

typedef enum vfy_status {
#define VFY_STATUS_ENUM_(name, num, text) name = num,
    VFY_STATUS_LIST(VFY_STATUS_ENUM_)
#undef VFY_STATUS_ENUM_
} vfy_status;

/* Layers, the hundreds of the code. */
typedef enum vfy_layer {
    VFY_LAYER_GENERAL = 0,
    VFY_LAYER_PARSE = 1,
    VFY_LAYER_MRZ = 2,
    VFY_LAYER_READER = 3,
    VFY_LAYER_CHIP = 4,
    VFY_LAYER_AUTHENTICITY = 5,
    VFY_LAYER_SEAL = 6,
    VFY_LAYER_RULES = 7,
    VFY_LAYER_AUDIT = 8,
} vfy_layer;

#define VFY_NO_OFFSET ((size_t)-1)

/* Where and why a call failed. Zero-initialise it, pass it, read it on failure. */
typedef struct vfy_detail {
    vfy_status status;
    char field[VFY_DETAIL_FIELD_MAX];     /* what was being parsed, e.g. "DG1", "birth_date" */
    size_t offset;                        /* byte offset into the input, or VFY_NO_OFFSET */
    unsigned line, column;                /* 1-based for text input; 0 when not text */
    char message[VFY_DETAIL_MESSAGE_MAX]; /* a sentence for a person */
} vfy_detail;

/* Stable identifier such as "VFY_E_TRUNCATED"; "VFY_E_UNKNOWN" for a number not in the list. */
VFY_API const char *vfy_status_name(vfy_status status);
/* One sentence describing the code. Never NULL. */
VFY_API const char *vfy_strerror(vfy_status status);
/* The layer a code belongs to. */
VFY_API vfy_layer vfy_status_layer(vfy_status status);
/* Resets a detail to "no failure". */
VFY_API void vfy_detail_clear(vfy_detail *detail);
/* Fills a detail as the library does (no offset; fmt NULL: vfy_strerror's sentence) and
 * returns status, for a front end's own checks: return vfy_detail_set(d, VFY_E_IO, ...).
 * detail may be NULL. */
VFY_API vfy_status vfy_detail_set(vfy_detail *detail, vfy_status status, const char *field,
                                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * The error as JSON, the one shape of every output (docs/schema/error.schema.json):
 * {"schema": "libverify.error/1", "status": N, "code": "VFY_E_...", "message", "field"
 * (or null), "offset" (or null)}. Release with vfy_free; NULL when out of memory.
 */
VFY_API char *vfy_error_to_json(vfy_status status, const vfy_detail *detail, unsigned flags);

#ifdef __cplusplus
}
#endif

#endif
