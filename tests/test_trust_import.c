/*
 * Keeping the trust store current (issue 14): the ICAO PKD's LDIF downloads, written here
 * in the PKD's layout around PKI made with OpenSSL (tests/pki.c), imported into a managed
 * trust folder. Each forged, malformed or interrupted input must leave the store in force
 * untouched and name the entry; what verifies is switched in atomically. Then freshness:
 * stale, missing and expiring items reported with their exit codes.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pki.h"
#include "support.h"
#include "verify.h"

#define ML_SIGNER_EKU "2.23.136.1.1.3"
#define BASE "dc=data,dc=download,dc=pkd,dc=icao,dc=int"

/* ---- a small PKI: Utopia's CSCA and master-list signer, a foreign CSCA with its DS ---- */

typedef struct world {
    EVP_PKEY *ut_key, *ml_key, *xe_key, *ds_key;
    X509 *ut_csca, *ml_signer, *xe_csca, *xe_ds;
    char dir[64];      /* a scratch folder */
    char store[128];   /* the managed trust folder inside it */
} world;

static void world_make(world *w)
{
    w->ut_key = pki_key("ec:prime256v1");
    w->ml_key = pki_key("ec:prime256v1");
    w->xe_key = pki_key("ec:prime256v1");
    w->ds_key = pki_key("ec:prime256v1");
    w->ut_csca = pki_cert(&(pki_cert_spec){ .cn = "CSCA Utopia", .country = "UT", .key = w->ut_key,
                                            .not_before_days = -100, .not_after_days = 3650,
                                            .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 1 });
    w->ml_signer = pki_cert(&(pki_cert_spec){ .cn = "Master List Signer Utopia", .country = "UT",
                                              .key = w->ml_key, .issuer = w->ut_csca, .issuer_key = w->ut_key,
                                              .not_before_days = -50, .not_after_days = 365,
                                              .usage = PKI_KU_SIGN, .eku = ML_SIGNER_EKU, .serial = 2 });
    w->xe_csca = pki_cert(&(pki_cert_spec){ .cn = "CSCA Elsewhere", .country = "XE", .key = w->xe_key,
                                            .not_before_days = -100, .not_after_days = 3650,
                                            .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 3 });
    w->xe_ds = pki_cert(&(pki_cert_spec){ .cn = "Document Signer Elsewhere", .country = "XE",
                                          .key = w->ds_key, .issuer = w->xe_csca, .issuer_key = w->xe_key,
                                          .not_before_days = -10, .not_after_days = 365,
                                          .usage = PKI_KU_SIGN, .serial = 4 });
    tmpdir_make("import", w->dir, sizeof w->dir);
    snprintf(w->store, sizeof w->store, "%s/trust", w->dir);
}

static void world_free(world *w)
{
    EVP_PKEY_free(w->ut_key);
    EVP_PKEY_free(w->ml_key);
    EVP_PKEY_free(w->xe_key);
    EVP_PKEY_free(w->ds_key);
    X509_free(w->ut_csca);
    X509_free(w->ml_signer);
    X509_free(w->xe_csca);
    X509_free(w->xe_ds);
    tmpdir_remove(w->dir);
}

static void path_in(const world *w, const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", w->dir, name);
}

/* ---- the PKD's LDIF layout --------------------------------------------------------- */

static void ldif_value(FILE *f, const char *attr, const uint8_t *der, size_t len)
{
    char *b64 = malloc(4 * ((len + 2) / 3) + 1);
    cr_assert_not_null(b64);
    int n = EVP_EncodeBlock((unsigned char *)b64, der, (int)len);
    fprintf(f, "%s:: ", attr);
    int col = (int)strlen(attr) + 4;
    for (int i = 0; i < n; i++) {
        if (col == 76) { /* RFC 2849 folding: newline and one space */
            fputs("\n ", f);
            col = 1;
        }
        fputc(b64[i], f);
        col++;
    }
    fputc('\n', f);
    free(b64);
}

