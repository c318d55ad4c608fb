/*
 * The trust store under attack (issue 10, items 3, 4, 10, 11): each test builds the
 * forged, revoked or incomplete PKI with OpenSSL (tests/pki.c) and asserts the exact
 * status, at chain level (vfy_trust_chain) and through vfy_verify_document on an
 * OpenSSL-made specimen passport. docs/trust.md names the rule each test holds.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "pki.h"
#include "pa/verdict_internal.h"
#include "specimen/specimen_internal.h"
#include "trust/trust_internal.h"
#include "verify.h"

#define DAY 86400L
#define OID_ML_SIGNER "2.23.136.1.1.3"

static const char utopia_mrz[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                 "L898902C36UTO7408122F3404159ZE184226B<<<<<16";

/* ---- helpers ----------------------------------------------------------------------- */

static vfy_trust *new_store(void)
{
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    return t;
}

static void add_cert(vfy_trust *t, X509 *c)
{
    int n;
    unsigned char *der = pki_der(c, &n);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "cert", &d), VFY_OK, "%s", d.message);
    OPENSSL_free(der);
}

static void add_crl(vfy_trust *t, X509_CRL *crl)
{
    int n;
    unsigned char *der = pki_crl_der(crl, &n);
    cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "crl", NULL), VFY_OK);
    OPENSSL_free(der);
}

static vfy_status add_list(vfy_trust *t, const uint8_t *ml, size_t n, vfy_detail *d)
{
    vfy_detail_clear(d);
    return vfy_trust_add_memory(t, ml, n, "list.ml", d);
}

static const vfy_trust_entry *last_entry(const vfy_trust *t, vfy_trust_entry *e)
{
    cr_assert_eq(vfy_trust_entry_get(t, vfy_trust_entry_count(t) - 1, e), VFY_OK);
    return e;
}

typedef struct utopia {
    EVP_PKEY *csca_key, *ds_key;
    X509 *csca, *ds;
} utopia;

static X509 *csca_cert(EVP_PKEY *key, const char *cn, const char *country, long from, long to)
{
    return pki_cert(&(pki_cert_spec){ .cn = cn, .country = country, .key = key,
                                      .not_before_days = from, .not_after_days = to,
                                      .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 1 });
}

static X509 *ds_cert(EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, long serial)
{
    return pki_cert(&(pki_cert_spec){ .cn = "DS Utopia", .country = "UT", .key = key, .issuer = issuer,
                                      .issuer_key = issuer_key, .not_before_days = -10,
                                      .not_after_days = 365, .usage = PKI_KU_SIGN, .serial = serial });
}

static void utopia_make(utopia *u)
{
    u->csca_key = pki_key("ec:prime256v1");
    u->ds_key = pki_key("ec:prime256v1");
    u->csca = csca_cert(u->csca_key, "CSCA Utopia", "UT", -100, 3650);
    u->ds = ds_cert(u->ds_key, u->csca, u->csca_key, 2);
}

static void utopia_free(utopia *u)
{
    X509_free(u->csca);
    X509_free(u->ds);
    EVP_PKEY_free(u->csca_key);
    EVP_PKEY_free(u->ds_key);
}

static vfy_chain_result chain(const vfy_trust *t, X509 *c, time_t at)
{
    vfy_chain_result r;
    cr_assert_eq(vfy_trust_chain(t, c, at, &r), VFY_OK);
    return r;
}

/* An OpenSSL-made specimen passport (its DS and CSCA) and its verdict. */
static specimen make_specimen(void)
{
    specimen s;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(specimen_build(NULL, NULL, &s, &d), VFY_OK, "%s", d.message);
    return s;
}

static vfy_verdict verdict_of(const specimen *s, const vfy_trust *t, time_t at)
{
    vfy_mrz mrz;
    cr_assert_eq(vfy_mrz_parse(utopia_mrz, strlen(utopia_mrz), NULL, &mrz, NULL), VFY_OK);
    vfy_verify_options o = { .mrz = &mrz, .at = at };
    vfy_verdict v;
    cr_assert_eq(vfy_verify_document(s->doc, t, &o, &v, NULL), VFY_OK);
    return v;
}

