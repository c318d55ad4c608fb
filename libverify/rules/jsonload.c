/* Bounded JSON loading and typed, path-reporting member access. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/fail.h"
#include "core/date.h"
#include "rules/jsonload.h"

/* Once over the bytes before parsing: a NUL byte (jansson would stop at it when given a
 * C string; we pass lengths, but a NUL in a rule set or a case is never legitimate) and
 * the nesting depth, wherever they are (core/json_tape.c's scan, shared by both). */
static vfy_status prescan(const void *data, size_t len, unsigned max_depth, const char *what,
                          vfy_status status, vfy_detail *detail)
{
    size_t at;
    vfy_status s = vfy_json_prescan(data, len, max_depth, &at);
    if (s == VFY_E_TOO_DEEP)
        return vfy_fail_at(detail, VFY_E_TOO_DEEP, what, at,
                           "the %s nests objects and arrays deeper than %u levels", what, max_depth);
    if (s != VFY_OK)
        return vfy_fail_at(detail, status, what, at, "the %s contains a NUL byte", what);
    return VFY_OK;
}

static vfy_status no_reals(const json_t *v, unsigned depth, const char *what, vfy_status status,
                           vfy_detail *detail)
{
    if (depth > VFY_RULES_MAX_DEPTH + 1)
        return vfy_fail(detail, VFY_E_TOO_DEEP, what, "the %s is nested too deeply", what);
    if (json_is_real(v))
        return vfy_fail(detail, status, what,
                        "the %s contains a fractional number; amounts are integers (cents)", what);
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
            VFY_TRY(no_reals(x, depth + 1, what, status, detail));
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
            VFY_TRY(no_reals(x, depth + 1, what, status, detail));
    }
    return VFY_OK;
}

vfy_status rj_load(const void *data, size_t len, size_t max_len, unsigned max_depth,
                   const char *what, vfy_status status, json_t **out, vfy_detail *detail)
{
    *out = NULL;
    if (data == NULL && len > 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, what, "no %s data was given", what);
    if (len > max_len)
        return vfy_fail(detail, VFY_E_LIMIT, what, "the %s is %zu bytes; at most %zu are accepted",
                        what, len, max_len);
    VFY_TRY(prescan(data, len, max_depth, what, status, detail));
    json_error_t err;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
    /* jansson's own exhaustion is no fault of the text: typed as such (its reader's first
     * allocation fails without any message at all). */
    if (root == NULL && (json_error_code(&err) == json_error_out_of_memory || err.text[0] == '\0'))
        return vfy_fail(detail, VFY_E_NO_MEMORY, what, "out of memory reading the %s", what);
    if (root == NULL)
        return vfy_fail_text(detail, status, what, (unsigned)(err.line > 0 ? err.line : 0),
                             (unsigned)(err.column > 0 ? err.column : 0),
                             "the %s is not valid JSON: %s (line %d, column %d)", what, err.text,
                             err.line, err.column);
    vfy_status s = no_reals(root, 0, what, status, detail);
    if (s == VFY_OK && !json_is_object(root))
        s = vfy_fail(detail, status, "$", "the %s must be a JSON object", what);
    if (s != VFY_OK) {
        json_decref(root);
        return s;
    }
    *out = root;
    return VFY_OK;
}

void rj_path_init(rj_path *p, vfy_status status, vfy_detail *detail)
{
    memset(p, 0, sizeof *p);
    p->text[0] = '$';
    p->text[1] = '\0';
    p->len = 1;
    p->status = status;
    p->detail = detail;
}

