/* Compiles a rule-set JSON object (docs/rules.md) into a struct ruleset, checking the
 * schema as it goes: every error names the rule id and the JSON path. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/fail.h"
#include "core/date.h"
#include "rules/jsonload.h"
#include "rules/model.h"

#define MAX_RULES 512
#define MAX_CATEGORIES 64
#define MAX_SUSPENSIONS 64
#define MAX_TEXT 512
#define MAX_ID 63

const char *const rs_status_names[ST_COUNT] = {
    "hypothetical", "draft", "signed", "in_force", "partially_suspended", "suspended", "expired",
};
const char *const rs_layer_names[LY_COUNT] = {
    "visa_requirement", "base_procedure", "local_adaptation", "vfa", "readmission_overlay",
    "ms_bilateral", "free_movement", "suspension",
};
const char *const rs_anchor_names[VFY_ANCHOR_COUNT] = {
    "lodging", "decision", "intended_entry", "intended_exit", "border_crossing",
};
const char *const rs_doc_type_names[DOC_COUNT] = { "ordinary", "diplomatic", "service", "official" };
static const char *const policy_names[POL_COUNT] = {
    "override", "most_favourable", "most_restrictive", "accumulate",
};
static const char *const kind_names[RK_COUNT] = {
    "visa_needed", "admissible", "fee", "service_fee_cap", "deadline", "entries_validity", "evidence",
};
static const char *const check_names[CK_COUNT] = {
    "document_valid_on", "document_valid_after", "document_max_issue_age", "blank_pages",
    "lodging_not_before", "lodging_not_after", "visa_valid_on",
};
static const char *const fee_modality_names[FM_COUNT] = {
    "charged", "waived_mandatory", "waived_optional", "reducible_case_by_case",
};
static const char *const visa_kind_names[VK_COUNT] = { "C", "LTV", "ATV" };
static const char *const entries_names[EN_COUNT] = { "single", "double", "multiple" };
static const char *const hist_field_names[HF_COUNT] = { "issue_date", "valid_from", "valid_to" };
/* Indexed by vfy_rules_modality: a grant or an evidence rule is a right or a discretion. */
static const char *const grant_modality_names[] = { NULL, NULL, "entitled", "may" };
const char *const rs_check_fail_names[CF_COUNT] = { "inadmissible", "may_derogate", "officer_review" };
const char *const rs_applicability_names[AP_COUNT] = { "visa_exempt", "not_third_country_national" };
static const char *const confidence_names[] = { "V", "S", "U" };

int rs_lookup(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (names[i] != NULL && strcmp(names[i], s) == 0)
            return i;
    return -1;
}

static bool is_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > MAX_ID)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == '*'))
            return false;
    }
    return true;
}

static vfy_status id_member(rj_path *p, const json_t *obj, const char *key, bool required, char **out)
{
    VFY_TRY(rj_string(p, obj, key, required, MAX_ID, out));
    if (*out != NULL && (!is_id(*out) || strchr(*out, '*') != NULL)) {
        size_t m = rj_push_key(p, key);
        vfy_status s = rj_fail(p, "an id uses only letters, digits, '-', '_' and '.' (1 to %d)", MAX_ID);
        rj_pop(p, m);
        return s;
    }
    return VFY_OK;
}

/* An enum array as a bit mask. */
static vfy_status mask_member(rj_path *p, const json_t *obj, const char *key,
                              const char *const *names, int n, unsigned *out)
{
    *out = 0;
    char **list;
    size_t count;
    VFY_TRY(rj_strings(p, obj, key, 16, 32, &list, &count));
    vfy_status s = VFY_OK;
    for (size_t i = 0; i < count && s == VFY_OK; i++) {
        int v = rs_lookup(names, n, list[i]);
        if (v < 0) {
            size_t m = rj_push_key(p, key);
            size_t mi = rj_push_index(p, i);
            s = rj_fail(p, "unknown value '%s'", list[i]);
            rj_pop(p, mi);
            rj_pop(p, m);
        } else {
            *out |= 1u << v;
        }
    }
    rj_free_strings(list, count);
    return s;
}

static int find_category(const struct ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->n_categories; i++)
        if (strcmp(rs->categories[i].id, id) == 0)
            return (int)i;
    return -1;
}

