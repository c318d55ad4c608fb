/* The service's reader worker: the one thread that owns the reader. It opens it (and
 * reopens it when it fails), takes the queued requests oldest first, waits for the
 * document, inspects it through the library, records it in the audit trail, keeps
 * the result in memory and waits for the document to leave. Trust is reloaded here,
 * between inspections, when SIGHUP asked for it. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "worker.h"

#define WAIT_SLICE_MS 250u   /* how long one wait on the reader may block the stop check */

struct worker {
    struct serve_state *st;
    vfy_session *session;
    vfy_trust *trust;
    const char *job_id;        /* the job being read, for progress events */
    char last_file[32];
    unsigned last_percent;
};

static volatile sig_atomic_t reload_requested;

void worker_request_reload(void)
{
    reload_requested = 1;
}

static bool stopping(struct serve_state *st)
{
    pthread_mutex_lock(&st->lock);
    bool stop = st->stop;
    pthread_mutex_unlock(&st->lock);
    return stop;
}

/* Sleeps up to ms, or less when something changes (stop, a new job). */
static void nap(struct serve_state *st, unsigned ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000u;
    until.tv_nsec += (long)(ms % 1000u) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&st->lock);
    if (!st->stop)
        pthread_cond_timedwait(&st->changed, &st->lock, &until);
    pthread_mutex_unlock(&st->lock);
}

static void update_trust_status(struct worker *w)
{
    vfy_trust_status *ts = NULL;
    if (w->trust != NULL && vfy_trust_status_make(w->trust, 0, 30, &ts) != VFY_OK)
        ts = NULL;
    pthread_mutex_lock(&w->st->lock);
    vfy_trust_status_free(w->st->trust_status);
    w->st->trust_status = ts;
    pthread_mutex_unlock(&w->st->lock);
}

static void reload_trust(struct worker *w)
{
    const struct serve_config *cfg = w->st->cfg;
    vfy_trust *fresh = NULL;
    if (cfg->load_trust == NULL || cfg->load_trust(cfg->ctx, &fresh) != VFY_OK) {
        state_event(w->st, "trust_reload_failed", "{}");
        return;   /* the store in force stays */
    }
    vfy_trust_free(w->trust);
    w->trust = fresh;
    update_trust_status(w);
    state_event(w->st, "trust_reloaded", "{}");
}

static bool progress(void *ctx, const char *file, size_t done, size_t total)
{
    struct worker *w = ctx;
    unsigned pct = total > 0 ? (unsigned)(done * 100u / total) : 0u;
    if (pct > 100)
        pct = 100;
    if (file == NULL)
        file = "";
    /* Bounded rate: one event per file and per 10 percent of it. */
    if (strcmp(file, w->last_file) != 0 || pct >= w->last_percent + 10 || pct == 100) {
        if (strcmp(file, w->last_file) == 0 && pct == w->last_percent)
            return !stopping(w->st);
        snprintf(w->last_file, sizeof w->last_file, "%s", file);
        w->last_percent = pct;
        /* LDS file names only ("DG2"): fixed ASCII identifiers, no personal data. */
        char safe[32];
        size_t n = 0;
        for (const char *p = file; *p != '\0' && n + 1 < sizeof safe; p++)
            if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                *p == '.' || *p == '_')
                safe[n++] = *p;
        safe[n] = '\0';
        state_event(w->st, "progress",
                    "{\"id\":\"%s\",\"phase\":\"reading\",\"file\":\"%s\",\"percent\":%u}",
                    w->job_id, safe, pct);
    }
    return !stopping(w->st);
}

/* The first face of DG2, copied for the console (only while the result lives). A
 * document without a readable face simply has no photo: the inspection says why. */
