/* The transport registry: a connection string's scheme picks the backend. The hardware
 * backends are built in; others (libverify-sim's simulated chip) register at run time,
 * so that the product library never contains the simulator. */
#include <stdatomic.h>
#include <string.h>

#include "core/fail.h"
#include "nfc/nfc_transport.h"
#include "pcsc/pcsc_transport.h"
#include "transport.h"

/* Backends register here. Each entry matches a scheme prefix of the connection string. */
struct backend {
    const char *prefix;   /* matched against the start of the connection string */
    bool exact_or_colon;  /* the prefix must be followed by end, ':' or '?' */
    vfy_transport_open_fn open;
};

static const struct backend backends[] = {
    { "pcsc", true, vfy_pcsc_open },
    /* libnfc: its default device, or one of the drivers Debian's libnfc 1.8 is built with */
    { "nfc", true, vfy_nfc_open },
    { "pn532_uart", true, vfy_nfc_open },
    { "pn532_spi", true, vfy_nfc_open },
    { "pn532_i2c", true, vfy_nfc_open },
    { "pn53x_usb", true, vfy_nfc_open },
    { "acr122_usb", true, vfy_nfc_open },
    { "acr122s", true, vfy_nfc_open },
    { "arygon", true, vfy_nfc_open },
    { NULL, false, NULL },
};

/* The one piece of global mutable state: slots filled once, left to right, by
 * compare-and-swap, never emptied. A reader sees a slot either empty or complete. */
static _Atomic(const vfy_transport_backend *) registered[VFY_TRANSPORT_REGISTERED_MAX];

/* conn starts with scheme, followed by its end, ':' or '?'. */
static bool scheme_matches(const char *conn, const char *scheme)
{
    size_t n = strlen(scheme);
    return strncmp(conn, scheme, n) == 0 && (conn[n] == '\0' || conn[n] == ':' || conn[n] == '?');
}

static bool scheme_valid(const char *scheme)
{
    size_t n = 0;
    for (; scheme[n] != '\0'; n++) {
        char c = scheme[n];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') || n >= 16)
            return false;
    }
    return n > 0;
}

vfy_status vfy_transport_register(const vfy_transport_backend *b, vfy_detail *detail)
{
    if (b == NULL || b->scheme == NULL || b->open == NULL || !scheme_valid(b->scheme))
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "reader",
                        "a reader backend needs a scheme of 1 to 16 of a-z, 0-9, _ and an open function");
    for (const struct backend *k = backends; k->prefix != NULL; k++)
        if (strcmp(k->prefix, b->scheme) == 0)
            return vfy_fail(detail, VFY_E_BACKEND_CONFLICT, "reader",
                            "the reader scheme '%s' is built into libverify", b->scheme);
    for (size_t i = 0; i < VFY_TRANSPORT_REGISTERED_MAX; i++) {
        const vfy_transport_backend *cur = atomic_load(&registered[i]);
        if (cur == NULL && atomic_compare_exchange_strong(&registered[i], &cur, b))
            return VFY_OK;
        /* Taken, now or by a racing caller (cur holds who). */
        if (cur == b || (strcmp(cur->scheme, b->scheme) == 0 && cur->open == b->open))
            return VFY_OK;
        if (strcmp(cur->scheme, b->scheme) == 0)
            return vfy_fail(detail, VFY_E_BACKEND_CONFLICT, "reader",
                            "another backend has registered the reader scheme '%s'", b->scheme);
    }
    return vfy_fail(detail, VFY_E_BACKEND_TABLE_FULL, "reader",
                    "%d reader backends are registered already; '%s' does not fit",
                    VFY_TRANSPORT_REGISTERED_MAX, b->scheme);
}

const vfy_transport_backend *vfy_transport_registered(size_t i)
{
    return i < VFY_TRANSPORT_REGISTERED_MAX ? atomic_load(&registered[i]) : NULL;
}

vfy_status vfy_transport_open(const char *conn, vfy_transport **out, vfy_detail *detail)
{
    *out = NULL;
    if (conn == NULL || conn[0] == '\0')
        return vfy_fail(detail, VFY_E_BAD_CONNECTION, "reader", "empty reader connection string");
    for (const struct backend *b = backends; b->prefix != NULL; b++) {
        size_t n = strlen(b->prefix);
        if (strncmp(conn, b->prefix, n) != 0)
            continue;
        if (b->exact_or_colon && conn[n] != '\0' && conn[n] != ':' && conn[n] != '?')
            continue;
        return b->open(conn, out, detail);
    }
    const vfy_transport_backend *r;
    for (size_t i = 0; (r = vfy_transport_registered(i)) != NULL; i++)
        if (scheme_matches(conn, r->scheme))
            return r->open(conn, out, detail);
    if (scheme_matches(conn, "sim"))
        return vfy_fail(detail, VFY_E_BAD_CONNECTION, "reader",
                        "reader 'sim' is the simulated chip of libverify-sim, which this program "
                        "has not registered: link it (-lverify-sim) and call vfy_sim_register()");
    return vfy_fail(detail, VFY_E_BAD_CONNECTION, "reader",
                    "unknown reader '%.64s': use sim, sim:DIR, pcsc, pcsc:NAME, nfc or a libnfc "
                    "connection string such as pn532_uart:/dev/ttyUSB0", conn);
}

vfy_status vfy_transport_transmit(vfy_transport *t, const uint8_t *cmd, size_t cmd_len,
                                  uint8_t *resp, size_t resp_cap, size_t *resp_len,
                                  vfy_detail *detail)
{
    *resp_len = 0;
    if (cmd_len > t->caps.max_command)
        return vfy_fail(detail, VFY_E_READER_LIMIT, "apdu",
                        "command of %zu bytes exceeds the reader's limit of %zu", cmd_len,
                        t->caps.max_command);
    vfy_status s = t->ops->transmit(t, cmd, cmd_len, resp, resp_cap, resp_len, detail);
    t->stats.apdus++;
    t->stats.bytes_sent += cmd_len;
    if (s == VFY_OK)
        t->stats.bytes_received += *resp_len;
    return s;
}

void vfy_transport_close(vfy_transport *t)
{
    if (t != NULL)
        t->ops->close(t);
}
