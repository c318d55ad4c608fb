/*
 * Internal: C40 text as used by VDS and IDB (BSI TR-03137 annex B, normative).
 *
 * Strict subset: an even number of bytes; each pair is either a C40 triple
 * (value 1..64000, characters space, 0-9, A-Z) or, as the very last pair, the
 * DataMatrix "unlatch" 0xFE followed by ASCII+1 of one such character. The Shift-1
 * value 0 is accepted only as padding in the third position of the last pair;
 * Shift 2/3 are refused. These rules also tell a wrongly guessed header layout.
 */
#ifndef VFY_SEAL_C40_H
#define VFY_SEAL_C40_H

#include "core/cursor.h"

/* Longest text n C40 bytes can carry, plus the NUL. */
#define SEAL_C40_TEXT_CAP(nbytes) ((nbytes) / 2 * 3 + 1)

/* Decodes the next nbytes of c into out (NUL-terminated, at most cap-1 chars);
 * *text_len gets the number of characters. Fails with VFY_E_BAD_ENCODING at the
 * offending pair; consumes nothing on failure. */
VFY_NODISCARD vfy_status seal_c40_decode(vfy_cursor *c, size_t nbytes, char *out, size_t cap,
                                         size_t *text_len);

/* Replaces the spaces of decoded MRZ text by the filler '<'. */
void seal_c40_restore_filler(char *text);

#endif
