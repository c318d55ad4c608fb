/*
 * Internal: reading an elementary file of the chip (ICAO 9303-10 LDS files, EF.CardAccess).
 *
 * A file is addressed by its short EF identifier inside the first READ BINARY (no SELECT
 * needed) or, when the chip refuses that, selected by file identifier. The first READ
 * asks for a whole block: the TLV header in it gives the file's length, and a file no
 * longer than one block is then read in one APDU. The rest is read in the largest blocks
 * that the transport and the chip accept under secure messaging: extended length when
 * both carry it, else the largest short-APDU block that still fits after the SM overhead
 * (223 bytes with AES, 231 with 3DES, 256 in plain). Offsets above 32767 use READ BINARY
 * with the odd instruction (B1, offset in DO'54', data in DO'53').
 *
 * The reader learns the chip: a refusal (6700, a response that SM cannot parse, an empty
 * answer to Le=65536) or a silently shortened answer lowers the block size, which then
 * holds for the rest of the session; the channel keeps the SSC in step on every retry.
 * 6282 on the last block is end-of-file with valid data. A file that ends before its TLV
 * header says is VFY_E_TRUNCATED; one that claims more than VFY_FILE_MAX_BYTES, VFY_E_LIMIT.
 *
 * Non-goals: record files, files without a BER-TLV header, writing.
 */
#ifndef VFY_CHIP_FILE_READ_H
#define VFY_CHIP_FILE_READ_H

#include "chip/channel.h"

/* Called after each block; return false to cancel (the read fails with VFY_E_CANCELLED). */
typedef bool (*vfy_read_progress_fn)(void *ctx, const char *file, size_t done, size_t total);

typedef struct vfy_file_reader {
    vfy_channel *ch;
    size_t chip_limit;      /* largest plain block the chip was seen to accept; 0 = unknown */
    bool ext_refused;       /* the chip refused extended length */
    bool sfi_refused;       /* the chip refused short EF identifiers in READ BINARY */
    unsigned fallbacks;     /* how many refusals were absorbed */
    vfy_read_progress_fn progress;
    void *progress_ctx;
} vfy_file_reader;

void vfy_file_reader_init(vfy_file_reader *r, vfy_channel *ch);

/* The plain bytes one READ BINARY asks for now (after what was learnt of the chip). */
size_t vfy_file_reader_block(const vfy_file_reader *r);

/* Reads the whole file (its TLV element, without any bytes after it) into a new buffer
 * (caller frees). `name` names the file in failures ("DG2"). sfi 0 = select by fid only.
 * Failures: VFY_E_FILE_NOT_FOUND (6A82), VFY_E_ACCESS_DENIED (6982), VFY_E_TRUNCATED,
 * VFY_E_LIMIT, VFY_E_STATUS_WORD, VFY_E_CHIP_PROTOCOL, VFY_E_CANCELLED, and whatever the
 * channel reports (VFY_E_SM_MAC, VFY_E_CARD_REMOVED ...). */
VFY_NODISCARD vfy_status vfy_file_read(vfy_file_reader *r, uint16_t fid, uint8_t sfi,
                                       const char *name, uint8_t **out, size_t *len,
                                       vfy_detail *detail);

#endif
