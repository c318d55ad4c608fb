/*
 * libverify — the audit trail: a tamper-evident record of what a kiosk decided.
 *
 * One record per inspection (and per trust-store or rule-set change, per key rotation),
 * appended to a SQLite file (WAL, synchronous=FULL: a record whose append returned
 * survives a crash). A record holds the time and its source, kiosk id, library version,
 * reader, access protocol, each check's id, status and code, the outcome and gate, the
 * eligibility decision's outcome with the rule sets' ids and digests, and the trust
 * store's digest. It holds NO name, photo or MRZ: the document number and the date of
 * birth appear only as keyed BLAKE2b hashes under a lookup key kept in a file, so an
 * auditor with that key can find a document's records and nobody else can.
 *
 * Integrity: each record carries the BLAKE2b hash of the one before it (a hash chain
 * over the canonical byte encoding of docs/audit.md, never over SQLite's text), and a
 * checkpoint (log id, record number, hash) signed with the kiosk's Ed25519 key is
 * written every N records or T seconds and when the log is closed. A checkpoint kept
 * elsewhere (vfy_audit_checkpoint_latest) reveals a truncated tail. Keys rotate: a new
 * signing or lookup key is introduced by a record signed with the key in force, and
 * vfy_audit_verify follows the rotations from the first key.
 *
 * Thread safety: a vfy_audit_log, and the keys it uses (their guarded memory is opened
 * only while it signs or hashes), belong to one thread at a time; several processes may
 * append to one file (each append is one SQLite write transaction that rereads the
 * tail), but key rotation assumes one writer.
 */
#ifndef VERIFY_AUDIT_H
#define VERIFY_AUDIT_H

#include <time.h>

#include "common.h"
#include "inspection.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VFY_AUDIT_PUBLIC_KEY_BYTES 32
#define VFY_AUDIT_HASH_BYTES 32

typedef struct vfy_audit_key vfy_audit_key;               /* Ed25519 signing key, guarded */
typedef struct vfy_audit_lookup_key vfy_audit_lookup_key; /* BLAKE2b key, guarded */
typedef struct vfy_audit_log vfy_audit_log;

/* ---- keys ---------------------------------------------------------------------- */

/*
 * A new kiosk signing key as two texts: the secret (keep it 0600: vfy_write_new_file)
 * and the public key. Release the secret with vfy_audit_text_wipe_free (it is wiped),
 * the public text with vfy_free.
 */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_audit_keygen(char **secret_text, char **public_text,
                                                  vfy_detail *detail);
/* A new lookup key as text (secret: 0600, shared only with auditors). */
VFY_API VFY_NODISCARD VFY_NONNULL(1) vfy_status vfy_audit_lookup_keygen(char **secret_text, vfy_detail *detail);
/* Wipes and frees a secret text. */
VFY_API void vfy_audit_text_wipe_free(char *text);

/* Loads a signing key file (its text is wiped after reading; the key lives in guarded
 * memory, inaccessible between uses). */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_audit_key_load(const char *path, vfy_audit_key **out,
                                                    vfy_detail *detail);
VFY_API void vfy_audit_key_free(vfy_audit_key *key);
/* The public half of a loaded signing key. */
VFY_API void vfy_audit_key_public(const vfy_audit_key *key,
                                  uint8_t out[VFY_AUDIT_PUBLIC_KEY_BYTES]);
/* Loads a public key file (KIOSK.pub). */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_audit_public_key_load(const char *path,
                                                           uint8_t out[VFY_AUDIT_PUBLIC_KEY_BYTES],
                                                           vfy_detail *detail);
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_audit_lookup_key_load(const char *path,
                                                           vfy_audit_lookup_key **out,
                                                           vfy_detail *detail);
VFY_API void vfy_audit_lookup_key_free(vfy_audit_lookup_key *key);

/* ---- writing ------------------------------------------------------------------- */

