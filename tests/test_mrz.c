/*
 * MRZ engine against independent truth: the 47 cases and the 9303-3 check-digit
 * examples of shared/vectors/emrtd/mrz.json (fields computed by an independent
 * parser, upstream suites cross-checked), read at test time; plus every check digit
 * broken one at a time, century boundaries, hygiene and repair.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>
#include <string.h>

#include "support.h"
#include "verify.h"

static const vfy_mrz_options at_2026 = { .today = { 2026, 11, 28 }, .repair = false };

static json_t *load_vectors(void)
{
    char path[1024];
    SHARED_PATH("vectors/emrtd/mrz.json", path);
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    cr_assert_not_null(root, "%s: %s", path, err.text);
    return root;
}

static vfy_mrz parse_case(json_t *c, vfy_status *status, const vfy_mrz_options *opt)
{
    json_t *lines = json_object_get(c, "lines");
    const char *l[3] = { NULL, NULL, NULL };
    size_t n = json_array_size(lines);
    cr_assert(n >= 2 && n <= 3);
    for (size_t i = 0; i < n; i++)
        l[i] = json_string_value(json_array_get(lines, i));
    vfy_mrz m;
    vfy_detail d;
    vfy_detail_clear(&d);
    *status = vfy_mrz_parse_lines(l, n, opt, &m, &d);
    return m;
}

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void expect_field(const char *id, const char *what, const char *want, const char *got)
{
    if (want == NULL)
        return;
    cr_expect_str_eq(got, want, "%s: %s is '%s', want '%s'", id, what, got, want);
}

static bool any_failed(const vfy_mrz *m)
{
    return m->check_document_number == VFY_CHECK_FAILED || m->check_birth_date == VFY_CHECK_FAILED ||
           m->check_expiry_date == VFY_CHECK_FAILED || m->check_optional_data == VFY_CHECK_FAILED ||
           m->check_composite == VFY_CHECK_FAILED;
}

static void expect_check(const char *id, json_t *cds, const char *key, vfy_check got)
{
    json_t *cd = json_object_get(cds, key);
    if (cd == NULL)
        return;
    bool want = json_is_true(json_object_get(cd, "valid"));
    cr_expect_eq(got, want ? VFY_CHECK_OK : VFY_CHECK_FAILED, "%s: check %s is %d, want %s", id,
                 key, got, want ? "ok" : "failed");
}

/* One vector case against the fields its independent parser computed. */
static void check_vector_case(json_t *c)
{
    const char *id = str(c, "id");
    json_t *p = json_object_get(c, "parsed");
    vfy_status s;
    vfy_mrz m = parse_case(c, &s, &at_2026);
    cr_expect_eq(s, VFY_OK, "%s: status %s", id, vfy_status_name(s));
    if (s != VFY_OK)
        return;
    char format[8];
    const char *f = str(p, "format");
    size_t o = 0;
    for (; *f != '\0' && o + 1 < sizeof format; f++)
        if (*f != '-')
            format[o++] = *f;
    format[o] = '\0';
    expect_field(id, "format", format, vfy_mrz_format_name(m.format));
    expect_field(id, "document_code", str(p, "document_code"), m.document_code);
    expect_field(id, "issuing_state", str(p, "issuing_state"), m.issuing_state);
    expect_field(id, "surname", str(p, "primary_identifier"), m.surname);
    expect_field(id, "given_names", str(p, "secondary_identifier"), m.given_names);
    expect_field(id, "document_number", str(p, "document_number"), m.document_number);
    expect_field(id, "nationality", str(p, "nationality"), m.nationality);
    expect_field(id, "birth_date_raw", str(p, "date_of_birth"), m.birth_date_raw);
    expect_field(id, "expiry_date_raw", str(p, "date_of_expiry"), m.expiry_date_raw);
    if (m.format == VFY_MRZ_TD1) {
        expect_field(id, "optional_data", str(p, "optional_data_1"), m.optional_data);
        expect_field(id, "optional_data_2", str(p, "optional_data_2"), m.optional_data_2);
    } else {
        expect_field(id, "optional_data", str(p, "optional_data"), m.optional_data);
    }
    /* 9303 prints '<' for an unspecified sex; the API reports it as X. */
    const char *sex = str(p, "sex");
    cr_expect_eq(m.sex, sex[0] == '<' ? 'X' : sex[0], "%s: sex %c", id, m.sex);
    cr_expect_eq(m.document_number_extended,
                 json_is_true(json_object_get(p, "document_number_overflow")),
                 "%s: long document number", id);
    json_t *cds = json_object_get(p, "check_digits");
    expect_check(id, cds, "document_number", m.check_document_number);
    expect_check(id, cds, "date_of_birth", m.check_birth_date);
    expect_check(id, cds, "date_of_expiry", m.check_expiry_date);
    expect_check(id, cds, "personal_number", m.check_optional_data);
    expect_check(id, cds, "composite", m.check_composite);
    bool want_cd = json_is_true(json_object_get(c, "expected_check_digits_valid"));
    cr_expect_eq(!any_failed(&m), want_cd, "%s: check digits valid %d, want %d", id,
                 !any_failed(&m), want_cd);
    /* Every vector with good check digits is also well-formed; the bad ones not. */
    cr_expect_eq(m.valid, want_cd, "%s: valid %d (first error: %s)", id, m.valid,
                 m.error_count > 0 ? m.errors[0].message : "none");
}

#define MRZ_VECTOR_CASES 47

Test(mrz_vectors, the_file_has_47_cases)
{
    json_t *root = load_vectors();
    cr_expect_eq(json_array_size(json_object_get(root, "cases")), MRZ_VECTOR_CASES);
    json_decref(root);
}

/* One test per case, so that each vector passes or fails by name. */
ParameterizedTestParameters(mrz_vectors, case_matches_the_independent_fields)
{
    static int indices[MRZ_VECTOR_CASES];
    for (int i = 0; i < MRZ_VECTOR_CASES; i++)
        indices[i] = i;
    return cr_make_param_array(int, indices, MRZ_VECTOR_CASES);
}

ParameterizedTest(int *index, mrz_vectors, case_matches_the_independent_fields)
{
    json_t *root = load_vectors();
    json_t *c = json_array_get(json_object_get(root, "cases"), (size_t)*index);
    cr_assert_not_null(c, "case %d is missing", *index);
    check_vector_case(c);
    json_decref(root);
}

Test(mrz_vectors, check_digit_examples_of_9303_3)
{
    json_t *root = load_vectors();
    json_t *ex = json_object_get(json_object_get(root, "check_digit_examples"), "cases");
    cr_assert_geq(json_array_size(ex), 5);
    size_t i;
    json_t *c;
    json_array_foreach(ex, i, c) {
        const char *in = str(c, "input");
        int want = str(c, "check_digit")[0] - '0';
        cr_expect_eq(vfy_mrz_check_digit(in, strlen(in)), want, "%s", in);
    }
    json_decref(root);
}

