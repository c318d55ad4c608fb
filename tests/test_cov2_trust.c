#define _GNU_SOURCE
/*
 * Trust store, chaining and PKD import edges not reached by test_trust*.c and
 * test_cov_trust.c (issue 12, coverage): the issuer checks of the chain step run on an
 * anchor that is not a CSCA (defence in depth below vfy_trust_add_anchor), a signer
 * whose validity cannot be read, a master list without signed attributes, PEM files
 * with a private key in them, inputs that are sockets, the folder and record caps, a
 * store in force holding the same object twice, a CSCA whose key cannot be decoded,
 * a store folder where nothing can be created, and the import report's accessors. All
 * PKI is made with OpenSSL at test time (tests/pki.c); each negative asserts the exact
 * status the header documents and the reason given.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "pki.h"
#include "support.h"
#include "trust/trust_store.h"
#include "verify.h"
#include "verify/trust_update.h"

#define ML_SIGNER_EKU "2.23.136.1.1.3"

static EVP_PKEY *g_ca_key, *g_ds_key;

static void keys(void)
{
    g_ca_key = pki_key("ec:prime256v1");
    g_ds_key = pki_key("ec:prime256v1");
}

static void free_keys(void)
{
    EVP_PKEY_free(g_ca_key);
    EVP_PKEY_free(g_ds_key);
}

TestSuite(cov2_trust, .init = keys, .fini = free_keys);

static X509 *make_csca(const char *cn, const char *c, long serial)
{
    return pki_cert(&(pki_cert_spec){ .cn = cn, .country = c, .key = g_ca_key, .not_before_days = -100,
                                      .not_after_days = 3000, .usage = PKI_KU_CERT_SIGN, .ca = true,
                                      .serial = serial });
}

static X509 *make_ds(X509 *issuer, long serial)
{
    return pki_cert(&(pki_cert_spec){ .cn = "Document Signer", .country = "UT", .key = g_ds_key,
                                      .issuer = issuer, .issuer_key = g_ca_key, .not_before_days = -10,
                                      .not_after_days = 300, .usage = PKI_KU_SIGN, .serial = serial });
}

static vfy_trust *new_store(void)
{
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    return t;
}

/* ---- the chain step's issuer checks ------------------------------------------------ */

/* vfy_trust_add_anchor never makes such a certificate an anchor (vfy_trust_not_csca):
 * check_issuer repeats the checks for the chain step, so a store filled by other means
 * (this test pushes onto the anchor stack through the internal header) still refuses. */
static void chain_under_pushed_anchor(const pki_cert_spec *issuer_spec, vfy_status want, const char *why)
{
    X509 *issuer = pki_cert(issuer_spec);
    X509 *ds = make_ds(issuer, 77);
    vfy_trust *t = new_store();
    cr_assert_eq(X509_up_ref(issuer), 1);
    cr_assert_gt(sk_X509_push(t->anchors, issuer), 0);
    vfy_chain_result r;
    cr_assert_eq(vfy_trust_chain(t, ds, time(NULL), &r), VFY_OK);
    cr_assert_eq(r.anchor, issuer, "the pushed certificate is found as the issuer");
    cr_assert_eq(r.chain, want, "%s: %s", vfy_status_name(r.chain), r.chain_reason);
    cr_assert(strstr(r.chain_reason, why) != NULL, "%s", r.chain_reason);
    vfy_trust_free(t);
    X509_free(ds);
    X509_free(issuer);
}

Test(cov2_trust, chain_refuses_an_anchor_that_is_not_a_ca)
{
    /* No basicConstraints at all, keyCertSign present. */
    chain_under_pushed_anchor(&(pki_cert_spec){ .cn = "Not a CA", .country = "UT", .key = g_ca_key,
                                                .not_before_days = -100, .not_after_days = 3000,
                                                .usage = PKI_KU_CERT_SIGN, .serial = 2 },
                              VFY_E_NOT_A_CA, "basicConstraints CA:TRUE missing");
}