static size_t push(rj_path *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static size_t push(rj_path *p, const char *fmt, ...)
{
    size_t mark = p->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(p->text + p->len, sizeof p->text - p->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        p->len += (size_t)n < sizeof p->text - p->len ? (size_t)n : sizeof p->text - p->len - 1;
    return mark;
}

size_t rj_push_key(rj_path *p, const char *key) { return push(p, ".%s", key); }
size_t rj_push_index(rj_path *p, size_t index) { return push(p, "[%zu]", index); }

void rj_pop(rj_path *p, size_t mark)
{
    p->len = mark;
    p->text[mark] = '\0';
}

vfy_status rj_fail(rj_path *p, const char *fmt, ...)
{
    char why[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    /* The field keeps the end of a long path: the most specific part. */
    const char *field = p->text;
    if (p->len >= VFY_DETAIL_FIELD_MAX)
        field = p->text + p->len - (VFY_DETAIL_FIELD_MAX - 1);
    if (p->rule_id != NULL)
        return vfy_fail(p->detail, p->status, field, "rule '%s' at %s: %s", p->rule_id, p->text, why);
    return vfy_fail(p->detail, p->status, field, "at %s: %s", p->text, why);
}

vfy_status rj_object(rj_path *p, const json_t *v)
{
    if (!json_is_object(v))
        return rj_fail(p, "an object is required here");
    return VFY_OK;
}

static vfy_status unknown_member(rj_path *p, const char *name)
{
    char key[48];
    snprintf(key, sizeof key, "%s", name);
    size_t m = rj_push_key(p, key);
    vfy_status s = rj_fail(p, "unknown member '%s' (a typo? see docs/rules.md)", key);
    rj_pop(p, m);
    return s;
}

vfy_status rj_only_keys(rj_path *p, const json_t *obj, const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        bool ok = false;
        for (const char *const *a = allowed; *a != NULL && !ok; a++)
            ok = strcmp(*a, k) == 0;
        if (!ok)
            return unknown_member(p, k);
    }
    return VFY_OK;
}

static vfy_status missing(rj_path *p, const char *key)
{
    size_t m = rj_push_key(p, key);
    vfy_status s = rj_fail(p, "this member is required");
    rj_pop(p, m);
    return s;
}

static vfy_status enum_fail(rj_path *p, const char *key, const char *const *names, int n)
{
    char list[160] = "";
    for (int i = 0; i < n; i++)
        if (names[i] != NULL && strlen(list) + strlen(names[i]) + 3 < sizeof list) {
            vfy_text_append(list, sizeof list, i ? ", " : "");
            vfy_text_append(list, sizeof list, names[i]);
        }
    size_t m = rj_push_key(p, key);
    vfy_status s = rj_fail(p, "one of %s is required", list);
    rj_pop(p, m);
    return s;
}

/* A member's message, naming its path. */
static vfy_status member_fail(rj_path *p, const char *key, const char *why)
{
    size_t m = rj_push_key(p, key);
    vfy_status s = rj_fail(p, "%s", why);
    rj_pop(p, m);
    return s;
}

static const char date_required[] = "a date YYYY-MM-DD between 1900 and 2199 is required";


vfy_status rj_string(rj_path *p, const json_t *obj, const char *key, bool required,
                     size_t max_len, char **out)
{
    *out = NULL;
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v))
        return required ? missing(p, key) : VFY_OK;
    size_t m = rj_push_key(p, key);
    vfy_status s = VFY_OK;
    if (!json_is_string(v))
        s = rj_fail(p, "a string is required");
    else if (json_string_length(v) == 0 || json_string_length(v) > max_len)
        s = rj_fail(p, "the string must have 1 to %zu bytes", max_len);
    else if (strlen(json_string_value(v)) != json_string_length(v))
        s = rj_fail(p, "the string contains a NUL character");
    else if ((*out = strdup(json_string_value(v))) == NULL)
        s = VFY_E_NO_MEMORY;
    rj_pop(p, m);
    return s;
}

vfy_status rj_int(rj_path *p, const json_t *obj, const char *key, bool required, long long min,
                  long long max, long long dflt, long long *out)
{
    *out = dflt;
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v))
        return required ? missing(p, key) : VFY_OK;
    size_t m = rj_push_key(p, key);
    vfy_status s = VFY_OK;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        s = rj_fail(p, "an integer from %lld to %lld is required", min, max);
    else
        *out = json_integer_value(v);
    rj_pop(p, m);
    return s;
}

vfy_status rj_bool(rj_path *p, const json_t *obj, const char *key, bool required, bool dflt,
                   bool *out)
{
    *out = dflt;
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v))
        return required ? missing(p, key) : VFY_OK;
    if (!json_is_boolean(v))
        return member_fail(p, key, "true or false is required");
    *out = json_is_true(v);
    return VFY_OK;
}

vfy_status rj_date(rj_path *p, const json_t *obj, const char *key, bool required, int32_t *out)
{
    *out = INT32_MIN;
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v))
        return required ? missing(p, key) : VFY_OK;
    if (!json_is_string(v) || !vfy_day_parse_iso(json_string_value(v), out)) {
        *out = INT32_MIN;
        return member_fail(p, key, date_required);
    }
    return VFY_OK;
}

