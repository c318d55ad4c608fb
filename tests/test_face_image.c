/* The face image made displayable (verify/face_image.h): JPEG 2000 decoded by openjpeg
 * and written as PNG. Truth comes from outside the converter: a raster encoded
 * losslessly must come back pixel for pixel when libpng (not openjpeg) reads the PNG;
 * the specimen's JPEG 2000 face has the size its 19794-5 record declares; and every
 * input that is not a sound JPEG 2000 face within the limits fails with its exact status
 * and leaves nothing behind. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <png.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "document/face_image_internal.h"
#include "support.h"
#include "verify.h"
#include "verify/sim.h"

/* A raster no codec would get right by chance: gradients in each channel, a diagonal. */
static uint8_t *test_raster(unsigned w, unsigned h, unsigned n)
{
    uint8_t *px = malloc((size_t)w * h * n);
    cr_assert_not_null(px);
    for (unsigned y = 0; y < h; y++)
        for (unsigned x = 0; x < w; x++)
            for (unsigned c = 0; c < n; c++)
                px[((size_t)y * w + x) * n + c] =
                    (uint8_t)(c == 0 ? x * 255 / (w - 1) : c == 1 ? y * 255 / (h - 1)
                                                               : (x == y ? 255 : (x ^ y) & 0x3F));
    return px;
}

/* The PNG read back by libpng's simplified API, in the given format. */
static uint8_t *read_png(const vfy_face_png *png, png_uint_32 format, unsigned *w, unsigned *h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    cr_assert(png_image_begin_read_from_memory(&img, png->data, png->len), "%s", img.message);
    img.format = format;
    uint8_t *px = malloc(PNG_IMAGE_SIZE(img));
    cr_assert_not_null(px);
    cr_assert(png_image_finish_read(&img, NULL, px, 0, NULL), "%s", img.message);
    *w = img.width;
    *h = img.height;
    return px;
}

static void round_trip(unsigned w, unsigned h, unsigned n, png_uint_32 format)
{
    uint8_t *px = test_raster(w, h, n);
    face_raster r = { .width = w, .height = h, .channels = n, .pixels = px };
    uint8_t *jp2 = NULL;
    size_t jp2_len = 0;
    vfy_detail d = { 0 };
    cr_assert_eq(face_jp2_encode(&r, &jp2, &jp2_len, &d), VFY_OK, "%s", d.message);
    vfy_face_png png = { 0 };
    vfy_status s = vfy_face_image_to_png(jp2, jp2_len, &png, &d);
    cr_assert_eq(s, VFY_OK, "%s: %s", vfy_status_name(s), d.message);
    cr_assert_eq(png.width, w);
    cr_assert_eq(png.height, h);
    cr_assert_eq(png.channels, n);
    unsigned rw, rh;
    uint8_t *back = read_png(&png, format, &rw, &rh);
    cr_assert_eq(rw, w);
    cr_assert_eq(rh, h);
    cr_assert(memcmp(back, px, (size_t)w * h * n) == 0, "the pixels changed on the way");
    free(back);
    vfy_face_png_clear(&png);
    cr_assert_null(png.data);
    free(jp2);
    free(px);
}

Test(face_image, rgb_jp2_round_trip_is_exact) { round_trip(97, 131, 3, PNG_FORMAT_RGB); }
Test(face_image, grey_jp2_round_trip_is_exact) { round_trip(64, 40, 1, PNG_FORMAT_GRAY); }

/* The bare codestream inside the JP2 (from SOC to the end), as some chips store it. */
static uint8_t *codestream_of(const uint8_t *jp2, size_t len, size_t *out_len)
{
    for (size_t i = 0; i + 4 <= len; i++)
        if (jp2[i] == 0xFF && jp2[i + 1] == 0x4F && jp2[i + 2] == 0xFF && jp2[i + 3] == 0x51) {
            uint8_t *c = malloc(len - i);
            cr_assert_not_null(c);
            memcpy(c, jp2 + i, len - i);
            *out_len = len - i;
            return c;
        }
    cr_assert_fail("no codestream in the JP2 file");
    return NULL;
}