static void expect_check(const vfy_check_result *c, vfy_outcome o, vfy_status s)
{
    cr_assert_eq(c->outcome, o, "%s: %s", vfy_outcome_name(c->outcome), c->reason);
    cr_assert_eq(c->status, s, "%s: %s", vfy_status_name(c->status), c->reason);
}

/* ---- revocation (item 3) ----------------------------------------------------------- */

Test(trust_adversarial, older_and_newer_crl_only_newer_revokes)
{
    utopia u;
    utopia_make(&u);
    vfy_trust *t = new_store();
    add_cert(t, u.csca);
    X509_CRL *older = pki_crl_at(u.csca, u.csca_key, NULL, -20, 30);
    X509_CRL *newer = pki_crl_at(u.csca, u.csca_key, u.ds, -1, 30);
    add_crl(t, older); /* the older, clean CRL first: it must not decide */
    add_crl(t, newer);
    vfy_chain_result r = chain(t, u.ds, time(NULL));
    cr_assert_eq(r.crl, VFY_E_CERT_REVOKED, "%s", r.crl_reason);
    cr_assert_eq(r.crl_count, 2);
    time_t newer_this = r.crl_this_update;
    cr_assert(newer_this > time(NULL) - 2 * DAY && newer_this < time(NULL), "newest thisUpdate");
    cr_assert(r.crl_next_update > time(NULL) + 29 * DAY);
    vfy_trust_free(t);

    /* A revocation in the older CRL counts too. */
    t = new_store();
    add_cert(t, u.csca);
    X509_CRL *old_revoking = pki_crl_at(u.csca, u.csca_key, u.ds, -20, 30);
    X509_CRL *new_clean = pki_crl_at(u.csca, u.csca_key, NULL, -1, 30);
    add_crl(t, new_clean);
    add_crl(t, old_revoking);
    r = chain(t, u.ds, time(NULL));
    cr_assert_eq(r.crl, VFY_E_CERT_REVOKED, "%s", r.crl_reason);
    vfy_trust_free(t);
    X509_CRL_free(older);
    X509_CRL_free(newer);
    X509_CRL_free(old_revoking);
    X509_CRL_free(new_clean);
    utopia_free(&u);
}

Test(trust_adversarial, stale_newest_crl_is_stale_even_if_an_older_is_current)
{
    utopia u;
    utopia_make(&u);
    vfy_trust *t = new_store();
    add_cert(t, u.csca);
    X509_CRL *older = pki_crl_at(u.csca, u.csca_key, NULL, -20, 100);
    X509_CRL *newer = pki_crl_at(u.csca, u.csca_key, NULL, -1, 5);
    add_crl(t, older);
    add_crl(t, newer);
    vfy_chain_result r = chain(t, u.ds, time(NULL) + 20 * DAY);
    cr_assert_eq(r.crl, VFY_E_CRL_STALE, "%s", r.crl_reason);
    cr_assert(r.crl_next_update < time(NULL) + 6 * DAY, "the newest decides");
    r = chain(t, u.ds, time(NULL));
    cr_assert_eq(r.crl, VFY_OK, "%s", r.crl_reason);
    vfy_trust_free(t);
    X509_CRL_free(older);
    X509_CRL_free(newer);
    utopia_free(&u);
}

/* A CRL without nextUpdate (RFC 5280 5.1.2.5 requires it) says nothing about until when
 * it is current: the chain check reports the revocation status stale, as vfy trust
 * status does for the same CRL, never "not revoked, current". */
