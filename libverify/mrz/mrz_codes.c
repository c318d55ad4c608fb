/*
 * The codes of 9303-3 section 5 that name no state: they pass the well-formedness
 * check like any other three-letter code, and this table lets a caller say what
 * they mean. Country lists are a non-goal: UTO, ICAO's fictitious state, must pass.
 */
#include <string.h>

#include "verify/mrz.h"

static const struct {
    const char *code, *meaning;
} special_codes[] = {
    { "D", "Germany (one-letter code)" },
    { "EUE", "European Union" },
    { "UNO", "United Nations Organization or one of its officials" },
    { "UNA", "a specialized agency of the United Nations or one of its officials" },
    { "UNK", "resident of Kosovo with a document issued by the UN mission (UNMIK)" },
    { "XXA", "stateless person (1954 Convention)" },
    { "XXB", "refugee (1951 Convention)" },
    { "XXC", "refugee (other than under the 1951 Convention)" },
    { "XXX", "person of unspecified nationality" },
};

const char *vfy_mrz_code_description(const char *code)
{
    if (code == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof special_codes / sizeof special_codes[0]; i++)
        if (strcmp(code, special_codes[i].code) == 0)
            return special_codes[i].meaning;
    return NULL;
}
