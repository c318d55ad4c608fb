/*
 * Evaluating a case: select the sets in force at each rule's reference date, test the
 * predicates, drop suspended rules, then combine per dimension with each set's policy.
 * The law is in the data; this file only knows the mechanics (docs/rules.md,
 * "Evaluation").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/text.h"
#include "core/fail.h"
#include "core/date.h"
#include "rules/decision.h"
#include "rules/engine.h"

enum tri { T_HOLD, T_FAIL, T_UNKNOWN };

struct ctx {
    const struct vfy_rules_engine *e;
    const struct vfy_rules_case *c;
    bool pii;
    json_t *missing;         /* inputs the dimension being decided lacked (JSON paths) */
    bool compact;            /* steps: rule and result only */
    struct winner *won;      /* what decided the dimension, for applicability */
    bool border;             /* decided at the border: a crossing date and no lodging */
    int visa_required;       /* enum tri: the visa requirement as decided (for 6(1)(b)) */
};

/* The rule that decided a dimension, when one did and nothing could change it. */
struct winner {
    const struct ruleset *rs;
    const struct rule *r;
    bool decided;
};

/* Records an input the case lacks; the dimension that needed it goes to an officer. */
static void miss(const struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void miss(const struct ctx *x, const char *fmt, ...)
{
    char path[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    if (x->missing == NULL)
        return;
    size_t i;
    json_t *v;
    json_array_foreach(x->missing, i, v)
        if (strcmp(json_string_value(v), path) == 0)
            return;
    json_array_append_new(x->missing, json_string(path));
}

/* Forgets the inputs recorded since `mark`: a predicate that failed on what the case
 * gives does not need what it lacks. */
static void missing_reset(const struct ctx *x, size_t mark)
{
    while (x->missing != NULL && json_array_size(x->missing) > mark)
        json_array_remove(x->missing, json_array_size(x->missing) - 1);
}

static size_t missing_mark(const struct ctx *x)
{
    return x->missing != NULL ? json_array_size(x->missing) : 0;
}

/* The date a rule is checked against. The Borders Code conditions are checked at the
 * crossing; at a consulate that has no crossing date yet, at the intended entry. */
static int32_t anchor_date(const struct ctx *x, int anchor, int *used)
{
    /* At the border the rules of the visa requirement are read at the crossing. */
    if (x->border && anchor == VFY_ANCHOR_LODGING)
        anchor = VFY_ANCHOR_BORDER_CROSSING;
    int32_t d = x->c->dates[anchor];
    if (used != NULL)
        *used = anchor;
    if (d == DATE_NONE && anchor == VFY_ANCHOR_BORDER_CROSSING &&
        x->c->dates[VFY_ANCHOR_LODGING] != DATE_NONE) {
        d = x->c->dates[VFY_ANCHOR_INTENDED_ENTRY];
        if (used != NULL)
            *used = VFY_ANCHOR_INTENDED_ENTRY;
    }
    return d;
}

struct cand {
    const struct ruleset *rs;
    const struct rule *r;
    json_t *step;            /* borrowed from the trail */
    bool unverified;         /* relies on a claim the officer has not verified */
    int32_t status_end;      /* earliest status end of the categories it relied on */
    json_t *categories;      /* ids of the categories that held (owned) */
    /* computed for entries/validity */
    int32_t ends;
    const char *capped_by;
    bool short_of_stay;      /* the capped validity ends before the intended exit */
};

static const char *const kind_dim_names[VFY_DIM_COUNT] = {
    "visa_needed", "admissible", "fee", "service_fee_cap", "deadline", "entries", "validity", "evidence",
};

static json_t *date_json(int32_t d)
{
    if (d == DATE_NONE)
        return json_null();
    char b[11];
    vfy_day_format_iso(d, b);
    return json_string(b);
}

static void add_test(json_t *preds, enum tri held, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_test(json_t *preds, enum tri held, const char *fmt, ...)
{
    if (preds == NULL)
        return; /* compact trail */
    char text[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    json_array_append_new(preds, json_pack("{s:s, s:o}", "test", text, "held",
                                           held == T_UNKNOWN ? json_null() : json_boolean(held == T_HOLD)));
}

static enum tri and3(enum tri a, enum tri b)
{
    if (a == T_FAIL || b == T_FAIL)
        return T_FAIL;
    if (a == T_UNKNOWN || b == T_UNKNOWN)
        return T_UNKNOWN;
    return T_HOLD;
}

static bool in_list(const alpha3 *list, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], code) == 0)
            return true;
    return false;
}

static bool pattern_match(const char *pattern, const char *s)
{
    size_t n = strlen(pattern);
    if (n > 0 && pattern[n - 1] == '*')
        return strncmp(pattern, s, n - 1) == 0;
    return strcmp(pattern, s) == 0;
}

/* Whether a set applies to the case by status, nationality and destination. A set
 * scoped to some destinations applies to a case without one only perhaps (T_UNKNOWN). */
static enum tri scope_test(const struct ctx *x, const struct ruleset *rs)
{
    if (!rs_status_applies(x->e->mode, rs->status))
        return T_FAIL;
    if (rs->nationalities != NULL && !in_list(rs->nationalities, rs->n_nationalities, x->c->nationality))
        return T_FAIL;
    if (rs->destinations != NULL && x->c->destination[0] == '\0')
        return T_UNKNOWN;
    if (rs->destinations != NULL && !in_list(rs->destinations, rs->n_destinations, x->c->destination))
        return T_FAIL;
    return T_HOLD;
}

static bool scope_applies(const struct ctx *x, const struct ruleset *rs)
{
    return scope_test(x, rs) == T_HOLD;
}

static bool in_force(const struct ruleset *rs, int32_t d)
{
    return d >= rs->effective_from && (rs->effective_to == DATE_NONE || d < rs->effective_to);
}

static const struct ruleset *superseded_by(const struct ctx *x, const struct ruleset *rs, int32_t d)
{
    for (size_t i = 0; i < x->e->n_sets; i++) {
        const struct ruleset *t = &x->e->sets[i];
        if (t->supersedes != NULL && strcmp(t->supersedes, rs->id) == 0 && scope_applies(x, t) &&
            in_force(t, d))
            return t;
    }
    return NULL;
}

/* Visa history: counts the visas meeting the condition inside [anchor - lookback, anchor]
 * and says in the trail why each other visa did not count. */
static enum tri history_test(const struct ctx *x, const struct history_cond *h, int32_t anchor,
                             json_t *preds)
{
    int32_t from = vfy_day_add_months(anchor, -h->lookback_months);
    int counted = 0;
    bool unknown = false;
    for (size_t i = 0; i < x->c->n_history; i++) {
        const struct history_item *v = &x->c->history[i];
        const char *why = NULL;
        int32_t when = v->dates[h->date_field];
        if (h->kinds != 0 && !(h->kinds & (1u << v->kind)))
            why = "its type does not count (airport-transit and limited-territorial visas do not)";
        else if (h->entries != 0 && !(h->entries & (1u << v->entries)))
            why = "it is not of the required number of entries";
        else if (h->min_validity_months > 0 &&
                 vfy_day_add_months(v->dates[HF_VALID_FROM], h->min_validity_months) > v->dates[HF_VALID_TO] + 1)
            why = "its validity is shorter than required";
        else if (when < from || when > anchor)
            why = "it falls outside the look-back window";
        else if (v->lawful_use == LAW_NO)
            why = "it was not lawfully used";
        else if (v->lawful_use == LAW_UNKNOWN) {
            why = "its lawful use is unknown (check VIS/EES)";
            unknown = true;
            miss(x, "visa_history[%zu].lawful_use", i);
        }
        if (why == NULL) {
            counted++;
            continue;
        }
        if (x->pii) {
            char b[11];
            vfy_day_format_iso(v->dates[HF_ISSUE_DATE], b);
            add_test(preds, T_FAIL, "visa_history[%zu] (issued %s) does not count: %s", i, b, why);
        } else {
            add_test(preds, T_FAIL, "visa_history[%zu] does not count: %s", i, why);
        }
    }
    char fromb[11], tob[11];
    vfy_day_format_iso(from, fromb);
    vfy_day_format_iso(anchor, tob);
    enum tri r = counted >= h->count ? T_HOLD : unknown ? T_UNKNOWN : T_FAIL;
    add_test(preds, r, "at least %d qualifying visa(s) by %s in [%s, %s]: %d found", h->count,
             (const char *[]){ "issue_date", "valid_from", "valid_to" }[h->date_field], fromb, tob, counted);
    return r;
}

static enum tri category_test(const struct ctx *x, const struct ruleset *rs, int idx, int32_t anchor,
                              json_t *preds, struct cand *cd);
static enum tri unless_category_test(const struct ctx *x, const char *id, int32_t anchor, json_t *preds);

static enum tri predicate_test(const struct ctx *x, const struct ruleset *rs, const struct predicate *w,
                               int32_t anchor, json_t *preds, struct cand *cd)
{
    const struct vfy_rules_case *c = x->c;
    enum tri all = T_HOLD;
    char b1[11], b2[11];
    if (w->effective_from != DATE_NONE || w->effective_to != DATE_NONE) {
        bool ok = (w->effective_from == DATE_NONE || anchor >= w->effective_from) &&
                  (w->effective_to == DATE_NONE || anchor < w->effective_to);
        vfy_day_format_iso(w->effective_from != DATE_NONE ? w->effective_from : anchor, b1);
        if (w->effective_to != DATE_NONE)
            vfy_day_format_iso(w->effective_to, b2);
        else
            snprintf(b2, sizeof b2, "open");
        add_test(preds, ok ? T_HOLD : T_FAIL, "rule effective [%s, %s)", b1, b2);
        all = and3(all, ok ? T_HOLD : T_FAIL);
    }
    if (w->age_from >= 0 || w->age_below >= 0) {
        enum tri r;
        char range[48];
        if (w->age_below < 0)
            snprintf(range, sizeof range, "%d or older", w->age_from);
        else if (w->age_from < 0)
            snprintf(range, sizeof range, "under %d", w->age_below);
        else
            snprintf(range, sizeof range, "from %d to under %d", w->age_from, w->age_below);
        if (c->birth_date == DATE_NONE) {
            r = T_UNKNOWN;
            miss(x, "traveller.birth_date");
            add_test(preds, r, "age %s: birth date not given", range);
        } else {
            int age = vfy_day_age(c->birth_date, anchor, rs->feb29_to_mar1);
            r = (w->age_from < 0 || age >= w->age_from) && (w->age_below < 0 || age < w->age_below)
                    ? T_HOLD : T_FAIL;
            if (x->pii)
                add_test(preds, r, "age %s in completed years (age %d)", range, age);
            else
                add_test(preds, r, "age %s in completed years", range);
        }
        all = and3(all, r);
    }
    if (w->doc_types != 0) {
        enum tri r = !c->doc_type_known ? T_UNKNOWN : (w->doc_types & (1u << c->doc_type)) ? T_HOLD : T_FAIL;
        if (r == T_UNKNOWN)
            miss(x, "traveller.document.type");
        char list[64] = "";
        for (int i = 0; i < DOC_COUNT; i++)
            if (w->doc_types & (1u << i)) {
                vfy_text_append(list, sizeof list, list[0] ? "|" : "");
                vfy_text_append(list, sizeof list, rs_doc_type_names[i]);
            }
        add_test(preds, r, "document type %s", list);
        all = and3(all, r);
    }
    if (w->biometric >= 0) {
        enum tri r = c->biometric < 0 ? T_UNKNOWN : c->biometric == w->biometric ? T_HOLD : T_FAIL;
        if (r == T_UNKNOWN)
            miss(x, "traveller.document.biometric");
        add_test(preds, r, "document %sbiometric", w->biometric ? "" : "not ");
        all = and3(all, r);
    }
    if (w->nationalities != NULL) {
        enum tri r = c->nationality[0] == '\0' ? T_UNKNOWN
                     : in_list(w->nationalities, w->n_nationalities, c->nationality) ? T_HOLD : T_FAIL;
        if (r == T_UNKNOWN)
            miss(x, "traveller.nationality");
        add_test(preds, r, "nationality in the rule's list");
        all = and3(all, r);
    }
    if (w->destinations != NULL) {
        enum tri r = c->destination[0] == '\0' ? T_UNKNOWN
                     : in_list(w->destinations, w->n_destinations, c->destination) ? T_HOLD : T_FAIL;
        if (r == T_UNKNOWN)
            miss(x, "application.destination");
        add_test(preds, r, "destination %s in the rule's list", c->destination);
        all = and3(all, r);
    }
    if (w->n_categories == 1) {
        all = and3(all, category_test(x, rs, w->categories[0], anchor, preds, cd));
    } else if (w->n_categories > 1) {
        /* Alternatives read as one step: "one of ...", then what the claims gave, so
         * that ten unclaimed categories do not read as ten failed requirements. */
        enum tri any = T_FAIL;
        json_t *sub = preds != NULL ? json_array() : NULL;
        char list[400] = "", held[160] = "";
        size_t claimed = 0;
        for (size_t i = 0; i < w->n_categories; i++) {
            const struct category *cat = &rs->categories[w->categories[i]];
            if (strlen(list) + strlen(cat->id) + 3 < sizeof list) {
                vfy_text_append(list, sizeof list, list[0] ? ", " : "");
                vfy_text_append(list, sizeof list, cat->id);
            }
            bool is_claimed = false;
            for (size_t k = 0; k < c->n_claims && !is_claimed; k++)
                is_claimed = strcmp(c->claims[k].category, cat->id) == 0;
            if (!is_claimed)
                continue;
            claimed++;
            enum tri r = category_test(x, rs, w->categories[i], anchor, sub, cd);
            if (r == T_HOLD && strlen(held) + strlen(cat->id) + 3 < sizeof held) {
                vfy_text_append(held, sizeof held, held[0] ? ", " : "");
                vfy_text_append(held, sizeof held, cat->id);
            }
            if (r == T_HOLD)
                any = T_HOLD;
            else if (r == T_UNKNOWN && any == T_FAIL)
                any = T_UNKNOWN;
        }
        if (any == T_HOLD)
            add_test(preds, any, "one of the categories %s: %s holds", list, held);
        else if (claimed == 0)
            add_test(preds, any, "one of the categories %s: none is claimed", list);
        else
            add_test(preds, any, "one of the categories %s: the claimed one%s do%s not hold (below)", list,
                     claimed > 1 ? "s" : "", claimed > 1 ? "" : "es");
        size_t i;
        json_t *v;
        json_array_foreach(sub, i, v)
            json_array_append(preds, v);
        json_decref(sub);
        all = and3(all, any);
    }
    for (size_t i = 0; i < w->n_unless_categories; i++)
        all = and3(all, unless_category_test(x, w->unless_categories[i], anchor, preds));
    if (w->history != NULL)
        all = and3(all, history_test(x, w->history, anchor, preds));
    return all;
}

/* "Unless category C holds": C is looked up in every loaded set (the Borders Code's set
 * names the Directive's category). It holds only when claimed with complete evidence and
 * its own conditions hold; unknown stays unknown, so the rule is not dropped on a guess. */
static enum tri unless_category_test(const struct ctx *x, const char *id, int32_t anchor, json_t *preds)
{
    for (size_t si = 0; si < x->e->n_sets; si++) {
        const struct ruleset *set = &x->e->sets[si];
        for (size_t k = 0; k < set->n_categories; k++) {
            if (strcmp(set->categories[k].id, id) != 0)
                continue;
            json_t *sub = preds != NULL ? json_array() : NULL;
            struct cand probe = { .status_end = DATE_NONE };
            enum tri r = category_test(x, set, (int)k, anchor, sub, &probe);
            json_decref(sub);
            json_decref(probe.categories);
            /* Setting a condition aside on a claim nobody has checked would let a typed
             * claim wave a traveller past the entry conditions: until an officer verifies
             * it, the rule is neither applied nor dropped, and an officer decides. */
            if (r == T_HOLD && probe.unverified) {
                miss(x, "application.claims[%s].verified", id);
                add_test(preds, T_UNKNOWN, "unless category %s holds: it is claimed with complete evidence "
                         "that an officer has not yet verified", id);
                return T_UNKNOWN;
            }
            enum tri out = r == T_HOLD ? T_FAIL : r == T_FAIL ? T_HOLD : T_UNKNOWN;
            if (r == T_HOLD)
                add_test(preds, out, "unless category %s holds: it does (%s, %s), so the rule does not bind", id,
                         set->id, set->categories[k].legal_ref);
            else
                add_test(preds, out, "unless category %s holds: it does not", id);
            return out;
        }
    }
    add_test(preds, T_HOLD, "unless category %s holds: no loaded rule set defines it", id);
    return T_HOLD;
}

/* The evidence a category needs, in words: "a and b, or c". */
static void evidence_words(const struct category *cat, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (cat->n_groups == 0) {
        snprintf(buf, cap, "no document");
        return;
    }
    size_t n = 0;
    for (size_t g = 0; g < cat->n_groups; g++)
        for (size_t k = 0; k < cat->group_len[g]; k++) {
            const char *sep = k > 0 ? " and " : g > 0 ? ", or " : "";
            int w = snprintf(buf + n, cap - n, "%s%s", sep, cat->groups[g][k]);
            if (w < 0 || (size_t)w >= cap - n)
                return;
            n += (size_t)w;
        }
}

static enum tri category_test(const struct ctx *x, const struct ruleset *rs, int idx, int32_t anchor,
                              json_t *preds, struct cand *cd)
{
    const struct category *cat = &rs->categories[idx];
    const struct claim *cl = NULL;
    for (size_t i = 0; i < x->c->n_claims && cl == NULL; i++)
        if (strcmp(x->c->claims[i].category, cat->id) == 0)
            cl = &x->c->claims[i];
    if (cl == NULL) {
        char needs[300];
        evidence_words(cat, needs, sizeof needs);
        add_test(preds, T_FAIL, "category %s is not claimed (it needs %s)", cat->id, needs);
        return T_FAIL;
    }
    /* Evidence: one complete alternative group is enough. */
    bool complete = cat->n_groups == 0;
    char missing[160] = "";
    for (size_t g = 0; g < cat->n_groups && !complete; g++) {
        bool all = true;
        for (size_t k = 0; k < cat->group_len[g]; k++) {
            bool have = false;
            for (size_t e = 0; e < cl->n_evidence && !have; e++)
                have = strcmp(cl->evidence[e], cat->groups[g][k]) == 0;
            if (!have) {
                if (all && g == 0 && strlen(missing) + strlen(cat->groups[g][k]) + 2 < sizeof missing) {
                    vfy_text_append(missing, sizeof missing, missing[0] ? ", " : "");
                    vfy_text_append(missing, sizeof missing, cat->groups[g][k]);
                }
                all = false;
            }
        }
        complete = all;
    }
    if (!complete) {
        add_test(preds, T_FAIL, "category %s: evidence incomplete (missing %s)", cat->id, missing);
        return T_FAIL;
    }
    /* The status the claim rests on (a residence right, an office) must still hold
     * when the stay begins; otherwise the category does not. */
    int32_t start = x->c->dates[VFY_ANCHOR_INTENDED_ENTRY] != DATE_NONE ? x->c->dates[VFY_ANCHOR_INTENDED_ENTRY] : anchor;
    if (cl->status_end != DATE_NONE && cl->status_end < start) {
        char b[11];
        vfy_day_format_iso(start, b);
        add_test(preds, T_FAIL, "category %s: the status it rests on ends before %s, when the stay begins",
                 cat->id, b);
        return T_FAIL;
    }
    json_t *sub = preds != NULL ? json_array() : NULL;
    enum tri r = predicate_test(x, rs, &cat->when, anchor, sub, NULL);
    size_t i;
    json_t *v;
    json_array_foreach(sub, i, v) {
        char text[300];
        snprintf(text, sizeof text, "category %s: %s", cat->id, json_string_value(json_object_get(v, "test")));
        json_array_append_new(preds, json_pack("{s:s, s:O}", "test", text, "held", json_object_get(v, "held")));
    }
    json_decref(sub);
    if (r != T_HOLD)
        return r;
    add_test(preds, T_HOLD, "category %s claimed with complete evidence (%s)", cat->id,
             cl->verified ? "verified by an officer" : "not yet verified by an officer");
    if (cd != NULL) {
        if (!cl->verified)
            cd->unverified = true;
        if (cl->status_end != DATE_NONE && (cd->status_end == DATE_NONE || cl->status_end < cd->status_end))
            cd->status_end = cl->status_end;
        if (cd->categories == NULL)
            cd->categories = json_array();
        json_array_append_new(cd->categories, json_string(cat->id));
    }
    return T_HOLD;
}
/* The suspension in force that switches a rule off, if any. `unknown` is set when a
 * suspension might apply but the case lacks an input its predicates need: the rule is
 * then neither applied nor ignored (fail closed). */
static const struct suspension *suspended(const struct ctx *x, const struct ruleset *rs,
                                          const struct rule *r, const struct ruleset **by, bool *unknown)
{
    *unknown = false;
    for (size_t i = 0; i < x->e->n_sets; i++) {
        const struct ruleset *s = &x->e->sets[i];
        if (!scope_applies(x, s))
            continue;
        for (size_t j = 0; j < s->n_suspensions; j++) {
            const struct suspension *sp = &s->suspensions[j];
            int32_t d = anchor_date(x, sp->anchor, NULL);
            bool set_hit = false, rule_hit = false;
            for (size_t k = 0; k < sp->n_sets && !set_hit; k++)
                set_hit = pattern_match(sp->sets[k], rs->id);
            for (size_t k = 0; k < sp->n_rules && !rule_hit; k++)
                rule_hit = pattern_match(sp->rules[k], r->id);
            if (!set_hit || !rule_hit)
                continue;
            if (d == DATE_NONE) {
                miss(x, "application.dates.%s", rs_anchor_names[sp->anchor]);
                *unknown = true;
                *by = s;
                return sp;
            }
            if (d < sp->from || (sp->to != DATE_NONE && d >= sp->to) || !in_force(s, d))
                continue;
            json_t *scratch = json_array();
            size_t mark = missing_mark(x);
            enum tri t = predicate_test(x, s, &sp->when, d, scratch, NULL);
            if (t != T_UNKNOWN)
                missing_reset(x, mark);
            json_decref(scratch);
            if (t != T_FAIL) {
                *unknown = t == T_UNKNOWN;
                *by = s;
                return sp;
            }
        }
    }
    return NULL;
}

static json_t *new_step(const struct ctx *x, const struct ruleset *rs, const struct rule *r)
{
    if (x->compact)
        return json_pack("{s:s, s:s}", "ruleset", rs->id, "rule", r->id);
    int used;
    int32_t d = anchor_date(x, r->anchor, &used);
    json_t *st = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "ruleset", rs->id, "version",
                           rs->version, "digest", rs->digest_hex, "rule", r->id, "legal_ref",
                           r->legal_ref, "anchor", rs_anchor_names[used], "anchor_date",
                           date_json(d), "confidence", r->confidence);
    if (st != NULL && r->note != NULL)
        json_object_set_new(st, "note", json_string(r->note));
    return st;
}

