/*
 * EF.CardSecurity verified like EF.SOD (see pa.h): the file opened through the bounded
 * TLV walker before OpenSSL's DER decoder sees it, the SignedData checked by the path
 * EF.SOD uses, the document signer judged against the same trust store, and the signed
 * content required to be id-SecurityObject holding SecurityInfos. Only then are its
 * Chip Authentication keys handed out (pa_cs_vouched, pa_cs_chip_auth_key).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/objects.h>

#include "core/fail.h"
#include "core/tlv.h"
#include "pa/pa.h"
#include "trust/trust_internal.h"

#define FILE_NAME "EF.CardSecurity"
#define ID_SECURITY_OBJECT "0.4.0.127.0.7.3.2.1" /* bsi-de applications(3) eID(2) securityObject(1) */

static void set(vfy_check_result *c, vfy_outcome o, vfy_status s, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set(vfy_check_result *c, vfy_outcome o, vfy_status s, const char *fmt, ...)
{
    c->outcome = o;
    c->status = s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof c->reason, fmt, ap);
    va_end(ap);
}

void pa_cs_result_free(pa_cs_result *r)
{
    if (r == NULL)
        return;
    vfy_security_infos_free(&r->infos);
    memset(r, 0, sizeof *r);
}

/* The file as CMS SignedData: one element (BER indefinite lengths allowed, as for
 * EF.SOD), valid TLV throughout, decoded by OpenSSL to its last byte. */
static vfy_status open_cms(const uint8_t *data, size_t len, CMS_ContentInfo **out, vfy_detail *detail)
{
    *out = NULL;
    vfy_tlv ci;
    VFY_TRY(vfy_tlv_parse_one(data, len, VFY_TLV_ALLOW_INDEFINITE, FILE_NAME, detail, &ci));
    if (ci.tag != 0x30)
        return vfy_fail_at(detail, VFY_E_BAD_TAG, FILE_NAME, 0,
                           "EF.CardSecurity must be a ContentInfo SEQUENCE (0x30), found 0x%X", ci.tag);
    VFY_TRY(vfy_tlv_validate(data, len, VFY_TLV_ALLOW_INDEFINITE, FILE_NAME, detail));
    if (len > (size_t)INT32_MAX)
        return vfy_fail(detail, VFY_E_LIMIT, FILE_NAME, "file too large");
    const unsigned char *p = data;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
    if (cms == NULL || (size_t)(p - data) != len) {
        CMS_ContentInfo_free(cms);
        return vfy_fail(detail, VFY_E_BAD_VALUE, FILE_NAME, "EF.CardSecurity is not a CMS structure");
    }
    if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
        CMS_ContentInfo_free(cms);
        return vfy_fail(detail, VFY_E_BAD_VALUE, FILE_NAME, "the CMS content of EF.CardSecurity is not SignedData");
    }
    *out = cms;
    return VFY_OK;
}

/* eContentType id-SecurityObject and a content that parses as SecurityInfos. */
static void check_content(CMS_ContentInfo *cms, pa_cs_result *out)
{
    char type[80] = "";
    const ASN1_OBJECT *ctype = CMS_get0_eContentType(cms);
    if (ctype == NULL || OBJ_obj2txt(type, sizeof type, ctype, 1) <= 0 ||
        strcmp(type, ID_SECURITY_OBJECT) != 0) {
        set(&out->content, VFY_OUTCOME_FAILED, VFY_E_BAD_VALUE,
            "EF.CardSecurity signs content of type %s, not id-SecurityObject (" ID_SECURITY_OBJECT ")",
            type[0] ? type : "(none)");
        return;
    }
    ASN1_OCTET_STRING **content = CMS_get0_content(cms);
    if (content == NULL || *content == NULL || ASN1_STRING_length(*content) <= 0) {
        set(&out->content, VFY_OUTCOME_FAILED, VFY_E_BAD_VALUE, "EF.CardSecurity has no signed content");
        return;
    }
    size_t n = (size_t)ASN1_STRING_length(*content);
    uint8_t *copy = malloc(n);
    if (copy == NULL) {
        set(&out->content, VFY_OUTCOME_FAILED, VFY_E_NO_MEMORY, "out of memory");
        return;
    }
    memcpy(copy, ASN1_STRING_get0_data(*content), n);
    vfy_detail d;
    vfy_detail_clear(&d);
    out->infos.owned = NULL;
    vfy_status s = vfy_lds_parse_security_infos(copy, n, &out->infos, &d);
    out->infos.owned = copy; /* the views point into it, whatever the parse said */
    if (s != VFY_OK) {
        vfy_security_infos_free(&out->infos);
        set(&out->content, VFY_OUTCOME_FAILED, s, "the signed SecurityInfos are malformed: %s", d.message);
        return;
    }
    out->has_infos = true;
    set(&out->content, VFY_OUTCOME_OK, VFY_OK, "id-SecurityObject with %u SecurityInfos", out->infos.count);
}

