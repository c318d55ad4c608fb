/* DG12 (9303-10 §4.7.12): additional document details. */
#include <string.h>

#include "core/fail.h"
#include "lds/lds_internal.h"

vfy_status vfy_lds_parse_dg12(const uint8_t *data, size_t len, vfy_lds_dg12 *out, vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "DG12", "no output structure");
    memset(out, 0, sizeof *out);
    vfy_tlv outer;
    VFY_TRY(lds_open(data, len, 0x6C, "DG12", detail, &outer));
    vfy_cursor c = outer.value;
    while (!vfy_cur_at_end(&c)) {
        vfy_tlv t;
        VFY_TRY(vfy_tlv_next(&c, 0, &t));
        if (t.value.len == 0 && t.tag != 0x5C)
            out->empty_field_count++;
        vfy_bytes *field = NULL;
        switch (t.tag) {
        case 0x5C: break;
        case 0x5F19: field = &out->issuing_authority; break;
        case 0x5F26: field = &out->date_of_issue; break;
        case 0x5F1B: field = &out->endorsements; break;
        case 0x5F1C: field = &out->tax_exit_requirements; break;
        case 0x5F1D: field = &out->image_front; break;
        case 0x5F1E: field = &out->image_rear; break;
        case 0x5F55: field = &out->personalization_time; break;
        case 0x5F56: field = &out->personalization_device; break;
        case 0xA0:
        case 0x5F1A:
            VFY_TRY(lds_name_list(&t, 0x5F1A, out->other_persons, &out->other_person_count));
            break;
        default:
            lds_note_unknown(&out->unknown, t.tag);
        }
        if (field != NULL)
            *field = der_view(&t);
    }
    return VFY_OK;
}
