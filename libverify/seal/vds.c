/*
 * ICAO Visible Digital Seal (Doc 9303-13, BSI TR-03137): header, message zone,
 * signature zone. The header layout of version byte 0x03 is tried as "version 4"
 * first and, when that does not parse cleanly to the end of the seal, as the
 * legacy fixed layout (docs/seals.md, "vds-legacy-fixed-layout").
 */
#include <string.h>

#include "core/fail.h"
#include "seal/c40.h"
#include "seal/seal_date.h"
#include "seal/seal_internal.h"

#define VDS_MAGIC 0xDC
#define VDS_VERSION_3 0x02
#define VDS_VERSION_4 0x03
#define VDS_SIGNATURE_TAG 0xFF

/* Where the parts of a seal lie, once its structure has been read. */
typedef struct vds_parts {
    vfy_seal_header header;
    bool dezv_decimal;
    size_t zone_start, zone_len;   /* message zone */
    size_t signature_tlv;          /* offset of the 0xFF tag; == len when unsigned */
    const uint8_t *signature;
    size_t signature_len;
} vds_parts;

static bool is_hex_upper(const char *s)
{
    for (; *s != '\0'; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'F')))
            return false;
    return true;
}

static bool is_signer_id(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
            return false;
    return s[4] == '\0';
}

/* Reads nbytes of C40 that must hold exactly `chars` characters; the first four
 * are the signer identifier. */
static vfy_status read_signer_text(vfy_cursor *c, size_t nbytes, size_t chars, vfy_seal_header *h, char *text,
                                   size_t cap)
{
    size_t n;
    VFY_TRY(seal_c40_decode(c, nbytes, text, cap, &n));
    if (n != chars)
        return vfy_cur_fail(c, VFY_E_SEAL_FORMAT, "the signer field holds %zu characters, not %zu", n, chars);
    memcpy(h->signer_id, text, 4);
    h->signer_id[4] = '\0';
    return VFY_OK;
}

/* "Version 3": 9 characters, signer identifier + 5-character reference. */
static vfy_status read_signer_fixed(vfy_cursor *c, vfy_seal_header *h)
{
    char text[SEAL_C40_TEXT_CAP(6)];
    VFY_TRY(read_signer_text(c, 6, 9, h, text, sizeof text));
    memcpy(h->cert_ref, text + 4, 6);
    return VFY_OK;
}

/* "Version 4": signer identifier + 2-character reference length, then the reference. */
static vfy_status read_signer_variable(vfy_cursor *c, vfy_seal_header *h, bool *dezv_decimal)
{
    char text[SEAL_C40_TEXT_CAP(4)];
    size_t n;
    VFY_TRY(read_signer_text(c, 4, 6, h, text, sizeof text));
    /* TR-03171 seals of signer DEZV write the length in decimal (vdstools). */
    *dezv_decimal = strcmp(h->signer_id, "DEZV") == 0;
    unsigned radix = *dezv_decimal ? 10 : 16, len = 0;
    for (int i = 4; i < 6; i++) {
        char ch = text[i];
        int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
        if (v < 0 || (unsigned)v >= radix)
            return vfy_cur_fail(c, VFY_E_SEAL_FORMAT, "certificate reference length \"%c%c\" is not a number",
                                text[4], text[5]);
        len = len * radix + (unsigned)v;
    }
    if (len == 0 || len > VFY_SEAL_CERT_REF_MAX)
        return vfy_cur_fail(c, VFY_E_SEAL_FORMAT, "certificate reference length %u is out of range 1..%d",
                            len, VFY_SEAL_CERT_REF_MAX);
    size_t nbytes = 2 * ((len + 2) / 3);
    char ref[SEAL_C40_TEXT_CAP(2 * ((VFY_SEAL_CERT_REF_MAX + 2) / 3))];
    VFY_TRY(seal_c40_decode(c, nbytes, ref, sizeof ref, &n));
    if (n != len)
        return vfy_cur_fail(c, VFY_E_SEAL_FORMAT, "certificate reference holds %zu characters, its length says %u",
                            n, len);
    memcpy(h->cert_ref, ref, n + 1);
    return VFY_OK;
}

