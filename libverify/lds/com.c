/* EF.COM (9303-10 §4.6.1): LDS version, Unicode version, the list of data-group tags. */
#include <string.h>

#include "core/fail.h"
#include "lds/lds_internal.h"

vfy_status lds_open(const uint8_t *data, size_t len, uint32_t tag, const char *field,
                    vfy_detail *detail, vfy_tlv *outer)
{
    VFY_TRY(vfy_tlv_parse_one(data, len, 0, field, detail, outer));
    if (outer->tag != tag)
        return vfy_fail_at(detail, VFY_E_BAD_TAG, field, 0,
                           "%s must start with tag 0x%X, found 0x%X", field, tag, outer->tag);
    return VFY_OK;
}

vfy_image_type lds_sniff_image(const uint8_t *data, size_t len)
{
    static const uint8_t jp2[] = { 0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20 };
    if (len >= 2 && data[0] == 0xFF && data[1] == 0xD8)
        return VFY_IMAGE_JPEG;
    if (len >= 4 && data[0] == 0xFF && data[1] == 0x4F && data[2] == 0xFF && data[3] == 0x51)
        return VFY_IMAGE_JPEG2000;
    if (len >= sizeof jp2 && memcmp(data, jp2, sizeof jp2) == 0)
        return VFY_IMAGE_JPEG2000;
    return VFY_IMAGE_UNKNOWN;
}

/* A version field of exactly n digits. */
static vfy_status version_digits(const vfy_tlv *t, size_t n, char *out, const char *what)
{
    vfy_cursor c = t->value;
    if (c.len != n)
        return vfy_cur_fail(&c, VFY_E_BAD_LENGTH, "%s must be %zu digits, found %zu bytes", what,
                            n, c.len);
    for (size_t i = 0; i < n; i++) {
        uint8_t b;
        VFY_TRY(vfy_cur_u8(&c, &b));
        if (b < '0' || b > '9')
            return vfy_cur_fail(&c, VFY_E_BAD_VALUE, "%s contains a non-digit 0x%02X", what, b);
        out[i] = (char)b;
    }
    out[n] = '\0';
    return VFY_OK;
}

vfy_status vfy_lds_parse_com(const uint8_t *data, size_t len, vfy_lds_com *out, vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "EF.COM", "no output structure");
    memset(out, 0, sizeof *out);
    vfy_tlv outer;
    VFY_TRY(lds_open(data, len, 0x60, "EF.COM", detail, &outer));
    bool have_lds = false, have_unicode = false, have_tags = false;
    vfy_cursor c = outer.value;
    while (!vfy_cur_at_end(&c)) {
        vfy_tlv t;
        VFY_TRY(vfy_tlv_next(&c, 0, &t));
        switch (t.tag) {
        case 0x5F01:
            VFY_TRY(version_digits(&t, 4, out->lds_version, "LDS version"));
            have_lds = true;
            break;
        case 0x5F36:
            VFY_TRY(version_digits(&t, 6, out->unicode_version, "Unicode version"));
            have_unicode = true;
            break;
        case 0x5C: {
            vfy_cursor tags = t.value;
            while (!vfy_cur_at_end(&tags)) {
                uint8_t tag;
                VFY_TRY(vfy_cur_u8(&tags, &tag));
                /* Tags beyond DG16 (CN lists DG17-19) are kept; a multi-byte tag's first
                 * byte alone means the list is cut. */
                if ((tag & 0x1F) == 0x1F)
                    return vfy_cur_fail(&tags, VFY_E_BAD_TAG,
                                        "tag list holds 0x%02X, an incomplete multi-byte tag", tag);
                if (out->tag_count >= VFY_LDS_MAX_TAGS)
                    return vfy_cur_fail(&tags, VFY_E_LIMIT, "tag list longer than %d entries",
                                        VFY_LDS_MAX_TAGS);
                out->tags[out->tag_count++] = tag;
            }
            have_tags = true;
            break;
        }
        default:
            lds_note_unknown(&out->unknown, t.tag);
        }
    }
    if (!have_lds || !have_unicode || !have_tags)
        return vfy_fail_at(detail, VFY_E_BAD_VALUE, "EF.COM", outer.offset,
                           "EF.COM lacks its %s", !have_lds ? "LDS version (5F01)"
                           : !have_unicode ? "Unicode version (5F36)" : "tag list (5C)");
    return VFY_OK;
}
