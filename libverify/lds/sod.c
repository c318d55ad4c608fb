/* EF.SOD: CMS SignedData (OpenSSL) around the LDSSecurityObject (bounded cursor). */
#include <stdio.h>
#include <string.h>

#include <openssl/objects.h>

#include "core/fail.h"
#include "lds/lds_internal.h"
#include "lds/sod.h"

static const char *const content_types[] = {
    "2.23.136.1.1.1",          /* id-icao-mrtd-security-ldsSecurityObject */
    "1.3.27.1.1.1",            /* legacy (BE, FR): JMRTD SODFile, gmrtd#424 */
    "1.2.528.1.1006.1.20.1",   /* legacy Sdu (NL) */
    "1.2.840.113549.1.7.1",    /* id-data (CN) */
};

static vfy_status parse_version_info(vfy_cursor *c, vfy_lds_sod *info)
{
    vfy_tlv seq, lds, uni;
    VFY_TRY(vfy_tlv_expect(c, DER_SEQUENCE, 0, &seq));
    vfy_cursor s = seq.value;
    VFY_TRY(vfy_tlv_expect(&s, 0x13, 0, &lds));
    VFY_TRY(vfy_tlv_expect(&s, 0x13, 0, &uni));
    VFY_TRY(der_copy_printable(&lds, info->lds_version, sizeof info->lds_version));
    VFY_TRY(der_copy_printable(&uni, info->unicode_version, sizeof info->unicode_version));
    return vfy_cur_expect_end(&s);
}

/* LDSSecurityObject ::= SEQUENCE { version, hashAlgorithm, dataGroupHashValues,
 *                                  ldsVersionInfo OPTIONAL (v1) } */
static vfy_status parse_security_object(const uint8_t *data, size_t len, lds_sod *sod,
                                        vfy_detail *detail)
{
    vfy_lds_sod *info = &sod->info;
    vfy_tlv top, alg, hashes;
    VFY_TRY(vfy_tlv_parse_one(data, len, VFY_TLV_ALLOW_INDEFINITE, "EF.SOD/LDSSecurityObject",
                              detail, &top));
    if (top.tag != DER_SEQUENCE)
        return vfy_fail_at(detail, VFY_E_BAD_TAG, "EF.SOD/LDSSecurityObject", 0,
                           "the LDSSecurityObject must be a SEQUENCE, found tag 0x%X", top.tag);
    vfy_cursor c = top.value;
    VFY_TRY(der_next_int(&c, &info->version));
    if (info->version != 0 && info->version != 1)
        return vfy_cur_fail(&c, VFY_E_UNSUPPORTED, "LDSSecurityObject version %ld (0 or 1 expected)",
                            info->version);
    VFY_TRY(vfy_tlv_expect(&c, DER_SEQUENCE, VFY_TLV_ALLOW_INDEFINITE, &alg));
    vfy_cursor ac = alg.value;
    vfy_bytes oid;
    VFY_TRY(der_next_oid(&ac, &oid));
    sod->digest = digest_from_oid(&oid);
    if (sod->digest == NULL) {
        char text[64];
        der_oid_text(oid.data, oid.len, text, sizeof text);
        return vfy_fail_at(detail, VFY_E_ALGORITHM, "EF.SOD/hashAlgorithm", alg.offset,
                           "the data-group hash algorithm %s is not one of SHA-1/224/256/384/512", text);
    }
    snprintf(info->digest, sizeof info->digest, "%s", sod->digest->name);
    VFY_TRY(vfy_tlv_expect(&c, DER_SEQUENCE, VFY_TLV_ALLOW_INDEFINITE, &hashes));
    vfy_cursor hc = hashes.value;
    while (!vfy_cur_at_end(&hc)) {
        vfy_tlv dgh, value;
        long dg;
        VFY_TRY(vfy_tlv_expect(&hc, DER_SEQUENCE, VFY_TLV_ALLOW_INDEFINITE, &dgh));
        vfy_cursor dc = dgh.value;
        VFY_TRY(der_next_int(&dc, &dg));
        VFY_TRY(vfy_tlv_expect(&dc, DER_OCTET_STRING, 0, &value));
        VFY_TRY(vfy_cur_expect_end(&dc));
        if (dg < 1 || dg > 16)
            return vfy_fail_at(detail, VFY_E_BAD_VALUE, "EF.SOD/dataGroupHashValues", dgh.offset,
                               "data group number %ld is outside 1..16", dg);
        if (value.value.len != sod->digest->size)
            return vfy_fail_at(detail, VFY_E_BAD_LENGTH, "EF.SOD/dataGroupHashValues", value.offset,
                               "the DG%ld hash has %zu bytes; %s gives %zu", dg, value.value.len,
                               sod->digest->name, sod->digest->size);
        for (unsigned i = 0; i < info->hash_count; i++)
            if (info->hashes[i].dg == (unsigned)dg)
                return vfy_fail_at(detail, VFY_E_BAD_VALUE, "EF.SOD/dataGroupHashValues",
                                   dgh.offset, "DG%ld is listed twice", dg);
        if (info->hash_count >= VFY_SOD_MAX_HASHES)
            return vfy_fail_at(detail, VFY_E_LIMIT, "EF.SOD/dataGroupHashValues", dgh.offset,
                               "more than %d hashes", VFY_SOD_MAX_HASHES);
        info->hashes[info->hash_count].dg = (unsigned)dg;
        info->hashes[info->hash_count].len = value.value.len;
        memcpy(info->hashes[info->hash_count].value, value.value.data, value.value.len);
        info->hash_count++;
    }
    if (info->version == 1) {
        if (vfy_cur_at_end(&c))
            return vfy_fail_at(detail, VFY_E_BAD_VALUE, "EF.SOD/LDSSecurityObject", top.offset,
                               "version 1 LDSSecurityObject lacks its LDSVersionInfo");
        VFY_TRY(parse_version_info(&c, info));
    }
    return vfy_cur_expect_end(&c);
}

