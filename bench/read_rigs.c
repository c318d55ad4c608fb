/*
 * bench/read_rigs: a full read of the built-in specimen passport (libverify's simulated
 * chip) through the real-reader rigs — real libnfc driving the PN532 emulator, and real
 * pcscd with the vpcd driver — with APDUs, bytes and wall time per phase (access control,
 * each file), beside the least number of APDUs each link allows.
 *
 * Needs the rig programs (make test-build builds build/rigs/); the PC/SC rig needs root
 * for its private network namespace. A rig that cannot run is reported and skipped. The
 * rig programs are sanitizer builds, so times include their overhead.
 */
#define _GNU_SOURCE
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
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chip/session.h"
#include "transport.h"
#include "verify.h"

#define PHASES 24

struct phase {
    char name[24];
    unsigned apdus;
    uint64_t bytes;
    double ms;
};

/* The transport under the session, wrapped to attribute every APDU to a phase. */
static struct {
    const struct vfy_transport_ops *inner;
    struct phase phases[PHASES];
    size_t count;
    int current;       /* phase index of the file being read, -1 in access control */
    double last_ms;
} tap;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static struct phase *phase_named(const char *name)
{
    for (size_t i = 0; i < tap.count; i++)
        if (strcmp(tap.phases[i].name, name) == 0)
            return &tap.phases[i];
    if (tap.count == PHASES)
        return &tap.phases[PHASES - 1];
    struct phase *p = &tap.phases[tap.count++];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    return p;
}

/* READ BINARY with a short EF identifier names its file; other reads continue it. */
static const char *file_of(const uint8_t *cmd, size_t n, const char *current)
{
    static char name[16];
    if (n < 4)
        return current;
    uint8_t ins = cmd[1], p1 = cmd[2];
    if ((ins == 0xB0 && (p1 & 0x80)) || (ins == 0xB1 && cmd[2] == 0x00 && (cmd[3] & 0xE0) == 0)) {
        unsigned sfi = ins == 0xB0 ? p1 & 0x1F : cmd[3] & 0x1F;
        if (sfi == 0x1C) return "EF.CardAccess";
        if (sfi == 0x1E) return "EF.COM";
        if (sfi == 0x1D) return "EF.SOD";
        snprintf(name, sizeof name, "DG%u", sfi);
        return name;
    }
    if (ins == 0xB0 || ins == 0xB1 || (ins == 0xA4 && cmd[2] == 0x02))
        return current;
    return "access control";
}

static char current_file[24] = "access control";

static vfy_status tap_transmit(vfy_transport *t, const uint8_t *cmd, size_t n, uint8_t *resp,
                               size_t cap, size_t *rn, vfy_detail *d)
{
    const char *f = file_of(cmd, n, current_file);
    if (f != current_file)
        snprintf(current_file, sizeof current_file, "%s", f);
    double t0 = now_ms();
    vfy_status s = tap.inner->transmit(t, cmd, n, resp, cap, rn, d);
    struct phase *p = phase_named(current_file);
    p->apdus++;
    p->bytes += n + (s == VFY_OK ? *rn : 0);
    p->ms += now_ms() - t0;
    return s;
}

static struct vfy_transport_ops tap_ops;

static void install_tap(vfy_session *s)
{
    tap.inner = s->transport->ops;
    tap_ops = *tap.inner;
    tap_ops.transmit = tap_transmit;
    s->transport->ops = &tap_ops;
    tap.count = 0;
    snprintf(current_file, sizeof current_file, "access control");
}

static void remove_tap(vfy_session *s)
{
    s->transport->ops = tap.inner;
}

/* Least APDUs: the access protocol's own exchanges, plus one READ BINARY per largest
 * block the link carries under secure messaging (SFI reads, no SELECT of files). A short
 * APDU's answer holds at most 256 data bytes, whatever the reader's buffer. */
