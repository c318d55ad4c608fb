#include <criterion/criterion.h>
#include <string.h>

#include "core/cursor.h"

static const uint8_t bytes[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };

Test(cursor, integers_big_and_little_endian)
{
    vfy_cursor c;
    vfy_cur_init(&c, bytes, sizeof bytes, "t", NULL);
    uint8_t a;
    uint16_t b;
    uint32_t d;
    cr_assert_eq(vfy_cur_u8(&c, &a), VFY_OK);
    cr_assert_eq(a, 0x01);
    cr_assert_eq(vfy_cur_u16be(&c, &b), VFY_OK);
    cr_assert_eq(b, 0x0203);
    cr_assert_eq(vfy_cur_u24be(&c, &d), VFY_OK);
    cr_assert_eq(d, 0x040506);
    cr_assert_eq(vfy_cur_u16le(&c, &b), VFY_OK);
    cr_assert_eq(b, 0x0807);
    cr_assert_eq(vfy_cur_remaining(&c), 1);
    cr_assert_eq(vfy_cur_u32be(&c, &d), VFY_E_TRUNCATED);
    cr_assert_eq(vfy_cur_remaining(&c), 1, "a failed read must not advance");
    cr_assert_eq(vfy_cur_u8(&c, &a), VFY_OK);
    cr_assert(vfy_cur_at_end(&c));
    cr_assert_eq(vfy_cur_u8(&c, &a), VFY_E_TRUNCATED);
}

Test(cursor, failure_reports_absolute_offset_and_field)
{
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_cursor c, sub;
    vfy_cur_init(&c, bytes, sizeof bytes, "outer", &d);
    cr_assert_eq(vfy_cur_skip(&c, 3), VFY_OK);
    cr_assert_eq(vfy_cur_sub(&c, 4, "inner", &sub), VFY_OK);
    cr_assert_eq(vfy_cur_skip(&sub, 3), VFY_OK);
    uint16_t v;
    cr_assert_eq(vfy_cur_u16be(&sub, &v), VFY_E_TRUNCATED);
    cr_assert_eq(d.status, VFY_E_TRUNCATED);
    cr_assert_eq(d.offset, 6);
    cr_assert_str_eq(d.field, "inner");
    cr_assert(strstr(d.message, "need 2 bytes") != NULL, "%s", d.message);
    /* The child is bounded: the parent's remaining bytes are out of its reach. */
    cr_assert_eq(vfy_cur_remaining(&c), 2);
}

Test(cursor, views_copies_and_expectations)
{
    vfy_cursor c;
    vfy_cur_init(&c, bytes, sizeof bytes, NULL, NULL);
    const uint8_t *view;
    cr_assert_eq(vfy_cur_bytes(&c, 2, &view), VFY_OK);
    cr_assert_eq(view, bytes, "views are zero-copy");
    uint8_t buf[3];
    cr_assert_eq(vfy_cur_copy(&c, buf, 3), VFY_OK);
    cr_assert_eq(memcmp(buf, bytes + 2, 3), 0);
    uint8_t p;
    cr_assert_eq(vfy_cur_peek(&c, 3, &p), VFY_OK);
    cr_assert_eq(p, 0x09);
    cr_assert_eq(vfy_cur_peek(&c, 4, &p), VFY_E_TRUNCATED);
    cr_assert_eq(vfy_cur_expect_u8(&c, 0x07, "x"), VFY_E_BAD_VALUE);
    cr_assert_eq(vfy_cur_expect_u8(&c, 0x06, "x"), VFY_OK);
    cr_assert_eq(vfy_cur_expect_end(&c), VFY_E_TRAILING_BYTES);
    size_t n;
    vfy_cur_rest(&c, &view, &n);
    cr_assert_eq(n, 3);
    cr_assert_eq(vfy_cur_expect_end(&c), VFY_OK);
    cr_assert_eq(vfy_cur_skip(&c, 1), VFY_E_TRUNCATED);
}

Test(cursor, huge_length_does_not_wrap)
{
    vfy_cursor c;
    vfy_cur_init(&c, bytes, sizeof bytes, NULL, NULL);
    cr_assert_eq(vfy_cur_skip(&c, 1), VFY_OK);
    cr_assert_eq(vfy_cur_skip(&c, SIZE_MAX), VFY_E_TRUNCATED);
    vfy_cursor sub;
    cr_assert_eq(vfy_cur_sub(&c, SIZE_MAX - 1, NULL, &sub), VFY_E_TRUNCATED);
    uint64_t v;
    cr_assert_eq(vfy_cur_uint_be(&c, 9, &v), VFY_E_INTERNAL);
}

