/*
 * Evaluating a case: select the sets in force at each rule's reference date, test the
 * predicates, drop suspended rules, then combine per dimension with each set's policy.
 * The law is in the data; this file only knows the mechanics (docs/rules.md,
 * "Evaluation").
 *
 * The result is a record (rules/record.h) in a reusable workspace: indices, day numbers
 * and enums, no JSON and, once the workspace has its size, no allocation. The texts of
 * the trail are written by rules/writer.c; only the full trail's predicates are worded
 * here, because they describe what was tested as it was tested.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/fail.h"
#include "core/date.h"
#include "rules/engine.h"
#include "rules/record.h"

enum tri { T_HOLD, T_FAIL, T_UNKNOWN };

/* The rule that decided a dimension, when one did and nothing could change it. */
struct winner {
    const struct ruleset *rs;
    const struct rule *r;
    size_t si;
    bool decided;
};

struct ctx {
    const struct vfy_rules_engine *e;
    const struct vfy_calendar *cal; /* the engine's: one load less per month sum */
    const struct vfy_rules_case *c;
    struct vfy_rules_workspace *w;
    bool pii;
    bool full;               /* predicates are worded into the trail */
    size_t miss_start;       /* the inputs the dimension being decided lacked start here */
    struct winner *won;      /* what decided the dimension, for applicability */
    bool border;             /* decided at the border: a crossing date and no lodging */
    int visa_required;       /* enum tri: the visa requirement as decided (for 6(1)(b)) */
    long nat, dest;          /* the case's codes in the engine's table (-1: in no list) */
    /* Each claim's category as a number (rs_category_name), when there are at most 32. */
    int claim_name[32];
    bool named;
    /* The claimed categories as bits of their numbers, when every number is below 64. */
    uint64_t claimed;
    bool by_mask;
    /* The last age computed per 29 February convention (most rules share an anchor). */
    int32_t age_anchor[2];
    int age[2];
    /* Entries and validity are decided from the same grant rules with the same outcomes:
     * the entries dimension keeps its trail as it stood before combining (w->snap), and
     * validity starts from it instead of testing every rule again. */
    struct {
        bool ready;
        uint32_t step0, n_steps;
        size_t miss0, n_miss, n_cands, n_alts, n_unknown;
        long acc;
    } grant;
};

/* Month arithmetic from the engine's calendar (core/date.h); out of line, so that the
 * predicates and grants that call it stay small. */
static __attribute__((noinline)) int32_t add_months(const struct ctx *x, int32_t day, int months)
{
    return vfy_calendar_add_months(x->cal, day, months);
}

/* Whether the case certainly claims no category numbered `name` (false: it may). */
static inline bool unclaimed(const struct ctx *x, int name)
{
    return x->by_mask && (unsigned)name < 64 && !(x->claimed >> name & 1);
}

/* The claim of a category, or NULL. */
static inline const struct claim *claim_of(const struct ctx *x, const struct category *cat)
{
    for (size_t i = 0; i < x->c->n_claims; i++)
        if (x->named ? x->claim_name[i] == cat->name : strcmp(x->c->claims[i].category, cat->id) == 0)
            return &x->c->claims[i];
    return NULL;
}

static int age_at(const struct ctx *cx, int32_t anchor, bool feb29_to_mar1)
{
    struct ctx *x = (struct ctx *)cx; /* the cache only */
    int k = feb29_to_mar1;
    if (x->age_anchor[k] != anchor) {
        x->age[k] = vfy_calendar_age(x->cal, x->c->birth_date, anchor, feb29_to_mar1);
        x->age_anchor[k] = anchor;
    }
    return x->age[k];
}

/* A rule that applies (or might): copied into the dimension's lists, so kept small. */
struct cand {
    const struct ruleset *rs;
    const struct rule *r;
    uint16_t si, ri;         /* the set's and the rule's indices (rs, r) */
    uint32_t step;           /* index of its trail step */
    int32_t status_end;      /* earliest status end of the categories it relied on */
    uint32_t cat_off, n_cats;/* categories that held (w->u32) */
    /* computed for entries/validity */
    int32_t ends;
    uint8_t capped_by;       /* 0, 1 document_expiry, 2 status_end */
    bool short_of_stay;      /* the capped validity ends before the intended exit */
    bool unverified;         /* relies on a claim the officer has not verified */
    bool has_cats;
};

#define NO_STEP UINT32_MAX

/* Zeroes a struct of a constant size in pieces of 64 bytes: GCC makes one memset (or a
 * zero initializer) of a struct of some 100 bytes or more a string store (rep stos),
 * which takes dozens of cycles to start, on every dimension of every decision; the
 * pieces compile to plain stores. */
static inline __attribute__((always_inline)) void zero_small(void *p, size_t n)
{
    char *q = p;
    for (size_t k = 0; k + 64 <= n; k += 64)
        memset(q + k, 0, 64);
    memset(q + (n & ~(size_t)63), 0, n & 63);
}

/* A rule as a candidate whose trail step is `step`; nothing computed yet. */
static inline struct cand cand_of(const struct ruleset *rs, const struct rule *r, size_t si, size_t ri, uint32_t step)
{
    return (struct cand){ .rs = rs, .r = r, .si = (uint16_t)si, .ri = (uint16_t)ri, .step = step,
                          .status_end = DATE_NONE };
}

/* ---- the workspace's pools ------------------------------------------------------ */

bool rr_grow(struct vfy_rules_workspace *w, void **p, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 64;
    while (ncap <= n)
        ncap *= 2;
    void *q = realloc(*p, ncap * elem);
    if (q == NULL) {
        w->oom = true;
        return false;
    }
    *p = q;
    *cap = ncap;
    return true;
}

/* Room for one more element; the pools are sized for the engine (rr_workspace_reserve),
 * so the call to grow them is the rare path. */
#define GROW(w, arr, n, cap) \
    ((w)->n < (w)->cap || rr_grow((w), (void **)&(w)->arr, &(w)->cap, (w)->n, sizeof *(w)->arr))

static uint32_t push_u32(struct vfy_rules_workspace *w, uint32_t v)
{
    if (!GROW(w, u32, n_u32, cap_u32))
        return 0;
    w->u32[w->n_u32] = v;
    return (uint32_t)w->n_u32++;
}

/* Appends to a linked list (never to a slice: the plan's slices are whole groups, and
 * only the steps open_step makes, whose lists are linked, grow). */
static inline __attribute__((always_inline)) void list_add(struct vfy_rules_workspace *w, struct rr_list *l, uint32_t v)
{
    if (!GROW(w, links, n_links, cap_links))
        return;
    uint32_t i = (uint32_t)w->n_links++;
    w->links[i] = (struct rr_link){ UINT32_MAX, v };
    if (l->n == 0)
        l->first = i;
    else
        w->links[l->last].next = i;
    l->last = i;
    l->n++;
}

/* Room for one more step at the end of the trail, filled in place by the caller (NULL
 * when out of memory). */
static inline struct rr_step *push_step(const struct ctx *x)
{
    struct vfy_rules_workspace *w = x->w;
    if (!GROW(w, steps, n_steps, cap_steps))
        return NULL;
    return &w->steps[w->n_steps++];
}

static struct rr_step *step_at(const struct ctx *x, uint32_t i)
{
    return &x->w->steps[i];
}

/* Records an input the case lacks; the dimension that needed it goes to an officer. */
static void miss(const struct ctx *x, enum rr_miss_kind kind, size_t arg)
{
    struct vfy_rules_workspace *w = x->w;
    for (size_t i = x->miss_start; i < w->n_miss; i++)
        if (w->miss[i].kind == kind && w->miss[i].arg == arg)
            return;
    if (!GROW(w, miss, n_miss, cap_miss))
        return;
    w->miss[w->n_miss++] = (struct rr_miss){ (uint32_t)kind, (uint32_t)arg };
}

/* Forgets the inputs recorded since `mark`: a predicate that failed on what the case
 * gives does not need what it lacks. */
static void missing_reset(const struct ctx *x, size_t mark)
{
    if (x->w->n_miss > mark)
        x->w->n_miss = mark;
}

static size_t missing_mark(const struct ctx *x)
{
    return x->w->n_miss;
}

/* ---- predicates in words (full trail only) --------------------------------------- */