static void ldif_header(FILE *f)
{
    fprintf(f, "version: 1\n\ndn: %s\nobjectClass: top\nobjectClass: domain\ndc: data\n\n", BASE);
}

static void ldif_ml(FILE *f, const char *cn, const uint8_t *ml, size_t len)
{
    fprintf(f, "dn: cn=%s,o=ml,c=UT,%s\npkdVersion: 7\ncn: %s\nsn: 1\nobjectClass: top\n"
               "objectClass: person\nobjectClass: pkdMasterList\nobjectClass: pkdDownload\n",
            cn, BASE, cn);
    ldif_value(f, "pkdMasterListContent", ml, len);
    fputc('\n', f);
}

static void ldif_cert(FILE *f, const char *cn, const char *c, X509 *cert)
{
    int n;
    unsigned char *der = pki_der(cert, &n);
    fprintf(f, "dn: cn=%s+sn=%d,o=dsc,c=%s,%s\npkdVersion: 1150\nsn: %d\ncn: %s\nobjectClass: top\n"
               "objectClass: person\nobjectClass: organizationalPerson\nobjectClass: inetOrgPerson\n"
               "objectClass: pkdDownload\n",
            cn, n, c, BASE, n, cn);
    ldif_value(f, "userCertificate;binary", der, (size_t)n);
    fputc('\n', f);
    OPENSSL_free(der);
}

static void ldif_crl(FILE *f, const char *cn, const char *c, X509_CRL *crl)
{
    int n;
    unsigned char *der = pki_crl_der(crl, &n);
    fprintf(f, "dn: cn=%s,o=crl,c=%s,%s\npkdVersion: 28\ncn: %s\nobjectClass: top\n"
               "objectClass: cRLDistributionPoint\nobjectClass: pkdDownload\n",
            cn, c, BASE, cn);
    ldif_value(f, "certificateRevocationList;binary", der, (size_t)n);
    fputc('\n', f);
    OPENSSL_free(der);
}

static FILE *open_ldif(const world *w, const char *name, char *path, size_t cap)
{
    path_in(w, name, path, cap);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    ldif_header(f);
    return f;
}

/* The Utopian master list vouching for the foreign CSCA. */
static uint8_t *master_list(world *w, size_t *len)
{
    return pki_master_list(w->ml_signer, w->ml_key, &w->xe_csca, 1, 0, len);
}

/* ---- importing ----------------------------------------------------------------------- */

static vfy_status import(const world *w, const char *const *inputs, size_t n, bool strict,
                         vfy_trust_import_report **r, vfy_detail *d)
{
    vfy_trust_import_options o = VFY_TRUST_IMPORT_OPTIONS_INIT;
    o.inputs = inputs;
    o.input_count = n;
    o.strict = strict;
    vfy_detail_clear(d);
    return vfy_trust_import(w->store, &o, r, d);
}

/* The operator's out-of-band CSCA, as the first import: the store's first state. */
static void first_store(world *w, char *current_target, size_t cap)
{
    char pem[256];
    path_in(w, "utopia-csca.pem", pem, sizeof pem);
    pki_write_pem(pem, w->ut_csca);
    const char *in[] = { pem };
    vfy_trust_import_report *r;
    vfy_detail d;
    cr_assert_eq(import(w, in, 1, false, &r, &d), VFY_OK, "%s", d.message);
    cr_assert(vfy_trust_import_switched(r));
    cr_assert_eq(vfy_trust_import_count(r, VFY_IMPORT_ADDED), 1);
    vfy_trust_import_report_free(r);
    char link[256];
    snprintf(link, sizeof link, "%s/current", w->store);
    ssize_t k = readlink(link, current_target, cap - 1);
    cr_assert_gt(k, 0);
    current_target[k] = '\0';
}

static void expect_current(const world *w, const char *target)
{
    char link[256], now[256];
    snprintf(link, sizeof link, "%s/current", w->store);
    ssize_t k = readlink(link, now, sizeof now - 1);
    cr_assert_gt(k, 0);
    now[k] = '\0';
    cr_assert_str_eq(now, target, "the store in force changed");
}