Test(trust_adversarial, a_crl_without_next_update_is_stale)
{
    utopia u;
    utopia_make(&u);
    vfy_trust *t = new_store();
    add_cert(t, u.csca);
    X509_CRL *crl = X509_CRL_new();
    cr_assert_not_null(crl);
    X509_CRL_set_version(crl, 1);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(u.csca));
    ASN1_TIME *issued = X509_gmtime_adj(NULL, -86400L);
    X509_CRL_set1_lastUpdate(crl, issued);
    ASN1_TIME_free(issued);
    cr_assert_gt(X509_CRL_sign(crl, u.csca_key, EVP_sha256()), 0);
    cr_assert_null(X509_CRL_get0_nextUpdate(crl));
    add_crl(t, crl);
    vfy_chain_result r = chain(t, u.ds, time(NULL));
    cr_assert_eq(r.crl_count, 1, "the CRL verifies under its CSCA and is consulted");
    cr_assert_eq(r.crl, VFY_E_CRL_STALE, "%s", r.crl_reason);
    /* the same CRL with a nextUpdate ahead is current: the refusal is about the field */
    X509_CRL *dated = pki_crl_at(u.csca, u.csca_key, NULL, 0, 30);
    add_crl(t, dated);
    r = chain(t, u.ds, time(NULL));
    cr_assert_eq(r.crl, VFY_OK, "%s", r.crl_reason);
    vfy_trust_free(t);
    X509_CRL_free(crl);
    X509_CRL_free(dated);
    utopia_free(&u);
}

Test(trust_adversarial, crl_not_verifying_under_the_csca_is_rejected_and_ignored)
{
    utopia u;
    utopia_make(&u);
    EVP_PKEY *evil = pki_key("ec:prime256v1");
    vfy_trust *t = new_store();
    add_cert(t, u.csca);
    X509_CRL *forged = pki_crl(u.csca, evil, u.ds, 30);
    add_crl(t, forged);
    vfy_trust_entry e;
    cr_assert(!last_entry(t, &e)->accepted);
    cr_assert_eq(e.kind, VFY_TRUST_CRL);
    cr_assert(strstr(e.reason, "does not verify") != NULL, "%s", e.reason);
    vfy_chain_result r = chain(t, u.ds, time(NULL));
    cr_assert_eq(r.crl, VFY_E_CRL_MISSING, "%s", r.crl_reason);
    cr_assert_eq(r.crl_count, 0);
    vfy_trust_free(t);
    X509_CRL_free(forged);
    EVP_PKEY_free(evil);
    utopia_free(&u);
}

Test(trust_adversarial, document_revocation_staleness_and_missing_crl)
{
    specimen s = make_specimen();
    /* No CRL: revocation unknown, named precisely. */
    vfy_trust *t = new_store();
    add_cert(t, s.csca);
    vfy_verdict v = verdict_of(&s, t, 0);
    expect_check(&v.crl, VFY_OUTCOME_NOT_CHECKED, VFY_E_CRL_MISSING);
    cr_assert_eq(v.ds_chain.outcome, VFY_OUTCOME_OK, "%s", v.ds_chain.reason);
    vfy_trust_free(t);

    /* Older clean CRL and a newer one that revokes the DS: invalid. */
    t = new_store();
    add_cert(t, s.csca);
    X509_CRL *older = pki_crl_at(s.csca, s.csca_key, NULL, -20, 30);
    X509_CRL *newer = pki_crl_at(s.csca, s.csca_key, s.ds, -1, 30);
    add_crl(t, older);
    add_crl(t, newer);
    v = verdict_of(&s, t, 0);
    expect_check(&v.crl, VFY_OUTCOME_FAILED, VFY_E_CERT_REVOKED);
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID, "%s", v.summary);
    vfy_trust_free(t);

    /* Only a stale CRL: not checked, stale; never genuine. */
    t = new_store();
    add_cert(t, s.csca);
    add_crl(t, older);
    v = verdict_of(&s, t, time(NULL) + 40 * DAY);
    expect_check(&v.crl, VFY_OUTCOME_NOT_CHECKED, VFY_E_CRL_STALE);
    cr_assert_neq(v.verdict, VFY_VERDICT_GENUINE, "%s", v.summary);
    vfy_trust_free(t);
    X509_CRL_free(older);
    X509_CRL_free(newer);
    specimen_free(&s);
}

