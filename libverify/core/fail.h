/*
 * Internal: filling a vfy_detail on the way out of a failing function.
 *
 *   return vfy_fail(d, VFY_E_TRUNCATED, "DG1", off, "need %zu bytes, %zu left", n, left);
 *
 * Every helper returns the status it was given, so a failure is one statement.
 */
#ifndef VFY_CORE_FAIL_H
#define VFY_CORE_FAIL_H

#include "verify/status.h"

vfy_status vfy_fail_at(vfy_detail *detail, vfy_status status, const char *field,
                       size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

vfy_status vfy_fail_text(vfy_detail *detail, vfy_status status, const char *field,
                         unsigned line, unsigned column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* A failure without a byte offset. */
#define vfy_fail(detail, status, field, ...) \
    vfy_fail_at((detail), (status), (field), VFY_NO_OFFSET, __VA_ARGS__)

/* Makes an inner failure's field "outer/inner", e.g. "EF.SOD/signerInfos". */
void vfy_detail_prefix_field(vfy_detail *detail, const char *outer);

/* Propagate a failing status unchanged. */
#define VFY_TRY(expr)                           \
    do {                                        \
        vfy_status vfy_try_s_ = (expr);         \
        if (vfy_try_s_ != VFY_OK)               \
            return vfy_try_s_;                  \
    } while (0)

#endif
