/* Test rigs: the cards behind the emulated readers (see rig_card.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig_card.h"
#include "sim/sim_chip.h"

struct rig_card {
    uint32_t counter;   /* probe: feeds GET CHALLENGE, distinct answers, reproducible runs */
    vfy_sim_chip *chip; /* sim: libverify's simulated chip */
    char *sim_spec;     /* what follows "sim", to make the chip again */
    bool removed;
};

static const uint8_t emrtd_aid[] = { 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01 };

static size_t sw(uint8_t *resp, size_t at, uint16_t status)
{
    resp[at] = (uint8_t)(status >> 8);
    resp[at + 1] = (uint8_t)status;
    return at + 2;
}

/* Body of a command APDU: Lc data (short or extended) and Le, or 0 on a malformed one. */
static bool split_apdu(const uint8_t *cmd, size_t len, const uint8_t **data, size_t *lc,
                       size_t *le)
{
    *data = NULL;
    *lc = 0;
    *le = 0;
    if (len < 4)
        return false;
    if (len == 4)
        return true;
    if (len == 5) {
        *le = cmd[4] == 0 ? 256 : cmd[4];
        return true;
    }
    if (cmd[4] != 0) {   /* short */
        *lc = cmd[4];
        if (len == 5 + *lc) {
            *data = cmd + 5;
            return true;
        }
        if (len == 6 + *lc) {
            *data = cmd + 5;
            *le = cmd[len - 1] == 0 ? 256 : cmd[len - 1];
            return true;
        }
        return false;
    }
    if (len == 7) {   /* extended, case 2 */
        size_t v = (size_t)cmd[5] << 8 | cmd[6];
        *le = v == 0 ? 65536 : v;
        return true;
    }
    *lc = (size_t)cmd[5] << 8 | cmd[6];
    if (*lc == 0 || len < 7 + *lc)
        return false;
    *data = cmd + 7;
    if (len == 7 + *lc)
        return true;
    if (len == 9 + *lc) {
        size_t v = (size_t)cmd[len - 2] << 8 | cmd[len - 1];
        *le = v == 0 ? 65536 : v;
        return true;
    }
    return false;
}

static size_t probe_transceive(rig_card *card, const uint8_t *cmd, size_t len, uint8_t *resp,
                               size_t cap)
{
    const uint8_t *data;
    size_t lc, le;
    if (cap < 2)
        return 0;
    if (!split_apdu(cmd, len, &data, &lc, &le))
        return sw(resp, 0, 0x6700);
    if (cmd[0] == 0x00 && cmd[1] == 0xA4 && cmd[2] == 0x04) {
        bool ours = lc == sizeof emrtd_aid && memcmp(data, emrtd_aid, lc) == 0;
        return sw(resp, 0, ours ? 0x9000 : 0x6A82);
    }
    if (cmd[0] == 0x00 && cmd[1] == 0x84) {
        if (le + 2 > cap)
            return 0;
        for (size_t i = 0; i < le; i++) {
            card->counter = card->counter * 1103515245u + 12345u;
            resp[i] = (uint8_t)(card->counter >> 16);
        }
        return sw(resp, le, 0x9000);
    }
    if (cmd[0] == 0x80 && cmd[1] == 0xEE) {
        if (lc + 2 > cap)
            return 0;
        if (lc > 0)
            memcpy(resp, data, lc);
        return sw(resp, lc, 0x9000);
    }
    if (cmd[0] == 0x80 && cmd[1] == 0xF0) {
        size_t n = (size_t)cmd[2] << 8 | cmd[3];
        if (n + 2 > cap)
            return 0;
        for (size_t i = 0; i < n; i++)
            resp[i] = (uint8_t)i;
        return sw(resp, n, 0x9000);
    }
    return sw(resp, 0, 0x6D00);
}

size_t rig_card_transceive(rig_card *card, const uint8_t *cmd, size_t len, uint8_t *resp,
                           size_t cap)
{
    if (card->chip == NULL)
        return probe_transceive(card, cmd, len, resp, cap);
    if (card->removed)
        return 0;
    size_t n = 0;
    vfy_status s = vfy_sim_chip_transceive(card->chip, cmd, len, resp, cap, &n);
    if (s == VFY_E_CARD_REMOVED || vfy_sim_chip_removed(card->chip)) {
        card->removed = true;   /* the chip's own profile took it out of the field */
        return s == VFY_OK ? n : 0;
    }
    return s == VFY_OK ? n : 0;
}

bool rig_card_removed(const rig_card *card)
{
    return card->removed;
}

static vfy_sim_chip *make_chip(const char *sim_spec)
{
    vfy_sim_chip *chip = NULL;
    vfy_detail d = { 0 };
    if (vfy_sim_chip_new(sim_spec, &chip, &d) != VFY_OK) {
        fprintf(stderr, "rig: simulated chip 'sim%s': %s\n", sim_spec, d.message);
        return NULL;
    }
    return chip;
}

void rig_card_reset(rig_card *card)
{
    if (card->chip == NULL)
        return;
    if (card->removed) {   /* put back after its profile removed it: a fresh chip */
        vfy_sim_chip *chip = make_chip(card->sim_spec);
        if (chip == NULL)
            return;
        vfy_sim_chip_free(card->chip);
        card->chip = chip;
        card->removed = false;
        return;
    }
    vfy_sim_chip_reset(card->chip);
}

rig_card *rig_card_new(const char *spec)
{
    bool sim = strncmp(spec, "sim", 3) == 0 &&
               (spec[3] == '\0' || spec[3] == ':' || spec[3] == '?');
    if (strcmp(spec, "probe") != 0 && !sim) {
        fprintf(stderr, "rig: unknown card '%s' (known: probe, sim[:DIR][?OPTIONS])\n", spec);
        return NULL;
    }
    rig_card *card = calloc(1, sizeof *card);
    if (card == NULL)
        return NULL;
    card->counter = 0x5EED;
    if (sim) {
        card->sim_spec = strdup(spec + 3);
        card->chip = card->sim_spec != NULL ? make_chip(card->sim_spec) : NULL;
        if (card->chip == NULL) {
            rig_card_free(card);
            return NULL;
        }
    }
    return card;
}

void rig_card_free(rig_card *card)
{
    if (card == NULL)
        return;
    vfy_sim_chip_free(card->chip);
    free(card->sim_spec);
    free(card);
}
