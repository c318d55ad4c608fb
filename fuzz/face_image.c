/* Fuzz target: the face image conversion (JPEG 2000 through openjpeg to PNG through
 * libpng), as the service and vfy read --photo run it on a chip's DG2 face. Checks that a
 * success describes a PNG of the declared size and a failure leaves nothing. */
#include <stdint.h>
#include <string.h>

#include "verify/face_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vfy_face_png png;
    vfy_detail d = { 0 };
    vfy_status s = vfy_face_image_to_png(data, size, &png, &d);
    if (s == VFY_OK) {
        static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
        if (png.data == NULL || png.len < 8 || memcmp(png.data, sig, 8) != 0 ||
            png.width == 0 || png.height == 0 || png.width > VFY_FACE_MAX_SIDE ||
            png.height > VFY_FACE_MAX_SIDE || png.channels < 1 || png.channels > 4)
            __builtin_trap();
    } else if (png.data != NULL || png.len != 0) {
        __builtin_trap();
    }
    vfy_face_png_clear(&png);
    return 0;
}