static unsigned least_apdus(const vfy_document *doc, size_t max_response, bool pace,
                            bool aes)
{
    unsigned n = pace ? 1 + 1 + 5 : 1 + 1 + 2;   /* EF.CardAccess, SELECT AID, MSE+4 GA | GET CHALLENGE + EXT AUTH */
    size_t data = max_response - 2 > 256 && max_response <= 263 ? 256 : max_response - 2;
    data -= 4 + 10;                               /* DO'99', DO'8E' */
    size_t hdr = data > 255 + 4 ? (data > 65535 + 5 ? 6 : 5) : 4;
    size_t block = aes ? 16 : 8;
    size_t plain = ((data - hdr) / block) * block - 1;
    if (plain > 65536)
        plain = 65536;
    for (int id = 1; id < VFY_FILE_COUNT; id++) {
        const uint8_t *b;
        size_t len;
        if (id == VFY_FILE_CARD_ACCESS || !vfy_document_has_file(doc, (vfy_file_id)id) ||
            vfy_document_get_file(doc, (vfy_file_id)id, &b, &len) != VFY_OK)
            continue;
        n += (unsigned)((len + plain - 1) / plain);
    }
    return n;
}

static void read_and_report(const char *rig, const char *conn, size_t max_response)
{
    vfy_session *s = NULL;
    vfy_detail d = { 0 };
    double t0 = now_ms();
    vfy_status st = vfy_session_open_reader(conn, &s, &d);
    if (st == VFY_OK)
        st = vfy_session_wait_document(s, 10000, &d);
    if (st != VFY_OK) {
        printf("%-28s skipped: %s: %s\n", rig, vfy_status_name(st), d.message);
        vfy_session_close(s);
        return;
    }
    double ready = now_ms() - t0;
    vfy_access_key key;
    if (vfy_access_key_from_values("L898902C3", "740812", "340415", &key, &d) != VFY_OK)
        return;
    vfy_document *doc = NULL;
    if (vfy_document_new(&doc) != VFY_OK)
        return;
    install_tap(s);
    double t1 = now_ms();
    st = vfy_session_read_document(s, &key, NULL, doc, &d);
    double total = now_ms() - t1;
    remove_tap(s);
    vfy_access_info access;
    vfy_session_access(s, &access);
    vfy_read_stats stats;
    vfy_session_stats(s, &stats);
    if (st != VFY_OK) {
        printf("%-28s read failed: %s: %s\n", rig, vfy_status_name(st), d.message);
    } else {
        bool pace = access.protocol == VFY_ACCESS_PACE;
        unsigned least = least_apdus(doc, max_response, pace, strncmp(access.cipher, "AES", 3) == 0);
        printf("%-28s %s %s: %llu APDUs (least %u), %llu bytes, %.1f ms (reader ready in %.0f ms)\n",
               rig, vfy_access_protocol_name(access.protocol), access.cipher,
               (unsigned long long)stats.apdus, least,
               (unsigned long long)(stats.bytes_sent + stats.bytes_received), total, ready);
        for (size_t i = 0; i < tap.count; i++)
            printf("    %-16s %4u APDUs %7llu bytes %8.2f ms\n", tap.phases[i].name,
                   tap.phases[i].apdus, (unsigned long long)tap.phases[i].bytes,
                   tap.phases[i].ms);
    }
    vfy_document_free(doc);
    vfy_session_close(s);
}

/* ---- rig processes ------------------------------------------------------------------ */

static pid_t spawn(char *const argv[], int *out, int log_fd, int listen_fd)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        dup2(p[1], STDOUT_FILENO);
        if (log_fd >= 0)
            dup2(log_fd, STDERR_FILENO);
        if (listen_fd >= 0) {   /* systemd socket activation, for pcscd */
            dup2(listen_fd, 3);
            char pidbuf[24];
            snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
            setenv("LISTEN_FDS", "1", 1);
            setenv("LISTEN_PID", pidbuf, 1);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    close(p[1]);
    *out = p[0];
    return pid;
}

