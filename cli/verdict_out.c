/* Printing a verdict (vfy verify, vfy read --trust) and loading trust stores from
 * command-line paths: shared by the commands that prove a document genuine. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static json_t *check_json(const vfy_check_result *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string(vfy_outcome_name(c->outcome)));
    json_object_set_new(o, "reason", json_string(c->reason));
    return o;
}

void cli_verdict_add_json(json_t *obj, const vfy_verdict *v)
{
    json_object_set_new(obj, "verdict", json_string(vfy_verdict_name(v->verdict)));
    json_object_set_new(obj, "summary", json_string(v->summary));
    json_object_set_new(obj, "clone_detection_unavailable", json_boolean(v->clone_detection_unavailable));
    json_t *checks = json_object();
    json_object_set_new(checks, "access_control", check_json(&v->access_control));
    json_object_set_new(checks, "sod_signature", check_json(&v->sod_signature));
    json_object_set_new(checks, "ds_chain", check_json(&v->ds_chain));
    json_object_set_new(checks, "ds_validity", check_json(&v->ds_validity));
    json_object_set_new(checks, "crl", check_json(&v->crl));
    json_t *dgs = json_object();
    for (unsigned dg = 1; dg <= 16; dg++) {
        if (!v->dg_listed[dg] && v->dg_hashes[dg].outcome != VFY_OUTCOME_FAILED)
            continue;
        char key[8];
        snprintf(key, sizeof key, "DG%u", dg);
        json_object_set_new(dgs, key, check_json(&v->dg_hashes[dg]));
    }
    json_object_set_new(checks, "dg_hashes", dgs);
    json_object_set_new(checks, "dg1_matches_mrz", check_json(&v->dg1_matches_mrz));
    json_object_set_new(checks, "issuer_country", check_json(&v->issuer_country));
    json_object_set_new(checks, "active_auth", check_json(&v->active_auth));
    json_object_set_new(checks, "chip_auth", check_json(&v->chip_auth));
    json_object_set_new(obj, "checks", checks);
    json_t *found = json_object();
    json_object_set_new(found, "digest_algorithm", json_string(v->digest_algorithm));
    json_object_set_new(found, "signature_algorithm", json_string(v->signature_algorithm));
    json_object_set_new(found, "ds_subject", json_string(v->ds_subject));
    json_object_set_new(found, "ds_country", json_string(v->ds_country));
    json_object_set_new(found, "csca_subject", json_string(v->csca_subject));
    json_object_set_new(found, "quirks", json_string(v->quirks));
    json_object_set_new(obj, "signer", found);
}

static void print_check(FILE *f, const char *name, const vfy_check_result *c)
{
    fprintf(f, "  %-18s %-13s %s\n", name, vfy_outcome_name(c->outcome), c->reason);
}

void cli_verdict_print(FILE *f, const vfy_verdict *v)
{
    fprintf(f, "verdict: %s\n  %s\n\nchecks:\n", vfy_verdict_name(v->verdict), v->summary);
    print_check(f, "access_control", &v->access_control);
    print_check(f, "sod_signature", &v->sod_signature);
    print_check(f, "ds_chain", &v->ds_chain);
    print_check(f, "ds_validity", &v->ds_validity);
    print_check(f, "crl", &v->crl);
    for (unsigned dg = 1; dg <= 16; dg++) {
        if (!v->dg_listed[dg] && v->dg_hashes[dg].outcome != VFY_OUTCOME_FAILED)
            continue;
        char name[24];
        snprintf(name, sizeof name, "dg_hashes.DG%u", dg);
        print_check(f, name, &v->dg_hashes[dg]);
    }
    print_check(f, "dg1_matches_mrz", &v->dg1_matches_mrz);
    print_check(f, "issuer_country", &v->issuer_country);
    print_check(f, "active_auth", &v->active_auth);
    print_check(f, "chip_auth", &v->chip_auth);
    if (v->ds_subject[0] != '\0')
        fprintf(f, "\ndocument signer: %s\n", v->ds_subject);
    if (v->csca_subject[0] != '\0')
        fprintf(f, "CSCA:            %s\n", v->csca_subject);
    if (v->signature_algorithm[0] != '\0')
        fprintf(f, "algorithms:      %s, data groups %s\n", v->signature_algorithm, v->digest_algorithm);
    if (v->quirks[0] != '\0')
        fprintf(f, "quirks handled:  %s\n", v->quirks);
}

int cli_verdict_exit(const vfy_verdict *v)
{
    switch (v->verdict) {
    case VFY_VERDICT_GENUINE: return VFY_EXIT_OK;
    case VFY_VERDICT_INVALID: return VFY_EXIT_INVALID;
    default: return VFY_EXIT_CONFIG;
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
