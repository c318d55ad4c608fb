/*
 * Every schema of docs/schema validates real output (issue 13): the ones no other test
 * exercised are here. The error object as the failing commands print it, vfy readers
 * --json, and vfy audit verify --json, each through python3-jsonschema; and each schema
 * refuses a forged object, so a validation can fail. (inspection, mrz, seal, trust,
 * trust-import, trust-status, rules-decision, audit-record, progress-event and the
 * service's schemas are validated where those outputs are tested.)
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define L1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define L2 "L898902C36UTO7408122F3404159ZE184226B<<<<<16"

/* Validates `text` (one JSON document) against docs/schema/NAME; the validator's exit
 * code (0 valid, 1 invalid, 2 not JSON), its message in *why when not NULL. */
static int validate(const char *name, const char *text, char **why)
{
    char root[512], path[] = "/tmp/vfy-schemas-XXXXXX", cmd[2048], *msg;
    repo_path("", root, sizeof root);
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    snprintf(cmd, sizeof cmd, "python3 %s/tests/tools/validate_json.py %s/docs/schema/%s < %s 2>&1",
             root, root, name, path);
    int rc = run_capture(cmd, &msg);
    unlink(path);
    if (why != NULL)
        *why = msg;
    else
        free(msg);
    return rc;
}

/* Runs vfy from the repository's root (the cases name data/ and tests/data/ there). */
static int vfy(const char *args, char **out)
{
    char cmd[2048], root[512];
    repo_path("", root, sizeof root);
    snprintf(cmd, sizeof cmd, "cd '%s' && %s %s 2>/dev/null", root, vfy_bin(), args);
    return run_capture(cmd, out);
}

