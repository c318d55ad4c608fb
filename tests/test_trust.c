/* The trust store against OpenSSL-made PKI and against the real German and Dutch CSCA
 * master lists with the DS certificates of 13 real passports. */
#include <criterion/criterion.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pki.h"
#include "support.h"
#include "trust/trust_internal.h"
#include "verify.h"

struct pki {
    EVP_PKEY *csca_key, *ds_key, *evil_key;
    X509 *csca, *ds, *expired_ds, *evil_ds, *foreign_ds, *foreign_csca;
    char dir[64];
};

static void make_pki(struct pki *p)
{
    p->csca_key = pki_key("ec:brainpoolP256r1");
    p->ds_key = pki_key("ec:prime256v1");
    p->evil_key = pki_key("ec:brainpoolP256r1");
    p->csca = pki_cert(&(pki_cert_spec){ .cn = "CSCA Utopia", .country = "UT", .key = p->csca_key,
                                         .not_before_days = -100, .not_after_days = 3650,
                                         .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 1 });
    p->ds = pki_cert(&(pki_cert_spec){ .cn = "DS Utopia", .country = "UT", .key = p->ds_key,
                                       .issuer = p->csca, .issuer_key = p->csca_key,
                                       .not_before_days = -10, .not_after_days = 365,
                                       .usage = PKI_KU_SIGN, .serial = 2 });
    p->expired_ds = pki_cert(&(pki_cert_spec){ .cn = "DS Utopia old", .country = "UT", .key = p->ds_key,
                                               .issuer = p->csca, .issuer_key = p->csca_key,
                                               .not_before_days = -60, .not_after_days = -1,
                                               .usage = PKI_KU_SIGN, .serial = 3 });
    /* Claims the trusted CSCA as issuer but is signed by another key. */
    X509 *evil_csca = pki_cert(&(pki_cert_spec){ .cn = "CSCA Utopia", .country = "UT", .key = p->evil_key,
                                                 .not_before_days = -100, .not_after_days = 3650,
                                                 .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 9 });
    p->evil_ds = pki_cert(&(pki_cert_spec){ .cn = "DS Utopia", .country = "UT", .key = p->ds_key,
                                            .issuer = evil_csca, .issuer_key = p->evil_key,
                                            .not_before_days = -10, .not_after_days = 365,
                                            .usage = PKI_KU_SIGN, .serial = 2 });
    X509_free(evil_csca);
    EVP_PKEY *fk = pki_key("rsa:2048");
    p->foreign_csca = pki_cert(&(pki_cert_spec){ .cn = "CSCA Elsewhere", .country = "XE", .key = fk,
                                                 .not_before_days = -100, .not_after_days = 3650,
                                                 .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 5 });
    p->foreign_ds = pki_cert(&(pki_cert_spec){ .cn = "DS Elsewhere", .country = "XE", .key = p->ds_key,
                                               .issuer = p->foreign_csca, .issuer_key = fk,
                                               .not_before_days = -10, .not_after_days = 365,
                                               .usage = PKI_KU_SIGN, .serial = 6 });
    EVP_PKEY_free(fk);
    tmpdir_make("trust", p->dir, sizeof p->dir);
}

static void free_pki(struct pki *p)
{
    tmpdir_remove(p->dir);
    X509_free(p->csca);
    X509_free(p->ds);
    X509_free(p->expired_ds);
    X509_free(p->evil_ds);
    X509_free(p->foreign_ds);
    X509_free(p->foreign_csca);
    EVP_PKEY_free(p->csca_key);
    EVP_PKEY_free(p->ds_key);
    EVP_PKEY_free(p->evil_key);
}

static vfy_trust *store_with_csca(struct pki *p, bool pem)
{
    char path[128];
    snprintf(path, sizeof path, "%s/csca.%s", p->dir, pem ? "pem" : "der");
    if (pem)
        pki_write_pem(path, p->csca);
    else
        pki_write_der(path, p->csca);
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_path(t, path, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 1);
    return t;
}

