/*
 * Test rig: a PN532 reader speaking the UART (HSU) frame protocol on a pseudo-terminal,
 * for real libnfc's pn532_uart driver ("pn532_uart:/dev/pts/N"), with a card behind its
 * emulated RF field (rig_card.h: the probe applet or libverify's simulated chip).
 *
 *   pn532_emu [--card SPEC] [--type A|B|AB] [--absent] [--remove-after N]
 *             [--nad-after N] [--delay-ms MS] [--log FILE]
 *
 * Prints "pty PATH" on stdout once the terminal is ready. SIGUSR1 takes the card out of the
 * field or puts it back; SIGTERM ends the emulator.
 *
 * What it answers, as a PN532 v1.6 does for libnfc 1.8: the wake-up preamble; normal and
 * extended information frames with length and data checksums; ACK before every answer; an
 * ACK from the host aborts the pending answer; NACK repeats the last answer; syntax-error
 * frames for what it does not know. Commands: Diagnose (communication test, card presence),
 * GetFirmwareVersion, GetGeneralStatus, Read/WriteRegister, GPIO, SetParameters,
 * SAMConfiguration, PowerDown, RFConfiguration, InListPassiveTarget (ISO 14443-4 type A with
 * ATS, or type B with ATQB and ATTRIB), InDataExchange (commands of at most 262 bytes,
 * answers chained with the MI bit past 262 bytes), InCommunicateThru (the R(NAK) presence
 * check), InDeselect, InRelease, InSelect. Faults: the card leaves after N APDUs, the Nth
 * answer carries a status byte with bit 8 set, answers come late.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "lib/rig_card.h"

#define PN532_MAX_DATA 262        /* InDataExchange payload per frame, both ways */
#define FRAME_MAX (PN532_MAX_DATA + 16)

static volatile sig_atomic_t toggles, stop;

static void on_usr1(int sig)
{
    (void)sig;
    toggles++;
}

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

struct emu {
    int fd;
    FILE *log;
    rig_card *card;
    const char *types;       /* "A", "B" or "AB" */
    bool present;            /* the card is in the field */
    bool selected;
    char selected_type;
    long remove_after;       /* APDUs after which the card leaves; <0: never */
    long nad_after;          /* APDU whose answer gets status bit 8; <0: never */
    unsigned delay_ms;
    long apdus;
    uint8_t regs[65536];
    uint8_t *pending;        /* answer rest awaiting MI continuation */
    size_t pending_len, pending_off;
    uint8_t last[FRAME_MAX + 8];
    size_t last_len;
};

static const uint8_t uid[4] = { 0x08, 0x12, 0x34, 0x56 };

static void logf_(struct emu *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct emu *e, const char *fmt, ...)
{
    if (e->log == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(e->log, fmt, ap);
    va_end(ap);
    fflush(e->log);
}

static void log_hex(struct emu *e, const char *what, const uint8_t *b, size_t n)
{
    if (e->log == NULL)
        return;
    fprintf(e->log, "%s", what);
    for (size_t i = 0; i < n; i++)
        fprintf(e->log, "%02X", b[i]);
    fprintf(e->log, "\n");
    fflush(e->log);
}

static void write_all(int fd, const uint8_t *b, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN) {
            struct pollfd p = { .fd = fd, .events = POLLOUT };
            (void)poll(&p, 1, 100);
            continue;
        }
        if (w <= 0)
            return;
        b += w;
        n -= (size_t)w;
    }
}

static const uint8_t ack_frame[] = { 0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00 };
static const uint8_t error_frame[] = { 0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00 };

/* Frames D5 CMD+1 DATA: a normal frame up to 255 bytes, else an extended one. */
static void send_answer(struct emu *e, uint8_t cmd, const uint8_t *data, size_t n)
{
    uint8_t *f = e->last;
    size_t len = n + 2, o = 0;
    f[o++] = 0x00;
    f[o++] = 0x00;
    f[o++] = 0xFF;
    if (len <= 255) {
        f[o++] = (uint8_t)len;
        f[o++] = (uint8_t)(0x100 - len);
    } else {
        f[o++] = 0xFF;
        f[o++] = 0xFF;
        f[o++] = (uint8_t)(len >> 8);
        f[o++] = (uint8_t)len;
        f[o++] = (uint8_t)(0x100 - ((len >> 8) + (len & 0xFF)));
    }
    uint8_t sum = 0xD5 + (uint8_t)(cmd + 1);
    f[o++] = 0xD5;
    f[o++] = (uint8_t)(cmd + 1);
    for (size_t i = 0; i < n; i++) {
        f[o++] = data[i];
        sum = (uint8_t)(sum + data[i]);
    }
    f[o++] = (uint8_t)(0x100 - sum);
    f[o++] = 0x00;
    e->last_len = o;
    log_hex(e, "-> ", f, o);
    write_all(e->fd, f, o);
}

