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

/* The same month arithmetic from a table: the first day of every month from January
 * 1800 to December 2399 (every date 1900-2199, a century either way) and of January
 * 2400. A day's month is a proportional guess corrected by two comparisons, the target
 * month's first day and length are read: no division chain. Built once by whoever
 * does month arithmetic in volume (the rules engine, for each decision); days and
 * results outside the table take vfy_day_add_months. */
#define VFY_CALENDAR_FIRST_YEAR 1800
#define VFY_CALENDAR_MONTHS (600 * 12)
/* The table's first day and the day after it, as day numbers (1800-01-01 and
 * 2400-01-01; tests/test_rules_date.c checks them): constants, so that a lookup's
 * loads do not wait on loads of its bounds. */
#define VFY_CALENDAR_FIRST_DAY (-62091)
#define VFY_CALENDAR_END_DAY 157054
struct vfy_calendar {
    int32_t month_start[VFY_CALENDAR_MONTHS + 1];
};
void vfy_calendar_init(struct vfy_calendar *cal);
/* The index of the month holding `day` in the table, or -1 when the table does not
 * hold it. */
static inline int32_t vfy_calendar_month_of(const struct vfy_calendar *cal, int32_t day)
{
    const int32_t *ms = cal->month_start;
    int64_t rel = (int64_t)day - VFY_CALENDAR_FIRST_DAY;
    if (rel < 0 || day >= VFY_CALENDAR_END_DAY)
        return -1;
    /* 12 / 365.2425 months a day, as 551213 / 2^24 (a multiplication, no division):
     * the guess is at most one month off either way. */
    int32_t m = (int32_t)((rel * 551213) >> 24);
    m -= ms[m] > day;
    m += ms[m + 1] <= day;
    return m;
}

static inline int32_t vfy_calendar_add_months(const struct vfy_calendar *cal, int32_t day, int months)
{
    const int32_t *ms = cal->month_start;
    int32_t m = vfy_calendar_month_of(cal, day);
    if (m >= 0) {
        int64_t to = (int64_t)m + months;
        if (to >= 0 && to < VFY_CALENDAR_MONTHS) {
            int32_t dom = day - ms[m], len = ms[to + 1] - ms[to];
            return ms[to] + (dom < len ? dom : len - 1);
        }
    }
    return vfy_day_add_months(day, months);
}

/* vfy_day_age from the table (the same result; days outside it take vfy_day_age). */
int vfy_calendar_age(const struct vfy_calendar *cal, int32_t birth, int32_t at, bool feb29_to_mar1);

/* Today in UTC; all zero if the clock cannot be read. */
vfy_date vfy_date_today_utc(void);

#endif