static uint8_t *encoded(unsigned w, unsigned h, size_t *len)
{
    uint8_t *px = test_raster(w, h, 3);
    face_raster r = { .width = w, .height = h, .channels = 3, .pixels = px };
    uint8_t *jp2 = NULL;
    cr_assert_eq(face_jp2_encode(&r, &jp2, len, NULL), VFY_OK);
    free(px);
    return jp2;
}

Test(face_image, bare_codestream_decodes_too)
{
    size_t len, cs_len;
    uint8_t *jp2 = encoded(48, 36, &len);
    uint8_t *cs = codestream_of(jp2, len, &cs_len);
    vfy_face_png png = { 0 };
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_face_image_to_png(cs, cs_len, &png, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(png.width, 48);
    cr_assert_eq(png.height, 36);
    vfy_face_png_clear(&png);
    free(cs);
    free(jp2);
}

/* The specimen made with a JPEG 2000 face: DG2's record says JPEG 2000 at 240x320, and
 * the face decodes to exactly that. */
Test(face_image, specimen_jpeg2000_face_decodes_to_its_declared_size)
{
    char dir[] = "/tmp/vfy-face-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    vfy_specimen_options o = { .face_format = VFY_SPECIMEN_FACE_JPEG2000 };
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_specimen_write(dir, &o, &d), VFY_OK, "%s", d.message);
    vfy_document *doc = NULL;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    cr_assert_eq(vfy_document_load_dir(doc, dir, &d), VFY_OK, "%s", d.message);
    const uint8_t *data;
    size_t len;
    cr_assert_eq(vfy_document_get_file(doc, (vfy_file_id)2, &data, &len), VFY_OK);
    vfy_lds_dg2 *dg2 = calloc(1, sizeof *dg2);
    cr_assert_eq(vfy_lds_parse_dg2(data, len, dg2, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(dg2->face_count, 1);
    const vfy_face_image *f = &dg2->faces[0];
    cr_assert_eq(f->image_type, VFY_IMAGE_JPEG2000);
    cr_assert_eq(f->width, 240);
    cr_assert_eq(f->height, 320);
    vfy_face_png png = { 0 };
    cr_assert_eq(vfy_face_image_to_png(f->image.data, f->image.len, &png, &d), VFY_OK, "%s",
                 d.message);
    cr_assert_eq(png.width, f->width);
    cr_assert_eq(png.height, f->height);
    cr_assert_eq(png.channels, 3);
    vfy_face_png_clear(&png);
    free(dg2);
    vfy_document_free(doc);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

/* The JPEG specimen's face needs no conversion: refused as such, nothing allocated. */
Test(face_image, jpeg_and_other_bytes_are_not_converted)
{
    vfy_face_png png = { (uint8_t *)1, 1, 1, 1, 1 };
    vfy_detail d = { 0 };
    static const uint8_t jpeg[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F' };
    cr_assert_eq(vfy_face_image_to_png(jpeg, sizeof jpeg, &png, &d), VFY_E_UNSUPPORTED);
    cr_assert_null(png.data);
    cr_assert_eq(png.len, 0);
    static const uint8_t junk[] = "not an image at all";
    cr_assert_eq(vfy_face_image_to_png(junk, sizeof junk, &png, &d), VFY_E_UNSUPPORTED);
    cr_assert_eq(vfy_face_image_to_png(junk, 0, &png, &d), VFY_E_UNSUPPORTED);
    cr_assert_eq(vfy_face_image_to_png(NULL, 4, &png, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_face_image_to_png(junk, sizeof junk, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_face_image_to_png(junk, VFY_FACE_MAX_BYTES + 1u, &png, &d), VFY_E_LIMIT);
}

/* Cut anywhere past the signature, a JP2 face fails as corrupt, never half-decoded. */
Test(face_image, truncated_jpeg2000_is_bad_encoding)
{
    size_t len;
    uint8_t *jp2 = encoded(64, 64, &len);
    size_t cuts[] = { 12, 40, len / 4, len / 2, len - 3 };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        vfy_face_png png = { 0 };
        vfy_detail d = { 0 };
        vfy_status s = vfy_face_image_to_png(jp2, cuts[i], &png, &d);
        cr_assert_eq(s, VFY_E_BAD_ENCODING, "cut at %zu of %zu: %s: %s", cuts[i], len,
                     vfy_status_name(s), d.message);
        cr_assert_null(png.data);
    }
    free(jp2);
}

/* A codestream whose SIZ marker claims 5000x5000 pixels: refused from the header, before
 * openjpeg allocates the planes. */
Test(face_image, oversized_header_is_refused_before_decoding)
{
    size_t len, cs_len;
    uint8_t *jp2 = encoded(40, 40, &len);
    uint8_t *cs = codestream_of(jp2, len, &cs_len);
    /* SOC FF4F, SIZ FF51, Lsiz(2), Rsiz(2), Xsiz(4), Ysiz(4) */
    static const uint8_t big[4] = { 0x00, 0x00, 0x13, 0x88 };   /* 5000 */
    memcpy(cs + 8, big, 4);
    memcpy(cs + 12, big, 4);
    vfy_face_png png = { 0 };
    vfy_detail d = { 0 };
    vfy_status s = vfy_face_image_to_png(cs, cs_len, &png, &d);
    cr_assert_eq(s, VFY_E_LIMIT, "%s: %s", vfy_status_name(s), d.message);
    cr_assert_null(png.data);
    free(cs);
    free(jp2);
}

/* vfy read --photo FILE on a JPEG 2000 specimen: FILE is the face as the chip holds it,
 * FILE.png the PNG a browser shows, of the size the record declares, both new 0600 files. */
Test(face_image, read_photo_writes_the_png_beside_the_jpeg2000)
{
    char dir[] = "/tmp/vfy-face-cli-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s specimen --out %s/doc --face-format jp2 >/dev/null", vfy_bin(), dir);
    cr_assert_eq(run_capture(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd,
             "%s read --reader 'sim:%s/doc' --trust %s/doc/csca.pem --json --photo %s/face.jp2 "
             "--mrz 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' "
             "'L898902C36UTO7408122F3404159ZE184226B<<<<<16' 2>/dev/null",
             vfy_bin(), dir, dir, dir);
    char *out = NULL;
    int rc = run_capture(cmd, &out);
    cr_assert_eq(rc, 0, "%s", out);
    json_t *o = json_parse_or_fail(out);
    free(out);
    json_t *photo = json_object_get(o, "photo");
    cr_assert_str_eq(json_string_value(json_object_get(photo, "type")), "jpeg2000");
    json_t *png = json_object_get(photo, "png");
    cr_assert_not_null(png, "no PNG reported");
    cr_assert_eq(json_integer_value(json_object_get(png, "width")), 240);
    cr_assert_eq(json_integer_value(json_object_get(png, "height")), 320);
    char path[512];
    snprintf(path, sizeof path, "%s/face.jp2.png", dir);
    cr_assert_str_eq(json_string_value(json_object_get(png, "file")), path);
    size_t len = 0;
    uint8_t *data = read_file_or_fail(path, &len);
    vfy_face_png file = { .data = data, .len = len };
    unsigned w, h;
    uint8_t *px = read_png(&file, PNG_FORMAT_RGB, &w, &h);
    cr_assert_eq(w, 240);
    cr_assert_eq(h, 320);
    free(px);
    free(data);
    struct stat st;
    cr_assert_eq(lstat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    snprintf(path, sizeof path, "%s/face.jp2", dir);
    data = read_file_or_fail(path, &len);
    cr_assert(len > 12 && data[4] == 'j' && data[5] == 'P', "the original is not the JP2 file");
    free(data);
    json_decref(o);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}
