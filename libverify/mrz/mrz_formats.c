/*
 * Where each field sits in the five 9303 layouts (parts 4 to 7), and which
 * characters each check digit covers. Columns here are zero-based.
 */
#include <string.h>

#include "core/cursor.h"
#include "mrz/mrz_internal.h"

#define SPAN(l, c, n) { (l), (c), (n) }
#define NONE { 0, 0, 0 }

/* 9303-5: TD1, three lines of 30. */
static const mrz_layout td1 = {
    .format = VFY_MRZ_TD1, .lines = 3, .width = 30,
    .document_code = SPAN(0, 0, 2), .issuing_state = SPAN(0, 2, 3),
    .document_number = SPAN(0, 5, 9), .document_number_cd = SPAN(0, 14, 1),
    .optional_data = SPAN(0, 15, 15),
    .birth_date = SPAN(1, 0, 6), .birth_date_cd = SPAN(1, 6, 1), .sex = SPAN(1, 7, 1),
    .expiry_date = SPAN(1, 8, 6), .expiry_date_cd = SPAN(1, 14, 1),
    .nationality = SPAN(1, 15, 3), .optional_data_2 = SPAN(1, 18, 11),
    .composite = { SPAN(0, 5, 25), SPAN(1, 0, 7), SPAN(1, 8, 7), SPAN(1, 18, 11) },
    .composite_cd = SPAN(1, 29, 1),
    .name = SPAN(2, 0, 30),
    .optional_data_cd = NONE,
    .long_document_number = true,
};

/* TD2, TD3 and both visas share one shape: the name on line 1 after the codes, and
 * on line 2 the number, nationality, dates and sex at the same columns. */
#define TWO_LINE_FIELDS(name_len)                                                           \
    .document_code = SPAN(0, 0, 2), .issuing_state = SPAN(0, 2, 3),                        \
    .name = SPAN(0, 5, name_len), .document_number = SPAN(1, 0, 9),                        \
    .document_number_cd = SPAN(1, 9, 1), .nationality = SPAN(1, 10, 3),                    \
    .birth_date = SPAN(1, 13, 6), .birth_date_cd = SPAN(1, 19, 1), .sex = SPAN(1, 20, 1),  \
    .expiry_date = SPAN(1, 21, 6), .expiry_date_cd = SPAN(1, 27, 1),                       \
    .optional_data_2 = NONE

/* 9303-6: TD2, two lines of 36. */
static const mrz_layout td2 = {
    .format = VFY_MRZ_TD2, .lines = 2, .width = 36,
    TWO_LINE_FIELDS(31),
    .optional_data = SPAN(1, 28, 7), .optional_data_cd = NONE,
    .composite = { SPAN(1, 0, 10), SPAN(1, 13, 7), SPAN(1, 21, 14), NONE },
    .composite_cd = SPAN(1, 35, 1),
    .long_document_number = true,
};

/* 9303-4: TD3, two lines of 44, with the personal number's own check digit. */
static const mrz_layout td3 = {
    .format = VFY_MRZ_TD3, .lines = 2, .width = 44,
    TWO_LINE_FIELDS(39),
    .optional_data = SPAN(1, 28, 14), .optional_data_cd = SPAN(1, 42, 1),
    .composite = { SPAN(1, 0, 10), SPAN(1, 13, 7), SPAN(1, 21, 22), NONE },
    .composite_cd = SPAN(1, 43, 1),
    .long_document_number = false,
};

/* 9303-7: MRV-A, two lines of 44; visas carry no composite check digit. */
static const mrz_layout mrva = {
    .format = VFY_MRZ_MRVA, .lines = 2, .width = 44,
    TWO_LINE_FIELDS(39),
    .optional_data = SPAN(1, 28, 16), .optional_data_cd = NONE,
    .composite = { NONE, NONE, NONE, NONE }, .composite_cd = NONE,
    .long_document_number = false,
};

/* 9303-7: MRV-B, two lines of 36. */
static const mrz_layout mrvb = {
    .format = VFY_MRZ_MRVB, .lines = 2, .width = 36,
    TWO_LINE_FIELDS(31),
    .optional_data = SPAN(1, 28, 8), .optional_data_cd = NONE,
    .composite = { NONE, NONE, NONE, NONE }, .composite_cd = NONE,
    .long_document_number = false,
};

const mrz_layout *mrz_layout_detect(unsigned line_count, unsigned width, char doc_code0)
{
    bool visa = doc_code0 == 'V';
    if (line_count == 3 && width == 30)
        return &td1;
    if (line_count == 2 && width == 36)
        return visa ? &mrvb : &td2;
    if (line_count == 2 && width == 44)
        return visa ? &mrva : &td3;
    return NULL;
}

const mrz_layout *mrz_layout_of(vfy_mrz_format format)
{
    switch (format) {
    case VFY_MRZ_TD1: return &td1;
    case VFY_MRZ_TD2: return &td2;
    case VFY_MRZ_TD3: return &td3;
    case VFY_MRZ_MRVA: return &mrva;
    case VFY_MRZ_MRVB: return &mrvb;
    default: return NULL;
    }
}

