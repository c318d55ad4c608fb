/* The one way the library turns a JSON value into the text it returns; see json_out.h. */
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_out.h"
#include "verify/common.h"

char *vfy_json_text_(const json_t *o, size_t jansson_flags)
{
    if (o == NULL)
        return NULL;
    size_t n = json_dumpb(o, NULL, 0, jansson_flags);
    char *text = n > 0 ? malloc(n + 1) : NULL;
    if (text == NULL)
        return NULL;
    if (json_dumpb(o, text, n, jansson_flags) != n) {
        free(text);
        return NULL;
    }
    text[n] = '\0';
    return text;
}

char *vfy_json_dump_(json_t *o, unsigned flags)
{
    if (o == NULL)
        return NULL;
    size_t f = JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(12);
    f |= (flags & VFY_JSON_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT;
    char *text = vfy_json_text_(o, f);
    json_decref(o);
    return text;
}

json_t *vfy_json_read_own_(const char *text, size_t len)
{
    json_t *root = json_loadb(text, len, 0, NULL);
    if (root == NULL)
        return NULL;
    char *again = vfy_json_text_(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    bool same = again != NULL && strlen(again) == len && memcmp(again, text, len) == 0;
    if (again != NULL) {
        sodium_memzero(again, strlen(again));
        free(again);
    }
    if (!same) {
        json_decref(root);
        return NULL;
    }
    return root;
}
