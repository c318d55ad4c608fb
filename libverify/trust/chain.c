/* Chaining a signer certificate to the store in one step (the ICAO PKI model), with
 * validity at a chosen time and revocation by every CRL of the issuing CSCA. */
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "core/ossl_oom.h"
#include "core/fail.h"
#include "trust/trust_store.h"

/* ICAO extensions this library reads (9303-12 §7.1.1): documentTypeList and nameChange.
 * Everything else critical must be one OpenSSL processes. */
#define OID_ICAO_DOCUMENT_TYPE_LIST "2.23.136.1.1.6.2"
#define OID_ICAO_NAME_CHANGE "2.23.136.1.1.6.1"

bool vfy_x509_critical_understood(X509 *cert)
{
    for (int i = 0; i < X509_get_ext_count(cert); i++) {
        X509_EXTENSION *ext = X509_get_ext(cert, i);
        if (!X509_EXTENSION_get_critical(ext) || X509_supported_extension(ext))
            continue;
        char oid[64] = "";
        OBJ_obj2txt(oid, sizeof oid, X509_EXTENSION_get_object(ext), 1);
        if (strcmp(oid, OID_ICAO_DOCUMENT_TYPE_LIST) != 0 && strcmp(oid, OID_ICAO_NAME_CHANGE) != 0)
            return false;
    }
    return true;
}

const char *vfy_trust_not_csca(X509 *cert)
{
    uint32_t flags = X509_get_extension_flags(cert);
    if (flags & EXFLAG_INVALID)
        return "the certificate's extensions are malformed";
    if (!(flags & EXFLAG_BCONS) || !(flags & EXFLAG_CA))
        return "not a CA certificate (basicConstraints CA:TRUE missing): kept only as a hint";
    uint32_t ku = X509_get_key_usage(cert);
    if (ku == UINT32_MAX || (ku & KU_KEY_CERT_SIGN) == 0)
        return "a CA certificate without keyUsage keyCertSign cannot be a CSCA";
    if (!vfy_x509_critical_understood(cert))
        return "the certificate carries an unknown critical extension (RFC 5280: refused)";
    return NULL;
}

