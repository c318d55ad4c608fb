/*
 * The inspection procedure (verify/inspection.h): the order of ICAO 9303-11 and BSI
 * TR-03135 — access control and reading, the chip's proof while the document is on
 * the reader, Passive Authentication of what was read, the signed data's promises
 * held against what the chip did, then the seal and eligibility. Every step adds
 * checks; outcome.c alone turns them into outcomes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/fail.h"
#include "inspect/inspect_internal.h"
#include "pa/pa.h"
#include "verify/lds.h"

void inspect_add_check(vfy_inspection *r, const char *id, inspect_part part, vfy_outcome status,
                       vfy_status code, const char *fmt, ...)
{
    if (r->n_checks == INSPECT_MAX_CHECKS)
        return;
    inspect_check *c = &r->checks[r->n_checks++];
    c->id = id;
    c->part = part;
    c->status = status;
    c->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof c->reason, fmt, ap);
    va_end(ap);
}

void inspect_add_warning(vfy_inspection *r, const char *id, vfy_status code, const char *fmt, ...)
{
    if (r->n_warnings == INSPECT_MAX_WARNINGS)
        return;
    inspect_warning *w = &r->warnings[r->n_warnings++];
    w->id = id;
    w->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->message, sizeof w->message, fmt, ap);
    va_end(ap);
}

const inspect_check *inspect_find(const vfy_inspection *r, const char *id)
{
    for (size_t i = 0; i < r->n_checks; i++)
        if (strcmp(r->checks[i].id, id) == 0)
            return &r->checks[i];
    return NULL;
}

static void add_from(vfy_inspection *r, const char *id, const vfy_check_result *c)
{
    inspect_add_check(r, id, INSPECT_PART_DOCUMENT, c->outcome, c->status, "%s", c->reason);
}

/* The frozen ids of the data-group hash checks. */
static const char *const hash_ids[17] = {
    NULL,          "pa.hash.dg1",  "pa.hash.dg2",  "pa.hash.dg3",  "pa.hash.dg4",
    "pa.hash.dg5", "pa.hash.dg6",  "pa.hash.dg7",  "pa.hash.dg8",  "pa.hash.dg9",
    "pa.hash.dg10", "pa.hash.dg11", "pa.hash.dg12", "pa.hash.dg13", "pa.hash.dg14",
    "pa.hash.dg15", "pa.hash.dg16",
};

/* Data groups behind Extended Access Control: a chip refuses them without Terminal
 * Authentication, so their absence from a read is normal. */
static bool eac_protected(unsigned dg)
{
    return dg == 3 || dg == 4;
}

/* What the signed data promises: DG15 listed in EF.SOD means Active Authentication;
 * a ChipAuthenticationPublicKeyInfo in DG14 (whose hash Passive Authentication
 * checked) means Chip Authentication; a PACEInfo there means PACE. */
static void signed_promises(vfy_inspection *r, bool *pace_promised)
{
    *pace_promised = false;
    r->aa_offered = r->pa.dg_listed[15];
    r->ca_offered = false;
    const uint8_t *dg14;
    size_t len;
    vfy_security_infos infos;
    if (!r->pa.dg_listed[14])
        return;
    /* DG14 listed: the chip offers what DG14 says. If it was not delivered, the files
     * check fails the document anyway; count CA as promised so nothing reads genuine. */
    if (vfy_document_get_file(r->doc, (vfy_file_id)14, &dg14, &len) != VFY_OK) {
        r->ca_offered = true;
        return;
    }
    if (vfy_lds_parse_dg14(dg14, len, &infos, NULL) != VFY_OK) {
        r->ca_offered = true;
        return;
    }
    r->ca_offered = vfy_security_infos_find(&infos, VFY_SI_CHIP_AUTH_PUBLIC_KEY, NULL) != NULL;
    *pace_promised = vfy_security_infos_find(&infos, VFY_SI_PACE, NULL) != NULL;
    vfy_security_infos_free(&infos);
}

/* Every file EF.SOD lists is there: on a live read, anything less is a downgrade (a
 * genuine chip serves every file its security object lists); in saved files, the data
 * that is missing cannot be authenticated, so nothing better than unverified follows. */
