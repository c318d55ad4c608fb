/* The card channel: GET RESPONSE, Le repeats and secure messaging below the protocols. */
#include <stdlib.h>
#include <string.h>

#include "chip/channel.h"
#include "core/fail.h"

#define RESP_CAP (VFY_APDU_LE_EXT_MAX + 512)
#define CMD_CAP (VFY_APDU_MAX_ENCODED + 64)
#define MAX_GET_RESPONSE 512 /* bounds a chip that answers 61xx forever */
#define MAX_LE_REPEATS 3

vfy_status vfy_channel_init(vfy_channel *ch, vfy_transport *t, vfy_detail *detail)
{
    memset(ch, 0, sizeof *ch);
    ch->transport = t;
    ch->cmd_buf = malloc(CMD_CAP);
    ch->resp_buf = malloc(RESP_CAP);
    ch->resp_cap = RESP_CAP;
    if (ch->cmd_buf == NULL || ch->resp_buf == NULL) {
        vfy_channel_free(ch);
        return vfy_fail(detail, VFY_E_NO_MEMORY, "channel", "no memory for the card channel");
    }
    return VFY_OK;
}

void vfy_channel_free(vfy_channel *ch)
{
    vfy_sm_wipe(&ch->sm);
    vfy_wipe_free(ch->cmd_buf, ch->cmd_buf != NULL ? CMD_CAP : 0);
    vfy_wipe_free(ch->resp_buf, ch->resp_buf != NULL ? ch->resp_cap : 0);
    ch->cmd_buf = ch->resp_buf = NULL;
}

vfy_status vfy_channel_set_sm(vfy_channel *ch, vfy_cipher c, const uint8_t *ks_enc,
                              const uint8_t *ks_mac, const uint8_t *ssc, vfy_detail *detail)
{
    return vfy_sm_init(&ch->sm, c, ks_enc, ks_mac, ssc, detail);
}

void vfy_channel_end_sm(vfy_channel *ch) { vfy_sm_wipe(&ch->sm); }
bool vfy_channel_sm_active(const vfy_channel *ch) { return vfy_sm_active(&ch->sm); }

/* Sends the encoded command, then GET RESPONSE while the chip says 61xx; collects the data
 * parts in resp_buf followed by the last status word. */
static vfy_status exchange(vfy_channel *ch, size_t cmd_len, size_t *raw_len, vfy_detail *detail)
{
    size_t got = 0;
    for (unsigned round = 0;; round++) {
        size_t n;
        size_t room = ch->resp_cap - got;
        VFY_TRY(vfy_transport_transmit(ch->transport, ch->cmd_buf, cmd_len, ch->resp_buf + got,
                                       room, &n, detail));
        size_t data_n;
        uint16_t sw;
        VFY_TRY(vfy_apdu_response_split(ch->resp_buf + got, n, &data_n, &sw, detail));
        got += n; /* data || SW; the SW is dropped if more follows */
        if ((sw >> 8) != 0x61) {
            *raw_len = got;
            return VFY_OK;
        }
        got -= 2;
        if (round >= MAX_GET_RESPONSE || ch->resp_cap - got < 258)
            return vfy_fail(detail, VFY_E_CHIP_PROTOCOL, "GET RESPONSE",
                            "the chip keeps answering 61xx after %zu bytes", got);
        vfy_apdu gr = { .cla = 0x00, .ins = 0xC0, .le = (sw & 0xFF) == 0 ? 256u : (sw & 0xFFu) };
        VFY_TRY(vfy_apdu_encode(&gr, ch->cmd_buf, VFY_APDU_MAX_ENCODED, &cmd_len, detail));
        ch->get_responses++;
    }
}

vfy_status vfy_channel_transmit(vfy_channel *ch, const vfy_apdu *cmd, uint8_t *resp_data,
                                size_t cap, size_t *len, uint16_t *sw, vfy_detail *detail)
{
    *len = 0;
    *sw = 0;
    vfy_apdu cur = *cmd;
    for (unsigned attempt = 0;; attempt++) {
        size_t cmd_len = 0, raw_len = 0;
        uint8_t ssc_before[sizeof ch->sm.ssc];
        memcpy(ssc_before, ch->sm.ssc, sizeof ssc_before);
        if (vfy_sm_active(&ch->sm))
            VFY_TRY(vfy_sm_wrap_command(&ch->sm, &cur, ch->cmd_buf, VFY_APDU_MAX_ENCODED + 64,
                                        &cmd_len, detail));
        else
            VFY_TRY(vfy_apdu_encode(&cur, ch->cmd_buf, VFY_APDU_MAX_ENCODED + 64, &cmd_len,
                                    detail));
        VFY_TRY(exchange(ch, cmd_len, &raw_len, detail));
        size_t n;
        uint16_t status;
        if (vfy_sm_active(&ch->sm)) {
            VFY_TRY(vfy_sm_unwrap_response(&ch->sm, ch->resp_buf, raw_len, resp_data, cap, &n,
                                           &status, detail));
            /* A bare error status word means the chip refused the command before secure
             * messaging (6700 for an extended length it does not take, a wrong Le...): its
             * counter did not move, so ours goes back too and a repeat stays in step. (A
             * chip that failed our MAC answers 6987/6988 bare as well, but it has dropped
             * the session then.) */
            if (raw_len == 2)
                memcpy(ch->sm.ssc, ssc_before, sizeof ssc_before);
        } else {
            VFY_TRY(vfy_apdu_response_split(ch->resp_buf, raw_len, &n, &status, detail));
            if (n > cap)
                return vfy_fail(detail, VFY_E_LIMIT, "response",
                                "the chip returned %zu bytes, more than the %zu expected", n,
                                cap);
            memcpy(resp_data, ch->resp_buf, n);
        }
        if ((status >> 8) == 0x6C && attempt < MAX_LE_REPEATS) {
            uint32_t le = (status & 0xFF) == 0 ? 256u : (status & 0xFFu);
            if (le != cur.le) {
                cur.le = le;
                ch->le_repeats++;
                continue;
            }
        }
        *len = n;
        *sw = status;
        return VFY_OK;
    }
}

vfy_status vfy_channel_transmit_ok(vfy_channel *ch, const vfy_apdu *cmd, const char *what,
                                   uint8_t *resp_data, size_t cap, size_t *len,
                                   vfy_detail *detail)
{
    uint16_t sw;
    VFY_TRY(vfy_channel_transmit(ch, cmd, resp_data, cap, len, &sw, detail));
    if (sw != VFY_SW_OK)
        return vfy_fail(detail, VFY_E_STATUS_WORD, what, "the chip answered %s to %s",
                        vfy_sw_name(sw), what);
    return VFY_OK;
}
