/*
 * The inspection's outcome rules (libverify/inspect/outcome.c) case by case, against the
 * table in docs/verdict.md (quoted at the top of outcome.c): a live read whose signed
 * data offers Chip or Active Authentication is genuine only when that proof held, and
 * unverified when it was not obtained; a genuine document presented with a seal that
 * cannot be verified is unverified overall; an eligibility question without a decision
 * sends the traveller to an officer. Inspections are assembled from checks through the
 * internal header, so that each rule is met alone. Then the read-only accessors on
 * NULL and the check/warning capacity limits, and offline inspections of a document
 * without DG1 presented with a seal (issue 12 coverage).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faults.h"
#include "inspect/inspect_internal.h"
#include "specimen/specimen_internal.h"
#include "support.h"
#include "test_rules_support.h"
#include "verify.h"
#include "verify/sim.h"

static const char *const pa_ids[] = {
    "pa.sod_signature", "pa.ds_chain", "pa.ds_validity", "pa.issuer_country", "pa.hash.dg1",
    "read.files",
};

/* A live (or offline) inspection whose Passive Authentication holds. */
static vfy_inspection *pa_holds(bool live)
{
    vfy_inspection *r = calloc(1, sizeof *r);
    cr_assert_not_null(r);
    r->live = live;
    r->at = 1700000000;
    for (size_t i = 0; i < sizeof pa_ids / sizeof pa_ids[0]; i++)
        inspect_add_check(r, pa_ids[i], INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "holds");
    return r;
}

Test(cov2_seal_inspect, ca_offered_but_not_obtained_is_unverified)
{
    vfy_inspection *r = pa_holds(true);
    r->ca_offered = true;
    r->aa_offered = true;
    inspect_add_check(r, "chip.aa", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "AA held");
    inspect_decide(r);
    cr_assert_eq(r->document_outcome, VFY_INSPECTION_UNVERIFIED);
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_UNVERIFIED);
    cr_assert_str_eq(vfy_inspection_summary(r),
                     "unverified: the signed data offers Chip Authentication, but the chip's proof "
                     "was not obtained");
    cr_assert_eq(vfy_inspection_gate(r), VFY_GATE_REFER);
    vfy_inspection_free(r);
}

Test(cov2_seal_inspect, aa_offered_but_not_obtained_is_unverified)
{
    vfy_inspection *r = pa_holds(true);
    r->aa_offered = true;
    inspect_add_check(r, "chip.aa", INSPECT_PART_DOCUMENT, VFY_OUTCOME_NOT_CHECKED, VFY_E_NOT_FOUND,
                      "not performed");
    inspect_decide(r);
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_UNVERIFIED);
    cr_assert_str_eq(vfy_inspection_summary(r),
                     "unverified: the signed data offers Active Authentication, but the chip's "
                     "proof was not obtained");
    vfy_inspection_free(r);
}

Test(cov2_seal_inspect, ca_alone_or_aa_alone_that_held_is_genuine)
{
    vfy_inspection *r = pa_holds(true);
    r->ca_offered = true;
    inspect_add_check(r, "chip.ca", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "CA held");
    inspect_decide(r);
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_GENUINE);
    cr_assert_str_eq(vfy_inspection_summary(r),
                     "genuine: Passive Authentication holds and the chip proved itself by Chip "
                     "Authentication");
    cr_assert_eq(vfy_inspection_gate(r), VFY_GATE_ACCEPT);
    cr_assert_eq(vfy_inspection_exit_code(r), 0);
    vfy_inspection_free(r);

    r = pa_holds(true);
    r->aa_offered = true;
    inspect_add_check(r, "chip.aa", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "AA held");
    inspect_decide(r);
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_GENUINE);
    cr_assert_str_eq(vfy_inspection_summary(r),
                     "genuine: Passive Authentication holds and the chip proved itself by Active "
                     "Authentication");
    vfy_inspection_free(r);
}

/* A genuine document with a seal whose verdict is unverified: unverified overall, the
 * summary naming the seal check that did not hold (or a generic reason without one). */