static void check_files_complete(vfy_inspection *r)
{
    char missing[96] = "";
    size_t n = 0;
    for (unsigned dg = 1; dg <= 16; dg++) {
        if (!r->pa.dg_listed[dg] || eac_protected(dg) ||
            vfy_document_has_file(r->doc, (vfy_file_id)dg))
            continue;
        n += (size_t)snprintf(missing + n, n < sizeof missing ? sizeof missing - n : 0, "%sDG%u",
                              n ? ", " : "", dg);
        if (n >= sizeof missing)
            n = sizeof missing - 1;
    }
    bool no_sod = !vfy_document_has_file(r->doc, VFY_FILE_SOD);
    if (r->live && missing[0] != '\0')
        inspect_add_check(r, "read.files", INSPECT_PART_DOCUMENT, VFY_OUTCOME_FAILED,
                          VFY_E_DOWNGRADE,
                          "EF.SOD lists %s but the chip did not deliver it: a genuine chip "
                          "serves every file its security object lists",
                          missing);
    else if (r->live && no_sod)
        inspect_add_check(r, "read.files", INSPECT_PART_DOCUMENT, VFY_OUTCOME_FAILED,
                          VFY_E_DOWNGRADE, "the chip delivered no EF.SOD");
    else if (missing[0] != '\0')
        inspect_add_check(r, "read.files", INSPECT_PART_DOCUMENT, VFY_OUTCOME_NOT_CHECKED,
                          VFY_E_NOT_FOUND,
                          "EF.SOD lists %s but the saved files lack it: that data cannot be "
                          "authenticated",
                          missing);
    else if (no_sod)
        inspect_add_check(r, "read.files", INSPECT_PART_DOCUMENT, VFY_OUTCOME_NOT_CHECKED,
                          VFY_E_NOT_FOUND, "the saved files hold no EF.SOD");
    else
        inspect_add_check(r, "read.files", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK,
                          "%s every file EF.SOD lists%s",
                          r->live ? "the chip delivered" : "the saved files hold",
                          r->pa.dg_listed[3] || r->pa.dg_listed[4]
                              ? " (DG3/DG4 need Extended Access Control)"
                              : "");
}

/* Live reads: the chip was opened with the protocol its signed data promises. */
static void check_downgrade(vfy_inspection *r, bool pace_promised)
{
    if (pace_promised && r->access.protocol == VFY_ACCESS_BAC && !r->access.fell_back_to_bac) {
        inspect_add_check(r, "access.downgrade", INSPECT_PART_DOCUMENT, VFY_OUTCOME_FAILED,
                          VFY_E_DOWNGRADE,
                          "DG14 (signed) says the chip supports PACE, but the chip offered only "
                          "BAC");
    } else if (pace_promised && r->access.fell_back_to_bac) {
        inspect_add_check(r, "access.downgrade", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK,
                          "the chip offers PACE, as DG14 says; BAC was used after PACE failed, "
                          "as the caller's policy allows");
        inspect_add_warning(r, "access.bac_fallback", VFY_E_DOWNGRADE,
                            "PACE failed and BAC was used instead (the caller's policy allows "
                            "it): an officer should look at the document");
    } else {
        inspect_add_check(r, "access.downgrade", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK,
                          "the chip was opened with %s, as its signed data allows",
                          vfy_access_protocol_name(r->access.protocol));
    }
}

/* The chip's proof, as the signed data requires it. */
static void add_chip_checks(vfy_inspection *r)
{
    if (!r->live) {
        inspect_add_check(r, "access.control", INSPECT_PART_DOCUMENT, VFY_OUTCOME_NOT_CHECKED,
                          VFY_OK, "saved files: no chip was read here");
        inspect_add_check(r, "chip.ca", INSPECT_PART_DOCUMENT, VFY_OUTCOME_NOT_CHECKED, VFY_OK,
                          "saved files: a chip can prove itself only while it is on the reader");
        inspect_add_check(r, "chip.aa", INSPECT_PART_DOCUMENT, VFY_OUTCOME_NOT_CHECKED, VFY_OK,
                          "saved files: a chip can prove itself only while it is on the reader");
        return;
    }
    add_from(r, "access.control", &r->pa.access_control);
    add_from(r, "chip.ca", &r->pa.chip_auth);
    add_from(r, "chip.aa", &r->pa.active_auth);
}

