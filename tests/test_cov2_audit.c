/*
 * The audit trail's writer, verifier, reader and pruner under attack and failure
 * (issue 12, coverage of libverify/audit/ not reached by test_audit*.c). Every attack
 * is made on the SQLite file with SQLite's C API, the way someone with write access to
 * the kiosk's disk would: a stored column changed (time, kind, document hash, stored
 * hash), the first record's content changed with its stored hash fixed up, a second
 * "first record" appended and signed with the kiosk's own key, a row renumbered, a
 * signed prune anchor placed over a record the log still holds, a checkpoint's bytes,
 * columns or signature changed, a checkpoint of another log copied in, a column or the
 * records removed, a trigger that refuses writes, the write lock held by another
 * connection. Each asserts the exact status and, for verification, the problem kind, the
 * record where it is, and the words of the message that name the damage.
 *
 * Independent truth: record hashes are BLAKE2b-256 over the stored bytes, recomputed
 * here with libsodium (docs/audit.md); keyed document hashes are recomputed from the
 * lookup key file; forged records and checkpoints are made with the internal encoders
 * but their expected verdicts follow from docs/audit.md, not from the verifier's output.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit_internal.h"
#include "audit/log_internal.h"
#include "faults.h"
#include "audit_fixture.h"
#include "support.h"
#include "verify.h"
#include "verify/sim.h"

/* A closed log: the open record and `n` changes (records 2..n+1), then a checkpoint. */
static void write_log(struct fx *f, const char *path, int n, unsigned every)
{
    vfy_audit_log *log = audit_fx_open_log(f, path, f->a, every);
    for (int i = 0; i < n; i++) {
        char what[32];
        snprintf(what, sizeof what, "rule set %d installed", i);
        audit_fx_change(log, what);
    }
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK, "%s", d.message);
}

/* Runs `statement` with ?1 bound to a blob. */
static void sql_blob(const char *path, const char *statement, const uint8_t *b, size_t len)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, statement, -1, &st, NULL), SQLITE_OK, "%s", statement);
    sqlite3_bind_blob(st, 1, b, (int)len, SQLITE_TRANSIENT);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s: %s", statement, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* Appends a row holding `b` as record `seq`, its columns consistent with its content. */
static void append_row(const char *path, long long seq, long long t, const char *kind,
                       const uint8_t *b, size_t len)
{
    uint8_t h[32];
    crypto_generichash(h, 32, b, len, NULL, 0);
    sqlite3 *db;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, "INSERT INTO audit_records(seq, time, kind, outcome,"
                                        " document_hash, record, hash) VALUES(?1, ?2, ?3, NULL,"
                                        " NULL, ?4, ?5)",
                                    -1, &st, NULL),
                 SQLITE_OK);
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_int64(st, 2, t);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 4, b, (int)len, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 5, h, 32, SQLITE_TRANSIENT);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void record_hash_of_row(const char *path, long long seq, uint8_t out[32])
{
    char q[96];
    snprintf(q, sizeof q, "SELECT record FROM audit_records WHERE seq = %lld", seq);
    size_t n;
    uint8_t *b = audit_fx_blob(path, q, &n);
    crypto_generichash(out, 32, b, n, NULL, 0);
    free(b);
}

static void first_record(const char *path, aud_record *r)
{
    size_t n;
    uint8_t *b = audit_fx_blob(path, "SELECT record FROM audit_records WHERE seq = 1", &n);
    cr_assert_eq(aud_record_decode(b, n, r, NULL), VFY_OK);
    free(b);
}

TestSuite(cov2_audit_verify, .timeout = 120);

/* ---- stored columns that no longer agree with the record's bytes ------------------- */

Test(cov2_audit_verify, each_stored_column_changed_is_named_at_its_record)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 3, 64);
    char copy[160];
    static const struct {
        const char *statement, *words;
    } cases[] = {
        { "UPDATE audit_records SET time = time + 1 WHERE seq = 2", "its time no longer" },
        { "UPDATE audit_records SET kind = 'trust_change' WHERE seq = 2", "its kind no longer" },
        { "UPDATE audit_records SET document_hash = zeroblob(32) WHERE seq = 2",
          "its document_hash no longer" },
        { "UPDATE audit_records SET hash = zeroblob(32) WHERE seq = 2",
          "its hash (the record's bytes were changed)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(copy, sizeof copy, "%s/c%zu.db", f.dir, i);
        size_t n;
        uint8_t *b = read_file_or_fail(f.log, &n);
        FILE *o = fopen(copy, "wb");
        cr_assert_not_null(o);
        cr_assert_eq(fwrite(b, 1, n, o), n);
        fclose(o);
        free(b);
        audit_fx_sql(copy, cases[i].statement);
        vfy_audit_verify_result r = audit_fx_verify(copy, f.a_pub, NULL);
        audit_fx_expect(&r, VFY_AUDIT_MODIFIED, 2, cases[i].words);
    }
    /* the untouched original still verifies */
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_INTACT, 0, "intact: records 1 to 4");
    audit_fx_teardown(&f);
}

Test(cov2_audit_verify, record_bytes_that_are_no_record_are_a_modification)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 3, 64);
    audit_fx_sql(f.log, "UPDATE audit_records SET record = x'56465941' WHERE seq = 3");   /* "VFYA" only */
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_MODIFIED, 3, "its bytes are no longer a record");
    audit_fx_teardown(&f);
}

Test(cov2_audit_verify, the_first_record_changed_with_its_hash_fixed_up_fails_its_signature)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 2, 64);
    size_t n;
    uint8_t *b = audit_fx_blob(f.log, "SELECT record FROM audit_records WHERE seq = 1", &n);
    /* the kiosk id "kiosk-cov2" starts after the 55-byte header and its 3-byte field head */
    cr_assert_eq(memcmp(b + 58, "kiosk-cov2", 10), 0);
    b[58] = 'K';
    audit_fx_put_record(f.log, 1, b, n);
    free(b);
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_MODIFIED, 1, "its signature does not verify");
    audit_fx_teardown(&f);
}