static vfy_status compile_history(rj_path *p, const json_t *h, struct history_cond **out)
{
    static const char *const keys[] = { "count", "kinds", "entries", "min_validity_months",
                                        "lookback_months", "date_field", NULL };
    VFY_TRY(rj_object(p, h));
    VFY_TRY(rj_only_keys(p, h, keys));
    struct history_cond *hc = calloc(1, sizeof *hc);
    if (hc == NULL)
        return VFY_E_NO_MEMORY;
    *out = hc;
    long long v;
    int e;
    VFY_TRY(rj_int(p, h, "count", true, 1, 100, 1, &v));
    hc->count = (int)v;
    VFY_TRY(mask_member(p, h, "kinds", visa_kind_names, VK_COUNT, &hc->kinds));
    VFY_TRY(mask_member(p, h, "entries", entries_names, EN_COUNT, &hc->entries));
    VFY_TRY(rj_int(p, h, "min_validity_months", false, 0, 120, 0, &v));
    hc->min_validity_months = (int)v;
    VFY_TRY(rj_int(p, h, "lookback_months", true, 1, 240, 0, &v));
    hc->lookback_months = (int)v;
    VFY_TRY(rj_enum(p, h, "date_field", false, hist_field_names, HF_COUNT, HF_ISSUE_DATE, &e));
    hc->date_field = (enum hist_field)e;
    return VFY_OK;
}

static vfy_status compile_predicate(rj_path *p, const json_t *parent, const struct ruleset *rs,
                                    bool allow_categories, struct predicate *w)
{
    static const char *const keys[] = { "age_from", "age_below", "document_types", "biometric",
                                        "nationalities", "destinations", "categories",
                                        "unless_categories", "history", "effective_from",
                                        "effective_to", NULL };
    w->age_from = w->age_below = -1;
    w->biometric = -1;
    w->effective_from = w->effective_to = DATE_NONE;
    const json_t *o = json_object_get(parent, "when");
    if (o == NULL || json_is_null(o))
        return VFY_OK;
    size_t m = rj_push_key(p, "when");
    vfy_status s = rj_object(p, o);
    if (s == VFY_OK)
        s = rj_only_keys(p, o, keys);
    long long v;
    if (s == VFY_OK && (s = rj_int(p, o, "age_from", false, 0, 150, -1, &v)) == VFY_OK)
        w->age_from = (int)v;
    if (s == VFY_OK && (s = rj_int(p, o, "age_below", false, 0, 150, -1, &v)) == VFY_OK)
        w->age_below = (int)v;
    if (s == VFY_OK)
        s = mask_member(p, o, "document_types", rs_doc_type_names, DOC_COUNT, &w->doc_types);
    if (s == VFY_OK && json_object_get(o, "biometric") != NULL) {
        bool b;
        if ((s = rj_bool(p, o, "biometric", true, false, &b)) == VFY_OK)
            w->biometric = b;
    }
    if (s == VFY_OK)
        s = rj_alpha3s(p, o, "nationalities", &w->nationalities, &w->n_nationalities);
    if (s == VFY_OK)
        s = rj_alpha3s(p, o, "destinations", &w->destinations, &w->n_destinations);
    if (s == VFY_OK) {
        char **cats;
        size_t n;
        s = rj_strings(p, o, "categories", 32, MAX_ID, &cats, &n);
        if (s == VFY_OK && n > 0 && !allow_categories)
            s = rj_fail(p, "a category cannot depend on categories");
        if (s == VFY_OK && n > 0 && (w->categories = calloc(n, sizeof *w->categories)) == NULL)
            s = VFY_E_NO_MEMORY;
        for (size_t i = 0; s == VFY_OK && i < n; i++) {
            int c = find_category(rs, cats[i]);
            if (c < 0) {
                size_t mk = rj_push_key(p, "categories");
                s = rj_fail(p, "category '%s' is not defined in this rule set's \"categories\"", cats[i]);
                rj_pop(p, mk);
            }
            w->categories[i] = c;
        }
        if (s == VFY_OK)
            w->n_categories = n;
        rj_free_strings(cats, n);
    }
    if (s == VFY_OK)
        s = rj_strings(p, o, "unless_categories", 8, MAX_ID, &w->unless_categories, &w->n_unless_categories);
    for (size_t i = 0; s == VFY_OK && i < w->n_unless_categories; i++)
        if (!is_id(w->unless_categories[i])) {
            size_t mk = rj_push_key(p, "unless_categories");
            s = rj_fail(p, "'%s' is not a category id", w->unless_categories[i]);
            rj_pop(p, mk);
        }
    const json_t *h = json_object_get(o, "history");
    if (s == VFY_OK && h != NULL) {
        size_t mh = rj_push_key(p, "history");
        s = compile_history(p, h, &w->history);
        rj_pop(p, mh);
    }
    if (s == VFY_OK)
        s = rj_date(p, o, "effective_from", false, &w->effective_from);
    if (s == VFY_OK)
        s = rj_date(p, o, "effective_to", false, &w->effective_to);
    if (s == VFY_OK && w->age_from >= 0 && w->age_below >= 0 && w->age_below <= w->age_from)
        s = rj_fail(p, "age_below must be greater than age_from");
    rj_pop(p, m);
    return s;
}

