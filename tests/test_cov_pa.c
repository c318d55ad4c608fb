/*
 * Passive Authentication's refusals, one forged or malformed input each (issue 12,
 * coverage). Every SignedData here is made with OpenSSL's CMS API from a test PKI
 * (tests/pki.c), then altered the way a forger or a broken issuer would: another
 * digest or signature algorithm, an RFC 6211 attribute naming other algorithms, no
 * signed attributes, a content-type attribute for other content, detached content,
 * a signer certificate that is not carried or whose key cannot be read. The expected
 * status is the one pa.h documents for that failure; nothing here may come out OK
 * except the two documented field quirks (signer named by key identifier, bare
 * id-ecPublicKey as signature algorithm, docs/quirks.md), whose signature OpenSSL's
 * own CMS_verify accepts.
 */
#include <criterion/criterion.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "pa/pa.h"
#include "pki.h"
#include "specimen/specimen_internal.h"
#include "support.h"
#include "verify.h"

#define OID_LDS_SECURITY_OBJECT "2.23.136.1.1.1"
#define OID_SECURITY_OBJECT "0.4.0.127.0.7.3.2.1"
#define OID_ALG_PROTECTION "1.2.840.113549.1.9.52"

typedef struct sd_opts {
    const EVP_MD *md;          /* EVP_sha256() when NULL */
    unsigned flags;            /* CMS_NOATTR, CMS_USE_KEYID, CMS_DETACHED */
    X509 *carry[2];            /* certificates carried; the signer's when both NULL */
    bool carry_none;
    const char *ctype_attr;    /* a content-type attribute of this OID */
    const uint8_t *protection; /* an RFC 6211 attribute with this SEQUENCE */
    size_t protection_len;
    bool protection_not_sequence;
    const char *sig_oid;       /* signatureAlgorithm replaced after signing */
    const char *dig_oid;       /* digestAlgorithm replaced after signing */
    const char *econtent_type; /* OID_LDS_SECURITY_OBJECT when NULL */
} sd_opts;

typedef struct pki {
    EVP_PKEY *csca_key, *ds_key;
    X509 *csca, *ds;
} pki;

static pki make_pki(const char *ds_key_spec)
{
    pki p;
    p.csca_key = pki_key("ec:prime256v1");
    p.ds_key = pki_key(ds_key_spec);
    p.csca = pki_cert(&(pki_cert_spec){ .cn = "CSCA Cov", .country = "UT", .key = p.csca_key,
                                        .not_before_days = -100, .not_after_days = 3000,
                                        .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 1 });
    p.ds = pki_cert(&(pki_cert_spec){ .cn = "DS Cov", .country = "UT", .key = p.ds_key, .issuer = p.csca,
                                      .issuer_key = p.csca_key, .not_before_days = -10,
                                      .not_after_days = 300, .usage = PKI_KU_SIGN, .serial = 2 });
    return p;
}

static void free_pki(pki *p)
{
    EVP_PKEY_free(p->csca_key);
    EVP_PKEY_free(p->ds_key);
    X509_free(p->csca);
    X509_free(p->ds);
}

/* DER of a SignedData over content, signed by (cert, key) as `o` says. */
static uint8_t *make_sd_der(const uint8_t *content, size_t n, X509 *cert, EVP_PKEY *key,
                            const sd_opts *o, size_t *len)
{
    BIO *in = BIO_new_mem_buf(content, (int)n);
    unsigned detached = o->flags & CMS_DETACHED;
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY | detached);
    cr_assert_not_null(cms);
    const char *signed_type = o->ctype_attr ? o->ctype_attr : o->econtent_type ? o->econtent_type : OID_LDS_SECURITY_OBJECT;
    ASN1_OBJECT *type = OBJ_txt2obj(signed_type, 1);
    cr_assert_eq(CMS_set1_eContentType(cms, type), 1);
    ASN1_OBJECT_free(type);
    CMS_SignerInfo *si = CMS_add1_signer(cms, cert, key, o->md ? o->md : EVP_sha256(),
                                         CMS_BINARY | CMS_NOCERTS | (o->flags & (CMS_NOATTR | CMS_USE_KEYID)));
    cr_assert_not_null(si, "CMS_add1_signer");
    if (o->protection != NULL)
        cr_assert_eq(CMS_signed_add1_attr_by_txt(si, OID_ALG_PROTECTION,
                                                 o->protection_not_sequence ? V_ASN1_OCTET_STRING
                                                                            : V_ASN1_SEQUENCE,
                                                 o->protection, (int)o->protection_len),
                     1);
    if (!o->carry_none) {
        if (o->carry[0] == NULL && o->carry[1] == NULL)
            cr_assert_eq(CMS_add1_cert(cms, cert), 1);
        for (int i = 0; i < 2; i++)
            if (o->carry[i] != NULL)
                cr_assert_eq(CMS_add1_cert(cms, o->carry[i]), 1);
    }
    int fin = CMS_final(cms, in, NULL, CMS_BINARY | detached);
    if (fin != 1)
        ERR_print_errors_fp(stderr);
    cr_assert_eq(fin, 1, "CMS_final");
    if (o->ctype_attr != NULL) {
        /* Signed as `ctype_attr` (OpenSSL copies eContentType into the signed attribute),
         * then relabelled: the attribute no longer names the content. */
        ASN1_OBJECT *lds = OBJ_txt2obj(o->econtent_type ? o->econtent_type : OID_LDS_SECURITY_OBJECT, 1);
        cr_assert_eq(CMS_set1_eContentType(cms, lds), 1);
        ASN1_OBJECT_free(lds);
    }
    X509_ALGOR *dig = NULL, *sig = NULL;
    CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
    if (o->sig_oid != NULL)
        cr_assert_eq(X509_ALGOR_set0(sig, OBJ_txt2obj(o->sig_oid, 1), V_ASN1_UNDEF, NULL), 1);
    if (o->dig_oid != NULL)
        cr_assert_eq(X509_ALGOR_set0(dig, OBJ_txt2obj(o->dig_oid, 1), V_ASN1_UNDEF, NULL), 1);
    unsigned char *der = NULL;
    int dl = i2d_CMS_ContentInfo(cms, &der);
    cr_assert_gt(dl, 0);
    uint8_t *copy = malloc((size_t)dl);
    memcpy(copy, der, (size_t)dl);
    *len = (size_t)dl;
    OPENSSL_free(der);
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    return copy;
}

