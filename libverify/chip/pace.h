/*
 * Internal: PACE, the terminal side (ICAO 9303-11 §4.4).
 *
 * Runs MSE:Set AT and the GENERAL AUTHENTICATE chain for one PACEInfo (from
 * EF.CardAccess): the nonce decrypted with K_pi = KDF_pi(password), the mapping (generic
 * and integrated on ECDH and DH, chip authentication mapping on ECDH), the ephemeral key
 * agreement, the session keys (SHA-1 or SHA-256 KDF for 3DES and AES-128/192/256) and the
 * mutual check of the authentication tokens; on success secure messaging is active on the
 * channel with SSC = 0. The password is the MRZ_information (K = SHA-1 of it) or the CAN.
 * The parameter id (tag 84) is always sent in MSE:Set AT: chips with several PACEInfos
 * otherwise pick their first one.
 *
 * For CAM the result carries the decrypted chip authentication data CA_IC and the chip's
 * mapping public key PK_Map,IC. This layer only keeps them: auth/cam.c (vfy_pace_cam_verify)
 * checks them against the chip's static key PK_IC once the signed data that vouches for
 * that key has been read. Until then the chip is not authenticated.
 *
 * The terminal's random values (mapping key, IM nonce t, ephemeral key) come from the
 * channel's rng in that order. Curve and modular arithmetic is OpenSSL's (crypto/).
 */
#ifndef VFY_CHIP_PACE_H
#define VFY_CHIP_PACE_H

#include "chip/cardaccess.h"
#include "chip/channel.h"

typedef enum vfy_pace_password_kind {
    VFY_PACE_PASSWORD_MRZ = 1, /* value: MRZ_information, as from vfy_mrz_key_input */
    VFY_PACE_PASSWORD_CAN = 2, /* value: the card access number, digits */
} vfy_pace_password_kind;

typedef struct vfy_pace_password {
    vfy_pace_password_kind kind;
    const char *value;
} vfy_pace_password;

typedef struct vfy_pace_result {
    vfy_pace_info info;               /* the protocol that ran */
    char group[32];                   /* "brainpoolP256r1", "modp1024_160", ... */
    uint8_t chip_ephemeral_public[VFY_KA_MAX_PUBLIC]; /* PK_IC, for chip authentication */
    size_t chip_ephemeral_public_len;
    /* CAM only: */
    bool has_chip_auth_data;
    uint8_t ca_ic[VFY_KA_MAX_SECRET]; /* decrypted CA_IC */
    size_t ca_ic_len;
    uint8_t chip_mapping_public[VFY_KA_MAX_PUBLIC]; /* PK_Map,IC */
    size_t chip_mapping_public_len;
} vfy_pace_result;

/* K_pi of a password for a cipher. */
VFY_NODISCARD vfy_status vfy_pace_password_key(const vfy_pace_password *pw, vfy_cipher c,
                                               uint8_t *k_pi, vfy_detail *detail);

/* Runs PACE. Failures: VFY_E_PACE_FAILED (the chip refused a step, e.g. a wrong password at
 * the token step), VFY_E_PACE_TOKEN (the chip's token does not verify), VFY_E_BAD_VALUE (an
 * invalid chip key), VFY_E_CHIP_PROTOCOL (malformed answers), VFY_E_UNSUPPORTED. */
VFY_NODISCARD vfy_status vfy_pace_run(vfy_channel *ch, const vfy_pace_password *pw,
                                      const vfy_pace_info *info, vfy_pace_result *result,
                                      vfy_detail *detail);

/* The authentication token input: 7F49 { 06 oid, 86 point | 84 dh-value } (tests, chip). */
VFY_NODISCARD vfy_status vfy_pace_token_input(const vfy_pace_info *info, const uint8_t *pub,
                                              size_t pub_len, uint8_t *out, size_t cap,
                                              size_t *out_len, vfy_detail *detail);
/* T = MAC(KS_mac, token input): padded retail MAC for 3DES, CMAC for AES. */
VFY_NODISCARD vfy_status vfy_pace_token(const vfy_pace_info *info, const uint8_t *ks_mac,
                                        const uint8_t *pub, size_t pub_len,
                                        uint8_t token[VFY_MAC_LEN], vfy_detail *detail);

#endif