Test(mrz_check_digit, rejects_characters_outside_the_set)
{
    cr_assert_eq(vfy_mrz_check_digit("AB1a", 4), -1);
    cr_assert_eq(vfy_mrz_check_digit("AB 1", 4), -1);
    cr_assert_eq(vfy_mrz_check_digit("", 0), 0);
    cr_assert_eq(vfy_mrz_check_digit(NULL, 0), 0);
}

/* ---- the five ICAO specimens, and each check digit broken one at a time ---------- */

typedef struct specimen {
    const char *name;
    vfy_mrz_format format;
    unsigned count;
    const char *lines[3];
} specimen;

static const specimen specimens[] = {
    { "TD1", VFY_MRZ_TD1, 3,
      { "I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<" } },
    { "TD2", VFY_MRZ_TD2, 2,
      { "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6" } },
    { "TD3", VFY_MRZ_TD3, 2,
      { "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10" } },
    { "MRVA", VFY_MRZ_MRVA, 2,
      { "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L8988901C4XXX4009078F96121096ZE184226B<<<<<<" } },
    { "MRVB", VFY_MRZ_MRVB, 2,
      { "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<" } },
};

/* Check-digit positions from 9303-4..7 (1-based line, column), and which checks a
 * change there must break: the field's own and, where the format has one, the
 * composite (which covers the field check digits too). */
typedef struct cd_position {
    const char *format;
    unsigned line, column;
    const char *field;
} cd_position;

static const cd_position cd_positions[] = {
    { "TD1", 1, 15, "document_number" }, { "TD1", 2, 7, "birth_date" },
    { "TD1", 2, 15, "expiry_date" },     { "TD1", 2, 30, "composite" },
    { "TD2", 2, 10, "document_number" }, { "TD2", 2, 20, "birth_date" },
    { "TD2", 2, 28, "expiry_date" },     { "TD2", 2, 36, "composite" },
    { "TD3", 2, 10, "document_number" }, { "TD3", 2, 20, "birth_date" },
    { "TD3", 2, 28, "expiry_date" },     { "TD3", 2, 43, "optional_data" },
    { "TD3", 2, 44, "composite" },       { "MRVA", 2, 10, "document_number" },
    { "MRVA", 2, 20, "birth_date" },     { "MRVA", 2, 28, "expiry_date" },
    { "MRVB", 2, 10, "document_number" }, { "MRVB", 2, 20, "birth_date" },
    { "MRVB", 2, 28, "expiry_date" },
};

static vfy_check check_named(const vfy_mrz *m, const char *field)
{
    if (strcmp(field, "document_number") == 0) return m->check_document_number;
    if (strcmp(field, "birth_date") == 0) return m->check_birth_date;
    if (strcmp(field, "expiry_date") == 0) return m->check_expiry_date;
    if (strcmp(field, "optional_data") == 0) return m->check_optional_data;
    return m->check_composite;
}

static const specimen *specimen_named(const char *name)
{
    for (size_t i = 0; i < sizeof specimens / sizeof specimens[0]; i++)
        if (strcmp(specimens[i].name, name) == 0)
            return &specimens[i];
    cr_assert_fail("no specimen %s", name);
    return NULL;
}

static vfy_status parse_specimen(const specimen *s, vfy_mrz *m)
{
    vfy_detail d;
    vfy_detail_clear(&d);
    return vfy_mrz_parse_lines(s->lines, s->count, &at_2026, m, &d);
}

Test(mrz_formats, every_specimen_is_valid_and_detected)
{
    for (size_t i = 0; i < sizeof specimens / sizeof specimens[0]; i++) {
        vfy_mrz m;
        cr_assert_eq(parse_specimen(&specimens[i], &m), VFY_OK, "%s", specimens[i].name);
        cr_expect_eq(m.format, specimens[i].format, "%s", specimens[i].name);
        cr_expect(m.valid, "%s: %s", specimens[i].name, m.error_count ? m.errors[0].message : "");
        cr_expect_str_eq(vfy_mrz_format_name(m.format), specimens[i].name);
        bool visa = m.format == VFY_MRZ_MRVA || m.format == VFY_MRZ_MRVB;
        cr_expect_eq(m.check_composite, visa ? VFY_CHECK_ABSENT : VFY_CHECK_OK, "%s",
                     specimens[i].name);
        cr_expect_eq(m.check_optional_data,
                     m.format == VFY_MRZ_TD3 ? VFY_CHECK_OK : VFY_CHECK_ABSENT, "%s",
                     specimens[i].name);
    }
}

Test(mrz_formats, every_check_digit_broken_one_at_a_time)
{
    for (size_t i = 0; i < sizeof cd_positions / sizeof cd_positions[0]; i++) {
        const cd_position *p = &cd_positions[i];
        const specimen *s = specimen_named(p->format);
        char lines[3][45];
        const char *ptrs[3];
        for (unsigned l = 0; l < s->count; l++) {
            snprintf(lines[l], sizeof lines[l], "%s", s->lines[l]);
            ptrs[l] = lines[l];
        }
        char *c = &lines[p->line - 1][p->column - 1];
        cr_assert(*c >= '0' && *c <= '9', "%s %u:%u is not a digit", p->format, p->line,
                  p->column);
        *c = (char)('0' + (*c - '0' + 1) % 10);
        vfy_mrz m;
        vfy_detail d;
        vfy_detail_clear(&d);
        cr_assert_eq(vfy_mrz_parse_lines(ptrs, s->count, &at_2026, &m, &d), VFY_OK);
        cr_expect_not(m.valid, "%s %s", p->format, p->field);
        cr_expect_eq(check_named(&m, p->field), VFY_CHECK_FAILED, "%s %s", p->format, p->field);
        bool visa = m.format == VFY_MRZ_MRVA || m.format == VFY_MRZ_MRVB;
        if (!visa)
            cr_expect_eq(m.check_composite, VFY_CHECK_FAILED, "%s %s breaks the composite",
                         p->format, p->field);
        /* The other field checks are untouched. */
        static const char *fields[] = { "document_number", "birth_date", "expiry_date" };
        for (size_t f = 0; f < 3; f++)
            if (strcmp(fields[f], p->field) != 0)
                cr_expect_eq(check_named(&m, fields[f]), VFY_CHECK_OK, "%s %s left %s",
                             p->format, p->field, fields[f]);
        cr_assert_geq(m.error_count, 1);
        bool located = false;
        for (unsigned e = 0; e < m.error_count; e++)
            located |= strcmp(m.errors[e].field, p->field) == 0 &&
                       m.errors[e].line == p->line && m.errors[e].column == p->column;
        cr_expect(located, "%s %s: no error at line %u column %u", p->format, p->field, p->line,
                  p->column);
    }
}

