/*
 * libverify — a document's chip files as read: EF.COM, EF.SOD, DG1..DG16,
 * EF.CardAccess, EF.CardSecurity, kept byte for byte as they came from the chip
 * (hashes are always computed over these exact bytes, never a re-encoding).
 *
 * A vfy_document is a plain container: it is filled by a chip read
 * (vfy_session_read_document), or loaded from a dump folder, and handed to the
 * verification layer. The dump folder layout is EF_COM.bin, EF_SOD.bin,
 * DG1.bin ... DG16.bin, EF_CardAccess.bin, EF_CardSecurity.bin.
 *
 * Thread safety: a document belongs to one thread while it is filled or changed;
 * once complete, any number of threads may read and inspect it (the calls taking a
 * const vfy_document change nothing).
 */
#ifndef VERIFY_DOCUMENT_H
#define VERIFY_DOCUMENT_H

#include "common.h"
#include "files.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vfy_file_id {
    VFY_FILE_DG1 = 1, /* DG1 .. DG16 are 1 .. 16 */
    VFY_FILE_DG16 = 16,
    VFY_FILE_COM = 17,
    VFY_FILE_SOD = 18,
    VFY_FILE_CARD_ACCESS = 19,
    VFY_FILE_CARD_SECURITY = 20,
    VFY_FILE_COUNT = 21,
} vfy_file_id;


typedef struct vfy_document vfy_document;

VFY_API VFY_NODISCARD VFY_NONNULL(1) vfy_status vfy_document_new(vfy_document **out);
/* Wipes every file's bytes (DG1 holds the MRZ, the chip's access password) and frees. */
VFY_API void vfy_document_free(vfy_document *doc);

/* Stores a copy of the file's bytes (replacing any earlier copy). */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_document_set_file(vfy_document *doc, vfy_file_id id,
                                                       const uint8_t *data, size_t len);
/* A view of the file, valid until the document changes; VFY_E_NOT_FOUND if absent. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3, 4) vfy_status vfy_document_get_file(const vfy_document *doc, vfy_file_id id,
                                                       const uint8_t **data, size_t *len);
VFY_API bool vfy_document_has_file(const vfy_document *doc, vfy_file_id id);

/* "DG1" .. "DG16", "EF.COM", "EF.SOD", "EF.CardAccess", "EF.CardSecurity". */
VFY_API const char *vfy_file_name(vfy_file_id id);
/* "DG1.bin", "EF_COM.bin", ... as in a dump folder. */
VFY_API const char *vfy_file_dump_name(vfy_file_id id);
/* Short EF identifier and file identifier (ICAO 9303-10 table 39). */
VFY_API uint8_t vfy_file_sfi(vfy_file_id id);
VFY_API uint16_t vfy_file_fid(vfy_file_id id);
/* The data group number of an LDS tag (0x61 -> 1, 0x75 -> 2, ...), 0 if none. */
VFY_API unsigned vfy_file_dg_from_tag(uint8_t tag);
/* The file whose first tag is `tag` (0x60 -> EF.COM, 0x77 -> EF.SOD, 0x61 -> DG1 ...). */
VFY_API vfy_file_id vfy_file_from_tag(uint8_t tag);

/* Loads every known file present in a dump folder (unknown files are ignored). */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_document_load_dir(vfy_document *doc, const char *dir,
                                                       vfy_detail *detail);
/*
 * Writes every file present to a dump folder as new files of mode 0600 (verify/files.h):
 * the folder is created with mode 0700, or may exist empty; an existing folder holding
 * files is refused (VFY_E_EXISTS) unless flags has VFY_SAVE_ALLOW_EXISTING_DIR, and even
 * then no file is replaced (VFY_E_EXISTS, nothing written). A symbolic link as the folder
 * or on its path is refused (VFY_E_SYMLINK), never followed.
 */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_document_save_dir(const vfy_document *doc, const char *dir,
                                                       unsigned flags, vfy_detail *detail);

#ifdef __cplusplus
}
#endif

#endif
