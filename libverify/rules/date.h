/*
 * Internal: calendar arithmetic for the rules engine, on day numbers.
 *
 * Accepts proleptic Gregorian dates from 1900-01-01 to 2199-12-31 written YYYY-MM-DD.
 * Month arithmetic clamps to the last day of the month (2026-01-31 + 1 month is
 * 2026-02-28), the convention of the domain reference. No wall clock anywhere.
 */
#ifndef VFY_RULES_DATE_H
#define VFY_RULES_DATE_H

#include <stdbool.h>
#include <stdint.h>

#include "verify/mrz.h"

int32_t rd_from_ymd(int y, int m, int d);
void rd_to_ymd(int32_t days, int *y, int *m, int *d);
/* Strict "YYYY-MM-DD"; false for anything else or an impossible date. */
bool rd_parse(const char *s, int32_t *out);
/* Writes "YYYY-MM-DD" into buf[11]. */
void rd_format(int32_t days, char buf[11]);
bool rd_valid_ymd(int y, int m, int d);
int32_t rd_add_months(int32_t days, int months);
/* Completed years at `at`; a 29 February birthday counts on 1 March (or 28 February
 * when feb29_to_mar1 is false) in common years. */
int rd_age(int32_t birth, int32_t at, bool feb29_to_mar1);
bool rd_from_vfy_date(vfy_date d, int32_t *out);

#endif