static void predicate_clear(struct predicate *w)
{
    free(w->nationalities);
    free(w->destinations);
    free(w->categories);
    rj_free_strings(w->unless_categories, w->n_unless_categories);
    free(w->history);
}

static vfy_status compile_confidence(rj_path *p, const json_t *o, char **confidence, char **note)
{
    int c;
    VFY_TRY(rj_enum(p, o, "confidence", true, confidence_names, 3, 0, &c));
    if ((*confidence = strdup(confidence_names[c])) == NULL)
        return VFY_E_NO_MEMORY;
    VFY_TRY(rj_string(p, o, "note", c != 0, MAX_TEXT, note));
    return VFY_OK;
}

static vfy_status compile_category(rj_path *p, const json_t *o, struct ruleset *rs, struct category *c)
{
    static const char *const keys[] = { "id", "legal_ref", "confidence", "note", "when", "evidence", NULL };
    VFY_TRY(rj_object(p, o));
    VFY_TRY(rj_only_keys(p, o, keys));
    VFY_TRY(id_member(p, o, "id", true, &c->id));
    p->rule_id = c->id;
    /* A case names a category in at most 32 bytes (struct claim): a longer id could
     * never be claimed, so its rules would silently never apply. */
    if (strlen(c->id) >= sizeof ((struct claim *)0)->category) {
        size_t mk = rj_push_key(p, "id");
        vfy_status st = rj_fail(p, "a category id has at most %zu bytes, the most a case can name",
                                sizeof ((struct claim *)0)->category - 1);
        rj_pop(p, mk);
        return st;
    }
    if (find_category(rs, c->id) >= 0)
        return rj_fail(p, "category id '%s' is used twice", c->id);
    VFY_TRY(rj_string(p, o, "legal_ref", true, MAX_TEXT, &c->legal_ref));
    char *note = NULL;
    vfy_status s = compile_confidence(p, o, &c->confidence, &note);
    free(note);
    VFY_TRY(s);
    VFY_TRY(compile_predicate(p, o, rs, false, &c->when));
    const json_t *ev = json_object_get(o, "evidence");
    if (ev == NULL)
        return VFY_OK;
    size_t m = rj_push_key(p, "evidence");
    if (!json_is_array(ev) || json_array_size(ev) > 16) {
        s = rj_fail(p, "an array of at most 16 alternative groups (arrays of evidence ids) is required");
        rj_pop(p, m);
        return s;
    }
    c->groups = calloc(json_array_size(ev) + 1, sizeof *c->groups);
    c->group_len = calloc(json_array_size(ev) + 1, sizeof *c->group_len);
    if (c->groups == NULL || c->group_len == NULL)
        return VFY_E_NO_MEMORY;
    size_t i;
    json_t *g;
    json_array_foreach(ev, i, g) {
        size_t mi = rj_push_index(p, i);
        json_t *wrap = json_object();
        if (wrap == NULL)
            return VFY_E_NO_MEMORY;
        json_object_set(wrap, "group", g);
        s = rj_strings(p, wrap, "group", 16, 48, &c->groups[i], &c->group_len[i]);
        json_decref(wrap);
        c->n_groups = i + 1; /* counted now, so that a refused group is freed with the rest */
        if (s == VFY_OK && c->group_len[i] == 0)
            s = rj_fail(p, "an evidence group lists at least one evidence id");
        rj_pop(p, mi);
        if (s != VFY_OK)
            return s;
    }
    rj_pop(p, m);
    return VFY_OK;
}

static vfy_status payload(rj_path *p, const json_t *o, const char *key, const json_t **out,
                          const char *const *keys)
{
    *out = json_object_get(o, key);
    if (*out == NULL) {
        size_t m = rj_push_key(p, key);
        vfy_status s = rj_fail(p, "this rule's dimension needs a \"%s\" object", key);
        rj_pop(p, m);
        return s;
    }
    rj_push_key(p, key);
    VFY_TRY(rj_object(p, *out));
    return rj_only_keys(p, *out, keys);
}

