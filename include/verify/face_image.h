/*
 * libverify — the face image made displayable.
 *
 * DG2 holds the face as JPEG or JPEG 2000 (ISO/IEC 19794-5); browsers show JPEG but
 * not JPEG 2000, which many EU passports use. vfy_face_image_to_png decodes a JPEG 2000
 * face (a JP2 file or a bare J2K codestream) with openjpeg and encodes it as PNG with
 * libpng, for an officer's screen. The face is hostile input like every chip byte: at
 * most VFY_FACE_MAX_BYTES in, at most VFY_FACE_MAX_SIDE pixels a side, one to four
 * components of 1 to 16 bits without subsampling (greyscale, RGB, with alpha); anything
 * else fails typed and nothing is written. Colour values are scaled to 8 bits.
 *
 * The PNG is the traveller's face: vfy_face_png_clear wipes it before freeing it.
 *
 * Thread safety: every call works on its own arguments only (openjpeg and libpng state
 * is per call); any number of threads may convert images at once.
 */
#ifndef VERIFY_FACE_IMAGE_H
#define VERIFY_FACE_IMAGE_H

#include "common.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VFY_FACE_MAX_BYTES (4u * 1024u * 1024u)
#define VFY_FACE_MAX_SIDE 4096u

typedef struct vfy_face_png {
    uint8_t *data;          /* the PNG file */
    size_t len;
    unsigned width, height; /* of the decoded image */
    unsigned channels;      /* 1 grey, 2 grey and alpha, 3 RGB, 4 RGB and alpha */
} vfy_face_png;

/* Converts a JPEG 2000 face to PNG. A JPEG (which browsers show as it is) or anything
 * else that is not JPEG 2000 is VFY_E_UNSUPPORTED; a corrupt or truncated file
 * VFY_E_BAD_ENCODING; one beyond the limits above VFY_E_LIMIT. out is zeroed on
 * failure. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_face_image_to_png(const uint8_t *image, size_t len,
                                                       vfy_face_png *out, vfy_detail *detail);

/* Wipes and frees the PNG; the struct is zeroed. NULL is allowed. */
VFY_API void vfy_face_png_clear(vfy_face_png *png);

#ifdef __cplusplus
}
#endif

#endif
