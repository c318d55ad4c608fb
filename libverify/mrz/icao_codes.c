/*
 * The three-letter codes of ICAO Doc 9303-3 section 5 that may stand in an MRZ for the
 * issuing State or organization and for the holder's nationality: the one table the
 * library keeps of them. The MRZ parser reports a code outside it (9303-4 to -7 make
 * the 9303-3 codes mandatory in the MRZ), and the rule engine's case vocabulary
 * (libverify/rules/vocabulary.c) asks the same table.
 *
 * Sources: the ISO 3166-1 alpha-3 codes (Debian iso-codes 4.15, the 249 codes of
 * iso_3166-1.json), which 9303-3 adopts, plus the codes 9303-3 section 5 adds (8th
 * edition, 2021, as listed by the UK Home Office design system and the JMRTD project):
 * Germany's one-letter D; the British nationality classes GBD, GBN, GBO, GBP, GBS;
 * Kosovo RKS; EUE (reserved by the ISO 3166 maintenance agency); the United Nations
 * codes UNO, UNA, UNK; the other issuing organizations XBA, XCC, XCE, XCO, XDC, XEC,
 * XES, XIM, XMP, XOM, XPO; the persons without a stated nationality XXA, XXB, XXC, XXX;
 * the codes withdrawn from ISO 3166 that documents may still carry, ANT and NTZ; and
 * UTO, the fictitious Utopia of every ICAO specimen. IAO (ICAO itself, used only to sign
 * master lists) names no document holder or issuer and is left out.
 */
#include <stdlib.h>
#include <string.h>

#include "verify/mrz.h"

/* ISO 3166-1 alpha-3, sorted (bsearch). */
static const char iso_codes[][4] = {
    "ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA", "ATF",
    "ATG", "AUS", "AUT", "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR", "BHR", "BHS",
    "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL", "BRA", "BRB", "BRN", "BTN", "BVT", "BWA", "CAF",
    "CAN", "CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG", "COK", "COL", "COM", "CPV",
    "CRI", "CUB", "CUW", "CXR", "CYM", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM", "DZA",
    "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH", "FIN", "FJI", "FLK", "FRA", "FRO", "FSM",
    "GAB", "GBR", "GEO", "GGY", "GHA", "GIB", "GIN", "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD",
    "GRL", "GTM", "GUF", "GUM", "GUY", "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN", "IMN",
    "IND", "IOT", "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA", "JAM", "JEY", "JOR", "JPN", "KAZ",
    "KEN", "KGZ", "KHM", "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY", "LCA", "LIE",
    "LKA", "LSO", "LTU", "LUX", "LVA", "MAC", "MAF", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX",
    "MHL", "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP", "MOZ", "MRT", "MSR", "MTQ", "MUS",
    "MWI", "MYS", "MYT", "NAM", "NCL", "NER", "NFK", "NGA", "NIC", "NIU", "NLD", "NOR", "NPL",
    "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER", "PHL", "PLW", "PNG", "POL", "PRI", "PRK",
    "PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS", "RWA", "SAU", "SDN", "SEN", "SGP",
    "SGS", "SHN", "SJM", "SLB", "SLE", "SLV", "SMR", "SOM", "SPM", "SRB", "SSD", "STP", "SUR",
    "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC", "SYR", "TCA", "TCD", "TGO", "THA", "TJK", "TKL",
    "TKM", "TLS", "TON", "TTO", "TUN", "TUR", "TUV", "TWN", "TZA", "UGA", "UKR", "UMI", "URY",
    "USA", "UZB", "VAT", "VCT", "VEN", "VGB", "VIR", "VNM", "VUT", "WLF", "WSM", "YEM", "ZAF",
    "ZMB", "ZWE",
};

/* 9303-3's own codes, sorted (bsearch), with what each means for display. */
static const struct icao_code {
    char code[4];
    const char *meaning;
} icao_codes[] = {
    { "ANT", "Netherlands Antilles (code withdrawn from ISO 3166, still on older documents)" },
    { "D", "Germany (one-letter code)" },
    { "EUE", "European Union" },
    { "GBD", "British Overseas Territories citizen" },
    { "GBN", "British National (Overseas)" },
    { "GBO", "British Overseas citizen" },
    { "GBP", "British protected person" },
    { "GBS", "British subject" },
    { "NTZ", "Neutral Zone (code withdrawn from ISO 3166, still on older documents)" },
    { "RKS", "Kosovo" },
    { "UNA", "a specialized agency of the United Nations or one of its officials" },
    { "UNK", "resident of Kosovo with a document issued by the UN mission (UNMIK)" },
    { "UNO", "United Nations Organization or one of its officials" },
    { "UTO", "Utopia, the fictitious state of ICAO specimens (not an issued document)" },
    { "XBA", "African Development Bank" },
    { "XCC", "Caribbean Community (CARICOM) or one of its emissaries" },
    { "XCE", "Council of Europe" },
    { "XCO", "Common Market for Eastern and Southern Africa (COMESA)" },
    { "XDC", "Southern African Development Community" },
    { "XEC", "Economic Community of West African States (ECOWAS)" },
    { "XES", "Organisation of Eastern Caribbean States" },
    { "XIM", "African Export-Import Bank" },
    { "XMP", "Parliamentary Assembly of the Mediterranean" },
    { "XOM", "Sovereign Military Order of Malta or one of its emissaries" },
    { "XPO", "International Criminal Police Organization (INTERPOL)" },
    { "XXA", "stateless person (1954 Convention)" },
    { "XXB", "refugee (1951 Convention)" },
    { "XXC", "refugee (other than under the 1951 Convention)" },
    { "XXX", "person of unspecified nationality" },
};

static int cmp_iso(const void *key, const void *entry)
{
    return strcmp(key, entry);
}

static int cmp_icao(const void *key, const void *entry)
{
    return strcmp(key, ((const struct icao_code *)entry)->code);
}

static const struct icao_code *icao_extension(const char *code)
{
    return bsearch(code, icao_codes, sizeof icao_codes / sizeof icao_codes[0],
                   sizeof icao_codes[0], cmp_icao);
}

bool vfy_mrz_code_known(const char *code)
{
    if (code == NULL || strnlen(code, 4) > 3)
        return false;
    return bsearch(code, iso_codes, sizeof iso_codes / sizeof iso_codes[0], sizeof iso_codes[0],
                   cmp_iso) != NULL ||
           icao_extension(code) != NULL;
}

const char *vfy_mrz_code_description(const char *code)
{
    if (code == NULL || strnlen(code, 4) > 3)
        return NULL;
    const struct icao_code *c = icao_extension(code);
    return c != NULL ? c->meaning : NULL;
}
