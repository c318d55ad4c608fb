/* The audit trail through its library API (verify/audit.h), attacked the way someone
 * with write access to the kiosk's disk would: every change to the SQLite file made
 * with the SQLite API — a field changed, the record bytes changed with the stored hash
 * fixed up, a record deleted, inserted or copied, two swapped, rows renumbered, the tail
 * truncated (against a checkpoint kept elsewhere), a rotation forged, a prune anchor
 * removed, the whole log replaced by one signed with another key — must be reported
 * with its kind and record, and an untouched log must verify. Independent truth: the
 * hashes and keyed hashes are recomputed here with libsodium from docs/audit.md; a
 * SIGKILLed writer must lose no record whose append returned; the log file (and its WAL)
 * must hold no personal data of the inspected passport. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit_fixture.h"
#include "support.h"
#include "verify.h"
#include "verify/sim.h"

static const char specimen_mrz[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                   "L898902C36UTO7408122F3404159ZE184226B<<<<<16";

struct world {
    char dir[64];
    char log[128], key_a[128], pub_a[128], key_b[128], pub_b[128], lookup[128], lookup2[128];
    vfy_audit_key *a, *b;
    vfy_audit_lookup_key *l, *l2;
    uint8_t a_pub[32], b_pub[32];
    vfy_inspection *inspection;
    vfy_trust *trust;
};

static void make_lookup(const char *path, vfy_audit_lookup_key **k)
{
    char *secret;
    cr_assert_eq(vfy_audit_lookup_keygen(&secret, NULL), VFY_OK);
    audit_fx_write_text(path, secret);
    vfy_audit_text_wipe_free(secret);
    cr_assert_eq(vfy_audit_lookup_key_load(path, k, NULL), VFY_OK);
}

/* A live inspection of the built-in specimen on the simulated chip, judged against the
 * specimen's CSCA: genuine. */
static vfy_inspection *specimen_inspection(vfy_trust **trust)
{
    char csca[512];
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_new(trust), VFY_OK);
    cr_assert_eq(vfy_trust_add_path(*trust, repo_path("data/specimen/csca.pem", csca, sizeof csca), &d),
                 VFY_OK, "%s", d.message);
    vfy_mrz mrz;
    cr_assert_eq(vfy_mrz_parse(specimen_mrz, strlen(specimen_mrz), NULL, &mrz, NULL), VFY_OK);
    vfy_access_key key;
    cr_assert_eq(vfy_access_key_from_mrz(&mrz, &key, NULL), VFY_OK);
    vfy_session *s;
    cr_assert_eq(vfy_session_open("sim", &s, &d), VFY_OK, "%s", d.message);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = *trust;
    o.mrz = &mrz;
    vfy_inspection *r = NULL;
    cr_assert_eq(vfy_inspect_session(s, &key, &o, &r, &d), VFY_OK, "%s", d.message);
    vfy_access_key_wipe(&key);
    vfy_session_close(s);
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_GENUINE);
    return r;
}

static void setup(struct world *f)
{
    memset(f, 0, sizeof *f);
    tmpdir_make("audit", f->dir, sizeof f->dir);
    snprintf(f->log, sizeof f->log, "%s/log.db", f->dir);
    snprintf(f->key_a, sizeof f->key_a, "%s/a", f->dir);
    snprintf(f->pub_a, sizeof f->pub_a, "%s/a.pub", f->dir);
    snprintf(f->key_b, sizeof f->key_b, "%s/b", f->dir);
    snprintf(f->pub_b, sizeof f->pub_b, "%s/b.pub", f->dir);
    snprintf(f->lookup, sizeof f->lookup, "%s/lookup", f->dir);
    snprintf(f->lookup2, sizeof f->lookup2, "%s/lookup2", f->dir);
    audit_fx_make_keys(f->key_a, f->pub_a, &f->a, f->a_pub);
    audit_fx_make_keys(f->key_b, f->pub_b, &f->b, f->b_pub);
    make_lookup(f->lookup, &f->l);
    make_lookup(f->lookup2, &f->l2);
    f->inspection = specimen_inspection(&f->trust);
}

static void teardown(struct world *f)
{
    vfy_inspection_free(f->inspection);
    vfy_trust_free(f->trust);
    vfy_audit_key_free(f->a);
    vfy_audit_key_free(f->b);
    vfy_audit_lookup_key_free(f->l);
    vfy_audit_lookup_key_free(f->l2);
    tmpdir_remove(f->dir);
}

