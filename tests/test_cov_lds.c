/*
 * LDS data groups not reached by test_lds.c (issue 12, coverage), encoded here from
 * ICAO 9303-10 §4.7: DG5-DG7 displayed images (tags 0x65-0x67, count 02, images 5F40 /
 * 5F43), DG11's other names (A0 { count, 5F0F ... } or bare 5F0F), DG16's person
 * templates (A1.. { 5F50-5F53 }). Each malformed input gets its exact status.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "verify.h"

#define JPEG_START 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F'

Test(cov_lds, displayed_portrait_and_signature)
{
    /* DG5: one portrait, JPEG. */
    static const uint8_t dg5[] = { 0x65, 0x11, 0x02, 0x01, 0x01, 0x5F, 0x40, 0x0B, JPEG_START, 0x00 };
    vfy_lds_displayed out;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_displayed(dg5, sizeof dg5, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.dg, 5);
    cr_assert_eq(out.declared_count, 1);
    cr_assert_eq(out.image_count, 1);
    cr_assert_eq(out.types[0], VFY_IMAGE_JPEG);
    cr_assert_eq(out.images[0].len, 11);
    /* DG7: a signature image (5F43) of unknown format, and an unknown element skipped. */
    static const uint8_t dg7[] = { 0x67, 0x0A, 0x02, 0x01, 0x01, 0x5F, 0x43, 0x02, 0x01, 0x02, 0x04, 0x00 };
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_displayed(dg7, sizeof dg7, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.dg, 7);
    cr_assert_eq(out.image_count, 1);
    cr_assert_eq(out.types[0], VFY_IMAGE_UNKNOWN);
    /* More images than the structure holds: the first VFY_DISPLAYED_MAX are kept. */
    uint8_t many[64] = { 0x66, 0 };
    size_t n = 2;
    for (int i = 0; i < VFY_DISPLAYED_MAX + 2; i++) {
        many[n++] = 0x5F;
        many[n++] = 0x40;
        many[n++] = 0x01;
        many[n++] = (uint8_t)i;
    }
    many[1] = (uint8_t)(n - 2);
    cr_assert_eq(vfy_lds_parse_displayed(many, n, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.dg, 6);
    cr_assert_eq(out.image_count, VFY_DISPLAYED_MAX);
}

Test(cov_lds, displayed_refusals)
{
    vfy_lds_displayed out;
    vfy_detail d;
    static const uint8_t dg5[] = { 0x65, 0x03, 0x02, 0x01, 0x01 };
    cr_assert_eq(vfy_lds_parse_displayed(dg5, sizeof dg5, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_lds_parse_displayed(dg5, 0, &out, &d), VFY_E_TRUNCATED);
    static const uint8_t dg8[] = { 0x68, 0x03, 0x02, 0x01, 0x01 }; /* DG8's tag */
    cr_assert_eq(vfy_lds_parse_displayed(dg8, sizeof dg8, &out, &d), VFY_E_BAD_TAG);
    static const uint8_t count[] = { 0x65, 0x04, 0x02, 0x02, 0x01, 0x2C }; /* 300 images */
    cr_assert_eq(vfy_lds_parse_displayed(count, sizeof count, &out, &d), VFY_E_BAD_VALUE);
    static const uint8_t cut[] = { 0x65, 0x05, 0x5F, 0x40, 0x09, 0xFF, 0xD8 }; /* image runs past */
    cr_assert_eq(vfy_lds_parse_displayed(cut, sizeof cut, &out, &d), VFY_E_LENGTH_OVERFLOW);
}

Test(cov_lds, dg11_other_names_in_both_forms)
{
    /* 9303-10 §4.7.11: other names as A0 { 02 count, 5F0F name ... }; some issuers put
     * 5F0F directly. With a tag list (5C), an empty field and a tag outside the list. */
    static const uint8_t dg11[] = {
        0x6B, 0x21,
        0x5C, 0x02, 0x5F, 0x0E,
        0xA0, 0x0B, 0x02, 0x01, 0x02, 0x5F, 0x0F, 0x01, 'A', 0x5F, 0x0F, 0x01, 'B',
        0x5F, 0x0F, 0x01, 'C',
        0x5F, 0x0E, 0x00,
        0x5F, 0x7A, 0x01, 'x',
        0x5F, 0x10, 0x02, '4', '2',
    };
    vfy_lds_dg11 out;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_dg11(dg11, sizeof dg11, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.other_name_count, 3);
    cr_assert_eq(out.other_names[0].len, 1);
    cr_assert_eq(out.other_names[2].data[0], 'C');
    cr_assert_eq(out.empty_field_count, 1);
    cr_assert_eq(out.unknown.count, 1);
    cr_assert_eq(out.unknown.tags[0], 0x5F7A);
    cr_assert_eq(out.personal_number.len, 2);
    cr_assert_eq(vfy_lds_parse_dg11(dg11, sizeof dg11, NULL, &d), VFY_E_INVALID_ARGUMENT);
    /* A name list whose element runs past its end. */
    static const uint8_t bad[] = { 0x6B, 0x07, 0xA0, 0x05, 0x5F, 0x0F, 0x09, 'A', 'B' };
    cr_assert_eq(vfy_lds_parse_dg11(bad, sizeof bad, &out, &d), VFY_E_LENGTH_OVERFLOW);
}

Test(cov_lds, dg16_persons)
{
    /* Two persons declared and held; an unknown field and a non-template element are
     * noted, not fatal. */
    static const uint8_t dg16[] = {
        0x70, 0x16,
        0x02, 0x01, 0x02,
        0xA1, 0x08, 0x5F, 0x51, 0x01, 'N', 0x5F, 0x52, 0x01, '1',
        0xA2, 0x04, 0x5F, 0x7F, 0x01, 'z',
        0x04, 0x01, 0x00,
    };
    vfy_lds_dg16 out;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_dg16(dg16, sizeof dg16, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.person_count, 2);
    cr_assert_eq(out.persons[0].name.data[0], 'N');
    cr_assert_eq(out.persons[0].telephone.len, 1);
    cr_assert_eq(out.unknown.count, 2);
    cr_assert_eq(vfy_lds_parse_dg16(dg16, sizeof dg16, NULL, &d), VFY_E_INVALID_ARGUMENT);
    /* Three declared, two held. */
    uint8_t three[sizeof dg16];
    memcpy(three, dg16, sizeof dg16);
    three[4] = 0x03;
    cr_assert_eq(vfy_lds_parse_dg16(three, sizeof three, &out, &d), VFY_E_BAD_VALUE);
    /* More templates than VFY_DG16_MAX_PERSONS: the rest are skipped, and the count is
     * then not held against the file. */
    uint8_t many[64] = { 0x70, 0 };
    size_t n = 2;
    many[n++] = 0x02;
    many[n++] = 0x01;
    many[n++] = VFY_DG16_MAX_PERSONS + 2;
    for (int i = 0; i < VFY_DG16_MAX_PERSONS + 2; i++) {
        many[n++] = (uint8_t)(0xA1 + i);
        many[n++] = 0x00;
    }
    many[1] = (uint8_t)(n - 2);
    cr_assert_eq(vfy_lds_parse_dg16(many, n, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.person_count, VFY_DG16_MAX_PERSONS);
}
