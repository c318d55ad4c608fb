/*
 * vfy serve: the local inspection service (docs/service.md). A front end like cli/,
 * linked into the vfy program only: libverify.so has no HTTP in it. cli/cmd_serve.c
 * parses the arguments and hands over a serve_config; everything the service decides
 * about a document comes from the library (vfy_inspect_session, vfy_inspection_to_json).
 *
 * Threads: libmicrohttpd's (one per connection) answer requests and stream events;
 * one worker thread owns the reader and runs the inspections one after another. They
 * share the job table and the event ring under one mutex (service/state.c).
 */
#ifndef VFY_SERVICE_SERVE_H
#define VFY_SERVICE_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify.h"

/* The trust store (and later rule sets) as the front end loads them: called at start
 * and again on SIGHUP, between inspections. NULL trust with VFY_OK means "none given". */
typedef vfy_status (*serve_load_trust_fn)(void *ctx, vfy_trust **out);
/* The rule sets (--rules), loaded at start and on reload like the trust store; NULL
 * engine with VFY_OK means none. */
typedef vfy_status (*serve_load_rules_fn)(void *ctx, vfy_rules_engine **out);
/* Records a trust-store (rules false) or rule-set (rules true) reload in the audit trail
 * before the new one is used; `why` says what caused it, `trust` or `engine` is what was
 * just loaded (either may be NULL: none given), so the record names its content by
 * digest. A failure stops the service. */
typedef vfy_status (*serve_record_change_fn)(void *ctx, bool rules, const char *why,
                                             const vfy_trust *trust, const vfy_rules_engine *engine);
/* A digest of what is on disk for the trust store (rules false) or the rule sets: the
 * worker compares it between inspections and reloads when it changed (vfy trust import
 * switching DIR/current, a rule set replaced). */
typedef void (*serve_fingerprint_fn)(void *ctx, bool rules, uint8_t out[32]);
/* Records one inspection in the audit trail before its result is served; a failure
 * stops the service (no traveller is served without a record). */
typedef vfy_status (*serve_record_fn)(void *ctx, const vfy_inspection *inspection);

struct serve_config {
    const char *reader;          /* connection string, e.g. "sim?present=/run/vfy/doc" */
    const char *listen_addr;     /* IPv4 dotted quad, default "127.0.0.1" */
    unsigned port;               /* default 8573; 0: any free port (printed) */
    char token[128];             /* the bearer token (see service/token.c) */
    unsigned result_ttl_s;       /* results are forgotten this long after they are done */
    const char *console_dir;     /* data/console, served at / */
    vfy_crl_policy crl_policy;
    serve_load_trust_fn load_trust;
    serve_load_rules_fn load_rules;    /* NULL: no rule sets; "case" is refused */
    serve_record_fn record;
    serve_record_change_fn record_change;   /* NULL without an audit trail */
    serve_fingerprint_fn fingerprint;       /* NULL: reload on SIGHUP only */
    void *ctx;
};

#define SERVE_DEFAULT_PORT 8573u
#define SERVE_DEFAULT_TTL_S 300u

/* Runs until SIGINT or SIGTERM; prints "listening on http://ADDR:PORT" on stdout once
 * ready. VFY_OK after a clean stop; otherwise why it could not start or had to stop
 * (an audit record that could not be written), with d filled. */
vfy_status serve_run(const struct serve_config *cfg, vfy_detail *d);

/* The token file: read it, or create it (0600, never through a link) with 32 random
 * bytes in hex when it does not exist. A token file readable by group or others is
 * refused. */
vfy_status serve_token_load(const char *path, char *token, size_t cap, vfy_detail *d);

#endif
