/*
 * Importing the ICAO PKD's downloads (and loose master lists, certificates, CRLs) into a
 * managed trust folder: read everything, verify it together with the store in force,
 * write the new store beside the old one, switch DIR/current atomically. See
 * include/verify/trust_update.h for the rules and docs/trust.md for the layout.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/ossl_oom.h"
#include "core/json_out.h"
#include "core/fail.h"
#include "trust/pkd_ldif.h"
#include "trust/trust_store.h"
#include "verify/files.h"
#include "verify/trust_update.h"
#include "verify/version.h"

#define FIELD "trust import"
#define MAX_OBJECTS 200000u

typedef struct imp_obj {
    pkd_object type;
    uint8_t *der;
    size_t len;
    bool from_old;        /* a file of the store in force */
    bool from_ldif;       /* an LDIF entry: may never become an anchor */
    bool accepted;
    bool duplicate;       /* the same bytes as an earlier object: reported once */
    vfy_import_action action;
    vfy_trust_kind kind;
    char source[640];
    char subject[256];
    char country[3];
    char reason[256];
    X509 *cert;
    X509_CRL *crl;
    uint8_t sha256[32];
} imp_obj;

struct vfy_trust_import_report {
    vfy_import_item *items;
    size_t count;
    bool switched;
    char store[PATH_MAX];
};

typedef struct importer {
    imp_obj *objs;
    size_t count, cap;
} importer;

static void importer_free(importer *im)
{
    for (size_t i = 0; i < im->count; i++) {
        free(im->objs[i].der);
        X509_free(im->objs[i].cert);
        X509_CRL_free(im->objs[i].crl);
    }
    free(im->objs);
    memset(im, 0, sizeof *im);
}

/* Takes ownership of `der`. */
static vfy_status push(importer *im, pkd_object type, uint8_t *der, size_t len, const char *source,
                       bool from_old, bool from_ldif, vfy_detail *detail)
{
    if (im->count >= MAX_OBJECTS) {
        free(der);
        return vfy_fail(detail, VFY_E_LIMIT, FIELD, "more than %u objects to import", MAX_OBJECTS);
    }
    if (im->count == im->cap) {
        size_t cap = im->cap ? im->cap * 2 : 64;
        imp_obj *n = realloc(im->objs, cap * sizeof *n);
        if (n == NULL) {
            free(der);
            return VFY_E_NO_MEMORY;
        }
        im->objs = n;
        im->cap = cap;
    }
    imp_obj *o = &im->objs[im->count++];
    memset(o, 0, sizeof *o);
    o->type = type;
    o->der = der;
    o->len = len;
    o->from_old = from_old;
    o->from_ldif = from_ldif;
    snprintf(o->source, sizeof o->source, "%s", source);
    if (EVP_Digest(der, len, o->sha256, NULL, EVP_sha256(), NULL) != 1)
        return VFY_E_NO_MEMORY; /* SHA-256 over memory fails only for want of memory */
    const unsigned char *p = der;
    ERR_clear_error();
    if (type == PKD_CERTIFICATE) {
        o->kind = VFY_TRUST_HINT;
        o->cert = d2i_X509(NULL, &p, (long)len);
        if (o->cert == NULL || p != der + len) {
            snprintf(o->reason, sizeof o->reason, "not a DER X.509 certificate");
            X509_free(o->cert);
            o->cert = NULL;
        } else {
            vfy_x509_name_text(X509_get_subject_name(o->cert), o->subject, sizeof o->subject);
            vfy_x509_name_country(X509_get_subject_name(o->cert), o->country);
            if (vfy_trust_not_csca(o->cert) == NULL)
                o->kind = VFY_TRUST_CERTIFICATE;
        }
    } else if (type == PKD_CRL) {
        o->kind = VFY_TRUST_CRL;
        o->crl = d2i_X509_CRL(NULL, &p, (long)len);
        if (o->crl == NULL || p != der + len) {
            snprintf(o->reason, sizeof o->reason, "not a DER X.509 CRL");
            X509_CRL_free(o->crl);
            o->crl = NULL;
        } else {
            vfy_x509_name_text(X509_CRL_get_issuer(o->crl), o->subject, sizeof o->subject);
            vfy_x509_name_country(X509_CRL_get_issuer(o->crl), o->country);
        }
    } else {
        o->kind = VFY_TRUST_MASTER_LIST;
        long l;
        int tag, cls;
        p = der;
        if ((ASN1_get_object(&p, &l, &tag, &cls, (long)len) & 0x80) != 0 || tag != V_ASN1_SEQUENCE ||
            (size_t)(p - der) + (size_t)l != len)
            snprintf(o->reason, sizeof o->reason, "not a DER CMS master list");
    }
    /* An object OpenSSL could not parse for want of memory is not a damaged object: the
     * import stops rather than drop it (or, from the store in force, remove it). */
    if (vfy_ossl_out_of_memory())
        return vfy_fail(detail, VFY_E_NO_MEMORY, source, "out of memory reading %s", source);
    /* In a download, bytes that are no object at all are a broken file (truncated,
     * mangled), not an object that failed to verify: the whole import stops. */
    if (from_ldif && o->reason[0] != '\0')
        return vfy_fail(detail, VFY_E_LDIF, FIELD, "%s: the value is %s (a truncated or damaged download)",
                        source, o->reason);
    return VFY_OK;
}

