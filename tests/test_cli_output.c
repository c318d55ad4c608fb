/*
 * -q and -v on every command, and --progress of vfy read (issue 13): what quiet leaves
 * (the verdict and the errors), what verbose adds (every file read), the terminal line
 * rewritten in place, and the JSON events against docs/schema/progress-event.schema.json.
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
#define READ "read --reader sim --mrz '" L1 "' '" L2 "'"
#define CARD_Q "'Q<UTOD231458907<<<<<<<<<<<<<<<' '7408122F1204159UTO<<<<<<<<<<<6' " \
               "'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'"

/* Runs `vfy ARGS` with standard error in a file; both outputs returned. */
static int vfy2(const char *args, char **out, char **err)
{
    char path[] = "/tmp/vfy-output-err-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s 2>%s", vfy_bin(), args, path);
    int rc = run_capture(cmd, out);
    snprintf(cmd, sizeof cmd, "cat %s", path);
    run_capture(cmd, err);
    unlink(path);
    return rc;
}

static char *trust_arg(void)
{
    static char arg[600];
    char p[512];
    repo_path("data/specimen/csca.pem", p, sizeof p);
    snprintf(arg, sizeof arg, "--trust %s", p);
    return arg;
}

Test(cli_quiet, verdict_and_errors_only, .timeout = 60)
{
    char *out, *err, args[1024];
    cr_expect_eq(vfy2("mrz -q '" L1 "' '" L2 "'", &out, &err), 0);
    cr_expect_str_eq(out, "valid\n");
    free(out), free(err);
    /* A finding is an error: it stays, with its code. */
    cr_expect_eq(vfy2("mrz --quiet " CARD_Q, &out, &err), 1);
    cr_expect_eq(strncmp(out, "invalid\nerror: document_code (line 1, column 1, VFY_E_MRZ_DOCUMENT_CODE)", 72), 0, "%s", out);
    cr_expect_eq(strchr(strchr(out, '\n') + 1, '\n')[1], '\0', "one finding, one line: %s", out);
    free(out), free(err);
    /* read: one verdict line, nothing on stderr; -q may stand anywhere. */
    snprintf(args, sizeof args, "-q " READ " %s", trust_arg());
    cr_expect_eq(vfy2(args, &out, &err), 0);
    cr_expect_str_eq(out, "verdict: genuine\n");
    cr_expect_str_eq(err, "");
    free(out), free(err);
    /* A command without a verdict line answers through its exit code ... */
    snprintf(args, sizeof args, "trust show -q %s", trust_arg() + 8);
    cr_expect_eq(vfy2(args, &out, &err), 0);
    cr_expect_str_eq(out, "");
    free(out), free(err);
    /* ... but --json is a result and --help was asked for: both are printed. */
    snprintf(args, sizeof args, "trust show -q --json %s", trust_arg() + 8);
    cr_expect_eq(vfy2(args, &out, &err), 0);
    json_t *j = json_parse_or_fail(out);
    cr_expect_str_eq(json_string_value(json_object_get(j, "schema")), "libverify.trust/1");
    json_decref(j);
    free(out), free(err);
    cr_expect_eq(vfy2("trust --help -q", &out, &err), 0);
    cr_expect(strstr(out, "--quiet") != NULL, "%s", out);
    free(out), free(err);
    /* Errors are never silenced. */
    cr_expect_eq(vfy2("-q read --reader sim:/nonexistent --mrz '" L1 "' '" L2 "'", &out, &err), 3);
    cr_expect(strstr(err, "/nonexistent") != NULL, "%s", err);
    free(out), free(err);
}

Test(cli_quiet, quiet_and_verbose_contradict, .timeout = 60)
{
    char *out, *err;
    cr_expect_eq(vfy2("mrz -q -v '" L1 "' '" L2 "'", &out, &err), 2);
    cr_expect_str_eq(out, "");
    cr_expect(strstr(err, "-q and -v") != NULL, "%s", err);
    free(out), free(err);
}

