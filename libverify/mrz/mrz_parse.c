/*
 * vfy_mrz_parse: from checked lines to fields, check digits and a verdict.
 * A recognised layout always yields a filled structure; every problem in it is an
 * entry in out->errors and makes out->valid false.
 */
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/fail.h"
#include "mrz/mrz_internal.h"

static vfy_status reference_date(const vfy_mrz_options *options, vfy_date *today,
                                 vfy_detail *detail)
{
    if (options == NULL || (options->today.year == 0 && options->today.month == 0 &&
                            options->today.day == 0)) {
        *today = vfy_date_today_utc();
        return VFY_OK;
    }
    const vfy_date *t = &options->today;
    static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (t->year < 1900 || t->year > 9999 || t->month < 1 || t->month > 12 || t->day < 1 ||
        t->day > mdays[t->month - 1])
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "today",
                        "the reference date %04d-%02d-%02d is not a valid date between 1900 "
                        "and 9999",
                        t->year, t->month, t->day);
    *today = *t;
    return VFY_OK;
}

/* An issuing state or nationality: letters then '<' fill (9303-3 section 5), and one of
 * the codes 9303-3 lists, which 9303-4 to -7 make mandatory in the MRZ. A code outside
 * the list is reported even when every check digit holds: check digits prove only that
 * the zone was read as printed. */
static void read_code(vfy_mrz *m, mrz_span s, const char *field, char *dst, size_t cap)
{
    const char *label = strcmp(field, "issuing_state") == 0 ? "issuing state" : "nationality";
    char raw[4];
    mrz_span_copy(m, s, raw);
    bool well_formed = mrz_code_well_formed(raw, s.len);
    if (!well_formed)
        mrz_add_error(m, VFY_E_MRZ_FIELD, field, s,
                      "the %s code must be letters followed by '<' fill", label);
    mrz_strip_fill(raw);
    snprintf(dst, cap, "%s", raw);
    if (well_formed && !vfy_mrz_code_known(dst))
        mrz_add_error(m, VFY_E_MRZ_STATE_CODE, field, s,
                      "the %s code '%s' is not one of ICAO 9303-3's codes: compare it with "
                      "the printed page", label, dst);
}

/* The letters each format allows in its document code (the notes to the data element
 * directories of 9303-4 to -7):
 *   TD3 (9303-4 4.2.2 and 4.4)  first letter P; the second is the passport type
 *                               (one letter or '<' on passports issued before 2028);
 *   TD1 (9303-5 note k)         first letter A, C or I; second not V, and not I after A;
 *                               AC only on crew member certificates (allowed here);
 *   TD2 (9303-6 note k)         first letter A, C or I; second not V, and not C after A;
 *   MRV-A, MRV-B (9303-7)       first letter V (how a visa is told apart from a TD3 or
 *                               TD2 at all, so it always holds here). */
static const char *document_code_problem(vfy_mrz_format format, const char code[2])
{
    bool card = format == VFY_MRZ_TD1 || format == VFY_MRZ_TD2;
    if (format == VFY_MRZ_TD3 && code[0] != 'P')
        return "a TD3 (passport-size) document code starts with P";
    if (card && code[0] != 'A' && code[0] != 'C' && code[0] != 'I')
        return format == VFY_MRZ_TD1 ? "a TD1 card's document code starts with A, C or I"
                                     : "a TD2 document's code starts with A, C or I";
    if (card && code[1] == 'V')
        return "V may not be the second letter of a TD1 or TD2 document code";
    if (format == VFY_MRZ_TD1 && code[0] == 'A' && code[1] == 'I')
        return "AI is not a TD1 document code (I may not follow A)";
    if (format == VFY_MRZ_TD2 && code[0] == 'A' && code[1] == 'C')
        return "AC is not a TD2 document code (C may not follow A; crew member "
               "certificates are TD1 cards)";
    return NULL;
}

