/*
 * The specimen generator: keys and certificates from OpenSSL, data groups encoded
 * here, EF.SOD signed with OpenSSL's CMS. Output bytes are what a chip would hold.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/cms.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "specimen/embedded.h"
#include "core/fail.h"
#include "core/writer.h"
#include "lds/lds_internal.h"
#include "specimen/specimen_internal.h"
#include "verify/lds.h"
#include "verify/mrz.h"
#include "verify/verdict.h"

#define FIELD "specimen"

static const char default_mrz[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                   "L898902C36UTO7408122F3404159ZE184226B<<<<<16";

/* ---- a growable byte buffer with definite-length TLV writing ------------------------- */

typedef struct sbuf {
    uint8_t *p;
    size_t n, cap;
    bool failed;
} sbuf;

static void put(sbuf *b, const void *data, size_t len)
{
    if (b->failed)
        return;
    if (b->n + len > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + len)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    if (len > 0)
        memcpy(b->p + b->n, data, len);
    b->n += len;
}

static void put_tlv(sbuf *b, uint32_t tag, const void *data, size_t len)
{
    uint8_t h[VFY_BER_TAG_MAX_BYTES + 1 + VFY_BER_LENGTH_MAX_BYTES];
    vfy_writer w;
    vfy_w_init(&w, h, sizeof h);
    vfy_w_ber_tl(&w, tag, len);
    if (!vfy_w_ok(&w))
        b->failed = true;
    put(b, h, vfy_w_len(&w));
    put(b, data, len);
}

static void put_text(sbuf *b, uint32_t tag, const char *text)
{
    put_tlv(b, tag, text, strlen(text));
}

/* Wraps the content of `inner` in tag into `outer`, and empties inner. */
static void wrap(sbuf *outer, uint32_t tag, sbuf *inner)
{
    if (inner->failed)
        outer->failed = true;
    put_tlv(outer, tag, inner->p, inner->n);
    free(inner->p);
    memset(inner, 0, sizeof *inner);
}

static void put_oid(sbuf *b, const char *dotted)
{
    ASN1_OBJECT *o = OBJ_txt2obj(dotted, 1);
    if (o == NULL) {
        b->failed = true;
        return;
    }
    put_tlv(b, DER_OID, OBJ_get0_data(o), (size_t)OBJ_length(o));
    ASN1_OBJECT_free(o);
}

static void put_small_int(sbuf *b, unsigned v)
{
    uint8_t x = (uint8_t)v;
    put_tlv(b, DER_INTEGER, &x, 1);
}

static vfy_status set_file(specimen *s, vfy_file_id id, sbuf *b, vfy_detail *detail)
{
    vfy_status st = b->failed ? vfy_fail(detail, VFY_E_NO_MEMORY, FIELD, "out of memory")
                              : vfy_document_set_file(s->doc, id, b->p, b->n);
    free(b->p);
    memset(b, 0, sizeof *b);
    return st;
}

/* ---- keys and certificates ---------------------------------------------------------- */

static EVP_PKEY *ec_key(const char *curve) { return EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve); }
static EVP_PKEY *rsa_key(size_t bits) { return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", bits); }

static EVP_PKEY *dh_key(void)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DHX", NULL);
    EVP_PKEY *key = NULL;
    char group[] = "dh_2048_256";
    OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
                            OSSL_PARAM_construct_end() };
    if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_CTX_set_params(ctx, params) != 1 ||
        EVP_PKEY_keygen(ctx, &key) != 1)
        key = NULL;
    EVP_PKEY_CTX_free(ctx);
    return key;
}

static bool add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ext == NULL)
        return false;
    int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok == 1;
}