/* A log of one open record, `n` inspections and a trust change, closed. */
static void write_log(struct world *f, const char *path, const vfy_audit_key *key, int n, unsigned every)
{
    vfy_audit_options o = VFY_AUDIT_OPTIONS_INIT;
    o.kiosk_id = "kiosk-test";
    o.reader = "sim";
    o.checkpoint_every = every;
    vfy_audit_log *log;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_open(path, key, f->l, &o, &log, &d), VFY_OK, "%s", d.message);
    for (int i = 0; i < n; i++) {
        uint64_t seq = 0;
        cr_assert_eq(vfy_audit_record_inspection(log, f->inspection, &seq, &d), VFY_OK, "%s",
                     d.message);
        cr_assert_eq(seq, (uint64_t)i + 2);
    }
    uint8_t digest[32];
    cr_assert_eq(vfy_trust_digest(f->trust, digest), VFY_OK);
    cr_assert_eq(vfy_audit_record_change(log, VFY_AUDIT_TRUST_CHANGE, "trust store loaded", digest,
                                         sizeof digest, NULL, &d),
                 VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK, "%s", d.message);
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

static void expect(const vfy_audit_verify_result *r, vfy_audit_problem p, uint64_t record)
{
    cr_expect_eq(r->problem, p, "problem %s, want %s: %s", vfy_audit_problem_name(r->problem),
                 vfy_audit_problem_name(p), r->message);
    cr_expect_eq(r->record, record, "record %llu, want %llu: %s", (unsigned long long)r->record,
                 (unsigned long long)record, r->message);
}

static void sql(const char *path, const char *statement)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *err = NULL;
    cr_assert_eq(sqlite3_exec(db, statement, NULL, NULL, &err), SQLITE_OK, "%s: %s", statement,
                 err != NULL ? err : "");
    sqlite3_close(db);
}

/* The record bytes of row `seq`, read with the SQLite API. */
static uint8_t *row_record(const char *path, long long seq, size_t *len)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT record FROM audit_records WHERE seq = ?1", -1, &st,
                                    NULL),
                 SQLITE_OK);
    sqlite3_bind_int64(st, 1, seq);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "no record %lld", seq);
    *len = (size_t)sqlite3_column_bytes(st, 0);
    uint8_t *b = malloc(*len);
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
    sqlite3_finalize(st);
    sqlite3_close(db);
}

TestSuite(audit, .timeout = 60);

Test(audit, an_untouched_log_verifies_and_its_chain_is_blake2b_over_the_record_bytes)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 10, 4);
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_INTACT, 0);
    cr_expect_eq(r.records, 12);
    cr_expect_eq(r.first_seq, 1);
    cr_expect_eq(r.last_seq, 12);
    cr_expect_geq(r.checkpoints, 3, "every 4 records and on close: %llu", (unsigned long long)r.checkpoints);
    /* Independent recomputation: record 5 starts with "VFYA", version 1, kind 2, its
     * number, and carries BLAKE2b-256 of record 4's bytes at offset 23. */
    size_t n4, n5;
    uint8_t *r4 = row_record(f.log, 4, &n4), *r5 = row_record(f.log, 5, &n5);
    uint8_t h4[32];
    crypto_generichash(h4, 32, r4, n4, NULL, 0);
    cr_assert(n5 > 55);
    cr_expect_eq(memcmp(r5, "VFYA\x01\x02", 6), 0);
    cr_expect_eq(r5[13], 5);
    cr_expect_eq(memcmp(r5 + 23, h4, 32), 0, "record 5 does not carry record 4's hash");
    free(r4);
    free(r5);
    teardown(&f);
}

Test(audit, a_field_changed_with_sqlite_is_found_at_its_record)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 8, 64);
    sql(f.log, "UPDATE audit_records SET outcome = 'invalid' WHERE seq = 5");
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_MODIFIED, 5);
    teardown(&f);
}

