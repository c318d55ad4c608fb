/* Access control cost on this machine: BAC and PACE (generic mapping on several curves and
 * a DH group, integrated mapping) run by the terminal against the simulated chip, which
 * does its own half of the arithmetic. Prints milliseconds per session (terminal and chip
 * together, CPU time) and the APDUs each protocol takes. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "chip/bac.h"
#include "chip/cardaccess.h"
#include "chip/pace.h"
#include "transport.h"
#include "verify/sim.h"

static const char *SPECIMEN_KEY = "L898902C3674081223404159";
static const uint8_t AID[] = { 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01 };

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads EF.CardAccess (small: one READ BINARY) and picks the strongest PACEInfo. */
static int card_access(vfy_channel *ch, vfy_card_access *ca)
{
    uint8_t buf[300], none[4];
    size_t n;
    vfy_apdu sel = { .ins = 0xA4, .p1 = 2, .p2 = 0x0C, .data = (const uint8_t *)"\x01\x1c",
                     .data_len = 2 };
    vfy_apdu rb = { .ins = 0xB0, .le = 256 };
    uint16_t sw;
    if (vfy_channel_transmit_ok(ch, &sel, "SELECT", none, sizeof none, &n, NULL) != VFY_OK ||
        vfy_channel_transmit(ch, &rb, buf, sizeof buf, &n, &sw, NULL) != VFY_OK ||
        vfy_card_access_parse(buf, n, ca, NULL) != VFY_OK || vfy_card_access_best(ca) == NULL)
        return -1;
    return 0;
}

/* One session: -1 on failure, else the APDUs of the access protocol alone. */
static long session(const char *conn, bool bac)
{
    vfy_transport *t = NULL;
    vfy_channel ch;
    long apdus = -1;
    if (vfy_transport_open(conn, &t, NULL) != VFY_OK)
        return -1;
    if (vfy_channel_init(&ch, t, NULL) != VFY_OK) {
        vfy_transport_close(t);
        return -1;
    }
    if (bac) {
        uint8_t none[4];
        size_t n;
        vfy_apdu sel = { .ins = 0xA4, .p1 = 4, .p2 = 0x0C, .data = AID, .data_len = sizeof AID };
        if (vfy_channel_transmit_ok(&ch, &sel, "SELECT", none, sizeof none, &n, NULL) == VFY_OK) {
            uint64_t before = t->stats.apdus;
            if (vfy_bac_run(&ch, SPECIMEN_KEY, NULL) == VFY_OK)
                apdus = (long)(t->stats.apdus - before);
        }
    } else {
        vfy_card_access ca;
        if (card_access(&ch, &ca) == 0) {
            vfy_pace_password pw = { VFY_PACE_PASSWORD_MRZ, SPECIMEN_KEY };
            vfy_pace_result r;
            uint64_t before = t->stats.apdus;
            if (vfy_pace_run(&ch, &pw, vfy_card_access_best(&ca), &r, NULL) == VFY_OK)
                apdus = (long)(t->stats.apdus - before);
        }
    }
    vfy_channel_free(&ch);
    vfy_transport_close(t);
    return apdus;
}

int main(void)
{
    if (vfy_sim_register(NULL) != VFY_OK) {   /* the reader "sim" is libverify-sim's */
        fprintf(stderr, "cannot register the simulated chip\n");
        return 1;
    }
    static const struct {
        const char *label, *conn;
        bool bac;
        int runs;
    } cases[] = {
        { "BAC (3DES)", "sim?pace=off", true, 200 },
        { "PACE GM brainpoolP256r1 AES-128", "sim?mapping=gm&cipher=aes128&param=13", false, 50 },
        { "PACE GM NIST P-256 AES-128", "sim?mapping=gm&cipher=aes128&param=12", false, 50 },
        { "PACE GM brainpoolP384r1 AES-256", "sim?mapping=gm&cipher=aes256&param=16", false, 30 },
        { "PACE GM brainpoolP512r1 AES-256", "sim?mapping=gm&cipher=aes256&param=17", false, 20 },
        { "PACE GM NIST P-521 AES-256", "sim?mapping=gm&cipher=aes256&param=18", false, 20 },
        { "PACE GM DH 2048/256 AES-128", "sim?mapping=gm&cipher=aes128&param=2", false, 10 },
        { "PACE IM brainpoolP256r1 AES-128", "sim?mapping=im&cipher=aes128&param=13", false, 50 },
    };
    printf("%-36s %12s %7s\n", "access protocol (terminal + sim chip)", "ms/session", "APDUs");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long apdus = -1;
        double t0 = cpu_s();
        for (int r = 0; r < cases[i].runs; r++) {
            apdus = session(cases[i].conn, cases[i].bac);
            if (apdus < 0) {
                fprintf(stderr, "bench/pace: %s failed\n", cases[i].label);
                return 1;
            }
        }
        double ms = (cpu_s() - t0) * 1e3 / cases[i].runs;
        printf("%-36s %12.2f %7ld\n", cases[i].label, ms, apdus);
    }
    return 0;
}
