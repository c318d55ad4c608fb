/*
 * Branch coverage of libverify/audit/prune.c and the log's writers (issue 12): prune
 * repeated over earlier prunes (gaps already anchored, gaps that grew), prune without a
 * count, and the first record damaged so the pruner cannot find the first key.
 * Attacks are made with SQLite's C API on the file; record hashes are recomputed here
 * with libsodium's BLAKE2b (docs/audit.md). Expected verdicts follow docs/audit.md
 * ("Pruning": first record and key rotations are kept, each gap is bridged by a prune
 * checkpoint over the record before it) and include/verify/audit.h.
 * Fixture helpers are copied from tests/test_cov2_audit.c (they are static there).
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit_internal.h"
#include "audit/log_internal.h"
#include "support.h"
#include "verify.h"

struct fx {
    char dir[64];
    char log[128], key_a[128], pub_a[128], key_b[128], pub_b[128], lookup[128];
    vfy_audit_key *a, *b;
    vfy_audit_lookup_key *l;
    uint8_t a_pub[32], b_pub[32];
};

static void write_text(const char *path, const char *text)
{
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_write_new_file(path, (const uint8_t *)text, strlen(text), &d), VFY_OK, "%s",
                 d.message);
}

static void make_keys(const char *key, const char *pub, vfy_audit_key **k, uint8_t pk[32])
{
    char *secret, *pub_text;
    cr_assert_eq(vfy_audit_keygen(&secret, &pub_text, NULL), VFY_OK);
    write_text(key, secret);
    write_text(pub, pub_text);
    vfy_audit_text_wipe_free(secret);
    vfy_free(pub_text);
    cr_assert_eq(vfy_audit_key_load(key, k, NULL), VFY_OK);
    cr_assert_eq(vfy_audit_public_key_load(pub, pk, NULL), VFY_OK);
}

static void setup(struct fx *f)
{
    memset(f, 0, sizeof *f);
    tmpdir_make("cov2abr", f->dir, sizeof f->dir);
    snprintf(f->log, sizeof f->log, "%s/log.db", f->dir);
    snprintf(f->key_a, sizeof f->key_a, "%s/a", f->dir);
    snprintf(f->pub_a, sizeof f->pub_a, "%s/a.pub", f->dir);
    snprintf(f->key_b, sizeof f->key_b, "%s/b", f->dir);
    snprintf(f->pub_b, sizeof f->pub_b, "%s/b.pub", f->dir);
    snprintf(f->lookup, sizeof f->lookup, "%s/lookup", f->dir);
    make_keys(f->key_a, f->pub_a, &f->a, f->a_pub);
    make_keys(f->key_b, f->pub_b, &f->b, f->b_pub);
    char *secret;
    cr_assert_eq(vfy_audit_lookup_keygen(&secret, NULL), VFY_OK);
    write_text(f->lookup, secret);
    vfy_audit_text_wipe_free(secret);
    cr_assert_eq(vfy_audit_lookup_key_load(f->lookup, &f->l, NULL), VFY_OK);
}

static void teardown(struct fx *f)
{
    vfy_audit_key_free(f->a);
    vfy_audit_key_free(f->b);
    vfy_audit_lookup_key_free(f->l);
    tmpdir_remove(f->dir);
}

static vfy_audit_log *open_log(struct fx *f, const char *path, const vfy_audit_key *key,
                               unsigned every)
{
    vfy_audit_options o = VFY_AUDIT_OPTIONS_INIT;
    o.kiosk_id = "kiosk-cov2";
    o.checkpoint_every = every;
    vfy_audit_log *log = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_open(path, key, f->l, &o, &log, &d), VFY_OK, "%s", d.message);
    return log;
}

static void change(vfy_audit_log *log, const char *what)
{
    vfy_detail d;
    vfy_detail_clear(&d);
    uint8_t digest[32];
    crypto_generichash(digest, 32, (const uint8_t *)what, strlen(what), NULL, 0);
    cr_assert_eq(vfy_audit_record_change(log, VFY_AUDIT_RULES_CHANGE, what, digest, sizeof digest,
                                         NULL, &d),
                 VFY_OK, "%s", d.message);
}


static vfy_audit_verify_result verify(const char *path, const uint8_t pub[32], const char *cp)
{
    vfy_audit_verify_result r;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_verify(path, pub, cp, &r, &d), VFY_OK, "%s: %s",
                 vfy_status_name(d.status), d.message);
    return r;
}

static void expect(const vfy_audit_verify_result *r, vfy_audit_problem p, uint64_t record,
                   const char *words)
{
    cr_expect_eq(r->problem, p, "problem %s, want %s: %s", vfy_audit_problem_name(r->problem),
                 vfy_audit_problem_name(p), r->message);
    cr_expect_eq(r->record, record, "record %llu, want %llu: %s", (unsigned long long)r->record,
                 (unsigned long long)record, r->message);
    if (words != NULL)
        cr_expect(strstr(r->message, words) != NULL, "'%s' not in: %s", words, r->message);
}

static void sql(const char *path, const char *statement)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(db, statement, NULL, NULL, &err);
    cr_assert_eq(rc, SQLITE_OK, "%s: %s", statement, err != NULL ? err : "");
    sqlite3_close(db);
}

static long long sql_int(const char *path, const char *query)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, query, -1, &st, NULL), SQLITE_OK, "%s", query);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", query);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* A blob column of one row, read with the SQLite API; caller frees. */
static uint8_t *blob(const char *path, const char *query, size_t *len)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, query, -1, &st, NULL), SQLITE_OK, "%s", query);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", query);
    *len = (size_t)sqlite3_column_bytes(st, 0);
    uint8_t *b = malloc(*len + 1);
    cr_assert_not_null(b);
    memcpy(b, sqlite3_column_blob(st, 0), *len);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return b;
}