static X509 *make_cert(const char *cn, const char *country, EVP_PKEY *key, X509 *issuer,
                       EVP_PKEY *issuer_key, long from_days, long to_days, const char *usage,
                       bool ca, long serial, const char *md)
{
    X509 *x = X509_new();
    if (x == NULL)
        return NULL;
    X509_NAME *name = X509_NAME_new();
    bool ok = name != NULL && X509_set_version(x, 2) == 1 &&
              ASN1_INTEGER_set(X509_get_serialNumber(x), serial) == 1 &&
              X509_time_adj_ex(X509_getm_notBefore(x), (int)from_days, 0, NULL) != NULL &&
              X509_time_adj_ex(X509_getm_notAfter(x), (int)to_days, 0, NULL) != NULL &&
              X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)country, -1, -1, 0) == 1 &&
              X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"Specimen", -1, -1, 0) == 1 &&
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0) == 1 &&
              X509_set_subject_name(x, name) == 1 &&
              X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : name) == 1 &&
              X509_set_pubkey(x, key) == 1;
    X509_NAME_free(name);
    X509 *iss = issuer != NULL ? issuer : x;
    ok = ok && add_ext(x, iss, NID_key_usage, usage) &&
         add_ext(x, iss, NID_subject_key_identifier, "hash") &&
         (issuer == NULL || add_ext(x, iss, NID_authority_key_identifier, "keyid:always")) &&
         (!ca || add_ext(x, iss, NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
    ok = ok && X509_sign(x, issuer_key != NULL ? issuer_key : key, EVP_get_digestbyname(md)) > 0;
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

/* ---- data groups ---------------------------------------------------------------------- */

static void mrz_field_to_text(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (; in[n] != '\0' && n + 1 < cap; n++)
        out[n] = in[n] == ' ' ? '<' : in[n];
    out[n] = '\0';
}

static vfy_status build_dg1(specimen *s, const vfy_mrz *mrz, vfy_detail *detail)
{
    sbuf text = { 0 }, dg = { 0 };
    for (unsigned i = 0; i < mrz->line_count; i++)
        put(&text, mrz->lines[i], strlen(mrz->lines[i]));
    wrap(&dg, 0x5F1F, &text);
    sbuf outer = { 0 };
    wrap(&outer, 0x61, &dg);
    return set_file(s, (vfy_file_id)1, &outer, detail);
}

/* DG2 around a JPEG: one biometric template with an ISO/IEC 19794-5 facial record. */
static vfy_status build_dg2(specimen *s, const uint8_t *jpeg, size_t len, vfy_detail *detail)
{
    const size_t block = 4 + 16 + 12 + len, record = 14 + block;
    uint8_t head[14 + 4 + 16 + 12];
    vfy_writer w;
    vfy_w_init(&w, head, sizeof head);
    vfy_w_bytes(&w, "FAC\0" "010\0", 8); /* format identifier and version */
    vfy_w_u32be(&w, (uint32_t)record);
    vfy_w_u16be(&w, 1); /* one image */
    vfy_w_u32be(&w, (uint32_t)block);
    vfy_w_fill(&w, 0, 16); /* no feature points, gender/eyes/hair/mask/expression/pose unspecified */
    vfy_w_u8(&w, 1);       /* full frontal */
    vfy_w_u8(&w, 0);       /* JPEG */
    /* Width and height are not decoded from the JPEG here: 0 means unspecified. */
    vfy_w_fill(&w, 0, 4);
    vfy_w_u8(&w, 1);    /* 24-bit RGB */
    vfy_w_u8(&w, 0x02); /* source: digital camera */
    vfy_w_fill(&w, 0, 4); /* device type, quality */
    if (vfy_w_len(&w) != sizeof head || record > UINT32_MAX)
        return vfy_fail(detail, VFY_E_INTERNAL, FIELD, "the facial record header is malformed");
    sbuf bdb = { 0 }, bit = { 0 }, bht = { 0 }, group = { 0 }, dg = { 0 };
    put(&bdb, head, sizeof head);
    put(&bdb, jpeg, len);
    static const uint8_t header_template[] = { 0x80, 0x02, 0x01, 0x01, 0x81, 0x01, 0x02, 0x87,
                                               0x02, 0x01, 0x01, 0x88, 0x02, 0x00, 0x08 };
    put(&bht, header_template, sizeof header_template);
    wrap(&bit, 0xA1, &bht);
    wrap(&bit, 0x5F2E, &bdb);
    static const uint8_t count[] = { 0x02, 0x01, 0x01 };
    put(&group, count, sizeof count);
    wrap(&group, 0x7F60, &bit);
    wrap(&dg, 0x7F61, &group);
    sbuf outer = { 0 };
    wrap(&outer, 0x75, &dg);
    return set_file(s, (vfy_file_id)2, &outer, detail);
}

static vfy_status build_dg11_dg12(specimen *s, const vfy_mrz *mrz, vfy_detail *detail)
{
    char surname[48], given[48], full[100], birth[16];
    mrz_field_to_text(mrz->surname, surname, sizeof surname);
    mrz_field_to_text(mrz->given_names, given, sizeof given);
    snprintf(full, sizeof full, "%s<<%s", surname, given);
    snprintf(birth, sizeof birth, "%04d%02d%02d", mrz->birth_date.year, mrz->birth_date.month,
             mrz->birth_date.day);
    sbuf dg = { 0 }, outer = { 0 };
    static const uint8_t list11[] = { 0x5F, 0x0E, 0x5F, 0x2B, 0x5F, 0x11, 0x5F, 0x42 };
    put_tlv(&dg, 0x5C, list11, sizeof list11);
    put_text(&dg, 0x5F0E, full);
    put_text(&dg, 0x5F2B, birth);
    put_text(&dg, 0x5F11, "ZENITH<UTOPIA");
    put_text(&dg, 0x5F42, "1 SPECIMEN STREET<ZENITH<UTOPIA");
    wrap(&outer, 0x6B, &dg);
    VFY_TRY(set_file(s, (vfy_file_id)11, &outer, detail));
    static const uint8_t list12[] = { 0x5F, 0x19, 0x5F, 0x26 };
    put_tlv(&dg, 0x5C, list12, sizeof list12);
    put_text(&dg, 0x5F19, "SPECIMEN AUTHORITY OF UTOPIA");
    put_text(&dg, 0x5F26, "20240415");
    wrap(&outer, 0x6C, &dg);
    return set_file(s, (vfy_file_id)12, &outer, detail);
}

static bool put_spki(sbuf *b, EVP_PKEY *key)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(key, &der);
    if (n <= 0)
        return false;
    put(b, der, (size_t)n);
    OPENSSL_free(der);
    return true;
}

static vfy_status build_dg14_dg15(specimen *s, const vfy_specimen_options *o, vfy_detail *detail)
{
    sbuf set = { 0 }, seq = { 0 }, outer = { 0 };
    if (s->ca_key != NULL) {
        bool dh = o->ca == VFY_SPECIMEN_CA_DH;
        put_oid(&seq, dh ? "0.4.0.127.0.7.2.2.1.1" : "0.4.0.127.0.7.2.2.1.2");
        if (!put_spki(&seq, s->ca_key))
            seq.failed = true;
        wrap(&set, DER_SEQUENCE, &seq);
        char oid[40];
        snprintf(oid, sizeof oid, "0.4.0.127.0.7.2.2.3.%d.%d", dh ? 1 : 2, o->ca_3des ? 1 : 2);
        put_oid(&seq, oid);
        put_small_int(&seq, 1);
        wrap(&set, DER_SEQUENCE, &seq);
    }
    if (o->pace_in_dg14) {
        /* PACEInfo: id-PACE-ECDH-GM-AES-CBC-CMAC-128, version 2, brainpoolP256r1 (13) */
        put_oid(&seq, "0.4.0.127.0.7.2.2.4.2.2");
        put_small_int(&seq, 2);
        put_small_int(&seq, 13);
        wrap(&set, DER_SEQUENCE, &seq);
    }
    if (o->aa == VFY_SPECIMEN_AA_EC) {
        put_oid(&seq, "2.23.136.1.1.5");
        put_small_int(&seq, 1);
        put_oid(&seq, "1.2.840.10045.4.3.2"); /* ecdsa-with-SHA256 */
        wrap(&set, DER_SEQUENCE, &seq);
    }
    if (set.n > 0) {
        sbuf dg = { 0 };
        wrap(&dg, DER_SET, &set);
        wrap(&outer, 0x6E, &dg);
        VFY_TRY(set_file(s, (vfy_file_id)14, &outer, detail));
    }
    if (s->aa_key != NULL) {
        sbuf dg = { 0 };
        if (!put_spki(&dg, s->aa_key))
            dg.failed = true;
        wrap(&outer, 0x6F, &dg);
        VFY_TRY(set_file(s, (vfy_file_id)15, &outer, detail));
    }
    return VFY_OK;
}

static vfy_status build_com(specimen *s, vfy_detail *detail)
{
    static const uint8_t tags[17] = { 0, 0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68,
                                      0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70 };
    uint8_t list[16];
    vfy_writer w;
    vfy_w_init(&w, list, sizeof list);
    for (unsigned dg = 1; dg <= 16; dg++)
        if (vfy_document_has_file(s->doc, (vfy_file_id)dg))
            vfy_w_u8(&w, tags[dg]);
    sbuf com = { 0 }, outer = { 0 };
    put_text(&com, 0x5F01, "0107");
    put_text(&com, 0x5F36, "040000");
    put_tlv(&com, 0x5C, list, vfy_w_len(&w));
    wrap(&outer, 0x60, &com);
    return set_file(s, VFY_FILE_COM, &outer, detail);
}

/* ---- EF.SOD ----------------------------------------------------------------------------- */

static const char *digest_oid(const char *ossl)
{
    if (strcmp(ossl, "SHA1") == 0) return "1.3.14.3.2.26";
    if (strcmp(ossl, "SHA224") == 0) return "2.16.840.1.101.3.4.2.4";
    if (strcmp(ossl, "SHA384") == 0) return "2.16.840.1.101.3.4.2.2";
    if (strcmp(ossl, "SHA512") == 0) return "2.16.840.1.101.3.4.2.3";
    return "2.16.840.1.101.3.4.2.1";
}

static vfy_status build_security_object(specimen *s, const digest_alg *alg, sbuf *out, vfy_detail *detail)
{
    sbuf top = { 0 }, algid = { 0 }, hashes = { 0 }, one = { 0 };
    put_small_int(&top, 0);
    put_oid(&algid, digest_oid(alg->ossl));
    wrap(&top, DER_SEQUENCE, &algid);
    for (unsigned dg = 1; dg <= 16; dg++) {
        const uint8_t *data;
        size_t len;
        if (vfy_document_get_file(s->doc, (vfy_file_id)dg, &data, &len) != VFY_OK)
            continue;
        uint8_t h[64];
        unsigned hl = 0;
        EVP_MD *md = EVP_MD_fetch(NULL, alg->ossl, NULL);
        int ok = md != NULL && EVP_Digest(data, len, h, &hl, md, NULL) == 1;
        EVP_MD_free(md);
        if (!ok)
            return vfy_fail(detail, VFY_E_CRYPTO, FIELD, "cannot hash DG%u", dg);
        put_small_int(&one, dg);
        put_tlv(&one, DER_OCTET_STRING, h, hl);
        wrap(&hashes, DER_SEQUENCE, &one);
    }
    wrap(&top, DER_SEQUENCE, &hashes);
    wrap(out, DER_SEQUENCE, &top);
    return out->failed ? vfy_fail(detail, VFY_E_NO_MEMORY, FIELD, "out of memory") : VFY_OK;
}

/* A SignedData over `content` of type `ctype` by the DS, carrying the DS certificate:
 * EF.SOD (wrapped in tag 0x77) and EF.CardSecurity (bare ContentInfo, wrap_tag 0). */
static vfy_status sign_content(specimen *s, const vfy_specimen_options *o, const specimen_faults *f,
                               const digest_alg *alg, const sbuf *content, const char *ctype_oid,
                               uint32_t wrap_tag, vfy_file_id file, vfy_detail *detail)
{
    vfy_status st = vfy_fail(detail, VFY_E_CRYPTO, FIELD, "OpenSSL could not sign %s", vfy_file_name(file));
    EVP_PKEY *signing_key = s->ds_key, *stranger = NULL;
    if (f->sod_signed_by_stranger) {
        stranger = o->sig == VFY_SPECIMEN_SIG_ECDSA ? ec_key("prime256v1") : rsa_key(2048);
        signing_key = stranger;
    }
    BIO *in = BIO_new_mem_buf(content->p, (int)content->n);
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY);
    ASN1_OBJECT *ctype = OBJ_txt2obj(ctype_oid, 1);
    unsigned char *der = NULL;
    int der_len = 0;
    if (in == NULL || cms == NULL || ctype == NULL || CMS_set1_eContentType(cms, ctype) != 1)
        goto out;
    unsigned flags = CMS_BINARY | CMS_NOSMIMECAP | (o->sig == VFY_SPECIMEN_SIG_RSA_PSS ? CMS_KEY_PARAM : 0);
    /* With a stranger, the SOD names the stranger as its signer but carries only the DS
     * certificate: a SOD signed by a document signer nobody knows. */
    X509 *signer_cert = s->ds;
    X509 *stranger_cert = NULL;
    if (stranger != NULL) {
        stranger_cert = make_cert("Stranger", "UT", stranger, NULL, NULL, -1, 365, "digitalSignature", false, 99, "SHA256");
        signer_cert = stranger_cert;
    }
    EVP_MD *md = EVP_MD_fetch(NULL, alg->ossl, NULL);
    CMS_SignerInfo *si = signer_cert != NULL && md != NULL
                             ? CMS_add1_signer(cms, signer_cert, signing_key, md, flags | CMS_NOCERTS)
                             : NULL;
    EVP_MD_free(md);
    if (si == NULL || CMS_add1_cert(cms, s->ds) != 1) {
        X509_free(stranger_cert);
        goto out;
    }
    if (o->sig == VFY_SPECIMEN_SIG_RSA_PSS) {
        EVP_PKEY_CTX *pctx = CMS_SignerInfo_get0_pkey_ctx(si);
        if (pctx == NULL || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, (int)alg->size) != 1) {
            X509_free(stranger_cert);
            goto out;
        }
    }
    int ok = CMS_final(cms, in, NULL, CMS_BINARY);
    X509_free(stranger_cert);
    if (ok != 1)
        goto out;
    if (f->sod_digest_mismatch) {
        X509_ALGOR *dig = NULL, *sig = NULL;
        CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
        int nid = o->sig == VFY_SPECIMEN_SIG_ECDSA ? NID_ecdsa_with_SHA1 : NID_sha1WithRSAEncryption;
        X509_ALGOR_set0(sig, OBJ_nid2obj(nid), V_ASN1_UNDEF, NULL);
    }
    der_len = i2d_CMS_ContentInfo(cms, &der);
    if (der_len <= 0)
        goto out;
    sbuf outer = { 0 };
    if (wrap_tag != 0)
        put_tlv(&outer, wrap_tag, der, (size_t)der_len);
    else
        put(&outer, der, (size_t)der_len);
    st = set_file(s, file, &outer, detail);
