/*
 * Allocation failure in rule-set loading, case reading, keys and the decision's
 * accessors (issue 12, area "rload"; tests/faults.h). Each sweep fails every allocation
 * of one short operation in turn and holds it to VFY_E_NO_MEMORY (or the NULL the API
 * documents for a text) or to the very result of the unfailed run. The sanitizers of
 * `make test-one` report any leak on these paths.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "support.h"
#include "test_rules_support.h"

#define ALL 20000

/* jansson's reader does not survive every failed allocation: its lexer drops a byte it
 * cannot store and may then abort on assert (load.c, lex_scan_string) or read a valid
 * text as another one (docs/coverage/rload.md). The sweeps of loading therefore give
 * jansson the real allocator and fail only the library's own allocations;
 * jansson_first_allocation_fails below covers the typed refusal of jansson's own
 * exhaustion where jansson reports it cleanly. */
void *__real_malloc(size_t n);
static json_malloc_t saved_malloc;
static json_free_t saved_free;
static void jansson_unfailed(void)
{
    json_get_alloc_funcs(&saved_malloc, &saved_free);
    json_set_alloc_funcs(__real_malloc, free);
}
static void jansson_restored(void)
{
    json_set_alloc_funcs(saved_malloc, saved_free);
}

static void swept(const char *what, struct fault_sweep_result r)
{
    cr_log_info("%s: %lu allocations, %lu failed runs, %lu injected", what, r.allocations, r.runs, r.fired);
    cr_assert_gt(r.fired, 0, "%s: no failure was injected", what);
    cr_assert_eq(r.runs, r.allocations, "%s: not every allocation was failed", what);
}

/* A set using every kind of member: categories with evidence groups and a history
 * condition, every rule payload, a suspension (hand-written after docs/rules.md). */
static const char rich_set[] =
    "{\"format\":\"vfy-rules/1\",\"id\":\"RICH\",\"version\":\"1\",\"title\":\"every member\",\"status\":\"draft\","
    "\"layer\":\"base_procedure\",\"legal_basis\":[\"x\"],\"open_points\":[\"p\"],"
    "\"scope\":{\"nationalities\":[\"UTO\",\"ARM\"],\"destinations\":\"all\"},"
    "\"effective\":{\"from\":\"2020-01-01\",\"to\":\"2040-01-01\"},\"date_conventions\":{\"feb29_birthday\":\"03-01\"},"
    "\"combine\":{\"fee\":\"most_favourable\"},"
    "\"categories\":[{\"id\":\"student\",\"legal_ref\":\"x\",\"confidence\":\"V\",\"when\":{\"age_from\":10,"
    "\"age_below\":40,\"history\":{\"count\":1,\"kinds\":[\"C\"],\"entries\":[\"multiple\"],\"lookback_months\":24}},"
    "\"evidence\":[[\"enrolment\"],[\"card\",\"letter\"]]}],"
    "\"rules\":["
    "{\"id\":\"v1\",\"dimension\":\"visa_needed\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\","
    "\"visa_needed\":true},"
    "{\"id\":\"k1\",\"dimension\":\"admissible\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\","
    "\"check\":{\"kind\":\"lodging_not_before\",\"months\":6,\"relative_to\":\"intended_entry\",\"on_fail\":\"inadmissible\","
    "\"consequence\":\"c\"}},"
    "{\"id\":\"f1\",\"dimension\":\"fee\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\","
    "\"when\":{\"categories\":[\"student\"],\"unless_categories\":[\"x1\"],\"nationalities\":[\"UTO\"],"
    "\"destinations\":[\"DEU\"],\"document_types\":[\"ordinary\"]},\"fee\":{\"amount_cents\":0,\"modality\":\"waived_mandatory\"}},"
    "{\"id\":\"f2\",\"dimension\":\"fee\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"S\",\"note\":\"n\","
    "\"fee\":{\"amount_cents\":9000,\"modality\":\"charged\"}},"
    "{\"id\":\"c1\",\"dimension\":\"service_fee_cap\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\","
    "\"service_fee_cap\":{\"fraction\":[1,2],\"of_rule\":\"f2\"}},"
    "{\"id\":\"d1\",\"dimension\":\"deadline\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\","
    "\"deadline\":{\"days\":15,\"extendable_to\":45,\"urgent_days\":2,\"day_kind\":\"calendar\"}},"
    "{\"id\":\"g1\",\"dimension\":\"entries_validity\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\","
    "\"grant\":{\"entries\":\"multiple\",\"validity_months\":12,\"modality\":\"entitled\"}},"
    "{\"id\":\"e1\",\"dimension\":\"evidence\",\"legal_ref\":\"x\",\"anchor\":\"lodging\",\"confidence\":\"V\","
    "\"open_points\":[\"o\"],\"evidence\":{\"simplified\":true,\"waives\":[\"proof\"],\"modality\":\"entitled\"}}],"
    "\"suspensions\":[{\"id\":\"s1\",\"legal_ref\":\"x\",\"confidence\":\"V\",\"anchor\":\"lodging\",\"from\":\"2030-01-01\","
    "\"rulesets\":[\"RICH\"],\"rules\":[\"f*\"]}]}";

