/*
 * Input hygiene for MRZ text: whatever an optical reader, a keyboard wedge or a file
 * delivers becomes two or three checked lines. Whitespace around each line and
 * CR/LF separators are dropped, blank lines are skipped, a single line whose length
 * is exactly that of one format (72, 88 or 90) is split, and every remaining
 * character must be A-Z, 0-9 or '<'. All bytes are read through the bounded cursor.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/cursor.h"
#include "core/fail.h"
#include "mrz/mrz_internal.h"

#define MRZ_JOINED_MAX 90   /* the longest joined MRZ: TD1, 3 x 30 */
#define MRZ_RAW_LINES (VFY_MRZ_MAX_LINES + 1)

typedef struct raw_lines {
    unsigned count;
    size_t len[MRZ_RAW_LINES];            /* true length, may exceed what is kept */
    char text[MRZ_RAW_LINES][MRZ_JOINED_MAX + 1];
} raw_lines;

static bool is_blank(uint8_t b)
{
    return b == ' ' || b == '\t' || b == '\v' || b == '\f';
}

static bool is_mrz_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<';
}

/* Takes one line (the whole of `line`) without surrounding blanks into raw. */
static vfy_status take_line(vfy_cursor *line, raw_lines *raw, vfy_detail *detail)
{
    size_t n = vfy_cur_remaining(line);
    uint8_t b;
    while (n > 0 && vfy_cur_peek(line, 0, &b) == VFY_OK && is_blank(b)) {
        VFY_TRY(vfy_cur_skip(line, 1));
        n--;
    }
    while (n > 0 && vfy_cur_peek(line, n - 1, &b) == VFY_OK && is_blank(b))
        n--;
    if (n == 0)
        return VFY_OK;
    if (raw->count == MRZ_RAW_LINES - 1)
        return vfy_fail_text(detail, VFY_E_MRZ_FORMAT, "mrz", MRZ_RAW_LINES, 0,
                             "the text has more than %d lines; an MRZ has 2 or 3",
                             VFY_MRZ_MAX_LINES);
    unsigned i = raw->count++;
    raw->len[i] = n;
    size_t keep = n < MRZ_JOINED_MAX ? n : MRZ_JOINED_MAX;
    VFY_TRY(vfy_cur_copy(line, raw->text[i], keep));
    raw->text[i][keep] = '\0';
    return VFY_OK;
}

/* Splits one line joined from a whole MRZ into its lines, if its length says how. */
static void split_joined(raw_lines *raw)
{
    unsigned lines, width;
    if (raw->count != 1 || !mrz_joined_shape(raw->len[0], &lines, &width))
        return;
    char joined[MRZ_JOINED_MAX + 1];
    memcpy(joined, raw->text[0], sizeof joined);
    for (unsigned i = 0; i < lines; i++) {
        memcpy(raw->text[i], joined + (size_t)i * width, width);
        raw->text[i][width] = '\0';
        raw->len[i] = width;
    }
    raw->count = lines;
    sodium_memzero(joined, sizeof joined);
}

static vfy_status check_characters(const raw_lines *raw, vfy_detail *detail)
{
    for (unsigned i = 0; i < raw->count; i++) {
        size_t kept = raw->len[i] < MRZ_JOINED_MAX ? raw->len[i] : MRZ_JOINED_MAX;
        for (size_t j = 0; j < kept; j++) {
            unsigned char c = (unsigned char)raw->text[i][j];
            if (is_mrz_char((char)c))
                continue;
            if (c >= 0x20 && c < 0x7f)
                return vfy_fail_text(detail, VFY_E_MRZ_CHARACTER, "mrz", i + 1,
                                     (unsigned)j + 1,
                                     "line %u, column %zu: '%c' is not an MRZ character "
                                     "(only A-Z, 0-9 and '<' are allowed)",
                                     i + 1, j + 1, c);
            return vfy_fail_text(detail, VFY_E_MRZ_CHARACTER, "mrz", i + 1, (unsigned)j + 1,
                                 "line %u, column %zu: byte 0x%02x is not an MRZ character "
                                 "(only A-Z, 0-9 and '<' are allowed)",
                                 i + 1, j + 1, c);
        }
    }
    return VFY_OK;
}

static vfy_status check_shape(const raw_lines *raw, vfy_mrz *out, vfy_detail *detail)
{
    if (raw->count == 0)
        return vfy_fail_text(detail, VFY_E_MRZ_FORMAT, "mrz", 0, 0,
                             "the input is empty: give the 2 or 3 lines of the MRZ");
    if (raw->count == 1)
        return vfy_fail_text(detail, VFY_E_MRZ_FORMAT, "mrz", 1, 0,
                             "one line of %zu characters is not an MRZ: give 2 lines of 36 "
                             "or 44, 3 lines of 30, or the lines joined (72, 88 or 90 "
                             "characters)",
                             raw->len[0]);
    size_t width = raw->len[0];
    for (unsigned i = 1; i < raw->count; i++) {
        if (raw->len[i] != width)
            return vfy_fail_text(detail, VFY_E_MRZ_FORMAT, "mrz", i + 1, 0,
                                 "line %u has %zu characters but line 1 has %zu: the lines "
                                 "of an MRZ have equal length",
                                 i + 1, raw->len[i], width);
    }
    if (mrz_layout_detect(raw->count, (unsigned)(width <= 44 ? width : 0), raw->text[0][0])
        == NULL)
        return vfy_fail_text(detail, VFY_E_MRZ_FORMAT, "mrz", 1, 0,
                             "%u lines of %zu characters match no format: TD1 has 3 lines "
                             "of 30, TD2 and MRV-B 2 of 36, TD3 and MRV-A 2 of 44",
                             raw->count, width);
    out->line_count = raw->count;
    for (unsigned i = 0; i < raw->count; i++) {
        memcpy(out->lines[i], raw->text[i], width);
        out->lines[i][width] = '\0';
    }
    return VFY_OK;
}

