/*
 * Internal: the transport interface, the lowest layer. One implementation per reader
 * family (hw/sim, hw/pcsc, hw/nfc); everything above speaks only APDU bytes through it.
 *
 * A transport carries one command APDU and returns one response APDU (data and the
 * two status-word bytes). It never interprets APDUs: GET RESPONSE, secure messaging
 * and retries belong to the layers above. Every call has a bounded timeout.
 */
#ifndef VFY_HW_TRANSPORT_H
#define VFY_HW_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/status.h"

typedef struct vfy_transport vfy_transport;

typedef struct vfy_transport_caps {
    size_t max_command;    /* largest command APDU the link carries, in bytes */
    size_t max_response;   /* largest response APDU, status word included */
    bool extended_length;  /* the link carries extended-length APDUs */
} vfy_transport_caps;

typedef struct vfy_transport_stats {
    uint64_t apdus;            /* command APDUs sent */
    uint64_t bytes_sent;
    uint64_t bytes_received;
    uint64_t simulated_us;     /* link time a simulated reader would have taken */
} vfy_transport_stats;

struct vfy_transport_ops {
    const char *name;   /* "sim", "pcsc", "nfc" */
    /* Sends cmd, writes the response (with SW) into resp; fails with a typed status. */
    vfy_status (*transmit)(vfy_transport *t, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                           size_t resp_cap, size_t *resp_len, vfy_detail *detail);
    /* Waits up to timeout_ms for a card; VFY_E_TIMEOUT if none came. */
    vfy_status (*wait_card)(vfy_transport *t, unsigned timeout_ms, vfy_detail *detail);
    /* Whether a card is in the field now. */
    vfy_status (*card_present)(vfy_transport *t, bool *present, vfy_detail *detail);
    /* Releases the card and the reader; t is freed. */
    void (*close)(vfy_transport *t);
};

struct vfy_transport {
    const struct vfy_transport_ops *ops;
    vfy_transport_caps caps;
    vfy_transport_stats stats;
    void *impl;
};

/* A backend's constructor, given what follows its scheme in the connection string. */
typedef vfy_status (*vfy_transport_open_fn)(const char *conn, vfy_transport **out,
                                            vfy_detail *detail);

/*
 * A reader backend that lives outside the product library and adds itself at run time:
 * libverify-sim's simulated chip ("sim") through vfy_sim_register(). libverify itself
 * knows only the hardware backends; it never links the simulator.
 */
typedef struct vfy_transport_backend {
    const char *scheme;         /* "sim": serves "sim", "sim:..." and "sim?..."; [a-z0-9_]{1,16} */
    vfy_transport_open_fn open;
    const char *listing;        /* non-NULL: vfy_readers_list shows the bare scheme as a
                                   reader of this name, when it opens */
} vfy_transport_backend;

/* Adds a backend; backend must have static storage (it is kept, never copied). Adding
 * the same one again is a no-op. VFY_E_BACKEND_CONFLICT when the scheme is a built-in
 * one or another backend has it, VFY_E_BACKEND_TABLE_FULL past VFY_TRANSPORT_REGISTERED_MAX.
 * Thread-safe (lock-free); exported from libverify.so only under the LIBVERIFY_PRIVATE
 * version node, for libverify-sim: not part of the public API. */
#define VFY_TRANSPORT_REGISTERED_MAX 4
VFY_API VFY_NODISCARD vfy_status vfy_transport_register(const vfy_transport_backend *backend,
                                                        vfy_detail *detail);

/* The i-th registered backend (from 0), NULL past the last. Thread-safe. */
const vfy_transport_backend *vfy_transport_registered(size_t i);

/* Opens a transport from a connection string: "pcsc", "pcsc:READER", "nfc",
 * "pn532_uart:/dev/ttyUSB0", ..., or a registered backend's ("sim", "sim:DIR?opts"). */
VFY_NODISCARD vfy_status vfy_transport_open(const char *conn, vfy_transport **out,
                                            vfy_detail *detail);

/* Sends one APDU and counts it in t->stats. */
VFY_NODISCARD vfy_status vfy_transport_transmit(vfy_transport *t, const uint8_t *cmd,
                                                size_t cmd_len, uint8_t *resp, size_t resp_cap,
                                                size_t *resp_len, vfy_detail *detail);

void vfy_transport_close(vfy_transport *t);

#endif
