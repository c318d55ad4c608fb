/* vfy audit and the --audit options of vfy read, verify and kiosk, run as an operator
 * and an auditor would, with the log changed by the sqlite3 tool as an attacker would:
 * exit 0 for an intact log, 1 naming the record for every change, 2 for a file that is
 * not a readable log; the inspection is not reported when its record cannot be written;
 * the log holds no personal data of the built-in specimen. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

#define M1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define M2 "L898902C36UTO7408122F3404159ZE184226B<<<<<16"

static char dir[64];
static char csca[512];

static void make_dir(void)
{
    tmpdir_make("cli-audit", dir, sizeof dir);
    repo_path("data/specimen/csca.pem", csca, sizeof csca);
}

static void remove_dir(void)
{
    tmpdir_remove(dir);
}

/* Runs vfy with printf-style arguments; stdout in *out (may be NULL), stderr in
 * DIR/stderr. */
static int vfy(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int vfy(char **out, const char *fmt, ...)
{
    char args[2048], cmd[2300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "cd %s && %s %s 2>stderr", dir, vfy_bin(), args);
    return run_capture(cmd, out);
}

static char *stderr_text(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/stderr", dir);
    size_t n;
    uint8_t *b = read_file_or_fail(path, &n);
    char *t = malloc(n + 1);
    cr_assert_not_null(t);
    memcpy(t, b, n);
    t[n] = '\0';
    free(b);
    return t;
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
    char args[2048], cmd[2300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "cd %s && %s", dir, args);
    cr_assert_eq(system(cmd), 0, "%s", args);
}

/* Keys and a log of `n` live inspections of the built-in specimen via vfy read. */
static void make_log(int n)
{
    cr_assert_eq(vfy(NULL, "audit keygen --out kiosk"), 0);
    cr_assert_eq(vfy(NULL, "audit keygen --lookup --out lookup"), 0);
    for (int i = 0; i < n; i++) {
        char *out;
        int rc = vfy(&out, "read --reader sim --mrz '" M1 "' '" M2 "' --trust %s --audit log.db"
                           " --audit-key kiosk --audit-lookup-key lookup --kiosk-id gate-3",
                     csca);
        cr_assert_eq(rc, 0, "%s", out);
        cr_assert_not_null(strstr(out, "genuine"), "%s", out);
        free(out);
    }
}

static int verify_log(char **out, const char *extra)
{
    return vfy(out, "audit verify --key kiosk.pub log.db %s", extra);
}

static void expect_verify(int want_rc, const char *want_text)
{
    char *out;
    int rc = verify_log(&out, "");
    cr_expect_eq(rc, want_rc, "exit %d, want %d: %s", rc, want_rc, out);
    cr_expect_not_null(strstr(out, want_text), "'%s' not in: %s", want_text, out);
    free(out);
}

TestSuite(audit_cli, .timeout = 60);

Test(audit_cli, keygen_writes_new_0600_files_and_refuses_to_overwrite)
{
    make_dir();
    cr_assert_eq(vfy(NULL, "audit keygen --out kiosk"), 0);
    struct stat st;
    char path[128];
    snprintf(path, sizeof path, "%s/kiosk", dir);
    cr_assert_eq(stat(path, &st), 0);
    cr_expect_eq(st.st_mode & 0777, 0600);
    snprintf(path, sizeof path, "%s/kiosk.pub", dir);
    cr_assert_eq(stat(path, &st), 0);
    cr_expect_eq(vfy(NULL, "audit keygen --out kiosk"), 2);
    char *err = stderr_text();
    cr_expect_not_null(strstr(err, "exists"), "%s", err);
    free(err);
    remove_dir();
}

Test(audit_cli, read_records_and_verify_passes_then_each_sqlite_change_is_named)
{
    make_dir();
    make_log(3);   /* records 1 (open) and 2..4 */
    expect_verify(0, "intact: records 1 to 4");

    sh("cp log.db t.db && sqlite3 t.db \"UPDATE audit_records SET outcome='invalid' WHERE seq=3\"");
    char *out;
    int rc = vfy(&out, "audit verify --key kiosk.pub t.db");
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect_not_null(strstr(out, "NOT INTACT (modified) at record 3"), "%s", out);
    free(out);

    sh("rm -f t.db* && cp log.db t.db && sqlite3 t.db 'DELETE FROM audit_records WHERE seq=2'");
    rc = vfy(&out, "audit verify --key kiosk.pub t.db");
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect_not_null(strstr(out, "(deleted) at record 2"), "%s", out);
    free(out);

    sh("rm -f t.db* && cp log.db t.db && sqlite3 t.db 'UPDATE audit_records SET seq=-1 WHERE seq=2;"
       " UPDATE audit_records SET seq=2 WHERE seq=3; UPDATE audit_records SET seq=3 WHERE seq=-1'");
    rc = vfy(&out, "audit verify --key kiosk.pub t.db");
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect_not_null(strstr(out, "(reordered) at record 2"), "%s", out);
    free(out);

    sh("rm -f t.db* && cp log.db t.db && sqlite3 t.db 'INSERT INTO audit_records SELECT 5, time,"
       " kind, outcome, document_hash, record, hash FROM audit_records WHERE seq=2'");
    rc = vfy(&out, "audit verify --key kiosk.pub t.db --json");
    cr_expect_eq(rc, 1, "%s", out);
    json_t *j = json_parse_or_fail(out);
    cr_expect_str_eq(json_string_value(json_object_get(j, "result")), "inserted");
    cr_expect_eq(json_integer_value(json_object_get(j, "record")), 5);
    json_decref(j);
    free(out);

    /* another kiosk's key */
    cr_assert_eq(vfy(NULL, "audit keygen --out other"), 0);
    rc = vfy(&out, "audit verify --key other.pub log.db");
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect_not_null(strstr(out, "(wrong_key) at record 1"), "%s", out);
    free(out);
    remove_dir();
}

Test(audit_cli, a_truncated_tail_is_found_against_the_printed_checkpoint)
{
    make_dir();
    make_log(3);
    char *cp;
    cr_assert_eq(vfy(&cp, "audit checkpoint log.db"), 0);
    cr_assert_eq(strncmp(cp, "libverify-audit-checkpoint/1 ", 29), 0, "%s", cp);
    free(cp);
    sh("%s audit checkpoint log.db > central.txt", vfy_bin());
    sh("sqlite3 log.db 'DELETE FROM audit_records WHERE seq >= 3; DELETE FROM audit_checkpoints'");
    char *out;
    int rc = verify_log(&out, "--checkpoint central.txt");
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect_not_null(strstr(out, "(truncated) at record 3"), "%s", out);
    free(out);
    /* a checkpoint file that is not one: exit 2 */
    sh("echo hello > bad.txt");
    rc = verify_log(&out, "--checkpoint bad.txt");
    cr_expect_eq(rc, 2, "%s", out);
    free(out);
    remove_dir();
}

Test(audit_cli, corrupted_and_truncated_logs_exit_2_with_a_message)
{
    make_dir();
    make_log(2);
    const char *cases[] = { "head -c 3000 log.db > x.db", "head -c 0 log.db > x.db",
                            "head -c 2000 /dev/urandom > x.db", "echo 'not a database' > x.db",
                            "cp log.db x.db && printf 'XXXXXXXXXXXXXXXX' | dd of=x.db bs=1 seek=0"
                            " conv=notrunc 2>/dev/null" };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sh("rm -f x.db*; %s", cases[i]);
        char *out;
        int rc = vfy(&out, "audit verify --key kiosk.pub x.db");
        cr_expect_eq(rc, 2, "%s: exit %d: %s", cases[i], rc, out);
        free(out);
        char *err = stderr_text();
        cr_expect_not_null(strstr(err, "not a readable libverify audit log"), "%s: %s", cases[i], err);
        cr_expect_null(strstr(err, "Sanitizer"), "%s", err);
        free(err);
    }
    char *out;
    cr_expect_eq(vfy(&out, "audit verify --key kiosk.pub missing.db"), 2);
    free(out);
    cr_expect_eq(vfy(&out, "audit verify --key lookup log.db"), 2, "a lookup key is not a public key");
    free(out);
    remove_dir();
}

