/*
 * Finding the barcode-signer certificate of a seal and deciding whether to trust it.
 *
 * VDS: by (C, CN) = signer identifier and serial number = certificate reference, in
 * the seal-signer store and among the trust anchors (a barcode signer given directly
 * as anchor). IDB: by the last five bytes of SHA-1 over the certificate, or the
 * certificate embedded in the seal once its hash matches. VDS-NC: the embedded
 * certificate. The certificate must chain to a CSCA of the trust store
 * (libverify/trust; a signer certificate in the store is only a hint, never its own
 * anchor), be valid at the signature creation date (validity now is reported beside
 * it), not be revoked, and be bound to the seal: the seal's issuing state must be the
 * signer's and the CSCA's country, and the signer's documentTypeList extension, when
 * present, must allow the seal's document type (docs/seals.md "Signer binding").
 */
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fail.h"
#include "seal/doc_type_list.h"
#include "seal/seal_signer.h"
#include "verify/verdict.h"
#include "trust/trust_internal.h"

struct vfy_seal_signers {
    STACK_OF(X509) *certs;
};

vfy_status vfy_seal_signers_new(vfy_seal_signers **out)
{
    if (out == NULL)
        return VFY_E_INVALID_ARGUMENT;
    *out = NULL;
    vfy_seal_signers *s = calloc(1, sizeof *s);
    if (s == NULL || (s->certs = sk_X509_new_null()) == NULL) {
        free(s);
        return VFY_E_NO_MEMORY;
    }
    *out = s;
    return VFY_OK;
}

void vfy_seal_signers_free(vfy_seal_signers *s)
{
    if (s == NULL)
        return;
    sk_X509_pop_free(s->certs, X509_free);
    free(s);
}

size_t vfy_seal_signers_count(const vfy_seal_signers *s)
{
    return s != NULL ? (size_t)sk_X509_num(s->certs) : 0;
}

vfy_status vfy_seal_signers_add_memory(vfy_seal_signers *s, const uint8_t *data, size_t len,
                                       vfy_detail *detail)
{
    if (s == NULL || data == NULL || len == 0 || len > VFY_SEAL_MAX_INPUT * 4)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "signer certificates", "no certificate data given");
    size_t added = 0;
    const unsigned char *p = data;
    X509 *der = d2i_X509(NULL, &p, (long)len);
    if (der != NULL && p == data + len) {
        if (sk_X509_push(s->certs, der) <= 0) {
            X509_free(der);
            return vfy_fail(detail, VFY_E_NO_MEMORY, "signer certificates", "out of memory");
        }
        return VFY_OK;
    }
    X509_free(der);
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    if (bio == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "signer certificates", "out of memory");
    X509 *pem;
    while ((pem = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        if (sk_X509_push(s->certs, pem) <= 0) {
            X509_free(pem);
            BIO_free(bio);
            return vfy_fail(detail, VFY_E_NO_MEMORY, "signer certificates", "out of memory");
        }
        added++;
    }
    BIO_free(bio);
    ERR_clear_error();
    if (added == 0)
        return vfy_fail(detail, VFY_E_TRUST_STORE, "signer certificates",
                        "the data holds no X.509 certificate in DER or PEM form");
    return VFY_OK;
}

vfy_status vfy_seal_signers_add_path(vfy_seal_signers *s, const char *path, vfy_detail *detail)
{
    if (s == NULL || path == NULL)
        return VFY_E_INVALID_ARGUMENT;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return vfy_fail(detail, VFY_E_IO, "signer certificates", "cannot open %s", path);
    static const size_t max = VFY_SEAL_MAX_INPUT * 4;
    uint8_t *buf = malloc(max);
    size_t n = buf != NULL ? fread(buf, 1, max, f) : 0;
    bool too_big = buf != NULL && n == max && fgetc(f) != EOF;
    fclose(f);
    if (buf == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "signer certificates", "out of memory");
    vfy_status st = too_big ? vfy_fail(detail, VFY_E_LIMIT, "signer certificates", "%s is too large", path)
                            : vfy_seal_signers_add_memory(s, buf, n, detail);
    free(buf);
    return st;
}

