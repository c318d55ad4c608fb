/*
 * VDS for non-constrained environments (ICAO TR, 2021): a JSON object
 * {"data": {"hdr": {...}, "msg": {...}}, "sig": {"alg", "cer", "sigvl"}}.
 * The signature covers the RFC 8785 canonical form of `data`; the barcode-signer
 * certificate travels in `cer`. Duplicate names anywhere are refused.
 */
#include <jansson.h>
#include <math.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "core/fail.h"
#include "seal/base64url.h"
#include "core/jcs.h"
#include "seal/seal_internal.h"

static const char *member_string(const json_t *o, const char *name)
{
    const json_t *v = json_object_get(o, name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static vfy_status decode_b64(vfy_seal_result *r, const char *text, const char *field, uint8_t **out,
                             size_t *out_len, vfy_detail *detail)
{
    size_t n = strlen(text);
    uint8_t *buf = seal_alloc(r, SEAL_BASE64_DECODED_MAX(n));
    if (buf == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, field, "out of memory");
    vfy_cursor c;
    vfy_cur_init(&c, text, n, field, detail);
    VFY_TRY(seal_base64url_decode(&c, buf, SEAL_BASE64_DECODED_MAX(n), out_len));
    *out = buf;
    return VFY_OK;
}

static vfy_status check_members(const json_t *o, const char *where, const char *const *allowed,
                                vfy_detail *detail)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v) {
        bool ok = false;
        for (size_t i = 0; allowed[i] != NULL; i++)
            ok = ok || strcmp(key, allowed[i]) == 0;
        if (!ok)
            return vfy_fail(detail, VFY_E_SEAL_FORMAT, where, "unexpected member \"%s\" in %s", key, where);
    }
    return VFY_OK;
}

