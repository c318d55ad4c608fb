/*
 * The plan of an engine: what evaluation would otherwise find by scanning and comparing
 * strings for every decision (which rules of a set decide a dimension, which sets
 * supersede a set, which suspensions name a rule) computed once, when the engine is
 * built. The engine stays immutable afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/engine.h"
#include "rules/writer.h"

/* Writes a quoted, escaped string into the fragments and says where it is. */
static struct frag quoted(struct rw *w, const char *s)
{
    size_t at = w->len;
    rw_str(w, s);
    return (struct frag){ (uint32_t)at, (uint32_t)(w->len - at) };
}

/* The text every decision repeats, written once: ids, versions, digests, the compact
 * step of each rule and the metadata members. */
static bool fragments(struct vfy_rules_engine *e)
{
    struct rw w = { 0 };
    for (size_t si = 0; si < e->n_sets; si++) {
        const struct ruleset *rs = &e->sets[si];
        struct plan_set *p = &e->plan[si];
        p->id = quoted(&w, rs->id);
        p->version = quoted(&w, rs->version);
        p->digest = quoted(&w, rs->digest_hex);
        p->rule_id = calloc(rs->n_rules + 1, sizeof *p->rule_id);
        p->step = calloc(rs->n_rules + 1, sizeof *p->step);
        p->cat_id = calloc(rs->n_categories + 1, sizeof *p->cat_id);
        p->ref = calloc(rs->n_rules + 1, sizeof *p->ref);
        p->consequence = calloc(rs->n_rules + 1, sizeof *p->consequence);
        p->legal_ref = calloc(rs->n_rules + 1, sizeof *p->legal_ref);
        p->open_point_off = calloc(rs->n_rules + 1, sizeof *p->open_point_off);
        size_t n_points = 0;
        for (size_t ri = 0; ri < rs->n_rules; ri++)
            n_points += rs->rules[ri].n_open_points;
        p->open_point = calloc(n_points + 1, sizeof *p->open_point);
        if (p->rule_id == NULL || p->step == NULL || p->cat_id == NULL || p->ref == NULL ||
            p->consequence == NULL || p->legal_ref == NULL || p->open_point_off == NULL ||
            p->open_point == NULL) {
            free(w.buf); /* the tables are the plan's, freed with it */
            return false;
        }
        n_points = 0;
        for (size_t ri = 0; ri < rs->n_rules; ri++) {
            p->rule_id[ri] = quoted(&w, rs->rules[ri].id);
            size_t at = w.len;
            rw_raw(&w, "{\"ruleset\":", 11);
            rw_str(&w, rs->id);
            rw_raw(&w, ",\"rule\":", 8);
            rw_str(&w, rs->rules[ri].id);
            p->step[ri] = (struct frag){ (uint32_t)at, (uint32_t)(w.len - at) };
            p->ref[ri] = rr_ref_fragment(&w, rs->id, rs->rules[ri].id, NULL);
            p->legal_ref[ri] = quoted(&w, rs->rules[ri].legal_ref);
            p->open_point_off[ri] = (uint32_t)n_points;
            for (size_t k = 0; k < rs->rules[ri].n_open_points; k++)
                p->open_point[p->open_point_off[ri] + k] =
                    rr_ref_fragment(&w, rs->id, rs->rules[ri].id, rs->rules[ri].open_points[k]);
            n_points += rs->rules[ri].n_open_points;
            if (rs->rules[ri].kind == RK_CHECK && rs->rules[ri].u.check.consequence != NULL)
                p->consequence[ri] = quoted(&w, rs->rules[ri].u.check.consequence);
        }
        p->in_force = rr_in_force_fragment(&w, rs);
        for (size_t k = 0; k < rs->n_categories; k++)
            p->cat_id[k] = quoted(&w, rs->categories[k].id);
    }
    size_t at = w.len;
    rr_write_metadata(&w, e);
    e->metadata = (struct frag){ (uint32_t)at, (uint32_t)(w.len - at) };
    if (w.failed || w.len > UINT32_MAX) {
        free(w.buf);
        return false;
    }
    e->frags = w.buf;
    return true;
}

