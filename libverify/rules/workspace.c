/*
 * Workspaces: a decision kept as plain data for volume (include/verify/rules.h), and
 * the batch header. The pools are sized from the engine when the workspace is made, so
 * that evaluating does not allocate; a pool that must still grow grows once and keeps
 * its size.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/fail.h"
#include "rules/engine.h"
#include "rules/record.h"
#include "rules/writer.h"
#include "verify/version.h"

vfy_status rr_evaluate(const vfy_rules_engine *engine, const vfy_rules_case *c,
                       const vfy_rules_eval_options *options, struct vfy_rules_workspace *w,
                       vfy_detail *detail);

#define BATCH_BUFFER (64u << 10)
#define LIT(w, s) rw_raw((w), s, sizeof s - 1)

static bool reserve(struct vfy_rules_workspace *w, void **p, size_t *cap, size_t n, size_t elem)
{
    return rr_grow(w, p, cap, n, elem);
}

bool rr_workspace_reserve(struct vfy_rules_workspace *w, const struct vfy_rules_engine *e)
{
    /* Every rule gives at most one step per dimension it decides (entries and validity
     * share the grant rules), plus a few notes per dimension and set. */
    size_t rules = e->n_rules + 1, sets = e->n_sets + 1;
    size_t steps = 2 * rules + VFY_RULES_DIM_COUNT * (sets + 4);
    size_t cands = 3 * (e->max_by_kind * sets + 1);
    bool ok = reserve(w, (void **)&w->steps, &w->cap_steps, steps, sizeof *w->steps) &&
              reserve(w, (void **)&w->links, &w->cap_links, 3 * rules, sizeof *w->links) &&
              reserve(w, (void **)&w->u32, &w->cap_u32, 4 * rules + e->n_categories * 2, sizeof *w->u32) &&
              reserve(w, (void **)&w->vals, &w->cap_vals, rules, sizeof *w->vals) &&
              reserve(w, (void **)&w->miss, &w->cap_miss, 64, sizeof *w->miss) &&
              reserve(w, (void **)&w->ops, &w->cap_ops, 64, sizeof *w->ops) &&
              reserve(w, (void **)&w->waives, &w->cap_waives, 64, sizeof *w->waives) &&
              reserve(w, &w->cands, &w->cap_cands, cands, 96);
    if (ok && w->n_gate_sets < e->n_sets) {
        /* Made zero (gen 0 is never a decision's), so that nothing stale is read. */
        struct rr_gate *g = calloc(e->n_sets * VFY_ANCHOR_COUNT, sizeof *g);
        struct rr_scope *sc = calloc(e->n_sets, sizeof *sc);
        if (g == NULL || sc == NULL) {
            free(g);
            free(sc);
            w->oom = true;
            return false;
        }
        free(w->gates);
        free(w->scopes);
        w->gates = g;
        w->scopes = sc;
        w->n_gate_sets = e->n_sets;
        w->gen = 0;
    }
    w->oom = false;
    return ok;
}

void rr_workspace_release(struct vfy_rules_workspace *w)
{
    /* The worded predicates and the last lines written may hold personal data
     * (include_pii): wiped before they are released. */
    if (w->text != NULL)
        sodium_memzero(w->text, w->cap_text);
    if (w->out != NULL)
        sodium_memzero(w->out, BATCH_BUFFER);
    free(w->steps);
    free(w->links);
    free(w->u32);
    free(w->vals);
    free(w->miss);
    free(w->ops);
    free(w->waives);
    free(w->preds);
    free(w->text);
    free(w->cands);
    free(w->snap);
    free(w->claim_ev);
    free(w->gates);
    free(w->scopes);
    free(w->out);
}

vfy_status vfy_rules_workspace_new(const vfy_rules_engine *engine, vfy_rules_workspace **out)
{
    if (engine == NULL || out == NULL)
        return VFY_E_INVALID_ARGUMENT;
    *out = NULL;
    vfy_rules_workspace *w = calloc(1, sizeof *w);
    if (w == NULL)
        return VFY_E_NO_MEMORY;
    w->engine = engine;
    if (!rr_workspace_reserve(w, engine)) {
        vfy_rules_workspace_free(w);
        return VFY_E_NO_MEMORY;
    }
    *out = w;
    return VFY_OK;
}

void vfy_rules_workspace_free(vfy_rules_workspace *w)
{
    if (w == NULL)
        return;
    rr_workspace_release(w);
    free(w);
}