static void add_pa_checks(vfy_inspection *r)
{
    add_from(r, "pa.sod_signature", &r->pa.sod_signature);
    add_from(r, "pa.ds_chain", &r->pa.ds_chain);
    add_from(r, "pa.ds_validity", &r->pa.ds_validity);
    add_from(r, "pa.crl", &r->pa.crl);
    for (unsigned dg = 1; dg <= 16; dg++) {
        const vfy_check_result *c = &r->pa.dg_hashes[dg];
        if (!r->pa.dg_listed[dg] && c->outcome != VFY_OUTCOME_FAILED)
            continue;
        add_from(r, hash_ids[dg], c);
    }
    add_from(r, "pa.dg1_mrz", &r->pa.dg1_matches_mrz);
    add_from(r, "pa.issuer_country", &r->pa.issuer_country);
}

/* The first check of EF.CardSecurity's verification that did not hold, or NULL. */
static const vfy_check_result *cs_failure(const pa_cs_result *cs)
{
    const vfy_check_result *all[] = { &cs->signature, &cs->content, &cs->ds_chain,
                                      &cs->ds_validity, &cs->crl };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->outcome == VFY_OUTCOME_FAILED)
            return all[i];
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->outcome != VFY_OUTCOME_OK && all[i] != &cs->crl)
            return all[i];
    return NULL;
}

/* Overrides a check already added (the chip's CAM result once CardSecurity is judged). */
static void demote(vfy_inspection *r, const char *id, vfy_outcome status, vfy_status code,
                   const char *reason)
{
    for (size_t i = 0; i < r->n_checks; i++)
        if (strcmp(r->checks[i].id, id) == 0 && r->checks[i].status == VFY_OUTCOME_OK) {
            r->checks[i].status = status;
            r->checks[i].code = code;
            snprintf(r->checks[i].reason, sizeof r->checks[i].reason, "%s", reason);
        }
}

/* EF.CardSecurity (TR-03110): its SignedData verified like EF.SOD against the same trust
 * store, by a document signer of the same state. The Chip Authentication key it vouches
 * for is a promise of the chip (CA offered), and PACE-CAM counts only when it verifies. */
static void check_card_security(vfy_inspection *r, const vfy_inspect_options *o)
{
    bool cam = r->live && r->access.protocol == VFY_ACCESS_PACE &&
               strcmp(r->access.mapping, "CAM") == 0;
    const uint8_t *data;
    size_t len;
    if (vfy_document_get_file(r->doc, VFY_FILE_CARD_SECURITY, &data, &len) != VFY_OK) {
        if (cam) {
            inspect_add_check(r, "chip.card_security", INSPECT_PART_DOCUMENT,
                              VFY_OUTCOME_NOT_CHECKED, VFY_E_NOT_FOUND,
                              "the chip was opened with PACE-CAM but gave no EF.CardSecurity "
                              "to prove its chip authentication key");
            demote(r, "chip.ca", VFY_OUTCOME_NOT_CHECKED, VFY_E_NOT_FOUND,
                   "PACE-CAM counts only when EF.CardSecurity verifies, and the chip gave none");
        } else {
            inspect_add_check(r, "chip.card_security", INSPECT_PART_DOCUMENT,
                              VFY_OUTCOME_NOT_SUPPORTED, VFY_OK, "no EF.CardSecurity");
        }
        return;
    }
    pa_policy policy = { o->min_rsa_bits ? o->min_rsa_bits : 1024, o->refuse_sha1 };
    pa_cs_result cs;
    memset(&cs, 0, sizeof cs);
    if (pa_verify_card_security(data, len, o->trust, r->at, &policy, &cs) != VFY_OK) {
        inspect_add_check(r, "chip.card_security", INSPECT_PART_DOCUMENT, VFY_OUTCOME_FAILED,
                          VFY_E_INTERNAL, "EF.CardSecurity could not be checked");
        pa_cs_result_free(&cs);
        return;
    }
    const vfy_check_result *bad = cs_failure(&cs);
    if (bad != NULL) {
        inspect_add_check(r, "chip.card_security", INSPECT_PART_DOCUMENT, bad->outcome,
                          bad->status, "EF.CardSecurity: %s", bad->reason);
    } else if (cs.ds_country[0] != '\0' && r->pa.ds_country[0] != '\0' &&
               strcmp(cs.ds_country, r->pa.ds_country) != 0) {
        inspect_add_check(r, "chip.card_security", INSPECT_PART_DOCUMENT, VFY_OUTCOME_FAILED,
                          VFY_E_MISMATCH,
                          "EF.CardSecurity is signed by a document signer of %s, EF.SOD by one "
                          "of %s",
                          cs.ds_country, r->pa.ds_country);
    } else {
        inspect_add_check(r, "chip.card_security", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK,
                          "EF.CardSecurity's %s signature verifies with a document signer of "
                          "the trust store%s",
                          cs.signature_algorithm,
                          cs.crl.outcome == VFY_OUTCOME_OK ? "" : " (revocation not confirmed)");
        const vfy_security_infos *vouched = pa_cs_vouched(&cs);
        if (vouched != NULL && vfy_security_infos_find(vouched, VFY_SI_CHIP_AUTH_PUBLIC_KEY, NULL))
            r->ca_offered = true;
    }
    const inspect_check *c = inspect_find(r, "chip.card_security");
    if (cam && (c == NULL || c->status != VFY_OUTCOME_OK))
        demote(r, "chip.ca", VFY_OUTCOME_NOT_CHECKED,
               c != NULL ? c->code : VFY_E_INTERNAL,
               "PACE-CAM counts only when EF.CardSecurity verifies, and it did not");
    pa_cs_result_free(&cs);
}