static void set_result(json_t *step, const char *result)
{
    json_object_set_new(step, "result", json_string(result));
}

static bool result_is(const json_t *step, const char *result)
{
    const char *s = json_string_value(json_object_get(step, "result"));
    return s != NULL && strcmp(s, result) == 0;
}

/* Applicability shared by every dimension: anchor given, set in force and not
 * superseded at it, rule not suspended. Returns the anchor date or DATE_NONE (the step
 * then says why; "not_evaluated" when an input is missing). */
static int32_t gate(const struct ctx *x, const struct ruleset *rs, const struct rule *r, json_t *step)
{
    int used;
    int32_t d = anchor_date(x, r->anchor, &used);
    char b1[11], b2[11] = "open", b3[11];
    if (d == DATE_NONE) {
        set_result(step, "not_evaluated");
        miss(x, "application.dates.%s", rs_anchor_names[r->anchor]);
        json_object_set_new(step, "explanation",
                            json_sprintf("the case gives no %s date", rs_anchor_names[r->anchor]));
        return DATE_NONE;
    }
    if (!in_force(rs, d)) {
        vfy_day_format_iso(rs->effective_from, b1);
        if (rs->effective_to != DATE_NONE)
            vfy_day_format_iso(rs->effective_to, b2);
        vfy_day_format_iso(d, b3);
        set_result(step, "not_in_force");
        json_object_set_new(step, "explanation",
                            json_sprintf("%s is in force [%s, %s); %s is %s", rs->id, b1, b2,
                                         rs_anchor_names[used], b3));
        return DATE_NONE;
    }
    const struct ruleset *t = superseded_by(x, rs, d);
    if (t != NULL) {
        set_result(step, "not_in_force");
        json_object_set_new(step, "explanation", json_sprintf("superseded by %s %s", t->id, t->version));
        return DATE_NONE;
    }
    const struct ruleset *by = NULL;
    bool unknown;
    const struct suspension *sp = suspended(x, rs, r, &by, &unknown);
    if (sp != NULL) {
        set_result(step, unknown ? "not_evaluated" : "suspended");
        json_object_set_new(step, "suspended_by",
                            json_pack("{s:s, s:s, s:s}", "ruleset", by->id, "suspension", sp->id,
                                      "legal_ref", sp->legal_ref));
        if (unknown)
            json_object_set_new(step, "explanation",
                                json_sprintf("suspension %s may switch this rule off; the case lacks "
                                             "an input it needs", sp->id));
        return DATE_NONE;
    }
    return d;
}

