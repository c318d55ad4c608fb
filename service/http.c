/* The service's HTTP front (libmicrohttpd): routing, the bearer token, the origin
 * check, the security headers, bodies bounded to 64 KiB, the event stream. Requests are
 * validated completely (service/request.c) before anything reaches the reader's
 * worker; a refused request never touches the reader. */
#define _GNU_SOURCE   /* asprintf */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "state.h"
#include "worker.h"

/* No inline script or style, nothing from another origin, no framing. */
#define CSP                                                                                 \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "            \
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

#define SSE_KEEPALIVE_S 10

struct http {
    struct serve_state *st;
    char origin[64];          /* "http://127.0.0.1:8573" */
    char origin_local[64];    /* "http://localhost:8573" when listening on loopback */
    char host[64];            /* "127.0.0.1:8573": the Host a request must name */
    char host_local[64];      /* "localhost:8573" when listening on loopback */
    unsigned port;
};

struct request_ctx {
    uint8_t *body;
    size_t len;
    bool too_large;
};

static void headers(struct MHD_Response *r, const char *type)
{
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Content-Security-Policy", CSP);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
}

static enum MHD_Result send_buffer(struct MHD_Connection *c, unsigned status, const char *type,
                                   char *text, size_t len)
{
    /* text is malloc'd and owned by the response from here */
    struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(text);
        return MHD_NO;
    }
    headers(r, type);
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* The face is personal data: its copy in a response is wiped when libmicrohttpd is done
 * with it. The buffer's length sits in front of it, where the callback finds it. */
static void wipe_photo(void *buffer)
{
    uint8_t *base = (uint8_t *)buffer - sizeof(size_t);
    size_t len;
    memcpy(&len, base, sizeof len);
    sodium_memzero(base, sizeof len + len);
    free(base);
}

static enum MHD_Result send_photo(struct MHD_Connection *c, const char *type, uint8_t *base,
                                  size_t len)
{
    memcpy(base, &len, sizeof len);
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(
        len, base + sizeof len, wipe_photo);
    if (r == NULL) {
        wipe_photo(base + sizeof len);
        return MHD_NO;
    }
    headers(r, type);
    enum MHD_Result ok = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, char *json)
{
    if (json == NULL)
        return MHD_NO;
    return send_buffer(c, status, "application/json", json, strlen(json));
}

static enum MHD_Result send_error(struct MHD_Connection *c, const struct serve_error *e)
{
    char *json = serve_error_json(e);
    if (json == NULL)
        return MHD_NO;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(json), json, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(json);
        return MHD_NO;
    }
    headers(r, "application/json");
    if (e->http_status == 401)
        MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"vfy\"");
    enum MHD_Result ok = MHD_queue_response(c, e->http_status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result refuse(struct MHD_Connection *c, unsigned http_status, vfy_status s,
                              const char *message)
{
    struct serve_error e;
    serve_error_set(&e, http_status, s, NULL, VFY_NO_OFFSET, "%s", message);
    return send_error(c, &e);
}

/* A browser names its page's origin on cross-origin requests and on every POST; only
 * the service's own pages may call it. Requests without Origin (curl, the kiosk's own
 * software) are not browsers' and are judged by the token alone. */
/* DNS rebinding: a page of evil.example whose name is made to resolve to 127.0.0.1 is
 * "same origin" for the browser, but its requests name evil.example in Host. Only the
 * service's own address (and localhost on loopback) is accepted, with or without the
 * port when it is 80; a request without Host is refused too (HTTP/1.1 requires it). */
static bool host_allowed(const struct http *h, struct MHD_Connection *c)
{
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    if (host == NULL)
        return false;
    if (strcasecmp(host, h->host) == 0 ||
        (h->host_local[0] != '\0' && strcasecmp(host, h->host_local) == 0))
        return true;
    if (h->port == 80) {
        size_t n = strlen(h->host) - 3;   /* without ":80" */
        if (strlen(host) == n && strncasecmp(host, h->host, n) == 0)
            return true;
        if (h->host_local[0] != '\0' && strcasecmp(host, "localhost") == 0)
            return true;
    }
    return false;
}

static bool origin_allowed(const struct http *h, struct MHD_Connection *c)
{
    const char *o = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    if (o == NULL)
        return true;
    return strcmp(o, h->origin) == 0 || (h->origin_local[0] != '\0' && strcmp(o, h->origin_local) == 0);
}

static bool token_ok(const struct http *h, struct MHD_Connection *c)
{
    const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    static const char bearer[] = "Bearer ";
    if (a == NULL || strncmp(a, bearer, sizeof bearer - 1) != 0)
        return false;
    a += sizeof bearer - 1;
    const char *token = h->st->cfg->token;
    size_t n = strlen(token);
    /* The token's length is not secret (always the same for a generated token); its
     * bytes are compared in constant time. */
    if (strlen(a) != n)
        return false;
    return sodium_memcmp(a, token, n) == 0;
}

static const char *reader_kind(const char *conn, char *buf, size_t cap)
{
    size_t n = strcspn(conn, ":?");
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, conn, n);
    buf[n] = '\0';
    return buf;
}