static uint8_t *copy(const uint8_t *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    if (c != NULL && n > 0)
        memcpy(c, p, n);
    return c;
}

static vfy_status on_entry(void *ctx, const pkd_entry *e, vfy_detail *detail)
{
    void **c = ctx;
    importer *im = c[0];
    const char *file = c[1];
    if (e->object == PKD_NONE)
        return VFY_OK; /* a structural entry */
    char source[640];
    snprintf(source, sizeof source, "%s: entry '%s' (line %lu)", file, e->dn, e->line);
    uint8_t *der = copy(e->der, e->der_len);
    if (der == NULL)
        return VFY_E_NO_MEMORY;
    return push(im, e->object, der, e->der_len, source, false, true, detail);
}

static vfy_status read_whole(const char *path, uint8_t **out, size_t *len, vfy_detail *detail)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return vfy_fail(detail, VFY_E_TRUST_STORE, path, "cannot open %s: %s", path, strerror(errno));
    uint8_t *buf = malloc(VFY_TRUST_MAX_FILE_BYTES + 1);
    if (buf == NULL) {
        fclose(f);
        return VFY_E_NO_MEMORY;
    }
    size_t n = fread(buf, 1, VFY_TRUST_MAX_FILE_BYTES + 1, f);
    bool err = ferror(f) != 0;
    fclose(f);
    if (err || n > VFY_TRUST_MAX_FILE_BYTES || n == 0) {
        free(buf);
        return vfy_fail(detail, err || n == 0 ? VFY_E_TRUST_STORE : VFY_E_LIMIT, path,
                        err ? "cannot read %s" : n == 0 ? "%s is empty" : "%s is too large", path);
    }
    *out = buf;
    *len = n;
    return VFY_OK;
}

static bool looks_like_ldif(const uint8_t *d, size_t n, const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot != NULL && strcasecmp(dot, ".ldif") == 0)
        return true;
    return (n >= 3 && strncasecmp((const char *)d, "dn:", 3) == 0) ||
           (n >= 8 && strncasecmp((const char *)d, "version:", 8) == 0);
}

static bool has_pem_marker(const uint8_t *d, size_t n)
{
    static const char marker[] = "-----BEGIN ";
    for (size_t i = 0; i + sizeof marker - 1 <= n && i < 1024; i++)
        if (memcmp(d + i, marker, sizeof marker - 1) == 0)
            return true;
    return false;
}

