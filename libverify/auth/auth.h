/*
 * Internal: the chip proving it is the one the state issued (ICAO 9303-11 §6).
 *
 * Active Authentication (§6.1): INTERNAL AUTHENTICATE with a fresh 8-byte challenge;
 * RSA signatures with ISO/IEC 9796-2 digital signature scheme 1 (message recovery,
 * SHA-1 or SHA-2 named by the trailer), ECDSA with the hash of DG14's
 * ActiveAuthenticationInfo, plain r||s (and, as some chips send, DER).
 *
 * Chip Authentication version 1 (§6.2): the chip's static key from DG14, an ephemeral
 * terminal key on the same group, ECDH or DH; MSE:Set KAT (3DES) or MSE:Set AT +
 * GENERAL AUTHENTICATE; KS = KDF(K, 1/2) (CA v1, not v2's K || r); secure messaging
 * restarted with the new keys and a zero send sequence counter. A DG14 without
 * ChipAuthenticationInfo (FR) gets the protocol its key implies, with 3DES.
 *
 * Both need an open channel (after BAC or PACE). Both fail closed: any doubt is a
 * failed check, never a passed one.
 */
#ifndef VFY_AUTH_AUTH_H
#define VFY_AUTH_AUTH_H

#include "chip/channel.h"
#include "verify/lds.h"
#include "verify/verdict.h"

/* Runs AA over the channel with the DG15 key (and DG14 for ECDSA, may be NULL). */
VFY_NODISCARD vfy_status auth_active(vfy_channel *ch, const uint8_t *dg15, size_t dg15_len,
                                     const uint8_t *dg14, size_t dg14_len, vfy_detail *detail);

/* Runs CA v1 over the channel with the key of DG14; on success the channel's secure
 * messaging uses the new keys. */
VFY_NODISCARD vfy_status auth_chip(vfy_channel *ch, const uint8_t *dg14, size_t dg14_len,
                                   vfy_detail *detail);

/* The CA parameters chosen from DG14: which key, which cipher, which command. */
typedef struct auth_ca_plan {
    const vfy_security_info *key;    /* ChipAuthenticationPublicKeyInfo */
    const vfy_security_info *info;   /* ChipAuthenticationInfo, NULL when DG14 has none */
    vfy_lds_agreement agreement;
    vfy_lds_cipher cipher;
    bool use_kat;                    /* MSE:Set KAT (3DES without CAInfo) */
} auth_ca_plan;

VFY_NODISCARD vfy_status auth_ca_plan_from(const vfy_security_infos *infos, auth_ca_plan *out,
                                           vfy_detail *detail);

#endif
