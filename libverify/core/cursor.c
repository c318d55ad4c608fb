/* The bounded cursor: every check in one place, every failure with its offset. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/cursor.h"
#include "core/fail.h"

void vfy_cur_init(vfy_cursor *c, const void *data, size_t len, const char *field,
                  vfy_detail *detail)
{
    c->data = data;
    c->len = data != NULL ? len : 0;
    c->pos = 0;
    c->base = 0;
    c->field = field;
    c->detail = detail;
}

vfy_status vfy_cur_fail(const vfy_cursor *c, vfy_status status, const char *fmt, ...)
{
    if (c->detail == NULL)
        return status;
    char msg[VFY_DETAIL_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return vfy_fail_at(c->detail, status, c->field, vfy_cur_offset(c), "%s", msg);
}

/* The single bounds check behind every read. */
static vfy_status need(const vfy_cursor *c, size_t n)
{
    if (n > vfy_cur_remaining(c))
        return vfy_cur_fail(c, VFY_E_TRUNCATED, "need %zu byte%s at offset %zu, only %zu left",
                            n, n == 1 ? "" : "s", vfy_cur_offset(c), vfy_cur_remaining(c));
    return VFY_OK;
}

vfy_status vfy_cur_uint_be(vfy_cursor *c, size_t n, uint64_t *out)
{
    if (n == 0 || n > 8)
        return vfy_cur_fail(c, VFY_E_INTERNAL, "integer width %zu out of range", n);
    VFY_TRY(need(c, n));
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | c->data[c->pos + i];
    c->pos += n;
    *out = v;
    return VFY_OK;
}

vfy_status vfy_cur_u8(vfy_cursor *c, uint8_t *out)
{
    VFY_TRY(need(c, 1));
    *out = c->data[c->pos++];
    return VFY_OK;
}

vfy_status vfy_cur_u16be(vfy_cursor *c, uint16_t *out)
{
    uint64_t v;
    VFY_TRY(vfy_cur_uint_be(c, 2, &v));
    *out = (uint16_t)v;
    return VFY_OK;
}

vfy_status vfy_cur_u24be(vfy_cursor *c, uint32_t *out)
{
    uint64_t v;
    VFY_TRY(vfy_cur_uint_be(c, 3, &v));
    *out = (uint32_t)v;
    return VFY_OK;
}

vfy_status vfy_cur_u32be(vfy_cursor *c, uint32_t *out)
{
    uint64_t v;
    VFY_TRY(vfy_cur_uint_be(c, 4, &v));
    *out = (uint32_t)v;
    return VFY_OK;
}

vfy_status vfy_cur_u16le(vfy_cursor *c, uint16_t *out)
{
    VFY_TRY(need(c, 2));
    *out = (uint16_t)(c->data[c->pos] | (c->data[c->pos + 1] << 8));
    c->pos += 2;
    return VFY_OK;
}

vfy_status vfy_cur_u32le(vfy_cursor *c, uint32_t *out)
{
    VFY_TRY(need(c, 4));
    const uint8_t *p = c->data + c->pos;
    *out = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
    c->pos += 4;
    return VFY_OK;
}

vfy_status vfy_cur_peek(const vfy_cursor *c, size_t ahead, uint8_t *out)
{
    if (ahead >= vfy_cur_remaining(c))
        return vfy_cur_fail(c, VFY_E_TRUNCATED, "input ends at offset %zu", c->base + c->len);
    *out = c->data[c->pos + ahead];
    return VFY_OK;
}

vfy_status vfy_cur_bytes(vfy_cursor *c, size_t n, const uint8_t **out)
{
    VFY_TRY(need(c, n));
    *out = c->data + c->pos;
    c->pos += n;
    return VFY_OK;
}

vfy_status vfy_cur_copy(vfy_cursor *c, void *dst, size_t n)
{
    VFY_TRY(need(c, n));
    if (n > 0)
        memcpy(dst, c->data + c->pos, n);
    c->pos += n;
    return VFY_OK;
}

vfy_status vfy_cur_skip(vfy_cursor *c, size_t n)
{
    VFY_TRY(need(c, n));
    c->pos += n;
    return VFY_OK;
}

vfy_status vfy_cur_sub(vfy_cursor *c, size_t n, const char *field, vfy_cursor *sub)
{
    VFY_TRY(need(c, n));
    sub->data = c->data + c->pos;
    sub->len = n;
    sub->pos = 0;
    sub->base = c->base + c->pos;
    sub->field = field != NULL ? field : c->field;
    sub->detail = c->detail;
    c->pos += n;
    return VFY_OK;
}

