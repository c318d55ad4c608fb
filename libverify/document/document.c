/* The document container: chip files kept byte for byte, and the dump-folder format. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/fail.h"
#include "core/safe_file.h"
#include "document/document_internal.h"
#include "verify/document.h"

struct vfy_document {
    uint8_t *data[VFY_FILE_COUNT];
    size_t len[VFY_FILE_COUNT];
    bool present[VFY_FILE_COUNT];
};

/* ICAO 9303-10 table 39 (LDS1 files) plus the files of the master file. */
static const struct file_info {
    const char *name;
    const char *dump_name;
    uint8_t sfi;
    uint16_t fid;
    uint8_t tag;
} files[VFY_FILE_COUNT] = {
    [0] = { NULL, NULL, 0, 0, 0 },
    [1] = { "DG1", "DG1.bin", 0x01, 0x0101, 0x61 },
    [2] = { "DG2", "DG2.bin", 0x02, 0x0102, 0x75 },
    [3] = { "DG3", "DG3.bin", 0x03, 0x0103, 0x63 },
    [4] = { "DG4", "DG4.bin", 0x04, 0x0104, 0x76 },
    [5] = { "DG5", "DG5.bin", 0x05, 0x0105, 0x65 },
    [6] = { "DG6", "DG6.bin", 0x06, 0x0106, 0x66 },
    [7] = { "DG7", "DG7.bin", 0x07, 0x0107, 0x67 },
    [8] = { "DG8", "DG8.bin", 0x08, 0x0108, 0x68 },
    [9] = { "DG9", "DG9.bin", 0x09, 0x0109, 0x69 },
    [10] = { "DG10", "DG10.bin", 0x0A, 0x010A, 0x6A },
    [11] = { "DG11", "DG11.bin", 0x0B, 0x010B, 0x6B },
    [12] = { "DG12", "DG12.bin", 0x0C, 0x010C, 0x6C },
    [13] = { "DG13", "DG13.bin", 0x0D, 0x010D, 0x6D },
    [14] = { "DG14", "DG14.bin", 0x0E, 0x010E, 0x6E },
    [15] = { "DG15", "DG15.bin", 0x0F, 0x010F, 0x6F },
    [16] = { "DG16", "DG16.bin", 0x10, 0x0110, 0x70 },
    [VFY_FILE_COM] = { "EF.COM", "EF_COM.bin", 0x1E, 0x011E, 0x60 },
    [VFY_FILE_SOD] = { "EF.SOD", "EF_SOD.bin", 0x1D, 0x011D, 0x77 },
    [VFY_FILE_CARD_ACCESS] = { "EF.CardAccess", "EF_CardAccess.bin", 0x1C, 0x011C, 0 },
    [VFY_FILE_CARD_SECURITY] = { "EF.CardSecurity", "EF_CardSecurity.bin", 0x1D, 0x011D, 0 },
};

static bool valid_id(vfy_file_id id)
{
    return id >= VFY_FILE_DG1 && id < VFY_FILE_COUNT;
}

vfy_status vfy_document_new(vfy_document **out)
{
    *out = calloc(1, sizeof **out);
    return *out != NULL ? VFY_OK : VFY_E_NO_MEMORY;
}

/* DG1 is the MRZ — the chip's access password — DG2 the face, DG11 the personal
 * details: no file's bytes outlive the document in freed memory. */
static void wipe_free(uint8_t *data, size_t len)
{
    if (data != NULL)
        sodium_memzero(data, len);
    free(data);
}

void document_wipe(vfy_document *doc)
{
    if (doc == NULL)
        return;
    for (size_t i = 0; i < VFY_FILE_COUNT; i++)
        if (doc->data[i] != NULL)
            sodium_memzero(doc->data[i], doc->len[i]);
}

void vfy_document_free(vfy_document *doc)
{
    if (doc == NULL)
        return;
    document_wipe(doc);
    for (size_t i = 0; i < VFY_FILE_COUNT; i++)
        free(doc->data[i]);
    sodium_memzero(doc, sizeof *doc);
    free(doc);
}

vfy_status vfy_document_set_file(vfy_document *doc, vfy_file_id id, const uint8_t *data, size_t len)
{
    if (doc == NULL || !valid_id(id) || (data == NULL && len > 0))
        return VFY_E_INVALID_ARGUMENT;
    if (len > VFY_FILE_MAX_BYTES)
        return VFY_E_LIMIT;
    uint8_t *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL)
        return VFY_E_NO_MEMORY;
    if (len > 0)
        memcpy(copy, data, len);
    wipe_free(doc->data[id], doc->len[id]);
    doc->data[id] = copy;
    doc->len[id] = len;
    doc->present[id] = true;
    return VFY_OK;
}