static enum MHD_Result health(struct http *h, struct MHD_Connection *c)
{
    struct serve_state *st = h->st;
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string("ok"));
    json_object_set_new(o, "version", json_string(vfy_version()));
    json_t *readers = json_array();
    json_t *rd = json_object();
    char kind[32];
    json_object_set_new(rd, "kind", json_string(reader_kind(st->cfg->reader, kind, sizeof kind)));
    pthread_mutex_lock(&st->lock);
    json_object_set_new(rd, "attached", json_boolean(st->reader_attached));
    json_object_set_new(o, "pending", json_integer((json_int_t)st->pending));
    char *trust = st->trust_status != NULL ? vfy_trust_status_to_json(st->trust_status, 0) : NULL;
    pthread_mutex_unlock(&st->lock);
    json_array_append_new(readers, rd);
    json_object_set_new(o, "readers", readers);
    json_t *tj = trust != NULL ? json_loads(trust, 0, NULL) : NULL;
    vfy_free(trust);
    json_object_set_new(o, "trust", tj != NULL ? tj : json_null());
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return send_json(c, 200, text);
}

static enum MHD_Result post_inspection(struct http *h, struct MHD_Connection *c,
                                       struct request_ctx *rc)
{
    struct serve_error e;
    struct serve_request req;
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    if (rc->too_large) {
        serve_error_set(&e, 413, VFY_E_REQUEST_TOO_LARGE, NULL, VFY_NO_OFFSET,
                        "the body has more than %u bytes", SERVE_BODY_MAX);
        return send_error(c, &e);
    }
    if (serve_request_parse(ct, rc->body != NULL ? rc->body : (const uint8_t *)"", rc->len, &req,
                            &e) != VFY_OK)
        return send_error(c, &e);
    if (req.case_json != NULL && h->st->cfg->load_rules == NULL) {
        serve_request_clear(&req);
        serve_error_set(&e, 400, VFY_E_REQUEST_MALFORMED, "case", VFY_NO_OFFSET,
                        "this service was started without rule sets; an eligibility case "
                        "cannot be decided");
        return send_error(c, &e);
    }
    if (req.case_json != NULL) {
        /* Refused now, not in the worker: a case that does not parse never waits for a
         * document. */
        vfy_rules_case *probe = NULL;
        vfy_detail cd = { 0 };
        vfy_status cs = vfy_rules_case_parse(req.case_json, strlen(req.case_json), &probe, &cd);
        vfy_rules_case_free(probe);
        if (cs != VFY_OK) {
            serve_request_clear(&req);
            char field[sizeof cd.field + 8];
            snprintf(field, sizeof field, "case%s%s", cd.field[0] ? "/" : "", cd.field);
            serve_error_set(&e, 400, cs, field, VFY_NO_OFFSET, "%s",
                            cd.message[0] ? cd.message : vfy_strerror(cs));
            return send_error(c, &e);
        }
    }
    char id[33];
    vfy_status s = state_queue(h->st, &req, id);
    serve_request_clear(&req);
    if (s != VFY_OK)
        return refuse(c, 503, s, s == VFY_E_SERVICE_BUSY
                                     ? "too many inspections are waiting; try again later"
                                     : "out of memory");
    char *json = NULL;
    if (asprintf(&json, "{\"id\":\"%s\",\"status\":\"pending\"}", id) < 0)
        return MHD_NO;
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(json), json,
                                                             MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(json);
        return MHD_NO;
    }
    headers(r, "application/json");
    char loc[64];
    snprintf(loc, sizeof loc, "/api/v1/inspections/%s", id);
    MHD_add_response_header(r, "Location", loc);
    enum MHD_Result ok = MHD_queue_response(c, 202, r);
    MHD_destroy_response(r);
    return ok;
}