void vfy_cur_rest(vfy_cursor *c, const uint8_t **out, size_t *n)
{
    *out = c->data + c->pos;
    *n = vfy_cur_remaining(c);
    c->pos = c->len;
}

vfy_status vfy_cur_expect_u8(vfy_cursor *c, uint8_t want, const char *what)
{
    uint8_t got = 0;
    VFY_TRY(vfy_cur_peek(c, 0, &got));
    if (got != want)
        return vfy_cur_fail(c, VFY_E_BAD_VALUE, "expected %s (0x%02X) at offset %zu, found 0x%02X",
                            what != NULL ? what : "byte", want, vfy_cur_offset(c), got);
    c->pos++;
    return VFY_OK;
}

vfy_status vfy_cur_expect_end(vfy_cursor *c)
{
    if (!vfy_cur_at_end(c))
        return vfy_cur_fail(c, VFY_E_TRAILING_BYTES, "%zu unexpected byte%s at offset %zu",
                            vfy_cur_remaining(c), vfy_cur_remaining(c) == 1 ? "" : "s",
                            vfy_cur_offset(c));
    return VFY_OK;
}

vfy_status vfy_cur_ber_tag(vfy_cursor *c, uint32_t *tag, bool *constructed)
{
    size_t start = c->pos;
    uint8_t b;
    VFY_TRY(vfy_cur_u8(c, &b));
    uint32_t t = b;
    bool cons = (b & 0x20) != 0;
    if ((b & 0x1F) == 0x1F) {
        /* Subsequent bytes carry 7 bits each; bit 8 says another follows. */
        for (size_t i = 1;; i++) {
            if (i >= VFY_BER_TAG_MAX_BYTES) {
                c->pos = start;
                return vfy_cur_fail(c, VFY_E_BAD_TAG, "tag at offset %zu is longer than %d bytes",
                                    vfy_cur_offset(c), VFY_BER_TAG_MAX_BYTES);
            }
            vfy_status s = vfy_cur_u8(c, &b);
            if (s != VFY_OK) {
                c->pos = start;
                return s;
            }
            if (i == 1 && b == 0x80) {
                c->pos = start;
                return vfy_cur_fail(c, VFY_E_BAD_TAG, "tag at offset %zu has a padded tag number",
                                    vfy_cur_offset(c));
            }
            t = (t << 8) | b;
            if ((b & 0x80) == 0)
                break;
        }
    }
    *tag = t;
    if (constructed != NULL)
        *constructed = cons;
    return VFY_OK;
}

vfy_status vfy_cur_ber_length(vfy_cursor *c, bool der, bool allow_indefinite, size_t *len,
                              bool *indefinite)
{
    size_t start = c->pos;
    uint8_t b;
    VFY_TRY(vfy_cur_u8(c, &b));
    if (indefinite != NULL)
        *indefinite = false;
    if (b < 0x80) {
        *len = b;
        return VFY_OK;
    }
    if (b == 0x80) {
        if (!allow_indefinite || indefinite == NULL) {
            c->pos = start;
            return vfy_cur_fail(c, VFY_E_INDEFINITE_LENGTH,
                                "indefinite length (0x80) at offset %zu is not allowed here",
                                vfy_cur_offset(c));
        }
        *indefinite = true;
        *len = 0;
        return VFY_OK;
    }
    size_t n = b & 0x7F;
    if (n > VFY_BER_LENGTH_MAX_BYTES) {
        c->pos = start;
        return vfy_cur_fail(c, VFY_E_BAD_LENGTH, "length at offset %zu uses %zu bytes (at most %d)",
                            vfy_cur_offset(c), n, VFY_BER_LENGTH_MAX_BYTES);
    }
    uint64_t v;
    vfy_status s = vfy_cur_uint_be(c, n, &v);
    if (s != VFY_OK) {
        c->pos = start;
        return s;
    }
    if (der && (v < 0x80 || (n > 1 && (v >> (8 * (n - 1))) == 0))) {
        c->pos = start;
        return vfy_cur_fail(c, VFY_E_BAD_LENGTH, "length at offset %zu is not in minimal (DER) form",
                            vfy_cur_offset(c));
    }
    *len = (size_t)v;
    return VFY_OK;
}
