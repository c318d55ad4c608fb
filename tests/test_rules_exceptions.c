/*
 * Who the general rules do not bind (issue 11, "Data"): family members of Union
 * citizens at the border (Directive 2004/38 Art. 5; Borders Code Art. 2(5)(a), 2(6)),
 * the EU-wide exemptions and requirements of Regulation 2018/1806 Art. 3(2) and 4(2),
 * and the Member States' options of its Art. 6. Every expected value is read from the
 * text as gathered in shared/domain/visa-lists.md sections 1.9, 2 and 3, not from the
 * engine; the cases are tests/data/rules/cases/bc-kaz-spouse-*, ex-* and
 * bc-usa-diplomatic-national-option.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "support.h"
#include "test_rules_support.h"

static json_t *val(json_t *r, const char *d) { return json_object_get(rules_dim(r, d), "value"); }

static bool open_point_mentions(json_t *r, const char *dim, const char *text)
{
    json_t *m = json_object_get(rules_dim(r, dim), "open_points"), *v;
    size_t i;
    json_array_foreach(m, i, v)
        if (strstr(json_string_value(v), text) != NULL)
            return true;
    return false;
}

/* ---- Directive 2004/38 at the border ------------------------------------------ */

/* A Kazakh spouse of a French citizen living in Germany, verified, crossing on
 * 2026-02-01 with a passport issued 2014-03-01 and valid to 2026-02-20, no visa.
 * Borders Code Art. 2(5)(a), 2(6): she is not a "third-country national" of the Code,
 * so its Art. 6(1)(a) 10-year and 3-month conditions (both of which this passport
 * fails) do not bind her; the Directive's Art. 5(1) asks for a valid passport (it is
 * valid). She is an Annex I national without a residence card, so Art. 5(2) requires
 * an entry visa, and she has none: Art. 5(4) obliges the Member State to give her every
 * reasonable opportunity before turning her back, which an officer does: not
 * admissible, officer_review (never a flat refusal, never "entitled"). */
Test(rules_exceptions, free_movement_spouse_is_checked_under_the_directive_not_the_code)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "bc-kaz-spouse-free-movement");
    cr_assert_str_eq(json_string_value(json_object_get(r, "mode")), "border");
    cr_assert(json_is_true(val(r, "visa_needed")));
    cr_assert_str_eq(rules_modality(r, "visa_needed"), "shall");
    cr_assert_str_eq(rules_result(r, "admissible", "sbc-6-1-a-issued-within-10-years"), "not_applicable");
    cr_assert_str_eq(rules_result(r, "admissible", "sbc-6-1-a-three-months-after-departure"), "not_applicable");
    cr_assert_str_eq(rules_result(r, "admissible", "sbc-6-1-b-visa-held"), "not_applicable");
    cr_assert_str_eq(rules_result(r, "admissible", "dir-5-1-valid-passport"), "passed");
    cr_assert_str_eq(rules_result(r, "admissible", "dir-5-2-visa-held"), "failed");
    cr_assert(json_is_false(val(r, "admissible")));
    cr_assert_str_eq(rules_modality(r, "admissible"), "officer_review");
    const char *why = json_string_value(json_object_get(rules_step(r, "admissible", "dir-5-2-visa-held"), "consequence"));
    cr_assert(why != NULL && strstr(why, "Art. 5(4)") != NULL, "%s", why);
    json_decref(r);
    /* The CLI prints the same decision. */
    r = rules_cli(VFY_RULES_PRODUCTION, NULL, "bc-kaz-spouse-free-movement");
    cr_assert_str_eq(rules_result(r, "admissible", "sbc-6-1-a-issued-within-10-years"), "not_applicable");
    json_decref(r);
}

/* Attack: the same claim typed in but not verified by an officer must not wave the
 * traveller past the Code's conditions. The Code's checks are neither applied nor
 * dropped: not evaluated, and the decision names the missing verification. */
