/* BER-TLV over the bounded cursor, including indefinite lengths with a depth limit. */
#include "core/tlv.h"
#include "core/fail.h"

size_t vfy_tlv_tag_size(uint32_t tag)
{
    if (tag > 0xFFFFFF)
        return 4;
    if (tag > 0xFFFF)
        return 3;
    if (tag > 0xFF)
        return 2;
    return 1;
}

/* Skips the contents of an indefinite-length element up to and including its
 * end-of-contents marker; nested elements may be indefinite too. */
static vfy_status skip_indefinite(vfy_cursor *c, unsigned flags, unsigned depth)
{
    if (depth >= VFY_TLV_MAX_DEPTH)
        return vfy_cur_fail(c, VFY_E_TOO_DEEP, "nesting deeper than %d at offset %zu",
                            VFY_TLV_MAX_DEPTH, vfy_cur_offset(c));
    for (;;) {
        uint8_t b0, b1;
        if (vfy_cur_remaining(c) < 2)
            return vfy_cur_fail(c, VFY_E_TRUNCATED,
                                "indefinite-length element has no end-of-contents marker");
        VFY_TRY(vfy_cur_peek(c, 0, &b0));
        VFY_TRY(vfy_cur_peek(c, 1, &b1));
        if (b0 == 0 && b1 == 0) {
            c->pos += 2;
            return VFY_OK;
        }
        uint32_t tag;
        bool cons, indef;
        size_t len;
        VFY_TRY(vfy_cur_ber_tag(c, &tag, &cons));
        VFY_TRY(vfy_cur_ber_length(c, (flags & VFY_TLV_DER) != 0, cons, &len, &indef));
        if (indef)
            VFY_TRY(skip_indefinite(c, flags, depth + 1));
        else
            VFY_TRY(vfy_cur_skip(c, len));
    }
}

static vfy_status tlv_next_depth(vfy_cursor *c, unsigned flags, unsigned depth, vfy_tlv *out)
{
    size_t start = c->pos;
    uint32_t tag;
    bool cons, indef;
    size_t len;
    vfy_status s = vfy_cur_ber_tag(c, &tag, &cons);
    if (s == VFY_OK) {
        /* Only constructed elements may be indefinite (X.690 8.1.3.2). */
        bool allow = (flags & VFY_TLV_ALLOW_INDEFINITE) != 0 && cons;
        s = vfy_cur_ber_length(c, (flags & VFY_TLV_DER) != 0, allow, &len, &indef);
        if (s == VFY_E_INDEFINITE_LENGTH && (flags & VFY_TLV_ALLOW_INDEFINITE) && !cons)
            s = vfy_cur_fail(c, VFY_E_INDEFINITE_LENGTH,
                             "primitive element at offset %zu has an indefinite length",
                             c->base + start);
    }
    if (s != VFY_OK) {
        c->pos = start;
        return s;
    }
    size_t value_start = c->pos;
    size_t value_len;
    if (indef) {
        s = skip_indefinite(c, flags, depth + 1);
        if (s != VFY_OK) {
            c->pos = start;
            return s;
        }
        value_len = c->pos - value_start - 2;
    } else {
        if (len > vfy_cur_remaining(c)) {
            vfy_status f = vfy_cur_fail(c, VFY_E_LENGTH_OVERFLOW,
                                        "element 0x%X at offset %zu declares %zu bytes, only %zu remain",
                                        tag, c->base + start, len, vfy_cur_remaining(c));
            c->pos = start;
            return f;
        }
        value_len = len;
        c->pos += len;
    }
    out->tag = tag;
    out->constructed = cons;
    out->indefinite = indef;
    out->offset = c->base + start;
    out->raw = c->data + start;
    out->raw_len = c->pos - start;
    out->value.data = c->data + value_start;
    out->value.len = value_len;
    out->value.pos = 0;
    out->value.base = c->base + value_start;
    out->value.field = c->field;
    out->value.detail = c->detail;
    return VFY_OK;
}

vfy_status vfy_tlv_next(vfy_cursor *c, unsigned flags, vfy_tlv *out)
{
    return tlv_next_depth(c, flags, 0, out);
}

vfy_status vfy_tlv_expect(vfy_cursor *c, uint32_t tag, unsigned flags, vfy_tlv *out)
{
    size_t start = c->pos;
    VFY_TRY(vfy_tlv_next(c, flags, out));
    if (out->tag != tag) {
        c->pos = start;
        return vfy_cur_fail(c, VFY_E_BAD_TAG, "expected tag 0x%X at offset %zu, found 0x%X",
                            tag, vfy_cur_offset(c), out->tag);
    }
    return VFY_OK;
}

vfy_status vfy_tlv_parse_one(const uint8_t *data, size_t len, unsigned flags, const char *field,
                             vfy_detail *detail, vfy_tlv *out)
{
    vfy_cursor c;
    vfy_cur_init(&c, data, len, field, detail);
    VFY_TRY(vfy_tlv_next(&c, flags, out));
    return vfy_cur_expect_end(&c);
}

vfy_status vfy_tlv_child(const vfy_tlv *parent, uint32_t tag, unsigned flags, vfy_tlv *out)
{
    vfy_cursor c = parent->value;
    c.pos = 0;
    while (!vfy_cur_at_end(&c)) {
        VFY_TRY(vfy_tlv_next(&c, flags, out));
        if (out->tag == tag)
            return VFY_OK;
    }
    return VFY_E_NOT_FOUND;
}

vfy_status vfy_tlv_find_path(const uint8_t *data, size_t len, const uint32_t *path, size_t path_len,
                             unsigned flags, const char *field, vfy_detail *detail, vfy_tlv *out)
{
    if (path_len == 0 || path_len > VFY_TLV_MAX_DEPTH)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, field, "tag path of %zu elements", path_len);
    vfy_cursor c;
    vfy_cur_init(&c, data, len, field, detail);
    VFY_TRY(vfy_tlv_expect(&c, path[0], flags, out));
    for (size_t i = 1; i < path_len; i++) {
        vfy_tlv child;
        vfy_status s = vfy_tlv_child(out, path[i], flags, &child);
        if (s == VFY_E_NOT_FOUND)
            return vfy_fail_at(detail, VFY_E_NOT_FOUND, field, out->offset,
                               "no element 0x%X inside element 0x%X at offset %zu",
                               path[i], out->tag, out->offset);
        VFY_TRY(s);
        *out = child;
    }
    return VFY_OK;
}

static vfy_status validate_children(vfy_cursor *c, unsigned flags, unsigned depth)
{
    if (depth > VFY_TLV_MAX_DEPTH)
        return vfy_cur_fail(c, VFY_E_TOO_DEEP, "nesting deeper than %d at offset %zu",
                            VFY_TLV_MAX_DEPTH, vfy_cur_offset(c));
    while (!vfy_cur_at_end(c)) {
        vfy_tlv t;
        VFY_TRY(tlv_next_depth(c, flags, depth, &t));
        if (t.constructed) {
            vfy_cursor inner = t.value;
            VFY_TRY(validate_children(&inner, flags, depth + 1));
        }
    }
    return VFY_OK;
}

vfy_status vfy_tlv_validate(const uint8_t *data, size_t len, unsigned flags, const char *field,
                            vfy_detail *detail)
{
    vfy_tlv top;
    VFY_TRY(vfy_tlv_parse_one(data, len, flags, field, detail, &top));
    if (!top.constructed)
        return VFY_OK;
    vfy_cursor inner = top.value;
    return validate_children(&inner, flags, 1);
}