/* Waits delay_ms before an answer; false when the host sent something meanwhile (its ACK
 * aborts the command, as on a real PN532). */
static bool answer_delay(struct emu *e)
{
    if (e->delay_ms == 0)
        return true;
    struct pollfd p = { .fd = e->fd, .events = POLLIN };
    int r;
    do {
        r = poll(&p, 1, (int)e->delay_ms);
    } while (r < 0 && errno == EINTR && !stop);
    return r == 0;
}

static void in_data_exchange(struct emu *e, const uint8_t *d, size_t n, uint8_t *out, size_t *on)
{
    if (!e->selected || n < 1) {
        out[0] = 0x27;   /* wrong context */
        *on = 1;
        return;
    }
    if (!e->present) {
        out[0] = 0x01;   /* the target does not answer: timeout */
        *on = 1;
        return;
    }
    if (n == 1 && e->pending != NULL) {   /* the host asks for the rest (MI chaining) */
        size_t rest = e->pending_len - e->pending_off;
        size_t k = rest > PN532_MAX_DATA ? PN532_MAX_DATA : rest;
        out[0] = rest > k ? 0x40 : 0x00;
        memcpy(out + 1, e->pending + e->pending_off, k);
        e->pending_off += k;
        *on = 1 + k;
        if (e->pending_off == e->pending_len) {
            free(e->pending);
            e->pending = NULL;
        }
        return;
    }
    if (n - 1 > PN532_MAX_DATA) {
        out[0] = 0x0B;   /* invalid parameter: more than the PN532's buffer */
        *on = 1;
        return;
    }
    static uint8_t resp[65536 + 2];
    size_t rn = rig_card_transceive(e->card, d + 1, n - 1, resp, sizeof resp);
    e->apdus++;
    log_hex(e, "   C-APDU ", d + 1, n - 1);
    log_hex(e, "   R-APDU ", resp, rn);
    if (rig_card_removed(e->card)) {   /* the card's own profile left the field */
        e->present = false;
        out[0] = 0x01;
        *on = 1;
        logf_(e, "card left the field by itself after APDU %ld\n", e->apdus);
        return;
    }
    if (rn == 0) {
        resp[0] = 0x6F;
        resp[1] = 0x00;
        rn = 2;
    }
    size_t k = rn > PN532_MAX_DATA ? PN532_MAX_DATA : rn;
    out[0] = rn > k ? 0x40 : 0x00;
    if (e->nad_after >= 0 && e->apdus == e->nad_after)
        out[0] |= 0x80;
    memcpy(out + 1, resp, k);
    *on = 1 + k;
    if (rn > k) {
        free(e->pending);
        e->pending = malloc(rn);
        if (e->pending != NULL) {
            memcpy(e->pending, resp, rn);
            e->pending_len = rn;
            e->pending_off = k;
        }
    }
    if (e->remove_after >= 0 && e->apdus >= e->remove_after) {
        e->present = false;
        e->remove_after = -1;
        logf_(e, "card leaves the field after APDU %ld\n", e->apdus);
    }
}