Test(rules_exceptions, unverified_family_claim_does_not_set_the_code_aside)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "bc-kaz-spouse-free-movement-unverified");
    cr_assert_str_eq(rules_result(r, "admissible", "sbc-6-1-a-issued-within-10-years"), "not_evaluated");
    cr_assert_str_eq(rules_modality(r, "admissible"), "officer_review");
    cr_assert(rules_missing_has(r, "admissible", "application.claims[free_movement_family_member].verified"));
    json_decref(r);
}

/* Attack: incomplete evidence (no proof of the citizen's free movement, which Art. 3(1)
 * makes the condition of the Directive's scope): the category does not hold, so the
 * Code binds and its failed conditions give "not admissible unless the authority
 * derogates" (Art. 6(5)(c)), exactly as for any Kazakh national. */
Test(rules_exceptions, incomplete_family_evidence_leaves_the_code_in_force)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "bc-kaz-spouse-free-movement-evidence-incomplete");
    cr_assert_str_eq(rules_result(r, "admissible", "sbc-6-1-a-issued-within-10-years"), "failed");
    cr_assert_str_eq(rules_result(r, "admissible", "dir-5-1-valid-passport"), "not_applicable");
    cr_assert(json_is_false(val(r, "admissible")));
    cr_assert_str_eq(rules_modality(r, "admissible"), "may");
    json_decref(r);
}

/* With a verified Art. 10 residence card: no visa (Art. 5(2), second sentence), the
 * passport is valid (Art. 5(1)), so she is admissible as of right. */
Test(rules_exceptions, residence_card_holder_needs_no_visa_and_is_admissible)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "bc-kaz-spouse-residence-card");
    cr_assert(json_is_false(val(r, "visa_needed")));
    cr_assert_str_eq(rules_modality(r, "visa_needed"), "entitled");
    cr_assert_str_eq(rules_result(r, "visa_needed", "dir-5-2-residence-card-exempt"), "won");
    cr_assert_str_eq(rules_result(r, "admissible", "dir-5-2-visa-held"), "not_applicable");
    cr_assert(json_is_true(val(r, "admissible")));
    cr_assert_str_eq(rules_modality(r, "admissible"), "entitled");
    json_decref(r);
}

/* Attack: the same family member with a passport that expired the day before the
 * crossing: Art. 5(1) fails; Art. 5(4) leaves it to an officer. Never admissible. */
Test(rules_exceptions, family_member_with_an_expired_passport_is_not_admissible)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "bc-kaz-spouse-passport-expired");
    cr_assert_str_eq(rules_result(r, "admissible", "dir-5-1-valid-passport"), "failed");
    cr_assert(json_is_false(val(r, "admissible")));
    cr_assert_str_eq(rules_modality(r, "admissible"), "officer_review");
    json_decref(r);
}

/* ---- Regulation 2018/1806 Art. 6: the Member States' options ------------------- */

/* A Kazakh (Annex I) diplomatic passport, production sets only: the visa is required by
 * Art. 3(1), but Art. 6(1)(a) lets the destination exempt diplomatic passports. The
 * decision says "required" with the discretion "may", shows the exemption as the
 * alternative with its article, and the open point that the national measure decides. */
Test(rules_exceptions, annex_i_diplomat_required_unless_the_member_state_exempts)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "ex-kaz-diplomatic-national-option");
    cr_assert(json_is_true(val(r, "visa_needed")));
    cr_assert_str_eq(rules_modality(r, "visa_needed"), "may");
    json_t *alt = rules_alternative(r, "visa_needed", "art-6-1-a-may-exempt-official-passports");
    cr_assert_not_null(alt);
    cr_assert(json_is_false(json_object_get(alt, "value")));
    cr_assert_str_eq(json_string_value(json_object_get(alt, "modality")), "may");
    cr_assert(open_point_mentions(r, "visa_needed", "Art. 12"));
    json_decref(r);
}

/* A US (Annex II) diplomat at the border: exempt by Art. 4(1), but Art. 6(1)(a) cuts
 * the other way too: a Member State may require a visa of diplomatic passports. Not
 * an unconditional right: "may", with the requirement as the alternative. */
