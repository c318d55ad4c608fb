/*
 * Writing a decision record as the JSON of docs/rules.md (the one schema source of
 * decisions: the API's document and every --batch line come from here).
 *
 * Members are written in the documented order; strings are escaped as jansson escapes
 * them (", \, control characters; UTF-8 as is), numbers as jansson prints them, so that
 * a document read back with jansson and dumped again is the same text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include <jansson.h>

#include "core/error_json.h"
#include "rules/engine.h"
#include "rules/writer.h"
#include "core/json_out.h"

const char *const rr_result_names[RR_COUNT] = {
    "applies", "won", "beaten", "failed", "suspended", "not_in_force", "alternative", "passed",
    "not_evaluated", "not_applicable", "no_rule",
};
const vfy_rules_step_result rr_public_result[RR_COUNT] = {
    VFY_RULES_STEP_NOT_EVALUATED, VFY_RULES_STEP_WON, VFY_RULES_STEP_BEATEN, VFY_RULES_STEP_FAILED, VFY_RULES_STEP_SUSPENDED,
    VFY_RULES_STEP_NOT_IN_FORCE, VFY_RULES_STEP_ALTERNATIVE, VFY_RULES_STEP_PASSED, VFY_RULES_STEP_NOT_EVALUATED,
    VFY_RULES_STEP_NOT_APPLICABLE, VFY_RULES_STEP_NOT_EVALUATED,
};

void rr_evidence_words(const struct category *cat, char *buf, size_t cap);
int64_t rr_sfc_of(const struct ruleset *rs, const struct rule *r);

/* ---- the bounded buffer ------------------------------------------------------- */

bool rw_flush(struct rw *w)
{
    if (w->sink != NULL && w->len > 0 && !w->failed) {
        if (!w->sink(w->ctx, w->buf, w->len))
            w->failed = true;
        w->len = 0;
    }
    return !w->failed;
}