int vfy_trust_crl_of(X509_CRL *crl, X509 *csca)
{
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(csca)) != 0)
        return 0;
    ERR_clear_error();
    EVP_PKEY *key = X509_get0_pubkey(csca);
    /* Verifying is deterministic: a failure that does not recur was one of resources
     * (OpenSSL 3.0 fails some allocations inside a verification without a word in its
     * error queue). So a CRL is declared not this CSCA's only when it fails twice. */
    for (int attempt = 0; attempt < 2; attempt++) {
        if (key != NULL && X509_CRL_verify(crl, key) == 1) {
            ERR_clear_error();
            return 1;
        }
        if (vfy_ossl_out_of_memory())
            return -1;
    }
    return 0;
}

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
     * share a name across key rollovers, and only the signature decides. Only anchors
     * (CSCAs) are candidates: a hint never issues anything. */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < sk_X509_num(t->anchors); i++) {
            X509 *a = sk_X509_value(t->anchors, i);
            if (a == cert)
                continue;
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

static time_t asn1_time(const ASN1_TIME *a)
{
    struct tm tm;
    if (a == NULL || ASN1_TIME_to_tm(a, &tm) != 1)
        return 0;
    return timegm(&tm);
}

/* Every CRL of the CSCA that verifies under it counts: a revocation in any of them
 * revokes, and the newest (latest thisUpdate) alone decides whether the store's
 * revocation information is current (issue 10, item 3). */
static void crl_check(const vfy_trust *t, X509 *cert, X509 *anchor, time_t at, vfy_chain_result *r)
{
    X509_CRL *newest = NULL, *revoked_by = NULL;
    for (int i = 0; i < sk_X509_CRL_num(t->crls); i++) {
        X509_CRL *crl = sk_X509_CRL_value(t->crls, i);
        int of = vfy_trust_crl_of(crl, anchor);
        if (of < 0) {
            /* Skipping it could skip the CRL that revokes the certificate. */
            r->crl = VFY_E_NO_MEMORY;
            snprintf(r->crl_reason, sizeof r->crl_reason,
                     "out of memory verifying a CRL of the issuing CSCA: revocation unknown");
            return;
        }
        if (of == 0)
            continue; /* another CSCA's, or one that does not verify: ignored */
        r->crl_count++;
        X509_REVOKED *rev = NULL;
        if (revoked_by == NULL && X509_CRL_get0_by_cert(crl, &rev, cert) == 1)
            revoked_by = crl;
        if (newest == NULL || ASN1_TIME_compare(X509_CRL_get0_lastUpdate(crl),
                                                X509_CRL_get0_lastUpdate(newest)) > 0)
            newest = crl;
    }
    if (newest == NULL) {
        r->crl = VFY_E_CRL_MISSING;
        snprintf(r->crl_reason, sizeof r->crl_reason,
                 "the trust store holds no CRL of the issuing CSCA: revocation unknown");
        return;
    }
    r->crl_this_update = asn1_time(X509_CRL_get0_lastUpdate(newest));
    r->crl_next_update = asn1_time(X509_CRL_get0_nextUpdate(newest));
    if (revoked_by != NULL) {
        r->crl = VFY_E_CERT_REVOKED;
        snprintf(r->crl_reason, sizeof r->crl_reason,
                 "the certificate is revoked by a CRL of its CSCA (%zu CRL%s consulted)",
                 r->crl_count, r->crl_count == 1 ? "" : "s");
        return;
    }
    const ASN1_TIME *next = X509_CRL_get0_nextUpdate(newest);
    if (next == NULL) {
        /* RFC 5280 5.1.2.5 and ICAO 9303-12 require nextUpdate: without it nothing says
         * until when the list is current, so the revocation status is unknown (fail
         * closed, as trust/freshness.c reports such a CRL stale). */
        r->crl = VFY_E_CRL_STALE;
        snprintf(r->crl_reason, sizeof r->crl_reason,
                 "the newest CRL of the CSCA names no next update (RFC 5280 requires one): "
                 "whether it is current is unknown");
        return;
    }
    if (X509_cmp_time(next, &at) < 0) {
        r->crl = VFY_E_CRL_STALE;
        snprintf(r->crl_reason, sizeof r->crl_reason,
                 "the newest CRL of the CSCA was past its next update at the verification time: "
                 "revocation unknown");
        return;
    }
    r->crl = VFY_OK;
    snprintf(r->crl_reason, sizeof r->crl_reason,
             "not revoked by any of the CSCA's %zu CRL%s; the newest is current", r->crl_count,
             r->crl_count == 1 ? "" : "s");
}

static void format_time(const ASN1_TIME *a, char *out, size_t cap)
{
    struct tm tm;
    if (a != NULL && ASN1_TIME_to_tm(a, &tm) == 1)
        strftime(out, cap, "%Y-%m-%d", &tm);
    else
        snprintf(out, cap, "?");
}

/* The issuer must be a CA allowed to sign certificates (RFC 5280 §4.2.1.9, 9303-12). */
static void check_issuer(X509 *cert, X509 *anchor, vfy_chain_result *r)
{
    uint32_t flags = X509_get_extension_flags(anchor);
    uint32_t ku = X509_get_key_usage(anchor);
    if (!(flags & EXFLAG_BCONS) || !(flags & EXFLAG_CA)) {
        r->chain = VFY_E_NOT_A_CA;
        snprintf(r->chain_reason, sizeof r->chain_reason,
                 "the issuing certificate is not a CA (basicConstraints CA:TRUE missing)");
    } else if (ku != UINT32_MAX && (ku & KU_KEY_CERT_SIGN) == 0) {
        r->chain = VFY_E_KEY_USAGE;
        snprintf(r->chain_reason, sizeof r->chain_reason,
                 "the issuing certificate's key usage does not allow certificate signing");
    } else if (!vfy_x509_critical_understood(anchor)) {
        r->chain = VFY_E_CRITICAL_EXTENSION;
        snprintf(r->chain_reason, sizeof r->chain_reason,
                 "the issuing CSCA carries an unknown critical extension");
    } else if (!vfy_x509_critical_understood(cert)) {
        r->chain = VFY_E_CRITICAL_EXTENSION;
        snprintf(r->chain_reason, sizeof r->chain_reason,
                 "the certificate carries an unknown critical extension (RFC 5280: refused)");
    }
}

/* A certificate issued by a non-CSCA of the store (CA:FALSE, no basicConstraints, no
 * keyCertSign, an unknown critical extension) is a forged path, not a missing anchor:
 * say so precisely. */
static bool issued_by_hint(const vfy_trust *t, X509 *cert, vfy_chain_result *r)
{
    for (int i = 0; i < sk_X509_num(t->hints); i++) {
        X509 *h = sk_X509_value(t->hints, i);
        if (h == cert || X509_cmp(h, cert) == 0)
            continue;
        if (!key_id_matches(h, cert) &&
            X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(h)) != 0)
            continue;
        EVP_PKEY *key = X509_get0_pubkey(h);
        bool signed_by = key != NULL && X509_verify(cert, key) == 1;
        ERR_clear_error();
        if (!signed_by)
            continue;
        uint32_t flags = X509_get_extension_flags(h);
        uint32_t ku = X509_get_key_usage(h);
        if (!(flags & EXFLAG_BCONS) || !(flags & EXFLAG_CA)) {
            r->chain = VFY_E_NOT_A_CA;
            snprintf(r->chain_reason, sizeof r->chain_reason,
                     "issued by a certificate that is not a CA (basicConstraints CA:TRUE missing)");
        } else if (ku == UINT32_MAX || (ku & KU_KEY_CERT_SIGN) == 0) {
            r->chain = VFY_E_KEY_USAGE;
            snprintf(r->chain_reason, sizeof r->chain_reason,
                     "issued by a certificate whose key usage does not allow certificate signing");
        } else {
            r->chain = VFY_E_CRITICAL_EXTENSION;
            snprintf(r->chain_reason, sizeof r->chain_reason,
                     "issued by a CA certificate that carries an unknown critical extension "
                     "(RFC 5280: refused)");
        }
        snprintf(r->validity_reason, sizeof r->validity_reason, "not checked: no anchor");
        snprintf(r->crl_reason, sizeof r->crl_reason, "not checked: no anchor");
        return true;
    }
    return false;
}

