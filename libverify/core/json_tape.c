/* A bounded JSON reader onto a flat tape (core/json_tape.h). */
#define _GNU_SOURCE /* strtod_l, qsort_r */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/cursor.h"
#include "core/fail.h"
#include "core/json_tape.h"
#include "core/utf8.h"
#include "core/writer.h"

/* ---- the first scan: NUL bytes, depth, and how many nodes there can be ---------- */

static vfy_status scan(const uint8_t *p, size_t len, unsigned max_depth, size_t *offset, size_t *tokens)
{
    unsigned depth = 0;
    bool in_string = false, escaped = false;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = p[i];
        if (b == 0) {
            *offset = i;
            return VFY_E_BAD_VALUE;
        }
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (b == '\\')
                escaped = true;
            else if (b == '"')
                in_string = false;
            continue;
        }
        switch (b) {
        case '"':
            in_string = true;
            break;
        case '{': case '[':
            n++;
            if (++depth > max_depth) {
                *offset = i;
                return VFY_E_TOO_DEEP;
            }
            break;
        case '}': case ']':
            if (depth > 0)
                depth--;
            break;
        case ':':
            n += 2;
            break;
        case ',':
            n++;
            break;
        default:
            break;
        }
    }
    *tokens = n;
    return VFY_OK;
}

vfy_status vfy_json_prescan(const void *data, size_t len, unsigned max_depth, size_t *offset)
{
    size_t tokens;
    *offset = 0;
    if (data == NULL)
        return len == 0 ? VFY_OK : VFY_E_INVALID_ARGUMENT;
    return scan(data, len, max_depth, offset, &tokens);
}

/* ---- the reader ------------------------------------------------------------------ */

struct reader {
    const uint8_t *p;
    size_t len, pos;
    unsigned max_depth;
    vfy_json_tape *t;
    size_t cap_nodes;
    vfy_writer text;   /* the decoded strings, bounded by the tape's text block */
    vfy_json_error *err;
};

static vfy_status fail(struct reader *r, size_t at, const char *why)
{
    vfy_json_error *e = r->err;
    e->status = VFY_E_BAD_VALUE;
    e->offset = at;
    e->line = 1;
    e->column = 1;
    for (size_t i = 0; i < at && i < r->len; i++) {
        if (r->p[i] == '\n') {
            e->line++;
            e->column = 1;
        } else {
            e->column++;
        }
    }
    snprintf(e->why, sizeof e->why, "%s", why);
    return VFY_E_BAD_VALUE;
}

static void skip_space(struct reader *r)
{
    while (r->pos < r->len) {
        uint8_t b = r->p[r->pos];
        if (b != ' ' && b != '\t' && b != '\n' && b != '\r')
            return;
        r->pos++;
    }
}

static int peek(const struct reader *r)
{
    return r->pos < r->len ? r->p[r->pos] : -1;
}

static size_t new_node(struct reader *r, uint8_t type)
{
    if (r->t->n_nodes == r->cap_nodes)
        return SIZE_MAX; /* more values than the scan counted: not JSON */
    size_t i = r->t->n_nodes++;
    r->t->nodes[i] = (struct vfy_json_node){ .type = type, .next = (uint32_t)(i + 1) };
    return i;
}

static int hex(uint8_t b)
{
    if (b >= '0' && b <= '9')
        return b - '0';
    if (b >= 'a' && b <= 'f')
        return b - 'a' + 10;
    if (b >= 'A' && b <= 'F')
        return b - 'A' + 10;
    return -1;
}

static bool u16(struct reader *r, uint32_t *v)
{
    if (r->len - r->pos < 4)
        return false;
    *v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex(r->p[r->pos + (size_t)i]);
        if (h < 0)
            return false;
        *v = *v << 4 | (uint32_t)h;
    }
    r->pos += 4;
    return true;
}

static void put(struct reader *r, uint8_t b)
{
    vfy_w_u8(&r->text, b); /* a decoded string is never longer than its source */
}

