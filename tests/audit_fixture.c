/* Test support: the audit log's world; see audit_fixture.h. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "audit_fixture.h"
#include "support.h"

void audit_fx_write_text(const char *path, const char *text)
{
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_write_new_file(path, (const uint8_t *)text, strlen(text), &d), VFY_OK, "%s",
                 d.message);
}

void audit_fx_make_keys(const char *key, const char *pub, vfy_audit_key **k, uint8_t pk[32])
{
    char *secret, *pub_text;
    cr_assert_eq(vfy_audit_keygen(&secret, &pub_text, NULL), VFY_OK);
    audit_fx_write_text(key, secret);
    audit_fx_write_text(pub, pub_text);
    vfy_audit_text_wipe_free(secret);
    vfy_free(pub_text);
    cr_assert_eq(vfy_audit_key_load(key, k, NULL), VFY_OK);
    cr_assert_eq(vfy_audit_public_key_load(pub, pk, NULL), VFY_OK);
}

void audit_fx_setup(struct fx *f, const char *name)
{
    memset(f, 0, sizeof *f);
    tmpdir_make(name, f->dir, sizeof f->dir);
    snprintf(f->log, sizeof f->log, "%s/log.db", f->dir);
    snprintf(f->key_a, sizeof f->key_a, "%s/a", f->dir);
    snprintf(f->pub_a, sizeof f->pub_a, "%s/a.pub", f->dir);
    snprintf(f->key_b, sizeof f->key_b, "%s/b", f->dir);
    snprintf(f->pub_b, sizeof f->pub_b, "%s/b.pub", f->dir);
    snprintf(f->lookup, sizeof f->lookup, "%s/lookup", f->dir);
    audit_fx_make_keys(f->key_a, f->pub_a, &f->a, f->a_pub);
    audit_fx_make_keys(f->key_b, f->pub_b, &f->b, f->b_pub);
    char *secret;
    cr_assert_eq(vfy_audit_lookup_keygen(&secret, NULL), VFY_OK);
    audit_fx_write_text(f->lookup, secret);
    vfy_audit_text_wipe_free(secret);
    cr_assert_eq(vfy_audit_lookup_key_load(f->lookup, &f->l, NULL), VFY_OK);
}

void audit_fx_teardown(struct fx *f)
{
    vfy_audit_key_free(f->a);
    vfy_audit_key_free(f->b);
    vfy_audit_lookup_key_free(f->l);
    tmpdir_remove(f->dir);
}

vfy_audit_log *audit_fx_open_log(struct fx *f, const char *path, const vfy_audit_key *key, unsigned every)
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

void audit_fx_change(vfy_audit_log *log, const char *what)
{
    vfy_detail d;
    vfy_detail_clear(&d);
    uint8_t digest[32];
    crypto_generichash(digest, 32, (const uint8_t *)what, strlen(what), NULL, 0);
    cr_assert_eq(vfy_audit_record_change(log, VFY_AUDIT_RULES_CHANGE, what, digest, sizeof digest,
                                         NULL, &d),
                 VFY_OK, "%s", d.message);
}


vfy_audit_verify_result audit_fx_verify(const char *path, const uint8_t pub[32], const char *cp)
{
    vfy_audit_verify_result r;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_verify(path, pub, cp, &r, &d), VFY_OK, "%s: %s",
                 vfy_status_name(d.status), d.message);
    return r;
}

void audit_fx_expect(const vfy_audit_verify_result *r, vfy_audit_problem p, uint64_t record,
                     const char *words)
{
    cr_expect_eq(r->problem, p, "problem %s, want %s: %s", vfy_audit_problem_name(r->problem),
                 vfy_audit_problem_name(p), r->message);
    cr_expect_eq(r->record, record, "record %llu, want %llu: %s", (unsigned long long)r->record,
                 (unsigned long long)record, r->message);
    if (words != NULL)
        cr_expect(strstr(r->message, words) != NULL, "'%s' not in: %s", words, r->message);
}

void audit_fx_sql(const char *path, const char *statement)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(db, statement, NULL, NULL, &err);
    cr_assert_eq(rc, SQLITE_OK, "%s: %s", statement, err != NULL ? err : "");
    sqlite3_close(db);
}

long long audit_fx_sql_int(const char *path, const char *query)
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
uint8_t *audit_fx_blob(const char *path, const char *query, size_t *len)
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
void audit_fx_put_record(const char *path, long long seq, const uint8_t *b, size_t len)
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

/* records 1 open, 2-3 changes, 4 rotation to b, 5-6 changes */
void audit_fx_rotated_log(struct fx *f)
{
    vfy_audit_log *log = audit_fx_open_log(f, f->log, f->a, 64);
    audit_fx_change(log, "one");
    audit_fx_change(log, "two");
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_rotate_key(log, f->b, &d), VFY_OK, "%s", d.message);
    audit_fx_change(log, "three");
    audit_fx_change(log, "four");
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK, "%s", d.message);
}
