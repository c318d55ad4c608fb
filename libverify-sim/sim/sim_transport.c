/* The "sim" transport: the simulated chip behind a simulated reader. The reader's
 * limits come from the profile (reader=ext|short|pn532) and its link time from a
 * model of ISO/IEC 14443-4 framing at the profile's bit rate: nothing sleeps. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/fail.h"
#include "sim/sim_internal.h"
#include "sim/sim_transport.h"
#include "transport.h"
#include "verify/sim.h"

struct sim_link {
    vfy_sim_chip *chip;
    unsigned kbps;             /* radio bit rate */
    unsigned turnaround_us;    /* per APDU: reader firmware, chip processing start */
    unsigned host_baud;        /* a serial host link (PN532 over UART), 0 for none */
    uint64_t chip_busy_seen;
    /* present=PATH: the document is on the reader while PATH exists. */
    char *spec;                /* the connection string after "sim", to make a fresh chip */
    bool on_reader;            /* the current chip was placed and has not left since */
    bool used;                 /* the current chip has been placed once (a new one is due) */
};

/* How often a waiting reader looks for the presence file: short enough that a test
 * or a demo sees no lag, long enough to cost nothing. */
#define PRESENCE_POLL_MS 20u

static bool presence_mode(const struct sim_link *l)
{
    return l->chip->p.present[0] != '\0';
}

/* Whether the presence file exists now. stat() follows a link: a dangling link is no
 * document. Only existence is looked at, never the file's content. */