static CMS_ContentInfo *parse_cms(const uint8_t *der, size_t len)
{
    const unsigned char *p = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
    cr_assert_not_null(cms);
    return cms;
}

static const uint8_t content[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };

/* pa_check_signed_data on a SignedData made by `o` with the DS of `p`; returns the
 * status and leaves the result in sig (free it). */
static vfy_status check(const pki *p, const sd_opts *o, const pa_policy *policy, pa_signature *sig,
                        vfy_detail *d)
{
    size_t len;
    uint8_t *der = make_sd_der(content, sizeof content, p->ds, p->ds_key, o, &len);
    CMS_ContentInfo *cms = parse_cms(der, len);
    pa_policy def = { 1024, false };
    vfy_detail_clear(d);
    vfy_status s = pa_check_signed_data(cms, "EF.SOD", policy ? policy : &def, sig, d);
    CMS_ContentInfo_free(cms);
    free(der);
    return s;
}

static void expect(const char *ds_key, const sd_opts *o, const pa_policy *policy, vfy_status want,
                   const char *words)
{
    pki p = make_pki(ds_key);
    pa_signature sig;
    vfy_detail d;
    vfy_status s = check(&p, o, policy, &sig, &d);
    cr_assert_eq(s, want, "got %s (%s), want %s", vfy_status_name(s), d.message, vfy_status_name(want));
    if (words != NULL)
        cr_assert(strstr(d.message, words) != NULL, "\"%s\" lacks \"%s\"", d.message, words);
    pa_signature_free(&sig);
    free_pki(&p);
}

/* ---- algorithms ----------------------------------------------------------------- */

Test(cov_pa, digest_outside_the_sha_family_is_refused)
{
    /* SHA3-256 is a sound hash but not one 9303-12 allows for the SOD signer. */
    expect("ec:prime256v1", &(sd_opts){ .dig_oid = "2.16.840.1.101.3.4.2.8" }, NULL, VFY_E_ALGORITHM,
           "not SHA-1/224/256/384/512");
}

Test(cov_pa, sha1_signer_refused_when_the_policy_says_so)
{
    pa_policy strict = { 1024, true };
    expect("ec:prime256v1", &(sd_opts){ .md = EVP_sha1() }, &strict, VFY_E_ALGORITHM, "SHA-1");
    /* The same file under the default policy verifies, reporting SHA-1. */
    pki p = make_pki("ec:prime256v1");
    pa_signature sig;
    vfy_detail d;
    cr_assert_eq(check(&p, &(sd_opts){ .md = EVP_sha1() }, NULL, &sig, &d), VFY_OK, "%s", d.message);
    cr_assert(sig.quirks & PA_QUIRK_SHA1);
    pa_signature_free(&sig);
    free_pki(&p);
}

Test(cov_pa, signature_algorithm_of_another_key_family_is_refused)
{
    /* Ed25519 is a signature algorithm OpenSSL knows but 9303 does not allow. */
    expect("ec:prime256v1", &(sd_opts){ .sig_oid = "1.3.101.112" }, NULL, VFY_E_ALGORITHM,
           "not RSA, RSASSA-PSS or ECDSA");
    /* An OID naming nothing. */
    expect("ec:prime256v1", &(sd_opts){ .sig_oid = "1.2.3.4.5" }, NULL, VFY_E_ALGORITHM,
           "unknown signature algorithm 1.2.3.4.5");
    /* sha256WithRSAEncryption on an EC document signer. */
    expect("ec:prime256v1", &(sd_opts){ .sig_oid = "1.2.840.113549.1.1.11" }, NULL, VFY_E_ALGORITHM,
           "does not fit the document signer's EC key");
}