void rw_raw_slow(struct rw *w, const char *s, size_t n)
{
    if (w->failed)
        return;
    if (w->len + n > w->cap) {
        if (w->sink != NULL) {
            rw_flush(w);
            if (n > w->cap) {
                if (!w->failed && !w->sink(w->ctx, s, n))
                    w->failed = true;
                return;
            }
        } else {
            size_t cap = w->cap ? w->cap : 4096;
            while (cap < w->len + n)
                cap *= 2;
            char *b = realloc(w->buf, cap);
            if (b == NULL) {
                w->failed = true;
                return;
            }
            w->buf = b;
            w->cap = cap;
        }
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

#define LIT(w, s) rw_raw((w), s, sizeof s - 1)

/* The escaped text of s, without quotes. */
static void rw_esc(struct rw *w, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (__builtin_expect(ch >= 0x20 && ch != '"' && ch != '\\', 1))
            continue;
        rw_raw(w, s + start, i - start);
        start = i + 1;
        switch (ch) {
        case '"': LIT(w, "\\\""); break;
        case '\\': LIT(w, "\\\\"); break;
        case '\b': LIT(w, "\\b"); break;
        case '\f': LIT(w, "\\f"); break;
        case '\n': LIT(w, "\\n"); break;
        case '\r': LIT(w, "\\r"); break;
        case '\t': LIT(w, "\\t"); break;
        default: {
            char seq[8];
            snprintf(seq, sizeof seq, "\\u%04X", ch);
            rw_raw(w, seq, 6);
        }
        }
    }
    rw_raw(w, s + start, n - start);
}

void rw_strn(struct rw *w, const char *s, size_t n)
{
    LIT(w, "\"");
    rw_esc(w, s, n);
    LIT(w, "\"");
}

/* "a/b" or "a/b: c" as one JSON string. */
static void rw_ref_str(struct rw *w, const char *a, const char *b, const char *c)
{
    LIT(w, "\"");
    rw_esc(w, a, strlen(a));
    LIT(w, "/");
    rw_esc(w, b, strlen(b));
    if (c != NULL) {
        LIT(w, ": ");
        rw_esc(w, c, strlen(c));
    }
    LIT(w, "\"");
}

void rw_str(struct rw *w, const char *s)
{
    rw_strn(w, s, strlen(s));
}

void rw_int(struct rw *w, long long v)
{
    char b[24], *p = b + sizeof b;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        *--p = '-';
    rw_raw(w, p, (size_t)(b + sizeof b - p));
}

/* A real as jansson prints it (17 significant digits, ".0" when it reads as an integer). */
static void rw_real(struct rw *w, double v)
{
    char b[40];
    int n = snprintf(b, sizeof b, "%.17g", v);
    if (n < 0 || (size_t)n >= sizeof b)
        return;
    rw_raw(w, b, (size_t)n);
    if (strpbrk(b, ".eE") == NULL)
        LIT(w, ".0");
}

/* YYYY-MM-DD, unquoted. */
static void rw_day(struct rw *w, int32_t d)
{
    if (!w->day_known || w->day != d) {
        char b[11];
        vfy_day_format_iso(d, b);
        memcpy(w->day_text, b, sizeof w->day_text);
        w->day = d;
        w->day_known = true;
    }
    rw_raw(w, w->day_text, sizeof w->day_text);
}

static void rw_date(struct rw *w, int32_t d)
{
    if (d == DATE_NONE) {
        LIT(w, "null");
        return;
    }
    LIT(w, "\"");
    rw_day(w, d);
    LIT(w, "\"");
}

static void rw_bool(struct rw *w, bool b)
{
    if (b)
        LIT(w, "true");
    else
        LIT(w, "false");
}

static void frag(struct rw *w, const struct vfy_rules_engine *e, struct frag f)
{
    rw_raw(w, e->frags + f.off, f.len);
}

static const struct plan_set *plan_of(const struct vfy_rules_workspace *ws, rr_ref ref)
{
    return &ws->engine->plan[RR_SET(ref)];
}

/* ,"result":"won" and the like, written whole. */
static const char *const result_members[RR_COUNT] = {
    ",\"result\":\"applies\"", ",\"result\":\"won\"", ",\"result\":\"beaten\"", ",\"result\":\"failed\"",
    ",\"result\":\"suspended\"", ",\"result\":\"not_in_force\"", ",\"result\":\"alternative\"",
    ",\"result\":\"passed\"", ",\"result\":\"not_evaluated\"", ",\"result\":\"not_applicable\"",
    ",\"result\":\"no_rule\"",
};

static void result_member(struct rw *w, uint8_t r)
{
    const char *m = result_members[r < RR_COUNT ? r : RR_NOT_EVALUATED];
    rw_raw(w, m, strlen(m));
}

/* "key": */
static void key(struct rw *w, const char *k)
{
    rw_str(w, k);
    LIT(w, ":");
}

/* ---- texts --------------------------------------------------------------------- */

static const char *const modality_names[VFY_MODALITY_COUNT] = {
    "officer_review", "shall", "entitled", "may", "not_applicable",
};
static const char *const dim_names[VFY_RULES_DIM_COUNT] = {
    "visa_needed", "admissible", "fee", "service_fee_cap", "deadline", "entries", "validity", "evidence",
};

static const char border_na[] =
    "border check: fees, deadlines, entries and validity are decided at the consulate when a visa "
    "is issued; at the border the visa requirement, the travel document (Borders Code Art. 6(1)(a)) "
    "and a visa held (Art. 6(1)(b)) are checked";
static const char visa_undecided[] =
    "whether a visa is needed is not decided (see visa_needed): this applies only to a traveller "
    "who needs one, so an officer decides; the provisional value is what it would be then";
static const char inadmissible_na[] =
    "the application is inadmissible (see admissible, Art. 19(3)): it is returned and no entitlement is evaluated";

static const struct ruleset *set_of(const struct vfy_rules_workspace *ws, rr_ref ref)
{
    return &ws->engine->sets[RR_SET(ref)];
}

static const struct rule *rule_of(const struct vfy_rules_workspace *ws, rr_ref ref)
{
    return &set_of(ws, ref)->rules[RR_RULE(ref)];
}

/* Why a dimension does not arise, in words. */
static void na_text(const struct vfy_rules_workspace *ws, enum rr_na na, char *buf, size_t cap)
{
    switch (na) {
    case NA_NOT_REQUIRED: {
        const struct ruleset *rs = set_of(ws, ws->visa_winner);
        const struct rule *r = rule_of(ws, ws->visa_winner);
        snprintf(buf, cap, "%s (%s/%s, %s): there is no visa application to decide",
                 r->applicability == AP_NOT_THIRD_COUNTRY_NATIONAL
                     ? "the traveller is not a third-country national"
                     : "no visa is needed",
                 rs->id, r->id, r->legal_ref);
        return;
    }
    case NA_BORDER:
        snprintf(buf, cap, "%s", border_na);
        return;
    case NA_INADMISSIBLE:
        snprintf(buf, cap, "%s", inadmissible_na);
        return;
    case NA_VISA_UNDECIDED:
        snprintf(buf, cap, "%s", visa_undecided);
        return;
    default:
        buf[0] = '\0';
    }
}

static void missing_path(const struct vfy_rules_workspace *ws, const struct rr_miss *m, char *buf, size_t cap)
{
    switch (m->kind) {
    case MS_CLAIM_VERIFIED:
        snprintf(buf, cap, "application.claims[%s].verified",
                 ws->engine->sets[RR_SET(m->arg)].categories[RR_RULE(m->arg)].id);
        break;
    case MS_BIRTH_DATE: snprintf(buf, cap, "traveller.birth_date"); break;
    case MS_DOC_TYPE: snprintf(buf, cap, "traveller.document.type"); break;
    case MS_BIOMETRIC: snprintf(buf, cap, "traveller.document.biometric"); break;
    case MS_NATIONALITY: snprintf(buf, cap, "traveller.nationality"); break;
    case MS_DESTINATION: snprintf(buf, cap, "application.destination"); break;
    case MS_LAWFUL_USE: snprintf(buf, cap, "visa_history[%u].lawful_use", (unsigned)m->arg); break;
    case MS_DATE: snprintf(buf, cap, "application.dates.%s", rs_anchor_names[m->arg]); break;
    case MS_EXPIRY: snprintf(buf, cap, "traveller.document.expiry_date"); break;
    case MS_ISSUE: snprintf(buf, cap, "traveller.document.issue_date"); break;
    case MS_BLANK_PAGES: snprintf(buf, cap, "traveller.document.blank_pages"); break;
    case MS_HISTORY: snprintf(buf, cap, "visa_history"); break;
    default: snprintf(buf, cap, "?");
    }
}

/* ---- values -------------------------------------------------------------------- */

static void money(struct rw *w, int64_t cents)
{
    if (cents % 100 == 0)
        rw_int(w, cents / 100);
    else
        rw_real(w, (double)cents / 100.0);
}

static void rule_value(struct rw *w, const struct vfy_rules_workspace *ws, int dim, const struct rr_value *v)
{
    const struct rule *r = rule_of(ws, v->rule);
    switch (dim) {
    case VFY_RULES_DIM_VISA_NEEDED:
        rw_bool(w, r->u.visa_needed);
        return;
    case VFY_RULES_DIM_FEE:
        money(w, r->u.fee.amount_cents);
        return;
    case VFY_RULES_DIM_SERVICE_FEE_CAP:
        money(w, rr_sfc_of(set_of(ws, v->rule), r));
        return;
    case VFY_RULES_DIM_DEADLINE:
        LIT(w, "{\"days\":");
        rw_int(w, r->u.deadline.days);
        LIT(w, ",\"extendable_to\":");
        if (r->u.deadline.extendable_to > 0)
            rw_int(w, r->u.deadline.extendable_to);
        else
            LIT(w, "null");
        LIT(w, ",\"urgent_days\":");
        if (r->u.deadline.urgent_days >= 0)
            rw_int(w, r->u.deadline.urgent_days);
        else
            LIT(w, "null");
        LIT(w, ",\"day_kind\":");
        rw_str(w, r->u.deadline.working ? "working" : "calendar");
        if (r->u.deadline.urgent_days >= 0) {
            LIT(w, ",\"urgent_day_kind\":");
            rw_str(w, r->u.deadline.urgent_working ? "working" : "calendar");
        }
        LIT(w, ",\"consultation_days\":");
        if (r->u.deadline.consultation_days >= 0)
            rw_int(w, r->u.deadline.consultation_days);
        else
            LIT(w, "null");
        LIT(w, "}");
        return;
    case VFY_RULES_DIM_ENTRIES:
        rw_str(w, (const char *[]){ "single", "double", "multiple" }[r->u.grant.entries]);
        return;
    case VFY_RULES_DIM_VALIDITY:
        LIT(w, "{\"months\":");
        if (r->u.grant.validity_months > 0)
            rw_int(w, r->u.grant.validity_months);
        else
            LIT(w, "null");
        LIT(w, ",\"until\":");
        rw_date(w, v->capped_by != 0 ? v->ends : DATE_NONE);
        LIT(w, ",\"ends\":");
        rw_date(w, v->ends);
        LIT(w, ",\"capped_by\":");
        if (v->capped_by != 0)
            rw_str(w, v->capped_by == 2 ? "status_end" : "document_expiry");
        else
            LIT(w, "null");
        LIT(w, ",\"grace_days\":");
        rw_int(w, r->u.grant.grace_days);
        LIT(w, "}");
        return;
    default:
        LIT(w, "null");
    }
}

static void evidence_value(struct rw *w, const struct vfy_rules_workspace *ws, const struct rr_dim *o)
{
    LIT(w, "{\"simplified\":");
    rw_bool(w, o->simplified);
    LIT(w, ",\"categories\":[");
    for (uint32_t i = 0; i < o->n_ecat; i++) {
        uint32_t ref = ws->u32[o->ecat_off + i];
        if (i)
            LIT(w, ",");
        rw_str(w, ws->engine->sets[RR_SET(ref)].categories[RR_RULE(ref)].id);
    }
    LIT(w, "],\"waived\":[");
    for (uint32_t i = 0; i < o->n_waive; i++) {
        const struct rr_waive *wv = &ws->waives[o->waive_off + i];
        if (i)
            LIT(w, ",");
        rw_str(w, rule_of(ws, wv->rule)->u.evidence.waives[wv->i]);
    }
    LIT(w, "]}");
}

static void value(struct rw *w, const struct vfy_rules_workspace *ws, int dim, const struct rr_dim *o,
                  uint8_t kind, const struct rr_value *v)
{
    switch (kind) {
    case VK_TRUE: LIT(w, "true"); break;
    case VK_FALSE: LIT(w, "false"); break;
    case VK_RULE: rule_value(w, ws, dim, v); break;
    case VK_EVIDENCE: evidence_value(w, ws, o); break;
    default: LIT(w, "null");
    }
}

/* A dimension's value in words, for an officer reading the decision at a glance. */
static void value_text(struct rw *w, const struct vfy_rules_workspace *ws, int dim, const struct rr_dim *o)
{
    char b[400], e[64];
    const struct rule *r = o->value == VK_RULE ? rule_of(ws, o->v.rule) : NULL;
    if (o->value == VK_NULL || o->value == VK_ABSENT) {
        if (o->modality == VFY_MODALITY_NOT_APPLICABLE) {
            rw_str(w, "not applicable");
            return;
        }
        if (o->missing && o->n_miss > 0) {
            size_t n = (size_t)snprintf(b, sizeof b, "not decided: an officer decides (missing ");
            for (uint32_t i = 0; i < o->n_miss; i++)
                if (n < sizeof b) {
                    char path[96];
                    missing_path(ws, &ws->miss[o->miss_off + i], path, sizeof path);
                    n += (size_t)snprintf(b + n, sizeof b - n, "%s%s", i ? ", " : "", path);
                }
            if (n < sizeof b)
                snprintf(b + n, sizeof b - n, ")");
            rw_str(w, b);
            return;
        }
        if (o->n_op > 0) {
            rw_str(w, "not decided: an open legal point decides it (see open_points); an officer decides");
            return;
        }
        rw_str(w, "not decided: an officer decides");
        return;
    }
    switch (dim) {
    case VFY_RULES_DIM_VISA_NEEDED:
        rw_str(w, (o->value == VK_TRUE || (r != NULL && r->u.visa_needed)) ? "a visa is required" : "no visa is required");
        return;
    case VFY_RULES_DIM_ADMISSIBLE:
        rw_str(w, o->value == VK_TRUE ? "admissible (every condition checked holds)"
                  : o->modality == VFY_MODALITY_MAY
                      ? "not admissible unless the authority derogates or waives (see the failed checks)"
                      : "not admissible");
        return;
    case VFY_RULES_DIM_FEE:
    case VFY_RULES_DIM_SERVICE_FEE_CAP: {
        int64_t cents = dim == VFY_RULES_DIM_FEE ? r->u.fee.amount_cents : rr_sfc_of(set_of(ws, o->v.rule), r);
        if (cents % 100 == 0)
            snprintf(e, sizeof e, "EUR %lld", (long long)(cents / 100));
        else
            snprintf(e, sizeof e, "EUR %.2f", (double)cents / 100.0);
        if (dim == VFY_RULES_DIM_FEE) {
            rw_str(w, cents == 0 ? "no fee" : e);
        } else {
            snprintf(b, sizeof b, "an external service provider may charge at most %s", e);
            rw_str(w, b);
        }
        return;
    }
    case VFY_RULES_DIM_DEADLINE: {
        const char *kind = r->u.deadline.working ? "working" : "calendar";
        size_t n = (size_t)snprintf(b, sizeof b, "decision within %lld %s days", (long long)r->u.deadline.days, kind);
        if (r->u.deadline.extendable_to > 0)
            n += (size_t)snprintf(b + n, sizeof b - n, ", extendable to %lld", (long long)r->u.deadline.extendable_to);
        if (r->u.deadline.urgent_days >= 0 && n < sizeof b)
            n += (size_t)snprintf(b + n, sizeof b - n, ", %lld %s days when urgent", (long long)r->u.deadline.urgent_days,
                                  r->u.deadline.urgent_working ? "working" : "calendar");
        if (r->u.deadline.consultation_days >= 0 && n < sizeof b)
            snprintf(b + n, sizeof b - n, ", of which up to %lld for prior consultation",
                     (long long)r->u.deadline.consultation_days);
        rw_str(w, b);
        return;
    }
    case VFY_RULES_DIM_ENTRIES:
        rw_str(w, r->u.grant.entries == EN_SINGLE ? "a single entry"
                  : r->u.grant.entries == EN_DOUBLE ? "two entries" : "multiple entries");
        return;
    case VFY_RULES_DIM_VALIDITY: {
        size_t n;
        if (r->u.grant.validity_months > 0)
            n = (size_t)snprintf(b, sizeof b, "%lld months", (long long)r->u.grant.validity_months);
        else
            n = (size_t)snprintf(b, sizeof b, "the intended stay");
        if (o->v.ends != DATE_NONE && n < sizeof b) {
            char d[11];
            vfy_day_format_iso(o->v.ends, d);
            n += (size_t)snprintf(b + n, sizeof b - n, ", valid until %s", d);
        }
        if (o->v.capped_by != 0 && n < sizeof b)
            n += (size_t)snprintf(b + n, sizeof b - n, " (cut at the %s)",
                                  o->v.capped_by == 2 ? "end of the status claimed" : "document expiry");
        if (r->u.grant.grace_days > 0 && n < sizeof b)
            snprintf(b + n, sizeof b - n, ", %lld days of grace included", (long long)r->u.grant.grace_days);
        rw_str(w, b);
        return;
    }
    case VFY_RULES_DIM_EVIDENCE: {
        size_t n = (size_t)snprintf(b, sizeof b, "%s", o->simplified ? "simplified supporting documents"
                                                                     : "the standard file");
        for (uint32_t i = 0; i < o->n_waive; i++)
            if (n < sizeof b) {
                const struct rr_waive *wv = &ws->waives[o->waive_off + i];
                n += (size_t)snprintf(b + n, sizeof b - n, "%s%s", i ? ", " : "; not required: ",
                                      rule_of(ws, wv->rule)->u.evidence.waives[wv->i]);
            }
        rw_str(w, b);
        return;
    }
    default:
        rw_str(w, "");
    }
}

/* ---- the trail ----------------------------------------------------------------- */

static void explanation(struct rw *w, const struct vfy_rules_workspace *ws, const struct rr_step *st,
                        const struct rr_dim *o)
{
    char b[600];
    const struct ruleset *rs = st->kind != RK_STEP_NOTE ? set_of(ws, st->rule) : NULL;
    switch (st->expl) {
    case EX_NO_ANCHOR:
        snprintf(b, sizeof b, "the case gives no %s date", rs_anchor_names[st->expl_anchor]);
        break;
    case EX_NOT_IN_FORCE: {
        /* The most frequent explanation, written in pieces: "ID is in force [FROM, TO);
         * ANCHOR is DATE" (the id's fragment is quoted and escaped already). */
        LIT(w, ",\"explanation\":");
        frag(w, ws->engine, ws->engine->plan[RR_SET(st->rule)].in_force);
        rw_raw(w, rs_anchor_names[st->expl_anchor], strlen(rs_anchor_names[st->expl_anchor]));
        LIT(w, " is ");
        rw_day(w, st->expl_date);
        LIT(w, "\"");
        return;
    }
    case EX_SUPERSEDED:
        snprintf(b, sizeof b, "superseded by %s %s", ws->engine->sets[st->by_set].id,
                 ws->engine->sets[st->by_set].version);
        break;
    case EX_SUSPENSION_UNKNOWN:
        snprintf(b, sizeof b, "suspension %s may switch this rule off; the case lacks an input it needs",
                 ws->engine->sets[st->by_set].suspensions[st->by_suspension].id);
        break;
    case EX_SCOPE_UNKNOWN:
        snprintf(b, sizeof b, "%s applies to some destinations only and the case names no destination", rs->id);
        break;
    case EX_VISA_HELD_CONSULATE:
        LIT(w, ",\"explanation\":\"at a consulate the visa is being applied for: no visa is held yet\"");
        return;
    case EX_VISA_HELD_NOT_REQUIRED:
        LIT(w, ",\"explanation\":\"no visa is required (see visa_needed)\"");
        return;
    case EX_OTHER_NATIONALITIES:
        LIT(w, ",\"explanation\":\"these rules concern other nationalities\"");
        return;
    case EX_NO_RULE:
        LIT(w, ",\"explanation\":\"no rule of the loaded rule sets decides this for the case\"");
        return;
    case EX_NO_CHECK:
        LIT(w, ",\"explanation\":\"no admissibility check of the loaded rule sets applies\"");
        return;
    case EX_BORDER_SKIPPED:
        snprintf(b, sizeof b, "border check: the Visa Code's admissibility conditions of an application "
                              "(Art. 9, 12, 19) are not entry conditions and were not checked");
        break;
    case EX_DIMENSION_NA:
        na_text(ws, (enum rr_na)o->na, b, 512);
        break;
    default:
        return;
    }
    LIT(w, ",\"explanation\":");
    rw_str(w, b);
}

static void rule_list(struct rw *w, const struct vfy_rules_workspace *ws, const struct rr_list *l, size_t si)
{
    const struct vfy_rules_engine *e = ws->engine;
    uint32_t at = l->first;
    for (uint32_t i = 0; i < l->n; i++) {
        if (i)
            LIT(w, ",");
        if (l->last == RR_LIST_SLICE) {
            frag(w, e, e->plan[si].rule_id[e->slices[l->first + i]]);
            continue;
        }
        frag(w, e, e->plan[si].rule_id[ws->links[at].v]);
        at = ws->links[at].next;
    }
}

static void ref_text(struct rw *w, const struct vfy_rules_workspace *ws, rr_ref ref)
{
    frag(w, ws->engine, plan_of(ws, ref)->ref[RR_RULE(ref)]);
}

struct frag rr_ref_fragment(struct rw *w, const char *set, const char *rule, const char *text)
{
    size_t at = w->len;
    rw_ref_str(w, set, rule, text);
    return (struct frag){ (uint32_t)at, (uint32_t)(w->len - at) };
}

struct frag rr_in_force_fragment(struct rw *w, const struct ruleset *rs)
{
    size_t at = w->len;
    char from[11], to[11];
    LIT(w, "\"");
    rw_esc(w, rs->id, strlen(rs->id));
    LIT(w, " is in force [");
    vfy_day_format_iso(rs->effective_from, from);
    rw_raw(w, from, 10);
    LIT(w, ", ");
    if (rs->effective_to != DATE_NONE) {
        vfy_day_format_iso(rs->effective_to, to);
        rw_raw(w, to, 10);
    } else {
        LIT(w, "open");
    }
    LIT(w, "); ");
    return (struct frag){ (uint32_t)at, (uint32_t)(w->len - at) };
}

static void step(struct rw *w, const struct vfy_rules_workspace *ws, const struct rr_step *st, const struct rr_dim *o)
{
    if (st->kind == RK_STEP_NOTE) {
        const char *m = result_members[st->result < RR_COUNT ? st->result : RR_NOT_EVALUATED];
        LIT(w, "{");
        rw_raw(w, m + 1, strlen(m + 1));
        explanation(w, ws, st, o);
        LIT(w, "}");
        return;
    }
    const struct plan_set *p = plan_of(ws, st->rule);
    const struct vfy_rules_engine *e = ws->engine;
    const struct rule *r = st->kind == RK_STEP_RULE ? rule_of(ws, st->rule) : NULL;
    if (!ws->full && st->kind == RK_STEP_RULE) {
        frag(w, e, p->step[RR_RULE(st->rule)]);
        goto rest;
    }
    LIT(w, "{\"ruleset\":");
    frag(w, e, p->id);
    if (st->kind == RK_STEP_OTHERS) {
        LIT(w, ",\"version\":");
        frag(w, e, p->version);
        LIT(w, ",\"digest\":");
        frag(w, e, p->digest);
        result_member(w, st->result);
        explanation(w, ws, st, o);
        LIT(w, ",\"rules\":[");
        rule_list(w, ws, &st->rules, RR_SET(st->rule));
        LIT(w, "]}");
        return;
    }
    LIT(w, ",\"version\":");
    frag(w, e, p->version);
    LIT(w, ",\"digest\":");
    frag(w, e, p->digest);
    LIT(w, ",\"rule\":");
    frag(w, e, p->rule_id[RR_RULE(st->rule)]);
    {
        LIT(w, ",\"legal_ref\":");
        frag(w, e, p->legal_ref[RR_RULE(st->rule)]);
        LIT(w, ",\"anchor\":");
        rw_str(w, rs_anchor_names[st->anchor]);
        LIT(w, ",\"anchor_date\":");
        rw_date(w, st->anchor_date);
        LIT(w, ",\"confidence\":");
        rw_str(w, r->confidence);
        if (r->note != NULL) {
            LIT(w, ",\"note\":");
            rw_str(w, r->note);
        }
        if (st->has_preds) {
            LIT(w, ",\"predicates\":[");
            for (uint32_t i = 0; i < st->n_preds; i++) {
                const struct rr_pred *pr = &ws->preds[st->pred_off + i];
                if (i)
                    LIT(w, ",");
                LIT(w, "{\"test\":");
                rw_strn(w, ws->text + pr->off, pr->len);
                if (pr->held < 0)
                    LIT(w, ",\"held\":null}");
                else if (pr->held)
                    LIT(w, ",\"held\":true}");
                else
                    LIT(w, ",\"held\":false}");
            }
            LIT(w, "]");
        }
    }
rest:
    if (st->n_cats > 0) {
        LIT(w, ",\"categories\":[");
        for (uint32_t i = 0; i < st->n_cats; i++) {
            uint32_t ref = ws->u32[st->cat_off + i];
            if (i)
                LIT(w, ",");
            frag(w, e, e->plan[RR_SET(ref)].cat_id[RR_RULE(ref)]);
        }
        LIT(w, "]");
    }
    result_member(w, st->result);
    if (st->suspended_by) {
        const struct ruleset *by = &ws->engine->sets[st->by_set];
        const struct suspension *sp = &by->suspensions[st->by_suspension];
        LIT(w, ",\"suspended_by\":{\"ruleset\":");
        rw_str(w, by->id);
        LIT(w, ",\"suspension\":");
        rw_str(w, sp->id);
        LIT(w, ",\"legal_ref\":");
        rw_str(w, sp->legal_ref);
        LIT(w, "}");
    }
    explanation(w, ws, st, o);
    if (st->rules.n > 0) {
        LIT(w, ",\"rules\":[");
        rule_list(w, ws, &st->rules, RR_SET(st->rule));
        LIT(w, "]");
    }
    if (st->beat.n > 0) {
        LIT(w, ",\"beat\":[");
        uint32_t at = st->beat.first;
        for (uint32_t i = 0; i < st->beat.n; i++) {
            if (i)
                LIT(w, ",");
            ref_text(w, ws, ws->links[at].v);
            at = ws->links[at].next;
        }
        LIT(w, "]");
    }
    if (st->beaten_by != RR_NONE) {
        LIT(w, ",\"beaten_by\":");
        ref_text(w, ws, st->beaten_by);
    }
    if (st->on_fail) {
        LIT(w, ",\"on_fail\":");
        rw_str(w, rs_check_fail_names[r->u.check.on_fail]);
        if (r->u.check.consequence != NULL) {
            LIT(w, ",\"consequence\":");
            frag(w, e, p->consequence[RR_RULE(st->rule)]);
        }
    }
    LIT(w, "}");
}

/* ---- a dimension -------------------------------------------------------------- */

static void alternative(struct rw *w, const struct vfy_rules_workspace *ws, int dim, const struct rr_value *v)
{
    const struct rule *r = rule_of(ws, v->rule);
    if (dim == VFY_RULES_DIM_EVIDENCE) {
        LIT(w, "{\"ruleset\":");
        rw_str(w, set_of(ws, v->rule)->id);
        LIT(w, ",\"rule\":");
        rw_str(w, r->id);
        LIT(w, ",\"legal_ref\":");
        rw_str(w, r->legal_ref);
        LIT(w, ",\"modality\":\"may\",\"simplified\":");
        rw_bool(w, r->u.evidence.simplified);
        LIT(w, ",\"waives\":[");
        for (size_t k = 0; k < r->u.evidence.n_waives; k++) {
            if (k)
                LIT(w, ",");
            rw_str(w, r->u.evidence.waives[k]);
        }
        LIT(w, "]}");
        return;
    }
    const struct plan_set *p = plan_of(ws, v->rule);
    LIT(w, "{\"value\":");
    rule_value(w, ws, dim, v);
    LIT(w, ",\"modality\":\"may\",\"ruleset\":");
    frag(w, ws->engine, p->id);
    LIT(w, ",\"rule\":");
    frag(w, ws->engine, p->rule_id[RR_RULE(v->rule)]);
    LIT(w, ",\"legal_ref\":");
    frag(w, ws->engine, p->legal_ref[RR_RULE(v->rule)]);
    LIT(w, "}");
}

static void dimension(struct rw *w, const struct vfy_rules_workspace *ws, int dim)
{
    const struct rr_dim *o = &ws->dims[dim];
    LIT(w, "{\"value\":");
    value(w, ws, dim, o, o->value, &o->v);
    LIT(w, ",\"modality\":");
    rw_str(w, modality_names[o->modality < VFY_MODALITY_COUNT ? o->modality : 0]);
    LIT(w, ",\"trail\":[");
    for (uint32_t i = 0; i < o->n_steps; i++) {
        if (i)
            LIT(w, ",");
        step(w, ws, &ws->steps[o->step_off + i], o);
    }
    LIT(w, "]");
    if (o->provisional != VK_ABSENT) {
        LIT(w, ",\"provisional\":");
        value(w, ws, dim, o, o->provisional, &o->pv);
    }
    if (o->missing) {
        LIT(w, ",\"missing\":[");
        for (uint32_t i = 0; i < o->n_miss; i++) {
            char path[96];
            missing_path(ws, &ws->miss[o->miss_off + i], path, sizeof path);
            if (i)
                LIT(w, ",");
            rw_str(w, path);
        }
        LIT(w, "]");
    }
    if (o->alternatives) {
        LIT(w, ",\"alternatives\":[");
        for (uint32_t i = 0; i < o->n_alt; i++) {
            if (i)
                LIT(w, ",");
            alternative(w, ws, dim, &ws->vals[o->alt_off + i]);
        }
        LIT(w, "]");
    }
    if (o->n_op > 0) {
        LIT(w, ",\"open_points\":[");
        for (uint32_t i = 0; i < o->n_op; i++) {
            const struct rr_open *op = &ws->ops[o->op_off + i];
            const struct plan_set *p = plan_of(ws, op->rule);
            if (i)
                LIT(w, ",");
            frag(w, ws->engine, p->open_point[p->open_point_off[RR_RULE(op->rule)] + op->i]);
        }
        LIT(w, "]");
    }
    if (o->reason) {
        char b[512];
        na_text(ws, (enum rr_na)o->na, b, sizeof b);
        LIT(w, ",\"reason\":");
        rw_str(w, b);
    }
    if (o->refund)
        LIT(w, ",\"refund\":true");
    LIT(w, ",\"value_text\":");
    value_text(w, ws, dim, o);
    if (ws->full && dim == VFY_RULES_DIM_EVIDENCE && o->modality != VFY_MODALITY_NOT_APPLICABLE) {
        LIT(w, ",\"categories_available\":[");
        for (uint32_t i = 0; i < o->n_avail; i++) {
            uint32_t ref = ws->u32[o->avail_off + i];
            const struct ruleset *rs = &ws->engine->sets[RR_SET(ref)];
            const struct category *cat = &rs->categories[RR_RULE(ref)];
            char needs[300];
            rr_evidence_words(cat, needs, sizeof needs);
            if (i)
                LIT(w, ",");
            LIT(w, "{\"category\":");
            rw_str(w, cat->id);
            LIT(w, ",\"ruleset\":");
            rw_str(w, rs->id);
            LIT(w, ",\"legal_ref\":");
            rw_str(w, cat->legal_ref);
            LIT(w, ",\"needs\":");
            rw_str(w, needs);
            LIT(w, "}");
        }
        LIT(w, "]");
    }
    LIT(w, "}");
}

/* ---- the document ------------------------------------------------------------- */

void rr_write_metadata(struct rw *w, const struct vfy_rules_engine *e)
{
    LIT(w, "\"rulesets\":[");
    for (size_t i = 0; i < e->n_sets; i++) {
        const struct ruleset *rs = &e->sets[i];
        if (i)
            LIT(w, ",");
        LIT(w, "{\"id\":");
        rw_str(w, rs->id);
        LIT(w, ",\"version\":");
        rw_str(w, rs->version);
        LIT(w, ",\"digest\":");
        rw_str(w, rs->digest_hex);
        LIT(w, ",\"status\":");
        rw_str(w, rs_status_names[rs->status]);
        LIT(w, ",\"layer\":");
        rw_str(w, rs_layer_names[rs->layer]);
        LIT(w, ",\"signature\":");
        rw_str(w, rs->signature_verified ? "verified" : "not_verified");
        LIT(w, ",\"key_id\":");
        if (rs->key_id[0])
            rw_str(w, rs->key_id);
        else
            LIT(w, "null");
        LIT(w, "}");
    }
    /* A refused rule set: where it came from, and why in the one error shape
     * (libverify.error/1, docs/schema/error.schema.json) with the source as its field
     * and the message whole. Written with jansson: this runs once per engine. */
    LIT(w, "],\"rejected\":");
    json_t *rejected = json_array();
    for (size_t i = 0; rejected != NULL && i < e->n_rejected; i++) {
        /* Out of memory, the list fails whole: a refused set is never silently left out. */
        json_t *why = vfy_error_json_object_(e->rejected[i].status, NULL);
        bool ok = json_object_set_new(why, "field", json_string(e->rejected[i].label)) == 0;
        ok = json_object_set_new(why, "message", json_string(e->rejected[i].reason)) == 0 && ok;
        if (!ok)
            json_decref(why);
        if (!ok || json_array_append_new(rejected, json_pack("{s:s, s:o}", "source", e->rejected[i].label,
                                                             "error", why)) != 0) {
            json_decref(rejected);
            rejected = NULL;
        }
    }
    char *text = rejected != NULL ? vfy_json_text_(rejected, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(rejected);
    if (text == NULL) {
        w->failed = true;
        return;
    }
    rw_raw(w, text, strlen(text));
    free(text);
}

static const char legend[] =
    "{\"V\":\"confidence: checked against the legal text\","
    "\"S\":\"confidence: from an official statement or a secondary source, or derived\","
    "\"U\":\"confidence: not verified\","
    "\"shall\":\"an obligation (a visa is required, the fee is due, the application shall be inadmissible)\","
    "\"entitled\":\"a right of the traveller or applicant\","
    "\"may\":\"the authority's discretion (a waiver, a derogation, an MEV it may grant)\","
    "\"not_applicable\":\"the question does not arise, for the reason given\","
    "\"officer_review\":\"an officer decides: an input is missing, a claim is unverified, an open point decides, or no rule decides\","
    "\"beaten\":\"the rule applied but another one prevails under the combine policy (see beaten_by)\"}";

void rr_write_open(struct rw *w, const struct vfy_rules_workspace *ws, unsigned parts)
{
    const struct vfy_rules_engine *e = ws->engine;
    LIT(w, "{");
    if (parts & RW_METADATA) {
        frag(w, e, e->metadata);
        LIT(w, ",");
    }
    LIT(w, "\"test_mode\":");
    rw_bool(w, e->mode == VFY_RULES_TEST);
    LIT(w, ",\"mode\":");
    rw_str(w, ws->border ? "border" : "consulate");
    LIT(w, ",\"decision\":{");
    for (int d = 0; d < VFY_RULES_DIM_COUNT; d++) {
        if (d)
            LIT(w, ",");
        key(w, dim_names[d]);
        dimension(w, ws, d);
    }
    LIT(w, "}");
    if (ws->full) {
        LIT(w, ",\"legend\":");
        rw_raw(w, legend, sizeof legend - 1);
    }
    if (e->development_key)
        LIT(w, ",\"development_key\":\"DEVELOPMENT KEY: rule sets signed with the development key, whose "
               "secret is public, decided this (accepted by an explicit override); "
               "their signatures prove nothing: not for use at a border\"");
    if (e->mode == VFY_RULES_TEST)
        LIT(w, ",\"warning\":\"TEST MODE: unsigned, draft or hypothetical rule sets may have "
               "decided this; not for use at a border\"");
}
