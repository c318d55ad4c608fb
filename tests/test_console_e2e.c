/* The officer console in a real browser (issue 15): Debian's chromium, headless,
 * driven through the DevTools protocol by tests/tools/console_e2e.py against a running
 * vfy serve on sim:DIR?present=FILE. The specimen shows GENUINE in green with its photo
 * after a visible reading phase; a clone (one byte of the face changed) shows INVALID in
 * red with its failing checks listed; removing the document clears the screen.
 * Screenshots of each state are kept under $VFY_BUILD/console-e2e/. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

Test(console_e2e, specimen_clone_and_removal_in_chromium, .timeout = 60)
{
    if (access("/usr/bin/chromium", X_OK) != 0)
        cr_skip_test("chromium is not installed (Debian chromium; make deps)");
    if (system("/usr/bin/python3 -c 'import websocket' 2>/dev/null") != 0)
        cr_skip_test("python3-websocket is not installed (make deps)");
    char work[64];
    tmpdir_make("console", work, sizeof work);
    const char *build = getenv("VFY_BUILD") != NULL ? getenv("VFY_BUILD") : "build";
    char script[PATH_MAX], console[PATH_MAX], cmd[5 * PATH_MAX];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 %s --vfy %s --console %s --work %s --shots %s/console-e2e 2>&1",
             repo_path("tests/tools/console_e2e.py", script, sizeof script), vfy_bin(),
             repo_path("data/console", console, sizeof console), work, build);
    char *out = NULL;
    int rc = run_capture(cmd, &out);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, " 0 failed") != NULL, "%s", out);
    free(out);
    tmpdir_remove(work);
}
