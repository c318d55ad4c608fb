/*
 * Coverage of issue 12 for the byte-level parsers of the chip area: ISO/IEC 7816-4 command
 * APDUs and status words (chip/apdu.c), the DER value helpers (lds/der.c), DG2 facial
 * records (lds/dg2.c, ISO/IEC 19794-5:2005 as profiled by ICAO 9303-10 §4.7.2) and the
 * SubjectPublicKeyInfo helpers (lds/pubkey.c). Every input is hand-encoded here from the
 * standard; the expected values are read off the standard, not off the library.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/core_names.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "chip/apdu.h"
#include "faults.h"
#include "lds/der.h"
#include "lds/pubkey.h"
#include "verify.h"

/* ---- APDUs (ISO/IEC 7816-4 §5.1) ---- */

Test(cov2_chip_lds, apdu_extended_case3_and_lc_zero)
{
    vfy_apdu a;
    vfy_detail d;
    /* Case 3 extended: 00 Lc1 Lc2 data, no Le. */
    static const uint8_t c3[] = { 0x00, 0xD6, 0x00, 0x00, 0x00, 0x00, 0x02, 0xAA, 0xBB };
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_apdu_decode(c3, sizeof c3, &a, &d), VFY_OK, "%s", d.message);
    cr_assert(a.extended);
    cr_assert_eq(a.data_len, 2);
    cr_assert_eq(a.data[0], 0xAA);
    cr_assert_eq(a.data[1], 0xBB);
    cr_assert_eq(a.le, VFY_APDU_LE_NONE);
    /* Extended Lc = 0000 followed by more bytes is not a valid case 2E/3E/4E. */
    static const uint8_t lc0[] = { 0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 };
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_apdu_decode(lc0, sizeof lc0, &a, &d), VFY_E_APDU);
    cr_assert(strstr(d.message, "extended Lc of 0") != NULL, "%s", d.message);
}

Test(cov2_chip_lds, status_word_names)
{
    /* ISO/IEC 7816-4 §5.6 table 6 and the ICAO 9303-10 meanings of each word. */
    static const struct { uint16_t sw; const char *prefix; } words[] = {
        { 0x9000, "9000 success" },
        { 0x6282, "6282 end of file" },
        { 0x6283, "6283 selected file deactivated" },
        { 0x6300, "6300 authentication failed" },
        { 0x6581, "6581 memory failure" },
        { 0x6700, "6700 wrong length" },
        { 0x6881, "6881 logical channel" },
        { 0x6882, "6882 secure messaging not supported" },
        { 0x6982, "6982 security status not satisfied" },
        { 0x6983, "6983 authentication method blocked" },
        { 0x6984, "6984 reference data not usable" },
        { 0x6985, "6985 conditions of use not satisfied" },
        { 0x6986, "6986 command not allowed" },
        { 0x6987, "6987 expected secure messaging data objects missing" },
        { 0x6988, "6988 incorrect secure messaging data objects" },
        { 0x6A80, "6A80 incorrect parameters in the data field" },
        { 0x6A82, "6A82 file or application not found" },
        { 0x6A86, "6A86 incorrect parameters P1-P2" },
        { 0x6A88, "6A88 referenced data not found" },
        { 0x6B00, "6B00 wrong parameters" },
        { 0x6D00, "6D00 instruction not supported" },
        { 0x6E00, "6E00 class not supported" },
        { 0x6F00, "6F00 no precise diagnosis" },
        { 0x6110, "61xx more response bytes" },
        { 0x6201, "62xx warning, state unchanged" },
        { 0x63C2, "63xx warning, state changed" },
        { 0x6C20, "6Cxx wrong Le" },
        { 0x6401, "64xx execution error" },
        { 0x6501, "65xx memory error" },
        { 0x1234, "unknown status word" },
        { 0x6A00, "unknown status word" },
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        const char *n = vfy_sw_name(words[i].sw);
        cr_assert_not_null(n);
        cr_assert_eq(strncmp(n, words[i].prefix, strlen(words[i].prefix)), 0, "%04X: %s",
                     words[i].sw, n);
    }
}

/* ---- DER helpers (X.690) ---- */

