/*
 * Help and man page cannot drift apart: every option a command's --help names is in
 * docs/vfy.1, and every option vfy(1) names is in some command's --help (issue 13).
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static const char *const commands[] = { "version", "mrz", "rules", "verify", "trust", "read",
                                        "specimen", "seal", "readers", "kiosk", "audit", "serve" };

/* Each "--word" of `text` (the man page writes \-\- for --), once, into `out`. */
static size_t options_of(const char *text, bool man, char out[][40], size_t cap, size_t n)
{
    const char *dash = man ? "\\-\\-" : "--";
    size_t dl = strlen(dash);
    for (const char *p = strstr(text, dash); p != NULL; p = strstr(p + dl, dash)) {
        const char *q = p + dl;
        char name[40];
        size_t k = 0;
        while ((isalnum((unsigned char)*q) || *q == '-' || (man && *q == '\\' && q[1] == '-')) && k < sizeof name - 1) {
            if (*q == '\\') {
                q++;
                continue;
            }
            name[k++] = *q++;
        }
        name[k] = '\0';
        if (k < 2 || !isalpha((unsigned char)name[0]))
            continue;
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++)
            seen = strcmp(out[i], name) == 0;
        if (!seen && n < cap)
            snprintf(out[n++], 40, "%s", name);
    }
    return n;
}

Test(cli_docs, help_and_man_page_name_the_same_options, .timeout = 60)
{
    char man_path[512];
    repo_path("docs/vfy.1", man_path, sizeof man_path);
    size_t len;
    char *man = (char *)read_file_or_fail(man_path, &len);
    static char help_opts[400][40], man_opts[400][40];
    size_t nh = 0;
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
        char cmd[600], *out;
        snprintf(cmd, sizeof cmd, "%s %s --help 2>&1", vfy_bin(), commands[c]);
        run_capture(cmd, &out);
        nh = options_of(out, false, help_opts, 400, nh);
        free(out);
    }
    char *top;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "%s --help 2>&1", vfy_bin());
    run_capture(cmd, &top);
    nh = options_of(top, false, help_opts, 400, nh);
    free(top);
    size_t nm = options_of(man, true, man_opts, 400, 0);
    cr_assert_gt(nh, 40, "only %zu options in the help texts", nh);
    for (size_t i = 0; i < nh; i++) {
        bool found = false;
        for (size_t j = 0; j < nm && !found; j++)
            found = strcmp(help_opts[i], man_opts[j]) == 0;
        cr_expect(found, "--%s is in a --help but not in vfy(1)", help_opts[i]);
    }
    for (size_t j = 0; j < nm; j++) {
        bool found = false;
        for (size_t i = 0; i < nh && !found; i++)
            found = strcmp(help_opts[i], man_opts[j]) == 0;
        cr_expect(found, "--%s is in vfy(1) but in no command's --help", man_opts[j]);
    }
    free(man);
}
