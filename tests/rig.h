/*
 * Starting and stopping the reader rigs from Criterion tests (each test runs in its own
 * process, so a rig belongs to one test):
 *
 * - PN532 rig: tests/rigs/pn532_emu on a fresh pseudo-terminal, reached by real libnfc
 *   through "pn532_uart:/dev/pts/N".
 * - PC/SC rig: a private pcscd in a private network namespace (its vpcd driver listens on
 *   0.0.0.0, so namespaces keep parallel tests apart), started by socket activation on its
 *   own UNIX socket (pcscd itself ignores PCSCLITE_CSOCK_NAME; the client library reads
 *   it, and this sets it for the test process), with vpcd as its reader. The card is then
 *   vicc's ePass (tests/rigs/epass_vicc.py) or tests/rigs/vpcd_sim.
 *
 * Every process started here gets SIGKILL when the test process dies, and the stop
 * functions end them with bounded waits. A test is skipped, with the reason, only when the
 * machine cannot run the rig (no pcscd or vpcd installed, no network namespace allowed).
 */
#ifndef VFY_TESTS_RIG_H
#define VFY_TESTS_RIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Path of a rig program built by the Makefile (build/rigs/NAME). */
const char *rig_bin(const char *name, char *buf, size_t cap);

/* Starts argv[0] with stdout on a pipe (*out_fd) and stderr inherited; aborts the test on
 * failure. */
pid_t rig_spawn(char *const argv[], int *out_fd);
/* Reads one line from fd within timeout_ms; false on timeout or end of stream. */
bool rig_read_line(int fd, char *buf, size_t cap, unsigned timeout_ms);
/* SIGTERM, then SIGKILL after a bounded wait; reaps the process. Returns its exit status
 * (waitpid form). */
int rig_stop(pid_t pid);

struct pn532_rig {
    pid_t pid;
    int out;
    char pty[160];
    char conn[192];   /* "pn532_uart:/dev/pts/N" */
};

/* Starts the emulator with extra arguments (NULL-terminated list, may be NULL). */
void pn532_rig_start(struct pn532_rig *r, const char *const args[]);
/* The card leaves the field, or comes back (SIGUSR1). */
void pn532_rig_toggle(struct pn532_rig *r);
void pn532_rig_stop(struct pn532_rig *r);

struct pcsc_rig {
    pid_t pcscd;
    pid_t card;
    int card_out;
    char dir[64];
    char sock[96];
};

/* Starts the private pcscd with the vpcd reader ("Virtual PCD 00 00"); skips the test when
 * the machine cannot. */
void pcsc_rig_start(struct pcsc_rig *r);
/* Puts vicc's ePass on the reader (args for epass_vicc.py, may be NULL). */
void pcsc_rig_insert_vicc(struct pcsc_rig *r, const char *const args[]);
/* Puts tests/rigs/vpcd_sim on the reader (its arguments, may be NULL). */
void pcsc_rig_insert_sim(struct pcsc_rig *r, const char *const args[]);
/* Ends the card process: the card leaves the reader. */
void pcsc_rig_remove(struct pcsc_rig *r);
void pcsc_rig_stop(struct pcsc_rig *r);

/* Milliseconds on the monotonic clock, for the timings the tests report. */
double rig_now_ms(void);

#endif
