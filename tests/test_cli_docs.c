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
                                        "specimen", "seal", "readers", "kiosk", "audit" };

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

/* Help and the built man page name the same installed data folder (the Makefile's
 * DATADIR, substituted at build time), never the source tree's data/ (issue 13);
 * `make install-check` checks that every path they name is installed. */
Test(cli_docs, help_and_man_page_name_the_installed_data, .timeout = 60)
{
    char cmd[600], *help;
    snprintf(cmd, sizeof cmd, "%s --help 2>&1", vfy_bin());
    run_capture(cmd, &help);
    const char *csca = strstr(help, "/specimen/csca.pem");
    cr_assert_not_null(csca, "%s", help);
    const char *start = csca;
    while (start > help && start[-1] != ' ')
        start--;
    char folder[256];
    snprintf(folder, sizeof folder, "%.*s", (int)(csca - start), start);
    cr_expect(strstr(folder, "/libverify") != NULL && folder[0] == '/', "%s", folder);
    cr_expect(strstr(help, " data/") == NULL, "help names the source tree's data/: %s", help);
    const char *build = getenv("VFY_BUILD");
    char man_path[512], root[512];
    if (build != NULL)
        snprintf(man_path, sizeof man_path, "%s/vfy.1", build);
    else
        snprintf(man_path, sizeof man_path, "%s/build/vfy.1", repo_path("", root, sizeof root));
    size_t len;
    char *man = (char *)read_file_or_fail(man_path, &len);
    man = realloc(man, len + 1);
    man[len] = '\0';
    cr_expect(strstr(man, "@DATADIR@") == NULL, "a placeholder is left in %s", man_path);
    char want[300];
    snprintf(want, sizeof want, "%s/specimen/csca.pem", folder);
    cr_expect(strstr(man, want) != NULL, "%s does not name %s", man_path, want);
    snprintf(want, sizeof want, "%s/schema/", folder);
    cr_expect(strstr(man, want) != NULL, "%s does not name %s", man_path, want);
    free(man);
    free(help);
}
