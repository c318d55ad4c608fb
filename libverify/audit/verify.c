/* Verifying an audit log (docs/audit.md, "Verification"): one walk over the records in
 * stored order that recomputes every hash from the canonical bytes, follows the chain,
 * the record numbers and the key rotations from the first key, then checks every signed
 * checkpoint (in the log and kept elsewhere) against the key in force when it was made.
 * The first problem found is reported with the record where it is. */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit_internal.h"
#include "core/fail.h"

/* Bounds the memory a hostile file can make verification take (about 100 MB); at the
 * default of one checkpoint per 64 records that is 16 million records. */
#define MAX_CHECKPOINTS (1u << 18)

struct key_era {
    uint64_t from;                /* the record that introduced the key */
    uint8_t pub[32];
};

struct cp_row {
    aud_checkpoint cp;
    uint8_t bytes[AUD_CP_BYTES];
    bool checked;                 /* its record was reached and its hash compared */
    bool external;
};

struct walk {
    sqlite3 *db;
    vfy_audit_verify_result *res;
    struct key_era *keys;
    size_t n_keys, cap_keys;
    struct cp_row *cps;           /* sorted by the record they cover */
    size_t n_cps;
    size_t cp_next;               /* the first not yet compared during the walk */
    uint64_t (*gaps)[2];          /* pruned ranges bridged by an anchor */
    size_t n_gaps;
    uint8_t log_id[AUD_LOG_ID_BYTES];
    bool have_log_id;
    bool no_memory;               /* a key era could not be recorded: not a verdict */
    aud_record rec, next;
};

static bool problem(struct walk *w, vfy_audit_problem p, uint64_t record, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool problem(struct walk *w, vfy_audit_problem p, uint64_t record, const char *fmt, ...)
{
    w->res->problem = p;
    w->res->record = record;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->res->message, sizeof w->res->message, fmt, ap);
    va_end(ap);
    return false;
}

static bool add_key(struct walk *w, uint64_t from, const uint8_t pub[32])
{
    if (w->n_keys == w->cap_keys) {
        size_t cap = w->cap_keys != 0 ? 2 * w->cap_keys : 8;
        struct key_era *k = realloc(w->keys, cap * sizeof *k);
        if (k == NULL)
            return false;
        w->keys = k;
        w->cap_keys = cap;
    }
    w->keys[w->n_keys].from = from;
    memcpy(w->keys[w->n_keys].pub, pub, 32);
    w->n_keys++;
    return true;
}

/* The signing key in force once record `seq` was written. */
static const uint8_t *key_at(const struct walk *w, uint64_t seq)
{
    const uint8_t *k = NULL;
    for (size_t i = 0; i < w->n_keys && w->keys[i].from <= seq; i++)
        k = w->keys[i].pub;
    return k;
}

static int cp_order(const void *a, const void *b)
{
    const struct cp_row *x = a, *y = b;
    return x->cp.seq < y->cp.seq ? -1 : x->cp.seq > y->cp.seq;
}