static vfy_status finish(raw_lines *raw, vfy_mrz *out, vfy_detail *detail)
{
    split_joined(raw);
    VFY_TRY(check_characters(raw, detail));
    return check_shape(raw, out, detail);
}

/* The copies of the MRZ text (the chip's access password) are wiped on every return. */
static vfy_status finish_wiped(raw_lines *raw, vfy_status s, vfy_mrz *out, vfy_detail *detail)
{
    if (s == VFY_OK)
        s = finish(raw, out, detail);
    sodium_memzero(raw, sizeof *raw);
    return s;
}

static vfy_status split_text(const char *text, size_t len, raw_lines *raw, vfy_detail *detail)
{
    vfy_cursor c;
    vfy_cur_init(&c, text, len, "mrz", detail);
    while (!vfy_cur_at_end(&c)) {
        size_t n = 0;
        uint8_t b;
        while (vfy_cur_peek(&c, n, &b) == VFY_OK && b != '\n' && b != '\r')
            n++;
        vfy_cursor line;
        VFY_TRY(vfy_cur_sub(&c, n, "mrz", &line));
        VFY_TRY(take_line(&line, raw, detail));
        /* One separator: LF, CR LF, or a lone CR. */
        if (vfy_cur_peek(&c, 0, &b) == VFY_OK && b == '\r') {
            VFY_TRY(vfy_cur_skip(&c, 1));
            if (vfy_cur_peek(&c, 0, &b) == VFY_OK && b == '\n')
                VFY_TRY(vfy_cur_skip(&c, 1));
        } else if (vfy_cur_peek(&c, 0, &b) == VFY_OK && b == '\n') {
            VFY_TRY(vfy_cur_skip(&c, 1));
        }
    }
    return VFY_OK;
}

vfy_status mrz_text_split(const char *text, size_t len, vfy_mrz *out, vfy_detail *detail)
{
    if (text == NULL && len > 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "mrz", "the MRZ text is NULL");
    static const raw_lines zero;
    raw_lines raw = zero;
    return finish_wiped(&raw, split_text(text, len, &raw, detail), out, detail);
}

/* Longer than any MRZ line by far; beyond this a "line" is not worth measuring. */
#define MRZ_LINE_SCAN_MAX 4096

static vfy_status take_lines(const char *const *lines, size_t count, raw_lines *raw,
                             vfy_detail *detail)
{
    for (size_t i = 0; i < count; i++) {
        if (lines[i] == NULL)
            return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "mrz", "line %zu is NULL", i + 1);
        vfy_cursor line;
        vfy_cur_init(&line, lines[i], strnlen(lines[i], MRZ_LINE_SCAN_MAX), "mrz", detail);
        /* A line may carry its own CR/LF, as lines read with fgets do. */
        size_t n = vfy_cur_remaining(&line);
        uint8_t b;
        while (n > 0 && vfy_cur_peek(&line, n - 1, &b) == VFY_OK && (b == '\n' || b == '\r'))
            n--;
        vfy_cursor body;
        VFY_TRY(vfy_cur_sub(&line, n, "mrz", &body));
        VFY_TRY(take_line(&body, raw, detail));
    }
    return VFY_OK;
}

vfy_status mrz_text_take_lines(const char *const *lines, size_t count, vfy_mrz *out,
                               vfy_detail *detail)
{
    if (lines == NULL && count > 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "mrz", "the line array is NULL");
    static const raw_lines zero;
    raw_lines raw = zero;
    return finish_wiped(&raw, take_lines(lines, count, &raw, detail), out, detail);
}

void mrz_span_copy(const vfy_mrz *m, mrz_span s, char *dst)
{
    vfy_cursor c;
    dst[0] = '\0';
    if (s.line >= m->line_count)
        return;
    vfy_cur_init(&c, m->lines[s.line], strnlen(m->lines[s.line], sizeof m->lines[0]), "mrz",
                 NULL);
    if (vfy_cur_skip(&c, s.col) != VFY_OK || vfy_cur_copy(&c, dst, s.len) != VFY_OK)
        return;
    dst[s.len] = '\0';
}

char mrz_span_char(const vfy_mrz *m, mrz_span s)
{
    char one[2];
    mrz_span one_span = { s.line, s.col, 1 };
    mrz_span_copy(m, one_span, one);
    return one[0];
}