Test(cov2_audit_verify, a_record_one_of_another_kind_is_not_the_first_record)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 2, 64);
    /* a rules change numbered 1 after nothing, its columns made consistent with it */
    aud_record r1;
    memset(&r1, 0, sizeof r1);
    r1.kind = AUD_KIND_RULES_CHANGE;
    r1.seq = 1;
    r1.time = 1735732800;
    aud_set_text(r1.kiosk, "kiosk-cov2");
    aud_set_text(r1.event, "not the opening");
    uint8_t buf[AUD_RECORD_MAX];
    size_t len;
    cr_assert_eq(aud_record_encode(&r1, buf, sizeof buf, &len, NULL), VFY_OK);
    audit_fx_put_record(f.log, 1, buf, len);
    audit_fx_sql(f.log, "UPDATE audit_records SET kind = 'rules_change', time = 1735732800 WHERE seq = 1");
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_MODIFIED, 1, "record 1 is not the log's first record");
    audit_fx_teardown(&f);
}

Test(cov2_audit_verify, a_second_first_record_signed_with_the_kiosk_key_is_an_insertion)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 2, 64);   /* records 1..3 */
    aud_record first;
    first_record(f.log, &first);
    aud_record r;
    memset(&r, 0, sizeof r);
    r.kind = AUD_KIND_OPEN;
    r.seq = 4;
    r.time = (int64_t)time(NULL);
    record_hash_of_row(f.log, 3, r.prev);
    aud_set_text(r.kiosk, "kiosk-cov2");
    aud_set_text(r.event, "log opened");
    r.has_log_id = true;
    memcpy(r.log_id, first.log_id, AUD_LOG_ID_BYTES);
    r.has_public_key = true;
    memcpy(r.public_key, f.a_pub, 32);
    uint8_t buf[AUD_RECORD_MAX];
    size_t len;
    cr_assert_eq(aud_record_encode(&r, buf, sizeof buf, &len, NULL), VFY_OK);
    cr_assert_eq(aud_record_sign(f.a, buf, sizeof buf, &len, NULL), VFY_OK);
    append_row(f.log, 4, r.time, "open", buf, len);
    vfy_audit_verify_result v = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&v, VFY_AUDIT_INSERTED, 4, "is a second first record");
    audit_fx_teardown(&f);
}

Test(cov2_audit_verify, the_last_row_renumbered_is_reported_as_renumbering)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 3, 64);   /* records 1..4 */
    audit_fx_sql(f.log, "UPDATE audit_records SET seq = 9 WHERE seq = 4");
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_REORDERED, 4, "record 4 is stored as number 9");
    audit_fx_teardown(&f);
}

Test(cov2_audit_verify, a_log_without_records_or_a_column_is_reported)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 2, 64);
    char copy[160];
    snprintf(copy, sizeof copy, "%s/copy.db", f.dir);
    copy_file_or_fail(f.dir, "log.db", f.dir, "copy.db");
    audit_fx_sql(f.log, "DELETE FROM audit_records");
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_DELETED, 1, "the log holds no records");
    /* a column the verifier reads removed: the file is no longer an audit log */
    audit_fx_sql(copy, "ALTER TABLE audit_records DROP COLUMN outcome");
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_verify(copy, f.a_pub, NULL, &r, &d), VFY_E_AUDIT_FORMAT);
    cr_expect(strstr(d.message, "cannot read the records") != NULL, "%s", d.message);
    /* arguments */
    cr_expect_eq(vfy_audit_verify(NULL, f.a_pub, NULL, &r, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_verify(f.log, NULL, NULL, &r, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_verify(f.log, f.a_pub, NULL, NULL, &d), VFY_E_INVALID_ARGUMENT);
    audit_fx_teardown(&f);
}

/* ---- checkpoints ------------------------------------------------------------------- */

Test(cov2_audit_verify, a_checkpoint_row_changed_is_a_bad_checkpoint)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 4, 2);    /* checkpoints over 2 and 4, then 5 at close */
    cr_assert_eq(audit_fx_sql_int(f.log, "SELECT COUNT(*) FROM audit_checkpoints"), 3);
    static const struct {
        const char *statement, *words;
        uint64_t record;
    } cases[] = {
        { "UPDATE audit_checkpoints SET checkpoint = zeroblob(174) WHERE seq = 4",
          "is not a valid checkpoint", 4 },
        { "UPDATE audit_checkpoints SET checkpoint = x'5646594301' WHERE seq = 4",
          "is not a valid checkpoint", 4 },
        { "UPDATE audit_checkpoints SET seq = 3 WHERE seq = 4",
          "its stored columns differ from its signed content", 3 },
        { "UPDATE audit_checkpoints SET kind = 'prune' WHERE seq = 4",
          "its stored columns differ from its signed content", 4 },
    };
    char copy[160];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "c%zu.db", i);
        snprintf(copy, sizeof copy, "%s/%s", f.dir, name);
        copy_file_or_fail(f.dir, "log.db", f.dir, name);
        audit_fx_sql(copy, cases[i].statement);
        vfy_audit_verify_result r = audit_fx_verify(copy, f.a_pub, NULL);
        audit_fx_expect(&r, VFY_AUDIT_BAD_CHECKPOINT, cases[i].record, cases[i].words);
    }
    audit_fx_teardown(&f);
}

Test(cov2_audit_verify, a_checkpoint_whose_signature_was_flipped_is_not_signed_by_the_key)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 4, 2);
    size_t n;
    uint8_t *cp = audit_fx_blob(f.log, "SELECT checkpoint FROM audit_checkpoints WHERE seq = 4", &n);
    cr_assert_eq(n, AUD_CP_BYTES);
    cp[AUD_CP_BYTES - 1] ^= 0x01;   /* the last byte of the Ed25519 signature */
    sql_blob(f.log, "UPDATE audit_checkpoints SET checkpoint = ?1 WHERE seq = 4", cp, n);
    free(cp);
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_BAD_CHECKPOINT, 4, "is not signed by the key in force");
    audit_fx_teardown(&f);
}