static vfy_status compile_rule_payload(rj_path *p, const json_t *o, struct ruleset *rs, struct rule *r)
{
    const json_t *x;
    long long v;
    int e;
    switch (r->kind) {
    case RK_VISA:
        VFY_TRY(rj_bool(p, o, "visa_needed", true, true, &r->u.visa_needed));
        VFY_TRY(rj_enum(p, o, "applicability", false, rs_applicability_names, AP_COUNT, AP_VISA_EXEMPT, &e));
        r->applicability = (enum applicability)e;
        if (json_object_get(o, "modality") != NULL) {
            /* Only a Member State's option can be written on a visa rule: the law's own
             * requirement or exemption is an obligation or a right by its value. */
            static const char *const visa_modality_names[] = { "may" };
            VFY_TRY(rj_enum(p, o, "modality", true, visa_modality_names, 1, 0, &e));
            r->member_state_may = true;
        }
        if (r->u.visa_needed && json_object_get(o, "applicability") != NULL) {
            size_t m = rj_push_key(p, "applicability");
            vfy_status s = rj_fail(p, "applicability explains a visa exemption: only with \"visa_needed\": false");
            rj_pop(p, m);
            return s;
        }
        return VFY_OK;
    case RK_CHECK: {
        static const char *const keys[] = { "kind", "months", "years", "days", "pages",
                                            "relative_to", "on_fail", "consequence", NULL };
        VFY_TRY(payload(p, o, "check", &x, keys));
        VFY_TRY(rj_enum(p, x, "kind", true, check_names, CK_COUNT, 0, &e));
        r->u.check.kind = (enum check_kind)e;
        static const char *const amount_key[CK_COUNT] = { NULL, "months", "years", "pages", "months", "days", NULL };
        if (amount_key[e] != NULL) {
            VFY_TRY(rj_int(p, x, amount_key[e], true, 0, 1200, 0, &v));
            r->u.check.amount = (int)v;
        }
        bool lodging_kind = e == CK_LODGING_NOT_BEFORE || e == CK_LODGING_NOT_AFTER;
        if (!lodging_kind && e != CK_VALID_AFTER && json_object_get(x, "relative_to") != NULL)
            return rj_fail(p, "relative_to is a member of lodging and document_valid_after checks only");
        VFY_TRY(rj_enum(p, x, "relative_to", lodging_kind, rs_anchor_names, VFY_ANCHOR_COUNT,
                        lodging_kind ? VFY_ANCHOR_INTENDED_ENTRY : -1, &e));
        r->u.check.relative_to = e;
        VFY_TRY(rj_enum(p, x, "on_fail", true, rs_check_fail_names, CF_COUNT, 0, &e));
        r->u.check.on_fail = (enum check_fail)e;
        return rj_string(p, x, "consequence", false, MAX_TEXT, &r->u.check.consequence);
    }
    case RK_FEE: {
        static const char *const keys[] = { "amount_cents", "modality", NULL };
        VFY_TRY(payload(p, o, "fee", &x, keys));
        VFY_TRY(rj_int(p, x, "amount_cents", true, 0, 10000000, 0, &v));
        r->u.fee.amount_cents = v;
        VFY_TRY(rj_enum(p, x, "modality", true, fee_modality_names, FM_COUNT, 0, &e));
        r->u.fee.modality = (enum fee_modality)e;
        if (e == FM_WAIVED_MANDATORY && v != 0)
            return rj_fail(p, "a mandatory waiver has amount_cents 0");
        return VFY_OK;
    }
    case RK_SERVICE_FEE_CAP: {
        static const char *const keys[] = { "amount_cents", "fraction", "of_rule", NULL };
        VFY_TRY(payload(p, o, "service_fee_cap", &x, keys));
        r->u.sfc.of_rule = -1;
        VFY_TRY(rj_int(p, x, "amount_cents", false, 0, 10000000, -1, &v));
        r->u.sfc.amount_cents = v;
        const json_t *fr = json_object_get(x, "fraction");
        char *of = NULL;
        VFY_TRY(rj_string(p, x, "of_rule", fr != NULL, MAX_ID, &of));
        if ((fr == NULL) == (v < 0)) {
            free(of);
            return rj_fail(p, "give either amount_cents or fraction [numerator, denominator] with of_rule");
        }
        if (fr != NULL) {
            if (!json_is_array(fr) || json_array_size(fr) != 2 || !json_is_integer(json_array_get(fr, 0)) ||
                !json_is_integer(json_array_get(fr, 1)) || json_integer_value(json_array_get(fr, 0)) < 1 ||
                json_integer_value(json_array_get(fr, 1)) < json_integer_value(json_array_get(fr, 0)) ||
                json_integer_value(json_array_get(fr, 1)) > 100) {
                free(of);
                return rj_fail(p, "fraction is [numerator, denominator] with 1 <= numerator <= denominator <= 100");
            }
            r->u.sfc.num = (int)json_integer_value(json_array_get(fr, 0));
            r->u.sfc.den = (int)json_integer_value(json_array_get(fr, 1));
            for (size_t i = 0; i < rs->n_rules; i++)
                if (rs->rules[i].kind == RK_FEE && strcmp(rs->rules[i].id, of) == 0)
                    r->u.sfc.of_rule = (int)i;
            if (r->u.sfc.of_rule < 0) {
                vfy_status s = rj_fail(p, "of_rule '%s' is not a fee rule listed earlier in this set", of);
                free(of);
                return s;
            }
        }
        free(of);
        return VFY_OK;
    }
    case RK_DEADLINE: {
        static const char *const keys[] = { "days", "extendable_to", "urgent_days", "day_kind",
                                            "urgent_day_kind", "consultation_days", NULL };
        static const char *const day_kinds[] = { "calendar", "working" };
        VFY_TRY(payload(p, o, "deadline", &x, keys));
        VFY_TRY(rj_int(p, x, "days", true, 1, 365, 0, &v));
        r->u.deadline.days = (int)v;
        VFY_TRY(rj_int(p, x, "extendable_to", false, 1, 365, -1, &v));
        r->u.deadline.extendable_to = (int)v;
        VFY_TRY(rj_int(p, x, "urgent_days", false, 0, 365, -1, &v));
        r->u.deadline.urgent_days = (int)v;
        VFY_TRY(rj_int(p, x, "consultation_days", false, 0, 365, -1, &v));
        r->u.deadline.consultation_days = (int)v;
        VFY_TRY(rj_enum(p, x, "day_kind", false, day_kinds, 2, 0, &e));
        r->u.deadline.working = e == 1;
        VFY_TRY(rj_enum(p, x, "urgent_day_kind", false, day_kinds, 2, 0, &e));
        r->u.deadline.urgent_working = e == 1;
        return VFY_OK;
    }
    case RK_ENTRY_VALIDITY: {
        static const char *const keys[] = { "entries", "validity_months", "grace_days", "start",
                                            "cap_by_document_expiry", "cap_by_status_end",
                                            "modality", NULL };
        VFY_TRY(payload(p, o, "grant", &x, keys));
        VFY_TRY(rj_enum(p, x, "entries", true, entries_names, EN_COUNT, 0, &e));
        r->u.grant.entries = (enum entries_kind)e;
        VFY_TRY(rj_int(p, x, "validity_months", e != EN_SINGLE, 1, 120, 0, &v));
        r->u.grant.validity_months = (int)v;
        VFY_TRY(rj_int(p, x, "grace_days", false, 0, 90, 0, &v));
        r->u.grant.grace_days = (int)v;
        VFY_TRY(rj_enum(p, x, "start", false, rs_anchor_names, VFY_ANCHOR_COUNT,
                        VFY_ANCHOR_INTENDED_ENTRY, &e));
        r->u.grant.start_anchor = e;
        VFY_TRY(rj_bool(p, x, "cap_by_document_expiry", false, true, &r->u.grant.cap_document));
        VFY_TRY(rj_bool(p, x, "cap_by_status_end", false, false, &r->u.grant.cap_status));
        VFY_TRY(rj_enum(p, x, "modality", true, grant_modality_names, 4, VFY_MODALITY_ENTITLED, &e));
        r->u.grant.modality = (vfy_rules_modality)e;
        return VFY_OK;
    }
    case RK_EVIDENCE: {
        static const char *const keys[] = { "simplified", "waives", "modality", NULL };
        VFY_TRY(payload(p, o, "evidence", &x, keys));
        VFY_TRY(rj_bool(p, x, "simplified", false, false, &r->u.evidence.simplified));
        VFY_TRY(rj_strings(p, x, "waives", 16, 48, &r->u.evidence.waives, &r->u.evidence.n_waives));
        VFY_TRY(rj_enum(p, x, "modality", true, grant_modality_names, 4, VFY_MODALITY_ENTITLED, &e));
        r->u.evidence.modality = (vfy_rules_modality)e;
        return VFY_OK;
    }
    default:
        return rj_fail(p, "unknown dimension");
    }
}