vfy_status rj_enum(rj_path *p, const json_t *obj, const char *key, bool required,
                   const char *const *names, int n, int dflt, int *out)
{
    *out = dflt;
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v))
        return required ? missing(p, key) : VFY_OK;
    for (int i = 0; json_is_string(v) && i < n; i++)
        if (names[i] != NULL && strcmp(names[i], json_string_value(v)) == 0) {
            *out = i;
            return VFY_OK;
        }
    return enum_fail(p, key, names, n);
}

void rj_free_strings(char **v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        free(v[i]);
    free(v);
}

vfy_status rj_strings(rj_path *p, const json_t *obj, const char *key, size_t max, size_t max_len,
                      char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v))
        return VFY_OK;
    size_t m = rj_push_key(p, key);
    vfy_status s = VFY_OK;
    if (!json_is_array(v) || json_array_size(v) > max) {
        s = rj_fail(p, "an array of at most %zu strings is required", max);
        rj_pop(p, m);
        return s;
    }
    char **list = calloc(json_array_size(v) + 1, sizeof *list);
    if (list == NULL) {
        rj_pop(p, m);
        return VFY_E_NO_MEMORY;
    }
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
        size_t mi = rj_push_index(p, i);
        if (!json_is_string(x) || json_string_length(x) == 0 || json_string_length(x) > max_len ||
            strlen(json_string_value(x)) != json_string_length(x))
            s = rj_fail(p, "a string of 1 to %zu bytes is required", max_len);
        else if ((list[i] = strdup(json_string_value(x))) == NULL)
            s = VFY_E_NO_MEMORY;
        rj_pop(p, mi);
        if (s != VFY_OK)
            break;
    }
    rj_pop(p, m);
    if (s != VFY_OK) {
        rj_free_strings(list, json_array_size(v));
        return s;
    }
    *out = list;
    *n = json_array_size(v);
    return VFY_OK;
}

bool rj_is_alpha3(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    return s[3] == '\0';
}

vfy_status rj_alpha3s(rj_path *p, const json_t *obj, const char *key, char (**out)[4], size_t *n)
{
    *out = NULL;
    *n = 0;
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v) || (json_is_string(v) && strcmp(json_string_value(v), "all") == 0))
        return VFY_OK;
    size_t m = rj_push_key(p, key);
    vfy_status s = VFY_OK;
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 256) {
        s = rj_fail(p, "\"all\" or an array of 1 to 256 three-letter codes is required");
        rj_pop(p, m);
        return s;
    }
    char (*list)[4] = calloc(json_array_size(v), sizeof *list);
    if (list == NULL) {
        rj_pop(p, m);
        return VFY_E_NO_MEMORY;
    }
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
        if (!json_is_string(x) || !rj_is_alpha3(json_string_value(x))) {
            size_t mi = rj_push_index(p, i);
            s = rj_fail(p, "a three-letter upper-case code (ICAO 9303, as in the MRZ) is required");
            rj_pop(p, mi);
            break;
        }
        memcpy(list[i], json_string_value(x), 4);
    }
    rj_pop(p, m);
    if (s != VFY_OK) {
        free(list);
        return s;
    }
    *out = list;
    *n = json_array_size(v);
    return VFY_OK;
}

vfy_status rj_array(rj_path *p, const json_t *parent, const char *key, size_t max, size_t elem_size,
                    void **items, size_t *count, void *ctx,
                    vfy_status (*one)(rj_path *p, const json_t *v, void *ctx, void *item))
{
    const json_t *a = json_object_get(parent, key);
    if (a == NULL || json_is_null(a))
        return VFY_OK;
    size_t m = rj_push_key(p, key);
    if (!json_is_array(a) || json_array_size(a) > max)
        return rj_fail(p, "an array of at most %zu entries is required", max);
    *items = calloc(json_array_size(a) + 1, elem_size);
    if (*items == NULL)
        return VFY_E_NO_MEMORY;
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) {
        size_t mi = rj_push_index(p, i);
        p->rule_id = NULL;
        *count = i + 1;
        VFY_TRY(one(p, x, ctx, (char *)*items + i * elem_size));
        p->rule_id = NULL;
        rj_pop(p, mi);
    }
    rj_pop(p, m);
    return VFY_OK;
}

/* ---- the same over a JSON tape (cases) ---------------------------------------------- */

