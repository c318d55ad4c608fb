/* The trust store: loading certificates, master lists and CRLs, and recording why each
 * item was accepted or rejected. */
#include <dirent.h>
#include <errno.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "core/ossl_oom.h"
#include "core/fail.h"
#include "trust/trust_store.h"

vfy_status vfy_trust_new(vfy_trust **out)
{
    vfy_trust *t = calloc(1, sizeof *t);
    if (t == NULL)
        return VFY_E_NO_MEMORY;
    t->anchors = sk_X509_new_null();
    t->hints = sk_X509_new_null();
    t->crls = sk_X509_CRL_new_null();
    if (t->anchors == NULL || t->hints == NULL || t->crls == NULL) {
        vfy_trust_free(t);
        return VFY_E_NO_MEMORY;
    }
    *out = t;
    return VFY_OK;
}

void vfy_trust_free(vfy_trust *t)
{
    if (t == NULL)
        return;
    sk_X509_pop_free(t->anchors, X509_free);
    sk_X509_pop_free(t->hints, X509_free);
    sk_X509_CRL_pop_free(t->crls, X509_CRL_free);
    for (size_t i = 0; i < t->list_count; i++) {
        X509_free(t->lists[i].signer);
        X509_free(t->lists[i].signer_csca);
        sk_X509_pop_free(t->lists[i].certs, X509_free);
        free(t->lists[i].der);
    }
    free(t->lists);
    free(t->entries);
    free(t);
}

static time_t asn1_to_time(const ASN1_TIME *a)
{
    struct tm tm;
    if (a == NULL || ASN1_TIME_to_tm(a, &tm) != 1)
        return 0;
    return timegm(&tm);
}

bool vfy_x509_name_country(const X509_NAME *name, char out[3])
{
    out[0] = '\0';
    int i = X509_NAME_get_index_by_NID(name, NID_countryName, -1);
    if (i < 0)
        return false;
    const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    if (s == NULL || ASN1_STRING_length(s) != 2)
        return false;
    const unsigned char *d = ASN1_STRING_get0_data(s);
    for (int k = 0; k < 2; k++) {
        unsigned char ch = d[k];
        if (ch >= 'a' && ch <= 'z')
            ch = (unsigned char)(ch - 'a' + 'A');
        if (ch < 'A' || ch > 'Z') {
            out[0] = '\0';
            return false;
        }
        out[k] = (char)ch;
    }
    out[2] = '\0';
    return true;
}

bool vfy_x509_valid_at(X509 *cert, time_t at)
{
    return X509_cmp_time(X509_get0_notBefore(cert), &at) < 0 &&
           X509_cmp_time(X509_get0_notAfter(cert), &at) > 0;
}

void vfy_x509_name_text(const X509_NAME *name, char *out, size_t cap)
{
    out[0] = '\0';
    BIO *b = BIO_new(BIO_s_mem());
    if (b == NULL)
        return;
    X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    int n = BIO_read(b, out, (int)cap - 1);
    out[n > 0 ? n : 0] = '\0';
    BIO_free(b);
}

