/* Date conventions of the domain reference (section 4), on the engine's calendar code. */
#include <criterion/criterion.h>

#include "core/date.h"

static int32_t D(const char *s)
{
    int32_t d;
    cr_assert(vfy_day_parse_iso(s, &d), "%s", s);
    return d;
}

Test(rules_date, parse_is_strict)
{
    int32_t d;
    cr_assert(vfy_day_parse_iso("2024-02-29", &d));
    cr_assert_not(vfy_day_parse_iso("2023-02-29", &d));
    cr_assert_not(vfy_day_parse_iso("2024-2-29", &d));
    cr_assert_not(vfy_day_parse_iso("2024-02-29 ", &d));
    cr_assert_not(vfy_day_parse_iso("1899-12-31", &d));
    char b[11];
    vfy_day_format_iso(D("1970-01-01"), b);
    cr_assert_str_eq(b, "1970-01-01");
    cr_assert_eq(D("1970-01-01"), 0);
    cr_assert_eq(D("2000-03-01") - D("2000-02-28"), 2, "2000 is a leap year");
    cr_assert_eq(D("2100-03-01") - D("2100-02-28"), 1, "2100 is not");
}

Test(rules_date, ages_in_completed_years)
{
    cr_assert_eq(vfy_day_age(D("2019-12-11"), D("2025-12-10"), true), 5);
    cr_assert_eq(vfy_day_age(D("2019-12-11"), D("2025-12-11"), true), 6);
    /* 29 February: 1 March in common years by default, 28 February when configured. */
    cr_assert_eq(vfy_day_age(D("2008-02-29"), D("2026-02-28"), true), 17);
    cr_assert_eq(vfy_day_age(D("2008-02-29"), D("2026-03-01"), true), 18);
    cr_assert_eq(vfy_day_age(D("2008-02-29"), D("2026-02-28"), false), 18);
    cr_assert_eq(vfy_day_age(D("2008-02-29"), D("2026-02-27"), false), 17, "the day before 28 February");
    cr_assert_eq(vfy_day_age(D("2008-02-29"), D("2028-02-29"), true), 20);
    cr_assert_eq(vfy_day_age(D("2008-02-29"), D("2028-02-28"), false), 19, "a leap year keeps 29 February");
}

Test(rules_date, months_clamp_to_the_end_of_the_month)
{
    char b[11];
    vfy_day_format_iso(vfy_day_add_months(D("2026-02-10"), 3), b);
    cr_assert_str_eq(b, "2026-05-10");
    vfy_day_format_iso(vfy_day_add_months(D("2026-01-31"), 1), b);
    cr_assert_str_eq(b, "2026-02-28");
    vfy_day_format_iso(vfy_day_add_months(D("2025-12-10"), -120), b);
    cr_assert_str_eq(b, "2015-12-10");
    vfy_day_format_iso(vfy_day_add_months(D("2024-02-29"), -12), b);
    cr_assert_str_eq(b, "2023-02-28");
}

Test(rules_date, month_arithmetic_far_back_stays_a_calendar_date)
{
    int y, m, d;
    vfy_day_to_ymd(vfy_day_add_months(D("1900-01-31"), -12 * 2000 - 1), &y, &m, &d);
    cr_assert_eq(y, -101);
    cr_assert_eq(m, 12);
    cr_assert_eq(d, 31);
}

/* Month arithmetic is computed in one pass (core/date.c); the reference here goes the
 * long way, through a year, month and day: the same month so many months later, its
 * day clamped to that month's length. Every day of 1600-2400 (leap centuries and
 * common ones) against shifts of up to 50 years either way. */
static int32_t months_the_long_way(int32_t day, int months)
{
    int y, m, d;
    vfy_day_to_ymd(day, &y, &m, &d);
    int total = y * 12 + (m - 1) + months;
    int ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
    int nm = total - ny * 12 + 1;
    int len = vfy_days_in_month(ny, nm);
    return vfy_day_from_ymd(ny, nm, d < len ? d : len);
}

Test(rules_date, month_arithmetic_matches_the_calendar_everywhere)
{
    static const int shifts[] = { -600, -121, -48, -13, -12, -11, -1, 0, 1, 2, 11, 12, 13, 25, 48, 120, 601 };
    long checked = 0;
    for (int32_t day = vfy_day_from_ymd(1600, 1, 1); day <= vfy_day_from_ymd(2400, 12, 31); day++)
        for (size_t i = 0; i < sizeof shifts / sizeof shifts[0]; i++, checked++)
            if (vfy_day_add_months(day, shifts[i]) != months_the_long_way(day, shifts[i])) {
                char b[11];
                vfy_day_format_iso(day, b);
                cr_assert_fail("%s %+d months: %d, the long way %d", b, shifts[i], vfy_day_add_months(day, shifts[i]),
                         months_the_long_way(day, shifts[i]));
            }
    cr_assert_gt(checked, 4000000L);
    char b[11];
    vfy_day_format_iso(vfy_day_add_months(D("2100-01-31"), 1), b);
    cr_assert_str_eq(b, "2100-02-28", "2100 is not a leap year");
    vfy_day_format_iso(vfy_day_add_months(D("2000-01-31"), 1), b);
    cr_assert_str_eq(b, "2000-02-29", "2000 is");
    vfy_day_format_iso(vfy_day_add_months(vfy_day_from_ymd(2400, 3, 31), -1), b);
    cr_assert_str_eq(b, "2400-02-29", "and so is 2400");
}