Test(cov2_seal_inspect, genuine_document_with_an_unverified_seal_is_unverified)
{
    vfy_inspection *r = pa_holds(true);
    r->ca_offered = true;
    inspect_add_check(r, "chip.ca", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "CA held");
    r->has_seal = true;
    r->seal_verdict = VFY_SEAL_UNVERIFIED;
    inspect_add_check(r, "seal.verify", INSPECT_PART_SEAL, VFY_OUTCOME_OK, VFY_OK, "parsed");
    inspect_add_check(r, "seal.signer", INSPECT_PART_SEAL, VFY_OUTCOME_NOT_CHECKED,
                      VFY_E_SEAL_SIGNER_UNKNOWN, "no signer certificate");
    inspect_decide(r);
    cr_assert_eq(r->document_outcome, VFY_INSPECTION_GENUINE);
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_UNVERIFIED);
    cr_assert_str_eq(vfy_inspection_summary(r), "unverified: the visa seal: no signer certificate");
    cr_assert_eq(vfy_inspection_gate(r), VFY_GATE_REFER);
    cr_assert_eq(vfy_inspection_exit_code(r), 4);
    vfy_inspection_free(r);

    r = pa_holds(true);
    r->aa_offered = true;
    inspect_add_check(r, "chip.aa", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "AA held");
    r->has_seal = true;
    r->seal_verdict = VFY_SEAL_UNVERIFIED;
    inspect_decide(r);
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_UNVERIFIED);
    cr_assert_str_eq(vfy_inspection_summary(r), "unverified: the visa seal: it could not be verified");
    vfy_inspection_free(r);
}

/* Eligibility asked but no decision (it could not be made): refer, never accept. */
Test(cov2_seal_inspect, eligibility_without_a_decision_refers)
{
    vfy_inspection *r = pa_holds(true);
    r->ca_offered = true;
    inspect_add_check(r, "chip.ca", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "CA held");
    r->eligibility_asked = true;
    inspect_decide(r);
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_GENUINE);
    cr_assert_eq(vfy_gate_default(r), VFY_GATE_REFER);
    cr_assert_eq(vfy_inspection_gate(r), VFY_GATE_REFER);
    r->eligibility_asked = false;
    cr_assert_eq(vfy_gate_default(r), VFY_GATE_ACCEPT);
    vfy_inspection_free(r);
}

/* ---- capacity and look-ups ----------------------------------------------------------- */

Test(cov2_seal_inspect, checks_and_warnings_past_capacity_are_dropped)
{
    vfy_inspection *r = calloc(1, sizeof *r);
    for (int i = 0; i < INSPECT_MAX_CHECKS + 3; i++)
        inspect_add_check(r, i < INSPECT_MAX_CHECKS ? "x.check" : "x.extra", INSPECT_PART_DOCUMENT,
                          VFY_OUTCOME_OK, VFY_OK, "%d", i);
    cr_assert_eq(vfy_inspection_check_count(r), INSPECT_MAX_CHECKS);
    cr_assert_null(inspect_find(r, "x.extra"));
    cr_assert_null(inspect_find(r, "no.such"));
    for (int i = 0; i < INSPECT_MAX_WARNINGS + 2; i++)
        inspect_add_warning(r, "w", VFY_E_CLOCK, "%d", i);
    cr_assert_eq(vfy_inspection_warning_count(r), INSPECT_MAX_WARNINGS);
    vfy_inspection_check c;
    cr_assert_not(vfy_inspection_check_get(r, "no.such", &c));
    cr_assert_not(vfy_inspection_check_get(r, "x.check", NULL));
    cr_assert(vfy_inspection_check_get(r, "x.check", &c));
    cr_assert_str_eq(c.reason, "0"); /* the first of that id */
    vfy_inspection_free(r);
}

Test(cov2_seal_inspect, accessors_on_null)
{
    cr_assert_eq(vfy_inspection_check_count(NULL), 0);
    vfy_inspection_signer si;
    memset(&si, 0x5A, sizeof si);
    vfy_inspection_signer_info(NULL, &si);
    cr_assert_null(si.ds_subject); /* cleared */
    vfy_inspection_signer_info(NULL, NULL);
    vfy_inspection *r = calloc(1, sizeof *r);
    vfy_inspection_access(r, NULL);
    vfy_inspection_stats(r, NULL);
    vfy_face_match m = { .score = 0.9, .threshold = 0.5, .matched = true };
    cr_assert_eq(vfy_inspection_set_face_match(NULL, &m), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_inspection_set_face_match(r, NULL), VFY_E_INVALID_ARGUMENT);
    cr_assert_str_eq(vfy_gate_name(VFY_GATE_ACCEPT), "accept");
    cr_assert_str_eq(vfy_gate_name(VFY_GATE_REJECT), "reject");
    vfy_inspection_free(r);
}

