/*
 * Coverage of issue 12 for document/face_image.c: JPEG 2000 faces that are not the plain
 * 8-bit greyscale/RGB the specimen makes. The inputs are encoded here by openjpeg's own
 * encoder (lossless, reversible 5/3), so every sample value is known; the PNG is read
 * back with libpng and compared with the sample scaled to 8 bits by hand (a 4-bit value v
 * is v*255/15 = 17v, a signed 12-bit value v is (v+2048)>>4). Headers the converter must
 * refuse (5 components, subsampling, more than 16 bits, sYCC, too many samples) get their
 * exact status; the converter's own allocations fail through the fault injector.
 */
#include <criterion/criterion.h>
#include <openjpeg.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "document/face_image_internal.h"
#include "faults.h"
#include "verify.h"

struct sink {
    uint8_t *data;
    size_t len, pos, cap;
};

static OPJ_SIZE_T sink_write(void *buf, OPJ_SIZE_T n, void *user)
{
    struct sink *s = user;
    if (s->pos + n > s->cap) {
        size_t cap = (s->pos + n) * 2;
        s->data = realloc(s->data, cap);
        cr_assert_not_null(s->data);
        s->cap = cap;
    }
    memcpy(s->data + s->pos, buf, n);
    s->pos += n;
    if (s->pos > s->len)
        s->len = s->pos;
    return n;
}
static OPJ_OFF_T sink_skip(OPJ_OFF_T n, void *user)
{
    cr_assert_geq(n, 0);
    uint8_t zero[64] = { 0 };
    for (OPJ_OFF_T k = 0; k < n; k += 64)
        sink_write(zero, (OPJ_SIZE_T)(n - k < 64 ? n - k : 64), user);
    return n;
}
static OPJ_BOOL sink_seek(OPJ_OFF_T n, void *user)
{
    struct sink *s = user;
    cr_assert_leq((size_t)n, s->len);
    s->pos = (size_t)n;
    return OPJ_TRUE;
}

typedef struct comp {
    unsigned prec, dx;
    bool sgnd;
} comp;

/* Sample p of component i: a pattern that covers the component's whole range. */
static OPJ_INT32 sample(const comp *c, unsigned i, size_t p)
{
    long range = 1L << c->prec;
    long v = (long)((p * 7 + i * 13) % (size_t)range);
    return (OPJ_INT32)(c->sgnd ? v - range / 2 : v);
}

/* An openjpeg-encoded image (J2K codestream or JP2 file) of w x h pixels. */
static uint8_t *encode(OPJ_CODEC_FORMAT fmt, OPJ_COLOR_SPACE cs, unsigned w, unsigned h,
                       const comp *comps, unsigned n, size_t *len)
{
    opj_image_cmptparm_t cp[8];
    memset(cp, 0, sizeof cp);
    for (unsigned i = 0; i < n; i++) {
        cp[i].dx = cp[i].dy = comps[i].dx;
        cp[i].w = w / comps[i].dx;
        cp[i].h = h / comps[i].dx;
        cp[i].prec = comps[i].prec;
        cp[i].sgnd = comps[i].sgnd;
    }
    opj_image_t *img = opj_image_create(n, cp, cs);
    cr_assert_not_null(img);
    img->x1 = w;
    img->y1 = h;
    for (unsigned i = 0; i < n; i++)
        for (size_t p = 0; p < (size_t)cp[i].w * cp[i].h; p++)
            img->comps[i].data[p] = sample(&comps[i], i, p);
    opj_cparameters_t params;
    opj_set_default_encoder_parameters(&params);
    params.numresolution = 3;
    opj_codec_t *codec = opj_create_compress(fmt);
    opj_stream_t *st = opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_FALSE);
    struct sink s = { 0 };
    opj_stream_set_write_function(st, sink_write);
    opj_stream_set_skip_function(st, sink_skip);
    opj_stream_set_seek_function(st, sink_seek);
    opj_stream_set_user_data(st, &s, NULL);
    cr_assert(opj_setup_encoder(codec, &params, img));
    cr_assert(opj_start_compress(codec, img, st));
    cr_assert(opj_encode(codec, st));
    cr_assert(opj_end_compress(codec, st));
    opj_stream_destroy(st);
    opj_destroy_codec(codec);
    opj_image_destroy(img);
    *len = s.len;
    return s.data;
}

