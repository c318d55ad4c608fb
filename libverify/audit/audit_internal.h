/*
 * Internal: the audit trail's canonical byte encodings (records and checkpoints), the
 * keys in guarded memory, and the SQLite layout. docs/audit.md describes the same
 * formats in words; the chain and the signatures are computed over these bytes only,
 * never over anything SQLite stores as text.
 */
#ifndef VFY_AUDIT_INTERNAL_H
#define VFY_AUDIT_INTERNAL_H

#include <sqlite3.h>

#include "verify/audit.h"

/* ---- records ------------------------------------------------------------------ */

#define AUD_RECORD_MAGIC "VFYA"
#define AUD_FORMAT_VERSION 1
#define AUD_HEADER_BYTES 55       /* magic 4, version 1, kind 1, seq 8, time 8, source 1, prev 32 */
#define AUD_RECORD_MAX 16384      /* bytes of one encoded record */
#define AUD_TEXT_MAX 200          /* characters of one text field */
#define AUD_MAX_CHECKS 64
#define AUD_MAX_SETS 16
#define AUD_MAX_DIMS 8
#define AUD_LOG_ID_BYTES 16
#define AUD_SIG_BYTES 64
#define AUD_DIGEST_MAX 64

typedef enum aud_kind {
    AUD_KIND_OPEN = 1,            /* the first record: log id, first signing key, lookup key id */
    AUD_KIND_INSPECTION = 2,
    AUD_KIND_TRUST_CHANGE = 3,
    AUD_KIND_RULES_CHANGE = 4,
    AUD_KIND_KEY_ROTATION = 5,    /* a new signing key, signed by the one in force */
    AUD_KIND_LOOKUP_ROTATION = 6, /* a new lookup key id, signed by the signing key in force */
    AUD_KIND_PRUNE = 7,           /* records before a date were removed */
    AUD_KIND_MAX = 7,
} aud_kind;

/* Field tags, in the order they must appear (a repeatable tag repeats in place). */
enum aud_tag {
    AUD_T_KIOSK = 0x01,
    AUD_T_VERSION = 0x02,
    AUD_T_READER = 0x03,
    AUD_T_ACCESS = 0x04,
    AUD_T_LIVE = 0x05,
    AUD_T_OUTCOME = 0x06,
    AUD_T_DOC_OUTCOME = 0x07,
    AUD_T_GATE = 0x08,
    AUD_T_TRUST = 0x09,           /* 32 bytes */
    AUD_T_CHECK = 0x0A,           /* repeatable: status u8, code u16, id */
    AUD_T_RULESET = 0x0B,         /* repeatable: id length u8, id, digest text */
    AUD_T_DIMENSION = 0x0C,       /* repeatable: name length u8, name, modality length u8,
                                   * modality, value text (names, not enum numbers: the
                                   * rules' enums may be renumbered, records may not) */
    AUD_T_DOC_HASH = 0x0D,        /* 32 bytes */
    AUD_T_PERSON_HASH = 0x0E,     /* 32 bytes */
    AUD_T_LOOKUP_ID = 0x0F,       /* 32 bytes: the lookup key the hashes were made with,
                                   * or (open, lookup rotation) the one introduced */
    AUD_T_EVENT = 0x10,           /* text */
    AUD_T_SUBJECT = 0x11,         /* 1..64 bytes: a change's digest */
    AUD_T_LOG_ID = 0x12,          /* 16 bytes (open) */
    AUD_T_PUBLIC_KEY = 0x13,      /* 32 bytes (open, key rotation) */
    AUD_T_PRUNE = 0x14,           /* before i64, removed u64 */
    AUD_T_SIGNATURE = 0x7F,       /* 64 bytes, last: Ed25519 over every byte before it */
};

struct aud_check {
    uint8_t status;               /* vfy_outcome */
    uint16_t code;                /* vfy_status */
    char id[AUD_TEXT_MAX + 1];
};
struct aud_set {
    char id[AUD_TEXT_MAX + 1];
    char digest[AUD_TEXT_MAX + 1];
};
#define AUD_NAME_MAX 32
struct aud_dim {
    char dimension[AUD_NAME_MAX + 1], modality[AUD_NAME_MAX + 1];
    char value[AUD_TEXT_MAX + 1];
};

typedef struct aud_record {
    uint8_t kind;
    uint64_t seq;
    int64_t time;
    uint8_t time_source;
    uint8_t prev[32];
    char kiosk[AUD_TEXT_MAX + 1], version[AUD_TEXT_MAX + 1], reader[AUD_TEXT_MAX + 1],
        access[AUD_TEXT_MAX + 1], outcome[AUD_TEXT_MAX + 1], doc_outcome[AUD_TEXT_MAX + 1],
        gate[AUD_TEXT_MAX + 1], event[AUD_TEXT_MAX + 1];
    bool has_live, live;
    bool has_trust;
    uint8_t trust[32];
    size_t n_checks;
    struct aud_check checks[AUD_MAX_CHECKS];
    size_t n_sets;
    struct aud_set sets[AUD_MAX_SETS];
    size_t n_dims;
    struct aud_dim dims[AUD_MAX_DIMS];
    bool has_doc_hash, has_person_hash, has_lookup_id, has_log_id, has_public_key,
        has_prune, has_signature;
    uint8_t doc_hash[32], person_hash[32], lookup_id[32], log_id[AUD_LOG_ID_BYTES],
        public_key[32], signature[AUD_SIG_BYTES];
    size_t subject_len;
    uint8_t subject[AUD_DIGEST_MAX];
    int64_t prune_before;
    uint64_t prune_removed;
    size_t signed_len;            /* decode: bytes before the signature field */
} aud_record;

