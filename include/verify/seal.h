/*
 * libverify — visa seals: ICAO Visible Digital Seals (VDS, Doc 9303-13 and BSI
 * TR-03137), ICAO Datastructure for Barcode (IDB, `RDB1`/`NDB1`) and VDS for
 * non-constrained environments (VDS-NC, JSON).
 *
 * Accepted: a VDS as the raw bytes a DataMatrix decoder returns in Base256 mode
 * (header versions 3 and 4, and the legacy "0x03 with the fixed layout" seen in real
 * German seals); an IDB barcode string; a VDS-NC JSON text. The kind is recognised
 * from the form of the input. Message-zone features are decoded by the feature table
 * of the document type (ICAO visa and emergency travel document, the German BSI
 * profiles); unknown tags are kept raw. Decisions taken where public
 * implementations disagree are listed in `choices` of each result and in
 * docs/seals.md.
 *
 * Not accepted: French 2D-Doc, vendor VDS versions 0x00/0x01, BER lengths of more
 * than two bytes in a seal. Non-goals: encoding seals, reading the barcode image.
 *
 * Verdicts fail closed: `VFY_SEAL_VALID` only when the seal parsed, its signer
 * certificate was found and chains to a CSCA, was valid at the signature creation date,
 * is not revoked, is bound to the seal (issuing state = signer's and CSCA's country;
 * its documentTypeList, when present, allows the seal's type: docs/seals.md), and the
 * signature verifies over the bytes exactly as received.
 *
 * Thread safety: vfy_seal_verify keeps no state between calls; the trust store and
 * the signers it reads may be shared by any number of threads once loaded
 * (tests/test_threads.c); a result belongs to one thread at a time.
 */
#ifndef VERIFY_SEAL_H
#define VERIFY_SEAL_H

#include <time.h>

#include "common.h"
#include "mrz.h"
#include "status.h"
#include "trust.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vfy_seal_kind {
    VFY_SEAL_KIND_UNKNOWN = 0,
    VFY_SEAL_KIND_VDS,    /* binary ICAO Visible Digital Seal */
    VFY_SEAL_KIND_IDB,    /* ICAO Datastructure for Barcode (base32 text) */
    VFY_SEAL_KIND_VDSNC,  /* VDS for non-constrained environments (JSON) */
} vfy_seal_kind;

typedef enum vfy_seal_verdict {
    VFY_SEAL_UNVERIFIED = 0, /* unsigned, or no trusted signer certificate known */
    VFY_SEAL_VALID,          /* signed by a trusted signer and the signature verifies */
    VFY_SEAL_INVALID,        /* malformed, or the signature or signer is bad */
} vfy_seal_verdict;

/* How a message value is coded. */
typedef enum vfy_seal_coding {
    VFY_SEAL_BINARY = 0,   /* raw bytes (unknown tags too) */
    VFY_SEAL_C40,          /* C40 text */
    VFY_SEAL_MRZ,          /* C40 text of MRZ lines, '<' restored, lines joined by '\n' */
    VFY_SEAL_UINT,         /* unsigned big-endian integer */
    VFY_SEAL_DATE,         /* date (VDS 3-byte date or IDB masked date) */
    VFY_SEAL_DURATION,     /* visa duration of stay: days, months, years */
    VFY_SEAL_UTF8,         /* UTF-8 text */
    VFY_SEAL_GROUP,        /* a container of further messages (IDB visa, ETD) */
    VFY_SEAL_JSON,         /* VDS-NC: the member's value as canonical JSON */
} vfy_seal_coding;

typedef struct vfy_seal_message {
    unsigned tag;             /* feature / message tag (VDS-NC: 0) */
    int parent;               /* index of the enclosing GROUP message, -1 at top level */
    const char *name;         /* "MRZ_MRVB", "PASSPORT_NUMBER", "TAG_64", a VDS-NC key */
    vfy_seal_coding coding;
    /* False when the value does not fit its table entry (length or character set):
     * it is then decoded as far as possible and reported, never dropped. */
    bool conforms;
    const uint8_t *value;     /* the value bytes as encoded */
    size_t value_len;
    const char *text;         /* C40, MRZ, UTF8, JSON; else NULL */
    uint64_t number;          /* UINT */
    vfy_date date;            /* DATE; unknown parts of a masked date are 0 */
    unsigned days, months, years; /* DURATION */
} vfy_seal_message;

