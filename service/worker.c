/* The service's reader worker: the one thread that owns the reader. It opens it (and
 * reopens it when it fails), takes the queued requests oldest first, waits for the
 * document, inspects it through the library, records it in the audit trail, keeps
 * the result in memory and waits for the document to leave. Trust is reloaded here,
 * between inspections, when SIGHUP asked for it. */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "state.h"
#include "worker.h"

#define WAIT_SLICE_MS 250u   /* how long one wait on the reader may block the stop check */

struct worker {
    struct serve_state *st;
    vfy_session *session;
    vfy_trust *trust;
    vfy_rules_engine *rules;
    uint8_t trust_print[32], rules_print[32];   /* what was on disk when loaded */
    uint64_t checked_at_ms;
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

/* Stops the service from the worker (an audit record that could not be written). */
static void fatal_stop(struct serve_state *st, vfy_status s, const char *why)
{
    pthread_mutex_lock(&st->lock);
    st->fatal = s;
    snprintf(st->fatal_detail.message, sizeof st->fatal_detail.message, "%s", why);
    st->stop = true;
    pthread_cond_broadcast(&st->changed);
    pthread_mutex_unlock(&st->lock);
    serve_log(SLOG_ERROR, "%s: the service stops", why);
}

/* Loads the trust store (rules false) or the rule sets again; records the change in
 * the audit trail before the new one is used. A store that fails to load leaves the one
 * in force. Runs between inspections only. */
static void reload(struct worker *w, bool rules, const char *why)
{
    const struct serve_config *cfg = w->st->cfg;
    const char *what = rules ? "rules" : "trust";
    if (cfg->fingerprint != NULL)
        cfg->fingerprint(cfg->ctx, rules, rules ? w->rules_print : w->trust_print);
    vfy_trust *fresh_trust = NULL;
    vfy_rules_engine *fresh_rules = NULL;
    vfy_status s = rules ? (cfg->load_rules != NULL ? cfg->load_rules(cfg->ctx, &fresh_rules)
                                                     : VFY_OK)
                         : (cfg->load_trust != NULL ? cfg->load_trust(cfg->ctx, &fresh_trust)
                                                     : VFY_OK);
    if (s != VFY_OK) {
        state_event(w->st, rules ? "rules_reload_failed" : "trust_reload_failed",
                    "{\"code\":\"%s\"}", vfy_status_name(s));
        serve_log(SLOG_WARN, "%s reload (%s) failed with %s: the one in force stays", what, why,
                  vfy_status_name(s));
        return;
    }
    if (cfg->record_change != NULL) {
        vfy_status rs = cfg->record_change(cfg->ctx, rules, why, fresh_trust, fresh_rules);
        if (rs != VFY_OK) {
            vfy_trust_free(fresh_trust);
            vfy_rules_engine_free(fresh_rules);
            fatal_stop(w->st, rs, "a reload could not be recorded in the audit trail");
            return;
        }
    }
    if (rules) {
        vfy_rules_engine_free(w->rules);
        w->rules = fresh_rules;
    } else {
        vfy_trust_free(w->trust);
        w->trust = fresh_trust;
        update_trust_status(w);
    }
    state_event(w->st, rules ? "rules_reloaded" : "trust_reloaded", "{}");
    serve_log(SLOG_INFO, "%s reloaded (%s)", what, why);
}

/* Between inspections: SIGHUP reloads both; otherwise, at most once a second, what
 * changed on disk is reloaded. */
static void maybe_reload(struct worker *w)
{
    const struct serve_config *cfg = w->st->cfg;
    if (reload_requested) {
        reload_requested = 0;
        reload(w, false, "SIGHUP");
        if (cfg->load_rules != NULL)
            reload(w, true, "SIGHUP");
        return;
    }
    if (cfg->fingerprint == NULL)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t now = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    if (w->checked_at_ms != 0 && now - w->checked_at_ms < 1000u)
        return;
    w->checked_at_ms = now;
    uint8_t print[32];
    cfg->fingerprint(cfg->ctx, false, print);
    if (memcmp(print, w->trust_print, sizeof print) != 0)
        reload(w, false, "trust store changed on disk");
    if (cfg->load_rules != NULL) {
        cfg->fingerprint(cfg->ctx, true, print);
        if (memcmp(print, w->rules_print, sizeof print) != 0)
            reload(w, true, "rule set changed on disk");
    }
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
            j->done_at = state_monotonic_ms();
            w->st->pending--;
            pthread_mutex_unlock(&w->st->lock);
            state_event(w->st, "inspection_failed", "{\"id\":\"%s\",\"code\":\"%s\"}", j->id,
                        vfy_status_name(s));
            return false;
        }
    }
}

/* Failures that mean the reader itself is gone (unplugged, its helper lost), not the
 * document: the session is closed and reopened until the reader is back. */
static bool reader_lost(vfy_status s)
{
    return s == VFY_E_READER_GONE || s == VFY_E_NO_READER || s == VFY_E_READER;
}

