/*
 * Internal: bounded loading of hostile JSON (rule sets, cases, keys, trust files).
 *
 * Before jansson sees a byte, the input is walked through the bounded cursor: size
 * limit, nesting limit (outside strings), no NUL byte. jansson then parses with
 * duplicate keys rejected, and the tree is checked for reals (rule sets and cases use
 * integers only, so their canonical form is exact).
 */
#ifndef VFY_RULES_JSONLOAD_H
#define VFY_RULES_JSONLOAD_H

#include <jansson.h>

#include "core/json_tape.h"

#include "verify/rules.h"

/* `what` names the input in messages ("rule set", "case"); `status` is the code for
 * malformed input (VFY_E_RULES_PARSE or VFY_E_CASE_PARSE). */
vfy_status rj_load(const void *data, size_t len, size_t max_len, unsigned max_depth,
                   const char *what, vfy_status status, json_t **out, vfy_detail *detail);

/* A JSON path being walked, for error messages: "$.rules[3].fee". */
typedef struct rj_path {
    char text[192];
    size_t len;
    const char *rule_id;     /* the rule being compiled, for messages */
    vfy_status status;       /* code for schema errors */
    vfy_detail *detail;
} rj_path;

void rj_path_init(rj_path *p, vfy_status status, vfy_detail *detail);
size_t rj_push_key(rj_path *p, const char *key);
size_t rj_push_index(rj_path *p, size_t index);
void rj_pop(rj_path *p, size_t mark);
vfy_status rj_fail(rj_path *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Typed member access; each fails naming the path. A NULL `obj` member is "absent". */
vfy_status rj_object(rj_path *p, const json_t *v);
vfy_status rj_only_keys(rj_path *p, const json_t *obj, const char *const *allowed);
vfy_status rj_string(rj_path *p, const json_t *obj, const char *key, bool required,
                     size_t max_len, char **out);
vfy_status rj_int(rj_path *p, const json_t *obj, const char *key, bool required, long long min,
                  long long max, long long dflt, long long *out);
vfy_status rj_bool(rj_path *p, const json_t *obj, const char *key, bool required, bool dflt,
                   bool *out);
vfy_status rj_date(rj_path *p, const json_t *obj, const char *key, bool required, int32_t *out);
vfy_status rj_enum(rj_path *p, const json_t *obj, const char *key, bool required,
                   const char *const *names, int n, int dflt, int *out);
/* An array of at most max strings, each at most max_len bytes. */
vfy_status rj_strings(rj_path *p, const json_t *obj, const char *key, size_t max, size_t max_len,
                      char ***out, size_t *n);
/* "all" (out NULL) or an array of three-letter upper-case codes. */
vfy_status rj_alpha3s(rj_path *p, const json_t *obj, const char *key, char (**out)[4], size_t *n);
bool rj_is_alpha3(const char *s);
/* An optional array of at most max objects, each compiled by `one` into consecutive
 * elem_size-byte items of a new array (*count counts an item before it is compiled, so
 * that the caller frees half-built items on failure). */
vfy_status rj_array(rj_path *p, const json_t *parent, const char *key, size_t max, size_t elem_size,
                    void **items, size_t *count, void *ctx,
                    vfy_status (*one)(rj_path *p, const json_t *v, void *ctx, void *item));
void rj_free_strings(char **v, size_t n);

/*
 * The same members read from a JSON tape (core/json_tape.h) instead of a jansson tree,
 * with the same messages: cases are read this way (one allocation per case, no tree),
 * rule sets through jansson. `obj` and the results are node indices; a member that is
 * absent or null is node 0.
 */
vfy_status rt_load(const void *data, size_t len, size_t max_len, unsigned max_depth, const char *what,
                   vfy_status status, vfy_json_tape *out, vfy_detail *detail);
size_t rt_member(const vfy_json_tape *t, size_t obj, const char *key);   /* 0: absent or null */
vfy_status rt_object(rj_path *p, const vfy_json_tape *t, size_t v);
vfy_status rt_only_keys(rj_path *p, const vfy_json_tape *t, size_t obj, const char *const *allowed);
vfy_status rt_string(rj_path *p, const vfy_json_tape *t, size_t obj, const char *key, bool required,
                     size_t max_len, const char **out);
vfy_status rt_int(rj_path *p, const vfy_json_tape *t, size_t obj, const char *key, bool required,
                  long long min, long long max, long long dflt, long long *out);
vfy_status rt_bool(rj_path *p, const vfy_json_tape *t, size_t obj, const char *key, bool required,
                   bool dflt, bool *out);
vfy_status rt_date(rj_path *p, const vfy_json_tape *t, size_t obj, const char *key, bool required,
                   int32_t *out);
vfy_status rt_enum(rj_path *p, const vfy_json_tape *t, size_t obj, const char *key, bool required,
                   const char *const *names, int n, int dflt, int *out);
/* An array of strings: its node (0 when absent) and count, each element checked. */
vfy_status rt_strings(rj_path *p, const vfy_json_tape *t, size_t obj, const char *key, size_t max,
                      size_t max_len, size_t *arr, size_t *n);
vfy_status rt_array(rj_path *p, const vfy_json_tape *t, size_t parent, const char *key, size_t max,
                    size_t elem_size, void **items, size_t *count, void *ctx,
                    vfy_status (*one)(rj_path *p, const vfy_json_tape *t, size_t v, void *ctx, void *item));

#endif
