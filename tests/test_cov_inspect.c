/*
 * The inspection's clock-sanity warnings (issue 12, coverage; docs/verdict.md): an
 * inspection time earlier than the newest CRL's thisUpdate, or earlier than the trust
 * store's build time, means the kiosk's clock is wrong. Saved specimen files (made
 * with OpenSSL by the specimen generator) and a CRL issued an hour ago, inspected
 * "two hours ago": both warnings, and still no better outcome than data_authentic.
 * The same files inspected now carry neither warning.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "pki.h"
#include "specimen/specimen_internal.h"
#include "trust/trust_internal.h"
#include "verify.h"

/* Whether the inspection warns `id`; a clock warning must carry VFY_E_CLOCK. */
static bool has_warning(const vfy_inspection *r, const char *id)
{
    vfy_inspection_warning w;
    for (size_t i = 0; vfy_inspection_warning_at(r, i, &w); i++)
        if (strcmp(w.id, id) == 0) {
            cr_assert_eq(w.code, VFY_E_CLOCK, "%s: %s", id, vfy_status_name(w.code));
            return true;
        }
    return false;
}

Test(cov_inspect, clock_before_the_crl_and_the_trust_store)
{
    specimen s;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(specimen_build(NULL, NULL, &s, &d), VFY_OK, "%s", d.message);
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    cr_assert_eq(vfy_trust_add_x509(t, s.csca, "csca", &d), VFY_OK);
    X509_CRL *crl = pki_crl(s.csca, s.csca_key, NULL, 30); /* thisUpdate: an hour ago */
    int n;
    unsigned char *der = pki_crl_der(crl, &n);
    cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "csca.crl", &d), VFY_OK, "%s", d.message);
    OPENSSL_free(der);
    cr_assert_gt(vfy_trust_built_at(t), time(NULL) - 2 * 3600);

    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = t;
    o.at = time(NULL) - 2 * 3600;
    vfy_inspection *r = NULL;
    cr_assert_eq(vfy_inspect_files(s.doc, &o, &r, &d), VFY_OK, "%s", d.message);
    cr_assert(has_warning(r, "time.before_crl"));
    cr_assert(has_warning(r, "time.before_trust_store"));
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_DATA_AUTHENTIC, "%s", vfy_inspection_summary(r));
    cr_assert_neq(vfy_inspection_gate(r), VFY_GATE_ACCEPT);
    vfy_inspection_free(r);

    o.at = 0;
    cr_assert_eq(vfy_inspect_files(s.doc, &o, &r, &d), VFY_OK, "%s", d.message);
    cr_assert(!has_warning(r, "time.before_crl"));
    cr_assert(!has_warning(r, "time.before_trust_store"));
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_DATA_AUTHENTIC, "%s", vfy_inspection_summary(r));
    vfy_inspection_free(r);
    X509_CRL_free(crl);
    vfy_trust_free(t);
    specimen_free(&s);
}

static const char *check_of(const vfy_inspection *r, const char *id, vfy_outcome *status, vfy_status *code)
{
    vfy_inspection_check c;
    cr_assert(vfy_inspection_check_get(r, id, &c), "no check %s", id);
    *status = c.status;
    *code = c.code;
    return c.reason;
}

Test(cov_inspect, a_seal_that_is_no_seal_makes_the_inspection_invalid)
{
    /* Genuine saved files (data_authentic alone) presented with bytes that are no
     * visible digital seal: the seal cannot be examined, which is a failed check, and
     * the inspection as a whole is invalid; no gate accepts it. ASCII text is no VDS,
     * IDB or VDS-NC encoding: VFY_E_SEAL_FORMAT. */
    specimen s;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(specimen_build(NULL, NULL, &s, &d), VFY_OK, "%s", d.message);
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    cr_assert_eq(vfy_trust_add_x509(t, s.csca, "csca", &d), VFY_OK);
    static const uint8_t junk[] = "this is not a seal";
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = t;
    o.seal = junk;
    o.seal_len = sizeof junk - 1;
    vfy_inspection *r = NULL;
    cr_assert_eq(vfy_inspect_files(s.doc, &o, &r, &d), VFY_OK, "%s", d.message);
    vfy_outcome st;
    vfy_status code;
    const char *why = check_of(r, "seal.verify", &st, &code);
    cr_assert_eq(st, VFY_OUTCOME_FAILED, "%s", why);
    cr_assert_eq(code, VFY_E_SEAL_FORMAT, "%s", vfy_status_name(code));
    cr_assert(vfy_inspection_has_seal(r));
    cr_assert_eq(vfy_inspection_seal_verdict(r), VFY_SEAL_INVALID);
    cr_assert_eq(vfy_inspection_document_outcome(r), VFY_INSPECTION_DATA_AUTHENTIC);
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_INVALID, "%s", vfy_inspection_summary(r));
    cr_assert(strstr(vfy_inspection_summary(r), "visa seal") != NULL, "%s", vfy_inspection_summary(r));
    cr_assert_eq(vfy_inspection_gate(r), VFY_GATE_REJECT);
    vfy_inspection_free(r);
    vfy_trust_free(t);
    specimen_free(&s);
}

Test(cov_inspect, arguments)
{
    vfy_inspection *r = NULL;
    vfy_detail d;
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    cr_assert_eq(vfy_inspect_files(doc, &o, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_inspect_files(NULL, &o, &r, &d), VFY_E_INVALID_ARGUMENT);
    o.seal_len = 10; /* a length without bytes */
    cr_assert_eq(vfy_inspect_files(doc, &o, &r, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_null(r);
    o.seal_len = 0;
    cr_assert_eq(vfy_inspect_session(NULL, NULL, &o, &r, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_gate_default(NULL), VFY_GATE_REFER);
    vfy_document_free(doc);
}
