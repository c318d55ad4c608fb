/*
 * libverify — every size and count limit of the public API, in one place.
 *
 * The fixed arrays of the public structures are sized with these names: a caller copies
 * or checks a field with them (or sizeof), never with a number of its own. A text
 * field's size counts its terminating NUL. Changing any value changes the ABI (a new
 * soname); the input limits (bytes, nesting) are the library's refusals of hostile input.
 */
#ifndef VERIFY_VFY_LIMITS_H
#define VERIFY_VFY_LIMITS_H

/* ---- input the library refuses beyond (bytes, nesting) ---------------------- */
#define VFY_FILE_MAX_BYTES (1024u * 1024u)   /* a file from a chip or a dump folder */
#define VFY_RULES_MAX_FILE (1u << 20)        /* a rule set */
#define VFY_RULES_MAX_CASE (64u << 10)       /* a case */
#define VFY_RULES_MAX_DEPTH 16               /* JSON nesting of either */
#define VFY_SEAL_MAX_INPUT (256u * 1024u)    /* a seal's bytes */
#define VFY_SEAL_MAX_INFLATED (64u * 1024u)  /* an IDB payload once inflated */

/* ---- counts of repeated elements --------------------------------------------- */
#define VFY_MRZ_MAX_LINES 3
#define VFY_MRZ_MAX_ERRORS 16
#define VFY_MRZ_MAX_REPAIRS 16
#define VFY_LDS_MAX_UNKNOWN 16           /* unknown tags noted per file */
#define VFY_LDS_MAX_TAGS 32              /* EF.COM's data-group tags */
#define VFY_FACE_MAX_FEATURE_POINTS 16
#define VFY_DG2_MAX_FACES 4
#define VFY_DISPLAYED_MAX 4              /* DG5 to DG7 images */
#define VFY_LDS_MAX_NAMES 8              /* DG11/DG12 "other names" and the like */
#define VFY_DG16_MAX_PERSONS 8
#define VFY_SECURITY_INFOS_MAX 16
#define VFY_SOD_MAX_HASHES 16
#define VFY_SEAL_MAX_MISMATCHES 8
#define VFY_SEAL_MAX_CHOICES 8

/* ---- text and byte fields (sizes, NUL included) ------------------------------- */
/* Shared by several structures. */
#define VFY_DN_MAX 256                   /* a certificate name, one line (RFC 4514) */
#define VFY_SERIAL_HEX_MAX 80            /* a certificate serial or CRL number, hex */
#define VFY_SHA256_SIZE 32               /* a SHA-256 value, bytes */
#define VFY_SHA256_HEX_MAX 65            /* the same in hex */
#define VFY_DIGEST_MAX_SIZE 64           /* the largest digest value (SHA-512), bytes */
#define VFY_ALPHA2_MAX 3                 /* ISO 3166-1 alpha-2 country */
#define VFY_ALPHA3_MAX 4                 /* ICAO three-letter code */
#define VFY_OID_TEXT_MAX 64              /* a dotted object identifier */
#define VFY_ALGORITHM_NAME_MAX 16        /* "SHA-256" ... */
#define VFY_CURVE_NAME_MAX 32            /* "brainpoolP256r1", "modp1024_160" ... */
#define VFY_KEY_TEXT_MAX 64              /* "EC brainpoolP224r1 (224 bit)" */
#define VFY_LDS_VERSION_MAX 5            /* "0107" */
#define VFY_UNICODE_VERSION_MAX 7        /* "040000" */
#define VFY_DATE_ISO_MAX 11              /* "YYYY-MM-DD" */
/* vfy_detail (status.h) */
#define VFY_DETAIL_FIELD_MAX 48
#define VFY_DETAIL_MESSAGE_MAX 256
/* MRZ (mrz.h) */
#define VFY_MRZ_LINE_MAX 45              /* 44 characters (TD3) */
#define VFY_MRZ_FIELD_NAME_MAX 24        /* "document_number" ... */
#define VFY_MRZ_MESSAGE_MAX 128
#define VFY_MRZ_DOCUMENT_CODE_MAX 3
#define VFY_MRZ_NAME_MAX 40              /* primary or secondary identifier */
#define VFY_MRZ_DOCUMENT_NUMBER_MAX 23   /* TD1/TD2 long numbers included */
#define VFY_MRZ_DATE_RAW_MAX 7           /* YYMMDD */
#define VFY_MRZ_OPTIONAL_DATA_MAX 31
#define VFY_MRZ_KEY_INPUT_MAX 48
/* Access to the chip (session.h) */
#define VFY_ACCESS_MAPPING_MAX 4         /* "GM", "IM", "CAM" */
#define VFY_ACCESS_CIPHER_MAX 12         /* "AES-128" ... */
/* Inspection (inspection.h) */
#define VFY_METHOD_NAME_MAX 64
/* Readers (reader.h) */
#define VFY_READER_BACKEND_MAX 8         /* "pcsc", "nfc", "sim" */
#define VFY_READER_CONNECTION_MAX 288
#define VFY_READER_NAME_MAX 160
#define VFY_READER_MESSAGE_MAX 192
/* Trust store (trust.h, trust_update.h) */
#define VFY_TRUST_SOURCE_MAX 256         /* the file an item came from */
#define VFY_TRUST_REASON_MAX 192
#define VFY_IMPORT_SOURCE_MAX 640        /* the file, and for LDIF the entry's DN and line */
#define VFY_IMPORT_REASON_MAX 256
/* Audit (audit.h) */
#define VFY_AUDIT_MESSAGE_MAX 256
/* Seals (seal.h) */
#define VFY_SEAL_CERT_REF_MAX 64
#define VFY_SEAL_SIGNER_ID_MAX 5         /* "DETS" */
#define VFY_SEAL_IDENTIFIER_MAX 5        /* "RDB1" */
#define VFY_SEAL_CERT_REF_BYTES 5        /* IDB: the last bytes of the certificate's SHA-1 */
#define VFY_SEAL_DATE_RAW_BYTES 4
#define VFY_SEAL_TYPE_MAX 32             /* "icao.vacc" */
#define VFY_SEAL_ALGORITHM_MAX 8         /* "ES256" */
#define VFY_SEAL_FIELD_NAME_MAX 24
#define VFY_SEAL_VALUE_MAX 48

#endif
