/*
 * Fuzz target: whole documents. Starts from the built-in specimen passport
 * (data/embed/specimen) with its CSCA (data/specimen/csca.pem) as the only trust
 * anchor, applies the mutations the input describes — to EF.SOD, a data group, EF.COM,
 * EF.CardSecurity, the DS certificate or the LDSSecurityObject inside EF.SOD, or a CRL
 * added to the trust store — and runs the offline verification.
 *
 * The property: the library never calls saved files data_authentic (and never genuine:
 * no chip proved itself) unless an independent check agrees, made here without any of
 * the library's code:
 *   - OpenSSL's CMS_verify of EF.SOD against an X509_STORE holding only the same CSCA,
 *     purpose any, at the same time, with eContentType id-icao-ldsSecurityObject;
 *   - every data-group hash listed in the signed LDSSecurityObject, recomputed with
 *     OpenSSL's EVP digests over the document's file (found by this file's own DER walk);
 *   - no CRL added to the store that verifies under the CSCA key revokes the signer.
 * On disagreement: abort().
 *
 * Input: up to 8 records [slot][op][offset:2][length:2][bytes...]; see apply().
 *
 * A data group that EF.SOD lists and the document lacks is unproven: the inspection
 * makes such files unverified (the seeds dg2_removed and dg14_dg15_removed hold it).
 * VFY_FUZZ_VERBOSE=1 prints each outcome beside the independent check.
 */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "specimen/embedded.h"
#include "verify.h"

#define MAX_FILE (256u * 1024u)
/* The inspection refuses a listed, absent data group (unverified), so nothing is tolerated;
 * set to true only to study an older verdict. */
#define TOLERATE_ABSENT_DG false
#define MAX_RECORDS 8

/* ---- a minimal DER walk (no library parser) --------------------------------------- */

typedef struct span {
    const uint8_t *p;
    size_t n;
} span;

/* One TLV from the front of *in: tag bytes, whole element and content. DER lengths
 * only (definite, at most 4 length bytes). */
static bool tlv_next(span *in, span *tag, span *content, span *whole)
{
    const uint8_t *p = in->p;
    size_t n = in->n, i = 0;
    if (n < 2)
        return false;
    i = 1;
    if ((p[0] & 0x1F) == 0x1F) {
        while (i < n && (p[i] & 0x80))
            i++;
        if (++i > 4 || i >= n)
            return false;
    }
    tag->p = p;
    tag->n = i;
    if (i >= n)
        return false;
    size_t len = p[i++];
    if (len & 0x80) {
        size_t k = len & 0x7F;
        if (k == 0 || k > 4 || i + k > n)
            return false;
        len = 0;
        for (size_t j = 0; j < k; j++)
            len = (len << 8) | p[i++];
    }
    if (len > n - i)
        return false;
    content->p = p + i;
    content->n = len;
    whole->p = p;
    whole->n = i + len;
    in->p += whole->n;
    in->n -= whole->n;
    return true;
}

/* The element at child indices path[0..depth) below `in` (a run of TLVs). */
static bool der_find(span in, const unsigned *path, size_t depth, span *whole, span *content)
{
    for (size_t d = 0; d < depth; d++) {
        span tag, c, w;
        unsigned i = 0;
        for (;;) {
            if (!tlv_next(&in, &tag, &c, &w))
                return false;
            if (i++ == path[d])
                break;
        }
        *whole = w;
        *content = c;
        in = c;
    }
    return depth > 0;
}

typedef struct buf {
    uint8_t *p;
    size_t n, cap;
    bool ok;
} buf;

