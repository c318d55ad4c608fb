/* DG11 (9303-10 §4.7.11): additional personal details. Zero-length fields (BE, FR)
 * are accepted and counted; tags outside the standard list are kept as unknown. */
#include <string.h>

#include "core/fail.h"
#include "lds/lds_internal.h"

vfy_status lds_name_list(const vfy_tlv *t, uint32_t item_tag, vfy_bytes *names, unsigned *count)
{
    if (t->tag == item_tag) {
        if (*count < VFY_LDS_MAX_NAMES)
            names[(*count)++] = der_view(t);
        return VFY_OK;
    }
    vfy_cursor c = t->value;
    while (!vfy_cur_at_end(&c)) {
        vfy_tlv item;
        VFY_TRY(vfy_tlv_next(&c, 0, &item));
        if (item.tag == item_tag && *count < VFY_LDS_MAX_NAMES)
            names[(*count)++] = der_view(&item);
    }
    return VFY_OK;
}

vfy_status vfy_lds_parse_dg11(const uint8_t *data, size_t len, vfy_lds_dg11 *out, vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "DG11", "no output structure");
    memset(out, 0, sizeof *out);
    vfy_tlv outer;
    VFY_TRY(lds_open(data, len, 0x6B, "DG11", detail, &outer));
    vfy_cursor c = outer.value;
    while (!vfy_cur_at_end(&c)) {
        vfy_tlv t;
        VFY_TRY(vfy_tlv_next(&c, 0, &t));
        if (t.value.len == 0 && t.tag != 0x5C)
            out->empty_field_count++;
        vfy_bytes *field = NULL;
        switch (t.tag) {
        case 0x5C: break; /* tag list: the fields themselves are authoritative */
        case 0x5F0E: field = &out->full_name; break;
        case 0x5F10: field = &out->personal_number; break;
        case 0x5F2B: field = &out->full_date_of_birth; break;
        case 0x5F11: field = &out->place_of_birth; break;
        case 0x5F42: field = &out->address; break;
        case 0x5F12: field = &out->telephone; break;
        case 0x5F13: field = &out->profession; break;
        case 0x5F14: field = &out->title; break;
        case 0x5F15: field = &out->personal_summary; break;
        case 0x5F16: field = &out->proof_of_citizenship; break;
        case 0x5F17: field = &out->other_td_numbers; break;
        case 0x5F18: field = &out->custody_information; break;
        case 0xA0:
        case 0x5F0F:
            VFY_TRY(lds_name_list(&t, 0x5F0F, out->other_names, &out->other_name_count));
            break;
        default:
            lds_note_unknown(&out->unknown, t.tag);
        }
        if (field != NULL)
            *field = der_view(&t);
    }
    return VFY_OK;
}
