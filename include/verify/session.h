/*
 * libverify — a session on a reader: reading a document's chip (ICAO Doc 9303 parts 10
 * and 11). Every vfy_session_* call is declared here.
 *
 * A session opens a reader by connection string ("sim", "sim:DIR?options", "pcsc",
 * "pcsc:NAME", "nfc", a libnfc string), selects the eMRTD application and reads every
 * file the chip lets it read into a vfy_document: EF.CardAccess, EF.COM, EF.SOD and the
 * data groups that EF.COM lists. Access control: PACE when EF.CardAccess offers it,
 * else BAC. A PACE failure on a chip that offers PACE is reported, never silently
 * replaced by BAC; falling back is a policy the caller chooses (allow_bac_fallback), and
 * it is logged. Data groups the chip protects further (DG3 and DG4, behind Extended
 * Access Control) are skipped and counted.
 *
 * Nothing here verifies the document: that is verdict.h's job, over the bytes read.
 * No personal data goes to the log callback.
 *
 * Thread safety: a session belongs to one thread at a time (its secure-messaging state
 * changes with every APDU); sessions on different readers, or on the simulated chip,
 * may run in parallel threads (tests/test_threads.c). Access keys are plain values.
 */
#ifndef VERIFY_SESSION_H
#define VERIFY_SESSION_H

#include "common.h"
#include "document.h"
#include "mrz.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vfy_session vfy_session;

typedef enum vfy_access_protocol {
    VFY_ACCESS_NONE = 0,   /* the chip has no access control (early documents) */
    VFY_ACCESS_BAC = 1,
    VFY_ACCESS_PACE = 2,
} vfy_access_protocol;

typedef enum vfy_password_kind {
    VFY_PASSWORD_MRZ = 1,  /* MRZ information: document number, birth and expiry dates */
    VFY_PASSWORD_CAN = 2,  /* card access number printed on the document (PACE only) */
} vfy_password_kind;

/* The access password. Build it with one of the vfy_access_key_* functions. */
typedef struct vfy_access_key {
    vfy_password_kind kind;
    char value[VFY_MRZ_KEY_INPUT_MAX];
} vfy_access_key;

/* From a parsed MRZ (the check digits as printed are used). */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_access_key_from_mrz(const vfy_mrz *mrz, vfy_access_key *out,
                                                         vfy_detail *detail);
/* From the three values an officer types: document number, YYMMDD, YYMMDD. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2, 3, 4) vfy_status vfy_access_key_from_values(const char *document_number,
                                                            const char *birth_yymmdd,
                                                            const char *expiry_yymmdd,
                                                            vfy_access_key *out,
                                                            vfy_detail *detail);
/* From a card access number (digits). */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_access_key_from_can(const char *can, vfy_access_key *out,
                                                         vfy_detail *detail);

/* Wipes the password from memory once it is no longer needed. */
VFY_API void vfy_access_key_wipe(vfy_access_key *key);

/* Progress of a file read: return false to cancel the read (VFY_E_CANCELLED). */
typedef bool (*vfy_progress_fn)(void *ctx, const char *file, size_t done, size_t total);
/* One line about a policy decision or a skipped file; never personal data. */
typedef void (*vfy_log_fn)(void *ctx, const char *line);

typedef struct vfy_read_options {
    bool allow_bac_fallback;   /* after a PACE failure on a PACE chip, try BAC (logged) */
    vfy_progress_fn progress;
    void *progress_ctx;
    vfy_log_fn log;
    void *log_ctx;
} vfy_read_options;

/* How the chip was opened. */
typedef struct vfy_access_info {
    vfy_access_protocol protocol;
    char mapping[VFY_ACCESS_MAPPING_MAX];     /* PACE: "GM", "IM" or "CAM"; "" otherwise */
    char cipher[VFY_ACCESS_CIPHER_MAX];     /* "3DES", "AES-128", "AES-192", "AES-256"; BAC: "3DES" */
    char curve[VFY_CURVE_NAME_MAX];      /* PACE on ECDH: "brainpoolP256r1", ...; else "" */
    char group[VFY_CURVE_NAME_MAX];      /* PACE on DH: "modp1024_160", ...; else "" */
    bool fell_back_to_bac;   /* PACE failed and the caller's policy allowed BAC */
    bool cam_verified;       /* PACE-CAM: the chip proved it holds DG14's Chip Authentication
                              * key (checked by the inspection after the read; a chip that
                              * fails is a failed chip.ca check, never a failed read) */
} vfy_access_info;

typedef struct vfy_read_stats {
    uint64_t apdus;            /* command APDUs sent */
    uint64_t bytes_sent;
    uint64_t bytes_received;
    uint64_t simulated_us;     /* link time of a simulated reader; 0 for real readers */
    unsigned files_read;
    unsigned files_denied;     /* listed in EF.COM but refused (e.g. DG3/DG4 without EAC) */
    unsigned fallbacks;        /* chip refusals absorbed by smaller reads */
} vfy_read_stats;

/* Opens the reader and waits for the document (VFY_E_NO_CARD if none). */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_session_open(const char *reader, vfy_session **out,
                                                  vfy_detail *detail);

/* Access control, then every readable file into doc. options may be NULL. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2, 4) vfy_status vfy_session_read_document(vfy_session *s,
                                                           const vfy_access_key *key,
                                                           const vfy_read_options *options,
                                                           vfy_document *doc,
                                                           vfy_detail *detail);

/* What the last read used, and what it cost. Valid after a failure too. */
VFY_API void vfy_session_access(const vfy_session *s, vfy_access_info *out);
VFY_API void vfy_session_stats(const vfy_session *s, vfy_read_stats *out);

/* Opens a session on a reader without waiting for a document (vfy_session_open waits
 * briefly and fails without one). */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_session_open_reader(const char *reader, vfy_session **out,
                                                         vfy_detail *detail);

/* Waits up to timeout_ms for a document (VFY_E_TIMEOUT if none came), after forgetting
 * the previous one: keys wiped, read statistics restarted. A document still on the
 * reader counts: wait for its removal first to get a new one. */
VFY_API VFY_NODISCARD VFY_NONNULL(1) vfy_status vfy_session_wait_document(vfy_session *s, unsigned timeout_ms,
                                                           vfy_detail *detail);

/* Waits up to timeout_ms for the document to leave the reader (VFY_E_TIMEOUT if it
 * stays). */
VFY_API VFY_NODISCARD VFY_NONNULL(1) vfy_status vfy_session_wait_removal(vfy_session *s, unsigned timeout_ms,
                                                          vfy_detail *detail);

/* Whether a document is on the reader now. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_session_document_present(vfy_session *s, bool *present,
                                                              vfy_detail *detail);

VFY_API void vfy_session_close(vfy_session *s);

/* "PACE", "BAC", "none". */
VFY_API const char *vfy_access_protocol_name(vfy_access_protocol p);

#ifdef __cplusplus
}
#endif

#endif
