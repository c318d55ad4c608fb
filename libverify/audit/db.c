/* The SQLite side of the audit log, for readers: opening a file that may be hostile
 * (another program's database, a corrupted or truncated copy) without trusting it —
 * read-only, no symbolic links, defensive mode, no untrusted schema functions, bounded
 * blobs, and a structural check before any query. The tables (docs/audit.md):
 *   audit_meta(name, value)            format = libverify.audit/1
 *   audit_records(seq, time, kind, outcome, document_hash, record, hash)
 *   audit_checkpoints(id, seq, kind, checkpoint)
 * Only `record` and `checkpoint` (the canonical bytes) count; the other columns are
 * copies for queries, and verification checks them against the bytes. */
#include <stdio.h>
#include <string.h>

#include "audit/audit_internal.h"
#include "core/fail.h"

vfy_status aud_db_fail(sqlite3 *db, vfy_status status, const char *what, vfy_detail *detail)
{
    return vfy_fail(detail, status, "audit log", "%s: %s", what,
                    db != NULL ? sqlite3_errmsg(db) : "cannot open the database");
}

/* The table `name` exists as a table (not a view that could compute anything). */
static bool is_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st = NULL;
    bool ok = false;
    if (sqlite3_prepare_v2(db, "SELECT type FROM sqlite_schema WHERE name = ?1", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        ok = t != NULL && strcmp((const char *)t, "table") == 0;
    }
    sqlite3_finalize(st);
    return ok;
}

vfy_status aud_db_open_read(const char *path, bool full_check, sqlite3 **out, vfy_detail *detail)
{
    *out = NULL;
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL);
    if (rc != SQLITE_OK) {
        vfy_status s = aud_db_fail(db, VFY_E_AUDIT_FORMAT, "cannot open the log", detail);
        sqlite3_close(db);
        return s;
    }
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1 << 20);
    sqlite3_busy_timeout(db, 5000);
    /* A structural check first: a corrupted or truncated file is an unreadable log. It
     * reads the whole file, so a writer opening its own log skips it. */
    sqlite3_stmt *st = NULL;
    vfy_status s = VFY_OK;
    rc = full_check ? sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) : SQLITE_OK;
    if (full_check && rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (full_check && rc != SQLITE_ROW) {
        s = aud_db_fail(db, VFY_E_AUDIT_FORMAT, "the file is not a readable SQLite database",
                        detail);
    } else if (full_check) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        if (t == NULL || strcmp((const char *)t, "ok") != 0)
            s = vfy_fail(detail, VFY_E_AUDIT_FORMAT, "audit log",
                         "the database is damaged: %.160s", t != NULL ? (const char *)t : "?");
    }
    sqlite3_finalize(st);
    st = NULL;
    if (s == VFY_OK && !(is_table(db, "audit_meta") && is_table(db, "audit_records") &&
                         is_table(db, "audit_checkpoints")))
        s = vfy_fail(detail, VFY_E_AUDIT_FORMAT, "audit log",
                     "the file is an SQLite database but not a libverify audit log");
    if (s == VFY_OK) {
        bool ok = sqlite3_prepare_v2(db, "SELECT value FROM audit_meta WHERE name = 'format'", -1,
                                     &st, NULL) == SQLITE_OK &&
                  sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL &&
                  strcmp((const char *)sqlite3_column_text(st, 0), "libverify.audit/1") == 0;
        if (!ok)
            s = vfy_fail(detail, VFY_E_AUDIT_FORMAT, "audit log",
                         "the log's format is not libverify.audit/1");
        sqlite3_finalize(st);
    }
    if (s != VFY_OK) {
        sqlite3_close(db);
        return s;
    }
    *out = db;
    return VFY_OK;
}
