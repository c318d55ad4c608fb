/* The libnfc transport (see nfc_transport.h): libnfc runs in the helper program
 * vfy-nfc-worker (tools/nfc_worker.c), driven over a SOCK_SEQPACKET socket pair, one
 * request and one reply per call (nfc_protocol.h). Nothing here calls libnfc. */
#define _GNU_SOURCE   /* secure_getenv */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* libnfc's error numbers, which the worker passes on: the header has no functions this
 * side calls (libnfc is never called in the caller's process). */
#include <nfc/nfc-types.h>
#include <nfc/nfc.h>

#include "core/fail.h"
#include "nfc/nfc_protocol.h"
#include "nfc/nfc_transport.h"

extern char **environ;

#define NFC_DEFAULT_APDU_TIMEOUT_MS 3000u
#define NFC_MAX_APDU_TIMEOUT_MS 60000u
/* Time the worker is given beyond libnfc's own timeout before it is declared hung. */
#define NFC_WORKER_MARGIN_MS 1500u
#define NFC_OPEN_TIMEOUT_MS 5000u
#define NFC_SELECT_TIMEOUT_MS 2000u
#define NFC_POLL_INTERVAL_MS 20u

#ifndef VFY_NFC_WORKER_PATH
#define VFY_NFC_WORKER_PATH "/usr/local/libexec/libverify/vfy-nfc-worker"
#endif
#define NFC_WORKER_NAME "vfy-nfc-worker"

struct nfc_link {
    pid_t pid;
    int fd;
    bool alive;
    bool selected;
    char target_type;   /* 'A' or 'B' once selected */
    unsigned apdu_timeout_ms;
    char connstring[NFC_CONN_MAX];   /* empty for libnfc's default device */
    char why_dead[160];
    struct nfc_request req;   /* one call at a time per link: the buffers live here */
    struct nfc_reply rep;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- the parent side ---------------------------------------------------------------- */

static void stop_worker(struct nfc_link *l, unsigned grace_ms);

/* Where the helper program is: $VFY_NFC_WORKER (ignored in a set-user-id process),
 * else beside the running program (a build tree: build/bin/vfy and
 * build/bin/vfy-nfc-worker), else where make install puts it. */
static vfy_status find_worker(char *path, size_t cap, vfy_detail *detail)
{
    const char *env = secure_getenv("VFY_NFC_WORKER");
    if (env != NULL && env[0] != '\0') {
        if (env[0] != '/' || strlen(env) >= cap)
            return vfy_fail(detail, VFY_E_CONFIG, "VFY_NFC_WORKER",
                            "VFY_NFC_WORKER must be an absolute path of at most %zu characters",
                            cap - 1);
        snprintf(path, cap, "%s", env);
        return VFY_OK;
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash != NULL && (size_t)(slash - self) + sizeof NFC_WORKER_NAME + 1 < cap) {
            snprintf(path, cap, "%.*s/%s", (int)(slash - self), self, NFC_WORKER_NAME);
            if (access(path, X_OK) == 0)
                return VFY_OK;
        }
    }
    snprintf(path, cap, "%s", VFY_NFC_WORKER_PATH);
    return VFY_OK;
}

/* Starts vfy-nfc-worker by posix_spawn (fork and exec in one call: nothing runs in a
 * forked copy of this possibly multithreaded process) with its socket as descriptor 3,
 * and waits for its hello. */
static vfy_status spawn_worker(struct nfc_link *l, vfy_detail *detail)
{
    char path[PATH_MAX];
    VFY_TRY(find_worker(path, sizeof path, detail));
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return vfy_fail(detail, VFY_E_READER, "nfc", "cannot create the libnfc worker's socket: %s",
                        strerror(errno));
    if (sv[1] == NFC_WORKER_FD) {
        /* dup2 onto itself would leave close-on-exec set: move it first. */
        int moved = fcntl(sv[1], F_DUPFD_CLOEXEC, NFC_WORKER_FD + 1);
        if (moved < 0) {
            close(sv[0]);
            close(sv[1]);
            return vfy_fail(detail, VFY_E_READER, "nfc", "cannot set up the libnfc worker's "
                            "socket: %s", strerror(errno));
        }
        close(sv[1]);
        sv[1] = moved;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none;
    sigemptyset(&none);
    int err = posix_spawn_file_actions_init(&fa);
    if (err == 0) {
        err = posix_spawn_file_actions_adddup2(&fa, sv[1], NFC_WORKER_FD);
        if (err == 0)
            err = posix_spawnattr_init(&attr);
        if (err == 0) {
            /* A caller's blocked signals (a service waiting for them in one thread) must
             * not keep the worker from ending. */
            (void)posix_spawnattr_setsigmask(&attr, &none);
            (void)posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
            char caller[24];
            snprintf(caller, sizeof caller, "%ld", (long)getpid());
            char *argv[] = { (char *)NFC_WORKER_NAME, caller, NULL };
            pid_t pid;
            err = posix_spawn(&pid, path, &fa, &attr, argv, environ);
            if (err == 0)
                l->pid = pid;
            posix_spawnattr_destroy(&attr);
        }
        posix_spawn_file_actions_destroy(&fa);
    }
    close(sv[1]);
    if (err != 0) {
        close(sv[0]);
        l->pid = 0;
        return vfy_fail(detail, err == ENOENT || err == EACCES ? VFY_E_CONFIG : VFY_E_READER,
                        "nfc", "cannot start libnfc's helper program %s: %s (install it with "
                        "libverify, or name it in VFY_NFC_WORKER)", path, strerror(err));
    }
    l->fd = sv[0];
    l->alive = true;
    l->selected = false;
    l->why_dead[0] = '\0';
    /* The hello: the worker runs and speaks this library's protocol. */
    struct pollfd pfd = { .fd = l->fd, .events = POLLIN };
    int pr;
    do {
        pr = poll(&pfd, 1, (int)NFC_OPEN_TIMEOUT_MS);
    } while (pr < 0 && errno == EINTR);
    ssize_t n = pr > 0 ? recv(l->fd, &l->rep, sizeof l->rep, 0) : -1;
    if (n != (ssize_t)offsetof(struct nfc_reply, data) ||
        l->rep.rc != (int32_t)NFC_PROTOCOL_VERSION) {
        stop_worker(l, 0);
        return vfy_fail(detail, VFY_E_CONFIG, "nfc",
                        "libnfc's helper program %s did not answer as this libverify's "
                        "(protocol %u): install the matching vfy-nfc-worker", path,
                        NFC_PROTOCOL_VERSION);
    }
    return VFY_OK;
}

/* Stops the worker: politely when it answers within grace_ms, else with SIGKILL. */
static void stop_worker(struct nfc_link *l, unsigned grace_ms)
{
    if (l->pid <= 0)
        return;
    if (l->alive && grace_ms > 0) {
        struct nfc_request req = { .op = OP_QUIT };
        if (send(l->fd, &req, offsetof(struct nfc_request, data), MSG_NOSIGNAL) > 0) {
            struct pollfd pfd = { .fd = l->fd, .events = POLLIN };
            (void)poll(&pfd, 1, (int)grace_ms);
        }
    }
    int status;
    if (waitpid(l->pid, &status, WNOHANG) == 0) {
        kill(l->pid, SIGKILL);
        (void)waitpid(l->pid, &status, 0);
    }
    close(l->fd);
    l->fd = -1;
    l->pid = 0;
    l->alive = false;
    l->selected = false;
}

/* Records why the worker is gone and reaps it. */
static vfy_status worker_lost(struct nfc_link *l, vfy_detail *detail)
{
    int status = 0;
    pid_t r = waitpid(l->pid, &status, 0);
    if (r == l->pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT)
        snprintf(l->why_dead, sizeof l->why_dead,
                 "libnfc aborted on the reader's answer (a status byte with bit 8 set, which "
                 "libnfc 1.8 cannot handle)");
    else if (r == l->pid && WIFSIGNALED(status))
        snprintf(l->why_dead, sizeof l->why_dead, "libnfc's worker died of signal %d",
                 WTERMSIG(status));
    else
        snprintf(l->why_dead, sizeof l->why_dead, "libnfc's worker stopped");
    close(l->fd);
    l->fd = -1;
    l->pid = 0;
    l->alive = false;
    l->selected = false;
    return vfy_fail(detail, VFY_E_READER, "nfc",
                    "%s; the reader link is closed: wait for the document again to reopen it",
                    l->why_dead);
}

/* One request and its reply, bounded by timeout_ms plus a margin. */
static vfy_status call(struct nfc_link *l, struct nfc_request *req, struct nfc_reply *rep,
                       unsigned timeout_ms, vfy_detail *detail)
{
    if (!l->alive)
        return vfy_fail(detail, VFY_E_READER, "nfc",
                        "the reader link is closed (%s): wait for the document again to reopen it",
                        l->why_dead[0] ? l->why_dead : "closed");
    req->timeout_ms = timeout_ms;
    if (send(l->fd, req, offsetof(struct nfc_request, data) + req->len, MSG_NOSIGNAL) < 0)
        return worker_lost(l, detail);
    struct pollfd pfd = { .fd = l->fd, .events = POLLIN };
    int pr;
    do {
        pr = poll(&pfd, 1, (int)(timeout_ms + NFC_WORKER_MARGIN_MS));
    } while (pr < 0 && errno == EINTR);
    if (pr == 0) {
        stop_worker(l, 0);
        snprintf(l->why_dead, sizeof l->why_dead, "the reader hung");
        return vfy_fail(detail, VFY_E_TIMEOUT, "nfc",
                        "the reader did not answer within %u ms; its link was closed",
                        timeout_ms + NFC_WORKER_MARGIN_MS);
    }
    ssize_t n = recv(l->fd, rep, sizeof *rep, 0);
    if (n < (ssize_t)offsetof(struct nfc_reply, data))
        return worker_lost(l, detail);
    if ((size_t)n - offsetof(struct nfc_reply, data) != rep->len)
        return vfy_fail(detail, VFY_E_INTERNAL, "nfc", "the libnfc worker sent a torn reply");
    return VFY_OK;
}

static vfy_status open_device(struct nfc_link *l, vfy_detail *detail)
{
    VFY_TRY(spawn_worker(l, detail));
    struct nfc_request *req = &l->req;
    struct nfc_reply *rep = &l->rep;
    memset(req, 0, offsetof(struct nfc_request, data));
    req->op = OP_OPEN;
    req->len = (uint16_t)strlen(l->connstring);
    memcpy(req->data, l->connstring, req->len);
    vfy_status s = call(l, req, rep, NFC_OPEN_TIMEOUT_MS, detail);
    if (s != VFY_OK) {
        stop_worker(l, 0);
        return s;
    }
    if (rep->rc < 0) {
        stop_worker(l, 200);
        return vfy_fail(detail, VFY_E_NO_READER, "nfc",
                        "libnfc could not open %s%s%s (error %d): check the connection string "
                        "and that no other program holds the reader",
                        l->connstring[0] ? "'" : "the default device",
                        l->connstring, l->connstring[0] ? "'" : "", (int)rep->rc);
    }
    return VFY_OK;
}

/* One selection attempt; sets *found. */
static vfy_status select_once(struct nfc_link *l, bool *found, vfy_detail *detail)
{
    struct nfc_request *req = &l->req;
    struct nfc_reply *rep = &l->rep;
    *found = false;
    req->op = OP_SELECT;
    req->len = 0;
    VFY_TRY(call(l, req, rep, NFC_SELECT_TIMEOUT_MS, detail));
    if (rep->rc < 0 && (rep->rc == NFC_EIO || rep->rc == NFC_ENOTSUCHDEV))
        return vfy_fail(detail, VFY_E_READER_GONE, "nfc",
                        "the reader stopped answering (libnfc error %d): check its cable",
                        (int)rep->rc);
    if (rep->rc > 0 && rep->len >= 1) {
        *found = true;
        l->selected = true;
        l->target_type = (char)rep->data[0];
    } else {
        l->selected = false;
    }
    return VFY_OK;
}

static vfy_status nfc_transmit(vfy_transport *t, const uint8_t *cmd, size_t cmd_len,
                               uint8_t *resp, size_t resp_cap, size_t *resp_len,
                               vfy_detail *detail)
{
    struct nfc_link *l = t->impl;
    *resp_len = 0;
    if (cmd_len < 4 || cmd_len > VFY_NFC_MAX_COMMAND)
        return vfy_fail(detail, VFY_E_READER_LIMIT, "apdu",
                        "a command of %zu bytes cannot go through libnfc (4 to %d bytes)",
                        cmd_len, VFY_NFC_MAX_COMMAND);
    if (!l->alive)
        return call(l, NULL, NULL, 0, detail);
    if (!l->selected)
        return vfy_fail(detail, VFY_E_NO_CARD, "nfc",
                        "no document is in the reader's field: wait for one first");
    struct nfc_request *req = &l->req;
    struct nfc_reply *rep = &l->rep;
    req->op = OP_TRANSCEIVE;
    req->len = (uint16_t)cmd_len;
    memcpy(req->data, cmd, cmd_len);
    VFY_TRY(call(l, req, rep, l->apdu_timeout_ms, detail));
    if (rep->rc < 0) {
        if (rep->flags & REPLY_TARGET_GONE) {
            l->selected = false;
            return vfy_fail(detail, VFY_E_CARD_REMOVED, "nfc",
                            "the document left the reader's field during the exchange: place "
                            "it again and restart the read");
        }
        switch (rep->rc) {
        case NFC_ETIMEOUT:
            return vfy_fail(detail, VFY_E_TIMEOUT, "nfc",
                            "the document did not answer within %u ms", l->apdu_timeout_ms);
        case NFC_ECHIP:
        case NFC_EOVFLOW:
            return vfy_fail(detail, VFY_E_READER_LIMIT, "apdu",
                            "the reader could not carry the answer: libnfc 1.8 takes at most "
                            "%d response bytes with the status word (or the reader failed "
                            "internally)", VFY_NFC_MAX_RESPONSE);
        case NFC_EIO:
        case NFC_ENOTSUCHDEV:
            l->selected = false;
            return vfy_fail(detail, VFY_E_READER_GONE, "nfc",
                            "the reader stopped answering (libnfc error %d): check its cable",
                            (int)rep->rc);
        case NFC_ERFTRANS:
            return vfy_fail(detail, VFY_E_TRANSPORT, "nfc",
                            "the radio exchange with the document failed: hold it still on the "
                            "reader");
        default:
            return vfy_fail(detail, VFY_E_READER, "nfc", "libnfc failed with error %d",
                            (int)rep->rc);
        }
    }
    if (rep->len < 2)
        return vfy_fail(detail, VFY_E_TRANSPORT, "apdu",
                        "the reader returned %u bytes, not a response with a status word",
                        (unsigned)rep->len);
    if (rep->len > resp_cap)
        return vfy_fail(detail, VFY_E_READER_LIMIT, "apdu",
                        "a response of %u bytes does not fit the caller's %zu-byte buffer",
                        (unsigned)rep->len, resp_cap);
    memcpy(resp, rep->data, rep->len);
    *resp_len = rep->len;
    return VFY_OK;
}

static vfy_status nfc_wait_card(vfy_transport *t, unsigned timeout_ms, vfy_detail *detail)
{
    struct nfc_link *l = t->impl;
    uint64_t deadline = now_ms() + timeout_ms;
    if (!l->alive)
        VFY_TRY(open_device(l, detail));   /* reconnect after an unplug or a worker loss */
    if (l->selected) {
        l->req.op = OP_PRESENT;
        l->req.len = 0;
        VFY_TRY(call(l, &l->req, &l->rep, NFC_SELECT_TIMEOUT_MS, detail));
        if (l->rep.rc == 0)
            return VFY_OK;
        l->selected = false;
    }
    for (;;) {
        bool found;
        VFY_TRY(select_once(l, &found, detail));
        if (found)
            return VFY_OK;
        if (now_ms() + NFC_POLL_INTERVAL_MS > deadline)
            return vfy_fail(detail, VFY_E_TIMEOUT, "nfc",
                            "no document was placed on the reader within %u ms", timeout_ms);
        sleep_ms(NFC_POLL_INTERVAL_MS);
    }
}

static vfy_status nfc_card_present(vfy_transport *t, bool *present, vfy_detail *detail)
{
    struct nfc_link *l = t->impl;
    *present = false;
    if (!l->alive)
        return call(l, NULL, NULL, 0, detail);
    if (!l->selected)
        return select_once(l, present, detail);
    l->req.op = OP_PRESENT;
    l->req.len = 0;
    VFY_TRY(call(l, &l->req, &l->rep, NFC_SELECT_TIMEOUT_MS, detail));
    *present = l->rep.rc == 0;
    if (!*present)
        l->selected = false;
    return VFY_OK;
}

static void nfc_close_transport(vfy_transport *t)
{
    struct nfc_link *l = t->impl;
    stop_worker(l, 1000);
    free(l);
    free(t);
}

static const struct vfy_transport_ops nfc_ops = {
    .name = "nfc",
    .transmit = nfc_transmit,
    .wait_card = nfc_wait_card,
    .card_present = nfc_card_present,
    .close = nfc_close_transport,
};

/* Splits "CONNSTRING?timeout=MS" into the libnfc connection string and the timeout. */
static vfy_status parse_conn(const char *conn, struct nfc_link *l, vfy_detail *detail)
{
    const char *q = strchr(conn, '?');
    size_t n = q != NULL ? (size_t)(q - conn) : strlen(conn);
    if (n >= sizeof l->connstring)
        return vfy_fail(detail, VFY_E_BAD_CONNECTION, "reader",
                        "the libnfc connection string is longer than %zu characters",
                        sizeof l->connstring - 1);
    if (n == 3 && strncmp(conn, "nfc", 3) == 0)
        l->connstring[0] = '\0';
    else
        snprintf(l->connstring, sizeof l->connstring, "%.*s", (int)n, conn);
    l->apdu_timeout_ms = NFC_DEFAULT_APDU_TIMEOUT_MS;
    if (q != NULL) {
        char *end = NULL;
        if (strncmp(q + 1, "timeout=", 8) != 0)
            return vfy_fail(detail, VFY_E_BAD_CONNECTION, "reader",
                            "unknown option '%.32s' after '?': only timeout=MS is known", q + 1);
        errno = 0;
        unsigned long ms = strtoul(q + 9, &end, 10);
        if (errno != 0 || end == q + 9 || *end != '\0' || ms == 0 || ms > NFC_MAX_APDU_TIMEOUT_MS)
            return vfy_fail(detail, VFY_E_BAD_CONNECTION, "reader",
                            "timeout= takes milliseconds from 1 to %u", NFC_MAX_APDU_TIMEOUT_MS);
        l->apdu_timeout_ms = (unsigned)ms;
    }
    return VFY_OK;
}

vfy_status vfy_nfc_open(const char *conn, vfy_transport **out, vfy_detail *detail)
{
    *out = NULL;
    vfy_transport *t = calloc(1, sizeof *t);
    struct nfc_link *l = calloc(1, sizeof *l);
    if (t == NULL || l == NULL) {
        free(t);
        free(l);
        return vfy_fail(detail, VFY_E_NO_MEMORY, "nfc", "out of memory opening the reader");
    }
    l->fd = -1;
    vfy_status s = parse_conn(conn, l, detail);
    if (s == VFY_OK)
        s = open_device(l, detail);
    if (s != VFY_OK) {
        free(l);
        free(t);
        return s;
    }
    t->ops = &nfc_ops;
    t->impl = l;
    t->caps.max_command = VFY_NFC_MAX_COMMAND;
    t->caps.max_response = VFY_NFC_MAX_RESPONSE;
    t->caps.extended_length = false;
    /* Take the document now when it is already in the field. */
    bool found;
    vfy_detail ignored = { 0 };
    (void)select_once(l, &found, &ignored);
    *out = t;
    return VFY_OK;
}

vfy_status vfy_nfc_list(vfy_nfc_list_fn fn, void *ctx, vfy_detail *detail)
{
    struct nfc_link *l = calloc(1, sizeof *l);
    if (l == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "nfc", "out of memory listing the readers");
    l->fd = -1;
    vfy_status s = spawn_worker(l, detail);
    if (s == VFY_OK) {
        l->req.op = OP_LIST;
        l->req.len = 0;
        s = call(l, &l->req, &l->rep, NFC_OPEN_TIMEOUT_MS * 2, detail);
        stop_worker(l, s == VFY_OK ? 1000 : 0);
    }
    if (s == VFY_OK && l->rep.rc <= 0)
        s = vfy_fail(detail, VFY_E_NO_READER, "nfc", "libnfc found no NFC reader");
    /* Entries: connstring NUL name NUL '0'|'1' NUL, written by worker_list. */
    size_t off = 0, len = l->rep.len;
    const char *data = (const char *)l->rep.data;
    while (s == VFY_OK && off < len) {
        const char *cs = data + off;
        size_t a = strnlen(cs, len - off);
        if (off + a + 1 >= len)
            break;
        const char *name = cs + a + 1;
        size_t b = strnlen(name, len - off - a - 1);
        if (off + a + b + 4 > len)
            break;
        fn(ctx, cs, name, name[b + 1] == '1');
        off += a + b + 4;
    }
    free(l);
    return s;
}
