/*
 * The closed vocabularies of a case (docs/rules.md, "Cases"): the nationality and
 * issuing-state codes of ICAO Doc 9303-3 and the Schengen states a short-stay visa can
 * be applied for.
 *
 * ICAO codes: the ISO 3166-1 alpha-3 codes (Debian iso-codes 4.15, the 249 codes of
 * iso_3166-1.json) plus the 9303-3 extensions named in shared/domain/visa-lists.md
 * section 1.7 and libverify/mrz/mrz_codes.c: EUE, GBD, GBN, GBO, GBP, GBS, RKS, UNA,
 * UNK, UNO, XXA, XXB, XXC, XXX, and UTO, ICAO's specimen state. Germany's one-letter
 * MRZ code D is written DEU in a case. A code outside this table is an input error
 * (a typo must not silently fall outside every rule's scope).
 *
 * Schengen states: the 29 states that apply the Visa Code (Bulgaria and Romania in full
 * since 1 January 2025, Croatia since 1 January 2023). Not a rule: the rule sets still
 * decide what applies where.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/vocabulary.h"

static const char icao_codes[][4] = {
    "ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA", "ATF",
    "ATG", "AUS", "AUT", "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR", "BHR", "BHS",
    "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL", "BRA", "BRB", "BRN", "BTN", "BVT", "BWA", "CAF",
    "CAN", "CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG", "COK", "COL", "COM", "CPV",
    "CRI", "CUB", "CUW", "CXR", "CYM", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM", "DZA",
    "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH", "EUE", "FIN", "FJI", "FLK", "FRA", "FRO",
    "FSM", "GAB", "GBD", "GBN", "GBO", "GBP", "GBR", "GBS", "GEO", "GGY", "GHA", "GIB", "GIN",
    "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD", "GRL", "GTM", "GUF", "GUM", "GUY", "HKG", "HMD",
    "HND", "HRV", "HTI", "HUN", "IDN", "IMN", "IND", "IOT", "IRL", "IRN", "IRQ", "ISL", "ISR",
    "ITA", "JAM", "JEY", "JOR", "JPN", "KAZ", "KEN", "KGZ", "KHM", "KIR", "KNA", "KOR", "KWT",
    "LAO", "LBN", "LBR", "LBY", "LCA", "LIE", "LKA", "LSO", "LTU", "LUX", "LVA", "MAC", "MAF",
    "MAR", "MCO", "MDA", "MDG", "MDV", "MEX", "MHL", "MKD", "MLI", "MLT", "MMR", "MNE", "MNG",
    "MNP", "MOZ", "MRT", "MSR", "MTQ", "MUS", "MWI", "MYS", "MYT", "NAM", "NCL", "NER", "NFK",
    "NGA", "NIC", "NIU", "NLD", "NOR", "NPL", "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER",
    "PHL", "PLW", "PNG", "POL", "PRI", "PRK", "PRT", "PRY", "PSE", "PYF", "QAT", "REU", "RKS",
    "ROU", "RUS", "RWA", "SAU", "SDN", "SEN", "SGP", "SGS", "SHN", "SJM", "SLB", "SLE", "SLV",
    "SMR", "SOM", "SPM", "SRB", "SSD", "STP", "SUR", "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC",
    "SYR", "TCA", "TCD", "TGO", "THA", "TJK", "TKL", "TKM", "TLS", "TON", "TTO", "TUN", "TUR",
    "TUV", "TWN", "TZA", "UGA", "UKR", "UMI", "UNA", "UNK", "UNO", "URY", "USA", "UTO", "UZB",
    "VAT", "VCT", "VEN", "VGB", "VIR", "VNM", "VUT", "WLF", "WSM", "XXA", "XXB", "XXC", "XXX",
    "YEM", "ZAF", "ZMB", "ZWE",
};

static const char schengen_states[][4] = {
    "AUT", "BEL", "BGR", "CHE", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GRC", "HRV", "HUN", "ISL", "ITA", "LIE", "LTU", "LUX", "LVA", "MLT", "NLD", "NOR", "POL", "PRT", "ROU", "SVK", "SVN", "SWE"
};

static int cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

bool rv_icao_code(const char *code)
{
    return code != NULL && strlen(code) == 3 &&
           bsearch(code, icao_codes, sizeof icao_codes / sizeof icao_codes[0], sizeof icao_codes[0], cmp) != NULL;
}

bool rv_schengen_state(const char *code)
{
    return code != NULL && strlen(code) == 3 &&
           bsearch(code, schengen_states, sizeof schengen_states / sizeof schengen_states[0],
                   sizeof schengen_states[0], cmp) != NULL;
}
