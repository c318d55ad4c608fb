/* The bounded writer (core/writer): never past its capacity, a sticky error, and BER
 * tags and lengths that OpenSSL's DER decoder and the library's own DER reader accept. */
#include <criterion/criterion.h>
#include <openssl/asn1.h>
#include <string.h>

#include "core/tlv.h"
#include "core/writer.h"

Test(writer, integers_are_big_endian)
{
    uint8_t buf[7];
    vfy_writer w;
    vfy_w_init(&w, buf, sizeof buf);
    vfy_w_u8(&w, 0xA1);
    vfy_w_u16be(&w, 0x0203);
    vfy_w_u32be(&w, 0x04050607);
    size_t n;
    cr_assert_eq(vfy_w_finish(&w, &n, VFY_E_INTERNAL, "t", NULL), VFY_OK);
    cr_assert_eq(n, 7);
    const uint8_t want[] = {0xA1, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
    cr_assert_arr_eq(buf, want, sizeof want);
}

Test(writer, overflow_is_sticky_and_writes_nothing)
{
    uint8_t buf[8];
    memset(buf, 0xEE, sizeof buf);
    vfy_writer w;
    vfy_w_init(&w, buf, 4);
    vfy_w_bytes(&w, "abc", 3);
    vfy_w_u16be(&w, 0x1122); /* needs 2, 1 left: refused whole */
    cr_assert(!vfy_w_ok(&w));
    cr_assert_eq(vfy_w_len(&w), 3);
    cr_assert_eq(buf[3], 0xEE, "a write that does not fit must not write its first byte");
    vfy_w_u8(&w, 0x55); /* would fit, but the writer has failed */
    cr_assert_eq(buf[3], 0xEE);
    cr_assert_eq(vfy_w_room(&w), 0);
    vfy_detail d;
    vfy_detail_clear(&d);
    size_t n = 99;
    cr_assert_eq(vfy_w_finish(&w, &n, VFY_E_APDU, "command", &d), VFY_E_APDU);
    cr_assert_eq(n, 0);
    cr_assert_str_eq(d.field, "command");
    cr_assert(strstr(d.message, "4-byte") != NULL, "%s", d.message);
}

Test(writer, exact_fit_succeeds_and_one_more_byte_fails)
{
    uint8_t buf[3];
    vfy_writer w;
    vfy_w_init(&w, buf, sizeof buf);
    vfy_w_fill(&w, 0x00, 3);
    size_t n;
    cr_assert_eq(vfy_w_finish(&w, &n, VFY_E_OUTPUT_FULL, "t", NULL), VFY_OK);
    cr_assert_eq(n, 3);
    vfy_w_u8(&w, 1);
    cr_assert_eq(vfy_w_finish(&w, &n, VFY_E_OUTPUT_FULL, "t", NULL), VFY_E_OUTPUT_FULL);
}

Test(writer, huge_length_does_not_wrap)
{
    uint8_t buf[4];
    vfy_writer w;
    vfy_w_init(&w, buf, sizeof buf);
    vfy_w_u8(&w, 1);
    cr_assert_null(vfy_w_claim(&w, SIZE_MAX));
    cr_assert(!vfy_w_ok(&w));
    vfy_w_init(&w, NULL, 100); /* no buffer: no room, whatever the cap says */
    vfy_w_u8(&w, 1);
    cr_assert(!vfy_w_ok(&w));
}

Test(writer, claim_and_unclaim)
{
    uint8_t buf[8];
    memset(buf, 0xEE, sizeof buf);
    vfy_writer w;
    vfy_w_init(&w, buf, sizeof buf);
    uint8_t *p = vfy_w_claim(&w, 6);
    cr_assert_not_null(p);
    cr_assert_eq(p[5], 0, "claimed bytes are zeroed");
    vfy_w_unclaim(&w, 2);
    cr_assert_eq(vfy_w_len(&w), 4);
    vfy_w_unclaim(&w, 5); /* more than was written: a bug, reported, never wrapped */
    cr_assert(!vfy_w_ok(&w));
    vfy_w_init(&w, buf, sizeof buf);
    cr_assert_null(vfy_w_claim(&w, 0), "an empty claim is refused");
    cr_assert(!vfy_w_ok(&w));
}

/* The length forms of X.690 8.1.3, checked against OpenSSL's DER decoder. */
static void octet_string_round_trip(size_t len, size_t want_header)
{
    static uint8_t buf[70000], value[66000];
    for (size_t i = 0; i < len; i++)
        value[i] = (uint8_t)(i * 7);
    vfy_writer w;
    vfy_w_init(&w, buf, sizeof buf);
    vfy_w_ber_tl(&w, 0x04, len);
    vfy_w_bytes(&w, value, len);
    size_t n;
    cr_assert_eq(vfy_w_finish(&w, &n, VFY_E_INTERNAL, "t", NULL), VFY_OK);
    cr_assert_eq(n, want_header + len, "length %zu: %zu bytes", len, n);
    cr_assert_eq(vfy_ber_tl_size(0x04, len), want_header);
    const unsigned char *p = buf;
    ASN1_OCTET_STRING *os = d2i_ASN1_OCTET_STRING(NULL, &p, (long)n);
    cr_assert_not_null(os, "OpenSSL refuses the DER of length %zu", len);
    cr_assert_eq((size_t)ASN1_STRING_length(os), len);
    cr_assert_eq(memcmp(ASN1_STRING_get0_data(os), value, len), 0);
    ASN1_OCTET_STRING_free(os);
    vfy_tlv t;
    cr_assert_eq(vfy_tlv_parse_one(buf, n, VFY_TLV_DER, "t", NULL, &t), VFY_OK,
                 "DER (minimal length) for %zu", len);
}

Test(writer, ber_lengths_are_minimal_der)
{
    octet_string_round_trip(0, 2);
    octet_string_round_trip(127, 2);
    octet_string_round_trip(128, 3);
    octet_string_round_trip(255, 3);
    octet_string_round_trip(256, 4);
    octet_string_round_trip(65535, 4);
    octet_string_round_trip(65536, 5);
}

Test(writer, multi_byte_tags)
{
    uint8_t buf[16];
    vfy_writer w;
    vfy_w_init(&w, buf, sizeof buf);
    vfy_w_ber_tl(&w, 0x7F49, 3);
    vfy_w_ber_tl(&w, 0x5F1F, 0);
    vfy_w_ber_tl(&w, 0xBF8101, 1);
    size_t n;
    cr_assert_eq(vfy_w_finish(&w, &n, VFY_E_INTERNAL, "t", NULL), VFY_OK);
    const uint8_t want[] = {0x7F, 0x49, 0x03, 0x5F, 0x1F, 0x00, 0xBF, 0x81, 0x01, 0x01};
    cr_assert_eq(n, sizeof want);
    cr_assert_arr_eq(buf, want, sizeof want);
    vfy_w_ber_tl(&w, 0, 1);
    cr_assert(!vfy_w_ok(&w), "tag 0 is not a tag");
}

Test(writer, tag_and_length_that_do_not_fit_write_nothing)
{
    uint8_t buf[4] = {0xEE, 0xEE, 0xEE, 0xEE};
    vfy_writer w;
    vfy_w_init(&w, buf, 3);
    vfy_w_ber_tl(&w, 0x7F49, 300); /* 2 + 3 bytes */
    cr_assert(!vfy_w_ok(&w));
    cr_assert_eq(buf[0], 0xEE);
}

/* Reserve and patch: nested elements whose lengths grow past one byte come out the
 * same as when the lengths were known in advance, and OpenSSL parses them. */
Test(writer, open_close_nested_matches_known_lengths)
{
    static uint8_t a[1200], b[1200], payload[300];
    memset(payload, 0x5A, sizeof payload);
    vfy_writer w;
    vfy_w_init(&w, a, sizeof a);
    size_t seq = vfy_w_ber_open(&w, 0x30);
    size_t os = vfy_w_ber_open(&w, 0x04);
    vfy_w_bytes(&w, payload, sizeof payload);
    vfy_w_ber_close(&w, os);
    size_t small = vfy_w_ber_open(&w, 0x04);
    vfy_w_bytes(&w, payload, 5);
    vfy_w_ber_close(&w, small);
    vfy_w_ber_close(&w, seq);
    size_t na;
    cr_assert_eq(vfy_w_finish(&w, &na, VFY_E_INTERNAL, "t", NULL), VFY_OK);

    vfy_writer k;
    vfy_w_init(&k, b, sizeof b);
    vfy_w_ber_tl(&k, 0x30, 4 + 300 + 2 + 5);
    vfy_w_ber_tl(&k, 0x04, 300);
    vfy_w_bytes(&k, payload, 300);
    vfy_w_ber_tl(&k, 0x04, 5);
    vfy_w_bytes(&k, payload, 5);
    size_t nb;
    cr_assert_eq(vfy_w_finish(&k, &nb, VFY_E_INTERNAL, "t", NULL), VFY_OK);
    cr_assert_eq(na, nb);
    cr_assert_arr_eq(a, b, na);
    cr_assert_eq(na, 4 + 4 + 300 + 2 + 5);

    const unsigned char *p = a;
    long len;
    int tag, cls;
    int r = ASN1_get_object(&p, &len, &tag, &cls, (long)na);
    cr_assert_eq(r & 0x80, 0, "OpenSSL parses the header");
    cr_assert_eq(tag, V_ASN1_SEQUENCE);
    cr_assert_eq(len, 311);
}

Test(writer, close_without_room_to_grow_fails)
{
    uint8_t buf[130];
    vfy_writer w;
    vfy_w_init(&w, buf, sizeof buf);
    size_t m = vfy_w_ber_open(&w, 0x04);
    vfy_w_fill(&w, 1, 128); /* 130 used; the length needs one more byte */
    cr_assert(vfy_w_ok(&w));
    vfy_w_ber_close(&w, m);
    size_t n;
    cr_assert_eq(vfy_w_finish(&w, &n, VFY_E_OUTPUT_FULL, "t", NULL), VFY_E_OUTPUT_FULL);
}

Test(writer, close_with_a_stale_mark_fails)
{
    uint8_t buf[16];
    vfy_writer w;
    vfy_w_init(&w, buf, sizeof buf);
    vfy_w_ber_close(&w, 3); /* nothing was opened */
    cr_assert(!vfy_w_ok(&w));
}

Test(writer, text_keeps_room_for_the_nul_and_truncates_to_a_prefix)
{
    char buf[4] = "zzz";
    vfy_writer w;
    vfy_w_init_text(&w, buf, sizeof buf);
    cr_assert_str_eq(buf, "", "empty text at first");
    vfy_w_char(&w, 'a');
    vfy_w_char(&w, 'b');
    vfy_w_char(&w, 'c');
    cr_assert(vfy_w_ok(&w));
    vfy_w_char(&w, 'd'); /* the NUL's byte is not room */
    cr_assert(!vfy_w_ok(&w));
    vfy_w_text_end(&w);
    cr_assert_str_eq(buf, "abc");
    vfy_w_init_text(&w, buf, 0); /* nothing may be written, not even the NUL */
    vfy_w_char(&w, 'x');
    vfy_w_text_end(&w);
    cr_assert(!vfy_w_ok(&w));
    cr_assert_str_eq(buf, "abc");
}
