/*
 * The service's request validation (docs/service.md): the body of
 * POST /api/v1/inspections, checked completely before anything reaches the worker
 * that owns the reader. A request is hostile input: every member is known, typed and
 * bounded, or the request is refused with the one error shape
 * {status, code, message, field, offset}.
 *
 * Pure functions on bytes, no HTTP: fuzz/serve_request.c drives them directly.
 */
#ifndef VFY_SERVICE_REQUEST_H
#define VFY_SERVICE_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify.h"

/* Largest request body the service accepts; larger ones are answered 413. */
#define SERVE_BODY_MAX (64u * 1024u)
/* Largest seal (bytes after hex decoding): a VDS or VDS-NC fits many times over. */
#define SERVE_SEAL_MAX 8192u

/* A validated request to inspect the next document placed on the reader. */
struct serve_request {
    bool have_mrz;
    vfy_mrz mrz;               /* from "mrz": the MRZ the chip is opened with */
    vfy_access_key key;        /* from "mrz" or "can"; wiped by serve_request_clear */
    uint8_t *seal;             /* optional "seal" (hex), malloc'd */
    size_t seal_len;
    char *case_json;           /* optional "case" (an eligibility case object), compact */
};

/* A refused request: HTTP status and the library's status and detail. */
struct serve_error {
    unsigned http_status;      /* 400, 401, 403, 404, 405, 413, 503 */
    vfy_detail detail;         /* status, field ("" when none), offset (VFY_NO_OFFSET) */
};

/* Fills err and returns err->detail.status (never VFY_OK). */
vfy_status serve_error_set(struct serve_error *err, unsigned http_status, vfy_status status,
                           const char *field, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The error shape as JSON text (malloc'd): {"status":N,"code":"VFY_E_...","message":
 * "...","field":"..."|null,"offset":N|null}. NULL when out of memory. */
char *serve_error_json(const struct serve_error *err);

/* Whether a Content-Type header names JSON: "application/json", optionally with
 * "; charset=utf-8" (any case). NULL is not JSON. */
bool serve_content_type_is_json(const char *content_type);

/* Validates a POST /api/v1/inspections body (len bytes, not NUL-terminated).
 * On success out holds the request (release with serve_request_clear); otherwise err
 * says why and out is empty. */
vfy_status serve_request_parse(const char *content_type, const uint8_t *body, size_t len,
                               struct serve_request *out, struct serve_error *err);

void serve_request_clear(struct serve_request *r);

/* An inspection id as the service issues them: 32 lower-case hex digits. */
bool serve_id_valid(const char *id);

#endif
