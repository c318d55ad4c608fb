/*
 * The plan of an engine: what evaluation would otherwise find by scanning and comparing
 * strings for every decision (which rules of a set decide a dimension, which sets
 * supersede a set, which suspensions name a rule) computed once, when the engine is
 * built. The engine stays immutable afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/engine.h"

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

bool rs_plan_build(struct vfy_rules_engine *e)
{
    e->plan = calloc(e->n_sets > 0 ? e->n_sets : 1, sizeof *e->plan);
    if (e->plan == NULL)
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
            p->by_kind[k] = malloc((p->n_by_kind[k] + 1) * sizeof *p->by_kind[k]);
            if (p->by_kind[k] == NULL)
                return false;
            p->n_by_kind[k] = 0;
        }
        for (size_t ri = 0; ri < rs->n_rules; ri++) {
            enum rule_kind k = rs->rules[ri].kind;
            p->by_kind[k][p->n_by_kind[k]++] = (uint16_t)ri;
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
    }
    return true;
}

void rs_plan_free(struct vfy_rules_engine *e)
{
    if (e->plan == NULL)
        return;
    for (size_t si = 0; si < e->n_sets; si++) {
        for (int k = 0; k < RK_COUNT; k++)
            free(e->plan[si].by_kind[k]);
        free(e->plan[si].superseders);
        free(e->plan[si].hit_off);
    }
    free(e->plan);
    free(e->hits);
    e->plan = NULL;
    e->hits = NULL;
}