/* The element's cursor keeps a pointer to the detail it reports into: a static one here. */
static vfy_detail one_detail;
static vfy_tlv one(const uint8_t *der, size_t len)
{
    vfy_tlv t;
    vfy_detail_clear(&one_detail);
    cr_assert_eq(vfy_tlv_parse_one(der, len, 0, "test", &one_detail, &t), VFY_OK, "%s",
                 one_detail.message);
    return t;
}

Test(cov2_chip_lds, der_small_int_refusals_and_sign)
{
    long v = 0;
    static const uint8_t octets[] = { 0x04, 0x01, 0x05 };
    vfy_tlv t = one(octets, sizeof octets);
    cr_assert_eq(der_small_int(&t, &v), VFY_E_BAD_TAG);
    static const uint8_t empty[] = { 0x02, 0x00 };
    t = one(empty, sizeof empty);
    cr_assert_eq(der_small_int(&t, &v), VFY_E_BAD_VALUE);
    static const uint8_t big[] = { 0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0 };
    t = one(big, sizeof big);
    cr_assert_eq(der_small_int(&t, &v), VFY_E_LIMIT);
    /* Two's complement: FF7F is -129, 8000000000000000 is INT64_MIN. */
    static const uint8_t neg[] = { 0x02, 0x02, 0xFF, 0x7F };
    t = one(neg, sizeof neg);
    cr_assert_eq(der_small_int(&t, &v), VFY_OK);
    cr_assert_eq(v, -129);
    static const uint8_t min[] = { 0x02, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 0 };
    t = one(min, sizeof min);
    cr_assert_eq(der_small_int(&t, &v), VFY_OK);
    cr_assert_eq(v, (long)INT64_MIN);
}

Test(cov2_chip_lds, der_oid_empty_prefix_and_text)
{
    vfy_cursor c;
    vfy_bytes oid;
    static const uint8_t empty[] = { 0x06, 0x00 };
    vfy_cur_init(&c, empty, sizeof empty, "oid", NULL);
    cr_assert_eq(der_next_oid(&c, &oid), VFY_E_BAD_VALUE);

    /* id-PACE 0.4.0.127.0.7.2.2.4 is a prefix of id-PACE-ECDH-GM-AES-CBC-CMAC-128
     * (…4.2.2), not of itself, and not of a shorter OID. */
    static const uint8_t pace[] = { 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x02, 0x02 };
    der_oid prefix = DER_OID(0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04);
    vfy_bytes full = { pace, sizeof pace, true };
    vfy_bytes same = { pace, 8, true };
    vfy_bytes absent = { pace, sizeof pace, false };
    cr_assert(der_oid_has_prefix(&full, prefix));
    cr_assert_not(der_oid_has_prefix(&same, prefix));
    cr_assert_not(der_oid_has_prefix(&absent, prefix));

    char buf[64];
    der_oid_text(pace, sizeof pace, buf, sizeof buf);
    cr_assert_str_eq(buf, "0.4.0.127.0.7.2.2.4.2.2");
    /* The first arc from X.690 §8.19.4: 0x2B is 1.3, 0x88 0x37 is 2.999. */
    static const uint8_t joint[] = { 0x88, 0x37, 0x03 };
    der_oid_text(joint, sizeof joint, buf, sizeof buf);
    cr_assert_str_eq(buf, "2.999.3");
    /* cap 0 writes nothing. */
    buf[0] = 'x';
    der_oid_text(pace, sizeof pace, buf, 0);
    cr_assert_eq(buf[0], 'x');
    /* A last sub-identifier cut in the middle, and one longer than 9 bytes. */
    static const uint8_t cut[] = { 0x2B, 0x86 };
    der_oid_text(cut, sizeof cut, buf, sizeof buf);
    cr_assert_str_eq(buf, "?");
    static const uint8_t huge[] = { 0x2B, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x01 };
    der_oid_text(huge, sizeof huge, buf, sizeof buf);
    cr_assert_str_eq(buf, "?");
    /* Text that does not fit the buffer, and an empty OID. */
    der_oid_text(pace, sizeof pace, buf, 8);
    cr_assert_str_eq(buf, "?");
    der_oid_text(pace, 0, buf, sizeof buf);
    cr_assert_str_eq(buf, "?");
}