Test(cov2_audit_verify, a_checkpoint_copied_from_another_log_is_named)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 2, 64);         /* records 1..3 */
    char other[160];
    snprintf(other, sizeof other, "%s/other.db", f.dir);
    write_log(&f, other, 6, 64);          /* records 1..7, checkpoint over 7 */
    size_t n;
    uint8_t *cp = audit_fx_blob(other, "SELECT checkpoint FROM audit_checkpoints WHERE seq = 7", &n);
    sql_blob(f.log, "INSERT INTO audit_checkpoints(seq, kind, checkpoint) VALUES(7, 'regular', ?1)",
             cp, n);
    free(cp);
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_BAD_CHECKPOINT, 7, "a checkpoint belongs to another log");
    /* the same checkpoint kept elsewhere: the log was replaced */
    audit_fx_sql(f.log, "DELETE FROM audit_checkpoints WHERE seq = 7");
    char *kept = NULL;
    cr_assert_eq(vfy_audit_checkpoint_latest(other, &kept, NULL), VFY_OK);
    r = audit_fx_verify(f.log, f.a_pub, kept);
    audit_fx_expect(&r, VFY_AUDIT_WRONG_KEY, 7, "the checkpoint kept elsewhere belongs to another log");
    vfy_free(kept);
    audit_fx_teardown(&f);
}

Test(cov2_audit_verify, a_signed_prune_anchor_over_a_record_still_held_is_an_insertion)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 3, 64);          /* records 1..4, checkpoint over 4 */
    aud_record first;
    first_record(f.log, &first);
    aud_checkpoint cp;
    memset(&cp, 0, sizeof cp);
    cp.kind = AUD_CP_PRUNE;
    memcpy(cp.log_id, first.log_id, AUD_LOG_ID_BYTES);
    cp.seq = 2;
    record_hash_of_row(f.log, 2, cp.hash);
    cp.time = (int64_t)time(NULL);
    cp.made_at = 4;
    uint8_t bytes[AUD_CP_BYTES];
    cr_assert_eq(aud_checkpoint_make(f.a, &cp, bytes, NULL), VFY_OK);
    sql_blob(f.log, "INSERT INTO audit_checkpoints(seq, kind, checkpoint) VALUES(2, 'prune', ?1)",
             bytes, sizeof bytes);
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_INSERTED, 2, "covers record 2, which the log no longer holds as signed");
    audit_fx_teardown(&f);
}

Test(cov2_audit_verify, an_unreadable_checkpoints_table_is_a_format_error)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 2, 64);
    audit_fx_sql(f.log, "ALTER TABLE audit_checkpoints DROP COLUMN kind");
    vfy_audit_verify_result r;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_verify(f.log, f.a_pub, NULL, &r, &d), VFY_E_AUDIT_FORMAT);
    cr_expect(strstr(d.message, "cannot read the checkpoints") != NULL, "%s", d.message);
    char *text = NULL;
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_checkpoint_latest(f.log, &text, &d), VFY_E_AUDIT_FORMAT);
    cr_expect(strstr(d.message, "cannot read the checkpoints") != NULL, "%s", d.message);
    cr_expect_null(text);
    audit_fx_teardown(&f);
}

Test(cov2_audit_verify, the_latest_checkpoint_missing_or_malformed_is_reported)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 2, 64);
    char *text = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_checkpoint_latest(NULL, &text, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_checkpoint_latest(f.log, NULL, &d), VFY_E_INVALID_ARGUMENT);
    copy_file_or_fail(f.dir, "log.db", f.dir, "none.db");
    char none[160];
    snprintf(none, sizeof none, "%s/none.db", f.dir);
    audit_fx_sql(none, "DELETE FROM audit_checkpoints");
    cr_expect_eq(vfy_audit_checkpoint_latest(none, &text, &d), VFY_E_NOT_FOUND);
    cr_expect_null(text);
    audit_fx_sql(f.log, "UPDATE audit_checkpoints SET checkpoint = zeroblob(174)");
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_checkpoint_latest(f.log, &text, &d), VFY_E_AUDIT_TAMPERED);
    cr_expect(strstr(d.message, "malformed") != NULL, "%s", d.message);
    cr_expect_null(text);
    audit_fx_teardown(&f);
}

/* A kept checkpoint text made from the genuine one with byte `at` set to `v`. */
static char *altered_text(const char *genuine, size_t at, int v, size_t zero_from, size_t zero_n)
{
    const char *prefix = AUD_CP_TEXT_PREFIX;
    size_t plen = strlen(prefix);
    uint8_t b[AUD_CP_BYTES];
    size_t got = 0;
    cr_assert_eq(sodium_hex2bin(b, sizeof b, genuine + plen, 2 * AUD_CP_BYTES, NULL, &got, NULL), 0);
    cr_assert_eq(got, AUD_CP_BYTES);
    if (v >= 0)
        b[at] = (uint8_t)v;
    memset(b + zero_from, 0, zero_n);
    char *t = malloc(plen + 2 * AUD_CP_BYTES + 2);
    cr_assert_not_null(t);
    memcpy(t, prefix, plen);
    sodium_bin2hex(t + plen, 2 * AUD_CP_BYTES + 1, b, sizeof b);
    return t;
}