static void add_test_v(const struct ctx *x, enum tri held, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A predicate in words, only for the full trail: the compact trail does not even pay
 * for the call (a variadic function is never inlined). */
#define add_test(x, preds, ...) \
    do { \
        if (preds) \
            add_test_v((x), __VA_ARGS__); \
    } while (0)
static void add_test_v(const struct ctx *x, enum tri held, const char *fmt, ...)
{
    struct vfy_rules_workspace *w = x->w;
    char text[600];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n >= sizeof text ? sizeof text - 1 : (size_t)n;
    if (!GROW(w, preds, n_preds, cap_preds) ||
        !rr_grow(w, (void **)&w->text, &w->cap_text, w->n_text + len, 1))
        return;
    memcpy(w->text + w->n_text, text, len);
    w->preds[w->n_preds++] = (struct rr_pred){ (uint32_t)w->n_text, (uint32_t)len,
                                               (int8_t)(held == T_UNKNOWN ? -1 : held == T_HOLD) };
    w->n_text += len;
}

/* Rewords the predicates recorded since `mark` as "category ID: text" (at most 299
 * bytes, as a category's own predicates read in the trail). */
static void prefix_tests(const struct ctx *x, size_t mark, const char *cat)
{
    struct vfy_rules_workspace *w = x->w;
    for (size_t i = mark; i < w->n_preds; i++) {
        char text[300];
        int n = snprintf(text, sizeof text, "category %s: %.*s", cat, (int)w->preds[i].len,
                         w->text + w->preds[i].off);
        size_t len = n < 0 ? 0 : (size_t)n >= sizeof text ? sizeof text - 1 : (size_t)n;
        if (!rr_grow(w, (void **)&w->text, &w->cap_text, w->n_text + len, 1))
            return;
        memcpy(w->text + w->n_text, text, len);
        w->preds[i].off = (uint32_t)w->n_text;
        w->preds[i].len = (uint32_t)len;
        w->n_text += len;
    }
}

/* Moves the last predicate to position `at` (a summary read before its details). */
static void last_test_to(const struct ctx *x, size_t at)
{
    struct vfy_rules_workspace *w = x->w;
    if (w->n_preds == 0 || at >= w->n_preds - 1)
        return;
    struct rr_pred last = w->preds[w->n_preds - 1];
    memmove(&w->preds[at + 1], &w->preds[at], (w->n_preds - 1 - at) * sizeof *w->preds);
    w->preds[at] = last;
}

static enum tri and3(enum tri a, enum tri b)
{
    if (a == T_FAIL || b == T_FAIL)
        return T_FAIL;
    if (a == T_UNKNOWN || b == T_UNKNOWN)
        return T_UNKNOWN;
    return T_HOLD;
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

/* Whether a set applies to the case by status, nationality and destination. A set
 * scoped to some destinations applies to a case without one only perhaps (T_UNKNOWN). */
static __attribute__((noinline)) enum tri scope_test(const struct ctx *x, const struct ruleset *rs)
{
    if (!rs_status_applies(x->e->mode, rs->status))
        return T_FAIL;
    if (rs->nationalities != NULL && !rs_code_in(rs->nat_bits, x->nat))
        return T_FAIL;
    if (rs->destinations != NULL && x->c->destination[0] == '\0')
        return T_UNKNOWN;
    if (rs->destinations != NULL && !rs_code_in(rs->dest_bits, x->dest))
        return T_FAIL;
    return T_HOLD;
}

/* scope_test of set si, worked out for every set when the decision begins (every
 * dimension and every suspension and superseding test asks it again). */
static inline enum tri set_scope(const struct ctx *x, size_t si)
{
    return (enum tri)x->w->scopes[si].scope;
}

static bool scope_applies(const struct ctx *x, const struct ruleset *rs)
{
    return set_scope(x, (size_t)(rs - x->e->sets)) == T_HOLD;
}

static bool in_force(const struct ruleset *rs, int32_t d)
{
    return d >= rs->effective_from && (rs->effective_to == DATE_NONE || d < rs->effective_to);
}

/* The first set (engine order) that supersedes set si and applies at d, or -1. */
static long superseded_by(const struct ctx *x, size_t si, int32_t d)
{
    const struct plan_set *p = &x->e->plan[si];
    for (size_t i = 0; i < p->n_superseders; i++) {
        const struct ruleset *t = &x->e->sets[p->superseders[i]];
        if (scope_applies(x, t) && in_force(t, d))
            return p->superseders[i];
    }
    return -1;
}

/* Whether set si is in force (and not superseded) at one of the case's anchors: the
 * same for every rule of the set read at that anchor, so worked out once per decision. */
enum gate_state { G_OK, G_NO_ANCHOR, G_NOT_IN_FORCE, G_SUPERSEDED };

/* The gate of set si at an anchor, worked out for this decision (the first time it is asked). */
static __attribute__((noinline)) const struct rr_gate *gate_work_out(const struct ctx *x, size_t si, int anchor,
                                                                   struct rr_gate *g)
{
    int used;
    int32_t d = anchor_date(x, anchor, &used);
    g->gen = x->w->gen;
    g->d = d;
    g->used = (uint8_t)used;
    g->by = 0;
    long t;
    if (d == DATE_NONE) {
        g->state = G_NO_ANCHOR;
    } else if (!in_force(&x->e->sets[si], d)) {
        g->state = G_NOT_IN_FORCE;
    } else if ((t = superseded_by(x, si, d)) >= 0) {
        g->state = G_SUPERSEDED;
        g->by = (uint16_t)t;
    } else {
        g->state = G_OK;
    }
    return g;
}

static inline const struct rr_gate *set_gate(const struct ctx *x, size_t si, int anchor)
{
    struct rr_gate *g = &x->w->gates[si * VFY_ANCHOR_COUNT + (size_t)anchor];
    return g->gen == x->w->gen ? g : gate_work_out(x, si, anchor, g);
}

/* The full trail's words for history_test (out of line: the compact trail needs no
 * text buffers on the predicates' path). */
static __attribute__((noinline)) void word_history_item(const struct ctx *x, size_t i, const char *why)
{
    if (x->pii) {
        char b[11];
        vfy_day_format_iso(x->c->history[i].dates[HF_ISSUE_DATE], b);
        add_test_v(x, T_FAIL, "visa_history[%zu] (issued %s) does not count: %s", i, b, why);
    } else {
        add_test_v(x, T_FAIL, "visa_history[%zu] does not count: %s", i, why);
    }
}

static __attribute__((noinline)) void word_history(const struct ctx *x, const struct history_cond *h, enum tri r,
                                                   int32_t from, int32_t anchor, int counted)
{
    char fromb[11], tob[11];
    vfy_day_format_iso(from, fromb);
    vfy_day_format_iso(anchor, tob);
    add_test_v(x, r, "at least %d qualifying visa(s) by %s in [%s, %s]: %d found", h->count,
               (const char *[]){ "issue_date", "valid_from", "valid_to" }[h->date_field], fromb, tob, counted);
}

/* Visa history: counts the visas meeting the condition inside [anchor - lookback, anchor]
 * and says in the trail why each other visa did not count. */
static enum tri history_test(const struct ctx *x, const struct history_cond *h, int32_t anchor, bool preds)
{
    int32_t from = add_months(x, anchor, -h->lookback_months);
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
                 add_months(x, v->dates[HF_VALID_FROM], h->min_validity_months) > v->dates[HF_VALID_TO] + 1)
            why = "its validity is shorter than required";
        else if (when < from || when > anchor)
            why = "it falls outside the look-back window";
        else if (v->lawful_use == LAW_NO)
            why = "it was not lawfully used";
        else if (v->lawful_use == LAW_UNKNOWN) {
            why = "its lawful use is unknown (check VIS/EES)";
            unknown = true;
            miss(x, MS_LAWFUL_USE, i);
        }
        if (why == NULL) {
            counted++;
            continue;
        }
        if (preds)
            word_history_item(x, i, why);
    }
    enum tri r = counted >= h->count ? T_HOLD : unknown ? T_UNKNOWN : T_FAIL;
    if (preds)
        word_history(x, h, r, from, anchor, counted);
    return r;
}

static enum tri category_test(const struct ctx *x, size_t si, int idx, int32_t anchor, bool preds,
                              struct cand *cd);
static __attribute__((noinline)) enum tri unless_category_test(const struct ctx *x, const char *id, uint32_t ref, int32_t anchor,
                                     bool preds);

/* ---- predicates in words (full trail only), kept out of the tests themselves so that
 * the compact trail's tests carry no text buffers ------------------------------------ */

static __attribute__((noinline)) void word_effective(const struct ctx *x, const struct predicate *w, int32_t anchor,
                                                     bool ok)
{
    char b1[11], b2[11];
    vfy_day_format_iso(w->effective_from != DATE_NONE ? w->effective_from : anchor, b1);
    if (w->effective_to != DATE_NONE)
        vfy_day_format_iso(w->effective_to, b2);
    else
        snprintf(b2, sizeof b2, "open");
    add_test_v(x, ok ? T_HOLD : T_FAIL, "rule effective [%s, %s)", b1, b2);
}

static __attribute__((noinline)) void word_age(const struct ctx *x, const struct predicate *w, enum tri r, bool born,
                                               int age)
{
    char range[48];
    if (w->age_below < 0)
        snprintf(range, sizeof range, "%d or older", w->age_from);
    else if (w->age_from < 0)
        snprintf(range, sizeof range, "under %d", w->age_below);
    else
        snprintf(range, sizeof range, "from %d to under %d", w->age_from, w->age_below);
    if (!born)
        add_test_v(x, r, "age %s: birth date not given", range);
    else if (x->pii)
        add_test_v(x, r, "age %s in completed years (age %d)", range, age);
    else
        add_test_v(x, r, "age %s in completed years", range);
}

static __attribute__((noinline)) void word_doc_types(const struct ctx *x, const struct predicate *w, enum tri r)
{
    char list[64] = "";
    for (int i = 0; i < DOC_COUNT; i++)
        if (w->doc_types & (1u << i)) {
            vfy_text_append(list, sizeof list, list[0] ? "|" : "");
            vfy_text_append(list, sizeof list, rs_doc_type_names[i]);
        }
    add_test_v(x, r, "document type %s", list);
}

/* One of several categories (compact trail): the first that holds, else unknown when
 * one might, else failed. Unclaimed categories are not tested. */
static enum tri any_category(const struct ctx *x, size_t si, const struct predicate *w, int32_t anchor,
                             struct cand *cd)
{
    const struct ruleset *rs = &x->e->sets[si];
    enum tri any = T_FAIL;
    for (size_t i = 0; i < w->n_categories; i++) {
        if (x->by_mask ? unclaimed(x, w->category_names[i]) : claim_of(x, &rs->categories[w->categories[i]]) == NULL)
            continue;
        enum tri r = category_test(x, si, w->categories[i], anchor, false, cd);
        if (r == T_HOLD)
            any = T_HOLD;
        else if (r == T_UNKNOWN && any == T_FAIL)
            any = T_UNKNOWN;
    }
    return any;
}