static void put(buf *b, const uint8_t *p, size_t n)
{
    if (!b->ok)
        return;
    if (b->n + n > b->cap) {
        size_t cap = (b->n + n) * 2 + 64;
        uint8_t *q = realloc(b->p, cap);
        if (q == NULL) {
            b->ok = false;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void put_header(buf *b, span tag, size_t len)
{
    uint8_t h[5];
    size_t k = 0;
    put(b, tag.p, tag.n);
    if (len < 0x80) {
        h[k++] = (uint8_t)len;
    } else {
        size_t bytes = len > 0xFFFFFF ? 4 : len > 0xFFFF ? 3 : len > 0xFF ? 2 : 1;
        h[k++] = (uint8_t)(0x80 | bytes);
        for (size_t j = bytes; j-- > 0;)
            h[k++] = (uint8_t)(len >> (8 * j));
    }
    put(b, h, k);
}

/* Rebuilds the run of TLVs `in` with the element at `path` (or, with content_only, its
 * content) replaced by `repl`, every enclosing length recomputed. */
static bool der_splice(span in, const unsigned *path, size_t depth, bool content_only,
                       span repl, buf *out)
{
    unsigned i = 0;
    bool found = false;
    while (in.n > 0) {
        span tag, c, w;
        if (!tlv_next(&in, &tag, &c, &w))
            return false;
        if (i++ != path[0]) {
            put(out, w.p, w.n);
            continue;
        }
        found = true;
        if (depth == 1 && !content_only) {
            put(out, repl.p, repl.n);
            continue;
        }
        buf inner = { .ok = true };
        if (depth == 1)
            put(&inner, repl.p, repl.n);
        else if (!der_splice(c, path + 1, depth - 1, content_only, repl, &inner))
            inner.ok = false;
        if (inner.ok) {
            put_header(out, tag, inner.n);
            put(out, inner.p, inner.n);
        }
        bool ok = inner.ok;
        free(inner.p);
        if (!ok)
            return false;
    }
    return found && out->ok;
}

/* EF.SOD: 77 { ContentInfo 30 { OID, A0 { SignedData 30 { version, digestAlgorithms,
 * encapContentInfo 30 { OID, A0 { OCTET STRING } }, certificates A0 { cert ... }, ... }}}} */
static const unsigned PATH_DS_CERT[] = { 0, 0, 1, 0, 3, 0 };
static const unsigned PATH_ECONTENT[] = { 0, 0, 1, 0, 2, 1, 0 };

/* ---- the document and the store under test ----------------------------------------- */

enum slot {
    SLOT_SOD, SLOT_DG1, SLOT_DG2, SLOT_DG11, SLOT_DG12, SLOT_DG14, SLOT_DG15, SLOT_COM,
    SLOT_CARD_SECURITY, SLOT_DS_CERT, SLOT_ECONTENT, SLOT_CRL, SLOT_COUNT
};

static const struct {
    vfy_file_id id;
    const char *embedded;
} files[SLOT_COUNT] = {
    [SLOT_SOD] = { VFY_FILE_SOD, "specimen/EF_SOD.bin" },
    [SLOT_DG1] = { VFY_FILE_DG1, "specimen/DG1.bin" },
    [SLOT_DG2] = { (vfy_file_id)2, "specimen/DG2.bin" },
    [SLOT_DG11] = { (vfy_file_id)11, "specimen/DG11.bin" },
    [SLOT_DG12] = { (vfy_file_id)12, "specimen/DG12.bin" },
    [SLOT_DG14] = { (vfy_file_id)14, "specimen/DG14.bin" },
    [SLOT_DG15] = { (vfy_file_id)15, "specimen/DG15.bin" },
    [SLOT_COM] = { VFY_FILE_COM, "specimen/EF_COM.bin" },
    [SLOT_CARD_SECURITY] = { VFY_FILE_CARD_SECURITY, NULL }, /* the specimen has none */
};

typedef struct file {
    uint8_t *p;
    size_t n;
    bool present;
} file;

static X509 *csca;
static uint8_t *csca_pem;
static size_t csca_pem_len;
static time_t at;
static bool tolerate_absent_dg;
static bool verbose;

static void init(void)
{
    const char *path = getenv("VFY_FUZZ_CSCA");
    if (path == NULL)
        path = "data/specimen/csca.pem";
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "fuzz/document: cannot open %s (run from the repository root, or set "
                        "VFY_FUZZ_CSCA)\n", path);
        abort();
    }
    csca_pem = malloc(65536);
    csca_pem_len = fread(csca_pem, 1, 65536, f);
    fclose(f);
    BIO *b = BIO_new_mem_buf(csca_pem, (int)csca_pem_len);
    csca = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    /* The time of every check: a day after the specimen's DS became valid. */
    const struct vfy_embedded_file *sod = vfy_embedded_find("specimen/EF_SOD.bin");
    span in = { sod->data, sod->len }, w, c;
    const unsigned *p = PATH_DS_CERT;
    X509 *ds = NULL;
    if (der_find(in, p, 6, &w, &c)) {
        const unsigned char *q = w.p;
        ds = d2i_X509(NULL, &q, (long)w.n);
    }
    struct tm tm;
    if (csca == NULL || ds == NULL || ASN1_TIME_to_tm(X509_get0_notBefore(ds), &tm) != 1) {
        fprintf(stderr, "fuzz/document: the specimen's CSCA or DS certificate is unreadable\n");
        abort();
    }
    at = timegm(&tm) + 86400;
    X509_free(ds);
    tolerate_absent_dg = TOLERATE_ABSENT_DG && getenv("VFY_FUZZ_STRICT") == NULL;
    verbose = getenv("VFY_FUZZ_VERBOSE") != NULL;
}

/* ---- the independent check ---------------------------------------------------------- */

static bool file_hash_matches(const file *doc, unsigned dg, const EVP_MD *md, span expected)
{
    /* the slots that hold data groups; 0 (EF.SOD's slot) means none */
    static const enum slot by_dg[17] = { [1] = SLOT_DG1, [2] = SLOT_DG2, [11] = SLOT_DG11,
                                         [12] = SLOT_DG12, [14] = SLOT_DG14, [15] = SLOT_DG15 };
    enum slot s = dg <= 16 ? by_dg[dg] : SLOT_SOD;
    if (s == SLOT_SOD || !doc[s].present)
        return tolerate_absent_dg && dg != 1; /* listed but not there: unproven */
    uint8_t h[EVP_MAX_MD_SIZE];
    unsigned hn = 0;
    if (EVP_Digest(doc[s].p, doc[s].n, h, &hn, md, NULL) != 1)
        return false;
    return hn == expected.n && memcmp(h, expected.p, hn) == 0;
}

/* LDSSecurityObject ::= SEQUENCE { version INTEGER, hashAlgorithm AlgorithmIdentifier,
 *   dataGroupHashValues SEQUENCE OF SEQUENCE { dataGroupNumber INTEGER, OCTET STRING },
 *   ldsVersionInfo ... OPTIONAL } — every listed hash must match its file. */
static bool lds_hashes_hold(const file *doc, const uint8_t *p, size_t n)
{
    span in = { p, n }, tag, c, w;
    if (!tlv_next(&in, &tag, &c, &w) || tag.n != 1 || tag.p[0] != 0x30)
        return false;
    span body = c;
    if (!tlv_next(&body, &tag, &c, &w) || tag.p[0] != 0x02) /* version */
        return false;
    if (!tlv_next(&body, &tag, &c, &w) || tag.p[0] != 0x30) /* hashAlgorithm */
        return false;
    span alg = c, oid_tag, oid_c, oid_w;
    if (!tlv_next(&alg, &oid_tag, &oid_c, &oid_w) || oid_tag.p[0] != 0x06)
        return false;
    const unsigned char *q = oid_w.p;
    ASN1_OBJECT *obj = d2i_ASN1_OBJECT(NULL, &q, (long)oid_w.n);
    const EVP_MD *md = obj != NULL ? EVP_get_digestbynid(OBJ_obj2nid(obj)) : NULL;
    ASN1_OBJECT_free(obj);
    if (md == NULL)
        return false;
    if (!tlv_next(&body, &tag, &c, &w) || tag.p[0] != 0x30) /* dataGroupHashValues */
        return false;
    span list = c;
    unsigned count = 0;
    while (list.n > 0) {
        span e_tag, e_c, e_w, n_tag, n_c, n_w, h_tag, h_c, h_w;
        if (!tlv_next(&list, &e_tag, &e_c, &e_w) || e_tag.p[0] != 0x30)
            return false;
        span entry = e_c;
        if (!tlv_next(&entry, &n_tag, &n_c, &n_w) || n_tag.p[0] != 0x02 || n_c.n != 1 ||
            !tlv_next(&entry, &h_tag, &h_c, &h_w) || h_tag.p[0] != 0x04)
            return false;
        unsigned dg = n_c.p[0];
        if (dg < 1 || dg > 16 || !file_hash_matches(doc, dg, md, h_c))
            return false;
        count++;
    }
    return count > 0;
}

/* SignedData.digestAlgorithms is an unsigned hint for one-pass verifiers (RFC 5652
 * 5.1); OpenSSL refuses a set naming an unknown digest or lacking the signer's, where a
 * verifier that ignores the hint (as the library does) is not wrong. So the copy given
 * to CMS_verify lists exactly the SignerInfos' digest algorithms: whatever the hint
 * says, the signature decides. */
static bool with_signers_digests(span ci, buf *out)
{
    static const unsigned signed_data[] = { 0, 1, 0 }; /* ContentInfo, [0], SignedData */
    span w, sd, tag, c, el;
    if (!der_find(ci, signed_data, 3, &w, &sd))
        return false;
    span walk = sd, signer_infos = { 0 };
    unsigned i = 0;
    while (walk.n > 0) {
        if (!tlv_next(&walk, &tag, &c, &el))
            return false;
        if (i++ > 1 && tag.n == 1 && tag.p[0] == 0x31)
            signer_infos = c;
    }
    buf set = { .ok = true };
    while (signer_infos.n > 0) {
        span si, f_tag, f_c, f_w;
        if (!tlv_next(&signer_infos, &tag, &si, &el))
            break;
        /* SignerInfo: version, sid, digestAlgorithm, ... */
        for (int k = 0; k < 3 && tlv_next(&si, &f_tag, &f_c, &f_w); k++)
            if (k == 2)
                put(&set, f_w.p, f_w.n);
    }
    static const unsigned digest_algorithms[] = { 0, 1, 0, 1 };
    span repl = { set.p, set.n };
    bool ok = set.ok && der_splice(ci, digest_algorithms, 4, true, repl, out);
    free(set.p);
    return ok;
}

static bool independently_authentic(const file *doc, const file *crl)
{
    const file *sod = &doc[SLOT_SOD];
    if (!sod->present)
        return false;
    span in = { sod->p, sod->n }, tag, c, w;
    if (!tlv_next(&in, &tag, &c, &w) || tag.n != 1 || tag.p[0] != 0x77)
        return false;
    buf ci = { .ok = true };
    if (!with_signers_digests(c, &ci)) {
        free(ci.p);
        return false;
    }
    const unsigned char *q = ci.p;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &q, (long)ci.n);
    free(ci.p);
    X509_STORE *store = X509_STORE_new();
    BIO *out = BIO_new(BIO_s_mem());
    bool ok = cms != NULL && store != NULL && out != NULL && X509_STORE_add_cert(store, csca) == 1;
    if (ok) {
        X509_STORE_set_purpose(store, X509_PURPOSE_ANY);
        X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), at);
        char oid[64];
        ok = OBJ_obj2txt(oid, sizeof oid, CMS_get0_eContentType(cms), 1) > 0 &&
             strcmp(oid, "2.23.136.1.1.1") == 0 &&
             CMS_verify(cms, NULL, store, NULL, out, CMS_BINARY) == 1;
    }
    if (ok) {
        char *content = NULL;
        long len = BIO_get_mem_data(out, &content);
        ok = len > 0 && lds_hashes_hold(doc, (const uint8_t *)content, (size_t)len);
    }
    if (ok && crl->present) {
        /* a CRL of this CSCA that revokes the signer */
        const unsigned char *r = crl->p;
        X509_CRL *x = d2i_X509_CRL(NULL, &r, (long)crl->n);
        STACK_OF(X509) *signers = CMS_get0_signers(cms);
        EVP_PKEY *key = X509_get0_pubkey(csca);
        if (x != NULL && key != NULL && X509_CRL_verify(x, key) == 1)
            for (int i = 0; signers != NULL && i < sk_X509_num(signers); i++) {
                X509_REVOKED *rev = NULL;
                if (X509_CRL_get0_by_cert(x, &rev, sk_X509_value(signers, i)) == 1)
                    ok = false;
            }
        sk_X509_free(signers);
        X509_CRL_free(x);
    }
    BIO_free(out);
    X509_STORE_free(store);
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
    return ok;
}

