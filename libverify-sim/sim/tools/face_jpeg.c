/* Draws the synthetic portrait of the built-in specimen passport (no real person) and
 * writes it as a baseline JPEG to stdout. Deterministic: the same bytes on every run.
 * Build: cc -O2 -o face_jpeg face_jpeg.c -ljpeg   (used by make_specimen.py) */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <jpeglib.h>

#define W 240
#define H 320

static uint32_t seed = 20340415u;
static int noise(int amp)
{
    seed = seed * 1664525u + 1013904223u;
    return (int)((seed >> 24) % (unsigned)(2 * amp + 1)) - amp;
}

static int inside(double x, double y, double cx, double cy, double rx, double ry)
{
    double dx = (x - cx) / rx, dy = (y - cy) / ry;
    return dx * dx + dy * dy <= 1.0;
}

static void paint(int x, int y, unsigned char *px)
{
    int r = 200 - y / 6, g = 212 - y / 6, b = 224 - y / 8;            /* backdrop */
    if (inside(x, y, 120, 335, 115, 80))
        r = 47, g = 79, b = 111;                                        /* shoulders */
    if (inside(x, y, 120, 128, 80, 98))
        r = 59, g = 42, b = 30;                                         /* hair */
    if (inside(x, y, 120, 152, 62, 82) || (x > 100 && x < 140 && y > 220 && y < 262))
        r = 224 - (x > 120 ? (x - 120) / 4 : 0), g = 184, b = 154;      /* face, neck */
    if (inside(x, y, 96, 140, 11, 6) || inside(x, y, 144, 140, 11, 6))
        r = 245, g = 245, b = 240;                                      /* eyes */
    if (inside(x, y, 96, 140, 4, 4) || inside(x, y, 144, 140, 4, 4))
        r = 74, g = 106, b = 58;                                        /* irises */
    if (inside(x, y, 120, 198, 18, 6))
        r = 181, g = 106, b = 90;                                       /* mouth */
    int n = noise(14);
    px[0] = (unsigned char)(r + n < 0 ? 0 : r + n > 255 ? 255 : r + n);
    px[1] = (unsigned char)(g + n < 0 ? 0 : g + n > 255 ? 255 : g + n);
    px[2] = (unsigned char)(b + n < 0 ? 0 : b + n > 255 ? 255 : b + n);
}

int main(void)
{
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, stdout);
    cinfo.image_width = W;
    cinfo.image_height = H;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 90, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    unsigned char row[W * 3];
    while (cinfo.next_scanline < H) {
        for (int x = 0; x < W; x++)
            paint(x, (int)cinfo.next_scanline, row + 3 * x);
        JSAMPROW rp = row;
        jpeg_write_scanlines(&cinfo, &rp, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return 0;
}
