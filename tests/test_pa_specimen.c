/* Passive Authentication end to end on specimens made with OpenSSL: every signature
 * algorithm and hash verifies, and every negative path is invalid with its own reason. */
#include <criterion/criterion.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pki.h"
#include "specimen/specimen_internal.h"
#include "support.h"
#include "pa/verdict_internal.h"
#include "verify.h"

static const char utopia_mrz[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                 "L898902C36UTO7408122F3404159ZE184226B<<<<<16";

static vfy_trust *trust_of(X509 *csca, X509_CRL *crl)
{
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    unsigned char *der = NULL;
    int n = i2d_X509(csca, &der);
    cr_assert_gt(n, 0);
    cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "csca", NULL), VFY_OK);
    OPENSSL_free(der);
    if (crl != NULL) {
        der = NULL;
        n = i2d_X509_CRL(crl, &der);
        cr_assert_gt(n, 0);
        cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "crl", NULL), VFY_OK);
        OPENSSL_free(der);
    }
    return t;
}

static void parse_mrz(const char *text, vfy_mrz *mrz)
{
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_mrz_parse(text, strlen(text), NULL, mrz, &d), VFY_OK, "%s", d.message);
}

static void verify(const specimen *s, vfy_trust *t, const char *mrz_text, vfy_verify_options *opt,
                   vfy_verdict *v)
{
    vfy_mrz mrz;
    vfy_verify_options o = opt != NULL ? *opt : (vfy_verify_options){ 0 };
    if (mrz_text != NULL) {
        parse_mrz(mrz_text, &mrz);
        o.mrz = &mrz;
    }
    cr_assert_eq(vfy_verify_document(s->doc, t, &o, v, NULL), VFY_OK);
}

static void expect_genuine(const vfy_verdict *v)
{
    cr_assert_eq(v->sod_signature.outcome, VFY_OUTCOME_OK, "%s", v->sod_signature.reason);
    cr_assert_eq(v->ds_chain.outcome, VFY_OUTCOME_OK, "%s", v->ds_chain.reason);
    cr_assert_eq(v->ds_validity.outcome, VFY_OUTCOME_OK, "%s", v->ds_validity.reason);
    cr_assert_eq(v->dg1_matches_mrz.outcome, VFY_OUTCOME_OK, "%s", v->dg1_matches_mrz.reason);
    cr_assert_eq(v->issuer_country.outcome, VFY_OUTCOME_OK, "%s", v->issuer_country.reason);
    for (unsigned dg = 1; dg <= 16; dg++)
        if (v->dg_listed[dg])
            cr_assert_eq(v->dg_hashes[dg].outcome, VFY_OUTCOME_OK, "DG%u: %s", dg, v->dg_hashes[dg].reason);
    cr_assert_eq(v->verdict, VFY_VERDICT_GENUINE, "%s", v->summary);
    /* Offline: the chip was not asked to prove itself, and the verdict says so. */
    cr_assert(v->clone_detection_unavailable);
    cr_assert(strstr(v->summary, "clone detection was unavailable") != NULL, "%s", v->summary);
}

static void positive(vfy_specimen_sig sig, const char *digest, vfy_specimen_aa aa, vfy_specimen_ca ca)
{
    vfy_specimen_options o = { .sig = sig, .digest = digest, .aa = aa, .ca = ca };
    specimen s;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(specimen_build(&o, NULL, &s, &d), VFY_OK, "%s", d.message);
    vfy_trust *t = trust_of(s.csca, NULL);
    vfy_verdict v;
    verify(&s, t, utopia_mrz, NULL, &v);
    expect_genuine(&v);
    cr_assert_str_eq(v.digest_algorithm, digest);
    if (strcmp(digest, "SHA-1") == 0)
        cr_assert(strstr(v.quirks, "SHA-1") != NULL, "SHA-1 use must be reported");
    vfy_trust_free(t);
    specimen_free(&s);
}

Test(pa_specimen, ecdsa_every_hash)
{
    static const char *const digests[] = { "SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512" };
    for (size_t i = 0; i < 5; i++)
        positive(VFY_SPECIMEN_SIG_ECDSA, digests[i], VFY_SPECIMEN_AA_EC, VFY_SPECIMEN_CA_EC);
}