Test(cov2_audit_verify, a_kept_checkpoint_with_a_malformed_field_is_refused)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 2, 64);
    char *kept = NULL;
    cr_assert_eq(vfy_audit_checkpoint_latest(f.log, &kept, NULL), VFY_OK);
    /* docs/audit.md: "VFYC" | version 1 | kind 1 | log id 16 | seq 8 (22) | hash 32 |
     * time 8 | made_at 8 (70) | public key 32 | signature 64 */
    static const struct {
        size_t at;
        int v;
        size_t zero_from, zero_n;
        const char *words;
    } cases[] = {
        { 0, 'X', 0, 0, "no VFYC" },
        { 4, 2, 0, 0, "checkpoint version 2" },
        { 5, 2, 0, 0, "checkpoint kind 2" },
        { 0, -1, 22, 8, "over record 0" },
        { 0, -1, 70, 8, "made at record 0" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *t = altered_text(kept, cases[i].at, cases[i].v, cases[i].zero_from, cases[i].zero_n);
        vfy_audit_verify_result r;
        vfy_detail d;
        vfy_detail_clear(&d);
        cr_expect_eq(vfy_audit_verify(f.log, f.a_pub, t, &r, &d), VFY_E_AUDIT_CHECKPOINT, "case %zu", i);
        cr_expect(strstr(d.message, cases[i].words) != NULL, "case %zu: '%s' not in %s", i,
                  cases[i].words, d.message);
        free(t);
    }
    /* the signature check takes only whole checkpoints */
    size_t plen = strlen(AUD_CP_TEXT_PREFIX);
    uint8_t b[AUD_CP_BYTES];
    cr_assert_eq(sodium_hex2bin(b, sizeof b, kept + plen, 2 * AUD_CP_BYTES, NULL, NULL, NULL), 0);
    cr_expect(aud_checkpoint_signature_ok(b, AUD_CP_BYTES));
    cr_expect_not(aud_checkpoint_signature_ok(b, AUD_CP_BYTES - 1));
    vfy_free(kept);
    audit_fx_teardown(&f);
}

/* ---- the writer's failures ----------------------------------------------------------- */

TestSuite(cov2_audit_log, .timeout = 120);

Test(cov2_audit_log, arguments_and_the_last_record_number)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_audit_log *log = NULL;
    vfy_audit_options o = VFY_AUDIT_OPTIONS_INIT;
    o.size = 0;
    cr_expect_eq(vfy_audit_open(f.log, f.a, f.l, &o, &log, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_open(NULL, f.a, f.l, NULL, &log, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_open(f.log, NULL, f.l, NULL, &log, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_null(log);
    cr_expect_neq(access(f.log, F_OK), 0, "a refused open created the log");
    cr_expect_eq(vfy_audit_last_seq(NULL), 0);
    log = audit_fx_open_log(&f, f.log, f.a, 64);
    cr_expect_eq(vfy_audit_last_seq(log), 1, "the open record is record 1");
    audit_fx_change(log, "one");
    audit_fx_change(log, "two");
    cr_expect_eq(vfy_audit_last_seq(log), 3);
    uint8_t digest[AUD_DIGEST_MAX + 1] = { 0 };
    uint64_t seq = 77;
    cr_expect_eq(vfy_audit_record_change(log, VFY_AUDIT_TRUST_CHANGE, "x", digest, sizeof digest,
                                         &seq, &d),
                 VFY_E_INVALID_ARGUMENT, "a digest of 65 bytes");
    cr_expect_eq(vfy_audit_record_change(log, VFY_AUDIT_TRUST_CHANGE, "x", NULL, 4, &seq, &d),
                 VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_record_change(log, (vfy_audit_change)7, "x", NULL, 0, &seq, &d),
                 VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_record_change(log, VFY_AUDIT_TRUST_CHANGE, NULL, NULL, 0, &seq, &d),
                 VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_record_change(NULL, VFY_AUDIT_TRUST_CHANGE, "x", NULL, 0, &seq, &d),
                 VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(seq, 77);
    cr_expect_eq(vfy_audit_checkpoint(NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_rotate_key(NULL, f.b, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_rotate_key(log, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_rotate_lookup_key(NULL, f.l, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_rotate_lookup_key(log, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_record_inspection(log, NULL, &seq, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_record_inspection(NULL, NULL, &seq, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_last_seq(log), 3, "a refused call appended something");
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK, "%s", d.message);
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_INTACT, 0, "records 1 to 3");
    audit_fx_teardown(&f);
}

Test(cov2_audit_log, a_write_lock_held_too_long_is_a_write_error_and_no_record)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    vfy_audit_log *log = audit_fx_open_log(&f, f.log, f.a, 64);
    audit_fx_change(log, "one");
    /* Another connection holds the write lock; the writer waits 10 s by default, here
     * (through the internal handle) 1 ms, so the test takes no time. */
    sqlite3 *other;
    cr_assert_eq(sqlite3_open(f.log, &other), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_busy_timeout(log->db, 1);
    vfy_detail d;
    vfy_detail_clear(&d);
    uint64_t seq = 0;
    cr_expect_eq(vfy_audit_record_change(log, VFY_AUDIT_TRUST_CHANGE, "blocked", NULL, 0, &seq, &d),
                 VFY_E_AUDIT_WRITE);
    cr_expect(strstr(d.message, "locked") != NULL, "%s", d.message);
    cr_expect_eq(seq, 0);
    cr_expect_eq(vfy_audit_last_seq(log), 2);
    cr_assert_eq(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    audit_fx_change(log, "after the lock");
    cr_expect_eq(vfy_audit_last_seq(log), 3, "the blocked record took no number");
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK, "%s", d.message);
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_INTACT, 0, "records 1 to 3");
    audit_fx_teardown(&f);
}

Test(cov2_audit_log, writes_refused_by_the_database_are_write_errors)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    vfy_audit_log *log = audit_fx_open_log(&f, f.log, f.a, 64);
    vfy_detail d;
    vfy_detail_clear(&d);
    /* a trigger refusing new records */
    audit_fx_sql(f.log, "CREATE TRIGGER refuse BEFORE INSERT ON audit_records BEGIN"
               " SELECT RAISE(ABORT, 'records refused by a trigger'); END");
    cr_expect_eq(vfy_audit_record_change(log, VFY_AUDIT_TRUST_CHANGE, "x", NULL, 0, NULL, &d),
                 VFY_E_AUDIT_WRITE);
    cr_expect(strstr(d.message, "cannot write the record") != NULL &&
                  strstr(d.message, "records refused by a trigger") != NULL,
              "%s", d.message);
    audit_fx_sql(f.log, "DROP TRIGGER refuse");
    /* the checkpoints table gone */
    audit_fx_sql(f.log, "ALTER TABLE audit_checkpoints RENAME TO gone");
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_checkpoint(log, &d), VFY_E_AUDIT_WRITE);
    cr_expect(strstr(d.message, "cannot write a checkpoint") != NULL, "%s", d.message);
    audit_fx_sql(f.log, "ALTER TABLE gone RENAME TO audit_checkpoints");
    /* every record removed behind the writer's back: nothing is chained to nothing */
    audit_fx_sql(f.log, "CREATE TABLE saved AS SELECT * FROM audit_records; DELETE FROM audit_records");
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_record_change(log, VFY_AUDIT_TRUST_CHANGE, "x", NULL, 0, NULL, &d),
                 VFY_E_AUDIT_WRITE);
    cr_expect(strstr(d.message, "the log has no first record") != NULL, "%s", d.message);
    audit_fx_sql(f.log, "INSERT INTO audit_records SELECT * FROM saved; DROP TABLE saved");
    cr_expect_eq(vfy_audit_last_seq(log), 1);
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK, "%s", d.message);
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_INTACT, 0, "records 1 to 1");
    audit_fx_teardown(&f);
}

Test(cov2_audit_log, a_rotation_whose_checkpoint_fails_leaves_the_old_key_in_force)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    vfy_audit_log *log = audit_fx_open_log(&f, f.log, f.a, 1);   /* a checkpoint with every record */
    audit_fx_sql(f.log, "CREATE TRIGGER refuse BEFORE INSERT ON audit_checkpoints BEGIN"
               " SELECT RAISE(ABORT, 'checkpoints refused'); END");
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_rotate_key(log, f.b, &d), VFY_E_AUDIT_WRITE);
    cr_expect(strstr(d.message, "checkpoints refused") != NULL, "%s", d.message);
    audit_fx_sql(f.log, "DROP TRIGGER refuse");
    /* The rotation was rolled back, so the next checkpoint must be signed by key a:
     * one signed by b would be a checkpoint by a key not in force. */
    audit_fx_change(log, "after the failed rotation");
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK, "%s", d.message);
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_INTACT, 0, "0 key rotations");
    char *kept = NULL;
    cr_assert_eq(vfy_audit_checkpoint_latest(f.log, &kept, NULL), VFY_OK);
    uint8_t b[AUD_CP_BYTES];
    cr_assert_eq(sodium_hex2bin(b, sizeof b, kept + strlen(AUD_CP_TEXT_PREFIX), 2 * AUD_CP_BYTES,
                                NULL, NULL, NULL),
                 0);
    cr_expect_eq(memcmp(b + 78, f.a_pub, 32), 0, "the checkpoint's signer is not key a");
    vfy_free(kept);
    /* and the log opens with a, not b */
    cr_expect_eq(vfy_audit_open(f.log, f.b, f.l, NULL, &log, &d), VFY_E_AUDIT_KEY);
    log = audit_fx_open_log(&f, f.log, f.a, 64);
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK);
    audit_fx_teardown(&f);
}