/* ---- anchors (items 10, 11) -------------------------------------------------------- */

Test(trust_adversarial, ds_alone_in_store_is_a_hint_not_an_anchor)
{
    utopia u;
    utopia_make(&u);
    vfy_trust *t = new_store();
    add_cert(t, u.ds);
    cr_assert_eq(vfy_trust_anchor_count(t), 0);
    vfy_trust_entry e;
    cr_assert_eq(last_entry(t, &e)->kind, VFY_TRUST_HINT);
    cr_assert(e.accepted && strstr(e.reason, "not an anchor") != NULL, "%s", e.reason);
    vfy_chain_result r = chain(t, u.ds, time(NULL));
    cr_assert_eq(r.chain, VFY_E_NO_TRUST_ANCHOR, "%s", r.chain_reason);
    cr_assert(r.hinted && !r.direct_anchor && r.anchor == NULL);
    vfy_trust_free(t);
    utopia_free(&u);

    specimen s = make_specimen();
    t = new_store();
    add_cert(t, s.ds);
    vfy_verdict v = verdict_of(&s, t, 0);
    cr_assert_eq(v.verdict, VFY_VERDICT_UNVERIFIED, "%s", v.summary);
    expect_check(&v.ds_chain, VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR);
    vfy_trust_free(t);
    specimen_free(&s);
}

Test(trust_adversarial, ds_in_store_is_checked_against_its_csca_crl)
{
    specimen s = make_specimen();
    vfy_trust *t = new_store();
    add_cert(t, s.ds); /* as in a PKD download: DS, CSCA and CRL in one folder */
    add_cert(t, s.csca);
    X509_CRL *crl = pki_crl(s.csca, s.csca_key, s.ds, 30);
    add_crl(t, crl);
    vfy_chain_result r = chain(t, s.ds, time(NULL));
    cr_assert_eq(r.chain, VFY_OK, "%s", r.chain_reason);
    cr_assert_eq(r.crl, VFY_E_CERT_REVOKED, "%s", r.crl_reason);
    vfy_verdict v = verdict_of(&s, t, 0);
    expect_check(&v.crl, VFY_OUTCOME_FAILED, VFY_E_CERT_REVOKED);
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID, "%s", v.summary);
    vfy_trust_free(t);
    X509_CRL_free(crl);
    specimen_free(&s);
}

/* A certificate with the CSCA's key (so the DS's signature and key identifier match)
 * but a profile that must not issue: the store keeps it as a hint and the DS fails. */
static void forged_issuer(const pki_cert_spec *spec, vfy_status want)
{
    specimen s = make_specimen();
    X509 *issuer = pki_cert(&(pki_cert_spec){ .cn = spec->cn, .country = "UT", .key = s.csca_key,
                                              .not_before_days = -100, .not_after_days = 3650,
                                              .usage = spec->usage, .ca = spec->ca,
                                              .ca_false = spec->ca_false,
                                              .unknown_critical = spec->unknown_critical,
                                              .serial = 77 });
    vfy_trust *t = new_store();
    add_cert(t, issuer);
    cr_assert_eq(vfy_trust_anchor_count(t), 0, "not a CSCA: no anchor");
    vfy_chain_result r = chain(t, s.ds, time(NULL));
    cr_assert_eq(r.chain, want, "%s: %s", vfy_status_name(r.chain), r.chain_reason);
    vfy_verdict v = verdict_of(&s, t, 0);
    expect_check(&v.ds_chain, VFY_OUTCOME_FAILED, want);
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID, "%s", v.summary);
    vfy_trust_free(t);
    X509_free(issuer);
    specimen_free(&s);
}

Test(trust_adversarial, ca_false_issuer_with_key_cert_sign)
{
    forged_issuer(&(pki_cert_spec){ .cn = "Not a CA", .usage = PKI_KU_CERT_SIGN, .ca_false = true },
                  VFY_E_NOT_A_CA);
}