static vfy_status load_checkpoints(struct walk *w, vfy_detail *detail)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(w->db, "SELECT id, seq, kind, checkpoint FROM audit_checkpoints",
                                -1, &st, NULL);
    size_t cap = 0;
    vfy_status s = VFY_OK;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        if (w->n_cps == cap) {
            if (cap >= MAX_CHECKPOINTS) {
                s = vfy_fail(detail, VFY_E_LIMIT, "audit log", "more than %u checkpoints",
                             MAX_CHECKPOINTS);
                break;
            }
            cap = cap != 0 ? 2 * cap : 64;
            struct cp_row *n = realloc(w->cps, cap * sizeof *n);
            if (n == NULL) {
                s = vfy_fail(detail, VFY_E_NO_MEMORY, "audit log", "out of memory");
                break;
            }
            w->cps = n;
        }
        struct cp_row *row = &w->cps[w->n_cps];
        memset(row, 0, sizeof *row);
        const void *b = sqlite3_column_blob(st, 3);
        int n = sqlite3_column_bytes(st, 3);
        long long id = sqlite3_column_int64(st, 0);
        uint64_t col_seq = (uint64_t)sqlite3_column_int64(st, 1);
        const unsigned char *kind = sqlite3_column_text(st, 2);
        if (b == NULL || n != AUD_CP_BYTES || aud_checkpoint_decode(b, (size_t)n, &row->cp, NULL) != VFY_OK) {
            problem(w, VFY_AUDIT_BAD_CHECKPOINT, col_seq,
                    "checkpoint %lld (over record %llu) is not a valid checkpoint: it was altered",
                    id, (unsigned long long)col_seq);
            break;
        }
        const char *want = row->cp.kind == AUD_CP_PRUNE ? "prune" : "regular";
        if (row->cp.seq != col_seq || kind == NULL || strcmp((const char *)kind, want) != 0) {
            problem(w, VFY_AUDIT_BAD_CHECKPOINT, col_seq,
                    "checkpoint %lld: its stored columns differ from its signed content", id);
            break;
        }
        memcpy(row->bytes, b, AUD_CP_BYTES);
        w->n_cps++;
    }
    if (s == VFY_OK && w->res->problem == VFY_AUDIT_INTACT && rc != SQLITE_DONE)
        s = aud_db_fail(w->db, VFY_E_AUDIT_FORMAT, "cannot read the checkpoints", detail);
    sqlite3_finalize(st);
    return s;
}

/* A prune anchor over record `seq` whose hash is `hash`. */
static struct cp_row *anchor_for(struct walk *w, uint64_t seq, const uint8_t hash[32])
{
    for (size_t i = 0; i < w->n_cps; i++)
        if (w->cps[i].cp.kind == AUD_CP_PRUNE && w->cps[i].cp.seq == seq &&
            sodium_memcmp(w->cps[i].cp.hash, hash, 32) == 0)
            return &w->cps[i];
    return NULL;
}