vfy_status vfy_trust_record(vfy_trust *t, vfy_trust_kind kind, bool accepted, const char *source,
                            X509 *cert, X509_CRL *crl, const char *reason)
{
    if (t->entry_count >= VFY_TRUST_MAX_ENTRIES)
        return VFY_E_LIMIT;
    if (t->entry_count == t->entry_cap) {
        size_t cap = t->entry_cap ? t->entry_cap * 2 : 32;
        vfy_trust_entry *e = realloc(t->entries, cap * sizeof *e);
        if (e == NULL)
            return VFY_E_NO_MEMORY;
        t->entries = e;
        t->entry_cap = cap;
    }
    vfy_trust_entry *e = &t->entries[t->entry_count++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->accepted = accepted;
    snprintf(e->source, sizeof e->source, "%s", source != NULL ? source : "");
    snprintf(e->reason, sizeof e->reason, "%s", reason != NULL ? reason : "");
    unsigned char md[32];
    unsigned mdlen = 0;
    if ((cert != NULL && X509_digest(cert, EVP_sha256(), md, &mdlen) == 1) ||
        (cert == NULL && crl != NULL && X509_CRL_digest(crl, EVP_sha256(), md, &mdlen) == 1))
        for (unsigned i = 0; i < mdlen && i < 32; i++)
            snprintf(e->sha256 + 2 * i, 3, "%02x", md[i]);
    const ASN1_INTEGER *serial = NULL;
    if (cert != NULL)
        serial = X509_get0_serialNumber(cert);
    else if (crl != NULL)
        serial = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
    BIGNUM *bn = serial != NULL ? ASN1_INTEGER_to_BN(serial, NULL) : NULL;
    char *hex = bn != NULL ? BN_bn2hex(bn) : NULL;
    snprintf(e->serial, sizeof e->serial, "%s", hex != NULL ? hex : "");
    OPENSSL_free(hex);
    BN_free(bn);
    if (cert == NULL && serial != NULL)
        ASN1_INTEGER_free((ASN1_INTEGER *)serial);
    ERR_clear_error();
    if (cert != NULL) {
        vfy_x509_name_text(X509_get_subject_name(cert), e->subject, sizeof e->subject);
        vfy_x509_name_country(X509_get_subject_name(cert), e->country);
        e->not_before = asn1_to_time(X509_get0_notBefore(cert));
        e->not_after = asn1_to_time(X509_get0_notAfter(cert));
    } else if (crl != NULL) {
        vfy_x509_name_text(X509_CRL_get_issuer(crl), e->subject, sizeof e->subject);
        vfy_x509_name_country(X509_CRL_get_issuer(crl), e->country);
        e->not_before = asn1_to_time(X509_CRL_get0_lastUpdate(crl));
        e->not_after = asn1_to_time(X509_CRL_get0_nextUpdate(crl));
    }
    return VFY_OK;
}

static bool in_stack(STACK_OF(X509) *sk, X509 *cert)
{
    for (int i = 0; i < sk_X509_num(sk); i++)
        if (X509_cmp(sk_X509_value(sk, i), cert) == 0)
            return true;
    return false;
}

static vfy_status push_cert(STACK_OF(X509) *sk, X509 *cert)
{
    if ((size_t)sk_X509_num(sk) >= VFY_TRUST_MAX_ENTRIES)
        return VFY_E_LIMIT;
    if (!X509_up_ref(cert))
        return VFY_E_NO_MEMORY;
    if (sk_X509_push(sk, cert) <= 0) {
        X509_free(cert);
        return VFY_E_NO_MEMORY;
    }
    return VFY_OK;
}

/* OpenSSL decodes a certificate's key and extensions once, when it first needs them,
 * and keeps a failure: an allocation that failed then reads ever after as a defect of
 * the certificate (an undecodable key, an invalid extension). The same DER parsed
 * afresh tells the two apart; a certificate refused for what a fresh copy does not
 * show was not refused for itself, and the import fails instead (VFY_E_NO_MEMORY) of
 * recording a CSCA as unusable. */
static bool refused_for_itself(X509 *cert, bool not_csca, bool no_key)
{
    unsigned char *der = NULL;
    int n = i2d_X509(cert, &der);
    const unsigned char *p = der;
    X509 *copy = n > 0 ? d2i_X509(NULL, &p, n) : NULL;
    OPENSSL_free(der);
    bool same = copy != NULL && (vfy_trust_not_csca(copy) != NULL) == not_csca &&
                (X509_get0_pubkey(copy) == NULL) == no_key;
    X509_free(copy);
    ERR_clear_error();
    return same;
}

vfy_status vfy_trust_add_anchor(vfy_trust *t, X509 *cert, vfy_trust_kind kind, const char *source)
{
    const char *not_csca = vfy_trust_not_csca(cert);
    bool no_key = X509_get0_pubkey(cert) == NULL;
    ERR_clear_error();
    if ((not_csca != NULL || no_key) && !refused_for_itself(cert, not_csca != NULL, no_key))
        return VFY_E_NO_MEMORY;
    bool hint = not_csca != NULL;
    if (hint && kind == VFY_TRUST_MASTER_LIST_CERT)
        /* A master list carries CSCAs only; anything else in it is refused, not kept. */
        return vfy_trust_record(t, kind, false, source, cert, NULL, not_csca);
    if (in_stack(t->anchors, cert) || in_stack(t->hints, cert))
        return vfy_trust_record(t, hint ? VFY_TRUST_HINT : kind, true, source, cert, NULL,
                                "duplicate of a certificate already in the store");
    if (no_key)
        return vfy_trust_record(t, kind, false, source, cert, NULL,
                                "the certificate's public key cannot be decoded");
    if (hint) {
        VFY_TRY(push_cert(t->hints, cert));
        return vfy_trust_record(t, VFY_TRUST_HINT, true, source, cert, NULL,
                                "a hint for finding signers, not an anchor: it must chain to a CSCA");
    }
    VFY_TRY(push_cert(t->anchors, cert));
    return vfy_trust_record(t, kind, true, source, cert, NULL, NULL);
}

vfy_status vfy_trust_add_x509(vfy_trust *t, X509 *cert, const char *source, vfy_detail *detail)
{
    if (t == NULL || cert == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "trust", "no certificate");
    return vfy_trust_add_anchor(t, cert, VFY_TRUST_CERTIFICATE, source);
}

static vfy_status add_crl(vfy_trust *t, X509_CRL *crl, const char *source)
{
    if ((size_t)sk_X509_CRL_num(t->crls) >= VFY_TRUST_MAX_ENTRIES)
        return VFY_E_LIMIT;
    /* A CRL that names a CSCA of the store but verifies under none of its keys is
     * refused: it would say nothing about that CSCA's certificates. One whose issuer
     * is not (yet) in the store is kept; it only counts once it verifies. */
    bool named = false, verifies = false;
    for (int i = 0; i < sk_X509_num(t->anchors) && !verifies; i++) {
        X509 *a = sk_X509_value(t->anchors, i);
        if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(a)) != 0)
            continue;
        named = true;
        int of = vfy_trust_crl_of(crl, a);
        if (of < 0)
            return VFY_E_NO_MEMORY; /* not "does not verify": the CRL would be lost */
        verifies = of == 1;
    }
    if (named && !verifies)
        return vfy_trust_record(t, VFY_TRUST_CRL, false, source, NULL, crl,
                                "the CRL's signature does not verify under the CSCA it names");
    if (!X509_CRL_up_ref(crl))
        return VFY_E_NO_MEMORY;
    if (sk_X509_CRL_push(t->crls, crl) <= 0) {
        X509_CRL_free(crl);
        return VFY_E_NO_MEMORY;
    }
    VFY_TRY(vfy_trust_record(t, VFY_TRUST_CRL, true, source, NULL, crl,
                             named ? NULL : "no CSCA of this issuer in the store (yet)"));
    return vfy_trust_recheck_lists(t);
}

