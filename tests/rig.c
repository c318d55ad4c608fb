/* Reader rigs for the tests (see rig.h). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rig.h"
#include "support.h"

#define PCSCD "/usr/sbin/pcscd"
#define VPCD_DRIVER "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
#define VICC_PACKAGE "/usr/lib/python3/site-packages/virtualsmartcard/virtualsmartcard"
#define SYSTEM_PYTHON "/usr/bin/python3"

double rig_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

const char *rig_bin(const char *name, char *buf, size_t cap)
{
    const char *dir = getenv("VFY_RIGS");
    if (dir != NULL && dir[0] != '\0')
        snprintf(buf, cap, "%s/%s", dir, name);
    else
        repo_path("build/rigs", buf, cap), snprintf(buf + strlen(buf), cap - strlen(buf), "/%s", name);
    cr_assert(access(buf, X_OK) == 0, "rig program %s is missing: run make test-build", buf);
    return buf;
}

static void child_setup(void)
{
    /* The rig dies with the test, even when the test crashes. */
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
}

pid_t rig_spawn(char *const argv[], int *out_fd)
{
    int p[2] = { -1, -1 };
    if (out_fd != NULL)
        cr_assert(pipe2(p, O_CLOEXEC) == 0);
    pid_t parent = getpid();
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        child_setup();
        if (getppid() != parent)
            _exit(127);
        if (out_fd != NULL)
            dup2(p[1], STDOUT_FILENO);
        execv(argv[0], argv);
        fprintf(stderr, "rig: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (out_fd != NULL) {
        close(p[1]);
        *out_fd = p[0];
    }
    return pid;
}

bool rig_read_line(int fd, char *buf, size_t cap, unsigned timeout_ms)
{
    size_t n = 0;
    double deadline = rig_now_ms() + timeout_ms;
    while (n + 1 < cap) {
        int left = (int)(deadline - rig_now_ms());
        if (left <= 0)
            break;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        char c;
        ssize_t got = read(fd, &c, 1);
        if (got <= 0)
            break;
        if (c == '\n') {
            buf[n] = '\0';
            return true;
        }
        buf[n++] = c;
    }
    buf[n] = '\0';
    return false;
}

/* Waits for the process to end within timeout_ms (pidfd: no sleeping loop). */
static bool wait_exit(pid_t pid, int *status, int timeout_ms)
{
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pfd >= 0) {
        struct pollfd p = { .fd = pfd, .events = POLLIN };
        int r;
        do {
            r = poll(&p, 1, timeout_ms);
        } while (r < 0 && errno == EINTR);
        close(pfd);
        if (r <= 0)
            return false;
    }
    return waitpid(pid, status, pfd >= 0 ? 0 : WNOHANG) == pid;
}

int rig_stop(pid_t pid)
{
    int status = 0;
    if (pid <= 0)
        return 0;
    kill(pid, SIGTERM);
    if (!wait_exit(pid, &status, 3000)) {
        kill(pid, SIGKILL);
        (void)waitpid(pid, &status, 0);
    }
    return status;
}

/* argv for a rig program: the fixed head, then the test's arguments (NULL-terminated). */
static void rig_argv(char **argv, size_t cap, size_t head, const char *const args[])
{
    size_t n = head;
    for (size_t i = 0; args != NULL && args[i] != NULL && n + 1 < cap; i++)
        argv[n++] = (char *)args[i];
    argv[n] = NULL;
}

/* ---- PN532 -------------------------------------------------------------------------- */

void pn532_rig_start(struct pn532_rig *r, const char *const args[])
{
    char bin[512];
    rig_bin("pn532_emu", bin, sizeof bin);
    char *argv[24] = { bin };
    rig_argv(argv, 24, 1, args);
    memset(r, 0, sizeof *r);
    r->pid = rig_spawn(argv, &r->out);
    char line[160];
    cr_assert(rig_read_line(r->out, line, sizeof line, 5000) && strncmp(line, "pty ", 4) == 0,
              "the PN532 emulator did not start (said '%s')", line);
    snprintf(r->pty, sizeof r->pty, "%.150s", line + 4);
    snprintf(r->conn, sizeof r->conn, "pn532_uart:%s", r->pty);
}

void pn532_rig_toggle(struct pn532_rig *r)
{
    kill(r->pid, SIGUSR1);
}

void pn532_rig_stop(struct pn532_rig *r)
{
    int status = rig_stop(r->pid);
    if (r->out >= 0)
        close(r->out);
    r->pid = 0;
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "the PN532 emulator ended badly (status 0x%x)", status);
}