typedef struct vfy_audit_options {
    size_t size;                 /* sizeof(vfy_audit_options): VFY_AUDIT_OPTIONS_INIT */
    const char *kiosk_id;        /* NULL: the host name */
    const char *reader;          /* the reader's connection string, recorded; may be NULL */
    unsigned checkpoint_every;   /* a signed checkpoint every N records; 0: 64 */
    unsigned checkpoint_seconds; /* ... or when T seconds passed since the last; 0: 60 */
} vfy_audit_options;

#define VFY_AUDIT_OPTIONS_INIT VFY_SIZED_INIT_(vfy_audit_options)

/*
 * Opens the log at `path` for appending, creating it (a new file of mode 0600, never
 * through a symbolic link) with a first record that names `key`'s public key, a random
 * log id and the lookup key's id. An existing log must have `key` in force
 * (VFY_E_AUDIT_KEY otherwise) and, when it has a lookup key in force, `lookup` must be
 * it (rotate with vfy_audit_rotate_lookup_key). `lookup` may be NULL only for a log
 * without one: its inspection records then carry no document hash. Both keys are
 * borrowed and must outlive the log.
 */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2, 5) vfy_status vfy_audit_open(const char *path, const vfy_audit_key *key,
                                                const vfy_audit_lookup_key *lookup,
                                                const vfy_audit_options *options,
                                                vfy_audit_log **out, vfy_detail *detail);

/*
 * Appends the record of one inspection, durably (the call returns once it is on disk).
 * A failure is VFY_E_AUDIT_WRITE (or VFY_E_NO_MEMORY): the caller must not report the
 * inspection as done without its record. *seq (may be NULL) receives its number.
 */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_audit_record_inspection(vfy_audit_log *log,
                                                             const vfy_inspection *inspection,
                                                             uint64_t *seq, vfy_detail *detail);

typedef enum vfy_audit_change {
    VFY_AUDIT_TRUST_CHANGE = 0,  /* the trust store was replaced or updated */
    VFY_AUDIT_RULES_CHANGE,      /* a rule set was installed or withdrawn */
} vfy_audit_change;

/* Records a trust-store or rule-set change: a description (no personal data; at most
 * 200 characters) and the new content's digest (up to 64 bytes; may be NULL). */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_audit_record_change(vfy_audit_log *log,
                                                         vfy_audit_change change,
                                                         const char *description,
                                                         const uint8_t *digest, size_t digest_len,
                                                         uint64_t *seq, vfy_detail *detail);

/* Introduces a new signing key by a record signed with the one in force; the log then
 * signs with `new_key` (borrowed, must outlive the log). */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_audit_rotate_key(vfy_audit_log *log,
                                                      const vfy_audit_key *new_key,
                                                      vfy_detail *detail);
/* Introduces a new lookup key (by its id, never the key) the same way. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_audit_rotate_lookup_key(vfy_audit_log *log,
                                                             const vfy_audit_lookup_key *new_key,
                                                             vfy_detail *detail);

/* Writes a signed checkpoint over the last record now. */
VFY_API VFY_NODISCARD VFY_NONNULL(1) vfy_status vfy_audit_checkpoint(vfy_audit_log *log, vfy_detail *detail);
/* The number of the last record appended (0 for none). */
VFY_API uint64_t vfy_audit_last_seq(const vfy_audit_log *log);

/* Writes a checkpoint over the last record when one is due and closes the log; frees it
 * in every case. NULL is accepted. */
VFY_API VFY_NODISCARD vfy_status vfy_audit_close(vfy_audit_log *log, vfy_detail *detail);

/* ---- verifying ----------------------------------------------------------------- */

typedef enum vfy_audit_problem {
    VFY_AUDIT_INTACT = 0,
    VFY_AUDIT_MODIFIED,          /* a record's content or its stored columns changed */
    VFY_AUDIT_DELETED,           /* records missing from the middle */
    VFY_AUDIT_INSERTED,          /* a record that the chain does not link */
    VFY_AUDIT_REORDERED,         /* records in another order than written */
    VFY_AUDIT_TRUNCATED,         /* the tail ends before a checkpoint's record */
    VFY_AUDIT_WRONG_KEY,         /* the log was started (or a rotation signed) by another key */
    VFY_AUDIT_BAD_CHECKPOINT,    /* a checkpoint that is not the log's, or whose signature fails */
} vfy_audit_problem;