Test(cov2_chip_lds, der_copy_printable_refusals)
{
    char buf[4];
    static const uint8_t text[] = { 0x13, 0x03, 'a', 'b', 'c' };
    vfy_tlv t = one(text, sizeof text);
    cr_assert_eq(der_copy_printable(&t, buf, sizeof buf), VFY_OK);
    cr_assert_str_eq(buf, "abc");
    static const uint8_t longer[] = { 0x13, 0x04, 'a', 'b', 'c', 'd' };
    t = one(longer, sizeof longer);
    cr_assert_eq(der_copy_printable(&t, buf, sizeof buf), VFY_E_BAD_LENGTH);
    static const uint8_t ctl[] = { 0x13, 0x02, 'a', 0x0A };
    t = one(ctl, sizeof ctl);
    cr_assert_eq(der_copy_printable(&t, buf, sizeof buf), VFY_E_BAD_ENCODING);
    static const uint8_t del[] = { 0x13, 0x01, 0x7F };
    t = one(del, sizeof del);
    cr_assert_eq(der_copy_printable(&t, buf, sizeof buf), VFY_E_BAD_ENCODING);
}

Test(cov2_chip_lds, digest_by_name_and_unknown)
{
    const digest_alg *a = digest_from_name("SHA384");
    cr_assert_not_null(a);
    cr_assert_str_eq(a->name, "SHA-384");
    cr_assert_eq(a->size, 48);
    a = digest_from_name("SHA-224");
    cr_assert_not_null(a);
    cr_assert_eq(a->size, 28);
    cr_assert_null(digest_from_name("MD5"));
    static const uint8_t md5[] = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x05 };
    vfy_bytes oid = { md5, sizeof md5, true };
    cr_assert_null(digest_from_oid(&oid));
}

/* ---- DG2 ---- */

typedef struct buf {
    uint8_t b[2048];
    size_t n;
} buf;

static void put(buf *o, const void *p, size_t n)
{
    cr_assert_leq(o->n + n, sizeof o->b);
    memcpy(o->b + o->n, p, n);
    o->n += n;
}
static void put8(buf *o, unsigned v) { uint8_t b = (uint8_t)v; put(o, &b, 1); }
static void put16(buf *o, unsigned v) { put8(o, v >> 8); put8(o, v); }
static void put32(buf *o, uint32_t v) { put16(o, v >> 16); put16(o, v & 0xFFFF); }
/* Tag (1 or 2 bytes) and a DER length for n. */
static void put_tl(buf *o, unsigned tag, size_t n)
{
    if (tag > 0xFF)
        put8(o, tag >> 8);
    put8(o, tag);
    if (n < 0x80) {
        put8(o, (unsigned)n);
    } else if (n < 0x100) {
        put8(o, 0x81);
        put8(o, (unsigned)n);
    } else {
        put8(o, 0x82);
        put16(o, (unsigned)n);
    }
}
static void wrap(buf *o, unsigned tag, const buf *in)
{
    put_tl(o, tag, in->n);
    put(o, in->b, in->n);
}

typedef struct rec_opts {
    const char *magic;  /* 8 bytes */
    int record_delta;   /* added to the true record length */
    unsigned images;
    int block_delta;    /* added to the true block length */
    unsigned points;
    unsigned data_type;
    size_t img_len;     /* bytes of image after the image information */
    size_t cut;         /* bytes removed from the end of the block (image info cut) */
} rec_opts;

/* A 19794-5 facial record: header (14), block length (4), facial information (16 after the
 * block length), feature points (8 each), image information (12), image bytes. */