/* The traveller's MRZ as the chip's DG1 holds it. */
static bool dg1_mrz(const vfy_document *doc, vfy_mrz *out)
{
    const uint8_t *data;
    size_t len;
    vfy_bytes text;
    if (vfy_document_get_file(doc, VFY_FILE_DG1, &data, &len) != VFY_OK ||
        vfy_lds_dg1_mrz(data, len, &text, NULL) != VFY_OK)
        return false;
    return vfy_mrz_parse((const char *)text.data, text.len, NULL, out, NULL) == VFY_OK;
}

static void check_seal(vfy_inspection *r, const vfy_inspect_options *o, const vfy_mrz *passport)
{
    r->has_seal = true;
    r->seal_verdict = VFY_SEAL_INVALID;
    vfy_seal_options so = { .trust = o->trust, .signers = o->seal_signers, .passport = passport,
                            .now = r->at };
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_seal_verify(o->seal, o->seal_len, &so, &r->seal, &d);
    if (r->seal == NULL) {
        inspect_add_check(r, "seal.verify", INSPECT_PART_SEAL, VFY_OUTCOME_FAILED, s,
                          "the seal could not be examined: %s",
                          d.message[0] ? d.message : vfy_strerror(s));
        return;
    }
    const vfy_seal_result *sr = r->seal;
    r->seal_verdict = sr->verdict;
    if (sr->verdict == VFY_SEAL_VALID)
        inspect_add_check(r, "seal.verify", INSPECT_PART_SEAL, VFY_OUTCOME_OK, VFY_OK,
                          "the %s seal's signature verifies with a barcode signer of the trust "
                          "store",
                          vfy_seal_kind_name(sr->kind));
    else
        inspect_add_check(r, "seal.verify", INSPECT_PART_SEAL,
                          sr->verdict == VFY_SEAL_INVALID ? VFY_OUTCOME_FAILED
                                                          : VFY_OUTCOME_NOT_CHECKED,
                          sr->status, "%s",
                          sr->detail.message[0] ? sr->detail.message : vfy_strerror(sr->status));

    /* A seal proves something about a traveller only when it is bound to this passport. */
    if (passport == NULL) {
        inspect_add_check(r, "seal.passport_match", INSPECT_PART_SEAL, VFY_OUTCOME_NOT_CHECKED,
                          VFY_E_NOT_FOUND,
                          "the chip's DG1 holds no readable MRZ to compare the seal with");
        if (r->seal_verdict == VFY_SEAL_VALID)
            r->seal_verdict = VFY_SEAL_UNVERIFIED;
    } else if (!sr->mrz_checked) {
        inspect_add_check(r, "seal.passport_match", INSPECT_PART_SEAL, VFY_OUTCOME_NOT_CHECKED,
                          VFY_E_NOT_FOUND,
                          "the seal carries no visa MRZ or passport number to compare with the "
                          "passport");
        if (r->seal_verdict == VFY_SEAL_VALID)
            r->seal_verdict = VFY_SEAL_UNVERIFIED;
    } else if (sr->mismatch_count > 0) {
        inspect_add_check(r, "seal.passport_match", INSPECT_PART_SEAL, VFY_OUTCOME_FAILED,
                          VFY_E_MISMATCH,
                          "the seal was issued for another passport: its %s differs from the "
                          "chip's",
                          sr->mismatches[0].field);
        r->seal_verdict = VFY_SEAL_INVALID;
    } else {
        inspect_add_check(r, "seal.passport_match", INSPECT_PART_SEAL, VFY_OUTCOME_OK, VFY_OK,
                          "the seal's name, nationality, birth date, sex and passport number "
                          "match the chip's DG1");
    }
}

