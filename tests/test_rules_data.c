/*
 * The shipped data against the legal text (issue 11, "Data"): Annexes I and II of
 * Regulation (EU) 2018/1806 with the dates on which states moved, EU/EEA/Swiss
 * nationals, the Visa Code before and after Regulation (EU) 2019/1155, Directive
 * 2004/38 family members, the Art. 19(4) derogations and the Art. 24(1) grace period as
 * discretions, and open points shown where they decide. Every expected value below is
 * read from shared/domain/visa-lists.md and visa-facilitation.md (which cite the acts),
 * not from the engine.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "test_rules_support.h"

/* A consular case: KAZ-like adult with a valid passport, lodged `lodging`, trip a month
 * and a half later; `traveller` and `extra` are spliced in. */
static json_t *decide(const char *nationality, const char *lodging, const char *entry, const char *exit,
                      const char *document_extra, const char *birth, const char *claims)
{
    char text[4096];
    snprintf(text, sizeof text,
             "{\"traveller\":{\"nationality\":\"%s\",\"birth_date\":\"%s\",\"document\":{\"type\":\"ordinary\","
             "\"issue_date\":\"%s\",\"expiry_date\":\"2031-06-01\"%s}},"
             "\"application\":{\"dates\":{\"lodging\":\"%s\",\"intended_entry\":\"%s\",\"intended_exit\":\"%s\"},"
             "\"destination\":\"DEU\",\"claims\":[%s]},\"visa_history\":[]}",
             nationality, birth, strcmp(birth, "2015-06-01") > 0 ? "2021-06-01" : "2015-06-01", document_extra,
             lodging, entry, exit, claims);
    vfy_rules_engine *e = rules_engine(VFY_RULES_PRODUCTION, NULL);
    vfy_rules_case *c;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_case_parse(text, strlen(text), &c, &d), VFY_OK, "%s: %s", text, d.message);
    vfy_rules_decision *dec;
    cr_assert_eq(vfy_rules_evaluate(e, c, NULL, &dec, &d), VFY_OK, "%s", d.message);
    char *json = vfy_rules_decision_json(dec, 0);
    json_t *r = json_loads(json, 0, NULL);
    free(json);
    vfy_rules_decision_free(dec);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
    return r;
}
#define ADULT "1985-05-20"
#define BIO ",\"biometric\":true,\"blank_pages\":10"
#define NONBIO ",\"biometric\":false,\"blank_pages\":10"

static json_t *val(json_t *r, const char *d) { return json_object_get(rules_dim(r, d), "value"); }
static const char *won(json_t *r, const char *d)
{
    size_t i;
    json_t *st;
    json_array_foreach(json_object_get(rules_dim(r, d), "trail"), i, st)
        if (strcmp(json_string_value(json_object_get(st, "result")), "won") == 0)
            return json_string_value(json_object_get(st, "rule"));
    return "";
}
static void visa(json_t *r, bool needed, const char *modality, const char *rule)
{
    cr_assert(needed ? json_is_true(val(r, "visa_needed")) : json_is_false(val(r, "visa_needed")),
              "visa_needed is not %d", needed);
    cr_assert_str_eq(rules_modality(r, "visa_needed"), modality);
    if (rule != NULL)
        cr_assert_str_eq(won(r, "visa_needed"), rule);
}

/* Annex II Part 1: the United States. A visa-exempt traveller lodges no application: no
 * fee, no deadline (issue 11 point 5). */
Test(rules_data, annex_ii_national_is_exempt_and_pays_nothing)
{
    json_t *r = decide("USA", "2025-12-10", "2026-02-01", "2026-02-10", BIO, ADULT, "");
    visa(r, false, "entitled", "annex-ii-part-1");
    cr_assert_str_eq(rules_modality(r, "fee"), "not_applicable");
    cr_assert_not_null(strstr(json_string_value(json_object_get(rules_dim(r, "fee"), "reason")), "no visa is needed"));
    json_decref(r);
}

/* A French national is not a third-country national (SBC Art. 2(6)). */
Test(rules_data, union_citizen_is_not_a_third_country_national)
{
    json_t *r = decide("FRA", "2025-12-10", "2026-02-01", "2026-02-10", BIO, ADULT, "");
    visa(r, false, "not_applicable", "union-efta-nationals");
    cr_assert_not_null(strstr(json_string_value(json_object_get(rules_dim(r, "visa_needed"), "reason")),
                              "not a third-country national"));
    json_decref(r);
    r = decide("CHE", "2025-12-10", "2026-02-01", "2026-02-10", BIO, ADULT, "");
    visa(r, false, "not_applicable", NULL);
    json_decref(r);
}

/* Annex I Part 1 in full, not three states: Afghanistan, Zimbabwe, Russia. */
Test(rules_data, annex_i_in_full)
{
    const char *codes[] = { "AFG", "ZWE", "RUS", "IND", "TUR" };
    for (size_t i = 0; i < 5; i++) {
        json_t *r = decide(codes[i], "2025-12-10", "2026-02-01", "2026-02-10", BIO, ADULT, "");
        visa(r, true, "shall", "annex-i-part-1");
        json_decref(r);
    }
}

