/* Decisions: the documented JSON (the serializer's text), and C accessors that walk it.
 * The text is read back into a tree only when an accessor first needs it; a decision
 * belongs to one thread. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/text.h"
#include "core/fail.h"
#include "rules/engine.h"
#include "rules/record.h"
#include "core/json_out.h"

struct vfy_rules_decision {
    char *text;              /* the one-line document, as written */
    size_t len;
    json_t *root;            /* read from text on first use */
    bool test_mode;
    char *values[VFY_RULES_DIM_COUNT];
    char **pool;             /* strings handed out by the accessors */
    size_t n_pool, cap_pool;
};

static const char *const dim_names[VFY_RULES_DIM_COUNT] = {
    "visa_needed", "admissible", "fee", "service_fee_cap", "deadline", "entries", "validity", "evidence",
};
static const char *const modality_names[VFY_MODALITY_COUNT] = {
    "officer_review", "shall", "entitled", "may", "not_applicable",
};

const char *vfy_rules_dimension_name(vfy_rules_dimension d)
{
    return (unsigned)d < VFY_RULES_DIM_COUNT ? dim_names[d] : "unknown";
}

const char *vfy_rules_modality_name(vfy_rules_modality m)
{
    return (unsigned)m < VFY_MODALITY_COUNT ? modality_names[m] : "unknown";
}

char *rr_document(const struct vfy_rules_workspace *ws, size_t *len);

/* The API's decision: the serializer's text read back as a tree for the accessors, so
 * that vfy_rules_decision_json gives the same text as a --batch line. */
vfy_status vfy_rules_evaluate(const vfy_rules_engine *engine, const vfy_rules_case *c,
                              const vfy_rules_eval_options *options, vfy_rules_decision **out,
                              vfy_detail *detail)
{
    if (engine == NULL || c == NULL || out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "evaluate", "an engine, a case and an output are required");
    *out = NULL;
    vfy_rules_workspace *ws;
    if (vfy_rules_workspace_new(engine, &ws) != VFY_OK)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "decision", "out of memory while evaluating the case");
    vfy_status s = vfy_rules_evaluate_into(engine, c, options, ws, detail);
    if (s != VFY_OK) {
        vfy_rules_workspace_free(ws);
        return s;
    }
    size_t len = 0;
    char *text = rr_document(ws, &len);
    vfy_rules_workspace_free(ws);
    vfy_rules_decision *d = calloc(1, sizeof *d);
    if (d == NULL || text == NULL) {
        free(d);
        free(text);
        return vfy_fail(detail, VFY_E_NO_MEMORY, "decision", "out of memory while building the decision");
    }
    d->text = text;
    d->len = len;
    d->test_mode = engine->mode == VFY_RULES_TEST;
    *out = d;
    return VFY_OK;
}

/* The tree and the values' texts, made on first use; false when out of memory. */
static bool tree(const vfy_rules_decision *cd)
{
    vfy_rules_decision *d = (vfy_rules_decision *)cd;
    if (d->root != NULL)
        return true;
    /* rules/writer.c writes jansson's compact form: read back exactly, or not at all. */
    json_t *root = vfy_json_read_own_(d->text, d->len);
    if (root == NULL)
        return false;
    json_t *dims = json_object_get(root, "decision");
    for (int i = 0; i < VFY_RULES_DIM_COUNT; i++) {
        json_t *dim = json_object_get(dims, dim_names[i]);
        d->values[i] = vfy_json_text_(json_object_get(dim, "value"), JSON_COMPACT | JSON_ENCODE_ANY);
        if (d->values[i] == NULL) {
            for (int k = 0; k < i; k++) {
                free(d->values[k]);
                d->values[k] = NULL;
            }
            json_decref(root);
            return false;
        }
    }
    d->root = root;
    return true;
}

void vfy_rules_decision_free(vfy_rules_decision *d)
{
    if (d == NULL)
        return;
    json_decref(d->root);
    vfy_free(d->text); /* it may hold personal data (include_pii): wiped */
    for (int i = 0; i < VFY_RULES_DIM_COUNT; i++)
        free(d->values[i]);
    for (size_t i = 0; i < d->n_pool; i++)
        free(d->pool[i]);
    free(d->pool);
    free(d);
}

bool vfy_rules_decision_test_mode(const vfy_rules_decision *d)
{
    return d != NULL && d->test_mode;
}

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static vfy_rules_modality modality_of(const char *s)
{
    for (int i = 0; s != NULL && i < VFY_MODALITY_COUNT; i++)
        if (strcmp(s, modality_names[i]) == 0)
            return (vfy_rules_modality)i;
    return VFY_MODALITY_OFFICER_REVIEW; /* fail closed */
}

static const json_t *dimension(const vfy_rules_decision *d, vfy_rules_dimension dim)
{
    return json_object_get(json_object_get(d->root, "decision"), dim_names[dim]);
}

static const char *keep(vfy_rules_decision *d, char *s);
static char *join(const json_t *arr, const char *member, const char *prefix_held);

