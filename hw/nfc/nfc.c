/* The libnfc transport (see nfc.h): libnfc runs in a worker process, driven over a
 * SOCK_SEQPACKET socket pair, one request and one reply per call. */
#include <errno.h>
#include <stddef.h>
#include <nfc/nfc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/fail.h"
#include "nfc/nfc_transport.h"

#define NFC_DEFAULT_APDU_TIMEOUT_MS 3000u
#define NFC_MAX_APDU_TIMEOUT_MS 60000u
/* Time the worker is given beyond libnfc's own timeout before it is declared hung. */
#define NFC_WORKER_MARGIN_MS 1500u
#define NFC_OPEN_TIMEOUT_MS 5000u
#define NFC_SELECT_TIMEOUT_MS 2000u
#define NFC_POLL_INTERVAL_MS 20u
#define NFC_LIST_MAX 8
#define NFC_CONN_MAX 256

enum nfc_op { OP_OPEN = 1, OP_SELECT, OP_TRANSCEIVE, OP_PRESENT, OP_QUIT, OP_LIST };

/* The worker saw the target leave the field while answering a failed exchange. */
#define REPLY_TARGET_GONE 0x01

struct request {
    uint8_t op;
    uint32_t timeout_ms;
    uint16_t len;
    uint8_t data[VFY_NFC_MAX_COMMAND + NFC_CONN_MAX];
};

struct reply {
    int32_t rc;
    uint8_t flags;
    uint16_t len;
    uint8_t data[NFC_LIST_MAX * (NFC_CONN_MAX + 128 + 2) + VFY_NFC_MAX_RESPONSE + 8];
};

struct nfc_link {
    pid_t pid;
    int fd;
    bool alive;
    bool selected;
    char target_type;   /* 'A' or 'B' once selected */
    unsigned apdu_timeout_ms;
    char connstring[NFC_CONN_MAX];   /* empty for libnfc's default device */
    char why_dead[160];
    struct request req;   /* one call at a time per link: the buffers live here */
    struct reply rep;
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

/* ---- the worker process: the only place libnfc is called ------------------------- */

struct worker {
    nfc_context *ctx;
    nfc_device *dev;
    nfc_target target;
    bool selected;
};

static const nfc_modulation type_a = { .nmt = NMT_ISO14443A, .nbr = NBR_106 };
static const nfc_modulation type_b = { .nmt = NMT_ISO14443B, .nbr = NBR_106 };

/* Selects an ISO 14443-4 target, type A first. Returns 1 and fills rep, 0 for none. */
static int worker_select(struct worker *w, struct reply *rep)
{
    if (w->selected) {
        (void)nfc_initiator_deselect_target(w->dev);
        w->selected = false;
    }
    nfc_target t;
    memset(&t, 0, sizeof t);
    int rc = nfc_initiator_select_passive_target(w->dev, type_a, NULL, 0, &t);
    if (rc > 0 && (t.nti.nai.btSak & 0x20) == 0) {
        /* A type A target without ISO 14443-4 (a transit card, a tag) is no passport. */
        (void)nfc_initiator_deselect_target(w->dev);
        rc = 0;
    }
    char type = 'A';
    if (rc <= 0) {
        memset(&t, 0, sizeof t);
        rc = nfc_initiator_select_passive_target(w->dev, type_b, NULL, 0, &t);
        type = 'B';
    }
    if (rc < 0)
        return rc;
    if (rc == 0)
        return 0;
    w->target = t;
    w->selected = true;
    rep->data[0] = (uint8_t)type;
    rep->len = 1;
    return 1;
}

static int worker_present(struct worker *w)
{
    if (!w->selected)
        return NFC_ETGRELEASED;
    int rc = nfc_initiator_target_is_present(w->dev, &w->target);
    if (rc == NFC_EDEVNOTSUPP || rc == NFC_ENOTIMPL) {
        /* libnfc cannot ping this target type: select it again instead (only between
         * reads: a new selection ends the chip's secure-messaging session). */
        struct reply scratch;
        rc = worker_select(w, &scratch) > 0 ? 0 : NFC_ETGRELEASED;
    }
    if (rc < 0)
        w->selected = false;
    return rc;
}

static void worker_list(struct worker *w, struct reply *rep)
{
    nfc_connstring found[NFC_LIST_MAX];
    size_t n = nfc_list_devices(w->ctx, found, NFC_LIST_MAX);
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        nfc_device *dev = nfc_open(w->ctx, found[i]);
        const char *name = dev != NULL ? nfc_device_get_name(dev) : "(cannot be opened)";
        bool present = false;
        if (dev != NULL && nfc_initiator_init(dev) >= 0) {
            (void)nfc_device_set_property_bool(dev, NP_INFINITE_SELECT, false);
            struct worker probe = { .ctx = w->ctx, .dev = dev };
            struct reply scratch;
            present = worker_select(&probe, &scratch) > 0;
            if (probe.selected)
                (void)nfc_initiator_deselect_target(dev);
        }
        int wrote = snprintf((char *)rep->data + off, sizeof rep->data - off, "%s%c%.127s%c%c",
                             found[i], 0, name, 0, present ? '1' : '0');
        if (dev != NULL)
            nfc_close(dev);
        if (wrote < 0 || (size_t)wrote + 1 >= sizeof rep->data - off)
            break;
        off += (size_t)wrote + 1;   /* snprintf's terminator ends the entry */
    }
    rep->rc = (int32_t)n;
    rep->len = (uint16_t)off;
}