static void check_eligibility(vfy_inspection *r, const vfy_inspect_options *o,
                              const vfy_mrz *traveller)
{
    r->eligibility_asked = true;
    vfy_detail d;
    vfy_detail_clear(&d);
    if (traveller == NULL) {
        inspect_add_check(r, "eligibility.evaluate", INSPECT_PART_ELIGIBILITY,
                          VFY_OUTCOME_NOT_CHECKED, VFY_E_NOT_FOUND,
                          "the chip's DG1 holds no readable MRZ: the traveller is unknown");
        return;
    }
    /* The traveller is the one the chip describes, whatever the case file says. */
    vfy_status s = vfy_rules_case_set_border_crossing_if_missing(o->eligibility_case, r->at, NULL);
    if (s == VFY_OK)
        s = vfy_rules_case_set_traveller_from_mrz(o->eligibility_case, traveller, &d);
    if (s == VFY_OK)
        s = vfy_rules_evaluate(o->rules, o->eligibility_case, NULL, &r->decision, &d);
    if (s != VFY_OK) {
        inspect_add_check(r, "eligibility.evaluate", INSPECT_PART_ELIGIBILITY,
                          VFY_OUTCOME_FAILED, s, "no eligibility decision: %s",
                          d.message[0] ? d.message : vfy_strerror(s));
        return;
    }
    inspect_add_check(r, "eligibility.evaluate", INSPECT_PART_ELIGIBILITY, VFY_OUTCOME_OK, VFY_OK,
                      "decided for the traveller of the chip's DG1");
}

static vfy_status validate(const vfy_inspect_options *o, vfy_inspection **out, vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "inspect", "no result pointer");
    *out = NULL;
    if (o != NULL && o->size != sizeof *o)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "inspect",
                        "the options were built for another version of libverify: initialise "
                        "them with VFY_INSPECT_OPTIONS_INIT");
    if (o != NULL && (o->rules == NULL) != (o->eligibility_case == NULL))
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "inspect",
                        "eligibility needs both a rules engine and a case");
    if (o != NULL && o->seal == NULL && o->seal_len != 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "inspect", "a seal length without a seal");
    return VFY_OK;
}

static vfy_status new_result(const vfy_inspect_options *o, bool live, vfy_inspection **out)
{
    vfy_inspection *r = calloc(1, sizeof *r);
    if (r == NULL)
        return VFY_E_NO_MEMORY;
    r->live = live;
    r->at = o->at != 0 ? o->at : time(NULL);
    r->at_source = o->at != 0 ? VFY_TIME_CALLER : VFY_TIME_SYSTEM_CLOCK;
    r->crl_policy = o->crl_policy;
    r->gate_policy = o->gate_policy;
    r->gate_policy_ctx = o->gate_policy_ctx;
    *out = r;
    return VFY_OK;
}

