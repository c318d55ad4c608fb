/* DG16 (9303-10 §4.7.16): persons to notify, one template (A1, A2 ...) per person. */
#include <string.h>

#include "core/fail.h"
#include "lds/lds_internal.h"

vfy_status vfy_lds_parse_dg16(const uint8_t *data, size_t len, vfy_lds_dg16 *out, vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "DG16", "no output structure");
    memset(out, 0, sizeof *out);
    vfy_tlv outer;
    VFY_TRY(lds_open(data, len, 0x70, "DG16", detail, &outer));
    vfy_cursor c = outer.value;
    long declared = -1;
    while (!vfy_cur_at_end(&c)) {
        vfy_tlv t;
        VFY_TRY(vfy_tlv_next(&c, 0, &t));
        if (t.tag == DER_INTEGER) {
            VFY_TRY(der_small_int(&t, &declared));
            continue;
        }
        if (t.tag < 0xA1 || t.tag > 0xBF || !t.constructed) {
            lds_note_unknown(&out->unknown, t.tag);
            continue;
        }
        if (out->person_count >= VFY_DG16_MAX_PERSONS)
            continue;
        unsigned i = out->person_count++;
        vfy_cursor p = t.value;
        while (!vfy_cur_at_end(&p)) {
            vfy_tlv f;
            VFY_TRY(vfy_tlv_next(&p, 0, &f));
            switch (f.tag) {
            case 0x5F50: out->persons[i].date_recorded = der_view(&f); break;
            case 0x5F51: out->persons[i].name = der_view(&f); break;
            case 0x5F52: out->persons[i].telephone = der_view(&f); break;
            case 0x5F53: out->persons[i].address = der_view(&f); break;
            default: lds_note_unknown(&out->unknown, f.tag);
            }
        }
    }
    if (declared >= 0 && (unsigned long)declared != out->person_count &&
        out->person_count < VFY_DG16_MAX_PERSONS)
        return vfy_fail_at(detail, VFY_E_BAD_VALUE, "DG16", outer.offset,
                           "DG16 declares %ld persons but holds %u", declared, out->person_count);
    return VFY_OK;
}