Test(audit, record_bytes_changed_with_the_stored_hash_fixed_up_break_the_chain_there)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 8, 64);
    size_t n;
    uint8_t *b = row_record(f.log, 5, &n);
    /* "refer" -> "accpt": the gate, which no stored column copies */
    uint8_t *p = memmem(b, n, "refer", 5);
    cr_assert_not_null(p);
    memcpy(p, "accpt", 5);
    put_record(f.log, 5, b, n);
    free(b);
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_MODIFIED, 5);
    teardown(&f);
}

Test(audit, the_last_record_changed_is_found_against_the_signed_checkpoint)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 4, 64);   /* records 1..6, checkpoint over 6 on close */
    size_t n;
    uint8_t *b = row_record(f.log, 6, &n);
    uint8_t *p = memmem(b, n, "trust store loaded", 18);
    cr_assert_not_null(p);
    memcpy(p, "trust store wiped!", 18);
    put_record(f.log, 6, b, n);
    free(b);
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_MODIFIED, 6);
    teardown(&f);
}

Test(audit, a_deleted_record_is_named)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 8, 64);
    sql(f.log, "DELETE FROM audit_records WHERE seq = 4");
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_DELETED, 4);
    teardown(&f);
}

Test(audit, a_deletion_hidden_by_renumbering_is_found)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 8, 64);
    sql(f.log, "DELETE FROM audit_records WHERE seq = 4;"
               "UPDATE audit_records SET seq = -seq WHERE seq > 4;"
               "UPDATE audit_records SET seq = -seq - 1 WHERE seq < 0;"
               "DELETE FROM audit_checkpoints");
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_DELETED, 4);
    teardown(&f);
}

Test(audit, an_inserted_copy_is_named_where_it_sits)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 8, 64);
    /* make room at 5 and put a copy of record 3 there */
    sql(f.log, "UPDATE audit_records SET seq = -seq WHERE seq >= 5;"
               "UPDATE audit_records SET seq = -seq + 1 WHERE seq < 0;"
               "INSERT INTO audit_records SELECT 5, time, kind, outcome, document_hash, record, hash"
               " FROM audit_records WHERE seq = 3");
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_INSERTED, 5);
    teardown(&f);
}

Test(audit, a_record_appended_by_someone_else_is_found)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 4, 64);   /* 1..6 */
    /* a copy of record 2 appended as record 7 */
    sql(f.log, "INSERT INTO audit_records SELECT 7, time, kind, outcome, document_hash, record, hash"
               " FROM audit_records WHERE seq = 2");
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_INSERTED, 7);
    teardown(&f);
}

Test(audit, two_swapped_records_are_reported_as_reordered)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 8, 64);
    sql(f.log, "UPDATE audit_records SET seq = -1 WHERE seq = 4;"
               "UPDATE audit_records SET seq = 4 WHERE seq = 5;"
               "UPDATE audit_records SET seq = 5 WHERE seq = -1");
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_REORDERED, 4);
    teardown(&f);
}

Test(audit, a_truncated_tail_is_found_against_a_checkpoint_kept_elsewhere)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 8, 3);    /* records 1..10 */
    char *kept = NULL;
    cr_assert_eq(vfy_audit_checkpoint_latest(f.log, &kept, NULL), VFY_OK);
    cr_assert_eq(strncmp(kept, "libverify-audit-checkpoint/1 ", 29), 0);
    /* The attacker removes records 8..10 and every checkpoint that would tell. */
    sql(f.log, "DELETE FROM audit_records WHERE seq >= 8;"
               "DELETE FROM audit_checkpoints WHERE seq >= 8");
    vfy_audit_verify_result r = verify(f.log, f.a_pub, kept);
    expect(&r, VFY_AUDIT_TRUNCATED, 8);
    vfy_free(kept);
    teardown(&f);
}

Test(audit, a_kept_checkpoint_that_disagrees_with_the_record_it_covers_is_modification)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 3, 64);   /* 1..5 */
    char *kept = NULL;
    cr_assert_eq(vfy_audit_checkpoint_latest(f.log, &kept, NULL), VFY_OK);
    size_t n;
    uint8_t *b = row_record(f.log, 5, &n);
    uint8_t *p = memmem(b, n, "trust store loaded", 18);
    cr_assert_not_null(p);
    p[0] = 'T';
    put_record(f.log, 5, b, n);
    sql(f.log, "DELETE FROM audit_checkpoints");   /* hide the log's own */
    free(b);
    vfy_audit_verify_result r = verify(f.log, f.a_pub, kept);
    expect(&r, VFY_AUDIT_MODIFIED, 5);
    vfy_free(kept);
    teardown(&f);
}