bool mrz_joined_shape(size_t total, unsigned *lines, unsigned *width)
{
    /* 90, 72 and 88 are distinct, so a joined length names at most one shape. */
    static const unsigned shapes[][2] = { { 3, 30 }, { 2, 36 }, { 2, 44 } };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        if (total == (size_t)shapes[i][0] * shapes[i][1]) {
            *lines = shapes[i][0];
            *width = shapes[i][1];
            return true;
        }
    }
    return false;
}

const char *vfy_mrz_format_name(vfy_mrz_format format)
{
    switch (format) {
    case VFY_MRZ_TD1: return "TD1";
    case VFY_MRZ_TD2: return "TD2";
    case VFY_MRZ_TD3: return "TD3";
    case VFY_MRZ_MRVA: return "MRVA";
    case VFY_MRZ_MRVB: return "MRVB";
    default: return "unknown";
    }
}

static void guard_add_span(mrz_guard *g, mrz_span s)
{
    for (unsigned i = 0; i < s.len && g->n < MRZ_GUARD_MAX; i++) {
        g->line[g->n] = s.line;
        g->col[g->n] = (unsigned char)(s.col + i);
        g->n++;
    }
}

static void guard_init(mrz_guard *g, mrz_guard_id id, const char *field, bool numeric,
                       mrz_span value, mrz_span cd)
{
    memset(g, 0, sizeof *g);
    g->id = id;
    g->field = field;
    g->numeric = numeric;
    g->cd = cd;
    guard_add_span(g, value);
}

/*
 * TD1/TD2 numbers longer than nine characters (9303-5 and -6, note j): '<' at the
 * check-digit position, the rest of the number at the start of the optional data,
 * then its check digit, then '<'. The check digit covers the number without that
 * '<' (see docs/mrz.md: implementations disagree).
 */
static unsigned long_number_continuation(const vfy_mrz *m, const mrz_layout *l)
{
    if (!l->long_document_number || mrz_span_char(m, l->document_number_cd) != '<')
        return 0;
    char opt[32];
    mrz_span_copy(m, l->optional_data, opt);
    unsigned n = 0;
    while (n < l->optional_data.len && opt[n] != '<')
        n++;
    /* At least one more character and the check digit, or it is no continuation. */
    return n >= 2 ? n : 0;
}

unsigned mrz_guards(const vfy_mrz *m, const mrz_layout *l, mrz_guard out[MRZ_GUARD_COUNT])
{
    unsigned k = 0;
    mrz_guard *g = &out[k++];
    unsigned cont = long_number_continuation(m, l);
    if (cont > 0) {
        guard_init(g, MRZ_GUARD_DOCUMENT_NUMBER, "document_number", false, l->document_number,
                   (mrz_span)SPAN(l->optional_data.line,
                                  (unsigned char)(l->optional_data.col + cont - 1), 1));
        guard_add_span(g, (mrz_span)SPAN(l->optional_data.line, l->optional_data.col,
                                         (unsigned char)(cont - 1)));
        g->long_document_number = true;
        g->continuation = cont;
    } else {
        guard_init(g, MRZ_GUARD_DOCUMENT_NUMBER, "document_number", false, l->document_number,
                   l->document_number_cd);
    }
    guard_init(&out[k++], MRZ_GUARD_BIRTH_DATE, "birth_date", true, l->birth_date,
               l->birth_date_cd);
    guard_init(&out[k++], MRZ_GUARD_EXPIRY_DATE, "expiry_date", true, l->expiry_date,
               l->expiry_date_cd);
    if (l->optional_data_cd.len > 0)
        guard_init(&out[k++], MRZ_GUARD_OPTIONAL_DATA, "optional_data", false, l->optional_data,
                   l->optional_data_cd);
    if (l->composite_cd.len > 0) {
        g = &out[k++];
        guard_init(g, MRZ_GUARD_COMPOSITE, "composite", false, l->composite[0], l->composite_cd);
        for (unsigned i = 1; i < MRZ_COMPOSITE_SPANS; i++)
            guard_add_span(g, l->composite[i]);
    }
    return k;
}

void mrz_guard_value(const vfy_mrz *m, const mrz_guard *g, char *value, char *stated)
{
    /* One cursor per line, peeked at each covered position. */
    vfy_cursor lines[VFY_MRZ_MAX_LINES];
    for (unsigned i = 0; i < VFY_MRZ_MAX_LINES; i++)
        vfy_cur_init(&lines[i], m->lines[i],
                     i < m->line_count ? strnlen(m->lines[i], sizeof m->lines[i]) : 0, "mrz",
                     NULL);
    for (unsigned i = 0; i < g->n; i++) {
        uint8_t b = 0;
        if (g->line[i] >= VFY_MRZ_MAX_LINES || vfy_cur_peek(&lines[g->line[i]], g->col[i], &b) != VFY_OK)
            b = 0;
        value[i] = (char)b;
    }
    value[g->n] = '\0';
    *stated = mrz_span_char(m, g->cd);
}
