/*
 * Internal: the specimen generator's in-memory result, and the faults tests inject to
 * make each negative path of Passive Authentication (an expired DS, a DS that may not
 * sign, a SOD signed by another key, a digest that disagrees with the signature).
 */
#ifndef VFY_SPECIMEN_INTERNAL_H
#define VFY_SPECIMEN_INTERNAL_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "verify/document.h"
#include "verify/specimen.h"

typedef struct specimen_faults {
    long ds_not_before_days;      /* relative to now; 0 and 0 mean -1 and +3650 */
    long ds_not_after_days;
    bool ds_without_sign_usage;   /* key usage keyCertSign only */
    bool sod_signed_by_stranger;  /* the SOD carries the DS but another key signs */
    bool sod_digest_mismatch;     /* signatureAlgorithm names SHA-1, digestAlgorithm not */
} specimen_faults;

typedef struct specimen {
    vfy_document *doc;
    X509 *csca, *ds;
    EVP_PKEY *csca_key, *ds_key, *aa_key, *ca_key; /* aa_key / ca_key NULL when none */
} specimen;

VFY_NODISCARD vfy_status specimen_build(const vfy_specimen_options *options,
                                        const specimen_faults *faults, specimen *out,
                                        vfy_detail *detail);
void specimen_free(specimen *s);

/* PEM of a certificate or a private key (PKCS#8) into a file. */
VFY_NODISCARD vfy_status specimen_write_pem(const char *dir, const char *name, X509 *cert,
                                            EVP_PKEY *key, vfy_detail *detail);

#endif