Test(audit, a_log_replaced_by_one_signed_with_another_key_is_refused)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.b, 5, 64);
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_WRONG_KEY, 1);
    r = verify(f.log, f.b_pub, NULL);
    expect(&r, VFY_AUDIT_INTACT, 0);
    /* A kept checkpoint of the genuine log does not match a replacement either. */
    char other[160];
    snprintf(other, sizeof other, "%s/genuine.db", f.dir);
    write_log(&f, other, f.a, 2, 64);
    char *kept = NULL;
    cr_assert_eq(vfy_audit_checkpoint_latest(other, &kept, NULL), VFY_OK);
    r = verify(f.log, f.b_pub, kept);
    expect(&r, VFY_AUDIT_WRONG_KEY, 4);
    vfy_free(kept);
    teardown(&f);
}

Test(audit, a_forged_checkpoint_is_refused)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 3, 64);
    /* one bit of the record hash inside the only checkpoint (over record 5, on close) */
    sqlite3 *db;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(f.log, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT checkpoint FROM audit_checkpoints", -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_bytes(st, 0), 174);
    uint8_t cp[174];
    memcpy(cp, sqlite3_column_blob(st, 0), sizeof cp);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "one checkpoint expected");
    sqlite3_finalize(st);
    cp[40] ^= 1;
    cr_assert_eq(sqlite3_prepare_v2(db, "UPDATE audit_checkpoints SET checkpoint = ?1", -1, &st, NULL),
                 SQLITE_OK);
    sqlite3_bind_blob(st, 1, cp, sizeof cp, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_BAD_CHECKPOINT, 5);
    teardown(&f);
}

Test(audit, key_rotation_is_followed_and_a_forged_one_is_refused)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 2, 64);   /* 1..4 */
    vfy_audit_log *log;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_open(f.log, f.a, f.l, NULL, &log, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_audit_rotate_key(log, f.b, &d), VFY_OK, "%s", d.message);   /* 5 */
    cr_assert_eq(vfy_audit_record_inspection(log, f.inspection, NULL, &d), VFY_OK);  /* 6 */
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK);
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_INTACT, 0);
    cr_expect_eq(r.key_rotations, 1);
    /* the old key is no longer in force; the new one is */
    cr_expect_eq(vfy_audit_open(f.log, f.a, f.l, NULL, &log, &d), VFY_E_AUDIT_KEY);
    cr_assert_eq(vfy_audit_open(f.log, f.b, f.l, NULL, &log, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK);
    /* The rotation rewritten to introduce an attacker's key instead (stored hash fixed). */
    vfy_audit_key *c;
    uint8_t c_pub[32];
    char kc[160], pc[160];
    snprintf(kc, sizeof kc, "%s/c", f.dir);
    snprintf(pc, sizeof pc, "%s/c.pub", f.dir);
    audit_fx_make_keys(kc, pc, &c, c_pub);
    size_t n;
    uint8_t *b = row_record(f.log, 5, &n);
    uint8_t *p = memmem(b, n, f.b_pub, 32);
    cr_assert_not_null(p);
    memcpy(p, c_pub, 32);
    put_record(f.log, 5, b, n);
    free(b);
    r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_WRONG_KEY, 5);
    vfy_audit_key_free(c);
    teardown(&f);
}

/* Independent keyed hash of docs/audit.md: BLAKE2b-256, key = the lookup key's 32 bytes,
 * over "libverify.audit.document/1" NUL and the number. */
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

struct found {
    int n;
    bool hash_ok;
    char hex[65];
};

static bool collect(void *ctx, const vfy_audit_entry *e)
{
    struct found *fd = ctx;
    fd->n++;
    if (strstr(e->json, fd->hex) != NULL)
        fd->hash_ok = true;
    return true;
}

