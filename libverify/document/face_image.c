/* The face image made displayable (verify/face_image.h): JPEG 2000 decoded by openjpeg,
 * written as PNG by libpng's simplified API. No codec is written here: this file moves
 * bytes between openjpeg's memory streams, bounds what openjpeg is asked to allocate,
 * and turns openjpeg's component planes into the interleaved 8-bit rows libpng takes. */
#include <openjpeg.h>
#include <png.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fail.h"
#include "document/face_image_internal.h"
#include "verify/face_image.h"

#define FIELD "DG2/face"
/* Decoded pixels allowed, over all components: 16 Mi samples keep openjpeg's int32
 * planes at 64 MiB, whatever the header claims. */
#define FACE_MAX_SAMPLES (16u * 1024u * 1024u)

/* JP2 signature box, and the J2K codestream's SOC + SIZ markers. */
static const uint8_t jp2_magic[12] = { 0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20,
                                       0x0D, 0x0A, 0x87, 0x0A };
static const uint8_t j2k_magic[4] = { 0xFF, 0x4F, 0xFF, 0x51 };

/* ---- openjpeg's messages: the first error is kept for the detail, nothing printed -- */

struct opj_msgs {
    char first_error[160];
};

static void on_error(const char *msg, void *user)
{
    struct opj_msgs *m = user;
    if (m->first_error[0] == '\0') {
        snprintf(m->first_error, sizeof m->first_error, "%s", msg);
        size_t n = strlen(m->first_error);
        while (n > 0 && (m->first_error[n - 1] == '\n' || m->first_error[n - 1] == '\r'))
            m->first_error[--n] = '\0';
    }
}

static void on_quiet(const char *msg, void *user)
{
    (void)msg;
    (void)user;
}

static void quiet_codec(opj_codec_t *codec, struct opj_msgs *m)
{
    opj_set_error_handler(codec, on_error, m);
    opj_set_warning_handler(codec, on_quiet, m);
    opj_set_info_handler(codec, on_quiet, m);
}

/* ---- memory streams ------------------------------------------------------------- */

struct mem_in {
    const uint8_t *data;
    size_t len, pos;
};

static OPJ_SIZE_T in_read(void *buf, OPJ_SIZE_T n, void *user)
{
    struct mem_in *m = user;
    if (m->pos >= m->len)
        return (OPJ_SIZE_T)-1;
    size_t k = m->len - m->pos < n ? m->len - m->pos : n;
    memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return k;
}

static OPJ_OFF_T in_skip(OPJ_OFF_T n, void *user)
{
    struct mem_in *m = user;
    if (n < 0 || (size_t)n > m->len - m->pos) {
        if (n < 0 && (size_t)(-n) <= m->pos) {
            m->pos -= (size_t)(-n);
            return n;
        }
        return -1;
    }
    m->pos += (size_t)n;
    return n;
}

static OPJ_BOOL in_seek(OPJ_OFF_T n, void *user)
{
    struct mem_in *m = user;
    if (n < 0 || (size_t)n > m->len)
        return OPJ_FALSE;
    m->pos = (size_t)n;
    return OPJ_TRUE;
}

struct mem_out {
    uint8_t *data;
    size_t len, cap, pos;
    bool failed;
};

static bool out_reserve(struct mem_out *m, size_t need)
{
    if (need <= m->cap)
        return true;
    if (need > VFY_FACE_MAX_BYTES * 4) {
        m->failed = true;
        return false;
    }
    size_t cap = m->cap ? m->cap : 16384;
    while (cap < need)
        cap *= 2;
    uint8_t *p = realloc(m->data, cap);
    if (p == NULL) {
        m->failed = true;
        return false;
    }
    memset(p + m->cap, 0, cap - m->cap);
    m->data = p;
    m->cap = cap;
    return true;
}

static OPJ_SIZE_T out_write(void *buf, OPJ_SIZE_T n, void *user)
{
    struct mem_out *m = user;
    if (!out_reserve(m, m->pos + n))
        return (OPJ_SIZE_T)-1;
    memcpy(m->data + m->pos, buf, n);
    m->pos += n;
    if (m->pos > m->len)
        m->len = m->pos;
    return n;
}

static OPJ_OFF_T out_skip(OPJ_OFF_T n, void *user)
{
    struct mem_out *m = user;
    if (n < 0 ? (size_t)(-n) > m->pos : !out_reserve(m, m->pos + (size_t)n))
        return -1;
    m->pos = n < 0 ? m->pos - (size_t)(-n) : m->pos + (size_t)n;
    if (m->pos > m->len)
        m->len = m->pos;
    return n;
}