/* ---- PC/SC -------------------------------------------------------------------------- */

static void loopback_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    cr_assert(s >= 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    cr_assert(ioctl(s, SIOCGIFFLAGS, &ifr) == 0, "SIOCGIFFLAGS lo: %s", strerror(errno));
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    cr_assert(ioctl(s, SIOCSIFFLAGS, &ifr) == 0, "SIOCSIFFLAGS lo: %s", strerror(errno));
    close(s);
}

void pcsc_rig_start(struct pcsc_rig *r)
{
    memset(r, 0, sizeof *r);
    r->card_out = -1;
    if (access(PCSCD, X_OK) != 0 || access(VPCD_DRIVER, R_OK) != 0)
        cr_skip_test("PC/SC rig: %s or %s is not installed (Debian pcscd, vsmartcard-vpcd)",
                     PCSCD, VPCD_DRIVER);
    if (unshare(CLONE_NEWNET) != 0)
        cr_skip_test("PC/SC rig: cannot make a private network namespace (%s); run as root",
                     strerror(errno));
    loopback_up();
    tmpdir_make("pcsc", r->dir, sizeof r->dir);
    char path[256];
    snprintf(path, sizeof path, "%s/vpcd", r->dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME /dev/null:0x8C7B\n"
               "LIBPATH %s\nCHANNELID 0x8C7B\n", VPCD_DRIVER);
    fclose(f);
    snprintf(r->sock, sizeof r->sock, "%s/pcscd.comm", r->dir);

    /* Socket activation: pcscd takes the listening socket as fd 3 (sd_listen_fds). */
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    cr_assert(ls >= 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof a.sun_path, "%.100s", r->sock);
    cr_assert(bind(ls, (struct sockaddr *)&a, sizeof a) == 0, "bind %s: %s", r->sock,
              strerror(errno));
    cr_assert(listen(ls, 16) == 0);
    char log[256];
    snprintf(log, sizeof log, "%s/pcscd.log", r->dir);
    pid_t parent = getpid();
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        child_setup();
        if (getppid() != parent)
            _exit(127);
        int lf = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (lf >= 0) {
            dup2(lf, STDOUT_FILENO);
            dup2(lf, STDERR_FILENO);
        }
        if (ls != 3) {
            dup2(ls, 3);
            close(ls);
        }
        char pidbuf[32];
        snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
        setenv("LISTEN_FDS", "1", 1);
        setenv("LISTEN_PID", pidbuf, 1);
        execl(PCSCD, "pcscd", "-f", "-c", r->dir, (char *)NULL);
        _exit(127);
    }
    close(ls);
    r->pcscd = pid;
    setenv("PCSCLITE_CSOCK_NAME", r->sock, 1);
}

static void insert(struct pcsc_rig *r, char *const argv[])
{
    cr_assert(r->card == 0, "a card is already on the reader");
    r->card = rig_spawn(argv, &r->card_out);
    char line[256];
    cr_assert(rig_read_line(r->card_out, line, sizeof line, 10000),
              "the card process did not connect to vpcd (said '%s')", line);
}

void pcsc_rig_insert_vicc(struct pcsc_rig *r, const char *const args[])
{
    if (access(SYSTEM_PYTHON, X_OK) != 0 || access(VICC_PACKAGE, R_OK) != 0)
        cr_skip_test("PC/SC rig: vicc is not installed (Debian python3-virtualsmartcard)");
    char script[512];
    repo_path("tests/rigs/epass_vicc.py", script, sizeof script);
    char *argv[24] = { SYSTEM_PYTHON, script };
    rig_argv(argv, 24, 2, args);
    insert(r, argv);
}

void pcsc_rig_insert_sim(struct pcsc_rig *r, const char *const args[])
{
    char bin[512];
    rig_bin("vpcd_sim", bin, sizeof bin);
    char *argv[24] = { bin };
    rig_argv(argv, 24, 1, args);
    insert(r, argv);
}

void pcsc_rig_remove(struct pcsc_rig *r)
{
    if (r->card > 0)
        (void)rig_stop(r->card);
    if (r->card_out >= 0)
        close(r->card_out);
    r->card = 0;
    r->card_out = -1;
}

void pcsc_rig_stop(struct pcsc_rig *r)
{
    pcsc_rig_remove(r);
    if (r->pcscd > 0)
        (void)rig_stop(r->pcscd);
    r->pcscd = 0;
    char path[256];
    const char *files[] = { "vpcd", "pcscd.comm", "pcscd.log" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", r->dir, files[i]);
        unlink(path);
    }
    rmdir(r->dir);
}