Test(cov_pa, bare_ec_public_key_oid_is_the_documented_quirk)
{
    /* signatureAlgorithm id-ecPublicKey (docs/quirks.md): the hash comes from
     * digestAlgorithm; the signature is genuine, and OpenSSL's CMS_verify agrees. */
    pki p = make_pki("ec:prime256v1");
    sd_opts o = { .sig_oid = "1.2.840.10045.2.1" };
    size_t len;
    uint8_t *der = make_sd_der(content, sizeof content, p.ds, p.ds_key, &o, &len);
    CMS_ContentInfo *cms = parse_cms(der, len);
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, p.csca);
    BIO *out = BIO_new(BIO_s_mem());
    cr_assert_eq(CMS_verify(cms, NULL, store, NULL, out, CMS_BINARY), 1, "OpenSSL refuses it");
    BIO_free(out);
    X509_STORE_free(store);
    pa_signature sig;
    pa_policy def = { 1024, false };
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(pa_check_signed_data(cms, "EF.SOD", &def, &sig, &d), VFY_OK, "%s", d.message);
    cr_assert(sig.quirks & PA_QUIRK_BARE_KEY_OID);
    cr_assert_str_eq(sig.algorithm, "ecdsa-SHA256");
    pa_signature_free(&sig);
    CMS_ContentInfo_free(cms);
    free(der);
    free_pki(&p);
}

Test(cov_pa, ec_key_below_192_bits_is_weak)
{
    /* secp160r1 (SEC 2: a 161-bit group order), below the 192 bits asked of any EC signer. */
    expect("ec:secp160r1", &(sd_opts){ 0 }, NULL, VFY_E_WEAK_KEY, "EC key has 161 bits");
}

/* ---- RFC 6211 algorithm protection ------------------------------------------------- */

static const uint8_t prot_sha256_only[] = { 0x30, 0x0D, 0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                            0x65, 0x03, 0x04, 0x02, 0x01 };
static const uint8_t prot_sha384_only[] = { 0x30, 0x0D, 0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                            0x65, 0x03, 0x04, 0x02, 0x02 };
/* sha256 with signatureAlgorithm [1] ecdsa-with-SHA384 */
static const uint8_t prot_wrong_sig[] = { 0x30, 0x19, 0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48,
                                          0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0xA1, 0x0A, 0x06,
                                          0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03 };

Test(cov_pa, algorithm_protection_with_digest_only_is_checked)
{
    pki p = make_pki("ec:prime256v1");
    pa_signature sig;
    vfy_detail d;
    sd_opts o = { .protection = prot_sha256_only, .protection_len = sizeof prot_sha256_only };
    cr_assert_eq(check(&p, &o, NULL, &sig, &d), VFY_OK, "%s", d.message);
    cr_assert(sig.quirks & PA_QUIRK_ALG_PROTECTION);
    pa_signature_free(&sig);
    free_pki(&p);
}

Test(cov_pa, algorithm_protection_naming_other_algorithms_is_refused)
{
    expect("ec:prime256v1", &(sd_opts){ .protection = prot_sha384_only, .protection_len = sizeof prot_sha384_only },
           NULL, VFY_E_ALGORITHM, "another digest algorithm");
    expect("ec:prime256v1", &(sd_opts){ .protection = prot_wrong_sig, .protection_len = sizeof prot_wrong_sig },
           NULL, VFY_E_ALGORITHM, "another signature algorithm");
    /* Not a SEQUENCE at all. */
    expect("ec:prime256v1",
           &(sd_opts){ .protection = prot_sha256_only, .protection_len = sizeof prot_sha256_only,
                       .protection_not_sequence = true },
           NULL, VFY_E_BAD_VALUE, "malformed");
}

/* ---- signed attributes and content ------------------------------------------------- */

Test(cov_pa, no_signed_attributes_is_refused)
{
    /* 9303-10: the SOD signer must sign attributes (content type, message digest). */
    expect("ec:prime256v1", &(sd_opts){ .flags = CMS_NOATTR }, NULL, VFY_E_SIGNATURE, "no signed attributes");
}

Test(cov_pa, content_type_attribute_for_other_content_is_refused)
{
    /* The signer signed "this is id-data" while the SignedData says LDS security object:
     * the signature does not vouch for the content as an SOD. */
    expect("ec:prime256v1", &(sd_opts){ .ctype_attr = "1.2.840.113549.1.7.1" }, NULL, VFY_E_SIGNATURE,
           "content-type attribute");
}