Test(trust_adversarial, issuer_without_basic_constraints_or_key_usage)
{
    forged_issuer(&(pki_cert_spec){ .cn = "Bare", .usage = 0 }, VFY_E_NOT_A_CA);
}

Test(trust_adversarial, ca_without_key_cert_sign)
{
    forged_issuer(&(pki_cert_spec){ .cn = "CA no certsign", .usage = PKI_KU_SIGN, .ca = true },
                  VFY_E_KEY_USAGE);
}

Test(trust_adversarial, unknown_critical_extension_in_csca)
{
    forged_issuer(&(pki_cert_spec){ .cn = "CSCA odd", .usage = PKI_KU_CERT_SIGN, .ca = true,
                                    .unknown_critical = true },
                  VFY_E_CRITICAL_EXTENSION);
}

Test(trust_adversarial, unknown_critical_extension_in_ds)
{
    utopia u;
    utopia_make(&u);
    X509 *odd = pki_cert(&(pki_cert_spec){ .cn = "DS odd", .country = "UT", .key = u.ds_key, .issuer = u.csca,
                                           .issuer_key = u.csca_key, .not_before_days = -1,
                                           .not_after_days = 100, .usage = PKI_KU_SIGN, .serial = 9,
                                           .unknown_critical = true });
    vfy_trust *t = new_store();
    add_cert(t, u.csca);
    vfy_chain_result r = chain(t, odd, time(NULL));
    cr_assert_eq(r.chain, VFY_E_CRITICAL_EXTENSION, "%s", r.chain_reason);
    r = chain(t, u.ds, time(NULL));
    cr_assert_eq(r.chain, VFY_OK, "the same DS without it chains: %s", r.chain_reason);
    vfy_trust_free(t);
    X509_free(odd);
    utopia_free(&u);
}

Test(trust_adversarial, csca_link_certificate_anchors)
{
    specimen s = make_specimen();
    EVP_PKEY *old_key = pki_key("ec:prime256v1");
    X509 *old_csca = csca_cert(old_key, "CSCA Utopia old", "UT", -2000, 3000);
    /* The link: the specimen CSCA's key, certified by the old CSCA. */
    X509 *link = pki_cert(&(pki_cert_spec){ .cn = "CSCA Utopia link", .country = "UT", .key = s.csca_key,
                                            .issuer = old_csca, .issuer_key = old_key,
                                            .not_before_days = -50, .not_after_days = 3000,
                                            .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 5 });
    vfy_trust *t = new_store();
    add_cert(t, old_csca);
    add_cert(t, link);
    cr_assert_eq(vfy_trust_anchor_count(t), 2);
    vfy_chain_result r = chain(t, s.ds, time(NULL));
    cr_assert_eq(r.chain, VFY_OK, "%s", r.chain_reason);
    cr_assert_eq(X509_cmp(r.anchor, link), 0);
    vfy_verdict v = verdict_of(&s, t, 0);
    cr_assert_eq(v.ds_chain.outcome, VFY_OUTCOME_OK, "%s", v.ds_chain.reason);
    cr_assert_eq(v.verdict, VFY_VERDICT_GENUINE, "%s", v.summary);
    vfy_trust_free(t);
    X509_free(link);
    X509_free(old_csca);
    EVP_PKEY_free(old_key);
    specimen_free(&s);
}

Test(trust_adversarial, expired_csca)
{
    specimen s = make_specimen();
    X509 *expired = csca_cert(s.csca_key, "CSCA Utopia expired", "UT", -4000, -1);
    vfy_trust *t = new_store();
    add_cert(t, expired);
    vfy_chain_result r = chain(t, s.ds, time(NULL));
    cr_assert_eq(r.chain, VFY_OK, "%s", r.chain_reason);
    cr_assert_eq(r.validity, VFY_E_CERT_EXPIRED, "%s", r.validity_reason);
    cr_assert(strstr(r.validity_reason, "issuing CSCA") != NULL, "%s", r.validity_reason);
    vfy_verdict v = verdict_of(&s, t, 0);
    expect_check(&v.ds_validity, VFY_OUTCOME_FAILED, VFY_E_CERT_EXPIRED);
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID, "%s", v.summary);
    vfy_trust_free(t);
    X509_free(expired);
    specimen_free(&s);
}