static bool pattern_match(const char *pattern, const char *s)
{
    size_t n = strlen(pattern);
    if (n > 0 && pattern[n - 1] == '*')
        return strncmp(pattern, s, n - 1) == 0;
    return strcmp(pattern, s) == 0;
}

static bool names(const struct suspension *sp, const struct ruleset *rs, const struct rule *r)
{
    bool set_hit = false, rule_hit = false;
    for (size_t k = 0; k < sp->n_sets && !set_hit; k++)
        set_hit = pattern_match(sp->sets[k], rs->id);
    for (size_t k = 0; k < sp->n_rules && !rule_hit; k++)
        rule_hit = pattern_match(sp->rules[k], r->id);
    return set_hit && rule_hit;
}

static uint32_t code_of(const char *c)
{
    return (uint32_t)(unsigned char)c[0] << 16 | (uint32_t)(unsigned char)c[1] << 8 | (unsigned char)c[2];
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Scratch of the code table while the engine is built (one builder, one thread). */
struct codes_ctx {
    struct vfy_rules_engine *e;
    size_t cap, n_bitsets, next;
};

/* Calls f for every predicate of the engine (each set's rules, categories and
 * suspensions, in order) until one returns false. */
typedef bool (*predicate_fn)(struct vfy_rules_engine *e, struct ruleset *rs, struct predicate *w, void *arg);
static bool every_predicate(struct vfy_rules_engine *e, predicate_fn f, void *arg)
{
    for (size_t si = 0; si < e->n_sets; si++) {
        struct ruleset *rs = &e->sets[si];
        for (size_t i = 0; i < rs->n_rules; i++)
            if (!f(e, rs, &rs->rules[i].when, arg))
                return false;
        for (size_t i = 0; i < rs->n_categories; i++)
            if (!f(e, rs, &rs->categories[i].when, arg))
                return false;
        for (size_t i = 0; i < rs->n_suspensions; i++)
            if (!f(e, rs, &rs->suspensions[i].when, arg))
                return false;
    }
    return true;
}

/* Calls f for every code list of the engine (sets' scopes, then every predicate's),
 * with the list and where its bitset goes; the same order every time. */
typedef bool (*list_fn)(struct codes_ctx *c, const alpha3 *list, size_t n, const uint64_t **bits);
struct list_walk { struct codes_ctx *c; list_fn f; };

static bool predicate_lists(struct vfy_rules_engine *e, struct ruleset *rs, struct predicate *w, void *arg)
{
    (void)e;
    (void)rs;
    const struct list_walk *lw = arg;
    return lw->f(lw->c, w->nationalities, w->n_nationalities, &w->nat_bits) &&
           lw->f(lw->c, w->destinations, w->n_destinations, &w->dest_bits);
}

static bool each_list(struct codes_ctx *c, list_fn f)
{
    struct vfy_rules_engine *e = c->e;
    for (size_t si = 0; si < e->n_sets; si++) {
        struct ruleset *rs = &e->sets[si];
        if (!f(c, rs->nationalities, rs->n_nationalities, &rs->nat_bits) ||
            !f(c, rs->destinations, rs->n_destinations, &rs->dest_bits))
            return false;
    }
    struct list_walk lw = { c, f };
    return every_predicate(e, predicate_lists, &lw);
}

static bool collect_codes(struct codes_ctx *c, const alpha3 *list, size_t n, const uint64_t **bits)
{
    (void)bits;
    struct vfy_rules_engine *e = c->e;
    for (size_t i = 0; list != NULL && i < n; i++) {
        if (e->n_codes == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 256;
            uint32_t *v = realloc(e->codes, cap * sizeof *v);
            if (v == NULL)
                return false;
            e->codes = v;
            c->cap = cap;
        }
        e->codes[e->n_codes++] = code_of(list[i]);
    }
    return true;
}

static bool count_lists(struct codes_ctx *c, const alpha3 *list, size_t n, const uint64_t **bits)
{
    (void)n;
    (void)bits;
    c->n_bitsets += list != NULL;
    return true;
}

static bool fill_bits(struct codes_ctx *c, const alpha3 *list, size_t n, const uint64_t **bits)
{
    struct vfy_rules_engine *e = c->e;
    *bits = NULL;
    if (list == NULL)
        return true;
    uint64_t *b = e->bits + c->next++ * e->code_words;
    for (size_t i = 0; i < n; i++) {
        long k = rs_code_index(e, list[i]);
        if (k >= 0)
            b[(size_t)k / 64] |= (uint64_t)1 << ((size_t)k % 64);
    }
    *bits = b;
    return true;
}

/* An empty open-addressed table for n entries, at most half full, so that every probe
 * ends at an empty slot. */
static bool slots_new(struct rs_str_index *ix, size_t n)
{
    size_t size = 16;
    while (size < 2 * n)
        size *= 2;
    ix->slot = malloc(size * sizeof *ix->slot);
    if (ix->slot == NULL)
        return false;
    ix->mask = (uint32_t)(size - 1);
    for (size_t i = 0; i < size; i++)
        ix->slot[i] = -1;
    return true;
}

/* Entry i at the first free slot from its hash. */
static void slots_put(struct rs_str_index *ix, uint32_t hash, size_t i)
{
    uint32_t h = hash & ix->mask;
    while (ix->slot[h] >= 0)
        h = (h + 1) & ix->mask;
    ix->slot[h] = (int32_t)i;
}

/* Where a packed code lands (multiplicative hashing). */
static uint32_t code_hash(uint32_t key)
{
    return (uint32_t)(((uint64_t)key * 0x9E3779B97F4A7C15u) >> 40);
}

long rs_code_index(const struct vfy_rules_engine *e, const char *code)
{
    if (code[0] == '\0' || e->n_codes == 0)
        return -1;
    uint32_t key = code_of(code);
    for (uint32_t h = code_hash(key) & e->codes_ix.mask;; h = (h + 1) & e->codes_ix.mask) {
        int32_t i = e->codes_ix.slot[h];
        if (i < 0 || e->codes[i] == key)
            return i;
    }
}

/* Country codes: a sorted table of every code some list names, and each list as a
 * bitset over it, so that "is the nationality in the list" is one bit. The builder
 * runs on one thread; the statics are its scratch only while it runs. */
static bool codes(struct vfy_rules_engine *e)
{
    struct codes_ctx c = { .e = e };
    if (!each_list(&c, collect_codes))
        return false;
    if (e->n_codes > 0)
        qsort(e->codes, e->n_codes, sizeof *e->codes, cmp_u32);
    size_t n = 0;
    for (size_t i = 0; i < e->n_codes; i++)
        if (n == 0 || e->codes[n - 1] != e->codes[i])
            e->codes[n++] = e->codes[i];
    e->n_codes = n;
    e->code_words = n / 64 + 1;
    /* The codes found by hashing (a case's code is looked up in every decision; a
     * binary search was a handful of unpredictable branches). */
    if (!slots_new(&e->codes_ix, n))
        return false;
    for (size_t i = 0; i < n; i++)
        slots_put(&e->codes_ix, code_hash(e->codes[i]), i);
    each_list(&c, count_lists);
    e->bits = calloc(c.n_bitsets * e->code_words + 1, sizeof *e->bits);
    if (e->bits == NULL)
        return false;
    return each_list(&c, fill_bits);
}

static bool add_word(const char ***v, size_t *n, size_t *cap, const char *s)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        const char **p = realloc((void *)*v, c * sizeof *p);
        if (p == NULL)
            return false;
        *v = p;
        *cap = c;
    }
    (*v)[(*n)++] = s;
    return true;
}

