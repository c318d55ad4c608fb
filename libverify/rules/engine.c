/* Building an engine: load, verify the signature, compile, gate on status, order. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/fail.h"
#include "core/date.h"
#include "rules/engine.h"
#include "rules/jsonload.h"
#include "rules/signature.h"

#define MAX_SETS 64

bool rs_status_applies(vfy_rules_mode mode, enum rs_status status)
{
    if (status == ST_IN_FORCE || status == ST_PARTIALLY_SUSPENDED)
        return true;
    return mode == VFY_RULES_TEST &&
           (status == ST_HYPOTHETICAL || status == ST_DRAFT || status == ST_SIGNED);
}

vfy_status vfy_rules_builder_new(vfy_rules_mode mode, const vfy_rules_trust *trust,
                                 vfy_rules_builder **out)
{
    if (out == NULL || (mode != VFY_RULES_PRODUCTION && mode != VFY_RULES_TEST))
        return VFY_E_INVALID_ARGUMENT;
    *out = NULL;
    if (mode == VFY_RULES_PRODUCTION && trust == NULL)
        return VFY_E_CONFIG;
    vfy_rules_builder *b = calloc(1, sizeof *b);
    if (b == NULL)
        return VFY_E_NO_MEMORY;
    b->mode = mode;
    b->trust = trust;
    *out = b;
    return VFY_OK;
}

static void reject(vfy_rules_builder *b, const char *label, vfy_status status, const vfy_detail *d)
{
    if (b->n_rejected == b->cap_rejected) {
        size_t cap = b->cap_rejected ? b->cap_rejected * 2 : 4;
        struct rejected_set *n = realloc(b->rejected, cap * sizeof *n);
        if (n == NULL)
            return;
        b->rejected = n;
        b->cap_rejected = cap;
    }
    struct rejected_set *r = &b->rejected[b->n_rejected];
    r->label = strdup(label != NULL ? label : "(unnamed)");
    r->status = status;
    r->reason = strdup(d->message[0] != '\0' ? d->message : vfy_strerror(status));
    if (r->label == NULL || r->reason == NULL) {
        free(r->label);
        free(r->reason);
        return;
    }
    b->n_rejected++;
}

static vfy_status add(vfy_rules_builder *b, const void *json, size_t len, vfy_detail *detail,
                      struct ruleset *rs)
{
    json_t *root;
    VFY_TRY(rj_load(json, len, VFY_RULES_MAX_FILE, VFY_RULES_MAX_DEPTH, "rule set",
                    VFY_E_RULES_PARSE, &root, detail));
    vfy_status s = VFY_OK;
    char key_id[RS_KEY_ID_HEX + 1] = "";
    bool verified = false;
    /* A signature that is present is always checked when keys are known, even in test
     * mode: a tampered set is never used. */
    if (b->trust != NULL && (b->mode == VFY_RULES_PRODUCTION || json_object_get(root, "signature") != NULL)) {
        s = rs_verify(root, json, len, b->trust, key_id, detail);
        verified = s == VFY_OK;
    }
    if (s == VFY_OK)
        s = rs_compile(root, rs, detail);
    if (s == VFY_OK) {
        s = rs_digest(root, rs->digest_hex, detail);
        snprintf(rs->key_id, sizeof rs->key_id, "%s", key_id);
        rs->signature_verified = verified;
        bool dev = verified && rs_key_is_development(b->trust, key_id);
        if (s == VFY_OK && dev && b->mode == VFY_RULES_PRODUCTION && !b->allow_development_key)
            s = vfy_fail(detail, VFY_E_RULES_DEVELOPMENT_KEY, "$.signature.key_id",
                         "rule set %s is signed with the development key %s, whose secret is public: "
                         "production mode refuses it. Sign real sets with your own key (vfy rules "
                         "keygen); for tests only, override with --allow-development-key "
                         "(vfy_rules_builder_allow_development_key), which every decision then reports",
                         rs->id, key_id);
        if (s == VFY_OK && dev)
            b->development_key = true;
        if (s == VFY_OK && b->mode == VFY_RULES_PRODUCTION &&
            (rs->status == ST_HYPOTHETICAL || rs->status == ST_DRAFT))
            s = vfy_fail(detail, VFY_E_RULES_STATUS, "$.status",
                         "rule set %s is %s: production mode refuses it (test mode accepts it, "
                         "and says so in every decision)", rs->id, rs_status_names[rs->status]);
        for (size_t i = 0; s == VFY_OK && i < b->n_sets; i++)
            if (strcmp(b->sets[i].id, rs->id) == 0)
                s = vfy_fail(detail, VFY_E_RULES_CONFLICT, "$.id",
                             "rule set %s is loaded twice (versions %s and %s); load one version "
                             "per id, and use \"supersedes\" for successors", rs->id,
                             b->sets[i].version, rs->version);
        if (s != VFY_OK)
            rs_ruleset_clear(rs);
    }
    json_decref(root);
    return s;
}