static void close_reader(struct worker *w, vfy_status why)
{
    vfy_session_close(w->session);
    w->session = NULL;
    serve_log(SLOG_WARN, "the reader was lost (%s); reopening it", vfy_status_name(why));
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
        if (s != VFY_E_TIMEOUT) {
            if (reader_lost(s))
                close_reader(w, s);
            return;
        }
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
    vfy_rules_case *eligibility = NULL;
    vfy_status s = VFY_OK;
    if (req.case_json != NULL) {
        /* Validated when it was posted; the rule sets are the ones in force now. */
        if (w->rules == NULL) {
            s = VFY_E_CONFIG;
            snprintf(d.message, sizeof d.message, "no rule sets are loaded");
        } else {
            s = vfy_rules_case_parse(req.case_json, strlen(req.case_json), &eligibility, &d);
        }
        o.rules = w->rules;
        o.eligibility_case = eligibility;
    }
    if (s == VFY_OK)
        s = vfy_inspect_session(w->session, &req.key, &o, &r, &d);
    vfy_rules_case_free(eligibility);
    serve_request_clear(&req);
    char *json = NULL;
    if (s == VFY_OK && st->cfg->record != NULL) {
        vfy_status rs = st->cfg->record(st->cfg->ctx, r);
        if (rs != VFY_OK) {
            /* Not recorded, not served: the service stops. */
            fatal_stop(st, rs, "an inspection could not be recorded in the audit trail");
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
    /* The photo (a JPEG 2000 face is decoded here) is prepared outside the lock: nothing
     * reads a job's photo before it is JOB_DONE, which is set under the lock below. */
    if (s == VFY_OK)
        take_photo(j, r);
    pthread_mutex_lock(&st->lock);
    if (s == VFY_OK) {
        j->state = JOB_DONE;
        j->result_json = json;
    } else {
        j->state = JOB_FAILED;
        j->error_json = failure_json(s, &d);
    }
    j->done_at = state_monotonic_ms();
    pthread_mutex_unlock(&st->lock);
    if (s == VFY_OK) {
        state_event(st, "result_ready", "{\"id\":\"%s\",\"verdict\":\"%s\"}", j->id, verdict);
        serve_log(SLOG_INFO, "inspection %s: %s", j->id, verdict);
    } else {
        state_event(st, "inspection_failed", "{\"id\":\"%s\",\"code\":\"%s\"}", j->id,
                    vfy_status_name(s));
        serve_log(SLOG_WARN, "inspection %s failed: %s", j->id, vfy_status_name(s));
    }
    vfy_inspection_free(r);
    if (s != VFY_OK && reader_lost(s)) {
        close_reader(w, s);   /* reader_detached follows in the worker's loop */
        return;
    }
    wait_removal(w);
}

void *worker_main(void *arg)
{
    struct worker w = { .st = arg };
    struct serve_state *st = w.st;
    const struct serve_config *cfg = st->cfg;
    if (cfg->fingerprint != NULL) {
        cfg->fingerprint(cfg->ctx, false, w.trust_print);
        cfg->fingerprint(cfg->ctx, true, w.rules_print);
    }
    if (cfg->load_trust != NULL && cfg->load_trust(cfg->ctx, &w.trust) != VFY_OK)
        w.trust = NULL;   /* checked before the worker starts; a failure here is a race */
    if (cfg->load_rules != NULL && cfg->load_rules(cfg->ctx, &w.rules) != VFY_OK)
        w.rules = NULL;   /* likewise: a case then fails typed */
    update_trust_status(&w);
    while (!stopping(st)) {
        maybe_reload(&w);
        if (w.session == NULL) {
            vfy_detail d = { 0 };
            if (vfy_session_open_reader(cfg->reader, &w.session, &d) != VFY_OK) {
                w.session = NULL;
                pthread_mutex_lock(&st->lock);
                bool was = st->reader_attached;
                st->reader_attached = false;
                pthread_mutex_unlock(&st->lock);
                if (was) {
                    state_event(st, "reader_detached", "{}");
                    serve_log(SLOG_WARN, "reader detached: %s", vfy_status_name(d.status));
                }
                nap(st, 1000);
                continue;
            }
            pthread_mutex_lock(&st->lock);
            st->reader_attached = true;
            pthread_mutex_unlock(&st->lock);
            state_event(st, "reader_attached", "{}");
            serve_log(SLOG_INFO, "reader attached");
        }
        pthread_mutex_lock(&st->lock);
        size_t evicted = state_expire(st);
        struct job *j = state_next_pending(st);
        pthread_mutex_unlock(&st->lock);
        if (evicted > 0)
            malloc_trim(0);   /* the forgotten results' pages go back to the system */
        if (j == NULL) {
            nap(st, 1000);
            continue;
        }
        inspect(&w, j);
        /* An inspection allocates a few hundred kB in many sizes (chip files, OpenSSL,
         * JSON); giving the free pages back after each keeps a kiosk's memory flat over
         * months of travellers instead of at its fragmented peak. */
        malloc_trim(0);
        if (w.session == NULL) {
            pthread_mutex_lock(&st->lock);
            st->reader_attached = false;
            pthread_mutex_unlock(&st->lock);
            state_event(st, "reader_detached", "{}");
            serve_log(SLOG_WARN, "reader detached");
        }
    }
    vfy_session_close(w.session);
    vfy_trust_free(w.trust);
    vfy_rules_engine_free(w.rules);
    return NULL;
}