/* A loose file: PEM (certificates and CRLs), or DER certificate, CRL or master list. */
static vfy_status add_loose(importer *im, const char *path, bool from_old, vfy_detail *detail)
{
    uint8_t *data = NULL;
    size_t len = 0;
    VFY_TRY(read_whole(path, &data, &len, detail));
    vfy_status s = VFY_OK;
    if (has_pem_marker(data, len)) {
        BIO *b = BIO_new_mem_buf(data, (int)len);
        ERR_clear_error();
        STACK_OF(X509_INFO) *infos = b != NULL ? PEM_X509_INFO_read_bio(b, NULL, NULL, NULL) : NULL;
        BIO_free(b);
        if (b == NULL || (infos == NULL && vfy_ossl_out_of_memory())) {
            s = vfy_fail(detail, VFY_E_NO_MEMORY, path, "out of memory reading %s", path);
        } else if (infos == NULL || sk_X509_INFO_num(infos) == 0) {
            s = vfy_fail(detail, VFY_E_TRUST_STORE, path, "%s holds no readable PEM certificate or CRL", path);
        }
        /* One X509_INFO can hold a certificate and the CRL that follows it: both count. */
        for (int i = 0; s == VFY_OK && infos != NULL && i < 2 * sk_X509_INFO_num(infos); i++) {
            X509_INFO *in = sk_X509_INFO_value(infos, i / 2);
            bool crl = i % 2 == 1;
            unsigned char *der = NULL;
            int n = !crl && in->x509 != NULL ? i2d_X509(in->x509, &der)
                    : crl && in->crl != NULL ? i2d_X509_CRL(in->crl, &der)
                                             : 0;
            if (n <= 0)
                continue;
            uint8_t *c = copy(der, (size_t)n);
            OPENSSL_free(der);
            if (c == NULL) {
                s = VFY_E_NO_MEMORY;
                break;
            }
            s = push(im, crl ? PKD_CRL : PKD_CERTIFICATE, c, (size_t)n, path, from_old, false, detail);
        }
        sk_X509_INFO_pop_free(infos, X509_INFO_free);
        free(data);
        ERR_clear_error();
        return s;
    }
    const unsigned char *p = data;
    ERR_clear_error();
    X509 *x = d2i_X509(NULL, &p, (long)len);
    bool is_cert = x != NULL && p == data + len;
    X509_free(x);
    p = data;
    X509_CRL *crl = is_cert ? NULL : d2i_X509_CRL(NULL, &p, (long)len);
    bool is_crl = crl != NULL && p == data + len;
    X509_CRL_free(crl);
    if (vfy_ossl_out_of_memory()) { /* not a master list for want of memory */
        free(data);
        return vfy_fail(detail, VFY_E_NO_MEMORY, path, "out of memory reading %s", path);
    }
    return push(im, is_cert ? PKD_CERTIFICATE : is_crl ? PKD_CRL : PKD_MASTER_LIST, data, len, path,
                from_old, false, detail);
}

static vfy_status add_input(importer *im, const char *path, vfy_detail *detail)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return vfy_fail(detail, VFY_E_TRUST_STORE, path, "cannot read %s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return vfy_fail(detail, VFY_E_TRUST_STORE, path,
                        "%s is a folder: name the files to import (a PKD download, a master list ...)", path);
    uint8_t head[16] = { 0 };
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return vfy_fail(detail, VFY_E_TRUST_STORE, path, "cannot open %s: %s", path, strerror(errno));
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (looks_like_ldif(head, n, path)) {
        void *ctx[2] = { im, (void *)path };
        return pkd_ldif_each(path, on_entry, ctx, detail);
    }
    return add_loose(im, path, false, detail);
}

/* The objects of the store in force (DIR/current), if there is one. */
static vfy_status add_current(importer *im, const char *current, vfy_detail *detail)
{
    DIR *d = opendir(current);
    if (d == NULL)
        return errno == ENOENT ? VFY_OK
                               : vfy_fail(detail, VFY_E_TRUST_STORE, current, "cannot open %s: %s",
                                          current, strerror(errno));
    vfy_status s = VFY_OK;
    struct dirent *e;
    while (s == VFY_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", current, e->d_name) >= (int)sizeof path)
            continue;
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        s = add_loose(im, path, true, detail);
    }
    closedir(d);
    return s;
}

/* ---- verification: everything together, in the store's load order ------------------ */