Test(audit_cli, show_finds_a_document_only_with_the_lookup_key_and_export_is_json_lines)
{
    make_dir();
    make_log(2);
    char *out;
    cr_assert_eq(vfy(&out, "audit show log.db"), 0);
    cr_expect_not_null(strstr(out, "inspection"), "%s", out);
    cr_expect_not_null(strstr(out, "gate-3"), "%s", out);
    free(out);
    cr_assert_eq(vfy(&out, "audit show log.db --document L898902C3 --lookup-key lookup --json"), 0);
    json_t *j = json_parse_or_fail(out);
    cr_expect_eq(json_array_size(j), 2, "%s", out);
    json_t *rec = json_array_get(j, 0);
    cr_expect_str_eq(json_string_value(json_object_get(rec, "verdict")), "genuine");
    cr_expect_str_eq(json_string_value(json_object_get(rec, "kiosk_id")), "gate-3");
    cr_expect_not_null(json_object_get(rec, "trust_digest"));
    cr_expect_gt(json_array_size(json_object_get(rec, "checks")), 5);
    json_decref(j);
    free(out);
    cr_assert_eq(vfy(&out, "audit show log.db --document X0000000 --lookup-key lookup"), 0);
    cr_expect_not_null(strstr(out, "no records of that document"), "%s", out);
    free(out);
    cr_expect_eq(vfy(NULL, "audit show log.db --document L898902C3"), 2, "no lookup key");
    cr_expect_eq(vfy(NULL, "audit show log.db --since 2026-13-01"), 2);
    cr_assert_eq(vfy(&out, "audit show log.db --since 2999-01-01"), 0);
    cr_expect_not_null(strstr(out, "no records"), "%s", out);
    free(out);
    cr_assert_eq(vfy(&out, "audit export --jsonl log.db"), 0);
    int lines = 0;
    for (char *line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        json_t *o = json_parse_or_fail(line);
        cr_expect_str_eq(json_string_value(json_object_get(o, "schema")), "libverify.audit.record/1");
        cr_expect_eq(json_integer_value(json_object_get(o, "seq")), lines + 1);
        json_decref(o);
        lines++;
    }
    cr_expect_eq(lines, 3);
    free(out);
    /* Every exported line follows the closed schema (python3-jsonschema) ... */
    char root[512];
    repo_path("", root, sizeof root);
    sh("%s audit export --jsonl log.db > export.jsonl", vfy_bin());
    char *err;
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cd %s && python3 %s/tests/tools/validate_json.py %s/docs/schema/audit-record.schema.json"
             " --lines < export.jsonl 2>&1", dir, root, root);
    cr_expect_eq(run_capture(cmd, &err), 0, "%s", err);
    free(err);
    /* ... which admits nothing else: a record with a name in it does not validate. */
    sh("head -n 2 export.jsonl | tail -n 1 | sed 's/^{/{\"surname\":\"ERIKSSON\",/' > named.jsonl");
    snprintf(cmd, sizeof cmd,
             "cd %s && python3 %s/tests/tools/validate_json.py %s/docs/schema/audit-record.schema.json"
             " --lines < named.jsonl 2>&1", dir, root, root);
    cr_expect_eq(run_capture(cmd, &err), 1, "%s", err);
    free(err);
    remove_dir();
}