static void put_utf8(struct reader *r, uint32_t cp)
{
    if (cp < 0x80) {
        put(r, (uint8_t)cp);
    } else if (cp < 0x800) {
        put(r, (uint8_t)(0xC0 | cp >> 6));
        put(r, (uint8_t)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        put(r, (uint8_t)(0xE0 | cp >> 12));
        put(r, (uint8_t)(0x80 | (cp >> 6 & 0x3F)));
        put(r, (uint8_t)(0x80 | (cp & 0x3F)));
    } else {
        put(r, (uint8_t)(0xF0 | cp >> 18));
        put(r, (uint8_t)(0x80 | (cp >> 12 & 0x3F)));
        put(r, (uint8_t)(0x80 | (cp >> 6 & 0x3F)));
        put(r, (uint8_t)(0x80 | (cp & 0x3F)));
    }
}

/* A string at r->pos (the opening quote) into a new node. A decoded string is never
 * longer than its source, so the text block (the input's length plus a NUL per node) holds
 * every string of the document. */
static vfy_status string(struct reader *r, size_t *out)
{
    size_t start = r->pos, node = new_node(r, VFY_JSON_STRING);
    if (node == SIZE_MAX)
        return fail(r, start, "more values than the document's punctuation allows");
    r->pos++;
    size_t text = vfy_w_len(&r->text);
    for (;;) {
        if (r->pos >= r->len)
            return fail(r, start, "a string is not terminated");
        uint8_t b = r->p[r->pos];
        if (b == '"') {
            r->pos++;
            break;
        }
        if (b < 0x20)
            return fail(r, r->pos, "a control character inside a string must be escaped");
        if (b >= 0x80) {
            vfy_cursor c;
            vfy_cur_init(&c, r->p + r->pos, r->len - r->pos, NULL, NULL);
            uint32_t cp;
            if (vfy_utf8_next(&c, &cp) != VFY_OK)
                return fail(r, r->pos, "a string is not well-formed UTF-8");
            for (size_t i = 0; i < vfy_cur_offset(&c); i++)
                put(r, r->p[r->pos + i]);
            r->pos += vfy_cur_offset(&c);
            continue;
        }
        if (b != '\\') {
            put(r, b);
            r->pos++;
            continue;
        }
        size_t esc = r->pos++;
        if (r->pos >= r->len)
            return fail(r, esc, "a string is not terminated");
        uint8_t e = r->p[r->pos++];
        switch (e) {
        case '"': case '\\': case '/': put(r, e); break;
        case 'b': put(r, '\b'); break;
        case 'f': put(r, '\f'); break;
        case 'n': put(r, '\n'); break;
        case 'r': put(r, '\r'); break;
        case 't': put(r, '\t'); break;
        case 'u': {
            uint32_t cp;
            if (!u16(r, &cp))
                return fail(r, esc, "\\u needs four hexadecimal digits");
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return fail(r, esc, "a \\u escape is a lone low surrogate");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t lo;
                if (r->len - r->pos < 2 || r->p[r->pos] != '\\' || r->p[r->pos + 1] != 'u')
                    return fail(r, esc, "a \\u escape is a high surrogate without its low half");
                r->pos += 2;
                if (!u16(r, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    return fail(r, esc, "a \\u escape is a high surrogate without its low half");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            if (cp == 0)
                return fail(r, esc, "\\u0000 is not accepted in a string");
            put_utf8(r, cp);
            break;
        }
        default:
            return fail(r, esc, "an unknown escape in a string");
        }
    }
    put(r, 0);
    if (!vfy_w_ok(&r->text)) /* cannot happen (see above); refused rather than trusted */
        return fail(r, start, "a string does not fit the document's text");
    r->t->nodes[node].text = (uint32_t)text;
    r->t->nodes[node].len = (uint32_t)(vfy_w_len(&r->text) - text - 1);
    *out = node;
    return VFY_OK;
}

static bool digit(int c)
{
    return c >= '0' && c <= '9';
}

/* A real is refused when it overflows a double, as jansson refuses it (an underflow to
 * zero is accepted). strtod_l in the C locale: the caller's LC_NUMERIC must not decide
 * what a '.' is. Reals are rare (a case refuses them anyway), so the copy is cheap. */
static vfy_status real_in_range(struct reader *r, size_t start)
{
    size_t n = r->pos - start;
    char *text = malloc(n + 1);
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (text == NULL || c == (locale_t)0) {
        free(text);
        if (c != (locale_t)0)
            freelocale(c);
        r->err->status = VFY_E_NO_MEMORY;
        return VFY_E_NO_MEMORY;
    }
    memcpy(text, r->p + start, n);
    text[n] = '\0';
    errno = 0;
    double v = strtod_l(text, NULL, c);
    bool overflow = errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL);
    freelocale(c);
    free(text);
    return overflow ? fail(r, start, "a real number overflows a double") : VFY_OK;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? ; an integer must fit a long long. */
static vfy_status number(struct reader *r)
{
    size_t start = r->pos;
    bool negative = peek(r) == '-';
    if (negative)
        r->pos++;
    if (!digit(peek(r)))
        return fail(r, start, "a value is not valid here");
    bool real = false;
    unsigned long long magnitude = 0;
    bool overflow = false;
    if (peek(r) == '0') {
        r->pos++;
        if (digit(peek(r)))
            return fail(r, start, "a number has a leading zero");
    } else {
        while (digit(peek(r))) {
            unsigned d = (unsigned)(peek(r) - '0');
            if (magnitude > (ULLONG_MAX - d) / 10)
                overflow = true;
            else
                magnitude = magnitude * 10 + d;
            r->pos++;
        }
    }
    if (peek(r) == '.') {
        r->pos++;
        if (!digit(peek(r)))
            return fail(r, start, "a number's fraction has no digits");
        while (digit(peek(r)))
            r->pos++;
        real = true;
    }
    if (peek(r) == 'e' || peek(r) == 'E') {
        r->pos++;
        if (peek(r) == '+' || peek(r) == '-')
            r->pos++;
        if (!digit(peek(r)))
            return fail(r, start, "a number's exponent has no digits");
        while (digit(peek(r)))
            r->pos++;
        real = true;
    }
    size_t node = new_node(r, real ? VFY_JSON_REAL : VFY_JSON_INTEGER);
    if (node == SIZE_MAX)
        return fail(r, start, "more values than the document's punctuation allows");
    if (real)
        return real_in_range(r, start);
    unsigned long long limit = negative ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
    if (overflow || magnitude > limit)
        return fail(r, start, "an integer does not fit in 64 bits");
    r->t->nodes[node].integer = negative ? (magnitude == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN
                                                                                          : -(long long)magnitude)
                                         : (long long)magnitude;
    return VFY_OK;
}

static vfy_status literal(struct reader *r, const char *word, uint8_t type)
{
    size_t n = strlen(word), start = r->pos;
    if (r->len - r->pos < n || memcmp(r->p + r->pos, word, n) != 0)
        return fail(r, start, "a value is not valid here");
    r->pos += n;
    return new_node(r, type) == SIZE_MAX ? fail(r, start, "more values than the document's punctuation allows")
                                         : VFY_OK;
}

static bool same_key(const vfy_json_tape *t, size_t a, size_t b)
{
    return t->nodes[a].len == t->nodes[b].len &&
           memcmp(t->text + t->nodes[a].text, t->text + t->nodes[b].text, t->nodes[a].len) == 0;
}

static vfy_status value(struct reader *r, unsigned depth);

/* Objects up to this many members are checked for a repeated name as each name is read
 * (a case's objects are small); larger ones once, sorted, when they end, so that a
 * hostile object of thousands of members costs n log n, not n squared. */
#define SMALL_OBJECT 32

/* A member's name and ':' (objects only); the duplicate check is jansson's
 * JSON_REJECT_DUPLICATES. */
static vfy_status member_name(struct reader *r, size_t node)
{
    skip_space(r);
    if (peek(r) != '"')
        return fail(r, r->pos, "a member's name (a string) is expected");
    size_t key_at = r->pos, key;
    VFY_TRY(string(r, &key));
    for (size_t k = node + 1; k < key && r->t->nodes[node].count < SMALL_OBJECT; k = r->t->nodes[k + 1].next)
        if (same_key(r->t, k, key))
            return fail(r, key_at, "a member's name appears twice in one object");
    skip_space(r);
    if (peek(r) != ':')
        return fail(r, r->pos, "':' is expected after a member's name");
    r->pos++;
    return VFY_OK;
}

static int by_name(const void *a, const void *b, void *tape)
{
    const vfy_json_tape *t = tape;
    const struct vfy_json_node *x = &t->nodes[*(const uint32_t *)a];
    const struct vfy_json_node *y = &t->nodes[*(const uint32_t *)b];
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(t->text + x->text, t->text + y->text, x->len);
}

/* A large object's names, sorted, each compared with the next. */
static vfy_status no_repeated_name(struct reader *r, size_t node, size_t start)
{
    size_t n = r->t->nodes[node].count;
    uint32_t *keys = malloc(n * sizeof *keys);
    if (keys == NULL) {
        r->err->status = VFY_E_NO_MEMORY;
        return VFY_E_NO_MEMORY;
    }
    size_t i = 0;
    for (size_t k = node + 1; i < n; k = r->t->nodes[k + 1].next)
        keys[i++] = (uint32_t)k;
    qsort_r(keys, n, sizeof *keys, by_name, r->t);
    bool repeated = false;
    for (i = 1; i < n && !repeated; i++)
        repeated = same_key(r->t, keys[i - 1], keys[i]);
    free(keys);
    return repeated ? fail(r, start, "a member's name appears twice in one object") : VFY_OK;
}

/* An object or an array at r->pos: its node, then its members or elements. */
static vfy_status container(struct reader *r, unsigned depth, bool is_object)
{
    const int close = is_object ? '}' : ']';
    size_t start = r->pos, node = new_node(r, is_object ? VFY_JSON_OBJECT : VFY_JSON_ARRAY);
    if (node == SIZE_MAX)
        return fail(r, start, "more values than the document's punctuation allows");
    r->pos++;
    skip_space(r);
    bool more = peek(r) != close;
    if (!more)
        r->pos++;
    while (more) {
        if (is_object)
            VFY_TRY(member_name(r, node));
        VFY_TRY(value(r, depth));
        r->t->nodes[node].count++;
        skip_space(r);
        if (peek(r) != ',' && peek(r) != close)
            return fail(r, r->pos, is_object ? "',' or '}' is expected" : "',' or ']' is expected");
        more = peek(r) == ',';
        r->pos++;
    }
    r->t->nodes[node].next = (uint32_t)r->t->n_nodes;
    if (is_object && r->t->nodes[node].count > SMALL_OBJECT)
        return no_repeated_name(r, node, start);
    return VFY_OK;
}

static vfy_status value(struct reader *r, unsigned depth)
{
    skip_space(r);
    switch (peek(r)) {
    case '{':
    case '[':
        if (depth + 1 > r->max_depth) { /* the scan catches this first; kept for the stack's sake */
            r->err->status = VFY_E_TOO_DEEP;
            r->err->offset = r->pos;
            snprintf(r->err->why, sizeof r->err->why, "nested deeper than %u levels", r->max_depth);
            return VFY_E_TOO_DEEP;
        }
        return container(r, depth + 1, peek(r) == '{');
    case '"': {
        size_t node;
        return string(r, &node);
    }
    case 't': return literal(r, "true", VFY_JSON_TRUE);
    case 'f': return literal(r, "false", VFY_JSON_FALSE);
    case 'n': return literal(r, "null", VFY_JSON_NULL);
    case -1: return fail(r, r->pos, "the document ends where a value is expected");
    default: return number(r);
    }
}

vfy_status vfy_json_tape_read(const void *data, size_t len, unsigned max_depth, vfy_json_tape *tape,
                              vfy_json_error *err)
{
    memset(tape, 0, sizeof *tape);
    memset(err, 0, sizeof *err);
    if (data == NULL && len > 0)
        return err->status = VFY_E_INVALID_ARGUMENT;
    struct reader r = { .p = data, .len = len, .max_depth = max_depth, .t = tape, .err = err };
    size_t tokens = 0;
    vfy_status s = scan(r.p, len, max_depth, &err->offset, &tokens);
    if (s != VFY_OK) {
        err->status = s;
        snprintf(err->why, sizeof err->why, s == VFY_E_TOO_DEEP ? "nested deeper than %u levels" : "a NUL byte",
                 max_depth);
        return s;
    }
    r.cap_nodes = tokens + 2;
    size_t cap_text = len + r.cap_nodes + 1; /* every string's bytes and its NUL */
    /* One block: the nodes, then the text. */
    tape->size = r.cap_nodes * sizeof *tape->nodes + cap_text;
    tape->nodes = malloc(tape->size);
    if (tape->nodes == NULL)
        return err->status = VFY_E_NO_MEMORY;
    tape->text = (char *)(tape->nodes + r.cap_nodes);
    vfy_w_init(&r.text, tape->text, cap_text);
    skip_space(&r);
    if (peek(&r) != '{' && peek(&r) != '[')
        s = fail(&r, r.pos, "the document must be an object or an array");
    else
        s = value(&r, 0);
    if (s == VFY_OK) {
        skip_space(&r);
        if (r.pos != len)
            s = fail(&r, r.pos, "something follows the document");
    }
    if (s != VFY_OK) {
        vfy_json_tape_free(tape);
        return s;
    }
    return VFY_OK;
}

void vfy_json_tape_free(vfy_json_tape *tape)
{
    if (tape->nodes != NULL)
        sodium_memzero(tape->nodes, tape->size);
    free(tape->nodes);
    memset(tape, 0, sizeof *tape);
}

/* ---- reading the tape ------------------------------------------------------------ */

size_t vfy_json_first_key(const vfy_json_tape *t, size_t obj)
{
    return t->nodes[obj].count > 0 ? obj + 1 : 0;
}

size_t vfy_json_next_key(const vfy_json_tape *t, size_t obj, size_t k)
{
    size_t next = t->nodes[k + 1].next;
    return next < t->nodes[obj].next ? next : 0;
}

size_t vfy_json_member(const vfy_json_tape *t, size_t obj, const char *key)
{
    if (t->nodes[obj].type != VFY_JSON_OBJECT)
        return 0;
    size_t n = strlen(key);
    for (size_t k = vfy_json_first_key(t, obj); k != 0; k = vfy_json_next_key(t, obj, k))
        if (t->nodes[k].len == n && memcmp(t->text + t->nodes[k].text, key, n) == 0)
            return k + 1;
    return 0;
}

/* ---- compact text ---------------------------------------------------------------- */

/* As jansson's dump escapes without JSON_ENSURE_ASCII or JSON_ESCAPE_SLASH. */
static void out_string(vfy_writer *o, const char *s, size_t n)
{
    vfy_w_char(o, '"');
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        vfy_w_bytes(o, s + start, i - start);
        start = i + 1;
        char seq[8];
        switch (ch) {
        case '"': vfy_w_bytes(o, "\\\"", 2); break;
        case '\\': vfy_w_bytes(o, "\\\\", 2); break;
        case '\b': vfy_w_bytes(o, "\\b", 2); break;
        case '\f': vfy_w_bytes(o, "\\f", 2); break;
        case '\n': vfy_w_bytes(o, "\\n", 2); break;
        case '\r': vfy_w_bytes(o, "\\r", 2); break;
        case '\t': vfy_w_bytes(o, "\\t", 2); break;
        default:
            snprintf(seq, sizeof seq, "\\u%04X", ch);
            vfy_w_bytes(o, seq, 6);
        }
    }
    vfy_w_bytes(o, s + start, n - start);
    vfy_w_char(o, '"');
}

static void out_value(vfy_writer *o, const vfy_json_tape *t, size_t i)
{
    const struct vfy_json_node *v = &t->nodes[i];
    char num[24];
    switch (v->type) {
    case VFY_JSON_OBJECT:
        vfy_w_char(o, '{');
        for (size_t k = vfy_json_first_key(t, i); k != 0; k = vfy_json_next_key(t, i, k)) {
            if (k != i + 1)
                vfy_w_char(o, ',');
            out_string(o, vfy_json_string(t, k), t->nodes[k].len);
            vfy_w_char(o, ':');
            out_value(o, t, k + 1);
        }
        vfy_w_char(o, '}');
        break;
    case VFY_JSON_ARRAY:
        vfy_w_char(o, '[');
        for (size_t e = i + 1; e < v->next; e = t->nodes[e].next) {
            if (e != i + 1)
                vfy_w_char(o, ',');
            out_value(o, t, e);
        }
        vfy_w_char(o, ']');
        break;
    case VFY_JSON_STRING:
        out_string(o, vfy_json_string(t, i), v->len);
        break;
    case VFY_JSON_INTEGER:
        snprintf(num, sizeof num, "%lld", v->integer);
        vfy_w_bytes(o, num, strlen(num));
        break;
    case VFY_JSON_TRUE: vfy_w_bytes(o, "true", 4); break;
    case VFY_JSON_FALSE: vfy_w_bytes(o, "false", 5); break;
    case VFY_JSON_NULL: vfy_w_bytes(o, "null", 4); break;
    default: o->failed = true; /* reals are the caller's to refuse first */
    }
}

char *vfy_json_compact(const vfy_json_tape *t, size_t i)
{
    /* The most the value can take: each string byte escaped to six ("\u001F"), and per
     * node its quotes, separators and a 20-digit integer. */
    size_t cap = 1;
    for (size_t k = i; k < t->nodes[i].next; k++)
        cap += 24 + (t->nodes[k].type == VFY_JSON_STRING ? 6 * (size_t)t->nodes[k].len : 0);
    char *buf = malloc(cap);
    if (buf == NULL)
        return NULL;
    vfy_writer o;
    vfy_w_init_text(&o, buf, cap);
    out_value(&o, t, i);
    if (!vfy_w_ok(&o)) {
        free(buf);
        return NULL;
    }
    vfy_w_text_end(&o);
    return buf;
}