Test(cov2_audit_log, an_existing_log_whose_key_records_or_tail_are_damaged_is_not_opened)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 2, 64);   /* records 1..3 */
    static const struct {
        const char *statement, *words;
    } cases[] = {
        { "UPDATE audit_records SET record = substr(record, 1, 20) WHERE seq = 1",
          "a key record of the log is unreadable" },
        { "DELETE FROM audit_records WHERE seq = 1", "the log has no first record" },
        { "ALTER TABLE audit_records DROP COLUMN kind", "cannot read the log" },
        { "UPDATE audit_records SET record = x'' WHERE seq = 3", "the last record is empty" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[32], copy[160];
        snprintf(name, sizeof name, "c%zu.db", i);
        snprintf(copy, sizeof copy, "%s/%s", f.dir, name);
        copy_file_or_fail(f.dir, "log.db", f.dir, name);
        audit_fx_sql(copy, cases[i].statement);
        vfy_audit_log *log = NULL;
        vfy_detail d;
        vfy_detail_clear(&d);
        cr_expect_eq(vfy_audit_open(copy, f.a, f.l, NULL, &log, &d), VFY_E_AUDIT_FORMAT, "case %zu: %s",
                     i, d.message);
        cr_expect(strstr(d.message, cases[i].words) != NULL, "case %zu: '%s' not in %s", i,
                  cases[i].words, d.message);
        cr_expect_null(log);
    }
    audit_fx_teardown(&f);
}

/* ---- pruning ----------------------------------------------------------------------- */

TestSuite(cov2_audit_prune, .timeout = 120);

/* 2100-01-01T00:00:00Z: after every record written today. */
#define Y2100 ((time_t)4102444800LL)

Test(cov2_audit_prune, nothing_older_than_the_date_prunes_nothing)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    audit_fx_rotated_log(&f);
    uint64_t removed = 99;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_prune(f.log, f.b, f.l, 1, &removed, &d), VFY_OK, "%s", d.message);
    cr_expect_eq(removed, 0);
    cr_expect_eq(audit_fx_sql_int(f.log, "SELECT COUNT(*) FROM audit_records"), 6, "a prune record was written");
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_INTACT, 0, "0 records pruned");
    audit_fx_teardown(&f);
}