/* The canonical encoding of `r` (without a signature: the signature field is appended
 * by aud_record_sign). `cap` is at least AUD_RECORD_MAX. */
VFY_NODISCARD vfy_status aud_record_encode(const aud_record *r, uint8_t *out, size_t cap,
                                           size_t *len, vfy_detail *detail);
/* Appends the Ed25519 signature of out[0..*len) by `key` as the last field. */
VFY_NODISCARD vfy_status aud_record_sign(const vfy_audit_key *key, uint8_t *out, size_t cap,
                                         size_t *len, vfy_detail *detail);
/* Decodes (bounded cursor; every field checked, order enforced, nothing unknown). */
VFY_NODISCARD vfy_status aud_record_decode(const uint8_t *data, size_t len, aud_record *r,
                                           vfy_detail *detail);
/* BLAKE2b-256 of an encoded record: the next record's `prev`. */
void aud_record_hash(const uint8_t *data, size_t len, uint8_t out[32]);
const char *aud_kind_name(uint8_t kind);
/* The record as JSON (libverify.audit.record/1), one line; free(). */
char *aud_record_json(const aud_record *r);

/* ---- checkpoints ----------------------------------------------------------------- */

#define AUD_CP_MAGIC "VFYC"
#define AUD_CP_BYTES 174
#define AUD_CP_TEXT_PREFIX "libverify-audit-checkpoint/1 "

typedef enum aud_cp_kind {
    AUD_CP_REGULAR = 0,           /* over the last record when it was written */
    AUD_CP_PRUNE = 1,             /* over the record before a gap a prune left */
} aud_cp_kind;

typedef struct aud_checkpoint {
    uint8_t kind;
    uint8_t log_id[AUD_LOG_ID_BYTES];
    uint64_t seq;                 /* the record covered */
    uint8_t hash[32];             /* its hash */
    int64_t time;
    uint64_t made_at;             /* the last record of the log when it was signed */
    uint8_t public_key[32];       /* the signer (must be the key in force at made_at) */
    uint8_t signature[AUD_SIG_BYTES];
} aud_checkpoint;

VFY_NODISCARD vfy_status aud_checkpoint_make(const vfy_audit_key *key, aud_checkpoint *cp,
                                             uint8_t out[AUD_CP_BYTES], vfy_detail *detail);
VFY_NODISCARD vfy_status aud_checkpoint_decode(const uint8_t *data, size_t len,
                                               aud_checkpoint *cp, vfy_detail *detail);
/* Whether the signature verifies under cp->public_key. */
bool aud_checkpoint_signature_ok(const uint8_t *data, size_t len);
/* One line: AUD_CP_TEXT_PREFIX and hex; and back. */
char *aud_checkpoint_text(const uint8_t data[AUD_CP_BYTES]);
VFY_NODISCARD vfy_status aud_checkpoint_parse_text(const char *text, uint8_t out[AUD_CP_BYTES],
                                                   vfy_detail *detail);

/* ---- keys ------------------------------------------------------------------------ */

/* The signing key's public half (a copy) and its secret in sodium guarded memory,
 * readable only during a signature. */
struct vfy_audit_key {
    uint8_t public_key[32];
    uint8_t *secret;              /* sodium_malloc'd, crypto_sign_SECRETKEYBYTES */
};
struct vfy_audit_lookup_key {
    uint8_t id[32];               /* BLAKE2b keyed by the key over a fixed label */
    uint8_t *secret;              /* sodium_malloc'd, 32 bytes */
};

VFY_NODISCARD vfy_status aud_sign(const vfy_audit_key *key, const uint8_t *msg, size_t len,
                                  uint8_t sig[AUD_SIG_BYTES], vfy_detail *detail);
bool aud_signature_ok(const uint8_t pub[32], const uint8_t *msg, size_t len,
                      const uint8_t sig[AUD_SIG_BYTES]);
/* The document's and the person's keyed hashes; number without fillers, dob YYMMDD. */
void aud_lookup_hashes(const vfy_audit_lookup_key *key, const char *number, const char *dob,
                       uint8_t doc[32], uint8_t person[32]);
/* Uppercase, '<' and spaces removed; false when nothing is left or it is too long. */
bool aud_normalise_number(const char *in, char *out, size_t cap);
vfy_status aud_sodium_ready(vfy_detail *detail);

/* ---- storage ----------------------------------------------------------------------- */

/* Opens an existing log for reading (read-only, no links, defensive, bounded blobs) and
 * checks that it is one; `full_check` runs SQLite's structural check over the whole file
 * (readers and verification), otherwise only until the first error (a writer opening
 * its log). */
VFY_NODISCARD vfy_status aud_db_open_read(const char *path, bool full_check, sqlite3 **db,
                                          vfy_detail *detail);
/* A failing SQLite call as a status with its message. */
vfy_status aud_db_fail(sqlite3 *db, vfy_status status, const char *what, vfy_detail *detail);
/* Sets a record's text field, with bytes outside printable ASCII replaced by '?'. */
void aud_set_text(char dst[AUD_TEXT_MAX + 1], const char *src);
/* Verifies with an already opened database (prune verifies inside its transaction). */
VFY_NODISCARD vfy_status aud_verify_db(sqlite3 *db, const uint8_t public_key[32],
                                       const uint8_t *external_checkpoint,
                                       vfy_audit_verify_result *result, vfy_detail *detail);

#endif