Test(trust, chain_ok_in_pem_and_der)
{
    struct pki p;
    make_pki(&p);
    for (int pem = 0; pem < 2; pem++) {
        vfy_trust *t = store_with_csca(&p, pem);
        vfy_chain_result r;
        cr_assert_eq(vfy_trust_chain(t, p.ds, time(NULL), &r), VFY_OK);
        cr_assert_eq(r.chain, VFY_OK, "%s", r.chain_reason);
        cr_assert_eq(r.validity, VFY_OK, "%s", r.validity_reason);
        cr_assert_eq(r.crl, VFY_E_CRL_MISSING, "no CRL loaded: revocation not checked");
        cr_assert_eq(r.crl_count, 0);
        cr_assert_eq(r.crl_this_update, 0);
        cr_assert(!r.direct_anchor);
        cr_assert_eq(X509_cmp(r.anchor, p.csca), 0);
        vfy_trust_entry e;
        cr_assert_eq(vfy_trust_entry_get(t, 0, &e), VFY_OK);
        cr_assert(e.accepted);
        cr_assert_str_eq(e.country, "UT");
        cr_assert(strstr(e.subject, "CSCA Utopia") != NULL, "%s", e.subject);
        vfy_trust_free(t);
    }
    free_pki(&p);
}

Test(trust, each_failure_has_its_own_reason)
{
    struct pki p;
    make_pki(&p);
    vfy_trust *t = store_with_csca(&p, true);
    vfy_chain_result r;
    cr_assert_eq(vfy_trust_chain(t, p.expired_ds, time(NULL), &r), VFY_OK);
    cr_assert_eq(r.chain, VFY_OK);
    cr_assert_eq(r.validity, VFY_E_CERT_EXPIRED);
    cr_assert(strstr(r.validity_reason, "not at the verification time") != NULL);
    /* ... but valid at a time the caller chooses inside its validity. */
    cr_assert_eq(vfy_trust_chain(t, p.expired_ds, time(NULL) - 30 * 86400, &r), VFY_OK);
    cr_assert_eq(r.validity, VFY_OK, "%s", r.validity_reason);

    cr_assert_eq(vfy_trust_chain(t, p.evil_ds, time(NULL), &r), VFY_OK);
    cr_assert_eq(r.chain, VFY_E_CERT_CHAIN, "same issuer name, wrong key");
    cr_assert_null(r.anchor);

    cr_assert_eq(vfy_trust_chain(t, p.foreign_ds, time(NULL), &r), VFY_OK);
    cr_assert_eq(r.chain, VFY_E_NO_TRUST_ANCHOR);
    vfy_trust_free(t);
    free_pki(&p);
}

Test(trust, crl_revokes_and_clears)
{
    struct pki p;
    make_pki(&p);
    vfy_trust *t = store_with_csca(&p, false);
    char path[128];
    X509_CRL *other = pki_crl(p.csca, p.csca_key, p.expired_ds, 30);
    snprintf(path, sizeof path, "%s/a.crl", p.dir);
    pki_write_crl_der(path, other);
    cr_assert_eq(vfy_trust_add_path(t, path, NULL), VFY_OK);
    vfy_chain_result r;
    cr_assert_eq(vfy_trust_chain(t, p.ds, time(NULL), &r), VFY_OK);
    cr_assert_eq(r.crl, VFY_OK, "%s", r.crl_reason);
    cr_assert_eq(vfy_trust_chain(t, p.expired_ds, time(NULL) - 30 * 86400, &r), VFY_OK);
    cr_assert_eq(r.crl, VFY_E_CERT_REVOKED, "%s", r.crl_reason);
    /* A CRL whose next update has passed at the verification time is reported as such. */
    cr_assert_eq(vfy_trust_chain(t, p.ds, time(NULL) + 60 * 86400, &r), VFY_OK);
    cr_assert_eq(r.crl, VFY_E_CRL_STALE, "%s", r.crl_reason);
    /* A CRL signed by another key under the same name is ignored. */
    X509_CRL *forged = pki_crl(p.csca, p.evil_key, p.ds, 30);
    snprintf(path, sizeof path, "%s/forged.crl", p.dir);
    pki_write_crl_der(path, forged);
    cr_assert_eq(vfy_trust_add_path(t, path, NULL), VFY_OK);
    cr_assert_eq(vfy_trust_chain(t, p.ds, time(NULL), &r), VFY_OK);
    cr_assert_eq(r.crl, VFY_OK, "a forged CRL must not revoke: %s", r.crl_reason);
    X509_CRL_free(other);
    X509_CRL_free(forged);
    vfy_trust_free(t);
    free_pki(&p);
}