Test(cov_pa, detached_content_is_refused)
{
    expect("ec:prime256v1", &(sd_opts){ .flags = CMS_DETACHED }, NULL, VFY_E_SIGNATURE, "no signed content");
}

/* ---- finding the signer ----------------------------------------------------------- */

Test(cov_pa, signer_by_subject_key_identifier)
{
    pki p = make_pki("ec:prime256v1");
    pki other = make_pki("ec:prime256v1");
    pa_signature sig;
    vfy_detail d;
    /* Another certificate first: its key identifier differs, the DS's matches. */
    sd_opts o = { .flags = CMS_USE_KEYID, .carry = { other.ds, p.ds } };
    cr_assert_eq(check(&p, &o, NULL, &sig, &d), VFY_OK, "%s", d.message);
    cr_assert(sig.quirks & PA_QUIRK_SIGNER_BY_SKI);
    cr_assert_eq(X509_cmp(sig.ds, p.ds), 0);
    pa_signature_free(&sig);
    /* Only the other certificate: the key identifier names a signer not carried. */
    sd_opts o2 = { .flags = CMS_USE_KEYID, .carry = { other.ds } };
    cr_assert_eq(check(&p, &o2, NULL, &sig, &d), VFY_E_NO_TRUST_ANCHOR, "%s", d.message);
    cr_assert_null(sig.ds);
    pa_signature_free(&sig);
    free_pki(&other);
    free_pki(&p);
}

/* A certificate with the DS's serial number under another issuer name. */
static X509 *same_serial_other_issuer(const pki *p, bool extra_rdn)
{
    EVP_PKEY *k = pki_key("ec:prime256v1");
    X509 *x = pki_cert(&(pki_cert_spec){ .cn = "DS Cov", .country = "UT", .key = k, .not_before_days = -1,
                                         .not_after_days = 30, .usage = PKI_KU_SIGN, .serial = 2 });
    X509_NAME *n = X509_NAME_dup(X509_get_issuer_name(p->ds));
    if (extra_rdn)
        X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"Other", -1, -1, 0);
    else
        X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"Other", -1, 1, 0);
    if (!extra_rdn) /* same count of attributes: replace the CN by another value */
        X509_NAME_ENTRY_free(X509_NAME_delete_entry(n, 2));
    cr_assert_eq(X509_set_issuer_name(x, n), 1);
    cr_assert_gt(X509_sign(x, k, EVP_sha256()), 0);
    X509_NAME_free(n);
    EVP_PKEY_free(k);
    return x;
}

Test(cov_pa, same_serial_under_another_issuer_is_not_the_signer)
{
    pki p = make_pki("ec:prime256v1");
    for (int extra = 0; extra < 2; extra++) {
        X509 *impostor = same_serial_other_issuer(&p, extra);
        cr_assert_eq(ASN1_INTEGER_cmp(X509_get0_serialNumber(impostor), X509_get0_serialNumber(p.ds)), 0);
        cr_assert_neq(X509_NAME_cmp(X509_get_issuer_name(impostor), X509_get_issuer_name(p.ds)), 0);
        pa_signature sig;
        vfy_detail d;
        sd_opts o = { .carry = { impostor } };
        cr_assert_eq(check(&p, &o, NULL, &sig, &d), VFY_E_NO_TRUST_ANCHOR, "%s", d.message);
        cr_assert_null(sig.ds);
        pa_signature_free(&sig);
        X509_free(impostor);
    }
    free_pki(&p);
}

/* Replaces the first `from` in buf by `to` (same length). */
static void patch(uint8_t *buf, size_t len, const uint8_t *from, const uint8_t *to, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(buf + i, from, n) == 0) {
            memcpy(buf + i, to, n);
            return;
        }
    cr_assert_fail("pattern not found");
}

Test(cov_pa, signer_key_that_cannot_be_decoded)
{
    /* The carried DS's SubjectPublicKeyInfo names an unassigned algorithm (the
     * id-ecPublicKey arc with a last component 9): no key, no verification. */
    pki p = make_pki("ec:prime256v1");
    size_t len;
    uint8_t *der = make_sd_der(content, sizeof content, p.ds, p.ds_key, &(sd_opts){ 0 }, &len);
    static const uint8_t ec_pk[] = { 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01 };
    static const uint8_t unknown[] = { 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x09 };
    patch(der, len, ec_pk, unknown, sizeof ec_pk);
    CMS_ContentInfo *cms = parse_cms(der, len);
    ERR_clear_error();
    pa_signature sig;
    pa_policy def = { 1024, false };
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(pa_check_signed_data(cms, "EF.SOD", &def, &sig, &d), VFY_E_BAD_VALUE, "%s", d.message);
    cr_assert(strstr(d.message, "cannot be decoded") != NULL, "%s", d.message);
    pa_signature_free(&sig);
    CMS_ContentInfo_free(cms);
    free(der);
    free_pki(&p);
}