Test(mrz_formats, specimen_fields_and_dates)
{
    vfy_mrz m;
    cr_assert_eq(parse_specimen(specimen_named("TD3"), &m), VFY_OK);
    cr_expect_eq(m.birth_date.year, 1974);
    cr_expect_eq(m.birth_date.month, 8);
    cr_expect_eq(m.birth_date.day, 12);
    cr_expect_eq(m.expiry_date.year, 2012);
    cr_expect_eq(m.expiry_date.month, 4);
    cr_expect_eq(m.expiry_date.day, 15);
    cr_expect_eq(m.document_number_cd, '6');
    cr_expect_eq(m.birth_date_cd, '2');
    cr_expect_eq(m.expiry_date_cd, '9');
    cr_expect_not(m.name_truncated);
    cr_assert_eq(parse_specimen(specimen_named("MRVA"), &m), VFY_OK);
    cr_expect_eq(m.birth_date.year, 1940);
    cr_expect_eq(m.expiry_date.year, 1996);
    cr_expect_str_eq(m.nationality, "XXX");
    cr_expect_str_eq(vfy_mrz_code_description(m.nationality), "person of unspecified nationality");
    cr_expect_str_eq(vfy_mrz_code_description("UTO"),
                     "Utopia, the fictitious state of ICAO specimens (not an issued document)");
    cr_expect_null(vfy_mrz_code_description("FRA")); /* plain ISO 3166-1: no note */
}

/* ---- building MRZs with given dates (check digits from the verified function) ---- */

static void td3_line2(char out[64], const char *number, const char *birth, const char *expiry)
{
    char docno[10];
    snprintf(docno, sizeof docno, "%-9s", number);
    for (int i = 0; i < 9; i++)
        if (docno[i] == ' ')
            docno[i] = '<';
    char body[64];
    snprintf(body, sizeof body, "%s%dUTO%s%dF%s%d<<<<<<<<<<<<<<0", docno,
             vfy_mrz_check_digit(docno, 9), birth, vfy_mrz_check_digit(birth, 6), expiry,
             vfy_mrz_check_digit(expiry, 6));
    /* composite: 1-10, 14-20, 22-43 */
    char comp[40];
    memcpy(comp, body, 10);
    memcpy(comp + 10, body + 13, 7);
    memcpy(comp + 17, body + 21, 22);
    snprintf(out, 64, "%.43s%d", body, vfy_mrz_check_digit(comp, 39));
}

static vfy_mrz parse_td3_dates(const char *birth, const char *expiry, vfy_date today)
{
    char l2[64];
    td3_line2(l2, "L898902C3", birth, expiry);
    const char *lines[2] = { "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", l2 };
    vfy_mrz_options o = { .today = today, .repair = false };
    vfy_mrz m;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_mrz_parse_lines(lines, 2, &o, &m, &d), VFY_OK, "%s", d.message);
    return m;
}

#define EXPECT_DATE(d, y, mo, da)                                                           \
    cr_expect((d).year == (y) && (d).month == (mo) && (d).day == (da),                     \
              "date %04d-%02d-%02d, want %04d-%02d-%02d", (d).year, (d).month, (d).day, (y), \
              (mo), (da))

typedef struct century_case {
    const char *birth, *expiry;
    vfy_date today, want_birth, want_expiry;
} century_case;

static void run_century_cases(const century_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const century_case *c = &cases[i];
        vfy_mrz m = parse_td3_dates(c->birth, c->expiry, c->today);
        cr_expect(m.valid, "%s %s", c->birth, c->expiry);
        EXPECT_DATE(m.birth_date, c->want_birth.year, c->want_birth.month, c->want_birth.day);
        EXPECT_DATE(m.expiry_date, c->want_expiry.year, c->want_expiry.month,
                    c->want_expiry.day);
    }
}

Test(mrz_dates, birth_is_never_in_the_future)
{
    static const century_case cases[] = {
        { "261128", "300101", { 2026, 11, 28 }, { 2026, 11, 28 }, { 2030, 1, 1 } },
        { "261129", "300101", { 2026, 11, 28 }, { 1926, 11, 29 }, { 2030, 1, 1 } },
        { "261201", "300101", { 2026, 11, 28 }, { 1926, 12, 1 }, { 2030, 1, 1 } },
        { "270101", "300101", { 2026, 11, 28 }, { 1927, 1, 1 }, { 2030, 1, 1 } },
        { "000101", "300101", { 2000, 1, 1 }, { 2000, 1, 1 }, { 2030, 1, 1 } },
        { "000102", "300101", { 2000, 1, 1 }, { 1900, 1, 2 }, { 2030, 1, 1 } },
    };
    run_century_cases(cases, sizeof cases / sizeof cases[0]);
}

Test(mrz_dates, expiry_window_is_fifty_years_each_way)
{
    static const century_case cases[] = {
        { "740812", "761231", { 2026, 11, 28 }, { 1974, 8, 12 }, { 2076, 12, 31 } },
        { "740812", "770101", { 2026, 11, 28 }, { 1974, 8, 12 }, { 1977, 1, 1 } },
        { "740812", "260101", { 2026, 11, 28 }, { 1974, 8, 12 }, { 2026, 1, 1 } },
        { "740812", "991231", { 2049, 6, 1 }, { 1974, 8, 12 }, { 2099, 12, 31 } },
        { "740812", "000101", { 2051, 6, 1 }, { 1974, 8, 12 }, { 2100, 1, 1 } },
    };
    run_century_cases(cases, sizeof cases / sizeof cases[0]);
}

Test(mrz_dates, unknown_parts_are_zero_not_invented)
{
    vfy_date today = { 2026, 11, 28 };
    vfy_mrz m = parse_td3_dates("74<<<<", "300101", today);
    EXPECT_DATE(m.birth_date, 1974, 0, 0);
    cr_expect(m.valid, "%s", m.error_count ? m.errors[0].message : "");
    m = parse_td3_dates("7408<<", "300101", today);
    EXPECT_DATE(m.birth_date, 1974, 8, 0);
    m = parse_td3_dates("<<<<<<", "300101", today);
    EXPECT_DATE(m.birth_date, 0, 0, 0);
    cr_expect_str_eq(m.birth_date_raw, "<<<<<<");
    cr_expect(m.valid);
    m = parse_td3_dates("<<0229", "300101", today); /* year unknown: 29 February allowed */
    EXPECT_DATE(m.birth_date, 0, 2, 29);
    m = parse_td3_dates("7<0812", "300101", today);
    cr_expect_not(m.valid);
    cr_expect_str_eq(m.errors[0].field, "birth_date");
}

