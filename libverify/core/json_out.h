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

/*
 * The text of `o` with jansson's own flags (JSON_COMPACT, ...), `o` kept; NULL when out of
 * memory, never a text with a byte missing. Every dump in the library, the CLI and the
 * service goes through it, not json_dumps: jansson 2.14 ignores a failed allocation while
 * it appends an object's member name to its growing buffer and returns the text without
 * it. Measured first, then written into a buffer of that size, the text never grows.
 */
char *vfy_json_text_(const json_t *o, size_t jansson_flags);

/*
 * The tree of a JSON text the library itself wrote in jansson's compact form (keys in
 * order), or NULL when out of memory. jansson 2.14's reader drops a byte when an
 * allocation fails inside it and still returns a tree (a fee of 90 could read 9): the
 * tree is returned only if it gives `text` back byte for byte. The copy made to compare is
 * wiped (the text may hold personal data).
 */
json_t *vfy_json_read_own_(const char *text, size_t len);

#endif