vfy_status lds_sod_open(const uint8_t *data, size_t len, lds_sod *sod, vfy_detail *detail)
{
    memset(sod, 0, sizeof *sod);
    vfy_tlv outer;
    VFY_TRY(vfy_tlv_parse_one(data, len, VFY_TLV_ALLOW_INDEFINITE, "EF.SOD", detail, &outer));
    if (outer.tag != 0x77)
        return vfy_fail_at(detail, VFY_E_BAD_TAG, "EF.SOD", 0,
                           "EF.SOD must start with tag 0x77, found 0x%X", outer.tag);
    VFY_TRY(vfy_tlv_validate(outer.value.data, outer.value.len, VFY_TLV_ALLOW_INDEFINITE,
                             "EF.SOD", detail));
    vfy_tlv ci;
    vfy_cursor oc = outer.value;
    VFY_TRY(vfy_tlv_next(&oc, VFY_TLV_ALLOW_INDEFINITE, &ci));
    sod->indefinite_lengths = outer.indefinite || ci.indefinite;
    if (outer.value.len > (size_t)INT32_MAX)
        return vfy_fail(detail, VFY_E_LIMIT, "EF.SOD", "file too large");
    const unsigned char *p = outer.value.data;
    sod->cms = d2i_CMS_ContentInfo(NULL, &p, (long)outer.value.len);
    if (sod->cms == NULL)
        return vfy_fail_at(detail, VFY_E_BAD_VALUE, "EF.SOD", ci.offset,
                           "EF.SOD does not hold a CMS SignedData structure");
    vfy_status s = VFY_OK;
    if (OBJ_obj2nid(CMS_get0_type(sod->cms)) != NID_pkcs7_signed) {
        s = vfy_fail(detail, VFY_E_BAD_VALUE, "EF.SOD", "the CMS content is not SignedData");
        goto fail;
    }
    const ASN1_OBJECT *ctype = CMS_get0_eContentType(sod->cms);
    if (ctype == NULL || OBJ_obj2txt(sod->info.econtent_type, sizeof sod->info.econtent_type,
                                     ctype, 1) <= 0) {
        s = vfy_fail(detail, VFY_E_BAD_VALUE, "EF.SOD", "the signed content has no type");
        goto fail;
    }
    size_t known = 0;
    while (known < sizeof content_types / sizeof content_types[0] &&
           strcmp(content_types[known], sod->info.econtent_type) != 0)
        known++;
    if (known == sizeof content_types / sizeof content_types[0]) {
        s = vfy_fail(detail, VFY_E_BAD_VALUE, "EF.SOD",
                     "the signed content type %s is not an LDS security object",
                     sod->info.econtent_type);
        goto fail;
    }
    sod->legacy_content_type = known != 0;
    ASN1_OCTET_STRING **content = CMS_get0_content(sod->cms);
    if (content == NULL || *content == NULL || ASN1_STRING_length(*content) <= 0) {
        s = vfy_fail(detail, VFY_E_BAD_VALUE, "EF.SOD", "EF.SOD carries no signed content");
        goto fail;
    }
    s = parse_security_object(ASN1_STRING_get0_data(*content),
                              (size_t)ASN1_STRING_length(*content), sod, detail);
    if (s != VFY_OK)
        goto fail;
    return VFY_OK;
fail:
    lds_sod_close(sod);
    return s;
}

void lds_sod_close(lds_sod *sod)
{
    if (sod == NULL)
        return;
    CMS_ContentInfo_free(sod->cms);
    sod->cms = NULL;
}

const uint8_t *lds_sod_hash(const lds_sod *sod, unsigned dg, size_t *len)
{
    for (unsigned i = 0; i < sod->info.hash_count; i++)
        if (sod->info.hashes[i].dg == dg) {
            *len = sod->info.hashes[i].len;
            return sod->info.hashes[i].value;
        }
    return NULL;
}

vfy_status vfy_lds_parse_sod(const uint8_t *data, size_t len, vfy_lds_sod *out, vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "EF.SOD", "no output structure");
    lds_sod sod;
    VFY_TRY(lds_sod_open(data, len, &sod, detail));
    *out = sod.info;
    lds_sod_close(&sod);
    return VFY_OK;
}