static bool presence_file_exists(const struct sim_link *l)
{
    struct stat st;
    return stat(l->chip->p.present, &st) == 0;
}

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { .tv_sec = ms / 1000u, .tv_nsec = (long)(ms % 1000u) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* A document placed again is a new document: a chip fresh from power-up, with none of
 * the previous session's keys, counters or injected-fault progress. */
static vfy_status place_new_chip(struct sim_link *l, vfy_detail *detail)
{
    if (l->used) {
        vfy_sim_chip *fresh = NULL;
        VFY_TRY(vfy_sim_chip_new(l->spec, &fresh, detail));
        vfy_sim_chip_free(l->chip);
        l->chip = fresh;
        l->chip_busy_seen = 0;
    }
    l->used = true;
    l->on_reader = true;
    return VFY_OK;
}

/* ISO/IEC 14443-4 blocks carry at most this many APDU bytes (FSD/FSC 256 minus the
 * prologue and CRC); longer APDUs are chained, each link acknowledged by an R-block. */
#define FRAME_PAYLOAD 253
#define FRAME_OVERHEAD 3          /* PCB + CRC_A */
#define FRAME_GUARD_US 86         /* frame delay time at 106 kbit/s, ISO/IEC 14443-3 */
#define BITS_PER_BYTE_AIR 9       /* 8 data bits and an odd parity bit */

static uint64_t air_time_us(const struct sim_link *l, size_t bytes)
{
    size_t frames = bytes == 0 ? 1 : (bytes + FRAME_PAYLOAD - 1) / FRAME_PAYLOAD;
    /* chained frames each need an R(ACK) from the other side */
    size_t air = bytes + frames * FRAME_OVERHEAD + (frames - 1) * FRAME_OVERHEAD;
    uint64_t us = (uint64_t)air * BITS_PER_BYTE_AIR * 1000u / l->kbps;
    return us + (uint64_t)(2 * frames - 1) * FRAME_GUARD_US;
}

static uint64_t host_time_us(const struct sim_link *l, size_t bytes)
{
    if (l->host_baud == 0)
        return 0;
    /* PN532 frame: preamble, start code, LEN, LCS, TFI, command, DCS, postamble; 10 bits a byte */
    return (uint64_t)(bytes + 10) * 10u * 1000000u / l->host_baud;
}

static vfy_status sim_transmit(vfy_transport *t, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                               size_t resp_cap, size_t *resp_len, vfy_detail *detail)
{
    struct sim_link *l = t->impl;
    if (presence_mode(l) && (!l->on_reader || !presence_file_exists(l))) {
        /* Taken away (or never placed since it was): nothing answers until the reader is
         * waited on again, as with a real card, even if the file is back by now. */
        l->on_reader = false;
        return vfy_fail(detail, VFY_E_CARD_REMOVED, "reader",
                        "the document left the field; place it on the reader again");
    }
    uint8_t *buf = malloc(SIM_RESP_MAX);
    if (buf == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "reader", "out of memory");
    size_t n = 0;
    vfy_status s = vfy_sim_chip_transceive(l->chip, cmd, cmd_len, buf, SIM_RESP_MAX, &n);
    t->stats.simulated_us += l->turnaround_us + air_time_us(l, cmd_len) +
                             host_time_us(l, cmd_len);
    if (s == VFY_E_CARD_REMOVED) {
        l->on_reader = false;
        free(buf);
        return vfy_fail(detail, VFY_E_CARD_REMOVED, "reader",
                        "the document left the field; place it on the reader again");
    }
    if (s != VFY_OK) {
        free(buf);
        return vfy_fail(detail, s, "reader", "the simulated chip could not answer");
    }
    uint64_t busy = vfy_sim_chip_busy_us(l->chip);
    t->stats.simulated_us += busy - l->chip_busy_seen + air_time_us(l, n) + host_time_us(l, n);
    l->chip_busy_seen = busy;
    if (n > t->caps.max_response || n > resp_cap) {
        free(buf);
        return vfy_fail(detail, VFY_E_READER_LIMIT, "reader",
                        "the chip's answer of %zu bytes exceeds what the reader carries (%zu)", n,
                        t->caps.max_response < resp_cap ? t->caps.max_response : resp_cap);
    }
    memcpy(resp, buf, n);
    *resp_len = n;
    free(buf);
    return VFY_OK;
}

static vfy_status sim_wait_card(vfy_transport *t, unsigned timeout_ms, vfy_detail *detail)
{
    struct sim_link *l = t->impl;
    if (presence_mode(l)) {
        /* Real time here: the file is made and removed by another process. */
        uint64_t deadline = mono_ms() + timeout_ms;
        for (;;) {
            if (presence_file_exists(l)) {
                if (l->on_reader && !vfy_sim_chip_removed(l->chip))
                    return VFY_OK;   /* still the same document */
                return place_new_chip(l, detail);
            }
            l->on_reader = false;
            uint64_t now = mono_ms();
            if (now >= deadline)
                return vfy_fail(detail, VFY_E_TIMEOUT, "reader",
                                "no document came onto the simulated reader within %u ms",
                                timeout_ms);
            uint64_t left = deadline - now;
            sleep_ms(left < PRESENCE_POLL_MS ? (unsigned)left : PRESENCE_POLL_MS);
        }
    }
    if (vfy_sim_chip_removed(l->chip)) {
        t->stats.simulated_us += (uint64_t)timeout_ms * 1000u;
        return vfy_fail(detail, VFY_E_TIMEOUT, "reader",
                        "no document came onto the simulated reader within %u ms", timeout_ms);
    }
    return VFY_OK;
}

static vfy_status sim_card_present(vfy_transport *t, bool *present, vfy_detail *detail)
{
    (void)detail;
    struct sim_link *l = t->impl;
    if (presence_mode(l)) {
        if (!presence_file_exists(l))
            l->on_reader = false;
        *present = l->on_reader && !vfy_sim_chip_removed(l->chip);
        return VFY_OK;
    }
    *present = !vfy_sim_chip_removed(l->chip);
    return VFY_OK;
}

static void sim_close(vfy_transport *t)
{
    struct sim_link *l = t->impl;
    vfy_sim_chip_free(l->chip);
    free(l->spec);
    free(l);
    free(t);
}

static const struct vfy_transport_ops sim_ops = {
    .name = "sim",
    .transmit = sim_transmit,
    .wait_card = sim_wait_card,
    .card_present = sim_card_present,
    .close = sim_close,
};

vfy_status vfy_sim_transport_open(const char *conn, vfy_transport **out, vfy_detail *detail)
{
    *out = NULL;
    if (strncmp(conn, "sim", 3) != 0)
        return vfy_fail(detail, VFY_E_BAD_CONNECTION, "reader", "not a sim connection string");
    vfy_transport *t = calloc(1, sizeof *t);
    struct sim_link *l = calloc(1, sizeof *l);
    if (t == NULL || l == NULL) {
        free(t);
        free(l);
        return vfy_fail(detail, VFY_E_NO_MEMORY, "reader", "out of memory");
    }
    l->spec = strdup(conn + 3);
    vfy_status s = l->spec != NULL ? vfy_sim_chip_new(conn + 3, &l->chip, detail)
                                   : vfy_fail(detail, VFY_E_NO_MEMORY, "reader", "out of memory");
    if (s != VFY_OK) {
        free(l->spec);
        free(t);
        free(l);
        return s;
    }
    const struct sim_profile *p = &l->chip->p;
    switch (p->reader) {
    case SIM_READER_EXTENDED:
        t->caps = (vfy_transport_caps){ .max_command = 4 + 3 + 65535 + 2,
                                        .max_response = 65536 + 2,
                                        .extended_length = true };
        l->kbps = 424;
        l->turnaround_us = 1500;
        break;
    case SIM_READER_SHORT:
        t->caps = (vfy_transport_caps){ .max_command = 4 + 1 + 255 + 1,
                                        .max_response = 256 + 2,
                                        .extended_length = false };
        l->kbps = 424;
        l->turnaround_us = 1500;
        break;
    case SIM_READER_PN532:
        /* PN532 InDataExchange: frames of about 260 bytes, a UART host link at 115200 baud */
        t->caps = (vfy_transport_caps){ .max_command = 260, .max_response = 258,
                                        .extended_length = false };
        l->kbps = 106;
        l->turnaround_us = 3000;
        l->host_baud = 115200;
        break;
    }
    if (p->kbps != 0)
        l->kbps = p->kbps;
    if (p->turnaround_us != 0)
        l->turnaround_us = p->turnaround_us;
    t->ops = &sim_ops;
    t->impl = l;
    *out = t;
    return VFY_OK;
}

/* The simulated reader joins libverify's transport table at run time: libverify.so
 * does not contain the simulator and names it only in an error message. */
static const vfy_transport_backend sim_backend = {
    .scheme = "sim",
    .open = vfy_sim_transport_open,
    .listing = "simulated chip (built-in specimen passport)",
};

vfy_status vfy_sim_register(vfy_detail *detail)
{
    return vfy_transport_register(&sim_backend, detail);
}