static bool anchor_in(const vfy_trust *t, X509 *c)
{
    for (size_t i = 0; i < vfy_trust_anchor_count(t); i++)
        if (X509_cmp(vfy_trust_anchor_get(t, i), c) == 0)
            return true;
    return false;
}

/* The CSCA of the store that signed `crl`, or NULL; *oom when memory ran out verifying
 * it (the import then stops: a CRL is never dropped for want of memory). */
static X509 *crl_csca(const vfy_trust *t, X509_CRL *crl, bool *oom)
{
    for (size_t i = 0; i < vfy_trust_anchor_count(t); i++) {
        X509 *a = vfy_trust_anchor_get(t, i);
        int of = vfy_trust_crl_of(crl, a);
        if (of < 0)
            *oom = true;
        if (of == 1)
            return a;
    }
    return NULL;
}

/* The reason the store recorded for rejecting what came from `source`, if any. */
static const char *store_reason(const vfy_trust *t, const char *source, vfy_trust_kind kind)
{
    for (size_t i = t->entry_count; i-- > 0;)
        if (!t->entries[i].accepted && t->entries[i].kind == kind &&
            strcmp(t->entries[i].source, source) == 0)
            return t->entries[i].reason;
    return NULL;
}

static void reject(imp_obj *o, const char *why)
{
    o->accepted = false;
    if (o->reason[0] == '\0')
        snprintf(o->reason, sizeof o->reason, "%s", why);
}

static time_t crl_time(X509_CRL *crl)
{
    struct tm tm;
    const ASN1_TIME *a = X509_CRL_get0_lastUpdate(crl);
    return a != NULL && ASN1_TIME_to_tm(a, &tm) == 1 ? timegm(&tm) : 0;
}

