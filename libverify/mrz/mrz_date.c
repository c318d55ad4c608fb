/*
 * MRZ dates (YYMMDD) and the century rule.
 *
 * The MRZ prints two-digit years; the century comes from a reference date ("today")
 * that the caller chooses:
 *   - a birth date is the latest date with those digits that is not after today;
 *   - an expiry date is the year with those digits in the window
 *     (today - 50 years, today + 50 years], so a long-expired document stays in the
 *     past and a document valid for decades stays in the future.
 * A part printed as "<<" is unknown and reported as 0; the rule then compares only
 * the known parts. A date whose year is unknown gets no century at all.
 */
#include "core/date.h"
#include "mrz/mrz_internal.h"

/* One two-character part: a number 0..99, -1 for "<<", -2 for anything else. */
static int part(const char *p)
{
    if (p[0] == '<' && p[1] == '<')
        return -1;
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return -2;
    return (p[0] - '0') * 10 + (p[1] - '0');
}

/* Days of a month whose year or month may be unknown (0): an unknown month allows 31,
 * an unknown year allows 29 February. */
static int days_in_month(int year, int month)
{
    if (month == 0)
        return 31;
    return vfy_days_in_month(year == 0 ? 2000 : year, month);
}

/* Whether (year, month, day) with 0 for unknown parts could lie after today. */
static bool after(int year, int month, int day, vfy_date today)
{
    if (year != today.year)
        return year > today.year;
    if (month == 0 || month != today.month)
        return month > today.month;
    return day > today.day;
}

mrz_date_result mrz_date_decode(const char raw[6], vfy_date today, mrz_date_kind kind,
                                vfy_date *out)
{
    int yy = part(raw), mm = part(raw + 2), dd = part(raw + 4);
    out->year = out->month = out->day = 0;
    if (yy == -2 || mm == -2 || dd == -2)
        return MRZ_DATE_BAD_CHAR;
    int month = mm < 0 ? 0 : mm, day = dd < 0 ? 0 : dd;
    if (mm >= 0 && (mm < 1 || mm > 12))
        return MRZ_DATE_BAD_VALUE;
    int year = 0;
    if (yy >= 0) {
        int century = today.year - today.year % 100;
        year = century + yy;
        if (kind == MRZ_DATE_BIRTH) {
            if (after(year, month, day, today))
                year -= 100;
        } else if (year > today.year + 50) {
            year -= 100;
        } else if (year <= today.year - 50) {
            year += 100;
        }
    }
    if (dd >= 0 && (dd < 1 || dd > days_in_month(year, month)))
        return MRZ_DATE_BAD_VALUE;
    out->year = year;
    out->month = month;
    out->day = day;
    return MRZ_DATE_OK;
}