static void facial_record(buf *o, const rec_opts *r)
{
    buf block = { .n = 0 };
    put16(&block, r->points);
    put8(&block, 1);        /* gender: male */
    put8(&block, 2);        /* eye colour: blue */
    put8(&block, 3);        /* hair colour */
    put8(&block, 0); put16(&block, 0x0001); /* feature mask */
    put16(&block, 0x0001);  /* expression: neutral */
    for (int i = 0; i < 6; i++)
        put8(&block, 0);    /* pose angles */
    for (unsigned i = 0; i < r->points; i++) {
        put8(&block, 1);    /* type */
        put8(&block, 0x10 + (i & 0x0F)); /* code */
        put16(&block, 100 + i);
        put16(&block, 200 + i);
        put16(&block, 0);
    }
    put8(&block, 1);        /* face image type: full frontal */
    put8(&block, r->data_type);
    put16(&block, 480);
    put16(&block, 640);
    put8(&block, 1);        /* colour space */
    put8(&block, 2);        /* source type */
    put16(&block, 0);
    put16(&block, 0);
    for (size_t i = 0; i < r->img_len; i++)
        put8(&block, 0x30 + (unsigned)(i & 7)); /* not a JPEG/JP2 signature */
    if (r->cut)
        block.n -= r->cut;
    size_t block_len = block.n + 4;
    put(o, r->magic ? r->magic : "FAC\0" "010\0", 8);
    put32(o, (uint32_t)((int)(14 + block_len) + r->record_delta));
    put16(o, r->images);
    put32(o, (uint32_t)((int)block_len + r->block_delta));
    put(o, block.b, block.n);
}

/* 75 { 7F61 { 02 01 count, 7F60 { A1 {}, extra, 5F2E record ... } } } */
static void dg2(buf *o, int count, const buf *templ_extra, const rec_opts *recs, size_t nrecs)
{
    buf templ = { .n = 0 };
    put_tl(&templ, 0xA1, 0);
    if (templ_extra)
        put(&templ, templ_extra->b, templ_extra->n);
    for (size_t i = 0; i < nrecs; i++) {
        buf rec = { .n = 0 };
        facial_record(&rec, &recs[i]);
        wrap(&templ, 0x5F2E, &rec);
    }
    buf group = { .n = 0 };
    if (count >= 0) {
        put_tl(&group, 0x02, 1);
        put8(&group, (unsigned)count);
    }
    wrap(&group, 0x7F60, &templ);
    buf inner = { .n = 0 };
    wrap(&inner, 0x7F61, &group);
    o->n = 0;
    wrap(o, 0x75, &inner);
}

static vfy_status parse(const rec_opts *r, vfy_lds_dg2 *out, vfy_detail *d)
{
    buf o;
    dg2(&o, 1, NULL, r, 1);
    vfy_detail_clear(d);
    return vfy_lds_parse_dg2(o.b, o.n, out, d);
}

/* A well-formed record with one 10-byte image, then the fields given changed. */
static rec_opts rec(void) { return (rec_opts){ .images = 1, .img_len = 10 }; }

