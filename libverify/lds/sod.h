/*
 * Internal: EF.SOD (9303-10 §4.6.2) opened for Passive Authentication: the CMS
 * SignedData decoded by OpenSSL and the LDSSecurityObject it signs, parsed through
 * the cursor. Accepted eContentTypes: id-icao-mrtd-security-ldsSecurityObject
 * (2.23.136.1.1.1), the legacy 1.3.27.1.1.1 and 1.2.528.1.1006.1.20.1, and id-data.
 * BER indefinite lengths are accepted (NZ, US).
 */
#ifndef VFY_LDS_SOD_H
#define VFY_LDS_SOD_H

#include <openssl/cms.h>

#include "lds/der.h"

typedef struct lds_sod {
    CMS_ContentInfo *cms;
    vfy_lds_sod info;
    const digest_alg *digest;   /* the data-group hash algorithm */
    bool legacy_content_type;   /* eContentType was not 2.23.136.1.1.1 */
    bool indefinite_lengths;    /* the file uses BER indefinite lengths */
} lds_sod;

VFY_NODISCARD vfy_status lds_sod_open(const uint8_t *data, size_t len, lds_sod *out,
                                      vfy_detail *detail);
void lds_sod_close(lds_sod *sod);

/* The hash the SOD lists for data group dg, or NULL. */
const uint8_t *lds_sod_hash(const lds_sod *sod, unsigned dg, size_t *len);

#endif
