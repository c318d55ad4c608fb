/* Reading the audit log back: records as JSON (schema libverify.audit.record/1, in
 * docs/audit.md), filtered by time or by a document's keyed hash, and the latest
 * checkpoint for a central system. Reading does not verify: vfy_audit_verify does. */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit_internal.h"
#include "core/json_out.h"
#include "core/fail.h"

static json_t *hex(const uint8_t *p, size_t n)
{
    char buf[2 * AUD_DIGEST_MAX + 1];
    if (n > AUD_DIGEST_MAX)
        return json_null();
    sodium_bin2hex(buf, sizeof buf, p, n);
    return json_string(buf);
}

static json_t *iso_time(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[32];
    if (gmtime_r(&tt, &tm) == NULL || strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return json_null();
    return json_string(buf);
}

/* json_object_set_new that remembers a failure (a value jansson could not allocate):
 * a record is never handed out with a field silently missing. */
static void put(json_t *o, const char *k, json_t *v, bool *ok)
{
    if (json_object_set_new(o, k, v) != 0)
        *ok = false;
}

static void append(json_t *a, json_t *v, bool *ok)
{
    if (json_array_append_new(a, v) != 0)
        *ok = false;
}

static void opt_text(json_t *o, const char *k, const char *v, bool *ok)
{
    if (v[0] != '\0')
        put(o, k, json_string(v), ok);
}

char *aud_record_json(const aud_record *r)
{
    json_t *o = json_object();
    bool ok = o != NULL;
    put(o, "schema", json_string("libverify.audit.record/1"), &ok);
    put(o, "seq", json_integer((json_int_t)r->seq), &ok);
    put(o, "kind", json_string(aud_kind_name(r->kind)), &ok);
    put(o, "time", iso_time(r->time), &ok);
    put(o, "time_source", json_string(vfy_time_source_name((vfy_time_source)r->time_source)), &ok);
    put(o, "prev", hex(r->prev, 32), &ok);
    opt_text(o, "kiosk_id", r->kiosk, &ok);
    opt_text(o, "library_version", r->version, &ok);
    opt_text(o, "reader", r->reader, &ok);
    opt_text(o, "access", r->access, &ok);
    if (r->has_live)
        put(o, "live", json_boolean(r->live), &ok);
    opt_text(o, "verdict", r->outcome, &ok);
    opt_text(o, "document_verdict", r->doc_outcome, &ok);
    opt_text(o, "gate", r->gate, &ok);
    if (r->has_trust)
        put(o, "trust_digest", hex(r->trust, 32), &ok);
    if (r->kind == AUD_KIND_INSPECTION) {
        json_t *checks = json_array();
        for (size_t i = 0; i < r->n_checks; i++)
            append(checks,
                   json_pack("{s:s,s:s,s:s}", "id", r->checks[i].id, "status",
                             vfy_outcome_name((vfy_outcome)r->checks[i].status), "code",
                             vfy_status_name((vfy_status)r->checks[i].code)),
                   &ok);
        put(o, "checks", checks, &ok);
    }
    if (r->n_sets > 0 || r->n_dims > 0) {
        json_t *sets = json_array(), *dims = json_object();
        for (size_t i = 0; i < r->n_sets; i++)
            append(sets, json_pack("{s:s,s:s}", "id", r->sets[i].id, "digest", r->sets[i].digest),
                   &ok);
        for (size_t i = 0; i < r->n_dims; i++)
            put(dims, r->dims[i].dimension,
                json_pack("{s:s,s:s}", "modality", r->dims[i].modality, "value", r->dims[i].value),
                &ok);
        put(o, "eligibility", json_pack("{s:o,s:o}", "rulesets", sets, "decision", dims), &ok);
    }
    if (r->has_doc_hash)
        put(o, "document_hash", hex(r->doc_hash, 32), &ok);
    if (r->has_person_hash)
        put(o, "person_hash", hex(r->person_hash, 32), &ok);
    if (r->has_lookup_id)
        put(o, "lookup_key_id", hex(r->lookup_id, 32), &ok);
    opt_text(o, "event", r->event, &ok);
    if (r->subject_len > 0)
        put(o, "digest", hex(r->subject, r->subject_len), &ok);
    if (r->has_log_id)
        put(o, "log_id", hex(r->log_id, AUD_LOG_ID_BYTES), &ok);
    if (r->has_public_key)
        put(o, "public_key", hex(r->public_key, 32), &ok);
    if (r->has_prune)
        put(o, "pruned",
            json_pack("{s:o,s:I}", "before", iso_time(r->prune_before), "records",
                      (json_int_t)r->prune_removed),
            &ok);
    char *text = ok ? vfy_json_text_(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    return text;
}

vfy_status vfy_audit_read(const char *path, const vfy_audit_query *query, vfy_audit_entry_fn fn,
                          void *ctx, vfy_detail *detail)
{
    if (path == NULL || fn == NULL || (query != NULL && query->size < sizeof(size_t)))
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "audit", "a log and a callback are needed");
    vfy_audit_query q = VFY_AUDIT_QUERY_INIT;
    if (query != NULL)
        memcpy(&q, query, query->size < sizeof q ? query->size : sizeof q);
    if ((q.document_number != NULL) != (q.lookup != NULL))
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "audit",
                        "a document number needs the lookup key, and the other way round");
    VFY_TRY(aud_sodium_ready(detail));
    uint8_t tag[32];
    if (q.document_number != NULL) {
        char number[40];
        if (!aud_normalise_number(q.document_number, number, sizeof number))
            return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "document",
                            "a document number is letters and digits (at most 39)");
        aud_lookup_hashes(q.lookup, number, NULL, tag, NULL);
        sodium_memzero(number, sizeof number);
    }
    sqlite3 *db;
    VFY_TRY(aud_db_open_read(path, true, &db, detail));
    aud_record *r = malloc(sizeof *r);
    if (r == NULL) {   /* out of memory, not an unreadable log */
        sqlite3_close(db);
        return vfy_fail(detail, VFY_E_NO_MEMORY, "audit log", "out of memory");
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                q.document_number != NULL
                                    ? "SELECT record FROM audit_records WHERE time >= ?1"
                                      " AND document_hash = ?2 ORDER BY seq"
                                    : "SELECT record FROM audit_records WHERE time >= ?1"
                                      " ORDER BY seq",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)q.since);
        if (q.document_number != NULL)
            sqlite3_bind_blob(st, 2, tag, 32, SQLITE_STATIC);
    }
    vfy_status s = VFY_OK;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        const void *b = sqlite3_column_blob(st, 0);
        int n = sqlite3_column_bytes(st, 0);
        vfy_detail d;
        vfy_detail_clear(&d);
        if (b == NULL || n <= 0 || aud_record_decode(b, (size_t)n, r, &d) != VFY_OK) {
            s = vfy_fail(detail, VFY_E_AUDIT_TAMPERED, "audit log",
                         "a record cannot be decoded (%s): run vfy audit verify", d.message);
            break;
        }
        /* The column is only an index: the record's own hash decides. */
        if (q.document_number != NULL && (!r->has_doc_hash || sodium_memcmp(r->doc_hash, tag, 32) != 0))
            continue;
        char *json = aud_record_json(r);
        if (json == NULL) {
            s = vfy_fail(detail, VFY_E_NO_MEMORY, "audit log", "out of memory");
            break;
        }
        size_t failed = 0;
        for (size_t i = 0; i < r->n_checks; i++)
            failed += r->checks[i].status == VFY_OUTCOME_FAILED;
        vfy_audit_entry e = {
            .seq = r->seq, .kind = aud_kind_name(r->kind), .time = (time_t)r->time,
            .time_source = vfy_time_source_name((vfy_time_source)r->time_source),
            .kiosk_id = r->kiosk, .library_version = r->version, .reader = r->reader,
            .access = r->access, .outcome = r->outcome, .gate = r->gate, .event = r->event,
            .check_count = r->n_checks, .failed_checks = failed,
            .has_document_hash = r->has_doc_hash, .json = json,
        };
        bool go_on = fn(ctx, &e);
        free(json);
        if (!go_on)
            break;
    }
    if (s == VFY_OK && rc != SQLITE_DONE && rc != SQLITE_OK)
        s = aud_db_fail(db, VFY_E_AUDIT_FORMAT, "cannot read the records", detail);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(r);
    return s;
}