Test(cov2_chip_lds, dg2_feature_points_and_jpeg2000_type)
{
    static vfy_lds_dg2 out;
    vfy_detail d;
    /* 18 feature points: all are read, the first VFY_FACE_MAX_FEATURE_POINTS kept. */
    rec_opts r = rec(); r.points = VFY_FACE_MAX_FEATURE_POINTS + 2; r.data_type = 1;
    cr_assert_eq(parse(&r, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.face_count, 1);
    vfy_face_image *f = &out.faces[0];
    cr_assert_eq(f->feature_point_count, VFY_FACE_MAX_FEATURE_POINTS + 2);
    cr_assert_eq(f->feature_points[0].x, 100);
    cr_assert_eq(f->feature_points[0].y, 200);
    cr_assert_eq(f->feature_points[VFY_FACE_MAX_FEATURE_POINTS - 1].x, 100 + VFY_FACE_MAX_FEATURE_POINTS - 1);
    cr_assert_eq(f->feature_points[1].code, 0x11);
    cr_assert_eq(f->image_type, VFY_IMAGE_JPEG2000); /* data type 1, bytes unrecognised */
    cr_assert_eq(f->width, 480);
    cr_assert_eq(f->height, 640);
    cr_assert_eq(f->image.len, 10);
    cr_assert(f->has_iso19794_header);
    cr_assert_not(f->length_tolerated);
}

Test(cov2_chip_lds, dg2_block_length_slack)
{
    static vfy_lds_dg2 out;
    vfy_detail d;
    /* A data-block length 6 bytes off (within the 8 tolerated for GBR/NZ chips). */
    rec_opts r = rec(); r.block_delta = 6;
    cr_assert_eq(parse(&r, &out, &d), VFY_OK, "%s", d.message);
    cr_assert(out.faces[0].length_tolerated);
    cr_assert_eq(out.faces[0].image.len, 10);
    /* 9 bytes off is refused. */
    r = rec(); r.block_delta = -9;
    cr_assert_eq(parse(&r, &out, &d), VFY_E_BAD_LENGTH);
    cr_assert(strstr(d.message, "facial record data declares") != NULL, "%s", d.message);
    /* Two images, block length shorter than the record: only the declared block is used
     * (the second image's bytes are not extracted). */
    r = rec(); r.images = 2; r.block_delta = -4;
    cr_assert_eq(parse(&r, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.faces[0].image.len, 6);
    cr_assert_not(out.faces[0].length_tolerated);
}

Test(cov2_chip_lds, dg2_record_refusals)
{
    static vfy_lds_dg2 out;
    vfy_detail d;
    rec_opts r = rec(); r.magic = "FAD\0" "010\0";
    cr_assert_eq(parse(&r, &out, &d), VFY_E_BAD_VALUE);
    r = rec(); r.magic = "FAC\0" "030\0"; /* 19794-5:2011 version */
    cr_assert_eq(parse(&r, &out, &d), VFY_E_UNSUPPORTED);
    r = rec(); r.images = 0;
    cr_assert_eq(parse(&r, &out, &d), VFY_E_BAD_VALUE);
    cr_assert(strstr(d.message, "no image") != NULL, "%s", d.message);
    r = rec(); r.data_type = 2;
    cr_assert_eq(parse(&r, &out, &d), VFY_E_UNSUPPORTED);
    r = rec(); r.img_len = 0;
    cr_assert_eq(parse(&r, &out, &d), VFY_E_TRUNCATED);
    cr_assert(strstr(d.message, "no image bytes") != NULL, "%s", d.message);
    /* Facial information cut short: 27 bytes of block where 32 are the minimum. */
    r = rec(); r.img_len = 0; r.cut = 5;
    cr_assert_eq(parse(&r, &out, &d), VFY_E_TRUNCATED);
    cr_assert(strstr(d.message, "too short") != NULL, "%s", d.message);
}

Test(cov2_chip_lds, dg2_template_structure)
{
    static vfy_lds_dg2 out;
    vfy_detail d;
    buf o;
    /* An unknown element in the template is noted; five records keep VFY_DG2_MAX_FACES. */
    buf extra = { .n = 0 };
    put_tl(&extra, 0x88, 1);
    put8(&extra, 0);
    rec_opts recs[VFY_DG2_MAX_FACES + 1];
    for (size_t i = 0; i < VFY_DG2_MAX_FACES + 1; i++)
        { recs[i] = rec(); recs[i].img_len = 4; }
    dg2(&o, 1, &extra, recs, VFY_DG2_MAX_FACES + 1);
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_dg2(o.b, o.n, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.face_count, VFY_DG2_MAX_FACES);
    cr_assert_eq(out.unknown.count, 1);
    cr_assert_eq(out.unknown.tags[0], 0x88);

    /* A template without a 5F2E block. */
    dg2(&o, 1, &extra, NULL, 0);
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_dg2(o.b, o.n, &out, &d), VFY_E_BAD_VALUE);
    cr_assert(strstr(d.message, "5F2E") != NULL, "%s", d.message);

    /* Template count 0 is out of range 1..255. */
    rec_opts r = rec();
    dg2(&o, 0, NULL, &r, 1);
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_dg2(o.b, o.n, &out, &d), VFY_E_BAD_VALUE);
    cr_assert(strstr(d.message, "(0)") != NULL, "%s", d.message);

    /* A group with only an unknown element: noted, then "no facial image". */
    static const uint8_t only[] = { 0x75, 0x06, 0x7F, 0x61, 0x03, 0x80, 0x01, 0x00 };
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_dg2(only, sizeof only, &out, &d), VFY_E_BAD_VALUE);
    cr_assert(strstr(d.message, "no facial image") != NULL, "%s", d.message);
    cr_assert_eq(out.unknown.count, 1);
    cr_assert_eq(out.unknown.tags[0], 0x80);
}

