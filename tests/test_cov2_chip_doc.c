/*
 * Coverage of issue 12 for document/document.c (files by tag, the size limit, dump
 * folders whose entries cannot be read) and reader/ (the listing of registered backends,
 * argument refusals, out of memory). The LDS tags are those of ICAO 9303-10 table 35:
 * EF.COM 60, EF.SOD 77, DG2 75.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "faults.h"
#include "support.h"
#include "transport.h"
#include "verify.h"
#include "verify/reader.h"
#include "verify/session.h"

Test(cov2_chip_doc, file_from_tag_names_com_sod_and_data_groups)
{
    cr_assert_eq(vfy_file_from_tag(0x60), VFY_FILE_COM);
    cr_assert_eq(vfy_file_from_tag(0x77), VFY_FILE_SOD);
    cr_assert_eq(vfy_file_from_tag(0x75), (vfy_file_id)2);
    cr_assert_eq(vfy_file_from_tag(0x61), VFY_FILE_DG1);
    cr_assert_eq(vfy_file_from_tag(0x70), VFY_FILE_DG16);
    cr_assert_eq((int)vfy_file_from_tag(0x42), 0);
}

Test(cov2_chip_doc, set_file_over_the_limit_and_null_arguments)
{
    vfy_document *doc = NULL;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    static const uint8_t one[1] = { 0x61 };
    /* The length is refused before a byte is read. */
    cr_assert_eq(vfy_document_set_file(doc, VFY_FILE_DG1, one, VFY_FILE_MAX_BYTES + 1u), VFY_E_LIMIT);
    cr_assert_not(vfy_document_has_file(doc, VFY_FILE_DG1));
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_document_load_dir(NULL, "/tmp", &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_document_load_dir(doc, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_document_save_dir(NULL, "/tmp", 0, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert(strstr(d.message, "no document") != NULL, "%s", d.message);
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_document_save_dir(doc, NULL, 0, &d), VFY_E_INVALID_ARGUMENT);
    vfy_document_free(doc);
}

static void write_file(const char *dir, const char *name, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    uint8_t block[4096] = { 0x61 };
    for (size_t done = 0; done < len;) {
        size_t n = len - done < sizeof block ? len - done : sizeof block;
        cr_assert_eq(fwrite(block, 1, n, f), n);
        done += n;
    }
    cr_assert_eq(fclose(f), 0);
}

static vfy_status load(const char *dir, vfy_detail *d)
{
    vfy_document *doc = NULL;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    vfy_detail_clear(d);
    vfy_status s = vfy_document_load_dir(doc, dir, d);
    if (s != VFY_OK)
        cr_assert_not(vfy_document_has_file(doc, VFY_FILE_DG1));
    vfy_document_free(doc);
    return s;
}

Test(cov2_chip_doc, dump_entries_that_cannot_be_read)
{
    char dir[128];
    tmpdir_make("cov2doc", dir, sizeof dir);
    char path[256];
    vfy_detail d;

    /* DG1.bin one byte over VFY_FILE_MAX_BYTES. */
    write_file(dir, "DG1.bin", VFY_FILE_MAX_BYTES + 1u);
    cr_assert_eq(load(dir, &d), VFY_E_LIMIT);
    cr_assert(strstr(d.message, "larger than") != NULL, "%s", d.message);
    snprintf(path, sizeof path, "%s/DG1.bin", dir);
    cr_assert_eq(unlink(path), 0);

    /* DG1.bin a folder: it opens, but reading it fails (EISDIR). */
    cr_assert_eq(mkdir(path, 0700), 0);
    cr_assert_eq(load(dir, &d), VFY_E_IO);
    cr_assert(strstr(d.message, "cannot read") != NULL, "%s", d.message);
    cr_assert_eq(rmdir(path), 0);

    /* DG1.bin a Unix socket: it exists, but cannot be opened (ENXIO), even by root. */
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    cr_assert_lt(strlen(path), sizeof sa.sun_path);
    memcpy(sa.sun_path, path, strlen(path) + 1);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    cr_assert_eq(load(dir, &d), VFY_E_IO);
    cr_assert(strstr(d.message, "cannot open") != NULL, "%s", d.message);
    close(fd);
    cr_assert_eq(unlink(path), 0);

    /* A DG1.bin of exactly the limit loads. */
    write_file(dir, "DG1.bin", VFY_FILE_MAX_BYTES);
    cr_assert_eq(load(dir, &d), VFY_OK, "%s", d.message);
    tmpdir_remove(dir);
}

/* ---- reader/ ---- */

static int failing_opens;
static vfy_status failing_open(const char *conn, vfy_transport **out, vfy_detail *detail)
{
    (void)conn;
    *out = NULL;
    failing_opens++;
    return vfy_detail_set(detail, VFY_E_NO_CARD, "reader", "nothing here");
}

Test(cov2_chip_doc, listing_skips_unlisted_and_unopenable_backends)
{
    /* Criterion runs each test in its own process: these registrations stay here. A
     * backend without a listing name is not listed; one whose open fails is not either. */
    static const vfy_transport_backend unlisted = { .scheme = "cov2hidden", .open = failing_open };
    static const vfy_transport_backend broken = { .scheme = "cov2broken", .open = failing_open,
                                                  .listing = "Broken reader" };
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_transport_register(&unlisted, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_transport_register(&broken, &d), VFY_OK, "%s", d.message);
    vfy_reader_info *list = NULL;
    size_t count = 0;
    vfy_reader_backend backends[VFY_READER_BACKENDS];
    cr_assert_eq(vfy_readers_list_backends(&list, &count, backends, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(failing_opens, 1, "only the listed backend is opened");
    bool sim = false;
    for (size_t i = 0; i < count; i++) {
        cr_assert_null(strstr(list[i].connection, "cov2"), "%s listed", list[i].connection);
        if (strcmp(list[i].backend, "sim") == 0)
            sim = true;
    }
    cr_assert(sim, "the simulator registered by the test program is listed");
    cr_assert_str_eq(backends[0].backend, "pcsc");
    cr_assert_str_eq(backends[1].backend, "nfc");
    vfy_readers_free(list);
}

Test(cov2_chip_doc, listing_refusals_and_out_of_memory)
{
    vfy_reader_info *list = (vfy_reader_info *)1;
    size_t count = 7;
    vfy_reader_backend backends[VFY_READER_BACKENDS];
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_readers_list_backends(NULL, &count, backends, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_readers_list_backends(&list, NULL, backends, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_readers_list_backends(&list, &count, NULL, &d), VFY_E_INVALID_ARGUMENT);
    /* The listing's own table is the first allocation. */
    fault_arm(1);
    fault_enter();
    vfy_status s = vfy_readers_list(&list, &count, &d);
    fault_leave();
    bool fired = false;
    fault_disarm(&fired);
    cr_assert(fired);
    cr_assert_eq(s, VFY_E_NO_MEMORY);
    cr_assert_null(list);
    cr_assert_eq(count, 0);
}

Test(cov2_chip_doc, session_reader_calls_without_a_session)
{
    vfy_detail d = { 0 };
    bool present = true;
    cr_assert_eq(vfy_session_open_reader("sim", NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_session_wait_document(NULL, 10, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_session_document_present(NULL, &present, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_session_wait_removal(NULL, 10, &d), VFY_E_INVALID_ARGUMENT);
    vfy_session *s = NULL;
    cr_assert_eq(vfy_session_open_reader("sim", &s, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_session_document_present(s, NULL, &d), VFY_E_INVALID_ARGUMENT);
    vfy_session_close(s);
}
