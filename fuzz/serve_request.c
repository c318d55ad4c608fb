/* Fuzz target: the local inspection service's request validation (service/request.c),
 * as a request reaches it from libmicrohttpd: the first byte picks the Content-Type
 * header (JSON, JSON with a charset, another type, none), the rest is the body. Every
 * outcome must be VFY_OK with a complete request or a refusal whose error shape
 * serialises; nothing may leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../service/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const types[] = { "application/json", "application/json; charset=utf-8",
                                         "text/plain", NULL, "application/JSON ;charset=\"UTF-8\"",
                                         "application/jsonx" };
    if (size < 1)
        return 0;
    const char *ct = types[data[0] % (sizeof types / sizeof types[0])];
    struct serve_request req;
    struct serve_error err;
    vfy_status s = serve_request_parse(ct, data + 1, size - 1, &req, &err);
    if (s == VFY_OK) {
        if (req.seal_len > SERVE_SEAL_MAX)
            abort();
        serve_request_clear(&req);
    } else {
        if (err.http_status != 400 && err.http_status != 413 && err.http_status != 503)
            abort();
        char *json = serve_error_json(&err);
        free(json);
    }
    return 0;
}
