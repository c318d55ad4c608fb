/* Reading an inspection result (verify/inspection.h). Read-only views: nothing here
 * changes an outcome, except recording a face comparison, which re-runs only the gate. */
#include <string.h>

#include "core/fail.h"
#include "inspect/inspect_internal.h"

vfy_inspection_outcome vfy_inspection_get_outcome(const vfy_inspection *r)
{
    return r != NULL ? r->outcome : VFY_INSPECTION_UNVERIFIED;
}

vfy_inspection_outcome vfy_inspection_document_outcome(const vfy_inspection *r)
{
    return r != NULL ? r->document_outcome : VFY_INSPECTION_UNVERIFIED;
}

vfy_seal_verdict vfy_inspection_seal_verdict(const vfy_inspection *r)
{
    return r != NULL && r->has_seal ? r->seal_verdict : VFY_SEAL_UNVERIFIED;
}

vfy_gate vfy_inspection_gate(const vfy_inspection *r)
{
    return r != NULL ? r->gate : VFY_GATE_REFER;
}

int vfy_inspection_exit_code(const vfy_inspection *r)
{
    switch (vfy_inspection_get_outcome(r)) {
    case VFY_INSPECTION_GENUINE:
    case VFY_INSPECTION_DATA_AUTHENTIC: return 0;
    case VFY_INSPECTION_INVALID: return 1;
    default: return 4;
    }
}

const char *vfy_inspection_summary(const vfy_inspection *r)
{
    return r != NULL ? r->summary : "";
}

bool vfy_inspection_is_live(const vfy_inspection *r)
{
    return r != NULL && r->live;
}

time_t vfy_inspection_time(const vfy_inspection *r, vfy_time_source *source)
{
    if (source != NULL)
        *source = r != NULL ? r->at_source : VFY_TIME_SYSTEM_CLOCK;
    return r != NULL ? r->at : 0;
}

bool vfy_inspection_trust_digest(const vfy_inspection *r, uint8_t out[32])
{
    if (r == NULL || !r->has_trust_digest)
        return false;
    memcpy(out, r->trust_digest, sizeof r->trust_digest);
    return true;
}

size_t vfy_inspection_check_count(const vfy_inspection *r)
{
    return r != NULL ? r->n_checks : 0;
}

static void view(const inspect_check *c, vfy_inspection_check *out)
{
    out->id = c->id;
    out->status = c->status;
    out->code = c->code;
    out->reason = c->reason;
}

bool vfy_inspection_check_at(const vfy_inspection *r, size_t i, vfy_inspection_check *out)
{
    if (r == NULL || out == NULL || i >= r->n_checks)
        return false;
    view(&r->checks[i], out);
    return true;
}

bool vfy_inspection_check_get(const vfy_inspection *r, const char *id, vfy_inspection_check *out)
{
    const inspect_check *c = r != NULL && id != NULL ? inspect_find(r, id) : NULL;
    if (c == NULL || out == NULL)
        return false;
    view(c, out);
    return true;
}

size_t vfy_inspection_warning_count(const vfy_inspection *r)
{
    return r != NULL ? r->n_warnings : 0;
}

bool vfy_inspection_warning_at(const vfy_inspection *r, size_t i, vfy_inspection_warning *out)
{
    if (r == NULL || out == NULL || i >= r->n_warnings)
        return false;
    out->id = r->warnings[i].id;
    out->code = r->warnings[i].code;
    out->message = r->warnings[i].message;
    return true;
}

void vfy_inspection_signer_info(const vfy_inspection *r, vfy_inspection_signer *out)
{
    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    if (r == NULL)
        return;
    out->digest_algorithm = r->pa.digest_algorithm;
    out->signature_algorithm = r->pa.signature_algorithm;
    out->ds_subject = r->pa.ds_subject;
    out->ds_country = r->pa.ds_country;
    out->csca_subject = r->pa.csca_subject;
    out->quirks = r->pa.quirks;
}

const vfy_document *vfy_inspection_document(const vfy_inspection *r)
{
    return r != NULL ? r->doc : NULL;
}

void vfy_inspection_access(const vfy_inspection *r, vfy_access_info *out)
{
    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    if (r != NULL)
        *out = r->access;
}

void vfy_inspection_stats(const vfy_inspection *r, vfy_read_stats *out)
{
    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    if (r != NULL)
        *out = r->stats;
}

const vfy_seal_result *vfy_inspection_seal(const vfy_inspection *r)
{
    return r != NULL ? r->seal : NULL;
}

bool vfy_inspection_has_seal(const vfy_inspection *r)
{
    return r != NULL && r->has_seal;
}

const vfy_rules_decision *vfy_inspection_decision(const vfy_inspection *r)
{
    return r != NULL ? r->decision : NULL;
}

vfy_status vfy_inspection_set_face_match(vfy_inspection *r, const vfy_face_match *match)
{
    if (r == NULL || match == NULL)
        return VFY_E_INVALID_ARGUMENT;
    if (match->score != match->score || match->threshold != match->threshold)
        return VFY_E_INVALID_ARGUMENT;   /* NaN */
    r->face = *match;
    r->face.method[sizeof r->face.method - 1] = '\0';
    r->has_face = true;
    inspect_decide_gate(r);
    return VFY_OK;
}

const vfy_face_match *vfy_inspection_face_match(const vfy_inspection *r)
{
    return r != NULL && r->has_face ? &r->face : NULL;
}

const char *vfy_inspection_outcome_name(vfy_inspection_outcome outcome)
{
    switch (outcome) {
    case VFY_INSPECTION_GENUINE: return "genuine";
    case VFY_INSPECTION_DATA_AUTHENTIC: return "data_authentic";
    case VFY_INSPECTION_INVALID: return "invalid";
    default: return "unverified";
    }
}

const char *vfy_gate_name(vfy_gate gate)
{
    switch (gate) {
    case VFY_GATE_ACCEPT: return "accept";
    case VFY_GATE_REJECT: return "reject";
    default: return "refer";
    }
}

const char *vfy_time_source_name(vfy_time_source source)
{
    return source == VFY_TIME_CALLER ? "caller" : "system_clock";
}
