/*
 * MRZ edges the other suites leave (issue 12 coverage), against ICAO 9303 itself: the
 * 7-3-1 check digit of a very long value (compared with a reference computation written
 * here), a name field with no "<<" separator (ICAO 9303-4 4.6: then all of it is the
 * primary identifier), an empty document number, the BAC/PACE key input of ICAO 9303-11
 * refused for a record without dates or check digits, and the argument refusals. The
 * TD3 lines are the ICAO 9303-4 Appendix A specimen (ERIKSSON ANNA MARIA); the edited
 * ones have their check digits recomputed by hand (the composite digit is shown).
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "mrz/mrz_internal.h"
#include "support.h"
#include "verify.h"

/* ICAO 9303-3 4.9, written out: weights 7, 3, 1; A-Z = 10..35; '<' = 0. */
static int ref_check_digit(const char *s, size_t n)
{
    static const int w[3] = { 7, 3, 1 };
    unsigned long long sum = 0;
    for (size_t i = 0; i < n; i++) {
        int v = s[i] == '<' ? 0 : (s[i] >= '0' && s[i] <= '9') ? s[i] - '0' : s[i] - 'A' + 10;
        sum += (unsigned long long)v * (unsigned long long)w[i % 3];
    }
    return (int)(sum % 10);
}

Test(cov2_seal_mrz, check_digit_of_a_long_value_and_null)
{
    size_t n = 50000;
    char *s = malloc(n);
    for (size_t i = 0; i < n; i++)
        s[i] = "Z9Y<8X"[i % 6];
    s[n - 1] = '7';
    int want = ref_check_digit(s, n);
    cr_assert_eq(vfy_mrz_check_digit(s, n), want);
    s[n - 1] = '4';
    cr_assert_eq(vfy_mrz_check_digit(s, n), ref_check_digit(s, n));
    free(s);
    cr_assert_eq(vfy_mrz_check_digit(NULL, 3), -1);
    cr_assert_eq(vfy_mrz_check_digit("L898902C3", 9), 6); /* ICAO specimen */
    /* a value with a character outside the MRZ set has no check digit to match */
    cr_assert_not(mrz_check_matches("L8989a2C3", 9, '6'));
    cr_assert(mrz_check_matches("L898902C3", 9, '6'));
}

Test(cov2_seal_mrz, names_codes_and_dates)
{
    cr_assert_str_eq(vfy_mrz_format_name((vfy_mrz_format)99), "unknown");
    cr_assert_null(mrz_layout_of((vfy_mrz_format)99));
    cr_assert_not_null(mrz_layout_of(VFY_MRZ_MRVA));
    cr_assert_not_null(mrz_layout_of(VFY_MRZ_MRVB));
    cr_assert_not_null(mrz_layout_of(VFY_MRZ_TD1));
    cr_assert_not_null(mrz_layout_of(VFY_MRZ_TD2));
    cr_assert_not_null(mrz_layout_of(VFY_MRZ_TD3));
    cr_assert_null(vfy_mrz_code_description(NULL));
    cr_assert_null(vfy_mrz_code_description("UTOX"));
    cr_assert_null(vfy_mrz_to_json(NULL, 0));
    char buf[VFY_DATE_ISO_MAX];
    cr_assert_str_eq(vfy_date_iso((vfy_date){ 2024, 5, 0 }, buf), "2024-05");
    cr_assert_str_eq(vfy_date_iso((vfy_date){ 2024, 0, 0 }, buf), "2024");
    cr_assert_str_eq(vfy_date_iso((vfy_date){ 2024, 5, 7 }, buf), "2024-05-07");
}

static const char specimen_line2[] = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

/* No "<<" in the name field: all of it is the primary identifier, no secondary one. */
Test(cov2_seal_mrz, name_without_separator_is_all_surname)
{
    const char *lines[2] = { "P<UTOERIKSSON<ANNA<MARIA<ABCDEFGHIJKLMNOPQRS", specimen_line2 };
    vfy_mrz m;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_mrz_options o = { .today = { 2010, 1, 1 } };
    cr_assert_eq(vfy_mrz_parse_lines(lines, 2, &o, &m, &d), VFY_OK, "%s", d.message);
    cr_assert_str_eq(m.surname, "ERIKSSON ANNA MARIA ABCDEFGHIJKLMNOPQRS");
    cr_assert_str_eq(m.given_names, "");
}

/* Document number all filler, its check digit 0 (the check digit of nine '<'), the
 * composite recomputed (2): the check digits hold, the empty number is the error. */