vfy_status vfy_rules_builder_allow_development_key(vfy_rules_builder *b)
{
    if (b == NULL)
        return VFY_E_INVALID_ARGUMENT;
    b->allow_development_key = true;
    return VFY_OK;
}

bool vfy_rules_engine_development_key(const vfy_rules_engine *e)
{
    return e != NULL && e->development_key;
}

vfy_status vfy_rules_builder_add(vfy_rules_builder *b, const void *json, size_t len,
                                 const char *name, vfy_detail *detail)
{
    if (b == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "builder", "no builder was given");
    vfy_detail local;
    vfy_detail *d = detail != NULL ? detail : &local;
    vfy_detail_clear(d);
    if (b->n_sets >= MAX_SETS) {
        vfy_status s = vfy_fail(d, VFY_E_LIMIT, "rule sets", "at most %d rule sets can be loaded", MAX_SETS);
        reject(b, name, s, d);
        return s;
    }
    if (b->n_sets == b->cap_sets) {
        size_t cap = b->cap_sets ? b->cap_sets * 2 : 8;
        struct ruleset *n = realloc(b->sets, cap * sizeof *n);
        if (n == NULL)
            return VFY_E_NO_MEMORY;
        b->sets = n;
        b->cap_sets = cap;
    }
    struct ruleset *rs = &b->sets[b->n_sets];
    vfy_status s = add(b, json, len, d, rs);
    if (s != VFY_OK) {
        reject(b, name, s, d);
        return s;
    }
    rs->load_order = b->n_sets++;
    return VFY_OK;
}

static int order(const void *a, const void *b)
{
    const struct ruleset *x = a, *y = b;
    if (x->layer != y->layer)
        return (int)x->layer - (int)y->layer;
    if (x->priority != y->priority)
        return x->priority - y->priority;
    return x->load_order < y->load_order ? -1 : 1;
}

vfy_status vfy_rules_build(vfy_rules_builder *b, vfy_rules_engine **out, vfy_detail *detail)
{
    if (b == NULL || out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "builder", "a builder and an output are required");
    *out = NULL;
    vfy_rules_engine *e = calloc(1, sizeof *e);
    if (e == NULL) {
        vfy_rules_builder_free(b);
        return VFY_E_NO_MEMORY;
    }
    e->mode = b->mode;
    e->sets = b->sets;
    e->n_sets = b->n_sets;
    e->rejected = b->rejected;
    e->n_rejected = b->n_rejected;
    e->development_key = b->development_key;
    if (e->n_sets > 1)
        qsort(e->sets, e->n_sets, sizeof *e->sets, order);
    free(b);
    if (!rs_plan_build(e)) {
        vfy_rules_engine_free(e);
        return vfy_fail(detail, VFY_E_NO_MEMORY, "engine", "out of memory while compiling the rule sets");
    }
    *out = e;
    return VFY_OK;
}

static void free_rejected(struct rejected_set *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].label);
        free(r[i].reason);
    }
    free(r);
}

void vfy_rules_builder_free(vfy_rules_builder *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->n_sets; i++)
        rs_ruleset_clear(&b->sets[i]);
    free(b->sets);
    free_rejected(b->rejected, b->n_rejected);
    free(b);
}

void vfy_rules_engine_free(vfy_rules_engine *e)
{
    if (e == NULL)
        return;
    rs_plan_free(e);
    for (size_t i = 0; i < e->n_sets; i++)
        rs_ruleset_clear(&e->sets[i]);
    free(e->sets);
    free_rejected(e->rejected, e->n_rejected);
    free(e);
}

size_t vfy_rules_engine_count(const vfy_rules_engine *e)
{
    return e != NULL ? e->n_sets : 0;
}

vfy_rules_mode vfy_rules_engine_mode(const vfy_rules_engine *e)
{
    return e != NULL ? e->mode : VFY_RULES_PRODUCTION;
}