/* Ukraine: exempt with a biometric passport only; unknown biometric: an officer. */
Test(rules_data, biometric_only_exemptions)
{
    json_t *r = decide("UKR", "2025-12-10", "2026-02-01", "2026-02-10", BIO, ADULT, "");
    visa(r, false, "entitled", "annex-ii-part-1-biometric");
    json_decref(r);
    r = decide("UKR", "2025-12-10", "2026-02-01", "2026-02-10", NONBIO, ADULT, "");
    visa(r, true, "shall", "annex-ii-part-1-non-biometric");
    json_decref(r);
    r = decide("UKR", "2025-12-10", "2026-02-01", "2026-02-10", ",\"blank_pages\":10", ADULT, "");
    cr_assert(json_is_null(val(r, "visa_needed")));
    cr_assert_str_eq(rules_modality(r, "visa_needed"), "officer_review");
    char *missing = json_dumps(json_object_get(rules_dim(r, "visa_needed"), "missing"), 0);
    cr_assert(missing != NULL && strstr(missing, "traveller.document.biometric") != NULL, "%s", missing);
    free(missing);
    json_decref(r);
}

/* Vanuatu: exempt until the 2022 suspension, required 4.2.2023-3.2.2025 (suspension in
 * full), then in Annex I (2025/11, from 3.2.2025). */
Test(rules_data, vanuatu_moves_between_the_annexes)
{
    json_t *r = decide("VUT", "2022-01-10", "2022-02-01", "2022-02-10", BIO, ADULT, "");
    visa(r, false, "entitled", "annex-ii-part-1-vanuatu-until-2022-05-03");
    json_decref(r);
    r = decide("VUT", "2024-06-03", "2024-07-01", "2024-07-10", BIO, ADULT, "");
    visa(r, true, "shall", "vanuatu-suspension-2023-2025");
    json_decref(r);
    r = decide("VUT", "2025-03-03", "2025-04-01", "2025-04-10", BIO, ADULT, "");
    visa(r, true, "shall", "annex-i-part-1-vanuatu");
    json_decref(r);
    /* 4.5.2022-3.2.2023, ordinary passport: which passports were suspended is unconfirmed. */
    r = decide("VUT", "2022-06-01", "2022-07-01", "2022-07-10", BIO, ADULT, "");
    cr_assert_str_eq(rules_modality(r, "visa_needed"), "officer_review");
    json_decref(r);
}

/* Kosovo: Annex I Part 2 until the exemption applied on 1.1.2024 (biometric only). */
Test(rules_data, kosovo_from_2024)
{
    json_t *r = decide("RKS", "2023-06-01", "2023-07-01", "2023-07-10", BIO, ADULT, "");
    visa(r, true, "shall", "annex-i-part-2-kosovo-until-2023");
    json_decref(r);
    r = decide("RKS", "2024-02-01", "2024-03-01", "2024-03-10", BIO, ADULT, "");
    visa(r, false, "entitled", "annex-ii-part-4-kosovo");
    json_decref(r);
}

/* The United Kingdom: Union law until 31.12.2020, Annex II from 1.1.2021 (2019/592). */
Test(rules_data, united_kingdom_before_and_after_2021)
{
    json_t *r = decide("GBR", "2020-06-01", "2020-07-01", "2020-07-10", BIO, ADULT, "");
    visa(r, false, "not_applicable", "gbr-union-citizens-until-2020");
    json_decref(r);
    r = decide("GBR", "2021-06-01", "2021-07-01", "2021-07-10", BIO, ADULT, "");
    visa(r, false, "entitled", "annex-ii-part-1-united-kingdom");
    json_decref(r);
}

/* The Visa Code before Regulation 2019/1155 (applicable from 2.2.2020): EUR 60 and a
 * service-fee cap of half of it, EUR 30; from 2.2.2020 EUR 80 and 40. */
Test(rules_data, visa_code_fee_before_and_after_2019_1155)
{
    json_t *r = decide("KAZ", "2020-02-01", "2020-03-01", "2020-03-10", BIO, ADULT, "");
    cr_assert_eq(json_integer_value(val(r, "fee")), 60);
    cr_assert_str_eq(won(r, "fee"), "vc-16-1-standard");
    cr_assert_str_eq(json_string_value(json_object_get(rules_step(r, "fee", "vc-16-1-standard"), "ruleset")), "EU-VC-2010");
    cr_assert_eq(json_integer_value(val(r, "service_fee_cap")), 30);
    cr_assert_eq(json_integer_value(json_object_get(val(r, "deadline"), "extendable_to")), 60);
    json_decref(r);
    r = decide("KAZ", "2020-02-02", "2020-03-01", "2020-03-10", BIO, ADULT, "");
    cr_assert_eq(json_integer_value(val(r, "fee")), 80);
    cr_assert_eq(json_integer_value(val(r, "service_fee_cap")), 40);
    json_decref(r);
}

/* Before 2019/1155 the child fee was EUR 35 and the optional waiver of 16(5)(a) covered
 * children from 6 to under 12 only; after it, up to 18. */
