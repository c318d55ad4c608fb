/* The PC/SC transport over pcsc-lite (see pcsc.h). */
#include <PCSC/winscard.h>
#include <PCSC/reader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fail.h"
#include "pcsc/pcsc_transport.h"

#define PCSC_MAX_READERS 16
/* pcsc-lite's buffer for one extended APDU (64 KB data, header, Lc, Le, SW). */
#define PCSC_EXTENDED_BUFFER MAX_BUFFER_SIZE_EXTENDED
#define SHORT_COMMAND_MAX 261   /* CLA INS P1 P2 Lc 255 bytes Le */

struct pcsc {
    SCARDCONTEXT context;
    SCARDHANDLE card;
    bool connected;
    DWORD protocol;
    char *pattern;   /* substring of the wanted reader's name; NULL for any reader */
    char reader[256];
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The status a pcsc-lite error code stands for, with pcsc-lite's own words in the detail. */
static vfy_status pcsc_fail(vfy_detail *detail, LONG rv, const char *what)
{
    vfy_status s;
    const char *hint;
    switch (rv) {
    case SCARD_W_REMOVED_CARD:
    case SCARD_E_NO_SMARTCARD:
        s = VFY_E_CARD_REMOVED;
        hint = "place the document on the reader again and restart the read";
        break;
    case SCARD_W_RESET_CARD:
        s = VFY_E_CARD_RESET;
        hint = "another application reset the document; restart the read";
        break;
    case SCARD_E_READER_UNAVAILABLE:
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_NO_READERS_AVAILABLE:
        s = VFY_E_READER_GONE;
        hint = "check the reader's cable";
        break;
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
        s = VFY_E_READER_GONE;
        hint = "the PC/SC service (pcscd) is not running";
        break;
    case SCARD_E_TIMEOUT:
        s = VFY_E_TIMEOUT;
        hint = "no document arrived in time";
        break;
    case SCARD_E_INSUFFICIENT_BUFFER:
        s = VFY_E_READER_LIMIT;
        hint = "the answer does not fit the buffer";
        break;
    case SCARD_W_UNRESPONSIVE_CARD:
    case SCARD_W_UNPOWERED_CARD:
    case SCARD_E_NOT_TRANSACTED:
    case SCARD_F_COMM_ERROR:
    case SCARD_E_PROTO_MISMATCH:
        s = VFY_E_TRANSPORT;
        hint = "the document does not answer; place it flat on the reader";
        break;
    case SCARD_E_SHARING_VIOLATION:
        s = VFY_E_READER;
        hint = "another application holds the reader";
        break;
    case SCARD_E_CANCELLED:
        s = VFY_E_CANCELLED;
        hint = "the wait was cancelled";
        break;
    case SCARD_E_NO_MEMORY:
        s = VFY_E_NO_MEMORY;
        hint = "out of memory";
        break;
    default:
        s = VFY_E_READER;
        hint = "the PC/SC service reported an error";
        break;
    }
    return vfy_fail(detail, s, "pcsc", "%s failed: %s (%s, 0x%08lX)", what, hint,
                    pcsc_stringify_error(rv), (unsigned long)rv);
}

/* Reads the reader list into names (a pcsc-lite multi-string) and fills the pointers of the
 * readers matching pattern. */
static vfy_status list_matching(SCARDCONTEXT ctx, const char *pattern, char **names,
                                const char *match[PCSC_MAX_READERS], size_t *count,
                                vfy_detail *detail)
{
    *names = NULL;
    *count = 0;
    DWORD len = 0;
    LONG rv = SCardListReaders(ctx, NULL, NULL, &len);
    if (rv == SCARD_E_NO_READERS_AVAILABLE)
        return vfy_fail(detail, VFY_E_NO_READER, "pcsc",
                        "the PC/SC service knows no reader: plug one in");
    if (rv != SCARD_S_SUCCESS)
        return pcsc_fail(detail, rv, "listing the PC/SC readers");
    char *buf = calloc(1, (size_t)len + 2);
    if (buf == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "pcsc", "out of memory listing the readers");
    rv = SCardListReaders(ctx, NULL, buf, &len);
    if (rv != SCARD_S_SUCCESS) {
        free(buf);
        if (rv == SCARD_E_NO_READERS_AVAILABLE)
            return vfy_fail(detail, VFY_E_NO_READER, "pcsc",
                            "the PC/SC service knows no reader: plug one in");
        return pcsc_fail(detail, rv, "listing the PC/SC readers");
    }
    /* The multi-string ends with an empty string; the extra zeroes guard a short one. */
    for (char *p = buf; *p != '\0' && *count < PCSC_MAX_READERS; p += strlen(p) + 1)
        if (pattern == NULL || strstr(p, pattern) != NULL)
            match[(*count)++] = p;
    *names = buf;
    if (*count == 0) {
        free(buf);
        *names = NULL;
        return vfy_fail(detail, VFY_E_NO_READER, "pcsc",
                        "no PC/SC reader name contains '%.64s': 'vfy readers' lists them",
                        pattern != NULL ? pattern : "");
    }
    return VFY_OK;
}

/* Asks pcscd for the current state of each matching reader, without waiting. */
static LONG current_states(SCARDCONTEXT ctx, const char *const *match, size_t n,
                           SCARD_READERSTATE *st)
{
    memset(st, 0, n * sizeof *st);
    for (size_t i = 0; i < n; i++) {
        st[i].szReader = match[i];
        st[i].dwCurrentState = SCARD_STATE_UNAWARE;
    }
    return SCardGetStatusChange(ctx, 0, st, (DWORD)n);
}

static bool usable_card(DWORD state)
{
    return (state & SCARD_STATE_PRESENT) != 0 && (state & SCARD_STATE_MUTE) == 0 &&
           (state & SCARD_STATE_EXCLUSIVE) == 0;
}

/* Sets the link's limits from what the reader announces. Readers that announce nothing
 * (most drivers other than CCID) are given pcsc-lite's extended buffer; a chip or reader
 * refusing extended length then answers with an error that the layer above falls back on. */
static void set_caps(vfy_transport *t, struct pcsc *p)
{
    DWORD max_input = 0;
    uint8_t attr[8];
    DWORD attr_len = sizeof attr;
    if (SCardGetAttrib(p->card, SCARD_ATTR_MAXINPUT, attr, &attr_len) == SCARD_S_SUCCESS &&
        attr_len >= 4)
        max_input = (DWORD)attr[0] | (DWORD)attr[1] << 8 | (DWORD)attr[2] << 16 |
                    (DWORD)attr[3] << 24;
    if (max_input == 0 || max_input > PCSC_EXTENDED_BUFFER - 3) {
        t->caps.max_command = PCSC_EXTENDED_BUFFER - 3;
        t->caps.max_response = 65536 + 2;
        t->caps.extended_length = true;
    } else if (max_input > SHORT_COMMAND_MAX) {
        t->caps.max_command = max_input;
        t->caps.max_response = max_input > 256 + 2 ? max_input : 256 + 2;
        t->caps.extended_length = true;
    } else {
        t->caps.max_command = max_input;
        t->caps.max_response = 256 + 2;
        t->caps.extended_length = false;
    }
}

static vfy_status connect_reader(vfy_transport *t, struct pcsc *p, const char *name,
                                 vfy_detail *detail)
{
    SCARDHANDLE h = 0;
    DWORD proto = 0;
    LONG rv = SCardConnect(p->context, name, SCARD_SHARE_EXCLUSIVE,
                           SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0, &h, &proto);
    if (rv != SCARD_S_SUCCESS)
        return pcsc_fail(detail, rv, "connecting to the document");
    p->card = h;
    p->protocol = proto;
    p->connected = true;
    snprintf(p->reader, sizeof p->reader, "%s", name);
    set_caps(t, p);
    return VFY_OK;
}

static void disconnect(struct pcsc *p, DWORD disposition)
{
    if (p->connected)
        (void)SCardDisconnect(p->card, disposition);
    p->connected = false;
    p->card = 0;
}

/* Whether the connected card is still there (false after removal, reset or unplugging). */
static bool still_connected(struct pcsc *p)
{
    if (!p->connected)
        return false;
    DWORD state = 0, proto = 0, atr_len = MAX_ATR_SIZE, name_len = 0;
    uint8_t atr[MAX_ATR_SIZE];
    LONG rv = SCardStatus(p->card, NULL, &name_len, &state, &proto, atr, &atr_len);
    return rv == SCARD_S_SUCCESS && (state & SCARD_PRESENT) != 0;
}

static vfy_status pcsc_wait_card(vfy_transport *t, unsigned timeout_ms, vfy_detail *detail)
{
    struct pcsc *p = t->impl;
    if (still_connected(p))
        return VFY_OK;
    disconnect(p, SCARD_LEAVE_CARD);
    uint64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        char *names = NULL;
        const char *match[PCSC_MAX_READERS];
        size_t n = 0;
        vfy_status s = list_matching(p->context, p->pattern, &names, match, &n, detail);
        if (s != VFY_OK && s != VFY_E_NO_READER)
            return s;
        /* The last entry watches for readers being plugged in. */
        SCARD_READERSTATE st[PCSC_MAX_READERS + 1];
        memset(st, 0, sizeof st);
        for (size_t i = 0; i < n; i++) {
            st[i].szReader = match[i];
            st[i].dwCurrentState = SCARD_STATE_UNAWARE;
        }
        st[n].szReader = "\\\\?PnP?\\Notification";
        st[n].dwCurrentState = SCARD_STATE_UNAWARE;
        /* The first call learns the current states without waiting. */
        LONG rv = SCardGetStatusChange(p->context, 0, st, (DWORD)n + 1);
        for (;;) {
            if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) {
                free(names);
                return pcsc_fail(detail, rv, "waiting for a document");
            }
            for (size_t i = 0; i < n; i++) {
                if (usable_card(st[i].dwEventState)) {
                    s = connect_reader(t, p, match[i], detail);
                    free(names);
                    return s;
                }
            }
            uint64_t now = now_ms();
            if (now >= deadline) {
                free(names);
                return vfy_fail(detail, VFY_E_TIMEOUT, "pcsc",
                                "no document was placed on the reader within %u ms",
                                timeout_ms);
            }
            bool readers_changed = (st[n].dwEventState & SCARD_STATE_CHANGED) != 0 &&
                                   st[n].dwCurrentState != SCARD_STATE_UNAWARE;
            if (readers_changed)
                break;
            for (size_t i = 0; i <= n; i++)
                st[i].dwCurrentState = st[i].dwEventState & ~SCARD_STATE_CHANGED;
            rv = SCardGetStatusChange(p->context, (DWORD)(deadline - now), st, (DWORD)n + 1);
        }
        free(names);
    }
}