static void read_document_code(vfy_mrz *m, const mrz_layout *l)
{
    char raw[3];
    mrz_span_copy(m, l->document_code, raw);
    bool first_ok = raw[0] >= 'A' && raw[0] <= 'Z';
    bool second_ok = (raw[1] >= 'A' && raw[1] <= 'Z') || raw[1] == '<';
    if (!first_ok || !second_ok) {
        mrz_add_error(m, VFY_E_MRZ_FIELD, "document_code", l->document_code,
                      "the document code must be a letter followed by a letter or '<'");
    } else {
        const char *problem = document_code_problem(l->format, raw);
        if (problem != NULL)
            mrz_add_error(m, VFY_E_MRZ_DOCUMENT_CODE, "document_code", l->document_code,
                          "the document code '%.2s' is not allowed: %s", raw, problem);
    }
    mrz_strip_fill(raw);
    memcpy(m->document_code, raw, sizeof m->document_code);
}

static void read_sex(vfy_mrz *m, const mrz_layout *l)
{
    char c = mrz_span_char(m, l->sex);
    switch (c) {
    case 'M':
    case 'F':
    case 'X':
        m->sex = c;
        break;
    case '<':
        m->sex = 'X'; /* unspecified */
        break;
    default:
        m->sex = '\0';
        mrz_add_error(m, VFY_E_MRZ_FIELD, "sex", l->sex, "the sex must be M, F, X or '<'");
        break;
    }
}

static const char *guard_label(mrz_guard_id id)
{
    switch (id) {
    case MRZ_GUARD_DOCUMENT_NUMBER: return "document number";
    case MRZ_GUARD_BIRTH_DATE: return "birth date";
    case MRZ_GUARD_EXPIRY_DATE: return "expiry date";
    case MRZ_GUARD_OPTIONAL_DATA: return "personal number";
    default: return "composite";
    }
}

static vfy_check verify_guard(vfy_mrz *m, const mrz_guard *g)
{
    char value[MRZ_GUARD_MAX + 1], stated;
    mrz_guard_value(m, g, value, &stated);
    if (mrz_check_matches(value, g->n, stated))
        return VFY_CHECK_OK;
    int computed = vfy_mrz_check_digit(value, g->n);
    if (stated >= '0' && stated <= '9')
        mrz_add_error(m, VFY_E_MRZ_CHECK_DIGIT, g->field, g->cd, "the %s check digit is %c but the field computes to %d",
                      guard_label(g->id), stated, computed);
    else
        mrz_add_error(m, VFY_E_MRZ_CHECK_DIGIT, g->field, g->cd,
                      "the %s check digit is '%c', not a digit (the field computes to %d)",
                      guard_label(g->id), stated, computed);
    return VFY_CHECK_FAILED;
}

static void read_date(vfy_mrz *m, mrz_span s, mrz_span cd, const char *field, vfy_date today,
                      mrz_date_kind kind, vfy_date *date, char raw[7], char *stated)
{
    mrz_span_copy(m, s, raw);
    *stated = mrz_span_char(m, cd);
    const char *label = kind == MRZ_DATE_BIRTH ? "birth date" : "expiry date";
    switch (mrz_date_decode(raw, today, kind, date)) {
    case MRZ_DATE_OK:
        break;
    case MRZ_DATE_BAD_CHAR:
        mrz_add_error(m, VFY_E_MRZ_DATE, field, s, "the %s must be YYMMDD digits, each part either two digits "
                      "or \"<<\" when unknown", label);
        break;
    case MRZ_DATE_BAD_VALUE:
        mrz_add_error(m, VFY_E_MRZ_DATE, field, s, "the %s is not a calendar date", label);
        break;
    }
}

/* The optional data field(s), after any continuation of a long document number. */
static void read_optional(vfy_mrz *m, const mrz_layout *l, const mrz_guard *number)
{
    char raw[32];
    mrz_span_copy(m, l->optional_data, raw);
    size_t skip = 0;
    if (number->long_document_number)
        skip = number->continuation + 1 < l->optional_data.len ? number->continuation + 1
                                                               : l->optional_data.len;
    memmove(raw, raw + skip, strlen(raw + skip) + 1);
    mrz_strip_fill(raw);
    memcpy(m->optional_data, raw, sizeof m->optional_data);
    if (l->optional_data_2.len > 0) {
        mrz_span_copy(m, l->optional_data_2, raw);
        mrz_strip_fill(raw);
        memcpy(m->optional_data_2, raw, sizeof m->optional_data_2);
    }
}

