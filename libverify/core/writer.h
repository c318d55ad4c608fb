/*
 * Internal: the bounded writer, the output twin of the cursor. Every encoder (APDUs,
 * secure-messaging DOs, BER/DER, Chip and Terminal Authentication, the specimen
 * generator) writes its bytes through one of these; no other code pokes into output
 * buffers.
 *
 * A writer is a window (buf, cap) with a length. The error is sticky: the first write
 * that would overflow (or a failed close of a nested element) marks the writer failed,
 * writes nothing, and every later write is ignored. So an encoder issues its writes in
 * a row and checks once, at the end, with vfy_w_finish; it can never write past cap,
 * and a half-written output is never reported as complete.
 *
 * Nothing here allocates. buf may be NULL only when cap is 0 (a writer that just
 * measures: every write fails, which is useful only to test the failure path).
 */
#ifndef VFY_CORE_WRITER_H
#define VFY_CORE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/status.h"

typedef struct vfy_writer {
    uint8_t *buf;  /* start of the output window */
    size_t cap;    /* bytes available */
    size_t len;    /* bytes written; always <= cap */
    bool failed;   /* sticky: set by the first write that did not fit */
} vfy_writer;

/* A writer over (buf, cap), empty. */
void vfy_w_init(vfy_writer *w, void *buf, size_t cap);

static inline size_t vfy_w_len(const vfy_writer *w) { return w->len; }
static inline bool vfy_w_ok(const vfy_writer *w) { return !w->failed; }
static inline size_t vfy_w_room(const vfy_writer *w) { return w->failed ? 0 : w->cap - w->len; }

void vfy_w_u8(vfy_writer *w, uint8_t v);
void vfy_w_u16be(vfy_writer *w, uint16_t v);
void vfy_w_u32be(vfy_writer *w, uint32_t v);
/* n bytes from p (p may be NULL only when n is 0). p may not overlap the free room. */
void vfy_w_bytes(vfy_writer *w, const void *p, size_t n);
/* n copies of byte v (padding). */
void vfy_w_fill(vfy_writer *w, uint8_t v, size_t n);
/* Claims the next n (> 0) bytes for the caller to fill in place (a cipher or a key export
 * writing straight into the output) and returns them, or NULL (writer failed) if they
 * do not fit. The bytes are zeroed first, so an abandoned claim leaks nothing. */
uint8_t *vfy_w_claim(vfy_writer *w, size_t n);
/* Gives back the last n bytes written (an in-place producer wrote fewer than claimed). */
void vfy_w_unclaim(vfy_writer *w, size_t n);

/* BER (ISO/IEC 8825-1) tag of 1 to 4 bytes, given as a big-endian number (0x30, 0x5F1F,
 * 0x7F4E), then a definite length in the shortest form (DER): short form below 128,
 * else 0x81..0x84 and 1 to 4 length bytes. A tag of 0 or a length above 0xFFFFFFFF
 * fails the writer. */
void vfy_w_ber_tl(vfy_writer *w, uint32_t tag, size_t len);
/* Encoded size of a tag and length, without writing them. */
size_t vfy_ber_tl_size(uint32_t tag, size_t len);

/* Reserve and patch: opens a constructed (or primitive) element whose length is not
 * known yet. vfy_w_ber_open writes the tag and a one-byte placeholder length and
 * returns the mark to give to vfy_w_ber_close; close writes the real length of
 * everything written since, in the shortest form, moving the contents up when the
 * length needs more bytes (and failing the writer if the room is not there).
 * Elements nest: close the inner one first. */
size_t vfy_w_ber_open(vfy_writer *w, uint32_t tag);
void vfy_w_ber_close(vfy_writer *w, size_t mark);

/* Text: a writer over char buf[cap] that keeps one byte for the terminating NUL, so
 * buf always holds a C string (empty at first). A character that does not fit fails the
 * writer and leaves the text written so far: a caller that accepts truncation reads the
 * prefix, one that does not checks vfy_w_ok. */
void vfy_w_init_text(vfy_writer *w, char *buf, size_t cap);
static inline void vfy_w_char(vfy_writer *w, char ch) { vfy_w_u8(w, (uint8_t)ch); }
/* NUL-terminates the text (always in range: init_text kept the byte). */
void vfy_w_text_end(vfy_writer *w);

/* The verdict on a run of writes: VFY_OK and the length, or, if any write did not fit,
 * `status` (the caller's choice: VFY_E_APDU, VFY_E_INTERNAL ...) with a detail naming
 * `field` and the capacity. *len is 0 on failure. */
VFY_NODISCARD vfy_status vfy_w_finish(const vfy_writer *w, size_t *len, vfy_status status,
                                      const char *field, vfy_detail *detail);

#endif
