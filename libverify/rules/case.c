/* Cases: the traveller, the application and the visa history (docs/rules.md, "Case"). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "core/fail.h"
#include "core/date.h"
#include "rules/jsonload.h"
#include "rules/model.h"
#include "rules/vocabulary.h"

#define MAX_CLAIMS 32
#define MAX_HISTORY 64
#define MAX_EVIDENCE 32

static void case_init(struct vfy_rules_case *c)
{
    memset(c, 0, sizeof *c);
    c->birth_date = c->issue_date = c->expiry_date = DATE_NONE;
    c->biometric = -1;
    c->blank_pages = -1;
    for (int i = 0; i < VFY_ANCHOR_COUNT; i++)
        c->dates[i] = DATE_NONE;
}

vfy_status vfy_rules_case_new(vfy_rules_case **out)
{
    if (out == NULL)
        return VFY_E_INVALID_ARGUMENT;
    *out = malloc(sizeof **out);
    if (*out == NULL)
        return VFY_E_NO_MEMORY;
    case_init(*out);
    return VFY_OK;
}

void vfy_rules_case_free(vfy_rules_case *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n_claims; i++)
        free(c->claims[i].evidence);
    free(c->claims);
    free(c->history);
    free(c->case_id);
    free(c);
}

/* A code from a closed vocabulary: ICAO 9303-3 for nationality and issuing state, the
 * Schengen states for the destination. Anything else is an error naming the path: a
 * typo must not fall silently outside every rule's scope. */
static vfy_status code_member(rj_path *p, const vfy_json_tape *t, size_t o, const char *key, bool destination,
                              alpha3 out)
{
    const char *s = NULL;
    VFY_TRY(rt_string(p, t, o, key, false, 3, &s));
    vfy_status st;
    if (s == NULL)
        return VFY_OK;
    bool shape = rj_is_alpha3(s);
    bool known = shape && (destination ? rv_schengen_state(s) : rv_icao_code(s));
    if (known)
        memcpy(out, s, 4);
    size_t m = rj_push_key(p, key);
    if (!shape)
        st = rj_fail(p, "three upper-case letters as in the MRZ are required (\"KAZ\"; Germany's \"D\" is written \"DEU\" here)");
    else if (!known && destination)
        st = rj_fail(p, "'%s' is not a Schengen state: a short-stay visa is applied for to one of the 29 states that apply the Visa Code (\"DEU\", \"FRA\", ...)", s);
    else if (!known)
        st = rj_fail(p, "'%s' is not a code of ICAO Doc 9303-3 (ISO 3166-1 alpha-3 or an ICAO extension such as XXA, RKS, GBN)", s);
    else
        st = VFY_OK;
    if (st == VFY_OK)
        rj_pop(p, m);
    return st;
}

/* Member `key` when it is an object (0 when absent or null); an error otherwise. */
static size_t sub_object(rj_path *p, const vfy_json_tape *t, size_t o, const char *key, vfy_status *s)
{
    size_t v = rt_member(t, o, key);
    if (v != 0 && vfy_json_at(t, v)->type != VFY_JSON_OBJECT) {
        size_t m = rj_push_key(p, key);
        *s = rj_fail(p, "an object is required here");
        rj_pop(p, m);
        return 0;
    }
    return v;
}

