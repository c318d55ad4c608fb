/* The one error shape of every JSON output (docs/schema/error.schema.json). */
#include <jansson.h>

#include "core/json_out.h"
#include "core/error_json.h"
#include "verify/status.h"

json_t *vfy_error_json_object_(vfy_status status, const vfy_detail *detail)
{
    json_t *o = json_object();
    /* Out of memory, no object at all rather than one missing members. */
    int bad = json_object_set_new(o, "schema", json_string("libverify.error/1"));
    bad |= json_object_set_new(o, "status", json_integer((json_int_t)status));
    bad |= json_object_set_new(o, "code", json_string(vfy_status_name(status)));
    const char *msg = detail != NULL && detail->message[0] != '\0' ? detail->message : vfy_strerror(status);
    json_t *m = json_string(msg);
    bad |= json_object_set_new(o, "message", m != NULL ? m : json_string(vfy_strerror(status)));
    json_t *f = detail != NULL && detail->field[0] != '\0' ? json_string(detail->field) : NULL;
    bad |= json_object_set_new(o, "field", f != NULL ? f : json_null());
    bad |= json_object_set_new(o, "offset", detail != NULL && detail->offset != VFY_NO_OFFSET
                                                ? json_integer((json_int_t)detail->offset)
                                                : json_null());
    if (bad != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

char *vfy_error_to_json(vfy_status status, const vfy_detail *detail, unsigned flags)
{
    json_t *o = vfy_error_json_object_(status, detail);
    return vfy_json_dump_(o, flags);
}
