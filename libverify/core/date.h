/*
 * Internal: the one calendar module. Proleptic Gregorian civil dates (year, month, day),
 * day numbers (days since 1970-01-01, contiguous across leap years), validation, ISO 8601
 * text, month arithmetic, ages, and today's date in UTC.
 *
 * The formats that carry dates keep their own readers beside their structures, built on
 * this: the MRZ's YYMMDD and its century rule (mrz/mrz_date.c), the seals' 3-byte and
 * masked dates (seal/seal_date.c), the rule sets' YYYY-MM-DD (here, vfy_day_parse_iso).
 * No wall clock except vfy_date_today_utc.
 */
#ifndef VFY_CORE_DATE_H
#define VFY_CORE_DATE_H

#include <stdbool.h>
#include <stdint.h>

#include "verify/mrz.h"

/* The years that rule sets and cases may use (the domain reference's range). */
#define VFY_DAY_MIN_YEAR 1900
#define VFY_DAY_MAX_YEAR 2199

bool vfy_is_leap_year(int year);
/* Days of month 1..12 of year (29 for February of a leap year); 0 for another month. */
int vfy_days_in_month(int year, int month);
/* A real calendar date with a year of 1 to 9999. */
bool vfy_ymd_valid(int year, int month, int day);

/* Day numbers. vfy_day_from_ymd takes any (y, m 1..12, d 1..31); the inverse is exact. */
int32_t vfy_day_from_ymd(int y, int m, int d);
void vfy_day_to_ymd(int32_t days, int *y, int *m, int *d);
/* A real date from VFY_DAY_MIN_YEAR to VFY_DAY_MAX_YEAR. */
bool vfy_day_valid_ymd(int y, int m, int d);
/* A complete vfy_date in that range as a day number; false otherwise. */
bool vfy_day_from_date(vfy_date d, int32_t *out);
/* Strict "YYYY-MM-DD" in that range; false for anything else or an impossible date. */
bool vfy_day_parse_iso(const char *s, int32_t *out);
/* Writes "YYYY-MM-DD" into buf[11]. */
void vfy_day_format_iso(int32_t days, char buf[11]);
/* Month arithmetic clamps to the last day of the month (2026-01-31 + 1 month is
 * 2026-02-28), the convention of the domain reference. */
int32_t vfy_day_add_months(int32_t days, int months);
/* Completed years at `at`; a 29 February birthday counts on 1 March (or 28 February
 * when feb29_to_mar1 is false) in common years. */
int vfy_day_age(int32_t birth, int32_t at, bool feb29_to_mar1);

/* Today in UTC; all zero if the clock cannot be read. */
vfy_date vfy_date_today_utc(void);

#endif