Test(cursor, empty_input)
{
    vfy_cursor c;
    vfy_cur_init(&c, NULL, 5, NULL, NULL);
    cr_assert_eq(vfy_cur_remaining(&c), 0, "NULL data is an empty window");
    uint8_t a;
    cr_assert_eq(vfy_cur_u8(&c, &a), VFY_E_TRUNCATED);
}

Test(cursor, ber_tags)
{
    struct { const char *in; size_t n; uint32_t tag; bool cons; vfy_status st; } cases[] = {
        { "\x30", 1, 0x30, true, VFY_OK },
        { "\x04", 1, 0x04, false, VFY_OK },
        { "\x5F\x1F", 2, 0x5F1F, false, VFY_OK },
        { "\x7F\x61", 2, 0x7F61, true, VFY_OK },
        { "\x5F\x81\x02", 3, 0x5F8102, false, VFY_OK },
        { "\x5F\x81\x82\x03", 4, 0x5F818203, false, VFY_OK },
        { "\x5F\x81\x82\x83\x04", 5, 0, false, VFY_E_BAD_TAG },  /* five bytes */
        { "\x5F\x80\x01", 3, 0, false, VFY_E_BAD_TAG },          /* padded tag number */
        { "\x5F", 1, 0, false, VFY_E_TRUNCATED },
        { "\x5F\x81", 2, 0, false, VFY_E_TRUNCATED },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vfy_cursor c;
        vfy_cur_init(&c, cases[i].in, cases[i].n, NULL, NULL);
        uint32_t tag = 0;
        bool cons = false;
        cr_assert_eq(vfy_cur_ber_tag(&c, &tag, &cons), cases[i].st, "case %zu", i);
        if (cases[i].st == VFY_OK) {
            cr_assert_eq(tag, cases[i].tag, "case %zu", i);
            cr_assert_eq(cons, cases[i].cons, "case %zu", i);
            cr_assert(vfy_cur_at_end(&c));
        } else {
            cr_assert_eq(c.pos, 0, "case %zu: a failed read must not advance", i);
        }
    }
}

Test(cursor, ber_lengths)
{
    struct { const char *in; size_t n; bool der, indef_ok; size_t len; bool indef; vfy_status st; } cases[] = {
        { "\x00", 1, true, false, 0, false, VFY_OK },
        { "\x7F", 1, true, false, 127, false, VFY_OK },
        { "\x81\x80", 2, true, false, 128, false, VFY_OK },
        { "\x82\x01\x00", 3, true, false, 256, false, VFY_OK },
        { "\x83\x01\x00\x00", 4, true, false, 65536, false, VFY_OK },
        { "\x84\x01\x00\x00\x00", 5, true, false, 16777216, false, VFY_OK },
        { "\x85\x01\x00\x00\x00\x00", 6, false, false, 0, false, VFY_E_BAD_LENGTH },
        { "\x81\x05", 2, true, false, 0, false, VFY_E_BAD_LENGTH },   /* non-minimal in DER */
        { "\x81\x05", 2, false, false, 5, false, VFY_OK },            /* ... accepted in BER */
        { "\x82\x00\x80", 3, true, false, 0, false, VFY_E_BAD_LENGTH },
        { "\x80", 1, false, false, 0, false, VFY_E_INDEFINITE_LENGTH },
        { "\x80", 1, false, true, 0, true, VFY_OK },
        { "\x82\x01", 2, false, false, 0, false, VFY_E_TRUNCATED },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vfy_cursor c;
        vfy_cur_init(&c, cases[i].in, cases[i].n, NULL, NULL);
        size_t len = 99;
        bool indef = false;
        cr_assert_eq(vfy_cur_ber_length(&c, cases[i].der, cases[i].indef_ok, &len, &indef),
                     cases[i].st, "case %zu", i);
        if (cases[i].st == VFY_OK) {
            cr_assert_eq(len, cases[i].len, "case %zu", i);
            cr_assert_eq(indef, cases[i].indef, "case %zu", i);
        } else {
            cr_assert_eq(c.pos, 0, "case %zu", i);
        }
    }
}
