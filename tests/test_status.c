/* Every status code has a unique stable name and a sentence; layers follow the numbers. */
#include <criterion/criterion.h>
#include <string.h>

#include "verify.h"

static const vfy_status all[] = {
#define ALL_(name, num, text) name,
    VFY_STATUS_LIST(ALL_)
#undef ALL_
};
static const char *const names[] = {
#define NAMES_(name, num, text) #name,
    VFY_STATUS_LIST(NAMES_)
#undef NAMES_
};
#define N (sizeof all / sizeof all[0])

Test(status, every_code_has_name_and_sentence)
{
    for (size_t i = 0; i < N; i++) {
        cr_assert_str_eq(vfy_status_name(all[i]), names[i]);
        const char *s = vfy_strerror(all[i]);
        cr_assert(strlen(s) > 5, "%s has no sentence", names[i]);
        cr_assert_str_neq(s, "unknown status code");
    }
}

Test(status, numbers_are_unique)
{
    for (size_t i = 0; i < N; i++)
        for (size_t j = i + 1; j < N; j++)
            cr_assert_neq(all[i], all[j], "%s and %s share a number", names[i], names[j]);
}

Test(status, unknown_code)
{
    cr_assert_str_eq(vfy_status_name((vfy_status)9999), "VFY_E_UNKNOWN");
    cr_assert_str_eq(vfy_strerror((vfy_status)9999), "unknown status code");
}

Test(status, layers)
{
    cr_assert_eq(vfy_status_layer(VFY_E_TRUNCATED), VFY_LAYER_PARSE);
    cr_assert_eq(vfy_status_layer(VFY_E_MRZ_CHECK_DIGIT), VFY_LAYER_MRZ);
    cr_assert_eq(vfy_status_layer(VFY_E_CARD_REMOVED), VFY_LAYER_READER);
    cr_assert_eq(vfy_status_layer(VFY_E_SM_MAC), VFY_LAYER_CHIP);
    cr_assert_eq(vfy_status_layer(VFY_E_SIGNATURE), VFY_LAYER_AUTHENTICITY);
    cr_assert_eq(vfy_status_layer(VFY_E_DECOMPRESSION_BOMB), VFY_LAYER_SEAL);
    cr_assert_eq(vfy_status_layer(VFY_E_RULES_SIGNATURE), VFY_LAYER_RULES);
}

Test(version, matches_header)
{
    cr_assert_str_eq(vfy_version(), VFY_VERSION_STRING);
    cr_assert_eq(vfy_version_number(), VFY_VERSION_NUMBER);
}

/* docs/errors.md (made by mk/errors-doc.sh) lists every code with its number. */
#include <stdio.h>
#include <stdlib.h>
#include "support.h"

Test(status, documented_in_errors_md)
{
    char path[512];
    repo_path("docs/errors.md", path, sizeof path);
    size_t n;
    uint8_t *doc = read_file_or_fail(path, &n);
    char *text = malloc(n + 1);
    cr_assert_not_null(text);
    memcpy(text, doc, n);
    text[n] = '\0';
    for (size_t i = 0; i < N; i++) {
        char row[96];
        snprintf(row, sizeof row, "| %d | `%s` |", (int)all[i], names[i]);
        cr_assert(strstr(text, row) != NULL, "docs/errors.md lacks %s: run mk/errors-doc.sh", names[i]);
    }
    free(text);
    free(doc);
}