/* ---- offline inspections with a seal -------------------------------------------------- */

static uint8_t *annex_f(size_t *n)
{
    char p[1024];
    size_t len;
    uint8_t *text = read_file_or_fail(SHARED_PATH("vectors/vds/vds/bsi_annexF_visa_mrvb.hex", p), &len);
    char *hex = calloc(1, len + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] != '\n' && text[i] != '\r')
            hex[k++] = (char)text[i];
    free(text);
    uint8_t *bin = hex_decode(hex, n);
    free(hex);
    return bin;
}

/* No file at all: read.files not checked (no SOD), and the seal cannot be bound to a
 * passport (no DG1): seal.passport_match not checked; the seal (no trust) unverified. */
Test(cov2_seal_inspect, empty_document_with_a_seal)
{
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    size_t n;
    uint8_t *seal = annex_f(&n);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.seal = seal;
    o.seal_len = n;
    vfy_inspection *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_inspect_files(doc, &o, &r, &d), VFY_OK, "%s", d.message);
    vfy_inspection_check c;
    cr_assert(vfy_inspection_check_get(r, "read.files", &c));
    cr_assert_eq(c.status, VFY_OUTCOME_NOT_CHECKED, "%s", c.reason);
    cr_assert(vfy_inspection_check_get(r, "seal.passport_match", &c));
    cr_assert_eq(c.status, VFY_OUTCOME_NOT_CHECKED, "%s", c.reason);
    cr_assert_eq(c.code, VFY_E_NOT_FOUND);
    cr_assert_str_eq(c.reason, "the chip's DG1 holds no readable MRZ to compare the seal with");
    cr_assert_eq(vfy_inspection_seal_verdict(r), VFY_SEAL_UNVERIFIED);
    cr_assert_neq(vfy_inspection_get_outcome(r), VFY_INSPECTION_GENUINE);
    cr_assert_neq(vfy_inspection_gate(r), VFY_GATE_ACCEPT);
    cr_assert_null(vfy_inspection_to_json(NULL, 0));
    /* JSON: no DG1, so no MRZ; a face comparison recorded appears as given */
    vfy_face_match m = { .score = 0.25, .threshold = 0.5, .matched = false };
    snprintf(m.method, sizeof m.method, "test");
    cr_assert_eq(vfy_inspection_set_face_match(r, &m), VFY_OK);
    cr_assert_eq(vfy_inspection_gate(r), VFY_GATE_REJECT); /* invalid stays rejected */
    char *text = vfy_inspection_to_json(r, VFY_INSPECTION_JSON_MRZ);
    json_t *j = json_parse_or_fail(text);
    json_t *mrz = json_object_get(j, "mrz");
    cr_assert(mrz != NULL && json_is_null(mrz), "%s", text);
    json_t *fm = json_object_get(j, "face_match");
    cr_assert(json_is_object(fm), "%s", text);
    cr_assert_float_eq(json_real_value(json_object_get(fm, "score")), 0.25, 1e-9);
    cr_assert_float_eq(json_real_value(json_object_get(fm, "threshold")), 0.5, 1e-9);
    cr_assert(json_is_false(json_object_get(fm, "matched")));
    json_decref(j);
    vfy_free(text);
    vfy_inspection_free(r);
    free(seal);
    vfy_document_free(doc);
}

/* Failed allocations during an offline inspection of the specimen passport with the
 * Annex F visa seal (another traveller: DENT ARTHUR PHILIP): the unfailed run is
 * invalid (the seal does not match the passport); a failed allocation gives either no
 * result (out of memory) or one that is no better: still invalid, never accepted. */
struct insp_fx {
    specimen s;
    uint8_t *seal;
    size_t n;
    vfy_inspection_outcome want;
};

static void insp_op(void *ctx, bool injected)
{
    struct insp_fx *f = ctx;
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.seal = f->seal;
    o.seal_len = f->n;
    vfy_inspection *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    fault_enter();
    vfy_status s = vfy_inspect_files(f->s.doc, &o, &r, &d);
    fault_leave();
    if (!injected) {
        cr_assert_eq(s, VFY_OK, "%s", d.message);
        f->want = vfy_inspection_get_outcome(r);
        cr_assert_eq(f->want, VFY_INSPECTION_INVALID, "%s", vfy_inspection_summary(r));
        cr_assert(strstr(vfy_inspection_summary(r), "does not match the passport") != NULL, "%s",
                  vfy_inspection_summary(r));
    } else if (r == NULL) {
        cr_assert_eq(s, VFY_E_NO_MEMORY, "%s: %s", vfy_status_name(s), d.message);
    } else {
        vfy_inspection_outcome got = vfy_inspection_get_outcome(r);
        cr_assert_eq(got, VFY_INSPECTION_INVALID, "a failed allocation gave %s: %s",
                     vfy_inspection_outcome_name(got), vfy_inspection_summary(r));
        cr_assert_eq(vfy_inspection_gate(r), VFY_GATE_REJECT);
    }
    vfy_inspection_free(r);
}

