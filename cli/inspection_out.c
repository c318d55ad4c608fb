/* Printing an inspection (vfy read, vfy verify, vfy kiosk) and loading trust stores
 * from command-line paths. Printing only: every outcome, check and gate decision is the
 * library's (verify/inspection.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

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

void cli_inspection_add_json(json_t *obj, const vfy_inspection *r)
{
    vfy_inspection_outcome outcome = vfy_inspection_get_outcome(r);
    json_object_set_new(obj, "verdict", json_string(vfy_inspection_outcome_name(outcome)));
    json_object_set_new(obj, "document_verdict",
                        json_string(vfy_inspection_outcome_name(vfy_inspection_document_outcome(r))));
    json_object_set_new(obj, "gate", json_string(vfy_gate_name(vfy_inspection_gate(r))));
    json_object_set_new(obj, "summary", json_string(vfy_inspection_summary(r)));
    json_object_set_new(obj, "live", json_boolean(vfy_inspection_is_live(r)));
    vfy_time_source src;
    time_t at = vfy_inspection_time(r, &src);
    json_object_set_new(obj, "time", time_json(at));
    json_object_set_new(obj, "time_source", json_string(vfy_time_source_name(src)));

    json_t *checks = json_array();
    vfy_inspection_check c;
    for (size_t i = 0; vfy_inspection_check_at(r, i, &c); i++)
        json_array_append_new(checks, json_pack("{s:s,s:s,s:o,s:s}", "id", c.id, "status",
                                                vfy_outcome_name(c.status), "code",
                                                code_json(c.code), "reason", c.reason));
    json_object_set_new(obj, "checks", checks);
    json_t *warnings = json_array();
    vfy_inspection_warning w;
    for (size_t i = 0; vfy_inspection_warning_at(r, i, &w); i++)
        json_array_append_new(warnings, json_pack("{s:s,s:o,s:s}", "id", w.id, "code",
                                                  code_json(w.code), "message", w.message));
    json_object_set_new(obj, "warnings", warnings);

    vfy_inspection_signer s;
    vfy_inspection_signer_info(r, &s);
    json_object_set_new(obj, "signer",
                        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "digest_algorithm",
                                  s.digest_algorithm, "signature_algorithm", s.signature_algorithm,
                                  "ds_subject", s.ds_subject, "ds_country", s.ds_country,
                                  "csca_subject", s.csca_subject, "quirks", s.quirks));
    if (vfy_inspection_has_seal(r)) {
        json_object_set_new(obj, "seal_verdict",
                            json_string(vfy_seal_verdict_name(vfy_inspection_seal_verdict(r))));
        const vfy_seal_result *seal = vfy_inspection_seal(r);
        json_object_set_new(obj, "seal", seal != NULL ? cli_seal_json(seal, true) : json_null());
    }
    const vfy_rules_decision *dec = vfy_inspection_decision(r);
    if (dec != NULL) {
        char *text = vfy_rules_decision_json(dec, 0);
        json_t *o = text != NULL ? json_loads(text, 0, NULL) : NULL;
        json_object_set_new(obj, "eligibility", o != NULL ? o : json_null());
        free(text);
    }
    const vfy_face_match *face = vfy_inspection_face_match(r);
    if (face != NULL)
        json_object_set_new(obj, "face_match",
                            json_pack("{s:f,s:f,s:b,s:s}", "score", face->score, "threshold",
                                      face->threshold, "matched", face->matched, "method",
                                      face->method));
}

void cli_inspection_print(FILE *f, const vfy_inspection *r)
{
    fprintf(f, "verdict: %s\n  %s\ngate:    %s\n\nchecks:\n",
            vfy_inspection_outcome_name(vfy_inspection_get_outcome(r)), vfy_inspection_summary(r),
            vfy_gate_name(vfy_inspection_gate(r)));
    vfy_inspection_check c;
    for (size_t i = 0; vfy_inspection_check_at(r, i, &c); i++)
        fprintf(f, "  %-22s %-13s %s%s%s\n", c.id, vfy_outcome_name(c.status), c.reason,
                c.code != VFY_OK ? " " : "", c.code != VFY_OK ? vfy_status_name(c.code) : "");
    vfy_inspection_warning w;
    for (size_t i = 0; vfy_inspection_warning_at(r, i, &w); i++)
        fprintf(f, "%s  %-22s %s\n", i == 0 ? "\nwarnings:\n" : "", w.id, w.message);
    vfy_inspection_signer s;
    vfy_inspection_signer_info(r, &s);
    if (s.ds_subject[0] != '\0')
        fprintf(f, "\ndocument signer: %s\n", s.ds_subject);
    if (s.csca_subject[0] != '\0')
        fprintf(f, "CSCA:            %s\n", s.csca_subject);
    if (s.signature_algorithm[0] != '\0')
        fprintf(f, "algorithms:      %s, data groups %s\n", s.signature_algorithm,
                s.digest_algorithm);
    if (s.quirks[0] != '\0')
        fprintf(f, "quirks handled:  %s\n", s.quirks);
    vfy_time_source src;
    time_t at = vfy_inspection_time(r, &src);
    char buf[32];
    struct tm tm;
    if (gmtime_r(&at, &tm) != NULL && strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) != 0)
        fprintf(f, "judged at:       %s (%s)\n", buf,
                src == VFY_TIME_CALLER ? "time given by the caller" : "system clock");
    const vfy_seal_result *seal = vfy_inspection_seal(r);
    if (vfy_inspection_has_seal(r)) {
        fprintf(f, "\nVisa seal: %s\n",
                vfy_seal_verdict_name(vfy_inspection_seal_verdict(r)));
        if (seal != NULL)
            cli_seal_print(seal, true);
    }
    const vfy_rules_decision *dec = vfy_inspection_decision(r);
    if (dec != NULL) {
        fprintf(f, "\nEligibility\n");
        cli_rules_print(dec);
    }
}

vfy_status cli_load_trust(const char *cmd, char **paths, size_t count, vfy_trust **out)
{
    *out = NULL;
    if (count == 0)
        return VFY_OK;
    vfy_trust *t;
    vfy_status s = vfy_trust_new(&t);
    if (s != VFY_OK)
        return s;
    for (size_t i = 0; i < count; i++) {
        vfy_detail d;
        vfy_detail_clear(&d);
        s = vfy_trust_add_path(t, paths[i], &d);
        if (s != VFY_OK) {
            cli_report(cmd, s, &d);
            vfy_trust_free(t);
            return s;
        }
    }
    *out = t;
    return VFY_OK;
}