typedef enum vfy_seal_layout {
    VFY_SEAL_LAYOUT_NONE = 0,
    VFY_SEAL_LAYOUT_FIXED,    /* VDS "version 3": 9-char signer + reference */
    VFY_SEAL_LAYOUT_VARIABLE, /* VDS "version 4": signer, length, reference */
} vfy_seal_layout;


typedef struct vfy_seal_header {
    /* VDS */
    uint8_t version_byte;       /* 0x02 ("version 3") or 0x03 ("version 4") */
    vfy_seal_layout layout;     /* layout actually used to read the header */
    char country_c40[VFY_ALPHA3_MAX];        /* issuing country as decoded ("D  ", "D", "UTO") */
    char country[VFY_ALPHA3_MAX];            /* normalised to three characters, '<' fill ("D<<") */
    char signer_id[VFY_SEAL_SIGNER_ID_MAX];          /* "DETS" */
    char cert_ref[VFY_SEAL_CERT_REF_MAX + 1]; /* as printed ("32", "00027"; IDB: hex) */
    vfy_date issue_date;
    vfy_date signature_date;    /* VDS header; IDB masked date; VDS-NC none (all 0) */
    uint8_t feature_ref;        /* document feature definition reference (DFR) */
    uint8_t type_category;      /* document type category (DTC) */
    size_t header_length;
    const char *document_type;  /* "ICAO visa", ... or NULL when the type is unknown */
    /* IDB */
    char identifier[VFY_SEAL_IDENTIFIER_MAX];         /* "RDB1" / "NDB1" */
    char flag;                  /* 'A'..'D' */
    bool is_signed, compressed;
    uint8_t signature_algorithm; /* 1 SHA-256, 2 SHA-384, 3 SHA-512 */
    uint8_t cert_ref_bytes[VFY_SEAL_CERT_REF_BYTES];  /* IDB: last five bytes of SHA-1 of the signer certificate */
    uint8_t signature_date_raw[VFY_SEAL_DATE_RAW_BYTES];
    size_t payload_length;      /* IDB: after base32 and inflation */
    bool has_certificate;       /* IDB 0x7E / VDS-NC `cer` present */
    /* VDS-NC */
    char type[VFY_SEAL_TYPE_MAX];              /* hdr.t: "icao.vacc" */
    int nc_version;             /* hdr.v */
    char algorithm[VFY_SEAL_ALGORITHM_MAX];          /* sig.alg: "ES256" */
} vfy_seal_header;

typedef struct vfy_seal_signer {
    bool found;                 /* a certificate for the seal's signer was found */
    bool embedded;              /* it came from the seal itself (IDB 0x7E, VDS-NC) */
    bool direct_anchor;         /* always false: a signer certificate in the store is a hint,
                                   never its own anchor (docs/trust.md); kept for callers */
    bool chained;               /* it chains to a CSCA of the trust store */
    char subject[VFY_DN_MAX];
    char issuer[VFY_DN_MAX];
    char serial[VFY_SERIAL_HEX_MAX];            /* hex */
    time_t not_before, not_after;
    /* Certificate validity: at the signature creation date (when the seal has one)
     * and at verification time. Both are reported; only the first decides. */
    bool has_signing_time;
    bool valid_at_signing;
    bool valid_now;
    char key[VFY_KEY_TEXT_MAX];               /* "EC brainpoolP224r1 (224 bit)" */
    char hash[VFY_ALGORITHM_NAME_MAX];              /* "SHA-224" */
} vfy_seal_signer;

/* One disagreement between the seal and the passport. */
typedef struct vfy_seal_mismatch {
    char field[VFY_SEAL_FIELD_NAME_MAX];             /* "passport_number", "nationality", "birth_date", ... */
    char seal[VFY_SEAL_VALUE_MAX];
    char passport[VFY_SEAL_VALUE_MAX];
} vfy_seal_mismatch;


typedef struct vfy_seal_result {
    vfy_seal_kind kind;
    vfy_seal_verdict verdict;
    vfy_status status;          /* VFY_OK when valid, else why not */
    vfy_detail detail;          /* where and why, when status != VFY_OK */

    vfy_seal_header header;
    size_t message_count;
    const vfy_seal_message *messages;

    /* The exact bytes the signature covers, and the signature (r||s). */
    const uint8_t *signed_bytes;
    size_t signed_length;
    const uint8_t *signature;
    size_t signature_length;
    bool signature_checked;     /* the ECDSA verification ran */
    bool signature_ok;          /* ... and succeeded */

    vfy_seal_signer signer;

    /* Open points of the reference that applied to this seal, as short identifiers
     * documented in docs/seals.md ("vds-legacy-fixed-layout", ...). */
    unsigned choice_count;
    const char *choices[VFY_SEAL_MAX_CHOICES];

    /* Cross-check with the passport (options.passport). */
    bool mrz_checked;
    unsigned mismatch_count;
    vfy_seal_mismatch mismatches[VFY_SEAL_MAX_MISMATCHES];

    struct vfy_seal_owned *owned_; /* memory of the result; do not touch */
} vfy_seal_result;