Test(cov2_seal_inspect, offline_inspection_with_a_seal_under_failed_allocations, .timeout = 600)
{
    struct insp_fx f;
    memset(&f, 0, sizeof f);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(specimen_build(NULL, NULL, &f.s, &d), VFY_OK, "%s", d.message);
    f.seal = annex_f(&f.n);
    struct fault_sweep_result res = fault_sweep(insp_op, &f, 300);
    cr_assert_gt(res.fired, 0);
    free(f.seal);
    specimen_free(&f.s);
}

/* The same with a document holding no file: few enough allocations that every one is
 * failed in turn. Unfailed: invalid (no EF.SOD); failed: no result (out of memory) or
 * still invalid. */
static void empty_op(void *ctx, bool injected)
{
    struct insp_fx *f = ctx;
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.seal = f->seal;
    o.seal_len = f->n;
    vfy_inspection *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    fault_enter();
    vfy_status s = vfy_inspect_files(doc, &o, &r, &d);
    fault_leave();
    if (!injected) {
        cr_assert_eq(s, VFY_OK, "%s", d.message);
        cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_INVALID, "%s",
                     vfy_inspection_summary(r));
    } else if (r == NULL) {
        cr_assert_eq(s, VFY_E_NO_MEMORY, "%s: %s", vfy_status_name(s), d.message);
    } else {
        vfy_inspection_outcome got = vfy_inspection_get_outcome(r);
        cr_assert_eq(got, VFY_INSPECTION_INVALID, "%s", vfy_inspection_summary(r));
        cr_assert_eq(vfy_inspection_gate(r), VFY_GATE_REJECT);
        if (vfy_inspection_seal(r) == NULL) {
            /* the seal could not even be examined: a failed check, out of memory */
            vfy_inspection_check c;
            cr_assert(vfy_inspection_check_get(r, "seal.verify", &c));
            cr_assert_eq(c.status, VFY_OUTCOME_FAILED);
            cr_assert_eq(c.code, VFY_E_NO_MEMORY);
            cr_assert_eq(got, VFY_INSPECTION_INVALID);
        }
    }
    vfy_inspection_free(r);
    vfy_document_free(doc);
}

Test(cov2_seal_inspect, empty_document_with_a_seal_under_failed_allocations, .timeout = 600)
{
    struct insp_fx f;
    memset(&f, 0, sizeof f);
    f.seal = annex_f(&f.n);
    struct fault_sweep_result res = fault_sweep(empty_op, &f, 2000);
    cr_assert_gt(res.fired, 0);
    free(f.seal);
}

/* A real eligibility decision: the gate refers exactly when some dimension is left to
 * an officer, read independently from the decision's JSON (test_rules_support). */
static void gate_with_decision(const char *case_name)
{
    vfy_rules_engine *e = rules_engine(VFY_RULES_TEST, NULL);
    vfy_rules_case *c = rules_case(case_name);
    vfy_rules_decision *dec = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_evaluate(e, c, NULL, &dec, &d), VFY_OK, "%s", d.message);
    json_t *j = rules_api(VFY_RULES_TEST, NULL, case_name);
    bool officer = false;
    for (int dim = 0; dim < VFY_RULES_DIM_COUNT; dim++) {
        const char *m = rules_modality(j, vfy_rules_dimension_name((vfy_rules_dimension)dim));
        officer = officer || (m != NULL && strcmp(m, "officer_review") == 0);
    }
    json_decref(j);
    vfy_inspection *r = pa_holds(true);
    r->ca_offered = true;
    inspect_add_check(r, "chip.ca", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "CA held");
    r->eligibility_asked = true;
    r->decision = dec; /* the inspection owns it now */
    inspect_decide(r);
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_GENUINE);
    cr_assert_eq(vfy_inspection_gate(r), officer ? VFY_GATE_REFER : VFY_GATE_ACCEPT, "%s: officer %d",
                 case_name, officer);
    vfy_inspection_free(r);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
}

