/*
 * Test rig: a card for pcscd's vpcd driver (Debian vsmartcard-vpcd), so that the cards of
 * rig_card.h (the probe applet, libverify's simulated chip) are reached through real pcscd
 * and the PC/SC backend.
 *
 *   vpcd_sim [--card SPEC] [--port P] [--remove-after N] [--connect-timeout MS]
 *
 * vpcd listens on TCP port P (CHANNELID in reader.conf); this program connects (retrying
 * until the timeout, so it may start before pcscd is ready), and then serves vpcd's
 * messages: a 2-byte big-endian length and a payload, where a 1-byte payload is a control
 * (0 power off, 1 power on, 2 reset, 4 send the ATR) and a longer one a command APDU,
 * answered with the response APDU. While connected the card is in the reader. SIGUSR1
 * pulls the card (closes the connection) or puts it back (connects again);
 * --remove-after N pulls it when APDU N+1 arrives, leaving that APDU unanswered.
 * Prints "connected" on stdout at each insertion.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/rig_card.h"

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

/* T=1, no historical bytes: the ATR of a contactless chip as PC/SC readers report it. */
static const uint8_t atr[] = { 0x3B, 0x80, 0x80, 0x01, 0x01 };

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int connect_vpcd(int port, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    while (!stop) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return -1;
        if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            return fd;
        }
        close(fd);
        if (now_ms() > deadline)
            return -1;
        /* vpcd is not listening yet: pcscd is still loading the driver. */
        struct pollfd none = { .fd = -1 };
        (void)poll(&none, 0, 10);
    }
    return -1;
}

/* Reads exactly n bytes; false on end of stream, error, or a pull of the card. */
static bool read_all(int fd, uint8_t *b, size_t n, const sig_atomic_t *seen)
{
    while (n > 0) {
        if (stop || toggles != *seen)
            return false;
        /* Debian's vpcd writes length and APDU separately without TCP_NODELAY: ACK at
         * once, or Nagle holds every APDU for the ~40 ms of a delayed ACK. */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
        ssize_t r = read(fd, b, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        b += r;
        n -= (size_t)r;
    }
    return true;
}

static bool send_msg(int fd, const uint8_t *b, size_t n)
{
    uint8_t *m = malloc(n + 2);
    if (m == NULL)
        return false;
    m[0] = (uint8_t)(n >> 8);
    m[1] = (uint8_t)n;
    memcpy(m + 2, b, n);
    size_t off = 0;
    bool ok = true;
    while (off < n + 2) {
        ssize_t w = write(fd, m + off, n + 2 - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            ok = false;
            break;
        }
        off += (size_t)w;
    }
    free(m);
    return ok;
}

int main(int argc, char **argv)
{
    const char *spec = "probe";
    int port = 35963, connect_timeout = 10000;
    long remove_after = -1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--card") == 0)
            spec = argv[i + 1];
        else if (strcmp(argv[i], "--port") == 0)
            port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--remove-after") == 0)
            remove_after = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--connect-timeout") == 0)
            connect_timeout = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "usage: vpcd_sim [--card SPEC] [--port P] [--remove-after N] "
                            "[--connect-timeout MS]\n");
            return 2;
        }
    }
    rig_card *card = rig_card_new(spec);
    if (card == NULL)
        return 2;
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    static uint8_t cmd[65536 + 16], resp[65536 + 2];
    long apdus = 0;
    bool inserted = true;
    sig_atomic_t seen = toggles;
    int rc = 0;
    while (!stop) {
        if (!inserted) {
            /* The card is out of the reader until the next SIGUSR1. */
            struct pollfd none = { .fd = -1 };
            (void)poll(&none, 0, 50);   /* bounded: a signal may land just before */
            if (toggles != seen) {
                seen = toggles;
                inserted = true;
            }
            continue;
        }
        int fd = connect_vpcd(port, connect_timeout);
        if (fd < 0) {
            if (!stop) {
                fprintf(stderr, "vpcd_sim: cannot connect to vpcd on port %d\n", port);
                rc = 1;
            }
            break;
        }
        rig_card_reset(card);
        printf("connected\n");
        fflush(stdout);
        for (;;) {
            uint8_t hdr[2];
            if (!read_all(fd, hdr, 2, &seen))
                break;
            size_t n = (size_t)hdr[0] << 8 | hdr[1];
            if (n == 0 || !read_all(fd, cmd, n, &seen))
                break;
            if (n == 1) {
                if (cmd[0] == 4 && !send_msg(fd, atr, sizeof atr))
                    break;
                if (cmd[0] == 0 || cmd[0] == 2)
                    rig_card_reset(card);
                continue;
            }
            if (remove_after >= 0 && apdus >= remove_after) {
                remove_after = -1;
                inserted = false;
                break;
            }
            size_t rn = rig_card_transceive(card, cmd, n, resp, sizeof resp);
            apdus++;
            if (rig_card_removed(card)) {   /* the card's own profile pulled it */
                inserted = false;
                break;
            }
            if (rn == 0) {
                resp[0] = 0x6F;
                resp[1] = 0x00;
                rn = 2;
            }
            if (!send_msg(fd, resp, rn))
                break;
        }
        close(fd);
        if (toggles != seen) {   /* pulled by SIGUSR1 */
            seen = toggles;
            inserted = false;
        } else if (inserted && !stop) {
            break;   /* vpcd went away: pcscd stopped */
        }
    }
    printf("apdus %ld\n", apdus);
    rig_card_free(card);
    return rc;
}
