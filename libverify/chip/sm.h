/*
 * Internal: secure messaging (ICAO 9303-11 §9.8), both directions.
 *
 * A vfy_sm holds one session: the cipher (2-key 3DES with the retail MAC, or AES-128/192/256
 * with CMAC), KS_enc and KS_mac in libsodium guarded memory, and the send sequence counter
 * (8 bytes for 3DES, 16 for AES). Every wrap and unwrap increments the SSC first, so a
 * terminal and a chip that each call one function per APDU stay in step. The IV is zero
 * for 3DES and E(KS_enc, SSC) for AES.
 *
 * Data objects: DO'87' (padding-indicator 01 then the cryptogram) for even instructions,
 * DO'85' (cryptogram only) for odd ones, DO'97' (Le), DO'99' (status word), DO'8E' (MAC).
 * Received DOs are parsed structurally through the cursor; the MAC is compared in constant
 * time before anything inside the DOs is decrypted or returned. Non-goals: DO'81' plain data
 * and response chaining inside SM.
 *
 * Terminal side only: vfy_sm_wrap_command, vfy_sm_unwrap_response. The chip's side lives
 * in one place, the simulated chip (libverify-sim/sim/sim_sm.c), which the tests and the fuzzer
 * drive through tests/sm_chip.h; a terminal and a chip written separately that agree
 * with each other and with the appendix D.4 vectors keep each other honest.
 */
#ifndef VFY_CHIP_SM_H
#define VFY_CHIP_SM_H

#include "chip/apdu.h"
#include "crypto/crypto.h"

typedef struct vfy_sm {
    vfy_cipher cipher;
    vfy_secret ks_enc, ks_mac;
    uint8_t ssc[16];
    size_t ssc_len; /* the cipher's block length */
} vfy_sm;

/* Bytes SM adds to a response of n data bytes (DO'87' + DO'99' + DO'8E'), for block sizing
 * (one less for DO'85', which has no padding indicator). */
size_t vfy_sm_response_overhead(vfy_cipher c, size_t n);

/* Starts a session; ssc NULL means all zero (PACE), else ssc_len = block length bytes. */
VFY_NODISCARD vfy_status vfy_sm_init(vfy_sm *sm, vfy_cipher c, const uint8_t *ks_enc,
                                     const uint8_t *ks_mac, const uint8_t *ssc,
                                     vfy_detail *detail);
/* Wipes the keys and the counter. Safe on a zeroed or already wiped session. */
void vfy_sm_wipe(vfy_sm *sm);
bool vfy_sm_active(const vfy_sm *sm);

/* Terminal: protects a plain command into out (SSC+1). */
VFY_NODISCARD vfy_status vfy_sm_wrap_command(vfy_sm *sm, const vfy_apdu *plain, uint8_t *out,
                                             size_t cap, size_t *out_len, vfy_detail *detail);
/* Terminal: verifies and decrypts a response APDU (data || SW) (SSC+1). On success the
 * plain data is in data (data_len) and the status word in *sw (from DO'99' when present).
 * A response that is only an error status word (no DOs) is returned as that status word
 * with no data; an unprotected 9000 is VFY_E_SM_REQUIRED. */
VFY_NODISCARD vfy_status vfy_sm_unwrap_response(vfy_sm *sm, const uint8_t *resp,
                                                size_t resp_len, uint8_t *data, size_t cap,
                                                size_t *data_len, uint16_t *sw,
                                                vfy_detail *detail);

#endif
