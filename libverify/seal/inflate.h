/*
 * Internal: bounded zlib inflation (RFC 1950: zlib header, deflate data, Adler-32)
 * for compressed IDB payloads. Raw deflate and gzip are refused. The output is
 * capped: a stream that would produce more than `limit` bytes is refused as a
 * decompression bomb without inflating further; the stream must end exactly at
 * the end of the input.
 */
#ifndef VFY_SEAL_INFLATE_H
#define VFY_SEAL_INFLATE_H

#include "core/cursor.h"

/* Inflates all remaining bytes of c into out (at least limit + 1 bytes). */
VFY_NODISCARD vfy_status seal_inflate(vfy_cursor *c, uint8_t *out, size_t limit, size_t *out_len);

#endif