static vfy_trust *load_current(const world *w)
{
    char path[256];
    snprintf(path, sizeof path, "%s/current", w->store);
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_add_path(t, path, &d), VFY_OK, "%s", d.message);
    return t;
}

static const vfy_import_item *find_item(const vfy_trust_import_report *r, vfy_trust_kind kind,
                                        vfy_import_item *buf)
{
    for (size_t i = 0; vfy_trust_import_item_at(r, i, buf); i++)
        if (buf->kind == kind && strstr(buf->source, ".ldif") != NULL)
            return buf;
    return NULL;
}

Test(trust_import, pkd_download_is_verified_and_switched_in)
{
    world w;
    world_make(&w);
    char first[256], ldif[256];
    first_store(&w, first, sizeof first);
    FILE *f = open_ldif(&w, "icaopkd-002-ml.ldif", ldif, sizeof ldif);
    size_t n;
    uint8_t *ml = master_list(&w, &n);
    ldif_ml(f, "CN\\=Master List Signer Utopia", ml, n);
    ldif_cert(f, "CN\\=Document Signer Elsewhere", "XE", w.xe_ds);
    X509_CRL *xe_crl = pki_crl(w.xe_csca, w.xe_key, NULL, 30);
    X509_CRL *ut_crl = pki_crl(w.ut_csca, w.ut_key, NULL, 30);
    ldif_crl(f, "CN\\=CSCA Elsewhere", "XE", xe_crl);
    ldif_crl(f, "CN\\=CSCA Utopia", "UT", ut_crl);
    fclose(f);
    const char *in[] = { ldif };
    vfy_trust_import_report *r;
    vfy_detail d;
    cr_assert_eq(import(&w, in, 1, false, &r, &d), VFY_OK, "%s", d.message);
    cr_assert(vfy_trust_import_switched(r));
    cr_expect_eq(vfy_trust_import_count(r, VFY_IMPORT_ADDED), 4, "list, DS, two CRLs");
    cr_expect_eq(vfy_trust_import_count(r, VFY_IMPORT_UNCHANGED), 1, "the Utopian CSCA");
    cr_expect_eq(vfy_trust_import_count(r, VFY_IMPORT_REJECTED), 0);
    vfy_import_item it;
    cr_assert_not_null(find_item(r, VFY_TRUST_MASTER_LIST, &it));
    cr_expect(strstr(it.source, "o=ml,c=UT") != NULL, "%s", it.source);
    /* The files are private to the kiosk and the store loads with both CSCAs. */
    struct stat st;
    cr_assert_eq(stat(vfy_trust_import_store(r), &st), 0);
    cr_expect_eq(st.st_mode & 0777, 0700);
    vfy_trust_import_report_free(r);
    vfy_trust *t = load_current(&w);
    cr_expect_eq(vfy_trust_anchor_count(t), 2);
    vfy_trust_status *s;
    cr_assert_eq(vfy_trust_status_make(t, 0, 30, &s), VFY_OK);
    cr_expect(vfy_trust_status_healthy(s), "every CSCA has a current CRL");
    vfy_trust_status_free(s);
    vfy_trust_free(t);
    /* The same download again changes nothing. */
    cr_assert_eq(import(&w, in, 1, false, &r, &d), VFY_OK, "%s", d.message);
    cr_expect(!vfy_trust_import_switched(r));
    cr_expect_eq(vfy_trust_import_count(r, VFY_IMPORT_ADDED), 0);
    vfy_trust_import_report_free(r);
    X509_CRL_free(xe_crl);
    X509_CRL_free(ut_crl);
    free(ml);
    world_free(&w);
}