static vfy_status parse_traveller(rj_path *p, const vfy_json_tape *t, size_t tr, struct vfy_rules_case *c)
{
    static const char *const keys[] = { "nationality", "birth_date", "document", NULL };
    static const char *const doc_keys[] = { "type", "biometric", "issue_date", "expiry_date",
                                            "issuing_state", "blank_pages", NULL };
    VFY_TRY(rt_only_keys(p, t, tr, keys));
    VFY_TRY(code_member(p, t, tr, "nationality", false, c->nationality));
    VFY_TRY(rt_date(p, t, tr, "birth_date", false, &c->birth_date));
    vfy_status s = VFY_OK;
    size_t d = sub_object(p, t, tr, "document", &s);
    VFY_TRY(s);
    if (d == 0)
        return VFY_OK;
    size_t m = rj_push_key(p, "document");
    VFY_TRY(rt_only_keys(p, t, d, doc_keys));
    int e;
    VFY_TRY(rt_enum(p, t, d, "type", false, rs_doc_type_names, DOC_COUNT, -1, &e));
    if (e >= 0) {
        c->doc_type = (enum doc_type)e;
        c->doc_type_known = true;
    }
    if (rt_member(t, d, "biometric") != 0) {
        bool b;
        VFY_TRY(rt_bool(p, t, d, "biometric", true, false, &b));
        c->biometric = b;
    }
    VFY_TRY(rt_date(p, t, d, "issue_date", false, &c->issue_date));
    VFY_TRY(rt_date(p, t, d, "expiry_date", false, &c->expiry_date));
    VFY_TRY(code_member(p, t, d, "issuing_state", false, c->issuing_state));
    long long v;
    VFY_TRY(rt_int(p, t, d, "blank_pages", false, 0, 200, -1, &v));
    c->blank_pages = (int)v;
    if (c->issue_date != DATE_NONE && c->expiry_date != DATE_NONE && c->expiry_date <= c->issue_date)
        return rj_fail(p, "expiry_date must be after issue_date");
    rj_pop(p, m);
    return VFY_OK;
}

static vfy_status parse_claim(rj_path *p, const vfy_json_tape *t, size_t o, struct claim *cl)
{
    static const char *const keys[] = { "category", "evidence", "verified", "status_end", NULL };
    VFY_TRY(rt_object(p, t, o));
    VFY_TRY(rt_only_keys(p, t, o, keys));
    const char *cat = NULL;
    VFY_TRY(rt_string(p, t, o, "category", true, 32, &cat));
    snprintf(cl->category, sizeof cl->category, "%s", cat);
    size_t ev, n;
    VFY_TRY(rt_strings(p, t, o, "evidence", MAX_EVIDENCE, 48, &ev, &n));
    if (n > 0 && (cl->evidence = calloc(n, sizeof *cl->evidence)) == NULL)
        return VFY_E_NO_MEMORY;
    size_t i = 0;
    for (size_t x = vfy_json_first(ev); i < n; x = vfy_json_next(t, x), i++)
        snprintf(cl->evidence[i], sizeof cl->evidence[i], "%s", vfy_json_string(t, x));
    cl->n_evidence = n;
    VFY_TRY(rt_bool(p, t, o, "verified", false, false, &cl->verified));
    return rt_date(p, t, o, "status_end", false, &cl->status_end);
}

static vfy_status parse_history_item(rj_path *p, const vfy_json_tape *t, size_t o, struct history_item *h)
{
    static const char *const keys[] = { "type", "entries", "issue_date", "valid_from", "valid_to",
                                        "lawful_use", "source", NULL };
    static const char *const kinds[] = { "C", "LTV", "ATV" };
    static const char *const entries[] = { "single", "double", "multiple" };
    static const char *const lawful[] = { "yes", "no", "unknown" };
    static const char *const sources[] = { "VIS", "EES", "sticker", "declared" };
    VFY_TRY(rt_object(p, t, o));
    VFY_TRY(rt_only_keys(p, t, o, keys));
    int e;
    VFY_TRY(rt_enum(p, t, o, "type", true, kinds, 3, 0, &e));
    h->kind = (enum visa_kind)e;
    VFY_TRY(rt_enum(p, t, o, "entries", true, entries, 3, 0, &e));
    h->entries = (enum entries_kind)e;
    VFY_TRY(rt_date(p, t, o, "issue_date", true, &h->dates[HF_ISSUE_DATE]));
    VFY_TRY(rt_date(p, t, o, "valid_from", true, &h->dates[HF_VALID_FROM]));
    VFY_TRY(rt_date(p, t, o, "valid_to", true, &h->dates[HF_VALID_TO]));
    if (h->dates[HF_VALID_TO] < h->dates[HF_VALID_FROM])
        return rj_fail(p, "valid_to is before valid_from");
    VFY_TRY(rt_enum(p, t, o, "lawful_use", false, lawful, 3, LAW_UNKNOWN, &e));
    h->lawful_use = (enum lawful)e;
    return rt_enum(p, t, o, "source", false, sources, 4, 0, &e);
}

