/*
 * Internal: the libnfc transport, for PN532/PN533/ACR122-class readers.
 *
 * Accepts "nfc" (libnfc's default device: LIBNFC_DEVICE, libnfc.conf or the first device
 * found) and any libnfc connection string ("pn532_uart:/dev/ttyUSB0", "acr122_usb", ...),
 * each optionally followed by "?timeout=MS" (the per-APDU timeout, default 3000 ms).
 * It works as initiator, selects an ISO 14443-4 target of type A or else type B (many
 * passports are type B), exchanges APDUs with explicit timeouts, checks presence and
 * releases the target on close.
 *
 * libnfc 1.8 carries commands of at most 262 bytes (a longer one overflows libnfc's stack:
 * refused here), responses of at most 263 bytes with the status word (no extended
 * length), and abort()s the process when the reader's status byte has bit 8 set. libnfc
 * therefore runs in a process of its own, the helper program vfy-nfc-worker started by
 * posix_spawn (fork and exec, never fork alone: a child forked from a process with
 * threads may only call async-signal-safe functions until it execs, and libnfc mallocs
 * and takes locks). An abort, a hang past the timeout or a crash in it ends only that
 * process and the call returns a typed error. Non-goals: target mode, MIFARE, FeliCa,
 * several targets in the field.
 */
#ifndef VFY_HW_NFC_H
#define VFY_HW_NFC_H

#include "transport.h"

#include "nfc/nfc_limits.h"

vfy_status vfy_nfc_open(const char *conn, vfy_transport **out, vfy_detail *detail);

/* Called once per device by vfy_nfc_list. */
typedef void (*vfy_nfc_list_fn)(void *ctx, const char *connstring, const char *name,
                                bool card_present);

/* Lists the libnfc devices (opening each briefly to look for a card); VFY_E_NO_READER when
 * libnfc finds none. */
vfy_status vfy_nfc_list(vfy_nfc_list_fn fn, void *ctx, vfy_detail *detail);

#endif