Test(audit, a_document_is_found_only_with_the_lookup_key_and_rotation_changes_the_key)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 3, 64);
    uint8_t h[32];
    document_hash(f.lookup, "L898902C3", h);
    struct found fd = { 0 };
    sodium_bin2hex(fd.hex, sizeof fd.hex, h, 32);
    vfy_audit_query q = VFY_AUDIT_QUERY_INIT;
    q.document_number = "L898902C3";
    q.lookup = f.l;
    cr_assert_eq(vfy_audit_read(f.log, &q, collect, &fd, NULL), VFY_OK);
    cr_expect_eq(fd.n, 3);
    cr_expect(fd.hash_ok, "the record's document_hash is not BLAKE2b keyed as documented");
    struct found none = { 0 };
    q.document_number = "C01X00T47";
    cr_assert_eq(vfy_audit_read(f.log, &q, collect, &none, NULL), VFY_OK);
    cr_expect_eq(none.n, 0);
    /* Another lookup key finds nothing; after a rotation it finds the new records. */
    q.document_number = "L898902C3";
    q.lookup = f.l2;
    cr_assert_eq(vfy_audit_read(f.log, &q, collect, &none, NULL), VFY_OK);
    cr_expect_eq(none.n, 0);
    vfy_audit_log *log;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_open(f.log, f.a, f.l2, NULL, &log, &d), VFY_E_AUDIT_KEY);
    cr_expect_eq(vfy_audit_open(f.log, f.a, NULL, NULL, &log, &d), VFY_E_AUDIT_KEY);
    cr_assert_eq(vfy_audit_open(f.log, f.a, f.l, NULL, &log, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_audit_rotate_lookup_key(log, f.l2, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_audit_record_inspection(log, f.inspection, NULL, &d), VFY_OK);
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK);
    cr_assert_eq(vfy_audit_read(f.log, &q, collect, &none, NULL), VFY_OK);
    cr_expect_eq(none.n, 1);
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_INTACT, 0);
    cr_expect_eq(r.key_rotations, 1);
    teardown(&f);
}

static bool contains(const uint8_t *hay, size_t n, const void *needle, size_t m)
{
    return m > 0 && n >= m && memmem(hay, n, needle, m) != NULL;
}

/* The log and its -wal and -shm files hold none of `needles`. */
static void expect_no_personal_data(const char *log, const uint8_t *photo, size_t photo_len)
{
    static const char *const needles[] = { "ERIKSSON", "ANNA", "MARIA", "L898902C3",
                                           "L898902C36", "740812", "7408122", "P<UTO",
                                           "ZE184226B" };
    const char *suffix[] = { "", "-wal", "-shm" };
    for (int s = 0; s < 3; s++) {
        char path[200];
        snprintf(path, sizeof path, "%s%s", log, suffix[s]);
        if (access(path, F_OK) != 0)
            continue;
        size_t n;
        uint8_t *b = read_file_or_fail(path, &n);
        for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
            cr_expect(!contains(b, n, needles[i], strlen(needles[i])), "%s holds '%s'", path,
                      needles[i]);
        cr_expect(!contains(b, n, photo, photo_len), "%s holds the photo's bytes", path);
        free(b);
    }
}

Test(audit, the_log_holds_no_name_mrz_document_number_or_photo)
{
    struct world f;
    setup(&f);
    /* the photo as the chip gave it: the first 64 bytes of DG2's image */
    const vfy_document *doc = vfy_inspection_document(f.inspection);
    const uint8_t *dg2;
    size_t dg2_len;
    cr_assert_eq(vfy_document_get_file(doc, (vfy_file_id)2, &dg2, &dg2_len), VFY_OK);
    vfy_lds_dg2 *faces = calloc(1, sizeof *faces);
    cr_assert_eq(vfy_lds_parse_dg2(dg2, dg2_len, faces, NULL), VFY_OK);
    cr_assert_geq(faces->face_count, 1);
    size_t plen = faces->faces[0].image.len < 64 ? faces->faces[0].image.len : 64;
    uint8_t photo[64];
    memcpy(photo, faces->faces[0].image.data, plen);
    free(faces);
    /* The needles must be findable in the inspection's own DG1, or the test proves nothing. */
    const uint8_t *dg1;
    size_t dg1_len;
    cr_assert_eq(vfy_document_get_file(doc, VFY_FILE_DG1, &dg1, &dg1_len), VFY_OK);
    cr_assert(contains(dg1, dg1_len, "ERIKSSON", 8) && contains(dg1, dg1_len, "L898902C3", 9));
    vfy_audit_log *log;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_open(f.log, f.a, f.l, NULL, &log, &d), VFY_OK, "%s", d.message);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(vfy_audit_record_inspection(log, f.inspection, NULL, &d), VFY_OK);
    expect_no_personal_data(f.log, photo, plen);   /* while open: the records are in the WAL */
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK);
    expect_no_personal_data(f.log, photo, plen);
    struct stat st;
    cr_assert_eq(stat(f.log, &st), 0);
    cr_expect_eq(st.st_mode & 0777, 0600);
    teardown(&f);
}

