/*
 * Internal to the service: what the HTTP threads and the reader's worker share, under
 * one mutex. Jobs (one per POST /api/v1/inspections) and a ring of recent events (the
 * Server-Sent Events stream). Results live here only, in memory, and are forgotten
 * result_ttl_s after they are done; nothing is written to disk.
 */
#ifndef VFY_SERVICE_STATE_H
#define VFY_SERVICE_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "request.h"
#include "serve.h"

enum job_state { JOB_PENDING = 0, JOB_READING, JOB_DONE, JOB_FAILED };

struct job {
    char id[33];
    enum job_state state;
    uint64_t done_at;          /* monotonic milliseconds; 0 while not done (whole
                                  seconds would forget a result up to 1 s early) */
    struct serve_request req;  /* moved to the worker when it starts the job */
    char *result_json;         /* JOB_DONE: the library's inspection JSON */
    char *error_json;          /* JOB_FAILED: {status, code, message, field, offset} */
    uint8_t *photo;            /* JOB_DONE: the face as the chip holds it (DG2 image) */
    size_t photo_len;
    char photo_type[24];       /* "image/jpeg", or "image/png" converted from JPEG 2000 */
    struct job *next;
};

/* Events: no personal data, only ids, phases, file names of the LDS and figures. */
#define EVENT_RING 256u
struct event {
    uint64_t seq;              /* 1, 2, 3 ...; the SSE id */
    char type[32];             /* "reader_attached", "document_placed", ... */
    char *data;                /* JSON text */
};

struct serve_state {
    pthread_mutex_t lock;
    pthread_cond_t changed;    /* a job was queued, an event appended, or stop */
    const struct serve_config *cfg;
    struct job *jobs;          /* newest first */
    size_t pending;            /* jobs in JOB_PENDING */
    struct event ring[EVENT_RING];
    uint64_t next_seq;
    bool stop;
    bool reader_attached;
    unsigned streams;          /* open event streams */
    vfy_trust_status *trust_status;   /* freshness of the store in force, for /health */
    vfy_status fatal;          /* a failure that stopped the service (audit) */
    vfy_detail fatal_detail;
};

#define SERVE_MAX_PENDING 16u

void state_init(struct serve_state *st, const struct serve_config *cfg);
void state_destroy(struct serve_state *st);

/* Appends an event (type, JSON data); wakes the streams. Takes the lock. */
void state_event(struct serve_state *st, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* With the lock held: */
struct job *state_find(struct serve_state *st, const char *id);
/* Drops done or failed jobs older than the time to live; returns how many. */
size_t state_expire(struct serve_state *st);
/* The oldest pending job, or NULL. */
struct job *state_next_pending(struct serve_state *st);

/* Queues a validated request (moved into the job); writes its id. VFY_E_SERVICE_BUSY
 * when SERVE_MAX_PENDING jobs wait already. Takes the lock. */
vfy_status state_queue(struct serve_state *st, struct serve_request *req, char id[33]);

uint64_t state_monotonic_ms(void);

#endif
