/*
 * Test rigs: the card behind an emulated reader (the PN532 emulator, the vpcd bridge).
 *
 * "probe" is a fixed test applet for link-level tests (sizes, timing, removal); it is not
 * a passport:
 *   00 A4 04 0C Lc AID       SELECT by AID: 9000 for the eMRTD AID A0000002471001, else 6A82
 *   00 84 00 00 Le           GET CHALLENGE: Le bytes (Le 00 = 256) of counter-derived data
 *   80 EE 00 00 Lc DATA [Le] ECHO: DATA back, 9000 (short or extended Lc)
 *   80 F0 P1 P2 [Le]         FILL: P1P2 bytes (i & 0xFF for i = 0..) then 9000
 *   anything else            6D00
 * "sim[:DIR][?OPTIONS]" is libverify's simulated eMRTD chip (hw/sim) when it is built in.
 */
#ifndef RIG_CARD_H
#define RIG_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rig_card rig_card;

/* NULL (with a message on stderr) when the spec is unknown or the card cannot be made. */
rig_card *rig_card_new(const char *spec);
/* Answers one command APDU; returns the response length (with SW), 0 when cap is too small. */
size_t rig_card_transceive(rig_card *card, const uint8_t *cmd, size_t len, uint8_t *resp,
                           size_t cap);
/* Whether the card left the field by itself (the simulated chip's remove_after). */
bool rig_card_removed(const rig_card *card);
/* Power cycle: a new selection ends every session state. */
void rig_card_reset(rig_card *card);
void rig_card_free(rig_card *card);

#endif
