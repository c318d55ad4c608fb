/* The transport registry: a connection string's scheme picks the backend. */
#include <string.h>

#include "core/fail.h"
#include "nfc/nfc_transport.h"
#include "pcsc/pcsc_transport.h"
#include "sim/sim_transport.h"
#include "transport.h"

/* Backends register here. Each entry matches a scheme prefix of the connection string. */
struct backend {
    const char *prefix;   /* matched against the start of the connection string */
    bool exact_or_colon;  /* the prefix must be followed by end, ':' or '?' */
    vfy_transport_open_fn open;
};

static const struct backend backends[] = {
    { "sim", true, vfy_sim_transport_open },
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
