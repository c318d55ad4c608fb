/* The PC/SC transport against real pcscd (private, socket-activated, in its own network
 * namespace) and the vpcd reader, with two independent card programs behind it: vicc's
 * ePass (python3-virtualsmartcard, through tests/rigs/epass_vicc.py) and vpcd_sim (the
 * rig cards of tests/rigs/lib). Exchanges, extended length, waiting, timeouts, removal
 * mid-session, pcscd going away, reconnection. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcsc/pcsc_transport.h"
#include "rig.h"
#include "support.h"
#include "transport.h"

#define VPCD_READER "pcsc:Virtual PCD 00 00"

static const uint8_t select_emrtd[] = { 0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00,
                                        0x00, 0x02, 0x47, 0x10, 0x01 };
static const uint8_t get_challenge[] = { 0x00, 0x84, 0x00, 0x00, 0x08 };

static vfy_transport *open_waiting(const char *conn)
{
    vfy_transport *t = NULL;
    vfy_detail d = { 0 };
    double t0 = rig_now_ms();
    vfy_status s = vfy_transport_open(conn, &t, &d);
    cr_assert_eq(s, VFY_OK, "open %s: %s: %s", conn, vfy_status_name(s), d.message);
    s = t->ops->wait_card(t, 10000, &d);
    cr_assert_eq(s, VFY_OK, "wait: %s: %s", vfy_status_name(s), d.message);
    cr_log_info("pcsc: card ready %.0f ms after open", rig_now_ms() - t0);
    return t;
}

static void expect_select_and_challenge(vfy_transport *t)
{
    uint8_t r[300], r2[300];
    size_t n = 0, n2 = 0;
    vfy_detail d = { 0 };
    vfy_status s = vfy_transport_transmit(t, select_emrtd, sizeof select_emrtd, r, sizeof r, &n, &d);
    cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
    cr_assert(n == 2 && r[0] == 0x90 && r[1] == 0x00);
    cr_assert_eq(vfy_transport_transmit(t, get_challenge, 5, r, sizeof r, &n, &d), VFY_OK,
                 "%s", d.message);
    cr_assert_eq(vfy_transport_transmit(t, get_challenge, 5, r2, sizeof r2, &n2, &d), VFY_OK,
                 "%s", d.message);
    cr_assert(n == 10 && n2 == 10 && r[8] == 0x90 && r[9] == 0x00);
    cr_assert(memcmp(r, r2, 8) != 0, "two challenges are equal");
}

Test(pcsc, vicc_epass_select_and_challenge)
{
    struct pcsc_rig rig;
    double t0 = rig_now_ms();
    pcsc_rig_start(&rig);
    const char *const args[] = { "--icao-sm", NULL };
    pcsc_rig_insert_vicc(&rig, args);
    vfy_transport *t = open_waiting(VPCD_READER);
    cr_log_info("pcsc: rig start to card ready in %.0f ms", rig_now_ms() - t0);
    cr_assert_str_eq(t->ops->name, "pcsc");
    double t1 = rig_now_ms();
    expect_select_and_challenge(t);
    cr_log_info("pcsc vicc: 3 APDUs in %.2f ms", rig_now_ms() - t1);
    bool present = false;
    vfy_detail d = { 0 };
    cr_assert_eq(t->ops->card_present(t, &present, &d), VFY_OK);
    cr_assert(present);
    vfy_transport_close(t);
    pcsc_rig_stop(&rig);
}

/* "pcsc" alone takes the reader holding the card. */
Test(pcsc, first_reader_with_a_card)
{
    struct pcsc_rig rig;
    pcsc_rig_start(&rig);
    pcsc_rig_insert_sim(&rig, NULL);
    vfy_transport *t = open_waiting("pcsc");
    expect_select_and_challenge(t);
    vfy_transport_close(t);
    pcsc_rig_stop(&rig);
}