static void worker_serve(int fd, struct worker *w, const struct request *req, struct reply *rep)
{
    memset(rep, 0, offsetof(struct reply, data));
    switch (req->op) {
    case OP_OPEN: {
        nfc_connstring cs;   /* libnfc reads the whole array */
        memset(cs, 0, sizeof cs);
        size_t n = req->len < NFC_CONN_MAX ? req->len : NFC_CONN_MAX - 1;
        memcpy(cs, req->data, n);
        cs[n] = '\0';
        w->dev = nfc_open(w->ctx, n > 0 ? cs : NULL);
        if (w->dev == NULL) {
            rep->rc = NFC_ENOTSUCHDEV;
            break;
        }
        rep->rc = nfc_initiator_init(w->dev);
        if (rep->rc >= 0)
            rep->rc = nfc_device_set_property_bool(w->dev, NP_INFINITE_SELECT, false);
        if (rep->rc >= 0)
            rep->rc = nfc_device_set_property_bool(w->dev, NP_AUTO_ISO14443_4, true);
        if (rep->rc >= 0) {
            int len = snprintf((char *)rep->data, 128, "%s", nfc_device_get_name(w->dev));
            rep->len = (uint16_t)(len < 0 ? 0 : len > 127 ? 127 : len);
        }
        break;
    }
    case OP_SELECT:
        rep->rc = w->dev != NULL ? worker_select(w, rep) : NFC_ENOTSUCHDEV;
        break;
    case OP_TRANSCEIVE: {
        if (w->dev == NULL || !w->selected) {
            rep->rc = NFC_ETGRELEASED;
            break;
        }
        /* Never more than libnfc's stack buffer can take (see nfc.h). */
        if (req->len > VFY_NFC_MAX_COMMAND) {
            rep->rc = NFC_EOVFLOW;
            break;
        }
        int rc = nfc_initiator_transceive_bytes(w->dev, req->data, req->len, rep->data,
                                                VFY_NFC_MAX_RESPONSE, (int)req->timeout_ms);
        if (rc >= 0) {
            rep->len = (uint16_t)rc;
        } else if (rc == NFC_ERFTRANS || rc == NFC_ETGRELEASED || rc == NFC_ETIMEOUT) {
            if (worker_present(w) < 0)
                rep->flags |= REPLY_TARGET_GONE;
        }
        rep->rc = rc;
        break;
    }
    case OP_PRESENT:
        rep->rc = w->dev != NULL ? worker_present(w) : NFC_ENOTSUCHDEV;
        break;
    case OP_LIST:
        worker_list(w, rep);
        break;
    default:
        rep->rc = NFC_EINVARG;
        break;
    }
    (void)send(fd, rep, offsetof(struct reply, data) + rep->len, MSG_NOSIGNAL);
}