vfy_status pa_verify_card_security(const uint8_t *data, size_t len, const vfy_trust *trust, time_t at,
                                   const pa_policy *policy, pa_cs_result *out)
{
    if (out == NULL)
        return VFY_E_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    const char *nc = "not checked: EF.CardSecurity could not be opened";
    set(&out->signature, VFY_OUTCOME_NOT_CHECKED, VFY_OK, "%s", nc);
    set(&out->content, VFY_OUTCOME_NOT_CHECKED, VFY_OK, "%s", nc);
    set(&out->ds_chain, VFY_OUTCOME_NOT_CHECKED, VFY_OK, "%s", nc);
    set(&out->ds_validity, VFY_OUTCOME_NOT_CHECKED, VFY_OK, "%s", nc);
    set(&out->crl, VFY_OUTCOME_NOT_CHECKED, VFY_OK, "%s", nc);
    if (data == NULL || len == 0) {
        set(&out->signature, VFY_OUTCOME_FAILED, VFY_E_NOT_FOUND, "there is no EF.CardSecurity to verify");
        return VFY_OK;
    }
    pa_policy defaults = { 1024, false };
    const pa_policy *pol = policy != NULL ? policy : &defaults;
    vfy_detail d;
    vfy_detail_clear(&d);
    CMS_ContentInfo *cms = NULL;
    vfy_status s = open_cms(data, len, &cms, &d);
    if (s != VFY_OK) {
        set(&out->signature, VFY_OUTCOME_FAILED, s, "EF.CardSecurity is malformed: %s", d.message);
        return VFY_OK;
    }
    check_content(cms, out);
    pa_signature sig;
    vfy_detail_clear(&d);
    s = pa_check_signed_data(cms, FILE_NAME, pol, &sig, &d);
    snprintf(out->signature_algorithm, sizeof out->signature_algorithm, "%s", sig.algorithm);
    out->quirks = sig.quirks;
    if (s != VFY_OK)
        set(&out->signature, VFY_OUTCOME_FAILED, s, "%s", d.message);
    else
        set(&out->signature, VFY_OUTCOME_OK, VFY_OK, "%s signature verifies with the document signer",
            sig.algorithm);
    if (sig.ds != NULL) {
        vfy_x509_name_text(X509_get_subject_name(sig.ds), out->ds_subject, sizeof out->ds_subject);
        (void)vfy_x509_name_country(X509_get_subject_name(sig.ds), out->ds_country);
        pa_chain_checks chain;
        pa_check_signer_chain(trust, sig.ds, at != 0 ? at : time(NULL), &chain);
        out->ds_chain = chain.ds_chain;
        out->ds_validity = chain.ds_validity;
        out->crl = chain.crl;
        out->csca = chain.csca;
        memcpy(out->csca_subject, chain.csca_subject, sizeof out->csca_subject);
    } else {
        const char *why = "not checked: no document signer certificate in EF.CardSecurity";
        set(&out->ds_chain, VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR, "%s", why);
        set(&out->ds_validity, VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR, "%s", why);
        set(&out->crl, VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR, "%s", why);
    }
    pa_signature_free(&sig);
    CMS_ContentInfo_free(cms);
    out->verified = out->signature.outcome == VFY_OUTCOME_OK && out->content.outcome == VFY_OUTCOME_OK &&
                    out->ds_chain.outcome == VFY_OUTCOME_OK && out->ds_validity.outcome == VFY_OUTCOME_OK &&
                    out->crl.outcome != VFY_OUTCOME_FAILED;
    return VFY_OK;
}

const vfy_security_infos *pa_cs_vouched(const pa_cs_result *r)
{
    return r != NULL && r->verified && r->has_infos ? &r->infos : NULL;
}

const vfy_security_info *pa_cs_chip_auth_key(const pa_cs_result *r, long key_id)
{
    const vfy_security_infos *infos = pa_cs_vouched(r);
    const vfy_security_info *found = NULL;
    for (const vfy_security_info *k = vfy_security_infos_find(infos, VFY_SI_CHIP_AUTH_PUBLIC_KEY, NULL);
         k != NULL; k = vfy_security_infos_find(infos, VFY_SI_CHIP_AUTH_PUBLIC_KEY, k)) {
        if (key_id >= 0 ? (k->has_key_id && k->key_id == key_id) : found == NULL) {
            if (key_id >= 0)
                return k;
            found = k;
        } else if (key_id < 0) {
            return NULL; /* several keys and none named: the caller must say which */
        }
    }
    return found;
}
