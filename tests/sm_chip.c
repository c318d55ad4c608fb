/* See sm_chip.h: an adapter only; the protocol is libverify-sim/sim/sim_sm.c's. */
#include <stdlib.h>
#include <string.h>

#include "core/fail.h"
#include "sm_chip.h"

vfy_status sm_chip_open(sm_chip *c, vfy_cipher cipher, const uint8_t *kenc, const uint8_t *kmac,
                        const uint8_t *ssc)
{
    memset(c, 0, sizeof *c);
    static const uint8_t zero[16];
    size_t key_len = vfy_cipher_key_len(cipher);
    if (key_len == 0)
        return VFY_E_INVALID_ARGUMENT;
    c->resp = calloc(1, SIM_RESP_MAX);
    if (c->resp == NULL)
        return VFY_E_NO_MEMORY;
    vfy_status s = sim_sm_open(&c->sm, cipher == VFY_CIPHER_3DES ? SIM_SM_3DES : SIM_SM_AES, kenc,
                               kmac, key_len, ssc != NULL ? ssc : zero);
    if (s != VFY_OK)
        sm_chip_close(c);
    return s;
}

void sm_chip_close(sm_chip *c)
{
    sim_sm_close(&c->sm);
    free(c->resp);
    c->resp = NULL;
}

bool sm_chip_active(const sm_chip *c) { return c->sm.cipher != SIM_SM_NONE; }

uint8_t *sm_chip_ssc(sm_chip *c) { return c->sm.ssc; }

uint16_t sm_chip_unwrap(sm_chip *c, const uint8_t *cmd, size_t len, vfy_apdu *plain, uint8_t *buf,
                        size_t cap)
{
    struct sim_apdu outer, inner;
    memset(plain, 0, sizeof *plain);
    if (sim_apdu_parse(cmd, len, &outer) != VFY_OK)
        return SW_WRONG_LENGTH;
    if ((outer.cla & 0x0C) != 0x0C) /* the simulator's dispatcher makes the same test */
        return SW_SM_MISSING_DO;
    uint16_t sw = sim_sm_unwrap(&c->sm, &outer, &inner, buf, cap);
    if (sw != SW_OK)
        return sw;
    plain->cla = inner.cla;
    plain->ins = inner.ins;
    plain->p1 = inner.p1;
    plain->p2 = inner.p2;
    plain->data = inner.lc > 0 ? inner.data : NULL;
    plain->data_len = inner.lc;
    plain->le = (uint32_t)inner.le;
    plain->extended = inner.extended;
    return SW_OK;
}

vfy_status sm_chip_wrap(sm_chip *c, uint8_t ins, const uint8_t *data, size_t len, uint16_t sw,
                        uint8_t *out, size_t cap, size_t *out_len)
{
    *out_len = 0;
    if (len > SIM_RESP_MAX / 2)
        return VFY_E_LIMIT;
    struct sim_resp r = { .data = c->resp, .len = len, .sw = sw };
    if (len > 0)
        memcpy(r.data, data, len);
    VFY_TRY(sim_sm_wrap(&c->sm, &r, (ins & 1) != 0, false));
    if (r.len + 2 > cap)
        return VFY_E_LIMIT;
    memcpy(out, r.data, r.len);
    out[r.len] = (uint8_t)(sw >> 8);
    out[r.len + 1] = (uint8_t)sw;
    *out_len = r.len + 2;
    return VFY_OK;
}
