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
#include "audit_fixture.h"
#include "support.h"
#include "verify.h"



TestSuite(cov2_abr_prune, .timeout = 120);

#define Y2100 ((time_t)4102444800LL)

Test(cov2_abr_prune, a_second_prune_keeps_the_old_anchor_and_replaces_the_grown_gap)
{
    struct fx f;
    audit_fx_setup(&f, "cov2abr");
    audit_fx_rotated_log(&f);
    vfy_detail d;
    vfy_detail_clear(&d);
    /* removed may be NULL (audit.h) */
    cr_assert_eq(vfy_audit_prune(f.log, f.b, f.l, Y2100, NULL, &d), VFY_OK, "%s", d.message);
    /* kept: 1 (first), 4 (rotation), 7 (the prune record); gaps 1->4 and 4->7, each
     * bridged by an anchor over the record before the next kept one: 3 and 6 */
    cr_expect_eq(audit_fx_sql_int(f.log, "SELECT COUNT(*) FROM audit_records"), 3);
    cr_expect_eq(audit_fx_sql_int(f.log, "SELECT SUM(seq) FROM audit_records"), 1 + 4 + 7);
    cr_expect_eq(audit_fx_sql_int(f.log, "SELECT COUNT(*) FROM audit_checkpoints WHERE kind = 'prune'"
                                " AND seq IN (3, 6)"), 2);
    vfy_audit_log *log = audit_fx_open_log(&f, f.log, f.b, 64);
    audit_fx_change(log, "five");  /* 8 */
    audit_fx_change(log, "six");   /* 9 */
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK, "%s", d.message);
    uint64_t removed = 99;
    cr_assert_eq(vfy_audit_prune(f.log, f.b, f.l, Y2100, &removed, &d), VFY_OK, "%s", d.message);
    /* 7 (the old prune record), 8 and 9 go; 10 is the new prune record */
    cr_expect_eq(removed, 3);
    cr_expect_eq(audit_fx_sql_int(f.log, "SELECT COUNT(*) FROM audit_records"), 3);
    cr_expect_eq(audit_fx_sql_int(f.log, "SELECT SUM(seq) FROM audit_records"), 1 + 4 + 10);
    /* the anchor over 3 was kept (gap 1->4 unchanged, not signed again), the one over 6
     * replaced by one over 9 (the gap 4->7 grew into 4->10) */
    cr_expect_eq(audit_fx_sql_int(f.log, "SELECT COUNT(*) FROM audit_checkpoints WHERE kind = 'prune'"
                                " AND seq = 3"), 1);
    cr_expect_eq(audit_fx_sql_int(f.log, "SELECT COUNT(*) FROM audit_checkpoints WHERE kind = 'prune'"
                                " AND seq = 6"), 0);
    cr_expect_eq(audit_fx_sql_int(f.log, "SELECT COUNT(*) FROM audit_checkpoints WHERE kind = 'prune'"
                                " AND seq = 9"), 1);
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_INTACT, 0, NULL);
    audit_fx_teardown(&f);
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
    audit_fx_setup(&f, "cov2abr");
    audit_fx_rotated_log(&f);
    size_t n1, n2;
    uint8_t *first = audit_fx_blob(f.log, "SELECT record FROM audit_records WHERE seq = 1", &n1);
    uint8_t *second = audit_fx_blob(f.log, "SELECT record FROM audit_records WHERE seq = 2", &n2);
    const uint8_t junk[] = "this is not a record";
    struct {
        const uint8_t *b;
        size_t n;
        const char *words;
    } cases[] = { { junk, 0, "unreadable" }, { junk, sizeof junk, "unreadable" },
                  { second, n2, "no first record" } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        audit_fx_put_record(f.log, 1, cases[i].b, cases[i].n);
        vfy_detail d;
        vfy_status s = prune_damaged(&f, &d);
        /* vfy_audit_open reads the key records before the pruner runs: the log is not a
         * readable audit log (VFY_E_AUDIT_FORMAT), and nothing is removed */
        cr_expect_eq(s, VFY_E_AUDIT_FORMAT, "case %zu: %s: %s", i, vfy_status_name(s), d.message);
        cr_expect(strstr(d.message, cases[i].words) != NULL, "case %zu: %s", i, d.message);
        cr_expect_eq(audit_fx_sql_int(f.log, "SELECT COUNT(*) FROM audit_records"), 6, "case %zu", i);
    }
    audit_fx_put_record(f.log, 1, first, n1);
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_INTACT, 0, NULL);
    free(first);
    free(second);
    audit_fx_teardown(&f);
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
    audit_fx_setup(&f, "cov2abr");
    vfy_audit_log *log = audit_fx_open_log(&f, f.log, f.a, 64);
    audit_fx_change(log, "one");
    audit_fx_change(log, "two");
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
    audit_fx_teardown(&f);
}

/* ---- verify: a checkpoint row emptied ------------------------------------------------ */

Test(cov2_abr_read, an_emptied_checkpoint_row_is_a_bad_checkpoint)
{
    struct fx f;
    audit_fx_setup(&f, "cov2abr");
    vfy_audit_log *log = audit_fx_open_log(&f, f.log, f.a, 64);
    audit_fx_change(log, "one");
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK, "%s", d.message);
    /* closing checkpointed the last record, 2; a zero-length blob satisfies NOT NULL
     * but holds no checkpoint (SQLite hands it out as a NULL pointer) */
    cr_assert_eq(audit_fx_sql_int(f.log, "SELECT MAX(seq) FROM audit_checkpoints"), 2);
    audit_fx_sql(f.log, "UPDATE audit_checkpoints SET checkpoint = x''");
    vfy_audit_verify_result r = audit_fx_verify(f.log, f.a_pub, NULL);
    audit_fx_expect(&r, VFY_AUDIT_BAD_CHECKPOINT, 2, "is not a valid checkpoint");
    audit_fx_teardown(&f);
}