/* Answers one command; false for a command it does not know (syntax error frame). */
static bool handle(struct emu *e, uint8_t cmd, const uint8_t *d, size_t n)
{
    static uint8_t out[FRAME_MAX];
    size_t on = 0;
    switch (cmd) {
    case 0x00:   /* Diagnose */
        if (n >= 1 && d[0] == 0x00) {
            memcpy(out, d, n);
            on = n;
        } else if (n >= 1 && d[0] == 0x06) {   /* card presence */
            out[0] = e->selected && e->present ? 0x00 : 0x01;
            on = 1;
        } else {
            out[0] = 0x00;
            on = 1;
        }
        break;
    case 0x02:   /* GetFirmwareVersion: PN532 v1.6, ISO A, ISO B, ISO 18092 */
        out[0] = 0x32;
        out[1] = 0x01;
        out[2] = 0x06;
        out[3] = 0x07;
        on = 4;
        break;
    case 0x04:   /* GetGeneralStatus */
        out[0] = 0x00;
        out[1] = e->selected ? 1 : 0;
        out[2] = e->selected ? 1 : 0;
        out[3] = 0x00;
        on = 4;
        break;
    case 0x06:   /* ReadRegister */
        for (size_t i = 0; i + 1 < n; i += 2)
            out[on++] = e->regs[(size_t)d[i] << 8 | d[i + 1]];
        break;
    case 0x08:   /* WriteRegister */
        for (size_t i = 0; i + 2 < n; i += 3)
            e->regs[(size_t)d[i] << 8 | d[i + 1]] = d[i + 2];
        break;
    case 0x0C:   /* ReadGPIO */
        out[0] = out[1] = out[2] = 0xFF;
        on = 3;
        break;
    case 0x0E: case 0x10: case 0x12: case 0x14: case 0x32:
        break;
    case 0x16:   /* PowerDown */
        out[0] = 0x00;
        on = 1;
        break;
    case 0x4A: { /* InListPassiveTarget MaxTg BrTy [InitiatorData] */
        char want = n >= 2 && d[1] == 0x00 ? 'A' : n >= 2 && d[1] == 0x03 ? 'B' : 0;
        if (e->card == NULL || !e->present || want == 0 || strchr(e->types, want) == NULL) {
            out[0] = 0x00;
            on = 1;
            break;
        }
        rig_card_reset(e->card);
        free(e->pending);
        e->pending = NULL;
        e->selected = true;
        e->selected_type = want;
        out[on++] = 1;   /* NbTg */
        out[on++] = 1;   /* Tg */
        if (want == 'A') {
            static const uint8_t ats[] = { 0x06, 0x75, 0x77, 0x81, 0x02, 0x80 };
            out[on++] = 0x00;   /* SENS_RES */
            out[on++] = 0x08;
            out[on++] = 0x20;   /* SEL_RES: ISO 14443-4 */
            out[on++] = sizeof uid;
            memcpy(out + on, uid, sizeof uid);
            on += sizeof uid;
            memcpy(out + on, ats, sizeof ats);
            on += sizeof ats;
        } else {
            /* ATQB: 50 PUPI(4) application data(4) protocol info: 256-byte frames,
             * ISO 14443-4, FWI 7; then ATTRIB_RES of one byte */
            static const uint8_t proto[] = { 0x00, 0x81, 0x71 };
            out[on++] = 0x50;
            memcpy(out + on, uid, sizeof uid);
            on += sizeof uid;
            memset(out + on, 0, 4);
            on += 4;
            memcpy(out + on, proto, sizeof proto);
            on += sizeof proto;
            out[on++] = 0x01;
            out[on++] = 0x00;
        }
        break;
    }
    case 0x40:   /* InDataExchange Tg [data] */
        in_data_exchange(e, d, n, out, &on);
        break;
    case 0x42:   /* InCommunicateThru: only the ISO 14443-4 R(NAK) presence check */
        if (e->selected && e->present && n >= 1 && (d[0] == 0xB2 || d[0] == 0xB3)) {
            out[0] = 0x00;
            out[1] = (uint8_t)(0xA2 | (d[0] & 1));
            on = 2;
        } else {
            out[0] = 0x01;
            on = 1;
        }
        break;
    case 0x44: case 0x52:   /* InDeselect, InRelease */
        e->selected = false;
        out[0] = 0x00;
        on = 1;
        break;
    case 0x54:   /* InSelect */
        e->selected = e->present;
        out[0] = e->present ? 0x00 : 0x27;
        on = 1;
        break;
    default:
        logf_(e, "unsupported command %02X\n", cmd);
        return false;
    }
    if (cmd == 0x40 && !answer_delay(e)) {   /* a slow card: only its APDU answers lag */
        logf_(e, "answer to %02X aborted by the host\n", cmd);
        return true;
    }
    send_answer(e, cmd, out, on);
    return true;
}