Test(cli_verbose, every_file_read_and_the_lines_parsed, .timeout = 60)
{
    char *out, *err, args[1024];
    snprintf(args, sizeof args, READ " -v %s", trust_arg());
    cr_expect_eq(vfy2(args, &out, &err), 0);
    static const char *const files[] = { "EF.CardAccess, 22 bytes", "EF.COM", "EF.SOD", "DG1, 93 bytes", "DG2", "DG15" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        cr_expect(strstr(err, files[i]) != NULL, "no line for %s: %s", files[i], err);
    cr_expect(strstr(out, "verdict: genuine") != NULL);
    free(out), free(err);
    cr_expect_eq(vfy2("mrz --verbose '" L1 "' '" L2 "'", &out, &err), 0);
    cr_expect_eq(strncmp(out, "Line 1            " L1 "\nLine 2            " L2 "\n", 18 + 44 + 1 + 18 + 44 + 1), 0, "%s", out);
    free(out), free(err);
    /* vfy verify -v: each file the dump folder held. */
    char dir[] = "/tmp/vfy-output-spec-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    snprintf(args, sizeof args, "specimen --out %s/p", dir);
    cr_assert_eq(vfy2(args, &out, &err), 0, "%s", err);
    free(out), free(err);
    snprintf(args, sizeof args, "verify %s/p --trust %s/p/csca.pem -v", dir, dir);
    cr_expect_eq(vfy2(args, &out, &err), 0, "%s", err);
    cr_expect(strstr(err, "vfy verify: loaded EF.SOD") != NULL && strstr(err, "vfy verify: loaded DG1, 93 bytes") != NULL,
              "%s", err);
    free(out), free(err);
    snprintf(args, sizeof args, "verify %s/p --trust %s/p/csca.pem", dir, dir);
    cr_expect_eq(vfy2(args, &out, &err), 0, "%s", err);
    cr_expect(strstr(err, "loaded") == NULL, "%s", err);
    free(out), free(err);
    char rm[128];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    cr_assert_eq(system(rm), 0);
    /* Without -v, no line per file. */
    cr_expect_eq(vfy2(READ, &out, &err), 0);
    cr_expect(strstr(err, "DG2") == NULL, "%s", err);
    free(out), free(err);
}

Test(cli_progress, json_events_follow_the_schema, .timeout = 60)
{
    char *out, *err, root[512], path[] = "/tmp/vfy-progress-XXXXXX", cmd[2048], *verr;
    cr_expect_eq(vfy2(READ " --json --progress=json", &out, &err), 0);
    json_t *result = json_parse_or_fail(out);
    cr_expect_str_eq(json_string_value(json_object_get(result, "schema")), "libverify.inspection/1");
    json_decref(result);
    /* Every line an event; DG2 among them; the last one "done". */
    size_t lines = 0;
    const char *last = NULL;
    for (char *p = err; *p != '\0'; p = strchr(p, '\n') + 1) {
        cr_assert(strchr(p, '\n') != NULL);
        last = p;
        lines++;
    }
    cr_expect_geq(lines, 9);
    cr_expect(strstr(err, "\"file\":\"DG2\"") != NULL, "%s", err);
    cr_expect(strstr(err, "\"percent\":100") != NULL, "%s", err);
    cr_assert_not_null(last);
    cr_expect_eq(strncmp(last, "{\"schema\":\"libverify.progress/1\",\"event\":\"done\"}", 48), 0, "%s", last);
    repo_path("", root, sizeof root);
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, err, strlen(err)), (ssize_t)strlen(err));
    close(fd);
    snprintf(cmd, sizeof cmd, "python3 %s/tests/tools/validate_json.py %s/docs/schema/progress-event.schema.json --lines < %s 2>&1",
             root, root, path);
    cr_expect_eq(run_capture(cmd, &verr), 0, "%s", verr);
    free(verr);
    /* The schema is not a rubber stamp: a file event without its percentage is refused. */
    snprintf(cmd, sizeof cmd, "echo '{\"schema\":\"libverify.progress/1\",\"event\":\"file\",\"file\":\"DG1\"}' | "
             "python3 %s/tests/tools/validate_json.py %s/docs/schema/progress-event.schema.json 2>&1", root, root);
    cr_expect_eq(run_capture(cmd, &verr), 1, "%s", verr);
    free(verr);
    unlink(path);
    free(out), free(err);

    /* A read that fails ends with "failed", and the error follows. */
    cr_expect_eq(vfy2("read --reader sim:/nonexistent --mrz '" L1 "' '" L2 "' --progress=json", &out, &err), 3);
    cr_expect_eq(strncmp(err, "{\"schema\":\"libverify.progress/1\",\"event\":\"failed\"}\n", 51), 0, "%s", err);
    free(out), free(err);
    cr_expect_eq(vfy2(READ " --progress=lots", &out, &err), 2);
    cr_expect(strstr(err, "'bar'") != NULL, "%s", err);
    free(out), free(err);
}