Test(cov2_trust, chain_refuses_an_anchor_without_key_cert_sign)
{
    /* CA:TRUE with keyUsage digitalSignature only (RFC 5280 §4.2.1.3). */
    chain_under_pushed_anchor(&(pki_cert_spec){ .cn = "CA without certSign", .country = "UT", .key = g_ca_key,
                                                .not_before_days = -100, .not_after_days = 3000,
                                                .usage = PKI_KU_SIGN, .ca = true, .serial = 3 },
                              VFY_E_KEY_USAGE, "does not allow certificate signing");
}

Test(cov2_trust, chain_refuses_an_anchor_with_an_unknown_critical_extension)
{
    chain_under_pushed_anchor(&(pki_cert_spec){ .cn = "CSCA critical", .country = "UT", .key = g_ca_key,
                                                .not_before_days = -100, .not_after_days = 3000,
                                                .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 4,
                                                .unknown_critical = true },
                              VFY_E_CRITICAL_EXTENSION, "issuing CSCA carries an unknown critical extension");
}

Test(cov2_trust, chain_of_a_signer_whose_validity_cannot_be_read)
{
    /* A DS whose notBefore is no time at all ("not-a-time" as a UTCTime's bytes), signed
     * after the change so that its signature verifies under the CSCA. */
    X509 *ca = make_csca("CSCA Utopia", "UT", 1);
    X509 *ds = make_ds(ca, 5);
    ASN1_TIME *bad = ASN1_UTCTIME_new();
    cr_assert_eq(ASN1_STRING_set(bad, "not-a-time", 10), 1);
    cr_assert_eq(X509_set1_notBefore(ds, bad), 1);
    ASN1_TIME_free(bad);
    cr_assert_gt(X509_sign(ds, g_ca_key, EVP_sha256()), 0);
    struct tm tm;
    cr_assert_neq(ASN1_TIME_to_tm(X509_get0_notBefore(ds), &tm), 1, "OpenSSL reads no time from it");
    vfy_trust *t = new_store();
    cr_assert_eq(vfy_trust_add_x509(t, ca, "ca", NULL), VFY_OK);
    vfy_chain_result r;
    cr_assert_eq(vfy_trust_chain(t, ds, time(NULL), &r), VFY_OK);
    cr_assert_eq(r.chain, VFY_OK, "%s", r.chain_reason);
    /* Unreadable is not valid: fail closed, and the reason shows the date as unknown. */
    cr_assert_eq(r.validity, VFY_E_CERT_EXPIRED, "%s", vfy_status_name(r.validity));
    cr_assert(strstr(r.validity_reason, "valid from ? to ") != NULL, "%s", r.validity_reason);
    ERR_clear_error();
    vfy_trust_free(t);
    X509_free(ds);
    X509_free(ca);
}

/* ---- a master list without signed attributes ------------------------------------------ */

/* CscaMasterList { version 0, certList SET { cert } }, CMS-signed with CMS_NOATTR: no
 * signed attributes, so no signingTime; the signer's validity is then judged now. */
