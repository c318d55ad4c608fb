/* Chaining a signer certificate to the store in one step (the ICAO PKI model), with
 * validity at a chosen time and revocation by the anchor's CRLs. */
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "core/fail.h"
#include "trust/trust_store.h"

X509 *vfy_trust_find_by_skid(const vfy_trust *t, const uint8_t *skid, size_t len)
{
    if (t == NULL || skid == NULL)
        return NULL;
    for (int i = 0; i < sk_X509_num(t->anchors); i++) {
        X509 *a = sk_X509_value(t->anchors, i);
        const ASN1_OCTET_STRING *k = X509_get0_subject_key_id(a);
        if (k != NULL && (size_t)ASN1_STRING_length(k) == len &&
            memcmp(ASN1_STRING_get0_data(k), skid, len) == 0)
            return a;
    }
    return NULL;
}

static bool key_id_matches(X509 *issuer, X509 *cert)
{
    const ASN1_OCTET_STRING *akid = X509_get0_authority_key_id(cert);
    const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(issuer);
    return akid != NULL && skid != NULL && ASN1_STRING_cmp(akid, skid) == 0;
}

X509 *vfy_trust_find_issuer(const vfy_trust *t, X509 *cert, bool *name_matched)
{
    *name_matched = false;
    /* Candidates by key identifier first, then by name: several CSCAs of one state
     * share a name across key rollovers, and only the signature decides. */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < sk_X509_num(t->anchors); i++) {
            X509 *a = sk_X509_value(t->anchors, i);
            bool candidate = pass == 0
                                 ? key_id_matches(a, cert)
                                 : X509_NAME_cmp(X509_get_issuer_name(cert),
                                                 X509_get_subject_name(a)) == 0;
            if (!candidate)
                continue;
            if (pass == 1)
                *name_matched = true;
            EVP_PKEY *key = X509_get0_pubkey(a);
            if (key != NULL && X509_verify(cert, key) == 1) {
                ERR_clear_error();
                return a;
            }
            ERR_clear_error();
        }
    }
    return NULL;
}

static void crl_check(const vfy_trust *t, X509 *cert, X509 *anchor, time_t at, vfy_chain_result *r)
{
    r->crl = VFY_E_NOT_FOUND;
    snprintf(r->crl_reason, sizeof r->crl_reason, "no CRL of the issuing CSCA in the trust store");
    EVP_PKEY *key = X509_get0_pubkey(anchor);
    for (int i = 0; i < sk_X509_CRL_num(t->crls); i++) {
        X509_CRL *crl = sk_X509_CRL_value(t->crls, i);
        if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(anchor)) != 0)
            continue;
        if (key == NULL || X509_CRL_verify(crl, key) != 1) {
            ERR_clear_error();
            continue; /* a CRL of another key of the same CSCA name */
        }
        X509_REVOKED *rev = NULL;
        if (X509_CRL_get0_by_cert(crl, &rev, cert) == 1) {
            r->crl = VFY_E_CERT_REVOKED;
            snprintf(r->crl_reason, sizeof r->crl_reason,
                     "the certificate is revoked by the CRL of its CSCA");
            return;
        }
        const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
        if (next != NULL && X509_cmp_time(next, &at) < 0) {
            r->crl = VFY_E_CERT_EXPIRED;
            snprintf(r->crl_reason, sizeof r->crl_reason,
                     "the CSCA's CRL was out of date at the verification time (next update passed)");
            continue; /* a newer CRL may follow */
        }
        r->crl = VFY_OK;
        snprintf(r->crl_reason, sizeof r->crl_reason, "not revoked by the CSCA's current CRL");
        return;
    }
}

static void format_time(const ASN1_TIME *a, char *out, size_t cap)
{
    struct tm tm;
    if (a != NULL && ASN1_TIME_to_tm(a, &tm) == 1)
        strftime(out, cap, "%Y-%m-%d", &tm);
    else
        snprintf(out, cap, "?");
}

vfy_status vfy_trust_chain(const vfy_trust *t, X509 *cert, time_t at, vfy_chain_result *r)
{
    if (t == NULL || cert == NULL || r == NULL)
        return VFY_E_INVALID_ARGUMENT;
    memset(r, 0, sizeof *r);
    r->chain = VFY_E_NO_TRUST_ANCHOR;
    r->validity = VFY_E_CERT_EXPIRED;
    r->crl = VFY_E_NOT_FOUND;

    for (int i = 0; i < sk_X509_num(t->anchors); i++) {
        if (X509_cmp(sk_X509_value(t->anchors, i), cert) == 0) {
            r->anchor = sk_X509_value(t->anchors, i);
            r->direct_anchor = true;
            break;
        }
    }
    bool name_matched = false;
    if (r->anchor == NULL)
        r->anchor = vfy_trust_find_issuer(t, cert, &name_matched);
    if (r->anchor == NULL) {
        r->chain = name_matched ? VFY_E_CERT_CHAIN : VFY_E_NO_TRUST_ANCHOR;
        snprintf(r->chain_reason, sizeof r->chain_reason, "%s",
                 name_matched ? "the certificate's signature does not verify under the trusted "
                                "certificate of its issuer's name"
                              : "no certificate in the trust store issued this certificate");
        snprintf(r->validity_reason, sizeof r->validity_reason, "not checked: no anchor");
        snprintf(r->crl_reason, sizeof r->crl_reason, "not checked: no anchor");
        return VFY_OK;
    }
    r->chain = VFY_OK;
    snprintf(r->chain_reason, sizeof r->chain_reason, "%s",
             r->direct_anchor ? "the certificate is itself a trust anchor"
                              : "issued by a certificate of the trust store");
    if (!r->direct_anchor) {
        /* An issuing CSCA must be allowed to sign certificates, when it says what it may do. */
        uint32_t ku = X509_get_key_usage(r->anchor);
        if (ku != UINT32_MAX && (ku & KU_KEY_CERT_SIGN) == 0) {
            r->chain = VFY_E_KEY_USAGE;
            snprintf(r->chain_reason, sizeof r->chain_reason,
                     "the issuing certificate's key usage does not allow certificate signing");
        }
    }

    char from[16], to[16];
    if (!vfy_x509_valid_at(cert, at)) {
        format_time(X509_get0_notBefore(cert), from, sizeof from);
        format_time(X509_get0_notAfter(cert), to, sizeof to);
        snprintf(r->validity_reason, sizeof r->validity_reason,
                 "the certificate is valid from %s to %s, not at the verification time", from, to);
    } else if (!r->direct_anchor && !vfy_x509_valid_at(r->anchor, at)) {
        format_time(X509_get0_notBefore(r->anchor), from, sizeof from);
        format_time(X509_get0_notAfter(r->anchor), to, sizeof to);
        snprintf(r->validity_reason, sizeof r->validity_reason,
                 "the issuing CSCA is valid from %s to %s, not at the verification time", from, to);
    } else {
        r->validity = VFY_OK;
        snprintf(r->validity_reason, sizeof r->validity_reason,
                 "certificate and issuer valid at the verification time");
    }
    if (r->direct_anchor) {
        r->crl = VFY_E_NOT_FOUND;
        snprintf(r->crl_reason, sizeof r->crl_reason, "the certificate is itself an anchor");
    } else {
        crl_check(t, cert, r->anchor, at, r);
    }
    return VFY_OK;
}