/* ---- SubjectPublicKeyInfo ---- */

static EVP_PKEY *ec_key(const char *curve)
{
    EVP_PKEY *k = EVP_EC_gen(curve);
    cr_assert_not_null(k);
    return k;
}

Test(cov2_chip_lds, spki_trailing_bytes_and_garbage)
{
    EVP_PKEY *k = ec_key("P-256");
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(k, &der);
    cr_assert_gt(n, 0);
    uint8_t *plus = OPENSSL_malloc((size_t)n + 2);
    memcpy(plus, der, (size_t)n);
    plus[n] = 0x05;
    plus[n + 1] = 0x00;
    vfy_detail d;
    EVP_PKEY *out = (EVP_PKEY *)1;
    vfy_detail_clear(&d);
    cr_assert_eq(lds_decode_spki(plus, (size_t)n + 2, "DG14", &d, &out), VFY_E_TRAILING_BYTES);
    cr_assert_null(out);
    vfy_detail_clear(&d);
    cr_assert_eq(lds_decode_spki(plus, (size_t)n, "DG14", &d, &out), VFY_OK, "%s", d.message);
    cr_assert_eq(EVP_PKEY_eq(out, k), 1);
    EVP_PKEY_free(out);
    static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
    cr_assert_eq(lds_decode_spki(junk, sizeof junk, "DG14", &d, &out), VFY_E_BAD_VALUE);
    cr_assert_eq(lds_decode_spki(junk, (size_t)INT32_MAX + 1, "DG14", &d, &out), VFY_E_LIMIT);
    OPENSSL_free(plus);
    OPENSSL_free(der);
    EVP_PKEY_free(k);
}

Test(cov2_chip_lds, describe_dh_and_named_key_refusals)
{
    /* A DH key (as in DG14's DH ChipAuthenticationPublicKeyInfo) is VFY_KEY_DH. */
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    cr_assert_not_null(pctx);
    cr_assert_eq(EVP_PKEY_paramgen_init(pctx), 1);
    OSSL_PARAM p[] = { OSSL_PARAM_construct_utf8_string("group", "ffdhe2048", 0), OSSL_PARAM_construct_end() };
    cr_assert_eq(EVP_PKEY_CTX_set_params(pctx, p), 1);
    EVP_PKEY *params = NULL;
    cr_assert_eq(EVP_PKEY_paramgen(pctx, &params), 1);
    EVP_PKEY_CTX_free(pctx);
    vfy_key_type type;
    unsigned bits;
    char curve[32] = "x";
    lds_describe_key(params, &type, &bits, curve, sizeof curve);
    cr_assert_eq(type, VFY_KEY_DH);
    cr_assert_eq(bits, 2048);
    cr_assert_str_eq(curve, "");

    /* lds_ec_key_to_named gives NULL for a non-EC key and for a key already named. */
    char named[32] = "x";
    cr_assert_null(lds_ec_key_to_named(params, named, sizeof named));
    cr_assert_str_eq(named, "");
    EVP_PKEY_free(params);
    EVP_PKEY *k = ec_key("P-384");
    cr_assert_null(lds_ec_key_to_named(k, named, sizeof named));
    cr_assert_str_eq(named, "");
    lds_describe_key(k, &type, &bits, curve, sizeof curve);
    cr_assert_eq(type, VFY_KEY_EC);
    cr_assert_eq(bits, 384);
    cr_assert_str_eq(curve, "secp384r1");
    EVP_PKEY_free(k);
}

/* An EC key with explicit parameters (X9.62 specifiedCurve, as some DG14/DG15 carry): the
 * P-256 field and coefficients, its order and cofactor, and a generator given here. */