Test(audit, the_log_is_created_new_and_never_through_a_link)
{
    struct world f;
    setup(&f);
    char target[160], link[160];
    snprintf(target, sizeof target, "%s/target.db", f.dir);
    snprintf(link, sizeof link, "%s/link.db", f.dir);
    cr_assert_eq(symlink(target, link), 0);
    vfy_audit_log *log = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_audit_open(link, f.a, f.l, NULL, &log, &d);
    /* the name exists (as a link): refused before anything is opened through it */
    cr_expect_eq(s, VFY_E_EXISTS, "%s", vfy_status_name(s));
    cr_expect_null(log);
    cr_expect_neq(access(target, F_OK), 0, "a file was created through the link");
    teardown(&f);
}

/* ---- crashes ---------------------------------------------------------------------- */

static void child_appends(struct world *f, int fd, int count)
{
    vfy_audit_log *log;
    vfy_audit_options o = VFY_AUDIT_OPTIONS_INIT;
    o.checkpoint_every = 50;
    if (vfy_audit_open(f->log, f->a, f->l, &o, &log, NULL) != VFY_OK)
        _exit(3);
    for (int i = 0; i < count; i++) {
        uint64_t seq;
        if (vfy_audit_record_inspection(log, f->inspection, &seq, NULL) != VFY_OK)
            _exit(4);
        if (write(fd, &seq, sizeof seq) != (ssize_t)sizeof seq)
            _exit(5);
    }
    _exit(vfy_audit_close(log, NULL) == VFY_OK ? 0 : 6);
}

Test(audit, sigkill_during_appends_loses_no_returned_record_and_the_log_verifies)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 1, 64);   /* records 1..3 */
    uint64_t highest = 3;
    for (int round = 0; round < 3; round++) {
        int p[2];
        cr_assert_eq(pipe(p), 0);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            close(p[0]);
            child_appends(&f, p[1], 1000);
        }
        close(p[1]);
        /* Kill after the child reported some progress (a different amount each round). */
        uint64_t seq = 0, seen = 0;
        long want = 40 + 70 * round;
        while (want-- > 0 && read(p[0], &seq, sizeof seq) == (ssize_t)sizeof seq)
            seen = seq;
        cr_assert_eq(kill(pid, SIGKILL), 0);
        int status;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child ended before the kill");
        /* what the child reported between our last read and the kill counts too */
        while (read(p[0], &seq, sizeof seq) == (ssize_t)sizeof seq)
            seen = seq;
        close(p[0]);
        cr_assert_gt(seen, highest, "round %d: no progress", round);
        highest = seen;
        vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
        expect(&r, VFY_AUDIT_INTACT, 0);
        cr_expect_geq(r.last_seq, seen, "round %d: record %llu returned but the log ends at %llu",
                      round, (unsigned long long)seen, (unsigned long long)r.last_seq);
    }
    teardown(&f);
}

Test(audit, two_processes_appending_to_one_log_keep_one_chain)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 1, 64);   /* records 1..3, so both writers open an existing log */
    pid_t pids[2];
    int p[2];
    cr_assert_eq(pipe(p), 0);
    for (int i = 0; i < 2; i++) {
        pids[i] = fork();
        cr_assert_geq(pids[i], 0);
        if (pids[i] == 0) {
            close(p[0]);
            vfy_audit_log *log;
            vfy_audit_options o = VFY_AUDIT_OPTIONS_INIT;
            o.checkpoint_every = 7;
            if (vfy_audit_open(f.log, f.a, f.l, &o, &log, NULL) != VFY_OK)
                _exit(3);
            for (int k = 0; k < 40; k++) {
                uint64_t seq;
                if (vfy_audit_record_inspection(log, f.inspection, &seq, NULL) != VFY_OK)
                    _exit(4);
                if (write(p[1], &seq, sizeof seq) != (ssize_t)sizeof seq)
                    _exit(5);
            }
            _exit(vfy_audit_close(log, NULL) == VFY_OK ? 0 : 6);
        }
    }
    close(p[1]);
    /* every number handed out once: 4..83 */
    bool seen[84] = { false };
    uint64_t seq;
    int n = 0;
    while (read(p[0], &seq, sizeof seq) == (ssize_t)sizeof seq) {
        cr_assert(seq >= 4 && seq <= 83, "record %llu", (unsigned long long)seq);
        cr_expect(!seen[seq], "record %llu handed out twice", (unsigned long long)seq);
        seen[seq] = true;
        n++;
    }
    close(p[0]);
    for (int i = 0; i < 2; i++) {
        int status;
        cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
        cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer %d: status %d", i, status);
    }
    cr_expect_eq(n, 80);
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_INTACT, 0);
    cr_expect_eq(r.last_seq, 83);
    teardown(&f);
}

