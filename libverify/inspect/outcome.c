/*
 * The one place that turns checks into outcomes (docs/verdict.md says the same in
 * words, and tests/test_inspection*.c hold each rule):
 *
 *   document   invalid      any document check failed
 *              unverified   a Passive Authentication check that must hold did not
 *                           (no CSCA, no SOD signature checked ...), or the CRL is not
 *                           fresh under the `fail` policy, or an offered chip proof
 *                           was not performed
 *              genuine      Passive Authentication holds, the read was live, and every
 *                           proof the signed data offers (AA, CA) held, at least one
 *              data_authentic  Passive Authentication holds but no chip proved itself
 *   seal       the seal verdict, made invalid by a passport mismatch and unverified
 *              when it cannot be bound to the passport
 *   overall    invalid if any part is invalid; else unverified if any part is; else
 *              the document's outcome
 *   gate       reject on invalid; refer on unverified, data_authentic, any warning,
 *              an eligibility decision that needs an officer or could not be made, a
 *              face comparison that did not match; accept otherwise
 */
#include <stdio.h>
#include <string.h>

#include "inspect/inspect_internal.h"

/* Passive Authentication is complete only when each of these holds. */
static const char *const pa_required[] = {
    "pa.sod_signature", "pa.ds_chain", "pa.ds_validity", "pa.issuer_country", "pa.hash.dg1",
    "read.files",
};

static const inspect_check *first_failed(const vfy_inspection *r, inspect_part part)
{
    for (size_t i = 0; i < r->n_checks; i++)
        if (r->checks[i].part == part && r->checks[i].status == VFY_OUTCOME_FAILED)
            return &r->checks[i];
    return NULL;
}

static bool holds(const vfy_inspection *r, const char *id)
{
    const inspect_check *c = inspect_find(r, id);
    return c != NULL && c->status == VFY_OUTCOME_OK;
}

/* Clock sanity and CRL freshness: warnings, or unverified under the `fail` policy. */
static void time_and_freshness(vfy_inspection *r, const char **unverified_why)
{
    const inspect_check *crl = inspect_find(r, "pa.crl");
    if (crl != NULL && crl->status != VFY_OUTCOME_OK && crl->status != VFY_OUTCOME_FAILED &&
        holds(r, "pa.ds_chain")) {
        if (r->crl_policy == VFY_CRL_FAIL)
            *unverified_why = crl->reason;
        else
            inspect_add_warning(r, "pa.crl_not_fresh", crl->code,
                                "revocation could not be confirmed: %s", crl->reason);
    }
    if (r->crl_this_update != 0 && r->at < r->crl_this_update)
        inspect_add_warning(r, "time.before_crl", VFY_E_CLOCK,
                            "the inspection time is earlier than the newest CRL's thisUpdate: "
                            "the kiosk's clock may be wrong");
    if (r->trust_built_at != 0 && r->at < r->trust_built_at)
        inspect_add_warning(r, "time.before_trust_store", VFY_E_CLOCK,
                            "the inspection time is earlier than the trust store's build time: "
                            "the kiosk's clock may be wrong");
}

static void decide_document(vfy_inspection *r)
{
    const char *why = NULL;
    time_and_freshness(r, &why);
    const inspect_check *bad = first_failed(r, INSPECT_PART_DOCUMENT);
    if (bad != NULL) {
        r->document_outcome = VFY_INSPECTION_INVALID;
        snprintf(r->summary, sizeof r->summary, "invalid: %s", bad->reason);
        return;
    }
    for (size_t i = 0; i < sizeof pa_required / sizeof pa_required[0]; i++) {
        const inspect_check *c = inspect_find(r, pa_required[i]);
        if (c == NULL || c->status != VFY_OUTCOME_OK) {
            r->document_outcome = VFY_INSPECTION_UNVERIFIED;
            snprintf(r->summary, sizeof r->summary, "unverified: %s not established (%s)",
                     pa_required[i], c != NULL ? c->reason : "not checked");
            return;
        }
    }
    if (why != NULL) {
        r->document_outcome = VFY_INSPECTION_UNVERIFIED;
        snprintf(r->summary, sizeof r->summary, "unverified: %s", why);
        return;
    }
    if (!r->live) {
        r->document_outcome = VFY_INSPECTION_DATA_AUTHENTIC;
        snprintf(r->summary, sizeof r->summary,
                 "data authentic: Passive Authentication holds; saved files cannot show that a "
                 "chip proved itself");
        return;
    }
    if (!r->aa_offered && !r->ca_offered) {
        r->document_outcome = VFY_INSPECTION_DATA_AUTHENTIC;
        snprintf(r->summary, sizeof r->summary,
                 "data authentic: Passive Authentication holds; the signed data shows the chip "
                 "offers neither Active nor Chip Authentication, so a clone cannot be ruled out");
        return;
    }
    const char *missing = NULL;
    if (r->ca_offered && !holds(r, "chip.ca"))
        missing = "Chip Authentication";
    else if (r->aa_offered && !holds(r, "chip.aa"))
        missing = "Active Authentication";
    if (missing != NULL) {
        r->document_outcome = VFY_INSPECTION_UNVERIFIED;
        snprintf(r->summary, sizeof r->summary,
                 "unverified: the signed data offers %s, but the chip's proof was not obtained",
                 missing);
        return;
    }
    r->document_outcome = VFY_INSPECTION_GENUINE;
    snprintf(r->summary, sizeof r->summary,
             "genuine: Passive Authentication holds and the chip proved itself by %s",
             r->ca_offered && r->aa_offered ? "Chip and Active Authentication"
             : r->ca_offered                ? "Chip Authentication"
                                            : "Active Authentication");
}