/* A failed exchange is often a card pulled out mid-command, which the reader reports a
 * moment later: give it that moment, so that the caller learns the right cause. */
#define REMOVAL_REPORT_MS 1000
static LONG removal_or(struct pcsc *p, LONG rv)
{
    SCARD_READERSTATE st;
    memset(&st, 0, sizeof st);
    st.szReader = p->reader;
    st.dwCurrentState = SCARD_STATE_UNAWARE;
    if (SCardGetStatusChange(p->context, 0, &st, 1) != SCARD_S_SUCCESS)
        return rv;
    uint64_t deadline = now_ms() + REMOVAL_REPORT_MS;
    while ((st.dwEventState & SCARD_STATE_PRESENT) != 0) {
        uint64_t now = now_ms();
        if (now >= deadline)
            return rv;
        st.dwCurrentState = st.dwEventState & ~SCARD_STATE_CHANGED;
        if (SCardGetStatusChange(p->context, (DWORD)(deadline - now), &st, 1) != SCARD_S_SUCCESS)
            return rv;
    }
    return SCARD_W_REMOVED_CARD;
}

static vfy_status pcsc_transmit(vfy_transport *t, const uint8_t *cmd, size_t cmd_len,
                                uint8_t *resp, size_t resp_cap, size_t *resp_len,
                                vfy_detail *detail)
{
    struct pcsc *p = t->impl;
    *resp_len = 0;
    if (!p->connected)
        return vfy_fail(detail, VFY_E_NO_CARD, "pcsc",
                        "no document is on the reader: place one and wait for it first");
    if (cmd_len < 4 || cmd_len > t->caps.max_command)
        return vfy_fail(detail, VFY_E_READER_LIMIT, "apdu",
                        "a command of %zu bytes cannot be carried (4 to %zu)", cmd_len,
                        t->caps.max_command);
    const SCARD_IO_REQUEST *pci = p->protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0
                                                                   : SCARD_PCI_T1;
    DWORD rlen = (DWORD)(resp_cap < PCSC_EXTENDED_BUFFER ? resp_cap : PCSC_EXTENDED_BUFFER);
    LONG rv = SCardTransmit(p->card, pci, cmd, (DWORD)cmd_len, NULL, resp, &rlen);
    if (rv == SCARD_E_NOT_TRANSACTED || rv == SCARD_F_COMM_ERROR)
        rv = removal_or(p, rv);
    if (rv != SCARD_S_SUCCESS) {
        vfy_status s = pcsc_fail(detail, rv, "sending a command to the document");
        if (s == VFY_E_CARD_REMOVED || s == VFY_E_CARD_RESET || s == VFY_E_READER_GONE)
            disconnect(p, SCARD_LEAVE_CARD);
        return s;
    }
    if (rlen < 2 && removal_or(p, SCARD_F_COMM_ERROR) == SCARD_W_REMOVED_CARD) {
        /* vpcd and some drivers answer "nothing" for a card pulled mid-command */
        disconnect(p, SCARD_LEAVE_CARD);
        return pcsc_fail(detail, SCARD_W_REMOVED_CARD, "sending a command to the document");
    }
    if (rlen < 2 || rlen > resp_cap)
        return vfy_fail(detail, VFY_E_TRANSPORT, "apdu",
                        "the reader returned %lu bytes, not a response with a status word",
                        (unsigned long)rlen);
    *resp_len = rlen;
    return VFY_OK;
}

