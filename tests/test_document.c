#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    char dir[] = "/tmp/vfy-doc-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    vfy_document *d, *e;
    cr_assert_eq(vfy_document_new(&d), VFY_OK);
    const uint8_t com[] = { 0x60, 0x03, 0x5C, 0x01, 0x61 };
    const uint8_t sod[] = { 0x77, 0x00 };
    cr_assert_eq(vfy_document_set_file(d, VFY_FILE_COM, com, sizeof com), VFY_OK);
    cr_assert_eq(vfy_document_set_file(d, VFY_FILE_SOD, sod, sizeof sod), VFY_OK);
    vfy_detail det;
    vfy_detail_clear(&det);
    cr_assert_eq(vfy_document_save_dir(d, dir, &det), VFY_OK, "%s", det.message);
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
