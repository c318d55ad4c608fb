/*
 * Branches of inspect/result.c: every read-only accessor of verify/inspection.h given no
 * inspection (the header's defaults: unverified, refer, no seal, no decision, zeroed
 * out-structures), and the name tables over each enumerator (names from the header and
 * the JSON schema: genuine, data_authentic, invalid, unverified; accept, reject, refer).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "verify.h"

Test(cov2_sbr_inspect, accessors_without_an_inspection)
{
    const vfy_inspection *r = NULL;
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_UNVERIFIED);
    cr_assert_eq(vfy_inspection_document_outcome(r), VFY_INSPECTION_UNVERIFIED);
    cr_assert_eq(vfy_inspection_seal_verdict(r), VFY_SEAL_UNVERIFIED);
    cr_assert_eq(vfy_inspection_gate(r), VFY_GATE_REFER);
    cr_assert_eq(vfy_inspection_exit_code(r), 4);
    cr_assert_str_eq(vfy_inspection_summary(r), "");
    cr_assert(!vfy_inspection_is_live(r));
    vfy_time_source src = VFY_TIME_CALLER;
    cr_assert_eq(vfy_inspection_time(r, &src), 0);
    cr_assert_eq(src, VFY_TIME_SYSTEM_CLOCK);
    cr_assert_eq(vfy_inspection_time(r, NULL), 0);
    uint8_t dig[32];
    cr_assert(!vfy_inspection_trust_digest(r, dig));
    cr_assert_eq(vfy_inspection_check_count(r), 0);
    vfy_inspection_check c;
    cr_assert(!vfy_inspection_check_at(r, 0, &c));
    cr_assert(!vfy_inspection_check_get(r, "passive_authentication", &c));
    cr_assert_eq(vfy_inspection_warning_count(r), 0);
    vfy_inspection_warning w;
    cr_assert(!vfy_inspection_warning_at(r, 0, &w));
    vfy_inspection_signer s;
    memset(&s, 0xA5, sizeof s);
    vfy_inspection_signer_info(r, &s);
    vfy_inspection_signer zs;
    memset(&zs, 0, sizeof zs);
    cr_assert_eq(memcmp(&s, &zs, sizeof s), 0);
    vfy_inspection_signer_info(r, NULL);
    cr_assert_null(vfy_inspection_document(r));
    vfy_access_info a;
    memset(&a, 0xA5, sizeof a);
    vfy_inspection_access(r, &a);
    vfy_access_info za;
    memset(&za, 0, sizeof za);
    cr_assert_eq(memcmp(&a, &za, sizeof a), 0);
    vfy_inspection_access(r, NULL);
    vfy_read_stats st;
    memset(&st, 0xA5, sizeof st);
    vfy_inspection_stats(r, &st);
    vfy_read_stats zst;
    memset(&zst, 0, sizeof zst);
    cr_assert_eq(memcmp(&st, &zst, sizeof st), 0);
    vfy_inspection_stats(r, NULL);
    cr_assert_null(vfy_inspection_seal(r));
    cr_assert(!vfy_inspection_has_seal(r));
    cr_assert_null(vfy_inspection_decision(r));
    cr_assert_null(vfy_inspection_face_match(r));
}

Test(cov2_sbr_inspect, names_of_each_enumerator)
{
    cr_assert_str_eq(vfy_inspection_outcome_name(VFY_INSPECTION_GENUINE), "genuine");
    cr_assert_str_eq(vfy_inspection_outcome_name(VFY_INSPECTION_DATA_AUTHENTIC), "data_authentic");
    cr_assert_str_eq(vfy_inspection_outcome_name(VFY_INSPECTION_INVALID), "invalid");
    cr_assert_str_eq(vfy_inspection_outcome_name(VFY_INSPECTION_UNVERIFIED), "unverified");
    cr_assert_str_eq(vfy_gate_name(VFY_GATE_ACCEPT), "accept");
    cr_assert_str_eq(vfy_gate_name(VFY_GATE_REJECT), "reject");
    cr_assert_str_eq(vfy_gate_name(VFY_GATE_REFER), "refer");
    cr_assert_str_eq(vfy_time_source_name(VFY_TIME_CALLER), "caller");
    cr_assert_str_eq(vfy_time_source_name(VFY_TIME_SYSTEM_CLOCK), "system_clock");
}

/* inspect/outcome.c through its internal header: an inspection built check by check,
 * then inspect_decide; each rule of the table at the top of outcome.c (and of
 * docs/verdict.md) with one input changed at a time. */
