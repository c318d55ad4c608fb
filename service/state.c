/* The service's shared state: jobs and events (service/state.h). */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

uint64_t state_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void state_init(struct serve_state *st, const struct serve_config *cfg)
{
    memset(st, 0, sizeof *st);
    pthread_mutex_init(&st->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&st->changed, &ca);
    pthread_condattr_destroy(&ca);
    st->cfg = cfg;
    st->next_seq = 1;
}

static void job_free(struct job *j)
{
    serve_request_clear(&j->req);
    free(j->result_json);
    free(j->error_json);
    if (j->photo != NULL)
        sodium_memzero(j->photo, j->photo_len);
    free(j->photo);
    if (j->result_json != NULL)
        j->result_json = NULL;
    free(j);
}

void state_destroy(struct serve_state *st)
{
    for (struct job *j = st->jobs, *n; j != NULL; j = n) {
        n = j->next;
        job_free(j);
    }
    for (size_t i = 0; i < EVENT_RING; i++)
        free(st->ring[i].data);
    vfy_trust_status_free(st->trust_status);
    pthread_cond_destroy(&st->changed);
    pthread_mutex_destroy(&st->lock);
}

void state_event(struct serve_state *st, const char *type, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *data = strdup(buf);
    pthread_mutex_lock(&st->lock);
    struct event *e = &st->ring[st->next_seq % EVENT_RING];
    free(e->data);
    e->seq = st->next_seq++;
    snprintf(e->type, sizeof e->type, "%s", type);
    e->data = data != NULL ? data : NULL;
    pthread_cond_broadcast(&st->changed);
    pthread_mutex_unlock(&st->lock);
}

struct job *state_find(struct serve_state *st, const char *id)
{
    for (struct job *j = st->jobs; j != NULL; j = j->next)
        if (strcmp(j->id, id) == 0)
            return j;
    return NULL;
}

size_t state_expire(struct serve_state *st)
{
    size_t evicted = 0;
    uint64_t now = state_monotonic_ms();
    struct job **link = &st->jobs;
    while (*link != NULL) {
        struct job *j = *link;
        if ((j->state == JOB_DONE || j->state == JOB_FAILED) &&
            now - j->done_at >= (uint64_t)st->cfg->result_ttl_s * 1000u) {
            *link = j->next;
            job_free(j);
            evicted++;
        } else {
            link = &j->next;
        }
    }
    return evicted;
}

struct job *state_next_pending(struct serve_state *st)
{
    struct job *oldest = NULL;
    for (struct job *j = st->jobs; j != NULL; j = j->next)
        if (j->state == JOB_PENDING)
            oldest = j;   /* the list is newest first */
    return oldest;
}

vfy_status state_queue(struct serve_state *st, struct serve_request *req, char id[33])
{
    struct job *j = calloc(1, sizeof *j);
    if (j == NULL)
        return VFY_E_NO_MEMORY;
    uint8_t raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(j->id, sizeof j->id, raw, sizeof raw);
    pthread_mutex_lock(&st->lock);
    state_expire(st);
    if (st->pending >= SERVE_MAX_PENDING) {
        pthread_mutex_unlock(&st->lock);
        free(j);
        return VFY_E_SERVICE_BUSY;
    }
    j->req = *req;
    memset(req, 0, sizeof *req);
    j->state = JOB_PENDING;
    j->next = st->jobs;
    st->jobs = j;
    st->pending++;
    memcpy(id, j->id, 33);
    pthread_cond_broadcast(&st->changed);
    pthread_mutex_unlock(&st->lock);
    return VFY_OK;
}