static const char *const state_names[] = { "pending", "reading", "done", "failed" };

static enum MHD_Result get_inspection(struct http *h, struct MHD_Connection *c, const char *id)
{
    struct serve_state *st = h->st;
    if (!serve_id_valid(id))
        return refuse(c, 404, VFY_E_NOT_FOUND, "no such inspection");
    pthread_mutex_lock(&st->lock);
    state_expire(st);
    struct job *j = state_find(st, id);
    char *text = NULL;
    if (j != NULL) {
        const char *body = j->state == JOB_DONE ? j->result_json
                           : j->state == JOB_FAILED ? j->error_json : NULL;
        const char *key = j->state == JOB_DONE ? "inspection" : "error";
        if (body != NULL) {
            if (asprintf(&text, "{\"id\":\"%s\",\"status\":\"%s\",\"%s\":%s}", j->id,
                         state_names[j->state], key, body) < 0)
                text = NULL;
        } else if (asprintf(&text, "{\"id\":\"%s\",\"status\":\"%s\"}", j->id,
                            state_names[j->state]) < 0) {
            text = NULL;
        }
    }
    pthread_mutex_unlock(&st->lock);
    if (j == NULL)
        return refuse(c, 404, VFY_E_NOT_FOUND, "no such inspection (or it has expired)");
    return send_json(c, 200, text);
}

/* The face of a done inspection: a JPEG as the chip holds it, or a JPEG 2000 face as the
 * PNG the worker converted it to (browsers show no JPEG 2000). */
static enum MHD_Result get_photo(struct http *h, struct MHD_Connection *c, const char *id)
{
    struct serve_state *st = h->st;
    if (!serve_id_valid(id))
        return refuse(c, 404, VFY_E_NOT_FOUND, "no such inspection");
    pthread_mutex_lock(&st->lock);
    state_expire(st);
    struct job *j = state_find(st, id);
    uint8_t *copy = NULL;
    size_t len = 0;
    char type[sizeof j->photo_type] = "";
    bool found = j != NULL && j->state == JOB_DONE && j->photo != NULL;
    if (found) {
        snprintf(type, sizeof type, "%s", j->photo_type);
        if ((copy = malloc(sizeof(size_t) + j->photo_len)) != NULL) {
            memcpy(copy + sizeof(size_t), j->photo, j->photo_len);
            len = j->photo_len;
        }
    }
    pthread_mutex_unlock(&st->lock);
    if (!found)
        return refuse(c, 404, VFY_E_NOT_FOUND, "no photo for this inspection");
    if (copy == NULL)
        return refuse(c, 503, VFY_E_NO_MEMORY, "out of memory");
    return send_photo(c, type, copy, len);
}

/* ---- the event stream ---------------------------------------------------------- */

