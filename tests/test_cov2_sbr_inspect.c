/*
 * Branches of inspect/result.c: every read-only accessor of verify/inspection.h given no
 * inspection (the header's defaults: unverified, refer, no seal, no decision, zeroed
 * out-structures), and the name tables over each enumerator (names from the header and
 * the JSON schema: genuine, data_authentic, invalid, unverified; accept, reject, refer).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "verify.h"

Test(cov2_sbr_inspect, accessors_without_an_inspection)
{
    const vfy_inspection *r = NULL;
    cr_assert_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_UNVERIFIED);
    cr_assert_eq(vfy_inspection_document_outcome(r), VFY_INSPECTION_UNVERIFIED);
    cr_assert_eq(vfy_inspection_seal_verdict(r), VFY_SEAL_UNVERIFIED);
    cr_assert_eq(vfy_inspection_gate(r), VFY_GATE_REFER);
    cr_assert_eq(vfy_inspection_exit_code(r), 4);
    cr_assert_str_eq(vfy_inspection_summary(r), "");
    cr_assert(!vfy_inspection_is_live(r));
    vfy_time_source src = VFY_TIME_CALLER;
    cr_assert_eq(vfy_inspection_time(r, &src), 0);
    cr_assert_eq(src, VFY_TIME_SYSTEM_CLOCK);
    cr_assert_eq(vfy_inspection_time(r, NULL), 0);
    uint8_t dig[32];
    cr_assert(!vfy_inspection_trust_digest(r, dig));
    cr_assert_eq(vfy_inspection_check_count(r), 0);
    vfy_inspection_check c;
    cr_assert(!vfy_inspection_check_at(r, 0, &c));
    cr_assert(!vfy_inspection_check_get(r, "passive_authentication", &c));
    cr_assert_eq(vfy_inspection_warning_count(r), 0);
    vfy_inspection_warning w;
    cr_assert(!vfy_inspection_warning_at(r, 0, &w));
    vfy_inspection_signer s;
    memset(&s, 0xA5, sizeof s);
    vfy_inspection_signer_info(r, &s);
    vfy_inspection_signer zs;
    memset(&zs, 0, sizeof zs);
    cr_assert_eq(memcmp(&s, &zs, sizeof s), 0);
    vfy_inspection_signer_info(r, NULL);
    cr_assert_null(vfy_inspection_document(r));
    vfy_access_info a;
    memset(&a, 0xA5, sizeof a);
    vfy_inspection_access(r, &a);
    vfy_access_info za;
    memset(&za, 0, sizeof za);
    cr_assert_eq(memcmp(&a, &za, sizeof a), 0);
    vfy_inspection_access(r, NULL);
    vfy_read_stats st;
    memset(&st, 0xA5, sizeof st);
    vfy_inspection_stats(r, &st);
    vfy_read_stats zst;
    memset(&zst, 0, sizeof zst);
    cr_assert_eq(memcmp(&st, &zst, sizeof st), 0);
    vfy_inspection_stats(r, NULL);
    cr_assert_null(vfy_inspection_seal(r));
    cr_assert(!vfy_inspection_has_seal(r));
    cr_assert_null(vfy_inspection_decision(r));
    cr_assert_null(vfy_inspection_face_match(r));
}

Test(cov2_sbr_inspect, names_of_each_enumerator)
{
    cr_assert_str_eq(vfy_inspection_outcome_name(VFY_INSPECTION_GENUINE), "genuine");
    cr_assert_str_eq(vfy_inspection_outcome_name(VFY_INSPECTION_DATA_AUTHENTIC), "data_authentic");
    cr_assert_str_eq(vfy_inspection_outcome_name(VFY_INSPECTION_INVALID), "invalid");
    cr_assert_str_eq(vfy_inspection_outcome_name(VFY_INSPECTION_UNVERIFIED), "unverified");
    cr_assert_str_eq(vfy_gate_name(VFY_GATE_ACCEPT), "accept");
    cr_assert_str_eq(vfy_gate_name(VFY_GATE_REJECT), "reject");
    cr_assert_str_eq(vfy_gate_name(VFY_GATE_REFER), "refer");
    cr_assert_str_eq(vfy_time_source_name(VFY_TIME_CALLER), "caller");
    cr_assert_str_eq(vfy_time_source_name(VFY_TIME_SYSTEM_CLOCK), "system_clock");
}