vfy_status rt_load(const void *data, size_t len, size_t max_len, unsigned max_depth, const char *what,
                   vfy_status status, vfy_json_tape *out, vfy_detail *detail)
{
    memset(out, 0, sizeof *out);
    if (data == NULL && len > 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, what, "no %s data was given", what);
    if (len > max_len)
        return vfy_fail(detail, VFY_E_LIMIT, what, "the %s is %zu bytes; at most %zu are accepted",
                        what, len, max_len);
    vfy_json_error err;
    vfy_status s = vfy_json_tape_read(data, len, max_depth, out, &err);
    if (s == VFY_E_TOO_DEEP)
        return vfy_fail_at(detail, VFY_E_TOO_DEEP, what, err.offset,
                           "the %s nests objects and arrays deeper than %u levels", what, max_depth);
    if (s == VFY_E_NO_MEMORY)
        return vfy_fail(detail, VFY_E_NO_MEMORY, what, "out of memory reading the %s", what);
    if (s != VFY_OK && err.line == 0) /* the first scan: a NUL byte */
        return vfy_fail_at(detail, status, what, err.offset, "the %s contains a NUL byte", what);
    if (s != VFY_OK)
        return vfy_fail_text(detail, status, what, err.line, err.column,
                             "the %s is not valid JSON: %s (line %u, column %u)", what, err.why, err.line,
                             err.column);
    for (size_t i = 0; i < out->n_nodes; i++)
        if (out->nodes[i].type == VFY_JSON_REAL) {
            vfy_json_tape_free(out);
            return vfy_fail(detail, status, what,
                            "the %s contains a fractional number; amounts are integers (cents)", what);
        }
    if (out->nodes[0].type != VFY_JSON_OBJECT) {
        vfy_json_tape_free(out);
        return vfy_fail(detail, status, "$", "the %s must be a JSON object", what);
    }
    return VFY_OK;
}

size_t rt_member(const vfy_json_tape *t, size_t obj, const char *key)
{
    size_t v = vfy_json_member(t, obj, key);
    return v != 0 && t->nodes[v].type != VFY_JSON_NULL ? v : 0;
}

vfy_status rt_object(rj_path *p, const vfy_json_tape *t, size_t v)
{
    if (t->nodes[v].type != VFY_JSON_OBJECT)
        return rj_fail(p, "an object is required here");
    return VFY_OK;
}

vfy_status rt_only_keys(rj_path *p, const vfy_json_tape *t, size_t obj, const char *const *allowed)
{
    for (size_t k = vfy_json_first_key(t, obj); k != 0; k = vfy_json_next_key(t, obj, k)) {
        const char *name = vfy_json_string(t, k);
        bool ok = false;
        for (const char *const *a = allowed; *a != NULL && !ok; a++)
            ok = strcmp(*a, name) == 0;
        if (!ok)
            return unknown_member(p, name);
    }
    return VFY_OK;
}

vfy_status rt_string(rj_path *p, const vfy_json_tape *t, size_t obj, const char *key, bool required,
                     size_t max_len, const char **out)
{
    *out = NULL;
    size_t v = rt_member(t, obj, key);
    if (v == 0)
        return required ? missing(p, key) : VFY_OK;
    const struct vfy_json_node *n = vfy_json_at(t, v);
    if (n->type != VFY_JSON_STRING)
        return member_fail(p, key, "a string is required");
    if (n->len == 0 || n->len > max_len) {
        size_t m = rj_push_key(p, key);
        vfy_status s = rj_fail(p, "the string must have 1 to %zu bytes", max_len);
        rj_pop(p, m);
        return s;
    }
    *out = vfy_json_string(t, v); /* no NUL inside: the tape refuses \u0000 */
    return VFY_OK;
}

vfy_status rt_int(rj_path *p, const vfy_json_tape *t, size_t obj, const char *key, bool required,
                  long long min, long long max, long long dflt, long long *out)
{
    *out = dflt;
    size_t v = rt_member(t, obj, key);
    if (v == 0)
        return required ? missing(p, key) : VFY_OK;
    const struct vfy_json_node *n = vfy_json_at(t, v);
    if (n->type != VFY_JSON_INTEGER || n->integer < min || n->integer > max) {
        size_t m = rj_push_key(p, key);
        vfy_status s = rj_fail(p, "an integer from %lld to %lld is required", min, max);
        rj_pop(p, m);
        return s;
    }
    *out = n->integer;
    return VFY_OK;
}