/* ---- mutations ------------------------------------------------------------------------ */

static void set_bytes(file *f, const uint8_t *p, size_t n)
{
    uint8_t *q = malloc(n > 0 ? n : 1);
    if (q == NULL)
        return;
    if (n > 0)
        memcpy(q, p, n);
    free(f->p);
    f->p = q;
    f->n = n;
    f->present = true;
}

/* ops: 0 replace whole, 1 overwrite at offset, 2 insert at offset, 3 truncate at offset,
 * 4 remove, 5 copy another slot's bytes in (first data byte), 6 flip a bit at offset. */
static void mutate(file *f, const file *all, unsigned op, size_t off, const uint8_t *d, size_t n)
{
    size_t at_ = f->n > 0 ? off % (f->n + 1) : 0;
    switch (op % 7) {
    case 0:
        set_bytes(f, d, n);
        break;
    case 1: {
        if (!f->present)
            break;
        buf b = { .ok = true };
        put(&b, f->p, at_);
        put(&b, d, n);
        if (at_ + n < f->n)
            put(&b, f->p + at_ + n, f->n - at_ - n);
        if (b.ok && b.n <= MAX_FILE)
            set_bytes(f, b.p, b.n);
        free(b.p);
        break;
    }
    case 2: {
        if (!f->present)
            break;
        buf b = { .ok = true };
        put(&b, f->p, at_);
        put(&b, d, n);
        put(&b, f->p + at_, f->n - at_);
        if (b.ok && b.n <= MAX_FILE)
            set_bytes(f, b.p, b.n);
        free(b.p);
        break;
    }
    case 3:
        f->n = at_;
        break;
    case 4:
        f->present = false;
        break;
    case 5: {
        const file *src = n > 0 ? &all[d[0] % SLOT_CRL] : NULL;
        if (src != NULL && src->present && src != f) {
            uint8_t *copy = malloc(src->n > 0 ? src->n : 1);
            if (copy != NULL) {
                memcpy(copy, src->p, src->n);
                free(f->p);
                f->p = copy;
                f->n = src->n;
                f->present = true;
            }
        }
        break;
    }
    default:
        if (f->present && f->n > 0)
            f->p[off % f->n] ^= (uint8_t)(1u << ((off >> 13) & 7));
        break;
    }
}