Test(cov2_audit_prune, a_deletion_the_database_refuses_leaves_the_log_as_it_was)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    audit_fx_rotated_log(&f);
    audit_fx_sql(f.log, "CREATE TRIGGER keep BEFORE DELETE ON audit_records BEGIN"
               " SELECT RAISE(ABORT, 'records are kept'); END");
    uint64_t removed = 99;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_prune(f.log, f.b, f.l, Y2100, &removed, &d), VFY_E_AUDIT_WRITE);
    cr_expect(strstr(d.message, "records are kept") != NULL, "%s", d.message);
    cr_expect_eq(removed, 0);
    audit_fx_sql(f.log, "DROP TRIGGER keep");
    cr_expect_eq(audit_fx_sql_int(f.log, "SELECT COUNT(*) FROM audit_records"), 6,
                 "the prune record was not rolled back");
    cr_expect_eq(audit_fx_sql_int(f.log, "SELECT COUNT(*) FROM audit_records WHERE kind = 'prune'"), 0);
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_INTACT, 0, "records 1 to 6");
    audit_fx_teardown(&f);
}

/* ---- reading ----------------------------------------------------------------------- */

TestSuite(cov2_audit_read, .timeout = 120);

struct lines {
    int n, stop_after;
    char text[8192];
};

static bool collect(void *ctx, const vfy_audit_entry *e)
{
    struct lines *l = ctx;
    l->n++;
    size_t used = strlen(l->text);
    snprintf(l->text + used, sizeof l->text - used, "%s\n", e->json);
    return l->stop_after == 0 || l->n < l->stop_after;
}

Test(cov2_audit_read, a_pruned_log_reads_its_prune_record_and_a_callback_may_stop)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    audit_fx_rotated_log(&f);
    uint64_t removed = 0;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_prune(f.log, f.b, f.l, Y2100, &removed, &d), VFY_OK, "%s", d.message);
    cr_expect_eq(removed, 4, "2, 3, 5 and 6 go; 1 and the rotation 4 stay");
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_INTACT, 0, "4 records pruned");
    struct lines l = { 0 };
    cr_assert_eq(vfy_audit_read(f.log, NULL, collect, &l, &d), VFY_OK, "%s", d.message);
    cr_expect_eq(l.n, 3, "1, 4 and the prune record 7");
    cr_expect(strstr(l.text, "\"kind\":\"prune\"") != NULL, "%s", l.text);
    cr_expect(strstr(l.text, "\"pruned\":{\"before\":\"2100-01-01T00:00:00Z\",\"records\":4}") != NULL,
              "%s", l.text);
    struct lines one = { .stop_after = 1 };
    cr_assert_eq(vfy_audit_read(f.log, NULL, collect, &one, &d), VFY_OK);
    cr_expect_eq(one.n, 1, "the callback asked to stop");
    cr_expect(strstr(one.text, "\"seq\":1,") != NULL, "%s", one.text);
    audit_fx_teardown(&f);
}

Test(cov2_audit_read, arguments_and_document_numbers)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 1, 64);
    struct lines l = { 0 };
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_audit_query q = VFY_AUDIT_QUERY_INIT;
    cr_expect_eq(vfy_audit_read(NULL, NULL, collect, &l, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_read(f.log, NULL, NULL, &l, &d), VFY_E_INVALID_ARGUMENT);
    q.size = 0;
    cr_expect_eq(vfy_audit_read(f.log, &q, collect, &l, &d), VFY_E_INVALID_ARGUMENT);
    vfy_audit_query q2 = VFY_AUDIT_QUERY_INIT;
    q2.document_number = "L898902C3";
    cr_expect_eq(vfy_audit_read(f.log, &q2, collect, &l, &d), VFY_E_INVALID_ARGUMENT,
                 "a number without the lookup key");
    q2.document_number = NULL;
    q2.lookup = f.l;
    cr_expect_eq(vfy_audit_read(f.log, &q2, collect, &l, &d), VFY_E_INVALID_ARGUMENT,
                 "a lookup key without a number");
    static const char *const bad[] = { "L898-902C3", "<<< <", "", "1234567890123456789012345678901234567890" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        q2.document_number = bad[i];
        vfy_detail_clear(&d);
        cr_expect_eq(vfy_audit_read(f.log, &q2, collect, &l, &d), VFY_E_INVALID_ARGUMENT, "'%s'", bad[i]);
        cr_expect(strstr(d.message, "letters and digits") != NULL, "%s", d.message);
    }
    cr_expect_eq(l.n, 0);
    audit_fx_teardown(&f);
}

/* The keyed document hash of docs/audit.md, from the lookup key file. */
static void document_hash(const char *lookup_path, const char *number, uint8_t out[32])
{
    size_t n;
    uint8_t *text = read_file_or_fail(lookup_path, &n);
    const char *prefix = "libverify-audit-lookup-key/1 ";
    cr_assert(n >= strlen(prefix) + 64);
    uint8_t key[32];
    cr_assert_eq(sodium_hex2bin(key, 32, (const char *)text + strlen(prefix), 64, NULL, NULL, NULL), 0);
    const char label[] = "libverify.audit.document/1";
    crypto_generichash_state st;
    crypto_generichash_init(&st, key, 32, 32);
    crypto_generichash_update(&st, (const uint8_t *)label, sizeof label);
    crypto_generichash_update(&st, (const uint8_t *)number, strlen(number));
    crypto_generichash_final(&st, out, 32);
    free(text);
}

static vfy_inspection *specimen_files_inspection(const char *dir)
{
    char dump[160];
    snprintf(dump, sizeof dump, "%s/dump", dir);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_specimen_write(dump, NULL, &d), VFY_OK, "%s", d.message);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    cr_assert_eq(vfy_document_load_dir(doc, dump, NULL), VFY_OK);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    vfy_inspection *r = NULL;
    cr_assert_eq(vfy_inspect_files(doc, &o, &r, NULL), VFY_OK);
    vfy_document_free(doc);
    return r;
}