Test(pa_specimen, rsa_pkcs1, .timeout = 60) { positive(VFY_SPECIMEN_SIG_RSA, "SHA-256", VFY_SPECIMEN_AA_RSA, VFY_SPECIMEN_CA_DH); }
Test(pa_specimen, rsa_pss, .timeout = 60)
{
    positive(VFY_SPECIMEN_SIG_RSA_PSS, "SHA-256", VFY_SPECIMEN_AA_RSA, VFY_SPECIMEN_CA_EC);
    positive(VFY_SPECIMEN_SIG_RSA_PSS, "SHA-512", VFY_SPECIMEN_AA_NONE, VFY_SPECIMEN_CA_NONE);
}

/* "D" is Germany: a German specimen's certificates say DE and the check passes. */
Test(pa_specimen, german_issuing_state_maps_to_de)
{
    const char *mrz = "P<D<<DOE<<JOHN<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\nD123456785UTO6508092M3505207<<<<<<<<<<<<<<<0";
    vfy_specimen_options o = { .mrz = mrz };
    specimen s;
    cr_assert_eq(specimen_build(&o, NULL, &s, NULL), VFY_OK);
    vfy_trust *t = trust_of(s.csca, NULL);
    vfy_verdict v;
    verify(&s, t, mrz, NULL, &v);
    cr_assert_str_eq(v.ds_country, "DE");
    expect_genuine(&v);
    vfy_trust_free(t);
    specimen_free(&s);
}

/* ---- negative paths, each with its own reason --------------------------------------- */

static specimen make(const specimen_faults *f)
{
    specimen s;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(specimen_build(NULL, f, &s, &d), VFY_OK, "%s", d.message);
    return s;
}

static void expect_invalid(const vfy_verdict *v, const vfy_check_result *c, vfy_status status,
                           const char *words)
{
    cr_assert_eq(v->verdict, VFY_VERDICT_INVALID, "%s", v->summary);
    cr_assert_eq(c->outcome, VFY_OUTCOME_FAILED, "%s", c->reason);
    cr_assert_eq(c->status, status, "%s (%s)", vfy_status_name(c->status), c->reason);
    cr_assert(strstr(c->reason, words) != NULL, "reason \"%s\" lacks \"%s\"", c->reason, words);
}

Test(pa_negative, data_group_changed_by_one_bit)
{
    specimen s = make(NULL);
    const uint8_t *data;
    size_t len;
    cr_assert_eq(vfy_document_get_file(s.doc, (vfy_file_id)11, &data, &len), VFY_OK);
    uint8_t *copy = malloc(len);
    memcpy(copy, data, len);
    copy[len - 1] ^= 0x01;
    cr_assert_eq(vfy_document_set_file(s.doc, (vfy_file_id)11, copy, len), VFY_OK);
    free(copy);
    vfy_trust *t = trust_of(s.csca, NULL);
    vfy_verdict v;
    verify(&s, t, utopia_mrz, NULL, &v);
    expect_invalid(&v, &v.dg_hashes[11], VFY_E_HASH_MISMATCH, "DG11 as read differs");
    cr_assert_eq(v.dg_hashes[1].outcome, VFY_OUTCOME_OK);
    vfy_trust_free(t);
    specimen_free(&s);
}

Test(pa_negative, sod_signed_by_unknown_document_signer)
{
    specimen_faults f = { .sod_signed_by_stranger = true };
    specimen s = make(&f);
    vfy_trust *t = trust_of(s.csca, NULL);
    vfy_verdict v;
    verify(&s, t, utopia_mrz, NULL, &v);
    expect_invalid(&v, &v.sod_signature, VFY_E_NO_TRUST_ANCHOR, "does not carry");
    vfy_trust_free(t);
    specimen_free(&s);
}

