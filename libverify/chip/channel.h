/*
 * Internal: the card channel, a transport plus an optional secure-messaging session.
 *
 * vfy_channel_transmit sends one logical command and returns one verified response. Below
 * the protocol code it handles 61xx (collects the rest with GET RESPONSE, on any command)
 * and 6Cxx (repeats the command with the Le the chip asked for). With SM active it wraps
 * every command and unwraps every response, so the SSC moves by two per exchange, also
 * on repeats, and it never returns response data whose MAC did not verify. A bare error
 * status word under SM (no data objects: the chip refused the command before secure
 * messaging, e.g. 6700 for an extended length it does not take) puts the SSC back where it
 * was before the command, as the chip's is; a bare 9000 is VFY_E_SM_REQUIRED and counts as
 * a full exchange. APDUs and bytes are counted in transport->stats.
 *
 * The channel also carries the terminal's randomness (an injectable vfy_rng, OpenSSL's by
 * default) for BAC and PACE. It does not own the transport.
 */
#ifndef VFY_CHIP_CHANNEL_H
#define VFY_CHIP_CHANNEL_H

#include "chip/apdu.h"
#include "chip/sm.h"
#include "crypto/crypto.h"
#include "transport.h"

typedef struct vfy_channel {
    vfy_transport *transport;
    vfy_sm sm;          /* active when vfy_sm_active(&sm) */
    vfy_rng rng;        /* terminal randomness; fn NULL = RAND_bytes */
    uint8_t *cmd_buf;   /* encoded command */
    uint8_t *resp_buf;  /* raw response, collected across GET RESPONSE */
    size_t resp_cap;
    uint32_t get_responses; /* GET RESPONSE commands sent */
    uint32_t le_repeats;    /* commands repeated after 6Cxx */
} vfy_channel;

VFY_NODISCARD vfy_status vfy_channel_init(vfy_channel *ch, vfy_transport *t,
                                          vfy_detail *detail);
/* Wipes the SM session and frees the buffers; the transport stays open. */
void vfy_channel_free(vfy_channel *ch);

/* Installs SM session keys (after BAC or PACE); ssc NULL = zero. */
VFY_NODISCARD vfy_status vfy_channel_set_sm(vfy_channel *ch, vfy_cipher c, const uint8_t *ks_enc,
                                            const uint8_t *ks_mac, const uint8_t *ssc,
                                            vfy_detail *detail);
/* Ends secure messaging (wipes the keys). */
void vfy_channel_end_sm(vfy_channel *ch);
bool vfy_channel_sm_active(const vfy_channel *ch);

/* Sends cmd and returns the response data (at most cap bytes) and status word. VFY_OK means
 * a well-formed (and, under SM, verified) response arrived, whatever its status word. */
VFY_NODISCARD vfy_status vfy_channel_transmit(vfy_channel *ch, const vfy_apdu *cmd,
                                              uint8_t *resp_data, size_t cap, size_t *len,
                                              uint16_t *sw, vfy_detail *detail);
/* The same, but any status word other than 9000 fails with VFY_E_STATUS_WORD naming what. */
VFY_NODISCARD vfy_status vfy_channel_transmit_ok(vfy_channel *ch, const vfy_apdu *cmd,
                                                 const char *what, uint8_t *resp_data,
                                                 size_t cap, size_t *len, vfy_detail *detail);

#endif