static vfy_status one_claim(rj_path *p, const vfy_json_tape *t, size_t x, void *ctx, void *item)
{
    (void)ctx;
    ((struct claim *)item)->status_end = DATE_NONE;
    return parse_claim(p, t, x, item);
}
static vfy_status one_history(rj_path *p, const vfy_json_tape *t, size_t x, void *ctx, void *item)
{
    (void)ctx;
    return parse_history_item(p, t, x, item);
}

static vfy_status parse_application(rj_path *p, const vfy_json_tape *t, size_t a, struct vfy_rules_case *c)
{
    static const char *const keys[] = { "dates", "destination", "claims", NULL };
    VFY_TRY(rt_only_keys(p, t, a, keys));
    vfy_status s = VFY_OK;
    size_t d = sub_object(p, t, a, "dates", &s);
    VFY_TRY(s);
    if (d != 0) {
        static const char *const date_keys[] = { "lodging", "decision", "intended_entry",
                                                 "intended_exit", "border_crossing", NULL };
        size_t m = rj_push_key(p, "dates");
        VFY_TRY(rt_only_keys(p, t, d, date_keys));
        for (int i = 0; i < VFY_ANCHOR_COUNT; i++)
            VFY_TRY(rt_date(p, t, d, rs_anchor_names[i], false, &c->dates[i]));
        if (c->dates[VFY_ANCHOR_INTENDED_ENTRY] != DATE_NONE &&
            c->dates[VFY_ANCHOR_INTENDED_EXIT] != DATE_NONE &&
            c->dates[VFY_ANCHOR_INTENDED_EXIT] < c->dates[VFY_ANCHOR_INTENDED_ENTRY])
            return rj_fail(p, "intended_exit is before intended_entry");
        rj_pop(p, m);
    }
    VFY_TRY(code_member(p, t, a, "destination", true, c->destination));
    return rt_array(p, t, a, "claims", MAX_CLAIMS, sizeof(struct claim), (void **)&c->claims,
                    &c->n_claims, NULL, one_claim);
}

static vfy_status fail_at(rj_path *p, const char *k1, const char *k2, const char *k3, const char *why)
{
    rj_push_key(p, k1);
    if (k2 != NULL)
        rj_push_key(p, k2);
    if (k3 != NULL)
        rj_push_key(p, k3);
    return rj_fail(p, "%s", why);
}

/* Dates that cannot be: a case holding them is refused, naming the path, rather than
 * decided (a birth after the lodging would make every age test meaningless). */
static vfy_status check_dates(rj_path *p, const struct vfy_rules_case *c)
{
    /* The latest date the case certainly happened by: its lodging, decision or crossing. */
    int32_t ref = DATE_NONE;
    const int anchors[] = { VFY_ANCHOR_LODGING, VFY_ANCHOR_DECISION, VFY_ANCHOR_BORDER_CROSSING };
    for (size_t i = 0; i < 3; i++)
        if (c->dates[anchors[i]] != DATE_NONE && (ref == DATE_NONE || c->dates[anchors[i]] < ref))
            ref = c->dates[anchors[i]];
    for (int i = 0; i < VFY_ANCHOR_COUNT && c->birth_date != DATE_NONE; i++)
        if (c->dates[i] != DATE_NONE && c->birth_date > c->dates[i]) {
            char why[96];
            snprintf(why, sizeof why, "the birth date is after the %s date", rs_anchor_names[i]);
            return fail_at(p, "traveller", "birth_date", NULL, why);
        }
    /* Nobody has lived 125 years (the longest documented life is 122). */
    if (c->birth_date != DATE_NONE && ref != DATE_NONE && vfy_day_add_months(c->birth_date, 125 * 12) <= ref)
        return fail_at(p, "traveller", "birth_date", NULL, "the birth date is 125 years or more before the application");
    if (c->birth_date != DATE_NONE && c->issue_date != DATE_NONE && c->issue_date < c->birth_date)
        return fail_at(p, "traveller", "document", "issue_date", "the document was issued before its holder was born");
    if (c->issue_date != DATE_NONE && ref != DATE_NONE && c->issue_date > ref)
        return fail_at(p, "traveller", "document", "issue_date",
                       "the document was issued after the lodging or crossing it was presented at");
    if (c->dates[VFY_ANCHOR_DECISION] != DATE_NONE && c->dates[VFY_ANCHOR_LODGING] != DATE_NONE &&
        c->dates[VFY_ANCHOR_DECISION] < c->dates[VFY_ANCHOR_LODGING])
        return fail_at(p, "application", "dates", "decision", "the decision is before the lodging");
    for (size_t i = 0; i < c->n_history && ref != DATE_NONE; i++)
        if (c->history[i].dates[HF_ISSUE_DATE] > ref) {
            rj_push_key(p, "visa_history");
            rj_push_index(p, i);
            rj_push_key(p, "issue_date");
            return rj_fail(p, "a visa of the history is issued after the lodging or crossing of this case");
        }
    return VFY_OK;
}

