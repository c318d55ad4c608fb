/* Properties of the release build that an integrator relies on: only the public API is
 * exported, and the binaries are hardened (PIE, full RELRO, stack protector, NX stack). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static const char *build_dir(void)
{
    const char *b = getenv("VFY_BUILD");
    return b != NULL ? b : "build";
}

Test(build, shared_library_exports_only_the_public_api)
{
    char lib[512], cmd[1024];
    snprintf(lib, sizeof lib, "%s/lib/libverify.so", build_dir());
    if (access(lib, R_OK) != 0)
        cr_skip_test("%s not built", lib);
    snprintf(cmd, sizeof cmd, "nm -D --defined-only %s | awk '$2 ~ /[TDBR]/ {print $3}'", lib);
    char *out;
    cr_assert_eq(run_capture(cmd, &out), 0);
    int count = 0;
    for (char *line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (line[0] == '_' || strcmp(line, "") == 0)
            continue; /* _init, _fini, __bss_start ... */
        cr_assert(strncmp(line, "vfy_", 4) == 0, "exported symbol %s is not public API", line);
        count++;
    }
    cr_assert_gt(count, 10);
    free(out);
    snprintf(cmd, sizeof cmd, "readelf -d %s | grep -c 'SONAME.*libverify.so.0'", lib);
    cr_assert_eq(run_capture(cmd, NULL), 0, "versioned soname libverify.so.0");
}

Test(build, cli_is_hardened)
{
    char bin[512], cmd[1024];
    snprintf(bin, sizeof bin, "%s/bin/vfy", build_dir());
    if (access(bin, X_OK) != 0)
        cr_skip_test("%s not built", bin);
    snprintf(cmd, sizeof cmd, "readelf -h %s | grep -q 'DYN'", bin);
    cr_assert_eq(run_capture(cmd, NULL), 0, "PIE");
    snprintf(cmd, sizeof cmd, "readelf -l %s | grep -q GNU_RELRO", bin);
    cr_assert_eq(run_capture(cmd, NULL), 0, "RELRO");
    snprintf(cmd, sizeof cmd, "readelf -d %s | grep -q 'FLAGS.*BIND_NOW'", bin);
    cr_assert_eq(run_capture(cmd, NULL), 0, "full RELRO (BIND_NOW)");
    snprintf(cmd, sizeof cmd, "readelf -lW %s | grep GNU_STACK | grep -qv RWE", bin);
    cr_assert_eq(run_capture(cmd, NULL), 0, "non-executable stack");
    snprintf(cmd, sizeof cmd, "nm %s | grep -q __stack_chk_fail", bin);
    cr_assert_eq(run_capture(cmd, NULL), 0, "stack protector");
}

/* A front end prints what the library decided: nothing in cli/ or examples/ reaches the
 * internal functions that set checks or combine them into a verdict. */
Test(build, front_ends_do_not_decide)
{
    char root[512], cmd[1024];
    repo_path("", root, sizeof root);
    snprintf(cmd, sizeof cmd,
             "cd %s && grep -rlE 'verdict_internal|inspect_internal|vfy_verify_document|"
             "vfy_verdict_finish|vfy_verdict_set_check|vfy_session_authenticate' cli examples",
             root);
    char *out = NULL;
    int rc = run_capture(cmd, &out);
    cr_assert_eq(rc, 1, "front ends that decide a verdict themselves:\n%s", out);
    free(out);
}
