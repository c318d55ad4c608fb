/*
 * The CMS signature of the chip's signed files: EF.SOD (LDSSecurityObject) and
 * EF.CardSecurity (SecurityInfos), one path for both. OpenSSL does the cryptography (CMS_SignerInfo_verify
 * over the DER signed attributes; EVP for the content digest). What is done here is
 * what OpenSSL's CMS_verify gets wrong for real passports (docs/quirks.md): finding
 * the signer when its issuer name is in another RDN order (MY) or named by subject
 * key identifier, keys with explicit EC parameters (AT, DE, FI, GB, RU), the bare
 * rsaEncryption OID as signature algorithm (AU, NZ, US), and the policy checks
 * CMS_verify does not make (digest/signature agreement, RFC 6211, key sizes, SHA-1).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "core/fail.h"
#include "lds/pubkey.h"
#include "pa/pa.h"

/* "EF.SOD/signerInfo", "EF.CardSecurity/signerInfo": where a failure was found. */
typedef struct sd_ctx {
    CMS_ContentInfo *cms;
    const char *file;
    char field[40];
} sd_ctx;

void pa_signature_free(pa_signature *sig)
{
    if (sig == NULL)
        return;
    X509_free(sig->ds);
    sk_X509_pop_free(sig->certs, X509_free);
    memset(sig, 0, sizeof *sig);
}

vfy_status pa_digest(const digest_alg *alg, const uint8_t *data, size_t len, uint8_t *out,
                     vfy_detail *detail)
{
    unsigned n = 0;
    EVP_MD *md = EVP_MD_fetch(NULL, alg->ossl, NULL);
    int ok = md != NULL && EVP_Digest(data, len, out, &n, md, NULL) == 1 && n == alg->size;
    EVP_MD_free(md);
    if (!ok)
        return vfy_fail(detail, VFY_E_CRYPTO, "digest", "%s is not available from OpenSSL",
                        alg->name);
    return VFY_OK;
}

/* Same set of RDN attributes, whatever their order (MY SignerInfo vs its DSC). */
static bool names_equal_any_order(const X509_NAME *a, const X509_NAME *b)
{
    int n = X509_NAME_entry_count(a);
    if (n != X509_NAME_entry_count(b))
        return false;
    for (int i = 0; i < n; i++) {
        const X509_NAME_ENTRY *ea = X509_NAME_get_entry(a, i);
        bool found = false;
        for (int j = 0; j < n && !found; j++) {
            const X509_NAME_ENTRY *eb = X509_NAME_get_entry(b, j);
            found = OBJ_cmp(X509_NAME_ENTRY_get_object(ea), X509_NAME_ENTRY_get_object(eb)) == 0 &&
                    ASN1_STRING_cmp(X509_NAME_ENTRY_get_data(ea), X509_NAME_ENTRY_get_data(eb)) == 0;
        }
        if (!found)
            return false;
    }
    return true;
}

static X509 *find_signer(CMS_SignerInfo *si, STACK_OF(X509) *certs, unsigned *quirks)
{
    ASN1_OCTET_STRING *keyid = NULL;
    X509_NAME *issuer = NULL;
    ASN1_INTEGER *serial = NULL;
    if (CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &serial) != 1)
        return NULL;
    for (int i = 0; i < sk_X509_num(certs); i++) {
        X509 *x = sk_X509_value(certs, i);
        if (keyid != NULL) {
            const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(x);
            if (ski != NULL && ASN1_OCTET_STRING_cmp(ski, keyid) == 0) {
                *quirks |= PA_QUIRK_SIGNER_BY_SKI;
                return x;
            }
            continue;
        }
        if (issuer == NULL || serial == NULL || ASN1_INTEGER_cmp(X509_get0_serialNumber(x), serial) != 0)
            continue;
        if (X509_NAME_cmp(X509_get_issuer_name(x), issuer) == 0)
            return x;
        if (names_equal_any_order(X509_get_issuer_name(x), issuer)) {
            *quirks |= PA_QUIRK_RDN_ORDER;
            return x;
        }
    }
    return NULL;
}

