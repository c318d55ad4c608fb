/*
 * Seal TLV runs and the decoding of one value by its feature-table entry. Shared by
 * the VDS message zone, the IDB message group and IDB containers (visa, ETD).
 */
#include <stdio.h>
#include <string.h>

#include "core/fail.h"
#include "core/writer.h"
#include "seal/c40.h"
#include "seal/seal_date.h"
#include "seal/seal_internal.h"
#include "core/utf8.h"

vfy_status seal_tlv_next(vfy_cursor *c, seal_tlv *out)
{
    size_t start = c->pos;
    size_t offset = vfy_cur_offset(c);
    uint8_t tag, first;
    VFY_TRY(vfy_cur_u8(c, &tag));
    vfy_status s = vfy_cur_peek(c, 0, &first);
    out->empty_0x80 = false;
    if (s == VFY_OK && first == 0x80) {
        /* Long form with no length bytes: an empty value, as vdstools reads it and as
         * the utoVisa sample needs (docs/seals.md, seal-length-0x80-empty). Never 128. */
        c->pos++;
        s = vfy_cur_sub(c, 0, NULL, &out->value);
        if (s == VFY_OK) {
            out->empty_0x80 = true;
            out->tag = tag;
            out->offset = offset;
            out->raw = c->data + start;
            out->raw_len = c->pos - start;
            return VFY_OK;
        }
    } else if (s == VFY_OK && first > 0x82)
        s = vfy_cur_fail(c, VFY_E_BAD_LENGTH,
                         "length of tag 0x%02X at offset %zu uses %u length bytes; a seal allows at most 2",
                         tag, offset, first & 0x7Fu);
    size_t len = 0;
    if (s == VFY_OK)
        s = vfy_cur_ber_length(c, true, false, &len, NULL);
    if (s == VFY_OK)
        s = vfy_cur_sub(c, len, NULL, &out->value);
    if (s != VFY_OK) {
        c->pos = start;
        return s;
    }
    out->tag = tag;
    out->offset = offset;
    out->raw = c->data + start;
    out->raw_len = c->pos - start;
    return VFY_OK;
}

/* MRZ text: '<' restored, a '\n' after every full line but the last. */
static char *mrz_lines(vfy_seal_result *r, const char *text, size_t n, unsigned line_len)
{
    size_t cap = n + n / (line_len ? line_len : 1) + 2;
    char *out = seal_alloc(r, cap);
    if (out == NULL)
        return NULL;
    vfy_writer w;
    vfy_w_init_text(&w, out, cap);
    for (size_t i = 0; i < n; i++) {
        if (line_len != 0 && i > 0 && i % line_len == 0)
            vfy_w_char(&w, '\n');
        vfy_w_char(&w, text[i] == ' ' ? '<' : text[i]);
    }
    vfy_w_text_end(&w);
    return vfy_w_ok(&w) ? out : NULL;
}

static vfy_status decode_text(vfy_seal_result *r, const seal_feature *f, vfy_seal_message *m,
                              vfy_cursor *value, vfy_detail *detail)
{
    size_t cap = SEAL_C40_TEXT_CAP(m->value_len);
    char *text = seal_alloc(r, cap);
    if (text == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, m->name, "out of memory");
    size_t n = 0;
    /* A value that is not clean C40 stays as raw bytes, marked non-conforming. */
    if (seal_c40_decode(value, m->value_len, text, cap, &n) != VFY_OK) {
        m->conforms = false;
        return VFY_OK;
    }
    if (f->chars != 0 && n != f->chars)
        m->conforms = false;
    if (f->coding == VFY_SEAL_MRZ) {
        m->text = mrz_lines(r, text, n, m->conforms ? f->line_len : 0);
        if (m->text == NULL)
            return vfy_fail(detail, VFY_E_NO_MEMORY, m->name, "out of memory");
    } else {
        m->text = text;
    }
    return VFY_OK;
}