Test(trust_import, tampered_master_list_is_rejected_and_the_store_stays)
{
    world w;
    world_make(&w);
    char first[256], ldif[256];
    first_store(&w, first, sizeof first);
    FILE *f = open_ldif(&w, "ml.ldif", ldif, sizeof ldif);
    size_t n;
    uint8_t *ml = master_list(&w, &n);
    ml[n - 5] ^= 0x01; /* inside the signature */
    ldif_ml(f, "CN\\=Master List Signer Utopia", ml, n);
    fclose(f);
    const char *in[] = { ldif };
    vfy_trust_import_report *r;
    vfy_detail d;
    cr_assert_eq(import(&w, in, 1, false, &r, &d), VFY_OK, "%s", d.message);
    cr_expect(!vfy_trust_import_switched(r));
    cr_expect_eq(vfy_trust_import_count(r, VFY_IMPORT_REJECTED), 1);
    vfy_import_item it;
    cr_assert_not_null(find_item(r, VFY_TRUST_MASTER_LIST, &it));
    cr_expect_eq(it.action, VFY_IMPORT_REJECTED);
    cr_expect(strstr(it.source, "cn=CN\\=Master List Signer Utopia,o=ml") != NULL, "%s", it.source);
    cr_expect(it.reason[0] != '\0');
    vfy_trust_import_report_free(r);
    expect_current(&w, first);
    vfy_trust *t = load_current(&w);
    cr_expect_eq(vfy_trust_anchor_count(t), 1, "nothing of the forged list");
    vfy_trust_free(t);
    /* Strict: also refused as a whole. */
    cr_assert_eq(import(&w, in, 1, true, &r, &d), VFY_E_IMPORT_REJECTED, "%s", d.message);
    vfy_trust_import_report_free(r);
    expect_current(&w, first);
    free(ml);
    world_free(&w);
}

Test(trust_import, crl_signed_by_the_wrong_csca_is_rejected)
{
    world w;
    world_make(&w);
    char first[256], ldif[256];
    first_store(&w, first, sizeof first);
    FILE *f = open_ldif(&w, "crl.ldif", ldif, sizeof ldif);
    X509_CRL *forged = pki_crl(w.ut_csca, w.xe_key, NULL, 30); /* names Utopia, signed by XE */
    ldif_crl(f, "CN\\=CSCA Utopia", "UT", forged);
    fclose(f);
    const char *in[] = { ldif };
    vfy_trust_import_report *r;
    vfy_detail d;
    cr_assert_eq(import(&w, in, 1, false, &r, &d), VFY_OK, "%s", d.message);
    vfy_import_item it;
    cr_assert_not_null(find_item(r, VFY_TRUST_CRL, &it));
    cr_expect_eq(it.action, VFY_IMPORT_REJECTED);
    cr_expect(strstr(it.reason, "does not verify") != NULL, "%s", it.reason);
    cr_expect(!vfy_trust_import_switched(r));
    vfy_trust_import_report_free(r);
    expect_current(&w, first);
    X509_CRL_free(forged);
    world_free(&w);
}

Test(trust_import, ldif_entries_never_make_anchors_and_signers_need_their_csca)
{
    world w;
    world_make(&w);
    char first[256], ldif[256];
    first_store(&w, first, sizeof first);
    FILE *f = open_ldif(&w, "dsc.ldif", ldif, sizeof ldif);
    ldif_cert(f, "CN\\=CSCA Elsewhere", "XE", w.xe_csca);          /* a CSCA slipped into o=dsc */
    ldif_cert(f, "CN\\=Document Signer Elsewhere", "XE", w.xe_ds);  /* its CSCA is not trusted */
    fclose(f);
    const char *in[] = { ldif };
    vfy_trust_import_report *r;
    vfy_detail d;
    cr_assert_eq(import(&w, in, 1, false, &r, &d), VFY_OK, "%s", d.message);
    cr_expect_eq(vfy_trust_import_count(r, VFY_IMPORT_REJECTED), 2);
    vfy_import_item it;
    cr_assert_not_null(find_item(r, VFY_TRUST_CERTIFICATE, &it));
    cr_expect(strstr(it.reason, "master list") != NULL, "%s", it.reason);
    cr_assert_not_null(find_item(r, VFY_TRUST_HINT, &it));
    cr_expect(strstr(it.reason, "no CSCA") != NULL, "%s", it.reason);
    vfy_trust_import_report_free(r);
    expect_current(&w, first);
    world_free(&w);
}