static bool is_pem(const uint8_t *data, size_t len)
{
    static const char marker[] = "-----BEGIN ";
    for (size_t i = 0; i + sizeof marker - 1 <= len && i < 1024; i++)
        if (memcmp(data + i, marker, sizeof marker - 1) == 0)
            return true;
    return false;
}

static vfy_status add_pem(vfy_trust *t, const uint8_t *data, size_t len, const char *source,
                          vfy_detail *detail)
{
    BIO *b = BIO_new_mem_buf(data, (int)len);
    if (b == NULL)
        return VFY_E_NO_MEMORY;
    ERR_clear_error();
    STACK_OF(X509_INFO) *infos = PEM_X509_INFO_read_bio(b, NULL, NULL, NULL);
    BIO_free(b);
    if (infos == NULL) {
        /* Not "unreadable" when memory ran out: the file is not dropped from the store. */
        if (vfy_ossl_out_of_memory())
            return vfy_fail(detail, VFY_E_NO_MEMORY, source, "out of memory reading %s", source);
        vfy_status s = vfy_trust_record(t, VFY_TRUST_CERTIFICATE, false, source, NULL, NULL,
                                        "not a readable PEM certificate or CRL");
        return s != VFY_OK ? s
                           : vfy_fail(detail, VFY_E_TRUST_STORE, source,
                                      "%s holds no readable PEM certificate or CRL", source);
    }
    vfy_status s = VFY_OK;
    int used = 0;
    for (int i = 0; i < sk_X509_INFO_num(infos) && s == VFY_OK; i++) {
        X509_INFO *in = sk_X509_INFO_value(infos, i);
        if (in->x509 != NULL) {
            s = vfy_trust_add_anchor(t, in->x509, VFY_TRUST_CERTIFICATE, source);
            used++;
        }
        if (in->crl != NULL && s == VFY_OK) {
            s = add_crl(t, in->crl, source);
            used++;
        }
    }
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    ERR_clear_error();
    if (s == VFY_OK && used == 0)
        return vfy_fail(detail, VFY_E_TRUST_STORE, source,
                        "%s holds no certificate or CRL", source);
    return s;
}