static vfy_status compile_rule(rj_path *p, const json_t *o, struct ruleset *rs, struct rule *r)
{
    static const char *const keys[] = { "id", "dimension", "legal_ref", "confidence", "note",
                                        "anchor", "priority", "when", "visa_needed", "check", "fee",
                                        "service_fee_cap", "deadline", "grant", "evidence",
                                        "applicability", "modality", "open_points", NULL };
    VFY_TRY(rj_object(p, o));
    VFY_TRY(id_member(p, o, "id", true, &r->id));
    p->rule_id = r->id;
    for (size_t i = 0; i < rs->n_rules; i++)
        if (strcmp(rs->rules[i].id, r->id) == 0)
            return rj_fail(p, "rule id '%s' is used twice in this set", r->id);
    VFY_TRY(rj_only_keys(p, o, keys));
    int e;
    long long v;
    VFY_TRY(rj_enum(p, o, "dimension", true, kind_names, RK_COUNT, 0, &e));
    r->kind = (enum rule_kind)e;
    VFY_TRY(rj_string(p, o, "legal_ref", true, MAX_TEXT, &r->legal_ref));
    VFY_TRY(compile_confidence(p, o, &r->confidence, &r->note));
    VFY_TRY(rj_strings(p, o, "open_points", 8, MAX_TEXT, &r->open_points, &r->n_open_points));
    if (r->kind != RK_VISA && json_object_get(o, "applicability") != NULL)
        return rj_fail(p, "applicability is a member of visa_needed rules only");
    if (r->kind != RK_VISA && json_object_get(o, "modality") != NULL)
        return rj_fail(p, "a rule-level modality is a member of visa_needed rules only (other dimensions "
                          "carry theirs in their payload)");
    /* Every rule names the date it is checked against: no default. */
    VFY_TRY(rj_enum(p, o, "anchor", true, rs_anchor_names, VFY_ANCHOR_COUNT, 0, &e));
    r->anchor = e;
    VFY_TRY(rj_int(p, o, "priority", false, -1000, 1000, 0, &v));
    r->priority = (int)v;
    VFY_TRY(compile_predicate(p, o, rs, true, &r->when));
    size_t mark = p->len;
    vfy_status s = compile_rule_payload(p, o, rs, r);
    rj_pop(p, mark);
    return s;
}