static OPJ_BOOL out_seek(OPJ_OFF_T n, void *user)
{
    struct mem_out *m = user;
    if (n < 0 || !out_reserve(m, (size_t)n))
        return OPJ_FALSE;
    m->pos = (size_t)n;
    return OPJ_TRUE;
}

/* ---- decoding --------------------------------------------------------------------- */

/* Checks what the header announces before anything is decoded. */
static vfy_status check_header(const opj_image_t *img, vfy_detail *detail)
{
    if (img->x1 <= img->x0 || img->y1 <= img->y0)
        return vfy_fail(detail, VFY_E_BAD_ENCODING, FIELD, "the JPEG 2000 image is empty");
    OPJ_UINT32 w = img->x1 - img->x0, h = img->y1 - img->y0;
    if (w > VFY_FACE_MAX_SIDE || h > VFY_FACE_MAX_SIDE)
        return vfy_fail(detail, VFY_E_LIMIT, FIELD,
                        "the JPEG 2000 image is %ux%u pixels; at most %u a side is decoded",
                        (unsigned)w, (unsigned)h, VFY_FACE_MAX_SIDE);
    if (img->numcomps < 1 || img->numcomps > 4)
        return vfy_fail(detail, VFY_E_UNSUPPORTED, FIELD,
                        "the JPEG 2000 image has %u components; 1 to 4 are shown",
                        (unsigned)img->numcomps);
    if ((uint64_t)w * h * img->numcomps > FACE_MAX_SAMPLES)
        return vfy_fail(detail, VFY_E_LIMIT, FIELD,
                        "the JPEG 2000 image has %llu samples; at most %u are decoded",
                        (unsigned long long)w * h * img->numcomps, FACE_MAX_SAMPLES);
    if (img->color_space == OPJ_CLRSPC_SYCC || img->color_space == OPJ_CLRSPC_EYCC ||
        img->color_space == OPJ_CLRSPC_CMYK)
        return vfy_fail(detail, VFY_E_UNSUPPORTED, FIELD,
                        "the JPEG 2000 image's colour space (%d) is not greyscale or RGB",
                        (int)img->color_space);
    for (OPJ_UINT32 i = 0; i < img->numcomps; i++) {
        const opj_image_comp_t *c = &img->comps[i];
        if (c->dx != 1 || c->dy != 1)
            return vfy_fail(detail, VFY_E_UNSUPPORTED, FIELD,
                            "component %u of the JPEG 2000 image is subsampled", (unsigned)i);
        if (c->prec < 1 || c->prec > 16)
            return vfy_fail(detail, VFY_E_UNSUPPORTED, FIELD,
                            "component %u has %u bits; 1 to 16 are shown", (unsigned)i,
                            (unsigned)c->prec);
    }
    return VFY_OK;
}

/* One sample scaled to 8 bits, clamped to the component's range. */
static uint8_t to8(OPJ_INT32 v, const opj_image_comp_t *c)
{
    int64_t x = v;
    if (c->sgnd)
        x += (int64_t)1 << (c->prec - 1);
    int64_t max = ((int64_t)1 << c->prec) - 1;
    if (x < 0)
        x = 0;
    if (x > max)
        x = max;
    if (c->prec >= 8)
        return (uint8_t)(x >> (c->prec - 8));
    return (uint8_t)(x * 255 / max);
}

/* The decoded planes as interleaved 8-bit rows; checks each plane is complete. */
static vfy_status interleave(const opj_image_t *img, uint8_t **out, unsigned *w_out,
                             unsigned *h_out, vfy_detail *detail)
{
    OPJ_UINT32 w = img->x1 - img->x0, h = img->y1 - img->y0, n = img->numcomps;
    for (OPJ_UINT32 i = 0; i < n; i++) {
        const opj_image_comp_t *c = &img->comps[i];
        if (c->data == NULL || c->w != w || c->h != h)
            return vfy_fail(detail, VFY_E_BAD_ENCODING, FIELD,
                            "component %u of the JPEG 2000 image was not decoded whole",
                            (unsigned)i);
    }
    uint8_t *px = malloc((size_t)w * h * n);
    if (px == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, FIELD, "out of memory decoding the face");
    for (size_t p = 0; p < (size_t)w * h; p++)
        for (OPJ_UINT32 i = 0; i < n; i++)
            px[p * n + i] = to8(img->comps[i].data[p], &img->comps[i]);
    *out = px;
    *w_out = w;
    *h_out = h;
    return VFY_OK;
}