const char *vfy_rules_case_id_json(const vfy_rules_case *c)
{
    return c != NULL && c->case_id != NULL ? c->case_id : "null";
}

/* A case is read onto a JSON tape (core/json_tape.h), not into a jansson tree: one
 * allocation instead of one per value, which is most of the time of a batch line. The
 * members are checked in the same order, with the same messages, as rule sets are. */
vfy_status vfy_rules_case_parse(const void *json, size_t len, vfy_rules_case **out, vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "case", "no output pointer was given");
    *out = NULL;
    vfy_json_tape t;
    VFY_TRY(rt_load(json, len, VFY_RULES_MAX_CASE, 8, "case", VFY_E_CASE_PARSE, &t, detail));
    struct vfy_rules_case *c = malloc(sizeof *c);
    if (c == NULL) {
        vfy_json_tape_free(&t);
        return VFY_E_NO_MEMORY;
    }
    case_init(c);
    rj_path p;
    rj_path_init(&p, VFY_E_CASE_PARSE, detail);
    static const char *const keys[] = { "case_id", "traveller", "application", "visa_history", NULL };
    const size_t root = 0;
    vfy_status s = rt_only_keys(&p, &t, root, keys);
    size_t tr = s == VFY_OK ? sub_object(&p, &t, root, "traveller", &s) : 0;
    if (s == VFY_OK && tr != 0) {
        size_t m = rj_push_key(&p, "traveller");
        s = parse_traveller(&p, &t, tr, c);
        if (s == VFY_OK)
            rj_pop(&p, m);
    }
    size_t a = s == VFY_OK ? sub_object(&p, &t, root, "application", &s) : 0;
    if (s == VFY_OK && a != 0) {
        size_t m = rj_push_key(&p, "application");
        s = parse_application(&p, &t, a, c);
        if (s == VFY_OK)
            rj_pop(&p, m);
    }
    size_t hist = vfy_json_member(&t, root, "visa_history");
    c->history_given = hist != 0 && vfy_json_at(&t, hist)->type == VFY_JSON_ARRAY;
    /* The case id is echoed, never interpreted: kept as the JSON it was given as. */
    size_t id = vfy_json_member(&t, root, "case_id");
    if (s == VFY_OK && id != 0) {
        c->case_id = vfy_json_compact(&t, id);
        if (c->case_id == NULL)
            s = VFY_E_NO_MEMORY;
    }
    if (s == VFY_OK)
        s = rt_array(&p, &t, root, "visa_history", MAX_HISTORY, sizeof(struct history_item),
                     (void **)&c->history, &c->n_history, NULL, one_history);
    if (s == VFY_OK)
        s = check_dates(&p, c);
    vfy_json_tape_free(&t);
    if (s != VFY_OK) {
        vfy_rules_case_free(c);
        return s;
    }
    *out = c;
    return VFY_OK;
}