#include <stdlib.h>
#include "inspect/inspect_internal.h"

static const char *const pa_ids[] = {"pa.sod_signature", "pa.ds_chain", "pa.ds_validity",
                                     "pa.issuer_country", "pa.hash.dg1", "read.files"};

static vfy_inspection *mk(bool live, bool aa, bool ca, const char *skip, vfy_outcome skip_as)
{
    vfy_inspection *r = calloc(1, sizeof *r);
    cr_assert_not_null(r);
    r->live = live;
    r->aa_offered = aa;
    r->ca_offered = ca;
    r->at = 1700000000;
    for (size_t i = 0; i < sizeof pa_ids / sizeof pa_ids[0]; i++) {
        if (skip != NULL && strcmp(skip, pa_ids[i]) == 0) {
            if (skip_as != VFY_OUTCOME_NOT_CHECKED)
                inspect_add_check(r, pa_ids[i], INSPECT_PART_DOCUMENT, skip_as, VFY_E_BAD_VALUE, "bad %s", pa_ids[i]);
            continue;
        }
        inspect_add_check(r, pa_ids[i], INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "ok");
    }
    return r;
}

static bool has_warning(const vfy_inspection *r, const char *id)
{
    for (size_t i = 0; i < r->n_warnings; i++)
        if (strcmp(r->warnings[i].id, id) == 0)
            return true;
    return false;
}

Test(cov2_sbr_inspect, document_outcome_rules)
{
    vfy_inspection *r = mk(false, true, true, NULL, 0);
    inspect_decide(r);
    cr_assert_eq(r->outcome, VFY_INSPECTION_DATA_AUTHENTIC);
    cr_assert(has_warning(r, "chip.no_proof"));
    cr_assert_eq(r->gate, VFY_GATE_REFER);
    free(r);

    r = mk(true, false, false, NULL, 0);
    inspect_decide(r);
    cr_assert_eq(r->outcome, VFY_INSPECTION_DATA_AUTHENTIC);
    cr_assert(strstr(r->summary, "neither Active nor Chip") != NULL, "%s", r->summary);
    free(r);

    struct { bool aa, ca, aa_ok, ca_ok; vfy_inspection_outcome want; const char *by; } g[] = {
        {false, true, false, true, VFY_INSPECTION_GENUINE, "by Chip Authentication"},
        {true, false, true, false, VFY_INSPECTION_GENUINE, "by Active Authentication"},
        {true, true, true, true, VFY_INSPECTION_GENUINE, "by Chip and Active Authentication"},
        {true, true, false, true, VFY_INSPECTION_UNVERIFIED, "offers Active Authentication"},
        {true, true, true, false, VFY_INSPECTION_UNVERIFIED, "offers Chip Authentication"},
        {false, true, false, false, VFY_INSPECTION_UNVERIFIED, "offers Chip Authentication"},
    };
    for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
        r = mk(true, g[i].aa, g[i].ca, NULL, 0);
        if (g[i].aa)
            inspect_add_check(r, "chip.aa", INSPECT_PART_DOCUMENT, g[i].aa_ok ? VFY_OUTCOME_OK : VFY_OUTCOME_NOT_CHECKED, VFY_OK, "aa");
        if (g[i].ca_ok)
            inspect_add_check(r, "chip.ca", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "ca");
        inspect_decide(r);
        cr_assert_eq(r->outcome, g[i].want, "case %zu", i);
        cr_assert(strstr(r->summary, g[i].by) != NULL, "case %zu: %s", i, r->summary);
        cr_assert_eq(r->gate, g[i].want == VFY_INSPECTION_GENUINE ? VFY_GATE_ACCEPT : VFY_GATE_REFER, "case %zu", i);
        free(r);
    }

    for (size_t i = 0; i < sizeof pa_ids / sizeof pa_ids[0]; i++) {
        r = mk(true, false, true, pa_ids[i], VFY_OUTCOME_NOT_CHECKED);
        inspect_add_check(r, "chip.ca", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "ca");
        inspect_decide(r);
        cr_assert_eq(r->outcome, VFY_INSPECTION_UNVERIFIED, "%s missing", pa_ids[i]);
        cr_assert(strstr(r->summary, "not checked") != NULL, "%s", r->summary);
        free(r);
        r = mk(true, false, true, pa_ids[i], VFY_OUTCOME_NOT_SUPPORTED);
        inspect_add_check(r, "chip.ca", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "ca");
        inspect_decide(r);
        cr_assert_eq(r->outcome, VFY_INSPECTION_UNVERIFIED, "%s not supported", pa_ids[i]);
        free(r);
        r = mk(true, false, true, pa_ids[i], VFY_OUTCOME_FAILED);
        inspect_add_check(r, "chip.ca", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "ca");
        inspect_decide(r);
        cr_assert_eq(r->outcome, VFY_INSPECTION_INVALID, "%s failed", pa_ids[i]);
        cr_assert_eq(r->gate, VFY_GATE_REJECT);
        free(r);
    }
}

