/* Appending to the audit log. Every append is one SQLite write transaction (WAL,
 * synchronous=FULL): reread the tail, link the new record to its hash, insert it and,
 * when one is due, a signed checkpoint, commit. The call returns only once the commit
 * is on disk, so a record whose append returned survives a crash, and a record whose
 * transaction did not commit leaves no trace. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit_internal.h"
#include "audit/log_internal.h"
#include "core/fail.h"
#include "verify/files.h"
#include "verify/version.h"

#define DEFAULT_EVERY 64
#define DEFAULT_SECONDS 60

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE audit_meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT INTO audit_meta VALUES('format', 'libverify.audit/1');"
    "CREATE TABLE audit_records(seq INTEGER PRIMARY KEY, time INTEGER NOT NULL,"
    " kind TEXT NOT NULL, outcome TEXT, document_hash BLOB, record BLOB NOT NULL,"
    " hash BLOB NOT NULL);"
    "CREATE INDEX audit_records_time ON audit_records(time);"
    "CREATE INDEX audit_records_document ON audit_records(document_hash);"
    "CREATE TABLE audit_checkpoints(id INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
    " kind TEXT NOT NULL, checkpoint BLOB NOT NULL);";

static vfy_status exec(vfy_audit_log *log, const char *sql, vfy_detail *detail)
{
    if (sqlite3_exec(log->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return aud_db_fail(log->db, VFY_E_AUDIT_WRITE, "the log could not be written", detail);
    return VFY_OK;
}

/* The last record's number and hash (0 and zeros for an empty log). */
static vfy_status read_tail(vfy_audit_log *log, uint64_t *seq, uint8_t hash[32],
                            vfy_detail *detail)
{
    sqlite3_stmt *st = NULL;
    *seq = 0;
    memset(hash, 0, 32);
    int rc = sqlite3_prepare_v2(log->db,
                                "SELECT seq, record FROM audit_records ORDER BY seq DESC LIMIT 1",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    vfy_status s = VFY_OK;
    if (rc == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(st, 1);
        int n = sqlite3_column_bytes(st, 1);
        *seq = (uint64_t)sqlite3_column_int64(st, 0);
        if (b == NULL || n <= 0 || *seq == 0)
            s = vfy_fail(detail, VFY_E_AUDIT_FORMAT, "audit log", "the last record is empty");
        else
            aud_record_hash(b, (size_t)n, hash);
    } else if (rc != SQLITE_DONE) {
        s = aud_db_fail(log->db, VFY_E_AUDIT_WRITE, "cannot read the log's last record", detail);
    }
    sqlite3_finalize(st);
    return s;
}

static vfy_status insert_checkpoint(vfy_audit_log *log, aud_checkpoint *cp, vfy_detail *detail)
{
    uint8_t bytes[AUD_CP_BYTES];
    memcpy(cp->log_id, log->log_id, AUD_LOG_ID_BYTES);
    VFY_TRY(aud_checkpoint_make(log->key, cp, bytes, detail));
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(log->db,
                                "INSERT INTO audit_checkpoints(seq, kind, checkpoint) VALUES(?1, ?2, ?3)",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)cp->seq);
        sqlite3_bind_text(st, 2, cp->kind == AUD_CP_PRUNE ? "prune" : "regular", -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 3, bytes, sizeof bytes, SQLITE_TRANSIENT);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return aud_db_fail(log->db, VFY_E_AUDIT_WRITE, "cannot write a checkpoint", detail);
    return VFY_OK;
}

vfy_status aud_log_checkpoint_in_tx(vfy_audit_log *log, uint64_t seq, const uint8_t hash[32],
                                    vfy_detail *detail)
{
    aud_checkpoint cp = { .kind = AUD_CP_REGULAR, .seq = seq, .made_at = seq,
                          .time = (int64_t)time(NULL) };
    memcpy(cp.hash, hash, 32);
    VFY_TRY(insert_checkpoint(log, &cp, detail));
    log->cp_seq = seq;
    log->cp_time = time(NULL);
    return VFY_OK;
}