vfy_status rt_bool(rj_path *p, const vfy_json_tape *t, size_t obj, const char *key, bool required,
                   bool dflt, bool *out)
{
    *out = dflt;
    size_t v = rt_member(t, obj, key);
    if (v == 0)
        return required ? missing(p, key) : VFY_OK;
    uint8_t type = vfy_json_at(t, v)->type;
    if (type != VFY_JSON_TRUE && type != VFY_JSON_FALSE)
        return member_fail(p, key, "true or false is required");
    *out = type == VFY_JSON_TRUE;
    return VFY_OK;
}

vfy_status rt_date(rj_path *p, const vfy_json_tape *t, size_t obj, const char *key, bool required,
                   int32_t *out)
{
    *out = INT32_MIN;
    size_t v = rt_member(t, obj, key);
    if (v == 0)
        return required ? missing(p, key) : VFY_OK;
    if (vfy_json_at(t, v)->type != VFY_JSON_STRING || !vfy_day_parse_iso(vfy_json_string(t, v), out)) {
        *out = INT32_MIN;
        return member_fail(p, key, date_required);
    }
    return VFY_OK;
}

vfy_status rt_enum(rj_path *p, const vfy_json_tape *t, size_t obj, const char *key, bool required,
                   const char *const *names, int n, int dflt, int *out)
{
    *out = dflt;
    size_t v = rt_member(t, obj, key);
    if (v == 0)
        return required ? missing(p, key) : VFY_OK;
    for (int i = 0; vfy_json_at(t, v)->type == VFY_JSON_STRING && i < n; i++)
        if (names[i] != NULL && strcmp(names[i], vfy_json_string(t, v)) == 0) {
            *out = i;
            return VFY_OK;
        }
    return enum_fail(p, key, names, n);
}

vfy_status rt_strings(rj_path *p, const vfy_json_tape *t, size_t obj, const char *key, size_t max,
                      size_t max_len, size_t *arr, size_t *n)
{
    *arr = 0;
    *n = 0;
    size_t v = rt_member(t, obj, key);
    if (v == 0)
        return VFY_OK;
    size_t m = rj_push_key(p, key);
    vfy_status s = VFY_OK;
    const struct vfy_json_node *a = vfy_json_at(t, v);
    if (a->type != VFY_JSON_ARRAY || a->count > max) {
        s = rj_fail(p, "an array of at most %zu strings is required", max);
        rj_pop(p, m);
        return s;
    }
    size_t i = 0;
    for (size_t x = vfy_json_first(v); x < a->next; x = vfy_json_next(t, x), i++) {
        const struct vfy_json_node *e = vfy_json_at(t, x);
        if (e->type != VFY_JSON_STRING || e->len == 0 || e->len > max_len) {
            rj_push_index(p, i);
            s = rj_fail(p, "a string of 1 to %zu bytes is required", max_len);
            rj_pop(p, m);
            return s;
        }
    }
    rj_pop(p, m);
    *arr = v;
    *n = a->count;
    return VFY_OK;
}

vfy_status rt_array(rj_path *p, const vfy_json_tape *t, size_t parent, const char *key, size_t max,
                    size_t elem_size, void **items, size_t *count, void *ctx,
                    vfy_status (*one)(rj_path *p, const vfy_json_tape *t, size_t v, void *ctx, void *item))
{
    size_t a = rt_member(t, parent, key);
    if (a == 0)
        return VFY_OK;
    size_t m = rj_push_key(p, key);
    const struct vfy_json_node *n = vfy_json_at(t, a);
    if (n->type != VFY_JSON_ARRAY || n->count > max)
        return rj_fail(p, "an array of at most %zu entries is required", max);
    *items = calloc(n->count + 1, elem_size);
    if (*items == NULL)
        return VFY_E_NO_MEMORY;
    size_t i = 0;
    for (size_t x = vfy_json_first(a); x < n->next; x = vfy_json_next(t, x), i++) {
        size_t mi = rj_push_index(p, i);
        p->rule_id = NULL;
        *count = i + 1;
        VFY_TRY(one(p, t, x, ctx, (char *)*items + i * elem_size));
        p->rule_id = NULL;
        rj_pop(p, mi);
    }
    rj_pop(p, m);
    return VFY_OK;
}
