/*
 * Internal: the pieces of the MRZ engine (ICAO Doc 9303 parts 3 to 7).
 *
 * The engine accepts the five machine-readable zones of 9303 (TD1, TD2, TD3, MRV-A,
 * MRV-B) as text in the OCR-B subset A-Z, 0-9 and '<'. Text hygiene (mrz_text.c)
 * turns caller bytes into checked lines; the layout tables (mrz_formats.c) say where
 * every field sits; mrz_parse.c reads the fields through the bounded cursor and
 * verifies the check digits (check_digit.c); dates get their century in mrz_date.c;
 * optional OCR repair lives in mrz_repair.c; the 9303-3 code list is icao_codes.c.
 * Non-goals: the visual inspection zone, transliteration of names.
 */
#ifndef VFY_MRZ_INTERNAL_H
#define VFY_MRZ_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "verify/mrz.h"

/* ---- check_digit.c ---------------------------------------------------------- */

/* The weight of one MRZ character (0-9 as themselves, A=10 .. Z=35, '<'=0), or -1. */
int mrz_char_value(char c);
/* Whether `stated` is the check digit of value[0..n): a digit equal to the 7-3-1 sum,
 * or '<' where the whole value is filler (9303-4 allows it for an empty personal
 * number). */
bool mrz_check_matches(const char *value, size_t n, char stated);

/* ---- mrz_formats.c ------------------------------------------------------------ */

/* One field: zero-based line and column, length (0 when the format lacks it). */
typedef struct mrz_span {
    unsigned char line, col, len;
} mrz_span;

#define MRZ_COMPOSITE_SPANS 4

typedef struct mrz_layout {
    vfy_mrz_format format;
    unsigned lines, width;
    mrz_span document_code, issuing_state, name;
    mrz_span document_number, document_number_cd, nationality;
    mrz_span birth_date, birth_date_cd, sex, expiry_date, expiry_date_cd;
    mrz_span optional_data, optional_data_cd, optional_data_2;
    mrz_span composite[MRZ_COMPOSITE_SPANS];
    mrz_span composite_cd;
    bool long_document_number; /* TD1/TD2: '<' at the check digit, number continues in optional data */
} mrz_layout;

/* The layout for `line_count` lines of `width` characters whose first character is
 * `doc_code0`, or NULL when no format has that shape. */
const mrz_layout *mrz_layout_detect(unsigned line_count, unsigned width, char doc_code0);
const mrz_layout *mrz_layout_of(vfy_mrz_format format);
/* Whether a total length of joined lines fits exactly one shape; sets lines/width. */
bool mrz_joined_shape(size_t total, unsigned *lines, unsigned *width);

/* A field guarded by a check digit: the positions it covers, in order, and where its
 * check digit sits. The one description of every check digit, shared by the parser
 * and the repairer. */
#define MRZ_GUARD_MAX 64
typedef enum mrz_guard_id {
    MRZ_GUARD_DOCUMENT_NUMBER,
    MRZ_GUARD_BIRTH_DATE,
    MRZ_GUARD_EXPIRY_DATE,
    MRZ_GUARD_OPTIONAL_DATA,
    MRZ_GUARD_COMPOSITE,
    MRZ_GUARD_COUNT
} mrz_guard_id;

typedef struct mrz_guard {
    mrz_guard_id id;
    const char *field;          /* name used in errors and repairs */
    bool numeric;               /* the covered characters are digits by definition */
    unsigned n;
    unsigned char line[MRZ_GUARD_MAX], col[MRZ_GUARD_MAX];
    mrz_span cd;
    bool long_document_number;  /* TD1/TD2 number continued in the optional data */
    unsigned continuation;      /* characters of that continuation incl. check digit */
} mrz_guard;

/* Fills out[] with the check digits of the current lines; returns how many. */
unsigned mrz_guards(const vfy_mrz *m, const mrz_layout *layout, mrz_guard out[MRZ_GUARD_COUNT]);
/* The covered characters of a guard (n + 1 bytes) and its stated check digit. */
void mrz_guard_value(const vfy_mrz *m, const mrz_guard *g, char *value, char *stated);

/* ---- mrz_text.c --------------------------------------------------------------- */

/* Splits caller text into out->lines (whitespace and CR/LF stripped, joined lines
 * split by length), checking every character. */
vfy_status mrz_text_split(const char *text, size_t len, vfy_mrz *out, vfy_detail *detail);
/* Copies already separated lines into out->lines with the same checks. */
vfy_status mrz_text_take_lines(const char *const *lines, size_t count, vfy_mrz *out,
                               vfy_detail *detail);
/* Copies span `s` of out->lines (read through a bounded cursor) into dst (len + 1). */
void mrz_span_copy(const vfy_mrz *m, mrz_span s, char *dst);
/* The character at a span's first position. */
char mrz_span_char(const vfy_mrz *m, mrz_span s);

/* ---- mrz_date.c --------------------------------------------------------------- */

typedef enum mrz_date_kind { MRZ_DATE_BIRTH, MRZ_DATE_EXPIRY } mrz_date_kind;

typedef enum mrz_date_result {
    MRZ_DATE_OK,        /* every known part is valid; unknown parts are 0 */
    MRZ_DATE_BAD_CHAR,  /* a part mixes digits and '<', or holds a letter */
    MRZ_DATE_BAD_VALUE, /* month or day out of range */
} mrz_date_result;

/* Decodes YYMMDD (each part two digits or "<<") and places the year in a century
 * relative to `today` (see vfy_mrz_options). */
mrz_date_result mrz_date_decode(const char raw[6], vfy_date today, mrz_date_kind kind,
                                vfy_date *out);

/* ---- mrz_repair.c ------------------------------------------------------------- */

/* Proposes and applies OCR corrections to out->lines, each proven by a check digit,
 * recording every one in out->repairs. */
void mrz_repair(vfy_mrz *m, const mrz_layout *layout);

/* ---- mrz_fields.c ------------------------------------------------------------- */

/* Records a problem found in a field (bounded by VFY_MRZ_MAX_ERRORS). */
void mrz_add_error(vfy_mrz *m, vfy_status status, const char *field, mrz_span at,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Removes trailing '<' fill in place. */
void mrz_strip_fill(char *s);
/* A document or state code: letters followed by '<' fill. */
bool mrz_code_well_formed(const char *raw, size_t n);
/* Splits the name field into primary and secondary identifiers. */
void mrz_split_name(vfy_mrz *m, const char *raw, size_t n, mrz_span at);

#endif