static vfy_status compile_suspension(rj_path *p, const json_t *o, struct ruleset *rs,
                                     struct suspension *sp)
{
    static const char *const keys[] = { "id", "legal_ref", "confidence", "note", "anchor", "from",
                                        "to", "when", "rulesets", "rules", NULL };
    VFY_TRY(rj_object(p, o));
    VFY_TRY(id_member(p, o, "id", true, &sp->id));
    p->rule_id = sp->id;
    VFY_TRY(rj_only_keys(p, o, keys));
    VFY_TRY(rj_string(p, o, "legal_ref", true, MAX_TEXT, &sp->legal_ref));
    char *conf = NULL, *note = NULL;
    vfy_status s = compile_confidence(p, o, &conf, &note);
    free(conf);
    free(note);
    VFY_TRY(s);
    int e;
    VFY_TRY(rj_enum(p, o, "anchor", true, rs_anchor_names, VFY_ANCHOR_COUNT, 0, &e));
    sp->anchor = e;
    VFY_TRY(rj_date(p, o, "from", true, &sp->from));
    VFY_TRY(rj_date(p, o, "to", false, &sp->to));
    VFY_TRY(compile_predicate(p, o, rs, false, &sp->when));
    VFY_TRY(rj_strings(p, o, "rulesets", 32, MAX_ID, &sp->sets, &sp->n_sets));
    VFY_TRY(rj_strings(p, o, "rules", 64, MAX_ID, &sp->rules, &sp->n_rules));
    if (sp->n_sets == 0 || sp->n_rules == 0)
        return rj_fail(p, "a suspension names the rule sets and the rules it switches off");
    for (size_t i = 0; i < sp->n_rules; i++)
        if (!is_id(sp->rules[i]))
            return rj_fail(p, "rule pattern '%s' is not an id (a trailing '*' is allowed)", sp->rules[i]);
    return VFY_OK;
}

static vfy_status one_category(rj_path *p, const json_t *x, void *ctx, void *item)
{
    struct ruleset *rs = ctx;
    /* Categories are visible to later entries only once complete. */
    size_t n = rs->n_categories;
    rs->n_categories = n - 1;
    vfy_status s = compile_category(p, x, rs, item);
    rs->n_categories = n;
    return s;
}

static vfy_status one_rule(rj_path *p, const json_t *x, void *ctx, void *item)
{
    struct ruleset *rs = ctx;
    size_t n = rs->n_rules;
    rs->n_rules = n - 1;
    ((struct rule *)item)->index = n - 1;
    vfy_status s = compile_rule(p, x, rs, item);
    rs->n_rules = n;
    return s;
}

static vfy_status one_suspension(rj_path *p, const json_t *x, void *ctx, void *item)
{
    return compile_suspension(p, x, ctx, item);
}