Test(mrz_dates, impossible_dates_are_errors)
{
    vfy_date today = { 2026, 11, 28 };
    static const char *bad[] = { "741312", "740001", "740230", "740431", "740800", "010229" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vfy_mrz m = parse_td3_dates(bad[i], "300101", today);
        cr_expect_not(m.valid, "%s", bad[i]);
        cr_expect_eq(m.check_birth_date, VFY_CHECK_OK, "%s", bad[i]);
        cr_expect_eq(m.error_count, 1, "%s", bad[i]);
        cr_expect_str_eq(m.errors[0].field, "birth_date", "%s", bad[i]);
        cr_expect_eq(m.errors[0].line, 2);
        cr_expect_eq(m.errors[0].column, 14);
        EXPECT_DATE(m.birth_date, 0, 0, 0);
    }
    vfy_mrz m = parse_td3_dates("000229", "300101", today); /* 2000 is a leap year */
    EXPECT_DATE(m.birth_date, 2000, 2, 29);
    m = parse_td3_dates("740812", "281301", today);
    cr_expect_not(m.valid);
    cr_expect_str_eq(m.errors[0].field, "expiry_date");
}

Test(mrz_dates, bad_reference_date_is_refused)
{
    const specimen *s = specimen_named("TD3");
    vfy_mrz_options o = { .today = { 2026, 2, 30 } };
    vfy_mrz m;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_mrz_parse_lines(s->lines, 2, &o, &m, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_str_eq(d.field, "today");
    /* NULL options: the system date, no repair. */
    cr_assert_eq(vfy_mrz_parse_lines(s->lines, 2, NULL, &m, &d), VFY_OK);
    cr_expect_eq(m.birth_date.year, 1974);
}

/* ---- input hygiene --------------------------------------------------------------- */

static vfy_status parse_text(const char *text, size_t len, vfy_mrz *m, vfy_detail *d)
{
    vfy_detail_clear(d);
    return vfy_mrz_parse(text, len, &at_2026, m, d);
}

#define TD3_L1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define TD3_L2 "L898902C36UTO7408122F1204159ZE184226B<<<<<10"

Test(mrz_text, separators_whitespace_and_joined_lines)
{
    static const char *forms[] = {
        TD3_L1 "\n" TD3_L2,
        TD3_L1 "\r\n" TD3_L2 "\r\n",
        TD3_L1 "\r" TD3_L2 "\r",
        "  \t" TD3_L1 "  \n\n   " TD3_L2 " \n\n",
        TD3_L1 TD3_L2,
        "\n  " TD3_L1 TD3_L2 "  \r\n",
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        vfy_mrz m;
        vfy_detail d;
        cr_assert_eq(parse_text(forms[i], strlen(forms[i]), &m, &d), VFY_OK, "form %zu: %s", i,
                     d.message);
        cr_expect_eq(m.format, VFY_MRZ_TD3, "form %zu", i);
        cr_expect(m.valid, "form %zu", i);
        cr_expect_str_eq(m.lines[0], TD3_L1);
        cr_expect_str_eq(m.lines[1], TD3_L2);
    }
    /* Joined TD1 (90) and TD2 (72). */
    const specimen *td1 = specimen_named("TD1"), *td2 = specimen_named("TD2");
    char joined[100];
    snprintf(joined, sizeof joined, "%s%s%s", td1->lines[0], td1->lines[1], td1->lines[2]);
    vfy_mrz m;
    vfy_detail d;
    cr_assert_eq(parse_text(joined, strlen(joined), &m, &d), VFY_OK);
    cr_expect_eq(m.format, VFY_MRZ_TD1);
    cr_expect(m.valid);
    snprintf(joined, sizeof joined, "%s%s", td2->lines[0], td2->lines[1]);
    cr_assert_eq(parse_text(joined, strlen(joined), &m, &d), VFY_OK);
    cr_expect_eq(m.format, VFY_MRZ_TD2);
    cr_expect(m.valid);
}

static void expect_char_error(const char *text, size_t len, unsigned line, unsigned column)
{
    vfy_mrz m;
    vfy_detail d;
    cr_assert_eq(parse_text(text, len, &m, &d), VFY_E_MRZ_CHARACTER, "%s", d.message);
    cr_expect_eq(d.line, line, "line %u, want %u (%s)", d.line, line, d.message);
    cr_expect_eq(d.column, column, "column %u, want %u (%s)", d.column, column, d.message);
    cr_expect_neq(d.message[0], '\0');
}

Test(mrz_text, junk_characters_are_located)
{
    const char lower[] = "P<UTOeRIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" TD3_L2;
    expect_char_error(lower, strlen(lower), 1, 6);
    const char space[] = TD3_L1 "\nL898902C36 TO7408122F1204159ZE184226B<<<<<10";
    expect_char_error(space, strlen(space), 2, 11);
    const char nul[] = TD3_L1 "\nL8\0902C36UTO7408122F1204159ZE184226B<<<<<10";
    expect_char_error(nul, sizeof nul - 1, 2, 3);
    const char utf8[] = TD3_L1 "\nL898902C36UTO7408122F1204159ZE184226B<<<<\xc3\xa9";
    expect_char_error(utf8, strlen(utf8), 2, 42);
    /* Joined input is reported in the coordinates of the split lines. */
    const char joined[] = TD3_L1 "L898902C36UTO7408122F12041*9ZE184226B<<<<<10";
    expect_char_error(joined, strlen(joined), 2, 27);
    const char tab[] = TD3_L1 "\nL898902C36UTO7408122F1204159\tE184226B<<<<<10";
    expect_char_error(tab, strlen(tab), 2, 29);
}

static void expect_format_error(const char *text, unsigned line)
{
    vfy_mrz m;
    vfy_detail d;
    cr_assert_eq(parse_text(text, strlen(text), &m, &d), VFY_E_MRZ_FORMAT, "%s: %s", text,
                 d.message);
    cr_expect_eq(d.line, line, "%s: line %u, want %u", text, d.line, line);
    cr_expect_neq(d.message[0], '\0');
    cr_expect_eq(m.format, VFY_MRZ_UNKNOWN);
}

Test(mrz_text, wrong_shapes_and_empty_input)
{
    expect_format_error("", 0);
    expect_format_error("   \r\n \n\t\n", 0);
    expect_format_error(TD3_L1, 1);
    expect_format_error(TD3_L1 "\nL898902C36UTO7408122F1204159ZE184226B<<<<<1", 2);
    expect_format_error(TD3_L1 "\n" TD3_L2 "<", 2);
    expect_format_error(TD3_L1 "\n" TD3_L2 "\n" TD3_L2, 1);
    expect_format_error("I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6", 1);
    expect_format_error("A\nB\nC\nD", 4);
    expect_format_error(TD3_L1 TD3_L2 "<", 1);
    vfy_mrz m;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_mrz_parse(NULL, 5, NULL, &m, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_mrz_parse(TD3_L1, 44, NULL, NULL, &d), VFY_E_INVALID_ARGUMENT);
    const char *with_null[] = { TD3_L1, NULL };
    cr_expect_eq(vfy_mrz_parse_lines(with_null, 2, NULL, &m, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_mrz_parse_lines(NULL, 0, NULL, &m, &d), VFY_E_MRZ_FORMAT);
    /* A line read with fgets keeps its newline. */
    const char *fgets_lines[] = { TD3_L1 "\n", TD3_L2 "\r\n" };
    cr_expect_eq(vfy_mrz_parse_lines(fgets_lines, 2, &at_2026, &m, &d), VFY_OK);
    cr_expect(m.valid);
}

/* ---- fields -------------------------------------------------------------------- */

static vfy_mrz parse2(const char *l1, const char *l2)
{
    const char *lines[2] = { l1, l2 };
    vfy_mrz m;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_mrz_parse_lines(lines, 2, &at_2026, &m, &d), VFY_OK, "%s", d.message);
    return m;
}

static vfy_mrz parse3(const char *l1, const char *l2, const char *l3)
{
    const char *lines[3] = { l1, l2, l3 };
    vfy_mrz m;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_mrz_parse_lines(lines, 3, &at_2026, &m, &d), VFY_OK, "%s", d.message);
    return m;
}