/* Reads header, message zone and signature zone with one layout; succeeds only
 * when everything up to the last byte is accounted for. */
static vfy_status vds_structure(const uint8_t *data, size_t len, vfy_seal_layout layout, vds_parts *p,
                                vfy_detail *detail)
{
    memset(p, 0, sizeof *p);
    vfy_seal_header *h = &p->header;
    vfy_cursor c;
    vfy_cur_init(&c, data, len, "VDS header", detail);
    VFY_TRY(vfy_cur_expect_u8(&c, VDS_MAGIC, "the VDS magic constant"));
    VFY_TRY(vfy_cur_u8(&c, &h->version_byte));
    h->layout = layout;
    char country[SEAL_C40_TEXT_CAP(2)];
    size_t n;
    vfy_cur_set_field(&c, "issuing country");
    VFY_TRY(seal_c40_decode(&c, 2, country, sizeof country, &n));
    if (n == 0)
        return vfy_cur_fail(&c, VFY_E_SEAL_FORMAT, "the issuing country is empty");
    memcpy(h->country_c40, country, n + 1);
    memcpy(h->country, "<<<", 4);
    for (size_t i = 0; i < n; i++)
        h->country[i] = country[i] == ' ' ? '<' : country[i];
    vfy_cur_set_field(&c, "signer");
    if (layout == VFY_SEAL_LAYOUT_FIXED)
        VFY_TRY(read_signer_fixed(&c, h));
    else
        VFY_TRY(read_signer_variable(&c, h, &p->dezv_decimal));
    if (!is_signer_id(h->signer_id))
        return vfy_cur_fail(&c, VFY_E_SEAL_FORMAT, "signer identifier \"%s\" is not four letters or digits",
                            h->signer_id);
    if (!is_hex_upper(h->cert_ref))
        return vfy_cur_fail(&c, VFY_E_SEAL_FORMAT, "certificate reference \"%s\" is not hexadecimal",
                            h->cert_ref);
    vfy_cur_set_field(&c, "document issue date");
    VFY_TRY(seal_date3_read(&c, &h->issue_date));
    vfy_cur_set_field(&c, "signature creation date");
    VFY_TRY(seal_date3_read(&c, &h->signature_date));
    vfy_cur_set_field(&c, "document type");
    VFY_TRY(vfy_cur_u8(&c, &h->feature_ref));
    VFY_TRY(vfy_cur_u8(&c, &h->type_category));
    if (h->feature_ref == 0x00 || h->feature_ref == 0xFF || h->type_category == 0x00 ||
        h->type_category == 0xFF)
        return vfy_cur_fail(&c, VFY_E_SEAL_FORMAT, "document type 0x%02X/0x%02X uses a reserved value",
                            h->feature_ref, h->type_category);
    h->header_length = c.pos;

    /* Message zone up to the signature tag; the signature must be the last TLV. */
    vfy_cur_set_field(&c, "message zone");
    p->zone_start = c.pos;
    p->signature_tlv = len;
    size_t empty_0x80_at = SIZE_MAX;
    uint8_t empty_0x80_tag = 0;
    while (!vfy_cur_at_end(&c)) {
        uint8_t tag;
        VFY_TRY(vfy_cur_peek(&c, 0, &tag));
        if (tag == VDS_SIGNATURE_TAG) {
            p->signature_tlv = c.pos;
            vfy_cur_set_field(&c, "signature zone");
            seal_tlv sig;
            VFY_TRY(seal_tlv_next(&c, &sig));
            if (sig.value.len == 0 || sig.value.len % 2 != 0)
                return vfy_fail_at(detail, VFY_E_SEAL_FORMAT, "signature zone", sig.offset,
                                   "signature of %zu bytes cannot be r||s", sig.value.len);
            p->signature = sig.value.data;
            p->signature_len = sig.value.len;
            VFY_TRY(vfy_cur_expect_end(&c));
            break;
        }
        seal_tlv t;
        vfy_status s = seal_tlv_next(&c, &t);
        if (s != VFY_OK && empty_0x80_at != SIZE_MAX)
            /* A Kurz-style raw 0x80 meaning 128: as an empty value the zone breaks apart. */
            return vfy_fail_at(detail, VFY_E_INDEFINITE_LENGTH, "message zone", empty_0x80_at,
                               "length byte 0x80 of tag 0x%02X at offset %zu is not a DER length: "
                               "read as an empty value the rest of the message zone does not parse, "
                               "and a raw 0x80 meaning 128 is refused (docs/seals.md)",
                               empty_0x80_tag, empty_0x80_at);
        VFY_TRY(s);
        if (t.empty_0x80 && empty_0x80_at == SIZE_MAX) {
            empty_0x80_at = t.offset;
            empty_0x80_tag = t.tag;
        }
    }
    p->zone_len = p->signature_tlv - p->zone_start;
    return VFY_OK;
}

