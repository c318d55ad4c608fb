/*
 * Internal: the chip proving it is the one the state issued (ICAO 9303-11 §6).
 *
 * Active Authentication (§6.1): INTERNAL AUTHENTICATE with a fresh 8-byte challenge;
 * RSA signatures with ISO/IEC 9796-2 digital signature scheme 1 (message recovery,
 * SHA-1 or SHA-2 named by the trailer), ECDSA with the hash of DG14's
 * ActiveAuthenticationInfo (BSI TR-03111 ecdsa-plain or X9.62 OIDs), plain r||s (and,
 * as some chips send, DER). The tables are in auth/aa_algorithms.h.
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
#include "chip/pace.h"
#include "verify/lds.h"
#include "verify/verdict.h"

/* Keys below these sizes prove nothing: a 512-bit RSA key is factored in hours. */
#define AA_MIN_RSA_BITS 1024u
#define AA_MIN_EC_BITS 192u

/* What an AA check used, for the report: "rsa-iso9796-2-SHA-256",
 * "ecdsa-plain-SHA256 (r||s)", "ecdsa-with-SHA384 (DER)", "SHA-256 (r||s)" (no DG14). */
typedef struct aa_result {
    char algorithm[48];
} aa_result;

/* vfy_aa_verify, also saying which algorithm verified (used may be NULL). Statuses:
 * VFY_E_AA_FAILED (not a signature over this challenge by DG15's key),
 * VFY_E_ALGORITHM (DG14 names no ECDSA algorithm of 9303-11; DG15 neither RSA nor EC),
 * VFY_E_WEAK_KEY, VFY_E_INVALID_ARGUMENT, or DG15's/DG14's parse error. */
VFY_NODISCARD vfy_status auth_aa_verify(const uint8_t *dg15, size_t dg15_len, const uint8_t *dg14,
                                        size_t dg14_len, const uint8_t *challenge, size_t challenge_len,
                                        const uint8_t *signature, size_t signature_len, aa_result *used,
                                        vfy_detail *detail);

/* Runs AA over the channel with the DG15 key (and DG14 for ECDSA, may be NULL). */
VFY_NODISCARD vfy_status auth_active(vfy_channel *ch, const uint8_t *dg15, size_t dg15_len,
                                     const uint8_t *dg14, size_t dg14_len, vfy_detail *detail);

/* Runs CA v1 over the channel with the key of DG14; on success the channel's secure
 * messaging uses the new keys. */
VFY_NODISCARD vfy_status auth_chip(vfy_channel *ch, const uint8_t *dg14, size_t dg14_len,
                                   vfy_detail *detail);

/* PACE-CAM (auth/cam.c): checks CA_IC * PK_IC == PK_Map,IC for the chip's static public key
 * PK_IC (an uncompressed point on the PACE curve). VFY_E_CA_FAILED if it does not hold. */
VFY_NODISCARD vfy_status vfy_pace_cam_verify(const vfy_pace_result *result, const uint8_t *pk_ic,
                                             size_t pk_ic_len, vfy_detail *detail);

/* PACE-CAM against DG14's Chip Authentication key (whose hash Passive Authentication
 * checks; EF.CardSecurity must vouch for it too before the inspection counts it).
 * VFY_E_CA_FAILED when DG14 is NULL or unreadable, holds no key on the PACE curve, or the
 * chip's CAM data does not fit the key: a clone, reported as a failed check. */
VFY_NODISCARD vfy_status auth_pace_cam(const vfy_pace_result *result, const uint8_t *dg14,
                                       size_t dg14_len, vfy_detail *detail);

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