Test(pcsc, short_and_extended_lengths)
{
    struct pcsc_rig rig;
    pcsc_rig_start(&rig);
    pcsc_rig_insert_sim(&rig, NULL);
    vfy_transport *t = open_waiting(VPCD_READER);
    cr_assert(t->caps.extended_length);
    static uint8_t cmd[70000], r[70000];
    size_t n;
    vfy_detail d = { 0 };
    for (size_t lc = 1; lc <= 255; lc += 2) {
        cmd[0] = 0x80, cmd[1] = 0xEE, cmd[2] = 0, cmd[3] = 0, cmd[4] = (uint8_t)lc;
        memset(cmd + 5, (int)lc, lc);
        cr_assert_eq(vfy_transport_transmit(t, cmd, 5 + lc, r, sizeof r, &n, &d), VFY_OK,
                     "Lc %zu: %s", lc, d.message);
        cr_assert_eq(n, lc + 2);
        cr_assert_arr_eq(r, cmd + 5, lc);
    }
    const size_t big[] = { 256, 1000, 4096, 32768, 60000 };
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        size_t lc = big[i];
        cmd[4] = 0, cmd[5] = (uint8_t)(lc >> 8), cmd[6] = (uint8_t)lc;
        for (size_t k = 0; k < lc; k++)
            cmd[7 + k] = (uint8_t)(k * 13);
        vfy_status s = vfy_transport_transmit(t, cmd, 7 + lc, r, sizeof r, &n, &d);
        cr_assert_eq(s, VFY_OK, "extended Lc %zu: %s: %s", lc, vfy_status_name(s), d.message);
        cr_assert_eq(n, lc + 2);
        cr_assert_arr_eq(r, cmd + 7, lc);
        uint8_t fill[] = { 0x80, 0xF0, (uint8_t)(lc >> 8), (uint8_t)lc, 0x00, 0x00, 0x00 };
        s = vfy_transport_transmit(t, fill, sizeof fill, r, sizeof r, &n, &d);
        cr_assert_eq(s, VFY_OK, "extended Le %zu: %s", lc, d.message);
        cr_assert_eq(n, lc + 2);
        cr_assert_eq(r[lc - 1], (uint8_t)(lc - 1));
    }
    /* a response larger than the caller's buffer is a typed error, not an overflow */
    uint8_t fill[] = { 0x80, 0xF0, 0x01, 0x00, 0x00, 0x01, 0x00 };
    vfy_status s = vfy_transport_transmit(t, fill, sizeof fill, r, 100, &n, &d);
    cr_assert_eq(s, VFY_E_READER_LIMIT, "%s", vfy_status_name(s));
    cr_assert_eq(vfy_status_layer(s), VFY_LAYER_READER, "%s", vfy_status_name(s));
    vfy_transport_close(t);
    pcsc_rig_stop(&rig);
}

Test(pcsc, wait_times_out_then_card_arrives)
{
    struct pcsc_rig rig;
    pcsc_rig_start(&rig);
    vfy_transport *t = NULL;
    vfy_detail d = { 0 };
    vfy_status s = vfy_transport_open(VPCD_READER, &t, &d);
    cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
    uint8_t r[300];
    size_t n;
    cr_assert_eq(vfy_transport_transmit(t, get_challenge, 5, r, sizeof r, &n, &d), VFY_E_NO_CARD);
    bool present = true;
    cr_assert_eq(t->ops->card_present(t, &present, &d), VFY_OK);
    cr_assert_not(present);
    double t0 = rig_now_ms();
    s = t->ops->wait_card(t, 300, &d);
    double took = rig_now_ms() - t0;
    cr_assert_eq(s, VFY_E_TIMEOUT, "%s", vfy_status_name(s));
    cr_assert(took >= 250 && took < 2000, "waited %.0f ms for 300", took);
    pcsc_rig_insert_sim(&rig, NULL);
    s = t->ops->wait_card(t, 10000, &d);
    cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
    expect_select_and_challenge(t);
    vfy_transport_close(t);
    pcsc_rig_stop(&rig);
}

/* The card is pulled when APDU N+1 arrives: that exchange is VFY_E_CARD_REMOVED, and a
 * card put back later is read through the same transport. */
