/*
 * The small codecs of seals against worked examples: C40 (BSI TR-03137 annex B),
 * 3-byte and masked dates (BSI, vdstools tests), base32 and bounded zlib
 * (RFC 4648, RFC 1950, the output limit at and one past the cap), RFC 8785 JSON
 * canonicalisation (the RFC's own examples), and the seal TLV length forms.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "seal/base32.h"
#include "seal/base64url.h"
#include "seal/c40.h"
#include "seal/inflate.h"
#include "core/jcs.h"
#include "seal/seal_date.h"
#include "seal/seal_internal.h"
#include "support.h"

static vfy_status c40(const char *hex, char *out, size_t cap)
{
    size_t n, len;
    uint8_t *b = hex_decode(hex, &n);
    vfy_cursor c;
    vfy_cur_init(&c, b, n, "c40", NULL);
    vfy_status s = seal_c40_decode(&c, n, out, cap, &len);
    if (s == VFY_OK)
        cr_assert(vfy_cur_at_end(&c));
    else
        cr_assert_eq(c.pos, 0, "nothing consumed on failure");
    free(b);
    return s;
}

Test(seal_c40, bsi_worked_values)
{
    char t[64];
    cr_assert_eq(c40("EB0466A9", t, sizeof t), VFY_OK);
    cr_assert_str_eq(t, "XK CD"); /* XK<CD with the filler as space */
    cr_assert_eq(c40("EB11FE45", t, sizeof t), VFY_OK);
    cr_assert_str_eq(t, "XKCD"); /* one character left: unlatch + ASCII+1 */
    cr_assert_eq(c40("62D719C9", t, sizeof t), VFY_OK);
    cr_assert_str_eq(t, "BSI01"); /* two left: Shift-1 padding */
    cr_assert_eq(c40("6ABC", t, sizeof t), VFY_OK);
    cr_assert_str_eq(t, "D  ");
    cr_assert_eq(c40("D9C5", t, sizeof t), VFY_OK);
    cr_assert_str_eq(t, "UTO");
    cr_assert_eq(c40("6D32C8A519FC", t, sizeof t), VFY_OK);
    cr_assert_str_eq(t, "DETS00027");
    cr_assert_eq(c40("6D32C8A72CB1", t, sizeof t), VFY_OK);
    cr_assert_str_eq(t, "DETS0232");
    cr_assert_eq(c40("", t, sizeof t), VFY_OK);
    cr_assert_str_eq(t, "");
    seal_c40_restore_filler(strcpy(t, "XK CD"));
    cr_assert_str_eq(t, "XK<CD");
}

Test(seal_c40, strict_refusals)
{
    char t[64];
    cr_assert_eq(c40("EB04 66", t, sizeof t), VFY_E_BAD_ENCODING);   /* odd byte count */
    cr_assert_eq(c40("0000", t, sizeof t), VFY_E_BAD_ENCODING);      /* value 0 */
    cr_assert_eq(c40("FA01", t, sizeof t), VFY_E_BAD_ENCODING);      /* 64001 > 64000 */
    cr_assert_eq(c40("0001", t, sizeof t), VFY_E_BAD_ENCODING);      /* value 1 = 0,0,0: padding first */
    cr_assert_eq(c40("0029", t, sizeof t), VFY_E_BAD_ENCODING);      /* 41 -> 0,1,0: Shift 2 */
    cr_assert_eq(c40("19C96ABC", t, sizeof t), VFY_E_BAD_ENCODING);  /* padding in a pair that is not last */
    cr_assert_eq(c40("FE456ABC", t, sizeof t), VFY_E_BAD_ENCODING);  /* unlatch not in the last pair */
    cr_assert_eq(c40("FE3D", t, sizeof t), VFY_E_BAD_ENCODING);      /* unlatched '<' is not a C40 character */
    cr_assert_eq(c40("FE00", t, sizeof t), VFY_E_BAD_ENCODING);
    cr_assert_eq(c40("6ABC", t, 3), VFY_E_INTERNAL);                 /* output too small, never overrun */
}

static vfy_status date3(const char *hex, vfy_date *d)
{
    size_t n;
    uint8_t *b = hex_decode(hex, &n);
    vfy_cursor c;
    vfy_cur_init(&c, b, n, "date", NULL);
    vfy_status s = seal_date3_read(&c, d);
    free(b);
    return s;
}