static uint8_t *list_without_attributes(X509 *signer, EVP_PKEY *key, X509 *member, size_t *len)
{
    int n;
    unsigned char *cert = pki_der(member, &n);
    cr_assert_lt(n, 60000);
    size_t set_len = (size_t)n, body_len = 3 + 4 + set_len;
    uint8_t *content = malloc(4 + body_len);
    size_t k = 0;
    content[k++] = 0x30;
    content[k++] = 0x82;
    content[k++] = (uint8_t)(body_len >> 8);
    content[k++] = (uint8_t)body_len;
    content[k++] = 0x02;
    content[k++] = 0x01;
    content[k++] = 0x00;
    content[k++] = 0x31;
    content[k++] = 0x82;
    content[k++] = (uint8_t)(set_len >> 8);
    content[k++] = (uint8_t)set_len;
    memcpy(content + k, cert, set_len);
    k += set_len;
    OPENSSL_free(cert);
    unsigned flags = CMS_PARTIAL | CMS_BINARY | CMS_NOATTR;
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
    cr_assert_not_null(cms);
    ASN1_OBJECT *type = OBJ_txt2obj("2.23.136.1.1.2", 1);
    cr_assert_eq(CMS_set1_eContentType(cms, type), 1);
    ASN1_OBJECT_free(type);
    CMS_SignerInfo *si = CMS_add1_signer(cms, signer, key, EVP_sha256(), flags);
    cr_assert_not_null(si);
    cr_assert_eq(CMS_signed_get_attr_count(si), -1, "no signed attributes");
    BIO *in = BIO_new_mem_buf(content, (int)k);
    cr_assert_eq(CMS_final(cms, in, NULL, flags), 1);
    BIO_free(in);
    free(content);
    unsigned char *der = NULL;
    int dl = i2d_CMS_ContentInfo(cms, &der);
    cr_assert_gt(dl, 0);
    CMS_ContentInfo_free(cms);
    uint8_t *out = malloc((size_t)dl);
    memcpy(out, der, (size_t)dl);
    OPENSSL_free(der);
    *len = (size_t)dl;
    return out;
}

static void list_signed_without_time(long signer_not_before, long signer_not_after, vfy_status want)
{
    EVP_PKEY *ml_key = pki_key("ec:prime256v1");
    X509 *ca = make_csca("CSCA Utopia", "UT", 1);
    X509 *signer = pki_cert(&(pki_cert_spec){ .cn = "ML signer", .country = "UT", .key = ml_key, .issuer = ca,
                                              .issuer_key = g_ca_key, .not_before_days = signer_not_before,
                                              .not_after_days = signer_not_after, .usage = PKI_KU_SIGN,
                                              .eku = ML_SIGNER_EKU, .serial = 6 });
    X509 *other = make_csca("CSCA Elsewhere", "XE", 7);
    size_t len;
    uint8_t *ml = list_without_attributes(signer, ml_key, other, &len);
    vfy_trust *t = new_store();
    cr_assert_eq(vfy_trust_add_x509(t, ca, "ca", NULL), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_trust_add_memory(t, ml, len, "noattr.ml", &d);
    cr_assert_eq(s, want, "%s: %s", vfy_status_name(s), d.message);
    if (want == VFY_OK) {
        cr_assert_eq(vfy_trust_anchor_count(t), 2, "the listed CSCA joins");
    } else {
        cr_assert_eq(vfy_trust_anchor_count(t), 1);
        /* Judged at the time of loading, as the message says. */
        cr_assert(strstr(d.message, "not valid when the list was signed (now)") != NULL, "%s", d.message);
    }
    vfy_trust_free(t);
    free(ml);
    X509_free(other);
    X509_free(signer);
    X509_free(ca);
    EVP_PKEY_free(ml_key);
}

Test(cov2_trust, master_list_without_signing_time_is_judged_now)
{
    list_signed_without_time(-10, 300, VFY_OK);
    /* The same list whose signer expired yesterday: refused for now, not for a date the
     * list does not state. */
    list_signed_without_time(-300, -1, VFY_E_CERT_EXPIRED);
}

/* ---- files that cannot be read ------------------------------------------------------ */

static void make_socket(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    cr_assert_lt(strlen(path), sizeof a.sun_path);
    strcpy(a.sun_path, path);
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0, "%s", strerror(errno));
    close(fd); /* the socket file stays */
}