Test(cov2_sbr_inspect, crl_and_clock_rules)
{
    vfy_crl_policy pol[] = {VFY_CRL_WARN, VFY_CRL_FAIL};
    for (int p = 0; p < 2; p++) {
        vfy_inspection *r = mk(true, false, true, NULL, 0);
        inspect_add_check(r, "chip.ca", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "ca");
        inspect_add_check(r, "pa.crl", INSPECT_PART_DOCUMENT, VFY_OUTCOME_NOT_CHECKED, VFY_E_CLOCK, "crl stale");
        r->crl_policy = pol[p];
        inspect_decide(r);
        if (pol[p] == VFY_CRL_FAIL) {
            cr_assert_eq(r->outcome, VFY_INSPECTION_UNVERIFIED);
            cr_assert_str_eq(r->summary, "unverified: crl stale");
        } else {
            cr_assert_eq(r->outcome, VFY_INSPECTION_GENUINE);
            cr_assert(has_warning(r, "pa.crl_not_fresh"));
            cr_assert_eq(r->gate, VFY_GATE_REFER);
        }
        free(r);
    }
    /* a stale CRL whose chain does not hold is no warning of its own */
    vfy_inspection *r = mk(true, false, true, "pa.ds_chain", VFY_OUTCOME_NOT_CHECKED);
    inspect_add_check(r, "pa.crl", INSPECT_PART_DOCUMENT, VFY_OUTCOME_NOT_CHECKED, VFY_E_CLOCK, "crl stale");
    inspect_decide(r);
    cr_assert(!has_warning(r, "pa.crl_not_fresh"));
    free(r);
    /* a CRL that holds, or that failed (a document failure), is no freshness warning */
    r = mk(true, false, true, NULL, 0);
    inspect_add_check(r, "chip.ca", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "ca");
    inspect_add_check(r, "pa.crl", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "fresh");
    r->crl_this_update = r->at + 1;
    inspect_decide(r);
    cr_assert(has_warning(r, "time.before_crl"));
    cr_assert(!has_warning(r, "time.before_trust_store"));
    cr_assert(!has_warning(r, "pa.crl_not_fresh"));
    cr_assert_eq(r->outcome, VFY_INSPECTION_GENUINE);
    cr_assert_eq(r->gate, VFY_GATE_REFER);
    free(r);
    r = mk(true, false, true, NULL, 0);
    inspect_add_check(r, "chip.ca", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "ca");
    inspect_add_check(r, "pa.crl", INSPECT_PART_DOCUMENT, VFY_OUTCOME_FAILED, VFY_E_BAD_VALUE, "revoked");
    r->crl_this_update = r->at - 1;
    r->trust_built_at = r->at + 1;
    inspect_decide(r);
    cr_assert_eq(r->outcome, VFY_INSPECTION_INVALID);
    cr_assert_str_eq(r->summary, "invalid: revoked");
    cr_assert(!has_warning(r, "time.before_crl"));
    cr_assert(has_warning(r, "time.before_trust_store"));
    free(r);
}