/* Sorts a list of strings and keeps each once. */
static void sort_unique(const char **v, size_t *n)
{
    if (*n == 0)
        return;
    qsort((void *)v, *n, sizeof *v, cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        if (k > 0 && strcmp(v[k - 1], v[i]) == 0)
            continue;
        v[k] = v[i];
        k++;
    }
    *n = k;
}

/* A multiplicative hash read eight bytes at a time: ids are short, a decision looks up
 * a few of them, and a byte-at-a-time hash was a chain of multiplications as long as
 * the id. The table is built from the engine's own sets; a case's ids are only looked
 * up (a probe ends at an empty slot: the table is at most half full). */
static uint32_t str_hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15u ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t word;
        memcpy(&word, s + i, sizeof word);
        h = (h ^ word) * 0xFF51AFD7ED558CCDu;
        h ^= h >> 32;
    }
    uint64_t tail = 0;
    for (size_t k = 0; i < n; i++, k++)
        tail |= (uint64_t)(unsigned char)s[i] << (8 * k);
    h = (h ^ tail) * 0xC4CEB9FE1A85EC53u;
    return (uint32_t)(h >> 32);
}

/* An open-addressed table of the n strings of v, at most half full. */
static bool index_build(struct rs_str_index *ix, const char *const *v, size_t n)
{
    if (!slots_new(ix, n))
        return false;
    for (size_t i = 0; i < n; i++)
        slots_put(ix, str_hash(v[i], strlen(v[i])), i);
    return true;
}

