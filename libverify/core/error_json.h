/* Internal: the error object as a jansson value, for the library's serializers that
 * nest it (a seal's "error"); vfy_error_to_json (verify/status.h) is its text form. */
#ifndef VFY_CORE_ERROR_JSON_H
#define VFY_CORE_ERROR_JSON_H

#include <jansson.h>

#include "verify/status.h"

json_t *vfy_error_json_object_(vfy_status status, const vfy_detail *detail);

#endif