/* Replaces row `seq`'s record bytes and, as a careful attacker would, its stored hash. */
static void put_record(const char *path, long long seq, const uint8_t *b, size_t len)
{
    uint8_t h[32];
    crypto_generichash(h, 32, b, len, NULL, 0);
    sqlite3 *db;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, "UPDATE audit_records SET record = ?1, hash = ?2 WHERE seq = ?3",
                                    -1, &st, NULL),
                 SQLITE_OK);
    sqlite3_bind_blob(st, 1, b, (int)len, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 2, h, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, seq);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
    cr_assert_eq(sqlite3_changes(db), 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
}


TestSuite(cov2_abr_prune, .timeout = 120);

#define Y2100 ((time_t)4102444800LL)

/* records 1 open, 2-3 changes, 4 rotation to b, 5-6 changes */
static void rotated_log(struct fx *f)
{
    vfy_audit_log *log = open_log(f, f->log, f->a, 64);
    change(log, "one");
    change(log, "two");
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_rotate_key(log, f->b, &d), VFY_OK, "%s", d.message);
    change(log, "three");
    change(log, "four");
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK, "%s", d.message);
}

Test(cov2_abr_prune, a_second_prune_keeps_the_old_anchor_and_replaces_the_grown_gap)
{
    struct fx f;
    setup(&f);
    rotated_log(&f);
    vfy_detail d;
    vfy_detail_clear(&d);
    /* removed may be NULL (audit.h) */
    cr_assert_eq(vfy_audit_prune(f.log, f.b, f.l, Y2100, NULL, &d), VFY_OK, "%s", d.message);
    /* kept: 1 (first), 4 (rotation), 7 (the prune record); gaps 1->4 and 4->7, each
     * bridged by an anchor over the record before the next kept one: 3 and 6 */
    cr_expect_eq(sql_int(f.log, "SELECT COUNT(*) FROM audit_records"), 3);
    cr_expect_eq(sql_int(f.log, "SELECT SUM(seq) FROM audit_records"), 1 + 4 + 7);
    cr_expect_eq(sql_int(f.log, "SELECT COUNT(*) FROM audit_checkpoints WHERE kind = 'prune'"
                                " AND seq IN (3, 6)"), 2);
    vfy_audit_log *log = open_log(&f, f.log, f.b, 64);
    change(log, "five");  /* 8 */
    change(log, "six");   /* 9 */
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK, "%s", d.message);
    uint64_t removed = 99;
    cr_assert_eq(vfy_audit_prune(f.log, f.b, f.l, Y2100, &removed, &d), VFY_OK, "%s", d.message);
    /* 7 (the old prune record), 8 and 9 go; 10 is the new prune record */
    cr_expect_eq(removed, 3);
    cr_expect_eq(sql_int(f.log, "SELECT COUNT(*) FROM audit_records"), 3);
    cr_expect_eq(sql_int(f.log, "SELECT SUM(seq) FROM audit_records"), 1 + 4 + 10);
    /* the anchor over 3 was kept (gap 1->4 unchanged, not signed again), the one over 6
     * replaced by one over 9 (the gap 4->7 grew into 4->10) */
    cr_expect_eq(sql_int(f.log, "SELECT COUNT(*) FROM audit_checkpoints WHERE kind = 'prune'"
                                " AND seq = 3"), 1);
    cr_expect_eq(sql_int(f.log, "SELECT COUNT(*) FROM audit_checkpoints WHERE kind = 'prune'"
                                " AND seq = 6"), 0);
    cr_expect_eq(sql_int(f.log, "SELECT COUNT(*) FROM audit_checkpoints WHERE kind = 'prune'"
                                " AND seq = 9"), 1);
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_INTACT, 0, NULL);
    teardown(&f);
}

static vfy_status prune_damaged(struct fx *f, vfy_detail *d)
{
    uint64_t removed = 99;
    vfy_detail_clear(d);
    vfy_status s = vfy_audit_prune(f->log, f->b, f->l, Y2100, &removed, d);
    cr_expect_eq(removed, 0);
    return s;
}