Test(seal_date, three_byte_dates)
{
    vfy_date d;
    cr_assert_eq(date3("319EF5", &d), VFY_OK);
    cr_assert(d.year == 1957 && d.month == 3 && d.day == 25);
    cr_assert_eq(date3("0F7134", &d), VFY_OK);
    cr_assert(d.year == 2020 && d.month == 1 && d.day == 1);
    cr_assert_eq(date3("B79815", &d), VFY_OK);
    cr_assert(d.year == 2021 && d.month == 12 && d.day == 3);
    cr_assert_eq(date3("000000", &d), VFY_E_BAD_VALUE);      /* month 0 */
    cr_assert_eq(date3("C68C35", &d), VFY_E_BAD_VALUE);      /* 13012021: month 13 */
    cr_assert_eq(date3("22F935", &d), VFY_E_BAD_VALUE);      /* 02292021: not a leap year */
    cr_assert_eq(date3("22F934", &d), VFY_OK);               /* 02292020 */
    cr_assert(d.year == 2020 && d.month == 2 && d.day == 29);
    cr_assert_eq(date3("31 9E", &d), VFY_E_TRUNCATED);
}

static const char *masked(const char *hex, vfy_date *d, char text[11])
{
    size_t n;
    uint8_t *b = hex_decode(hex, &n);
    vfy_cursor c;
    vfy_cur_init(&c, b, n, "date", NULL);
    vfy_status s = seal_masked_date_read(&c, d, text);
    free(b);
    return s == VFY_OK ? text : NULL;
}

Test(seal_date, masked_dates_vdstools_examples)
{
    vfy_date d;
    char t[11];
    cr_assert_str_eq(masked("C3002E7C", &d, t), "19xx-xx-01");
    cr_assert(d.year == 0 && d.month == 0 && d.day == 1);
    cr_assert_str_eq(masked("313D10DA", &d, t), "201x-04-xx");
    cr_assert_str_eq(masked("F000076C", &d, t), "1900-xx-xx");
    cr_assert(d.year == 1900 && d.month == 0 && d.day == 0);
    cr_assert_str_eq(masked("00BBDDBF", &d, t), "1999-12-31");
    cr_assert(d.year == 1999 && d.month == 12 && d.day == 31);
    cr_assert_str_eq(masked("FF000000", &d, t), "xxxx-xx-xx");
    cr_assert_str_eq(masked("0031782A", &d, t), "2026-03-24");
    cr_assert_null(masked("80BBDDBF", &d, t), "an unknown digit must be written as 0");
    cr_assert_null(masked("00C68C35", &d, t), "month 13");
}

/* RFC 4648 test vectors, without padding. */
Test(seal_base32, rfc4648_vectors_and_refusals)
{
    static const struct { const char *text, *plain; } v[] = {
        { "", "" }, { "MY", "f" }, { "MZXQ", "fo" }, { "MZXW6", "foo" }, { "MZXW6YQ", "foob" },
        { "MZXW6YTB", "fooba" }, { "MZXW6YTBOI", "foobar" },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t out[16];
        size_t n;
        vfy_cursor c;
        vfy_cur_init(&c, v[i].text, strlen(v[i].text), "b32", NULL);
        cr_assert_eq(seal_base32_decode(&c, out, sizeof out, &n), VFY_OK, "%s", v[i].text);
        cr_assert_eq(n, strlen(v[i].plain));
        cr_assert_eq(memcmp(out, v[i].plain, n), 0);
    }
    static const char *bad[] = { "MZXW6===", "mzxw6", "MZX", "M", "MZXW61", "MZ" /* leftover bits */ };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t out[16];
        size_t n;
        vfy_cursor c;
        vfy_cur_init(&c, bad[i], strlen(bad[i]), "b32", NULL);
        cr_assert_eq(seal_base32_decode(&c, out, sizeof out, &n), VFY_E_BAD_ENCODING, "%s", bad[i]);
    }
}

/* RFC 4648 section 10 vectors, with and without padding, and the URL-safe letters of
 * section 5 (bytes FB FF -> "-_8"); the refusals are the standard alphabet, padding that is
 * incomplete, too long or followed by data, a dangling character, and leftover bits. */
