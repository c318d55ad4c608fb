/*
 * MRZ field values: '<' fill, three-letter codes, names (9303-3 section 4.6 and
 * 9303-4..7), and the list of problems found while reading them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/writer.h"
#include "mrz/mrz_internal.h"

void mrz_add_error(vfy_mrz *m, vfy_status status, const char *field, mrz_span at,
                   const char *fmt, ...)
{
    m->valid = false;
    if (m->error_count >= VFY_MRZ_MAX_ERRORS)
        return;
    vfy_mrz_error *e = &m->errors[m->error_count++];
    e->status = status;
    snprintf(e->field, sizeof e->field, "%s", field);
    e->line = at.line + 1u;
    e->column = at.col + 1u;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

void mrz_strip_fill(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '<')
        s[--n] = '\0';
}

bool mrz_code_well_formed(const char *raw, size_t n)
{
    size_t letters = 0;
    while (letters < n && raw[letters] >= 'A' && raw[letters] <= 'Z')
        letters++;
    if (letters == 0)
        return false;
    for (size_t i = letters; i < n; i++)
        if (raw[i] != '<')
            return false;
    return true;
}

/* '<' as space, surrounding spaces dropped; dst holds at least strlen(src) + 1. */
static void name_part(char *dst, size_t cap, const char *src, size_t n)
{
    size_t start = 0, end = n;
    while (start < end && src[start] == '<')
        start++;
    while (end > start && src[end - 1] == '<')
        end--;
    vfy_writer w;
    vfy_w_init_text(&w, dst, cap); /* a name longer than cap is cut, as before */
    for (size_t i = start; i < end && vfy_w_ok(&w); i++)
        vfy_w_char(&w, src[i] == '<' ? ' ' : src[i]);
    vfy_w_text_end(&w);
}

void mrz_split_name(vfy_mrz *m, const char *raw, size_t n, mrz_span at)
{
    /* A name that reaches the last position may have been cut to fit (9303-3 4.6). */
    m->name_truncated = n > 0 && raw[n - 1] != '<';
    for (size_t i = 0; i < n; i++) {
        if (raw[i] >= '0' && raw[i] <= '9') {
            mrz_span pos = { at.line, (unsigned char)(at.col + i), 1 };
            mrz_add_error(m, VFY_E_MRZ_FIELD, "name", pos, "the name contains the digit '%c'; names hold only "
                          "letters and '<'", raw[i]);
            break;
        }
    }
    size_t sep = n;
    for (size_t i = 0; i + 1 < n; i++) {
        if (raw[i] == '<' && raw[i + 1] == '<') {
            sep = i;
            break;
        }
    }
    /* A field that opens with "<<" has no primary identifier. */
    name_part(m->surname, sizeof m->surname, raw, sep);
    if (sep < n)
        name_part(m->given_names, sizeof m->given_names, raw + sep + 2, n - sep - 2);
    else
        m->given_names[0] = '\0';
}