Test(trust_adversarial, same_name_impostor_csca)
{
    utopia u;
    utopia_make(&u);
    EVP_PKEY *evil = pki_key("ec:prime256v1");
    X509 *impostor = csca_cert(evil, "CSCA Utopia", "UT", -100, 3650);
    X509 *evil_ds = ds_cert(u.ds_key, impostor, evil, 3);
    vfy_trust *t = new_store();
    add_cert(t, u.csca);
    vfy_chain_result r = chain(t, evil_ds, time(NULL));
    cr_assert_eq(r.chain, VFY_E_CERT_CHAIN, "%s", r.chain_reason);
    cr_assert_null(r.anchor);
    vfy_trust_free(t);
    X509_free(evil_ds);
    X509_free(impostor);
    EVP_PKEY_free(evil);
    utopia_free(&u);
}

/* ---- master lists (item 4) --------------------------------------------------------- */

typedef struct ml_pki {
    utopia u;
    EVP_PKEY *signer_key, *foreign_key;
    X509 *foreign_csca; /* the CSCA the list vouches for */
} ml_pki;

static void ml_make(ml_pki *m)
{
    utopia_make(&m->u);
    m->signer_key = pki_key("ec:prime256v1");
    m->foreign_key = pki_key("ec:prime256v1");
    m->foreign_csca = csca_cert(m->foreign_key, "CSCA Elsewhere", "XE", -10, 3000);
}

static void ml_free(ml_pki *m)
{
    utopia_free(&m->u);
    EVP_PKEY_free(m->signer_key);
    EVP_PKEY_free(m->foreign_key);
    X509_free(m->foreign_csca);
}

static X509 *ml_signer(ml_pki *m, const char *eku, long from, long to, long serial)
{
    return pki_cert(&(pki_cert_spec){ .cn = "ML signer Utopia", .country = "UT", .key = m->signer_key,
                                      .issuer = m->u.csca, .issuer_key = m->u.csca_key,
                                      .not_before_days = from, .not_after_days = to,
                                      .usage = PKI_KU_SIGN, .eku = eku, .serial = serial });
}

/* Loads the Utopian CSCA and a list vouching for the foreign CSCA; returns the status. */
static vfy_status load_list(ml_pki *m, vfy_trust *t, X509 *signer, long signed_days, vfy_detail *d)
{
    size_t n;
    uint8_t *ml = pki_master_list(signer, m->signer_key, &m->foreign_csca, 1, signed_days, &n);
    vfy_status s = add_list(t, ml, n, d);
    free(ml);
    return s;
}

