/*
 * Internal: the dates of seals.
 *
 * VDS (Doc 9303-13): 3 bytes, the decimal MMDDYYYY read as an integer, big-endian.
 * IDB masked date: 1 mask byte (bit 7 = first M digit ... bit 0 = last Y digit,
 * vdstools order, see docs/seals.md) + the same 3 bytes with unknown digits as 0.
 * Month and day are validated: garbage here is the tell-tale of a wrong layout.
 */
#ifndef VFY_SEAL_DATE_H
#define VFY_SEAL_DATE_H

#include "core/cursor.h"
#include "verify/mrz.h"

/* Reads a 3-byte VDS date. VFY_E_BAD_VALUE for an impossible date. */
VFY_NODISCARD vfy_status seal_date3_read(vfy_cursor *c, vfy_date *out);

/* Reads a 4-byte masked date. Unknown parts are 0 in *out; text gets
 * "YYYY-MM-DD" with 'x' for unknown digits (11 bytes). */
VFY_NODISCARD vfy_status seal_masked_date_read(vfy_cursor *c, vfy_date *out, char text[11]);

#endif
