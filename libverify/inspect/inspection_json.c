/* The inspection as JSON (schema libverify.inspection/1, docs/schema/inspection.schema.json):
 * the one serializer every front end prints, so a key means the same thing everywhere. */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json_out.h"
#include "inspect/inspect_internal.h"
#include "mrz/mrz_json.h"
#include "verify/lds.h"
#include "seal/seal_internal.h"
#include "verify/version.h"

#define INSPECTION_SCHEMA "libverify.inspection/1"

static json_t *code_json(vfy_status code)
{
    return code == VFY_OK ? json_null() : json_string(vfy_status_name(code));
}

static json_t *time_json(time_t t)
{
    struct tm tm;
    char buf[32];
    if (gmtime_r(&t, &tm) == NULL || strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return json_null();
    return json_string(buf);
}

static json_t *access_json(const vfy_access_info *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "protocol", json_string(vfy_access_protocol_name(a->protocol)));
    if (a->protocol == VFY_ACCESS_PACE) {
        json_object_set_new(o, "mapping", json_string(a->mapping));
        json_object_set_new(o, "cipher", json_string(a->cipher));
        json_object_set_new(o, "curve", a->curve[0] ? json_string(a->curve) : json_null());
        json_object_set_new(o, "group", a->group[0] ? json_string(a->group) : json_null());
        if (strcmp(a->mapping, "CAM") == 0)
            json_object_set_new(o, "cam_verified", json_boolean(a->cam_verified));
    } else if (a->protocol == VFY_ACCESS_BAC) {
        json_object_set_new(o, "cipher", json_string(a->cipher));
    }
    json_object_set_new(o, "fell_back_to_bac", json_boolean(a->fell_back_to_bac));
    return o;
}

static json_t *read_json(const vfy_inspection *r)
{
    const vfy_read_stats *st = &r->stats;
    json_t *o = json_object();
    json_object_set_new(o, "apdus", json_integer((json_int_t)st->apdus));
    json_object_set_new(o, "bytes_exchanged",
                        json_integer((json_int_t)(st->bytes_sent + st->bytes_received)));
    json_object_set_new(o, "files_read", json_integer(st->files_read));
    json_object_set_new(o, "files_denied", json_integer(st->files_denied));
    /* The simulated reader's modelled link time; absent for a real reader. */
    if (st->simulated_us != 0)
        json_object_set_new(o, "simulated_ms", json_real((double)st->simulated_us / 1000.0));
    return o;
}

static json_t *files_json(const vfy_document *doc)
{
    json_t *o = json_object();
    for (int id = VFY_FILE_DG1; id < VFY_FILE_COUNT; id++) {
        const uint8_t *data;
        size_t len;
        if (vfy_document_get_file(doc, (vfy_file_id)id, &data, &len) == VFY_OK)
            json_object_set_new(o, vfy_file_name((vfy_file_id)id),
                                json_pack("{s:I}", "bytes", (json_int_t)len));
    }
    return o;
}

