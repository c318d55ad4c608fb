/* The one way the library turns a JSON value into the text it returns; see json_out.h. */
#include "core/json_out.h"
#include "verify/common.h"

char *vfy_json_dump_(json_t *o, unsigned flags)
{
    if (o == NULL)
        return NULL;
    size_t f = JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(12);
    f |= (flags & VFY_JSON_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT;
    char *text = json_dumps(o, f);
    json_decref(o);
    return text;
}
