/* Names and sentences of every vfy_status, from the one list in verify/status.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "verify/status.h"
#include "core/fail.h"

const char *vfy_status_name(vfy_status status)
{
    switch (status) {
#define NAME_CASE_(name, num, text) case name: return #name;
        VFY_STATUS_LIST(NAME_CASE_)
#undef NAME_CASE_
    }
    return "VFY_E_UNKNOWN";
}

const char *vfy_strerror(vfy_status status)
{
    switch (status) {
#define TEXT_CASE_(name, num, text) case name: return text;
        VFY_STATUS_LIST(TEXT_CASE_)
#undef TEXT_CASE_
    }
    return "unknown status code";
}

vfy_layer vfy_status_layer(vfy_status status)
{
    return (vfy_layer)((unsigned)status / 100u);
}

void vfy_detail_clear(vfy_detail *detail)
{
    if (detail == NULL)
        return;
    memset(detail, 0, sizeof *detail);
    detail->offset = VFY_NO_OFFSET;
}

/* The one filling of a detail: status, field, and the message (the status's sentence when
 * there is no format). The position members are the callers'. */
static void detail_fill(vfy_detail *detail, vfy_status status, const char *field, const char *fmt,
                        va_list ap) __attribute__((format(printf, 4, 0)));

static void detail_fill(vfy_detail *detail, vfy_status status, const char *field, const char *fmt,
                        va_list ap)
{
    vfy_detail_clear(detail);
    detail->status = status;
    if (field != NULL)
        snprintf(detail->field, sizeof detail->field, "%s", field);
    if (fmt != NULL)
        vsnprintf(detail->message, sizeof detail->message, fmt, ap);
    else
        snprintf(detail->message, sizeof detail->message, "%s", vfy_strerror(status));
}

vfy_status vfy_fail_at(vfy_detail *detail, vfy_status status, const char *field,
                       size_t offset, const char *fmt, ...)
{
    if (detail == NULL)
        return status;
    va_list ap;
    va_start(ap, fmt);
    detail_fill(detail, status, field, fmt, ap);
    va_end(ap);
    detail->offset = offset;
    return status;
}

vfy_status vfy_fail_text(vfy_detail *detail, vfy_status status, const char *field,
                         unsigned line, unsigned column, const char *fmt, ...)
{
    if (detail == NULL)
        return status;
    va_list ap;
    va_start(ap, fmt);
    detail_fill(detail, status, field, fmt, ap);
    va_end(ap);
    detail->line = line;
    detail->column = column;
    return status;
}

void vfy_detail_prefix_field(vfy_detail *detail, const char *outer)
{
    if (detail == NULL || outer == NULL)
        return;
    /* Built by hand: the result is cut at the field size on purpose. */
    char joined[VFY_DETAIL_FIELD_MAX];
    size_t n = 0;
    for (const char *p = outer; *p != '\0' && n + 1 < sizeof joined; p++)
        joined[n++] = *p;
    if (detail->field[0] != '\0' && n + 1 < sizeof joined)
        joined[n++] = '/';
    for (const char *p = detail->field; *p != '\0' && n + 1 < sizeof joined; p++)
        joined[n++] = *p;
    joined[n] = '\0';
    memcpy(detail->field, joined, sizeof joined);
}

vfy_status vfy_detail_set(vfy_detail *detail, vfy_status status, const char *field,
                          const char *fmt, ...)
{
    if (detail == NULL)
        return status;
    va_list ap;
    va_start(ap, fmt);
    detail_fill(detail, status, field, fmt, ap);
    va_end(ap);
    return status;
}