Test(cov2_seal_inspect, gate_follows_the_decision_of_a_plain_case)
{
    gate_with_decision("e01-adult-tourist");
}

Test(cov2_seal_inspect, gate_follows_the_decision_of_a_case_needing_an_officer)
{
    gate_with_decision("bc-kaz-history-not-given");
}

/* Eligibility asked for a document without DG1: the traveller is unknown, so no
 * decision: not checked, and the gate refers. */
Test(cov2_seal_inspect, eligibility_without_dg1_is_not_checked)
{
    vfy_rules_engine *e = rules_engine(VFY_RULES_TEST, NULL);
    vfy_rules_case *c = rules_case("e01-adult-tourist");
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.rules = e;
    o.eligibility_case = c;
    vfy_inspection *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_inspect_files(doc, &o, &r, &d), VFY_OK, "%s", d.message);
    vfy_inspection_check ch;
    cr_assert(vfy_inspection_check_get(r, "eligibility.evaluate", &ch));
    cr_assert_eq(ch.status, VFY_OUTCOME_NOT_CHECKED);
    cr_assert_eq(ch.code, VFY_E_NOT_FOUND);
    cr_assert_str_eq(ch.reason, "the chip's DG1 holds no readable MRZ: the traveller is unknown");
    cr_assert_null(vfy_inspection_decision(r));
    cr_assert_neq(vfy_inspection_gate(r), VFY_GATE_ACCEPT);
    vfy_inspection_free(r);
    vfy_document_free(doc);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
}

/* DG14 listed in the SOD but replaced by bytes that are no DG14: its hash fails (the
 * document is invalid) and Chip Authentication counts as offered, so nothing about the
 * chip could read genuine. */
Test(cov2_seal_inspect, unparsable_dg14_counts_as_offering_chip_authentication)
{
    specimen s;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(specimen_build(NULL, NULL, &s, &d), VFY_OK, "%s", d.message);
    cr_assert(vfy_document_has_file(s.doc, (vfy_file_id)14), "the specimen has no DG14");
    static const uint8_t junk[] = { 0x6E, 0x03, 0x04, 0x01, 0x00 };
    cr_assert_eq(vfy_document_set_file(s.doc, (vfy_file_id)14, junk, sizeof junk), VFY_OK);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    vfy_inspection *r = NULL;
    cr_assert_eq(vfy_inspect_files(s.doc, &o, &r, &d), VFY_OK, "%s", d.message);
    cr_assert(r->ca_offered);
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_INVALID, "%s", vfy_inspection_summary(r));
    cr_assert_eq(vfy_inspection_gate(r), VFY_GATE_REJECT);
    vfy_inspection_free(r);
    specimen_free(&s);
}

/* DG1 holds an MRZ whose document-number check digit is wrong (the ICAO specimen with
 * '6' changed to '7'): the rules refuse such a traveller (rules.h: "Refuses an MRZ whose
 * checks failed"), so there is no decision: a failed eligibility check, never a
 * decision made on unchecked data. DG1 is written by hand: 61 5B 5F1F 58 + 88 chars. */
Test(cov2_seal_inspect, eligibility_refused_for_an_mrz_whose_check_fails)
{
    static const char mrz[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
                              "L898902C37UTO7408122F1204159ZE184226B<<<<<10";
    uint8_t dg1[5 + 88];
    dg1[0] = 0x61;
    dg1[1] = 0x5B;
    dg1[2] = 0x5F;
    dg1[3] = 0x1F;
    dg1[4] = 0x58;
    memcpy(dg1 + 5, mrz, 88);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    cr_assert_eq(vfy_document_set_file(doc, VFY_FILE_DG1, dg1, sizeof dg1), VFY_OK);
    vfy_rules_engine *e = rules_engine(VFY_RULES_TEST, NULL);
    vfy_rules_case *c = rules_case("e01-adult-tourist");
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.rules = e;
    o.eligibility_case = c;
    vfy_inspection *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_inspect_files(doc, &o, &r, &d), VFY_OK, "%s", d.message);
    vfy_inspection_check ch;
    cr_assert(vfy_inspection_check_get(r, "eligibility.evaluate", &ch));
    cr_assert_eq(ch.status, VFY_OUTCOME_FAILED, "%s", ch.reason);
    cr_assert_neq(ch.code, VFY_OK);
    cr_assert(strncmp(ch.reason, "no eligibility decision: ", 25) == 0, "%s", ch.reason);
    cr_assert_null(vfy_inspection_decision(r));
    cr_assert_neq(vfy_inspection_gate(r), VFY_GATE_ACCEPT);
    vfy_inspection_free(r);
    vfy_document_free(doc);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
}

