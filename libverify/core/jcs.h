/*
 * Internal: the JSON Canonicalization Scheme (RFC 8785) of a jansson value — the
 * bytes a VDS-NC signature covers, and (after a domain prefix) a rule set's. Objects with members sorted by the UTF-16 code
 * units of their names, no whitespace, strings with the minimal escapes of
 * ECMAScript JSON.stringify, numbers as ECMAScript Number.prototype.toString of
 * the IEEE double (parse with JSON_DECODE_INT_AS_REAL so every number is one).
 * Non-finite numbers are refused, and so are JSON integers beyond +-2^53: as doubles
 * they would share a canonical form with their neighbours (I-JSON, RFC 7493 2.2), so
 * two files that a reader of integers tells apart would carry one signature.
 */
#ifndef VFY_CORE_JCS_H
#define VFY_CORE_JCS_H

#include <jansson.h>

#include "verify/status.h"

/* Serialises v into a new malloc'd buffer of *len bytes (plus a NUL) of at most
 * max bytes. VFY_E_LIMIT when longer, VFY_E_BAD_VALUE for a non-finite number or an
 * integer of magnitude above 2^53. */
VFY_NODISCARD vfy_status vfy_jcs_serialize(const json_t *v, size_t max, char **out, size_t *len);

/* The same for an object without its member `omit` (a signed document's signature),
 * written from v itself: no copy of v, whose making could lose a member to a failed
 * allocation without saying so (jansson's json_copy ignores such failures). */
VFY_NODISCARD vfy_status vfy_jcs_serialize_without(const json_t *v, const char *omit, size_t max, char **out,
                                                   size_t *len);

/* ECMAScript Number::toString of a finite double into buf (64 bytes). */
void vfy_jcs_number(double x, char buf[64]);

#endif