static vfy_status pcsc_card_present(vfy_transport *t, bool *present, vfy_detail *detail)
{
    struct pcsc *p = t->impl;
    *present = false;
    if (p->connected) {
        *present = still_connected(p);
        return VFY_OK;
    }
    char *names = NULL;
    const char *match[PCSC_MAX_READERS];
    size_t n = 0;
    vfy_status s = list_matching(p->context, p->pattern, &names, match, &n, detail);
    if (s != VFY_OK)
        return s;
    SCARD_READERSTATE st[PCSC_MAX_READERS];
    LONG rv = current_states(p->context, match, n, st);
    if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) {
        free(names);
        return pcsc_fail(detail, rv, "asking the reader for a document");
    }
    for (size_t i = 0; i < n; i++)
        if (usable_card(st[i].dwEventState))
            *present = true;
    free(names);
    return VFY_OK;
}

static void pcsc_close(vfy_transport *t)
{
    struct pcsc *p = t->impl;
    /* A reset ends the chip's secure-messaging session and wipes its session keys. */
    disconnect(p, SCARD_RESET_CARD);
    (void)SCardReleaseContext(p->context);
    free(p->pattern);
    free(p);
    free(t);
}

static const struct vfy_transport_ops pcsc_ops = {
    .name = "pcsc",
    .transmit = pcsc_transmit,
    .wait_card = pcsc_wait_card,
    .card_present = pcsc_card_present,
    .close = pcsc_close,
};