/* Opens a rule's trail step and gates it: returns the anchor date, or DATE_NONE when
 * the rule does not apply (the step says why). `preds` receives the predicate list.
 * Consecutive rules of one set out of force for the same reason share one step (its
 * "rules" lists them), so that a superseded version does not double the trail. */
static int32_t open_step(const struct ctx *x, const struct ruleset *rs, const struct rule *r,
                         json_t *trail, json_t **step, json_t **preds, json_t **out_of_force)
{
    *step = new_step(x, rs, r);
    int32_t d = gate(x, rs, r, *step);
    if (d != DATE_NONE) {
        json_array_append_new(trail, *step);
        *preds = x->compact ? NULL : json_array();
        if (*preds != NULL)
            json_object_set_new(*step, "predicates", *preds);
        return d;
    }
    if (!result_is(*step, "not_in_force")) {
        json_array_append_new(trail, *step);
        return DATE_NONE;
    }
    if (*out_of_force != NULL && json_equal(json_object_get(*out_of_force, "explanation"),
                                            json_object_get(*step, "explanation"))) {
        json_array_append_new(json_object_get(*out_of_force, "rules"), json_string(r->id));
        json_decref(*step);
        *step = NULL;
        return DATE_NONE;
    }
    json_object_set_new(*step, "rules", json_pack("[s]", r->id));
    json_array_append_new(trail, *step);
    *out_of_force = *step;
    return DATE_NONE;
}

/* A step for a rule of a set that applies only to some destinations, in a case that
 * names none: the rule might apply. */
static json_t *scope_unknown_step(const struct ctx *x, const struct ruleset *rs, const struct rule *r,
                                  json_t *trail)
{
    json_t *step = new_step(x, rs, r);
    set_result(step, "not_evaluated");
    json_object_set_new(step, "explanation",
                        json_sprintf("%s applies to some destinations only and the case names no "
                                     "destination", rs->id));
    miss(x, "application.destination");
    json_array_append_new(trail, step);
    return step;
}

/* ---- values and their order ----------------------------------------------- */