static void removal_after(const char *n_apdus)
{
    struct pcsc_rig rig;
    pcsc_rig_start(&rig);
    const char *const args[] = { "--remove-after", n_apdus, NULL };
    pcsc_rig_insert_sim(&rig, args);
    vfy_transport *t = open_waiting(VPCD_READER);
    uint8_t r[300];
    size_t n;
    vfy_detail d = { 0 };
    for (long i = 0; i < atol(n_apdus); i++)
        cr_assert_eq(vfy_transport_transmit(t, get_challenge, 5, r, sizeof r, &n, &d), VFY_OK,
                     "%s", d.message);
    vfy_status s = vfy_transport_transmit(t, get_challenge, 5, r, sizeof r, &n, &d);
    cr_assert_eq(s, VFY_E_CARD_REMOVED, "%s: %s", vfy_status_name(s), d.message);
    s = vfy_transport_transmit(t, get_challenge, 5, r, sizeof r, &n, &d);
    cr_assert_eq(s, VFY_E_NO_CARD, "%s", vfy_status_name(s));
    pcsc_rig_remove(&rig);
    pcsc_rig_insert_sim(&rig, NULL);
    s = t->ops->wait_card(t, 10000, &d);
    cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
    expect_select_and_challenge(t);
    vfy_transport_close(t);
    pcsc_rig_stop(&rig);
}

Test(pcsc, removal_after_two_apdus) { removal_after("2"); }

/* The card process ends between exchanges (the passport taken away while idle). */
Test(pcsc, removal_while_idle)
{
    struct pcsc_rig rig;
    pcsc_rig_start(&rig);
    pcsc_rig_insert_vicc(&rig, NULL);
    vfy_transport *t = open_waiting(VPCD_READER);
    expect_select_and_challenge(t);
    pcsc_rig_remove(&rig);
    uint8_t r[300];
    size_t n;
    vfy_detail d = { 0 };
    vfy_status s = vfy_transport_transmit(t, get_challenge, 5, r, sizeof r, &n, &d);
    cr_assert_eq(s, VFY_E_CARD_REMOVED, "%s: %s", vfy_status_name(s), d.message);
    vfy_transport_close(t);
    pcsc_rig_stop(&rig);
}

/* pcscd stops under an open transport (the service restarted, the reader gone). */
Test(pcsc, service_gone_under_the_session)
{
    struct pcsc_rig rig;
    pcsc_rig_start(&rig);
    pcsc_rig_insert_sim(&rig, NULL);
    vfy_transport *t = open_waiting(VPCD_READER);
    expect_select_and_challenge(t);
    (void)rig_stop(rig.pcscd);
    rig.pcscd = 0;
    uint8_t r[300];
    size_t n;
    vfy_detail d = { 0 };
    vfy_status s = vfy_transport_transmit(t, get_challenge, 5, r, sizeof r, &n, &d);
    cr_assert(s == VFY_E_READER_GONE || s == VFY_E_CARD_REMOVED, "%s: %s",
              vfy_status_name(s), d.message);
    s = t->ops->wait_card(t, 200, &d);
    cr_assert_eq(s, VFY_E_READER_GONE, "%s", vfy_status_name(s));
    vfy_transport_close(t);
    pcsc_rig_stop(&rig);
}

Test(pcsc, unknown_reader_and_no_service)
{
    struct pcsc_rig rig;
    pcsc_rig_start(&rig);
    vfy_transport *t = NULL;
    vfy_detail d = { 0 };
    vfy_status s = vfy_transport_open("pcsc:No Such Reader", &t, &d);
    cr_assert_eq(s, VFY_E_NO_READER, "%s", vfy_status_name(s));
    cr_assert_null(t);
    cr_assert_eq(vfy_transport_open("pcsc:", &t, &d), VFY_E_BAD_CONNECTION);
    cr_assert_eq(vfy_transport_open("pcscd", &t, &d), VFY_E_BAD_CONNECTION);
    pcsc_rig_stop(&rig);
    s = vfy_transport_open("pcsc", &t, &d);
    cr_assert_eq(s, VFY_E_NO_READER, "%s: %s", vfy_status_name(s), d.message);
}