static vfy_gate always_accept(void *ctx, const vfy_inspection *r)
{
    (void)r;
    ++*(int *)ctx;
    return VFY_GATE_ACCEPT;
}

Test(cov2_sbr_inspect, seal_and_gate_rules)
{
    struct { vfy_seal_verdict v; bool seal_check_failed; vfy_inspection_outcome want; const char *summary; } s[] = {
        {VFY_SEAL_VALID, false, VFY_INSPECTION_GENUINE, "genuine: Passive"},
        {VFY_SEAL_INVALID, true, VFY_INSPECTION_INVALID, "invalid: the visa seal: seal sig"},
        {VFY_SEAL_INVALID, false, VFY_INSPECTION_INVALID, "invalid: the visa seal: it does not verify"},
        {VFY_SEAL_UNVERIFIED, true, VFY_INSPECTION_UNVERIFIED, "unverified: the visa seal: seal sig"},
        {VFY_SEAL_UNVERIFIED, false, VFY_INSPECTION_UNVERIFIED, "unverified: the visa seal: it could not be verified"},
    };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        vfy_inspection *r = mk(true, false, true, NULL, 0);
        inspect_add_check(r, "chip.ca", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "ca");
        r->has_seal = true;
        r->seal_verdict = s[i].v;
        inspect_add_check(r, "seal.parse", INSPECT_PART_SEAL, VFY_OUTCOME_OK, VFY_OK, "parsed");
        if (s[i].seal_check_failed)
            inspect_add_check(r, "seal.signature", INSPECT_PART_SEAL, VFY_OUTCOME_FAILED, VFY_E_BAD_VALUE, "seal sig");
        inspect_decide(r);
        cr_assert_eq(r->outcome, s[i].want, "case %zu", i);
        cr_assert_eq(r->document_outcome, VFY_INSPECTION_GENUINE);
        cr_assert(strncmp(r->summary, s[i].summary, strlen(s[i].summary)) == 0, "case %zu: %s", i, r->summary);
        free(r);
    }
    /* an invalid document keeps its own summary over a bad or unverified seal */
    vfy_seal_verdict vs[] = {VFY_SEAL_INVALID, VFY_SEAL_UNVERIFIED};
    for (int i = 0; i < 2; i++) {
        vfy_inspection *r = mk(true, false, true, "pa.hash.dg1", VFY_OUTCOME_FAILED);
        r->has_seal = true;
        r->seal_verdict = vs[i];
        inspect_decide(r);
        cr_assert_eq(r->outcome, VFY_INSPECTION_INVALID);
        cr_assert_str_eq(r->summary, "invalid: bad pa.hash.dg1");
        free(r);
    }
    /* unverified document, unverified seal: the document's reason stays */
    vfy_inspection *r = mk(true, false, true, "pa.ds_chain", VFY_OUTCOME_NOT_CHECKED);
    r->has_seal = true;
    r->seal_verdict = VFY_SEAL_UNVERIFIED;
    inspect_decide(r);
    cr_assert_eq(r->outcome, VFY_INSPECTION_UNVERIFIED);
    cr_assert(strstr(r->summary, "pa.ds_chain") != NULL, "%s", r->summary);

    /* a lenient policy cannot accept an unverified or invalid inspection */
    int calls = 0;
    r->gate_policy = always_accept;
    r->gate_policy_ctx = &calls;
    inspect_decide_gate(r);
    cr_assert_eq(calls, 1);
    cr_assert_eq(r->gate, VFY_GATE_REFER);
    r->outcome = VFY_INSPECTION_INVALID;
    inspect_decide_gate(r);
    cr_assert_eq(r->gate, VFY_GATE_REJECT);
    free(r);

    /* genuine: a face that did not match refers, one that matched accepts */
    r = mk(true, false, true, NULL, 0);
    inspect_add_check(r, "chip.ca", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "ca");
    inspect_decide(r);
    cr_assert_eq(r->gate, VFY_GATE_ACCEPT);
    vfy_face_match fm = {.score = 0.2, .threshold = 0.5, .matched = false};
    cr_assert_eq(vfy_inspection_set_face_match(r, &fm), VFY_OK);
    cr_assert_eq(r->gate, VFY_GATE_REFER);
    fm.matched = true;
    fm.score = 0.9;
    cr_assert_eq(vfy_inspection_set_face_match(r, &fm), VFY_OK);
    cr_assert_eq(r->gate, VFY_GATE_ACCEPT);
    fm.score = 0.0 / 0.0;
    cr_assert_eq(vfy_inspection_set_face_match(r, &fm), VFY_E_INVALID_ARGUMENT);
    fm.score = 0.9;
    fm.threshold = 0.0 / 0.0;
    cr_assert_eq(vfy_inspection_set_face_match(r, &fm), VFY_E_INVALID_ARGUMENT);
    /* an eligibility decision asked for but not made refers */
    r->eligibility_asked = true;
    inspect_decide_gate(r);
    cr_assert_eq(r->gate, VFY_GATE_REFER);
    cr_assert_eq(vfy_gate_default(NULL), VFY_GATE_REFER);
    free(r);
}

