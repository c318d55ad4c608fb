/* The calendar (see date.h): day numbers, validation, ISO text, months, ages, today. */
#include <string.h>
#include <time.h>

#include "core/date.h"

bool vfy_is_leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int vfy_days_in_month(int y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && vfy_is_leap_year(y) ? 29 : days[m - 1];
}

bool vfy_ymd_valid(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && d >= 1 && d <= vfy_days_in_month(y, m);
}

bool vfy_day_valid_ymd(int y, int m, int d)
{
    return y >= VFY_DAY_MIN_YEAR && y <= VFY_DAY_MAX_YEAR && vfy_ymd_valid(y, m, d);
}

/* Howard Hinnant's days_from_civil, for a contiguous day count across leap years. */
int32_t vfy_day_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void vfy_day_to_ymd(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

bool vfy_day_from_date(vfy_date d, int32_t *out)
{
    if (!vfy_day_valid_ymd(d.year, d.month, d.day))
        return false;
    *out = vfy_day_from_ymd(d.year, d.month, d.day);
    return true;
}

bool vfy_day_parse_iso(const char *s, int32_t *out)
{
    int v[3] = { 0, 0, 0 };
    static const int widths[3] = { 4, 2, 2 };
    const char *p = s;
    for (int f = 0; f < 3; f++) {
        for (int i = 0; i < widths[f]; i++, p++) {
            if (*p < '0' || *p > '9')
                return false;
            v[f] = v[f] * 10 + (*p - '0');
        }
        if (f < 2 && *p++ != '-')
            return false;
    }
    if (*p != '\0' || !vfy_day_valid_ymd(v[0], v[1], v[2]))
        return false;
    *out = vfy_day_from_ymd(v[0], v[1], v[2]);
    return true;
}

void vfy_day_format_iso(int32_t days, char buf[11])
{
    int y, m, d;
    vfy_day_to_ymd(days, &y, &m, &d);
    /* Digits written one by one: the range of every part is known. */
    unsigned uy = (unsigned)y % 10000u, um = (unsigned)m % 100u, ud = (unsigned)d % 100u;
    const char out[11] = { (char)('0' + uy / 1000), (char)('0' + uy / 100 % 10), (char)('0' + uy / 10 % 10),
                           (char)('0' + uy % 10), '-', (char)('0' + um / 10), (char)('0' + um % 10), '-',
                           (char)('0' + ud / 10), (char)('0' + ud % 10), '\0' };
    memcpy(buf, out, sizeof out);
}

/* Month arithmetic in one pass, without branches: the day is placed in its 400-year era
 * and its year counted from 1 March (as vfy_day_to_ymd does), so that the leap day ends
 * the year and every other month has a fixed length; the months are added to that
 * count and the day is clamped to the target month. No year, month and day are
 * built in between (a decision adds months to its dates a dozen times). */
int32_t vfy_day_add_months(int32_t days, int months)
{
    /* Lengths of March ... February (a common February; 29 in a leap year). */
    static const uint8_t length[12] = { 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28 };
    int64_t z = (int64_t)days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int32_t doe = (int32_t)(z - era * 146097);
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;
    int32_t day = doy - (153 * mp + 2) / 5;
    int64_t total = era * 4800 + (int64_t)yoe * 12 + mp + months;
    int64_t era2 = (total >= 0 ? total : total - 4799) / 4800;
    int32_t r = (int32_t)(total - era2 * 4800);
    int32_t yoe2 = r / 12, mp2 = r % 12;
    /* February of March-year yoe2 falls in the calendar year yoe2 + 1 of the era. */
    int32_t y = yoe2 + 1;
    int32_t len = length[mp2] + (mp2 == 11 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
    if (day >= len)
        day = len - 1;
    return (int32_t)(era2 * 146097 + 365 * yoe2 + yoe2 / 4 - yoe2 / 100 + (153 * mp2 + 2) / 5 + day - 719468);
}

void vfy_calendar_init(struct vfy_calendar *cal)
{
    for (int i = 0; i <= VFY_CALENDAR_MONTHS; i++)
        cal->month_start[i] = vfy_day_from_ymd(VFY_CALENDAR_FIRST_YEAR + i / 12, i % 12 + 1, 1);
}

/* Completed years from a birth (year, month, day) to a day (year, month, day, whether
 * its year is a leap year): the one rule of vfy_day_age and vfy_calendar_age, which
 * only find the parts differently. A 29 February birthday moves, in a common year, to
 * 1 March or to 28 February. Years may count from any origin, the same for both. */
static int age_of(int by, int bm, int bd, int ay, int am, int ad, bool at_leap, bool feb29_to_mar1)
{
    int cm = bm, cd = bd;
    if (bm == 2 && bd == 29 && !at_leap) {
        if (feb29_to_mar1) {
            cm = 3;
            cd = 1;
        } else {
            cd = 28;
        }
    }
    return ay - by - (am < cm || (am == cm && ad < cd));
}

int vfy_calendar_age(const struct vfy_calendar *cal, int32_t birth, int32_t at, bool feb29_to_mar1)
{
    int32_t mb = vfy_calendar_month_of(cal, birth), ma = vfy_calendar_month_of(cal, at);
    if (mb < 0 || ma < 0)
        return vfy_day_age(birth, at, feb29_to_mar1);
    const int32_t *ms = cal->month_start;
    int feb = ma / 12 * 12 + 1; /* February of the year of `at` */
    return age_of(mb / 12, mb % 12 + 1, birth - ms[mb] + 1, ma / 12, ma % 12 + 1, at - ms[ma] + 1,
                  ms[feb + 1] - ms[feb] == 29, feb29_to_mar1);
}

int vfy_day_age(int32_t birth, int32_t at, bool feb29_to_mar1)
{
    int by, bm, bd, ay, am, ad;
    vfy_day_to_ymd(birth, &by, &bm, &bd);
    vfy_day_to_ymd(at, &ay, &am, &ad);
    return age_of(by, bm, bd, ay, am, ad, vfy_is_leap_year(ay), feb29_to_mar1);
}

vfy_date vfy_date_today_utc(void)
{
    time_t now = time(NULL);
    struct tm tm;
    vfy_date d = { 0, 0, 0 };
    if (gmtime_r(&now, &tm) == NULL)
        return d;
    d.year = tm.tm_year + 1900;
    d.month = tm.tm_mon + 1;
    d.day = tm.tm_mday;
    return d;
}