Test(pa_negative, ds_not_issued_by_any_trusted_csca)
{
    specimen a = make(NULL), b = make(NULL);
    vfy_trust *t = trust_of(b.csca, NULL); /* another Utopian CSCA */
    vfy_verdict v;
    verify(&a, t, utopia_mrz, NULL, &v);
    cr_assert_eq(v.sod_signature.outcome, VFY_OUTCOME_OK);
    expect_invalid(&v, &v.ds_chain, VFY_E_CERT_CHAIN, "");
    vfy_trust_free(t);
    /* With no Utopian CSCA at all, the anchor is missing: unverified, not invalid. */
    EVP_PKEY *k = pki_key("ec:prime256v1");
    X509 *other = pki_cert(&(pki_cert_spec){ .cn = "CSCA Elsewhere", .country = "XE", .key = k,
                                             .not_before_days = -1, .not_after_days = 100,
                                             .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 7 });
    t = trust_of(other, NULL);
    verify(&a, t, utopia_mrz, NULL, &v);
    cr_assert_eq(v.ds_chain.outcome, VFY_OUTCOME_NOT_CHECKED, "%s", v.ds_chain.reason);
    cr_assert_eq(v.verdict, VFY_VERDICT_UNVERIFIED, "%s", v.summary);
    vfy_trust_free(t);
    X509_free(other);
    EVP_PKEY_free(k);
    specimen_free(&a);
    specimen_free(&b);
}

Test(pa_negative, expired_and_not_yet_valid_ds)
{
    specimen_faults expired = { .ds_not_before_days = -400, .ds_not_after_days = -1 };
    specimen_faults future = { .ds_not_before_days = 10, .ds_not_after_days = 400 };
    const specimen_faults *cases[] = { &expired, &future };
    for (size_t i = 0; i < 2; i++) {
        specimen s = make(cases[i]);
        vfy_trust *t = trust_of(s.csca, NULL);
        vfy_verdict v;
        verify(&s, t, utopia_mrz, NULL, &v);
        expect_invalid(&v, &v.ds_validity, VFY_E_CERT_EXPIRED, "not at the verification time");
        /* At a time the caller chooses inside the validity, the same DS is fine. */
        vfy_verify_options o = { .at = time(NULL) + (i == 0 ? -200 : 200) * 86400L };
        verify(&s, t, utopia_mrz, &o, &v);
        cr_assert_eq(v.ds_validity.outcome, VFY_OUTCOME_OK, "%s", v.ds_validity.reason);
        vfy_trust_free(t);
        specimen_free(&s);
    }
}

Test(pa_negative, revoked_ds)
{
    specimen s = make(NULL);
    X509_CRL *crl = pki_crl(s.csca, s.csca_key, s.ds, 30);
    vfy_trust *t = trust_of(s.csca, crl);
    vfy_verdict v;
    verify(&s, t, utopia_mrz, NULL, &v);
    expect_invalid(&v, &v.crl, VFY_E_CERT_REVOKED, "");
    vfy_trust_free(t);
    X509_CRL_free(crl);
    /* A CRL that does not list the DS: the CRL check passes. */
    crl = pki_crl(s.csca, s.csca_key, NULL, 30);
    t = trust_of(s.csca, crl);
    verify(&s, t, utopia_mrz, NULL, &v);
    cr_assert_eq(v.crl.outcome, VFY_OUTCOME_OK, "%s", v.crl.reason);
    expect_genuine(&v);
    vfy_trust_free(t);
    X509_CRL_free(crl);
    specimen_free(&s);
}

Test(pa_negative, ds_without_signing_key_usage)
{
    specimen_faults f = { .ds_without_sign_usage = true };
    specimen s = make(&f);
    vfy_trust *t = trust_of(s.csca, NULL);
    vfy_verdict v;
    verify(&s, t, utopia_mrz, NULL, &v);
    expect_invalid(&v, &v.ds_chain, VFY_E_KEY_USAGE, "key usage");
    vfy_trust_free(t);
    specimen_free(&s);
}

Test(pa_negative, digest_algorithm_disagrees_with_signature)
{
    specimen_faults f = { .sod_digest_mismatch = true };
    specimen s = make(&f);
    vfy_trust *t = trust_of(s.csca, NULL);
    vfy_verdict v;
    verify(&s, t, utopia_mrz, NULL, &v);
    expect_invalid(&v, &v.sod_signature, VFY_E_ALGORITHM, "disagrees with the signature algorithm");
    vfy_trust_free(t);
    specimen_free(&s);
}

Test(pa_negative, dg1_disagrees_with_the_mrz_used)
{
    specimen s = make(NULL);
    vfy_trust *t = trust_of(s.csca, NULL);
    vfy_verdict v;
    /* The sex changed: no check digit notices, DG1 does. */
    verify(&s, t, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122M3404159ZE184226B<<<<<16",
           NULL, &v);
    expect_invalid(&v, &v.dg1_matches_mrz, VFY_E_MISMATCH, "differs from the MRZ used");
    vfy_trust_free(t);
    specimen_free(&s);
}

