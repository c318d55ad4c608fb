/*
 * libverify — files the library writes (dump folders, face images, specimens).
 *
 * What they hold is personal data (DG1 is the MRZ, which is also the chip's access
 * password; DG2 is the face), so every file is written the same way:
 *   - a NEW file only, mode 0600 whatever the umask, flushed to disk (fsync);
 *   - never through a symbolic link: every component of the path is opened without
 *     following links, so a link planted in the folder or anywhere on the way is
 *     refused (VFY_E_SYMLINK), never written through;
 *   - never over an existing file, even an empty one (VFY_E_EXISTS).
 * A folder the library creates is mode 0700. An existing folder is used only when it is
 * empty, unless the caller passes VFY_SAVE_ALLOW_EXISTING_DIR; even then no file in it
 * is replaced. Give the real path (realpath(3)) when a folder on the way is a link.
 *
 * Thread safety: safe from any thread; two writers racing for one path cannot both
 * succeed (the file is created with O_EXCL).
 */
#ifndef VERIFY_FILES_H
#define VERIFY_FILES_H

#include "common.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Use a folder that exists already and holds files (none of them is replaced). */
#define VFY_SAVE_ALLOW_EXISTING_DIR 0x1u

/* Creates `path` as a new file of mode 0600 holding `len` bytes of `data`.
 * VFY_E_EXISTS when anything of that name exists (a file, a folder, a link);
 * VFY_E_SYMLINK when a folder on the way is a symbolic link; VFY_E_IO otherwise. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_write_new_file(const char *path, const uint8_t *data,
                                                    size_t len, vfy_detail *detail);

#ifdef __cplusplus
}
#endif

#endif