static bool is_discretionary(const struct rule *r)
{
    switch (r->kind) {
    case RK_FEE:
        return r->u.fee.modality == FM_WAIVED_OPTIONAL || r->u.fee.modality == FM_REDUCIBLE;
    case RK_ENTRY_VALIDITY:
        return r->u.grant.modality == VFY_MODALITY_MAY;
    case RK_EVIDENCE:
        return r->u.evidence.modality == VFY_MODALITY_MAY;
    case RK_VISA:
        return r->member_state_may;
    default:
        return false;
    }
}

static int64_t fee_of(const struct rule *r) { return r->u.fee.amount_cents; }

static int64_t sfc_of(const struct ruleset *rs, const struct rule *r)
{
    if (r->u.sfc.of_rule < 0)
        return r->u.sfc.amount_cents;
    return fee_of(&rs->rules[r->u.sfc.of_rule]) * r->u.sfc.num / r->u.sfc.den;
}

static void compute_grant(const struct ctx *x, struct cand *cd)
{
    const struct rule *r = cd->r;
    cd->ends = DATE_NONE;
    cd->capped_by = NULL;
    if (r->u.grant.entries == EN_SINGLE && r->u.grant.validity_months == 0) {
        int32_t exit = x->c->dates[VFY_ANCHOR_INTENDED_EXIT];
        if (exit != DATE_NONE)
            cd->ends = exit + r->u.grant.grace_days;
        return;
    }
    int32_t start = x->c->dates[r->u.grant.start_anchor];
    if (start == DATE_NONE)
        return;
    cd->ends = vfy_day_add_months(start, r->u.grant.validity_months) - 1 + r->u.grant.grace_days;
    if (r->u.grant.cap_document && x->c->expiry_date != DATE_NONE && x->c->expiry_date < cd->ends) {
        cd->ends = x->c->expiry_date;
        cd->capped_by = "document_expiry";
    }
    if (r->u.grant.cap_status && cd->status_end != DATE_NONE && cd->status_end < cd->ends) {
        cd->ends = cd->status_end;
        cd->capped_by = "status_end";
    }
    /* A visa is issued for the intended stay: a grant whose cap ends before the
     * intended exit (a residence right or a document that ends before or during the
     * trip) cannot be issued as of right. */
    int32_t exit = x->c->dates[VFY_ANCHOR_INTENDED_EXIT];
    cd->short_of_stay = exit != DATE_NONE && cd->ends < exit;
}

/* > 0 when a is more favourable to the applicant than b. */
static int favour(int dim, const struct cand *a, const struct cand *b)
{
    const struct rule *ra = a->r, *rb = b->r;
    switch (dim) {
    case VFY_DIM_VISA_NEEDED:
        return (int)rb->u.visa_needed - (int)ra->u.visa_needed;
    case VFY_DIM_FEE:
        return fee_of(rb) > fee_of(ra) ? 1 : fee_of(rb) < fee_of(ra) ? -1 : 0;
    case VFY_DIM_SERVICE_FEE_CAP: {
        int64_t va = sfc_of(a->rs, ra), vb = sfc_of(b->rs, rb);
        return vb > va ? 1 : vb < va ? -1 : 0;
    }
    case VFY_DIM_DEADLINE:
        return rb->u.deadline.days - ra->u.deadline.days;
    case VFY_DIM_ENTRIES:
    case VFY_DIM_VALIDITY:
        /* Entries and validity are one grant, decided jointly so that they cannot
         * contradict: more entries first, then the date the visa really ends, nominal
         * months only when neither end is known. */
        if (ra->u.grant.entries != rb->u.grant.entries)
            return (int)ra->u.grant.entries - (int)rb->u.grant.entries;
        if (a->ends != DATE_NONE && b->ends != DATE_NONE)
            return a->ends > b->ends ? 1 : a->ends < b->ends ? -1 : 0;
        if (a->ends != b->ends)
            return a->ends == DATE_NONE ? -1 : 1;
        return ra->u.grant.validity_months - rb->u.grant.validity_months;
    case VFY_DIM_EVIDENCE:
        return ((int)ra->u.evidence.simplified + (int)ra->u.evidence.n_waives) -
               ((int)rb->u.evidence.simplified + (int)rb->u.evidence.n_waives);
    default:
        return 0;
    }
}

/* Which of two candidates the policy keeps; `later` is from the set being combined on top. */
static struct cand *choose(int dim, enum rs_policy pol, struct cand *earlier, struct cand *later,
                           bool same_set)
{
    switch (pol) {
    case POL_MOST_FAVOURABLE:
    case POL_MOST_RESTRICTIVE: {
        int f = favour(dim, later, earlier);
        if (pol == POL_MOST_RESTRICTIVE)
            f = -f;
        if (f != 0)
            return f > 0 ? later : earlier;
        break;
    }
    default:
        break;
    }
    if (!same_set)
        return later;
    return later->r->priority > earlier->r->priority ? later : earlier;
}

static void add_beat(struct cand *winner, struct cand *loser)
{
    json_t *beat = json_object_get(winner->step, "beat");
    if (beat == NULL) {
        beat = json_array();
        json_object_set_new(winner->step, "beat", beat);
    }
    json_array_append_new(beat, json_sprintf("%s/%s", loser->rs->id, loser->r->id));
    set_result(loser->step, "beaten");
    json_object_set_new(loser->step, "beaten_by", json_sprintf("%s/%s", winner->rs->id, winner->r->id));
}

static json_t *value_of(const struct ctx *x, int dim, const struct cand *cd)
{
    const struct rule *r = cd->r;
    switch (dim) {
    case VFY_DIM_VISA_NEEDED:
        return json_boolean(r->u.visa_needed);
    case VFY_DIM_FEE:
        return fee_of(r) % 100 == 0 ? json_integer(fee_of(r) / 100) : json_real((double)fee_of(r) / 100.0);
    case VFY_DIM_SERVICE_FEE_CAP: {
        int64_t v = sfc_of(cd->rs, r);
        return v % 100 == 0 ? json_integer(v / 100) : json_real((double)v / 100.0);
    }
    case VFY_DIM_DEADLINE: {
        json_t *o = json_pack("{s:i}", "days", r->u.deadline.days);
        json_object_set_new(o, "extendable_to", r->u.deadline.extendable_to > 0 ? json_integer(r->u.deadline.extendable_to) : json_null());
        json_object_set_new(o, "urgent_days", r->u.deadline.urgent_days >= 0 ? json_integer(r->u.deadline.urgent_days) : json_null());
        json_object_set_new(o, "day_kind", json_string(r->u.deadline.working ? "working" : "calendar"));
        if (r->u.deadline.urgent_days >= 0)
            json_object_set_new(o, "urgent_day_kind", json_string(r->u.deadline.urgent_working ? "working" : "calendar"));
        json_object_set_new(o, "consultation_days", r->u.deadline.consultation_days >= 0 ? json_integer(r->u.deadline.consultation_days) : json_null());
        return o;
    }
    case VFY_DIM_ENTRIES:
        return json_string((const char *[]){ "single", "double", "multiple" }[r->u.grant.entries]);
    case VFY_DIM_VALIDITY: {
        json_t *o = json_object();
        json_object_set_new(o, "months", r->u.grant.validity_months > 0 ? json_integer(r->u.grant.validity_months) : json_null());
        json_object_set_new(o, "until", cd->capped_by != NULL ? date_json(cd->ends) : json_null());
        json_object_set_new(o, "ends", date_json(cd->ends));
        json_object_set_new(o, "capped_by", cd->capped_by != NULL ? json_string(cd->capped_by) : json_null());
        json_object_set_new(o, "grace_days", json_integer(r->u.grant.grace_days));
        (void)x;
        return o;
    }
    default:
        return json_null();
    }
}
/* The modality a rule gives when it decides (docs/rules.md, "Modalities"): a visa
 * requirement, a fee due and a deadline are obligations; an exemption, a mandatory
 * waiver, a service-fee cap and an entitled grant are rights; optional waivers and
 * discretionary grants are the authority's discretion. */
static vfy_rules_modality rule_modality(const struct rule *r)
{
    switch (r->kind) {
    case RK_VISA:
        return r->u.visa_needed ? VFY_MODALITY_SHALL : VFY_MODALITY_ENTITLED;
    case RK_FEE:
        return r->u.fee.modality == FM_CHARGED ? VFY_MODALITY_SHALL
               : r->u.fee.modality == FM_WAIVED_MANDATORY ? VFY_MODALITY_ENTITLED : VFY_MODALITY_MAY;
    case RK_SERVICE_FEE_CAP:
        return VFY_MODALITY_ENTITLED;
    case RK_DEADLINE:
        return VFY_MODALITY_SHALL;
    case RK_ENTRY_VALIDITY:
        return r->u.grant.modality == VFY_MODALITY_MAY ? VFY_MODALITY_MAY : VFY_MODALITY_ENTITLED;
    case RK_EVIDENCE:
        return r->u.evidence.modality == VFY_MODALITY_MAY ? VFY_MODALITY_MAY : VFY_MODALITY_ENTITLED;
    default:
        return VFY_MODALITY_OFFICER_REVIEW;
    }
}

/* One dimension's JSON. The invariant of docs/rules.md is enforced here, whatever the
 * caller computed: a null value is never a right, an obligation or a discretion. */
static json_t *dimension_json(json_t *value, vfy_rules_modality m, json_t *trail)
{
    if (value == NULL || json_is_null(value))
        if (m != VFY_MODALITY_NOT_APPLICABLE)
            m = VFY_MODALITY_OFFICER_REVIEW;
    return json_pack("{s:o, s:s, s:o}", "value", value != NULL ? value : json_null(), "modality",
                     vfy_rules_modality_name(m), "trail", trail);
}