/* ---- matching ----------------------------------------------------------------- */
static bool name_entry_is(const X509_NAME *name, int nid, const char *want)
{
    int i = X509_NAME_get_index_by_NID(name, nid, -1);
    if (i < 0)
        return false;
    const ASN1_STRING *v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    size_t n = strlen(want);
    return v != NULL && (size_t)ASN1_STRING_length(v) == n && memcmp(ASN1_STRING_get0_data(v), want, n) == 0;
}

/* SHA-1 over the certificate's DER encoding. */
static bool cert_sha1(X509 *cert, uint8_t md[SHA_DIGEST_LENGTH])
{
    unsigned char *der = NULL;
    int n = i2d_X509(cert, &der);
    if (n <= 0)
        return false;
    SHA1(der, (size_t)n, md);
    OPENSSL_free(der);
    return true;
}

/* A 40-character reference (TR-03171, signer DEZV) is read as the SHA-1
 * fingerprint of the certificate (docs/seals.md "vds-sha1-reference"). */
static bool sha1_hex_matches(X509 *cert, const char *ref)
{
    uint8_t md[SHA_DIGEST_LENGTH];
    if (!cert_sha1(cert, md))
        return false;
    char hex[2 * SHA_DIGEST_LENGTH + 1];
    for (int i = 0; i < SHA_DIGEST_LENGTH; i++)
        snprintf(hex + 2 * i, 3, "%02X", md[i]);
    return strcmp(hex, ref) == 0;
}

static bool vds_matches(X509 *cert, const char *signer_id, const char *ref, const BIGNUM *serial)
{
    char c[3] = { signer_id[0], signer_id[1], 0 }, cn[3] = { signer_id[2], signer_id[3], 0 };
    const X509_NAME *subject = X509_get_subject_name(cert);
    if (!name_entry_is(subject, NID_countryName, c) || !name_entry_is(subject, NID_commonName, cn))
        return false;
    if (strlen(ref) == 2 * SHA_DIGEST_LENGTH)
        return sha1_hex_matches(cert, ref);
    BIGNUM *sn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
    bool same = sn != NULL && BN_cmp(sn, serial) == 0;
    BN_free(sn);
    return same;
}

static bool sha1_tail_matches(X509 *cert, const uint8_t ref[5])
{
    uint8_t md[SHA_DIGEST_LENGTH];
    return cert_sha1(cert, md) && memcmp(md + SHA_DIGEST_LENGTH - 5, ref, 5) == 0;
}

typedef struct signer_key {
    vfy_seal_kind kind;
    const char *signer_id;
    const char *ref;
    BIGNUM *serial;
    const uint8_t *sha1_tail;
} signer_key;

static bool key_matches(const signer_key *k, X509 *cert)
{
    return k->kind == VFY_SEAL_KIND_VDS ? vds_matches(cert, k->signer_id, k->ref, k->serial)
                                        : sha1_tail_matches(cert, k->sha1_tail);
}

static X509 *lookup(const signer_key *k, const vfy_seal_options *o)
{
    if (o->signers != NULL)
        for (int i = 0; i < sk_X509_num(o->signers->certs); i++)
            if (key_matches(k, sk_X509_value(o->signers->certs, i)))
                return sk_X509_value(o->signers->certs, i);
    /* Barcode signers given with --trust are kept by the store as hints. */
    for (size_t i = 0; o->trust != NULL && i < vfy_trust_hint_count(o->trust); i++) {
        X509 *a = vfy_trust_hint_get(o->trust, i);
        if (a != NULL && key_matches(k, a))
            return a;
    }
    for (size_t i = 0; o->trust != NULL && i < vfy_trust_anchor_count(o->trust); i++) {
        X509 *a = vfy_trust_anchor_get(o->trust, i);
        if (a != NULL && key_matches(k, a))
            return a;
    }
    return NULL;
}

