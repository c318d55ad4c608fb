/* The bounded writer: every check is "does n fit in the room left", done once, here. */
#include <string.h>

#include "core/fail.h"
#include "core/writer.h"

void vfy_w_init(vfy_writer *w, void *buf, size_t cap)
{
    w->buf = buf;
    w->cap = buf != NULL ? cap : 0;
    w->len = 0;
    w->failed = false;
}

void vfy_w_init_text(vfy_writer *w, char *buf, size_t cap)
{
    if (buf == NULL || cap == 0) { /* no room even for the NUL: a writer that holds nothing */
        vfy_w_init(w, NULL, 0);
        return;
    }
    vfy_w_init(w, buf, cap - 1);
    buf[0] = '\0';
}

void vfy_w_text_end(vfy_writer *w)
{
    if (w->buf != NULL)
        w->buf[w->len] = '\0'; /* len <= cap - 1 of the caller's buffer */
}

/* The one bounds check: true (and nothing written) when n bytes do not fit. */
static bool overflows(vfy_writer *w, size_t n)
{
    if (w->failed || n > w->cap - w->len) {
        w->failed = true;
        return true;
    }
    return false;
}

void vfy_w_bytes(vfy_writer *w, const void *p, size_t n)
{
    if (n == 0 || overflows(w, n))
        return;
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

void vfy_w_u8(vfy_writer *w, uint8_t v) { vfy_w_bytes(w, &v, 1); }

void vfy_w_u16be(vfy_writer *w, uint16_t v)
{
    const uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    vfy_w_bytes(w, b, sizeof b);
}

void vfy_w_u32be(vfy_writer *w, uint32_t v)
{
    const uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    vfy_w_bytes(w, b, sizeof b);
}

void vfy_w_fill(vfy_writer *w, uint8_t v, size_t n)
{
    if (n == 0 || overflows(w, n))
        return;
    memset(w->buf + w->len, v, n);
    w->len += n;
}

uint8_t *vfy_w_claim(vfy_writer *w, size_t n)
{
    if (n == 0) { /* nothing to fill is a caller bug, and would point past the buffer */
        w->failed = true;
        return NULL;
    }
    if (overflows(w, n))
        return NULL;
    uint8_t *p = w->buf + w->len;
    memset(p, 0, n);
    w->len += n;
    return p;
}

void vfy_w_unclaim(vfy_writer *w, size_t n)
{
    if (w->failed)
        return;
    if (n > w->len) { /* a caller bug; never silently wrap */
        w->failed = true;
        return;
    }
    w->len -= n;
}

/* Bytes of a BER tag given as a big-endian number (1..4; 0 for tag 0, which is invalid). */
static size_t tag_bytes(uint32_t tag)
{
    if (tag == 0)
        return 0;
    return tag > 0xFFFFFF ? 4 : tag > 0xFFFF ? 3 : tag > 0xFF ? 2 : 1;
}

/* Bytes of a definite length in its shortest form (0 when it has no 4-byte form). */
static size_t length_bytes(size_t len)
{
    if (len < 0x80)
        return 1;
    if (len > 0xFFFFFFFFu)
        return 0;
    return 1 + (len > 0xFFFFFF ? 4 : len > 0xFFFF ? 3 : len > 0xFF ? 2 : 1);
}

size_t vfy_ber_tl_size(uint32_t tag, size_t len)
{
    size_t t = tag_bytes(tag), l = length_bytes(len);
    return t == 0 || l == 0 ? 0 : t + l;
}

/* Writes the shortest-form length into exactly length_bytes(len) bytes at p. */
static void put_length(uint8_t *p, size_t len, size_t nbytes)
{
    if (nbytes == 1) {
        p[0] = (uint8_t)len;
        return;
    }
    p[0] = (uint8_t)(0x80 | (nbytes - 1));
    for (size_t i = nbytes - 1; i >= 1; i--) {
        p[i] = (uint8_t)len;
        len >>= 8;
    }
}

static void put_tag(vfy_writer *w, uint32_t tag)
{
    size_t t = tag_bytes(tag);
    if (t == 0) {
        w->failed = true;
        return;
    }
    for (size_t i = t; i > 0; i--)
        vfy_w_u8(w, (uint8_t)(tag >> (8 * (i - 1))));
}

void vfy_w_ber_tl(vfy_writer *w, uint32_t tag, size_t len)
{
    size_t l = length_bytes(len);
    if (l == 0 || tag_bytes(tag) == 0 || overflows(w, vfy_ber_tl_size(tag, len))) {
        w->failed = true;
        return;
    }
    put_tag(w, tag);
    put_length(w->buf + w->len, len, l);
    w->len += l;
}

size_t vfy_w_ber_open(vfy_writer *w, uint32_t tag)
{
    put_tag(w, tag);
    size_t mark = w->len;
    vfy_w_u8(w, 0); /* placeholder: one length byte, grown by close if needed */
    return mark;
}

void vfy_w_ber_close(vfy_writer *w, size_t mark)
{
    if (w->failed)
        return;
    if (mark >= w->len) { /* not a mark of this writer's open element */
        w->failed = true;
        return;
    }
    size_t content = w->len - mark - 1;
    size_t l = length_bytes(content);
    if (l == 0 || overflows(w, l - 1))
        return;
    if (l > 1)
        memmove(w->buf + mark + l, w->buf + mark + 1, content);
    put_length(w->buf + mark, content, l);
    w->len += l - 1;
}

vfy_status vfy_w_finish(const vfy_writer *w, size_t *len, vfy_status status, const char *field,
                        vfy_detail *detail)
{
    if (w->failed) {
        *len = 0;
        return vfy_fail(detail, status, field,
                        "the encoding does not fit in its %zu-byte buffer (or a nested "
                        "element was closed out of order)",
                        w->cap);
    }
    *len = w->len;
    return VFY_OK;
}
