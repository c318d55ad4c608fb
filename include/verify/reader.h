/*
 * libverify — card readers: which readers there are, and documents coming and going.
 *
 * Connection strings name a reader:
 *   "sim", "sim:DIR?options"          the simulated chip (session.h, vfy(1))
 *   "pcsc"                            the first PC/SC reader holding a document, or, when
 *                                     none does, any PC/SC reader
 *   "pcsc:NAME"                       the PC/SC readers whose name contains NAME
 *   "nfc"                             libnfc's default device (LIBNFC_DEVICE, libnfc.conf)
 *   "pn532_uart:/dev/ttyUSB0", "acr122_usb", "pn53x_usb", ... any libnfc connection
 *                                     string; libnfc strings may end in "?timeout=MS"
 *                                     (the per-APDU timeout, default 3000)
 *
 * vfy_readers_list() lists the readers of every backend with whether a document is on
 * each. A kiosk keeps one session open on its reader and loops over travellers:
 * vfy_session_wait_document(), vfy_session_read_document(), then
 * vfy_session_wait_removal() (all in session.h). Waiting for a new document forgets everything about the
 * previous one: secure-messaging keys are wiped and what the chip accepted is relearned.
 * A document pulled away mid-read ends that read with VFY_E_CARD_REMOVED (or
 * VFY_E_TRANSPORT / VFY_E_TIMEOUT when the reader cannot tell) and the session stays
 * usable; an unplugged reader gives VFY_E_READER_GONE until it is back.
 *
 * Through libnfc no APDU exceeds 262 bytes and no answer 263 (libnfc 1.8): reads use
 * short APDUs. PC/SC readers carry extended length unless they announce otherwise.
 *
 * libnfc readers and processes with threads: libnfc never runs in the caller's process.
 * Opening a libnfc reader (and vfy_readers_list) starts the helper program
 * vfy-nfc-worker with posix_spawn, i.e. fork and exec at once, so it is safe in a
 * process with any number of threads (a plain fork() of a threaded process may only call
 * async-signal-safe functions until it execs; libnfc mallocs and locks). The library
 * looks for the helper in $VFY_NFC_WORKER (an absolute path; ignored when set-user-id),
 * then beside the running program, then in LIBEXECDIR/libverify/ where make install and
 * the vfy package put it; missing or not answering, the open fails with VFY_E_CONFIG.
 * The helper inherits the environment (LIBNFC_DEVICE, LIBNFC_LOG_LEVEL), ends when its
 * session is closed or the caller's process ends, and is killed when libnfc hangs past
 * the timeout. A caller that reaps every child (waitpid(-1, …), SIGCHLD set to
 * SIG_IGN) takes the helper's exit status away from the library, which then reports a
 * lost worker instead of its cause.
 *
 * Thread safety: vfy_readers_list and vfy_readers_list_backends may be called from any
 * thread, also while sessions are open in others (each call opens its own PC/SC
 * context and libnfc helper).
 */
#ifndef VERIFY_READER_H
#define VERIFY_READER_H

#include "common.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif


typedef struct vfy_reader_info {
    char backend[VFY_READER_BACKEND_MAX];                            /* "pcsc", "nfc" or "sim" */
    char connection[VFY_READER_CONNECTION_MAX]; /* opens this reader, e.g. "pcsc:ACS ACR122U 00 00" */
    char name[VFY_READER_NAME_MAX];                             /* the reader's own name */
    bool card_present;                          /* a document is on it now */
} vfy_reader_info;

/* Lists every reader found; *count may be 0. A backend that is not available (pcscd not
 * running, no libnfc device) contributes nothing. Free with vfy_readers_free. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_readers_list(vfy_reader_info **out, size_t *count,
                                                  vfy_detail *detail);
VFY_API void vfy_readers_free(vfy_reader_info *list);

/* Whether a hardware backend could be asked at all: pcscd not running, libnfc failing. */
typedef struct vfy_reader_backend {
    char backend[VFY_READER_BACKEND_MAX];        /* "pcsc" or "nfc" */
    vfy_status status;      /* VFY_OK: asked (it may have no reader); otherwise why not */
    char message[VFY_READER_MESSAGE_MAX];      /* the sentence for a person, "" when VFY_OK */
} vfy_reader_backend;

#define VFY_READER_BACKENDS 2

/* vfy_readers_list, and what each hardware backend said (pcsc first, then nfc). */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2, 3) vfy_status vfy_readers_list_backends(vfy_reader_info **out, size_t *count,
                                                           vfy_reader_backend backends[VFY_READER_BACKENDS],
                                                           vfy_detail *detail);

#ifdef __cplusplus
}
#endif

#endif
