/* The record of one inspection, taken through the inspection's public accessors only.
 * What it keeps is listed in docs/audit.md ("Privacy"): outcomes, checks, times, keys'
 * and stores' digests. The document number and date of birth are read from DG1 only to
 * be hashed under the lookup key, and the MRZ copy is wiped at once; the name, the MRZ
 * and the photo never reach the record. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/log_internal.h"
#include "core/fail.h"
#include "core/json_out.h"
#include "verify/lds.h"

static void access_text(const vfy_inspection *in, char out[AUD_TEXT_MAX + 1])
{
    if (!vfy_inspection_is_live(in)) {
        aud_set_text(out, "offline");
        return;
    }
    vfy_access_info a;
    vfy_inspection_access(in, &a);
    char buf[96];
    if (a.protocol == VFY_ACCESS_PACE)
        snprintf(buf, sizeof buf, "PACE %s %s%s", a.mapping, a.cipher,
                 a.fell_back_to_bac ? " fallback" : "");
    else
        snprintf(buf, sizeof buf, "%s%s", vfy_access_protocol_name(a.protocol),
                 a.fell_back_to_bac ? " (fallback after PACE)" : "");
    aud_set_text(out, buf);
}

/* What the record's name fields accept (record.c's decoder refuses anything else). */
static bool aud_is_name(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    if (n == 0 || n > AUD_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
            return false;
    return true;
}

/* The rule sets and each dimension's outcome of the eligibility decision. Out of memory
 * is an error: a record must not keep a decision with rule sets or dimensions missing. */
static vfy_status decision(const vfy_inspection *in, aud_record *r, vfy_detail *detail)
{
    const vfy_rules_decision *d = vfy_inspection_decision(in);
    if (d == NULL)
        return VFY_OK;
    char *text = vfy_rules_decision_json(d, 0);
    /* The library's own text: read back exactly (core/json_out.h), or out of memory. */
    json_t *root = text != NULL ? vfy_json_read_own_(text, strlen(text)) : NULL;
    vfy_free(text); /* the decision may hold personal data: wiped */
    if (root == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "audit", "out of memory reading the eligibility decision");
    size_t i;
    json_t *set;
    json_array_foreach(json_object_get(root, "rulesets"), i, set) {
        const char *id = json_string_value(json_object_get(set, "id"));
        const char *digest = json_string_value(json_object_get(set, "digest"));
        if (r->n_sets == AUD_MAX_SETS || id == NULL || digest == NULL || id[0] == '\0' ||
            digest[0] == '\0' || strlen(id) > 255)
            continue;
        aud_set_text(r->sets[r->n_sets].id, id);
        aud_set_text(r->sets[r->n_sets].digest, digest);
        r->n_sets++;
    }
    json_decref(root);
    for (int dim = 0; dim < VFY_RULES_DIM_COUNT && r->n_dims < AUD_MAX_DIMS; dim++) {
        vfy_rules_outcome o;
        vfy_status s = vfy_rules_decision_outcome(d, (vfy_rules_dimension)dim, &o);
        if (s == VFY_E_NO_MEMORY)
            return vfy_fail(detail, VFY_E_NO_MEMORY, "audit", "out of memory");
        if (s != VFY_OK)
            continue;
        const char *dname = vfy_rules_dimension_name((vfy_rules_dimension)dim);
        const char *mname = vfy_rules_modality_name(o.modality);
        if (!aud_is_name(dname) || !aud_is_name(mname))
            continue;
        struct aud_dim *x = &r->dims[r->n_dims++];
        snprintf(x->dimension, sizeof x->dimension, "%s", dname);
        snprintf(x->modality, sizeof x->modality, "%s", mname);
        aud_set_text(x->value, o.value_json != NULL && o.value_json[0] != '\0' ? o.value_json
                                                                            : "null");
    }
    return VFY_OK;
}

/* The keyed hashes of DG1's document number and date of birth. Out of memory is an
 * error: a record written without them could never be found by the document. */
static vfy_status document_hashes(const vfy_audit_log *log, const vfy_inspection *in,
                                  aud_record *r, vfy_detail *detail)
{
    if (log->lookup == NULL)
        return VFY_OK;
    const vfy_document *doc = vfy_inspection_document(in);
    const uint8_t *dg1;
    size_t len;
    if (doc == NULL || vfy_document_get_file(doc, VFY_FILE_DG1, &dg1, &len) != VFY_OK)
        return VFY_OK;
    vfy_mrz *mrz = sodium_malloc(sizeof *mrz);
    if (mrz == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "audit", "no guarded memory for the MRZ");
    char number[40];
    if (vfy_lds_parse_dg1(dg1, len, mrz, NULL) == VFY_OK &&
        aud_normalise_number(mrz->document_number, number, sizeof number)) {
        bool dob = strlen(mrz->birth_date_raw) == 6;
        aud_lookup_hashes(log->lookup, number, dob ? mrz->birth_date_raw : NULL, r->doc_hash,
                          dob ? r->person_hash : NULL);
        r->has_doc_hash = true;
        r->has_person_hash = dob;
        r->has_lookup_id = true;
        memcpy(r->lookup_id, log->lookup->id, 32);
    }
    sodium_memzero(number, sizeof number);
    sodium_free(mrz);   /* wipes the MRZ copy */
    return VFY_OK;
}

vfy_status vfy_audit_record_inspection(vfy_audit_log *log, const vfy_inspection *in,
                                       uint64_t *seq, vfy_detail *detail)
{
    if (log == NULL || in == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "audit", "a log and an inspection are needed");
    aud_record *r = &log->rec;
    aud_log_base_record(log, r, AUD_KIND_INSPECTION);
    vfy_time_source src;
    r->time = (int64_t)vfy_inspection_time(in, &src);
    r->time_source = (uint8_t)src;
    aud_set_text(r->reader, log->reader);
    access_text(in, r->access);
    r->has_live = true;
    r->live = vfy_inspection_is_live(in);
    aud_set_text(r->outcome, vfy_inspection_outcome_name(vfy_inspection_get_outcome(in)));
    aud_set_text(r->doc_outcome,
                 vfy_inspection_outcome_name(vfy_inspection_document_outcome(in)));
    aud_set_text(r->gate, vfy_gate_name(vfy_inspection_gate(in)));
    r->has_trust = vfy_inspection_trust_digest(in, r->trust);
    vfy_inspection_check c;
    for (size_t i = 0; r->n_checks < AUD_MAX_CHECKS && vfy_inspection_check_at(in, i, &c); i++) {
        struct aud_check *x = &r->checks[r->n_checks++];
        x->status = (uint8_t)c.status;
        x->code = (uint16_t)c.code;
        aud_set_text(x->id, c.id != NULL && c.id[0] != '\0' ? c.id : "unnamed");
    }
    vfy_status s = decision(in, r, detail);
    if (s == VFY_OK)
        s = document_hashes(log, in, r, detail);
    if (s == VFY_OK)
        s = aud_log_append(log, r, NULL, seq, detail);
    sodium_memzero(r, sizeof *r);
    return s;
}
