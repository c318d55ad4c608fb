/*
 * The MRZ_information of ICAO 9303-11 section 9.7.2 (the BAC key seed input and the
 * PACE MRZ password): document number, padded with '<' to nine characters when
 * shorter, its check digit, birth date, its check digit, expiry date, its check digit.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/cursor.h"
#include "core/fail.h"
#include "core/writer.h"
#include "mrz/mrz_internal.h"

#define DOCUMENT_NUMBER_MIN 9
#define DOCUMENT_NUMBER_MAX 22 /* TD1: 9 + 13 continued in the optional data */

static vfy_status compose(const char *number, size_t number_len, char number_cd,
                          const char *birth, char birth_cd, const char *expiry, char expiry_cd,
                          char out[VFY_MRZ_KEY_INPUT_MAX], vfy_detail *detail)
{
    char padded[DOCUMENT_NUMBER_MAX + 1];
    if (number_len == 0 || number_len > DOCUMENT_NUMBER_MAX)
        return vfy_fail(detail, VFY_E_MRZ_FIELD, "document_number",
                        "the document number must have 1 to %d characters",
                        DOCUMENT_NUMBER_MAX);
    vfy_writer w;
    vfy_w_init_text(&w, padded, sizeof padded);
    vfy_w_bytes(&w, number, number_len);
    if (number_len < DOCUMENT_NUMBER_MIN) /* short numbers are padded with fillers (9303-11 9.7.2) */
        vfy_w_fill(&w, '<', DOCUMENT_NUMBER_MIN - number_len);
    vfy_w_text_end(&w);
    int n = snprintf(out, VFY_MRZ_KEY_INPUT_MAX, "%s%c%.6s%c%.6s%c", padded, number_cd, birth,
                     birth_cd, expiry, expiry_cd);
    sodium_memzero(padded, sizeof padded);
    if (n < 0 || n >= VFY_MRZ_KEY_INPUT_MAX)
        return vfy_fail(detail, VFY_E_INTERNAL, "mrz", "the MRZ information does not fit");
    return VFY_OK;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

vfy_status vfy_mrz_key_input(const vfy_mrz *mrz, char out[VFY_MRZ_KEY_INPUT_MAX],
                             vfy_detail *detail)
{
    if (mrz == NULL || out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "mrz", "the MRZ or the output is NULL");
    out[0] = '\0';
    if (mrz->format == VFY_MRZ_UNKNOWN)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "mrz",
                        "the MRZ was not parsed: call vfy_mrz_parse first");
    size_t number_len = strnlen(mrz->document_number, sizeof mrz->document_number);
    if (strnlen(mrz->birth_date_raw, sizeof mrz->birth_date_raw) != 6 ||
        strnlen(mrz->expiry_date_raw, sizeof mrz->expiry_date_raw) != 6)
        return vfy_fail(detail, VFY_E_MRZ_FIELD, "mrz", "the MRZ lacks a six-character date");
    if (!is_digit(mrz->document_number_cd) || !is_digit(mrz->birth_date_cd) ||
        !is_digit(mrz->expiry_date_cd))
        return vfy_fail(detail, VFY_E_MRZ_CHECK_DIGIT, "mrz",
                        "a check digit of the document number or a date is not a digit; "
                        "the chip key cannot be formed");
    return compose(mrz->document_number, number_len, mrz->document_number_cd,
                   mrz->birth_date_raw, mrz->birth_date_cd, mrz->expiry_date_raw,
                   mrz->expiry_date_cd, out, detail);
}

/* Reads typed text: surrounding spaces dropped, a-z raised, only A-Z 0-9 '<' kept. */
static vfy_status read_typed(const char *text, const char *field, char *dst, size_t cap,
                             size_t *len, vfy_detail *detail)
{
    if (text == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, field, "the %s is NULL", field);
    vfy_cursor c;
    vfy_cur_init(&c, text, strnlen(text, cap + 64), field, detail);
    size_t n = vfy_cur_remaining(&c);
    uint8_t b;
    while (n > 0 && vfy_cur_peek(&c, 0, &b) == VFY_OK && b == ' ') {
        VFY_TRY(vfy_cur_skip(&c, 1));
        n--;
    }
    while (n > 0 && vfy_cur_peek(&c, n - 1, &b) == VFY_OK && b == ' ')
        n--;
    if (n >= cap)
        return vfy_fail(detail, VFY_E_MRZ_FIELD, field, "the %s is too long", field);
    for (size_t i = 0; i < n; i++) {
        VFY_TRY(vfy_cur_u8(&c, &b));
        if (b >= 'a' && b <= 'z')
            b = (uint8_t)(b - 'a' + 'A');
        if (mrz_char_value((char)b) < 0)
            return vfy_fail_text(detail, VFY_E_MRZ_CHARACTER, field, 1, (unsigned)i + 1,
                                 "the %s holds a character outside A-Z, 0-9 and '<' at "
                                 "position %zu", field, i + 1);
        dst[i] = (char)b;
    }
    dst[n] = '\0';
    *len = n;
    return VFY_OK;
}

static vfy_status read_typed_date(const char *text, const char *field, char dst[7],
                                  vfy_detail *detail)
{
    size_t n;
    VFY_TRY(read_typed(text, field, dst, 7, &n, detail));
    for (size_t i = 0; i < n; i++)
        if (!is_digit(dst[i]) && dst[i] != '<')
            n = 0;
    if (n != 6)
        return vfy_fail(detail, VFY_E_MRZ_DATE, field, "the %s must be six characters YYMMDD",
                        field);
    return VFY_OK;
}

typedef struct typed_key {
    char number[DOCUMENT_NUMBER_MAX + 2], birth[7], expiry[7];
} typed_key;

static vfy_status key_input_from(const char *document_number, const char *birth_yymmdd,
                                 const char *expiry_yymmdd, typed_key *k,
                                 char out[VFY_MRZ_KEY_INPUT_MAX], vfy_detail *detail)
{
    char *number = k->number, *birth = k->birth, *expiry = k->expiry;
    size_t number_len;
    VFY_TRY(read_typed(document_number, "document_number", number, sizeof k->number,
                       &number_len, detail));
    /* Fill typed by the officer carries no information: pad it back below. */
    while (number_len > 0 && number[number_len - 1] == '<')
        number[--number_len] = '\0';
    VFY_TRY(read_typed_date(birth_yymmdd, "birth_date", birth, detail));
    VFY_TRY(read_typed_date(expiry_yymmdd, "expiry_date", expiry, detail));
    /* '<' weighs 0, so padding does not change the number's check digit. */
    int number_cd = vfy_mrz_check_digit(number, number_len);
    int birth_cd = vfy_mrz_check_digit(birth, 6);
    int expiry_cd = vfy_mrz_check_digit(expiry, 6);
    if (number_cd < 0 || birth_cd < 0 || expiry_cd < 0)
        return vfy_fail(detail, VFY_E_INTERNAL, "mrz", "a checked value has no check digit");
    return compose(number, number_len, (char)('0' + number_cd), birth, (char)('0' + birth_cd),
                   expiry, (char)('0' + expiry_cd), out, detail);
}

vfy_status vfy_mrz_key_input_from(const char *document_number, const char *birth_yymmdd,
                                  const char *expiry_yymmdd, char out[VFY_MRZ_KEY_INPUT_MAX],
                                  vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "mrz", "the output is NULL");
    out[0] = '\0';
    typed_key k; /* the access password's parts, wiped whatever the outcome */
    vfy_status s = key_input_from(document_number, birth_yymmdd, expiry_yymmdd, &k, out, detail);
    sodium_memzero(&k, sizeof k);
    return s;
}
