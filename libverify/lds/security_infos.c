/*
 * SecurityInfos (9303-11 §9.2) of DG14, EF.CardAccess and EF.CardSecurity:
 * ChipAuthenticationInfo, ChipAuthenticationPublicKeyInfo, PACEInfo,
 * PACEDomainParameterInfo, TerminalAuthenticationInfo, ActiveAuthenticationInfo.
 * Any other SecurityInfo is kept with its OID and raw bytes (the standard allows them).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>

#include "core/fail.h"
#include "lds/lds_internal.h"
#include "lds/pubkey.h"

/* 0.4.0.127.0.7.2.2 (bsi-de protocols smartcards) and its branches. */
#define BSI_PROTO 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02
static const uint8_t aa_oid[] = { 0x67, 0x81, 0x08, 0x01, 0x01, 0x05 }; /* 2.23.136.1.1.5 */

static vfy_lds_cipher cipher_of(uint8_t last)
{
    switch (last) {
    case 1: return VFY_LDS_3DES;
    case 2: return VFY_LDS_AES128;
    case 3: return VFY_LDS_AES192;
    case 4: return VFY_LDS_AES256;
    default: return VFY_LDS_CIPHER_NONE;
    }
}

static vfy_status optional_int(vfy_cursor *c, vfy_security_info *si)
{
    if (vfy_cur_at_end(c))
        return VFY_OK;
    VFY_TRY(der_next_int(c, &si->key_id));
    si->has_key_id = true;
    return VFY_OK;
}

static vfy_status classify(vfy_cursor *c, vfy_security_info *si)
{
    static const uint8_t bsi[] = { BSI_PROTO };
    const vfy_bytes *oid = &si->oid_der;
    si->version = -1;
    if (oid->len == sizeof aa_oid && memcmp(oid->data, aa_oid, sizeof aa_oid) == 0) {
        si->kind = VFY_SI_ACTIVE_AUTH;
        VFY_TRY(der_next_int(c, &si->version));
        vfy_bytes sig;
        VFY_TRY(der_next_oid(c, &sig));
        der_oid_text(sig.data, sig.len, si->signature_oid, sizeof si->signature_oid);
        return VFY_OK;
    }
    if (oid->len < sizeof bsi + 1 || memcmp(oid->data, bsi, sizeof bsi) != 0)
        return VFY_OK; /* unknown: kept raw */
    for (size_t i = sizeof bsi; i < oid->len; i++)
        if (oid->data[i] & 0x80)
            return VFY_OK; /* multi-byte arcs: no protocol of ours */
    uint8_t branch = oid->data[sizeof bsi];
    size_t extra = oid->len - sizeof bsi - 1; /* arcs after the branch */
    const uint8_t *arcs = oid->data + sizeof bsi + 1;
    switch (branch) {
    case 1: /* id-PK-DH / id-PK-ECDH */
        if (extra != 1 || (arcs[0] != 1 && arcs[0] != 2))
            return VFY_OK;
        si->kind = VFY_SI_CHIP_AUTH_PUBLIC_KEY;
        si->agreement = arcs[0] == 1 ? VFY_LDS_KA_DH : VFY_LDS_KA_ECDH;
        {
            vfy_tlv spki;
            VFY_TRY(vfy_tlv_expect(c, DER_SEQUENCE, 0, &spki));
            si->public_key = (vfy_bytes){ spki.raw, spki.raw_len, true };
        }
        return optional_int(c, si);
    case 2: /* id-TA */
        si->kind = VFY_SI_TERMINAL_AUTH;
        VFY_TRY(der_next_int(c, &si->version));
        return VFY_OK; /* efCVCA (optional) is not needed */
    case 3: /* id-CA-DH-* / id-CA-ECDH-* */
        if (extra != 2 || (arcs[0] != 1 && arcs[0] != 2))
            return VFY_OK;
        if (cipher_of(arcs[1]) == VFY_LDS_CIPHER_NONE)
            return VFY_OK;
        si->kind = VFY_SI_CHIP_AUTH;
        si->agreement = arcs[0] == 1 ? VFY_LDS_KA_DH : VFY_LDS_KA_ECDH;
        si->cipher = cipher_of(arcs[1]);
        VFY_TRY(der_next_int(c, &si->version));
        return optional_int(c, si);
    case 4: /* id-PACE-* */
        if (extra == 1) {
            si->kind = VFY_SI_PACE_DOMAIN;
            si->agreement = (arcs[0] == 1 || arcs[0] == 3) ? VFY_LDS_KA_DH : VFY_LDS_KA_ECDH;
            vfy_tlv alg;
            VFY_TRY(vfy_tlv_expect(c, DER_SEQUENCE, 0, &alg));
            return optional_int(c, si);
        }
        if (extra != 2 || cipher_of(arcs[1]) == VFY_LDS_CIPHER_NONE)
            return VFY_OK;
        si->kind = VFY_SI_PACE;
        si->agreement = (arcs[0] == 1 || arcs[0] == 3) ? VFY_LDS_KA_DH : VFY_LDS_KA_ECDH;
        si->cipher = cipher_of(arcs[1]);
        /* PACEInfo ::= SEQUENCE { protocol, version INTEGER, parameterId INTEGER OPTIONAL }
         * (9303-11 §9.2.1), both small non-negative numbers, nothing after them. */
        VFY_TRY(der_next_int(c, &si->version));
        VFY_TRY(optional_int(c, si));
        if (si->version < 0 || (si->has_key_id && si->key_id < 0))
            return vfy_cur_fail(c, VFY_E_BAD_VALUE,
                                "a PACEInfo's version and parameterId must be non-negative");
        if (!vfy_cur_at_end(c))
            return vfy_cur_fail(c, VFY_E_TRAILING_BYTES, "a PACEInfo has trailing data");
        return VFY_OK;
    default:
        return VFY_OK;
    }
}