static vfy_status decode_jpeg2000(const uint8_t *data, size_t len, OPJ_CODEC_FORMAT format,
                                  uint8_t **pixels, unsigned *w, unsigned *h, unsigned *n,
                                  vfy_detail *detail)
{
    struct mem_in in = { .data = data, .len = len };
    struct opj_msgs msgs = { { 0 } };
    opj_stream_t *stream = opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_TRUE);
    opj_codec_t *codec = opj_create_decompress(format);
    opj_image_t *img = NULL;
    vfy_status st = VFY_OK;
    if (stream == NULL || codec == NULL) {
        st = vfy_fail(detail, VFY_E_NO_MEMORY, FIELD, "out of memory starting openjpeg");
        goto done;
    }
    opj_stream_set_read_function(stream, in_read);
    opj_stream_set_skip_function(stream, in_skip);
    opj_stream_set_seek_function(stream, in_seek);
    opj_stream_set_user_data(stream, &in, NULL);
    opj_stream_set_user_data_length(stream, len);
    quiet_codec(codec, &msgs);
    opj_dparameters_t params;
    opj_set_default_decoder_parameters(&params);
    if (!opj_setup_decoder(codec, &params) || !opj_decoder_set_strict_mode(codec, OPJ_TRUE)) {
        st = vfy_fail(detail, VFY_E_INTERNAL, FIELD, "openjpeg refused the decoder settings");
        goto done;
    }
    if (!opj_read_header(stream, codec, &img)) {
        st = vfy_fail(detail, VFY_E_BAD_ENCODING, FIELD, "the JPEG 2000 header is invalid: %s",
                      msgs.first_error[0] ? msgs.first_error : "openjpeg could not read it");
        goto done;
    }
    st = check_header(img, detail);
    if (st != VFY_OK)
        goto done;
    if (!opj_decode(codec, stream, img) || !opj_end_decompress(codec, stream)) {
        st = vfy_fail(detail, VFY_E_BAD_ENCODING, FIELD, "the JPEG 2000 image is corrupt: %s",
                      msgs.first_error[0] ? msgs.first_error : "openjpeg could not decode it");
        goto done;
    }
    /* The decoded image must still be what the header announced. */
    st = check_header(img, detail);
    if (st == VFY_OK)
        st = interleave(img, pixels, w, h, detail);
    if (st == VFY_OK)
        *n = img->numcomps;
done:
    if (img != NULL)
        opj_image_destroy(img);
    if (codec != NULL)
        opj_destroy_codec(codec);
    if (stream != NULL)
        opj_stream_destroy(stream);
    return st;
}

static vfy_status write_png(const uint8_t *px, unsigned w, unsigned h, unsigned n,
                            vfy_face_png *out, vfy_detail *detail)
{
    static const png_uint_32 formats[5] = { 0, PNG_FORMAT_GRAY, PNG_FORMAT_GA, PNG_FORMAT_RGB,
                                            PNG_FORMAT_RGBA };
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = w;
    img.height = h;
    img.format = formats[n];
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&img, NULL, &size, 0, px, 0, NULL) || size == 0) {
        vfy_status s = vfy_fail(detail, VFY_E_INTERNAL, FIELD, "libpng could not size the PNG: %s",
                                img.message);
        png_image_free(&img);
        return s;
    }
    uint8_t *buf = malloc(size);
    if (buf == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, FIELD, "out of memory writing the PNG");
    if (!png_image_write_to_memory(&img, buf, &size, 0, px, 0, NULL)) {
        free(buf);
        vfy_status s = vfy_fail(detail, VFY_E_INTERNAL, FIELD, "libpng could not write the PNG: %s",
                                img.message);
        png_image_free(&img);
        return s;
    }
    out->data = buf;
    out->len = size;
    out->width = w;
    out->height = h;
    out->channels = n;
    return VFY_OK;
}