Test(rules_exceptions, annex_ii_diplomat_exempt_unless_the_member_state_requires)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "bc-usa-diplomatic-national-option");
    cr_assert(json_is_false(val(r, "visa_needed")));
    cr_assert_str_eq(rules_modality(r, "visa_needed"), "may");
    json_t *alt = rules_alternative(r, "visa_needed", "art-6-1-a-may-require-official-passports");
    cr_assert_not_null(alt);
    cr_assert(json_is_true(json_object_get(alt, "value")));
    json_decref(r);
}

/* Art. 6(3): a Member State may require a visa of Annex II nationals who carry out a
 * paid activity during the stay. */
Test(rules_exceptions, paid_activity_of_an_annex_ii_national)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "ex-usa-paid-activity");
    cr_assert(json_is_false(val(r, "visa_needed")));
    cr_assert_str_eq(rules_modality(r, "visa_needed"), "may");
    cr_assert_not_null(rules_alternative(r, "visa_needed", "art-6-3-may-require-paid-activity"));
    json_decref(r);
}

/* An option that would not change the value is not shown: an ordinary US passport
 * without a declared paid activity is exempt as of right (Art. 4(1)). */
Test(rules_exceptions, no_option_no_discretion)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "e01-adult-tourist");
    cr_assert(json_is_true(val(r, "visa_needed")));
    cr_assert_str_eq(rules_modality(r, "visa_needed"), "shall", "an ordinary Kazakh passport: Art. 3(1) only");
    json_decref(r);
}

/* ---- Art. 3(2) and 4(2): EU-wide, no discretion ------------------------------- */

/* Art. 4(2)(a): a Russian (Annex I) national with a local border traffic permit is
 * exempt, as of right (the exemption is the Regulation's, not a Member State's). */
Test(rules_exceptions, local_border_traffic_permit_exempts)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "ex-rus-local-border-traffic");
    cr_assert(json_is_false(val(r, "visa_needed")));
    cr_assert_str_eq(rules_modality(r, "visa_needed"), "entitled");
    cr_assert_str_eq(rules_result(r, "visa_needed", "art-4-2-a-local-border-traffic"), "won");
    json_decref(r);
}

/* Art. 4(2)(c): a stateless person (XXA) residing in Germany with a German travel
 * document is exempt. */
Test(rules_exceptions, stateless_resident_of_a_member_state_is_exempt)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "ex-xxa-resident-in-member-state");
    cr_assert(json_is_false(val(r, "visa_needed")));
    cr_assert_str_eq(rules_modality(r, "visa_needed"), "entitled");
    json_decref(r);
}

/* Art. 3(2): a refugee (XXB) residing in an Annex I country (Türkiye) with its travel
 * document needs a visa. */
Test(rules_exceptions, refugee_resident_in_an_annex_i_country_needs_a_visa)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "ex-xxb-resident-in-annex-i-state");
    cr_assert(json_is_true(val(r, "visa_needed")));
    cr_assert_str_eq(rules_modality(r, "visa_needed"), "shall");
    cr_assert_str_eq(rules_result(r, "visa_needed", "art-3-2-refugees-resident-in-annex-i-state"), "won");
    json_decref(r);
}

/* Art. 6(2)(b): residing in an Annex II country (Canada): a Member State may exempt. */
Test(rules_exceptions, refugee_resident_in_an_annex_ii_country_may_be_exempted)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "ex-xxb-resident-in-annex-ii-state");
    cr_assert(json_is_true(val(r, "visa_needed")));
    cr_assert_str_eq(rules_modality(r, "visa_needed"), "may");
    cr_assert_not_null(rules_alternative(r, "visa_needed", "art-6-2-b-d-may-exempt-refugees"));
    json_decref(r);
}

/* Fail closed: a stateless person who claims no residence gets no visa decision: the
 * Regulation turns on the state of residence, which the case does not give. */
Test(rules_exceptions, stateless_without_residence_is_not_decided)
{
    json_t *r = rules_api(VFY_RULES_PRODUCTION, NULL, "ex-xxa-no-residence-claim");
    cr_assert(json_is_null(val(r, "visa_needed")));
    cr_assert_str_eq(rules_modality(r, "visa_needed"), "officer_review");
    json_decref(r);
}