Test(cov_pa, arguments_and_helpers)
{
    pa_signature sig;
    pa_policy def = { 1024, false };
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(pa_check_signed_data(NULL, "EF.SOD", &def, &sig, &d), VFY_E_INVALID_ARGUMENT);
    pa_signature_free(NULL);
    pa_cs_result_free(NULL);
    /* A digest OpenSSL does not provide is an error, never an empty hash. */
    digest_alg none = { "NONE-1", "NO-SUCH-DIGEST", 32 };
    uint8_t out[64];
    cr_assert_eq(pa_digest(&none, content, sizeof content, out, &d), VFY_E_CRYPTO);
    /* Quirk names: all of them, and cut short rather than overrun. */
    char buf[400];
    pa_quirks_text(PA_QUIRK_SHA1 | PA_QUIRK_RDN_ORDER, buf, sizeof buf);
    cr_assert_str_eq(buf, "signer issuer in another RDN order, SHA-1");
    char small[12];
    pa_quirks_text(PA_QUIRK_SHA1 | PA_QUIRK_RDN_ORDER, small, sizeof small);
    cr_assert_eq(strlen(small), sizeof small - 1);
    cr_assert_eq(strncmp(small, buf, sizeof small - 1), 0, "%s", small);
    pa_quirks_text(PA_QUIRK_SHA1, buf, 0); /* no room at all: nothing written */
    cr_assert_str_eq(vfy_verdict_name(VFY_VERDICT_GENUINE), "genuine");
    cr_assert_str_eq(vfy_verdict_name(VFY_VERDICT_INVALID), "invalid");
    cr_assert_str_eq(vfy_verdict_name(VFY_VERDICT_UNVERIFIED), "unverified");
    vfy_verdict v;
    cr_assert_eq(vfy_verify_document(NULL, NULL, NULL, &v, &d), VFY_E_INVALID_ARGUMENT);
}

/* ICAO 9303-3 §5 codes to ISO 3166-1 alpha-2: the special ones and a refusal. */
Test(cov_pa, issuing_state_codes)
{
    cr_assert_null(vfy_country_alpha2(NULL));
    cr_assert_null(vfy_country_alpha2("ZZZ"));
    cr_assert_null(vfy_country_alpha2("XXA")); /* stateless person: no issuing country */
    cr_assert_str_eq(vfy_country_alpha2("D<<"), "DE");
    cr_assert_str_eq(vfy_country_alpha2("GBN"), "GB");
    cr_assert_str_eq(vfy_country_alpha2("RKS"), "XK");
    cr_assert_str_eq(vfy_country_alpha2("EUE"), "EU");
}

/* ---- EF.CardSecurity -------------------------------------------------------------- */

static void cs_expect_malformed(const uint8_t *data, size_t len, vfy_status want)
{
    pa_cs_result r;
    cr_assert_eq(pa_verify_card_security(data, len, NULL, 0, NULL, &r), VFY_OK);
    cr_assert_eq(r.signature.outcome, VFY_OUTCOME_FAILED);
    cr_assert_eq(r.signature.status, want, "%s: %s", vfy_status_name(r.signature.status), r.signature.reason);
    cr_assert(!r.verified);
    cr_assert_null(pa_cs_vouched(&r));
    pa_cs_result_free(&r);
}

Test(cov_pa, card_security_that_is_not_signed_data)
{
    static const uint8_t set[] = { 0x31, 0x03, 0x02, 0x01, 0x00 };
    cs_expect_malformed(set, sizeof set, VFY_E_BAD_TAG);
    static const uint8_t seq[] = { 0x30, 0x03, 0x02, 0x01, 0x00 }; /* valid DER, not CMS */
    cs_expect_malformed(seq, sizeof seq, VFY_E_BAD_VALUE);
    /* A CMS id-data ContentInfo: CMS, but not SignedData. */
    BIO *in = BIO_new_mem_buf(content, sizeof content);
    CMS_ContentInfo *data = CMS_data_create(in, CMS_BINARY);
    BIO_free(in);
    cr_assert_not_null(data);
    unsigned char *der = NULL;
    int n = i2d_CMS_ContentInfo(data, &der);
    cr_assert_gt(n, 0);
    cs_expect_malformed(der, (size_t)n, VFY_E_BAD_VALUE);
    OPENSSL_free(der);
    CMS_ContentInfo_free(data);
}

/* TLV with a short or two-byte length (the test structures are small). */
static size_t tlv(uint8_t tag, const uint8_t *body, size_t n, uint8_t *out)
{
    size_t k = 0;
    out[k++] = tag;
    if (n < 0x80) {
        out[k++] = (uint8_t)n;
    } else {
        cr_assert_lt(n, 0x10000);
        out[k++] = 0x82;
        out[k++] = (uint8_t)(n >> 8);
        out[k++] = (uint8_t)n;
    }
    memmove(out + k, body, n);
    return k + n;
}