Test(trust, issuer_without_cert_sign_usage)
{
    struct pki p;
    make_pki(&p);
    EVP_PKEY *k = pki_key("ec:prime256v1");
    X509 *not_ca = pki_cert(&(pki_cert_spec){ .cn = "Not a CSCA", .country = "UT", .key = k,
                                              .not_before_days = -10, .not_after_days = 100,
                                              .usage = PKI_KU_SIGN, .serial = 7 });
    X509 *ds = pki_cert(&(pki_cert_spec){ .cn = "DS", .country = "UT", .key = p.ds_key,
                                          .issuer = not_ca, .issuer_key = k,
                                          .not_before_days = -1, .not_after_days = 100,
                                          .usage = PKI_KU_SIGN, .serial = 8 });
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    cr_assert_eq(vfy_trust_add_x509(t, not_ca, "test", NULL), VFY_OK);
    vfy_chain_result r;
    cr_assert_eq(vfy_trust_chain(t, ds, time(NULL), &r), VFY_OK);
    /* The store keeps it only as a hint: it issues nothing and anchors nothing. */
    cr_assert_eq(vfy_trust_anchor_count(t), 0);
    cr_assert_eq(r.chain, VFY_E_NOT_A_CA, "%s", r.chain_reason);
    cr_assert_null(r.anchor);
    cr_assert_eq(vfy_trust_chain(t, not_ca, time(NULL), &r), VFY_OK);
    cr_assert_eq(r.chain, VFY_E_NO_TRUST_ANCHOR, "%s", r.chain_reason);
    cr_assert(r.hinted && !r.direct_anchor);
    vfy_trust_entry e;
    cr_assert_eq(vfy_trust_entry_get(t, 0, &e), VFY_OK);
    cr_assert_eq(e.kind, VFY_TRUST_HINT);
    cr_assert(e.accepted);
    X509_free(ds);
    X509_free(not_ca);
    EVP_PKEY_free(k);
    vfy_trust_free(t);
    free_pki(&p);
}

Test(trust, folders_record_rejected_files)
{
    struct pki p;
    make_pki(&p);
    char path[128];
    snprintf(path, sizeof path, "%s/b.pem", p.dir);
    pki_write_pem(path, p.csca);
    snprintf(path, sizeof path, "%s/a-junk.der", p.dir);
    FILE *f = fopen(path, "wb");
    fputs("this is not a certificate", f);
    fclose(f);
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_path(t, p.dir, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 1);
    cr_assert_eq(vfy_trust_entry_count(t), 2);
    bool saw_rejected = false;
    for (size_t i = 0; i < vfy_trust_entry_count(t); i++) {
        vfy_trust_entry e;
        cr_assert_eq(vfy_trust_entry_get(t, i, &e), VFY_OK);
        if (!e.accepted) {
            saw_rejected = true;
            cr_assert(strstr(e.source, "a-junk.der") != NULL);
            cr_assert(e.reason[0] != '\0');
        }
    }
    cr_assert(saw_rejected);
    vfy_trust_free(t);

    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    cr_assert_eq(vfy_trust_add_path(t, "/nonexistent/trust", &d), VFY_E_TRUST_STORE);
    cr_assert(strstr(d.message, "/nonexistent/trust") != NULL);
    char empty[128];
    snprintf(empty, sizeof empty, "%s/empty", p.dir);
    mkdir(empty, 0700);
    cr_assert_eq(vfy_trust_add_path(t, empty, &d), VFY_E_TRUST_STORE);
    vfy_trust_free(t);
    free_pki(&p);
}