vfy_status vfy_rules_decision_outcome(const vfy_rules_decision *d, vfy_rules_dimension dim,
                                      vfy_rules_outcome *out)
{
    if (d == NULL || out == NULL || (unsigned)dim >= VFY_RULES_DIM_COUNT)
        return VFY_E_INVALID_ARGUMENT;
    if (!tree(d))
        return VFY_E_NO_MEMORY;
    const json_t *o = dimension(d, dim);
    memset(out, 0, sizeof *out);
    out->modality = modality_of(str(o, "modality"));
    out->value_json = d->values[dim];
    out->value_text = str(o, "value_text");
    out->reason = str(o, "reason");
    const json_t *trail = json_object_get(o, "trail");
    out->trail_length = json_array_size(trail);
    const json_t *missing = json_object_get(o, "missing");
    if (json_array_size(missing) > 0)
        out->missing = keep((vfy_rules_decision *)d, join(missing, NULL, NULL));
    size_t i;
    json_t *st;
    json_array_foreach(trail, i, st) {
        const char *res = str(st, "result");
        if (res != NULL && strcmp(res, "won") == 0) {
            out->winner_rule = str(st, "rule");
            out->winner_ruleset = str(st, "ruleset");
        }
    }
    return VFY_OK;
}

static const char *keep(vfy_rules_decision *d, char *s)
{
    if (s == NULL)
        return NULL;
    if (d->n_pool == d->cap_pool) {
        size_t cap = d->cap_pool ? d->cap_pool * 2 : 16;
        char **p = realloc(d->pool, cap * sizeof *p);
        if (p == NULL) {
            free(s);
            return NULL;
        }
        d->pool = p;
        d->cap_pool = cap;
    }
    d->pool[d->n_pool++] = s;
    return s;
}

static char *join(const json_t *arr, const char *member, const char *prefix_held)
{
    size_t cap = 1, i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        const char *s = member ? str(v, member) : json_string_value(v);
        cap += (s ? strlen(s) : 0) + 16;
    }
    char *out = malloc(cap);
    if (out == NULL)
        return NULL;
    out[0] = '\0';
    json_array_foreach(arr, i, v) {
        const char *s = member ? str(v, member) : json_string_value(v);
        if (s == NULL)
            continue;
        if (out[0] != '\0')
            vfy_text_append(out, cap, member ? "; " : ",");
        if (prefix_held != NULL) {
            const json_t *h = json_object_get(v, "held");
            vfy_text_append(out, cap, json_is_true(h) ? "held: " : json_is_false(h) ? "failed: " : "unknown: ");
        }
        vfy_text_append(out, cap, s);
    }
    return out;
}

static const struct {
    const char *name;
    vfy_rules_step_result result;
} results[] = {
    { "won", VFY_RULES_STEP_WON }, { "beaten", VFY_RULES_STEP_BEATEN }, { "failed", VFY_RULES_STEP_FAILED },
    { "suspended", VFY_RULES_STEP_SUSPENDED }, { "not_in_force", VFY_RULES_STEP_NOT_IN_FORCE },
    { "alternative", VFY_RULES_STEP_ALTERNATIVE }, { "passed", VFY_RULES_STEP_PASSED },
    { "not_evaluated", VFY_RULES_STEP_NOT_EVALUATED }, { "not_applicable", VFY_RULES_STEP_NOT_APPLICABLE },
};

vfy_status vfy_rules_decision_step(const vfy_rules_decision *cd, vfy_rules_dimension dim, size_t i,
                                   vfy_rules_step *out)
{
    if (cd == NULL || out == NULL || (unsigned)dim >= VFY_RULES_DIM_COUNT)
        return VFY_E_INVALID_ARGUMENT;
    vfy_rules_decision *d = (vfy_rules_decision *)cd;
    if (!tree(d))
        return VFY_E_NO_MEMORY;
    const json_t *st = json_array_get(json_object_get(dimension(d, dim), "trail"), i);
    if (st == NULL)
        return VFY_E_NOT_FOUND;
    memset(out, 0, sizeof *out);
    out->ruleset = str(st, "ruleset");
    out->digest = str(st, "digest");
    out->rule = str(st, "rule");
    out->legal_ref = str(st, "legal_ref");
    out->anchor = str(st, "anchor");
    out->confidence = str(st, "confidence");
    out->result = VFY_RULES_STEP_NOT_EVALUATED;
    const char *res = str(st, "result");
    for (size_t k = 0; res != NULL && k < sizeof results / sizeof results[0]; k++)
        if (strcmp(res, results[k].name) == 0)
            out->result = results[k].result;
    const json_t *preds = json_object_get(st, "predicates");
    if (preds != NULL)
        out->explanation = keep(d, join(preds, "test", "held"));
    else if (str(st, "explanation") != NULL)
        out->explanation = str(st, "explanation");
    const json_t *sb = json_object_get(st, "suspended_by");
    if (sb != NULL)
        out->explanation = keep(d, vfy_json_text_(sb, JSON_COMPACT));
    const json_t *beat = json_object_get(st, "beat");
    if (beat != NULL)
        out->beat = keep(d, join(beat, NULL, NULL));
    return VFY_OK;
}

char *vfy_rules_decision_json(const vfy_rules_decision *d, int indent)
{
    if (d == NULL)
        return NULL;
    if (indent <= 0)
        return strdup(d->text); /* the serializer's line, as --batch writes it */
    if (!tree(d))
        return NULL;
    return vfy_json_text_(d->root, JSON_PRESERVE_ORDER | JSON_INDENT(indent > 8 ? 8 : indent));
}