/* ChipAuthenticationPublicKeyInfo (9303-11 §9.2.6): id-PK-ECDH, the key, keyId. */
static size_t ca_key_info(EVP_PKEY *key, uint8_t key_id, uint8_t *out)
{
    static const uint8_t pk_ecdh[] = { 0x06, 0x09, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x01, 0x02 };
    uint8_t body[400];
    size_t n = 0;
    memcpy(body, pk_ecdh, sizeof pk_ecdh);
    n += sizeof pk_ecdh;
    unsigned char *spki = NULL;
    int sn = i2d_PUBKEY(key, &spki);
    cr_assert(sn > 0 && sn < 300);
    memcpy(body + n, spki, (size_t)sn);
    n += (size_t)sn;
    OPENSSL_free(spki);
    body[n++] = 0x02;
    body[n++] = 0x01;
    body[n++] = key_id;
    return tlv(0x30, body, n, out);
}

static vfy_trust *store_of(X509 *csca)
{
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    if (csca != NULL) {
        int n;
        unsigned char *der = pki_der(csca, &n);
        cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "csca", NULL), VFY_OK);
        OPENSSL_free(der);
    }
    return t;
}

static void assert_check(const vfy_check_result *c, vfy_outcome o, vfy_status s, const char *words)
{
    cr_assert_eq(c->outcome, o, "outcome %d (%s)", c->outcome, c->reason);
    cr_assert_eq(c->status, s, "%s (%s)", vfy_status_name(c->status), c->reason);
    if (words != NULL)
        cr_assert(strstr(c->reason, words) != NULL, "\"%s\" lacks \"%s\"", c->reason, words);
}

Test(cov_pa, card_security_with_two_chip_authentication_keys)
{
    /* A chip with two keys (as German passports have): verified, but a caller that does
     * not name the key gets none, and each keyId finds its own. */
    pki p = make_pki("ec:prime256v1");
    EVP_PKEY *k7 = pki_key("ec:brainpoolP256r1"), *k8 = pki_key("ec:prime256v1");
    uint8_t infos[1000], set[1000];
    size_t n = ca_key_info(k7, 7, infos);
    n += ca_key_info(k8, 8, infos + n);
    size_t sn = tlv(0x31, infos, n, set);
    size_t len;
    uint8_t *cs = make_sd_der(set, sn, p.ds, p.ds_key, &(sd_opts){ .econtent_type = OID_SECURITY_OBJECT }, &len);
    vfy_trust *t = store_of(p.csca);
    pa_cs_result r;
    cr_assert_eq(pa_verify_card_security(cs, len, t, 0, NULL, &r), VFY_OK);
    cr_assert(r.verified, "%s / %s / %s", r.signature.reason, r.content.reason, r.ds_chain.reason);
    cr_assert_null(pa_cs_chip_auth_key(&r, -1));
    const vfy_security_info *a = pa_cs_chip_auth_key(&r, 7), *b = pa_cs_chip_auth_key(&r, 8);
    cr_assert(a != NULL && b != NULL && a != b);
    cr_assert_eq(a->key_id, 7);
    cr_assert_eq(b->key_id, 8);
    cr_assert_null(pa_cs_chip_auth_key(&r, 9));
    pa_cs_result_free(&r);

    /* The same content with its signer certificate left out: nothing to chain. */
    free(cs);
    cs = make_sd_der(set, sn, p.ds, p.ds_key, &(sd_opts){ .econtent_type = OID_SECURITY_OBJECT, .carry_none = true },
                     &len);
    cr_assert_eq(pa_verify_card_security(cs, len, t, 0, NULL, &r), VFY_OK);
    assert_check(&r.signature, VFY_OUTCOME_FAILED, VFY_E_NO_TRUST_ANCHOR, "does not carry");
    assert_check(&r.ds_chain, VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR, "no document signer certificate");
    assert_check(&r.ds_validity, VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR, NULL);
    assert_check(&r.crl, VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR, NULL);
    cr_assert(!r.verified);
    cr_assert_null(pa_cs_chip_auth_key(&r, 7));
    pa_cs_result_free(&r);

    /* Detached: the signature covers content the file does not hold. */
    free(cs);
    cs = make_sd_der(set, sn, p.ds, p.ds_key, &(sd_opts){ .econtent_type = OID_SECURITY_OBJECT, .flags = CMS_DETACHED },
                     &len);
    cr_assert_eq(pa_verify_card_security(cs, len, t, 0, NULL, &r), VFY_OK);
    assert_check(&r.content, VFY_OUTCOME_FAILED, VFY_E_BAD_VALUE, "no signed content");
    assert_check(&r.signature, VFY_OUTCOME_FAILED, VFY_E_SIGNATURE, "no signed content");
    cr_assert(!r.verified);
    cr_assert_null(pa_cs_vouched(&r));
    pa_cs_result_free(&r);
    free(cs);
    vfy_trust_free(t);
    EVP_PKEY_free(k7);
    EVP_PKEY_free(k8);
    free_pki(&p);
}