struct stream {
    struct serve_state *st;
    uint64_t next;            /* the next event to send */
    char pending[1024];       /* formatted, not yet sent */
    size_t pending_len, pending_off;
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct stream *s = cls;
    struct serve_state *st = s->st;
    if (s->pending_off == s->pending_len) {
        s->pending_len = s->pending_off = 0;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += SSE_KEEPALIVE_S;
        pthread_mutex_lock(&st->lock);
        while (!st->stop && s->next >= st->next_seq)
            if (pthread_cond_timedwait(&st->changed, &st->lock, &until) != 0)
                break;
        if (st->stop) {
            pthread_mutex_unlock(&st->lock);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (s->next < st->next_seq) {
            /* A slow reader that fell behind the ring skips what was overwritten. */
            if (st->next_seq - s->next > EVENT_RING)
                s->next = st->next_seq - EVENT_RING + 1;
            const struct event *e = &st->ring[s->next % EVENT_RING];
            int n = snprintf(s->pending, sizeof s->pending, "id: %llu\nevent: %s\ndata: %s\n\n",
                             (unsigned long long)e->seq, e->type, e->data != NULL ? e->data : "{}");
            s->pending_len = n > 0 && (size_t)n < sizeof s->pending ? (size_t)n : 0;
            s->next++;
        } else {
            memcpy(s->pending, ": keep-alive\n\n", 14);
            s->pending_len = 14;
        }
        pthread_mutex_unlock(&st->lock);
    }
    size_t n = s->pending_len - s->pending_off;
    if (n > max)
        n = max;
    memcpy(buf, s->pending + s->pending_off, n);
    s->pending_off += n;
    return (ssize_t)n;
}

/* libmicrohttpd is done with a stream: its client went away (noticed at the next event
 * or keep-alive it could not send) or the service stops. The other streams are told, so
 * a console or an integrator can see a client drop; the service itself goes on. */
static void stream_closed(void *cls)
{
    struct stream *s = cls;
    struct serve_state *st = s->st;
    pthread_mutex_lock(&st->lock);
    st->streams--;
    unsigned left = st->streams;
    bool stop = st->stop;
    pthread_mutex_unlock(&st->lock);
    free(s);
    if (!stop) {
        state_event(st, "stream_closed", "{\"streams\":%u}", left);
        serve_log(SLOG_INFO, "an event stream closed; %u open", left);
    }
}

static enum MHD_Result events(struct http *h, struct MHD_Connection *c)
{
    struct stream *s = calloc(1, sizeof *s);
    if (s == NULL)
        return MHD_NO;
    s->st = h->st;
    pthread_mutex_lock(&h->st->lock);
    /* A new stream starts with what happens from now on, and the reader's state. */
    s->next = h->st->next_seq;
    bool attached = h->st->reader_attached;
    pthread_mutex_unlock(&h->st->lock);
    int n = snprintf(s->pending, sizeof s->pending, "event: %s\ndata: {}\n\n",
                     attached ? "reader_attached" : "reader_detached");
    s->pending_len = (size_t)n;
    pthread_mutex_lock(&h->st->lock);
    h->st->streams++;
    pthread_mutex_unlock(&h->st->lock);
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, stream_read,
                                                               s, stream_closed);
    if (r == NULL) {
        stream_closed(s);
        return MHD_NO;
    }
    headers(r, "text/event-stream");
    enum MHD_Result ok = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ok;
}

/* ---- the console's static files -------------------------------------------------- */

static enum MHD_Result console_file(struct http *h, struct MHD_Connection *c, const char *url)
{
    static const struct { const char *url, *file, *type; } files[] = {
        { "/", "index.html", "text/html; charset=utf-8" },
        { "/console.js", "console.js", "text/javascript; charset=utf-8" },
        { "/console.css", "console.css", "text/css; charset=utf-8" },
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (strcmp(url, files[i].url) != 0)
            continue;
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", h->st->cfg->console_dir, files[i].file);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat sb;
        if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > (1 << 20)) {
            if (fd >= 0)
                close(fd);
            return refuse(c, 404, VFY_E_NOT_FOUND, "the console is not installed");
        }
        struct MHD_Response *r = MHD_create_response_from_fd((size_t)sb.st_size, fd);
        if (r == NULL) {
            close(fd);
            return MHD_NO;
        }
        headers(r, files[i].type);
        enum MHD_Result ok = MHD_queue_response(c, 200, r);
        MHD_destroy_response(r);
        return ok;
    }
    return refuse(c, 404, VFY_E_NOT_FOUND, "no such page");
}

/* ---- routing ----------------------------------------------------------------------- */

