/*
 * Passive Authentication of a document and the overall verdict (see verify/verdict.h
 * for the rules). Each check is decided here from the building blocks of pa.h and
 * the trust store's chain verification; the verdict is computed only from the checks,
 * so no path can reach "genuine" without every required check saying OK.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/x509v3.h>

#include "core/fail.h"
#include "lds/lds_internal.h"
#include "pa/pa.h"
#include "pa/verdict_internal.h"
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

void vfy_verdict_set_check(vfy_check_result *check, vfy_outcome outcome, vfy_status status,
                           const char *reason)
{
    if (check != NULL)
        set(check, outcome, status, "%s", reason != NULL ? reason : "");
}

const char *vfy_verdict_name(vfy_verdict_kind kind)
{
    switch (kind) {
    case VFY_VERDICT_GENUINE: return "genuine";
    case VFY_VERDICT_INVALID: return "invalid";
    default: return "unverified";
    }
}

const char *vfy_outcome_name(vfy_outcome outcome)
{
    switch (outcome) {
    case VFY_OUTCOME_OK: return "ok";
    case VFY_OUTCOME_FAILED: return "failed";
    case VFY_OUTCOME_NOT_SUPPORTED: return "not_supported";
    default: return "not_checked";
    }
}

/* The data groups whose absence from a read is normal (EAC-protected). */
static bool protected_dg(unsigned dg)
{
    return dg == 3 || dg == 4;
}

static void check_dg_hashes(const vfy_document *doc, const lds_sod *sod, vfy_verdict *v)
{
    for (unsigned dg = 1; dg <= 16; dg++) {
        size_t want_len = 0;
        const uint8_t *want = lds_sod_hash(sod, dg, &want_len);
        const uint8_t *data = NULL;
        size_t len = 0;
        bool read = vfy_document_get_file(doc, (vfy_file_id)dg, &data, &len) == VFY_OK;
        vfy_check_result *c = &v->dg_hashes[dg];
        v->dg_listed[dg] = want != NULL;
        if (want == NULL) {
            if (read)
                set(c, VFY_OUTCOME_FAILED, VFY_E_HASH_MISMATCH,
                    "DG%u was read but the security object does not list it", dg);
            continue;
        }
        if (!read) {
            set(c, VFY_OUTCOME_NOT_CHECKED, VFY_E_NOT_FOUND, "%s",
                protected_dg(dg) ? "listed in the security object; protected by Terminal "
                                   "Authentication, not read"
                                 : "listed in the security object but not read");
            continue;
        }
        uint8_t got[64];
        vfy_detail d;
        vfy_detail_clear(&d);
        if (pa_digest(sod->digest, data, len, got, &d) != VFY_OK) {
            set(c, VFY_OUTCOME_FAILED, d.status, "%s", d.message);
        } else if (want_len != sod->digest->size || CRYPTO_memcmp(got, want, want_len) != 0) {
            set(c, VFY_OUTCOME_FAILED, VFY_E_HASH_MISMATCH,
                "the %s hash of DG%u as read differs from the security object", sod->digest->name, dg);
        } else {
            set(c, VFY_OUTCOME_OK, VFY_OK, "%s hash matches the security object", sod->digest->name);
        }
    }
}

/* The MRZ characters of DG1 as read, when DG1 is present and well-formed. */
static bool dg1_mrz(const vfy_document *doc, vfy_bytes *mrz)
{
    const uint8_t *data;
    size_t len;
    if (vfy_document_get_file(doc, (vfy_file_id)1, &data, &len) != VFY_OK)
        return false;
    return vfy_lds_dg1_mrz(data, len, mrz, NULL) == VFY_OK;
}