static void expect_one_error(const vfy_mrz *m, const char *field, unsigned line, unsigned column);

/* ---- what 9303-3 to -7 forbid although every check digit holds -------------------- */

/* The spec's own examples with one code changed. Neither the document code nor the
 * issuing state nor the nationality is under any check digit (9303-4 4.2.4, 9303-5 and -6
 * 4.2.4), so each changed MRZ keeps every check digit correct: only the code rules can
 * catch it. */
#define TD1_L1 "I<UTOD231458907<<<<<<<<<<<<<<<"
#define TD1_L2 "7408122F1204159UTO<<<<<<<<<<<6"
#define TD1_L3 "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
#define TD2_L1 "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<"
#define TD2_L2 "D231458907UTO7408122F1204159<<<<<<<6"

static void with_code(char *line, const char *code, size_t at)
{
    memcpy(line + at, code, strlen(code));
}

static void expect_code_error(const vfy_mrz *m, vfy_status status, const char *field,
                              unsigned line, unsigned column)
{
    cr_expect(vfy_mrz_check_digits_ok(m), "the check digits still hold");
    expect_one_error(m, field, line, column);
    if (m->error_count == 1)
        cr_expect_eq(m->errors[0].status, status, "%s, not %s", vfy_status_name(m->errors[0].status),
                     vfy_status_name(status));
}

static vfy_mrz td1_coded(const char *doc, const char *state, const char *nationality)
{
    char l1[] = TD1_L1, l2[] = TD1_L2;
    with_code(l1, doc, 0);
    with_code(l1, state, 2);
    with_code(l2, nationality, 15);
    return parse3(l1, l2, TD1_L3);
}

static vfy_mrz td2_coded(const char *doc, const char *state, const char *nationality)
{
    char l1[] = TD2_L1, l2[] = TD2_L2;
    with_code(l1, doc, 0);
    with_code(l1, state, 2);
    with_code(l2, nationality, 10);
    return parse2(l1, l2);
}

static vfy_mrz td3_coded(const char *doc, const char *state, const char *nationality)
{
    char l1[] = TD3_L1, l2[] = TD3_L2;
    with_code(l1, doc, 0);
    with_code(l1, state, 2);
    with_code(l2, nationality, 10);
    return parse2(l1, l2);
}

Test(mrz_codes, document_codes_each_format_forbids)
{
    /* 9303-5 note k and 9303-6 note k: a card's first letter is A, C or I. */
    vfy_mrz m = td1_coded("Q<", "UTO", "UTO");
    expect_code_error(&m, VFY_E_MRZ_DOCUMENT_CODE, "document_code", 1, 1);
    m = td1_coded("P<", "UTO", "UTO");
    expect_code_error(&m, VFY_E_MRZ_DOCUMENT_CODE, "document_code", 1, 1);
    m = td2_coded("Q<", "UTO", "UTO");
    expect_code_error(&m, VFY_E_MRZ_DOCUMENT_CODE, "document_code", 1, 1);
    m = td2_coded("P<", "UTO", "UTO");
    expect_code_error(&m, VFY_E_MRZ_DOCUMENT_CODE, "document_code", 1, 1);
    /* ... V is never the second letter; TD1 forbids AI, TD2 forbids AC. */
    m = td1_coded("IV", "UTO", "UTO");
    expect_code_error(&m, VFY_E_MRZ_DOCUMENT_CODE, "document_code", 1, 1);
    m = td1_coded("AI", "UTO", "UTO");
    expect_code_error(&m, VFY_E_MRZ_DOCUMENT_CODE, "document_code", 1, 1);
    m = td2_coded("AC", "UTO", "UTO");
    expect_code_error(&m, VFY_E_MRZ_DOCUMENT_CODE, "document_code", 1, 1);
    m = td2_coded("CV", "UTO", "UTO");
    expect_code_error(&m, VFY_E_MRZ_DOCUMENT_CODE, "document_code", 1, 1);
    /* 9303-4: a TD3 document code starts with P. */
    m = td3_coded("I<", "UTO", "UTO");
    expect_code_error(&m, VFY_E_MRZ_DOCUMENT_CODE, "document_code", 1, 1);
    m = td3_coded("AC", "UTO", "UTO");
    expect_code_error(&m, VFY_E_MRZ_DOCUMENT_CODE, "document_code", 1, 1);
    /* What the notes allow stays valid: AC is the TD1 crew member certificate (9303-5
     * Appendix C), ID and C< are the issuer's choice, PD, PE, PU are passports (9303-4
     * 4.4, 9303-8), P< is a passport issued before the harmonised second letters. */
    static const char *const cards[] = { "AC", "ID", "I<", "C<", "A<", "IP" };
    for (size_t i = 0; i < sizeof cards / sizeof cards[0]; i++) {
        m = td1_coded(cards[i], "UTO", "UTO");
        cr_expect(m.valid, "TD1 %s: %s", cards[i], m.error_count ? m.errors[0].message : "");
    }
    static const char *const td2[] = { "ID", "I<", "C<", "AP" };
    for (size_t i = 0; i < sizeof td2 / sizeof td2[0]; i++) {
        m = td2_coded(td2[i], "UTO", "UTO");
        cr_expect(m.valid, "TD2 %s: %s", td2[i], m.error_count ? m.errors[0].message : "");
    }
    static const char *const passports[] = { "P<", "PP", "PD", "PE", "PO", "PU", "PR" };
    for (size_t i = 0; i < sizeof passports / sizeof passports[0]; i++) {
        m = td3_coded(passports[i], "UTO", "UTO");
        cr_expect(m.valid, "TD3 %s: %s", passports[i], m.error_count ? m.errors[0].message : "");
    }
}