/* The index of s in v, or -1 (every built engine has its tables). */
static long index_find(const struct rs_str_index *ix, const char *const *v, const char *s)
{
    for (uint32_t h = str_hash(s, strlen(s)) & ix->mask;; h = (h + 1) & ix->mask) {
        int32_t i = ix->slot[h];
        if (i < 0)
            return -1;
        if (strcmp(v[i], s) == 0)
            return i;
    }
}

/* Each category's evidence groups as bitsets over the evidence vocabulary, so that
 * "does the claim complete a group" compares words, not strings. An item outside the
 * vocabulary (a set that does not apply in this mode) has no bit: a case cannot name
 * it, so such a group is never complete, as a comparison of strings would find. */
static bool evidence_bits(struct vfy_rules_engine *e)
{
    /* One bit more than the vocabulary: the bit no claim has, for groups that can
     * never be complete. */
    e->ev_words = e->n_vocab_evidence / 64 + 1;
    size_t groups = 0;
    for (size_t si = 0; si < e->n_sets; si++)
        for (size_t k = 0; k < e->sets[si].n_categories; k++)
            groups += e->sets[si].categories[k].n_groups;
    e->ev_bits = calloc((groups > 0 ? groups : 1) * e->ev_words, sizeof *e->ev_bits);
    if (e->ev_bits == NULL)
        return false;
    uint64_t *at = e->ev_bits;
    for (size_t si = 0; si < e->n_sets; si++)
        for (size_t k = 0; k < e->sets[si].n_categories; k++) {
            struct category *cat = &e->sets[si].categories[k];
            cat->ev_groups = at;
            for (size_t g = 0; g < cat->n_groups; g++, at += e->ev_words) {
                bool outside = false;
                for (size_t j = 0; j < cat->group_len[g]; j++) {
                    long b = rs_evidence_index(e, cat->groups[g][j]);
                    if (b < 0)
                        outside = true;
                    else
                        at[(size_t)b / 64] |= (uint64_t)1 << ((size_t)b % 64);
                }
                if (outside)
                    at[e->n_vocab_evidence / 64] |= (uint64_t)1 << (e->n_vocab_evidence % 64);
            }
        }
    return true;
}

/* The closed vocabulary of cases: categories and evidence of the sets that may apply in
 * this mode, sorted for lookup. */
static bool vocabulary(struct vfy_rules_engine *e)
{
    size_t cap_c = 0, cap_e = 0;
    for (size_t i = 0; i < e->n_sets; i++) {
        if (!rs_status_applies(e->mode, e->sets[i].status))
            continue;
        for (size_t k = 0; k < e->sets[i].n_categories; k++) {
            const struct category *cat = &e->sets[i].categories[k];
            if (!add_word(&e->categories, &e->n_vocab_categories, &cap_c, cat->id))
                return false;
            for (size_t g = 0; g < cat->n_groups; g++)
                for (size_t j = 0; j < cat->group_len[g]; j++)
                    if (!add_word(&e->evidence, &e->n_vocab_evidence, &cap_e, cat->groups[g][j]))
                        return false;
        }
    }
    sort_unique(e->categories, &e->n_vocab_categories);
    sort_unique(e->evidence, &e->n_vocab_evidence);
    return index_build(&e->categories_ix, e->categories, e->n_vocab_categories) &&
           index_build(&e->evidence_ix, e->evidence, e->n_vocab_evidence) && evidence_bits(e);
}

