/*
 * The closed vocabularies of a case (docs/rules.md, "Cases"): the nationality and
 * issuing-state codes of ICAO Doc 9303-3 and the Schengen states a short-stay visa can
 * be applied for.
 *
 * ICAO codes: the one table of libverify/mrz/icao_codes.c (vfy_mrz_code_known): ISO
 * 3166-1 alpha-3 plus the codes 9303-3 adds, and UTO, ICAO's specimen state. Germany's
 * one-letter MRZ code D is written DEU in a case. A code outside that table is an input
 * error (a typo must not silently fall outside every rule's scope).
 *
 * Schengen states: the 29 states that apply the Visa Code (Bulgaria and Romania in full
 * since 1 January 2025, Croatia since 1 January 2023). Not a rule: the rule sets still
 * decide what applies where.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/vocabulary.h"
#include "verify/mrz.h"

static const char schengen_states[][4] = {
    "AUT", "BEL", "BGR", "CHE", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GRC", "HRV", "HUN", "ISL", "ITA", "LIE", "LTU", "LUX", "LVA", "MLT", "NLD", "NOR", "POL", "PRT", "ROU", "SVK", "SVN", "SWE"
};

static int cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The one table of 9303-3 codes is the MRZ parser's; a case writes Germany DEU, never
 * the MRZ's one-letter D, so only three-letter codes count here. */
bool rv_icao_code(const char *code)
{
    return code != NULL && strlen(code) == 3 && vfy_mrz_code_known(code);
}

bool rv_schengen_state(const char *code)
{
    return code != NULL && strlen(code) == 3 &&
           bsearch(code, schengen_states, sizeof schengen_states / sizeof schengen_states[0],
                   sizeof schengen_states[0], cmp) != NULL;
}