static void check_dg1_against_mrz(const vfy_document *doc, const vfy_mrz *mrz, vfy_verdict *v)
{
    vfy_bytes dg1;
    if (mrz == NULL) {
        set(&v->dg1_matches_mrz, VFY_OUTCOME_NOT_CHECKED, VFY_OK,
            "no MRZ was given to compare DG1 with");
        return;
    }
    if (!dg1_mrz(doc, &dg1)) {
        set(&v->dg1_matches_mrz, VFY_OUTCOME_FAILED, VFY_E_MISMATCH,
            "DG1 was not read or holds no MRZ, so it cannot match the MRZ used");
        return;
    }
    char joined[3 * 45];
    size_t n = 0;
    for (unsigned i = 0; i < mrz->line_count && i < VFY_MRZ_MAX_LINES; i++) {
        size_t l = strnlen(mrz->lines[i], sizeof mrz->lines[i]);
        memcpy(joined + n, mrz->lines[i], l);
        n += l;
    }
    if (n != dg1.len || memcmp(joined, dg1.data, n) != 0)
        set(&v->dg1_matches_mrz, VFY_OUTCOME_FAILED, VFY_E_MISMATCH,
            "the MRZ in DG1 differs from the MRZ used to open the chip");
    else
        set(&v->dg1_matches_mrz, VFY_OUTCOME_OK, VFY_OK, "DG1 holds the MRZ used to open the chip");
}

/* The issuing state: from the MRZ used, or from DG1 (characters 3-5 of every format). */
static bool issuing_state(const vfy_document *doc, const vfy_mrz *mrz, char out[4])
{
    memset(out, 0, 4);
    if (mrz != NULL && mrz->issuing_state[0] != '\0') {
        snprintf(out, 4, "%s", mrz->issuing_state);
        return true;
    }
    vfy_bytes dg1;
    if (!dg1_mrz(doc, &dg1) || dg1.len < 5)
        return false;
    vfy_cursor c;
    vfy_cur_init(&c, dg1.data, dg1.len, "DG1", NULL);
    const uint8_t *code;
    if (vfy_cur_skip(&c, 2) != VFY_OK || vfy_cur_bytes(&c, 3, &code) != VFY_OK)
        return false;
    for (size_t i = 0; i < 3 && code[i] != '<'; i++)
        out[i] = (char)code[i];
    return out[0] != '\0';
}

static void check_country(const vfy_document *doc, const vfy_mrz *mrz, X509 *ds, X509 *csca,
                          vfy_verdict *v)
{
    char state[4];
    if (!issuing_state(doc, mrz, state)) {
        set(&v->issuer_country, VFY_OUTCOME_NOT_CHECKED, VFY_E_NOT_FOUND,
            "the issuing state is unknown (no MRZ given and no DG1 read)");
        return;
    }
    const char *want = vfy_country_alpha2(state);
    if (want == NULL) {
        set(&v->issuer_country, VFY_OUTCOME_FAILED, VFY_E_MISMATCH,
            "the issuing state \"%s\" is not a known ICAO code", state);
        return;
    }
    char ds_c[3] = "", csca_c[3] = "";
    if (ds == NULL || !vfy_x509_name_country(X509_get_subject_name(ds), ds_c)) {
        set(&v->issuer_country, VFY_OUTCOME_FAILED, VFY_E_MISMATCH,
            "the document signer certificate names no country");
        return;
    }
    if (strcmp(ds_c, want) != 0) {
        set(&v->issuer_country, VFY_OUTCOME_FAILED, VFY_E_MISMATCH,
            "the document signer is from %s but the document was issued by %s (%s)", ds_c, state, want);
        return;
    }
    if (csca == NULL) {
        set(&v->issuer_country, VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR,
            "the document signer's country %s matches %s; no CSCA to compare", ds_c, state);
        return;
    }
    if (!vfy_x509_name_country(X509_get_subject_name(csca), csca_c) || strcmp(csca_c, want) != 0) {
        set(&v->issuer_country, VFY_OUTCOME_FAILED, VFY_E_MISMATCH,
            "the CSCA is from %s but the document was issued by %s (%s)",
            csca_c[0] ? csca_c : "no country", state, want);
        return;
    }
    set(&v->issuer_country, VFY_OUTCOME_OK, VFY_OK, "document signer and CSCA are from %s, as %s",
        want, state);
}

/* DS to CSCA, validity, CRL. Returns the CSCA found (borrowed) or NULL. */
/* The DS against the trust store: the one rule set of pa_check_signer_chain, shared
 * with EF.CardSecurity. Returns the CSCA it chains to (borrowed) or NULL. */
static X509 *check_chain(const vfy_trust *trust, X509 *ds, time_t at, vfy_verdict *v)
{
    pa_chain_checks chain;
    pa_check_signer_chain(trust, ds, at, &chain);
    v->ds_chain = chain.ds_chain;
    v->ds_validity = chain.ds_validity;
    v->crl = chain.crl;
    v->crl_this_update = chain.crl_this_update;
    if (chain.csca != NULL)
        memcpy(v->csca_subject, chain.csca_subject, sizeof v->csca_subject);
    return chain.csca;
}