/* Failures of several commands, as --json prints them: the one error object. */
Test(cli_schemas, every_json_failure_is_the_error_object, .timeout = 60)
{
    static const struct {
        const char *args;
        int exit;
        const char *code;
    } cases[] = {
        { "mrz --json ABC", 2, "VFY_E_MRZ_FORMAT" },
        { "read --reader bogus:x --json --mrz '" L1 "' '" L2 "'", 2, "VFY_E_BAD_CONNECTION" },
        { "read --reader sim:/nonexistent --json --mrz '" L1 "' '" L2 "'", 3, "VFY_E_IO" },
        { "verify /nonexistent --json", 2, "VFY_E_IO" },
        { "seal --json /dev/null", 2, "VFY_E_SEAL_FORMAT" },
        { "audit verify --key /nonexistent /nonexistent --json", 2, "VFY_E_IO" },
        { "trust status /nonexistent --json", 4, "VFY_E_TRUST_STORE" },
        /* configuration that fails before any reader or case is touched */
        { "read --reader sim --trust /nonexistent --json --mrz '" L1 "' '" L2 "'", 4, "VFY_E_TRUST_STORE" },
        { "rules eval --json --rules data/rules/eu-2018-1806.json --case /dev/null", 4, "VFY_E_CONFIG" },
        { "rules eval --json --test-mode --rules /nonexistent.json --case /dev/null", 4, "VFY_E_IO" },
        { "rules eval --json --test-mode --rules data/rules/eu-2018-1806.json --case /nonexistent", 2, "VFY_E_IO" },
        /* a case the engine refuses: the refusal, not a text line on stderr */
        { "rules eval --json --test-mode --rules data/rules/eu-2018-1806.json --case /dev/null", 2, "VFY_E_CASE_PARSE" },
        { "rules eval --json --test-mode --rules data/rules/eu-2018-1806.json --case tests/data/rules/malformed/empty-object.json",
          2, "VFY_E_CASE_INCOMPLETE" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out, *why;
        int rc = vfy(cases[i].args, &out);
        cr_expect_eq(rc, cases[i].exit, "%s: exit %d", cases[i].args, rc);
        json_t *j = json_parse_or_fail(out);
        cr_expect_str_eq(json_string_value(json_object_get(j, "code")), cases[i].code, "%s", cases[i].args);
        json_decref(j);
        cr_expect_eq(validate("error.schema.json", out, &why), 0, "%s: %s", cases[i].args, why);
        free(why);
        free(out);
    }
    /* Not a rubber stamp: without its code, or with a code that is no VFY_E_ name, refused. */
    cr_expect_eq(validate("error.schema.json",
                          "{\"schema\":\"libverify.error/1\",\"status\":200,\"message\":\"x\","
                          "\"field\":null,\"offset\":null}", NULL), 1);
    cr_expect_eq(validate("error.schema.json",
                          "{\"schema\":\"libverify.error/1\",\"status\":200,\"code\":\"E200\","
                          "\"message\":\"x\",\"field\":null,\"offset\":null}", NULL), 1);
}

Test(cli_schemas, readers, .timeout = 60)
{
    char *out, *why;
    int rc = vfy("readers --json", &out);
    /* 0 with a hardware reader, 3 without one: the JSON is the same shape either way. */
    cr_expect(rc == 0 || rc == 3, "exit %d", rc);
    json_t *j = json_parse_or_fail(out);
    cr_expect_str_eq(json_string_value(json_object_get(j, "schema")), "libverify.readers/1");
    cr_expect_geq(json_array_size(json_object_get(j, "readers")), 1); /* the simulated chip */
    json_decref(j);
    cr_expect_eq(validate("readers.schema.json", out, &why), 0, "%s", why);
    free(why);
    free(out);
    cr_expect_eq(validate("readers.schema.json",
                          "{\"schema\":\"libverify.readers/1\",\"readers\":[{\"backend\":\"sim\","
                          "\"connection\":\"\",\"name\":\"x\",\"card_present\":true}],\"backends\":[]}",
                          NULL), 1, "a reader without a connection string is refused");
}

/* A log of one inspection: intact, then one record copied in (inserted); both results
 * follow the schema. */
Test(cli_schemas, audit_verify, .timeout = 60)
{
    char dir[] = "/tmp/vfy-schemas-audit-XXXXXX", csca[512], cmd[2048], *out, *why;
    cr_assert_not_null(mkdtemp(dir));
    repo_path("data/specimen/csca.pem", csca, sizeof csca);
    snprintf(cmd, sizeof cmd, "cd %s && %s audit keygen --out kiosk >/dev/null 2>&1 && %s audit keygen --lookup "
             "--out lookup >/dev/null 2>&1 && %s read --reader sim --mrz '" L1 "' '" L2 "' --trust %s "
             "--audit log.db --audit-key kiosk --audit-lookup-key lookup -q >/dev/null 2>&1",
             dir, vfy_bin(), vfy_bin(), vfy_bin(), csca);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    snprintf(cmd, sizeof cmd, "cd %s && %s audit verify --key kiosk.pub log.db --json 2>/dev/null", dir, vfy_bin());
    cr_expect_eq(run_capture(cmd, &out), 0, "%s", out);
    cr_expect(strstr(out, "\"result\": \"intact\"") != NULL, "%s", out);
    cr_expect_eq(validate("audit-verify.schema.json", out, &why), 0, "%s", why);
    free(why);
    free(out);
    snprintf(cmd, sizeof cmd, "cd %s && sqlite3 log.db 'INSERT INTO audit_records SELECT 5, time, kind, "
             "outcome, document_hash, record, hash FROM audit_records WHERE seq=1' && %s audit verify "
             "--key kiosk.pub log.db --json 2>/dev/null", dir, vfy_bin());
    cr_expect_eq(run_capture(cmd, &out), 1, "%s", out);
    cr_expect(strstr(out, "\"result\": \"inserted\"") != NULL, "%s", out);
    cr_expect_eq(validate("audit-verify.schema.json", out, &why), 0, "%s", why);
    free(why);
    free(out);
    cr_expect_eq(validate("audit-verify.schema.json",
                          "{\"schema\":\"libverify.audit-verify/1\",\"log\":\"l\",\"result\":\"intact\","
                          "\"records\":1,\"first\":1,\"last\":1,\"checkpoints\":1,\"pruned\":0,"
                          "\"record\":1,\"message\":\"m\"}", NULL), 1,
                 "an intact log names no broken record");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}