/* The number written inside the next stored row's record (0 when none or unreadable). */
static uint64_t next_row_seq(struct walk *w, uint64_t after_col)
{
    sqlite3_stmt *st = NULL;
    uint64_t seq = 0;
    if (sqlite3_prepare_v2(w->db,
                           "SELECT record FROM audit_records WHERE seq > ?1 ORDER BY seq LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_int64(st, 1, (sqlite3_int64)after_col) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(st, 0);
        int n = sqlite3_column_bytes(st, 0);
        if (b != NULL && n > 0 && aud_record_decode(b, (size_t)n, &w->next, NULL) == VFY_OK)
            seq = w->next.seq;
    }
    sqlite3_finalize(st);
    return seq;
}

static bool blob_is(sqlite3_stmt *st, int col, const uint8_t *want, size_t n, bool present)
{
    const void *b = sqlite3_column_blob(st, col);
    int len = sqlite3_column_bytes(st, col);
    if (!present)
        return sqlite3_column_type(st, col) == SQLITE_NULL;
    return b != NULL && (size_t)len == n && sodium_memcmp(b, want, n) == 0;
}

/* The stored columns must be copies of the record's own content. */
static bool columns_agree(struct walk *w, sqlite3_stmt *st, const uint8_t hash[32])
{
    const aud_record *r = &w->rec;
    const char *what = NULL;
    const unsigned char *kind = sqlite3_column_text(st, 2);
    const unsigned char *outcome = sqlite3_column_text(st, 3);
    if ((uint64_t)sqlite3_column_int64(st, 0) != r->seq)
        return true;   /* numbering is judged by the walk */
    if (sqlite3_column_type(st, 1) != SQLITE_INTEGER || sqlite3_column_int64(st, 1) != r->time)
        what = "time";
    else if (kind == NULL || strcmp((const char *)kind, aud_kind_name(r->kind)) != 0)
        what = "kind";
    else if (r->outcome[0] != '\0' ? outcome == NULL || strcmp((const char *)outcome, r->outcome) != 0
                                   : sqlite3_column_type(st, 3) != SQLITE_NULL)
        what = "outcome";
    else if (!blob_is(st, 4, r->doc_hash, 32, r->has_doc_hash))
        what = "document_hash";
    else if (!blob_is(st, 6, hash, 32, true))
        what = "hash (the record's bytes were changed)";
    if (what == NULL)
        return true;
    return problem(w, VFY_AUDIT_MODIFIED, r->seq,
                   "record %llu was modified: its %s no longer matches what was recorded",
                   (unsigned long long)r->seq, what);
}

/* Key records: the first names the first key and proves it; each rotation is signed by
 * the key in force. */
static bool key_record(struct walk *w, const uint8_t *bytes, const uint8_t first_key[32])
{
    const aud_record *r = &w->rec;
    unsigned long long seq = (unsigned long long)r->seq;
    if (r->kind == AUD_KIND_OPEN) {
        if (r->seq != 1)
            return problem(w, VFY_AUDIT_INSERTED, r->seq,
                           "record %llu is a second first record: it was inserted", seq);
        if (sodium_memcmp(r->public_key, first_key, 32) != 0)
            return problem(w, VFY_AUDIT_WRONG_KEY, 1,
                           "the log was started with another signing key than the one given: "
                           "it is not this kiosk's log, or it was replaced");
        if (!aud_signature_ok(r->public_key, bytes, r->signed_len, r->signature))
            return problem(w, VFY_AUDIT_MODIFIED, 1,
                           "record 1 was modified: its signature does not verify");
        memcpy(w->log_id, r->log_id, AUD_LOG_ID_BYTES);
        w->have_log_id = true;
        return add_key(w, 1, r->public_key) || (w->no_memory = true, false);
    }
    if (r->kind != AUD_KIND_KEY_ROTATION && r->kind != AUD_KIND_LOOKUP_ROTATION)
        return true;
    const uint8_t *in_force = key_at(w, r->seq);
    if (in_force == NULL || !aud_signature_ok(in_force, bytes, r->signed_len, r->signature))
        return problem(w, VFY_AUDIT_WRONG_KEY, r->seq,
                       "record %llu (%s) is not signed by the signing key in force: a key "
                       "rotation was forged or altered",
                       seq, aud_kind_name(r->kind));
    w->res->key_rotations++;
    if (r->kind == AUD_KIND_KEY_ROTATION)
        return add_key(w, r->seq, r->public_key) || (w->no_memory = true, false);
    return true;
}

/* Explains why the record in row `col` is not the one expected next. */
static bool misplaced(struct walk *w, uint64_t expected, uint64_t col)
{
    unsigned long long e = (unsigned long long)expected, got = (unsigned long long)w->rec.seq;
    if (w->rec.seq < expected)
        return problem(w, VFY_AUDIT_INSERTED, expected,
                       "where record %llu belongs the log holds another record numbered %llu: "
                       "a record was inserted (or copied) before record %llu",
                       e, got, e);
    if (w->rec.seq == expected)
        return problem(w, VFY_AUDIT_REORDERED, expected,
                       "record %llu is stored as number %llu: the records were renumbered (to "
                       "make room for an insertion or to hide a deletion)",
                       e, (unsigned long long)col);
    if (w->rec.seq != col || next_row_seq(w, col) == expected)
        return problem(w, next_row_seq(w, col) == expected ? VFY_AUDIT_REORDERED : VFY_AUDIT_DELETED,
                       expected,
                       next_row_seq(w, col) == expected
                           ? "records %llu and %llu are out of order: they were reordered"
                           : "record %llu is missing (the next record is %llu): records were "
                             "deleted",
                       e, got);
    return problem(w, VFY_AUDIT_DELETED, expected,
                   got - 1 == expected ? "record %llu was deleted (the next record is %llu)"
                                       : "records from %llu are missing up to %llu: they were deleted",
                   e, got - 1 == expected ? got : got - 1);
}

/* Regular checkpoints over this record: the same hash. */
static bool match_checkpoints(struct walk *w, const uint8_t hash[32])
{
    /* Records come in increasing order, so one pass over the sorted checkpoints. */
    while (w->cp_next < w->n_cps && w->cps[w->cp_next].cp.seq < w->rec.seq)
        w->cp_next++;
    for (size_t i = w->cp_next; i < w->n_cps && w->cps[i].cp.seq == w->rec.seq; i++) {
        struct cp_row *c = &w->cps[i];
        if (c->cp.kind != AUD_CP_REGULAR)
            continue;
        if (!w->have_log_id || sodium_memcmp(c->cp.log_id, w->log_id, AUD_LOG_ID_BYTES) != 0)
            return problem(w, c->external ? VFY_AUDIT_WRONG_KEY : VFY_AUDIT_BAD_CHECKPOINT,
                           c->cp.seq, "%s checkpoint belongs to another log: the log was replaced",
                           c->external ? "the kept" : "a");
        if (sodium_memcmp(c->cp.hash, hash, 32) != 0 &&
            !aud_checkpoint_signature_ok(c->bytes, AUD_CP_BYTES))
            return problem(w, VFY_AUDIT_BAD_CHECKPOINT, c->cp.seq,
                           "%s checkpoint over record %llu was altered: its signature does not "
                           "verify",
                           c->external ? "the kept" : "the log's", (unsigned long long)c->cp.seq);
        if (sodium_memcmp(c->cp.hash, hash, 32) != 0)
            return problem(w, VFY_AUDIT_MODIFIED, w->rec.seq,
                           "record %llu was modified: it differs from the %s checkpoint signed "
                           "over it",
                           (unsigned long long)w->rec.seq, c->external ? "kept" : "log's");
        c->checked = true;
    }
    return true;
}

static bool walk_records(struct walk *w, const uint8_t first_key[32], vfy_status *st_out,
                         vfy_detail *detail)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(w->db,
                                "SELECT seq, time, kind, outcome, document_hash, record, hash"
                                " FROM audit_records ORDER BY seq",
                                -1, &st, NULL);
    uint64_t expected = 1;
    uint8_t prev[32] = { 0 };
    bool ok = true;
    while (ok && rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        uint64_t col = (uint64_t)sqlite3_column_int64(st, 0);
        const uint8_t *b = sqlite3_column_blob(st, 5);
        int n = sqlite3_column_bytes(st, 5);
        vfy_detail d;
        vfy_detail_clear(&d);
        if (b == NULL || n <= 0 || aud_record_decode(b, (size_t)n, &w->rec, &d) != VFY_OK) {
            ok = problem(w, VFY_AUDIT_MODIFIED, col,
                         "record %llu was modified: its bytes are no longer a record (%s)",
                         (unsigned long long)col, d.message);
            break;
        }
        uint8_t hash[32];
        aud_record_hash(b, (size_t)n, hash);
        if (!columns_agree(w, st, hash)) {
            ok = false;
            break;
        }
        if (w->rec.seq != expected || w->rec.seq != col) {
            /* A gap a prune left is bridged by a signed anchor over the record before it. */
            struct cp_row *a = w->rec.seq > expected && w->rec.seq == col && expected > 1
                                   ? anchor_for(w, w->rec.seq - 1, w->rec.prev)
                                   : NULL;
            if (a == NULL) {
                ok = misplaced(w, expected, col);
                break;
            }
            a->checked = true;
            w->res->pruned += w->rec.seq - expected;
            uint64_t(*g)[2] = realloc(w->gaps, (w->n_gaps + 1) * sizeof *g);
            if (g == NULL) {
                *st_out = vfy_fail(detail, VFY_E_NO_MEMORY, "audit log", "out of memory");
                break;
            }
            w->gaps = g;
            g[w->n_gaps][0] = expected;
            g[w->n_gaps][1] = w->rec.seq - 1;
            w->n_gaps++;
            memcpy(prev, w->rec.prev, 32);
        }
        if (sodium_memcmp(w->rec.prev, prev, 32) != 0) {
            unsigned long long s = (unsigned long long)w->rec.seq;
            ok = problem(w, VFY_AUDIT_MODIFIED, w->rec.seq - 1,
                         w->rec.seq == 1 ? "record 1 was modified: it names a record before it"
                                         : "record %llu or %llu was modified: the chain of "
                                           "hashes breaks between them",
                         s - 1, s);
            break;
        }
        if (w->rec.seq == 1 && w->rec.kind != AUD_KIND_OPEN) {
            ok = problem(w, VFY_AUDIT_MODIFIED, 1, "record 1 is not the log's first record");
            break;
        }
        if (!key_record(w, b, first_key) || !match_checkpoints(w, hash)) {
            ok = false;
            break;
        }
        if (w->res->records == 0)
            w->res->first_seq = w->rec.seq;
        w->res->records++;
        w->res->last_seq = w->rec.seq;
        memcpy(prev, hash, 32);
        expected = w->rec.seq + 1;
    }
    if (w->no_memory && *st_out == VFY_OK)
        *st_out = vfy_fail(detail, VFY_E_NO_MEMORY, "audit log", "out of memory");
    if (ok && *st_out == VFY_OK && rc != SQLITE_DONE)
        *st_out = aud_db_fail(w->db, VFY_E_AUDIT_FORMAT, "cannot read the records", detail);
    sqlite3_finalize(st);
    if (ok && *st_out == VFY_OK && w->res->records == 0)
        ok = problem(w, VFY_AUDIT_DELETED, 1, "the log holds no records: they were deleted");
    return ok;
}

