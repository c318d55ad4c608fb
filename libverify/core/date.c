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

int32_t vfy_day_add_months(int32_t days, int months)
{
    int y, m, d;
    vfy_day_to_ymd(days, &y, &m, &d);
    /* Floor division: correct for totals below year 0 too (never reached with the
     * bounded dates and amounts rule sets may carry, but cheap to get right). */
    long total = (long)y * 12 + (m - 1) + months;
    long q = total >= 0 ? total / 12 : -((-total + 11) / 12);
    y = (int)q;
    m = (int)(total - q * 12) + 1;
    if (d > vfy_days_in_month(y, m))
        d = vfy_days_in_month(y, m);
    return vfy_day_from_ymd(y, m, d);
}

int vfy_day_age(int32_t birth, int32_t at, bool feb29_to_mar1)
{
    int by, bm, bd, ay, am, ad;
    vfy_day_to_ymd(birth, &by, &bm, &bd);
    vfy_day_to_ymd(at, &ay, &am, &ad);
    int age = ay - by;
    /* This year's birthday, moved for 29 February in a common year. */
    int cm = bm, cd = bd;
    if (bm == 2 && bd == 29 && !vfy_is_leap_year(ay)) {
        if (feb29_to_mar1) {
            cm = 3;
            cd = 1;
        } else {
            cd = 28;
        }
    }
    if (am < cm || (am == cm && ad < cd))
        age--;
    return age;
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