Test(rules_data, child_fee_and_optional_waiver_before_2020)
{
    json_t *r = decide("KAZ", "2019-06-03", "2019-07-01", "2019-07-10", BIO, "2011-01-01", "");
    cr_assert_eq(json_integer_value(val(r, "fee")), 35);
    cr_assert_not_null(rules_alternative(r, "fee", "vc-16-5-a-children-6-to-11"));
    json_decref(r);
    r = decide("KAZ", "2019-06-03", "2019-07-01", "2019-07-10", BIO, "2006-01-01", "");
    cr_assert_eq(json_integer_value(val(r, "fee")), 60);
    cr_assert_eq(json_array_size(json_object_get(rules_dim(r, "fee"), "alternatives")), 0, "no waiver at 13 before 2020");
    cr_assert_str_eq(rules_modality(r, "fee"), "shall");
    json_decref(r);
}

/* Directive 2004/38 Art. 5(2): a Kazakh spouse of a French citizen living in Germany
 * still needs a visa (Annex I) but it is issued free of charge (issue 11 point 6: was 90). */
Test(rules_data, free_movement_family_member_pays_no_fee)
{
    json_t *r = decide("KAZ", "2025-12-10", "2026-02-01", "2026-02-10", BIO, ADULT,
                       "{\"category\":\"free_movement_family_member\",\"evidence\":[\"relationship_proof\","
                       "\"union_citizen_identity_document\",\"union_citizen_free_movement_proof\"],\"verified\":true}");
    visa(r, true, "shall", "annex-i-part-1");
    cr_assert_eq(json_integer_value(val(r, "fee")), 0);
    cr_assert_str_eq(rules_modality(r, "fee"), "entitled");
    cr_assert_str_eq(won(r, "fee"), "dir-5-2-free-of-charge");
    cr_assert(json_is_null(json_object_get(val(r, "deadline"), "extendable_to")), "an accelerated procedure is not extended");
    json_decref(r);
    /* Without the proof of free movement the category does not hold: the fee is due. */
    r = decide("KAZ", "2025-12-10", "2026-02-01", "2026-02-10", BIO, ADULT,
               "{\"category\":\"free_movement_family_member\",\"evidence\":[\"relationship_proof\"],\"verified\":true}");
    cr_assert_eq(json_integer_value(val(r, "fee")), 90);
    json_decref(r);
}

/* An agreement's fee beating a Visa Code mandatory waiver is an open point (domain
 * reference section 6): for an Armenian child of 5 the fee is not stated as certain; for
 * an adult the open point does not decide anything and the fee is due. */
Test(rules_data, open_point_decides_only_where_it_matters)
{
    json_t *r = decide("ARM", "2025-12-10", "2026-02-01", "2026-02-10", BIO, "2020-06-01", "");
    cr_assert(json_is_null(val(r, "fee")));
    cr_assert_str_eq(rules_modality(r, "fee"), "officer_review");
    cr_assert_eq(json_integer_value(json_object_get(rules_dim(r, "fee"), "provisional")), 35);
    char *ops = json_dumps(json_object_get(rules_dim(r, "fee"), "open_points"), 0);
    cr_assert_not_null(ops);
    cr_assert_not_null(strstr(ops, "Art. 16(4)"), "%s", ops);
    free(ops);
    json_decref(r);
    r = decide("ARM", "2025-12-10", "2026-02-01", "2026-02-10", BIO, ADULT, "");
    cr_assert_eq(json_integer_value(val(r, "fee")), 35);
    cr_assert_str_eq(rules_modality(r, "fee"), "shall");
    cr_assert_not_null(json_object_get(rules_dim(r, "fee"), "open_points"), "shown, though not deciding");
    json_decref(r);
}

/* Art. 19(4): one blank page is inadmissible unless the consulate derogates: false/may,
 * never a refusal stated as certain. Lodged 7 months before the trip: the same. */
Test(rules_data, derogations_are_discretions)
{
    json_t *r = decide("KAZ", "2025-12-10", "2026-02-01", "2026-02-10", ",\"biometric\":true,\"blank_pages\":1", ADULT, "");
    cr_assert(json_is_false(val(r, "admissible")));
    cr_assert_str_eq(rules_modality(r, "admissible"), "may");
    cr_assert_str_eq(rules_result(r, "admissible", "vc-12-b-blank-pages"), "failed");
    cr_assert_not_null(strstr(json_string_value(json_object_get(rules_step(r, "admissible", "vc-12-b-blank-pages"), "consequence")), "19(4)"));
    cr_assert_str_eq(rules_modality(r, "fee"), "shall", "if admitted, the fee is due");
    json_decref(r);
    r = decide("KAZ", "2025-06-01", "2026-02-01", "2026-02-10", BIO, ADULT, "");
    cr_assert(json_is_false(val(r, "admissible")));
    cr_assert_str_eq(rules_modality(r, "admissible"), "may");
    cr_assert_str_eq(rules_result(r, "admissible", "vc-9-1-not-before-6-months"), "failed");
    cr_assert_str_eq(json_string_value(json_object_get(rules_step(r, "admissible", "vc-9-1-not-before-6-months"), "on_fail")),
                     "may_derogate");
    json_decref(r);
}
