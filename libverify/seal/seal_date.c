/* Seal dates: 3-byte MMDDYYYY and the IDB masked date. */
#include <stdio.h>

#include "core/date.h"
#include "core/fail.h"
#include "seal/seal_date.h"

vfy_status seal_date3_read(vfy_cursor *c, vfy_date *out)
{
    size_t start = c->pos;
    uint32_t v;
    VFY_TRY(vfy_cur_u24be(c, &v));
    int month = (int)(v / 1000000), day = (int)(v / 10000 % 100), year = (int)(v % 10000);
    if (v > 99999999u || !vfy_ymd_valid(year, month, day)) {
        c->pos = start;
        return vfy_cur_fail(c, VFY_E_BAD_VALUE, "date at offset %zu (MMDDYYYY %08u) is not a calendar date",
                            vfy_cur_offset(c), (unsigned)v);
    }
    out->year = year;
    out->month = month;
    out->day = day;
    return VFY_OK;
}

vfy_status seal_masked_date_read(vfy_cursor *c, vfy_date *out, char text[11])
{
    size_t start = c->pos;
    uint8_t mask;
    uint32_t v;
    VFY_TRY(vfy_cur_u8(c, &mask));
    vfy_status s = vfy_cur_u24be(c, &v);
    if (s != VFY_OK) {
        c->pos = start;
        return s;
    }
    char digits[9];
    snprintf(digits, sizeof digits, "%08u", (unsigned)(v % 100000000u));
    /* The mask's bit 7 covers the first digit of MMDDYYYY. */
    bool unknown[8];
    for (int i = 0; i < 8; i++)
        unknown[i] = (mask >> (7 - i)) & 1;
    bool bad = v > 99999999u;
    for (int i = 0; i < 8 && !bad; i++)
        if (unknown[i] && digits[i] != '0')
            bad = true; /* an unknown digit must be written as 0 */
    int month = (digits[0] - '0') * 10 + (digits[1] - '0');
    int day = (digits[2] - '0') * 10 + (digits[3] - '0');
    int year = (digits[4] - '0') * 1000 + (digits[5] - '0') * 100 + (digits[6] - '0') * 10 + (digits[7] - '0');
    bool month_known = !unknown[0] && !unknown[1];
    bool day_known = !unknown[2] && !unknown[3];
    bool year_known = !unknown[4] && !unknown[5] && !unknown[6] && !unknown[7];
    if (month_known && (month < 1 || month > 12))
        bad = true;
    if (day_known && (day < 1 || day > 31))
        bad = true;
    if (month_known && day_known && year_known && !vfy_ymd_valid(year, month, day))
        bad = true;
    if (bad) {
        c->pos = start;
        return vfy_cur_fail(c, VFY_E_BAD_VALUE, "masked date at offset %zu (mask 0x%02X, %08u) is not a date",
                            vfy_cur_offset(c), mask, (unsigned)v);
    }
    out->year = year_known ? year : 0;
    out->month = month_known ? month : 0;
    out->day = day_known ? day : 0;
    /* YYYY-MM-DD from the digit positions Y1..Y4, M1 M2, D1 D2. */
    static const int order[10] = { 4, 5, 6, 7, -1, 0, 1, -1, 2, 3 };
    for (int i = 0; i < 10; i++)
        text[i] = order[i] < 0 ? '-' : unknown[order[i]] ? 'x' : digits[order[i]];
    text[10] = '\0';
    return VFY_OK;
}