static void __attribute__((noreturn)) worker_main(int fd)
{
    /* libnfc logs to stderr; a kiosk's terminal is no place for its chatter. */
    (void)setenv("LIBNFC_LOG_LEVEL", getenv("LIBNFC_LOG_LEVEL") ? getenv("LIBNFC_LOG_LEVEL") : "0", 1);
    struct worker w = { 0 };
    nfc_init(&w.ctx);
    static struct request req;
    static struct reply rep;
    for (;;) {
        ssize_t n = recv(fd, &req, sizeof req, 0);
        if (n < (ssize_t)offsetof(struct request, data) || req.op == OP_QUIT)
            break;
        if ((size_t)n - offsetof(struct request, data) != req.len)
            req.len = 0;
        if (w.ctx == NULL) {
            memset(&rep, 0, offsetof(struct reply, data));
            rep.rc = NFC_ESOFT;
            (void)send(fd, &rep, offsetof(struct reply, data), MSG_NOSIGNAL);
            continue;
        }
        worker_serve(fd, &w, &req, &rep);
    }
    if (w.dev != NULL) {
        if (w.selected)
            (void)nfc_initiator_deselect_target(w.dev);
        nfc_close(w.dev);
    }
    if (w.ctx != NULL)
        nfc_exit(w.ctx);
    if (req.op == OP_QUIT) {
        memset(&rep, 0, offsetof(struct reply, data));
        (void)send(fd, &rep, offsetof(struct reply, data), MSG_NOSIGNAL);
    }
    /* _exit: the parent's atexit handlers and buffers belong to the parent. */
    _exit(0);
}

/* ---- the parent side ---------------------------------------------------------------- */

static vfy_status spawn_worker(struct nfc_link *l, vfy_detail *detail)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return vfy_fail(detail, VFY_E_READER, "nfc", "cannot create the libnfc worker's socket: %s",
                        strerror(errno));
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return vfy_fail(detail, VFY_E_READER, "nfc", "cannot start the libnfc worker: %s",
                        strerror(errno));
    }
    if (pid == 0) {
        close(sv[0]);
        (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(0);
        worker_main(sv[1]);
    }
    close(sv[1]);
    l->pid = pid;
    l->fd = sv[0];
    l->alive = true;
    l->selected = false;
    l->why_dead[0] = '\0';
    return VFY_OK;
}

/* Stops the worker: politely when it answers within grace_ms, else with SIGKILL. */
static void stop_worker(struct nfc_link *l, unsigned grace_ms)
{
    if (l->pid <= 0)
        return;
    if (l->alive && grace_ms > 0) {
        struct request req = { .op = OP_QUIT };
        if (send(l->fd, &req, offsetof(struct request, data), MSG_NOSIGNAL) > 0) {
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
static vfy_status call(struct nfc_link *l, struct request *req, struct reply *rep,
                       unsigned timeout_ms, vfy_detail *detail)
{
    if (!l->alive)
        return vfy_fail(detail, VFY_E_READER, "nfc",
                        "the reader link is closed (%s): wait for the document again to reopen it",
                        l->why_dead[0] ? l->why_dead : "closed");
    req->timeout_ms = timeout_ms;
    if (send(l->fd, req, offsetof(struct request, data) + req->len, MSG_NOSIGNAL) < 0)
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
    if (n < (ssize_t)offsetof(struct reply, data))
        return worker_lost(l, detail);
    if ((size_t)n - offsetof(struct reply, data) != rep->len)
        return vfy_fail(detail, VFY_E_INTERNAL, "nfc", "the libnfc worker sent a torn reply");
    return VFY_OK;
}

static vfy_status open_device(struct nfc_link *l, vfy_detail *detail)
{
    VFY_TRY(spawn_worker(l, detail));
    struct request *req = &l->req;
    struct reply *rep = &l->rep;
    memset(req, 0, offsetof(struct request, data));
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
    struct request *req = &l->req;
    struct reply *rep = &l->rep;
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
    struct request *req = &l->req;
    struct reply *rep = &l->rep;
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