Test(cov2_abr_prune, a_first_record_that_is_empty_garbage_or_not_an_open_is_not_pruned)
{
    struct fx f;
    setup(&f);
    rotated_log(&f);
    size_t n1, n2;
    uint8_t *first = blob(f.log, "SELECT record FROM audit_records WHERE seq = 1", &n1);
    uint8_t *second = blob(f.log, "SELECT record FROM audit_records WHERE seq = 2", &n2);
    const uint8_t junk[] = "this is not a record";
    struct {
        const uint8_t *b;
        size_t n;
        const char *words;
    } cases[] = { { junk, 0, "unreadable" }, { junk, sizeof junk, "unreadable" },
                  { second, n2, "no first record" } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        put_record(f.log, 1, cases[i].b, cases[i].n);
        vfy_detail d;
        vfy_status s = prune_damaged(&f, &d);
        /* vfy_audit_open reads the key records before the pruner runs: the log is not a
         * readable audit log (VFY_E_AUDIT_FORMAT), and nothing is removed */
        cr_expect_eq(s, VFY_E_AUDIT_FORMAT, "case %zu: %s: %s", i, vfy_status_name(s), d.message);
        cr_expect(strstr(d.message, cases[i].words) != NULL, "case %zu: %s", i, d.message);
        cr_expect_eq(sql_int(f.log, "SELECT COUNT(*) FROM audit_records"), 6, "case %zu", i);
    }
    put_record(f.log, 1, first, n1);
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_INTACT, 0, NULL);
    free(first);
    free(second);
    teardown(&f);
}

/* ---- reading: each operand of the query's argument checks ---------------------------- */

TestSuite(cov2_abr_read, .timeout = 120);

static bool count_entries(void *ctx, const vfy_audit_entry *e)
{
    (void)e;
    ++*(size_t *)ctx;
    return true;
}

Test(cov2_abr_read, each_query_argument_wrong_alone_and_a_larger_query_struct)
{
    struct fx f;
    setup(&f);
    vfy_audit_log *log = open_log(&f, f.log, f.a, 64);
    change(log, "one");
    change(log, "two");
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK, "%s", d.message);
    size_t n = 0;
    vfy_audit_query q = VFY_AUDIT_QUERY_INIT;
    q.size = sizeof(size_t) - 1; /* not even the size field */
    cr_expect_eq(vfy_audit_read(f.log, &q, count_entries, &n, &d), VFY_E_INVALID_ARGUMENT);
    q = (vfy_audit_query)VFY_AUDIT_QUERY_INIT;
    q.document_number = "L898902C3";
    cr_expect_eq(vfy_audit_read(f.log, &q, count_entries, &n, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect(strstr(d.message, "lookup key") != NULL, "%s", d.message);
    q = (vfy_audit_query)VFY_AUDIT_QUERY_INIT;
    q.lookup = f.l;
    cr_expect_eq(vfy_audit_read(f.log, &q, count_entries, &n, &d), VFY_E_INVALID_ARGUMENT);
    q.document_number = "0123456789012345678901234567890123456789"; /* 40: one too many */
    cr_expect_eq(vfy_audit_read(f.log, &q, count_entries, &n, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect(strstr(d.message, "at most 39") != NULL, "%s", d.message);
    cr_expect_eq(n, 0);

    /* a caller built against a later, larger query struct: the known part is used */
    struct {
        vfy_audit_query q;
        uint64_t later_field;
    } big;
    memset(&big, 0, sizeof big);
    big.q.size = sizeof big;
    big.later_field = 42;
    big.q.since = 1;
    cr_expect_eq(vfy_audit_read(f.log, &big.q, count_entries, &n, &d), VFY_OK, "%s", d.message);
    cr_expect_eq(n, 3, "the open record and two changes");
    n = 0;
    big.q.since = Y2100;
    cr_expect_eq(vfy_audit_read(f.log, &big.q, count_entries, &n, &d), VFY_OK, "%s", d.message);
    cr_expect_eq(n, 0);
    teardown(&f);
}

/* ---- verify: a checkpoint row emptied ------------------------------------------------ */

Test(cov2_abr_read, an_emptied_checkpoint_row_is_a_bad_checkpoint)
{
    struct fx f;
    setup(&f);
    vfy_audit_log *log = open_log(&f, f.log, f.a, 64);
    change(log, "one");
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK, "%s", d.message);
    /* closing checkpointed the last record, 2; a zero-length blob satisfies NOT NULL
     * but holds no checkpoint (SQLite hands it out as a NULL pointer) */
    cr_assert_eq(sql_int(f.log, "SELECT MAX(seq) FROM audit_checkpoints"), 2);
    sql(f.log, "UPDATE audit_checkpoints SET checkpoint = x''");
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_BAD_CHECKPOINT, 2, "is not a valid checkpoint");
    teardown(&f);
}