/* A dimension that some rule could still change: officer review, the value it would
 * have without those rules kept as "provisional", the missing inputs listed. */
static json_t *review_json(const struct ctx *x, json_t *provisional, json_t *trail)
{
    json_t *out = dimension_json(json_null(), VFY_MODALITY_OFFICER_REVIEW, trail);
    json_object_set_new(out, "provisional", provisional != NULL ? provisional : json_null());
    json_object_set(out, "missing", x->missing);
    return out;
}

/* Entries compare by entries alone when asking whether a discretionary alternative is
 * better: a grace period the consulate may add (VC 24(1)) changes the validity, not the
 * number of entries. */
static int alt_favour(int dim, const struct cand *a, const struct cand *b)
{
    if (dim == VFY_DIM_ENTRIES)
        return (int)a->r->u.grant.entries - (int)b->r->u.grant.entries;
    return favour(dim, a, b);
}

/* The open points of a rule that took part in a decision, "SET/rule: text". */
static void add_open_points(json_t *list, const struct cand *cd)
{
    for (size_t i = 0; i < cd->r->n_open_points; i++) {
        json_t *v = json_sprintf("%s/%s: %s", cd->rs->id, cd->r->id, cd->r->open_points[i]);
        size_t k;
        json_t *w;
        bool dup = false;
        json_array_foreach(list, k, w)
            dup |= json_equal(v, w);
        if (dup)
            json_decref(v);
        else
            json_array_append_new(list, v);
    }
}

static void free_cands(struct cand *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_decref(c[i].categories);
}

/* One dimension decided by rules of one kind (everything but admissibility). */
static json_t *resolve(const struct ctx *x, int dim, enum rule_kind kind)
{
    /* Room for every rule of this kind: no candidate is ever dropped for lack of space. */
    size_t room = 1;
    for (size_t si = 0; si < x->e->n_sets; si++)
        for (size_t ri = 0; ri < x->e->sets[si].n_rules; ri++)
            room += x->e->sets[si].rules[ri].kind == kind;
    struct cand *cands = calloc(room, sizeof *cands), *alts = calloc(room, sizeof *alts);
    struct cand *unknowns = calloc(room, sizeof *unknowns);
    if (cands == NULL || alts == NULL || unknowns == NULL) {
        free(cands);
        free(alts);
        free(unknowns);
        return NULL;
    }
    json_t *trail = json_array(), *open_points = json_array();
    size_t n_cands = 0, n_alts = 0, n_unknown = 0;
    struct cand *acc = NULL;
    for (size_t si = 0; si < x->e->n_sets; si++) {
        const struct ruleset *rs = &x->e->sets[si];
        enum tri sc = scope_test(x, rs);
        if (sc == T_FAIL)
            continue;
        struct cand *local = NULL;
        json_t *out_of_force = NULL, *others = NULL;
        for (size_t ri = 0; ri < rs->n_rules; ri++) {
            const struct rule *r = &rs->rules[ri];
            if (r->kind != kind)
                continue;
            /* Rules for other nationalities read as one short step per set, not as lists
             * of predicates that happen to fail (and cost nothing to skip). */
            if (r->when.nationalities != NULL && x->c->nationality[0] != '\0' &&
                !in_list(r->when.nationalities, r->when.n_nationalities, x->c->nationality)) {
                if (others == NULL) {
                    others = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[]}", "ruleset", rs->id, "version", rs->version,
                                       "digest", rs->digest_hex, "result", "not_applicable", "explanation",
                                       "these rules concern other nationalities", "rules");
                    json_array_append_new(trail, others);
                }
                json_array_append_new(json_object_get(others, "rules"), json_string(r->id));
                continue;
            }
            struct cand cd = { .rs = rs, .r = r, .status_end = DATE_NONE };
            if (sc == T_UNKNOWN) {
                cd.step = scope_unknown_step(x, rs, r, trail);
                if (kind == RK_ENTRY_VALIDITY)
                    compute_grant(x, &cd);
                if (!is_discretionary(r))
                    unknowns[n_unknown++] = cd;
                continue;
            }
            json_t *step, *preds;
            int32_t d = open_step(x, rs, r, trail, &step, &preds, &out_of_force);
            if (d == DATE_NONE) {
                if (step != NULL && result_is(step, "not_evaluated") && !is_discretionary(r)) {
                    cd.step = step;
                    if (kind == RK_ENTRY_VALIDITY)
                        compute_grant(x, &cd);
                    unknowns[n_unknown++] = cd;
                }
                continue;
            }
            cd.step = step;
            size_t mark = missing_mark(x);
            enum tri t = predicate_test(x, rs, &r->when, d, preds, &cd);
            if (t != T_UNKNOWN)
                missing_reset(x, mark);
            if (t != T_HOLD) {
                set_result(step, t == T_FAIL ? "failed" : "not_evaluated");
                json_decref(cd.categories);
                cd.categories = NULL;
                if (t == T_UNKNOWN && !is_discretionary(r)) {
                    if (kind == RK_ENTRY_VALIDITY)
                        compute_grant(x, &cd);
                    unknowns[n_unknown++] = cd;
                }
                continue;
            }
            if (cd.categories != NULL)
                json_object_set(step, "categories", cd.categories);
            if (kind == RK_ENTRY_VALIDITY) {
                compute_grant(x, &cd);
                if (cd.short_of_stay) {
                    char b1[11], b2[11];
                    vfy_day_format_iso(cd.ends, b1);
                    vfy_day_format_iso(x->c->dates[VFY_ANCHOR_INTENDED_EXIT], b2);
                    add_test(preds, T_FAIL, "validity, capped by the %s, would end on %s, before the "
                             "intended exit %s: it does not cover the stay",
                             cd.capped_by != NULL && strcmp(cd.capped_by, "status_end") == 0
                                 ? "end of the status the claim rests on" : "document expiry",
                             b1, b2);
                    set_result(step, "failed");
                    json_decref(cd.categories);
                    continue;
                }
            }
            bool alt = is_discretionary(r);
            set_result(step, alt ? "alternative" : "applies");
            if (alt) {
                alts[n_alts++] = cd;
                continue;
            }
            cands[n_cands] = cd;
            struct cand *now = &cands[n_cands++];
            if (local == NULL) {
                local = now;
            } else if (dim == VFY_DIM_EVIDENCE && rs->combine[dim] == POL_ACCUMULATE) {
                continue;
            } else {
                struct cand *keep = choose(dim, rs->combine[dim], local, now, true);
                add_beat(keep, keep == local ? now : local);
                local = keep;
            }
        }
        if (local == NULL || (dim == VFY_DIM_EVIDENCE && rs->combine[dim] == POL_ACCUMULATE))
            continue;
        if (acc == NULL) {
            acc = local;
        } else {
            struct cand *keep = choose(dim, rs->combine[dim], acc, local, false);
            add_beat(keep, keep == acc ? local : acc);
            acc = keep;
        }
    }

    /* Fail closed: a rule that could not be evaluated and would give another value
     * than the result could change it, so the result is not a right or an obligation. */
    bool blocked = false;
    for (size_t i = 0; i < n_unknown && !blocked; i++) {
        if (dim == VFY_DIM_EVIDENCE)
            blocked = true; /* evidence accumulates: any rule might add to it */
        else
            blocked = acc == NULL || favour(dim, &unknowns[i], acc) != 0;
    }

    json_t *out;
    if (dim == VFY_DIM_EVIDENCE) {
        json_t *cats = json_array(), *waived = json_array();
        bool simplified = false, unverified = false, discretionary_better = false;
        for (size_t i = 0; i < n_cands; i++) {
            if (!result_is(cands[i].step, "applies"))
                continue;
            set_result(cands[i].step, "won");
            add_open_points(open_points, &cands[i]);
            simplified |= cands[i].r->u.evidence.simplified;
            unverified |= cands[i].unverified;
            for (size_t k = 0; k < cands[i].r->u.evidence.n_waives; k++)
                json_array_append_new(waived, json_string(cands[i].r->u.evidence.waives[k]));
            size_t j;
            json_t *v;
            json_array_foreach(cands[i].categories, j, v)
                json_array_append(cats, v);
        }
        json_t *alternatives = json_array();
        for (size_t i = 0; i < n_alts; i++) {
            discretionary_better = true;
            json_t *w = json_array();
            for (size_t k = 0; k < alts[i].r->u.evidence.n_waives; k++)
                json_array_append_new(w, json_string(alts[i].r->u.evidence.waives[k]));
            json_array_append_new(alternatives, json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "ruleset", alts[i].rs->id,
                                                          "rule", alts[i].r->id, "legal_ref", alts[i].r->legal_ref,
                                                          "modality", "may",
                                                          "simplified", alts[i].r->u.evidence.simplified,
                                                          "waives", w));
        }
        json_t *value = json_pack("{s:b, s:o, s:o}", "simplified", simplified, "categories", cats,
                                  "waived", waived);
        if (blocked)
            out = review_json(x, value, trail);
        else
            out = dimension_json(value, unverified ? VFY_MODALITY_OFFICER_REVIEW
                                        : discretionary_better && !simplified ? VFY_MODALITY_MAY
                                        : VFY_MODALITY_ENTITLED, trail);
        json_object_set_new(out, "alternatives", alternatives);
    } else if (acc == NULL && n_alts == 0) {
        json_array_append_new(trail, json_pack("{s:s, s:s}", "result", "no_rule", "explanation",
                                               "no rule of the loaded rule sets decides this for the case"));
        out = blocked ? review_json(x, NULL, trail) : dimension_json(json_null(), VFY_MODALITY_OFFICER_REVIEW, trail);
    } else {
        if (acc != NULL)
            set_result(acc->step, "won");
        struct cand *best_alt = NULL;
        json_t *alternatives = json_array();
        for (size_t i = 0; i < n_alts; i++) {
            /* A Member State's option on the visa requirement cuts either way (Reg.
             * 2018/1806 Art. 6(1): exempting Annex I or requiring from Annex II), so it is
             * shown whenever it would change the value, not only when it is favourable. */
            bool other_way = dim == VFY_DIM_VISA_NEEDED && acc != NULL &&
                             alts[i].r->u.visa_needed != acc->r->u.visa_needed;
            if (acc != NULL && !other_way && alt_favour(dim, &alts[i], acc) <= 0) {
                set_result(alts[i].step, "beaten");
                continue;
            }
            if (best_alt == NULL || favour(dim, &alts[i], best_alt) > 0)
                best_alt = &alts[i];
            add_open_points(open_points, &alts[i]);
            json_array_append_new(alternatives,
                                  json_pack("{s:o, s:s, s:s, s:s, s:s}", "value", value_of(x, dim, &alts[i]),
                                            "modality", "may", "ruleset", alts[i].rs->id,
                                            "rule", alts[i].r->id, "legal_ref", alts[i].r->legal_ref));
        }
        const struct cand *shown = acc != NULL ? acc : best_alt;
        /* An open point on the winning rule is material when a rule it beat would have
         * been more favourable (a Visa Code waiver an agreement's fee overrides): the law
         * is unsettled exactly where the decision turns, so an officer decides. */
        bool material = false;
        if (acc != NULL) {
            add_open_points(open_points, acc);
            for (size_t i = 0; i < n_cands && acc->r->n_open_points > 0; i++)
                if (&cands[i] != acc && result_is(cands[i].step, "beaten") && favour(dim, &cands[i], acc) > 0)
                    material = true;
        }
        vfy_rules_modality m;
        if (acc == NULL)
            m = VFY_MODALITY_MAY;
        else if (acc->unverified)
            m = VFY_MODALITY_OFFICER_REVIEW;
        else if (best_alt != NULL)
            m = VFY_MODALITY_MAY;
        else
            m = rule_modality(acc->r);
        if (material && !blocked) {
            out = dimension_json(json_null(), VFY_MODALITY_OFFICER_REVIEW, trail);
            json_object_set_new(out, "provisional", value_of(x, dim, shown));
        } else {
            out = blocked ? review_json(x, value_of(x, dim, shown), trail)
                          : dimension_json(value_of(x, dim, shown), m, trail);
        }
        if (x->won != NULL && acc != NULL && !blocked && !material && m != VFY_MODALITY_OFFICER_REVIEW)
            *x->won = (struct winner){ acc->rs, acc->r, true };
        json_object_set_new(out, "alternatives", alternatives);
    }
    if (out != NULL && json_array_size(open_points) > 0)
        json_object_set(out, "open_points", open_points);
    json_decref(open_points);
    free_cands(cands, n_cands);
    free_cands(alts, n_alts);
    free_cands(unknowns, n_unknown);
    free(cands);
    free(alts);
    free(unknowns);
    return out;
}