/* One malformed LDIF: refused as a whole, the entry named, the store in force kept. */
static void expect_malformed(const char *body, const char *named)
{
    world w;
    world_make(&w);
    char first[256], ldif[256];
    first_store(&w, first, sizeof first);
    FILE *f = open_ldif(&w, "bad.ldif", ldif, sizeof ldif);
    ldif_cert(f, "CN\\=Good", "UT", w.ml_signer);
    fputs(body, f);
    fclose(f);
    const char *in[] = { ldif };
    vfy_trust_import_report *r = (vfy_trust_import_report *)1;
    vfy_detail d;
    cr_assert_eq(import(&w, in, 1, false, &r, &d), VFY_E_LDIF, "%s: %s", vfy_status_name(d.status), d.message);
    cr_expect_null(r);
    cr_expect(strstr(d.message, named) != NULL, "'%s' not named in: %s", named, d.message);
    expect_current(&w, first);
    world_free(&w);
}

Test(trust_import, bad_base64_is_refused)
{
    expect_malformed("dn: cn=broken,o=dsc,c=UT," BASE "\nobjectClass: pkdDownload\n"
                     "userCertificate;binary:: MIIB*not*base64*\n\n",
                     "cn=broken,o=dsc,c=UT");
}

Test(trust_import, truncated_entry_is_refused)
{
    expect_malformed("dn: cn=cut,o=dsc,c=UT," BASE "\nobjectClass: pkdDownload\n"
                     "userCertificate;binary:: MIIBszCCAVmgAwIBAgIBBDAKBggqhkjOPQQDAjA5MRcwFQYDVQQD\n", "cn=cut");
}

Test(trust_import, unknown_attribute_is_refused)
{
    expect_malformed("dn: cn=odd,o=dsc,c=UT," BASE "\nobjectClass: pkdDownload\nfavouriteColour: blue\n\n",
                     "favouriteColour");
}

Test(trust_import, url_value_is_refused_before_anything_is_fetched)
{
    expect_malformed("dn: cn=url,o=dsc,c=UT," BASE "\nobjectClass: pkdDownload\n"
                     "userCertificate;binary:< file:///etc/passwd\n\n",
                     "URL");
}

Test(trust_import, change_records_other_than_add_are_refused)
{
    expect_malformed("dn: cn=gone,o=dsc,c=UT," BASE "\nchangetype: delete\n\n", "cn=gone");
}

Test(trust_import, newer_crl_replaces_the_older)
{
    world w;
    world_make(&w);
    char first[256], old_path[256], new_path[256];
    first_store(&w, first, sizeof first);
    X509_CRL *older = pki_crl_at(w.ut_csca, w.ut_key, NULL, -20, 10);
    X509_CRL *newer = pki_crl_at(w.ut_csca, w.ut_key, NULL, -1, 29);
    path_in(&w, "older.crl", old_path, sizeof old_path);
    path_in(&w, "newer.crl", new_path, sizeof new_path);
    pki_write_crl_der(old_path, older);
    pki_write_crl_der(new_path, newer);
    const char *in1[] = { old_path }, *in2[] = { new_path };
    vfy_trust_import_report *r;
    vfy_detail d;
    cr_assert_eq(import(&w, in1, 1, false, &r, &d), VFY_OK, "%s", d.message);
    cr_expect_eq(vfy_trust_import_count(r, VFY_IMPORT_ADDED), 1);
    vfy_trust_import_report_free(r);
    cr_assert_eq(import(&w, in2, 1, false, &r, &d), VFY_OK, "%s", d.message);
    cr_expect_eq(vfy_trust_import_count(r, VFY_IMPORT_ADDED), 1);
    cr_expect_eq(vfy_trust_import_count(r, VFY_IMPORT_REPLACED), 1);
    vfy_trust_import_report_free(r);
    vfy_trust *t = load_current(&w);
    vfy_trust_status *s;
    cr_assert_eq(vfy_trust_status_make(t, 0, 0, &s), VFY_OK);
    vfy_trust_status_item it;
    cr_assert(vfy_trust_status_item_at(s, 0, &it));
    cr_expect_eq(it.crl_count, 1, "only the newest is kept");
    cr_expect_gt(it.crl_next_update, time(NULL) + 20 * 86400);
    vfy_trust_status_free(s);
    vfy_trust_free(t);
    X509_CRL_free(older);
    X509_CRL_free(newer);
    world_free(&w);
}