static const char rich_case[] =
    "{\"case_id\":\"C1\",\"traveller\":{\"nationality\":\"UTO\",\"birth_date\":\"1990-01-01\",\"document\":{\"type\":"
    "\"ordinary\",\"biometric\":true,\"issue_date\":\"2020-01-01\",\"expiry_date\":\"2030-01-01\",\"issuing_state\":"
    "\"UTO\",\"blank_pages\":4}},\"application\":{\"dates\":{\"lodging\":\"2025-06-10\",\"intended_entry\":"
    "\"2025-07-01\",\"intended_exit\":\"2025-07-20\"},\"destination\":\"DEU\",\"claims\":[{\"category\":\"student\","
    "\"evidence\":[\"enrolment\"],\"verified\":true}]},\"visa_history\":[{\"type\":\"C\",\"entries\":\"multiple\","
    "\"issue_date\":\"2024-01-01\",\"valid_from\":\"2024-01-01\",\"valid_to\":\"2024-12-31\",\"lawful_use\":\"yes\","
    "\"source\":\"VIS\"}]}";

static vfy_rules_engine *rich_engine(void)
{
    vfy_rules_builder *b;
    vfy_detail d;
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_TEST, NULL, &b), VFY_OK);
    cr_assert_eq(vfy_rules_builder_add(b, rich_set, sizeof rich_set - 1, "rich.json", &d), VFY_OK, "%s", d.message);
    /* The same id again: refused, and listed. */
    cr_assert_eq(vfy_rules_builder_add(b, rich_set, sizeof rich_set - 1, "again.json", &d), VFY_E_RULES_CONFLICT);
    vfy_rules_engine *e;
    cr_assert_eq(vfy_rules_build(b, &e, &d), VFY_OK);
    return e;
}

/* ---- loading ------------------------------------------------------------------------ */

struct load_fx {
    char *summary;
};

/* The set loaded, a second copy refused, the engine built and summarised. */
static void load_op(void *ctx, bool injected)
{
    struct load_fx *f = ctx;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_rules_builder *b = NULL;
    vfy_rules_engine *e = NULL;
    char *sum = NULL;
    fault_enter();
    vfy_status s = vfy_rules_builder_new(VFY_RULES_TEST, NULL, &b);
    if (s == VFY_OK)
        s = vfy_rules_builder_add(b, rich_set, sizeof rich_set - 1, "rich.json", &d);
    vfy_status dup = VFY_OK;
    if (s == VFY_OK)
        dup = vfy_rules_builder_add(b, rich_set, sizeof rich_set - 1, "again.json", &d);
    if (s == VFY_OK) {
        s = vfy_rules_build(b, &e, &d);
        b = NULL;
    }
    if (s == VFY_OK && (sum = vfy_rules_engine_summary(e)) == NULL)
        s = VFY_E_NO_MEMORY;
    fault_leave();
    if (!injected) {
        cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
        cr_assert_eq(dup, VFY_E_RULES_CONFLICT);
        free(f->summary);
        f->summary = sum;
        sum = NULL;
        cr_assert(strstr(f->summary, "\nREJECTED again.json: ") != NULL, "%s", f->summary);
    } else {
        /* The duplicate is refused whatever fails: a conflict, or no memory to see it. */
        if (s == VFY_OK)
            cr_assert(dup == VFY_E_RULES_CONFLICT || dup == VFY_E_NO_MEMORY, "%s", vfy_status_name(dup));
        if (s == VFY_OK) {
            cr_assert_eq(vfy_rules_engine_count(e), 1);
            if (vfy_rules_engine_rejected_count(e) == 1) {
                /* The same summary; the refusal listed with the status its add returned. */
                const char *cut = strstr(f->summary, "\nREJECTED again.json: ");
                size_t n = (size_t)(cut - f->summary);
                cr_assert(strncmp(sum, f->summary, n) == 0, "allocation %lu changed the summary: %s", fault_armed(), sum);
                char want[96];
                snprintf(want, sizeof want, "\nREJECTED again.json: %s: ", vfy_status_name(dup));
                cr_assert(strncmp(sum + n, want, strlen(want)) == 0, "%s", sum + n);
            } else /* only listing the refusal ran out of memory; its caller had the status */
                cr_assert_eq(vfy_rules_engine_rejected_count(e), 0);
        } else {
            cr_assert_eq(s, VFY_E_NO_MEMORY, "%s: %s", vfy_status_name(s), d.message);
        }
    }
    free(sum);
    vfy_rules_engine_free(e);
    vfy_rules_builder_free(b);
}

