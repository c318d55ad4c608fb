/* Internal: the open log, shared by the writer (log.c), the inspection record
 * (inspection_record.c) and pruning (prune.c). */
#ifndef VFY_AUDIT_LOG_INTERNAL_H
#define VFY_AUDIT_LOG_INTERNAL_H

#include "audit/audit_internal.h"

struct vfy_audit_log {
    sqlite3 *db;
    const vfy_audit_key *key;             /* signs checkpoints; the key in force */
    const vfy_audit_key *pending_key;     /* during a rotation */
    const vfy_audit_lookup_key *lookup;   /* NULL: no document hashes */
    char kiosk[AUD_TEXT_MAX + 1], reader[AUD_TEXT_MAX + 1];
    unsigned every, seconds;
    uint8_t log_id[AUD_LOG_ID_BYTES];
    uint64_t last_seq;
    uint8_t last_hash[32];
    uint64_t cp_seq;                      /* the last regular checkpoint's record */
    time_t cp_time;
    aud_record rec;                       /* scratch, wiped on close */
    uint8_t buf[AUD_RECORD_MAX];
};

/* A record with kind, time (now, system clock), kiosk and library version set. */
void aud_log_base_record(const vfy_audit_log *log, aud_record *r, uint8_t kind);
/* One transaction: insert (signed by `signer` when not NULL), checkpoint when due. */
VFY_NODISCARD vfy_status aud_log_append(vfy_audit_log *log, aud_record *r,
                                        const vfy_audit_key *signer, uint64_t *seq,
                                        vfy_detail *detail);
/* The parts, for callers that do more in the same transaction (prune). */
VFY_NODISCARD vfy_status aud_log_begin(vfy_audit_log *log, vfy_detail *detail);
VFY_NODISCARD vfy_status aud_log_end(vfy_audit_log *log, vfy_status s, vfy_detail *detail);
VFY_NODISCARD vfy_status aud_log_insert_in_tx(vfy_audit_log *log, aud_record *r,
                                              const vfy_audit_key *signer, uint64_t *seq,
                                              uint8_t hash[32], vfy_detail *detail);
VFY_NODISCARD vfy_status aud_log_checkpoint_in_tx(vfy_audit_log *log, uint64_t seq,
                                                  const uint8_t hash[32], vfy_detail *detail);
VFY_NODISCARD vfy_status aud_log_anchor_in_tx(vfy_audit_log *log, uint64_t seq,
                                              const uint8_t hash[32], uint64_t made_at,
                                              vfy_detail *detail);

#endif