out:
    OPENSSL_free(der);
    ASN1_OBJECT_free(ctype);
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    EVP_PKEY_free(stranger);
    return st;
}

/* EF.CardSecurity (BSI TR-03110-3 §A.1.2.2): SignedData of id-SecurityObject over the
 * SecurityInfos of EF.CardAccess (the built-in PACEInfo) and of DG14 (the Chip
 * Authentication key PACE-CAM is proved against), signed by the same document signer. */
static vfy_status build_card_security(specimen *s, const vfy_specimen_options *o, const digest_alg *alg,
                                      vfy_detail *detail)
{
    const uint8_t *dg14;
    size_t dg14_len;
    if (s->ca_key == NULL || vfy_document_get_file(s->doc, (vfy_file_id)14, &dg14, &dg14_len) != VFY_OK)
        return VFY_OK;
    sbuf set = { 0 }, content = { 0 };
    const struct vfy_embedded_file *ca = vfy_embedded_find("specimen/EF_CardAccess.bin");
    vfy_tlv t;
    if (ca != NULL && vfy_tlv_parse_one(ca->data, ca->len, 0, "EF.CardAccess", NULL, &t) == VFY_OK &&
        t.tag == DER_SET)
        put(&set, t.value.data, t.value.len);
    vfy_tlv outer, inner;
    VFY_TRY(vfy_tlv_parse_one(dg14, dg14_len, 0, "DG14", detail, &outer));
    vfy_cursor c = outer.value;
    VFY_TRY(vfy_tlv_expect(&c, DER_SET, 0, &inner));
    put(&set, inner.value.data, inner.value.len);
    wrap(&content, DER_SET, &set);
    specimen_faults none = { 0 };
    vfy_status st = content.failed ? vfy_fail(detail, VFY_E_NO_MEMORY, FIELD, "out of memory")
                                   : sign_content(s, o, &none, alg, &content, "0.4.0.127.0.7.3.2.1", 0,
                                                  VFY_FILE_CARD_SECURITY, detail);
    free(content.p);
    return st;
}