/* DER: a certificate, a CRL or a CMS master list, each required to span the input. */
static vfy_status add_der(vfy_trust *t, const uint8_t *data, size_t len, const char *source,
                          vfy_detail *detail)
{
    const unsigned char *p = data;
    ERR_clear_error();
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (x != NULL && p == data + len) {
        vfy_status s = vfy_trust_add_anchor(t, x, VFY_TRUST_CERTIFICATE, source);
        X509_free(x);
        return s;
    }
    X509_free(x);
    /* A file OpenSSL could not parse for want of memory is not "another kind of file". */
    if (vfy_ossl_out_of_memory())
        return vfy_fail(detail, VFY_E_NO_MEMORY, source, "out of memory reading %s", source);
    p = data;
    X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
    if (crl != NULL && p == data + len) {
        vfy_status s = add_crl(t, crl, source);
        X509_CRL_free(crl);
        return s;
    }
    X509_CRL_free(crl);
    if (vfy_ossl_out_of_memory())
        return vfy_fail(detail, VFY_E_NO_MEMORY, source, "out of memory reading %s", source);
    return vfy_trust_add_master_list(t, data, len, source, detail);
}

vfy_status vfy_trust_add_memory(vfy_trust *t, const uint8_t *data, size_t len,
                                const char *source_name, vfy_detail *detail)
{
    if (t == NULL || (data == NULL && len > 0))
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "trust", "no store or no data");
    const char *source = source_name != NULL ? source_name : "(memory)";
    if (len == 0)
        return vfy_fail(detail, VFY_E_TRUST_STORE, source, "%s is empty", source);
    if (len > VFY_TRUST_MAX_FILE_BYTES || len > (size_t)INT32_MAX)
        return vfy_fail(detail, VFY_E_LIMIT, source, "%s is larger than %u bytes", source,
                        VFY_TRUST_MAX_FILE_BYTES);
    if (is_pem(data, len))
        return add_pem(t, data, len, source, detail);
    return add_der(t, data, len, source, detail);
}

static vfy_status read_file(const char *path, uint8_t **out, size_t *len, vfy_detail *detail)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return vfy_fail(detail, VFY_E_TRUST_STORE, path, "cannot open %s: %s", path,
                        strerror(errno));
    uint8_t *buf = malloc(VFY_TRUST_MAX_FILE_BYTES + 1);
    if (buf == NULL) {
        fclose(f);
        return VFY_E_NO_MEMORY;
    }
    size_t n = fread(buf, 1, VFY_TRUST_MAX_FILE_BYTES + 1, f);
    bool err = ferror(f) != 0;
    fclose(f);
    if (err || n > VFY_TRUST_MAX_FILE_BYTES) {
        free(buf);
        return vfy_fail(detail, err ? VFY_E_TRUST_STORE : VFY_E_LIMIT, path,
                        err ? "cannot read %s" : "%s is too large for a trust file", path);
    }
    *out = buf;
    *len = n;
    return VFY_OK;
}

