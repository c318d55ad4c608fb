/* The one way the library turns a JSON value into the text it returns; see json_out.h. */
#include <stdlib.h>

#include "core/json_out.h"
#include "verify/common.h"

char *vfy_json_dump_(json_t *o, unsigned flags)
{
    if (o == NULL)
        return NULL;
    size_t f = JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(12);
    f |= (flags & VFY_JSON_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT;
    /* Not json_dumps: jansson (2.14) ignores a failed append of an object's member name
     * to its growing buffer, so an allocation failure there returns malformed text (a
     * name lost, the dump going on) instead of NULL. Measured first, then written into
     * a buffer of that size, the text never needs a buffer to grow. */
    char *text = NULL;
    size_t n = json_dumpb(o, NULL, 0, f);
    if (n > 0 && (text = malloc(n + 1)) != NULL) {
        if (json_dumpb(o, text, n, f) == n) {
            text[n] = '\0';
        } else {
            free(text);
            text = NULL;
        }
    }
    json_decref(o);
    return text;
}