vfy_status vfy_rules_evaluate_into(const vfy_rules_engine *engine, const vfy_rules_case *c,
                                   const vfy_rules_eval_options *options, vfy_rules_workspace *w,
                                   vfy_detail *detail)
{
    return rr_evaluate(engine, c, options, w, detail);
}

vfy_rules_modality vfy_rules_workspace_modality(const vfy_rules_workspace *w, vfy_rules_dimension d)
{
    if (w == NULL || !w->valid || (unsigned)d >= VFY_RULES_DIM_COUNT)
        return VFY_MODALITY_OFFICER_REVIEW; /* fail closed */
    return (vfy_rules_modality)w->dims[d].modality;
}

size_t vfy_rules_workspace_trail_length(const vfy_rules_workspace *w, vfy_rules_dimension d)
{
    if (w == NULL || !w->valid || (unsigned)d >= VFY_RULES_DIM_COUNT)
        return 0;
    return w->dims[d].n_steps;
}

vfy_status vfy_rules_workspace_step(const vfy_rules_workspace *w, vfy_rules_dimension d, size_t i,
                                    vfy_rules_trail_entry *out)
{
    if (w == NULL || out == NULL || (unsigned)d >= VFY_RULES_DIM_COUNT)
        return VFY_E_INVALID_ARGUMENT;
    if (!w->valid || i >= w->dims[d].n_steps)
        return VFY_E_NOT_FOUND;
    const struct rr_step *st = &w->steps[w->dims[d].step_off + i];
    out->ruleset = st->kind == RK_STEP_NOTE ? SIZE_MAX : RR_SET(st->rule);
    out->rule = st->kind == RK_STEP_RULE ? RR_RULE(st->rule) : SIZE_MAX;
    out->result = rr_public_result[st->result < RR_COUNT ? st->result : RR_NOT_EVALUATED];
    return VFY_OK;
}

static bool file_sink(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len;
}

vfy_status vfy_rules_workspace_write(vfy_rules_workspace *ws, unsigned flags, const char *members, FILE *out)
{
    if (ws == NULL || out == NULL)
        return VFY_E_INVALID_ARGUMENT;
    if (!ws->valid)
        return VFY_E_NOT_FOUND;
    if (ws->out == NULL) {
        ws->out = malloc(BATCH_BUFFER);
        if (ws->out == NULL)
            return VFY_E_NO_MEMORY;
    }
    struct rw w = { .buf = ws->out, .cap = BATCH_BUFFER, .sink = file_sink, .ctx = out };
    rr_write_open(&w, ws, (flags & VFY_RULES_JSON_NO_METADATA) ? 0 : RW_METADATA);
    if (members != NULL && members[0] != '\0') {
        rw_raw(&w, ",", 1);
        rw_raw(&w, members, strlen(members));
    }
    rw_raw(&w, "}\n", 2);
    return rw_flush(&w) ? VFY_OK : VFY_E_IO;
}

/* The decision in `ws` as the document's text, NUL-terminated (malloc), for the API. */
char *rr_document(const struct vfy_rules_workspace *ws, size_t *len);
char *rr_document(const struct vfy_rules_workspace *ws, size_t *len)
{
    struct rw w = { 0 };
    rr_write_open(&w, ws, RW_METADATA);
    rw_raw(&w, "}", 2); /* and the NUL */
    if (w.failed) {
        free(w.buf);
        return NULL;
    }
    *len = w.len - 1;
    return w.buf;
}

char *vfy_rules_batch_header_json(const vfy_rules_engine *e, time_t now)
{
    if (e == NULL)
        return NULL;
    struct tm tm;
    char when[32];
    if (gmtime_r(&now, &tm) == NULL || strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return NULL;
    struct rw w = { 0 };
    LIT(&w, "{\"schema\":\"libverify.rules-batch-header/1\",\"time\":");
    rw_str(&w, when);
    LIT(&w, ",\"library_version\":");
    rw_str(&w, vfy_version());
    LIT(&w, ",\"test_mode\":");
    rw_raw(&w, e->mode == VFY_RULES_TEST ? "true" : "false", e->mode == VFY_RULES_TEST ? 4 : 5);
    rw_raw(&w, ",", 1);
    rr_write_metadata(&w, e);
    rw_raw(&w, "}", 2);
    if (w.failed) {
        free(w.buf);
        return NULL;
    }
    return w.buf;
}
