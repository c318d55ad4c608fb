/*
 * Opt-in OCR repair. Optical readers confuse a few OCR-B glyph pairs: O/0, Q/0, I/1,
 * Z/2, S/5, G/6, B/8. A correction is applied only when a check digit proves it:
 *
 *   - In positions that are digits by definition (dates, check digits) a confusable
 *     letter can only stand for its digit; the mapping is applied when the field's
 *     check digit then verifies.
 *   - In alphanumeric fields (document number, TD3 personal number) either glyph is
 *     possible, so single substitutions are tried; one is applied only when exactly
 *     one candidate makes the field's check digit verify. Two or more candidates are
 *     ambiguous and nothing is changed. The composite check digit cannot break such
 *     a tie (for these fields its 7-3-1 weights line up with the field's, so every
 *     candidate that fits the field fits the composite alike); it is still required to verify, so a
 *     change never breaks it.
 *
 * Names, codes, sex and optional data without their own check digit are never
 * touched: nothing could prove a change there. Every change is recorded in
 * m->repairs; nothing is corrected silently.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "mrz/mrz_internal.h"

static const struct {
    char letter, digit;
} confusions[] = {
    { 'O', '0' }, { 'Q', '0' }, { 'I', '1' }, { 'Z', '2' },
    { 'S', '5' }, { 'G', '6' }, { 'B', '8' },
};
#define CONFUSIONS (sizeof confusions / sizeof confusions[0])

static char digit_for(char letter)
{
    for (size_t i = 0; i < CONFUSIONS; i++)
        if (confusions[i].letter == letter)
            return confusions[i].digit;
    return '\0';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The character at a guard's i-th position, or at its check digit for i == n. */
static void put(vfy_mrz *m, const mrz_guard *g, unsigned i, char c)
{
    if (i < g->n)
        m->lines[g->line[i]][g->col[i]] = c;
    else
        m->lines[g->cd.line][g->cd.col] = c;
}

static void record(vfy_mrz *m, const mrz_guard *g, unsigned i, char from, char to)
{
    if (m->repair_count >= VFY_MRZ_MAX_REPAIRS)
        return;
    vfy_mrz_repair *r = &m->repairs[m->repair_count++];
    snprintf(r->field, sizeof r->field, "%s", g->field);
    r->line = (i < g->n ? g->line[i] : g->cd.line) + 1u;
    r->column = (i < g->n ? g->col[i] : g->cd.col) + 1u;
    r->from = from;
    r->to = to;
}

/* Writes candidate (value then check digit) into the lines, recording each change. */
static void apply(vfy_mrz *m, const mrz_guard *g, const char *old_value, char old_cd,
                  const char *value, char cd)
{
    for (unsigned i = 0; i < g->n; i++) {
        if (value[i] != old_value[i]) {
            record(m, g, i, old_value[i], value[i]);
            put(m, g, i, value[i]);
        }
    }
    if (cd != old_cd) {
        record(m, g, g->n, old_cd, cd);
        put(m, g, g->n, cd);
    }
}

/* Whether the composite check digit verifies once candidate is written in. */
static bool composite_holds(const vfy_mrz *m, const mrz_layout *l, const mrz_guard *g,
                            const char *value, char cd)
{
    if (l->composite_cd.len == 0)
        return true;
    vfy_mrz trial = *m;
    for (unsigned i = 0; i < g->n; i++)
        put(&trial, g, i, value[i]);
    put(&trial, g, g->n, cd);
    mrz_guard guards[MRZ_GUARD_COUNT];
    unsigned count = mrz_guards(&trial, l, guards);
    char v[MRZ_GUARD_MAX + 1], stated;
    mrz_guard_value(&trial, &guards[count - 1], v, &stated);
    bool holds = guards[count - 1].id == MRZ_GUARD_COMPOSITE &&
                 mrz_check_matches(v, guards[count - 1].n, stated);
    /* the trial is a whole MRZ, the chip's access password among it */
    sodium_memzero(&trial, sizeof trial);
    sodium_memzero(v, sizeof v);
    return holds;
}

/* Tries every single confusable substitution of an alphanumeric value; applies the
 * candidate that satisfies the field's check digit (and the composite) if it is the
 * only one. */
static void repair_by_substitution(vfy_mrz *m, const mrz_layout *l, const mrz_guard *g,
                                   const char *old_value, char old_cd, const char *value, char cd)
{
    char trial[MRZ_GUARD_MAX + 1], found[MRZ_GUARD_MAX + 1];
    unsigned matches = 0;
    memcpy(trial, value, g->n + 1);
    for (unsigned i = 0; i < g->n; i++) {
        char orig = value[i];
        for (size_t k = 0; k < CONFUSIONS; k++) {
            char alt;
            if (orig == confusions[k].letter)
                alt = confusions[k].digit;
            else if (orig == confusions[k].digit)
                alt = confusions[k].letter;
            else
                continue;
            trial[i] = alt;
            if (mrz_check_matches(trial, g->n, cd) && composite_holds(m, l, g, trial, cd)) {
                matches++;
                memcpy(found, trial, g->n + 1);
            }
        }
        trial[i] = orig;
    }
    if (matches == 1)
        apply(m, g, old_value, old_cd, found, cd);
}

static void repair_guard(vfy_mrz *m, const mrz_layout *l, const mrz_guard *g)
{
    char old_value[MRZ_GUARD_MAX + 1], value[MRZ_GUARD_MAX + 1], old_cd;
    mrz_guard_value(m, g, old_value, &old_cd);
    memcpy(value, old_value, sizeof value);
    char cd = old_cd;
    if (!is_digit(cd) && digit_for(cd) != '\0')
        cd = digit_for(cd);
    if (g->numeric) {
        for (unsigned i = 0; i < g->n; i++) {
            if (digit_for(value[i]) != '\0')
                value[i] = digit_for(value[i]);
            if (!is_digit(value[i]) && value[i] != '<')
                return; /* a letter no confusion explains: nothing to prove */
        }
    }
    if (!is_digit(cd) && cd != '<')
        return;
    if (mrz_check_matches(value, g->n, cd)) {
        apply(m, g, old_value, old_cd, value, cd);
        return;
    }
    if (!g->numeric && g->id != MRZ_GUARD_COMPOSITE)
        repair_by_substitution(m, l, g, old_value, old_cd, value, cd);
}

void mrz_repair(vfy_mrz *m, const mrz_layout *l)
{
    mrz_guard guards[MRZ_GUARD_COUNT];
    unsigned count = mrz_guards(m, l, guards);
    /* Digit-only fields first: their proofs are the strongest, and a repaired date
     * lets the composite confirm a repaired document number afterwards. */
    for (unsigned i = 0; i < count; i++)
        if (guards[i].numeric)
            repair_guard(m, l, &guards[i]);
    count = mrz_guards(m, l, guards);
    for (unsigned i = 0; i < count; i++)
        if (!guards[i].numeric && guards[i].id != MRZ_GUARD_COMPOSITE)
            repair_guard(m, l, &guards[i]);
    /* The composite's own digit last, once the fields it covers are settled. */
    count = mrz_guards(m, l, guards);
    for (unsigned i = 0; i < count; i++)
        if (guards[i].id == MRZ_GUARD_COMPOSITE)
            repair_guard(m, l, &guards[i]);
}