long rs_evidence_index(const struct vfy_rules_engine *e, const char *id)
{
    return index_find(&e->evidence_ix, e->evidence, id);
}

/* Counters and fillers for every_predicate: `arg` is where the next part goes (or
 * how many there are). */
static bool count_unless(struct vfy_rules_engine *e, struct ruleset *rs, struct predicate *w, void *arg)
{
    (void)e;
    (void)rs;
    *(size_t *)arg += w->n_unless_categories;
    return true;
}

static bool count_categories(struct vfy_rules_engine *e, struct ruleset *rs, struct predicate *w, void *arg)
{
    (void)e;
    (void)rs;
    *(size_t *)arg += w->n_categories;
    return true;
}

/* "Unless category C": C's first definition in the engine's order, found once (the
 * evaluator would otherwise compare it with every category of every set). */
static bool unless_of(struct vfy_rules_engine *e, struct ruleset *rs, struct predicate *w, void *arg)
{
    (void)rs;
    if (w->n_unless_categories == 0)
        return true;
    size_t *at = arg;
    uint32_t *refs = e->unless_refs + *at;
    for (size_t i = 0; i < w->n_unless_categories; i++) {
        refs[i] = UINT32_MAX;
        for (size_t si = 0; si < e->n_sets && refs[i] == UINT32_MAX; si++)
            for (size_t k = 0; k < e->sets[si].n_categories; k++)
                if (strcmp(e->sets[si].categories[k].id, w->unless_categories[i]) == 0) {
                    refs[i] = (uint32_t)(si << 16 | k);
                    break;
                }
    }
    w->unless_refs = refs;
    *at += w->n_unless_categories;
    return true;
}

static bool unless(struct vfy_rules_engine *e)
{
    size_t n = 0, at = 0;
    every_predicate(e, count_unless, &n);
    e->unless_refs = calloc(n + 1, sizeof *e->unless_refs);
    return e->unless_refs != NULL && every_predicate(e, unless_of, &at);
}

static bool names_of(struct vfy_rules_engine *e, struct ruleset *rs, struct predicate *w, void *arg)
{
    size_t *at = arg;
    int *names = e->predicate_names + *at;
    for (size_t i = 0; i < w->n_categories; i++)
        names[i] = rs->categories[w->categories[i]].name;
    w->category_names = names;
    *at += w->n_categories;
    return true;
}

/* Category ids as numbers: every id of every set sorted once; a case's claims are
 * numbered once per decision, and categories compare as integers. */
static bool category_names(struct vfy_rules_engine *e)
{
    size_t cap = 0;
    for (size_t si = 0; si < e->n_sets; si++)
        for (size_t k = 0; k < e->sets[si].n_categories; k++)
            if (!add_word(&e->names, &e->n_names, &cap, e->sets[si].categories[k].id))
                return false;
    sort_unique(e->names, &e->n_names);
    if (!index_build(&e->names_ix, e->names, e->n_names))
        return false;
    for (size_t si = 0; si < e->n_sets; si++)
        for (size_t k = 0; k < e->sets[si].n_categories; k++)
            e->sets[si].categories[k].name = rs_category_name(e, e->sets[si].categories[k].id);
    /* Each predicate's categories by number too, beside their indices: whether the
     * case claims one is then a bit of the decision's claims (rules/evaluate.c). */
    size_t n = 0, at = 0;
    every_predicate(e, count_categories, &n);
    e->predicate_names = malloc((n + 1) * sizeof *e->predicate_names);
    if (e->predicate_names == NULL || !every_predicate(e, names_of, &at))
        return false;
    /* Which ids a case may claim: those of the sets that apply in the engine's mode
     * (a case's claim is numbered and checked with one lookup). */
    e->name_in_vocabulary = calloc(e->n_names + 1, sizeof *e->name_in_vocabulary);
    if (e->name_in_vocabulary == NULL)
        return false;
    for (size_t i = 0; i < e->n_names; i++)
        e->name_in_vocabulary[i] = index_find(&e->categories_ix, e->categories, e->names[i]) >= 0;
    return true;
}

int rs_category_name(const struct vfy_rules_engine *e, const char *id)
{
    return (int)index_find(&e->names_ix, e->names, id);
}