/* ---- through vfy trust import / status ---------------------------------------------- */

static int vfy(const char *args, char **out)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", vfy_bin(), args);
    return run_capture(cmd, out);
}

static int validate(const char *schema, const char *json_text)
{
    char root[512], tmp[] = "/tmp/vfy-ti-json-XXXXXX", cmd[2048];
    repo_path("", root, sizeof root);
    int fd = mkstemp(tmp);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, json_text, strlen(json_text)), (ssize_t)strlen(json_text));
    close(fd);
    snprintf(cmd, sizeof cmd, "python3 %s/tests/tools/validate_json.py %s/docs/schema/%s < %s 2>&1", root,
             root, schema, tmp);
    char *err;
    int rc = run_capture(cmd, &err);
    if (rc != 0)
        cr_log_error("%s: %s", schema, err);
    free(err);
    unlink(tmp);
    return rc;
}

Test(trust_import, cli_exit_codes_json_and_freshness, .timeout = 60)
{
    world w;
    world_make(&w);
    char pem[256], crl_path[256], ldif[256], args[1024], *out;
    path_in(&w, "ut.pem", pem, sizeof pem);
    pki_write_pem(pem, w.ut_csca);
    snprintf(args, sizeof args, "trust import --store %s --json %s", w.store, pem);
    cr_assert_eq(vfy(args, &out), 0, "%s", out);
    cr_expect_eq(validate("trust-import.schema.json", out), 0);
    free(out);
    /* No CRL yet: status says so (exit 1) and names the country. */
    snprintf(args, sizeof args, "trust status %s/current", w.store);
    cr_assert_eq(vfy(args, &out), 1, "%s", out);
    cr_expect(strstr(out, "crl_missing") != NULL && strstr(out, "no CRL for: UT") != NULL, "%s", out);
    free(out);
    /* A stale CRL: still exit 1, now crl_stale; --json validates. */
    X509_CRL *stale = pki_crl_at(w.ut_csca, w.ut_key, NULL, -40, -10);
    path_in(&w, "stale.crl", crl_path, sizeof crl_path);
    pki_write_crl_der(crl_path, stale);
    snprintf(args, sizeof args, "trust import --store %s %s", w.store, crl_path);
    cr_assert_eq(vfy(args, &out), 0, "%s", out);
    free(out);
    snprintf(args, sizeof args, "trust status --json %s/current", w.store);
    cr_assert_eq(vfy(args, &out), 1, "%s", out);
    cr_expect(strstr(out, "\"crl_stale\"") != NULL, "%s", out);
    cr_expect_eq(validate("trust-status.schema.json", out), 0);
    free(out);
    /* Expiring within the window: the master-list signer ends in a year; ask for 400 days. */
    snprintf(args, sizeof args, "trust status --within 400 %s", pem);
    cr_assert_eq(vfy(args, &out), 1, "%s", out);
    free(out);
    /* A rejected entry: exit 1; malformed input: exit 2; a missing option: exit 2. */
    FILE *f = open_ldif(&w, "x.ldif", ldif, sizeof ldif);
    ldif_cert(f, "CN\\=Document Signer Elsewhere", "XE", w.xe_ds);
    fclose(f);
    snprintf(args, sizeof args, "trust import --store %s --json %s", w.store, ldif);
    cr_assert_eq(vfy(args, &out), 1, "%s", out);
    cr_expect_eq(validate("trust-import.schema.json", out), 0);
    free(out);
    f = fopen(ldif, "a");
    fputs("dn: cn=bad,o=dsc,c=XE," BASE "\nuserCertificate;binary:: ***\n\n", f);
    fclose(f);
    snprintf(args, sizeof args, "trust import --store %s %s", w.store, ldif);
    cr_assert_eq(vfy(args, &out), 2, "%s", out);
    cr_expect(strstr(out, "cn=bad,o=dsc,c=XE") != NULL, "%s", out);
    free(out);
    cr_assert_eq(vfy("trust import x.ldif", &out), 2, "%s", out);
    free(out);
    X509_CRL_free(stale);
    world_free(&w);
}

