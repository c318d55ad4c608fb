/* Fuzz target: secure-messaging response unwrapping (terminal, chip/sm.c) and command
 * unwrapping (the chip side, the simulator's libverify-sim/sim/sim_sm.c) with fixed keys, 3DES and
 * AES-128. The first input byte picks the mode. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "chip/sm.h"
#include "sim/sim_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* The appendix D.4 session keys, so the seed corpus carries valid MACs for 3DES. */
    static const uint8_t kenc[16] = { 0x97, 0x9e, 0xc1, 0x3b, 0x1c, 0xbf, 0xe9, 0xdc,
                                      0xd0, 0x1a, 0xb0, 0xfe, 0xd3, 0x07, 0xea, 0xe5 };
    static const uint8_t kmac[16] = { 0xf1, 0xcb, 0x1f, 0x1f, 0xb5, 0xad, 0xf2, 0x08,
                                      0x80, 0x6b, 0x89, 0xdc, 0x57, 0x9d, 0xc1, 0xf8 };
    static const uint8_t ssc[16] = { 0x88, 0x70, 0x22, 0x12, 0x0c, 0x06, 0xc2, 0x27 };
    uint8_t mode = data[0];
    vfy_cipher c = (mode & 1) ? VFY_CIPHER_AES128 : VFY_CIPHER_3DES;
    vfy_sm sm = { 0 };
    vfy_detail d;
    vfy_detail_clear(&d);
    if (vfy_sm_init(&sm, c, kenc, kmac, c == VFY_CIPHER_3DES ? ssc : NULL, &d) != VFY_OK)
        return 0;
    static uint8_t out[70000];
    if (mode & 2) {
        /* as the simulated chip's dispatcher does: parse, then unwrap a protected command */
        struct sim_sm chip = { 0 };
        static const uint8_t zero[16];
        struct sim_apdu outer, inner;
        if (sim_apdu_parse(data + 1, size - 1, &outer) == VFY_OK &&
            (outer.cla & 0x0C) == 0x0C &&
            sim_sm_open(&chip, c == VFY_CIPHER_3DES ? SIM_SM_3DES : SIM_SM_AES, kenc, kmac, 16,
                        c == VFY_CIPHER_3DES ? ssc : zero) == VFY_OK)
            (void)sim_sm_unwrap(&chip, &outer, &inner, out, sizeof out);
        sim_sm_close(&chip);
    } else {
        size_t n;
        uint16_t sw;
        (void)vfy_sm_unwrap_response(&sm, data + 1, size - 1, out, (mode & 4) ? 8 : sizeof out,
                                     &n, &sw, &d);
    }
    vfy_sm_wipe(&sm);
    return 0;
}
