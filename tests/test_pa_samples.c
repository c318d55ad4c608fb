/* Passive Authentication of the real EF.SOD samples of 14 states and the reference
 * documents, against the results recorded independently in samples/index.json. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lds/sod.h"
#include "support.h"
#include "pa/verdict_internal.h"
#include "verify.h"
#include "verify/lds.h"
#include "verify/verdict.h"

#define SAMPLES "vectors/emrtd/samples/"

static json_t *load_index(void)
{
    char path[512];
    SHARED_PATH(SAMPLES "index.json", path);
    json_error_t err;
    json_t *j = json_load_file(path, 0, &err);
    cr_assert_not_null(j, "index.json: %s", err.text);
    return j;
}

static bool file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f != NULL)
        fclose(f);
    return f != NULL;
}

/* A time inside the certificate's validity (one day after notBefore). */
static time_t inside_validity(const uint8_t *sod, size_t len)
{
    lds_sod s;
    cr_assert_eq(lds_sod_open(sod, len, &s, NULL), VFY_OK);
    STACK_OF(X509) *certs = CMS_get1_certs(s.cms);
    cr_assert_gt(sk_X509_num(certs), 0);
    struct tm tm;
    cr_assert_eq(ASN1_TIME_to_tm(X509_get0_notBefore(sk_X509_value(certs, 0)), &tm), 1);
    sk_X509_pop_free(certs, X509_free);
    lds_sod_close(&s);
    return timegm(&tm) + 86400;
}

struct sample {
    char dir[512];
    char sod[600];
    const char *expected;
    json_t *entry;
};

static void sample_paths(json_t *entry, struct sample *s)
{
    const char *rel = json_string_value(json_object_get(entry, "path"));
    char buf[512];
    snprintf(buf, sizeof buf, SAMPLES "%s", rel);
    SHARED_PATH(buf, s->dir);
    size_t n = strlen(s->dir);
    if (n > 4 && strcmp(s->dir + n - 4, ".bin") == 0) {
        snprintf(s->sod, sizeof s->sod, "%s", s->dir);
        char *slash = strrchr(s->dir, '/');
        *slash = '\0';
    } else {
        snprintf(s->sod, sizeof s->sod, "%s/EF_SOD.bin", s->dir);
    }
    s->expected = json_string_value(json_object_get(entry, "expected_passive_auth"));
    s->entry = entry;
}

/* Every recorded DG hash is the one parsed from the SOD. */
static void check_recorded_hashes(json_t *entry, const uint8_t *sod, size_t len)
{
    json_t *info = json_object_get(entry, "sod");
    json_t *hashes = json_object_get(info, "dg_hashes");
    if (hashes == NULL)
        return;
    vfy_lds_sod parsed;
    cr_assert_eq(vfy_lds_parse_sod(sod, len, &parsed, NULL), VFY_OK);
    cr_assert_eq(parsed.hash_count, json_object_size(hashes));
    cr_assert_eq(parsed.version, json_integer_value(json_object_get(info, "lds_security_object_version")));
    cr_assert_str_eq(parsed.econtent_type, json_string_value(json_object_get(info, "econtent_type")));
    for (unsigned i = 0; i < parsed.hash_count; i++) {
        char key[8];
        snprintf(key, sizeof key, "%u", parsed.hashes[i].dg);
        const char *want = json_string_value(json_object_get(hashes, key));
        cr_assert_not_null(want, "DG%u not recorded", parsed.hashes[i].dg);
        char *got = hex_encode(parsed.hashes[i].value, parsed.hashes[i].len);
        cr_assert_str_eq(got, want);
        free(got);
    }
}

static vfy_document *load_sample(const struct sample *s, uint8_t **sod, size_t *sod_len)
{
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    *sod = read_file_or_fail(s->sod, sod_len);
    cr_assert_eq(vfy_document_set_file(doc, VFY_FILE_SOD, *sod, *sod_len), VFY_OK);
    for (unsigned dg = 1; dg <= 16; dg++) {
        char path[600];
        snprintf(path, sizeof path, "%s/EF_DG%u.bin", s->dir, dg);
        if (!file_exists(path) || strstr(s->sod, "misc/") != NULL)
            continue;
        size_t n;
        uint8_t *b = read_file_or_fail(path, &n);
        cr_assert_eq(vfy_document_set_file(doc, (vfy_file_id)dg, b, n), VFY_OK);
        free(b);
    }
    return doc;
}