/* The digest a signatureAlgorithm names (NID_undef for the bare key OIDs and PSS). */
static vfy_status check_algorithms(const sd_ctx *sd, CMS_SignerInfo *si, const EVP_PKEY *key,
                                   const pa_policy *policy, pa_signature *out, int *digest_nid,
                                   vfy_detail *detail)
{
    X509_ALGOR *dig = NULL, *sig = NULL;
    CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
    const ASN1_OBJECT *dobj = NULL, *sobj = NULL;
    X509_ALGOR_get0(&dobj, NULL, NULL, dig);
    X509_ALGOR_get0(&sobj, NULL, NULL, sig);
    int dnid = OBJ_obj2nid(dobj), snid = OBJ_obj2nid(sobj);
    *digest_nid = dnid;
    if (dnid != NID_sha1 && dnid != NID_sha224 && dnid != NID_sha256 && dnid != NID_sha384 &&
        dnid != NID_sha512)
        return vfy_fail(detail, VFY_E_ALGORITHM, sd->field,
                        "the signer's digest algorithm is not SHA-1/224/256/384/512");
    if (dnid == NID_sha1) {
        out->quirks |= PA_QUIRK_SHA1;
        if (policy->refuse_sha1)
            return vfy_fail(detail, VFY_E_ALGORITHM, sd->field,
                            "%s is signed over SHA-1, which this policy refuses", sd->file);
    }
    bool is_rsa = EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS");
    bool is_ec = EVP_PKEY_is_a(key, "EC");
    int md_nid = NID_undef, pk_nid = NID_undef;
    const char *family;
    if (snid == NID_rsaEncryption) {
        out->quirks |= PA_QUIRK_BARE_KEY_OID;
        family = "rsa";
    } else if (snid == NID_X9_62_id_ecPublicKey) {
        out->quirks |= PA_QUIRK_BARE_KEY_OID;
        family = "ecdsa";
    } else if (snid == NID_rsassaPss) {
        family = "rsassa-pss";
    } else if (OBJ_find_sigid_algs(snid, &md_nid, &pk_nid) == 1) {
        family = pk_nid == NID_rsaEncryption ? "rsa" : pk_nid == NID_X9_62_id_ecPublicKey ? "ecdsa" : NULL;
        if (family == NULL)
            return vfy_fail(detail, VFY_E_ALGORITHM, sd->field,
                            "the signature algorithm %s is not RSA, RSASSA-PSS or ECDSA",
                            OBJ_nid2sn(snid));
        if (md_nid != dnid)
            return vfy_fail(detail, VFY_E_ALGORITHM, sd->field,
                            "the digest algorithm (%s) disagrees with the signature algorithm (%s)",
                            OBJ_nid2sn(dnid), OBJ_nid2sn(snid));
    } else {
        char text[64];
        OBJ_obj2txt(text, sizeof text, sobj, 1);
        return vfy_fail(detail, VFY_E_ALGORITHM, sd->field, "unknown signature algorithm %s", text);
    }
    bool wants_rsa = strcmp(family, "ecdsa") != 0;
    if (wants_rsa ? !is_rsa : !is_ec)
        return vfy_fail(detail, VFY_E_ALGORITHM, sd->field,
                        "the signature algorithm (%s) does not fit the document signer's %s key",
                        family, is_rsa ? "RSA" : is_ec ? "EC" : "unknown");
    snprintf(out->algorithm, sizeof out->algorithm, "%s-%s", family, OBJ_nid2sn(dnid));
    unsigned bits = (unsigned)EVP_PKEY_get_bits(key);
    if (is_rsa && bits < policy->min_rsa_bits)
        return vfy_fail(detail, VFY_E_WEAK_KEY, sd->field,
                        "the document signer's RSA key has %u bits; policy asks for at least %u",
                        bits, policy->min_rsa_bits);
    if (is_ec) {
        vfy_key_type type;
        unsigned ec_bits;
        lds_describe_key(key, &type, &ec_bits, out->named_curve, sizeof out->named_curve);
        char enc[32];
        size_t n;
        if (EVP_PKEY_get_utf8_string_param(key, "encoding", enc, sizeof enc, &n) == 1 &&
            strcmp(enc, "explicit") == 0)
            out->quirks |= PA_QUIRK_EXPLICIT_EC;
        if (ec_bits < 192)
            return vfy_fail(detail, VFY_E_WEAK_KEY, sd->field,
                            "the document signer's EC key has %u bits", ec_bits);
        int hash_bits = EVP_MD_get_size(EVP_get_digestbynid(dnid)) * 8;
        if ((unsigned)hash_bits != ec_bits && !(ec_bits == 521 && hash_bits == 512))
            out->quirks |= PA_QUIRK_CURVE_HASH;
    }
    return VFY_OK;
}