/* The table the rules engine adds months with (core/date.h, struct vfy_calendar), the
 * same way: every day of its range and a little beyond, against the same shifts and
 * against shifts that leave the table (which take the long way). */
Test(rules_date, the_calendar_table_matches_the_calendar)
{
    static const int shifts[] = { -7300, -1201, -121, -13, -12, -1, 0, 1, 11, 12, 29, 121, 1200, 7300 };
    static struct vfy_calendar cal;
    vfy_calendar_init(&cal);
    cr_assert_eq(cal.month_start[0], vfy_day_from_ymd(1800, 1, 1));
    cr_assert_eq(cal.month_start[VFY_CALENDAR_MONTHS], vfy_day_from_ymd(2400, 1, 1));
    cr_assert_eq(VFY_CALENDAR_FIRST_DAY, cal.month_start[0]);
    cr_assert_eq(VFY_CALENDAR_END_DAY, cal.month_start[VFY_CALENDAR_MONTHS]);
    for (int32_t day = vfy_day_from_ymd(1799, 6, 1); day <= vfy_day_from_ymd(2400, 6, 30); day++)
        for (size_t i = 0; i < sizeof shifts / sizeof shifts[0]; i++)
            if (vfy_calendar_add_months(&cal, day, shifts[i]) != months_the_long_way(day, shifts[i])) {
                char b[11];
                vfy_day_format_iso(day, b);
                cr_assert_fail("%s %+d months: %d, the long way %d", b, shifts[i],
                               vfy_calendar_add_months(&cal, day, shifts[i]), months_the_long_way(day, shifts[i]));
            }
}

/* The age the rules engine reads from the same table (vfy_calendar_age) is the
 * calendar's (vfy_day_age): around every birthday of a spread of birth dates, on both
 * 29 February conventions, and for every 29 February birth of the table's range, on
 * 28 February and 1 March of each of the following years; and outside the table. */
Test(rules_date, the_calendar_age_matches_the_calendar)
{
    static struct vfy_calendar cal;
    vfy_calendar_init(&cal);
    static const int years[] = { 0, 1, 5, 6, 12, 18, 65, 250 };
    for (int32_t birth = vfy_day_from_ymd(1790, 1, 1); birth <= vfy_day_from_ymd(2405, 1, 1); birth += 5)
        for (size_t i = 0; i < sizeof years / sizeof years[0]; i++)
            for (int32_t at = vfy_day_add_months(birth, 12 * years[i]) - 1, k = 0; k < 3; k++, at++)
                for (int conv = 0; conv < 2; conv++)
                    if (vfy_calendar_age(&cal, birth, at, conv) != vfy_day_age(birth, at, conv)) {
                        char b[11], a[11];
                        vfy_day_format_iso(birth, b);
                        vfy_day_format_iso(at, a);
                        cr_assert_fail("born %s, at %s (%d): %d, the calendar %d", b, a, conv,
                                       vfy_calendar_age(&cal, birth, at, conv), vfy_day_age(birth, at, conv));
                    }
    for (int y = 1800; y < 2400; y += 4) {
        if (!vfy_is_leap_year(y))
            continue;
        int32_t birth = vfy_day_from_ymd(y, 2, 29);
        for (int later = y; later < y + 9 && later < 2400; later++)
            for (int conv = 0; conv < 2; conv++) {
                int32_t feb28 = vfy_day_from_ymd(later, 2, 28), mar1 = vfy_day_from_ymd(later, 3, 1);
                cr_assert_eq(vfy_calendar_age(&cal, birth, feb28, conv), vfy_day_age(birth, feb28, conv),
                             "born %d-02-29, on %d-02-28", y, later);
                cr_assert_eq(vfy_calendar_age(&cal, birth, mar1, conv), vfy_day_age(birth, mar1, conv),
                             "born %d-02-29, on %d-03-01", y, later);
            }
    }
    cr_assert_eq(vfy_calendar_age(&cal, vfy_day_from_ymd(2008, 2, 29), vfy_day_from_ymd(2026, 2, 28), true), 17);
    cr_assert_eq(vfy_calendar_age(&cal, vfy_day_from_ymd(2008, 2, 29), vfy_day_from_ymd(2026, 2, 28), false), 18);
    cr_assert_eq(vfy_calendar_age(&cal, vfy_day_from_ymd(2008, 2, 29), vfy_day_from_ymd(2026, 2, 27), false), 17);
    cr_assert_eq(vfy_calendar_age(&cal, vfy_day_from_ymd(2008, 2, 29), vfy_day_from_ymd(2028, 2, 28), false), 19);
}