Test(pa_samples, every_sod_verifies_or_fails_as_recorded)
{
    json_t *index = load_index();
    json_t *entries = json_object_get(index, "entries");
    size_t i, checked = 0, chained = 0, failed = 0;
    json_t *entry;
    json_array_foreach(entries, i, entry) {
        struct sample s;
        if (json_object_get(entry, "expected_passive_auth") == NULL)
            continue;
        sample_paths(entry, &s);
        uint8_t *sod;
        size_t sod_len;
        vfy_document *doc = load_sample(&s, &sod, &sod_len);
        vfy_trust *trust;
        cr_assert_eq(vfy_trust_new(&trust), VFY_OK);
        char csca[600];
        snprintf(csca, sizeof csca, "%s/CSCA.der", s.dir);
        if (strstr(s.dir, "gmrtd/ID") != NULL) {
            char rel[128];
            snprintf(rel, sizeof rel, SAMPLES "masterlists/IDN_2010_SERIES_CSCA/2020-10_CSCA_LINK.cer");
            shared_path(rel, csca, sizeof csca);
        }
        bool has_csca = file_exists(csca);
        if (has_csca)
            cr_assert_eq(vfy_trust_add_path(trust, csca, NULL), VFY_OK, "%s", csca);
        vfy_verify_options opt = { 0 };
        vfy_verdict v;
        bool expect_fail = strncmp(s.expected, "FAIL", 4) == 0;
        if (!expect_fail) {
            opt.at = inside_validity(sod, sod_len);
            check_recorded_hashes(entry, sod, sod_len);
        }
        cr_assert_eq(vfy_verify_document(doc, trust, &opt, &v, NULL), VFY_OK);
        if (expect_fail) {
            cr_assert_eq(v.sod_signature.outcome, VFY_OUTCOME_FAILED, "%s: %s", s.sod, v.sod_signature.reason);
            cr_assert_eq(v.verdict, VFY_VERDICT_INVALID);
            failed++;
        } else {
            cr_assert_eq(v.sod_signature.outcome, VFY_OUTCOME_OK, "%s: %s", s.sod, v.sod_signature.reason);
            if (strstr(s.expected, "chain not checkable") == NULL) {
                cr_assert(has_csca, "%s", s.dir);
                cr_assert_eq(v.ds_chain.outcome, VFY_OUTCOME_OK, "%s: %s", s.dir, v.ds_chain.reason);
                cr_assert_eq(v.ds_validity.outcome, VFY_OUTCOME_OK, "%s: %s", s.dir, v.ds_validity.reason);
                chained++;
            } else {
                cr_assert_eq(v.ds_chain.outcome, VFY_OUTCOME_NOT_CHECKED, "%s", s.dir);
            }
            /* Each data group supplied: OK when the index lists its hash, else FAILED. */
            json_t *hashes = json_object_get(json_object_get(entry, "sod"), "dg_hashes");
            bool unlisted_read = false;
            for (unsigned dg = 1; dg <= 16; dg++) {
                if (!vfy_document_has_file(doc, (vfy_file_id)dg))
                    continue;
                char key[8];
                snprintf(key, sizeof key, "%u", dg);
                vfy_outcome want = json_object_get(hashes, key) != NULL ? VFY_OUTCOME_OK : VFY_OUTCOME_FAILED;
                cr_assert_eq(v.dg_hashes[dg].outcome, want, "%s DG%u: %s", s.dir, dg, v.dg_hashes[dg].reason);
                if (want == VFY_OUTCOME_FAILED)
                    unlisted_read = true;
            }
            /* Never genuine: either a DG read is unlisted (invalid) or no DG1 / no CSCA. */
            cr_assert_eq(v.verdict, unlisted_read ? VFY_VERDICT_INVALID : VFY_VERDICT_UNVERIFIED,
                         "%s: %s", s.dir, v.summary);
            checked++;
        }
        /* The inspection, the one public way to a verdict, agrees on every sample. */
        vfy_inspect_options io = VFY_INSPECT_OPTIONS_INIT;
        io.trust = trust;
        io.at = opt.at;
        vfy_inspection *r = NULL;
        cr_assert_eq(vfy_inspect_files(doc, &io, &r, NULL), VFY_OK);
        vfy_inspection_outcome want = v.verdict == VFY_VERDICT_INVALID ? VFY_INSPECTION_INVALID
                                                                       : VFY_INSPECTION_UNVERIFIED;
        cr_assert_eq(vfy_inspection_get_outcome(r), want, "%s: %s", s.dir, vfy_inspection_summary(r));
        vfy_inspection_free(r);
        vfy_trust_free(trust);
        vfy_document_free(doc);
        free(sod);
    }
    cr_assert_geq(checked, 19);
    cr_assert_geq(chained, 15);
    cr_assert_eq(failed, 1);
    json_decref(index);
}