/* ---- live PACE-CAM reads of the simulated chip (verify/sim.h) ------------------------- */

static const char utopia_mrz[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                 "L898902C36UTO7408122F3404159ZE184226B<<<<<16";

static void specimen_dir_with(char *dir, size_t cap, const vfy_specimen_options *o)
{
    tmpdir_make("cov2seal", dir, cap);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_specimen_write(dir, o, &d), VFY_OK, "%s", d.message);
}

static void specimen_dir(char *dir, size_t cap)
{
    specimen_dir_with(dir, cap, NULL);
}

static vfy_inspection *inspect_sim(const char *dir, const char *options, const vfy_trust *t,
                                   const vfy_read_options *ro)
{
    vfy_mrz mrz;
    cr_assert_eq(vfy_mrz_parse(utopia_mrz, strlen(utopia_mrz), NULL, &mrz, NULL), VFY_OK);
    vfy_access_key key;
    cr_assert_eq(vfy_access_key_from_mrz(&mrz, &key, NULL), VFY_OK);
    char reader[400];
    snprintf(reader, sizeof reader, "sim:%s?%s", dir, options);
    vfy_session *s;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_session_open(reader, &s, &d), VFY_OK, "%s", d.message);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = t;
    o.mrz = &mrz;
    o.read = ro;
    vfy_inspection *r = NULL;
    cr_assert_eq(vfy_inspect_session(s, &key, &o, &r, &d), VFY_OK, "%s", d.message);
    vfy_access_key_wipe(&key);
    vfy_session_close(s);
    return r;
}

static vfy_trust *trust_dir(const char *dir)
{
    vfy_trust *t;
    char path[300];
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    snprintf(path, sizeof path, "%s/csca.pem", dir);
    cr_assert_eq(vfy_trust_add_path(t, path, NULL), VFY_OK);
    return t;
}

/* PACE-CAM proves the chip only through a verified EF.CardSecurity. Another document's
 * EF.CardSecurity (signed under another CSCA) does not verify: the chip's CAM proof is
 * demoted to not checked, and the document is invalid (a failed check). */
Test(cov2_seal_inspect, pace_cam_with_a_foreign_card_security_is_not_a_proof, .timeout = 60)
{
    char a[64], b[64];
    specimen_dir(a, sizeof a);
    specimen_dir(b, sizeof b);
    copy_file_or_fail(b, "EF_CardSecurity.bin", a, "EF_CardSecurity.bin");
    vfy_trust *t = trust_dir(a);
    vfy_inspection *r = inspect_sim(a, "mapping=cam", t, NULL);
    vfy_inspection_check c;
    cr_assert(vfy_inspection_check_get(r, "chip.card_security", &c));
    cr_assert_eq(c.status, VFY_OUTCOME_FAILED, "%s", c.reason);
    cr_assert(vfy_inspection_check_get(r, "chip.ca", &c));
    cr_assert_eq(c.status, VFY_OUTCOME_NOT_CHECKED, "%s", c.reason);
    cr_assert_str_eq(c.reason, "PACE-CAM counts only when EF.CardSecurity verifies, and it did not");
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_INVALID, "%s", vfy_inspection_summary(r));
    cr_assert_eq(vfy_inspection_gate(r), VFY_GATE_REJECT);
    /* the JSON names the mapping and whether CAM verified */
    char *text = vfy_inspection_to_json(r, 0);
    json_t *j = json_parse_or_fail(text);
    json_t *acc = json_object_get(j, "access");
    cr_assert_str_eq(json_string_value(json_object_get(acc, "mapping")), "CAM", "%s", text);
    cr_assert(json_is_boolean(json_object_get(acc, "cam_verified")), "%s", text);
    json_decref(j);
    vfy_free(text);
    vfy_inspection_free(r);
    vfy_trust_free(t);
    tmpdir_remove(a);
    tmpdir_remove(b);
}

/* The same chip without EF.CardSecurity: PACE-CAM has nothing to be checked against, so
 * the CAM proof does not count (not checked) and the card-security check says why. */