/* Each checkpoint: this log's, signed by the key in force when it was made, over a record
 * the log still holds (or a pruned gap it bridges). */
static bool check_checkpoints(struct walk *w)
{
    for (size_t i = 0; i < w->n_cps; i++) {
        struct cp_row *c = &w->cps[i];
        unsigned long long seq = (unsigned long long)c->cp.seq;
        const char *which = c->external ? "the checkpoint kept elsewhere" : "a checkpoint";
        if (!w->have_log_id || sodium_memcmp(c->cp.log_id, w->log_id, AUD_LOG_ID_BYTES) != 0)
            return problem(w, c->external ? VFY_AUDIT_WRONG_KEY : VFY_AUDIT_BAD_CHECKPOINT,
                           c->cp.seq, "%s belongs to another log: the log was replaced", which);
        if (c->cp.seq > w->res->last_seq || c->cp.made_at > w->res->last_seq)
            return problem(w, VFY_AUDIT_TRUNCATED, w->res->last_seq + 1,
                           "the log ends at record %llu, but %s covers record %llu: records "
                           "from %llu on were removed",
                           (unsigned long long)w->res->last_seq, which,
                           (unsigned long long)(c->cp.seq > c->cp.made_at ? c->cp.seq
                                                                         : c->cp.made_at),
                           (unsigned long long)w->res->last_seq + 1);
        const uint8_t *key = key_at(w, c->cp.made_at);
        if (key == NULL || sodium_memcmp(key, c->cp.public_key, 32) != 0 ||
            !aud_checkpoint_signature_ok(c->bytes, AUD_CP_BYTES))
            return problem(w, VFY_AUDIT_BAD_CHECKPOINT, c->cp.seq,
                           "%s over record %llu is not signed by the key in force: it was "
                           "forged or altered",
                           which, seq);
        bool pruned = false;
        for (size_t j = 0; j < w->n_gaps; j++)
            pruned |= c->cp.kind == AUD_CP_REGULAR && c->cp.seq >= w->gaps[j][0] &&
                      c->cp.seq <= w->gaps[j][1];
        if (!c->checked && !pruned)
            return problem(w, c->cp.kind == AUD_CP_PRUNE ? VFY_AUDIT_INSERTED : VFY_AUDIT_DELETED,
                           c->cp.seq,
                           "%s covers record %llu, which the log no longer holds as signed", which,
                           seq);
        w->res->checkpoints++;
    }
    return true;
}