vfy_status vfy_trust_chain(const vfy_trust *t, X509 *cert, time_t at, vfy_chain_result *r)
{
    if (t == NULL || cert == NULL || r == NULL)
        return VFY_E_INVALID_ARGUMENT;
    memset(r, 0, sizeof *r);
    r->chain = VFY_E_NO_TRUST_ANCHOR;
    r->validity = VFY_E_CERT_EXPIRED;
    r->crl = VFY_E_CRL_MISSING;

    for (int i = 0; i < sk_X509_num(t->hints); i++)
        if (X509_cmp(sk_X509_value(t->hints, i), cert) == 0)
            r->hinted = true;
    bool name_matched = false;
    r->anchor = vfy_trust_find_issuer(t, cert, &name_matched);
    if (r->anchor == NULL && issued_by_hint(t, cert, r))
        return VFY_OK;
    if (r->anchor == NULL) {
        r->chain = name_matched ? VFY_E_CERT_CHAIN : VFY_E_NO_TRUST_ANCHOR;
        snprintf(r->chain_reason, sizeof r->chain_reason, "%s%s",
                 name_matched ? "the certificate's signature does not verify under the trusted "
                                "CSCA of its issuer's name"
                              : "no CSCA in the trust store issued this certificate",
                 r->hinted && !name_matched ? " (the certificate itself is in the store, which "
                                              "does not make it trusted)"
                                            : "");
        snprintf(r->validity_reason, sizeof r->validity_reason, "not checked: no anchor");
        snprintf(r->crl_reason, sizeof r->crl_reason, "not checked: no anchor");
        return VFY_OK;
    }
    r->chain = VFY_OK;
    snprintf(r->chain_reason, sizeof r->chain_reason, "issued by a CSCA of the trust store");
    check_issuer(cert, r->anchor, r);

    char from[16], to[16];
    if (!vfy_x509_valid_at(cert, at)) {
        format_time(X509_get0_notBefore(cert), from, sizeof from);
        format_time(X509_get0_notAfter(cert), to, sizeof to);
        snprintf(r->validity_reason, sizeof r->validity_reason,
                 "the certificate is valid from %s to %s, not at the verification time", from, to);
    } else if (!vfy_x509_valid_at(r->anchor, at)) {
        format_time(X509_get0_notBefore(r->anchor), from, sizeof from);
        format_time(X509_get0_notAfter(r->anchor), to, sizeof to);
        snprintf(r->validity_reason, sizeof r->validity_reason,
                 "the issuing CSCA is valid from %s to %s, not at the verification time", from, to);
    } else {
        r->validity = VFY_OK;
        snprintf(r->validity_reason, sizeof r->validity_reason,
                 "certificate and issuer valid at the verification time");
    }
    crl_check(t, cert, r->anchor, at, r);
    return VFY_OK;
}