Test(cov2_seal_inspect, pace_cam_without_card_security_is_not_a_proof, .timeout = 60)
{
    char a[64], path[128];
    specimen_dir(a, sizeof a);
    snprintf(path, sizeof path, "%s/EF_CardSecurity.bin", a);
    cr_assert_eq(unlink(path), 0);
    vfy_trust *t = trust_dir(a);
    vfy_inspection *r = inspect_sim(a, "mapping=cam", t, NULL);
    vfy_inspection_check c;
    cr_assert(vfy_inspection_check_get(r, "chip.card_security", &c));
    cr_assert_eq(c.status, VFY_OUTCOME_NOT_CHECKED, "%s", c.reason);
    cr_assert_str_eq(c.reason, "the chip was opened with PACE-CAM but gave no EF.CardSecurity to "
                               "prove its chip authentication key");
    cr_assert(vfy_inspection_check_get(r, "chip.ca", &c));
    cr_assert_neq(c.status, VFY_OUTCOME_OK, "%s", c.reason);
    cr_assert_neq(vfy_inspection_get_outcome(r), VFY_INSPECTION_GENUINE, "%s", vfy_inspection_summary(r));
    cr_assert_neq(vfy_inspection_gate(r), VFY_GATE_ACCEPT);
    vfy_inspection_free(r);
    vfy_trust_free(t);
    tmpdir_remove(a);
}

/* A chip whose signed DG14 lists PACE (specimen option pace_in_dg14) breaks PACE (6A80
 * on its third command) and the caller allows BAC: the read is accepted as the caller's
 * policy, but it is a warning and the gate refers to an officer, never accepts. */
Test(cov2_seal_inspect, bac_fallback_allowed_is_a_warning, .timeout = 60)
{
    char a[64];
    vfy_specimen_options so = { .pace_in_dg14 = true };
    specimen_dir_with(a, sizeof a, &so);
    vfy_trust *t = trust_dir(a);
    vfy_read_options ro = { .allow_bac_fallback = true };
    vfy_inspection *r = inspect_sim(a, "mapping=gm&sw=6A80&sw_at=3", t, &ro);
    vfy_access_info acc;
    vfy_inspection_access(r, &acc);
    cr_assert_eq(acc.protocol, VFY_ACCESS_BAC, "%d", (int)acc.protocol);
    cr_assert(acc.fell_back_to_bac);
    vfy_inspection_check c;
    cr_assert(vfy_inspection_check_get(r, "access.downgrade", &c));
    cr_assert_eq(c.status, VFY_OUTCOME_OK, "%s", c.reason);
    bool warned = false;
    vfy_inspection_warning w;
    for (size_t i = 0; vfy_inspection_warning_at(r, i, &w); i++)
        if (strcmp(w.id, "access.bac_fallback") == 0) {
            warned = true;
            cr_assert_eq(w.code, VFY_E_DOWNGRADE);
        }
    cr_assert(warned, "%s", vfy_inspection_summary(r));
    cr_assert_neq(vfy_inspection_gate(r), VFY_GATE_ACCEPT);
    vfy_inspection_free(r);
    vfy_trust_free(t);
    tmpdir_remove(a);
}

/* A chip that serves no EF.SOD: nothing can be authenticated, and for a live read that
 * is a failed check (a genuine chip always has one), not merely "not checked". */
Test(cov2_seal_inspect, live_chip_without_sod_fails_the_read_check, .timeout = 60)
{
    char a[64], path[128];
    specimen_dir(a, sizeof a);
    snprintf(path, sizeof path, "%s/EF_SOD.bin", a);
    cr_assert_eq(unlink(path), 0, "%s", path);
    vfy_trust *t = trust_dir(a);
    vfy_inspection *r = inspect_sim(a, "", t, NULL);
    vfy_inspection_check c;
    cr_assert(vfy_inspection_check_get(r, "read.files", &c));
    cr_assert_eq(c.status, VFY_OUTCOME_FAILED, "%s", c.reason);
    cr_assert_eq(c.code, VFY_E_DOWNGRADE);
    cr_assert_str_eq(c.reason, "the chip delivered no EF.SOD");
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_INVALID, "%s", vfy_inspection_summary(r));
    cr_assert_eq(vfy_inspection_gate(r), VFY_GATE_REJECT);
    vfy_inspection_free(r);
    vfy_trust_free(t);
    tmpdir_remove(a);
}