vfy_status aud_verify_db(sqlite3 *db, const uint8_t public_key[32], const uint8_t *external,
                         vfy_audit_verify_result *result, vfy_detail *detail)
{
    memset(result, 0, sizeof *result);
    struct walk *w = calloc(1, sizeof *w);
    if (w == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "audit log", "out of memory");
    w->db = db;
    w->res = result;
    vfy_status s = load_checkpoints(w, detail);
    if (s == VFY_OK && result->problem == VFY_AUDIT_INTACT && external != NULL) {
        struct cp_row *n = realloc(w->cps, (w->n_cps + 1) * sizeof *n);
        if (n == NULL) {
            s = vfy_fail(detail, VFY_E_NO_MEMORY, "audit log", "out of memory");
        } else {
            w->cps = n;
            struct cp_row *row = &n[w->n_cps];
            memset(row, 0, sizeof *row);
            s = aud_checkpoint_decode(external, AUD_CP_BYTES, &row->cp, detail);
            memcpy(row->bytes, external, AUD_CP_BYTES);
            row->external = true;
            if (s == VFY_OK)
                w->n_cps++;
        }
    }
    if (s == VFY_OK && w->n_cps > 1)
        qsort(w->cps, w->n_cps, sizeof *w->cps, cp_order);
    if (s == VFY_OK && result->problem == VFY_AUDIT_INTACT &&
        walk_records(w, public_key, &s, detail) && s == VFY_OK)
        check_checkpoints(w);
    if (s == VFY_OK && result->problem == VFY_AUDIT_INTACT)
        snprintf(result->message, sizeof result->message,
                 "intact: records %llu to %llu, %llu checkpoints, %llu key rotations, %llu "
                 "records pruned",
                 (unsigned long long)result->first_seq, (unsigned long long)result->last_seq,
                 (unsigned long long)result->checkpoints,
                 (unsigned long long)result->key_rotations, (unsigned long long)result->pruned);
    free(w->keys);
    free(w->cps);
    free(w->gaps);
    sodium_memzero(w, sizeof *w);
    free(w);
    return s;
}