/* A rule that offers the authority a choice (an optional waiver, a discretionary grant,
 * a Member State's option) rather than a right or an obligation. */
bool rs_rule_discretionary(const struct rule *r)
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

/* The calendar decisions do month arithmetic with (core/date.h). */
static bool calendar(struct vfy_rules_engine *e)
{
    e->calendar = malloc(sizeof *e->calendar);
    if (e->calendar == NULL)
        return false;
    vfy_calendar_init(e->calendar);
    return true;
}

struct pools { size_t cap_own_rules, cap_slices; };

/* Room for `more` entries of `elem` bytes in a growing pool of n entries. */
static bool reserve(void **v, size_t elem, size_t n, size_t *cap, size_t more)
{
    if (n + more <= *cap)
        return true;
    size_t c = *cap ? *cap : 256;
    while (c < n + more)
        c *= 2;
    void *p = realloc(*v, c * elem);
    if (p == NULL)
        return false;
    *v = p;
    *cap = c;
    return true;
}

/* Appends to a pool of rule indices reserve made room in. */
static void put16(uint16_t **v, size_t *n, uint16_t x)
{
    (*v)[(*n)++] = x;
}

/* Whether the rule of entry pr may apply to a traveller whose code is `code` (-1: a
 * code no list names). */
static bool own_rule(const struct plan_rule *pr, long code)
{
    return pr->nat == NULL || rs_code_in(pr->nat, code);
}

/* The class of a code for one kind of set si (struct plan_class): the entries that may
 * apply, in order, their rule indices, and the others. */
static bool class_for(struct vfy_rules_engine *e, struct pools *pl, const struct plan_set *p, int kind, long code,
                      struct plan_class *pc)
{
    const struct plan_rule *v = p->by_kind[kind];
    size_t n = p->n_by_kind[kind];
    /* Every rule is either the code's own or another's: n entries of each pool at most. */
    if (!reserve((void **)&e->own_rules, sizeof *e->own_rules, e->n_own_rules, &pl->cap_own_rules, n) ||
        !reserve((void **)&e->slices, sizeof *e->slices, e->n_slices, &pl->cap_slices, n))
        return false;
    *pc = (struct plan_class){ .own = (uint32_t)e->n_own_rules, .own_ri = (uint32_t)e->n_slices };
    bool seen_other = false;
    for (size_t k = 0; k < n; k++) {
        if (!own_rule(&v[k], code)) {
            seen_other = true;
            continue;
        }
        if (!seen_other)
            pc->others_at++;
        pc->n_own++;
        e->own_rules[e->n_own_rules++] = v[k];
        put16(&e->slices, &e->n_slices, v[k].ri);
    }
    pc->others = (uint32_t)e->n_slices;
    for (size_t k = 0; k < n; k++) {
        if (own_rule(&v[k], code))
            continue;
        pc->n_others++;
        put16(&e->slices, &e->n_slices, v[k].ri);
    }
    return true;
}

/* Whether two codes meet the same rules of one kind (they then share a class). */
static bool same_class(const struct plan_set *p, int kind, long a, long b)
{
    for (size_t k = 0; k < p->n_by_kind[kind]; k++)
        if (own_rule(&p->by_kind[kind][k], a) != own_rule(&p->by_kind[kind][k], b))
            return false;
    return true;
}

/* The classes of every kind of set si, one per distinct way the codes meet its rules. */
static bool classes(struct vfy_rules_engine *e, struct pools *pl, struct plan_set *p)
{
    for (int kind = 0; kind < RK_COUNT; kind++) {
        struct plan_kind *pk = &p->kinds[kind];
        size_t n = p->n_by_kind[kind];
        bool any_nat = false;
        pk->one_anchor = true;
        for (size_t k = 0; k < n; k++) {
            any_nat |= p->by_kind[kind][k].nat != NULL;
            pk->one_anchor &= p->by_kind[kind][k].anchor == p->by_kind[kind][0].anchor;
        }
        pk->anchor = n > 0 ? p->by_kind[kind][0].anchor : 0;
        size_t codes = any_nat ? e->n_codes + 1 : 1;
        pk->classes = malloc(codes * sizeof *pk->classes);
        long *rep = malloc(codes * sizeof *rep); /* a code of each class */
        if (pk->classes == NULL || rep == NULL) {
            free(rep);
            return false;
        }
        if (any_nat && (pk->class_of = malloc(codes * sizeof *pk->class_of)) == NULL) {
            free(rep);
            return false;
        }
        for (size_t c = 0; c < codes; c++) {
            long code = (long)c - 1;
            size_t k = 0;
            while (k < pk->n_classes && !same_class(p, kind, rep[k], code))
                k++;
            if (k == pk->n_classes) {
                rep[k] = code;
                if (!class_for(e, pl, p, kind, code, &pk->classes[pk->n_classes++])) {
                    free(rep);
                    return false;
                }
            }
            if (pk->class_of != NULL)
                pk->class_of[c] = (uint16_t)k;
        }
        free(rep);
    }
    return true;
}