static bool read_line(int fd, char *buf, size_t cap, int timeout_ms)
{
    size_t n = 0;
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    while (n + 1 < cap && poll(&pfd, 1, timeout_ms) == 1) {
        char c;
        if (read(fd, &c, 1) != 1)
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

static void stop(pid_t pid, int fd)
{
    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    (void)waitpid(pid, NULL, 0);
    close(fd);
}

static void pn532_rig(const char *rigs, const char *card, const char *label)
{
    char bin[512];
    snprintf(bin, sizeof bin, "%s/pn532_emu", rigs);
    char *const argv[] = { bin, "--card", (char *)card, NULL };
    int out, null_fd = open("/dev/null", O_WRONLY);
    pid_t pid = access(bin, X_OK) == 0 ? spawn(argv, &out, null_fd, -1) : -1;
    char line[256], conn[300];
    if (pid <= 0 || !read_line(out, line, sizeof line, 5000) || strncmp(line, "pty ", 4) != 0) {
        printf("%-28s skipped: %s not runnable (make test-build)\n", label, bin);
        close(null_fd);
        return;
    }
    snprintf(conn, sizeof conn, "pn532_uart:%s", line + 4);
    read_and_report(label, conn, 263);
    stop(pid, out);
    close(null_fd);
}

static void pcsc_rig(const char *rigs)
{
    const char *label = "PC/SC rig (pcscd + vpcd)";
    char sim[512];
    snprintf(sim, sizeof sim, "%s/vpcd_sim", rigs);
    if (access("/usr/sbin/pcscd", X_OK) != 0 || access(sim, X_OK) != 0 ||
        access("/usr/lib/pcsc/drivers/serial/libifdvpcd.so", R_OK) != 0) {
        printf("%-28s skipped: pcscd, vpcd or %s missing\n", label, sim);
        return;
    }
    if (unshare(CLONE_NEWNET) != 0) {
        printf("%-28s skipped: no private network namespace (%s)\n", label, strerror(errno));
        return;
    }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr = { 0 };
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0 ||
        (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr) != 0)) {
        printf("%-28s skipped: cannot bring up loopback\n", label);
        return;
    }
    close(s);
    char dir[] = "/tmp/vfy-bench-pcsc-XXXXXX";
    if (mkdtemp(dir) == NULL)
        return;
    char conf[128], sock[128], logp[128];
    snprintf(conf, sizeof conf, "%s/vpcd", dir);
    snprintf(sock, sizeof sock, "%s/pcscd.comm", dir);
    snprintf(logp, sizeof logp, "%s/pcscd.log", dir);
    FILE *f = fopen(conf, "w");
    if (f == NULL)
        return;
    fprintf(f, "FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME /dev/null:0x8C7B\n"
               "LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID 0x8C7B\n");
    fclose(f);
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof a.sun_path, "%.100s", sock);
    if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 16) != 0)
        return;
    int log_fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char *const pargv[] = { "/usr/sbin/pcscd", "-f", "-c", dir, NULL };
    int pout, cout;
    pid_t pcscd = spawn(pargv, &pout, log_fd, ls);
    close(ls);
    setenv("PCSCLITE_CSOCK_NAME", sock, 1);
    char *const cargv[] = { sim, "--card", "sim", NULL };
    pid_t card = spawn(cargv, &cout, log_fd, -1);
    char line[64];
    if (read_line(cout, line, sizeof line, 10000))
        read_and_report(label, "pcsc:Virtual PCD 00 00", 65538);
    else
        printf("%-28s skipped: the card did not reach vpcd\n", label);
    stop(card, cout);
    stop(pcscd, pout);
    close(log_fd);
    unlink(conf);
    unlink(sock);
    unlink(logp);
    rmdir(dir);
}

int main(void)
{
    const char *rigs = getenv("VFY_RIGS");
    if (rigs == NULL || rigs[0] == '\0')
        rigs = "build/rigs";
    printf("full read of the built-in specimen through the reader rigs\n");
    pn532_rig(rigs, "sim", "PN532 rig (libnfc), PACE");
    pn532_rig(rigs, "sim?pace=off", "PN532 rig (libnfc), BAC");
    pcsc_rig(rigs);
    return 0;
}
