#include <criterion/criterion.h>
#include <string.h>

#include "core/tlv.h"
#include "support.h"

/* EF.COM of ICAO 9303-11 appendix D.4: LDS 1.7, Unicode 4.0.0, DG1 DG2 DG11 DG12. */
static const char *ef_com_hex = "60145F0104303130375F36063034303030305C026175";

Test(tlv, ef_com_by_path)
{
    size_t n;
    uint8_t *com = hex_decode(ef_com_hex, &n);
    vfy_tlv t;
    const uint32_t path[] = { 0x60, 0x5C };
    cr_assert_eq(vfy_tlv_find_path(com, n, path, 2, VFY_TLV_DER, "EF.COM", NULL, &t), VFY_OK);
    cr_assert_eq(t.tag, 0x5C);
    cr_assert_eq(t.value.len, 2);
    cr_assert_eq(t.value.data[0], 0x61);
    cr_assert_eq(t.value.data[1], 0x75);
    cr_assert_eq(t.offset, 18);
    const uint32_t ver[] = { 0x60, 0x5F01 };
    cr_assert_eq(vfy_tlv_find_path(com, n, ver, 2, VFY_TLV_DER, "EF.COM", NULL, &t), VFY_OK);
    cr_assert_eq(memcmp(t.value.data, "0107", 4), 0);
    cr_assert_eq(t.raw_len, 7);
    cr_assert_eq(vfy_tlv_validate(com, n, VFY_TLV_DER, "EF.COM", NULL), VFY_OK);
    free(com);
}

Test(tlv, missing_child_is_not_found_with_detail)
{
    size_t n;
    uint8_t *com = hex_decode(ef_com_hex, &n);
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_tlv t;
    const uint32_t path[] = { 0x60, 0x77 };
    cr_assert_eq(vfy_tlv_find_path(com, n, path, 2, 0, "EF.COM", &d, &t), VFY_E_NOT_FOUND);
    cr_assert(strstr(d.message, "0x77") != NULL, "%s", d.message);
    const uint32_t wrong_top[] = { 0x61 };
    cr_assert_eq(vfy_tlv_find_path(com, n, wrong_top, 1, 0, "EF.COM", &d, &t), VFY_E_BAD_TAG);
    free(com);
}

Test(tlv, length_beyond_buffer)
{
    const uint8_t in[] = { 0x30, 0x05, 0x02, 0x01, 0x01 };
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_tlv t;
    cr_assert_eq(vfy_tlv_parse_one(in, sizeof in, 0, "x", &d, &t), VFY_E_LENGTH_OVERFLOW);
    cr_assert_eq(d.offset, 2);
    cr_assert(strstr(d.message, "declares 5 bytes, only 3 remain") != NULL, "%s", d.message);
}

Test(tlv, trailing_bytes)
{
    const uint8_t in[] = { 0x04, 0x01, 0xAA, 0xBB };
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_tlv t;
    cr_assert_eq(vfy_tlv_parse_one(in, sizeof in, 0, "x", &d, &t), VFY_E_TRAILING_BYTES);
    cr_assert_eq(d.offset, 3);
}

Test(tlv, truncated_header)
{
    const uint8_t in[] = { 0x30, 0x82, 0x01 };
    vfy_tlv t;
    cr_assert_eq(vfy_tlv_parse_one(in, sizeof in, 0, "x", NULL, &t), VFY_E_TRUNCATED);
    cr_assert_eq(vfy_tlv_parse_one(in, 0, 0, "x", NULL, &t), VFY_E_TRUNCATED);
}

Test(tlv, indefinite_length_only_when_allowed)
{
    /* SEQUENCE (indefinite) { INTEGER 5, SEQUENCE (indefinite) { OCTET STRING 'ab' } } */
    const uint8_t in[] = { 0x30, 0x80, 0x02, 0x01, 0x05, 0x30, 0x80, 0x04, 0x02, 'a', 'b',
                           0x00, 0x00, 0x00, 0x00 };
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_tlv t;
    cr_assert_eq(vfy_tlv_parse_one(in, sizeof in, 0, "EF.SOD", &d, &t), VFY_E_INDEFINITE_LENGTH);
    cr_assert(strstr(d.message, "not allowed") != NULL);
    cr_assert_eq(vfy_tlv_parse_one(in, sizeof in, VFY_TLV_ALLOW_INDEFINITE, "EF.SOD", &d, &t), VFY_OK);
    cr_assert(t.indefinite);
    cr_assert_eq(t.value.len, sizeof in - 4, "value excludes header and end-of-contents");
    cr_assert_eq(t.raw_len, sizeof in);
    vfy_tlv inner, str;
    cr_assert_eq(vfy_tlv_child(&t, 0x30, VFY_TLV_ALLOW_INDEFINITE, &inner), VFY_OK);
    cr_assert(inner.indefinite);
    cr_assert_eq(vfy_tlv_child(&inner, 0x04, VFY_TLV_ALLOW_INDEFINITE, &str), VFY_OK);
    cr_assert_eq(memcmp(str.value.data, "ab", 2), 0);
    cr_assert_eq(vfy_tlv_validate(in, sizeof in, VFY_TLV_ALLOW_INDEFINITE, "x", NULL), VFY_OK);
}

