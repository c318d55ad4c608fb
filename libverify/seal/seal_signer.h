/*
 * Internal: the signer of a seal — lookup in the seal-signer store and the trust
 * anchors, description for the result, and the trust decision through
 * libverify/trust (vfy_trust_chain at the signature creation date).
 */
#ifndef VFY_SEAL_SIGNER_H
#define VFY_SEAL_SIGNER_H

#include "seal/seal_internal.h"

/* The certificate that should have signed r (borrowed). VFY_E_SEAL_SIGNER_UNKNOWN
 * when none is known; VFY_E_MISMATCH when an embedded IDB certificate does not
 * match the header's reference. */
VFY_NODISCARD vfy_status seal_find_signer(vfy_seal_result *r, const vfy_seal_options *o, X509 **out,
                                          vfy_detail *detail);

void seal_describe_signer(vfy_seal_result *r, X509 *cert, time_t signing_time, bool has_signing_time,
                          time_t now);

/* Chains cert to a CSCA of the trust store at time `at` and binds it to the seal:
 * VFY_OK, VFY_E_NO_TRUST_ANCHOR, VFY_E_CERT_CHAIN, VFY_E_KEY_USAGE, VFY_E_NOT_A_CA,
 * VFY_E_CRITICAL_EXTENSION, VFY_E_CERT_EXPIRED, VFY_E_CERT_REVOKED, VFY_E_CRL_STALE,
 * VFY_E_SEAL_COUNTRY, VFY_E_SEAL_DOC_TYPE. */
VFY_NODISCARD vfy_status seal_trust_signer(vfy_seal_result *r, const vfy_trust *trust, X509 *cert,
                                           time_t at, vfy_detail *detail);

#endif