static uint8_t *png_pixels(const vfy_face_png *png, png_uint_32 format)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    cr_assert(png_image_begin_read_from_memory(&img, png->data, png->len), "%s", img.message);
    img.format = format;
    uint8_t *px = malloc(PNG_IMAGE_SIZE(img));
    cr_assert_not_null(px);
    cr_assert(png_image_finish_read(&img, NULL, px, 0, NULL), "%s", img.message);
    cr_assert_eq(img.width, png->width);
    return px;
}

Test(cov2_chip_face, four_bit_grey_with_alpha_scales_to_8_bits)
{
    /* Two components (grey + alpha), 4 bits each: v maps to 17v. */
    const comp c[2] = { { 4, 1, false }, { 4, 1, false } };
    size_t len;
    uint8_t *j2k = encode(OPJ_CODEC_J2K, OPJ_CLRSPC_GRAY, 33, 17, c, 2, &len);
    vfy_face_png png = { 0 };
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_face_image_to_png(j2k, len, &png, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(png.channels, 2);
    cr_assert_eq(png.width, 33);
    cr_assert_eq(png.height, 17);
    uint8_t *px = png_pixels(&png, PNG_FORMAT_GA);
    for (size_t p = 0; p < 33 * 17; p++)
        for (unsigned i = 0; i < 2; i++)
            cr_assert_eq(px[p * 2 + i], 17 * sample(&c[i], i, p), "pixel %zu comp %u", p, i);
    free(px);
    vfy_face_png_clear(&png);
    vfy_face_png_clear(&png); /* cleared twice: nothing left to free */
    vfy_face_png_clear(NULL);
    free(j2k);
}

Test(cov2_chip_face, signed_12_bit_rgba_is_level_shifted)
{
    /* Four signed 12-bit components: v maps to (v + 2048) >> 4. */
    const comp c[4] = { { 12, 1, true }, { 12, 1, true }, { 12, 1, true }, { 12, 1, true } };
    size_t len;
    uint8_t *j2k = encode(OPJ_CODEC_J2K, OPJ_CLRSPC_SRGB, 20, 24, c, 4, &len);
    vfy_face_png png = { 0 };
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_face_image_to_png(j2k, len, &png, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(png.channels, 4);
    uint8_t *px = png_pixels(&png, PNG_FORMAT_RGBA);
    for (size_t p = 0; p < 20 * 24; p++)
        for (unsigned i = 0; i < 4; i++)
            cr_assert_eq(px[p * 4 + i], (sample(&c[i], i, p) + 2048) >> 4, "pixel %zu comp %u", p, i);
    free(px);
    vfy_face_png_clear(&png);
    free(j2k);
}

static void refused(const uint8_t *img, size_t len, vfy_status want, const char *text)
{
    vfy_face_png png = { 0 };
    vfy_detail d = { 0 };
    vfy_status s = vfy_face_image_to_png(img, len, &png, &d);
    cr_assert_eq(s, want, "%s: %s", vfy_status_name(s), d.message);
    cr_assert(strstr(d.message, text) != NULL, "%s", d.message);
    cr_assert_null(png.data);
}

Test(cov2_chip_face, headers_outside_what_is_shown_are_refused)
{
    size_t len;
    const comp five[5] = { { 8, 1, false }, { 8, 1, false }, { 8, 1, false }, { 8, 1, false }, { 8, 1, false } };
    uint8_t *j = encode(OPJ_CODEC_J2K, OPJ_CLRSPC_UNSPECIFIED, 16, 16, five, 5, &len);
    refused(j, len, VFY_E_UNSUPPORTED, "5 components");
    free(j);

    const comp sub[3] = { { 8, 1, false }, { 8, 2, false }, { 8, 2, false } }; /* 4:2:0 */
    j = encode(OPJ_CODEC_J2K, OPJ_CLRSPC_SYCC, 32, 32, sub, 3, &len);
    refused(j, len, VFY_E_UNSUPPORTED, "component 1 of the JPEG 2000 image is subsampled");
    free(j);

    const comp deep[1] = { { 20, 1, false } };
    j = encode(OPJ_CODEC_J2K, OPJ_CLRSPC_GRAY, 16, 16, deep, 1, &len);
    refused(j, len, VFY_E_UNSUPPORTED, "component 0 has 20 bits");
    free(j);

    /* A JP2 file whose colour specification box says sYCC (enumerated colour space 18). */
    const comp rgb[3] = { { 8, 1, false }, { 8, 1, false }, { 8, 1, false } };
    j = encode(OPJ_CODEC_JP2, OPJ_CLRSPC_SYCC, 16, 16, rgb, 3, &len);
    refused(j, len, VFY_E_UNSUPPORTED, "colour space");
    free(j);

    /* 4096 x 4096 x 3 samples (48 Mi) is within the side limit but over the sample limit:
     * the SIZ marker's Xsiz/Ysiz (ISO 15444-1 A.5.1, after SOC, Lsiz, Rsiz) rewritten. */
    j = encode(OPJ_CODEC_J2K, OPJ_CLRSPC_SRGB, 16, 16, rgb, 3, &len);
    static const uint8_t side[4] = { 0x00, 0x00, 0x10, 0x00 };
    memcpy(j + 8, side, 4);
    memcpy(j + 12, side, 4);
    memcpy(j + 24, side, 4); /* XTsiz, YTsiz: one tile, as encoded */
    memcpy(j + 28, side, 4);
    refused(j, len, VFY_E_LIMIT, "samples");
    /* An empty image (Xsiz = XOsiz = 0): openjpeg's header reader refuses it itself. */
    static const uint8_t zero[4] = { 0, 0, 0, 0 };
    memcpy(j + 8, zero, 4);
    refused(j, len, VFY_E_BAD_ENCODING, "header is invalid");
    free(j);
}

/* The JP2 file j (len bytes) with a 'free' box of box_len bytes (declaring declared)
 * inserted before the codestream box. */
static uint8_t *with_free_box(const uint8_t *j, size_t len, size_t box_len, uint32_t declared)
{
    size_t at = 0;
    for (size_t i = 4; i + 4 <= len; i++)
        if (memcmp(j + i, "jp2c", 4) == 0) {
            at = i - 4;
            break;
        }
    cr_assert_gt(at, 0);
    uint8_t *k = calloc(1, len + box_len);
    cr_assert_not_null(k);
    memcpy(k, j, at);
    uint8_t hdr[8] = { (uint8_t)(declared >> 24), (uint8_t)(declared >> 16), (uint8_t)(declared >> 8),
                       (uint8_t)declared, 'f', 'r', 'e', 'e' };
    memcpy(k + at, hdr, sizeof hdr);
    memcpy(k + at + box_len, j + at, len - at);
    return k;
}

Test(cov2_chip_face, unknown_jp2_box_is_skipped)
{
    /* A JP2 file with a box the converter does not know ('free', ISO 15444-1 I.7 allows
     * any) of 1.5 MB before the codestream box: more than openjpeg's 1 MB read buffer, so
     * openjpeg skips its end through the memory stream. */
    const comp rgb[3] = { { 8, 1, false }, { 8, 1, false }, { 8, 1, false } };
    size_t len;
    uint8_t *j = encode(OPJ_CODEC_JP2, OPJ_CLRSPC_SRGB, 16, 16, rgb, 3, &len);
    size_t box = 1536u * 1024u;
    uint8_t *k = with_free_box(j, len, box, (uint32_t)box);
    vfy_face_png png = { 0 };
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_face_image_to_png(k, len + box, &png, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(png.width, 16);
    cr_assert_eq(png.channels, 3);
    uint8_t *px = png_pixels(&png, PNG_FORMAT_RGB);
    for (size_t p = 0; p < 16 * 16; p++)
        for (unsigned i = 0; i < 3; i++)
            cr_assert_eq(px[p * 3 + i], sample(&rgb[i], i, p));
    free(px);
    vfy_face_png_clear(&png);
    free(k);
    /* A box declaring more bytes than the file holds: the skip past the end fails. */
    k = with_free_box(j, len, 16, 0x00100000u);
    refused(k, len + 16, VFY_E_BAD_ENCODING, "header is invalid");
    free(k);
    free(j);
}

Test(cov2_chip_face, out_of_memory_decoding_and_writing)
{
    const comp grey[1] = { { 8, 1, false } };
    size_t len;
    uint8_t *j = encode(OPJ_CODEC_J2K, OPJ_CLRSPC_GRAY, 16, 16, grey, 1, &len);
    /* The converter's own allocations are the pixel rows, then the PNG buffer (openjpeg
     * and libpng are shared libraries, outside the injector). */
    for (unsigned long nth = 1; nth <= 2; nth++) {
        vfy_face_png png = { 0 };
        vfy_detail d = { 0 };
        fault_arm(nth);
        fault_enter();
        vfy_status s = vfy_face_image_to_png(j, len, &png, &d);
        fault_leave();
        bool fired = false;
        fault_disarm(&fired);
        cr_assert(fired, "allocation %lu", nth);
        cr_assert_eq(s, VFY_E_NO_MEMORY, "allocation %lu: %s", nth, vfy_status_name(s));
        cr_assert(strstr(d.message, nth == 1 ? "decoding the face" : "writing the PNG") != NULL,
                  "%s", d.message);
        cr_assert_null(png.data);
    }
    free(j);
}

Test(cov2_chip_face, encoder_refusals_and_out_of_memory)
{
    uint8_t px[64 * 64 * 3];
    for (size_t i = 0; i < sizeof px; i++)
        px[i] = (uint8_t)(i * 31);
    uint8_t *out = (uint8_t *)1;
    size_t out_len = 1;
    vfy_detail d = { 0 };
    const face_raster bad[] = {
        { 64, 64, 2, px },                       /* two channels */
        { 31, 64, 1, px },                       /* narrower than 32 */
        { 64, 31, 1, px },
        { VFY_FACE_MAX_SIDE + 1, 64, 1, px },
        { 64, VFY_FACE_MAX_SIDE + 1, 1, px },
        { 64, 64, 1, NULL },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(face_jp2_encode(&bad[i], &out, &out_len, &d), VFY_E_INVALID_ARGUMENT, "case %zu", i);
        cr_assert_null(out);
        cr_assert_eq(out_len, 0);
    }
    cr_assert_eq(face_jp2_encode(NULL, &out, &out_len, &d), VFY_E_INVALID_ARGUMENT);

    /* The output buffer's growth fails: openjpeg's write fails, nothing is returned. */
    face_raster r = { 64, 64, 3, px };
    fault_arm(1);
    fault_enter();
    vfy_status s = face_jp2_encode(&r, &out, &out_len, &d);
    fault_leave();
    bool fired = false;
    fault_disarm(&fired);
    cr_assert(fired);
    cr_assert_eq(s, VFY_E_INTERNAL, "%s: %s", vfy_status_name(s), d.message);
    cr_assert(strstr(d.message, "could not encode") != NULL, "%s", d.message);
    cr_assert_null(out);
}