Test(cov2_trust, a_socket_is_no_trust_file)
{
    /* stat() sees a file that is not a folder; open() of a socket fails (ENXIO), even as
     * root: both the store and the importer say they cannot open it. */
    char dir[64], sock[128];
    tmpdir_make("cov2-trust-sock", dir, sizeof dir);
    snprintf(sock, sizeof sock, "%s/s", dir);
    make_socket(sock);
    vfy_trust *t = new_store();
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_path(t, sock, &d), VFY_E_TRUST_STORE);
    cr_assert(strstr(d.message, "cannot open") != NULL, "%s", d.message);
    vfy_trust_free(t);

    char store[128];
    snprintf(store, sizeof store, "%s/trust", dir);
    const char *in[] = { sock };
    vfy_trust_import_options o = VFY_TRUST_IMPORT_OPTIONS_INIT;
    o.inputs = in;
    o.input_count = 1;
    vfy_trust_import_report *r = (vfy_trust_import_report *)1;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_import(store, &o, &r, &d), VFY_E_TRUST_STORE);
    cr_assert_null(r);
    cr_assert(strstr(d.message, "cannot open") != NULL, "%s", d.message);
    tmpdir_remove(dir);
}

/* ---- caps ---------------------------------------------------------------------------- */

Test(cov2_trust, folder_with_more_files_than_the_store_takes, .timeout = 120)
{
    /* VFY_TRUST_MAX_ENTRIES + 1 (empty) files: the folder is refused before any is read. */
    char dir[64], sub[128];
    tmpdir_make("cov2-trust-many", dir, sizeof dir);
    snprintf(sub, sizeof sub, "%s/many", dir);
    cr_assert_eq(mkdir(sub, 0700), 0);
    for (int i = 0; i <= VFY_TRUST_MAX_ENTRIES; i++) {
        char p[192];
        snprintf(p, sizeof p, "%s/f%05d.der", sub, i);
        int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
        cr_assert_geq(fd, 0, "%s", p);
        close(fd);
    }
    vfy_trust *t = new_store();
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_path(t, sub, &d), VFY_E_LIMIT);
    cr_assert(strstr(d.message, "too many files") != NULL, "%s", d.message);
    cr_assert_eq(vfy_trust_entry_count(t), 0, "nothing was read");
    const char *paths[] = { sub };
    cr_assert_eq(vfy_trust_add_paths(t, paths, 1, &d), VFY_E_LIMIT);
    cr_assert_eq(vfy_trust_entry_count(t), 0);
    vfy_trust_free(t);
    tmpdir_remove(dir);
}

/* ---- the import ------------------------------------------------------------------------ */

typedef struct imp {
    char dir[64], store[128];
    X509 *ca;
} imp;

static void imp_make(imp *w)
{
    tmpdir_make("cov2-trust-import", w->dir, sizeof w->dir);
    snprintf(w->store, sizeof w->store, "%s/trust", w->dir);
    w->ca = make_csca("CSCA Utopia", "UT", 1);
}

static void imp_free(imp *w)
{
    X509_free(w->ca);
    tmpdir_remove(w->dir);
}

static vfy_status run_import(const char *store, const char *const *in, size_t n, vfy_trust_import_report **r,
                             vfy_detail *d)
{
    vfy_trust_import_options o = VFY_TRUST_IMPORT_OPTIONS_INIT;
    o.inputs = in;
    o.input_count = n;
    vfy_detail_clear(d);
    return vfy_trust_import(store, &o, r, d);
}