vfy_status vfy_rules_engine_set(const vfy_rules_engine *e, size_t i, vfy_rules_set_info *out)
{
    if (e == NULL || out == NULL || i >= e->n_sets)
        return VFY_E_INVALID_ARGUMENT;
    const struct ruleset *rs = &e->sets[i];
    out->id = rs->id;
    out->version = rs->version;
    out->status = rs_status_names[rs->status];
    out->layer = rs_layer_names[rs->layer];
    out->digest = rs->digest_hex;
    out->key_id = rs->key_id[0] != '\0' ? rs->key_id : NULL;
    out->signature_verified = rs->signature_verified;
    return VFY_OK;
}

size_t vfy_rules_engine_rejected_count(const vfy_rules_engine *e)
{
    return e != NULL ? e->n_rejected : 0;
}

vfy_status vfy_rules_engine_rejected(const vfy_rules_engine *e, size_t i, const char **label,
                                     vfy_status *status, const char **reason)
{
    if (e == NULL || i >= e->n_rejected)
        return VFY_E_INVALID_ARGUMENT;
    if (label != NULL)
        *label = e->rejected[i].label;
    if (status != NULL)
        *status = e->rejected[i].status;
    if (reason != NULL)
        *reason = e->rejected[i].reason;
    return VFY_OK;
}

/* ---- readable summary ------------------------------------------------------- */

struct text {
    char *s;
    size_t len, cap;
    bool failed;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = true;
            return;
        }
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap * 2 + (size_t)n;
        char *s = realloc(t->s, cap);
        if (s == NULL) {
            t->failed = true;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
}

static const char *const kind_labels[RK_COUNT] = {
    "visa requirement", "admissibility check", "fee", "service-fee cap", "processing deadline",
    "entries and validity", "evidence",
};

char *vfy_rules_engine_summary(const vfy_rules_engine *e)
{
    if (e == NULL)
        return NULL;
    struct text t = { malloc(4096), 0, 4096, false };
    if (t.s == NULL)
        return NULL;
    t.s[0] = '\0';
    put(&t, "mode: %s\n", e->mode == VFY_RULES_TEST ? "TEST (unsigned and hypothetical sets accepted)" : "production");
    for (size_t i = 0; i < e->n_sets; i++) {
        const struct ruleset *rs = &e->sets[i];
        char from[11], to[11] = "open";
        vfy_day_format_iso(rs->effective_from, from);
        if (rs->effective_to != DATE_NONE)
            vfy_day_format_iso(rs->effective_to, to);
        put(&t, "\n%s %s — %s\n", rs->id, rs->version, rs->title != NULL ? rs->title : "");
        put(&t, "  status %s, layer %s, effective [%s, %s)\n", rs_status_names[rs->status],
            rs_layer_names[rs->layer], from, to);
        put(&t, "  digest %s\n  signature %s%s\n", rs->digest_hex,
            rs->signature_verified ? "verified, key " : "not verified", rs->key_id);
        for (size_t j = 0; j < rs->n_legal_basis; j++)
            put(&t, "  legal basis: %s\n", rs->legal_basis[j]);
        for (size_t j = 0; j < rs->n_categories; j++)
            put(&t, "  category %-22s %s [%s]\n", rs->categories[j].id, rs->categories[j].legal_ref,
                rs->categories[j].confidence);
        for (size_t j = 0; j < rs->n_rules; j++) {
            const struct rule *r = &rs->rules[j];
            put(&t, "  rule %-28s %-22s %s (anchor %s) [%s]\n", r->id, kind_labels[r->kind],
                r->legal_ref, rs_anchor_names[r->anchor], r->confidence);
        }
        for (size_t j = 0; j < rs->n_suspensions; j++)
            put(&t, "  suspension %s: %s\n", rs->suspensions[j].id, rs->suspensions[j].legal_ref);
        bool header = false;
        for (size_t j = 0; j < rs->n_rules; j++) {
            const struct rule *r = &rs->rules[j];
            if (strcmp(r->confidence, "V") == 0)
                continue;
            if (!header)
                put(&t, "  uncertain legal text:\n");
            header = true;
            put(&t, "    %s [%s]: %s\n", r->id, r->confidence, r->note != NULL ? r->note : "");
        }
        for (size_t j = 0; j < rs->n_open_points; j++)
            put(&t, "  open point: %s\n", rs->open_points[j]);
    }
    for (size_t i = 0; i < e->n_rejected; i++)
        put(&t, "\nREJECTED %s: %s: %s\n", e->rejected[i].label, vfy_status_name(e->rejected[i].status),
            e->rejected[i].reason);
    if (t.failed) {
        free(t.s);
        return NULL;
    }
    return t.s;
}
