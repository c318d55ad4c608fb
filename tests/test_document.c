#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "specimen/embedded.h"
#include "document/document_internal.h"
#include "support.h"
#include "verify.h"

Test(document, set_get_replace)
{
    vfy_document *d;
    cr_assert_eq(vfy_document_new(&d), VFY_OK);
    const uint8_t *p;
    size_t n;
    cr_assert_eq(vfy_document_get_file(d, VFY_FILE_DG1, &p, &n), VFY_E_NOT_FOUND);
    uint8_t a[] = { 0x61, 0x01, 0x00 };
    cr_assert_eq(vfy_document_set_file(d, VFY_FILE_DG1, a, sizeof a), VFY_OK);
    a[2] = 0x55; /* the document keeps its own copy */
    cr_assert_eq(vfy_document_get_file(d, VFY_FILE_DG1, &p, &n), VFY_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(p[2], 0x00);
    cr_assert_eq(vfy_document_set_file(d, VFY_FILE_DG1, NULL, 0), VFY_OK);
    cr_assert(vfy_document_has_file(d, VFY_FILE_DG1), "an empty file is still present");
    cr_assert_eq(vfy_document_set_file(d, (vfy_file_id)0, a, 1), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_document_set_file(d, VFY_FILE_COUNT, a, 1), VFY_E_INVALID_ARGUMENT);
    vfy_document_free(d);
}

Test(document, lds_file_table)
{
    /* ICAO 9303-10 table 39. */
    cr_assert_eq(vfy_file_fid(VFY_FILE_COM), 0x011E);
    cr_assert_eq(vfy_file_sfi(VFY_FILE_COM), 0x1E);
    cr_assert_eq(vfy_file_fid(VFY_FILE_SOD), 0x011D);
    cr_assert_eq(vfy_file_fid((vfy_file_id)2), 0x0102);
    cr_assert_eq(vfy_file_sfi((vfy_file_id)15), 0x0F);
    cr_assert_eq(vfy_file_fid(VFY_FILE_CARD_ACCESS), 0x011C);
    cr_assert_eq(vfy_file_dg_from_tag(0x61), 1);
    cr_assert_eq(vfy_file_dg_from_tag(0x75), 2);
    cr_assert_eq(vfy_file_dg_from_tag(0x6E), 14);
    cr_assert_eq(vfy_file_dg_from_tag(0x70), 16);
    cr_assert_eq(vfy_file_dg_from_tag(0x42), 0);
    cr_assert_eq(vfy_file_from_tag(0x77), VFY_FILE_SOD);
    cr_assert_str_eq(vfy_file_name(VFY_FILE_CARD_SECURITY), "EF.CardSecurity");
    cr_assert_str_eq(vfy_file_dump_name(VFY_FILE_COM), "EF_COM.bin");
}

Test(document, dump_folder_round_trip)
{
    char dir[64];
    tmpdir_make("doc", dir, sizeof dir);
    vfy_document *d, *e;
    cr_assert_eq(vfy_document_new(&d), VFY_OK);
    const uint8_t com[] = { 0x60, 0x03, 0x5C, 0x01, 0x61 };
    const uint8_t sod[] = { 0x77, 0x00 };
    cr_assert_eq(vfy_document_set_file(d, VFY_FILE_COM, com, sizeof com), VFY_OK);
    cr_assert_eq(vfy_document_set_file(d, VFY_FILE_SOD, sod, sizeof sod), VFY_OK);
    vfy_detail det;
    vfy_detail_clear(&det);
    cr_assert_eq(vfy_document_save_dir(d, dir, 0, &det), VFY_OK, "%s", det.message);
    cr_assert_eq(vfy_document_new(&e), VFY_OK);
    cr_assert_eq(vfy_document_load_dir(e, dir, &det), VFY_OK, "%s", det.message);
    const uint8_t *p;
    size_t n;
    cr_assert_eq(vfy_document_get_file(e, VFY_FILE_COM, &p, &n), VFY_OK);
    cr_assert_eq(n, sizeof com);
    cr_assert_eq(memcmp(p, com, n), 0);
    cr_assert(!vfy_document_has_file(e, VFY_FILE_DG1));
    char path[256];
    snprintf(path, sizeof path, "%s/EF_COM.bin", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/EF_SOD.bin", dir);
    unlink(path);
    vfy_document *f;
    cr_assert_eq(vfy_document_new(&f), VFY_OK);
    cr_assert_eq(vfy_document_load_dir(f, dir, &det), VFY_E_NOT_FOUND);
    cr_assert(strstr(det.message, "EF_COM.bin") != NULL);
    rmdir(dir);
    cr_assert_eq(vfy_document_load_dir(f, dir, &det), VFY_E_IO);
    vfy_document_free(d);
    vfy_document_free(e);
    vfy_document_free(f);
}

/* vfy_document_free runs document_wipe before freeing (a freed buffer cannot be read
 * under ASan, so the wipe is observed here, on live buffers): DG1 — the MRZ, the chip's
 * access password — DG2 and DG11 are zeroed in place, every byte. */
Test(document, wipe_zeroes_every_file)
{
    vfy_document *d;
    cr_assert_eq(vfy_document_new(&d), VFY_OK);
    static const struct { vfy_file_id id; const char *name; } f[] = {
        { VFY_FILE_DG1, "specimen/DG1.bin" }, { (vfy_file_id)2, "specimen/DG2.bin" },
        { (vfy_file_id)11, "specimen/DG11.bin" }, { VFY_FILE_SOD, "specimen/EF_SOD.bin" },
    };
    enum { N = sizeof f / sizeof f[0] };
    const uint8_t *p[N];
    size_t n[N];
    for (size_t i = 0; i < N; i++) {
        const struct vfy_embedded_file *e = vfy_embedded_find(f[i].name);
        cr_assert_not_null(e);
        cr_assert_eq(vfy_document_set_file(d, f[i].id, e->data, e->len), VFY_OK);
        cr_assert_eq(vfy_document_get_file(d, f[i].id, &p[i], &n[i]), VFY_OK);
        cr_assert_eq(n[i], e->len);
        cr_assert_eq(memcmp(p[i], e->data, n[i]), 0);
    }
    document_wipe(d);
    for (size_t i = 0; i < N; i++) {
        const uint8_t *q;
        size_t m;
        cr_assert_eq(vfy_document_get_file(d, f[i].id, &q, &m), VFY_OK);
        cr_assert_eq(q, p[i], "wiped in place, not reallocated");
        cr_assert_eq(m, n[i]);
        for (size_t k = 0; k < m; k++)
            cr_assert_eq(q[k], 0, "%s byte %zu not wiped", f[i].name, k);
    }
    document_wipe(NULL);
    vfy_document_free(d);
}