/* ---- admissibility: every check of every set in force must hold --------------- */

static enum tri run_check(const struct ctx *x, const struct rule *r, int32_t d, json_t *preds)
{
    const struct vfy_rules_case *c = x->c;
    char need[11], have[11];
    switch (r->u.check.kind) {
    case CK_VALID_ON:
    case CK_VALID_AFTER: {
        int32_t from = d;
        if (r->u.check.kind == CK_VALID_AFTER && r->u.check.relative_to >= 0) {
            from = c->dates[r->u.check.relative_to];
            if (from == DATE_NONE) {
                miss(x, "application.dates.%s", rs_anchor_names[r->u.check.relative_to]);
                add_test(preds, T_UNKNOWN, "document valid %d months after the %s: the case gives no %s date",
                         r->u.check.amount, rs_anchor_names[r->u.check.relative_to],
                         rs_anchor_names[r->u.check.relative_to]);
                return T_UNKNOWN;
            }
        }
        int32_t required = r->u.check.kind == CK_VALID_ON ? d : vfy_day_add_months(from, r->u.check.amount);
        vfy_day_format_iso(required, need);
        if (c->expiry_date == DATE_NONE) {
            miss(x, "traveller.document.expiry_date");
            add_test(preds, T_UNKNOWN, "document valid until at least %s: expiry date not given", need);
            return T_UNKNOWN;
        }
        enum tri t = c->expiry_date >= required ? T_HOLD : T_FAIL;
        vfy_day_format_iso(c->expiry_date, have);
        if (x->pii)
            add_test(preds, t, "document valid until at least %s (expires %s)", need, have);
        else
            add_test(preds, t, "document valid until at least %s", need);
        return t;
    }
    case CK_MAX_ISSUE_AGE: {
        int32_t oldest = vfy_day_add_months(d, -12 * r->u.check.amount);
        vfy_day_format_iso(oldest, need);
        if (c->issue_date == DATE_NONE) {
            miss(x, "traveller.document.issue_date");
            add_test(preds, T_UNKNOWN, "document issued on or after %s: issue date not given", need);
            return T_UNKNOWN;
        }
        enum tri t = c->issue_date >= oldest ? T_HOLD : T_FAIL;
        vfy_day_format_iso(c->issue_date, have);
        if (x->pii)
            add_test(preds, t, "document issued on or after %s, at most %d years before (issued %s)", need, r->u.check.amount, have);
        else
            add_test(preds, t, "document issued on or after %s, at most %d years before", need, r->u.check.amount);
        return t;
    }
    case CK_BLANK_PAGES: {
        if (c->blank_pages < 0) {
            miss(x, "traveller.document.blank_pages");
            add_test(preds, T_UNKNOWN, "at least %d blank pages: not given", r->u.check.amount);
            return T_UNKNOWN;
        }
        enum tri t = c->blank_pages >= r->u.check.amount ? T_HOLD : T_FAIL;
        add_test(preds, t, "at least %d blank pages", r->u.check.amount);
        return t;
    }
    case CK_LODGING_NOT_BEFORE:
    case CK_LODGING_NOT_AFTER: {
        int32_t rel = c->dates[r->u.check.relative_to];
        if (rel == DATE_NONE) {
            miss(x, "application.dates.%s", rs_anchor_names[r->u.check.relative_to]);
            add_test(preds, T_UNKNOWN, "the case gives no %s date", rs_anchor_names[r->u.check.relative_to]);
            return T_UNKNOWN;
        }
        enum tri t;
        if (r->u.check.kind == CK_LODGING_NOT_BEFORE) {
            int32_t earliest = vfy_day_add_months(rel, -r->u.check.amount);
            vfy_day_format_iso(earliest, need);
            t = d >= earliest ? T_HOLD : T_FAIL;
            add_test(preds, t, "%s on or after %s (%d months before %s)", rs_anchor_names[r->anchor], need,
                     r->u.check.amount, rs_anchor_names[r->u.check.relative_to]);
        } else {
            int32_t latest = rel - r->u.check.amount;
            vfy_day_format_iso(latest, need);
            t = d <= latest ? T_HOLD : T_FAIL;
            add_test(preds, t, "%s on or before %s (%d days before %s)", rs_anchor_names[r->anchor], need,
                     r->u.check.amount, rs_anchor_names[r->u.check.relative_to]);
        }
        return t;
    }
    case CK_VISA_HELD: {
        /* Borders Code Art. 6(1)(b): a valid visa, if one is required. */
        if (x->visa_required == T_UNKNOWN) {
            add_test(preds, T_UNKNOWN, "a valid visa held, if one is required: the visa requirement is undecided");
            return T_UNKNOWN;
        }
        if (!c->history_given) {
            miss(x, "visa_history");
            add_test(preds, T_UNKNOWN, "a visa valid on %s: the case gives no visa history", rs_anchor_names[r->anchor]);
            return T_UNKNOWN;
        }
        for (size_t i = 0; i < c->n_history; i++) {
            const struct history_item *v = &c->history[i];
            if (v->kind != VK_ATV && v->dates[HF_VALID_FROM] <= d && d <= v->dates[HF_VALID_TO]) {
                add_test(preds, T_HOLD, "visa_history[%zu] is a visa valid on the day of the %s", i,
                         rs_anchor_names[r->anchor]);
                return T_HOLD;
            }
        }
        add_test(preds, T_FAIL, "a visa valid on the day of the %s (none of the %zu visa(s) of the history)",
                 rs_anchor_names[r->anchor], c->n_history);
        return T_FAIL;
    }
    default:
        return T_UNKNOWN;
    }
}

/* Admissibility: `true`/entitled only when every check that applies was evaluated and
 * held. A failed check that makes the application inadmissible decides `false`/shall
 * whatever else is unknown (Art. 19(3)); one the consulate may derogate from gives
 * `false`/may (Art. 19(4)); one that needs an officer's judgement `false`/officer_review. */