Test(cli_progress, one_line_rewritten_on_a_terminal_none_elsewhere, .timeout = 60)
{
    char *out, *err, cmd[2048];
    /* stderr a file: no bar. */
    cr_expect_eq(vfy2(READ " --progress", &out, &err), 0);
    cr_expect_str_eq(err, "");
    free(out), free(err);
    /* stderr a terminal (script(1) gives the command a pseudo-terminal). */
    if (access("/usr/bin/script", X_OK) != 0)
        cr_skip_test("script(1) (bsdutils) is not installed");
    snprintf(cmd, sizeof cmd, "script -qec \"%s %s --progress >/dev/null\" /dev/null", vfy_bin(), READ);
    int rc = run_capture(cmd, &out);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "\rvfy read: DG2") != NULL, "%s", out);
    cr_expect(strstr(out, "100%") != NULL, "%s", out);
    /* Rewritten, not scrolled: no newline between updates, the line cleared at the end. */
    cr_expect(strstr(out, "vfy read: DG1") < strstr(out, "vfy read: DG2"));
    const char *nl = strchr(out, '\n');
    cr_expect(nl == NULL || nl > strstr(out, "vfy read: DG15"), "%s", out);
    size_t n = strlen(out);
    cr_expect(n >= 4 && strstr(out + n - 6, "\r\033[K") != NULL, "the line is cleared at the end");
    free(out);
}

/* The kiosk shows each traveller's read the same way: its events follow the schema and
 * each traveller's read ends with "done". */
Test(cli_progress, kiosk_events_per_traveller, .timeout = 60)
{
    char *out, *err, root[512], path[] = "/tmp/vfy-kiosk-progress-XXXXXX", cmd[2048], *verr;
    cr_expect_eq(vfy2("kiosk --reader sim --mrz '" L1 "' '" L2 "' --count 1 --progress=json", &out, &err), 0);
    cr_expect(strstr(err, "\"file\":\"DG2\"") != NULL, "%s", err);
    cr_expect(strstr(err, "{\"schema\":\"libverify.progress/1\",\"event\":\"done\"}\n") != NULL, "%s", err);
    repo_path("", root, sizeof root);
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, err, strlen(err)), (ssize_t)strlen(err));
    close(fd);
    /* Only the JSON lines: the kiosk's prompts to the traveller are not events. */
    snprintf(cmd, sizeof cmd, "grep '^{' %s | python3 %s/tests/tools/validate_json.py "
             "%s/docs/schema/progress-event.schema.json --lines 2>&1", path, root, root);
    cr_expect_eq(run_capture(cmd, &verr), 0, "%s", verr);
    free(verr);
    unlink(path);
    free(out), free(err);
}