Test(trust_import, an_interrupted_import_leaves_the_store_in_force, .timeout = 60)
{
    world w;
    world_make(&w);
    char first[256], fifo[256];
    first_store(&w, first, sizeof first);
    path_in(&w, "download.ldif", fifo, sizeof fifo);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(vfy_bin(), "vfy", "trust", "import", "--store", w.store, fifo, (char *)NULL);
        _exit(127);
    }
    /* Half a download: one good entry, then the importer is killed while it waits. */
    FILE *f = fopen(fifo, "w"); /* blocks until the importer opened it */
    cr_assert_not_null(f);
    ldif_header(f);
    X509_CRL *crl = pki_crl(w.ut_csca, w.ut_key, NULL, 30);
    ldif_crl(f, "CN\\=CSCA Utopia", "UT", crl);
    fputs("dn: cn=half,o=dsc,c=UT," BASE "\nobjectClass: pkdDownload\n", f);
    fflush(f);
    cr_assert_eq(kill(pid, SIGKILL), 0);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_expect(WIFSIGNALED(st));
    fclose(f);
    expect_current(&w, first);
    vfy_trust *t = load_current(&w);
    cr_expect_eq(vfy_trust_anchor_count(t), 1);
    vfy_trust_free(t);
    /* The next import works and removes the leftovers. */
    char pem[256];
    path_in(&w, "again.crl", pem, sizeof pem);
    pki_write_crl_der(pem, crl);
    const char *in[] = { pem };
    vfy_trust_import_report *r;
    vfy_detail d;
    cr_assert_eq(import(&w, in, 1, false, &r, &d), VFY_OK, "%s", d.message);
    cr_expect(vfy_trust_import_switched(r));
    vfy_trust_import_report_free(r);
    char cmd[400], *out;
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -c '^\\.import-' || true", w.store);
    run_capture(cmd, &out);
    cr_expect_eq(atoi(out), 0, "leftovers: %s", out);
    free(out);
    X509_CRL_free(crl);
    world_free(&w);
}

Test(trust_import, a_switch_is_recorded_in_the_audit_trail, .timeout = 60)
{
    world w;
    world_make(&w);
    char pem[256], key[256], log[256], args[1400], *out;
    path_in(&w, "ut.pem", pem, sizeof pem);
    pki_write_pem(pem, w.ut_csca);
    path_in(&w, "kiosk", key, sizeof key);
    path_in(&w, "audit.db", log, sizeof log);
    snprintf(args, sizeof args, "audit keygen --out %s", key);
    cr_assert_eq(vfy(args, &out), 0, "%s", out);
    free(out);
    snprintf(args, sizeof args, "trust import --store %s --audit %s --audit-key %s %s", w.store, log, key, pem);
    cr_assert_eq(vfy(args, &out), 0, "%s", out);
    free(out);
    snprintf(args, sizeof args, "audit show %s --json", log);
    cr_assert_eq(vfy(args, &out), 0, "%s", out);
    cr_expect(strstr(out, "trust_change") != NULL, "%s", out);
    cr_expect(strstr(out, "trust import: added 1") != NULL, "%s", out);
    free(out);
    snprintf(args, sizeof args, "audit verify --key %s.pub %s", key, log);
    cr_assert_eq(vfy(args, &out), 0, "%s", out);
    free(out);
    /* Without its key the import changes nothing: the configuration error comes first. */
    char crl_path[256];
    X509_CRL *crl = pki_crl(w.ut_csca, w.ut_key, NULL, 30);
    path_in(&w, "ut.crl", crl_path, sizeof crl_path);
    pki_write_crl_der(crl_path, crl);
    char link[300], before[256], after[256];
    snprintf(link, sizeof link, "%s/current", w.store);
    ssize_t k = readlink(link, before, sizeof before - 1);
    cr_assert_gt(k, 0);
    before[k] = '\0';
    snprintf(args, sizeof args, "trust import --store %s --audit %s --audit-key %s/missing %s", w.store, log,
             w.dir, crl_path);
    cr_assert_eq(vfy(args, &out), 4, "%s", out);
    free(out);
    k = readlink(link, after, sizeof after - 1);
    cr_assert_gt(k, 0);
    after[k] = '\0';
    cr_expect_str_eq(before, after);
    X509_CRL_free(crl);
    world_free(&w);
}

