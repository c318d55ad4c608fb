#define _GNU_SOURCE
/*
 * The trust store, the PKD import and the store's reports under exhausted memory
 * (issue 12, coverage of the out-of-memory paths of libverify/trust/). Each test runs
 * a small operation once unfailed, then once per allocation it makes, failing exactly
 * that one allocation (tests/faults.h: the library's own allocations and OpenSSL's and
 * jansson's), and holds every run to: VFY_E_NO_MEMORY with nothing half-done (no store
 * switched in, nothing leaked — LeakSanitizer under `make test-one`), or the very
 * result of the unfailed run. A failed allocation must never change what the store
 * trusts.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faults.h"
#include "pki.h"
#include "support.h"
#include "trust/trust_internal.h"
#include "trust/trust_store.h"
#include "verify.h"
#include "verify/trust_update.h"

#define ML_SIGNER_EKU "2.23.136.1.1.3"
#define BASE "dc=data,dc=download,dc=pkd,dc=icao,dc=int"

/* How failed runs ended: as the unfailed run, with VFY_E_NO_MEMORY, or refused in
 * another way (an OpenSSL parser that fails for want of memory reads as a defect of the
 * input; that is fail-closed, and checked by each operation for leaving nothing behind). */
static unsigned long g_same, g_oom, g_refused;

static void count_outcome(vfy_status s, bool same, const char *what)
{
    cr_assert_neq(s, VFY_E_INTERNAL, "%s: failing allocation %lu", what, fault_armed());
    if (s == VFY_OK) {
        cr_assert(same, "%s: failing allocation %lu changed the result", what, fault_armed());
        g_same++;
    } else if (s == VFY_E_NO_MEMORY) {
        g_oom++;
    } else {
        g_refused++;
    }
}

/* Every allocation of op, one failed run each (the operations here are small). */
static struct fault_sweep_result sweep_all(fault_op op, void *ctx)
{
    g_same = g_oom = g_refused = 0;
    struct fault_sweep_result r = fault_sweep(op, ctx, 100000);
    cr_log_info("%lu allocations, %lu failed runs, %lu injected; %lu as unfailed, %lu out of memory, "
                "%lu refused", r.allocations, r.runs, r.fired, g_same, g_oom, g_refused);
    cr_assert(fault_openssl_routed(), "OpenSSL allocated before the test program's constructors");
    cr_assert_gt(r.allocations, 0);
    cr_assert_eq(r.runs, r.allocations, "not every allocation was failed once");
    cr_assert_gt(r.fired, 0);
    cr_assert_gt(g_oom, 0, "no run ended with VFY_E_NO_MEMORY");
    return r;
}

/* The first quarter of `runs` at the first allocations, the rest spread over all (the
 * loads below make thousands, OpenSSL's mostly, and their own come first). */
static void sweep_some(fault_op op, void *ctx, unsigned long runs)
{
    g_same = g_oom = g_refused = 0;
    struct fault_sweep_result r = fault_sweep(op, ctx, runs);
    cr_log_info("%lu allocations, %lu failed runs, %lu injected; %lu as unfailed, %lu out of memory, "
                "%lu refused", r.allocations, r.runs, r.fired, g_same, g_oom, g_refused);
    cr_assert(fault_openssl_routed());
    cr_assert_gt(r.allocations, runs, "fewer allocations than runs: sweep them all instead");
    cr_assert_eq(r.fired, r.runs);
    cr_assert_gt(g_oom, 0, "no run ended with VFY_E_NO_MEMORY");
}

/* An import makes thousands of allocations (OpenSSL's, mostly) and each run writes and
 * fsyncs a store, so it is not failed at every one: at the first `head` ones (reading
 * the inputs, where the importer's own allocations are) and at each one of a window
 * around [from, to) (where it makes its report and writes the new store). */
static void sweep_ranges(fault_op op, void *ctx, unsigned long head, unsigned long from, unsigned long to)
{
    g_same = g_oom = g_refused = 0;
    unsigned long runs = 0, fired = 0;
    for (unsigned long n = 1; n < to; n++) {
        if (n > head && n < from)
            n = from;
        bool hit;
        fault_arm(n);
        op(ctx, true);
        fault_disarm(&hit);
        runs++;
        fired += hit;
    }
    cr_log_info("%lu failed runs, %lu injected; %lu as unfailed, %lu out of memory, %lu refused", runs, fired,
                g_same, g_oom, g_refused);
    cr_assert(fault_openssl_routed());
    cr_assert_eq(fired, runs, "a failure was armed past the end of the operation");
    cr_assert_gt(g_oom, 0, "no run ended with VFY_E_NO_MEMORY");
}