/* DG1's MRZ, parsed with its century relative to the inspection time; null when none. */
static json_t *dg1_mrz_json(const vfy_inspection *r)
{
    const uint8_t *data;
    size_t len;
    vfy_bytes text;
    if (vfy_document_get_file(r->doc, VFY_FILE_DG1, &data, &len) != VFY_OK ||
        vfy_lds_dg1_mrz(data, len, &text, NULL) != VFY_OK)
        return json_null();
    vfy_mrz_options opt = { .repair = false };
    struct tm tm;
    time_t at = r->at;
    if (gmtime_r(&at, &tm) != NULL)
        opt.today = (vfy_date){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
    vfy_mrz *m = malloc(sizeof *m);
    json_t *o = NULL;
    if (m != NULL && vfy_mrz_parse((const char *)text.data, text.len, &opt, m, NULL) == VFY_OK)
        o = vfy_mrz_json_object_(m, 0);
    if (m != NULL) {
        sodium_memzero(m, sizeof *m); /* the MRZ is the chip's access password */
        free(m);
    }
    return o != NULL ? o : json_null();
}

static json_t *inspection_object(const vfy_inspection *r, unsigned flags)
{
    json_t *o = json_object();
    json_object_set_new(o, "schema", json_string(INSPECTION_SCHEMA));
    json_object_set_new(o, "library_version", json_string(vfy_version()));
    json_object_set_new(o, "time", time_json(r->at));
    json_object_set_new(o, "time_source", json_string(vfy_time_source_name(r->at_source)));
    json_object_set_new(o, "live", json_boolean(r->live));
    json_object_set_new(o, "verdict", json_string(vfy_inspection_outcome_name(r->outcome)));
    json_object_set_new(o, "document_verdict",
                        json_string(vfy_inspection_outcome_name(r->document_outcome)));
    json_object_set_new(o, "seal_verdict",
                        r->has_seal ? json_string(vfy_seal_verdict_name(r->seal_verdict))
                                    : json_null());
    json_object_set_new(o, "gate", json_string(vfy_gate_name(r->gate)));
    json_object_set_new(o, "summary", json_string(r->summary));
    /* The decoded seal, by the seal's own serializer (schema libverify.seal/1). */
    if (r->seal != NULL)
        json_object_set_new(o, "seal", vfy_seal_json_object_(r->seal));

    json_t *checks = json_array();
    for (size_t i = 0; i < r->n_checks; i++) {
        const inspect_check *c = &r->checks[i];
        json_array_append_new(checks, json_pack("{s:s,s:s,s:o,s:s}", "id", c->id, "status",
                                                vfy_outcome_name(c->status), "code",
                                                code_json(c->code), "reason", c->reason));
    }
    json_object_set_new(o, "checks", checks);
    json_t *warnings = json_array();
    for (size_t i = 0; i < r->n_warnings; i++) {
        const inspect_warning *w = &r->warnings[i];
        json_array_append_new(warnings, json_pack("{s:s,s:o,s:s}", "id", w->id, "code",
                                                  code_json(w->code), "message", w->message));
    }
    json_object_set_new(o, "warnings", warnings);

    const vfy_verdict *v = &r->pa;
    json_object_set_new(o, "signer",
                        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "digest_algorithm",
                                  v->digest_algorithm, "signature_algorithm",
                                  v->signature_algorithm, "ds_subject", v->ds_subject,
                                  "ds_country", v->ds_country, "csca_subject", v->csca_subject,
                                  "quirks", v->quirks));
    json_object_set_new(o, "access", r->live ? access_json(&r->access) : json_null());
    json_object_set_new(o, "read", r->live ? read_json(r) : json_null());
    json_object_set_new(o, "files", files_json(r->doc));
    if (flags & VFY_INSPECTION_JSON_MRZ)
        json_object_set_new(o, "mrz", dg1_mrz_json(r));
    if (r->has_trust_digest) {
        char hex[65];
        for (size_t i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", r->trust_digest[i]);
        json_object_set_new(o, "trust_store", json_pack("{s:s}", "digest", hex));
    } else {
        json_object_set_new(o, "trust_store", json_null());
    }
    if (r->decision != NULL) {
        char *text = vfy_rules_decision_json(r->decision, 0);
        json_t *d = text != NULL ? json_loads(text, 0, NULL) : NULL;
        free(text);
        json_object_set_new(o, "eligibility", d != NULL ? d : json_null());
    } else {
        json_object_set_new(o, "eligibility", json_null());
    }
    json_object_set_new(o, "face_match",
                        r->has_face ? json_pack("{s:f,s:f,s:b,s:s}", "score", r->face.score,
                                                "threshold", r->face.threshold, "matched",
                                                r->face.matched, "method", r->face.method)
                                    : json_null());
    return o;
}

char *vfy_inspection_to_json(const vfy_inspection *r, unsigned flags)
{
    if (r == NULL)
        return NULL;
    json_t *o = inspection_object(r, flags);
    if (o == NULL)
        return NULL;
    return vfy_json_dump_(o, flags);
}

