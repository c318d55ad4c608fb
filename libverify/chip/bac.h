/*
 * Internal: Basic Access Control (ICAO 9303-11 §4.3).
 *
 * Input: the MRZ_information string (document number with check digit, birth date with
 * check digit, expiry date with check digit), as produced by vfy_mrz_key_input. The
 * terminal runs GET CHALLENGE and EXTERNAL AUTHENTICATE (the MUTUAL AUTHENTICATE of the
 * standard), checks the chip's MAC in constant time before decrypting its answer, checks
 * that the chip returned the terminal's nonce, derives KS_enc/KS_mac from K.IFD xor K.IC
 * and starts 3DES secure messaging on the channel with SSC = RND.IC[4..8] || RND.IFD[4..8].
 * The terminal's RND.IFD and K.IFD come from the channel's rng (RND.IFD first).
 */
#ifndef VFY_CHIP_BAC_H
#define VFY_CHIP_BAC_H

#include "chip/channel.h"

/* K_enc and K_mac of the document: KDF(SHA-1(MRZ_information)[0..16], 1 / 2). */
VFY_NODISCARD vfy_status vfy_bac_document_keys(const char *mrz_information, uint8_t k_enc[16],
                                               uint8_t k_mac[16], vfy_detail *detail);

/* Runs BAC on the channel; on success secure messaging is active. Failures:
 * VFY_E_BAC_FAILED (the chip refused the key, or its answer does not verify),
 * VFY_E_STATUS_WORD, transport errors. */
VFY_NODISCARD vfy_status vfy_bac_run(vfy_channel *ch, const char *mrz_information,
                                     vfy_detail *detail);

#endif