vfy_status seal_find_signer(vfy_seal_result *r, const vfy_seal_options *o, X509 **out, vfy_detail *detail)
{
    *out = NULL;
    X509 *embedded = r->owned_->embedded_cert;
    if (r->kind == VFY_SEAL_KIND_VDSNC) {
        *out = embedded;
        r->signer.embedded = true;
        return VFY_OK;
    }
    signer_key k = { .kind = r->kind, .signer_id = r->header.signer_id, .ref = r->header.cert_ref,
                     .sha1_tail = r->header.cert_ref_bytes };
    if (r->kind == VFY_SEAL_KIND_VDS && strlen(r->header.cert_ref) == 2 * SHA_DIGEST_LENGTH)
        seal_choice(r, "vds-sha1-reference");
    if (r->kind == VFY_SEAL_KIND_IDB && embedded != NULL) {
        if (!sha1_tail_matches(embedded, r->header.cert_ref_bytes))
            return vfy_fail(detail, VFY_E_MISMATCH, "IDB signer certificate",
                            "the embedded certificate's SHA-1 does not end in the header's reference %s",
                            r->header.cert_ref);
        *out = embedded;
        r->signer.embedded = true;
        return VFY_OK;
    }
    if (r->kind == VFY_SEAL_KIND_VDS && BN_hex2bn(&k.serial, r->header.cert_ref) == 0)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "signer", "out of memory");
    *out = lookup(&k, o);
    BN_free(k.serial);
    if (*out != NULL)
        return VFY_OK;
    if (r->kind == VFY_SEAL_KIND_VDS)
        return vfy_fail(detail, VFY_E_SEAL_SIGNER_UNKNOWN, "signer",
                        "no barcode-signer certificate C=%.2s, CN=%.2s with serial number 0x%s is known; "
                        "add it (or its publication) with --trust or --signers",
                        r->header.signer_id, r->header.signer_id + 2, r->header.cert_ref);
    return vfy_fail(detail, VFY_E_SEAL_SIGNER_UNKNOWN, "signer",
                    "no barcode-signer certificate whose SHA-1 ends in %s is known; add it with --trust "
                    "or --signers",
                    r->header.cert_ref);
}

static time_t asn1_to_time(const ASN1_TIME *a)
{
    struct tm tm;
    if (a == NULL || ASN1_TIME_to_tm(a, &tm) != 1)
        return 0;
    return timegm(&tm);
}

void seal_describe_signer(vfy_seal_result *r, X509 *cert, time_t signing_time, bool has_signing_time,
                          time_t now)
{
    vfy_seal_signer *s = &r->signer;
    s->found = true;
    vfy_x509_name_text(X509_get_subject_name(cert), s->subject, sizeof s->subject);
    vfy_x509_name_text(X509_get_issuer_name(cert), s->issuer, sizeof s->issuer);
    BIGNUM *sn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
    char *hex = sn != NULL ? BN_bn2hex(sn) : NULL;
    snprintf(s->serial, sizeof s->serial, "%s", hex != NULL ? hex : "?");
    OPENSSL_free(hex);
    BN_free(sn);
    s->not_before = asn1_to_time(X509_get0_notBefore(cert));
    s->not_after = asn1_to_time(X509_get0_notAfter(cert));
    s->has_signing_time = has_signing_time;
    s->valid_at_signing = has_signing_time && vfy_x509_valid_at(cert, signing_time);
    s->valid_now = vfy_x509_valid_at(cert, now);
}

/* The seal's document type as the 1-2 letter code a documentTypeList holds, or NULL
 * when this library cannot name it (docs/seals.md "Signer binding"). */
static const char *seal_doc_code(const vfy_seal_result *r)
{
    if (r->kind == VFY_SEAL_KIND_VDSNC) {
        if (strcmp(r->header.type, "icao.vacc") == 0)
            return "NV";
        if (strcmp(r->header.type, "icao.test") == 0)
            return "NT";
        return NULL;
    }
    if (r->kind == VFY_SEAL_KIND_VDS) {
        if (r->header.feature_ref == 0x5D)
            return "V"; /* ICAO visa (9303-7: document code V) */
        if (r->header.feature_ref == 0xF9 || r->header.feature_ref == 0xF8)
            return "ST"; /* BSI TR-03137 address stickers */
    }
    return NULL;
}