Test(mrz_codes, states_and_nationalities_outside_9303_3)
{
    /* ZIM is no code (Zimbabwe is ZWE); QQQ, AAA and ZZZ are not codes either. */
    vfy_mrz m = td3_coded("P<", "ZIM", "UTO");
    expect_code_error(&m, VFY_E_MRZ_STATE_CODE, "issuing_state", 1, 3);
    cr_expect_str_eq(m.issuing_state, "ZIM");
    m = td3_coded("P<", "UTO", "QQQ");
    expect_code_error(&m, VFY_E_MRZ_STATE_CODE, "nationality", 2, 11);
    m = td1_coded("I<", "ZZZ", "UTO");
    expect_code_error(&m, VFY_E_MRZ_STATE_CODE, "issuing_state", 1, 3);
    m = td1_coded("I<", "UTO", "AAA");
    expect_code_error(&m, VFY_E_MRZ_STATE_CODE, "nationality", 2, 16);
    m = td2_coded("I<", "UTO", "DE<");   /* Germany is D<< or DEU, never DE */
    expect_code_error(&m, VFY_E_MRZ_STATE_CODE, "nationality", 2, 11);
    /* Both wrong: two findings, each with its field. */
    m = td3_coded("Q<", "ZZZ", "QQQ");
    cr_expect_not(m.valid);
    cr_assert_eq(m.error_count, 3);
    cr_expect_eq(m.errors[0].status, VFY_E_MRZ_DOCUMENT_CODE);
    cr_expect_eq(m.errors[1].status, VFY_E_MRZ_STATE_CODE);
    cr_expect_str_eq(m.errors[1].field, "issuing_state");
    cr_expect_eq(m.errors[2].status, VFY_E_MRZ_STATE_CODE);
    cr_expect_str_eq(m.errors[2].field, "nationality");
    /* A check digit failure keeps its own status next to a code finding. */
    m = parse2("P<ZZZERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
               "L898902C37UTO7408122F1204159ZE184226B<<<<<10");
    cr_expect_not(vfy_mrz_check_digits_ok(&m));
    bool saw_state = false, saw_digit = false;
    for (unsigned i = 0; i < m.error_count; i++) {
        saw_state |= m.errors[i].status == VFY_E_MRZ_STATE_CODE;
        saw_digit |= m.errors[i].status == VFY_E_MRZ_CHECK_DIGIT;
    }
    cr_expect(saw_state && saw_digit);
}

Test(mrz_codes, the_codes_9303_3_adds_to_iso_3166)
{
    /* 9303-3 section 5: ISO 3166-1 alpha-3 plus ICAO's own codes. */
    static const char *const codes[] = {
        "D<<", "GBD", "GBN", "GBO", "GBP", "GBS", "RKS", "EUE", "UNO", "UNA", "UNK", "XBA",
        "XCC", "XCE", "XCO", "XDC", "XEC", "XES", "XIM", "XMP", "XOM", "XPO", "XXA", "XXB",
        "XXC", "XXX", "UTO", "FRA", "ZWE", "TWN", "PSE",
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        vfy_mrz m = td3_coded("P<", codes[i], codes[i]);
        cr_expect(m.valid, "%s: %s", codes[i], m.error_count ? m.errors[0].message : "");
        cr_expect(vfy_mrz_code_known(m.issuing_state), "%s", codes[i]);
    }
    cr_expect_str_eq(vfy_mrz_code_description("XOM"), "Sovereign Military Order of Malta or one of its emissaries");
    cr_expect_not(vfy_mrz_code_known("ZIM"));
    cr_expect_not(vfy_mrz_code_known("IAO")); /* ICAO's own code signs master lists only */
    cr_expect_not(vfy_mrz_code_known("DE"));
    cr_expect_not(vfy_mrz_code_known("UTOO"));
    cr_expect_not(vfy_mrz_code_known(""));
    cr_expect_not(vfy_mrz_code_known(NULL));
}

static void expect_one_error(const vfy_mrz *m, const char *field, unsigned line, unsigned column)
{
    cr_expect_not(m->valid);
    cr_assert_eq(m->error_count, 1, "%u errors, first: %s", m->error_count,
                 m->error_count ? m->errors[0].message : "");
    cr_expect_str_eq(m->errors[0].field, field);
    cr_expect_eq(m->errors[0].line, line, "line %u", m->errors[0].line);
    cr_expect_eq(m->errors[0].column, column, "column %u", m->errors[0].column);
}

Test(mrz_fields, malformed_fields_are_errors_even_with_good_check_digits)
{
    vfy_mrz m = parse2(TD3_L1, "L898902C36UTO7408122A1204159ZE184226B<<<<<10");
    expect_one_error(&m, "sex", 2, 21);
    cr_expect_eq(m.sex, '\0');
    m = parse2(TD3_L1, "L898902C36UTO7408122<1204159ZE184226B<<<<<10");
    cr_expect(m.valid);
    cr_expect_eq(m.sex, 'X');
    m = parse2(TD3_L1, "L898902C36UTO7408122X1204159ZE184226B<<<<<10");
    cr_expect_eq(m.sex, 'X');
    m = parse2("P<U1OERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", TD3_L2);
    expect_one_error(&m, "issuing_state", 1, 3);
    m = parse2("P<<UTERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", TD3_L2);
    expect_one_error(&m, "issuing_state", 1, 3);
    m = parse2("1<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", TD3_L2);
    expect_one_error(&m, "document_code", 1, 1);
    m = parse2("P<UTOERIKSS0N<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", TD3_L2);
    expect_one_error(&m, "name", 1, 12);
    /* D<< is Germany; fill is removed from codes. */
    m = parse2("P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
               "C11T002JM4D<<9608122F2310314<<<<<<<<<<<<<<<4");
    cr_expect(m.valid);
    cr_expect_str_eq(m.issuing_state, "D");
    cr_expect_str_eq(m.nationality, "D");
    cr_expect_str_eq(vfy_mrz_code_description("D"), "Germany (one-letter code)");
}

