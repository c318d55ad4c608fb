/*
 * The document signer of a chip's signed file (EF.SOD or EF.CardSecurity) judged
 * against the trust store: chain to a CSCA, validity at the verification time, CRL.
 * The trust store decides (vfy_trust_chain); this file only turns its answer into the
 * three checks a verdict reports, with the same rules for every signed file: a DS of
 * a state the store knows but not issued by its CSCA FAILED, of a state it does not
 * know NOT_CHECKED (a trust-store problem), revocation FAILED, a stale CRL or none
 * NOT_CHECKED with its reason, a DS that may not sign FAILED (key usage).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "pa/pa.h"
#include "trust/trust_internal.h"

static void set(vfy_check_result *c, vfy_outcome o, vfy_status s, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set(vfy_check_result *c, vfy_outcome o, vfy_status s, const char *fmt, ...)
{
    c->outcome = o;
    c->status = s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof c->reason, fmt, ap);
    va_end(ap);
}

static bool store_has_country(const vfy_trust *trust, const char *country)
{
    size_t n = vfy_trust_anchor_count(trust);
    for (size_t i = 0; i < n; i++) {
        char c[3];
        X509 *a = vfy_trust_anchor_get(trust, i);
        if (a != NULL && vfy_x509_name_country(X509_get_subject_name(a), c) && strcmp(c, country) == 0)
            return true;
    }
    return false;
}

static void set_validity(pa_chain_checks *out, bool valid)
{
    set(&out->ds_validity, valid ? VFY_OUTCOME_OK : VFY_OUTCOME_FAILED,
        valid ? VFY_OK : VFY_E_CERT_EXPIRED, "%s",
        valid ? "the document signer is valid at the verification time"
              : "the document signer is expired or not yet valid at the verification time");
}

void pa_check_signer_chain(const vfy_trust *trust, X509 *ds, time_t at, pa_chain_checks *out)
{
    memset(out, 0, sizeof *out);
    const char *nc = "not checked: no document signer";
    set(&out->ds_chain, VFY_OUTCOME_NOT_CHECKED, VFY_OK, "%s", nc);
    set(&out->ds_validity, VFY_OUTCOME_NOT_CHECKED, VFY_OK, "%s", nc);
    set(&out->crl, VFY_OUTCOME_NOT_CHECKED, VFY_OK, "%s", nc);
    if (ds == NULL)
        return;
    uint32_t ku = X509_get_key_usage(ds);
    bool ku_ok = ku == UINT32_MAX || (ku & KU_DIGITAL_SIGNATURE) != 0;
    /* A store holding only hints (DS certificates) is not empty: the chain then reports
     * that no CSCA anchors the DS, which names the problem better. */
    if (trust == NULL || (vfy_trust_anchor_count(trust) == 0 && vfy_trust_hint_count(trust) == 0)) {
        set(&out->ds_chain, VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR,
            "no trust store was given: the document signer cannot be chained to a CSCA");
        set(&out->crl, VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR, "no trust store");
        if (!ku_ok)
            set(&out->ds_chain, VFY_OUTCOME_FAILED, VFY_E_KEY_USAGE,
                "the document signer certificate is not allowed to sign (key usage)");
        set_validity(out, vfy_x509_valid_at(ds, at));
        return;
    }
    vfy_chain_result r;
    if (vfy_trust_chain(trust, ds, at, &r) != VFY_OK) {
        set(&out->ds_chain, VFY_OUTCOME_FAILED, VFY_E_INTERNAL, "the chain could not be checked");
        return;
    }
    if (r.chain == VFY_OK) {
        set(&out->ds_chain, VFY_OUTCOME_OK, VFY_OK, "%s", r.chain_reason);
        out->csca = r.anchor;
        vfy_x509_name_text(X509_get_subject_name(r.anchor), out->csca_subject, sizeof out->csca_subject);
    } else if (r.chain == VFY_E_NO_TRUST_ANCHOR) {
        char c[3];
        if (vfy_x509_name_country(X509_get_subject_name(ds), c) && store_has_country(trust, c))
            set(&out->ds_chain, VFY_OUTCOME_FAILED, VFY_E_CERT_CHAIN,
                "the document signer was not issued by any trusted CSCA of %s", c);
        else
            set(&out->ds_chain, VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR,
                "the trust store holds no CSCA for this document signer");
    } else {
        set(&out->ds_chain, VFY_OUTCOME_FAILED, r.chain, "%s", r.chain_reason);
    }
    bool valid = vfy_x509_valid_at(ds, at);
    if (r.anchor != NULL && r.chain == VFY_OK) {
        out->crl_this_update = r.crl_this_update;
        if (r.crl == VFY_OK)
            set(&out->crl, VFY_OUTCOME_OK, VFY_OK, "%s", r.crl_reason);
        else
            /* Out of memory while a CRL was being verified: it may be the one that
             * revokes the signer, so this is no mere "could not confirm". */
            set(&out->crl,
                r.crl == VFY_E_CERT_REVOKED || r.crl == VFY_E_NO_MEMORY ? VFY_OUTCOME_FAILED
                                                                        : VFY_OUTCOME_NOT_CHECKED,
                r.crl, "%s", r.crl_reason);
        if (r.validity != VFY_OK) {
            /* The DS or its CSCA is out of date: the store's sentence says which. */
            set(&out->ds_validity, VFY_OUTCOME_FAILED, r.validity, "%s", r.validity_reason);
            if (!ku_ok)
                set(&out->ds_chain, VFY_OUTCOME_FAILED, VFY_E_KEY_USAGE,
                    "the document signer certificate is not allowed to sign (key usage)");
            return;
        }
        valid = true;
    } else {
        set(&out->crl, VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR, "no CSCA: revocation unknown");
    }
    if (!ku_ok)
        set(&out->ds_chain, VFY_OUTCOME_FAILED, VFY_E_KEY_USAGE,
            "the document signer certificate is not allowed to sign (key usage)");
    set_validity(out, valid);
}