static void decide_overall(vfy_inspection *r)
{
    r->outcome = r->document_outcome;
    if (!r->has_seal)
        return;
    const inspect_check *bad = first_failed(r, INSPECT_PART_SEAL);
    if (r->seal_verdict == VFY_SEAL_INVALID) {
        if (r->outcome != VFY_INSPECTION_INVALID)
            snprintf(r->summary, sizeof r->summary, "invalid: the visa seal: %s",
                     bad != NULL ? bad->reason : "it does not verify");
        r->outcome = VFY_INSPECTION_INVALID;
    } else if (r->seal_verdict == VFY_SEAL_UNVERIFIED && r->outcome != VFY_INSPECTION_INVALID) {
        if (r->outcome != VFY_INSPECTION_UNVERIFIED) {
            const inspect_check *c = NULL;
            for (size_t i = 0; i < r->n_checks && c == NULL; i++)
                if (r->checks[i].part == INSPECT_PART_SEAL &&
                    r->checks[i].status != VFY_OUTCOME_OK)
                    c = &r->checks[i];
            snprintf(r->summary, sizeof r->summary, "unverified: the visa seal: %s",
                     c != NULL ? c->reason : "it could not be verified");
        }
        r->outcome = VFY_INSPECTION_UNVERIFIED;
    }
}

/* Whether an eligibility decision sends the traveller to an officer. */
static bool eligibility_refers(const vfy_inspection *r)
{
    if (!r->eligibility_asked)
        return false;
    if (r->decision == NULL)
        return true;
    for (int dim = 0; dim < VFY_RULES_DIM_COUNT; dim++) {
        vfy_rules_outcome o;
        if (vfy_rules_decision_outcome(r->decision, (vfy_rules_dimension)dim, &o) != VFY_OK)
            return true;
        if (o.modality == VFY_MODALITY_OFFICER_REVIEW)
            return true;
    }
    return false;
}

vfy_gate vfy_gate_default(const vfy_inspection *r)
{
    if (r == NULL)
        return VFY_GATE_REFER;
    switch (r->outcome) {
    case VFY_INSPECTION_INVALID: return VFY_GATE_REJECT;
    case VFY_INSPECTION_GENUINE: break;
    default: return VFY_GATE_REFER;  /* unverified, data_authentic */
    }
    if (r->n_warnings > 0 || eligibility_refers(r))
        return VFY_GATE_REFER;
    if (r->has_face && !r->face.matched)
        return VFY_GATE_REFER;
    return VFY_GATE_ACCEPT;
}

void inspect_decide_gate(vfy_inspection *r)
{
    r->gate = r->gate_policy != NULL ? r->gate_policy(r->gate_policy_ctx, r) : vfy_gate_default(r);
    /* A replacement policy may be stricter, never more lenient than the outcome: an
     * invalid document is never accepted. */
    if (r->outcome == VFY_INSPECTION_INVALID)
        r->gate = VFY_GATE_REJECT;
    else if (r->outcome == VFY_INSPECTION_UNVERIFIED && r->gate == VFY_GATE_ACCEPT)
        r->gate = VFY_GATE_REFER;
}

void inspect_decide(vfy_inspection *r)
{
    decide_document(r);
    decide_overall(r);
    if (r->document_outcome == VFY_INSPECTION_DATA_AUTHENTIC)
        inspect_add_warning(r, "chip.no_proof", VFY_OK,
                            "no chip proved itself: the data is authentic but a copy on another "
                            "chip cannot be ruled out");
    inspect_decide_gate(r);
}