Test(cov2_seal_mrz, empty_document_number_is_an_error)
{
    const char *lines[2] = { "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                             "<<<<<<<<<0UTO7408122F1204159ZE184226B<<<<<12" };
    vfy_mrz m;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_mrz_options o = { .today = { 2010, 1, 1 } };
    vfy_status s = vfy_mrz_parse_lines(lines, 2, &o, &m, &d);
    /* the lines have an MRZ's shape: parsed, and the record says what is wrong */
    cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
    cr_assert_not(m.valid);
    bool found = false;
    for (unsigned i = 0; i < m.error_count; i++)
        if (strcmp(m.errors[i].field, "document_number") == 0) {
            found = true;
            cr_assert_eq(m.errors[i].status, VFY_E_MRZ_FIELD);
            cr_assert_str_eq(m.errors[i].message, "the document number is empty");
        }
    cr_assert(found);
    cr_assert_eq(vfy_mrz_parse_lines(NULL, 2, &o, &m, &d), VFY_E_INVALID_ARGUMENT);
}

/* ICAO 9303-11 4.3.2: the key input needs the two dates and three check digits. */
Test(cov2_seal_mrz, key_input_refuses_records_without_dates_or_digits)
{
    char out[VFY_MRZ_KEY_INPUT_MAX];
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_mrz m;
    memset(&m, 0, sizeof m);
    m.format = VFY_MRZ_TD3;
    strcpy(m.document_number, "L898902C3");
    m.document_number_cd = '6';
    cr_assert_eq(vfy_mrz_key_input(&m, out, &d), VFY_E_MRZ_FIELD);
    cr_assert_str_eq(d.message, "the MRZ lacks a six-character date");
    strcpy(m.birth_date_raw, "740812");
    strcpy(m.expiry_date_raw, "120415");
    m.birth_date_cd = '2';
    m.expiry_date_cd = '<';
    cr_assert_eq(vfy_mrz_key_input(&m, out, &d), VFY_E_MRZ_CHECK_DIGIT);
    m.expiry_date_cd = '9';
    cr_assert_eq(vfy_mrz_key_input(&m, out, &d), VFY_OK, "%s", d.message);
    cr_assert_str_eq(out, "L898902C3" "6" "740812" "2" "120415" "9");
    cr_assert_eq(vfy_mrz_key_input(&m, NULL, &d), VFY_E_INVALID_ARGUMENT);
}

Test(cov2_seal_mrz, key_input_from_typed_values)
{
    char out[VFY_MRZ_KEY_INPUT_MAX];
    vfy_detail d;
    vfy_detail_clear(&d);
    /* fill typed by the officer is dropped and padded back: same key as without */
    cr_assert_eq(vfy_mrz_key_input_from("L898902C<", "740812", "120415", out, &d), VFY_OK, "%s",
                 d.message);
    char want[VFY_MRZ_KEY_INPUT_MAX];
    cr_assert_eq(vfy_mrz_key_input_from("L898902C", "740812", "120415", want, &d), VFY_OK);
    cr_assert_str_eq(out, want);
    /* "L898902C<" check digit by hand: L=21*7 8*3 9 8*7 9*3 0 2*7 C=12*3 0 = 147+24+9+56+27+0+14+36 = 313 -> 3 */
    cr_assert_str_eq(out, "L898902C<" "3" "740812" "2" "120415" "9");
    char lng[64];
    memset(lng, 'A', sizeof lng - 1);
    lng[sizeof lng - 1] = '\0';
    cr_assert_eq(vfy_mrz_key_input_from(lng, "740812", "120415", out, &d), VFY_E_MRZ_FIELD);
    cr_assert_eq(vfy_mrz_key_input_from("L898902C3", "740812", "120415", NULL, &d),
                 VFY_E_INVALID_ARGUMENT);
}

/* ICAO 9303-3: an unknown part of a birth date is written as '<'. "74<<12": the month is
 * unknown, the day 12 is possible in any month; check digit 6 and composite 8 by hand. */
Test(cov2_seal_mrz, birth_date_with_an_unknown_month)
{
    const char *lines[2] = { "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                             "L898902C36UTO74<<126F1204159ZE184226B<<<<<18" };
    vfy_mrz m;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_mrz_options o = { .today = { 2010, 1, 1 } };
    cr_assert_eq(vfy_mrz_parse_lines(lines, 2, &o, &m, &d), VFY_OK, "%s", d.message);
    cr_assert_str_eq(m.birth_date_raw, "74<<12");
    cr_assert_eq(m.birth_date.year, 1974);
    cr_assert_eq(m.birth_date.month, 0);
    cr_assert_eq(m.birth_date.day, 12);
    cr_assert(vfy_mrz_check_digits_ok(&m));
}

/* An instant gmtime cannot express (year far beyond int): expiry unknown (-1), never
 * "not expired". The specimen expires 2012-04-15: expired at 2013, not at 2011. */
Test(cov2_seal_mrz, expiry_at_an_instant_beyond_the_calendar_is_unknown)
{
    const char *lines[2] = { "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", specimen_line2 };
    vfy_mrz m;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_mrz_options o = { .today = { 2010, 1, 1 } };
    cr_assert_eq(vfy_mrz_parse_lines(lines, 2, &o, &m, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_mrz_expired(&m, (time_t)LLONG_MAX), -1);
    cr_assert_eq(vfy_mrz_expired(&m, (time_t)1357000000), 1);  /* 2013-01-01 */
    cr_assert_eq(vfy_mrz_expired(&m, (time_t)1293840000), 0);  /* 2011-01-01 */
}

/* With repair on, a check digit written as a letter that no OCR confusion explains
 * ('X' looks like no digit) is not "repaired": nothing proven, no repair proposed for
 * it, and the check fails. */
Test(cov2_seal_mrz, repair_does_not_invent_a_check_digit)
{
    const char *lines[2] = { "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                             "L898902C3XUTO7408122F1204159ZE184226B<<<<<10" };
    vfy_mrz m;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_mrz_options o = { .today = { 2010, 1, 1 }, .repair = true };
    vfy_status s = vfy_mrz_parse_lines(lines, 2, &o, &m, &d);
    cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message); /* parsed; the record says what fails */
    for (unsigned i = 0; i < m.repair_count; i++)
        cr_assert_str_neq(m.repairs[i].field, "document_number", "repaired %c -> %c", m.repairs[i].from,
                          m.repairs[i].to);
    cr_assert_not(m.valid);
    cr_assert_not(vfy_mrz_check_digits_ok(&m));
}