static vfy_status verify_all(importer *im, vfy_trust *t, vfy_detail *detail)
{
    /* Identical bytes are one object. */
    for (size_t i = 0; i < im->count; i++)
        for (size_t j = 0; j < i && !im->objs[i].duplicate; j++)
            if (!im->objs[j].duplicate && im->objs[j].len == im->objs[i].len &&
                memcmp(im->objs[j].sha256, im->objs[i].sha256, 32) == 0) {
                im->objs[i].duplicate = true;
                if (im->objs[i].from_old) /* the old copy is the one kept */
                    im->objs[j].from_old = true;
            }
    /* Certificates first (an LDIF entry never makes an anchor), then lists, then CRLs. */
    pkd_object order[3] = { PKD_CERTIFICATE, PKD_MASTER_LIST, PKD_CRL };
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < im->count; i++) {
            imp_obj *o = &im->objs[i];
            if (o->type != order[k] || o->duplicate || o->reason[0] != '\0')
                continue;
            if (o->type == PKD_CERTIFICATE && o->from_ldif && o->kind == VFY_TRUST_CERTIFICATE) {
                reject(o, "a CSCA certificate in an LDIF entry: CSCAs enter only through a verified "
                          "master list or as a certificate file the operator names");
                continue;
            }
            vfy_detail d;
            vfy_detail_clear(&d);
            vfy_status s = vfy_trust_add_memory(t, o->der, o->len, o->source, &d);
            if (s == VFY_E_NO_MEMORY || s == VFY_E_LIMIT)
                return vfy_fail(detail, s, FIELD, "%s", d.message);
            if (s != VFY_OK)
                reject(o, d.message[0] != '\0' ? d.message : "not usable");
        }
    /* What stands once everything is loaded (a CRL loaded late can withdraw a list). */
    for (size_t i = 0; i < im->count; i++) {
        imp_obj *o = &im->objs[i];
        if (o->duplicate || o->reason[0] != '\0')
            continue;
        const char *why = store_reason(t, o->source, o->kind);
        if (o->type == PKD_CERTIFICATE) {
            if (o->kind == VFY_TRUST_CERTIFICATE) {
                if (anchor_in(t, o->cert))
                    o->accepted = true;
                else
                    reject(o, why != NULL ? why : "not accepted as a CSCA");
            } else {
                bool name_matched = false;
                if (vfy_trust_find_issuer(t, o->cert, &name_matched) != NULL)
                    o->accepted = true;
                else
                    reject(o, name_matched ? "its signature does not verify under the CSCA its issuer "
                                             "names"
                                           : "no CSCA of the store issued it");
            }
        } else if (o->type == PKD_CRL) {
            bool oom = false;
            if (crl_csca(t, o->crl, &oom) != NULL)
                o->accepted = true;
            else if (oom)
                return vfy_fail(detail, VFY_E_NO_MEMORY, FIELD, "out of memory verifying %s", o->source);
            else
                reject(o, why != NULL ? why : "no CSCA of the store signed it");
        } else {
            for (size_t l = 0; l < t->list_count; l++)
                if (t->lists[l].der_len == o->len && memcmp(t->lists[l].der, o->der, o->len) == 0) {
                    o->accepted = !t->lists[l].withdrawn;
                    if (t->lists[l].withdrawn)
                        reject(o, "its signer has been revoked by a CRL of its CSCA");
                    else if (t->lists[l].signer != NULL)
                        vfy_x509_name_text(X509_get_subject_name(t->lists[l].signer), o->subject, sizeof o->subject),
                            vfy_x509_name_country(X509_get_subject_name(t->lists[l].signer), o->country);
                }
            if (!o->accepted)
                reject(o, why != NULL ? why : "the master list does not verify");
        }
    }
    /* Of the CRLs of one CSCA only the newest is kept. */
    for (size_t i = 0; i < im->count; i++) {
        imp_obj *a = &im->objs[i];
        if (a->type != PKD_CRL || !a->accepted)
            continue;
        bool oom = false;
        X509 *ca = crl_csca(t, a->crl, &oom);
        for (size_t j = 0; j < im->count && !oom; j++) {
            imp_obj *b = &im->objs[j];
            if (j == i || b->type != PKD_CRL || !b->accepted || crl_csca(t, b->crl, &oom) != ca || oom)
                continue;
            time_t ta = crl_time(a->crl), tb = crl_time(b->crl);
            if (tb < ta || (tb == ta && j > i)) {
                b->accepted = false;
                b->action = VFY_IMPORT_REPLACED;
                snprintf(b->reason, sizeof b->reason, "a newer CRL of the same CSCA replaces it");
            }
        }
        if (oom) /* CRLs of two CSCAs must not be taken for one CSCA's old and new */
            return vfy_fail(detail, VFY_E_NO_MEMORY, FIELD, "out of memory comparing CRLs");
    }
    for (size_t i = 0; i < im->count; i++) {
        imp_obj *o = &im->objs[i];
        if (o->duplicate)
            continue;
        if (o->action == VFY_IMPORT_REPLACED)
            continue;
        if (o->accepted)
            o->action = o->from_old ? VFY_IMPORT_UNCHANGED : VFY_IMPORT_ADDED;
        else
            o->action = o->from_old ? VFY_IMPORT_REMOVED : VFY_IMPORT_REJECTED;
    }
    return VFY_OK;
}

/* ---- writing and switching ----------------------------------------------------------- */

static const char *ext_of(const imp_obj *o)
{
    return o->type == PKD_CERTIFICATE ? "der" : o->type == PKD_CRL ? "crl" : "ml";
}

static const char *prefix_of(const imp_obj *o)
{
    if (o->type == PKD_CRL)
        return "crl";
    if (o->type == PKD_MASTER_LIST)
        return "masterlist";
    return o->kind == VFY_TRUST_CERTIFICATE ? "csca" : "signer";
}

static void hex(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[PATH_MAX];
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p)
            continue;
        (void)unlink(p); /* a managed store holds files only; unlink never follows a link */
    }
    closedir(d);
    (void)rmdir(dir);
}

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* Leftovers of interrupted imports, and stores older than the one in force and the one
 * before it. */