static vfy_status compile_header(rj_path *p, const json_t *root, struct ruleset *rs)
{
    static const char *const keys[] = { "format", "id", "version", "supersedes", "title", "status",
                                        "layer", "priority", "legal_basis", "open_points", "scope",
                                        "effective", "date_conventions", "combine", "categories",
                                        "rules", "suspensions", "signature", NULL };
    VFY_TRY(rj_only_keys(p, root, keys));
    char *format = NULL;
    VFY_TRY(rj_string(p, root, "format", true, 32, &format));
    bool ok = strcmp(format, "vfy-rules/1") == 0;
    free(format);
    if (!ok) {
        rj_push_key(p, "format");
        return rj_fail(p, "only format \"vfy-rules/1\" is understood");
    }
    VFY_TRY(id_member(p, root, "id", true, &rs->id));
    VFY_TRY(rj_string(p, root, "version", true, 32, &rs->version));
    VFY_TRY(id_member(p, root, "supersedes", false, &rs->supersedes));
    VFY_TRY(rj_string(p, root, "title", false, MAX_TEXT, &rs->title));
    int e;
    VFY_TRY(rj_enum(p, root, "status", true, rs_status_names, ST_COUNT, 0, &e));
    rs->status = (enum rs_status)e;
    VFY_TRY(rj_enum(p, root, "layer", true, rs_layer_names, LY_COUNT, 0, &e));
    rs->layer = (enum rs_layer)e;
    long long v;
    VFY_TRY(rj_int(p, root, "priority", false, -1000, 1000, 0, &v));
    rs->priority = (int)v;
    VFY_TRY(rj_strings(p, root, "legal_basis", 32, MAX_TEXT, &rs->legal_basis, &rs->n_legal_basis));
    if (rs->n_legal_basis == 0)
        return rj_fail(p, "legal_basis lists at least one CELEX, ELI or OJ reference");
    VFY_TRY(rj_strings(p, root, "open_points", 64, MAX_TEXT, &rs->open_points, &rs->n_open_points));

    static const char *const scope_keys[] = { "nationalities", "destinations", NULL };
    const json_t *scope = json_object_get(root, "scope");
    if (scope == NULL)
        return rj_fail(p, "a \"scope\" object (nationalities, destinations) is required");
    size_t m = rj_push_key(p, "scope");
    VFY_TRY(rj_object(p, scope));
    VFY_TRY(rj_only_keys(p, scope, scope_keys));
    VFY_TRY(rj_alpha3s(p, scope, "nationalities", &rs->nationalities, &rs->n_nationalities));
    VFY_TRY(rj_alpha3s(p, scope, "destinations", &rs->destinations, &rs->n_destinations));
    rj_pop(p, m);

    static const char *const eff_keys[] = { "from", "to", NULL };
    const json_t *eff = json_object_get(root, "effective");
    if (eff == NULL)
        return rj_fail(p, "an \"effective\" object {from, to} is required");
    m = rj_push_key(p, "effective");
    VFY_TRY(rj_object(p, eff));
    VFY_TRY(rj_only_keys(p, eff, eff_keys));
    VFY_TRY(rj_date(p, eff, "from", true, &rs->effective_from));
    VFY_TRY(rj_date(p, eff, "to", false, &rs->effective_to));
    if (rs->effective_to != DATE_NONE && rs->effective_to <= rs->effective_from)
        return rj_fail(p, "the interval [from, to) is empty");
    rj_pop(p, m);

    /* Conventions this engine implements; anything else is refused, never approximated. */
    static const char *const conv_keys[] = { "feb29_birthday", "month_arithmetic", "lookback",
                                             "issue_age_boundary", NULL };
    static const char *const feb29[] = { "02-28", "03-01" };
    static const char *const month_arith[] = { "clamp_to_month_end" };
    static const char *const inclusive[] = { "inclusive" };
    const json_t *conv = json_object_get(root, "date_conventions");
    rs->feb29_to_mar1 = true;
    if (conv != NULL) {
        m = rj_push_key(p, "date_conventions");
        VFY_TRY(rj_object(p, conv));
        VFY_TRY(rj_only_keys(p, conv, conv_keys));
        VFY_TRY(rj_enum(p, conv, "feb29_birthday", false, feb29, 2, 1, &e));
        rs->feb29_to_mar1 = e == 1;
        VFY_TRY(rj_enum(p, conv, "month_arithmetic", false, month_arith, 1, 0, &e));
        VFY_TRY(rj_enum(p, conv, "lookback", false, inclusive, 1, 0, &e));
        VFY_TRY(rj_enum(p, conv, "issue_age_boundary", false, inclusive, 1, 0, &e));
        rj_pop(p, m);
    }

    static const enum rs_policy defaults[VFY_RULES_DIM_COUNT] = {
        POL_OVERRIDE, POL_MOST_RESTRICTIVE, POL_OVERRIDE, POL_OVERRIDE,
        POL_OVERRIDE, POL_OVERRIDE, POL_OVERRIDE, POL_ACCUMULATE,
    };
    memcpy(rs->combine, defaults, sizeof defaults);
    const json_t *comb = json_object_get(root, "combine");
    if (comb != NULL) {
        m = rj_push_key(p, "combine");
        VFY_TRY(rj_object(p, comb));
        static const char *const dim_keys[] = { "visa_needed", "admissible", "fee", "service_fee_cap",
                                                "deadline", "entries", "validity", "evidence", NULL };
        VFY_TRY(rj_only_keys(p, comb, dim_keys));
        for (int d = 0; d < VFY_RULES_DIM_COUNT; d++) {
            VFY_TRY(rj_enum(p, comb, dim_keys[d], false, policy_names, POL_COUNT, (int)defaults[d], &e));
            rs->combine[d] = (enum rs_policy)e;
        }
        if (rs->combine[VFY_RULES_DIM_ADMISSIBLE] != POL_MOST_RESTRICTIVE)
            return rj_fail(p, "admissible combines most_restrictive: every check must hold");
        for (int d = 0; d < VFY_RULES_DIM_COUNT; d++)
            if (d != VFY_RULES_DIM_EVIDENCE && rs->combine[d] == POL_ACCUMULATE)
                return rj_fail(p, "accumulate is only for evidence");
        rj_pop(p, m);
    }
    return VFY_OK;
}

