/* The inspection's JSON (vfy_inspection_to_json) against its published schema
 * (docs/schema/inspection.schema.json), validated by an independent validator (Debian's
 * python3-jsonschema), as the library gives it and as vfy read, verify and kiosk print it. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "verify.h"

#define L1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define L2 "L898902C36UTO7408122F3404159ZE184226B<<<<<16"

/* Runs `cmd` and validates its standard output; returns the validator's exit code. */
static int validate_output(const char *cmd, bool lines, int *cmd_rc)
{
    char root[512], tmp[] = "/tmp/vfy-json-XXXXXX", full[4096];
    repo_path("", root, sizeof root);
    int fd = mkstemp(tmp);
    cr_assert_geq(fd, 0);
    close(fd);
    snprintf(full, sizeof full, "cd %s && %s > %s 2>/dev/null", root, cmd, tmp);
    *cmd_rc = run_capture(full, NULL);
    snprintf(full, sizeof full,
             "python3 %s/tests/tools/validate_json.py %s/docs/schema/inspection.schema.json %s < %s",
             root, root, lines ? "--lines" : "", tmp);
    char *err = NULL;
    int rc = run_capture(full, &err);
    if (rc != 0)
        cr_log_error("%s: %s", cmd, err);
    free(err);
    unlink(tmp);
    return rc;
}

Test(inspection_json, read_verify_and_kiosk_follow_the_schema, .timeout = 60)
{
    char cmd[2048];
    int rc;
    snprintf(cmd, sizeof cmd,
             "%s read --reader sim --mrz '" L1 "' '" L2 "' --trust data/specimen/csca.pem --json",
             vfy_bin());
    cr_assert_eq(validate_output(cmd, false, &rc), 0);
    cr_assert_eq(rc, 0);
    snprintf(cmd, sizeof cmd, "%s verify data/embed/specimen --trust data/specimen/csca.pem --json",
             vfy_bin());
    cr_assert_eq(validate_output(cmd, false, &rc), 0);
    cr_assert_eq(rc, 0);
    snprintf(cmd, sizeof cmd, "%s verify data/embed/specimen --json", vfy_bin());
    cr_assert_eq(validate_output(cmd, false, &rc), 0);
    cr_assert_eq(rc, 4);
    snprintf(cmd, sizeof cmd,
             "%s kiosk --reader sim --mrz '" L1 "\n" L2 "' --trust data/specimen/csca.pem "
             "--count 1 --wait 5 --json",
             vfy_bin());
    cr_assert_eq(validate_output(cmd, true, &rc), 0);
    cr_assert_eq(rc, 0);
}

/* The validator is not a rubber stamp: a result with a changed outcome word fails. */
Test(inspection_json, the_schema_rejects_what_it_must, .timeout = 60)
{
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    char dir[512];
    repo_path("data/embed/specimen", dir, sizeof dir);
    cr_assert_eq(vfy_document_load_dir(doc, dir, NULL), VFY_OK);
    vfy_inspection *r;
    cr_assert_eq(vfy_inspect_files(doc, NULL, &r, NULL), VFY_OK);
    char *text = vfy_inspection_to_json(r, VFY_JSON_PRETTY);
    cr_assert_not_null(text);
    json_t *j = json_loads(text, 0, NULL);
    cr_assert_not_null(j);
    cr_assert_str_eq(json_string_value(json_object_get(j, "schema")), "libverify.inspection/1");
    cr_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "unverified");
    cr_assert(json_is_false(json_object_get(j, "live")));
    char root[512], path[] = "/tmp/vfy-json-bad-XXXXXX", cmd[2048];
    repo_path("", root, sizeof root);
    int fd = mkstemp(path);
    json_object_set_new(j, "verdict", json_string("probably_fine"));
    char *bad = json_dumps(j, 0);
    cr_assert_eq(write(fd, bad, strlen(bad)), (ssize_t)strlen(bad));
    close(fd);
    snprintf(cmd, sizeof cmd,
             "python3 %s/tests/tools/validate_json.py %s/docs/schema/inspection.schema.json < %s",
             root, root, path);
    cr_assert_eq(run_capture(cmd, NULL), 1);
    free(bad);
    unlink(path);
    json_decref(j);
    vfy_free(text);
    vfy_inspection_free(r);
    vfy_document_free(doc);
}