static vfy_status parse_json(vfy_seal_result *r, json_t *root, vfy_detail *detail)
{
    vfy_seal_header *h = &r->header;
    static const char *const top[] = { "data", "sig", NULL };
    static const char *const data_members[] = { "hdr", "msg", NULL };
    static const char *const sig_members[] = { "alg", "cer", "sigvl", NULL };
    if (!json_is_object(root))
        return vfy_fail(detail, VFY_E_SEAL_FORMAT, "VDS-NC", "the seal is not a JSON object");
    VFY_TRY(check_members(root, "the seal", top, detail));
    const json_t *data = json_object_get(root, "data"), *sig = json_object_get(root, "sig");
    if (!json_is_object(data))
        return vfy_fail(detail, VFY_E_SEAL_FORMAT, "data", "the seal has no \"data\" object");
    VFY_TRY(check_members(data, "data", data_members, detail));
    const json_t *hdr = json_object_get(data, "hdr"), *msg = json_object_get(data, "msg");
    if (!json_is_object(hdr) || !json_is_object(msg))
        return vfy_fail(detail, VFY_E_SEAL_FORMAT, "data", "\"data\" needs the objects \"hdr\" and \"msg\"");
    const char *t = member_string(hdr, "t"), *is = member_string(hdr, "is");
    const json_t *v = json_object_get(hdr, "v");
    if (t == NULL || is == NULL || !json_is_number(v))
        return vfy_fail(detail, VFY_E_SEAL_FORMAT, "hdr", "\"hdr\" needs \"t\" (type), \"v\" (version), \"is\" (issuer)");
    if (strlen(t) >= sizeof h->type)
        return vfy_fail(detail, VFY_E_SEAL_FORMAT, "hdr.t", "the type name is too long");
    snprintf(h->type, sizeof h->type, "%s", t);
    double version = json_number_value(v);
    if (version != 1)
        return vfy_fail(detail, VFY_E_SEAL_VERSION, "hdr.v", "VDS-NC version %g is not supported (only 1)", version);
    h->nc_version = 1;
    if (strlen(is) != 3)
        return vfy_fail(detail, VFY_E_SEAL_FORMAT, "hdr.is", "the issuing state \"%s\" is not three letters", is);
    memcpy(h->country_c40, is, 4);
    memcpy(h->country, is, 4);
    h->document_type = strcmp(t, "icao.vacc") == 0   ? "ICAO proof of vaccination"
                       : strcmp(t, "icao.test") == 0 ? "ICAO proof of testing"
                                                     : NULL;

    /* The signed bytes: canonical `data`. */
    char *canon = NULL;
    size_t canon_len = 0;
    vfy_status s = vfy_jcs_serialize(data, VFY_SEAL_MAX_INPUT * 2, &canon, &canon_len);
    if (s != VFY_OK)
        return vfy_fail(detail, s, "data", "the data cannot be put in canonical form (RFC 8785)");
    r->signed_bytes = seal_dup(r, canon, canon_len);
    free(canon);
    if (r->signed_bytes == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "data", "out of memory");
    r->signed_length = canon_len;
    seal_choice(r, "vdsnc-jcs-data");

    const char *key;
    json_t *value;
    json_object_foreach((json_t *)msg, key, value) {
        vfy_seal_message *m = seal_add_message(r, detail);
        if (m == NULL)
            return detail != NULL ? detail->status : VFY_E_NO_MEMORY;
        m->coding = VFY_SEAL_JSON;
        m->name = seal_strdup(r, key);
        char *text = NULL;
        size_t text_len = 0;
        s = vfy_jcs_serialize(value, VFY_SEAL_MAX_INPUT * 2, &text, &text_len);
        if (s != VFY_OK)
            return vfy_fail(detail, s, "msg", "member \"%s\" cannot be put in canonical form", key);
        m->text = seal_dup(r, text, text_len);
        free(text);
        if (m->name == NULL || m->text == NULL)
            return vfy_fail(detail, VFY_E_NO_MEMORY, "msg", "out of memory");
        m->value = (const uint8_t *)m->text;
        m->value_len = text_len;
    }

    if (sig == NULL)
        return vfy_fail(detail, VFY_E_SEAL_UNSIGNED, "sig", "the seal has no \"sig\" object");
    if (!json_is_object(sig))
        return vfy_fail(detail, VFY_E_SEAL_FORMAT, "sig", "\"sig\" is not an object");
    VFY_TRY(check_members(sig, "sig", sig_members, detail));
    const char *alg = member_string(sig, "alg"), *cer = member_string(sig, "cer"),
               *sigvl = member_string(sig, "sigvl");
    if (alg == NULL || cer == NULL || sigvl == NULL)
        return vfy_fail(detail, VFY_E_SEAL_FORMAT, "sig", "\"sig\" needs \"alg\", \"cer\" and \"sigvl\" strings");
    if (strcmp(alg, "ES256") != 0 && strcmp(alg, "ES384") != 0 && strcmp(alg, "ES512") != 0)
        return vfy_fail(detail, VFY_E_ALGORITHM, "sig.alg", "signature algorithm \"%.16s\" is not ES256, ES384 or ES512", alg);
    snprintf(h->algorithm, sizeof h->algorithm, "%s", alg);
    uint8_t *der, *rs;
    size_t der_len, rs_len;
    VFY_TRY(decode_b64(r, cer, "sig.cer", &der, &der_len, detail));
    VFY_TRY(decode_b64(r, sigvl, "sig.sigvl", &rs, &rs_len, detail));
    const unsigned char *p = der;
    X509 *cert = d2i_X509(NULL, &p, (long)der_len);
    if (cert == NULL || p != der + der_len) {
        X509_free(cert);
        return vfy_fail(detail, VFY_E_SEAL_FORMAT, "sig.cer", "\"cer\" is not one DER X.509 certificate");
    }
    r->owned_->embedded_cert = cert;
    h->has_certificate = true;
    r->signature = rs;
    r->signature_length = rs_len;
    return VFY_OK;
}

vfy_status seal_vdsnc_parse(vfy_seal_result *r, const uint8_t *text, size_t len, vfy_detail *detail)
{
    json_error_t err;
    json_t *root = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &err);
    if (root == NULL)
        return vfy_fail_text(detail, VFY_E_SEAL_FORMAT, "VDS-NC", (unsigned)(err.line > 0 ? err.line : 0),
                             (unsigned)(err.column > 0 ? err.column : 0), "the seal is not valid JSON: %s",
                             err.text);
    vfy_status s = parse_json(r, root, detail);
    json_decref(root);
    return s;
}

const EVP_MD *seal_vdsnc_md(const char *alg)
{
    if (strcmp(alg, "ES256") == 0)
        return EVP_sha256();
    if (strcmp(alg, "ES384") == 0)
        return EVP_sha384();
    if (strcmp(alg, "ES512") == 0)
        return EVP_sha512();
    return NULL;
}