/* ---- a small PKI: Utopia's CSCA, its CRL and master-list signer; a foreign CSCA and DS */

typedef struct world {
    EVP_PKEY *ut_key, *ml_key, *xe_key, *ds_key;
    X509 *ut_csca, *ml_signer, *xe_csca, *xe_ds;
    X509_CRL *ut_crl;
    char dir[64];
    char pem[128], ml[128], ldif[128];
} world;

static void ldif_value(FILE *f, const char *attr, const uint8_t *der, size_t len)
{
    char *b64 = malloc(4 * ((len + 2) / 3) + 1);
    cr_assert_not_null(b64);
    int n = EVP_EncodeBlock((unsigned char *)b64, der, (int)len);
    fprintf(f, "%s:: ", attr);
    int col = (int)strlen(attr) + 4;
    for (int i = 0; i < n; i++) {
        if (col == 76) {
            fputs("\n ", f);
            col = 1;
        }
        fputc(b64[i], f);
        col++;
    }
    fputc('\n', f);
    free(b64);
}

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
    w->xe_ds = pki_cert(&(pki_cert_spec){ .cn = "Document Signer Utopia", .country = "UT",
                                          .key = w->ds_key, .issuer = w->ut_csca, .issuer_key = w->ut_key,
                                          .not_before_days = -10, .not_after_days = 365,
                                          .usage = PKI_KU_SIGN, .serial = 4 });
    w->ut_crl = pki_crl(w->ut_csca, w->ut_key, NULL, 30);
    tmpdir_make("cov2-trust-oom", w->dir, sizeof w->dir);

    /* The operator's CSCA and its CRL in one PEM file. */
    snprintf(w->pem, sizeof w->pem, "%s/utopia.pem", w->dir);
    FILE *f = fopen(w->pem, "w");
    cr_assert_not_null(f);
    cr_assert_eq(PEM_write_X509(f, w->ut_csca), 1);
    cr_assert_eq(PEM_write_X509_CRL(f, w->ut_crl), 1);
    fclose(f);

    /* Utopia's master list vouching for the foreign CSCA. */
    size_t ml_len;
    uint8_t *ml = pki_master_list(w->ml_signer, w->ml_key, &w->xe_csca, 1, 0, &ml_len);
    snprintf(w->ml, sizeof w->ml, "%s/utopia.ml", w->dir);
    f = fopen(w->ml, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(ml, 1, ml_len, f), ml_len);
    fclose(f);
    free(ml);

    /* A PKD download with a Utopian document signer. */
    snprintf(w->ldif, sizeof w->ldif, "%s/dsc.ldif", w->dir);
    f = fopen(w->ldif, "w");
    cr_assert_not_null(f);
    fprintf(f, "version: 1\n\ndn: %s\nobjectClass: top\nobjectClass: domain\ndc: data\n\n", BASE);
    int n;
    unsigned char *der = pki_der(w->xe_ds, &n);
    fprintf(f, "dn: cn=DS UT+sn=4,o=dsc,c=UT,%s\npkdVersion: 1150\nsn: 4\ncn: DS UT\nobjectClass: top\n"
               "objectClass: person\nobjectClass: pkdDownload\n", BASE);
    ldif_value(f, "userCertificate;binary", der, (size_t)n);
    fputc('\n', f);
    OPENSSL_free(der);
    fclose(f);
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
    X509_CRL_free(w->ut_crl);
    tmpdir_remove(w->dir);
}

/* ---- the import ------------------------------------------------------------------- */

struct import_fx {
    world w;
    const char *inputs[3];
    size_t input_count;
    bool with_current;    /* a first store (the PEM alone) is in force before the run */
    unsigned run;
    size_t base_counts[5];
    size_t base_items;
    unsigned long check_allocs; /* loading the new store, as the import does before switching */
    bool measure;
};

static void store_path(struct import_fx *f, char *out, size_t cap)
{
    snprintf(out, cap, "%s/store-%u", f->w.dir, f->run);
}

