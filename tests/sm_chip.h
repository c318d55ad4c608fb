/* The chip's side of secure messaging for tests and fuzzing: the simulated chip's own
 * implementation (libverify-sim/sim/sim_sm.c, the only chip-side SM in the project) behind the raw
 * bytes that tests exchange with the terminal (chip/sm.c). */
#ifndef VFY_TESTS_SM_CHIP_H
#define VFY_TESTS_SM_CHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chip/apdu.h"
#include "crypto/crypto.h"
#include "sim/sim_internal.h"

typedef struct sm_chip {
    struct sim_sm sm;
    uint8_t *resp; /* SIM_RESP_MAX bytes: sim_sm_wrap works in place */
} sm_chip;

/* Opens a session; ssc NULL is all zero (PACE). */
vfy_status sm_chip_open(sm_chip *c, vfy_cipher cipher, const uint8_t *kenc, const uint8_t *kmac,
                        const uint8_t *ssc);
void sm_chip_close(sm_chip *c);
bool sm_chip_active(const sm_chip *c);
/* The current send sequence counter (8 bytes for 3DES, 16 for AES). */
uint8_t *sm_chip_ssc(sm_chip *c);
/* Unwraps a protected command APDU: 0x9000 and the plain command (plain->data points
 * into buf), or the status word the chip answers instead (6987, 6988; session closed). */
uint16_t sm_chip_unwrap(sm_chip *c, const uint8_t *cmd, size_t len, vfy_apdu *plain, uint8_t *buf,
                        size_t cap);
/* Protects a response: DO'87' (DO'85' for odd instructions), DO'99', DO'8E', then SW. */
vfy_status sm_chip_wrap(sm_chip *c, uint8_t ins, const uint8_t *data, size_t len, uint16_t sw,
                        uint8_t *out, size_t cap, size_t *out_len);

#endif