vfy_status vfy_audit_checkpoint_latest(const char *path, char **text, vfy_detail *detail)
{
    if (path == NULL || text == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "audit", "a log is needed");
    *text = NULL;
    VFY_TRY(aud_sodium_ready(detail));
    sqlite3 *db;
    VFY_TRY(aud_db_open_read(path, true, &db, detail));
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT checkpoint FROM audit_checkpoints WHERE kind = 'regular'"
                                " ORDER BY seq DESC, id DESC LIMIT 1",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    vfy_status s = VFY_OK;
    aud_checkpoint cp;
    if (rc == SQLITE_DONE) {
        s = vfy_fail(detail, VFY_E_NOT_FOUND, "audit log", "the log has no checkpoint yet");
    } else if (rc != SQLITE_ROW) {
        s = aud_db_fail(db, VFY_E_AUDIT_FORMAT, "cannot read the checkpoints", detail);
    } else if (sqlite3_column_bytes(st, 0) != AUD_CP_BYTES ||
               aud_checkpoint_decode(sqlite3_column_blob(st, 0), AUD_CP_BYTES, &cp, detail) !=
                   VFY_OK) {
        s = vfy_fail(detail, VFY_E_AUDIT_TAMPERED, "audit log",
                     "the latest checkpoint is malformed: run vfy audit verify");
    } else if ((*text = aud_checkpoint_text(sqlite3_column_blob(st, 0))) == NULL) {
        s = vfy_fail(detail, VFY_E_NO_MEMORY, "audit log", "out of memory");
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return s;
}