Test(pa_negative, data_group_read_but_not_in_sod_and_listed_but_not_read)
{
    specimen s = make(NULL);
    const uint8_t dg16[] = { 0x70, 0x03, 0x02, 0x01, 0x00 };
    cr_assert_eq(vfy_document_set_file(s.doc, (vfy_file_id)16, dg16, sizeof dg16), VFY_OK);
    vfy_trust *t = trust_of(s.csca, NULL);
    vfy_verdict v;
    verify(&s, t, utopia_mrz, NULL, &v);
    expect_invalid(&v, &v.dg_hashes[16], VFY_E_HASH_MISMATCH, "does not list it");
    vfy_trust_free(t);
    specimen_free(&s);

    /* DG2 listed but not read: not checked, never OK. */
    s = make(NULL);
    vfy_document *partial;
    cr_assert_eq(vfy_document_new(&partial), VFY_OK);
    static const vfy_file_id keep[] = { 1, 11, 12, 14, 15, VFY_FILE_COM, VFY_FILE_SOD };
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        const uint8_t *data;
        size_t len;
        cr_assert_eq(vfy_document_get_file(s.doc, keep[i], &data, &len), VFY_OK);
        cr_assert_eq(vfy_document_set_file(partial, keep[i], data, len), VFY_OK);
    }
    vfy_document_free(s.doc);
    s.doc = partial;
    t = trust_of(s.csca, NULL);
    verify(&s, t, utopia_mrz, NULL, &v);
    cr_assert_eq(v.dg_hashes[2].outcome, VFY_OUTCOME_NOT_CHECKED);
    cr_assert(strstr(v.dg_hashes[2].reason, "not read") != NULL);
    vfy_trust_free(t);
    specimen_free(&s);
}

Test(pa_negative, rsa_modulus_below_policy, .timeout = 60)
{
    vfy_specimen_options o = { .sig = VFY_SPECIMEN_SIG_RSA };
    specimen s;
    cr_assert_eq(specimen_build(&o, NULL, &s, NULL), VFY_OK);
    vfy_trust *t = trust_of(s.csca, NULL);
    vfy_verdict v;
    vfy_verify_options opt = { .min_rsa_bits = 3072 };
    verify(&s, t, utopia_mrz, &opt, &v);
    expect_invalid(&v, &v.sod_signature, VFY_E_WEAK_KEY, "2048 bits");
    vfy_trust_free(t);
    specimen_free(&s);
}

Test(pa_negative, no_sod_and_no_trust_store)
{
    specimen s = make(NULL);
    vfy_verdict v;
    verify(&s, NULL, utopia_mrz, NULL, &v);
    cr_assert_eq(v.sod_signature.outcome, VFY_OUTCOME_OK);
    cr_assert_eq(v.ds_chain.outcome, VFY_OUTCOME_NOT_CHECKED);
    cr_assert_eq(v.verdict, VFY_VERDICT_UNVERIFIED, "%s", v.summary);
    vfy_document *empty;
    cr_assert_eq(vfy_document_new(&empty), VFY_OK);
    cr_assert_eq(vfy_verify_document(empty, NULL, NULL, &v, NULL), VFY_OK);
    cr_assert_eq(v.sod_signature.outcome, VFY_OUTCOME_FAILED);
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID);
    vfy_document_free(empty);
    specimen_free(&s);
}

Test(pa_specimen, country_codes)
{
    cr_assert_str_eq(vfy_country_alpha2("D"), "DE");
    cr_assert_str_eq(vfy_country_alpha2("D<<"), "DE");
    cr_assert_str_eq(vfy_country_alpha2("UTO"), "UT");
    cr_assert_str_eq(vfy_country_alpha2("GBR"), "GB");
    cr_assert_str_eq(vfy_country_alpha2("GBD"), "GB");
    cr_assert_str_eq(vfy_country_alpha2("NLD"), "NL");
    cr_assert_str_eq(vfy_country_alpha2("RKS"), "XK");
    cr_assert_null(vfy_country_alpha2("XXX"));
    cr_assert_null(vfy_country_alpha2(""));
}