static void import_op(void *ctx, bool injected)
{
    struct import_fx *f = ctx;
    char store[256];
    f->run++;
    store_path(f, store, sizeof store);
    vfy_trust_import_options o = VFY_TRUST_IMPORT_OPTIONS_INIT;
    vfy_trust_import_report *r = NULL;
    vfy_detail d;
    char first_target[300] = "";
    if (f->with_current) {
        const char *in[] = { f->w.pem };
        o.inputs = in;
        o.input_count = 1;
        vfy_detail_clear(&d);
        cr_assert_eq(vfy_trust_import(store, &o, &r, &d), VFY_OK, "%s", d.message);
        vfy_trust_import_report_free(r);
        char link[300];
        snprintf(link, sizeof link, "%s/current", store);
        ssize_t k = readlink(link, first_target, sizeof first_target - 1);
        cr_assert_gt(k, 0);
        first_target[k] = '\0';
    }
    o.inputs = f->inputs;
    o.input_count = f->input_count;
    vfy_detail_clear(&d);
    fault_enter();
    vfy_status s = vfy_trust_import(store, &o, &r, &d);
    fault_leave();
    size_t counts[5];
    for (int a = 0; a < 5; a++)
        counts[a] = vfy_trust_import_count(r, (vfy_import_action)a);
    if (!injected) {
        cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
        cr_assert(vfy_trust_import_switched(r));
        memcpy(f->base_counts, counts, sizeof counts);
        f->base_items = vfy_trust_import_item_count(r);
        if (f->measure) {
            char cur[300];
            snprintf(cur, sizeof cur, "%s/current", store);
            vfy_trust *t;
            fault_arm(0);
            fault_enter();
            cr_assert_eq(vfy_trust_new(&t), VFY_OK);
            cr_assert_eq(vfy_trust_add_path(t, cur, &d), VFY_OK, "%s", d.message);
            fault_leave();
            f->check_allocs = fault_disarm(NULL);
            vfy_trust_free(t);
        }
    } else {
        /* No better than the unfailed run: nothing added or kept that it did not add or
         * keep (an object OpenSSL could not parse for want of memory reads as refused). */
        bool no_better = counts[VFY_IMPORT_ADDED] <= f->base_counts[VFY_IMPORT_ADDED] &&
                         counts[VFY_IMPORT_UNCHANGED] <= f->base_counts[VFY_IMPORT_UNCHANGED];
        cr_assert(no_better, "import: failing allocation %lu kept more than the unfailed run", fault_armed());
        bool same = memcmp(counts, f->base_counts, sizeof counts) == 0 &&
                    vfy_trust_import_item_count(r) == f->base_items && vfy_trust_import_switched(r);
        count_outcome(s, same || no_better, "import");
        if (s != VFY_OK) {
            cr_assert(!vfy_trust_import_switched(r), "a failed import switched the store");
            /* The store in force is still the first one (or there is none). */
            char link[300], now[300] = "";
            snprintf(link, sizeof link, "%s/current", store);
            ssize_t k = readlink(link, now, sizeof now - 1);
            now[k > 0 ? k : 0] = '\0';
            cr_assert_str_eq(now, first_target, "failing allocation %lu switched the store", fault_armed());
        }
    }
    vfy_trust_import_report_free(r);
    /* Nothing of this run is kept. */
    tmpdir_remove(store);
}

/* The unfailed import twice (the first fills OpenSSL's caches), counting the second;
 * then the ranges. */
static void import_sweep(struct import_fx *f, unsigned long head)
{
    import_op(f, false);
    fault_arm(0);
    import_op(f, false);
    unsigned long all = fault_disarm(NULL);
    f->measure = true;
    import_op(f, false);
    f->measure = false;
    cr_log_info("import: %lu allocations, %lu of them loading the new store", all, f->check_allocs);
    cr_assert_gt(all, f->check_allocs + 100);
    unsigned long at = all - f->check_allocs;
    sweep_ranges(import_op, f, head, at - 60, at + 10);
}

Test(cov2_trust_oom, first_import_of_a_csca_its_crl_and_a_download, .timeout = 900)
{
    struct import_fx f = { 0 };
    world_make(&f.w);
    f.inputs[0] = f.w.ldif;
    f.inputs[1] = f.w.pem;
    f.input_count = 2;
    import_sweep(&f, 60);
    /* The unfailed run: the CSCA, its CRL and the download's DS it issued, all added. */
    cr_assert_eq(f.base_counts[VFY_IMPORT_ADDED], 3, "%zu", f.base_counts[VFY_IMPORT_ADDED]);
    cr_assert_eq(f.base_items, 3);
    world_free(&f.w);
}

