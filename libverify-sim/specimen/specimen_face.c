/* The specimen's JPEG 2000 face: a synthetic portrait drawn here (plain shapes on a
 * light background, nobody's likeness) and encoded by openjpeg, so that the JPEG 2000
 * path of readers, the service and the console can be tested without a real passport.
 * The JPEG specimen keeps its built-in face; converting that one would need a JPEG
 * decoder, which the library does not have. */
#include <stdlib.h>

#include "core/fail.h"
#include "document/face_image_internal.h"
#include "specimen/specimen_internal.h"

#define FACE_W 240u
#define FACE_H 320u

/* Inside the ellipse centred at (cx, cy) with radii rx, ry. */
static int in_ellipse(long x, long y, long cx, long cy, long rx, long ry)
{
    long dx = x - cx, dy = y - cy;
    return dx * dx * ry * ry + dy * dy * rx * rx <= rx * rx * ry * ry;
}

static void colour(uint8_t *p, uint8_t r, uint8_t g, uint8_t b)
{
    p[0] = r;
    p[1] = g;
    p[2] = b;
}

vfy_status specimen_face_jp2(uint8_t **out, size_t *out_len, unsigned *width,
                             unsigned *height, vfy_detail *detail)
{
    uint8_t *px = malloc((size_t)FACE_W * FACE_H * 3);
    if (px == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "specimen", "out of memory drawing the face");
    for (long y = 0; y < (long)FACE_H; y++) {
        for (long x = 0; x < (long)FACE_W; x++) {
            uint8_t *p = px + ((size_t)y * FACE_W + (size_t)x) * 3;
            uint8_t shade = (uint8_t)(228 - y / 16);   /* a soft background gradient */
            colour(p, shade, shade, (uint8_t)(shade + 6));
            if (y > 250 && in_ellipse(x, y, 120, 330, 110, 90))
                colour(p, 40, 62, 110);                /* shoulders */
            if (in_ellipse(x, y, 120, 112, 78, 84))
                colour(p, 58, 40, 28);                 /* hair */
            if (x > 103 && x < 137 && y > 190 && y < 260)
                colour(p, 222, 178, 150);              /* neck */
            if (in_ellipse(x, y, 120, 140, 62, 80))
                colour(p, 232, 190, 160);              /* face */
            if (in_ellipse(x, y, 96, 126, 9, 5) || in_ellipse(x, y, 144, 126, 9, 5))
                colour(p, 250, 250, 250);              /* eyes */
            if (in_ellipse(x, y, 96, 126, 4, 4) || in_ellipse(x, y, 144, 126, 4, 4))
                colour(p, 60, 90, 60);
            if (in_ellipse(x, y, 120, 182, 20, 5))
                colour(p, 176, 90, 90);                /* mouth */
        }
    }
    face_raster r = { .width = FACE_W, .height = FACE_H, .channels = 3, .pixels = px };
    vfy_status st = face_jp2_encode(&r, out, out_len, detail);
    free(px);
    *width = FACE_W;
    *height = FACE_H;
    return st;
}
