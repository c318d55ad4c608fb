/* DG5 to DG7 (9303-10 §4.7.5-4.7.7): displayed portrait and signature images. */
#include <string.h>

#include "core/fail.h"
#include "lds/lds_internal.h"

vfy_status vfy_lds_parse_displayed(const uint8_t *data, size_t len, vfy_lds_displayed *out,
                                   vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "DG5", "no output structure");
    memset(out, 0, sizeof *out);
    if (len == 0)
        return vfy_fail_at(detail, VFY_E_TRUNCATED, "DG5", 0, "the data group is empty");
    static const uint8_t tags[] = { 0x65, 0x66, 0x67 };
    static const char *const names[] = { "DG5", "DG6", "DG7" };
    size_t which = 0;
    vfy_cursor peek;
    vfy_cur_init(&peek, data, len, "DG5", detail);
    uint8_t first;
    VFY_TRY(vfy_cur_peek(&peek, 0, &first));
    while (which < 3 && tags[which] != first)
        which++;
    if (which == 3)
        return vfy_fail_at(detail, VFY_E_BAD_TAG, "DG5", 0,
                           "displayed-image data groups start with 0x65, 0x66 or 0x67, not 0x%02X",
                           first);
    out->dg = 5 + (unsigned)which;
    vfy_tlv outer;
    VFY_TRY(lds_open(data, len, tags[which], names[which], detail, &outer));
    vfy_cursor c = outer.value;
    while (!vfy_cur_at_end(&c)) {
        vfy_tlv t;
        VFY_TRY(vfy_tlv_next(&c, 0, &t));
        if (t.tag == DER_INTEGER) {
            long n;
            VFY_TRY(der_small_int(&t, &n));
            if (n < 0 || n > 255)
                return vfy_fail_at(detail, VFY_E_BAD_VALUE, names[which], t.offset,
                                   "image count %ld out of range", n);
            out->declared_count = (unsigned)n;
        } else if (t.tag == 0x5F40 || t.tag == 0x5F43) {
            if (out->image_count < VFY_DISPLAYED_MAX) {
                out->images[out->image_count] = der_view(&t);
                out->types[out->image_count] = lds_sniff_image(t.value.data, t.value.len);
                out->image_count++;
            }
        }
    }
    return VFY_OK;
}