static vfy_status add_file(vfy_trust *t, const char *path, vfy_detail *detail)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    VFY_TRY(read_file(path, &buf, &len, detail));
    vfy_status s = vfy_trust_add_memory(t, buf, len, path, detail);
    free(buf);
    return s;
}

/* Folder members in load order: certificates, then master lists, then CRLs, so that a
 * list's signer CSCA is present before the list. */
static int load_rank(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot == NULL)
        return 0;
    if (strcasecmp(dot, ".ml") == 0)
        return 1;
    if (strcasecmp(dot, ".crl") == 0)
        return 2;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static vfy_status add_dir(vfy_trust *t, const char *dir, vfy_detail *detail)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return vfy_fail(detail, VFY_E_TRUST_STORE, dir, "cannot open folder %s: %s", dir,
                        strerror(errno));
    char **names = NULL;
    size_t count = 0, cap = 0;
    vfy_status s = VFY_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (count >= VFY_TRUST_MAX_ENTRIES) {
            s = vfy_fail(detail, VFY_E_LIMIT, dir, "%s holds too many files", dir);
            break;
        }
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (nn == NULL) {
                s = VFY_E_NO_MEMORY;
                break;
            }
            names = nn;
        }
        names[count] = strdup(e->d_name);
        if (names[count] == NULL) {
            s = VFY_E_NO_MEMORY;
            break;
        }
        count++;
    }
    closedir(d);
    if (names != NULL)
        qsort(names, count, sizeof *names, by_name);
    size_t usable = 0;
    for (int rank = 0; rank < 3 && s == VFY_OK; rank++) {
        for (size_t i = 0; i < count && s == VFY_OK; i++) {
            if (load_rank(names[i]) != rank)
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            struct stat st;
            if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
                continue;
            vfy_detail inner;
            vfy_detail_clear(&inner);
            vfy_status fs = add_file(t, path, &inner);
            if (fs == VFY_OK)
                usable++;
            else if (fs == VFY_E_NO_MEMORY || fs == VFY_E_LIMIT)
                s = fs;
            /* Other failures were recorded as rejected entries; the folder goes on. */
        }
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    if (s == VFY_OK && usable == 0)
        return vfy_fail(detail, VFY_E_TRUST_STORE, dir,
                        "folder %s holds no usable certificate, master list or CRL", dir);
    return s;
}

vfy_status vfy_trust_add_path(vfy_trust *t, const char *path, vfy_detail *detail)
{
    if (t == NULL || path == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "trust", "no store or no path");
    struct stat st;
    if (stat(path, &st) != 0)
        return vfy_fail(detail, VFY_E_TRUST_STORE, path, "cannot read %s: %s", path,
                        strerror(errno));
    if (S_ISDIR(st.st_mode))
        return add_dir(t, path, detail);
    return add_file(t, path, detail);
}

/* A file to load, with its rank in the load order. */
typedef struct load_item {
    char *path;
    int rank;
} load_item;

static int by_rank_then_path(const void *a, const void *b)
{
    const load_item *x = a, *y = b;
    return x->rank != y->rank ? x->rank - y->rank : strcmp(x->path, y->path);
}

static vfy_status push_item(load_item **items, size_t *n, size_t *cap, const char *path)
{
    if (*n >= VFY_TRUST_MAX_ENTRIES)
        return VFY_E_LIMIT;
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        load_item *m = realloc(*items, c * sizeof *m);
        if (m == NULL)
            return VFY_E_NO_MEMORY;
        *items = m;
        *cap = c;
    }
    const char *base = strrchr(path, '/');
    (*items)[*n].path = strdup(path);
    (*items)[*n].rank = load_rank(base != NULL ? base + 1 : path);
    if ((*items)[*n].path == NULL)
        return VFY_E_NO_MEMORY;
    (*n)++;
    return VFY_OK;
}