/* The DS certificate or the LDSSecurityObject inside EF.SOD: taken out, mutated, put
 * back with every enclosing length recomputed. */
static void mutate_inside_sod(file *slots, enum slot which, unsigned op, size_t off,
                              const uint8_t *d, size_t n)
{
    file *sod = &slots[SLOT_SOD];
    if (!sod->present)
        return;
    const unsigned *path = which == SLOT_DS_CERT ? PATH_DS_CERT : PATH_ECONTENT;
    size_t depth = which == SLOT_DS_CERT ? 6 : 7;
    bool content_only = which == SLOT_ECONTENT;
    span in = { sod->p, sod->n }, w, c;
    if (!der_find(in, path, depth, &w, &c))
        return;
    file part = { 0 };
    span old = content_only ? c : w;
    set_bytes(&part, old.p, old.n);
    if (op % 7 == 4)
        part.n = 0; /* "remove" leaves it empty */
    else
        mutate(&part, slots, op, off, d, n);
    if (part.present) {
        buf out = { .ok = true };
        span repl = { part.p, part.n };
        if (der_splice(in, path, depth, content_only, repl, &out) && out.n <= MAX_FILE)
            set_bytes(sod, out.p, out.n);
        free(out.p);
    }
    free(part.p);
}

static void run(file *slots)
{
    vfy_document *doc = NULL;
    vfy_trust *trust = NULL;
    if (vfy_document_new(&doc) != VFY_OK || vfy_trust_new(&trust) != VFY_OK)
        goto done;
    for (int s = 0; s < SLOT_COUNT; s++)
        if (files[s].id != 0 && slots[s].present &&
            vfy_document_set_file(doc, files[s].id, slots[s].p, slots[s].n) != VFY_OK)
            goto done;
    if (vfy_trust_add_memory(trust, csca_pem, csca_pem_len, "csca.pem", NULL) != VFY_OK)
        abort(); /* the anchor itself must load */
    file *crl = &slots[SLOT_CRL];
    if (crl->present && crl->n > 0) {
        /* CRLs only: a certificate in the store is another question (issue 10, item 10) */
        const unsigned char *q = crl->p;
        X509_CRL *x = d2i_X509_CRL(NULL, &q, (long)crl->n);
        if (x != NULL)
            (void)vfy_trust_add_memory(trust, crl->p, crl->n, "fuzz.crl", NULL);
        else
            crl->present = false;
        X509_CRL_free(x);
        ERR_clear_error();
    }
    vfy_inspect_options opt = VFY_INSPECT_OPTIONS_INIT;
    opt.trust = trust;
    opt.at = at;
    vfy_inspection *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status st = vfy_inspect_files(doc, &opt, &r, &d);
    if (verbose)
        fprintf(stderr, "fuzz/document: %s, %s; independent check: %s\n", vfy_status_name(st),
                st == VFY_OK ? vfy_inspection_summary(r) : d.message,
                independently_authentic(slots, crl) ? "authentic" : "not authentic");
    vfy_inspection_outcome o = vfy_inspection_get_outcome(r);
    if (st == VFY_OK && (o == VFY_INSPECTION_GENUINE || o == VFY_INSPECTION_DATA_AUTHENTIC) &&
        !independently_authentic(slots, crl)) {
        fprintf(stderr, "fuzz/document: the library says %s (%s), the independent check "
                        "does not agree\n", vfy_inspection_outcome_name(o),
                vfy_inspection_summary(r));
        abort();
    }
    /* Saved files never show that a chip proved itself. */
    if (o == VFY_INSPECTION_GENUINE)
        abort();
    vfy_inspection_free(r);
done:
    vfy_trust_free(trust);
    vfy_document_free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        init();
        ready = true;
    }
    file slots[SLOT_COUNT] = { 0 };
    for (int s = 0; s < SLOT_COUNT; s++)
        if (files[s].embedded != NULL) {
            const struct vfy_embedded_file *e = vfy_embedded_find(files[s].embedded);
            if (e != NULL)
                set_bytes(&slots[s], e->data, e->len);
        }
    for (unsigned r = 0; r < MAX_RECORDS && size >= 6; r++) {
        unsigned slot = data[0] % SLOT_COUNT, op = data[1];
        size_t off = (size_t)data[2] << 8 | data[3];
        size_t n = (size_t)data[4] << 8 | data[5];
        data += 6;
        size -= 6;
        if (n > size)
            n = size;
        if (slot == SLOT_DS_CERT || slot == SLOT_ECONTENT)
            mutate_inside_sod(slots, (enum slot)slot, op, off, data, n);
        else
            mutate(&slots[slot], slots, op, off, data, n);
        data += n;
        size -= n;
    }
    run(slots);
    for (int s = 0; s < SLOT_COUNT; s++)
        free(slots[s].p);
    return 0;
}