static json_t *admissibility(const struct ctx *x, bool *inadmissible)
{
    json_t *trail = json_array();
    bool any_check = false, derogable = false, review = false, unknown = false;
    size_t consular_skipped = 0;
    *inadmissible = false;
    for (size_t si = 0; si < x->e->n_sets; si++) {
        const struct ruleset *rs = &x->e->sets[si];
        enum tri sc = scope_test(x, rs);
        if (sc == T_FAIL)
            continue;
        json_t *out_of_force = NULL;
        for (size_t ri = 0; ri < rs->n_rules; ri++) {
            const struct rule *r = &rs->rules[ri];
            if (r->kind != RK_CHECK)
                continue;
            /* At the border only the entry conditions (rules anchored on the crossing)
             * are checked; the Visa Code's conditions of an application are not. */
            if (x->border && r->anchor != VFY_ANCHOR_BORDER_CROSSING) {
                consular_skipped++;
                continue;
            }
            /* A visa held is a border condition, and only where a visa is required. */
            if (r->u.check.kind == CK_VISA_HELD && (!x->border || x->visa_required == T_FAIL)) {
                json_t *st = new_step(x, rs, r);
                set_result(st, "not_applicable");
                json_object_set_new(st, "explanation", json_string(
                    !x->border ? "at a consulate the visa is being applied for: no visa is held yet"
                               : "no visa is required (see visa_needed)"));
                json_array_append_new(trail, st);
                continue;
            }
            if (sc == T_UNKNOWN) {
                scope_unknown_step(x, rs, r, trail);
                unknown = true;
                continue;
            }
            json_t *step, *preds;
            int32_t d = open_step(x, rs, r, trail, &step, &preds, &out_of_force);
            if (d == DATE_NONE) {
                unknown |= step != NULL && result_is(step, "not_evaluated");
                continue;
            }
            struct cand scratch = { .status_end = DATE_NONE };
            size_t mark = missing_mark(x);
            enum tri t = predicate_test(x, rs, &r->when, d, preds, &scratch);
            if (t != T_UNKNOWN)
                missing_reset(x, mark);
            json_decref(scratch.categories);
            if (t != T_HOLD) {
                set_result(step, t == T_FAIL ? "not_applicable" : "not_evaluated");
                unknown |= t == T_UNKNOWN;
                continue;
            }
            any_check = true;
            t = run_check(x, r, d, preds);
            if (t == T_HOLD) {
                set_result(step, "passed");
                continue;
            }
            if (t == T_UNKNOWN) {
                set_result(step, "not_evaluated");
                unknown = true;
                continue;
            }
            set_result(step, "failed");
            json_object_set_new(step, "on_fail", json_string(rs_check_fail_names[r->u.check.on_fail]));
            if (r->u.check.consequence != NULL)
                json_object_set_new(step, "consequence", json_string(r->u.check.consequence));
            switch (r->u.check.on_fail) {
            case CF_INADMISSIBLE: *inadmissible = true; break;
            case CF_DEROGATION: derogable = true; break;
            default: review = true; break;
            }
        }
    }
    if (consular_skipped > 0)
        json_array_append_new(trail, json_pack("{s:s, s:s}", "result", "not_applicable", "explanation",
                                               "border check: the Visa Code's admissibility conditions of an "
                                               "application (Art. 9, 12, 19) are not entry conditions and were "
                                               "not checked"));
    if (*inadmissible)
        return dimension_json(json_false(), VFY_MODALITY_SHALL, trail);
    if (derogable || review) {
        json_t *out = dimension_json(json_false(), review || unknown ? VFY_MODALITY_OFFICER_REVIEW
                                                                      : VFY_MODALITY_MAY, trail);
        if (unknown)
            json_object_set(out, "missing", x->missing);
        return out;
    }
    if (unknown)
        return review_json(x, any_check ? json_true() : json_null(), trail);
    if (!any_check) {
        json_array_append_new(trail, json_pack("{s:s, s:s}", "result", "no_rule", "explanation",
                                               "no admissibility check of the loaded rule sets applies"));
        return dimension_json(json_null(), VFY_MODALITY_OFFICER_REVIEW, trail);
    }
    return dimension_json(json_true(), VFY_MODALITY_ENTITLED, trail);
}

static json_t *not_applicable(const char *why)
{
    json_t *out = dimension_json(json_null(), VFY_MODALITY_NOT_APPLICABLE,
                                 json_pack("[{s:s, s:s}]", "result", "not_applicable", "explanation", why));
    if (out != NULL)
        json_object_set_new(out, "reason", json_string(why));
    return out;
}

/* Categories and evidence ids form a closed vocabulary: those of the rule sets that
 * may apply in this mode. A misspelled category would otherwise lose its waiver
 * silently, a misspelled evidence id its simplification. */
static bool category_known(const vfy_rules_engine *e, const char *id)
{
    for (size_t i = 0; i < e->n_sets; i++) {
        if (!rs_status_applies(e->mode, e->sets[i].status))
            continue;
        for (size_t k = 0; k < e->sets[i].n_categories; k++)
            if (strcmp(e->sets[i].categories[k].id, id) == 0)
                return true;
    }
    return false;
}

static bool evidence_known(const vfy_rules_engine *e, const char *id)
{
    for (size_t i = 0; i < e->n_sets; i++) {
        if (!rs_status_applies(e->mode, e->sets[i].status))
            continue;
        for (size_t k = 0; k < e->sets[i].n_categories; k++) {
            const struct category *cat = &e->sets[i].categories[k];
            for (size_t g = 0; g < cat->n_groups; g++)
                for (size_t j = 0; j < cat->group_len[g]; j++)
                    if (strcmp(cat->groups[g][j], id) == 0)
                        return true;
        }
    }
    return false;
}

static vfy_status check_vocabulary(const vfy_rules_engine *e, const vfy_rules_case *c, vfy_detail *detail)
{
    char path[96];
    for (size_t i = 0; i < c->n_claims; i++) {
        const struct claim *cl = &c->claims[i];
        if (!category_known(e, cl->category)) {
            snprintf(path, sizeof path, "$.application.claims[%zu].category", i);
            return vfy_fail(detail, VFY_E_CASE_VOCABULARY, path,
                            "no loaded rule set in force defines the category '%s' (vfy rules show "
                            "lists the categories and the evidence each needs)", cl->category);
        }
        for (size_t k = 0; k < cl->n_evidence; k++)
            if (!evidence_known(e, cl->evidence[k])) {
                snprintf(path, sizeof path, "$.application.claims[%zu].evidence[%zu]", i, k);
                return vfy_fail(detail, VFY_E_CASE_VOCABULARY, path,
                                "no loaded rule set in force knows the evidence '%s' (vfy rules show "
                                "lists the evidence each category needs)", cl->evidence[k]);
            }
    }
    return VFY_OK;
}

/* ---- readable values ------------------------------------------------------------ */

static void euros(const json_t *v, char *buf, size_t cap)
{
    if (json_is_integer(v))
        snprintf(buf, cap, "EUR %lld", (long long)json_integer_value(v));
    else
        snprintf(buf, cap, "EUR %.2f", json_number_value(v));
}