static vfy_status decode_value(vfy_seal_result *r, const seal_feature *f, vfy_seal_message *m,
                               vfy_cursor *value, int index, vfy_detail *detail)
{
    if (m->value_len < f->min_len || m->value_len > f->max_len)
        m->conforms = false;
    switch (f->coding) {
    case VFY_SEAL_MRZ:
    case VFY_SEAL_C40:
        return decode_text(r, f, m, value, detail);
    case VFY_SEAL_UINT: {
        uint64_t v;
        if (m->value_len >= 1 && m->value_len <= 8 && vfy_cur_uint_be(value, m->value_len, &v) == VFY_OK)
            m->number = v;
        else
            m->conforms = false;
        return VFY_OK;
    }
    case VFY_SEAL_DURATION: {
        uint8_t d, mo, y;
        if (m->value_len == 3 && vfy_cur_u8(value, &d) == VFY_OK && vfy_cur_u8(value, &mo) == VFY_OK &&
            vfy_cur_u8(value, &y) == VFY_OK) {
            m->days = d, m->months = mo, m->years = y;
        } else {
            m->conforms = false;
        }
        return VFY_OK;
    }
    case VFY_SEAL_DATE: {
        char text[11];
        vfy_status s = VFY_E_BAD_VALUE;
        if (m->value_len == 4) {
            s = seal_masked_date_read(value, &m->date, text);
        } else if (m->value_len == 3) {
            s = seal_date3_read(value, &m->date);
            if (s == VFY_OK)
                snprintf(text, sizeof text, "%04d-%02d-%02d", m->date.year, m->date.month, m->date.day);
        }
        if (s == VFY_OK)
            m->text = seal_strdup(r, text);
        else
            m->conforms = false;
        return VFY_OK;
    }
    case VFY_SEAL_UTF8:
        if (vfy_utf8_valid(m->value, m->value_len))
            m->text = seal_dup(r, m->value, m->value_len);
        else
            m->conforms = false;
        return VFY_OK;
    case VFY_SEAL_GROUP:
        return seal_decode_run(r, value, f->sub, f->sub_count, index, detail);
    case VFY_SEAL_BINARY:
    case VFY_SEAL_JSON:
        return VFY_OK;
    }
    return VFY_OK;
}

vfy_status seal_decode_run(vfy_seal_result *r, vfy_cursor *run, const seal_feature *table,
                           size_t count, int parent, vfy_detail *detail)
{
    uint8_t seen[32] = { 0 };
    while (!vfy_cur_at_end(run)) {
        seal_tlv t;
        VFY_TRY(seal_tlv_next(run, &t));
        if (t.empty_0x80)
            seal_choice(r, "seal-length-0x80-empty");
        if (seen[t.tag / 8] & (1u << (t.tag % 8)))
            return vfy_fail_at(detail, VFY_E_SEAL_FORMAT, run->field, t.offset,
                               "tag 0x%02X at offset %zu appears twice", t.tag, t.offset);
        seen[t.tag / 8] |= (uint8_t)(1u << (t.tag % 8));
        const seal_feature *f = seal_feature_find(table, count, t.tag);
        vfy_seal_message *m = seal_add_message(r, detail);
        if (m == NULL)
            return detail != NULL ? detail->status : VFY_E_NO_MEMORY;
        int index = (int)(r->message_count - 1);
        m->tag = t.tag;
        m->parent = parent;
        m->value = t.value.data;
        m->value_len = t.value.len;
        if (f == NULL) {
            /* Unknown features are kept raw; they do not affect validity (BSI). */
            m->name = seal_sprintf(r, "TAG_%02X", t.tag);
            m->coding = VFY_SEAL_BINARY;
            if (m->name == NULL)
                return vfy_fail(detail, VFY_E_NO_MEMORY, "messages", "out of memory");
            continue;
        }
        m->name = f->name;
        m->coding = f->coding;
        VFY_TRY(decode_value(r, f, m, &t.value, index, detail));
    }
    return VFY_OK;
}