static vfy_status bind_country(const vfy_seal_result *r, X509 *cert, X509 *csca, vfy_detail *detail)
{
    const char *want = vfy_country_alpha2(r->header.country);
    char sc[3] = "", cc[3] = "";
    if (want == NULL)
        return vfy_fail(detail, VFY_E_SEAL_COUNTRY, "issuing country",
                        "the seal's issuing state \"%s\" is not a known ICAO code", r->header.country);
    if (!vfy_x509_name_country(X509_get_subject_name(cert), sc) || strcmp(sc, want) != 0)
        return vfy_fail(detail, VFY_E_SEAL_COUNTRY, "issuing country",
                        "the seal was issued by %s (%s) but its signer certificate is from %s",
                        r->header.country, want, sc[0] ? sc : "no country");
    if (!vfy_x509_name_country(X509_get_subject_name(csca), cc) || strcmp(cc, want) != 0)
        return vfy_fail(detail, VFY_E_SEAL_COUNTRY, "issuing country",
                        "the seal was issued by %s (%s) but its signer's CSCA is from %s",
                        r->header.country, want, cc[0] ? cc : "no country");
    return VFY_OK;
}

static vfy_status bind_doc_type(vfy_seal_result *r, X509 *cert, vfy_detail *detail)
{
    seal_doc_types list;
    VFY_TRY(seal_doc_types_read(cert, &list, detail));
    if (!list.present) {
        seal_choice(r, "signer-without-doc-type-list");
        return VFY_OK;
    }
    const char *code = seal_doc_code(r);
    if (code == NULL)
        return vfy_fail(detail, VFY_E_SEAL_DOC_TYPE, "documentTypeList",
                        "the signer may sign only listed document types and this seal's type "
                        "cannot be matched to one of them");
    if (!seal_doc_types_allow(&list, code)) {
        char have[SEAL_DOC_TYPES_MAX * 3 + 1] = "";
        for (size_t i = 0; i < list.count; i++)
            snprintf(have + strlen(have), sizeof have - strlen(have), "%s%s", i ? "," : "",
                     list.types[i]);
        return vfy_fail(detail, VFY_E_SEAL_DOC_TYPE, "documentTypeList",
                        "the seal is a document of type %s but its signer may sign only %s", code,
                        have[0] ? have : "(none)");
    }
    return VFY_OK;
}

vfy_status seal_trust_signer(vfy_seal_result *r, const vfy_trust *trust, X509 *cert, time_t at,
                             vfy_detail *detail)
{
    if (trust == NULL)
        return vfy_fail(detail, VFY_E_NO_TRUST_ANCHOR, "signer",
                        "no trust store was given: the signature verifies but its signer cannot be trusted");
    vfy_chain_result c;
    VFY_TRY(vfy_trust_chain(trust, cert, at, &c));
    r->signer.direct_anchor = false;
    r->signer.chained = c.chain == VFY_OK;
    if (c.chain != VFY_OK)
        return vfy_fail(detail, c.chain, "signer certificate", "%s", c.chain_reason);
    if (c.validity != VFY_OK)
        return vfy_fail(detail, c.validity, "signer certificate", "at the signature creation date: %s",
                        c.validity_reason);
    /* As for a passport's DS (pa/signer_chain.c): a certificate whose key usage leaves
     * out digitalSignature may not sign documents, whoever issued it. This also refuses
     * a CSCA (keyCertSign, cRLSign) found as the signer. */
    uint32_t ku = X509_get_key_usage(cert);
    if (ku != UINT32_MAX && (ku & KU_DIGITAL_SIGNATURE) == 0)
        return vfy_fail(detail, VFY_E_KEY_USAGE, "signer certificate",
                        "the signer certificate's key usage does not allow signing documents "
                        "(digitalSignature missing)");
    /* Revoked is invalid; a stale newest CRL leaves the seal unverified; no CRL at all is
     * accepted for seals (reported in the result's choices). */
    if (c.crl == VFY_E_CERT_REVOKED || c.crl == VFY_E_CRL_STALE || c.crl == VFY_E_NO_MEMORY)
        return vfy_fail(detail, c.crl, "signer certificate", "%s", c.crl_reason);
    if (c.crl == VFY_E_CRL_MISSING)
        seal_choice(r, "signer-csca-without-crl");
    VFY_TRY(bind_country(r, cert, c.anchor, detail));
    return bind_doc_type(r, cert, detail);
}
