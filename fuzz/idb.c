/* Fuzz target: ICAO IDB barcodes — the text as scanned, and arbitrary payload bytes
 * wrapped as base32 behind each flag, so the zlib inflation (with its output limit)
 * and the payload parser see raw fuzz data. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "verify/seal.h"

static void run(const uint8_t *data, size_t size)
{
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    (void)vfy_seal_verify(data, size, NULL, &r, &d);
    vfy_seal_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size);
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    static uint8_t text[5 + 8192 * 8 / 5 + 8];
    if (size > 8192)
        return 0;
    for (char flag = 'A'; flag <= 'D'; flag++) {
        memcpy(text, "RDB1", 4);
        text[4] = (uint8_t)flag;
        size_t o = 5;
        uint32_t acc = 0;
        int bits = 0;
        for (size_t i = 0; i < size; i++) {
            acc = (acc << 8) | data[i];
            bits += 8;
            while (bits >= 5) {
                text[o++] = (uint8_t)alphabet[(acc >> (bits - 5)) & 31];
                bits -= 5;
            }
            acc &= (1u << bits) - 1;
        }
        if (bits > 0)
            text[o++] = (uint8_t)alphabet[(acc << (5 - bits)) & 31];
        run(text, o);
    }
    return 0;
}