Test(cov2_rload_faults, loading_a_rich_set, .timeout = 600)
{
    struct load_fx f = { 0 };
    jansson_unfailed();
    swept("load", fault_sweep(load_op, &f, ALL));
    jansson_restored();
    free(f.summary);
}

/* ---- cases -------------------------------------------------------------------------- */

static void case_op(void *ctx, bool injected)
{
    (void)ctx;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_rules_case *c = NULL, *empty = NULL;
    fault_enter();
    vfy_status s = vfy_rules_case_new(&empty);
    if (s == VFY_OK)
        s = vfy_rules_case_parse(rich_case, sizeof rich_case - 1, &c, &d);
    fault_leave();
    if (!injected || s == VFY_OK) {
        cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
        cr_assert_str_eq(vfy_rules_case_id_json(c), "\"C1\"");
    } else {
        cr_assert_eq(s, VFY_E_NO_MEMORY, "%s: %s", vfy_status_name(s), d.message);
        cr_assert_null(c);
    }
    vfy_rules_case_free(c);
    vfy_rules_case_free(empty);
}

Test(cov2_rload_faults, reading_a_case)
{
    swept("case", fault_sweep(case_op, NULL, ALL));
}

/* ---- deciding and reading the decision ---------------------------------------------- */

struct decide_fx {
    vfy_rules_engine *e;
    vfy_rules_case *c;
    char *baseline;
};

static void add(char **acc, const char *label, const char *v)
{
    size_t n = (*acc != NULL ? strlen(*acc) : 0) + strlen(label) + (v != NULL ? strlen(v) : 6) + 3;
    char *s = malloc(n);
    cr_assert_not_null(s);
    snprintf(s, n, "%s%s=%s\n", *acc != NULL ? *acc : "", label, v != NULL ? v : "(null)");
    for (char *x = s + (*acc != NULL ? strlen(*acc) : 0); x[0] != '\0' && x[1] != '\0'; x++)
        if (*x == '\n')
            *x = ' '; /* one line per accessor value */
    free(*acc);
    *acc = s;
}

/* Everything the accessors give, as text; NULL when one of them ran out of memory. */
static char *read_decision(const vfy_rules_decision *dec, bool *oom)
{
    char *acc = NULL, buf[64];
    *oom = false;
    fault_enter();
    char *pretty = vfy_rules_decision_json(dec, 2);
    fault_leave();
    if (pretty == NULL) {
        *oom = true;
        return NULL;
    }
    add(&acc, "json", pretty);
    free(pretty);
    for (int dim = 0; dim < VFY_RULES_DIM_COUNT; dim++) {
        vfy_rules_outcome o;
        fault_enter();
        vfy_status s = vfy_rules_decision_outcome(dec, (vfy_rules_dimension)dim, &o);
        fault_leave();
        if (s != VFY_OK) {
            cr_assert_eq(s, VFY_E_NO_MEMORY, "%s", vfy_status_name(s));
            *oom = true;
            free(acc);
            return NULL;
        }
        snprintf(buf, sizeof buf, "%d", (int)o.modality);
        add(&acc, "modality", buf);
        add(&acc, "value", o.value_json);
        add(&acc, "winner", o.winner_rule);
        add(&acc, "missing", o.missing);
        add(&acc, "text", o.value_text);
        for (size_t i = 0; i < o.trail_length; i++) {
            vfy_rules_step st;
            fault_enter();
            s = vfy_rules_decision_step(dec, (vfy_rules_dimension)dim, i, &st);
            fault_leave();
            if (s != VFY_OK) {
                cr_assert_eq(s, VFY_E_NO_MEMORY, "%s", vfy_status_name(s));
                *oom = true;
                free(acc);
                return NULL;
            }
            snprintf(buf, sizeof buf, "%d", (int)st.result);
            add(&acc, st.rule != NULL ? st.rule : "-", buf);
            add(&acc, "explanation", st.explanation);
            add(&acc, "beat", st.beat);
        }
    }
    return acc;
}