Test(cov2_trust_oom, master_list_imported_over_the_store_in_force, .timeout = 900)
{
    struct import_fx f = { 0 };
    world_make(&f.w);
    f.inputs[0] = f.w.ml;
    f.input_count = 1;
    f.with_current = true;
    import_sweep(&f, 60);
    /* The store's CSCA and CRL stay; the list is added. */
    cr_assert_eq(f.base_counts[VFY_IMPORT_UNCHANGED], 2, "%zu", f.base_counts[VFY_IMPORT_UNCHANGED]);
    cr_assert_eq(f.base_counts[VFY_IMPORT_ADDED], 1, "%zu", f.base_counts[VFY_IMPORT_ADDED]);
    world_free(&f.w);
}

/* A CRL whose CSCA is nowhere: read, verified against an empty store, refused; no store
 * is written, so every allocation is failed once. */
struct lone_crl_fx {
    char crl[160], store[160];
    unsigned run;
    char dir[64];
};

static void lone_crl_op(void *ctx, bool injected)
{
    struct lone_crl_fx *f = ctx;
    char store[200];
    snprintf(store, sizeof store, "%s/store-%u", f->dir, ++f->run);
    const char *in[] = { f->crl };
    vfy_trust_import_options o = VFY_TRUST_IMPORT_OPTIONS_INIT;
    o.inputs = in;
    o.input_count = 1;
    vfy_trust_import_report *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    fault_enter();
    vfy_status s = vfy_trust_import(store, &o, &r, &d);
    fault_leave();
    if (!injected) {
        cr_assert_eq(s, VFY_E_TRUST_STORE, "%s: %s", vfy_status_name(s), d.message);
        cr_assert_eq(vfy_trust_import_count(r, VFY_IMPORT_REJECTED), 1);
    } else {
        cr_assert(s == VFY_E_TRUST_STORE || s == VFY_E_NO_MEMORY, "failing allocation %lu: %s (%s)", fault_armed(),
                  vfy_status_name(s), d.message);
        if (s == VFY_E_NO_MEMORY)
            g_oom++;
        else
            g_same++;
        cr_assert(!vfy_trust_import_switched(r));
    }
    vfy_trust_import_report_free(r);
    tmpdir_remove(store);
}

static void lone_crl(bool pem)
{
    world w = { 0 };
    world_make(&w);
    struct lone_crl_fx f = { 0 };
    snprintf(f.dir, sizeof f.dir, "%s", w.dir);
    snprintf(f.crl, sizeof f.crl, "%s/ut.crl%s", w.dir, pem ? ".pem" : "");
    if (pem) {
        FILE *fp = fopen(f.crl, "w");
        cr_assert_not_null(fp);
        cr_assert_eq(PEM_write_X509_CRL(fp, w.ut_crl), 1);
        fclose(fp);
    } else {
        pki_write_crl_der(f.crl, w.ut_crl);
    }
    sweep_all(lone_crl_op, &f);
    world_free(&w);
}

Test(cov2_trust_oom, crl_without_its_csca_imported, .timeout = 600)
{
    lone_crl(false);
}

Test(cov2_trust_oom, pem_crl_without_its_csca_imported, .timeout = 600)
{
    lone_crl(true);
}

/* ---- a master list into a store ------------------------------------------------------ */

struct ml_fx {
    world w;
    uint8_t *ml;
    size_t ml_len;
    uint8_t digest[VFY_SHA256_SIZE];
    size_t anchors;
};

static void ml_op(void *ctx, bool injected)
{
    struct ml_fx *f = ctx;
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    /* From its DER, as a store loads it (an X509 built in memory compares equal to any
     * certificate whose fingerprint OpenSSL failed to compute: X509_cmp). */
    int n;
    unsigned char *der = pki_der(f->w.ut_csca, &n);
    cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "utopia.der", &d), VFY_OK);
    OPENSSL_free(der);
    fault_enter();
    vfy_status s = vfy_trust_add_memory(t, f->ml, f->ml_len, "utopia.ml", &d);
    fault_leave();
    uint8_t digest[VFY_SHA256_SIZE];
    cr_assert_eq(vfy_trust_digest(t, digest), VFY_OK);
    if (!injected) {
        cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
        memcpy(f->digest, digest, sizeof digest);
        f->anchors = vfy_trust_anchor_count(t);
    } else {
        count_outcome(s, memcmp(digest, f->digest, sizeof digest) == 0 &&
                                     vfy_trust_anchor_count(t) == f->anchors, "master list");
        if (s != VFY_OK)
            cr_assert_eq(vfy_trust_anchor_count(t), 1, "a failed list left %zu anchors",
                         vfy_trust_anchor_count(t));
    }
    vfy_trust_free(t);
}