vfy_status vfy_document_get_file(const vfy_document *doc, vfy_file_id id, const uint8_t **data,
                                 size_t *len)
{
    *data = NULL;
    *len = 0;
    if (doc == NULL || !valid_id(id))
        return VFY_E_INVALID_ARGUMENT;
    if (!doc->present[id])
        return VFY_E_NOT_FOUND;
    *data = doc->data[id];
    *len = doc->len[id];
    return VFY_OK;
}

bool vfy_document_has_file(const vfy_document *doc, vfy_file_id id)
{
    return doc != NULL && valid_id(id) && doc->present[id];
}

const char *vfy_file_name(vfy_file_id id)
{
    return valid_id(id) ? files[id].name : "unknown file";
}

const char *vfy_file_dump_name(vfy_file_id id)
{
    return valid_id(id) ? files[id].dump_name : NULL;
}

uint8_t vfy_file_sfi(vfy_file_id id)
{
    return valid_id(id) ? files[id].sfi : 0;
}

uint16_t vfy_file_fid(vfy_file_id id)
{
    return valid_id(id) ? files[id].fid : 0;
}

unsigned vfy_file_dg_from_tag(uint8_t tag)
{
    for (unsigned i = VFY_FILE_DG1; i <= VFY_FILE_DG16; i++)
        if (files[i].tag == tag)
            return i;
    return 0;
}

vfy_file_id vfy_file_from_tag(uint8_t tag)
{
    if (tag == 0x60)
        return VFY_FILE_COM;
    if (tag == 0x77)
        return VFY_FILE_SOD;
    return (vfy_file_id)vfy_file_dg_from_tag(tag);
}

static vfy_status read_whole(const char *path, const char *field, uint8_t **out, size_t *len,
                             vfy_detail *detail)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return vfy_fail(detail, VFY_E_IO, field, "cannot open %s: %s", path, strerror(errno));
    uint8_t *buf = malloc(VFY_FILE_MAX_BYTES + 1);
    if (buf == NULL) {
        fclose(f);
        return VFY_E_NO_MEMORY;
    }
    size_t n = fread(buf, 1, VFY_FILE_MAX_BYTES + 1, f);
    bool err = ferror(f) != 0;
    fclose(f);
    if (err) {
        wipe_free(buf, n);
        return vfy_fail(detail, VFY_E_IO, field, "cannot read %s", path);
    }
    if (n > VFY_FILE_MAX_BYTES) {
        wipe_free(buf, n);
        return vfy_fail(detail, VFY_E_LIMIT, field, "%s is larger than %u bytes", path,
                        VFY_FILE_MAX_BYTES);
    }
    *out = buf;
    *len = n;
    return VFY_OK;
}

vfy_status vfy_document_load_dir(vfy_document *doc, const char *dir, vfy_detail *detail)
{
    if (doc == NULL || dir == NULL)
        return VFY_E_INVALID_ARGUMENT;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return vfy_fail(detail, VFY_E_IO, "dump folder", "%s is not a readable folder", dir);
    unsigned loaded = 0;
    for (int id = VFY_FILE_DG1; id < VFY_FILE_COUNT; id++) {
        char path[4096];
        int n = snprintf(path, sizeof path, "%s/%s", dir, files[id].dump_name);
        if (n < 0 || (size_t)n >= sizeof path)
            return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "dump folder", "path too long");
        if (stat(path, &st) != 0)
            continue;
        uint8_t *buf = NULL;
        size_t len = 0;
        VFY_TRY(read_whole(path, files[id].name, &buf, &len, detail));
        vfy_status s = vfy_document_set_file(doc, (vfy_file_id)id, buf, len);
        wipe_free(buf, len);
        VFY_TRY(s);
        loaded++;
    }
    if (loaded == 0)
        return vfy_fail(detail, VFY_E_NOT_FOUND, "dump folder",
                        "%s holds none of EF_COM.bin, EF_SOD.bin, DG1.bin ... DG16.bin", dir);
    return VFY_OK;
}

vfy_status vfy_document_save_dir(const vfy_document *doc, const char *dir, unsigned flags,
                                 vfy_detail *detail)
{
    if (doc == NULL || dir == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "dump folder", "no document or no folder");
    int fd;
    VFY_TRY(safe_dir_open(dir, true, flags, &fd, detail));
    char path[4096];
    vfy_status s = VFY_OK;
    /* Every name is checked before anything is written, so a refused save leaves no
     * partial dump behind; O_EXCL still refuses a name that appears in between. */
    for (int pass = 0; pass < 2 && s == VFY_OK; pass++)
        for (int id = VFY_FILE_DG1; id < VFY_FILE_COUNT && s == VFY_OK; id++) {
            if (!doc->present[id])
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, files[id].dump_name);
            s = pass == 0 ? safe_file_absent_at(fd, files[id].dump_name, path, detail)
                          : safe_file_create_at(fd, files[id].dump_name, path, doc->data[id],
                                                doc->len[id], detail);
        }
    if (s == VFY_OK)
        safe_dir_sync(fd);
    close(fd);
    return s;
}
