/* Internal: the text of every library serializer, dumped one way. */
#ifndef VFY_CORE_JSON_OUT_H
#define VFY_CORE_JSON_OUT_H

#include <jansson.h>

/*
 * Dumps `o` and releases it: keys in insertion order (each serializer's documented order),
 * ASCII only (\u escapes), numbers at their real precision (12 significant digits: a
 * millisecond figure prints 755.667, not 755.66700000000003), indented with
 * VFY_JSON_PRETTY, one line otherwise. NULL when out of memory.
 */
char *vfy_json_dump_(json_t *o, unsigned flags);

#endif