/* Each "modality=" line of `got` is the baseline's, or officer review (0). */
static void fail_closed(const char *got, const char *base)
{
    const char *g = got, *b = base;
    while ((g = strstr(g, "\nmodality=")) != NULL) {
        b = strstr(b, "\nmodality=");
        cr_assert_not_null(b, "allocation %lu added a dimension", fault_armed());
        g += strlen("\nmodality=");
        b += strlen("\nmodality=");
        cr_assert(*g == *b || *g == '0', "allocation %lu changed a modality from %c to %c", fault_armed(), *b, *g);
    }
}

static void decide_op(void *ctx, bool injected)
{
    struct decide_fx *f = ctx;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_rules_decision *dec = NULL;
    vfy_rules_eval_options opt = { .include_pii = true };
    fault_enter();
    vfy_status s = vfy_rules_evaluate(f->e, f->c, &opt, &dec, &d);
    fault_leave();
    char *got = NULL;
    bool oom = false;
    if (s == VFY_OK)
        got = read_decision(dec, &oom);
    if (!injected) {
        cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
        cr_assert(!oom);
        free(f->baseline);
        f->baseline = got;
        got = NULL;
    } else if (s != VFY_OK) {
        cr_assert_eq(s, VFY_E_NO_MEMORY, "%s: %s", vfy_status_name(s), d.message);
        cr_assert_null(dec);
    } else if (!oom) {
        /* A failed allocation that was absorbed. jansson may then drop a byte of the
         * text it reads or writes (its lexer and dumper do not check every append:
         * docs/coverage/rload.md), so the texts are not compared; every modality is the
         * unfailed one or officer review (fail closed), never another decision. */
        cr_assert_not_null(got);
        fail_closed(got, f->baseline);
    }
    free(got);
    vfy_rules_decision_free(dec);
}

Test(cov2_rload_faults, deciding_and_reading_a_decision, .timeout = 600)
{
    struct decide_fx f = { rich_engine(), NULL, NULL };
    vfy_detail d;
    cr_assert_eq(vfy_rules_case_parse(rich_case, sizeof rich_case - 1, &f.c, &d), VFY_OK, "%s", d.message);
    swept("decide", fault_sweep(decide_op, &f, ALL));
    free(f.baseline);
    vfy_rules_case_free(f.c);
    vfy_rules_engine_free(f.e);
}

/* ---- the workspace ------------------------------------------------------------------ */

struct ws_fx {
    vfy_rules_engine *e;
    vfy_rules_case *c;
    char *baseline;
    char *header;
};

static void ws_op(void *ctx, bool injected)
{
    struct ws_fx *f = ctx;
    vfy_detail d;
    vfy_detail_clear(&d);
    char *out = NULL;
    size_t out_len = 0;
    FILE *sink = open_memstream(&out, &out_len);
    cr_assert_not_null(sink);
    vfy_rules_workspace *w = NULL;
    char *header = NULL;
    fault_enter();
    vfy_status s = vfy_rules_workspace_new(f->e, &w);
    if (s == VFY_OK)
        s = vfy_rules_evaluate_into(f->e, f->c, NULL, w, &d);
    if (s == VFY_OK)
        s = vfy_rules_workspace_write(w, VFY_RULES_JSON_NO_METADATA, "\"line\":1", sink);
    if (s == VFY_OK && (header = vfy_rules_batch_header_json(f->e, 86400)) == NULL)
        s = VFY_E_NO_MEMORY;
    fault_leave();
    cr_assert_eq(fclose(sink), 0);
    if (!injected) {
        cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
        free(f->baseline);
        free(f->header);
        f->baseline = out;
        f->header = header;
        out = header = NULL;
        cr_assert(strstr(f->baseline, ",\"line\":1}\n") != NULL, "%s", f->baseline);
        cr_assert(strstr(f->header, "\"time\":\"1970-01-02T00:00:00Z\"") != NULL, "%s", f->header);
    } else if (s == VFY_OK) {
        /* The line is the library's own writer's: the same. The header's "rejected"
         * list is jansson's text (see above): the same up to it. */
        cr_assert_str_eq(out, f->baseline);
        const char *cut = strstr(f->header, "\"rejected\":[");
        cr_assert_not_null(cut);
        size_t n = (size_t)(cut - f->header) + strlen("\"rejected\":[");
        cr_assert(strncmp(header, f->header, n) == 0, "allocation %lu changed the header: %s", fault_armed(), header);
    } else {
        cr_assert_eq(s, VFY_E_NO_MEMORY, "%s: %s", vfy_status_name(s), d.message);
    }
    free(out);
    free(header);
    vfy_rules_workspace_free(w);
}

