/*
 * Allocation failure, everywhere it can happen (issue 12; tests/faults.h): each sweep
 * fails one allocation of an operation at a time — the library's own, OpenSSL's and
 * jansson's — and holds the operation to what a border authority needs of it then:
 * a typed error, or a result no better than the unfailed one. In particular an
 * exhausted allocator never turns a clone, a forged document or a forged seal into a
 * success, and never leaves a genuine verdict standing on a check that did not run
 * (the checks of a verdict as good as the unfailed one are the unfailed ones). The
 * sanitizers report any leak, double free or bad access on these paths.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "faults.h"
#include "specimen/specimen_internal.h"
#include "trust/trust_internal.h"
#include "support.h"
#include "test_rules_support.h"
#include "verify.h"

/* Failed runs per sweep: every allocation of the short operations, an even spread over
 * the long ones, few enough for CI (each run is a whole operation under the
 * sanitizers); VFY_FAULT_RUNS sweeps deeper by hand. */
#define ALL 20000
#define RUNS 300

static const char utopia_mrz[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                 "L898902C36UTO7408122F3404159ZE184226B<<<<<16";

static void sweep_report(const char *what, struct fault_sweep_result r)
{
    cr_log_info("%s: %lu allocations, %lu failed runs, %lu injected", what, r.allocations, r.runs, r.fired);
    cr_assert_gt(r.allocations, 0, "%s allocates nothing: the injector does not reach it", what);
    cr_assert_gt(r.fired, 0, "%s: no failure was injected", what);
}

Test(faults, the_injector_reaches_the_library_openssl_and_jansson)
{
    cr_assert(fault_openssl_routed(), "OpenSSL allocated before the test program's constructors");
    vfy_trust *t = NULL;
    fault_arm(1);
    fault_enter();
    vfy_status s = vfy_trust_new(&t);
    bool fired;
    fault_disarm(&fired);
    cr_assert(fired);
    cr_assert_eq(s, VFY_E_NO_MEMORY, "%s", vfy_status_name(s));
    cr_assert_null(t);

    fault_arm(1);
    fault_enter();
    json_t *o = json_object();
    fault_disarm(&fired);
    cr_assert(fired);
    cr_assert_null(o);

    fault_arm(1);
    fault_enter();
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    fault_disarm(&fired);
    cr_assert(fired);
    cr_assert_null(ctx);
}

/* ---- inspections --------------------------------------------------------------- */

/* The outcome and every check of an inspection as one line, to compare runs. */
static void inspection_line(const vfy_inspection *r, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "%s gate=%d:", vfy_inspection_outcome_name(vfy_inspection_get_outcome(r)),
                                (int)vfy_inspection_gate(r));
    vfy_inspection_check c;
    for (size_t i = 0; vfy_inspection_check_at(r, i, &c) && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, " %s=%d/%s", c.id, (int)c.status, vfy_status_name(c.code));
}

static bool success(vfy_inspection_outcome o)
{
    return o == VFY_INSPECTION_GENUINE || o == VFY_INSPECTION_DATA_AUTHENTIC;
}

struct inspect_fx {
    const char *reader;            /* a live inspection of this reader, or */
    vfy_document *doc;             /* saved files */
    vfy_trust *trust;
    vfy_inspection_outcome want;   /* of the unfailed run */
    char baseline[4096];
};

/* Under a failed allocation: an error, or an inspection that either is no success or
 * is exactly the unfailed one (same outcome, gate and checks). */
static void judge_inspection(struct inspect_fx *f, bool injected, vfy_status s, vfy_inspection *r,
                             const vfy_detail *d)
{
    if (!injected) {
        cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d->message);
        cr_assert_eq(vfy_inspection_get_outcome(r), f->want, "%s", vfy_inspection_summary(r));
        inspection_line(r, f->baseline, sizeof f->baseline);
        vfy_inspection_free(r);
        return;
    }
    if (s != VFY_OK) {
        cr_assert_null(r, "an error (%s) with an inspection", vfy_status_name(s));
        cr_assert_neq(s, VFY_E_INTERNAL, "a failed allocation reads as an internal error: %s", d->message);
        return;
    }
    cr_assert_not_null(r);
    char line[4096];
    inspection_line(r, line, sizeof line);
    vfy_inspection_outcome o = vfy_inspection_get_outcome(r);
    if (success(o) || vfy_inspection_gate(r) == VFY_GATE_ACCEPT)
        cr_assert_str_eq(line, f->baseline, "a failed allocation changed a successful inspection");
    if (!success(f->want))
        cr_assert(!success(o), "a failed allocation made %s of an inspection that is %s",
                  vfy_inspection_outcome_name(o), vfy_inspection_outcome_name(f->want));
    vfy_inspection_free(r);
}