/* ---- the document verdict ---------------------------------------------------------- */

static const char utopia_mrz[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                 "L898902C36UTO7408122F3404159ZE184226B<<<<<16";

static specimen build(const specimen_faults *f)
{
    specimen s;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(specimen_build(NULL, f, &s, &d), VFY_OK, "%s", d.message);
    return s;
}

/* EF.SOD of the specimen signed again, same LDSSecurityObject, by (ds, key). */
static void resign_sod(specimen *s, X509 *ds, EVP_PKEY *key)
{
    const uint8_t *sod;
    size_t len;
    cr_assert_eq(vfy_document_get_file(s->doc, VFY_FILE_SOD, &sod, &len), VFY_OK);
    cr_assert_eq(sod[0], 0x77);
    size_t hdr = sod[1] & 0x80 ? 2 + (sod[1] & 0x7Fu) : 2;
    CMS_ContentInfo *cms = parse_cms(sod + hdr, len - hdr);
    ASN1_OCTET_STRING **c = CMS_get0_content(cms);
    cr_assert(c != NULL && *c != NULL);
    size_t n;
    uint8_t *der = make_sd_der(ASN1_STRING_get0_data(*c), (size_t)ASN1_STRING_length(*c), ds, key,
                               &(sd_opts){ 0 }, &n);
    uint8_t *wrapped = malloc(n + 4);
    size_t w = tlv(0x77, der, n, wrapped);
    cr_assert_eq(vfy_document_set_file(s->doc, VFY_FILE_SOD, wrapped, w), VFY_OK);
    free(wrapped);
    free(der);
    CMS_ContentInfo_free(cms);
}

static void verify_doc(const vfy_document *doc, const vfy_trust *t, vfy_mrz *mrz_override, vfy_verdict *v)
{
    vfy_mrz mrz;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_mrz_parse(utopia_mrz, strlen(utopia_mrz), NULL, &mrz, &d), VFY_OK, "%s", d.message);
    vfy_verify_options o = { .mrz = mrz_override != NULL ? mrz_override : &mrz };
    cr_assert_eq(vfy_verify_document(doc, t, &o, v, &d), VFY_OK, "%s", d.message);
}

static X509 *ds_by(const char *country, X509 *issuer, EVP_PKEY *issuer_key, EVP_PKEY *key)
{
    return pki_cert(&(pki_cert_spec){ .cn = "DS Resigned", .country = country, .key = key, .issuer = issuer,
                                      .issuer_key = issuer_key, .not_before_days = -10, .not_after_days = 300,
                                      .usage = PKI_KU_SIGN, .serial = 77 });
}

Test(cov_pa, document_signer_without_country)
{
    /* Chains to the trusted CSCA, signs correctly, but names no state: the issuer
     * country cannot be confirmed, which is a failure, not a pass. */
    specimen s = build(NULL);
    EVP_PKEY *k = pki_key("ec:prime256v1");
    X509 *ds = ds_by(NULL, s.csca, s.csca_key, k);
    resign_sod(&s, ds, k);
    vfy_trust *t = store_of(s.csca);
    vfy_verdict v;
    verify_doc(s.doc, t, NULL, &v);
    assert_check(&v.sod_signature, VFY_OUTCOME_OK, VFY_OK, NULL);
    assert_check(&v.ds_chain, VFY_OUTCOME_OK, VFY_OK, NULL);
    assert_check(&v.issuer_country, VFY_OUTCOME_FAILED, VFY_E_MISMATCH, "names no country");
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID, "%s", v.summary);
    vfy_trust_free(t);
    X509_free(ds);
    EVP_PKEY_free(k);
    specimen_free(&s);
}

Test(cov_pa, csca_of_another_state)
{
    /* A trusted GB CSCA issued a DS that calls itself Utopian: the DS country matches the
     * MRZ, the CSCA's does not. */
    specimen s = build(NULL);
    EVP_PKEY *ck = pki_key("ec:prime256v1"), *k = pki_key("ec:prime256v1");
    X509 *gb = pki_cert(&(pki_cert_spec){ .cn = "CSCA GB", .country = "GB", .key = ck, .not_before_days = -10,
                                          .not_after_days = 3000, .usage = PKI_KU_CERT_SIGN, .ca = true,
                                          .serial = 5 });
    X509 *ds = ds_by("UT", gb, ck, k);
    resign_sod(&s, ds, k);
    vfy_trust *t = store_of(gb);
    vfy_verdict v;
    verify_doc(s.doc, t, NULL, &v);
    assert_check(&v.ds_chain, VFY_OUTCOME_OK, VFY_OK, NULL);
    assert_check(&v.issuer_country, VFY_OUTCOME_FAILED, VFY_E_MISMATCH, "the CSCA is from GB");
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID, "%s", v.summary);
    vfy_trust_free(t);
    X509_free(ds);
    X509_free(gb);
    EVP_PKEY_free(ck);
    EVP_PKEY_free(k);
    specimen_free(&s);
}