typedef struct vfy_audit_verify_result {
    vfy_audit_problem problem;
    uint64_t record;             /* the record (number) where the problem was found; 0: none */
    uint64_t records;            /* records read */
    uint64_t first_seq, last_seq;
    uint64_t checkpoints;        /* signed checkpoints verified (in the log and given) */
    uint64_t key_rotations;      /* signing and lookup key rotations followed */
    uint64_t pruned;             /* records removed by a signed prune */
    char message[VFY_AUDIT_MESSAGE_MAX];           /* what was found, for a person */
} vfy_audit_verify_result;

/*
 * Verifies the whole log against the kiosk's first public key, and, when
 * `checkpoint_text` is given (a line of vfy_audit_checkpoint_latest kept elsewhere),
 * that the log still reaches and matches it. Returns VFY_OK when the verification ran:
 * then result->problem says whether the log is intact and where it is not. Returns
 * VFY_E_AUDIT_FORMAT (or VFY_E_IO) when the file cannot be read as an audit log, and
 * VFY_E_AUDIT_CHECKPOINT when the checkpoint text is malformed.
 */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2, 4) vfy_status vfy_audit_verify(const char *path,
                                                  const uint8_t public_key[VFY_AUDIT_PUBLIC_KEY_BYTES],
                                                  const char *checkpoint_text,
                                                  vfy_audit_verify_result *result,
                                                  vfy_detail *detail);

/* "intact", "modified", "deleted", "inserted", "reordered", "truncated", "wrong_key",
 * "bad_checkpoint". */
VFY_API const char *vfy_audit_problem_name(vfy_audit_problem problem);

/* The log's latest checkpoint as one line of text (for a central system to keep);
 * release with vfy_free. VFY_E_NOT_FOUND when the log has none yet. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_audit_checkpoint_latest(const char *path, char **text,
                                                             vfy_detail *detail);

/* ---- reading ------------------------------------------------------------------- */

typedef struct vfy_audit_query {
    size_t size;                      /* VFY_AUDIT_QUERY_INIT */
    time_t since;                     /* records at or after; 0: all */
    const char *document_number;      /* with `lookup`: only this document's records */
    const vfy_audit_lookup_key *lookup;
} vfy_audit_query;

#define VFY_AUDIT_QUERY_INIT VFY_SIZED_INIT_(vfy_audit_query)

/* One record as read back, valid during the callback. */
typedef struct vfy_audit_entry {
    uint64_t seq;
    const char *kind;         /* "open", "inspection", "trust_change", "rules_change",
                               * "key_rotation", "lookup_key_rotation", "prune" */
    time_t time;
    const char *time_source;  /* "system_clock", "caller" */
    const char *kiosk_id, *library_version, *reader, *access, *outcome, *gate, *event;
    size_t check_count, failed_checks;
    bool has_document_hash;
    const char *json;         /* the whole record, schema libverify.audit.record/1, one line */
} vfy_audit_entry;

/* Returns false to stop. */
typedef bool (*vfy_audit_entry_fn)(void *ctx, const vfy_audit_entry *entry);

/* Calls `fn` for each record matching the query, in order. This does NOT verify the
 * log: run vfy_audit_verify first. */
VFY_API VFY_NODISCARD VFY_NONNULL(1) vfy_status vfy_audit_read(const char *path, const vfy_audit_query *query,
                                                vfy_audit_entry_fn fn, void *ctx,
                                                vfy_detail *detail);

/*
 * Removes the records written before `before` (but never the first record or a key
 * rotation, which the chain of keys needs), after verifying the log against the first
 * key the log names; each gap left is bridged by a checkpoint signed with `key`, and a
 * "prune" record is appended, so the rest stays verifiable. *removed (may be NULL)
 * receives the count.
 */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_audit_prune(const char *path, const vfy_audit_key *key,
                                                 const vfy_audit_lookup_key *lookup,
                                                 time_t before, uint64_t *removed,
                                                 vfy_detail *detail);

#ifdef __cplusplus
}
#endif

#endif