/* The 13 gmrtd states chain to the German master list alone. */
Test(pa_samples, thirteen_states_chain_to_the_german_master_list)
{
    static const char *const states[] = { "AT", "AU", "CN", "DE", "FI", "FR", "GB",
                                          "MY", "NZ", "PH", "RU", "SG", "US" };
    char ml[512], root[512];
    SHARED_PATH(SAMPLES "masterlists/DE_ROOT_CA_CSCA07.cer", root);
    SHARED_PATH(SAMPLES "masterlists/DE_ML_2026-05-28-08-28-45.ml", ml);
    vfy_trust *trust;
    cr_assert_eq(vfy_trust_new(&trust), VFY_OK);
    cr_assert_eq(vfy_trust_add_path(trust, root, NULL), VFY_OK);
    cr_assert_eq(vfy_trust_add_path(trust, ml, NULL), VFY_OK);
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        char rel[128], path[512];
        snprintf(rel, sizeof rel, SAMPLES "gmrtd/%s/EF_SOD.bin", states[i]);
        SHARED_PATH(rel, path);
        size_t n;
        uint8_t *sod = read_file_or_fail(path, &n);
        vfy_document *doc;
        cr_assert_eq(vfy_document_new(&doc), VFY_OK);
        cr_assert_eq(vfy_document_set_file(doc, VFY_FILE_SOD, sod, n), VFY_OK);
        vfy_verify_options opt = { .at = inside_validity(sod, n) };
        vfy_verdict v;
        cr_assert_eq(vfy_verify_document(doc, trust, &opt, &v, NULL), VFY_OK);
        cr_assert_eq(v.sod_signature.outcome, VFY_OUTCOME_OK, "%s: %s", states[i], v.sod_signature.reason);
        cr_assert_eq(v.ds_chain.outcome, VFY_OUTCOME_OK, "%s: %s", states[i], v.ds_chain.reason);
        cr_assert_str_eq(v.ds_country, states[i]);
        /* Only the SOD was read: DG1 is not checked, so the verdict cannot be genuine. */
        cr_assert_eq(v.dg_hashes[1].outcome, VFY_OUTCOME_NOT_CHECKED);
        cr_assert_eq(v.verdict, VFY_VERDICT_UNVERIFIED, "%s", v.summary);
        vfy_document_free(doc);
        free(sod);
    }
    vfy_trust_free(trust);
}

/* Each field quirk of docs/quirks.md is met, and reported, on the state that has it. */
Test(pa_samples, quirks_are_handled_and_reported)
{
    static const struct {
        const char *dir, *quirk;
    } cases[] = {
        { "AT", "explicit EC parameters" },    { "DE", "explicit EC parameters" },
        { "MY", "signer issuer in another RDN order" }, { "NZ", "BER indefinite lengths" },
        { "AU", "bare key OID as signature algorithm" }, { "CN", "legacy eContentType" },
        { "RU", "SHA-1" },                     { "ID", "RFC 6211 algorithm protection" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rel[128], path[512];
        snprintf(rel, sizeof rel, SAMPLES "gmrtd/%s/EF_SOD.bin", cases[i].dir);
        SHARED_PATH(rel, path);
        size_t n;
        uint8_t *sod = read_file_or_fail(path, &n);
        vfy_document *doc;
        cr_assert_eq(vfy_document_new(&doc), VFY_OK);
        cr_assert_eq(vfy_document_set_file(doc, VFY_FILE_SOD, sod, n), VFY_OK);
        vfy_verdict v;
        cr_assert_eq(vfy_verify_document(doc, NULL, NULL, &v, NULL), VFY_OK);
        cr_assert_eq(v.sod_signature.outcome, VFY_OUTCOME_OK, "%s: %s", cases[i].dir, v.sod_signature.reason);
        cr_assert(strstr(v.quirks, cases[i].quirk) != NULL, "%s: quirks \"%s\"", cases[i].dir, v.quirks);
        /* No trust store: never better than unverified. */
        cr_assert_eq(v.ds_chain.outcome, VFY_OUTCOME_NOT_CHECKED);
        cr_assert_eq(v.verdict, VFY_VERDICT_UNVERIFIED);
        vfy_document_free(doc);
        free(sod);
    }
}

/* SHA-1 is accepted and reported by default, refused when the policy says so. */
Test(pa_samples, sha1_policy)
{
    char path[512];
    SHARED_PATH(SAMPLES "gmrtd/RU/EF_SOD.bin", path);
    size_t n;
    uint8_t *sod = read_file_or_fail(path, &n);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    cr_assert_eq(vfy_document_set_file(doc, VFY_FILE_SOD, sod, n), VFY_OK);
    vfy_verify_options opt = { .refuse_sha1 = true };
    vfy_verdict v;
    cr_assert_eq(vfy_verify_document(doc, NULL, &opt, &v, NULL), VFY_OK);
    cr_assert_eq(v.sod_signature.outcome, VFY_OUTCOME_FAILED);
    cr_assert_eq(v.sod_signature.status, VFY_E_ALGORITHM);
    cr_assert(strstr(v.sod_signature.reason, "SHA-1") != NULL, "%s", v.sod_signature.reason);
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID);
    vfy_document_free(doc);
    free(sod);
}