/* struct predicate as test_of knows it. A member added to struct predicate changes its
 * size and stops the build here until test_of names the new conjunct: a predicate that
 * test_of took for one that tests nothing would hold without being tested. */
struct predicate_known {
    int age_from, age_below;
    unsigned doc_types;
    int biometric;
    alpha3 *nationalities; size_t n_nationalities;
    alpha3 *destinations; size_t n_destinations;
    const uint64_t *nat_bits, *dest_bits;
    int *categories; size_t n_categories;
    const int *category_names;
    char **unless_categories; size_t n_unless_categories;
    const uint32_t *unless_refs;
    struct history_cond *history;
    int32_t effective_from, effective_to;
};
_Static_assert(sizeof(struct predicate_known) == sizeof(struct predicate),
               "struct predicate has a member test_of (rules/plan.c) does not classify");

/* What a predicate tests (struct plan_rule, test and claims): every conjunct of struct
 * predicate that predicate_test reads is named here, so a new conjunct is a general test. */
static enum plan_test test_of(const struct predicate *w, uint64_t *claims)
{
    *claims = 0;
    for (size_t i = 0; i < w->n_categories; i++) {
        if (w->category_names[i] < 0 || w->category_names[i] >= 64)
            return PT_GENERAL;
        *claims |= UINT64_C(1) << w->category_names[i];
    }
    if (w->n_categories > 0)
        return PT_CATEGORY;
    bool tests = w->effective_from != DATE_NONE || w->effective_to != DATE_NONE || w->age_from >= 0 ||
                 w->age_below >= 0 || w->doc_types != 0 || w->biometric >= 0 || w->nationalities != NULL ||
                 w->destinations != NULL || w->n_unless_categories > 0 || w->history != NULL;
    return tests ? PT_GENERAL : PT_NOTHING;
}