/* RFC 6211: when the signer protects its algorithms, they must be the ones used. */
static vfy_status check_algorithm_protection(const sd_ctx *sd, CMS_SignerInfo *si,
                                             pa_signature *out, vfy_detail *detail)
{
    ASN1_OBJECT *oid = OBJ_txt2obj("1.2.840.113549.1.9.52", 1);
    if (oid == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, sd->field, "out of memory");
    int idx = CMS_signed_get_attr_by_OBJ(si, oid, -1);
    ASN1_OBJECT_free(oid);
    if (idx < 0)
        return VFY_OK;
    X509_ATTRIBUTE *attr = CMS_signed_get_attr(si, idx);
    ASN1_TYPE *value = X509_ATTRIBUTE_get0_type(attr, 0);
    if (X509_ATTRIBUTE_count(attr) != 1 || value == NULL || value->type != V_ASN1_SEQUENCE)
        return vfy_fail(detail, VFY_E_BAD_VALUE, sd->field,
                        "the CMS algorithm-protection attribute is malformed");
    const ASN1_STRING *seq = value->value.sequence;
    vfy_cursor c;
    char field[64];
    snprintf(field, sizeof field, "%s/cmsAlgorithmProtection", sd->file);
    vfy_cur_init(&c, ASN1_STRING_get0_data(seq), (size_t)ASN1_STRING_length(seq), field, detail);
    vfy_tlv top, dalg, salg;
    VFY_TRY(vfy_tlv_expect(&c, DER_SEQUENCE, 0, &top));
    vfy_cursor tc = top.value;
    VFY_TRY(vfy_tlv_expect(&tc, DER_SEQUENCE, 0, &dalg));
    vfy_bytes d_oid = { 0 }, s_oid = { 0 };
    VFY_TRY(der_next_oid(&dalg.value, &d_oid));
    if (!vfy_cur_at_end(&tc)) {
        VFY_TRY(vfy_tlv_next(&tc, 0, &salg));
        if (salg.tag == 0xA1)
            VFY_TRY(der_next_oid(&salg.value, &s_oid));
    }
    X509_ALGOR *dig = NULL, *sig = NULL;
    CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
    const ASN1_OBJECT *dobj = NULL, *sobj = NULL;
    X509_ALGOR_get0(&dobj, NULL, NULL, dig);
    X509_ALGOR_get0(&sobj, NULL, NULL, sig);
    const ASN1_OBJECT *pairs[2] = { dobj, sobj };
    const vfy_bytes *protected_oids[2] = { &d_oid, &s_oid };
    for (int i = 0; i < 2; i++) {
        if (!protected_oids[i]->present)
            continue;
        size_t n = (size_t)OBJ_length(pairs[i]);
        if (n != protected_oids[i]->len || memcmp(OBJ_get0_data(pairs[i]), protected_oids[i]->data, n) != 0)
            return vfy_fail(detail, VFY_E_ALGORITHM, sd->field,
                            "the RFC 6211 algorithm-protection attribute names another %s algorithm "
                            "than the signer uses", i == 0 ? "digest" : "signature");
    }
    out->quirks |= PA_QUIRK_ALG_PROTECTION;
    return VFY_OK;
}

static vfy_status check_signed_attributes(const sd_ctx *sd, CMS_SignerInfo *si, int digest_nid,
                                          vfy_detail *detail)
{
    if (CMS_signed_get_attr_count(si) <= 0)
        return vfy_fail(detail, VFY_E_SIGNATURE, sd->field,
                        "the signer of %s has no signed attributes (9303-10 requires them)", sd->file);
    ASN1_OBJECT *ctype = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_contentType), -3,
                                                     V_ASN1_OBJECT);
    if (ctype == NULL || OBJ_cmp(ctype, CMS_get0_eContentType(sd->cms)) != 0)
        return vfy_fail(detail, VFY_E_SIGNATURE, sd->field,
                        "the signed content-type attribute does not match the content");
    ASN1_OCTET_STRING *md = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3,
                                                        V_ASN1_OCTET_STRING);
    if (md == NULL)
        return vfy_fail(detail, VFY_E_SIGNATURE, sd->field,
                        "the signer must carry exactly one message-digest attribute with one value "
                        "(it has none, several, or one with several values)");
    ASN1_OCTET_STRING **content = CMS_get0_content(sd->cms);
    if (content == NULL || *content == NULL)
        return vfy_fail(detail, VFY_E_SIGNATURE, sd->field, "%s has no signed content", sd->file);
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (EVP_Digest(ASN1_STRING_get0_data(*content), (size_t)ASN1_STRING_length(*content), digest,
                   &n, EVP_get_digestbynid(digest_nid), NULL) != 1)
        return vfy_fail(detail, VFY_E_CRYPTO, sd->field, "cannot hash the signed content of %s", sd->file);
    if ((unsigned)ASN1_STRING_length(md) != n || CRYPTO_memcmp(ASN1_STRING_get0_data(md), digest, n) != 0)
        return vfy_fail(detail, VFY_E_HASH_MISMATCH, sd->field,
                        "the content of %s does not match the signed message digest", sd->file);
    return VFY_OK;
}

