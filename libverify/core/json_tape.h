/*
 * Internal: a bounded JSON reader that lays a document out as a flat tape of nodes, for
 * inputs read at volume (a case per line of `vfy rules eval --batch`). One allocation per
 * document, no tree of objects, no hashing: a member is found by a linear scan, which is
 * what small objects with a closed set of keys want.
 *
 * It accepts what jansson accepts with JSON_REJECT_DUPLICATES and without
 * JSON_DECODE_ANY or JSON_ALLOW_NUL, and nothing else (tests/test_json_tape.c checks the
 * two agree, with jansson as the peer, on mutations of every case we ship): RFC 8259
 * with an object or array at the top, strict UTF-8, no "\u0000", no lone surrogate,
 * no duplicate key, integers in long long. Numbers with a fraction or an exponent are
 * kept as VFY_JSON_REAL so that the caller can refuse them by name.
 */
#ifndef VFY_CORE_JSON_TAPE_H
#define VFY_CORE_JSON_TAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/status.h"

enum vfy_json_type {
    VFY_JSON_OBJECT, VFY_JSON_ARRAY, VFY_JSON_STRING, VFY_JSON_INTEGER, VFY_JSON_REAL,
    VFY_JSON_TRUE, VFY_JSON_FALSE, VFY_JSON_NULL
};

/* One value. An object's members follow it as key (a string node) and value, in the
 * document's order; an array's elements follow it. `next` is the index just past the
 * value and everything inside it. */
struct vfy_json_node {
    uint8_t type;
    uint32_t next;
    uint32_t count;        /* object: members; array: elements */
    uint32_t text, len;    /* string: its decoded bytes in the tape's text, NUL-terminated */
    long long integer;
};

typedef struct vfy_json_tape {
    struct vfy_json_node *nodes;
    size_t n_nodes;
    char *text;
    size_t size;           /* of the one block holding nodes and text, wiped when freed */
} vfy_json_tape;

/* Where and why a document was refused. */
typedef struct vfy_json_error {
    vfy_status status;     /* VFY_E_BAD_VALUE: not JSON as above (the caller names its own
                              status); VFY_E_TOO_DEEP; VFY_E_NO_MEMORY */
    size_t offset;         /* byte offset of the problem */
    unsigned line, column; /* 1-based, for a person */
    char why[96];
} vfy_json_error;

/* Reads (data, len), nested at most max_depth objects and arrays. Before anything else
 * the bytes are scanned once for a NUL byte and for the depth, so that those two are
 * reported wherever they are. VFY_OK: *tape holds the document (root is node 0), to be
 * released with vfy_json_tape_free. */
VFY_NODISCARD vfy_status vfy_json_tape_read(const void *data, size_t len, unsigned max_depth,
                                            vfy_json_tape *tape, vfy_json_error *err);
/* Wipes (a case holds birth dates and document dates) and frees. */
void vfy_json_tape_free(vfy_json_tape *tape);

/* The same scan as vfy_json_tape_read begins with: VFY_E_BAD_VALUE for a NUL byte,
 * VFY_E_TOO_DEEP past max_depth (brackets outside strings), with the offset. */
VFY_NODISCARD vfy_status vfy_json_prescan(const void *data, size_t len, unsigned max_depth,
                                          size_t *offset);

static inline const struct vfy_json_node *vfy_json_at(const vfy_json_tape *t, size_t i)
{
    return &t->nodes[i];
}
static inline const char *vfy_json_string(const vfy_json_tape *t, size_t i)
{
    return t->text + t->nodes[i].text;
}

/* The value of member `key` of object node `obj`, or 0 when it has none (0 is the root,
 * never a member). */
size_t vfy_json_member(const vfy_json_tape *t, size_t obj, const char *key);
/* The first member's key node of object `obj` and the key after key node `k`; 0 at the
 * end. The value of key node k is k + 1. */
size_t vfy_json_first_key(const vfy_json_tape *t, size_t obj);
size_t vfy_json_next_key(const vfy_json_tape *t, size_t obj, size_t k);
/* Element i of array node `arr` is found by walking: first, then next. */
static inline size_t vfy_json_first(size_t arr) { return arr + 1; }
static inline size_t vfy_json_next(const vfy_json_tape *t, size_t i) { return t->nodes[i].next; }

/* The value at node i as compact JSON, as jansson's json_dumps(JSON_COMPACT |
 * JSON_ENCODE_ANY) writes it (keys in the document's order; UTF-8 kept; '"', '\' and
 * control characters escaped). A malloc'd string, NULL when out of memory. */
char *vfy_json_compact(const vfy_json_tape *t, size_t i);

#endif