Test(cov_pa, ds_of_a_known_state_from_an_unknown_csca)
{
    /* The store knows Utopia's CSCA; the DS is Utopian but issued by another key (a
     * rogue CSCA of another name): a failed chain, not a missing anchor. */
    specimen s = build(NULL);
    EVP_PKEY *ck = pki_key("ec:prime256v1"), *k = pki_key("ec:prime256v1");
    X509 *rogue = pki_cert(&(pki_cert_spec){ .cn = "CSCA Rogue", .country = "UT", .key = ck,
                                             .not_before_days = -10, .not_after_days = 3000,
                                             .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 6 });
    X509 *ds = ds_by("UT", rogue, ck, k);
    resign_sod(&s, ds, k);
    vfy_trust *t = store_of(s.csca);
    vfy_verdict v;
    verify_doc(s.doc, t, NULL, &v);
    assert_check(&v.ds_chain, VFY_OUTCOME_FAILED, VFY_E_CERT_CHAIN, "not issued by any trusted CSCA of UT");
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID, "%s", v.summary);
    vfy_trust_free(t);
    X509_free(ds);
    X509_free(rogue);
    EVP_PKEY_free(ck);
    EVP_PKEY_free(k);
    specimen_free(&s);
}

Test(cov_pa, ds_that_may_not_sign)
{
    /* keyUsage keyCertSign only: the DS may not sign documents, with or without a
     * store, and also when it is expired besides. */
    specimen s = build(&(specimen_faults){ .ds_without_sign_usage = true });
    vfy_verdict v;
    verify_doc(s.doc, NULL, NULL, &v);
    assert_check(&v.ds_chain, VFY_OUTCOME_FAILED, VFY_E_KEY_USAGE, "not allowed to sign");
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID, "%s", v.summary);
    specimen_free(&s);

    s = build(&(specimen_faults){ .ds_without_sign_usage = true, .ds_not_before_days = -400,
                                  .ds_not_after_days = -2 });
    vfy_trust *t = store_of(s.csca);
    verify_doc(s.doc, t, NULL, &v);
    assert_check(&v.ds_chain, VFY_OUTCOME_FAILED, VFY_E_KEY_USAGE, "not allowed to sign");
    assert_check(&v.ds_validity, VFY_OUTCOME_FAILED, VFY_E_CERT_EXPIRED, NULL);
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID, "%s", v.summary);
    vfy_trust_free(t);
    specimen_free(&s);
}

Test(cov_pa, issuing_state_that_is_no_icao_code)
{
    specimen s = build(NULL);
    vfy_trust *t = store_of(s.csca);
    vfy_mrz mrz;
    cr_assert_eq(vfy_mrz_parse(utopia_mrz, strlen(utopia_mrz), NULL, &mrz, NULL), VFY_OK);
    memcpy(mrz.issuing_state, "ZZZ", 4);
    vfy_verdict v;
    verify_doc(s.doc, t, &mrz, &v);
    assert_check(&v.issuer_country, VFY_OUTCOME_FAILED, VFY_E_MISMATCH, "not a known ICAO code");
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID, "%s", v.summary);
    vfy_trust_free(t);
    specimen_free(&s);
}

Test(cov_pa, mrz_given_but_no_dg1_and_a_malformed_sod)
{
    specimen s = build(NULL);
    const uint8_t *sod;
    size_t len;
    cr_assert_eq(vfy_document_get_file(s.doc, VFY_FILE_SOD, &sod, &len), VFY_OK);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    cr_assert_eq(vfy_document_set_file(doc, VFY_FILE_SOD, sod, len), VFY_OK);
    vfy_trust *t = store_of(s.csca);
    vfy_verdict v;
    verify_doc(doc, t, NULL, &v);
    assert_check(&v.dg1_matches_mrz, VFY_OUTCOME_FAILED, VFY_E_MISMATCH, "DG1 was not read");
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID, "%s", v.summary);
    /* 9303-10 §4.6.2: EF.SOD is tagged 0x77; the bare ContentInfo (0x30) is refused. */
    size_t hdr = sod[1] & 0x80 ? 2 + (sod[1] & 0x7Fu) : 2;
    cr_assert_eq(vfy_document_set_file(doc, VFY_FILE_SOD, sod + hdr, len - hdr), VFY_OK);
    verify_doc(doc, t, NULL, &v);
    assert_check(&v.sod_signature, VFY_OUTCOME_FAILED, VFY_E_BAD_TAG, "malformed");
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID, "%s", v.summary);
    vfy_document_free(doc);
    vfy_trust_free(t);
    specimen_free(&s);
}
