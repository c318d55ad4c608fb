/* libFuzzer harness: the simulated chip's command parser and handlers, fed arbitrary
 * APDUs in several states (master file, application selected, PACE started, a 3DES or
 * an AES secure-messaging session open) and profiles (GET RESPONSE chaining, 6282,
 * no extended length, B1 reads of a large file).
 *
 * Input: byte 0 picks the state, byte 1 the profile; then APDUs, each prefixed by a
 * two-byte big-endian length. The chip must answer every one without a crash, a leak or
 * an answer larger than the buffer it was given. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

static const char *const profiles[] = {
    "", "?pace=off", "?get_response=17", "?eof=6282&ext=off", "?max_le=100&trunc_at=40",
    "?mapping=im&param=13&cipher=aes256", "?param=0&cipher=3des", "?bac=off&pace=off",
};

static void send(vfy_sim_chip *c, const uint8_t *cmd, size_t n, uint8_t *resp, size_t cap)
{
    size_t rlen = 0;
    vfy_status s = vfy_sim_chip_transceive(c, cmd, n, resp, cap, &rlen);
    if (s == VFY_OK && (rlen < 2 || rlen > cap))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    vfy_sim_chip *c = NULL;
    if (vfy_sim_chip_new(profiles[data[1] % (sizeof profiles / sizeof profiles[0])], &c, NULL) !=
        VFY_OK)
        return 0;
    static uint8_t resp[SIM_RESP_MAX];
    static const uint8_t select_app[] = { 0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00,
                                          0x00, 0x02, 0x47, 0x10, 0x01 };
    static const uint8_t mse[] = { 0x00, 0x22, 0xC1, 0xA4, 0x0F, 0x80, 0x0A, 0x04, 0x00, 0x7F,
                                   0x00, 0x07, 0x02, 0x02, 0x04, 0x02, 0x02, 0x83, 0x01, 0x02 };
    static const uint8_t keys[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                      17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30 };
    static const uint8_t ssc[16] = { 0 };
    switch (data[0] % 5) {
    case 1:
        send(c, select_app, sizeof select_app, resp, sizeof resp);
        break;
    case 2:
        send(c, mse, sizeof mse, resp, sizeof resp);
        break;
    case 3:
        send(c, select_app, sizeof select_app, resp, sizeof resp);
        if (sim_session_start(c, SIM_SM_3DES, keys, keys + 16, 16, ssc) != VFY_OK)
            abort();
        break;
    case 4:
        send(c, select_app, sizeof select_app, resp, sizeof resp);
        if (sim_session_start(c, SIM_SM_AES, keys, keys + 16, 16, ssc) != VFY_OK)
            abort();
        break;
    default:
        break;
    }
    size_t pos = 2;
    while (pos + 2 <= size) {
        size_t n = (size_t)(data[pos] << 8 | data[pos + 1]);
        pos += 2;
        if (n > size - pos)
            n = size - pos;
        /* a copy of exactly n bytes, so that any over-read is caught */
        uint8_t *cmd = malloc(n > 0 ? n : 1);
        if (cmd == NULL)
            break;
        memcpy(cmd, data + pos, n);
        send(c, cmd, n, resp, data[0] & 0x80 ? 64 : sizeof resp);
        free(cmd);
        pos += n;
    }
    vfy_sim_chip_free(c);
    return 0;
}