/* ---- the whole specimen --------------------------------------------------------------- */

void specimen_free(specimen *s)
{
    if (s == NULL)
        return;
    vfy_document_free(s->doc);
    X509_free(s->csca);
    X509_free(s->ds);
    EVP_PKEY_free(s->csca_key);
    EVP_PKEY_free(s->ds_key);
    EVP_PKEY_free(s->aa_key);
    EVP_PKEY_free(s->ca_key);
    memset(s, 0, sizeof *s);
}

static vfy_status make_pki(specimen *s, const vfy_specimen_options *o, const specimen_faults *f,
                           const char *country, const digest_alg *alg, vfy_detail *detail)
{
    bool ec = o->sig == VFY_SPECIMEN_SIG_ECDSA;
    s->csca_key = ec ? ec_key("brainpoolP256r1") : rsa_key(3072);
    s->ds_key = ec ? ec_key("prime256v1") : rsa_key(2048);
    if (s->csca_key == NULL || s->ds_key == NULL)
        return vfy_fail(detail, VFY_E_CRYPTO, FIELD, "OpenSSL could not generate the signer keys");
    char cn[64];
    snprintf(cn, sizeof cn, "CSCA Specimen %s", country);
    s->csca = make_cert(cn, country, s->csca_key, NULL, NULL, -3650, 3650 * 2, "critical,keyCertSign,cRLSign",
                        true, 1, alg->ossl);
    snprintf(cn, sizeof cn, "DS Specimen %s", country);
    long from = f->ds_not_before_days, to = f->ds_not_after_days;
    if (from == 0 && to == 0) {
        from = -1;
        to = 3650;
    }
    s->ds = s->csca == NULL ? NULL
                            : make_cert(cn, country, s->ds_key, s->csca, s->csca_key, from, to,
                                        f->ds_without_sign_usage ? "critical,keyCertSign" : "critical,digitalSignature",
                                        false, 2, alg->ossl);
    if (s->csca == NULL || s->ds == NULL)
        return vfy_fail(detail, VFY_E_CRYPTO, FIELD, "OpenSSL could not make the certificates");
    return VFY_OK;
}