vfy_status vfy_trust_add_paths(vfy_trust *t, const char *const *paths, size_t count, vfy_detail *detail)
{
    if (t == NULL || (paths == NULL && count > 0))
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "trust", "no store or no paths");
    /* Every file of every path, in one order: certificates, master lists, CRLs (then by
     * path), so that a list finds its signer's CSCA whatever the order of the arguments. */
    load_item *items = NULL;
    size_t n = 0, cap = 0;
    vfy_status s = VFY_OK;
    for (size_t i = 0; s == VFY_OK && i < count; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            s = vfy_fail(detail, VFY_E_TRUST_STORE, paths[i], "cannot read %s: %s", paths[i], strerror(errno));
            break;
        }
        if (!S_ISDIR(st.st_mode)) {
            s = push_item(&items, &n, &cap, paths[i]);
            continue;
        }
        DIR *d = opendir(paths[i]);
        if (d == NULL) {
            s = vfy_fail(detail, VFY_E_TRUST_STORE, paths[i], "cannot open folder %s: %s", paths[i],
                         strerror(errno));
            break;
        }
        struct dirent *e;
        size_t before = n;
        while (s == VFY_OK && (e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            if (snprintf(path, sizeof path, "%s/%s", paths[i], e->d_name) >= (int)sizeof path)
                continue;
            struct stat fst;
            if (stat(path, &fst) != 0 || !S_ISREG(fst.st_mode))
                continue;
            s = push_item(&items, &n, &cap, path);
        }
        closedir(d);
        if (s == VFY_OK && n == before)
            s = vfy_fail(detail, VFY_E_TRUST_STORE, paths[i],
                         "folder %s holds no usable certificate, master list or CRL", paths[i]);
    }
    if (items != NULL)
        qsort(items, n, sizeof *items, by_rank_then_path);
    size_t usable = 0;
    for (size_t i = 0; s == VFY_OK && i < n; i++) {
        vfy_detail inner;
        vfy_detail_clear(&inner);
        vfy_status fs = add_file(t, items[i].path, &inner);
        if (fs == VFY_OK)
            usable++;
        else if (fs == VFY_E_NO_MEMORY || fs == VFY_E_LIMIT)
            s = fs;
        else if (count == 1 && n == 1) {
            /* One file named on its own: its own failure, as vfy_trust_add_path gives it. */
            s = fs;
            if (detail != NULL)
                *detail = inner;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(items[i].path);
    free(items);
    if (s == VFY_OK && usable == 0 && n > 0)
        return vfy_fail(detail, VFY_E_TRUST_STORE, "trust", "nothing usable among the trust paths");
    return s;
}

size_t vfy_trust_entry_count(const vfy_trust *t)
{
    return t != NULL ? t->entry_count : 0;
}

vfy_status vfy_trust_entry_get(const vfy_trust *t, size_t index, vfy_trust_entry *out)
{
    if (t == NULL || index >= t->entry_count)
        return VFY_E_NOT_FOUND;
    *out = t->entries[index];
    return VFY_OK;
}

size_t vfy_trust_anchor_count(const vfy_trust *t)
{
    return t != NULL ? (size_t)sk_X509_num(t->anchors) : 0;
}

X509 *vfy_trust_anchor_get(const vfy_trust *t, size_t index)
{
    if (t == NULL || index >= (size_t)sk_X509_num(t->anchors))
        return NULL;
    return sk_X509_value(t->anchors, (int)index);
}

/* One accepted item's DER, for the digest: certificates and CRLs are encoded here
 * (owned), lists are the bytes kept when they were loaded (borrowed). */
typedef struct der_item {
    unsigned char *der;
    size_t len;
    bool owned;
} der_item;

static int by_der(const void *a, const void *b)
{
    const der_item *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->der, y->der, n);
    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

static bool add_item(der_item *it, int len)
{
    it->owned = true;
    it->len = len > 0 ? (size_t)len : 0;
    return len > 0;
}

vfy_status vfy_trust_digest(const vfy_trust *t, uint8_t out[32])
{
    if (t == NULL || out == NULL)
        return VFY_E_INVALID_ARGUMENT;
    size_t cap = (size_t)sk_X509_num(t->anchors) + (size_t)sk_X509_num(t->hints) +
                 (size_t)sk_X509_CRL_num(t->crls) + t->list_count;
    der_item *items = calloc(cap ? cap : 1, sizeof *items);
    if (items == NULL)
        return VFY_E_NO_MEMORY;
    size_t n = 0;
    bool ok = true;
    for (int i = 0; ok && i < sk_X509_num(t->anchors); i++, n++)
        ok = add_item(&items[n], i2d_X509(sk_X509_value(t->anchors, i), &items[n].der));
    for (int i = 0; ok && i < sk_X509_num(t->hints); i++, n++)
        ok = add_item(&items[n], i2d_X509(sk_X509_value(t->hints, i), &items[n].der));
    for (int i = 0; ok && i < sk_X509_CRL_num(t->crls); i++, n++)
        ok = add_item(&items[n], i2d_X509_CRL(sk_X509_CRL_value(t->crls, i), &items[n].der));
    for (size_t i = 0; ok && i < t->list_count; i++)
        if (!t->lists[i].withdrawn) {
            items[n].der = t->lists[i].der;
            items[n++].len = t->lists[i].der_len;
        }
    EVP_MD_CTX *ctx = ok ? EVP_MD_CTX_new() : NULL;
    if (ctx == NULL) {
        ok = false;
    } else {
        qsort(items, n, sizeof *items, by_der);
        ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
        for (size_t i = 0; ok && i < n; i++)
            ok = EVP_DigestUpdate(ctx, items[i].der, items[i].len) == 1;
        ok = ok && EVP_DigestFinal_ex(ctx, out, NULL) == 1;
        EVP_MD_CTX_free(ctx);
    }
    for (size_t i = 0; i < n; i++)
        if (items[i].owned)
            OPENSSL_free(items[i].der);
    free(items);
    ERR_clear_error();
    return ok ? VFY_OK : VFY_E_NO_MEMORY;
}

static void newer(time_t *best, const ASN1_TIME *a)
{
    time_t v = asn1_to_time(a);
    if (v > *best)
        *best = v;
}

time_t vfy_trust_built_at(const vfy_trust *t)
{
    time_t best = 0;
    if (t == NULL)
        return 0;
    for (int i = 0; i < sk_X509_num(t->anchors); i++)
        newer(&best, X509_get0_notBefore(sk_X509_value(t->anchors, i)));
    for (int i = 0; i < sk_X509_num(t->hints); i++)
        newer(&best, X509_get0_notBefore(sk_X509_value(t->hints, i)));
    for (int i = 0; i < sk_X509_CRL_num(t->crls); i++)
        newer(&best, X509_CRL_get0_lastUpdate(sk_X509_CRL_value(t->crls, i)));
    return best;
}

size_t vfy_trust_hint_count(const vfy_trust *t)
{
    return t != NULL ? (size_t)sk_X509_num(t->hints) : 0;
}

X509 *vfy_trust_hint_get(const vfy_trust *t, size_t index)
{
    if (t == NULL || index >= (size_t)sk_X509_num(t->hints))
        return NULL;
    return sk_X509_value(t->hints, (int)index);
}

json_t *vfy_trust_json_text(const char *text)
{
    json_t *j = json_string(text);
    if (j != NULL)
        return j;
    char safe[1024];
    size_t n = 0;
    for (; text[n] != '\0' && n < sizeof safe - 1; n++)
        safe[n] = (unsigned char)text[n] < 0x80 ? text[n] : '?';
    safe[n] = '\0';
    return json_string(safe);
}
