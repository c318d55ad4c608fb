/* ICAO 9303-3 section 4.9: the 7-3-1 check digit over A-Z, 0-9 and '<'. */
#include "mrz/mrz_internal.h"

int mrz_char_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    if (c == '<')
        return 0;
    return -1;
}

int vfy_mrz_check_digit(const char *s, size_t n)
{
    static const unsigned weights[3] = { 7, 3, 1 };
    if (s == NULL && n > 0)
        return -1;
    /* Reduce as we go so that no length can overflow the sum. */
    unsigned sum = 0, w = 0;
    for (size_t i = 0; i < n; i++) {
        int v = mrz_char_value(s[i]);
        if (v < 0)
            return -1;
        sum += (unsigned)v * weights[w];
        if (sum >= 1000000u)
            sum %= 10u;
        w = w == 2 ? 0 : w + 1;
    }
    return (int)(sum % 10u);
}

bool mrz_check_matches(const char *value, size_t n, char stated)
{
    int computed = vfy_mrz_check_digit(value, n);
    if (computed < 0)
        return false;
    if (stated >= '0' && stated <= '9')
        return stated - '0' == computed;
    if (stated != '<')
        return false;
    /* A filler check digit stands only for a field that is entirely filler. */
    for (size_t i = 0; i < n; i++)
        if (value[i] != '<')
            return false;
    return true;
}