static enum MHD_Result route(struct http *h, struct MHD_Connection *c, const char *url,
                             const char *method, struct request_ctx *rc)
{
    bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
    if (!host_allowed(h, c)) {
        serve_log(SLOG_WARN, "refused a request naming another host (DNS rebinding?)");
        return refuse(c, 403, VFY_E_HOST_REFUSED,
                      "the Host header must name this service's address");
    }
    if (!origin_allowed(h, c)) {
        serve_log(SLOG_WARN, "refused a request from another origin");
        return refuse(c, 403, VFY_E_ORIGIN_REFUSED,
                      "requests from other origins are refused");
    }
    if (serve_log_enabled(SLOG_DEBUG)) {
        /* Paths hold inspection ids at most; nothing of a body or query is logged. */
        char path[96];
        size_t n = strcspn(url, "?");
        snprintf(path, sizeof path, "%.*s", (int)(n < 80 ? n : 80), url);
        serve_log(SLOG_DEBUG, "%s %s", get ? "GET" : post ? "POST" : "other method", path);
    }
    if (strncmp(url, "/api/", 5) != 0) {
        if (!get)
            return refuse(c, 405, VFY_E_REQUEST_MALFORMED, "only GET is served here");
        return console_file(h, c, url);
    }
    if (strcmp(url, "/api/v1/health") == 0) {
        if (!get)
            return refuse(c, 405, VFY_E_REQUEST_MALFORMED, "use GET");
        return health(h, c);
    }
    if (!token_ok(h, c))
        return refuse(c, 401, VFY_E_UNAUTHORIZED,
                      "send Authorization: Bearer TOKEN (the token of --token-file)");
    if (strcmp(url, "/api/v1/inspections") == 0) {
        if (!post)
            return refuse(c, 405, VFY_E_REQUEST_MALFORMED, "use POST");
        return post_inspection(h, c, rc);
    }
    static const char prefix[] = "/api/v1/inspections/";
    if (strncmp(url, prefix, sizeof prefix - 1) == 0) {
        if (!get)
            return refuse(c, 405, VFY_E_REQUEST_MALFORMED, "use GET");
        const char *rest = url + sizeof prefix - 1;
        const char *slash = strchr(rest, '/');
        if (slash != NULL && strcmp(slash, "/photo") == 0 && slash - rest == 32) {
            char id[33];
            memcpy(id, rest, 32);
            id[32] = '\0';
            return get_photo(h, c, id);
        }
        return get_inspection(h, c, rest);
    }
    if (strcmp(url, "/api/v1/events") == 0) {
        if (!get)
            return refuse(c, 405, VFY_E_REQUEST_MALFORMED, "use GET");
        return events(h, c);
    }
    return refuse(c, 404, VFY_E_NOT_FOUND, "no such endpoint");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)version;
    struct http *h = cls;
    struct request_ctx *rc = *con_cls;
    if (rc == NULL) {
        rc = calloc(1, sizeof *rc);
        if (rc == NULL)
            return MHD_NO;
        *con_cls = rc;
        return MHD_YES;
    }
    if (*upload_size != 0) {
        /* Bodies are collected up to the limit; the rest is read and dropped, so the
         * client gets its 413 rather than a reset connection. */
        if (!rc->too_large) {
            if (*upload_size > SERVE_BODY_MAX - rc->len) {
                rc->too_large = true;
                free(rc->body);
                rc->body = NULL;
                rc->len = 0;
            } else {
                uint8_t *grown = realloc(rc->body, rc->len + *upload_size);
                if (grown == NULL)
                    return MHD_NO;
                memcpy(grown + rc->len, upload_data, *upload_size);
                rc->body = grown;
                rc->len += *upload_size;
            }
        }
        *upload_size = 0;
        return MHD_YES;
    }
    return route(h, c, url, method, rc);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct request_ctx *rc = *con_cls;
    if (rc != NULL) {
        if (rc->body != NULL)
            sodium_memzero(rc->body, rc->len);   /* it held an MRZ */
        free(rc->body);
        free(rc);
        *con_cls = NULL;
    }
}

/* ---- the run ------------------------------------------------------------------------ */

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void on_hup(int sig)
{
    (void)sig;
    worker_request_reload();
}