vfy_status vfy_rules_case_set_traveller_from_mrz(vfy_rules_case *c, const vfy_mrz *mrz,
                                                 vfy_detail *detail)
{
    if (c == NULL || mrz == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "mrz", "a case and an MRZ are required");
    if (!mrz->valid)
        return vfy_fail(detail, VFY_E_MRZ_CHECK_DIGIT, "mrz",
                        "the MRZ did not pass its checks; eligibility is not evaluated on unverified data");
    int32_t birth, expiry;
    if (!vfy_day_from_date(mrz->birth_date, &birth) || !vfy_day_from_date(mrz->expiry_date, &expiry))
        return vfy_fail(detail, VFY_E_MRZ_DATE, "mrz",
                        "the MRZ birth or expiry date is partly unknown; enter it in the case");
    /* 9303-3 writes Germany "D"; a case writes DEU. */
    const char *nationality = strcmp(mrz->nationality, "D") == 0 ? "DEU" : mrz->nationality;
    if (!rv_icao_code(nationality))
        return vfy_fail(detail, VFY_E_MRZ_FIELD, "nationality",
                        "the MRZ nationality '%s' is not a code of ICAO Doc 9303-3; enter it in the case",
                        mrz->nationality);
    const char *code = mrz->document_code;
    enum doc_type type;
    if (code[0] != 'P')
        return vfy_fail(detail, VFY_E_UNSUPPORTED, "document_code",
                        "document code '%s' is not a passport; visa rules need a travel document type", code);
    switch (code[1]) {
    case '\0': case 'P': type = DOC_ORDINARY; break;
    case 'D': type = DOC_DIPLOMATIC; break;
    case 'S': type = DOC_SERVICE; break;
    case 'O': type = DOC_OFFICIAL; break;
    default:
        return vfy_fail(detail, VFY_E_UNSUPPORTED, "document_code",
                        "document code '%s' has no agreed passport type; set document.type in the case", code);
    }
    memcpy(c->nationality, nationality, 4);
    c->birth_date = birth;
    c->expiry_date = expiry;
    c->doc_type = type;
    c->doc_type_known = true;
    const char *issuer = strcmp(mrz->issuing_state, "D") == 0 ? "DEU" : mrz->issuing_state;
    if (rv_icao_code(issuer))
        memcpy(c->issuing_state, issuer, 4);
    return VFY_OK;
}

vfy_status vfy_rules_case_set_border_crossing_if_missing(vfy_rules_case *c, time_t at, bool *was_set)
{
    if (was_set != NULL)
        *was_set = false;
    struct tm tm;
    if (c == NULL || gmtime_r(&at, &tm) == NULL)
        return VFY_E_INVALID_ARGUMENT;
    if (c->dates[VFY_ANCHOR_BORDER_CROSSING] != DATE_NONE)
        return VFY_OK;
    int y = tm.tm_year + 1900, m = tm.tm_mon + 1, d = tm.tm_mday;
    if (!vfy_day_valid_ymd(y, m, d) || y < 1900 || y > 2199)
        return VFY_E_INVALID_ARGUMENT;
    c->dates[VFY_ANCHOR_BORDER_CROSSING] = vfy_day_from_ymd(y, m, d);
    if (was_set != NULL)
        *was_set = true;
    return VFY_OK;
}

vfy_status vfy_rules_case_set_date(vfy_rules_case *c, vfy_rules_anchor anchor, vfy_date date)
{
    int32_t d;
    if (c == NULL || (unsigned)anchor >= VFY_ANCHOR_COUNT || !vfy_day_from_date(date, &d))
        return VFY_E_INVALID_ARGUMENT;
    c->dates[anchor] = d;
    return VFY_OK;
}

vfy_status vfy_rules_case_set_document_issue_date(vfy_rules_case *c, vfy_date date)
{
    int32_t d;
    if (c == NULL || !vfy_day_from_date(date, &d))
        return VFY_E_INVALID_ARGUMENT;
    c->issue_date = d;
    return VFY_OK;
}

void vfy_rules_case_set_biometric(vfy_rules_case *c, bool biometric)
{
    if (c != NULL)
        c->biometric = biometric;
}
