/*
 * Branches of mrz/mrz_key.c: vfy_mrz_key_input's refusals, one field wrong at a time,
 * and the ICAO 9303-11 Appendix D worked example ("L898902C<369080619406236").
 */
#include <criterion/criterion.h>
#include <string.h>

#include "verify.h"

static void example(vfy_mrz *m)
{
    memset(m, 0, sizeof *m);
    m->format = VFY_MRZ_TD3;
    strcpy(m->document_number, "L898902C");
    m->document_number_cd = '3';
    strcpy(m->birth_date_raw, "690806");
    m->birth_date_cd = '1';
    strcpy(m->expiry_date_raw, "940623");
    m->expiry_date_cd = '6';
}

Test(cov2_sbr_mrz, key_input_each_field_alone)
{
    vfy_mrz m;
    char out[VFY_MRZ_KEY_INPUT_MAX];
    vfy_detail d;
    example(&m);
    cr_assert_eq(vfy_mrz_key_input(&m, out, &d), VFY_OK);
    cr_assert_str_eq(out, "L898902C<369080619406236");

    example(&m); m.format = VFY_MRZ_UNKNOWN;
    cr_assert_eq(vfy_mrz_key_input(&m, out, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_str_eq(out, "");
    example(&m); m.birth_date_raw[5] = '\0';
    cr_assert_eq(vfy_mrz_key_input(&m, out, &d), VFY_E_MRZ_FIELD);
    example(&m); m.expiry_date_raw[5] = '\0';
    cr_assert_eq(vfy_mrz_key_input(&m, out, &d), VFY_E_MRZ_FIELD);
    example(&m); m.document_number_cd = '<';
    cr_assert_eq(vfy_mrz_key_input(&m, out, &d), VFY_E_MRZ_CHECK_DIGIT);
    example(&m); m.birth_date_cd = 'A';
    cr_assert_eq(vfy_mrz_key_input(&m, out, &d), VFY_E_MRZ_CHECK_DIGIT);
    example(&m); m.expiry_date_cd = '/';
    cr_assert_eq(vfy_mrz_key_input(&m, out, &d), VFY_E_MRZ_CHECK_DIGIT);
    example(&m); m.expiry_date_cd = ':';
    cr_assert_eq(vfy_mrz_key_input(&m, out, &d), VFY_E_MRZ_CHECK_DIGIT);
}