static void tidy(const char *store_dir, const char *keep_a, const char *keep_b)
{
    DIR *d = opendir(store_dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        bool leftover = strncmp(e->d_name, ".import-", 8) == 0;
        bool store = strncmp(e->d_name, "store-", 6) == 0;
        if (!leftover && !store)
            continue;
        if (store && ((keep_a != NULL && strcmp(e->d_name, keep_a) == 0) ||
                      (keep_b != NULL && strcmp(e->d_name, keep_b) == 0)))
            continue;
        char p[PATH_MAX];
        struct stat st;
        /* Only real folders: a link planted under a store's name is never followed. */
        if (snprintf(p, sizeof p, "%s/%s", store_dir, e->d_name) >= (int)sizeof p || lstat(p, &st) != 0 ||
            !S_ISDIR(st.st_mode))
            continue;
        remove_tree(p);
    }
    closedir(d);
}

static vfy_status write_store(const importer *im, const char *store_dir, char *name_out, size_t cap,
                              vfy_detail *detail)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/.import-XXXXXX", store_dir);
    if (mkdtemp(tmp) == NULL)
        return vfy_fail(detail, VFY_E_IO, store_dir, "cannot create a folder in %s: %s", store_dir,
                        strerror(errno));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        remove_tree(tmp);
        return VFY_E_NO_MEMORY;
    }
    vfy_status s = VFY_OK;
    for (size_t i = 0; i < im->count && s == VFY_OK; i++) {
        const imp_obj *o = &im->objs[i];
        if (o->duplicate || !o->accepted)
            continue;
        char h[65], path[PATH_MAX];
        hex(o->sha256, 32, h);
        h[16] = '\0';
        if (snprintf(path, sizeof path, "%s/%s-%s.%s", tmp, prefix_of(o), h, ext_of(o)) >= (int)sizeof path)
            s = vfy_fail(detail, VFY_E_IO, store_dir, "the store folder's path is too long");
        else
            s = vfy_write_new_file(path, o->der, o->len, detail);
        EVP_DigestUpdate(ctx, o->sha256, 32);
    }
    uint8_t digest[32];
    EVP_DigestFinal_ex(ctx, digest, NULL);
    EVP_MD_CTX_free(ctx);
    if (s != VFY_OK) {
        remove_tree(tmp);
        return s;
    }
    fsync_dir(tmp);
    char h[65], stamp[32];
    hex(digest, 32, h);
    h[12] = '\0';
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(name_out, cap, "store-%s-%s", stamp, h);
    char final[PATH_MAX];
    snprintf(final, sizeof final, "%s/%s", store_dir, name_out);
    if (rename(tmp, final) != 0) {
        int e = errno;
        remove_tree(tmp);
        return vfy_fail(detail, VFY_E_IO, store_dir, "cannot name the new store %s: %s", final, strerror(e));
    }
    return VFY_OK;
}

/* DIR/current -> name, by one rename(2) of a fresh link over the old one. */
static vfy_status switch_current(const char *store_dir, const char *name, vfy_detail *detail)
{
    char link_tmp[PATH_MAX], link[PATH_MAX];
    snprintf(link_tmp, sizeof link_tmp, "%s/.current-%ld", store_dir, (long)getpid());
    snprintf(link, sizeof link, "%s/current", store_dir);
    (void)unlink(link_tmp);
    if (symlink(name, link_tmp) != 0)
        return vfy_fail(detail, VFY_E_IO, store_dir, "cannot create a link in %s: %s", store_dir,
                        strerror(errno));
    if (rename(link_tmp, link) != 0) {
        int e = errno;
        (void)unlink(link_tmp);
        return vfy_fail(detail, VFY_E_IO, store_dir, "cannot switch %s: %s", link, strerror(e));
    }
    fsync_dir(store_dir);
    return VFY_OK;
}

/* ---- the report -------------------------------------------------------------------- */