vfy_status vfy_lds_parse_security_infos(const uint8_t *data, size_t len, vfy_security_infos *out,
                                        vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "SecurityInfos", "no output structure");
    void *owned = out->owned;
    memset(out, 0, sizeof *out);
    out->owned = owned;
    vfy_tlv set;
    VFY_TRY(vfy_tlv_parse_one(data, len, 0, "SecurityInfos", detail, &set));
    if (set.tag != DER_SET)
        return vfy_fail_at(detail, VFY_E_BAD_TAG, "SecurityInfos", 0,
                           "SecurityInfos must be a SET (0x31), found 0x%X", set.tag);
    vfy_cursor c = set.value;
    while (!vfy_cur_at_end(&c)) {
        vfy_tlv seq;
        VFY_TRY(vfy_tlv_expect(&c, DER_SEQUENCE, 0, &seq));
        if (out->count >= VFY_SECURITY_INFOS_MAX)
            return vfy_fail_at(detail, VFY_E_LIMIT, "SecurityInfos", seq.offset,
                               "more than %d SecurityInfo entries", VFY_SECURITY_INFOS_MAX);
        vfy_security_info *si = &out->items[out->count];
        memset(si, 0, sizeof *si);
        si->raw = (vfy_bytes){ seq.raw, seq.raw_len, true };
        vfy_cursor sc = seq.value;
        VFY_TRY(der_next_oid(&sc, &si->oid_der));
        der_oid_text(si->oid_der.data, si->oid_der.len, si->oid, sizeof si->oid);
        VFY_TRY(classify(&sc, si));
        out->count++;
    }
    return VFY_OK;
}

vfy_status vfy_lds_parse_dg14(const uint8_t *data, size_t len, vfy_security_infos *out,
                              vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "DG14", "no output structure");
    out->owned = NULL;
    vfy_tlv outer;
    VFY_TRY(lds_open(data, len, 0x6E, "DG14", detail, &outer));
    vfy_status s = vfy_lds_parse_security_infos(outer.value.data, outer.value.len, out, detail);
    if (s != VFY_OK)
        vfy_detail_prefix_field(detail, "DG14");
    return s;
}

vfy_status vfy_lds_parse_card_security(const uint8_t *data, size_t len, vfy_security_infos *out,
                                       vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "EF.CardSecurity", "no output structure");
    memset(out, 0, sizeof *out);
    VFY_TRY(vfy_tlv_validate(data, len, VFY_TLV_ALLOW_INDEFINITE, "EF.CardSecurity", detail));
    if (len > (size_t)INT32_MAX)
        return vfy_fail(detail, VFY_E_LIMIT, "EF.CardSecurity", "file too large");
    const unsigned char *p = data;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
    if (cms == NULL)
        return vfy_fail(detail, VFY_E_BAD_VALUE, "EF.CardSecurity",
                        "EF.CardSecurity is not a CMS SignedData structure");
    ASN1_OCTET_STRING **content = CMS_get0_content(cms);
    vfy_status s = VFY_OK;
    if (content == NULL || *content == NULL || ASN1_STRING_length(*content) <= 0) {
        s = vfy_fail(detail, VFY_E_BAD_VALUE, "EF.CardSecurity", "EF.CardSecurity has no content");
    } else {
        size_t n = (size_t)ASN1_STRING_length(*content);
        uint8_t *copy = malloc(n);
        if (copy == NULL) {
            s = vfy_fail(detail, VFY_E_NO_MEMORY, "EF.CardSecurity", "out of memory");
        } else {
            memcpy(copy, ASN1_STRING_get0_data(*content), n);
            out->owned = copy;
            s = vfy_lds_parse_security_infos(copy, n, out, detail);
            if (s != VFY_OK) {
                vfy_detail_prefix_field(detail, "EF.CardSecurity");
                vfy_security_infos_free(out);
            }
        }
    }
    CMS_ContentInfo_free(cms);
    return s;
}

void vfy_security_infos_free(vfy_security_infos *infos)
{
    if (infos == NULL)
        return;
    free(infos->owned);
    memset(infos, 0, sizeof *infos);
}

const vfy_security_info *vfy_security_infos_find(const vfy_security_infos *infos,
                                                 vfy_security_info_kind kind,
                                                 const vfy_security_info *from)
{
    if (infos == NULL)
        return NULL;
    size_t start = 0;
    if (from != NULL && from >= infos->items && from < infos->items + infos->count)
        start = (size_t)(from - infos->items) + 1;
    for (size_t i = start; i < infos->count; i++)
        if (infos->items[i].kind == kind)
            return &infos->items[i];
    return NULL;
}