Test(cov2_audit_read, a_document_is_found_by_its_own_hash_not_by_the_column)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    vfy_inspection *in = specimen_files_inspection(f.dir);
    /* the document number, read independently from the inspection's DG1 */
    const uint8_t *dg1;
    size_t dg1_len;
    cr_assert_eq(vfy_document_get_file(vfy_inspection_document(in), VFY_FILE_DG1, &dg1, &dg1_len), VFY_OK);
    vfy_mrz mrz;
    cr_assert_eq(vfy_lds_parse_dg1(dg1, dg1_len, &mrz, NULL), VFY_OK);
    char number[40];
    snprintf(number, sizeof number, "%s", mrz.document_number);
    uint8_t tag[32];
    document_hash(f.lookup, number, tag);
    vfy_audit_log *log = audit_fx_open_log(&f, f.log, f.a, 64);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_record_inspection(log, in, NULL, &d), VFY_OK, "%s", d.message);   /* 2 */
    audit_fx_change(log, "three");                                                                     /* 3 */
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK);
    /* the stored column of record 3 set to the document's hash: an index, not the truth */
    sql_blob(f.log, "UPDATE audit_records SET document_hash = ?1 WHERE seq = 3", tag, 32);
    /* asked in lower case with fillers and spaces, as typed from a passport */
    char typed[64];
    cr_assert(number[0] >= 'A' && number[0] <= 'Z', "%s", number);
    snprintf(typed, sizeof typed, " %c%s<<", number[0] + ('a' - 'A'), number + 1);
    vfy_audit_query q = VFY_AUDIT_QUERY_INIT;
    q.document_number = typed;
    q.lookup = f.l;
    struct lines l = { 0 };
    cr_assert_eq(vfy_audit_read(f.log, &q, collect, &l, &d), VFY_OK, "%s", d.message);
    cr_expect_eq(l.n, 1, "only the inspection record: %s", l.text);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, tag, 32);
    cr_expect(strstr(l.text, hex) != NULL && strstr(l.text, "\"seq\":2,") != NULL, "%s", l.text);
    vfy_inspection_free(in);
    audit_fx_teardown(&f);
}

Test(cov2_audit_read, undecodable_records_unreadable_tables_and_impossible_times)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 2, 64);   /* records 1..3 */
    copy_file_or_fail(f.dir, "log.db", f.dir, "bad.db");
    copy_file_or_fail(f.dir, "log.db", f.dir, "notime.db");
    char bad[160], notime[160];
    snprintf(bad, sizeof bad, "%s/bad.db", f.dir);
    snprintf(notime, sizeof notime, "%s/notime.db", f.dir);
    struct lines l = { 0 };
    vfy_detail d;
    vfy_detail_clear(&d);
    audit_fx_sql(bad, "UPDATE audit_records SET record = x'0102' WHERE seq = 2");
    cr_expect_eq(vfy_audit_read(bad, NULL, collect, &l, &d), VFY_E_AUDIT_TAMPERED);
    cr_expect(strstr(d.message, "a record cannot be decoded") != NULL, "%s", d.message);
    cr_expect_eq(l.n, 1, "record 1 came before the damage");
    audit_fx_sql(notime, "DROP INDEX audit_records_time; ALTER TABLE audit_records DROP COLUMN time");
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_read(notime, NULL, collect, &l, &d), VFY_E_AUDIT_FORMAT);
    cr_expect(strstr(d.message, "cannot read the records") != NULL, "%s", d.message);
    /* a record whose time no calendar holds (reading does not verify; verify would
     * refuse the chain): its time is written as null */
    aud_record r;
    memset(&r, 0, sizeof r);
    r.kind = AUD_KIND_TRUST_CHANGE;
    r.seq = 4;
    r.time = INT64_MAX;
    record_hash_of_row(f.log, 3, r.prev);
    aud_set_text(r.event, "far future");
    uint8_t buf[AUD_RECORD_MAX];
    size_t len;
    cr_assert_eq(aud_record_encode(&r, buf, sizeof buf, &len, NULL), VFY_OK);
    append_row(f.log, 4, 0, "trust_change", buf, len);
    struct lines all = { 0 };
    cr_assert_eq(vfy_audit_read(f.log, NULL, collect, &all, &d), VFY_OK, "%s", d.message);
    cr_expect_eq(all.n, 4);
    cr_expect(strstr(all.text, "\"seq\":4,\"kind\":\"trust_change\",\"time\":null") != NULL, "%s", all.text);
    vfy_audit_verify_result v = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&v, VFY_AUDIT_MODIFIED, 4, "its time no longer matches");
    audit_fx_teardown(&f);
}

Test(cov2_audit_db, a_changed_format_or_a_damaged_database_is_not_a_log)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 1, 64);
    copy_file_or_fail(f.dir, "log.db", f.dir, "nn.db");
    char nn[160];
    snprintf(nn, sizeof nn, "%s/nn.db", f.dir);
    vfy_audit_verify_result r;
    vfy_detail d;
    vfy_detail_clear(&d);
    audit_fx_sql(f.log, "UPDATE audit_meta SET value = 'libverify.audit/2' WHERE name = 'format'");
    cr_expect_eq(vfy_audit_verify(f.log, f.a_pub, NULL, &r, &d), VFY_E_AUDIT_FORMAT);
    cr_expect(strstr(d.message, "not libverify.audit/1") != NULL, "%s", d.message);
    /* A NULL where the schema says NOT NULL: SQLite's quick_check reports it (the schema
     * is rewritten with writable_schema, as a hand editor of the file could). */
    audit_fx_sql(nn, "UPDATE audit_records SET outcome = NULL; PRAGMA writable_schema = ON;"
            " UPDATE sqlite_schema SET sql = replace(sql, 'outcome TEXT,', 'outcome TEXT NOT NULL,')"
            " WHERE name = 'audit_records'");
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_verify(nn, f.a_pub, NULL, &r, &d), VFY_E_AUDIT_FORMAT);
    cr_expect(strstr(d.message, "the database is damaged") != NULL, "%s", d.message);
    audit_fx_teardown(&f);
}

/* ---- the inspection record ---------------------------------------------------------- */

TestSuite(cov2_audit_inspection, .timeout = 120);

struct first_entry {
    int n;
    char access[64];
    bool has_document_hash;
    size_t checks;
};