Test(seal_base64url, rfc4648_vectors_and_refusals)
{
    static const struct { const char *text, *plain; size_t len; } v[] = {
        { "", "", 0 }, { "Zg", "f", 1 }, { "Zg==", "f", 1 }, { "Zm8", "fo", 2 },
        { "Zm8=", "fo", 2 }, { "Zm9v", "foo", 3 }, { "Zm9vYg", "foob", 4 },
        { "Zm9vYmE=", "fooba", 5 }, { "Zm9vYmFy", "foobar", 6 }, { "-_8", "\xFB\xFF", 2 },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t out[SEAL_BASE64_DECODED_MAX(8)];
        size_t n;
        vfy_cursor c;
        vfy_cur_init(&c, v[i].text, strlen(v[i].text), "b64", NULL);
        cr_assert_eq(seal_base64url_decode(&c, out, sizeof out, &n), VFY_OK, "%s", v[i].text);
        cr_assert_eq(n, v[i].len, "%s", v[i].text);
        cr_assert_eq(memcmp(out, v[i].plain, n), 0);
        cr_assert(vfy_cur_at_end(&c));
    }
    static const struct { const char *text; size_t offset; } bad[] = {
        { "+/8", 0 }, { "Zm9/", 3 }, { "Zg=", 3 }, { "Zg===", 5 }, { "Zg==Zg", 2 },
        { "Zm9vY", 5 }, { "Zh", 2 } /* leftover bits */, { "Z", 1 }, { "Zm 9v", 2 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t out[16];
        size_t n;
        vfy_detail d;
        vfy_detail_clear(&d);
        vfy_cursor c;
        vfy_cur_init(&c, bad[i].text, strlen(bad[i].text), "b64", &d);
        cr_assert_eq(seal_base64url_decode(&c, out, sizeof out, &n), VFY_E_BAD_ENCODING, "%s",
                     bad[i].text);
        cr_assert_eq(d.offset, bad[i].offset, "%s: offset %zu", bad[i].text, d.offset);
        cr_assert_eq(c.pos, 0, "a refused text is not consumed");
    }
    uint8_t small[2];
    size_t n;
    vfy_cursor c;
    vfy_cur_init(&c, "Zm9v", 4, "b64", NULL);
    cr_assert_eq(seal_base64url_decode(&c, small, sizeof small, &n), VFY_E_INTERNAL);
}

static vfy_status inflate_n(size_t plain_len, size_t limit, size_t *out_len, bool corrupt)
{
    uint8_t *plain = calloc(1, plain_len + 1);
    uLongf zlen = compressBound(plain_len);
    uint8_t *z = malloc(zlen);
    cr_assert(plain != NULL && z != NULL);
    cr_assert_eq(compress2(z, &zlen, plain, plain_len, 9), Z_OK);
    if (corrupt)
        z[zlen - 1] ^= 0xFF; /* Adler-32 */
    uint8_t *out = malloc(limit + 1);
    vfy_cursor c;
    vfy_cur_init(&c, z, zlen, "zlib", NULL);
    vfy_status s = seal_inflate(&c, out, limit, out_len);
    free(plain);
    free(z);
    free(out);
    return s;
}

Test(seal_inflate, limit_is_exact_and_checksum_checked)
{
    size_t n = 0;
    cr_assert_eq(inflate_n(4096, 4096, &n, false), VFY_OK);
    cr_assert_eq(n, 4096);
    cr_assert_eq(inflate_n(4097, 4096, &n, false), VFY_E_DECOMPRESSION_BOMB);
    cr_assert_eq(inflate_n(4000000, VFY_SEAL_MAX_INFLATED, &n, false), VFY_E_DECOMPRESSION_BOMB);
    cr_assert_eq(inflate_n(100, 4096, &n, true), VFY_E_INFLATE);
    /* Raw deflate and truncated streams are refused. */
    static const uint8_t cut[] = { 0x78, 0xDA, 0x63, 0x60 };
    uint8_t out[64];
    vfy_cursor c;
    vfy_cur_init(&c, cut, sizeof cut, "zlib", NULL);
    cr_assert_eq(seal_inflate(&c, out, 32, &n), VFY_E_INFLATE);
    static const uint8_t raw[] = { 0x63, 0x60, 0x00, 0x00 };
    vfy_cur_init(&c, raw, sizeof raw, "zlib", NULL);
    cr_assert_eq(seal_inflate(&c, out, 32, &n), VFY_E_INFLATE);
}

/* ---- RFC 8785 ------------------------------------------------------------------- */
static const char *num(double x, char buf[64])
{
    vfy_jcs_number(x, buf);
    return buf;
}

Test(seal_jcs, ecmascript_numbers)
{
    char b[64];
    /* RFC 8785 appendix B and ECMA-262 Number::toString. */
    cr_assert_str_eq(num(0.0, b), "0");
    cr_assert_str_eq(num(-0.0, b), "0");
    cr_assert_str_eq(num(1, b), "1");
    cr_assert_str_eq(num(-1.5, b), "-1.5");
    cr_assert_str_eq(num(5e-324, b), "5e-324");
    cr_assert_str_eq(num(1.7976931348623157e308, b), "1.7976931348623157e+308");
    cr_assert_str_eq(num(9007199254740992.0, b), "9007199254740992");
    cr_assert_str_eq(num(-9007199254740992.0, b), "-9007199254740992");
    cr_assert_str_eq(num(295147905179352830000.0, b), "295147905179352830000");
    cr_assert_str_eq(num(1e21, b), "1e+21");
    cr_assert_str_eq(num(1e20, b), "100000000000000000000");
    cr_assert_str_eq(num(0.000001, b), "0.000001");
    cr_assert_str_eq(num(1e-7, b), "1e-7");
    cr_assert_str_eq(num(333333333.3333333, b), "333333333.3333333");
    cr_assert_str_eq(num(4.5, b), "4.5");
    cr_assert_str_eq(num(2e-3, b), "0.002");
    cr_assert_str_eq(num(0.000001234, b), "0.000001234");
    cr_assert_str_eq(num(1.5e-7, b), "1.5e-7");
    cr_assert_str_eq(num(123e20, b), "1.23e+22");
}

/* RFC 8785 appendix B: IEEE-754 bit patterns and their serialisations. */
Test(seal_jcs, rfc8785_appendix_b)
{
    static const struct { uint64_t bits; const char *text; } v[] = {
        { 0x0000000000000000u, "0" }, { 0x8000000000000000u, "0" },
        { 0x0000000000000001u, "5e-324" }, { 0x8000000000000001u, "-5e-324" },
        { 0x7fefffffffffffffu, "1.7976931348623157e+308" },
        { 0xffefffffffffffffu, "-1.7976931348623157e+308" },
        { 0x4340000000000000u, "9007199254740992" }, { 0xc340000000000000u, "-9007199254740992" },
        { 0x4430000000000000u, "295147905179352830000" },
        { 0x44b52d02c7e14af5u, "9.999999999999997e+22" }, { 0x44b52d02c7e14af6u, "1e+23" },
        { 0x44b52d02c7e14af7u, "1.0000000000000001e+23" },
        { 0x444b1ae4d6e2ef4eu, "999999999999999700000" },
        { 0x444b1ae4d6e2ef4fu, "999999999999999900000" }, { 0x444b1ae4d6e2ef50u, "1e+21" },
        { 0x3eb0c6f7a0b5ed8cu, "9.999999999999997e-7" }, { 0x3eb0c6f7a0b5ed8du, "0.000001" },
        { 0x41b3de4355555553u, "333333333.3333332" }, { 0x41b3de4355555554u, "333333333.33333325" },
        { 0x41b3de4355555555u, "333333333.3333333" }, { 0x41b3de4355555556u, "333333333.3333334" },
        { 0x41b3de4355555557u, "333333333.33333343" },
        { 0xbecbf647612f3696u, "-0.0000033333333333333333" },
        { 0x43143ff3c1cb0959u, "1424953923781206.2" },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        double x;
        memcpy(&x, &v[i].bits, sizeof x);
        char b[64];
        cr_expect_str_eq(num(x, b), v[i].text, "%016llx", (unsigned long long)v[i].bits);
    }
    /* NaN and Infinity (7fffffffffffffff, 7ff0000000000000) have no serialisation. */
    json_t *inf = json_real(0.0);
    cr_assert_eq(json_real_set(inf, 1e308 * 10), -1, "jansson itself refuses a non-finite real");
    json_decref(inf);
}

/* JSON integers are serialised as the double they equal; beyond 2^53 there is none
 * exact, and the canonical form is refused rather than rounded. */
Test(seal_jcs, integers_beyond_2_pow_53_are_refused)
{
    json_t *v = json_pack("[I, I]", (json_int_t)9007199254740992LL, (json_int_t)-9007199254740992LL);
    char *out;
    size_t n;
    cr_assert_eq(vfy_jcs_serialize(v, 64, &out, &n), VFY_OK);
    cr_assert_str_eq(out, "[9007199254740992,-9007199254740992]");
    free(out);
    json_decref(v);
    v = json_pack("{s:I}", "n", (json_int_t)9007199254740993LL);
    cr_assert_eq(vfy_jcs_serialize(v, 64, &out, &n), VFY_E_BAD_VALUE);
    json_decref(v);
    v = json_pack("[I]", (json_int_t)-9007199254740993LL);
    cr_assert_eq(vfy_jcs_serialize(v, 64, &out, &n), VFY_E_BAD_VALUE);
    json_decref(v);
}

static char *canon(const char *json)
{
    json_error_t e;
    json_t *v = json_loads(json, JSON_DECODE_INT_AS_REAL | JSON_DECODE_ANY, &e);
    cr_assert_not_null(v, "%s", e.text);
    char *out;
    size_t n;
    cr_assert_eq(vfy_jcs_serialize(v, 4096, &out, &n), VFY_OK);
    cr_assert_eq(strlen(out), n);
    json_decref(v);
    return out;
}

Test(seal_jcs, rfc8785_sorting_and_strings)
{
    /* RFC 8785 §3.2.3: names sorted by UTF-16 code units (U+1F600 before U+FB33). */
    char *s = canon("{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet "
                    "With Dagesh\",\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
                    "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}");
    cr_assert_str_eq(s, "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\",\"\xc3\xb6\":\"Latin "
                        "Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\",\"\xf0\x9f\x98\x80\":\"Emoji: "
                        "Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
    free(s);
    /* RFC 8785 §3.2.2.2 string example and number example. */
    s = canon("{\"numbers\":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"
              "\"string\":\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
              "\"literals\":[null,true,false]}");
    cr_assert_str_eq(s, "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                        "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    free(s);
    s = canon("{\"b\":[],\"a\":{},\"ab\":1,\"aa\":\"\\t\\b\\f\\u0001\"}");
    cr_assert_str_eq(s, "{\"a\":{},\"aa\":\"\\t\\b\\f\\u0001\",\"ab\":1,\"b\":[]}");
    free(s);
}

Test(seal_jcs, limit)
{
    json_t *v = json_string("0123456789");
    char *out = NULL;
    size_t n;
    cr_assert_eq(vfy_jcs_serialize(v, 12, &out, &n), VFY_OK);
    free(out);
    cr_assert_eq(vfy_jcs_serialize(v, 11, &out, &n), VFY_E_LIMIT);
    json_decref(v);
}

/* ---- seal TLV lengths -------------------------------------------------------------- */
static vfy_status tlv(const char *hex, size_t *value_len)
{
    size_t n;
    uint8_t *b = hex_decode(hex, &n);
    vfy_cursor c;
    vfy_cur_init(&c, b, n, "tlv", NULL);
    seal_tlv t;
    vfy_status s = seal_tlv_next(&c, &t);
    if (s == VFY_OK)
        *value_len = t.value.len;
    else
        cr_assert_eq(c.pos, 0);
    free(b);
    return s;
}

Test(seal_tlv, der_length_forms)
{
    size_t n = 0;
    cr_assert_eq(tlv("0200", &n), VFY_OK);
    cr_assert_eq(n, 0);
    cr_assert_eq(tlv("027F" "00", &n), VFY_E_TRUNCATED);
    cr_assert_eq(tlv("1F0100", &n), VFY_OK, "tag bytes are single even when BER would continue");
    n = 99;
    cr_assert_eq(tlv("0280" "41", &n), VFY_OK, "0x80: long form with no length bytes");
    cr_assert_eq(n, 0, "0x80 is an empty value, never 128");
    cr_assert_eq(tlv("028105" "0000000000", &n), VFY_E_BAD_LENGTH, "non-minimal 0x81 form");
    cr_assert_eq(tlv("02820005" "0000000000", &n), VFY_E_BAD_LENGTH, "non-minimal 0x82 form");
    cr_assert_eq(tlv("0283000001" "00", &n), VFY_E_BAD_LENGTH, "three length bytes");
    cr_assert_eq(tlv("02", &n), VFY_E_TRUNCATED);
}
