/*
 * Internal: the bounded cursor. Every byte that comes from outside the library
 * (chip, reader, barcode, file, user) is read through one of these; no other code
 * indexes into input buffers.
 *
 * A cursor is a read-only window (data, len) with a position. Each read checks the
 * bounds first, advances only on success, delivers its value through an
 * out-parameter and returns a vfy_status. On failure it fills the cursor's detail
 * (if any) with the field name and the absolute byte offset, so an error deep in a
 * nested structure still points at the right byte of the original input.
 *
 * Views (vfy_cur_bytes, vfy_cur_sub) are zero-copy: they point into the caller's
 * buffer, which must outlive them. Nothing here allocates.
 */
#ifndef VFY_CORE_CURSOR_H
#define VFY_CORE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/status.h"

typedef struct vfy_cursor {
    const uint8_t *data;  /* start of the window */
    size_t len;           /* bytes in the window */
    size_t pos;           /* next byte to read; always <= len */
    size_t base;          /* absolute offset of data[0] in the outermost input */
    const char *field;    /* what is being parsed, for failure reports; may be NULL */
    vfy_detail *detail;   /* where failures are reported; may be NULL */
} vfy_cursor;

/* A cursor over (data, len). data may be NULL only when len is 0. */
void vfy_cur_init(vfy_cursor *c, const void *data, size_t len, const char *field,
                  vfy_detail *detail);

static inline size_t vfy_cur_remaining(const vfy_cursor *c) { return c->len - c->pos; }
static inline bool vfy_cur_at_end(const vfy_cursor *c) { return c->pos == c->len; }
/* Absolute offset of the next byte, for reports. */
static inline size_t vfy_cur_offset(const vfy_cursor *c) { return c->base + c->pos; }
/* Names what the cursor is reading now (kept by sub-cursors). */
static inline void vfy_cur_set_field(vfy_cursor *c, const char *field) { c->field = field; }

VFY_NODISCARD vfy_status vfy_cur_u8(vfy_cursor *c, uint8_t *out);
VFY_NODISCARD vfy_status vfy_cur_u16be(vfy_cursor *c, uint16_t *out);
VFY_NODISCARD vfy_status vfy_cur_u24be(vfy_cursor *c, uint32_t *out);
VFY_NODISCARD vfy_status vfy_cur_u32be(vfy_cursor *c, uint32_t *out);
VFY_NODISCARD vfy_status vfy_cur_u16le(vfy_cursor *c, uint16_t *out);
VFY_NODISCARD vfy_status vfy_cur_u32le(vfy_cursor *c, uint32_t *out);
/* An unsigned big-endian integer of n (1..8) bytes. */
VFY_NODISCARD vfy_status vfy_cur_uint_be(vfy_cursor *c, size_t n, uint64_t *out);

/* Looks at the byte `ahead` positions from the current one without consuming it. */
VFY_NODISCARD vfy_status vfy_cur_peek(const vfy_cursor *c, size_t ahead, uint8_t *out);

/* A zero-copy view of the next n bytes, consumed. */
VFY_NODISCARD vfy_status vfy_cur_bytes(vfy_cursor *c, size_t n, const uint8_t **out);
/* Copies the next n bytes into dst, consumed. */
VFY_NODISCARD vfy_status vfy_cur_copy(vfy_cursor *c, void *dst, size_t n);
VFY_NODISCARD vfy_status vfy_cur_skip(vfy_cursor *c, size_t n);
/* The next n bytes as a child cursor (same detail; field `field`, or the parent's if NULL). */
VFY_NODISCARD vfy_status vfy_cur_sub(vfy_cursor *c, size_t n, const char *field, vfy_cursor *sub);
/* All remaining bytes as a view, consumed. Never fails. */
void vfy_cur_rest(vfy_cursor *c, const uint8_t **out, size_t *n);

/* The next byte must be `want`. */
VFY_NODISCARD vfy_status vfy_cur_expect_u8(vfy_cursor *c, uint8_t want, const char *what);
/* Nothing may remain. */
VFY_NODISCARD vfy_status vfy_cur_expect_end(vfy_cursor *c);

/* BER tags and lengths (ISO/IEC 8825-1, ISO/IEC 7816-4). */
#define VFY_BER_TAG_MAX_BYTES 4
#define VFY_BER_LENGTH_MAX_BYTES 4
/* Reads a tag of 1 to 4 bytes as a big-endian number: 0x30, 0x5F1F, 0x7F61. */
VFY_NODISCARD vfy_status vfy_cur_ber_tag(vfy_cursor *c, uint32_t *tag, bool *constructed);
/* Reads a length. Short form, long form with 1 to 4 length bytes, or (only when
 * allow_indefinite) 0x80, which sets *indefinite. With `der`, long forms that could
 * have been shorter are refused. */
VFY_NODISCARD vfy_status vfy_cur_ber_length(vfy_cursor *c, bool der, bool allow_indefinite,
                                            size_t *len, bool *indefinite);

/* Reports a failure at the cursor's current position (for semantic checks). */
vfy_status vfy_cur_fail(const vfy_cursor *c, vfy_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
