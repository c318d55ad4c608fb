/*
 * Internal: the simulated eMRTD chip. One APDU in, one response APDU (data and status
 * word) out, exactly as a contactless passport would answer: the LDS1 application
 * (AID A0000002471001), SELECT (MF, by AID, by file identifier), READ BINARY (B0 with
 * a short EF identifier, B1 for offsets above 32767), GET CHALLENGE and MUTUAL
 * AUTHENTICATE (BAC), MSE:Set AT and GENERAL AUTHENTICATE (PACE), secure messaging in
 * 3DES and AES. It is written apart from the terminal code: it shares only the
 * crypto primitives, never the terminal's protocol code, so each side checks the other.
 *
 * The chip serves a passport from a dump folder (EF_COM.bin, EF_SOD.bin, DG1.bin ...
 * DG16.bin, EF_CardAccess.bin, EF_CardSecurity.bin) or, with no folder, the built-in
 * ICAO TD3 specimen (ERIKSSON ANNA MARIA, L898902C3).
 *
 * The spec string is what follows "sim" in a connection string: "" (built-in
 * specimen), ":DIR" (a dump folder), then optionally "?key=value&key=value" choosing a
 * profile and faults to inject (sim_profile.h lists every option; `vfy help sim` and
 * vfy(1) document them). Each fault makes the chip misbehave the way real chips and
 * readers do; the terminal must turn every one into a typed error, never a crash.
 *
 * Secure-messaging rules of this chip, which a terminal must keep its send sequence
 * counter in step with:
 *   - a protected command whose MAC verifies advances the SSC once, its protected
 *     response once more, even when the response carries an error status word;
 *   - an extended-length command on a chip without extended length is refused in plain
 *     with 6700 before any secure messaging: the SSC does not move, the session stays;
 *   - a protected command with a wrong MAC or missing data objects is answered in plain
 *     (6987/6988) and ends the session, as would an unprotected command while the
 *     session is open (6882);
 *   - a response the link truncates or empties (profile quirks) was still counted twice.
 */
#ifndef VFY_HW_SIM_CHIP_H
#define VFY_HW_SIM_CHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/status.h"

typedef struct vfy_sim_chip vfy_sim_chip;

/* Creates a chip from a spec: "", "?pace=off", ":DIR?max_le=223". Fails with
 * VFY_E_BAD_CONNECTION on an unknown or malformed option, VFY_E_IO on an unreadable
 * folder. */
VFY_NODISCARD vfy_status vfy_sim_chip_new(const char *spec, vfy_sim_chip **out, vfy_detail *d);

/* One APDU in, the response and its status word out, as a card. Returns VFY_OK with
 * a response in every case a real chip answers (errors are status words);
 * VFY_E_CARD_REMOVED once the profile took the card away; VFY_E_READER_LIMIT when
 * resp cannot hold the answer. */
VFY_NODISCARD vfy_status vfy_sim_chip_transceive(vfy_sim_chip *c, const uint8_t *cmd, size_t len,
                                                 uint8_t *resp, size_t cap, size_t *rlen);

/* Field off and on: selection, challenges and secure-messaging keys are wiped. */
void vfy_sim_chip_reset(vfy_sim_chip *c);

void vfy_sim_chip_free(vfy_sim_chip *c);

/* Whether the profile has taken the card out of the field (remove_after). */
bool vfy_sim_chip_removed(const vfy_sim_chip *c);

/* Simulated time the chip spent on its answers so far (profile option slow_us). */
uint64_t vfy_sim_chip_busy_us(const vfy_sim_chip *c);

#endif
