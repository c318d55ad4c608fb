/* MRZ parses per second on this machine: a mix of the five formats, plain parsing
 * and parsing with OCR repair, for about two seconds each. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "verify.h"

static const char *const mix[] = {
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<\n",
    "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6\n",
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n",
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<\n",
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<\n",
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8989O2C36UTO74O8122F1204159ZE184226B<<<<<10\n",
};
#define MIX (sizeof mix / sizeof mix[0])

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this process: the figure that does not depend on other load. */
static double cpu(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static int run(const char *label, bool repair)
{
    vfy_mrz_options o = { .today = { 2026, 11, 28 }, .repair = repair };
    size_t lens[MIX];
    for (size_t i = 0; i < MIX; i++)
        lens[i] = strlen(mix[i]);
    vfy_mrz m;
    vfy_detail d;
    unsigned long parses = 0, valid = 0;
    double start = now(), cpu_start = cpu(), elapsed;
    do {
        for (int batch = 0; batch < 1000; batch++) {
            size_t i = parses % MIX;
            if (vfy_mrz_parse(mix[i], lens[i], &o, &m, &d) != VFY_OK) {
                fprintf(stderr, "bench mrz: specimen %zu failed: %s\n", i, d.message);
                return 1;
            }
            valid += m.valid;
            parses++;
        }
        elapsed = now() - start;
    } while (elapsed < 2.0);
    double cpu_used = cpu() - cpu_start;
    printf("mrz %-7s %9.0f parses/s wall, %9.0f per CPU-second  (%lu parses in %.2f s, %lu "
           "valid; mix of TD1 TD2 TD3 MRV-A MRV-B + 1 OCR-damaged TD3)\n",
           label, (double)parses / elapsed, cpu_used > 0 ? (double)parses / cpu_used : 0.0,
           parses, elapsed, valid);
    return 0;
}

int main(void)
{
    if (run("plain", false) != 0 || run("repair", true) != 0)
        return 1;
    return 0;
}
