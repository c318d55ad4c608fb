/* The JSON tape against jansson (fuzz/json_common.h). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/json_tape.h"
#include "json_common.h"

#define MAX_DEPTH 8

static unsigned depth_of(const json_t *v)
{
    unsigned d = 0;
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x) {
            unsigned e = depth_of(x);
            d = e > d ? e : d;
        }
        return d + 1;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            unsigned e = depth_of(x);
            d = e > d ? e : d;
        }
        return d + 1;
    }
    return 0;
}

static const char *same(const vfy_json_tape *t, size_t i, const json_t *v, int *reals)
{
    const struct vfy_json_node *n = vfy_json_at(t, i);
    switch (n->type) {
    case VFY_JSON_OBJECT: {
        if (!json_is_object(v) || json_object_size(v) != n->count)
            return "an object differs";
        /* Members in the document's order on both sides. */
        void *it = json_object_iter((json_t *)v);
        for (size_t k = vfy_json_first_key(t, i); k != 0; k = vfy_json_next_key(t, i, k)) {
            if (it == NULL || strcmp(json_object_iter_key(it), vfy_json_string(t, k)) != 0)
                return "members differ or are in another order";
            const char *why = same(t, k + 1, json_object_iter_value(it), reals);
            if (why != NULL)
                return why;
            it = json_object_iter_next((json_t *)v, it);
        }
        return it == NULL ? NULL : "jansson has more members";
    }
    case VFY_JSON_ARRAY: {
        if (!json_is_array(v) || json_array_size(v) != n->count)
            return "an array differs";
        size_t j = 0;
        for (size_t e = vfy_json_first(i); e < n->next; e = vfy_json_next(t, e), j++) {
            const char *why = same(t, e, json_array_get(v, j), reals);
            if (why != NULL)
                return why;
        }
        return NULL;
    }
    case VFY_JSON_STRING:
        return json_is_string(v) && json_string_length(v) == n->len &&
                       memcmp(json_string_value(v), vfy_json_string(t, i), n->len) == 0
                   ? NULL : "a string differs";
    case VFY_JSON_INTEGER:
        return json_is_integer(v) && json_integer_value(v) == n->integer ? NULL : "an integer differs";
    case VFY_JSON_REAL:
        (*reals)++;
        return json_is_real(v) ? NULL : "a real differs";
    case VFY_JSON_TRUE:
        return json_is_true(v) ? NULL : "true differs";
    case VFY_JSON_FALSE:
        return json_is_false(v) ? NULL : "false differs";
    case VFY_JSON_NULL:
        return json_is_null(v) ? NULL : "null differs";
    default:
        return "an unknown node type";
    }
}

const char *json_tape_disagreement(const uint8_t *data, size_t len, int *accepted)
{
    *accepted = 0;
    vfy_json_tape t;
    vfy_json_error err;
    vfy_status s = vfy_json_tape_read(data, len, MAX_DEPTH, &t, &err);
    json_error_t je;
    json_t *root = memchr(data, 0, len) != NULL ? NULL : json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &je);
    bool peer = root != NULL && depth_of(root) <= MAX_DEPTH;
    const char *why = NULL;
    if (s == VFY_E_NO_MEMORY)
        why = NULL; /* nothing to compare */
    else if ((s == VFY_OK) != peer)
        why = s == VFY_OK ? "the tape accepts what jansson refuses" : "the tape refuses what jansson accepts";
    else if (s == VFY_OK) {
        int reals = 0;
        why = same(&t, 0, root, &reals);
        if (why == NULL && reals == 0) {
            char *mine = vfy_json_compact(&t, 0);
            char *theirs = json_dumps(root, JSON_COMPACT | JSON_ENCODE_ANY);
            if (mine != NULL && theirs != NULL && strcmp(mine, theirs) != 0)
                why = "the compact text is not jansson's";
            free(mine);
            free(theirs);
        }
        *accepted = why == NULL;
    }
    if (s == VFY_OK)
        vfy_json_tape_free(&t);
    json_decref(root);
    return why;
}