Test(mrz_fields, names_filling_the_field_are_reported_truncated)
{
    vfy_mrz m = parse3("IDSRB95555554612902968000000<<", "6802295F1307245SRB<<<<<<<<<<<6",
                       "DR<TEST<TEST<<MILICA<MILICAAAA");
    cr_expect(m.name_truncated);
    cr_expect_str_eq(m.surname, "DR TEST TEST");
    cr_expect_str_eq(m.given_names, "MILICA MILICAAAA");
    m = parse2(TD3_L1, TD3_L2);
    cr_expect_not(m.name_truncated);
    /* A TD3 name of exactly 39 characters. */
    m = parse2("P<UTOABCDEFGHIJKLMNOPQRSTUVWXYZ<<ABCDEFGHIJK", TD3_L2);
    cr_expect(m.name_truncated);
    cr_expect_str_eq(m.surname, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    cr_expect_str_eq(m.given_names, "ABCDEFGHIJK");
    /* No "<<": the whole name is the primary identifier. */
    m = parse2("P<UTOERIKSSON<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", TD3_L2);
    cr_expect_str_eq(m.surname, "ERIKSSON");
    cr_expect_str_eq(m.given_names, "");
}

Test(mrz_fields, td1_long_document_numbers)
{
    /* One character before '<' is a check digit alone, not a continuation: the
     * number's check digit at position 15 is then '<', which fails. */
    vfy_mrz m = parse3("I<UTOD23145890<7<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<8",
                       "ERIKSSON<<ANNA<MARIA<<<<<<<<<<");
    cr_expect_not(m.document_number_extended);
    cr_expect_eq(m.check_document_number, VFY_CHECK_FAILED);
    cr_expect_eq(m.check_composite, VFY_CHECK_OK);
    cr_expect_str_eq(m.document_number, "D23145890");
    /* The composite covers the last position of TD1 optional data 2. */
    m = parse3("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTOABCDEFGHIJK3",
               "ERIKSSON<<ANNA<MARIA<<<<<<<<<<");
    cr_expect(m.valid);
    cr_expect_str_eq(m.optional_data_2, "ABCDEFGHIJK");
    m = parse3("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTOABCDEFGHIJL3",
               "ERIKSSON<<ANNA<MARIA<<<<<<<<<<");
    cr_expect_eq(m.check_composite, VFY_CHECK_FAILED);
}

/* ---- OCR repair -------------------------------------------------------------------- */

static const vfy_mrz_options repair_2026 = { .today = { 2026, 11, 28 }, .repair = true };

static vfy_mrz parse_repair(const char *l1, const char *l2, bool repair)
{
    const char *lines[2] = { l1, l2 };
    vfy_mrz m;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_mrz_parse_lines(lines, 2, repair ? &repair_2026 : &at_2026, &m, &d), VFY_OK);
    return m;
}

static void expect_repair(const char *l2, const char *field, unsigned column, char from, char to)
{
    vfy_mrz plain = parse_repair(TD3_L1, l2, false);
    cr_expect_not(plain.valid, "%s without repair", l2);
    cr_expect_eq(plain.repair_count, 0);
    vfy_mrz m = parse_repair(TD3_L1, l2, true);
    cr_expect(m.valid, "%s: %s", l2, m.error_count ? m.errors[0].message : "");
    cr_assert_eq(m.repair_count, 1, "%s: %u repairs", l2, m.repair_count);
    cr_expect_str_eq(m.repairs[0].field, field);
    cr_expect_eq(m.repairs[0].line, 2);
    cr_expect_eq(m.repairs[0].column, column);
    cr_expect_eq(m.repairs[0].from, from);
    cr_expect_eq(m.repairs[0].to, to);
    cr_expect_str_eq(m.lines[1], TD3_L2);
}

Test(mrz_repair, corrections_proven_by_check_digits)
{
    expect_repair("L898902C36UTO74O8122F1204159ZE184226B<<<<<10", "birth_date", 16, 'O', '0');
    expect_repair("L898902C36UTO7408122F12O4159ZE184226B<<<<<10", "expiry_date", 24, 'O', '0');
    expect_repair("L898902C36UTO740812ZF1204159ZE184226B<<<<<10", "birth_date", 20, 'Z', '2');
    expect_repair("L898902C3GUTO7408122F1204159ZE184226B<<<<<10", "document_number", 10, 'G',
                  '6');
    expect_repair("L8989O2C36UTO7408122F1204159ZE184226B<<<<<10", "document_number", 6, 'O',
                  '0');
    expect_repair("L898902C36UTO7408122F1204159ZE184226B<<<<<I0", "optional_data", 43, 'I',
                  '1');
    expect_repair("L898902C36UTO7408122F1204159ZE184226B<<<<<1O", "composite", 44, 'O', '0');
}

Test(mrz_repair, unprovable_corrections_are_not_made)
{
    /* A letter in a date whose check digit is also wrong. */
    vfy_mrz m = parse_repair(TD3_L1, "L898902C36UTO74O8123F1204159ZE184226B<<<<<10", true);
    cr_expect_eq(m.repair_count, 0);
    cr_expect_not(m.valid);
    /* Names carry no check digit. */
    m = parse_repair("P<UTOERIKSS0N<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", TD3_L2, true);
    cr_expect_eq(m.repair_count, 0);
    cr_expect_not(m.valid);
    /* Three candidates fit the document number's check digit, and the composite
     * (whose weights align with the field's) fits all three alike: ambiguous. */
    m = parse_repair(TD3_L1, "LB98902C36UTO7408122F1204159ZE184226B<<<<<10", true);
    cr_expect_eq(m.repair_count, 0);
    cr_expect_eq(m.check_document_number, VFY_CHECK_FAILED);
    /* The same on a visa. */
    m = parse_repair("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                     "LB988901C4XXX4009078F96121096ZE184226B<<<<<<", true);
    cr_expect_eq(m.repair_count, 0);
    cr_expect_eq(m.check_document_number, VFY_CHECK_FAILED);
    /* ...but a single candidate there is proof enough. */
    m = parse_repair("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                     "L89889O1C4XXX4009078F96121096ZE184226B<<<<<<", true);
    cr_expect_eq(m.repair_count, 1);
    cr_expect(m.valid);
    /* G (16) and 6 weigh the same modulo 10: no check digit can see that swap, so it
     * is never proven in an alphanumeric field (and the MRZ stays "valid"). */
    m = parse_repair(TD3_L1, "L898902C36UTO7408122F1204159ZE18422GB<<<<<10", true);
    cr_expect_eq(m.repair_count, 0);
    cr_expect(m.valid);
    /* A letter no confusion explains. */
    m = parse_repair(TD3_L1, "L898902C36UTO74X8122F1204159ZE184226B<<<<<10", true);
    cr_expect_eq(m.repair_count, 0);
    cr_expect_not(m.valid);
    /* A valid MRZ is left alone. */
    m = parse_repair(TD3_L1, TD3_L2, true);
    cr_expect_eq(m.repair_count, 0);
    cr_expect(m.valid);
}

/* ---- BAC/PACE MRZ_information (9303-11 section 9.7.2, appendix D) ------------------ */

#include <openssl/evp.h>

static json_t *load_json(const char *rel)
{
    char path[1024];
    shared_path(rel, path, sizeof path);
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    cr_assert_not_null(root, "%s: %s", path, err.text);
    return root;
}

/* Kseed: the first 16 bytes of SHA-1(MRZ_information), as lower-case hex. */
static void kseed_hex(const char *info, char out[33])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    cr_assert(EVP_Digest(info, strlen(info), md, &n, EVP_sha1(), NULL) == 1);
    char *hex = hex_encode(md, 16);
    memcpy(out, hex, 33);
    free(hex);
}

Test(mrz_key, appendix_d_from_the_parsed_td1)
{
    json_t *bac = load_json("vectors/emrtd/bac_appendix_d.json");
    /* The D.2 TD1 as printed (its composite digit is the known erratum). */
    vfy_mrz m = parse3("I<UTOL898902C<3<<<<<<<<<<<<<<<", "6908061F9406236UTO<<<<<<<<<<<1",
                       "ERIKSSON<<ANNA<MARIA<<<<<<<<<<");
    cr_expect_eq(m.check_composite, VFY_CHECK_FAILED);
    char info[VFY_MRZ_KEY_INPUT_MAX];
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_mrz_key_input(&m, info, &d), VFY_OK, "%s", d.message);
    cr_expect_str_eq(info, str(bac, "mrz_information"));
    char kseed[33];
    kseed_hex(info, kseed);
    cr_expect_str_eq(kseed, str(bac, "kseed"));
    json_decref(bac);
}