/* ---- real master lists ---------------------------------------------------------- */

static time_t inside_validity(X509 *cert)
{
    struct tm tm;
    cr_assert(ASN1_TIME_to_tm(X509_get0_notBefore(cert), &tm) == 1);
    return timegm(&tm) + 86400;
}

static X509 *load_der(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    X509 *x = d2i_X509_fp(f, NULL);
    fclose(f);
    cr_assert_not_null(x, "%s", path);
    return x;
}

Test(trust, german_master_list_anchors_13_real_document_signers)
{
    char root[512], ml[512];
    SHARED_PATH("vectors/emrtd/samples/masterlists/DE_ROOT_CA_CSCA07.cer", root);
    SHARED_PATH("vectors/emrtd/samples/masterlists/DE_ML_2026-05-28-08-28-45.ml", ml);
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_path(t, root, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_add_path(t, ml, &d), VFY_OK, "%s", d.message);
    cr_assert_gt(vfy_trust_anchor_count(t), 100);
    vfy_trust_entry last;
    cr_assert_eq(vfy_trust_entry_get(t, vfy_trust_entry_count(t) - 1, &last), VFY_OK);
    cr_assert_eq(last.kind, VFY_TRUST_MASTER_LIST);
    cr_assert(last.accepted, "%s", last.reason);

    static const char *states[] = { "AT", "AU", "CN", "DE", "FI", "FR", "GB", "MY", "NZ",
                                    "PH", "RU", "SG", "US" };
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        char path[512], rel[128];
        snprintf(rel, sizeof rel, "vectors/emrtd/samples/gmrtd/%s/DSC.der", states[i]);
        SHARED_PATH(rel, path);
        X509 *dsc = load_der(path);
        vfy_chain_result r;
        cr_assert_eq(vfy_trust_chain(t, dsc, inside_validity(dsc), &r), VFY_OK);
        cr_assert_eq(r.chain, VFY_OK, "%s: %s", states[i], r.chain_reason);
        cr_assert_eq(r.validity, VFY_OK, "%s: %s", states[i], r.validity_reason);
        char cc[3];
        cr_assert(vfy_x509_name_country(X509_get_subject_name(r.anchor), cc));
        cr_assert_str_eq(cc, states[i]);
        X509_free(dsc);
    }
    vfy_trust_free(t);
}

Test(trust, master_list_needs_its_signers_csca_first)
{
    char ml[512];
    SHARED_PATH("vectors/emrtd/samples/masterlists/NL_ML_2026-07-22.ml", ml);
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_path(t, ml, &d), VFY_E_NO_TRUST_ANCHOR);
    cr_assert(strstr(d.message, "load the issuing state's CSCA") != NULL, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 0, "nothing of an unanchored list is trusted");
    char root[512];
    SHARED_PATH("vectors/emrtd/samples/masterlists/NL_ROOT_CA.cer", root);
    cr_assert_eq(vfy_trust_add_path(t, root, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_add_path(t, ml, &d), VFY_OK, "%s", d.message);
    cr_assert_gt(vfy_trust_anchor_count(t), 50);
    vfy_trust_free(t);
}

Test(trust, tampered_master_list_is_rejected_whole)
{
    char root[512], ml[512];
    SHARED_PATH("vectors/emrtd/samples/masterlists/NL_ROOT_CA.cer", root);
    SHARED_PATH("vectors/emrtd/samples/masterlists/NL_ML_2026-07-22.ml", ml);
    size_t n;
    uint8_t *data = read_file_or_fail(ml, &n);
    data[n / 2] ^= 0x01; /* inside the certificate list */
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    cr_assert_eq(vfy_trust_add_path(t, root, NULL), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_trust_add_memory(t, data, n, "tampered.ml", &d);
    cr_assert(s == VFY_E_SIGNATURE || s == VFY_E_TRUST_STORE, "%s", vfy_status_name(s));
    cr_assert_eq(vfy_trust_anchor_count(t), 1, "only the root, nothing of the tampered list");
    free(data);
    vfy_trust_free(t);
}
