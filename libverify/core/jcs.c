/* RFC 8785 canonical JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/writer.h"
#include "core/jcs.h"
#include "core/utf8.h"

/* 2^53: every integer up to it is exactly one double. */
#define JCS_EXACT_MAX 9007199254740992LL

typedef struct jcs_buf {
    char *data;
    size_t len, cap, max;
    vfy_status status;
} jcs_buf;

static void put(jcs_buf *b, const char *s, size_t n)
{
    if (b->status != VFY_OK)
        return;
    if (n > b->max - b->len) {
        b->status = VFY_E_LIMIT;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *nd = realloc(b->data, cap);
        if (nd == NULL) {
            b->status = VFY_E_NO_MEMORY;
            return;
        }
        b->data = nd;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void puts_(jcs_buf *b, const char *s) { put(b, s, strlen(s)); }

void vfy_jcs_number(double x, char buf[64])
{
    if (x == 0) { /* also -0 */
        snprintf(buf, 64, "0");
        return;
    }
    const char *sign = x < 0 ? "-" : "";
    double a = fabs(x);
    /* Shortest digit string that reads back as the same double. */
    char e_form[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(e_form, sizeof e_form, "%.*e", p - 1, a);
        if (strtod(e_form, NULL) == a)
            break;
    }
    char digits[24];
    vfy_writer w;
    vfy_w_init_text(&w, digits, sizeof digits);
    const char *q = e_form;
    for (; *q != 'e'; q++)
        if (*q >= '0' && *q <= '9')
            vfy_w_char(&w, *q);
    size_t k = vfy_w_len(&w); /* at most 17 significant digits: always fits */
    while (k > 1 && digits[k - 1] == '0')
        k--;
    digits[k] = '\0';
    int n = atoi(q + 1) + 1; /* value = 0.digits x 10^n */
    if ((int)k <= n && n <= 21) {
        snprintf(buf, 64, "%s%s%.*s", sign, digits, n - (int)k, "000000000000000000000");
    } else if (0 < n && n <= 21) {
        snprintf(buf, 64, "%s%.*s.%s", sign, n, digits, digits + n);
    } else if (-6 < n && n <= 0) {
        snprintf(buf, 64, "%s0.%.*s%s", sign, -n, "000000", digits);
    } else {
        int e = n - 1;
        if (k == 1)
            snprintf(buf, 64, "%s%se%c%d", sign, digits, e < 0 ? '-' : '+', abs(e));
        else
            snprintf(buf, 64, "%s%c.%se%c%d", sign, digits[0], digits + 1, e < 0 ? '-' : '+', abs(e));
    }
}

static void put_string(jcs_buf *b, const char *s, size_t n)
{
    puts_(b, "\"");
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        const char *esc = NULL;
        char u[8];
        switch (ch) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (ch < 0x20) {
                snprintf(u, sizeof u, "\\u%04x", ch);
                esc = u;
            }
        }
        if (esc != NULL) {
            put(b, s + run, i - run);
            puts_(b, esc);
            run = i + 1;
        }
    }
    put(b, s + run, n - run);
    puts_(b, "\"");
}

/* The next UTF-16 code unit of a UTF-8 name; 0 at the end. */
typedef struct u16_reader {
    vfy_cursor c;
    uint16_t pending;
} u16_reader;

static uint32_t next_unit(u16_reader *r)
{
    if (r->pending != 0) {
        uint16_t u = r->pending;
        r->pending = 0;
        return u;
    }
    uint32_t cp;
    if (vfy_cur_at_end(&r->c) || vfy_utf8_next(&r->c, &cp) != VFY_OK)
        return 0x110000; /* end (jansson has validated the UTF-8) */
    if (cp < 0x10000)
        return cp;
    cp -= 0x10000;
    r->pending = (uint16_t)(0xDC00 | (cp & 0x3FF));
    return 0xD800 | (cp >> 10);
}

static int compare_names(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    u16_reader ra = { .pending = 0 }, rb = { .pending = 0 };
    vfy_cur_init(&ra.c, a, strlen(a), NULL, NULL);
    vfy_cur_init(&rb.c, b, strlen(b), NULL, NULL);
    for (;;) {
        uint32_t ua = next_unit(&ra), ub = next_unit(&rb);
        if (ua != ub) /* a name that is a prefix of the other sorts first */
            return ua == 0x110000 ? -1 : ub == 0x110000 ? 1 : (ua < ub ? -1 : 1);
        if (ua == 0x110000)
            return 0;
    }
}

static void put_object(jcs_buf *b, const json_t *v, unsigned depth, const char *omit);

static void put_value(jcs_buf *b, const json_t *v, unsigned depth)
{
    if (depth > 64) {
        b->status = VFY_E_TOO_DEEP;
        return;
    }
    switch (json_typeof(v)) {
    case JSON_NULL: puts_(b, "null"); break;
    case JSON_TRUE: puts_(b, "true"); break;
    case JSON_FALSE: puts_(b, "false"); break;
    case JSON_STRING: put_string(b, json_string_value(v), json_string_length(v)); break;
    case JSON_INTEGER:
        if (json_integer_value(v) > JCS_EXACT_MAX || json_integer_value(v) < -JCS_EXACT_MAX) {
            b->status = VFY_E_BAD_VALUE;
            return;
        }
        /* an exact integer is written as the double it equals */
        __attribute__((fallthrough));
    case JSON_REAL: {
        double x = json_number_value(v);
        if (!isfinite(x)) {
            b->status = VFY_E_BAD_VALUE;
            return;
        }
        char num[64];
        vfy_jcs_number(x, num);
        puts_(b, num);
        break;
    }
    case JSON_ARRAY: {
        puts_(b, "[");
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i > 0)
                puts_(b, ",");
            put_value(b, json_array_get(v, i), depth + 1);
        }
        puts_(b, "]");
        break;
    }
    case JSON_OBJECT:
        put_object(b, v, depth, NULL);
        break;
    }
}

/* An object's members sorted by name, leaving out the member named `omit` (NULL: none). */
static void put_object(jcs_buf *b, const json_t *v, unsigned depth, const char *omit)
{
    size_t n = json_object_size(v);
    const char **names = calloc(n ? n : 1, sizeof *names);
    if (names == NULL) {
        b->status = VFY_E_NO_MEMORY;
        return;
    }
    size_t k = 0;
    const char *key;
    json_t *member;
    json_object_foreach((json_t *)v, key, member)
        if (omit == NULL || strcmp(key, omit) != 0)
            names[k++] = key;
    qsort(names, k, sizeof *names, compare_names);
    puts_(b, "{");
    for (size_t i = 0; i < k; i++) {
        if (i > 0)
            puts_(b, ",");
        put_string(b, names[i], strlen(names[i]));
        puts_(b, ":");
        put_value(b, json_object_get(v, names[i]), depth + 1);
    }
    puts_(b, "}");
    free(names);
}

vfy_status vfy_jcs_serialize(const json_t *v, size_t max, char **out, size_t *len)
{
    return vfy_jcs_serialize_without(v, NULL, max, out, len);
}

vfy_status vfy_jcs_serialize_without(const json_t *v, const char *omit, size_t max, char **out, size_t *len)
{
    jcs_buf b = { .max = max, .status = VFY_OK };
    if (omit != NULL && json_is_object(v))
        put_object(&b, v, 0, omit);
    else
        put_value(&b, v, 0);
    if (b.status == VFY_OK && b.data == NULL)
        b.status = VFY_E_BAD_VALUE;
    if (b.status != VFY_OK) {
        free(b.data);
        return b.status;
    }
    *out = b.data;
    *len = b.len;
    return VFY_OK;
}