/* Everything after the files are in r->doc (and, live, the chip's proof in `chip`). */
static vfy_status judge(vfy_inspection *r, const vfy_inspect_options *o,
                        const vfy_chip_checks *chip, vfy_detail *detail)
{
    vfy_verify_options vo = { .at = r->at, .mrz = o->mrz, .min_rsa_bits = o->min_rsa_bits,
                              .refuse_sha1 = o->refuse_sha1, .chip = chip };
    VFY_TRY(vfy_verify_document(r->doc, o->trust, &vo, &r->pa, detail));
    r->crl_this_update = r->pa.crl_this_update;
    r->trust_built_at = o->trust != NULL ? vfy_trust_built_at(o->trust) : 0;
    if (o->trust != NULL && vfy_trust_digest(o->trust, r->trust_digest) == VFY_OK)
        r->has_trust_digest = true;

    bool pace_promised;
    signed_promises(r, &pace_promised);
    add_chip_checks(r);
    check_card_security(r, o);
    check_files_complete(r);
    if (r->live)
        check_downgrade(r, pace_promised);
    add_pa_checks(r);

    if (o->seal != NULL || o->eligibility_case != NULL) {
        vfy_mrz *traveller = malloc(sizeof *traveller);
        if (traveller == NULL)
            return vfy_fail(detail, VFY_E_NO_MEMORY, "inspect", "out of memory");
        bool have = dg1_mrz(r->doc, traveller);
        if (o->seal != NULL)
            check_seal(r, o, have ? traveller : NULL);
        if (o->eligibility_case != NULL)
            check_eligibility(r, o, have ? traveller : NULL);
        sodium_memzero(traveller, sizeof *traveller);
        free(traveller);
    }
    inspect_decide(r);
    return VFY_OK;
}

vfy_status vfy_inspect_session(vfy_session *session, const vfy_access_key *key,
                               const vfy_inspect_options *options, vfy_inspection **out,
                               vfy_detail *detail)
{
    vfy_inspect_options defaults = VFY_INSPECT_OPTIONS_INIT;
    VFY_TRY(validate(options, out, detail));
    const vfy_inspect_options *o = options != NULL ? options : &defaults;
    if (session == NULL || key == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "inspect", "no session or access key");
    vfy_inspection *r;
    vfy_status s = new_result(o, true, &r);
    if (s != VFY_OK)
        return vfy_fail(detail, s, "inspect", "out of memory");
    s = vfy_document_new(&r->doc);
    /* Access control and the read: a failure here means there is no result (exit 3). */
    if (s == VFY_OK)
        s = vfy_session_read_document(session, key, o->read, r->doc, detail);
    vfy_chip_checks chip;
    memset(&chip, 0, sizeof chip);
    /* The chip proves itself while it is on the reader. */
    if (s == VFY_OK)
        s = vfy_session_authenticate(session, r->doc, &chip, detail);
    vfy_session_access(session, &r->access);
    vfy_session_stats(session, &r->stats);
    if (s == VFY_OK)
        s = judge(r, o, &chip, detail);
    if (s != VFY_OK) {
        vfy_inspection_free(r);
        return s;
    }
    *out = r;
    return VFY_OK;
}

static vfy_status copy_document(const vfy_document *from, vfy_document *to)
{
    for (int id = VFY_FILE_DG1; id < VFY_FILE_COUNT; id++) {
        const uint8_t *data;
        size_t len;
        if (vfy_document_get_file(from, (vfy_file_id)id, &data, &len) == VFY_OK)
            VFY_TRY(vfy_document_set_file(to, (vfy_file_id)id, data, len));
    }
    return VFY_OK;
}

vfy_status vfy_inspect_files(const vfy_document *document, const vfy_inspect_options *options,
                             vfy_inspection **out, vfy_detail *detail)
{
    vfy_inspect_options defaults = VFY_INSPECT_OPTIONS_INIT;
    VFY_TRY(validate(options, out, detail));
    const vfy_inspect_options *o = options != NULL ? options : &defaults;
    if (document == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "inspect", "no document");
    vfy_inspection *r;
    vfy_status s = new_result(o, false, &r);
    if (s != VFY_OK)
        return vfy_fail(detail, s, "inspect", "out of memory");
    s = vfy_document_new(&r->doc);
    if (s == VFY_OK)
        s = copy_document(document, r->doc);
    if (s != VFY_OK)
        s = vfy_fail(detail, s, "inspect", "the document could not be copied");
    if (s == VFY_OK)
        s = judge(r, o, NULL, detail);
    if (s != VFY_OK) {
        vfy_inspection_free(r);
        return s;
    }
    *out = r;
    return VFY_OK;
}

void vfy_inspection_free(vfy_inspection *r)
{
    if (r == NULL)
        return;
    vfy_document_free(r->doc);
    vfy_seal_result_free(r->seal);
    vfy_rules_decision_free(r->decision);
    sodium_memzero(r, sizeof *r);
    free(r);
}