/* The same list into a store without its signer's CSCA: refused, whatever fails. */
static void orphan_ml_op(void *ctx, bool injected)
{
    struct ml_fx *f = ctx;
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    fault_enter();
    vfy_status s = vfy_trust_add_memory(t, f->ml, f->ml_len, "utopia.ml", &d);
    fault_leave();
    cr_assert_eq(vfy_trust_anchor_count(t), 0, "allocation %lu", fault_armed());
    if (!injected) {
        cr_assert_eq(s, VFY_E_NO_TRUST_ANCHOR, "%s: %s", vfy_status_name(s), d.message);
    } else {
        cr_assert_neq(s, VFY_OK);
        if (s == VFY_E_NO_MEMORY)
            g_oom++;
        else
            g_refused++;
    }
    vfy_trust_free(t);
}

Test(cov2_trust_oom, master_list_without_its_signers_csca, .timeout = 900)
{
    struct ml_fx f = { 0 };
    world_make(&f.w);
    f.ml = pki_master_list(f.w.ml_signer, f.w.ml_key, &f.w.xe_csca, 1, 0, &f.ml_len);
    sweep_all(orphan_ml_op, &f);
    free(f.ml);
    world_free(&f.w);
}

Test(cov2_trust_oom, master_list_added_to_a_store, .timeout = 900)
{
    struct ml_fx f = { 0 };
    world_make(&f.w);
    f.ml = pki_master_list(f.w.ml_signer, f.w.ml_key, &f.w.xe_csca, 1, 0, &f.ml_len);
    sweep_all(ml_op, &f);
    cr_assert_eq(f.anchors, 2, "the store's CSCA and the one the list vouches for");
    free(f.ml);
    world_free(&f.w);
}

/* ---- loading files and folders, the store's freshness report and its JSON ------------ */

struct store_fx {
    world w;
    char folder[160];              /* the CSCA (DER), the foreign CSCA (PEM), the CRL, the DS */
    const char *paths[2];
    size_t path_count;
    bool by_paths;                 /* vfy_trust_add_paths, else vfy_trust_add_path */
    uint8_t digest[VFY_SHA256_SIZE];
    size_t anchors, hints;
};

static void store_fx_make(struct store_fx *f)
{
    world_make(&f->w);
    snprintf(f->folder, sizeof f->folder, "%s/store", f->w.dir);
    cr_assert_eq(mkdir(f->folder, 0700), 0);
    char p[256];
    snprintf(p, sizeof p, "%s/csca-ut.der", f->folder);
    pki_write_der(p, f->w.ut_csca);
    snprintf(p, sizeof p, "%s/csca-xe.pem", f->folder);
    pki_write_pem(p, f->w.xe_csca);
    snprintf(p, sizeof p, "%s/ds.der", f->folder);
    pki_write_der(p, f->w.xe_ds);
    snprintf(p, sizeof p, "%s/ut.crl", f->folder);
    pki_write_crl_der(p, f->w.ut_crl);
}

static vfy_trust *load(struct store_fx *f, vfy_status *s)
{
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    fault_enter();
    *s = f->by_paths ? vfy_trust_add_paths(t, f->paths, f->path_count, &d) : vfy_trust_add_path(t, f->paths[0], &d);
    fault_leave();
    return t;
}

