/* Printing an inspection (vfy read, vfy verify, vfy kiosk) and loading trust stores
 * from command-line paths. Printing only: every outcome, check and gate decision is the
 * library's (verify/inspection.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

void cli_inspection_add_json(json_t *obj, const vfy_inspection *r)
{
    /* The library's serializer decides every key, the decoded seal included. */
    char *text = vfy_inspection_to_json(r, VFY_INSPECTION_JSON_MRZ);
    json_t *lib = text != NULL ? json_loads(text, 0, NULL) : NULL;
    vfy_free(text);
    if (lib != NULL)
        json_object_update(obj, lib);
    json_decref(lib);
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