static vfy_status chip_keys(specimen *s, const vfy_specimen_options *o, vfy_detail *detail)
{
    if (o->aa == VFY_SPECIMEN_AA_RSA)
        s->aa_key = rsa_key(1536);
    else if (o->aa == VFY_SPECIMEN_AA_EC)
        s->aa_key = ec_key("prime256v1");
    if (o->ca == VFY_SPECIMEN_CA_EC)
        s->ca_key = ec_key("brainpoolP256r1");
    else if (o->ca == VFY_SPECIMEN_CA_DH)
        s->ca_key = dh_key();
    if ((o->aa != VFY_SPECIMEN_AA_NONE && s->aa_key == NULL) ||
        (o->ca != VFY_SPECIMEN_CA_NONE && s->ca_key == NULL))
        return vfy_fail(detail, VFY_E_CRYPTO, FIELD, "OpenSSL could not generate the chip keys");
    return VFY_OK;
}

/* The built-in face: the image of the simulated chip's own specimen DG2. */
static vfy_status default_photo(const uint8_t **jpeg, size_t *len, vfy_detail *detail)
{
    const struct vfy_embedded_file *f = vfy_embedded_find("specimen/DG2.bin");
    if (f == NULL)
        return vfy_fail(detail, VFY_E_NOT_FOUND, FIELD, "the built-in specimen portrait is missing");
    vfy_lds_dg2 dg2;
    VFY_TRY(vfy_lds_parse_dg2(f->data, f->len, &dg2, detail));
    *jpeg = dg2.faces[0].image.data;
    *len = dg2.faces[0].image.len;
    return VFY_OK;
}