/* The same in words (full trail): one "one of" test, then what the claims gave. */
static __attribute__((noinline)) enum tri any_category_worded(const struct ctx *x, size_t si,
                                                              const struct predicate *w, int32_t anchor,
                                                              struct cand *cd)
{
    const struct ruleset *rs = &x->e->sets[si];
    /* Alternatives read as one step: "one of ...", then what the claims gave, so
     * that ten unclaimed categories do not read as ten failed requirements. */
    enum tri any = T_FAIL;
    char list[400], held[160];
    list[0] = held[0] = '\0';
    size_t claimed = 0, mark = x->w->n_preds;
    for (size_t i = 0; i < w->n_categories; i++) {
        const struct category *cat = &rs->categories[w->categories[i]];
        if (strlen(list) + strlen(cat->id) + 3 < sizeof list) {
            vfy_text_append(list, sizeof list, list[0] ? ", " : "");
            vfy_text_append(list, sizeof list, cat->id);
        }
        if (claim_of(x, cat) == NULL)
            continue;
        claimed++;
        enum tri r = category_test(x, si, w->categories[i], anchor, true, cd);
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
        add_test_v(x, any, "one of the categories %s: %s holds", list, held);
    else if (claimed == 0)
        add_test_v(x, any, "one of the categories %s: none is claimed", list);
    else
        add_test_v(x, any, "one of the categories %s: the claimed one%s do%s not hold (below)", list,
                   claimed > 1 ? "s" : "", claimed > 1 ? "" : "es");
    last_test_to(x, mark);
    return any;
}

static enum tri predicate_test(const struct ctx *x, size_t si, const struct predicate *w, int32_t anchor,
                               bool preds, struct cand *cd)
{
    const struct ruleset *rs = &x->e->sets[si];
    const struct vfy_rules_case *c = x->c;
    enum tri all = T_HOLD;
    if (w->effective_from != DATE_NONE || w->effective_to != DATE_NONE) {
        bool ok = (w->effective_from == DATE_NONE || anchor >= w->effective_from) &&
                  (w->effective_to == DATE_NONE || anchor < w->effective_to);
        if (preds)
            word_effective(x, w, anchor, ok);
        all = and3(all, ok ? T_HOLD : T_FAIL);
    }
    if (w->age_from >= 0 || w->age_below >= 0) {
        enum tri r;
        if (c->birth_date == DATE_NONE) {
            r = T_UNKNOWN;
            miss(x, MS_BIRTH_DATE, 0);
            if (preds)
                word_age(x, w, r, false, 0);
        } else {
            int age = age_at(x, anchor, rs->feb29_to_mar1);
            r = (w->age_from < 0 || age >= w->age_from) && (w->age_below < 0 || age < w->age_below)
                    ? T_HOLD : T_FAIL;
            if (preds)
                word_age(x, w, r, true, age);
        }
        all = and3(all, r);
    }
    if (w->doc_types != 0) {
        enum tri r = !c->doc_type_known ? T_UNKNOWN : (w->doc_types & (1u << c->doc_type)) ? T_HOLD : T_FAIL;
        if (r == T_UNKNOWN)
            miss(x, MS_DOC_TYPE, 0);
        if (preds)
            word_doc_types(x, w, r);
        all = and3(all, r);
    }
    if (w->biometric >= 0) {
        enum tri r = c->biometric < 0 ? T_UNKNOWN : c->biometric == w->biometric ? T_HOLD : T_FAIL;
        if (r == T_UNKNOWN)
            miss(x, MS_BIOMETRIC, 0);
        add_test(x, preds, r, "document %sbiometric", w->biometric ? "" : "not ");
        all = and3(all, r);
    }
    if (w->nationalities != NULL) {
        enum tri r = c->nationality[0] == '\0' ? T_UNKNOWN
                     : rs_code_in(w->nat_bits, x->nat) ? T_HOLD : T_FAIL;
        if (r == T_UNKNOWN)
            miss(x, MS_NATIONALITY, 0);
        add_test(x, preds, r, "nationality in the rule's list");
        all = and3(all, r);
    }
    if (w->destinations != NULL) {
        enum tri r = c->destination[0] == '\0' ? T_UNKNOWN
                     : rs_code_in(w->dest_bits, x->dest) ? T_HOLD : T_FAIL;
        if (r == T_UNKNOWN)
            miss(x, MS_DESTINATION, 0);
        add_test(x, preds, r, "destination %s in the rule's list", c->destination);
        all = and3(all, r);
    }
    if (w->n_categories == 1) {
        /* An unclaimed category fails: the compact trail need not look it up. */
        all = and3(all, !preds && unclaimed(x, w->category_names[0])
                            ? T_FAIL : category_test(x, si, w->categories[0], anchor, preds, cd));
    } else if (w->n_categories > 1) {
        all = and3(all, preds ? any_category_worded(x, si, w, anchor, cd) : any_category(x, si, w, anchor, cd));
    }
    for (size_t i = 0; i < w->n_unless_categories; i++)
        all = and3(all, unless_category_test(x, w->unless_categories[i], w->unless_refs[i], anchor, preds));
    if (w->history != NULL)
        all = and3(all, history_test(x, w->history, anchor, preds));
    return all;
}

/* "Unless category C holds": C is its first definition in the loaded sets (the Borders
 * Code's set names the Directive's category; rules/plan.c finds it once). It holds only
 * when claimed with complete evidence and its own conditions hold; unknown stays
 * unknown, so the rule is not dropped on a guess. */
static __attribute__((noinline)) enum tri unless_category_test(const struct ctx *x, const char *id, uint32_t ref, int32_t anchor,
                                     bool preds)
{
    if (ref == UINT32_MAX) {
        add_test(x, preds, T_HOLD, "unless category %s holds: no loaded rule set defines it", id);
        return T_HOLD;
    }
    size_t si = RR_SET(ref), k = RR_RULE(ref);
    const struct ruleset *set = &x->e->sets[si];
    /* The probe's own predicates and categories are not the rule's: dropped. */
    size_t pred_mark = x->w->n_preds, u32_mark = x->w->n_u32;
    struct cand probe = { .si = si, .status_end = DATE_NONE };
    enum tri r = category_test(x, si, (int)k, anchor, preds, &probe);
    x->w->n_preds = pred_mark;
    x->w->n_u32 = u32_mark;
    /* Setting a condition aside on a claim nobody has checked would let a typed claim
     * wave a traveller past the entry conditions: until an officer verifies it, the
     * rule is neither applied nor dropped, and an officer decides. */
    if (r == T_HOLD && probe.unverified) {
        miss(x, MS_CLAIM_VERIFIED, ref);
        add_test(x, preds, T_UNKNOWN, "unless category %s holds: it is claimed with complete evidence "
                 "that an officer has not yet verified", id);
        return T_UNKNOWN;
    }
    enum tri out = r == T_HOLD ? T_FAIL : r == T_FAIL ? T_HOLD : T_UNKNOWN;
    if (r == T_HOLD)
        add_test(x, preds, out, "unless category %s holds: it does (%s, %s), so the rule does not bind", id,
                 set->id, set->categories[k].legal_ref);
    else
        add_test(x, preds, out, "unless category %s holds: it does not", id);
    return out;
}

/* The evidence a category needs, in words: "a and b, or c". */
void rr_evidence_words(const struct category *cat, char *buf, size_t cap);
void rr_evidence_words(const struct category *cat, char *buf, size_t cap)
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

static __attribute__((noinline)) void word_unclaimed(const struct ctx *x, const struct category *cat)
{
    char needs[300];
    rr_evidence_words(cat, needs, sizeof needs);
    add_test_v(x, T_FAIL, "category %s is not claimed (it needs %s)", cat->id, needs);
}

/* Names the first item of the first group the claim lacks. */
static __attribute__((noinline)) void word_incomplete(const struct ctx *x, const struct category *cat,
                                                      const struct claim *cl)
{
    char missing[160];
    missing[0] = '\0';
    for (size_t k = 0; k < cat->group_len[0]; k++) {
        bool held = false;
        for (size_t e = 0; e < cl->n_evidence && !held; e++)
            held = strcmp(cl->evidence[e], cat->groups[0][k]) == 0;
        if (!held) {
            if (strlen(cat->groups[0][k]) + 2 < sizeof missing)
                vfy_text_append(missing, sizeof missing, cat->groups[0][k]);
            break;
        }
    }
    add_test_v(x, T_FAIL, "category %s: evidence incomplete (missing %s)", cat->id, missing);
}

static __attribute__((noinline)) void word_status_ends(const struct ctx *x, const struct category *cat, int32_t start)
{
    char b[11];
    vfy_day_format_iso(start, b);
    add_test_v(x, T_FAIL, "category %s: the status it rests on ends before %s, when the stay begins", cat->id, b);
}

static enum tri category_test(const struct ctx *x, size_t si, int idx, int32_t anchor, bool preds,
                              struct cand *cd)
{
    const struct ruleset *rs = &x->e->sets[si];
    const struct category *cat = &rs->categories[idx];
    const struct claim *cl = claim_of(x, cat);
    if (cl == NULL) {
        if (preds)
            word_unclaimed(x, cat);
        return T_FAIL;
    }
    /* Evidence: one complete alternative group is enough (bitsets over the evidence
     * vocabulary: the claim's items, each group's). */
    size_t words = x->e->ev_words;
    const uint64_t *have = x->w->claim_ev + (size_t)(cl - x->c->claims) * words;
    bool complete = cat->n_groups == 0;
    for (size_t g = 0; g < cat->n_groups && !complete; g++) {
        const uint64_t *need = cat->ev_groups + g * words;
        complete = true;
        for (size_t k = 0; k < words; k++)
            if ((need[k] & ~have[k]) != 0)
                complete = false;
    }
    if (!complete) {
        if (preds)
            word_incomplete(x, cat, cl);
        return T_FAIL;
    }
    /* The status the claim rests on (a residence right, an office) must still hold
     * when the stay begins; otherwise the category does not. */
    int32_t start = x->c->dates[VFY_ANCHOR_INTENDED_ENTRY] != DATE_NONE ? x->c->dates[VFY_ANCHOR_INTENDED_ENTRY] : anchor;
    if (cl->status_end != DATE_NONE && cl->status_end < start) {
        if (preds)
            word_status_ends(x, cat, start);
        return T_FAIL;
    }
    size_t mark = x->w->n_preds;
    enum tri r = predicate_test(x, si, &cat->when, anchor, preds, NULL);
    if (preds)
        prefix_tests(x, mark, cat->id);
    if (r != T_HOLD)
        return r;
    add_test(x, preds, T_HOLD, "category %s claimed with complete evidence (%s)", cat->id,
             cl->verified ? "verified by an officer" : "not yet verified by an officer");
    if (cd != NULL) {
        if (!cl->verified)
            cd->unverified = true;
        if (cl->status_end != DATE_NONE && (cd->status_end == DATE_NONE || cl->status_end < cd->status_end))
            cd->status_end = cl->status_end;
        uint32_t at = push_u32(x->w, RR_REF(si, (unsigned)idx));
        if (!cd->has_cats) {
            cd->has_cats = true;
            cd->cat_off = at;
            cd->n_cats = 0;
        }
        cd->n_cats++;
    }
    return T_HOLD;
}

/* The suspension in force that switches a rule off, if any. `unknown` is set when a
 * suspension might apply but the case lacks an input its predicates need: the rule is
 * then neither applied nor ignored (fail closed). */
static __attribute__((noinline)) const struct plan_hit *suspended(const struct ctx *x, size_t si, size_t ri,
                                                                 bool *unknown)
{
    *unknown = false;
    const struct plan_set *p = &x->e->plan[si];
    for (uint32_t h = p->hit_off[ri]; h < p->hit_off[ri + 1]; h++) {
        const struct plan_hit *hit = &x->e->hits[h];
        const struct ruleset *s = &x->e->sets[hit->set];
        if (!scope_applies(x, s))
            continue;
        const struct suspension *sp = &s->suspensions[hit->suspension];
        int32_t d = anchor_date(x, sp->anchor, NULL);
        if (d == DATE_NONE) {
            miss(x, MS_DATE, (size_t)sp->anchor);
            *unknown = true;
            return hit;
        }
        if (d < sp->from || (sp->to != DATE_NONE && d >= sp->to) || !in_force(s, d))
            continue;
        size_t mark = missing_mark(x);
        enum tri t = predicate_test(x, hit->set, &sp->when, d, false, NULL);
        if (t != T_UNKNOWN)
            missing_reset(x, mark);
        if (t != T_FAIL) {
            *unknown = t == T_UNKNOWN;
            return hit;
        }
    }
    return NULL;
}

/* A new step for rule ri of set si at the end of the trail (NULL when out of memory).
 * The anchor is read only for the full trail, which shows it. */
static inline __attribute__((always_inline)) struct rr_step *new_step(const struct ctx *x, size_t si, size_t ri)
{
    struct rr_step *st = push_step(x);
    if (st == NULL)
        return NULL;
    *st = (struct rr_step){ .kind = RK_STEP_RULE, .rule = RR_REF(si, ri), .beaten_by = RR_NONE,
                            .result = RR_APPLIES };
    if (x->full) {
        int used;
        st->anchor_date = anchor_date(x, x->e->sets[si].rules[ri].anchor, &used);
        st->anchor = (uint8_t)used;
    }
    return st;
}

static uint32_t last_step(const struct ctx *x)
{
    return (uint32_t)(x->w->n_steps - 1);
}

/* Applicability shared by every dimension: anchor given, set in force and not
 * superseded at it (g, the set's gate at the rule's anchor), rule not suspended.
 * Returns the anchor date or DATE_NONE (the step then says why; "not_evaluated" when an
 * input is missing). */
static inline int32_t gate(const struct ctx *x, size_t si, const struct plan_rule *pr, const struct rr_gate *g,
                    struct rr_step *st)
{
    switch ((enum gate_state)g->state) {
    case G_NO_ANCHOR:
        st->result = RR_NOT_EVALUATED;
        miss(x, MS_DATE, (size_t)pr->anchor);
        st->expl = EX_NO_ANCHOR;
        st->expl_anchor = pr->anchor;
        return DATE_NONE;
    case G_NOT_IN_FORCE:
        st->result = RR_NOT_IN_FORCE;
        st->expl = EX_NOT_IN_FORCE;
        st->expl_anchor = g->used;
        st->expl_date = g->d;
        return DATE_NONE;
    case G_SUPERSEDED:
        st->result = RR_NOT_IN_FORCE;
        st->expl = EX_SUPERSEDED;
        st->by_set = g->by;
        return DATE_NONE;
    case G_OK:
        break;
    }
    int32_t d = g->d;
    if (!pr->suspendable)
        return d; /* no suspension names the rule */
    bool unknown;
    const struct plan_hit *hit = suspended(x, si, pr->ri, &unknown);
    if (hit != NULL) {
        st->result = unknown ? RR_NOT_EVALUATED : RR_SUSPENDED;
        st->suspended_by = true;
        st->by_set = hit->set;
        st->by_suspension = hit->suspension;
        if (unknown)
            st->expl = EX_SUSPENSION_UNKNOWN;
        return DATE_NONE;
    }
    return d;
}

/* Whether a rule whose set's gate is g reads out of force exactly as the group step
 * just before it (gate() would say the same): not in force at the same anchor date, or
 * superseded by the same set (an engine holds one set per id, rules/engine.c, so the
 * same set is the same index). */
static inline bool same_out_of_force(const struct rr_step *group, const struct rr_gate *g)
{
    if (g->state == G_NOT_IN_FORCE)
        return group->expl == EX_NOT_IN_FORCE && group->expl_anchor == g->used && group->expl_date == g->d;
    return g->state == G_SUPERSEDED && group->expl == EX_SUPERSEDED && group->by_set == g->by;
}

/* Opens a rule's trail step and gates it (g: its set's gate at the rule's anchor):
 * returns the anchor date, or DATE_NONE when the rule does not apply (the step says
 * why). Consecutive rules of one set out of force for the same reason share one step
 * (its "rules" lists them), so that a superseded version does not double the trail. */
static inline __attribute__((always_inline)) int32_t open_step(const struct ctx *x, size_t si, const struct plan_rule *pr,
                                                               const struct rr_gate *g, uint32_t *step,
                                                               uint32_t *out_of_force)
{
    size_t ri = pr->ri;
    *step = NO_STEP;
    if (*out_of_force != NO_STEP && same_out_of_force(step_at(x, *out_of_force), g)) {
        list_add(x->w, &step_at(x, *out_of_force)->rules, (uint32_t)ri);
        return DATE_NONE;
    }
    struct rr_step *st = new_step(x, si, ri);
    if (st == NULL)
        return DATE_NONE;
    int32_t d = gate(x, si, pr, g, st);
    *step = last_step(x);
    if (d != DATE_NONE) {
        if (x->full) { /* the compact trail's steps have no predicates (has_preds false) */
            st->has_preds = true;
            st->pred_off = (uint32_t)x->w->n_preds;
        }
        return d;
    }
    if (st->result == RR_NOT_IN_FORCE) {
        list_add(x->w, &st->rules, (uint32_t)ri);
        *out_of_force = *step;
    }
    return DATE_NONE;
}

/* The step of set si's rules for other nationalities (a slice the plan worked out). */
static void others_step(const struct ctx *x, size_t si, const struct plan_class *pc)
{
    struct rr_step *st;
    if (pc->n_others == 0 || (st = push_step(x)) == NULL)
        return;
    *st = (struct rr_step){ .kind = RK_STEP_OTHERS, .rule = RR_REF(si, 0), .beaten_by = RR_NONE,
                            .result = RR_NOT_APPLICABLE, .expl = EX_OTHER_NATIONALITIES,
                            .rules = { pc->others, RR_LIST_SLICE, pc->n_others } };
}

/* Whether a rule's predicate fails without being tested (struct plan_rule, test): it
 * needs one of some categories and the case certainly claims none of them, whatever
 * else it tests, and the compact trail keeps nothing of a failed predicate's conjuncts
 * (the full trail words every test). */
static inline bool fails_at_once(const struct ctx *x, const struct plan_rule *pr)
{
    return pr->test == PT_CATEGORY && !x->full && x->by_mask && (x->claimed & pr->claims) == 0;
}

/* A rule's predicate at d, with the plan's shortcuts: one that tests nothing holds; one
 * that fails_at_once fails. The inputs a predicate that does not stay unknown lacked
 * are forgotten. */
static inline enum tri rule_test(const struct ctx *x, size_t si, const struct plan_rule *pr, const struct rule *r,
                                 int32_t d, struct cand *cd)
{
    if (pr->test == PT_NOTHING)
        return T_HOLD;
    if (fails_at_once(x, pr))
        return T_FAIL;
    size_t mark = missing_mark(x);
    enum tri t = predicate_test(x, si, &r->when, d, x->full, cd);
    if (t != T_UNKNOWN)
        missing_reset(x, mark);
    return t;
}

/* Closes the predicates of a step opened by open_step. */
static void close_preds(const struct ctx *x, uint32_t step)
{
    if (x->full && step != NO_STEP)
        step_at(x, step)->n_preds = (uint32_t)(x->w->n_preds - step_at(x, step)->pred_off);
}

/* A step for a rule of a set that applies only to some destinations, in a case that
 * names none: the rule might apply. */
static uint32_t scope_unknown_step(const struct ctx *x, size_t si, size_t ri)
{
    struct rr_step *st = new_step(x, si, ri);
    miss(x, MS_DESTINATION, 0);
    if (st == NULL)
        return NO_STEP;
    st->result = RR_NOT_EVALUATED;
    st->expl = EX_SCOPE_UNKNOWN;
    return last_step(x);
}

static void set_result(const struct ctx *x, uint32_t step, enum rr_result r)
{
    if (step != NO_STEP)
        step_at(x, step)->result = (uint8_t)r;
}

static bool result_is(const struct ctx *x, uint32_t step, enum rr_result r)
{
    return step != NO_STEP && step_at(x, step)->result == r;
}

/* ---- values and their order ----------------------------------------------- */

static int64_t fee_of(const struct rule *r) { return r->u.fee.amount_cents; }

int64_t rr_sfc_of(const struct ruleset *rs, const struct rule *r);
int64_t rr_sfc_of(const struct ruleset *rs, const struct rule *r)
{
    if (r->u.sfc.of_rule < 0)
        return r->u.sfc.amount_cents;
    return fee_of(&rs->rules[r->u.sfc.of_rule]) * r->u.sfc.num / r->u.sfc.den;
}

static void compute_grant(const struct ctx *x, struct cand *cd)
{
    const struct rule *r = cd->r;
    cd->ends = DATE_NONE;
    cd->capped_by = 0;
    if (r->u.grant.entries == EN_SINGLE && r->u.grant.validity_months == 0) {
        int32_t exit = x->c->dates[VFY_ANCHOR_INTENDED_EXIT];
        if (exit != DATE_NONE)
            cd->ends = exit + r->u.grant.grace_days;
        return;
    }
    int32_t start = x->c->dates[r->u.grant.start_anchor];
    if (start == DATE_NONE)
        return;
    cd->ends = add_months(x, start, r->u.grant.validity_months) - 1 + r->u.grant.grace_days;
    if (r->u.grant.cap_document && x->c->expiry_date != DATE_NONE && x->c->expiry_date < cd->ends) {
        cd->ends = x->c->expiry_date;
        cd->capped_by = 1;
    }
    if (r->u.grant.cap_status && cd->status_end != DATE_NONE && cd->status_end < cd->ends) {
        cd->ends = cd->status_end;
        cd->capped_by = 2;
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
    case VFY_RULES_DIM_VISA_NEEDED:
        return (int)rb->u.visa_needed - (int)ra->u.visa_needed;
    case VFY_RULES_DIM_FEE:
        return fee_of(rb) > fee_of(ra) ? 1 : fee_of(rb) < fee_of(ra) ? -1 : 0;
    case VFY_RULES_DIM_SERVICE_FEE_CAP: {
        int64_t va = rr_sfc_of(a->rs, ra), vb = rr_sfc_of(b->rs, rb);
        return vb > va ? 1 : vb < va ? -1 : 0;
    }
    case VFY_RULES_DIM_DEADLINE:
        return rb->u.deadline.days - ra->u.deadline.days;
    case VFY_RULES_DIM_ENTRIES:
    case VFY_RULES_DIM_VALIDITY:
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
    case VFY_RULES_DIM_EVIDENCE:
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

static void add_beat(const struct ctx *x, struct cand *winner, struct cand *loser)
{
    if (winner->step == NO_STEP || loser->step == NO_STEP)
        return;
    list_add(x->w, &step_at(x, winner->step)->beat, RR_REF(loser->si, loser->ri));
    set_result(x, loser->step, RR_BEATEN);
    step_at(x, loser->step)->beaten_by = RR_REF(winner->si, winner->ri);
}

static struct rr_value value_of(const struct cand *cd)
{
    return (struct rr_value){ RR_REF(cd->si, cd->ri), cd->ends, cd->capped_by };
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

/* One dimension's value and modality. The invariant of docs/rules.md is enforced here,
 * whatever the caller computed: a null value is never a right, an obligation or a
 * discretion. */
static void set_dimension(struct rr_dim *o, enum rr_vkind value, vfy_rules_modality m)
{
    if (value == VK_NULL && m != VFY_MODALITY_NOT_APPLICABLE)
        m = VFY_MODALITY_OFFICER_REVIEW;
    o->value = (uint8_t)value;
    o->modality = (uint8_t)m;
}

/* A dimension that some rule could still change: officer review, the value it would
 * have without those rules kept as "provisional", the missing inputs listed. */
static void set_review(struct rr_dim *o, enum rr_vkind provisional)
{
    set_dimension(o, VK_NULL, VFY_MODALITY_OFFICER_REVIEW);
    o->provisional = (uint8_t)provisional;
    o->missing = true;
}

/* Entries compare by entries alone when asking whether a discretionary alternative is
 * better: a grace period the consulate may add (VC 24(1)) changes the validity, not the
 * number of entries. */
static int alt_favour(int dim, const struct cand *a, const struct cand *b)
{
    if (dim == VFY_RULES_DIM_ENTRIES)
        return (int)a->r->u.grant.entries - (int)b->r->u.grant.entries;
    return favour(dim, a, b);
}

/* The open points of a rule that took part in a decision, "SET/rule: text", each once. */
static __attribute__((noinline)) void open_points_of(const struct ctx *x, struct rr_dim *o, const struct cand *cd)
{
    struct vfy_rules_workspace *w = x->w;
    for (size_t i = 0; i < cd->r->n_open_points; i++) {
        bool dup = false;
        for (size_t k = o->op_off; k < w->n_ops && !dup; k++) {
            const struct ruleset *s = &x->e->sets[RR_SET(w->ops[k].rule)];
            const struct rule *r = &s->rules[RR_RULE(w->ops[k].rule)];
            dup = strcmp(s->id, cd->rs->id) == 0 && strcmp(r->id, cd->r->id) == 0 &&
                  strcmp(r->open_points[w->ops[k].i], cd->r->open_points[i]) == 0;
        }
        if (dup || !GROW(w, ops, n_ops, cap_ops))
            continue;
        w->ops[w->n_ops++] = (struct rr_open){ RR_REF(cd->si, cd->ri), (uint32_t)i };
        o->n_op++;
    }
}

/* Most rules have no open point: the call is made only for those that do. */
static inline void add_open_points(const struct ctx *x, struct rr_dim *o, const struct cand *cd)
{
    if (cd->r->n_open_points > 0)
        open_points_of(x, o, cd);
}

static void add_alternative(const struct ctx *x, struct rr_dim *o, struct rr_value v)
{
    struct vfy_rules_workspace *w = x->w;
    if (!GROW(w, vals, n_vals, cap_vals))
        return;
    w->vals[w->n_vals++] = v;
    o->n_alt++;
}

/* The trail of the dimension being decided begins. */
static void open_dimension(struct ctx *x, struct rr_dim *o)
{
    zero_small(o, sizeof *o);
    o->step_off = (uint32_t)x->w->n_steps;
    o->v.rule = o->pv.rule = RR_NONE;
}

static void close_dimension(struct ctx *x, struct rr_dim *o)
{
    o->n_steps = (uint32_t)(x->w->n_steps - o->step_off);
    o->miss_off = (uint32_t)x->miss_start;
    o->n_miss = (uint32_t)(x->w->n_miss - x->miss_start);
}

static void note_step(const struct ctx *x, enum rr_result result, enum rr_expl expl)
{
    struct rr_step *st = push_step(x);
    if (st != NULL)
        *st = (struct rr_step){ .kind = RK_STEP_NOTE, .result = (uint8_t)result, .expl = (uint8_t)expl,
                                .beaten_by = RR_NONE, .rule = RR_NONE };
}

/* The grant rules' trail as the entries dimension left it before combining, for the
 * validity dimension (struct ctx, "grant"). */
static void keep_grant(struct ctx *x, const struct rr_dim *o, size_t n_cands, size_t n_alts, size_t n_unknown,
                       long acc)
{
    struct vfy_rules_workspace *w = x->w;
    /* A set may combine entries and validity by different policies: then the two
     * dimensions' trails differ, and validity tests its rules itself. */
    if (!x->e->grant_shared)
        return;
    size_t n = w->n_steps - o->step_off;
    if (!rr_grow(w, (void **)&w->snap, &w->cap_snap, n, sizeof *w->snap))
        return;
    memcpy(w->snap, w->steps + o->step_off, n * sizeof *w->snap);
    x->grant.step0 = o->step_off;
    x->grant.n_steps = (uint32_t)n;
    x->grant.miss0 = x->miss_start;
    x->grant.n_miss = w->n_miss - x->miss_start;
    x->grant.n_cands = n_cands;
    x->grant.n_alts = n_alts;
    x->grant.n_unknown = n_unknown;
    x->grant.acc = acc;
    x->grant.ready = true;
}

/* The validity dimension's trail and candidates from the entries dimension's: the same
 * steps (their rule lists, categories and predicates shared), the same missing inputs,
 * the candidates moved to the copied steps. Returns the combined candidate, or NULL. */
static struct cand *replay_grant(struct ctx *x, struct cand *cands, struct cand *alts, struct cand *unknowns,
                                 size_t *n_cands, size_t *n_alts, size_t *n_unknown)
{
    struct vfy_rules_workspace *w = x->w;
    size_t n = x->grant.n_steps;
    if (!rr_grow(w, (void **)&w->steps, &w->cap_steps, w->n_steps + n, sizeof *w->steps))
        return NULL;
    uint32_t delta = (uint32_t)w->n_steps - x->grant.step0;
    memcpy(w->steps + w->n_steps, w->snap, n * sizeof *w->steps);
    w->n_steps += n;
    for (size_t i = 0; i < x->grant.n_miss; i++) {
        struct rr_miss m = w->miss[x->grant.miss0 + i];
        miss(x, (enum rr_miss_kind)m.kind, m.arg);
    }
    *n_cands = x->grant.n_cands;
    *n_alts = x->grant.n_alts;
    *n_unknown = x->grant.n_unknown;
    struct cand *lists[3] = { cands, alts, unknowns };
    size_t counts[3] = { *n_cands, *n_alts, *n_unknown };
    for (size_t l = 0; l < 3; l++)
        for (size_t i = 0; i < counts[l]; i++)
            if (lists[l][i].step != NO_STEP)
                lists[l][i].step += delta;
    return x->grant.acc < 0 ? NULL : &cands[x->grant.acc];
}

/* One dimension decided by rules of one kind (everything but admissibility). */
static void resolve(struct ctx *x, int dim, enum rule_kind kind, struct rr_dim *o)
{
    struct vfy_rules_workspace *w = x->w;
    open_dimension(x, o);
    /* Room for every rule of this kind: no candidate is ever dropped for lack of space. */
    size_t room = 1 + x->e->n_of_kind[kind];
    if (!rr_grow(w, &w->cands, &w->cap_cands, 3 * room, sizeof(struct cand)))
        return;
    struct cand *cands = w->cands, *alts = cands + room, *unknowns = alts + room;
    size_t n_cands = 0, n_alts = 0, n_unknown = 0;
    struct cand *acc = NULL;
    o->op_off = (uint32_t)w->n_ops;
    if (dim == VFY_RULES_DIM_VALIDITY && x->grant.ready) {
        acc = replay_grant(x, cands, alts, unknowns, &n_cands, &n_alts, &n_unknown);
    } else {
        for (size_t si = 0; si < x->e->n_sets; si++) {
            const struct ruleset *rs = &x->e->sets[si];
            const struct plan_set *p = &x->e->plan[si];
            if (p->n_by_kind[kind] == 0)
                continue;
            enum tri sc = set_scope(x, si);
            if (sc == T_FAIL)
                continue;
            struct cand *local = NULL;
            uint32_t out_of_force = NO_STEP;
            /* The rules that may apply to the traveller's nationality; those for other
             * nationalities read as one short step per set, not as lists of predicates
             * that happen to fail (the plan worked both out for every code). */
            const struct plan_kind *pk = &p->kinds[kind];
            const struct plan_class *pc = &pk->classes[pk->class_of != NULL ? pk->class_of[x->nat + 1] : 0];
            const struct plan_rule *own = x->e->own_rules + pc->own;
            /* A set out of force at the one date all its rules of this kind are read at:
             * one step lists them all (as open_step would group them one by one). The
             * gate of such a set is read once, not per rule. */
            const struct rr_gate *g = NULL;
            if (sc == T_HOLD && pk->one_anchor) {
                g = set_gate(x, si, pk->anchor);
                if ((g->state == G_NOT_IN_FORCE || g->state == G_SUPERSEDED) && pc->n_own > 0) {
                    const struct plan_rule *pr = &own[0];
                    if (pc->others_at == 0)
                        others_step(x, si, pc);
                    struct rr_step *st = new_step(x, si, pr->ri);
                    if (st != NULL) {
                        gate(x, si, pr, g, st);
                        st->rules = (struct rr_list){ pc->own_ri, RR_LIST_SLICE, pc->n_own };
                    }
                    if (pc->others_at != 0)
                        others_step(x, si, pc);
                    continue;
                }
            }
            /* The plan's entries in locals: the trail's stores would make the compiler
             * read them again on every rule. */
            const size_t n_own = pc->n_own, others_at = pc->others_at;
            const struct rule *rules = rs->rules;
            for (size_t j = 0; j <= n_own; j++) {
                if (j == others_at)
                    others_step(x, si, pc);
                if (j == n_own)
                    break;
                const struct plan_rule *pr = &own[j];
                size_t ri = pr->ri;
                const struct rule *r = &rules[ri];
                if (sc == T_UNKNOWN) {
                    struct cand cd = cand_of(rs, r, si, ri, scope_unknown_step(x, si, ri));
                    if (kind == RK_ENTRY_VALIDITY)
                        compute_grant(x, &cd);
                    if (!pr->discretionary)
                        unknowns[n_unknown++] = cd;
                    continue;
                }
                uint32_t step;
                int32_t d = open_step(x, si, pr, g != NULL ? g : set_gate(x, si, pr->anchor), &step, &out_of_force);
                if (d == DATE_NONE) {
                    if (result_is(x, step, RR_NOT_EVALUATED) && !pr->discretionary) {
                        struct cand cd = cand_of(rs, r, si, ri, step);
                        if (kind == RK_ENTRY_VALIDITY)
                            compute_grant(x, &cd);
                        unknowns[n_unknown++] = cd;
                    }
                    continue;
                }
                if (fails_at_once(x, pr)) { /* what the T_FAIL branch below does, sooner */
                    set_result(x, step, RR_FAILED);
                    continue;
                }
                struct cand cd = cand_of(rs, r, si, ri, step);
                enum tri t = rule_test(x, si, pr, r, d, &cd);
                if (t != T_HOLD) {
                    close_preds(x, step);
                    set_result(x, step, t == T_FAIL ? RR_FAILED : RR_NOT_EVALUATED);
                    cd.has_cats = false;
                    cd.n_cats = 0;
                    if (t == T_UNKNOWN && !pr->discretionary) {
                        if (kind == RK_ENTRY_VALIDITY)
                            compute_grant(x, &cd);
                        unknowns[n_unknown++] = cd;
                    }
                    continue;
                }
                if (cd.has_cats && step != NO_STEP) {
                    step_at(x, step)->cat_off = cd.cat_off;
                    step_at(x, step)->n_cats = cd.n_cats;
                }
                if (kind == RK_ENTRY_VALIDITY) {
                    compute_grant(x, &cd);
                    if (cd.short_of_stay) {
                        if (x->full) {
                            char b1[11], b2[11];
                            vfy_day_format_iso(cd.ends, b1);
                            vfy_day_format_iso(x->c->dates[VFY_ANCHOR_INTENDED_EXIT], b2);
                            add_test(x, true, T_FAIL, "validity, capped by the %s, would end on %s, before the "
                                     "intended exit %s: it does not cover the stay",
                                     cd.capped_by == 2 ? "end of the status the claim rests on" : "document expiry",
                                     b1, b2);
                        }
                        close_preds(x, step);
                        set_result(x, step, RR_FAILED);
                        continue;
                    }
                }
                close_preds(x, step);
                bool alt = pr->discretionary;
                set_result(x, step, alt ? RR_ALTERNATIVE : RR_APPLIES);
                if (alt) {
                    alts[n_alts++] = cd;
                    continue;
                }
                cands[n_cands] = cd;
                struct cand *now = &cands[n_cands++];
                if (local == NULL) {
                    local = now;
                } else if (dim == VFY_RULES_DIM_EVIDENCE && rs->combine[dim] == POL_ACCUMULATE) {
                    continue;
                } else {
                    struct cand *keep = choose(dim, rs->combine[dim], local, now, true);
                    add_beat(x, keep, keep == local ? now : local);
                    local = keep;
                }
            }
            if (local == NULL || (dim == VFY_RULES_DIM_EVIDENCE && rs->combine[dim] == POL_ACCUMULATE))
                continue;
            if (acc == NULL) {
                acc = local;
            } else {
                struct cand *keep = choose(dim, rs->combine[dim], acc, local, false);
                add_beat(x, keep, keep == acc ? local : acc);
                acc = keep;
            }
        }
        if (dim == VFY_RULES_DIM_ENTRIES)
            keep_grant(x, o, n_cands, n_alts, n_unknown, acc == NULL ? -1 : acc - cands);
    }

    /* Fail closed: a rule that could not be evaluated and would give another value
     * than the result could change it, so the result is not a right or an obligation. */
    bool blocked = false;
    for (size_t i = 0; i < n_unknown && !blocked; i++) {
        if (dim == VFY_RULES_DIM_EVIDENCE)
            blocked = true; /* evidence accumulates: any rule might add to it */
        else
            blocked = acc == NULL || favour(dim, &unknowns[i], acc) != 0;
    }

    if (dim == VFY_RULES_DIM_EVIDENCE) {
        bool simplified = false, unverified = false, discretionary_better = false;
        o->ecat_off = (uint32_t)w->n_u32;
        o->waive_off = (uint32_t)w->n_waives;
        for (size_t i = 0; i < n_cands; i++) {
            if (!result_is(x, cands[i].step, RR_APPLIES))
                continue;
            set_result(x, cands[i].step, RR_WON);
            add_open_points(x, o, &cands[i]);
            simplified |= cands[i].r->u.evidence.simplified;
            unverified |= cands[i].unverified;
            for (size_t k = 0; k < cands[i].r->u.evidence.n_waives; k++) {
                if (!GROW(w, waives, n_waives, cap_waives))
                    break;
                w->waives[w->n_waives++] = (struct rr_waive){ value_of(&cands[i]).rule, (uint32_t)k };
                o->n_waive++;
            }
            for (uint32_t k = 0; cands[i].has_cats && k < cands[i].n_cats; k++) {
                push_u32(w, w->u32[cands[i].cat_off + k]);
                o->n_ecat++;
            }
        }
        o->alt_off = (uint32_t)w->n_vals;
        for (size_t i = 0; i < n_alts; i++) {
            discretionary_better = true;
            add_alternative(x, o, value_of(&alts[i]));
        }
        o->simplified = simplified;
        if (blocked)
            set_review(o, VK_EVIDENCE);
        else
            set_dimension(o, VK_EVIDENCE, unverified ? VFY_MODALITY_OFFICER_REVIEW
                                          : discretionary_better && !simplified ? VFY_MODALITY_MAY
                                          : VFY_MODALITY_ENTITLED);
        o->alternatives = true;
    } else if (acc == NULL && n_alts == 0) {
        note_step(x, RR_NO_RULE, EX_NO_RULE);
        if (blocked)
            set_review(o, VK_NULL);
        else
            set_dimension(o, VK_NULL, VFY_MODALITY_OFFICER_REVIEW);
    } else {
        if (acc != NULL)
            set_result(x, acc->step, RR_WON);
        struct cand *best_alt = NULL;
        o->alt_off = (uint32_t)w->n_vals;
        for (size_t i = 0; i < n_alts; i++) {
            /* A Member State's option on the visa requirement cuts either way (Reg.
             * 2018/1806 Art. 6(1): exempting Annex I or requiring from Annex II), so it is
             * shown whenever it would change the value, not only when it is favourable. */
            bool other_way = dim == VFY_RULES_DIM_VISA_NEEDED && acc != NULL &&
                             alts[i].r->u.visa_needed != acc->r->u.visa_needed;
            if (acc != NULL && !other_way && alt_favour(dim, &alts[i], acc) <= 0) {
                set_result(x, alts[i].step, RR_BEATEN);
                continue;
            }
            if (best_alt == NULL || favour(dim, &alts[i], best_alt) > 0)
                best_alt = &alts[i];
            add_open_points(x, o, &alts[i]);
            add_alternative(x, o, value_of(&alts[i]));
        }
        const struct cand *shown = acc != NULL ? acc : best_alt;
        /* An open point on the winning rule is material when a rule it beat would have
         * been more favourable (a Visa Code waiver an agreement's fee overrides): the law
         * is unsettled exactly where the decision turns, so an officer decides. */
        bool material = false;
        if (acc != NULL) {
            add_open_points(x, o, acc);
            for (size_t i = 0; i < n_cands && acc->r->n_open_points > 0; i++)
                if (&cands[i] != acc && result_is(x, cands[i].step, RR_BEATEN) && favour(dim, &cands[i], acc) > 0)
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
            set_dimension(o, VK_NULL, VFY_MODALITY_OFFICER_REVIEW);
            o->provisional = VK_RULE;
            o->pv = value_of(shown);
        } else if (blocked) {
            set_review(o, VK_RULE);
            o->pv = value_of(shown);
        } else {
            set_dimension(o, VK_RULE, m);
            o->v = value_of(shown);
        }
        if (x->won != NULL && acc != NULL && !blocked && !material && m != VFY_MODALITY_OFFICER_REVIEW)
            *x->won = (struct winner){ acc->rs, acc->r, acc->si, true };
        o->alternatives = true;
    }
    close_dimension(x, o);
}

/* ---- admissibility: every check of every set in force must hold --------------- */

static enum tri run_check(const struct ctx *x, const struct rule *r, int32_t d, bool preds)
{
    const struct vfy_rules_case *c = x->c;
    char need[11] = "", have[11];
    switch (r->u.check.kind) {
    case CK_VALID_ON:
    case CK_VALID_AFTER: {
        int32_t from = d;
        if (r->u.check.kind == CK_VALID_AFTER && r->u.check.relative_to >= 0) {
            from = c->dates[r->u.check.relative_to];
            if (from == DATE_NONE) {
                miss(x, MS_DATE, (size_t)r->u.check.relative_to);
                add_test(x, preds, T_UNKNOWN, "document valid %d months after the %s: the case gives no %s date",
                         r->u.check.amount, rs_anchor_names[r->u.check.relative_to],
                         rs_anchor_names[r->u.check.relative_to]);
                return T_UNKNOWN;
            }
        }
        int32_t required = r->u.check.kind == CK_VALID_ON ? d : add_months(x, from, r->u.check.amount);
        if (preds)
            vfy_day_format_iso(required, need);
        if (c->expiry_date == DATE_NONE) {
            miss(x, MS_EXPIRY, 0);
            add_test(x, preds, T_UNKNOWN, "document valid until at least %s: expiry date not given", need);
            return T_UNKNOWN;
        }
        enum tri t = c->expiry_date >= required ? T_HOLD : T_FAIL;
        if (preds && x->pii) {
            vfy_day_format_iso(c->expiry_date, have);
            add_test(x, preds, t, "document valid until at least %s (expires %s)", need, have);
        } else {
            add_test(x, preds, t, "document valid until at least %s", need);
        }
        return t;
    }
    case CK_MAX_ISSUE_AGE: {
        int32_t oldest = add_months(x, d, -12 * r->u.check.amount);
        if (preds)
            vfy_day_format_iso(oldest, need);
        if (c->issue_date == DATE_NONE) {
            miss(x, MS_ISSUE, 0);
            add_test(x, preds, T_UNKNOWN, "document issued on or after %s: issue date not given", need);
            return T_UNKNOWN;
        }
        enum tri t = c->issue_date >= oldest ? T_HOLD : T_FAIL;
        if (preds && x->pii) {
            vfy_day_format_iso(c->issue_date, have);
            add_test(x, preds, t, "document issued on or after %s, at most %d years before (issued %s)", need, r->u.check.amount, have);
        } else {
            add_test(x, preds, t, "document issued on or after %s, at most %d years before", need, r->u.check.amount);
        }
        return t;
    }
    case CK_BLANK_PAGES: {
        if (c->blank_pages < 0) {
            miss(x, MS_BLANK_PAGES, 0);
            add_test(x, preds, T_UNKNOWN, "at least %d blank pages: not given", r->u.check.amount);
            return T_UNKNOWN;
        }
        enum tri t = c->blank_pages >= r->u.check.amount ? T_HOLD : T_FAIL;
        add_test(x, preds, t, "at least %d blank pages", r->u.check.amount);
        return t;
    }
    case CK_LODGING_NOT_BEFORE:
    case CK_LODGING_NOT_AFTER: {
        int32_t rel = c->dates[r->u.check.relative_to];
        if (rel == DATE_NONE) {
            miss(x, MS_DATE, (size_t)r->u.check.relative_to);
            add_test(x, preds, T_UNKNOWN, "the case gives no %s date", rs_anchor_names[r->u.check.relative_to]);
            return T_UNKNOWN;
        }
        enum tri t;
        if (r->u.check.kind == CK_LODGING_NOT_BEFORE) {
            int32_t earliest = add_months(x, rel, -r->u.check.amount);
            t = d >= earliest ? T_HOLD : T_FAIL;
            if (preds) {
                vfy_day_format_iso(earliest, need);
                add_test(x, preds, t, "%s on or after %s (%d months before %s)", rs_anchor_names[r->anchor], need,
                         r->u.check.amount, rs_anchor_names[r->u.check.relative_to]);
            }
        } else {
            int32_t latest = rel - r->u.check.amount;
            t = d <= latest ? T_HOLD : T_FAIL;
            if (preds) {
                vfy_day_format_iso(latest, need);
                add_test(x, preds, t, "%s on or before %s (%d days before %s)", rs_anchor_names[r->anchor], need,
                         r->u.check.amount, rs_anchor_names[r->u.check.relative_to]);
            }
        }
        return t;
    }
    case CK_VISA_HELD: {
        /* Borders Code Art. 6(1)(b): a valid visa, if one is required. */
        if (x->visa_required == T_UNKNOWN) {
            add_test(x, preds, T_UNKNOWN, "a valid visa held, if one is required: the visa requirement is undecided");
            return T_UNKNOWN;
        }
        if (!c->history_given) {
            miss(x, MS_HISTORY, 0);
            add_test(x, preds, T_UNKNOWN, "a visa valid on %s: the case gives no visa history", rs_anchor_names[r->anchor]);
            return T_UNKNOWN;
        }
        for (size_t i = 0; i < c->n_history; i++) {
            const struct history_item *v = &c->history[i];
            if (v->kind != VK_ATV && v->dates[HF_VALID_FROM] <= d && d <= v->dates[HF_VALID_TO]) {
                add_test(x, preds, T_HOLD, "visa_history[%zu] is a visa valid on the day of the %s", i,
                         rs_anchor_names[r->anchor]);
                return T_HOLD;
            }
        }
        add_test(x, preds, T_FAIL, "a visa valid on the day of the %s (none of the %zu visa(s) of the history)",
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
static void admissibility(struct ctx *x, bool *inadmissible, struct rr_dim *o)
{
    open_dimension(x, o);
    bool any_check = false, derogable = false, review = false, unknown = false;
    size_t consular_skipped = 0;
    *inadmissible = false;
    for (size_t si = 0; si < x->e->n_sets; si++) {
        const struct ruleset *rs = &x->e->sets[si];
        const struct plan_set *p = &x->e->plan[si];
        if (p->n_by_kind[RK_CHECK] == 0)
            continue;
        enum tri sc = set_scope(x, si);
        if (sc == T_FAIL)
            continue;
        uint32_t out_of_force = NO_STEP;
        const size_t n_checks = p->n_by_kind[RK_CHECK];
        const struct plan_rule *checks = p->by_kind[RK_CHECK];
        for (size_t k = 0; k < n_checks; k++) {
            const struct plan_rule *pr = &checks[k];
            size_t ri = pr->ri;
            /* At the border only the entry conditions (rules anchored on the crossing)
             * are checked; the Visa Code's conditions of an application are not. */
            if (x->border && pr->anchor != VFY_ANCHOR_BORDER_CROSSING) {
                consular_skipped++;
                continue;
            }
            /* A visa held is a border condition, and only where a visa is required. */
            if (pr->visa_held && (!x->border || x->visa_required == T_FAIL)) {
                struct rr_step *st = new_step(x, si, ri);
                if (st != NULL) {
                    st->result = RR_NOT_APPLICABLE;
                    st->expl = !x->border ? EX_VISA_HELD_CONSULATE : EX_VISA_HELD_NOT_REQUIRED;
                }
                continue;
            }
            if (sc == T_UNKNOWN) {
                scope_unknown_step(x, si, ri);
                unknown = true;
                continue;
            }
            uint32_t step;
            int32_t d = open_step(x, si, pr, set_gate(x, si, pr->anchor), &step, &out_of_force);
            if (d == DATE_NONE) {
                unknown |= result_is(x, step, RR_NOT_EVALUATED);
                continue;
            }
            const struct rule *r = &rs->rules[ri];
            enum tri t = T_HOLD; /* most checks have no condition */
            if (pr->test != PT_NOTHING) {
                struct cand scratch = cand_of(rs, r, si, ri, step);
                size_t u32_mark = x->w->n_u32;
                t = rule_test(x, si, pr, r, d, &scratch);
                x->w->n_u32 = u32_mark;
            }
            if (t != T_HOLD) {
                close_preds(x, step);
                set_result(x, step, t == T_FAIL ? RR_NOT_APPLICABLE : RR_NOT_EVALUATED);
                unknown |= t == T_UNKNOWN;
                continue;
            }
            any_check = true;
            t = run_check(x, r, d, x->full);
            close_preds(x, step);
            if (t == T_HOLD) {
                set_result(x, step, RR_PASSED);
                continue;
            }
            if (t == T_UNKNOWN) {
                set_result(x, step, RR_NOT_EVALUATED);
                unknown = true;
                continue;
            }
            set_result(x, step, RR_FAILED);
            if (step != NO_STEP)
                step_at(x, step)->on_fail = true;
            switch (r->u.check.on_fail) {
            case CF_INADMISSIBLE: *inadmissible = true; break;
            case CF_DEROGATION: derogable = true; break;
            default: review = true; break;
            }
        }
    }
    if (consular_skipped > 0)
        note_step(x, RR_NOT_APPLICABLE, EX_BORDER_SKIPPED);
    if (*inadmissible) {
        set_dimension(o, VK_FALSE, VFY_MODALITY_SHALL);
    } else if (derogable || review) {
        set_dimension(o, VK_FALSE, review || unknown ? VFY_MODALITY_OFFICER_REVIEW : VFY_MODALITY_MAY);
        o->missing = unknown;
    } else if (unknown) {
        set_review(o, any_check ? VK_TRUE : VK_NULL);
    } else if (!any_check) {
        note_step(x, RR_NO_RULE, EX_NO_CHECK);
        set_dimension(o, VK_NULL, VFY_MODALITY_OFFICER_REVIEW);
    } else {
        set_dimension(o, VK_TRUE, VFY_MODALITY_ENTITLED);
    }
    close_dimension(x, o);
}

static void not_applicable(struct ctx *x, struct rr_dim *o, enum rr_na why)
{
    open_dimension(x, o);
    note_step(x, RR_NOT_APPLICABLE, EX_DIMENSION_NA);
    set_dimension(o, VK_NULL, VFY_MODALITY_NOT_APPLICABLE);
    o->na = (uint8_t)why;
    o->reason = true;
    close_dimension(x, o);
}

/* Categories and evidence ids form a closed vocabulary: those of the rule sets that
 * may apply in this mode. A misspelled category would otherwise lose its waiver
 * silently, a misspelled evidence id its simplification. */
/* The case's claims against the engine's closed vocabulary: the first `n_names` claims'
 * categories numbered (struct ctx, claim_name), each claim's evidence kept as a bitset
 * over the evidence vocabulary (w->claim_ev) for category_test. */
static vfy_status check_vocabulary(const vfy_rules_engine *e, const vfy_rules_case *c, struct vfy_rules_workspace *w,
                                   int *claim_name, size_t n_names, vfy_detail *detail)
{
    char path[96];
    size_t words = e->ev_words;
    if (!rr_grow(w, (void **)&w->claim_ev, &w->cap_claim_ev, c->n_claims * words, sizeof *w->claim_ev))
        return vfy_fail(detail, VFY_E_NO_MEMORY, "decision", "out of memory while evaluating the case");
    memset(w->claim_ev, 0, c->n_claims * words * sizeof *w->claim_ev);
    for (size_t i = 0; i < c->n_claims; i++) {
        const struct claim *cl = &c->claims[i];
        int name = rs_category_name(e, cl->category);
        if (i < n_names)
            claim_name[i] = name;
        if (name < 0 || !e->name_in_vocabulary[name]) {
            snprintf(path, sizeof path, "$.application.claims[%zu].category", i);
            return vfy_fail(detail, VFY_E_CASE_VOCABULARY, path,
                            "no loaded rule set in force defines the category '%s' (vfy rules show "
                            "lists the categories and the evidence each needs)", cl->category);
        }
        for (size_t k = 0; k < cl->n_evidence; k++) {
            long b = rs_evidence_index(e, cl->evidence[k]);
            if (b < 0) {
                snprintf(path, sizeof path, "$.application.claims[%zu].evidence[%zu]", i, k);
                return vfy_fail(detail, VFY_E_CASE_VOCABULARY, path,
                                "no loaded rule set in force knows the evidence '%s' (vfy rules show "
                                "lists the evidence each category needs)", cl->evidence[k]);
            }
            w->claim_ev[i * words + (size_t)b / 64] |= (uint64_t)1 << ((size_t)b % 64);
        }
    }
    return VFY_OK;
}

/* What each category of the applicable sets needs, whether claimed or not, so an
 * officer can tell the applicant what to bring (full trail). */
static void categories_available(struct ctx *x, struct rr_dim *o)
{
    struct vfy_rules_workspace *w = x->w;
    o->avail_off = (uint32_t)w->n_u32;
    for (size_t i = 0; i < x->e->n_sets; i++) {
        const struct ruleset *rs = &x->e->sets[i];
        int32_t at = anchor_date(x, VFY_ANCHOR_LODGING, NULL);
        if (set_scope(x, i) == T_FAIL || (at != DATE_NONE && (!in_force(rs, at) || superseded_by(x, i, at) >= 0)))
            continue;
        for (size_t k = 0; k < rs->n_categories; k++) {
            char needs[300], other[300];
            rr_evidence_words(&rs->categories[k], needs, sizeof needs);
            /* The same category with the same evidence in another set adds nothing. */
            bool dup = false;
            for (uint32_t j = 0; j < o->n_avail && !dup; j++) {
                uint32_t ref = w->u32[o->avail_off + j];
                const struct category *oc = &x->e->sets[RR_SET(ref)].categories[RR_RULE(ref)];
                rr_evidence_words(oc, other, sizeof other);
                dup = strcmp(oc->id, rs->categories[k].id) == 0 && strcmp(other, needs) == 0;
            }
            if (dup)
                continue;
            push_u32(w, RR_REF(i, k));
            o->n_avail++;
        }
    }
}

vfy_status rr_evaluate(const vfy_rules_engine *engine, const vfy_rules_case *c,
                       const vfy_rules_eval_options *options, struct vfy_rules_workspace *w,
                       vfy_detail *detail);
vfy_status rr_evaluate(const vfy_rules_engine *engine, const vfy_rules_case *c,
                       const vfy_rules_eval_options *options, struct vfy_rules_workspace *w,
                       vfy_detail *detail)
{
    w->valid = false;
    if (engine == NULL || c == NULL || w == NULL || w->engine != engine)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "evaluate",
                        "an engine, a case and a workspace made for that engine are required");
    /* Nothing is decided for nobody: an empty or traveller-less case is refused, not
     * answered with a decision made of unknowns. */
    if (c->nationality[0] == '\0')
        return vfy_fail(detail, VFY_E_CASE_INCOMPLETE, "traveller.nationality",
                        "the case names no traveller (traveller.nationality is required); "
                        "no decision is made for an unknown person");
    w->n_steps = w->n_links = w->n_u32 = w->n_vals = w->n_miss = w->n_ops = w->n_waives = 0;
    w->n_preds = w->n_text = 0;
    w->oom = false;
    /* A new decision: every set's gates are worked out again (its scope below). */
    if (++w->gen == 0) {
        memset(w->gates, 0, w->n_gate_sets * VFY_ANCHOR_COUNT * sizeof *w->gates);
        w->gen = 1;
    }
    w->full = options == NULL || !options->compact_trail;
    w->pii = options != NULL && options->include_pii;
    w->visa_winner = RR_NONE;
    struct winner visa_won = { 0 };
    struct ctx x; /* zeroed, then filled (zero_small: no initializer's string store) */
    zero_small(&x, sizeof x);
    x.e = engine;
    x.cal = engine->calendar;
    x.c = c;
    x.w = w;
    x.pii = w->pii;
    x.full = w->full;
    x.visa_required = T_UNKNOWN;
    x.nat = rs_code_index(engine, c->nationality);
    x.dest = rs_code_index(engine, c->destination);
    x.age_anchor[0] = x.age_anchor[1] = DATE_NONE;
    /* Border check: a crossing date and no lodging date (docs/rules.md, "Border check"). */
    x.border = c->dates[VFY_ANCHOR_LODGING] == DATE_NONE && c->dates[VFY_ANCHOR_BORDER_CROSSING] != DATE_NONE;
    w->border = x.border;
    x.named = c->n_claims <= sizeof x.claim_name / sizeof x.claim_name[0];
    VFY_TRY(check_vocabulary(engine, c, w, x.claim_name, sizeof x.claim_name / sizeof x.claim_name[0], detail));
    x.by_mask = x.named && engine->n_names <= 64;
    for (size_t i = 0; x.by_mask && i < c->n_claims; i++)
        x.claimed |= (uint64_t)1 << x.claim_name[i];
    for (size_t si = 0; si < engine->n_sets; si++)
        w->scopes[si].scope = (uint8_t)scope_test(&x, &engine->sets[si]);

    x.miss_start = w->n_miss;
    x.won = &visa_won;
    struct rr_dim *visa = &w->dims[VFY_RULES_DIM_VISA_NEEDED];
    resolve(&x, VFY_RULES_DIM_VISA_NEEDED, RK_VISA, visa);
    x.won = NULL;
    /* Applicability first: when no visa is needed, or the traveller is not a
     * third-country national, the dimensions of a visa application do not arise. */
    bool na = visa_won.decided && visa_won.r->kind == RK_VISA && !visa_won.r->u.visa_needed;
    if (na) {
        w->visa_winner = RR_REF(visa_won.si, (size_t)(visa_won.r - visa_won.rs->rules));
        visa->reason = true;
        visa->na = NA_NOT_REQUIRED;
        if (visa_won.r->applicability == AP_NOT_THIRD_COUNTRY_NATIONAL)
            visa->modality = VFY_MODALITY_NOT_APPLICABLE;
    }
    if (visa_won.decided)
        x.visa_required = visa_won.r->u.visa_needed ? T_HOLD : T_FAIL;
    bool not_tcn = na && visa_won.r->applicability == AP_NOT_THIRD_COUNTRY_NATIONAL;
    enum rr_na why = na ? NA_NOT_REQUIRED : NA_NONE;
    if (x.border && !not_tcn)
        why = NA_BORDER;

    bool inadmissible = false;
    if (why != NA_NONE && !(x.border && !not_tcn)) {
        not_applicable(&x, &w->dims[VFY_RULES_DIM_ADMISSIBLE], why);
    } else {
        x.miss_start = w->n_miss;
        admissibility(&x, &inadmissible, &w->dims[VFY_RULES_DIM_ADMISSIBLE]);
    }
    static const enum rule_kind kinds[VFY_RULES_DIM_COUNT] = {
        RK_VISA, RK_CHECK, RK_FEE, RK_SERVICE_FEE_CAP, RK_DEADLINE, RK_ENTRY_VALIDITY,
        RK_ENTRY_VALIDITY, RK_EVIDENCE,
    };
    for (int d = VFY_RULES_DIM_FEE; d < VFY_RULES_DIM_COUNT; d++) {
        struct rr_dim *o = &w->dims[d];
        x.miss_start = w->n_miss;
        if (why != NA_NONE) {
            not_applicable(&x, o, why);
        } else if (inadmissible) {
            not_applicable(&x, o, NA_INADMISSIBLE);
            o->refund = d == VFY_RULES_DIM_FEE;
        } else {
            resolve(&x, d, kinds[d], o);
        }
    }
    /* Fail closed on applicability: at the consulate, when whether a visa is needed is
     * not decided, every consequence of a visa application (and its admissibility) may
     * still become not_applicable, so none is a right, an obligation or a discretion.
     * The value each would have is kept as "provisional", the reason says why, and the
     * visa requirement's missing inputs are listed where the dimension has none. */
    if (!visa_won.decided && why == NA_NONE && !inadmissible) {
        for (int d = VFY_RULES_DIM_ADMISSIBLE; d < VFY_RULES_DIM_COUNT; d++) {
            struct rr_dim *o = &w->dims[d];
            if (o->modality == VFY_MODALITY_OFFICER_REVIEW || o->modality == VFY_MODALITY_NOT_APPLICABLE)
                continue;
            if (o->value != VK_NULL && o->provisional == VK_ABSENT) {
                o->provisional = o->value;
                o->pv = o->v;
            }
            set_dimension(o, VK_NULL, VFY_MODALITY_OFFICER_REVIEW);
            o->reason = true;
            o->na = NA_VISA_UNDECIDED;
            if (o->n_miss == 0 && visa->n_miss > 0) {
                o->miss_off = visa->miss_off;
                o->n_miss = visa->n_miss;
                o->missing = true;
            }
        }
    }
    struct rr_dim *ev = &w->dims[VFY_RULES_DIM_EVIDENCE];
    if (x.full && ev->modality != VFY_MODALITY_NOT_APPLICABLE)
        categories_available(&x, ev);
    /* A decision missing a part is never returned. */
    if (w->oom)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "decision", "out of memory while evaluating the case");
    w->valid = true;
    return VFY_OK;
}