static EVP_PKEY *explicit_p256(bool double_generator, bool with_public)
{
    EC_GROUP *named = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    BIGNUM *p = BN_new(), *a = BN_new(), *b = BN_new();
    cr_assert_eq(EC_GROUP_get_curve(named, p, a, b, NULL), 1);
    EC_POINT *gen = EC_POINT_dup(EC_GROUP_get0_generator(named), named);
    if (double_generator)
        cr_assert_eq(EC_POINT_dbl(named, gen, gen, NULL), 1);
    uint8_t g[65], pub[65];
    cr_assert_eq(EC_POINT_point2oct(named, gen, POINT_CONVERSION_UNCOMPRESSED, g, 65, NULL), 65);
    /* The public key 3 x generator. */
    EC_POINT *q = EC_POINT_new(named);
    BIGNUM *three = BN_new();
    BN_set_word(three, 3);
    cr_assert_eq(EC_POINT_mul(named, q, NULL, gen, three, NULL), 1);
    cr_assert_eq(EC_POINT_point2oct(named, q, POINT_CONVERSION_UNCOMPRESSED, pub, 65, NULL), 65);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    cr_assert(OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_EC_FIELD_TYPE, SN_X9_62_prime_field, 0));
    cr_assert(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_P, p));
    cr_assert(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_A, a));
    cr_assert(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_B, b));
    cr_assert(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_ORDER, EC_GROUP_get0_order(named)));
    cr_assert(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_COFACTOR, EC_GROUP_get0_cofactor(named)));
    cr_assert(OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_EC_GENERATOR, g, 65));
    cr_assert(OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_EC_ENCODING, OSSL_PKEY_EC_ENCODING_EXPLICIT, 0));
    if (with_public)
        cr_assert(OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 65));
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *key = NULL;
    cr_assert_eq(EVP_PKEY_fromdata_init(ctx), 1);
    cr_assert_eq(EVP_PKEY_fromdata(ctx, &key, with_public ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEY_PARAMETERS,
                                   params), 1);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(three);
    EC_POINT_free(q);
    EC_POINT_free(gen);
    BN_free(p);
    BN_free(a);
    BN_free(b);
    EC_GROUP_free(named);
    return key;
}

Test(cov2_chip_lds, explicit_ec_parameters_to_named)
{
    char named[32];
    /* P-256 spelled out with its own generator: matched to the named curve. */
    EVP_PKEY *k = explicit_p256(false, true);
    EVP_PKEY *n = lds_ec_key_to_named(k, named, sizeof named);
    cr_assert_not_null(n);
    cr_assert_str_eq(named, "prime256v1");
    cr_assert_eq(EVP_PKEY_eq(n, k), 1, "the same public point");
    EVP_PKEY_free(n);
    EVP_PKEY_free(k);
    /* With the generator doubled the curve is no named curve: no name, no key. */
    k = explicit_p256(true, true);
    cr_assert_null(lds_ec_key_to_named(k, named, sizeof named));
    cr_assert_str_eq(named, "");
    vfy_key_type type;
    unsigned bits;
    char curve[32];
    lds_describe_key(k, &type, &bits, curve, sizeof curve);
    cr_assert_eq(type, VFY_KEY_EC);
    cr_assert_str_eq(curve, "explicit");
    EVP_PKEY_free(k);
    /* Domain parameters without a public point. */
    k = explicit_p256(false, false);
    cr_assert_null(lds_ec_key_to_named(k, named, 0));
    EVP_PKEY_free(k);
}

/* Each allocation of the conversion failed in turn (OpenSSL's are routed to the injector):
 * no key, or the same key as unfailed — never another one. */
Test(cov2_chip_lds, explicit_to_named_out_of_memory)
{
    cr_assert(fault_openssl_routed());
    EVP_PKEY *k = explicit_p256(false, true);
    char named[32];
    fault_arm(0);
    fault_enter();
    EVP_PKEY *n = lds_ec_key_to_named(k, named, sizeof named);
    fault_leave();
    bool fired;
    unsigned long total = fault_disarm(&fired);
    cr_assert_not_null(n);
    EVP_PKEY_free(n);
    unsigned long failures = 0;
    for (unsigned long nth = 1; nth <= total; nth++) {
        fault_arm(nth);
        fault_enter();
        n = lds_ec_key_to_named(k, named, sizeof named);
        fault_leave();
        fault_disarm(&fired);
        if (n == NULL) {
            failures++;
            cr_assert_str_eq(named, "");
            continue;
        }
        cr_assert_eq(EVP_PKEY_eq(n, k), 1, "allocation %lu", nth);
        EVP_PKEY_free(n);
    }
    cr_assert_gt(failures, 0);
    EVP_PKEY_free(k);
}