/*
 * A store of barcode-signer certificates that are NOT trusted by themselves (as
 * published by a state, like DS certificates in a PKD): a seal's signer is looked
 * up here by signer identifier + certificate reference (VDS) or certificate hash
 * (IDB), and must then chain to a CSCA of the trust store. A barcode-signer
 * certificate put directly into the trust store is found too (as a hint) and must
 * chain the same way: it never anchors itself.
 */
typedef struct vfy_seal_signers vfy_seal_signers;

VFY_API VFY_NODISCARD VFY_NONNULL(1) vfy_status vfy_seal_signers_new(vfy_seal_signers **out);
VFY_API void vfy_seal_signers_free(vfy_seal_signers *signers);
/* Adds the certificates of a file: DER, or PEM with one or more certificates. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_seal_signers_add_path(vfy_seal_signers *signers, const char *path,
                                                           vfy_detail *detail);
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_seal_signers_add_memory(vfy_seal_signers *signers,
                                                             const uint8_t *data, size_t len,
                                                             vfy_detail *detail);
VFY_API size_t vfy_seal_signers_count(const vfy_seal_signers *signers);

typedef struct vfy_seal_options {
    /* Trust anchors (CSCAs, their master lists and CRLs; signer certificates in it are
     * hints). NULL: decode only, the verdict is then at best "unverified". */
    const vfy_trust *trust;
    /* Barcode-signer certificates to look the signer up in; may be NULL. */
    const vfy_seal_signers *signers;
    /* The passport of the same traveller; when set, the seal's MRZ and passport
     * number are compared with it and each difference is reported. */
    const vfy_mrz *passport;
    /* Verification time; 0 means now. */
    time_t now;
} vfy_seal_options;


/*
 * Decodes and verifies one seal. Returns VFY_OK exactly when the verdict is
 * VFY_SEAL_VALID; otherwise the status of the first problem (also in
 * result->status). *out is set whenever a result could be built, also for a
 * malformed seal (verdict invalid, with the error), and must be freed with
 * vfy_seal_result_free; it is NULL only on VFY_E_INVALID_ARGUMENT, VFY_E_NO_MEMORY.
 * `options` may be NULL (decode only).
 */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 4) vfy_status vfy_seal_verify(const uint8_t *data, size_t len,
                                                 const vfy_seal_options *options,
                                                 vfy_seal_result **out, vfy_detail *detail);

VFY_API void vfy_seal_result_free(vfy_seal_result *result);

/* Recognises the kind from the form: JSON object, `RDB1`/`NDB1` text, 0xDC byte. */
VFY_API vfy_seal_kind vfy_seal_detect(const uint8_t *data, size_t len);

/* "vds", "idb", "vdsnc", "unknown". */
VFY_API const char *vfy_seal_kind_name(vfy_seal_kind kind);
/* "valid", "invalid", "unverified". */
VFY_API const char *vfy_seal_verdict_name(vfy_seal_verdict verdict);

/*
 * Compares a visa seal's MRZ (MRV-A/MRV-B) and passport number with a passport's
 * MRZ: name, nationality, birth date, sex, passport number. Fills the result's
 * mismatch list; returns VFY_E_MISMATCH if there is any, VFY_E_NOT_FOUND if the
 * seal carries no visa MRZ. vfy_seal_verify calls it when options.passport is set.
 */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_seal_check_passport(vfy_seal_result *result,
                                                         const vfy_mrz *passport,
                                                         vfy_detail *detail);

/* "binary", "c40", "mrz", "integer", "date", "duration", "utf8", "group", "json". */
VFY_API const char *vfy_seal_coding_name(vfy_seal_coding coding);

/*
 * The seal result as JSON, schema "libverify.seal/1" (docs/schema/seal.schema.json):
 * kind, verdict, header, messages, signer, signature, choices, passport_checked,
 * passport_mismatches, and "error" (the one error shape) when the seal failed. Release
 * with vfy_free. VFY_JSON_PRETTY for indentation.
 */
VFY_API char *vfy_seal_result_to_json(const vfy_seal_result *result, unsigned flags);

#ifdef __cplusplus
}
#endif

#endif