vfy_status vfy_face_image_to_png(const uint8_t *image, size_t len, vfy_face_png *out,
                                 vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "no place for the PNG");
    memset(out, 0, sizeof *out);
    if (image == NULL && len > 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "no image");
    if (len > VFY_FACE_MAX_BYTES)
        return vfy_fail(detail, VFY_E_LIMIT, FIELD, "the face image is %zu bytes; at most %u "
                        "are decoded", len, VFY_FACE_MAX_BYTES);
    OPJ_CODEC_FORMAT format;
    if (len >= sizeof jp2_magic && memcmp(image, jp2_magic, sizeof jp2_magic) == 0)
        format = OPJ_CODEC_JP2;
    else if (len >= sizeof j2k_magic && memcmp(image, j2k_magic, sizeof j2k_magic) == 0)
        format = OPJ_CODEC_J2K;
    else if (len >= 3 && image[0] == 0xFF && image[1] == 0xD8 && image[2] == 0xFF)
        return vfy_fail(detail, VFY_E_UNSUPPORTED, FIELD,
                        "the face is a JPEG, which browsers show as it is: no conversion needed");
    else
        return vfy_fail(detail, VFY_E_UNSUPPORTED, FIELD,
                        "the face is neither a JP2 file nor a JPEG 2000 codestream");
    uint8_t *px = NULL;
    unsigned w = 0, h = 0, n = 0;
    vfy_status st = decode_jpeg2000(image, len, format, &px, &w, &h, &n, detail);
    if (st == VFY_OK)
        st = write_png(px, w, h, n, out, detail);
    if (px != NULL) {
        sodium_memzero(px, (size_t)w * h * n);
        free(px);
    }
    return st;
}

void vfy_face_png_clear(vfy_face_png *png)
{
    if (png == NULL)
        return;
    if (png->data != NULL) {
        sodium_memzero(png->data, png->len);
        free(png->data);
    }
    memset(png, 0, sizeof *png);
}

/* ---- encoding (the specimen's JPEG 2000 face) ----------------------------------- */

vfy_status face_jp2_encode(const face_raster *r, uint8_t **out, size_t *out_len,
                           vfy_detail *detail)
{
    *out = NULL;
    *out_len = 0;
    if (r == NULL || r->pixels == NULL || (r->channels != 1 && r->channels != 3) ||
        r->width < 32 || r->height < 32 || r->width > VFY_FACE_MAX_SIDE ||
        r->height > VFY_FACE_MAX_SIDE)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD,
                        "a face to encode is 32 to %u pixels a side, greyscale or RGB",
                        VFY_FACE_MAX_SIDE);
    opj_image_cmptparm_t cp[3];
    memset(cp, 0, sizeof cp);
    for (unsigned i = 0; i < r->channels; i++) {
        cp[i].dx = cp[i].dy = 1;
        cp[i].w = r->width;
        cp[i].h = r->height;
        cp[i].prec = 8;
        cp[i].sgnd = 0;
    }
    opj_image_t *img = opj_image_create(r->channels, cp,
                                        r->channels == 3 ? OPJ_CLRSPC_SRGB : OPJ_CLRSPC_GRAY);
    opj_codec_t *codec = opj_create_compress(OPJ_CODEC_JP2);
    opj_stream_t *stream = opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_FALSE);
    struct mem_out mo = { 0 };
    struct opj_msgs msgs = { { 0 } };
    vfy_status st = VFY_OK;
    if (img == NULL || codec == NULL || stream == NULL) {
        st = vfy_fail(detail, VFY_E_NO_MEMORY, FIELD, "out of memory starting openjpeg");
        goto done;
    }
    img->x0 = img->y0 = 0;
    img->x1 = r->width;
    img->y1 = r->height;
    for (size_t p = 0; p < (size_t)r->width * r->height; p++)
        for (unsigned i = 0; i < r->channels; i++)
            img->comps[i].data[p] = r->pixels[p * r->channels + i];
    quiet_codec(codec, &msgs);
    opj_cparameters_t params;
    opj_set_default_encoder_parameters(&params);   /* lossless: reversible 5/3, one layer */
    params.tcp_mct = r->channels == 3 ? 1 : 0;
    params.numresolution = 5;   /* needs 16 pixels a side at the smallest level */
    opj_stream_set_write_function(stream, out_write);
    opj_stream_set_skip_function(stream, out_skip);
    opj_stream_set_seek_function(stream, out_seek);
    opj_stream_set_user_data(stream, &mo, NULL);
    if (!opj_setup_encoder(codec, &params, img) || !opj_start_compress(codec, img, stream) ||
        !opj_encode(codec, stream) || !opj_end_compress(codec, stream) || mo.failed) {
        st = vfy_fail(detail, VFY_E_INTERNAL, FIELD, "openjpeg could not encode the face: %s",
                      msgs.first_error[0] ? msgs.first_error : "no reason given");
        goto done;
    }
    *out = mo.data;
    *out_len = mo.len;
    mo.data = NULL;
done:
    free(mo.data);
    if (stream != NULL)
        opj_stream_destroy(stream);
    if (codec != NULL)
        opj_destroy_codec(codec);
    if (img != NULL)
        opj_image_destroy(img);
    return st;
}