Test(cov2_rload_faults, workspace_and_batch_header, .timeout = 600)
{
    struct ws_fx f = { rich_engine(), NULL, NULL, NULL };
    vfy_detail d;
    cr_assert_eq(vfy_rules_case_parse(rich_case, sizeof rich_case - 1, &f.c, &d), VFY_OK, "%s", d.message);
    swept("workspace", fault_sweep(ws_op, &f, ALL));
    free(f.baseline);
    free(f.header);
    vfy_rules_case_free(f.c);
    vfy_rules_engine_free(f.e);
}

/* ---- keys, signing, verifying ------------------------------------------------------- */

static void keys_op(void *ctx, bool injected)
{
    (void)ctx;
    vfy_detail d;
    vfy_detail_clear(&d);
    char *secret = NULL, *pub = NULL, *signed_set = NULL;
    size_t signed_len = 0;
    vfy_rules_trust *trust = NULL;
    vfy_rules_builder *b = NULL;
    vfy_rules_set_info info = { 0 };
    fault_enter();
    vfy_status s = vfy_rules_keygen("Test publisher", &secret, &pub, &d);
    if (s == VFY_OK)
        s = vfy_rules_sign(rich_set, sizeof rich_set - 1, secret, strlen(secret), &signed_set, &signed_len, &d);
    if (s == VFY_OK)
        s = vfy_rules_trust_load(pub, strlen(pub), &trust, &d);
    if (s == VFY_OK)
        s = vfy_rules_builder_new(VFY_RULES_TEST, trust, &b);
    if (s == VFY_OK)
        s = vfy_rules_builder_add(b, signed_set, signed_len, "signed.json", &d);
    vfy_rules_engine *e = NULL;
    if (s == VFY_OK) {
        s = vfy_rules_build(b, &e, &d);
        b = NULL;
    }
    if (s == VFY_OK)
        s = vfy_rules_engine_set(e, 0, &info);
    fault_leave();
    if (!injected || s == VFY_OK) {
        cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
        cr_assert(info.signature_verified);
        cr_assert_not_null(info.key_id);
    } else {
        cr_assert_eq(s, VFY_E_NO_MEMORY, "%s: %s", vfy_status_name(s), d.message);
    }
    vfy_rules_engine_free(e);
    vfy_rules_builder_free(b);
    vfy_rules_trust_free(trust);
    vfy_free(signed_set);
    vfy_free(pub);
    vfy_free_secret(secret);
}

Test(cov2_rload_faults, keygen_sign_trust_verify, .timeout = 600)
{
    jansson_unfailed();
    swept("keys", fault_sweep(keys_op, NULL, ALL));
    jansson_restored();
}

/* jansson's reader fails its first allocation cleanly (no message, no position): the
 * loader types that as no memory, not as a broken document. */