/* ---- failures the caller sees -------------------------------------------------------- */

Test(audit, a_write_that_fails_is_an_error_not_a_silent_loss)
{
    struct world f;
    setup(&f);
    vfy_audit_log *log;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_open(f.log, f.a, f.l, NULL, &log, &d), VFY_OK);
    sql(f.log, "DROP TABLE audit_records");
    uint64_t seq = 99;
    cr_expect_eq(vfy_audit_record_inspection(log, f.inspection, &seq, &d), VFY_E_AUDIT_WRITE);
    cr_expect_eq(seq, 99, "a sequence number was handed out for a record not written");
    cr_expect_neq(d.message[0], '\0');
    vfy_status cs = vfy_audit_close(log, NULL);
    cr_expect_eq(cs, VFY_E_AUDIT_WRITE, "%s", vfy_status_name(cs));
    teardown(&f);
}

Test(audit, corrupted_or_truncated_files_are_unreadable_logs_not_crashes)
{
    struct world f;
    setup(&f);
    write_log(&f, f.log, f.a, 5, 64);
    size_t n;
    uint8_t *b = read_file_or_fail(f.log, &n);
    char path[200];
    vfy_audit_verify_result r;
    vfy_detail d;
    /* truncated at several lengths, and overwritten in the middle */
    size_t cuts[] = { 0, 50, 100, 4096, n / 2 };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        snprintf(path, sizeof path, "%s/cut%zu.db", f.dir, i);
        FILE *o = fopen(path, "wb");
        cr_assert_not_null(o);
        fwrite(b, 1, cuts[i], o);
        fclose(o);
        vfy_detail_clear(&d);
        vfy_status s = vfy_audit_verify(path, f.a_pub, NULL, &r, &d);
        cr_expect(s == VFY_E_AUDIT_FORMAT || (s == VFY_OK && r.problem != VFY_AUDIT_INTACT),
                  "cut at %zu: %s %s", cuts[i], vfy_status_name(s), vfy_audit_problem_name(r.problem));
        if (s != VFY_OK)
            cr_expect_neq(d.message[0], '\0');
    }
    snprintf(path, sizeof path, "%s/garbage.db", f.dir);
    memset(b + 100, 0xA5, n / 2 - 100);
    FILE *o = fopen(path, "wb");
    fwrite(b, 1, n, o);
    fclose(o);
    cr_expect_eq(vfy_audit_verify(path, f.a_pub, NULL, &r, &d), VFY_E_AUDIT_FORMAT);
    snprintf(path, sizeof path, "%s/none.db", f.dir);
    cr_expect_eq(vfy_audit_verify(path, f.a_pub, NULL, &r, &d), VFY_E_AUDIT_FORMAT);
    /* another SQLite database is not an audit log */
    snprintf(path, sizeof path, "%s/other.db", f.dir);
    sql(path, "CREATE TABLE t(x)");
    cr_expect_eq(vfy_audit_verify(path, f.a_pub, NULL, &r, &d), VFY_E_AUDIT_FORMAT);
    /* a view in place of the records table is refused, not run */
    snprintf(path, sizeof path, "%s/view.db", f.dir);
    sql(path, "CREATE TABLE audit_meta(name, value); INSERT INTO audit_meta VALUES('format',"
              " 'libverify.audit/1'); CREATE TABLE audit_checkpoints(id, seq, kind, checkpoint);"
              " CREATE VIEW audit_records AS SELECT 1 AS seq");
    cr_expect_eq(vfy_audit_verify(path, f.a_pub, NULL, &r, &d), VFY_E_AUDIT_FORMAT);
    cr_expect_eq(vfy_audit_verify(f.log, f.a_pub, "libverify-audit-checkpoint/1 abc", &r, &d),
                 VFY_E_AUDIT_CHECKPOINT);
    free(b);
    teardown(&f);
}