vfy_status rs_compile(const json_t *root, struct ruleset *rs, vfy_detail *detail)
{
    memset(rs, 0, sizeof *rs);
    rj_path p;
    rj_path_init(&p, VFY_E_RULES_SCHEMA, detail);
    vfy_status s = compile_header(&p, root, rs);
    if (s == VFY_OK)
        s = rj_array(&p, root, "categories", MAX_CATEGORIES, sizeof(struct category),
                     (void **)&rs->categories, &rs->n_categories, rs, one_category);
    if (s == VFY_OK)
        s = rj_array(&p, root, "rules", MAX_RULES, sizeof(struct rule), (void **)&rs->rules,
                     &rs->n_rules, rs, one_rule);
    if (s == VFY_OK)
        s = rj_array(&p, root, "suspensions", MAX_SUSPENSIONS, sizeof(struct suspension),
                     (void **)&rs->suspensions, &rs->n_suspensions, rs, one_suspension);
    if (s == VFY_OK && rs->n_rules == 0 && rs->n_suspensions == 0) {
        rj_path_init(&p, VFY_E_RULES_SCHEMA, detail);
        s = rj_fail(&p, "a rule set has at least one rule or suspension");
    }
    if (s != VFY_OK)
        rs_ruleset_clear(rs);
    return s;
}

void rs_ruleset_clear(struct ruleset *rs)
{
    free(rs->id);
    free(rs->version);
    free(rs->supersedes);
    free(rs->title);
    rj_free_strings(rs->legal_basis, rs->n_legal_basis);
    rj_free_strings(rs->open_points, rs->n_open_points);
    free(rs->nationalities);
    free(rs->destinations);
    for (size_t i = 0; i < rs->n_categories; i++) {
        struct category *c = &rs->categories[i];
        free(c->id);
        free(c->legal_ref);
        free(c->confidence);
        predicate_clear(&c->when);
        for (size_t g = 0; g < c->n_groups; g++)
            rj_free_strings(c->groups[g], c->group_len[g]);
        free(c->groups);
        free(c->group_len);
    }
    free(rs->categories);
    for (size_t i = 0; i < rs->n_rules; i++) {
        struct rule *r = &rs->rules[i];
        free(r->id);
        free(r->legal_ref);
        free(r->confidence);
        free(r->note);
        rj_free_strings(r->open_points, r->n_open_points);
        predicate_clear(&r->when);
        if (r->kind == RK_CHECK)
            free(r->u.check.consequence);
        if (r->kind == RK_EVIDENCE)
            rj_free_strings(r->u.evidence.waives, r->u.evidence.n_waives);
    }
    free(rs->rules);
    for (size_t i = 0; i < rs->n_suspensions; i++) {
        struct suspension *sp = &rs->suspensions[i];
        free(sp->id);
        free(sp->legal_ref);
        predicate_clear(&sp->when);
        rj_free_strings(sp->sets, sp->n_sets);
        rj_free_strings(sp->rules, sp->n_rules);
    }
    free(rs->suspensions);
    memset(rs, 0, sizeof *rs);
}