static void inspect_live(void *ctx, bool injected)
{
    struct inspect_fx *f = ctx;
    vfy_mrz mrz;
    cr_assert_eq(vfy_mrz_parse(utopia_mrz, strlen(utopia_mrz), NULL, &mrz, NULL), VFY_OK);
    vfy_access_key key;
    cr_assert_eq(vfy_access_key_from_mrz(&mrz, &key, NULL), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = f->trust;
    o.mrz = &mrz;
    vfy_inspection *r = NULL;
    vfy_session *sess = NULL;
    fault_enter();
    vfy_status s = vfy_session_open(f->reader, &sess, &d);
    if (s == VFY_OK)
        s = vfy_inspect_session(sess, &key, &o, &r, &d);
    vfy_session_close(sess);
    fault_leave();
    vfy_access_key_wipe(&key);
    judge_inspection(f, injected, s, r, &d);
}

static void inspect_files(void *ctx, bool injected)
{
    struct inspect_fx *f = ctx;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = f->trust;
    vfy_inspection *r = NULL;
    fault_enter();
    vfy_status s = vfy_inspect_files(f->doc, &o, &r, &d);
    fault_leave();
    judge_inspection(f, injected, s, r, &d);
}

static vfy_trust *trust_of_file(const char *path)
{
    vfy_trust *t;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    cr_assert_eq(vfy_trust_add_path(t, path, &d), VFY_OK, "%s: %s", path, d.message);
    return t;
}

/* The built-in simulated passport: PACE, Chip and Active Authentication, passive
 * authentication against its CSCA; genuine when nothing fails. */
Test(faults, a_live_inspection_of_a_genuine_chip, .timeout = 600)
{
    char csca[512];
    struct inspect_fx f = { .reader = "sim", .want = VFY_INSPECTION_GENUINE };
    f.trust = trust_of_file(repo_path("data/specimen/csca.pem", csca, sizeof csca));
    sweep_report("live inspection", fault_sweep(inspect_live, &f, RUNS));
    vfy_trust_free(f.trust);
}

/* A clone: one passport's files on a chip with another passport's Chip and Active
 * Authentication keys. Invalid when nothing fails; never a success when something does. */
Test(faults, a_live_inspection_of_a_clone, .timeout = 600)
{
    char a[64], b[64], reader[128], csca[300];
    vfy_detail d;
    vfy_detail_clear(&d);
    tmpdir_make("faults-a", a, sizeof a);
    tmpdir_make("faults-b", b, sizeof b);
    cr_assert_eq(vfy_specimen_write(a, NULL, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_specimen_write(b, NULL, &d), VFY_OK, "%s", d.message);
    copy_file_or_fail(b, "aa_private.pem", a, "aa_private.pem");
    copy_file_or_fail(b, "chipauth_private.pem", a, "chipauth_private.pem");
    snprintf(reader, sizeof reader, "sim:%s", a);
    snprintf(csca, sizeof csca, "%s/csca.pem", a);
    struct inspect_fx f = { .reader = reader, .want = VFY_INSPECTION_INVALID };
    f.trust = trust_of_file(csca);
    sweep_report("clone inspection", fault_sweep(inspect_live, &f, RUNS));
    vfy_trust_free(f.trust);
    tmpdir_remove(a);
    tmpdir_remove(b);
}

/* Saved files: genuine data (data_authentic), and a SOD signed by a stranger's key
 * under the genuine DS certificate (invalid). */
static void files_sweep(const specimen_faults *faults, vfy_inspection_outcome want, const char *what)
{
    specimen s;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(specimen_build(NULL, faults, &s, &d), VFY_OK, "%s", d.message);
    struct inspect_fx f = { .doc = s.doc, .want = want };
    cr_assert_eq(vfy_trust_new(&f.trust), VFY_OK);
    cr_assert_eq(vfy_trust_add_x509(f.trust, s.csca, "csca", &d), VFY_OK, "%s", d.message);
    sweep_report(what, fault_sweep(inspect_files, &f, ALL));
    vfy_trust_free(f.trust);
    specimen_free(&s);
}

Test(faults, saved_files_genuine, .timeout = 600)
{
    files_sweep(NULL, VFY_INSPECTION_DATA_AUTHENTIC, "saved files");
}

Test(faults, saved_files_signed_by_a_stranger, .timeout = 600)
{
    specimen_faults forged = { .sod_signed_by_stranger = true };
    files_sweep(&forged, VFY_INSPECTION_INVALID, "forged files");
}

/* ---- trust store ---------------------------------------------------------------- */

struct trust_fx {
    char root[1024], path[1024];
    uint8_t digest[VFY_SHA256_SIZE];
};

/* The German master list, under the German root CSCA that issues its signer, imported
 * under a failed allocation: refused, or the same store. A
 * store that silently lost a CSCA would turn genuine passports away; one that kept a
 * certificate it should have refused would accept forgeries. */
static void trust_import(void *ctx, bool injected)
{
    struct trust_fx *f = ctx;
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_path(t, f->root, &d), VFY_OK, "%s", d.message);
    fault_enter();
    vfy_status s = vfy_trust_add_path(t, f->path, &d);
    fault_leave();
    uint8_t digest[VFY_SHA256_SIZE];
    if (!injected) {
        cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
        cr_assert_eq(vfy_trust_digest(t, f->digest), VFY_OK);
    } else if (s == VFY_OK) {
        cr_assert_eq(vfy_trust_digest(t, digest), VFY_OK);
        cr_assert_arr_eq(digest, f->digest, sizeof digest, "failing allocation %lu changed the imported store",
                         fault_armed());
    } else {
        cr_assert_neq(s, VFY_E_INTERNAL, "%s", d.message);
    }
    vfy_trust_free(t);
}

Test(faults, master_list_import, .timeout = 600)
{
    struct trust_fx f;
    SHARED_PATH("vectors/emrtd/samples/masterlists/DE_ROOT_CA_CSCA07.cer", f.root);
    SHARED_PATH("vectors/emrtd/samples/masterlists/DE_ML_2026-05-28-08-28-45.ml", f.path);
    sweep_report("master list", fault_sweep(trust_import, &f, RUNS / 2));
}

/* ---- seals ---------------------------------------------------------------------- */

struct seal_fx {
    uint8_t *seal;
    size_t len;
    vfy_trust *trust;
    vfy_seal_verdict want;
};

static void seal_verify(void *ctx, bool injected)
{
    struct seal_fx *f = ctx;
    vfy_seal_options o = { .trust = f->trust };
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    fault_enter();
    vfy_status s = vfy_seal_verify(f->seal, f->len, &o, &r, &d);
    fault_leave();
    if (!injected) {
        cr_assert_not_null(r);
        cr_assert_eq(r->verdict, f->want, "%s: %s", vfy_status_name(s), d.message);
    } else if (r != NULL) {
        if (r->verdict == VFY_SEAL_VALID)
            cr_assert_eq(f->want, VFY_SEAL_VALID, "a failed allocation made a seal valid");
        cr_assert_eq(s == VFY_OK, r->verdict == VFY_SEAL_VALID, "%s", vfy_status_name(s));
    } else {
        cr_assert(s == VFY_E_NO_MEMORY || s == VFY_E_CRYPTO, "no result with %s: %s", vfy_status_name(s), d.message);
    }
    vfy_seal_result_free(r);
}

static void seal_sweep(bool tamper)
{
    char path[1024];
    struct seal_fx f = { .want = tamper ? VFY_SEAL_INVALID : VFY_SEAL_VALID };
    f.seal = read_file_or_fail(SHARED_PATH("vectors/vds/vdsnc/kurz_vdsnc_vacc_aus_real.json", path), &f.len);
    if (tamper) {
        /* One digit of the signed data changed (a dose date, a passport number ...). */
        uint8_t *p = NULL;
        for (size_t i = f.len / 3; i < f.len && p == NULL; i++)
            if (f.seal[i] >= '0' && f.seal[i] <= '8')
                p = &f.seal[i];
        cr_assert_not_null(p);
        (*p)++;
    }
    f.trust = trust_of_file(SHARED_PATH("vectors/vds/certs/AU_CSCA_2020.pem", path));
    sweep_report(tamper ? "altered seal" : "seal", fault_sweep(seal_verify, &f, ALL));
    vfy_trust_free(f.trust);
    free(f.seal);
}

Test(faults, a_valid_vdsnc_seal, .timeout = 600)
{
    seal_sweep(false);
}

Test(faults, an_altered_vdsnc_seal, .timeout = 600)
{
    seal_sweep(true);
}

/* ---- eligibility ------------------------------------------------------------------ */

struct rules_fx {
    char *baseline;
};

/* Loading the signed rule sets, parsing a case and deciding it, under a failed
 * allocation: an error, or the very decision of the unfailed run (a failed allocation
 * must not pass for a missing input, a rule that did not apply or a different value). */
static void rules_decide(void *ctx, bool injected)
{
    struct rules_fx *f = ctx;
    static const char *const files[] = { "eu-2018-1806.json", "eu-vc-2010.json", "eu-vc-2020.json",
                                         "eu-vc-2024.json", "eu-sbc-2016-399.json", "eu-am-vfa.json",
                                         "eu-by-vfa.json", "eu-dir-2004-38.json" };
    static const char case_json[] =
        "{\"case_id\":\"F1\",\"traveller\":{\"nationality\":\"ARM\",\"birth_date\":\"2020-05-01\","
        "\"document\":{\"type\":\"ordinary\",\"biometric\":true,\"issue_date\":\"2021-03-01\","
        "\"expiry_date\":\"2031-02-28\",\"blank_pages\":4}},\"application\":{\"dates\":{\"lodging\":"
        "\"2025-06-10\",\"intended_entry\":\"2025-07-01\",\"intended_exit\":\"2025-07-20\"},"
        "\"destination\":\"DEU\",\"claims\":[{\"category\":\"close_relative\",\"evidence\":[\"host_request\"],"
        "\"verified\":true}]},\"visa_history\":[]}";
    size_t n[8];
    char *text[8];
    for (size_t i = 0; i < 8; i++) {
        char rel[128], path[1024];
        snprintf(rel, sizeof rel, "data/rules/%s", files[i]);
        text[i] = (char *)read_file_or_fail(repo_path(rel, path, sizeof path), &n[i]);
    }
    vfy_rules_trust *trust = rules_dev_trust();
    vfy_detail d;
    vfy_detail_clear(&d);
    char *out = NULL;
    size_t out_len = 0;
    FILE *sink = open_memstream(&out, &out_len);
    cr_assert_not_null(sink);

    fault_enter();
    vfy_rules_builder *b = NULL;
    vfy_rules_engine *e = NULL;
    vfy_rules_case *c = NULL;
    vfy_rules_workspace *w = NULL;
    vfy_rules_decision *dec = NULL;
    char *json = NULL;
    vfy_status s = vfy_rules_builder_new(VFY_RULES_PRODUCTION, trust, &b);
    if (s == VFY_OK)
        s = vfy_rules_builder_allow_development_key(b);
    for (size_t i = 0; i < 8 && s == VFY_OK; i++)
        s = vfy_rules_builder_add(b, text[i], n[i], files[i], &d);
    if (s == VFY_OK) {
        s = vfy_rules_build(b, &e, &d); /* frees the builder in every case */
        b = NULL;
    }
    if (s == VFY_OK)
        s = vfy_rules_case_parse(case_json, sizeof case_json - 1, &c, &d);
    if (s == VFY_OK)
        s = vfy_rules_workspace_new(e, &w);
    vfy_rules_eval_options opt = { .compact_trail = false };
    if (s == VFY_OK)
        s = vfy_rules_evaluate_into(e, c, &opt, w, &d);
    if (s == VFY_OK)
        s = vfy_rules_workspace_write(w, 0, NULL, sink);
    if (s == VFY_OK)
        s = vfy_rules_evaluate(e, c, &opt, &dec, &d);
    if (s == VFY_OK && (json = vfy_rules_decision_json(dec, 0)) == NULL)
        s = VFY_E_NO_MEMORY;
    fault_leave();
    cr_assert_eq(fclose(sink), 0);

    if (!injected) {
        cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
        cr_assert_eq(vfy_rules_engine_count(e), 8);
        free(f->baseline);
        f->baseline = json;
        json = NULL;
        /* The workspace's line is the decision's text and a newline. */
        cr_assert_eq(out_len, strlen(f->baseline) + 1);
        cr_assert(memcmp(out, f->baseline, out_len - 1) == 0);
    } else if (s == VFY_OK) {
        /* Every set loaded, the same decision, both ways. */
        cr_assert_eq(vfy_rules_engine_count(e), 8, "a failed allocation lost a rule set without an error");
        size_t at = 0;
        while (json[at] != '\0' && json[at] == f->baseline[at])
            at++;
        cr_assert_str_eq(json, f->baseline, "failing allocation %lu changed the decision at byte %zu: %.160s",
                         fault_armed(), at, json + (at > 60 ? at - 60 : 0));
        cr_assert(out_len == strlen(f->baseline) + 1 && memcmp(out, f->baseline, out_len - 1) == 0,
                  "a failed allocation changed the written decision");
    } else {
        cr_assert_neq(s, VFY_E_INTERNAL, "%s", d.message);
    }
    vfy_free(json);
    free(out);
    vfy_rules_decision_free(dec);
    vfy_rules_workspace_free(w);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
    vfy_rules_builder_free(b);
    vfy_rules_trust_free(trust);
    for (size_t i = 0; i < 8; i++)
        free(text[i]);
}

Test(faults, rule_sets_loaded_and_a_case_decided, .timeout = 600)
{
    struct rules_fx f = { 0 };
    sweep_report("rules", fault_sweep(rules_decide, &f, RUNS));
    free(f.baseline);
}

/* Reading a case onto its JSON tape, every allocation failed in turn (the tape, the
 * case, its claims and evidence, its history, the echoed case id): an out-of-memory
 * error and no case, or the very case of the unfailed run (its decision compared). */
struct case_fx {
    vfy_rules_engine *engine;
    char *baseline;
};

static char *decision_of(const vfy_rules_engine *e, const vfy_rules_case *c)
{
    vfy_rules_decision *dec = NULL;
    vfy_rules_eval_options opt = { .compact_trail = false, .include_pii = true };
    cr_assert_eq(vfy_rules_evaluate(e, c, &opt, &dec, NULL), VFY_OK);
    char *json = vfy_rules_decision_json(dec, 0);
    cr_assert_not_null(json);
    vfy_rules_decision_free(dec);
    return json;
}

static void case_read(void *ctx, bool injected)
{
    struct case_fx *f = ctx;
    static const char case_json[] =
        "{\"case_id\":{\"batch\":\"F\",\"n\":[2,\"x\\u00e9\"]},\"traveller\":{\"nationality\":\"KAZ\","
        "\"birth_date\":\"2001-05-01\",\"document\":{\"type\":\"ordinary\",\"biometric\":true,\"issue_date\":"
        "\"2021-03-01\",\"expiry_date\":\"2031-02-28\",\"blank_pages\":4}},\"application\":{\"dates\":"
        "{\"lodging\":\"2025-06-10\",\"intended_entry\":\"2025-07-01\",\"intended_exit\":\"2025-07-20\"},"
        "\"destination\":\"DEU\",\"claims\":[{\"category\":\"student\",\"evidence\":[\"student_card\"],"
        "\"verified\":true,\"status_end\":\"2027-06-30\"},{\"category\":\"close_relative\",\"evidence\":"
        "[\"host_request\"]}]},\"visa_history\":[{\"type\":\"C\",\"entries\":\"multiple\",\"issue_date\":"
        "\"2023-03-01\",\"valid_from\":\"2023-03-01\",\"valid_to\":\"2025-02-28\",\"lawful_use\":\"yes\"}]}";
    vfy_rules_case *c = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    fault_enter();
    vfy_status s = vfy_rules_case_parse(case_json, sizeof case_json - 1, &c, &d);
    fault_leave();
    if (!injected) {
        cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
        cr_assert_str_eq(vfy_rules_case_id_json(c), "{\"batch\":\"F\",\"n\":[2,\"x\xc3\xa9\"]}");
        vfy_free(f->baseline); /* the sweep runs the unfailed operation more than once */
        f->baseline = decision_of(f->engine, c);
    } else if (s == VFY_OK) {
        char *json = decision_of(f->engine, c);
        cr_assert_str_eq(json, f->baseline, "failing allocation %lu changed the case", fault_armed());
        vfy_free(json);
    } else {
        cr_assert_eq(s, VFY_E_NO_MEMORY, "%s: %s", vfy_status_name(s), d.message);
        cr_assert_null(c);
    }
    vfy_rules_case_free(c);
}

Test(faults, a_case_read_onto_its_tape, .timeout = 600)
{
    struct case_fx f = { rules_engine(VFY_RULES_PRODUCTION, NULL), NULL };
    sweep_report("case", fault_sweep(case_read, &f, ALL));
    vfy_free(f.baseline);
    vfy_rules_engine_free(f.engine);
}