Test(audit_cli, the_eligibility_decision_is_recorded_with_its_rule_sets_digests)
{
    make_dir();
    cr_assert_eq(vfy(NULL, "audit keygen --out kiosk"), 0);
    char root[512], rules[600], keys[700], kase[700];
    repo_path("", root, sizeof root);
    snprintf(rules, sizeof rules, "%s/data/rules", root);
    snprintf(keys, sizeof keys, "%s/data/rules/keys/DEVELOPMENT-ONLY-rules-signing.pub", root);
    snprintf(kase, sizeof kase, "%s/tests/data/rules/cases/bc-kiosk-no-dates.json", root);
    char *out;
    int rc = vfy(&out, "read --reader sim --mrz '" M1 "' '" M2 "' --trust %s --json --case %s"
                       " --rules %s --rules-trust %s --allow-development-key --audit log.db"
                       " --audit-key kiosk",
                 csca, kase, rules, keys);
    cr_assert_eq(rc, 0, "%s", out);
    json_t *printed = json_parse_or_fail(out);
    free(out);
    json_t *want = json_object_get(json_object_get(printed, "eligibility"), "rulesets");
    cr_assert_gt(json_array_size(want), 0, "the read printed no rule sets");
    expect_verify(0, "intact: records 1 to 2");
    cr_assert_eq(vfy(&out, "audit show log.db --json"), 0);
    json_t *records = json_parse_or_fail(out);
    free(out);
    json_t *got = json_object_get(json_object_get(json_array_get(records, 1), "eligibility"), "rulesets");
    cr_assert_eq(json_array_size(got), json_array_size(want));
    for (size_t i = 0; i < json_array_size(want); i++) {
        json_t *w = json_array_get(want, i), *g = json_array_get(got, i);
        cr_expect_str_eq(json_string_value(json_object_get(g, "id")),
                         json_string_value(json_object_get(w, "id")));
        cr_expect_str_eq(json_string_value(json_object_get(g, "digest")),
                         json_string_value(json_object_get(w, "digest")));
    }
    json_t *fee = json_object_get(json_object_get(json_object_get(json_array_get(records, 1),
                                                                  "eligibility"), "decision"), "fee");
    json_t *printed_fee = json_object_get(json_object_get(json_object_get(printed, "eligibility"),
                                                          "decision"), "fee");
    cr_expect_str_eq(json_string_value(json_object_get(fee, "modality")),
                     json_string_value(json_object_get(printed_fee, "modality")));
    json_decref(records);
    json_decref(printed);
    remove_dir();
}