static bool zone_has_uuid(const uint8_t *zone, size_t len, const uint8_t uuid[16])
{
    vfy_cursor c;
    vfy_cur_init(&c, zone, len, NULL, NULL);
    seal_tlv t;
    while (!vfy_cur_at_end(&c) && seal_tlv_next(&c, &t) == VFY_OK)
        if (t.tag == 0x00)
            return t.value.len == 16 && memcmp(t.value.data, uuid, 16) == 0;
    return false;
}

vfy_status seal_vds_parse(vfy_seal_result *r, const uint8_t *data, size_t len, vfy_detail *detail)
{
    vds_parts p;
    vfy_cursor c;
    vfy_cur_init(&c, data, len, "VDS header", detail);
    uint8_t version = 0;
    VFY_TRY(vfy_cur_expect_u8(&c, VDS_MAGIC, "the VDS magic constant"));
    VFY_TRY(vfy_cur_u8(&c, &version));
    if (version != VDS_VERSION_3 && version != VDS_VERSION_4)
        return vfy_fail_at(detail, VFY_E_SEAL_VERSION, "VDS header", 1,
                           "unsupported header version 0x%02X (ICAO defines 0x02 and 0x03)", version);
    vfy_seal_layout first = version == VDS_VERSION_3 ? VFY_SEAL_LAYOUT_FIXED : VFY_SEAL_LAYOUT_VARIABLE;
    vfy_status s = vds_structure(data, len, first, &p, detail);
    if (s != VFY_OK && first == VFY_SEAL_LAYOUT_VARIABLE) {
        /* Version byte 0x03 written with the fixed layout (before ICAO TR v1.6). */
        vfy_detail legacy_detail;
        vfy_detail_clear(&legacy_detail);
        if (vds_structure(data, len, VFY_SEAL_LAYOUT_FIXED, &p, &legacy_detail) == VFY_OK) {
            s = VFY_OK;
            if (detail != NULL)
                vfy_detail_clear(detail);
            seal_choice(r, "vds-legacy-fixed-layout");
        }
    }
    if (s != VFY_OK)
        return s;
    if (p.dezv_decimal)
        seal_choice(r, "vds-dezv-decimal-length");
    r->header = p.header;
    r->signed_bytes = data;
    r->signed_length = p.signature_tlv;
    r->signature = p.signature;
    r->signature_length = p.signature_len;

    const seal_profile *prof = seal_vds_profile(p.header.feature_ref, p.header.type_category);
    while (prof != NULL && prof->uuid != NULL && !zone_has_uuid(data + p.zone_start, p.zone_len, prof->uuid))
        prof = seal_vds_profile_next(prof, p.header.feature_ref, p.header.type_category);
    r->header.document_type = prof != NULL ? prof->name : NULL;
    vfy_cursor zone;
    vfy_cur_init(&zone, data + p.zone_start, p.zone_len, "message zone", detail);
    zone.base = p.zone_start;
    VFY_TRY(seal_decode_run(r, &zone, prof != NULL ? prof->features : NULL, prof != NULL ? prof->count : 0,
                            -1, detail));
    /* Doc 9303-13 has no unsigned VDS: a seal without its signature zone is cut. */
    if (p.signature == NULL)
        return vfy_fail(detail, VFY_E_SEAL_FORMAT, "signature zone",
                        "the seal ends without its signature zone (tag 0xFF): it is cut short or not a VDS");
    return VFY_OK;
}