static void init_chip_checks(const vfy_document *doc, vfy_verdict *v)
{
    set(&v->access_control, VFY_OUTCOME_NOT_CHECKED, VFY_OK, "the files were not read from a chip here");
    if (vfy_document_has_file(doc, (vfy_file_id)15))
        set(&v->active_auth, VFY_OUTCOME_NOT_CHECKED, VFY_OK,
            "the chip offers Active Authentication (DG15); it was not performed");
    else
        set(&v->active_auth, VFY_OUTCOME_NOT_SUPPORTED, VFY_OK,
            "no DG15: the chip does not offer Active Authentication");
    const uint8_t *dg14;
    size_t len;
    vfy_security_infos infos;
    bool has_ca_key = vfy_document_get_file(doc, (vfy_file_id)14, &dg14, &len) == VFY_OK &&
                      vfy_lds_parse_dg14(dg14, len, &infos, NULL) == VFY_OK &&
                      vfy_security_infos_find(&infos, VFY_SI_CHIP_AUTH_PUBLIC_KEY, NULL) != NULL;
    if (has_ca_key)
        set(&v->chip_auth, VFY_OUTCOME_NOT_CHECKED, VFY_OK,
            "the chip offers Chip Authentication (DG14); it was not performed");
    else
        set(&v->chip_auth, VFY_OUTCOME_NOT_SUPPORTED, VFY_OK,
            "no Chip Authentication key in DG14: the chip does not offer Chip Authentication");
}

vfy_status vfy_verify_document(const vfy_document *doc, const vfy_trust *trust,
                               const vfy_verify_options *options, vfy_verdict *v, vfy_detail *detail)
{
    if (doc == NULL || v == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "verify", "no document or no verdict");
    vfy_verify_options defaults = { 0 };
    const vfy_verify_options *opt = options != NULL ? options : &defaults;
    memset(v, 0, sizeof *v);
    const char *nc = "not checked: Passive Authentication stopped earlier";
    set(&v->sod_signature, VFY_OUTCOME_NOT_CHECKED, VFY_OK, "%s", nc);
    set(&v->ds_chain, VFY_OUTCOME_NOT_CHECKED, VFY_OK, "%s", nc);
    set(&v->ds_validity, VFY_OUTCOME_NOT_CHECKED, VFY_OK, "%s", nc);
    set(&v->crl, VFY_OUTCOME_NOT_CHECKED, VFY_OK, "%s", nc);
    set(&v->issuer_country, VFY_OUTCOME_NOT_CHECKED, VFY_OK, "%s", nc);
    for (unsigned dg = 1; dg <= 16; dg++)
        set(&v->dg_hashes[dg], VFY_OUTCOME_NOT_CHECKED, VFY_OK, "%s", nc);
    init_chip_checks(doc, v);
    if (opt->chip != NULL) {
        v->access_control = opt->chip->access_control;
        v->active_auth = opt->chip->active_auth;
        v->chip_auth = opt->chip->chip_auth;
    }
    check_dg1_against_mrz(doc, opt->mrz, v);

    const uint8_t *sod_bytes;
    size_t sod_len;
    if (vfy_document_get_file(doc, VFY_FILE_SOD, &sod_bytes, &sod_len) != VFY_OK) {
        set(&v->sod_signature, VFY_OUTCOME_FAILED, VFY_E_NOT_FOUND,
            "the document has no EF.SOD: its data cannot be authenticated");
        vfy_verdict_finish(v);
        return VFY_OK;
    }
    vfy_detail d;
    vfy_detail_clear(&d);
    lds_sod sod;
    if (lds_sod_open(sod_bytes, sod_len, &sod, &d) != VFY_OK) {
        set(&v->sod_signature, VFY_OUTCOME_FAILED, d.status, "EF.SOD is malformed: %s", d.message);
        vfy_verdict_finish(v);
        return VFY_OK;
    }
    snprintf(v->digest_algorithm, sizeof v->digest_algorithm, "%s", sod.digest->name);
    check_dg_hashes(doc, &sod, v);

    pa_policy policy = { opt->min_rsa_bits ? opt->min_rsa_bits : 1024, opt->refuse_sha1 };
    pa_signature sig;
    vfy_detail_clear(&d);
    vfy_status s = pa_check_sod_signature(&sod, &policy, &sig, &d);
    snprintf(v->signature_algorithm, sizeof v->signature_algorithm, "%s", sig.algorithm);
    pa_quirks_text(sig.quirks, v->quirks, sizeof v->quirks);
    if (s != VFY_OK) {
        set(&v->sod_signature, VFY_OUTCOME_FAILED, s, "%s", d.message);
    } else {
        set(&v->sod_signature, VFY_OUTCOME_OK, VFY_OK, "%s signature verifies with the document signer",
            sig.algorithm);
    }
    if (sig.ds != NULL) {
        vfy_x509_name_text(X509_get_subject_name(sig.ds), v->ds_subject, sizeof v->ds_subject);
        (void)vfy_x509_name_country(X509_get_subject_name(sig.ds), v->ds_country);
        time_t at = opt->at != 0 ? opt->at : time(NULL);
        X509 *csca = check_chain(trust, sig.ds, at, v);
        check_country(doc, opt->mrz, sig.ds, csca, v);
    }
    pa_signature_free(&sig);
    lds_sod_close(&sod);
    vfy_verdict_finish(v);
    return VFY_OK;
}