/* The one SignedData check of EF.SOD and EF.CardSecurity; `out` is zeroed by the caller. */
static vfy_status check_signed_data(const sd_ctx *sd, const pa_policy *policy, pa_signature *out,
                                    vfy_detail *detail)
{
    STACK_OF(CMS_SignerInfo) *infos = CMS_get0_SignerInfos(sd->cms);
    if (sk_CMS_SignerInfo_num(infos) != 1)
        return vfy_fail(detail, VFY_E_SIGNATURE, sd->field, "%s has %d signers; exactly one expected",
                        sd->file, sk_CMS_SignerInfo_num(infos));
    CMS_SignerInfo *si = sk_CMS_SignerInfo_value(infos, 0);
    out->certs = CMS_get1_certs(sd->cms);
    X509 *ds = out->certs != NULL ? find_signer(si, out->certs, &out->quirks) : NULL;
    if (ds == NULL)
        return vfy_fail(detail, VFY_E_NO_TRUST_ANCHOR, sd->field,
                        "%s is signed by a document signer whose certificate it does not carry", sd->file);
    X509_up_ref(ds);
    out->ds = ds;
    EVP_PKEY *key = X509_get0_pubkey(ds);
    if (key == NULL)
        return vfy_fail(detail, VFY_E_BAD_VALUE, sd->field, "the document signer's key cannot be decoded");
    int digest_nid;
    VFY_TRY(check_algorithms(sd, si, key, policy, out, &digest_nid, detail));
    VFY_TRY(check_algorithm_protection(sd, si, out, detail));
    VFY_TRY(check_signed_attributes(sd, si, digest_nid, detail));
    CMS_SignerInfo_set1_signer_cert(si, ds);
    int ok = CMS_SignerInfo_verify(si);
    CMS_SignerInfo_set1_signer_cert(si, NULL);
    if (ok != 1)
        return vfy_fail(detail, VFY_E_SIGNATURE, sd->field,
                        "the signature of %s does not verify with its document signer's key", sd->file);
    return VFY_OK;
}

static void sd_init(sd_ctx *sd, CMS_ContentInfo *cms, const char *file)
{
    sd->cms = cms;
    sd->file = file;
    snprintf(sd->field, sizeof sd->field, "%s/signerInfo", file);
}

vfy_status pa_check_signed_data(CMS_ContentInfo *cms, const char *file, const pa_policy *policy,
                                pa_signature *out, vfy_detail *detail)
{
    memset(out, 0, sizeof *out);
    if (cms == NULL || file == NULL || policy == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "signedData", "no SignedData, file name or policy");
    sd_ctx sd;
    sd_init(&sd, cms, file);
    return check_signed_data(&sd, policy, out, detail);
}

vfy_status pa_check_sod_signature(const lds_sod *sod, const pa_policy *policy, pa_signature *out,
                                  vfy_detail *detail)
{
    memset(out, 0, sizeof *out);
    if (sod->legacy_content_type)
        out->quirks |= PA_QUIRK_LEGACY_CONTENT_TYPE;
    if (sod->indefinite_lengths)
        out->quirks |= PA_QUIRK_INDEFINITE;
    if (strcmp(sod->digest->name, "SHA-1") == 0) {
        out->quirks |= PA_QUIRK_SHA1;
        if (policy->refuse_sha1)
            return vfy_fail(detail, VFY_E_ALGORITHM, "EF.SOD",
                            "the data groups are hashed with SHA-1, which this policy refuses");
    }
    sd_ctx sd;
    sd_init(&sd, sod->cms, "EF.SOD");
    return check_signed_data(&sd, policy, out, detail);
}

void pa_quirks_text(unsigned quirks, char *buf, size_t cap)
{
    static const char *const names[] = {
        "explicit EC parameters", "DS curve differs from hash size", "signer by key identifier",
        "signer issuer in another RDN order", "bare key OID as signature algorithm",
        "RFC 6211 algorithm protection", "SHA-1", "legacy eContentType", "BER indefinite lengths",
    };
    size_t used = 0;
    if (cap == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(quirks & (1u << i)))
            continue;
        int w = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= cap - used)
            return;
        used += (size_t)w;
    }
}