Test(cov2_rload_faults, jansson_first_allocation_fails)
{
    vfy_rules_builder *b;
    vfy_detail d;
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_TEST, NULL, &b), VFY_OK);
    fault_arm(1);
    fault_enter();
    vfy_status s = vfy_rules_builder_add(b, rich_set, sizeof rich_set - 1, "rich.json", &d);
    fault_leave();
    bool fired;
    fault_disarm(&fired);
    cr_assert(fired);
    /* The builder's own first allocation (its list of sets) came first. */
    cr_assert_eq(s, VFY_E_NO_MEMORY, "%s: %s", vfy_status_name(s), d.message);
    /* Now the list exists: the next first allocation is jansson's. */
    cr_assert_eq(vfy_rules_builder_add(b, rich_set, sizeof rich_set - 1, "rich.json", &d), VFY_OK, "%s", d.message);
    fault_arm(1);
    fault_enter();
    s = vfy_rules_builder_add(b, rich_set, sizeof rich_set - 1, "again.json", &d);
    fault_leave();
    fault_disarm(&fired);
    cr_assert(fired);
    cr_assert_eq(s, VFY_E_NO_MEMORY, "%s: %s", vfy_status_name(s), d.message);
    cr_assert_str_eq(d.message, "out of memory reading the rule set");
    vfy_rules_builder_free(b);
}

/* ---- the summary of a large engine (its buffer grows) ------------------------------- */

struct summary_fx {
    vfy_rules_engine *e;
    char *baseline;
};

static void summary_op(void *ctx, bool injected)
{
    struct summary_fx *f = ctx;
    fault_enter();
    char *sum = vfy_rules_engine_summary(f->e);
    fault_leave();
    if (!injected) {
        cr_assert_not_null(sum);
        cr_assert_gt(strlen(sum), 4096u, "the summary must outgrow its first buffer");
        free(f->baseline);
        f->baseline = sum;
        return;
    }
    /* The whole summary or none: never a cut one. */
    if (sum != NULL)
        cr_assert_str_eq(sum, f->baseline);
    free(sum);
}

Test(cov2_rload_faults, summary_of_the_shipped_sets, .timeout = 600)
{
    struct summary_fx f = { rules_engine(VFY_RULES_TEST, NULL), NULL };
    swept("summary", fault_sweep(summary_op, &f, ALL));
    free(f.baseline);
    vfy_rules_engine_free(f.e);
}

/* ---- the decision's tree, made by whichever accessor comes first -------------------- */

struct first_fx {
    vfy_rules_engine *e;
    vfy_rules_case *c;
    vfy_rules_outcome outcome;
    vfy_rules_step step;
};

static void first_op(void *ctx, bool injected)
{
    struct first_fx *f = ctx;
    vfy_rules_decision *d1, *d2;
    vfy_detail d;
    cr_assert_eq(vfy_rules_evaluate(f->e, f->c, NULL, &d1, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_rules_evaluate(f->e, f->c, NULL, &d2, &d), VFY_OK, "%s", d.message);
    vfy_rules_outcome o;
    vfy_rules_step st;
    fault_enter();
    vfy_status so = vfy_rules_decision_outcome(d1, VFY_RULES_DIM_FEE, &o);
    vfy_status ss = vfy_rules_decision_step(d2, VFY_RULES_DIM_FEE, 0, &st);
    fault_leave();
    if (!injected) {
        cr_assert_eq(so, VFY_OK);
        cr_assert_eq(ss, VFY_OK);
        f->outcome.modality = o.modality;
        f->outcome.trail_length = o.trail_length;
        f->step.result = st.result;
    } else {
        cr_assert(so == VFY_OK || so == VFY_E_NO_MEMORY, "%s", vfy_status_name(so));
        cr_assert(ss == VFY_OK || ss == VFY_E_NO_MEMORY, "%s", vfy_status_name(ss));
        if (so == VFY_OK) {
            cr_assert(o.modality == f->outcome.modality || o.modality == VFY_MODALITY_OFFICER_REVIEW);
            cr_assert_eq(o.trail_length, f->outcome.trail_length);
        }
        if (ss == VFY_OK)
            cr_assert(st.result == f->step.result || st.result == VFY_RULES_STEP_NOT_EVALUATED);
    }
    vfy_rules_decision_free(d1);
    vfy_rules_decision_free(d2);
}

Test(cov2_rload_faults, first_accessor_builds_the_tree, .timeout = 600)
{
    struct first_fx f = { rich_engine(), NULL, { 0 }, { 0 } };
    vfy_detail d;
    cr_assert_eq(vfy_rules_case_parse(rich_case, sizeof rich_case - 1, &f.c, &d), VFY_OK, "%s", d.message);
    swept("first accessor", fault_sweep(first_op, &f, ALL));
    vfy_rules_case_free(f.c);
    vfy_rules_engine_free(f.e);
}