/* inspect/inspection_json.c: the access object of each protocol (session.h: PACE has
 * mapping, cipher, curve or group, cam_verified only for CAM; BAC a cipher; none
 * neither), the read stats, the trust digest in hex, the face match, files by size. */
#include <jansson.h>
#include "verify/document.h"

static json_t *as_json(const vfy_inspection *r, unsigned flags)
{
    char *text = vfy_inspection_to_json(r, flags);
    cr_assert_not_null(text);
    json_t *j = json_loads(text, 0, NULL);
    free(text);
    cr_assert_not_null(j);
    return j;
}

Test(cov2_sbr_inspect, json_access_read_trust_face)
{
    cr_assert_null(vfy_inspection_to_json(NULL, 0));
    vfy_inspection *r = mk(true, false, true, NULL, 0);
    inspect_add_check(r, "chip.ca", INSPECT_PART_DOCUMENT, VFY_OUTCOME_OK, VFY_OK, "ca");
    inspect_decide(r);
    cr_assert_eq(vfy_document_new(&r->doc), VFY_OK);
    static const uint8_t dg2[] = {0x75, 0x03, 1, 2, 3};
    cr_assert_eq(vfy_document_set_file(r->doc, (vfy_file_id)2, dg2, sizeof dg2), VFY_OK);
    r->access.protocol = VFY_ACCESS_PACE;
    strcpy(r->access.mapping, "CAM");
    strcpy(r->access.cipher, "AES-128");
    strcpy(r->access.group, "modp2048_224");
    r->access.cam_verified = true;
    r->stats.apdus = 7;
    r->stats.bytes_sent = 100;
    r->stats.bytes_received = 23;
    r->stats.simulated_us = 2500;
    r->has_trust_digest = true;
    for (int i = 0; i < 32; i++)
        r->trust_digest[i] = (uint8_t)(i * 8 + 1);
    r->has_face = true;
    r->face.score = 0.75;
    r->face.threshold = 0.5;
    r->face.matched = true;
    strcpy(r->face.method, "m1");

    json_t *j = as_json(r, VFY_INSPECTION_JSON_MRZ);
    json_t *a = json_object_get(j, "access");
    cr_assert_str_eq(json_string_value(json_object_get(a, "protocol")), vfy_access_protocol_name(VFY_ACCESS_PACE));
    cr_assert_str_eq(json_string_value(json_object_get(a, "mapping")), "CAM");
    cr_assert(json_is_null(json_object_get(a, "curve")));
    cr_assert_str_eq(json_string_value(json_object_get(a, "group")), "modp2048_224");
    cr_assert(json_is_true(json_object_get(a, "cam_verified")));
    json_t *rd = json_object_get(j, "read");
    cr_assert_eq(json_integer_value(json_object_get(rd, "apdus")), 7);
    cr_assert_eq(json_integer_value(json_object_get(rd, "bytes_exchanged")), 123);
    cr_assert(json_real_value(json_object_get(rd, "simulated_ms")) == 2.5);
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", (unsigned)(i * 8 + 1));
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "trust_store"), "digest")), hex);
    json_t *f = json_object_get(j, "face_match");
    cr_assert(json_real_value(json_object_get(f, "score")) == 0.75);
    cr_assert_str_eq(json_string_value(json_object_get(f, "method")), "m1");
    json_t *files = json_object_get(j, "files");
    cr_assert_eq(json_object_size(files), 1);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(files, vfy_file_name((vfy_file_id)2)), "bytes")), 5);
    cr_assert(json_is_null(json_object_get(j, "mrz")), "no DG1: mrz null");
    cr_assert_str_eq(json_string_value(json_object_get(j, "gate")), "accept");
    cr_assert(json_is_null(json_object_get(j, "seal_verdict")));
    json_decref(j);

    /* PACE GM on a curve: no cam_verified member; no simulated link time */
    strcpy(r->access.mapping, "GM");
    strcpy(r->access.curve, "brainpoolP256r1");
    r->access.group[0] = '\0';
    r->stats.simulated_us = 0;
    r->has_trust_digest = false;
    r->has_face = false;
    j = as_json(r, 0);
    a = json_object_get(j, "access");
    cr_assert_str_eq(json_string_value(json_object_get(a, "curve")), "brainpoolP256r1");
    cr_assert(json_is_null(json_object_get(a, "group")));
    cr_assert_null(json_object_get(a, "cam_verified"));
    cr_assert_null(json_object_get(json_object_get(j, "read"), "simulated_ms"));
    cr_assert(json_is_null(json_object_get(j, "trust_store")));
    cr_assert(json_is_null(json_object_get(j, "face_match")));
    cr_assert_null(json_object_get(j, "mrz"));
    json_decref(j);

    /* BAC: a cipher, no mapping; none: neither */
    r->access.protocol = VFY_ACCESS_BAC;
    strcpy(r->access.cipher, "3DES");
    j = as_json(r, 0);
    a = json_object_get(j, "access");
    cr_assert_str_eq(json_string_value(json_object_get(a, "cipher")), "3DES");
    cr_assert_null(json_object_get(a, "mapping"));
    json_decref(j);
    r->access.protocol = VFY_ACCESS_NONE;
    j = as_json(r, 0);
    a = json_object_get(j, "access");
    cr_assert_null(json_object_get(a, "cipher"));
    cr_assert(json_is_false(json_object_get(a, "fell_back_to_bac")));
    json_decref(j);

    /* saved files: no access and no read object */
    r->live = false;
    j = as_json(r, 0);
    cr_assert(json_is_null(json_object_get(j, "access")));
    cr_assert(json_is_null(json_object_get(j, "read")));
    json_decref(j);
    vfy_document_free(r->doc);
    free(r);
}