static void load_op(void *ctx, bool injected)
{
    struct store_fx *f = ctx;
    vfy_status s;
    vfy_trust *t = load(f, &s);
    uint8_t digest[VFY_SHA256_SIZE];
    cr_assert_eq(vfy_trust_digest(t, digest), VFY_OK);
    if (!injected) {
        cr_assert_eq(s, VFY_OK);
        memcpy(f->digest, digest, sizeof digest);
        f->anchors = vfy_trust_anchor_count(t);
        f->hints = vfy_trust_hint_count(t);
    } else {
        /* Never more trusted than the unfailed load, and never a load that "succeeds"
         * without one of its files: a file OpenSSL could not parse, or a CRL it could not
         * verify, for want of memory is VFY_E_NO_MEMORY, not a rejected file the folder
         * goes on without (found by this sweep; fixed with core/ossl_oom.h, and a CRL
         * that fails to verify is verified again, since OpenSSL 3.0 fails some
         * allocations inside a verification without a word). */
        cr_assert_leq(vfy_trust_anchor_count(t), f->anchors, "allocation %lu", fault_armed());
        cr_assert_leq(vfy_trust_hint_count(t), f->hints, "allocation %lu", fault_armed());
        bool same = memcmp(digest, f->digest, sizeof digest) == 0;
        count_outcome(s, same, "load");
    }
    vfy_trust_free(t);
}

Test(cov2_trust_oom, folder_loaded_with_add_path, .timeout = 600)
{
    struct store_fx f = { 0 };
    store_fx_make(&f);
    f.paths[0] = f.folder;
    sweep_some(load_op, &f, 400);
    cr_assert_eq(f.anchors, 2);
    cr_assert_eq(f.hints, 1);
    world_free(&f.w);
}

Test(cov2_trust_oom, folder_and_file_loaded_with_add_paths, .timeout = 600)
{
    struct store_fx f = { 0 };
    store_fx_make(&f);
    f.paths[0] = f.folder;
    f.paths[1] = f.w.pem; /* the CSCA again, with its CRL */
    f.path_count = 2;
    f.by_paths = true;
    sweep_some(load_op, &f, 400);
    cr_assert_eq(f.anchors, 2);
    world_free(&f.w);
}

struct report_fx {
    struct store_fx s;
    vfy_trust *t;
    time_t at;
    char *status_json;
    size_t items, fresh;
    char no_crl[64];
};

static void status_op(void *ctx, bool injected)
{
    struct report_fx *f = ctx;
    vfy_trust_status *st = NULL;
    fault_enter();
    vfy_status s = vfy_trust_status_make(f->t, f->at, 30, &st);
    fault_leave();
    if (!injected) {
        cr_assert_eq(s, VFY_OK);
        f->items = vfy_trust_status_item_count(st);
        f->fresh = vfy_trust_status_count(st, VFY_FRESH);
        snprintf(f->no_crl, sizeof f->no_crl, "%s", vfy_trust_status_countries_without_crl(st));
        free(f->status_json);
        f->status_json = vfy_trust_status_to_json(st, 0);
    } else if (s == VFY_OK) {
        /* All the items, each judged (an item whose details could not be read for want
         * of memory is no fresher than it was). */
        cr_assert_eq(vfy_trust_status_item_count(st), f->items, "allocation %lu", fault_armed());
        cr_assert_leq(vfy_trust_status_count(st, VFY_FRESH), f->fresh, "allocation %lu", fault_armed());
        char *j = vfy_trust_status_to_json(st, 0);
        bool same = j != NULL && strcmp(j, f->status_json) == 0;
        if (same)
            count_outcome(s, true, "status");
        else
            g_refused++;
        free(j);
    } else {
        cr_assert_null(st);
        count_outcome(s, false, "status");
    }
    vfy_trust_status_free(st);
}

static void report_fx_make(struct report_fx *f)
{
    store_fx_make(&f->s);
    f->s.paths[0] = f->s.folder;
    vfy_status s;
    f->t = load(&f->s, &s);
    cr_assert_eq(s, VFY_OK);
    f->at = time(NULL);
}

static void report_fx_free(struct report_fx *f)
{
    vfy_trust_free(f->t);
    free(f->status_json);
    world_free(&f->s.w);
}

Test(cov2_trust_oom, freshness_report, .timeout = 600)
{
    struct report_fx f = { 0 };
    report_fx_make(&f);
    sweep_all(status_op, &f);
    /* Two CSCAs and the DS; Elsewhere's CSCA has no CRL. */
    cr_assert_eq(f.items, 3);
    cr_assert_str_eq(f.no_crl, "XE");
    report_fx_free(&f);
}

/* The JSON's first allocation is its table of entries: failing it gives no JSON. (Not
 * swept further: jansson's own allocations failing inside the dump give malformed text,
 * reported in docs/coverage/trust.md.) */