bool rs_plan_build(struct vfy_rules_engine *e)
{
    struct pools pl = { 0 };
    e->plan = calloc(e->n_sets > 0 ? e->n_sets : 1, sizeof *e->plan);
    if (e->plan == NULL || !codes(e) || !vocabulary(e) || !unless(e) || !category_names(e) || !calendar(e))
        return false;
    size_t n_hits = 0, cap_hits = 0;
    for (size_t si = 0; si < e->n_sets; si++) {
        const struct ruleset *rs = &e->sets[si];
        struct plan_set *p = &e->plan[si];
        e->n_rules += rs->n_rules;
        e->n_categories += rs->n_categories;
        for (size_t ri = 0; ri < rs->n_rules; ri++)
            p->n_by_kind[rs->rules[ri].kind]++;
        for (int k = 0; k < RK_COUNT; k++) {
            if (p->n_by_kind[k] > e->max_by_kind)
                e->max_by_kind = p->n_by_kind[k];
            e->n_of_kind[k] += p->n_by_kind[k];
            p->by_kind[k] = malloc((p->n_by_kind[k] + 1) * sizeof *p->by_kind[k]);
            if (p->by_kind[k] == NULL)
                return false;
            p->n_by_kind[k] = 0;
        }
        p->superseders = malloc(e->n_sets * sizeof *p->superseders + 1);
        if (p->superseders == NULL)
            return false;
        for (size_t ti = 0; ti < e->n_sets; ti++)
            if (e->sets[ti].supersedes != NULL && strcmp(e->sets[ti].supersedes, rs->id) == 0)
                p->superseders[p->n_superseders++] = (uint16_t)ti;
        p->hit_off = malloc((rs->n_rules + 1) * sizeof *p->hit_off);
        if (p->hit_off == NULL)
            return false;
        for (size_t ri = 0; ri < rs->n_rules; ri++) {
            p->hit_off[ri] = (uint32_t)n_hits;
            for (size_t s = 0; s < e->n_sets; s++)
                for (size_t j = 0; j < e->sets[s].n_suspensions; j++) {
                    if (!names(&e->sets[s].suspensions[j], rs, &rs->rules[ri]))
                        continue;
                    if (n_hits == cap_hits) {
                        size_t cap = cap_hits ? cap_hits * 2 : 16;
                        struct plan_hit *h = realloc(e->hits, cap * sizeof *h);
                        if (h == NULL)
                            return false;
                        e->hits = h;
                        cap_hits = cap;
                    }
                    e->hits[n_hits++] = (struct plan_hit){ (uint16_t)s, (uint16_t)j };
                }
        }
        p->hit_off[rs->n_rules] = (uint32_t)n_hits;
        for (size_t ri = 0; ri < rs->n_rules; ri++) {
            const struct rule *r = &rs->rules[ri];
            uint64_t claims;
            enum plan_test test = test_of(&r->when, &claims);
            p->by_kind[r->kind][p->n_by_kind[r->kind]++] = (struct plan_rule){
                .nat = r->when.nat_bits, .claims = claims, .ri = (uint16_t)ri, .anchor = (uint8_t)r->anchor,
                .discretionary = rs_rule_discretionary(r), .suspendable = p->hit_off[ri] != p->hit_off[ri + 1],
                .visa_held = r->kind == RK_CHECK && r->u.check.kind == CK_VISA_HELD, .test = (uint8_t)test };
        }
        if (!classes(e, &pl, p))
            return false;
    }
    e->grant_shared = true;
    for (size_t si = 0; si < e->n_sets; si++)
        if (e->sets[si].combine[VFY_RULES_DIM_ENTRIES] != e->sets[si].combine[VFY_RULES_DIM_VALIDITY])
            e->grant_shared = false;
    return fragments(e);
}

void rs_plan_free(struct vfy_rules_engine *e)
{
    if (e->plan == NULL)
        return;
    for (size_t si = 0; si < e->n_sets; si++) {
        for (int k = 0; k < RK_COUNT; k++) {
            free(e->plan[si].by_kind[k]);
            free(e->plan[si].kinds[k].class_of);
            free(e->plan[si].kinds[k].classes);
        }
        free(e->plan[si].superseders);
        free(e->plan[si].hit_off);
        free(e->plan[si].rule_id);
        free(e->plan[si].step);
        free(e->plan[si].cat_id);
        free(e->plan[si].ref);
        free(e->plan[si].consequence);
        free(e->plan[si].legal_ref);
        free(e->plan[si].open_point_off);
        free(e->plan[si].open_point);
    }
    free(e->frags);
    e->frags = NULL;
    free(e->codes);
    free(e->codes_ix.slot);
    free(e->calendar);
    e->calendar = NULL;
    free(e->own_rules);
    free(e->slices);
    e->own_rules = NULL;
    e->slices = NULL;
    free(e->predicate_names);
    e->predicate_names = NULL;
    free(e->name_in_vocabulary);
    free(e->bits);
    free(e->unless_refs);
    e->unless_refs = NULL;
    free((void *)e->names);
    e->names = NULL;
    free((void *)e->categories);
    free((void *)e->evidence);
    free(e->names_ix.slot);
    free(e->categories_ix.slot);
    free(e->evidence_ix.slot);
    free(e->ev_bits);
    e->names_ix.slot = e->categories_ix.slot = e->evidence_ix.slot = NULL;
    e->ev_bits = NULL;
    e->codes = NULL;
    e->codes_ix.slot = NULL;
    e->name_in_vocabulary = NULL;
    e->bits = NULL;
    e->categories = e->evidence = NULL;
    free(e->plan);
    free(e->hits);
    e->plan = NULL;
    e->hits = NULL;
}