static vfy_status make_report(const importer *im, vfy_trust_import_report **out)
{
    vfy_trust_import_report *r = calloc(1, sizeof *r);
    if (r == NULL)
        return VFY_E_NO_MEMORY;
    r->items = calloc(im->count ? im->count : 1, sizeof *r->items);
    if (r->items == NULL) {
        free(r);
        return VFY_E_NO_MEMORY;
    }
    for (size_t i = 0; i < im->count; i++) {
        const imp_obj *o = &im->objs[i];
        if (o->duplicate)
            continue;
        vfy_import_item *it = &r->items[r->count++];
        it->action = o->action;
        it->kind = o->kind;
        snprintf(it->source, sizeof it->source, "%s", o->source);
        snprintf(it->subject, sizeof it->subject, "%s", o->subject);
        memcpy(it->country, o->country, sizeof it->country);
        if (o->action != VFY_IMPORT_ADDED && o->action != VFY_IMPORT_UNCHANGED)
            snprintf(it->reason, sizeof it->reason, "%s", o->reason);
    }
    *out = r;
    return VFY_OK;
}

vfy_status vfy_trust_import(const char *store_dir, const vfy_trust_import_options *o,
                            vfy_trust_import_report **report, vfy_detail *detail)
{
    if (report != NULL)
        *report = NULL;
    if (store_dir == NULL || o == NULL || report == NULL || (o->inputs == NULL && o->input_count > 0))
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "no store folder, options or report");
    if (o->size != sizeof *o)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD,
                        "options of another library version: use VFY_TRUST_IMPORT_OPTIONS_INIT");
    if (o->input_count == 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "nothing to import");
    if (mkdir(store_dir, 0700) != 0 && errno != EEXIST)
        return vfy_fail(detail, VFY_E_IO, store_dir, "cannot create %s: %s", store_dir, strerror(errno));
    struct stat st;
    if (lstat(store_dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return vfy_fail(detail, VFY_E_IO, store_dir, "%s is not a folder", store_dir);
    char current[PATH_MAX], previous[NAME_MAX + 1] = "";
    snprintf(current, sizeof current, "%s/current", store_dir);
    ssize_t ln = readlink(current, previous, sizeof previous - 1);
    previous[ln > 0 ? ln : 0] = '\0';
    if (strchr(previous, '/') != NULL)
        return vfy_fail(detail, VFY_E_TRUST_STORE, current,
                        "%s points outside its folder: not a managed trust folder", current);

    importer im = { 0 };
    vfy_status s = previous[0] != '\0' ? add_current(&im, current, detail) : VFY_OK;
    for (size_t i = 0; s == VFY_OK && i < o->input_count; i++)
        s = add_input(&im, o->inputs[i], detail);
    vfy_trust *t = NULL;
    if (s == VFY_OK)
        s = vfy_trust_new(&t);
    if (s == VFY_OK)
        s = verify_all(&im, t, detail);
    vfy_trust_free(t);
    if (s == VFY_OK)
        s = make_report(&im, report);
    if (s != VFY_OK) {
        importer_free(&im);
        return s;
    }
    vfy_trust_import_report *r = *report;
    size_t rejected = vfy_trust_import_count(r, VFY_IMPORT_REJECTED);
    size_t changed = vfy_trust_import_count(r, VFY_IMPORT_ADDED) + vfy_trust_import_count(r, VFY_IMPORT_REMOVED) +
                     vfy_trust_import_count(r, VFY_IMPORT_REPLACED);
    size_t kept = changed + vfy_trust_import_count(r, VFY_IMPORT_UNCHANGED);
    if (o->strict && rejected > 0) {
        importer_free(&im);
        return vfy_fail(detail, VFY_E_IMPORT_REJECTED, FIELD,
                        "%zu object(s) did not verify; with strict import nothing was changed", rejected);
    }
    if (changed == 0 || kept == vfy_trust_import_count(r, VFY_IMPORT_REMOVED)) {
        importer_free(&im);
        if (previous[0] == '\0')
            return vfy_fail(detail, VFY_E_TRUST_STORE, FIELD,
                            "nothing in the input verified: no store was made");
        return VFY_OK; /* nothing changes: the store in force stays */
    }
    char name[NAME_MAX + 1];
    s = write_store(&im, store_dir, name, sizeof name, detail);
    importer_free(&im);
    if (s == VFY_OK) {
        /* What was written must load as a store before it is put in force. */
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", store_dir, name);
        vfy_trust *check = NULL;
        s = vfy_trust_new(&check);
        if (s == VFY_OK)
            s = vfy_trust_add_path(check, path, detail);
        vfy_trust_free(check);
        if (s == VFY_OK)
            s = switch_current(store_dir, name, detail);
        if (s != VFY_OK) {
            remove_tree(path);
            return s;
        }
        r->switched = true;
        char *real = realpath(path, NULL);
        snprintf(r->store, sizeof r->store, "%s", real != NULL ? real : path);
        free(real);
        tidy(store_dir, name, previous[0] != '\0' ? previous : NULL);
    }
    return s;
}

void vfy_trust_import_report_free(vfy_trust_import_report *r)
{
    if (r == NULL)
        return;
    free(r->items);
    free(r);
}

size_t vfy_trust_import_item_count(const vfy_trust_import_report *r)
{
    return r != NULL ? r->count : 0;
}

bool vfy_trust_import_item_at(const vfy_trust_import_report *r, size_t i, vfy_import_item *out)
{
    if (r == NULL || out == NULL || i >= r->count)
        return false;
    *out = r->items[i];
    return true;
}

size_t vfy_trust_import_count(const vfy_trust_import_report *r, vfy_import_action a)
{
    size_t n = 0;
    for (size_t i = 0; r != NULL && i < r->count; i++)
        n += r->items[i].action == a;
    return n;
}

bool vfy_trust_import_switched(const vfy_trust_import_report *r)
{
    return r != NULL && r->switched;
}

const char *vfy_trust_import_store(const vfy_trust_import_report *r)
{
    return r != NULL ? r->store : "";
}

const char *vfy_import_action_name(vfy_import_action a)
{
    switch (a) {
    case VFY_IMPORT_ADDED: return "added";
    case VFY_IMPORT_UNCHANGED: return "unchanged";
    case VFY_IMPORT_REPLACED: return "replaced";
    case VFY_IMPORT_REJECTED: return "rejected";
    case VFY_IMPORT_REMOVED: return "removed";
    }
    return "unknown";
}

static const char *kind_name(vfy_trust_kind k)
{
    switch (k) {
    case VFY_TRUST_CERTIFICATE: return "csca";
    case VFY_TRUST_HINT: return "signer";
    case VFY_TRUST_MASTER_LIST: return "master_list";
    case VFY_TRUST_CRL: return "crl";
    case VFY_TRUST_MASTER_LIST_CERT: return "csca";
    }
    return "unknown";
}

char *vfy_trust_import_to_json(const vfy_trust_import_report *r, unsigned flags)
{
    if (r == NULL)
        return NULL;
    json_t *root = json_object(), *items = json_array(), *counts = json_object();
    json_object_set_new(root, "schema", json_string("libverify.trust-import/1"));
    json_object_set_new(root, "library_version", json_string(vfy_version()));
    json_object_set_new(root, "switched", json_boolean(r->switched));
    json_object_set_new(root, "store", r->switched ? vfy_trust_json_text(r->store) : json_null());
    for (int a = VFY_IMPORT_ADDED; a <= VFY_IMPORT_REMOVED; a++)
        json_object_set_new(counts, vfy_import_action_name((vfy_import_action)a),
                            json_integer((json_int_t)vfy_trust_import_count(r, (vfy_import_action)a)));
    json_object_set_new(root, "counts", counts);
    for (size_t i = 0; i < r->count; i++) {
        const vfy_import_item *it = &r->items[i];
        json_t *o = json_object();
        json_object_set_new(o, "action", json_string(vfy_import_action_name(it->action)));
        json_object_set_new(o, "kind", json_string(kind_name(it->kind)));
        json_object_set_new(o, "source", vfy_trust_json_text(it->source));
        json_object_set_new(o, "subject", vfy_trust_json_text(it->subject));
        json_object_set_new(o, "country", it->country[0] ? json_string(it->country) : json_null());
        json_object_set_new(o, "reason", it->reason[0] ? vfy_trust_json_text(it->reason) : json_null());
        json_array_append_new(items, o);
    }
    json_object_set_new(root, "items", items);
    return vfy_json_dump_(root, flags);
}