vfy_status vfy_audit_verify(const char *path, const uint8_t public_key[32],
                            const char *checkpoint_text, vfy_audit_verify_result *result,
                            vfy_detail *detail)
{
    if (path == NULL || public_key == NULL || result == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "audit", "a log and a key are needed");
    memset(result, 0, sizeof *result);
    VFY_TRY(aud_sodium_ready(detail));
    aud_checkpoint ext;
    uint8_t bytes[AUD_CP_BYTES];
    if (checkpoint_text != NULL) {
        VFY_TRY(aud_checkpoint_parse_text(checkpoint_text, bytes, detail));
        VFY_TRY(aud_checkpoint_decode(bytes, sizeof bytes, &ext, detail));
    }
    (void)ext;
    sqlite3 *db;
    VFY_TRY(aud_db_open_read(path, true, &db, detail));
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);   /* one consistent snapshot */
    vfy_status s = aud_verify_db(db, public_key, checkpoint_text != NULL ? bytes : NULL, result,
                                 detail);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    return s;
}

const char *vfy_audit_problem_name(vfy_audit_problem p)
{
    static const char *const names[] = { "intact", "modified", "deleted", "inserted",
                                         "reordered", "truncated", "wrong_key", "bad_checkpoint" };
    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "unknown";
}