vfy_status specimen_build(const vfy_specimen_options *options, const specimen_faults *faults,
                          specimen *s, vfy_detail *detail)
{
    vfy_specimen_options defaults = { 0 };
    specimen_faults no_faults = { 0 };
    const vfy_specimen_options *o = options != NULL ? options : &defaults;
    const specimen_faults *f = faults != NULL ? faults : &no_faults;
    memset(s, 0, sizeof *s);
    const digest_alg *alg = digest_from_name(o->digest != NULL ? o->digest : "SHA-256");
    if (alg == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "unknown digest \"%s\"", o->digest);
    const char *text = o->mrz != NULL ? o->mrz : default_mrz;
    vfy_mrz mrz;
    VFY_TRY(vfy_mrz_parse(text, strlen(text), NULL, &mrz, detail));
    if (!mrz.valid)
        return vfy_fail(detail, VFY_E_MRZ_CHECK_DIGIT, FIELD, "the MRZ does not verify: %s",
                        mrz.error_count > 0 ? mrz.errors[0].message : "invalid");
    const char *country = vfy_country_alpha2(mrz.issuing_state);
    if (country == NULL)
        return vfy_fail(detail, VFY_E_MRZ_FIELD, FIELD, "unknown issuing state \"%s\"", mrz.issuing_state);
    VFY_TRY(vfy_document_new(&s->doc));
    vfy_status st = make_pki(s, o, f, country, alg, detail);
    if (st == VFY_OK)
        st = chip_keys(s, o, detail);
    if (st == VFY_OK)
        st = build_dg1(s, &mrz, detail);
    const struct vfy_embedded_file *builtin_dg2 = vfy_embedded_find("specimen/DG2.bin");
    if (st == VFY_OK && o->photo == NULL && builtin_dg2 != NULL) {
        st = vfy_document_set_file(s->doc, (vfy_file_id)2, builtin_dg2->data, builtin_dg2->len);
    } else if (st == VFY_OK) {
        const uint8_t *jpeg = o->photo;
        size_t jpeg_len = o->photo_len;
        if (jpeg == NULL)
            st = default_photo(&jpeg, &jpeg_len, detail);
        if (st == VFY_OK && lds_sniff_image(jpeg, jpeg_len) != VFY_IMAGE_JPEG)
            st = vfy_fail(detail, VFY_E_BAD_ENCODING, FIELD, "the photo is not a JPEG file");
        if (st == VFY_OK)
            st = build_dg2(s, jpeg, jpeg_len, detail);
    }
    if (st == VFY_OK)
        st = build_dg11_dg12(s, &mrz, detail);
    if (st == VFY_OK)
        st = build_dg14_dg15(s, o, detail);
    if (st == VFY_OK)
        st = build_com(s, detail);
    sbuf content = { 0 };
    if (st == VFY_OK)
        st = build_security_object(s, alg, &content, detail);
    if (st == VFY_OK)
        st = sign_content(s, o, f, alg, &content, "2.23.136.1.1.1", 0x77, VFY_FILE_SOD, detail);
    if (st == VFY_OK)
        st = build_card_security(s, o, alg, detail);
    free(content.p);
    if (st != VFY_OK)
        specimen_free(s);
    return st;
}