Test(cov2_trust_oom, store_as_json)
{
    struct report_fx f = { 0 };
    report_fx_make(&f);
    fault_arm(1);
    fault_enter();
    char *j = vfy_trust_to_json(f.t, f.at, 0);
    fault_leave();
    bool fired;
    fault_disarm(&fired);
    cr_assert(fired);
    cr_assert_null(j, "no JSON when its table cannot be made");
    j = vfy_trust_to_json(f.t, f.at, 0);
    json_t *parsed = json_parse_or_fail(j);
    cr_assert_eq(json_integer_value(json_object_get(parsed, "anchors")), 2);
    json_decref(parsed);
    free(j);
    report_fx_free(&f);
}

Test(cov2_trust_oom, new_store)
{
    for (unsigned long n = 1; n <= 4; n++) {
        vfy_trust *t = (vfy_trust *)1;
        fault_arm(n);
        fault_enter();
        vfy_status s = vfy_trust_new(&t);
        fault_leave();
        bool fired;
        fault_disarm(&fired);
        cr_assert(fired, "vfy_trust_new makes at least 4 allocations (the store and its 3 stacks)");
        cr_assert_eq(s, VFY_E_NO_MEMORY, "allocation %lu: %s", n, vfy_status_name(s));
        cr_assert_eq(t, (vfy_trust *)1, "nothing is handed back");
    }
}

/* A revoked document signer, its CSCA holding an older CRL that does not revoke it and a
 * newer one that does (both current): with any allocation of the chain check failed, the
 * answer is "revoked" or "out of memory", never "not revoked". Skipping the newer CRL
 * because its verification failed for want of memory would read the older one alone:
 * a revoked signer passed (found by reading the chain under this sweep; fixed: a CRL
 * that fails to verify is verified again, and an allocation failure OpenSSL reports is
 * VFY_E_NO_MEMORY). */
struct revoked_fx {
    vfy_trust *t;
    X509 *ds;
    unsigned long revoked, oom;
};

static void revoked_op(void *ctx, bool injected)
{
    struct revoked_fx *f = ctx;
    vfy_chain_result r;
    fault_enter();
    vfy_status s = vfy_trust_chain(f->t, f->ds, time(NULL), &r);
    fault_leave();
    if (!injected) {
        cr_assert_eq(s, VFY_OK);
        cr_assert_eq(r.chain, VFY_OK, "%s", r.chain_reason);
        cr_assert_eq(r.crl, VFY_E_CERT_REVOKED, "%s", r.crl_reason);
        cr_assert_eq(r.crl_count, 2);
        return;
    }
    if (s != VFY_OK) {
        cr_assert_eq(s, VFY_E_NO_MEMORY, "allocation %lu: %s", fault_armed(), vfy_status_name(s));
        f->oom++;
        return;
    }
    /* The chain itself may fail for want of memory (then it is no chain at all). */
    if (r.chain != VFY_OK)
        return;
    cr_assert(r.crl == VFY_E_CERT_REVOKED || r.crl == VFY_E_NO_MEMORY,
              "allocation %lu: the revoked signer reads %s (%s)", fault_armed(), vfy_status_name(r.crl), r.crl_reason);
    if (r.crl == VFY_E_CERT_REVOKED)
        f->revoked++;
    else
        f->oom++;
}