static void take_photo(struct job *j, const vfy_inspection *r)
{
    const vfy_document *doc = vfy_inspection_document(r);
    const uint8_t *data;
    size_t len;
    if (doc == NULL || vfy_document_get_file(doc, (vfy_file_id)2, &data, &len) != VFY_OK)
        return;
    vfy_lds_dg2 *dg2 = calloc(1, sizeof *dg2);
    vfy_detail d = { 0 };
    if (dg2 != NULL && vfy_lds_parse_dg2(data, len, dg2, &d) == VFY_OK && dg2->face_count > 0) {
        const vfy_face_image *f = &dg2->faces[0];
        if (f->image_type == VFY_IMAGE_JPEG2000) {
            /* No browser shows JPEG 2000: the library converts it to PNG (openjpeg and
             * libpng); a face it cannot convert is no photo, and the console says so. */
            vfy_face_png png = { 0 };
            if (vfy_face_image_to_png(f->image.data, f->image.len, &png, &d) == VFY_OK) {
                j->photo = png.data;   /* handed over: wiped and freed with the job */
                j->photo_len = png.len;
                snprintf(j->photo_type, sizeof j->photo_type, "image/png");
            }
        } else if (f->image.len > 0 && (j->photo = malloc(f->image.len)) != NULL) {
            memcpy(j->photo, f->image.data, f->image.len);
            j->photo_len = f->image.len;
            snprintf(j->photo_type, sizeof j->photo_type, "image/jpeg");
        }
    }
    free(dg2);
}

static char *failure_json(vfy_status s, const vfy_detail *d)
{
    struct serve_error e;
    serve_error_set(&e, 502, s, d->field, d->offset, "%s",
                    d->message[0] != '\0' ? d->message : vfy_strerror(s));
    return serve_error_json(&e);
}

/* Waits for the document of one job; false when the service stops or the reader fails
 * (the job is then failed, the reader closed). */
static bool wait_document(struct worker *w, struct job *j)
{
    for (;;) {
        if (stopping(w->st))
            return false;
        vfy_detail d = { 0 };
        vfy_status s = vfy_session_wait_document(w->session, WAIT_SLICE_MS, &d);
        if (s == VFY_OK)
            return true;
        if (s != VFY_E_TIMEOUT) {
            pthread_mutex_lock(&w->st->lock);
            j->state = JOB_FAILED;
            j->error_json = failure_json(s, &d);
            j->done_at = (time_t)state_monotonic_s();
            w->st->pending--;
            pthread_mutex_unlock(&w->st->lock);
            state_event(w->st, "inspection_failed", "{\"id\":\"%s\",\"code\":\"%s\"}", j->id,
                        vfy_status_name(s));
            return false;
        }
    }
}

static void wait_removal(struct worker *w)
{
    for (;;) {
        if (stopping(w->st))
            return;
        vfy_detail d = { 0 };
        vfy_status s = vfy_session_wait_removal(w->session, WAIT_SLICE_MS, &d);
        if (s == VFY_OK) {
            state_event(w->st, "document_removed", "{}");
            return;
        }
        if (s != VFY_E_TIMEOUT)
            return;
    }
}

