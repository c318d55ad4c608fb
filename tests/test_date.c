/* core/date against an independent calendar: the C library's timegm() and gmtime_r(). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <time.h>

#include "core/date.h"

/* Every day from 1900-01-01 to 2199-12-31: the day number is timegm()/86400, the inverse
 * gives the same date back, and validation agrees with what timegm() normalises away. */
Test(date, day_numbers_match_timegm_for_every_day_of_the_rules_range)
{
    unsigned days = 0;
    for (int y = VFY_DAY_MIN_YEAR; y <= VFY_DAY_MAX_YEAR; y++) {
        for (int m = 1; m <= 12; m++) {
            for (int d = 1; d <= 32; d++) {
                struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
                time_t t = timegm(&tm);
                bool real = tm.tm_mday == d && tm.tm_mon == m - 1; /* not normalised */
                cr_assert_eq(vfy_day_valid_ymd(y, m, d), real, "%04d-%02d-%02d", y, m, d);
                cr_assert_eq(vfy_ymd_valid(y, m, d), real);
                if (!real)
                    continue;
                int32_t n = vfy_day_from_ymd(y, m, d);
                cr_assert_eq((long long)n * 86400, (long long)t, "%04d-%02d-%02d", y, m, d);
                int yy, mm, dd;
                vfy_day_to_ymd(n, &yy, &mm, &dd);
                cr_assert(yy == y && mm == m && dd == d);
                days++;
            }
            cr_assert_eq(vfy_days_in_month(y, m), (m == 2 && vfy_is_leap_year(y)) ? 29
                         : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : m == 2 ? 28 : 31);
        }
    }
    cr_assert_eq(days, (unsigned)(vfy_day_from_ymd(2200, 1, 1) - vfy_day_from_ymd(1900, 1, 1)));
}

Test(date, ranges_and_refusals)
{
    cr_assert(!vfy_day_valid_ymd(1899, 12, 31));
    cr_assert(!vfy_day_valid_ymd(2200, 1, 1));
    cr_assert(vfy_ymd_valid(1, 1, 1));
    cr_assert(vfy_ymd_valid(9999, 12, 31));
    cr_assert(!vfy_ymd_valid(0, 1, 1));
    cr_assert(!vfy_ymd_valid(10000, 1, 1));
    cr_assert(!vfy_ymd_valid(2023, 2, 29));
    cr_assert(vfy_ymd_valid(2000, 2, 29));
    cr_assert(!vfy_ymd_valid(1900, 2, 29));
    cr_assert_eq(vfy_days_in_month(2024, 0), 0);
    cr_assert_eq(vfy_days_in_month(2024, 13), 0);
    int32_t d;
    cr_assert(!vfy_day_from_date((vfy_date){ 2024, 0, 1 }, &d), "an unknown month has no day number");
}

Test(date, today_is_the_clock_in_utc)
{
    time_t before = time(NULL);
    vfy_date t = vfy_date_today_utc();
    time_t after = time(NULL);
    struct tm a, b;
    gmtime_r(&before, &a);
    gmtime_r(&after, &b);
    bool is_a = t.year == a.tm_year + 1900 && t.month == a.tm_mon + 1 && t.day == a.tm_mday;
    bool is_b = t.year == b.tm_year + 1900 && t.month == b.tm_mon + 1 && t.day == b.tm_mday;
    cr_assert(is_a || is_b, "%04d-%02d-%02d", t.year, t.month, t.day);
}