/* vfy trust show is order-independent (a list before its signer's CSCA still loads), lists a
 * file given twice once with both sources, shows fingerprints, and follows its schema. */
Test(trust_import, trust_show_is_order_independent_and_follows_its_schema, .timeout = 60)
{
    world w;
    world_make(&w);
    char pem[256], ml_path[256], args[1200], *a, *b;
    path_in(&w, "ut.pem", pem, sizeof pem);
    pki_write_pem(pem, w.ut_csca);
    path_in(&w, "list.ml", ml_path, sizeof ml_path);
    size_t n;
    uint8_t *ml = master_list(&w, &n);
    FILE *f = fopen(ml_path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(ml, 1, n, f), n);
    fclose(f);
    snprintf(args, sizeof args, "trust show --json %s %s %s", ml_path, pem, pem);
    cr_assert_eq(vfy(args, &a), 0, "%s", a);
    snprintf(args, sizeof args, "trust show --json %s %s", pem, ml_path);
    cr_assert_eq(vfy(args, &b), 0, "%s", b);
    json_t *ja = json_loads(a, 0, NULL), *jb = json_loads(b, 0, NULL);
    cr_assert(ja != NULL && jb != NULL);
    cr_expect_eq(json_integer_value(json_object_get(ja, "anchors")), 2, "the list's CSCA too");
    cr_expect_str_eq(json_string_value(json_object_get(ja, "digest")), json_string_value(json_object_get(jb, "digest")));
    json_t *first = json_array_get(json_object_get(ja, "items"), 0);
    cr_expect_eq(json_array_size(json_object_get(first, "sources")), 2, "one item, two sources");
    cr_expect_eq(strlen(json_string_value(json_object_get(first, "sha256"))), 64);
    cr_expect_eq(validate("trust.schema.json", a), 0);
    json_decref(ja);
    json_decref(jb);
    free(a);
    free(b);
    free(ml);
    world_free(&w);
}

/* Tidying old stores never follows a link planted under a store's name. */
Test(trust_import, a_link_named_like_a_store_is_not_followed)
{
    world w;
    world_make(&w);
    char first[256], victim[256], keep[300], link[300], crl_path[256];
    first_store(&w, first, sizeof first);
    path_in(&w, "victim", victim, sizeof victim);
    cr_assert_eq(mkdir(victim, 0700), 0);
    snprintf(keep, sizeof keep, "%s/precious", victim);
    FILE *f = fopen(keep, "w");
    cr_assert_not_null(f);
    fputs("keep me", f);
    fclose(f);
    snprintf(link, sizeof link, "%s/store-00000000T000000Z-planted", w.store);
    cr_assert_eq(symlink(victim, link), 0);
    X509_CRL *crl = pki_crl(w.ut_csca, w.ut_key, NULL, 30);
    path_in(&w, "ut.crl", crl_path, sizeof crl_path);
    pki_write_crl_der(crl_path, crl);
    const char *in[] = { crl_path };
    vfy_trust_import_report *r;
    vfy_detail d;
    cr_assert_eq(import(&w, in, 1, false, &r, &d), VFY_OK, "%s", d.message);
    cr_expect(vfy_trust_import_switched(r));
    vfy_trust_import_report_free(r);
    cr_expect_eq(access(keep, F_OK), 0, "the link's target was emptied");
    X509_CRL_free(crl);
    world_free(&w);
}