Test(mrz_key, other_key_seeds_from_typed_values_and_from_parsed_mrz)
{
    json_t *bac = load_json("vectors/emrtd/bac_appendix_d.json");
    json_t *others = json_object_get(bac, "other_mrz_key_seeds");
    cr_assert_geq(json_array_size(others), 3);
    size_t i;
    json_t *o;
    json_array_foreach(others, i, o) {
        char info[VFY_MRZ_KEY_INPUT_MAX], kseed[33];
        vfy_detail d;
        vfy_detail_clear(&d);
        cr_assert_eq(vfy_mrz_key_input_from(str(o, "document_number"), str(o, "date_of_birth"),
                                            str(o, "date_of_expiry"), info, &d),
                     VFY_OK, "%s", d.message);
        cr_expect_str_eq(info, str(o, "mrz_information"));
        kseed_hex(info, kseed);
        cr_expect_str_eq(kseed, str(o, "kseed"));
    }
    /* The 12-character number, parsed from the TD1 of D.2 with its continuation. */
    vfy_mrz m = parse3("I<UTOD23145890<7349<<<<<<<<<<<", "3407127M9507122UTO<<<<<<<<<<<2",
                       "STEVENSON<<PETER<JOHN<<<<<<<<<");
    char info[VFY_MRZ_KEY_INPUT_MAX];
    vfy_detail d;
    cr_assert_eq(vfy_mrz_key_input(&m, info, &d), VFY_OK);
    cr_expect_str_eq(info, str(json_array_get(others, 0), "mrz_information"));
    /* And from the TD2 of D.2. */
    m = parse2("I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<", "D23145890<UTO3407127M95071227349<<<8");
    cr_assert_eq(vfy_mrz_key_input(&m, info, &d), VFY_OK);
    cr_expect_str_eq(info, str(json_array_get(others, 0), "mrz_information"));
    json_decref(bac);
}

Test(mrz_key, short_number_is_padded_as_in_the_nz_pace_trace)
{
    json_t *traces = load_json("vectors/emrtd/pace_real_document_traces.json");
    /* Find the object carrying mrz_document_number wherever the file nests it. */
    json_t *nz = NULL;
    const char *key;
    json_t *v;
    json_object_foreach(traces, key, v) {
        if (json_is_object(v) && json_object_get(v, "mrz_document_number") != NULL)
            nz = v;
    }
    cr_assert_not_null(nz, "no trace with mrz_document_number");
    const char *padded = str(nz, "mrz_document_number");
    cr_assert_eq(strlen(padded), 9);
    char bare[10];
    snprintf(bare, sizeof bare, "%s", padded);
    while (bare[0] != '\0' && bare[strlen(bare) - 1] == '<')
        bare[strlen(bare) - 1] = '\0';
    char info[VFY_MRZ_KEY_INPUT_MAX];
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_mrz_key_input_from(bare, str(nz, "mrz_date_of_birth"),
                                        str(nz, "mrz_date_of_expiry"), info, &d), VFY_OK);
    cr_expect_str_eq(info, str(nz, "mrz_information"));
    /* Typed with its filler, in lower case, with spaces around: the same. */
    char typed[32];
    snprintf(typed, sizeof typed, "  %s ", padded);
    for (char *p = typed; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    cr_assert_eq(vfy_mrz_key_input_from(typed, str(nz, "mrz_date_of_birth"),
                                        str(nz, "mrz_date_of_expiry"), info, &d), VFY_OK);
    cr_expect_str_eq(info, str(nz, "mrz_information"));
    json_decref(traces);
}

Test(mrz_key, bad_typed_values_are_refused)
{
    char info[VFY_MRZ_KEY_INPUT_MAX];
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_mrz_key_input_from("L898-902", "690806", "940623", info, &d),
                 VFY_E_MRZ_CHARACTER);
    cr_expect_str_eq(d.field, "document_number");
    cr_expect_eq(vfy_mrz_key_input_from("", "690806", "940623", info, &d), VFY_E_MRZ_FIELD);
    cr_expect_eq(vfy_mrz_key_input_from("L898902C", "69086", "940623", info, &d), VFY_E_MRZ_DATE);
    cr_expect_eq(vfy_mrz_key_input_from("L898902C", "690806", "9406AB", info, &d),
                 VFY_E_MRZ_DATE);
    cr_expect_eq(vfy_mrz_key_input_from("L898902C", NULL, "940623", info, &d),
                 VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_mrz_key_input_from("ABCDEFGHIJKLMNOPQRSTUVW", "690806", "940623", info, &d),
                 VFY_E_MRZ_FIELD);
    vfy_mrz empty;
    memset(&empty, 0, sizeof empty);
    cr_expect_eq(vfy_mrz_key_input(&empty, info, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_mrz_key_input(NULL, info, &d), VFY_E_INVALID_ARGUMENT);
}