/* ---- pruning --------------------------------------------------------------------------- */

static vfy_inspection *inspection_at(const char *dir, time_t at, vfy_trust *trust)
{
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    cr_assert_eq(vfy_document_load_dir(doc, dir, NULL), VFY_OK);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust;
    o.at = at;
    vfy_inspection *r = NULL;
    cr_assert_eq(vfy_inspect_files(doc, &o, &r, NULL), VFY_OK);
    vfy_document_free(doc);
    return r;
}

Test(audit, prune_removes_old_records_and_the_rest_stays_verifiable)
{
    struct world f;
    setup(&f);
    char dump[160];
    snprintf(dump, sizeof dump, "%s/dump", f.dir);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_specimen_write(dump, NULL, &d), VFY_OK, "%s", d.message);
    time_t old = 1735732800;   /* 2025-01-01T12:00:00Z */
    time_t now = time(NULL);
    vfy_inspection *before = inspection_at(dump, old, NULL), *after = inspection_at(dump, now, NULL);
    vfy_audit_log *log;
    vfy_audit_options o = VFY_AUDIT_OPTIONS_INIT;
    o.checkpoint_every = 2;
    cr_assert_eq(vfy_audit_open(f.log, f.a, f.l, &o, &log, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_audit_record_inspection(log, before, NULL, &d), VFY_OK);   /* 2 */
    cr_assert_eq(vfy_audit_record_inspection(log, before, NULL, &d), VFY_OK);   /* 3 */
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK);
    char *kept_old = NULL;
    cr_assert_eq(vfy_audit_checkpoint_latest(f.log, &kept_old, NULL), VFY_OK);   /* over 3 */
    cr_assert_eq(vfy_audit_open(f.log, f.a, f.l, &o, &log, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_audit_rotate_key(log, f.b, &d), VFY_OK);                      /* 4 */
    cr_assert_eq(vfy_audit_record_inspection(log, before, NULL, &d), VFY_OK);   /* 5 */
    cr_assert_eq(vfy_audit_record_inspection(log, after, NULL, &d), VFY_OK);    /* 6 */
    cr_assert_eq(vfy_audit_record_inspection(log, after, NULL, &d), VFY_OK);    /* 7 */
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK);
    uint64_t removed = 0;
    /* only the key in force may prune */
    cr_expect_eq(vfy_audit_prune(f.log, f.a, f.l, now - 3600, &removed, &d), VFY_E_AUDIT_KEY);
    cr_assert_eq(vfy_audit_prune(f.log, f.b, f.l, now - 3600, &removed, &d), VFY_OK, "%s", d.message);
    cr_expect_eq(removed, 3, "records 2, 3 and 5 go; 1 and the rotation 4 stay");
    vfy_audit_verify_result r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_INTACT, 0);
    cr_expect_eq(r.pruned, 3);
    cr_expect_eq(r.records, 5, "1, 4, 6, 7 and the prune record 8");
    /* a checkpoint kept from before the prune, over a pruned record, still verifies */
    r = verify(f.log, f.a_pub, kept_old);
    expect(&r, VFY_AUDIT_INTACT, 0);
    /* and an anchor removed turns the gap into a deletion */
    sql(f.log, "DELETE FROM audit_checkpoints WHERE kind = 'prune' AND seq = 5");
    r = verify(f.log, f.a_pub, NULL);
    expect(&r, VFY_AUDIT_DELETED, 5);
    /* a tampered log is not pruned */
    sql(f.log, "UPDATE audit_records SET outcome = 'genuine' WHERE seq = 6");
    cr_expect_eq(vfy_audit_prune(f.log, f.b, f.l, now + 3600, &removed, &d), VFY_E_AUDIT_TAMPERED);
    vfy_free(kept_old);
    vfy_inspection_free(before);
    vfy_inspection_free(after);
    teardown(&f);
}
