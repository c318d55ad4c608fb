/*
 * vfy-nfc-worker: the helper program in which libnfc runs for libverify's libnfc
 * transport (hw/nfc/nfc.c starts it with posix_spawn). It is a program of its own, not a
 * forked copy of the caller, because the caller may have threads (a kiosk UI, vfy serve):
 * after fork() alone only async-signal-safe calls are allowed until exec, and libnfc
 * mallocs, opens devices and takes locks. libnfc 1.8 may also abort() on a reader's
 * answer; here that ends this process only.
 *
 * Its socket is descriptor 3 (NFC_WORKER_FD); argv[1] is the caller's process id. It
 * serves one request at a time (nfc_protocol.h) and ends when the socket closes, when it
 * is asked to, or when the caller is gone (checked every second while idle, since a
 * parent-death signal would follow the thread that started it, not the process).
 * It is not meant to be run by hand and refuses to start without its socket.
 */
#define _GNU_SOURCE   /* closefrom */
#include <errno.h>
#include <nfc/nfc.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nfc/nfc_protocol.h"

struct worker {
    nfc_context *ctx;
    nfc_device *dev;
    nfc_target target;
    bool selected;
};

static const nfc_modulation type_a = { .nmt = NMT_ISO14443A, .nbr = NBR_106 };
static const nfc_modulation type_b = { .nmt = NMT_ISO14443B, .nbr = NBR_106 };

/* Selects an ISO 14443-4 target, type A first. Returns 1 and fills rep, 0 for none. */
static int worker_select(struct worker *w, struct nfc_reply *rep)
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
        struct nfc_reply scratch;
        rc = worker_select(w, &scratch) > 0 ? 0 : NFC_ETGRELEASED;
    }
    if (rc < 0)
        w->selected = false;
    return rc;
}

static void worker_list(struct worker *w, struct nfc_reply *rep)
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
            struct nfc_reply scratch;
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

static void worker_serve(int fd, struct worker *w, const struct nfc_request *req,
                         struct nfc_reply *rep)
{
    memset(rep, 0, offsetof(struct nfc_reply, data));
    switch (req->op) {
    case OP_OPEN: {
        nfc_connstring cs;   /* libnfc reads the whole array */
        memset(cs, 0, sizeof cs);
        size_t n = req->len < NFC_CONN_MAX ? req->len : NFC_CONN_MAX - 1;
        memcpy(cs, req->data, n);
        cs[n] = '\0';
        if (w->dev != NULL) {   /* one device per worker: a second open replaces it */
            nfc_close(w->dev);
            w->dev = NULL;
            w->selected = false;
        }
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
        /* Never more than libnfc's stack buffer can take (see nfc_transport.h). */
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
    (void)send(fd, rep, offsetof(struct nfc_reply, data) + rep->len, MSG_NOSIGNAL);
}

/* Waits for the next request; false when the caller is gone. */
static bool wait_request(int fd, pid_t caller)
{
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int pr = poll(&pfd, 1, 1000);
        if (pr > 0)
            return true;
        if (pr < 0 && errno != EINTR)
            return false;
        /* Reparented: the caller ended without closing its socket (another process it
         * forked may still hold a copy). */
        if (getppid() != caller)
            return false;
    }
}

int main(int argc, char **argv)
{
    char *end = NULL;
    long caller = argc == 2 ? strtol(argv[1], &end, 10) : 0;
    int type = 0;
    socklen_t tl = sizeof type;
    if (argc != 2 || end == argv[1] || *end != '\0' || caller <= 1 ||
        getsockopt(NFC_WORKER_FD, SOL_SOCKET, SO_TYPE, &type, &tl) != 0 || type != SOCK_SEQPACKET) {
        fprintf(stderr, "vfy-nfc-worker: libverify's libnfc helper; it is started by the "
                        "library, not by hand\n");
        return 2;
    }
    if (getppid() != (pid_t)caller)
        return 0;
    /* Nothing but the socket and the standard streams is this program's business. */
    closefrom(NFC_WORKER_FD + 1);
    /* The caller's terminal signals are the caller's to handle; it ends this process by
     * closing the socket (or SIGKILL when libnfc hangs). */
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    /* libnfc logs to stderr; a kiosk's terminal is no place for its chatter. */
    const char *level = getenv("LIBNFC_LOG_LEVEL");
    (void)setenv("LIBNFC_LOG_LEVEL", level != NULL ? level : "0", 1);

    int fd = NFC_WORKER_FD;
    struct worker w = { 0 };
    nfc_init(&w.ctx);
    static struct nfc_request req;
    static struct nfc_reply rep;
    /* The hello: which protocol this worker speaks. */
    memset(&rep, 0, offsetof(struct nfc_reply, data));
    rep.rc = (int32_t)NFC_PROTOCOL_VERSION;
    (void)send(fd, &rep, offsetof(struct nfc_reply, data), MSG_NOSIGNAL);
    for (;;) {
        if (!wait_request(fd, (pid_t)caller))
            break;
        ssize_t n = recv(fd, &req, sizeof req, 0);
        if (n < (ssize_t)offsetof(struct nfc_request, data) || req.op == OP_QUIT)
            break;
        if ((size_t)n - offsetof(struct nfc_request, data) != req.len)
            req.len = 0;
        if (w.ctx == NULL) {
            memset(&rep, 0, offsetof(struct nfc_reply, data));
            rep.rc = NFC_ESOFT;
            (void)send(fd, &rep, offsetof(struct nfc_reply, data), MSG_NOSIGNAL);
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
        memset(&rep, 0, offsetof(struct nfc_reply, data));
        (void)send(fd, &rep, offsetof(struct nfc_reply, data), MSG_NOSIGNAL);
    }
    return 0;
}
