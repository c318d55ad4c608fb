/* Test support: an audit log's world (a folder, two signing keys, a lookup key) shared by
 * the audit test files, and the two things every one of them does to a log. */
#ifndef VFY_TESTS_AUDIT_FIXTURE_H
#define VFY_TESTS_AUDIT_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "verify.h"

struct fx {
    char dir[64];
    char log[128], key_a[128], pub_a[128], key_b[128], pub_b[128], lookup[128];
    vfy_audit_key *a, *b;
    vfy_audit_lookup_key *l;
    uint8_t a_pub[32], b_pub[32];
};

/* A new file holding `text` (created 0600, never through a link). */
void audit_fx_write_text(const char *path, const char *text);
/* A new signing key: its secret written to `key`, its public half to `pub`, both loaded. */
void audit_fx_make_keys(const char *key, const char *pub, vfy_audit_key **k, uint8_t pk[32]);
/* A fresh folder /tmp/vfy-NAME-* with keys a and b (secret and public files) and a lookup key. */
void audit_fx_setup(struct fx *f, const char *name);
void audit_fx_teardown(struct fx *f);
/* The log at `path` opened with `key`, kiosk "kiosk-cov2", a checkpoint every `every` records. */
vfy_audit_log *audit_fx_open_log(struct fx *f, const char *path, const vfy_audit_key *key, unsigned every);
/* A rule-set change named `what` recorded (its digest: BLAKE2b of the name). */
void audit_fx_change(vfy_audit_log *log, const char *what);


/* What verify says of the log at `path` (the call itself must work). */
vfy_audit_verify_result audit_fx_verify(const char *path, const uint8_t pub[32], const char *cp);
/* The problem, its record and (when `words` is not NULL) words of its message. */
void audit_fx_expect(const vfy_audit_verify_result *r, vfy_audit_problem p, uint64_t record,
                     const char *words);
/* SQL run straight on the log's file, as an attacker with write access would. */
void audit_fx_sql(const char *path, const char *statement);
long long audit_fx_sql_int(const char *path, const char *query);
/* A blob column of one row, read with the SQLite API; caller frees. */
uint8_t *audit_fx_blob(const char *path, const char *query, size_t *len);
/* Replaces row `seq`'s record bytes and, as a careful attacker would, its stored hash. */
void audit_fx_put_record(const char *path, long long seq, const uint8_t *b, size_t len);
/* A closed log whose records are: 1 open, 2-3 changes, 4 rotation to key b, 5-6 changes. */
void audit_fx_rotated_log(struct fx *f);

#endif