Test(cov2_trust_oom, a_revoked_signer_never_reads_unrevoked_when_memory_fails, .timeout = 300)
{
    EVP_PKEY *ca_key = pki_key("ec:prime256v1"), *ds_key = pki_key("ec:prime256v1");
    X509 *csca = pki_cert(&(pki_cert_spec){ .cn = "CSCA Utopia", .country = "UT", .key = ca_key,
                                            .not_before_days = -100, .not_after_days = 3650,
                                            .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 1 });
    X509 *ds = pki_cert(&(pki_cert_spec){ .cn = "DS Utopia", .country = "UT", .key = ds_key, .issuer = csca,
                                          .issuer_key = ca_key, .not_before_days = -50, .not_after_days = 365,
                                          .usage = PKI_KU_SIGN, .serial = 7 });
    X509_CRL *old_clean = pki_crl_at(csca, ca_key, NULL, -10, 30);
    X509_CRL *new_revoking = pki_crl_at(csca, ca_key, ds, -1, 30);
    struct revoked_fx f = { .ds = ds };
    cr_assert_eq(vfy_trust_new(&f.t), VFY_OK);
    cr_assert_eq(vfy_trust_add_anchor(f.t, csca, VFY_TRUST_CERTIFICATE, "csca"), VFY_OK);
    int n;
    unsigned char *der = pki_crl_der(old_clean, &n);
    cr_assert_eq(vfy_trust_add_memory(f.t, der, (size_t)n, "old.crl", NULL), VFY_OK);
    OPENSSL_free(der);
    der = pki_crl_der(new_revoking, &n);
    cr_assert_eq(vfy_trust_add_memory(f.t, der, (size_t)n, "new.crl", NULL), VFY_OK);
    OPENSSL_free(der);
    struct fault_sweep_result r = fault_sweep(revoked_op, &f, 100000);
    cr_log_info("%lu allocations, %lu failed runs: %lu revoked, %lu out of memory", r.allocations, r.runs,
                f.revoked, f.oom);
    cr_assert_gt(r.runs, 0);
    vfy_trust_free(f.t);
    X509_CRL_free(old_clean);
    X509_CRL_free(new_revoking);
    X509_free(ds);
    X509_free(csca);
    EVP_PKEY_free(ds_key);
    EVP_PKEY_free(ca_key);
}

/* A CRL and a master list of one CSCA checked against each other with every allocation
 * failed in turn, in both orders: the CRL added to a store that holds the list (the CRL
 * is verified under the CSCA, then every list's signer is checked against it), and the
 * list added to a store that holds the CRL (its signer is checked against the CRL). A
 * CRL that could not be verified for want of memory is never taken as "not this CSCA's":
 * each failed run ends as the unfailed one, with VFY_E_NO_MEMORY, or refused; never more
 * trusted, and never with the list kept but its signer unchecked. */
struct crl_ml_fx {
    world w;
    uint8_t *ml, *crl;
    size_t ml_len, crl_len;
    bool crl_last;
    uint8_t digest[VFY_SHA256_SIZE];
    size_t anchors;
};

static void crl_ml_op(void *ctx, bool injected)
{
    struct crl_ml_fx *f = ctx;
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    int n;
    unsigned char *der = pki_der(f->w.ut_csca, &n);
    cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "utopia.der", &d), VFY_OK);
    OPENSSL_free(der);
    const uint8_t *first = f->crl_last ? f->ml : f->crl, *last = f->crl_last ? f->crl : f->ml;
    size_t first_len = f->crl_last ? f->ml_len : f->crl_len, last_len = f->crl_last ? f->crl_len : f->ml_len;
    cr_assert_eq(vfy_trust_add_memory(t, first, first_len, "first", &d), VFY_OK, "%s", d.message);
    fault_enter();
    vfy_status s = vfy_trust_add_memory(t, last, last_len, "last", &d);
    fault_leave();
    uint8_t digest[VFY_SHA256_SIZE];
    cr_assert_eq(vfy_trust_digest(t, digest), VFY_OK);
    if (!injected) {
        cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
        memcpy(f->digest, digest, sizeof digest);
        f->anchors = vfy_trust_anchor_count(t);
    } else {
        cr_assert_leq(vfy_trust_anchor_count(t), f->anchors, "allocation %lu", fault_armed());
        count_outcome(s, memcmp(digest, f->digest, sizeof digest) == 0 && vfy_trust_anchor_count(t) == f->anchors,
                      f->crl_last ? "CRL after the list" : "list after the CRL");
    }
    vfy_trust_free(t);
}

Test(cov2_trust_oom, a_crl_and_a_master_list_of_one_csca_in_either_order, .timeout = 600)
{
    struct crl_ml_fx f = { 0 };
    world_make(&f.w);
    f.ml = pki_master_list(f.w.ml_signer, f.w.ml_key, &f.w.xe_csca, 1, 0, &f.ml_len);
    int n;
    unsigned char *der = pki_crl_der(f.w.ut_crl, &n);
    f.crl = malloc((size_t)n);
    cr_assert_not_null(f.crl);
    memcpy(f.crl, der, (size_t)n);
    f.crl_len = (size_t)n;
    OPENSSL_free(der);
    for (int order = 0; order < 2; order++) {
        f.crl_last = order == 1;
        sweep_all(crl_ml_op, &f);
        cr_assert_eq(f.anchors, 2, "the store's CSCA and the one the list vouches for");
    }
    free(f.crl);
    free(f.ml);
    world_free(&f.w);
}
