/* DG12 (9303-10 §4.7.12): additional document details. */
#include <stddef.h>
#include <string.h>

#include "core/fail.h"
#include "lds/lds_internal.h"

#define F(tag, member) { tag, offsetof(vfy_lds_dg12, member) }
static const lds_text_field dg12_fields[] = {
    F(0x5F19, issuing_authority), F(0x5F26, date_of_issue),        F(0x5F1B, endorsements),
    F(0x5F1C, tax_exit_requirements), F(0x5F1D, image_front),      F(0x5F1E, image_rear),
    F(0x5F55, personalization_time), F(0x5F56, personalization_device),
};
#undef F

vfy_status vfy_lds_parse_dg12(const uint8_t *data, size_t len, vfy_lds_dg12 *out, vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "DG12", "no output structure");
    memset(out, 0, sizeof *out);
    vfy_tlv outer;
    VFY_TRY(lds_open(data, len, 0x6C, "DG12", detail, &outer));
    const lds_text_group g = { dg12_fields, sizeof dg12_fields / sizeof dg12_fields[0], 0x5F1A,
                               out->other_persons, &out->other_person_count, &out->empty_field_count,
                               &out->unknown };
    return lds_parse_text_group(&outer, out, &g);
}