Test(cov2_trust, pem_with_a_private_key_imports_its_certificate_only)
{
    /* A PEM file as some tools write it: the key, then the certificate. The key is no
     * trust object and is skipped; the CSCA is added. */
    imp w;
    imp_make(&w);
    char pem[128];
    snprintf(pem, sizeof pem, "%s/csca-and-key.pem", w.dir);
    FILE *f = fopen(pem, "w");
    cr_assert_not_null(f);
    cr_assert_eq(PEM_write_PrivateKey(f, g_ca_key, NULL, NULL, 0, NULL, NULL), 1);
    cr_assert_eq(PEM_write_X509(f, w.ca), 1);
    fclose(f);
    const char *in[] = { pem };
    vfy_trust_import_report *r;
    vfy_detail d;
    cr_assert_eq(run_import(w.store, in, 1, &r, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_import_item_count(r), 1);
    vfy_import_item it;
    cr_assert(vfy_trust_import_item_at(r, 0, &it));
    cr_assert_eq(it.action, VFY_IMPORT_ADDED);
    cr_assert_eq(it.kind, VFY_TRUST_CERTIFICATE);
    cr_assert_str_eq(it.subject, "CN=CSCA Utopia,C=UT");
    /* Past the end: nothing, and `it` is left alone. */
    cr_assert(!vfy_trust_import_item_at(r, 1, &it));
    cr_assert_str_eq(it.subject, "CN=CSCA Utopia,C=UT");
    cr_assert(!vfy_trust_import_item_at(r, 0, NULL));
    vfy_trust_import_report_free(r);
    imp_free(&w);
}

Test(cov2_trust, pem_with_a_csca_and_its_crl_imports_both)
{
    /* PEM_X509_INFO_read_bio puts a certificate and the CRL after it into one X509_INFO;
     * both are imported (the importer used to drop the CRL). */
    imp w;
    imp_make(&w);
    X509_CRL *crl = pki_crl(w.ca, g_ca_key, NULL, 30);
    char pem[128];
    snprintf(pem, sizeof pem, "%s/csca-and-crl.pem", w.dir);
    FILE *f = fopen(pem, "w");
    cr_assert_not_null(f);
    cr_assert_eq(PEM_write_X509(f, w.ca), 1);
    cr_assert_eq(PEM_write_X509_CRL(f, crl), 1);
    fclose(f);
    const char *in[] = { pem };
    vfy_trust_import_report *r;
    vfy_detail d;
    cr_assert_eq(run_import(w.store, in, 1, &r, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_import_count(r, VFY_IMPORT_ADDED), 2);
    vfy_import_item a, b;
    cr_assert(vfy_trust_import_item_at(r, 0, &a) && vfy_trust_import_item_at(r, 1, &b));
    cr_assert_eq(a.kind, VFY_TRUST_CERTIFICATE);
    cr_assert_eq(b.kind, VFY_TRUST_CRL);
    vfy_trust_import_report_free(r);
    /* The store in force holds the CRL: the CSCA's revocation status is known. */
    char cur[160];
    snprintf(cur, sizeof cur, "%s/current", w.store);
    vfy_trust *t = new_store();
    cr_assert_eq(vfy_trust_add_path(t, cur, &d), VFY_OK, "%s", d.message);
    vfy_trust_status *st;
    cr_assert_eq(vfy_trust_status_make(t, 0, 30, &st), VFY_OK);
    vfy_trust_status_item si;
    cr_assert(vfy_trust_status_item_at(st, 0, &si));
    cr_assert_eq(si.crl_count, 1);
    vfy_trust_status_free(st);
    vfy_trust_free(t);
    X509_CRL_free(crl);
    imp_free(&w);
}

Test(cov2_trust, import_where_nothing_verifies_makes_no_store)
{
    /* A document signer whose CSCA is not there, into an empty trust folder. */
    imp w;
    imp_make(&w);
    X509 *ds = make_ds(w.ca, 9);
    char p[128];
    snprintf(p, sizeof p, "%s/ds.der", w.dir);
    pki_write_der(p, ds);
    const char *in[] = { p };
    vfy_trust_import_report *r = NULL;
    vfy_detail d;
    cr_assert_eq(run_import(w.store, in, 1, &r, &d), VFY_E_TRUST_STORE);
    cr_assert(strstr(d.message, "nothing in the input verified: no store was made") != NULL, "%s", d.message);
    /* The inputs were read: the report says why (trust_update.h). */
    cr_assert_not_null(r);
    cr_assert(!vfy_trust_import_switched(r));
    vfy_import_item it;
    cr_assert(vfy_trust_import_item_at(r, 0, &it));
    cr_assert_eq(it.action, VFY_IMPORT_REJECTED);
    cr_assert_str_eq(it.reason, "no CSCA of the store issued it");
    vfy_trust_import_report_free(r);
    char cur[160];
    snprintf(cur, sizeof cur, "%s/current", w.store);
    struct stat st;
    cr_assert_neq(lstat(cur, &st), 0, "no store in force");
    X509_free(ds);
    imp_free(&w);
}

static void patch(uint8_t *buf, size_t len, const uint8_t *from, const uint8_t *to, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(buf + i, from, n) == 0) {
            memcpy(buf + i, to, n);
            return;
        }
    cr_assert_fail("pattern not found");
}

Test(cov2_trust, csca_whose_key_cannot_be_decoded_is_rejected_with_the_stores_reason)
{
    /* A CA certificate whose key algorithm is unassigned (id-ecPublicKey's arc, last
     * component 9): a CSCA by its extensions, but no anchor. The report gives the reason
     * the store recorded. */
    imp w;
    imp_make(&w);
    X509 *bad = make_csca("CSCA Unknown Key", "UT", 4);
    int n;
    unsigned char *der = pki_der(bad, &n);
    static const uint8_t ec_pk[] = { 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01 };
    static const uint8_t unknown[] = { 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x09 };
    patch(der, (size_t)n, ec_pk, unknown, sizeof ec_pk);
    char good[128], badp[128];
    snprintf(badp, sizeof badp, "%s/unknown-key.der", w.dir);
    FILE *f = fopen(badp, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(der, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    OPENSSL_free(der);
    snprintf(good, sizeof good, "%s/csca.der", w.dir);
    pki_write_der(good, w.ca);
    const char *in[] = { good, badp };
    vfy_trust_import_report *r;
    vfy_detail d;
    cr_assert_eq(run_import(w.store, in, 2, &r, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_import_count(r, VFY_IMPORT_ADDED), 1);
    cr_assert_eq(vfy_trust_import_count(r, VFY_IMPORT_REJECTED), 1);
    vfy_import_item it;
    cr_assert(vfy_trust_import_item_at(r, 1, &it));
    cr_assert_eq(it.action, VFY_IMPORT_REJECTED);
    cr_assert_str_eq(it.reason, "the certificate's public key cannot be decoded");
    vfy_trust_import_report_free(r);
    X509_free(bad);
    imp_free(&w);
}

Test(cov2_trust, the_same_object_twice_in_the_store_in_force_is_kept_once)
{
    /* A store in force holding one CSCA under two names (copied by hand): the next import
     * reports it once, unchanged, and the new store holds one copy. */
    imp w;
    imp_make(&w);
    char pem[128];
    snprintf(pem, sizeof pem, "%s/csca.pem", w.dir);
    pki_write_pem(pem, w.ca);
    const char *in[] = { pem };
    vfy_trust_import_report *r;
    vfy_detail d;
    cr_assert_eq(run_import(w.store, in, 1, &r, &d), VFY_OK, "%s", d.message);
    vfy_trust_import_report_free(r);
    char cur[160];
    snprintf(cur, sizeof cur, "%s/current", w.store);
    char target[160];
    ssize_t k = readlink(cur, target, sizeof target - 1);
    cr_assert_gt(k, 0);
    target[k] = '\0';
    char storedir[320];
    snprintf(storedir, sizeof storedir, "%s/%s", w.store, target);
    char copy[400];
    snprintf(copy, sizeof copy, "%s/csca-copy.der", storedir);
    pki_write_der(copy, w.ca);
    /* Something new, so that a store is written: a CRL of the CSCA. */
    X509_CRL *crl = pki_crl(w.ca, g_ca_key, NULL, 30);
    char crlp[128];
    snprintf(crlp, sizeof crlp, "%s/ut.crl", w.dir);
    pki_write_crl_der(crlp, crl);
    const char *in2[] = { crlp };
    cr_assert_eq(run_import(w.store, in2, 1, &r, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_import_item_count(r), 2, "the CSCA once, the CRL");
    cr_assert_eq(vfy_trust_import_count(r, VFY_IMPORT_UNCHANGED), 1);
    cr_assert_eq(vfy_trust_import_count(r, VFY_IMPORT_ADDED), 1);
    cr_assert(vfy_trust_import_switched(r));
    vfy_trust_import_report_free(r);
    vfy_trust *t = new_store();
    cr_assert_eq(vfy_trust_add_path(t, cur, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_entry_count(t), 2, "one CSCA file and the CRL in the new store");
    vfy_trust_free(t);
    X509_CRL_free(crl);
    imp_free(&w);
}

Test(cov2_trust, report_json_names_a_master_list)
{
    /* The CSCA, its master-list signer's list vouching for a foreign CSCA: the report's
     * JSON names the list's kind "master_list" and its signer. */
    imp w;
    imp_make(&w);
    EVP_PKEY *ml_key = pki_key("ec:prime256v1");
    X509 *signer = pki_cert(&(pki_cert_spec){ .cn = "ML signer", .country = "UT", .key = ml_key, .issuer = w.ca,
                                              .issuer_key = g_ca_key, .not_before_days = -10,
                                              .not_after_days = 300, .usage = PKI_KU_SIGN,
                                              .eku = ML_SIGNER_EKU, .serial = 6 });
    X509 *other = make_csca("CSCA Elsewhere", "XE", 7);
    size_t len;
    uint8_t *ml = pki_master_list(signer, ml_key, &other, 1, 0, &len);
    char mlp[128], pem[128];
    snprintf(mlp, sizeof mlp, "%s/list.ml", w.dir);
    FILE *f = fopen(mlp, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(ml, 1, len, f), len);
    fclose(f);
    snprintf(pem, sizeof pem, "%s/csca.pem", w.dir);
    pki_write_pem(pem, w.ca);
    const char *in[] = { pem, mlp };
    vfy_trust_import_report *r;
    vfy_detail d;
    cr_assert_eq(run_import(w.store, in, 2, &r, &d), VFY_OK, "%s", d.message);
    char *text = vfy_trust_import_to_json(r, 0);
    json_t *j = json_parse_or_fail(text);
    json_t *items = json_object_get(j, "items");
    cr_assert_eq(json_array_size(items), 2);
    json_t *list = json_array_get(items, 1);
    cr_assert_str_eq(json_string_value(json_object_get(list, "kind")), "master_list");
    cr_assert_str_eq(json_string_value(json_object_get(list, "action")), "added");
    cr_assert_str_eq(json_string_value(json_object_get(list, "subject")), "CN=ML signer,C=UT");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(j, "counts"), "added")), 2);
    json_decref(j);
    free(text);
    cr_assert_null(vfy_trust_import_to_json(NULL, 0));
    vfy_trust_import_report_free(r);
    free(ml);
    X509_free(other);
    X509_free(signer);
    EVP_PKEY_free(ml_key);
    imp_free(&w);
}

Test(cov2_trust, store_folder_where_nothing_can_be_created)
{
    /* /proc/sys is a folder no one can create anything in (procfs refuses mkdir, even to
     * root): everything verifies, then writing the new store fails, typed as I/O. */
    struct stat st;
    if (stat("/proc/sys", &st) != 0 || !S_ISDIR(st.st_mode))
        cr_skip_test("no /proc/sys here");
    imp w;
    imp_make(&w);
    char pem[128];
    snprintf(pem, sizeof pem, "%s/csca.pem", w.dir);
    pki_write_pem(pem, w.ca);
    const char *in[] = { pem };
    vfy_trust_import_report *r = NULL;
    vfy_detail d;
    cr_assert_eq(run_import("/proc/sys", in, 1, &r, &d), VFY_E_IO);
    cr_assert(strstr(d.message, "cannot create a folder in /proc/sys") != NULL, "%s", d.message);
    vfy_trust_import_report_free(r);
    imp_free(&w);
}

Test(cov2_trust, crl_stack_cap, .timeout = 60)
{
    /* CRLs are not deduplicated (each copy is a record): VFY_TRUST_MAX_ENTRIES of them,
     * then the store refuses the next one before recording it. */
    X509 *ca = make_csca("CSCA Utopia", "UT", 1);
    X509_CRL *crl = pki_crl(ca, g_ca_key, NULL, 30);
    int n;
    unsigned char *der = pki_crl_der(crl, &n);
    vfy_trust *t = new_store();
    vfy_status s = VFY_OK;
    size_t i = 0;
    for (; i <= VFY_TRUST_MAX_ENTRIES && s == VFY_OK; i++)
        s = vfy_trust_add_memory(t, der, (size_t)n, "same.crl", NULL);
    cr_assert_eq(s, VFY_E_LIMIT, "%s", vfy_status_name(s));
    cr_assert_eq(i, (size_t)VFY_TRUST_MAX_ENTRIES + 1);
    cr_assert_eq(vfy_trust_entry_count(t), VFY_TRUST_MAX_ENTRIES, "the refused copy was not recorded");
    vfy_trust_free(t);
    OPENSSL_free(der);
    X509_CRL_free(crl);
    X509_free(ca);
}

/* A folder named to vfy_trust_add_paths whose path is so long (about 3,900 bytes, under
 * PATH_MAX) that one of its entries' full path would pass 4,096 bytes: that entry is
 * passed over (its path cannot be formed, so nothing of it is read), the others load.
 * Both files hold a valid CSCA: one anchor, not two. */
Test(cov2_trust, a_folder_entry_whose_path_would_pass_4096_bytes_is_passed_over)
{
    char base[64];
    tmpdir_make("cov2-trust-long", base, sizeof base);
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s", base);
    char part[201];
    memset(part, 'd', 200);
    part[200] = '\0';
    /* Exactly 3,890 bytes: folders of 200 characters, then one of what is left. */
    while (strlen(dir) < 3890) {
        size_t room = 3890 - strlen(dir) - 1;
        strcat(dir, "/");
        strncat(dir, part, room < 200 ? room : 200);
        cr_assert_eq(mkdir(dir, 0700), 0, "%s", strerror(errno));
    }
    cr_assert_eq(strlen(dir), 3890);
    EVP_PKEY *k1 = pki_key("ec:prime256v1"), *k2 = pki_key("ec:prime256v1");
    X509 *short_csca = pki_cert(&(pki_cert_spec){ .cn = "CSCA Short", .country = "UT", .key = k1,
                                                  .not_before_days = -1, .not_after_days = 365,
                                                  .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 1 });
    X509 *long_csca = pki_cert(&(pki_cert_spec){ .cn = "CSCA Long", .country = "XE", .key = k2,
                                                 .not_before_days = -1, .not_after_days = 365,
                                                 .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 2 });
    char long_name[241];
    memset(long_name, 'n', 236);
    memcpy(long_name + 236, ".der", 5);
    cr_assert_gt(strlen(dir) + 1 + strlen(long_name), 4096, "the entry's path must pass 4096 bytes");
    /* Written from inside the folder: the entry's full path is too long for open(). */
    char here[4096];
    cr_assert_not_null(getcwd(here, sizeof here));
    cr_assert_eq(chdir(dir), 0, "%s", strerror(errno));
    pki_write_der("csca.der", short_csca);
    pki_write_der(long_name, long_csca);
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    const char *paths[] = { dir };
    cr_assert_eq(vfy_trust_add_paths(t, paths, 1, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_trust_anchor_count(t), 1);
    char cn[64];
    cr_assert_gt(X509_NAME_get_text_by_NID(X509_get_subject_name(vfy_trust_anchor_get(t, 0)), NID_commonName, cn,
                                           sizeof cn), 0);
    cr_assert_str_eq(cn, "CSCA Short");
    vfy_trust_free(t);
    cr_assert_eq(unlink(long_name), 0);
    cr_assert_eq(unlink("csca.der"), 0);
    cr_assert_eq(chdir(here), 0);
    tmpdir_remove(base);
    X509_free(short_csca);
    X509_free(long_csca);
    EVP_PKEY_free(k1);
    EVP_PKEY_free(k2);
}
