/*
 * MRZ issuing-state codes (ICAO 9303-3 §5) to ISO 3166-1 alpha-2, the country of
 * the document signer and CSCA certificates. Besides the ISO 3166-1 alpha-3 codes:
 * "D" (Germany), "UTO" (the ICAO specimen state Utopia, certificates use "UT"), the
 * British nationality codes GBD/GBN/GBO/GBP/GBS (all issued by GB), "RKS" (Kosovo,
 * XK) and "EUE" (European Union laissez-passer, EU).
 */
#include <stdlib.h>
#include <string.h>

#include "verify/verdict.h"

static const struct {
    char alpha3[4];
    char alpha2[3];
} codes[] = {
    { "ABW", "AW" }, { "AFG", "AF" }, { "AGO", "AO" }, { "AIA", "AI" }, { "ALA", "AX" },
    { "ALB", "AL" }, { "AND", "AD" }, { "ARE", "AE" }, { "ARG", "AR" }, { "ARM", "AM" },
    { "ASM", "AS" }, { "ATA", "AQ" }, { "ATF", "TF" }, { "ATG", "AG" }, { "AUS", "AU" },
    { "AUT", "AT" }, { "AZE", "AZ" }, { "BDI", "BI" }, { "BEL", "BE" }, { "BEN", "BJ" },
    { "BES", "BQ" }, { "BFA", "BF" }, { "BGD", "BD" }, { "BGR", "BG" }, { "BHR", "BH" },
    { "BHS", "BS" }, { "BIH", "BA" }, { "BLM", "BL" }, { "BLR", "BY" }, { "BLZ", "BZ" },
    { "BMU", "BM" }, { "BOL", "BO" }, { "BRA", "BR" }, { "BRB", "BB" }, { "BRN", "BN" },
    { "BTN", "BT" }, { "BVT", "BV" }, { "BWA", "BW" }, { "CAF", "CF" }, { "CAN", "CA" },
    { "CCK", "CC" }, { "CHE", "CH" }, { "CHL", "CL" }, { "CHN", "CN" }, { "CIV", "CI" },
    { "CMR", "CM" }, { "COD", "CD" }, { "COG", "CG" }, { "COK", "CK" }, { "COL", "CO" },
    { "COM", "KM" }, { "CPV", "CV" }, { "CRI", "CR" }, { "CUB", "CU" }, { "CUW", "CW" },
    { "CXR", "CX" }, { "CYM", "KY" }, { "CYP", "CY" }, { "CZE", "CZ" }, { "D", "DE" },
    { "DEU", "DE" }, { "DJI", "DJ" }, { "DMA", "DM" }, { "DNK", "DK" }, { "DOM", "DO" },
    { "DZA", "DZ" }, { "ECU", "EC" }, { "EGY", "EG" }, { "ERI", "ER" }, { "ESH", "EH" },
    { "ESP", "ES" }, { "EST", "EE" }, { "ETH", "ET" }, { "EUE", "EU" }, { "FIN", "FI" },
    { "FJI", "FJ" }, { "FLK", "FK" }, { "FRA", "FR" }, { "FRO", "FO" }, { "FSM", "FM" },
    { "GAB", "GA" }, { "GBD", "GB" }, { "GBN", "GB" }, { "GBO", "GB" }, { "GBP", "GB" },
    { "GBR", "GB" }, { "GBS", "GB" }, { "GEO", "GE" }, { "GGY", "GG" }, { "GHA", "GH" },
    { "GIB", "GI" }, { "GIN", "GN" }, { "GLP", "GP" }, { "GMB", "GM" }, { "GNB", "GW" },
    { "GNQ", "GQ" }, { "GRC", "GR" }, { "GRD", "GD" }, { "GRL", "GL" }, { "GTM", "GT" },
    { "GUF", "GF" }, { "GUM", "GU" }, { "GUY", "GY" }, { "HKG", "HK" }, { "HMD", "HM" },
    { "HND", "HN" }, { "HRV", "HR" }, { "HTI", "HT" }, { "HUN", "HU" }, { "IDN", "ID" },
    { "IMN", "IM" }, { "IND", "IN" }, { "IOT", "IO" }, { "IRL", "IE" }, { "IRN", "IR" },
    { "IRQ", "IQ" }, { "ISL", "IS" }, { "ISR", "IL" }, { "ITA", "IT" }, { "JAM", "JM" },
    { "JEY", "JE" }, { "JOR", "JO" }, { "JPN", "JP" }, { "KAZ", "KZ" }, { "KEN", "KE" },
    { "KGZ", "KG" }, { "KHM", "KH" }, { "KIR", "KI" }, { "KNA", "KN" }, { "KOR", "KR" },
    { "KWT", "KW" }, { "LAO", "LA" }, { "LBN", "LB" }, { "LBR", "LR" }, { "LBY", "LY" },
    { "LCA", "LC" }, { "LIE", "LI" }, { "LKA", "LK" }, { "LSO", "LS" }, { "LTU", "LT" },
    { "LUX", "LU" }, { "LVA", "LV" }, { "MAC", "MO" }, { "MAF", "MF" }, { "MAR", "MA" },
    { "MCO", "MC" }, { "MDA", "MD" }, { "MDG", "MG" }, { "MDV", "MV" }, { "MEX", "MX" },
    { "MHL", "MH" }, { "MKD", "MK" }, { "MLI", "ML" }, { "MLT", "MT" }, { "MMR", "MM" },
    { "MNE", "ME" }, { "MNG", "MN" }, { "MNP", "MP" }, { "MOZ", "MZ" }, { "MRT", "MR" },
    { "MSR", "MS" }, { "MTQ", "MQ" }, { "MUS", "MU" }, { "MWI", "MW" }, { "MYS", "MY" },
    { "MYT", "YT" }, { "NAM", "NA" }, { "NCL", "NC" }, { "NER", "NE" }, { "NFK", "NF" },
    { "NGA", "NG" }, { "NIC", "NI" }, { "NIU", "NU" }, { "NLD", "NL" }, { "NOR", "NO" },
    { "NPL", "NP" }, { "NRU", "NR" }, { "NZL", "NZ" }, { "OMN", "OM" }, { "PAK", "PK" },
    { "PAN", "PA" }, { "PCN", "PN" }, { "PER", "PE" }, { "PHL", "PH" }, { "PLW", "PW" },
    { "PNG", "PG" }, { "POL", "PL" }, { "PRI", "PR" }, { "PRK", "KP" }, { "PRT", "PT" },
    { "PRY", "PY" }, { "PSE", "PS" }, { "PYF", "PF" }, { "QAT", "QA" }, { "REU", "RE" },
    { "RKS", "XK" }, { "ROU", "RO" }, { "RUS", "RU" }, { "RWA", "RW" }, { "SAU", "SA" },
    { "SDN", "SD" }, { "SEN", "SN" }, { "SGP", "SG" }, { "SGS", "GS" }, { "SHN", "SH" },
    { "SJM", "SJ" }, { "SLB", "SB" }, { "SLE", "SL" }, { "SLV", "SV" }, { "SMR", "SM" },
    { "SOM", "SO" }, { "SPM", "PM" }, { "SRB", "RS" }, { "SSD", "SS" }, { "STP", "ST" },
    { "SUR", "SR" }, { "SVK", "SK" }, { "SVN", "SI" }, { "SWE", "SE" }, { "SWZ", "SZ" },
    { "SXM", "SX" }, { "SYC", "SC" }, { "SYR", "SY" }, { "TCA", "TC" }, { "TCD", "TD" },
    { "TGO", "TG" }, { "THA", "TH" }, { "TJK", "TJ" }, { "TKL", "TK" }, { "TKM", "TM" },
    { "TLS", "TL" }, { "TON", "TO" }, { "TTO", "TT" }, { "TUN", "TN" }, { "TUR", "TR" },
    { "TUV", "TV" }, { "TWN", "TW" }, { "TZA", "TZ" }, { "UGA", "UG" }, { "UKR", "UA" },
    { "UMI", "UM" }, { "URY", "UY" }, { "USA", "US" }, { "UTO", "UT" }, { "UZB", "UZ" },
    { "VAT", "VA" }, { "VCT", "VC" }, { "VEN", "VE" }, { "VGB", "VG" }, { "VIR", "VI" },
    { "VNM", "VN" }, { "VUT", "VU" }, { "WLF", "WF" }, { "WSM", "WS" }, { "YEM", "YE" },
    { "ZAF", "ZA" }, { "ZMB", "ZM" }, { "ZWE", "ZW" },
};

static int by_alpha3(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char (*)[4])elem);
}

const char *vfy_country_alpha2(const char *mrz_code)
{
    if (mrz_code == NULL)
        return NULL;
    /* MRZ fields pad with '<': "D<<" is "D". */
    char key[4] = { 0 };
    for (size_t i = 0; i < 3 && mrz_code[i] != '\0' && mrz_code[i] != '<'; i++)
        key[i] = mrz_code[i];
    const void *hit = bsearch(key, codes, sizeof codes / sizeof codes[0], sizeof codes[0], by_alpha3);
    return hit != NULL ? ((const char *)hit) + 4 : NULL;
}
