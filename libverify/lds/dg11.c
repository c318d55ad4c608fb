/* DG11 (9303-10 §4.7.11): additional personal details. Zero-length fields (BE, FR)
 * are accepted and counted; tags outside the standard list are kept as unknown. */
#include <stddef.h>
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

vfy_status lds_parse_text_group(const vfy_tlv *outer, void *out, const lds_text_group *g)
{
    vfy_cursor c = outer->value;
    while (!vfy_cur_at_end(&c)) {
        vfy_tlv t;
        VFY_TRY(vfy_tlv_next(&c, 0, &t));
        if (t.tag == 0x5C)
            continue; /* tag list: the fields themselves are authoritative */
        if (t.value.len == 0)
            (*g->empty_count)++;
        if (t.tag == 0xA0 || t.tag == g->name_tag) {
            VFY_TRY(lds_name_list(&t, g->name_tag, g->names, g->name_count));
            continue;
        }
        size_t i = 0;
        while (i < g->field_count && g->fields[i].tag != t.tag)
            i++;
        if (i == g->field_count)
            lds_note_unknown(g->unknown, t.tag);
        else
            *(vfy_bytes *)((uint8_t *)out + g->fields[i].offset) = der_view(&t);
    }
    return VFY_OK;
}

#define F(tag, member) { tag, offsetof(vfy_lds_dg11, member) }
static const lds_text_field dg11_fields[] = {
    F(0x5F0E, full_name),      F(0x5F10, personal_number),     F(0x5F2B, full_date_of_birth),
    F(0x5F11, place_of_birth), F(0x5F42, address),             F(0x5F12, telephone),
    F(0x5F13, profession),     F(0x5F14, title),               F(0x5F15, personal_summary),
    F(0x5F16, proof_of_citizenship), F(0x5F17, other_td_numbers), F(0x5F18, custody_information),
};
#undef F

vfy_status vfy_lds_parse_dg11(const uint8_t *data, size_t len, vfy_lds_dg11 *out, vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "DG11", "no output structure");
    memset(out, 0, sizeof *out);
    vfy_tlv outer;
    VFY_TRY(lds_open(data, len, 0x6B, "DG11", detail, &outer));
    const lds_text_group g = { dg11_fields, sizeof dg11_fields / sizeof dg11_fields[0], 0x5F0F,
                               out->other_names, &out->other_name_count, &out->empty_field_count,
                               &out->unknown };
    return lds_parse_text_group(&outer, out, &g);
}
