/*
 * Internal: creating files and folders that hold personal data, without ever following
 * a symbolic link or replacing a file (see verify/files.h for the rules).
 *
 * A folder is opened component by component with O_NOFOLLOW, and files are created
 * relative to the folder's descriptor (openat), so nothing on the way can be swapped
 * for a link between the check and the use.
 */
#ifndef VFY_CORE_SAFE_FILE_H
#define VFY_CORE_SAFE_FILE_H

#include <stdbool.h>

#include "verify/files.h"

/* Opens the folder `path` for creating files in it (O_RDONLY|O_DIRECTORY, close-on-exec).
 * With `create`: made with mode 0700 when missing; an existing folder must then be empty
 * unless `flags` has VFY_SAVE_ALLOW_EXISTING_DIR. Without `create` the folder must exist. */
VFY_NODISCARD vfy_status safe_dir_open(const char *path, bool create, unsigned flags, int *dirfd,
                                       vfy_detail *detail);

/* VFY_E_EXISTS when `name` exists in the folder (as anything, a dangling link included). */
VFY_NODISCARD vfy_status safe_file_absent_at(int dirfd, const char *name, const char *shown,
                                             vfy_detail *detail);

/* Creates `name` in the folder as a new 0600 file holding `data`, flushed with fsync.
 * `shown` names the file in messages. A file left half-written is removed. */
VFY_NODISCARD vfy_status safe_file_create_at(int dirfd, const char *name, const char *shown,
                                             const uint8_t *data, size_t len,
                                             vfy_detail *detail);

/* Makes the folder's new entries durable (fsync of the folder; best effort). */
void safe_dir_sync(int dirfd);

#endif