vfy_status aud_log_anchor_in_tx(vfy_audit_log *log, uint64_t seq, const uint8_t hash[32],
                                uint64_t made_at, vfy_detail *detail)
{
    aud_checkpoint cp = { .kind = AUD_CP_PRUNE, .seq = seq, .made_at = made_at,
                          .time = (int64_t)time(NULL) };
    memcpy(cp.hash, hash, 32);
    return insert_checkpoint(log, &cp, detail);
}

/* Inside a transaction: links `r` to the tail, encodes (and signs key records), inserts. */
vfy_status aud_log_insert_in_tx(vfy_audit_log *log, aud_record *r, const vfy_audit_key *signer,
                                uint64_t *seq_out, uint8_t hash_out[32], vfy_detail *detail)
{
    uint64_t tail;
    VFY_TRY(read_tail(log, &tail, r->prev, detail));
    if (tail == 0 && r->kind != AUD_KIND_OPEN)
        return vfy_fail(detail, VFY_E_AUDIT_FORMAT, "audit log", "the log has no first record");
    r->seq = tail + 1;
    size_t len;
    VFY_TRY(aud_record_encode(r, log->buf, sizeof log->buf, &len, detail));
    if (signer != NULL)
        VFY_TRY(aud_record_sign(signer, log->buf, sizeof log->buf, &len, detail));
    uint8_t hash[32];
    aud_record_hash(log->buf, len, hash);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(log->db,
                                "INSERT INTO audit_records(seq, time, kind, outcome, document_hash,"
                                " record, hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)r->seq);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)r->time);
        sqlite3_bind_text(st, 3, aud_kind_name(r->kind), -1, SQLITE_STATIC);
        if (r->outcome[0] != '\0')
            sqlite3_bind_text(st, 4, r->outcome, -1, SQLITE_STATIC);
        if (r->has_doc_hash)
            sqlite3_bind_blob(st, 5, r->doc_hash, 32, SQLITE_STATIC);
        sqlite3_bind_blob(st, 6, log->buf, (int)len, SQLITE_STATIC);
        sqlite3_bind_blob(st, 7, hash, 32, SQLITE_STATIC);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return aud_db_fail(log->db, VFY_E_AUDIT_WRITE, "cannot write the record", detail);
    *seq_out = r->seq;
    memcpy(hash_out, hash, 32);
    return VFY_OK;
}

vfy_status aud_log_begin(vfy_audit_log *log, vfy_detail *detail)
{
    return exec(log, "BEGIN IMMEDIATE", detail);
}

vfy_status aud_log_end(vfy_audit_log *log, vfy_status s, vfy_detail *detail)
{
    if (s == VFY_OK)
        s = exec(log, "COMMIT", detail);
    if (s != VFY_OK) {
        /* The record was not written: keep the caller's failure, undo everything. */
        sqlite3_exec(log->db, "ROLLBACK", NULL, NULL, NULL);
        if (s != VFY_E_NO_MEMORY && s != VFY_E_AUDIT_WRITE && detail != NULL) {
            vfy_status inner = s;
            char msg[VFY_DETAIL_MESSAGE_MAX];
            snprintf(msg, sizeof msg, "%s", detail->message);
            vfy_fail(detail, VFY_E_AUDIT_WRITE, "audit log", "%s (%s)", msg,
                     vfy_status_name(inner));
        }
        return s == VFY_E_NO_MEMORY ? s : VFY_E_AUDIT_WRITE;
    }
    return VFY_OK;
}

vfy_status aud_log_append(vfy_audit_log *log, aud_record *r, const vfy_audit_key *signer,
                          uint64_t *seq_out, vfy_detail *detail)
{
    VFY_TRY(aud_log_begin(log, detail));
    uint64_t seq = 0;
    uint8_t hash[32];
    vfy_status s = aud_log_insert_in_tx(log, r, signer, &seq, hash, detail);
    /* A rotation changes the key before its checkpoint: the new key signs from here on. */
    if (s == VFY_OK && r->kind == AUD_KIND_KEY_ROTATION && log->pending_key != NULL)
        log->key = log->pending_key;
    if (s == VFY_OK && (seq - log->cp_seq >= log->every ||
                        time(NULL) - log->cp_time >= (time_t)log->seconds))
        s = aud_log_checkpoint_in_tx(log, seq, hash, detail);
    const vfy_audit_key *old_key = signer;
    s = aud_log_end(log, s, detail);
    if (s != VFY_OK) {
        if (r->kind == AUD_KIND_KEY_ROTATION && old_key != NULL)
            log->key = old_key;
        return s;
    }
    log->last_seq = seq;
    memcpy(log->last_hash, hash, 32);
    if (seq_out != NULL)
        *seq_out = seq;
    return VFY_OK;
}

/* ---- opening ---------------------------------------------------------------------- */

static void base_record(const vfy_audit_log *log, aud_record *r, uint8_t kind)
{
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->time = (int64_t)time(NULL);
    r->time_source = VFY_TIME_SYSTEM_CLOCK;
    aud_set_text(r->kiosk, log->kiosk);
    aud_set_text(r->version, vfy_version());
}

void aud_log_base_record(const vfy_audit_log *log, aud_record *r, uint8_t kind)
{
    base_record(log, r, kind);
}

/* The state an existing log is in: log id, the keys in force, the last checkpoint. */
static vfy_status load_state(vfy_audit_log *log, uint8_t key_in_force[32], bool *has_lookup,
                             uint8_t lookup_in_force[32], vfy_detail *detail)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(log->db,
                                "SELECT record FROM audit_records WHERE kind IN ('open',"
                                " 'key_rotation', 'lookup_key_rotation') ORDER BY seq",
                                -1, &st, NULL);
    bool opened = false;
    *has_lookup = false;
    vfy_status s = VFY_OK;
    while (rc == SQLITE_OK && s == VFY_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(st, 0);
        int n = sqlite3_column_bytes(st, 0);
        s = aud_record_decode(b, n > 0 ? (size_t)n : 0, &log->rec, detail);
        if (s != VFY_OK)
            break;
        if (log->rec.kind == AUD_KIND_OPEN) {
            memcpy(log->log_id, log->rec.log_id, AUD_LOG_ID_BYTES);
            opened = true;
        }
        if (log->rec.has_public_key)
            memcpy(key_in_force, log->rec.public_key, 32);
        if (log->rec.kind != AUD_KIND_KEY_ROTATION && log->rec.has_lookup_id) {
            *has_lookup = true;
            memcpy(lookup_in_force, log->rec.lookup_id, 32);
        }
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (s != VFY_OK)
        return vfy_fail(detail, VFY_E_AUDIT_FORMAT, "audit log",
                        "a key record of the log is unreadable: run vfy audit verify");
    if (rc != SQLITE_DONE)
        return aud_db_fail(log->db, VFY_E_AUDIT_FORMAT, "cannot read the log", detail);
    if (!opened)
        return vfy_fail(detail, VFY_E_AUDIT_FORMAT, "audit log",
                        "the log has no first record: run vfy audit verify");
    st = NULL;
    rc = sqlite3_prepare_v2(log->db, "SELECT MAX(seq) FROM audit_checkpoints WHERE kind = 'regular'",
                            -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        log->cp_seq = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    log->cp_time = time(NULL);
    return read_tail(log, &log->last_seq, log->last_hash, detail);
}

static vfy_status create(vfy_audit_log *log, const char *path, bool *made, vfy_detail *detail)
{
    /* A new, empty 0600 file created without following links; SQLite makes it a
     * database, and its -wal and -shm files take the same mode. */
    static const uint8_t nothing[1] = { 0 };
    VFY_TRY(vfy_write_new_file(path, nothing, 0, detail));
    *made = true;
    if (sqlite3_open_v2(path, &log->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
        SQLITE_OK)
        return aud_db_fail(log->db, VFY_E_AUDIT_WRITE, "cannot create the log", detail);
    VFY_TRY(exec(log, schema, detail));
    VFY_TRY(exec(log, "PRAGMA synchronous=FULL", detail));
    randombytes_buf(log->log_id, AUD_LOG_ID_BYTES);
    aud_record *r = &log->rec;
    base_record(log, r, AUD_KIND_OPEN);
    r->has_log_id = true;
    memcpy(r->log_id, log->log_id, AUD_LOG_ID_BYTES);
    r->has_public_key = true;
    memcpy(r->public_key, log->key->public_key, 32);
    if (log->lookup != NULL) {
        r->has_lookup_id = true;
        memcpy(r->lookup_id, log->lookup->id, 32);
    }
    aud_set_text(r->event, "log opened");
    log->cp_time = time(NULL);
    return aud_log_append(log, r, log->key, NULL, detail);
}

vfy_status vfy_audit_open(const char *path, const vfy_audit_key *key,
                          const vfy_audit_lookup_key *lookup, const vfy_audit_options *options,
                          vfy_audit_log **out, vfy_detail *detail)
{
    if (path == NULL || key == NULL || out == NULL ||
        (options != NULL && options->size < sizeof(size_t)))
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "audit", "a log path and a key are needed");
    *out = NULL;
    VFY_TRY(aud_sodium_ready(detail));
    vfy_audit_log *log = calloc(1, sizeof *log);
    if (log == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "audit", "out of memory");
    log->key = key;
    log->lookup = lookup;
    vfy_audit_options o = VFY_AUDIT_OPTIONS_INIT;
    if (options != NULL)
        memcpy(&o, options, options->size < sizeof o ? options->size : sizeof o);
    log->every = o.checkpoint_every != 0 ? o.checkpoint_every : DEFAULT_EVERY;
    log->seconds = o.checkpoint_seconds != 0 ? o.checkpoint_seconds : DEFAULT_SECONDS;
    char host[AUD_TEXT_MAX + 1] = "";
    if (o.kiosk_id == NULL && gethostname(host, sizeof host - 1) != 0)
        snprintf(host, sizeof host, "unnamed");
    aud_set_text(log->kiosk, o.kiosk_id != NULL ? o.kiosk_id : host);
    aud_set_text(log->reader, o.reader);

    vfy_status s;
    bool made = false;
    if (access(path, F_OK) != 0) {
        s = create(log, path, &made, detail);
    } else {
        /* Check what it is with the reader's care, then open it for writing. */
        sqlite3 *probe = NULL;
        s = aud_db_open_read(path, false, &probe, detail);
        sqlite3_close(probe);
        if (s == VFY_OK &&
            sqlite3_open_v2(path, &log->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
                SQLITE_OK)
            s = aud_db_fail(log->db, VFY_E_AUDIT_FORMAT, "cannot open the log", detail);
        if (s == VFY_OK) {
            sqlite3_db_config(log->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
            sqlite3_db_config(log->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
            sqlite3_busy_timeout(log->db, 10000);   /* another process may be appending */
            s = exec(log, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL", detail);
        }
        uint8_t in_force[32], lookup_id[32];
        bool has_lookup = false;
        if (s == VFY_OK)
            s = load_state(log, in_force, &has_lookup, lookup_id, detail);
        if (s == VFY_OK && sodium_memcmp(in_force, key->public_key, 32) != 0)
            s = vfy_fail(detail, VFY_E_AUDIT_KEY, "audit key",
                         "the key given is not the log's signing key in force (rotate keys "
                         "with the key in force)");
        if (s == VFY_OK && has_lookup && lookup == NULL)
            s = vfy_fail(detail, VFY_E_AUDIT_KEY, "lookup key",
                         "the log hashes document numbers with a lookup key: give it");
        if (s == VFY_OK && lookup != NULL && (!has_lookup || sodium_memcmp(lookup_id, lookup->id, 32) != 0))
            s = vfy_fail(detail, VFY_E_AUDIT_KEY, "lookup key",
                         "the lookup key given is not the log's lookup key in force (introduce "
                         "it with a lookup key rotation)");
    }
    if (s == VFY_OK)
        sqlite3_busy_timeout(log->db, 10000);
    if (s != VFY_OK) {
        sqlite3_close(log->db);
        if (made) {   /* a log this call created but could not start: leave nothing */
            char side[4096];
            unlink(path);
            if ((size_t)snprintf(side, sizeof side, "%s-wal", path) < sizeof side)
                unlink(side);
            if ((size_t)snprintf(side, sizeof side, "%s-shm", path) < sizeof side)
                unlink(side);
        }
        sodium_memzero(log, sizeof *log);
        free(log);
        return s;
    }
    *out = log;
    return VFY_OK;
}

uint64_t vfy_audit_last_seq(const vfy_audit_log *log)
{
    return log != NULL ? log->last_seq : 0;
}

vfy_status vfy_audit_checkpoint(vfy_audit_log *log, vfy_detail *detail)
{
    if (log == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "audit", "no log");
    VFY_TRY(aud_log_begin(log, detail));
    uint64_t seq;
    uint8_t hash[32];
    vfy_status s = read_tail(log, &seq, hash, detail);
    if (s == VFY_OK)
        s = aud_log_checkpoint_in_tx(log, seq, hash, detail);
    return aud_log_end(log, s, detail);
}

vfy_status vfy_audit_close(vfy_audit_log *log, vfy_detail *detail)
{
    if (log == NULL)
        return VFY_OK;
    vfy_status s = VFY_OK;
    if (log->last_seq > log->cp_seq)
        s = vfy_audit_checkpoint(log, detail);
    /* Folds the WAL into the database so the file alone holds everything. */
    sqlite3_wal_checkpoint_v2(log->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    if (sqlite3_close(log->db) != SQLITE_OK && s == VFY_OK)
        s = vfy_fail(detail, VFY_E_AUDIT_WRITE, "audit log", "the log could not be closed");
    sodium_memzero(log, sizeof *log);
    free(log);
    return s;
}

vfy_status vfy_audit_record_change(vfy_audit_log *log, vfy_audit_change change,
                                   const char *description, const uint8_t *digest,
                                   size_t digest_len, uint64_t *seq, vfy_detail *detail)
{
    if (log == NULL || description == NULL || (digest == NULL && digest_len > 0) ||
        digest_len > AUD_DIGEST_MAX ||
        (change != VFY_AUDIT_TRUST_CHANGE && change != VFY_AUDIT_RULES_CHANGE))
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "audit",
                        "a change needs a log, a description and a digest of at most %u bytes",
                        (unsigned)AUD_DIGEST_MAX);
    aud_record *r = &log->rec;
    base_record(log, r, change == VFY_AUDIT_TRUST_CHANGE ? AUD_KIND_TRUST_CHANGE
                                                         : AUD_KIND_RULES_CHANGE);
    aud_set_text(r->event, description[0] != '\0' ? description : "changed");
    r->subject_len = digest_len;
    if (digest_len > 0)
        memcpy(r->subject, digest, digest_len);
    return aud_log_append(log, r, NULL, seq, detail);
}

vfy_status vfy_audit_rotate_key(vfy_audit_log *log, const vfy_audit_key *new_key,
                                vfy_detail *detail)
{
    if (log == NULL || new_key == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "audit", "a log and a new key are needed");
    aud_record *r = &log->rec;
    base_record(log, r, AUD_KIND_KEY_ROTATION);
    r->has_public_key = true;
    memcpy(r->public_key, new_key->public_key, 32);
    aud_set_text(r->event, "signing key rotated");
    log->pending_key = new_key;
    vfy_status s = aud_log_append(log, r, log->key, NULL, detail);
    log->pending_key = NULL;
    return s;
}

vfy_status vfy_audit_rotate_lookup_key(vfy_audit_log *log, const vfy_audit_lookup_key *new_key,
                                       vfy_detail *detail)
{
    if (log == NULL || new_key == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "audit", "a log and a new key are needed");
    aud_record *r = &log->rec;
    base_record(log, r, AUD_KIND_LOOKUP_ROTATION);
    r->has_lookup_id = true;
    memcpy(r->lookup_id, new_key->id, 32);
    aud_set_text(r->event, "lookup key rotated");
    VFY_TRY(aud_log_append(log, r, log->key, NULL, detail));
    log->lookup = new_key;
    return VFY_OK;
}