vfy_status vfy_pcsc_open(const char *conn, vfy_transport **out, vfy_detail *detail)
{
    *out = NULL;
    const char *pattern = NULL;
    if (strncmp(conn, "pcsc:", 5) == 0)
        pattern = conn + 5;
    else if (strcmp(conn, "pcsc") != 0)
        return vfy_fail(detail, VFY_E_BAD_CONNECTION, "reader",
                        "'%.64s' is not a PC/SC connection string: use pcsc or pcsc:NAME", conn);
    if (pattern != NULL && (pattern[0] == '\0' || strlen(pattern) > 200))
        return vfy_fail(detail, VFY_E_BAD_CONNECTION, "reader",
                        "give part of the reader's name after 'pcsc:' (at most 200 characters)");
    vfy_transport *t = calloc(1, sizeof *t);
    struct pcsc *p = calloc(1, sizeof *p);
    if (t == NULL || p == NULL || (pattern != NULL && (p->pattern = strdup(pattern)) == NULL)) {
        free(t);
        free(p);
        return vfy_fail(detail, VFY_E_NO_MEMORY, "pcsc", "out of memory opening the reader");
    }
    t->ops = &pcsc_ops;
    t->impl = p;
    t->caps.max_command = PCSC_EXTENDED_BUFFER - 3;
    t->caps.max_response = 65536 + 2;
    t->caps.extended_length = true;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &p->context);
    if (rv != SCARD_S_SUCCESS) {
        free(p->pattern);
        free(p);
        free(t);
        if (rv == SCARD_E_NO_SERVICE)
            return vfy_fail(detail, VFY_E_NO_READER, "pcsc",
                            "the PC/SC service (pcscd) is not running: start it or plug a "
                            "reader in");
        return pcsc_fail(detail, rv, "connecting to the PC/SC service");
    }
    /* Find the reader; take the card now when one is already there. */
    char *names = NULL;
    const char *match[PCSC_MAX_READERS];
    size_t n = 0;
    vfy_status s = list_matching(p->context, p->pattern, &names, match, &n, detail);
    if (s != VFY_OK) {
        pcsc_close(t);
        return s;
    }
    SCARD_READERSTATE st[PCSC_MAX_READERS];
    rv = current_states(p->context, match, n, st);
    if (rv == SCARD_S_SUCCESS) {
        for (size_t i = 0; i < n && !p->connected; i++) {
            if (!usable_card(st[i].dwEventState))
                continue;
            vfy_detail ignored = { 0 };
            /* A card that will not connect is treated as no card: wait_card retries. */
            (void)connect_reader(t, p, match[i], &ignored);
        }
    }
    if (!p->connected)
        snprintf(p->reader, sizeof p->reader, "%s", match[0]);
    free(names);
    *out = t;
    return VFY_OK;
}

vfy_status vfy_pcsc_list(vfy_pcsc_list_fn fn, void *ctx, vfy_detail *detail)
{
    SCARDCONTEXT context;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &context);
    if (rv == SCARD_E_NO_SERVICE)
        return vfy_fail(detail, VFY_E_NO_READER, "pcsc", "the PC/SC service (pcscd) is not running");
    if (rv != SCARD_S_SUCCESS)
        return pcsc_fail(detail, rv, "connecting to the PC/SC service");
    char *names = NULL;
    const char *match[PCSC_MAX_READERS];
    size_t n = 0;
    vfy_status s = list_matching(context, NULL, &names, match, &n, detail);
    if (s == VFY_OK) {
        SCARD_READERSTATE st[PCSC_MAX_READERS];
        rv = current_states(context, match, n, st);
        if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT)
            s = pcsc_fail(detail, rv, "asking the readers for documents");
        for (size_t i = 0; s == VFY_OK && i < n; i++)
            fn(ctx, match[i], (st[i].dwEventState & SCARD_STATE_PRESENT) != 0);
    }
    free(names);
    (void)SCardReleaseContext(context);
    return s;
}