Test(audit_cli, the_log_holds_no_personal_data_of_the_specimen)
{
    make_dir();
    make_log(2);
    /* also the offline path, with the log left open by nothing: WAL checked too */
    sh("%s specimen --out dump >/dev/null 2>&1", vfy_bin());
    char *out;
    int rc = vfy(&out, "verify dump --trust dump/csca.pem --audit log.db --audit-key kiosk"
                       " --audit-lookup-key lookup");
    cr_expect_eq(rc, 0, "%s", out);
    free(out);
    /* grep every file of the log for the name, MRZ, number and birth date */
    const char *needles[] = { "ERIKSSON", "ANNA<MARIA", "L898902C3", "740812", M1, M2 };
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "cd %s && cat log.db* | grep -a -c -F '%s'", dir, needles[i]);
        char *count;
        run_capture(cmd, &count);
        cr_expect_eq(atoi(count), 0, "the log holds '%s'", needles[i]);
        free(count);
    }
    /* the photo: the face image's first 32 bytes, as hex, are not in the log */
    rc = vfy(&out, "read --reader sim --mrz '" M1 "' '" M2 "' --photo face.jpg");
    cr_assert_eq(rc, 0);
    free(out);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "cd %s && head -c 32 face.jpg | od -An -tx1 | tr -d ' \\n' > face.hex &&"
             " cat log.db* | od -An -tx1 -v | tr -d ' \\n' | grep -c -F -f face.hex", dir);
    char *count;
    run_capture(cmd, &count);
    cr_expect_eq(atoi(count), 0, "the log holds the photo's bytes");
    free(count);
    remove_dir();
}

Test(audit_cli, an_inspection_that_cannot_be_recorded_is_not_reported)
{
    make_dir();
    cr_assert_eq(vfy(NULL, "audit keygen --out kiosk"), 0);
    sh("%s specimen --out dump >/dev/null 2>&1", vfy_bin());
    char *out;
    /* a log in a folder that does not exist */
    int rc = vfy(&out, "verify dump --trust dump/csca.pem --audit nowhere/log.db --audit-key kiosk");
    cr_expect_eq(rc, 4, "%s", out);
    cr_expect_null(strstr(out, "data_authentic"), "reported without a record: %s", out);
    free(out);
    /* the records table dropped under a log that exists: the append fails */
    rc = vfy(&out, "verify dump --trust dump/csca.pem --audit log.db --audit-key kiosk");
    cr_assert_eq(rc, 0, "%s", out);
    free(out);
    sh("sqlite3 log.db 'DROP TABLE audit_records'");
    rc = vfy(&out, "verify dump --trust dump/csca.pem --audit log.db --audit-key kiosk --json");
    cr_expect_neq(rc, 0, "%s", out);
    cr_expect_null(strstr(out, "data_authentic"), "reported without a record: %s", out);
    free(out);
    /* --audit without --audit-key is a usage error */
    cr_expect_eq(vfy(NULL, "verify dump --trust dump/csca.pem --audit log.db"), 2);
    remove_dir();
}

Test(audit_cli, kiosk_records_every_traveller_and_rotation_and_prune_keep_it_verifiable)
{
    make_dir();
    cr_assert_eq(vfy(NULL, "audit keygen --out kiosk"), 0);
    cr_assert_eq(vfy(NULL, "audit keygen --out kiosk2"), 0);
    cr_assert_eq(vfy(NULL, "audit keygen --lookup --out lookup"), 0);
    char *out;
    /* two travellers, one kiosk run each (the simulated chip is never taken away) */
    for (int i = 0; i < 2; i++) {
        int rc = vfy(&out, "kiosk --reader sim --mrz '" M1 "\n" M2 "' --trust %s --count 1"
                           " --wait 10 --json --audit log.db --audit-key kiosk"
                           " --audit-lookup-key lookup", csca);
        cr_expect_eq(rc, 0, "%s", out);
        free(out);
    }
    cr_assert_eq(vfy(&out, "audit rotate log.db --key kiosk --lookup-key lookup --new-key kiosk2"), 0);
    free(out);
    cr_expect_eq(vfy(NULL, "audit change log.db --key kiosk --lookup-key lookup --trust"
                           " --description 'trust store replaced'"),
                 2, "the old key is no longer in force");
    cr_assert_eq(vfy(&out, "audit change log.db --key kiosk2 --lookup-key lookup --rules"
                           " --description 'rule set 2026-12 installed' --digest 00112233"),
                 0);
    free(out);
    expect_verify(0, "1 key rotations");
    cr_assert_eq(vfy(&out, "audit prune log.db --key kiosk2 --lookup-key lookup --before 2999-01-01"), 0);
    cr_expect_not_null(strstr(out, "3 records removed"), "%s", out);
    free(out);
    expect_verify(0, "3 records pruned");
    sh("sqlite3 log.db \"DELETE FROM audit_checkpoints WHERE kind='prune'\"");
    expect_verify(1, "deleted");
    remove_dir();
}