/* A dimension's value in words, for an officer reading the decision at a glance. */
static json_t *value_words(int dim, const json_t *d)
{
    const json_t *v = json_object_get(d, "value");
    const char *m = json_string_value(json_object_get(d, "modality"));
    char b[400], e[64];
    if (json_is_null(v)) {
        const json_t *missing = json_object_get(d, "missing");
        if (m != NULL && strcmp(m, "not_applicable") == 0)
            return json_string("not applicable");
        if (json_array_size(missing) > 0) {
            size_t n = (size_t)snprintf(b, sizeof b, "not decided: an officer decides (missing ");
            size_t i;
            json_t *s;
            json_array_foreach(missing, i, s)
                if (n < sizeof b)
                    n += (size_t)snprintf(b + n, sizeof b - n, "%s%s", i ? ", " : "", json_string_value(s));
            if (n < sizeof b)
                snprintf(b + n, sizeof b - n, ")");
            return json_string(b);
        }
        if (json_object_get(d, "open_points") != NULL)
            return json_string("not decided: an open legal point decides it (see open_points); an officer decides");
        return json_string("not decided: an officer decides");
    }
    switch (dim) {
    case VFY_DIM_VISA_NEEDED:
        return json_string(json_is_true(v) ? "a visa is required" : "no visa is required");
    case VFY_DIM_ADMISSIBLE:
        return json_string(json_is_true(v) ? "admissible (every condition checked holds)"
                           : m != NULL && strcmp(m, "may") == 0
                               ? "not admissible unless the authority derogates or waives (see the failed checks)"
                               : "not admissible");
    case VFY_DIM_FEE:
        euros(v, e, sizeof e);
        return json_is_integer(v) && json_integer_value(v) == 0 ? json_string("no fee") : json_string(e);
    case VFY_DIM_SERVICE_FEE_CAP:
        euros(v, e, sizeof e);
        snprintf(b, sizeof b, "an external service provider may charge at most %s", e);
        return json_string(b);
    case VFY_DIM_DEADLINE: {
        const char *kind = json_string_value(json_object_get(v, "day_kind"));
        size_t n = (size_t)snprintf(b, sizeof b, "decision within %lld %s days",
                                    (long long)json_integer_value(json_object_get(v, "days")), kind ? kind : "");
        if (json_is_integer(json_object_get(v, "extendable_to")))
            n += (size_t)snprintf(b + n, sizeof b - n, ", extendable to %lld",
                                  (long long)json_integer_value(json_object_get(v, "extendable_to")));
        if (json_is_integer(json_object_get(v, "urgent_days")) && n < sizeof b)
            n += (size_t)snprintf(b + n, sizeof b - n, ", %lld %s days when urgent",
                                  (long long)json_integer_value(json_object_get(v, "urgent_days")),
                                  json_string_value(json_object_get(v, "urgent_day_kind")) ? json_string_value(json_object_get(v, "urgent_day_kind")) : "");
        if (json_is_integer(json_object_get(v, "consultation_days")) && n < sizeof b)
            snprintf(b + n, sizeof b - n, ", of which up to %lld for prior consultation",
                     (long long)json_integer_value(json_object_get(v, "consultation_days")));
        return json_string(b);
    }
    case VFY_DIM_ENTRIES: {
        const char *en = json_string_value(v);
        return json_string(en == NULL ? "?" : strcmp(en, "single") == 0 ? "a single entry"
                           : strcmp(en, "double") == 0 ? "two entries" : "multiple entries");
    }
    case VFY_DIM_VALIDITY: {
        const char *ends = json_string_value(json_object_get(v, "ends"));
        const char *capped = json_string_value(json_object_get(v, "capped_by"));
        const json_t *months = json_object_get(v, "months");
        long long grace = json_integer_value(json_object_get(v, "grace_days"));
        size_t n = 0;
        if (json_is_integer(months))
            n = (size_t)snprintf(b, sizeof b, "%lld months", (long long)json_integer_value(months));
        else
            n = (size_t)snprintf(b, sizeof b, "the intended stay");
        if (ends != NULL && n < sizeof b)
            n += (size_t)snprintf(b + n, sizeof b - n, ", valid until %s", ends);
        if (capped != NULL && n < sizeof b)
            n += (size_t)snprintf(b + n, sizeof b - n, " (cut at the %s)",
                                  strcmp(capped, "status_end") == 0 ? "end of the status claimed" : "document expiry");
        if (grace > 0 && n < sizeof b)
            snprintf(b + n, sizeof b - n, ", %lld days of grace included", grace);
        return json_string(b);
    }
    case VFY_DIM_EVIDENCE: {
        const json_t *waived = json_object_get(v, "waived");
        size_t n = (size_t)snprintf(b, sizeof b, "%s", json_is_true(json_object_get(v, "simplified"))
                                                        ? "simplified supporting documents" : "the standard file");
        size_t i;
        json_t *w;
        json_array_foreach(waived, i, w)
            if (n < sizeof b)
                n += (size_t)snprintf(b + n, sizeof b - n, "%s%s", i ? ", " : "; not required: ", json_string_value(w));
        return json_string(b);
    }
    default:
        return json_string("");
    }
}

/* What each category of the applicable sets needs, whether claimed or not, so an
 * officer can tell the applicant what to bring. */
static json_t *categories_available(const struct ctx *x)
{
    json_t *out = json_array();
    for (size_t i = 0; i < x->e->n_sets; i++) {
        const struct ruleset *rs = &x->e->sets[i];
        int32_t at = anchor_date(x, VFY_ANCHOR_LODGING, NULL);
        if (scope_test(x, rs) == T_FAIL || (at != DATE_NONE && (!in_force(rs, at) || superseded_by(x, rs, at) != NULL)))
            continue;
        for (size_t k = 0; k < rs->n_categories; k++) {
            char needs[300];
            evidence_words(&rs->categories[k], needs, sizeof needs);
            /* The same category with the same evidence in another set adds nothing. */
            bool dup = false;
            size_t j;
            json_t *v;
            json_array_foreach(out, j, v)
                dup |= strcmp(json_string_value(json_object_get(v, "category")), rs->categories[k].id) == 0 &&
                       strcmp(json_string_value(json_object_get(v, "needs")), needs) == 0;
            if (dup)
                continue;
            json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "category", rs->categories[k].id,
                                                 "ruleset", rs->id, "legal_ref", rs->categories[k].legal_ref,
                                                 "needs", needs));
        }
    }
    return out;
}

/* Applicability first: when no visa is needed, or the traveller is not a
 * third-country national, the dimensions of a visa application do not arise. */
static const char *applicability_reason(const struct winner *w, char *buf, size_t cap)
{
    if (!w->decided || w->r->kind != RK_VISA || w->r->u.visa_needed)
        return NULL;
    snprintf(buf, cap, "%s (%s/%s, %s): there is no visa application to decide",
             w->r->applicability == AP_NOT_THIRD_COUNTRY_NATIONAL
                 ? "the traveller is not a third-country national"
                 : "no visa is needed",
             w->rs->id, w->r->id, w->r->legal_ref);
    return buf;
}

vfy_status vfy_rules_evaluate(const vfy_rules_engine *engine, const vfy_rules_case *c,
                              const vfy_rules_eval_options *options, vfy_rules_decision **out,
                              vfy_detail *detail)
{
    if (engine == NULL || c == NULL || out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "evaluate", "an engine, a case and an output are required");
    *out = NULL;
    /* Nothing is decided for nobody: an empty or traveller-less case is refused, not
     * answered with a decision made of unknowns. */
    if (c->nationality[0] == '\0')
        return vfy_fail(detail, VFY_E_CASE_INCOMPLETE, "traveller.nationality",
                        "the case names no traveller (traveller.nationality is required); "
                        "no decision is made for an unknown person");
    VFY_TRY(check_vocabulary(engine, c, detail));
    struct winner visa_won = { 0 };
    struct ctx x = { engine, c, options != NULL && options->include_pii, NULL,
                     options != NULL && options->compact_trail, NULL, false, T_UNKNOWN };
    /* Border check: a crossing date and no lodging date (docs/rules.md, "Border check"). */
    x.border = c->dates[VFY_ANCHOR_LODGING] == DATE_NONE && c->dates[VFY_ANCHOR_BORDER_CROSSING] != DATE_NONE;
    json_t *dims = json_object();
    bool complete = dims != NULL;

    x.missing = json_array();
    x.won = &visa_won;
    json_t *visa = resolve(&x, VFY_DIM_VISA_NEEDED, RK_VISA);
    x.won = NULL;
    json_decref(x.missing);
    complete &= visa != NULL;
    char why[512];
    const char *na = applicability_reason(&visa_won, why, sizeof why);
    if (na != NULL && visa != NULL && visa_won.r->applicability == AP_NOT_THIRD_COUNTRY_NATIONAL)
        json_object_set_new(visa, "modality", json_string("not_applicable"));
    if (na != NULL && visa != NULL)
        json_object_set_new(visa, "reason", json_string(na));
    if (visa_won.decided)
        x.visa_required = visa_won.r->u.visa_needed ? T_HOLD : T_FAIL;
    bool not_tcn = na != NULL && visa_won.r->applicability == AP_NOT_THIRD_COUNTRY_NATIONAL;
    static const char border_na[] =
        "border check: fees, deadlines, entries and validity are decided at the consulate when a visa "
        "is issued; at the border the visa requirement, the travel document (Borders Code Art. 6(1)(a)) "
        "and a visa held (Art. 6(1)(b)) are checked";
    if (x.border && !not_tcn)
        na = border_na;

    bool inadmissible = false;
    json_t *adm;
    if (na != NULL && !(x.border && !not_tcn)) {
        adm = not_applicable(na);
    } else {
        x.missing = json_array();
        adm = admissibility(&x, &inadmissible);
        json_decref(x.missing);
    }
    complete &= adm != NULL;
    json_object_set_new(dims, "visa_needed", visa);
    json_object_set_new(dims, "admissible", adm);
    static const enum rule_kind kinds[VFY_DIM_COUNT] = {
        RK_VISA, RK_CHECK, RK_FEE, RK_SERVICE_FEE_CAP, RK_DEADLINE, RK_ENTRY_VALIDITY,
        RK_ENTRY_VALIDITY, RK_EVIDENCE,
    };
    for (int d = VFY_DIM_FEE; d < VFY_DIM_COUNT; d++) {
        json_t *v;
        if (na != NULL) {
            v = not_applicable(na);
        } else if (inadmissible) {
            v = not_applicable("the application is inadmissible (see admissible, Art. 19(3)): "
                               "it is returned and no entitlement is evaluated");
            if (d == VFY_DIM_FEE && v != NULL)
                json_object_set_new(v, "refund", json_true());
        } else {
            x.missing = json_array();
            v = resolve(&x, d, kinds[d]);
            json_decref(x.missing);
        }
        complete &= v != NULL;
        json_object_set_new(dims, kind_dim_names[d], v);
    }
    for (int d = 0; d < VFY_DIM_COUNT && complete; d++) {
        json_t *dim = json_object_get(dims, kind_dim_names[d]);
        json_object_set_new(dim, "value_text", value_words(d, dim));
    }
    json_t *ev = json_object_get(dims, "evidence");
    if (complete && !x.compact && ev != NULL &&
        strcmp(json_string_value(json_object_get(ev, "modality")), "not_applicable") != 0)
        json_object_set_new(ev, "categories_available", categories_available(&x));
    /* A decision missing a dimension is never returned. */
    if (!complete) {
        json_decref(dims);
        return vfy_fail(detail, VFY_E_NO_MEMORY, "decision", "out of memory while evaluating the case");
    }
    return rd_decision_new(engine, dims, x.border ? "border" : "consulate", x.compact, out, detail);
}