static bool any_failed(const vfy_verdict *v, const vfy_check_result **which)
{
    const vfy_check_result *all[] = { &v->access_control, &v->sod_signature, &v->ds_chain,
                                      &v->ds_validity, &v->crl, &v->dg1_matches_mrz,
                                      &v->issuer_country, &v->active_auth, &v->chip_auth };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->outcome == VFY_OUTCOME_FAILED) {
            *which = all[i];
            return true;
        }
    for (unsigned dg = 1; dg <= 16; dg++)
        if (v->dg_hashes[dg].outcome == VFY_OUTCOME_FAILED) {
            *which = &v->dg_hashes[dg];
            return true;
        }
    return false;
}

void vfy_verdict_finish(vfy_verdict *v)
{
    if (v == NULL)
        return;
    const vfy_check_result *bad = NULL;
    v->clone_detection_unavailable = false;
    if (any_failed(v, &bad)) {
        v->verdict = VFY_VERDICT_INVALID;
        snprintf(v->summary, sizeof v->summary, "invalid: %s", bad->reason);
        return;
    }
    /* Passive Authentication must be complete: each of these OK. */
    const struct {
        const vfy_check_result *c;
        const char *name;
    } required[] = {
        { &v->sod_signature, "SOD signature" }, { &v->ds_chain, "DS certificate chain" },
        { &v->ds_validity, "DS validity" }, { &v->issuer_country, "issuer country" },
        { &v->dg_hashes[1], "DG1 hash" },
    };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (required[i].c->outcome != VFY_OUTCOME_OK) {
            v->verdict = VFY_VERDICT_UNVERIFIED;
            snprintf(v->summary, sizeof v->summary, "unverified: %s not checked (%s)",
                     required[i].name, required[i].c->reason);
            return;
        }
    if (v->crl.status == VFY_E_CERT_EXPIRED || v->crl.status == VFY_E_CRL_STALE) {
        v->verdict = VFY_VERDICT_UNVERIFIED;
        snprintf(v->summary, sizeof v->summary, "unverified: %s", v->crl.reason);
        return;
    }
    v->verdict = VFY_VERDICT_GENUINE;
    if (v->active_auth.outcome == VFY_OUTCOME_OK || v->chip_auth.outcome == VFY_OUTCOME_OK) {
        snprintf(v->summary, sizeof v->summary,
                 "genuine: Passive Authentication succeeded and the chip proved itself by %s",
                 v->chip_auth.outcome == VFY_OUTCOME_OK ? "Chip Authentication" : "Active Authentication");
        return;
    }
    v->clone_detection_unavailable = true;
    bool offered = v->active_auth.outcome == VFY_OUTCOME_NOT_CHECKED ||
                   v->chip_auth.outcome == VFY_OUTCOME_NOT_CHECKED;
    snprintf(v->summary, sizeof v->summary,
             "genuine data: Passive Authentication succeeded; clone detection was unavailable (%s)",
             offered ? "the chip was not asked to prove itself" : "the chip offers neither AA nor CA");
}
