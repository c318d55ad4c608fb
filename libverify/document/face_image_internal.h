/* Internal: encoding a raster as JPEG 2000 (the specimen's JPEG 2000 face, test data).
 * The decoder is public (verify/face_image.h). */
#ifndef VFY_DOCUMENT_FACE_IMAGE_INTERNAL_H
#define VFY_DOCUMENT_FACE_IMAGE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "verify/status.h"

typedef struct face_raster {
    unsigned width, height;
    unsigned channels;          /* 1 grey, 3 RGB */
    const uint8_t *pixels;      /* rows top to bottom, channels interleaved, 8 bits */
} face_raster;

/* A JP2 file (lossless, reversible 5/3 wavelet) of the raster; *out is malloc'd. */
vfy_status face_jp2_encode(const face_raster *r, uint8_t **out, size_t *out_len,
                           vfy_detail *detail);

#endif