static void inspect(struct worker *w, struct job *j)
{
    struct serve_state *st = w->st;
    state_event(st, "waiting_for_document", "{\"id\":\"%s\"}", j->id);
    if (!wait_document(w, j)) {
        if (!stopping(st)) {
            vfy_session_close(w->session);
            w->session = NULL;
        }
        return;
    }
    pthread_mutex_lock(&st->lock);
    struct serve_request req = j->req;
    memset(&j->req, 0, sizeof j->req);
    j->state = JOB_READING;
    st->pending--;
    pthread_mutex_unlock(&st->lock);
    state_event(st, "document_placed", "{\"id\":\"%s\"}", j->id);

    vfy_read_options ro = { 0 };
    ro.progress = progress;
    ro.progress_ctx = w;
    w->job_id = j->id;
    w->last_file[0] = '\0';
    w->last_percent = 0;
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = w->trust;
    o.mrz = req.have_mrz ? &req.mrz : NULL;
    o.crl_policy = st->cfg->crl_policy;
    o.read = &ro;
    o.seal = req.seal;
    o.seal_len = req.seal_len;
    vfy_inspection *r = NULL;
    vfy_detail d = { 0 };
    vfy_status s = vfy_inspect_session(w->session, &req.key, &o, &r, &d);
    serve_request_clear(&req);
    char *json = NULL;
    if (s == VFY_OK && st->cfg->record != NULL) {
        vfy_status rs = st->cfg->record(st->cfg->ctx, r);
        if (rs != VFY_OK) {
            /* Not recorded, not served: the service stops. */
            pthread_mutex_lock(&st->lock);
            st->fatal = rs;
            snprintf(st->fatal_detail.message, sizeof st->fatal_detail.message,
                     "an inspection could not be recorded in the audit trail");
            st->stop = true;
            pthread_cond_broadcast(&st->changed);
            pthread_mutex_unlock(&st->lock);
            s = rs;
            snprintf(d.message, sizeof d.message, "the inspection could not be recorded");
        }
    }
    if (s == VFY_OK) {
        char *lib = vfy_inspection_to_json(r, 0);
        json = lib != NULL ? strdup(lib) : NULL;
        vfy_free(lib);
        if (json == NULL) {
            s = VFY_E_NO_MEMORY;
            snprintf(d.message, sizeof d.message, "out of memory for the result");
        }
    }
    const char *verdict = s == VFY_OK
                              ? vfy_inspection_outcome_name(vfy_inspection_get_outcome(r))
                              : NULL;
    pthread_mutex_lock(&st->lock);
    if (s == VFY_OK) {
        take_photo(j, r);
        j->state = JOB_DONE;
        j->result_json = json;
    } else {
        j->state = JOB_FAILED;
        j->error_json = failure_json(s, &d);
    }
    j->done_at = (time_t)state_monotonic_s();
    pthread_mutex_unlock(&st->lock);
    if (s == VFY_OK)
        state_event(st, "result_ready", "{\"id\":\"%s\",\"verdict\":\"%s\"}", j->id, verdict);
    else
        state_event(st, "inspection_failed", "{\"id\":\"%s\",\"code\":\"%s\"}", j->id,
                    vfy_status_name(s));
    vfy_inspection_free(r);
    wait_removal(w);
}

void *worker_main(void *arg)
{
    struct worker w = { .st = arg };
    struct serve_state *st = w.st;
    const struct serve_config *cfg = st->cfg;
    if (cfg->load_trust != NULL && cfg->load_trust(cfg->ctx, &w.trust) != VFY_OK)
        w.trust = NULL;   /* checked before the worker starts; a failure here is a race */
    update_trust_status(&w);
    while (!stopping(st)) {
        if (reload_requested) {
            reload_requested = 0;
            reload_trust(&w);
        }
        if (w.session == NULL) {
            vfy_detail d = { 0 };
            if (vfy_session_open_reader(cfg->reader, &w.session, &d) != VFY_OK) {
                w.session = NULL;
                pthread_mutex_lock(&st->lock);
                bool was = st->reader_attached;
                st->reader_attached = false;
                pthread_mutex_unlock(&st->lock);
                if (was)
                    state_event(st, "reader_detached", "{}");
                nap(st, 1000);
                continue;
            }
            pthread_mutex_lock(&st->lock);
            st->reader_attached = true;
            pthread_mutex_unlock(&st->lock);
            state_event(st, "reader_attached", "{}");
        }
        pthread_mutex_lock(&st->lock);
        state_expire(st);
        struct job *j = state_next_pending(st);
        pthread_mutex_unlock(&st->lock);
        if (j == NULL) {
            nap(st, 1000);
            continue;
        }
        inspect(&w, j);
        if (w.session == NULL) {
            pthread_mutex_lock(&st->lock);
            st->reader_attached = false;
            pthread_mutex_unlock(&st->lock);
            state_event(st, "reader_detached", "{}");
        }
    }
    vfy_session_close(w.session);
    vfy_trust_free(w.trust);
    return NULL;
}