Test(trust_adversarial, master_list_with_proper_signer_loads)
{
    ml_pki m;
    ml_make(&m);
    X509 *signer = ml_signer(&m, OID_ML_SIGNER, -10, 365, 30);
    vfy_trust *t = new_store();
    add_cert(t, m.u.csca);
    vfy_detail d;
    cr_assert_eq(load_list(&m, t, signer, 0, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 2);
    vfy_trust_free(t);
    X509_free(signer);
    ml_free(&m);
}

Test(trust_adversarial, master_list_signed_by_ordinary_ds_is_rejected)
{
    ml_pki m;
    ml_make(&m);
    X509 *ds = ml_signer(&m, NULL, -10, 365, 31); /* no EKU: a document signer */
    vfy_trust *t = new_store();
    add_cert(t, m.u.csca);
    vfy_detail d;
    cr_assert_eq(load_list(&m, t, ds, 0, &d), VFY_E_KEY_USAGE, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 1, "nothing of the list");
    vfy_trust_entry e;
    cr_assert(!last_entry(t, &e)->accepted);
    cr_assert_eq(e.kind, VFY_TRUST_MASTER_LIST);
    cr_assert(strstr(e.reason, "2.23.136.1.1.3") != NULL, "%s", e.reason);
    vfy_trust_free(t);
    X509_free(ds);
    ml_free(&m);
}

Test(trust_adversarial, master_list_signer_expired_when_signing)
{
    ml_pki m;
    ml_make(&m);
    X509 *signer = ml_signer(&m, OID_ML_SIGNER, -100, -10, 32);
    vfy_trust *t = new_store();
    add_cert(t, m.u.csca);
    vfy_detail d;
    cr_assert_eq(load_list(&m, t, signer, 0, &d), VFY_E_CERT_EXPIRED, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 1);
    /* Signed while it was valid (CMS signingTime): accepted although expired now. */
    cr_assert_eq(load_list(&m, t, signer, -20, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 2);
    vfy_trust_free(t);
    X509_free(signer);
    ml_free(&m);
}

Test(trust_adversarial, master_list_signer_revoked_before_or_after_loading)
{
    ml_pki m;
    ml_make(&m);
    X509 *signer = ml_signer(&m, OID_ML_SIGNER, -10, 365, 33);
    X509_CRL *crl = pki_crl(m.u.csca, m.u.csca_key, signer, 30);
    /* CRL first: the list is refused. */
    vfy_trust *t = new_store();
    add_cert(t, m.u.csca);
    add_crl(t, crl);
    vfy_detail d;
    cr_assert_eq(load_list(&m, t, signer, 0, &d), VFY_E_CERT_REVOKED, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 1);
    vfy_trust_free(t);
    /* List first, CRL after: the list and its CSCAs are withdrawn. */
    t = new_store();
    add_cert(t, m.u.csca);
    cr_assert_eq(load_list(&m, t, signer, 0, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 2);
    add_crl(t, crl);
    cr_assert_eq(vfy_trust_anchor_count(t), 1, "the listed CSCA is gone");
    bool saw = false;
    for (size_t i = 0; i < vfy_trust_entry_count(t); i++) {
        vfy_trust_entry e;
        cr_assert_eq(vfy_trust_entry_get(t, i, &e), VFY_OK);
        if (e.kind == VFY_TRUST_MASTER_LIST || e.kind == VFY_TRUST_MASTER_LIST_CERT) {
            cr_assert(!e.accepted, "%s", e.subject);
            cr_assert(strstr(e.reason, "revoked") != NULL, "%s", e.reason);
            saw = true;
        }
    }
    cr_assert(saw);
    vfy_chain_result r = chain(t, m.foreign_csca, time(NULL));
    cr_assert_eq(r.chain, VFY_E_NO_TRUST_ANCHOR, "%s", r.chain_reason);
    vfy_trust_free(t);
    X509_CRL_free(crl);
    X509_free(signer);
    ml_free(&m);
}

Test(trust_adversarial, master_list_signer_of_another_country)
{
    ml_pki m;
    ml_make(&m);
    X509 *signer = pki_cert(&(pki_cert_spec){ .cn = "ML signer", .country = "XE", .key = m.signer_key,
                                              .issuer = m.u.csca, .issuer_key = m.u.csca_key,
                                              .not_before_days = -10, .not_after_days = 365,
                                              .usage = PKI_KU_SIGN, .eku = OID_ML_SIGNER, .serial = 34 });
    vfy_trust *t = new_store();
    add_cert(t, m.u.csca);
    vfy_detail d;
    cr_assert_eq(load_list(&m, t, signer, 0, &d), VFY_E_MISMATCH, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 1);
    vfy_trust_free(t);
    X509_free(signer);
    ml_free(&m);
}

Test(trust_adversarial, master_list_entry_that_is_not_a_csca_is_refused)
{
    ml_pki m;
    ml_make(&m);
    X509 *signer = ml_signer(&m, OID_ML_SIGNER, -10, 365, 35);
    X509 *certs[2] = { m.foreign_csca, m.u.ds };
    size_t n;
    uint8_t *ml = pki_master_list(signer, m.signer_key, certs, 2, 0, &n);
    vfy_trust *t = new_store();
    add_cert(t, m.u.csca);
    vfy_detail d;
    cr_assert_eq(add_list(t, ml, n, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 2, "the CSCA, not the DS");
    bool refused = false;
    for (size_t i = 0; i < vfy_trust_entry_count(t); i++) {
        vfy_trust_entry e;
        cr_assert_eq(vfy_trust_entry_get(t, i, &e), VFY_OK);
        if (e.kind == VFY_TRUST_MASTER_LIST_CERT && !e.accepted)
            refused = strstr(e.reason, "not a CA") != NULL;
    }
    cr_assert(refused);
    free(ml);
    vfy_trust_free(t);
    X509_free(signer);
    ml_free(&m);
}

/* ---- digest and build time (item 5) ------------------------------------------------ */

Test(trust_adversarial, digest_is_order_independent_and_built_at_is_newest)
{
    utopia u;
    utopia_make(&u);
    X509_CRL *crl = pki_crl_at(u.csca, u.csca_key, NULL, -2, 30);
    vfy_trust *a = new_store(), *b = new_store();
    add_cert(a, u.csca);
    add_cert(a, u.ds);
    add_crl(a, crl);
    add_crl(b, crl);
    add_cert(b, u.ds);
    add_cert(b, u.csca);
    uint8_t da[32], db[32];
    cr_assert_eq(vfy_trust_digest(a, da), VFY_OK);
    cr_assert_eq(vfy_trust_digest(b, db), VFY_OK);
    cr_assert_arr_eq(da, db, 32);
    /* Independent recomputation: SHA-256 over the three DERs sorted bytewise. */
    int l[3];
    unsigned char *der[3] = { pki_der(u.csca, &l[0]), pki_der(u.ds, &l[1]), pki_crl_der(crl, &l[2]) };
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++) {
            int c = memcmp(der[i], der[j], (size_t)(l[i] < l[j] ? l[i] : l[j]));
            if (c > 0 || (c == 0 && l[i] > l[j])) {
                unsigned char *td = der[i];
                int tl = l[i];
                der[i] = der[j], l[i] = l[j], der[j] = td, l[j] = tl;
            }
        }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    uint8_t want[32];
    cr_assert(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1);
    for (int i = 0; i < 3; i++)
        cr_assert(EVP_DigestUpdate(ctx, der[i], (size_t)l[i]) == 1);
    cr_assert(EVP_DigestFinal_ex(ctx, want, NULL) == 1);
    EVP_MD_CTX_free(ctx);
    cr_assert_arr_eq(da, want, 32);
    for (int i = 0; i < 3; i++)
        OPENSSL_free(der[i]);
    /* Anything more changes it. */
    X509_CRL *second = pki_crl_at(u.csca, u.csca_key, NULL, -1, 30);
    add_crl(b, second);
    cr_assert_eq(vfy_trust_digest(b, db), VFY_OK);
    cr_assert(memcmp(da, db, 32) != 0);
    /* Built at: the newest of CRL thisUpdate (-1 day - 1 h) and notBefore (DS: -10 days). */
    time_t built = vfy_trust_built_at(b);
    cr_assert(built > time(NULL) - DAY - 2 * 3600 && built < time(NULL) - DAY, "%ld", (long)built);
    cr_assert_eq(vfy_trust_built_at(a) < built, true);
    vfy_trust *empty = new_store();
    cr_assert_eq(vfy_trust_built_at(empty), 0);
    cr_assert_eq(vfy_trust_digest(NULL, da), VFY_E_INVALID_ARGUMENT);
    vfy_trust_free(empty);
    vfy_trust_free(a);
    vfy_trust_free(b);
    X509_CRL_free(crl);
    X509_CRL_free(second);
    utopia_free(&u);
}