/* Consumes complete frames from buf; returns the bytes used. */
static size_t parse(struct emu *e, uint8_t *buf, size_t len)
{
    size_t used = 0;
    for (;;) {
        size_t i = used;
        while (i + 1 < len && !(buf[i] == 0x00 && buf[i + 1] == 0xFF))
            i++;
        if (i + 1 >= len)
            return len > 0 && buf[len - 1] == 0x00 ? len - 1 : len;   /* keep a split 00 */
        size_t s = i + 2;   /* after 00 FF */
        if (len - s < 2)
            return i;
        uint8_t l0 = buf[s], l1 = buf[s + 1];
        if (l0 == 0x00 && l1 == 0xFF) {   /* ACK from the host: abort, nothing to do */
            logf_(e, "<- ACK\n");
            used = s + 2;
            continue;
        }
        if (l0 == 0xFF && l1 == 0x00) {   /* NACK: repeat */
            logf_(e, "<- NACK\n");
            write_all(e->fd, e->last, e->last_len);
            used = s + 2;
            continue;
        }
        size_t flen, body;
        if (l0 == 0xFF && l1 == 0xFF) {
            if (len - s < 5)
                return i;
            flen = (size_t)buf[s + 2] << 8 | buf[s + 3];
            if ((uint8_t)(buf[s + 2] + buf[s + 3] + buf[s + 4]) != 0) {
                used = s;
                write_all(e->fd, error_frame, sizeof error_frame);
                continue;
            }
            body = s + 5;
        } else {
            if ((uint8_t)(l0 + l1) != 0) {
                used = s;
                continue;
            }
            flen = l0;
            body = s + 2;
        }
        if (flen > FRAME_MAX) {
            logf_(e, "frame of %zu bytes: too long\n", flen);
            write_all(e->fd, error_frame, sizeof error_frame);
            used = body;
            continue;
        }
        if (len < body + flen + 1)
            return i;
        uint8_t sum = 0;
        for (size_t k = 0; k <= flen; k++)
            sum = (uint8_t)(sum + buf[body + k]);
        used = body + flen + 1;
        log_hex(e, "<- ", buf + i, used - i);
        if (sum != 0 || flen < 2 || buf[body] != 0xD4) {
            logf_(e, "bad frame\n");
            continue;
        }
        write_all(e->fd, ack_frame, sizeof ack_frame);
        if (!handle(e, buf[body + 1], buf + body + 2, flen - 2))
            write_all(e->fd, error_frame, sizeof error_frame);
    }
}

/* SIGUSR1 moves the card out of the field or back in. */
static void apply_toggles(struct emu *e, sig_atomic_t *seen)
{
    while (*seen != toggles) {
        (*seen)++;
        e->present = !e->present;
        logf_(e, "card %s the field\n", e->present ? "enters" : "leaves");
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: pn532_emu [--card probe|sim[:DIR][?OPTS]] [--type A|B|AB] "
                    "[--absent] [--remove-after N] [--nad-after N] [--delay-ms MS] "
                    "[--log FILE]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    static struct emu e;
    const char *card_spec = "probe", *log_path = NULL;
    e.types = "A";
    e.present = true;
    e.remove_after = -1;
    e.nad_after = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--absent") == 0) {
            e.present = false;
            continue;
        }
        if (v == NULL)
            usage();
        i++;
        if (strcmp(a, "--card") == 0)
            card_spec = v;
        else if (strcmp(a, "--type") == 0 && (!strcmp(v, "A") || !strcmp(v, "B") || !strcmp(v, "AB")))
            e.types = v;
        else if (strcmp(a, "--remove-after") == 0)
            e.remove_after = atol(v);
        else if (strcmp(a, "--nad-after") == 0)
            e.nad_after = atol(v);
        else if (strcmp(a, "--delay-ms") == 0)
            e.delay_ms = (unsigned)atoi(v);
        else if (strcmp(a, "--log") == 0)
            log_path = v;
        else
            usage();
    }
    e.card = rig_card_new(card_spec);
    if (e.card == NULL)
        return 2;
    if (log_path != NULL)
        e.log = fopen(log_path, "a");

    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
        perror("pn532_emu: pty");
        return 1;
    }
    const char *name = ptsname(master);
    /* Keep the slave open: the master would read EIO whenever no client has it open. */
    int slave = open(name, O_RDWR | O_NOCTTY);
    struct termios t;
    if (slave < 0 || tcgetattr(slave, &t) != 0) {
        perror("pn532_emu: pty slave");
        return 1;
    }
    cfmakeraw(&t);
    (void)tcsetattr(slave, TCSANOW, &t);
    if (tcgetattr(master, &t) == 0) {
        cfmakeraw(&t);
        (void)tcsetattr(master, TCSANOW, &t);
    }
    e.fd = master;

    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    printf("pty %s\n", name);
    fflush(stdout);
    logf_(&e, "listening on %s, card %s, type %s\n", name, card_spec, e.types);

    static uint8_t buf[8192];
    size_t have = 0;
    sig_atomic_t seen = 0;
    while (!stop) {
        apply_toggles(&e, &seen);
        struct pollfd p = { .fd = master, .events = POLLIN };
        int r = poll(&p, 1, -1);
        if (r < 0)
            continue;
        ssize_t got = read(master, buf + have, sizeof buf - have);
        if (got <= 0)
            continue;
        apply_toggles(&e, &seen);
        have += (size_t)got;
        size_t used = parse(&e, buf, have);
        memmove(buf, buf + used, have - used);
        have -= used;
        if (have == sizeof buf)
            have = 0;   /* garbage without frames: drop it */
    }
    printf("apdus %ld\n", e.apdus);
    free(e.pending);
    rig_card_free(e.card);
    if (e.log != NULL)
        fclose(e.log);
    close(slave);
    close(master);
    return 0;
}
