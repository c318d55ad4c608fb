/* Fuzz target: the terminal's BAC and PACE against a hostile chip. The input is a mode
 * byte and a list of chip responses (2-byte big-endian length, then the bytes) that a fake
 * transport hands out in order; the terminal's randomness is fixed. Mode bit 0 picks BAC,
 * else PACE with the mapping of bits 1-2 (GM ECDH, GM DH, IM, CAM). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "chip/bac.h"
#include "auth/auth.h"
#include "chip/pace.h"

typedef struct fuzz_chip {
    vfy_transport t;
    const uint8_t *data;
    size_t len, pos;
} fuzz_chip;

static vfy_status fz_transmit(vfy_transport *t, const uint8_t *cmd, size_t cmd_len,
                              uint8_t *resp, size_t cap, size_t *rlen, vfy_detail *detail)
{
    (void)cmd;
    (void)cmd_len;
    (void)detail;
    fuzz_chip *f = (fuzz_chip *)t;
    if (f->len - f->pos < 2)
        return VFY_E_CARD_REMOVED;
    size_t n = (size_t)(f->data[f->pos] << 8 | f->data[f->pos + 1]);
    f->pos += 2;
    if (n > f->len - f->pos)
        n = f->len - f->pos;
    if (n > cap)
        return VFY_E_READER_LIMIT;
    memcpy(resp, f->data + f->pos, n);
    f->pos += n;
    *rlen = n;
    return VFY_OK;
}

static void fz_close(vfy_transport *t) { (void)t; }
static const struct vfy_transport_ops fz_ops = { .name = "fuzz", .transmit = fz_transmit,
                                                 .close = fz_close };

static vfy_status fixed_rng(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++)
        out[i] = (uint8_t)(0x5A ^ (i * 37));
    return VFY_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    fuzz_chip f = { .data = data + 1, .len = size - 1 };
    f.t.ops = &fz_ops;
    f.t.caps.max_command = 65544;
    f.t.caps.max_response = 65538;
    vfy_channel ch;
    if (vfy_channel_init(&ch, &f.t, NULL) != VFY_OK)
        return 0;
    ch.rng.fn = fixed_rng;
    vfy_detail d;
    vfy_detail_clear(&d);
    if (data[0] & 1) {
        (void)vfy_bac_run(&ch, "L898902C<369080619406236", &d);
    } else {
        /* GM ECDH AES-128 P-256, GM DH 3DES 1024, IM ECDH AES-128, CAM AES-128 */
        static const uint8_t families[4][2] = { { 2, 2 }, { 1, 1 }, { 4, 2 }, { 6, 2 } };
        static const unsigned params[4] = { 12, 0, 13, 13 };
        unsigned m = (data[0] >> 1) & 3;
        uint8_t oid[10] = { 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, families[m][0],
                            families[m][1] };
        vfy_pace_info info;
        if (vfy_pace_info_from_oid(oid, sizeof oid, &info, NULL) == VFY_OK) {
            info.has_parameter_id = true;
            info.parameter_id = params[m];
            vfy_pace_password pw = { VFY_PACE_PASSWORD_CAN, "123456" };
            vfy_pace_result r;
            if (vfy_pace_run(&ch, &pw, &info, &r, &d) == VFY_OK && r.has_chip_auth_data)
                (void)vfy_pace_cam_verify(&r, r.chip_ephemeral_public,
                                          r.chip_ephemeral_public_len, &d);
        }
    }
    vfy_channel_free(&ch);
    return 0;
}