vfy_status serve_run(const struct serve_config *cfg, vfy_detail *d)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port) };
    if (inet_pton(AF_INET, cfg->listen_addr, &sa.sin_addr) != 1) {
        snprintf(d->message, sizeof d->message, "--listen: '%.64s' is not an IPv4 address",
                 cfg->listen_addr);
        return d->status = VFY_E_INVALID_ARGUMENT;
    }
    if (sa.sin_addr.s_addr == htonl(INADDR_ANY)) {
        /* Requests must name the service's own address in Host and Origin (DNS
         * rebinding); "any address" is no name a client can use. */
        snprintf(d->message, sizeof d->message,
                 "--listen 0.0.0.0 is refused: give the address of the interface to serve on");
        return d->status = VFY_E_INVALID_ARGUMENT;
    }
    /* Memory over a long run (bench/serve.py): at most two malloc arenas for the
     * connection threads and the worker (each thread would otherwise get an arena whose
     * free pages stay mapped), and a fixed mmap threshold, so that large buffers are
     * always mapped and unmapped instead of raising the threshold and fragmenting the
     * heaps. No effect under AddressSanitizer, whose allocator replaces malloc. */
    mallopt(M_ARENA_MAX, 2);
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024);
    struct serve_state st;
    state_init(&st, cfg);
    struct http h = { .st = &st };

    struct sigaction sa_stop = { .sa_handler = on_stop_signal };
    struct sigaction sa_hup = { .sa_handler = on_hup };
    sigemptyset(&sa_stop.sa_mask);
    sigemptyset(&sa_hup.sa_mask);
    sigaction(SIGINT, &sa_stop, NULL);
    sigaction(SIGTERM, &sa_stop, NULL);
    sigaction(SIGHUP, &sa_hup, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0,
        NULL, NULL, on_request, &h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)64, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024), MHD_OPTION_END);
    if (daemon == NULL) {
        state_destroy(&st);
        snprintf(d->message, sizeof d->message, "cannot listen on %.64s:%u: %s",
                 cfg->listen_addr, cfg->port, strerror(errno));
        return d->status = VFY_E_IO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info != NULL ? info->port : cfg->port;
    snprintf(h.origin, sizeof h.origin, "http://%s:%u", cfg->listen_addr, port);
    snprintf(h.host, sizeof h.host, "%s:%u", cfg->listen_addr, port);
    h.port = port;
    if (strcmp(cfg->listen_addr, "127.0.0.1") == 0) {
        snprintf(h.origin_local, sizeof h.origin_local, "http://localhost:%u", port);
        snprintf(h.host_local, sizeof h.host_local, "localhost:%u", port);
    }

    pthread_t worker;
    if (pthread_create(&worker, NULL, worker_main, &st) != 0) {
        MHD_stop_daemon(daemon);
        state_destroy(&st);
        snprintf(d->message, sizeof d->message, "cannot start the reader's worker");
        return d->status = VFY_E_NO_MEMORY;
    }
    printf("listening on http://%s:%u\n", cfg->listen_addr, port);
    fflush(stdout);
    char family[32];
    serve_log(SLOG_INFO, "listening on http://%s:%u, reader family %s, results kept %u s",
              cfg->listen_addr, port, reader_kind(cfg->reader, family, sizeof family),
              cfg->result_ttl_s);

    for (;;) {
        pthread_mutex_lock(&st.lock);
        if (stop_requested)
            st.stop = true;
        bool stop = st.stop;
        if (stop)
            pthread_cond_broadcast(&st.changed);
        pthread_mutex_unlock(&st.lock);
        if (stop)
            break;
        struct timespec ts = { .tv_sec = 0, .tv_nsec = 100 * 1000000L };
        nanosleep(&ts, NULL);
    }
    pthread_join(worker, NULL);
    MHD_stop_daemon(daemon);
    serve_log(SLOG_INFO, "stopped");
    vfy_status fatal = st.fatal;
    if (fatal != VFY_OK)
        *d = st.fatal_detail;
    state_destroy(&st);
    return fatal;
}