static void read_fields(vfy_mrz *m, const mrz_layout *l, vfy_date today)
{
    m->valid = true;
    read_document_code(m, l);
    read_code(m, l->issuing_state, "issuing_state", m->issuing_state, sizeof m->issuing_state);

    char name[VFY_MRZ_MAX_LINES * 15];
    mrz_span_copy(m, l->name, name);
    mrz_split_name(m, name, l->name.len, l->name);

    mrz_guard guards[MRZ_GUARD_COUNT];
    unsigned count = mrz_guards(m, l, guards);
    const mrz_guard *number = &guards[0];
    char value[MRZ_GUARD_MAX + 1];
    mrz_guard_value(m, number, value, &m->document_number_cd);
    mrz_strip_fill(value);
    snprintf(m->document_number, sizeof m->document_number, "%.22s", value);
    m->document_number_extended = number->long_document_number;
    if (m->document_number[0] == '\0')
        mrz_add_error(m, VFY_E_MRZ_FIELD, "document_number", l->document_number, "the document number is empty");

    read_code(m, l->nationality, "nationality", m->nationality, sizeof m->nationality);
    read_date(m, l->birth_date, l->birth_date_cd, "birth_date", today, MRZ_DATE_BIRTH,
              &m->birth_date, m->birth_date_raw, &m->birth_date_cd);
    read_sex(m, l);
    read_date(m, l->expiry_date, l->expiry_date_cd, "expiry_date", today, MRZ_DATE_EXPIRY,
              &m->expiry_date, m->expiry_date_raw, &m->expiry_date_cd);
    read_optional(m, l, number);

    for (unsigned i = 0; i < count; i++) {
        vfy_check r = verify_guard(m, &guards[i]);
        switch (guards[i].id) {
        case MRZ_GUARD_DOCUMENT_NUMBER: m->check_document_number = r; break;
        case MRZ_GUARD_BIRTH_DATE: m->check_birth_date = r; break;
        case MRZ_GUARD_EXPIRY_DATE: m->check_expiry_date = r; break;
        case MRZ_GUARD_OPTIONAL_DATA: m->check_optional_data = r; break;
        default: m->check_composite = r; break;
        }
    }
}

static vfy_status parse_checked_lines(const vfy_mrz_options *options, vfy_date today,
                                      vfy_mrz *out)
{
    const mrz_layout *l = mrz_layout_detect(out->line_count, (unsigned)strlen(out->lines[0]),
                                            out->lines[0][0]);
    if (l == NULL)
        return VFY_E_INTERNAL; /* unreachable: mrz_text has checked the shape */
    out->format = l->format;
    if (options != NULL && options->repair)
        mrz_repair(out, l);
    read_fields(out, l, today);
    return VFY_OK;
}

/* Everything a parse does before reading lines: check arguments, clear, find today. */
static vfy_status begin(const vfy_mrz_options *options, vfy_mrz *out, vfy_date *today,
                        vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "mrz", "the output structure is NULL");
    memset(out, 0, sizeof *out);
    return reference_date(options, today, detail);
}

vfy_status vfy_mrz_parse(const char *text, size_t len, const vfy_mrz_options *options,
                         vfy_mrz *out, vfy_detail *detail)
{
    vfy_date today;
    VFY_TRY(begin(options, out, &today, detail));
    VFY_TRY(mrz_text_split(text, len, out, detail));
    return parse_checked_lines(options, today, out);
}

vfy_status vfy_mrz_parse_lines(const char *const *lines, size_t count,
                               const vfy_mrz_options *options, vfy_mrz *out, vfy_detail *detail)
{
    vfy_date today;
    VFY_TRY(begin(options, out, &today, detail));
    VFY_TRY(mrz_text_take_lines(lines, count, out, detail));
    return parse_checked_lines(options, today, out);
}

bool vfy_mrz_check_digits_ok(const vfy_mrz *m)
{
    return m != NULL && m->format != VFY_MRZ_UNKNOWN &&
           m->check_document_number != VFY_CHECK_FAILED && m->check_birth_date != VFY_CHECK_FAILED &&
           m->check_expiry_date != VFY_CHECK_FAILED && m->check_optional_data != VFY_CHECK_FAILED &&
           m->check_composite != VFY_CHECK_FAILED;
}
