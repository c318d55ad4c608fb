/*
 * Internal: ISO/IEC 7816-4 command APDUs and status words.
 *
 * Builds and parses command APDUs of cases 1 to 4 in short and extended length. A command
 * is a header, optional data (Lc = its length) and an optional expected length Le (1 to
 * 65536; 256 is encoded 00 in short form, 65536 as 0000 in extended form). Extended form
 * is used when the data exceeds 255 bytes, Le exceeds 256, or the caller asks for it.
 * Parsing (used by the simulated chip) reads through the bounded cursor and never copies:
 * the data field points into the input. Non-goals: chaining and T=0 case mapping.
 */
#ifndef VFY_CHIP_APDU_H
#define VFY_CHIP_APDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/status.h"

#define VFY_APDU_LE_NONE 0u
#define VFY_APDU_LE_SHORT_MAX 256u
#define VFY_APDU_LE_EXT_MAX 65536u
#define VFY_APDU_MAX_DATA 65535u
/* Largest encoded command: header, 3-byte Lc, data, 2-byte Le. */
#define VFY_APDU_MAX_ENCODED (4 + 3 + VFY_APDU_MAX_DATA + 2)

typedef struct vfy_apdu {
    uint8_t cla, ins, p1, p2;
    const uint8_t *data; /* NULL when data_len is 0 */
    size_t data_len;     /* Lc; 0 = no data field */
    uint32_t le;         /* expected response bytes; VFY_APDU_LE_NONE = no Le field */
    bool extended;       /* encode in extended form even when short would do */
} vfy_apdu;

/* Whether the command needs (or asks for) extended length. */
bool vfy_apdu_is_extended(const vfy_apdu *a);
/* Bytes of the encoding. */
size_t vfy_apdu_encoded_len(const vfy_apdu *a);

/* Encodes into out; VFY_E_APDU if the command is not encodable (e.g. Le > 65536). */
VFY_NODISCARD vfy_status vfy_apdu_encode(const vfy_apdu *a, uint8_t *out, size_t cap,
                                         size_t *out_len, vfy_detail *detail);
/* Parses a command APDU (cases 1-4, short or extended); a->data points into `in`. */
VFY_NODISCARD vfy_status vfy_apdu_decode(const uint8_t *in, size_t len, vfy_apdu *a,
                                         vfy_detail *detail);

/* Status words. */
#define VFY_SW_OK 0x9000u
#define VFY_SW_END_OF_FILE 0x6282u           /* warning: end reached before Le bytes */
#define VFY_SW_WRONG_LENGTH 0x6700u
#define VFY_SW_SECURITY_NOT_SATISFIED 0x6982u
#define VFY_SW_SM_DO_MISSING 0x6987u
#define VFY_SW_SM_DO_INCORRECT 0x6988u
#define VFY_SW_FILE_NOT_FOUND 0x6A82u
#define VFY_SW_WRONG_P1P2 0x6B00u
#define VFY_SW_AUTH_FAILED 0x6300u

/* True for 9000 and for the warnings 62xx/63xx that still carry valid data (e.g. 6282). */
static inline bool vfy_sw_is_ok(uint16_t sw) { return sw == VFY_SW_OK; }
/* A short name for the status word: "9000 success", "6A82 file not found", ... Never NULL;
 * the text is static (the hex digits of unknown words are not repeated). */
const char *vfy_sw_name(uint16_t sw);

/* Splits a response APDU into its data length and status word. */
VFY_NODISCARD vfy_status vfy_apdu_response_split(const uint8_t *resp, size_t len,
                                                 size_t *data_len, uint16_t *sw,
                                                 vfy_detail *detail);

#endif