static bool take_inspection(void *ctx, const vfy_audit_entry *e)
{
    struct first_entry *x = ctx;
    if (strcmp(e->kind, "inspection") == 0) {
        x->n++;
        snprintf(x->access, sizeof x->access, "%s", e->access);
        x->has_document_hash = e->has_document_hash;
        x->checks = e->check_count;
    }
    return true;
}

Test(cov2_audit_inspection, a_live_bac_reading_is_recorded_as_bac)
{
    static const char mrz_text[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                   "L898902C36UTO7408122F3404159ZE184226B<<<<<16";
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    vfy_mrz mrz;
    cr_assert_eq(vfy_mrz_parse(mrz_text, strlen(mrz_text), NULL, &mrz, NULL), VFY_OK);
    vfy_access_key key;
    cr_assert_eq(vfy_access_key_from_mrz(&mrz, &key, NULL), VFY_OK);
    vfy_session *s;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_session_open("sim?pace=off", &s, &d), VFY_OK, "%s", d.message);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.mrz = &mrz;
    vfy_inspection *in = NULL;
    cr_assert_eq(vfy_inspect_session(s, &key, &o, &in, &d), VFY_OK, "%s", d.message);
    vfy_access_key_wipe(&key);
    vfy_session_close(s);
    vfy_access_info a;
    vfy_inspection_access(in, &a);
    cr_assert_eq(a.protocol, VFY_ACCESS_BAC, "the chip offered only BAC");
    cr_assert(vfy_inspection_is_live(in));
    vfy_audit_log *log = audit_fx_open_log(&f, f.log, f.a, 64);
    cr_assert_eq(vfy_audit_record_inspection(log, in, NULL, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK);
    struct first_entry x = { 0 };
    cr_assert_eq(vfy_audit_read(f.log, NULL, take_inspection, &x, &d), VFY_OK, "%s", d.message);
    cr_expect_eq(x.n, 1);
    cr_expect_str_eq(x.access, a.fell_back_to_bac ? "BAC (fallback after PACE)" : "BAC");
    cr_expect(x.has_document_hash, "DG1 was read: its number is hashed");
    vfy_inspection_free(in);
    audit_fx_teardown(&f);
}

Test(cov2_audit_inspection, a_document_without_dg1_is_recorded_without_a_document_hash)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    char dump[160], dg1[200];
    snprintf(dump, sizeof dump, "%s/dump", f.dir);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_specimen_write(dump, NULL, &d), VFY_OK, "%s", d.message);
    snprintf(dg1, sizeof dg1, "%s/DG1.bin", dump);
    cr_assert_eq(unlink(dg1), 0, "the specimen has no %s", dg1);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    cr_assert_eq(vfy_document_load_dir(doc, dump, &d), VFY_OK, "%s", d.message);
    const uint8_t *p;
    size_t n;
    cr_assert_neq(vfy_document_get_file(doc, VFY_FILE_DG1, &p, &n), VFY_OK);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    vfy_inspection *in = NULL;
    cr_assert_eq(vfy_inspect_files(doc, &o, &in, &d), VFY_OK, "%s", d.message);
    vfy_document_free(doc);
    vfy_audit_log *log = audit_fx_open_log(&f, f.log, f.a, 64);
    cr_assert_eq(vfy_audit_record_inspection(log, in, NULL, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK);
    struct first_entry x = { 0 };
    cr_assert_eq(vfy_audit_read(f.log, NULL, take_inspection, &x, &d), VFY_OK, "%s", d.message);
    cr_expect_eq(x.n, 1);
    cr_expect_str_eq(x.access, "offline");
    cr_expect_not(x.has_document_hash, "no DG1, no number to hash");
    cr_expect_eq(audit_fx_sql_int(f.log, "SELECT COUNT(*) FROM audit_records WHERE document_hash IS NOT NULL"), 0);
    vfy_inspection_free(in);
    audit_fx_teardown(&f);
}

/* ---- bounds and leftovers ------------------------------------------------------------ */

Test(cov2_audit_verify, a_file_with_more_checkpoints_than_the_bound_is_refused, .timeout = 300)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    write_log(&f, f.log, 1, 64);   /* records 1..2, one checkpoint over 2 */
    cr_assert_eq(audit_fx_sql_int(f.log, "SELECT COUNT(*) FROM audit_checkpoints"), 1);
    /* 2^18 more copies of that valid checkpoint: 2^18 + 1 rows, one more than
     * verify.c's MAX_CHECKPOINTS (2^18), the bound on what a hostile file may make
     * verification allocate */
    audit_fx_sql(f.log, "INSERT INTO audit_checkpoints(seq, kind, checkpoint)"
               " WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 262144)"
               " SELECT a.seq, a.kind, a.checkpoint FROM audit_checkpoints a, c");
    cr_assert_eq(audit_fx_sql_int(f.log, "SELECT COUNT(*) FROM audit_checkpoints"), 262145);
    vfy_audit_verify_result r;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_verify(f.log, f.a_pub, NULL, &r, &d), VFY_E_LIMIT, "%s",
                 vfy_status_name(d.status));
    cr_expect(strstr(d.message, "more than 262144 checkpoints") != NULL, "%s", d.message);
    audit_fx_teardown(&f);
}

Test(cov2_audit_log, a_new_log_that_cannot_be_started_leaves_no_file)
{
    struct fx f;
    audit_fx_setup(&f, "cov2audit");
    /* a directory where SQLite's write-ahead log must go: the log file can be made, but
     * its first write cannot */
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", f.log);
    cr_assert_eq(mkdir(wal, 0700), 0);
    vfy_audit_log *log = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_open(f.log, f.a, f.l, NULL, &log, &d), VFY_E_AUDIT_WRITE);
    cr_expect(strstr(d.message, "the log could not be written") != NULL, "%s", d.message);
    cr_expect_null(log);
    cr_expect_neq(access(f.log, F_OK), 0, "a log that could not be started was left behind");
    cr_assert_eq(rmdir(wal), 0);
    audit_fx_teardown(&f);
}
