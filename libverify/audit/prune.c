/* Pruning old records while the rest stays verifiable (docs/audit.md, "Pruning").
 * In one write transaction: verify the whole log from its first key (a prune must not
 * sign over tampering), append a "prune" record, delete the records whose time is before
 * the date (keeping the first record and every key rotation: the chain of keys needs
 * them, and the prune record itself), bridge each gap left with a checkpoint signed by the key in force
 * over the record before the gap, and checkpoint the new tail. Deleted pages are
 * overwritten (secure_delete), so what was pruned does not linger in the file. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "audit/log_internal.h"
#include "core/fail.h"

#define KEY_KINDS "('open', 'key_rotation', 'lookup_key_rotation')"

static vfy_status first_key(vfy_audit_log *log, uint8_t pub[32], vfy_detail *detail)
{
    sqlite3_stmt *st = NULL;
    vfy_status s = vfy_fail(detail, VFY_E_AUDIT_TAMPERED, "audit log",
                            "the log's first record is missing or unreadable");
    if (sqlite3_prepare_v2(log->db, "SELECT record FROM audit_records WHERE seq = 1", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        int n = sqlite3_column_bytes(st, 0);
        if (n > 0 && aud_record_decode(sqlite3_column_blob(st, 0), (size_t)n, &log->rec, NULL) ==
                         VFY_OK &&
            log->rec.kind == AUD_KIND_OPEN) {
            memcpy(pub, log->rec.public_key, 32);
            s = VFY_OK;
        }
    }
    sqlite3_finalize(st);
    return s;
}

static vfy_status step_sql(vfy_audit_log *log, const char *sql, sqlite3_int64 a, sqlite3_int64 *out,
                           vfy_detail *detail)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(log->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && strchr(sql, '?') != NULL)
        sqlite3_bind_int64(st, 1, a);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && out != NULL)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return aud_db_fail(log->db, VFY_E_AUDIT_WRITE, "pruning failed", detail);
    return VFY_OK;
}

/* Anchors for every gap that has none: over record b-1 with b's `prev`. */
static vfy_status bridge_gaps(vfy_audit_log *log, uint64_t made_at, vfy_detail *detail)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(log->db, "SELECT seq, record FROM audit_records ORDER BY seq", -1,
                                &st, NULL);
    uint64_t before = 0;
    vfy_status s = VFY_OK;
    while (s == VFY_OK && rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        uint64_t seq = (uint64_t)sqlite3_column_int64(st, 0);
        if (before != 0 && seq != before + 1) {
            sqlite3_int64 have = 0;
            s = step_sql(log, "SELECT COUNT(*) FROM audit_checkpoints WHERE kind = 'prune' AND seq = ?1",
                         (sqlite3_int64)(seq - 1), &have, detail);
            int n = sqlite3_column_bytes(st, 1);
            if (s == VFY_OK && have == 0) {
                s = aud_record_decode(sqlite3_column_blob(st, 1), n > 0 ? (size_t)n : 0, &log->rec,
                                      detail);
                if (s == VFY_OK)
                    s = aud_log_anchor_in_tx(log, seq - 1, log->rec.prev, made_at, detail);
            }
        }
        before = seq;
    }
    if (s == VFY_OK && rc != SQLITE_DONE)
        s = aud_db_fail(log->db, VFY_E_AUDIT_WRITE, "pruning failed", detail);
    sqlite3_finalize(st);
    return s;
}

static vfy_status prune_in_tx(vfy_audit_log *log, time_t before, uint64_t *removed,
                              vfy_detail *detail)
{
    uint8_t pub[32];
    VFY_TRY(first_key(log, pub, detail));
    vfy_audit_verify_result res;
    VFY_TRY(aud_verify_db(log->db, pub, NULL, &res, detail));
    if (res.problem != VFY_AUDIT_INTACT)
        return vfy_fail(detail, VFY_E_AUDIT_TAMPERED, "audit log",
                        "the log is not intact, nothing was pruned: %s", res.message);
    sqlite3_int64 count = 0;
    VFY_TRY(step_sql(log, "SELECT COUNT(*) FROM audit_records WHERE time < ?1 AND kind NOT IN " KEY_KINDS,
                     (sqlite3_int64)before, &count, detail));
    *removed = (uint64_t)count;
    if (count == 0)
        return VFY_OK;
    aud_record *r = &log->rec;
    aud_log_base_record(log, r, AUD_KIND_PRUNE);
    r->has_prune = true;
    r->prune_before = (int64_t)before;
    r->prune_removed = (uint64_t)count;
    aud_set_text(r->event, "records pruned");
    uint64_t seq;
    uint8_t hash[32];
    VFY_TRY(aud_log_insert_in_tx(log, r, NULL, &seq, hash, detail));
    VFY_TRY(step_sql(log, "DELETE FROM audit_records WHERE time < ?1 AND kind NOT IN " KEY_KINDS
                          " AND seq < (SELECT MAX(seq) FROM audit_records)",
                     (sqlite3_int64)before, NULL, detail));
    /* Checkpoints over deleted records go; so do anchors of gaps that grew. */
    VFY_TRY(step_sql(log, "DELETE FROM audit_checkpoints WHERE kind = 'regular' AND seq NOT IN"
                          " (SELECT seq FROM audit_records)", 0, NULL, detail));
    VFY_TRY(step_sql(log, "DELETE FROM audit_checkpoints WHERE kind = 'prune' AND (seq IN"
                          " (SELECT seq FROM audit_records) OR seq + 1 NOT IN"
                          " (SELECT seq FROM audit_records))", 0, NULL, detail));
    VFY_TRY(bridge_gaps(log, seq, detail));
    VFY_TRY(aud_log_checkpoint_in_tx(log, seq, hash, detail));
    log->last_seq = seq;
    memcpy(log->last_hash, hash, 32);
    return VFY_OK;
}

vfy_status vfy_audit_prune(const char *path, const vfy_audit_key *key,
                           const vfy_audit_lookup_key *lookup, time_t before, uint64_t *removed,
                           vfy_detail *detail)
{
    uint64_t n = 0;
    if (removed != NULL)
        *removed = 0;
    vfy_audit_log *log;
    VFY_TRY(vfy_audit_open(path, key, lookup, NULL, &log, detail));
    vfy_status s = VFY_OK;
    if (sqlite3_exec(log->db, "PRAGMA secure_delete=ON", NULL, NULL, NULL) != SQLITE_OK)
        s = aud_db_fail(log->db, VFY_E_AUDIT_WRITE, "cannot prune", detail);
    if (s == VFY_OK)
        s = aud_log_begin(log, detail);
    if (s == VFY_OK) {
        s = prune_in_tx(log, before, &n, detail);
        vfy_status inner = s;
        s = aud_log_end(log, s, detail);
        if (inner == VFY_E_AUDIT_TAMPERED)
            s = inner;
    }
    vfy_status c = vfy_audit_close(log, s == VFY_OK ? detail : NULL);
    if (s == VFY_OK)
        s = c;
    if (s == VFY_OK && removed != NULL)
        *removed = n;
    return s;
}
