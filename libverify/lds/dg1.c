/* DG1 (9303-10 §4.7.1): the MRZ as printed, in tag 5F1F inside tag 61. */
#include <string.h>

#include "core/fail.h"
#include "lds/lds_internal.h"
#include "verify/mrz.h"

vfy_status vfy_lds_dg1_mrz(const uint8_t *data, size_t len, vfy_bytes *mrz, vfy_detail *detail)
{
    if (mrz == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "DG1", "no output view");
    memset(mrz, 0, sizeof *mrz);
    vfy_tlv outer, t;
    VFY_TRY(lds_open(data, len, 0x61, "DG1", detail, &outer));
    vfy_status s = vfy_tlv_child(&outer, 0x5F1F, 0, &t);
    if (s == VFY_E_NOT_FOUND)
        return vfy_fail_at(detail, VFY_E_BAD_VALUE, "DG1", outer.offset, "DG1 has no MRZ (tag 5F1F)");
    VFY_TRY(s);
    if (t.value.len != 88 && t.value.len != 90 && t.value.len != 72)
        return vfy_fail_at(detail, VFY_E_BAD_LENGTH, "DG1", t.offset,
                           "the MRZ in DG1 has %zu characters; 72, 88 or 90 expected", t.value.len);
    *mrz = der_view(&t);
    return VFY_OK;
}

vfy_status vfy_lds_parse_dg1(const uint8_t *data, size_t len, vfy_mrz *mrz, vfy_detail *detail)
{
    vfy_bytes text;
    VFY_TRY(vfy_lds_dg1_mrz(data, len, &text, detail));
    vfy_status s = vfy_mrz_parse((const char *)text.data, text.len, NULL, mrz, detail);
    if (s != VFY_OK)
        vfy_detail_prefix_field(detail, "DG1");
    return s;
}
