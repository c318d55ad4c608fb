/*
 * Internal: the pipe protocol between the libnfc transport (nfc.c, in the caller's
 * process) and its helper program vfy-nfc-worker (tools/nfc_worker.c), the only process
 * that calls libnfc. One request and one reply per call over a SOCK_SEQPACKET socket
 * pair, so a message is never torn or merged. Both sides are built from this header in
 * the same build; the worker's first message (a hello carrying NFC_PROTOCOL_VERSION)
 * makes a mismatched pair fail typed instead of misreading each other.
 */
#ifndef VFY_HW_NFC_PROTOCOL_H
#define VFY_HW_NFC_PROTOCOL_H

#include <stdint.h>

#include "nfc/nfc_limits.h"

#define NFC_PROTOCOL_VERSION 1u
/* The worker's socket is always this descriptor in the worker. */
#define NFC_WORKER_FD 3
#define NFC_LIST_MAX 8
#define NFC_CONN_MAX 256

enum nfc_op { OP_OPEN = 1, OP_SELECT, OP_TRANSCEIVE, OP_PRESENT, OP_QUIT, OP_LIST };

/* The worker saw the target leave the field while answering a failed exchange. */
#define REPLY_TARGET_GONE 0x01

struct nfc_request {
    uint8_t op;
    uint32_t timeout_ms;
    uint16_t len;
    uint8_t data[VFY_NFC_MAX_COMMAND + NFC_CONN_MAX];
};

struct nfc_reply {
    int32_t rc;
    uint8_t flags;
    uint16_t len;
    uint8_t data[NFC_LIST_MAX * (NFC_CONN_MAX + 128 + 2) + VFY_NFC_MAX_RESPONSE + 8];
};

#endif
