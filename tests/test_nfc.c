/* The libnfc transport against real libnfc 1.8 driving the PN532 emulator
 * (tests/rigs/pn532_emu) on a pseudo-terminal: selection of type A and B targets,
 * exchanges, every size limit of libnfc and the PN532, timeouts, removal, the abort()
 * libnfc makes on a status byte with bit 8 set, an unplugged reader, reconnection. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "nfc/nfc_transport.h"
#include "rig.h"
#include "support.h"
#include "transport.h"

static const uint8_t select_emrtd[] = { 0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00,
                                        0x00, 0x02, 0x47, 0x10, 0x01 };
static const uint8_t get_challenge[] = { 0x00, 0x84, 0x00, 0x00, 0x08 };

static vfy_status xfer(vfy_transport *t, const uint8_t *cmd, size_t n, uint8_t *resp,
                       size_t *rn, vfy_detail *d)
{
    return vfy_transport_transmit(t, cmd, n, resp, 300, rn, d);
}

static void open_rig(struct pn532_rig *rig, const char *const args[], const char *suffix,
                     vfy_transport **t)
{
    pn532_rig_start(rig, args);
    char conn[200];
    snprintf(conn, sizeof conn, "%s%s", rig->conn, suffix != NULL ? suffix : "");
    vfy_detail d = { 0 };
    double t0 = rig_now_ms();
    vfy_status s = vfy_transport_open(conn, t, &d);
    cr_assert_eq(s, VFY_OK, "open %s: %s: %s", conn, vfy_status_name(s), d.message);
    cr_log_info("nfc: opened %s in %.1f ms", conn, rig_now_ms() - t0);
}

static void expect_select_and_challenge(vfy_transport *t)
{
    uint8_t r[300], r2[300];
    size_t n = 0, n2 = 0;
    vfy_detail d = { 0 };
    vfy_status s = xfer(t, select_emrtd, sizeof select_emrtd, r, &n, &d);
    cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
    cr_assert_eq(n, 2);
    cr_assert(r[0] == 0x90 && r[1] == 0x00);
    cr_assert_eq(xfer(t, get_challenge, sizeof get_challenge, r, &n, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(xfer(t, get_challenge, sizeof get_challenge, r2, &n2, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(n, 10);
    cr_assert_eq(n2, 10);
    cr_assert(r[8] == 0x90 && r[9] == 0x00);
    cr_assert(memcmp(r, r2, 8) != 0, "two challenges are equal");
}

Test(nfc, type_a_select_and_exchange)
{
    struct pn532_rig rig;
    vfy_transport *t;
    open_rig(&rig, NULL, NULL, &t);
    cr_assert_str_eq(t->ops->name, "nfc");
    cr_assert_eq(t->caps.max_command, 262);
    cr_assert_eq(t->caps.max_response, 263);
    cr_assert_not(t->caps.extended_length);
    bool present = false;
    vfy_detail d = { 0 };
    cr_assert_eq(t->ops->card_present(t, &present, &d), VFY_OK, "%s", d.message);
    cr_assert(present);
    double t0 = rig_now_ms();
    expect_select_and_challenge(t);
    cr_assert_eq(t->stats.apdus, 3);
    cr_log_info("nfc type A: 3 APDUs in %.2f ms", rig_now_ms() - t0);
    vfy_transport_close(t);
    pn532_rig_stop(&rig);
}

Test(nfc, type_b_select_and_exchange)
{
    struct pn532_rig rig;
    vfy_transport *t;
    const char *const args[] = { "--type", "B", NULL };
    open_rig(&rig, args, NULL, &t);
    expect_select_and_challenge(t);
    vfy_transport_close(t);
    pn532_rig_stop(&rig);
}

Test(nfc, default_device_from_libnfc_configuration)
{
    struct pn532_rig rig;
    pn532_rig_start(&rig, NULL);
    setenv("LIBNFC_DEVICE", rig.conn, 1);
    setenv("LIBNFC_AUTO_SCAN", "false", 1);
    vfy_transport *t;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_transport_open("nfc", &t, &d), VFY_OK, "%s", d.message);
    expect_select_and_challenge(t);
    vfy_transport_close(t);
    pn532_rig_stop(&rig);
}

/* Every command length from 4 to 262 bytes goes through; 263 is refused before libnfc. */
Test(nfc, command_sizes_up_to_the_libnfc_limit)
{
    struct pn532_rig rig;
    vfy_transport *t;
    open_rig(&rig, NULL, NULL, &t);
    static uint8_t cmd[300], r[300];
    size_t n;
    vfy_detail d = { 0 };
    for (size_t lc = 1; lc <= 255; lc++) {   /* ECHO, short: 5 + Lc bytes */
        cmd[0] = 0x80, cmd[1] = 0xEE, cmd[2] = 0, cmd[3] = 0, cmd[4] = (uint8_t)lc;
        for (size_t i = 0; i < lc; i++)
            cmd[5 + i] = (uint8_t)(i * 7 + lc);
        vfy_status s = xfer(t, cmd, 5 + lc, r, &n, &d);
        cr_assert_eq(s, VFY_OK, "Lc %zu: %s", lc, d.message);
        cr_assert_eq(n, lc + 2);
        cr_assert_arr_eq(r, cmd + 5, lc);
    }
    /* extended Lc: 7 + 255 = 262 bytes, the largest libnfc 1.8 takes */
    cmd[4] = 0x00, cmd[5] = 0x00, cmd[6] = 0xFF;
    memset(cmd + 7, 0x5A, 255);
    cr_assert_eq(xfer(t, cmd, 262, r, &n, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(n, 257);
    uint64_t before = t->stats.apdus;
    cmd[6] = 0x00, cmd[5] = 0x01;   /* Lc 256: 263 bytes */
    vfy_status s = xfer(t, cmd, 263, r, &n, &d);
    cr_assert_eq(s, VFY_E_READER_LIMIT, "%s", vfy_status_name(s));
    /* refused by the backend itself too, when called below the generic check */
    s = t->ops->transmit(t, cmd, 263, r, sizeof r, &n, &d);
    cr_assert_eq(s, VFY_E_READER_LIMIT);
    cr_assert_eq(t->stats.apdus, before);
    expect_select_and_challenge(t);   /* the link is unharmed */
    vfy_transport_close(t);
    pn532_rig_stop(&rig);
}

/* Every response length up to 263 bytes with SW arrives (the PN532 chains past 262);
 * 264 is beyond libnfc 1.8 and ends in a typed error, and the link goes on. */
Test(nfc, response_sizes_up_to_the_libnfc_limit)
{
    struct pn532_rig rig;
    vfy_transport *t;
    open_rig(&rig, NULL, NULL, &t);
    uint8_t r[300];
    size_t n;
    vfy_detail d = { 0 };
    for (size_t len = 0; len <= 261; len++) {
        uint8_t fill[] = { 0x80, 0xF0, (uint8_t)(len >> 8), (uint8_t)len, 0x00 };
        vfy_status s = xfer(t, fill, sizeof fill, r, &n, &d);
        cr_assert_eq(s, VFY_OK, "%zu bytes: %s: %s", len, vfy_status_name(s), d.message);
        cr_assert_eq(n, len + 2);
        for (size_t i = 0; i < len; i++)
            cr_assert_eq(r[i], (uint8_t)i);
        cr_assert(r[len] == 0x90 && r[len + 1] == 0x00);
    }
    uint8_t too_long[] = { 0x80, 0xF0, 0x01, 0x06, 0x00 };   /* 262 + SW = 264 bytes */
    vfy_status s = xfer(t, too_long, sizeof too_long, r, &n, &d);
    cr_assert_eq(s, VFY_E_READER_LIMIT, "%s: %s", vfy_status_name(s), d.message);
    expect_select_and_challenge(t);
    vfy_transport_close(t);
    pn532_rig_stop(&rig);
}

Test(nfc, late_answer_times_out)
{
    struct pn532_rig rig;
    vfy_transport *t;
    const char *const args[] = { "--delay-ms", "600", NULL };
    open_rig(&rig, args, "?timeout=150", &t);
    uint8_t r[300];
    size_t n;
    vfy_detail d = { 0 };
    double t0 = rig_now_ms();
    vfy_status s = xfer(t, get_challenge, sizeof get_challenge, r, &n, &d);
    double took = rig_now_ms() - t0;
    cr_assert_eq(s, VFY_E_TIMEOUT, "%s: %s", vfy_status_name(s), d.message);
    cr_assert_lt(took, 1500, "the timeout took %.0f ms", took);
    cr_log_info("nfc: timeout of 150 ms reported after %.0f ms", took);
    vfy_transport_close(t);
    pn532_rig_stop(&rig);
}

Test(nfc, bad_connection_strings)
{
    vfy_transport *t = NULL;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_transport_open("nfc?timeout=0", &t, &d), VFY_E_BAD_CONNECTION);
    cr_assert_eq(vfy_transport_open("nfc?timeout=99999999", &t, &d), VFY_E_BAD_CONNECTION);
    cr_assert_eq(vfy_transport_open("nfc?speed=1", &t, &d), VFY_E_BAD_CONNECTION);
    cr_assert_eq(vfy_transport_open("nfcx", &t, &d), VFY_E_BAD_CONNECTION);
    vfy_status s = vfy_transport_open("pn532_uart:/nonexistent/tty", &t, &d);
    cr_assert_eq(s, VFY_E_NO_READER, "%s", vfy_status_name(s));
    cr_assert_null(t);
}

/* The card leaves the field after N APDUs: the next one is VFY_E_CARD_REMOVED, presence
 * says no, and once the card is back the same transport goes on. */
static void removal_after(const char *n_apdus)
{
    struct pn532_rig rig;
    vfy_transport *t;
    const char *const args[] = { "--remove-after", n_apdus, NULL };
    open_rig(&rig, args, NULL, &t);
    uint8_t r[300];
    size_t n;
    vfy_detail d = { 0 };
    long k = atol(n_apdus);
    for (long i = 0; i < k; i++)
        cr_assert_eq(xfer(t, get_challenge, sizeof get_challenge, r, &n, &d), VFY_OK);
    vfy_status s = xfer(t, get_challenge, sizeof get_challenge, r, &n, &d);
    cr_assert_eq(s, VFY_E_CARD_REMOVED, "%s: %s", vfy_status_name(s), d.message);
    bool present = true;
    cr_assert_eq(t->ops->card_present(t, &present, &d), VFY_OK);
    cr_assert_not(present);
    s = xfer(t, get_challenge, sizeof get_challenge, r, &n, &d);
    cr_assert_eq(s, VFY_E_NO_CARD, "%s", vfy_status_name(s));
    cr_assert_eq(t->ops->wait_card(t, 100, &d), VFY_E_TIMEOUT);
    pn532_rig_toggle(&rig);   /* the traveller puts the passport back */
    s = t->ops->wait_card(t, 5000, &d);
    cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
    expect_select_and_challenge(t);
    vfy_transport_close(t);
    pn532_rig_stop(&rig);
}

Test(nfc, removal_after_first_apdu) { removal_after("1"); }
Test(nfc, removal_after_five_apdus) { removal_after("5"); }

Test(nfc, wait_for_a_card_placed_later)
{
    struct pn532_rig rig;
    vfy_transport *t;
    const char *const args[] = { "--absent", "--type", "B", NULL };
    open_rig(&rig, args, NULL, &t);
    uint8_t r[300];
    size_t n;
    vfy_detail d = { 0 };
    cr_assert_eq(xfer(t, get_challenge, sizeof get_challenge, r, &n, &d), VFY_E_NO_CARD);
    double t0 = rig_now_ms();
    cr_assert_eq(t->ops->wait_card(t, 200, &d), VFY_E_TIMEOUT);
    double took = rig_now_ms() - t0;
    cr_assert(took >= 150 && took < 2000, "waited %.0f ms for 200", took);
    pn532_rig_toggle(&rig);
    vfy_status s = t->ops->wait_card(t, 5000, &d);
    cr_assert_eq(s, VFY_OK, "%s", d.message);
    expect_select_and_challenge(t);
    vfy_transport_close(t);
    pn532_rig_stop(&rig);
}

/* libnfc 1.8 abort()s on a status byte with bit 8 set: only its worker dies, the call
 * reports it, and waiting for the card again reopens the reader. */
Test(nfc, status_byte_with_bit_8_is_kept_away)
{
    struct pn532_rig rig;
    vfy_transport *t;
    const char *const args[] = { "--nad-after", "2", NULL };
    open_rig(&rig, args, NULL, &t);
    uint8_t r[300];
    size_t n;
    vfy_detail d = { 0 };
    cr_assert_eq(xfer(t, get_challenge, sizeof get_challenge, r, &n, &d), VFY_OK);
    vfy_status s = xfer(t, get_challenge, sizeof get_challenge, r, &n, &d);
    cr_assert_eq(s, VFY_E_READER, "%s: %s", vfy_status_name(s), d.message);
    cr_assert(strstr(d.message, "bit 8") != NULL, "%s", d.message);
    s = xfer(t, get_challenge, sizeof get_challenge, r, &n, &d);
    cr_assert_eq(s, VFY_E_READER);
    s = t->ops->wait_card(t, 5000, &d);
    cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
    expect_select_and_challenge(t);
    vfy_transport_close(t);
    pn532_rig_stop(&rig);
}

/* The reader disappears under an open transport (the emulator ends, as a USB reader
 * pulled out); every call then fails typed and closing is clean. */
Test(nfc, reader_unplugged_under_the_session)
{
    struct pn532_rig rig;
    vfy_transport *t;
    open_rig(&rig, NULL, NULL, &t);
    expect_select_and_challenge(t);
    int status = rig_stop(rig.pid);
    cr_assert(WIFEXITED(status));
    close(rig.out);
    uint8_t r[300];
    size_t n;
    vfy_detail d = { 0 };
    vfy_status s = xfer(t, get_challenge, sizeof get_challenge, r, &n, &d);
    cr_assert(s == VFY_E_READER_GONE || s == VFY_E_CARD_REMOVED, "%s: %s",
              vfy_status_name(s), d.message);
    s = t->ops->wait_card(t, 300, &d);
    cr_assert_eq(s, VFY_E_READER_GONE, "%s", vfy_status_name(s));
    vfy_transport_close(t);
}