Test(tlv, indefinite_without_end_of_contents)
{
    const uint8_t in[] = { 0x30, 0x80, 0x02, 0x01, 0x05 };
    vfy_tlv t;
    cr_assert_eq(vfy_tlv_parse_one(in, sizeof in, VFY_TLV_ALLOW_INDEFINITE, "x", NULL, &t),
                 VFY_E_TRUNCATED);
}

Test(tlv, primitive_indefinite_is_refused)
{
    const uint8_t in[] = { 0x04, 0x80, 0x41, 0x00, 0x00 };
    vfy_tlv t;
    cr_assert_eq(vfy_tlv_parse_one(in, sizeof in, VFY_TLV_ALLOW_INDEFINITE, "x", NULL, &t),
                 VFY_E_INDEFINITE_LENGTH);
}

Test(tlv, nesting_limit)
{
    /* 40 nested indefinite SEQUENCEs: past the depth limit. */
    uint8_t in[40 * 2 + 40 * 2];
    size_t n = 0;
    for (int i = 0; i < 40; i++) {
        in[n++] = 0x30;
        in[n++] = 0x80;
    }
    for (int i = 0; i < 40; i++) {
        in[n++] = 0;
        in[n++] = 0;
    }
    vfy_tlv t;
    cr_assert_eq(vfy_tlv_parse_one(in, n, VFY_TLV_ALLOW_INDEFINITE, "x", NULL, &t), VFY_E_TOO_DEEP);

    /* 40 nested definite SEQUENCEs: parse_one reads the top, validate walks and refuses. */
    uint8_t def[80];
    for (int i = 0; i < 40; i++) {
        def[2 * i] = 0x30;
        def[2 * i + 1] = (uint8_t)(78 - 2 * i);
    }
    cr_assert_eq(vfy_tlv_parse_one(def, sizeof def, 0, "x", NULL, &t), VFY_OK);
    cr_assert_eq(vfy_tlv_validate(def, sizeof def, 0, "x", NULL), VFY_E_TOO_DEEP);
    cr_assert_eq(vfy_tlv_validate(def + 2 * 10, sizeof def - 2 * 10, 0, "x", NULL), VFY_OK);
}

Test(tlv, children_cannot_read_past_parent)
{
    /* The outer element claims 3 bytes; the inner one claims 4 (it runs into the sibling). */
    const uint8_t in[] = { 0x30, 0x03, 0x04, 0x04, 0x01, 0x02, 0x03, 0x04 };
    vfy_cursor c;
    vfy_cur_init(&c, in, sizeof in, "x", NULL);
    vfy_tlv outer, inner;
    cr_assert_eq(vfy_tlv_next(&c, 0, &outer), VFY_OK);
    cr_assert_eq(vfy_tlv_child(&outer, 0x04, 0, &inner), VFY_E_LENGTH_OVERFLOW);
}

Test(tlv, der_refuses_non_minimal_lengths)
{
    const uint8_t in[] = { 0x04, 0x81, 0x01, 0xAA };
    vfy_tlv t;
    cr_assert_eq(vfy_tlv_parse_one(in, sizeof in, VFY_TLV_DER, "x", NULL, &t), VFY_E_BAD_LENGTH);
    cr_assert_eq(vfy_tlv_parse_one(in, sizeof in, 0, "x", NULL, &t), VFY_OK);
    cr_assert_eq(t.value.len, 1);
}

Test(tlv, expect_tag)
{
    const uint8_t in[] = { 0x02, 0x01, 0x07 };
    vfy_cursor c;
    vfy_cur_init(&c, in, sizeof in, "x", NULL);
    vfy_tlv t;
    cr_assert_eq(vfy_tlv_expect(&c, 0x04, 0, &t), VFY_E_BAD_TAG);
    cr_assert_eq(c.pos, 0);
    cr_assert_eq(vfy_tlv_expect(&c, 0x02, 0, &t), VFY_OK);
    cr_assert_eq(vfy_tlv_tag_size(0x02), 1);
    cr_assert_eq(vfy_tlv_tag_size(0x7F61), 2);
    cr_assert_eq(vfy_tlv_tag_size(0x5F8102), 3);
}