vfy_status specimen_write_pem(const char *dir, const char *name, X509 *cert, EVP_PKEY *key,
                              vfy_detail *detail)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "path too long");
    /* PEM into memory, then one new 0600 file (core/safe_file: no link, no overwrite). */
    BIO *mem = BIO_new(BIO_s_secmem());
    int ok = mem != NULL && (cert != NULL ? PEM_write_bio_X509(mem, cert)
                                          : PEM_write_bio_PrivateKey(mem, key, NULL, NULL, 0,
                                                                     NULL, NULL)) == 1;
    char *pem = NULL;
    long len = ok ? BIO_get_mem_data(mem, &pem) : 0;
    vfy_status st = ok && len > 0 ? vfy_write_new_file(path, (const uint8_t *)pem, (size_t)len, detail)
                                  : vfy_fail(detail, VFY_E_CRYPTO, FIELD, "cannot encode %s", name);
    BIO_free(mem); /* a secure-memory BIO wipes the private key's PEM */
    return st;
}

vfy_status vfy_specimen_write(const char *dir, const vfy_specimen_options *options, vfy_detail *detail)
{
    if (dir == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "no output folder");
    specimen s;
    VFY_TRY(specimen_build(options, NULL, &s, detail));
    vfy_status st = vfy_document_save_dir(s.doc, dir, 0, detail);
    if (st == VFY_OK)
        st = specimen_write_pem(dir, "csca.pem", s.csca, NULL, detail);
    if (st == VFY_OK)
        st = specimen_write_pem(dir, "ds.pem", s.ds, NULL, detail);
    /* The CSCA's key, so that tests can issue CRLs (and revoke the DS) for a specimen. */
    if (st == VFY_OK)
        st = specimen_write_pem(dir, "csca_private.pem", NULL, s.csca_key, detail);
    /* The DS's key, so that tests can sign altered security objects as a forger holding
     * one state's DS key would. */
    if (st == VFY_OK)
        st = specimen_write_pem(dir, "ds_private.pem", NULL, s.ds_key, detail);
    if (st == VFY_OK && s.aa_key != NULL)
        st = specimen_write_pem(dir, "aa_private.pem", NULL, s.aa_key, detail);
    if (st == VFY_OK && s.ca_key != NULL)
        st = specimen_write_pem(dir, "chipauth_private.pem", NULL, s.ca_key, detail);
    specimen_free(&s);
    return st;
}
